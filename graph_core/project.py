"""The project file (`*.nlproj`): versioned JSON holding the graph, its layout, the data
and training settings and the view. Loading checks everything and names the place of
each problem; saving is atomic; old versions are migrated forward.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_core.fileio import atomic_write_text
from graph_core.graph import GraphError, ModelGraph
from graph_core.registry import canonical_type, get_spec, has_spec
from graph_core.settings import DATA_FIELDS, TRAINING_FIELDS, VIEW_FIELDS, check_section, complete, key_place

FORMAT = "neuroloom-project"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 20_000
MAX_PROBLEMS = 20
MAX_PROBLEM_CHARS = 500
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "examples"
_TOP_KEYS = ("format", "version", "graph", "data", "training", "view")


class ProjectError(ValueError):
    """A project file that cannot be used; `problems` lists each with its place."""

    def __init__(self, problems: list[str], path: str | os.PathLike | None = None):
        self.problems = [_clip(problem) for problem in problems[:MAX_PROBLEMS]]
        self.path = str(path) if path is not None else None
        head = f"{Path(self.path).name}: " if self.path else ""
        more = f"\n(and {len(problems) - MAX_PROBLEMS} more problems)" if len(problems) > MAX_PROBLEMS else ""
        super().__init__(head + "\n".join(self.problems) + more)


def _clip(problem: str) -> str:
    """A hostile file can hold a megabyte-long key or type name: messages quote at most
    the start of it, so an error dialog stays readable."""
    return problem if len(problem) <= MAX_PROBLEM_CHARS else problem[: MAX_PROBLEM_CHARS - 1] + "…"


@dataclass
class Project:
    graph: ModelGraph = field(default_factory=ModelGraph)
    data: dict = field(default_factory=lambda: complete(DATA_FIELDS, {}))
    training: dict = field(default_factory=lambda: complete(TRAINING_FIELDS, {}))
    view: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.view.get("title", "")

    @property
    def description(self) -> str:
        return self.view.get("description", "")


# ----- migrations ------------------------------------------------------------------------
def _migrate_0_to_1(doc: dict) -> dict:
    """Version 0 (the pre-release draft) named a node's type `layer` and stored edges as
    [src, dst] pairs."""
    graph = doc.get("graph", {})
    if not (isinstance(graph, dict) and all(isinstance(graph.get(k, []), list) for k in ("nodes", "edges"))):
        return {**doc, "version": 1}  # nothing to migrate; the checks name the problem
    graph = dict(graph)
    nodes = []
    for node in graph.get("nodes", []):
        node = dict(node) if isinstance(node, dict) else node
        if isinstance(node, dict) and "layer" in node and "type" not in node:
            node["type"] = node.pop("layer")
        nodes.append(node)
    edges = []
    for edge in graph.get("edges", []):
        if isinstance(edge, list) and len(edge) == 2:
            edge = {"src": edge[0], "dst": edge[1]}
        edges.append(edge)
    graph.update(nodes=nodes, edges=edges)
    return {**doc, "graph": graph, "version": 1}


MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _migrate_0_to_1}


def migrate(doc: dict) -> dict:
    version = doc["version"]
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["version"]
    return doc


# ----- loading ---------------------------------------------------------------------------
def load_project(path: str | os.PathLike) -> Project:
    """Read and check a project file. Raises ProjectError naming every problem's place."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProjectError(
                [f"the file is {size / 1e6:.0f} MB; project files are at most {MAX_FILE_BYTES // 2**20} MB"], path
            )
        raw = path.read_bytes()
    except ProjectError:
        raise
    except IsADirectoryError:
        raise ProjectError(["is a folder, not a project file"], path) from None
    except OSError as error:
        raise ProjectError([f"cannot be read: {error.strerror or error}"], path) from None
    return loads_project(raw, path)


