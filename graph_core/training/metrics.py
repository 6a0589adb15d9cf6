"""Test and validation metrics: accuracy, error rate (the 0-1 loss), confusion matrix and
per-class accuracy for classification; MAE, RMSE and R^2 for regression.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True, eq=False)
class ClassificationMetrics:
    """Scores of a classifier on one split; `confusion[true, predicted]` counts samples."""

    samples: int
    accuracy: float
    error_rate: float
    confusion: np.ndarray
    per_class_accuracy: np.ndarray  # NaN for a class with no samples in the split
    loss: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "loss": self.loss,
            "accuracy": self.accuracy,
            "error_rate": self.error_rate,
            "confusion": self.confusion.tolist(),
            "per_class_accuracy": [None if math.isnan(a) else a for a in self.per_class_accuracy.tolist()],
        }


@dataclass(frozen=True)
class RegressionMetrics:
    """Errors of a regressor on one split, over all output values."""

    samples: int
    mae: float
    rmse: float
    r2: float
    loss: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"samples": self.samples, "loss": self.loss, "mae": self.mae, "rmse": self.rmse, "r2": self.r2}


Metrics = ClassificationMetrics | RegressionMetrics
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def predict_classes(output: torch.Tensor) -> torch.Tensor:
    """Class indices from network outputs: argmax, or `output > 0` for a single output.

    The single-output rule fits both BCEWithLogitsLoss (logit > 0 means p > 0.5) and
    squared error on -1/+1 targets.
    """
    flat = output.reshape(output.shape[0], -1)
    if flat.shape[1] == 1:
        return (flat[:, 0] > 0).long()
    return flat.argmax(dim=1)


def model_device(model: nn.Module) -> torch.device:
    for tensor in model.parameters():
        return tensor.device
    for tensor in model.buffers():
        return tensor.device
    return torch.device("cpu")


def model_dtype(model: nn.Module) -> torch.dtype:
    for tensor in model.parameters():
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.float32


def outputs_in_batches(model: nn.Module, x: torch.Tensor, batch_size: int = 4096) -> torch.Tensor:
    """The model's outputs for all of `x`, in eval mode without gradients.

    The model's train/eval mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            if x.shape[0] <= batch_size:
                return model(x)
            return torch.cat([model(x[i : i + batch_size]) for i in range(0, x.shape[0], batch_size)])
    finally:
        model.train(was_training)


def classification_metrics(
    output: torch.Tensor, y: torch.Tensor, num_classes: int, loss: float | None = None
) -> ClassificationMetrics:
    predicted = predict_classes(output).cpu()
    truth = y.long().cpu()
    flat = truth * num_classes + predicted
    confusion = torch.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
    confusion = confusion.numpy()
    counts = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(counts > 0, np.diag(confusion) / np.maximum(counts, 1), np.nan)
    samples = int(truth.numel())
    accuracy = float(np.trace(confusion) / samples) if samples else float("nan")
    return ClassificationMetrics(samples, accuracy, 1.0 - accuracy, confusion, per_class, loss)


def _r2(prediction: torch.Tensor, target: torch.Tensor) -> float:
    """R^2 averaged over output columns (scikit-learn's `uniform_average`)."""
    residual = ((target - prediction) ** 2).sum(dim=0)
    total = ((target - target.mean(dim=0)) ** 2).sum(dim=0)
    # A constant target: perfect predictions score 1, anything else 0 (scikit-learn's rule).
    constant = total == 0
    scores = torch.where(constant, (residual == 0).to(target.dtype), 1 - residual / torch.where(constant, 1, total))
    return float(scores.mean())


def regression_metrics(output: torch.Tensor, y: torch.Tensor, loss: float | None = None) -> RegressionMetrics:
    prediction = output.detach().reshape(output.shape[0], -1).double().cpu()
    target = y.detach().reshape(y.shape[0], -1).double().cpu()
    if prediction.shape != target.shape:
        raise ValueError(f"outputs {list(prediction.shape)} do not match targets {list(target.shape)}")
    samples = int(target.shape[0])
    if samples == 0:
        return RegressionMetrics(0, float("nan"), float("nan"), float("nan"), loss)
    error = prediction - target
    mae = float(error.abs().mean())
    rmse = float(error.pow(2).mean().sqrt())
    return RegressionMetrics(samples, mae, rmse, _r2(prediction, target), loss)


def evaluate(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    task: str,
    *,
    loss: LossFn | None = None,
    target: torch.Tensor | None = None,
    num_classes: int | None = None,
    batch_size: int = 4096,
) -> Metrics:
    """Score `model` on (x, y): classification or regression metrics.

    `y` holds class indices (classification) or values (regression). With `loss`, the
    metrics include its mean over the split, computed against `target`; when that is
    not given, a `LossFunction` (see `make_loss`) converts `y` itself (one-hot, ...),
    and any other callable gets `y` as it is.
    """
    device = model_device(model)
    output = outputs_in_batches(model, x.to(device), batch_size)
    loss_value = None
    if loss is not None and x.shape[0] > 0:
        if target is None:
            convert = getattr(loss, "convert_target", None)
            target = convert(y) if convert is not None else y
        with torch.no_grad():
            loss_value = float(loss(output, target.to(device)))
    if task == "classification":
        classes = num_classes or max(int(y.max()) + 1 if y.numel() else 1, output.reshape(len(output), -1).shape[1])
        return classification_metrics(output, y, classes, loss_value)
    # A LossFunction knows how its outputs read as values (sigmoid for BCEWithLogitsLoss).
    values = getattr(loss, "values", None)
    return regression_metrics(values(output) if values is not None else output, y, loss_value)
