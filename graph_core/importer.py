"""Bring models in: weights files into a matching graph (safetensors or a weights-only
state dict, never an arbitrary pickle), and an existing `nn.Module` traced with
torch.fx onto a new `ModelGraph`, laid out, with its weights and a verification.

ONNX import is not offered: see `ONNX_IMPORT_NOTE`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import linecache
import math
import operator
import os
import pickle
import re
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.fx as fx
import torch.nn.functional as F
from torch import nn

from graph_core.graph import GraphError, ModelGraph
from graph_core.registry import all_specs, get_spec

ONNX_IMPORT_NOTE = (
    "ONNX import is not supported: the ONNX exporter decomposes layers into primitive operators "
    "(attention, LayerNorm and LSTM become dozens of MatMul, Reshape and Transpose nodes), so "
    "recovering NeuroLoom layers from them needs pattern matching per exporter version. Import the "
    "PyTorch module (torch.fx) or its weights instead."
)

MAX_WEIGHTS_BYTES = 4 * 2**30
TOLERANCE = 1e-5

# =====================================================================================
# Weights files
# =====================================================================================


class WeightsFileError(ValueError):
    """A weights file that cannot be used (missing, truncated, too large, of the wrong
    kind, or holding code); the message names the file and says what is wrong."""


@dataclass(frozen=True)
class ShapeMismatch:
    name: str
    file_shape: tuple[int, ...]
    model_shape: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.name}: the file has {list(self.file_shape)}, the network needs {list(self.model_shape)}"


@dataclass
class WeightsFile:
    """The tensors of a weights file, read safely, with what was learned on the way."""

    path: Path
    kind: str  # "safetensors" or "state dict"
    tensors: dict[str, torch.Tensor]
    notes: list[str] = field(default_factory=list)


@dataclass
class WeightsReport:
    """How a weights file fits a network. Nodes are loaded whole or not at all: a node
    appears in `matched` when every tensor it owns was found with the right shape."""

    path: Path
    kind: str
    matched: list[str] = field(default_factory=list)  # node ids loaded
    skipped: list[str] = field(default_factory=list)  # node ids with something missing or mis-shaped
    missing: list[str] = field(default_factory=list)  # tensor names the network needs, not in the file
    unexpected: list[str] = field(default_factory=list)  # tensor names in the file the network lacks
    mismatched: list[ShapeMismatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def complete(self) -> bool:
        return not (self.skipped or self.missing or self.unexpected or self.mismatched)

    def describe(self) -> str:
        lines = [f"{self.path.name} ({self.kind}): {len(self.matched)} node(s) matched"]
        if self.matched:
            lines.append("  matched: " + ", ".join(self.matched))
        if self.skipped:
            lines.append("  not loaded: " + ", ".join(self.skipped))
        lines += [f"  missing from the file: {name}" for name in self.missing]
        lines += [f"  not in the network: {name}" for name in self.unexpected]
        lines += [f"  shape mismatch: {m}" for m in self.mismatched]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def read_weights(path: str | os.PathLike, *, max_bytes: int = MAX_WEIGHTS_BYTES) -> WeightsFile:
    """Read a safetensors file or a `torch.save` state dict without running any code.

    State dicts go through `torch.load(weights_only=True)`, which refuses every Python
    object other than tensors and plain containers. Raises WeightsFileError."""
    path = Path(path)
    head = _head(path, max_bytes)
    if head.startswith(b"PK\x03\x04"):
        return _read_zip(path)
    if _looks_like_safetensors(head):
        return _read_safetensors(path)
    if head[:1] == b"\x80":  # a pickle protocol 2+ opcode: torch.save's legacy format
        return _read_state_dict(path)
    raise WeightsFileError(f"{path.name}: {_wrong_kind(path, head)}")


def _head(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise WeightsFileError(f"{path}: is a folder, not a weights file")
        if size == 0:
            raise WeightsFileError(f"{path.name}: the file is empty")
        if size > max_bytes:
            raise WeightsFileError(
                f"{path.name}: the file is too large ({_bytes_text(size)}); the limit is {_bytes_text(max_bytes)}"
            )
        with path.open("rb") as handle:
            return handle.read(16)
    except FileNotFoundError:
        raise WeightsFileError(f"{path}: no such file") from None
    except OSError as error:
        raise WeightsFileError(f"{path}: cannot be read: {error.strerror or error}") from None


def _bytes_text(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size:,} bytes"


def _wrong_kind(path: Path, head: bytes) -> str:
    expected = "expected safetensors or a PyTorch state dict (.pt, .pth)"
    if path.suffix == ".onnx":
        return f"is an ONNX model, not a weights file; {expected}"
    if head.lstrip()[:1] in (b"{", b"["):
        return f"is a JSON text file (a NeuroLoom project?), not weights; {expected}"
    return f"is not a weights file; {expected}"


def _looks_like_safetensors(head: bytes) -> bool:
    return len(head) >= 9 and head[8:9] == b"{"


def _read_safetensors(path: Path) -> WeightsFile:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    _check_safetensors_layout(path)
    try:
        tensors = load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as error:
        raise WeightsFileError(f"{path.name}: the safetensors file is damaged: {error}") from None
    weights = WeightsFile(path, "safetensors", tensors)
    _restore_aliases(path, weights)
    return weights


def _check_safetensors_layout(path: Path) -> None:
    """Name truncation plainly: the header says how long the file must be."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        (header_size,) = struct.unpack("<Q", handle.read(8))
        if header_size > size - 8:
            raise WeightsFileError(
                f"{path.name}: the file is truncated: its header alone needs {header_size + 8:,} bytes "
                f"but the file has {size:,}"
            )
        try:
            header = json.loads(handle.read(header_size))
        except (UnicodeDecodeError, ValueError):
            raise WeightsFileError(f"{path.name}: the safetensors header is damaged (not valid JSON)") from None
    if not isinstance(header, dict):
        raise WeightsFileError(f"{path.name}: the safetensors header is damaged")
    ends = [entry.get("data_offsets", [0, 0])[1] for key, entry in header.items() if key != "__metadata__"]
    needed = 8 + header_size + max(ends, default=0)
    if needed > size:
        raise WeightsFileError(
            f"{path.name}: the file is truncated: its tensors need {needed:,} bytes but the file has {size:,}"
        )


