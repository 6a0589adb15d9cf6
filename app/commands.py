"""Undo commands: one `QUndoCommand` per kind of edit, each calling `ModelGraph` methods
only (never pushing other commands). Push them with `Document.try_push`, which applies
a command once, and pushes it only if the model accepted it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtGui import QUndoCommand

from app.layout import layout_positions
from graph_core.graph import Edge, GraphError, ModelGraph, RemovedNode
from graph_core.registry import UnknownLayerError

Pos = tuple[float, float]

_SET_PARAM_ID = 4101
_MOVE_ID = 4102


class GraphCommand(QUndoCommand):
    """An edit of a `ModelGraph`. `apply` must raise GraphError before changing anything
    (or undo its partial work) so a refused edit leaves the graph as it was."""

    def __init__(self, graph: ModelGraph, text: str):
        super().__init__(text)
        self.graph = graph
        self._applied = False  # try_push applied it already: the push's redo is a no-op

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def skip_next_redo(self) -> None:
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.apply()

    def undo(self) -> None:
        self.revert()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class AddNodeCommand(GraphCommand):
    def __init__(
        self,
        graph: ModelGraph,
        type_name: str,
        pos: Pos = (0.0, 0.0),
        params: dict | None = None,
        node_id: str | None = None,
        role: str | None = None,
    ):
        super().__init__(graph, f"Add {type_name}")
        self.type_name, self.pos, self.params, self.role = type_name, pos, params, role
        self.node_id = node_id  # chosen on first apply, then kept for redo

    def apply(self) -> None:
        try:
            self.node_id = self.graph.add_node(self.type_name, self.params, self.pos, self.node_id, self.role)
        except UnknownLayerError as error:
            raise GraphError(str(error)) from None

    def revert(self) -> None:
        self.graph.remove_node(self.node_id)


class RemoveNodesCommand(GraphCommand):
    """Delete nodes and edges; undo brings them back with every edge in its old place
    in the connection order (which Concat's order depends on)."""

    def __init__(self, graph: ModelGraph, node_ids: Iterable[str], edges: Iterable[Edge] = ()):
        self.node_ids = list(dict.fromkeys(node_ids))
        self.edges = [e for e in dict.fromkeys(edges) if e.src not in self.node_ids and e.dst not in self.node_ids]
        super().__init__(graph, _removal_text(self.node_ids, self.edges))
        self._removed: list[RemovedNode] = []
        self._disconnected: list[tuple[int, Edge]] = []

    def apply(self) -> None:
        for node_id in self.node_ids:
            self.graph.node(node_id)  # raises NodeNotFound before anything changes
        for edge in self.edges:
            if not self.graph.has_edge(edge):
                raise GraphError(f"{edge.src} is not connected to {edge.dst}")
        self._disconnected = [(self.graph.disconnect(edge), edge) for edge in self.edges]
        self._removed = [self.graph.remove_node(node_id) for node_id in self.node_ids]

    def revert(self) -> None:
        for removed in reversed(self._removed):
            self.graph.restore_node(removed)
        for index, edge in reversed(self._disconnected):
            self.graph.reconnect(edge, index)


def _removal_text(node_ids: list[str], edges: list[Edge]) -> str:
    if len(node_ids) == 1 and not edges:
        return f"Delete {node_ids[0]}"
    parts = [_plural(len(node_ids), "node")] if node_ids else []
    parts += [_plural(len(edges), "connection")] if edges else []
    return "Delete " + " and ".join(parts)


class ConnectCommand(GraphCommand):
    def __init__(self, graph: ModelGraph, src: str, dst: str, src_port: str | None = None, dst_port: str | None = None):
        super().__init__(graph, f"Connect {src} → {dst}")
        self.args = (src, dst, src_port, dst_port)
        self.edge: Edge | None = None

    def apply(self) -> None:
        self.edge = self.graph.connect(*self.args)

    def revert(self) -> None:
        self.graph.disconnect(self.edge)


class DisconnectCommand(GraphCommand):
    def __init__(self, graph: ModelGraph, edges: Iterable[Edge]):
        self.edges = list(dict.fromkeys(edges))
        text = (
            f"Disconnect {self.edges[0].src} → {self.edges[0].dst}"
            if len(self.edges) == 1
            else f"Disconnect {len(self.edges)} connections"
        )
        super().__init__(graph, text)
        self._indices: list[int] = []

    def apply(self) -> None:
        for edge in self.edges:
            if not self.graph.has_edge(edge):
                raise GraphError(f"{edge.src} is not connected to {edge.dst}")
        self._indices = [self.graph.disconnect(edge) for edge in self.edges]

    def revert(self) -> None:
        for index, edge in reversed(list(zip(self._indices, self.edges))):
            self.graph.reconnect(edge, index)


class RewireCommand(GraphCommand):
    """Move one end of an edge to another port in one step; the new edge takes the old
    one's place in the connection order."""

    def __init__(self, graph: ModelGraph, old: Edge, new: Edge):
        super().__init__(graph, f"Rewire {old.src} → {new.dst}")
        self.old, self.new = old, new
        self._index = 0

    def apply(self) -> None:
        self._index = self.graph.disconnect(self.old)
        try:
            self.graph.reconnect(self.new, self._index)
        except GraphError:
            self.graph.reconnect(self.old, self._index)
            raise

    def revert(self) -> None:
        self.graph.disconnect(self.new)
        self.graph.reconnect(self.old, self._index)


class SetParamCommand(GraphCommand):
    """Set one parameter. Repeated changes of the same parameter merge into one undo
    step (spinning a spin box), and a merge back to the start value drops the step."""

    def __init__(self, graph: ModelGraph, node_id: str, name: str, value: Any):
        super().__init__(graph, f"Set {node_id}.{name}")
        self.node_id, self.name, self.value = node_id, name, value
        self.old: Any = None

    def apply(self) -> None:
        self.old = self.graph.set_param(self.node_id, self.name, self.value)

    def revert(self) -> None:
        self.graph.set_param(self.node_id, self.name, self.old, check=False)

    def id(self) -> int:
        return _SET_PARAM_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParamCommand) or (other.node_id, other.name) != (self.node_id, self.name):
            return False
        self.value = other.value
        self.setObsolete(self.graph.node(self.node_id).params.get(self.name) == self.old)
        return True


