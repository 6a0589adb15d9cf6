"""Live training curves: loss (per step, per epoch, validation), accuracy or error rate,
and the learning rate. Earlier runs of the session stay overlaid in muted colours, so
runs can be compared; curves are made once per run and fed with `setData`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.theme import Theme
from app.training.views.style import AXIS_WIDTH, make_plot_widget, plot_colors, run_color, style_plot, with_alpha

EPOCHS, STEPS = "epochs", "steps"
ACCURACY, ERROR_RATE = "accuracy", "error_rate"
MAX_RUNS = 8  # the palette's size: more kept runs would share colours
HOVER_HINT = "Point at the plots to read the values."
MAX_MARKED = 300  # validation points beyond this are drawn as a line only
REDRAW_MS = 15  # new data waits this long, so bursts of signals share one redraw
# ...and redraws come at most this often: a fast run sends updates 30 times a second, and
# redrawing the curves for each took the GUI time the decision boundary and the unit
# pictures need to reach 20 frames a second (curves move smoothly at ~12).
MIN_REDRAW_PERIOD_MS = 80
# Columns of a run's step rows and epoch rows.
S_STEP, S_LOSS, S_LR = range(3)
E_EPOCH, E_STEP, E_TRAIN, E_VAL, E_ACC, E_ERR = range(6)
CURVE_NAMES = ("raw", "train", "val", "metric", "lr")


class Rows:
    """Rows of floats appended in place; the capacity doubles, so appending is amortised
    O(rows added) and column views of the filled part cost nothing."""

    def __init__(self, columns: int, capacity: int = 256) -> None:
        self._data = np.empty((capacity, columns))
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def extend(self, rows: np.ndarray) -> None:
        end = self.size + len(rows)
        if end > len(self._data):
            grown = np.empty((max(end, 2 * len(self._data)), self._data.shape[1]))
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = rows
        self.size = end

    def column(self, index: int) -> np.ndarray:
        return self._data[: self.size, index]

    def row(self, index: int) -> np.ndarray:
        return self._data[index]

    def clear(self) -> None:
        self.size = 0


@dataclass(eq=False)
class Run:
    """One training run's data and its curves (made once, updated with setData)."""

    run_id: str
    label: str
    task: str
    color_index: int
    steps_per_epoch: float | None = None
    planned_epochs: float | None = None  # the x axis can show the whole run from the start
    steps: Rows = field(default_factory=lambda: Rows(3, 1024))
    epochs: Rows = field(default_factory=lambda: Rows(6, 64))
    # Corners of the piecewise-constant learning rate: (step, lr), so a 20,000-step run
    # with a step schedule draws a handful of points, not 20,000.
    lr_points: list[tuple[float, float]] = field(default_factory=list)
    last_lr: tuple[float, float] | None = None
    curves: dict[str, pg.PlotDataItem] = field(default_factory=dict)
    current: bool = True
    marked: bool | None = None  # validation points drawn as dots

    @property
    def classification(self) -> bool:
        return self.task == "classification"

    def add_lr(self, step: float, lr: float) -> None:
        if self.last_lr is None:
            self.lr_points.append((step, lr))
        elif lr != self.last_lr[1]:
            self.lr_points.append(self.last_lr)
            self.lr_points.append((step, lr))
        self.last_lr = (step, lr)

    def lr_xy(self) -> tuple[np.ndarray, np.ndarray]:
        points = self.lr_points + ([self.last_lr] if self.last_lr and self.last_lr != self.lr_points[-1] else [])
        if not points:
            return np.empty(0), np.empty(0)
        array = np.asarray(points, dtype=float)
        return array[:, 0], array[:, 1]

    def clear(self) -> None:
        self.steps.clear()
        self.epochs.clear()
        self.lr_points.clear()
        self.last_lr = None


