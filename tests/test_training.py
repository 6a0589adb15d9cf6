"""User stories for the training engine: losses, optimizers, schedules, the Trainer's
controls and events, metrics, grids, checkpoints and weight transfer."""

from __future__ import annotations

import math
import queue
import threading
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from graph_core.data.bundle import DataBundle
from graph_core.training import (
    DivergedEvent,
    EpochEvent,
    ErrorEvent,
    FinishedEvent,
    PausedEvent,
    StartedEvent,
    StepEvent,
    Trainer,
    TrainingConfig,
    TrainingMode,
    check_loss_compatibility,
    decision_grid,
    evaluate,
    loss_warning,
    node_grids,
    transfer_weights,
)
from graph_core.training.checkpoint import load_weights, save_weights
from graph_core.training.schedules import Schedule
from tests import training_events

TIMEOUT = 30


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---- tiny data sets --------------------------------------------------------------------


def make_bundle(x: torch.Tensor, y: torch.Tensor, task: str, num_classes: int | None = None, **extra) -> DataBundle:
    a, b = int(len(x) * 0.7), int(len(x) * 0.85)
    return DataBundle(
        "test", task, extra.pop("kind", "tabular"), x[:a], y[:a], x[a:b], y[a:b], x[b:], y[b:], num_classes, **extra
    )


def plane_bundle(x: torch.Tensor, y: torch.Tensor, num_classes: int = 2) -> DataBundle:
    a, b = int(len(x) * 0.7), int(len(x) * 0.85)
    return make_bundle(
        x,
        y,
        "classification",
        num_classes,
        kind="points2d",
        points_train=x[:a],
        points_val=x[a:b],
        points_test=x[b:],
        domain=((-1.0, 1.0), (-1.0, 1.0)),
    )


def xor_bundle(n: int = 400, seed: int = 0) -> DataBundle:
    g = torch.Generator().manual_seed(seed)
    points = torch.rand(n, 2, generator=g) * 2 - 1
    labels = ((points[:, 0] > 0) ^ (points[:, 1] > 0)).long()
    return plane_bundle(points, labels)


def blobs_bundle(n: int = 300, classes: int = 2, seed: int = 0) -> DataBundle:
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % classes
    angles = labels.float() * (2 * math.pi / classes)
    centers = torch.stack([angles.cos(), angles.sin()], dim=1) * 0.6
    points = centers + 0.12 * torch.randn(n, 2, generator=g)
    return plane_bundle(points, labels, classes)


def regression_bundle(n: int = 300, seed: int = 0, squash: bool = False) -> DataBundle:
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 2, generator=g) * 2 - 1
    y = (2 * x[:, :1] - x[:, 1:]) + 0.05 * torch.randn(n, 1, generator=g)
    if squash:  # targets in [0, 1], for BCEWithLogitsLoss
        y = torch.sigmoid(2 * y)
    return make_bundle(x, y, "regression")


def mlp(inputs: int = 2, hidden: int = 8, outputs: int = 2, seed: int = 0, last: nn.Module | None = None) -> nn.Module:
    torch.manual_seed(seed)
    layers = OrderedDict(fc1=nn.Linear(inputs, hidden), act1=nn.Tanh(), out=nn.Linear(hidden, outputs))
    if last is not None:
        layers["last"] = last
    return nn.Sequential(layers)


def train(model: nn.Module, bundle: DataBundle, **settings) -> tuple[FinishedEvent, list]:
    events: list = []
    config = TrainingConfig(**{"epochs": 20, "batch_size": 16, "device": "cpu", **settings})
    finished = Trainer(model, bundle, config, on_event=events.append).run()
    return finished, events


def epochs_of(events: list) -> list[EpochEvent]:
    return [e for e in events if isinstance(e, EpochEvent)]


# ---- learning --------------------------------------------------------------------------


def test_loss_decreases_on_a_simple_regression():
    finished, events = train(mlp(outputs=1), regression_bundle(), loss="MSELoss", epochs=15)
    losses = [e.train_loss for e in epochs_of(events)]
    assert finished.reason == "completed"
    assert losses[-1] < losses[0] / 5
    assert finished.test.r2 > 0.9


