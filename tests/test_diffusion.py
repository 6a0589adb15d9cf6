"""Diffusion on 2-D data: the noise schedule and the forward process follow DDPM's
formulas, the sampler is exact on a known denoiser, a noise predictor built on the
canvas learns the two moons (its samples end up far nearer the data than noise, and
nearer than a Gaussian with the data's mean and spread), a drawn shape survives a save
and a load, and the trained model leaves as files: model.py and a sample.py that draws
the app's own samples in a fresh Python, and `neuroloom train` / `validate` headless."""

from __future__ import annotations

import csv
import math
import subprocess
import sys

import pytest
import torch
from torch import nn

from graph_core.cli import main as neuroloom
from graph_core.codegen import generate_code
from graph_core.compiler import compile_graph
from graph_core.data import DataImportError, load_dataset
from graph_core.export import export, source_from_project
from graph_core.graph import ModelGraph
from graph_core.plan import CompileError
from graph_core.project import EXAMPLES_DIR, ProjectError, dumps_project, load_project, loads_project, save_project
from graph_core.shapes import analyze
from graph_core.training import Trainer, TrainingConfig, make_mode
from graph_core.training.diffusion import (
    DiffusionInputs,
    add_noise,
    diffusion_diagnostics,
    forward_trajectory,
    noise_schedule,
    sample_trajectory,
    setup_problem,
)
from graph_core.training.gan import energy_distance

EXAMPLE = EXAMPLES_DIR / "diffusion_2d.nlproj"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def mmd(a: torch.Tensor, b: torch.Tensor, bandwidth: float = 0.1) -> float:
    """Squared maximum mean discrepancy with a Gaussian kernel: 0 for the same
    distribution; a narrow kernel makes it see the shape, not only mean and spread."""
    a, b = a.double(), b.double()

    def kernel(x, y):
        return torch.exp(-(torch.cdist(x, y) ** 2) / (2 * bandwidth**2)).mean()

    return float(kernel(a, a) + kernel(b, b) - 2 * kernel(a, b))


def sliced_wasserstein(a: torch.Tensor, b: torch.Tensor, directions: int = 64) -> float:
    """The mean 1-D Wasserstein distance of the two clouds projected on many lines."""
    angle = torch.rand(directions, generator=torch.Generator().manual_seed(0)) * math.pi
    lines = torch.stack([angle.cos(), angle.sin()], dim=1).double()
    pa, pb = (a.double() @ lines.T).sort(dim=0).values, (b.double() @ lines.T).sort(dim=0).values
    return float((pa - pb).abs().mean())


class PointDenoiser(nn.Module):
    """The exact noise predictor for data that is one point `mu`: sampling with it must
    land on `mu` exactly, whatever the noise."""

    def __init__(self, mu: torch.Tensor, alpha_bars: torch.Tensor) -> None:
        super().__init__()
        self.mu, self.alpha_bars = mu, alpha_bars.float()
        self.scale = nn.Parameter(torch.ones(()))
        self.diffusion = DiffusionInputs(("time", "sample"), "x", "t", (2,), "float32")

    def forward(self, t, x):
        ab = self.alpha_bars[t.long().squeeze(1)].unsqueeze(1)
        return self.scale * (x - ab.sqrt() * self.mu) / (1 - ab).sqrt()


def noise_predictor(time_input: bool = True, out_features: int = 2) -> ModelGraph:
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [2]}, node_id="x")
    graph.add_node("Concat", {}, node_id="joined")
    graph.connect("x", "joined")
    if time_input:
        graph.add_node("Input", {"shape": [1]}, node_id="t")
        graph.add_node("TimeEmbedding", {"dim": 8}, node_id="embed")
        graph.connect("t", "embed")
        graph.connect("embed", "joined")
    else:
        graph.add_node("FourierFeatures", {"dim": 4}, node_id="waves")
        graph.connect("x", "waves")
        graph.connect("waves", "joined")
    graph.add_node("Linear", {"out_features": out_features}, node_id="out")
    graph.connect("joined", "out")
    return graph


# ---- the noise schedule and the forward process ---------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_alpha_bar_falls_from_nearly_one_to_nearly_zero_for_both_schedules(kind):
    schedule = noise_schedule(100, kind)
    betas, alpha_bars = schedule.betas, schedule.alpha_bars
    assert betas.shape == (100,) and bool(((betas > 0) & (betas < 1)).all())
    assert bool((alpha_bars[1:] < alpha_bars[:-1]).all())  # strictly less signal at every step
    assert alpha_bars[0] > 0.99 and alpha_bars[-1] < 1e-3
    variances = schedule.posterior_variances
    assert variances[0] == 0 and bool(((variances[1:] > 0) & (variances[1:] <= betas[1:])).all())


