"""The document: coalesced change signals, analysis once per event-loop turn, the
unsaved-changes flag, and loading another project into the same document."""

import pytest

from app.commands import AddNodeCommand, ConnectCommand, MoveNodesCommand, SetParamCommand
from app.document import Document
from graph_core.project import Project, load_project, project_to_dict, save_project


@pytest.fixture
def doc(qapp):
    document = Document.new()
    yield document
    document.deleteLater()


def build_mlp(doc: Document) -> None:
    with doc.macro("Build"):
        doc.try_push(AddNodeCommand(doc.graph, "Input", (0, 0), {"shape": [2]}, "inp"))
        doc.try_push(AddNodeCommand(doc.graph, "Linear", (260, 0), {"out_features": 4}, "fc"))
        doc.try_push(ConnectCommand(doc.graph, "inp", "fc"))


def test_graph_changed_fires_once_per_macro(doc, qtbot):
    seen = []
    doc.graphChanged.connect(lambda: seen.append(len(doc.graph)))
    build_mlp(doc)
    assert seen == [2]
    doc.try_push(SetParamCommand(doc.graph, "fc", "out_features", 5))
    doc.undo_stack.undo()
    assert seen == [2, 2, 2]


def test_analysis_runs_once_per_burst_of_edits(doc, qtbot, qapp):
    results = []
    doc.analysisChanged.connect(results.append)
    with qtbot.waitSignal(doc.analysisChanged):
        build_mlp(doc)
        for value in (5, 6, 7):
            doc.try_push(SetParamCommand(doc.graph, "fc", "out_features", value))
    qapp.processEvents()  # a second (wrong) emission would arrive here
    assert len(results) == 1
    assert results[0] is doc.analysis
    assert doc.analysis.nodes["fc"].shape_text == "[N, 7]"


def test_moving_nodes_does_not_reanalyse(doc, qtbot):
    build_mlp(doc)
    analysis = doc.analysis
    doc.try_push(MoveNodesCommand(doc.graph, {"fc": ((260, 0), (300, 40))}))
    assert doc.analysis is analysis


def test_dirty_follows_the_undo_stack_and_saving(doc, qtbot, tmp_path):
    states = []
    doc.dirtyChanged.connect(states.append)
    build_mlp(doc)
    assert doc.dirty and states == [True]
    path = tmp_path / "net.nlproj"
    save_project(doc.to_project(), path)
    doc.mark_saved(path)
    assert not doc.dirty and doc.path == path and states == [True, False]
    doc.undo_stack.undo()
    assert doc.dirty
    doc.undo_stack.redo()
    assert not doc.dirty
    doc.mark_modified()  # e.g. training settings changed
    assert doc.dirty and states[-1] is True


def test_saved_project_reopens_with_the_same_graph(doc, tmp_path):
    build_mlp(doc)
    path = tmp_path / "net.nlproj"
    save_project(doc.to_project(), path)
    assert project_to_dict(load_project(path))["graph"] == doc.graph.to_dict()


def test_replace_loads_another_project_into_the_same_graph(doc, qtbot, tmp_path):
    build_mlp(doc)
    graph = doc.graph
    other = Project()
    other.graph.add_node("Input", {"shape": [3]}, (0, 0), "x")
    other.graph.add_node("Tanh", {}, (200, 0), "t")
    other.graph.connect("x", "t")
    other.graph.set_outputs(["t"])
    other.training["epochs"] = 7
    paths = []
    doc.pathChanged.connect(paths.append)
    with qtbot.waitSignal(doc.replaced):
        doc.replace(other, tmp_path / "other.nlproj")
    assert doc.graph is graph
    assert graph.node_ids() == ["x", "t"] and graph.outputs == ["t"]
    assert doc.project.training["epochs"] == 7 and doc.to_project().graph is graph
    assert doc.undo_stack.count() == 0 and not doc.dirty
    assert paths == [tmp_path / "other.nlproj"] and doc.display_name == "other.nlproj"
