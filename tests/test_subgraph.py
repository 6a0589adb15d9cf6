"""User stories for graph roles: two networks on one canvas, each validated and compiled
on its own, with weights still addressed by the canvas's node ids."""

from __future__ import annotations

import torch

from graph_core.graph import ModelGraph
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.subgraph import compile_role, role_diagnostics, subgraph


def two_networks() -> ModelGraph:
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [3]}, node_id="z", role="generator")
    graph.add_node("Linear", {"out_features": 8}, node_id="g1", role="generator")
    graph.add_node("Linear", {"out_features": 2}, node_id="g_out", role="generator")
    graph.add_node("Input", {"shape": [2]}, node_id="x", role="discriminator")
    graph.add_node("Linear", {"out_features": 1}, node_id="d_out", role="discriminator")
    graph.connect("z", "g1")
    graph.connect("g1", "g_out")
    graph.connect("x", "d_out")
    return graph


def test_a_role_becomes_a_graph_of_its_own_with_the_same_node_ids():
    generator = subgraph(two_networks(), "generator")
    assert generator.node_ids() == ["z", "g1", "g_out"]
    assert [(e.src, e.dst) for e in generator.edges()] == [("z", "g1"), ("g1", "g_out")]
    assert all(node.role == "generator" for node in generator.nodes())


def test_each_role_compiles_alone_and_its_weights_are_named_by_node_id():
    graph = two_networks()
    generator, discriminator = compile_role(graph, "generator", seed=0), compile_role(graph, "discriminator", seed=0)
    assert generator(torch.zeros(5, 3)).shape == (5, 2)
    assert discriminator(torch.zeros(5, 2)).shape == (5, 1)
    assert {name.split(".")[0] for name in generator.state_dict()} == {"g1", "g_out"}
    assert {name.split(".")[0] for name in discriminator.state_dict()} == {"d_out"}


def test_weights_of_a_role_do_not_depend_on_the_other_role():
    graph = two_networks()
    alone = ModelGraph.from_dict(subgraph(graph, "generator").to_dict())
    assert torch.equal(compile_role(graph, "generator", 3).g1.weight, compile_role(alone, "generator", 3).g1.weight)


def test_valid_roles_have_no_diagnostics():
    assert role_diagnostics(two_networks(), ["generator", "discriminator"]) == []


def test_an_edge_between_roles_is_reported_on_that_edge():
    graph = two_networks()
    graph.add_node("Linear", {"out_features": 1}, node_id="d_extra", role="discriminator")
    edge = graph.connect("g_out", "d_extra")
    problems = role_diagnostics(graph)
    crossing = [d for d in problems if d.code == "role_edge"]
    assert len(crossing) == 1 and crossing[0].edge == edge
    assert "generator" in crossing[0].message and "discriminator" in crossing[0].message


def test_a_missing_role_and_a_role_without_input_are_named():
    graph = two_networks()
    graph.remove_node("x")
    problems = role_diagnostics(graph, ["generator", "discriminator", "critic"])
    messages = [d.message for d in problems]
    assert any("the critic is missing" in m for m in messages)
    assert any(m.startswith("the discriminator has no Input") for m in messages)


def test_the_gan_example_marks_both_roles():
    graph = load_project(EXAMPLES_DIR / "gan_2d.nlproj").graph
    assert set(graph.roles()) == {"generator", "discriminator"}
    assert role_diagnostics(graph, ["generator", "discriminator"]) == []
