"""Training under faults, in the app: many start/pause/resume/stop cycles through the
`TrainingController` leave no QThread and no growing memory; a GPU out-of-memory error
is shown and the next run works; closing the window at any moment of training ends the
run and its thread cleanly, in this process and in a real app process.
"""

from __future__ import annotations

import gc
import math
import os
import random
import subprocess
import sys
import time

import pytest
import torch
from PySide6.QtCore import QCoreApplication, QEvent, QThread
from shiboken6 import isValid

from app.commands import SetParamCommand
from app.training import controller as controller_module
from app.training.controller import BUSY_STATES, ERROR, FINISHED, PAUSED, RUNNING
from app.training.views import curves
from graph_core.compiler import CompiledModel
from graph_core.training import fast, modes
from tests.robustness.conftest import (
    REPO,
    DestroyedCounter,
    live_qobjects,
    os_thread_count,
    rss_mb,
    scaled,
    slope,
)

SUITE = "Training faults in the app"
RUN_TIMEOUT = 60_000
KEPT_RUNS = 2  # earlier runs the loss plot keeps to compare (8 in the app), then it drops the oldest


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


@pytest.fixture
def training_window(open_example):
    """A shown window with an example open on the CPU, torch loaded and data ready."""

    def make(example: str = "mlp_spiral", **training):
        window = open_example(example, **training)
        fast.warm_up(background=False)  # runs take the fast path from the first on
        return window

    return make


class Steps:
    """Counts the steps the controller reports to the views."""

    def __init__(self, controller) -> None:
        self.count = 0
        self.errors: list[str] = []
        self.finished: list = []
        controller.stepsReady.connect(self.add)
        controller.errorOccurred.connect(self.errors.append)
        controller.runFinished.connect(self.finished.append)

    def add(self, steps: list) -> None:
        self.count += len(steps)


def deleted_later() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def live_qthreads(controller) -> list[QThread]:
    return [thread for thread in controller.findChildren(QThread) if not thread.isFinished()]


def test_a_hundred_start_pause_resume_stop_cycles_in_the_app_leak_no_qthreads_and_no_memory(
    training_window, qtbot, monkeypatch, figures
):
    """Start, pause, resume and stop through the TrainingController with the live
    views on (8 cycles at scale 1, 104 in the report). The loss plot keeps 2 earlier
    runs here (8 in the app), so it is full after 3 runs and every later run also drops
    one. Every run's QThread ends and is deleted, and so do its worker (before the
    controller lets go of it: else it would be deleted twice) and model; OS threads do
    not grow; Python's heap (allocated blocks) and RSS are sampled after full collections."""
    destroyed = DestroyedCounter()
    worker_class = destroyed.count_class(monkeypatch, controller_module, "TrainingWorker")
    monkeypatch.setattr(curves, "MAX_RUNS", KEPT_RUNS)
    window = training_window(epochs=10_000)
    controller = window.training
    steps = Steps(controller)
    cycles = scaled(8, minimum=6)
    every = max(2, cycles // 6)  # a full collection of this heap takes ~0.5 s: sample a few times

    def cycle() -> None:
        seen = steps.count
        assert controller.start()
        qtbot.waitUntil(lambda: steps.count > seen, timeout=RUN_TIMEOUT)
        controller.pause()
        assert controller.state == PAUSED
        controller.resume()
        seen = steps.count
        qtbot.waitUntil(lambda: steps.count > seen, timeout=RUN_TIMEOUT)
        controller.stop()
        qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=RUN_TIMEOUT)
        assert destroyed.count == destroyed.made, "a finished run's worker outlived its run"
        deleted_later()
        assert controller.findChildren(QThread) == [], "a finished run's QThread was not deleted"

    for _ in range(KEPT_RUNS + 1):  # first-run costs, and the loss plot filling up with kept runs
        cycle()
    gc.collect()
    threads: list[int] = []
    blocks: list[int] = []
    rss: list[float] = []
    for index in range(cycles):
        cycle()
        figures.case()
        if index % every == every - 1:
            gc.collect()
            blocks.append(sys.getallocatedblocks())  # Python's heap; tracemalloc would slow the GUI 5x
            rss.append(rss_mb() or 0.0)
            threads.append(os_thread_count() or 0)
    assert not steps.errors
    # A thread that has just ended may linger a moment in the OS's list; a leaked one stays.
    settling = time.perf_counter()
    qtbot.waitUntil(lambda: (os_thread_count() or 0) <= threads[0], timeout=60_000)
    settle_s = time.perf_counter() - settling
    gc.collect()  # the cycles after the last sample left garbage of their own
    models = sum(issubclass(type(o), CompiledModel) for o in gc.get_objects())
    workers = live_qobjects(worker_class)
    assert models <= 3 and workers == 0, f"{models} compiled models and {workers} workers outlived their runs"
    growth = slope(blocks) / every  # samples vary by ~1,000 blocks; the leak fixed here was 1,400+ a cycle
    figures.note(
        cycles=cycles,
        workers_destroyed=f"{destroyed.count} of {destroyed.made}",
        models_alive_at_end=models,
        os_threads=threads,
        os_threads_settled_in_s=round(settle_s, 2),
        python_blocks_at_end=blocks[-1],
        python_blocks_per_cycle=round(growth, 1),
        rss_mb_first=round(rss[0], 1),
        rss_mb_last=round(rss[-1], 1),
        rss_kb_per_cycle=round(slope(rss) * 1024 / every, 1),
    )
    assert growth < 800, f"Python's heap grows by {growth:.0f} blocks per cycle"


