"""Project files: exact round trips, atomic saves, problems named by place, versions
and migrations, and every shipped example valid."""

import json

import pytest
import torch

from graph_core.compiler import compile_graph
from graph_core.project import (
    VERSION,
    ProjectError,
    dumps_project,
    list_examples,
    load_project,
    loads_project,
    save_project,
)
from graph_core.shapes import analyze
from graph_core.subgraph import compile_roles

REQUIRED_EXAMPLES = {
    "perceptron_xor", "mlp_xor", "mlp_spiral", "mlp_circle_l2", "residual_mlp", "cnn_digits",
    "lstm_sine", "gru_sequence", "transformer_sequence", "autoencoder_digits",
}  # fmt: skip


def minimal(**overrides):
    doc = {
        "format": "neuroloom-project",
        "version": 1,
        "graph": {
            "nodes": [
                {"id": "in", "type": "Input", "params": {"shape": [2]}, "pos": [0, 0]},
                {"id": "fc1", "type": "Linear", "params": {"out_features": 8}, "pos": [160, 0]},
                {"id": "act1", "type": "Tanh", "params": {}, "pos": [320, 0]},
                {"id": "out", "type": "Linear", "params": {"out_features": 2}, "pos": [480, 0]},
            ],
            "edges": [{"src": "in", "dst": "fc1"}, {"src": "fc1", "dst": "act1"}, {"src": "act1", "dst": "out"}],
            "outputs": ["out"],
        },
        "data": {"dataset": "spiral", "noise": 0.1, "samples": 500, "split": [0.7, 0.15, 0.15], "seed": 0},
        "training": {"loss": "CrossEntropyLoss", "optimizer": "Adam", "lr": 0.01, "batch_size": 32, "epochs": 200},
    }
    doc.update(overrides)
    return doc


def problems_of(doc) -> list[str]:
    with pytest.raises(ProjectError) as info:
        loads_project(json.dumps(doc))
    return info.value.problems


def test_the_documented_example_loads_and_round_trips_exactly(tmp_path):
    project = loads_project(json.dumps(minimal()))
    path = tmp_path / "p.nlproj"
    save_project(project, path)
    text = path.read_text()
    again = load_project(path)
    assert dumps_project(again) == text
    assert again.graph.node("fc1").pos == (160.0, 0.0)
    assert again.training["lr"] == 0.01 and again.data["dataset"] == "spiral"


def test_saving_is_atomic_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "p.nlproj"
    path.write_text("old")
    save_project(loads_project(json.dumps(minimal())), path)
    assert [p.name for p in tmp_path.iterdir()] == ["p.nlproj"]
    assert json.loads(path.read_text())["format"] == "neuroloom-project"


def test_a_bad_parameter_is_reported_with_its_place():
    doc = minimal()
    doc["graph"]["nodes"][1]["params"]["out_features"] = 0
    assert problems_of(doc) == ["graph.nodes[1].params.out_features: must be a positive integer"]


def test_several_problems_are_all_named():
    doc = minimal()
    doc["graph"]["nodes"][2]["type"] = "Tanhh"
    doc["graph"]["edges"].append({"src": "nowhere", "dst": "out"})
    doc["training"]["lr"] = -1
    doc["data"]["colour"] = "red"
    problems = problems_of(doc)
    assert "graph.nodes[2].type: unknown layer type 'Tanhh'" in problems
    assert "graph.edges[3].src: 'nowhere' is not a node id" in problems
    assert any(p.startswith("training.lr: must be a number between") for p in problems)
    assert any(p.startswith("data.colour: unknown setting") for p in problems)


def test_duplicate_ids_taken_ports_and_cycles_are_refused():
    doc = minimal()
    doc["graph"]["nodes"][3]["id"] = "fc1"
    assert "graph.nodes[3].id: 'fc1' is used by another node" in problems_of(doc)
    doc = minimal()
    doc["graph"]["edges"].append({"src": "out", "dst": "fc1"})
    assert problems_of(doc) == ["graph.edges[3]: connecting out to fc1 would make a cycle"]


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b"\xff\xfe{", "is not UTF-8 text"),
        (b"{ not json", "is not valid JSON"),
        (b"[1, 2]", "is not a NeuroLoom project"),
        (b'{"format": "something-else"}', "is not a NeuroLoom project"),
        (b"[" * 100000 + b"]" * 100000, "is not valid JSON"),
        (b'{"format": "neuroloom-project", "version": NaN}', "NaN is not allowed"),
    ],
)
def test_unreadable_files_get_a_clear_reason(raw, expected):
    with pytest.raises(ProjectError, match=expected):
        loads_project(raw)


def test_a_newer_version_is_refused_clearly():
    with pytest.raises(ProjectError, match="saved by a newer NeuroLoom .format version 7.; this version reads up to 1"):
        loads_project(json.dumps(minimal(version=7)))


def test_version_0_files_are_migrated_forward():
    old = minimal(version=0)
    for node in old["graph"]["nodes"]:
        node["layer"] = node.pop("type")
    old["graph"]["edges"] = [[e["src"], e["dst"]] for e in old["graph"]["edges"]]
    project = loads_project(json.dumps(old))
    assert project.graph.node("fc1").type == "Linear"
    assert [(e.src, e.dst) for e in project.graph.edges()] == [("in", "fc1"), ("fc1", "act1"), ("act1", "out")]
    assert json.loads(dumps_project(project))["version"] == VERSION


def test_a_failed_load_never_modifies_the_file(tmp_path):
    path = tmp_path / "broken.nlproj"
    path.write_bytes(b'{"format": "neuroloom-project", "version": 1, "graph": 5}')
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="graph: must be an object"):
        load_project(path)
    assert path.read_bytes() == before


def test_missing_files_and_folders_are_explained(tmp_path):
    with pytest.raises(ProjectError, match="cannot be read"):
        load_project(tmp_path / "missing.nlproj")
    with pytest.raises(ProjectError, match="is a folder"):
        load_project(tmp_path)


def test_every_example_validates_compiles_and_runs():
    examples = {e.name: e for e in list_examples()}
    assert REQUIRED_EXAMPLES <= set(examples)
    for example in examples.values():
        assert example.title and example.description, example.name
        project = load_project(example.path)
        analysis = analyze(project.graph)
        assert analysis.ok and not analysis.diagnostics, (example.name, analysis.diagnostics)
        roles = project.graph.roles()
        models = (
            compile_roles(project.graph, roles, seed=0)
            if roles != [None]
            else {None: compile_graph(project.graph, seed=0)}
        )
        for model in models.values():
            params = [project.graph.node(i).params for i in model.input_ids]
            dtypes = [torch.int64 if p["dtype"] == "int64" else torch.float32 for p in params]  # token ids
            inputs = [torch.zeros(2, *p["shape"], dtype=dtype) for p, dtype in zip(params, dtypes)]
            assert model(*inputs).shape[0] == 2, example.name
