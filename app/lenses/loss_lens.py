"""The loss lens: regression losses against the error and classification losses against
the margin, computed with torch's own loss functions, with the current batch's errors
or margins marked on every curve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGridLayout, QWidget
from torch.nn import functional as F

from app.lenses.common import Lens, histogram, label, legend_html, make_plot, pen, rug_bars, set_left_ticks, style
from app.training.views.style import with_alpha

Kind = Literal["error", "margin"]
X_RANGE = (-3.0, 3.0)
Y_TOP = 4.0
SAMPLES = 601
MAX_MARKERS = 200


@dataclass(frozen=True)
class LossCurve:
    name: str
    kind: Kind
    function: Callable[[torch.Tensor], torch.Tensor]
    color: int  # index into the series palette
    dashed: bool = False


def _ones(t: torch.Tensor) -> torch.Tensor:
    return torch.ones_like(t)


LOSSES = (
    LossCurve("MSE", "error", lambda e: F.mse_loss(e, torch.zeros_like(e), reduction="none"), 0),
    LossCurve("MAE", "error", lambda e: F.l1_loss(e, torch.zeros_like(e), reduction="none"), 1),
    LossCurve("Smooth L1", "error", lambda e: F.smooth_l1_loss(e, torch.zeros_like(e), reduction="none"), 2),
    # With a margin m (the right class's score minus the other's), binary cross-entropy
    # on the logit m with target 1 is the multi-class cross-entropy of two scores.
    LossCurve(
        "cross-entropy", "margin", lambda m: F.binary_cross_entropy_with_logits(m, _ones(m), reduction="none"), 0
    ),
    LossCurve("hinge", "margin", lambda m: F.relu(1 - m), 3),
    LossCurve("0-1", "margin", lambda m: (m <= 0).to(m.dtype), 4, dashed=True),
)


def loss_values(curve: LossCurve, x: np.ndarray) -> np.ndarray:
    return curve.function(torch.as_tensor(np.asarray(x, dtype=np.float64))).numpy()


def classification_margins(output, labels) -> np.ndarray:
    """Each sample's margin: the right class's score minus the best other score, or
    (±1)·score for a single output (class 1 positive). Positive means right."""
    scores = np.asarray(output, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64).reshape(-1)
    scores = scores.reshape(len(scores), -1)
    if scores.shape[1] == 1:
        return np.where(labels == 1, 1.0, -1.0) * scores[:, 0]
    rows = np.arange(len(scores))
    right = scores[rows, labels]
    others = scores.copy()
    others[rows, labels] = -np.inf
    return right - others.max(axis=1)


def regression_errors(output, target) -> np.ndarray:
    """Prediction minus target, every output value of every sample."""
    return (np.asarray(output, dtype=np.float64) - np.asarray(target, dtype=np.float64)).reshape(-1)


def _tr(text: str) -> str:
    return QCoreApplication.translate("LossLens", text)


class _Panel:
    """One plot: the losses of one kind, their batch markers and the batch histogram."""

    def __init__(self, lens: LossLens, kind: Kind, title: str, bottom: str, about: str) -> None:
        self.kind = kind
        self.curves = [c for c in LOSSES if c.kind == kind]
        self.title = label(title, "section", wrap=False)
        self.legend = label("", rich=True)
        self.widget = make_plot(lens.colors, bottom, _tr("loss"))
        self.widget.setMinimumSize(260, 150)
        self.plot = self.widget.getPlotItem()
        self.rug = pg.PlotDataItem()
        self.plot.addItem(self.rug)
        self.axis_line = pg.InfiniteLine(pos=0.0, angle=90)
        self.plot.addItem(self.axis_line)
        self.items = [pg.PlotDataItem(antialias=True) for _ in self.curves]
        self.markers = [pg.ScatterPlotItem(size=6, antialias=True) for _ in self.curves]
        for item in self.items + self.markers:
            self.plot.addItem(item)
        x = np.linspace(*X_RANGE, SAMPLES)
        for item, curve in zip(self.items, self.curves):
            item.setData(x, loss_values(curve, x))
        self.caption = label("", "dim")
        self.about = label(about, "explanation")
        self.values: np.ndarray | None = None

    def set_values(self, values: np.ndarray | None) -> None:
        self.values = values
        low = -0.32 * Y_TOP if values is not None else -0.1
        self.plot.setXRange(*X_RANGE, padding=0.02)
        self.plot.setYRange(low, Y_TOP, padding=0.0)
        set_left_ticks(self.widget, 0.0, Y_TOP)
        if values is None or values.size == 0:
            self.rug.setData([], [])
            for markers in self.markers:
                markers.setData([], [])
            self.caption.setText(_tr("Train a few steps to mark the current batch here."))
            return
        edges, heights = histogram(values, *X_RANGE)
        x, y = rug_bars(edges, heights, low, 0.28 * Y_TOP)
        self.rug.setData(x, y, fillLevel=low)
        shown = values if values.size <= MAX_MARKERS else np.random.default_rng(0).choice(values, MAX_MARKERS, False)
        for markers, curve in zip(self.markers, self.curves):
            markers.setData(shown, np.minimum(loss_values(curve, shown), Y_TOP))
        self.caption.setText(self._summary(values))

    def _summary(self, values: np.ndarray) -> str:
        means = " · ".join(f"{c.name} {loss_values(c, values).mean():.3g}" for c in self.curves)
        what = _tr("errors") if self.kind == "error" else _tr("margins")
        return _tr("Current batch, {n} {what}: mean {means}").format(n=f"{values.size:,}", what=what, means=means)

    def restyle(self, lens: LossLens) -> None:
        c = lens.colors
        style(self.widget, c)
        entries = []
        for item, markers, curve in zip(self.items, self.markers, self.curves):
            color = lens.series(curve.color)
            item.setPen(pen(color, 2.6, dashed=curve.dashed))
            markers.setPen(pg.mkPen(c.point_edge, width=0.8))
            markers.setBrush(pg.mkBrush(color))
            entries.append((color, curve.name, curve.dashed))
        self.legend.setText(legend_html(entries, c))
        self.axis_line.setPen(pg.mkPen(with_alpha(c.dim, 110), width=1))
        self.rug.setPen(pg.mkPen(with_alpha(c.dim, 170), width=1))
        self.rug.setBrush(pg.mkBrush(with_alpha(c.dim, 50)))
        self.set_values(self.values)


class LossLens(Lens):
    """The losses side by side; `set_batch(values, kind)` marks a batch's errors
    (regression) or margins (classification)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Loss functions"),
            _tr(
                "A loss turns each answer into one number to minimise. Regression losses grow with the error "
                "(prediction − target); classification losses shrink as the margin grows (how far the right "
                "class's score is ahead of the others: positive is right, negative is wrong)."
            ),
            parent,
        )
        self.panels = {
            "error": _Panel(
                self,
                "error",
                _tr("Regression: loss against the error"),
                _tr("error = prediction − target"),
                _tr(
                    "MSE punishes large errors most, so outliers pull hard; MAE treats every unit of error "
                    "alike; Smooth L1 is squared near zero and linear beyond 1: robust to outliers."
                ),
            ),
            "margin": _Panel(
                self,
                "margin",
                _tr("Classification: loss against the margin"),
                _tr("margin = right score − best other score"),
                _tr(
                    "Cross-entropy keeps pushing right answers to be surer; hinge stops once the margin reaches "
                    "1; 0-1 simply counts mistakes, but its slope is zero, so it cannot be trained on."
                ),
            ),
        }
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        for column, panel in enumerate(self.panels.values()):
            grid.addWidget(panel.title, 0, column)
            grid.addWidget(panel.legend, 1, column)
            grid.addWidget(panel.widget, 2, column)
            grid.addWidget(panel.caption, 3, column)
            grid.addWidget(panel.about, 4, column)
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(2, 1)
        self.body.addLayout(grid, 1)
        self.restyle()

    def set_batch(self, values, kind: Kind = "margin") -> None:
        """Mark a batch: `values` are errors (kind "error") or margins ("margin"); see
        `regression_errors` and `classification_margins`."""
        if kind not in self.panels:
            raise ValueError(f"kind must be 'error' or 'margin', got {kind!r}")
        self.panels[kind].set_values(np.asarray(values, dtype=np.float64).reshape(-1))

    def clear_batch(self) -> None:
        for panel in self.panels.values():
            panel.set_values(None)

    def restyle(self) -> None:
        for panel in self.panels.values():
            panel.restyle(self)
