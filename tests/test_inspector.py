"""The inspector: forms generated from layer specs, edits that become undo steps,
refused values that never reach the model, and the network summary."""

import pytest
from PySide6.QtCore import Qt

from app.document import Document
from app.inspector import InspectorWidget, ListEditor, SizeEditor, parse_int_list
from graph_core.graph import ModelGraph
from graph_core.project import Project


def make_document() -> Document:
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [2]}, node_id="x")
    graph.add_node("Linear", {"out_features": 8}, node_id="fc1")
    graph.add_node("ReLU", node_id="act")
    graph.add_node("Linear", {"out_features": 2}, node_id="out")
    for src, dst in (("x", "fc1"), ("fc1", "act"), ("act", "out")):
        graph.connect(src, dst)
    return Document.from_project(Project(graph=graph))


@pytest.fixture
def document():
    return make_document()


@pytest.fixture
def inspector(qtbot, document):
    widget = InspectorWidget(document)
    qtbot.addWidget(widget)
    widget.resize(320, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_spinning_out_features_with_the_keyboard_changes_the_model_and_undo_reverts(inspector, document, qtbot):
    inspector.set_selection(["fc1"])
    spin = inspector.row("out_features").editor.spin
    spin.setFocus()
    for _ in range(3):
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert document.graph.node("fc1").params["out_features"] == 11
    assert document.undo_stack.count() == 1  # repeated spins merge into one step
    document.undo_stack.undo()
    assert document.graph.node("fc1").params["out_features"] == 8


def test_undo_updates_the_form_without_pushing_a_new_step(inspector, document, qtbot):
    inspector.set_selection(["fc1"])
    spin = inspector.row("out_features").editor.spin
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    document.undo_stack.undo()
    qtbot.waitUntil(lambda: spin.value() == 8)
    assert document.undo_stack.count() == 1 and document.undo_stack.index() == 0


def test_toggling_bias_changes_the_model_and_undo_reverts(inspector, document, qtbot):
    inspector.set_selection(["fc1"])
    check = inspector.row("bias").editor.check
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=check.rect().center())
    assert document.graph.node("fc1").params["bias"] is False
    document.undo_stack.undo()
    assert document.graph.node("fc1").params["bias"] is True
    qtbot.waitUntil(lambda: check.isChecked())


def test_invalid_shape_is_refused_with_a_message_and_the_model_is_unchanged(inspector, document, qtbot):
    inspector.set_selection(["x"])
    row = inspector.row("shape")
    line = row.editor.line
    line.selectAll()
    qtbot.keyClicks(line, "2, 0")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert document.graph.node("x").params["shape"] == [2]
    assert document.undo_stack.count() == 0
    assert row.message.isVisible() and "positive" in row.message.text()


def test_text_that_is_no_list_of_numbers_is_refused(inspector, document, qtbot):
    inspector.set_selection(["x"])
    row = inspector.row("shape")
    row.editor.line.setText("two")
    qtbot.keyClick(row.editor.line, Qt.Key.Key_Return)
    assert document.graph.node("x").params["shape"] == [2]
    assert row.message.isVisible()


def test_a_valid_shape_is_applied_and_clears_the_message(inspector, document, qtbot):
    inspector.set_selection(["x"])
    row = inspector.row("shape")
    row.editor.line.setText("2, 0")
    qtbot.keyClick(row.editor.line, Qt.Key.Key_Return)
    row.editor.line.setText("[4]")
    qtbot.keyClick(row.editor.line, Qt.Key.Key_Return)
    assert document.graph.node("x").params["shape"] == [4]
    assert not row.message.isVisible()


def test_choice_parameters_use_a_combo_box(inspector, document):
    document.graph.add_node("GELU", node_id="gelu")
    inspector.set_selection(["gelu"])
    combo = inspector.row("approximate").editor.combo
    combo.setCurrentIndex(combo.findText("tanh"))
    assert document.graph.node("gelu").params["approximate"] == "tanh"


def test_float_parameters_accept_scientific_notation(inspector, document, qtbot):
    document.graph.add_node("LayerNorm", node_id="norm")
    inspector.set_selection(["norm"])
    spin = inspector.row("eps").editor.spin
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "1e-3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert document.graph.node("norm").params["eps"] == pytest.approx(1e-3)


