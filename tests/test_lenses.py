"""User stories for the lenses: each opens, computes with the real torch functions and
draws; its controls recompute; and screenshots of each, light and dark, are saved in
tests/screenshots/ for people to look at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from app.lenses import LENSES
from app.theme import DARK, LIGHT, apply_theme
from graph_core.training.diagnosis import CONCEPTS, Diagnosis

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def light_afterwards(qapp):
    yield
    apply_theme(qapp, LIGHT)  # a test that went dark must not darken the next


def make(qtbot, key: str, size: tuple[int, int] = (900, 600)):
    widget = LENSES[key][1](None)
    qtbot.addWidget(widget)
    widget.resize(*size)
    return widget


def curve_data(item) -> tuple[np.ndarray, np.ndarray]:
    x, y = item.getData()
    return (np.array([]), np.array([])) if x is None else (np.asarray(x), np.asarray(y))


# ---- activation lens ---------------------------------------------------------------


def test_every_activation_is_drawn_with_its_slope(qtbot):
    from app.lenses.activation_lens import NAMES

    lens = make(qtbot, "activations")
    for name in NAMES:
        lens.show_function(name)
        x, y = curve_data(lens.outputs[0])
        _, slope = curve_data(lens.slope)
        assert len(x) > 100 and np.isfinite(y).all() and np.isfinite(slope).all(), name
    lens.show_function("Sigmoid")
    _, slope = curve_data(lens.slope)
    assert slope.max() == pytest.approx(0.25, abs=1e-3)  # sigmoid's steepest slope, at 0
    lens.show_function("Softmax")
    assert all(len(curve_data(item)[0]) for item in lens.outputs)  # three class probabilities
    lens.show_function("Step")
    assert not curve_data(lens.slope)[1].any()  # its true slope: zero everywhere
    assert "straight-through" in lens.caption.text()


def test_a_nodes_inputs_are_marked_on_its_own_curve(qtbot):
    lens = make(qtbot, "activations")
    values = np.random.default_rng(0).normal(0.0, 3.0, 400)
    lens.set_node_inputs("Tanh", values, node_id="act1")
    x, y = curve_data(lens.markers)
    assert len(x) > 100 and np.allclose(y, np.tanh(x))
    assert len(curve_data(lens.rug)[0]) > 0
    assert "act1" in lens.caption.text() and "%" in lens.caption.text()
    lens.show_function("ReLU")  # browsing another curve hides this node's inputs...
    assert len(curve_data(lens.markers)[0]) == 0
    lens.show_function("Tanh")  # ...and coming back shows them again
    assert len(curve_data(lens.markers)[0]) > 100


def test_a_node_with_its_own_parameters_gets_its_own_curve(qtbot):
    lens = make(qtbot, "activations")
    lens.set_node_inputs("LeakyReLU", [-2.0, 1.0], params={"negative_slope": 0.3})
    x, y = curve_data(lens.outputs[0])
    assert y[0] == pytest.approx(0.3 * x[0])


# ---- loss lens ---------------------------------------------------------------------


def test_the_loss_lens_draws_torchs_losses_and_marks_the_batch(qtbot):
    lens = make(qtbot, "losses")
    margin = lens.panels["margin"]
    x, hinge = curve_data(margin.items[1])
    assert np.allclose(hinge, np.maximum(0, 1 - x))
    margins = np.array([-1.0, 0.5, 2.0])
    lens.set_batch(margins, "margin")
    for markers in margin.markers:
        assert len(curve_data(markers)[0]) == 3
    assert "3 margins" in margin.caption.text() and "cross-entropy" in margin.caption.text()
    lens.set_batch([0.5, -0.5], "error")
    _, mse = curve_data(lens.panels["error"].markers[0])
    assert np.allclose(mse, 0.25)


def test_margins_and_errors_come_from_outputs_and_targets():
    from app.lenses.loss_lens import classification_margins, regression_errors

    scores = np.array([[2.0, 0.5, 1.0], [0.0, 1.0, 3.0]])
    assert np.allclose(classification_margins(scores, [0, 1]), [1.0, -2.0])
    assert np.allclose(classification_margins(np.array([[1.5], [1.5]]), [1, 0]), [1.5, -1.5])
    assert np.allclose(regression_errors([[1.0], [2.0]], [[0.5], [3.0]]), [0.5, -1.0])


# ---- optimizer lens ----------------------------------------------------------------


def test_the_paths_are_those_of_the_real_torch_optimizers():
    from app.lenses.optimizer_lens import OPTIMIZERS, SURFACES, PathRunner

    surface = SURFACES["rosenbrock"]
    runner = PathRunner(surface, 0.01, surface.start)
    runner.extend_to(30)
    p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([p], lr=0.01)
    for _ in range(30):
        adam.zero_grad()
        surface.value(p).backward()  # autograd here, the lens's own gradient formula there
        adam.step()
    points, _ = runner.path([spec.name for spec in OPTIMIZERS].index("Adam"), 30)
    assert np.allclose(points[-1], p.detach().numpy(), atol=1e-9)


def test_the_sliders_recompute_the_paths(qtbot):
    lens = make(qtbot, "optimizers")
    sgd = 0
    first, _ = curve_data(lens.paths[sgd])
    assert len(first) == lens.steps + 1
    with qtbot.waitSignal(lens.recomputed, timeout=5000):
        lens.set_lr(0.01)
    assert lens.lr == pytest.approx(0.01)
    assert not np.allclose(curve_data(lens.paths[sgd])[0][:10], first[:10])
    lens.steps_slider.setValue(20)
    assert len(curve_data(lens.paths[sgd])[0]) == 21
    lens.steps_slider.setValue(200)  # more steps continue the same paths
    assert len(curve_data(lens.paths[sgd])[0]) == 201


def test_a_too_large_rate_is_shown_to_diverge(qtbot):
    lens = make(qtbot, "optimizers")
    lens.set_surface("valley")
    lens.set_lr(0.2)
    lens.recompute()
    assert lens.runner.diverged[0] is not None  # SGD past 2 / (largest curvature 20)
    assert "diverged at step" in lens.status.text()


def test_choosing_a_surface_and_a_start_runs_from_there(qtbot):
    lens = make(qtbot, "optimizers")
    lens.set_surface("himmelblau")
    assert lens.lr == pytest.approx(0.01)
    lens.set_start(1.0, 1.0)
    x, y = curve_data(lens.paths[0])
    assert (x[0], y[0]) == (1.0, 1.0)


# ---- learning-rate finder ----------------------------------------------------------


def finder_result():
    from graph_core.compiler import compile_graph
    from graph_core.data import load_dataset
    from graph_core.project import EXAMPLES_DIR, load_project
    from graph_core.training import TrainingConfig
    from graph_core.training.lr_finder import find_lr

    project = load_project(EXAMPLES_DIR / "mlp_digits.nlproj")
    config = TrainingConfig.from_dict({**project.training, "device": "cpu"})
    torch.set_num_threads(1)
    return find_lr(compile_graph(project.graph, seed=0), load_dataset(project.data), config)


@pytest.fixture(scope="module")
def sweep():
    return finder_result()


def test_the_finder_view_plots_the_sweep_and_offers_the_suggestion(qtbot, sweep):
    view = make(qtbot, "lr_finder")
    with qtbot.waitSignal(view.run_requested):
        view.find_button.click()
    view.set_result(sweep)
    assert len(curve_data(view.curve)[0]) == len(sweep.lrs)
    assert view.chosen_rate == pytest.approx(sweep.suggestion)
    with qtbot.waitSignal(view.rate_chosen) as chosen:
        view.use_button.click()
    assert chosen.args[0] == pytest.approx(sweep.suggestion)
    view.marker.setValue(np.log10(sweep.suggestion) - 1)  # the user drags the line a decade down
    assert view.chosen_rate == pytest.approx(sweep.suggestion / 10)
    assert "Chosen" in view.summary.text()


# ---- diagnosis panel ---------------------------------------------------------------


FINDINGS = [
    Diagnosis(
        "lr_too_high",
        "error",
        "The loss diverged. The loss became NaN during epoch 3 (step 41); training stopped and the weights from "
        "the end of epoch 2 were restored. Try a smaller learning rate (now 3) or gradient clipping.",
        (),
        CONCEPTS["lr_too_high"],
        3,
    ),
    Diagnosis(
        "overfitting",
        "warning",
        "Overfitting has begun: the validation loss rose from 0.312 (epoch 40) to 0.451 while the training loss "
        "kept falling (0.201 to 0.083). The network is memorising its training samples. The best weights were "
        "those of epoch 40; more data, L2, dropout or early stopping help.",
        (),
        CONCEPTS["overfitting"],
        60,
    ),
    Diagnosis(
        "dead_relu",
        "warning",
        "Dead ReLU units at act1 (88%): these units output zero for every sample, so no gradient reaches them and "
        "they have stopped learning. A smaller learning rate or LeakyReLU helps.",
        ("act1",),
        CONCEPTS["dead_relu"],
        65,
    ),
]


def test_the_diagnosis_panel_lists_findings_newest_first_with_their_links(qtbot):
    panel = make(qtbot, "diagnosis")
    assert not panel.empty.isHidden()
    panel.add_findings(FINDINGS)
    assert [f.code for f in panel.findings] == ["dead_relu", "overfitting", "lr_too_high"]
    assert panel.empty.isHidden()
    card = panel.cards[0]
    with qtbot.waitSignal(panel.node_requested) as node:
        card.node_buttons[0].click()
    assert node.args == ["act1"]
    with qtbot.waitSignal(panel.lesson_requested) as lesson:
        card.lesson.click()
    assert lesson.args == ["activations"]
    assert card.explanation.isHidden()
    card.why.click()
    assert not card.explanation.isHidden() and "ReLU" in card.explanation.text()
    panel.clear()
    assert panel.findings == [] and not panel.empty.isHidden()


# ---- timeline slider ---------------------------------------------------------------


def test_the_timeline_follows_the_run_until_moved_then_stays(qtbot):
    slider = make(qtbot, "timeline", (900, 300))
    slider.set_epochs([0, 5, 10], total_epochs=100)
    assert slider.epoch == 10 and slider.live
    slider.set_epochs([0, 5, 10, 15])
    assert slider.epoch == 15  # live: follows the newest
    with qtbot.waitSignal(slider.epoch_chosen) as chosen:
        slider.slider.setValue(1)
    assert chosen.args == [5] and not slider.live
    slider.set_epochs([0, 5, 10, 15, 20])
    assert slider.epoch == 5  # not live: stays where the user put it
    with qtbot.waitSignal(slider.epoch_chosen) as chosen:
        slider.select_epoch(12)
    assert chosen.args == [10]
    with qtbot.waitSignal(slider.live_requested):
        slider.live_button.click()
    assert slider.live and slider.epoch == 20


def test_every_lens_is_listed_with_a_title(qtbot):
    for key, (title, factory) in LENSES.items():
        widget = factory(None)
        qtbot.addWidget(widget)
        assert title and widget.windowTitle() == title, key


# ---- screenshots ---------------------------------------------------------------------


def _show_something(widget, key: str, sweep) -> None:
    rng = np.random.default_rng(0)
    if key == "activations":
        widget.set_node_inputs("ReLU", rng.normal(0.5, 1.5, 512), node_id="act1")
    elif key == "losses":
        widget.set_batch(rng.normal(1.2, 1.0, 64), "margin")
        widget.set_batch(rng.normal(0.0, 0.8, 64), "error")
    elif key == "lr_finder":
        widget.set_result(sweep)
    elif key == "diagnosis":
        widget.add_findings(FINDINGS)
        widget.cards[1].why.setChecked(True)
    elif key == "timeline":
        widget.set_epochs(list(range(0, 81, 5)), total_epochs=80)
        widget.set_history(_history(80))
        widget.select_epoch(45)


def _history(epochs: int):
    from graph_core.training import EpochEvent

    steps = np.arange(1, epochs + 1)
    train = 0.7 * np.exp(-steps / 15) + 0.05 + 0.01 * np.sin(steps)
    val = 0.7 * np.exp(-steps / 15) + 0.1 + 0.002 * np.maximum(steps - 40, 0)
    return [
        EpochEvent(int(n), epochs, int(n) * 10, float(t), float(v), None, None, 0.01, {}, 1e3, float(n), 1.0)
        for n, t, v in zip(steps, train, val)
    ]


SIZES = {"timeline": (900, 300), "diagnosis": (900, 520)}


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("key", list(LENSES))
def test_screenshot_of_each_lens(qtbot, qapp, light_afterwards, sweep, key, theme):
    apply_theme(qapp, theme)
    widget = make(qtbot, key, SIZES.get(key, (900, 600)))
    widget.set_theme(theme)
    _show_something(widget, key, sweep)
    widget.show()
    qtbot.waitExposed(widget)
    SCREENSHOTS.mkdir(exist_ok=True)
    image = widget.grab().toImage()
    assert image.save(str(SCREENSHOTS / f"lens_{key}_{theme.name}.png"))
    assert (image.width(), image.height()) == SIZES.get(key, (900, 600))
    corner = image.pixelColor(3, 3)
    assert (corner.lightness() < 128) == (theme is DARK)  # drawn in the theme's colours
    colours = {image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 13)}
    assert len(colours) > 20  # drawn, not a blank frame
