"""Checkpoints on disk: weights as safetensors, training state as a tensors-only
`torch.save` file (loaded with `weights_only=True`), metrics history as CSV and JSON.
Every file is written atomically (temporary file + `os.replace`); nothing is pickled code.
A file that cannot be used raises `CheckpointError`, naming the file and what is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import pickle
import re
from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
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


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used: missing, damaged, of another kind, holding
    Python objects (which loading could run), or not fitting the network. The message
    names the file and says what is wrong; nothing was changed by the failed load."""


def save_weights(module: nn.Module, path: str | os.PathLike, metadata: dict[str, str] | None = None) -> None:
    """Weights and buffers as safetensors; tied (shared) tensors are stored once."""
    write_atomic(path, lambda p: save_model(module, str(p), metadata=dict(metadata or {})))


def load_weights(module: nn.Module, path: str | os.PathLike, *, strict: bool = True) -> tuple[list[str], list[str]]:
    """Load safetensors weights into `module` on its own device, all or nothing.

    Returns (missing, unexpected) names; with `strict`, any of them raises CheckpointError.
    """
    return load_weights_all([(module, path)], strict=strict)[0]


def load_weights_all(
    targets: Sequence[tuple[nn.Module, str | os.PathLike]], *, strict: bool = True
) -> list[tuple[list[str], list[str]]]:
    """Load each (module, safetensors file) pair; if any file cannot be used, every
    module keeps the weights it had and CheckpointError names that file."""
    kept = [(module, {name: t.detach().clone() for name, t in module.state_dict().items()}) for module, _ in targets]
    results = []
    try:
        for module, path in targets:
            results.append(_load_weights_file(module, Path(path), strict))
    except CheckpointError:
        for module, before in kept:
            with torch.no_grad():
                for name, tensor in module.state_dict().items():
                    tensor.copy_(before[name])
        raise
    return results


def _load_weights_file(module: nn.Module, path: Path, strict: bool) -> tuple[list[str], list[str]]:
    _check_readable(path)
    device = next((t.device for t in module.state_dict().values()), torch.device("cpu"))
    try:
        missing, unexpected = load_model(module, str(path), strict=strict, device=str(device))
    except SafetensorError as error:
        raise CheckpointError(f"{path}: {_not_safetensors(path, error)}") from None
    except OSError as error:
        raise CheckpointError(f"{path}: cannot be read: {error.strerror or error}") from None
    except (RuntimeError, ValueError) as error:
        raise CheckpointError(f"{path}: the weights do not fit this network: {_clip(error)}") from None
    return sorted(missing), sorted(unexpected)


def _check_readable(path: Path) -> None:
    """Missing files and folders in plain words, before any library reads them."""
    if path.is_dir():
        raise CheckpointError(f"{path}: is a folder, not a checkpoint file")
    if not path.exists():
        raise CheckpointError(f"{path}: no such file (the checkpoint is incomplete)")


def _not_safetensors(path: Path, error: Exception) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as read_error:
        return f"cannot be read: {read_error.strerror or read_error}"
    if head.startswith(b"PK\x03\x04") or head[:1] == b"\x80":
        return "is a PyTorch (pickle) file, not safetensors; checkpoint weights are only read as safetensors"
    return f"is not a safetensors weights file, or it is damaged ({_clip(error)})"


def _clip(error: object, limit: int = 300) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def save_training_state(path: str | os.PathLike, state: dict[str, Any]) -> None:
    """Optimizer states, counters and RNG state: plain containers and tensors only."""
    payload = {"format": STATE_FORMAT, "version": STATE_VERSION, **state}
    write_atomic(path, lambda p: torch.save(payload, p))


