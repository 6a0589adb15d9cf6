"""The node canvas driven by real mouse and key events on its viewport: palette drops,
wiring, rewiring, selection, moving, quick add, clipboard, zoom and pan, and the badges
and labels that mirror the model's analysis."""

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.canvas import LAYER_MIME, CanvasView, PortItem
from app.commands import AddNodeCommand, ConnectCommand, SetParamCommand
from app.document import Document
from graph_core.graph import Edge

NO_MOD = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def doc(qapp):
    document = Document.new()
    yield document
    document.deleteLater()


def make_view(qtbot, document: Document) -> CanvasView:
    view = CanvasView(document)
    view.resize(1100, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(420, 120)
    return view


@pytest.fixture
def view(qtbot, doc):
    return make_view(qtbot, doc)


def add(doc: Document, type_name: str, pos, node_id: str, **params) -> None:
    assert doc.try_push(AddNodeCommand(doc.graph, type_name, pos, params or None, node_id)) is None


def connect(doc: Document, src: str, dst: str) -> None:
    assert doc.try_push(ConnectCommand(doc.graph, src, dst)) is None


def port_point(view: CanvasView, node_id: str, output: bool, index: int = 0) -> QPoint:
    item = view.scene().node_item(node_id)
    port = (item.outputs if output else item.inputs)[index]
    return view.mapFromScene(port.scenePos())


def scene_point(view: CanvasView, x: float, y: float) -> QPoint:
    return view.mapFromScene(QPointF(x, y))


def drag(view: CanvasView, start: QPoint, end: QPoint, modifiers=NO_MOD, button=LEFT, steps: int = 6) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, button, modifiers, start)
    for step in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * step / steps)
    QTest.mouseRelease(viewport, button, modifiers, end)


def click(view: CanvasView, point: QPoint, modifiers=NO_MOD) -> None:
    QTest.mouseClick(view.viewport(), LEFT, modifiers, point)


