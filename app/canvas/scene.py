"""`CanvasScene`: the graphics scene that mirrors a document's graph. It builds and
updates items from graph events and analysis results only; user gestures become
interactions that push commands, never direct model edits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from math import hypot

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTransform, QUndoCommand
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from app.canvas.interactions import Interaction, MoveNodesInteraction, NewLinkInteraction, RewireInteraction
from app.canvas.items import BadgeItem, EdgeItem, NodeItem, PortItem, PreviewItem
from app.canvas.style import CanvasStyle
from app.document import Document, subscribe_weakly
from app.layout import on_grid
from graph_core.graph import Edge, GraphEvent, ModelGraph
from graph_core.shapes import Analysis, Diagnostic

SCENE_EXTENT = 20_000.0  # room to pan beyond the nodes (the scene grows with them)
REWIRE_GRAB = 36.0  # how close to its input end a press on an edge grabs that end
SNAP_RADIUS = 22.0  # view pixels within which a dragged link snaps to a port
_STRUCTURAL = frozenset({"node_added", "node_removed", "edge_added", "edge_removed", "reset"})


class CanvasScene(QGraphicsScene):
    statusMessage = Signal(str)
    # scene position, and the port to connect the new node to: (node id, port, is output)
    quickAddRequested = Signal(QPointF, object)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.style = CanvasStyle.from_theme()
        self.snapping = True
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[Edge, EdgeItem] = {}
        self._interaction: Interaction | None = None
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self._build()
        subscribe_weakly(document.graph, self._on_graph_event)
        document.analysisChanged.connect(self._apply_analysis)

    @property
    def graph(self) -> ModelGraph:
        return self.document.graph

    # ----- lookups -----------------------------------------------------------------------
    def node_item(self, node_id: str) -> NodeItem:
        return self._nodes[node_id]

    def node_items(self) -> list[NodeItem]:
        return list(self._nodes.values())

    def edge_item(self, edge: Edge) -> EdgeItem:
        return self._edges[edge]

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges.values())

    def all_ports(self) -> Iterable[PortItem]:
        for item in self._nodes.values():
            yield from item.ports()

    def selected_node_ids(self) -> list[str]:
        """Selected nodes in the graph's order (stable, unlike Qt's selection order)."""
        return [node_id for node_id, item in self._nodes.items() if item.isSelected()]

    def selected_edges(self) -> list[Edge]:
        return [item.edge for item in self.selectedItems() if isinstance(item, EdgeItem)]

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if item is not None:
                return item
        return None

    def port_near(self, pos: QPointF, want_output: bool | None, allowed: set[PortItem] | None) -> PortItem | None:
        """The nearest port within snapping distance of `pos`, else the first fitting
        port of the node under `pos` (dropping a link on a node's body works too)."""

        def fits(port: PortItem) -> bool:
            return (want_output is None or port.is_output == want_output) and (allowed is None or port in allowed)

        radius = SNAP_RADIUS / self._view_scale()
        area = QRectF(pos.x() - radius, pos.y() - radius, 2 * radius, 2 * radius)
        ports = [item for item in self.items(area) if isinstance(item, PortItem) and fits(item)]
        if ports:
            return min(ports, key=lambda p: hypot(p.scenePos().x() - pos.x(), p.scenePos().y() - pos.y()))
        node = self.node_at(pos)
        if node is None:
            return None
        return next((port for port in node.ports() if fits(port)), None)

    def _view_scale(self) -> float:
        views = self.views()
        return views[0].transform().m11() if views else 1.0

    # ----- building from the model ---------------------------------------------------------
    def _build(self) -> None:
        for node in self.graph.nodes():
            self._add_node(node.id)
        for edge in self.graph.edges():
            self._add_edge(edge)
        self._apply_analysis(self.document.analysis)

    def _add_node(self, node_id: str) -> None:
        item = NodeItem(self.graph.node(node_id))
        self.addItem(item)
        self._nodes[node_id] = item
        self._make_room(item)

    def _make_room(self, item: NodeItem) -> None:
        """Grow the scene so there is always room to pan past any node."""
        rect = item.sceneBoundingRect()
        if not self.sceneRect().contains(
            rect.adjusted(-SCENE_EXTENT / 2, -SCENE_EXTENT / 2, SCENE_EXTENT / 2, SCENE_EXTENT / 2)
        ):
            self.setSceneRect(
                self.sceneRect().united(rect.adjusted(-SCENE_EXTENT, -SCENE_EXTENT, SCENE_EXTENT, SCENE_EXTENT))
            )

    def _add_edge(self, edge: Edge) -> None:
        source = self._nodes[edge.src].port(edge.src_port, True)
        target = self._nodes[edge.dst].port(edge.dst_port, False)
        item = EdgeItem(edge, source, target)
        self.addItem(item)
        self._edges[edge] = item
        source.update()
        target.update()

    def _remove_node(self, node_id: str) -> None:
        item = self._nodes.pop(node_id)
        self.removeItem(item)

    def _remove_edge(self, edge: Edge) -> None:
        item = self._edges.pop(edge)
        item.detach()
        self.removeItem(item)

    def _clear_items(self) -> None:
        self.cancel_interaction()
        for edge in list(self._edges):
            self._remove_edge(edge)
        for node_id in list(self._nodes):
            self._remove_node(node_id)

    def _on_graph_event(self, event: GraphEvent) -> None:
        kind = event.kind
        if kind in _STRUCTURAL and self._interaction is not None:
            self.cancel_interaction()  # e.g. an undo mid-drag: its items may be gone
        if kind == "node_added":
            self._add_node(event.node)
        elif kind == "node_removed":
            self._remove_node(event.node)
        elif kind == "edge_added":
            self._add_edge(event.edge)
        elif kind == "edge_removed":
            self._remove_edge(event.edge)
        elif kind == "param_changed":
            self._nodes[event.node].set_params(self.graph.node(event.node).params)
        elif kind == "node_moved":
            item = self._nodes[event.node]
            if (item.pos().x(), item.pos().y()) != event.value:
                item.setPos(*event.value)
            self._make_room(item)
        elif kind == "reset":
            self._clear_items()

    def _apply_analysis(self, analysis: Analysis) -> None:
        """Update only the items whose shapes or problems changed."""
        by_node: dict[str, list[Diagnostic]] = defaultdict(list)
        by_edge: dict[Edge, str] = {}
        for diagnostic in analysis.diagnostics:
            if diagnostic.node is not None:
                by_node[diagnostic.node].append(diagnostic)
            elif diagnostic.edge is not None:
                by_edge[diagnostic.edge] = diagnostic.message
        for node_id, item in self._nodes.items():
            item.set_analysis(analysis.nodes.get(node_id), by_node.get(node_id, ()))
        for edge, item in self._edges.items():
            info = analysis.nodes.get(edge.src)
            item.set_label(info.shape_text if info and info.shape is not None else "", by_edge.get(edge))

    def set_style(self, style: CanvasStyle) -> None:
        self.style = style
        for item in self.items():
            item.update()
        for item in self._edges.values():
            item.update_path()  # label sizes follow the font
        self.update()

    # ----- edits ---------------------------------------------------------------------------
    def push(self, command: QUndoCommand) -> str | None:
        """Push through the document; a refused edit is reported on the status bar."""
        error = self.document.try_push(command)
        if error:
            self.statusMessage.emit(error)
        return error

    def snap(self, point: QPointF) -> QPointF:
        if not self.snapping:
            return point
        return QPointF(on_grid(point.x()), on_grid(point.y()))

    def select_only(self, items: Iterable[QGraphicsItem]) -> None:
        """Replace the selection, with one selectionChanged (not one per item)."""
        before = self.selectedItems()
        self.blockSignals(True)
        try:
            self.clearSelection()
            for item in items:
                item.setSelected(True)
        finally:
            self.blockSignals(False)
        if self.selectedItems() != before:
            self.selectionChanged.emit()

    # ----- gestures ------------------------------------------------------------------------
    @property
    def interaction(self) -> Interaction | None:
        return self._interaction

    def set_interaction(self, interaction: Interaction | None) -> None:
        self._interaction = interaction

    def cancel_interaction(self) -> None:
        if self._interaction is not None:
            self._interaction.cancel()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._interaction is not None:
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._start_gesture(event):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._interaction is not None and self._interaction.mouse_move(event):
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._interaction is not None and self._interaction.mouse_release(event):
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.itemAt(event.scenePos(), QTransform()) is None:
            self.quickAddRequested.emit(event.scenePos(), None)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def key_press(self, event: QKeyEvent) -> bool:
        return self._interaction is not None and self._interaction.key_press(event)

    def _start_gesture(self, event: QGraphicsSceneMouseEvent) -> bool:
        pos = event.scenePos()
        item = self.itemAt(pos, QTransform())
        if isinstance(item, (BadgeItem, PreviewItem)):  # parts of a card: the card
            item = item.parentItem()
        if isinstance(item, PortItem):
            self._start_port_drag(item, pos)
            return True
        if isinstance(item, EdgeItem) and self._near_input_end(item, pos):
            self.select_only([])
            self.set_interaction(RewireInteraction(self, item, pos))
            return True
        if isinstance(item, NodeItem):
            self._press_node(item, event)
            return True
        return False

    def _start_port_drag(self, port: PortItem, pos: QPointF) -> None:
        many = not port.is_output and any(p.name == port.name and p.many for p in port.node.spec.inputs)
        if not port.is_output and port.edges and not many:
            self.set_interaction(RewireInteraction(self, port.edges[-1], pos))
        else:
            self.set_interaction(NewLinkInteraction(self, port, pos))

    @staticmethod
    def _near_input_end(item: EdgeItem, pos: QPointF) -> bool:
        end = item.target.scenePos()
        return hypot(end.x() - pos.x(), end.y() - pos.y()) <= REWIRE_GRAB

    def _press_node(self, item: NodeItem, event: QGraphicsSceneMouseEvent) -> None:
        modifiers = event.modifiers()
        reselect = False
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            item.setSelected(not item.isSelected())
            if not item.isSelected():
                return
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            item.setSelected(True)
        elif item.isSelected():
            reselect = True  # a click (no drag) on one of several selected selects it alone
        else:
            self.select_only([item])
        self.set_interaction(MoveNodesInteraction(self, item, event.scenePos(), reselect))