def test_mlp_learns_xor_but_a_single_linear_layer_cannot():
    bundle = xor_bundle()
    mlp_run, _ = train(mlp(hidden=8), bundle, lr=0.03, epochs=60)
    torch.manual_seed(0)
    linear_run, _ = train(nn.Sequential(OrderedDict(out=nn.Linear(2, 2))), bundle, lr=0.03, epochs=60)
    assert mlp_run.test.accuracy >= 0.9
    assert linear_run.test.accuracy <= 0.75


CLASSIFICATION_LOSSES = [
    ("CrossEntropyLoss", 2, None),
    ("NLLLoss", 2, nn.LogSoftmax(dim=1)),
    ("MultiMarginLoss", 2, None),
    ("BCEWithLogitsLoss", 1, None),
    ("BCEWithLogitsLoss", 2, None),
    ("MSELoss", 1, None),
    ("MSELoss", 2, None),
    ("L1Loss", 1, None),
    ("SmoothL1Loss", 2, None),
]


@pytest.mark.parametrize(("loss", "outputs", "last"), CLASSIFICATION_LOSSES)
def test_every_loss_trains_a_classifier(loss, outputs, last):
    bundle = blobs_bundle()
    model = mlp(outputs=outputs, last=last)
    assert check_loss_compatibility(loss, [outputs], bundle) is None
    finished, events = train(model, bundle, loss=loss, epochs=8, lr=0.03)
    assert finished.reason == "completed"
    assert finished.test.accuracy >= 0.95
    assert epochs_of(events)[-1].error_rate == pytest.approx(1 - epochs_of(events)[-1].accuracy)


@pytest.mark.parametrize("loss", ["MSELoss", "L1Loss", "SmoothL1Loss", "BCEWithLogitsLoss"])
def test_every_regression_loss_fits_a_plane(loss):
    bundle = regression_bundle(squash=loss == "BCEWithLogitsLoss")
    finished, events = train(mlp(outputs=1), bundle, loss=loss, epochs=15)
    losses = [e.train_loss for e in epochs_of(events)]
    assert losses[-1] < losses[0]
    assert finished.test.r2 > 0.8


def test_three_class_problem_with_cross_entropy_reports_per_class_accuracy():
    finished, _ = train(mlp(outputs=3), blobs_bundle(classes=3), epochs=10, lr=0.03)
    assert finished.test.confusion.shape == (3, 3)
    assert finished.test.per_class_accuracy.min() >= 0.9


def test_incompatible_losses_explain_themselves():
    digits_like = make_bundle(torch.randn(40, 4), torch.arange(40) % 10, "classification", 10)
    assert (
        check_loss_compatibility("CrossEntropyLoss", [1], digits_like)
        == "CrossEntropyLoss needs one output per class (10) but the network outputs [1]"
    )
    three = blobs_bundle(classes=3)
    assert "MSELoss on a classification task needs one output per class (3)" in check_loss_compatibility(
        "MSELoss", [1], three
    )
    assert "BCEWithLogitsLoss needs one output for 2 classes" in check_loss_compatibility(
        "BCEWithLogitsLoss", [3], blobs_bundle()
    )
    assert "regression task" in check_loss_compatibility("CrossEntropyLoss", [1], regression_bundle())
    assert "between 0 and 1" in check_loss_compatibility("BCEWithLogitsLoss", [1], regression_bundle())
    assert "outputs [3]" in check_loss_compatibility("MSELoss", [3], regression_bundle())


def test_training_with_an_incompatible_loss_is_a_message_not_a_stack_trace():
    finished, events = train(mlp(outputs=1), blobs_bundle(classes=3), loss="CrossEntropyLoss")
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert finished.reason == "error"
    assert errors[0].message == "CrossEntropyLoss needs one output per class (3) but the network outputs [1]"
    assert errors[0].traceback == ""
    assert not [e for e in events if isinstance(e, StepEvent)]


def test_nll_loss_without_log_softmax_is_a_warning():
    assert "LogSoftmax" in loss_warning("NLLLoss", "Linear")
    assert loss_warning("NLLLoss", "LogSoftmax") is None
    assert loss_warning("CrossEntropyLoss", "Linear") is None


# ---- optimizers and schedules ------------------------------------------------------------

OPTIMIZER_SETTINGS = [
    {"optimizer": "SGD", "lr": 0.1},
    {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"optimizer": "Adam", "weight_decay": 1e-4, "grad_clip": 1.0},
    {"optimizer": "AdamW", "weight_decay": 0.01},
    {"optimizer": "RMSprop", "lr": 0.005, "l1": 1e-4},
    {"optimizer": "Adagrad", "lr": 0.1},
]


