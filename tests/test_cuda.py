"""Training on a CUDA GPU: small networks replay one captured CUDA graph per batch and
train exactly as the eager path does (and as the CPU does, to rounding); runs that
cannot capture fall back and say why; divergence, checkpoints and the controls work on
the graph path; a model trained on the GPU exports to every format; `neuroloom train
--device cuda` works.

Skipped without CUDA. Self-contained (no conftest fixtures, no Qt), so a GPU machine
without PySide6 runs it with
    pytest --noconftest -p no:cacheprovider tests/test_cuda.py
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import os
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import pytest
import torch
from torch import nn

from graph_core.data import load_dataset
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.training import (
    DivergedEvent,
    EpochEvent,
    StepEvent,
    Trainer,
    TrainingConfig,
    make_mode,
)
from tests.training_events import assert_single_steps, next_of, run_paused

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")

# Graph replays run the eager step's kernels, so losses agree to the last bit unless a
# library picks another algorithm under capture: 1e-5 on losses near 1 allows that
# rounding (float32 carries ~7 digits) over a few epochs and still catches any update
# that is missing, doubled or taken with stale state (those move losses by >1e-3).
SAME = 1e-5
# The CPU and the GPU round matrix products differently (~1e-7 per product); over
# a few epochs of SGD that stays far below 1e-4.
CPU_GPU = 1e-4


@functools.cache
def example(name: str):
    project = load_project(EXAMPLES_DIR / f"{name}.nlproj")
    return project, load_dataset(project.data)


def make_trainer(name: str, graphs: str, events: list | None = None, **training) -> Trainer:
    project, bundle = example(name)
    config = TrainingConfig.from_dict({**project.training, "device": "cuda", "epochs": 4, **training})
    mode = make_mode(config.mode)
    model = mode.build_model(project.graph, config.seed)
    return Trainer(
        model,
        bundle,
        config,
        events.append if events is not None else None,
        mode=mode,
        fast="off",
        cuda_graphs=graphs,
        step_event_every=1 if events is not None else 0,
        validate_every=1,
    )


def trained(name: str, graphs: str, **training) -> Trainer:
    trainer = make_trainer(name, graphs, **training)
    finished = trainer.run()
    assert finished.reason == "completed", finished.message
    return trainer


def losses(trainer: Trainer) -> list[tuple[float, float | None]]:
    return [(e.train_loss, e.val_loss) for e in trainer.history]


def assert_same_run(graphed: Trainer, eager: Trainer, tolerance: float = SAME) -> None:
    assert len(graphed.history) == len(eager.history)
    for a, b in zip(graphed.history, eager.history):
        assert a.train_loss == pytest.approx(b.train_loss, abs=tolerance), (a.epoch, a.train_loss, b.train_loss)
        if b.val_loss is not None:
            assert a.val_loss == pytest.approx(b.val_loss, abs=tolerance)
        assert a.grad_norms.keys() == b.grad_norms.keys()
        for node, norm in b.grad_norms.items():
            assert a.grad_norms[node] == pytest.approx(norm, rel=1e-3, abs=tolerance), node
    ours, theirs = graphed.model.state_dict(), eager.model.state_dict()
    for key, value in theirs.items():
        torch.testing.assert_close(ours[key].cpu(), value.cpu(), rtol=0, atol=tolerance, msg=key)


# ---- (a) graphed = eager on CUDA --------------------------------------------------------------

SETTINGS = {
    "SGD": {"optimizer": "SGD", "lr": 0.1},
    "SGD, momentum": {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9},
    "SGD, Nesterov, L2, clipping": {
        "optimizer": "SGD",
        "lr": 0.05,
        "momentum": 0.9,
        "nesterov": True,
        "weight_decay": 1e-3,
        "grad_clip": 0.5,
    },
    "Adam": {"optimizer": "Adam", "lr": 0.01},
    "Adam, L1, L2, clipping": {"optimizer": "Adam", "lr": 0.01, "l1": 1e-4, "weight_decay": 1e-3, "grad_clip": 1.0},
    "AdamW": {"optimizer": "AdamW", "lr": 0.01, "weight_decay": 0.01},
    "RMSprop, momentum": {"optimizer": "RMSprop", "lr": 0.003, "momentum": 0.5},
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_graphed_training_matches_eager_training_on_cuda(settings):
    # 350 spiral points in batches of 16: 21 replays and an eager batch of 14 per epoch.
    graphed = trained("mlp_spiral", "on", **settings)
    eager = trained("mlp_spiral", "off", **settings)
    assert graphed.uses_cuda_graphs and graphed.cuda_graphs_reason is None and graphed._graphed is not None
    assert not eager.uses_cuda_graphs and eager.cuda_graphs_reason == "CUDA graphs are off"
    assert_same_run(graphed, eager)
    assert all(p.grad is not None and p.grad.is_cuda for p in graphed.model.parameters())


def test_auto_uses_graphs_for_a_small_network_and_step_losses_match():
    events = {"auto": [], "off": []}
    trainers = {}
    for graphs, seen in events.items():
        trainers[graphs] = make_trainer("mlp_spiral", graphs, seen, epochs=2)
        trainers[graphs].run()
    assert trainers["auto"].uses_cuda_graphs
    steps = {g: [e.train_loss for e in seen if isinstance(e, StepEvent)] for g, seen in events.items()}
    assert steps["auto"] == pytest.approx(steps["off"], abs=SAME)


def test_reconstruction_and_a_cnn_train_with_graphs_like_eager():
    for name in ("autoencoder_digits", "cnn_digits"):
        graphed, eager = trained(name, "auto", epochs=2), trained(name, "off", epochs=2)
        assert graphed.uses_cuda_graphs, graphed.cuda_graphs_reason
        assert_same_run(graphed, eager, tolerance=1e-4)  # convolutions and larger sums round more


def test_dropout_draws_the_same_random_numbers_as_eager():
    """A replay reads the generator's state when it starts, and the capture leaves the
    generator where it was: a network with dropout trains as eagerly."""
    bundle = example("mlp_xor")[1]
    runs = {}
    for graphs in ("on", "off"):
        torch.manual_seed(0)
        model = nn.Sequential(
            OrderedDict(fc1=nn.Linear(2, 16), act=nn.ReLU(), drop=nn.Dropout(0.3), out=nn.Linear(16, 2))
        )
        config = TrainingConfig(optimizer="Adam", lr=0.01, batch_size=16, epochs=3, device="cuda")
        runs[graphs] = Trainer(model, bundle, config, fast="off", cuda_graphs=graphs, validate_every=1)
        runs[graphs].run()
    assert runs["on"].uses_cuda_graphs
    assert_same_run(runs["on"], runs["off"])


def test_digits_cnn_learns_on_cuda():
    trainer = trained("cnn_digits", "auto", epochs=3)
    accuracies = [e.accuracy for e in trainer.history]
    assert trainer.uses_cuda_graphs and str(trainer.device).startswith("cuda")
    assert accuracies[-1] > accuracies[0] and accuracies[-1] > 0.5, accuracies


# ---- (b) CPU eager = CUDA graphed, to rounding ----------------------------------------------------


def test_cpu_eager_and_cuda_graphed_runs_agree():
    settings = {"optimizer": "SGD", "lr": 0.05, "momentum": 0.9, "epochs": 3}
    gpu = trained("mlp_spiral", "on", **settings)
    cpu = trained("mlp_spiral", "off", **settings, device="cpu")
    assert gpu.uses_cuda_graphs and cpu.device.type == "cpu"
    assert_same_run(gpu, cpu, tolerance=CPU_GPU)


# ---- (c) what stays eager, and why --------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"schedule": "cosine"}, "learning rate changes"),
        ({"warmup_epochs": 1}, "learning rate changes"),
        ({"optimizer": "Adagrad"}, "Adagrad keeps part of its state on the CPU"),
    ],
)
def test_runs_that_cannot_capture_train_eagerly_and_say_why(settings, words):
    for graphs in ("auto", "on"):
        trainer = trained("mlp_spiral", graphs, epochs=2, **settings)
        assert not trainer.uses_cuda_graphs and trainer._graphed is None
        assert words in trainer.cuda_graphs_reason


def test_a_gan_stays_eager_on_cuda():
    trainer = trained("gan_2d", "auto", epochs=2)
    assert not trainer.uses_cuda_graphs and "not gan" in trainer.cuda_graphs_reason


class HostSync(nn.Module):
    """Reads a value back to the host every step: allowed eagerly, not in a capture
    (the warm-up before the capture notices and refuses)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2 if float(x.detach().abs().max()) > 1e9 else x


