"""The training controller: lives in the GUI thread, owns the worker and its thread, and
tells the dock and the live views what happens through signals. It checks a network
and its settings before training, pauses training when the network is edited, and
continues after an edit with the weights of the nodes that did not change.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from app.training.worker import (
    TrainingWorker,
    Updates,
    is_warm,
    warm_up_error,
    warm_up_in_background,
    warm_up_thread,
)
from app.worker_thread import release_worker_thread, start_worker_thread

if TYPE_CHECKING:
    from app.document import Document
    from graph_core.data import DataBundle
    from graph_core.graph import ModelGraph
    from graph_core.training import Trainer, TrainingConfig
    from graph_core.training.snapshot import SnapshotOptions

log = logging.getLogger(__name__)

IDLE, RUNNING, PAUSED, STOPPING, FINISHED, ERROR = "idle", "running", "paused", "stopping", "finished", "error"
BUSY_STATES = (RUNNING, PAUSED, STOPPING)
SMALL_MODEL_PARAMS = 2_000_000  # below this, one torch thread trains fastest beside a GUI
# Step events at most this often (the worker sets how many batches lie between two
# possible ones): the views draw ~30 times a second, and each event reports the mean
# loss of the batches since the last one.
STEP_EVENT_INTERVAL_S = 0.01
DATA_RELOAD_DELAY_MS = 150  # settings typed in quick succession load the data once
WARM_POLL_MS = 50
# While training, the GUI thread may use about this share of a CPU core (it shares the
# GIL with the trainer); when the views cost more, updates and snapshots come slower.
GUI_SHARE_TARGET = 0.5
MAX_SLOWDOWN = 8.0
PACE_MS = 250
# Validation for the curves: up to this many points a run (the engine alone measures far
# more rarely), but costing at most about this share of the training time.
VALIDATION_POINTS = 40
VALIDATION_SHARE = 0.03
SHORT_RUN_EPOCHS = 10


class SetupProblem(Exception):
    """Why training cannot start, in the user's words."""


@dataclass(frozen=True)
class Check:
    """What the dock shows before training: a `problem` that stops it, `advice` that
    does not, and an Input shape that would fit the data (`input_fix`)."""

    problem: str | None = None
    advice: str | None = None
    input_fix: tuple[str, list[int]] | None = None


@dataclass(frozen=True)
class Progress:
    """Where a run is: the epoch in progress (1-based), steps, speed and time left."""

    epoch: int
    epochs: int
    step: int
    total_steps: int
    samples_per_sec: float
    eta: float | None


@dataclass(frozen=True)
class RunResult:
    """The end of a run, for the views: the engine's `FinishedEvent` fields (`reason`,
    `epoch`, `step`, `elapsed`, `test` metrics with the confusion matrix, `message`),
    the run id, the error's traceback, misclassified test images for image data, and
    the training thread's CPU seconds."""

    run_id: int
    reason: str
    epoch: int
    step: int
    elapsed: float
    test: Any
    message: str
    misclassified: Any
    traceback: str
    event: Any  # the FinishedEvent itself
    cpu_seconds: float = 0.0


@dataclass
class _Run:
    """One training run; continuing after an edit replaces its trainer and model."""

    run_id: int
    label: str
    bundle: DataBundle
    config: TrainingConfig
    trainer: Trainer
    signature: str


def graph_signature(graph: ModelGraph) -> str:
    """Everything about a graph that changes its module (not where nodes stand)."""
    data = graph.to_dict()
    for node in data["nodes"]:
        node.pop("pos", None)
    data["nodes"].sort(key=lambda n: n["id"])
    return json.dumps(data, sort_keys=True, default=str)


def run_label(config: TrainingConfig) -> str:
    """'Adam lr 0.01', plus what sets this run apart from the defaults."""
    parts = [f"{config.optimizer} lr {config.lr:g}"]
    if config.momentum and config.optimizer in ("SGD", "RMSprop"):
        parts.append(f"momentum {config.momentum:g}")
    if config.weight_decay:
        parts.append(f"L2 {config.weight_decay:g}")
    if config.l1:
        parts.append(f"L1 {config.l1:g}")
    if config.schedule != "constant":
        parts.append(config.schedule)
    if config.grad_clip:
        parts.append(f"clip {config.grad_clip:g}")
    return " · ".join(parts)


