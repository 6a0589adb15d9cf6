"""The main window as a user meets it: building a network with the palette, the
canvas and the inspector, the shortcuts, the problems list, themes and layout."""

import pytest
import torch
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from app.theme import DARK, LIGHT
from graph_core.compiler import compile_graph
from graph_core.project import list_examples


def palette_add(qtbot, window, type_name: str) -> str:
    """Search the palette for `type_name` and double-click it; returns the new node id."""
    palette = window.palette
    palette.search.clear()
    qtbot.keyClicks(palette.search, type_name)
    rect = palette.tree.visualRect(palette.index_of(type_name))
    before = set(window.document.graph.node_ids())
    qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (new_id,) = set(window.document.graph.node_ids()) - before
    return new_id


def view_point(canvas, scene_point: QPointF) -> QPoint:
    return canvas.mapFromScene(scene_point)


def drag_link(qtbot, window, src: str, dst: str) -> None:
    """Drag with the mouse from `src`'s output port to `dst`'s input port."""
    canvas = window.canvas
    scene = canvas.scene()
    start = view_point(canvas, scene.node_item(src).port("out", True).scenePos())
    end = view_point(canvas, scene.node_item(dst).port("in", False).scenePos())
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 9):
        qtbot.mouseMove(viewport, start + (end - start) * step / 8)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def click_node(qtbot, window, node_id: str) -> None:
    canvas = window.canvas
    rect = canvas.scene().node_item(node_id).sceneBoundingRect()
    header = QPointF(rect.center().x(), rect.top() + 12)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(canvas, header))


def set_spin(qtbot, spin, value: int) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, str(value))
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_build_xor_network_through_the_gui_save_reopen_and_compile(make_main_window, qtbot, tmp_path):
    window = make_main_window()
    window.resize(1400, 900)
    window.actions["new"].trigger()
    ids = [palette_add(qtbot, window, name) for name in ("Input", "Linear", "Tanh", "Linear")]
    window.actions["auto_layout"].trigger()
    window.actions["fit"].trigger()
    for src, dst in zip(ids, ids[1:]):
        drag_link(qtbot, window, src, dst)
    graph = window.document.graph
    assert [(e.src, e.dst) for e in graph.edges()] == list(zip(ids, ids[1:]))

    click_node(qtbot, window, ids[1])
    assert window.inspector.node_id == ids[1]
    set_spin(qtbot, window.inspector.row("out_features").editor.spin, 4)
    click_node(qtbot, window, ids[3])
    set_spin(qtbot, window.inspector.row("out_features").editor.spin, 1)
    assert graph.node(ids[1]).params["out_features"] == 4
    assert graph.node(ids[3]).params["out_features"] == 1
    assert window.document.analysis.ok

    path = tmp_path / "xor.nlproj"
    window.ask_save_path = lambda suggested: str(path)
    window.actions["save"].trigger()
    assert path.exists() and not window.document.dirty

    reopened = make_main_window()
    assert reopened.open_file(path)
    model = compile_graph(reopened.document.graph, seed=0)
    out = model(torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))
    assert tuple(out.shape) == (4, 1)
    assert sum(p.numel() for p in model.parameters()) == 2 * 4 + 4 + 4 + 1


def test_palette_add_places_the_node_in_view_and_selects_it(make_main_window, qtbot):
    window = make_main_window()
    node_id = palette_add(qtbot, window, "ReLU")
    assert window.canvas.selected_node_ids() == [node_id]
    assert window.inspector.node_id == node_id
    item = window.canvas.scene().node_item(node_id)
    visible = window.canvas.mapToScene(window.canvas.viewport().rect()).boundingRect()
    assert visible.intersects(item.sceneBoundingRect())


def test_adding_twice_does_not_stack_nodes(make_main_window, qtbot):
    window = make_main_window()
    first, second = window.add_layer("ReLU"), window.add_layer("ReLU")
    graph = window.document.graph
    assert graph.node(first).pos != graph.node(second).pos


def test_undo_and_redo_shortcuts(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    window.add_layer("Linear")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.graph) == 0
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(window.document.graph) == 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.graph) == 1


def test_edit_shortcuts_duplicate_and_delete(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    node_id = window.add_layer("Linear")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.graph) == 2
    qtbot.keyClick(window.canvas, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.graph) == 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert len(window.document.graph) == 0
    window.document.undo_stack.undo()
    assert node_id in window.document.graph