def test_a_capture_that_fails_leaves_no_trace_and_the_run_eager():
    bundle = example("mlp_xor")[1]
    runs = {}
    for graphs in ("on", "off"):
        torch.manual_seed(0)
        model = nn.Sequential(OrderedDict(fc1=nn.Linear(2, 8), act=nn.Tanh(), sync=HostSync(), out=nn.Linear(8, 2)))
        config = TrainingConfig(optimizer="Adam", lr=0.01, batch_size=16, epochs=3, device="cuda")
        runs[graphs] = Trainer(model, bundle, config, fast="off", cuda_graphs=graphs, validate_every=1)
        assert runs[graphs].run().reason == "completed"
    failed = runs["on"]
    assert not failed.uses_cuda_graphs and failed._graphed is None
    assert failed.cuda_graphs_reason.startswith("CUDA graphs were asked for, but the CUDA graph capture failed")
    assert "the training step waits for the GPU" in failed.cuda_graphs_reason and "test_cuda.py" in (
        failed.cuda_graphs_reason
    )
    assert_same_run(failed, runs["off"], tolerance=0.0)
    later = Trainer(nn.Linear(2, 2), bundle, TrainingConfig(device="cuda"), cuda_graphs="on")
    later.prepare()
    assert later.uses_cuda_graphs  # a refusal before the capture leaves later runs free to capture


