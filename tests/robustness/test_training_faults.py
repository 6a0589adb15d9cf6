"""Training under faults, in the engine: many start/pause/resume/stop cycles leak no
threads and no memory; NaN and Inf injected into the data, the weights or the gradients
stop training with a message and put back the last good weights; a CUDA out-of-memory
error (simulated) is reported clearly and the next run works.
"""

from __future__ import annotations

import copy
import gc
import math
import queue
import threading
import tracemalloc

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.project import list_examples, load_project
from graph_core.training import (
    DivergedEvent,
    EpochEvent,
    ErrorEvent,
    FinishedEvent,
    PausedEvent,
    StartedEvent,
    StepEvent,
    Trainer,
    TrainingConfig,
)
from graph_core.training.fast import compiler as fast_compiler
from tests.robustness.conftest import os_thread_count, rss_mb, scaled, slope, wait_for
from tests.training_events import next_of

SUITE = "Training faults"
TIMEOUT = 60
SPIRAL = load_project(next(e.path for e in list_examples() if e.name == "mlp_spiral"))
OOM_MESSAGE = "CUDA out of memory. Tried to allocate 20.00 GiB (GPU 0; 79.19 GiB total capacity)"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def spiral():
    return load_dataset(SPIRAL.data)


def spiral_trainer(bundle, on_event=None, fast: str = "off", **config) -> Trainer:
    settings_ = {**SPIRAL.training, "device": "cpu", "epochs": 200, **config}
    return Trainer(
        compile_graph(SPIRAL.graph, seed=0),
        bundle,
        TrainingConfig.from_dict(settings_),
        on_event=on_event,
        fast=fast,
    )


def next_event(events: queue.Queue, kind: type):
    return next_of(events, kind, TIMEOUT)[0]


def weights_of(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}


def same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# ----- start / pause / resume / stop cycles ------------------------------------------------------
def one_cycle(trainer: Trainer, events: queue.Queue, name: str) -> FinishedEvent:
    """Start on a thread of its own, pause, resume, stop, join."""
    thread = threading.Thread(target=trainer.run, name=name)
    thread.start()
    next_event(events, StepEvent)
    trainer.pause()
    next_event(events, PausedEvent)
    trainer.resume()
    next_event(events, StepEvent)
    trainer.stop()
    finished = next_event(events, FinishedEvent)
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    return finished


