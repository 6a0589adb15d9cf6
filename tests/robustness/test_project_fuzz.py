"""Project files under attack: every damaged, hostile or oversized file is either loaded or
refused with a `ProjectError` whose problems name a place (a key path, a line and column,
a byte); nothing else ever escapes the loader, and a failed load never touches the file.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_core.project import MAX_FILE_BYTES, MAX_NODES, Project, ProjectError, list_examples, load_project
from tests.robustness.conftest import scaled

SUITE = "Project files"
EXAMPLES = {example.name: json.loads(example.path.read_text("utf-8")) for example in list_examples()}
FUZZ = settings(
    max_examples=scaled(250),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A problem is "place: message", the place a path into the document...
# (a key that is not a plain name is quoted: graph.nodes[0][" id"]).
PLACE = re.compile(
    r'^(?P<place>(?:[A-Za-z_]\w*|\["(?:[^"\\]|\\.)*"\])(?:\.[A-Za-z_]\w*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): \S'
)
SEGMENT = re.compile(r'\.?([A-Za-z_]\w*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
# ...or the whole file, which then says where it broke when it can.
FILE_LEVEL = (
    "is not valid JSON",
    "is not UTF-8 text (byte ",
    "is not a NeuroLoom project",
    "the file is ",
    "cannot be read",
    "is a folder",
)
MAX_PROBLEM_CHARS = 520
KEYS = ("id", "type", "params", "pos", "role", "src", "dst", "src_port", "dst_port", "nodes", "edges", "outputs")
IDENTIFIERS = st.one_of(st.sampled_from(KEYS), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))


def deep_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = (
    None, True, False, 0, -1, 2**31, 2**63, 10**30, -(10**30), 10**400, -(10**400), 1e308, -1e308, 5e-324, 0.5, -0.0,
    float("nan"), float("inf"), "", " ", "x" * 5000, "=cmd|' /C calc'!A0", "\x00", "é", "Linear", "Input", "in",
    "__class__", [], [[]], {}, {"": 1}, [1, 2, 3], deep_list(300),
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(HOSTILE),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(IDENTIFIERS, children, max_size=4)),
    max_leaves=10,
)


# ----- helpers -----------------------------------------------------------------------------------
def fingerprint(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns


def load_untouched(path: Path) -> Project | ProjectError:
    """Load `path`; a refusal is returned, anything else but a ProjectError escapes. The
    file must be byte for byte (and time stamp for time stamp) as it was."""
    before = fingerprint(path)
    try:
        result: Project | ProjectError = load_project(path)
    except ProjectError as error:
        result = error
    assert fingerprint(path) == before, "a load modified the file"
    return result


def place_tokens(place: str) -> list[str | int]:
    tokens: list[str | int] = []
    for key, index, quoted in SEGMENT.findall(place):
        tokens.append(key if key else int(index) if index else json.loads(quoted))
    return tokens


def resolves(doc: Any, tokens: list[str | int]) -> bool:
    for token in tokens:
        if isinstance(token, int) and isinstance(doc, list) and token < len(doc):
            doc = doc[token]
        elif isinstance(token, str) and isinstance(doc, dict) and token in doc:
            doc = doc[token]
        else:
            return False
    return True


def assert_names_places(error: ProjectError, doc: Any = None) -> None:
    """Every problem is short and names a place; with the document at hand, a place that
    exists in it (or whose parent does: a missing key is named by where it belongs)."""
    assert error.problems, "a refusal without a reason"
    for problem in error.problems:
        assert len(problem) <= MAX_PROBLEM_CHARS, f"a {len(problem)}-character problem: {problem[:120]}..."
        if problem.startswith(FILE_LEVEL):
            continue
        if problem.endswith("…"):  # a hostile, huge key: quoted only in part
            problem = re.sub(r"[^.\[\]]*…$", "clipped: …", problem)
        match = PLACE.match(problem)
        assert match, f"no place in {problem!r}"
        tokens = place_tokens(match["place"])
        if doc is not None and isinstance(doc, dict):
            assert resolves(doc, tokens) or resolves(doc, tokens[:-1]), f"{match['place']} is nowhere in the file"


def paths_of(doc: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += paths_of(value, prefix + (key,))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += paths_of(value, prefix + (index,))
    return found


def parent_and_key(doc: Any, path: tuple) -> tuple[Any, Any]:
    for token in path[:-1]:
        doc = doc[token]
    return doc, path[-1]


# ----- mutations -----------------------------------------------------------------------------------
@st.composite
def mutated_examples(draw) -> tuple[str, str, Any]:
    """(description, serialized file, parsed document) of an example with one fault."""
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    doc = copy.deepcopy(EXAMPLES[name])
    ids = [node["id"] for node in doc["graph"]["nodes"]]
    path = draw(st.sampled_from(paths_of(doc)))
    operation = draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "insert", "same_id"]))
    if not path:
        operation = "replace"
    if operation == "replace":
        value = draw(st.one_of(VALUES, st.sampled_from(ids)))
        if path:
            parent, key = parent_and_key(doc, path)
            parent[key] = value
        else:
            doc = value
    elif operation == "delete":
        parent, key = parent_and_key(doc, path)
        del parent[key]
    elif operation == "duplicate":
        parent, key = parent_and_key(doc, path)
        if isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[draw(IDENTIFIERS)] = copy.deepcopy(parent[key])
    elif operation == "insert":
        parent, key = parent_and_key(doc, path)
        target = parent[key]
        if isinstance(target, dict):
            target[draw(IDENTIFIERS)] = draw(VALUES)
        elif isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), draw(VALUES))
        else:
            parent[key] = [target, draw(VALUES)]
    else:  # two nodes with one id
        nodes = doc["graph"]["nodes"]
        nodes[draw(st.integers(0, len(nodes) - 1))]["id"] = draw(st.sampled_from(ids))
    description = f"{name}: {operation} at {'/'.join(map(str, path)) or 'the top'}"
    return description, json.dumps(doc, allow_nan=True), doc


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("project-fuzz")


@FUZZ
@given(case=mutated_examples())
def test_a_damaged_example_loads_or_is_refused_with_the_places_of_its_problems(case, workdir, figures):
    """Random mutations of the shipped examples (wrong types at every level, deleted and
    duplicated entries, unknown keys, huge numbers, shared ids, dangling references)."""
    description, text, doc = case
    path = workdir / "mutated.nlproj"
    path.write_text(text, "utf-8")
    result = load_untouched(path)
    figures.case(faults=1)
    if isinstance(result, ProjectError):
        figures.values["refused"] = figures.values.get("refused", 0) + 1
        assert_names_places(result, doc)
    else:
        figures.values["loaded"] = figures.values.get("loaded", 0) + 1
        assert isinstance(result, Project), description


@st.composite
def byte_damage(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    raw = bytearray(json.dumps(EXAMPLES[name], indent=2, ensure_ascii=False).encode("utf-8"))
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "erase"]))
    at = draw(st.integers(0, len(raw) - 1))
    if kind == "truncate":
        del raw[at:]
    elif kind == "flip":
        for offset in draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8)):
            raw[offset] = draw(st.integers(0, 255))
    elif kind == "insert":
        raw[at:at] = draw(st.binary(min_size=1, max_size=16))
    else:
        del raw[at : at + draw(st.integers(1, 64))]
    return f"{name}: {kind} at byte {at}", bytes(raw)


@FUZZ
@given(case=byte_damage())
def test_a_truncated_or_scrambled_file_is_refused_by_line_and_column(case, workdir, figures):
    """Truncated files, flipped, inserted and erased bytes: the JSON error says where."""
    description, raw = case
    path = workdir / "damaged.nlproj"
    path.write_bytes(raw)
    result = load_untouched(path)
    figures.case(faults=1)
    if isinstance(result, Project):
        return  # the damage happened to keep a valid project (whitespace, a digit)
    assert_names_places(result)
    for problem in result.problems:
        if problem.startswith("is not valid JSON") and "allowed in a project file" not in problem:
            assert re.search(r"line \d+, column \d+", problem), (description, problem)


TITLES = {"latin-1": "Résumé", "cp1252": "Résumé", "shift_jis": "ネットワーク"}
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_project_saved_in_another_encoding_is_refused_naming_the_byte(encoding, workdir, figures):
    """UTF-16/32 (with and without byte-order marks), Latin-1, Windows-1252, Shift-JIS."""
    doc = copy.deepcopy(EXAMPLES["mlp_xor"])
    doc["view"]["title"] = TITLES.get(encoding, "Résumé ネットワーク")
    path = workdir / f"{encoding}.nlproj"
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode(encoding))
    result = load_untouched(path)
    figures.case(faults=1)
    assert isinstance(result, ProjectError)
    assert_names_places(result)
    assert re.search(r"byte \d+", str(result)), str(result)


@FUZZ
@given(raw=st.binary(max_size=2048))
def test_random_bytes_are_never_mistaken_for_a_project(raw, workdir, figures):
    """Arbitrary binary content, NUL bytes included."""
    path = workdir / "noise.nlproj"
    path.write_bytes(raw)
    result = load_untouched(path)
    figures.case(faults=1)
    assert isinstance(result, ProjectError)
    assert_names_places(result)


def with_nodes(doc: dict, *nodes: dict) -> dict:
    doc = copy.deepcopy(doc)
    doc["graph"]["nodes"].extend(nodes)
    return doc


def with_edges(doc: dict, *edges: dict) -> dict:
    doc = copy.deepcopy(doc)
    doc["graph"]["edges"].extend(edges)
    return doc


XOR = EXAMPLES["mlp_xor"]
XOR_IDS = [node["id"] for node in XOR["graph"]["nodes"]]
STRUCTURAL = {
    "unknown layer type": (with_nodes(XOR, {"id": "z", "type": "Linearr"}), "graph.nodes[4].type"),
    "layer type that is an object": (with_nodes(XOR, {"id": "z", "type": {"$ref": "Linear"}}), "graph.nodes[4].type"),
    "duplicate id": (with_nodes(XOR, {"id": XOR_IDS[1], "type": "Tanh"}), "graph.nodes[4].id"),
    "id that is not a name": (with_nodes(XOR, {"id": "1; import os", "type": "Tanh"}), "graph.nodes[4].id"),
    "id that is a list": (with_nodes(XOR, {"id": ["a"], "type": "Tanh"}), "graph.nodes[4].id"),
    "dangling edge": (with_edges(XOR, {"src": XOR_IDS[-1], "dst": "ghost"}), "graph.edges[3].dst"),
    "edge from a list": (with_edges(XOR, {"src": [XOR_IDS[0]], "dst": XOR_IDS[1]}), "graph.edges[3].src"),
    "edge to an object": (with_edges(XOR, {"src": XOR_IDS[0], "dst": {"id": XOR_IDS[1]}}), "graph.edges[3].dst"),
    "self loop": (with_edges(XOR, {"src": XOR_IDS[2], "dst": XOR_IDS[2]}), "graph.edges[3]"),
    "cycle": (with_edges(XOR, {"src": XOR_IDS[-1], "dst": XOR_IDS[1]}), "graph.edges[3]"),
    "port that does not exist": (
        with_edges(XOR, {"src": XOR_IDS[-1], "dst": XOR_IDS[1], "dst_port": "nope"}),
        "graph.edges[3]",
    ),
    "port that is a list": (
        with_edges(XOR, {"src": XOR_IDS[0], "dst": XOR_IDS[2], "src_port": [1]}),
        "graph.edges[3]",
    ),
    "output that is missing": ({**XOR, "graph": {**XOR["graph"], "outputs": ["ghost"]}}, "graph.outputs[0]"),
    "output that is a list": ({**XOR, "graph": {**XOR["graph"], "outputs": [["out"]]}}, "graph.outputs[0]"),
    "too many nodes": (
        {**XOR, "graph": {"nodes": [{"id": f"n{i}", "type": "Tanh"} for i in range(MAX_NODES + 1)]}},
        "graph.nodes",
    ),
    "old version with a graph of text": ({**XOR, "version": 0, "graph": "nodes"}, "graph"),
    "old version with a graph of a number": ({**XOR, "version": 0, "graph": 7}, "graph"),
    "old version with nodes of a number": ({**XOR, "version": 0, "graph": {**XOR["graph"], "nodes": 7}}, "graph.nodes"),
    "old version with edges of an object": (
        {**XOR, "version": 0, "graph": {**XOR["graph"], "edges": {"a": 1}}},
        "graph.edges",
    ),
    "version far in the future": ({**XOR, "version": 10**40}, "version"),
    "version that is text": ({**XOR, "version": "1"}, "version"),
    "huge parameter": (
        with_nodes(XOR, {"id": "z", "type": "Linear", "params": {"out_features": 10**40}}),
        "graph.nodes[4].params.out_features",
    ),
    "huge position": (with_nodes(XOR, {"id": "z", "type": "Tanh", "pos": [1e308, -1e308]}), "graph.nodes[4].pos"),
    "position too big for a float": (
        with_nodes(XOR, {"id": "z", "type": "Tanh", "pos": [10**400, 0]}),
        "graph.nodes[4].pos",
    ),
    "huge setting": ({**XOR, "training": {"epochs": 10**40, "lr": 1e308}}, "training.epochs"),
    "setting too big for a float": ({**XOR, "data": {"noise": 10**400}}, "data.noise"),
    "parameter too big for a float": (
        with_nodes(XOR, {"id": "z", "type": "LayerNorm", "params": {"eps": -(10**400)}}),
        "graph.nodes[4].params.eps",
    ),
    "huge unknown key": (with_nodes(XOR, {"id": "z", "type": "Tanh", "x" * 100_000: 1}), "graph.nodes[4]"),
    "huge layer type": (with_nodes(XOR, {"id": "z", "type": "L" * 1_000_000}), "graph.nodes[4].type"),
}


@pytest.mark.parametrize("fault", list(STRUCTURAL))
def test_a_structural_fault_is_refused_naming_its_place(fault, workdir, figures):
    """Unknown layer types, duplicate and malformed ids, dangling edges, loops, missing
    ports and outputs, too many nodes, old versions with a broken graph, huge values."""
    doc, place = STRUCTURAL[fault]
    path = workdir / "structural.nlproj"
    path.write_text(json.dumps(doc), "utf-8")
    result = load_untouched(path)
    figures.case(faults=1)
    assert isinstance(result, ProjectError), fault
    assert_names_places(result, doc)
    assert any(problem.startswith(place) for problem in result.problems), result.problems


@pytest.mark.parametrize("depth", [100, 1_000, 10_000, 100_000, 1_000_000])
@pytest.mark.parametrize("where", ["top", "params", "object"])
def test_deep_nesting_is_refused_without_exhausting_the_stack(depth, where, workdir, figures):
    """Nesting up to a million levels, at the top, in a parameter, and of objects."""
    opening, closing = ("[", "]") if where != "object" else ('{"a":', "}")
    nested = opening * depth + "1" + closing * depth
    if where == "top":
        text = nested
    else:
        doc = with_nodes(XOR, {"id": "z", "type": "Reshape", "params": {"shape": "PLACEHOLDER"}})
        text = json.dumps(doc).replace('"PLACEHOLDER"', nested)
    path = workdir / "deep.nlproj"
    path.write_text(text, "utf-8")
    result = load_untouched(path)
    figures.case(faults=1)
    assert isinstance(result, ProjectError)
    assert_names_places(result)


@pytest.mark.parametrize(
    "number", ["1e400", "-1e400", "1" + "0" * 5000, "-" + "9" * 100_000, "1e-400", "123456789012345678901234567890"]
)
def test_numbers_too_big_for_any_setting_are_refused(number, workdir, figures):
    """Numbers that overflow floats, exceed Python's digit limit, or any setting's range."""
    template = json.dumps(with_nodes(XOR, {"id": "z", "type": "Linear", "params": {"out_features": "N"}}))
    for text in (template.replace('"N"', number), json.dumps(XOR).replace('"epochs": 100', f'"epochs": {number}')):
        path = workdir / "numbers.nlproj"
        path.write_text(text, "utf-8")
        result = load_untouched(path)
        figures.case(faults=1)
        assert isinstance(result, ProjectError), text[-200:]
        assert_names_places(result)


def test_a_100_mb_file_is_refused_by_its_size_before_it_is_read(workdir, figures, monkeypatch):
    """A sparse 100 MB file: refused from its size, without reading or holding it."""
    path = workdir / "huge.nlproj"
    with open(path, "wb") as handle:
        handle.write(b'{"format": "neuroloom-project", "version": 1, "graph": {"nodes": [')
        handle.truncate(100 * 2**20)
    assert path.stat().st_size > MAX_FILE_BYTES

    def refuse_to_read(self, *args, **kwargs):
        raise AssertionError(f"{self} was read")

    before = fingerprint(path)
    monkeypatch.setattr(Path, "read_bytes", refuse_to_read)
    monkeypatch.setattr(Path, "read_text", refuse_to_read)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ProjectError) as refused:
            load_project(path)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    monkeypatch.undo()
    figures.case(faults=1)
    figures.note(refusal_ms=round(seconds * 1000, 2), peak_kb=round(peak / 1024, 1))
    assert "105 MB" in str(refused.value) and "at most 64 MB" in str(refused.value)
    assert peak < 1_000_000, f"refusing the file held {peak / 2**20:.1f} MB"
    assert fingerprint(path) == before
