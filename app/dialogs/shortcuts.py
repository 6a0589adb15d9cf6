"""The keyboard shortcut reference, built from the window's own actions (so it cannot
drift from what the keys do) plus the canvas gestures that have no menu entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

CANVAS_GESTURES = (
    ("Tab, or double-click empty canvas", "Quick add: search for a layer at the cursor"),
    ("Drag from an output port to an input port", "Connect two layers"),
    ("Drag an edge's end off its port", "Rewire or disconnect"),
    ("Arrow keys (Shift: larger steps)", "Move the selected nodes"),
    ("Ctrl/Shift + click, or drag on empty canvas", "Add to the selection"),
    ("Mouse wheel", "Zoom around the cursor"),
    ("Middle-drag, or Space + drag", "Pan"),
)


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what it does) for every action that has a shortcut."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            rows.append((" or ".join(keys), action.text().replace("&", "")))
    return rows


class ShortcutsDialog(QDialog):
    """A two-column table: keys and what they do."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 560)
        self.table = QTreeWidget(self)
        self.table.setHeaderLabels(["Keys", "Action"])
        self.table.setRootIsDecorated(False)
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self._add_section("Commands", shortcut_rows(actions))
        self._add_section("Canvas", list(CANVAS_GESTURES))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def _add_section(self, title: str, rows: list[tuple[str, str]]) -> None:
        header = QTreeWidgetItem([title.upper(), ""])
        header.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = header.font(0)
        font.setBold(True)
        header.setFont(0, font)
        self.table.addTopLevelItem(header)
        for keys, what in rows:
            self.table.addTopLevelItem(QTreeWidgetItem([keys, what]))