@pytest.mark.parametrize("settings", OPTIMIZER_SETTINGS, ids=lambda s: s["optimizer"] + str(len(s)))
def test_each_optimizer_reduces_the_loss(settings):
    finished, events = train(mlp(outputs=1), regression_bundle(), loss="MSELoss", epochs=10, **settings)
    losses = [e.train_loss for e in epochs_of(events)]
    assert finished.reason == "completed"
    assert losses[-1] < losses[0] / 2


@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_weight_decay_matches_torch_with_decay_on_weights_only(optimizer):
    bundle = regression_bundle()
    ours, reference = mlp(outputs=1), mlp(outputs=1)
    options = {"momentum": 0.9} if optimizer in ("SGD", "RMSprop") else {}
    train(
        ours,
        bundle,
        loss="MSELoss",
        optimizer=optimizer,
        lr=0.05,
        weight_decay=0.1,
        epochs=3,
        batch_size=1000,
        **options,
    )

    weights = [p for p in reference.parameters() if p.ndim >= 2]
    others = [p for p in reference.parameters() if p.ndim < 2]
    groups = [{"params": weights, "weight_decay": 0.1}, {"params": others, "weight_decay": 0.0}]
    torch_optimizer = getattr(torch.optim, optimizer)(groups, lr=0.05, **options)
    for _ in range(3):  # one full batch per epoch
        torch_optimizer.zero_grad()
        nn.functional.mse_loss(reference(bundle.x_train), bundle.y_train).backward()
        torch_optimizer.step()
    for mine, theirs in zip(ours.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-5)


def test_l1_penalty_shrinks_weights():
    bundle = regression_bundle()
    plain, heavy = mlp(outputs=1), mlp(outputs=1)
    train(plain, bundle, loss="MSELoss", epochs=10)
    train(heavy, bundle, loss="MSELoss", epochs=10, l1=0.05)
    assert heavy.fc1.weight.abs().sum() < 0.7 * plain.fc1.weight.abs().sum()


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("constant", [0.1] * 6),
        ("step", [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]),
        ("exponential", [0.1 * 0.5 ** (e / 2) for e in range(6)]),
        ("cosine", [0.1 * 0.5 * (1 + math.cos(math.pi * e / 6)) for e in range(6)]),
    ],
)
def test_reported_learning_rate_follows_the_schedule(schedule, expected):
    _, events = train(mlp(), blobs_bundle(), lr=0.1, epochs=6, schedule=schedule, step_size=2, gamma=0.5)
    assert [e.lr for e in epochs_of(events)] == pytest.approx(expected)
    step_lrs = [e.lr for e in events if isinstance(e, StepEvent)]
    assert step_lrs[0] == pytest.approx(expected[0])


def test_warmup_rises_each_step_then_hands_over_to_the_schedule():
    _, events = train(mlp(), blobs_bundle(), lr=0.1, epochs=4, warmup_epochs=2, schedule="step", step_size=1)
    steps_per_epoch = math.ceil(210 / 16)
    lrs = [e.lr for e in events if isinstance(e, StepEvent)]
    warmup = lrs[: 2 * steps_per_epoch]
    assert all(a < b for a, b in zip(warmup, warmup[1:], strict=False))
    assert warmup[0] == pytest.approx(0.1 / (2 * steps_per_epoch))
    assert warmup[-1] == pytest.approx(0.1)
    assert [e.lr for e in epochs_of(events)] == pytest.approx([0.05, 0.1, 0.1, 0.05])


def test_schedule_factor_is_a_pure_function():
    schedule = Schedule("cosine", epochs=10, steps_per_epoch=5)
    assert schedule.factor(0) == 1.0
    assert schedule.factor(5) == pytest.approx(0.5)


# ---- controls from another thread ----------------------------------------------------------


def start_in_thread(trainer: Trainer) -> threading.Thread:
    thread = threading.Thread(target=trainer.run, daemon=True)
    thread.start()
    return thread


