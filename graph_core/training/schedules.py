"""Learning-rate schedules as pure functions of (epoch, batch), with explanations.

A schedule gives a factor that multiplies the configured rate. Linear warmup, when set,
rises batch by batch over its epochs; the chosen schedule then starts from epoch 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graph_core.training.config import TrainingConfig

SCHEDULE_EXPLANATIONS: dict[str, str] = {
    "constant": "The learning rate stays the same for the whole run.",
    "step": (
        "Step decay: the learning rate is multiplied by gamma every step_size epochs, "
        "so training takes big steps early to make fast progress and smaller steps "
        "later to settle into a minimum."
    ),
    "exponential": (
        "Exponential decay: the learning rate shrinks a little every epoch, smoothly, "
        "so that it has been multiplied by gamma after each step_size epochs. The same "
        "decay as step decay, without the jumps."
    ),
    "cosine": (
        "Cosine annealing: the learning rate follows half a cosine wave from its full "
        "value down to zero at the last epoch: it stays high for a while, then falls "
        "fastest in the middle and eases gently into the end."
    ),
}

WARMUP_EXPLANATION = (
    "Linear warmup: the learning rate starts near zero and rises in a straight line to "
    "its full value over the first warmup_epochs, batch by batch. At the start the "
    "weights are random and the gradients unreliable; small first steps keep an "
    "adaptive optimizer like Adam from jumping somewhere bad before its statistics "
    "settle."
)


@dataclass(frozen=True)
class Schedule:
    """The learning-rate factor for every batch of a run."""

    kind: str
    epochs: int
    steps_per_epoch: int
    warmup_epochs: int = 0
    step_size: int = 1
    gamma: float = 1.0

    @classmethod
    def from_config(cls, config: TrainingConfig, steps_per_epoch: int) -> Schedule:
        return cls(
            config.schedule,
            config.epochs,
            max(1, steps_per_epoch),
            config.warmup_epochs,
            config.step_size,
            config.gamma,
        )

    @property
    def is_constant(self) -> bool:
        return self.kind == "constant" and self.warmup_epochs == 0

    def factor(self, epoch: int, batch: int = 0) -> float:
        """Factor for batch `batch` (0-based) of epoch `epoch` (0-based)."""
        if epoch < self.warmup_epochs:
            done = epoch * self.steps_per_epoch + batch + 1
            return done / (self.warmup_epochs * self.steps_per_epoch)
        return self._after_warmup(epoch - self.warmup_epochs)

    def _after_warmup(self, epoch: int) -> float:
        if self.kind == "step":
            return self.gamma ** (epoch // self.step_size)
        if self.kind == "exponential":
            return self.gamma ** (epoch / self.step_size)
        if self.kind == "cosine":
            span = max(1, self.epochs - self.warmup_epochs)
            return 0.5 * (1.0 + math.cos(math.pi * min(epoch, span) / span))
        return 1.0


def lr_at(config: TrainingConfig, epoch: int, batch: int = 0, steps_per_epoch: int = 1) -> float:
    """The learning rate used for one batch; handy for previews of a schedule."""
    return config.lr * Schedule.from_config(config, steps_per_epoch).factor(epoch, batch)
