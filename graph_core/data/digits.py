"""scikit-learn's bundled 8x8 handwritten digits (1,797 images, 10 classes), offline.

Pixels are scaled from 0..16 to [0, 1]; the layout is flat vectors for an MLP or
[1, 8, 8] images for a CNN.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from graph_core.data.bundle import DataBundle, DataImportError
from graph_core.data.split import DEFAULT_SPLIT, make_bundle

Layout = Literal["flat", "image"]
IMAGE_SHAPE = (1, 8, 8)


@lru_cache(maxsize=1)
def _load() -> tuple[np.ndarray, np.ndarray]:
    table = _read_bundled_file()
    if table is None:
        from sklearn.datasets import load_digits

        digits = load_digits()
        pixels, labels = digits.data, digits.target
    else:
        pixels, labels = table[:, :-1], table[:, -1]
    return (pixels / 16.0).astype(np.float32), labels.astype(np.int64)


def _read_bundled_file() -> np.ndarray | None:
    """The digits straight from scikit-learn's data file, if it is where it has been.

    Importing sklearn.datasets takes about a second; reading its file takes 10 ms, which
    matters for the first preview of a project. `load_digits` remains the fallback.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():
        return None
    table = np.loadtxt(path, delimiter=",")
    return table if table.shape == (1797, 65) else None


def make_digits(*, layout: Layout = "flat", seed: int = 0, split: Sequence[float] = DEFAULT_SPLIT) -> DataBundle:
    """The digits as (N, 64) vectors (`flat`) or (N, 1, 8, 8) images (`image`)."""
    if layout not in ("flat", "image"):
        raise DataImportError(f'digits: layout must be "flat" or "image", got {layout!r}')
    pixels, labels = _load()
    x = torch.from_numpy(pixels.copy())
    if layout == "image":
        x = x.reshape(-1, *IMAGE_SHAPE)
    return make_bundle(
        "digits",
        "classification",
        "image",
        x,
        torch.from_numpy(labels.copy()),
        split=split,
        seed=seed,
        num_classes=10,
        class_names=[str(d) for d in range(10)],
        feature_names=[f"pixel {r},{c}" for r in range(8) for c in range(8)] if layout == "flat" else [],
        image_shape=IMAGE_SHAPE,
    )
