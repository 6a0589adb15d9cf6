"""The training dock: Train, Pause/Resume, Step, Stop and Reset; progress with epoch,
step, speed and time left; what stops training explained before it starts; and the
data and settings of the project. Also the actions for menus and the canvas banner.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.icons import _PainterIconEngine, _path
from app.theme import set_style_property
from app.training.controller import (
    FINISHED,
    IDLE,
    PAUSED,
    RUNNING,
    STOPPING,
    Check,
    Progress,
    RunResult,
    TrainingController,
    finished_summary,
)


# ---- icons: drawn like the app's own (app.icons), on a 24-unit grid ------------------------------------------
def _play(p: QPainter) -> None:
    p.drawPath(_path((8, 5), (19, 12), (8, 19), (8, 5)))


def _pause(p: QPainter) -> None:
    p.drawLine(QPointF(9, 5), QPointF(9, 19))
    p.drawLine(QPointF(15, 5), QPointF(15, 19))


def _step(p: QPainter) -> None:
    p.drawPath(_path((6, 6), (15, 12), (6, 18), (6, 6)))
    p.drawLine(QPointF(18.5, 6), QPointF(18.5, 18))


def _stop(p: QPainter) -> None:
    p.drawRoundedRect(6, 6, 12, 12, 1.5, 1.5)


def _reset(p: QPainter) -> None:
    p.drawArc(5, 5, 14, 14, 90 * 16, 300 * 16)
    p.drawPath(_path((12, 2.5), (12, 5), (9.5, 5)))
    p.drawPath(_path((9, 2), (12, 5), (9, 8)))


def _continue(p: QPainter) -> None:
    p.drawPath(_path((4, 6), (11, 12), (4, 18), (4, 6)))
    p.drawPath(_path((12, 6), (19, 12), (12, 18), (12, 6)))


_DRAWINGS = {
    "train": _play,
    "pause": _pause,
    "resume": _play,
    "step": _step,
    "stop": _stop,
    "reset": _reset,
    "continue": _continue,
}


def training_icon(name: str, colour: str | None = None) -> QIcon:
    return QIcon(_PainterIconEngine(_DRAWINGS[name], colour))


# ---- actions ----------------------------------------------------------------------------------------------
ACTION_SPECS: tuple[tuple[str, str, str | None, str], ...] = (
    ("train", "&Train", "F5", "Train the network from fresh weights"),
    ("pause", "&Pause", "F6", "Pause or resume training"),
    ("step", "&Step", "F10", "Train one batch"),
    ("stop", "St&op", "Shift+F5", "Stop training (the weights stay)"),
    ("reset", "&Reset Weights", "Ctrl+Shift+R", "Forget what the network learned"),
    (
        "continue",
        "&Continue Training",
        "Ctrl+F5",
        "Go on training the edited network; unchanged nodes keep their weights",
    ),
)


class TrainingActions(QObject):
    """The training commands as actions (menus, toolbar, dock buttons), enabled and
    named according to the controller's state."""

    def __init__(self, controller: TrainingController, parent: QWidget) -> None:
        super().__init__(parent)
        self.controller = controller
        self.actions: dict[str, QAction] = {}
        slots: dict[str, Callable[[], object]] = {
            "train": controller.start,
            "pause": controller.toggle_pause,
            "step": controller.step_once,
            "stop": controller.stop,
            "reset": controller.reset_weights,
            "continue": controller.continue_after_edit,
        }
        for name, text, keys, tip in ACTION_SPECS:
            action = QAction(training_icon(name), text, parent)
            action.setObjectName(f"training_{name}")
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, slot=slots[name]: slot())
            self.actions[name] = action
        controller.stateChanged.connect(self.update)
        controller.editedChanged.connect(self.update)
        self.update()

    def __getitem__(self, name: str) -> QAction:
        return self.actions[name]

    def update(self, *_args) -> None:
        state = self.controller.state
        busy = self.controller.is_busy()
        has_model = self.controller.has_model()
        a = self.actions
        a["train"].setEnabled(not busy)
        a["pause"].setEnabled(state in (RUNNING, PAUSED))
        paused = state == PAUSED
        a["pause"].setText("&Resume" if paused else "&Pause")
        a["pause"].setIcon(training_icon("resume" if paused else "pause"))
        a["step"].setEnabled(state != STOPPING)
        a["stop"].setEnabled(state in (RUNNING, PAUSED))
        a["reset"].setEnabled(state != STOPPING)
        a["continue"].setEnabled(
            has_model and state in (PAUSED, FINISHED, IDLE) and (self.controller.edited or not paused)
        )
        for action in a.values():
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            text = action.text().replace("&", "")
            action.setToolTip(f"{text} ({shortcut})" if shortcut else text)


