"""What live views draw, taken from a model between batches: the decision boundary, every
node's preview (unit heatmaps, feature maps or histograms), weight sizes and gradient
health, as plain NumPy and Python data that any thread or GUI can hold.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch
from torch import nn

from graph_core.compiler import node_parameters
from graph_core.data.bundle import DataBundle
from graph_core.training.boundary import _EvalMode as EvalMode
from graph_core.training.boundary import decision_grid, plane_inputs
from graph_core.training.metrics import model_device, model_dtype, predict_classes

BoundaryKind = Literal["probability", "class", "value", "curve"]
GradHealth = Literal["ok", "vanishing", "exploding"]
Domain = tuple[tuple[float, float], tuple[float, float]]

# A node's gradient is "vanishing" when it is this many times smaller than the largest
# node's (the signal dies on its way back), "exploding" above this L2 norm.
VANISHING_RATIO = 1e-4
EXPLODING_NORM = 1e3


@dataclass(frozen=True)
class SnapshotOptions:
    """How much a snapshot computes. The defaults keep one under a few milliseconds for
    playground-sized networks (60x60 grid), so ten a second cost ~1% of training."""

    resolution: int = 60  # the decision boundary's grid
    unit_resolution: int = 24  # each unit's heatmap: a thumbnail on a node needs no more
    max_units: int = 16  # units (or channels) per node for previews
    probe_samples: int = 64  # samples for histograms and feature maps
    histogram_bins: int = 24
    previews: bool = True  # node grids, maps and histograms (the canvas previews)
    loss: str | None = None  # the training loss: tells how to read the outputs


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The state of a network for the live views, at `epoch` (completed) and `step`.

    - `boundary`: for 2-D point data an (R, R) array over `domain` (row i is y from the
      bottom, column j is x): P(class 1) for kind "probability", the value for "value";
      for kind "class" an (R, R, 2) array of (winning class, its confidence). For 1-D
      curve data (kind "curve") the prediction at R points of x across `domain[0]`.
      None for other data.
    - `node_grids`: point data, {node id: (units, r, r)} each unit over the plane (r is
      the smaller `unit_resolution`, over the same domain).
    - `node_curves`: curve data, {node id: (units, R)} each unit along x.
    - `node_maps`: {node id: (C, H, W)} feature maps of one fixed sample, for nodes whose
      output is image-like.
    - `node_histograms`: {node id: (counts, edges)} of every other node's outputs over a
      fixed probe batch.
    - `weight_magnitude`: {node id: mean |w|} for nodes with weights (edge styling).
    - `grad_norms` / `grad_health`: each node's gradient L2 norm at the last batch and
      "ok", "vanishing" or "exploding".
    """

    epoch: int
    step: int
    boundary: np.ndarray | None = None
    boundary_kind: BoundaryKind | None = None
    domain: Domain | None = None
    node_grids: dict[str, np.ndarray] = field(default_factory=dict)
    node_curves: dict[str, np.ndarray] = field(default_factory=dict)
    node_maps: dict[str, np.ndarray] = field(default_factory=dict)
    node_histograms: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    weight_magnitude: dict[str, float] = field(default_factory=dict)
    grad_norms: dict[str, float] = field(default_factory=dict)
    grad_health: dict[str, GradHealth] = field(default_factory=dict)
    cost_ms: float = 0.0


@dataclass(frozen=True, eq=False)
class Misclassified:
    """Test samples the network got wrong: their indices in the test split, images
    ((n, H, W) greyscale or (n, H, W, 3) colour), true and predicted classes."""

    indices: np.ndarray
    images: np.ndarray
    true: np.ndarray
    pred: np.ndarray
    class_names: list[str] | None = None

    def __len__(self) -> int:
        return len(self.indices)


def take_snapshot(
    model: nn.Module,
    bundle: DataBundle,
    options: SnapshotOptions | None = None,
    *,
    epoch: int = 0,
    step: int = 0,
) -> Snapshot:
    """Everything the live views show, computed without gradients in eval mode (the
    model's mode is restored). Call it between batches, on the training thread."""
    options = options or SnapshotOptions()
    started = time.perf_counter()
    parts: dict = {}
    if bundle.kind == "points2d":
        parts.update(_plane_parts(model, bundle, options))
    elif bundle.kind == "curve1d" and bundle.input_shape == (1,):
        parts.update(_curve_parts(model, bundle, options))
    if options.previews and bundle.kind != "points2d" and "node_curves" not in parts:
        parts.update(_probe_parts(model, bundle, options))
    grad_norms = gradient_norms(model)
    return Snapshot(
        epoch=epoch,
        step=step,
        weight_magnitude=weight_magnitudes(model),
        grad_norms=grad_norms,
        grad_health=gradient_health(grad_norms),
        cost_ms=(time.perf_counter() - started) * 1000,
        **parts,
    )


