"""The diffusion lesson's view: on the left real points dissolving into noise step by step
(the forward process), on the right points sampled from the network walking from pure
noise back onto the data (the reverse process), both at the step the slider shows. Play
animates the walk from noise to samples; frames arrive from the run (`DiffusionFrame`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSlider, QStyle, QToolButton, QWidget

from app.i18n import tr
from app.lenses.common import Lens, label, legend_html, make_plot, style
from app.lessons.observers import DiffusionFrame
from app.training.views.style import with_alpha

POINT_SIZE = 5
PLAY_INTERVAL_MS = 50  # 100 steps in 5 s
HOLD_STEPS = 25  # the finished samples stay this many ticks before the walk starts again
PLOT_SIZE = 300
# The plots zoom with the noise level: at step k they show the data's part of the plane
# shrunk by sqrt(signal) and widened by NOISE_REACH * sqrt(1 - signal) on every side, so
# clean points fill the plot and pure noise (standard deviation 1) fits in it.
NOISE_REACH = 2.5
REAL_ALPHA = 110


def view_range(domain: tuple[float, float, float, float], signal: float) -> tuple[float, float, float, float]:
    """The square part of the plane shown when `signal` of the data's variance is left:
    the data's part shrunk toward 0 as the data is, widened by the noise's reach."""
    shrink, reach = np.sqrt(max(signal, 0.0)), NOISE_REACH * np.sqrt(max(1.0 - signal, 0.0))
    x0, x1, y0, y1 = (shrink * v for v in domain)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max(x1 - x0, y1 - y0) / 2 + reach
    return float(cx - half), float(cx + half), float(cy - half), float(cy + half)


class DiffusionView(Lens):
    """`set_frame` shows a run's state; the slider picks the step k (T: pure noise, 0: the
    data on the left and the finished samples on the right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            tr("Diffusion model"),
            tr(
                "Left: real points dissolving into noise, a little more at every step (the forward process). Right: "
                "points drawn by the network, starting as pure noise; at each step it guesses the noise and removes "
                "it, and the points walk back onto the data (the reverse process). Press Play or drag the slider."
            ),
            parent,
        )
        self.frame: DiffusionFrame | None = None
        self.legend = label("", rich=True, wrap=False)
        self.forward_widget, self.forward_points, self.forward_real = self._plot()
        self.reverse_widget, self.reverse_points, self.reverse_real = self._plot()
        self.forward_title = label(tr("forward: data → noise"), "section", wrap=False)
        self.reverse_title = label(tr("reverse: noise → new samples"), "section", wrap=False)
        self.reverse_hint = label(tr("Press Train: the network's samples appear here."), "dim")
        self.reverse_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        plots = QGridLayout()
        plots.setHorizontalSpacing(14)
        plots.addWidget(self.forward_title, 0, 0)
        plots.addWidget(self.reverse_title, 0, 1)
        plots.addWidget(self.forward_widget, 1, 0)
        plots.addWidget(self.reverse_widget, 1, 1)
        plots.addWidget(self.reverse_hint, 1, 1)
        plots.setColumnStretch(0, 1)
        plots.setColumnStretch(1, 1)
        plots.setRowStretch(1, 1)
        self.play_button = QToolButton()
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(tr("Play the walk from noise to samples"))
        self.play_button.toggled.connect(self.set_playing)
        self.noise_end = label(tr("noise"), "dim", wrap=False)
        self.data_end = label(tr("data"), "dim", wrap=False)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setInvertedAppearance(True)  # left: pure noise (k = T), right: the data (k = 0)
        self.slider.setRange(0, 0)
        self.slider.setToolTip(tr("The step: how much noise there is"))
        self.slider.valueChanged.connect(self._show_step)
        self.slider.sliderPressed.connect(lambda: self.set_playing(False))
        self.position = label("", "section", wrap=False)
        self.position.setMinimumWidth(self.position.fontMetrics().horizontalAdvance("t = 1000 / 1000 · 100% signal"))
        controls = QHBoxLayout()
        controls.setSpacing(8)
        controls.addWidget(self.play_button)
        controls.addWidget(self.noise_end)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.data_end)
        controls.addWidget(self.position)
        self.caption = label(tr("Press Train: the network learns to find the noise hidden in noised points."), "dim")
        self.body.addWidget(self.legend)
        self.body.addLayout(plots, 1)
        self.body.addLayout(controls)
        self.body.addWidget(self.caption)
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._hold = 0
        self._update_play_icon()
        self.restyle()

    def _plot(self) -> tuple[pg.PlotWidget, pg.ScatterPlotItem, pg.ScatterPlotItem]:
        widget = make_plot(self.colors)
        widget.setMinimumSize(PLOT_SIZE - 60, PLOT_SIZE - 60)
        plot = widget.getPlotItem()
        plot.setAspectLocked(True)
        # No axes: the plots zoom with every step, and new ticks each step would cost the
        # GUI thread four times what the points do (the step label says where we are).
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        real = pg.ScatterPlotItem(size=POINT_SIZE, antialias=True)
        points = pg.ScatterPlotItem(size=POINT_SIZE, antialias=True)
        plot.addItem(real)
        plot.addItem(points)
        return widget, points, real

    # ---- frames -------------------------------------------------------------------------------
    def set_frame(self, frame: DiffusionFrame) -> None:
        """Show `frame`, keeping the step the slider is at (the end of the walk at first)."""
        first = self.frame is None or len(self.frame.forward) != len(frame.forward)
        self.frame = frame
        steps = len(frame.forward) - 1
        self.slider.blockSignals(True)
        self.slider.setRange(0, steps)
        self.slider.setPageStep(max(1, steps // 10))
        if first:
            self.slider.setValue(0 if frame.reverse is not None else steps // 2)
        self.slider.blockSignals(False)
        self.reverse_real.setData(frame.real[:, 0], frame.real[:, 1])
        self.reverse_hint.setVisible(frame.reverse is None)
        self.caption.setText(self._caption(frame))
        self._show_step(self.slider.value())

    @property
    def step(self) -> int:
        return self.slider.value()

    def show_step(self, k: int) -> None:
        """Move the slider to step `k` (clipped to 0 .. T)."""
        self.slider.setValue(int(np.clip(k, 0, self.slider.maximum())))

    def _show_step(self, k: int) -> None:
        frame = self.frame
        if frame is None:
            return
        forward = frame.forward[k]
        self.forward_points.setData(forward[:, 0], forward[:, 1])
        if frame.reverse is not None:
            reverse = frame.reverse[k]
            finite = np.isfinite(reverse).all(axis=1)
            self.reverse_points.setData(reverse[finite, 0], reverse[finite, 1])
        else:
            self.reverse_points.setData([], [])
        steps = len(frame.forward) - 1
        signal = float(frame.signal[k]) if k < len(frame.signal) else 0.0
        x0, x1, y0, y1 = view_range(frame.domain, signal)
        for widget in (self.forward_widget, self.reverse_widget):
            widget.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        # The real data shows under the samples as they near it, and fades out in the noise
        # (before training there are no samples: the hint has the plot to itself).
        self.reverse_real.setOpacity(signal**2 if frame.reverse is not None else 0.0)
        self.position.setText(
            tr("t = {step} / {steps} · {signal} signal").format(step=k, steps=steps, signal=f"{signal:.0%}")
        )

    @staticmethod
    def _caption(frame: DiffusionFrame) -> str:
        if frame.reverse is None:
            return tr("Press Train: the network learns to find the noise hidden in noised points.")
        text = tr("Epoch {epoch}").format(epoch=frame.epoch)
        if frame.distance is not None and np.isfinite(frame.distance):
            # The estimate dips just below 0 when the clouds match: below 0.001 it says so.
            distance = f"{frame.distance:.2g}" if frame.distance >= 0.001 else "< 0.001"
            text += " · " + tr("distance between samples and data {value}").format(value=distance)
        elif frame.epoch == 0:
            text += " · " + tr("the untrained network cannot find the noise yet: its points fly apart")
        return text

    # ---- playing --------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_playing(self, on: bool) -> None:
        """Animate the walk from pure noise to the samples, over and over, or stop."""
        if on and self.frame is not None:
            if self.slider.value() == 0:
                self.slider.setValue(self.slider.maximum())
            self._hold = 0
            self._timer.start()
        else:
            self._timer.stop()
        self.play_button.blockSignals(True)
        self.play_button.setChecked(self.playing)
        self.play_button.blockSignals(False)
        self._update_play_icon()

    def _tick(self) -> None:
        k = self.slider.value()
        if k > 0:
            self.slider.setValue(k - 1)
            return
        self._hold += 1
        if self._hold >= HOLD_STEPS:
            self._hold = 0
            self.slider.setValue(self.slider.maximum())

    def _update_play_icon(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText(tr("Pause") if self.playing else tr("Play"))
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.set_playing(False)  # an animation nobody sees costs the GUI thread for nothing
        super().hideEvent(event)

    # ---- colours --------------------------------------------------------------------------------
    def restyle(self) -> None:
        c = self.colors
        for widget in (self.forward_widget, self.reverse_widget):
            style(widget, c, grid=False)
        self.reverse_real.setPen(pg.mkPen(None))
        self.reverse_real.setBrush(pg.mkBrush(with_alpha(c.dim, REAL_ALPHA)))
        for points, index in ((self.forward_points, 0), (self.reverse_points, 1)):
            points.setPen(pg.mkPen(c.point_edge, width=0.6))
            points.setBrush(pg.mkBrush(with_alpha(self.series(index), 220)))
        entries = [
            (self.series(0), tr("real points, noised"), False),
            (self.series(1), tr("the network's samples"), False),
            (with_alpha(c.dim, 160), tr("real data"), False),
        ]
        self.legend.setText(legend_html(entries, c))
        if self.frame is not None:
            self.set_frame(self.frame)
