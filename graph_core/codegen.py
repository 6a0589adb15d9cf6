"""Graph -> readable, standalone PyTorch source: an `nn.Module` class with named layers
and a plain `forward`, each line commented with the node it came from. It is the same
forward the compiler runs, so what the user reads is what trained."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from graph_core.graph import ModelGraph
from graph_core.plan import forward_source, plan

_EXTRA_FILE = Path(__file__).with_name("nn_extra.py")


def generate_code(graph: ModelGraph, class_name: str = "Model", header: str = "") -> str:
    """Python source defining `class_name`. Raises CompileError on an invalid graph."""
    p = plan(graph)
    used_types = {graph.node(n).type for n in p.order}
    forward = forward_source(p, graph)
    parts = [f'"""{header or "A neural network designed in NeuroLoom."}"""', "", "import torch", "from torch import nn"]
    extras = _extra_sources(used_types, "causal_mask(" in forward)
    body = forward + "".join(p.modules.values()) + "".join(extras)
    if "torch." not in body:
        parts.remove("import torch")  # an unused import would be the first thing a linter flags
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
    names = []
    if "Step" in used_types:
        names += ["StepFunction", "Step"]
    if "PositionalEncoding" in used_types:
        names += ["PositionalEncoding"]
    if "TimeEmbedding" in used_types:
        names += ["TimeEmbedding"]
    if "FourierFeatures" in used_types:
        names += ["FourierFeatures"]
    if needs_mask:
        names += ["causal_mask"]
    sources = _nn_extra_sources()
    return [sources[name] for name in names]


@cache
def _nn_extra_sources() -> dict[str, str]:
    """Top-level definitions of nn_extra.py, read as text so that generating code never
    has to import torch."""
    text = _EXTRA_FILE.read_text("utf-8")
    tree = ast.parse(text)
    return {
        node.name: ast.get_source_segment(text, node)
        for node in tree.body
        if isinstance(node, (ast.ClassDef, ast.FunctionDef))
    }
