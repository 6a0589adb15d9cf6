"""Declarative descriptions of layer types and settings: one `LayerSpec` per type.

The palette, inspector, serializer, shape inference, compiler and code generator all
read these specs, so adding a layer type means writing one spec and nothing else.
"""

from __future__ import annotations

import keyword
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int, ...]  # a tensor shape without the batch dimension


class ShapeError(ValueError):
    """A layer cannot accept the shapes it is given; the message is for the user."""


ParamKind = str  # "int" | "float" | "bool" | "choice" | "size" | "shape" | "dim" | "ints" | "points"


@dataclass(frozen=True)
class ParamSpec:
    """One constructor argument (or one setting) with its type, default and range."""

    name: str
    kind: ParamKind
    default: Any
    help: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] = ()
    dims: int = 2  # for "size": how many numbers a tuple form has
    nullable: bool = False  # None is a valid value (e.g. MaxPool stride = kernel)
    words: tuple[str, ...] = ()  # for "size": accepted strings, e.g. ("same", "valid")
    key: bool = False  # shown on the node's face on the canvas
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")

    def check(self, value: Any) -> str | None:
        """Return why `value` is not acceptable, or None when it is."""
        if value is None:
            return None if self.nullable else "must be set"
        checker = _CHECKERS[self.kind]
        return checker(self, value)

    def normalize(self, value: Any) -> Any:
        """The JSON-friendly canonical form (tuples become lists, ints stay ints)."""
        if isinstance(value, tuple):
            return list(value)
        if self.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value


def _is_finite(value: int | float) -> bool:
    """`math.isfinite`, but an int too large for a float (10**400 in a file) is refused
    instead of raising OverflowError."""
    if isinstance(value, int):
        return abs(value) <= sys.float_info.max
    return math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _range_text(spec: ParamSpec) -> str:
    if spec.min is not None and spec.max is not None:
        return f"between {_fmt(spec.min)} and {_fmt(spec.max)}"
    if spec.min is not None:
        return f">= {_fmt(spec.min)}"
    return f"<= {_fmt(spec.max)}"


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _in_range(spec: ParamSpec, value: float) -> bool:
    if spec.min is not None and value < spec.min:
        return False
    return spec.max is None or value <= spec.max


def _check_int(spec: ParamSpec, value: Any) -> str | None:
    if not _is_int(value):
        return "must be a whole number"
    if spec.min is not None and value < spec.min:
        return "must be a positive integer" if spec.min == 1 else f"must be a whole number >= {_fmt(spec.min)}"
    if spec.max is not None and value > spec.max:
        return f"must be at most {_fmt(spec.max)}"
    return None