def test_the_linear_schedule_is_ddpms_scaled_to_the_number_of_steps():
    assert torch.allclose(noise_schedule(1000).betas[[0, -1]], torch.tensor([1e-4, 0.02], dtype=torch.float64))
    assert torch.allclose(noise_schedule(100).betas[[0, -1]], torch.tensor([1e-3, 0.2], dtype=torch.float64))


def test_bad_schedule_settings_name_their_key():
    with pytest.raises(ValueError, match="training.noise_schedule: unknown value 'square'"):
        noise_schedule(100, "square")
    with pytest.raises(ValueError, match="training.diffusion_steps: must be a whole number >= 2"):
        noise_schedule(1)
    with pytest.raises(ValueError, match="training.diffusion_steps: must be at most 4000"):
        TrainingConfig(mode="diffusion", diffusion_steps=5000)


def test_q_of_x_t_given_x_0_has_ddpms_mean_and_variance():
    schedule = noise_schedule(100, "linear")
    x0 = torch.tensor([[0.8, -0.4]]).repeat(20000, 1).double()
    generator = torch.Generator().manual_seed(0)
    for step in (0, 30, 99):
        t = torch.full((len(x0),), step)
        xt = add_noise(x0, t, torch.randn(x0.shape, generator=generator, dtype=torch.float64), schedule)
        ab = schedule.alpha_bars[step]
        assert torch.allclose(xt.mean(0), ab.sqrt() * x0[0], atol=0.02)
        assert torch.allclose(xt.var(0), (1 - ab).expand(2), rtol=0.05, atol=1e-5)


def test_the_forward_process_ends_in_standard_noise_and_its_steps_have_the_marginals_of_q():
    schedule = noise_schedule(50, "cosine")
    x0 = torch.tensor([[2.0, -1.0]]).repeat(20000, 1)
    path = forward_trajectory(x0, schedule, seed=1)
    assert path.shape == (51, 20000, 2) and torch.equal(path[0], x0)
    ab = schedule.alpha_bars[19].item()
    assert torch.allclose(path[20].mean(0), math.sqrt(ab) * x0[0], atol=0.03)
    assert torch.allclose(path[20].std(0), torch.full((2,), math.sqrt(1 - ab)), rtol=0.03)
    assert torch.allclose(path[-1].mean(0), torch.zeros(2), atol=0.03)
    assert torch.allclose(path[-1].std(0), torch.ones(2), atol=0.03)


# ---- the sampler -------------------------------------------------------------------------------


def test_the_sampler_returns_every_step_from_noise_to_samples_and_repeats_with_its_seed():
    schedule = noise_schedule(20, "linear")
    model = PointDenoiser(torch.tensor([0.5, -0.3]), schedule.alpha_bars)
    path = sample_trajectory(model, schedule, 64, seed=5)
    assert path.shape == (21, 64, 2)
    assert torch.equal(path[20], torch.randn(64, 2, generator=torch.Generator().manual_seed(5)))
    assert torch.allclose(path[0], torch.tensor([0.5, -0.3]).expand(64, 2), atol=1e-5)  # the exact denoiser's point
    assert torch.equal(sample_trajectory(model, schedule, 64, seed=5), path)
    assert not torch.equal(sample_trajectory(model, schedule, 64, seed=6), path)
    assert torch.equal(sample_trajectory(model, schedule, 64, seed=5, keep=False), path[0])
    assert model.training  # the model's mode is restored


# ---- the nodes -----------------------------------------------------------------------------------


def test_time_embedding_and_fourier_features_shapes_values_and_code():
    graph = noise_predictor()
    graph.add_node("FourierFeatures", {"dim": 6, "scale": 2.0}, node_id="waves")
    graph.connect("x", "waves")
    graph.connect("waves", "joined")
    analysis = analyze(graph)
    assert analysis.ok, analysis.diagnostics
    assert analysis.nodes["embed"].shape == (8,) and analysis.nodes["waves"].shape == (12,)
    assert analysis.nodes["joined"].shape == (22,) and analysis.nodes["embed"].params == 0
    model = compile_graph(graph, seed=0)
    x, t = torch.tensor([[0.5, -1.0]]), torch.tensor([[3.0]])
    outputs = model.forward_nodes(x, t)
    frequencies = torch.exp(-math.log(10000.0) * torch.arange(4) / 4)
    assert torch.allclose(outputs["embed"][0], torch.cat([torch.sin(3 * frequencies), torch.cos(3 * frequencies)]))
    waves = 2.0 * torch.exp(-math.log(10000.0) * torch.arange(3) / 3)
    first = torch.cat([torch.sin(0.5 * waves), torch.cos(0.5 * waves)])
    assert torch.allclose(outputs["waves"][0, :6], first)
    source = generate_code(graph)
    assert "class TimeEmbedding(nn.Module):" in source and "class FourierFeatures(nn.Module):" in source
    assert "TimeEmbedding(8)" in source and "FourierFeatures(6, scale=2.0)" in source


