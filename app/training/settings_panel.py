"""The training settings of a project as a form generated from the `TRAINING_FIELDS`
table (the inspector's editors, checked against the same specs); settings that do not
apply to the chosen optimizer or schedule are hidden. Edits go to `project.training`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.inspector import ParamRow
from graph_core.settings import TRAINING_FIELDS, complete
from graph_core.specs import ParamSpec

# The form's sections, in order; a field of the table missing here goes to the last.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "LOSS AND OPTIMIZER",
        ("mode", "diffusion_steps", "noise_schedule", "loss", "optimizer", "lr", "momentum", "nesterov"),
    ),
    ("LEARNING-RATE SCHEDULE", ("schedule", "warmup_epochs", "step_size", "gamma")),
    ("BATCHES", ("batch_size", "epochs", "seed")),
    ("REGULARIZATION", ("weight_decay", "l1", "grad_clip")),
    ("DEVICE", ("device",)),
)
LABELS = {
    "lr": "Learning rate",
    "weight_decay": "L2 (weight decay)",
    "l1": "L1",
    "grad_clip": "Gradient clip",
    "warmup_epochs": "Warm-up epochs",
    "step_size": "Step size",
    "batch_size": "Batch size",
    "diffusion_steps": "Diffusion steps",
    "noise_schedule": "Noise schedule",
}
# Settings that only mean something for some choices are shown only then.
RELEVANT: dict[str, Callable[[dict], bool]] = {
    "momentum": lambda t: t["optimizer"] in ("SGD", "RMSprop"),
    "nesterov": lambda t: t["optimizer"] == "SGD",
    "step_size": lambda t: t["schedule"] in ("step", "exponential"),
    "gamma": lambda t: t["schedule"] in ("step", "exponential"),
    "diffusion_steps": lambda t: t["mode"] == "diffusion",
    "noise_schedule": lambda t: t["mode"] == "diffusion",
}


def section_heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    label.setContentsMargins(0, 10, 0, 2)
    return label


def form_layout(holder: QWidget) -> QFormLayout:
    """A form laid out like the inspector's."""
    form = QFormLayout(holder)
    form.setContentsMargins(0, 0, 0, 0)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(6)
    form.setHorizontalSpacing(12)
    return form


class TrainingSettingsPanel(QWidget):
    """Edits `document.project.training`; `changed(key)` after each accepted edit."""

    changed = Signal(str)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.rows: dict[str, ParamRow] = {}
        self._labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for title, names in _sections():
            layout.addWidget(section_heading(title))
            holder = QWidget()
            form = form_layout(holder)
            for name in names:
                self._add_row(form, _spec(name))
            layout.addWidget(holder)
        layout.addStretch(1)
        self._explain_choices()
        self.refresh()

    def _add_row(self, form: QFormLayout, spec: ParamSpec) -> None:
        row = ParamRow(spec)
        row.commit.connect(self._commit)
        label = QLabel(LABELS.get(spec.name, spec.title.capitalize()))
        label.setToolTip(row.editor.toolTip())
        label.setBuddy(row.editor)
        form.addRow(label, row)
        self.rows[spec.name] = row
        self._labels[spec.name] = label

    def _explain_choices(self) -> None:
        """Each loss, optimizer and schedule explains itself in its item's tooltip."""
        from graph_core.training import LOSS_EXPLANATIONS, OPTIMIZER_EXPLANATIONS, SCHEDULE_EXPLANATIONS

        for name, texts in (
            ("loss", LOSS_EXPLANATIONS),
            ("optimizer", OPTIMIZER_EXPLANATIONS),
            ("schedule", SCHEDULE_EXPLANATIONS),
        ):
            combo = self.editor(name).combo
            for index in range(combo.count()):
                combo.setItemData(index, texts.get(combo.itemData(index), ""), Qt.ItemDataRole.ToolTipRole)
        self._label_devices()

    def _label_devices(self) -> None:
        """Auto / CPU / CUDA with the GPU's name; CUDA is greyed out without one."""
        import torch

        combo = self.editor("device").combo
        cuda = torch.cuda.is_available()
        gpu = torch.cuda.get_device_name() if cuda else ""
        texts = {
            "auto": f"Auto ({'CUDA' if cuda else 'CPU'})",
            "cpu": "CPU",
            "cuda": f"CUDA — {gpu}" if cuda else "CUDA (no GPU found)",
        }
        for index in range(combo.count()):
            combo.setItemText(index, texts.get(combo.itemData(index), combo.itemText(index)))
        if not cuda:
            item = combo.model().item(combo.findData("cuda"))
            if item is not None:
                item.setEnabled(False)

    # ---- values ----------------------------------------------------------------------------
    def editor(self, name: str):
        return self.rows[name].editor

    def values(self) -> dict[str, Any]:
        return complete(TRAINING_FIELDS, self.document.project.training)

    def refresh(self) -> None:
        """Show the project's values (after loading another project)."""
        values = self.values()
        for name, row in self.rows.items():
            row.set_value(values[name])
        self._update_visibility(values)

    def set_value(self, name: str, value: Any) -> None:
        """Set one setting as if typed in (tests and quick fixes use it)."""
        editor = self.rows[name].editor
        editor.set_value(value)
        editor.edited.emit(value)

    def _commit(self, name: str, value: Any) -> None:
        training = self.document.project.training
        if training.get(name) == value:
            return
        training[name] = value
        self._update_visibility(self.values())
        self.changed.emit(name)

    def _update_visibility(self, values: dict) -> None:
        for name, relevant in RELEVANT.items():
            if name in self.rows:
                shown = relevant(values)
                self.rows[name].setVisible(shown)
                self._labels[name].setVisible(shown)


def _spec(name: str) -> ParamSpec:
    return next(spec for spec in TRAINING_FIELDS if spec.name == name)


def _sections() -> list[tuple[str, tuple[str, ...]]]:
    placed = {name for _, names in SECTIONS for name in names}
    known = {spec.name for spec in TRAINING_FIELDS}
    sections = [(title, tuple(n for n in names if n in known)) for title, names in SECTIONS]
    rest = tuple(spec.name for spec in TRAINING_FIELDS if spec.name not in placed)
    if rest:
        title, names = sections[-1]
        sections[-1] = (title, names + rest)
    return sections