def test_stop_from_another_thread_takes_effect_within_one_batch():
    reached, stopped = threading.Event(), threading.Event()
    steps: list[int] = []
    finished: list[FinishedEvent] = []

    def on_event(event):
        if isinstance(event, StepEvent):
            steps.append(event.step)
            if event.step == 3:
                reached.set()
                stopped.wait(TIMEOUT)  # the GUI clicks Stop while this batch is reported
        if isinstance(event, FinishedEvent):
            finished.append(event)

    trainer = Trainer(mlp(), xor_bundle(), TrainingConfig(epochs=50, batch_size=8), on_event=on_event)
    thread = start_in_thread(trainer)
    assert reached.wait(TIMEOUT)
    trainer.stop()
    stopped.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert steps == [1, 2, 3]
    assert finished[0].reason == "stopped"
    assert finished[0].test is not None


def next_of(events: queue.Queue, kind: type):
    """The next event of `kind`, and every event seen on the way."""
    return training_events.next_of(events, kind, TIMEOUT)


def test_pause_then_single_steps_then_resume():
    events: queue.Queue = queue.Queue()
    config = TrainingConfig(epochs=2, batch_size=50)
    trainer = Trainer(mlp(), xor_bundle(), config, on_event=events.put)
    trainer.pause()  # paused before the first batch, like a Step button on a fresh run
    thread = start_in_thread(trainer)

    _, seen = next_of(events, PausedEvent)
    assert [type(e) for e in seen] == [StartedEvent, PausedEvent]
    for expected_step in (1, 2):
        trainer.step()
        step, seen = next_of(events, PausedEvent)
        assert [e.step for e in seen if isinstance(e, StepEvent)] == [expected_step]
    assert trainer.is_paused and trainer.is_running

    trainer.resume()
    finished, _ = next_of(events, FinishedEvent)
    thread.join(TIMEOUT)
    assert finished.reason == "completed"
    assert finished.step == 2 * math.ceil(280 / 50)


def test_stop_while_paused_ends_the_run():
    events: queue.Queue = queue.Queue()
    trainer = Trainer(mlp(), xor_bundle(), TrainingConfig(epochs=5), on_event=events.put)
    trainer.pause()
    thread = start_in_thread(trainer)
    next_of(events, PausedEvent)
    trainer.stop()
    finished, _ = next_of(events, FinishedEvent)
    thread.join(TIMEOUT)
    assert finished.reason == "stopped"
    assert finished.step == 0


# ---- failures ----------------------------------------------------------------------------


class Sabotaged(nn.Module):
    """An MLP whose training forward misbehaves from call `after` on."""

    def __init__(self, after: int, failure: str) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc1 = nn.Linear(2, 8)
        self.out = nn.Linear(8, 2)
        self.after, self.failure, self.calls = after, failure, 0

    def forward(self, x):
        if self.training:
            self.calls += 1
        y = self.out(torch.tanh(self.fc1(x)))
        if self.training and self.calls >= self.after:
            if self.failure == "raise":
                raise ValueError(f"boom at call {self.calls}")
            y = y * float("inf")
        return y


def test_non_finite_loss_stops_and_restores_the_last_good_weights():
    model = Sabotaged(after=60, failure="inf")
    saved: list[dict] = []

    def on_event(event):
        if isinstance(event, EpochEvent):
            saved.append({k: v.clone() for k, v in model.state_dict().items()})

    trainer = Trainer(model, xor_bundle(), TrainingConfig(batch_size=10), on_event=on_event)
    finished = trainer.run()
    diverged = [e for e in trainer.history]  # epochs completed before the failure
    assert finished.reason == "diverged"
    assert len(diverged) == 2  # 28 batches per epoch: call 60 is in epoch 3
    assert all(torch.equal(v, saved[-1][k]) for k, v in model.state_dict().items())
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_huge_learning_rate_diverges_with_a_message():
    events: list = []
    model = mlp(outputs=1)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    config = TrainingConfig(loss="MSELoss", optimizer="SGD", lr=1e6, epochs=5, batch_size=16)
    finished = Trainer(model, regression_bundle(), config, on_event=events.append, step_event_every=0).run()
    message = [e for e in events if isinstance(e, DivergedEvent)][0].message
    assert finished.reason == "diverged"
    assert "smaller learning rate" in message and "initial weights were restored" in message
    assert all(torch.equal(v, initial[k]) for k, v in model.state_dict().items())