# ---- per kind of data ----------------------------------------------------------------


def _plane_parts(model: nn.Module, bundle: DataBundle, options: SnapshotOptions) -> dict:
    grid = decision_grid(model, bundle, options.resolution, loss=options.loss)
    if grid.kind == "class":
        boundary = np.stack([grid.classes.astype(np.float32), grid.values.astype(np.float32)], axis=-1)
    elif grid.values.ndim == 3:  # several regression outputs: show the first
        boundary = grid.values[..., 0]
    else:
        boundary = grid.values
    parts = {"boundary": boundary, "boundary_kind": grid.kind, "domain": (grid.x_range, grid.y_range)}
    if options.previews:
        r = options.unit_resolution
        _, inputs, _, _ = plane_inputs(bundle, r)
        outputs = _node_outputs(model, inputs)
        parts["node_grids"] = {
            node: _units(value, options.max_units).T.reshape(-1, r, r).copy() for node, value in outputs.items()
        }
    return parts


def _curve_parts(model: nn.Module, bundle: DataBundle, options: SnapshotOptions) -> dict:
    """1-D input (y = f(x)): the predicted curve and each unit's response along x."""
    (x0, x1), y_range = bundle.domain if bundle.domain is not None else _curve_domain(bundle)
    xs = torch.linspace(x0, x1, options.resolution).unsqueeze(1)
    outputs = _node_outputs(model, xs)
    prediction = _prediction(model, xs, options.loss)
    parts = {"boundary": prediction, "boundary_kind": "curve", "domain": ((x0, x1), y_range)}
    if options.previews:
        parts["node_curves"] = {node: _units(value, options.max_units).T.copy() for node, value in outputs.items()}
    return parts


def _curve_domain(bundle: DataBundle) -> Domain:
    xs = torch.cat([bundle.x_train, bundle.x_val, bundle.x_test]).float()
    ys = torch.cat([bundle.y_train, bundle.y_val, bundle.y_test]).float()
    return (float(xs.min()), float(xs.max())), (float(ys.min()), float(ys.max()))


def _prediction(model: nn.Module, xs: torch.Tensor, loss: str | None) -> np.ndarray:
    with EvalMode(model):
        out = model(xs.to(device=model_device(model), dtype=model_dtype(model))).float().cpu()
    out = out.reshape(out.shape[0], -1)[:, 0]
    return (torch.sigmoid(out) if loss == "BCEWithLogitsLoss" else out).numpy()


def _probe_parts(model: nn.Module, bundle: DataBundle, options: SnapshotOptions) -> dict:
    """Feature maps of the first probe sample for image-like outputs, histograms of the
    whole probe batch for the rest. The probe is fixed, so previews compare over time."""
    outputs = _node_outputs(model, probe_batch(bundle, options.probe_samples), flat=False)
    maps: dict[str, np.ndarray] = {}
    histograms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for node, value in outputs.items():
        if value.ndim == 4 and min(value.shape[2:]) >= 2:
            maps[node] = value[0, : options.max_units].numpy().copy()
        else:
            histograms[node] = _histogram(value.reshape(-1).numpy(), options.histogram_bins)
    return {"node_maps": maps, "node_histograms": histograms}


def probe_batch(bundle: DataBundle, samples: int) -> torch.Tensor:
    """The first `samples` validation inputs (training inputs when there are none)."""
    x = bundle.x_val if len(bundle.x_val) else bundle.x_train
    return x[:samples]


