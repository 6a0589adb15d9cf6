"""The activation lens: every activation function of the catalogue with its slope, drawn
from the real torch modules, and (for a node the user points at) where that node's
current inputs fall on its curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QCoreApplication, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QVBoxLayout, QWidget
from torch import nn

from app.lenses.common import Lens, histogram, label, legend_html, make_plot, pen, rug_bars, set_left_ticks, style
from app.training.views.style import with_alpha
from graph_core.nn_extra import Step
from graph_core.registry import get_spec

X_RANGE = (-5.0, 5.0)
SAMPLES = 501
FLAT_SLOPE = 0.05  # below this slope, little gradient flows back
MAX_MARKERS = 300
SOFTMAX_OTHERS = (1.0, -1.0)  # the fixed scores z2, z3 of the softmax example
SPACING = 12
ICON_SIZE = (34, 20)
OUTPUT_COLORS, SLOPE_COLOR = (0, 2, 4), 1  # indices into the series palette


@dataclass(frozen=True)
class ActivationInfo:
    name: str
    formula: str


ACTIVATIONS = (
    ActivationInfo("Step", "step(x) = 1 if x > 0, else 0"),
    ActivationInfo("Sigmoid", "σ(x) = 1 / (1 + e⁻ˣ)"),
    ActivationInfo("Tanh", "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)"),
    ActivationInfo("ReLU", "ReLU(x) = max(0, x)"),
    ActivationInfo("LeakyReLU", "LeakyReLU(x) = x if x > 0, else a·x"),
    ActivationInfo("ELU", "ELU(x) = x if x > 0, else α(eˣ − 1)"),
    ActivationInfo("GELU", "GELU(x) = x · Φ(x)"),
    ActivationInfo("SiLU", "SiLU(x) = x · σ(x)"),
    ActivationInfo("Softplus", "Softplus(x) = log(1 + eˣ)"),
    ActivationInfo("Softmax", "softmax(z)ᵢ = eᶻⁱ / Σⱼ eᶻʲ,   z = (x, 1, −1)"),
)
NAMES = tuple(info.name for info in ACTIVATIONS)


@dataclass(frozen=True)
class Curves:
    """An activation sampled on X_RANGE: outputs (one column per output: three for
    softmax) and the slope of the first output."""

    x: np.ndarray
    y: np.ndarray
    slope: np.ndarray


def make_activation(name: str, params: dict | None = None) -> nn.Module:
    """The torch module a node of this type runs (Softmax over the last dimension)."""
    if name == "Step":
        return Step()
    if name == "Softmax":
        return nn.Softmax(dim=-1)
    return getattr(nn, name)(**(params or {}))


def activation_curves(name: str, params: dict | None = None, x: np.ndarray | None = None) -> Curves:
    """Outputs and slopes of the activation, by autograd through the real module.

    Step's slope is its true one, 0 (training passes gradients straight through it).
    """
    xs = np.linspace(*X_RANGE, SAMPLES) if x is None else np.asarray(x, dtype=np.float64)
    t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    module = make_activation(name, params)
    if name == "Softmax":
        others = torch.tensor(SOFTMAX_OTHERS, dtype=torch.float64).expand(len(xs), 2)
        out = module(torch.cat([t[:, None], others], dim=1))
    else:
        out = module(t)[:, None]
    (slope,) = torch.autograd.grad(out[:, 0].sum(), t)
    if name == "Step":
        slope = torch.zeros_like(slope)
    return Curves(xs, out.detach().numpy(), slope.numpy())


def _tr(text: str) -> str:
    return QCoreApplication.translate("ActivationLens", text)


class ActivationLens(Lens):
    """Pick a function on the left; its curve (solid) and slope (dashed) are on the
    right. `set_node_inputs` marks where a node's inputs fall on its curve."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Activation functions"),
            _tr(
                "An activation bends a neuron's weighted sum. The solid curve is the function, the dashed "
                "one its slope: backpropagation multiplies the gradient by that slope, so where it is near "
                "zero almost nothing flows back and learning stalls."
            ),
            parent,
        )
        self.name = NAMES[0]
        self.params: dict = {}
        # The node being looked at: its type, parameters and current inputs.
        self.node_id: str | None = None
        self.node_type: str | None = None
        self.node_params: dict = {}
        self.node_values: np.ndarray | None = None
        self.curves: Curves | None = None
        self.list = QListWidget()
        self.list.addItems(NAMES)
        self.list.setFixedWidth(160)
        self.list.setIconSize(QSize(*ICON_SIZE))
        self.list.setSpacing(1)
        self.list.currentTextChanged.connect(self._on_pick)
        self.formula = label("", "section", wrap=False)
        self.plot_widget = make_plot(self.colors)
        self.plot_widget.setMinimumSize(320, 160)
        self.plot = self.plot_widget.getPlotItem()
        self.legend = label("", rich=True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._build_items()
        self.caption = label("", "dim")
        self.about = label("", "explanation")
        self._layout()
        self.list.setCurrentRow(NAMES.index("Sigmoid"))

    def _layout(self) -> None:
        right = QVBoxLayout()
        right.setSpacing(6)
        header = QHBoxLayout()
        header.addWidget(self.formula)
        header.addWidget(self.legend, 1)
        right.addLayout(header)
        right.addWidget(self.plot_widget, 1)
        right.addWidget(self.caption)
        right.addWidget(self.about)
        row = QHBoxLayout()
        row.setSpacing(SPACING)
        row.addWidget(self.list)
        row.addLayout(right, 1)
        self.body.addLayout(row, 1)

    def _build_items(self) -> None:
        self.rug = pg.PlotDataItem(stepMode=None, fillLevel=0.0)
        self.plot.addItem(self.rug)
        self.zero_line = pg.InfiniteLine(pos=0.0, angle=0)
        self.plot.addItem(self.zero_line)
        self.outputs = [pg.PlotDataItem(antialias=True) for _ in range(3)]
        self.slope = pg.PlotDataItem(antialias=True)
        for item in self.outputs:
            self.plot.addItem(item)
        self.plot.addItem(self.slope)
        self.markers = pg.ScatterPlotItem(size=7, antialias=True)
        self.plot.addItem(self.markers)
        self.restyle()

    # ---- public ------------------------------------------------------------------------

    def show_function(self, name: str) -> None:
        """Show one activation of the catalogue."""
        if name not in NAMES:
            raise KeyError(f"the activation lens has no curve for {name!r}; it shows {', '.join(NAMES)}")
        if self.list.currentItem() is not None and self.list.currentItem().text() == name:
            self._on_pick(name)
        else:
            self.list.setCurrentRow(NAMES.index(name))  # calls _on_pick

    def set_node_inputs(self, type_name: str, values, node_id: str | None = None, params: dict | None = None) -> None:
        """Show a node's own curve (its type, with its parameters) and mark its current
        inputs: a histogram along the bottom, points on the curve, and a caption saying
        how many sit where the curve is flat."""
        if type_name not in NAMES:
            raise KeyError(f"the activation lens has no curve for {type_name!r}; it shows {', '.join(NAMES)}")
        self.node_id, self.node_type, self.node_params = node_id, type_name, dict(params or {})
        self.node_values = np.asarray(values, dtype=np.float64).reshape(-1)
        self.show_function(type_name)

    def clear_node_inputs(self) -> None:
        self.node_id, self.node_type, self.node_params, self.node_values = None, None, {}, None
        self._on_pick(self.name)

    @property
    def showing_node(self) -> bool:
        return self.node_values is not None and self.node_type == self.name

    # ---- drawing -----------------------------------------------------------------------

    def _on_pick(self, name: str) -> None:
        if not name:
            return
        self.name = name
        self.params = self.node_params if name == self.node_type else {}
        self._redraw()

    def _redraw(self) -> None:
        info = ACTIVATIONS[NAMES.index(self.name)]
        self.curves = activation_curves(self.name, self.params)
        self.formula.setText(info.formula)
        bottom = _tr("x = z₁ (the first score)") if self.name == "Softmax" else _tr("x (the weighted sum)")
        self.plot.setLabel("bottom", bottom)
        self.about.setText(get_spec(self.name).explanation)
        self._draw_curves()
        low, high, curves_low = self._y_range()
        self._draw_node_inputs(low, high)
        self.plot.setXRange(*X_RANGE, padding=0.02)
        self.plot.setYRange(low, high, padding=0.0)
        set_left_ticks(self.plot_widget, curves_low, high)

    def _draw_curves(self) -> None:
        c = self.curves
        softmax = c.y.shape[1] == 3
        names = [_tr("softmax(z)₁"), _tr("softmax(z)₂"), _tr("softmax(z)₃")] if softmax else ["f(x)"]
        entries = []
        for index, item in enumerate(self.outputs):
            if index < c.y.shape[1]:
                item.setData(c.x, c.y[:, index])
                entries.append((self.series(OUTPUT_COLORS[index]), names[index], False))
            else:
                item.setData([], [])
        self.slope.setData(c.x, c.slope)
        entries.append((self.series(SLOPE_COLOR), _tr("slope ∂p₁/∂x") if softmax else _tr("slope f′(x)"), True))
        self.legend.setText(legend_html(entries, self.colors))

    def _y_range(self) -> tuple[float, float, float]:
        """(bottom of the view, top of the view, bottom of the curves): below the
        curves there is room for the inputs' histogram when a node is shown."""
        c = self.curves
        low = min(float(c.y.min()), float(c.slope.min()), 0.0)
        high = max(float(c.y.max()), float(c.slope.max()), 1.0)
        pad = 0.08 * (high - low)
        under = 0.3 * (high - low) if self.showing_node else 0.0
        return low - pad - under, high + pad, low - pad

    def _draw_node_inputs(self, low: float, high: float) -> None:
        values = self.node_values
        if not self.showing_node or values.size == 0:
            self.rug.setData([], [])
            self.markers.setData([], [])
            self.caption.setText(self._idle_caption())
            return
        edges, heights = histogram(values, *X_RANGE)
        x, y = rug_bars(edges, heights, low, 0.26 * (high - low))
        self.rug.setData(x, y)
        self.rug.setFillLevel(low)
        shown = values if values.size <= MAX_MARKERS else np.random.default_rng(0).choice(values, MAX_MARKERS, False)
        shown = shown[(shown >= X_RANGE[0]) & (shown <= X_RANGE[1])]
        on_curve = activation_curves(self.name, self.params, shown) if shown.size else None
        self.markers.setData(shown, on_curve.y[:, 0] if on_curve is not None else [])
        self.caption.setText(self._inputs_caption(values))

    def _idle_caption(self) -> str:
        if self.name == "Step":
            return _tr(
                "Its true slope is 0 everywhere (undefined at 0), so no gradient would flow; NeuroLoom trains "
                "through it with the straight-through slope of 1."
            )
        return _tr("Point at an activation node to see where its inputs fall on the curve.")

    def _inputs_caption(self, values: np.ndarray) -> str:
        slopes = activation_curves(self.name, self.params, values).slope
        flat = float(np.mean(np.abs(slopes) < FLAT_SLOPE))
        outside = float(np.mean((values < X_RANGE[0]) | (values > X_RANGE[1])))
        who = self.node_id or _tr("this node")
        text = _tr("{who}: {n} inputs; {flat:.0%} fall where the slope is below {limit}, so little gradient flows back")
        text = text.format(who=who, n=f"{values.size:,}", flat=flat, limit=FLAT_SLOPE)
        if outside > 0:
            text += _tr(" ({share:.0%} lie beyond the plotted range)").format(share=outside)
        return text + "."

    def restyle(self) -> None:
        c = self.colors
        style(self.plot_widget, c)
        widths = (3.0, 2.2, 2.2)
        for index, item in enumerate(self.outputs):
            item.setPen(pen(self.series(OUTPUT_COLORS[index]), widths[index]))
        self.slope.setPen(pen(self.series(SLOPE_COLOR), 2.2, dashed=True))
        self.zero_line.setPen(pg.mkPen(with_alpha(c.dim, 110), width=1))
        self.rug.setPen(pg.mkPen(with_alpha(c.accent, 160), width=1))
        self.rug.setBrush(pg.mkBrush(with_alpha(c.accent, 55)))
        self.markers.setPen(pg.mkPen(c.point_edge, width=1.0))
        self.markers.setBrush(pg.mkBrush(with_alpha(c.accent, 200)))
        selected = self.palette().highlightedText().color()
        for row, name in enumerate(NAMES):
            self.list.item(row).setIcon(curve_icon(name, self.series(0), c.dim, selected))
        if self.curves is not None:
            self._redraw()


def curve_icon(name: str, color: QColor, axis: QColor, selected: QColor) -> QIcon:
    """A thumbnail of the curve for the list (in `selected` on the selected row)."""
    icon = QIcon(_curve_pixmap(name, color, axis))
    icon.addPixmap(_curve_pixmap(name, selected, selected), QIcon.Mode.Selected)
    return icon


def _curve_pixmap(name: str, color: QColor, axis: QColor) -> QPixmap:
    # Drawn at twice the size, so it stays sharp on high-density screens.
    width, height = ICON_SIZE[0] * 2, ICON_SIZE[1] * 2
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    c = activation_curves(name, x=np.linspace(-4, 4, 41))
    y = c.y[:, 0]
    low, high = min(float(y.min()), 0.0), max(float(y.max()), 1.0)
    to_x = lambda v: 3 + (v + 4) / 8 * (width - 6)  # noqa: E731
    to_y = lambda v: height - 4 - (v - low) / (high - low) * (height - 8)  # noqa: E731
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pg.mkPen(with_alpha(axis, 150), width=1.5))
    painter.drawLine(QPointF(2, to_y(0.0)), QPointF(width - 2, to_y(0.0)))
    path = QPainterPath(QPointF(to_x(c.x[0]), to_y(y[0])))
    for xv, yv in zip(c.x[1:], y[1:]):
        path.lineTo(to_x(xv), to_y(yv))
    painter.setPen(pen(color, 3.5))
    painter.drawPath(path)
    painter.end()
    return pixmap
