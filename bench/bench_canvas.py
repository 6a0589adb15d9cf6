"""Canvas benchmark: open a 500-node project (file, document, scene, first paint), time
repaints while zoomed out, at 100 % while panning, and while zooming. Offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_canvas.py [--nodes 500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.canvas import CanvasView  # noqa: E402
from app.document import Document  # noqa: E402
from app.layout import LAYER_SPACING, layout_positions  # noqa: E402
from graph_core.graph import ModelGraph  # noqa: E402
from graph_core.project import Project, load_project, save_project  # noqa: E402

BLOCK = ("Linear", "ReLU", "Linear", "Add", "LayerNorm")  # a residual block: 5 nodes


def residual_network(nodes: int) -> ModelGraph:
    """Input, then residual blocks (Linear-ReLU-Linear-Add-LayerNorm) up to `nodes`."""
    graph = ModelGraph()
    last = graph.add_node("Input", {"shape": [32]})
    while len(graph) + len(BLOCK) <= nodes:
        block_input = last
        for type_name in BLOCK:
            params = {"out_features": 32} if type_name == "Linear" else None
            node_id = graph.add_node(type_name, params)
            graph.connect(last, node_id)
            if type_name == "Add":
                graph.connect(block_input, node_id)
            last = node_id
    while len(graph) < nodes:
        node_id = graph.add_node("Identity")
        graph.connect(last, node_id)
        last = node_id
    for node_id, pos in layout_positions(graph).items():
        graph.move(node_id, pos)
    return graph


def wrap_rows(graph: ModelGraph, columns: int = 24) -> None:
    """Fold the long left-to-right layout into rows, as a person would arrange it."""
    width = columns * LAYER_SPACING
    for node in graph.nodes():
        row, x = divmod(node.pos[0], width)
        graph.move(node.id, (x, node.pos[1] + row * 360.0))


def timed_repaints(app: QApplication, view: CanvasView, step, count: int) -> float:
    """Mean milliseconds of a synchronous full repaint after each `step(i)`."""
    times = []
    for i in range(count):
        step(i)
        start = time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    app.processEvents()
    return statistics.mean(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])

    graph = residual_network(args.nodes)
    wrap_rows(graph)
    path = Path(tempfile.mkdtemp()) / "big.nlproj"
    save_project(Project(graph=graph), path)

    start = time.perf_counter()
    document = Document.from_project(load_project(path), path)
    view = CanvasView(document)
    view.resize(1400, 900)
    view.show()
    view.viewport().repaint()
    app.processEvents()
    open_s = time.perf_counter() - start

    other = Project(graph=residual_network(args.nodes))
    start = time.perf_counter()
    document.replace(other)
    app.processEvents()
    view.viewport().repaint()
    replace_s = time.perf_counter() - start

    view.fit_all()
    fitted = timed_repaints(app, view, lambda i: None, args.repeats)
    view.set_zoom(1.0)
    view.centerOn(view.scene().node_item(graph.node_ids()[0]).pos())

    def pan(i: int) -> None:
        bar = view.horizontalScrollBar()
        bar.setValue(bar.value() + 40)

    panning = timed_repaints(app, view, pan, args.repeats)
    centre = QPoint(700, 450)
    zooming = timed_repaints(
        app, view, lambda i: view.zoom_at(view.zoom * (0.93 if i < 20 else 1.07), centre), args.repeats
    )

    edges = len(document.graph.edges())
    print(f"canvas benchmark: {len(document.graph)} nodes, {edges} edges, view 1400x900 (offscreen)")
    print(f"  open (read file + scene + first paint): {open_s * 1000:6.1f} ms")
    print(f"  load another project into the view:    {replace_s * 1000:7.1f} ms")
    print(f"  repaint, whole graph in view:          {fitted:7.2f} ms")
    print(f"  repaint while panning at 100 %:        {panning:7.2f} ms")
    print(f"  repaint while zooming:                 {zooming:7.2f} ms")
    view.close()


if __name__ == "__main__":
    main()
