"""Graph -> `torch.nn.Module`. The forward pass is generated Python source, compiled
once, so a network runs as fast as the same network written by hand; the same source
is what `codegen` prints for the user.

Each node with weights becomes a top-level submodule named by its node id, so
parameter names (`fc1.weight`) tie weights to nodes and survive recompiles.
"""

from __future__ import annotations

import contextlib
import itertools
import keyword
import linecache
import re
import types
import zlib
from dataclasses import dataclass

import torch
from torch import nn

from graph_core.graph import ModelGraph
from graph_core.nn_extra import EXTRA_MODULES, causal_mask
from graph_core.shapes import Analysis, Diagnostic, analyze

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Names the generated forward uses; a node whose id collides gets a trailing "_".
_TAKEN = frozenset({"self", "torch", "nn", "causal_mask", "h", "_", "math"}) | frozenset(dir(nn.Module))
_counter = itertools.count()


class CompileError(ValueError):
    """The graph has errors; `diagnostics` lists them."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        lines = "\n".join(f"  {d}" for d in diagnostics[:10])
        super().__init__(f"the graph cannot be compiled:\n{lines}")


@dataclass
class Plan:
    """What the code generator and the compiler both need."""

    names: dict[str, str]  # node id -> Python name (variable and attribute)
    inputs: list[str]  # input node ids, in argument order
    outputs: list[str]  # output node ids
    order: list[str]  # nodes that are computed, in topological order
    modules: dict[str, str]  # node id -> constructor source
    forward_lines: dict[str, list[str]]  # node id -> lines of forward
    analysis: Analysis


def python_names(node_ids: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for node_id in node_ids:
        name = node_id if _ID_RE.match(node_id) else re.sub(r"\W", "_", node_id)
        while keyword.iskeyword(name) or name in _TAKEN or name in used or name[0].isdigit():
            name += "_"
        names[node_id] = name
        used.add(name)
    return names


def plan(graph: ModelGraph, outputs: list[str] | None = None) -> Plan:
    """Check the graph and work out what forward computes. Raises CompileError."""
    analysis = analyze(graph)
    if not analysis.ok:
        raise CompileError(analysis.errors)
    outputs = outputs or graph.output_nodes()
    needed = _ancestors_of(graph, outputs)
    order = [n for n in analysis.order if n in needed]
    names = python_names(graph.node_ids())
    inputs = [n for n in graph.input_nodes() if n in needed] or graph.input_nodes()[:1]
    modules: dict[str, str] = {}
    lines: dict[str, list[str]] = {}
    for node_id in order:
        node = graph.node(node_id)
        spec = node.spec
        shapes = analysis.nodes[node_id].input_shapes
        if spec.module_source is not None:
            modules[node_id] = spec.module_source(shapes, node.params)
        ins = [names[e.src] for e in graph.in_edges(node_id)]
        lines[node_id] = spec.emit(names[node_id], ins, names[node_id], node.params)
    return Plan(names, inputs, outputs, order, modules, lines, analysis)


def _ancestors_of(graph: ModelGraph, outputs: list[str]) -> set[str]:
    needed: set[str] = set()
    stack = list(outputs)
    while stack:
        node_id = stack.pop()
        if node_id in needed:
            continue
        needed.add(node_id)
        stack.extend(graph.predecessors(node_id))
    return needed


def forward_source(p: ModelGraph | Plan, graph: ModelGraph, method: str = "forward", all_nodes: bool = False) -> str:
    """The source of `forward` (or of `forward_nodes`, returning every node's output)."""
    args = ", ".join(["self", *(p.names[n] for n in p.inputs)])
    body: list[str] = []
    for node_id in p.order:
        node = graph.node(node_id)
        info = p.analysis.nodes[node_id]
        for i, line in enumerate(p.forward_lines[node_id]):
            note = f"  # {node_id} ({node.type}): {info.shape_text}" if i == 0 and "#" not in line else ""
            body.append(f"        {line}{note}")
    if all_nodes:
        pairs = ", ".join(f"{node_id!r}: {p.names[node_id]}" for node_id in p.order)
        body.append(f"        return {{{pairs}}}")
    else:
        outs = [p.names[n] for n in p.outputs]
        body.append("        return " + (outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ")"))
    return f"    def {method}({args}):\n" + "\n".join(body) + "\n"


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
