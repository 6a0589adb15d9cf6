"""User stories for the training diagnosis: plain-language findings when a run overfits,
its gradients vanish or explode, its ReLUs die or its learning rate is too large, and
silence when all is well."""

from __future__ import annotations

from collections import OrderedDict

import pytest
import torch
from torch import nn

from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.graph import ModelGraph
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.training import DivergedEvent, EpochEvent, Trainer, TrainingConfig
from graph_core.training.diagnosis import LESSONS, Diagnostician, dead_unit_shares

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def watch(model: nn.Module, data, config: TrainingConfig, **trainer_options) -> tuple[Diagnostician, list]:
    """Train with a Diagnostician listening; returns it and every finding it reported."""
    doctor = Diagnostician(model, data.x_train)
    found: list = []
    Trainer(model, data, config, on_event=lambda e: found.extend(doctor.feed(e)), **trainer_options).run()
    return doctor, found


def epoch(n: int, train: float = 0.5, val: float | None = None, grad_norms: dict | None = None, **extra) -> EpochEvent:
    return EpochEvent(
        epoch=n, epochs=100, step=n * 10, train_loss=train, val_loss=val, accuracy=None, error_rate=None, lr=0.01,
        grad_norms=grad_norms or {}, samples_per_sec=1000.0, elapsed=float(n), eta=1.0, extra=extra,
    )  # fmt: skip


def wide_tanh_network(width: int = 128) -> ModelGraph:
    graph = ModelGraph()
    previous = graph.add_node("Input", {"shape": [2]}, node_id="x")
    for name, node_type, params in (
        ("fc1", "Linear", {"out_features": width}),
        ("act1", "Tanh", {}),
        ("fc2", "Linear", {"out_features": width}),
        ("act2", "Tanh", {}),
        ("out", "Linear", {"out_features": 2}),
    ):
        graph.add_node(node_type, params, node_id=name)
        graph.connect(previous, name)
        previous = name
    return graph


def test_overfitting_is_found_on_a_project_built_to_overfit():
    # 30 noisy training points, 17,000 weights, 80 epochs: it memorises the noise.
    data = load_dataset({"dataset": "xor", "samples": 60, "noise": 0.5, "split": [0.5, 0.5, 0.0]})
    model = compile_graph(wide_tanh_network(), seed=0)
    config = TrainingConfig(epochs=80, lr=0.01, batch_size=16, device="cpu")
    _, found = watch(model, data, config, validate_every=1, step_event_every=0)
    overfitting = [f for f in found if f.code == "overfitting"]
    assert len(overfitting) == 1, [f.code for f in found]
    finding = overfitting[0]
    assert "validation loss rose" in finding.message and finding.severity == "warning"
    assert finding.concept.title == "Overfitting" and finding.concept.lesson in LESSONS
    assert finding.epoch < 80


@pytest.mark.parametrize("name", ["mlp_xor", "mlp_spiral"])
def test_a_healthy_run_stays_quiet(name):
    project = load_project(EXAMPLES_DIR / f"{name}.nlproj")
    config = TrainingConfig.from_dict({**project.training, "device": "cpu", "epochs": 120})
    model = compile_graph(project.graph, seed=0)
    doctor, found = watch(model, load_dataset(project.data), config, validate_every=1, step_event_every=0)
    assert found == [] and doctor.findings == []


def test_most_relu_units_dead_from_the_start_are_found_and_named():
    data = load_dataset({"dataset": "circle", "samples": 200})
    torch.manual_seed(0)
    model = nn.Sequential(
        OrderedDict(fc1=nn.Linear(2, 32), act1=nn.ReLU(), fc2=nn.Linear(32, 16), act2=nn.ReLU(), out=nn.Linear(16, 2))
    )
    with torch.no_grad():
        model.fc1.bias.fill_(-5.0)  # every weighted sum far below zero: the units never fire
    shares = dead_unit_shares(model, data.x_train)
    assert shares["act1"] > 0.9
    _, found = watch(model, data, TrainingConfig(epochs=6, device="cpu"), step_event_every=0)
    dead = [f for f in found if f.code == "dead_relu"]
    assert len(dead) == 1 and "act1" in dead[0].node_ids
    assert "act1" in dead[0].message and dead[0].concept.lesson == "activations"