def _restore_aliases(path: Path, weights: WeightsFile) -> None:
    """Tied tensors are stored once; NeuroLoom's export lists the other names."""
    from safetensors import safe_open

    from graph_core.export.torch_formats import ALIASES_KEY

    with safe_open(str(path), "pt") as handle:
        metadata = handle.metadata() or {}
    try:
        aliases = json.loads(metadata.get(ALIASES_KEY, "{}"))
    except ValueError:
        return
    for alias, stored in aliases.items():
        if stored in weights.tensors:
            weights.tensors.setdefault(alias, weights.tensors[stored])


def _read_zip(path: Path) -> WeightsFile:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise WeightsFileError(
            f"{path.name}: the file is truncated or damaged (its zip directory is unreadable)"
        ) from None
    if any(n.endswith("/archive_format") for n in names):
        raise WeightsFileError(
            f"{path.name}: is a torch.export program (.pt2), not a weights file; export safetensors or a state dict"
        )
    if not any(n.endswith("data.pkl") for n in names):
        raise WeightsFileError(f"{path.name}: is a zip archive but not a PyTorch state dict")
    return _read_state_dict(path)


def _read_state_dict(path: Path) -> WeightsFile:
    try:
        # An open file, not the path: torch.load hands any path ending in .safetensors to
        # safetensors, whose errors would escape; the content decides here.
        with path.open("rb") as handle:
            data = torch.load(handle, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(error))
        what = f" ({found.group(1)})" if found else ""
        raise WeightsFileError(
            f"{path.name}: refused: the file holds Python objects{what}, not only tensors; loading it could run "
            "code. NeuroLoom loads weights only (safetensors, or a state dict saved with torch.save(model.state_dict()))"
        ) from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, struct.error) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise WeightsFileError(f"{path.name}: the file is truncated or damaged: {first}") from None
    return WeightsFile(path, "state dict", *_tensors_of(path, data))


_NESTED_KEYS = ("state_dict", "model_state_dict", "model", "weights")


def _tensors_of(path: Path, data: Any) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The flat {name: tensor} dict inside a loaded state-dict file."""
    if not isinstance(data, dict):
        raise WeightsFileError(f"{path.name}: holds a {type(data).__name__}, not a state dict of named tensors")
    if data.get("format") == "neuroloom-training-state":
        raise WeightsFileError(f"{path.name}: is a training state, not weights; use the checkpoint's model.safetensors")
    notes: list[str] = []
    if not _all_tensors(data):
        nested = [key for key in _NESTED_KEYS if isinstance(data.get(key), dict) and _all_tensors(data[key])]
        if not nested:
            raise WeightsFileError(f"{path.name}: is a dict, but not of named tensors (a checkpoint of another kind?)")
        notes.append(f"the weights were found under the key {nested[0]!r}")
        data = data[nested[0]]
    return dict(data), notes


def _all_tensors(data: dict) -> bool:
    return bool(data) and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in data.items())


def _strip_wrappers(tensors: dict[str, torch.Tensor], notes: list[str]) -> dict[str, torch.Tensor]:
    """Names saved from DistributedDataParallel ("module.") or torch.compile ("_orig_mod.")."""
    for prefix in ("module.", "_orig_mod."):
        if tensors and all(name.startswith(prefix) for name in tensors):
            notes.append(f"the prefix {prefix!r} was removed from every name")
            tensors = {name[len(prefix) :]: t for name, t in tensors.items()}
    return tensors


def match_weights(model: nn.Module, weights: WeightsFile, *, apply: bool = True) -> WeightsReport:
    """Compare a file's tensors with `model`'s, node by node; with `apply`, copy those of
    every fully matching node into the model (in place, on its device and dtype)."""
    notes = list(weights.notes)
    tensors = _strip_wrappers(weights.tensors, notes)
    report = WeightsReport(weights.path, weights.kind, notes=notes)
    state = model.state_dict()
    node_of = _node_namer(model)
    ties = _tied_names(state)
    by_node: dict[str, list[str]] = {}
    for name in state:
        by_node.setdefault(node_of(name), []).append(name)
    to_copy: list[tuple[str, torch.Tensor]] = []
    for node_id, names in by_node.items():
        found = [_find(name, tensors, ties) for name in names]
        problems = _node_problems(names, found, state, report)
        if problems:
            report.skipped.append(node_id)
        else:
            report.matched.append(node_id)
            to_copy += [(name, tensor) for name, tensor in zip(names, found)]
    report.unexpected = [name for name in tensors if name not in state]
    if apply:
        with torch.no_grad():
            for name, tensor in to_copy:
                state[name].copy_(tensor)
        report.applied = True
    return report


def _node_problems(names: list[str], found: list, state: dict, report: WeightsReport) -> bool:
    bad = False
    for name, tensor in zip(names, found):
        if tensor is None:
            report.missing.append(name)
            bad = True
        elif tuple(tensor.shape) != tuple(state[name].shape):
            report.mismatched.append(ShapeMismatch(name, tuple(tensor.shape), tuple(state[name].shape)))
            bad = True
    return bad


def _find(name: str, tensors: dict[str, torch.Tensor], ties: dict[str, list[str]]) -> torch.Tensor | None:
    if name in tensors:
        return tensors[name]
    return next((tensors[other] for other in ties.get(name, []) if other in tensors), None)


def _tied_names(state: dict[str, torch.Tensor]) -> dict[str, list[str]]:
    """Names that share memory in the model (tied weights): one stored copy fills all."""
    groups: dict[tuple, list[str]] = {}
    for name, tensor in state.items():
        if tensor.numel():
            key = (tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape))
            groups.setdefault(key, []).append(name)
    return {name: [other for other in names if other != name] for names in groups.values() for name in names}


def _node_namer(model: nn.Module) -> Callable[[str], str]:
    """Tensor name -> the node id owning it (a compiled model's attribute names can differ from ids)."""
    attrs = {attr: node_id for node_id, attr in getattr(model, "_names", {}).items()}
    return lambda name: attrs.get(name.split(".", 1)[0], name.split(".", 1)[0])


def load_weights(
    model: nn.Module, path: str | os.PathLike, *, apply: bool = True, max_bytes: int = MAX_WEIGHTS_BYTES
) -> WeightsReport:
    """Read `path` safely and load every node of `model` that it fully matches.
    Raises WeightsFileError when the file itself cannot be used."""
    return match_weights(model, read_weights(path, max_bytes=max_bytes), apply=apply)


# =====================================================================================
# nn.Module -> ModelGraph with torch.fx
# =====================================================================================


class ModuleImportError(ValueError):
    """The module could not be loaded, built or traced; the message says why."""


@dataclass(frozen=True)
class Unsupported:
    """One operation that has no NeuroLoom layer: `name` is its place in the module
    (fx node or submodule path), `what` the operation, `reason` why."""

    name: str
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name} ({self.what}): {self.reason}"