def test_exception_inside_forward_becomes_an_error_event_not_a_dead_thread():
    events: list = []
    trainer = Trainer(Sabotaged(after=5, failure="raise"), xor_bundle(), TrainingConfig(), on_event=events.append)
    thread = start_in_thread(trainer)
    thread.join(TIMEOUT)
    error = [e for e in events if isinstance(e, ErrorEvent)][0]
    assert not thread.is_alive()
    assert error.message == "ValueError: boom at call 5"
    assert "in forward" in error.traceback
    assert isinstance(events[-1], FinishedEvent) and events[-1].reason == "error"


def test_a_failing_listener_ends_the_run_with_an_error():
    def on_event(event):
        if isinstance(event, EpochEvent):
            raise RuntimeError("listener broke")

    finished = Trainer(mlp(), xor_bundle(), TrainingConfig(epochs=3), on_event=on_event).run()
    assert finished.reason == "error"
    assert "listener broke" in finished.message


# ---- determinism and events ------------------------------------------------------------------


def test_same_seed_gives_identical_losses():
    def losses(seed: int) -> list[float]:
        _, events = train(mlp(hidden=6, seed=1), xor_bundle(), epochs=4, seed=seed)
        return [e.train_loss for e in events if isinstance(e, StepEvent)]

    first = losses(7)
    assert first == losses(7)
    assert first != losses(8)


def test_epoch_events_report_everything_the_dock_shows():
    _, events = train(mlp(), xor_bundle(), epochs=3)
    epoch = epochs_of(events)[-1]
    assert epoch.epoch == 3 and epoch.epochs == 3
    assert set(epoch.grad_norms) == {"fc1", "out"}
    assert all(v > 0 for v in epoch.grad_norms.values())
    assert 0 <= epoch.accuracy <= 1 and epoch.val_loss > 0
    assert epoch.samples_per_sec > 0 and epoch.eta == 0 and epoch.elapsed > 0
    assert epochs_of(events)[0].eta > 0
    assert isinstance(events[0], StartedEvent) and events[0].device == "cpu"


def test_step_events_can_be_thinned_and_report_the_mean_loss():
    bundle = xor_bundle()
    model = mlp()
    events: list = []
    config = TrainingConfig(epochs=1, batch_size=28, optimizer="SGD", lr=1e-9)
    Trainer(model, bundle, config, on_event=events.append, step_event_every=5).run()
    steps = [e for e in events if isinstance(e, StepEvent)]
    assert [e.step for e in steps] == [5, 10]
    assert epochs_of(events)[0].train_loss == pytest.approx(np.mean([e.train_loss for e in steps]), rel=1e-3)


def test_validation_can_run_every_few_epochs():
    _, events = train(mlp(), xor_bundle(), epochs=7)
    automatic = [e.val_loss is not None for e in epochs_of(events)]
    assert automatic[0] and automatic[-1]  # the rest depends on how long validation takes

    events = []
    Trainer(mlp(), xor_bundle(), TrainingConfig(epochs=7), on_event=events.append, validate_every=3).run()
    measured = [e.epoch for e in epochs_of(events) if e.val_loss is not None]
    assert measured == [3, 6, 7]  # and always the last epoch
    assert all((e.accuracy is None) == (e.val_loss is None) for e in epochs_of(events))


def test_check_reports_problems_before_training():
    assert Trainer(mlp(), xor_bundle(), TrainingConfig()).check() is None
    assert "outputs [3]" in Trainer(mlp(outputs=3), xor_bundle(), TrainingConfig()).check()
    wrong_input = Trainer(mlp(inputs=5), xor_bundle(), TrainingConfig()).check()
    assert wrong_input.startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied")


def test_cuda_request_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    finished, events = train(mlp(), xor_bundle(), device="cuda")
    assert finished.reason == "error"
    assert "CUDA is not available" in finished.message


# ---- metrics and grids ---------------------------------------------------------------------


class Fixed(nn.Module):
    """Returns preset outputs, whatever the input."""

    def __init__(self, outputs: torch.Tensor) -> None:
        super().__init__()
        self.outputs = outputs
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x):
        return self.outputs[: len(x)] * self.scale


