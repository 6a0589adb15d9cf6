"""The timeline slider: a slider over the epochs a `Timeline` kept weights for, above a
small picture of the loss curves with the chosen epoch marked. Moving it asks the host
to show that epoch (`epoch_chosen`); "Live" goes back to following the run.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSlider, QStyle, QWidget

from app.lenses.common import Lens, label, legend_html, make_plot, pen, style
from app.training.views.style import with_alpha
from graph_core.training.events import EpochEvent

SPARKLINE_HEIGHT = 110


def _tr(text: str) -> str:
    return QCoreApplication.translate("TimelineSlider", text)


class TimelineSlider(Lens):
    """`set_epochs` gives the epochs that can be shown, `set_history` the curves. While
    live, the slider follows the newest epoch without emitting; once moved, it stays.
    """

    epoch_chosen = Signal(int)
    live_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Training timeline"),
            _tr("Slide back through the run: the curves, the decision boundary and the node previews show that epoch."),
            parent,
        )
        self.epochs: list[int] = []
        self.total_epochs: int | None = None
        self.live = True
        self.history: list[EpochEvent] = []
        self.legend = label("", rich=True, wrap=False)
        self.spark = make_plot(self.colors)
        self.spark.setMinimumHeight(SPARKLINE_HEIGHT)
        self.spark.setMaximumHeight(SPARKLINE_HEIGHT + 40)
        self.spark_plot = self.spark.getPlotItem()
        self.spark_plot.hideAxis("left")
        self.train_curve = pg.PlotDataItem(antialias=True)
        self.val_curve = pg.PlotDataItem(antialias=True, connect="finite")
        # The plot's geometry settles only after the layout has run: align the slider
        # once events are processed, whenever the plot or the range may have moved.
        self._align_timer = QTimer(self)
        self._align_timer.setSingleShot(True)
        self._align_timer.setInterval(0)
        self._align_timer.timeout.connect(self._align_slider_now)
        self.spark_plot.getViewBox().sigResized.connect(self._align_slider)
        self.spark_plot.getViewBox().sigXRangeChanged.connect(self._align_slider)
        self.cursor = pg.InfiniteLine(angle=90, movable=True)
        self.cursor.sigPositionChangeFinished.connect(self._on_cursor_dropped)
        for item in (self.train_curve, self.val_curve, self.cursor):
            self.spark_plot.addItem(item)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.valueChanged.connect(self._on_slide)
        self.position = label("", "section", wrap=False)
        self.live_button = QPushButton(_tr("Live"))
        self.live_button.setCheckable(True)
        self.live_button.setChecked(True)
        self.live_button.clicked.connect(self.go_live)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.legend, 1)
        top.addWidget(self.position)
        top.addWidget(self.live_button)
        # The slider sits right under the plot, its groove lined up with the epochs axis.
        self.slider_row = QHBoxLayout()
        self.slider_row.addWidget(self.slider)
        self.body.addLayout(top)
        self.body.addWidget(self.spark)
        self.body.addLayout(self.slider_row)
        self.body.addStretch(1)
        self.restyle()
        self._show_position()

    # ---- public ------------------------------------------------------------------------

    @property
    def epoch(self) -> int | None:
        """The epoch shown (the newest while live), or None before any checkpoint."""
        return self.epochs[self.slider.value()] if self.epochs else None

    def set_epochs(self, epochs: Sequence[int], total_epochs: int | None = None) -> None:
        """The epochs with weights, e.g. `Timeline.epochs`; `total_epochs` of the run."""
        chosen = self.epoch
        self.epochs = sorted(int(e) for e in epochs)
        self.total_epochs = total_epochs
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self.epochs) - 1, 0))
        self.slider.setTickInterval(max(1, len(self.epochs) // 20))
        if self.live or chosen is None:
            self.slider.setValue(self.slider.maximum())
        else:  # a thinned timeline may have dropped the chosen epoch: keep the nearest before
            self.slider.setValue(max(bisect.bisect_right(self.epochs, chosen) - 1, 0))
        self.slider.blockSignals(False)
        self._show_position()

    def set_history(self, history: Sequence[EpochEvent]) -> None:
        """The epoch events of the run, drawn as training and validation loss."""
        self.history = list(history)
        epochs = np.array([e.epoch for e in self.history], dtype=float)
        train = np.array([e.train_loss for e in self.history], dtype=float)
        val = np.array([np.nan if e.val_loss is None else e.val_loss for e in self.history], dtype=float)
        self.train_curve.setData(epochs, train)
        self.val_curve.setData(epochs[np.isfinite(val)], val[np.isfinite(val)])
        self._show_position()

    def select_epoch(self, epoch: int) -> None:
        """Show the recorded epoch at or before `epoch` (leaves live mode)."""
        if not self.epochs:
            return
        index = max(bisect.bisect_right(self.epochs, epoch) - 1, 0)
        if index == self.slider.value():
            self._leave_live()
            self.epoch_chosen.emit(self.epochs[index])
        self.slider.setValue(index)

    def go_live(self) -> None:
        self.live = True
        self.live_button.setChecked(True)
        self.slider.blockSignals(True)
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self._show_position()
        self.live_requested.emit()

    # ---- internals ---------------------------------------------------------------------

    def _on_slide(self, index: int) -> None:
        if not self.epochs:
            return
        self._leave_live()
        self._show_position()
        self.epoch_chosen.emit(self.epochs[index])

    def _leave_live(self) -> None:
        self.live = False
        self.live_button.setChecked(False)

    def _on_cursor_dropped(self) -> None:
        self.select_epoch(round(self.cursor.value()))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._align_slider()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._align_slider()

    def _align_slider(self, *_) -> None:
        self._align_timer.start()

    def _align_slider_now(self) -> None:
        """Indent the slider so its handle stands under its epoch on the plot."""
        if not self.epochs:
            return
        view = self.spark_plot.getViewBox()
        left = view.mapViewToDevice(pg.QtCore.QPointF(self.epochs[0], 0))
        right = view.mapViewToDevice(pg.QtCore.QPointF(self.epochs[-1], 0))
        if left is None or right is None:
            return
        half_handle = self.slider.style().pixelMetric(QStyle.PixelMetric.PM_SliderLength, None, self.slider) / 2
        start = self.spark.mapTo(self, pg.QtCore.QPoint(round(left.x()), 0)).x() - self.body.contentsMargins().left()
        end = self.spark.mapTo(self, pg.QtCore.QPoint(round(right.x()), 0)).x() - self.body.contentsMargins().left()
        inner = self.width() - self.body.contentsMargins().left() - self.body.contentsMargins().right()
        self.slider_row.setContentsMargins(
            max(round(start - half_handle), 0), 0, max(round(inner - end - half_handle), 0), 0
        )

    def _show_position(self) -> None:
        epoch = self.epoch
        if epoch is None:
            self.position.setText(_tr("No checkpoints yet"))
            self.cursor.hide()
            return
        total = self.total_epochs if self.total_epochs is not None else self.epochs[-1]
        text = _tr("Epoch {epoch} of {total}").format(epoch=epoch, total=total)
        self.position.setText(text)
        self.cursor.blockSignals(True)
        self.cursor.setValue(epoch)
        self.cursor.blockSignals(False)
        self.cursor.show()
        self.spark_plot.setXRange(self.epochs[0], self.epochs[-1], padding=0.0)
        self._align_slider()

    def restyle(self) -> None:
        c = self.colors
        style(self.spark, c, grid=False)
        self.train_curve.setPen(pen(self.series(0), 2.0))
        self.val_curve.setPen(pen(self.series(1), 2.0))
        self.cursor.setPen(pg.mkPen(with_alpha(c.text, 170), width=1.5))
        entries = [(self.series(0), _tr("training loss"), False), (self.series(1), _tr("validation loss"), False)]
        self.legend.setText(legend_html(entries, c))
