"""Numbers as waves: `TimeEmbedding` turns a diffusion time step into a vector the noise
predictor can read, and `FourierFeatures` turns coordinates into sines and cosines of
many widths, so that a small network can draw sharp shapes in the plane."""

from __future__ import annotations

from graph_core.layers._helpers import call, fmt_shape, join_args, kwargs
from graph_core.specs import LayerSpec, ParamSpec, ShapeError

DEFAULT_MAX_PERIOD = 10000.0
DEFAULT_SCALE = 25.0


def _even_dim(layer: str, p: dict) -> None:
    if p["dim"] % 2:
        raise ShapeError(f"{layer}: dim must be even (a sine and a cosine per frequency), got {p['dim']}")


def _time_embedding_infer(shapes, p):
    shape = tuple(shapes[0])
    if not shape or shape[-1] != 1:
        raise ShapeError(
            f"TimeEmbedding needs one time step per sample, shape [1], but got {fmt_shape(shape)}; "
            "give the time step an Input of shape [1]"
        )
    _even_dim("TimeEmbedding", p)
    return (*shape[:-1], p["dim"])


TIME_EMBEDDING = LayerSpec(
    type="TimeEmbedding",
    category="Attention & Sequence",
    summary="Turns a diffusion time step into a vector of sines and cosines.",
    explanation=(
        "A diffusion model's noise predictor must know how noisy its input is. "
        "TimeEmbedding reads the time step t (an Input of shape [1]) and gives dim "
        "numbers: sin and cos of t times dim/2 frequencies, from one wave per step down "
        "to one wave per max_period steps. Nearby steps get similar vectors, distant "
        "ones different vectors, which a Linear layer reads far more easily than the "
        "bare number. Join it to the noisy sample with Concat. It has no weights. "
        "NeuroLoom's own node type (the sinusoidal embedding of DDPM); its code is "
        "included in exported Python."
    ),
    params=(
        ParamSpec("dim", "int", 32, "length of the embedding (even)", min=2, max=65536, key=True),
        ParamSpec(
            "max_period", "float", DEFAULT_MAX_PERIOD, "period of the slowest wave, in time steps", min=1.0, max=1e9
        ),
    ),
    infer=_time_embedding_infer,
    emit=call,
    module_source=lambda s, p: (
        f"TimeEmbedding({join_args(str(p['dim']), kwargs(p, ['max_period'], {'max_period': DEFAULT_MAX_PERIOD}))})"
    ),
    in_dtype="any",
    out_dtype="float",
)


def _fourier_infer(shapes, p):
    shape = tuple(shapes[0])
    if not shape:
        raise ShapeError("FourierFeatures needs at least one feature dimension")
    _even_dim("FourierFeatures", p)
    return (*shape[:-1], shape[-1] * p["dim"])


FOURIER_FEATURES = LayerSpec(
    type="FourierFeatures",
    category="Attention & Sequence",
    summary="Each input value as sines and cosines of many frequencies.",
    explanation=(
        "A small network fed bare coordinates learns smooth shapes first and sharp ones "
        "very slowly. FourierFeatures replaces each input value v by dim numbers, sin "
        "and cos of scale times v times dim/2 frequencies (from 1 down to 1/max_period), "
        "so waves both fine and broad are there to combine: [2] becomes [2 * dim]. "
        "Diffusion models on 2-D points and coordinate networks use them to draw crisp "
        "curves. Join them to the raw values with Concat. It has no weights. NeuroLoom's "
        "own node type; its code is included in exported Python."
    ),
    params=(
        ParamSpec("dim", "int", 16, "numbers per input value (even)", min=2, max=65536, key=True),
        ParamSpec(
            "scale", "float", DEFAULT_SCALE, "the fastest wave's frequency, in radians per unit", min=1e-6, max=1e6
        ),
        ParamSpec("max_period", "float", DEFAULT_MAX_PERIOD, "how much slower the slowest wave is", min=1.0, max=1e9),
    ),
    infer=_fourier_infer,
    emit=call,
    module_source=lambda s, p: (
        "FourierFeatures("
        + join_args(
            str(p["dim"]),
            kwargs(p, ["scale", "max_period"], {"scale": DEFAULT_SCALE, "max_period": DEFAULT_MAX_PERIOD}),
        )
        + ")"
    ),
)

SPECS = [TIME_EMBEDDING, FOURIER_FEATURES]
