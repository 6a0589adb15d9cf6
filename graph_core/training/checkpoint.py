"""Checkpoints on disk: weights as safetensors, training state as a tensors-only
`torch.save` file (loaded with `weights_only=True`), metrics history as CSV and JSON.
Every file is written atomically (temporary file + `os.replace`); nothing is pickled code.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_model, save_model
from torch import nn

from graph_core.fileio import atomic_write, atomic_write_text
from graph_core.training.events import EpochEvent
from graph_core.training.metrics import Metrics

STATE_FORMAT = "neuroloom-training-state"
STATE_VERSION = 1
_OPTIONAL = ("val_loss", "accuracy", "error_rate")
_MAPPINGS = ("grad_norms", "extra")  # per-node and per-name values: one column each
_SCALAR_COLUMNS = [f.name for f in fields(EpochEvent) if f.name not in _MAPPINGS]


write_atomic = atomic_write
write_text_atomic = atomic_write_text


def save_weights(module: nn.Module, path: str | os.PathLike, metadata: dict[str, str] | None = None) -> None:
    """Weights and buffers as safetensors; tied (shared) tensors are stored once."""
    write_atomic(path, lambda p: save_model(module, str(p), metadata=dict(metadata or {})))


def load_weights(module: nn.Module, path: str | os.PathLike, *, strict: bool = True) -> tuple[list[str], list[str]]:
    """Load safetensors weights into `module` on its own device.

    Returns (missing, unexpected) names; with `strict`, any of them raises ValueError.
    """
    device = next((t.device for t in module.state_dict().values()), torch.device("cpu"))
    try:
        missing, unexpected = load_model(module, str(path), strict=strict, device=str(device))
    except RuntimeError as error:
        raise ValueError(f"{path}: the weights do not fit this network: {error}") from None
    return sorted(missing), sorted(unexpected)


def save_training_state(path: str | os.PathLike, state: dict[str, Any]) -> None:
    """Optimizer states, counters and RNG state: plain containers and tensors only."""
    payload = {"format": STATE_FORMAT, "version": STATE_VERSION, **state}
    write_atomic(path, lambda p: torch.save(payload, p))


def load_training_state(path: str | os.PathLike) -> dict[str, Any]:
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise ValueError(f"{path}: not a NeuroLoom training state")
    if state.get("version", 0) > STATE_VERSION:
        raise ValueError(f"{path}: written by a newer NeuroLoom (version {state['version']})")
    return state


def _json_number(value: float | None) -> float | None:
    # JSON has no NaN or infinity; a missing value is the honest reading.
    return None if value is None or not math.isfinite(value) else value


def history_rows(history: Sequence[EpochEvent]) -> list[dict[str, Any]]:
    return [asdict(event) for event in history]


def save_history(
    history: Sequence[EpochEvent], csv_path: str | os.PathLike | None = None, json_path: str | os.PathLike | None = None
) -> None:
    """Per-epoch metrics: CSV (one `grad_norm.<node id>` column per node) and/or JSON."""
    if csv_path is not None:
        write_text_atomic(csv_path, _history_csv(history))
    if json_path is not None:
        rows = [_clean_row(row) for row in history_rows(history)]
        write_text_atomic(json_path, json.dumps({"epochs": rows}, indent=1) + "\n")


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    clean = {k: (_json_number(v) if isinstance(v, float) else v) for k, v in row.items() if k not in _MAPPINGS}
    for mapping in _MAPPINGS:
        clean[mapping] = {k: _json_number(v) for k, v in row[mapping].items()}
    return clean


def _history_csv(history: Sequence[EpochEvent]) -> str:
    nodes = list(dict.fromkeys(node for event in history for node in event.grad_norms))
    extras = list(dict.fromkeys(name for event in history for name in event.extra))
    header = _SCALAR_COLUMNS + [f"grad_norm.{node}" for node in nodes] + [f"extra.{name}" for name in extras]
    lines: list[list[Any]] = [header]
    for event in history:
        scalars = [getattr(event, name) for name in _SCALAR_COLUMNS]
        norms = [event.grad_norms.get(node) for node in nodes]
        values = [event.extra.get(name) for name in extras]
        lines.append(["" if v is None else v for v in scalars + norms + values])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    return buffer.getvalue()


def load_history(json_path: str | os.PathLike) -> list[EpochEvent]:
    data = json.loads(Path(json_path).read_text(encoding="utf-8"))
    events = []
    for row in data["epochs"]:
        # JSON stored non-finite numbers as null; only these fields are optional.
        row = {k: (float("nan") if v is None and k not in _OPTIONAL else v) for k, v in row.items()}
        for mapping in _MAPPINGS:
            row[mapping] = {k: (float("nan") if v is None else v) for k, v in row.get(mapping, {}).items()}
        events.append(EpochEvent(**row))
    return events


def save_metrics(metrics: Metrics, path: str | os.PathLike) -> None:
    values = {k: (_json_number(v) if isinstance(v, float) else v) for k, v in metrics.to_dict().items()}
    write_text_atomic(path, json.dumps(values, indent=1) + "\n")
