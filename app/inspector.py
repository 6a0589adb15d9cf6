"""The inspector: the selected node's parameters as widgets generated from its layer
spec, its output shape, parameter count, problems and explanation; or, with nothing
selected, the totals of the whole network. Every edit is an undoable command.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.commands import SetParamCommand
from app.icons import icon
from app.theme import current_theme, set_style_property
from graph_core.shapes import Diagnostic
from graph_core.specs import ParamSpec

_INT_LIMIT = 2_147_483_647


def format_count(number: int) -> str:
    """1234567 -> '1,234,567': parameter counts are easier to read grouped."""
    return f"{number:,}"


def _label(text: str = "", role: str | None = None, wrap: bool = False, rich: bool = False) -> QLabel:
    """A selectable label; plain text unless `rich` (names and messages may hold '<')."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _section(text: str) -> QLabel:
    """A small capitalised heading with room above it."""
    label = _label(text, "section")
    label.setContentsMargins(0, 10, 0, 2)
    return label


# ----- editors: one small widget per parameter kind, all with the same surface --------------
class ParamEditor(QWidget):
    """Shows one value and reports what the user enters. `edited(value)` fires for a
    value to commit; `invalid(message)` for text that is not a value at all.
    `set_value` never emits (model -> widget updates must not echo back)."""

    edited = Signal(object)
    invalid = Signal(str)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.spec = spec
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        blocker = [w.blockSignals(True) for w in self._signal_sources()]
        try:
            self._show(value)
        finally:
            for widget, was in zip(self._signal_sources(), blocker):
                widget.blockSignals(was)

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _signal_sources(self) -> list[QObject]:
        return [self]

    def _emit(self, *_args) -> None:
        self.edited.emit(self.value())


def _int_range(spec: ParamSpec) -> tuple[int, int]:
    low = int(spec.min) if spec.min is not None else -_INT_LIMIT
    high = int(spec.max) if spec.max is not None else _INT_LIMIT
    return low, high


def _spin_box(spec: ParamSpec) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(*_int_range(spec))
    spin.setKeyboardTracking(False)  # typed digits commit on Enter, not per keystroke
    spin.setAccelerated(True)
    spin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return spin


class IntEditor(ParamEditor):
    def __init__(self, spec: ParamSpec) -> None:
        super().__init__(spec)
        self.spin = _spin_box(spec)
        self._layout.addWidget(self.spin)
        self.spin.valueChanged.connect(self._emit)

    def value(self) -> int:
        return self.spin.value()

    def _show(self, value: Any) -> None:
        self.spin.setValue(int(value))

    def _signal_sources(self) -> list[QObject]:
        return [self.spin]


class _DimSpinBox(QSpinBox):
    """A dimension index: stepping never lands on 0, which is the batch dimension."""

    def stepBy(self, steps: int) -> None:  # noqa: N802
        target = self.value() + steps
        if target == 0:
            steps += 1 if steps > 0 else -1
        super().stepBy(steps)


class DimEditor(IntEditor):
    def __init__(self, spec: ParamSpec) -> None:
        ParamEditor.__init__(self, spec)
        self.spin = _DimSpinBox()
        self.spin.setRange(-7, 7)
        self.spin.setKeyboardTracking(False)
        self.spin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._layout.addWidget(self.spin)
        self.spin.valueChanged.connect(self._emit)


class _FloatSpinBox(QDoubleSpinBox):
    """Shows values compactly (0.001, 1e-05) and accepts scientific notation typed in."""

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        stripped = text.strip().replace(",", ".")
        if not stripped or re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d*)([eE][-+]?\d*)?", stripped) is None:
            state = QValidator.State.Intermediate if re.fullmatch(r"[-+.eE\d]*", stripped) else QValidator.State.Invalid
            return state, text, pos
        try:
            number = float(stripped)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        inside = self.minimum() <= number <= self.maximum()
        return (QValidator.State.Acceptable if inside else QValidator.State.Intermediate), text, pos