def _check_float(spec: ParamSpec, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number"
    if not _is_finite(value):
        return "must be a finite number"
    if not _in_range(spec, value):
        return f"must be a number {_range_text(spec)}"
    return None


def _check_bool(spec: ParamSpec, value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _check_choice(spec: ParamSpec, value: Any) -> str | None:
    if value in spec.choices:
        return None
    return "must be one of " + ", ".join(repr(c) for c in spec.choices)


def _check_size(spec: ParamSpec, value: Any) -> str | None:
    if isinstance(value, str):
        if value in spec.words:
            return None
        return "must be a whole number or a list of numbers" + (
            " or one of " + ", ".join(repr(w) for w in spec.words) if spec.words else ""
        )
    if _is_int(value):
        return None if _in_range(spec, value) else f"must be {_range_text(spec)}"
    if isinstance(value, (list, tuple)):
        if len(value) != spec.dims or not all(_is_int(v) for v in value):
            return f"must be a whole number or a list of {spec.dims} whole numbers"
        if not all(_in_range(spec, v) for v in value):
            return f"every number must be {_range_text(spec)}"
        return None
    return "must be a whole number or a list of whole numbers"


def _check_shape(spec: ParamSpec, value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not value:
        return "must be a non-empty list of positive integers, e.g. [2] or [1, 8, 8]"
    allow_infer = spec.min is not None and spec.min < 0
    for v in value:
        if not _is_int(v) or (v < 1 and not (allow_infer and v == -1)):
            return "must be a list of positive integers" + (" (one may be -1)" if allow_infer else "")
    if allow_infer and list(value).count(-1) > 1:
        return "may contain -1 at most once"
    if len(value) > 6:
        return "may have at most 6 dimensions"
    return None


def _check_dim(spec: ParamSpec, value: Any) -> str | None:
    if not _is_int(value):
        return "must be a whole number (a dimension index; -1 is the last)"
    if value == 0:
        return "cannot be 0: dimension 0 is the batch"
    return None


def _check_ints(spec: ParamSpec, value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not value:
        return "must be a non-empty list of whole numbers"
    if not all(_is_int(v) and _in_range(spec, v) for v in value):
        return f"every number must be a whole number {_range_text(spec)}"
    return None


def _check_str(spec: ParamSpec, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    if spec.choices and value not in spec.choices:
        return "must be one of " + ", ".join(repr(c) for c in spec.choices)
    return None


def _check_floats(spec: ParamSpec, value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or len(value) != spec.dims:
        return f"must be a list of {spec.dims} numbers"
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not _is_finite(v) for v in value):
        return f"must be a list of {spec.dims} numbers"
    if not all(_in_range(spec, v) for v in value):
        return f"every number must be {_range_text(spec)}"
    return None


MAX_POINTS = 5000


def _check_points(spec: ParamSpec, value: Any) -> str | None:
    if not isinstance(value, (list, tuple)):
        return "must be a list of [x, y] points"
    if len(value) > MAX_POINTS:
        return f"holds {len(value)} points; at most {MAX_POINTS} are kept"
    for index, point in enumerate(value):
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) or not _is_finite(v) for v in point)
        ):
            return f"point {index} must be a pair of numbers [x, y], got {point!r}"
        if not all(_in_range(spec, v) for v in point):
            return f"point {index} {list(point)}: both numbers must be {_range_text(spec)}"
    return None


def _check_strs(spec: ParamSpec, value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return "must be a list of names"
    unknown = [v for v in value if spec.choices and v not in spec.choices]
    if unknown:
        return f"unknown {unknown[0]!r}; choose from " + ", ".join(repr(c) for c in spec.choices)
    if len(set(value)) != len(value):
        return "lists a name twice"
    return None


_CHECKERS: dict[str, Callable[[ParamSpec, Any], str | None]] = {
    "str": _check_str,
    "floats": _check_floats,
    "strs": _check_strs,
    "points": _check_points,
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "choice": _check_choice,
    "size": _check_size,
    "shape": _check_shape,
    "dim": _check_dim,
    "ints": _check_ints,
    "section": lambda spec, value: None if isinstance(value, dict) else "must be an object",
}


@dataclass(frozen=True)
class PortSpec:
    """A named input or output of a layer. `many` ports accept several edges (Add)."""

    name: str
    help: str = ""
    many: bool = False


IN = (PortSpec("in"),)
OUT = (PortSpec("out"),)
MANY_IN = (PortSpec("in", "two or more tensors", many=True),)

# Signature of the per-type functions. `shapes` are the input shapes in port / edge order.
InferFn = Callable[[Sequence[Shape], dict], Shape]
CountFn = Callable[[Sequence[Shape], dict], int]
BuildFn = Callable[[Sequence[Shape], dict], Any]  # -> torch.nn.Module | None
EmitFn = Callable[[str, Sequence[str], str, dict], list[str]]
ModuleSrcFn = Callable[[Sequence[Shape], dict], str]


def _no_params(shapes: Sequence[Shape], params: dict) -> int:
    return 0


@dataclass(frozen=True)
class LayerSpec:
    """Everything NeuroLoom knows about one layer type."""

    type: str
    category: str
    summary: str
    explanation: str
    infer: InferFn
    emit: EmitFn
    params: tuple[ParamSpec, ...] = ()
    inputs: tuple[PortSpec, ...] = IN
    outputs: tuple[PortSpec, ...] = OUT
    build: BuildFn | None = None  # None: no module, `emit` writes a plain expression
    module_source: ModuleSrcFn | None = None  # constructor call in generated code
    count_params: CountFn = _no_params
    torch_class: str | None = None  # "nn.Linear"; None for NeuroLoom's own node types
    in_dtype: str = "float"  # "float" | "int" | "any"
    out_dtype: str = "same"  # "same" | "float" | "int"
    min_inputs: int = 1
    check: Callable[[Sequence[Shape], dict], str | None] | None = None
    aliases: tuple[str, ...] = ()
    extra_params: tuple[str, ...] = field(default=())  # params that are not torch args

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict:
        return {p.name: p.normalize(p.default) for p in self.params}

    def input_port(self, name: str | None) -> PortSpec:
        if name is None:
            if len(self.inputs) != 1:
                raise KeyError("a port name is required")
            return self.inputs[0]
        for p in self.inputs:
            if p.name == name:
                return p
        raise KeyError(name)

    def output_port(self, name: str | None) -> PortSpec:
        if name is None:
            if len(self.outputs) != 1:
                raise KeyError("a port name is required")
            return self.outputs[0]
        for p in self.outputs:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def is_source(self) -> bool:
        return not self.inputs


def is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)
