"""The lenses in the window: a dock per lens (made on first use), fed from the run being
trained. The diagnosis panel gets the findings measured on the training thread, the
activation lens the inputs of the node pointed at, the loss lens the current batch, the
learning-rate finder runs its sweep on a thread of its own, and the timeline replays a
recorded epoch into the boundary, the node previews and the generative views.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QWidget

from app.i18n import tr
from app.lenses import LENSES
from app.lessons.observers import (
    LANGUAGE_MODES,
    RunObservers,
    RunWatch,
    autoencoder_frame,
    diffusion_frame,
    gan_frame,
    language_frame,
)
from app.theme import current_theme
from app.worker_thread import release_worker_thread, start_worker_thread

log = logging.getLogger(__name__)

GPT_DOCK_HEIGHT = 520  # pixels the GPT view's dock opens with (the canvas keeps the rest)
GENERATIVE = {"gan": "GAN view", "autoencoder": "Autoencoder view", "gpt": "GPT view", "diffusion": "Diffusion view"}


class LRSweep(QObject):
    """Runs `find_lr` on its own thread; `finished(result or None, error text)`."""

    finished = Signal(object, str)

    def __init__(self, model, bundle, config) -> None:
        super().__init__()
        self.model, self.bundle, self.config = model, bundle, config
        self.cancelled = False

    @Slot()
    def run(self) -> None:
        from graph_core.training.lr_finder import find_lr

        try:
            result = find_lr(self.model, self.bundle, self.config, should_stop=lambda: self.cancelled)
        except Exception as error:  # the sweep is advice: a failure is reported, not raised
            log.exception("the learning-rate sweep failed")
            self.finished.emit(None, str(error))
            return
        self.finished.emit(result, "")


def activation_inputs(snapshot: Any, graph, node_id: str) -> np.ndarray | None:
    """What flows into `node_id` in a snapshot: its predecessor's outputs (every unit
    over the plane for 2-D data, else values rebuilt from the predecessor's histogram)."""
    predecessors = graph.predecessors(node_id) if node_id in graph else []
    if snapshot is None or len(predecessors) != 1:
        return None
    source = predecessors[0]
    grids = getattr(snapshot, "node_grids", None) or {}
    if source in grids:
        return np.asarray(grids[source], dtype=np.float64).reshape(-1)
    histograms = getattr(snapshot, "node_histograms", None) or {}
    if source in histograms:
        counts, edges = histograms[source]
        centres = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
        return np.repeat(centres, np.asarray(counts, dtype=np.int64))
    return None