class FloatEditor(ParamEditor):
    def __init__(self, spec: ParamSpec) -> None:
        super().__init__(spec)
        self.spin = _FloatSpinBox()
        self.spin.setDecimals(10)
        self.spin.setRange(spec.min if spec.min is not None else -1e12, spec.max if spec.max is not None else 1e12)
        # Steps by a tenth of the value's own magnitude: 0.5 -> 0.1, 1e-5 -> 1e-6.
        self.spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.spin.setKeyboardTracking(False)
        self.spin.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._layout.addWidget(self.spin)
        self.spin.valueChanged.connect(self._emit)

    def value(self) -> float:
        return float(self.spin.value())

    def _show(self, value: Any) -> None:
        self.spin.setValue(float(value))

    def _signal_sources(self) -> list[QObject]:
        return [self.spin]


class BoolEditor(ParamEditor):
    def __init__(self, spec: ParamSpec) -> None:
        super().__init__(spec)
        self.check = QCheckBox()
        self._layout.addWidget(self.check)
        self._layout.addStretch(1)
        self.check.toggled.connect(self._emit)

    def value(self) -> bool:
        return self.check.isChecked()

    def _show(self, value: Any) -> None:
        self.check.setChecked(bool(value))

    def _signal_sources(self) -> list[QObject]:
        return [self.check]


class ChoiceEditor(ParamEditor):
    def __init__(self, spec: ParamSpec) -> None:
        super().__init__(spec)
        self.combo = QComboBox()
        for choice in spec.choices:
            self.combo.addItem(str(choice), choice)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._layout.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(self._emit)

    def value(self) -> Any:
        return self.combo.currentData()

    def _show(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))

    def _signal_sources(self) -> list[QObject]:
        return [self.combo]


class SizeEditor(ParamEditor):
    """A kernel size, stride or padding: one number for every axis, one per axis, or a
    word such as 'same'; for nullable sizes also 'default' (None)."""

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__(spec)
        self.mode = QComboBox()
        if spec.nullable:
            self.mode.addItem("default", "none")
        self.mode.addItem("all axes" if spec.dims > 1 else "number", "one")
        if spec.dims > 1:
            self.mode.addItem("per axis", "each")
        for word in spec.words:
            self.mode.addItem(word, "word")
        self.mode.setVisible(self.mode.count() > 1)
        self.mode.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._layout.addWidget(self.mode)
        self.spins = [_spin_box(spec) for _ in range(max(1, spec.dims))]
        for spin in self.spins:
            spin.setMinimumWidth(48)
            self._layout.addWidget(spin)
            spin.valueChanged.connect(self._emit)
        self.mode.currentIndexChanged.connect(self._on_mode)
        self._update_visibility()

    def value(self) -> Any:
        kind = self.mode.currentData()
        if kind == "none":
            return None
        if kind == "word":
            return self.mode.currentText()
        if kind == "each":
            return [spin.value() for spin in self.spins]
        return self.spins[0].value()

    def _show(self, value: Any) -> None:
        if value is None:
            self.mode.setCurrentIndex(self.mode.findData("none"))
        elif isinstance(value, str):
            self.mode.setCurrentIndex(self.mode.findText(value))
        elif isinstance(value, (list, tuple)):
            self.mode.setCurrentIndex(max(0, self.mode.findData("each")))
            for spin, number in zip(self.spins, value):
                spin.setValue(int(number))
        else:
            self.mode.setCurrentIndex(self.mode.findData("one"))
            for spin in self.spins:
                spin.setValue(int(value))
        self._update_visibility()

    def _signal_sources(self) -> list[QObject]:
        return [self.mode, *self.spins]

    def _on_mode(self) -> None:
        if self.mode.currentData() == "one":  # from per-axis: keep the first number
            for spin in self.spins[1:]:
                spin.blockSignals(True)
                spin.setValue(self.spins[0].value())
                spin.blockSignals(False)
        self._update_visibility()
        self._emit()

    def _update_visibility(self) -> None:
        kind = self.mode.currentData()
        for i, spin in enumerate(self.spins):
            spin.setVisible(kind == "each" or (kind == "one" and i == 0))


