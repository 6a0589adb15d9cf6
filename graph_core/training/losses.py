"""Loss functions by name, with plain-language explanations and compatibility checks.

A data set stores class indices or values; each loss wants its own target form (one-hot,
+/-1, 0/1, indices). `make_loss` picks the conversion once, so every loss trains on a
classification bundle, and `check_loss_compatibility` says in words when none fits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from graph_core.data.bundle import DataBundle

# How data-set targets become loss targets:
# index: class indices; onehot: float one-hot rows; signed: one column of -1/+1 (class 1
# is +1, so the sign of the single output is the prediction); binary: one column of 0/1;
# value: regression values reshaped to the output's shape.
TargetKind = Literal["index", "onehot", "signed", "binary", "value"]

_REGRESSION_HINT = "use MSELoss, L1Loss or SmoothL1Loss"
_INDEX_LOSSES = ("CrossEntropyLoss", "NLLLoss", "MultiMarginLoss")
_VALUE_LOSSES = ("MSELoss", "L1Loss", "SmoothL1Loss")

LOSS_EXPLANATIONS: dict[str, str] = {
    "MSELoss": (
        "Mean squared error: the average of (prediction - target)^2. Big mistakes cost "
        "much more than small ones, so the network works hardest on its worst "
        "predictions. The usual choice for regression. On a classification task the "
        "classes become one-hot targets (or -1/+1 for a single output), as in "
        "TensorFlow Playground."
    ),
    "L1Loss": (
        "Mean absolute error (MAE): the average of |prediction - target|. Every unit "
        "of error costs the same, so a few wild outliers pull the network less than "
        "with squared error. The prediction it settles on is the median rather than "
        "the mean."
    ),
    "SmoothL1Loss": (
        "Huber-style loss: squared error for small mistakes (below 1) and absolute "
        "error for large ones. It is gentle and smooth near the target like MSE, yet "
        "robust to outliers like L1."
    ),
    "CrossEntropyLoss": (
        "Cross-entropy for classification: the network gives one score (logit) per "
        "class, softmax turns the scores into probabilities, and the loss is -log of "
        "the probability given to the right class. Confident wrong answers cost a lot; "
        "the softmax is built in, so the last layer should be a plain Linear."
    ),
    "BCEWithLogitsLoss": (
        "Binary cross-entropy on logits: for two classes the network gives a single "
        "score, a sigmoid turns it into the probability of class 1, and the loss is "
        "-log of the probability of the right answer. With one output per class it "
        "treats each class as its own yes/no question. The sigmoid is built in."
    ),
    "NLLLoss": (
        "Negative log-likelihood: -log of the probability given to the right class, "
        "read from outputs that are already log-probabilities. End the network with "
        "LogSoftmax; LogSoftmax followed by NLLLoss is exactly CrossEntropyLoss."
    ),
    "MultiMarginLoss": (
        "Multi-class hinge loss, as in support vector machines: the score of the right "
        "class should beat every other score by a margin of 1. Once it does, that "
        "example costs nothing, so the network only learns from the examples it gets "
        "wrong or barely right."
    ),
}

ZERO_ONE_EXPLANATION = (
    "The 0-1 loss counts mistakes: 1 for a wrong class, 0 for a right one. Its average "
    "is the error rate (1 - accuracy). It is what we care about but has no gradient, "
    "so networks train on a smooth loss and we report the error rate beside it."
)


@dataclass(frozen=True)
class LossFunction:
    """A torch loss plus how this data set's targets are converted for it."""

    name: str
    criterion: nn.Module
    target_kind: TargetKind
    output_shape: tuple[int, ...]
    num_classes: int | None = None

    def convert_target(self, y: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Targets as the criterion wants them; done once per split, not per batch."""
        if self.target_kind == "index":
            return y.long()
        if self.target_kind == "onehot":
            return F.one_hot(y.long(), self.num_classes).to(dtype)
        if self.target_kind == "signed":
            return (y.to(dtype) * 2 - 1).unsqueeze(1)
        if self.target_kind == "binary":
            return y.to(dtype).unsqueeze(1)
        return y.to(dtype).reshape(y.shape[0], *self.output_shape)

    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.criterion(output, target)

    def values(self, output: torch.Tensor) -> torch.Tensor:
        """Regression predictions from raw outputs: BCEWithLogitsLoss trains logits, so
        its predictions are their sigmoids; other losses predict the outputs as they are."""
        return torch.sigmoid(output) if self.name == "BCEWithLogitsLoss" else output


def shape_text(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


def bundle_num_classes(bundle: DataBundle) -> int:
    """The bundle's class count, or one more than its largest label when unset."""
    if bundle.num_classes is not None:
        return int(bundle.num_classes)
    return int(bundle.y_train.max().item()) + 1 if bundle.y_train.numel() else 0


def _classification_plan(
    loss: str, output_shape: tuple[int, ...], num_classes: int
) -> tuple[TargetKind | None, str | None]:
    if len(output_shape) != 1:
        return None, (
            f"{loss} needs one output per class ({num_classes}) in a flat vector, but the "
            f"network outputs {shape_text(output_shape)}; end it with Flatten and Linear"
        )
    outputs = output_shape[0]
    if outputs == num_classes:
        return ("index" if loss in _INDEX_LOSSES else "onehot"), None
    if num_classes == 2 and outputs == 1 and loss not in _INDEX_LOSSES:
        return ("binary" if loss == "BCEWithLogitsLoss" else "signed"), None
    if loss == "BCEWithLogitsLoss" and num_classes == 2:
        return None, (
            f"BCEWithLogitsLoss needs one output for 2 classes (or one per class) but the "
            f"network outputs {shape_text(output_shape)}"
        )
    task_note = "" if loss in _INDEX_LOSSES else " on a classification task"
    single = ", or a single output," if loss in _VALUE_LOSSES and num_classes == 2 else ""
    return None, (
        f"{loss}{task_note} needs one output per class ({num_classes}){single} but the "
        f"network outputs {shape_text(output_shape)}"
    )


def _regression_plan(
    loss: str, output_shape: tuple[int, ...], target_shape: tuple[int, ...]
) -> tuple[TargetKind | None, str | None]:
    if loss in _INDEX_LOSSES:
        return None, f"{loss} is for classification, but this data set is a regression task; {_REGRESSION_HINT}"
    if math.prod(output_shape) != math.prod(target_shape or (1,)):
        return None, (
            f"{loss} needs one output per target value {shape_text(target_shape or (1,))} "
            f"but the network outputs {shape_text(output_shape)}"
        )
    return "value", None


def plan_loss(
    loss: str,
    output_shape: Sequence[int],
    task: str,
    *,
    num_classes: int | None = None,
    target_shape: Sequence[int] = (1,),
) -> tuple[TargetKind | None, str | None]:
    """(target conversion, None) when `loss` fits the output, else (None, message).

    `output_shape` and `target_shape` are per sample (no batch dimension).
    """
    if loss not in LOSS_EXPLANATIONS:
        return None, f"unknown loss {loss!r}; choose one of {', '.join(LOSS_EXPLANATIONS)}"
    output_shape = tuple(int(s) for s in output_shape)
    if task == "classification":
        return _classification_plan(loss, output_shape, int(num_classes or 0))
    return _regression_plan(loss, output_shape, tuple(int(s) for s in target_shape))


def check_loss_compatibility(loss: str, output_shape: Sequence[int], bundle: DataBundle) -> str | None:
    """A message saying why `loss` cannot train this network on `bundle`, or None.

    `output_shape` is the network's output per sample, e.g. `[1]` or `(10,)`.
    """
    num_classes = bundle_num_classes(bundle) if bundle.task == "classification" else None
    _, message = plan_loss(loss, output_shape, bundle.task, num_classes=num_classes, target_shape=bundle.target_shape)
    if message is None and loss == "BCEWithLogitsLoss" and bundle.task == "regression":
        message = _probability_targets_message(bundle.y_train)
    return message


def _probability_targets_message(y: torch.Tensor) -> str | None:
    if y.numel() == 0:
        return None
    low, high = float(y.min()), float(y.max())
    if low >= 0 and high <= 1:
        return None
    return f"BCEWithLogitsLoss needs targets between 0 and 1, but this data's targets range from {low:g} to {high:g}"


def loss_warning(loss: str, output_layer: str | None) -> str | None:
    """Advice (not an error) about the layer type that ends the network, or None.

    `output_layer` is the type name of the output node, e.g. "Linear" or "LogSoftmax".
    """
    if loss == "NLLLoss" and output_layer != "LogSoftmax":
        return (
            "NLLLoss expects log-probabilities: end the network with LogSoftmax, or use "
            "CrossEntropyLoss, which includes it"
        )
    if loss == "CrossEntropyLoss" and output_layer in ("Softmax", "LogSoftmax", "Sigmoid"):
        return f"CrossEntropyLoss applies softmax itself; the {output_layer} output layer squashes the scores twice"
    if loss == "BCEWithLogitsLoss" and output_layer == "Sigmoid":
        return "BCEWithLogitsLoss applies the sigmoid itself; remove the Sigmoid output layer"
    return None


def make_loss(
    loss: str,
    output_shape: Sequence[int],
    task: str,
    *,
    num_classes: int | None = None,
    target_shape: Sequence[int] = (1,),
) -> LossFunction:
    """Build the named loss for this output and task; ValueError when it cannot fit."""
    kind, message = plan_loss(loss, output_shape, task, num_classes=num_classes, target_shape=target_shape)
    if kind is None:
        raise ValueError(message)
    criterion = getattr(nn, loss)()
    return LossFunction(loss, criterion, kind, tuple(int(s) for s in output_shape), num_classes)
