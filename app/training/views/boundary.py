"""What the network answers over its input: for 2-D point data the decision boundary (or
regression surface) as a heatmap under the training and test points, for 1-D curve data
the fitted curve over the data. Other data gets a short note instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from app.theme import Theme
from app.training.views.style import (
    AXIS_WIDTH,
    BLUE,
    ORANGE,
    class_color,
    class_legend_html,
    class_rgba,
    diverging_rgba,
    make_plot_widget,
    plot_colors,
    resample,
    style_plot,
    symmetric_scale,
    with_alpha,
)

PLANE, CURVE, NONE = "plane", "curve", "none"
UPSAMPLED = 240  # grids are smoothed up to about this many pixels a side
HEATMAP_STRENGTH = 0.55  # the heatmap stays paler than the points drawn on it
_KIND_WORDS = {"image": "images", "sequence": "sequences", "tabular": "a table of features"}


class BoundaryView(QWidget):
    """Heatmap of the network's answer over the input plane with the data on top, or the
    fitted curve for 1-D data. Feed it `set_bundle(bundle)` and `set_snapshot(snapshot)`.
    """

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.colors = plot_colors(theme)
        self.mode = NONE
        self.bundle: Any = None
        self.task = "classification"
        self.num_classes = 2
        self.class_names: list[str] = []
        self.value_scale = 1.0  # regression: |value| that gets the full colour
        self.snapshot: Any = None
        self._build()
        self.set_theme(theme)
        self._show_note("Press Train: the network's answer over its input appears here.")

    # ----- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("DECISION BOUNDARY")
        self.title.setProperty("role", "section")
        self.legend_label = QLabel()
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.show_test_box = QCheckBox("Show test data")
        self.show_test_box.setToolTip("Draw the held-out test points (rings) over the picture")
        self.show_test_box.setChecked(True)
        self.show_test_box.toggled.connect(self.set_show_test)
        self.plot_widget = make_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.getAxis("left").setWidth(AXIS_WIDTH - 12)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.prediction = pg.PlotDataItem(antialias=True)
        self.prediction.setZValue(5)
        self.train_points = pg.ScatterPlotItem(size=7, antialias=True)
        self.test_points = pg.ScatterPlotItem(size=8, antialias=True)
        self.train_points.setZValue(2)
        self.test_points.setZValue(3)
        for item in (self.image, self.prediction, self.train_points, self.test_points):
            self.plot.addItem(item)
        self.note = QLabel()
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setProperty("role", "dim")
        self.note.setMargin(24)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.plot_widget)
        self.pages.addWidget(self.note)
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 6, 10, 2)
        bar.setSpacing(10)
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.show_test_box)
        legend_row = QHBoxLayout()
        legend_row.setContentsMargins(10, 0, 10, 2)
        legend_row.addWidget(self.legend_label, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addLayout(legend_row)
        column.addWidget(self.pages, 1)

    # ----- feeding -------------------------------------------------------------------------
    def start_run(self, info: dict[str, Any] | None) -> None:
        """A new run: forget the last picture; the data stays until the next bundle."""
        info = info or {}
        self.task = str(info.get("task") or self.task)
        self.num_classes = int(info.get("num_classes") or self.num_classes or 2)
        self.class_names = list(info.get("class_names") or self.class_names)
        self.snapshot = None
        self.image.clear()
        self.prediction.setData([], [])
        if self.bundle is None and info.get("kind"):
            self._set_mode(_mode_of(str(info["kind"])), str(info["kind"]))

    def set_bundle(self, bundle: Any) -> None:
        """Show `bundle`'s points (2-D) or samples (1-D curve); other data: a note."""
        self.bundle = bundle
        self.task = bundle.task
        self.num_classes = int(bundle.num_classes or 2)
        self.class_names = list(bundle.class_names or [f"class {i}" for i in range(self.num_classes)])
        self.value_scale = _target_scale(bundle) if bundle.task != "classification" else 1.0
        self.snapshot = None
        self.image.clear()
        self.prediction.setData([], [])
        self._set_mode(_mode_of(bundle.kind), bundle.kind)
        if self.mode == PLANE:
            self._show_plane_points(bundle)
        elif self.mode == CURVE:
            self._show_curve_points(bundle)
        self._update_legend()

    def set_snapshot(self, snapshot: Any) -> None:
        """Draw a `graph_core.training.snapshot.Snapshot`'s boundary (or curve)."""
        self.snapshot = snapshot
        boundary = getattr(snapshot, "boundary", None)
        if boundary is None:
            return
        kind = getattr(snapshot, "boundary_kind", None)
        boundary = np.asarray(boundary)
        domain = getattr(snapshot, "domain", None) or _bundle_domain(self.bundle)
        if kind == "curve" or boundary.ndim == 1:
            if self.mode != CURVE:
                self._set_mode(CURVE, "curve1d")
            self._draw_curve(boundary.reshape(-1), domain)
            return
        if self.mode != PLANE:
            self._set_mode(PLANE, "points2d")
        self._draw_plane(boundary, kind, domain)

    def clear(self) -> None:
        self.snapshot = None
        self.image.clear()
        self.prediction.setData([], [])

    def set_show_test(self, on: bool) -> None:
        if self.show_test_box.isChecked() != bool(on):
            self.show_test_box.setChecked(bool(on))
        self.test_points.setVisible(bool(on))

    # ----- drawing -------------------------------------------------------------------------
    def _set_mode(self, mode: str, kind: str) -> None:
        self.mode = mode
        self.title.setText("FITTED CURVE" if mode == CURVE else "DECISION BOUNDARY")
        if self.task != "classification" and mode == PLANE:
            self.title.setText("REGRESSION SURFACE")
        self.show_test_box.setVisible(mode != NONE)
        if mode == NONE:
            words = _KIND_WORDS.get(kind, "this data")
            self._show_note(
                f"This network reads {words}, which has no plane to draw its answer over.\n"
                "Watch the node previews on the canvas, and the Metrics tab when training ends."
            )
            return
        self.pages.setCurrentWidget(self.plot_widget)
        self.plot.getViewBox().setAspectLocked(mode == PLANE)
        self.image.setVisible(mode == PLANE)
        self.prediction.setVisible(mode == CURVE)
        self.plot.setLabel("left", "x2" if mode == PLANE else "y")
        self.plot.setLabel("bottom", "x1" if mode == PLANE else "x")

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.pages.setCurrentWidget(self.note)
        self.legend_label.setText("")

    def _show_plane_points(self, bundle: Any) -> None:
        names = bundle.feature_names[:2] if len(bundle.feature_names) >= 2 else ["x1", "x2"]
        self.plot.setLabel("bottom", names[0])
        self.plot.setLabel("left", names[1])
        train, test = _numpy(bundle.points_train), _numpy(bundle.points_test)
        self.train_points.setData(**self._spots(train, _numpy(bundle.y_train), filled=True))
        self.test_points.setData(**self._spots(test, _numpy(bundle.y_test), filled=False))
        self._set_range(_bundle_domain(bundle))

    def _show_curve_points(self, bundle: Any) -> None:
        train = np.column_stack(
            [_numpy(bundle.x_train)[:, 0], _numpy(bundle.y_train).reshape(len(bundle.y_train), -1)[:, 0]]
        )
        test = np.column_stack(
            [_numpy(bundle.x_test)[:, 0], _numpy(bundle.y_test).reshape(len(bundle.y_test), -1)[:, 0]]
        )
        dim = with_alpha(self.colors.dim, 150)
        self.train_points.setData(pos=train, size=6, pen=pg.mkPen(None), brush=pg.mkBrush(dim))
        self.test_points.setData(pos=test, size=8, pen=pg.mkPen(self.colors.accent, width=1.6), brush=pg.mkBrush(None))
        self._set_range(_bundle_domain(bundle))

    def _spots(self, points: np.ndarray | None, labels: np.ndarray | None, filled: bool) -> dict[str, Any]:
        """Per-point colours: classes in their colours, values through the diverging map."""
        if points is None or labels is None or not len(points):
            return {"pos": np.empty((0, 2))}
        colors = self._point_colors(labels)
        if filled:
            brushes = [pg.mkBrush(c) for c in colors]
            return {"pos": points, "brush": brushes, "pen": pg.mkPen(self.colors.point_edge, width=1.0)}
        pens = [pg.mkPen(c.darker(135) if not self.colors.dark else c.lighter(125), width=2.0) for c in colors]
        return {"pos": points, "pen": pens, "brush": pg.mkBrush(None)}

    def _point_colors(self, labels: np.ndarray) -> list:
        if self.task == "classification":
            palette = [class_color(i) for i in range(max(self.num_classes, 2))]
            return [palette[int(label) % len(palette)] for label in labels.reshape(-1)]
        values = labels.reshape(len(labels), -1)[:, 0] / self.value_scale
        rgba = diverging_rgba(values, self.colors.neutral, strength=1.0)
        return [pg.mkColor(*row) for row in rgba.tolist()]

    def _draw_plane(self, boundary: np.ndarray, kind: str | None, domain: Any) -> None:
        factor = max(1, UPSAMPLED // max(boundary.shape[0], 1))
        neutral = self.colors.neutral
        if kind == "class" or (boundary.ndim == 3 and boundary.shape[-1] == 2 and kind != "value"):
            classes = upsample(boundary[..., 0], factor, nearest=True)
            rgba = class_rgba(classes, upsample(boundary[..., 1], factor), self.num_classes, neutral, HEATMAP_STRENGTH)
        elif kind == "value" or self.task != "classification":
            values = boundary if boundary.ndim == 2 else boundary[..., 0]
            rgba = diverging_rgba(upsample(values, factor) / self.value_scale, neutral, HEATMAP_STRENGTH)
        else:  # P(class 1): 0.5 is neutral
            rgba = diverging_rgba(upsample(boundary, factor) * 2.0 - 1.0, neutral, HEATMAP_STRENGTH)
        self.image.setImage(rgba, autoLevels=False)
        if domain is not None:
            (x0, x1), (y0, y1) = domain
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self._set_range(domain)

    def _draw_curve(self, prediction: np.ndarray, domain: Any) -> None:
        if domain is None:
            x = np.arange(len(prediction), dtype=float)
        else:
            x = np.linspace(domain[0][0], domain[0][1], len(prediction))
        self.prediction.setData(x, prediction)

    def _set_range(self, domain: Any) -> None:
        if domain is None:
            return
        (x0, x1), (y0, y1) = domain
        view = self.plot.getViewBox()
        view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0 if self.mode == PLANE else 0.02)

    def _update_legend(self) -> None:
        if self.mode == NONE:
            self.legend_label.setText("")
        elif self.mode == CURVE:
            dim = self.colors.dim.name()
            self.legend_label.setText(
                f"<span style='color:{dim}'><span style='color:{self.colors.accent.name()}'>&#9473;&#9473;</span>"
                " network &nbsp;&nbsp;&#9679; training data &nbsp;&nbsp;&#9675; test data</span>"
            )
        elif self.task == "classification":
            self.legend_label.setText(class_legend_html(self.class_names, self.colors))
        else:
            dim, s = self.colors.dim.name(), self.value_scale
            self.legend_label.setText(
                f"<span style='color:{dim}'><span style='color:{ORANGE}'>&#9632;</span> {-s:.3g} &nbsp;"
                f"&#8212; 0 &#8212;&nbsp; <span style='color:{BLUE}'>&#9632;</span> {s:.3g}</span>"
            )

    # ----- theme ---------------------------------------------------------------------------
    def set_theme(self, theme: Theme | None = None) -> None:
        self.colors = plot_colors(theme)
        self.plot_widget.setBackground(self.colors.background)
        style_plot(self.plot, self.colors, grid=False)
        self.prediction.setPen(pg.mkPen(self.colors.accent, width=2.6))
        if self.bundle is not None:
            self.set_bundle(self.bundle)
        if self.snapshot is not None:
            self.set_snapshot(self.snapshot)
        self._update_legend()