class ListEditor(ParamEditor):
    """A shape or list of numbers typed as `1, 8, 8` (brackets optional); commits on
    Enter or when the field loses focus."""

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__(spec)
        self.line = QLineEdit()
        self.line.setPlaceholderText("e.g. 1, 8, 8")
        self._layout.addWidget(self.line)
        self.line.editingFinished.connect(self._on_finished)

    def value(self) -> Any:
        return parse_int_list(self.line.text())

    def _show(self, value: Any) -> None:
        self.line.setText(", ".join(str(v) for v in value or []))

    def _signal_sources(self) -> list[QObject]:
        return [self.line]

    def _on_finished(self) -> None:
        parsed = self.value()
        if parsed is None:
            self.invalid.emit("type whole numbers separated by commas, e.g. 1, 8, 8")
        else:
            self.edited.emit(parsed)  # an unchanged value is dropped by the inspector


def parse_int_list(text: str) -> list[int] | None:
    """'[1, 8, 8]', '1,8,8' or '1 8 8' -> [1, 8, 8]; None when it is not such a list."""
    stripped = text.strip().strip("[]()").strip()
    if not stripped:
        return []
    parts = [p for p in re.split(r"[,\s]+", stripped) if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


class NullableEditor(ParamEditor):
    """Wraps an editor with a 'none' check box for values that may be left unset."""

    def __init__(self, spec: ParamSpec, inner: ParamEditor) -> None:
        super().__init__(spec)
        self.none = QCheckBox("none")
        self.inner = inner
        self._layout.addWidget(self.none)
        self._layout.addWidget(inner, 1)
        self.none.toggled.connect(self._on_toggled)
        inner.edited.connect(self.edited)
        inner.invalid.connect(self.invalid)

    def value(self) -> Any:
        return None if self.none.isChecked() else self.inner.value()

    def _show(self, value: Any) -> None:
        self.none.setChecked(value is None)
        self.inner.setEnabled(value is not None)
        if value is not None:
            self.inner.set_value(value)

    def _signal_sources(self) -> list[QObject]:
        return [self.none]

    def _on_toggled(self, checked: bool) -> None:
        self.inner.setEnabled(not checked)
        self._emit()


_EDITORS = {
    "int": IntEditor,
    "float": FloatEditor,
    "bool": BoolEditor,
    "choice": ChoiceEditor,
    "size": SizeEditor,
    "shape": ListEditor,
    "ints": ListEditor,
    "dim": DimEditor,
}


def make_editor(spec: ParamSpec) -> ParamEditor:
    """The editor widget for one parameter spec."""
    editor = _EDITORS[spec.kind](spec)
    if spec.nullable and spec.kind != "size":  # sizes offer 'default' in their own combo
        editor = NullableEditor(spec, editor)
    tip = spec.help or spec.title
    editor.setToolTip(tip[:1].upper() + tip[1:])
    return editor


# ----- one row of the form: an editor and its inline message --------------------------------
class ParamRow(QWidget):
    """An editor with a red message under it. Values are checked against the spec
    before they are sent on; refused values never reach the model."""

    commit = Signal(str, object)  # parameter name, value

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.spec = spec
        self.editor = make_editor(spec)
        self.message = _label(role="error", wrap=True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        self.editor.edited.connect(self._on_edited)
        self.editor.invalid.connect(self.show_error)

    def set_value(self, value: Any) -> None:
        self.editor.set_value(value)
        self.show_error(None)

    def show_error(self, text: str | None) -> None:
        self.message.setText(f"{self.spec.title} {text}" if text else "")
        self.message.setVisible(bool(text))
        for field in self.findChildren(QLineEdit):
            if isinstance(field.parent(), QAbstractSpinBox):
                continue  # a spin box's own text field: its frame belongs to the spin box
            set_style_property(field, "invalid", bool(text))

    @property
    def error(self) -> str | None:
        return self.message.text() or None

    def _on_edited(self, value: Any) -> None:
        problem = self.spec.check(value)
        if problem:
            self.show_error(problem)
            return
        self.show_error(None)
        self.commit.emit(self.spec.name, value)


# ----- the inspector itself ------------------------------------------------------------------
class InspectorWidget(QScrollArea):
    """Edits the selected node, or summarises the network when none is selected."""

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.node_id: str | None = None
        self._selection: list[str] = []
        self._rows: dict[str, ParamRow] = {}
        self._shown_type: str | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        document.graphChanged.connect(self._refresh_timer.start)
        document.analysisChanged.connect(self._refresh_timer.start)
        self._show_graph()

    # ----- public -----------------------------------------------------------------------
    def set_selection(self, node_ids: list[str]) -> None:
        """Show the node when one is selected, else the selection or network summary."""
        self._selection = [n for n in node_ids if n in self.document.graph]
        node_id = self._selection[0] if len(self._selection) == 1 else None
        if node_id is not None:
            self._show_node(node_id)
        else:
            self._show_graph()

    def row(self, name: str) -> ParamRow:
        """The form row of parameter `name` of the shown node."""
        return self._rows[name]

    def refresh(self) -> None:
        """Bring the view up to date with the model (after any edit, undo or redo)."""
        graph = self.document.graph
        if self.node_id is not None and self.node_id in graph and graph.node(self.node_id).type == self._shown_type:
            self._update_node_values()
            self._fill_node_facts()
            return
        self.set_selection(self._selection)

    # ----- node view ----------------------------------------------------------------------
    def _show_node(self, node_id: str) -> None:
        node = self.document.graph.node(node_id)
        spec = node.spec
        self.node_id, self._shown_type = node_id, node.type
        page, layout = self._new_page()
        self.title = _label(node_id, "title")
        subtitle = f"{spec.type}  ·  {spec.category}"
        layout.addWidget(self.title)
        layout.addWidget(_label(subtitle, "subtitle"))
        self._facts = _FactsCard()
        layout.addWidget(self._facts)
        layout.addWidget(_section("PARAMETERS"))
        layout.addWidget(self._build_form(spec.params, node.params))
        self._problems_box = QVBoxLayout()
        layout.addLayout(self._problems_box)
        layout.addWidget(_section(f"ABOUT {spec.type.upper()}"))
        layout.addWidget(_label(spec.summary, wrap=True))
        layout.addWidget(_label(spec.explanation, "explanation", wrap=True))
        layout.addStretch(1)
        self._set_page(page)
        self._fill_node_facts()

    def _build_form(self, params: tuple[ParamSpec, ...], values: dict) -> QWidget:
        holder = QWidget()
        form = QFormLayout(holder)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setVerticalSpacing(8)
        form.setHorizontalSpacing(12)
        self._rows = {}
        for param in params:
            row = ParamRow(param)
            row.set_value(values.get(param.name))
            row.commit.connect(self._push)
            label = QLabel(param.title)
            label.setToolTip(row.editor.toolTip())
            label.setBuddy(row.editor)
            form.addRow(label, row)
            self._rows[param.name] = row
        if not params:
            form.addRow(_label("This layer has no settings.", "dim"))
        return holder

    def _update_node_values(self) -> None:
        node = self.document.graph.node(self.node_id)
        for name, row in self._rows.items():
            value = node.params.get(name)
            if not _is_close(row.editor.value(), value):
                row.set_value(value)

    def _fill_node_facts(self) -> None:
        analysis = self.document.analysis
        info = analysis.nodes.get(self.node_id)
        self._facts.set_facts(
            [
                ("Output", info.shape_text if info else "?"),
                ("Parameters", format_count(info.params) if info else "0"),
            ]
        )
        _fill_problems(self._problems_box, analysis.for_node(self.node_id))

    def _push(self, name: str, value: Any) -> None:
        if _is_close(self.document.graph.node(self.node_id).params.get(name), value):
            return  # e.g. focus left a list field without a change: no empty undo step
        problem = self.document.try_push(SetParamCommand(self.document.graph, self.node_id, name, value))
        if problem:
            self._rows[name].show_error(_strip_place(problem, name))

    # ----- graph view ---------------------------------------------------------------------
    def _show_graph(self) -> None:
        self.node_id, self._shown_type, self._rows = None, None, {}
        page, layout = self._new_page()
        graph = self.document.graph
        analysis = self.document.analysis
        chosen = self._selection
        if chosen:
            title = f"{len(chosen)} nodes selected"
            total = sum(analysis.nodes[n].params for n in chosen if n in analysis.nodes)
            facts = [("Nodes", str(len(chosen))), ("Parameters", format_count(total))]
        else:
            title = "Network"
            facts = [
                ("Nodes", str(len(graph))),
                ("Edges", str(len(graph.edges()))),
                ("Parameters", format_count(analysis.total_params)),
            ]
        self.title = _label(title, "title")
        layout.addWidget(self.title)
        layout.addWidget(_label(_validity_text(analysis.diagnostics), _validity_role(analysis.diagnostics)))
        self._facts = _FactsCard()
        self._facts.set_facts(facts)
        layout.addWidget(self._facts)
        if not chosen:
            self._add_ports(layout, "INPUTS", graph.input_nodes())
            self._add_ports(layout, "OUTPUTS", graph.output_nodes())
        self._problems_box = QVBoxLayout()
        layout.addLayout(self._problems_box)
        _fill_problems(self._problems_box, [d for d in analysis.diagnostics if not chosen or d.node in chosen])
        hint = "Select one node to edit its parameters." if chosen else "Select a node to edit its parameters."
        layout.addWidget(_label(hint, "dim", wrap=True))
        layout.addStretch(1)
        self._set_page(page)

    def _add_ports(self, layout: QVBoxLayout, heading: str, node_ids: list[str]) -> None:
        layout.addWidget(_section(heading))
        if not node_ids:
            layout.addWidget(_label("none", "dim"))
            return
        card = _FactsCard()
        card.set_facts([(n, self.document.analysis.nodes[n].shape_text) for n in node_ids])
        layout.addWidget(card)

    # ----- plumbing -----------------------------------------------------------------------
    def _new_page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        return page, layout

    def _set_page(self, page: QWidget) -> None:
        old = self.takeWidget()
        self.setWidget(page)
        if old is not None:
            old.deleteLater()


class _FactsCard(QFrame):
    """A rounded box of label/value pairs (output shape, parameter count, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(10, 8, 10, 8)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(1, 1)
        self.values: dict[str, str] = {}

    def set_facts(self, facts: list[tuple[str, str]]) -> None:
        if [k for k, _ in facts] == list(self.values):
            for row, (_key, value) in enumerate(facts):
                self._grid.itemAtPosition(row, 1).widget().setText(value)
        else:
            while self._grid.count():
                self._grid.takeAt(0).widget().deleteLater()
            for row, (key, value) in enumerate(facts):
                self._grid.addWidget(_label(key, "dim"), row, 0)
                value_label = _label(value)
                value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._grid.addWidget(value_label, row, 1)
        self.values = dict(facts)


def _fill_problems(box: QVBoxLayout, diagnostics: list[Diagnostic]) -> None:
    """Replace the contents of `box` with one line per diagnostic, errors first."""
    while box.count():
        item = box.takeAt(0)
        if item.widget():
            item.widget().deleteLater()
    if not diagnostics:
        return
    box.addWidget(_section("PROBLEMS"))
    for diagnostic in sorted(diagnostics, key=lambda d: d.severity != "error"):
        box.addWidget(_ProblemLine(diagnostic))


class _ProblemLine(QWidget):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        badge = QLabel()
        colour_role = "error" if diagnostic.severity == "error" else "warning"
        badge.setPixmap(icon(colour_role, _role_colour(colour_role)).pixmap(16, 16))
        badge.setAlignment(Qt.AlignmentFlag.AlignTop)
        where = f"<b>{html.escape(diagnostic.node)}</b>: " if diagnostic.node else ""
        text = _label(where + html.escape(diagnostic.message), colour_role, wrap=True, rich=True)
        layout.addWidget(badge)
        layout.addWidget(text, 1)


def _role_colour(role: str) -> str:
    theme = current_theme()
    return theme.error if role == "error" else theme.warning


def _validity_text(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    if not errors and not warnings:
        return "✓ Valid: ready to train"
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    return ("✗ " if errors else "⚠ ") + ", ".join(parts)


def _validity_role(diagnostics: list[Diagnostic]) -> str:
    if any(d.severity == "error" for d in diagnostics):
        return "error"
    return "warning" if diagnostics else "ok"


def _strip_place(message: str, name: str) -> str:
    """'Linear.out_features: must be ...' -> 'must be ...' (the row names the field)."""
    head, sep, rest = message.partition(": ")
    return rest if sep and name in head else message


def _is_close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b
