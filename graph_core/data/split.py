"""Seeded train / validation / test splits, and the one place a `DataBundle` is built.

Every loader hands its full arrays to `make_bundle`, so all data sets split the same
way: by ratios, with a seed, stratified by class for classification.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from graph_core.data.bundle import DataBundle, Kind, Task

DEFAULT_SPLIT = (0.7, 0.15, 0.15)
# The split draws from a stream of its own, so it never echoes the draws of a generator
# seeded with the same number.
_SPLIT_STREAM = 1


def check_ratios(ratios: Sequence[float]) -> tuple[float, float, float]:
    """Return (train, val, test) ratios, or raise ValueError saying what is wrong."""
    if len(ratios) != 3:
        raise ValueError(f"split must have three ratios [train, val, test], got {list(ratios)}")
    try:
        train, val, test = (float(r) for r in ratios)
    except (TypeError, ValueError):
        raise ValueError(f"split ratios must be numbers, got {list(ratios)}") from None
    if not all(math.isfinite(r) for r in (train, val, test)):
        raise ValueError(f"split ratios must be finite numbers, got {list(ratios)}")
    if train <= 0:
        raise ValueError(f"the training share of the split must be above 0, got {train}")
    if val < 0 or test < 0:
        raise ValueError(f"split ratios cannot be negative, got {list(ratios)}")
    if abs(train + val + test - 1.0) > 1e-6:
        total = train + val + test
        raise ValueError(f"split ratios must add up to 1, got {list(ratios)} (sum {total:g})")
    return train, val, test


def _counts(n: int, ratios: tuple[float, float, float]) -> list[int]:
    """Share n items by ratios with largest remainders; train keeps at least one."""
    exact = [n * r for r in ratios]
    counts = [math.floor(e) for e in exact]
    by_remainder = sorted(range(3), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    if n > 0 and counts[0] == 0:
        donor = 1 if counts[1] > 0 else 2
        counts[donor] -= 1
        counts[0] += 1
    return counts


def split_indices(
    n: int,
    ratios: Sequence[float] = DEFAULT_SPLIT,
    *,
    seed: int = 0,
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle range(n) into disjoint train / val / test index arrays.

    The sizes follow the ratios exactly (largest remainders). With `labels` (class
    indices) the split is stratified: every part holds each class in proportion, to
    within one sample, so small validation and test sets still see every class.
    """
    shares = check_ratios(ratios)
    rng = np.random.default_rng([seed, _SPLIT_STREAM])
    order = rng.permutation(n) if labels is None else _interleaved(np.asarray(labels), rng)
    bounds = np.cumsum(_counts(n, shares))[:2]
    # Shuffle within each part too, so a stratified part is not ordered by position.
    return tuple(rng.permutation(part).astype(np.int64) for part in np.split(order, bounds))  # type: ignore[return-value]


def _interleaved(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """All indices, each class shuffled and spread evenly along the order.

    Member k of a class of m sits at position (k + 0.5) / m of the way along, so any
    contiguous cut of the order takes every class in proportion.
    """
    indices, keys = [], []
    for c in rng.permutation(np.unique(labels)):
        members = rng.permutation(np.flatnonzero(labels == c))
        indices.append(members)
        keys.append((np.arange(len(members)) + 0.5) / len(members))
    indices_all, keys_all = np.concatenate(indices), np.concatenate(keys)
    return indices_all[np.argsort(keys_all, kind="stable")]


def make_bundle(
    name: str,
    task: Task,
    kind: Kind,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    split: Sequence[float] = DEFAULT_SPLIT,
    seed: int = 0,
    points: torch.Tensor | None = None,
    **fields: Any,
) -> DataBundle:
    """Split full tensors (and 2-D points, when given) into a `DataBundle`.

    Classification splits are stratified by `y`. Extra keyword arguments become
    `DataBundle` fields (num_classes, featurize, domain, ...).
    """
    labels = y.numpy() if task == "classification" else None
    train, val, test = (torch.from_numpy(i) for i in split_indices(len(x), split, seed=seed, labels=labels))
    if points is not None:
        fields.update(points_train=points[train], points_val=points[val], points_test=points[test])
    return DataBundle(
        name=name,
        task=task,
        kind=kind,
        x_train=x[train],
        y_train=y[train],
        x_val=x[val],
        y_val=y[val],
        x_test=x[test],
        y_test=y[test],
        **fields,
    )