def test_kernel_size_can_be_set_per_axis(inspector, document):
    document.graph.add_node("Conv2d", node_id="conv")
    inspector.set_selection(["conv"])
    editor = inspector.row("kernel_size").editor
    assert isinstance(editor, SizeEditor)
    editor.mode.setCurrentIndex(editor.mode.findData("each"))
    editor.spins[1].setValue(5)
    assert document.graph.node("conv").params["kernel_size"] == [3, 5]


def test_padding_offers_the_words_of_its_spec(inspector, document):
    document.graph.add_node("Conv2d", node_id="conv")
    inspector.set_selection(["conv"])
    editor = inspector.row("padding").editor
    editor.mode.setCurrentIndex(editor.mode.findText("same"))
    assert document.graph.node("conv").params["padding"] == "same"


def test_nullable_stride_can_go_back_to_default(inspector, document):
    document.graph.add_node("MaxPool2d", {"stride": 2}, node_id="pool")
    inspector.set_selection(["pool"])
    editor = inspector.row("stride").editor
    editor.mode.setCurrentIndex(editor.mode.findData("none"))
    assert document.graph.node("pool").params["stride"] is None


def test_nullable_int_has_a_none_box(inspector, document):
    document.graph.add_node("Embedding", node_id="emb")
    inspector.set_selection(["emb"])
    editor = inspector.row("padding_idx").editor
    assert editor.none.isChecked() and not editor.inner.isEnabled()
    editor.none.setChecked(False)
    assert document.graph.node("emb").params["padding_idx"] == 0


def test_dimension_spin_box_skips_the_batch_dimension(inspector, document, qtbot):
    document.graph.add_node("Softmax", {"dim": 1}, node_id="soft")
    inspector.set_selection(["soft"])
    spin = inspector.row("dim").editor.spin
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert document.graph.node("soft").params["dim"] == -1


def test_node_view_shows_shape_parameter_count_and_explanation(inspector, document):
    inspector.set_selection(["fc1"])
    facts = inspector._facts.values
    assert facts == {"Output": "[N, 8]", "Parameters": "24"}
    assert inspector.title.text() == "fc1"


def test_facts_follow_parameter_edits(inspector, document, qtbot):
    inspector.set_selection(["fc1"])
    inspector.row("out_features").editor.spin.setValue(4)
    qtbot.waitUntil(lambda: inspector._facts.values["Output"] == "[N, 4]")
    assert inspector._facts.values["Parameters"] == "12"


def test_node_problems_are_listed(inspector, document, qtbot):
    document.graph.add_node("Linear", node_id="loose")
    inspector.set_selection(["loose"])
    assert any("no input" in label.text() for label in inspector.findChildren(type(inspector.title)))


def test_nothing_selected_shows_network_totals(inspector, document):
    inspector.set_selection([])
    facts = inspector._facts.values
    assert facts["Nodes"] == "4" and facts["Edges"] == "3"
    assert facts["Parameters"] == str(2 * 8 + 8 + 8 * 2 + 2)


def test_removed_node_falls_back_to_the_summary(inspector, document, qtbot):
    inspector.set_selection(["act"])
    document.graph.remove_node("act")
    inspector.refresh()
    assert inspector.node_id is None and inspector.title.text() == "Network"


def test_int_lists_are_parsed_leniently():
    assert parse_int_list("[1, 8, 8]") == [1, 8, 8]
    assert parse_int_list("1 8 8") == [1, 8, 8]
    assert parse_int_list("1, x") is None


def test_list_editor_does_not_echo_model_updates(inspector, document, qtbot):
    inspector.set_selection(["x"])
    editor = inspector.row("shape").editor
    assert isinstance(editor, ListEditor)
    with qtbot.assertNotEmitted(editor.edited):
        editor.set_value([3])


def test_reentering_the_current_value_clears_the_message_without_an_undo_step(inspector, document, qtbot):
    inspector.set_selection(["x"])
    row = inspector.row("shape")
    row.editor.line.setText("0")
    qtbot.keyClick(row.editor.line, Qt.Key.Key_Return)
    assert row.message.isVisible()
    row.editor.line.setText("2")
    qtbot.keyClick(row.editor.line, Qt.Key.Key_Return)
    assert not row.message.isVisible()
    assert document.undo_stack.count() == 0
