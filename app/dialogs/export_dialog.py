"""File > Export…: every export format with what it needs, a destination, the picture
options, and each file's verification as it comes in. Model files are written and
verified on a worker thread (ONNX takes seconds); pictures are drawn on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import html
import re
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from app.icons import icon
from app.picture import PictureFormat, PictureOptions, register_picture_formats
from app.theme import current_theme, monospace_font, set_style_property
from app.worker_thread import release_worker_thread, start_worker_thread
from graph_core.export import TOLERANCE, ExportFormat, ExportReport, ExportSource, default_name, formats

if TYPE_CHECKING:
    from app.main_window import MainWindow

DEFAULT_FORMATS = ("safetensors", "code")
GENERAL_HINT = "Check the formats to write; select one to read what it holds and how to load it."
_NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # a format row's format name
_REPORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a result row's index in `reports`
COLUMNS = ("", "Format", "Result", "Max abs diff", "Files")


# ----- what is exported ------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportJob:
    fmt: ExportFormat
    target: Path


@dataclass
class ExportRequest:
    """Everything the worker needs, copied on the GUI thread when Export is pressed:
    later edits and further training do not change what is written."""

    project: Any  # graph_core.project.Project, with a copy of the graph
    model: Any  # the trained weights fitted to the graph (an nn.Module), or None: untrained
    name: str
    base_dir: Path | None
    jobs: list[ExportJob]
    notes: list[str] = field(default_factory=list)


def weights_summary(window: MainWindow) -> tuple[str, str]:
    """(sentence, label role) saying which weights an export would take now."""
    controller = window.training
    if not controller.has_model():
        return "No training run yet: the network is exported with freshly initialized (untrained) weights.", "warning"
    trainer = controller.trainer
    epoch = f"epoch {trainer.epoch} of {trainer.config.epochs}"
    if controller.is_busy():
        return (
            f"Training is running ({epoch}): Export takes a snapshot of the weights at that moment; training goes on.",
            "dim",
        )
    if controller.edited:
        return (
            "The network was edited after training: unchanged nodes keep their trained weights, changed ones are "
            "exported freshly initialized.",
            "warning",
        )
    return f"The weights of training run {controller.run_id} ({epoch}).", "ok"


def snapshot_model(window: MainWindow, graph) -> tuple[Any, list[str]]:
    """The trained weights, copied into the graph compiled now (None when nothing was
    trained or the graph does not compile: the export then compiles it and says so)."""
    controller = window.training
    if not controller.has_model():
        return None, []
    from graph_core.compiler import CompileError, compile_graph
    from graph_core.training import transfer_weights

    try:
        model = compile_graph(graph, seed=window.document.project.training.get("seed", 0))
    except CompileError:
        return None, []
    # Copied now, on the GUI thread, perhaps mid-step (then one node may be a step ahead
    # of another): the worker exports this copy while training goes on with the original.
    report = transfer_weights(controller.model, model)
    notes = []
    if report.reset:
        notes.append(f"freshly initialized (changed since training): {', '.join(report.reset)}")
    return model.eval(), notes


def file_stem(text: str) -> str:
    """A file name from a document name: "Spiral MLP" -> "spiral_mlp"."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text.removesuffix(".nlproj")).strip("_").lower() or "model"


def target_name(fmt: ExportFormat, stem: str) -> str:
    name = default_name(fmt, stem)
    return f"{name}/" if fmt.writes_folder else name


# ----- the worker --------------------------------------------------------------------------------
class ExportWorker(QObject):
    """Builds the export source and writes each format in turn, on its own thread.
    `cancel` (any thread) stops before the next format; `done` always comes last."""

    formatStarted = Signal(str)
    reportReady = Signal(object)  # ExportReport
    done = Signal()

    def __init__(self, request: ExportRequest) -> None:
        super().__init__()
        self.request = request
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @Slot()
    def run(self) -> None:
        try:
            source = self._source()
        except Exception as error:  # e.g. the graph does not compile: every format says so
            for job in self.request.jobs:
                self.reportReady.emit(_source_failed(job, error))
        else:
            for job in self.request.jobs:
                if self._cancelled.is_set():
                    break
                self.formatStarted.emit(job.fmt.name)
                self.reportReady.emit(job.fmt.export(source, job.target))
        finally:
            self.done.emit()

    def _source(self) -> ExportSource:
        from graph_core.export import source_from_project

        r = self.request
        source = source_from_project(r.project, r.model, base_dir=r.base_dir, name=r.name)
        source.notes.extend(r.notes)
        return source


