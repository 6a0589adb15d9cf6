"""The data a network learns from: one `DataBundle` per data set, already split.

Every loader (built-in generators, CSV, image folders) returns this, so the trainer,
the previews and the CLI never care where the data came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

Task = Literal["classification", "regression"]
Kind = Literal["points2d", "curve1d", "image", "sequence", "tabular", "text"]


class DataImportError(ValueError):
    """A data set could not be made; the message says what to fix, in the user's words."""


@dataclass
class DataBundle:
    """A data set split into train / validation / test tensors (CPU, batch first)."""

    name: str
    task: Task
    kind: Kind
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int | None = None
    class_names: list[str] | None = None
    feature_names: list[str] = field(default_factory=list)
    # For 2-D point data: the raw plane coordinates of each split (for plotting) and the
    # map from plane points (N, 2) to network inputs (N, F) (extra features such as x1^2).
    points_train: torch.Tensor | None = None
    points_val: torch.Tensor | None = None
    points_test: torch.Tensor | None = None
    featurize: Callable[[torch.Tensor], torch.Tensor] | None = None
    domain: tuple[tuple[float, float], tuple[float, float]] | None = None
    # For token inputs (int64 ids for an Embedding): ids lie in range(vocab_size).
    vocab_size: int | None = None
    # For image data, also when flattened: (channels, height, width) of one image.
    image_shape: tuple[int, int, int] | None = None
    # For text (kind "text"): the `CharTokenizer` (graph_core.data.text) whose ids the
    # inputs and targets are, so generated ids decode to the characters trained on.
    tokenizer: Any = None

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def input_dtype(self) -> str:
        return "int64" if self.x_train.dtype == torch.int64 else "float32"

    @property
    def target_shape(self) -> tuple[int, ...]:
        return tuple(self.y_train.shape[1:])
