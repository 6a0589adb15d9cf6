"""The network as a picture for slides and papers: the canvas's drawing of a graph as SVG
(one group per node, text kept as text) or PNG (twice the canvas size), registered as
the "svg" and "png" export formats and verified by reading the file back.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QRectF, QSize, Qt, QThread
from PySide6.QtGui import QColor, QGuiApplication, QImage, QImageReader, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from app.canvas.scene import CanvasScene
from app.canvas.style import CanvasStyle
from app.document import Document
from app.theme import Theme, current_theme, get_theme
from graph_core.export import TOLERANCE, ExportError, ExportFormat, ExportReport, ExportSource, register_format
from graph_core.export.core import write_file
from graph_core.graph import ModelGraph
from graph_core.project import Project

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MARGIN = 24.0  # scene units around the network
PNG_SCALE = 2  # pixels per scene unit: sharp on slides and high-DPI screens
_GENERIC_FONTS = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


class PictureError(ExportError):
    """A picture that cannot be drawn or does not read back as written."""


@dataclass(frozen=True)
class PictureOptions:
    """How a picture looks: `theme` is "light" (suits papers), "dark" or "current" (the
    app's); `transparent` leaves the background out instead of filling it."""

    theme: str = "light"
    transparent: bool = False
    scale: int = PNG_SCALE
    margin: float = MARGIN

    def resolved_theme(self) -> Theme:
        return current_theme() if self.theme == "current" else get_theme(self.theme)

    def background(self) -> QColor:
        """White for the light theme (paper), the canvas colour for a dark one."""
        theme = self.resolved_theme()
        return QColor(theme.canvas_bg if theme.dark else "#ffffff")


# ----- drawing ------------------------------------------------------------------------------
class NetworkPicture:
    """A graph drawn on an offscreen canvas scene of its own, so the live canvas's
    selection, hover, zoom and live previews never show in a picture."""

    def __init__(self, graph: ModelGraph, options: PictureOptions = PictureOptions()) -> None:
        _require_gui_thread()
        self.options = options
        self.document = Document.from_project(Project(graph=graph.copy()))
        self.scene = CanvasScene(self.document)
        self.scene.set_style(CanvasStyle.from_theme(options.resolved_theme().canvas))
        for item in self.scene.items():
            # Cached items would be drawn as bitmaps: an SVG full of embedded PNGs.
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        if not self.scene.node_items():
            raise PictureError("the network is empty: there is nothing to draw")
        self.rect = self._tight_rect()

    def _tight_rect(self) -> QRectF:
        rect = QRectF()
        for item in [*self.scene.node_items(), *self.scene.edge_items()]:
            rect = rect.united(item.sceneBoundingRect())
        m = self.options.margin
        # Whole units, so the PNG is exactly `scale` times the picture with no stretching.
        return QRectF(rect.adjusted(-m, -m, m, m).toAlignedRect())

    @property
    def node_ids(self) -> list[str]:
        return [item.node_id for item in self.scene.node_items()]

    def png_size(self) -> QSize:
        scale = self.options.scale
        return QSize(round(self.rect.width() * scale), round(self.rect.height() * scale))

    def render_png(self) -> QImage:
        size = self.png_size()
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent if self.options.transparent else self.options.background())
        # Painted at the screen's resolution, which the cards' text layout assumes...
        _set_dpi(image, screen_dpi())
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.scene.render(painter, QRectF(0, 0, size.width(), size.height()), self.rect)
        painter.end()
        # ...and saved as `scale` times as dense, so it prints at the canvas's size.
        _set_dpi(image, screen_dpi() * self.options.scale)
        return image

    def render_svg(self, title: str = "") -> bytes:
        """Edges first, then one `<g class="node">` per node (its id, type and a
        `<title>`), so a drawing program can move nodes as wholes."""
        root = self._svg_root(title)
        edges = ET.SubElement(root, f"{{{SVG_NS}}}g", {"id": "edges", "class": "edges"})
        edges.extend(self._svg_layer(self.scene.edge_items(), "e"))
        nodes = ET.SubElement(root, f"{{{SVG_NS}}}g", {"id": "nodes", "class": "nodes"})
        for index, item in enumerate(self.scene.node_items()):
            node = self.document.graph.node(item.node_id)
            group = ET.SubElement(
                nodes,
                f"{{{SVG_NS}}}g",
                {"id": _xml_id(f"node-{node.id}"), "class": "node", "data-node": node.id, "data-type": node.type},
            )
            ET.SubElement(group, f"{{{SVG_NS}}}title").text = f"{node.id}: {node.type}"
            group.extend(self._svg_layer([item], f"n{index}"))
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _svg_root(self, title: str) -> ET.Element:
        width, height = self.rect.width(), self.rect.height()
        root = ET.Element(
            f"{{{SVG_NS}}}svg",
            {"width": f"{width:g}", "height": f"{height:g}", "viewBox": f"0 0 {width:g} {height:g}", "version": "1.1"},
        )
        ET.SubElement(root, f"{{{SVG_NS}}}title").text = title or "Neural network"
        ET.SubElement(root, f"{{{SVG_NS}}}desc").text = "Drawn by NeuroLoom"
        if not self.options.transparent:
            colour = self.options.background().name()
            ET.SubElement(root, f"{{{SVG_NS}}}rect", {"width": "100%", "height": "100%", "fill": colour})
        return root

    def _svg_layer(self, shown: list[QGraphicsItem], prefix: str) -> list[ET.Element]:
        """The drawing of only the `shown` items, as SVG elements in picture coordinates."""
        with self._only(shown):
            data = self._svg_bytes()
        fragment = ET.fromstring(data)
        _prefix_ids(fragment, prefix)
        kept = [child for child in fragment if child.tag in (f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}defs")]
        for child in kept:
            _tidy(child)
        return [child for child in kept if len(child) or child.tag != f"{{{SVG_NS}}}defs"]

    def _svg_bytes(self) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setResolution(round(screen_dpi()))  # text sized as on the canvas, relative to the cards
        target = QRectF(0, 0, self.rect.width(), self.rect.height())
        generator.setSize(target.size().toSize())
        generator.setViewBox(target)
        painter = QPainter(generator)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.scene.render(painter, target, self.rect)
        painter.end()
        return bytes(buffer.data())

    @contextmanager
    def _only(self, shown: list[QGraphicsItem]) -> Iterator[None]:
        """Hide every top-level item but `shown` (this scene is ours alone)."""
        keep = {id(item) for item in shown}
        hidden = [item for item in self.scene.items() if item.parentItem() is None and id(item) not in keep]
        for item in hidden:
            item.setVisible(False)
        try:
            yield
        finally:
            for item in hidden:
                item.setVisible(True)


def screen_dpi() -> float:
    """The resolution the canvas lays its text out at (items measure with QFontMetricsF)."""
    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInchY() if screen is not None else 96.0


def _set_dpi(image: QImage, dpi: float) -> None:
    dots_per_meter = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)


