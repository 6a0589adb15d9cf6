"""Normalization layers: keep activations at a steady scale so deep networks train."""

from __future__ import annotations

from graph_core.layers._helpers import call, join_args, kwargs, need_rank, same_shape
from graph_core.specs import LayerSpec, ParamSpec

_COMMON = (
    ParamSpec("eps", "float", 1e-5, "added to the variance to avoid division by zero", min=1e-12, max=1.0),
    ParamSpec("momentum", "float", 0.1, "weight of the newest batch in the running statistics", min=0.0, max=1.0),
    ParamSpec("affine", "bool", True, "learn a scale and shift per channel"),
)
_TORCH_DEFAULTS = {"eps": 1e-5, "momentum": 0.1, "affine": True}


def _bn_infer(ranks, what, name):
    def infer(shapes, params):
        need_rank(shapes[0], ranks, what, name)
        return same_shape(shapes, params)

    return infer


def _bn_count(shapes, params):
    return 2 * shapes[0][0] if params["affine"] else 0


def _bn_source(name):
    def source(shapes, params):
        extra = kwargs(params, ["eps", "momentum", "affine"], _TORCH_DEFAULTS)
        return f"nn.{name}({join_args(str(shapes[0][0]), extra)})"

    return source


BATCHNORM1D = LayerSpec(
    type="BatchNorm1d",
    category="Normalization",
    summary="Normalizes each feature over the batch, then rescales it.",
    explanation=(
        "Batch normalization standardizes each feature (or channel of a sequence) using "
        "the mean and variance of the current batch, then applies a learned scale and "
        "shift. It lets deep networks train faster and with larger learning rates. Input "
        "[C] or [C, L]; num_features is taken from C."
    ),
    params=_COMMON,
    infer=_bn_infer((1, 2), "[features] or [channels, length]", "BatchNorm1d"),
    emit=call,
    module_source=_bn_source("BatchNorm1d"),
    count_params=_bn_count,
    torch_class="nn.BatchNorm1d",
)

BATCHNORM2D = LayerSpec(
    type="BatchNorm2d",
    category="Normalization",
    summary="Batch normalization for images: one mean and variance per channel.",
    explanation=(
        "BatchNorm2d normalizes each channel of a [C, H, W] feature map over the batch and "
        "all positions, then rescales it. Place it after a convolution, before the "
        "activation. num_features is taken from C."
    ),
    params=_COMMON,
    infer=_bn_infer((3,), "an image-like [channels, height, width] input", "BatchNorm2d"),
    emit=call,
    module_source=_bn_source("BatchNorm2d"),
    count_params=_bn_count,
    torch_class="nn.BatchNorm2d",
)


def _ln_count(shapes, params):
    if not params["elementwise_affine"]:
        return 0
    return shapes[0][-1] * (2 if params["bias"] else 1)


def _ln_source(shapes, params):
    extra = kwargs(
        params, ["eps", "elementwise_affine", "bias"], {"eps": 1e-5, "elementwise_affine": True, "bias": True}
    )
    return f"nn.LayerNorm({join_args(str(shapes[0][-1]), extra)})"


def _ln_infer(shapes, params):
    need_rank(shapes[0], (1, 2, 3, 4), "at least one feature dimension", "LayerNorm")
    return same_shape(shapes, params)


LAYERNORM = LayerSpec(
    type="LayerNorm",
    category="Normalization",
    summary="Normalizes the features of each sample on its own.",
    explanation=(
        "Layer normalization standardizes the last dimension of each sample separately "
        "(no batch statistics), then rescales it. It is the normalization of Transformers "
        "and works the same in training and evaluation. normalized_shape is taken from the "
        "input's last dimension."
    ),
    params=(
        ParamSpec("eps", "float", 1e-5, "added to the variance to avoid division by zero", min=1e-12, max=1.0),
        ParamSpec("elementwise_affine", "bool", True, "learn a scale per feature"),
        ParamSpec("bias", "bool", True, "learn a shift per feature (with elementwise_affine)"),
    ),
    infer=_ln_infer,
    emit=call,
    module_source=_ln_source,
    count_params=_ln_count,
    torch_class="nn.LayerNorm",
)

SPECS = [BATCHNORM1D, BATCHNORM2D, LAYERNORM]
