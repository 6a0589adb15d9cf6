"""CUDA graphs in the Trainer, checked without a GPU: the option and its reasons, the
CLI flag, and the bookkeeping around a capture with the three torch calls that need a
GPU (warm-up stream, capture, replay) emulated by eager steps on the CPU. The emulated
capture trains a fourth step and a replay re-runs the step into the captured tensors,
so a run that matches the eager one bit for bit shows that warm-up and capture leave
no trace and that the trainer drops and recaptures the graph where it must.
tests/test_cuda.py checks the real thing on a GPU."""

from __future__ import annotations

import copy
import dataclasses
import math
from collections import OrderedDict

import pytest
import torch
from torch import nn

from graph_core.cli import _parser, main
from graph_core.data.bundle import DataBundle
from graph_core.project import EXAMPLES_DIR
from graph_core.training import EpochEvent, StepEvent, Trainer, TrainingConfig
from graph_core.training import trainer as trainer_module
from graph_core.training.fast import cuda_graphs
from graph_core.training.fast.cuda_graphs import GraphedStep
from tests.training_events import assert_single_steps, run_paused

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def blobs(n: int = 230, classes: int = 3, seed: int = 0) -> DataBundle:
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % classes
    angles = labels.float() * (2 * math.pi / classes)
    centers = torch.stack([angles.cos(), angles.sin()], dim=1) * 0.6
    x = centers + 0.3 * torch.randn(n, 2, generator=g)
    a, b = int(n * 0.7), int(n * 0.85)
    return DataBundle("test", "classification", "tabular", x[:a], labels[:a], x[a:b], labels[a:b], x[b:], labels[b:], 3)


def mlp(seed: int = 0, dropout: float = 0.0) -> nn.Module:
    torch.manual_seed(seed)
    layers = OrderedDict(fc1=nn.Linear(2, 8), act1=nn.Tanh(), fc2=nn.Linear(8, 8), act2=nn.ReLU())
    if dropout:
        layers["drop"] = nn.Dropout(dropout)
    layers["out"] = nn.Linear(8, 3)
    return nn.Sequential(layers)


def config(**settings) -> TrainingConfig:
    # 161 training samples in batches of 16: ten full batches and a smaller last one.
    return TrainingConfig(**{"epochs": 4, "batch_size": 16, "device": "cpu", "optimizer": "SGD", **settings})


def trainer_for(model, bundle, cfg, graphs: str, events: list | None = None, **options) -> Trainer:
    on_event = events.append if events is not None else None
    return Trainer(model, bundle, cfg, on_event, fast="off", cuda_graphs=graphs, validate_every=1, **options)


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def assert_same_weights(a: nn.Module, b: nn.Module) -> None:
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key


@pytest.fixture
def emulated(monkeypatch):
    """GPU-free stand-ins for the warm-up stream, the capture and the replay: the
    capture runs (and so trains) one real step, as a leak test; a replay re-runs the
    step and copies its loss and gradients into the captured tensors."""
    captures: list[int] = []

    def warm_up(run, steps):
        for _ in range(steps):
            run()

    def capture(run):
        captures.append(1)
        return None, run()

    def replay(self):
        loss = self._mode.train_step(self._static_batch)
        self._static_loss.copy_(loss)
        for p, grad in zip(self._params, self._static_grads):
            if grad is not None:
                grad.copy_(p.grad)
                p.grad = grad

    monkeypatch.setattr(cuda_graphs, "_warm_up", warm_up)
    monkeypatch.setattr(cuda_graphs, "_capture", capture)
    monkeypatch.setattr(GraphedStep, "_replay", replay)
    monkeypatch.setattr(trainer_module, "_is_cuda", lambda device: True)
    return captures


# ---- the option, its reasons and the CLI flag ------------------------------------------------------


def test_cuda_graphs_option_is_validated():
    with pytest.raises(ValueError, match="cuda_graphs: must be auto, on or off"):
        Trainer(mlp(), blobs(), config(), cuda_graphs="yes")


