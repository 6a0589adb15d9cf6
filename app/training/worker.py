"""The bridge from the engine's `Trainer` to Qt: a `TrainingWorker` runs one training run
on its own `QThread` and turns the trainer's events into a few signals a second (step
events coalesced into lists, snapshots sampled by time), so the GUI never drowns.

torch is imported lazily (the first paint stays torch-free); `warm_up_in_background`
loads it and builds a throwaway optimizer, off the critical path of the first run.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from graph_core.data import DataBundle
    from graph_core.training import Trainer
    from graph_core.training.snapshot import Misclassified, SnapshotOptions

log = logging.getLogger(__name__)

UI_INTERVAL_S = 1 / 30  # at most ~30 batches of updates a second reach the GUI
SNAPSHOT_INTERVAL_S = 0.033  # at most ~30 snapshots a second (the pictures move smoothly; 20+ arrive)
SNAPSHOT_SHARE = 0.08  # ...and never more than ~8% of the training thread's time
# The trainer reports a step event about this often: every batch when batches are slow,
# every few dozen when they take microseconds (the fast path trains the batches between
# two events in one kernel call, so an event per batch would cost more than the batch).
STEP_EVENT_INTERVAL_S = 0.002
MAX_STEP_EVENT_EVERY = 256


@dataclass(frozen=True)
class Updates:
    """What happened since the last batch of updates: (global step, train loss, lr) per
    step event and the epochs that ended, in order."""

    steps: list[tuple[int, float, float]] = field(default_factory=list)
    epochs: list[Any] = field(default_factory=list)  # EpochEvent
    samples_per_sec: float = 0.0
    epoch: int = 0  # the epoch in progress (1-based), as the last step event said


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: the trainer's `FinishedEvent` (`finished`), the error's traceback
    when it failed, a few misclassified test images for image data, and the CPU time the
    training thread used (snapshots included), which machine load does not blur."""

    finished: Any  # FinishedEvent
    traceback: str = ""
    misclassified: Misclassified | None = None
    cpu_seconds: float = 0.0


