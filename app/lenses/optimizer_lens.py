"""The optimizer lens: SGD, momentum, RMSprop and Adam racing downhill on a 2-D loss
surface, each path computed by the real `torch.optim` optimizer, with the learning
rate and the number of steps on sliders and a click to choose the starting point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QSlider, QWidget

from app.lenses.common import Lens, label, make_plot, pen, style
from app.training.views.style import mix, with_alpha

GRID = 200  # contour resolution
LEVELS = 14
# The slider's rates: round numbers from 1e-4 to 1, a dozen per decade.
_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)
LR_VALUES = (*(round(m * 10.0**e, 8) for e in range(-4, 0) for m in _MANTISSAS), 1.0)
MAX_STEPS = 300
ESCAPED = 1e4  # a parameter this large has left for good: the optimizer diverged
RECOMPUTE_DELAY_MS = 40  # slider drags arrive in bursts: compute once they pause

Grad = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Surface:
    """A loss over the plane: its value and gradient (torch, on (..., 2) points), the
    region shown, a starting point, its minima and a learning rate that suits it."""

    name: str
    title: str
    value: Callable[[torch.Tensor], torch.Tensor]
    gradient: Grad
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    lr: float
    about: str


def _valley(p: torch.Tensor) -> torch.Tensor:
    u, v = (p[..., 0] + p[..., 1]) / math.sqrt(2), (p[..., 0] - p[..., 1]) / math.sqrt(2)
    return 0.5 * (u * u + 20 * v * v)


def _valley_grad(p: torch.Tensor) -> torch.Tensor:
    u, v = (p[..., 0] + p[..., 1]) / math.sqrt(2), (p[..., 0] - p[..., 1]) / math.sqrt(2)
    du, dv = u, 20 * v
    return torch.stack([(du + dv) / math.sqrt(2), (du - dv) / math.sqrt(2)], dim=-1)


def _rosenbrock(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosenbrock_grad(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    r = y - x * x
    return torch.stack([-2 * (1 - x) - 400 * x * r, 200 * r], dim=-1)


def _himmelblau(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_grad(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    a, b = x * x + y - 11, x + y * y - 7
    return torch.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], dim=-1)


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface(
            "valley",
            "Narrow valley",
            _valley,
            _valley_grad,
            (-4.0, 4.0),
            (-4.0, 4.0),
            (-3.4, -1.2),
            ((0.0, 0.0),),
            0.09,
            "A long, narrow valley: 20 times steeper across than along. Plain SGD zig-zags across it; "
            "above a rate of 0.1 every step overshoots more than the last.",
        ),
        Surface(
            "rosenbrock",
            "Rosenbrock's banana",
            _rosenbrock,
            _rosenbrock_grad,
            (-2.0, 2.0),
            (-1.0, 3.0),
            (-1.5, 2.5),
            ((1.0, 1.0),),
            0.002,
            "A curved, almost flat valley floor around steep walls: easy to fall into, slow to follow to "
            "the minimum at (1, 1).",
        ),
        Surface(
            "himmelblau",
            "Himmelblau's four minima",
            _himmelblau,
            _himmelblau_grad,
            (-5.0, 5.0),
            (-5.0, 5.0),
            (-0.2, -0.8),
            ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            0.01,
            "Four equally good minima around a hill: from the same start, optimizers may end in different ones.",
        ),
    )
}


@dataclass(frozen=True)
class OptimizerSpec:
    name: str
    make: Callable[[torch.Tensor, float], torch.optim.Optimizer]
    color: int  # index into the series palette


OPTIMIZERS = (
    OptimizerSpec("SGD", lambda p, lr: torch.optim.SGD([p], lr=lr, foreach=False), 4),
    OptimizerSpec("Momentum", lambda p, lr: torch.optim.SGD([p], lr=lr, momentum=0.9, foreach=False), 1),
    OptimizerSpec("RMSprop", lambda p, lr: torch.optim.RMSprop([p], lr=lr, foreach=False), 2),
    OptimizerSpec("Adam", lambda p, lr: torch.optim.Adam([p], lr=lr, foreach=False), 0),
)


class PathRunner:
    """The four optimizers from one start at one learning rate. `extend_to(steps)`
    continues them where they stopped, so more steps cost only the steps added.

    `points[i]` is optimizer i's path ((k + 1, 2): the start, then one point per step)
    and `losses[i]` the loss at each point; `diverged[i]` the step where it escaped.
    """

    def __init__(self, surface: Surface, lr: float, start: tuple[float, float]) -> None:
        self.surface, self.lr, self.start = surface, lr, start
        self.params = [torch.tensor(start, dtype=torch.float64, requires_grad=True) for _ in OPTIMIZERS]
        self.optimizers = [spec.make(p, lr) for spec, p in zip(OPTIMIZERS, self.params)]
        first = surface.value(torch.tensor(start, dtype=torch.float64)).item()
        self._points: list[list[tuple[float, float]]] = [[start] for _ in OPTIMIZERS]
        self._losses: list[list[float]] = [[first] for _ in OPTIMIZERS]
        self.diverged: list[int | None] = [None] * len(OPTIMIZERS)
        self.steps = 0

    def extend_to(self, steps: int) -> None:
        while self.steps < steps:
            self._step()
            self.steps += 1

    def _step(self) -> None:
        live = [i for i, d in enumerate(self.diverged) if d is None]
        if not live:
            return
        with torch.no_grad():
            stacked = torch.stack([self.params[i] for i in live])
            grads = self.surface.gradient(stacked)
        for i, grad in zip(live, grads):
            self.params[i].grad = grad.clone()
            self.optimizers[i].step()
        with torch.no_grad():
            values = self.surface.value(torch.stack([self.params[i] for i in live])).tolist()
        for i, value in zip(live, values):
            x, y = self.params[i].tolist()
            if not (math.isfinite(value) and abs(x) < ESCAPED and abs(y) < ESCAPED):
                self.diverged[i] = self.steps + 1
                continue
            self._points[i].append((x, y))
            self._losses[i].append(value)

    def path(self, index: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Optimizer `index`'s points and losses for the first `steps` steps."""
        points = np.array(self._points[index][: steps + 1])
        return points, np.array(self._losses[index][: steps + 1])