class TrainingController(QObject):
    """Starts, pauses, steps and stops training runs of the document's network.

    Signals carry plain data: `runStarted(dict)` (run_id, label, task, num_classes,
    class_names, kind, device, dataset, epochs, ...), `stepsReady(list)` of
    (global step, train loss, lr), `epochEnded(EpochEvent)` (several may arrive in one
    event-loop turn: views should redraw on a timer), `snapshotReady(Snapshot)`,
    `dataReady(DataBundle)`, `runFinished(RunResult)`, `stateChanged(str)` (one of
    idle, running, paused, stopping, finished, error), `errorOccurred(str)`.
    """

    runStarted = Signal(object)
    runContinued = Signal(object)  # dict: run_id, kept, reset, removed node ids, message
    stepsReady = Signal(object)
    epochEnded = Signal(object)
    epochsEnded = Signal(object)  # list[EpochEvent]: the same events, one signal per batch of updates
    snapshotReady = Signal(object)
    dataReady = Signal(object)
    dataFailed = Signal(str)
    runFinished = Signal(object)
    metricsReady = Signal(object)
    progressChanged = Signal(object)  # Progress
    stateChanged = Signal(str)
    errorOccurred = Signal(str)
    statusMessage = Signal(str)
    editedChanged = Signal(bool)  # the network differs from the one being trained
    ready = Signal()  # torch and the engine are loaded: data and training can start
    projectReplaced = Signal()  # another project was opened: its runs start afresh

    def __init__(
        self,
        document: Document,
        parent: QObject | None = None,
        *,
        snapshot_options: SnapshotOptions | None = None,
        num_threads: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.snapshot_options = snapshot_options
        self.num_threads = num_threads  # None: one thread for small models, else torch's
        self.fast_path = "auto"  # the engine's compiled path for small networks: auto, on, off
        self._state = IDLE
        self._run: _Run | None = None
        self._run_ids = 0
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        self._after_stop: Callable[[], None] | None = None
        self._start_when_ready: Callable[[], None] | None = None
        self._bundle: DataBundle | None = None
        self._bundle_key: str | None = None
        self._data_error: str | None = None
        self._announced: DataBundle | None = None
        self._progress_base: tuple[int, int, int] = (0, 1, 1)  # epochs, steps per epoch, batch size
        self._edited = False
        self._last_reason: str | None = None
        self._ready = is_warm()
        self._warm_timer = QTimer(self, interval=WARM_POLL_MS)
        self._warm_timer.timeout.connect(self._poll_warm)
        self._data_timer = QTimer(self, singleShot=True, interval=DATA_RELOAD_DELAY_MS)
        self._data_timer.timeout.connect(self.reload_data)
        self._pace_timer = QTimer(self, interval=PACE_MS)
        self._pace_timer.timeout.connect(self._pace)
        self._slowdown = 1.0
        self._pace_mark = (0.0, 0.0)
        # Each is called with (trainer, bundle) as a run launches; a callable it returns sees
        # every event of that run on the training thread (the lessons' diagnosis, timeline).
        self.run_observers: list[Callable[[Any, Any], Callable[[Any], None] | None]] = []
        document.graphChanged.connect(self._on_graph_changed)
        document.replaced.connect(self._on_document_replaced)

    # ---- state -----------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def is_busy(self) -> bool:
        """A run is active (running, paused or stopping): its thread is alive."""
        return self._state in BUSY_STATES

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def bundle(self) -> DataBundle | None:
        return self._bundle

    @property
    def data_error(self) -> str | None:
        return self._data_error

    @property
    def trainer(self) -> Trainer | None:
        return self._run.trainer if self._run else None

    @property
    def run_id(self) -> int | None:
        return self._run.run_id if self._run else None

    @property
    def model(self):
        return self._run.trainer.model if self._run else None

    def has_model(self) -> bool:
        return self._run is not None

    @property
    def edited(self) -> bool:
        """The network was edited since the current model was compiled."""
        return self._edited

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    # ---- warming up ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load torch and the engine in the background; `ready` follows."""
        if self._ready:
            return
        warm_up_in_background()
        self._warm_timer.start()

    @Slot()
    def _poll_warm(self) -> None:
        if not is_warm():
            return
        self._warm_timer.stop()
        self._become_ready()

    def _become_ready(self) -> None:
        error = warm_up_error()
        if error:  # no torch, or a broken install: say so, and stay unready
            self._start_when_ready = None
            self._fail(f"PyTorch could not be loaded: {error}")
            return
        self._ready = True
        self.ready.emit()
        self.reload_data()
        pending, self._start_when_ready = self._start_when_ready, None
        if pending is not None:
            pending()

    def _when_ready(self, action: Callable[[], None]) -> bool:
        """True when torch is loaded; otherwise run `action` once it is."""
        if self._ready:
            return True
        self._start_when_ready = action
        self.statusMessage.emit("Loading PyTorch… training starts in a moment")
        self.warm_up()
        return False

    # ---- data -------------------------------------------------------------------------------------
    def settings_changed(self) -> None:
        """The dock changed the project's data or training settings."""
        self.document.mark_modified()
        self._data_timer.start()

    @Slot()
    def reload_data(self) -> DataBundle | None:
        """Load the data the project describes (cached while its settings stay the same);
        `dataReady` or `dataFailed` follows."""
        self._data_timer.stop()
        if not self._ready:
            return None
        from graph_core.data import DataImportError, load_dataset

        key = json.dumps([self.document.project.data, str(self._base_dir())], sort_keys=True, default=str)
        if key == self._bundle_key and self._bundle is not None:
            return self._bundle
        try:
            bundle = load_dataset(self.document.project.data, base_dir=self._base_dir())
        except (DataImportError, OSError, ValueError) as error:
            self._bundle, self._bundle_key, self._data_error = None, None, str(error)
            self.dataFailed.emit(str(error))
            return None
        self._bundle, self._bundle_key, self._data_error = bundle, key, None
        self._announce_data(bundle)
        return bundle

    def _announce_data(self, bundle: DataBundle) -> None:
        """`dataReady` once per data set: drawing thousands of points is not free."""
        if bundle is not self._announced:
            self._announced = bundle
            self.dataReady.emit(bundle)

    def _base_dir(self) -> Path | None:
        return self.document.path.parent if self.document.path else None

    # ---- checks before training ------------------------------------------------------------------
    def check(self) -> Check:
        """Problems that would stop training, found without building the network."""
        if not self._ready:
            return Check()
        try:
            config = self._config()
        except SetupProblem as problem:
            return Check(str(problem))
        bundle = self._bundle
        if bundle is None:
            return Check(self._data_error or "no data loaded yet")
        analysis = self.document.analysis
        if not analysis.ok:
            return Check(_errors_text(len(analysis.errors)))
        if config.mode == "gan":  # two networks, each with its own Input: the mode checks them
            return _gan_check(self.document.graph)
        if config.mode == "diffusion":  # two Inputs, the noisy sample and its time step
            return _diffusion_check(self.document.graph, bundle, config)
        input_problem = _input_problem(self.document.graph, bundle)
        if input_problem is not None:
            return Check(input_problem[0], input_fix=input_problem[1])
        return _loss_check(self.document.graph, analysis, bundle, config)

    def _config(self) -> TrainingConfig:
        from graph_core.training import TrainingConfig

        try:
            return TrainingConfig.from_dict(dict(self.document.project.training))
        except (TypeError, ValueError) as error:
            raise SetupProblem(str(error)) from None

    def _setup(self) -> tuple[Any, DataBundle, TrainingConfig]:
        """Compile the network and load the data, or raise SetupProblem saying why not."""
        from graph_core.compiler import CompileError
        from graph_core.training import make_mode

        bundle = self.reload_data()
        config = self._config()
        checked = self.check()
        if checked.problem:
            raise SetupProblem(checked.problem)
        if bundle is None:
            raise SetupProblem(self._data_error or "the data could not be loaded")
        if config.device == "cuda" and not _cuda_available():
            raise SetupProblem("training.device: CUDA is not available on this machine; choose CPU or auto")
        try:
            model = make_mode(config.mode).build_model(self.document.graph, seed=config.seed)
        except CompileError as error:
            raise SetupProblem(str(error)) from None
        return model, bundle, config

    # ---- controls -----------------------------------------------------------------------------------
    def start(self, *, paused: bool = False) -> bool:
        """Train the network from fresh weights (a new run); while paused, resume."""
        if self._state == PAUSED and not paused:
            self.resume()
            return True
        if self.is_busy():
            return False
        if not self._when_ready(lambda: self.start(paused=paused)):
            return False
        try:
            model, bundle, config = self._setup()
        except SetupProblem as problem:
            self._fail(str(problem))
            return False
        self._run_ids += 1
        self._last_reason = None
        trainer = self._make_trainer(model, bundle, config)
        self._run = _Run(
            self._run_ids, run_label(config), bundle, config, trainer, graph_signature(self.document.graph)
        )
        self._set_edited(False)
        self.runStarted.emit(self._run_info())
        self._announce_data(bundle)
        self._launch(trainer, bundle, paused)
        return True

    def restart(self) -> None:
        """A new run from fresh weights, stopping the current one first."""
        if self.is_busy():
            self._after_stop = self.start
            self.stop()
        else:
            self.start()

    def pause(self) -> None:
        if self._state == RUNNING and self._worker is not None:
            self._worker.pause()
            self._set_state(PAUSED)

    def resume(self) -> None:
        """Go on training; after an edit, with the edited network (`continue_after_edit`)."""
        if self._state != PAUSED or self._worker is None:
            return
        if self._edited:
            self.continue_after_edit()
            return
        self._worker.resume()
        self._set_state(RUNNING)

    def toggle_pause(self) -> None:
        if self._state == RUNNING:
            self.pause()
        elif self._state == PAUSED:
            self.resume()

    def step_once(self) -> None:
        """Train one batch: while paused, one more; while idle, start a paused run."""
        if self._state == PAUSED and self._edited:
            self.statusMessage.emit("The network changed: continue training to take steps with the edited network")
        elif self._state == PAUSED and self._worker is not None:
            self._worker.step()
        elif self._state == RUNNING:
            self.pause()
        elif not self.is_busy():
            if self.start(paused=True) and self._worker is not None:
                self._worker.step()

    def stop(self) -> None:
        """End the run before the next batch; the weights stay for the views."""
        if self._state in (RUNNING, PAUSED) and self._worker is not None:
            self._worker.stop()
            self._set_state(STOPPING)

    def reset_weights(self) -> None:
        """Forget the trained weights: stop any run and show freshly initialized ones."""
        if self.is_busy():
            self._after_stop = self.reset_weights
            self.stop()
            return
        if not self._when_ready(self.reset_weights):
            return
        self._run = None
        self._set_edited(False)
        try:
            model, bundle, config = self._setup()
        except SetupProblem as problem:
            self.statusMessage.emit(f"Weights reset; training cannot start yet: {problem}")
            self._set_state(IDLE)
            return
        self._show_snapshot(model, bundle, config)
        self._progress_base = (config.epochs, 1, config.batch_size)
        self._set_state(IDLE)
        self.statusMessage.emit("Weights reset to fresh random values")

    def adopt_model(self, model) -> str | None:
        """Make `model` (the document's network compiled, holding imported weights) the
        current one, as a new run at epoch 0: exports take its weights and Continue
        Training trains on from them (File > Import). Returns why it cannot be (a run is
        active, the data does not load), else None."""
        if self.is_busy():
            return "training is running: stop it first"
        if not self._ready and is_warm():
            self._poll_warm()  # the importer loaded torch already: no need to wait for the poll
        bundle = self.reload_data()
        if bundle is None:
            return self._data_error or "PyTorch is still loading"
        try:
            config = self._config()
        except SetupProblem as problem:
            return str(problem)
        self._run_ids += 1
        trainer = self._make_trainer(model, bundle, config)
        signature = graph_signature(self.document.graph)
        self._run = _Run(self._run_ids, "imported weights", bundle, config, trainer, signature)
        self._set_edited(False)
        self.runStarted.emit(self._run_info())
        if self.check().problem is None:  # e.g. an imported network that does not fit the data yet
            self._show_snapshot(model, bundle, config)
        self._state = IDLE
        self.stateChanged.emit(IDLE)  # has_model() changed: the actions follow
        return None

    def continue_after_edit(self) -> bool:
        """Go on training the current run with the network as it is now: nodes whose
        layout did not change keep their weights, new or reshaped nodes start fresh."""
        if self._run is None:
            return self.start()
        if self._state == RUNNING:
            return False
        if self._state in (PAUSED, STOPPING):
            self._after_stop = self.continue_after_edit
            self.stop()
            return True
        if not self._when_ready(self.continue_after_edit):
            return False
        return self._continue_run()

    def request_metrics(self) -> None:
        """Test metrics now (`metricsReady`): measured between batches while running."""
        if self._state == RUNNING and self._worker is not None:
            self._worker.request_metrics()
        elif self._state != STOPPING and self._run is not None and self._run.trainer.mode.modules():
            self.metricsReady.emit(self._run.trainer.mode.evaluate("test"))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop training and join the threads (window closing). The training thread is
        always joined, after `timeout_ms` with a warning: a QThread destroyed while it
        runs aborts the process. True when everything ended within the timeout."""
        self._start_when_ready = None
        self._after_stop = None
        self._warm_timer.stop()
        self._data_timer.stop()
        in_time = True
        if self._worker is not None:
            self._worker.stop()
        if self._thread is not None:
            self._thread.requestInterruption()
            self._thread.quit()
            in_time = self._thread.wait(timeout_ms)
            if not in_time:  # a long batch (or a kernel being compiled) still running
                log.warning("the training thread took over %d ms to stop; waiting for it", timeout_ms)
                self._thread.wait()
            self._drop_thread()
            self._set_state(ERROR if self._last_reason == "error" else FINISHED)
        thread = warm_up_thread()
        if thread is not None:
            thread.join(timeout_ms / 1000)
            in_time = in_time and not thread.is_alive()
        return in_time

    # ---- running ----------------------------------------------------------------------------------------
    def _make_trainer(self, model, bundle: DataBundle, config: TrainingConfig) -> Trainer:
        from graph_core.training import Trainer, resolve_device

        threads = self.num_threads
        if threads is None:  # torch's thread count is process-wide: always say it
            small = sum(p.numel() for p in model.parameters()) < SMALL_MODEL_PARAMS
            threads = 1 if small else max(1, (os.cpu_count() or 2) - 1)  # a core stays with the GUI
        device = resolve_device(config.device)
        # On a GPU every step event waits for the device: ask for fewer there.
        every = 1 if device.type == "cpu" else 10
        options = {} if self.fast_path == "auto" else {"fast": self.fast_path}
        trainer = Trainer(
            model,
            bundle,
            config,
            num_threads=threads,
            step_event_every=every,
            step_event_interval=STEP_EVENT_INTERVAL_S,
            validate_every=validation_every(bundle, config),
            **options,
        )
        self._progress_base = (config.epochs, trainer_steps(bundle, config), config.batch_size)
        return trainer

    def _snapshot_options(self, loss: str) -> SnapshotOptions:
        from graph_core.training.snapshot import SnapshotOptions

        base = self.snapshot_options or SnapshotOptions()
        return dataclasses.replace(base, loss=loss)

    def _launch(self, trainer: Trainer, bundle: DataBundle, paused: bool) -> None:
        if paused:
            trainer.pause()
        # A GAN's two networks have no decision boundary to picture: no snapshots.
        # Nor has a diffusion model's noise predictor, which reads a time step beside each point.
        mode = self._run.config.mode
        options = None if mode in ("gan", "diffusion") else self._snapshot_options(self._run.config.loss)
        worker = TrainingWorker(trainer, bundle, options)
        worker.event_hooks = [hook for make in self.run_observers if (hook := make(trainer, bundle)) is not None]
        thread = start_worker_thread(
            self, worker, worker.run, name=f"training-run-{self._run.run_id}", done=worker.done
        )
        worker.started.connect(self._on_started)
        worker.updatesReady.connect(self._on_updates)
        worker.snapshotReady.connect(self._on_snapshot)
        worker.metricsReady.connect(self._on_metrics)
        worker.paused.connect(self._on_paused)
        worker.diverged.connect(self._on_diverged)
        worker.finished.connect(self._on_finished)
        thread.finished.connect(self._on_thread_finished)
        self._worker, self._thread = worker, thread
        self._set_state(PAUSED if paused else RUNNING)
        worker.set_pace(self._slowdown)
        self._pace_mark = (time.perf_counter(), time.thread_time())
        self._pace_timer.start()
        thread.start()

    def _continue_run(self) -> bool:
        from graph_core.training import transfer_weights

        run = self._run
        old = run.trainer
        try:
            model, bundle, config = self._setup()
        except SetupProblem as problem:
            self._fail(str(problem))
            return False
        if old.epoch >= config.epochs:  # the run had finished: train as many epochs again
            config = dataclasses.replace(config, epochs=old.epoch + config.epochs)
        report = transfer_weights(old.model, model)
        trainer = self._make_trainer(model, bundle, config)
        trainer.epoch, trainer.global_step = old.epoch, old.global_step
        self._run = dataclasses.replace(
            run, bundle=bundle, config=config, trainer=trainer, signature=graph_signature(self.document.graph)
        )
        self._set_edited(False)
        message = transfer_summary(report)
        self.statusMessage.emit(message)
        self.runContinued.emit(
            {
                "run_id": run.run_id,
                "kept": report.kept,
                "reset": report.reset,
                "removed": report.removed,
                "message": message,
            }
        )
        self._last_reason = None
        self._launch(trainer, bundle, paused=False)
        return True

    def _fail(self, message: str) -> None:
        self._set_state(ERROR)
        self.errorOccurred.emit(message)
        self.statusMessage.emit(f"Training cannot run: {message}")

    def _show_snapshot(self, model, bundle: DataBundle, config: TrainingConfig) -> None:
        from graph_core.training.snapshot import take_snapshot

        if config.mode == "diffusion":  # no boundary to picture (see `_launch`)
            return
        try:
            self.snapshotReady.emit(take_snapshot(model, bundle, self._snapshot_options(config.loss)))
        except Exception:
            log.exception("no snapshot of the fresh weights")

    def _run_info(self) -> dict:
        run, bundle, config = self._run, self._run.bundle, self._run.config
        return {
            "run_id": run.run_id,
            "label": run.label,
            "task": bundle.task,
            "num_classes": bundle.num_classes,
            "class_names": bundle.class_names,
            "kind": bundle.kind,
            "dataset": bundle.name,
            "device": device_name(config.device),
            "epochs": config.epochs,
            "batch_size": config.batch_size,
            "steps_per_epoch": trainer_steps(bundle, config),
            "loss": config.loss,
            "optimizer": config.optimizer,
            "lr": config.lr,
            "mode": config.mode,
        }

    # ---- worker signals (GUI thread) ----------------------------------------------------------------------
    def _is_current(self) -> bool:
        return self.sender() is self._worker and self._worker is not None

    @Slot(object)
    def _on_started(self, event) -> None:
        if self._is_current():
            batch = self._progress_base[2]
            self._progress_base = (event.epochs, event.steps_per_epoch, batch)
            self._emit_progress(event.epoch + 1, event.epoch * event.steps_per_epoch, 0.0)

    @Slot(object)
    def _on_updates(self, updates: Updates) -> None:
        if not self._is_current():
            return
        if updates.steps:
            self.stepsReady.emit(updates.steps)
        if updates.epochs:
            # Thousands of epochs a second on the fast path: listeners that can take them
            # all at once (the curves) use `epochsEnded`, one call per update.
            self.epochsEnded.emit(updates.epochs)
            for event in updates.epochs:
                self.epochEnded.emit(event)
        step = updates.steps[-1][0] if updates.steps else updates.epochs[-1].step
        self._emit_progress(updates.epoch, step, updates.samples_per_sec)

    def _emit_progress(self, epoch: int, step: int, samples_per_sec: float) -> None:
        epochs, per_epoch, batch = self._progress_base
        total = epochs * per_epoch
        steps_per_sec = samples_per_sec / max(batch, 1)
        eta = (total - step) / steps_per_sec if steps_per_sec > 0 else None
        self.progressChanged.emit(Progress(max(epoch, 1), epochs, step, total, samples_per_sec, eta))

    @Slot(object)
    def _on_snapshot(self, snapshot) -> None:
        if self._is_current():
            self.snapshotReady.emit(snapshot)

    @Slot(object)
    def _on_metrics(self, metrics) -> None:
        if self._is_current():
            self.metricsReady.emit(metrics)

    @Slot(object)
    def _on_paused(self, event) -> None:
        if self._is_current() and self._state == RUNNING:
            self._set_state(PAUSED)  # paused by the trainer itself (a run started paused)

    @Slot(object)
    def _on_diverged(self, event) -> None:
        if self._is_current():
            self.errorOccurred.emit(event.message)

    @Slot(object)
    def _on_finished(self, outcome) -> None:
        if not self._is_current():
            return
        finished = outcome.finished
        self._last_reason = finished.reason
        if self._after_stop == self.continue_after_edit and finished.reason in ("stopped", "completed"):
            return  # stopped only to go on with the edited network: the run continues
        result = RunResult(
            self._run.run_id if self._run else 0,
            finished.reason,
            finished.epoch,
            finished.step,
            finished.elapsed,
            finished.test,
            finished.message,
            outcome.misclassified,
            outcome.traceback,
            finished,
            outcome.cpu_seconds,
        )
        self.runFinished.emit(result)
        if finished.reason == "error":
            self.errorOccurred.emit(finished.message)
            self.statusMessage.emit(f"Training failed: {finished.message}")
        else:
            self.statusMessage.emit(finished_summary(result))

    @Slot()
    def _on_thread_finished(self) -> None:
        if self.sender() is not self._thread:
            return
        final = ERROR if self._last_reason == "error" else FINISHED
        self._drop_thread()
        after, self._after_stop = self._after_stop, None
        if after is None:
            self._set_state(final)
            return
        self._state = final  # not announced: `after` moves on at once (e.g. to running)
        after()
        if self._state == final:
            self.stateChanged.emit(final)

    @Slot()
    def _pace(self) -> None:
        """Keep the GUI thread's CPU share near GUI_SHARE_TARGET: the views sample the
        training, they must not slow it down (nor freeze the window)."""
        wall, cpu = time.perf_counter(), time.thread_time()
        share = (cpu - self._pace_mark[1]) / max(wall - self._pace_mark[0], 1e-6)
        self._pace_mark = (wall, cpu)
        if share > GUI_SHARE_TARGET:
            self._slowdown = min(MAX_SLOWDOWN, self._slowdown * min(2.0, share / GUI_SHARE_TARGET))
        elif share < GUI_SHARE_TARGET * 0.8:
            # Back towards full speed as soon as there is room: with a wide dead band
            # (it was target/2) one busy moment, such as a run's start, kept the
            # pictures at ~15 a second for the rest of the run.
            self._slowdown = max(1.0, self._slowdown / 1.25)
        if self._worker is not None:
            self._worker.set_pace(self._slowdown)

    def _drop_thread(self) -> None:
        self._pace_timer.stop()
        if self._thread is not None:
            release_worker_thread(self._thread)  # before the worker's reference goes
        self._worker, self._thread = None, None

    # ---- the document -------------------------------------------------------------------------------------
    @Slot()
    def _on_graph_changed(self) -> None:
        if self._run is None:
            return
        edited = graph_signature(self.document.graph) != self._run.signature
        self._set_edited(edited)
        if edited and self._state == RUNNING:
            self.pause()
            self.statusMessage.emit(
                "The network changed, so training paused. Continue training keeps the weights of the nodes "
                "you did not change."
            )

    def _set_edited(self, edited: bool) -> None:
        if edited != self._edited:
            self._edited = edited
            self.editedChanged.emit(edited)

    @Slot()
    def _on_document_replaced(self) -> None:
        """Another project was opened: its network and data replace the old ones."""
        self.projectReplaced.emit()
        if self.is_busy():
            self._after_stop = self._forget_run
            self.stop()
        else:
            self._forget_run()

    def _forget_run(self) -> None:
        self._run = None
        self._set_edited(False)
        self._bundle_key = None
        self._set_state(IDLE)
        self.reload_data()


# ---- helpers ------------------------------------------------------------------------------------------------


def validation_every(bundle: DataBundle, config: TrainingConfig) -> int:
    """Epochs between validations: a forward pass over the validation split costs about
    a third of training on as many samples, so its share of an epoch is known ahead.
    A short run validates every epoch: its few points matter more than a few percent."""
    if config.epochs <= SHORT_RUN_EPOCHS:
        return 1
    share = len(bundle.x_val) / max(len(bundle.x_train), 1) / 3
    return max(1, math.ceil(share / VALIDATION_SHARE), config.epochs // VALIDATION_POINTS)


def trainer_steps(bundle: DataBundle, config: TrainingConfig) -> int:
    """Batches per epoch (what the trainer's supervised modes use)."""
    return max(1, math.ceil(len(bundle.x_train) / config.batch_size))


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def device_name(device: str) -> str:
    """'CPU' or 'CUDA (NVIDIA H100 80GB HBM3)' for a training.device setting."""
    import torch

    use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
    if use_cuda and torch.cuda.is_available():
        return f"CUDA ({torch.cuda.get_device_name()})"
    return "CPU"


def _errors_text(count: int) -> str:
    return (
        f"The network has {count} error{'s' * (count != 1)}; fix {'them' if count != 1 else 'it'} first (see Problems)"
    )


def _input_problem(graph: ModelGraph, bundle: DataBundle) -> tuple[str, tuple[str, list[int]] | None] | None:
    """Whether the network's Input fits the data: (message, Input shape fix) or None."""
    from graph_core.layers._helpers import fmt_shape

    inputs = graph.input_nodes()
    if len(inputs) != 1:
        return f"the network has {len(inputs)} Input nodes; training on a data set needs exactly one", None
    node = graph.node(inputs[0])
    expected = tuple(node.params.get("shape", ()))
    if expected != bundle.input_shape:
        message = (
            f"Input {node.id} expects samples of shape {fmt_shape(expected)} but the data set "
            f"'{bundle.name}' gives {fmt_shape(bundle.input_shape)}"
        )
        return message, (node.id, list(bundle.input_shape))
    dtype = node.params.get("dtype", "float32")
    if dtype != bundle.input_dtype:
        return f"Input {node.id} takes {dtype} values but the data set gives {bundle.input_dtype}", None
    return None


def _gan_check(graph: ModelGraph) -> Check:
    from graph_core.training.gan import gan_diagnostics

    errors = [d for d in gan_diagnostics(graph) if d.severity == "error"]
    return Check(errors[0].message) if errors else Check()


def _diffusion_check(graph: ModelGraph, bundle: DataBundle, config: TrainingConfig) -> Check:
    from graph_core.noise_predictor import diffusion_diagnostics, diffusion_inputs
    from graph_core.training.diffusion import setup_problem

    errors = [d for d in diffusion_diagnostics(graph) if d.severity == "error"]
    if errors:
        return Check(f"{errors[0].node}: {errors[0].message}" if errors[0].node else errors[0].message)
    return Check(setup_problem(diffusion_inputs(graph).sample_shape, bundle, config))


def _loss_check(graph: ModelGraph, analysis, bundle: DataBundle, config: TrainingConfig) -> Check:
    from graph_core.training import loss_warning, make_mode

    outputs = graph.output_nodes()
    if len(outputs) != 1:
        return Check(f"the network has {len(outputs)} outputs; training on a data set needs exactly one")
    info = analysis.nodes.get(outputs[0])
    if info is None or info.shape is None:
        return Check()
    mode = make_mode(config.mode)
    problem = mode.problem(tuple(info.shape), bundle, config) if hasattr(mode, "problem") else None
    if problem:  # a language model's problems are about its head and data, not only the loss
        language = config.mode in ("language_model", "masked_language_model")
        return Check(problem if language else f"training.loss: {problem}")
    return Check(advice=loss_warning(config.loss, graph.node(outputs[0]).type))


def transfer_summary(report) -> str:
    kept = ", ".join(report.kept) or "none"
    text = f"Training continues: kept the weights of {len(report.kept)} node(s) ({kept})"
    if report.reset:
        text += f"; fresh weights for {', '.join(report.reset)}"
    return text


def finished_summary(result: RunResult) -> str:
    what = {"completed": "Training finished", "stopped": "Training stopped", "diverged": "Training diverged"}
    text = f"{what.get(result.reason, 'Training ended')} after {result.epoch} epochs ({result.step} steps)"
    test = result.test
    if test is not None and getattr(test, "accuracy", None) is not None:
        text += f" · test accuracy {test.accuracy:.1%}"
    elif test is not None and getattr(test, "rmse", None) is not None:
        text += f" · test RMSE {test.rmse:.4g}"
    return text
