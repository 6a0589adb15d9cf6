"""User stories for the learning-rate finder: a short sweep on a copy of the network
suggests a sensible rate and leaves the network as it was."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.training import Trainer, TrainingConfig
from graph_core.training.lr_finder import find_lr, smooth, suggest_lr, sweep_rates

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def example(name: str, **overrides):
    project = load_project(EXAMPLES_DIR / f"{name}.nlproj")
    config = TrainingConfig.from_dict({**project.training, "device": "cpu", **overrides})
    return compile_graph(project.graph, seed=0), load_dataset(project.data), config


@pytest.mark.parametrize("name", ["mlp_xor", "mlp_spiral"])
def test_the_suggestion_is_sensible_and_the_network_is_left_unchanged(name):
    model, data, config = example(name)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    rng_before = torch.random.get_rng_state()
    result = find_lr(model, data, config)
    assert 1e-4 <= result.suggestion <= 1.0, result.suggestion
    assert len(result.lrs) == len(result.losses) == len(result.raw_losses) > 50
    assert np.all(np.diff(result.lrs) > 0)
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert torch.equal(torch.random.get_rng_state(), rng_before)


def test_the_suggested_rate_trains_the_network():
    model, data, config = example("mlp_xor", epochs=30)
    result = find_lr(model, data, config)
    tuned = TrainingConfig.from_dict({**config.to_dict(), "lr": result.suggestion})
    finished = Trainer(model, data, tuned).run()
    assert finished.reason == "completed"
    assert finished.test.accuracy >= 0.9


def test_the_sweep_stops_early_once_the_loss_explodes():
    model, data, config = example("mlp_digits", optimizer="SGD")
    result = find_lr(model, data, config, end=1000.0)
    assert result.stopped_early
    assert len(result.lrs) < 100
    assert result.suggestion is not None and result.suggestion < result.lrs[-1] / 10


def test_the_suggestion_reads_the_steepest_descent_before_the_minimum():
    lrs = sweep_rates(1e-4, 1.0, 81)
    # A loss that falls fastest at 1e-2 and bottoms out at 1e-1, then explodes.
    exponent = np.log10(lrs)
    losses = 2 - np.tanh(2 * (exponent + 2)) + np.where(exponent > -1, 10 * (exponent + 1) ** 2, 0)
    steepest, min_over_10 = suggest_lr(lrs, losses)
    assert steepest == pytest.approx(1e-2, rel=0.15)
    assert min_over_10 == pytest.approx(lrs[np.argmin(losses)] / 10)


def test_a_flat_sweep_has_no_steepest_point():
    lrs = sweep_rates(1e-4, 1.0, 50)
    steepest, min_over_10 = suggest_lr(lrs, np.full(50, 0.7) + np.linspace(0, 1e-3, 50))
    assert steepest is None and min_over_10 is not None


def test_smoothing_is_centred_so_the_curve_does_not_lag():
    step = np.r_[np.ones(50), np.zeros(50)]
    smoothed = smooth(step)
    assert smoothed[49] == pytest.approx(5 / 9) and smoothed[50] == pytest.approx(4 / 9)
    assert smoothed[0] == 1.0 and smoothed[-1] == 0.0