@pytest.mark.parametrize("choice", ["auto", "on"])
def test_a_cpu_run_does_not_use_cuda_graphs_and_says_why(choice):
    trainer = trainer_for(mlp(), blobs(), config(epochs=1), choice)
    assert trainer.run().reason == "completed"
    assert not trainer.uses_cuda_graphs and trainer._graphed is None
    assert trainer.cuda_graphs_reason == "CUDA graphs are for CUDA devices; this run trains on cpu"


def test_cuda_graphs_off_says_so():
    trainer = trainer_for(mlp(), blobs(), config(), "off")
    trainer.prepare()
    assert not trainer.uses_cuda_graphs and trainer.cuda_graphs_reason == "CUDA graphs are off"


def test_cli_takes_a_cuda_graphs_flag(tmp_path, capsys):
    project = str(EXAMPLES_DIR / "mlp_xor.nlproj")
    assert _parser().parse_args(["train", project]).cuda_graphs == "auto"
    assert _parser().parse_args(["train", project, "--cuda-graphs", "off"]).cuda_graphs == "off"
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", project, "--cuda-graphs", "maybe"])
    capsys.readouterr()
    argv = ["train", project, "--epochs", "2", "--device", "cpu", "--out", str(tmp_path), "--fast", "off"]
    assert main([*argv, "--cuda-graphs", "on", "--threads", "1", "--quiet"]) == 0
    assert "(eager)" in capsys.readouterr().out  # the reason shows on CUDA devices only


# ---- the plan: which runs capture --------------------------------------------------------------


def planned(cfg: TrainingConfig, graphs: str = "auto", model: nn.Module | None = None) -> Trainer:
    trainer = trainer_for(model or mlp(), blobs(), cfg, graphs)
    trainer.prepare()
    return trainer


def test_plan_keeps_changing_learning_rates_and_cpu_state_optimizers_eager(emulated):
    assert planned(config()).uses_cuda_graphs
    for cfg, words in [
        (config(schedule="cosine"), "learning rate changes"),
        (config(warmup_epochs=1), "learning rate changes"),
        (config(optimizer="Adagrad"), "Adagrad keeps part of its state on the CPU"),
    ]:
        for graphs in ("auto", "on"):
            trainer = planned(cfg, graphs)
            assert not trainer.uses_cuda_graphs and words in trainer.cuda_graphs_reason


def test_plan_keeps_other_modes_eager(emulated):
    from graph_core.training.gan import GANMode

    trainer = Trainer(mlp(), blobs(), config(), mode=GANMode(), cuda_graphs="on")
    assert trainer._cuda_graphs_problem() == "CUDA graphs capture supervised and reconstruction training, not gan"


def test_after_a_capture_broke_inside_torch_the_process_stays_eager(emulated, monkeypatch):
    reason = "a CUDA graph capture failed earlier in this process (CUDA error); training stays eager"
    monkeypatch.setattr(cuda_graphs, "_failed_capture", reason)
    for graphs in ("auto", "on"):
        trainer = planned(config(), graphs)
        assert not trainer.uses_cuda_graphs and trainer.cuda_graphs_reason == reason


def test_auto_leaves_big_networks_eager_and_on_captures_them(emulated, monkeypatch):
    monkeypatch.setattr(trainer_module, "CUDA_GRAPHS_MAX_PARAMETERS", 100)
    auto = planned(config(), "auto")
    assert not auto.uses_cuda_graphs and "has 123 trainable parameters" in auto.cuda_graphs_reason
    assert planned(config(), "on").uses_cuda_graphs


# ---- emulated capture: the same run as eager ------------------------------------------------------

