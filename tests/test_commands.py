"""Undo commands and auto-layout against the model: each edit undoes exactly, refused
edits leave the stack alone, and merges make one step of repeated changes."""

import pytest

from app.commands import (
    AddNodeCommand,
    AutoLayoutCommand,
    ConnectCommand,
    DisconnectCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
    RewireCommand,
    SetOutputsCommand,
    SetParamCommand,
)
from app.document import Document
from app.layout import LAYER_SPACING, layout_positions
from graph_core.graph import Edge, ModelGraph
from graph_core.project import Project


@pytest.fixture
def doc(qapp):
    document = Document.new()
    yield document
    document.deleteLater()


def mlp(graph: ModelGraph) -> None:
    graph.add_node("Input", {"shape": [2]}, (0, 0), "inp")
    graph.add_node("Linear", {"out_features": 8}, (200, 0), "fc1")
    graph.add_node("ReLU", {}, (400, 0), "act")
    graph.add_node("Linear", {"out_features": 2}, (600, 0), "out")
    graph.connect("inp", "fc1")
    graph.connect("fc1", "act")
    graph.connect("act", "out")


def test_adding_a_node_undoes_and_redoes_with_the_same_id(doc):
    assert doc.try_push(AddNodeCommand(doc.graph, "Linear", (10, 20), {"out_features": 4})) is None
    node_id = doc.graph.node_ids()[0]
    doc.undo_stack.undo()
    assert node_id not in doc.graph
    doc.undo_stack.redo()
    assert doc.graph.node(node_id).params["out_features"] == 4
    assert doc.graph.node(node_id).pos == (10.0, 20.0)


def test_a_refused_edit_leaves_graph_and_stack_unchanged(doc):
    mlp(doc.graph)
    before = doc.graph.to_dict()
    assert "already connected" in doc.try_push(ConnectCommand(doc.graph, "inp", "fc1"))
    assert "cannot feed itself" in doc.try_push(ConnectCommand(doc.graph, "act", "act"))
    assert "positive integer" in doc.try_push(SetParamCommand(doc.graph, "fc1", "out_features", 0))
    assert "unknown layer type" in doc.try_push(AddNodeCommand(doc.graph, "NoSuchLayer"))
    assert doc.undo_stack.count() == 0
    assert doc.graph.to_dict() == before


def test_repeated_changes_of_one_parameter_merge_into_one_step(doc):
    mlp(doc.graph)
    for value in (9, 10, 11, 12):
        assert doc.try_push(SetParamCommand(doc.graph, "fc1", "out_features", value)) is None
    assert doc.undo_stack.count() == 1
    assert doc.graph.node("fc1").params["out_features"] == 12
    doc.try_push(SetParamCommand(doc.graph, "out", "out_features", 3))  # another node: a new step
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.graph.node("fc1").params["out_features"] == 8
    doc.undo_stack.redo()
    assert doc.graph.node("fc1").params["out_features"] == 12


def test_spinning_back_to_the_start_value_leaves_no_step(doc):
    mlp(doc.graph)
    doc.try_push(SetParamCommand(doc.graph, "fc1", "out_features", 9))
    doc.try_push(SetParamCommand(doc.graph, "fc1", "out_features", 8))
    assert doc.undo_stack.count() == 0
    assert not doc.dirty


def test_deleting_a_node_and_undoing_restores_its_edges_in_order(doc):
    graph = doc.graph
    graph.add_node("Input", {"shape": [2]}, node_id="inp")
    for name in ("a", "b", "c"):
        graph.add_node("Linear", {"out_features": 3}, node_id=name)
        graph.connect("inp", name)
    graph.add_node("Concat", {}, node_id="cat")
    for name in ("a", "b", "c"):
        graph.connect(name, "cat")
    graph.set_outputs(["cat", "b"])
    before = graph.edges()
    assert doc.try_push(RemoveNodesCommand(graph, ["b"])) is None
    assert "b" not in graph and len(graph.edges()) == len(before) - 2
    doc.undo_stack.undo()
    assert graph.edges() == before
    assert graph.outputs == ["cat", "b"]


def test_deleting_several_nodes_and_selected_edges_is_one_step(doc):
    mlp(doc.graph)
    before = doc.graph.to_dict()
    command = RemoveNodesCommand(doc.graph, ["fc1", "act"], [Edge("act", "out"), Edge("inp", "fc1")])
    assert command.text() == "Delete 2 nodes"
    assert doc.try_push(command) is None
    assert doc.graph.node_ids() == ["inp", "out"] and doc.graph.edges() == []
    doc.undo_stack.undo()
    assert doc.graph.to_dict() == before


def test_disconnecting_and_rewiring_keep_the_connection_order(doc):
    graph = doc.graph
    graph.add_node("Input", {"shape": [4]}, node_id="inp")
    graph.add_node("ReLU", {}, node_id="r1")
    graph.add_node("Tanh", {}, node_id="r2")
    graph.add_node("Concat", {}, node_id="cat")
    graph.connect("inp", "r1")
    graph.connect("inp", "r2")
    graph.connect("r1", "cat")
    graph.connect("r2", "cat")
    graph.add_node("Sigmoid", {}, node_id="s")
    old, new = Edge("inp", "r1"), Edge("inp", "s")
    assert doc.try_push(RewireCommand(graph, old, new)) is None
    assert graph.edges()[0] == new  # the rewired edge keeps its place
    doc.undo_stack.undo()
    assert graph.edges()[0] == old
    assert doc.try_push(DisconnectCommand(graph, [Edge("r1", "cat"), Edge("r2", "cat")])) is None
    doc.undo_stack.undo()
    assert graph.edges()[2:] == [Edge("r1", "cat"), Edge("r2", "cat")]