def test_cut_removes_the_selection_and_paste_brings_it_back(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    window.add_layer("Tanh")
    window.actions["cut"].trigger()
    assert len(window.document.graph) == 0
    window.actions["paste"].trigger()
    assert [n.type for n in window.document.graph.nodes()] == ["Tanh"]


def test_every_promised_shortcut_is_bound(make_main_window):
    window = make_main_window(show=False)
    keys = {name: [k.toString() for k in action.shortcuts()] for name, action in window.actions.items()}
    assert "Ctrl+Z" in keys["undo"]
    assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= set(keys["redo"])
    assert "Del" in keys["delete"] and "F" in keys["fit"]
    for name, key in (("copy", "Ctrl+C"), ("paste", "Ctrl+V"), ("cut", "Ctrl+X"), ("duplicate", "Ctrl+D")):
        assert key in keys[name]
    for name, key in (("select_all", "Ctrl+A"), ("save", "Ctrl+S"), ("open", "Ctrl+O"), ("new", "Ctrl+N")):
        assert key in keys[name]
    assert "Ctrl+Shift+S" in keys["save_as"]


def test_typing_f_in_the_palette_search_types_instead_of_fitting(make_main_window, qtbot):
    window = make_main_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.palette.search.setFocus()
    qtbot.keyClicks(window.palette.search, "fla")
    assert window.palette.search.text() == "fla"


def test_toolbar_buttons_have_icons_and_tooltips(make_main_window):
    window = make_main_window(show=False)
    for action in window.toolbar.actions():
        if action.isSeparator():
            continue
        assert not action.icon().isNull() and action.toolTip()


def test_status_bar_shows_counts_and_validity(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    window.add_layer("Linear")
    qtbot.waitUntil(lambda: "1 node" in window.nodes_label.text())
    assert "error" in window.validity_label.text()
    window.document.undo_stack.undo()
    qtbot.waitUntil(lambda: "0 nodes" in window.nodes_label.text())


def test_clicking_a_problem_selects_its_node(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    node_id = window.add_layer("Linear")
    window.canvas.select_nodes([])
    problems = window.problems
    problems.refresh()
    item = next(
        problems.topLevelItem(i)
        for i in range(problems.topLevelItemCount())
        if problems.topLevelItem(i).text(1) == node_id
    )
    window.problems_dock.raise_()
    qtbot.waitUntil(problems.isVisible)
    rect = problems.visualItemRect(item)
    qtbot.mouseClick(problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.canvas.selected_node_ids() == [node_id]
    assert window.inspector.node_id == node_id


def test_problems_tab_counts_the_problems(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    window.add_layer("Linear")
    qtbot.waitUntil(lambda: window.problems_dock.windowTitle().startswith("Problems ("))


def test_code_view_shows_the_generated_code_and_copies_it(make_main_window, qtbot):
    window = make_main_window()
    window.open_example(list_examples()[0])
    qtbot.waitUntil(lambda: "class Model" in window.code_view.text(), timeout=30_000)
    window.code_view.copy_button.click()
    assert "nn.Linear" in QApplication.clipboard().text()


def test_code_view_explains_errors_instead_of_code(make_main_window, qtbot):
    window = make_main_window()
    window.actions["new"].trigger()
    window.add_layer("Linear")
    qtbot.waitUntil(lambda: "cannot become code" in window.code_view.text(), timeout=30_000)


def test_dark_theme_applies_and_is_remembered(make_main_window, app_settings):
    window = make_main_window(settings=app_settings, show=False)
    window.actions["dark_theme"].trigger()
    assert QApplication.palette().window().color().name() == DARK.panel
    assert app_settings.theme == "dark"
    window.actions["dark_theme"].trigger()
    assert QApplication.palette().window().color().name() == LIGHT.panel
    assert app_settings.theme == "light"


def test_snap_to_grid_setting_reaches_the_canvas_and_is_remembered(make_main_window, app_settings):
    window = make_main_window(settings=app_settings, show=False)
    window.actions["snap"].setChecked(False)
    assert not window.canvas.snap_to_grid
    assert make_main_window(settings=app_settings, show=False).canvas.snap_to_grid is False


def test_window_layout_is_remembered_between_runs(make_main_window, app_settings, qtbot):
    window = make_main_window(settings=app_settings)
    window.resize(780, 540)  # within the offscreen screen (800x600), or restoring clamps it
    window.code_dock.hide()
    window.document.undo_stack.setClean()
    window.close()
    again = make_main_window(settings=app_settings)
    assert (again.width(), again.height()) == (780, 540)
    assert not again.code_dock.isVisible() and again.problems_dock.isVisible()


def test_examples_menu_lists_every_example_with_its_description(make_main_window):
    window = make_main_window(show=False)
    actions = window.examples_menu.actions()
    examples = list_examples()
    assert [a.text() for a in actions] == [e.title for e in examples]
    assert all(a.statusTip() == e.description for a, e in zip(actions, examples))


def test_opening_an_example_does_not_tie_the_document_to_the_shipped_file(make_main_window, qtbot):
    window = make_main_window()
    example = list_examples()[0]
    window.examples_menu.actions()[0].trigger()
    assert window.document.path is None
    assert example.title in window.windowTitle()
    assert len(window.document.graph) > 0


def test_shortcuts_dialog_lists_the_actions(make_main_window, qtbot):
    from app.dialogs.shortcuts import ShortcutsDialog

    window = make_main_window(show=False)
    dialog = ShortcutsDialog(window.actions.values(), window)
    qtbot.addWidget(dialog)
    texts = [dialog.table.topLevelItem(i).text(1) for i in range(dialog.table.topLevelItemCount())]
    assert "Save" in texts and "Fit All" in texts
    assert any("Quick add" in text for text in texts)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_window_opens_with_an_example_in_both_themes(make_main_window, app_settings, theme):
    app_settings.theme = theme
    window = make_main_window(settings=app_settings)
    window.open_example(list_examples()[0])
    assert window.actions["dark_theme"].isChecked() == (theme == "dark")
    assert len(window.canvas.scene().node_items()) == len(window.document.graph)


def test_ctrl_c_in_the_code_view_copies_code_not_nodes(make_main_window, qtbot):
    window = make_main_window()
    window.open_example(list_examples()[0])
    qtbot.waitUntil(lambda: "class Model" in window.code_view.text(), timeout=30_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    editor = window.code_view.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == window.code_view.text()
    assert window.canvas.selected_node_ids() == []