def lr_of_tick(tick: int) -> float:
    return LR_VALUES[tick]


def tick_of_lr(lr: float) -> int:
    """The slider position of the listed rate nearest to `lr` (on a log scale)."""
    return int(np.argmin(np.abs(np.log(LR_VALUES) - math.log(lr))))


def _tr(text: str) -> str:
    return QCoreApplication.translate("OptimizerLens", text)


class OptimizerLens(Lens):
    """Contours of the chosen surface with each optimizer's path, and the loss of each
    against the step. Emits `recomputed` after the paths change."""

    recomputed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Optimizers"),
            _tr(
                "Four optimizers start from the same point (the ring) and follow the gradient downhill. "
                "SGD steps straight down the slope; momentum builds up speed; RMSprop and Adam scale each "
                "direction by how steep it has been. Click the surface to start elsewhere."
            ),
            parent,
        )
        self.surface = SURFACES["valley"]
        self.start = self.surface.start
        self.runner: PathRunner | None = None
        self.heights: np.ndarray | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPUTE_DELAY_MS)
        self._timer.timeout.connect(self.recompute)
        self._build_controls()
        self._build_plots()
        self.restyle()
        self.set_surface("valley")

    # ---- building ----------------------------------------------------------------------

    def _build_controls(self) -> None:
        self.surface_box = QComboBox()
        self.surface_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for surface in SURFACES.values():
            self.surface_box.addItem(_tr(surface.title), surface.name)
        self.surface_box.currentIndexChanged.connect(lambda _: self.set_surface(self.surface_box.currentData()))
        self.lr_slider = _slider(0, len(LR_VALUES) - 1)
        self.lr_slider.valueChanged.connect(self._on_lr)
        self.lr_value = _value_label()
        self.steps_slider = _slider(5, MAX_STEPS)
        self.steps_slider.setValue(100)
        self.steps_slider.valueChanged.connect(self._on_steps)
        self.steps_value = _value_label()
        row = QHBoxLayout()
        row.setSpacing(8)
        for text, widget, value in (
            (_tr("Surface"), self.surface_box, None),
            (_tr("Learning rate"), self.lr_slider, self.lr_value),
            (_tr("Steps"), self.steps_slider, self.steps_value),
        ):
            row.addWidget(label(text, "section", wrap=False))
            row.addWidget(widget, 1 if value is not None else 0)
            if value is not None:
                row.addWidget(value)
            row.addSpacing(10)
        self.body.addLayout(row)
        self.surface_about = label("", "dim")
        self.body.addWidget(self.surface_about)

    def _build_plots(self) -> None:
        self.map_widget = make_plot(self.colors, "x", "y")
        self.map_widget.setMinimumSize(260, 180)
        self.map = self.map_widget.getPlotItem()
        self.map.showGrid(x=False, y=False)
        self.map.getViewBox().setAspectLocked(True)  # circles stay round: the steepness is honest
        self.image = pg.ImageItem(axisOrder="row-major")
        self.map.addItem(self.image)
        self.isocurves: list[pg.IsocurveItem] = []
        self.minima = pg.ScatterPlotItem(symbol="star", size=16, antialias=True)
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=13, antialias=True)
        self.paths = [pg.PlotDataItem(antialias=True) for _ in OPTIMIZERS]
        self.ends = [pg.ScatterPlotItem(size=9, antialias=True) for _ in OPTIMIZERS]
        for item in [self.minima, *self.paths, *self.ends, self.start_marker]:
            self.map.addItem(item)
        self.map.scene().sigMouseClicked.connect(self._on_click)
        self.curve_widget = make_plot(self.colors, _tr("step"))
        self.curve_widget.setMinimumSize(220, 180)
        self.curve_plot = self.curve_widget.getPlotItem()
        self.curve_plot.setLogMode(y=True)
        self.curves = [pg.PlotDataItem(antialias=True) for _ in OPTIMIZERS]
        for item in self.curves:
            self.curve_plot.addItem(item)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.addWidget(label(_tr("Paths on the loss surface"), "section", wrap=False), 0, 0)
        grid.addWidget(label(_tr("Loss after each step (log scale)"), "section", wrap=False), 0, 1)
        grid.addWidget(self.map_widget, 1, 0)
        grid.addWidget(self.curve_widget, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        self.body.addLayout(grid, 1)
        self.status = label("", rich=True)
        self.body.addWidget(self.status)

    # ---- controls ----------------------------------------------------------------------

    @property
    def lr(self) -> float:
        return lr_of_tick(self.lr_slider.value())

    @property
    def steps(self) -> int:
        return self.steps_slider.value()

    def set_surface(self, name: str) -> None:
        """Show another surface, from its own start and at the rate that suits it."""
        self.surface = SURFACES[name]
        self.start = self.surface.start
        self.surface_box.blockSignals(True)
        self.surface_box.setCurrentIndex(list(SURFACES).index(name))
        self.surface_box.blockSignals(False)
        self.surface_about.setText(_tr(self.surface.about))
        self._draw_surface()
        self.lr_slider.blockSignals(True)
        self.lr_slider.setValue(tick_of_lr(self.surface.lr))
        self.lr_slider.blockSignals(False)
        self.recompute()

    def set_lr(self, lr: float) -> None:
        self.lr_slider.setValue(tick_of_lr(lr))

    def set_start(self, x: float, y: float) -> None:
        self.start = (float(x), float(y))
        self.recompute()

    def _on_lr(self, _tick: int) -> None:
        self.lr_value.setText(f"{self.lr:g}")
        self._timer.start()

    def _on_steps(self, _steps: int) -> None:
        self.steps_value.setText(str(self.steps))
        if self.runner is not None:
            self.runner.extend_to(self.steps)  # only the added steps: cheap enough to do now
            self._draw_paths()

    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        view = self.map.getViewBox()
        if not self.map.sceneBoundingRect().contains(event.scenePos()):
            return
        point = view.mapSceneToView(event.scenePos())
        (x0, x1), (y0, y1) = self.surface.x_range, self.surface.y_range
        if x0 <= point.x() <= x1 and y0 <= point.y() <= y1:
            self.set_start(point.x(), point.y())

    # ---- computing and drawing ---------------------------------------------------------

    def recompute(self) -> None:
        """Run the optimizers again from the start (after a new rate, start or surface)."""
        self._timer.stop()
        self.lr_value.setText(f"{self.lr:g}")
        self.steps_value.setText(str(self.steps))
        self.runner = PathRunner(self.surface, self.lr, self.start)
        self.runner.extend_to(self.steps)
        self._draw_paths()
        self.recomputed.emit()

    def _draw_surface(self) -> None:
        s = self.surface
        xs = torch.linspace(*s.x_range, GRID, dtype=torch.float64)
        ys = torch.linspace(*s.y_range, GRID, dtype=torch.float64)
        grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1)
        lowest = min(s.value(torch.tensor(m, dtype=torch.float64)).item() for m in s.minima)
        heights = torch.log10(s.value(grid) - lowest + 1e-2).numpy()  # row i is y = ys[i]
        self.heights = (heights - heights.min()) / max(float(np.ptp(heights)), 1e-9)
        (x0, x1), (y0, y1) = s.x_range, s.y_range
        self.image.setImage(self._shade(self.heights), autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        for item in self.isocurves:
            self.map.removeItem(item)
        self.isocurves = []
        for level in np.linspace(0.04, 0.96, LEVELS):
            item = pg.IsocurveItem(self.heights, level=float(level), pen=self._iso_pen(), axisOrder="row-major")
            item.setParentItem(self.image)
            self.isocurves.append(item)
        self.minima.setData([m[0] for m in s.minima], [m[1] for m in s.minima])
        self.map.setXRange(x0, x1, padding=0.0)
        self.map.setYRange(y0, y1, padding=0.0)

    def _shade(self, heights: np.ndarray) -> np.ndarray:
        """Low ground in the plot's background colour, high ground a muted slate."""
        c = self.colors
        high = QColor("#37435e") if c.dark else QColor("#b9c6de")
        low, top = np.array(c.background.getRgb()[:3], float), np.array(high.getRgb()[:3], float)
        rgb = low + (top - low) * heights[..., None] ** 0.9
        alpha = np.full(heights.shape + (1,), 255.0)
        return np.concatenate([rgb, alpha], axis=-1).astype(np.uint8)

    def _iso_pen(self):
        c = self.colors
        return pg.mkPen(with_alpha(mix(c.dim, c.background, 0.25), 90 if c.dark else 110), width=1)

    def _draw_paths(self) -> None:
        runner, steps = self.runner, self.steps
        lowest = min(self.surface.value(torch.tensor(m, dtype=torch.float64)).item() for m in self.surface.minima)
        statuses, gaps = [], []
        for index, spec in enumerate(OPTIMIZERS):
            points, losses = runner.path(index, steps)
            self.paths[index].setData(points[:, 0], points[:, 1])
            self.ends[index].setData([points[-1, 0]], [points[-1, 1]])
            gap = np.maximum(losses - lowest, 1e-12)  # the distance to the best value, for a log scale
            self.curves[index].setData(np.arange(len(gap)), gap)
            gaps.append(gap)
            statuses.append(self._status(index, spec, losses, steps))
        self.start_marker.setData([self.start[0]], [self.start[1]])
        self.curve_plot.setXRange(0, steps, padding=0.02)
        self._fit_loss_axis(np.concatenate(gaps))
        self.status.setText("&nbsp;&nbsp;&nbsp;&nbsp;".join(statuses))

    def _fit_loss_axis(self, gaps: np.ndarray) -> None:
        # From the start's loss down to the best reached, but no more than 8 decades:
        # a diverging path or an exact hit of the minimum would squash the rest.
        first = max(float(gaps[0]), 1e-12)
        top = math.log10(first) + 1
        bottom = max(math.log10(max(float(gaps.min()), 1e-12)), top - 9)
        self.curve_plot.setYRange(bottom, top, padding=0.02)
        self.curve_plot.getAxis("left").setTicks([decade_ticks(bottom, top)])

    def _status(self, index: int, spec: OptimizerSpec, losses: np.ndarray, steps: int) -> str:
        color = self.series(spec.color).name()
        diverged = self.runner.diverged[index]
        if diverged is not None and diverged <= steps:
            what = _tr("diverged at step {step}").format(step=diverged)
            what = f"<span style='color:{self.colors.error.name()}'>{what}</span>"
        else:
            what = _tr("loss {loss}").format(loss=f"{losses[-1]:.3g}")
        name = _tr(spec.name)
        return f"<span style='color:{color}; font-weight:700'>━━</span>&nbsp;<b>{name}</b>&nbsp;{what}"

    def restyle(self) -> None:
        c = self.colors
        style(self.map_widget, c, grid=False)
        style(self.curve_widget, c)
        for index, spec in enumerate(OPTIMIZERS):
            color = self.series(spec.color)
            self.paths[index].setPen(pen(color, 2.4))
            self.curves[index].setPen(pen(color, 2.2))
            self.ends[index].setPen(pg.mkPen(c.point_edge, width=1.4))
            self.ends[index].setBrush(pg.mkBrush(color))
        self.minima.setPen(pg.mkPen(c.point_edge, width=1.0))
        self.minima.setBrush(pg.mkBrush(c.text))
        self.start_marker.setPen(pg.mkPen(c.text, width=2.2))
        self.start_marker.setBrush(pg.mkBrush(c.background))
        if self.heights is not None:
            self.image.setImage(self._shade(self.heights), autoLevels=False)
            for item in self.isocurves:
                item.setPen(self._iso_pen())
        if self.runner is not None:
            self._draw_paths()


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_ticks(bottom: float, top: float) -> list[tuple[float, str]]:
    """Ticks at powers of ten between two log10 values (every other one when there are
    many): plain numbers from 0.001 to 1000, powers of ten beyond."""
    first, last = math.ceil(bottom), math.floor(top)
    step = 1 if last - first <= 6 else 2
    ticks = []
    for power in range(first, last + 1, step):
        text = f"{10.0**power:g}" if -3 <= power <= 3 else "10" + str(power).translate(_SUPERSCRIPT)
        ticks.append((float(power), text))
    return ticks


def _slider(low: int, high: int) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(low, high)
    slider.setMinimumWidth(90)
    return slider


def _value_label() -> QLabel:
    widget = QLabel()
    widget.setMinimumWidth(48)
    widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return widget