def load_training_state(path: str | os.PathLike) -> dict[str, Any]:
    """The training state saved by `save_training_state`, checked: tensors and plain
    values only (anything else is refused unread), of this format and version, with
    the counters, shuffling state and optimizer states a trainer needs."""
    path = Path(path)
    _check_readable(path)
    try:
        # An open file, not the path: torch.load hands a path ending in .safetensors to
        # safetensors, whose errors would escape; the content decides here.
        handle = path.open("rb")
    except OSError as error:
        raise CheckpointError(f"{path}: cannot be read: {error.strerror or error}") from None
    try:
        with handle:
            state = torch.load(handle, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "Unsupported global" in str(error):  # torch's weights-only reader met a class or function
            found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(error))
            what = f" ({found.group(1)})" if found else ""
            raise CheckpointError(
                f"{path}: refused: the file holds Python objects{what}, not only tensors and numbers; "
                "loading it could run code"
            ) from None
        raise CheckpointError(f"{path}: is not a NeuroLoom training state (not a tensors-only PyTorch file)") from None
    except Exception as error:  # a damaged file fails deep in torch's readers, in many ways
        raise CheckpointError(f"{path}: the file is truncated or damaged ({_clip(error, 200)})") from None
    _check_training_state(path, state)
    return state


_STATE_FIELDS = {
    "epoch": (int, "a whole number"),
    "global_step": (int, "a whole number"),
    "generator": (torch.Tensor, "a tensor"),
    "optimizers": (list, "a list"),
}


def _check_training_state(path: Path, state: Any) -> None:
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise CheckpointError(f"{path}: is not a NeuroLoom training state")
    version = state.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise CheckpointError(f"{path}: version: must be a whole number, not {_clip(repr(version), 60)}")
    if version > STATE_VERSION:
        raise CheckpointError(
            f"{path}: written by a newer NeuroLoom (version {version}); this one reads {STATE_VERSION}"
        )
    for key, (kind, wanted) in _STATE_FIELDS.items():
        value = state.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            found = "it is missing" if key not in state else f"found a {type(value).__name__}"
            raise CheckpointError(f"{path}: {key}: must be {wanted}; {found}")
    if state["epoch"] < 0 or state["global_step"] < 0:
        raise CheckpointError(f"{path}: epoch and global_step must not be negative")
    expected = torch.Generator().get_state()
    generator = state["generator"]
    if generator.dtype != expected.dtype or generator.shape != expected.shape:
        raise CheckpointError(f"{path}: generator: not the state of a PyTorch random generator")
    if not all(isinstance(saved, dict) for saved in state["optimizers"]):
        raise CheckpointError(f"{path}: optimizers: every entry must be an optimizer's state")


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
    """The per-epoch metrics saved by `save_history`; CheckpointError names the file and
    the epoch entry that cannot be read."""
    path = Path(json_path)
    _check_readable(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CheckpointError(f"{path}: is not a readable history ({_clip(error, 200)})") from None
    rows = data.get("epochs") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise CheckpointError(f"{path}: epochs: must be a list of epochs")
    return [_history_event(path, index, row) for index, row in enumerate(rows)]


_COUNTS = ("epoch", "epochs", "step")
_FIELDS = [f.name for f in fields(EpochEvent)]


def _history_event(path: Path, index: int, row: Any) -> EpochEvent:
    place = f"{path}: epochs[{index}]"
    if not isinstance(row, dict):
        raise CheckpointError(f"{place}: must be an object")
    unknown = [key for key in row if key not in _FIELDS]
    if unknown:
        raise CheckpointError(f"{place}.{_clip(unknown[0], 60)}: unknown key")
    # JSON stored non-finite numbers as null; only these fields are optional.
    row = {k: (float("nan") if v is None and k not in _OPTIONAL else v) for k, v in row.items()}
    for key, value in row.items():
        if key in _MAPPINGS:
            if not isinstance(value, dict) or not all(_is_number(v) for v in value.values()):
                raise CheckpointError(f"{place}.{key}: must map names to numbers")
            row[key] = {name: (float("nan") if v is None else v) for name, v in value.items()}
        elif key in _COUNTS and not (isinstance(value, int) and not isinstance(value, bool)):
            raise CheckpointError(f"{place}.{key}: must be a whole number")
        elif key not in _COUNTS and not _is_number(value):
            raise CheckpointError(f"{place}.{key}: must be a number")
    row = {**{mapping: {} for mapping in _MAPPINGS}, **row}
    missing = [key for key in _FIELDS if key not in row]
    if missing:
        raise CheckpointError(f"{place}: {', '.join(missing)} missing")
    return EpochEvent(**row)


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def save_metrics(metrics: Metrics, path: str | os.PathLike) -> None:
    values = {k: (_json_number(v) if isinstance(v, float) else v) for k, v in metrics.to_dict().items()}
    write_text_atomic(path, json.dumps(values, indent=1) + "\n")
