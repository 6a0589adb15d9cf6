"""Colours, fonts and sizes of the canvas. A theme dict (from `app.theme`) overrides
the colours; each layer category has its own header colour."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFont

from app import layout
from graph_core.registry import CATEGORIES

# The light theme's canvas colours, used until `CanvasView.set_theme` is called.
DEFAULT_THEME = {
    "canvas_bg": "#fbfbfc",
    "canvas_grid": "#e6e8ec",
    "node_bg": "#ffffff",
    "node_border": "#cfd4dc",
    "node_header": "#eef2fb",
    "text": "#1f2329",
    "text_dim": "#626b77",
    "accent": "#3d6fe0",
    "error": "#d1383d",
    "warning": "#c27a06",
    "edge": "#7d8693",
    "selection": "#3d6fe0",
}

# Distinct hues that read on light and dark backgrounds, in CATEGORIES order.
_CATEGORY_HUES = ("#2f9e6e", "#3d6fe0", "#e0871b", "#8c5cd6", "#1797b0", "#c74a97", "#c9603a", "#64748b")
CATEGORY_COLORS = dict(zip(CATEGORIES, _CATEGORY_HUES))

GRID = layout.GRID  # snapping step and minor grid spacing, in scene units
NODE_WIDTH = 176.0
HEADER_HEIGHT = 30.0
ROW_HEIGHT = 19.0
FOOTER_HEIGHT = 24.0
PORT_Y = HEADER_HEIGHT + 16.0  # centre of the first port: the same on every node, so
PORT_SPACING = 22.0  # a chain of top-aligned nodes has straight edges
PORT_RADIUS = 5.5
CORNER = 7.0
PREVIEW_HEIGHT = 72.0


def category_color(category: str) -> QColor:
    if category in CATEGORY_COLORS:
        return QColor(CATEGORY_COLORS[category])
    hue = zlib.crc32(category.encode()) % 360  # stable for plug-in categories
    return QColor.fromHsl(hue, 140, 110)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` blended toward `b` by `amount` (0..1)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def _font(point_size: float, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont()
    if mono:
        font.setFamilies(["JetBrains Mono", "Cascadia Mono", "DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


@dataclass
class CanvasStyle:
    """Everything items need to paint themselves; replaced as a whole by `set_theme`."""

    colors: dict[str, QColor]
    dark: bool
    title_font: QFont = field(default_factory=lambda: _font(9.5, bold=True))
    id_font: QFont = field(default_factory=lambda: _font(8))
    body_font: QFont = field(default_factory=lambda: _font(8.5))
    mono_font: QFont = field(default_factory=lambda: _font(8.5, mono=True))
    label_font: QFont = field(default_factory=lambda: _font(8, mono=True))

    @classmethod
    def from_theme(cls, theme: dict[str, str] | None = None) -> CanvasStyle:
        values = {**DEFAULT_THEME, **(theme or {})}
        colors = {name: QColor(value) for name, value in values.items()}
        return cls(colors, colors["canvas_bg"].lightness() < 128)

    def __getitem__(self, name: str) -> QColor:
        return self.colors[name]

    def header_color(self, category: str) -> QColor:
        """A tint of the category colour over the node body, stronger on dark themes."""
        return mix(self["node_bg"], category_color(category), 0.34 if self.dark else 0.16)
