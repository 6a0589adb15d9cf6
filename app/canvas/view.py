"""`CanvasView`: the node editor widget the main window embeds. It adds zoom and pan,
keyboard commands, palette drops, the quick-add popup and clipboard actions to the
scene that mirrors the document's graph."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from app import clipboard
from app.canvas import style as st
from app.canvas.items import NodeItem
from app.canvas.quick_add import QuickAddPopup
from app.canvas.scene import CanvasScene
from app.canvas.style import CanvasStyle
from app.commands import (
    AddNodeCommand,
    AutoLayoutCommand,
    ConnectCommand,
    DisconnectCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
)
from app.document import Document
from graph_core.registry import all_specs, get_spec, has_spec

LAYER_MIME = "application/x-neuroloom-layer"
MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
FIT_MAX_ZOOM = 1.1  # fitting a tiny graph does not blow it up
READABLE_ZOOM = 0.66  # node titles stay legible at or above this zoom
FIT_MARGIN = 60.0
PASTE_OFFSET = 40.0

# What a link (node id, port, is output) dropped on empty canvas connects to.
LinkEnd = tuple[str, str, bool]


class CanvasView(QGraphicsView):
    selectionChangedIds = Signal(list)
    statusMessage = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._scene = CanvasScene(document, self)
        self.setScene(self._scene)
        self.quick_add_popup: QuickAddPopup | None = None
        self._selected: list[str] = []
        self._pan_from: QPointF | None = None
        self._space_down = False
        self._needs_initial_view = True
        self._configure()
        self._scene.selectionChanged.connect(self._emit_selection)
        self._scene.statusMessage.connect(self.statusMessage)
        self._scene.quickAddRequested.connect(self._quick_add_for_link)
        document.replaced.connect(self._on_document_replaced)

    def _configure(self) -> None:
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)

    # ----- public API ----------------------------------------------------------------------
    def scene(self) -> CanvasScene:
        return self._scene

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    @property
    def snap_to_grid(self) -> bool:
        return self._scene.snapping

    def set_snap_to_grid(self, on: bool) -> None:
        self._scene.snapping = on

    def set_theme(self, theme: dict[str, str]) -> None:
        """Colours from `app.theme.Theme.canvas` (missing keys keep the defaults)."""
        self._scene.set_style(CanvasStyle.from_theme(theme))
        self.resetCachedContent()
        self.viewport().update()

    def fit_all(self, min_zoom: float = MIN_ZOOM, margin: float = FIT_MARGIN) -> None:
        """Show the whole network with `margin` around it, zoomed out no further than
        `min_zoom` (READABLE_ZOOM keeps every title legible). A network too large for that
        shows its top-left part, where the data comes in; the rest is a pan away."""
        items = self._scene.node_items()
        if not items:
            self.set_zoom(1.0)
            self.centerOn(0, 0)
            return
        rect = QRectF()
        for item in items:
            rect = rect.united(item.sceneBoundingRect())
        rect.adjust(-margin, -margin, margin, margin)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.set_zoom(min(max(self.zoom, min_zoom, MIN_ZOOM), FIT_MAX_ZOOM))
        seen = self.viewport().rect()
        width, height = seen.width() / self.zoom, seen.height() / self.zoom
        center = rect.center()
        if rect.width() > width:
            center.setX(rect.left() + width / 2)
        if rect.height() > height:
            center.setY(rect.top() + height / 2)
        self.centerOn(center)
        self._remember_view()

    def set_zoom(self, zoom: float) -> None:
        zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
        self.scale(zoom / self.zoom, zoom / self.zoom)

    def zoom_at(self, zoom: float, viewport_pos: QPoint) -> None:
        """Zoom keeping the scene point under `viewport_pos` where it is."""
        before = self.mapToScene(viewport_pos)
        self.set_zoom(zoom)
        drift = self.mapToScene(viewport_pos) - before
        self.centerOn(self.mapToScene(self.viewport().rect().center()) - drift)

    def select_nodes(self, ids: list[str]) -> None:
        self._scene.select_only(self._scene.node_item(node_id) for node_id in ids if node_id in self.document.graph)

    def selected_node_ids(self) -> list[str]:
        return self._scene.selected_node_ids()

    def center_on_node(self, node_id: str) -> None:
        self.centerOn(self._scene.node_item(node_id).sceneBoundingRect().center())
        self._remember_view()

    def select_all(self) -> None:
        self._scene.select_only(self._scene.node_items() + self._scene.edge_items())

    def delete_selection(self) -> None:
        ids, edges = self._scene.selected_node_ids(), self._scene.selected_edges()
        if ids:
            self._scene.push(RemoveNodesCommand(self.document.graph, ids, edges))
        elif edges:
            self._scene.push(DisconnectCommand(self.document.graph, edges))

    def copy_selection(self) -> int:
        count = clipboard.copy_nodes(self.document.graph, self.selected_node_ids())
        if count:
            self.statusMessage.emit(f"Copied {count} node{'s' if count != 1 else ''}")
        return count

    def paste(self) -> list[str]:
        """Paste the clipboard's nodes at the mouse (or beside the originals); returns
        the new ids, which become the selection."""
        payload = clipboard.clipboard_payload()
        if payload is None:
            self.statusMessage.emit("Nothing to paste: the clipboard holds no NeuroLoom nodes")
            return []
        origin = QPointF(*clipboard.payload_origin(payload))
        cursor = self._cursor_scene_pos()
        target = self._scene.snap(cursor) if cursor is not None else origin + QPointF(PASTE_OFFSET, PASTE_OFFSET)
        offset = target - origin
        return self._push_copies(PasteCommand(self.document.graph, payload, (offset.x(), offset.y())))

    def duplicate_selection(self) -> list[str]:
        ids = self.selected_node_ids()
        if not ids:
            return []
        payload = clipboard.selection_payload(self.document.graph, ids)
        return self._push_copies(PasteCommand(self.document.graph, payload, (PASTE_OFFSET, PASTE_OFFSET), "Duplicate"))

    def _push_copies(self, command: PasteCommand) -> list[str]:
        if self._scene.push(command):
            return []
        self.select_nodes(command.new_ids)
        return command.new_ids

    def auto_layout(self) -> None:
        command = AutoLayoutCommand(self.document.graph)
        if command.moves:
            self._scene.push(command)
        self.fit_all()

    def add_node_at(self, type_name: str, scene_pos: QPointF, link: LinkEnd | None = None) -> str | None:
        """Add a node of `type_name` at `scene_pos` (connected to `link` if given) as one
        undo step; returns its id, or None if the model refused."""
        graph = self.document.graph
        spec = get_spec(type_name)
        corner = self._scene.snap(scene_pos - _anchor_offset(link))
        add = AddNodeCommand(graph, spec.type, (corner.x(), corner.y()))
        with self.document.macro(add.text()):
            if self._scene.push(add):
                return None
            if link is not None:
                self._scene.push(_link_command(graph, link, add.node_id))
        self.select_nodes([add.node_id])
        return add.node_id

    def quick_add(self, at_scene_pos: QPointF | None = None, link: LinkEnd | None = None) -> QuickAddPopup:
        """Open the quick-add search at `at_scene_pos` (default: the mouse, else the
        middle of the view); the chosen layer is added there."""
        if at_scene_pos is None:
            at_scene_pos = self._cursor_scene_pos() or self.mapToScene(self.viewport().rect().center())
        if self.quick_add_popup is not None:
            self.quick_add_popup.close()
        types = None
        if link is not None and link[2]:
            types = [spec.type for spec in all_specs() if spec.inputs]  # it must take an input
        popup = QuickAddPopup(types, self)
        popup.chosen.connect(lambda type_name: self.add_node_at(type_name, at_scene_pos, link))
        popup.destroyed.connect(self._forget_popup)
        self.quick_add_popup = popup
        popup.popup(self.viewport().mapToGlobal(self.mapFromScene(at_scene_pos)))
        return popup

    def _forget_popup(self) -> None:
        self.quick_add_popup = None

    def _quick_add_for_link(self, scene_pos: QPointF, link: LinkEnd | None) -> None:
        self.quick_add(scene_pos, link)

    # ----- view state ----------------------------------------------------------------------
    def _cursor_scene_pos(self) -> QPointF | None:
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(pos):
            return None
        return self.mapToScene(pos)

    def _remember_view(self) -> None:
        """Keep zoom and centre in the project so a saved file reopens as it was."""
        if not self.isVisible():
            return  # a hidden view's size is not the one the user will see
        center = self.mapToScene(self.viewport().rect().center())
        self.document.project.view.update(zoom=round(self.zoom, 4), center=[round(center.x(), 1), round(center.y(), 1)])

    def _restore_view(self) -> None:
        view = self.document.project.view
        if "zoom" in view and "center" in view:
            self.set_zoom(view["zoom"])
            self.centerOn(QPointF(*view["center"]))
        else:
            self.fit_all()

    def _on_document_replaced(self) -> None:
        if self.isVisible():
            self._restore_view()
        else:
            self._needs_initial_view = True  # fit once the view has its real size

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._needs_initial_view:
            self._needs_initial_view = False
            self._restore_view()

    def _emit_selection(self) -> None:
        ids = self._scene.selected_node_ids()
        if ids != self._selected:
            self._selected = ids
            self.selectionChangedIds.emit(ids)

    # ----- painting ------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        style = self._scene.style
        painter.fillRect(rect, style["canvas_bg"])
        for step, color in (
            (st.GRID, st.mix(style["canvas_bg"], style["canvas_grid"], 0.55)),
            (st.GRID * 5, style["canvas_grid"]),
        ):
            if step * self.zoom >= 9:
                self._draw_grid(painter, rect, step, color)

    @staticmethod
    def _draw_grid(painter: QPainter, rect: QRectF, step: float, color) -> None:
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        lines = [QLineF(x, rect.top(), x, rect.bottom()) for x in _frange(left, rect.right(), step)]
        lines += [QLineF(rect.left(), y, rect.right(), y) for y in _frange(top, rect.bottom(), step)]
        painter.setPen(QPen(color, 0))  # cosmetic: one pixel at any zoom
        painter.drawLines(lines)

    # ----- mouse ---------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.pixelDelta().y()
        if not delta:
            return
        self.zoom_at(self.zoom * 1.0015**delta, event.position().toPoint())
        self._remember_view()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pan = event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space_down
        )
        if pan:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor)
            self._remember_view()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ----- keys ----------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # Tab opens quick add instead of moving the focus to the next widget.
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Tab:
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._scene.key_press(event):
            return
        if self._shortcut(event) or self._plain_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _shortcut(self, event: QKeyEvent) -> bool:
        actions = (
            (QKeySequence.StandardKey.Copy, self.copy_selection),
            (QKeySequence.StandardKey.Paste, self.paste),
            (QKeySequence.StandardKey.SelectAll, self.select_all),
        )
        for key, action in actions:
            if event.matches(key):
                action()
                return True
        if event.key() == Qt.Key.Key_D and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.duplicate_selection()
            return True
        return False

    def _plain_key(self, event: QKeyEvent) -> bool:
        key, modifiers = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif key in _ARROWS and modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            self._nudge(_ARROWS[key], 5 if modifiers else 1)
        elif key == Qt.Key.Key_F and not modifiers:
            self.fit_all()
        elif key == Qt.Key.Key_Tab:
            self.quick_add()
        elif key == Qt.Key.Key_Escape:
            self._scene.clearSelection()
        else:
            return key == Qt.Key.Key_Space
        return True

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            return
        super().keyReleaseEvent(event)

    def _nudge(self, direction: tuple[int, int], times: int) -> None:
        items = [item for item in self._scene.selectedItems() if isinstance(item, NodeItem)]
        if not items:
            return
        step = (st.GRID if self._scene.snapping else 1.0) * times
        moves = {}
        for item in items:
            old = (item.pos().x(), item.pos().y())
            moves[item.node_id] = (old, (old[0] + direction[0] * step, old[1] + direction[1] * step))
        self._scene.push(MoveNodesCommand(self.document.graph, moves, merge_key="keys"))

    # ----- drops from the palette ----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(LAYER_MIME):
            super().dropEvent(event)
            return
        type_name = bytes(event.mimeData().data(LAYER_MIME)).decode("utf-8", "replace").strip()
        if not has_spec(type_name):
            self.statusMessage.emit(f"Unknown layer type {type_name!r}")
            event.ignore()
            return
        self.add_node_at(type_name, self.mapToScene(event.position().toPoint()))
        self.setFocus()
        event.acceptProposedAction()


_ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


def _frange(start: float, stop: float, step: float):
    value = start
    while value <= stop:
        yield value
        value += step


def _anchor_offset(link: LinkEnd | None) -> QPointF:
    """Where the mouse sits on a new node: on the port being connected, else the header."""
    if link is None:
        return QPointF(st.NODE_WIDTH / 2, st.HEADER_HEIGHT / 2)
    from_output = link[2]
    return QPointF(0.0 if from_output else st.NODE_WIDTH, st.PORT_Y)


def _link_command(graph, link: LinkEnd, new_id: str) -> ConnectCommand:
    node_id, port, from_output = link
    spec = graph.node(new_id).spec
    if from_output:
        return ConnectCommand(graph, node_id, new_id, port, spec.inputs[0].name)
    return ConnectCommand(graph, new_id, node_id, spec.outputs[0].name, port)
