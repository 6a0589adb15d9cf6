"""Toolbar and list icons drawn with QPainter on a 24-unit grid, so they stay crisp at
any size and take their colour from the current palette (light and dark alike).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

Draw = Callable[[QPainter], None]
# Images the stylesheet refers to (it cannot use QIcons), e.g. the check box tick.
ICONS_DIR = Path(__file__).resolve().parent.parent / "assets" / "icons"
_STROKE = 1.7


class _PainterIconEngine(QIconEngine):
    """Paints one drawing function, in the palette's text colour unless given one."""

    def __init__(self, draw: Draw, colour: str | None = None) -> None:
        super().__init__()
        self._draw = draw
        self._colour = colour

    def clone(self) -> QIconEngine:
        return _PainterIconEngine(self._draw, self._colour)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        colour = QColor(self._colour) if self._colour else QApplication.palette().color(QPalette.ColorRole.WindowText)
        if mode == QIcon.Mode.Disabled:
            colour.setAlphaF(0.35)
        side = min(rect.width(), rect.height())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
        painter.scale(side / 24.0, side / 24.0)
        pen = QPen(colour, _STROKE, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._draw(painter)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # noqa: N802
        # Drawn at device resolution so the icon stays sharp on high-DPI screens.
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap


def _path(*points: tuple[float, float]) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for point in points[1:]:
        path.lineTo(QPointF(*point))
    return path


def _new(p: QPainter) -> None:
    p.drawPath(_path((14, 3), (6, 3), (6, 21), (18, 21), (18, 7), (14, 3), (14, 7), (18, 7)))
    p.drawLine(QPointF(12, 11), QPointF(12, 17))
    p.drawLine(QPointF(9, 14), QPointF(15, 14))


def _open(p: QPainter) -> None:
    p.drawPath(_path((3, 19), (3, 5), (9, 5), (11, 7), (19, 7), (19, 10)))
    p.drawPath(_path((3, 19), (6.5, 10), (21.5, 10), (18, 19), (3, 19)))


def _save(p: QPainter) -> None:
    p.drawPath(_path((4, 14), (4, 20), (20, 20), (20, 14)))
    p.drawLine(QPointF(12, 3.5), QPointF(12, 15))
    p.drawPath(_path((7.5, 10.5), (12, 15), (16.5, 10.5)))


def _save_as(p: QPainter) -> None:
    _save(p)
    p.drawLine(QPointF(17, 4), QPointF(21, 4))


def _undo(p: QPainter) -> None:
    path = QPainterPath(QPointF(5, 10))
    path.lineTo(15, 10)
    path.cubicTo(22, 10, 22, 20, 15, 20)
    path.lineTo(10, 20)
    p.drawPath(path)
    p.drawPath(_path((9, 6), (5, 10), (9, 14)))


def _redo(p: QPainter) -> None:
    p.save()
    p.translate(24, 0)
    p.scale(-1, 1)
    _undo(p)
    p.restore()


def _cut(p: QPainter) -> None:
    p.drawEllipse(QPointF(7, 17.5), 3, 3)
    p.drawEllipse(QPointF(17, 17.5), 3, 3)
    p.drawLine(QPointF(9.2, 15.3), QPointF(17, 3.5))
    p.drawLine(QPointF(14.8, 15.3), QPointF(7, 3.5))


def _copy(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(9, 9, 11, 11), 2, 2)
    p.drawPath(_path((15, 9), (15, 4), (4, 4), (4, 15), (9, 15)))


def _paste(p: QPainter) -> None:
    p.drawPath(_path((9, 5), (6, 5), (6, 21), (18, 21), (18, 5), (15, 5)))
    p.drawRoundedRect(QRectF(9, 3, 6, 4), 1.5, 1.5)
    p.drawLine(QPointF(9, 12), QPointF(15, 12))
    p.drawLine(QPointF(9, 16), QPointF(13, 16))


def _duplicate(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(8, 8, 12, 12), 2, 2)
    p.drawPath(_path((16, 8), (16, 4), (4, 4), (4, 16), (8, 16)))
    p.drawLine(QPointF(14, 11), QPointF(14, 17))
    p.drawLine(QPointF(11, 14), QPointF(17, 14))


def _delete(p: QPainter) -> None:
    p.drawLine(QPointF(4, 6.5), QPointF(20, 6.5))
    p.drawPath(_path((9, 6.5), (9.5, 3.5), (14.5, 3.5), (15, 6.5)))
    p.drawPath(_path((6, 6.5), (7, 20.5), (17, 20.5), (18, 6.5)))
    p.drawLine(QPointF(10.2, 10.5), QPointF(10.5, 17))
    p.drawLine(QPointF(13.8, 10.5), QPointF(13.5, 17))


def _fit(p: QPainter) -> None:
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        cx, cy = 12 - sx * 8, 12 - sy * 8
        p.drawPath(_path((cx, cy + sy * 5), (cx, cy), (cx + sx * 5, cy)))
    p.drawRoundedRect(QRectF(9, 9, 6, 6), 1.5, 1.5)


def _layout(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(2.5, 9.5, 5, 5), 1.2, 1.2)
    p.drawRoundedRect(QRectF(16.5, 3.5, 5, 5), 1.2, 1.2)
    p.drawRoundedRect(QRectF(16.5, 15.5, 5, 5), 1.2, 1.2)
    path = QPainterPath(QPointF(7.5, 12))
    path.cubicTo(12, 12, 12, 6, 16.5, 6)
    path.moveTo(7.5, 12)
    path.cubicTo(12, 12, 12, 18, 16.5, 18)
    p.drawPath(path)


def _snap(p: QPainter) -> None:
    p.save()
    p.setBrush(p.pen().color())
    p.setPen(Qt.PenStyle.NoPen)
    for x in (5, 12, 19):
        for y in (5, 12, 19):
            p.drawEllipse(QPointF(x, y), 1.5, 1.5)
    p.restore()
    p.drawRoundedRect(QRectF(8.5, 8.5, 7, 7), 1.5, 1.5)


def _theme(p: QPainter) -> None:
    p.drawEllipse(QPointF(12, 12), 8, 8)
    half = QPainterPath(QPointF(12, 4))
    half.arcTo(QRectF(4, 4, 16, 16), 90, 180)
    half.closeSubpath()
    p.save()
    p.setBrush(p.pen().color())
    p.drawPath(half)
    p.restore()


def _code(p: QPainter) -> None:
    p.drawPath(_path((8, 7), (3, 12), (8, 17)))
    p.drawPath(_path((16, 7), (21, 12), (16, 17)))
    p.drawLine(QPointF(13.5, 5), QPointF(10.5, 19))


def _add(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(4, 4, 16, 16), 3, 3)
    p.drawLine(QPointF(12, 8), QPointF(12, 16))
    p.drawLine(QPointF(8, 12), QPointF(16, 12))


def _error(p: QPainter) -> None:
    colour = p.pen().color()
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawEllipse(QPointF(12, 12), 9, 9)
    p.restore()
    _mark(p)


def _warning(p: QPainter) -> None:
    colour = p.pen().color()
    p.save()
    p.setBrush(colour)
    p.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.drawPath(_path((12, 3.5), (21, 19.5), (3, 19.5), (12, 3.5)))
    p.restore()
    _mark(p, top=9, bottom=13.5, dot=16.6)


def _mark(p: QPainter, top: float = 7, bottom: float = 13, dot: float = 16.5) -> None:
    """The white exclamation mark of the error and warning badges."""
    p.save()
    p.setPen(QPen(QColor("white"), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(QPointF(12, top), QPointF(12, bottom))
    p.drawPoint(QPointF(12, dot))
    p.restore()


def _ok(p: QPainter) -> None:
    p.save()
    p.setPen(QPen(p.pen().color(), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.drawPath(_path((5, 12.5), (10, 17.5), (19, 7)))
    p.restore()


def _keyboard(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(2.5, 6, 19, 12), 2, 2)
    for x in (6, 10, 14, 18):
        p.drawPoint(QPointF(x, 10))
    p.drawLine(QPointF(8, 14.2), QPointF(16, 14.2))


def _info(p: QPainter) -> None:
    p.drawEllipse(QPointF(12, 12), 9, 9)
    p.drawLine(QPointF(12, 11), QPointF(12, 16.5))
    p.drawPoint(QPointF(12, 7.8))


def _search(p: QPainter) -> None:
    p.drawEllipse(QPointF(10.5, 10.5), 6, 6)
    p.drawLine(QPointF(15, 15), QPointF(20, 20))


_DRAWINGS: dict[str, Draw] = {
    "new": _new,
    "open": _open,
    "save": _save,
    "save_as": _save_as,
    "undo": _undo,
    "redo": _redo,
    "cut": _cut,
    "copy": _copy,
    "paste": _paste,
    "duplicate": _duplicate,
    "delete": _delete,
    "fit": _fit,
    "layout": _layout,
    "snap": _snap,
    "theme": _theme,
    "code": _code,
    "add": _add,
    "error": _error,
    "warning": _warning,
    "ok": _ok,
    "keyboard": _keyboard,
    "info": _info,
    "search": _search,
}

ICON_NAMES = tuple(_DRAWINGS)


def icon(name: str, colour: str | None = None) -> QIcon:
    """The icon called `name` (see ICON_NAMES), in `colour` or the palette's text colour."""
    return QIcon(_PainterIconEngine(_DRAWINGS[name], colour))