# ---- the dock ------------------------------------------------------------------------------------------------
PROGRESS_MS = 120


def _label(text: str = "", role: str | None = None, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    return label


def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_rate(samples_per_sec: float) -> str:
    if samples_per_sec >= 1_000_000:
        return f"{samples_per_sec / 1e6:.1f}M samples/s"
    if samples_per_sec >= 10_000:
        return f"{samples_per_sec / 1000:,.0f}k samples/s"
    return f"{samples_per_sec:,.0f} samples/s"


class TrainingDock(QWidget):
    """Controls, progress and the project's data and training settings."""

    previewWanted = Signal(object)  # the DataPanel, once built: a place for a data preview

    def __init__(self, document, controller: TrainingController, actions: TrainingActions, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("training_dock_widget")
        self.document = document
        self.controller = controller
        self.actions = actions
        self.data_panel = None
        self.settings_panel = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        layout.addLayout(self._build_buttons())
        self._build_progress(layout)
        self._build_messages(layout)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._placeholder = _label("Loading PyTorch…", "dim")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tabs.addTab(self._placeholder, "Data")
        layout.addWidget(self.tabs, 1)
        self._connect()
        if controller.is_ready:
            self._build_panels()
        self._on_state(controller.state)

    # ---- construction -------------------------------------------------------------------------------------
    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for name in ("train", "pause", "step", "stop", "reset"):
            button = QToolButton()
            button.setDefaultAction(self.actions[name])
            # The two main commands say their name; the rest keep the dock narrow.
            with_text = name in ("train", "pause")
            style = Qt.ToolButtonStyle.ToolButtonTextBesideIcon if with_text else Qt.ToolButtonStyle.ToolButtonIconOnly
            button.setToolButtonStyle(style)
            button.setObjectName(f"{name}_button")
            row.addWidget(button)
            self.buttons[name] = button
        # Train is the one thing to do here: it stands out while it can be pressed.
        self.buttons["train"].setStyleSheet(
            "QToolButton:enabled { background: palette(highlight); color: palette(highlighted-text);"
            " border-color: palette(highlight); padding: 4px 10px 4px 6px; }"
        )
        row.addStretch(1)
        return row

    def _build_progress(self, layout: QVBoxLayout) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        self.progress_label = _label("", "dim", wrap=False)
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # A progress bar repaints at once on each new value: show the newest ~8 a second.
        self._progress: Progress | None = None
        self._progress_timer = QTimer(self, singleShot=True, interval=PROGRESS_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)

    def _build_messages(self, layout: QVBoxLayout) -> None:
        self.status = _label()
        self.status.hide()
        self._showing_error = False
        layout.addWidget(self.status)
        self.edit_banner = EditBanner(self.controller)
        layout.addWidget(self.edit_banner)
        self.check_box = QFrame()
        self.check_box.setProperty("role", "card")
        check_layout = QVBoxLayout(self.check_box)
        check_layout.setContentsMargins(10, 8, 10, 8)
        self.check_label = _label()
        self.fix_button = QPushButton()
        self.fix_button.clicked.connect(self.apply_input_fix)
        check_layout.addWidget(self.check_label)
        check_layout.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.check_box.hide()
        layout.addWidget(self.check_box)
        self._fix: tuple[str, list[int]] | None = None

    def _build_panels(self) -> None:
        """Data and settings need the engine's tables: built once torch is loaded."""
        if self.controller.state == IDLE:  # it said "Loading PyTorch…" until now
            self.progress_label.setText("Ready to train")
        if self.data_panel is not None:
            return
        from app.training.data_panel import DataPanel
        from app.training.settings_panel import TrainingSettingsPanel

        self.data_panel = DataPanel(self.document)
        self.settings_panel = TrainingSettingsPanel(self.document)
        self.data_panel.changed.connect(self._on_settings_changed)
        self.settings_panel.changed.connect(self._on_settings_changed)
        self.tabs.clear()
        self._placeholder.deleteLater()
        self.tabs.addTab(_scrolled(self.data_panel), "Data")
        self.tabs.addTab(_scrolled(self.settings_panel), "Settings")
        self._set_locked(self.controller.is_busy())
        if self.controller.data_error:
            self.data_panel.show_error(self.controller.data_error)
        self.previewWanted.emit(self.data_panel)
        self.refresh_check()

    def _connect(self) -> None:
        c = self.controller
        c.ready.connect(self._build_panels)
        c.stateChanged.connect(self._on_state)
        c.progressChanged.connect(self._on_progress)
        c.errorOccurred.connect(self.show_error)
        c.runStarted.connect(self._on_run_started)
        c.runContinued.connect(self._on_run_continued)
        c.runFinished.connect(self._on_run_finished)
        c.dataReady.connect(self._on_data_ready)
        c.dataFailed.connect(self._on_data_failed)
        self.document.analysisChanged.connect(self.refresh_check)
        self.document.replaced.connect(self._on_replaced)

    # ---- state ------------------------------------------------------------------------------------------------
    def _on_state(self, state: str) -> None:
        self._show_progress()  # the last numbers of a run, before its end is told
        self._set_locked(self.controller.is_busy())
        if state == IDLE:
            self.progress.setValue(0)
            self.progress_label.setText("Ready to train" if self.controller.is_ready else "Loading PyTorch…")
        elif state == STOPPING:
            self.progress_label.setText("Stopping after this batch…")
        self.refresh_check()

    def _set_locked(self, locked: bool) -> None:
        """Settings cannot change under a run: they apply to the next one."""
        for panel in (self.data_panel, self.settings_panel):
            if panel is not None:
                panel.setEnabled(not locked)
                panel.setToolTip("Stop training to change the data or settings" if locked else "")

    def _on_run_started(self, info: dict) -> None:
        self._showing_error = False
        self.status.hide()
        for panel in (self.data_panel, self.settings_panel):
            if panel is not None:
                panel.refresh()  # show the settings this run uses
        self.progress_label.setText(f"Run {info['run_id']} · {info['label']} · {info['device']}")

    def _on_progress(self, progress: Progress) -> None:
        self._progress = progress
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def _show_progress(self) -> None:
        progress, self._progress = self._progress, None
        if progress is None:
            return
        done = progress.step / max(progress.total_steps, 1)
        self.progress.setValue(round(min(done, 1.0) * 1000))
        parts = [f"Epoch {min(progress.epoch, progress.epochs)}/{progress.epochs}", f"step {progress.step:,}"]
        if progress.samples_per_sec > 0:
            parts.append(format_rate(progress.samples_per_sec))
        if self.controller.state == RUNNING:
            parts.append(f"ETA {format_duration(progress.eta)}")
        self.progress_label.setText(" · ".join(parts))

    def _on_run_continued(self, info: dict) -> None:
        self.show_status(info["message"])

    def _on_run_finished(self, result: RunResult) -> None:
        if result.reason != "error":  # errors arrive through errorOccurred
            self.show_status(finished_summary(result))

    def show_status(self, text: str) -> None:
        if self._showing_error:
            return  # an error stays until the next run starts
        self.status.setText(text)
        set_style_property(self.status, "role", "dim")
        self.status.show()

    def show_error(self, text: str) -> None:
        self._showing_error = True
        self.status.setText(text)
        set_style_property(self.status, "role", "error")
        self.status.show()

    # ---- checks ------------------------------------------------------------------------------------------------
    def refresh_check(self, *_args) -> None:
        """Say what would stop training (or is worth knowing) before Train is pressed."""
        checked = self.controller.check() if not self.controller.is_busy() else Check()
        text = checked.problem or checked.advice
        self.check_box.setVisible(bool(text))
        self.check_label.setText(text or "")
        set_style_property(self.check_label, "role", "error" if checked.problem else "warning")
        self._fix = checked.input_fix
        self.fix_button.setVisible(self._fix is not None)
        if self._fix is not None:
            self.fix_button.setText(f"Set {self._fix[0]}'s shape to {self._fix[1]}")

    def apply_input_fix(self) -> None:
        """Give the Input node the data's sample shape (one undoable edit)."""
        if self._fix is None:
            return
        from app.commands import SetParamCommand

        node_id, shape = self._fix
        problem = self.document.try_push(SetParamCommand(self.document.graph, node_id, "shape", shape))
        if problem:
            self.show_error(problem)

    def _on_settings_changed(self, _key: str) -> None:
        self.controller.settings_changed()
        self.refresh_check()

    def _on_data_ready(self, _bundle) -> None:
        if self.data_panel is not None:
            self.data_panel.show_error(None)
        self.refresh_check()

    def _on_data_failed(self, message: str) -> None:
        if self.data_panel is not None:
            self.data_panel.show_error(message)
        self.refresh_check()

    def _on_replaced(self) -> None:
        for panel in (self.data_panel, self.settings_panel):
            if panel is not None:
                panel.refresh()
        self._showing_error = False
        self.status.hide()


class _VerticalScroll(QScrollArea):
    """Scrolls up and down only, so it is never narrower than what it holds: the dock
    keeps the width its panel needs (in every language) instead of clipping it."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        width = inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), width), hint.height())


def _scrolled(widget: QWidget) -> QScrollArea:
    area = _VerticalScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 4, 4, 4)
    layout.addWidget(widget)
    area.setWidget(holder)
    return area


class EditBanner(QFrame):
    """After an edit during training: say so, and offer to continue or restart."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.text = _label(
            "The network changed, so training paused. Continue training keeps the weights of the nodes you "
            "did not change; new or resized nodes start fresh."
        )
        set_style_property(self.text, "role", "warning")
        buttons = QHBoxLayout()
        self.continue_button = QPushButton(training_icon("continue"), "Continue training")
        self.continue_button.clicked.connect(controller.continue_after_edit)
        self.restart_button = QPushButton(training_icon("train"), "Restart")
        self.restart_button.setToolTip("Train the edited network from fresh weights")
        self.restart_button.clicked.connect(controller.restart)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.restart_button)
        buttons.addStretch(1)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        controller.editedChanged.connect(self.refresh)
        controller.stateChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        state = self.controller.state
        self.setVisible(self.controller.edited and state in (PAUSED, FINISHED))


