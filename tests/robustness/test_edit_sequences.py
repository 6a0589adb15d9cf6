"""Random edit sessions through the document's commands (add, connect, disconnect,
rewire, delete, paste, set parameter, move, auto-layout, outputs, undo, redo), with a
canvas attached: after every step the model is consistent and the canvas mirrors it;
a refused edit changes nothing; every undo and redo lands on the exact earlier state,
and undoing everything returns exactly to the start.
"""

from __future__ import annotations

import json
import math

import networkx as nx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.canvas.items import EdgeItem, NodeItem
from app.canvas.scene import CanvasScene
from app.clipboard import check_payload, selection_payload
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
from graph_core.graph import GraphError
from graph_core.project import list_examples, load_project
from graph_core.registry import all_specs
from tests.robustness.conftest import scaled
from tests.test_graph_fuzz import small_value

SUITE = "Graph edits"
EXAMPLES = {example.name: example.path for example in list_examples()}
SPECS = {spec.type: spec for spec in all_specs()}
TYPES = sorted(SPECS)
HOSTILE_VALUES = st.sampled_from(
    [None, -1, 0, 10**400, 1e308, float("nan"), float("inf"), "", "x" * 1000, [], [0], {}, True, [[1]], (2, 2)]
)
POSITIONS = st.tuples(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)


def values_of(param) -> st.SearchStrategy:
    """Small valid-looking values of a parameter (the graph fuzz's generator)."""
    return st.composite(lambda draw: small_value(draw, param))()


def snapshot(document: Document) -> str:
    return json.dumps(document.graph.to_dict(), sort_keys=True)


class Tally:
    sessions = 0
    steps = 0
    refused = 0
    undos = 0
    redos = 0


