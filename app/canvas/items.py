"""The canvas's graphics items: a card per node with its ports, a curve per edge, and
the badge that carries a node's diagnostics. Items only draw the model; gestures on
them are handled by the scene's interactions, which push commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.canvas import style as st
from graph_core.graph import Edge, Node
from graph_core.shapes import Diagnostic, NodeInfo

if TYPE_CHECKING:
    from app.canvas.style import CanvasStyle

NODE_Z, EDGE_Z, DRAG_Z = 1.0, 0.0, 10.0
_LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
_RIGHT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
SIMPLE_LOD = 0.4  # below this zoom, nodes are plain cards without text
FOOTER_GAP = 8.0  # between a node's output shape and its parameter count


def _style(item: QGraphicsItem) -> CanvasStyle:
    return item.scene().style


# The canvas paints its texts itself, so no widget holds them for the retranslator:
# app.i18n installs here how a text reads in the interface language.
_translators: list[Callable[[str], str | None]] = []


def set_text_translator(translate: Callable[[str], str | None] | None) -> None:
    """Paint texts through `translate` (None: as written, in English)."""
    _translators[:] = [translate] if translate is not None else []


def shown(text: str) -> str:
    """`text` as the canvas paints it: in the interface language where one is set."""
    if not _translators or not text:
        return text
    return _translators[0](text) or text


def format_value(value: Any, kind: str = "") -> str:
    """A parameter value as it reads on a node's face (sizes as 3×3)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "auto"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        if kind == "size":
            return "×".join(str(v) for v in value)
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def format_count(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M params"
    if count >= 10_000:
        return f"{count / 1000:.1f}k params"
    return f"{count:,} param" + ("" if count == 1 else "s")


# ----- ports ---------------------------------------------------------------------------------
class PortItem(QGraphicsItem):
    """A visible socket on a node's edge; inputs on the left, outputs on the right."""

    NORMAL, COMPATIBLE, TARGET, DIMMED = range(4)

    def __init__(self, node: NodeItem, name: str, is_output: bool, index: int):
        super().__init__(node)
        self.node, self.name, self.is_output = node, name, is_output
        self.edges: list[EdgeItem] = []
        self.highlight = PortItem.NORMAL
        self._hovered = False
        self.setAcceptHoverEvents(True)
        self.setPos(st.NODE_WIDTH if is_output else 0.0, st.PORT_Y + index * st.PORT_SPACING)
        self.setZValue(1)

    @property
    def node_id(self) -> str:
        return self.node.node_id

    def boundingRect(self) -> QRectF:
        r = st.PORT_RADIUS + 4
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), 9, 9)  # larger than drawn: easy to hit
        return path

    def set_highlight(self, state: int) -> None:
        if state != self.highlight:
            self.highlight = state
            self.update()

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = _style(self)
        radius = st.PORT_RADIUS
        fill = s["node_bg"]
        ring = s["edge"]
        if self.edges:
            fill = s["edge"]
        if self.highlight == PortItem.COMPATIBLE:
            ring, radius = s["accent"], radius + 1
        elif self.highlight == PortItem.TARGET:
            ring, fill, radius = s["accent"], s["accent"], radius + 2.5
        elif self._hovered:
            ring, fill, radius = s["accent"], s["accent"], radius + 1
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(0.3 if self.highlight == PortItem.DIMMED else 1.0)
        painter.setPen(QPen(ring, 1.6))
        painter.setBrush(fill)
        painter.drawEllipse(QPointF(0, 0), radius, radius)


# ----- badge ---------------------------------------------------------------------------------
class BadgeItem(QGraphicsItem):
    """A round mark on a node's corner; its tooltip lists the node's problems."""

    RADIUS = 8.0

    def __init__(self, parent: QGraphicsItem):
        super().__init__(parent)
        self.severity = "error"
        self.setZValue(2)
        self.setAcceptHoverEvents(True)

    def set_diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.severity = "error" if any(d.severity == "error" for d in diagnostics) else "warning"
        self.setToolTip("\n".join(f"{'⚠' if d.severity == 'warning' else '✖'} {d.message}" for d in diagnostics))
        self.update()

    def boundingRect(self) -> QRectF:
        r = self.RADIUS + 1.5
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = _style(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(s["node_bg"], 1.8))
        painter.setBrush(s[self.severity])
        painter.drawEllipse(QPointF(0, 0), self.RADIUS, self.RADIUS)
        painter.setPen(QPen(QColor("white")))
        font = s.title_font
        painter.setFont(font)
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, "!")


