"""How well the trained network does on the test split: headline numbers, a confusion
matrix with counts and per-class accuracy (classification), predicted against true
values (regression), and the test images it got wrong.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.theme import Theme
from app.training.views.style import make_plot_widget, plot_colors, rgba_image, style_plot, with_alpha

MAX_COUNT_LABELS = 20  # classes beyond this: cells too small to write counts in
THUMB = 52  # misclassified thumbnails, pixels
EXAMPLE_COLUMNS = 4


class MetricsView(QWidget):
    """Test metrics of a run: `set_result(run_result)` after training, `set_metrics`
    for a measurement on demand ("Measure now" emits `measureRequested`)."""

    measureRequested = Signal()

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.colors = plot_colors(theme)
        self.class_names: list[str] = []
        self.metrics: Any = None
        self.misclassified: Any = None
        self.predictions: tuple[np.ndarray, np.ndarray] | None = None
        self.count_items: list[pg.TextItem] = []
        self.bar_labels: list[pg.TextItem] = []
        self.cards: dict[str, QLabel] = {}
        self._build()
        self.set_theme(theme)
        self.clear()

    # ----- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("TEST METRICS")
        self.title.setProperty("role", "section")
        self.status = QLabel()
        self.status.setProperty("role", "dim")
        self.status.setWordWrap(True)  # an error message can be long
        self.measure_button = QPushButton("Measure now")
        self.measure_button.setToolTip("Score the network on the test split now (also while it trains)")
        self.measure_button.clicked.connect(self.measureRequested)
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(self.title)
        heading.addWidget(self.status)
        self.cards_row = QHBoxLayout()
        self.cards_row.setContentsMargins(0, 0, 0, 0)
        self.cards_row.setSpacing(8)
        # One row for the heading, the numbers and the button: the plots get the height.
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 6, 10, 6)
        bar.setSpacing(14)
        bar.addLayout(heading)
        bar.addLayout(self.cards_row, 1)
        bar.addWidget(self.measure_button, 0, Qt.AlignmentFlag.AlignTop)
        self.empty = QLabel("The test split's scores appear here when training ends, or press Measure now.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "dim")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._classification_page())
        self.pages.addWidget(self._regression_page())
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addWidget(self.pages, 1)

    def _classification_page(self) -> QWidget:
        self.confusion_widget = make_plot_widget()
        self.confusion_plot = self.confusion_widget.getPlotItem()
        self.confusion_plot.getViewBox().invertY(True)  # true class 0 on top, as in tables
        self.confusion_plot.getViewBox().setAspectLocked(True)
        self.confusion_plot.setLabel("left", "true class")
        self.confusion_plot.setLabel("bottom", "predicted class")
        self.confusion_image = pg.ImageItem(axisOrder="row-major")
        self.confusion_plot.addItem(self.confusion_image)
        self.per_class_widget = make_plot_widget()
        self.per_class_plot = self.per_class_widget.getPlotItem()
        self.per_class_plot.getViewBox().invertY(True)
        self.per_class_plot.setLabel("bottom", "accuracy per class (%)")
        self.per_class_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.per_class_plot.addItem(self.per_class_bars)
        self.examples_title = QLabel("MISCLASSIFIED")
        self.examples_title.setProperty("role", "section")
        self.examples_box = QWidget()
        self.examples_grid = QGridLayout(self.examples_box)
        self.examples_grid.setContentsMargins(0, 0, 0, 0)
        self.examples_grid.setSpacing(6)
        self.examples_grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.examples_scroll = QScrollArea()
        self.examples_scroll.setWidget(self.examples_box)
        self.examples_scroll.setWidgetResizable(True)
        self.examples_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.examples_panel = QWidget()
        examples = QVBoxLayout(self.examples_panel)
        examples.setContentsMargins(10, 0, 6, 0)
        examples.setSpacing(4)
        examples.addWidget(self.examples_title)
        examples.addWidget(self.examples_scroll, 1)
        self.examples_panel.setFixedWidth(EXAMPLE_COLUMNS * (THUMB + 22) + 28)
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.confusion_widget, 5)
        row.addWidget(self.per_class_widget, 3)
        row.addWidget(self.examples_panel)
        return page

    def _regression_page(self) -> QWidget:
        self.scatter_widget = make_plot_widget()
        self.scatter_plot = self.scatter_widget.getPlotItem()
        self.scatter_plot.setLabel("bottom", "true value")
        self.scatter_plot.setLabel("left", "predicted value")
        self.scatter_plot.getViewBox().setAspectLocked(True)
        self.diagonal = pg.PlotDataItem(antialias=True)
        self.scatter = pg.ScatterPlotItem(size=6, antialias=True)
        self.scatter_plot.addItem(self.diagonal)
        self.scatter_plot.addItem(self.scatter)
        self.residual_widget = make_plot_widget()
        self.residual_plot = self.residual_widget.getPlotItem()
        self.residual_plot.setLabel("bottom", "error: predicted − true")
        self.residual_plot.setLabel("left", "test samples")
        self.residuals = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[])
        self.residual_plot.addItem(self.residuals)
        plots = QWidget()
        row = QHBoxLayout(plots)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scatter_widget, 1)
        row.addWidget(self.residual_widget, 1)
        self.no_predictions = QLabel("Predicted against true values appear here when the network is available.")
        self.no_predictions.setProperty("role", "dim")
        self.no_predictions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.regression_pages = QStackedWidget()
        self.regression_pages.addWidget(plots)
        self.regression_pages.addWidget(self.no_predictions)
        self.prediction_plots = plots
        return self.regression_pages

    # ----- feeding -------------------------------------------------------------------------
    def set_class_names(self, names: list[str] | None) -> None:
        self.class_names = list(names or [])

    def set_result(self, result: Any) -> None:
        """The end of a run (the controller's `RunResult`, or a `FinishedEvent`)."""
        reason = getattr(result, "reason", "")
        epoch = getattr(result, "epoch", None)
        status = f"after epoch {epoch}" if epoch is not None else ""
        if reason and reason != "completed":
            status += f" ({reason})"
        self.set_misclassified(getattr(result, "misclassified", None))
        test = getattr(result, "test", None)
        if test is not None:
            self.set_metrics(test, status)
        elif reason == "error":
            self.status.setText(f"training failed: {getattr(result, 'message', '')}")

    def set_metrics(self, metrics: Any, status: str | None = None) -> None:
        """Show `ClassificationMetrics` or `RegressionMetrics` (duck-typed)."""
        self.metrics = metrics
        self.status.setText(status if status is not None else "measured now")
        if hasattr(metrics, "confusion"):
            self._show_classification(metrics)
        else:
            self._show_regression(metrics)

    def set_misclassified(self, examples: Any) -> None:
        """`graph_core.training.snapshot.Misclassified` (images, true, pred) or None."""
        self.misclassified = examples
        _clear_layout(self.examples_grid)
        count = len(examples) if examples is not None else 0
        self.examples_panel.setVisible(count > 0)
        if not count:
            return
        names = getattr(examples, "class_names", None) or self.class_names
        for index, (image, true, pred) in enumerate(zip(examples.images, examples.true, examples.pred)):
            card = self._example_card(np.asarray(image), int(true), int(pred), names)
            self.examples_grid.addWidget(card, *divmod(index, EXAMPLE_COLUMNS))
        self.examples_title.setText(f"MISCLASSIFIED ({count})")
        self.examples_title.setToolTip("Test images the network got wrong: true class → predicted class")

    def set_predictions(self, true: np.ndarray, predicted: np.ndarray) -> None:
        """Regression: predicted against true test values, drawn over the y = x line."""
        true = np.asarray(true, dtype=float).reshape(len(true), -1)[:, 0]
        predicted = np.asarray(predicted, dtype=float).reshape(len(predicted), -1)[:, 0]
        self.predictions = (true, predicted)
        self._draw_predictions()

    def clear(self) -> None:
        self.metrics = None
        self.predictions = None
        self.status.setText("")
        self._set_cards([])
        self.set_misclassified(None)
        self.pages.setCurrentWidget(self.empty)

    # ----- classification ------------------------------------------------------------------
    def _show_classification(self, m: Any) -> None:
        confusion = np.asarray(m.confusion)
        classes = confusion.shape[0]
        names = self.class_names if len(self.class_names) == classes else [str(i) for i in range(classes)]
        self._set_cards(
            [
                ("Accuracy", f"{m.accuracy * 100:.1f}%"),
                ("Error rate", f"{m.error_rate * 100:.1f}%"),
                ("Loss", _fmt(m.loss)),
                ("Test samples", f"{m.samples:,}"),
            ]
        )
        self._draw_confusion(confusion, names)
        self._draw_per_class(np.asarray(m.per_class_accuracy, dtype=float), names, float(m.accuracy))
        self.pages.setCurrentIndex(1)

    def _draw_confusion(self, confusion: np.ndarray, names: list[str]) -> None:
        classes = confusion.shape[0]
        rows = confusion.sum(axis=1, keepdims=True)
        share = np.divide(confusion, np.maximum(rows, 1), dtype=float)
        fills = self._cell_colors(share)
        self.confusion_image.setImage(fills, autoLevels=False)
        self.confusion_image.setRect(QRectF(0, 0, classes, classes))
        # The count labels are kept and reused: making a hundred TextItems at the end of
        # every run blocked the window for ~0.1 s.
        cells = classes * classes if classes <= MAX_COUNT_LABELS else 0
        while len(self.count_items) < cells:
            text = pg.TextItem("", anchor=(0.5, 0.5))
            self.confusion_plot.addItem(text)
            self.count_items.append(text)
        font = self._count_font(classes)
        for index, text in enumerate(self.count_items):
            if index >= cells:
                text.setVisible(False)
                continue
            i, j = divmod(index, classes)
            count = int(confusion[i, j])
            light = _luma(fills[i, j]) > 150
            color = QColor("#1f2329") if light else QColor("#ffffff")
            if count == 0:
                color = with_alpha(self.colors.dim, 130)
            text.setText(str(count), color=color)
            text.setFont(font)
            text.setPos(j + 0.5, i + 0.5)
            text.setVisible(True)
        ticks = [[(i + 0.5, name) for i, name in enumerate(names)]]
        self.confusion_plot.getAxis("left").setTicks(ticks)
        self.confusion_plot.getAxis("bottom").setTicks(ticks)
        self.confusion_plot.getViewBox().setRange(xRange=(0, classes), yRange=(0, classes), padding=0.02)

    @staticmethod
    def _count_font(classes: int) -> QFont:
        font = QFont()
        font.setPointSizeF(11 if classes <= 6 else 8.5)
        font.setBold(classes <= 6)
        return font

    def _cell_colors(self, share: np.ndarray) -> np.ndarray:
        """Right answers in the accent colour, mistakes in the error colour, both
        stronger with the share of the true class they take."""
        background = _rgb(self.colors.background)
        right, wrong = _rgb(self.colors.accent), _rgb(self.colors.error)
        diagonal = np.eye(len(share), dtype=bool)[..., None]
        target = np.where(diagonal, right, wrong)
        amount = np.where(diagonal[..., 0], share, np.minimum(share * 2.0, 1.0))
        amount = np.where(share > 0, 0.1 + 0.7 * amount, 0.03)
        rgb = background + (target - background) * amount[..., None]
        return np.concatenate([rgb, np.full(rgb.shape[:-1] + (1,), 255.0)], axis=-1).round().astype(np.uint8)

    def _draw_per_class(self, accuracy: np.ndarray, names: list[str], overall: float) -> None:
        """Bars per class; classes more than 5 points behind the overall accuracy are
        drawn in the warning colour: they are where the network still struggles."""
        classes = len(accuracy)
        values = np.nan_to_num(accuracy * 100.0)
        lagging = pg.mkBrush(with_alpha(self.colors.warning, 230))
        fine = pg.mkBrush(with_alpha(self.colors.accent, 230))
        brushes = [lagging if v < overall * 100 - 5 else fine for v in values]
        self.per_class_bars.setOpts(
            x0=np.zeros(classes),
            y=np.arange(classes) + 0.5,
            width=values,
            height=0.66,
            brushes=brushes,
            pens=[pg.mkPen(None)] * classes,
        )
        for item in self.bar_labels:
            self.per_class_plot.removeItem(item)
        self.bar_labels = []
        for i, value in enumerate(accuracy):
            text = "–" if math.isnan(value) else f"{value * 100:.0f}%"
            label = pg.TextItem(text, color=self.colors.text, anchor=(1.05, 0.5) if value > 0.25 else (-0.1, 0.5))
            label.setPos(float(values[i]), i + 0.5)
            if value > 0.25:
                label.setColor(QColor("#ffffff"))
            self.per_class_plot.addItem(label)
            self.bar_labels.append(label)
        self.per_class_plot.getAxis("left").setTicks([[(i + 0.5, name) for i, name in enumerate(names)]])
        self.per_class_plot.getViewBox().setRange(xRange=(0, 100), yRange=(0, classes), padding=0.02)

    def _example_card(self, image: np.ndarray, true: int, pred: int, names: list[str]) -> QWidget:
        card = QFrame()
        card.setProperty("role", "card")
        column = QVBoxLayout(card)
        column.setContentsMargins(4, 4, 4, 2)
        column.setSpacing(1)
        picture = QLabel()
        picture.setPixmap(QPixmap.fromImage(_thumbnail(image)))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption = QLabel(
            f"<span style='color:{self.colors.dim.name()}'>{_name(names, true)} → </span>"
            f"<b style='color:{self.colors.error.name()}'>{_name(names, pred)}</b>"
        )
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption.setToolTip(f"true: {_name(names, true)}, predicted: {_name(names, pred)}")
        column.addWidget(picture)
        column.addWidget(caption)
        card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return card

    # ----- regression ----------------------------------------------------------------------
    def _show_regression(self, m: Any) -> None:
        self._set_cards(
            [
                ("MAE", _fmt(m.mae)),
                ("RMSE", _fmt(m.rmse)),
                ("R²", _fmt(m.r2)),
                ("Loss", _fmt(m.loss)),
                ("Test samples", f"{m.samples:,}"),
            ]
        )
        self.pages.setCurrentIndex(2)
        self._draw_predictions()

    def _draw_predictions(self) -> None:
        if self.predictions is None:
            self.regression_pages.setCurrentWidget(self.no_predictions)
            return
        true, predicted = self.predictions
        self.regression_pages.setCurrentWidget(self.prediction_plots)
        self._draw_residuals(predicted - true)
        self.scatter.setData(
            true,
            predicted,
            brush=pg.mkBrush(with_alpha(self.colors.accent, 170)),
            pen=pg.mkPen(self.colors.point_edge, width=0.6),
        )
        both = np.concatenate([true, predicted])
        both = both[np.isfinite(both)]
        if both.size:
            low, high = float(both.min()), float(both.max())
            self.diagonal.setData([low, high], [low, high])
            self.scatter_plot.getViewBox().setRange(xRange=(low, high), yRange=(low, high), padding=0.06)

    def _draw_residuals(self, errors: np.ndarray) -> None:
        errors = errors[np.isfinite(errors)]
        if not errors.size:
            return
        reach = max(float(np.abs(errors).max()), 1e-9)
        bins = int(np.clip(np.sqrt(errors.size), 7, 31)) | 1  # odd: 0 falls in a bin's middle
        counts, edges = np.histogram(errors, bins=bins, range=(-reach, reach))
        self.residuals.setOpts(
            x0=edges[:-1],
            x1=edges[1:],
            y0=np.zeros(len(counts)),
            y1=counts,
            brush=pg.mkBrush(with_alpha(self.colors.accent, 200)),
            pen=pg.mkPen(self.colors.background, width=1),
        )
        self.residual_plot.getViewBox().setRange(xRange=(-reach, reach), yRange=(0, counts.max() * 1.1), padding=0.02)

    # ----- cards ---------------------------------------------------------------------------
    def _set_cards(self, items: list[tuple[str, str]]) -> None:
        _clear_layout(self.cards_row)
        self.cards = {}
        for caption, value in items:
            card = QFrame()
            card.setProperty("role", "card")
            column = QVBoxLayout(card)
            column.setContentsMargins(10, 3, 10, 3)
            column.setSpacing(0)
            number = QLabel(value)
            number.setProperty("role", "title")
            label = QLabel(caption)
            label.setProperty("role", "dim")
            column.addWidget(number)
            column.addWidget(label)
            self.cards_row.addWidget(card)
            self.cards[caption] = number
        self.cards_row.addStretch(1)

    # ----- theme ---------------------------------------------------------------------------
    def set_theme(self, theme: Theme | None = None) -> None:
        self.colors = plot_colors(theme)
        for widget in (self.confusion_widget, self.per_class_widget, self.scatter_widget, self.residual_widget):
            widget.setBackground(self.colors.background)
            style_plot(widget.getPlotItem(), self.colors, grid=False)
        self.diagonal.setPen(pg.mkPen(self.colors.dim, width=1.5, style=Qt.PenStyle.DashLine))
        if self.metrics is not None:
            self.set_metrics(self.metrics, self.status.text())
        if self.misclassified is not None:
            self.set_misclassified(self.misclassified)


def _clear_layout(layout: QHBoxLayout | QGridLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()


def _thumbnail(image: np.ndarray) -> Any:
    """A greyscale (H, W) or colour (H, W, 3) image in [0, 1] as a THUMB-sized QImage."""
    image = np.nan_to_num(np.asarray(image, dtype=np.float32))
    low, high = float(image.min()), float(image.max())
    if high > 1.0 or low < 0.0:
        image = (image - low) / (high - low) if high > low else np.zeros_like(image)
    pixels = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    rgba = np.concatenate([pixels[..., :3], np.full(pixels.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return rgba_image(rgba).scaled(
        THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )


def _rgb(color: QColor) -> np.ndarray:
    return np.array([color.red(), color.green(), color.blue()], dtype=float)


def _luma(rgba: np.ndarray) -> float:
    return float(0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2])


def _name(names: list[str], index: int) -> str:
    return names[index] if 0 <= index < len(names) else str(index)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4g}"