SETTINGS = {
    "SGD": {},
    "SGD, momentum": {"momentum": 0.9},
    "SGD, Nesterov, L2, clipping": {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-3, "grad_clip": 0.5},
    "Adam": {"optimizer": "Adam", "lr": 0.01},
    "Adam, L1, L2, clipping": {"optimizer": "Adam", "lr": 0.01, "l1": 1e-4, "weight_decay": 1e-3, "grad_clip": 1.0},
    "AdamW, weight decay": {"optimizer": "AdamW", "lr": 0.01, "weight_decay": 0.01},
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_emulated_graphs_train_exactly_like_eager(emulated, settings):
    runs = {}
    for graphs in ("off", "on"):
        events: list = []
        model = mlp()
        trainer = trainer_for(model, blobs(), config(**settings), graphs, events, step_event_every=1)
        assert trainer.run().reason == "completed"
        runs[graphs] = (trainer, model, events)
    (eager, eager_model, eager_events), (graphed, graphed_model, graphed_events) = runs["off"], runs["on"]
    assert graphed.uses_cuda_graphs and graphed._graphed is not None and graphed.cuda_graphs_reason is None
    assert emulated == [1]  # captured once, at the first batch
    assert [e.train_loss for e in graphed_events if isinstance(e, StepEvent)] == [
        e.train_loss for e in eager_events if isinstance(e, StepEvent)
    ]
    assert [(e.train_loss, e.val_loss, e.grad_norms) for e in graphed.history] == [
        (e.train_loss, e.val_loss, e.grad_norms) for e in eager.history
    ]
    assert_same_weights(graphed_model, eager_model)
    for saved, live in zip(eager._optimizer_states(), graphed._optimizer_states()):
        assert [g.get("capturable") for g in saved["param_groups"]] == [
            g.get("capturable") for g in live["param_groups"]
        ]


def test_emulated_graphs_with_dropout_draw_the_eager_random_numbers(emulated):
    losses = {}
    for graphs in ("off", "on"):
        trainer = trainer_for(mlp(dropout=0.3), blobs(), config(optimizer="Adam", lr=0.01), graphs)
        trainer.run()
        losses[graphs] = [e.train_loss for e in trainer.history]
    assert losses["on"] == losses["off"]


def test_graphed_step_trains_other_shapes_eagerly_and_keeps_gradients_readable(emulated):
    bundle = blobs()
    models = [mlp(), mlp()]
    trainers = [trainer_for(m, bundle, config(momentum=0.9), "off") for m in models]
    for trainer in trainers:
        trainer.prepare()
    x, t = trainers[0].mode.splits["train"].x, trainers[0].mode.splits["train"].target
    full, small = (x[:16], t[:16]), (x[16:21], t[16:21])
    step = GraphedStep.capture(trainers[1].mode, full)
    assert step.fits(full) and not step.fits(small) and not step.fits((x[:16],))
    for batch in (full, small, full, small, full):
        expected = trainers[0].mode.train_step(batch)
        assert torch.equal(step.step(batch), expected)
    params = list(models[1].parameters())
    assert all(p.grad is grad for p, grad in zip(params, step._static_grads))
    for eager, graphed in zip(models[0].parameters(), params):
        assert torch.equal(eager, graphed) and torch.equal(eager.grad, graphed.grad)


def test_a_failed_capture_leaves_no_trace_and_the_run_eager(emulated):
    """RMSprop with capturable=True refuses CPU tensors: a capture that fails."""
    runs = {}
    for graphs in ("off", "auto", "on"):
        model = mlp()
        trainer = trainer_for(model, blobs(), config(optimizer="RMSprop", lr=0.01, momentum=0.5), graphs)
        assert trainer.run().reason == "completed"
        runs[graphs] = (trainer, model)
    for graphs in ("auto", "on"):
        trainer, model = runs[graphs]
        assert not trainer.uses_cuda_graphs and trainer._graphed is None
        assert "the CUDA graph capture failed, so this run trains eagerly" in trainer.cuda_graphs_reason
        assert trainer.cuda_graphs_reason.startswith("CUDA graphs were asked for") == (graphs == "on")
        assert [e.train_loss for e in trainer.history] == [e.train_loss for e in runs["off"][0].history]
        assert_same_weights(model, runs["off"][1])
        assert all(g["capturable"] is False for g in trainer.mode.optimizers()[0].param_groups)


# ---- the trainer drops the graph where it replaces what the graph points at -----------------------


def poisoned_run(graphs: str) -> tuple[Trainer, nn.Module, list]:
    """Training data turns to NaN after epoch 2: the run diverges and restores epoch 2's
    weights; the data is mended and the run goes on to epoch 4."""
    model = mlp()
    events: list = []
    trainer = trainer_for(model, blobs(), config(optimizer="Adam", lr=0.01), graphs, events)
    trainer.prepare()
    x = trainer.mode.splits["train"].x
    clean = x.clone()

    def poison(event):
        events.append(event)
        if isinstance(event, EpochEvent) and event.epoch == 2:
            x.fill_(float("nan"))

    trainer.on_event = poison
    assert trainer.run().reason == "diverged" and trainer.epoch == 2
    assert trainer._graphed is None  # dropped with the optimizer state it pointed at
    x.copy_(clean)
    trainer.on_event = events.append
    assert trainer.run().reason == "completed" and trainer.epoch == 4
    return trainer, model, events


def test_divergence_restores_and_the_next_run_captures_again(emulated):
    eager, eager_model, _ = poisoned_run("off")
    graphed, graphed_model, _ = poisoned_run("on")
    assert emulated == [1, 1] and graphed.uses_cuda_graphs
    assert [e.train_loss for e in graphed.history] == [e.train_loss for e in eager.history]
    assert_same_weights(graphed_model, eager_model)


def test_checkpoints_of_a_graphed_run_load_anywhere_and_continue_exactly(emulated, tmp_path):
    bundle, cfg = blobs(), config(optimizer="Adam", lr=0.01, epochs=4)
    unbroken = trainer_for(mlp(), bundle, cfg, "on")
    unbroken.run()

    first = trainer_for(mlp(), bundle, dataclasses.replace(cfg, epochs=2), "on")
    first.run()
    first.save_checkpoint(tmp_path)
    saved = torch.load(tmp_path / "training_state.pt", weights_only=True)
    assert all(g["capturable"] is False for g in saved["optimizers"][0]["param_groups"])

    for graphs in ("on", "off"):  # into a graphed run and an eager one
        second = trainer_for(mlp(seed=9), bundle, cfg, graphs)
        second.load_checkpoint(tmp_path)
        second.run()
        assert [e.train_loss for e in second.history] == [e.train_loss for e in unbroken.history], graphs
        assert_same_weights(second.model, unbroken.model)

    # Loading into a trainer that holds a graph drops it; the next batch captures again.
    first.config = cfg
    first.run()
    assert first._graphed is not None
    first.load_checkpoint(tmp_path)
    assert first._graphed is None and first.epoch == 2
    first.run()
    assert [e.train_loss for e in first.history] == [e.train_loss for e in unbroken.history]
    assert_same_weights(first.model, unbroken.model)


def test_set_lr_drops_the_graph(emulated):
    trainer = trainer_for(mlp(), blobs(), config(epochs=1), "on")
    trainer.run()
    assert trainer._graphed is not None
    trainer._set_lr(0.5)
    assert trainer._graphed is None


def test_pause_and_single_steps_train_one_batch_each(emulated):
    trainer = trainer_for(mlp(), blobs(), config(epochs=2), "on", step_event_every=1)
    events, thread = run_paused(trainer)
    assert_single_steps(trainer, events, 3, timeout=30)
    trainer.resume()
    thread.join(30)
    assert trainer.global_step == 2 * 11 and trainer.uses_cuda_graphs


def test_eager_and_emulated_runs_match_on_a_reconstruction_example(emulated):
    from graph_core.data import load_dataset
    from graph_core.project import load_project
    from graph_core.training import make_mode

    project = load_project(EXAMPLES_DIR / "autoencoder_digits.nlproj")
    bundle = load_dataset(project.data)
    cfg = TrainingConfig.from_dict({**project.training, "epochs": 2, "device": "cpu"})
    histories = []
    for graphs in ("off", "on"):
        mode = make_mode(cfg.mode)
        model = copy.deepcopy(mode.build_model(project.graph, cfg.seed))
        trainer = Trainer(model, bundle, cfg, mode=mode, fast="off", cuda_graphs=graphs, validate_every=1)
        trainer.run()
        histories.append([e.train_loss for e in trainer.history])
    assert trainer.uses_cuda_graphs and histories[0] == histories[1]
