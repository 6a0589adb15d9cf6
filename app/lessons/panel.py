"""The lesson side panel: the lesson's title and summary, one step at a time with Back and
Next, a "Show me" button that points at the control the step is about, and pictures
kept from earlier steps for comparison.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.i18n import current_language, tr
from app.lessons.catalogue import Lesson

CAPTURE_WIDTH = 260


def _label(text: str = "", role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        label.setProperty("role", role)
    return label


class LessonPanel(QWidget):
    """Shows `lesson` step by step. `stepChanged(index)` when a step is entered (the
    host opens its project and points at its control), `showRequested(index)` for
    "Show me" and `closeRequested()` when the lesson is left."""

    stepChanged = Signal(int)
    showRequested = Signal(int)
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_panel")
        self.lesson: Lesson | None = None
        self.index = 0
        self.captures: list[tuple[str, QPixmap]] = []
        self.title = _label("", "title")
        self.summary = _label("", "dim")
        self.counter = _label("", "section")
        self.text = _label()
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setStyleSheet("font-size: 11pt; line-height: 140%;")
        self.show_button = QPushButton()
        self.show_button.clicked.connect(lambda: self.showRequested.emit(self.index))
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton()
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.closeRequested)
        self.capture_box = QVBoxLayout()
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        card = QFrame()
        card.setProperty("role", "card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(12, 10, 12, 12)
        inner.addWidget(self.counter)
        inner.addWidget(self.text)
        inner.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(8)
        column.addWidget(self.title)
        column.addWidget(self.summary)
        column.addWidget(card)
        column.addLayout(buttons)
        column.addLayout(self.capture_box)
        column.addStretch(1)
        column.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # ---- the lesson -----------------------------------------------------------------------
    def set_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.captures = []
        self._show_captures()
        self.go_to(0)

    @property
    def step(self):
        return self.lesson.steps[self.index] if self.lesson is not None else None

    def go_to(self, index: int) -> None:
        if self.lesson is None:
            return
        self.index = max(0, min(index, len(self.lesson.steps) - 1))
        self.retranslate()
        self.stepChanged.emit(self.index)

    def next(self) -> None:
        if self.lesson is None:
            return
        if self.index == len(self.lesson.steps) - 1:
            self.closeRequested.emit()
            return
        self.go_to(self.index + 1)

    def back(self) -> None:
        self.go_to(self.index - 1)

    def add_capture(self, caption: str, picture: QPixmap) -> None:
        """Keep a picture (a view as it was at the end of a step) below the steps."""
        self.captures.append((caption, picture))
        self._show_captures()

    def _show_captures(self) -> None:
        while self.capture_box.count():
            item = self.capture_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for caption, picture in self.captures:
            self.capture_box.addWidget(_label(caption, "section"))
            image = QLabel()
            image.setPixmap(picture.scaledToWidth(CAPTURE_WIDTH, Qt.TransformationMode.SmoothTransformation))
            self.capture_box.addWidget(image)

    # ---- language ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        language = current_language()
        self.show_button.setText(tr("Show me"))
        self.back_button.setText(tr("Back"))
        self.close_button.setText(tr("Close lesson"))
        lesson = self.lesson
        if lesson is None:
            self.title.setText(tr("No lesson open"))
            self.summary.setText(tr("Choose a lesson from the Lessons menu."))
            self.counter.setText("")
            self.text.setText("")
            self.next_button.setText(tr("Next"))
            for button in (self.show_button, self.back_button, self.next_button):
                button.setEnabled(False)
            return
        last = self.index == len(lesson.steps) - 1
        self.title.setText(lesson.title.get(language))
        self.summary.setText(lesson.summary.get(language))
        self.counter.setText(tr("Step {number} of {total}").format(number=self.index + 1, total=len(lesson.steps)))
        self.text.setText(self.step.text.get(language))
        self.next_button.setText(tr("Finish") if last else tr("Next"))
        self.back_button.setEnabled(self.index > 0)
        self.show_button.setEnabled(True)
        self.next_button.setEnabled(True)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
