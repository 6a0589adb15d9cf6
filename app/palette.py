"""The layer palette: every layer type from the registry, grouped by category, with a
search field. Dragging an entry carries its type name to the canvas; double-click or
Enter asks for it to be added at the centre of the view.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QMimeData, QModelIndex, QRect, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDrag, QFont, QKeyEvent, QPainter, QPalette, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.canvas.style import category_color
from app.canvas.view import LAYER_MIME
from app.icons import icon
from graph_core.registry import specs_by_category
from graph_core.specs import LayerSpec

_TYPE_ROLE = Qt.ItemDataRole.UserRole + 1  # the layer type name; None on category rows
_SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
_SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3  # lower-case text that search matches
_CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 4


def layer_mime_data(type_name: str) -> QMimeData:
    """What a palette drag carries: the layer type name under LAYER_MIME."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode("utf-8"))
    mime.setText(type_name)
    return mime


def layer_tooltip(spec: LayerSpec) -> str:
    """Rich-text tooltip: the summary in bold, then the plain-language explanation."""
    torch_name = f"<br><span style='color:gray'>{html.escape(spec.torch_class)}</span>" if spec.torch_class else ""
    return (
        "<table width='360'><tr><td>"
        f"<b>{html.escape(spec.type)}</b> — {html.escape(spec.summary)}{torch_name}"
        f"<p>{html.escape(spec.explanation)}</p>"
        "</td></tr></table>"
    )


class _LayerFilter(QSortFilterProxyModel):
    """Keeps layers whose name, summary or category contain every word typed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setRecursiveFilteringEnabled(True)  # a matching layer keeps its category

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        if index.data(_TYPE_ROLE) is None:
            return not self._words  # categories show when empty or through a child
        haystack = index.data(_SEARCH_ROLE)
        return all(word in haystack for word in self._words)


class _PaletteDelegate(QStyledItemDelegate):
    """Layer rows in two lines (name, then dim summary); category rows as headers."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        line = option.fontMetrics.height()
        if index.data(_TYPE_ROLE) is None:
            return QSize(200, line + 14)
        return QSize(200, 2 * line + 12)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        pal = option.palette
        rect = option.rect
        if selected or hovered:
            role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.AlternateBase
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pal.color(role))
            painter.drawRoundedRect(rect.adjusted(2, 1, -4, -1), 5, 5)
        if index.data(_TYPE_ROLE) is None:
            self._paint_category(painter, option, index)
        else:
            self._paint_layer(painter, option, index, selected)
        painter.restore()

    def _paint_category(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(option.font.pointSizeF() - 0.5)
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        count = index.model().rowCount(index)
        text = f"{index.data(Qt.ItemDataRole.DisplayRole).upper()}   {count}"
        painter.drawText(option.rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_layer(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, selected: bool) -> None:
        pal = option.palette
        rect = option.rect.adjusted(4, 5, -8, -5)
        colour = category_color(index.data(_CATEGORY_ROLE))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour if not selected else pal.color(QPalette.ColorRole.HighlightedText))
        painter.drawRoundedRect(QRect(rect.left(), rect.top() + 2, 4, rect.height() - 4), 2, 2)
        text_rect = rect.adjusted(12, 0, 0, 0)
        half = text_rect.height() // 2
        name_font = QFont(option.font)
        name_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(name_font)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(pal.color(text_role))
        top = QRect(text_rect.left(), text_rect.top(), text_rect.width(), half)
        painter.drawText(
            top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, index.data(Qt.ItemDataRole.DisplayRole)
        )
        painter.setFont(option.font)
        dim = pal.color(text_role if selected else QPalette.ColorRole.PlaceholderText)
        painter.setPen(dim)
        bottom = QRect(text_rect.left(), text_rect.top() + half, text_rect.width(), text_rect.height() - half)
        summary = option.fontMetrics.elidedText(index.data(_SUMMARY_ROLE), Qt.TextElideMode.ElideRight, bottom.width())
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, summary)


class _PaletteTree(QTreeView):
    """The list itself; hands drags and activation to the palette widget."""

    def __init__(self, palette: PaletteWidget) -> None:
        super().__init__(palette)
        self._palette = palette

    def startDrag(self, actions: Qt.DropAction) -> None:  # noqa: N802
        type_name = self.currentIndex().data(_TYPE_ROLE)
        if type_name:
            self._palette.start_drag(type_name)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._palette.activate(self.currentIndex())
            return
        super().keyPressEvent(event)