def _xml_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


_REF = re.compile(r"url\(#([^)]+)\)")


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    """Make ids unique across merged drawings (each generator numbers its own)."""
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.set(name, _REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value))
        if element.get(href, "").startswith("#"):
            element.set(href, f"#{prefix}-{element.get(href)[1:]}")


def _tidy(root: ET.Element) -> None:
    """Drop the empty groups Qt writes at every state change, and give each font list
    a generic family so viewers without the canvas's fonts still pick a close one."""
    for element in root.iter():
        family = element.get("font-family")
        if family and family.split(",")[-1].strip().lower() not in _GENERIC_FONTS:
            element.set("font-family", f"{family},sans-serif")
        for child in list(element):
            if child.tag == f"{{{SVG_NS}}}g" and not _has_drawing(child):
                element.remove(child)


def _has_drawing(group: ET.Element) -> bool:
    return any(element.tag != f"{{{SVG_NS}}}g" for element in group.iter())


def _require_gui_thread() -> None:
    app = QCoreApplication.instance()
    if app is None:
        raise PictureError("pictures are drawn by Qt: create a QApplication first")
    if QThread.currentThread() is not app.thread():
        raise PictureError("pictures are drawn on the GUI thread")


# ----- files and their checks --------------------------------------------------------------------
def write_png(graph: ModelGraph, path: str | Path, options: PictureOptions = PictureOptions()) -> QSize:
    """Draw `graph` into a PNG file (atomically); returns its size in pixels."""
    image = NetworkPicture(graph, options).render_png()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise PictureError("Qt could not encode the PNG")
    write_file(path, bytes(buffer.data()))
    return image.size()


def write_svg(graph: ModelGraph, path: str | Path, options: PictureOptions = PictureOptions(), title: str = "") -> None:
    """Draw `graph` into an SVG file (atomically)."""
    write_file(path, NetworkPicture(graph, options).render_svg(title))


def check_png(path: str | Path, expected: QSize) -> str:
    """Read the PNG back: it must load, at the expected size, with something drawn.
    Returns what was found; raises PictureError otherwise."""
    image = QImage(str(path))
    if image.isNull():
        raise PictureError(f"{Path(path).name} does not load as an image")
    if image.size() != expected:
        raise PictureError(
            f"{Path(path).name} is {image.width()}×{image.height()} px, expected {expected.width()}×{expected.height()}"
        )
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    colours = {image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)}
    if len(colours) < 3:
        raise PictureError(f"{Path(path).name} is blank")
    return f"{image.width()}×{image.height()} px PNG"