def test_confusion_matrix_and_per_class_accuracy_match_hand_counts():
    truth = torch.tensor([0, 0, 1, 1, 1, 2])
    predicted = torch.tensor([0, 1, 1, 1, 2, 2])
    scores = nn.functional.one_hot(predicted, 3).float()
    metrics = evaluate(Fixed(scores), torch.zeros(6, 1), truth, "classification", num_classes=3)
    assert metrics.confusion.tolist() == [[1, 1, 0], [0, 2, 1], [0, 0, 1]]
    assert metrics.accuracy == pytest.approx(4 / 6)
    assert metrics.error_rate == pytest.approx(2 / 6)
    assert metrics.per_class_accuracy.tolist() == pytest.approx([0.5, 2 / 3, 1.0])


def test_regression_metrics_match_hand_computation():
    truth = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    predicted = torch.tensor([[1.0], [2.0], [4.0], [2.0]])
    metrics = evaluate(Fixed(predicted), torch.zeros(4, 1), truth, "regression", loss=nn.MSELoss())
    # errors 0, 0, 1, -2: MAE 3/4, MSE 5/4; SS_tot around the mean 2.5 is 5.
    assert metrics.mae == pytest.approx(0.75)
    assert metrics.rmse == pytest.approx(math.sqrt(1.25))
    assert metrics.r2 == pytest.approx(1 - 5 / 5)
    assert metrics.loss == pytest.approx(1.25)


def test_decision_grid_covers_the_plane_with_probabilities():
    model = mlp()
    model.train()
    grid = decision_grid(model, xor_bundle(), resolution=40)
    assert grid.kind == "probability"
    assert grid.values.shape == (40, 40)
    assert grid.values.min() >= 0 and grid.values.max() <= 1
    assert grid.x_range == (-1.0, 1.0)
    assert model.training  # the model's mode is restored


def test_decision_grid_for_many_classes_gives_class_and_confidence():
    grid = decision_grid(mlp(outputs=3), blobs_bundle(classes=3), resolution=20)
    assert grid.kind == "class"
    assert grid.classes.shape == (20, 20) and set(np.unique(grid.classes)) <= {0, 1, 2}
    assert (grid.values >= 1 / 3 - 1e-6).all()


def test_decision_grid_of_trained_xor_net_matches_the_quadrants():
    bundle = xor_bundle()
    model = mlp(hidden=8)
    train(model, bundle, lr=0.03, epochs=60)
    grid = decision_grid(model, bundle, resolution=10)
    # Corners: (x<0, y<0) and (x>0, y>0) are class 0; the other two are class 1.
    assert grid.values[0, 0] < 0.5 and grid.values[-1, -1] < 0.5
    assert grid.values[0, -1] > 0.5 and grid.values[-1, 0] > 0.5


def test_node_grids_show_each_unit_over_the_plane():
    model = mlp(hidden=5)
    grids = node_grids(model, xor_bundle(), ["fc1", "act1", "Add_not_a_module"], resolution=16)
    assert set(grids) == {"fc1", "act1"}
    assert grids["act1"].shape == (5, 16, 16)
    assert np.allclose(np.tanh(grids["fc1"]), grids["act1"], atol=1e-6)
    # Unit 0 of fc1 at grid corner (x=-1, y=-1) is w . (-1, -1) + b.
    w, b = model.fc1.weight[0].detach(), model.fc1.bias[0].detach()
    assert grids["fc1"][0, 0, 0] == pytest.approx(float(-w.sum() + b), abs=1e-5)


