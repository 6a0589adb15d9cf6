"""Graph -> `torch.nn.Module`. The forward pass is generated Python source, compiled
once, so a network runs as fast as the same network written by hand; the same source
is what `codegen` prints for the user.

Each node with weights becomes a top-level submodule named by its node id, so
parameter names (`fc1.weight`) tie weights to nodes and survive recompiles.
"""

from __future__ import annotations

import contextlib
import itertools
import linecache
import re
import types
import weakref
import zlib

import torch
from torch import nn

from graph_core.graph import ModelGraph
from graph_core.nn_extra import EXTRA_MODULES, causal_mask
from graph_core.plan import CompileError, Plan, forward_source, plan, python_names

__all__ = [
    "CompileError",
    "CompiledModel",
    "Plan",
    "compile_graph",
    "forward_source",
    "node_parameters",
    "plan",
    "python_names",
]
_counter = itertools.count()


class CompiledModel(nn.Module):
    """A compiled graph. Submodules are named by node id; `forward` is generated source
    (see `.source`); `forward_nodes` returns every node's output for live views."""

    input_ids: list[str]
    output_ids: list[str]
    source: str

    def node_of_line(self, filename: str, lineno: int) -> str | None:
        return self._line_nodes.get((filename, lineno))

    def failing_node(self, error: BaseException) -> str | None:
        """The node whose line of the generated forward raised `error`, if any."""
        tb = error.__traceback__
        found = None
        while tb is not None:
            node = self.node_of_line(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
            found = node or found
            tb = tb.tb_next
        return found

    def attr_of(self, node_id: str) -> str:
        return self._names[node_id]

    def node_of_attr(self, attr: str) -> str:
        """The node id behind a submodule name (they differ only for ids like `eval`)."""
        for node_id, name in self._names.items():
            if name == attr:
                return node_id
        return attr


def _instantiate(source: str, node_id: str, seed: int | None) -> nn.Module:
    namespace = {"nn": nn, "torch": torch, **EXTRA_MODULES}
    rng = torch.random.fork_rng(devices=[]) if seed is not None else contextlib.nullcontext()
    with rng:
        if seed is not None:
            # Seeded per node, so adding a node elsewhere leaves this one's weights alone.
            torch.manual_seed((seed * 1_000_003 + zlib.crc32(node_id.encode())) % (2**63))
        return eval(source, namespace)  # source comes from the layer specs, never the user


def compile_graph(graph: ModelGraph, seed: int | None = None, outputs: list[str] | None = None) -> CompiledModel:
    """Compile a valid graph to a module. Raises CompileError listing the problems."""
    p = plan(graph, outputs)
    filename = f"<neuroloom-forward-{next(_counter)}>"
    source = forward_source(p, graph) + "\n" + forward_source(p, graph, "forward_nodes", all_nodes=True)
    code = compile("class _Generated:\n" + source, filename, "exec")
    namespace: dict = {"torch": torch, "nn": nn, "causal_mask": causal_mask}
    exec(code, namespace)
    linecache.cache[filename] = (len(source), None, ("class _Generated:\n" + source).splitlines(True), filename)
    generated = namespace["_Generated"]
    cls = types.new_class(
        "NeuroLoomModel",
        (CompiledModel,),
        {},
        lambda ns: ns.update(forward=generated.forward, forward_nodes=generated.forward_nodes, __module__=__name__),
    )
    model = cls()
    # The source stays readable in tracebacks while the model lives, and no longer: an
    # entry per compile would pile up over a session's runs.
    weakref.finalize(model, linecache.cache.pop, filename, None)
    for node_id, module_source in p.modules.items():
        model.add_module(p.names[node_id], _instantiate(module_source, node_id, seed))
    model.input_ids = list(p.inputs)
    model.output_ids = list(p.outputs)
    model.source = source
    model._names = dict(p.names)
    model._line_nodes = _line_map(filename, source, p)
    return model


def _line_map(filename: str, source: str, p: Plan) -> dict[tuple[str, int], str]:
    by_name = {name: node_id for node_id, name in p.names.items()}
    mapping = {}
    for lineno, line in enumerate(("class _Generated:\n" + source).splitlines(), start=1):
        match = re.match(r"\s+(\w+)(?:, \w+)? = ", line) or re.match(r"\s+_, \S+ = self\.(\w+)\(", line)
        if match and match.group(1) in by_name:
            mapping[(filename, lineno)] = by_name[match.group(1)]
    return mapping


def node_parameters(model: nn.Module) -> dict[str, list[tuple[str, nn.Parameter]]]:
    """Parameters grouped by the node (first name component) they belong to."""
    names = getattr(model, "_names", {})
    node_by_attr = {attr: node_id for node_id, attr in names.items()}
    grouped: dict[str, list[tuple[str, nn.Parameter]]] = {}
    for name, param in model.named_parameters():
        attr = name.split(".", 1)[0]
        grouped.setdefault(node_by_attr.get(attr, attr), []).append((name, param))
    return grouped
