"""What a graph's forward pass computes, as Python source: names for nodes, the
constructor call of each submodule and the lines of `forward`. Torch-free, so the code
view and the CLI can show code without loading torch; the compiler runs this source.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from graph_core.graph import ModelGraph
from graph_core.shapes import Analysis, Diagnostic, analyze

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Names the generated forward uses; a node whose id collides gets a trailing "_".
# Names the generated forward uses, and nn.Module's own attributes (a node id like
# "train" or "parameters" must not shadow them): such ids get a trailing "_".
_TAKEN = frozenset({"self", "torch", "nn", "causal_mask", "h", "_", "math"}) | frozenset(
    """T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double
    dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half
    ipu load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters
    register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
    register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
    register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook
    register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory state_dict to
    to_empty train training type xpu zero_grad forward_nodes input_ids output_ids source""".split()
)


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
        if not name or name[0].isdigit():
            name = "n_" + name
        while keyword.iskeyword(name) or name in _TAKEN or name in used:
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