BROKEN_CAPTURE = """
from collections import OrderedDict
import torch
from torch import nn
from graph_core.data import load_dataset
from graph_core.training import Trainer, TrainingConfig

class SyncsWhenCaptured(nn.Module):  # passes the warm-up, breaks the capture
    def forward(self, x):
        if torch.cuda.is_current_stream_capturing():
            float(x.detach().sum())
        return x

def model(sync):
    torch.manual_seed(0)
    layers = OrderedDict(fc1=nn.Linear(2, 8), act=nn.Tanh())
    if sync:
        layers["sync"] = SyncsWhenCaptured()
    layers["out"] = nn.Linear(8, 2)
    return nn.Sequential(layers)

bundle = load_dataset({"dataset": "xor", "samples": 400, "seed": 0})
config = TrainingConfig(optimizer="Adam", lr=0.01, batch_size=16, epochs=2, device="cuda")
runs = {}
for graphs, sync in (("on", True), ("off", False)):
    runs[graphs] = Trainer(model(sync), bundle, config, fast="off", cuda_graphs=graphs, validate_every=1)
    assert runs[graphs].run().reason == "completed"
broken = runs["on"]
assert not broken.uses_cuda_graphs and "capture failed" in broken.cuda_graphs_reason, broken.cuda_graphs_reason
assert [e.train_loss for e in broken.history] == [e.train_loss for e in runs["off"].history]
later = Trainer(model(False), bundle, config, fast="off", cuda_graphs="on")
later.prepare()
assert not later.uses_cuda_graphs and "failed earlier in this process" in later.cuda_graphs_reason
torch.cuda.empty_cache()  # the allocator was mended: the trainer's out-of-memory handling needs this
big = torch.randn(2048, 2048, device="cuda") @ torch.randn(2048, 2048, device="cuda")
torch.cuda.synchronize()
print("ok", later.cuda_graphs_reason)
"""


