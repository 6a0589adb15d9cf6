"""User stories for the fast training path: small chains of Linear layers train to the
same losses as the eager Trainer, through the same events and controls; everything
else falls back to the eager path and says why."""

from __future__ import annotations

import copy
import math
import subprocess
import sys
import threading
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from graph_core.data.bundle import DataBundle
from graph_core.nn_extra import Step
from graph_core.training import (
    EpochEvent,
    FinishedEvent,
    PausedEvent,
    StartedEvent,
    StepEvent,
    Trainer,
    TrainingConfig,
)
from graph_core.training.fast import compiler, mlp_chain, plan_fast_training

TIMEOUT = 60
numba = pytest.importorskip("numba")


@pytest.fixture(scope="module", autouse=True)
def kernels():
    """Load (or, on a fresh machine, compile and cache) the float32 kernels once."""
    loaded = compiler.load(np.float32)
    assert loaded is not None, compiler.status()
    return loaded


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---- data and networks -----------------------------------------------------------------------


def bundle_of(x: torch.Tensor, y: torch.Tensor, task: str, num_classes: int | None = None) -> DataBundle:
    a, b = int(len(x) * 0.7), int(len(x) * 0.85)
    return DataBundle("test", task, "tabular", x[:a], y[:a], x[a:b], y[a:b], x[b:], y[b:], num_classes)


def blobs(n: int = 200, classes: int = 2, seed: int = 0) -> DataBundle:
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % classes
    angles = labels.float() * (2 * math.pi / classes)
    centers = torch.stack([angles.cos(), angles.sin()], dim=1) * 0.6
    return bundle_of(centers + 0.3 * torch.randn(n, 2, generator=g), labels, "classification", classes)


def plane(n: int = 200, seed: int = 0, squash: bool = False) -> DataBundle:
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 2, generator=g) * 2 - 1
    y = (2 * x[:, :1] - x[:, 1:]) + 0.05 * torch.randn(n, 1, generator=g)
    return bundle_of(x, torch.sigmoid(2 * y) if squash else y, "regression")


def chain(sizes: tuple[int, ...], activation: type[nn.Module] = nn.Tanh, last: nn.Module | None = None, seed=0):
    torch.manual_seed(seed)
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for i, (a, b) in enumerate(zip(sizes, sizes[1:]), start=1):
        layers[f"fc{i}"] = nn.Linear(a, b)
        if i < len(sizes) - 1:
            layers[f"act{i}"] = activation()
    if last is not None:
        layers["last"] = last
    return nn.Sequential(layers)


def train(model: nn.Module, bundle: DataBundle, config: TrainingConfig, fast: str, **options):
    events: list = []
    trainer = Trainer(model, bundle, config, on_event=events.append, fast=fast, **options)
    finished = trainer.run()
    return trainer, finished, events


def steps_of(events: list) -> list[StepEvent]:
    return [e for e in events if isinstance(e, StepEvent)]


def epochs_of(events: list) -> list[EpochEvent]:
    return [e for e in events if isinstance(e, EpochEvent)]


def config(**settings) -> TrainingConfig:
    return TrainingConfig(**{"epochs": 8, "batch_size": 10, "device": "cpu", **settings})


# ---- same losses as the eager path ----------------------------------------------------------------

