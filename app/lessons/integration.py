"""The lessons in the main window: the Lessons and Lenses menus, View > Language, the start
page on first launch, and the lesson side panel that opens a lesson's project through
the window's normal open path and points at the control each step is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMenu, QScrollArea, QTabBar

from app import i18n
from app.canvas.view import READABLE_ZOOM
from app.i18n import LANGUAGES, Retranslator, current_language, stored_language, switch_language, tr
from app.lenses import LENSES
from app.lessons.catalogue import Lesson, load_lessons
from app.lessons.panel import LessonPanel
from app.lessons.start_page import StartPage
from app.lessons.targets import Target, TargetResolver, UnknownTarget, highlight
from graph_core.project import EXAMPLES_DIR, Example

if TYPE_CHECKING:
    from app.lessons.lens_docks import LensHub

START_PAGE_KEY = "lessons/show_start_page"
# A lesson's layout, as shares of the window's height: the views and lenses below the
# canvas get VIEWS_SHARE, more (up to VIEWS_MAX_SHARE) where the lens in front needs it
# to show without scrolling; the steps get STEPS_SHARE of the left column, the layers
# the rest. The canvas keeps over half the height, its network at a readable zoom.
LESSON_VIEWS_SHARE = 0.36
LESSON_VIEWS_MAX_SHARE = 0.46
LESSON_STEPS_SHARE = 0.62
LESSON_COLUMN_WIDTH = 270
WIDTH_SLACK = 64  # pixels: a lens is measured this much narrower than the canvas is now
LESSON_FIT_MARGIN = 30.0  # scene units around a lesson's network: room is short
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


def _needed_height(window, dock: QDockWidget) -> int:
    """The height `dock` needs below the canvas to show its view without scrolling, with
    the row of tabs above it."""
    content = dock.widget()
    if isinstance(content, QScrollArea):  # a lens
        content = content.widget()
    if content is None:
        return 0
    # Measured a little narrower than the canvas is now: the lesson's column may still
    # widen, and wrapped text needs more height in less width.
    width = window.canvas.width() - WIDTH_SLACK
    height = content.heightForWidth(width) if content.hasHeightForWidth() else -1
    if height < 0:
        height = content.minimumSizeHint().height()
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)  # the docks' tabs
    return height + max((bar.sizeHint().height() for bar in bars if bar.count()), default=0)


class LessonsController(QObject):
    """Everything the lessons add to one window. `start_page_on_launch` shows the start
    page when the window is first shown, if the settings still want it (the app passes
    True; tests build windows without it and call `show_start_page`). `stepShown(target)`
    once a step has pointed at its control (after the layout settled: the network fitted,
    the docks sized); the target is None when there is none to point at."""

    stepShown = Signal(object)

    def __init__(self, window, start_page_on_launch: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.lessons: list[Lesson] = load_lessons()
        self.by_key = {lesson.key: lesson for lesson in self.lessons}
        self.current: Lesson | None = None
        self.start_page: StartPage | None = None
        self._step_index: int | None = None  # the step shown, to know Next from Back
        self._opened_for_step: tuple[str, int] | None = None  # a step's project opens once
        self._chosen_lenses: set[str] = set()  # opened from the Lenses menu: no lesson puts them away
        self._fit_pending = False
        self._settle_timer = QTimer(self, singleShot=True, interval=0)
        self._settle_timer.timeout.connect(self._settle)
        # Made on first use, never before the window is first drawn: the lens hub brings
        # numpy and the views, the panel a dock (see `lenses`, `panel`, `lesson_dock`).
        self._lenses: LensHub | None = None
        self._panel: LessonPanel | None = None
        self._lesson_dock: QDockWidget | None = None
        self.resolver = TargetResolver(window, self.dock)
        self.retranslator = Retranslator(window)
        if PALETTE_SUMMARY_ROLE not in i18n.extra_item_roles:
            i18n.extra_item_roles.append(PALETTE_SUMMARY_ROLE)
        self.actions: dict[str, QAction] = {}
        self._build_actions()
        self._build_menus()
        # Every run is watched (diagnosis, timeline, generative views): the hub is made
        # when the first run starts, if no lens made it before.
        run_observers = getattr(window.training, "run_observers", None)
        if run_observers is not None:
            run_observers.append(lambda trainer, bundle: self.lenses.observers.watch(trainer, bundle))
        window.installEventFilter(self)
        self._start_page_pending = start_page_on_launch and wants_start_page(window.settings)
        self._painted = window.isVisible()  # usually built just after the window's first paint
        if self._painted:
            self._show_pending_start_page()
        language = stored_language(window.settings)
        if language != i18n.SOURCE_LANGUAGE or current_language() != language:
            self.set_language(language, remember=False)

    # ---- made on first use ------------------------------------------------------------------
    @property
    def lenses(self) -> LensHub:
        """The lens docks and what feeds them (made on first use)."""
        if self._lenses is None:
            from app.lessons.lens_docks import LensHub

            self._lenses = LensHub(self.window)
            self._lenses.nodeWanted.connect(self.window.show_node)
            self._lenses.lessonWanted.connect(self.open_lesson)
            self.window.actions["dark_theme"].toggled.connect(lambda _on: self._lenses.set_theme())
        return self._lenses

    @property
    def panel(self) -> LessonPanel:
        """The lesson's steps (made on first use, with their dock)."""
        self._ensure_panel()
        return self._panel

    @property
    def lesson_dock(self) -> QDockWidget:
        self._ensure_panel()
        return self._lesson_dock

    def _ensure_panel(self) -> None:
        if self._panel is not None:
            return
        self._panel = LessonPanel()
        self._panel.stepChanged.connect(self._enter_step)
        self._panel.showRequested.connect(lambda _index: self.point_at_step())
        self._panel.closeRequested.connect(self.close_lesson)
        window = self.window
        dock = window._dock(tr("Lesson"), "lesson_dock", self._panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.splitDockWidget(window.palette_dock, dock, Qt.Orientation.Vertical)
        window.restoreDockWidget(dock)  # where the user left it last time, if anywhere
        dock.hide()  # until a lesson opens: an empty panel teaches nothing
        dock.visibilityChanged.connect(self._sync_panel_action)
        self._lesson_dock = dock
        self.retranslator.apply(dock)

    def _toggle_panel(self, on: bool) -> None:
        if on:
            self.lesson_dock.show()
            self.lesson_dock.raise_()
        elif self._lesson_dock is not None:
            self._lesson_dock.hide()

    def _sync_panel_action(self, _visible: bool = False) -> None:
        action = self.actions["lessons_panel"]
        action.blockSignals(True)
        action.setChecked(self._lesson_dock is not None and not self._lesson_dock.isHidden())
        action.blockSignals(False)

    # ---- construction ---------------------------------------------------------------------
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
            lambda: self.lenses.find_lr(),
            tr("Sweep the learning rate on a copy of the network and suggest one"),
        )
        for key, (title, _factory) in LENSES.items():
            self._action(f"lenses_{key}", tr(title), lambda k=key: self._open_chosen_lens(k))
        panel = self._action("lessons_panel", tr("Lesson &Panel"), lambda: None, tr("Show or hide the lesson's steps"))
        panel.setCheckable(True)
        panel.toggled.connect(self._toggle_panel)

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
        self.lessons_menu.addAction(self.actions["lessons_panel"])
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
        self._arrange(self._show_lesson_docks(lesson))
        self._settle_soon(fit=True)
        self.panel.set_lesson(lesson)
        return True

    def _show_lesson_docks(self, lesson: Lesson) -> QDockWidget:
        """Show the steps, and the lesson's lenses below the canvas (the live views when
        it has none) in front; lenses and views an earlier lesson opened are put away.
        Returns the dock in front below the canvas."""
        if self._lenses is not None:
            for key, dock in self._lenses.docks.items():
                if key not in lesson.lenses and key not in self._chosen_lenses:
                    dock.hide()
        shown = [self.lenses.open_lens(key) for key in lesson.lenses]
        front = shown[0] if shown else self.window.views_dock
        front.show()
        front.raise_()
        self.lesson_dock.show()
        self.lesson_dock.raise_()
        return front

    def _arrange(self, front: QDockWidget) -> None:
        """Sizes for a lesson (see LESSON_VIEWS_SHARE): set on the dock in front of each
        tab group, the one the layout sizes its group by."""
        window = self.window
        height = window.height()
        wanted = _needed_height(window, front)
        below = min(max(int(height * LESSON_VIEWS_SHARE), wanted), int(height * LESSON_VIEWS_MAX_SHARE))
        steps = self.lesson_dock
        window.resizeDocks([steps], [LESSON_COLUMN_WIDTH], Qt.Orientation.Horizontal)
        column = window.statusBar().geometry().top() - window.canvas.geometry().top()
        docks, sizes = [steps], [int(column * LESSON_STEPS_SHARE)]
        if self._palette_above_steps():
            # Both sizes given: the layout would otherwise share out the difference.
            docks, sizes = [steps, window.palette_dock], [sizes[0], column - sizes[0]]
        window.resizeDocks(docks, sizes, Qt.Orientation.Vertical)
        window.resizeDocks([front], [below], Qt.Orientation.Vertical)

    def _palette_above_steps(self) -> bool:
        window, palette, steps = self.window, self.window.palette_dock, self.lesson_dock
        if not palette.isVisible() or palette.isFloating() or palette in window.tabifiedDockWidgets(steps):
            return False
        return window.dockWidgetArea(palette) == window.dockWidgetArea(steps)

    def _settle_soon(self, fit: bool = False) -> None:
        """Once the layout has taken the docks' new sizes (it does so on the next turn of
        the event loop): fit the network (if `fit`), then point at the step's control.
        Requests in one burst (a lesson opening, steps paged through) settle once."""
        self._fit_pending = self._fit_pending or fit
        self._settle_timer.start()

    def _settle(self) -> None:
        if self._fit_pending:
            self._fit_pending = False
            self.window.canvas.fit_all(READABLE_ZOOM, LESSON_FIT_MARGIN)
        self.point_at_step()

    def _open_chosen_lens(self, key: str) -> None:
        self._chosen_lenses.add(key)
        self.lenses.open_lens(key)

    def _open_project(self, file_name: str, lesson: Lesson) -> bool:
        path = EXAMPLES_DIR / file_name
        title = lesson.title.get(current_language())
        summary = lesson.summary.get(current_language())  # shown in the status bar as it opens
        return self.window.open_example(Example(Path(file_name).stem, title, summary, path))

    def close_lesson(self) -> None:
        self.current = None
        if self._lesson_dock is not None:
            self._lesson_dock.hide()

    def _enter_step(self, index: int) -> None:
        lesson = self.current
        if lesson is None:
            return
        previous = self._step_index
        if previous is not None and previous < index:
            self._capture(lesson.steps[previous])
        self._step_index = index
        step = lesson.steps[index]
        opened = False
        if step.open and self._opened_for_step != (lesson.key, index):
            self._opened_for_step = (lesson.key, index)
            opened = self._open_project(step.open, lesson)
        self._settle_soon(fit=opened)

    def _capture(self, step) -> None:
        """Keep a picture of the boundary a step produced, to compare with the next one."""
        views = self.window.training_views
        if step.capture != "boundary" or views is None or not views.boundary.isVisible():
            return
        self.panel.add_capture(tr("Kept for comparison: the boundary before this step"), views.boundary.grab())

    def point_at_step(self) -> Target | None:
        """Bring the control of the current step into view and make it pulse."""
        step = self.panel.step
        target = None
        try:
            target = self.resolver.resolve(step.target) if step is not None else None
        except UnknownTarget as error:
            self.window.show_message(str(error))
        if target is not None:
            highlight(target)
        self.stepShown.emit(target)
        return target

    # ---- the start page ---------------------------------------------------------------------------------
    def show_start_page(self) -> StartPage:
        if self.start_page is None:
            self.start_page = StartPage(self.lessons, self.window)
            self.start_page.lessonChosen.connect(self.open_lesson)
            self.start_page.dismissed.connect(self.hide_start_page)
            self.window.document.replaced.connect(self.hide_start_page)  # New, Open, an example
            self.start_page.show_at_startup.setChecked(_chose_start_page(self.window.settings))
            self.start_page.show_at_startup.toggled.connect(self._remember_start_page)
            self.retranslator.apply(self.start_page)
        self.start_page.show()
        self.start_page.raise_()
        self.start_page.setFocus()  # Tab goes through the lessons, Escape to the canvas
        return self.start_page

    def hide_start_page(self) -> None:
        if self.start_page is None or self.start_page.isHidden():
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
        if self._panel is not None:
            self._panel.retranslate()
        if self.start_page is not None:
            self.start_page.retranslate()
            self.retranslator.apply(self.start_page)
        self._title_lesson_actions()

    def _show_pending_start_page(self) -> None:
        """The start page is built once the window has been drawn: it never delays it."""
        if self._start_page_pending:
            self._start_page_pending = False
            QTimer.singleShot(0, self, self.show_start_page)

    # ---- the window -----------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window:
            if event.type() == QEvent.Type.Paint and not self._painted:
                self._painted = True
                self._show_pending_start_page()
            elif event.type() == QEvent.Type.Close and self._lenses is not None:
                self._lenses.stop()
        return False
