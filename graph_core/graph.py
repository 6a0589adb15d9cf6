"""`ModelGraph`: a network as a networkx multigraph of layer nodes, with edit operations
that check what they are asked and events that views subscribe to.

Edits a user could get wrong (connecting into a taken port, making a cycle, a bad
parameter value) raise a typed `GraphError` with a message meant for that user; the
graph is unchanged after a refused edit.
"""

from __future__ import annotations

import copy
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_core.registry import get_spec
from graph_core.specs import LayerSpec

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class GraphError(ValueError):
    """An edit that cannot be made; the message is for the user."""


class NodeNotFound(GraphError):
    pass


class PortError(GraphError):
    pass


class DuplicateEdgeError(GraphError):
    pass


class PortTakenError(GraphError):
    pass


class CycleError(GraphError):
    pass


class ParamError(GraphError):
    pass


class IdError(GraphError):
    pass


@dataclass(frozen=True)
class Edge:
    """A connection from one node's output port to another node's input port."""

    src: str
    dst: str
    src_port: str = "out"
    dst_port: str = "in"

    @property
    def id(self) -> str:
        return f"{self.src}.{self.src_port}->{self.dst}.{self.dst_port}"


@dataclass
class Node:
    id: str
    type: str
    params: dict[str, Any]
    pos: tuple[float, float] = (0.0, 0.0)
    role: str | None = None  # the sub-graph it belongs to (e.g. "generator"); None: main

    @property
    def spec(self) -> LayerSpec:
        return get_spec(self.type)


@dataclass(frozen=True)
class GraphEvent:
    """What changed. `kind` is one of: node_added, node_removed, edge_added,
    edge_removed, param_changed, node_moved, outputs_changed, role_changed, reset."""

    kind: str
    node: str | None = None
    edge: Edge | None = None
    name: str | None = None
    value: Any = None


@dataclass
class RemovedNode:
    """Everything needed to put a removed node back exactly as it was."""

    node: Node
    edges: list[tuple[int, Edge]]  # (position in the edge order, edge)
    was_output: int | None = None
    index: int = 0  # position in the node order


@dataclass
class _Subscribers:
    callbacks: list[Callable[[GraphEvent], None]] = field(default_factory=list)

    def emit(self, event: GraphEvent) -> None:
        for callback in list(self.callbacks):
            callback(event)


