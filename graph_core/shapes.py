"""Validation and shape inference: every node's output shape and parameter count, and
every problem a user can fix, as diagnostics tied to a node or edge id.

Pure Python rules from the layer specs (no torch), so it runs on every edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph_core.graph import CycleError, Edge, ModelGraph
from graph_core.layers._helpers import fmt_shape
from graph_core.specs import Shape, ShapeError


@dataclass(frozen=True)
class Diagnostic:
    message: str
    node: str | None = None
    edge: Edge | None = None
    severity: str = "error"  # "error" | "warning"
    code: str = "invalid"

    def __str__(self) -> str:
        where = self.node or (self.edge.id if self.edge else "graph")
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class NodeInfo:
    shape: Shape | None = None
    dtype: str | None = None
    params: int = 0
    input_shapes: list[Shape] = field(default_factory=list)

    @property
    def shape_text(self) -> str:
        """The output shape with the batch shown as N, e.g. [N, 8]."""
        if self.shape is None:
            return "?"
        return "[" + ", ".join(["N", *map(str, self.shape)]) + "]"


@dataclass
class Analysis:
    nodes: dict[str, NodeInfo]
    diagnostics: list[Diagnostic]
    order: list[str]

    @property
    def total_params(self) -> int:
        return sum(info.params for info in self.nodes.values())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def for_node(self, node_id: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.node == node_id]


def analyze(graph: ModelGraph) -> Analysis:
    """Validate `graph` and infer every shape it can. Never raises for user mistakes."""
    diagnostics: list[Diagnostic] = []
    infos = {node_id: NodeInfo() for node_id in graph.node_ids()}
    _check_params(graph, diagnostics)
    try:
        order = graph.topological_order()
    except CycleError:
        cycle = graph.find_cycle() or []
        for node_id in cycle:
            diagnostics.append(
                Diagnostic(f"is part of a cycle ({' -> '.join(cycle + cycle[:1])})", node_id, code="cycle")
            )
        return Analysis(infos, diagnostics, graph.node_ids())
    if not graph.input_nodes() and len(graph):
        diagnostics.append(Diagnostic("the network has no Input node", code="no_input"))
    bad_params = {d.node for d in diagnostics if d.code == "param"}
    for node_id in order:
        _infer_node(graph, node_id, infos, diagnostics, node_id in bad_params)
    _check_reachability(graph, order, diagnostics)
    return Analysis(infos, diagnostics, order)


def validate(graph: ModelGraph) -> list[Diagnostic]:
    return analyze(graph).diagnostics


def infer_shapes(graph: ModelGraph) -> dict[str, Shape | None]:
    return {node_id: info.shape for node_id, info in analyze(graph).nodes.items()}


def _check_params(graph: ModelGraph, out: list[Diagnostic]) -> None:
    for node in graph.nodes():
        spec = node.spec
        for param in spec.params:
            problem = param.check(node.params.get(param.name))
            if problem:
                out.append(Diagnostic(f"{param.name}: {problem}", node.id, code="param"))
        for name in node.params:
            if not any(p.name == name for p in spec.params):
                out.append(Diagnostic(f"{spec.type} has no parameter {name!r}", node.id, code="param"))


def _infer_node(
    graph: ModelGraph, node_id: str, infos: dict[str, NodeInfo], out: list[Diagnostic], bad_params: bool
) -> None:
    node = graph.node(node_id)
    spec = node.spec
    info = infos[node_id]
    edges = graph.in_edges(node_id)
    if not _inputs_connected(node_id, spec, edges, out):
        return
    sources = [infos[e.src] for e in edges]
    if any(s.shape is None for s in sources) or bad_params:
        return
    shapes = [s.shape for s in sources]
    info.input_shapes = shapes
    dtype_problem = _dtype_problem(spec, [s.dtype for s in sources])
    if dtype_problem:
        out.append(Diagnostic(dtype_problem, node_id, code="dtype"))
        return
    try:
        info.shape = tuple(spec.infer(shapes, node.params))
    except ShapeError as error:
        message = str(error)
        prefix = f"{spec.type}: "
        out.append(Diagnostic(message[len(prefix) :] if message.startswith(prefix) else message, node_id, code="shape"))
        return
    info.dtype = _out_dtype(spec, node.params, [s.dtype for s in sources])
    info.params = spec.count_params(shapes, node.params)
    if spec.check:
        warning = spec.check(shapes, node.params)
        if warning:
            out.append(Diagnostic(warning, node_id, severity="warning", code="check"))


def _inputs_connected(node_id: str, spec, edges: list[Edge], out: list[Diagnostic]) -> bool:
    ok = True
    for port in spec.inputs:
        count = sum(1 for e in edges if e.dst_port == port.name)
        if count == 0:
            out.append(Diagnostic(_missing_input_text(spec, port.name), node_id, code="unconnected"))
            ok = False
        elif port.many and count < spec.min_inputs:
            out.append(
                Diagnostic(
                    f"{spec.type} needs at least {spec.min_inputs} inputs, has {count}", node_id, code="unconnected"
                )
            )
            ok = False
    return ok


def _missing_input_text(spec, port: str) -> str:
    if len(spec.inputs) == 1:
        return "has no input connected"
    return f"input {port!r} is not connected"


def _dtype_problem(spec, dtypes: list[str | None]) -> str | None:
    if spec.in_dtype == "float" and "int64" in dtypes:
        return f"{spec.type} needs float features but gets integer token ids; put an Embedding before it"
    if spec.in_dtype == "int" and any(d != "int64" for d in dtypes):
        return f"{spec.type} needs integer token ids (an Input with dtype int64), but gets float values"
    return None


def _out_dtype(spec, params: dict, dtypes: list[str | None]) -> str:
    if spec.out_dtype == "input":
        return params["dtype"]
    if spec.out_dtype == "float":
        return "float32"
    return dtypes[0] or "float32"


def _check_reachability(graph: ModelGraph, order: list[str], out: list[Diagnostic]) -> None:
    outputs = graph.output_nodes()
    for node_id in graph.outputs:
        if node_id not in graph:
            out.append(Diagnostic(f"output {node_id!r} is not a node of the graph", code="output"))
    if not outputs and len(graph):
        out.append(Diagnostic("the network has no output", code="no_output"))
        return
    reaches_output: set[str] = set(outputs)
    for node_id in reversed(order):
        if any(e.dst in reaches_output for e in graph.out_edges(node_id)):
            reaches_output.add(node_id)
    for node_id in order:
        if node_id not in reaches_output:
            out.append(
                Diagnostic(
                    "does not lead to any output; it will be ignored", node_id, severity="warning", code="unused"
                )
            )


def describe_shape(shape: Shape | None) -> str:
    return fmt_shape(shape)