class CanvasBanner(QFrame):
    """A strip over the top of the canvas while a run is active: editing pauses it."""

    def __init__(self, canvas: QWidget, controller: TrainingController) -> None:
        super().__init__(canvas)
        self.controller = controller
        self.setObjectName("training_banner")
        self.setProperty("role", "card")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 5, 8, 5)
        self.text = _label(wrap=False)
        self.button = QPushButton("Continue training")
        self.button.clicked.connect(controller.continue_after_edit)
        layout.addWidget(self.text)
        layout.addWidget(self.button)
        canvas.installEventFilter(self)
        controller.stateChanged.connect(self.refresh)
        controller.editedChanged.connect(self.refresh)
        self.refresh()

    def message(self) -> str | None:
        state, edited = self.controller.state, self.controller.edited
        if state == RUNNING:
            return "●  Training — editing the network pauses it"
        if state == PAUSED and edited:
            return "Network edited — training paused"
        if state == PAUSED:
            return "Training paused — edits apply when you continue"
        if state == STOPPING:
            return "Stopping…"
        return None

    def refresh(self, *_args) -> None:
        text = self.message()
        self.setVisible(text is not None)
        if text is None:
            return
        self.text.setText(text)
        self.button.setVisible(self.controller.state == PAUSED and self.controller.edited)
        self.adjustSize()
        self._place()
        self.raise_()

    def _place(self) -> None:
        parent = self.parentWidget()
        self.move(max(0, (parent.width() - self.width()) // 2), 10)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False
