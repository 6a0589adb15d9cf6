"""Seeded toy data sets: TensorFlow Playground's 2-D sets and a few more, a 1-D curve,
and short sequences for recurrent and attention models.

The same seed always gives the same data. Point sets follow the playground's formulas
(src/dataset.ts), so `noise` means what the playground's slider means divided by 100.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from graph_core.data.bundle import DataBundle, DataImportError
from graph_core.data.split import DEFAULT_SPLIT, make_bundle

DOMAIN_RADIUS = 6.0
DOMAIN = ((-DOMAIN_RADIUS, DOMAIN_RADIUS), (-DOMAIN_RADIUS, DOMAIN_RADIUS))
DEFAULT_FEATURES = ("x1", "x2")

PointGenerator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]

# --- input features for 2-D data --------------------------------------------------

_R = DOMAIN_RADIUS
# Each feature is the playground's, scaled so that it stays within about [-1, 1] over
# the domain; sin() is left as is because its period is what makes it useful.
FEATURES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "x1": lambda a, b: a / _R,
    "x2": lambda a, b: b / _R,
    "x1^2": lambda a, b: (a / _R) ** 2,
    "x2^2": lambda a, b: (b / _R) ** 2,
    "x1*x2": lambda a, b: a * b / _R**2,
    "sin(x1)": lambda a, b: torch.sin(a),
    "sin(x2)": lambda a, b: torch.sin(b),
}


class PlaneFeatures:
    """Maps plane points (N, 2) to network inputs (N, F): the same map for data and grid."""

    def __init__(self, names: Sequence[str] = DEFAULT_FEATURES) -> None:
        self.names = check_features(names)

    def __call__(self, points: torch.Tensor) -> torch.Tensor:
        points = torch.as_tensor(points, dtype=torch.float32)
        a, b = points[:, 0], points[:, 1]
        return torch.stack([FEATURES[n](a, b) for n in self.names], dim=1)

    def __repr__(self) -> str:
        return f"PlaneFeatures({list(self.names)})"


def check_features(names: Sequence[str]) -> list[str]:
    """Return the feature names as a list, or raise DataImportError naming a bad one."""
    names = list(names)
    if not names:
        raise DataImportError(f"choose at least one input feature from {list(FEATURES)}")
    for name in names:
        if name not in FEATURES:
            raise DataImportError(f"unknown input feature {name!r}; known: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise DataImportError(f"input features are repeated: {names}")
    return names


# --- 2-D point generators: (n, noise, rng) -> (points (n, 2), labels or targets (n,)) --


def _sizes(n: int, parts: int) -> list[int]:
    """n shared as evenly as possible; the first parts get the extra ones."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    radius = 5.0
    n_in, n_out = _sizes(n, 2)
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)])
    angle = rng.uniform(0, 2 * math.pi, n)
    points = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    # As in the playground, noise moves the point used for the label, not the point.
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise
    labels = np.linalg.norm(points + jitter, axis=1) < radius * 0.5
    return points, labels.astype(np.int64)


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    points = rng.uniform(-5, 5, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)  # keep points off the axes
    jitter = rng.uniform(-5, 5, (n, 2)) * noise
    moved = points + jitter
    return points, (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)


def _blob_std(noise: float) -> float:
    # The playground maps noise 0..0.5 linearly to a variance of 0.5..4.
    return math.sqrt(0.5 + noise * 7.0)


def _blobs(
    n: int, rng: np.random.Generator, centers: list[tuple[float, float]], std: float
) -> tuple[np.ndarray, np.ndarray]:
    labels = np.repeat(np.arange(len(centers)), _sizes(n, len(centers)))
    points = np.asarray(centers)[labels] + rng.normal(0, std, (n, 2))
    return points, labels.astype(np.int64)


def _gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return _blobs(n, rng, [(-2.0, -2.0), (2.0, 2.0)], _blob_std(noise))