def check_svg(path: str | Path, graph: ModelGraph) -> str:
    """Parse the SVG back: one node group per node of `graph`, each titled with its
    type and holding a drawing. Returns what was found; raises PictureError otherwise."""
    name = Path(path).name
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise PictureError(f"{name} is not valid XML: {error}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise PictureError(f"{name} is XML but not SVG (root {root.tag})")
    groups = {g.get("data-node"): g for g in root.iter(f"{{{SVG_NS}}}g") if g.get("class") == "node"}
    expected = {node.id: node.type for node in graph.nodes()}
    if set(groups) != set(expected):
        missing = sorted(set(expected) - set(groups))
        raise PictureError(f"{name} holds {len(groups)} node groups, expected {len(expected)} (missing: {missing})")
    for node_id, group in groups.items():
        title = group.findtext(f"{{{SVG_NS}}}title") or ""
        if expected[node_id] not in title or not any(e.tag == f"{{{SVG_NS}}}path" for e in group.iter()):
            raise PictureError(f"{name}: the group of node {node_id} does not show a {expected[node_id]}")
    return f"SVG with {len(groups)} node groups"


# ----- export formats ---------------------------------------------------------------------------
def _graph_of(source: ExportSource) -> ModelGraph:
    if source.graph is None:
        raise PictureError("a picture needs the network's graph")
    return source.graph


def _write_png_format(options: PictureOptions, source: ExportSource, path: Path, notes: list[str]) -> list[Path]:
    write_png(_graph_of(source), path, options)
    return [path]


def _write_svg_format(options: PictureOptions, source: ExportSource, path: Path, notes: list[str]) -> list[Path]:
    write_svg(_graph_of(source), path, options, source.title or source.name)
    return [path]


def _verify_png(options: PictureOptions, source: ExportSource, path: Path) -> float:
    check_png(path, NetworkPicture(_graph_of(source), options).png_size())
    return 0.0  # a picture has no outputs to compare: it passes once it reads back right


def _verify_svg(options: PictureOptions, source: ExportSource, path: Path) -> float:
    check_svg(path, _graph_of(source))
    return 0.0


@dataclass(frozen=True)
class PictureFormat(ExportFormat):
    """An export format that draws the canvas; `options` set its look. Drawn with Qt, so
    it runs on the GUI thread (`gui_thread`): it takes a fraction of a second."""

    options: PictureOptions = PictureOptions()
    gui_thread: ClassVar[bool] = True

    def with_options(self, options: PictureOptions) -> PictureFormat:
        return picture_format(self.name, options)

    def export(
        self, source: ExportSource, path: str | Path, *, verify: bool = True, tolerance: float = TOLERANCE
    ) -> ExportReport:
        report = super().export(source, path, verify=verify, tolerance=tolerance)
        report.notes = []  # the source's notes are about weights, which a picture does not show
        if report.status == "passed":
            report.max_abs_diff = None  # nothing numeric to compare
            report.message = f"read back: {self._found(report.path)}"
        return report

    def _found(self, path: Path) -> str:
        if self.name == "png":
            image = QImageReader(str(path))
            return f"{image.size().width()}×{image.size().height()} px PNG"
        root = ET.parse(path).getroot()
        count = sum(1 for g in root.iter(f"{{{SVG_NS}}}g") if g.get("class") == "node")
        return f"SVG with {count} node groups"


def picture_format(name: str, options: PictureOptions = PictureOptions()) -> PictureFormat:
    """The "svg" or "png" format drawing with `options`."""
    if name == "svg":
        return PictureFormat(
            "svg",
            "Picture (SVG)",
            ".svg",
            "The network as drawn on the canvas, as a vector picture for papers and slides: one group per node, "
            "text stays text.",
            partial(_write_svg_format, options),
            partial(_verify_svg, options),
            runtime="an XML parser",
            needs_graph=True,
            options=options,
        )
    if name == "png":
        return PictureFormat(
            "png",
            "Picture (PNG)",
            ".png",
            f"The network as drawn on the canvas, at {options.scale}× its size, for slides and documents.",
            partial(_write_png_format, options),
            partial(_verify_png, options),
            runtime="Qt's image reader",
            needs_graph=True,
            options=options,
        )
    raise ValueError(f"no picture format {name!r}")


PICTURE_FORMATS = ("svg", "png")


def register_picture_formats() -> None:
    """List the pictures among the export formats (again: replacing is harmless)."""
    for name in PICTURE_FORMATS:
        register_format(picture_format(name), replace=True)
