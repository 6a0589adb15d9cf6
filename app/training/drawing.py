"""Drawing a data set: a square of the playground's plane where dragging the mouse lays
down points along the stroke and dragging with the right button rubs them out. The
points go to `project.data["points"]` (the "drawn" data set) when a stroke ends.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.i18n import tr
from app.theme import current_theme
from graph_core.data.synthetic import DOMAIN_RADIUS, MAX_DRAWN_POINTS

SPACING = 0.12  # plane units between the points of a stroke
ERASE_RADIUS = 0.4  # plane units around the pointer that the right button rubs out
DOT_RADIUS = 2.6  # pixels
DECIMALS = 3  # the project file keeps points to a thousandth of a unit


def heart(points: int = 140) -> list[list[float]]:
    """A heart outline in the plane (the shape offered before the user draws their own)."""
    shape = []
    for i in range(points):
        t = 2 * math.pi * i / points
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        shape.append([round(0.28 * x, DECIMALS), round(0.28 * y + 0.7, DECIMALS)])
    return shape


class PointsCanvas(QWidget):
    """The plane from -DOMAIN_RADIUS to DOMAIN_RADIUS as a square. `edited(points)` after a
    stroke, an erasure or a clear; `set_points` shows points without emitting."""

    edited = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[list[float]] = []
        self._stroke: str | None = None  # "draw" or "erase" while a button is held
        self._last: tuple[float, float] | None = None
        self._changed = False
        self.setMouseTracking(False)
        self.setMinimumSize(180, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(tr("Drag to draw points; drag with the right button to rub them out"))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 240)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self.setFixedHeight(max(self.minimumHeight(), min(self.width(), 320)))
        super().resizeEvent(event)

    def set_points(self, points: list) -> None:
        self.points = [[float(x), float(y)] for x, y in points]
        self.update()

    # ---- plane <-> pixels --------------------------------------------------------------------------
    def _square(self) -> QRectF:
        side = min(self.width(), self.height()) - 2
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_plane(self, position: QPointF) -> tuple[float, float]:
        square = self._square()
        x = (position.x() - square.left()) / square.width() * 2 * DOMAIN_RADIUS - DOMAIN_RADIUS
        y = DOMAIN_RADIUS - (position.y() - square.top()) / square.height() * 2 * DOMAIN_RADIUS
        return x, y

    def to_pixels(self, x: float, y: float) -> QPointF:
        square = self._square()
        return QPointF(
            square.left() + (x + DOMAIN_RADIUS) / (2 * DOMAIN_RADIUS) * square.width(),
            square.top() + (DOMAIN_RADIUS - y) / (2 * DOMAIN_RADIUS) * square.height(),
        )

    # ---- strokes --------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        self._stroke = "draw" if button == Qt.MouseButton.LeftButton else "erase"
        self._last = None
        self._changed = False
        self._apply(self.to_plane(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._stroke is not None:
            self._apply(self.to_plane(event.position()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._stroke is None:
            return
        self._apply(self.to_plane(event.position()))  # the stroke ends where the button is let go
        self._stroke, self._last = None, None
        if self._changed:
            self._changed = False
            self.edited.emit([list(p) for p in self.points])

    def _apply(self, at: tuple[float, float]) -> None:
        if self._stroke == "erase":
            self._erase(at)
        else:
            self._draw_to(at)
        self.update()

    def _draw_to(self, at: tuple[float, float]) -> None:
        """Points every SPACING along the straight line from the last point to `at` (a
        fast stroke still comes out continuous); points off the plane are not kept."""
        x, y = at
        if abs(x) > DOMAIN_RADIUS or abs(y) > DOMAIN_RADIUS:
            self._last = None
            return
        if self._last is None:
            self._add(x, y)
            return
        x0, y0 = self._last
        distance = math.hypot(x - x0, y - y0)
        for i in range(1, int(distance / SPACING) + 1):
            f = i * SPACING / distance
            self._add(x0 + (x - x0) * f, y0 + (y - y0) * f)

    def _add(self, x: float, y: float) -> None:
        self._last = (x, y)
        if len(self.points) < MAX_DRAWN_POINTS:
            self.points.append([round(x, DECIMALS), round(y, DECIMALS)])
            self._changed = True

    def _erase(self, at: tuple[float, float]) -> None:
        x, y = at
        kept = [p for p in self.points if math.hypot(p[0] - x, p[1] - y) > ERASE_RADIUS]
        if len(kept) != len(self.points):
            self.points = kept
            self._changed = True

    def clear(self) -> None:
        if self.points:
            self.points = []
            self.update()
            self.edited.emit([])

    def use_points(self, points: list) -> None:
        """Replace the drawing (an example shape) as if drawn."""
        self.set_points(points)
        self.edited.emit([list(p) for p in self.points])

    # ---- painting ---------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        theme = current_theme()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        square = self._square()
        painter.fillRect(square, QColor(theme.list_bg))
        grid = QColor(theme.border)
        grid.setAlpha(90)
        painter.setPen(QPen(grid, 1))
        for v in range(-int(DOMAIN_RADIUS) + 1, int(DOMAIN_RADIUS)):
            a, b = self.to_pixels(v, -DOMAIN_RADIUS), self.to_pixels(v, DOMAIN_RADIUS)
            painter.drawLine(a, b)
            a, b = self.to_pixels(-DOMAIN_RADIUS, v), self.to_pixels(DOMAIN_RADIUS, v)
            painter.drawLine(a, b)
        painter.setPen(QPen(QColor(theme.border), 1))
        painter.drawLine(self.to_pixels(0, -DOMAIN_RADIUS), self.to_pixels(0, DOMAIN_RADIUS))
        painter.drawLine(self.to_pixels(-DOMAIN_RADIUS, 0), self.to_pixels(DOMAIN_RADIUS, 0))
        painter.drawRect(square)
        if not self.points:
            painter.setPen(QColor(theme.text_dim))
            painter.drawText(square, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.toolTip())
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.accent))
        dots = QPainterPath()
        for x, y in self.points:
            dots.addEllipse(self.to_pixels(x, y), DOT_RADIUS, DOT_RADIUS)
        painter.drawPath(dots)


class DrawingEditor(QWidget):
    """The canvas with its point count and the Clear and Heart buttons."""

    edited = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = PointsCanvas()
        self.canvas.edited.connect(self._on_edited)
        self.count = QLabel()
        self.count.setProperty("role", "dim")
        self.clear_button = QPushButton(tr("Clear"))
        self.clear_button.clicked.connect(self.canvas.clear)
        self.heart_button = QPushButton(tr("Heart"))
        self.heart_button.setToolTip(tr("Start from a heart"))
        self.heart_button.clicked.connect(lambda: self.canvas.use_points(heart()))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.count, 1)
        row.addWidget(self.heart_button)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.canvas)
        layout.addLayout(row)
        self._show_count()

    def set_points(self, points: list) -> None:
        self.canvas.set_points(points)
        self._show_count()

    def _on_edited(self, points: list) -> None:
        self._show_count()
        self.edited.emit(points)

    def _show_count(self) -> None:
        self.count.setText(tr("{count} points").format(count=len(self.canvas.points)))
