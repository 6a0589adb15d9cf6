"""Lesson steps name the control they are about with a stable name (`action:training_train`,
`training:lr`, `data:noise`, `node:fc1`, `view:boundary`, `dock:lenses.activations`).
The resolver finds the widget behind a name and brings it into view; the highlight draws
a pulsing frame around it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Property, QEasingCurve, QPropertyAnimation, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPainter, QPen
from PySide6.QtWidgets import QDockWidget, QScrollArea, QWidget

from app.theme import current_theme

HIGHLIGHT_MS = 2600
PULSES = 3
MARGIN = 4
NODE_MARGIN = 24  # pixels around a control or node brought into view
BUILT_IN_DOCKS = ("palette", "inspector", "code", "problems", "history", "training", "views")
VIEW_PAGES = ("training", "metrics", "data")


@dataclass
class Target:
    """What a name stands for: a widget to point at (or only an action), after `reveal()`
    has brought it into view (raised its dock, chosen its tab, selected its node)."""

    name: str
    widget: QWidget | None
    action: QAction | None = None
    rect: Callable[[], QRect] | None = None  # in `widget` coordinates; default: all of it


class UnknownTarget(LookupError):
    pass


class TargetResolver:
    """Maps step target names to the window's widgets. `docks` creates the lessons' own
    docks on demand: `docks(name)` returns the dock for `lenses.<key>`, `lesson`,
    `autoencoder` or `gan`, or None."""

    def __init__(self, window, docks: Callable[[str], QDockWidget | None]) -> None:
        self.window = window
        self.docks = docks

    def resolve(self, name: str) -> Target:
        """Bring the control into view and return it; UnknownTarget if there is none."""
        kind, _, key = name.partition(":")
        finder = getattr(self, f"_{kind}", None)
        if finder is None or not key:
            raise UnknownTarget(f"{name}: unknown kind of target {kind!r}")
        target = finder(key)
        if target is None:
            raise UnknownTarget(f"{name}: no such control")
        target.name = name
        return target

    # ---- kinds ----------------------------------------------------------------------------
    def _action(self, key: str) -> Target | None:
        action = self.window.actions.get(key)
        if action is None:
            return None
        return Target("", self._action_widget(key, action), action)

    def _action_widget(self, key: str, action: QAction) -> QWidget | None:
        """The button that triggers `action`: in the training dock, else on the toolbar."""
        window = self.window
        if key.startswith("training_") and key[9:] in window.training_panel.buttons:
            self._show_dock(window.training_dock)
            return window.training_panel.buttons[key[9:]]
        button = window.toolbar.widgetForAction(action)
        return button if button is not None and button.isVisible() else None

    def _dock(self, key: str) -> Target | None:
        dock = getattr(self.window, f"{key}_dock", None) if key in BUILT_IN_DOCKS else self.docks(key)
        if not isinstance(dock, QDockWidget):
            return None
        self._show_dock(dock)
        return Target("", dock)

    def _training(self, key: str) -> Target | None:
        panel = self._panel("settings_panel", 1)
        row = panel.rows.get(key) if panel is not None else None
        return self._in_panel(row)

    def _data(self, key: str) -> Target | None:
        panel = self._panel("data_panel", 0)
        if panel is None:
            return None
        widget = panel.rows.get(key) or {"dataset": panel.dataset, "split": panel.split}.get(key)
        if widget is None and key == "features":
            widget = panel.features
        return self._in_panel(widget)

    def _node(self, key: str) -> Target | None:
        window = self.window
        if key not in window.document.graph:
            return None
        canvas = window.canvas
        item = canvas.scene().node_item(key)
        if item is None:
            return None
        canvas.select_nodes([key])
        # Scrolled no further than it takes: the network stays as it was fitted around it.
        canvas.ensureVisible(item.sceneBoundingRect(), NODE_MARGIN, NODE_MARGIN)
        if not window.inspector_dock.isHidden():  # its parameters, which the step is about
            window.inspector_dock.raise_()

        def rect() -> QRect:
            if key not in window.document.graph or canvas.scene().node_item(key) is not item:  # another project
                return QRect()
            return canvas.mapFromScene(item.sceneBoundingRect()).boundingRect()

        return Target("", canvas.viewport(), rect=rect)

    def _view(self, key: str) -> Target | None:
        views = self.window.training_views
        if views is None:
            return None
        self._show_dock(self.window.views_dock)
        if key in VIEW_PAGES:
            views.show_page(key)
            return Target("", views.tabs.tabBar(), rect=lambda: views.tabs.tabBar().tabRect(VIEW_PAGES.index(key)))
        widget = {
            "curves": views.curves,
            "boundary": views.boundary,
            "keep_runs": views.curves.keep_runs_box,
            "node_previews": views.node_previews_box,
        }.get(key)
        if widget is None:
            return None
        views.show_page("training")
        return Target("", widget)

    # ---- helpers ----------------------------------------------------------------------------
    def _panel(self, name: str, tab: int):
        window = self.window
        panel = getattr(window.training_panel, name, None)
        if panel is None:
            return None
        self._show_dock(window.training_dock)
        window.training_panel.tabs.setCurrentIndex(tab)
        return panel

    @staticmethod
    def _in_panel(widget: QWidget | None) -> Target | None:
        if widget is None:
            return None
        scroll = widget.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        if scroll is not None and scroll.widget() is not None:
            # Up or down only: a panel a little wider than its dock keeps its left edge.
            middle = widget.mapTo(scroll.widget(), widget.rect().center()).y()
            scroll.ensureVisible(0, middle, 0, widget.height() // 2 + NODE_MARGIN)
        return Target("", widget)

    @staticmethod
    def _show_dock(dock: QDockWidget) -> None:
        dock.show()
        dock.raise_()


class Highlight(QWidget):
    """A frame that pulses around a rectangle of the window for a few seconds. It lets
    every click through, follows its control if the layout moves it (`locate` gives the
    rectangle, empty when the control is out of sight) and deletes itself when done."""

    def __init__(self, host: QWidget, locate: Callable[[], QRect]) -> None:
        super().__init__(host)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setObjectName("lesson_highlight")
        self.locate = locate
        self._strength = 1.0
        self.color = QColor(current_theme().accent)
        self.animation = QPropertyAnimation(self, b"strength", self)
        self.animation.setDuration(HIGHLIGHT_MS)
        self.animation.setStartValue(0.0)
        self.animation.setEndValue(1.0)
        self.animation.setEasingCurve(QEasingCurve.Type.Linear)
        self.animation.finished.connect(self.deleteLater)
        self.follow()
        self.raise_()
        self.animation.start()

    def follow(self) -> None:
        """Frame the control where it is now (hidden while it cannot be seen)."""
        rect = self.locate()
        if rect.isEmpty():
            self.hide()
            return
        self.setGeometry(rect.adjusted(-MARGIN * 2, -MARGIN * 2, MARGIN * 2, MARGIN * 2))
        self.show()

    def retire(self) -> None:
        """Gone at once: stopped, it no longer follows (and shows) its control."""
        self.animation.stop()
        self.hide()
        self.deleteLater()

    def _get_strength(self) -> float:
        return self._strength

    def _set_strength(self, value: float) -> None:
        # A few pulses that fade out over the animation.
        import math

        self._strength = (1 - value) * (0.55 + 0.45 * math.cos(value * PULSES * 2 * math.pi))
        self.follow()
        self.update()

    strength = Property(float, _get_strength, _set_strength)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(self.color)
        color.setAlphaF(max(0.0, min(1.0, self._strength)))
        painter.setPen(QPen(color, 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(2, 2, -2, -2), 8, 8)
        painter.end()


def frame_rect(target: Target, host: QWidget) -> QRect:
    """Where the target's control is in `host`, clipped to what is visible of it; empty
    when it cannot be seen (hidden, scrolled away, or gone)."""
    widget = target.widget
    try:
        if widget is None or not widget.isVisible():
            return QRect()
        local = target.rect() if target.rect is not None else widget.rect()
        visible = widget.visibleRegion().boundingRect()  # a widget in a scroll area shows only part
        if not visible.isEmpty():
            local = local.intersected(visible)
        top_left = widget.mapTo(host, local.topLeft())
    except RuntimeError:  # the control was deleted (another project opened)
        return QRect()
    return QRect(top_left, local.size()).intersected(host.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN))


def highlight(target: Target) -> Highlight | None:
    """Draw the pulsing frame around the target's widget (its window hosts the frame)."""
    widget = target.widget
    if widget is None or not widget.isVisible():
        return None
    host = widget.window()
    if frame_rect(target, host).isEmpty():
        return None
    for earlier in host.findChildren(Highlight):  # one control pulses at a time
        earlier.retire()
    # Painted after the dock has been raised and laid out.
    frame = Highlight(host, lambda: frame_rect(target, host))
    QTimer.singleShot(0, frame.raise_)
    return frame