class PaletteWidget(QWidget):
    """Layer types by category with search. Signals `addRequested(type_name)`."""

    addRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("palette_search")
        self.search.setPlaceholderText("Search layers…")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._model = self._build_model()
        self._filter = _LayerFilter(self)
        self._filter.setSourceModel(self._model)
        self.tree = self._build_tree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self.set_filter)
        self.search.returnPressed.connect(self._add_first_match)
        self.tree.doubleClicked.connect(self.activate)

    # ----- public ---------------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Show only layer types matching `text` (name, summary or category words)."""
        if self.search.text() != text:
            self.search.setText(text)  # comes back here through textChanged
            return
        self._filter.set_query(text)
        self.tree.expandAll()

    def visible_types(self) -> list[str]:
        """The layer types the list shows now, top to bottom."""
        types = []
        for row in range(self._filter.rowCount()):
            category = self._filter.index(row, 0)
            for child in range(self._filter.rowCount(category)):
                types.append(self._filter.index(child, 0, category).data(_TYPE_ROLE))
        return types

    def index_of(self, type_name: str) -> QModelIndex:
        """The view's index for `type_name` (invalid when filtered out)."""
        for row in range(self._filter.rowCount()):
            category = self._filter.index(row, 0)
            for child in range(self._filter.rowCount(category)):
                index = self._filter.index(child, 0, category)
                if index.data(_TYPE_ROLE) == type_name:
                    return index
        return QModelIndex()

    def create_drag(self, type_name: str) -> QDrag:
        drag = QDrag(self.tree)
        drag.setMimeData(layer_mime_data(type_name))
        drag.setPixmap(self._drag_pixmap(type_name))
        return drag

    def start_drag(self, type_name: str) -> Qt.DropAction:
        return self.create_drag(type_name).exec(Qt.DropAction.CopyAction)

    def activate(self, index: QModelIndex) -> None:
        type_name = index.data(_TYPE_ROLE)
        if type_name:
            self.addRequested.emit(type_name)
        elif index.isValid():
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    # ----- building -------------------------------------------------------------------
    def _build_model(self) -> QStandardItemModel:
        model = QStandardItemModel(self)
        for category, specs in specs_by_category().items():
            if not specs:
                continue
            header = QStandardItem(category)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for spec in specs:
                header.appendRow(self._layer_item(spec))
            model.appendRow(header)
        return model

    def _layer_item(self, spec: LayerSpec) -> QStandardItem:
        item = QStandardItem(spec.type)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        item.setData(spec.type, _TYPE_ROLE)
        item.setData(spec.summary, _SUMMARY_ROLE)
        item.setData(spec.category, _CATEGORY_ROLE)
        item.setData(" ".join([spec.type, spec.summary, spec.category, *spec.aliases]).lower(), _SEARCH_ROLE)
        item.setToolTip(layer_tooltip(spec))
        return item

    def _build_tree(self) -> _PaletteTree:
        tree = _PaletteTree(self)
        tree.setModel(self._filter)
        tree.setHeaderHidden(True)
        tree.setRootIsDecorated(False)
        tree.setIndentation(0)
        tree.setUniformRowHeights(False)
        tree.setItemDelegate(_PaletteDelegate(tree))
        tree.setMouseTracking(True)
        tree.setDragEnabled(True)
        tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setExpandsOnDoubleClick(False)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.expandAll()
        return tree

    def _drag_pixmap(self, type_name: str) -> QPixmap:
        """A small chip with the type name, so the cursor shows what is being dragged."""
        metrics = self.fontMetrics()
        width, height = metrics.horizontalAdvance(type_name) + 24, metrics.height() + 12
        pixmap = QPixmap(width, height)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(pixmap.rect(), 6, 6)
        painter.setPen(self.palette().color(QPalette.ColorRole.HighlightedText))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, type_name)
        painter.end()
        return pixmap

    def _add_first_match(self) -> None:
        types = self.visible_types()
        if self.search.text().strip() and types:
            self.addRequested.emit(types[0])
