"""Small shared pieces for layer specs: shape arithmetic, argument formatting and the
usual one-line module call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph_core.specs import Shape, ShapeError


def call(out: str, ins: Sequence[str], attr: str, params: dict) -> list[str]:
    return [f"{out} = self.{attr}({ins[0]})"]


def one(shapes: Sequence[Shape]) -> Shape:
    return tuple(shapes[0])


def same_shape(shapes: Sequence[Shape], params: dict) -> Shape:
    return one(shapes)


def need_rank(shape: Shape, ranks: Sequence[int], what: str, layer: str) -> None:
    """Refuse a shape whose number of (non-batch) dimensions is not in `ranks`.
    `what` may end with "; a hint" that is appended after the shape that came."""
    if len(shape) in ranks:
        return
    what, _, hint = what.partition("; ")
    got = fmt_shape(shape)
    raise ShapeError(f"{layer} needs {what}, but got {got} ({len(shape)}-D per sample)" + (f": {hint}" if hint else ""))


def fmt_shape(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    return "[" + ", ".join(str(d) for d in shape) + "]"


def pair(value: Any) -> tuple[int, int]:
    if isinstance(value, (list, tuple)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def single(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        return int(value[0])
    return int(value)


def conv_len(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def arg(value: Any) -> str:
    """A parameter value as Python source."""
    if isinstance(value, list):
        return "(" + ", ".join(arg(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def kwargs(params: dict, names: Sequence[str], defaults: dict | None = None) -> str:
    """`name=value` pairs for the constructor, leaving out values equal to torch's default."""
    parts = []
    for name in names:
        value = params[name]
        if defaults is not None and name in defaults and defaults[name] == value:
            continue
        parts.append(f"{name}={arg(value)}")
    return ", ".join(parts)


def join_args(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def norm_dim(dim: int, rank: int, layer: str) -> int:
    """A dim counted with the batch (as torch counts it), as an index into the shape
    without batch. Raises ShapeError when out of range or on the batch dimension."""
    full = rank + 1
    if not -full <= dim < full:
        raise ShapeError(f"{layer}: dim {dim} is out of range for a {rank}-D sample (batch + {rank} dims)")
    index = dim % full
    if index == 0:
        raise ShapeError(f"{layer}: dim {dim} is the batch dimension")
    return index - 1
