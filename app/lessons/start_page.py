"""The start page: shown over the canvas on first launch (and from Help), it lists the
lessons as cards and lets the user start one or go straight to the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.i18n import current_language, tr
from app.lessons.catalogue import Lesson

COLUMNS = 3
CARD_WIDTH = 300


def _label(text: str, role: str | None = None, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        label.setProperty("role", role)
    return label


class LessonCard(QFrame):
    """One lesson: its number, title and summary; a click opens it."""

    clicked = Signal(str)

    def __init__(self, lesson: Lesson, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson = lesson
        self.setProperty("role", "card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumWidth(CARD_WIDTH - 40)
        self.setMaximumWidth(CARD_WIDTH + 80)
        language = current_language()
        self.number = _label(f"{number:02d}", "dim", wrap=False)
        self.title = _label(lesson.title.get(language), "section")
        self.summary = _label(lesson.summary.get(language), "dim")
        self.button = QPushButton(tr("Start lesson"))
        self.button.clicked.connect(lambda: self.clicked.emit(lesson.key))
        header = QHBoxLayout()
        header.addWidget(self.number)
        header.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(header)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.lesson.key)
        super().mouseReleaseEvent(event)


class StartPage(QFrame):
    """Cards for every lesson over the canvas. `lessonChosen(key)` starts one,
    `dismissed()` goes to the canvas; `show_at_startup` is the checkbox."""

    lessonChosen = Signal(str)
    dismissed = Signal()

    def __init__(self, lessons: list[Lesson], host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("start_page")
        self.setAutoFillBackground(True)
        self.lessons = lessons
        self.cards: list[LessonCard] = []
        self.heading = _label("", "title", wrap=False)
        self.heading.setStyleSheet("font-size: 20pt; font-weight: 600;")
        self.intro = _label("")
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.dismissed)
        self.show_at_startup = QCheckBox()
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self._layout()
        self.retranslate()
        host.installEventFilter(self)
        self._fit()

    def _layout(self) -> None:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(40, 28, 40, 28)
        column.setSpacing(10)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.close_button)
        column.addLayout(top)
        column.addWidget(self.intro)
        column.addLayout(self.grid)
        column.addStretch(1)
        column.addWidget(self.show_at_startup)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

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
        for card in self.cards:
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for number, lesson in enumerate(self.lessons, start=1):
            card = LessonCard(lesson, number)
            card.clicked.connect(self.lessonChosen)
            self.grid.addWidget(card, (number - 1) // COLUMNS, (number - 1) % COLUMNS)
            self.cards.append(card)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
