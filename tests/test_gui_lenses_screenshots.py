"""The lessons at a laptop's size (1440x900), in English and in Simplified Chinese: the
start page shows every lesson without scrolling; each lesson opens with its network
readable on the canvas and its views below it compact, and every step of it points at a
control that exists; screenshots of the start page, every lesson with its side panel and
every lens dock are saved to tests/screenshots/ to be looked at. Chinese is drawn with a
system CJK font, or else with the font NeuroLoom ships (never as boxes). One window serves
the whole module, every test in English first, then in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QWidget

from app import i18n
from app.canvas.view import READABLE_ZOOM
from app.lenses import LENSES
from app.lessons.targets import Target
from graph_core.training.diagnosis import Diagnostician
from graph_core.training.events import DivergedEvent

SHOTS = Path(__file__).parent / "screenshots"
RUN_TIMEOUT = 120_000
STEP_TIMEOUT = 10_000
DIVERGED = (
    "The loss became NaN during epoch 4 (step 80); training stopped and the weights from the end of epoch 3 "
    "were restored. Try a smaller learning rate (now 30) or gradient clipping."
)
LANGUAGES = {"en": "en", "zh": "zh_CN"}


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


@pytest.fixture(scope="module")
def window(lesson_window):
    return lesson_window


@pytest.fixture(scope="module", params=list(LANGUAGES))
def language(request, window):
    """The window in one language for the tests (all of them in one, then the other)."""
    window.lessons.set_language(LANGUAGES[request.param], remember=False)
    if request.param == "zh":  # a font that draws Chinese: the system's, or the one shipped
        assert i18n.system_cjk_families() or i18n.ensure_cjk_font() == i18n.CJK_FAMILY
    yield request.param
    window.lessons.set_language("en", remember=False)


def save(widget, name: str) -> Path:
    for _ in range(3):  # what is already on its way (a relayout, a panel's refresh) first, as on screen
        QCoreApplication.processEvents()
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / name
    assert widget.grab().save(str(path))
    return path


def inside(widget, area, rect: QRect | None = None) -> bool:
    """Whether `widget` (or `rect` of it) lies wholly within `area` (a widget)."""
    rect = rect if rect is not None else widget.rect()
    top_left = widget.mapTo(area, rect.topLeft())
    return area.rect().contains(QRect(top_left, rect.size()))


def open_lesson(qtbot, window, key: str):
    """Open a lesson and wait until its first step has pointed at its control."""
    with qtbot.waitSignal(window.lessons.stepShown, timeout=STEP_TIMEOUT) as shown:
        assert window.lessons.open_lesson(key), key
    return shown.args[0]


def test_the_start_page_shows_every_lesson_by_topic_without_scrolling(window, qtbot, language):
    page = window.lessons.show_start_page()
    try:
        window.grab()  # laid out and painted, as the user first sees it
        assert page.scroll.verticalScrollBar().maximum() == 0
        assert len(page.cards) == len(window.lessons.lessons) >= 14
        # After a language switch the cards are rebuilt: none of the old ones stays drawn.
        shown = [card for card in page.findChildren(type(page.cards[0])) if card.isVisible()]
        assert sorted(map(id, shown)) == sorted(map(id, page.cards))
        for card in page.cards:
            assert card.isVisible() and inside(card, page.scroll.viewport()), card.lesson.key
        topics = [column.topic.key for column in page.columns]
        assert topics == ["basics", "training", "architectures", "generative"]
        tops = {column.cards.mapTo(page, column.cards.rect().topLeft()).y() for column in page.columns}
        assert len(tops) == 1  # the topics' cards start on one line
        if language == "zh":
            assert all(i18n.has_cjk(column.heading.text()) for column in page.columns)
            assert all(i18n.has_cjk(card.title.text()) for card in page.cards)
        assert save(window, f"lesson_start_{language}.png").stat().st_size > 20_000
    finally:
        window.lessons.hide_start_page()


def test_each_lesson_opens_with_its_network_readable_its_views_compact_and_steps_that_point_at_controls(
    window, qtbot, language
):
    lessons, canvas = window.lessons, window.canvas
    for number, lesson in enumerate(lessons.lessons, start=1):
        target = open_lesson(qtbot, window, lesson.key)
        assert target is not None, lesson.key
        # The canvas keeps over half of the height; titles stay readable (the rest scrolls).
        content = window.statusBar().geometry().top() - canvas.geometry().top()
        assert canvas.height() > 0.5 * content, lesson.key
        assert canvas.zoom >= READABLE_ZOOM - 1e-6, lesson.key
        if lesson.steps[0].target.startswith("node:"):
            assert inside(target.widget, canvas.viewport(), target.rect()), lesson.key
        # The lesson's own lenses are in the views below the canvas, whole; others are put away.
        shown = {key for key, dock in lessons.lenses.docks.items() if dock.isVisible()}
        assert shown == set(lesson.lenses), lesson.key
        for key in lesson.lenses[:1]:
            scroll = lessons.lenses.docks[key].widget()
            assert scroll.verticalScrollBar().maximum() == 0, f"{lesson.key}: the {key} lens scrolls"
        assert save(window, f"lesson_{number:02d}_{lesson.key}_{language}.png").stat().st_size > 20_000
        if language == "zh":
            assert i18n.has_cjk(lessons.panel.title.text()) and i18n.has_cjk(lessons.panel.text.text())
        else:  # the controls are the same in both languages
            every_step_points_at_a_control(lessons, lesson)


def every_step_points_at_a_control(lessons, lesson) -> None:
    for index, step in enumerate(lesson.steps):
        lessons.panel.go_to(index)
        target = lessons.point_at_step()
        assert isinstance(target, Target), f"{lesson.key} step {index + 1}: {step.target}"
        assert target.widget is not None or isinstance(target.action, QAction), step.target
        if target.widget is not None:
            assert isinstance(target.widget, QWidget) and target.widget.isVisible(), step.target


def test_screenshots_of_a_trained_lesson_and_every_lens(window, qtbot, language):
    lessons = window.lessons
    open_lesson(qtbot, window, "neuron")
    window.document.project.training.update({"device": "cpu", "epochs": 25})
    with qtbot.waitSignal(window.training.runFinished, timeout=RUN_TIMEOUT):
        window.actions["training_train"].trigger()
    lessons.lenses._on_findings(Diagnostician().feed(DivergedEvent(4, 80, DIVERGED)))
    assert lessons.lenses.find_lr()
    qtbot.waitUntil(lambda: lessons.lenses._sweep is None, timeout=RUN_TIMEOUT)
    window.training_views.flush()
    with qtbot.waitSignal(lessons.stepShown, timeout=STEP_TIMEOUT):
        lessons.panel.go_to(2)
    window.views_dock.raise_()
    lessons.retranslator.apply()  # the plots' new legends, as the retranslator's sweep finds them a moment later
    save(window, f"lesson_neuron_trained_{language}.png")

    window.show_node("neuron")
    for key in LENSES:
        dock: QDockWidget = lessons.lenses.open_lens(key)
        dock.setFloating(True)  # a lens on its own, at a size that shows all of it
        dock.resize(920, 300 if key == "timeline" else 560)
        lessons.retranslator.apply(dock)
        try:
            assert save(dock, f"lenses_{key}_{language}.png").stat().st_size > 10_000
        finally:
            dock.setFloating(False)
