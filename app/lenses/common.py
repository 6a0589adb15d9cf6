"""What every lens shares: a header (title and a plain-words explanation), plots styled
like the live training views, a legend and a caption in the theme's colours.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.theme import Theme, current_theme
from app.training.views.style import PlotColors, plot_colors, run_color, style_plot

MARGIN = 12
CURVE_WIDTH = 2.4


class Lens(QWidget):
    """A standalone view of one concept: a title, an explanation, then its content
    (added by the subclass to `self.body`). `set_theme` restyles it."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors = plot_colors(current_theme())
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.setSpacing(6)
        self.title = label(title, "title")
        self.explanation = label(explanation, "explanation")
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        self.body = layout

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        # Only what it needs at this width: in a scroll area (its dock below the canvas)
        # the lens fills the height it gets and scrolls only when that is less.
        return self.layout().totalMinimumHeightForWidth(width)

    def set_theme(self, theme: Theme) -> None:
        self.colors = plot_colors(theme)
        self.restyle()

    def restyle(self) -> None:
        """Re-apply colours to every plot item (the subclass's part)."""

    def series(self, index: int) -> QColor:
        return run_color(index, self.colors.dark)


def label(text: str, role: str | None = None, wrap: bool = True, rich: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    return widget


def make_plot(colors: PlotColors, bottom: str = "", left: str = "") -> pg.PlotWidget:
    """A still plot (no mouse pan or zoom: a lens shows one picture) with labelled axes."""
    widget = pg.PlotWidget()
    widget.setAntialiasing(True)
    widget.setMinimumHeight(180)
    plot = widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getViewBox().setMouseEnabled(x=False, y=False)
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    style(widget, colors)
    return widget


def style(widget: pg.PlotWidget, colors: PlotColors, grid: bool = True) -> None:
    widget.setBackground(colors.background)
    style_plot(widget.getPlotItem(), colors, grid=grid)


def legend_html(entries: list[tuple[QColor, str, bool]], colors: PlotColors) -> str:
    """A one-line legend for a label above a plot: (colour, name, dashed) per curve.

    Outside the plot, so it never hides a curve."""
    parts = []
    for color, name, dashed in entries:
        swatch = "╌╌" if dashed else "━━"
        parts.append(f"<span style='color:{color.name()}; font-weight:700'>{swatch}</span>&nbsp;{escape(name)}")
    return f"<span style='color:{colors.text.name()}'>" + "&nbsp;&nbsp;&nbsp; ".join(parts) + "</span>"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pen(color: QColor | str, width: float = CURVE_WIDTH, dashed: bool = False) -> pg.QtGui.QPen:
    style_ = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    result = pg.mkPen(color, width=width, style=style_)
    result.setCapStyle(Qt.PenCapStyle.RoundCap)
    return result


def histogram(values: np.ndarray, low: float, high: float, bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges, counts scaled so the tallest bar is 1) of the finite values."""
    finite = values[np.isfinite(values)]
    counts, edges = np.histogram(np.clip(finite, low, high), bins=bins, range=(low, high))
    top = counts.max() if counts.size and counts.max() > 0 else 1
    return edges, counts / top


def rug_bars(edges: np.ndarray, heights: np.ndarray, base: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The x and y of a step outline for histogram bars standing on `base`, as one
    connected curve (cheaper than a bar item, and it fills with `fillLevel`)."""
    x = np.repeat(edges, 2)[1:-1]
    y = base + np.repeat(heights, 2) * scale
    return x, y


def nice_ticks(low: float, high: float, count: int = 6) -> list[tuple[float, str]]:
    """About `count` round tick values in [low, high] (steps of 1, 2 or 5 times a power
    of ten), for an axis whose lower part holds something else (a histogram)."""
    span = max(high - low, 1e-12)
    raw = span / max(count, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = np.ceil(low / step) * step
    values = np.round(np.arange(first, high + step * 1e-6, step), 10) + 0.0  # + 0.0: no "-0"
    return [(float(v), f"{v:g}") for v in values]


def set_left_ticks(widget: pg.PlotWidget, low: float, high: float) -> None:
    widget.getPlotItem().getAxis("left").setTicks([nice_ticks(low, high)])
