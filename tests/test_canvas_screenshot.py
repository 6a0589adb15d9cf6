"""Screenshots of the canvas with an example network, light and dark, for people to
look at (tests/screenshots/); the assertions check that the picture has content."""

from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from app.canvas import CanvasView
from app.commands import AddNodeCommand, ConnectCommand
from app.document import Document
from app.theme import DARK, LIGHT

SHOTS = Path(__file__).parent / "screenshots"

NODES = [
    ("Input", "image", {"shape": [1, 8, 8]}),
    ("Conv2d", "conv", {"out_channels": 4, "kernel_size": 3, "padding": 1}),
    ("Flatten", "flat", {}),
    ("Linear", "hidden", {"out_features": 32}),
    ("ReLU", "act", {}),
    ("Linear", "skip", {"out_features": 32}),
    ("Add", "merge", {}),
    ("Linear", "logits", {"out_features": 10}),
    ("Linear", "probe", {"out_features": 4}),
]
EDGES = [
    ("image", "conv"),
    ("conv", "flat"),
    ("flat", "hidden"),
    ("hidden", "act"),
    ("flat", "skip"),
    ("act", "merge"),
    ("skip", "merge"),
    ("merge", "logits"),
]


def example_document() -> Document:
    doc = Document.new()
    for type_name, node_id, params in NODES:
        doc.try_push(AddNodeCommand(doc.graph, type_name, (0, 0), params, node_id))
    for src, dst in EDGES:
        doc.try_push(ConnectCommand(doc.graph, src, dst))
    return doc


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_canvas_screenshot_with_an_example_network(qtbot, theme):
    doc = example_document()
    view = CanvasView(doc)
    view.set_theme(theme.canvas)
    view.resize(1600, 700)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.auto_layout()
    view.select_nodes(["hidden"])
    SHOTS.mkdir(exist_ok=True)
    name = "canvas.png" if theme is LIGHT else f"canvas_{theme.name}.png"
    image = view.grab().toImage()
    assert image.save(str(SHOTS / name))
    background = QColor(theme.canvas_bg)
    corner = image.pixelColor(2, 2)
    assert abs(corner.lightness() - background.lightness()) < 25
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # nodes, text and edges were drawn, not a blank canvas
    assert view.scene().node_item("probe").badge is not None  # its missing input is flagged
    doc.deleteLater()