class MoveNodesCommand(GraphCommand):
    """Move several nodes in one step (one per mouse drag). Key presses pass a
    `merge_key` so holding an arrow key makes one step too."""

    def __init__(self, graph: ModelGraph, moves: dict[str, tuple[Pos, Pos]], merge_key: str | None = None):
        super().__init__(graph, f"Move {next(iter(moves))}" if len(moves) == 1 else f"Move {len(moves)} nodes")
        self.moves = {node_id: (tuple(old), tuple(new)) for node_id, (old, new) in moves.items()}
        self.merge_key = merge_key

    def apply(self) -> None:
        for node_id in self.moves:
            self.graph.node(node_id)
        for node_id, (_, new) in self.moves.items():
            self.graph.move(node_id, new)

    def revert(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.graph.move(node_id, old)

    def id(self) -> int:
        return _MOVE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, MoveNodesCommand)
            or other.merge_key != self.merge_key
            or other.moves.keys() != self.moves.keys()
        ):
            return False
        self.moves = {node_id: (old, other.moves[node_id][1]) for node_id, (old, _) in self.moves.items()}
        return True


class PasteCommand(GraphCommand):
    """Add copies of nodes (with fresh ids) and the edges among them, shifted by
    `offset`. `payload` is what `app.clipboard` reads: {"nodes": [...], "edges": [...]}."""

    def __init__(self, graph: ModelGraph, payload: dict, offset: Pos = (0.0, 0.0), text: str = "Paste"):
        count = len(payload["nodes"])
        super().__init__(graph, f"{text} {_plural(count, 'node')}")
        self.payload, self.offset = payload, offset
        self.new_ids: list[str] = []  # chosen on first apply, then kept for redo

    def apply(self) -> None:
        added: list[str] = []
        try:
            ids = self._add_nodes(added)
            for entry in self.payload["edges"]:
                self.graph.connect(ids[entry["src"]], ids[entry["dst"]], entry.get("src_port"), entry.get("dst_port"))
        except (GraphError, UnknownLayerError) as error:
            for node_id in reversed(added):
                self.graph.remove_node(node_id)
            raise GraphError(f"cannot paste: {error}") from None
        self.new_ids = added

    def _add_nodes(self, added: list[str]) -> dict[str, str]:
        ids: dict[str, str] = {}
        dx, dy = self.offset
        for index, entry in enumerate(self.payload["nodes"]):
            x, y = entry.get("pos", (0.0, 0.0))
            wanted = self.new_ids[index] if self.new_ids else None
            node_id = self.graph.add_node(
                entry["type"], entry.get("params"), (x + dx, y + dy), wanted, entry.get("role")
            )
            ids[entry["id"]] = node_id
            added.append(node_id)
        return ids

    def revert(self) -> None:
        for node_id in reversed(self.new_ids):
            self.graph.remove_node(node_id)


class AutoLayoutCommand(GraphCommand):
    """Move every node to its place in the automatic layered layout, in one step."""

    def __init__(self, graph: ModelGraph, positions: dict[str, Pos] | None = None):
        super().__init__(graph, "Auto layout")
        if positions is None:
            positions = layout_positions(graph)
        self.moves = {
            node_id: (graph.node(node_id).pos, tuple(pos))
            for node_id, pos in positions.items()
            if tuple(pos) != graph.node(node_id).pos
        }

    def apply(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.graph.move(node_id, new)

    def revert(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.graph.move(node_id, old)


class SetOutputsCommand(GraphCommand):
    def __init__(self, graph: ModelGraph, outputs: list[str]):
        super().__init__(graph, "Set outputs")
        self.outputs = list(outputs)
        self.old: list[str] = []

    def apply(self) -> None:
        self.old = self.graph.set_outputs(self.outputs)

    def revert(self) -> None:
        self.graph.set_outputs(self.old)
