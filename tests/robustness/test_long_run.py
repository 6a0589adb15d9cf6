"""A long live run: the spiral example trains in the app with the live views on (loss
curves, decision boundary, node previews, and the lessons' run watch: diagnosis and the
timeline of weights) for thousands of steps; memory stays flat and the GUI thread keeps
handling events. At scale 1 it trains 2,000 eager steps (10,000 on the fast path);
`bench/robustness.py` runs it at scale 10: 20,000 eager steps. How late the GUI's timer
fired is reported, never asserted: it depends on the machine's load.
"""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time

import pytest
from PySide6.QtCore import QObject, QTimer, Slot

from app.lessons.observers import TIMELINE_MAX_BYTES
from app.training.controller import FINISHED
from graph_core.project import list_examples
from graph_core.training import fast
from tests.robustness.conftest import rss_mb, scaled, slope

SUITE = "Long live run"
EXAMPLES = {example.name: example for example in list_examples()}
TICK_MS = 10
RUN_TIMEOUT = max(600_000, scaled(600_000))  # generous: a loaded machine is slow, not wrong


class Heartbeat(QObject):
    """A GUI-thread timer that records how late each tick comes: the time a click or a
    repaint would wait."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[tuple[float, float]] = []  # (when, how late in ms)
        self._last = time.perf_counter()
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    @Slot()
    def tick(self) -> None:
        now = time.perf_counter()
        self.ticks.append((now, max(0.0, (now - self._last) * 1000 - TICK_MS)))
        self._last = now

    def stop(self) -> None:
        self._timer.stop()

    def late_ms(self, after: float, before: float = math.inf) -> list[float]:
        return sorted(late for when, late in self.ticks if after <= when <= before)


class MemoryLog(QObject):
    """RSS every `every` steps reported to the views, and how many arrived."""

    def __init__(self, every: int) -> None:
        super().__init__()
        self.every, self.points, self.snapshots, self.deliveries = every, 0, 0, 0
        self.last_step = 0
        self.in_order = True
        self.first_at: float | None = None
        self.rss: list[tuple[int, float]] = []

    @Slot(object)
    def on_steps(self, steps: list) -> None:
        """Step points (step, loss, lr): the worker thins them to a few dozen a second."""
        self.deliveries += 1
        if self.first_at is None:
            self.first_at = time.perf_counter()
        numbers = [step for step, _loss, _lr in steps]
        self.in_order &= numbers == sorted(numbers) and numbers[0] > self.last_step
        before, self.last_step = self.last_step, numbers[-1]
        self.points += len(steps)
        if before // self.every != self.last_step // self.every:
            self.rss.append((self.last_step, rss_mb() or 0.0))

    @Slot(object)
    def on_snapshot(self, _snapshot) -> None:
        self.snapshots += 1


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


@pytest.mark.parametrize(("path", "steps"), [("fast", 10_000), ("eager", 2_000)])
def test_a_long_live_run_keeps_memory_flat_and_the_window_responsive(path, steps, make_main_window, qtbot, figures):
    """mlp_spiral trained through the TrainingController with every live view shown,
    after a run a tenth as long has paid the first-use costs; RSS sampled every 250
    steps (growth per 1000 steps fitted over the second half); a 10 ms GUI timer
    measures lateness while training (the stall of pressing Train is reported apart).
    `fast` is the engine's compiled path for small networks (given five times the
    steps), `eager` plain PyTorch."""
    window = make_main_window()
    window.open_example(EXAMPLES["mlp_spiral"])
    controller = window.training
    controller.fast_path = "on" if path == "fast" else "off"
    controller.warm_up()
    qtbot.waitUntil(lambda: controller.is_ready, timeout=180_000)
    qtbot.waitUntil(lambda: controller.bundle is not None, timeout=60_000)
    if path == "fast":
        fast.warm_up(background=False)
    window.show_training_layout()
    assert window.training_views is not None, "the live views were not built"
    bundle = controller.bundle
    target = scaled(steps, minimum=500)
    batch = window.document.project.training["batch_size"]
    per_epoch = math.ceil(len(bundle.x_train) / batch)
    window.document.project.training.update(device="cpu", epochs=max(1, math.ceil(target / per_epoch / 10)))
    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT):  # first-use costs: plots, buffers
        assert controller.start()
    qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=30_000)
    window.document.project.training.update(epochs=math.ceil(target / per_epoch))

    log = MemoryLog(every=250)
    controller.stepsReady.connect(log.on_steps)
    controller.snapshotReady.connect(log.on_snapshot)
    gc.collect()
    rss_start, blocks_start = rss_mb() or 0.0, sys.getallocatedblocks()
    heartbeat = Heartbeat()
    started = time.perf_counter()
    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT) as finished:
        assert controller.start()
    seconds = time.perf_counter() - started
    heartbeat.stop()
    qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=30_000)
    gc.collect()
    rss_end, blocks_end = rss_mb() or 0.0, sys.getallocatedblocks()
    figures.case()

    result = finished.args[0]
    watch = window.lessons.lenses.watch  # the lessons' watch of this run: diagnosis, timeline
    timeline = watch.timeline if watch is not None else None
    assert result.reason == "completed" and result.step >= target
    assert controller.trainer.uses_fast_path == (path == "fast")
    training = heartbeat.late_ms(after=log.first_at or started, before=started + seconds)
    p99 = training[int(0.99 * (len(training) - 1))] if training else 0.0
    start_stall = max(heartbeat.late_ms(after=started, before=log.first_at or started), default=0.0)
    steady = [(step, mb) for step, mb in log.rss if step >= target // 2]
    growth_per_1000 = 1000 * slope([mb for _, mb in steady], [step for step, _ in steady]) if len(steady) > 2 else 0.0
    figures.note(
        path=path,
        steps=result.step,
        seconds=round(seconds, 1),
        steps_per_second=round(result.step / seconds),
        step_points_to_views=log.points,
        step_deliveries_to_views=log.deliveries,
        snapshots_drawn=log.snapshots,
        rss_mb_start=round(rss_start, 1),
        rss_mb_end=round(rss_end, 1),
        rss_mb_peak=round(max([rss_start, rss_end, *(mb for _, mb in log.rss)]), 1),
        rss_mb_per_1000_steps=round(growth_per_1000, 3),
        rss_mb_series=[round(mb, 1) for _, mb in log.rss[:: max(1, len(log.rss) // 12)]],
        python_blocks_growth=blocks_end - blocks_start,
        epochs_in_history=len(controller.trainer.history),
        timeline_checkpoints=len(timeline) if timeline is not None else None,
        timeline_mb=round(timeline.nbytes / 2**20, 2) if timeline is not None else None,
        timer_ticks_while_training=len(training),
        timer_late_ms_median=round(statistics.median(training), 2) if training else None,
        timer_late_ms_p99=round(p99, 1),
        timer_late_ms_max=round(training[-1], 1) if training else None,
        start_stall_ms=round(start_stall, 1),
    )
    assert log.in_order, "step points reached the views out of order"
    assert log.last_step >= result.step - per_epoch, "the last steps never reached the views"
    # The GUI thread kept handling events while training: the views were fed and drew,
    # and its own timer fired (how late is the figure above, not a pass mark).
    assert log.snapshots >= 2 and log.deliveries >= 2
    assert training, "the GUI thread's timer never fired while training"
    assert growth_per_1000 < 1.0, f"RSS grows {growth_per_1000:.2f} MB per 1000 steps"
    assert rss_end - rss_start < 40, f"RSS grew {rss_end - rss_start:.0f} MB"
    if timeline is not None:  # the weights kept for replay stay under their cap, at their real cost
        assert timeline.nbytes <= TIMELINE_MAX_BYTES
