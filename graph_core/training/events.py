"""What a running `Trainer` reports: small frozen records passed to its `on_event`.

They hold plain Python numbers (no tensors), so a listener on another thread, a Qt
signal or a JSON log can take them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graph_core.training.metrics import Metrics

FinishReason = Literal["completed", "stopped", "diverged", "error"]


@dataclass(frozen=True)
class StartedEvent:
    """Training is about to take its first step (or to continue from `epoch`)."""

    device: str
    epoch: int
    epochs: int
    steps_per_epoch: int
    train_samples: int


@dataclass(frozen=True)
class StepEvent:
    """One or more batches done. `train_loss` is their mean; `epoch` is 1-based.

    `extra` holds a mode's other losses over the same batches (a GAN's
    `discriminator_loss` and `generator_loss`); empty for single-loss modes.
    """

    epoch: int
    step: int
    train_loss: float
    lr: float
    samples_per_sec: float
    extra: dict[str, float] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class EpochEvent:
    """An epoch is done; `epoch` counts completed epochs.

    `val_loss`, `accuracy` and `error_rate` are measured on the validation split (None
    without one, or when this epoch was not measured, see `Trainer`'s validate_every;
    accuracy and error rate only for classification). `grad_norms` maps
    each node id to the L2 norm of its gradients at the epoch's last batch.
    `elapsed` and `eta` are seconds of training, pauses excluded. `extra` holds a
    mode's other measurements for the epoch by name (a GAN's two losses and the
    distance of its samples from the data); empty for single-loss modes.
    """

    epoch: int
    epochs: int
    step: int
    train_loss: float
    val_loss: float | None
    accuracy: float | None
    error_rate: float | None
    lr: float
    grad_norms: dict[str, float] = field(hash=False)
    samples_per_sec: float
    elapsed: float
    eta: float
    extra: dict[str, float] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class PausedEvent:
    """The trainer is waiting for `resume()`, `step()` or `stop()`."""

    epoch: int
    step: int


@dataclass(frozen=True)
class DivergedEvent:
    """The loss stopped being a finite number; the last good weights were restored."""

    epoch: int
    step: int
    message: str


@dataclass(frozen=True)
class ErrorEvent:
    """An exception (or an impossible setting) ended training."""

    message: str
    traceback: str = ""


@dataclass(frozen=True)
class FinishedEvent:
    """The last event of every run. `test` holds the test-split metrics, when any."""

    reason: FinishReason
    epoch: int
    step: int
    elapsed: float
    test: Metrics | None = field(default=None, hash=False)
    message: str = ""


TrainingEvent = StartedEvent | StepEvent | EpochEvent | PausedEvent | DivergedEvent | ErrorEvent | FinishedEvent