def test_dead_units_are_counted_per_node_with_forward_hooks():
    model = nn.Sequential(OrderedDict(fc=nn.Linear(1, 4), act=nn.ReLU()))
    with torch.no_grad():
        model.fc.weight.copy_(torch.tensor([[1.0], [1.0], [0.0], [0.0]]))
        model.fc.bias.copy_(torch.tensor([0.0, -10.0, -1.0, 1.0]))
    # Unit 0 fires for positive inputs; 1 and 2 never fire; 3 always does.
    assert dead_unit_shares(model, torch.tensor([[-1.0], [2.0]])) == {"act": 0.5}
    assert not model._forward_hooks and not model.act._forward_hooks


def test_vanishing_gradients_in_a_deep_sigmoid_network_are_found_at_the_first_layers():
    data = load_dataset({"dataset": "circle", "samples": 300})
    torch.manual_seed(0)
    layers, width = OrderedDict(), 2
    for i in range(8):
        layers[f"fc{i}"], layers[f"act{i}"], width = nn.Linear(width, 16), nn.Sigmoid(), 16
    layers["out"] = nn.Linear(16, 2)
    model = nn.Sequential(layers)
    config = TrainingConfig(epochs=5, lr=0.01, optimizer="SGD", device="cpu")
    _, found = watch(model, data, config, step_event_every=0)
    vanishing = [f for f in found if f.code == "vanishing_gradients"]
    assert len(vanishing) == 1
    assert "fc0" in vanishing[0].node_ids and "out" not in vanishing[0].node_ids
    assert "fc0" in vanishing[0].message


def test_exploding_gradients_are_named_after_a_few_epochs_not_one():
    doctor = Diagnostician()
    assert doctor.feed(epoch(1, grad_norms={"fc1": 5e4, "out": 2.0})) == []
    assert doctor.feed(epoch(2, grad_norms={"fc1": 8e4, "out": 2.0})) == []
    found = doctor.feed(epoch(3, grad_norms={"fc1": 2e5, "out": 3.0}))
    assert [f.code for f in found] == ["exploding_gradients"]
    assert found[0].node_ids == ("fc1",)


def test_a_learning_rate_that_makes_the_loss_diverge_is_explained():
    project = load_project(EXAMPLES_DIR / "mlp_xor.nlproj")
    config = TrainingConfig.from_dict({**project.training, "device": "cpu", "optimizer": "SGD", "lr": 1e4})
    model = compile_graph(project.graph, seed=0)
    _, found = watch(model, load_dataset(project.data), config, step_event_every=0)
    too_high = [f for f in found if f.code == "lr_too_high"]
    assert too_high and too_high[0].concept.lesson == "optimizers"
    assert "learning rate" in too_high[0].message


def test_a_climbing_training_loss_is_blamed_on_the_learning_rate():
    doctor = Diagnostician()
    losses = [0.7, 0.5, 0.4, 0.3, 0.45, 0.6, 0.9]
    found = [f for n, loss in enumerate(losses, 1) for f in doctor.feed(epoch(n, train=loss))]
    assert [f.code for f in found] == ["lr_too_high"]
    assert found[0].epoch == 7 and "0.9" in found[0].message


def test_findings_are_not_repeated_and_a_new_run_starts_afresh():
    from graph_core.training import StartedEvent

    doctor = Diagnostician()
    diverged = DivergedEvent(3, 30, "The loss became NaN.")
    assert len(doctor.feed(diverged)) == 1
    assert doctor.feed(diverged) == []
    doctor.feed(StartedEvent("cpu", 0, 10, 5, 100))
    assert len(doctor.feed(diverged)) == 1


def test_a_gan_run_is_not_judged_by_its_loss_curves():
    doctor = Diagnostician()
    extra = {"generator_loss": 1.0, "discriminator_loss": 1.0}
    losses = [0.7, 0.5, 0.4, 0.3, 0.45, 0.6, 0.9]
    assert [f for n, loss in enumerate(losses, 1) for f in doctor.feed(epoch(n, train=loss, **extra))] == []
