"""The live training views in one widget: curves beside the decision boundary, the test
metrics and the data, fed by the training controller's signals, and the painter that
puts each node's picture on the canvas. Qt and pyqtgraph only; torch only when asked.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.theme import Theme, current_theme
from app.training.views.boundary import BoundaryView
from app.training.views.curves import CurvesView
from app.training.views.data_preview import DataPreview
from app.training.views.metrics import MetricsView
from app.training.views.previews import PreviewPainter

__all__ = ["BoundaryView", "CurvesView", "DataPreview", "MetricsView", "PreviewPainter", "TrainingViews"]

log = logging.getLogger(__name__)


@cache
def one_blas_thread() -> None:
    """numpy's matrix products on one thread for this process (once: the setting is
    process-wide, and finding the libraries scans every loaded one). The views' products are
    small (resampling previews): a second OpenBLAS thread spinning beside the training
    thread on a 2-core machine made a 160x160 resample 10x slower (12 ms, not 1.3)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # comes with scikit-learn; without it the products are slower only
        return
    threadpool_limits(limits=1, user_api="blas")


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


SNAPSHOT_MS = 15  # snapshots arriving closer than this: only the newest is drawn
PREVIEW_MS = 30  # canvas previews: at most ~33 a second (the controller paces all views); at 40 they
# fell behind snapshots arriving every 33-45 ms (18 previews a second against 21 boundaries)
_DRAWN_KINDS = ("points2d", "curve1d")  # data the boundary view has a picture for
_BOUNDARY_MODES = ("supervised",)  # training modes whose network maps the plane to an answer