@dataclass
class ImportReport:
    nodes: dict[str, str] = field(default_factory=dict)  # module path / fx node -> graph node id
    unsupported: list[Unsupported] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)  # graph problems after import
    max_abs_diff: float | None = None  # imported graph vs the module, same inputs
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        diff_ok = self.max_abs_diff is not None and self.max_abs_diff <= TOLERANCE
        return not self.unsupported and not self.diagnostics and diff_ok

    def describe(self) -> str:
        lines = [f"{len(self.nodes)} operation(s) became nodes"]
        lines += [f"  unsupported: {u}" for u in self.unsupported]
        lines += [f"  problem: {d}" for d in self.diagnostics]
        if self.max_abs_diff is not None:
            lines.append(f"  outputs compared with the module: max abs diff {self.max_abs_diff:.3g}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass
class ImportResult:
    graph: ModelGraph
    model: nn.Module | None  # the graph compiled, holding the module's weights; None if it does not compile
    report: ImportReport


def import_module(
    source: str | nn.Module | type,
    input_shapes: Sequence[Sequence[int]],
    *,
    class_name: str | None = None,
    input_dtypes: Sequence[str] | None = None,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
) -> ImportResult:
    """Trace an `nn.Module` with torch.fx onto a new graph of catalogue layers, copy its
    weights and compare outputs.

    `source` is a module, a module class, `"package.module:Class"`, or a Python file
    path (with `class_name`, or written `"path/model.py:Class"`); classes are built with
    `args`/`kwargs`. `input_shapes` are per sample, without the batch: `[(64,)]`.
    `input_dtypes` are "float32" (default) or "int64" (token ids).

    WARNING: importing a file or module path RUNS THAT PYTHON CODE with the user's
    rights (its top level and the class constructor), as `import` would. Ask before
    importing code from someone else. Tracing then runs `forward` (symbolically, and
    once on sample inputs); the module is put in eval mode.

    Operations with no NeuroLoom layer are listed in `report.unsupported` by name;
    nothing is dropped silently. Raises ModuleImportError when the module cannot be
    loaded or traced.
    """
    module = _resolve_module(source, class_name, args, kwargs or {}).eval()
    dtypes = list(input_dtypes or ["float32"] * len(input_shapes))
    examples = [_example(shape, dtype) for shape, dtype in zip(input_shapes, dtypes)]
    traced = _trace(module)
    placeholders = _placeholders(traced)
    if len(placeholders) != len(input_shapes) or len(dtypes) != len(input_shapes):
        raise ModuleImportError(
            f"forward takes {len(placeholders)} input(s) ({', '.join(n.name for n in placeholders)}) "
            f"but {len(input_shapes)} input shape(s) and {len(dtypes)} dtype(s) were given"
        )
    _propagate_shapes(traced, examples)
    builder = _GraphBuilder(traced, input_shapes, dtypes)
    builder.build()
    _layout(builder.graph)
    return _finish(builder, traced, examples)


# ----- loading the user's module ------------------------------------------------------
def _resolve_module(source: Any, class_name: str | None, args: Sequence[Any], kwargs: dict) -> nn.Module:
    if isinstance(source, nn.Module):
        return source
    cls = source if isinstance(source, type) else _load_class(str(source), class_name)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise ModuleImportError(f"{getattr(cls, '__name__', cls)!r} is not an nn.Module class")
    try:
        return cls(*args, **kwargs)
    except Exception as error:
        raise ModuleImportError(f"building {cls.__name__}() failed: {type(error).__name__}: {error}") from None


def _load_class(text: str, class_name: str | None) -> type:
    location, name = text, class_name
    head, sep, tail = text.rpartition(":")
    if sep and tail.isidentifier() and not Path(text).exists():
        location, name = head, tail
    if not name:
        raise ModuleImportError(f"name the class to import: {text}:ClassName")
    if location.endswith(".py") or Path(location).is_file():
        module = _run_file(Path(location))
    else:
        try:
            module = importlib.import_module(location)
        except Exception as error:
            raise ModuleImportError(f"importing {location} failed: {type(error).__name__}: {error}") from None
    try:
        return getattr(module, name)
    except AttributeError:
        raise ModuleImportError(f"{location} defines no {name!r}") from None


def _run_file(path: Path) -> Any:
    if not path.is_file():
        raise ModuleImportError(f"{path}: no such Python file")
    stem = re.sub(r"\W", "_", path.stem)
    module_name = f"neuroloom_user_{stem}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[module_name]
        raise ModuleImportError(f"running {path.name} failed: {type(error).__name__}: {error}") from None
    return module


def _example(shape: Sequence[int], dtype: str) -> torch.Tensor:
    shape = (2, *(int(d) for d in shape))
    if dtype == "int64":
        return torch.zeros(shape, dtype=torch.int64)
    return torch.randn(shape, generator=torch.Generator().manual_seed(0))


# ----- tracing --------------------------------------------------------------------------
_OWN_CLASSES = (
    "PositionalEncoding",
    "Step",
    "TimeEmbedding",
    "FourierFeatures",
)  # NeuroLoom's modules, also as copied into model.py
_TORCH_DIR = os.path.dirname(torch.__file__)


class _Tracer(fx.Tracer):
    """Keeps catalogue layers (and NeuroLoom's own modules) whole, and notes the line of
    the user's code each node comes from, so nodes can be named after the variables the
    code assigns. (fx's own `record_stack_traces` imports torch._inductor: seconds.)"""

    def is_leaf_module(self, m: nn.Module, qualname: str) -> bool:
        return type(m).__name__ in _OWN_CLASSES or super().is_leaf_module(m, qualname)

    def create_node(self, *args: Any, **kwargs: Any) -> fx.Node:
        node = super().create_node(*args, **kwargs)
        line = _user_line()
        if line is not None:
            node.meta["neuroloom_line"] = line
        return node


def _user_line() -> tuple[str, int] | None:
    """(file, line) of the innermost caller outside torch and this module: the line of
    the user's forward that is being traced."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_TORCH_DIR) and filename != __file__:
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


@dataclass
class _Traced:
    """The module and its fx graph. No GraphModule: it would copy submodules onto itself,
    and names such as `code` or `graph` (fair names for layers) clash with its own."""

    module: nn.Module
    graph: fx.Graph

    def run(self, *inputs: torch.Tensor) -> Any:
        return fx.Interpreter(self.module, graph=self.graph).run(*inputs)


def _trace(module: nn.Module) -> _Traced:
    try:
        graph = _Tracer().trace(module)
    except Exception as error:
        raise ModuleImportError(
            f"torch.fx could not trace {type(module).__name__}.forward: {type(error).__name__}: {error}. "
            "Data-dependent control flow (if/for on tensor values) cannot be traced."
        ) from None
    # Results nobody uses (the c of `out, (h, c) = lstm(x)`) need no node.
    for node in reversed(list(graph.nodes)):
        if node.op not in ("placeholder", "output") and not node.users:
            graph.erase_node(node)
    return _Traced(module, graph)


class _ShapeRecorder(fx.Interpreter):
    def run_node(self, node: fx.Node) -> Any:
        result = super().run_node(node)
        if isinstance(result, torch.Tensor):
            node.meta["neuroloom_shape"] = tuple(result.shape)
        return result


def _propagate_shapes(traced: _Traced, examples: list[torch.Tensor]) -> None:
    try:
        with torch.no_grad():
            _ShapeRecorder(traced.module, graph=traced.graph).run(*examples)
    except Exception as error:
        raise ModuleImportError(
            f"the module fails on inputs of the given shapes: {type(error).__name__}: {error}"
        ) from None


def _shape_of(node: fx.Node) -> tuple[int, ...] | None:
    return node.meta.get("neuroloom_shape")


# ----- module -> layer parameters -------------------------------------------------------
class _Refuse(Exception):
    """A module or call NeuroLoom has no layer for; the message says why."""


def _size(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        values = [int(v) for v in value]
        return values[0] if len(set(values)) == 1 else values
    return value


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise _Refuse(reason)


def _conv_params(m: nn.Module) -> dict:
    _require(m.padding_mode == "zeros", f"padding_mode {m.padding_mode!r} (only 'zeros' is supported)")
    params = {
        "out_channels": m.out_channels,
        "kernel_size": _size(m.kernel_size),
        "stride": _size(m.stride),
        "padding": m.padding if isinstance(m.padding, str) else _size(m.padding),
        "dilation": _size(m.dilation),
        "bias": m.bias is not None,
    }
    if isinstance(m, nn.ConvTranspose2d):
        _require(m.groups == 1, "grouped transposed convolutions are not supported")
        params["output_padding"] = _size(m.output_padding)
    else:
        params["groups"] = m.groups
    return params


def _pool_params(m: nn.Module) -> dict:
    _require(not m.ceil_mode, "ceil_mode=True is not supported")
    if isinstance(m, (nn.MaxPool1d, nn.MaxPool2d)):
        _require(_size(m.dilation) == 1 and not m.return_indices, "dilation and return_indices are not supported")
    else:
        _require(m.count_include_pad and m.divisor_override is None, "count_include_pad / divisor_override")
    stride = None if _size(m.stride) == _size(m.kernel_size) else _size(m.stride)
    return {"kernel_size": _size(m.kernel_size), "stride": stride, "padding": _size(m.padding)}


def _norm_params(m: nn.Module) -> dict:
    _require(m.track_running_stats and m.momentum is not None, "only running statistics with a momentum are supported")
    return {"eps": m.eps, "momentum": m.momentum, "affine": m.affine}


def _layer_norm_params(m: nn.LayerNorm) -> dict:
    _require(len(m.normalized_shape) == 1, "LayerNorm over more than the last dimension is not supported")
    return {"eps": m.eps, "elementwise_affine": m.elementwise_affine, "bias": m.bias is not None}


def _recurrent_params(m: nn.Module) -> dict:
    _require(m.batch_first, "batch_first=False: NeuroLoom's recurrent layers are batch first")
    _require(getattr(m, "proj_size", 0) == 0, "proj_size is not supported")
    params = {
        "hidden_size": m.hidden_size,
        "num_layers": m.num_layers,
        "bidirectional": m.bidirectional,
        "dropout": float(m.dropout),
        "bias": m.bias,
        "output": "sequence",  # set from how forward uses the result
    }
    if isinstance(m, nn.RNN):
        params["nonlinearity"] = m.nonlinearity
    return params


def _mha_params(m: nn.MultiheadAttention) -> dict:
    _require(m.batch_first, "batch_first=False is not supported")
    _require(
        m._qkv_same_embed_dim and m.bias_k is None and not m.add_zero_attn, "kdim/vdim, add_bias_kv, add_zero_attn"
    )
    return {"num_heads": m.num_heads, "dropout": float(m.dropout), "bias": m.in_proj_bias is not None, "causal": False}


def _encoder_layer_params(m: nn.TransformerEncoderLayer) -> dict:
    _require(m.self_attn.batch_first, "batch_first=False is not supported")
    _require(abs(m.norm1.eps - 1e-5) < 1e-12, "layer_norm_eps other than 1e-5 is not supported")
    _require(m.linear1.bias is not None, "bias=False is not supported")
    kind = getattr(m, "activation_relu_or_gelu", 0)
    activation = {1: "relu", 2: "gelu"}.get(kind) or {F.relu: "relu", F.gelu: "gelu"}.get(m.activation)
    _require(activation is not None, f"activation {m.activation!r} (only relu and gelu)")
    return {
        "nhead": m.self_attn.num_heads,
        "dim_feedforward": m.linear1.out_features,
        "dropout": float(m.dropout.p),
        "activation": activation,
        "norm_first": m.norm_first,
        "causal": False,
    }


def _embedding_params(m: nn.Embedding) -> dict:
    _require(m.max_norm is None and not m.scale_grad_by_freq and not m.sparse, "max_norm, scale_grad_by_freq, sparse")
    return {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim, "padding_idx": m.padding_idx}


def _upsample_params(m: nn.Upsample) -> dict:
    _require(m.size is None and m.scale_factor is not None, "only scale_factor is supported (not size)")
    _require(not m.align_corners, "align_corners=True is not supported")
    scale = _size(m.scale_factor)
    _require(not isinstance(scale, list), "a different scale per dimension is not supported")
    return {"scale_factor": float(scale), "mode": m.mode}


def _positional_params(m: nn.Module) -> dict:
    weight = getattr(m, "weight", None)
    dropout = getattr(m, "dropout", None)
    _require(
        isinstance(weight, torch.Tensor) and weight.ndim == 2 and isinstance(dropout, nn.Dropout), "not NeuroLoom's"
    )
    return {"max_len": weight.shape[0], "learned": isinstance(weight, nn.Parameter), "dropout": float(dropout.p)}


def _activation(*names: str) -> Callable[[nn.Module], dict]:
    return lambda m: {name: getattr(m, name) for name in names}


def _softmax_params(m: nn.Module) -> dict:
    _require(m.dim is not None, "dim=None (implicit dimension) is not supported")
    return {"dim": m.dim}


_MODULE_PARAMS: dict[str, Callable[[nn.Module], dict]] = {
    "Linear": lambda m: {"out_features": m.out_features, "bias": m.bias is not None},
    "Conv1d": _conv_params,
    "Conv2d": _conv_params,
    "ConvTranspose2d": _conv_params,
    "MaxPool1d": _pool_params,
    "MaxPool2d": _pool_params,
    "AvgPool2d": _pool_params,
    "AdaptiveAvgPool2d": lambda m: {"output_size": _size(m.output_size)},
    "Upsample": _upsample_params,
    "BatchNorm1d": _norm_params,
    "BatchNorm2d": _norm_params,
    "LayerNorm": _layer_norm_params,
    "Dropout": lambda m: {"p": float(m.p)},
    "Identity": lambda m: {},
    "Flatten": lambda m: {"start_dim": m.start_dim, "end_dim": m.end_dim},
    "Unflatten": lambda m: {"dim": m.dim, "unflattened_size": list(m.unflattened_size)},
    "ReLU": lambda m: {},
    "LeakyReLU": _activation("negative_slope"),
    "ELU": _activation("alpha"),
    "GELU": _activation("approximate"),
    "SiLU": lambda m: {},
    "Sigmoid": lambda m: {},
    "Tanh": lambda m: {},
    "Softmax": _softmax_params,
    "LogSoftmax": _softmax_params,
    "Softplus": _activation("beta", "threshold"),
    "Embedding": _embedding_params,
    "RNN": _recurrent_params,
    "LSTM": _recurrent_params,
    "GRU": _recurrent_params,
    "MultiheadAttention": _mha_params,
    "TransformerEncoderLayer": _encoder_layer_params,
    "PositionalEncoding": _positional_params,
    "Step": lambda m: {},
    "TimeEmbedding": lambda m: {"dim": int(m.dim), "max_period": float(m.max_period)},
    "FourierFeatures": lambda m: {"dim": int(m.dim), "scale": float(m.scale), "max_period": float(m.max_period)},
}
_RECURRENT = ("RNN", "LSTM", "GRU")


def _layer_type(m: nn.Module) -> str | None:
    """The catalogue type of a module: torch.nn classes by their `torch_class`,
    NeuroLoom's own classes by name."""
    name = type(m).__name__
    if name in _OWN_CLASSES:
        return name
    if getattr(nn, name, None) is not type(m):
        return None
    return next((spec.type for spec in all_specs() if spec.torch_class == f"nn.{name}"), None)


def _class_text(m: nn.Module) -> str:
    cls = type(m)
    return f"nn.{cls.__name__}" if getattr(nn, cls.__name__, None) is cls else f"{cls.__module__}.{cls.__name__}"


def _checked(type_name: str, params: dict) -> dict:
    spec = get_spec(type_name)
    for name, value in params.items():
        problem = spec.param(name).check(value)
        _require(problem is None, f"{name}={value!r}: {problem}")
    return params


# ----- functions and methods -> layers ----------------------------------------------------
# target -> (layer type, names of the arguments after the input that are layer params)
_FUNCTIONS: dict[Any, tuple[str, tuple[str, ...]]] = {
    torch.relu: ("ReLU", ()),
    F.relu: ("ReLU", ()),
    torch.tanh: ("Tanh", ()),
    F.tanh: ("Tanh", ()),
    torch.sigmoid: ("Sigmoid", ()),
    F.sigmoid: ("Sigmoid", ()),
    F.silu: ("SiLU", ()),
    F.gelu: ("GELU", ("approximate",)),
    F.leaky_relu: ("LeakyReLU", ("negative_slope",)),
    F.elu: ("ELU", ("alpha",)),
    F.softplus: ("Softplus", ("beta", "threshold")),
    torch.softmax: ("Softmax", ("dim",)),
    F.softmax: ("Softmax", ("dim",)),
    torch.log_softmax: ("LogSoftmax", ("dim",)),
    F.log_softmax: ("LogSoftmax", ("dim",)),
    F.dropout: ("Dropout", ("p", "training", "inplace")),
}
_METHODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "relu": ("ReLU", ()),
    "tanh": ("Tanh", ()),
    "sigmoid": ("Sigmoid", ()),
    "softmax": ("Softmax", ("dim",)),
    "log_softmax": ("LogSoftmax", ("dim",)),
}
_IGNORED_KWARGS = {"inplace", "_stacklevel"}
_ADD = (operator.add, operator.iadd, torch.add)
_MUL = (operator.mul, operator.imul, torch.mul)
_CAT = (torch.cat, torch.concat, torch.concatenate)