CASES = {
    "playground: tanh, SGD, MSE on -1/+1": (
        lambda: chain((2, 4, 2, 1), last=nn.Tanh()),
        blobs,
        config(loss="MSELoss", optimizer="SGD", lr=0.03, epochs=15),
    ),
    "relu, Adam, cross-entropy, L2, batch 7 of 140": (
        lambda: chain((2, 8, 8, 3), nn.ReLU),
        lambda: blobs(classes=3),
        config(loss="CrossEntropyLoss", optimizer="Adam", lr=0.01, batch_size=7, weight_decay=1e-3),
    ),
    "sigmoid, Nesterov, BCE, L1, clipping, warmup + cosine": (
        lambda: chain((2, 6, 1), nn.Sigmoid),
        blobs,
        config(
            loss="BCEWithLogitsLoss",
            optimizer="SGD",
            lr=0.1,
            momentum=0.9,
            nesterov=True,
            l1=1e-3,
            grad_clip=0.5,
            batch_size=16,
            schedule="cosine",
            warmup_epochs=2,
        ),
    ),
    "leaky relu, Adam, MSE regression, step decay, batch 32": (
        lambda: chain((2, 8, 1), nn.LeakyReLU),
        plane,
        config(loss="MSELoss", optimizer="Adam", lr=0.01, batch_size=32, schedule="step", step_size=3),
    ),
    "elu, SGD momentum, smooth L1, one-hot targets": (
        lambda: chain((2, 8, 2), nn.ELU),
        blobs,
        config(loss="SmoothL1Loss", optimizer="SGD", lr=0.05, momentum=0.5, weight_decay=1e-3),
    ),
    "identity + tanh, Adam, L1 loss on probabilities, batch larger than the data": (
        lambda: chain((2, 5, 1), nn.Identity, last=nn.Tanh()),
        lambda: plane(squash=True),
        config(loss="L1Loss", optimizer="Adam", lr=0.02, batch_size=1000, epochs=20),
    ),
    "BCE with one output per class": (
        lambda: chain((2, 8, 2), nn.Tanh),
        blobs,
        config(loss="BCEWithLogitsLoss", optimizer="Adam", lr=0.01, batch_size=12),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fast_path_trains_to_the_same_losses_as_the_eager_path(name):
    make_model, make_data, settings = CASES[name]
    model, data = make_model(), make_data()
    eager, eager_end, eager_events = train(copy.deepcopy(model), data, settings, "off")
    fast, fast_end, fast_events = train(copy.deepcopy(model), data, settings, "auto")

    assert fast.uses_fast_path and fast.fast_reason is None
    assert not eager.uses_fast_path
    eager_steps, fast_steps = steps_of(eager_events), steps_of(fast_events)
    assert [e.step for e in fast_steps] == [e.step for e in eager_steps]
    assert [e.lr for e in fast_steps] == pytest.approx([e.lr for e in eager_steps], rel=1e-12)
    np.testing.assert_allclose([e.train_loss for e in fast_steps], [e.train_loss for e in eager_steps], atol=1e-5)
    np.testing.assert_allclose(
        [e.train_loss for e in epochs_of(fast_events)], [e.train_loss for e in epochs_of(eager_events)], atol=1e-5
    )
    assert fast_end.test.loss == pytest.approx(eager_end.test.loss, abs=1e-5)
    for p, q in zip(fast.model.parameters(), eager.model.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=1e-4, rtol=0)


def test_a_compiled_graph_with_flatten_trains_like_the_eager_path():
    from graph_core.compiler import compile_graph
    from graph_core.data import load_dataset
    from graph_core.graph import ModelGraph

    graph = ModelGraph()
    previous = None
    for node_id, type_name, params in [
        ("img", "Input", {"shape": [1, 8, 8]}),
        ("flat", "Flatten", {}),
        ("hidden", "Linear", {"out_features": 32}),
        ("relu", "ReLU", {}),
        ("out", "Linear", {"out_features": 10}),
    ]:
        graph.add_node(type_name, params, node_id=node_id)
        if previous:
            graph.connect(previous, node_id)
        previous = node_id
    model = compile_graph(graph, seed=0)
    data = load_dataset({"dataset": "digits", "layout": "image", "seed": 0})
    settings = config(loss="CrossEntropyLoss", optimizer="Adam", lr=0.01, batch_size=64, epochs=3)

    _, eager_end, eager_events = train(copy.deepcopy(model), data, settings, "off")
    fast, fast_end, fast_events = train(copy.deepcopy(model), data, settings, "auto")

    assert fast.uses_fast_path
    assert mlp_chain(model).flatten
    np.testing.assert_allclose(
        [e.train_loss for e in steps_of(fast_events)], [e.train_loss for e in steps_of(eager_events)], atol=1e-5
    )
    assert fast_end.test.accuracy == pytest.approx(eager_end.test.accuracy, abs=0.01)
    assert set(epochs_of(fast_events)[-1].grad_norms) == {"hidden", "out"}


@pytest.mark.parametrize("example", ["mlp_xor", "perceptron_xor", "mlp_circle_l2", "autoencoder_digits"])
def test_chain_examples_take_the_fast_path_and_learn(example):
    from graph_core.compiler import compile_graph
    from graph_core.data import load_dataset
    from graph_core.project import EXAMPLES_DIR, load_project

    project = load_project(EXAMPLES_DIR / f"{example}.nlproj")
    data = load_dataset(project.data)
    settings = TrainingConfig.from_dict({**project.training, "epochs": 3, "device": "cpu"})
    model = compile_graph(project.graph, seed=0)
    _, _, eager_events = train(copy.deepcopy(model), data, settings, "off", step_event_every=0)
    fast, _, fast_events = train(copy.deepcopy(model), data, settings, "auto", step_event_every=0)

    assert fast.uses_fast_path
    losses = [e.train_loss for e in epochs_of(fast_events)]
    np.testing.assert_allclose(losses, [e.train_loss for e in epochs_of(eager_events)], atol=1e-5)


def test_step_units_train_with_the_straight_through_gradient():
    model = chain((2, 6), last=None)
    model.add_module("step", Step())
    model.add_module("out", nn.Linear(6, 2))
    settings = config(loss="CrossEntropyLoss", optimizer="SGD", lr=0.05, epochs=4)
    _, _, eager_events = train(copy.deepcopy(model), blobs(), settings, "off")
    fast, _, fast_events = train(copy.deepcopy(model), blobs(), settings, "auto")
    assert fast.uses_fast_path
    np.testing.assert_allclose(
        [e.train_loss for e in steps_of(fast_events)], [e.train_loss for e in steps_of(eager_events)], atol=1e-5
    )


# ---- the module keeps what the fast path learned ---------------------------------------------------


def test_trained_weights_and_gradients_are_left_in_the_module():
    model = chain((2, 8, 8, 3), nn.ReLU)
    data = blobs(classes=3)
    trainer, _, events = train(model, data, config(loss="CrossEntropyLoss", optimizer="Adam", lr=0.01), "auto")

    assert trainer.uses_fast_path
    kernel_outputs = trainer._fast_runner.predict(data.x_test)
    with torch.no_grad():
        torch_outputs = model(data.x_test).numpy()
    np.testing.assert_allclose(torch_outputs, kernel_outputs, atol=1e-6)
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())
    norms = epochs_of(events)[-1].grad_norms
    assert norms["fc1"] == pytest.approx(
        math.sqrt(model.fc1.weight.grad.square().sum() + model.fc1.bias.grad.square().sum()), rel=1e-5
    )


def test_a_checkpoint_from_the_fast_path_continues_exactly(tmp_path):
    data = blobs(classes=3)
    model = chain((2, 8, 3), nn.Tanh)
    settings = config(loss="CrossEntropyLoss", optimizer="Adam", lr=0.01)
    _, unbroken, _ = train(copy.deepcopy(model), data, settings, "auto")

    first = Trainer(copy.deepcopy(model), data, TrainingConfig(**{**settings.to_dict(), "epochs": 4}), fast="auto")
    first.run()
    first.save_checkpoint(tmp_path)
    resumed_fast = Trainer(chain((2, 8, 3), nn.Tanh, seed=9), data, settings, fast="auto")
    resumed_fast.load_checkpoint(tmp_path)
    resumed_eager = Trainer(chain((2, 8, 3), nn.Tanh, seed=9), data, settings, fast="off")
    resumed_eager.load_checkpoint(tmp_path)

    assert first.uses_fast_path and resumed_fast.uses_fast_path
    assert resumed_fast.run().test.loss == unbroken.test.loss
    assert resumed_eager.run().test.loss == pytest.approx(unbroken.test.loss, abs=1e-5)


def test_divergence_on_the_fast_path_restores_the_initial_weights():
    model = chain((2, 8, 1))
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    settings = config(loss="MSELoss", optimizer="SGD", lr=1e6, batch_size=16)
    trainer, finished, _ = train(model, plane(), settings, "auto", step_event_every=0)
    assert trainer.uses_fast_path
    assert finished.reason == "diverged"
    assert all(torch.equal(v, initial[k]) for k, v in model.state_dict().items())


# ---- events and controls -------------------------------------------------------------------


def test_events_come_in_the_eager_order_with_the_same_fields():
    settings = config(loss="CrossEntropyLoss", optimizer="Adam", lr=0.01, epochs=3)
    model = chain((2, 8, 2))
    _, _, eager_events = train(copy.deepcopy(model), blobs(), settings, "off", step_event_every=4)
    _, finished, fast_events = train(copy.deepcopy(model), blobs(), settings, "auto", step_event_every=4)

    assert [type(e) for e in fast_events] == [type(e) for e in eager_events]
    assert isinstance(fast_events[0], StartedEvent) and isinstance(fast_events[-1], FinishedEvent)
    assert [(e.epoch, e.step) for e in steps_of(fast_events)] == [(e.epoch, e.step) for e in steps_of(eager_events)]
    assert all(e.samples_per_sec > 0 for e in steps_of(fast_events))
    last = epochs_of(fast_events)[-1]
    assert set(last.grad_norms) == {"fc1", "fc2"} and last.accuracy is not None
    assert finished.test is not None and finished.step == 3 * 14


@pytest.mark.parametrize("fast", ["off", "auto"])
def test_a_step_event_interval_thins_step_events_and_reports_the_mean_of_their_batches(fast):
    """A long interval: the first batch's event goes out, then none but each epoch's
    last batch (the mean of the epoch's batches since); the epochs' losses are what a
    run with every step event reports."""
    settings = config(loss="CrossEntropyLoss", optimizer="Adam", lr=0.01, epochs=3)
    model = chain((2, 8, 2))
    _, every, every_events = train(copy.deepcopy(model), blobs(), settings, fast, step_event_every=1)
    _, thinned, events = train(
        copy.deepcopy(model), blobs(), settings, fast, step_event_every=1, step_event_interval=3600
    )
    assert len(steps_of(every_events)) == 3 * 14
    assert [(e.epoch, e.step) for e in steps_of(events)] == [(1, 1), (1, 14), (2, 28), (3, 42)]
    assert steps_of(events)[0].train_loss == pytest.approx(steps_of(every_events)[0].train_loss, abs=1e-6)
    last_epoch_losses = [e.train_loss for e in steps_of(every_events) if e.epoch == 3]
    assert steps_of(events)[3].train_loss == pytest.approx(sum(last_epoch_losses) / 14, abs=1e-5)
    losses = [e.train_loss for e in epochs_of(events)]
    assert losses == pytest.approx([e.train_loss for e in epochs_of(every_events)], abs=1e-5)
    assert thinned.step == every.step == 3 * 14


def test_stop_from_a_step_event_ends_the_run_at_that_step():
    trainer: Trainer
    steps: list[int] = []

    def on_event(event):
        if isinstance(event, StepEvent):
            steps.append(event.step)
            if event.step == 38:  # the 10th batch of each 14-batch epoch is reported
                trainer.stop()

    trainer = Trainer(chain((2, 8, 2)), blobs(), config(epochs=50), on_event=on_event, step_event_every=10)
    finished = trainer.run()
    assert trainer.uses_fast_path
    assert steps == [10, 24, 38]
    assert finished.reason == "stopped" and finished.step == 38


def test_stop_from_another_thread_lands_inside_a_long_epoch():
    """With no step events an epoch of 40,000 batches still runs in time slices, so a
    stop takes effect mid-epoch, not after it."""
    n = 40_000
    x = torch.randn(n, 2)
    data = DataBundle("big", "regression", "tabular", x, x[:, :1], x[:0], x[:0, :1], x[:0], x[:0, :1])
    started = threading.Event()
    finished: list[FinishedEvent] = []

    def on_event(event):
        if isinstance(event, StartedEvent):
            started.set()
        if isinstance(event, FinishedEvent):
            finished.append(event)

    settings = config(loss="MSELoss", optimizer="SGD", lr=0.01, batch_size=1, epochs=5)
    trainer = Trainer(chain((2, 64, 64, 1)), data, settings, on_event=on_event, step_event_every=0)
    thread = threading.Thread(target=trainer.run, daemon=True)
    thread.start()
    assert started.wait(TIMEOUT)
    trainer.stop()
    thread.join(TIMEOUT)
    assert trainer.uses_fast_path
    assert finished[0].reason == "stopped"
    assert finished[0].epoch == 0 and finished[0].step < n


def test_pause_then_single_steps_train_one_batch_each():
    import queue

    events: queue.Queue = queue.Queue()
    trainer = Trainer(chain((2, 8, 2)), blobs(), config(epochs=2, batch_size=50), on_event=events.put)
    trainer.pause()
    thread = threading.Thread(target=trainer.run, daemon=True)
    thread.start()

    def next_paused() -> list:
        seen = []
        while not seen or not isinstance(seen[-1], PausedEvent):
            seen.append(events.get(timeout=TIMEOUT))
        return seen

    next_paused()
    for expected in (1, 2):
        trainer.step()
        assert [e.step for e in next_paused() if isinstance(e, StepEvent)] == [expected]
    trainer.resume()
    thread.join(TIMEOUT)
    assert trainer.uses_fast_path and trainer.global_step == 2 * 3


# ---- what stays on the eager path -----------------------------------------------------------------


def conv_net() -> nn.Module:
    return nn.Sequential(
        OrderedDict(conv=nn.Conv2d(1, 4, 3, padding=1), flat=nn.Flatten(), out=nn.Linear(4 * 8 * 8, 10))
    )


def image_data() -> DataBundle:
    from graph_core.data import load_dataset

    return load_dataset({"dataset": "digits", "layout": "image", "seed": 0})


@pytest.mark.parametrize(
    "make_model, expected",
    [
        (conv_net, "Conv2d"),
        (lambda: nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Dropout(0.2), nn.Linear(8, 2)), "Dropout"),
        (lambda: nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 2)), "BatchNorm1d"),
        (lambda: chain((2, 8, 2), last=nn.LogSoftmax(dim=1)), "LogSoftmax"),
    ],
)
def test_unsupported_layers_fall_back_to_the_eager_path(make_model, expected):
    model = make_model()
    data = image_data() if expected == "Conv2d" else blobs()
    trainer, finished, _ = train(model, data, config(loss="CrossEntropyLoss", epochs=1), "auto")
    assert finished.reason == "completed"
    assert not trainer.uses_fast_path
    assert expected in trainer.fast_reason