class TrainingWorker(QObject):
    """Runs `trainer.run()` when its thread starts and reports through signals.

    The control methods (`stop`, `pause`, `resume`, `step`, `request_metrics`) are
    called from the GUI thread while `run` blocks this worker's thread: they only set
    thread-safe flags the trainer reads between batches. `done` is always the last
    signal, also after an exception, so the thread can always be quit.
    """

    started = Signal(object)  # StartedEvent
    updatesReady = Signal(object)  # Updates
    snapshotReady = Signal(object)  # Snapshot
    metricsReady = Signal(object)  # Metrics of the test split
    paused = Signal(object)  # PausedEvent
    diverged = Signal(object)  # DivergedEvent
    finished = Signal(object)  # RunOutcome
    done = Signal()

    def __init__(
        self,
        trainer: Trainer,
        bundle: DataBundle,
        snapshot_options: SnapshotOptions | None = None,
        *,
        ui_interval: float = UI_INTERVAL_S,
        snapshot_interval: float = SNAPSHOT_INTERVAL_S,
        snapshot_share: float = SNAPSHOT_SHARE,
        initial_snapshot: bool = True,
    ) -> None:
        super().__init__()
        self.trainer = trainer
        self.bundle = bundle
        self.snapshot_options = snapshot_options
        self._base_intervals = (ui_interval, snapshot_interval)
        self.ui_interval = ui_interval
        self.snapshot_interval = snapshot_interval
        self.snapshot_share = snapshot_share
        self.initial_snapshot = initial_snapshot
        self._steps: list[tuple[int, float, float]] = []
        self._epochs: list[Any] = []
        self._last_step: Any = None
        self._last_flush = 0.0
        self._next_snapshot = 0.0
        self._snapshots_on = snapshot_options is not None
        self._error_trace = ""
        self._metrics_wanted = threading.Event()
        # Called with every event on this thread, between batches (the lessons' diagnosis,
        # timeline and GAN samples): observers of the model that must not race a step.
        self.event_hooks: list[Callable[[Any], None]] = []

    # ---- controls (GUI thread) -------------------------------------------------------------
    def stop(self) -> None:
        self.trainer.stop()

    def pause(self) -> None:
        self.trainer.pause()

    def resume(self) -> None:
        self.trainer.resume()

    def step(self) -> None:
        self.trainer.step()

    def request_metrics(self) -> None:
        """Measure the test split at the next batch boundary (`metricsReady`)."""
        self._metrics_wanted.set()

    def set_pace(self, slowdown: float) -> None:
        """Send updates and snapshots `slowdown` times less often than at full speed
        (the GUI thread is busy); plain float stores, read by the worker thread."""
        ui, snapshot = self._base_intervals
        self.ui_interval = ui * slowdown
        self.snapshot_interval = snapshot * slowdown

    # ---- the run (worker thread) ------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        self._cpu_start = time.thread_time()
        try:
            self.trainer.on_event = self._on_event
            finished = self.trainer.run()
            self._flush()
            self._emit_final(finished)
        except Exception as error:  # the thread must end cleanly whatever happens
            log.exception("the training worker failed")
            self._emit_crash(error)
        finally:
            self.done.emit()

    def _on_event(self, event: Any) -> None:
        self._run_hooks(event)
        from graph_core.training import (
            DivergedEvent,
            EpochEvent,
            ErrorEvent,
            FinishedEvent,
            PausedEvent,
            StartedEvent,
            StepEvent,
        )

        if isinstance(event, StepEvent):
            self._steps.append((event.step, event.train_loss, event.lr))
            self._last_step = event
            self._tune_step_events(event)
            self._between_batches()
        elif isinstance(event, EpochEvent):
            self._epochs.append(event)
            self._between_batches()
        elif isinstance(event, PausedEvent):
            self._flush()
            self._snapshot()  # a single step must show its effect at once
            self.paused.emit(event)
        elif isinstance(event, StartedEvent):
            self.started.emit(event)
            if self.initial_snapshot:
                self._snapshot()
        elif isinstance(event, DivergedEvent):
            self._flush()
            self.diverged.emit(event)
        elif isinstance(event, ErrorEvent):
            self._error_trace = event.traceback
        elif isinstance(event, FinishedEvent):
            pass  # `run` returns it; reported in `_emit_final` after the last snapshot

    def _tune_step_events(self, event: Any) -> None:
        """Aim at a step event every STEP_EVENT_INTERVAL_S; the trainer reads the new
        count at the next epoch. Stop and pause still act before every batch (eager) or
        kernel call (fast path)."""
        steps_per_sec = event.samples_per_sec / max(self.trainer.config.batch_size, 1)
        wanted = max(1, min(round(steps_per_sec * STEP_EVENT_INTERVAL_S), MAX_STEP_EVENT_EVERY))
        self.trainer.step_event_every = event_every(self.trainer.steps_per_epoch, wanted)

    def _run_hooks(self, event: Any) -> None:
        for hook in self.event_hooks:
            try:
                hook(event)
            except Exception:  # an observer must never end a run
                log.exception("a training observer failed")

    def _between_batches(self) -> None:
        now = time.perf_counter()
        if now - self._last_flush >= self.ui_interval:
            self._flush(now)
        if self._metrics_wanted.is_set():
            self._metrics_wanted.clear()
            self.metricsReady.emit(self.trainer.mode.evaluate("test"))
        if self._snapshots_on and now >= self._next_snapshot:
            self._snapshot()

    def _flush(self, now: float | None = None) -> None:
        self._last_flush = time.perf_counter() if now is None else now
        if not self._steps and not self._epochs:
            return
        last = self._last_step
        updates = Updates(
            self._steps,
            self._epochs,
            last.samples_per_sec if last is not None else 0.0,
            last.epoch if last is not None else 0,
        )
        self._steps, self._epochs = [], []
        self.updatesReady.emit(updates)

    def _snapshot(self) -> None:
        """Sample the network for the views; the next one waits long enough that
        snapshots stay a small share of training time."""
        if not self._snapshots_on:
            return
        from graph_core.training.snapshot import take_snapshot

        started = time.thread_time()
        try:
            snapshot = take_snapshot(
                self.trainer.model,
                self.bundle,
                self.snapshot_options,
                epoch=self.trainer.epoch,
                step=self.trainer.global_step,
            )
        except Exception:
            # Live views are a luxury: a graph they cannot picture still trains.
            log.exception("live views are off for this run: the snapshot failed")
            self._snapshots_on = False
            return
        # This thread's CPU time: waiting for the GIL while the GUI draws is not the
        # snapshot's cost (counted in wall time, a busy GUI made snapshots rarer, so the
        # pictures fell to one a second).
        cost = time.thread_time() - started
        self._next_snapshot = time.perf_counter() + max(self.snapshot_interval, cost / self.snapshot_share)
        self.snapshotReady.emit(snapshot)

    def _emit_final(self, finished: Any) -> None:
        if finished.reason != "error":
            self._snapshot()
        cpu = time.thread_time() - self._cpu_start
        self.finished.emit(RunOutcome(finished, self._error_trace, self._misclassified(finished), cpu))

    def _misclassified(self, finished: Any) -> Misclassified | None:
        if finished.reason == "error":
            return None
        from graph_core.training.snapshot import misclassified_examples

        try:
            return misclassified_examples(self.trainer.model, self.bundle)
        except Exception:
            log.exception("could not collect misclassified examples")
            return None

    def _emit_crash(self, error: Exception) -> None:
        from graph_core.training import FinishedEvent

        message = f"{type(error).__name__}: {error}"
        finished = FinishedEvent("error", self.trainer.epoch, self.trainer.global_step, 0.0, None, message)
        self.finished.emit(RunOutcome(finished, traceback.format_exc()))


