"""The training worker on its own QThread: every step reaches the GUI in a few batched
updates, snapshots are sampled by time, failures become error results, and the thread
always ends (joined in the fixture, never left running)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThread

from app.training.worker import TrainingWorker, Updates, event_every, is_warm, wait_until_warm
from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.project import load_project
from graph_core.training import Trainer, TrainingConfig
from graph_core.training.snapshot import SnapshotOptions

TIMEOUT = 60_000


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


def xor_trainer(epochs: int = 20, fast: str = "auto", **config) -> tuple[Trainer, object]:
    project = load_project("assets/examples/mlp_xor.nlproj")
    bundle = load_dataset(project.data)
    settings = {**project.training, "epochs": epochs, "device": "cpu", **config}
    model = compile_graph(project.graph, seed=0)
    return Trainer(model, bundle, TrainingConfig.from_dict(settings), num_threads=1, fast=fast), bundle


class Run:
    """A worker on its thread, with everything it said."""

    def __init__(self, worker: TrainingWorker) -> None:
        self.worker = worker
        self.thread = QThread()
        self.updates: list[Updates] = []
        self.snapshots = []
        self.outcomes = []
        self.started = []
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        worker.done.connect(self.thread.quit)
        # No receiving QObject: these appends run on the worker thread, which is
        # safe for lists; the tests read them once the thread has finished.
        worker.updatesReady.connect(self.updates.append)
        worker.snapshotReady.connect(self.snapshots.append)
        worker.finished.connect(self.outcomes.append)
        worker.started.connect(self.started.append)

    def start_and_wait(self, qtbot) -> None:
        with qtbot.waitSignal(self.thread.finished, timeout=TIMEOUT):
            self.thread.start()

    def join(self) -> None:
        self.worker.stop()
        self.thread.requestInterruption()
        self.thread.quit()
        assert self.thread.wait(TIMEOUT)


@pytest.fixture
def runs():
    made: list[Run] = []

    def make(trainer: Trainer, bundle, **options) -> Run:
        run = Run(TrainingWorker(trainer, bundle, SnapshotOptions(resolution=30), **options))
        made.append(run)
        return run

    yield make
    for run in made:
        run.join()


def test_every_step_reaches_the_gui_in_a_few_batched_updates(runs, qtbot):
    trainer, bundle = xor_trainer(epochs=60)
    run = runs(trainer, bundle)
    run.start_and_wait(qtbot)
    steps = [step for update in run.updates for step, _, _ in update.steps]
    assert steps == sorted(set(steps)) and steps[-1] == 60 * 18  # fast batches: a few per event
    assert [e.epoch for update in run.updates for e in update.epochs] == list(range(1, 61))
    elapsed = run.outcomes[0].finished.elapsed
    assert len(run.updates) <= 30 * elapsed + 3  # ~30 a second at most
    assert run.outcomes[0].finished.reason == "completed" and run.thread.isFinished()


def test_snapshots_are_sampled_by_time_and_bracket_the_run(runs, qtbot):
    trainer, bundle = xor_trainer(epochs=60)
    run = runs(trainer, bundle, snapshot_interval=0.05)
    run.start_and_wait(qtbot)
    elapsed = run.outcomes[0].finished.elapsed
    assert 2 <= len(run.snapshots) <= elapsed / 0.05 + 3
    assert run.snapshots[0].step == 0  # the fresh weights, before the first batch
    assert run.snapshots[-1].step == 60 * 18  # the trained weights
    assert run.snapshots[-1].boundary.shape == (30, 30)


def test_an_exception_in_training_ends_the_run_with_an_error_and_the_thread_ends(runs, qtbot, monkeypatch):
    from graph_core.training.modes import SupervisedMode

    def failing(self):  # measured after the first epoch, on every training path
        raise ValueError("bad validation batch")

    monkeypatch.setattr(SupervisedMode, "validation_scores", failing)
    trainer, bundle = xor_trainer()
    run = runs(trainer, bundle)
    run.start_and_wait(qtbot)
    outcome = run.outcomes[0]
    assert outcome.finished.reason == "error" and "bad validation batch" in outcome.finished.message
    assert "ValueError" in outcome.traceback and outcome.misclassified is None


def test_a_crash_outside_the_trainer_still_reports_and_ends_the_thread(runs, qtbot):
    trainer, bundle = xor_trainer()

    def broken_run():
        raise RuntimeError("the engine is gone")

    trainer.run = broken_run
    run = runs(trainer, bundle)
    run.start_and_wait(qtbot)
    assert run.outcomes[0].finished.reason == "error"
    assert "the engine is gone" in run.outcomes[0].finished.message


def test_a_failing_snapshot_turns_the_live_views_off_but_training_goes_on(runs, qtbot, monkeypatch):
    import graph_core.training.snapshot as snapshot

    def broken(*args, **kwargs):
        raise RuntimeError("cannot picture this graph")

    monkeypatch.setattr(snapshot, "take_snapshot", broken)
    trainer, bundle = xor_trainer(epochs=5)
    run = runs(trainer, bundle)
    run.start_and_wait(qtbot)
    assert run.snapshots == [] and run.outcomes[0].finished.reason == "completed"


def test_stop_from_the_gui_thread_ends_the_run_before_the_next_batch(runs, qtbot):
    trainer, bundle = xor_trainer(epochs=100_000, fast="off")  # batch by batch
    run = runs(trainer, bundle)
    run.thread.start()
    qtbot.waitUntil(lambda: trainer.global_step > 30, timeout=TIMEOUT)
    with qtbot.waitSignal(run.thread.finished, timeout=TIMEOUT):
        at_stop = trainer.global_step
        run.worker.stop()
    assert run.outcomes[0].finished.reason == "stopped"
    assert run.outcomes[0].finished.step <= at_stop + 1


def test_misclassified_digits_come_with_the_result(runs, qtbot):
    project = load_project("assets/examples/cnn_digits.nlproj")
    bundle = load_dataset(project.data)
    config = TrainingConfig.from_dict({**project.training, "epochs": 1, "device": "cpu"})
    trainer = Trainer(compile_graph(project.graph, seed=0), bundle, config, num_threads=1)
    run = runs(trainer, bundle)
    run.start_and_wait(qtbot)
    wrong = run.outcomes[0].misclassified
    assert wrong is not None and 0 < len(wrong) <= 16
    assert wrong.images.shape[1:] == (8, 8) and (wrong.true != wrong.pred).all()


@pytest.mark.parametrize(
    ("per_epoch", "wanted", "every"),
    [(18, 5, 3), (18, 6, 6), (18, 40, 18), (22, 7, 5), (23, 5, 4), (23, 1, 1), (100, 30, 25)],
)
def test_step_events_come_in_blocks_that_fit_the_epoch(per_epoch, wanted, every):
    assert event_every(per_epoch, wanted) == every


def test_warming_up_loads_the_engine_once():
    assert wait_until_warm(120) and is_warm()