@pytest.mark.parametrize(
    "settings, expected",
    [
        ({"optimizer": "RMSprop"}, "RMSprop"),
        ({"optimizer": "AdamW", "weight_decay": 0.01}, "parameter group"),
        ({"loss": "MultiMarginLoss"}, "MultiMarginLoss"),
        ({"loss": "NLLLoss"}, "NLLLoss"),
    ],
)
def test_unsupported_settings_fall_back_to_the_eager_path(settings, expected):
    trainer, finished, _ = train(chain((2, 8, 2)), blobs(), config(epochs=1, **settings), "auto")
    assert finished.reason == "completed"
    assert not trainer.uses_fast_path and expected in trainer.fast_reason


def test_hand_written_forwards_and_hooks_stay_eager():
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) * 2

    trainer, _, _ = train(Custom(), blobs(), config(epochs=1), "auto")
    assert not trainer.uses_fast_path and "Custom" in trainer.fast_reason

    patched = chain((2, 4, 2))
    patched.forward = lambda x: torch.zeros(len(x), 2)
    trainer = Trainer(patched, blobs(), config(epochs=1), fast="auto")
    trainer.prepare()
    assert not trainer.uses_fast_path and "forward was replaced" in trainer.fast_reason

    hooked = chain((2, 4, 2))
    seen = []
    hooked.fc1.register_forward_hook(lambda *args: seen.append(1))
    trainer, _, _ = train(hooked, blobs(), config(epochs=1), "auto")
    assert not trainer.uses_fast_path and "hooks" in trainer.fast_reason and seen