def test_a_capture_that_breaks_inside_torch_falls_back_and_leaves_the_process_usable():
    """In a child process: such a failure changes process-wide state on purpose."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", BROKEN_CAPTURE], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok")


# ---- (d) divergence and checkpoints drop the graph; the next batch captures again ----------------


def poisoned_run(graphs: str) -> Trainer:
    """The training data turns to NaN after epoch 2: the run diverges and restores epoch
    2's weights; the data is mended and the run goes on."""
    events: list = []
    trainer = make_trainer("mlp_spiral", graphs, optimizer="Adam", lr=0.01)
    trainer.prepare()
    x = trainer.mode.splits["train"].x
    clean = x.clone()

    def poison(event):
        events.append(event)
        if isinstance(event, EpochEvent) and event.epoch == 2:
            x.fill_(float("nan"))

    trainer.on_event = poison
    assert trainer.run().reason == "diverged" and trainer.epoch == 2
    assert any(isinstance(e, DivergedEvent) for e in events)
    assert trainer._graphed is None
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    x.copy_(clean)
    trainer.on_event = None
    assert trainer.run().reason == "completed" and trainer.epoch == 4
    return trainer


def test_divergence_restores_and_training_goes_on_with_a_new_graph():
    graphed, eager = poisoned_run("on"), poisoned_run("off")
    assert graphed.uses_cuda_graphs and graphed._graphed is not None
    assert_same_run(graphed, eager)


def test_checkpoint_save_load_and_continue_with_graphs(tmp_path):
    settings = {"optimizer": "Adam", "lr": 0.01}
    unbroken = trained("mlp_spiral", "on", **settings)

    first = make_trainer("mlp_spiral", "on", **settings, epochs=2)
    first.run()
    first.save_checkpoint(tmp_path)
    state = torch.load(tmp_path / "training_state.pt", weights_only=True)
    assert all(not g.get("capturable") for g in state["optimizers"][0]["param_groups"])

    resumed = make_trainer("mlp_spiral", "on", **settings, seed=5)
    resumed.load_checkpoint(tmp_path)
    resumed.run()
    assert resumed._graphed is not None
    assert_same_run(resumed, unbroken)

    on_cpu = make_trainer("mlp_spiral", "off", **settings, device="cpu")
    on_cpu.load_checkpoint(tmp_path)  # a GPU checkpoint goes on on the CPU
    assert on_cpu.run().reason == "completed"
    assert_same_run(on_cpu, unbroken, tolerance=CPU_GPU * 10)  # Adam amplifies rounding a little

    # The same trainer: loading drops its graph, the next batch captures a new one.
    first.config = dataclasses.replace(first.config, epochs=4)
    first.run()
    first.load_checkpoint(tmp_path)
    assert first._graphed is None and first.epoch == 2
    first.run()
    assert first._graphed is not None
    assert_same_run(first, unbroken)


# ---- (e) the controls ----------------------------------------------------------------------------


def test_pause_single_steps_and_stop_on_the_graph_path():
    trainer = make_trainer("mlp_spiral", "on", epochs=3)
    trainer.step_event_every = 1
    events, thread = run_paused(trainer)
    assert_single_steps(trainer, events, 3, timeout=60)
    trainer.resume()
    next_of(events, EpochEvent, timeout=60)
    trainer.stop()
    thread.join(60)
    assert not thread.is_alive() and trainer.uses_cuda_graphs and trainer._graphed is not None
    assert trainer.epoch >= 1 and trainer.global_step >= trainer.steps_per_epoch


