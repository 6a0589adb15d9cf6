"""Automatic layout of a network: layered left to right by depth, nodes in each layer
ordered to reduce crossings, and each node placed level with the nodes it connects to.
Pure function of the graph (no Qt)."""

from __future__ import annotations

import math

from graph_core.graph import GraphError, ModelGraph

LAYER_SPACING = 280.0  # node width (176) plus room for an edge's shape label
ROW_SPACING = 140.0  # the tallest usual node plus a gap
GRID = 20.0  # positions land on the canvas grid, so snapping never jumps
SWEEPS = 4  # passes of ordering and of levelling; more rarely changes anything

Links = dict[str, list[str]]


def layout_positions(graph: ModelGraph) -> dict[str, tuple[float, float]]:
    """New top-left positions for every node, anchored where the graph is now."""
    if not len(graph):
        return {}
    try:
        order = graph.topological_order()
    except GraphError:
        return {node.id: node.pos for node in graph.nodes()}
    depth = _depths(graph, order)
    layers, inputs, outputs = _layers_with_waypoints(graph, depth)
    _order_layers(layers, inputs, outputs)
    heights = _level(layers, inputs, outputs)
    positions = {
        node_id: (column * LAYER_SPACING, heights[node_id])
        for column, layer in enumerate(layers)
        for node_id in layer
        if node_id in depth
    }
    return _anchor(graph, positions)


def _depths(graph: ModelGraph, order: list[str]) -> dict[str, int]:
    """Longest-path layering: each node one layer right of its deepest input."""
    depth: dict[str, int] = {}
    for node_id in order:
        depth[node_id] = max((depth[src] + 1 for src in graph.predecessors(node_id)), default=0)
    return depth


def _layers_with_waypoints(graph: ModelGraph, depth: dict[str, int]) -> tuple[list[list[str]], Links, Links]:
    """Layers of node ids, with a waypoint in every layer a long edge passes through,
    so long edges get a lane of their own instead of running through nodes."""
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    # Start each layer in the user's current top-to-bottom order, so a layout keeps it.
    for node_id in sorted(depth, key=lambda n: graph.node(n).pos[1]):
        layers[depth[node_id]].append(node_id)
    inputs: Links = {node_id: [] for node_id in depth}
    outputs: Links = {node_id: [] for node_id in depth}
    for index, edge in enumerate(graph.edges()):
        chain = [edge.src]
        for layer in range(depth[edge.src] + 1, depth[edge.dst]):
            waypoint = f" {index}.{layer}"  # a space: never a node id
            layers[layer].append(waypoint)
            inputs[waypoint], outputs[waypoint] = [], []
            chain.append(waypoint)
        chain.append(edge.dst)
        for src, dst in zip(chain, chain[1:]):
            outputs[src].append(dst)
            inputs[dst].append(src)
    return layers, inputs, outputs


def _order_layers(layers: list[list[str]], inputs: Links, outputs: Links) -> None:
    """Barycentric ordering: alternate sweeps right (by inputs) and left (by outputs)."""
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(layers)) if forward else range(len(layers) - 2, -1, -1)
        for index in indices:
            neighbour = layers[index - 1] if forward else layers[index + 1]
            rank = {node_id: i for i, node_id in enumerate(neighbour)}
            layers[index] = _by_barycentre(layers[index], rank, inputs if forward else outputs)


def _by_barycentre(layer: list[str], rank: dict[str, int], links: Links) -> list[str]:
    def barycentre(item: tuple[int, str]) -> float:
        position, node_id = item
        linked = [rank[other] for other in links[node_id] if other in rank]
        # Nodes with no links to the neighbour layer keep their place.
        return sum(linked) / len(linked) if linked else float(position)

    return [node_id for _, node_id in sorted(enumerate(layer), key=barycentre)]


def _level(layers: list[list[str]], inputs: Links, outputs: Links) -> dict[str, float]:
    """Heights: each node as level as it can be with its neighbours, keeping the order
    and ROW_SPACING within a layer (so a chain is a straight line)."""
    heights = {}
    for layer in layers:
        top = -(len(layer) - 1) * ROW_SPACING / 2
        heights.update({node_id: top + row * ROW_SPACING for row, node_id in enumerate(layer)})
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        links = inputs if forward else outputs
        for layer in layers if forward else reversed(layers):
            wanted = [_mean([heights[n] for n in links[node_id]], heights[node_id]) for node_id in layer]
            heights.update(zip(layer, _packed(wanted)))
    return {node_id: on_grid(y) for node_id, y in heights.items()}


def on_grid(value: float) -> float:
    """The nearest grid line (halves round up everywhere, so spacings stay exact)."""
    return math.floor(value / GRID + 0.5) * GRID


def _packed(wanted: list[float]) -> list[float]:
    """Heights in order, at least ROW_SPACING apart, shifted to sit on `wanted` on average."""
    packed: list[float] = []
    for y in wanted:
        packed.append(max(y, packed[-1] + ROW_SPACING) if packed else y)
    shift = sum(w - p for w, p in zip(wanted, packed)) / len(packed)
    return [p + shift for p in packed]


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _anchor(graph: ModelGraph, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Shift the layout so its left edge and vertical middle stay where the graph was."""
    old = [node.pos for node in graph.nodes()]
    old_left = min(x for x, _ in old)
    old_mid = (min(y for _, y in old) + max(y for _, y in old)) / 2
    new_left = min(x for x, _ in positions.values())
    new_mid = (min(y for _, y in positions.values()) + max(y for _, y in positions.values())) / 2
    dx, dy = on_grid(old_left - new_left), on_grid(old_mid - new_mid)
    return {node_id: (x + dx, y + dy) for node_id, (x, y) in positions.items()}
