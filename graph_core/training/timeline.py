"""The training timeline: copies of the weights taken every few epochs during a run,
kept in memory under a cap, beside the epoch history, so a slider can show the curves,
the decision boundary and the node previews as they were at an earlier epoch.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable

import torch
from torch import nn

from graph_core.training.events import EpochEvent

DEFAULT_MAX_BYTES = 64 * 2**20


# What one kept tensor costs beyond its data: the tensor object, its storage and the
# dictionary entry (measured with tracemalloc on torch 2.13: about 300 bytes each; a
# tiny network's copy costs several times its data without this).
TENSOR_OVERHEAD_BYTES = 320


def state_bytes(state: dict[str, torch.Tensor]) -> int:
    """Memory a CPU copy of `state` holds: its data plus the per-tensor overhead."""
    return sum(t.numel() * t.element_size() + TENSOR_OVERHEAD_BYTES for t in state.values())


class Timeline:
    """Weights every `every` epochs (epoch 0, before training, included), at most
    `max_bytes` of them. When the cap is reached every other checkpoint is dropped and
    `every` doubles, so the kept epochs stay evenly spread over the whole run, however
    long; the latest checkpoint is always kept.

    `record` copies to the CPU, so it is safe to call from the trainer's `on_event`
    (the training thread, between steps); reading and restoring may happen on another
    thread: a lock guards the checkpoints.
    """

    def __init__(self, every: int = 1, max_bytes: int = DEFAULT_MAX_BYTES, max_per_second: float | None = None) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.every = every
        self.max_bytes = max_bytes
        # More due checkpoints than this in a second (a fast run: thousands of epochs a
        # second) double `every` as the cap does: copying weights is not free.
        self.max_per_second = max_per_second
        self._rate_window = (0.0, 0)  # (start of the current second, due records in it)
        self.history: list[EpochEvent] = []
        self._states: dict[int, dict[str, torch.Tensor]] = {}
        self._sizes: dict[int, int] = {}  # state_bytes of each kept state, summed in _total
        self._total = 0
        self._lock = threading.Lock()

    @property
    def epochs(self) -> list[int]:
        """The epochs with weights, ascending."""
        with self._lock:
            return list(self._states)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._total

    def __len__(self) -> int:
        return len(self._states)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self._sizes.clear()
            self._total = 0
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
            self._discard(epoch)
            out_of_order = bool(self._states) and epoch < self._latest()
            self._states[epoch] = state
            if out_of_order:  # keep the keys ascending, so the latest is the last one
                self._states = dict(sorted(self._states.items()))
            self._sizes[epoch] = state_bytes(state)
            self._total += self._sizes[epoch]
            self._thin_to_cap()
            if self.due(epoch):
                self._limit_rate()

    def _limit_rate(self) -> None:
        if not self.max_per_second:
            return
        now = time.monotonic()
        start, count = self._rate_window
        if now - start >= 1.0:
            start, count = now, 0
        count += 1
        if count > self.max_per_second:
            self._thin()
            start, count = now, 0
        self._rate_window = (start, count)

    def _latest(self) -> int:
        return next(reversed(self._states))

    def _discard(self, epoch: int) -> None:
        if epoch in self._states:
            del self._states[epoch]
            self._total -= self._sizes.pop(epoch)

    def _drop_undue_latest(self) -> None:
        if self._states:
            latest = self._latest()
            if not self.due(latest) and latest != 0:
                self._discard(latest)

    def _thin_to_cap(self) -> None:
        """Constant time per record while under the cap (a running total, not a sum over
        every kept state: that made a long run quadratic)."""
        while len(self._states) > 2 and self._total > self.max_bytes:
            self._thin()

    def _thin(self) -> None:
        """Double `every` and drop what is no longer due (but the latest)."""
        self.every *= 2
        latest = self._latest()
        for epoch in list(self._states):
            if epoch != latest and not self.due(epoch):
                self._discard(epoch)

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
