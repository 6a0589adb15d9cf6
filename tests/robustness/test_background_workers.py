"""The app's other background workers: exports and learning-rate sweeps, run again and
again, leave no worker object, no QThread and no OS thread behind; closing the window
while one runs joins it (a real app process closed mid-export is in
`test_training_app_faults`).

A worker whose deleteLater() is called after its thread has finished is never deleted
(the deletion is queued to a thread that no longer runs), so every run kept its worker,
and with it the network and project it was given. Deleted as its thread ends, it must
also be gone before its owner drops the last Python reference, or Python deletes it a
second time from the GUI thread: a crash. These tests count the workers Qt really
destroyed, at the moment it does.
"""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThread
from shiboken6 import isValid

from app.dialogs import export_dialog
from app.lessons import lens_docks
from tests.robustness.conftest import DestroyedCounter, live_qobjects, os_thread_count, scaled

SUITE = "Background workers (app)"
RUN_TIMEOUT = 120_000
THREADS_SETTLE_MS = 60_000


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def deleted_later() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


@pytest.fixture
def spiral_window(open_example):
    """`open_example` on the spiral network; the lens hub's sweeps are stopped before
    the windows' training threads are joined."""
    made = []

    def make():
        window = open_example("mlp_spiral")
        made.append(window)
        return window

    yield make
    for window in made:
        if isValid(window.lessons.lenses):
            window.lessons.lenses.stop()


def test_repeated_exports_leave_no_worker_and_no_thread(spiral_window, qtbot, monkeypatch, tmp_path, figures):
    """Export after export through File > Export's dialog (safetensors, written and
    verified on the worker's thread): every worker is destroyed before the dialog lets
    go of it, the dialog keeps no QThread, and the process no more OS threads than after
    the first."""
    destroyed = DestroyedCounter()
    worker_class = destroyed.count_class(monkeypatch, export_dialog, "ExportWorker")
    window = spiral_window()
    dialog = export_dialog.ExportDialog(window)
    dialog.set_destination(tmp_path, "spiral")
    dialog.confirm_overwrite = lambda paths: True
    dialog.show()
    runs = scaled(6, minimum=4)
    threads = []
    try:
        for run in range(runs):
            dialog.set_checked(["safetensors"])
            with qtbot.waitSignal(dialog.exportFinished, timeout=RUN_TIMEOUT) as finished:
                assert dialog.start_export()
            assert [report.ok for report in finished.args[0]] == [True], finished.args[0]
            # Gone before the dialog let go of it: deleted once, in its own thread.
            assert destroyed.count == run + 1, "the export's worker outlived its run"
            deleted_later()
            assert dialog.findChildren(QThread) == [], "a finished export's QThread was not deleted"
            threads.append(os_thread_count() or 0)
            figures.case()
    finally:
        assert dialog.shutdown()
        dialog.close()
        dialog.deleteLater()
    gc.collect()
    assert destroyed.made == runs and live_qobjects(worker_class) == 0
    # A thread that has just ended may linger a moment in the OS's list; a leaked one stays.
    qtbot.waitUntil(lambda: (os_thread_count() or 0) <= threads[0], timeout=THREADS_SETTLE_MS)
    figures.note(exports=runs, workers_made=destroyed.made, workers_destroyed=destroyed.count, os_threads=threads)


def test_repeated_learning_rate_sweeps_leave_no_worker_and_no_thread(spiral_window, qtbot, monkeypatch, figures):
    """The learning-rate finder swept again and again on the spiral network: every sweep
    object is destroyed with its thread, and the lens hub keeps no QThread."""
    destroyed = DestroyedCounter()
    sweep_class = destroyed.count_class(monkeypatch, lens_docks, "LRSweep")
    window = spiral_window()
    lenses = window.lessons.lenses
    runs = scaled(4, minimum=2)
    threads = []
    for run in range(runs):
        assert lenses.find_lr()
        view = lenses.widgets["lr_finder"]
        qtbot.waitUntil(lambda: lenses._sweep is None, timeout=RUN_TIMEOUT)
        assert view.result is not None, "the sweep gave no result"
        assert destroyed.count == run + 1, "the sweep outlived its run"
        deleted_later()
        assert lenses.findChildren(QThread) == [], "a finished sweep's QThread was not deleted"
        threads.append(os_thread_count() or 0)
        figures.case()
    gc.collect()
    assert destroyed.made == runs and live_qobjects(sweep_class) == 0
    qtbot.waitUntil(lambda: (os_thread_count() or 0) <= threads[0], timeout=THREADS_SETTLE_MS)
    figures.note(sweeps=runs, workers_made=destroyed.made, workers_destroyed=destroyed.count, os_threads=threads)


def test_closing_the_window_during_a_learning_rate_sweep_joins_it(spiral_window, qtbot, monkeypatch, figures):
    """The window closes while the sweep runs: the sweep stops, its thread ends and the
    sweep object is destroyed."""
    destroyed = DestroyedCounter()
    destroyed.count_class(monkeypatch, lens_docks, "LRSweep")
    window = spiral_window()
    lenses = window.lessons.lenses
    assert lenses.find_lr()
    thread, _sweep = lenses._sweep
    window.document.undo_stack.setClean()
    assert window.close()
    figures.case(faults=1)
    assert thread.isFinished(), "the sweep's thread outlived the window"
    assert destroyed.count == 1, "the sweep outlived the window"