def _histogram(values: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros(bins, dtype=np.int64), np.linspace(0.0, 1.0, bins + 1)
    low, high = float(finite.min()), float(finite.max())
    if high - low < 1e-12:  # one value: a bin around it, not a division by zero
        low, high = low - 0.5, high + 0.5
    return np.histogram(finite, bins=bins, range=(low, high))


# ---- node outputs ---------------------------------------------------------------------


def _node_outputs(model: nn.Module, inputs: torch.Tensor, flat: bool = True) -> dict[str, torch.Tensor]:
    """Every node's output on `inputs` as float CPU tensors, batch first; flattened to
    (N, units) when `flat`. Uses the compiled model's `forward_nodes`, else forward
    hooks on the model's children (named like node ids)."""
    inputs = inputs.to(device=model_device(model), dtype=model_dtype(model) if inputs.is_floating_point() else None)
    with EvalMode(model):
        forward_nodes = getattr(model, "forward_nodes", None)
        raw = forward_nodes(inputs) if callable(forward_nodes) else _hooked_outputs(model, inputs)
    outputs = {}
    for node, value in raw.items():
        if isinstance(value, tuple):  # recurrent layers: (output, state)
            value = value[0]
        if not isinstance(value, torch.Tensor) or value.ndim == 0 or value.shape[0] != inputs.shape[0]:
            continue
        value = value.detach().float().cpu()
        outputs[node] = value.reshape(value.shape[0], -1) if flat else value
    return outputs


def _hooked_outputs(model: nn.Module, inputs: torch.Tensor) -> dict[str, torch.Tensor]:
    captured: dict[str, torch.Tensor] = {}
    handles = [
        child.register_forward_hook(lambda _m, _a, out, name=name: captured.__setitem__(name, out))
        for name, child in model.named_children()
    ]
    try:
        model(inputs)
    finally:
        for handle in handles:
            handle.remove()
    return captured


def _units(values: torch.Tensor, limit: int) -> np.ndarray:
    return values[:, :limit].numpy()


# ---- weights and gradients --------------------------------------------------------------


def weight_magnitudes(model: nn.Module) -> dict[str, float]:
    """Mean |w| of each node's weight matrices and kernels (all its parameters when it has
    none), keyed by node id."""
    result = {}
    with torch.no_grad():
        for node, named in node_parameters(model).items():
            params = [p for _, p in named if p.ndim >= 2] or [p for _, p in named]
            total = sum(p.numel() for p in params)
            if total:
                result[node] = float(sum(p.detach().abs().sum().item() for p in params) / total)
    return result


def gradient_norms(model: nn.Module) -> dict[str, float]:
    """The L2 norm of each node's gradients as they are now (after the last batch)."""
    norms = {}
    for node, named in node_parameters(model).items():
        grads = [p.grad for _, p in named if p.grad is not None]
        if grads:
            norms[node] = math.sqrt(sum(float(g.detach().double().pow(2).sum()) for g in grads))
    return norms


def gradient_health(grad_norms: dict[str, float]) -> dict[str, GradHealth]:
    """ok / vanishing / exploding per node. Vanishing is relative to the strongest node,
    so a converged network (all gradients small together) is not flagged."""
    # Measured against the strongest sane node: one exploding node must not make all
    # the others look vanishing.
    strongest = max((n for n in grad_norms.values() if math.isfinite(n) and n <= EXPLODING_NORM), default=0.0)
    health: dict[str, GradHealth] = {}
    for node, norm in grad_norms.items():
        if not math.isfinite(norm) or norm > EXPLODING_NORM:
            health[node] = "exploding"
        elif strongest > 0 and norm < strongest * VANISHING_RATIO:
            health[node] = "vanishing"
        else:
            health[node] = "ok"
    return health


# ---- after training ------------------------------------------------------------------------


def misclassified_examples(model: nn.Module, bundle: DataBundle, limit: int = 16) -> Misclassified | None:
    """Up to `limit` test images the network gets wrong (None unless image classification)."""
    if bundle.task != "classification" or bundle.image_shape is None or len(bundle.x_test) == 0:
        return None
    x = bundle.x_test
    with EvalMode(model):
        outputs = [model(x[i : i + 1024].to(model_device(model), model_dtype(model))) for i in range(0, len(x), 1024)]
    predicted = predict_classes(torch.cat(outputs)).cpu()
    truth = bundle.y_test.long().cpu()
    wrong = torch.nonzero(predicted != truth).flatten()[:limit]
    images = x[wrong].float().reshape(len(wrong), *bundle.image_shape).numpy()
    images = images[:, 0] if bundle.image_shape[0] == 1 else images.transpose(0, 2, 3, 1)
    return Misclassified(
        wrong.numpy(), images.copy(), truth[wrong].numpy(), predicted[wrong].numpy(), bundle.class_names
    )
