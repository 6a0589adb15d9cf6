"""The start page: shown over the window on first launch (and from Help), it lists the
lessons as cards grouped by topic, all in view at once on a laptop screen, and lets the
user start one or go straight to the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.i18n import current_language, tr
from app.lessons.catalogue import Lesson, Topic, by_topic

WIDE = 1100  # pixels from which the topics stand side by side in one row
MARGINS = (40, 24, 40, 16)
COLUMN_SPACING, CARD_SPACING = 20, 8


def _label(text: str, role: str | None = None, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        label.setProperty("role", role)
    return label


class LessonCard(QFrame):
    """One lesson: its number, title and summary. A click, Enter or Space opens it."""

    clicked = Signal(str)

    def __init__(self, lesson: Lesson, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson = lesson
        self.setObjectName(f"lesson_card_{lesson.key}")
        self.setProperty("role", "card")
        self.setProperty("clickable", True)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        language = current_language()
        self.number = _label(f"{number:02d}", "badge", wrap=False)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _label(lesson.title.get(language), "card_title")
        self.summary = _label(lesson.summary.get(language), "dim")
        self.setToolTip(tr("Start lesson"))
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.number, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 9, 12, 10)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.summary)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.lesson.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.lesson.key)
            return
        super().keyPressEvent(event)


class TopicColumn:
    """A topic's name, what it is about, and its lessons' cards: three cells of the
    page's grid, one above the other, so the topics' cards start at the same height."""

    def __init__(self, topic: Topic, cards: list[LessonCard]) -> None:
        self.topic = topic
        self.heading = _label(tr(topic.title), "topic", wrap=False)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)  # on its blurb
        self.blurb = _label(tr(topic.blurb), "dim")
        self.blurb.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.cards = QWidget()
        column = QVBoxLayout(self.cards)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(CARD_SPACING)
        for card in cards:
            column.addWidget(card)
        column.addStretch(1)

    @property
    def widgets(self) -> tuple[QWidget, QWidget, QWidget]:
        return self.heading, self.blurb, self.cards


class StartPage(QFrame):
    """Every lesson, grouped by topic, over the window (below its toolbar).
    `lessonChosen(key)` starts one, `dismissed()` goes to the canvas (also Escape);
    `show_at_startup` is the checkbox."""

    lessonChosen = Signal(str)
    dismissed = Signal()

    def __init__(self, lessons: list[Lesson], host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("start_page")
        self.setAutoFillBackground(True)
        self.lessons = lessons
        self.cards: list[LessonCard] = []
        self.columns: list[TopicColumn] = []
        self._per_row = 0
        self.heading = _label("", "welcome", wrap=False)
        self.intro = _label("")
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.dismissed)
        self.show_at_startup = QCheckBox()
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(COLUMN_SPACING)
        self.grid.setVerticalSpacing(4)
        self._layout()
        self.retranslate()
        host.installEventFilter(self)
        self._fit()

    def _layout(self) -> None:
        content = QWidget()
        content.setObjectName("start_page_content")
        column = QVBoxLayout(content)
        column.setContentsMargins(*MARGINS)
        column.setSpacing(14)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.heading)
        text.addWidget(self.intro)
        top = QHBoxLayout()
        top.addLayout(text, 1)
        top.addSpacing(24)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(top)
        column.addLayout(self.grid)
        column.addStretch(1)
        column.addWidget(self.show_at_startup)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def retranslate(self) -> None:
        """Texts in the current language (the cards are rebuilt)."""
        self.heading.setText(tr("Welcome to NeuroLoom"))
        self.intro.setText(
            tr(
                "Learn deep learning by building it: each lesson opens a small network and walks you through "
                "it in a few steps. Or close this page and start wiring layers on the canvas."
            )
        )
        self.close_button.setText(tr("Go to the canvas"))
        self.show_at_startup.setText(tr("Show this page at startup"))
        for column in self.columns:
            for widget in column.widgets:
                self.grid.removeWidget(widget)
                widget.hide()  # gone at once: deletion waits for the event loop, and
                widget.deleteLater()  # until then the old cards would stay drawn where they were
        self.cards, self.columns = [], []
        numbers = {lesson.key: number for number, lesson in enumerate(self.lessons, start=1)}
        for topic, lessons in by_topic(self.lessons):
            cards = [LessonCard(lesson, numbers[lesson.key]) for lesson in lessons]
            for card in cards:
                card.clicked.connect(self.lessonChosen)
            self.cards += cards
            self.columns.append(TopicColumn(topic, cards))
        self.cards.sort(key=lambda card: numbers[card.lesson.key])
        self._per_row = 0
        self._place_columns()

    def _place_columns(self) -> None:
        """The topics side by side on a wide page, two to a row on a narrow one."""
        per_row = len(self.columns) if self.width() >= WIDE else min(2, len(self.columns))
        if per_row == self._per_row or not per_row:
            return
        self._per_row = per_row
        for column in self.columns:
            for widget in column.widgets:
                self.grid.removeWidget(widget)
        for index, column in enumerate(self.columns):
            row = index // per_row * 3
            for offset, widget in enumerate(column.widgets):
                self.grid.addWidget(widget, row + offset, index % per_row)
            if row:
                self.grid.setRowMinimumHeight(row, 40)  # room above a second row of topics
        for index in range(self.grid.columnCount()):
            self.grid.setColumnStretch(index, 1 if index < per_row else 0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.dismissed.emit()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._fit()
        return False

    def _fit(self) -> None:
        """Over everything between the window's toolbar and its status bar (all of the
        host when it is not a main window)."""
        host = self.parentWidget()
        area = host.rect()
        if isinstance(host, QMainWindow) and host.centralWidget() is not None:
            top = host.centralWidget().geometry().top()
            bottom = host.statusBar().geometry().top() if host.statusBar().isVisible() else area.bottom() + 1
            area = QRect(0, top, host.width(), bottom - top)
        self.setGeometry(area)
        self.raise_()