def _source_failed(job: ExportJob, error: Exception) -> ExportReport:
    report = ExportReport(job.fmt.name, job.target, "error", f"the network cannot be exported: {error}")
    report.details = "".join(traceback.format_exception(error))
    return report


# ----- the dialog ---------------------------------------------------------------------------------
class ExportDialog(QDialog):
    """Lists every format (unavailable ones disabled, with how to install them), writes
    the checked ones into a folder and shows each `ExportReport`.

    The questions it asks (`ask_folder`, `confirm_overwrite`) and `open_folder` are
    attributes that tests replace. `exportFinished(list)` carries the reports."""

    exportFinished = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main_window = window
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export")
        self.ask_folder: Callable[[str], str | None] = self._ask_folder
        self.confirm_overwrite: Callable[[list[Path]], bool] = self._confirm_overwrite
        self.open_folder: Callable[[Path], None] = lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.reports: list[ExportReport] = []
        self._jobs: list[ExportJob] = []
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._pictures: list[ExportJob] = []
        self._worker: ExportWorker | None = None
        self._thread: QThread | None = None
        self._started_at = 0.0
        self._close_when_done = False
        register_picture_formats()
        self._formats = {fmt.name: fmt for fmt in formats()}
        self._build()
        self._fill_formats()
        self._update_targets()
        self.resize(860, 760)
        # The window closing takes this dialog and its thread with it: a QThread destroyed
        # while it runs aborts the whole app, so the export is joined first.
        window.installEventFilter(self)

    # ----- construction -----------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        title = QLabel(f"Export “{self.main_window.display_name}”")
        title.setProperty("role", "title")
        self.weights_label = _wrapping_label("")
        self.weights_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(title)
        layout.addWidget(self.weights_label)
        layout.addSpacing(4)
        layout.addWidget(_section("FORMATS"))
        layout.addWidget(self._build_format_list())
        self.description = _wrapping_label(GENERAL_HINT, "dim")
        layout.addWidget(self.description)
        layout.addSpacing(2)
        layout.addWidget(_section("DESTINATION"))
        layout.addLayout(self._build_destination())
        layout.addSpacing(2)
        layout.addWidget(_section("RESULTS"))
        layout.addWidget(self._build_results(), 1)
        layout.addLayout(self._build_summary_row())
        self.details = QPlainTextEdit()
        self.details.setObjectName("export_details")
        self.details.setReadOnly(True)
        self.details.setFont(monospace_font(9))
        self.details.setVisible(False)
        self.details.setMinimumHeight(140)
        layout.addWidget(self.details, 1)
        layout.addLayout(self._build_buttons())
        self.refresh_weights_label()

    def _build_format_list(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName("export_formats")
        tree.setHeaderLabels(["Format", "Writes", "Verified with"])
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 230)
        header.resizeSection(1, 250)
        header.setStretchLastSection(True)
        tree.currentItemChanged.connect(self._show_description)
        tree.itemChanged.connect(lambda *_: self._update_buttons())
        _framed(tree)
        self.format_list = tree
        return tree

    def _build_destination(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.folder_edit = QLineEdit(self._default_folder())
        self.folder_edit.setObjectName("export_folder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_folder)
        self.name_edit = QLineEdit(file_stem(self.main_window.display_name))
        self.name_edit.setObjectName("export_name")
        self.name_edit.setMaximumWidth(220)
        self.name_edit.textChanged.connect(self._update_targets)
        self.folder_edit.textChanged.connect(self._update_buttons)
        grid.addWidget(QLabel("Folder"), 0, 0)
        grid.addWidget(self.folder_edit, 0, 1)
        grid.addWidget(browse, 0, 2)
        grid.addWidget(QLabel("Name"), 0, 3)
        grid.addWidget(self.name_edit, 0, 4)
        self.theme_box = QComboBox()
        self.theme_box.addItem("Light, for papers", "light")
        self.theme_box.addItem(f"The app's ({current_theme().name})", "current")
        self.background_box = QComboBox()
        self.background_box.addItem("Solid", False)
        self.background_box.addItem("Transparent", True)
        pictures = QHBoxLayout()
        pictures.setSpacing(8)
        pictures.addWidget(QLabel("theme"))
        pictures.addWidget(self.theme_box)
        pictures.addSpacing(6)
        pictures.addWidget(QLabel("background"))
        pictures.addWidget(self.background_box)
        pictures.addStretch(1)
        grid.addWidget(QLabel("Pictures"), 1, 0)
        grid.addLayout(pictures, 1, 1, 1, 2)
        self.verify_check = QCheckBox("Verify each file after writing")
        self.verify_check.setObjectName("export_verify")
        self.verify_check.setChecked(True)
        self.verify_check.setEnabled(False)  # always on: shown so people know it happens
        self.verify_check.setToolTip(
            f"Each file is reloaded in its own runtime and run on sample inputs; its outputs must match the "
            f"network's within {TOLERANCE:g} (max abs difference). Pictures are read back."
        )
        grid.addWidget(self.verify_check, 1, 3, 1, 2)
        grid.setColumnStretch(1, 1)
        return grid

    def _build_results(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName("export_results")
        tree.setHeaderLabels(list(COLUMNS))
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        header = tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 30)
        header.resizeSection(1, 165)
        header.resizeSection(2, 320)
        header.resizeSection(3, 110)
        header.setStretchLastSection(True)
        tree.setMinimumHeight(120)
        tree.currentItemChanged.connect(lambda *_: self._show_details())
        _framed(tree)
        self.results = tree
        return tree

    def _build_summary_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.summary = QLabel("Choose formats and a folder, then press Export.")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setObjectName("export_summary")
        self.summary.setProperty("role", "dim")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setEnabled(False)
        self.details_button.toggled.connect(self._toggle_details)
        row.addWidget(self.summary, 1)
        row.addWidget(self.progress)
        row.addWidget(self.details_button)
        return row

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.open_button = QPushButton("Open Folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self.open_folder(self.folder()))
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.close_button)
        return row

    def _fill_formats(self) -> None:
        theme = current_theme()
        for fmt in self._formats.values():
            item = QTreeWidgetItem(["", "", ""])
            item.setText(0, fmt.title)
            item.setData(0, _NAME_ROLE, fmt.name)
            item.setToolTip(0, fmt.description)
            if fmt.available():
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(0, _check(fmt.name in DEFAULT_FORMATS))
                item.setText(2, fmt.runtime)
            else:
                # Disabled, but the hint stays readable: it is the point of the row.
                item.setFlags(Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
                item.setText(2, f"needs {', '.join(fmt.missing())}: {fmt.install_hint}")
                item.setForeground(2, QColor(theme.warning))
                item.setToolTip(2, f"{fmt.title} needs {', '.join(fmt.missing())}. Install with: {fmt.install_hint}")
            self.format_list.addTopLevelItem(item)
        self.format_list.setFixedHeight(self._list_height(self.format_list))

    @staticmethod
    def _list_height(tree: QTreeWidget) -> int:
        rows = tree.topLevelItemCount()
        row = tree.sizeHintForRow(0) if rows else 24
        return tree.header().sizeHint().height() + rows * row + 2 * tree.frameWidth() + 4

    # ----- state ----------------------------------------------------------------------------
    def refresh_weights_label(self) -> None:
        text, role = weights_summary(self.main_window)
        self.weights_label.setText(text)
        set_style_property(self.weights_label, "role", role)

    def format_item(self, name: str) -> QTreeWidgetItem:
        for index in range(self.format_list.topLevelItemCount()):
            item = self.format_list.topLevelItem(index)
            if item.data(0, _NAME_ROLE) == name:
                return item
        raise KeyError(name)

    def is_available(self, name: str) -> bool:
        return bool(self.format_item(name).flags() & Qt.ItemFlag.ItemIsEnabled)

    def set_checked(self, names: list[str] | tuple[str, ...]) -> None:
        """Check exactly `names` (unavailable formats stay unchecked)."""
        for index in range(self.format_list.topLevelItemCount()):
            item = self.format_list.topLevelItem(index)
            wanted = item.data(0, _NAME_ROLE) in names and bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(0, _check(wanted))

    def checked_formats(self) -> list[ExportFormat]:
        chosen = []
        for index in range(self.format_list.topLevelItemCount()):
            item = self.format_list.topLevelItem(index)
            if item.checkState(0) == Qt.CheckState.Checked and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                chosen.append(self._formats[item.data(0, _NAME_ROLE)])
        return chosen

    def set_destination(self, folder: str | Path, name: str | None = None) -> None:
        self.folder_edit.setText(str(folder))
        if name is not None:
            self.name_edit.setText(name)

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def stem(self) -> str:
        return file_stem(self.name_edit.text()) if self.name_edit.text().strip() else "model"

    def picture_options(self) -> PictureOptions:
        return PictureOptions(theme=self.theme_box.currentData(), transparent=bool(self.background_box.currentData()))

    @property
    def is_running(self) -> bool:
        return self._thread is not None or bool(self._pictures)

    def _default_folder(self) -> str:
        path = self.main_window.document.path
        return str(path.parent) if path else self.main_window.settings.last_directory

    def _update_targets(self) -> None:
        stem = self.stem()
        for index in range(self.format_list.topLevelItemCount()):
            item = self.format_list.topLevelItem(index)
            item.setText(1, target_name(self._formats[item.data(0, _NAME_ROLE)], stem))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.is_running
        self.export_button.setEnabled(not running and bool(self.checked_formats()) and bool(self.folder_edit.text()))
        self.close_button.setText("Stop" if running else "Close")
        self.open_button.setEnabled(not running and bool(self.reports) and self.folder().is_dir())

    def _show_description(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            self.description.setText(GENERAL_HINT)
            return
        fmt = self._formats[item.data(0, _NAME_ROLE)]
        self.description.setText(f"<b>{html.escape(fmt.title)}</b> — {html.escape(fmt.description)}")

    # ----- exporting ------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = self.ask_folder(self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def start_export(self) -> bool:
        """Write every checked format into the folder; False when nothing started."""
        chosen = self.checked_formats()
        if self.is_running or not chosen:
            return False
        folder = self.folder()
        jobs = [ExportJob(self._with_options(fmt), folder / default_name(fmt, self.stem())) for fmt in chosen]
        existing = [job.target for job in jobs if job.target.exists()]
        if existing and not self.confirm_overwrite(existing):
            return False
        self._begin(jobs)
        pictures = [job for job in jobs if getattr(job.fmt, "gui_thread", False)]
        files = [job for job in jobs if job not in pictures]
        if files:
            self._start_worker(self._request(files))
        self._pictures = pictures
        if pictures:
            QTimer.singleShot(0, self._draw_next_picture)  # after this click has repainted
        self._update_buttons()
        return True

    def _with_options(self, fmt: ExportFormat) -> ExportFormat:
        return fmt.with_options(self.picture_options()) if isinstance(fmt, PictureFormat) else fmt

    def _request(self, jobs: list[ExportJob]) -> ExportRequest:
        window = self.main_window
        project = window.document.to_project()
        graph = project.graph.copy()
        model, notes = snapshot_model(window, graph)
        snapshot = dataclasses.replace(
            project,
            graph=graph,
            data=dict(project.data),
            training=dict(project.training),
            view=dict(project.view),
        )
        base_dir = window.document.path.parent if window.document.path else None
        return ExportRequest(snapshot, model, self.stem(), base_dir, jobs, notes)

    def _begin(self, jobs: list[ExportJob]) -> None:
        self._jobs = jobs
        self.reports = []
        self.results.clear()
        self._rows = {}
        dim = QColor(current_theme().text_dim)
        for job in jobs:
            item = QTreeWidgetItem(["", job.fmt.title, "Waiting…", "", ""])
            item.setForeground(2, dim)
            self.results.addTopLevelItem(item)
            self._rows[job.fmt.name] = item
        self.details.clear()
        self.details_button.setEnabled(False)
        self.progress.setRange(0, len(jobs))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._started_at = time.perf_counter()
        self.refresh_weights_label()
        self._set_summary(f"Exporting {len(jobs)} format{'s' * (len(jobs) != 1)}…", "dim")
        self.main_window.settings.last_directory = str(self.folder())

    def _start_worker(self, request: ExportRequest) -> None:
        worker = ExportWorker(request)
        thread = start_worker_thread(self, worker, worker.run, name="export", done=worker.done)
        worker.formatStarted.connect(self._on_format_started)
        worker.reportReady.connect(self._on_report)
        thread.finished.connect(self._on_thread_finished)
        self._worker, self._thread = worker, thread
        thread.start()

    @Slot()
    def _draw_next_picture(self) -> None:
        if not self._pictures:
            return
        job = self._pictures[0]
        self._on_format_started(job.fmt.name)
        source = ExportSource(None, self.main_window.document.graph.copy(), self.stem(), title=self._title())
        report = job.fmt.export(source, job.target)
        self._pictures.pop(0)
        self._on_report(report)
        if self._pictures and not self._close_when_done:
            QTimer.singleShot(0, self._draw_next_picture)
        else:
            self._pictures = []
            self._maybe_finish()

    def _title(self) -> str:
        return self.main_window.document.project.title or Path(self.main_window.display_name).stem

    @Slot(str)
    def _on_format_started(self, name: str) -> None:
        item = self._rows.get(name)
        if item is not None:
            item.setText(2, "Writing and verifying…")
            self._set_summary(f"Writing {item.text(1)}…", "dim")

    @Slot(object)
    def _on_report(self, report: ExportReport) -> None:
        self.reports.append(report)
        item = self._rows.get(report.format)
        if item is not None:
            self._fill_row(item, report)
        self.progress.setValue(len(self.reports))
        if item is not None and not report.ok and self.results.currentItem() is None:
            self.results.setCurrentItem(item)  # the first problem's details are one click away

    @Slot()
    def _on_thread_finished(self) -> None:
        if self.sender() is not self._thread:
            return
        release_worker_thread(self._thread)  # before the worker's reference goes
        self._worker, self._thread = None, None
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.is_running:
            return
        self.progress.setVisible(False)
        self._summarize()
        self._update_buttons()
        self.exportFinished.emit(self.ordered_reports())
        if self._close_when_done:
            super().reject()

    def _summarize(self) -> None:
        seconds = time.perf_counter() - self._started_at
        done = [r for r in self.reports if r.ok]
        bad = [r for r in self.reports if not r.ok]
        skipped = len(self._jobs) - len(self.reports)
        if bad or skipped:
            parts = [f"{len(done)} of {len(self._jobs)} exports succeeded"]
            parts += [f"{len(bad)} failed"] if bad else []
            parts += [f"{skipped} stopped"] if skipped else []
            self._set_summary(", ".join(parts) + f" ({seconds:.1f} s). Select a row for its details.", "error")
            return
        verified = sum(r.verified for r in self.reports)
        what = "written and verified" if verified == len(self.reports) else "written"
        self._set_summary(f"✓ {len(done)} export{'s' * (len(done) != 1)} {what} in {seconds:.1f} s", "ok")

    def _fill_row(self, item: QTreeWidgetItem, report: ExportReport) -> None:
        theme = current_theme()
        name, colour = _STATUS_ICONS[report.status]
        item.setIcon(0, icon(name, getattr(theme, colour)))
        item.setToolTip(0, report.status)
        item.setText(2, result_text(report))
        item.setForeground(2, QColor(theme.error if not report.ok else theme.text))
        item.setToolTip(2, report.message)
        item.setText(3, diff_text(report))
        if report.max_abs_diff is not None and report.status == "failed":
            item.setForeground(3, QColor(theme.error))
        item.setText(4, files_text(report, self.folder()))
        item.setToolTip(4, "\n".join(str(f) for f in report.files) or str(report.path))
        item.setData(0, _REPORT_ROLE, len(self.reports) - 1)
        if item is self.results.currentItem():
            self._show_details()

    def ordered_reports(self) -> list[ExportReport]:
        """The reports in the format list's order (they arrive as each is done)."""
        order = {job.fmt.name: index for index, job in enumerate(self._jobs)}
        return sorted(self.reports, key=lambda report: order.get(report.format, len(order)))

    # ----- details --------------------------------------------------------------------------
    def selected_report(self) -> ExportReport | None:
        item = self.results.currentItem()
        index = item.data(0, _REPORT_ROLE) if item is not None else None
        return self.reports[index] if isinstance(index, int) and index < len(self.reports) else None

    def _show_details(self) -> None:
        report = self.selected_report()
        self.details_button.setEnabled(report is not None)
        self.details.setPlainText(details_text(report) if report is not None else "")

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _set_summary(self, text: str, role: str) -> None:
        self.summary.setText(text)
        set_style_property(self.summary, "role", role)

    # ----- questions -------------------------------------------------------------------------
    def _ask_folder(self, current: str) -> str | None:
        return QFileDialog.getExistingDirectory(self, "Export into folder", current) or None

    def _confirm_overwrite(self, paths: list[Path]) -> bool:
        names = "\n".join(f"  {p.name}" for p in paths[:8]) + ("\n  …" if len(paths) > 8 else "")
        answer = QMessageBox.question(
            self,
            "Replace files?",
            f"These already exist in {paths[0].parent}:\n{names}\n\nReplace them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    # ----- closing ----------------------------------------------------------------------------
    def reject(self) -> None:
        """Close; while exporting, stop after the current format first (it cannot be
        interrupted halfway: a file is written whole or not at all)."""
        if not self.is_running:
            super().reject()
            return
        self._close_when_done = True
        if self._worker is not None:
            self._worker.cancel()
        self._set_summary("Stopping after the current format…", "dim")
        self.close_button.setEnabled(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # A close the window accepted hides it (not spontaneously: minimizing is): the
        # current format is finished, the rest are skipped, and the thread ends.
        if watched is self.main_window and event.type() == QEvent.Type.Hide and not event.spontaneous():
            self.shutdown()
        return super().eventFilter(watched, event)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Stop after the current format and join the worker (window closing, tests)."""
        self._pictures = []
        if self._worker is not None:
            self._worker.cancel()
        if self._thread is not None:
            self._thread.quit()
            return self._thread.wait(timeout_ms)
        return True


_STATUS_ICONS = {
    "passed": ("ok", "ok"),
    "unverified": ("info", "text_dim"),
    "failed": ("error", "error"),
    "error": ("error", "error"),
    "unavailable": ("warning", "warning"),
}


def result_text(report: ExportReport) -> str:
    """The result column: what happened, in a few words."""
    timing = f" · {_seconds(report.write_seconds + report.verify_seconds)}" if report.ok else ""
    if report.status == "passed":
        if report.max_abs_diff is None:  # a picture: checked by reading it back
            return report.message[:1].upper() + report.message[1:] + timing
        return f"Verified with {report.runtime}{timing}"
    if report.status == "failed":
        return f"FAILED: outputs differ from the network's ({report.runtime})"
    if report.status == "unverified":
        return "Written, not verified" + timing
    first = report.message.splitlines()[0] if report.message else report.status
    return first[:1].upper() + first[1:]


def _seconds(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 1 else f"{seconds:.1f} s"


def diff_text(report: ExportReport) -> str:
    diff = report.max_abs_diff
    if diff is None:
        return "—"
    shown = "0" if diff == 0 else f"{diff:.2g}"
    return f"{shown} {'≤' if diff <= report.tolerance else '>'} {report.tolerance:g}"


def files_text(report: ExportReport, folder: Path) -> str:
    if not report.files:
        return ""
    if len(report.files) == 1:
        return _relative(report.files[0], folder)
    return f"{_relative(report.path, folder)}/ ({len(report.files)} files)"


def details_text(report: ExportReport) -> str:
    lines = [f"{report.format}: {report.status}", report.message]
    if report.ok:
        lines.append(f"written in {report.write_seconds:.2f} s, verified in {report.verify_seconds:.2f} s")
    lines += ["", "Files:"] + [f"  {f}" for f in report.files or [report.path]]
    if report.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in report.notes]
    if report.details:
        lines += ["", report.details.rstrip()]
    return "\n".join(lines)


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def _check(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


def _wrapping_label(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def _framed(tree: QTreeWidget) -> None:
    """Lists inside the dialog get the card border the stylesheet gives panels."""
    tree.setFrameShape(QFrame.Shape.StyledPanel)
    tree.setStyleSheet(f"QTreeWidget {{ border: 1px solid {current_theme().border}; border-radius: 4px; }}")


def show_export_dialog(window: MainWindow) -> ExportDialog:
    """File > Export…: the dialog, window-modal, deleted when closed."""
    dialog = ExportDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