def loads_project(raw: bytes | str, path: str | os.PathLike | None = None) -> Project:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ProjectError([f"is not UTF-8 text (byte {error.start}); is it a NeuroLoom project?"], path) from None
    try:
        doc = json.loads(raw, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ProjectError(
            [f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"], path
        ) from None
    except (RecursionError, ValueError) as error:
        raise ProjectError([f"is not valid JSON: {error}"], path) from None
    return project_from_dict(doc, path)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a project file")


def project_from_dict(doc: Any, path: str | os.PathLike | None = None) -> Project:
    """Check a parsed project document and build the Project. Raises ProjectError."""
    doc = _check_header(doc, path)
    problems = [
        f"{key_place('', key)}: unknown section (known: {', '.join(_TOP_KEYS)})" for key in doc if key not in _TOP_KEYS
    ]
    problems += _check_graph(doc.get("graph"))
    problems += check_section(DATA_FIELDS, doc.get("data", {}), "data")
    problems += check_section(TRAINING_FIELDS, doc.get("training", {}), "training")
    problems += check_section(VIEW_FIELDS, doc.get("view", {}), "view")
    if problems:
        raise ProjectError(problems, path)
    graph, problems = _build_graph(doc["graph"])
    if problems:
        raise ProjectError(problems, path)
    return Project(
        graph=graph,
        data=complete(DATA_FIELDS, doc.get("data", {})),
        training=complete(TRAINING_FIELDS, doc.get("training", {})),
        view=dict(doc.get("view", {})),
    )


def _check_header(doc: Any, path) -> dict:
    if not isinstance(doc, dict):
        raise ProjectError(["is not a NeuroLoom project (the top level is not a JSON object)"], path)
    if doc.get("format") != FORMAT:
        found = doc.get("format")
        what = f"its format is {found!r}" if found is not None else 'it has no "format": "neuroloom-project" entry'
        raise ProjectError([f"is not a NeuroLoom project ({what})"], path)
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ProjectError(["version: must be a whole number"], path)
    if version > VERSION:
        raise ProjectError(
            [
                f"version: the file was saved by a newer NeuroLoom (format version {version}); this version reads up to {VERSION}. Please update NeuroLoom."
            ],
            path,
        )
    return migrate(doc) if version < VERSION else doc


def _check_graph(graph: Any) -> list[str]:
    if not isinstance(graph, dict):
        return ["graph: must be an object with nodes, edges and outputs"]
    problems = [
        f"{key_place('graph', key)}: unknown key (known: nodes, edges, outputs)"
        for key in graph
        if key not in ("nodes", "edges", "outputs")
    ]
    nodes = graph.get("nodes", [])
    if not isinstance(nodes, list):
        return problems + ["graph.nodes: must be a list"]
    if len(nodes) > MAX_NODES:
        return problems + [f"graph.nodes: {len(nodes)} nodes; at most {MAX_NODES} are supported"]
    seen: set[str] = set()
    for index, node in enumerate(nodes):
        problems += _check_node(node, f"graph.nodes[{index}]", seen)
    problems += _check_edge_list(graph.get("edges", []), seen)
    outputs = graph.get("outputs", [])
    if not isinstance(outputs, list):
        problems.append("graph.outputs: must be a list of node ids")
    else:
        for index, node_id in enumerate(outputs):
            if not isinstance(node_id, str) or node_id not in seen:
                problems.append(f"graph.outputs[{index}]: {node_id!r} is not a node id")
    return problems


def _check_node(node: Any, place: str, seen: set[str]) -> list[str]:
    if not isinstance(node, dict):
        return [f"{place}: must be an object with id, type and params"]
    problems = [
        f"{key_place(place, key)}: unknown key (known: id, type, params, pos, role)"
        for key in node
        if key not in ("id", "type", "params", "pos", "role")
    ]
    node_id = node.get("id")
    if not isinstance(node_id, str):
        problems.append(f"{place}.id: must be text")
    else:
        try:
            ModelGraph().check_id(node_id)
        except GraphError as error:
            problems.append(f"{place}.id: {error}")
        if node_id in seen:
            problems.append(f"{place}.id: {node_id!r} is used by another node")
        seen.add(node_id)
    type_name = node.get("type")
    if not isinstance(type_name, str) or not has_spec(type_name):
        problems.append(f"{place}.type: unknown layer type {type_name!r}")
        return problems
    problems += _check_params(node.get("params", {}), type_name, f"{place}.params")
    pos = node.get("pos", [0, 0])
    if not (isinstance(pos, list) and len(pos) == 2 and all(_finite(v) for v in pos)):
        problems.append(f"{place}.pos: must be [x, y] with two numbers")
    role = node.get("role")
    if role is not None and not isinstance(role, str):
        problems.append(f"{place}.role: must be text")
    return problems


def _finite(value: Any) -> bool:
    # abs() first: math.isfinite raises OverflowError for an int too large for a float.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e9


def _check_params(params: Any, type_name: str, place: str) -> list[str]:
    if not isinstance(params, dict):
        return [f"{place}: must be an object"]
    spec = get_spec(type_name)
    problems = []
    for name, value in params.items():
        try:
            param = spec.param(name)
        except KeyError:
            known = ", ".join(p.name for p in spec.params) or "none"
            problems.append(f"{key_place(place, name)}: {spec.type} has no such parameter (parameters: {known})")
            continue
        problem = param.check(value)
        if problem:
            problems.append(f"{place}.{name}: {problem}")
    return problems


def _check_edge_list(edges: Any, node_ids: set[str]) -> list[str]:
    if not isinstance(edges, list):
        return ["graph.edges: must be a list"]
    problems = []
    for index, edge in enumerate(edges):
        place = f"graph.edges[{index}]"
        if not isinstance(edge, dict):
            problems.append(f"{place}: must be an object with src and dst")
            continue
        problems += [
            f"{key_place(place, k)}: unknown key (known: src, dst, src_port, dst_port)"
            for k in edge
            if k not in ("src", "dst", "src_port", "dst_port")
        ]
        for key in ("src", "dst"):
            if not isinstance(edge.get(key), str) or edge[key] not in node_ids:
                problems.append(f"{place}.{key}: {edge.get(key)!r} is not a node id")
    return problems


def _build_graph(data: dict) -> tuple[ModelGraph, list[str]]:
    """Checked fields are known good here; what remains are edge rules (ports, cycles)."""
    graph = ModelGraph()
    for node in data.get("nodes", []):
        graph.add_node(
            canonical_type(node["type"]), node.get("params", {}), node.get("pos", (0, 0)), node["id"], node.get("role")
        )
    problems = []
    for index, edge in enumerate(data.get("edges", [])):
        try:
            graph.connect(edge["src"], edge["dst"], edge.get("src_port"), edge.get("dst_port"))
        except GraphError as error:
            problems.append(f"graph.edges[{index}]: {error}")
    graph.outputs = list(data.get("outputs", []))
    return graph, problems


# ----- saving ----------------------------------------------------------------------------
def project_to_dict(project: Project) -> dict:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "graph": project.graph.to_dict(),
        "data": project.data,
        "training": project.training,
    }
    if project.view:
        doc["view"] = project.view
    return doc


def dumps_project(project: Project) -> str:
    return json.dumps(project_to_dict(project), indent=2, ensure_ascii=False) + "\n"


def save_project(project: Project, path: str | os.PathLike) -> None:
    atomic_write_text(path, dumps_project(project))


# ----- examples --------------------------------------------------------------------------
@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    path: Path


def list_examples() -> list[Example]:
    """The built-in example projects, in file-name order, with their titles."""
    examples = []
    for path in sorted(EXAMPLES_DIR.glob("*.nlproj")):
        try:
            view = json.loads(path.read_text("utf-8")).get("view", {})
        except (OSError, ValueError):
            continue
        examples.append(Example(path.stem, view.get("title", path.stem), view.get("description", ""), path))
    return examples
