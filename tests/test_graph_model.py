"""ModelGraph edits: what they change, what they refuse, and the events they send."""

import pytest

from graph_core.graph import (
    CycleError,
    DuplicateEdgeError,
    Edge,
    IdError,
    ModelGraph,
    ParamError,
    PortError,
    PortTakenError,
)


def small_graph():
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [2]}, node_id="x")
    graph.add_node("Linear", {"out_features": 8}, node_id="fc1")
    graph.add_node("ReLU", node_id="act")
    graph.connect("x", "fc1")
    graph.connect("fc1", "act")
    return graph


def test_adding_a_node_fills_in_the_spec_defaults_and_a_readable_id():
    graph = ModelGraph()
    node_id = graph.add_node("Linear")
    assert node_id == "linear1"
    assert graph.node(node_id).params == {"out_features": 8, "bias": True}
    assert graph.add_node("BatchNorm1d") == "batch_norm1d1"


def test_connecting_into_a_taken_single_input_port_is_refused():
    graph = small_graph()
    graph.add_node("Input", {"shape": [2]}, node_id="y")
    with pytest.raises(PortTakenError, match="already connected"):
        graph.connect("y", "fc1")


def test_duplicate_edges_and_cycles_are_refused_and_leave_the_graph_unchanged():
    graph = small_graph()
    before = graph.to_dict()
    with pytest.raises(DuplicateEdgeError):
        graph.connect("x", "fc1")
    graph.add_node("Add", node_id="add")
    graph.connect("act", "add")
    with pytest.raises(CycleError, match="cycle"):
        graph.connect("add", "fc1")
    with pytest.raises(CycleError):
        graph.connect("act", "act")
    assert graph.to_dict()["edges"] == before["edges"] + [{"src": "act", "dst": "add"}]


def test_unknown_ports_and_inputs_into_an_input_node_are_refused():
    graph = small_graph()
    with pytest.raises(PortError, match="no input port"):
        graph.connect("act", "fc1", dst_port="bogus")
    with pytest.raises(PortError, match="takes no inputs"):
        graph.connect("act", "x")


def test_merge_nodes_accept_many_inputs_in_connection_order():
    graph = small_graph()
    graph.add_node("Concat", node_id="cat")
    graph.connect("act", "cat")
    graph.connect("x", "cat")
    assert graph.predecessors("cat") == ["act", "x"]


def test_bad_parameter_values_are_refused_with_a_message():
    graph = small_graph()
    with pytest.raises(ParamError, match="out_features: must be a positive integer"):
        graph.set_param("fc1", "out_features", 0)
    with pytest.raises(ParamError, match="has no parameter 'width'"):
        graph.set_param("fc1", "width", 3)
    assert graph.node("fc1").params["out_features"] == 8


def test_node_ids_must_be_names_and_unique():
    graph = small_graph()
    with pytest.raises(IdError):
        graph.add_node("ReLU", node_id="fc1")
    with pytest.raises(IdError):
        graph.add_node("ReLU", node_id="1st layer")


def test_removing_a_node_and_restoring_it_puts_its_edges_back_in_order():
    graph = small_graph()
    graph.add_node("Linear", node_id="fc2")
    graph.connect("act", "fc2")
    graph.set_outputs(["fc2"])
    before = graph.to_dict()
    removed = graph.remove_node("act")
    assert "act" not in graph and len(graph.edges()) == 1
    graph.restore_node(removed)
    assert graph.to_dict() == before


def test_every_edit_emits_an_event_a_view_can_follow():
    graph = ModelGraph()
    events = []
    graph.subscribe(events.append)
    graph.add_node("Input", node_id="x")
    graph.add_node("Linear", node_id="fc")
    edge = graph.connect("x", "fc")
    graph.set_param("fc", "out_features", 3)
    graph.move("fc", (10, 20))
    graph.disconnect(edge)
    graph.remove_node("fc")
    kinds = [e.kind for e in events]
    assert kinds == [
        "node_added",
        "node_added",
        "edge_added",
        "param_changed",
        "node_moved",
        "edge_removed",
        "node_removed",
    ]
    assert events[3].value == 3 and events[2].edge == Edge("x", "fc")


def test_to_dict_and_from_dict_round_trip():
    graph = small_graph()
    graph.move("act", (300, 40))
    copy = ModelGraph.from_dict(graph.to_dict())
    assert copy.to_dict() == graph.to_dict()
