"""Mouse gestures on the canvas, each a small object that lives from press to release
and ends with `end()` (push its command) or `cancel()` (put everything back). The scene
forwards mouse and key events to the gesture in progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from app.canvas.items import EdgeItem, LinkPreviewItem, NodeItem, PortItem
from app.commands import ConnectCommand, DisconnectCommand, MoveNodesCommand, RewireCommand
from graph_core.graph import Edge, GraphError

if TYPE_CHECKING:
    from app.canvas.scene import CanvasScene

DRAG_THRESHOLD = 3.0  # scene units a press must travel before it counts as a drag


class Interaction:
    """Base of all gestures. Returning True from a handler means "consumed"."""

    def __init__(self, scene: CanvasScene):
        self.scene = scene

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        return False

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        return False

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        return False

    def end(self) -> None:
        self.scene.set_interaction(None)

    def cancel(self) -> None:
        self.end()


class MoveNodesInteraction(Interaction):
    """Drag selected nodes; one MoveNodesCommand on release (snapped to the grid when
    snapping is on). A click on a node of a multi-selection selects only that node."""

    def __init__(self, scene: CanvasScene, pressed: NodeItem, press_pos: QPointF, reselect: bool):
        super().__init__(scene)
        self.pressed = pressed
        self.press_pos = press_pos
        self.reselect = reselect
        self.items = [item for item in scene.selectedItems() if isinstance(item, NodeItem)]
        self.start = {item: item.pos() for item in self.items}
        self.moved = False

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        delta = event.scenePos() - self.press_pos
        if not self.moved and max(abs(delta.x()), abs(delta.y())) < DRAG_THRESHOLD:
            return True
        self.moved = True
        anchor = self.start[self.pressed] + delta
        delta = self.scene.snap(anchor) - self.start[self.pressed]
        for item in self.items:
            item.setPos(self.start[item] + delta)
        return True

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        if not self.moved and self.reselect:
            self.scene.select_only([self.pressed])
        self.end()
        return True

    def end(self) -> None:
        super().end()
        moves = {
            item.node_id: ((old.x(), old.y()), (item.pos().x(), item.pos().y()))
            for item, old in self.start.items()
            if item.pos() != old
        }
        if moves:
            self.scene.push(MoveNodesCommand(self.scene.graph, moves))

    def cancel(self) -> None:
        for item, old in self.start.items():
            item.setPos(old)
        super().end()


class _LinkDrag(Interaction):
    """Common part of new-link and rewire drags: a preview curve from a fixed port to
    the mouse, and highlighting of the ports it may end on."""

    def __init__(self, scene: CanvasScene, fixed: PortItem, press_pos: QPointF):
        super().__init__(scene)
        self.fixed = fixed
        self.press_pos = press_pos
        self.dragged = False  # a press and release in place is a click, not a link
        self.preview = LinkPreviewItem(fixed.scenePos(), fixed.is_output)
        scene.addItem(self.preview)
        self.candidates = self._candidates()
        for port in self.candidates:
            port.set_highlight(PortItem.COMPATIBLE)
        for port in scene.all_ports():
            if port not in self.candidates and port.is_output != fixed.is_output and port is not fixed:
                port.set_highlight(PortItem.DIMMED)
        self.target: PortItem | None = None

    def edge_to(self, port: PortItem) -> Edge:
        if self.fixed.is_output:
            return Edge(self.fixed.node_id, port.node_id, self.fixed.name, port.name)
        return Edge(port.node_id, self.fixed.node_id, port.name, self.fixed.name)

    def _candidates(self) -> set[PortItem]:
        graph = self.scene.graph
        ports = [
            p for p in self.scene.all_ports() if p.is_output != self.fixed.is_output and p.node is not self.fixed.node
        ]
        return {p for p in ports if self.accepts(p) or graph.can_connect(self.edge_to(p))}

    def accepts(self, port: PortItem) -> bool:
        """Extra ports a subclass allows besides those the model would connect."""
        return False

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        delta = event.scenePos() - self.press_pos
        self.dragged = self.dragged or max(abs(delta.x()), abs(delta.y())) >= DRAG_THRESHOLD
        if not self.dragged:
            return True
        target = self.scene.port_near(event.scenePos(), not self.fixed.is_output, self.candidates)
        if target is not self.target:
            if self.target is not None:
                self.target.set_highlight(PortItem.COMPATIBLE)
            if target is not None:
                target.set_highlight(PortItem.TARGET)
            self.target = target
            self._explain(event.scenePos())
        self.preview.set_end(target.scenePos() if target else event.scenePos(), target is not None)
        return True

    def _explain(self, pos: QPointF) -> None:
        """Say why a hovered port does not accept the link."""
        if self.target is not None:
            self.scene.statusMessage.emit("")
            return
        port = self.scene.port_near(pos, not self.fixed.is_output, None)
        if port is None or port.node is self.fixed.node:
            return
        try:
            self.scene.graph.check_connect(self.edge_to(port))
        except GraphError as error:
            self.scene.statusMessage.emit(f"Cannot connect: {error}")

    def _clean_up(self) -> None:
        self.scene.removeItem(self.preview)
        for port in self.scene.all_ports():
            port.set_highlight(PortItem.NORMAL)

    def end(self) -> None:
        self._clean_up()
        super().end()


class NewLinkInteraction(_LinkDrag):
    """Drag from a port to a compatible port to connect them; released on empty canvas,
    it offers the quick-add search and connects the node chosen there."""

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        target = self.target
        self.end()
        if not self.dragged:
            return True
        if target is not None:
            edge = self.edge_to(target)
            self.scene.push(ConnectCommand(self.scene.graph, edge.src, edge.dst, edge.src_port, edge.dst_port))
        elif self.scene.node_at(event.scenePos()) is None:
            self.scene.quickAddRequested.emit(
                event.scenePos(), (self.fixed.node_id, self.fixed.name, self.fixed.is_output)
            )
        return True


class RewireInteraction(_LinkDrag):
    """Drag the input end of an existing edge to another input port (one RewireCommand)
    or onto nothing (disconnect)."""

    def __init__(self, scene: CanvasScene, edge_item: EdgeItem, press_pos: QPointF):
        self.edge_item = edge_item
        self.old = edge_item.edge
        super().__init__(scene, edge_item.source, press_pos)
        edge_item.setVisible(False)

    def accepts(self, port: PortItem) -> bool:
        return port is self.edge_item.target  # dropping back where it was is allowed

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        target = self.target
        self.end()
        if not self.dragged:
            self.scene.select_only([self.edge_item])  # a click on an edge selects it
            return True
        if target is self.edge_item.target:
            return True
        if target is not None:
            self.scene.push(RewireCommand(self.scene.graph, self.old, self.edge_to(target)))
        else:
            self.scene.push(DisconnectCommand(self.scene.graph, [self.old]))
        return True

    def end(self) -> None:
        if self.edge_item.scene() is not None:
            self.edge_item.setVisible(True)
        super().end()
