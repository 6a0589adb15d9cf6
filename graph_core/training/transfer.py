"""Keep what a network learned across graph edits: copy weights node by node.

A compiled module's top-level children are named by node id, so a tensor's name
(`fc1.weight`) says which node owns it. A node keeps its weights when all of its
tensors still have the same names and shapes; otherwise it starts fresh.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class TransferReport:
    """Node ids whose weights were `kept`, `reset` (new or reshaped) or `removed`."""

    kept: tuple[str, ...]
    reset: tuple[str, ...]
    removed: tuple[str, ...]


def node_id_of(name: str, module: nn.Module | None = None) -> str:
    """The node id that owns a parameter or buffer name: `fc1.weight` -> `fc1`. A
    compiled graph renames ids that would clash with Python (`eval` -> `eval_`); it
    knows the way back."""
    attr = name.split(".", 1)[0]
    lookup = getattr(module, "node_of_attr", None)
    return lookup(attr) if lookup is not None else attr


def tensors_by_node(module: nn.Module) -> dict[str, dict[str, torch.Tensor]]:
    """The module's state (parameters and buffers) grouped by node id, in order."""
    groups: dict[str, dict[str, torch.Tensor]] = defaultdict(dict)
    for name, tensor in module.state_dict().items():
        groups[node_id_of(name, module)][name] = tensor
    return dict(groups)


def _same_layout(old: dict[str, torch.Tensor], new: dict[str, torch.Tensor]) -> bool:
    return old.keys() == new.keys() and all(old[k].shape == new[k].shape for k in new)


def transfer_weights(old: nn.Module, new: nn.Module) -> TransferReport:
    """Copy into `new` every node's tensors from `old` where that node kept its layout.

    Tensors are copied (never shared), across devices and dtypes when needed; nodes of
    `new` that cannot keep their weights keep their fresh initialization.
    """
    old_nodes = tensors_by_node(old)
    new_nodes = tensors_by_node(new)
    kept: list[str] = []
    reset: list[str] = []
    with torch.no_grad():
        for node, tensors in new_nodes.items():
            previous = old_nodes.get(node)
            if previous is None or not _same_layout(previous, tensors):
                reset.append(node)
                continue
            for name, tensor in tensors.items():
                tensor.copy_(previous[name])
            kept.append(node)
    removed = tuple(node for node in old_nodes if node not in new_nodes)
    return TransferReport(tuple(kept), tuple(reset), removed)
