"""The lessons in the main window: the Lessons and Lenses menus, View > Language, the start
page on first launch, and the lesson side panel that opens a lesson's project through
the window's normal open path and points at the control each step is about.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMenu

from app import i18n
from app.i18n import LANGUAGES, Retranslator, current_language, stored_language, switch_language, tr
from app.lenses import LENSES
from app.lessons.catalogue import Lesson, load_lessons
from app.lessons.lens_docks import LensHub
from app.lessons.panel import LessonPanel
from app.lessons.start_page import StartPage
from app.lessons.targets import Target, TargetResolver, UnknownTarget, highlight
from graph_core.project import EXAMPLES_DIR, Example

START_PAGE_KEY = "lessons/show_start_page"
# The palette keeps each layer's one-line summary in this item role (app.palette).
PALETTE_SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2


def _menu_text(number: int, title: str) -> str:
    """'&1  The neuron' ... '&C  GAN': a key for each of the first 35 lessons."""
    mnemonic = str(number) if number < 10 else chr(ord("A") + number - 10)
    return f"&{mnemonic}  {title}"


def wants_start_page(settings) -> bool:
    """Whether the start page opens at launch: on the first one, then as the user chose
    with "Show this page at startup" (off unless ticked)."""
    value = settings._s.value(START_PAGE_KEY, True)  # AppSettings keeps its QSettings there
    return value in (True, "true", "1", 1)


def _chose_start_page(settings) -> bool:
    return settings._s.contains(START_PAGE_KEY) and wants_start_page(settings)


class LessonsController(QObject):
    """Everything the lessons add to one window. `start_page_on_launch` shows the start
    page when the window is first shown, if the settings still want it (the app passes
    True; tests build windows without it and call `show_start_page`)."""

    def __init__(self, window, start_page_on_launch: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.lessons: list[Lesson] = load_lessons()
        self.by_key = {lesson.key: lesson for lesson in self.lessons}
        self.current: Lesson | None = None
        self.start_page: StartPage | None = None
        self._step_index: int | None = None  # the step shown, to know Next from Back
        self._opened_for_step: tuple[str, int] | None = None  # a step's project opens once
        self.lenses = LensHub(window)
        self.resolver = TargetResolver(window, self.dock)
        self.retranslator = Retranslator(window)
        if PALETTE_SUMMARY_ROLE not in i18n.extra_item_roles:
            i18n.extra_item_roles.append(PALETTE_SUMMARY_ROLE)
        self.actions: dict[str, QAction] = {}
        self._build_panel()
        self._build_actions()
        self._build_menus()
        self.lenses.nodeWanted.connect(window.show_node)
        self.lenses.lessonWanted.connect(self.open_lesson)
        window.actions["dark_theme"].toggled.connect(lambda _on: self.lenses.set_theme())
        window.installEventFilter(self)
        self._start_page_pending = start_page_on_launch and wants_start_page(window.settings)
        language = stored_language(window.settings)
        if language != i18n.SOURCE_LANGUAGE or current_language() != language:
            self.set_language(language, remember=False)

    # ---- construction ---------------------------------------------------------------------
    def _build_panel(self) -> None:
        self.panel = LessonPanel()
        self.panel.stepChanged.connect(self._enter_step)
        self.panel.showRequested.connect(lambda _index: self.point_at_step())
        self.panel.closeRequested.connect(self.close_lesson)
        window = self.window
        self.lesson_dock = window._dock(tr("Lesson"), "lesson_dock", self.panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.splitDockWidget(window.palette_dock, self.lesson_dock, Qt.Orientation.Vertical)
        if not window.restoreDockWidget(self.lesson_dock):  # where the user left it last time
            self.lesson_dock.hide()

    def _action(self, name: str, text: str, slot, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setStatusTip(tip or text.replace("&", "").replace("…", ""))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        self.window.actions[name] = action  # so lessons and shortcuts can name it
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        self._action("lessons_start_page", tr("&Start Page"), self.show_start_page, tr("Show the lessons"))
        self._action(
            "lessons_find_lr",
            tr("&Find Learning Rate…"),
            self.lenses.find_lr,
            tr("Sweep the learning rate on a copy of the network and suggest one"),
        )
        for key, (title, _factory) in LENSES.items():
            self._action(f"lenses_{key}", tr(title), lambda k=key: self.lenses.open_lens(k))

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        help_action = bar.actions()[-1]  # lessons and lenses go just before Help
        self.lessons_menu = QMenu(tr("&Lessons"), bar)
        for number, lesson in enumerate(self.lessons, start=1):
            action = self.lessons_menu.addAction(_menu_text(number, lesson.title.get("en")))
            action.setData(lesson.key)
            action.triggered.connect(lambda _checked=False, key=lesson.key: self.open_lesson(key))
        self.lessons_menu.addSeparator()
        self.lessons_menu.addAction(self.actions["lessons_start_page"])
        self.lessons_menu.addAction(self.lesson_dock.toggleViewAction())
        self.lessons_menu.aboutToShow.connect(self._title_lesson_actions)
        bar.insertMenu(help_action, self.lessons_menu)
        self.lenses_menu = QMenu(tr("Le&nses"), bar)
        self.lenses_menu.addActions([self.actions[f"lenses_{key}"] for key in LENSES])
        self.lenses_menu.addSeparator()
        self.lenses_menu.addAction(self.actions["lessons_find_lr"])
        bar.insertMenu(help_action, self.lenses_menu)
        self._build_language_menu()
        help_action.menu().insertAction(help_action.menu().actions()[0], self.actions["lessons_start_page"])

    def _build_language_menu(self) -> None:
        view = next(a.menu() for a in self.window.menuBar().actions() if a.text() == "&View")
        view.addSeparator()
        self.language_menu = view.addMenu(tr("&Language"))
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = self.language_menu.addAction(name)  # each language says its own name
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.setObjectName(f"language_{code}")
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_actions[code] = action

    def _title_lesson_actions(self) -> None:
        language = current_language()
        for action in self.lessons_menu.actions():
            key = action.data()
            if key in self.by_key:
                number = self.lessons.index(self.by_key[key]) + 1
                action.setText(_menu_text(number, self.by_key[key].title.get(language)))

    # ---- docks ------------------------------------------------------------------------------------
    def dock(self, name: str) -> QDockWidget | None:
        """A dock the lessons know by name: the lesson panel, a lens, a generative view."""
        if name == "lesson":
            self.lesson_dock.show()
            return self.lesson_dock
        return self.lenses.dock(name)

    # ---- lessons --------------------------------------------------------------------------------------
    def open_lesson(self, key: str) -> bool:
        """Open the lesson's project (as the window opens examples) and its side panel."""
        lesson = self.by_key.get(key)
        if lesson is None or not self._open_project(lesson.project, lesson):
            return False
        self.hide_start_page()
        self.current = lesson
        self._step_index, self._opened_for_step = None, None
        for lens in lesson.lenses:
            self.lenses.open_lens(lens)
        self.lesson_dock.show()
        self.lesson_dock.raise_()
        # The steps get most of the left column; the layers stay above them.
        self.window.resizeDocks([self.lesson_dock], [int(self.window.height() * 0.6)], Qt.Orientation.Vertical)
        self.window.resizeDocks([self.lesson_dock], [270], Qt.Orientation.Horizontal)
        self.panel.set_lesson(lesson)
        return True

    def _open_project(self, file_name: str, lesson: Lesson) -> bool:
        path = EXAMPLES_DIR / file_name
        title = lesson.title.get(current_language())
        return self.window.open_example(Example(Path(file_name).stem, title, lesson.summary.get("en"), path))

    def close_lesson(self) -> None:
        self.current = None
        self.lesson_dock.hide()

    def _enter_step(self, index: int) -> None:
        lesson = self.current
        if lesson is None:
            return
        previous = self._step_index
        if previous is not None and previous < index:
            self._capture(lesson.steps[previous])
        self._step_index = index
        step = lesson.steps[index]
        if step.open and self._opened_for_step != (lesson.key, index):
            self._opened_for_step = (lesson.key, index)
            self._open_project(step.open, lesson)
        QTimer.singleShot(0, self.point_at_step)

    def _capture(self, step) -> None:
        """Keep a picture of the boundary a step produced, to compare with the next one."""
        views = self.window.training_views
        if step.capture != "boundary" or views is None or not views.boundary.isVisible():
            return
        self.panel.add_capture(tr("Kept for comparison: the boundary before this step"), views.boundary.grab())

    def point_at_step(self) -> Target | None:
        """Bring the control of the current step into view and make it pulse."""
        step = self.panel.step
        if step is None:
            return None
        try:
            target = self.resolver.resolve(step.target)
        except UnknownTarget as error:
            self.window.show_message(str(error))
            return None
        highlight(target)
        return target

    # ---- the start page ---------------------------------------------------------------------------------
    def show_start_page(self) -> StartPage:
        if self.start_page is None:
            self.start_page = StartPage(self.lessons, self.window.canvas)
            self.start_page.lessonChosen.connect(self.open_lesson)
            self.start_page.dismissed.connect(self.hide_start_page)
            self.start_page.show_at_startup.setChecked(_chose_start_page(self.window.settings))
            self.start_page.show_at_startup.toggled.connect(self._remember_start_page)
            self.retranslator.apply(self.start_page)
        self.start_page.show()
        self.start_page.raise_()
        return self.start_page

    def hide_start_page(self) -> None:
        if self.start_page is None:
            return
        self._remember_start_page(self.start_page.show_at_startup.isChecked())
        self.start_page.hide()

    def _remember_start_page(self, on: bool) -> None:
        self.window.settings._s.setValue(START_PAGE_KEY, bool(on))

    # ---- language -------------------------------------------------------------------------------------------
    def set_language(self, language: str, remember: bool = True) -> None:
        """Switch every text of the window to `language` (and remember it)."""
        switch_language(self.retranslator, language, self.window.settings if remember else None)
        for code, action in self.language_actions.items():
            action.setChecked(code == language)
        self.panel.retranslate()
        if self.start_page is not None:
            self.start_page.retranslate()
            self.retranslator.apply(self.start_page)
        self._title_lesson_actions()

    # ---- the window -----------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window:
            if event.type() == QEvent.Type.Show and self._start_page_pending:
                self._start_page_pending = False
                QTimer.singleShot(0, self.show_start_page)
            elif event.type() == QEvent.Type.Close:
                self.lenses.stop()
        return False
