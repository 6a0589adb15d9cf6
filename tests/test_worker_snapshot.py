"""Snapshots for the live views (graph_core.training.snapshot): decision boundaries of
every kind, each node's picture, weight sizes, gradient health and misclassified images,
taken without disturbing the model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.project import load_project
from graph_core.training import Trainer, TrainingConfig
from graph_core.training.snapshot import (
    SnapshotOptions,
    gradient_health,
    misclassified_examples,
    take_snapshot,
    weight_magnitudes,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def example(name: str, **data):
    project = load_project(f"assets/examples/{name}.nlproj")
    return project, compile_graph(project.graph, seed=0), load_dataset({**project.data, **data})


def test_two_classes_give_the_probability_of_class_one_over_the_plane():
    project, model, bundle = example("mlp_xor")
    snap = take_snapshot(model, bundle, SnapshotOptions(resolution=40, unit_resolution=40), epoch=3, step=54)
    assert (snap.epoch, snap.step) == (3, 54)
    assert snap.boundary_kind == "probability" and snap.boundary.shape == (40, 40)
    assert 0 <= snap.boundary.min() and snap.boundary.max() <= 1
    assert snap.domain == ((-6.0, 6.0), (-6.0, 6.0))
    assert set(snap.node_grids) == {"x", "hidden", "act", "out"}
    assert snap.node_grids["hidden"].shape == (4, 40, 40)
    x1 = snap.node_grids["x"][0]  # the input feature x1 grows left to right, as drawn
    assert (np.diff(x1, axis=1) > 0).all() and np.allclose(np.diff(x1, axis=0), 0)


def test_more_classes_give_the_winning_class_and_its_confidence():
    _, model, bundle = example("mlp_spiral", dataset="spiral3")
    model.out = torch.nn.Linear(16, 3)
    snap = take_snapshot(model, bundle, SnapshotOptions(resolution=20))
    assert snap.boundary_kind == "class" and snap.boundary.shape == (20, 20, 2)
    assert set(np.unique(snap.boundary[..., 0])) <= {0.0, 1.0, 2.0}
    assert (snap.boundary[..., 1] >= 1 / 3 - 1e-6).all()


def test_previews_are_capped_per_node():
    _, model, bundle = example("mlp_spiral")
    snap = take_snapshot(model, bundle, SnapshotOptions(resolution=30, unit_resolution=16, max_units=5))
    assert snap.boundary.shape == (30, 30)
    features = len(bundle.feature_names)  # the Input's units are the input features
    assert snap.node_grids["fc1"].shape == (5, 16, 16) and snap.node_grids["x"].shape == (min(features, 5), 16, 16)


def test_a_curve_fit_gives_the_predicted_curve_and_each_units_response():
    project, _, bundle = example("mlp_xor", dataset="sine", samples=200)
    from graph_core.graph import ModelGraph

    graph = ModelGraph()
    graph.add_node("Input", {"shape": [1]}, node_id="x")
    graph.add_node("Linear", {"out_features": 8}, node_id="fc")
    graph.add_node("Tanh", {}, node_id="act")
    graph.add_node("Linear", {"out_features": 1}, node_id="out")
    for src, dst in (("x", "fc"), ("fc", "act"), ("act", "out")):
        graph.connect(src, dst)
    snap = take_snapshot(compile_graph(graph, seed=0), bundle, SnapshotOptions(resolution=50))
    assert snap.boundary_kind == "curve" and snap.boundary.shape == (50,)
    assert snap.domain[0] == pytest.approx((-math.pi, math.pi))
    assert snap.node_curves["act"].shape == (8, 50) and not snap.node_grids


def test_image_data_gives_feature_maps_and_histograms():
    _, model, bundle = example("cnn_digits")
    snap = take_snapshot(model, bundle, SnapshotOptions(max_units=6))
    assert snap.boundary is None
    assert snap.node_maps["image"].shape == (1, 8, 8)
    assert snap.node_maps["conv1"].shape == (6, 8, 8) and snap.node_maps["pool2"].shape == (6, 2, 2)
    counts, edges = snap.node_histograms["out"]
    assert counts.sum() == 64 * 10 and len(edges) == len(counts) + 1
    again = take_snapshot(model, bundle, SnapshotOptions(max_units=6))
    assert np.array_equal(again.node_maps["conv1"], snap.node_maps["conv1"])  # a fixed sample


def test_sequences_give_histograms():
    _, model, bundle = example("lstm_sine")
    snap = take_snapshot(model, bundle)
    assert set(snap.node_histograms) == {"window", "lstm", "out"} and not snap.node_maps


def test_weight_magnitude_is_the_mean_absolute_weight_of_each_node():
    _, model, _ = example("mlp_xor")
    sizes = weight_magnitudes(model)
    assert set(sizes) == {"hidden", "out"}
    assert sizes["hidden"] == pytest.approx(model.hidden.weight.abs().mean().item())


def test_gradient_health_flags_vanishing_and_exploding_nodes():
    health = gradient_health({"a": 1.0, "b": 1e-6, "c": float("nan"), "d": 5e3, "e": 0.01})
    assert health == {"a": "ok", "b": "vanishing", "c": "exploding", "d": "exploding", "e": "ok"}
    assert gradient_health({"a": 1e-9, "b": 2e-9}) == {"a": "ok", "b": "ok"}  # converged, not vanishing


def test_a_snapshot_after_training_reports_gradients_and_leaves_the_model_as_it_was():
    project, model, bundle = example("mlp_xor")
    config = TrainingConfig.from_dict({**project.training, "epochs": 2, "device": "cpu"})
    Trainer(model, bundle, config).run()
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    grads = model.hidden.weight.grad.clone()
    snap = take_snapshot(model, bundle)
    assert model.training and torch.equal(model.hidden.weight.grad, grads)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert set(snap.grad_norms) == {"hidden", "out"} and set(snap.grad_health.values()) == {"ok"}
    assert snap.cost_ms > 0


def test_misclassified_examples_only_for_image_classification():
    _, model, bundle = example("cnn_digits")
    wrong = misclassified_examples(model, bundle, limit=5)
    assert len(wrong) == 5 and wrong.images.shape == (5, 8, 8) and (wrong.true != wrong.pred).all()
    assert wrong.class_names == [str(d) for d in range(10)]
    _, model, bundle = example("mlp_xor")
    assert misclassified_examples(model, bundle) is None