class ModelGraph:
    """A network of layer nodes. Node ids are Python identifiers and key everything:
    weights, shapes, diagnostics and generated code."""

    def __init__(self) -> None:
        self._g = nx.MultiDiGraph()
        self._node_order: list[str] = []  # creation order: stable files and tie-breaks
        self._edge_order: list[Edge] = []  # connection order: Concat joins in this order
        self._positions: dict[Edge, int] | None = None  # cache of edge -> order index
        self.outputs: list[str] = []
        self._subscribers = _Subscribers()
        self.revision = 0  # bumps on every change; caches key on it

    # ----- events -------------------------------------------------------------------
    def subscribe(self, callback: Callable[[GraphEvent], None]) -> None:
        self._subscribers.callbacks.append(callback)

    def unsubscribe(self, callback: Callable[[GraphEvent], None]) -> None:
        if callback in self._subscribers.callbacks:
            self._subscribers.callbacks.remove(callback)

    def _emit(self, event: GraphEvent) -> None:
        self.revision += 1
        self._subscribers.emit(event)

    # ----- queries ------------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self._g

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._node_order))

    def node(self, node_id: str) -> Node:
        try:
            return self._g.nodes[node_id]["node"]
        except KeyError:
            raise NodeNotFound(f"there is no node {node_id!r}") from None

    def nodes(self) -> list[Node]:
        return [self._g.nodes[n]["node"] for n in self._node_order]

    def node_ids(self) -> list[str]:
        return list(self._node_order)

    def edges(self) -> list[Edge]:
        return list(self._edge_order)

    def in_edges(self, node_id: str) -> list[Edge]:
        """Edges into a node, in connection order."""
        return self._ordered([key for keys in self._g.pred[node_id].values() for key in keys])

    def out_edges(self, node_id: str) -> list[Edge]:
        return self._ordered([key for keys in self._g.succ[node_id].values() for key in keys])

    def _ordered(self, edges: list[Edge]) -> list[Edge]:
        if len(edges) < 2:
            return edges
        if self._positions is None:
            self._positions = {edge: i for i, edge in enumerate(self._edge_order)}
        return sorted(edges, key=self._positions.__getitem__)

    def predecessors(self, node_id: str) -> list[str]:
        return [e.src for e in self.in_edges(node_id)]

    def has_edge(self, edge: Edge) -> bool:
        return edge in self._g.get_edge_data(edge.src, edge.dst, default={})

    def topological_order(self) -> list[str]:
        """Nodes in dependency order (ties broken by creation order); raises CycleError."""
        rank = {n: i for i, n in enumerate(self._node_order)}
        waiting = {n: len(self._g.pred[n]) for n in self._node_order}
        ready = [rank[n] for n, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            node_id = self._node_order[heapq.heappop(ready)]
            order.append(node_id)
            for successor in self._g.succ[node_id]:
                waiting[successor] -= 1
                if waiting[successor] == 0:
                    heapq.heappush(ready, rank[successor])
        if len(order) != len(self._node_order):
            raise CycleError("the graph has a cycle")
        return order

    def find_cycle(self) -> list[str] | None:
        try:
            return [u for u, _v, *_ in nx.find_cycle(self._g)]
        except nx.NetworkXNoCycle:
            return None

    def output_nodes(self) -> list[str]:
        """The declared outputs, or else every node nothing reads from (the sinks)."""
        if self.outputs:
            return [n for n in self.outputs if n in self._g]
        return [n for n in self._node_order if self._g.out_degree(n) == 0 and self.node(n).type != "Input"]

    def input_nodes(self) -> list[str]:
        return [n for n in self._node_order if self.node(n).type == "Input"]

    def roles(self) -> list[str | None]:
        seen: list[str | None] = []
        for node in self.nodes():
            if node.role not in seen:
                seen.append(node.role)
        return seen

    def networkx(self) -> nx.MultiDiGraph:
        """The underlying graph (read only: edit through ModelGraph's methods)."""
        return self._g

    # ----- ids ----------------------------------------------------------------------
    def new_id(self, type_name: str) -> str:
        base = re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", type_name).lower()
        base = re.sub(r"[^0-9a-z_]", "", base) or "node"
        index = 1
        while f"{base}{index}" in self._g:
            index += 1
        return f"{base}{index}"

    def check_id(self, node_id: str) -> None:
        if not isinstance(node_id, str) or not _ID_RE.match(node_id) or len(node_id) > 64:
            raise IdError(
                f"node id {node_id!r} must be a name of letters, digits and _ (not starting with a digit, at most 64)"
            )
        if node_id.startswith("__"):
            raise IdError(f"node id {node_id!r} may not start with '__'")
        if node_id in self._g:
            raise IdError(f"there is already a node {node_id!r}")

    # ----- edits --------------------------------------------------------------------
    def add_node(
        self,
        type_name: str,
        params: dict | None = None,
        pos: Iterable[float] = (0.0, 0.0),
        node_id: str | None = None,
        role: str | None = None,
        check: bool = True,
    ) -> str:
        """Add a node of `type_name` with defaults overridden by `params`; returns its id."""
        spec = get_spec(type_name)
        node_id = node_id or self.new_id(spec.type)
        self.check_id(node_id)
        values = spec.defaults()
        for name, value in (params or {}).items():
            values[name] = self._checked_param(spec, name, value, check)
        x, y = pos
        node = Node(node_id, spec.type, values, (float(x), float(y)), role)
        self._g.add_node(node_id, node=node)
        self._node_order.append(node_id)
        self._emit(GraphEvent("node_added", node=node_id))
        return node_id

    def _checked_param(self, spec: LayerSpec, name: str, value: Any, check: bool) -> Any:
        try:
            param = spec.param(name)
        except KeyError:
            known = ", ".join(p.name for p in spec.params) or "none"
            raise ParamError(f"{spec.type} has no parameter {name!r} (parameters: {known})") from None
        if check:
            problem = param.check(value)
            if problem:
                raise ParamError(f"{spec.type}.{name}: {problem}")
        return param.normalize(copy.deepcopy(value))

    def remove_node(self, node_id: str) -> RemovedNode:
        node = self.node(node_id)
        touching = [(i, e) for i, e in enumerate(self._edge_order) if node_id in (e.src, e.dst)]
        for _, edge in reversed(touching):
            self.disconnect(edge)
        was_output = self.outputs.index(node_id) if node_id in self.outputs else None
        if was_output is not None:
            self.outputs.remove(node_id)
        index = self._node_order.index(node_id)
        self._node_order.pop(index)
        self._g.remove_node(node_id)
        self._emit(GraphEvent("node_removed", node=node_id))
        return RemovedNode(copy.deepcopy(node), touching, was_output, index)

    def restore_node(self, removed: RemovedNode) -> None:
        """Undo a `remove_node`: the node, its edges in their old order, its output slot."""
        node = copy.deepcopy(removed.node)
        self.check_id(node.id)
        self._g.add_node(node.id, node=node)
        self._node_order.insert(min(removed.index, len(self._node_order)), node.id)
        self._emit(GraphEvent("node_added", node=node.id))
        for index, edge in removed.edges:
            self._insert_edge(edge, index)
        if removed.was_output is not None:
            self.outputs.insert(removed.was_output, node.id)
            self._emit(GraphEvent("outputs_changed"))

    def connect(self, src: str, dst: str, src_port: str | None = None, dst_port: str | None = None) -> Edge:
        """Connect `src`'s output to `dst`'s input; returns the new edge."""
        edge = self.make_edge(src, dst, src_port, dst_port)
        self.check_connect(edge)
        self._insert_edge(edge, len(self._edge_order))
        return edge

    def make_edge(self, src: str, dst: str, src_port: str | None = None, dst_port: str | None = None) -> Edge:
        src_spec, dst_spec = self.node(src).spec, self.node(dst).spec
        try:
            out_port = src_spec.output_port(src_port).name
        except KeyError:
            raise PortError(f"{src} ({src_spec.type}) has no output port {src_port!r}") from None
        if not dst_spec.inputs:
            raise PortError(f"{dst} ({dst_spec.type}) takes no inputs")
        try:
            in_port = dst_spec.input_port(dst_port).name
        except KeyError:
            raise PortError(f"{dst} ({dst_spec.type}) has no input port {dst_port!r}") from None
        return Edge(src, dst, out_port, in_port)

    def check_connect(self, edge: Edge) -> None:
        """Raise the GraphError that connecting `edge` would meet, if any."""
        if edge.src == edge.dst:
            raise CycleError(f"{edge.src} cannot feed itself")
        if self.has_edge(edge):
            raise DuplicateEdgeError(f"{edge.src} is already connected to {edge.dst}")
        if nx.has_path(self._g, edge.dst, edge.src):
            raise CycleError(f"connecting {edge.src} to {edge.dst} would make a cycle")
        port = self.node(edge.dst).spec.input_port(edge.dst_port)
        if not port.many and any(e.dst_port == edge.dst_port for e in self.in_edges(edge.dst)):
            raise PortTakenError(f"input {edge.dst_port!r} of {edge.dst} is already connected; disconnect it first")

    def can_connect(self, edge: Edge) -> bool:
        try:
            self.check_connect(edge)
        except GraphError:
            return False
        return True

    def _insert_edge(self, edge: Edge, index: int) -> None:
        self._g.add_edge(edge.src, edge.dst, key=edge)
        self._edge_order.insert(index, edge)
        self._positions = None
        self._emit(GraphEvent("edge_added", edge=edge))

    def disconnect(self, edge: Edge) -> int:
        """Remove an edge; returns its position in the connection order (for undo)."""
        if not self.has_edge(edge):
            raise GraphError(f"{edge.src} is not connected to {edge.dst}")
        index = self._edge_order.index(edge)
        self._edge_order.pop(index)
        self._positions = None
        self._g.remove_edge(edge.src, edge.dst, key=edge)
        self._emit(GraphEvent("edge_removed", edge=edge))
        return index

    def reconnect(self, edge: Edge, index: int) -> None:
        """Put back an edge at its old position in the connection order (undo)."""
        self.check_connect(edge)
        self._insert_edge(edge, index)

    def set_param(self, node_id: str, name: str, value: Any, check: bool = True) -> Any:
        """Set one parameter; returns the old value."""
        node = self.node(node_id)
        new = self._checked_param(node.spec, name, value, check)
        old = node.params.get(name)
        node.params[name] = new
        self._emit(GraphEvent("param_changed", node=node_id, name=name, value=new))
        return old

    def move(self, node_id: str, pos: Iterable[float]) -> tuple[float, float]:
        node = self.node(node_id)
        old = node.pos
        x, y = pos
        node.pos = (float(x), float(y))
        self._emit(GraphEvent("node_moved", node=node_id, value=node.pos))
        return old

    def set_role(self, node_id: str, role: str | None) -> str | None:
        node = self.node(node_id)
        old, node.role = node.role, role
        self._emit(GraphEvent("role_changed", node=node_id, value=role))
        return old

    def set_outputs(self, outputs: list[str]) -> list[str]:
        for node_id in outputs:
            self.node(node_id)
        old, self.outputs = self.outputs, list(outputs)
        self._emit(GraphEvent("outputs_changed"))
        return old

    def clear(self) -> None:
        self._g.clear()
        self._node_order.clear()
        self._edge_order.clear()
        self._positions = None
        self.outputs = []
        self._emit(GraphEvent("reset"))

    # ----- whole-graph conversions ----------------------------------------------------
    def to_dict(self) -> dict:
        nodes = []
        for node in self.nodes():
            entry = {"id": node.id, "type": node.type, "params": copy.deepcopy(node.params), "pos": list(node.pos)}
            if node.role is not None:
                entry["role"] = node.role
            nodes.append(entry)
        edges = []
        for edge in self._edge_order:
            entry = {"src": edge.src, "dst": edge.dst}
            if edge.src_port != "out":
                entry["src_port"] = edge.src_port
            if edge.dst_port != "in":
                entry["dst_port"] = edge.dst_port
            edges.append(entry)
        return {"nodes": nodes, "edges": edges, "outputs": list(self.outputs)}

    @classmethod
    def from_dict(cls, data: dict, check: bool = True) -> ModelGraph:
        """Build a graph from `to_dict` output. Raises GraphError on bad content; the
        project loader validates first and reports places, so this is the fast path."""
        graph = cls()
        for entry in data.get("nodes", []):
            graph.add_node(
                entry["type"], entry.get("params", {}), entry.get("pos", (0, 0)), entry["id"], entry.get("role"), check
            )
        for entry in data.get("edges", []):
            graph.connect(entry["src"], entry["dst"], entry.get("src_port"), entry.get("dst_port"))
        graph.outputs = list(data.get("outputs", []))
        return graph

    def copy(self) -> ModelGraph:
        return ModelGraph.from_dict(self.to_dict(), check=False)

    def signature(self, node_id: str) -> tuple:
        """What determines a node's module: type and parameters (for weight reuse)."""
        node = self.node(node_id)
        return (node.type, repr(sorted(node.params.items())))