def event_every(steps_per_epoch: int, wanted: int) -> int:
    """Steps between step events, near `wanted`: a divisor of the epoch's steps when one
    is close (the trainer counts steps per epoch, so the epoch's last steps are then
    reported too), else even blocks that leave a few last steps to the epoch event."""
    if wanted >= steps_per_epoch:
        return steps_per_epoch
    divisor = max(d for d in range(1, wanted + 1) if steps_per_epoch % d == 0)
    if 2 * divisor >= wanted:
        return divisor
    return steps_per_epoch // math.ceil(steps_per_epoch / wanted)


# ---- warming torch up ---------------------------------------------------------------------------


class _WarmUp:
    """One background import of torch and the training engine per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.done = threading.Event()
        self.error: str | None = None


_warm = _WarmUp()


def warm_up_now() -> None:
    """Import torch and the engine, and build and step a throwaway optimizer: the first
    optimizer in a process imports ~800 modules, which must not happen mid-run.

    Never import Qt-based modules here (pyqtgraph patches Qt classes as it loads: on
    another thread that crashed the GUI thread while it painted)."""
    try:
        import torch

        import graph_core.compiler  # noqa: F401
        import graph_core.data  # noqa: F401
        import graph_core.training.snapshot  # noqa: F401
        from graph_core.training import TrainingConfig, make_optimizer

        layer = torch.nn.Linear(2, 2)
        optimizer = make_optimizer("Adam", list(layer.parameters()), TrainingConfig())
        layer(torch.zeros(4, 2)).sum().backward()
        optimizer.step()
    except Exception as error:  # reported when training starts, not here in a thread
        _warm.error = f"{type(error).__name__}: {error}"
        log.exception("warming up torch failed")
    finally:
        _warm.done.set()
    _warm_up_fast_path()


def _warm_up_fast_path() -> None:
    """Load the engine's compiled kernels for small networks on their own thread (the
    `Trainer` takes that path once they are ready, never waiting for them)."""
    try:
        from graph_core.training import fast

        fast.warm_up()
    except Exception:  # an optional speed-up: training works without it
        log.warning("the fast training path is not available", exc_info=True)


def warm_up_in_background() -> threading.Thread | None:
    """Start warming up on a background thread (once per process); None when done."""
    with _warm.lock:
        if _warm.done.is_set():
            return None
        if _warm.thread is None:
            _warm.thread = threading.Thread(target=warm_up_now, name="torch-warm-up", daemon=False)
            _warm.thread.start()
        return _warm.thread


def warm_up_thread() -> threading.Thread | None:
    """The warm-up thread while it runs (to join it), else None; never starts one."""
    thread = _warm.thread
    return thread if thread is not None and thread.is_alive() else None


def is_warm() -> bool:
    return _warm.done.is_set()


def wait_until_warm(timeout: float | None = None) -> bool:
    """Block until the warm-up has finished (started here if need be)."""
    warm_up_in_background()
    return _warm.done.wait(timeout)


def warm_up_error() -> str | None:
    return _warm.error
