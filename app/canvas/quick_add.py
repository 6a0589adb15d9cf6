"""The quick-add popup: a search field over the layer types and a filtered list; Enter
adds the highlighted type where the popup was opened."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.canvas.style import category_color
from graph_core.registry import all_specs
from graph_core.specs import LayerSpec

_TYPE_ROLE = Qt.ItemDataRole.UserRole
_SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_COLUMN = 150  # pixels from the row's left edge


def _dot_icon(color: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


def rank(spec: LayerSpec, text: str) -> int | None:
    """How well `spec` matches the search `text` (lower is better; None: no match)."""
    needle = text.strip().lower()
    name = spec.type.lower()
    if not needle or name.startswith(needle):
        return 0
    if needle in name:
        return 1
    if spec.category.lower().startswith(needle):
        return 2
    # Words of the summary, from three letters on: "li" should not match "normalization".
    if len(needle) >= 3 and any(word.startswith(needle) for word in spec.summary.lower().split()):
        return 3
    return None


class _SummaryDelegate(QStyledItemDelegate):
    """Draws the layer's one-line summary, dimmed, after its type name."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        summary = index.data(_SUMMARY_ROLE)
        name_width = option.fontMetrics.horizontalAdvance(index.data(Qt.ItemDataRole.DisplayRole))
        name_end = option.decorationSize.width() + name_width + 28
        left = max(name_end, SUMMARY_COLUMN)  # a column, unless the name is longer
        rect = option.rect.adjusted(left, 0, -6, 0)
        selected = option.state & QStyle.StateFlag.State_Selected
        color = QColor(
            option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        )
        color.setAlphaF(0.8 if selected else 0.55)
        painter.save()
        painter.setPen(color)
        text = option.fontMetrics.elidedText(summary, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        painter.restore()


class QuickAddPopup(QFrame):
    """A popup window; emits `chosen(type_name)` and closes (and deletes itself)."""

    chosen = Signal(str)

    def __init__(self, types: Iterable[str] | None = None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("quickAdd")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        wanted = set(types) if types is not None else None
        self._specs = [s for s in all_specs() if wanted is None or s.type in wanted]
        self.search = QLineEdit(self, placeholderText="Add a layer…", clearButtonEnabled=True)
        self.list = QListWidget(self, uniformItemSizes=True)
        self.list.setIconSize(QSize(12, 12))
        self.list.setItemDelegate(_SummaryDelegate(self.list))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(440, 360)
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(self._choose_item)
        self.filter("")

    def filter(self, text: str) -> None:
        self.list.clear()
        matches = [(r, i, s) for i, s in enumerate(self._specs) if (r := rank(s, text)) is not None]
        for _, _, spec in sorted(matches, key=lambda m: (m[0], m[1])):
            item = QListWidgetItem(_dot_icon(category_color(spec.category)), spec.type)
            item.setData(_TYPE_ROLE, spec.type)
            item.setData(_SUMMARY_ROLE, spec.summary)
            item.setToolTip(f"{spec.category}: {spec.summary}")
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def types(self) -> list[str]:
        return [self.list.item(row).data(_TYPE_ROLE) for row in range(self.list.count())]

    def choose_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._choose_item(item)

    def _choose_item(self, item: QListWidgetItem) -> None:
        type_name = item.data(_TYPE_ROLE)
        self.close()
        self.chosen.emit(type_name)

    def popup(self, global_pos: QPoint) -> None:
        self.move(global_pos)
        self.show()
        self.search.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down/Enter in the search field drive the list, so typing never stops.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            return self._search_key(event)
        return super().eventFilter(watched, event)

    def _search_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose_current()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if key == Qt.Key.Key_Down else -1
            row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
            self.list.setCurrentRow(row)
            return True
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        return False