class WithNodeOutputs(nn.Module):
    """A compiled-graph stand-in that reports functional nodes itself."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc1 = nn.Linear(2, 3)

    def forward_nodes(self, x):
        h = self.fc1(x)
        return {"fc1": h, "add": h + 1}

    def forward(self, x):
        return self.forward_nodes(x)["add"]


def test_node_grids_use_forward_nodes_when_the_model_offers_it():
    grids = node_grids(WithNodeOutputs(), xor_bundle(), ["add", "fc1"], resolution=8)
    assert list(grids) == ["add", "fc1"]
    assert np.allclose(grids["add"], grids["fc1"] + 1)


# ---- checkpoints and transfer ------------------------------------------------------------------


def test_checkpoint_round_trip_continues_exactly_like_an_unbroken_run(tmp_path):
    bundle = xor_bundle()
    unbroken, _ = train(mlp(), bundle, epochs=4)

    events: list = []
    first = Trainer(mlp(), bundle, TrainingConfig(epochs=2, batch_size=16), on_event=events.append)
    first.run()
    first.save_checkpoint(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "model.safetensors",
        "training_state.pt",
        "history.csv",
        "history.json",
        "test_metrics.json",
    }
    assert (tmp_path / "history.csv").read_text().splitlines()[0].endswith("grad_norm.fc1,grad_norm.out")

    model = mlp(seed=99)
    second = Trainer(model, bundle, TrainingConfig(epochs=4, batch_size=16))
    second.load_checkpoint(tmp_path)
    assert second.epoch == 2 and len(second.history) == 2
    assert second.history[0].grad_norms == epochs_of(events)[0].grad_norms
    resumed = second.run()
    assert resumed.test.loss == unbroken.test.loss


def test_weights_survive_a_save_and_load_with_tied_tensors(tmp_path):
    model = mlp()
    model.tied = model.fc1  # the same tensors under two names
    save_weights(model, tmp_path / "w.safetensors")
    other = mlp(seed=5)
    other.tied = other.fc1
    load_weights(other, tmp_path / "w.safetensors")
    assert torch.equal(other.fc1.weight, model.fc1.weight)
    assert not list(tmp_path.glob(".*tmp"))


def test_transfer_keeps_nodes_that_did_not_change_shape():
    old = mlp(hidden=8, seed=1)
    torch.manual_seed(2)
    new = nn.Sequential(
        OrderedDict(
            fc1=nn.Linear(2, 8),  # unchanged: keeps its weights
            act1=nn.Tanh(),
            extra=nn.Linear(8, 8),  # new node
            out=nn.Linear(8, 3),  # widened output: starts fresh
        )
    )
    fresh_out = new.out.weight.clone()
    report = transfer_weights(old, new)
    assert report.kept == ("fc1",)
    assert report.reset == ("extra", "out")
    assert report.removed == ()
    assert torch.equal(new.fc1.weight, old.fc1.weight) and new.fc1.weight is not old.fc1.weight
    assert torch.equal(new.out.weight, fresh_out)


# ---- config and modes --------------------------------------------------------------------------


def test_config_round_trips_and_rejects_bad_values_by_key():
    config = TrainingConfig.from_dict({"loss": "MSELoss", "lr": 0.1, "epochs": 3})
    assert TrainingConfig.from_dict(config.to_dict()) == config
    assert TrainingConfig().optimizer == "Adam" and TrainingConfig().lr == 0.01
    for bad, message in [
        ({"lr": 0}, "training.lr: must be > 0"),
        ({"batch_size": 0}, "training.batch_size: must be >= 1"),
        ({"epochs": True}, "training.epochs: must be a whole number"),
        ({"loss": "Hinge"}, "training.loss: unknown value 'Hinge'"),
        ({"nesterov": True}, "training.nesterov: needs optimizer SGD with momentum > 0"),
        ({"gamma": 2}, "training.gamma: must be in (0, 1]"),
        ({"colour": "red"}, "training.colour: unknown key"),
    ]:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
            TrainingConfig.from_dict(bad)


def test_autoencoder_learns_to_reconstruct_its_input():
    g = torch.Generator().manual_seed(0)
    codes = torch.randn(300, 2, generator=g)
    x = torch.tanh(codes @ torch.randn(2, 6, generator=g))  # 6-D data on a 2-D surface
    bundle = make_bundle(x, torch.zeros(300, dtype=torch.long), "classification", 1)
    torch.manual_seed(0)
    model = nn.Sequential(OrderedDict(enc=nn.Linear(6, 2), act=nn.Tanh(), dec=nn.Linear(2, 6)))
    finished, events = train(model, bundle, mode="reconstruction", loss="MSELoss", epochs=30, lr=0.02)
    assert finished.reason == "completed"
    assert epochs_of(events)[-1].accuracy is None
    assert finished.test.r2 > 0.8


def test_reconstruction_with_a_mismatched_output_explains_itself():
    finished, _ = train(mlp(outputs=3), xor_bundle(), mode="reconstruction", loss="MSELoss")
    assert (
        finished.message
        == "reconstruction needs the network's output to match its input [2] but the network outputs [3]"
    )


def test_digits_mlp_reaches_95_percent():
    from sklearn.datasets import load_digits

    digits = load_digits()
    g = torch.Generator().manual_seed(0)
    order = torch.randperm(len(digits.target), generator=g)
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)[order]
    y = torch.tensor(digits.target)[order]
    bundle = make_bundle(x, y, "classification", 10, kind="image")
    finished, _ = train(mlp(inputs=64, hidden=64, outputs=10), bundle, epochs=20, batch_size=64, lr=0.003)
    assert finished.test.accuracy >= 0.95


def test_circle_with_squared_features_trains_and_draws_through_featurize():
    from graph_core.data import load_dataset

    features = ["x1", "x2", "x1^2", "x2^2"]
    bundle = load_dataset({"dataset": "circle", "samples": 300, "features": features})
    model = mlp(inputs=4, hidden=4)
    finished, _ = train(model, bundle, epochs=25, lr=0.03, batch_size=10)
    grid = decision_grid(model, bundle, resolution=30)
    assert finished.test.accuracy >= 0.9
    assert grid.x_range == bundle.domain[0]
    # The middle of the plane and its corners fall in different classes.
    assert (grid.values[15, 15] > 0.5) != (grid.values[0, 0] > 0.5)


def test_evaluate_converts_targets_for_the_loss_it_is_given():
    from graph_core.training import make_loss

    bundle = blobs_bundle()
    model = mlp(outputs=1)
    loss = make_loss("MSELoss", [1], "classification", num_classes=2)
    metrics = evaluate(model, bundle.x_test, bundle.y_test, "classification", loss=loss)
    signed = bundle.y_test.float().unsqueeze(1) * 2 - 1
    with torch.no_grad():
        expected = nn.functional.mse_loss(model(bundle.x_test), signed)
    assert metrics.loss == pytest.approx(float(expected))


def test_a_network_without_weights_cannot_train():
    finished, _ = train(
        nn.Sequential(OrderedDict(act=nn.Tanh(), soft=nn.LogSoftmax(dim=1))), xor_bundle(), loss="NLLLoss"
    )
    assert finished.reason == "error"
    assert "nothing to learn" in finished.message


class TwoNetworkMode(TrainingMode):
    """A stand-in for a GAN mode: two networks, two optimizers, alternating steps."""

    name = "two-networks"

    def check(self, model, bundle, config):
        return None

    def prepare(self, model, bundle, config, device):
        self.nets = {"first": model["first"], "second": model["second"]}
        self.opts = [torch.optim.SGD(net.parameters(), lr=config.lr) for net in self.nets.values()]
        self.x, self.y = bundle.x_train.to(device), bundle.y_train.to(device)

    @property
    def train_size(self):
        return len(self.x)

    def epoch_batches(self, generator, batch_size):
        order = torch.randperm(len(self.x), generator=generator)
        return (
            (self.x[order[i : i + batch_size]], self.y[order[i : i + batch_size]])
            for i in range(0, len(self.x), batch_size)
        )

    def train_step(self, batch):
        x, y = batch
        losses = []
        for net, opt in zip(self.nets.values(), self.opts, strict=True):
            opt.zero_grad()
            loss = nn.functional.mse_loss(net(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.detach())
        return torch.stack(losses).sum()

    def validation_scores(self):
        return None, None

    def evaluate(self, split):
        return None

    def modules(self):
        return self.nets

    def optimizers(self):
        return self.opts


def test_a_mode_with_two_networks_and_two_optimizers_plugs_into_the_trainer(tmp_path):
    torch.manual_seed(0)
    model = nn.ModuleDict(
        {
            "first": nn.Sequential(OrderedDict(gen=nn.Linear(2, 1))),
            "second": nn.Sequential(OrderedDict(disc=nn.Linear(2, 1))),
        }
    )
    config = TrainingConfig(lr=0.1, epochs=4, schedule="step", step_size=2, gamma=0.5, batch_size=32)
    events: list = []
    trainer = Trainer(model, regression_bundle(), config, on_event=events.append, mode=TwoNetworkMode())
    finished = trainer.run()
    assert finished.reason == "completed"
    assert [opt.param_groups[0]["lr"] for opt in trainer.mode.optimizers()] == [0.05, 0.05]
    assert set(epochs_of(events)[-1].grad_norms) == {"gen", "disc"}
    losses = [e.train_loss for e in epochs_of(events)]
    assert losses[-1] < losses[0]
    trainer.save_checkpoint(tmp_path)
    assert (tmp_path / "first.safetensors").exists() and (tmp_path / "second.safetensors").exists()