_OPERATORS = {
    "add": "+",
    "iadd": "+=",
    "mul": "*",
    "imul": "*=",
    "sub": "-",
    "truediv": "/",
    "matmul": "@",
    "getitem": "[]",
}


def _describe_target(node: fx.Node) -> str:
    if node.op == "call_module":
        return f"module {node.target}"
    if node.op == "call_method":
        return f"method .{node.target}()"
    if node.op == "get_attr":
        return f"parameter {node.target}"
    target = node.target
    name = getattr(target, "__name__", str(target))
    module = getattr(target, "__module__", None) or ""
    if module == "_operator":
        return f"operator {_OPERATORS.get(name, name)}"
    if module.startswith("torch.nn.functional"):
        return f"F.{name}"
    if module.startswith("torch") or name in dir(torch):
        return f"torch.{name}" if hasattr(torch, name) else name
    return f"{module}.{name}" if module else name


# ----- values met while walking the fx graph ----------------------------------------------
@dataclass(frozen=True)
class _Node:
    """The output of a graph node."""

    id: str


@dataclass(frozen=True)
class _Parts:
    """Part of a tuple result (recurrent layers, attention) not yet resolved to a tensor."""

    id: str
    path: tuple


@dataclass(frozen=True)
class _Batch:
    """The batch size (x.shape[0] or x.size(0))."""


