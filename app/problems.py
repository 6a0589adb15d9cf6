"""The problems list: every diagnostic of the graph, errors before warnings, with the
node it concerns. Clicking one asks for that node to be selected and shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.icons import icon
from app.theme import current_theme
from graph_core.shapes import Diagnostic

_NODE_ROLE = Qt.ItemDataRole.UserRole + 1


def diagnostic_node(diagnostic: Diagnostic) -> str | None:
    """The node a diagnostic points at: its own, or the node an edge problem enters."""
    if diagnostic.node:
        return diagnostic.node
    return diagnostic.edge.dst if diagnostic.edge else None


class ProblemsWidget(QTreeWidget):
    """Diagnostics in a table. Signals `nodeActivated(node_id)` and
    `countsChanged(errors, warnings)` (for the tab title)."""

    nodeActivated = Signal(str)
    countsChanged = Signal(int, int)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.diagnostics: list[Diagnostic] = []
        self.setColumnCount(3)
        self.setHeaderLabels(["", "Node", "Problem"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 34)
        header.resizeSection(1, 150)
        self.itemClicked.connect(self._on_item)
        self.itemActivated.connect(self._on_item)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)
        document.graphChanged.connect(self._timer.start)
        document.analysisChanged.connect(self._timer.start)
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Show the document's diagnostics; `force` redraws even if they did not change
        (after a theme change, for the icon colours)."""
        self.set_diagnostics(self.document.analysis.diagnostics, force)

    def set_diagnostics(self, diagnostics: list[Diagnostic], force: bool = False) -> None:
        ordered = sorted(diagnostics, key=lambda d: d.severity != "error")
        if ordered == self.diagnostics and self.topLevelItemCount() and not force:
            return
        self.diagnostics = ordered
        self.clear()
        theme = current_theme()
        for diagnostic in ordered:
            self.addTopLevelItem(self._item(diagnostic, theme))
        if not ordered:
            self.addTopLevelItem(self._all_clear_item(theme))
        errors = sum(1 for d in ordered if d.severity == "error")
        self.countsChanged.emit(errors, len(ordered) - errors)

    def _item(self, diagnostic: Diagnostic, theme) -> QTreeWidgetItem:
        node = diagnostic_node(diagnostic)
        error = diagnostic.severity == "error"
        item = QTreeWidgetItem(["", node or "network", diagnostic.message])
        item.setIcon(0, icon("error" if error else "warning", theme.error if error else theme.warning))
        item.setToolTip(0, "Error" if error else "Warning")
        item.setToolTip(2, diagnostic.message)
        item.setData(0, _NODE_ROLE, node)
        return item

    def _all_clear_item(self, theme) -> QTreeWidgetItem:
        item = QTreeWidgetItem(["", "", "No problems: the network is valid."])
        item.setIcon(0, icon("ok", theme.ok))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _on_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        node = item.data(0, _NODE_ROLE)
        if node and node in self.document.graph:
            self.nodeActivated.emit(node)