def test_single_steps_train_exactly_one_batch_each():
    """Steps while paused against the same number of batches in one go."""
    stepped = make_trainer("mlp_spiral", "on", epochs=1)
    stepped.prepare()
    batches = iter(stepped.mode.epoch_batches(stepped._generator, stepped.config.batch_size))
    for _ in range(5):
        stepped._train_step(next(batches))
    reference = make_trainer("mlp_spiral", "off", epochs=1)
    reference.prepare()
    batches = iter(reference.mode.epoch_batches(reference._generator, reference.config.batch_size))
    for _ in range(5):
        reference.mode.train_step(next(batches))
    for a, b in zip(stepped.model.parameters(), reference.model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=SAME)


# ---- (f) exports of a model trained on the GPU --------------------------------------------------


def test_a_cuda_trained_model_exports_to_every_format_and_reloads_on_the_cpu(tmp_path):
    from safetensors.torch import load_file

    from graph_core.compiler import compile_graph
    from graph_core.export import export, get_format, source_from_project

    trainer = trained("mlp_spiral", "auto", epochs=3)
    assert trainer.uses_cuda_graphs and next(trainer.model.parameters()).is_cuda
    project, bundle = example("mlp_spiral")
    model = trainer.model.eval()
    x = bundle.x_val[:7]
    with torch.no_grad():
        expected = model(x.cuda()).cpu()
    source = source_from_project(project, model, name="spiral")
    checked = []
    for fmt in ("safetensors", "pt", "pt2", "onnx", "code"):
        if not get_format(fmt).available():
            continue
        target = tmp_path / (f"spiral{get_format(fmt).extension}" if get_format(fmt).extension else "spiral_code")
        report = export(source, fmt, target)
        assert report.status == "passed", f"{fmt}: {report.message}\n{report.details}"
        if fmt in ("safetensors", "pt"):
            state = load_file(target) if fmt == "safetensors" else torch.load(target, weights_only=True)
            assert all(t.device.type == "cpu" for t in state.values())
            reloaded = compile_graph(project.graph, seed=123).eval()
            reloaded.load_state_dict(state, strict=True)
        elif fmt == "pt2":
            reloaded = torch.export.load(target).module()
        elif fmt == "onnx":
            import onnxruntime

            session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
            name = session.get_inputs()[0].name

            def reloaded(batch, session=session, name=name):
                return torch.from_numpy(session.run(None, {name: batch.numpy()})[0])
        else:
            spec = importlib.util.spec_from_file_location("exported_spiral_model", target / "model.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            reloaded = module.Model().eval()
            reloaded.load_state_dict(load_file(target / "weights.safetensors"), strict=True)
        with torch.no_grad():
            torch.testing.assert_close(reloaded(x), expected, rtol=0, atol=1e-4, msg=fmt)
        checked.append(fmt)
    assert {"safetensors", "pt", "pt2", "code"} <= set(checked)
    assert next(trainer.model.parameters()).is_cuda  # exporting copies; the model stays


# ---- (g) the CLI ----------------------------------------------------------------------------------


def test_neuroloom_train_on_cuda_writes_its_outputs(tmp_path, capsys):
    from graph_core.cli import main

    project = str(EXAMPLES_DIR / "mlp_xor.nlproj")
    for graphs, said in (("auto", "(CUDA graphs)"), ("off", "(eager: CUDA graphs are off)")):
        out = tmp_path / graphs
        argv = ["train", project, "--device", "cuda", "--epochs", "3", "--out", str(out), "--quiet"]
        assert main([*argv, "--cuda-graphs", graphs]) == 0
        assert {p.name for p in out.iterdir()} >= {"weights.safetensors", "history.csv", "history.json"}
        history = json.loads((out / "history.json").read_text())["epochs"]
        assert [row["epoch"] for row in history] == [1, 2, 3]
        printed = capsys.readouterr().out
        assert "completed: 3 epochs" in printed and said in printed, printed
