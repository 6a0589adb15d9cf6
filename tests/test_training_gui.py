"""User stories for training in the app: press Train in the dock and watch the XOR
network learn; pause, step, stop and reset; errors are shown and the app stays usable;
edits during training pause it, and continuing keeps the weights of unchanged nodes."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.commands import AddNodeCommand, ConnectCommand, DisconnectCommand, SetParamCommand
from graph_core.graph import Edge

RUN_TIMEOUT = 60_000


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


class Recorder:
    """Everything the controller told the views, in order."""

    def __init__(self, controller) -> None:
        self.steps: list[tuple[int, float, float]] = []
        self.epochs = []
        self.snapshots = []
        self.states: list[str] = []
        self.errors: list[str] = []
        self.finished = []
        self.progress = []
        self.started = []
        controller.stepsReady.connect(self.steps.extend)
        controller.epochEnded.connect(self.epochs.append)
        controller.snapshotReady.connect(self.snapshots.append)
        controller.stateChanged.connect(self.states.append)
        controller.errorOccurred.connect(self.errors.append)
        controller.runFinished.connect(self.finished.append)
        controller.progressChanged.connect(self.progress.append)
        controller.runStarted.connect(self.started.append)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def train_to_the_end(qtbot, window) -> None:
    with qtbot.waitSignal(window.training.runFinished, timeout=RUN_TIMEOUT):
        click(qtbot, window.training_panel.buttons["train"])
    qtbot.waitUntil(lambda: not window.training.is_busy(), timeout=RUN_TIMEOUT)


# ---- a run from the dock ---------------------------------------------------------------------------


def test_training_xor_from_the_dock_shows_progress_a_falling_loss_and_a_boundary(open_example, qtbot):
    window = open_example("mlp_xor", epochs=40)
    seen = Recorder(window.training)
    train_to_the_end(qtbot, window)

    assert seen.started[0]["label"] == "Adam lr 0.03" and seen.started[0]["kind"] == "points2d"
    assert seen.states[0] == "running" and seen.states[-1] == "finished"
    steps = [step for step, _, _ in seen.steps]
    # In order, up to the last; fast batches are reported a few at a time (mean loss).
    assert steps == sorted(set(steps)) and steps[-1] == 40 * 18 and len(steps) >= 40
    losses = [loss for _, loss, _ in seen.steps]
    tenth = len(losses) // 10
    assert sum(losses[-tenth:]) / tenth < 0.5 * sum(losses[:tenth]) / tenth
    assert [event.epoch for event in seen.epochs] == list(range(1, 41))
    assert seen.progress[-1].step == 720 and seen.progress[-1].epochs == 40
    with_boundary = [s for s in seen.snapshots if s.boundary is not None]
    assert with_boundary and with_boundary[-1].boundary.shape == (60, 60)
    assert with_boundary[-1].boundary_kind == "probability"
    assert set(with_boundary[-1].node_grids) >= {"hidden", "act", "out"}
    assert seen.finished[-1].reason == "completed" and seen.finished[-1].test.accuracy > 0.9
    assert "test accuracy" in window.training_panel.status.text()
    assert window.training_panel.buttons["train"].isEnabled()


def test_the_live_views_draw_the_falling_loss_and_the_decision_boundary(open_example, qtbot):
    window = open_example("mlp_xor", epochs=40)
    train_to_the_end(qtbot, window)
    views = window.training_views
    views.flush()
    run = views.curves.current_run
    losses = run.steps.column(1)
    tenth = len(losses) // 10
    assert run.steps.column(0)[-1] == 40 * 18 and losses[-tenth:].mean() < 0.5 * losses[:tenth].mean()
    x, y = run.curves["train"].getData()
    assert len(x) > 0 and np.isfinite(y).all()
    picture = views.boundary.image.image  # the 60x60 grid, coloured (and smoothed) for the screen
    assert picture is not None and picture.shape[0] >= 60 and len(np.unique(picture[..., 0])) > 10
    assert window.canvas.scene().node_item("hidden")._preview is not None  # the units' pictures


def test_updates_reach_the_window_batched_not_once_per_step(open_example, qtbot):
    window = open_example("mlp_xor", epochs=60)
    batches = []
    window.training.stepsReady.connect(batches.append)
    snapshots = []
    window.training.snapshotReady.connect(snapshots.append)
    train_to_the_end(qtbot, window)
    elapsed = window.training.trainer.history[-1].elapsed
    assert batches[-1][-1][0] == 60 * 18
    # ~30 updates and ~10 snapshots a second at most (plus the first and last ones).
    assert len(batches) <= 30 * elapsed + 5
    assert len(snapshots) <= 10 * elapsed + 4


# ---- controls ----------------------------------------------------------------------------------------


def test_stop_takes_effect_within_a_batch(open_example, qtbot):
    window = open_example("mlp_xor", epochs=100_000)
    controller = window.training
    controller.fast_path = "off"  # batch by batch (the fast path: see the next test)
    click(qtbot, window.training_panel.buttons["train"])
    qtbot.waitUntil(lambda: controller.trainer.global_step > 50, timeout=RUN_TIMEOUT)
    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT) as finished:
        step_at_stop = controller.trainer.global_step
        click(qtbot, window.training_panel.buttons["stop"])
    assert finished.args[0].reason == "stopped"
    assert finished.args[0].step <= step_at_stop + 1
    qtbot.waitUntil(lambda: controller.state == "finished")
    assert not controller.is_busy() and window.training_panel.buttons["train"].isEnabled()


def test_stop_takes_effect_within_one_kernel_call_on_the_fast_path(open_example, qtbot):
    fast = pytest.importorskip("graph_core.training.fast")
    fast.warm_up(background=False)
    window = open_example("mlp_xor", epochs=100_000)
    controller = window.training
    controller.fast_path = "auto"
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 500, timeout=RUN_TIMEOUT)
    if not controller.trainer.uses_fast_path:
        controller.stop()
        pytest.skip(f"not on the fast path: {controller.trainer.fast_reason}")
    with qtbot.waitSignal(controller.runFinished, timeout=RUN_TIMEOUT) as finished:
        step_at_stop, every = controller.trainer.global_step, controller.trainer.step_event_every
        controller.stop()
    assert finished.args[0].reason == "stopped"
    assert finished.args[0].step <= step_at_stop + every  # batches between two events go in one call
    assert 1 < every <= 18  # several batches a call, never more than an epoch


def test_pause_holds_training_step_trains_one_batch_and_resume_goes_on(open_example, qtbot):
    window = open_example("mlp_xor", epochs=100_000)
    controller, actions = window.training, window.training_actions
    actions["train"].trigger()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 20, timeout=RUN_TIMEOUT)
    actions["pause"].trigger()
    assert controller.state == "paused" and actions["pause"].text() == "&Resume"
    qtbot.waitUntil(lambda: controller.trainer.global_step == _settled_step(qtbot, controller), timeout=RUN_TIMEOUT)
    held = controller.trainer.global_step
    actions["step"].trigger()
    qtbot.waitUntil(lambda: controller.trainer.global_step == held + 1, timeout=RUN_TIMEOUT)
    assert _settled_step(qtbot, controller) == held + 1
    actions["pause"].trigger()  # now "Resume"
    assert controller.state == "running"
    qtbot.waitUntil(lambda: controller.trainer.global_step > held + 20, timeout=RUN_TIMEOUT)
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=RUN_TIMEOUT)


def _settled_step(qtbot, controller) -> int:
    """The step count after a few event-loop turns (a paused trainer does not move)."""
    before = controller.trainer.global_step
    qtbot.wait(50)
    return before if controller.trainer.global_step == before else -1


def test_step_from_idle_starts_a_paused_run_with_one_batch(open_example, qtbot):
    window = open_example("mlp_xor", epochs=10)
    controller = window.training
    with qtbot.waitSignal(controller.snapshotReady, timeout=RUN_TIMEOUT):
        window.training_actions["step"].trigger()
    qtbot.waitUntil(lambda: controller.trainer.global_step == 1, timeout=RUN_TIMEOUT)
    assert controller.state == "paused"
    controller.stop()
    qtbot.waitUntil(lambda: controller.state == "finished", timeout=RUN_TIMEOUT)


def test_reset_weights_stops_training_and_shows_fresh_weights(open_example, qtbot):
    window = open_example("mlp_xor", epochs=100_000)
    controller = window.training
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 30, timeout=RUN_TIMEOUT)
    seen = Recorder(controller)
    window.training_actions["reset"].trigger()
    qtbot.waitUntil(lambda: controller.state == "idle", timeout=RUN_TIMEOUT)
    fresh = seen.snapshots[-1]
    assert fresh.step == 0 and fresh.epoch == 0 and fresh.boundary is not None
    assert seen.finished[-1].reason == "stopped"
    assert not controller.has_model() and window.training_panel.progress.value() == 0


def test_closing_the_window_during_training_exits_cleanly(open_example, qtbot):
    window = open_example("mlp_spiral", epochs=100_000)
    controller = window.training
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 10, timeout=RUN_TIMEOUT)
    thread = controller._thread
    assert window.close()
    assert thread.isFinished() and not controller.is_busy()
    assert not [t for t in threading.enumerate() if t.name == "torch-warm-up"]
    QApplication.processEvents()  # late signals of the ended run find nothing to update


# ---- errors ------------------------------------------------------------------------------------------


def test_an_error_inside_training_is_shown_and_training_works_again(open_example, qtbot, monkeypatch):
    window = open_example("mlp_xor", epochs=5)
    from graph_core.training.modes import SupervisedMode

    real_scores = SupervisedMode.validation_scores

    def on_fire(self):  # after the first epoch, whichever path trains the batches
        raise RuntimeError("the validation set caught fire")

    monkeypatch.setattr(SupervisedMode, "validation_scores", on_fire)
    seen = Recorder(window.training)
    train_to_the_end(qtbot, window)
    assert window.training.state == "error"
    assert seen.finished[-1].reason == "error" and "caught fire" in seen.finished[-1].traceback
    status = window.training_panel.status
    assert "caught fire" in status.text() and status.property("role") == "error" and status.isVisible()
    assert window.training_panel.buttons["train"].isEnabled()

    monkeypatch.setattr(SupervisedMode, "validation_scores", real_scores)
    train_to_the_end(qtbot, window)
    assert window.training.state == "finished" and seen.finished[-1].reason == "completed"
    assert status.property("role") != "error"


def test_a_loss_that_does_not_fit_the_output_is_explained_before_training(open_example, qtbot):
    window = open_example("mlp_xor", epochs=5)
    dock = window.training_panel
    window.document.try_push(SetParamCommand(window.document.graph, "out", "out_features", 3))
    qtbot.waitUntil(lambda: dock.check_box.isVisible())
    assert "CrossEntropyLoss needs one output per class (2)" in dock.check_label.text()
    seen = Recorder(window.training)
    click(qtbot, dock.buttons["train"])
    assert window.training.state == "error" and "one output per class" in seen.errors[-1]
    assert dock.buttons["train"].isEnabled() and "one output per class" in dock.status.text()
    dock.settings_panel.set_value("loss", "MSELoss")
    window.document.try_push(SetParamCommand(window.document.graph, "out", "out_features", 2))
    qtbot.waitUntil(lambda: not dock.check_box.isVisible())


# ---- editing while training --------------------------------------------------------------------------


def test_editing_while_training_pauses_it_and_asks(open_example, qtbot):
    window = open_example("mlp_spiral", epochs=100_000)
    controller = window.training
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 20, timeout=RUN_TIMEOUT)
    assert window.canvas_banner.isVisible() and "editing the network pauses it" in window.canvas_banner.text.text()
    window.document.try_push(SetParamCommand(window.document.graph, "fc2", "out_features", 24))
    qtbot.waitUntil(lambda: controller.state == "paused")
    assert controller.edited
    assert window.training_panel.edit_banner.isVisible()
    assert window.canvas_banner.button.isVisible()
    moved_only = window.document.graph.node("fc1").pos
    window.document.graph.move("fc1", (moved_only[0] + 40, moved_only[1]))
    assert controller.edited  # moving nodes is not an edit of the network


def test_continue_after_widening_a_layer_keeps_the_weights_of_unchanged_nodes(open_example, qtbot):
    window = open_example("mlp_spiral", epochs=100_000)
    controller = window.training
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 40, timeout=RUN_TIMEOUT)
    window.document.try_push(SetParamCommand(window.document.graph, "fc2", "out_features", 24))
    qtbot.waitUntil(lambda: controller.state == "paused")
    old_model, run_id, old_epoch = controller.model, controller.run_id, controller.trainer.epoch
    at_continue = {}

    def remember(report):  # before the new thread starts: nothing has trained yet
        at_continue["fc1"] = controller.model.fc1.weight.detach().clone()
        at_continue["fc2"] = controller.model.fc2.weight.shape
        at_continue["report"] = report

    controller.runContinued.connect(remember)
    click(qtbot, window.training_panel.edit_banner.continue_button)
    qtbot.waitUntil(lambda: "report" in at_continue and controller.state == "running", timeout=RUN_TIMEOUT)
    assert torch.equal(at_continue["fc1"], old_model.fc1.weight.detach())
    assert at_continue["fc2"] == (24, 16)
    assert at_continue["report"]["kept"] == ("fc1",) and set(at_continue["report"]["reset"]) == {"fc2", "out"}
    assert controller.run_id == run_id and controller.trainer.epoch >= old_epoch
    assert not controller.edited and not window.training_panel.edit_banner.isVisible()
    step = controller.trainer.global_step
    qtbot.waitUntil(lambda: controller.trainer.global_step > step + 10, timeout=RUN_TIMEOUT)
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=RUN_TIMEOUT)


def test_adding_a_layer_while_paused_keeps_every_old_node_and_training_goes_on(open_example, qtbot):
    window = open_example("mlp_spiral", epochs=100_000)
    controller, doc = window.training, window.document
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer.global_step > 40, timeout=RUN_TIMEOUT)
    controller.pause()
    with doc.macro("Insert a layer"):
        doc.try_push(AddNodeCommand(doc.graph, "Linear", (900, 0), {"out_features": 16}, "extra"))
        doc.try_push(DisconnectCommand(doc.graph, [Edge("act2", "out")]))
        doc.try_push(ConnectCommand(doc.graph, "act2", "extra"))
        doc.try_push(ConnectCommand(doc.graph, "extra", "out"))
    qtbot.waitUntil(lambda: controller.edited)
    reports = []
    controller.runContinued.connect(reports.append)
    window.training_actions["pause"].trigger()  # "Resume" after an edit continues with it
    qtbot.waitUntil(lambda: bool(reports) and controller.state == "running", timeout=RUN_TIMEOUT)
    assert set(reports[0]["kept"]) == {"fc1", "fc2", "out"} and reports[0]["reset"] == ("extra",)
    assert "extra" in dict(controller.model.named_children())
    step = controller.trainer.global_step
    qtbot.waitUntil(lambda: controller.trainer.global_step > step + 20, timeout=RUN_TIMEOUT)
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=RUN_TIMEOUT)


# ---- data and settings -------------------------------------------------------------------------------


def test_training_settings_are_written_to_the_project_and_irrelevant_ones_hidden(open_example, qtbot):
    window = open_example("mlp_xor")
    panel = window.training_panel.settings_panel
    assert panel.rows["momentum"].isHidden() and panel.rows["step_size"].isHidden()
    panel.set_value("optimizer", "SGD")
    panel.set_value("lr", 0.1)
    assert not panel.rows["momentum"].isHidden() and not panel.rows["nesterov"].isHidden()
    assert window.document.project.training["optimizer"] == "SGD"
    assert window.document.project.training["lr"] == 0.1 and window.document.dirty
    panel.set_value("schedule", "step")
    assert not panel.rows["step_size"].isHidden() and not panel.rows["gamma"].isHidden()
    with qtbot.waitSignal(window.training.runStarted, timeout=RUN_TIMEOUT) as started:
        window.training_actions["train"].trigger()
    assert started.args[0]["label"] == "SGD lr 0.1 · step"
    assert not panel.isEnabled()  # settings wait for the next run
    window.training.stop()
    qtbot.waitUntil(lambda: panel.isEnabled(), timeout=RUN_TIMEOUT)


def test_the_device_list_names_the_cpu_and_the_gpu_when_there_is_one(open_example):
    window = open_example("mlp_xor")
    combo = window.training_panel.settings_panel.editor("device").combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert "CPU" in texts
    cuda = combo.model().item(combo.findData("cuda"))
    if torch.cuda.is_available():
        assert torch.cuda.get_device_name() in cuda.text() and cuda.isEnabled()
    else:
        assert not cuda.isEnabled() and "no GPU" in cuda.text()


def test_a_new_input_feature_asks_for_a_matching_input_shape_and_one_click_fixes_it(open_example, qtbot):
    window = open_example("mlp_xor")
    dock = window.training_panel
    dock.data_panel.features.buttons["x1^2"].click()
    assert window.document.project.data["features"] == ["x1", "x2", "x1^2"]
    qtbot.waitUntil(lambda: window.training.bundle is not None and window.training.bundle.input_shape == (3,))
    qtbot.waitUntil(lambda: dock.fix_button.isVisible())
    assert "expects samples of shape [2]" in dock.check_label.text()
    click(qtbot, dock.fix_button)
    assert window.document.graph.node("x").params["shape"] == [3]
    qtbot.waitUntil(lambda: not dock.check_box.isVisible())
    train_to_the_end(qtbot, window)
    assert window.training.state == "finished"


def test_choosing_a_data_set_shows_its_description_and_only_its_settings(open_example, qtbot):
    window = open_example("mlp_xor")
    panel = window.training_panel.data_panel
    panel.select_dataset("digits")
    assert "handwritten digits" in panel.description.text()
    assert panel.rows["noise"].isHidden() and not panel.rows["layout"].isHidden()
    assert panel.features.isHidden()
    with qtbot.waitSignal(window.training.dataReady, timeout=RUN_TIMEOUT) as loaded:
        pass
    assert loaded.args[0].name == "digits"
    qtbot.waitUntil(lambda: "expects samples of shape [2]" in window.training_panel.check_label.text())


def test_importing_a_csv_file_through_the_file_dialog(open_example, qtbot, tmp_path):
    window = open_example("mlp_xor")
    rows = ["a,b,label"] + [f"{i % 7},{(i * 3) % 5},{'yes' if i % 2 else 'no'}" for i in range(60)]
    path = tmp_path / "table.csv"
    path.write_text("\n".join(rows) + "\n")
    panel = window.training_panel.data_panel
    panel.ask_csv_path = lambda: str(path)
    panel.dataset.setCurrentIndex(panel.dataset.findData("csv"))
    panel.dataset.activated.emit(panel.dataset.currentIndex())
    assert window.document.project.data["csv"]["path"] == str(path)
    assert panel.target.currentText() == "label" and list(panel.columns.buttons) == ["a", "b"]
    with qtbot.waitSignal(window.training.dataReady, timeout=RUN_TIMEOUT) as loaded:
        pass
    assert loaded.args[0].input_shape == (2,) and loaded.args[0].class_names == ["no", "yes"]


def test_a_cancelled_file_dialog_keeps_the_data_set(open_example):
    window = open_example("mlp_xor")
    panel = window.training_panel.data_panel
    panel.ask_image_folder = lambda: None
    panel.dataset.setCurrentIndex(panel.dataset.findData("image_folder"))
    panel.dataset.activated.emit(panel.dataset.currentIndex())
    assert window.document.project.data["dataset"] == "xor" and panel.dataset.currentData() == "xor"
