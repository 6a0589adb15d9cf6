"""Pictures of a network over the input plane (2-D point data): the decision boundary and
each node's units, like TensorFlow Playground's heatmaps. Batched, without gradients.

Grids are (resolution, resolution) arrays: row i is y = ys[i] from the bottom (draw with
origin "lower"), column j is x = xs[j], over the data set's domain.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import nn

from graph_core.data.bundle import DataBundle
from graph_core.training.metrics import model_device, model_dtype

GridKind = Literal["probability", "class", "value"]
_SQUARED_LOSSES = ("MSELoss", "L1Loss", "SmoothL1Loss")
_MARGIN = 0.05  # padding around the data when the bundle names no domain
_CACHED_GRIDS = 8  # plane inputs kept (a live run asks for the same two grids ~20 times a second)


@dataclass(frozen=True, eq=False)
class DecisionGrid:
    """The network's answer at every grid point.

    kind "probability": `values` is P(class 1) (two classes). kind "class": `classes` is
    the winning class and `values` its softmax confidence (more classes). kind "value":
    `values` is the regression output, (R, R) or (R, R, k) for k outputs.
    """

    kind: GridKind
    values: np.ndarray
    classes: np.ndarray | None
    x_range: tuple[float, float]
    y_range: tuple[float, float]


def plane_domain(bundle: DataBundle) -> tuple[tuple[float, float], tuple[float, float]]:
    """The bundle's plane extent: its `domain`, else its points padded by 5%."""
    if bundle.domain is not None:
        (x0, x1), (y0, y1) = bundle.domain
        return (float(x0), float(x1)), (float(y0), float(y1))
    points = _plane_points(bundle)
    low, high = points.min(dim=0).values, points.max(dim=0).values
    pad = (high - low).clamp_min(1e-6) * _MARGIN
    return (float(low[0] - pad[0]), float(high[0] + pad[0])), (float(low[1] - pad[1]), float(high[1] + pad[1]))


def _plane_points(bundle: DataBundle) -> torch.Tensor:
    parts = [p for p in (bundle.points_train, bundle.points_val, bundle.points_test) if p is not None]
    if parts:
        return torch.cat(parts).float()
    if bundle.featurize is None and bundle.input_shape == (2,):
        return torch.cat([bundle.x_train, bundle.x_val, bundle.x_test]).float()
    raise ValueError(f"{bundle.name}: grids over the input plane need 2-D point data")


def plane_grid_points(bundle: DataBundle, resolution: int) -> tuple[torch.Tensor, tuple, tuple]:
    """(resolution^2, 2) plane points in row-major grid order, with the x and y ranges."""
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    x_range, y_range = plane_domain(bundle)
    xs = torch.linspace(*x_range, resolution)
    ys = torch.linspace(*y_range, resolution)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1), x_range, y_range


def _network_inputs(bundle: DataBundle, points: torch.Tensor, model: nn.Module) -> torch.Tensor:
    return _featurized(bundle, points).to(device=model_device(model), dtype=model_dtype(model))


def _featurized(bundle: DataBundle, points: torch.Tensor) -> torch.Tensor:
    if bundle.featurize is not None:
        return bundle.featurize(points)
    if bundle.input_shape == (2,):
        return points
    raise ValueError(f"{bundle.name}: grids over the input plane need 2-D point data")


