"""Graph -> readable, standalone PyTorch source: an `nn.Module` class with named layers
and a plain `forward`, each line commented with the node it came from. It is the same
forward the compiler runs, so what the user reads is what trained."""

from __future__ import annotations

import inspect

from graph_core import nn_extra
from graph_core.compiler import forward_source, plan
from graph_core.graph import ModelGraph


def generate_code(graph: ModelGraph, class_name: str = "Model", header: str = "") -> str:
    """Python source defining `class_name`. Raises CompileError on an invalid graph."""
    p = plan(graph)
    used_types = {graph.node(n).type for n in p.order}
    forward = forward_source(p, graph)
    parts = [f'"""{header or "A neural network designed in NeuroLoom."}"""', "", "import torch", "from torch import nn"]
    extras = _extra_sources(used_types, "causal_mask(" in forward)
    if extras:
        parts[2:2] = ["import math", ""]
        parts += ["", "", "\n\n\n".join(extras)]
    parts += ["", "", f"class {class_name}(nn.Module):"]
    parts.append(f'    """Inputs: {_describe(p.inputs, p, graph)}. Outputs: {_describe(p.outputs, p, graph)}."""')
    parts += ["", "    def __init__(self):", "        super().__init__()"]
    for node_id, source in p.modules.items():
        parts.append(f"        self.{p.names[node_id]} = {source}  # node {node_id}")
    if not p.modules:
        parts.append("        pass")
    parts += ["", forward.rstrip("\n"), ""]
    return "\n".join(parts)


def _describe(node_ids: list[str], p, graph: ModelGraph) -> str:
    return ", ".join(f"{p.names[n]} {p.analysis.nodes[n].shape_text}" for n in node_ids)


def _extra_sources(used_types: set[str], needs_mask: bool) -> list[str]:
    sources = []
    if "Step" in used_types:
        sources += [inspect.getsource(nn_extra.StepFunction), inspect.getsource(nn_extra.Step)]
    if "PositionalEncoding" in used_types:
        sources += [inspect.getsource(nn_extra.PositionalEncoding)]
    if needs_mask:
        sources += [inspect.getsource(nn_extra.causal_mask)]
    return [s.rstrip("\n") for s in sources if s]
