"""The diffusion lesson in the app: its view shows real points dissolving into noise
beside the network's samples walking out of it, scrubbed with a slider and played from
noise to samples; training the example opens the view and feeds it frames; a shape drawn
with the mouse in the data panel becomes the project's data. Screenshots go to
tests/screenshots/ to be looked at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.lessons.diffusion_view import DiffusionView, view_range
from app.lessons.lens_docks import _delete_plot_menus
from app.lessons.observers import diffusion_frame
from app.theme import LIGHT, apply_theme
from app.training.drawing import heart
from graph_core.data import load_dataset
from graph_core.project import EXAMPLES_DIR, list_examples, load_project
from graph_core.training import Trainer, TrainingConfig, make_mode

SHOTS = Path(__file__).parent / "screenshots"
READY_TIMEOUT = 120_000
RUN_TIMEOUT = 60_000
EXAMPLE = {example.name: example for example in list_examples()}["diffusion_2d"]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def save(widget, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / name
    assert widget.grab().save(str(path))
    return path


def trained_frame(epochs: int):
    project = load_project(EXAMPLES_DIR / "diffusion_2d.nlproj")
    config = TrainingConfig.from_dict({**project.training, "epochs": epochs, "device": "cpu"})
    bundle = load_dataset({**project.data, "samples": 1000})
    mode = make_mode("diffusion")
    model = mode.build_model(project.graph, seed=0)
    Trainer(model, bundle, config, mode=mode, step_event_every=0, validate_every=epochs).run()
    return diffusion_frame(model, bundle, config, epochs)


def test_the_view_shows_both_processes_at_the_sliders_step_and_plays_from_noise_to_samples(qapp, qtbot):
    apply_theme(qapp, LIGHT)  # the window's look: titles and captions styled by role
    frame = trained_frame(200)
    view = DiffusionView()
    qtbot.addWidget(view)
    view.resize(940, 560)
    view.show()
    view.set_frame(frame)
    assert frame.forward.shape == frame.reverse.shape == (101, 300, 2)
    assert (view.slider.minimum(), view.slider.maximum(), view.step) == (0, 100, 0)  # the finished samples
    shown = np.column_stack(view.reverse_points.getData())
    assert np.allclose(shown, frame.reverse[0])
    assert view.position.text() == "t = 0 / 100 · 100% signal"
    assert "Epoch 200 · distance between samples and data" in view.caption.text()
    assert view.reverse_hint.isHidden()
    qtbot.wait(30)
    save(view, "diffusion_view.png")

    view.show_step(60)
    assert np.allclose(np.column_stack(view.forward_points.getData()), frame.forward[60])
    assert np.allclose(np.column_stack(view.reverse_points.getData()), frame.reverse[60])
    x0, x1, _, _ = view.forward_widget.getPlotItem().viewRange()[0] + [0, 0]
    assert x1 - x0 >= view_range(frame.domain, 1.0)[1] - view_range(frame.domain, 1.0)[0]  # zoomed out for noise
    save(view, "diffusion_view_t60.png")

    view.play_button.click()  # from pure noise, one step a tick, back to the samples
    assert view.playing and view.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: view.step < 95, timeout=5_000)
    view.slider.setValue(3)
    qtbot.waitUntil(lambda: view.step == 0, timeout=5_000)
    qtbot.waitUntil(lambda: view.step > 90, timeout=5_000)  # it holds the samples, then walks again
    view.hide()  # nobody sees it: the animation stops
    assert not view.playing and view.play_button.text() == "Play"
    _delete_plot_menus(view)  # as the window does when it closes


def test_the_view_range_follows_the_noise_level():
    domain = (-1.0, 1.0, -0.5, 0.5)
    assert view_range(domain, 1.0) == (-1.0, 1.0, -1.0, 1.0)  # square, around the data
    x0, x1, y0, y1 = view_range(domain, 0.0)
    assert (x0, x1) == (-2.5, 2.5) and (y0, y1) == (-2.5, 2.5)  # pure noise out to 2.5
    assert view_range(domain, 0.5)[1] == pytest.approx(np.sqrt(0.5) + 2.5 * np.sqrt(0.5))


@pytest.fixture
def window(make_main_window, qtbot):
    made = make_main_window()
    made.resize(1440, 900)
    _ = made.lessons  # built now (it follows every run), not on the turn after the first paint
    made.open_example(EXAMPLE)
    made.document.project.training.update({"device": "cpu", "epochs": 3})
    made.document.project.data.update({"samples": 400})
    made.training.warm_up()
    qtbot.waitUntil(lambda: made.training.is_ready and made.training_views is not None, timeout=READY_TIMEOUT)
    qtbot.waitUntil(lambda: made.training.bundle is not None, timeout=RUN_TIMEOUT)
    yield made
    made.lessons.lenses.stop()
    assert made.training.shutdown(30_000)


def test_training_the_example_opens_the_diffusion_view_and_feeds_it_frames(window, qtbot):
    panel = window.training_panel
    assert panel.check_label.text() == ""  # a valid noise predictor: nothing to fix
    settings = panel.settings_panel
    assert settings.rows["diffusion_steps"].isVisibleTo(settings)
    assert settings.editor("noise_schedule").combo.currentData() == "cosine"
    with qtbot.waitSignal(window.training.runFinished, timeout=RUN_TIMEOUT) as finished:
        panel.buttons["train"].click()
    assert finished.args[0].reason == "completed", finished.args[0].message
    lenses = window.lessons.lenses
    view = lenses.widgets["diffusion"]
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.epoch == 3, timeout=10_000)
    assert view.frame.reverse.shape == (101, 300, 2) and lenses.docks["diffusion"].isVisible()
    assert np.isfinite(view.frame.reverse[0]).all()
    settings.set_value("mode", "supervised")
    assert not settings.rows["diffusion_steps"].isVisibleTo(settings)  # only diffusion has steps


def _drag(canvas, points, button=Qt.MouseButton.LeftButton) -> None:
    """Press at the first plane point, move through the others, release at the last."""
    pixels = [canvas.to_pixels(x, y) for x, y in points]
    kinds = [QEvent.Type.MouseButtonPress] + [QEvent.Type.MouseMove] * (len(pixels) - 2)
    kinds.append(QEvent.Type.MouseButtonRelease)
    for kind, at in zip(kinds, pixels):
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
        event = QMouseEvent(
            kind, QPointF(at), canvas.mapToGlobal(QPointF(at)), button, held, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(canvas, event)


def test_a_shape_drawn_in_the_data_panel_becomes_the_projects_data(window, qtbot):
    dock = window.training_panel
    dock.tabs.setCurrentIndex(0)
    panel = dock.data_panel
    with qtbot.waitSignal(window.training.dataReady, timeout=RUN_TIMEOUT):
        panel.select_dataset("drawn")  # an empty drawing starts as a heart
    data = window.document.project.data
    assert data["points"] == heart() and panel.drawing.isVisible()
    assert panel.drawing.count.text() == "140 points"

    with qtbot.waitSignal(window.training.dataFailed, timeout=RUN_TIMEOUT) as failed:
        panel.drawing.clear_button.click()
    assert data["points"] == [] and "draw a shape first" in failed.args[0]
    qtbot.waitUntil(lambda: "draw a shape first" in panel.error.text(), timeout=5_000)

    canvas = panel.drawing.canvas
    with qtbot.waitSignal(window.training.dataReady, timeout=RUN_TIMEOUT) as loaded:
        _drag(canvas, [(-3.0, 0.0), (-1.0, 0.0), (3.0, 0.0)])
    line = np.array(data["points"])
    assert len(line) >= 45 and np.abs(line[:, 1]).max() < 0.1  # a point every 0.12 along the stroke
    assert line[:, 0].min() < -2.8 and line[:, 0].max() > 2.8
    assert loaded.args[0].name == "drawn" and np.abs(loaded.args[0].points_train[:, 1].numpy()).max() < 0.6
    _drag(canvas, [(0.0, 1.0), (0.0, 0.0), (0.0, -1.0)], Qt.MouseButton.RightButton)  # rub out the middle
    rubbed = np.array(data["points"])
    assert len(rubbed) < len(line) and np.abs(rubbed[:, 0]).min() > 0.35
    with qtbot.waitSignal(window.training.dataReady, timeout=RUN_TIMEOUT):
        _drag(canvas, [(-2.0, 2.0), (0.0, 4.0), (2.0, 2.0)])  # a roof over the line
    qtbot.wait(50)
    save(panel, "diffusion_drawing.png")  # the whole panel, not only the part the dock scrolls to