def test_a_hundred_start_pause_resume_stop_cycles_leak_no_threads_and_no_memory(spiral, figures):
    """Cycles of the engine on its own thread (50 at scale 1, 150 in the report): start,
    pause, resume, stop, join.
    Every other cycle continues the previous trainer instead of building a new one.
    Threads are counted by Python and by the OS; memory by tracemalloc (Python objects,
    after a full collection every sixth of the run) and RSS."""
    cycles = scaled(50, minimum=20)
    every = max(1, cycles // 6)
    events: queue.Queue = queue.Queue()
    one_cycle(spiral_trainer(spiral, events.put), events, "warm-up")  # first-use costs
    gc.collect()
    python_threads, os_threads = threading.active_count(), os_thread_count()
    traced: list[float] = []
    rss: list[float] = []
    threads: list[int] = []
    tracemalloc.start()
    trainer = None
    try:
        for cycle in range(cycles):
            events = queue.Queue()
            if trainer is None or cycle % 2 == 0:
                trainer = spiral_trainer(spiral, events.put)
            else:
                trainer.on_event = events.put
            assert one_cycle(trainer, events, f"cycle-{cycle}").reason == "stopped"
            assert threading.active_count() == python_threads, "a training thread outlived its run"
            figures.case()
            if cycle % every == every - 1:
                gc.collect()
                traced.append(tracemalloc.get_traced_memory()[0] / 1024)
                rss.append(rss_mb() or 0.0)
                threads.append(os_thread_count() or 0)
    finally:
        tracemalloc.stop()
    # Torch, Qt or an earlier test's warm-up may start a thread once, and a thread that has
    # just ended may linger a moment in the OS's list; a leaked one stays.
    allowed = max(threads[0], os_threads or 0)
    assert wait_for(lambda: (os_thread_count() or 0) <= allowed), f"OS threads grew: {os_threads}, then {threads}"
    growth_kb = slope(traced[1:]) / every
    figures.note(
        cycles=cycles,
        os_threads=[os_threads, *threads],
        traced_kb_after_first_sample=round(traced[0], 1),
        traced_kb_at_end=round(traced[-1], 1),
        traced_kb_per_cycle=round(growth_kb, 2),
        rss_mb_first=round(rss[0], 1),
        rss_mb_last=round(rss[-1], 1),
        rss_kb_per_cycle=round(slope(rss[1:]) * 1024 / every, 1),
    )
    assert growth_kb < 0.5, f"Python memory grows by {growth_kb:.2f} KB per cycle"


# ----- NaN and Inf --------------------------------------------------------------------------------
class Injection:
    """Poisons one part of training with NaN or Inf at a chosen step, and records the
    weights the trainer last called good (at each epoch's end, or the start)."""

    def __init__(self, trainer: Trainer, where: str, value: float, at_step: int) -> None:
        self.trainer, self.where, self.value, self.at_step = trainer, where, value, at_step
        self.good: dict[str, torch.Tensor] | None = None
        self.good_step = 0
        self.injected_at: int | None = None
        self.diverged: list[DivergedEvent] = []
        self.errors: list[ErrorEvent] = []
        self._hook = None

    def __call__(self, event) -> None:
        model = self.trainer.model
        if isinstance(event, (StartedEvent, EpochEvent)):
            # The trainer only ends an epoch whose loss and weights are finite.
            self.good, self.good_step = weights_of(model), getattr(event, "step", 0)
        elif isinstance(event, StepEvent) and event.step >= self.at_step and self.injected_at is None:
            self.injected_at = event.step
            self.inject(model)
        elif isinstance(event, DivergedEvent):
            self.diverged.append(event)
        elif isinstance(event, ErrorEvent):
            self.errors.append(event)

    def inject(self, model: torch.nn.Module) -> None:
        first = next(p for p in model.parameters() if p.dim() == 2)
        if self.where == "data":
            self.trainer.mode.splits["train"].x[:] = self.value
        elif self.where == "weights":
            with torch.no_grad():
                first[0, 0] = self.value
        else:  # the next gradient: the optimizer writes the poison into the weights itself
            self._hook = first.register_hook(self.poison_once)

    def poison_once(self, grad: torch.Tensor) -> torch.Tensor:
        self._hook.remove()
        return torch.full_like(grad, self.value)


@settings(max_examples=scaled(12), deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    where=st.sampled_from(["data", "weights", "gradients"]),
    value=st.sampled_from([math.nan, math.inf, -math.inf]),
    at_step=st.integers(1, 80),
)
def test_nan_or_inf_injected_anywhere_stops_training_and_restores_the_last_good_weights(
    spiral, figures, where, value, at_step
):
    """Random injection point (data, weights, next gradient), value and step (the
    spiral run has 22 steps per epoch, so some land before the first epoch's end)."""
    data = copy.deepcopy(spiral)
    trainer = spiral_trainer(data, batch_size=16, epochs=6)
    injection = Injection(trainer, where, value, at_step)
    trainer.on_event = injection
    finished = trainer.run()
    figures.case(faults=1)
    assert finished.reason == "diverged", (where, value, at_step, finished)
    assert len(injection.diverged) == 1 and not injection.errors
    message = injection.diverged[0].message
    assert ("NaN" in message or "infinite" in message) and "were restored" in message
    restored = weights_of(trainer.model)
    assert same_weights(restored, injection.good), "the weights are not the last good ones"
    if where != "data":  # shuffled batches of data are cut at the epoch's start
        assert injection.good_step <= injection.injected_at, "weights from after the injection were kept"
    assert all(torch.isfinite(t).all() for t in restored.values())
    assert trainer.history[-1].epoch == trainer.epoch if trainer.history else trainer.epoch == 0

    if where == "data":
        trainer.mode.splits["train"].x.copy_(spiral.x_train)  # the user fixes the data
    again = trainer.run()  # the next run starts from the restored weights and works
    assert again.reason == "completed" and math.isfinite(trainer.history[-1].train_loss)


@pytest.fixture(scope="module")
def fast_kernels():
    reason = fast_compiler.unavailable_reason()
    if reason:
        pytest.skip(f"no fast path here: {reason}")
    import numpy as np

    if fast_compiler.load(np.float32, block=True) is None:
        pytest.skip("the fast path's kernels cannot load")


@pytest.mark.parametrize("value", [math.nan, math.inf])
@pytest.mark.parametrize("at_step", [5, 50])
def test_the_fast_path_stops_on_poisoned_data_and_restores_the_last_good_weights(
    spiral, fast_kernels, figures, value, at_step
):
    """The same guarantee on the fast training path (small MLPs on Numba kernels)."""
    data = copy.deepcopy(spiral)
    trainer = spiral_trainer(data, fast="on", batch_size=16, epochs=6)
    injection = Injection(trainer, "data", value, at_step)
    trainer.on_event = injection
    finished = trainer.run()
    figures.case(faults=1)
    assert trainer.uses_fast_path
    assert finished.reason == "diverged" and len(injection.diverged) == 1
    restored = weights_of(trainer.model)
    assert same_weights(restored, injection.good)
    assert all(torch.isfinite(t).all() for t in restored.values())


# ----- out of memory --------------------------------------------------------------------------------
def out_of_memory_at(trainer: Trainer, step: int) -> None:
    """Make the trainer's `step`-th batch fail as a GPU out of memory does."""
    original = trainer.mode.train_step
    calls = {"n": 0}

    def train_step(batch):
        calls["n"] += 1
        if calls["n"] == step:
            raise torch.OutOfMemoryError(OOM_MESSAGE)
        return original(batch)

    trainer.mode.train_step = train_step


class Recorder:
    """Every event, and the weights as they were at the last start or epoch end."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer, self.events, self.good = trainer, [], None

    def __call__(self, event) -> None:
        self.events.append(event)
        if isinstance(event, (StartedEvent, EpochEvent)):
            self.good = weights_of(self.trainer.model)


@pytest.mark.parametrize("step", [1, 7, 30])
def test_a_gpu_out_of_memory_is_reported_clearly_and_the_next_run_works(spiral, figures, step):
    """`torch.OutOfMemoryError` raised by a training step (on the CPU, as CUDA raises it)
    in the first batch, mid-epoch, and in a later epoch."""
    trainer = spiral_trainer(spiral, epochs=3, batch_size=16)
    recorder = Recorder(trainer)
    trainer.on_event = recorder
    out_of_memory_at(trainer, step)
    finished = trainer.run()
    figures.case(faults=1)
    errors = [e for e in recorder.events if isinstance(e, ErrorEvent)]
    assert finished.reason == "error" and len(errors) == 1
    message = finished.message
    assert "out of memory" in message.lower() and "batch size" in message, message
    assert len(message) < 400
    assert same_weights(weights_of(trainer.model), recorder.good), "a half-done step was kept"

    again = spiral_trainer(spiral, epochs=2, batch_size=16).run()
    assert again.reason == "completed"
    resumed = trainer.run()  # the same trainer goes on too
    assert resumed.reason == "completed"
