"""Entry point of the desktop app (`neuroloom`, `neuroloom gui [PROJECT]`): opens the
main window with the given project or a built-in example. Nothing here imports torch;
the parts that need it load it later, off the path to the first drawn window.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from app.settings import APPLICATION, ORGANIZATION
from graph_core.project import list_examples

DEFAULT_EXAMPLE = "mlp_spiral"
# Set by bench/bench_startup.py: print the time to the first painted window and quit.
BENCH_ENV = "NEUROLOOM_BENCH_STARTED"


def main(argv: list[str] | None = None) -> int:
    """Run the app. `argv` holds at most one project path (no program name)."""
    args = list(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "neuroloom"])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("NeuroLoom")
    from app.main_window import MainWindow  # after the app exists: widgets need it

    window = MainWindow()
    problems = open_initial(window, args[0] if args else None)
    if os.environ.get(BENCH_ENV):
        _FirstPaint(window, float(os.environ[BENCH_ENV]))
    window.show()
    # Told and asked once the window is visible, so the messages have their context.
    QTimer.singleShot(0, lambda: _after_show(window, problems))
    return app.exec()


def open_initial(window, project: str | None) -> list[tuple[str, str]]:
    """Open `project`, or the default example when there is none or it cannot be read.
    Returns the error reports it held back (they are shown once the window is up)."""
    held: list[tuple[str, str]] = []
    report, window.report_error = window.report_error, lambda title, text: held.append((title, text))
    try:
        if project and window.open_file(Path(project), ask=False):
            return held
        examples = {example.name: example for example in list_examples()}
        example = examples.get(DEFAULT_EXAMPLE) or next(iter(examples.values()), None)
        if example is not None:
            window.open_example(example)
    finally:
        window.report_error = report
    return held


def _after_show(window, problems: list[tuple[str, str]]) -> None:
    for title, text in problems:
        window.report_error(title, text)
    window.offer_recovery()


class _FirstPaint(QObject):
    """Prints seconds from `started` (a time.monotonic() reading in the parent process)
    to the end of the window's first paint, then quits."""

    def __init__(self, window, started: float) -> None:
        super().__init__(window)
        self._started = started
        self._done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            # The children paint in the same frame; report once it has been flushed.
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        elapsed = time.monotonic() - self._started
        window = self.parent()
        torch_loaded = "torch" in sys.modules
        print(f"first_paint_s={elapsed:.4f} torch_loaded={torch_loaded} title={window.windowTitle()!r}", flush=True)
        window.close()
        QApplication.instance().quit()


if __name__ == "__main__":
    sys.exit(main())
