"""The data a network learns from: a built-in set or the user's CSV file or image folder,
with the settings that set uses (generated from the `DATA_FIELDS` table), split ratios,
input features for 2-D data as chips, and a preview. Edits go to `project.data`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.inspector import ParamRow
from app.training.settings_panel import form_layout, section_heading
from graph_core.settings import CSV_FIELDS, DATA_FIELDS, FEATURE_NAMES, IMAGE_FOLDER_FIELDS, TEXT_FILE_FIELDS, complete

# Settings with a widget of their own below; the rest of DATA_FIELDS are plain rows.
_CUSTOM = ("dataset", "split", "features", "csv", "image_folder", "text_file", "points")
_FILE_SECTIONS = {"csv": CSV_FIELDS, "image_folder": IMAGE_FOLDER_FIELDS, "text_file": TEXT_FILE_FIELDS}
PREVIEW_HEIGHT = 250
_KIND_ORDER = ("points2d", "curve1d", "image", "sequence", "text", "tabular")
CHIP_STYLE = """
QToolButton#chip {
    border: 1px solid palette(mid); border-radius: 10px; padding: 1px 7px; background: palette(base);
}
QToolButton#chip:checked { background: palette(highlight); color: palette(highlighted-text);
    border-color: palette(highlight); }
"""


def _row_label(text: str, tip: str = "") -> QLabel:
    label = QLabel(text)
    label.setToolTip(tip)
    return label


class SplitEditor(QWidget):
    """Train / validation / test shares in percent; they always add up to 100."""

    edited = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.spins: list[QSpinBox] = []
        for index, (name, low) in enumerate((("train", 1), ("val", 0), ("test", 0))):
            spin = QSpinBox()
            spin.setRange(low, 100)
            spin.setSuffix("%")
            spin.setKeyboardTracking(False)
            spin.setToolTip(f"{name} share of the samples")
            spin.setMinimumWidth(56)
            spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            spin.valueChanged.connect(lambda _v, i=index: self._balance(i))
            layout.addWidget(spin)
            self.spins.append(spin)

    def value(self) -> list[float]:
        return [spin.value() / 100 for spin in self.spins]

    def set_value(self, ratios: list[float]) -> None:
        for spin, ratio in zip(self.spins, ratios):
            spin.blockSignals(True)
            spin.setValue(round(ratio * 100))
            spin.blockSignals(False)

    def _balance(self, changed: int) -> None:
        """Take what a changed share needs from the test share (or, when the test share
        changed, from validation), then from the other one."""
        values = [spin.value() for spin in self.spins]
        excess = sum(values) - 100
        for index in [2, 1] if changed == 0 else [2, 0] if changed == 1 else [1, 0]:
            low = self.spins[index].minimum()
            take = max(min(excess, values[index] - low), -(100 - values[index]))
            values[index] -= take
            excess -= take
        self.set_value([v / 100 for v in values])
        self.edited.emit(self.value())


class FeatureChips(QWidget):
    """Checkable chips, one per input feature, a few to a row; at least one stays on."""

    edited = Signal(list)

    def __init__(self, names: tuple[str, ...] = FEATURE_NAMES, per_row: int = 4) -> None:
        super().__init__()
        self.setStyleSheet(CHIP_STYLE)
        self.per_row = per_row
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        self.set_names(names)

    def set_names(self, names: tuple[str, ...] | list[str]) -> None:
        for button in self.buttons.values():
            self._grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for index, name in enumerate(names):
            button = QToolButton()
            button.setObjectName("chip")
            button.setText(name)
            button.setCheckable(True)
            button.toggled.connect(self._on_toggled)
            self._grid.addWidget(button, index // self.per_row, index % self.per_row)
            self.buttons[name] = button
        self._grid.setColumnStretch(self.per_row, 1)

    def value(self) -> list[str]:
        return [name for name, button in self.buttons.items() if button.isChecked()]

    def set_value(self, names: list[str] | None) -> None:
        for name, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(names is None or name in names)
            button.blockSignals(False)

    def _on_toggled(self, checked: bool) -> None:
        if not self.value():  # the last chip cannot be switched off
            self.sender().blockSignals(True)
            self.sender().setChecked(True)
            self.sender().blockSignals(False)
            return
        self.edited.emit(self.value())


class DataPanel(QWidget):
    """Edits `document.project.data`. `changed(key)` after each accepted edit.

    `ask_csv_path`, `ask_image_folder` and `ask_text_path` open file dialogs; tests
    replace them with functions returning a path (or None for a cancelled dialog).
    """

    changed = Signal(str)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.ask_csv_path: Callable[[], str | None] = self._ask_csv_path
        self.ask_image_folder: Callable[[], str | None] = self._ask_image_folder
        self.ask_text_path: Callable[[], str | None] = self._ask_text_path
        self.rows: dict[str, ParamRow] = {}
        self._labels: dict[str, QLabel] = {}
        self._file_rows: dict[str, ParamRow] = {}
        self._shown_dataset: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._build_choice(layout)
        self._build_file_box(layout)
        self._build_drawing(layout)
        self._build_settings(layout)
        self.preview_box = QVBoxLayout()
        layout.addWidget(section_heading("PREVIEW"))
        layout.addLayout(self.preview_box)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.refresh()

    # ---- construction ------------------------------------------------------------------------
    def _build_choice(self, layout: QVBoxLayout) -> None:
        from graph_core.data import DATASETS

        layout.addWidget(section_heading("DATA SET"))
        self.dataset = QComboBox()
        self.dataset.setMaxVisibleItems(20)
        infos = sorted(DATASETS.values(), key=lambda info: (info.from_file, _KIND_ORDER.index(info.kind)))
        previous = None
        for info in infos:
            group = (info.from_file, info.kind)
            if previous is not None and group != previous:
                self.dataset.insertSeparator(self.dataset.count())
            self.dataset.addItem(info.title + ("…" if info.from_file else ""), info.name)
            self.dataset.setItemData(self.dataset.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole)
            previous = group
        self.dataset.activated.connect(self._on_dataset_chosen)
        layout.addWidget(self.dataset)
        self.description = QLabel()
        self.description.setProperty("role", "dim")
        self.description.setWordWrap(True)
        layout.addWidget(self.description)

    def _build_file_box(self, layout: QVBoxLayout) -> None:
        self.file_box = QWidget()
        form = form_layout(self.file_box)
        path_row = QWidget()
        row_layout = QHBoxLayout(path_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        self.path_label = QLabel()
        self.path_label.setProperty("role", "dim")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self.choose_file)
        row_layout.addWidget(self.path_label, 1)
        row_layout.addWidget(self.choose_button)
        form.addRow(_row_label("File"), path_row)
        self.target = QComboBox()
        self.target.activated.connect(self._on_target)
        self._target_label = _row_label("Target", "the column to predict")
        form.addRow(self._target_label, self.target)
        self.columns = FeatureChips(())
        self.columns.edited.connect(lambda names: self._set_section_value("csv", "features", names))
        self._columns_label = _row_label("Features", "the columns the network reads")
        form.addRow(self._columns_label, self.columns)
        for section, fields in (("csv", CSV_FIELDS), ("image_folder", IMAGE_FOLDER_FIELDS)):
            for spec in fields:
                if spec.kind in ("str", "strs"):
                    continue  # path, target and features have the widgets above
                row = ParamRow(spec)
                row.commit.connect(lambda name, value, s=section: self._set_section_value(s, name, value))
                label = _row_label(spec.title.capitalize(), spec.help)
                form.addRow(label, row)
                self._file_rows[f"{section}.{spec.name}"] = row
                self._labels[f"{section}.{spec.name}"] = label
        layout.addWidget(self.file_box)

    def _build_drawing(self, layout: QVBoxLayout) -> None:
        """The canvas of the "drawn" data set, shown only for it."""
        from app.training.drawing import DrawingEditor

        self.drawing = DrawingEditor()
        self.drawing.edited.connect(lambda points: self._set_value("points", points))
        layout.addWidget(self.drawing)

    def _build_settings(self, layout: QVBoxLayout) -> None:
        layout.addWidget(section_heading("SETTINGS"))
        holder = QWidget()
        self.form = form_layout(holder)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # chips go below their label
        for spec in DATA_FIELDS:
            if spec.name in _CUSTOM:
                continue
            row = ParamRow(spec)
            row.commit.connect(self._set_value)
            label = _row_label(spec.title.capitalize(), spec.help)
            self.form.addRow(label, row)
            self.rows[spec.name] = row
            self._labels[spec.name] = label
        self.split = SplitEditor()
        self.split.edited.connect(lambda ratios: self._set_value("split", ratios))
        self._labels["split"] = _row_label("Split", "train, validation and test shares")
        self.form.addRow(self._labels["split"], self.split)
        self.features = FeatureChips()
        self.features.edited.connect(lambda names: self._set_value("features", names))
        self._labels["features"] = _row_label("Features", "what the network sees of each point")
        self.form.addRow(self._labels["features"], self.features)
        layout.addWidget(holder)

    # ---- showing the project's values ------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return complete(DATA_FIELDS, self.document.project.data)

    def refresh(self) -> None:
        from graph_core.data import DATASETS

        values = self.values()
        name = values["dataset"]
        info = DATASETS.get(name)
        self.dataset.setCurrentIndex(max(0, self.dataset.findData(name)))
        self.description.setText(info.description if info else "")
        used = set(info.settings) if info else set()
        for key, row in self.rows.items():
            row.set_value(values[key])
            self._show_row(key, row, key in used)
        self.split.set_value(values["split"])
        self._show_row("split", self.split, "split" in used)
        self.features.set_value(values["features"])
        self._show_row("features", self.features, "features" in used)
        self._refresh_file_box(name, values)
        self.drawing.setVisible(name == "drawn")
        if name == "drawn":
            self.drawing.set_points(values["points"])
        self._shown_dataset = name

    def _show_row(self, key: str, widget: QWidget, shown: bool) -> None:
        widget.setVisible(shown)
        self._labels[key].setVisible(shown)

    def _refresh_file_box(self, name: str, values: dict) -> None:
        section = name if name in _FILE_SECTIONS else None
        self.file_box.setVisible(section is not None)
        if section is None:
            return
        settings = complete(_FILE_SECTIONS[section], values.get(section) or {})
        self.path_label.setText(settings["path"] or "no file chosen")
        self.path_label.setToolTip(settings["path"])
        for key, row in self._file_rows.items():
            owner, field = key.split(".", 1)
            row.setVisible(owner == section)
            self._labels[key].setVisible(owner == section)
            if owner == section:
                row.set_value(settings[field])
        is_csv = section == "csv"
        for widget in (self.target, self._target_label, self.columns, self._columns_label):
            widget.setVisible(is_csv)
        if is_csv:
            self._fill_columns(settings)

    def _fill_columns(self, settings: dict) -> None:
        header = csv_header(self._resolve(settings["path"])) if settings["path"] else []
        self.target.clear()
        self.target.addItems(header)
        self.target.setCurrentIndex(max(0, self.target.findText(settings["target"])))
        others = [name for name in header if name != settings["target"]]
        self.columns.set_names(others)
        self.columns.set_value(settings["features"])

    def set_preview(self, widget: QWidget) -> None:
        """Put the data preview (a widget of the live views) into the panel."""
        widget.setFixedHeight(PREVIEW_HEIGHT)  # the panel scrolls; the preview keeps its size
        self.preview_box.addWidget(widget)

    def show_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))

    # ---- edits --------------------------------------------------------------------------------------------
    def _set_value(self, key: str, value: Any) -> None:
        data = self.document.project.data
        if data.get(key) == value:
            return
        data[key] = value
        self.changed.emit(key)

    def _set_section_value(self, section: str, key: str, value: Any) -> None:
        current = dict(self.document.project.data.get(section) or {})
        if current.get(key) == value:
            return
        current[key] = value
        self._set_value(section, current)
        if key == "target":
            self.refresh()

    def _on_target(self) -> None:
        self._set_section_value("csv", "target", self.target.currentText())

    def _on_dataset_chosen(self) -> None:
        name = self.dataset.currentData()
        if name in _FILE_SECTIONS and not (self.values().get(name) or {}).get("path"):
            if not self.choose_file(name):
                self.refresh()  # cancelled: back to the data set shown before
                return
        self.select_dataset(name)

    def select_dataset(self, name: str) -> None:
        """Switch to the data set called `name` (as if chosen in the list)."""
        if name == "drawn" and not self.values()["points"]:
            from app.training.drawing import heart

            self.document.project.data["points"] = heart()  # something to start from, or to clear
        self._set_value("dataset", name)
        self.refresh()

    def choose_file(self, section: str | None = None) -> bool:
        """Ask for a CSV file, an image folder or a text file; True when one was chosen."""
        section = section or self.values()["dataset"]
        ask = {"csv": self.ask_csv_path, "text_file": self.ask_text_path}.get(section, self.ask_image_folder)
        path = ask()
        if not path:
            return False
        settings: dict[str, Any] = {"path": str(path)}
        if section == "csv":
            header = csv_header(Path(path))
            settings["target"] = header[-1] if header else ""
        self.document.project.data[section] = {**(self.document.project.data.get(section) or {}), **settings}
        if section == "csv":
            self.document.project.data[section]["features"] = None
        self._set_value("dataset", section)
        self.changed.emit(section)
        self.refresh()
        return True

    def _resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        if not p.is_absolute() and self.document.path is not None:
            return self.document.path.parent / p
        return p

    def _ask_csv_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a CSV file", "", "CSV files (*.csv *.tsv *.txt)")
        return path or None

    def _ask_text_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a plain-text file", "", "Text files (*.txt *.md *.text);;All files (*)"
        )
        return path or None

    def _ask_image_folder(self) -> str | None:
        return QFileDialog.getExistingDirectory(self, "Import an image folder (one sub-folder per class)") or None


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file, or [] when it cannot be read."""
    from graph_core.data import DataImportError
    from graph_core.data.csv_import import _parse

    try:
        return list(_parse(path).header)
    except (DataImportError, OSError, ValueError):
        return []