def test_gpu_runs_keep_the_eager_path():
    trainer = Trainer(chain((2, 4, 2)), blobs(), config(), fast="auto")
    trainer.prepare()
    plan = plan_fast_training(trainer.mode, trainer.config, torch.device("cuda"))
    assert isinstance(plan, str) and "CPU" in plan


def test_fast_off_and_kernels_not_loaded_train_eagerly(monkeypatch):
    trainer, finished, _ = train(chain((2, 4, 2)), blobs(), config(epochs=1), "off")
    assert finished.reason == "completed" and not trainer.uses_fast_path

    monkeypatch.setattr(compiler._state, "ready", set())
    trainer, finished, _ = train(chain((2, 4, 2)), blobs(), config(epochs=1), "auto")
    assert finished.reason == "completed" and not trainer.uses_fast_path
    assert "warm_up" in trainer.fast_reason


def test_without_numba_the_engine_imports_and_trains_eagerly():
    code = (
        "import sys; sys.modules['numba'] = None  # as if it were not installed\n"
        "import torch; from collections import OrderedDict; from torch import nn\n"
        "from graph_core.training import Trainer, TrainingConfig\n"
        "from graph_core.training.fast import warm_up\n"
        "from graph_core.data import load_dataset\n"
        "assert warm_up(background=False) is None\n"
        "data = load_dataset({'dataset': 'xor', 'samples': 100, 'seed': 0})\n"
        "model = nn.Sequential(OrderedDict(fc=nn.Linear(2, 4), act=nn.Tanh(), out=nn.Linear(4, 2)))\n"
        "t = Trainer(model, data, TrainingConfig(epochs=2, device='cpu'), fast='on')\n"
        "print(t.run().reason, t.uses_fast_path, t.fast_reason)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "completed False Numba is not installed"