def test_time_embedding_mistakes_are_explained_on_the_node():
    graph = noise_predictor()
    graph.set_param("t", "shape", [3])
    graph.set_param("embed", "dim", 7)
    [message] = [d.message for d in analyze(graph).for_node("embed")]
    assert "needs one time step per sample, shape [1], but got [3]" in message
    graph.set_param("t", "shape", [1])
    [message] = [d.message for d in analyze(graph).for_node("embed")]
    assert message == "dim must be even (a sine and a cosine per frequency), got 7"


# ---- the network and the settings -------------------------------------------------------------------


def test_the_example_is_a_valid_noise_predictor_and_mistakes_are_pinned_to_nodes():
    assert diffusion_diagnostics(load_project(EXAMPLE).graph) == []
    [one_input] = diffusion_diagnostics(noise_predictor(time_input=False))
    assert one_input.node == "x" and "two Inputs, the noisy sample and its time step [1]" in one_input.message
    [wrong_output] = diffusion_diagnostics(noise_predictor(out_features=3))
    assert wrong_output.node == "out" and "shaped like the sample [2]; set out_features to 2" in wrong_output.message
    bare = noise_predictor()
    bare.remove_node("embed")
    bare.connect("t", "joined")
    [advice] = diffusion_diagnostics(bare)
    assert advice.severity == "warning" and advice.node == "t" and "TimeEmbedding" in advice.message
    with pytest.raises(CompileError, match="out_features to 2"):
        make_mode("diffusion").build_model(noise_predictor(out_features=3))


def test_settings_that_cannot_train_a_diffusion_model_say_why():
    moons = load_dataset({"dataset": "moons", "samples": 100})
    config = TrainingConfig(mode="diffusion", loss="CrossEntropyLoss")
    assert "choose MSELoss (as DDPM does), L1Loss or SmoothL1Loss" in setup_problem((2,), moons, config)
    config = TrainingConfig(mode="diffusion", loss="MSELoss")
    assert "shape [3] but the data set 'moons' has samples of shape [2]" in setup_problem((3,), moons, config)
    tokens = load_dataset({"dataset": "parity", "samples": 50, "tokens": True})
    assert "float data" in setup_problem((12,), tokens, config)
    assert setup_problem((2,), moons, config) is None


# ---- learning ---------------------------------------------------------------------------------------


def test_a_briefly_trained_noise_predictor_samples_points_near_the_moons():
    project = load_project(EXAMPLE)
    config = TrainingConfig.from_dict({**project.training, "epochs": 160, "device": "cpu"})
    bundle = load_dataset({**project.data, "samples": 1000})
    mode = make_mode("diffusion")
    model = mode.build_model(project.graph, seed=0)
    untrained = sample_trajectory(model, noise_schedule(100, "cosine"), 200, seed=3, keep=False)
    trainer = Trainer(model, bundle, config, mode=mode, step_event_every=0, validate_every=40)
    finished = trainer.run()
    assert finished.reason == "completed", finished.message
    losses = [event.train_loss for event in trainer.history]
    assert losses[-1] < 0.5 * losses[0]
    samples = sample_trajectory(model, mode.schedule, 200, seed=3, keep=False)
    data = bundle.x_val[:200]
    noise = torch.randn(200, 2, generator=torch.Generator().manual_seed(9))
    gaussian = data.mean(0) + noise * data.std(0)  # the data's mean and spread, none of its shape
    assert sliced_wasserstein(samples, data) < 0.3 * sliced_wasserstein(noise, data)
    assert sliced_wasserstein(samples, data) < 0.2 * sliced_wasserstein(untrained, data)
    assert mmd(samples, data) < 0.9 * mmd(gaussian, data) < mmd(noise, data)
    distances = [event.extra["energy_distance"] for event in trainer.history if "energy_distance" in event.extra]
    assert 1 <= len(distances) <= 4  # measured when validating, within its time share
    assert energy_distance(samples, data) < 0.2 * energy_distance(noise, data)
    assert trainer.mode.evaluate("val").loss == pytest.approx(trainer.history[-1].val_loss)


# ---- a drawn shape in the project file -----------------------------------------------------------------