def test_a_gpu_out_of_memory_in_the_app_is_shown_and_the_next_run_works(training_window, qtbot, monkeypatch, figures):
    """The residual network (not a plain chain: the eager path) runs out of memory in
    its fifth step; the error says so and what to do, the state is error, and pressing
    Train again trains to the end."""
    window = training_window("residual_mlp", epochs=2)
    controller = window.training
    steps = Steps(controller)
    original, calls = modes.SupervisedMode.train_step, {"n": 0}

    def train_step(self, batch):
        calls["n"] += 1
        if calls["n"] == 5:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return original(self, batch)

    monkeypatch.setattr(modes.SupervisedMode, "train_step", train_step)
    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT):
        assert controller.start()
    qtbot.waitUntil(lambda: controller.state == ERROR, timeout=RUN_TIMEOUT)
    figures.case(faults=1)
    assert steps.errors and "out of memory" in steps.errors[-1].lower() and "batch size" in steps.errors[-1]
    assert steps.finished[-1].reason == "error"
    assert live_qthreads(controller) == []

    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT):
        assert controller.start()
    assert steps.finished[-1].reason == "completed"
    qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=RUN_TIMEOUT)


@pytest.mark.parametrize("where", ["weights", "data"])
def test_nan_in_the_app_stops_the_run_with_a_message_and_keeps_the_last_good_weights(
    where, training_window, qtbot, monkeypatch, figures
):
    """NaN poisons the residual network's weights, or a batch of its data, in the 30th
    step of a run through the app: the run ends as diverged, the user reads why and that
    the last good weights were restored, the network holds only finite numbers, and
    pressing Train again trains to the end."""
    window = training_window("residual_mlp", epochs=4)
    controller = window.training
    steps = Steps(controller)
    original, calls = modes.SupervisedMode.train_step, {"n": 0}

    def train_step(self, batch):
        calls["n"] += 1
        if calls["n"] == 30:
            x, target = batch
            if where == "data":
                batch = (torch.full_like(x, math.nan), target)
            else:
                with torch.no_grad():
                    next(self.model.parameters()).view(-1)[0] = math.nan
        return original(self, batch)

    monkeypatch.setattr(modes.SupervisedMode, "train_step", train_step)
    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT):
        assert controller.start()
    qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=RUN_TIMEOUT)
    figures.case(faults=1)
    assert steps.finished[-1].reason == "diverged"
    message = steps.errors[-1] if steps.errors else ""
    assert ("NaN" in message or "infinite" in message) and "restored" in message, message
    weights = controller.trainer.model.state_dict().values()
    assert all(torch.isfinite(t).all() for t in weights), "the poisoned weights were kept"

    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT):
        assert controller.start()
    assert steps.finished[-1].reason == "completed"
    qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=RUN_TIMEOUT)


MOMENTS = ["just after Train", "after some steps", "while paused", "while stopping", "after an edit paused it",
           "after an error", "after it finished"]  # fmt: skip


