"""The formats torch reads back by itself: safetensors weights, a weights-only state
dict (`.pt`) and a `torch.export` program (`.pt2`) with a dynamic batch dimension.

TorchScript is not offered: in torch 2.13 `torch.jit.script`/`trace` warn that they are
deprecated in favour of `torch.export`, `script` cannot compile NeuroLoom's generated
module, and tracing a TransformerEncoderLayer in eval mode fails its own check. The
`.pt2` program of `torch.export` worked on every example (MLP, CNN, LSTM, Transformer,
residual) with a dynamic batch, so it is the one program format.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch
from safetensors.torch import load_model
from safetensors.torch import save as safetensors_bytes
from torch import nn

from graph_core.export.core import ExportSource, as_tensors, compare_runs, write_file

ALIASES_KEY = "neuroloom.aliases"  # safetensors metadata: tied tensor name -> stored name


@contextlib.contextmanager
def quiet_export() -> Iterator[None]:
    """Silence what torch.export and the ONNX exporter print about themselves (deprecation
    notes, "torchvision is not installed", LSTM flat weights): the report says what matters."""
    loggers = [logging.getLogger(name) for name in ("torch.onnx", "torch.export", "torch._export", "torch._dynamo")]
    levels = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _storage_key(tensor: torch.Tensor) -> tuple | None:
    """Tensors with equal keys are the same values in the same memory (tied weights)."""
    if tensor.numel() == 0:
        return None
    return (
        tensor.untyped_storage().data_ptr(),
        tensor.storage_offset(),
        tuple(tensor.shape),
        tuple(tensor.stride()),
        tensor.dtype,
        tensor.device,
    )


def unique_tensors(module: nn.Module) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """The module's state as independent CPU tensors, each tied group stored once under
    its first name; returns (tensors, aliases: other name -> stored name)."""
    tensors: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    seen: dict[tuple, str] = {}
    for name, tensor in module.state_dict().items():
        key = _storage_key(tensor)
        if key is not None and key in seen:
            aliases[name] = seen[key]
            continue
        if key is not None:
            seen[key] = name
        # A copy: safetensors refuses tensors that share memory, and views of a larger
        # storage would otherwise drag all of it into the file.
        tensors[name] = tensor.detach().to("cpu", copy=True).contiguous()
    return tensors, aliases


def safetensors_data(module: nn.Module, metadata: dict[str, str] | None = None) -> bytes:
    """The module's weights and buffers as a safetensors file (tied tensors once).
    `safetensors.torch.load_model` restores the ties; NeuroLoom's importer reads the
    aliases from the metadata."""
    tensors, aliases = unique_tensors(module)
    meta = {"format": "pt", **(metadata or {})}
    if aliases:
        meta[ALIASES_KEY] = json.dumps(aliases, sort_keys=True)
    return safetensors_bytes(tensors, metadata=meta)


def state_dict_data(module: nn.Module) -> bytes:
    """The state dict as a `torch.save` file of tensors only (ties kept as shared
    storage), loadable with `torch.load(path, weights_only=True)`."""
    copies: dict[tuple, torch.Tensor] = {}
    state: dict[str, torch.Tensor] = {}
    for name, tensor in module.state_dict().items():
        key = _storage_key(tensor)
        if key is None or key not in copies:
            copy = tensor.detach().to("cpu", copy=True)
            if key is not None:
                copies[key] = copy
            state[name] = copy
        else:
            state[name] = copies[key]
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def blank_copy(source: ExportSource) -> nn.Module:
    """The model with every saved tensor set to NaN (integers to 0): whatever a reload
    fails to set shows up as NaN outputs, which never pass verification."""
    model = copy.deepcopy(source.prepared()[0])
    with torch.no_grad():
        for tensor in model.state_dict().values():
            tensor.fill_(float("nan") if tensor.is_floating_point() else 0)
    return model


def _run(model: nn.Module):
    def run(batch: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
        with torch.no_grad():
            return as_tensors(model(*batch))

    return run


# ----- safetensors --------------------------------------------------------------------
def write_safetensors(source: ExportSource, path: Path, notes: list[str]) -> list[Path]:
    write_file(path, safetensors_data(source.prepared()[0], {"neuroloom.model": source.name}))
    return [path]


def verify_safetensors(source: ExportSource, path: Path) -> float:
    model = blank_copy(source)
    load_model(model, str(path), strict=True)
    return compare_runs(source, _run(model.eval()))


# ----- state dict -----------------------------------------------------------------------
def write_state_dict(source: ExportSource, path: Path, notes: list[str]) -> list[Path]:
    write_file(path, state_dict_data(source.prepared()[0]))
    return [path]


def verify_state_dict(source: ExportSource, path: Path) -> float:
    model = blank_copy(source)
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return compare_runs(source, _run(model.eval()))


# ----- torch.export -------------------------------------------------------------------
class _Wrapped(nn.Module):
    """Holds a model one level down, so its layers may be named like GraphModule's own
    attributes (a node called `code` or `graph`): reloading a program rebuilds it as a
    GraphModule, where such a name would collide."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor):
        return self.model(*inputs)


_GRAPH_MODULE_NAMES = frozenset(dir(torch.fx.GraphModule)) - frozenset(dir(nn.Module))


def _exportable(model: nn.Module) -> nn.Module:
    clash = any(name in _GRAPH_MODULE_NAMES for name, _ in model.named_children())
    return _Wrapped(model) if clash else model


def exported_program(source: ExportSource) -> torch.export.ExportedProgram:
    """The model as a `torch.export` program whose batch dimension is dynamic; made once
    per source (the ONNX exporter starts from it too)."""
    cache = source.cache
    if "program" not in cache:
        model, inputs = source.prepared()
        batch = torch.export.Dim("batch")
        dynamic = tuple({0: batch} for _ in inputs)
        exportable = _exportable(model)
        if exportable is not model:
            dynamic = (dynamic,)  # the wrapper takes the inputs as one *inputs argument
        with quiet_export():
            cache["program"] = torch.export.export(exportable, inputs, dynamic_shapes=dynamic)
    return cache["program"]


def write_program(source: ExportSource, path: Path, notes: list[str]) -> list[Path]:
    buffer = io.BytesIO()
    torch.export.save(exported_program(source), buffer)
    write_file(path, buffer.getvalue())
    return [path]


def verify_program(source: ExportSource, path: Path) -> float:
    with quiet_export():
        program = torch.export.load(path).module()
    return compare_runs(source, _run(program))
