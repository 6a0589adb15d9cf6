"""The layer palette: search, tooltips, drags carrying the layer type, and add requests."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import QApplication

from app.canvas.view import LAYER_MIME
from app.palette import PaletteWidget
from graph_core.registry import all_specs


def make_palette(qtbot) -> PaletteWidget:
    palette = PaletteWidget()
    qtbot.addWidget(palette)
    palette.resize(260, 700)
    palette.show()
    qtbot.waitExposed(palette)
    return palette


def test_palette_lists_every_layer_type_by_category(qtbot):
    palette = make_palette(qtbot)
    assert sorted(palette.visible_types()) == sorted(spec.type for spec in all_specs())


def test_typing_in_search_filters_by_name(qtbot):
    palette = make_palette(qtbot)
    qtbot.keyClicks(palette.search, "lstm")
    assert palette.visible_types() == ["LSTM"]


def test_search_matches_words_of_the_summary(qtbot):
    palette = make_palette(qtbot)
    palette.set_filter("probabilities")
    assert "Softmax" in palette.visible_types()
    assert "Linear" not in palette.visible_types()


def test_every_search_word_must_match(qtbot):
    palette = make_palette(qtbot)
    palette.set_filter("norm batch")
    assert set(palette.visible_types()) == {"BatchNorm1d", "BatchNorm2d"}


def test_clearing_search_shows_everything_again(qtbot):
    palette = make_palette(qtbot)
    palette.set_filter("gru")
    palette.search.clear()
    assert len(palette.visible_types()) == len(all_specs())


def test_tooltip_explains_the_layer(qtbot):
    palette = make_palette(qtbot)
    tip = palette.index_of("Conv2d").data(Qt.ItemDataRole.ToolTipRole)
    assert "filters" in tip and "<b>Conv2d</b>" in tip


def _send_mouse(widget, kind, pos: QPoint, buttons) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind, QPointF(pos), widget.mapToGlobal(QPointF(pos)), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def test_dragging_an_entry_starts_a_drag_with_the_layer_mime_type(qtbot, monkeypatch):
    palette = make_palette(qtbot)
    started = []

    def fake_exec(drag, *args):
        started.append(bytes(drag.mimeData().data(LAYER_MIME)).decode())
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", fake_exec)
    viewport = palette.tree.viewport()
    start = palette.tree.visualRect(palette.index_of("Linear")).center()
    _send_mouse(viewport, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for step in range(1, 6):
        _send_mouse(viewport, QEvent.Type.MouseMove, start + QPoint(8 * step, 4 * step), Qt.MouseButton.LeftButton)
    _send_mouse(viewport, QEvent.Type.MouseButtonRelease, start + QPoint(40, 20), Qt.MouseButton.NoButton)
    assert started == ["Linear"]


def test_double_click_asks_to_add_the_layer(qtbot):
    palette = make_palette(qtbot)
    rect = palette.tree.visualRect(palette.index_of("ReLU"))
    with qtbot.waitSignal(palette.addRequested) as signal:
        # A real double click is a press and release, then the double-click event.
        qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == ["ReLU"]


def test_enter_in_search_adds_the_first_match(qtbot):
    palette = make_palette(qtbot)
    qtbot.keyClicks(palette.search, "tanh")
    with qtbot.waitSignal(palette.addRequested) as signal:
        qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert signal.args == ["Tanh"]


def test_enter_on_a_selected_entry_adds_it(qtbot):
    palette = make_palette(qtbot)
    palette.tree.setCurrentIndex(palette.index_of("Dropout"))
    palette.tree.setFocus()
    with qtbot.waitSignal(palette.addRequested) as signal:
        qtbot.keyClick(palette.tree, Qt.Key.Key_Return)
    assert signal.args == ["Dropout"]