class TrainingViews(QWidget):
    """Tabs "Training" (curves beside the boundary), "Metrics" and "Data".

    Connects to a `TrainingController`'s signals (`runStarted`, `stepsReady`,
    `epochEnded`, `snapshotReady`, `dataReady`, `runFinished`, `metricsReady`) with
    methods of this widget, so they run on the GUI thread. `curves`, `boundary`,
    `metrics`, `data_preview` and `previews` (None without a canvas) are the parts.
    """

    def __init__(
        self, controller: Any = None, canvas: Any = None, parent: QWidget | None = None, theme: Theme | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("training_views")
        one_blas_thread()
        theme = theme or current_theme()
        self._theme_name = theme.name
        self.controller: Any = None
        self.bundle: Any = None
        self.curves = CurvesView(theme=theme)
        self.boundary = BoundaryView(theme=theme)
        self.metrics = MetricsView(theme=theme)
        self.data_preview = DataPreview(theme=theme)
        self.previews = PreviewPainter(canvas, theme) if canvas is not None else None
        self._pending_snapshot: Any = None
        self._snapshot_timer = QTimer(self, singleShot=True, interval=SNAPSHOT_MS)
        self._snapshot_timer.timeout.connect(self._draw_snapshot)
        self._pending_previews: Any = None
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self._paint_previews)
        self._build()
        self.metrics.measureRequested.connect(self._measure)
        if controller is not None:
            self.set_controller(controller)

    def _build(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.curves)
        self.splitter.addWidget(self.boundary)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Each page scrolls when the dock is smaller than the page can be: the views then
        # never force the main window to a minimum size of their own.
        self.pages = {"training": self.splitter, "metrics": self.metrics, "data": self.data_preview}
        for title, page in zip(("Training", "Metrics", "Data"), self.pages.values()):
            self.tabs.addTab(_scrolling(page), title)
        self.node_previews_box = QCheckBox("Node previews")
        self.node_previews_box.setToolTip("Show on each canvas node what it computes, live")
        self.node_previews_box.setChecked(True)
        self.node_previews_box.toggled.connect(self.set_node_previews)
        self.edge_weights_box = QCheckBox("Edge weights")
        self.edge_weights_box.setToolTip("Draw edges wider and stronger where the weights they feed are larger")
        self.edge_weights_box.setChecked(True)
        self.edge_weights_box.toggled.connect(self.set_edge_weights)
        corner = QWidget()
        toggles = QHBoxLayout(corner)
        toggles.setContentsMargins(0, 0, 10, 0)
        toggles.setSpacing(12)
        toggles.addWidget(self.node_previews_box)
        toggles.addWidget(self.edge_weights_box)
        corner.setVisible(self.previews is not None)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tabs)

    def show_page(self, name: str) -> None:
        """Bring the "training", "metrics" or "data" tab to the front."""
        self.tabs.setCurrentIndex(list(self.pages).index(name))

    # ----- the controller -----------------------------------------------------------------------
    def set_controller(self, controller: Any) -> None:
        """Listen to `controller` (its optional signals are joined when it has them)."""
        self.controller = controller
        wiring = {
            "runStarted": self.on_run_started,
            "stepsReady": self.on_steps,
            "epochEnded": self.on_epoch,
            "snapshotReady": self.on_snapshot,
            "dataReady": self.on_data,
            "runFinished": self.on_run_finished,
            "metricsReady": self.on_metrics,
            "projectReplaced": self.on_project_replaced,
        }
        if getattr(controller, "epochsEnded", None) is not None:  # the same events, batched
            wiring["epochsEnded"] = self.on_epochs
            del wiring["epochEnded"]
        for name, slot in wiring.items():
            signal = getattr(controller, name, None)
            if signal is not None:
                signal.connect(slot)
        bundle = getattr(controller, "bundle", None)
        if bundle is not None and not callable(bundle):
            self.on_data(bundle)

    @Slot(object)
    def on_run_started(self, info: dict) -> None:
        self.flush()
        self.curves.start_run(info)
        self.boundary.start_run(info)
        self.metrics.clear()
        self.metrics.set_class_names((info or {}).get("class_names"))
        kind = (info or {}).get("kind")
        if kind:
            self._show_boundary_for(str(kind), (info or {}).get("mode"))

    @Slot(object)
    def on_steps(self, rows: list) -> None:
        self.curves.add_steps(rows)

    @Slot(object)
    def on_epoch(self, event: Any) -> None:
        self.curves.add_epochs([event])

    @Slot(object)
    def on_epochs(self, events: list) -> None:
        self.curves.add_epochs(events)

    @Slot(object)
    def on_snapshot(self, snapshot: Any) -> None:
        self._pending_snapshot = snapshot
        if not self._snapshot_timer.isActive():
            self._snapshot_timer.start()

    @Slot(object)
    def on_data(self, bundle: Any) -> None:
        self.bundle = bundle
        self.boundary.set_bundle(bundle)
        self.data_preview.set_bundle(bundle)
        self.metrics.set_class_names(bundle.class_names)
        self._show_boundary_for(bundle.kind)

    @Slot()
    def on_project_replaced(self) -> None:
        """Another project: the curves of this one's runs go (kept runs too), and so do
        its metrics and canvas pictures."""
        self._pending_snapshot = self._pending_previews = None
        self.curves.forget_runs()
        self.metrics.clear()
        if self.previews is not None:
            self.previews.forget()

    @Slot(object)
    def on_run_finished(self, result: Any) -> None:
        self.flush()
        self.metrics.set_result(result)
        self._show_regression_predictions()

    @Slot(object)
    def on_metrics(self, metrics: Any) -> None:
        self.metrics.set_metrics(metrics, "measured now")
        self._show_regression_predictions()

    def flush(self) -> None:
        """Draw whatever waits for a timer now (tests, and the end of a run)."""
        self.curves.redraw()
        if self._pending_snapshot is not None:
            self._draw_snapshot()
        if self._pending_previews is not None:
            self._paint_previews()

    def _draw_snapshot(self) -> None:
        self._snapshot_timer.stop()
        snapshot, self._pending_snapshot = self._pending_snapshot, None
        if snapshot is None:
            return
        self.boundary.set_snapshot(snapshot)
        if self.previews is None:
            return
        # Canvas previews cost ~5-10 ms a snapshot: at most a few a second (throttled,
        # the first at once), so the event loop stays free while training runs.
        self._pending_previews = snapshot
        if not self._preview_timer.isActive():
            self._paint_previews()

    def _paint_previews(self) -> None:
        snapshot, self._pending_previews = self._pending_previews, None
        if snapshot is None or self.previews is None:
            return
        self.previews.apply(snapshot)
        self._preview_timer.start()

    def _show_boundary_for(self, kind: str, mode: str | None = None) -> None:
        # Without a plane or a curve to draw over, the curves get the whole width. A GAN
        # or a diffusion model draws points, not a boundary between classes: its own view
        # (the lessons' lens) shows them.
        mode = mode or self._training_mode()
        self.boundary.setVisible(kind in _DRAWN_KINDS and mode in _BOUNDARY_MODES)

    def _training_mode(self) -> str:
        document = getattr(self.controller, "document", None)
        project = getattr(document, "project", None)
        training = getattr(project, "training", None)
        return str(training.get("mode", "supervised")) if isinstance(training, dict) else "supervised"

    def _measure(self) -> None:
        request = getattr(self.controller, "request_metrics", None)
        if callable(request):
            request()

    def _show_regression_predictions(self) -> None:
        """Regression: predicted against true test values, measured here once the
        trainer is idle (the model is never touched while it trains)."""
        bundle = getattr(self.controller, "bundle", None) or self.bundle
        model = getattr(self.controller, "model", None)
        trainer = getattr(self.controller, "trainer", None)
        if bundle is None or model is None or bundle.task != "regression" or not len(bundle.x_test):
            return
        if trainer is not None and trainer.is_running:
            return
        try:
            from graph_core.training.metrics import model_device, outputs_in_batches

            output = outputs_in_batches(model, bundle.x_test.to(model_device(model))).float().cpu()
        except Exception:  # a view must not take the app down; the numbers still show
            log.exception("no predictions for the metrics view")
            return
        self.metrics.set_predictions(bundle.y_test.float().numpy(), output.numpy())

    # ----- toggles and theme ------------------------------------------------------------------------
    def set_node_previews(self, on: bool) -> None:
        if self.node_previews_box.isChecked() != bool(on):
            self.node_previews_box.setChecked(bool(on))
        if self.previews is not None:
            self.previews.set_enabled(on)
        self.edge_weights_box.setEnabled(bool(on))

    def set_edge_weights(self, on: bool) -> None:
        if self.edge_weights_box.isChecked() != bool(on):
            self.edge_weights_box.setChecked(bool(on))
        if self.previews is not None:
            self.previews.set_show_weights(on)

    def set_theme(self, theme: Theme | None = None) -> None:
        theme = theme or current_theme()
        self._theme_name = theme.name
        for view in (self.curves, self.boundary, self.metrics, self.data_preview):
            view.set_theme(theme)
        if self.previews is not None:
            self.previews.set_theme(theme)

    def changeEvent(self, event: QEvent) -> None:
        # `app.theme.apply_theme` restyles the application: follow it without being told.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            if current_theme().name != self._theme_name:
                self.set_theme(current_theme())
        super().changeEvent(event)
