"""The learning-rate finder's view: the sweep's loss against the learning rate (log
scale), the suggested rate on a line the user may drag, and a button that hands the
chosen rate to whoever trains. The sweep itself runs elsewhere (`graph_core`).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.lenses.common import Lens, label, make_plot, pen, style
from app.training.views.style import with_alpha
from graph_core.training.lr_finder import LRFinderResult


def _tr(text: str) -> str:
    return QCoreApplication.translate("LRFinderView", text)


class LRFinderView(Lens):
    """`set_result` shows a sweep; `run_requested` asks the host to run one (it calls
    `set_running(True)`, then `set_result`); `rate_chosen(lr)` says "use this rate"."""

    run_requested = Signal()
    rate_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Learning-rate finder"),
            _tr(
                "Trains a copy of the network for 100 steps while the learning rate grows from 0.00001 to 10. "
                "Where the loss falls fastest the network learns quickest; where it shoots up the rate is "
                "too large. Drag the line to choose another rate."
            ),
            parent,
        )
        self.result: LRFinderResult | None = None
        self.widget = make_plot(self.colors, _tr("learning rate (log scale)"), _tr("loss"))
        self.widget.setMinimumSize(360, 160)
        self.plot = self.widget.getPlotItem()
        self.plot.setLogMode(x=True)
        # PlotDataItems, not scatter items: only they follow the plot's log scale.
        self.raw = pg.PlotDataItem(pen=None, symbol="o", symbolSize=4, antialias=True)
        self.curve = pg.PlotDataItem(antialias=True)
        self.point = pg.PlotDataItem(pen=None, symbol="o", symbolSize=10, antialias=True)
        self.marker = pg.InfiniteLine(angle=90, movable=True, label="", labelOpts={"position": 0.92})
        self.marker.sigPositionChanged.connect(self._on_drag)
        for item in (self.raw, self.curve, self.marker, self.point):
            self.plot.addItem(item)
        self.marker.hide()
        self.summary = label("", "dim")
        self.find_button = QPushButton(_tr("Find a rate"))
        self.find_button.clicked.connect(self.run_requested)
        self.use_button = QPushButton(_tr("Use this rate"))
        self.use_button.clicked.connect(lambda: self.rate_chosen.emit(self.chosen_rate))
        self.use_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.use_button)
        self.body.addWidget(self.widget, 1)
        self.body.addLayout(buttons)
        self.restyle()
        self.clear()

    @property
    def chosen_rate(self) -> float:
        """The rate under the line (the suggestion unless the user dragged it)."""
        return float(10.0 ** self.marker.value())

    def clear(self) -> None:
        self.result = None
        self.raw.setData([], [])
        self.curve.setData([], [])
        self.point.setData([], [])
        self.marker.hide()
        self.use_button.setEnabled(False)
        self.summary.setText(_tr("No sweep yet: press Find a rate."))

    def set_running(self, running: bool) -> None:
        self.find_button.setEnabled(not running)
        if running:
            self.summary.setText(_tr("Sweeping the learning rate…"))

    def set_result(self, result: LRFinderResult) -> None:
        self.result = result
        self.set_running(False)
        self.raw.setData(result.lrs[: len(result.raw_losses)], result.raw_losses)
        self.curve.setData(result.lrs, result.losses)
        self._fit(result)
        if result.suggestion is None:
            self.marker.hide()
            self.point.setData([], [])
            self.use_button.setEnabled(False)
            self.summary.setText(_tr("The sweep was too short to suggest a rate."))
            return
        self.marker.blockSignals(True)
        self.marker.setValue(math.log10(result.suggestion))
        self.marker.blockSignals(False)
        self.marker.show()
        self.use_button.setEnabled(True)
        self._on_drag()

    def _fit(self, result: LRFinderResult) -> None:
        losses = result.losses[np.isfinite(result.losses)]
        if losses.size == 0:
            return
        low, first = float(losses.min()), float(losses[0])
        # Up to a little above the starting loss: an exploding tail would flatten the rest.
        top = max(first, low) + 0.35 * max(first - low, 0.05 * abs(first))
        self.plot.setYRange(low - 0.15 * (top - low), top, padding=0.0)
        self.plot.setXRange(math.log10(result.lrs[0]), math.log10(result.lrs[-1]), padding=0.02)

    def _on_drag(self) -> None:
        rate = self.chosen_rate
        self.marker.label.setFormat(f"{rate:.2g}")
        result = self.result
        if result is None or result.suggestion is None:
            return
        loss = np.interp(math.log10(rate), np.log10(result.lrs), result.losses)
        self.point.setData([rate], [loss])
        text = _tr("Suggested: {lr} ({how}).").format(lr=f"{result.suggestion:.2g}", how=self._reading(result))
        if not math.isclose(rate, result.suggestion, rel_tol=0.01):
            text += " " + _tr("Chosen: {lr}.").format(lr=f"{rate:.2g}")
        if result.stopped_early:
            text += " " + _tr("The sweep stopped early when the loss exploded.")
        self.summary.setText(text)

    @staticmethod
    def _reading(result: LRFinderResult) -> str:
        if result.steepest is not None and math.isclose(result.suggestion, result.steepest, rel_tol=1e-6):
            return _tr("where the loss falls fastest")
        if math.isclose(result.suggestion, result.min_over_10, rel_tol=1e-6):
            return _tr("a tenth of the rate at the lowest loss")
        return _tr("a hundredth of the rate at the lowest loss")

    def restyle(self) -> None:
        c = self.colors
        style(self.widget, c)
        self.raw.setSymbolPen(pg.mkPen(None))
        self.raw.setSymbolBrush(pg.mkBrush(with_alpha(c.dim, 110)))
        self.point.setSymbolPen(pg.mkPen(c.point_edge, width=1.5))
        self.point.setSymbolBrush(pg.mkBrush(self.series(1)))
        self.curve.setPen(pen(self.series(0), 2.6))
        self.marker.setPen(pen(self.series(1), 2.0, dashed=True))
        self.marker.setHoverPen(pen(self.series(1), 3.0))
        self.marker.label.setColor(self.series(1))
        self.marker.label.fill = pg.mkBrush(with_alpha(c.background, 220))