def upsample(values: np.ndarray, factor: int, nearest: bool = False) -> np.ndarray:
    """An (R, C) grid `factor` times finer (nearest for class indices)."""
    values = np.asarray(values, dtype=np.float32)
    if factor <= 1 or values.ndim != 2:
        return values
    return resample(values, values.shape[0] * factor, values.shape[1] * factor, smooth=not nearest)


def _mode_of(kind: str) -> str:
    return {"points2d": PLANE, "curve1d": CURVE}.get(kind, NONE)


def _numpy(tensor: Any) -> np.ndarray | None:
    if tensor is None:
        return None
    if hasattr(tensor, "detach"):
        tensor = tensor.detach().cpu().numpy()
    return np.asarray(tensor)


def _bundle_domain(bundle: Any) -> Any:
    if bundle is None:
        return None
    if bundle.domain is not None:
        return bundle.domain
    points = _numpy(bundle.points_train)
    if points is None:
        return None
    low, high = points.min(axis=0), points.max(axis=0)
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def _target_scale(bundle: Any) -> float:
    """The largest |target| of the data set: that value gets the full colour."""
    parts = [_numpy(y) for y in (bundle.y_train, bundle.y_val, bundle.y_test) if y is not None and len(y)]
    if not parts:
        return 1.0
    return symmetric_scale(np.concatenate([p.reshape(-1) for p in parts]))