@dataclass(frozen=True)
class _Shape:
    """x.shape or x.size() of a tensor with this per-batch shape."""

    shape: tuple[int, ...]


@dataclass(frozen=True)
class _Poison:
    """The result of an unsupported operation."""

    node: fx.Node


class _GraphBuilder:
    """Walks the traced fx graph once, in order, adding a graph node per layer."""

    def __init__(self, traced: _Traced, input_shapes: Sequence[Sequence[int]], dtypes: list[str]) -> None:
        self.traced = traced
        self.modules = dict(traced.module.named_modules())
        self.input_shapes = input_shapes
        self.dtypes = dtypes
        self.graph = ModelGraph()
        self.report = ImportReport()
        self.values: dict[fx.Node, Any] = {}
        self.sources: dict[str, nn.Module] = {}  # node id -> module whose weights it takes
        self.called: dict[str, int] = {}  # module path -> calls so far
        self.resolved: dict[str, str] = {}  # recurrent node id -> "last" / "sequence"
        self.reasons: dict[fx.Node, str] = {}
        self.reported: set[fx.Node] = set()
        self.names = _variable_names(traced)

    # ----- driver -----------------------------------------------------------------
    def build(self) -> None:
        inputs = 0
        for node in self.traced.graph.nodes:
            if node.op == "placeholder":
                self.values[node] = self._input(node, inputs)
                inputs += 1
            elif node.op == "output":
                self._outputs(node.args[0])
            else:
                self.values[node] = self._convert(node)

    def _convert(self, node: fx.Node) -> Any:
        try:
            if node.op == "call_module":
                return self._module(node)
            if node.op == "get_attr":
                raise _Refuse("a parameter or buffer used directly in forward (not through a layer)")
            return self._call(node)
        except _Refuse as refusal:
            self.reasons[node] = str(refusal) or "no NeuroLoom layer does this"
            return _Poison(node)
        except GraphError as error:
            self.reasons[node] = str(error)
            return _Poison(node)

    # ----- nodes ------------------------------------------------------------------
    def _add(self, type_name: str, params: dict, fx_node: fx.Node, name: str) -> str:
        node_id = self._free_id(name)
        self.graph.add_node(type_name, _checked(type_name, params), node_id=node_id)
        self.report.nodes[fx_node.name if fx_node.op != "call_module" else str(fx_node.target)] = node_id
        return node_id

    def _free_id(self, name: str) -> str:
        base = re.sub(r"\W", "_", name).lstrip("_")[:56] or "node"
        if base[0].isdigit():
            base = f"n{base}"
        candidate, index = base, 1
        while candidate in self.graph:
            candidate, index = f"{base}_{index}", index + 1
        return candidate

    def _sources(self, values: Sequence[Any]) -> list[str | None]:
        """The graph nodes feeding a new node, found before it is added, so an input that
        is refused leaves no half-connected node behind (None: unsupported, reported)."""
        return [self._tensor(value) for value in values]

    def _link(self, sources: list[str | None], node_id: str) -> str:
        for source in sources:
            if source is not None:
                self.graph.connect(source, node_id)
        return node_id

    def _tensor(self, value: Any) -> str | None:
        """The graph node a tensor value comes from; None for an unsupported source (reported)."""
        if isinstance(value, _Node):
            return value.id
        if isinstance(value, _Parts) and value.path == (0,) and self.graph.node(value.id).type in _RECURRENT:
            return self._resolve(value.id, "sequence")
        if isinstance(value, _Poison):
            self._report(value.node)
            return None
        raise _Refuse(f"expects a tensor here, got {_what(value)}")

    def _report(self, node: fx.Node) -> None:
        if node in self.reported:
            return
        self.reported.add(node)
        self.report.unsupported.append(Unsupported(node.name, _describe_target(node), self.reasons.get(node, "")))
        for source in node.all_input_nodes:
            if isinstance(self.values.get(source), _Poison):
                self._report(source)

    def _input(self, node: fx.Node, index: int) -> _Node:
        params = {"shape": [int(d) for d in self.input_shapes[index]], "dtype": self.dtypes[index]}
        node_id = self._free_id(node.name)
        self.graph.add_node("Input", params, node_id=node_id)
        self.report.nodes[node.name] = node_id
        return _Node(node_id)

    def _outputs(self, result: Any) -> None:
        items = list(result) if isinstance(result, (tuple, list)) else [result]
        ids = []
        for item in items:
            node_id = self._tensor(self.values[item]) if isinstance(item, fx.Node) else None
            if node_id is None and not isinstance(item, fx.Node):
                self.report.notes.append(f"forward returns a constant ({item!r}); it was left out")
            if node_id is not None:
                ids.append(node_id)
        if ids and self.graph.output_nodes() != ids:
            self.graph.set_outputs(ids)

    # ----- modules ----------------------------------------------------------------
    def _module(self, node: fx.Node) -> Any:
        path = str(node.target)
        module = self.modules[path]
        type_name = _layer_type(module)
        if type_name is None:
            raise _Refuse(f"{_class_text(module)} has no NeuroLoom layer")
        calls = self.called.get(path, 0)
        self.called[path] = calls + 1
        if calls and any(True for _ in module.state_dict()):
            raise _Refuse(f"module {path!r} is called again; NeuroLoom layers cannot share weights")
        params = _MODULE_PARAMS[type_name](module)
        if type_name == "MultiheadAttention":
            return self._attention(node, module, params)
        if type_name == "TransformerEncoderLayer":
            params["causal"] = self._causal(node, ("src_mask", "src_key_padding_mask", "is_causal"), 1, ())
        elif len(node.args) != 1 or node.kwargs:
            raise _Refuse("called with more than one argument")
        sources = self._sources([self.values[node.args[0]]])
        node_id = self._link(sources, self._add(type_name, params, node, path if not calls else f"{path}_{calls}"))
        self.sources[node_id] = module
        if type_name in _RECURRENT:
            return _Parts(node_id, ())
        return _Node(node_id)

    def _attention(self, node: fx.Node, module: nn.Module, params: dict) -> _Parts:
        query = node.args[0]
        keys = list(node.args[:3]) + [node.kwargs.get(k) for k in ("key", "value") if k in node.kwargs]
        _require(len(keys) == 3 and all(k is query for k in keys), "only self-attention (query = key = value)")
        names = ("key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal")
        params["causal"] = self._causal(node, names, 3, ("query", "key", "value"))
        sources = self._sources([self.values[query]])
        node_id = self._link(sources, self._add("MultiheadAttention", params, node, str(node.target)))
        self.sources[node_id] = module
        return _Parts(node_id, ())

    def _causal(self, node: fx.Node, names: tuple[str, ...], first: int, inputs: tuple[str, ...]) -> bool:
        """Whether the call passes a causal mask (torch.triu of a -inf matrix, as
        NeuroLoom's causal_mask and nn.Transformer.generate_square_subsequent_mask make)."""
        bound = dict(zip(names, node.args[first:]))
        bound.update({k: v for k, v in node.kwargs.items() if k in names})
        unknown = set(node.kwargs) - set(names) - set(inputs)
        _require(not unknown, f"arguments {sorted(unknown)} are not supported")
        _require(bound.get("key_padding_mask") is None and bound.get("src_key_padding_mask") is None, "padding masks")
        mask = bound.get("attn_mask", bound.get("src_mask"))
        if mask is None:
            _require(not bound.get("is_causal"), "is_causal without a mask")
            return False
        _require(isinstance(mask, fx.Node) and mask.target is torch.triu, "only causal (upper-triangular) masks")
        return True

    # ----- functions, methods and indexing ------------------------------------------
    def _call(self, node: fx.Node) -> Any:
        target = node.target
        if node.op == "call_method" and target in _METHODS:
            return self._function_layer(node, *_METHODS[target])
        if node.op == "call_function" and target in _FUNCTIONS:
            return self._function_layer(node, *_FUNCTIONS[target])
        if target in _ADD or target == "add":
            return self._merge(node, "Add")
        if target in _MUL or target == "mul":
            return self._merge(node, "Multiply")
        if target in _CAT:
            return self._concat(node)
        if target in (torch.flatten, "flatten"):
            return self._flatten(node)
        if target in (torch.reshape, "reshape", "view"):
            return self._reshape(node)
        if target is operator.getitem:
            return self._getitem(node)
        if (target is getattr and node.args[1] == "shape") or target == "size":
            return self._size(node)
        if target == "contiguous":
            return self.values[node.args[0]]
        raise _Refuse("no NeuroLoom layer does this")

    def _bind(self, node: fx.Node, names: tuple[str, ...]) -> dict:
        params = dict(zip(names, node.args[1:]))
        for key, value in node.kwargs.items():
            if key in names:
                params[key] = value
            elif key not in _IGNORED_KWARGS:
                raise _Refuse(f"argument {key}={value!r} is not supported")
        if len(node.args) > len(names) + 1:
            raise _Refuse("called with more arguments than the layer has settings")
        _require(not any(isinstance(v, fx.Node) for v in params.values()), "settings computed in forward")
        return params

    def _function_layer(self, node: fx.Node, type_name: str, names: tuple[str, ...]) -> _Node:
        params = self._bind(node, names)
        if type_name == "Dropout":
            params.pop("inplace", None)
            # Traced in eval mode, F.dropout(x, p, self.training) reads training=False.
            _require(not params.pop("training", True), "F.dropout with training=True drops values even in evaluation")
        if type_name in ("Softmax", "LogSoftmax"):
            _require(params.get("dim") is not None, "dim=None (implicit dimension) is not supported")
        sources = self._sources([self.values[node.args[0]]])
        return _Node(self._link(sources, self._add(type_name, params, node, self.names.get(node, node.name))))

    def _merge(self, node: fx.Node, type_name: str) -> _Node:
        _require(not node.kwargs, f"arguments {sorted(node.kwargs)} are not supported")
        a, b = (self.values.get(arg, arg) if isinstance(arg, fx.Node) else arg for arg in node.args[:2])
        for operand in (a, b):
            _require(
                not isinstance(operand, (int, float, _Batch, _Shape, _Const)), "combining a tensor with a constant"
            )
        if self._can_fold(node, a, type_name):
            # a + b + c traces as two additions; one Add node with three inputs reads better.
            self._link(self._sources([b]), a.id)
            self.report.nodes[node.name] = a.id
            return a
        sources = self._sources([a, b])
        _require(sources[0] is None or sources[0] != sources[1], "combining a tensor with itself")
        return _Node(self._link(sources, self._add(type_name, {}, node, self.names.get(_fold_head(node), node.name))))

    def _can_fold(self, node: fx.Node, a: Any, type_name: str) -> bool:
        source = node.args[0]
        return (
            isinstance(a, _Node)
            and self.graph.node(a.id).type == type_name
            and isinstance(source, fx.Node)
            and source.op != "call_module"
            and len(source.users) == 1
            and source.meta.get("neuroloom_line") == node.meta.get("neuroloom_line")
            and self.report.nodes.get(source.name) == a.id
        )

    def _concat(self, node: fx.Node) -> Any:
        tensors = node.args[0] if node.args else node.kwargs.get("tensors")
        dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim", 0)
        _require(isinstance(dim, int) and dim != 0, "joining along the batch dimension (dim 0)")
        values = [self.values[t] for t in tensors]
        state = self._bidirectional_state(values)
        if state is not None:
            return state
        sources = self._sources(values)
        return _Node(self._link(sources, self._add("Concat", {"dim": dim}, node, self.names.get(node, node.name))))

    def _bidirectional_state(self, values: list[Any]) -> _Node | None:
        """cat([h[-2], h[-1]], dim=-1) on a bidirectional layer's final state: 'last'."""
        if len(values) != 2 or not all(isinstance(v, _Parts) for v in values) or values[0].id != values[1].id:
            return None
        node_id, (first, second) = values[0].id, (values[0].path, values[1].path)
        state = (1, 0) if self.graph.node(node_id).type == "LSTM" else (1,)
        if first == (*state, -2) and second == (*state, -1) and self.graph.node(node_id).params["bidirectional"]:
            return _Node(self._resolve(node_id, "last"))
        return None

    def _flatten(self, node: fx.Node) -> _Node:
        start = node.args[1] if len(node.args) > 1 else node.kwargs.get("start_dim", 0)
        end = node.args[2] if len(node.args) > 2 else node.kwargs.get("end_dim", -1)
        _require(start != 0, "flattening the batch dimension (start_dim 0)")
        sources = self._sources([self.values[node.args[0]]])
        params = {"start_dim": start, "end_dim": end}
        return _Node(self._link(sources, self._add("Flatten", params, node, self.names.get(node, node.name))))

    def _reshape(self, node: fx.Node) -> _Node:
        source = node.args[0]
        sizes = list(node.args[1:])
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = list(sizes[0])
        sizes = [self.values.get(s, s) if isinstance(s, fx.Node) else s for s in sizes]
        sizes = [s.shape if isinstance(s, _Const) else s for s in sizes]
        _require(bool(sizes) and isinstance(sizes[0], (int, _Batch)), "a shape computed in forward")
        rest = sizes[1:]
        _require(all(isinstance(s, int) for s in rest), "a shape computed in forward")
        in_shape = _shape_of(source) or ()
        if isinstance(sizes[0], int):
            # reshape(-1, 64) keeps the batch only when each sample holds exactly 64 values.
            _require(
                sizes[0] == -1 and -1 not in rest and math.prod(rest) == math.prod(in_shape[1:]),
                "changes the batch size",
            )
        sources = self._sources([self.values[source]])
        return _Node(self._link(sources, self._add("Reshape", {"shape": rest}, node, self.names.get(node, node.name))))

    def _size(self, node: fx.Node) -> Any:
        shape = _shape_of(node.args[0])
        _require(shape is not None, "the shape of a non-tensor")
        dim = node.args[1] if len(node.args) > 1 and node.target == "size" else node.kwargs.get("dim")
        if dim is None:
            return _Shape(shape)
        return _Batch() if dim == 0 else _Const(shape[dim])

    def _getitem(self, node: fx.Node) -> Any:
        value, index = self.values[node.args[0]], node.args[1]
        if isinstance(value, _Shape):
            return _Batch() if index == 0 else _Const(value.shape[index])
        if isinstance(value, _Parts):
            return self._part(value, index)
        if isinstance(value, _Poison):
            raise _Refuse("indexes an unsupported result")
        raise _Refuse(f"indexing a tensor ([{_index_text(index)}])")

    def _part(self, value: _Parts, index: Any) -> Any:
        node = self.graph.node(value.id)
        path = (*value.path, index)
        if node.type == "MultiheadAttention":
            _require(path == (0,), "the attention weights (output [1]) are not supported")
            return _Node(value.id)
        unidirectional = not node.params["bidirectional"]
        last_of_sequence = (0, (slice(None), -1))
        final_state = (1, 0, -1) if node.type == "LSTM" else (1, -1)
        if path == last_of_sequence:
            # For a bidirectional layer the last step holds only the backward direction's first step.
            _require(
                unidirectional, "the last step of a bidirectional sequence (NeuroLoom's 'last' is both final states)"
            )
            return _Node(self._resolve(value.id, "last"))
        if path == final_state and unidirectional:
            return _Node(self._resolve(value.id, "last"))
        return _Parts(value.id, path)

    def _resolve(self, node_id: str, output: str) -> str:
        previous = self.resolved.setdefault(node_id, output)
        _require(previous == output, f"uses both the whole sequence and the final state of {node_id}")
        self.graph.set_param(node_id, "output", output)
        return node_id


