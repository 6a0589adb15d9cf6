"""Lookup of layer specs by type name, palette categories, and aliases for types that
were renamed (old project files keep loading)."""

from __future__ import annotations

from graph_core.layers import ALL_SPECS
from graph_core.specs import LayerSpec

CATEGORIES = (
    "Input / Output",
    "Core",
    "Activations",
    "Normalization",
    "Convolution & Pooling",
    "Recurrent",
    "Attention & Sequence",
    "Merge",
)

_SPECS: dict[str, LayerSpec] = {spec.type: spec for spec in ALL_SPECS}
_ALIASES: dict[str, str] = {alias: spec.type for spec in ALL_SPECS for alias in spec.aliases}


class UnknownLayerError(KeyError):
    def __str__(self) -> str:
        return f"unknown layer type {self.args[0]!r}"


def canonical_type(type_name: str) -> str:
    return _ALIASES.get(type_name, type_name)


def get_spec(type_name: str) -> LayerSpec:
    try:
        return _SPECS[canonical_type(type_name)]
    except KeyError:
        raise UnknownLayerError(type_name) from None


def has_spec(type_name: str) -> bool:
    return canonical_type(type_name) in _SPECS


def all_specs() -> list[LayerSpec]:
    return list(_SPECS.values())


def specs_by_category() -> dict[str, list[LayerSpec]]:
    grouped: dict[str, list[LayerSpec]] = {c: [] for c in CATEGORIES}
    for spec in _SPECS.values():
        grouped.setdefault(spec.category, []).append(spec)
    return grouped


def register(spec: LayerSpec) -> None:
    """Add a layer type (for plug-ins and tests); refuses to replace an existing one."""
    if spec.type in _SPECS:
        raise ValueError(f"layer type {spec.type!r} is already registered")
    _SPECS[spec.type] = spec
