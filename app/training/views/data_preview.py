"""A first look at the data before training: 2-D points coloured by class (or value), a
grid of images for digits and image folders, a few sequences as lines, a few windows of
text, and curves or tables as scatter plots. The training dock embeds it; `set_bundle` feeds it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.theme import Theme, current_theme, monospace_font
from app.training.views.style import (
    class_color,
    class_legend_html,
    diverging_rgba,
    make_plot_widget,
    plot_colors,
    run_color,
    style_plot,
    symmetric_scale,
    with_alpha,
)

MOSAIC_COLUMNS = 10
MOSAIC_ROWS = 4
SEQUENCES = 8  # sequences drawn as lines
TEXT_WINDOWS = 8  # windows of text shown
MAX_POINTS = 2000  # scatter points drawn; more only blur together


class DataPreview(QWidget):
    """Scatter, image grid or lines for a `DataBundle`. Given the training controller,
    it follows its `dataReady` and `dataFailed` signals itself."""

    def __init__(self, controller: Any = None, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.colors = plot_colors(theme)
        self._theme_name = (theme or current_theme()).name
        self.bundle: Any = None
        self.mode = "empty"
        self.mosaic: np.ndarray | None = None
        self.tile_labels: list[pg.TextItem] = []
        self.lines: list[pg.PlotDataItem] = []
        self._build()
        self.set_theme(theme)
        self.show_message("No data yet.")
        if controller is not None:
            self._follow(controller)

    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setProperty("role", "dim")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.plot_widget = make_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self.train_points = pg.ScatterPlotItem(size=6, antialias=True)
        self.test_points = pg.ScatterPlotItem(size=7, antialias=True)
        self.image = pg.ImageItem(axisOrder="row-major")
        for item in (self.image, self.train_points, self.test_points):
            self.plot.addItem(item)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setProperty("role", "dim")
        self.text = QLabel()
        self.text.setFont(monospace_font(10))
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setContentsMargins(8, 6, 8, 6)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.plot_widget)
        self.pages.addWidget(self.message)
        self.pages.addWidget(self.text)
        self.setMinimumHeight(180)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.pages, 1)
        column.addWidget(self.summary)
        self.summary.setContentsMargins(8, 0, 8, 4)

    def _follow(self, controller: Any) -> None:
        controller.dataReady.connect(self.set_bundle)
        failed = getattr(controller, "dataFailed", None)
        if failed is not None:
            failed.connect(self.show_message)
        bundle = getattr(controller, "bundle", None)
        if bundle is not None:
            self.set_bundle(bundle)

    # ----- feeding -------------------------------------------------------------------------
    def set_bundle(self, bundle: Any) -> None:
        self.bundle = bundle
        self._reset_items()
        kind = bundle.kind
        if kind == "points2d" and bundle.points_train is not None:
            self._show_points(bundle)
        elif kind == "image" and bundle.image_shape is not None:
            self._show_images(bundle)
        elif kind == "curve1d":
            self._show_curve(bundle)
        elif kind == "sequence":
            self._show_sequences(bundle)
        elif kind == "text" and getattr(bundle, "tokenizer", None) is not None:
            self._show_text(bundle)
        else:
            self._show_table(bundle)
        self.summary.setText(self._summary(bundle))

    def show_message(self, text: str) -> None:
        self.mode = "empty"
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)

    def _reset_items(self) -> None:
        self.image.clear()
        self.image.setVisible(False)
        self.train_points.clear()
        self.test_points.clear()
        for item in self.tile_labels + self.lines:
            self.plot.removeItem(item)
        self.tile_labels, self.lines = [], []
        self.mosaic = None
        view = self.plot.getViewBox()
        view.invertY(False)
        view.setAspectLocked(False)
        for name in ("left", "bottom"):
            self.plot.showAxis(name)
        self.plot.showGrid(x=False, y=False)
        self.pages.setCurrentWidget(self.plot_widget)

    # ----- kinds of data -------------------------------------------------------------------
    def _show_points(self, bundle: Any) -> None:
        self.mode = "points"
        names = bundle.feature_names[:2] if len(bundle.feature_names) >= 2 else ["x1", "x2"]
        self._labels(names[0], names[1])
        self._scatter(
            _np(bundle.points_train), _np(bundle.y_train), _np(bundle.points_test), _np(bundle.y_test), bundle
        )
        self.plot.getViewBox().setAspectLocked(True)
        if bundle.domain is not None:
            (x0, x1), (y0, y1) = bundle.domain
            self.plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _show_curve(self, bundle: Any) -> None:
        self.mode = "curve"
        self._labels("x", "y")
        train = np.column_stack([_np(bundle.x_train)[:, 0], _column(bundle.y_train)])
        test = np.column_stack([_np(bundle.x_test)[:, 0], _column(bundle.y_test)])
        self.train_points.setData(
            pos=train[:MAX_POINTS], brush=pg.mkBrush(with_alpha(self.colors.accent, 170)), pen=pg.mkPen(None)
        )
        self.test_points.setData(
            pos=test[:MAX_POINTS], brush=pg.mkBrush(None), pen=pg.mkPen(self.colors.accent, width=1.5)
        )
        self.plot.showGrid(x=True, y=True, alpha=0.4)
        self.plot.getViewBox().autoRange(padding=0.04)

    def _show_images(self, bundle: Any) -> None:
        """A mosaic of the first training images, ink in the theme's text colour."""
        self.mode = "images"
        channels, height, width = bundle.image_shape
        count = min(len(bundle.x_train), MOSAIC_COLUMNS * MOSAIC_ROWS)
        images = _np(bundle.x_train[:count]).reshape(count, channels, height, width).astype(np.float32)
        low, high = float(images.min()), float(images.max())
        images = (images - low) / (high - low) if high > low else np.zeros_like(images)
        self.mosaic = self._mosaic(images)
        self.image.setImage(self.mosaic, autoLevels=False)
        self.image.setRect(QRectF(0, 0, self.mosaic.shape[1], self.mosaic.shape[0]))
        self.image.setVisible(True)
        for name in ("left", "bottom"):
            self.plot.hideAxis(name)
        view = self.plot.getViewBox()
        view.invertY(True)
        view.setAspectLocked(True)
        view.setRange(xRange=(0, self.mosaic.shape[1]), yRange=(0, self.mosaic.shape[0]), padding=0.01)
        self._tile_labels(_np(bundle.y_train[:count]), bundle, width, height)

    def _mosaic(self, images: np.ndarray) -> np.ndarray:
        count, channels, height, width = images.shape
        gap, below = _gaps(width, height)
        rows = max(1, -(-count // MOSAIC_COLUMNS))
        canvas_h, canvas_w = rows * (height + below) - gap, MOSAIC_COLUMNS * (width + gap) - gap
        background = np.array(self.colors.background.getRgb()[:3], dtype=np.float32)
        ink = np.array(self.colors.text.getRgb()[:3], dtype=np.float32)
        mosaic = np.empty((canvas_h, canvas_w, 3), dtype=np.float32)
        mosaic[:] = background
        for index in range(count):
            row, column = divmod(index, MOSAIC_COLUMNS)
            y, x = row * (height + below), column * (width + gap)
            if channels == 3:
                tile = images[index].transpose(1, 2, 0) * 255.0
            else:
                tile = background + (ink - background) * images[index][0][..., None]
            mosaic[y : y + height, x : x + width] = tile
        alpha = np.full(mosaic.shape[:2] + (1,), 255.0, dtype=np.float32)
        return np.concatenate([mosaic, alpha], axis=2).round().astype(np.uint8)

    def _tile_labels(self, labels: np.ndarray | None, bundle: Any, width: int, height: int) -> None:
        if labels is None or bundle.task != "classification":
            return
        names = bundle.class_names or []
        gap, below = _gaps(width, height)
        for index, label in enumerate(labels.reshape(-1)):
            row, column = divmod(index, MOSAIC_COLUMNS)
            text = names[int(label)] if int(label) < len(names) else str(int(label))
            item = pg.TextItem(text, color=self.colors.dim, anchor=(0.5, 0.05))
            item.setPos(column * (width + gap) + width / 2, row * (height + below) + height)
            self.plot.addItem(item)
            self.tile_labels.append(item)

    def _show_sequences(self, bundle: Any) -> None:
        """The first sequences as lines (one feature each); class colours, or the value to
        predict drawn as a dot one step past the end."""
        self.mode = "sequence"
        x = _np(bundle.x_train[:SEQUENCES]).astype(np.float32)
        x = x.reshape(len(x), x.shape[1], -1)[:, :, 0] if x.ndim > 1 else x[:, None]
        y = _np(bundle.y_train[:SEQUENCES])
        self._labels("time step", bundle.feature_names[0] if bundle.feature_names else "value")
        steps = np.arange(x.shape[1])
        offsets = np.zeros(len(x))
        if bundle.x_train.dtype.is_floating_point is False or bundle.task == "classification":
            offsets = np.arange(len(x)) * (float(np.ptp(x)) + 1.0)  # stacked: tokens overlap otherwise
        targets, brushes = [], []
        for index, sequence in enumerate(x):
            color = self._sequence_color(bundle, y, index)
            line = pg.PlotDataItem(steps, sequence + offsets[index], pen=pg.mkPen(color, width=1.8), antialias=True)
            self.plot.addItem(line)
            self.lines.append(line)
            if bundle.task != "classification":
                # The value to predict, one step on, joined to its window by a dotted line.
                target = float(_column_of(y)[index]) + offsets[index]
                link = pg.PlotDataItem(
                    [steps[-1], x.shape[1]],
                    [sequence[-1] + offsets[index], target],
                    pen=pg.mkPen(color, width=1.4, style=Qt.PenStyle.DotLine),
                )
                self.plot.addItem(link)
                self.lines.append(link)
                targets.append((x.shape[1], target))
                brushes.append(pg.mkBrush(color))
        if targets:
            self.test_points.setData(
                pos=np.asarray(targets), size=8, brush=brushes, pen=pg.mkPen(self.colors.point_edge, width=1)
            )
        if offsets.any():
            self.plot.getAxis("left").setStyle(showValues=False)
            self.plot.setLabel("left", "sequences (stacked)")
        else:
            self.plot.getAxis("left").setStyle(showValues=True)
        self.plot.showGrid(x=True, y=False, alpha=0.4)
        self.plot.getViewBox().autoRange(padding=0.04)

    def _show_text(self, bundle: Any) -> None:
        """The first training windows as the characters they are (line breaks as ↵)."""
        from graph_core.data.text import sample_text

        self.mode = "text"
        self.text.setText(sample_text(bundle, TEXT_WINDOWS))
        self.pages.setCurrentWidget(self.text)

    def _sequence_color(self, bundle: Any, y: np.ndarray | None, index: int) -> Any:
        if bundle.task == "classification" and y is not None:
            return class_color(int(y.reshape(-1)[index]))
        return run_color(index, self.colors.dark)

    def _show_table(self, bundle: Any) -> None:
        """Tabular data: the first two features against each other (or the only feature
        against the target), coloured by class or value."""
        self.mode = "tabular"
        x = _np(bundle.x_train).reshape(len(bundle.x_train), -1).astype(np.float32)
        names = list(bundle.feature_names) or [f"feature {i + 1}" for i in range(x.shape[1])]
        if x.shape[1] >= 2:
            train = x[:, :2]
            test = _np(bundle.x_test).reshape(len(bundle.x_test), -1)[:, :2]
            self._labels(names[0], names[1] if len(names) > 1 else "feature 2")
            self._scatter(train, _np(bundle.y_train), test, _np(bundle.y_test), bundle)
        else:
            train = np.column_stack([x[:, 0], _column(bundle.y_train)])
            self._labels(names[0], "target")
            self.train_points.setData(
                pos=train[:MAX_POINTS], brush=pg.mkBrush(with_alpha(self.colors.accent, 170)), pen=pg.mkPen(None)
            )
        self.plot.showGrid(x=True, y=True, alpha=0.4)
        self.plot.getViewBox().autoRange(padding=0.04)

    # ----- helpers -------------------------------------------------------------------------
    def _labels(self, bottom: str, left: str) -> None:
        self.plot.setLabel("bottom", bottom)
        self.plot.setLabel("left", left)
        self.plot.getAxis("left").setStyle(showValues=True)

    def _scatter(self, train: Any, y_train: Any, test: Any, y_test: Any, bundle: Any) -> None:
        scale = (
            symmetric_scale(np.concatenate([_column_of(y_train), _column_of(y_test)]))
            if bundle.task != "classification"
            else 1.0
        )
        self.train_points.setData(
            pos=train[:MAX_POINTS],
            brush=[pg.mkBrush(c) for c in self._colors(y_train[:MAX_POINTS], bundle, scale)],
            pen=pg.mkPen(self.colors.point_edge, width=0.8),
        )
        if test is not None and y_test is not None and len(test):
            pens = [pg.mkPen(c, width=1.6) for c in self._colors(y_test[:MAX_POINTS], bundle, scale)]
            self.test_points.setData(pos=test[:MAX_POINTS], pen=pens, brush=pg.mkBrush(None))

    def _colors(self, labels: np.ndarray, bundle: Any, scale: float) -> list:
        if bundle.task == "classification":
            return [class_color(int(v)) for v in labels.reshape(-1)]
        rgba = diverging_rgba(_column_of(labels) / scale, self.colors.neutral, strength=1.0)
        return [pg.mkColor(*row) for row in rgba.tolist()]

    def _summary(self, bundle: Any) -> str:
        parts = [
            f"<b>{bundle.name}</b>",
            f"{len(bundle.x_train):,} train · {len(bundle.x_val):,} validation · {len(bundle.x_test):,} test",
        ]
        if bundle.kind == "text" and getattr(bundle, "tokenizer", None) is not None:
            parts.append(f"windows of {bundle.x_train.shape[1]} characters")
            parts.append(_escape_html(bundle.tokenizer.describe(30)))
        elif (
            bundle.task == "classification"
            and bundle.class_names
            and len(bundle.class_names) <= 4
            and bundle.kind != "image"
        ):
            parts.append(class_legend_html(list(bundle.class_names), self.colors))
        elif bundle.task == "classification":
            parts.append(f"{bundle.num_classes} classes")
        else:
            parts.append("regression")
        return " &nbsp;·&nbsp; ".join(parts)

    # ----- theme ---------------------------------------------------------------------------
    def set_theme(self, theme: Theme | None = None) -> None:
        self._theme_name = (theme or current_theme()).name
        self.colors = plot_colors(theme)
        self.plot_widget.setBackground(self.colors.background)
        style_plot(self.plot, self.colors, grid=False)
        if self.bundle is not None:
            self.set_bundle(self.bundle)

    def changeEvent(self, event: QEvent) -> None:
        # The dock holds this widget on its own: follow the app's theme switches.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            if current_theme().name != self._theme_name:
                self.set_theme(current_theme())
        super().changeEvent(event)


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _gaps(width: int, height: int) -> tuple[int, int]:
    """Pixels between mosaic tiles, and from one row's top to the next row's (room for
    the class name under each image)."""
    gap = max(1, width // 8)
    return gap, height // 2 + gap + 1


def _np(tensor: Any) -> np.ndarray | None:
    if tensor is None:
        return None
    if hasattr(tensor, "detach"):
        return tensor.detach().cpu().numpy()
    return np.asarray(tensor)


def _column(tensor: Any) -> np.ndarray:
    return _column_of(_np(tensor))


def _column_of(values: np.ndarray | None) -> np.ndarray:
    if values is None:
        return np.empty(0)
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1)[:, 0] if values.size else values.reshape(-1)