class _GridCache:
    """The plane's grid points and the network inputs made from them, per data set and
    resolution: a live run pictures the same grids many times a second, and making them
    (linspace, meshgrid, the input features) cost a third of a small network's picture.
    Entries hold the data set weakly and are checked against its domain and features."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[int, int], tuple] = {}

    def get(self, bundle: DataBundle, resolution: int) -> tuple[torch.Tensor, torch.Tensor, tuple, tuple]:
        key = (id(bundle), resolution)
        identity = (bundle.domain, id(bundle.featurize), bundle.input_shape)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0]() is bundle and entry[1] == identity:
            return entry[2]
        points, x_range, y_range = plane_grid_points(bundle, resolution)
        value = (points, _featurized(bundle, points), x_range, y_range)
        with self._lock:
            if len(self._entries) >= _CACHED_GRIDS:
                self._entries.clear()
            self._entries[key] = (weakref.ref(bundle), identity, value)
        return value


_grid_cache = _GridCache()


def plane_inputs(bundle: DataBundle, resolution: int) -> tuple[torch.Tensor, torch.Tensor, tuple, tuple]:
    """(grid points, the network's inputs for them, x range, y range), cached: do not
    change the tensors returned."""
    return _grid_cache.get(bundle, resolution)


class _EvalMode:
    """Eval mode and no gradients for the block; the previous mode is restored after."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.was_training = model.training
        self.no_grad = torch.no_grad()

    def __enter__(self) -> None:
        self.model.eval()
        self.no_grad.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.no_grad.__exit__(*exc)
        self.model.train(self.was_training)


def _outputs(model: nn.Module, inputs: torch.Tensor, batch_size: int) -> torch.Tensor:
    return torch.cat([model(inputs[i : i + batch_size]) for i in range(0, inputs.shape[0], batch_size)])


def decision_grid(
    model: nn.Module,
    bundle: DataBundle,
    resolution: int = 100,
    *,
    loss: str | None = None,
    batch_size: int = 16384,
) -> DecisionGrid:
    """The network's output over a resolution x resolution grid of the input plane.

    `loss` (the training loss name) tells how to read the outputs: a single output on a
    two-class task is a logit (default, sigmoid) or a -1/+1 score (squared-error
    losses); regression outputs trained with BCEWithLogitsLoss are logits too.
    """
    _, inputs, x_range, y_range = plane_inputs(bundle, resolution)
    with _EvalMode(model):
        output = _outputs(model, inputs.to(device=model_device(model), dtype=model_dtype(model)), batch_size).float()
    output = output.reshape(output.shape[0], -1).cpu()
    shape = (resolution, resolution)
    if bundle.task != "classification":
        values = (torch.sigmoid(output) if loss == "BCEWithLogitsLoss" else output).reshape(*shape, -1)
        return DecisionGrid(
            "value", (values[..., 0] if values.shape[-1] == 1 else values).numpy(), None, x_range, y_range
        )
    if output.shape[1] == 1:
        score = output[:, 0]
        probability = ((score + 1) / 2).clamp(0, 1) if loss in _SQUARED_LOSSES else torch.sigmoid(score)
        return DecisionGrid("probability", probability.reshape(shape).numpy(), None, x_range, y_range)
    if output.shape[1] == 2:  # softmax's second column, without a softmax over rows of two
        probability = torch.sigmoid(output[:, 1] - output[:, 0])
        return DecisionGrid("probability", probability.reshape(shape).numpy(), None, x_range, y_range)
    confidence, classes = _winning_class(output)
    return DecisionGrid("class", confidence.reshape(shape).numpy(), classes.reshape(shape).numpy(), x_range, y_range)


def _winning_class(output: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The winning class of each row and its softmax probability, 1 / sum(exp(o - max)).

    Computed class by class over whole columns: a softmax along rows of a few classes
    took most of a small network's picture time."""
    columns = output.T.contiguous()
    best, classes = columns.max(dim=0)
    total = torch.zeros_like(best)
    for column in columns:
        total += torch.exp(column - best)
    return 1.0 / total, classes


def node_grids(
    model: nn.Module,
    bundle: DataBundle,
    node_ids: Iterable[str],
    resolution: int = 100,
    *,
    batch_size: int = 16384,
) -> dict[str, np.ndarray]:
    """Each chosen node's units over the input plane: {node id: (units, R, R) array}.

    With a `forward_nodes(*inputs) -> {node id: tensor}` method on the model, that is
    used; otherwise forward hooks on the submodule named by each node id. Nodes with no
    submodule of their own (functional ones such as Add) are left out of the result
    until the compiler offers them as extra outputs.
    """
    points, _, _ = plane_grid_points(bundle, resolution)
    wanted = list(dict.fromkeys(node_ids))
    with _EvalMode(model):
        inputs = _network_inputs(bundle, points, model)
        chunks = [
            _node_outputs(model, inputs[i : i + batch_size], wanted) for i in range(0, inputs.shape[0], batch_size)
        ]
    grids = {}
    for node in wanted:
        if node not in chunks[0]:
            continue
        values = torch.cat([chunk[node] for chunk in chunks]).float().cpu()
        grids[node] = values.T.reshape(-1, resolution, resolution).numpy()
    return grids


def _node_outputs(model: nn.Module, inputs: torch.Tensor, node_ids: list[str]) -> dict[str, torch.Tensor]:
    """Per-sample flat outputs of the chosen nodes for one batch of inputs."""
    forward_nodes = getattr(model, "forward_nodes", None)
    if callable(forward_nodes):
        outputs = forward_nodes(inputs)
        return {n: _flat(outputs[n]) for n in node_ids if n in outputs}
    captured: dict[str, torch.Tensor] = {}
    handles = []
    for node in node_ids:
        submodule = _submodule(model, node)
        if submodule is not None:
            handles.append(submodule.register_forward_hook(_capture(captured, node)))
    try:
        if handles:
            model(inputs)
    finally:
        for handle in handles:
            handle.remove()
    return captured


def _submodule(model: nn.Module, node: str) -> nn.Module | None:
    try:
        return model.get_submodule(node)
    except AttributeError:
        return None


def _capture(store: dict[str, torch.Tensor], node: str):
    def hook(module: nn.Module, args: tuple, output: object) -> None:
        # Recurrent layers return (output, state); the output is what the next node sees.
        store[node] = _flat(output[0] if isinstance(output, tuple) else output)

    return hook


def _flat(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.reshape(tensor.shape[0], -1)
