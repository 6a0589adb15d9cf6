"""Run by `test_training_app_faults`: the NeuroLoom app in a process of its own, closed
at a chosen moment; it prints what it saw and must exit with status 0.

    python -m tests.robustness.child_training_app close-while-training DELAY_MS
        trains the spiral example and closes the window DELAY_MS after the first steps
    python -m tests.robustness.child_training_app close-at-once 0
        closes the window at once and keeps the app running a while: nothing may start
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main(mode: str, delay_ms: int) -> int:
    app = QApplication([])
    from app.main_window import MainWindow
    from app.settings import AppSettings
    from app.training import worker
    from graph_core.project import list_examples

    folder = tempfile.mkdtemp(prefix="neuroloom-child-")
    window = MainWindow(settings=AppSettings.at(f"{folder}/settings.ini"), recovery_dir=f"{folder}/recovery")
    window.confirm_discard = lambda name: "discard"
    window.report_error = lambda title, text: print(f"error {title}: {text}", flush=True)
    steps = []
    if mode == "close-at-once":
        app.setQuitOnLastWindowClosed(False)
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(1500, app.quit)  # longer than the window's delay before loading torch
    else:
        example = next(e for e in list_examples() if e.name == "mlp_spiral")
        window.open_example(example)
        window.document.project.training.update(device="cpu", epochs=10_000)
        window.training.stepsReady.connect(steps.extend)
        window.training.ready.connect(window.training.start)
        first = []

        def on_steps(_steps) -> None:
            if not first:
                first.append(True)
                QTimer.singleShot(delay_ms, window.close)

        window.training.stepsReady.connect(on_steps)
    window.show()
    code = app.exec()
    started = worker.warm_up_thread() is not None or worker.is_warm()
    print(f"steps={len(steps)} busy={window.training.is_busy()} warm-up-started={started}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