class CurvesView(QWidget):
    """Loss, accuracy (or error rate) and learning-rate plots sharing one x axis.

    Feed it with `start_run(info)`, `add_steps(rows)` and `add_epoch(event)`. Runs are
    kept and overlaid (muted) while "Keep runs" is on; "Clear" forgets them.
    """

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.colors = plot_colors(theme)
        self.runs: list[Run] = []
        self.x_mode = EPOCHS
        self.metric_name = ACCURACY
        self.log_scale = False
        self.following = True  # ranges follow the data until the user pans or zooms
        self._bounds = BoundsCache()
        self._lr_tick: float | None = None
        self._pending: set[str] = set()  # curves of the current run with new data
        self._redraw_timer = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._last_redraw = 0.0
        self._redraw_timer.timeout.connect(self.redraw)
        self._build_controls()
        self._build_plots()
        self._build_crosshair()
        self._layout()
        self.set_theme(theme)

    # ----- building ------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.title = QLabel("TRAINING CURVES")
        self.title.setProperty("role", "section")
        self.x_axis_box = QComboBox()
        self.x_axis_box.addItem("Epochs", EPOCHS)
        self.x_axis_box.addItem("Steps", STEPS)
        self.x_axis_box.setToolTip("Plot against epochs (fair across batch sizes) or optimizer steps")
        self.x_axis_box.currentIndexChanged.connect(self._x_axis_chosen)
        self.metric_box = QComboBox()
        self.metric_box.addItem("Accuracy", ACCURACY)
        self.metric_box.addItem("Error rate", ERROR_RATE)
        self.metric_box.setToolTip("Validation accuracy, or its complement the error rate")
        self.metric_box.currentIndexChanged.connect(self._metric_chosen)
        self.log_scale_box = QCheckBox("Log scale")
        self.log_scale_box.setToolTip("Show the loss on a logarithmic axis: late progress stays visible")
        self.log_scale_box.toggled.connect(self.set_log_scale)
        self.keep_runs_box = QCheckBox("Keep runs")
        self.keep_runs_box.setChecked(True)
        self.keep_runs_box.setToolTip("Keep earlier runs of this session on the plots, muted, to compare")
        self.keep_runs_box.toggled.connect(self.set_keep_runs)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Forget earlier runs and empty the plots")
        self.clear_button.clicked.connect(self.clear)
        self.readout = QLabel(HOVER_HINT)
        _shrinkable(self.readout)
        self.readout.setProperty("role", "dim")
        self.readout.setTextFormat(Qt.TextFormat.RichText)

    def _build_plots(self) -> None:
        self.loss_widget = self._plot_widget("loss")
        self.metric_widget = self._plot_widget("accuracy (%)")
        self.lr_widget = self._plot_widget("lr")
        self.loss_plot = self.loss_widget.getPlotItem()
        self.metric_plot = self.metric_widget.getPlotItem()
        self.lr_plot = self.lr_widget.getPlotItem()
        for plot in (self.metric_plot, self.lr_plot):
            plot.setXLink(self.loss_plot)
        for plot in (self.loss_plot, self.metric_plot):
            plot.getAxis("bottom").setStyle(showValues=False)
            plot.getAxis("bottom").setHeight(4)
        self.lr_plot.setLabel("bottom", "epoch")
        self.lr_widget.setMinimumHeight(84)
        self.lr_widget.setMaximumHeight(120)
        self.metric_widget.setMinimumHeight(80)
        self.loss_widget.setMinimumHeight(120)
        self.metric_widget.hide()  # until a classification run arrives
        self.legend = self.loss_plot.addLegend(offset=(-8, 8), verSpacing=-6, labelTextSize="8pt")
        self._validation_key = pg.PlotDataItem(pen=pg.mkPen(self.colors.dim, width=2, style=Qt.PenStyle.DashLine))

    def _plot_widget(self, ylabel: str) -> pg.PlotWidget:
        widget = make_plot_widget(mouse=True)
        plot = widget.getPlotItem()
        plot.setLabel("left", ylabel)
        plot.getAxis("left").setWidth(AXIS_WIDTH)
        # Long series stay cheap: draw only what is on screen, at most ~2 points a pixel.
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="mean")
        view = plot.getViewBox()
        # Ranges follow the data in steps (see `_fit_ranges`): a range that moves on every
        # update re-lays the axes and re-clips every curve, ~10x the cost of new data.
        view.disableAutoRange()
        view.sigRangeChangedManually.connect(self._stop_following)
        widget.scene().sigMouseClicked.connect(self._clicked)
        for name in ("left", "bottom"):
            # The axes also draw the grid; cached, a repaint blits them instead of
            # replaying their text.
            plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return widget

    def _build_crosshair(self) -> None:
        self._cross: list[pg.InfiniteLine] = []
        self._proxies: list[pg.SignalProxy] = []
        for widget in self._plot_widgets():
            line = pg.InfiniteLine(angle=90, movable=False)
            line.setZValue(100)
            line.hide()
            widget.addItem(line, ignoreBounds=True)
            self._cross.append(line)
            slot = partial(self._mouse_moved, widget)
            proxy = pg.SignalProxy(widget.scene().sigMouseMoved, rateLimit=60, slot=slot)
            self._proxies.append(proxy)
            widget.viewport().installEventFilter(self)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 6, 10, 2)
        bar.setSpacing(10)
        bar.addWidget(self.title)
        bar.addStretch(1)
        for widget in (self.x_axis_box, self.metric_box, self.log_scale_box, self.keep_runs_box, self.clear_button):
            bar.addWidget(widget)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addWidget(self.loss_widget, 5)
        column.addWidget(self.metric_widget, 3)
        column.addWidget(self.lr_widget, 2)
        readout_row = QHBoxLayout()
        readout_row.setContentsMargins(AXIS_WIDTH + 8, 2, 10, 0)
        readout_row.addWidget(self.readout)
        column.addLayout(readout_row)

    def _plot_widgets(self) -> tuple[pg.PlotWidget, ...]:
        return (self.loss_widget, self.metric_widget, self.lr_widget)

    # ----- feeding -------------------------------------------------------------------------
    @property
    def current_run(self) -> Run | None:
        return self.runs[-1] if self.runs and self.runs[-1].current else None

    def start_run(self, info: dict[str, Any] | None = None) -> Run:
        """A run begins: earlier runs are muted (or dropped without "Keep runs"). The
        same run_id again continues the current run (training resumed after an edit)."""
        info = info or {}
        self.redraw()  # the last run's pending points belong to it
        run_id = str(info.get("run_id", len(self.runs) + 1))
        current = self.current_run
        if current is not None and current.run_id == run_id:
            current.label = str(info.get("label") or current.label)
            self._update_legend()
            return current
        for run in self.runs:
            run.current = False
        if not self.keep_runs_box.isChecked():
            self._drop(self.runs)
        self._drop(self.runs[: max(0, len(self.runs) - MAX_RUNS + 1)])
        run = Run(
            run_id=run_id,
            label=str(info.get("label") or f"Run {run_id}"),
            task=str(info.get("task") or "classification"),
            color_index=self._free_color(),
            steps_per_epoch=_positive(info.get("steps_per_epoch")),
            planned_epochs=_positive(info.get("epochs")),
        )
        self.runs.append(run)
        self._make_curves(run)
        for earlier in self.runs[:-1]:
            self._style_run(earlier)
        self._update_metric_visibility()
        self._update_legend()
        self.follow()
        return run

    def add_steps(self, rows: Sequence[Sequence[float]]) -> None:
        """Append (global_step, train_loss, lr) rows to the current run."""
        if not len(rows):
            return
        run = self.current_run or self.start_run()
        array = np.asarray(rows, dtype=float).reshape(-1, 3)
        array = array[np.isfinite(array).all(axis=1)]  # a diverging batch is reported apart
        run.steps.extend(array)
        corners = len(run.lr_points)
        for step, lr in array[:, (S_STEP, S_LR)]:
            run.add_lr(step, lr)
        # The lr line is redrawn when the rate changes or an epoch ends, not every batch.
        self._pending |= {"raw", "lr"} if len(run.lr_points) != corners else {"raw"}
        self._schedule_redraw()

    def add_epoch(self, event: Any) -> None:
        """Append an `EpochEvent` (train and validation loss, accuracy, lr)."""
        self.add_epochs([event])

    def add_epochs(self, events: list) -> None:
        """Append `EpochEvent`s in one go (a fast run sends thousands a second)."""
        if not events:
            return
        run = self.current_run or self.start_run()
        rows = np.asarray(
            [
                (
                    event.epoch,
                    event.step,
                    event.train_loss,
                    _number(event.val_loss),
                    _number(getattr(event, "accuracy", None)),
                    _number(getattr(event, "error_rate", None)),
                )
                for event in events
            ],
            dtype=float,
        )
        run.epochs.extend(rows)
        if not run.steps:  # no step events: the lr per epoch
            for event in events:
                if event.step > 0:
                    run.add_lr(float(event.step), float(event.lr))
        if run.steps_per_epoch is None:
            event = next((e for e in events if e.epoch > 0 and e.step > 0), None)
            if event is not None:
                run.steps_per_epoch = event.step / event.epoch
                self._pending.add("raw")
        measured = ~np.isnan(rows)
        if not run.classification and measured[:, E_ACC].any():
            run.task = "classification"  # accuracy means classes, whatever runStarted said
            self._update_metric_visibility()
        # Most epochs are not validated: their validation curves need no redraw.
        self._pending |= {"train", "lr"}
        self._pending |= {"val"} if measured[:, E_VAL].any() else set()
        self._pending |= {"metric"} if measured[:, E_ACC].any() or measured[:, E_ERR].any() else set()
        self._schedule_redraw()

    def redraw(self) -> None:
        """Draw what arrived since the last redraw (normally called by a short timer,
        so a burst of events in one event-loop turn costs one redraw)."""
        self._redraw_timer.stop()
        self._last_redraw = time.perf_counter()
        run, pending = self.current_run, self._pending
        self._pending = set()
        if run is not None and pending:
            self._refresh(run, pending)
            self._fit_ranges()

    def _schedule_redraw(self) -> None:
        if not self._redraw_timer.isActive():
            since_ms = (time.perf_counter() - self._last_redraw) * 1000
            self._redraw_timer.start(max(REDRAW_MS, round(MIN_REDRAW_PERIOD_MS - since_ms)))

    def forget_runs(self) -> None:
        """Drop every run, kept ones too: another project was opened, and curves of a
        different network on different data would compare nothing."""
        self._redraw_timer.stop()
        self._pending = set()
        self._drop(self.runs)
        self._bounds.clear()
        self._update_legend()
        self._update_metric_visibility()

    def clear(self) -> None:
        """Forget earlier runs and empty the current one (it goes on filling)."""
        self.redraw()
        current = self.current_run
        self._drop([run for run in self.runs if run is not current])
        if current is not None:
            current.clear()
            self._refresh(current)
        self._update_legend()
        self._update_metric_visibility()
        self.hide_readout()
        self.follow()

    # ----- options -------------------------------------------------------------------------
    def set_log_scale(self, on: bool) -> None:
        self.log_scale = bool(on)
        if self.log_scale_box.isChecked() != self.log_scale:
            self.log_scale_box.setChecked(self.log_scale)
        self.loss_plot.setLogMode(y=self.log_scale)
        self._bounds.clear()
        self._fit_ranges(force=True)

    def set_keep_runs(self, on: bool) -> None:
        """Show or hide earlier runs; without it, the next run drops them."""
        if self.keep_runs_box.isChecked() != bool(on):
            self.keep_runs_box.setChecked(bool(on))
        for run in self.runs:
            if not run.current:
                for curve in run.curves.values():
                    curve.setVisible(bool(on))
        self._update_legend()
        self._fit_ranges(force=True)

    def set_x_axis(self, mode: str) -> None:
        """Plot against `EPOCHS` or `STEPS`."""
        self.x_mode = EPOCHS if mode == EPOCHS else STEPS
        index = self.x_axis_box.findData(self.x_mode)
        if self.x_axis_box.currentIndex() != index:
            self.x_axis_box.setCurrentIndex(index)
        self.lr_plot.setLabel("bottom", "epoch" if self.x_mode == EPOCHS else "step")
        for run in self.runs:
            self._refresh(run)
        self.follow()

    def set_metric(self, metric: str) -> None:
        """Show `ACCURACY` or `ERROR_RATE` on the middle plot."""
        self.metric_name = ERROR_RATE if metric == ERROR_RATE else ACCURACY
        index = self.metric_box.findData(self.metric_name)
        if self.metric_box.currentIndex() != index:
            self.metric_box.setCurrentIndex(index)
        self.metric_plot.setLabel("left", "accuracy (%)" if self.metric_name == ACCURACY else "error rate (%)")
        for run in self.runs:
            self._refresh(run, {"metric"})
        self.follow()

    def _x_axis_chosen(self, index: int) -> None:
        self.set_x_axis(self.x_axis_box.itemData(index))

    def _metric_chosen(self, index: int) -> None:
        self.set_metric(self.metric_box.itemData(index))

    # ----- curves --------------------------------------------------------------------------
    def _free_color(self) -> int:
        used = {run.color_index for run in self.runs}
        return next((i for i in range(MAX_RUNS) if i not in used), len(self.runs) % MAX_RUNS)

    def _make_curves(self, run: Run) -> None:
        targets = {"raw": self.loss_plot, "train": self.loss_plot, "val": self.loss_plot}
        targets |= {"metric": self.metric_plot, "lr": self.lr_plot}
        for name, plot in targets.items():
            # The per-batch loss is a dense zigzag: antialiased it costs 3-4x to draw.
            # Only finite points are ever set (see `_set_finite`): pyqtgraph need not check.
            curve = pg.PlotDataItem(antialias=name != "raw", skipFiniteCheck=True)
            # Points per pixel kept by the automatic downsampling (pyqtgraph's default, 5,
            # makes a 20,000-step curve 5x dearer to draw than a screen can show).
            curve.opts["autoDownsampleFactor"] = 2.0 if name == "raw" else 0.7
            plot.addItem(curve)
            run.curves[name] = curve
        self._style_run(run)

    def _style_run(self, run: Run) -> None:
        color = run_color(run.color_index, self.colors.dark)
        strong = run.current
        # Kept runs are drawn 1 px wide: Qt's hairline path is ~free, while every wide
        # antialiased curve costs ~1 ms per 200 points at each repaint.
        line = with_alpha(color, 255 if strong else 130)
        width = 2.2 if strong else 1.0
        pens = {
            "raw": pg.mkPen(with_alpha(color, 70 if self.colors.dark else 60), width=1),
            "train": pg.mkPen(line, width=width),
            "val": pg.mkPen(line, width=1.6 if strong else 1.0, style=Qt.PenStyle.DashLine),
            "metric": pg.mkPen(line, width=width),
            "lr": pg.mkPen(line, width=1.6 if strong else 1.0),
        }
        z = 10 if strong else 1
        for name, curve in run.curves.items():
            curve.setPen(pens[name])
            curve.setZValue(z + (1 if name == "train" else 0))
            # Opaque solid wide lines drawn as segments are 3x cheaper and look the same.
            curve.curve.setSegmentedLineMode("on" if strong and name in ("train", "metric") else "auto")
        run.curves["raw"].setVisible(strong)  # kept runs: epoch curves only, less clutter
        if not strong and not self.keep_runs_box.isChecked():
            for curve in run.curves.values():
                curve.setVisible(False)
        run.marked = None  # `_mark_measurements` decides again
        self._mark_measurements(run)

    def _mark_measurements(self, run: Run) -> None:
        """Dots on the validation curves of the current run while they have few points:
        validation is measured only now and then, and a dot says where it was."""
        wanted = run.current and curve_length(run.curves["val"]) <= MAX_MARKED
        if wanted == run.marked:
            return
        run.marked = wanted
        color = run_color(run.color_index, self.colors.dark)
        for name in ("val", "metric"):
            curve = run.curves[name]
            if wanted:
                curve.setSymbol("o")
                curve.setSymbolSize(5 if name == "val" else 6)
                curve.setSymbolPen(pg.mkPen(self.colors.background, width=1))
                curve.setSymbolBrush(pg.mkBrush(color))
            else:
                curve.setSymbol(None)

    def _refresh(self, run: Run, names: Iterable[str] = CURVE_NAMES) -> None:
        """Give the named curves of `run` all their data (setData, nothing rebuilt)."""
        names = set(names)
        if "raw" in names:
            x = self._step_x(run, run.steps.column(S_STEP))
            _set_finite(run.curves["raw"], x, run.steps.column(S_LOSS))
        if "lr" in names:
            lr_steps, lr_values = run.lr_xy()
            _set_finite(run.curves["lr"], self._step_x(run, lr_steps), lr_values)
        x = run.epochs.column(E_EPOCH if self.x_mode == EPOCHS else E_STEP)
        if "train" in names:
            _set_finite(run.curves["train"], x, run.epochs.column(E_TRAIN))
        if "val" in names:
            _set_finite(run.curves["val"], x, run.epochs.column(E_VAL))
        if "metric" in names:
            metric = run.epochs.column(E_ACC if self.metric_name == ACCURACY else E_ERR) * 100.0
            _set_finite(run.curves["metric"], x, metric)
            self._mark_measurements(run)

    def _step_x(self, run: Run, steps: np.ndarray) -> np.ndarray | None:
        """Step numbers on the current x axis; None while epochs are not yet known."""
        if self.x_mode == STEPS:
            return steps
        if run.steps_per_epoch is None:
            return None
        return steps / run.steps_per_epoch

    def _drop(self, runs: Iterable[Run]) -> None:
        for run in list(runs):
            for curve in run.curves.values():
                for plot in (self.loss_plot, self.metric_plot, self.lr_plot):
                    if curve in plot.items:
                        plot.removeItem(curve)
                self.legend.removeItem(curve)
            self.runs.remove(run)

    def _update_metric_visibility(self) -> None:
        classification = any(run.classification for run in self.runs)
        self.metric_widget.setVisible(classification)
        self.metric_box.setVisible(classification)

    def _update_legend(self) -> None:
        self.legend.clear()
        shown = [run for run in self.runs if run.current or self.keep_runs_box.isChecked()]
        for run in shown:
            self.legend.addItem(run.curves["train"], run.label)
        if shown:
            self.legend.addItem(self._validation_key, "validation")
        self.legend.setVisible(bool(shown))

    # ----- ranges --------------------------------------------------------------------------
    def follow(self) -> None:
        """Let the ranges follow the data again (after a pan or zoom, or a new run)."""
        self.following = True
        self._bounds.clear()  # data may have been replaced (axis switched, cleared)
        self._fit_ranges(force=True)

    def _stop_following(self, *args: Any) -> None:
        self.following = False

    def _clicked(self, event: Any) -> None:
        if event.double():
            self.follow()

    def _fit_ranges(self, force: bool = False) -> None:
        """Keep every curve in view, moving the ranges in generous steps so that most
        updates leave them alone: x grows to the next round number past 115% of the
        data, y keeps 8% margins and is refit only when the data leaves it or shrinks
        to under half of it."""
        if not self.following:
            return
        x_high = 0.0
        for widget in self._plot_widgets():
            plot = widget.getPlotItem()
            log_y = plot is self.loss_plot and self.log_scale
            bounds = self._bounds.of_plot(plot, log_y=log_y)
            if bounds is None:
                continue
            x_high = max(x_high, bounds[1])
            low, high = bounds[2], bounds[3]
            if plot is self.lr_plot:  # a rate is read from 0, with room above its line
                self._label_lr_axis(high)
                low, high = 0.0, high * 1.2
            _fit_y(plot.getViewBox(), low, high, force, floor=None if log_y else 0.0)
        view = self.loss_plot.getViewBox()
        (x0, x1), _ = view.viewRange()
        planned = self._planned_x()
        target = planned * 1.01 if planned >= x_high else _round_up(x_high * 1.15)
        if x_high <= 0 and planned <= 0:
            return
        if force or x_high > x1 or target < 0.9 * x1 or x0 != 0:
            view.setXRange(0, target, padding=0)

    def _label_lr_axis(self, top: float) -> None:
        """Two ticks, 0 and the largest rate: the plot is too short for more, and the
        read-out gives exact values."""
        if top != self._lr_tick:
            self._lr_tick = top
            self.lr_plot.getAxis("left").setTicks([[(0.0, "0"), (top, f"{top:.3g}")], []])

    def _planned_x(self) -> float:
        """How far the shown runs are planned to go, in x-axis units (0: unknown)."""
        longest = 0.0
        for run in self.runs:
            if run.planned_epochs is None or not (run.current or self.keep_runs_box.isChecked()):
                continue
            if self.x_mode == EPOCHS:
                longest = max(longest, run.planned_epochs)
            elif run.steps_per_epoch is not None:
                longest = max(longest, run.planned_epochs * run.steps_per_epoch)
        return longest

    # ----- hover read-out ------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.hide_readout()
        return False

    def _mouse_moved(self, widget: pg.PlotWidget, args: tuple) -> None:
        view = widget.getPlotItem().getViewBox()
        pos = QPointF(args[0])
        if view.sceneBoundingRect().contains(pos):
            self.show_readout(view.mapSceneToView(pos).x())

    def show_readout(self, x: float) -> str:
        """Put the crosshair at `x` and describe the current run there; returns the text."""
        run = self.current_run or (self.runs[-1] if self.runs else None)
        if run is None:
            self.hide_readout()
            return ""
        for line in self._cross:
            line.setPos(x)
            line.show()
        text = self._describe(run, x)
        self.readout.setText(text)
        return text

    def hide_readout(self) -> None:
        for line in self._cross:
            line.hide()
        self.readout.setText(HOVER_HINT)

    def _describe(self, run: Run, x: float) -> str:
        color = run_color(run.color_index, self.colors.dark).name()
        parts = [f"<b style='color:{color}'>{_html(run.label)}</b>"]
        epoch_row = _nearest(run.epochs.column(E_EPOCH if self.x_mode == EPOCHS else E_STEP), x)
        step_x = self._step_x(run, run.steps.column(S_STEP))
        step_row = _nearest(step_x, x) if step_x is not None else None
        if epoch_row is not None:
            e = run.epochs.row(epoch_row)
            parts.append(f"epoch {int(e[E_EPOCH])}")
            parts.append(f"loss {_fmt(e[E_TRAIN])}")
            parts += self._last_measured(run, epoch_row)
        if step_row is not None:
            s = run.steps.row(step_row)
            parts.append(f"step {int(s[S_STEP])}: batch loss {_fmt(s[S_LOSS])}")
            parts.append(f"lr {_fmt(s[S_LR])}")
        return " &nbsp;·&nbsp; ".join(parts)

    def _last_measured(self, run: Run, row: int) -> list[str]:
        """Validation loss and accuracy as last measured up to `row` (not every epoch is)."""
        parts = []
        val = _last_finite(run.epochs.column(E_VAL)[: row + 1])
        if val is not None:
            parts.append(
                f"val {_fmt(val[1])}" + (f" (epoch {int(run.epochs.column(E_EPOCH)[val[0]])})" if val[0] != row else "")
            )
        metric = _last_finite(run.epochs.column(E_ACC if self.metric_name == ACCURACY else E_ERR)[: row + 1])
        if metric is not None:
            parts.append(f"{'accuracy' if self.metric_name == ACCURACY else 'error'} {metric[1] * 100:.1f}%")
        return parts

    # ----- theme ---------------------------------------------------------------------------
    def set_theme(self, theme: Theme | None = None) -> None:
        self.colors = plot_colors(theme)
        for widget in self._plot_widgets():
            widget.setBackground(self.colors.background)
            style_plot(widget.getPlotItem(), self.colors)
        for line in self._cross:
            line.setPen(pg.mkPen(with_alpha(self.colors.dim, 150), width=1, style=Qt.PenStyle.DotLine))
        self.legend.setLabelTextColor(self.colors.text)
        self.legend.setBrush(pg.mkBrush(with_alpha(self.colors.background, 215)))
        self.legend.setPen(pg.mkPen(with_alpha(self.colors.axis, 200)))
        self._validation_key.setPen(pg.mkPen(self.colors.dim, width=2, style=Qt.PenStyle.DashLine))
        for run in self.runs:
            self._style_run(run)
        self._update_legend()


