"""Mini-batches from tensors kept on the training device, by slicing: no DataLoader.

For the small data sets this app trains on, a DataLoader's per-sample collation costs
more than the model's step; one gather per epoch and views per batch cost almost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch


class TensorBatcher:
    """Iterates (xb, yb) batches over x and y, reshuffled each pass when `shuffle`.

    The order depends only on `generator` (a CPU `torch.Generator`), so a seeded
    generator gives the same batches on every device. The last batch may be smaller
    unless `drop_last`.
    """

    def __init__(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
        shuffle: bool = True,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
        drop_last: bool = False,
    ) -> None:
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.x = x.to(device) if device is not None else x
        self.y = y.to(device) if device is not None else y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last

    def __len__(self) -> int:
        n = len(self.x)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        x, y = self.x, self.y
        if self.shuffle:
            # Drawn on the CPU so the order is the same whichever device holds the data.
            order = torch.randperm(len(x), generator=self.generator).to(x.device)
            x, y = x[order], y[order]
        for i in range(len(self)):
            start = i * self.batch_size
            yield x[start : start + self.batch_size], y[start : start + self.batch_size]