@dataclass(frozen=True)
class _Const:
    """A size known while tracing (x.shape[1])."""

    shape: int


def _what(value: Any) -> str:
    if isinstance(value, _Parts):
        return f"part {list(value.path)} of {value.id}'s result"
    return type(value).__name__.lstrip("_").lower()


def _index_text(index: Any) -> str:
    items = index if isinstance(index, tuple) else (index,)
    return ", ".join(":" if item == slice(None) else repr(item) for item in items)


def _fold_head(node: fx.Node) -> fx.Node:
    """The last of a chain of additions (a + b + c) that becomes one node."""
    while len(node.users) == 1:
        user = next(iter(node.users))
        if user.target != node.target or user.args[0] is not node:
            break
        node = user
    return node


# ----- naming nodes after the code's variables ---------------------------------------------
_ASSIGN_RE = re.compile(r"^([A-Za-z_]\w*)\s*=[^=]")


def _variable_names(traced: _Traced) -> dict[fx.Node, str]:
    """fx node -> the variable its source line assigns (`act1 = torch.tanh(fc1)`), when that
    line's last operation is this node and the name is assigned only once."""
    by_line: dict[tuple[str, int], list[fx.Node]] = {}
    for node in traced.graph.nodes:
        if node.op in ("call_function", "call_method") and "neuroloom_line" in node.meta:
            by_line.setdefault(node.meta["neuroloom_line"], []).append(node)
    names: dict[fx.Node, str] = {}
    for (file, line), nodes in by_line.items():
        found = _ASSIGN_RE.match(linecache.getline(file, line).strip())
        if found:
            names[nodes[-1]] = found.group(1)
    taken = {n.name for n in traced.graph.nodes if n.op == "placeholder"}
    taken |= {str(n.target).replace(".", "_") for n in traced.graph.nodes if n.op == "call_module"}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {node: name for node, name in names.items() if counts[name] == 1 and name not in taken}