def test_a_refused_rewire_puts_the_old_edge_back(doc):
    mlp(doc.graph)
    before = doc.graph.edges()
    error = doc.try_push(RewireCommand(doc.graph, Edge("act", "out"), Edge("act", "fc1")))
    assert "cycle" in error
    assert doc.graph.edges() == before and doc.undo_stack.count() == 0


def test_moving_nodes_is_one_step_and_arrow_moves_merge(doc):
    mlp(doc.graph)
    doc.try_push(MoveNodesCommand(doc.graph, {"inp": ((0, 0), (20, 40)), "fc1": ((200, 0), (220, 40))}))
    assert doc.undo_stack.count() == 1
    for step in range(1, 4):
        doc.try_push(MoveNodesCommand(doc.graph, {"act": ((400, 20 * (step - 1)), (400, 20 * step))}, merge_key="keys"))
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert doc.graph.node("act").pos == (400.0, 0.0)
    doc.undo_stack.undo()
    assert doc.graph.node("inp").pos == (0.0, 0.0) and doc.graph.node("fc1").pos == (200.0, 0.0)


def test_paste_adds_copies_with_fresh_ids_and_their_internal_edges(doc):
    mlp(doc.graph)
    payload = {
        "nodes": [entry for entry in doc.graph.to_dict()["nodes"] if entry["id"] in ("fc1", "act")],
        "edges": [{"src": "fc1", "dst": "act"}],
    }
    command = PasteCommand(doc.graph, payload, (0, 200))
    assert doc.try_push(command) is None
    first, second = command.new_ids
    assert {first, second}.isdisjoint({"inp", "fc1", "act", "out"})
    assert doc.graph.node(first).type == "Linear" and doc.graph.node(first).pos == (200.0, 200.0)
    assert doc.graph.in_edges(second) == [Edge(first, second)]
    assert doc.graph.in_edges(first) == []  # the edge from outside the copy is not pasted
    doc.undo_stack.undo()
    assert len(doc.graph) == 4
    doc.undo_stack.redo()
    assert command.new_ids == [first, second] and first in doc.graph


def test_a_paste_the_model_refuses_adds_nothing(doc):
    payload = {"nodes": [{"id": "a", "type": "Linear", "params": {"out_features": -1}}], "edges": []}
    assert "cannot paste" in doc.try_push(PasteCommand(doc.graph, payload))
    assert len(doc.graph) == 0 and doc.undo_stack.count() == 0


def test_auto_layout_orders_nodes_left_to_right_by_depth_in_one_step(doc):
    graph = doc.graph
    graph.add_node("Input", {"shape": [2]}, (500, 300), "inp")
    graph.add_node("Linear", {}, (0, 0), "a")
    graph.add_node("Linear", {}, (-300, 90), "b")
    graph.add_node("Add", {}, (100, -400), "sum")
    graph.add_node("ReLU", {}, (-50, 50), "act")
    for src, dst in (("inp", "a"), ("inp", "b"), ("a", "sum"), ("b", "sum"), ("sum", "act")):
        graph.connect(src, dst)
    before = {node.id: node.pos for node in graph.nodes()}
    assert doc.try_push(AutoLayoutCommand(graph)) is None
    x = {node.id: node.pos[0] for node in graph.nodes()}
    assert x["inp"] < x["a"] == x["b"] < x["sum"] < x["act"]
    assert x["a"] - x["inp"] == LAYER_SPACING
    assert graph.node("a").pos[1] != graph.node("b").pos[1]
    assert graph.node("inp").pos[1] == graph.node("sum").pos[1] == graph.node("act").pos[1]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert {node.id: node.pos for node in graph.nodes()} == before


def test_layout_ordering_removes_a_crossing():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [2]}, (0, 0), "top_in")
    graph.add_node("Input", {"shape": [2]}, (0, 200), "low_in")
    graph.add_node("ReLU", {}, (200, 0), "low_out")  # fed by the lower input, drawn on top
    graph.add_node("ReLU", {}, (200, 200), "top_out")
    graph.connect("top_in", "top_out")
    graph.connect("low_in", "low_out")
    positions = layout_positions(graph)
    top_first = positions["top_in"][1] < positions["low_in"][1]
    assert (positions["top_out"][1] < positions["low_out"][1]) == top_first


def test_setting_outputs_undoes(doc):
    mlp(doc.graph)
    doc.try_push(SetOutputsCommand(doc.graph, ["act", "out"]))
    assert doc.graph.outputs == ["act", "out"]
    doc.undo_stack.undo()
    assert doc.graph.outputs == []


def test_commands_pushed_straight_on_the_stack_still_apply(doc):
    """`try_push` is the usual way, but a plain push runs redo() as Qt intends."""
    doc.undo_stack.push(AddNodeCommand(doc.graph, "ReLU", node_id="r"))
    assert "r" in doc.graph
    doc.undo_stack.undo()
    assert "r" not in doc.graph


def test_a_document_from_a_project_edits_that_projects_graph(qapp):
    project = Project()
    mlp(project.graph)
    document = Document.from_project(project)
    document.try_push(SetParamCommand(document.graph, "fc1", "out_features", 5))
    assert project.graph.node("fc1").params["out_features"] == 5
    document.deleteLater()
