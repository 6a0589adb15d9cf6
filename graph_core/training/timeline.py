"""The training timeline: copies of the weights taken every few epochs during a run,
kept in memory under a cap, beside the epoch history, so a slider can show the curves,
the decision boundary and the node previews as they were at an earlier epoch.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

import torch
from torch import nn

from graph_core.training.events import EpochEvent

DEFAULT_MAX_BYTES = 64 * 2**20


def state_bytes(state: dict[str, torch.Tensor]) -> int:
    return sum(t.numel() * t.element_size() for t in state.values())


class Timeline:
    """Weights every `every` epochs (epoch 0, before training, included), at most
    `max_bytes` of them. When the cap is reached every other checkpoint is dropped and
    `every` doubles, so the kept epochs stay evenly spread over the whole run, however
    long; the latest checkpoint is always kept.

    `record` copies to the CPU, so it is safe to call from the trainer's `on_event`
    (the training thread, between steps); reading and restoring may happen on another
    thread: a lock guards the checkpoints.
    """

    def __init__(self, every: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.every = every
        self.max_bytes = max_bytes
        self.history: list[EpochEvent] = []
        self._states: dict[int, dict[str, torch.Tensor]] = {}
        self._lock = threading.Lock()

    @property
    def epochs(self) -> list[int]:
        """The epochs with weights, ascending."""
        with self._lock:
            return sorted(self._states)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(state_bytes(state) for state in self._states.values())

    def __len__(self) -> int:
        return len(self._states)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self.history.clear()

    def due(self, epoch: int) -> bool:
        return epoch % self.every == 0

    def record(self, epoch: int, model: nn.Module, event: EpochEvent | None = None) -> None:
        """Keep `event` in the history and a CPU copy of `model`'s weights and buffers.

        Weights of an epoch that is not due are kept only until the next record, so the
        latest state of the run can always be shown.
        """
        if event is not None:
            self.extend_history([event])
        state = {name: t.detach().to("cpu", copy=True) for name, t in model.state_dict().items()}
        with self._lock:
            self._drop_undue_latest()
            self._states[epoch] = state
            self._thin_to_cap()

    def _drop_undue_latest(self) -> None:
        if self._states:
            latest = max(self._states)
            if not self.due(latest) and latest != 0:
                del self._states[latest]

    def _thin_to_cap(self) -> None:
        while len(self._states) > 2 and sum(state_bytes(s) for s in self._states.values()) > self.max_bytes:
            self.every *= 2
            latest = max(self._states)
            for epoch in list(self._states):
                if epoch != latest and not self.due(epoch):
                    del self._states[epoch]

    def nearest(self, epoch: int) -> int:
        """The recorded epoch at or before `epoch` (the first one if none is before)."""
        epochs = self.epochs
        if not epochs:
            raise LookupError("the timeline holds no checkpoints yet")
        index = bisect.bisect_right(epochs, epoch) - 1
        return epochs[max(index, 0)]

    def state(self, epoch: int) -> dict[str, torch.Tensor]:
        """The weights kept for the nearest recorded epoch (see `nearest`); shared, so
        copy before changing them."""
        found = self.nearest(epoch)
        with self._lock:
            return self._states[found]

    def restore_into(self, model: nn.Module, epoch: int) -> int:
        """Load the weights of the nearest recorded epoch into `model` (on its own
        device); returns that epoch."""
        found = self.nearest(epoch)
        with self._lock:
            state = self._states[found]
            model.load_state_dict(state)
        return found

    def history_until(self, epoch: int) -> list[EpochEvent]:
        """The epoch history as it stood at `epoch`: what the curves showed then."""
        return [event for event in self.history if event.epoch <= epoch]

    def extend_history(self, events: Iterable[EpochEvent]) -> None:
        """Append epoch events; an epoch at or before the last one (a restarted run)
        replaces the history from there on."""
        for event in events:
            if self.history and event.epoch <= self.history[-1].epoch:
                self.history = self.history_until(event.epoch - 1)
            self.history.append(event)
