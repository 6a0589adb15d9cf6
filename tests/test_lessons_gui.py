"""The lessons in the window: the start page lists them and opens one through the normal
open path (by mouse or keyboard), the side panel walks through the steps, and the
lenses, diagnosis, learning-rate finder and GAN view follow a run in the app. (That every
step points at a control that exists is checked where every lesson is opened anyway:
test_gui_lenses_screenshots.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.lessons.integration import START_PAGE_KEY, wants_start_page

# Generous: a loaded machine may take many times longer; the waits end as soon as the
# condition holds.
RUN_TIMEOUT = 180_000
VIEW_TIMEOUT = 60_000


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


@pytest.fixture(scope="module")
def window(lesson_window):
    """A shown window with training ready, shared by the tests that train: each opens its
    lesson (a new document) first."""
    return lesson_window


@pytest.fixture
def plain_window(make_main_window):
    """A shown window whose training was never started: the start page needs none."""
    made = make_main_window()
    yield made
    assert made.training.shutdown(30_000)


def train(qtbot, window, **training) -> None:
    window.document.project.training.update({"device": "cpu", **training})
    with qtbot.waitSignal(window.training.runFinished, timeout=RUN_TIMEOUT):
        window.actions["training_train"].trigger()


def test_the_start_page_lists_every_lesson_and_a_card_opens_its_project_and_panel(plain_window, qtbot):
    window = plain_window
    page = window.lessons.show_start_page()
    assert len(page.cards) == len(window.lessons.lessons) >= 12 and page.isVisible()
    assert [card.lesson.key for card in page.cards] == [lesson.key for lesson in window.lessons.lessons]
    qtbot.mouseClick(page.cards[1], Qt.MouseButton.LeftButton)
    assert not page.isVisible()
    assert window.lessons.current.key == "perceptron_mlp"
    assert set(window.document.graph.node_ids()) == {"x", "out"}
    assert window.windowTitle().startswith("Perceptron vs multi-layer perceptron")
    assert window.lessons.lesson_dock.isVisible()
    assert window.lessons.panel.counter.text() == "Step 1 of 5"


def test_the_start_page_works_from_the_keyboard_and_goes_when_a_project_opens(plain_window, qtbot):
    window = plain_window
    page = window.lessons.show_start_page()
    card = next(card for card in page.cards if card.lesson.key == "cnn")
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Return)
    assert not page.isVisible() and window.lessons.current.key == "cnn"
    window.lessons.show_start_page()
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert not page.isVisible()
    window.lessons.show_start_page()
    window.actions["new"].trigger()  # the new network is what the user wants to see
    assert not page.isVisible()


def test_the_start_page_opens_on_first_launch_and_then_as_the_user_chose(plain_window, qtbot):
    window = plain_window
    settings = window.settings
    assert wants_start_page(settings)  # nothing stored yet: the first launch
    page = window.lessons.show_start_page()
    assert not page.show_at_startup.isChecked()  # shown once, unless the user ticks it
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    assert settings._s.value(START_PAGE_KEY) in (False, "false")
    assert not wants_start_page(settings)


def test_windows_built_with_injected_settings_never_open_the_start_page_by_themselves(plain_window):
    window = plain_window
    assert window.lessons.start_page is None


def test_next_opens_the_second_project_of_a_lesson_and_keeps_the_first_boundary(window, qtbot):
    lessons = window.lessons
    lessons.open_lesson("perceptron_mlp")
    lessons.panel.next()
    train(qtbot, window, epochs=3)
    window.training_views.flush()
    lessons.panel.next()  # leaves the Train step: its boundary is kept
    assert "hidden" in window.document.graph.node_ids()
    assert len(lessons.panel.captures) == 1
    lessons.panel.back()
    assert lessons.panel.index == 1
    assert "hidden" in window.document.graph.node_ids()  # going back does not reopen


def test_the_diagnosis_panel_hears_from_a_run_whose_learning_rate_is_far_too_large(window, qtbot):
    window.lessons.open_lesson("overfitting")  # opens the diagnosis lens beside the lesson
    panel = window.lessons.lenses.widgets["diagnosis"]
    train(qtbot, window, lr=1e6, epochs=5)
    qtbot.waitUntil(lambda: bool(panel.findings), timeout=VIEW_TIMEOUT)
    assert all(card.message.text() for card in panel.cards)


def test_the_gan_lesson_trains_in_the_app_and_its_view_shows_the_generated_points(window, qtbot):
    window.lessons.open_lesson("gan")
    train(qtbot, window, epochs=4)
    view = window.lessons.lenses.widgets["gan"]
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.epoch == 4, timeout=VIEW_TIMEOUT)
    assert view.frame.generated.shape == (300, 2)
    assert window.lessons.lenses.docks["gan"].isVisible()


def test_the_learning_rate_finder_runs_off_the_gui_thread_and_its_rate_goes_to_the_settings(window, qtbot):
    window.lessons.open_lesson("optimizers")
    assert window.lessons.lenses.find_lr()
    view = window.lessons.lenses.widgets["lr_finder"]
    assert not view.find_button.isEnabled()  # the sweep runs while the window stays live
    qtbot.waitUntil(lambda: view.result is not None, timeout=RUN_TIMEOUT)
    qtbot.mouseClick(view.use_button, Qt.MouseButton.LeftButton)
    assert window.document.project.training["lr"] == pytest.approx(view.chosen_rate, rel=0.01)
    assert window.training_panel.settings_panel.editor("lr").value() == pytest.approx(view.chosen_rate, rel=0.01)


def test_the_timeline_replays_an_earlier_epoch_into_the_boundary(window, qtbot):
    window.lessons.open_lesson("neuron")
    window.lessons.lenses.open_lens("timeline")
    slider = window.lessons.lenses.widgets["timeline"]
    train(qtbot, window, epochs=6)
    qtbot.waitUntil(lambda: slider.epochs == list(range(7)), timeout=VIEW_TIMEOUT)
    boundary = window.training_views.boundary
    with qtbot.waitSignal(slider.epoch_chosen):
        slider.select_epoch(1)
    assert window.lessons.lenses.replaying
    assert slider.position.text() == "Epoch 1 of 6"
    slider.go_live()
    assert not window.lessons.lenses.replaying
    assert boundary.isVisible()


def test_pointing_at_an_activation_node_shows_its_inputs_in_the_activation_lens(window, qtbot):
    window.lessons.open_lesson("activations")
    train(qtbot, window, epochs=2)
    window.training_views.flush()
    window.show_node("relu")
    lens = window.lessons.lenses.widgets["activations"]
    qtbot.waitUntil(lambda: lens.node_id == "relu", timeout=VIEW_TIMEOUT)
    assert lens.name == "ReLU" and lens.node_values.size > 0