# ----- nodes ---------------------------------------------------------------------------------
class NodeItem(QGraphicsItem):
    """A node card: header (type and id, coloured by category), key parameters, output
    shape and parameter count, ports, an optional badge and an optional preview."""

    def __init__(self, node: Node):
        super().__init__()
        self.node_id = node.id
        self.spec = node.spec
        self._rows: list[tuple[str, str]] = []
        self._shape_text = "?"
        self._params = 0
        self._input_shapes: list[str] = []
        self._diagnostics: tuple[Diagnostic, ...] = ()
        self._preview: QImage | None = None
        self._preview_item: PreviewItem | None = None
        self._badge: BadgeItem | None = None
        self._height = 0.0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self._hovered = False
        self.setZValue(NODE_Z)
        self.inputs = [PortItem(self, p.name, False, i) for i, p in enumerate(self.spec.inputs)]
        self.outputs = [PortItem(self, p.name, True, i) for i, p in enumerate(self.spec.outputs)]
        self.set_params(node.params)
        self._relayout()
        self.setPos(*node.pos)

    # ----- content --------------------------------------------------------------------------
    def port(self, name: str, is_output: bool) -> PortItem:
        for port in self.outputs if is_output else self.inputs:
            if port.name == name:
                return port
        raise KeyError(name)

    def ports(self) -> list[PortItem]:
        return self.inputs + self.outputs

    def set_params(self, params: dict) -> None:
        rows = [(p.title, format_value(params.get(p.name), p.kind)) for p in self.spec.params if p.key]
        if rows != self._rows:
            self._rows = rows
            self._relayout()

    def set_analysis(self, info: NodeInfo | None, diagnostics: Sequence[Diagnostic]) -> bool:
        """Show new shapes and problems; returns False when nothing visible changed."""
        shape_text = info.shape_text if info else "?"
        params = info.params if info else 0
        inputs = [_shape_text(s) for s in info.input_shapes] if info else []
        diagnostics = tuple(diagnostics)
        if (shape_text, params, inputs, diagnostics) == (
            self._shape_text,
            self._params,
            self._input_shapes,
            self._diagnostics,
        ):
            return False
        self._shape_text, self._params, self._input_shapes = shape_text, params, inputs
        self._diagnostics = diagnostics
        self._update_badge()
        self._update_port_tips()
        self.update()
        return True

    @property
    def shape_text(self) -> str:
        return self._shape_text

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self._diagnostics

    @property
    def badge(self) -> BadgeItem | None:
        return self._badge

    def set_preview(self, image: QImage | None) -> None:
        """Draw `image` (e.g. a heat map of the node's neurons) under the node's body."""
        same_size = self._preview is not None and image is not None
        self._preview = image
        if image is None and self._preview_item is not None:
            item, self._preview_item = self._preview_item, None
            if item.scene() is not None:
                item.scene().removeItem(item)  # and from this card
        elif image is not None:
            if self._preview_item is None:
                self._preview_item = PreviewItem(self)
            self._preview_item.set_image(image)
        if same_size:
            # A new picture in the same place (live training, 20 times a second): only
            # the picture's own item repaints; the card keeps its cached rendering.
            return
        self._relayout()

    def _relayout(self) -> None:
        self.prepareGeometryChange()
        rows = len(self._rows)
        body = 6 + max(rows, 1) * st.ROW_HEIGHT + (st.ROW_HEIGHT if rows else 0) + 8
        ports = max(len(self.inputs), len(self.outputs))
        port_room = st.PORT_Y + (ports - 1) * st.PORT_SPACING + 14 if ports else 0
        height = max(st.HEADER_HEIGHT + body, port_room)
        if self._preview is not None:
            height += st.PREVIEW_HEIGHT + 6
        self._height = height
        if self._preview_item is not None:
            self._preview_item.place(QRectF(10, height - st.PREVIEW_HEIGHT - 8, st.NODE_WIDTH - 20, st.PREVIEW_HEIGHT))
        self.update()

    def _update_badge(self) -> None:
        if not self._diagnostics:
            if self._badge is not None:
                self._badge.setParentItem(None)
                if self.scene():
                    self.scene().removeItem(self._badge)
                self._badge = None
            return
        if self._badge is None:
            self._badge = BadgeItem(self)
            self._badge.setPos(st.NODE_WIDTH - 3, 3)
        self._badge.set_diagnostics(self._diagnostics)

    def _update_port_tips(self) -> None:
        for port in self.outputs:
            port.setToolTip(f"{port.name}: {self._shape_text}")
        for index, port in enumerate(self.inputs):
            shape = self._input_shapes[index] if index < len(self._input_shapes) else None
            port.setToolTip(f"{port.name}: {shape}" if shape else f"{port.name}: not connected")

    # ----- geometry and painting ------------------------------------------------------------
    def card_rect(self) -> QRectF:
        return QRectF(0, 0, st.NODE_WIDTH, self._height)

    def boundingRect(self) -> QRectF:
        return self.card_rect().adjusted(-3, -3, 4, 5)  # selection ring and shadow

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), st.CORNER, st.CORNER)
        return path

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for port in self.ports():
                for edge in port.edges:
                    edge.update_path()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(NODE_Z + (0.5 if value else 0))
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = _style(self)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.card_rect()
        card = QPainterPath()
        card.addRoundedRect(rect, st.CORNER, st.CORNER)
        if lod >= SIMPLE_LOD:
            self._paint_shadow(painter, rect)
        painter.fillPath(card, s["node_bg"])
        self._paint_header(painter, card, s, lod >= SIMPLE_LOD)
        if lod >= SIMPLE_LOD:
            self._paint_body(painter, s)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self._border_pen(s))
        painter.drawPath(card)

    def _border_pen(self, s: CanvasStyle) -> QPen:
        if self.isSelected():
            return QPen(s["selection"], 2.2)
        if any(d.severity == "error" for d in self._diagnostics):
            return QPen(st.mix(s["node_border"], s["error"], 0.7), 1.3)
        if self._hovered:
            return QPen(st.mix(s["node_border"], s["selection"], 0.55), 1.3)
        return QPen(s["node_border"], 1.0)

    def _paint_shadow(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for grow, alpha in ((2.5, 10), (1.2, 16)):
            painter.setBrush(QColor(0, 0, 0, alpha))
            painter.drawRoundedRect(
                rect.adjusted(-grow + 1, -grow + 2.5, grow + 1, grow + 2.5), st.CORNER + grow, st.CORNER + grow
            )

    def _paint_header(self, painter: QPainter, card: QPainterPath, s: CanvasStyle, text: bool) -> None:
        header = QPainterPath()
        header.addRect(QRectF(0, 0, st.NODE_WIDTH, st.HEADER_HEIGHT))
        painter.fillPath(card.intersected(header), s.header_color(self.spec.category))
        strip = QPainterPath()
        strip.addRect(QRectF(0, 0, 4.0, self._height))
        painter.fillPath(card.intersected(strip), st.category_color(self.spec.category))
        painter.setPen(QPen(s["node_border"], 1.0))
        painter.drawLine(QPointF(4, st.HEADER_HEIGHT), QPointF(st.NODE_WIDTH, st.HEADER_HEIGHT))
        if not text:
            return
        # The type comes first; the id gets what room is left (elided in the middle).
        # Both are names (Linear, fc1): never translated.
        left, right = 14.0, st.NODE_WIDTH - 12.0
        title_metrics = QFontMetricsF(s.title_font)
        title = title_metrics.elidedText(self.spec.type, Qt.TextElideMode.ElideRight, right - left)
        title_width = title_metrics.horizontalAdvance(title)
        painter.setFont(s.title_font)
        painter.setPen(s["text"])
        painter.drawText(QRectF(left, 0, title_width + 1, st.HEADER_HEIGHT), _LEFT, title)
        id_room = right - left - title_width - 10
        node_id = QFontMetricsF(s.id_font).elidedText(self.node_id, Qt.TextElideMode.ElideMiddle, id_room)
        if id_room > 24 and node_id:
            painter.setFont(s.id_font)
            painter.setPen(s["text_dim"])
            painter.drawText(QRectF(right - id_room, 0, id_room, st.HEADER_HEIGHT), _RIGHT, node_id)

    def _paint_body(self, painter: QPainter, s: CanvasStyle) -> None:
        left, right = 14.0, st.NODE_WIDTH - 14.0
        y = st.HEADER_HEIGHT + 6
        painter.setFont(s.body_font)
        for label, value in self._shown_rows():
            row = QRectF(left, y, right - left, st.ROW_HEIGHT)
            painter.setPen(s["text_dim"])
            painter.drawText(row, _LEFT, label)
            painter.setPen(s["text"])
            value = QFontMetricsF(s.body_font).elidedText(value, Qt.TextElideMode.ElideRight, (right - left) * 0.55)
            painter.drawText(row, _RIGHT, value)
            y += st.ROW_HEIGHT
        if self._rows:
            y += 2
            painter.setPen(QPen(st.mix(s["node_border"], s["node_bg"], 0.4), 1.0, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(left, y), QPointF(right, y))
            y += 2
        self._paint_footer(painter, s, QRectF(left, y, right - left, st.ROW_HEIGHT))

    def _paint_footer(self, painter: QPainter, s: CanvasStyle, row: QRectF) -> None:
        painter.setFont(s.mono_font)
        painter.setPen(s["error"] if self._shape_text == "?" and self._diagnostics else s["accent"])
        painter.drawText(row, _LEFT, self._shape_text)
        count = shown(format_count(self._params)) if self._params else ""
        room = row.width() - QFontMetricsF(s.mono_font).horizontalAdvance(self._shape_text) - FOOTER_GAP
        if count and QFontMetricsF(s.id_font).horizontalAdvance(count) <= room:  # else the inspector tells it
            painter.setFont(s.id_font)
            painter.setPen(s["text_dim"])
            painter.drawText(row, _RIGHT, count)

    def _shown_rows(self) -> list[tuple[str, str]]:
        return [(shown(label), shown(value)) for label, value in self._rows]

    def painted_texts(self) -> list[str]:
        """Every text the card paints, as painted (in the interface language)."""
        texts = [self.spec.type, self.node_id, self._shape_text]
        texts += [text for row in self._shown_rows() for text in row]
        if self._params:
            texts.append(shown(format_count(self._params)))
        return texts


class PreviewItem(QGraphicsItem):
    """A node's live picture, a child of its card: replacing the picture repaints this
    item alone, while the card (text, ports, shadow) keeps its cached rendering. Hidden
    when the card is drawn at a level of detail too small for pictures."""

    def __init__(self, node: QGraphicsItem) -> None:
        super().__init__(node)
        self._image: QImage | None = None
        self._rect = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the card
        self.setAcceptHoverEvents(False)

    def set_image(self, image: QImage) -> None:
        self._image = image
        self.update()

    def place(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._image is None:
            return
        if option.levelOfDetailFromTransform(painter.worldTransform()) < SIMPLE_LOD:
            return  # zoomed far out: the card is drawn without its body, so without this too
        clip = QPainterPath()
        clip.addRoundedRect(self._rect, 4, 4)
        painter.save()
        painter.setClipPath(clip)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self._rect, self._image)
        painter.restore()


def _shape_text(shape: Sequence[int] | None) -> str:
    return NodeInfo(shape=tuple(shape) if shape is not None else None).shape_text


# ----- edges ---------------------------------------------------------------------------------
def edge_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A smooth S-curve leaving `start` to the right and entering `end` from the left."""
    pull = max(40.0, abs(end.x() - start.x()) * 0.5, min(abs(end.y() - start.y()), 160.0) * 0.6)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + pull, start.y()), QPointF(end.x() - pull, end.y()), end)
    return path


class EdgeItem(QGraphicsItem):
    """A connection, drawn from its source port to its target port and labelled with
    the shape of the tensor it carries."""

    def __init__(self, edge: Edge, source: PortItem, target: PortItem):
        super().__init__()
        self.edge = edge
        self.source, self.target = source, target
        self.label = ""
        self._error: str | None = None
        self._weight_pen: QPen | None = None
        self._path = QPainterPath()
        self._shape: QPainterPath | None = None
        self._label_rect = QRectF()
        self._label_shown = ""  # the label, or its compact form where space is short
        self._hovered = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(EDGE_Z)
        source.edges.append(self)
        target.edges.append(self)
        self.update_path()

    def detach(self) -> None:
        """Forget the ports (before the item is removed from the scene)."""
        for port in (self.source, self.target):
            if self in port.edges:
                port.edges.remove(self)
            port.update()

    def set_label(self, text: str, error: str | None = None) -> None:
        if (text, error) != (self.label, self._error):
            self.label, self._error = text, error
            self.setToolTip(error or f"{self.edge.src} → {self.edge.dst}: {text}")
            self.update_path()

    def set_weight_style(self, width: float | None, color: QColor | str | None = None) -> None:
        """Draw the edge with a width and colour of its own (e.g. by weight size); None
        goes back to the theme's look."""
        self._weight_pen = None if width is None else QPen(QColor(color) if color else QColor("#7d8693"), width)
        self.update()

    def update_path(self) -> None:
        self.prepareGeometryChange()
        start, end = self.source.scenePos(), self.target.scenePos()
        self._path = edge_path(start, end)
        self._shape = None
        self._label_rect = self._place_label()

    def _place_label(self) -> QRectF:
        """Room for the label between the nodes: "[N, 16, 28, 28]", else "16×28×28",
        else none (the tooltip still tells the shape)."""
        self._label_shown = ""
        if not self.label or self.scene() is None:
            return QRectF()
        metrics = QFontMetricsF(self.scene().style.label_font)
        start, end = self._path.elementAt(0), self._path.elementAt(3)
        room = max(end.x - start.x, abs(end.y - start.y)) - 2 * st.PORT_RADIUS - 2
        for text in (self.label, _compact_shape(self.label)):
            width, height = metrics.horizontalAdvance(text) + 8, metrics.height() + 3
            if width <= room:
                self._label_shown = text
                middle = self._path.pointAtPercent(0.5)
                return QRectF(middle.x() - width / 2, middle.y() - height / 2, width, height)
        return QRectF()

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-6, -6, 6, 6).united(self._label_rect)

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(12)
            self._shape = stroker.createStroke(self._path)
        return self._shape

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = _style(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = self._pen(s)
        if self.isSelected():
            halo = QColor(s["selection"])
            halo.setAlpha(60)
            painter.setPen(QPen(halo, pen.widthF() + 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(self._path)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if self._label_rect.isValid() and option.levelOfDetailFromTransform(painter.worldTransform()) >= 0.55:
            self._paint_label(painter, s, pen.color())

    def _pen(self, s: CanvasStyle) -> QPen:
        if self.isSelected():
            return QPen(s["selection"], 2.4)
        if self._error:
            return QPen(s["error"], 2.0)
        if self._weight_pen is not None:
            return self._weight_pen
        return QPen(s["accent"] if self._hovered else s["edge"], 1.8 if self._hovered else 1.5)

    def painted_texts(self) -> list[str]:
        """The shape painted on the edge (a shape reads the same in every language)."""
        return [self._label_shown] if self._label_shown else []

    def _paint_label(self, painter: QPainter, s: CanvasStyle, color: QColor) -> None:
        painter.setPen(QPen(st.mix(s["canvas_bg"], color, 0.45), 1.0))
        painter.setBrush(QBrush(s["canvas_bg"]))
        painter.drawRoundedRect(self._label_rect, self._label_rect.height() / 2, self._label_rect.height() / 2)
        painter.setFont(s.label_font)
        painter.setPen(s["error"] if self._error else s["text_dim"])
        painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._label_shown)


def _compact_shape(text: str) -> str:
    """ "[N, 16, 28, 28]" -> "16×28×28" """
    inner = text.strip("[]").split(", ")
    return "×".join(inner[1:] if inner[:1] == ["N"] else inner)


class LinkPreviewItem(QGraphicsItem):
    """The dashed curve that follows the mouse while a connection is being dragged."""

    def __init__(self, anchor: QPointF, from_output: bool):
        super().__init__()
        self.anchor, self.from_output = anchor, from_output
        self.valid = False
        self._path = QPainterPath()
        self.setZValue(DRAG_Z)
        self.set_end(anchor)

    def set_end(self, point: QPointF, valid: bool = False) -> None:
        self.prepareGeometryChange()
        start, end = (self.anchor, point) if self.from_output else (point, self.anchor)
        self._path = edge_path(start, end)
        self.valid = valid
        self.update()

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-4, -4, 4, 4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = _style(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = s["accent"] if self.valid else s["edge"]
        painter.setPen(
            QPen(color, 2.0, Qt.PenStyle.SolidLine if self.valid else Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        )
        painter.drawPath(self._path)
