"""Screenshots of the window after a short training run, for people to look at
(tests/screenshots/training_*.png): the spiral MLP, the digits CNN, a sine curve fit and
the LSTM forecasting a sine wave. The test checks they were drawn at the promised size."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_core.graph import ModelGraph
from graph_core.project import Project, list_examples, load_project

SCREENSHOTS = Path(__file__).parent / "screenshots"
SIZE = (1400, 900)
EXAMPLES = {example.name: example for example in list_examples()}


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


def sine_curve_fit() -> Project:
    """y = sin(x) fitted by a small tanh MLP: the playground's idea on a curve."""
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [1]}, (0, 0), "x")
    graph.add_node("Linear", {"out_features": 12}, (280, 0), "fc1")
    graph.add_node("Tanh", {}, (560, 0), "act1")
    graph.add_node("Linear", {"out_features": 8}, (840, 0), "fc2")
    graph.add_node("Tanh", {}, (1120, 0), "act2")
    graph.add_node("Linear", {"out_features": 1}, (1400, 0), "out")
    for src, dst in (("x", "fc1"), ("fc1", "act1"), ("act1", "fc2"), ("fc2", "act2"), ("act2", "out")):
        graph.connect(src, dst)
    project = Project(graph=graph)
    project.data.update({"dataset": "sine", "samples": 400, "noise": 0.1})
    project.training.update({"loss": "MSELoss", "optimizer": "Adam", "lr": 0.02, "batch_size": 16})
    project.view.update({"title": "Sine curve fit"})
    return project


# (project, training settings, the node to bring into view, the views' tab, theme)
CASES = {
    "spiral": ("mlp_spiral", {"epochs": 250}, None, 0, "light"),
    "spiral_dark": ("mlp_spiral", {"epochs": 250}, None, 0, "dark"),
    "digits": ("cnn_digits", {"epochs": 6}, "conv1", 0, "light"),
    "digits_metrics": ("cnn_digits", {"epochs": 6}, "conv1", 1, "light"),
    "sine": (sine_curve_fit, {"epochs": 150}, None, 0, "light"),
    "lstm_sine": ("lstm_sine", {"epochs": 15}, None, 1, "light"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_screenshot_of_the_training_view(make_main_window, app_settings, qtbot, case):
    source, training, node, tab, theme = CASES[case]
    app_settings.theme = theme
    window = make_main_window(settings=app_settings, show=False)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    if callable(source):
        window._load(source(), None, "Sine curve fit")
    else:
        window._load(load_project(EXAMPLES[source].path), None, EXAMPLES[source].title)
    window.document.project.training.update({"device": "cpu", **training})
    window.training.warm_up()
    qtbot.waitUntil(lambda: window.training.is_ready, timeout=120_000)
    window.show_training_layout()
    with qtbot.waitSignal(window.training.runFinished, timeout=120_000) as finished:
        window.training_actions["train"].trigger()
    qtbot.waitUntil(lambda: window.training.state == "finished", timeout=60_000)
    assert finished.args[0].reason == "completed"
    if window.training_views is not None:
        window.training_views.tabs.setCurrentIndex(tab)
        window.training_views.flush()
    window.canvas.fit_all()
    if node is not None:  # a long network: readable nodes at the start beat all of them tiny
        window.canvas.set_zoom(0.8)
        window.canvas.centerOn(window.canvas.scene().node_item(node).sceneBoundingRect().topLeft())
    qtbot.waitUntil(lambda: window.training_panel.progress.value() == 1000)
    SCREENSHOTS.mkdir(exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(SCREENSHOTS / f"training_{case}.png"))
    assert (image.width(), image.height()) == SIZE
    colours = {image.pixel(x, y) for x in range(0, SIZE[0], 37) for y in range(0, SIZE[1], 23)}
    assert len(colours) > 40  # drawn, not a blank frame
    assert window.training.shutdown(30_000)
