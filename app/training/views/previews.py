"""Live pictures on the canvas: each node shows what it computes (every unit's heatmap
over the input plane, feature-map thumbnails, unit responses along x, or a histogram of
its outputs), edges thicken with the weights they feed, and unhealthy gradients get a mark.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

from app.canvas import style as canvas_style
from app.theme import Theme
from app.training.views.style import (
    PlotColors,
    diverging_rgba,
    mix,
    plot_colors,
    resample,
    rgba_image,
    sequential_rgba,
    symmetric_scale,
    with_alpha,
)

SCALE = 2  # images are drawn at twice the node's preview size: crisp when zoomed in
PREVIEW_SIZE = (int((canvas_style.NODE_WIDTH - 20) * SCALE), int(canvas_style.PREVIEW_HEIGHT * SCALE))
GAP = 3  # pixels between tiles
MAX_TILES = 32  # more units than this: the first ones, and "+N" says how many are left
_HEALTH_TEXT = {"vanishing": "∇ vanishing", "exploding": "∇ exploding"}


# ----- pictures ------------------------------------------------------------------------------------------
def tile_layout(count: int, width: int, height: int, aspect: float = 1.0, gap: int = GAP) -> tuple[int, int, float]:
    """(columns, rows, tile width) that fit `count` tiles of `aspect` (w/h) largest."""
    best = (1, max(count, 1), 0.0)
    for columns in range(1, max(count, 1) + 1):
        rows = math.ceil(count / columns)
        tile_w = min((width - gap * (columns - 1)) / columns, ((height - gap * (rows - 1)) / rows) * aspect)
        if tile_w > best[2]:
            best = (columns, rows, tile_w)
    return best


def unit_grid_image(grids: np.ndarray, colors: PlotColors, size: tuple[int, int] = PREVIEW_SIZE) -> QImage:
    """Every unit's (R, R) map over the input plane as a tile in the playground's
    orange/blue, each scaled to its own largest magnitude (row 0 of a grid is the bottom)."""
    grids = np.asarray(grids, dtype=np.float32)
    tiles = grids[:MAX_TILES, ::-1]
    finite = np.where(np.isfinite(tiles), np.abs(tiles), 0.0)
    scale = finite.reshape(len(tiles), -1).max(axis=1) if len(tiles) else np.ones(0)
    tiles = tiles / np.where(scale > 1e-12, scale, 1.0)[:, None, None]
    return _tiled(
        tiles,
        lambda values: diverging_rgba(values, colors.neutral, strength=0.95),
        colors,
        size,
        smooth=True,
        extra=len(grids) - len(tiles),
    )


def feature_map_image(maps: np.ndarray, colors: PlotColors, size: tuple[int, int] = PREVIEW_SIZE) -> QImage:
    """Feature maps (C, H, W) of one sample as thumbnails, each stretched to its range."""
    maps = np.asarray(maps, dtype=np.float32)
    tiles = maps[:MAX_TILES]
    flat = tiles.reshape(len(tiles), -1)
    low = np.nanmin(flat, axis=1)[:, None, None] if len(tiles) else 0.0
    span = (np.nanmax(flat, axis=1)[:, None, None] - low) if len(tiles) else 1.0
    tiles = (tiles - low) / np.where(span > 1e-12, span, np.inf)  # a flat map: all 0
    aspect = maps.shape[2] / maps.shape[1] if maps.ndim == 3 and maps.shape[1] else 1.0
    # Pixels stay pixels (no smoothing): an 8x8 map is honest about being 8x8.
    return _tiled(tiles, sequential_rgba, colors, size, smooth=False, extra=len(maps) - len(tiles), aspect=aspect)


def unit_curves_image(curves: np.ndarray, colors: PlotColors, size: tuple[int, int] = PREVIEW_SIZE) -> QImage:
    """Each unit's response along x (units, R), overlaid on one shared scale."""
    curves = np.asarray(curves, dtype=np.float32)[:MAX_TILES]
    image, painter = _canvas(size, colors)
    width, height = size
    pad = 8
    scale = symmetric_scale(curves)
    painter.setPen(QPen(with_alpha(colors.dim, 90), 1.5, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(pad, height / 2), QPointF(width - pad, height / 2))
    for index, curve in enumerate(curves):
        if len(curve) < 2:
            continue
        xs = np.linspace(pad, width - pad, len(curve))
        ys = height / 2 - np.nan_to_num(curve) / scale * (height / 2 - pad)
        path = QPainterPath(QPointF(xs[0], ys[0]))
        for x, y in zip(xs[1:], ys[1:]):
            path.lineTo(x, y)
        hue = mix(QColor("#f59322"), QColor("#0877bd"), index / max(len(curves) - 1, 1))
        painter.setPen(QPen(with_alpha(hue, 210), 2.2))
        painter.drawPath(path)
    painter.end()
    return image


def histogram_image(
    counts: np.ndarray, edges: np.ndarray, colors: PlotColors, size: tuple[int, int] = PREVIEW_SIZE
) -> QImage:
    """A histogram of a node's outputs, with its range written under it."""
    counts = np.asarray(counts, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    image, painter = _canvas(size, colors)
    width, height = size
    pad, label_h = 10, 26
    plot = QRectF(pad, pad, width - 2 * pad, height - pad - label_h)
    top = counts.max() if counts.size and counts.max() > 0 else 1.0
    low, high = (float(edges[0]), float(edges[-1])) if edges.size >= 2 else (0.0, 1.0)
    span = high - low if high > low else 1.0
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(with_alpha(colors.accent, 200))
    for count, left, right in zip(counts, edges[:-1], edges[1:]):
        x0 = plot.left() + (left - low) / span * plot.width()
        x1 = plot.left() + (right - low) / span * plot.width()
        bar_h = count / top * plot.height()
        painter.drawRect(QRectF(x0 + 0.5, plot.bottom() - bar_h, max(x1 - x0 - 1.0, 1.0), bar_h))
    painter.setPen(QPen(colors.dim, 1.5))
    painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
    if low < 0 < high:  # where zero is tells a lot (dead ReLUs, saturated tanh)
        zero_x = plot.left() + (0 - low) / span * plot.width()
        painter.setPen(QPen(with_alpha(colors.text, 150), 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(zero_x, plot.top()), QPointF(zero_x, plot.bottom()))
    painter.setFont(_font(15))
    painter.setPen(colors.dim)
    labels = QRectF(plot.left(), plot.bottom() + 2, plot.width(), label_h - 2)
    painter.drawText(labels, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{low:.3g}")
    painter.drawText(labels, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{high:.3g}")
    painter.end()
    return image


def health_marked(
    image: QImage | None, health: str, colors: PlotColors, size: tuple[int, int] = PREVIEW_SIZE
) -> QImage:
    """`image` (or an empty preview) with a coloured "∇ vanishing/exploding" tag on top."""
    if image is None:
        marked, painter = _canvas((size[0], size[1] // 2), colors)
    else:
        marked = image.copy()
        painter = QPainter(marked)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    text = _HEALTH_TEXT.get(health, health)
    font = _font(16, bold=True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 16
    tag = QRectF(marked.width() - width - 6, 6, width, 26)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colors.error if health == "exploding" else colors.warning)
    painter.drawRoundedRect(tag, 13, 13)
    painter.setPen(QColor("white"))
    painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return marked


def _tiled(
    tiles: np.ndarray,
    paint: Callable[[np.ndarray], np.ndarray],
    colors: PlotColors,
    size: tuple[int, int],
    smooth: bool,
    extra: int = 0,
    aspect: float = 1.0,
) -> QImage:
    """Tiles (N, H, W) of values, resampled to the tile size and coloured by `paint` all
    at once, laid out in one array: one QImage per node, not a drawImage per tile (which
    cost ~0.5 ms each)."""
    width, height = size
    pad = 4
    columns, rows, tile_w = tile_layout(len(tiles), width - 2 * pad, height - 2 * pad, aspect)
    tw, th = max(int(tile_w), 1), max(int(tile_w / aspect), 1)
    # Centre the block of tiles in the preview.
    left = (width - (columns * tw + (columns - 1) * GAP)) // 2
    top = (height - (rows * th + (rows - 1) * GAP)) // 2
    canvas = np.empty((height, width, 4), dtype=np.uint8)
    background = mix(colors.tile_bg, colors.text, 0.05)
    canvas[:] = (background.red(), background.green(), background.blue(), 255)
    painted = paint(resample(tiles, th, tw, smooth)) if len(tiles) else []
    for index, tile in enumerate(painted):
        row, column = divmod(index, columns)
        y, x = top + row * (th + GAP), left + column * (tw + GAP)
        canvas[y : y + th, x : x + tw] = tile
    image = rgba_image(canvas).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    if extra > 0:
        painter = QPainter(image)
        painter.setFont(_font(max(8, round(15 * width / PREVIEW_SIZE[0])), bold=True))
        painter.setPen(colors.dim)
        painter.drawText(
            QRectF(0, 0, width - 6, height - 2), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, f"+{extra}"
        )
        painter.end()
    return image


def _canvas(size: tuple[int, int], colors: PlotColors) -> tuple[QImage, QPainter]:
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(mix(colors.tile_bg, colors.text, 0.05))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return image, painter


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def preview_size(scale: float) -> tuple[int, int]:
    """The pixel size of a tiled preview drawn for `scale` screen pixels per canvas unit
    (between 1 and SCALE): no more pixels than the screen shows."""
    scale = min(max(scale, 1.0), SCALE) / SCALE
    return max(1, round(PREVIEW_SIZE[0] * scale)), max(1, round(PREVIEW_SIZE[1] * scale))


def node_picture(snapshot: Any, node_id: str, colors: PlotColors, scale: float = SCALE) -> QImage | None:
    """The preview a snapshot holds for one node, whatever its kind, or None. Unit
    heatmaps and feature maps are drawn at `scale` (see `preview_size`): at 100 % zoom
    a quarter of the pixels of the zoomed-in picture, which live training redraws
    twenty times a second."""
    grids = getattr(snapshot, "node_grids", None) or {}
    if node_id in grids:
        return unit_grid_image(grids[node_id], colors, preview_size(scale))
    maps = getattr(snapshot, "node_maps", None) or {}
    if node_id in maps:
        return feature_map_image(maps[node_id], colors, preview_size(scale))
    curves = getattr(snapshot, "node_curves", None) or {}
    if node_id in curves:
        return unit_curves_image(curves[node_id], colors)
    histograms = getattr(snapshot, "node_histograms", None) or {}
    if node_id in histograms:
        counts, edges = histograms[node_id]
        return histogram_image(counts, edges, colors)
    return None


# ----- the painter -----------------------------------------------------------------------------------------
class PreviewPainter:
    """Puts snapshot pictures on a `CanvasView`'s nodes and weight styles on its edges.

    `apply(snapshot)` updates them (nodes no longer on the canvas are skipped), `clear()`
    takes them all off; `set_enabled` and `set_show_weights` are the user's toggles.
    """

    def __init__(self, canvas: Any, theme: Theme | None = None) -> None:
        self.canvas = canvas
        self.colors = plot_colors(theme)
        self.enabled = True
        self.show_weights = True
        self.images: dict[str, QImage] = {}
        self.health: dict[str, str] = {}
        self.edge_widths: dict[Any, float] = {}
        self.snapshot: Any = None

    @property
    def scene(self) -> Any:
        """The `CanvasScene` (the canvas may be given as the view or as its scene)."""
        return self.canvas if hasattr(self.canvas, "node_item") else self.canvas.scene()

    def apply(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        if not self.enabled or self.scene is None:
            return
        self._paint_nodes(snapshot)
        if self.show_weights:
            self._style_edges(getattr(snapshot, "weight_magnitude", None) or {})

    def clear(self) -> None:
        """Take every preview, weight style and gradient mark off the canvas."""
        scene = self.scene
        for node_id in list(self.images):
            item = _node_item(scene, node_id)
            if item is not None:
                item.set_preview(None)
                _set_item_health(item, None)
        self.images.clear()
        self.health.clear()
        self._unstyle_edges()

    def forget(self) -> None:
        """Clear the canvas and drop the last snapshot (a new run, or new data)."""
        self.clear()
        self.snapshot = None

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        if not self.enabled:
            self.clear()
        elif self.snapshot is not None:
            self.apply(self.snapshot)

    def set_show_weights(self, on: bool) -> None:
        self.show_weights = bool(on)
        if not self.show_weights:
            self._unstyle_edges()
        elif self.enabled and self.snapshot is not None:
            self._style_edges(getattr(self.snapshot, "weight_magnitude", None) or {})

    def set_theme(self, theme: Theme | None = None) -> None:
        self.colors = plot_colors(theme)
        if self.enabled and self.snapshot is not None:
            self.apply(self.snapshot)

    # ----- nodes -------------------------------------------------------------------------------------
    def _paint_nodes(self, snapshot: Any) -> None:
        scene = self.scene
        health = {k: v for k, v in (getattr(snapshot, "grad_health", None) or {}).items() if v != "ok"}
        wanted: dict[str, QImage] = {}
        scale = self._screen_scale()
        for item in scene.node_items():
            node_id = item.node_id
            picture = node_picture(snapshot, node_id, self.colors, scale)
            state = health.get(node_id)
            if state is not None and not _set_item_health(item, state):
                picture = health_marked(picture, state, self.colors)  # no badge API on the node
            elif state is None:
                _set_item_health(item, None)
            if picture is not None:
                wanted[node_id] = picture
        for node_id in set(self.images) - set(wanted):
            item = _node_item(scene, node_id)
            if item is not None:
                item.set_preview(None)
        for node_id, picture in wanted.items():
            scene.node_item(node_id).set_preview(picture)
        self.images = wanted
        self.health = health

    def _screen_scale(self) -> float:
        """Screen pixels per canvas unit in the canvas's view (its zoom times the
        screen's pixel ratio); SCALE when there is no view to ask."""
        views = self.canvas.views() if hasattr(self.canvas, "views") else [self.canvas]
        scales = []
        for view in views:
            transform = getattr(view, "transform", None)
            if callable(transform):
                ratio = view.devicePixelRatioF() if hasattr(view, "devicePixelRatioF") else 1.0
                scales.append(abs(transform().m11()) * ratio)
        return max(scales, default=float(SCALE))

    # ----- edges -------------------------------------------------------------------------------------
    def _style_edges(self, magnitudes: dict[str, float]) -> None:
        """Edges into a node with weights: wider and nearer the accent as its mean |w|
        grows (relative to the largest in the network); other edges keep the theme."""
        scene = self.scene
        finite = [m for m in magnitudes.values() if math.isfinite(m) and m > 0]
        largest = max(finite, default=0.0)
        base = scene.style["edge"] if hasattr(scene, "style") else QColor("#7d8693")
        widths: dict[Any, float] = {}
        for edge in scene.edge_items():
            magnitude = magnitudes.get(edge.edge.dst)
            if magnitude is None or largest <= 0 or not math.isfinite(magnitude):
                if edge.edge in self.edge_widths:
                    edge.set_weight_style(None)
                continue
            share = math.sqrt(max(magnitude, 0.0) / largest)
            width = 1.0 + 4.0 * share
            edge.set_weight_style(width, mix(base, self.colors.accent, 0.2 + 0.8 * share))
            widths[edge.edge] = width
        self.edge_widths = widths

    def _unstyle_edges(self) -> None:
        scene = self.scene
        if scene is None:
            return
        for edge in scene.edge_items():
            if edge.edge in self.edge_widths:
                edge.set_weight_style(None)
        self.edge_widths = {}


def _node_item(scene: Any, node_id: str) -> Any:
    try:
        return scene.node_item(node_id)
    except KeyError:
        return None


def _set_item_health(item: Any, state: str | None) -> bool:
    """Use the node's own gradient badge when it has one; False when it has none."""
    setter = getattr(item, "set_gradient_health", None)
    if not callable(setter):
        return False
    setter(state)
    return True