class EditSession(RuleBasedStateMachine):
    """One document with a canvas scene, edited at random. `states[i]` is the graph the
    undo stack's index i stands for."""

    def __init__(self) -> None:
        super().__init__()
        self.document: Document | None = None
        self.scene: CanvasScene | None = None
        self.states: list[str] = []

    @initialize(example=st.sampled_from(sorted(EXAMPLES) + ["empty"]))
    def open(self, example: str) -> None:
        self.document = Document.new() if example == "empty" else Document.from_project(load_project(EXAMPLES[example]))
        self.scene = CanvasScene(self.document)
        self.states = [snapshot(self.document)]
        Tally.sessions += 1

    # ----- helpers ------------------------------------------------------------------------------
    @property
    def graph(self):
        return self.document.graph

    def pick(self, data, items: list, label: str):
        return data.draw(st.sampled_from(items), label=label)

    def push(self, make) -> None:
        """Build and push a command. A refusal must leave graph and stack untouched; an
        accepted edit becomes the state of the stack's new index (a merged command
        replaces the top; a merge back to the start value drops it)."""
        Tally.steps += 1
        stack = self.document.undo_stack
        before, old_index = snapshot(self.document), stack.index()
        try:
            command = make()
        except GraphError:  # e.g. a node the command needs is gone: nothing was pushed
            command = None
        reason = self.document.try_push(command) if command is not None else "not built"
        if reason is not None:
            Tally.refused += 1
            assert snapshot(self.document) == before, f"a refused edit changed the graph: {reason}"
            assert stack.index() == old_index
            return
        index, current = stack.index(), snapshot(self.document)
        assert index in (old_index - 1, old_index, old_index + 1)
        if index == old_index - 1:
            assert current == self.states[index], "a merge back to the start value did not restore it"
        self.states = self.states[:index] + [current]

    # ----- edits ----------------------------------------------------------------------------------
    @rule(type_name=st.sampled_from(TYPES), pos=POSITIONS, data=st.data())
    def add(self, type_name, pos, data) -> None:
        params = {}
        for param in SPECS[type_name].params:
            if data.draw(st.booleans(), label=f"set {param.name}"):
                params[param.name] = data.draw(values_of(param), label=param.name)
        self.push(lambda: AddNodeCommand(self.graph, type_name, pos, params))

    @precondition(lambda self: len(self.graph) >= 2)
    @rule(data=st.data())
    def connect(self, data) -> None:
        ids = self.graph.node_ids()
        src, dst = self.pick(data, ids, "src"), self.pick(data, ids, "dst")
        self.push(lambda: ConnectCommand(self.graph, src, dst))

    @precondition(lambda self: self.graph.edges())
    @rule(data=st.data())
    def disconnect(self, data) -> None:
        edges = data.draw(st.lists(st.sampled_from(self.graph.edges()), min_size=1, max_size=3), label="edges")
        self.push(lambda: DisconnectCommand(self.graph, edges))

    @precondition(lambda self: self.graph.edges())
    @rule(data=st.data())
    def rewire(self, data) -> None:
        old = self.pick(data, self.graph.edges(), "edge")
        dst = self.pick(data, self.graph.node_ids(), "new dst")
        self.push(lambda: RewireCommand(self.graph, old, self.graph.make_edge(old.src, dst)))

    @precondition(lambda self: len(self.graph) >= 1)
    @rule(data=st.data())
    def delete(self, data) -> None:
        nodes = data.draw(st.lists(st.sampled_from(self.graph.node_ids()), max_size=3), label="nodes")
        edges = self.graph.edges()
        chosen = data.draw(st.lists(st.sampled_from(edges), max_size=2), label="edges") if edges else []
        if nodes or chosen:
            self.push(lambda: RemoveNodesCommand(self.graph, nodes, chosen))

    @precondition(lambda self: len(self.graph) >= 1)
    @rule(data=st.data(), offset=POSITIONS)
    def paste(self, data, offset) -> None:
        """Copy some nodes through the clipboard's JSON and paste them back."""
        nodes = data.draw(st.lists(st.sampled_from(self.graph.node_ids()), min_size=1, max_size=4), label="copied")
        payload = json.loads(json.dumps(selection_payload(self.graph, nodes)))
        assert check_payload(payload) is None
        self.push(lambda: PasteCommand(self.graph, payload, offset))

    @precondition(lambda self: any(SPECS[n.type].params for n in self.graph.nodes()))
    @rule(data=st.data(), hostile=st.booleans())
    def set_param(self, data, hostile) -> None:
        node = self.pick(data, [n for n in self.graph.nodes() if SPECS[n.type].params], "node")
        param = self.pick(data, list(SPECS[node.type].params), "param")
        value = data.draw(HOSTILE_VALUES if hostile else values_of(param), label="value")
        self.push(lambda: SetParamCommand(self.graph, node.id, param.name, value))

    @precondition(lambda self: len(self.graph) >= 1)
    @rule(data=st.data(), delta=POSITIONS, key=st.sampled_from([None, "arrow"]))
    def move(self, data, delta, key) -> None:
        ids = data.draw(st.lists(st.sampled_from(self.graph.node_ids()), min_size=1, max_size=3, unique=True))
        moves = {}
        for node_id in ids:
            x, y = self.graph.node(node_id).pos
            moves[node_id] = ((x, y), (x + delta[0], y + delta[1]))
        self.push(lambda: MoveNodesCommand(self.graph, moves, merge_key=key))

    @rule()
    def auto_layout(self) -> None:
        self.push(lambda: AutoLayoutCommand(self.graph))

    @rule(data=st.data())
    def set_outputs(self, data) -> None:
        ids = self.graph.node_ids()
        outputs = data.draw(st.lists(st.sampled_from(ids), max_size=2, unique=True), label="outputs") if ids else []
        self.push(lambda: SetOutputsCommand(self.graph, outputs))

    @precondition(lambda self: self.document.undo_stack.canUndo())
    @rule()
    def undo(self) -> None:
        stack = self.document.undo_stack
        stack.undo()
        Tally.undos += 1
        assert snapshot(self.document) == self.states[stack.index()], "undo did not restore the earlier state"

    @precondition(lambda self: self.document.undo_stack.canRedo())
    @rule()
    def redo(self) -> None:
        stack = self.document.undo_stack
        stack.redo()
        Tally.redos += 1
        assert snapshot(self.document) == self.states[stack.index()], "redo did not bring the state back"

    @precondition(lambda self: self.document.undo_stack.canUndo())
    @rule(count=st.integers(1, 6))
    def undo_then_redo(self, count) -> None:
        """Several undos, then as many redos: each lands on its recorded state."""
        stack = self.document.undo_stack
        start = stack.index()
        for _ in range(min(count, start)):
            self.undo()
        while stack.index() < start:
            self.redo()

    # ----- what must always hold -------------------------------------------------------------------
    @invariant()
    def model_is_consistent(self) -> None:
        if self.document is None:
            return
        graph = self.graph
        ids = graph.node_ids()
        assert len(ids) == len(set(ids)) == len(graph.networkx()), "node ids are not unique"
        assert set(ids) == set(graph.networkx().nodes)
        edges = graph.edges()
        assert len(edges) == len(set(edges)) == graph.networkx().number_of_edges()
        for edge in edges:
            assert edge.src in graph and edge.dst in graph and graph.has_edge(edge)
            assert edge.src_port in [p.name for p in graph.node(edge.src).spec.outputs]
            assert edge.dst_port in [p.name for p in graph.node(edge.dst).spec.inputs]
        assert nx.is_directed_acyclic_graph(graph.networkx())
        assert set(graph.outputs) <= set(ids) and len(graph.outputs) == len(set(graph.outputs))
        for node in graph.nodes():
            assert all(math.isfinite(v) for v in node.pos)
            assert all(SPECS[node.type].param(name).check(value) is None for name, value in node.params.items())

    @invariant()
    def every_step_of_the_stack_is_known(self) -> None:
        if self.document is not None:
            assert len(self.states) == self.document.undo_stack.count() + 1

    @invariant()
    def canvas_mirrors_the_model(self) -> None:
        if self.scene is None:
            return
        graph, scene = self.graph, self.scene
        assert {item.node_id for item in scene.node_items()} == set(graph.node_ids())
        assert sum(isinstance(item, NodeItem) for item in scene.items()) == len(graph)
        assert {item.edge for item in scene.edge_items()} == set(graph.edges())
        assert sum(isinstance(item, EdgeItem) for item in scene.items()) == len(graph.edges())
        for item in scene.node_items():
            x, y = graph.node(item.node_id).pos  # Qt compares points fuzzily: 1e-75 is 0 to it
            assert math.isclose(item.pos().x(), x, abs_tol=1e-6) and math.isclose(item.pos().y(), y, abs_tol=1e-6)

    def teardown(self) -> None:
        if self.document is None:
            return
        stack = self.document.undo_stack
        while stack.canUndo():
            stack.undo()
        assert snapshot(self.document) == self.states[0], "undoing everything did not return to the start"
        self.canvas_mirrors_the_model()
        while stack.canRedo():
            stack.redo()
        assert snapshot(self.document) == self.states[-1], "redoing everything did not return to the end"
        self.canvas_mirrors_the_model()
        self.scene.deleteLater()
        self.document.deleteLater()


def test_random_edit_sessions_keep_model_and_canvas_consistent_and_undo_to_the_start(qapp, figures):
    """Hypothesis state machine: sessions of up to 40 random edits on an example or an
    empty document, invalid parameter values included."""
    for name in ("sessions", "steps", "refused", "undos", "redos"):
        setattr(Tally, name, 0)
    run_state_machine_as_test(
        EditSession,
        settings=settings(
            max_examples=scaled(60),
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        ),
    )
    figures.cases = Tally.sessions
    figures.faults = Tally.refused
    figures.note(edits=Tally.steps, refused_edits=Tally.refused, undos=Tally.undos, redos=Tally.redos)
    assert Tally.steps > Tally.sessions