def _blobs4(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Four blobs need room in the box: centres nearer the middle, spreads 3/4 as wide.
    centers = [(2.5, 2.5), (-2.5, 2.5), (-2.5, -2.5), (2.5, -2.5)]
    return _blobs(n, rng, centers, 0.75 * _blob_std(noise))


def _arms(n: int, noise: float, rng: np.random.Generator, arms: int) -> tuple[np.ndarray, np.ndarray]:
    parts = []
    for arm, size in enumerate(_sizes(n, arms)):
        i = np.arange(size) / max(size, 1)
        r = i * 5
        t = 1.75 * i * 2 * math.pi + 2 * math.pi * arm / arms
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        parts.append(xy + rng.uniform(-1, 1, (size, 2)) * noise)
    labels = np.repeat(np.arange(arms), _sizes(n, arms))
    return np.concatenate(parts), labels.astype(np.int64)


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    points, arm = _arms(n, noise, rng, 2)
    return points, 1 - arm  # the playground's positive arm is the one at angle 0


def _spiral3(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return _arms(n, noise, rng, 3)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_upper, n_lower = _sizes(n, 2)
    t = rng.uniform(0, math.pi, n)
    upper = np.stack([np.cos(t[:n_upper]), np.sin(t[:n_upper])], axis=1)
    lower = np.stack([1 - np.cos(t[n_upper:]), 0.5 - np.sin(t[n_upper:])], axis=1)
    # scikit-learn's moons, centred and scaled 3x to fill the playground's domain; noise
    # is scikit-learn's noise in moon units.
    scale = 3.0
    points = (np.concatenate([upper, lower]) - (0.5, 0.25) + rng.normal(0, noise, (n, 2))) * scale
    labels = np.repeat([1, 0], [n_upper, n_lower])
    return points, labels.astype(np.int64)


def _rings(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles (radius 2.5 inside, 5 outside), jittered by noise * 2.5."""
    n_inner, n_outer = _sizes(n, 2)
    radius = np.repeat([2.5, 5.0], [n_inner, n_outer])
    angle = rng.uniform(0, 2 * math.pi, n)
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += rng.normal(0, noise * 2.5, (n, 2))
    return points, np.repeat([0, 1], [n_inner, n_outer]).astype(np.int64)


def _plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    points = rng.uniform(-_R, _R, (n, 2))
    moved = points + rng.uniform(-_R, _R, (n, 2)) * noise
    return points, moved.sum(axis=1) / 10.0


_GAUSSIANS = np.array(
    [
        [-4, 2.5, 1],
        [0, 2.5, -1],
        [4, 2.5, 1],
        [-4, -2.5, -1],
        [0, -2.5, 1],
        [4, -2.5, -1],
    ],
    dtype=np.float64,
)


def _multi_gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    points = rng.uniform(-_R, _R, (n, 2))
    moved = points + rng.uniform(-_R, _R, (n, 2)) * noise
    dist = np.linalg.norm(moved[:, None, :] - _GAUSSIANS[None, :, :2], axis=2)
    # Each bump falls from 1 at its centre to 0 at distance 2; the strongest one wins.
    values = _GAUSSIANS[:, 2] * np.clip(1 - dist / 2, 0, 1)
    strongest = np.abs(values).argmax(axis=1)
    return points, values[np.arange(n), strongest]


_BINARY = ["negative", "positive"]

# name -> (generator, class names or None for regression)
POINT_SETS: dict[str, tuple[PointGenerator, list[str] | None]] = {
    "circle": (_circle, _BINARY),
    "xor": (_xor, _BINARY),
    "gaussian": (_gaussian, _BINARY),
    "spiral": (_spiral, _BINARY),
    "moons": (_moons, _BINARY),
    "rings": (_rings, ["inner ring", "outer ring"]),
    "spiral3": (_spiral3, ["arm 1", "arm 2", "arm 3"]),
    "blobs4": (_blobs4, ["blob 1", "blob 2", "blob 3", "blob 4"]),
    "plane": (_plane, None),
    "multi_gaussian": (_multi_gaussian, None),
}


def make_points2d(
    name: str,
    *,
    samples: int = 500,
    noise: float = 0.1,
    seed: int = 0,
    features: Sequence[str] = DEFAULT_FEATURES,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """A 2-D point set (see POINT_SETS), its inputs mapped through the chosen features."""
    if name not in POINT_SETS:
        raise DataImportError(f"unknown 2-D data set {name!r}; known: {', '.join(POINT_SETS)}")
    generate, class_names = POINT_SETS[name]
    featurize = PlaneFeatures(features)
    raw, target = generate(samples, noise, np.random.default_rng(seed))
    points = torch.from_numpy(raw.astype(np.float32))
    common = {
        "split": split,
        "seed": seed,
        "points": points,
        "feature_names": list(featurize.names),
        "featurize": featurize,
        "domain": DOMAIN,
    }
    if class_names is None:
        y = torch.from_numpy(target.astype(np.float32)).unsqueeze(1)
        return make_bundle(name, "regression", "points2d", featurize(points), y, **common)
    y = torch.from_numpy(target)
    return make_bundle(
        name,
        "classification",
        "points2d",
        featurize(points),
        y,
        num_classes=len(class_names),
        class_names=list(class_names),
        **common,
    )


MIN_DRAWN_POINTS = 3
MAX_DRAWN_POINTS = 5000


def make_drawn(
    points: Sequence[Sequence[float]],
    *,
    samples: int = 500,
    noise: float = 0.1,
    seed: int = 0,
    features: Sequence[str] = DEFAULT_FEATURES,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """A shape the user drew: `samples` points picked at random from the drawn `points`
    (plane coordinates, within the playground's domain), each moved by Gaussian noise of
    standard deviation `noise`. One class, "drawn": for generative models."""
    drawn = np.asarray(points, dtype=np.float64).reshape(-1, 2) if len(points) else np.zeros((0, 2))
    if len(drawn) < MIN_DRAWN_POINTS:
        raise DataImportError(
            f"data.points: draw a shape first: it needs at least {MIN_DRAWN_POINTS} points, the drawing has "
            f"{len(drawn)}"
        )
    rng = np.random.default_rng(seed)
    raw = drawn[rng.integers(0, len(drawn), samples)] + rng.normal(0, noise, (samples, 2))
    featurize = PlaneFeatures(features)
    plane = torch.from_numpy(raw.astype(np.float32))
    return make_bundle(
        "drawn",
        "classification",
        "points2d",
        featurize(plane),
        torch.zeros(samples, dtype=torch.int64),
        split=split,
        seed=seed,
        points=plane,
        num_classes=1,
        class_names=["drawn"],
        feature_names=list(featurize.names),
        featurize=featurize,
        domain=DOMAIN,
    )


# --- 1-D curve ----------------------------------------------------------------------


def make_sine(
    *,
    samples: int = 500,
    noise: float = 0.1,
    seed: int = 0,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """Curve fitting: x uniform in [-pi, pi], y = sin(x) plus Gaussian noise of std `noise`."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-math.pi, math.pi, samples)
    y = np.sin(x) + rng.normal(0, noise, samples)
    return make_bundle(
        "sine",
        "regression",
        "curve1d",
        torch.from_numpy(x.astype(np.float32)).unsqueeze(1),
        torch.from_numpy(y.astype(np.float32)).unsqueeze(1),
        split=split,
        seed=seed,
        feature_names=["x"],
        domain=((-math.pi, math.pi), (-1.5, 1.5)),
    )


# --- sequences ------------------------------------------------------------------------


def make_sine_forecast(
    *,
    samples: int = 500,
    noise: float = 0.1,
    seed: int = 0,
    window: int = 20,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """Forecasting: `window` noisy values of a sine wave in, the next clean value out.

    Each sample has its own frequency, phase and amplitude, so the model must read the
    wave from the window rather than memorise one curve.
    """
    rng = np.random.default_rng(seed)
    omega = rng.uniform(0.2, 0.6, (samples, 1))  # radians per step: 2/3 to 2 cycles in 20 steps
    phase = rng.uniform(0, 2 * math.pi, (samples, 1))
    amplitude = rng.uniform(0.5, 1.0, (samples, 1))
    wave = amplitude * np.sin(omega * np.arange(window + 1) + phase)
    inputs = wave[:, :window] + rng.normal(0, noise, (samples, window))
    return make_bundle(
        "sine_forecast",
        "regression",
        "sequence",
        torch.from_numpy(inputs.astype(np.float32)).unsqueeze(2),
        torch.from_numpy(wave[:, window:].astype(np.float32)),
        split=split,
        seed=seed,
        feature_names=["value"],
    )


def _parity(n: int, seq_len: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    bits = rng.integers(0, 2, (n, seq_len))
    return bits, bits.sum(axis=1) % 2


_MOTIF = (1, 2, 3)


def _motif_starts(tokens: np.ndarray) -> np.ndarray:
    a, b, c = _MOTIF
    return (tokens[:, :-2] == a) & (tokens[:, 1:-1] == b) & (tokens[:, 2:] == c)


def _pattern(n: int, seq_len: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_pos, n_neg = _sizes(n, 2)
    tokens = rng.integers(0, 4, (n, seq_len))
    starts = rng.integers(0, seq_len - 2, n_pos)
    for offset, token in enumerate(_MOTIF):
        tokens[np.arange(n_pos), starts + offset] = token
    # Break every chance motif in the negatives by redrawing its middle token from
    # {0, 1, 3}; none of those can complete a new motif, so one pass is enough.
    found = np.zeros_like(tokens, dtype=bool)
    found[n_pos:, 1:-1] = _motif_starts(tokens[n_pos:])
    tokens[found] = rng.choice([0, 1, 3], int(found.sum()))
    return tokens, np.repeat([1, 0], [n_pos, n_neg])


# name -> (generator, vocabulary size, minimum length, class names)
SEQUENCE_TASKS: dict[str, tuple[Callable, int, int, list[str]]] = {
    "parity": (_parity, 2, 1, ["even", "odd"]),
    "pattern": (_pattern, 4, len(_MOTIF), ["absent", "present"]),
}


def make_sequence_task(
    name: str,
    *,
    samples: int = 500,
    seed: int = 0,
    seq_len: int = 10,
    tokens: bool = False,
    split: Sequence[float] = DEFAULT_SPLIT,
) -> DataBundle:
    """Sequence classification for RNN / LSTM / GRU / Transformer models.

    `parity`: bits in, is the number of ones odd? `pattern`: tokens 0-3 in, does the
    run 1, 2, 3 occur? Values come as floats (N, seq_len, 1), scaled to [0, 1], or
    with `tokens` as int64 ids (N, seq_len) for an Embedding, ids in range(vocab_size).
    """
    if name not in SEQUENCE_TASKS:
        raise DataImportError(f"unknown sequence task {name!r}; known: {', '.join(SEQUENCE_TASKS)}")
    generate, vocab, min_len, class_names = SEQUENCE_TASKS[name]
    if seq_len < min_len:
        raise DataImportError(f"{name}: seq_len must be at least {min_len}, got {seq_len}")
    ids, labels = generate(samples, seq_len, np.random.default_rng(seed))
    if tokens:
        x = torch.from_numpy(ids.astype(np.int64))
        feature_names = [f"token (ids 0-{vocab - 1})"]
    else:
        x = torch.from_numpy((ids / (vocab - 1)).astype(np.float32)).unsqueeze(2)
        feature_names = ["value"]
    return make_bundle(
        name,
        "classification",
        "sequence",
        x,
        torch.from_numpy(labels.astype(np.int64)),
        split=split,
        seed=seed,
        num_classes=len(class_names),
        class_names=list(class_names),
        feature_names=feature_names,
        vocab_size=vocab if tokens else None,
    )