class LensHub(QObject):
    """Owns the lens docks and everything that feeds them."""

    nodeWanted = Signal(str)
    lessonWanted = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        self.widgets: dict[str, QWidget] = {}
        self.findings: list = []
        self.snapshot: Any = None
        self.last_batch: Any = None  # the loss lens's latest batch (LossBatch)
        self.watch: RunWatch | None = None
        self.replaying = False
        self._sweep: tuple[QThread, LRSweep] | None = None
        self.observers = RunObservers(self)  # the lessons' controller hands it each run
        self._connect()

    def _connect(self) -> None:
        o, training = self.observers, self.window.training
        o.findingsReady.connect(self._on_findings)
        o.timelineChanged.connect(self._on_timeline)
        o.runWatched.connect(self._on_run_watched)
        o.ganFrame.connect(self._on_gan_frame)
        o.autoencoderFrame.connect(self._on_autoencoder_frame)
        o.languageFrame.connect(self._on_language_frame)
        o.diffusionFrame.connect(self._on_diffusion_frame)
        o.lossBatch.connect(self._on_loss_batch)
        training.snapshotReady.connect(self._on_snapshot)
        training.runStarted.connect(self._on_run_started)
        self.window.canvas.selectionChangedIds.connect(self._on_selection)
        self.window.canvas.viewport().installEventFilter(self)

    # ---- docks ------------------------------------------------------------------------------
    def dock(self, name: str) -> QDockWidget | None:
        """The dock of `lenses.<key>`, `gan` or `autoencoder`, made and shown."""
        key = name.removeprefix("lenses.")
        if name.startswith("lenses.") and key in LENSES:
            return self.open_lens(key)
        if name in GENERATIVE:
            return self.open_generative(name)
        return None

    def open_lens(self, key: str) -> QDockWidget:
        title, factory = LENSES[key]
        dock = self._make_dock(key, tr(title), factory)
        dock.show()
        dock.raise_()
        return dock

    def open_generative(self, key: str) -> QDockWidget:
        from app.lessons.views import AutoencoderView, GANView

        if key == "gpt":
            from app.lessons.gpt_view import GPTView

            factory = GPTView
        elif key == "diffusion":
            from app.lessons.diffusion_view import DiffusionView

            factory = DiffusionView
        else:
            factory = GANView if key == "gan" else AutoencoderView
        made = key not in self.docks
        dock = self._make_dock(key, tr(GENERATIVE[key]), factory)
        dock.show()
        dock.raise_()
        if made and key == "gpt" and dock.height() < GPT_DOCK_HEIGHT:
            # Text, its settings and a row of heatmaps: taller than the views' usual share.
            self.window.resizeDocks([dock], [GPT_DOCK_HEIGHT], Qt.Orientation.Vertical)
        return dock

    def _make_dock(self, key: str, title: str, factory) -> QDockWidget:
        if key in self.docks:
            return self.docks[key]
        window = self.window
        widget = factory(None)
        dock = QDockWidget(title, window)
        dock.setObjectName(f"lens_{key}_dock")
        dock.setWidget(_scrolling(widget))
        heading = getattr(widget, "title", None)
        if isinstance(heading, QWidget):
            heading.hide()  # the dock's tab (or, floating, its title bar) names the lens
        # Docked, its tab names it (as the other views below the canvas); floating, its
        # title bar comes back to move and close it by.
        dock.setTitleBarWidget(QWidget())
        dock.topLevelChanged.connect(lambda floating, d=dock: d.setTitleBarWidget(None if floating else QWidget()))
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        window.tabifyDockWidget(window.views_dock, dock)
        window.restoreDockWidget(dock)  # where the user left it last time, if anywhere
        self.docks[key], self.widgets[key] = dock, widget
        self._wire(key, widget)
        return dock

    def _wire(self, key: str, widget: QWidget) -> None:
        if key == "diagnosis":
            widget.set_findings(list(reversed(self.findings)))
            widget.node_requested.connect(self.nodeWanted)
            widget.lesson_requested.connect(self.lessonWanted)
        elif key == "lr_finder":
            widget.run_requested.connect(self.find_lr)
            widget.rate_chosen.connect(self.use_rate)
        elif key == "timeline":
            widget.epoch_chosen.connect(self.replay)
            widget.live_requested.connect(self.go_live)
            if self.watch is not None:
                self._on_timeline(self.watch)
        elif key == "activations":
            self._on_selection(self.window.canvas.selected_node_ids())
        elif key == "losses" and self.last_batch is not None:
            self._on_loss_batch(self.last_batch)  # opened after a run: its last batch, marked
        elif key == "diffusion":
            self._preview_diffusion(widget)

    def set_theme(self) -> None:
        theme = current_theme()
        for widget in self.widgets.values():
            widget.set_theme(theme)

    # ---- the run ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_run_started(self, _info) -> None:
        self.findings = []
        if "diagnosis" in self.widgets:
            self.widgets["diagnosis"].clear()
        self.go_live()

    @Slot(object)
    def _on_run_watched(self, watch: RunWatch) -> None:
        self.watch = watch
        if watch.mode in ("gan", "reconstruction"):
            self.open_generative("gan" if watch.mode == "gan" else "autoencoder")
        elif watch.mode in LANGUAGE_MODES:
            self.open_generative("gpt")
        elif watch.mode == "diffusion":
            self.open_generative("diffusion")

    @Slot(object)
    def _on_findings(self, found: list) -> None:
        self.findings.extend(found)
        if "diagnosis" in self.widgets:
            self.widgets["diagnosis"].add_findings(found)
        self.window.show_message(tr("Diagnosis: {message}").format(message=found[-1].message), 8000)

    @Slot(object)
    def _on_timeline(self, watch: RunWatch) -> None:
        if watch is not self.watch or "timeline" not in self.widgets:
            return
        slider = self.widgets["timeline"]
        slider.set_epochs(watch.timeline.epochs, watch.trainer.config.epochs)
        slider.set_history(list(watch.timeline.history))

    @Slot(object)
    def _on_gan_frame(self, frame) -> None:
        if not self.replaying and "gan" in self.widgets:
            self.widgets["gan"].set_frame(frame)

    @Slot(object)
    def _on_autoencoder_frame(self, frame) -> None:
        if not self.replaying and "autoencoder" in self.widgets:
            self.widgets["autoencoder"].set_frame(frame)

    @Slot(object)
    def _on_diffusion_frame(self, frame) -> None:
        if not self.replaying and "diffusion" in self.widgets:
            self.widgets["diffusion"].set_frame(frame)

    def _preview_diffusion(self, view) -> None:
        """Before any run, the forward process of the project's data (no network needed)."""
        training = self.window.training
        if self.watch is not None or not training.is_ready or training.bundle is None:
            return
        from graph_core.training import TrainingConfig

        try:
            config = TrainingConfig.from_dict(dict(self.window.document.project.training))
            if training.bundle.x_train.is_floating_point() and len(training.bundle.x_train):
                view.set_frame(diffusion_frame(None, training.bundle, config, 0))
        except (TypeError, ValueError):  # settings the dock reports already
            log.debug("no diffusion preview for these settings", exc_info=True)

    @Slot(object)
    def _on_language_frame(self, frame) -> None:
        if not self.replaying and "gpt" in self.widgets:
            self.widgets["gpt"].set_frame(frame)

    @Slot(object)
    def _on_loss_batch(self, batch) -> None:
        self.last_batch = batch
        lens = self.widgets.get("losses")
        if lens is None:
            return
        from app.lenses.loss_lens import classification_margins, regression_errors

        if batch.task == "classification":
            lens.set_batch(classification_margins(batch.outputs, batch.targets), "margin")
        else:
            lens.set_batch(regression_errors(batch.outputs, batch.targets.reshape(batch.outputs.shape)), "error")

    @Slot(object)
    def _on_snapshot(self, snapshot) -> None:
        self.snapshot = snapshot
        self._show_activation_inputs()

    # ---- the activation lens follows the node pointed at -------------------------------------------
    def _on_selection(self, ids: list) -> None:
        if len(ids) == 1:
            self._point_at(ids[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseMove and "activations" in self.widgets:
            canvas = self.window.canvas
            item = canvas.scene().node_at(canvas.mapToScene(event.position().toPoint()))
            node_id = getattr(item, "node_id", None)
            if node_id is not None:
                self._point_at(node_id)
        return False

    def _point_at(self, node_id: str) -> None:
        if getattr(self, "_pointed", None) == node_id:
            return
        self._pointed = node_id
        self._show_activation_inputs()

    def _show_activation_inputs(self) -> None:
        lens = self.widgets.get("activations")
        node_id = getattr(self, "_pointed", None)
        graph = self.window.document.graph
        if lens is None or node_id is None or node_id not in graph:
            return
        from app.lenses.activation_lens import NAMES

        node = graph.node(node_id)
        if node.type not in NAMES:
            return
        values = activation_inputs(self.snapshot, graph, node_id)
        if values is None:
            lens.show_function(node.type)
            return
        lens.set_node_inputs(node.type, values, node_id, node.params)

    # ---- the learning-rate finder --------------------------------------------------------------------
    def find_lr(self) -> bool:
        """Sweep the learning rate of the document's network on a thread of its own."""
        self.open_lens("lr_finder")
        view = self.widgets["lr_finder"]
        if self._sweep is not None:
            return False
        training = self.window.training
        bundle = training.reload_data() if training.is_ready else None
        if bundle is None:
            self.window.show_message(tr("Load the data first: training is not ready yet"))
            return False
        try:
            model, config = self._fresh_model()
        except Exception as error:  # the network cannot be built: say so where the user looks
            self.window.show_message(tr("The learning-rate finder cannot run: {problem}").format(problem=error), 8000)
            return False
        sweep = LRSweep(model, bundle, config)
        thread = start_worker_thread(self, sweep, sweep.run, name="lr-sweep")
        sweep.finished.connect(self._on_sweep_done)
        self._sweep = (thread, sweep)
        view.set_running(True)
        thread.start()
        return True

    def _fresh_model(self):
        from graph_core.training import TrainingConfig, make_mode

        project = self.window.document.project
        config = TrainingConfig.from_dict({**project.training})
        return make_mode(config.mode).build_model(self.window.document.graph, seed=config.seed), config

    @Slot(object, str)
    def _on_sweep_done(self, result, error: str) -> None:
        release_worker_thread(self._sweep[0])  # the sweep has returned: its thread ends at once
        self._sweep = None
        view = self.widgets.get("lr_finder")
        if view is None:  # the lenses were let go (the window closed) before the result came
            return
        if result is None:
            view.set_running(False)
            self.window.show_message(tr("The learning-rate finder failed: {problem}").format(problem=error), 8000)
            return
        view.set_result(result)

    def use_rate(self, rate: float) -> None:
        """Write `rate` to the project's training settings, as if typed in."""
        rate = float(f"{rate:.3g}")
        panel = self.window.training_panel.settings_panel
        if panel is not None:
            panel.set_value("lr", rate)
        else:
            self.window.document.project.training["lr"] = rate
            self.window.training.settings_changed()
        self.window.show_message(tr("Learning rate set to {rate}").format(rate=f"{rate:g}"))

    def stop(self, timeout_ms: int = 30_000) -> None:
        """End the sweep thread and let the lenses go (the window closes)."""
        if self._sweep is not None:
            thread, sweep = self._sweep
            sweep.cancelled = True
            thread.quit()
            thread.wait(timeout_ms)
        for widget in self.widgets.values():
            shutdown = getattr(widget, "shutdown", None)  # a view's own thread (the GPT view's writer)
            if shutdown is not None:
                shutdown()
            _delete_plot_menus(widget)
        self.widgets.clear()
        self.docks.clear()

    # ---- the timeline --------------------------------------------------------------------------------
    def replay(self, epoch: int) -> None:
        """Show the views as they were at the recorded epoch at or before `epoch`."""
        watch = self.watch
        found = watch.replay(epoch) if watch is not None else None
        if found is None:
            return
        shown, model = found
        self._set_replaying(True)
        try:
            self._replay_views(watch, model, shown)
        except Exception:  # a view that cannot replay keeps showing the live run
            log.exception("cannot replay epoch %s", shown)
        slider = self.widgets.get("timeline")
        if slider is not None:
            slider.set_history(watch.timeline.history_until(shown) or watch.timeline.history)

    def _replay_views(self, watch: RunWatch, model, epoch: int) -> None:
        bundle = watch.bundle
        if watch.mode == "gan":
            if "gan" in self.widgets:
                self.widgets["gan"].set_frame(gan_frame(model, bundle, epoch))
            return
        if watch.mode == "reconstruction":
            if "autoencoder" in self.widgets:
                self.widgets["autoencoder"].set_frame(autoencoder_frame(model, bundle, epoch))
            return
        if watch.mode in LANGUAGE_MODES:
            if "gpt" in self.widgets:
                self.widgets["gpt"].set_frame(language_frame(model, bundle, epoch, watch.mode))
            return
        if watch.mode == "diffusion":
            if "diffusion" in self.widgets:
                frame = diffusion_frame(model, bundle, watch.trainer.config, epoch, watch.diffusion_forward)
                self.widgets["diffusion"].set_frame(frame)
            return
        views = self.window.training_views
        if views is None:
            return
        from graph_core.training.snapshot import SnapshotOptions, take_snapshot

        base = self.window.training.snapshot_options or SnapshotOptions()
        options = dataclasses.replace(base, loss=watch.trainer.config.loss)
        views.on_snapshot(take_snapshot(model, bundle, options, epoch=epoch))
        views.flush()

    def go_live(self) -> None:
        """Follow the run again (live snapshots reach the views)."""
        self._set_replaying(False)
        watch = self.watch
        if watch is None or watch.trainer.is_running or not watch.timeline.epochs:
            return
        self.replay(watch.timeline.epochs[-1])  # the run is over: its last state is "live"
        self._set_replaying(False)

    def _set_replaying(self, on: bool) -> None:
        if on == self.replaying:
            return
        self.replaying = on
        training, views = self.window.training, self.window.training_views
        if views is None:
            return
        # While an earlier epoch is shown, live snapshots must not draw over it.
        if on:
            training.snapshotReady.disconnect(views.on_snapshot)
        else:
            training.snapshotReady.connect(views.on_snapshot)


def _scrolling(widget: QWidget) -> QScrollArea:
    """The view in a scroll area: a dock shorter than the view would like (below the
    canvas in a lesson) shows it whole, scrolling, and never pushes the canvas aside."""
    area = QScrollArea()
    area.setObjectName("lens_scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def _delete_plot_menus(widget: QWidget) -> None:
    """pyqtgraph gives each plot context menus without a parent; they would outlive the
    window (as top-level widgets) if not deleted with it."""
    from PySide6.QtWidgets import QGraphicsView, QMenu

    for view in widget.findChildren(QGraphicsView):
        scene = view.scene()
        for item in scene.items() if scene is not None else []:
            for name in ("ctrlMenu", "menu"):
                menu = getattr(item, name, None)
                if isinstance(menu, QMenu) and menu.parent() is None:
                    menu.deleteLater()