@pytest.mark.parametrize("moment", MOMENTS)
def test_closing_the_window_at_any_moment_of_training_ends_the_run_cleanly(
    moment, training_window, qtbot, monkeypatch, figures
):
    """The window is closed at a moment of a run's life; its thread ends (it was joined
    by the close), no slot fails, and the controller is idle."""
    rng = random.Random(moment)
    example = "residual_mlp" if moment == "after an error" else "mlp_spiral"  # residual: the eager path
    window = training_window(example, epochs=10_000 if moment != "after it finished" else 2)
    controller = window.training
    steps = Steps(controller)
    threads_before = os_thread_count()
    if moment == "after an error":
        monkeypatch.setattr(modes.SupervisedMode, "train_step", lambda self, batch: 1 / 0)
    assert controller.start()
    runs = controller.findChildren(QThread)
    if moment != "just after Train":
        wanted = rng.randint(1, 60)
        qtbot.waitUntil(
            lambda: steps.count >= wanted or bool(steps.finished) or controller.state == ERROR, timeout=RUN_TIMEOUT
        )
    if moment == "while paused":
        controller.pause()
    elif moment == "while stopping":
        controller.stop()
    elif moment == "after an edit paused it":
        node = next(n for n in window.document.graph.nodes() if n.type == "Linear")
        window.document.try_push(SetParamCommand(window.document.graph, node.id, "out_features", 5))
        qtbot.waitUntil(lambda: controller.state == PAUSED, timeout=RUN_TIMEOUT)
    elif moment in ("after an error", "after it finished"):
        qtbot.waitUntil(lambda: controller.state in (ERROR, FINISHED), timeout=RUN_TIMEOUT)
    window.document.undo_stack.setClean()  # no question about saving
    assert window.close()
    figures.case(faults=1)
    assert controller.state not in BUSY_STATES
    # A thread already deleted had finished: a running QThread cannot be deleted.
    assert all(not isValid(t) or t.isFinished() for t in runs), "the run's QThread outlived the window"
    deleted_later()
    assert live_qthreads(controller) == []
    qtbot.waitUntil(lambda: os_thread_count() <= threads_before, timeout=60_000)


# ----- a real app process ----------------------------------------------------------------------------
def run_app(mode: str, delay_ms: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.robustness.child_training_app", mode, str(delay_ms)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_clean_exit(result: subprocess.CompletedProcess) -> None:
    problems = ("QThread: Destroyed", "Traceback", "Fatal Python error", "Segmentation fault", "Abort")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not [p for p in problems if p in result.stderr], result.stderr[-3000:]


def test_closing_the_app_while_it_trains_and_exports_exits_with_status_0(figures):
    """A real NeuroLoom process trains the spiral example and, once steps come in,
    exports it (torch.export first: seconds); its window is closed a random time
    (0-1.5 s) after the export began. The process must exit on its own with status 0
    and no Qt or Python complaint (a QThread still running at exit aborts the process:
    the export's did), and every exported file must be whole."""
    rng = random.Random("close-app")
    delays = []
    for _ in range(max(1, scaled(1) // 3)):  # a fresh app process each: ~10 s
        delays.append(rng.randint(0, 1500))
        result = run_app("close-while-working", delays[-1])
        figures.case(faults=1)
        assert_clean_exit(result)
        out = result.stdout
        assert "export-started=True" in out and "busy=False" in out and "exporting=False" in out, out
        assert "steps=0 " not in out and "incomplete=[]" in out, out
    figures.note(close_delays_ms=delays)


def test_closing_the_app_before_torch_has_loaded_starts_nothing_afterwards(figures):
    """The window is closed at once while the app goes on running a moment: no
    background loading of torch may begin after the window is gone."""
    result = run_app("close-at-once", 0)
    figures.case(faults=1)
    assert_clean_exit(result)
    assert "warm-up-started=False" in result.stdout, result.stdout


def test_a_controller_left_running_is_stopped_by_its_window_even_with_other_work_queued(
    training_window, qtbot, figures
):
    """Restart queued behind a stop (`restart`), then the window closes: nothing starts
    after the close."""
    window = training_window(epochs=10_000)
    controller = window.training
    steps = Steps(controller)
    assert controller.start()
    qtbot.waitUntil(lambda: steps.count > 0, timeout=RUN_TIMEOUT)
    controller.restart()  # stop now, start again once the thread has ended
    window.document.undo_stack.setClean()
    assert window.close()
    figures.case(faults=1)
    deleted_later()
    QCoreApplication.processEvents()
    assert controller.state not in (RUNNING, PAUSED) and live_qthreads(controller) == []
