"""Run by `test_training_app_faults`: the NeuroLoom app in a process of its own, closed
at a chosen moment; it prints what it saw and must exit with status 0.

    python -m tests.robustness.child_training_app close-while-working DELAY_MS
        trains the spiral example; once steps come in, exports it through File > Export
        (torch.export first: seconds) and closes the window DELAY_MS later, while both
        the training and the export threads run
    python -m tests.robustness.child_training_app close-at-once 0
        closes the window at once and keeps the app running a while: nothing may start
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

EXPORT_FORMATS = ["pt2", "safetensors", "code"]


def incomplete_files(folder: Path) -> list[str]:
    """Files in `folder` that are not whole: temporaries left behind, or files that do
    not load."""
    import torch
    from safetensors.torch import load_file

    bad = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            bad.append(path.name)
            continue
        try:
            if path.suffix == ".safetensors":
                load_file(str(path))
            elif path.suffix == ".pt2":
                torch.export.load(str(path))
            elif path.suffix == ".py":
                compile(path.read_text("utf-8"), str(path), "exec")
        except Exception as error:  # noqa: BLE001 - any failure to load means a broken file
            bad.append(f"{path.name}: {error}")
    return bad


def main(mode: str, delay_ms: int) -> int:
    app = QApplication([])
    from app.dialogs.export_dialog import show_export_dialog
    from app.main_window import MainWindow
    from app.settings import AppSettings
    from app.training import worker
    from graph_core.project import list_examples

    folder = Path(tempfile.mkdtemp(prefix="neuroloom-child-"))
    exports = folder / "exports"
    exports.mkdir()
    window = MainWindow(settings=AppSettings.at(folder / "settings.ini"), recovery_dir=folder / "recovery")
    window.confirm_discard = lambda name: "discard"
    window.report_error = lambda title, text: print(f"error {title}: {text}", flush=True)
    steps: list = []
    dialogs: list = []
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

        def export_then_close(_steps) -> None:
            if dialogs:
                return
            dialog = show_export_dialog(window)
            dialogs.append(dialog)
            dialog.set_destination(exports, "spiral")
            dialog.set_checked(EXPORT_FORMATS)
            print(f"export-started={dialog.start_export()}", flush=True)
            QTimer.singleShot(delay_ms, window.close)

        window.training.stepsReady.connect(export_then_close)
    window.show()
    code = app.exec()
    started = worker.warm_up_thread() is not None or worker.is_warm()
    exporting = bool(dialogs) and dialogs[0].is_running
    print(
        f"steps={len(steps)} busy={window.training.is_busy()} warm-up-started={started} "
        f"exporting={exporting} incomplete={incomplete_files(exports)}",
        flush=True,
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
