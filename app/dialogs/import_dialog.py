"""File > Import: weights (safetensors or a weights-only state dict) into the network
with a node-by-node report, and a PyTorch module traced onto a new canvas. Importing a
module runs its Python code, so that dialog says so and imports only once confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from app.icons import icon
from app.theme import current_theme, set_style_property

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from graph_core.importer import ImportResult, WeightsReport

WEIGHTS_FILTER = "Weights (*.safetensors *.pt *.pth *.bin);;All files (*)"
PYTHON_FILTER = "Python files (*.py);;All files (*)"
_INT_WORDS = {"int64", "long", "int", "tokens"}
_FLOAT_WORDS = {"float32", "float"}


# ----- shared pieces ------------------------------------------------------------------------------
class _ImportDialog(QDialog):
    """A title, a subtitle, a summary line and a report table: what both imports show."""

    def __init__(self, window: MainWindow, title: str, subtitle: str, columns: list[str]) -> None:
        super().__init__(window)
        self.main_window = window
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 16, 18, 14)
        self.layout_.setSpacing(8)
        heading = QLabel(title)
        heading.setProperty("role", "title")
        self.layout_.addWidget(heading)
        self.layout_.addWidget(_label(subtitle, "dim"))
        self.summary = _label("", "dim")
        self.summary.setObjectName("import_summary")
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["", *columns])
        self.table.setRootIsDecorated(False)
        self.table.setMinimumHeight(170)
        self.table.setStyleSheet(f"QTreeWidget {{ border: 1px solid {current_theme().border}; border-radius: 4px; }}")
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 30)
        header.setStretchLastSection(True)
        self.next_steps = _label("", "dim")

    def _add_report_area(self) -> None:
        self.layout_.addWidget(_section("REPORT"))
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.next_steps)

    def show_problem(self, text: str) -> None:
        """A message instead of a report (a bad file, a module that does not trace)."""
        self.table.clear()
        self.next_steps.setText("")
        self._set_summary(text, "error")

    def _set_summary(self, text: str, role: str) -> None:
        self.summary.setText(text)
        set_style_property(self.summary, "role", role)

    def _row(self, status: str, *texts: str) -> QTreeWidgetItem:
        """A report row: `status` is ok, warning, error or info (its icon)."""
        name, colour = _STATUS_ICONS[status]
        item = QTreeWidgetItem(["", *texts])
        item.setIcon(0, icon(name, getattr(current_theme(), colour)))
        for column, text in enumerate(texts, start=1):
            item.setToolTip(column, text)
        self.table.addTopLevelItem(item)
        return item


_STATUS_ICONS = {
    "ok": ("ok", "ok"),
    "warning": ("warning", "warning"),
    "error": ("error", "error"),
    "info": ("info", "text_dim"),
}


# ----- weights ---------------------------------------------------------------------------------------
class ImportWeightsDialog(_ImportDialog):
    """Loads a weights file into the network (the trained model when it still matches
    the graph, else the graph compiled afresh) and hands the result to the training
    controller, so the next export and Continue Training use these weights.
    `ask_path` is an attribute tests replace. `weightsLoaded(WeightsReport)` follows a load."""

    weightsLoaded = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(
            window,
            "Import weights",
            "Load a safetensors file or a PyTorch state dict (.pt, .pth) into this network. Tensors are matched "
            "by name (fc1.weight) and shape; a node loads only when all of its tensors fit. Files holding code "
            "are refused, never run.",
            ["Node", "Result", "Tensors"],
        )
        self.setObjectName("import_weights_dialog")
        self.ask_path: Callable[[str], str | None] = self._ask_path
        self.report: WeightsReport | None = None
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("weights.safetensors or model.pt")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_file)
        self.load_button = QPushButton("Load")
        self.load_button.setDefault(True)
        self.load_button.clicked.connect(lambda: self.load(self.path_edit.text().strip()))
        row = QHBoxLayout()
        row.addWidget(QLabel("File"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.load_button)
        self.layout_.addLayout(row)
        header = self.table.header()
        header.resizeSection(1, 150)
        header.resizeSection(2, 190)
        self._add_report_area()
        self.layout_.addLayout(_close_row(self))
        self._set_summary("Choose a weights file.", "dim")
        self.resize(720, 520)

    def choose_file(self) -> bool:
        start = self.path_edit.text() or self.main_window.settings.last_directory
        path = self.ask_path(start)
        if not path:
            return False
        self.load(path)
        return True

    def load(self, path: str | Path) -> WeightsReport | None:
        """Load `path` into the network and show the report; None when nothing could be
        loaded (the reason is shown)."""
        from graph_core.compiler import CompileError
        from graph_core.importer import WeightsFileError, load_weights

        self.path_edit.setText(str(path))
        if not str(path):
            self.show_problem("Choose a weights file first.")
            return None
        controller = self.main_window.training
        if controller.is_busy():
            self.show_problem(
                "Training is running. Stop it first (Train › Stop): imported weights replace the ones being trained."
            )
            return None
        try:
            with _busy():
                model = self._target_model()
                report = load_weights(model, path)
        except CompileError as error:
            self.show_problem(f"The network has errors; fix them first (see Problems).\n{error}")
            return None
        except WeightsFileError as error:
            self.show_problem(str(error))
            return None
        self.report = report
        self._show_report(report, model)
        self._hand_over(report, model)
        self.weightsLoaded.emit(report)
        return report

    def _target_model(self) -> Any:
        """The trained model while it matches the graph (unmatched nodes keep what they
        learned), else the graph compiled afresh."""
        controller = self.main_window.training
        if controller.has_model() and not controller.edited:
            return controller.model
        from graph_core.compiler import compile_graph

        document = self.main_window.document
        return compile_graph(document.graph, seed=document.project.training.get("seed", 0))

    def _hand_over(self, report: WeightsReport, model: Any) -> None:
        if not report.matched:
            self.next_steps.setText("The network is unchanged.")
            return
        reason = _adopt(self.main_window, model)
        if reason:
            self.next_steps.setText(f"The weights are loaded, but training cannot use them yet: {reason}.")
            set_style_property(self.next_steps, "role", "warning")
            return
        self.next_steps.setText(
            "These weights are now the network's: Continue Training (Ctrl+F5) trains on from them, and "
            "File › Export… writes them."
        )
        set_style_property(self.next_steps, "role", "dim")
        self.main_window.show_message(f"Loaded weights from {report.path.name}")

    def _show_report(self, report: WeightsReport, model: Any) -> None:
        from graph_core.training.transfer import tensors_by_node

        self.table.clear()
        nodes = tensors_by_node(model)
        owner = {name: node for node, tensors in nodes.items() for name in tensors}
        problems: dict[str, list[str]] = {}
        for name in report.missing:
            problems.setdefault(owner.get(name, name), []).append(f"{_short(name)}: missing from the file")
        for mismatch in report.mismatched:
            problems.setdefault(owner.get(mismatch.name, mismatch.name), []).append(
                f"{_short(mismatch.name)}: file {list(mismatch.file_shape)}, network {list(mismatch.model_shape)}"
            )
        for node, tensors in nodes.items():
            if node in report.matched:
                self._row("ok", node, "loaded", _tensor_list(tensors))
            else:
                self._row("warning", node, "not loaded", "; ".join(problems.get(node, ["incomplete in the file"])))
        for name in report.unexpected:
            self._row("info", "—", "in the file only", name)
        for note in report.notes:
            self._row("info", "note", "", note)
        total = len(nodes)
        source = f"{report.path.name} ({report.kind})"
        if not report.matched:
            self._set_summary(f"Nothing was loaded: no node of this network matches {source}.", "error")
        elif len(report.matched) == total and report.complete:
            self._set_summary(f"✓ Loaded all {total} nodes with weights from {source}.", "ok")
        else:
            kept = "keep their weights" if self.main_window.training.has_model() else "keep fresh weights"
            self._set_summary(
                f"Loaded {len(report.matched)} of {total} nodes from {source}; the others {kept}.", "warning"
            )

    def _ask_path(self, start: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, "Import weights", start, WEIGHTS_FILTER)
        return path or None


def _tensor_list(tensors: dict[str, Any]) -> str:
    return " · ".join(f"{_short(name)} {'×'.join(str(d) for d in t.shape) or 'scalar'}" for name, t in tensors.items())


def _short(name: str) -> str:
    """fc1.weight -> weight (the node is in its own column)."""
    return name.split(".", 1)[1] if "." in name else name


# ----- modules ---------------------------------------------------------------------------------------
def parse_input_shapes(text: str) -> tuple[list[tuple[int, ...]], list[str]]:
    """Input shapes per sample, without the batch, and their dtypes: "64" -> [(64,)];
    "1, 8, 8" or "1x8x8" -> [(1, 8, 8)]; several inputs separated by ";", and token-id
    inputs marked "int64": "64; 12 int64". Raises ValueError saying what is wrong."""
    if not text.strip():
        raise ValueError("give each input's shape per sample, without the batch: e.g. 64, or 1, 28, 28")
    shapes, dtypes = [], []
    for number, part in enumerate(text.split(";"), start=1):
        tokens = [t for t in re.split(r"[\s,×*()\[\]]+|(?<=\d)[xX](?=\d)", part) if t]
        dtype, dims = "float32", []
        for token in tokens:
            if token.lower() in _INT_WORDS:
                dtype = "int64"
            elif token.lower() in _FLOAT_WORDS:
                dtype = "float32"
            elif token.isdigit() and int(token) > 0:
                dims.append(int(token))
            else:
                raise ValueError(f"input {number}: {token!r} is not a size (sizes are whole numbers above 0)")
        if not dims:
            raise ValueError(f"input {number} has no size")
        shapes.append(tuple(dims))
        dtypes.append(dtype)
    return shapes, dtypes


class ImportModuleDialog(_ImportDialog):
    """Traces an `nn.Module` (a Python file and class, or `package.module:Class`) onto a
    new canvas with its weights. Runs nothing until "I trust this code" is ticked.
    `ask_file` is an attribute tests replace; `moduleImported(ImportResult)` follows."""

    moduleImported = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(
            window,
            "Import a PyTorch module",
            "Trace an nn.Module with torch.fx onto a new canvas, with its weights. Layers NeuroLoom has a node "
            "for become nodes; anything else is listed here by name, never dropped silently.",
            ["Where", "Operation", "Why"],
        )
        self.setObjectName("import_module_dialog")
        self.ask_file: Callable[[str], str | None] = self._ask_file
        self.result: ImportResult | None = None
        self.opened = False
        self.layout_.addLayout(self._build_fields())
        self.layout_.addWidget(self._build_warning())
        header = self.table.header()
        header.resizeSection(1, 160)
        header.resizeSection(2, 200)
        self._add_report_area()
        self.layout_.addLayout(self._build_buttons())
        self._set_summary("Nothing imported yet.", "dim")
        self._update_buttons()
        self.resize(720, 620)

    def _build_fields(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.module_edit = QLineEdit()
        self.module_edit.setPlaceholderText("path/to/model.py   or   package.module:Class")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.choose_file)
        self.class_edit = QLineEdit()
        self.class_edit.setPlaceholderText("the nn.Module class (not needed after “:Class”)")
        self.shapes_edit = QLineEdit()
        self.shapes_edit.setPlaceholderText("64   ·   1, 28, 28   ·   several inputs: 64; 12 int64")
        self.shapes_edit.setToolTip(
            "Each input's shape for one sample, without the batch dimension. Separate inputs with ';'; "
            "mark token-id inputs (for Embedding) with int64."
        )
        for row, (label, widget) in enumerate(
            (("Module", self.module_edit), ("Class", self.class_edit), ("Input shapes", self.shapes_edit))
        ):
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(widget, row, 1)
        grid.addWidget(browse, 0, 2)
        # Trust is given to one file: another file must be confirmed again.
        self.module_edit.textChanged.connect(lambda: self.trust_check.setChecked(False))
        for edit in (self.module_edit, self.class_edit, self.shapes_edit):
            edit.textChanged.connect(self._update_buttons)
        return grid

    def _build_warning(self) -> QFrame:
        card = QFrame()
        card.setProperty("role", "card")
        layout = QGridLayout(card)
        layout.setContentsMargins(12, 10, 12, 10)
        mark = QLabel()
        mark.setPixmap(icon("warning", current_theme().warning).pixmap(22, 22))
        mark.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel("<b>Importing runs this Python code</b>")
        text = _label(
            "The file's top level and the class's constructor run with your permissions, as “import” would, and "
            "forward runs on sample inputs. Only import code you trust.",
            "dim",
        )
        self.trust_check = QCheckBox("I trust this code: run it to import the network")
        self.trust_check.setObjectName("trust_check")
        self.trust_check.toggled.connect(self._update_buttons)
        layout.addWidget(mark, 0, 0, 3, 1)
        layout.addWidget(heading, 0, 1)
        layout.addWidget(text, 1, 1)
        layout.addWidget(self.trust_check, 2, 1)
        layout.setColumnStretch(1, 1)
        return card

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.open_button = QPushButton("Open as New Network")
        self.open_button.clicked.connect(self.open_result)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("import_button")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.import_button)
        row.addWidget(close)
        return row

    def _update_buttons(self) -> None:
        filled = bool(self.module_edit.text().strip() and self.shapes_edit.text().strip())
        self.import_button.setEnabled(filled and self.trust_check.isChecked())
        self.open_button.setEnabled(self._can_open())

    def _can_open(self) -> bool:
        return self.result is not None and len(self.result.graph) > 0 and not self.opened

    def choose_file(self) -> None:
        path = self.ask_file(self.main_window.settings.last_directory)
        if path:
            self.module_edit.setText(path)

    def run_import(self) -> ImportResult | None:
        """Import the module (only when its code is trusted) and open it as a new
        network; None when nothing was imported (the reason is shown)."""
        if not self.trust_check.isChecked():
            self.show_problem("Nothing was run: tick “I trust this code” first, since importing runs the file's code.")
            return None
        try:
            shapes, dtypes = parse_input_shapes(self.shapes_edit.text())
        except ValueError as error:
            self.show_problem(f"Input shapes: {error}.")
            return None
        source = self.module_edit.text().strip()
        if not source:
            self.show_problem("Name the module: a Python file or package.module:Class.")
            return None
        result = self._import(source, shapes, dtypes)
        if result is None:
            return None
        self.result, self.opened = result, False
        self._show_report(result)
        self.moduleImported.emit(result)
        if len(result.graph):
            self.open_result()
        self._update_buttons()
        return result

    def _import(self, source: str, shapes: list[tuple[int, ...]], dtypes: list[str]) -> ImportResult | None:
        from graph_core.importer import ModuleImportError, import_module

        try:
            with _busy():
                return import_module(
                    source, shapes, class_name=self.class_edit.text().strip() or None, input_dtypes=dtypes
                )
        except ModuleImportError as error:
            self.show_problem(str(error))
        except Exception as error:  # the user's code may raise anything; the app stays up
            self.show_problem(f"Importing failed: {type(error).__name__}: {error}")
        return None

    def open_result(self) -> bool:
        """Open the imported graph as a new, unsaved network (asking about unsaved
        changes first), and give its weights to training and export."""
        from graph_core.project import Project

        if not self._can_open():
            return False
        name = self._class_name()
        project = Project(graph=self.result.graph.copy())
        project.view.update({"title": f"{name} (imported)", "description": f"Imported from {self.module_edit.text()}"})
        if not self.main_window.open_unsaved_project(project, f"{name} (imported)"):
            self.next_steps.setText("Not opened: the current network was kept. Open it with “Open as New Network”.")
            self._update_buttons()
            return False
        self.opened = True
        self._update_buttons()
        self._hand_over_weights()
        return True

    def _hand_over_weights(self) -> None:
        if self.result.model is None:
            self.next_steps.setText("Opened as a new network. It does not compile yet, so its weights were not kept.")
            return
        reason = _adopt(self.main_window, self.result.model)
        if reason:
            self.next_steps.setText(
                f"Opened as a new network; training and export start from fresh weights ({reason})."
            )
            return
        self.next_steps.setText(
            "Opened as a new network with the module's weights: File › Export… writes them and Continue Training "
            "trains on from them. Choose data for it in the Training panel."
        )

    def _class_name(self) -> str:
        text = self.class_edit.text().strip() or self.module_edit.text().strip().rpartition(":")[2]
        return text if text.isidentifier() else "Module"

    def _show_report(self, result: ImportResult) -> None:
        self.table.clear()
        report = result.report
        for item in report.unsupported:
            self._row("error", item.name, item.what, item.reason)
        for problem in report.diagnostics:
            self._row("warning", "graph", "", problem)
        for note in report.notes:
            self._row("info", "note", "", note)
        nodes = len(result.graph)
        name = self._class_name()
        diff = report.max_abs_diff
        if report.ok:
            self._set_summary(
                f"✓ Imported {name}: {nodes} nodes; outputs match the module's (max abs diff {diff:.2g}).", "ok"
            )
            self._row("ok", "", "every operation", "became a node")
        elif report.unsupported:
            count = len(report.unsupported)
            self._set_summary(
                f"Imported {name} in part: {count} operation{'s' * (count != 1)} "
                f"{'have' if count != 1 else 'has'} no NeuroLoom layer (below); finish the graph by hand.",
                "warning",
            )
        else:
            compared = f"max abs diff {diff:.2g}" if diff is not None else "not compared"
            self._set_summary(f"Imported {name} with problems ({compared}); see below.", "warning")

    def _ask_file(self, start: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a PyTorch module", start, PYTHON_FILTER)
        return path or None


# ----- entry points ------------------------------------------------------------------------------------
def show_import_weights_dialog(window: MainWindow) -> ImportWeightsDialog | None:
    """File > Import > Weights…: choose a file, then see what loaded."""
    dialog = ImportWeightsDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if not dialog.choose_file():
        dialog.deleteLater()
        return None
    dialog.open()
    return dialog


def show_import_module_dialog(window: MainWindow) -> ImportModuleDialog:
    """File > Import > PyTorch Module…"""
    dialog = ImportModuleDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _adopt(window: MainWindow, model: Any) -> str | None:
    """Hand `model` to training (and so to export); None when taken, else why not."""
    from app.training.worker import wait_until_warm

    if not window.training.is_ready:
        with _busy():
            wait_until_warm(timeout=60)  # torch is loaded already: this is the optimizer warm-up
    return window.training.adopt_model(model)


@contextmanager
def _busy() -> Iterator[None]:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def _close_row(dialog: QDialog) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    close = QPushButton("Close")
    close.clicked.connect(dialog.reject)
    row.addWidget(close)
    return row


def _label(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote code and paths: "<" is no tag
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label
