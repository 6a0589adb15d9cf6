"""The main window: palette, canvas, inspector, code, problems and history docks around
one document; menus, toolbar, shortcuts and status bar; opening, saving, recent files,
examples, crash recovery, themes, and the window layout remembered between runs.

Questions to the user (save changes? restore?) and error reports are attributes that
tests replace with plain functions, so nothing here needs a modal loop to be tested.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QUndoView,
    QWidget,
)

import graph_core
from app.canvas.view import CanvasView
from app.code_view import CodeView
from app.dialogs import prompts
from app.dialogs.shortcuts import ShortcutsDialog
from app.document import Document
from app.icons import icon
from app.inspector import InspectorWidget, format_count
from app.palette import PaletteWidget
from app.problems import ProblemsWidget
from app.recovery import Autosaver, RecoveryInfo, RecoveryStore, remove_quietly
from app.settings import AppSettings, default_data_dir
from app.theme import Theme, apply_theme, get_theme, set_style_property
from app.training.controller import TrainingController
from app.training.dock import CanvasBanner, TrainingActions, TrainingDock
from graph_core.project import Example, Project, ProjectError, list_examples, load_project, save_project

APP_NAME = "NeuroLoom"
# The live views and torch load this long after the window shows: the first paint never
# waits for them, and they are ready before anyone presses Train.
TORCH_WARM_UP_DELAY_MS = 400
PROJECT_SUFFIX = ".nlproj"
DEFAULT_SIZE = QSize(1400, 900)


class MainWindow(QMainWindow):
    """One document in one window."""

    def __init__(
        self,
        document: Document | None = None,
        settings: AppSettings | None = None,
        recovery_dir: str | Path | None = None,
        autosave_ms: int = 30_000,
        autosave_edits: int = 5,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else AppSettings()
        self.document = document if document is not None else Document.new()
        self.document.setParent(self)
        self._untitled_name = "Untitled"  # shown for an unsaved document (or an example's title)
        # Before any widget exists, so every widget is laid out with the theme's font.
        apply_theme(QApplication.instance(), get_theme(self.settings.theme))
        self._install_prompts()
        self._build_widgets()
        self._build_training()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect_document()
        self.recovery = Autosaver(
            self.document,
            RecoveryStore(Path(recovery_dir) if recovery_dir else default_data_dir() / "recovery"),
            interval_ms=autosave_ms,
            every_edits=autosave_edits,
            title=lambda: self.display_name,
        )
        self._theme_widgets(get_theme(self.settings.theme))
        self._restore_layout()
        self._update_title()
        self._update_status()
        self._build_lessons(start_page_on_launch=settings is None)

    # ----- injectable questions ---------------------------------------------------------
    def _install_prompts(self) -> None:
        self.confirm_discard: Callable[[str], str] = lambda name: prompts.ask_save_changes(self, name)
        self.report_error: Callable[[str, str], None] = lambda title, text: prompts.show_error(self, title, text)
        self.confirm_restore: Callable[[RecoveryInfo], bool] = lambda info: prompts.ask_restore(self, info)
        self.ask_open_path: Callable[[], str | None] = lambda: prompts.ask_open_path(self, self.settings.last_directory)
        self.ask_save_path: Callable[[str], str | None] = lambda suggested: prompts.ask_save_path(self, suggested)

    # ----- construction -------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.canvas = CanvasView(self.document)
        self.setCentralWidget(self.canvas)
        self.palette = PaletteWidget()
        self.inspector = InspectorWidget(self.document)
        self.code_view = CodeView(self.document)
        self.problems = ProblemsWidget(self.document)
        self.undo_view = QUndoView(self.document.undo_stack)
        self.undo_view.setEmptyLabel("Opened")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.GroupedDragging
        )
        self.setDocumentMode(True)
        self.setTabPosition(Qt.DockWidgetArea.BottomDockWidgetArea, QTabWidget.TabPosition.North)

    def _build_training(self) -> None:
        """The training controller, its actions and dock, and the canvas banner. The live
        views need pyqtgraph: they are built once torch is loaded, off the first paint."""
        self.training = TrainingController(self.document, self)
        self.training_actions = TrainingActions(self.training, self)
        self.training_panel = TrainingDock(self.document, self.training, self.training_actions)
        self.training_views: QWidget | None = None
        self._views_holder = QLabel("The live views appear here once training is ready.")
        self._views_holder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._views_holder.setProperty("role", "dim")
        self.canvas_banner = CanvasBanner(self.canvas, self.training)
        self.training.ready.connect(self._build_training_views)
        self.training.runStarted.connect(self._show_training_views)
        self.training.statusMessage.connect(self.show_message)
        self.training_panel.previewWanted.connect(self._add_data_preview)
        if self.training_panel.data_panel is not None:  # built already: torch was loaded
            self._add_data_preview(self.training_panel.data_panel)
        self._warm_up_timer = QTimer(self, singleShot=True, interval=TORCH_WARM_UP_DELAY_MS)
        self._warm_up_timer.timeout.connect(self._warm_up_training)
        self._warm_up_scheduled = False

    def _warm_up_training(self) -> None:
        """Soon after the first paint: the live views (pyqtgraph loads on this thread, in
        about a second, before anyone works) and torch in the background."""
        self._build_training_views()
        self.training.warm_up()

    def _build_training_views(self) -> None:
        if self.training_views is not None:
            return
        try:
            from app.training.views import TrainingViews
        except ImportError:  # the live views are still being built
            return
        self.training_views = TrainingViews(self.training, self.canvas)
        self.views_dock.setWidget(self.training_views)
        self._views_holder.deleteLater()

    def _add_data_preview(self, data_panel) -> None:
        try:
            from app.training.views import DataPreview
        except ImportError:
            return
        data_panel.set_preview(DataPreview(self.training))

    def _show_training_views(self, _info=None) -> None:
        self.views_dock.show()
        self.views_dock.raise_()

    def show_training_layout(self) -> None:
        """Arrange the window for watching a network learn: the training dock beside the
        canvas, the live views large below it, and the layer palette put away."""
        self.palette_dock.hide()
        for dock in (self.training_dock, self.views_dock):
            dock.show()
            dock.raise_()
        self.resizeDocks([self.training_dock], [360], Qt.Orientation.Horizontal)
        self.resizeDocks([self.views_dock], [int(self.height() * 0.46)], Qt.Orientation.Vertical)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState/restoreState key docks by object name
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        left, right, bottom = (
            Qt.DockWidgetArea.LeftDockWidgetArea,
            Qt.DockWidgetArea.RightDockWidgetArea,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        self.palette_dock = self._dock("Layers", "palette_dock", self.palette, left)
        self.inspector_dock = self._dock("Inspector", "inspector_dock", self.inspector, right)
        self.code_dock = self._dock("Code", "code_dock", self.code_view, bottom)
        self.problems_dock = self._dock("Problems", "problems_dock", self.problems, bottom)
        self.history_dock = self._dock("History", "history_dock", self.undo_view, bottom)
        self.training_dock = self._dock("Training", "training_dock", self.training_panel, right)
        self.views_dock = self._dock("Live Views", "training_views_dock", self._views_holder, bottom)
        self.tabifyDockWidget(self.code_dock, self.problems_dock)
        self.tabifyDockWidget(self.problems_dock, self.history_dock)
        self.tabifyDockWidget(self.history_dock, self.views_dock)
        self.tabifyDockWidget(self.inspector_dock, self.training_dock)
        for dock in (self.code_dock, self.problems_dock, self.history_dock, self.views_dock):
            dock.setTitleBarWidget(QWidget())  # their tabs name them; a title bar would repeat it
        self.code_dock.raise_()
        self.inspector_dock.raise_()
        if self.training.is_ready:  # torch was loaded before this window (another window, a test)
            self._build_training_views()

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable | None = None,
        keys: QKeySequence.StandardKey | str | list | None = None,
        icon_name: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        if keys is not None:
            sequences = keys if isinstance(keys, list) else [keys]
            action.setShortcuts([QKeySequence(k) for k in sequences])
        if icon_name:
            action.setIcon(icon(icon_name))
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = tip or text.replace("&", "").replace("…", "")
        action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        action.setStatusTip(tip)
        self.addAction(action)  # shortcuts work even when menus and toolbar are hidden
        self.actions[name] = action
        return action

    def _scope_to_canvas(self, *names: str) -> None:
        """Editing keys (Ctrl+C, Ctrl+A, Delete, ...) act on the canvas only while it has
        the focus; elsewhere they keep their meaning (copy code text, delete a digit).
        The menu entries and toolbar buttons work from anywhere."""
        for name in names:
            action = self.actions[name]
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.canvas.addAction(action)

    def _build_actions(self) -> None:
        self.actions: dict[str, QAction] = {}
        key = QKeySequence.StandardKey
        a = self._action
        a("new", "&New", self.new_document, key.New, "new", "New empty network")
        a("open", "&Open…", self.open_dialog, key.Open, "open", "Open a project")
        a("save", "&Save", self.save, key.Save, "save", "Save the project")
        a("save_as", "Save &As…", self.save_as, "Ctrl+Shift+S", "save_as", "Save the project under a new name")
        a("quit", "&Quit", self.close, key.Quit)
        self._build_undo_actions()
        a("cut", "Cu&t", self.cut, key.Cut, "cut", "Cut the selected nodes")
        a("copy", "&Copy", self.canvas.copy_selection, key.Copy, "copy", "Copy the selected nodes")
        a("paste", "&Paste", self.canvas.paste, key.Paste, "paste", "Paste nodes")
        a("duplicate", "&Duplicate", self.canvas.duplicate_selection, "Ctrl+D", "duplicate", "Duplicate the selection")
        a("delete", "De&lete", self.canvas.delete_selection, ["Delete", "Backspace"], "delete", "Delete the selection")
        a("select_all", "Select &All", self.canvas.select_all, key.SelectAll)
        self._scope_to_canvas("cut", "copy", "paste", "duplicate", "delete", "select_all")
        a("fit", "&Fit All", self.canvas.fit_all, "F", "fit", "Show the whole network")
        a("auto_layout", "&Auto-layout", self.canvas.auto_layout, "Ctrl+L", "layout", "Arrange left to right")
        snap = a("snap", "&Snap to Grid", None, None, "snap", "Snap moved nodes to the grid")
        snap.setCheckable(True)
        snap.setChecked(self.settings.snap_to_grid)
        snap.toggled.connect(self.set_snap_to_grid)
        self.set_snap_to_grid(snap.isChecked())
        dark = a("dark_theme", "&Dark Theme", None, "Ctrl+Shift+T", "theme", "Switch between light and dark")
        dark.setCheckable(True)
        dark.toggled.connect(lambda on: self.set_theme("dark" if on else "light"))
        for name, action in self.training_actions.actions.items():
            self.addAction(action)
            self.actions[f"training_{name}"] = action
        a(
            "training_layout",
            "Training &Layout",
            self.show_training_layout,
            None,
            None,
            "Arrange the window for training",
        )
        a("shortcuts", "&Keyboard Shortcuts", self.show_shortcuts, "Ctrl+/", "keyboard")
        a("about", f"&About {APP_NAME}", self.show_about, None, "info")

    def _build_undo_actions(self) -> None:
        stack = self.document.undo_stack
        for name, make, keys, icon_name in (
            ("undo", stack.createUndoAction, [QKeySequence.StandardKey.Undo], "undo"),
            ("redo", stack.createRedoAction, ["Ctrl+Shift+Z", "Ctrl+Y"], "redo"),
        ):
            action = make(self)
            action.setObjectName(name)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setIcon(icon(icon_name))
            self.addAction(action)
            self.actions[name] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.actions["new"], self.actions["open"]])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.refresh_recent_menu)
        self.examples_menu = file_menu.addMenu("&Examples")
        self._fill_examples_menu()
        file_menu.addSeparator()
        file_menu.addActions([self.actions["save"], self.actions["save_as"]])
        self._build_export_import(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.actions["quit"])
        edit = bar.addMenu("&Edit")
        edit.addActions([self.actions["undo"], self.actions["redo"]])
        edit.addSeparator()
        edit.addActions([self.actions[n] for n in ("cut", "copy", "paste", "duplicate", "delete")])
        edit.addSeparator()
        edit.addAction(self.actions["select_all"])
        view = bar.addMenu("&View")
        view.addActions([self.actions[n] for n in ("fit", "auto_layout", "snap")])
        view.addSeparator()
        view.addAction(self.actions["dark_theme"])
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in self._docks():
            panels.addAction(dock.toggleViewAction())
        train = bar.addMenu("T&rain")
        train.addActions([self.actions[f"training_{n}"] for n in ("train", "pause", "step", "stop")])
        train.addSeparator()
        train.addActions([self.actions["training_continue"], self.actions["training_reset"]])
        train.addSeparator()
        train.addAction(self.actions["training_layout"])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.actions["shortcuts"], self.actions["about"]])

    def _build_export_import(self, file_menu: QMenu) -> None:
        """File > Export… (Ctrl+E) and File > Import. The dialogs load torch when first
        opened, not with the window."""

        def export() -> None:
            from app.dialogs.export_dialog import show_export_dialog

            show_export_dialog(self)

        def import_weights() -> None:
            from app.dialogs.import_dialog import show_import_weights_dialog

            show_import_weights_dialog(self)

        def import_module() -> None:
            from app.dialogs.import_dialog import show_import_module_dialog

            show_import_module_dialog(self)

        a = self._action
        a("export", "&Export…", export, "Ctrl+E", None, "Export the network as files other tools load, each verified")
        a("import_weights", "&Weights…", import_weights, None, None, "Load weights from safetensors or a state dict")
        a("import_module", "PyTorch &Module…", import_module, None, None, "Trace a PyTorch nn.Module onto a new canvas")
        file_menu.addSeparator()
        file_menu.addAction(self.actions["export"])
        import_menu = file_menu.addMenu("&Import")
        import_menu.addActions([self.actions["import_weights"], self.actions["import_module"]])

    def _fill_examples_menu(self) -> None:
        for example in list_examples():
            action = self.examples_menu.addAction(example.title)
            action.setToolTip(example.description)
            action.setStatusTip(example.description)
            action.triggered.connect(lambda _checked=False, e=example: self.open_example(e))
        self.examples_menu.setToolTipsVisible(True)

    def refresh_recent_menu(self) -> None:
        """Rebuild Open Recent from the settings (runs each time the menu opens)."""
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for number, path in enumerate(recent, start=1):
            shown = Path(path)
            action = self.recent_menu.addAction(f"&{number % 10}  {shown.name}   —   {shown.parent}")
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear Recent", self.settings.clear_recent_files)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main toolbar", self)
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(20, 20))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        groups = (
            ("new", "open", "save"),
            ("undo", "redo"),
            ("cut", "copy", "paste", "duplicate", "delete"),
            ("fit", "auto_layout", "snap"),
            ("training_train", "training_pause", "training_step", "training_stop", "training_reset"),
            ("dark_theme",),
        )
        for index, group in enumerate(groups):
            if index:
                bar.addSeparator()
            bar.addActions([self.actions[name] for name in group])
        self.toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.validity_label = QLabel()
        self.nodes_label = QLabel()
        self.params_label = QLabel()
        for label in (self.nodes_label, self.params_label, self.validity_label):
            status.addPermanentWidget(label)

    def _build_lessons(self, start_page_on_launch: bool) -> None:
        """Lessons, lenses, the language menu and the start page (`app.lessons`) are built
        just after the first paint (or when first asked for), so they never delay it; in
        a language other than English at once, so the first paint is in that language.
        The start page opens on first launch only with the user's own settings, never in
        tests."""
        self._lessons = None
        self._lessons_start_page = start_page_on_launch
        self._lessons_scheduled = False
        if self.settings.language != "en":
            self._lessons_scheduled = True
            _ = self.lessons

    @property
    def lessons(self):
        """The window's `LessonsController` (made on first use)."""
        if self._lessons is None:
            from app.lessons.integration import LessonsController

            self._lessons = LessonsController(self, self._lessons_start_page)
        return self._lessons

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._lessons_scheduled:
            self._lessons_scheduled = True
            QTimer.singleShot(0, self, lambda: self.lessons)

    def _docks(self) -> list[QDockWidget]:
        return [
            self.palette_dock,
            self.inspector_dock,
            self.training_dock,
            self.code_dock,
            self.problems_dock,
            self.history_dock,
            self.views_dock,
        ]

    def _connect_document(self) -> None:
        doc = self.document
        doc.dirtyChanged.connect(self._update_title)
        doc.pathChanged.connect(self._update_title)
        doc.graphChanged.connect(self._update_status)
        doc.analysisChanged.connect(self._update_status)
        self.canvas.selectionChangedIds.connect(self.inspector.set_selection)
        self.canvas.statusMessage.connect(self.show_message)
        self.palette.addRequested.connect(self.add_layer)
        self.problems.nodeActivated.connect(self.show_node)
        self.problems.countsChanged.connect(self._update_problems_title)
        self.code_view.copied.connect(lambda: self.show_message("Code copied to the clipboard"))
        self._update_problems_title(*_counts(doc.analysis.diagnostics))

    # ----- title and status -----------------------------------------------------------------
    @property
    def display_name(self) -> str:
        return self.document.path.name if self.document.path else self._untitled_name

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(f"{self.display_name}[*] — {APP_NAME}")
        self.setWindowModified(self.document.dirty)

    def _update_status(self, *_args) -> None:
        analysis = self.document.analysis
        graph = self.document.graph
        nodes = len(graph)
        self.nodes_label.setText(f"{nodes} node{'s' * (nodes != 1)} · {len(graph.edges())} edges")
        self.params_label.setText(f"{format_count(analysis.total_params)} parameters")
        errors, warnings = _counts(analysis.diagnostics)
        if errors:
            text, role = f"✗ {errors} error{'s' * (errors != 1)}", "error"
        elif warnings:
            text, role = f"⚠ {warnings} warning{'s' * (warnings != 1)}", "warning"
        else:
            text, role = "✓ Valid", "ok"
        self.validity_label.setText(text)
        set_style_property(self.validity_label, "role", role)

    def _update_problems_title(self, errors: int, warnings: int) -> None:
        total = errors + warnings
        self.problems_dock.setWindowTitle(f"Problems ({total})" if total else "Problems")

    def show_message(self, text: str, timeout_ms: int = 4000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # ----- editing --------------------------------------------------------------------------
    def add_layer(self, type_name: str) -> str | None:
        """Add a `type_name` node in the middle of the visible canvas, below any node
        already there (so adding several in a row never stacks them); returns its id."""
        scene = self.canvas.scene()
        pos = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        for _ in range(50):
            if scene.node_at(pos) is None:
                break
            pos += QPointF(0, 40)
        node_id = self.canvas.add_node_at(type_name, pos)
        if node_id:
            self.canvas.setFocus()  # so Delete, arrows and Tab act on the new node
        return node_id

    def cut(self) -> None:
        if not self.canvas.selected_node_ids():
            return
        self.canvas.copy_selection()
        self.canvas.delete_selection()

    def show_node(self, node_id: str) -> None:
        """Select `node_id` on the canvas and bring it into view."""
        self.canvas.select_nodes([node_id])
        self.canvas.center_on_node(node_id)

    def set_snap_to_grid(self, on: bool) -> None:
        self.canvas.set_snap_to_grid(on)
        self.settings.snap_to_grid = on

    # ----- files ----------------------------------------------------------------------------
    def maybe_discard_changes(self) -> bool:
        """True when the current document may be replaced: it has no unsaved changes,
        the user saved them, or chose to discard them."""
        if not self.document.dirty:
            return True
        answer = self.confirm_discard(self.display_name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_document(self) -> bool:
        if not self.maybe_discard_changes():
            return False
        self._load(Project(), None, "Untitled")
        self.show_message("New network")
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_discard_changes():
            return False
        path = self.ask_open_path()
        return self.open_file(path, ask=False) if path else False

    def open_file(self, path: str | Path, ask: bool = True) -> bool:
        """Open the project at `path`. A file that cannot be used is reported and the
        current document stays as it was."""
        if ask and not self.maybe_discard_changes():
            return False
        try:
            project = load_project(path)
        except ProjectError as error:
            self.report_error("Cannot open project", f"{Path(path).name} cannot be opened.\n{_problems_text(error)}")
            if not Path(path).exists():
                self.settings.remove_recent_file(str(Path(path).resolve()))
            return False
        self._load(project, Path(path), None)
        self._remember_file(path)
        self.show_message(f"Opened {Path(path).name}")
        return True

    def open_example(self, example: Example) -> bool:
        """Open a built-in example as a new, unsaved document (the shipped file stays
        untouched: saving asks for a place of the user's own)."""
        if not self.maybe_discard_changes():
            return False
        try:
            project = load_project(example.path)
        except ProjectError as error:
            self.report_error("Cannot open example", _problems_text(error))
            return False
        self._load(project, None, example.title)
        self.show_message(example.description or example.title, 8000)
        return True

    def open_unsaved_project(self, project: Project, title: str) -> bool:
        """Open `project` (e.g. an imported network) as a new document with unsaved
        changes, called `title`; saving asks where. False when the user keeps the
        current document."""
        if not self.maybe_discard_changes():
            return False
        self._load(project, None, title)
        self.document.mark_modified()
        self.show_message(f"Opened {title}")
        return True

    def _load(self, project, path: Path | None, untitled_name: str | None) -> None:
        self._untitled_name = untitled_name or "Untitled"
        self.document.replace(project, path)
        self.recovery.discard()
        self._update_title()

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            suggested = Path(self.settings.last_directory) / _file_name_for(self.display_name)
            path = self.ask_save_path(str(suggested))
            if not path:
                return False
        path = Path(path)
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        return self._write(path)

    def _write(self, path: Path) -> bool:
        try:
            save_project(self.document.to_project(), path)
        except OSError as error:
            self.report_error("Cannot save project", f"{path} could not be written.\n{error.strerror or error}")
            return False
        self.document.mark_saved(path)
        self._remember_file(path)
        self.show_message(f"Saved {path.name}")
        return True

    def _remember_file(self, path: str | Path) -> None:
        self.settings.add_recent_file(path)
        self.settings.last_directory = str(Path(path).resolve().parent)

    # ----- recovery ---------------------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """If a session ended without cleaning up its recovery copy, offer to restore the
        newest one. Returns True when it was restored."""
        pending = self.recovery.store.pending()
        if not pending:
            return False
        info = pending[0]
        restored = False
        if self.confirm_restore(info):
            try:
                project = info.load()
            except ProjectError as error:
                self.report_error("Cannot restore", _problems_text(error))
            else:
                self._load(project, Path(info.original) if info.original else None, info.title)
                self.document.mark_modified()
                self.show_message(f"Restored unsaved changes of {info.title}")
                restored = True
        remove_quietly(info.file)
        return restored

    # ----- appearance and layout ---------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Switch the whole app to the light or dark theme, and remember the choice."""
        theme = get_theme(name)
        apply_theme(QApplication.instance(), theme)
        self._theme_widgets(theme)
        self.settings.theme = theme.name

    def _theme_widgets(self, theme: Theme) -> None:
        """What the application palette and stylesheet do not reach."""
        self.canvas.set_theme(theme.canvas)
        self.code_view.set_theme(theme)
        self.problems.refresh(force=True)
        self.inspector.refresh()
        self._update_status()
        dark = self.actions["dark_theme"]
        if dark.isChecked() != theme.dark:
            dark.blockSignals(True)
            dark.setChecked(theme.dark)
            dark.blockSignals(False)

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        state = self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        if state is None or not self.restoreState(state):
            self._default_dock_sizes()

    def _default_geometry(self) -> None:
        screen = QApplication.primaryScreen()
        size = DEFAULT_SIZE
        if screen is not None:
            available = screen.availableGeometry().size()
            size = size.boundedTo(QSize(int(available.width() * 0.92), int(available.height() * 0.92)))
        self.resize(size)

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.palette_dock, self.inspector_dock], [232, 300], Qt.Orientation.Horizontal)
        self.resizeDocks([self.code_dock], [int(self.height() * 0.27)], Qt.Orientation.Vertical)

    def save_layout(self) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.sync()

    # ----- help ----------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.actions.values(), self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {html.escape(graph_core.__version__)}</h3>"
            "<p>Design neural networks by hand: wire layers on a canvas, watch shapes flow, "
            "and take the PyTorch code with you.</p>",
        )

    # ----- closing ----------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_discard_changes():
            event.ignore()
            return
        self.save_layout()
        self.recovery.close()
        self._warm_up_timer.stop()  # closed before torch began loading: never begin
        self.training.shutdown()
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._warm_up_scheduled:
            self._warm_up_scheduled = True
            self._warm_up_timer.start()


def _counts(diagnostics) -> tuple[int, int]:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return errors, len(diagnostics) - errors


def _problems_text(error: ProjectError) -> str:
    return "\n".join(error.problems) if getattr(error, "problems", None) else str(error)


def _file_name_for(name: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in Path(name).stem).strip() or "network"
    return stem.replace(" ", "_").lower() + PROJECT_SUFFIX
