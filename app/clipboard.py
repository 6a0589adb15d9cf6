"""Copy and paste of selected nodes as JSON on the system clipboard, so selections move
between windows (and running copies) of the app. Pasting is a `PasteCommand`, which
gives the copies fresh ids."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication

from graph_core.graph import ModelGraph
from graph_core.registry import has_spec

MIME_TYPE = "application/x-neuroloom-nodes"
FORMAT = "neuroloom-nodes"
VERSION = 1


def selection_payload(graph: ModelGraph, node_ids: Iterable[str]) -> dict:
    """The chosen nodes and the edges among them, in the project file's node format."""
    chosen = set(node_ids)
    everything = graph.to_dict()
    return {
        "format": FORMAT,
        "version": VERSION,
        "nodes": [entry for entry in everything["nodes"] if entry["id"] in chosen],
        "edges": [entry for entry in everything["edges"] if entry["src"] in chosen and entry["dst"] in chosen],
    }


def to_mime(payload: dict) -> QMimeData:
    mime = QMimeData()
    text = json.dumps(payload, indent=1)
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)  # readable when pasted into a text editor or a bug report
    return mime


def from_mime(mime: QMimeData | None) -> dict | None:
    """The payload on `mime`, or None when it holds no (valid) NeuroLoom nodes."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE)).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if check_payload(payload) is None else None


def check_payload(payload: Any) -> str | None:
    """Why `payload` cannot be pasted, or None. Parameter values are left to the model,
    which checks them when the copies are added."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return "not NeuroLoom nodes"
    nodes, edges = payload.get("nodes"), payload.get("edges")
    if not isinstance(nodes, list) or not nodes or not isinstance(edges, list):
        return "no nodes"
    ids = set()
    for entry in nodes:
        problem = _node_problem(entry)
        if problem:
            return problem
        ids.add(entry["id"])
    if len(ids) != len(nodes):
        return "two nodes share an id"
    if any(not isinstance(e, dict) or e.get("src") not in ids or e.get("dst") not in ids for e in edges):
        return "an edge names a node that is not copied"
    return None


def _node_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return "a node without an id"
    if not isinstance(entry.get("type"), str) or not has_spec(entry["type"]):
        return f"unknown layer type {entry.get('type')!r}"
    if not isinstance(entry.get("params", {}), dict):
        return f"{entry['id']}: params must be an object"
    pos = entry.get("pos", [0, 0])
    if not (isinstance(pos, list) and len(pos) == 2 and all(_is_number(v) for v in pos)):
        return f"{entry['id']}: pos must be [x, y]"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def copy_nodes(graph: ModelGraph, node_ids: Iterable[str], clipboard: QClipboard | None = None) -> int:
    """Put the nodes on the clipboard; returns how many were copied."""
    payload = selection_payload(graph, node_ids)
    if payload["nodes"]:
        (clipboard or QGuiApplication.clipboard()).setMimeData(to_mime(payload))
    return len(payload["nodes"])


def clipboard_payload(clipboard: QClipboard | None = None) -> dict | None:
    return from_mime((clipboard or QGuiApplication.clipboard()).mimeData())


def payload_origin(payload: dict) -> tuple[float, float]:
    """The top-left corner of the copied nodes' positions."""
    xs = [entry.get("pos", [0, 0])[0] for entry in payload["nodes"]]
    ys = [entry.get("pos", [0, 0])[1] for entry in payload["nodes"]]
    return min(xs), min(ys)
