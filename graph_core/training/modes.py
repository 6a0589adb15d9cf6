"""Training modes: strategy objects that know how to make a batch, compute the loss and
step the optimizer. The `Trainer` keeps the loop, events, stop/pause, checkpoints and
devices, so new kinds of training (GAN, diffusion, language models) are new modes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import torch
from torch import nn

from graph_core.data.batching import TensorBatcher
from graph_core.data.bundle import DataBundle
from graph_core.training.config import TrainingConfig
from graph_core.training.losses import (
    LossFunction,
    bundle_num_classes,
    check_loss_compatibility,
    make_loss,
    plan_loss,
    shape_text,
)
from graph_core.training.metrics import (
    Metrics,
    classification_metrics,
    model_device,
    model_dtype,
    outputs_in_batches,
    predict_classes,
    regression_metrics,
)
from graph_core.training.optimizers import gradient_weight_decay, is_weight, make_optimizer, trainable_parameters

if TYPE_CHECKING:
    from graph_core.graph import ModelGraph

SPLITS = ("train", "val", "test")


class TrainingSetupError(ValueError):
    """A setting or a network that cannot train; its message is for the user."""


@dataclass(frozen=True)
class DeviceSplit:
    """One split on the training device: inputs, raw targets (for metrics) and the
    targets converted for the loss (one-hot, -1/+1, ...), converted once up front."""

    x: torch.Tensor
    y: torch.Tensor
    target: torch.Tensor

    def __len__(self) -> int:
        return int(self.x.shape[0])


class TrainingMode(ABC):
    """How one kind of training turns data into optimizer steps.

    The `Trainer` calls `prepare` once, then per epoch iterates `epoch_batches` and
    calls `train_step` on each batch, `validation_scores` after the epoch and
    `evaluate("test")` at the end. A mode with several networks or optimizers (a GAN's
    generator and discriminator) returns them all from `modules` and `optimizers`, so
    the trainer can checkpoint, schedule and restore them without knowing the mode.
    """

    name: ClassVar[str]

    @abstractmethod
    def check(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig) -> str | None:
        """Why this mode cannot train `model` on `bundle` with `config`, or None."""

    @abstractmethod
    def prepare(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig, device: torch.device) -> None:
        """Put the data on `device` and build the loss(es) and optimizer(s).

        Raises `TrainingSetupError` with the `check` message when training cannot work.
        """

    @property
    @abstractmethod
    def train_size(self) -> int:
        """Samples per training epoch."""

    @abstractmethod
    def epoch_batches(self, generator: torch.Generator, batch_size: int) -> Iterator[Any]:
        """The batches of one epoch, shuffled with `generator` (a CPU generator)."""

    @abstractmethod
    def train_step(self, batch: Any) -> torch.Tensor:
        """Train on one batch; return its loss as a detached 0-d tensor (no sync)."""

    @abstractmethod
    def validation_scores(self) -> tuple[float | None, float | None]:
        """(validation loss, accuracy or None) with one device sync; (None, None) without data."""

    @abstractmethod
    def evaluate(self, split: str) -> Metrics | None:
        """Full metrics on one split ("train", "val" or "test"), or None when it is empty."""

    @abstractmethod
    def modules(self) -> dict[str, nn.Module]:
        """The networks this mode trains, by role name."""

    @abstractmethod
    def optimizers(self) -> list[torch.optim.Optimizer]:
        """Every optimizer this mode steps (the schedule sets their learning rates)."""

    # Optional hooks, with defaults that suit single-network modes.

    def build_model(self, graph: ModelGraph, seed: int | None = None) -> nn.Module:
        """The module this mode trains, compiled from `graph` (the whole graph here; a
        GAN compiles its generator and discriminator roles apart)."""
        from graph_core.compiler import compile_graph

        return compile_graph(graph, seed)

    def step_extras(self) -> dict[str, float]:
        """Other losses by name, averaged over the batches since the last call (they
        go out with each `StepEvent`)."""
        return {}

    def epoch_extras(self) -> dict[str, float]:
        """Other measurements for the epoch just finished (sent with its `EpochEvent`)."""
        return {}


def output_shape(model: nn.Module, x: torch.Tensor) -> tuple[int, ...]:
    """The network's output shape per sample, from a forward pass on two samples.

    Eval mode and two samples, so BatchNorm and friends accept the probe.
    """
    probe = x[:2].to(model_device(model))
    if probe.is_floating_point():
        probe = probe.to(model_dtype(model))
    return tuple(outputs_in_batches(model, probe).shape[1:])


def _as_input(x: torch.Tensor, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    # Integer inputs are token ids (Embedding) and keep their dtype.
    return x.to(device=device, dtype=dtype if x.is_floating_point() else x.dtype)


class SupervisedMode(TrainingMode):
    """Input -> target: the network learns to predict each sample's label or value."""

    name = "supervised"

    def __init__(self) -> None:
        self.model: nn.Module | None = None
        self.loss: LossFunction | None = None
        self.task = "classification"
        self.num_classes: int | None = None
        self.splits: dict[str, DeviceSplit] = {}
        self._optimizer: torch.optim.Optimizer | None = None
        self._params: list[nn.Parameter] = []
        self._weights: list[nn.Parameter] = []
        self._l1 = 0.0
        self._l2 = 0.0
        self._grad_clip = 0.0

    # The two hooks a subclass changes: what the loss compares the output with.
    def task_of(self, bundle: DataBundle) -> str:
        return bundle.task

    def targets_of(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return y

    def build_loss(self, config: TrainingConfig, shape: tuple[int, ...], bundle: DataBundle) -> LossFunction:
        """The loss for a network with this output shape (a language model's compares
        every position's scores with the next character)."""
        target_shape = tuple(self.targets_of(bundle.x_train, bundle.y_train).shape[1:])
        return make_loss(config.loss, shape, self.task, num_classes=self.num_classes, target_shape=target_shape)

    def check(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig) -> str | None:
        return self.problem(output_shape(model, bundle.x_train), bundle, config)

    def problem(self, shape: tuple[int, ...], bundle: DataBundle, config: TrainingConfig) -> str | None:
        """Why a network with this output shape cannot train here, or None."""
        if bundle.kind == "text":
            return (
                f"'{bundle.name}' is text for a language model: set the training mode to language_model, which "
                "trains every position to predict the next character"
            )
        return check_loss_compatibility(config.loss, shape, bundle)

    def prepare(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig, device: torch.device) -> None:
        shape = output_shape(model, bundle.x_train)
        message = self.problem(shape, bundle, config)
        if message:
            raise TrainingSetupError(message)
        self.model = model
        self.task = self.task_of(bundle)
        self.num_classes = bundle_num_classes(bundle) if self.task == "classification" else None
        self.loss = self.build_loss(config, shape, bundle)
        dtype = model_dtype(model)
        for name in SPLITS:
            self.splits[name] = self._device_split(bundle, name, device, dtype)
        self._params = trainable_parameters([model])
        if not self._params:
            raise TrainingSetupError("the network has nothing to learn: add a layer with weights, such as Linear")
        self._optimizer = make_optimizer(config.optimizer, self._params, config)
        self._weights = [p for p in self._params if is_weight(p)]
        self._l1 = config.l1
        self._l2 = gradient_weight_decay(config)
        self._grad_clip = config.grad_clip

    def _device_split(self, bundle: DataBundle, name: str, device: torch.device, dtype: torch.dtype) -> DeviceSplit:
        x = _as_input(getattr(bundle, f"x_{name}"), device, dtype)
        y = self.targets_of(x, getattr(bundle, f"y_{name}").to(device))
        return DeviceSplit(x, y, self.loss.convert_target(y, dtype))

    @property
    def train_size(self) -> int:
        return len(self.splits["train"])

    def epoch_batches(self, generator: torch.Generator, batch_size: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        train = self.splits["train"]
        return iter(TensorBatcher(train.x, train.target, batch_size, generator=generator))

    def train_step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, target = batch
        # What `zero_grad(set_to_none=True)` does, without its profiler bookkeeping.
        for p in self._params:
            p.grad = None
        loss = self.loss(self.model(x), target)
        self._backward(loss)
        self._optimizer.step()
        return loss.detach()

    def _backward(self, loss: torch.Tensor) -> None:
        """Backward with the L1 penalty, gradient clipping and L2 on the weights.

        The reported loss leaves the penalties out, so training and validation losses
        stay comparable. L2 is added after clipping, where torch's optimizers add it.
        """
        if self._l1 and self._weights:
            penalty = torch.stack([w.abs().sum() for w in self._weights]).sum()
            loss = loss + self._l1 * penalty
        loss.backward()
        if self._grad_clip:
            torch.nn.utils.clip_grad_norm_(self._params, self._grad_clip)
        if self._l2:
            with torch.no_grad():
                decayed = [w for w in self._weights if w.grad is not None]
                torch._foreach_add_([w.grad for w in decayed], decayed, alpha=self._l2)

    def validation_scores(self) -> tuple[float | None, float | None]:
        val = self.splits["val"]
        if len(val) == 0:
            return None, None
        output = outputs_in_batches(self.model, val.x)
        with torch.no_grad():
            loss = self.loss(output, val.target)
            if self.task != "classification":
                return loss.item(), None
            accuracy = (predict_classes(output) == val.y).float().mean()
            loss_value, accuracy_value = torch.stack([loss.float(), accuracy]).tolist()
        return loss_value, accuracy_value

    def evaluate(self, split: str) -> Metrics | None:
        data = self.splits[split]
        if len(data) == 0:
            return None
        output = outputs_in_batches(self.model, data.x)
        with torch.no_grad():
            loss = float(self.loss(output, data.target))
        if self.task == "classification":
            return classification_metrics(output, data.y, self.num_classes, loss)
        return regression_metrics(self.loss.values(output), data.target, loss)

    def modules(self) -> dict[str, nn.Module]:
        return {"model": self.model} if self.model is not None else {}

    def optimizers(self) -> list[torch.optim.Optimizer]:
        return [self._optimizer] if self._optimizer is not None else []


class ReconstructionMode(SupervisedMode):
    """Input -> the same input: an autoencoder learns to rebuild what it was shown.

    Labels are ignored; metrics are regression errors of the reconstruction.
    """

    name = "reconstruction"

    def task_of(self, bundle: DataBundle) -> str:
        return "regression"

    def targets_of(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x

    def problem(self, shape: tuple[int, ...], bundle: DataBundle, config: TrainingConfig) -> str | None:
        if not bundle.x_train.is_floating_point():
            return "reconstruction needs float inputs, but this data set's inputs are integer token ids"
        _, message = plan_loss(config.loss, shape, "regression", target_shape=bundle.input_shape)
        if message is None:
            return _probability_inputs_message(config.loss, bundle.x_train)
        if config.loss in ("CrossEntropyLoss", "NLLLoss", "MultiMarginLoss"):
            return (
                f"{config.loss} cannot score a reconstruction; use MSELoss, L1Loss, SmoothL1Loss or BCEWithLogitsLoss"
            )
        return (
            f"reconstruction needs the network's output to match its input {shape_text(bundle.input_shape)} "
            f"but the network outputs {shape_text(shape)}"
        )


def _probability_inputs_message(loss: str, x: torch.Tensor) -> str | None:
    if loss != "BCEWithLogitsLoss" or x.numel() == 0:
        return None
    low, high = float(x.min()), float(x.max())
    if low >= 0 and high <= 1:
        return None
    return f"BCEWithLogitsLoss needs inputs between 0 and 1 to rebuild, but they range from {low:g} to {high:g}"


MODES: dict[str, type[TrainingMode]] = {"supervised": SupervisedMode, "reconstruction": ReconstructionMode}


def make_mode(name: str) -> TrainingMode:
    if name == "gan":
        from graph_core.training.gan import GANMode  # imported on use: gan.py builds on this module

        return GANMode()
    if name in ("language_model", "masked_language_model"):
        from graph_core.training.language import LanguageModelMode, MaskedLanguageModelMode  # builds on this module

        return LanguageModelMode() if name == "language_model" else MaskedLanguageModelMode()
    if name == "diffusion":
        from graph_core.training.diffusion import DiffusionMode  # builds on this module too

        return DiffusionMode()
    if name not in MODES:
        known = ", ".join([*MODES, "gan", "language_model", "masked_language_model", "diffusion"])
        raise ValueError(f"training.mode: unknown value {name!r}; choose one of {known}")
    return MODES[name]()
