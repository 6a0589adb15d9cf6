"""Helpers for tests that run a `Trainer` on a thread and follow its events through a
queue. Plain functions, no fixtures: tests/test_cuda.py runs without conftest."""

from __future__ import annotations

import queue
import threading

from graph_core.training import PausedEvent, StepEvent


def next_of(events: queue.Queue, kind: type, timeout: float) -> tuple[object, list]:
    """The next event of `kind`, and every event seen on the way (it included)."""
    seen = []
    while True:
        event = events.get(timeout=timeout)
        seen.append(event)
        if isinstance(event, kind):
            return event, seen


def run_paused(trainer) -> tuple[queue.Queue, threading.Thread]:
    """Start `trainer` paused before its first batch, on a daemon thread; its events."""
    events: queue.Queue = queue.Queue()
    trainer.on_event = events.put
    trainer.pause()
    thread = threading.Thread(target=trainer.run, daemon=True)
    thread.start()
    return events, thread


def assert_single_steps(trainer, events: queue.Queue, count: int, timeout: float) -> None:
    """A trainer started by `run_paused` (every step reported): each Step trains exactly
    one batch and pauses again."""
    next_of(events, PausedEvent, timeout)
    for expected in range(1, count + 1):
        trainer.step()
        assert next_of(events, StepEvent, timeout)[0].step == expected
        next_of(events, PausedEvent, timeout)
        assert trainer.global_step == expected