# ----- layout, weights and verification ---------------------------------------------------
def _layout(graph: ModelGraph, dx: float = 200.0, dy: float = 120.0) -> None:
    """Layered left to right: a node's column is its longest path from an input."""
    depth: dict[str, int] = {}
    for node_id in graph.topological_order():
        depth[node_id] = max((depth[p] + 1 for p in graph.predecessors(node_id)), default=0)
    columns: dict[int, list[str]] = {}
    for node_id, column in depth.items():
        columns.setdefault(column, []).append(node_id)
    for column, node_ids in columns.items():
        for row, node_id in enumerate(node_ids):
            graph.move(node_id, (column * dx, (row - (len(node_ids) - 1) / 2) * dy))


def _finish(builder: _GraphBuilder, traced: _Traced, examples: list[torch.Tensor]) -> ImportResult:
    from graph_core.compiler import compile_graph
    from graph_core.shapes import analyze

    graph, report = builder.graph, builder.report
    analysis = analyze(graph)
    report.diagnostics = [str(d) for d in analysis.errors]
    if not analysis.ok:
        return ImportResult(graph, None, report)
    model = compile_graph(graph, seed=0).eval()
    with torch.no_grad():
        for node_id, module in builder.sources.items():
            state = module.state_dict()
            if state:  # functional layers (Tanh, Sigmoid) become expressions, not submodules
                getattr(model, model.attr_of(node_id)).load_state_dict(state, strict=True)
    inputs = {report.nodes[n.name]: x for n, x in zip(_placeholders(traced), examples)}
    with torch.no_grad():
        expected = _flat(traced.run(*examples))
        actual = _flat(model(*(inputs[i] for i in model.input_ids)))
    report.max_abs_diff = _max_diff(expected, actual)
    if report.max_abs_diff is None or not report.max_abs_diff <= TOLERANCE:
        report.notes.append("the imported graph's outputs differ from the module's; check the unsupported operations")
    return ImportResult(graph, model, report)


def _placeholders(traced: _Traced) -> list[fx.Node]:
    return [n for n in traced.graph.nodes if n.op == "placeholder"]


def _flat(output: Any) -> list[torch.Tensor]:
    if isinstance(output, torch.Tensor):
        return [output]
    return [t for item in output for t in _flat(item)]


def _max_diff(expected: list[torch.Tensor], actual: list[torch.Tensor]) -> float | None:
    if len(expected) != len(actual) or any(a.shape != b.shape for a, b in zip(expected, actual)):
        return None
    return max(
        ((a.double() - b.double()).abs().max().item() for a, b in zip(expected, actual) if a.numel()), default=0.0
    )
