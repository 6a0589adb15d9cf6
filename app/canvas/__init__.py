"""The node canvas: a `QGraphicsScene` that mirrors the document's graph and the
`CanvasView` widget that the main window embeds."""

from app.canvas.items import EdgeItem, NodeItem, PortItem
from app.canvas.scene import CanvasScene
from app.canvas.view import LAYER_MIME, CanvasView

__all__ = ["LAYER_MIME", "CanvasScene", "CanvasView", "EdgeItem", "NodeItem", "PortItem"]