def drop_layer(view: CanvasView, type_name: str, point: QPoint) -> bool:
    """What a palette drag does when it ends over the canvas."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode("utf-8"))
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(point, action, mime, LEFT, NO_MOD)
    QApplication.sendEvent(view.viewport(), enter)
    move = QDragMoveEvent(point, action, mime, LEFT, NO_MOD)
    QApplication.sendEvent(view.viewport(), move)
    drop = QDropEvent(QPointF(point), action, mime, LEFT, NO_MOD)
    QApplication.sendEvent(view.viewport(), drop)
    return enter.isAccepted() and drop.isAccepted()


def wait_for_analysis(qtbot, doc: Document) -> None:
    with qtbot.waitSignal(doc.analysisChanged, timeout=2000):
        pass


# ----- palette drops and wiring ------------------------------------------------------------
def test_dragging_linear_from_palette_adds_node_where_dropped(view, doc):
    assert drop_layer(view, "Linear", scene_point(view, 300, 100))
    (node,) = doc.graph.nodes()
    assert node.type == "Linear"
    x, y = node.pos
    assert x <= 300 <= x + 176 and y <= 100 <= y + 40  # the header sits under the mouse
    assert view.selected_node_ids() == [node.id]
    assert doc.undo_stack.count() == 1


def test_wiring_input_linear_relu_linear_by_mouse_then_undo_and_redo(view, doc):
    add(doc, "Input", (0, 0), "inp")
    for type_name, x in (("Linear", 360), ("ReLU", 620), ("Linear", 880)):
        src = doc.graph.node_ids()[-1]
        assert drop_layer(view, type_name, scene_point(view, x, 15))
        dst = doc.graph.node_ids()[-1]
        drag(view, port_point(view, src, True), port_point(view, dst, False))
    inp, fc1, act, fc2 = doc.graph.node_ids()
    assert [doc.graph.node(n).type for n in (inp, fc1, act, fc2)] == ["Input", "Linear", "ReLU", "Linear"]
    assert doc.graph.edges() == [Edge(inp, fc1), Edge(fc1, act), Edge(act, fc2)]
    assert len(view.scene().edge_items()) == 3

    doc.undo_stack.undo()
    assert doc.graph.edges() == [Edge(inp, fc1), Edge(fc1, act)]
    doc.undo_stack.undo()
    assert fc2 not in doc.graph and len(view.scene().node_items()) == 3

    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert doc.graph.edges()[-1] == Edge(act, fc2)
    assert view.scene().edge_item(Edge(act, fc2)).isVisible()


def test_ports_light_up_only_where_a_link_may_end(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Input", (0, 200), "inp2")
    add(doc, "Linear", (300, 0), "taken")
    add(doc, "Linear", (300, 200), "free")
    connect(doc, "inp", "taken")
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, NO_MOD, port_point(view, "inp2", True))
    QTest.mouseMove(viewport, port_point(view, "taken", False))
    taken = view.scene().node_item("taken").inputs[0]
    free = view.scene().node_item("free").inputs[0]
    assert taken.highlight == PortItem.DIMMED
    assert free.highlight == PortItem.COMPATIBLE
    QTest.mouseRelease(viewport, LEFT, NO_MOD, port_point(view, "taken", False))
    assert doc.graph.in_edges("taken") == [Edge("inp", "taken")]
    assert doc.undo_stack.count() == 5  # no connect step was added
    assert taken.highlight == PortItem.NORMAL


def test_dropping_a_link_on_empty_canvas_offers_quick_add_and_connects(view, doc, qtbot):
    add(doc, "Input", (0, 0), "inp")
    drag(view, port_point(view, "inp", True), scene_point(view, 400, 60))
    popup = view.quick_add_popup
    assert popup is not None and popup.isVisible()
    assert "Input" not in popup.types()  # an Input could not take the link
    qtbot.keyClicks(popup.search, "tanh")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    (new,) = [n for n in doc.graph.node_ids() if n != "inp"]
    assert doc.graph.node(new).type == "Tanh"
    assert doc.graph.edges() == [Edge("inp", new)]
    doc.undo_stack.undo()  # adding and connecting were one step
    assert doc.graph.node_ids() == ["inp"]
    qtbot.waitUntil(lambda: view.quick_add_popup is None)


def test_dragging_an_edge_end_to_another_port_rewires_it(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Linear", (300, 0), "fc1")
    add(doc, "Linear", (300, 200), "fc2")
    connect(doc, "inp", "fc1")
    steps = doc.undo_stack.count()
    drag(view, port_point(view, "fc1", False), port_point(view, "fc2", False))
    assert doc.graph.edges() == [Edge("inp", "fc2")]
    assert doc.undo_stack.count() == steps + 1
    doc.undo_stack.undo()
    assert doc.graph.edges() == [Edge("inp", "fc1")]
    drag(view, port_point(view, "fc1", False), scene_point(view, 200, 400))  # onto nothing
    assert doc.graph.edges() == []


def test_selecting_an_edge_and_pressing_delete_disconnects(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "ReLU", (300, 100), "act")
    connect(doc, "inp", "act")
    item = view.scene().edge_item(Edge("inp", "act"))
    click(view, view.mapFromScene(item.path().pointAtPercent(0.3)))
    assert item.isSelected()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert doc.graph.edges() == []
    doc.undo_stack.undo()
    assert doc.graph.edges() == [Edge("inp", "act")]


# ----- selection and moving ----------------------------------------------------------------
def header_point(view: CanvasView, node_id: str) -> QPoint:
    return view.mapFromScene(view.scene().node_item(node_id).pos() + QPointF(60, 15))


def test_click_ctrl_click_shift_click_and_rubber_band_select(view, doc, qtbot):
    for index, name in enumerate("abc"):
        add(doc, "ReLU", (index * 260, 0), name)
    seen = []
    view.selectionChangedIds.connect(seen.append)
    click(view, header_point(view, "a"))
    assert view.selected_node_ids() == ["a"] and seen[-1] == ["a"]
    click(view, header_point(view, "b"), Qt.KeyboardModifier.ControlModifier)
    click(view, header_point(view, "c"), Qt.KeyboardModifier.ShiftModifier)
    assert sorted(view.selected_node_ids()) == ["a", "b", "c"]
    click(view, header_point(view, "b"), Qt.KeyboardModifier.ControlModifier)
    assert sorted(view.selected_node_ids()) == ["a", "c"]
    click(view, scene_point(view, 100, 300))
    assert view.selected_node_ids() == [] and seen[-1] == []
    drag(view, scene_point(view, -40, -40), scene_point(view, 400, 120))
    assert sorted(view.selected_node_ids()) == ["a", "b"]


def test_dragging_selected_nodes_is_one_snapped_move(view, doc):
    add(doc, "ReLU", (0, 0), "a")
    add(doc, "ReLU", (260, 0), "b")
    view.select_nodes(["a", "b"])
    steps = doc.undo_stack.count()
    start = header_point(view, "a")
    drag(view, start, start + QPoint(45, 23))
    assert doc.graph.node("a").pos == (40.0, 20.0)
    assert doc.graph.node("b").pos == (300.0, 20.0)
    assert doc.undo_stack.count() == steps + 1
    doc.undo_stack.undo()
    assert view.scene().node_item("a").pos() == QPointF(0, 0)
    view.set_snap_to_grid(False)
    drag(view, header_point(view, "a"), header_point(view, "a") + QPoint(7, 3))
    assert doc.graph.node("a").pos == (7.0, 3.0)


def test_arrow_keys_move_the_selection_in_one_merged_step(view, doc):
    add(doc, "ReLU", (0, 0), "a")
    view.select_nodes(["a"])
    steps = doc.undo_stack.count()
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert doc.graph.node("a").pos == (40.0, 100.0)
    assert doc.undo_stack.count() == steps + 1


def test_delete_key_removes_nodes_and_undo_restores_their_edges(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Linear", (260, 0), "fc")
    add(doc, "ReLU", (520, 0), "act")
    connect(doc, "inp", "fc")
    connect(doc, "fc", "act")
    click(view, header_point(view, "fc"))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert "fc" not in doc.graph and not view.scene().edge_items()
    doc.undo_stack.undo()
    assert doc.graph.edges() == [Edge("inp", "fc"), Edge("fc", "act")]
    assert len(view.scene().edge_items()) == 2


# ----- quick add and clipboard -------------------------------------------------------------
def test_tab_opens_quick_add_and_enter_adds_the_layer(view, doc, qtbot):
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Tab)
    popup = view.quick_add_popup
    assert popup is not None and popup.isVisible()
    qtbot.keyClicks(popup.search, "relu")
    assert popup.types()[0] == "ReLU"
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert [n.type for n in doc.graph.nodes()] == ["ReLU"]
    qtbot.waitUntil(lambda: view.quick_add_popup is None)


def test_double_click_on_empty_canvas_opens_quick_add(view, doc, qtbot):
    QTest.mouseDClick(view.viewport(), LEFT, NO_MOD, scene_point(view, 200, 200))
    popup = view.quick_add_popup
    assert popup is not None and popup.isVisible()
    QTest.keyClick(popup.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.quick_add_popup is None)
    assert len(doc.graph) == 0


def test_copy_in_one_window_and_paste_in_another(view, doc, qtbot):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Linear", (260, 0), "fc", out_features=5)
    add(doc, "ReLU", (520, 0), "act")
    connect(doc, "inp", "fc")
    connect(doc, "fc", "act")
    view.select_nodes(["fc", "act"])
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    other_doc = Document.new()
    other = make_view(qtbot, other_doc)
    add(other_doc, "Linear", (0, 0), "fc")  # an id the paste must not reuse
    QTest.keyClick(other, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = other.selected_node_ids()
    assert len(pasted) == 2 and "fc" not in pasted
    new_fc, new_act = pasted
    assert other_doc.graph.node(new_fc).params["out_features"] == 5
    assert other_doc.graph.edges() == [Edge(new_fc, new_act)]
    other_doc.deleteLater()


def test_duplicate_copies_the_selection_beside_it(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Linear", (260, 0), "fc")
    connect(doc, "inp", "fc")
    view.select_nodes(["inp", "fc"])
    QTest.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    new_inp, new_fc = view.selected_node_ids()
    assert doc.graph.node(new_fc).pos == (300.0, 40.0)
    assert doc.graph.in_edges(new_fc) == [Edge(new_inp, new_fc)]
    assert doc.undo_stack.undoText() == "Duplicate 2 nodes"


def test_auto_layout_from_the_view_is_one_step(view, doc):
    add(doc, "Input", (600, 300), "inp")
    add(doc, "Linear", (0, 0), "fc")
    connect(doc, "inp", "fc")
    view.auto_layout()
    assert doc.graph.node("inp").pos[0] < doc.graph.node("fc").pos[0]
    assert doc.undo_stack.undoText() == "Auto layout"


# ----- analysis on the canvas --------------------------------------------------------------
def test_a_shape_mismatch_shows_a_badge_until_the_parameter_is_fixed(view, doc, qtbot):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Linear", (260, 0), "a", out_features=8)
    add(doc, "Linear", (260, 160), "b", out_features=4)
    add(doc, "Add", (520, 60), "sum")
    for src, dst in (("inp", "a"), ("inp", "b"), ("a", "sum"), ("b", "sum")):
        connect(doc, src, dst)
    wait_for_analysis(qtbot, doc)
    item = view.scene().node_item("sum")
    assert item.badge is not None and item.badge.severity == "error"
    assert "differ" in item.badge.toolTip()
    doc.try_push(SetParamCommand(doc.graph, "b", "out_features", 8))
    qtbot.waitUntil(lambda: item.badge is None)
    assert item.shape_text == "[N, 8]"


def test_edges_are_labelled_with_shapes_and_ports_tell_theirs(view, doc, qtbot):
    add(doc, "Input", (0, 0), "inp", shape=[3])
    add(doc, "Linear", (260, 0), "fc", out_features=16)
    connect(doc, "inp", "fc")
    wait_for_analysis(qtbot, doc)
    assert view.scene().edge_item(Edge("inp", "fc")).label == "[N, 3]"
    fc = view.scene().node_item("fc")
    assert fc.inputs[0].toolTip() == "in: [N, 3]"
    assert fc.outputs[0].toolTip() == "out: [N, 16]"


def test_preview_image_and_weight_style_hooks_draw(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "Linear", (260, 0), "fc")
    connect(doc, "inp", "fc")
    item = view.scene().node_item("fc")
    height = item.boundingRect().height()
    image = QImage(16, 4, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    item.set_preview(image)
    assert item.boundingRect().height() > height
    view.scene().edge_item(Edge("inp", "fc")).set_weight_style(4.0, "#d1383d")
    assert not view.grab().isNull()
    item.set_preview(None)
    assert item.boundingRect().height() == height


def test_a_node_with_a_live_picture_is_drawn_with_it_and_still_selected_and_dragged_by_it(view, doc):
    add(doc, "Linear", (0, 0), "fc")
    item = view.scene().node_item("fc")
    image = QImage(16, 4, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    item.set_preview(image)
    # The picture is a child item of the card: a new one repaints it alone.
    picture = item._preview_item
    assert picture is not None and picture.parentItem() is item
    inside = picture.mapToScene(picture.boundingRect().center())
    point = view.mapFromScene(inside)
    shot = view.grab().toImage()
    ratio = shot.devicePixelRatio()
    color = shot.pixelColor(int(point.x() * ratio), int(point.y() * ratio))
    assert color.red() > 200 and color.green() < 60  # drawn where it belongs
    blue = QImage(16, 4, QImage.Format.Format_RGB32)
    blue.fill(Qt.GlobalColor.blue)
    item.set_preview(blue)
    assert item._preview_item is picture and picture._image is blue
    # A click and a drag that start on the picture act on the node.
    click(view, point)
    assert view.scene().selected_node_ids() == ["fc"]
    drag(view, point, point + QPoint(45, 23))
    assert doc.graph.node("fc").pos == (40.0, 20.0)
    item.set_preview(None)
    assert item._preview_item is None and all(child is not picture for child in item.childItems())


# ----- zoom and pan ------------------------------------------------------------------------
def wheel(view: CanvasView, point: QPoint, delta: int) -> None:
    event = QWheelEvent(
        QPointF(point),
        QPointF(view.viewport().mapToGlobal(point)),
        QPoint(),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        NO_MOD,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)


def test_wheel_zooms_around_the_cursor_within_limits(view, doc):
    point = QPoint(300, 200)
    under = view.mapToScene(point)
    wheel(view, point, 240)
    assert view.zoom > 1.2
    after = view.mapToScene(point)
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2
    for _ in range(30):
        wheel(view, point, 480)
    assert view.zoom == pytest.approx(3.0)
    for _ in range(60):
        wheel(view, point, -480)
    assert view.zoom == pytest.approx(0.1)


def test_middle_drag_and_space_drag_pan(view, doc):
    centre = view.mapToScene(view.viewport().rect().center())
    drag(view, QPoint(500, 300), QPoint(400, 250), button=Qt.MouseButton.MiddleButton)
    moved = view.mapToScene(view.viewport().rect().center())
    assert (moved.x() - centre.x(), moved.y() - centre.y()) == pytest.approx((100, 50), abs=2)
    QTest.keyPress(view, Qt.Key.Key_Space)
    drag(view, QPoint(400, 250), QPoint(500, 300))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    back = view.mapToScene(view.viewport().rect().center())
    assert (back.x(), back.y()) == pytest.approx((centre.x(), centre.y()), abs=2)
    assert view.selected_node_ids() == []


def test_f_fits_every_node_in_view(view, doc):
    add(doc, "Input", (-2000, -900), "far")
    add(doc, "ReLU", (2500, 1200), "farther")
    QTest.keyClick(view, Qt.Key.Key_F)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for item in view.scene().node_items():
        assert visible.contains(item.sceneBoundingRect())
    assert doc.project.view["zoom"] == pytest.approx(view.zoom, rel=1e-3)


def test_a_click_near_an_edge_end_selects_it_without_disconnecting(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "ReLU", (300, 0), "act")
    connect(doc, "inp", "act")
    item = view.scene().edge_item(Edge("inp", "act"))
    click(view, view.mapFromScene(item.target.scenePos() - QPointF(20, 0)))
    assert doc.graph.edges() == [Edge("inp", "act")]
    assert item.isSelected() and item.isVisible()


def test_escape_cancels_a_link_drag(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "ReLU", (300, 0), "act")
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, NO_MOD, port_point(view, "inp", True))
    QTest.mouseMove(viewport, port_point(view, "act", False))
    assert view.scene().interaction is not None
    QTest.keyClick(view, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, LEFT, NO_MOD, port_point(view, "act", False))
    assert doc.graph.edges() == []
    assert view.scene().interaction is None
    assert all(port.highlight == PortItem.NORMAL for port in view.scene().all_ports())


def test_pasting_something_that_is_not_nodes_changes_nothing(view, doc, qtbot):
    QApplication.clipboard().setText('{"format": "something else"}')
    with qtbot.waitSignal(view.statusMessage) as message:
        QTest.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "Nothing to paste" in message.args[0]
    assert len(doc.graph) == 0 and doc.undo_stack.count() == 0


def test_an_undo_during_a_drag_cancels_the_drag(view, doc):
    add(doc, "Input", (0, 0), "inp")
    add(doc, "ReLU", (300, 0), "act")
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, NO_MOD, port_point(view, "inp", True))
    QTest.mouseMove(viewport, scene_point(view, 250, 100))
    doc.undo_stack.undo()  # removes "act", whose port was highlighted
    assert view.scene().interaction is None
    QTest.mouseRelease(viewport, LEFT, NO_MOD, scene_point(view, 250, 100))
    assert doc.graph.node_ids() == ["inp"] and view.quick_add_popup is None


def test_dark_theme_recolours_the_canvas(view, doc):
    from app.theme import DARK

    view.set_theme(DARK.canvas)
    corner = view.grab().toImage().pixelColor(3, 3)
    assert corner.lightness() < 60
