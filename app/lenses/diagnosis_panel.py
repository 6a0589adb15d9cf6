"""The diagnosis panel: the findings of `graph_core.training.diagnosis`, newest first,
each a card with its severity icon, the message in plain words, the nodes it names and
the concept behind it (expandable, with a link to its lesson).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.icons import icon
from app.lenses.common import Lens, label
from app.theme import Theme, current_theme
from graph_core.training.diagnosis import Diagnosis

ICON_SIZE = 22
_SEVERITY_ICONS = {"error": "error", "warning": "warning", "info": "info"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("DiagnosisPanel", text)


class FindingCard(QFrame):
    """One finding. Node ids are buttons (`node_clicked`), the concept's explanation
    opens with "Why?", and "Open the lesson" emits `lesson_clicked`."""

    node_clicked = Signal(str)
    lesson_clicked = Signal(str)

    def __init__(self, finding: Diagnosis, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setProperty("role", "card")
        self.badge = QLabel()
        self.badge.setFixedSize(ICON_SIZE + 4, ICON_SIZE + 4)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.message = label(finding.message)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.concept = label(_tr("Concept: {title}").format(title=_tr(finding.concept.title)), "section", wrap=False)
        self.explanation = label(_tr(finding.concept.explanation), "explanation")
        self.explanation.hide()
        self.why = QPushButton(_tr("Why?"))
        self.why.setCheckable(True)
        self.why.toggled.connect(self.explanation.setVisible)
        self.lesson = QPushButton(_tr("Open the lesson"))
        self.lesson.clicked.connect(lambda: self.lesson_clicked.emit(finding.concept.lesson))
        self.node_buttons = [self._node_button(node) for node in finding.node_ids]
        when = _tr("epoch {epoch}").format(epoch=finding.epoch) if finding.epoch is not None else ""
        self.when = label(when, "dim", wrap=False)
        self._layout()
        self.set_theme(theme)

    def _node_button(self, node_id: str) -> QPushButton:
        button = QPushButton(node_id)
        button.setToolTip(_tr("Show {node} on the canvas").format(node=node_id))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(lambda: self.node_clicked.emit(node_id))
        return button

    def _layout(self) -> None:
        actions = QHBoxLayout()
        actions.setSpacing(6)
        actions.addWidget(self.concept)
        for button in self.node_buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.when)
        actions.addSpacing(6)
        actions.addWidget(self.why)
        actions.addWidget(self.lesson)
        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(self.message)
        text.addLayout(actions)
        text.addWidget(self.explanation)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 10, 10, 10)
        row.setSpacing(10)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def set_theme(self, theme: Theme) -> None:
        colour = {"error": theme.error, "warning": theme.warning}.get(self.finding.severity, theme.accent)
        name = _SEVERITY_ICONS.get(self.finding.severity, "info")
        self.badge.setPixmap(icon(name, colour).pixmap(QSize(ICON_SIZE, ICON_SIZE)))
        chip = (
            f"QPushButton {{ background: {theme.alt_base}; color: {theme.accent}; border: 1px solid {theme.border};"
            f" border-radius: 9px; padding: 1px 9px; font-family: monospace; }}"
            f" QPushButton:hover {{ border-color: {theme.accent}; }}"
        )
        for button in self.node_buttons:
            button.setStyleSheet(chip)


class DiagnosisPanel(Lens):
    """`add_findings` puts new findings on top; `node_requested(node_id)` and
    `lesson_requested(lesson_key)` report the links a person follows."""

    node_requested = Signal(str)
    lesson_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("Training diagnosis"),
            _tr(
                "While the network trains, NeuroLoom watches its curves, gradients and activations, and "
                "says here in plain words when something goes wrong, and why."
            ),
            parent,
        )
        self.theme = current_theme()
        self.cards: list[FindingCard] = []
        self.empty = label(_tr("No problems so far: findings appear here while the network trains."), "ok")
        container = QWidget()
        self.list = QVBoxLayout(container)
        self.list.setContentsMargins(0, 0, 4, 0)
        self.list.setSpacing(8)
        self.list.addWidget(self.empty)
        self.list.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(container)
        self.body.addWidget(self.scroll, 1)

    @property
    def findings(self) -> list[Diagnosis]:
        """The findings shown, newest first."""
        return [card.finding for card in self.cards]

    def add_findings(self, findings: Iterable[Diagnosis]) -> None:
        for finding in findings:
            card = FindingCard(finding, self.theme)
            card.node_clicked.connect(self.node_requested)
            card.lesson_clicked.connect(self.lesson_requested)
            self.cards.insert(0, card)
            self.list.insertWidget(0, card)
        self.empty.setVisible(not self.cards)

    def set_findings(self, findings: Iterable[Diagnosis]) -> None:
        self.clear()
        self.add_findings(findings)

    def clear(self) -> None:
        for card in self.cards:
            self.list.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.empty.show()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        super().set_theme(theme)

    def restyle(self) -> None:
        for card in self.cards:
            card.set_theme(self.theme)