def _shrinkable(label: QLabel) -> None:
    """A label whose long text is cut, rather than widening the whole view."""
    label.setMinimumWidth(0)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


def _positive(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _set_finite(curve: pg.PlotDataItem, x: np.ndarray | None, y: np.ndarray) -> None:
    """Epochs without a measurement are NaN: draw the measured ones joined up. No x (the
    epoch length is not known yet): nothing to draw."""
    if x is None:
        curve.setData([], [])
        return
    keep = np.isfinite(y)
    curve.setData(x if keep.all() else x[keep], y if keep.all() else y[keep])


Bounds = tuple[float, float, float, float]  # x min, x max, y min, y max


class BoundsCache:
    """Data bounds of curves that only ever grow: a curve's bounds are extended with
    its new points, so fitting ranges after an update costs O(new points)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[int, Bounds | None]] = {}

    def clear(self) -> None:
        self._known.clear()

    def of_plot(self, plot: pg.PlotItem, log_y: bool) -> Bounds | None:
        """Bounds over the plot's visible curves, in view units (log10 y in log mode)."""
        found = [self._of_item(item, log_y) for item in plot.listDataItems() if item.isVisible()]
        found = [b for b in found if b is not None]
        if not found:
            return None
        return (
            min(b[0] for b in found),
            max(b[1] for b in found),
            min(b[2] for b in found),
            max(b[3] for b in found),
        )

    def _of_item(self, item: pg.PlotDataItem, log_y: bool) -> Bounds | None:
        x, y = item.getOriginalDataset()
        if x is None or not len(x):
            return None
        seen, bounds = self._known.get(id(item), (0, None))
        if seen > len(x):  # shrank: the data was replaced, start over
            seen, bounds = 0, None
        if seen < len(x):
            bounds = _merge(bounds, _bounds(x[seen:], y[seen:], log_y))
            self._known[id(item)] = (len(x), bounds)
        return bounds


def _bounds(x: np.ndarray, y: np.ndarray, log_y: bool) -> Bounds | None:
    if log_y:
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log10(y)
    keep = np.isfinite(y)
    if not keep.any():
        return None
    y = y[keep]
    return float(x[0]), float(x[-1]), float(y.min()), float(y.max())


def _merge(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])