def test_a_drawn_shape_survives_save_and_load_and_becomes_the_data(tmp_path):
    project = load_project(EXAMPLE)
    drawn = [[round(3 * math.cos(a / 10), 3), round(3 * math.sin(a / 10), 3)] for a in range(63)]
    project.data.update(dataset="drawn", points=drawn, samples=400, noise=0.05)
    save_project(project, tmp_path / "drawn.nlproj")
    loaded = load_project(tmp_path / "drawn.nlproj")
    assert loaded.data["points"] == drawn and loaded.data["dataset"] == "drawn"
    bundle = load_dataset(loaded.data)
    assert bundle.kind == "points2d" and len(bundle.x_train) + len(bundle.x_val) == 400
    assert bundle.input_shape == (2,) and bundle.x_train.dtype == torch.float32 and bundle.class_names == ["drawn"]
    assert torch.equal(load_dataset(loaded.data).x_train, bundle.x_train)  # the same seed, the same samples
    assert not torch.equal(load_dataset({**loaded.data, "seed": 1}).x_train, bundle.x_train)
    radius = bundle.points_train.norm(dim=1)
    assert float((radius - 3).abs().max()) < 0.4  # every sample lies near the drawn circle
    assert torch.allclose(bundle.x_train, bundle.points_train / 6)  # the x1, x2 features


def test_bad_drawn_points_are_refused_with_their_place():
    project = load_project(EXAMPLE)
    project.data.update(dataset="drawn", points=[[0, 0], [1, "a"]])
    with pytest.raises(ProjectError, match=r"data.points: point 1 must be a pair of numbers \[x, y\]"):
        loads_project(dumps_project(project))
    with pytest.raises(DataImportError, match="draw a shape first: it needs at least 3 points, the drawing has 0"):
        load_dataset({"dataset": "drawn", "points": []})
    with pytest.raises(DataImportError, match=r"point 0 \[9, 1\]: both numbers must be between -6 and 6"):
        load_dataset({"dataset": "drawn", "points": [[9, 1], [0, 0], [1, 1]]})


# ---- headless and exported ---------------------------------------------------------------------------------


def test_neuroloom_validates_and_trains_the_example_headless(tmp_path, capsys):
    assert neuroloom(["validate", str(EXAMPLE)]) == 0
    assert "TimeEmbedding" in capsys.readouterr().out
    broken = load_project(EXAMPLE)
    broken.graph.set_param("noise", "out_features", 3)  # a valid network, but no noise predictor
    save_project(broken, tmp_path / "broken.nlproj")
    assert neuroloom(["validate", str(tmp_path / "broken.nlproj")]) == 1
    assert "error: noise: predicts noise of shape [3]" in capsys.readouterr().err
    out = tmp_path / "run"
    code = neuroloom(["train", str(EXAMPLE), "--epochs", "2", "--device", "cpu", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert "samples.csv: 500 points" in capsys.readouterr().out
    rows = list(csv.reader((out / "samples.csv").open()))
    assert rows[0] == ["x1", "x2"] and len(rows) == 501
    assert all(math.isfinite(float(v)) for row in rows[1:] for v in row)
    assert (out / "weights.safetensors").exists()


def test_the_code_export_writes_a_sample_py_that_draws_the_apps_samples_in_a_fresh_python(tmp_path):
    project = load_project(EXAMPLE)
    config = TrainingConfig.from_dict({**project.training, "epochs": 3, "device": "cpu"})
    bundle = load_dataset({**project.data, "samples": 300})
    mode = make_mode("diffusion")
    model = mode.build_model(project.graph, seed=0)
    Trainer(model, bundle, config, mode=mode, step_event_every=0).run()
    folder = tmp_path / "code"
    report = export(source_from_project(project, model), "code", folder)
    assert report.status == "passed", report.message + "\n" + report.details
    assert report.max_abs_diff <= 1e-5  # model.py's outputs and sample.py's samples
    names = sorted(p.name for p in report.files)
    assert names == ["model.py", "sample.py", "weights.safetensors"]
    assert any("train.py was not written" in note for note in report.notes)
    script = (folder / "sample.py").read_text()
    assert "graph_core" not in script and "STEPS = 100" in script and 'NOISE_SCHEDULE = "cosine"' in script
    out = tmp_path / "drawn.csv"
    result = subprocess.run(
        [sys.executable, "-B", "sample.py", "--n", "40", "--seed", "11", "--out", str(out), "--device", "cpu"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote 40 samples" in result.stdout
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["x1", "x2"]
    written = torch.tensor([[float(v) for v in row] for row in rows[1:]])
    expected = sample_trajectory(model, mode.schedule, 40, seed=11, keep=False)
    assert torch.allclose(written, expected, atol=1e-5)


def test_the_noise_predictor_exports_as_a_torch_export_program_like_any_network(tmp_path):
    project = load_project(EXAMPLE)
    model = make_mode("diffusion").build_model(project.graph, seed=0)
    report = export(source_from_project(project, model), "pt2", tmp_path / "noise.pt2")
    assert report.status == "passed", report.message + "\n" + report.details
    program = torch.export.load(str(tmp_path / "noise.pt2")).module()
    x, t = torch.randn(5, 2), torch.full((5, 1), 42.0)
    torch.testing.assert_close(program(x, t), model.eval()(x, t), rtol=0, atol=1e-5)