def _fit_y(view: pg.ViewBox, low: float, high: float, force: bool, floor: float | None) -> None:
    """Refit when the data leaves the range or fills under half of it; `floor` keeps
    non-negative data (losses, rates) from getting a negative margin."""
    (_, _), (y0, y1) = view.viewRange()
    span = max(high - low, abs(high) * 0.05, 1e-9)
    inside = y0 <= low and high <= y1
    if force or not inside or span < 0.5 * (y1 - y0):
        bottom = low - 0.08 * span
        if floor is not None and low >= floor:
            bottom = max(bottom, floor)
        view.setYRange(bottom, high + 0.08 * span, padding=0)


def _round_up(value: float) -> float:
    """The next of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value * (1 - 1e-9):
            return step * power
    return 10 * power


def curve_length(curve: pg.PlotDataItem) -> int:
    x, _ = curve.getOriginalDataset()
    return 0 if x is None else len(x)


def _last_finite(values: np.ndarray) -> tuple[int, float] | None:
    finite = np.flatnonzero(np.isfinite(values))
    if not len(finite):
        return None
    return int(finite[-1]), float(values[finite[-1]])


def _nearest(values: np.ndarray | None, x: float) -> int | None:
    if values is None or not len(values):
        return None
    index = int(np.searchsorted(values, x))
    candidates = [i for i in (index - 1, index) if 0 <= i < len(values)]
    return min(candidates, key=lambda i: abs(values[i] - x))


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4g}"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
