"""Shape inference speed: `analyze` on 50, 200 and 1000-node graphs (a deep residual
MLP of Linear/ReLU/Add blocks plus a conv stack). Target: under 20 ms at 200 nodes.

Run: python -m bench.bench_shapes
"""

from __future__ import annotations

import statistics
import time

from graph_core.graph import ModelGraph
from graph_core.shapes import analyze


def residual_chain(n_nodes: int) -> ModelGraph:
    graph = ModelGraph()
    previous = graph.add_node("Input", {"shape": [32]}, node_id="x")
    while len(graph) < n_nodes:
        fc = graph.add_node("Linear", {"out_features": 32})
        act = graph.add_node("ReLU")
        add = graph.add_node("Add")
        graph.connect(previous, fc)
        graph.connect(fc, act)
        graph.connect(act, add)
        graph.connect(previous, add)
        previous = add
    return graph


def conv_stack(n_nodes: int) -> ModelGraph:
    graph = ModelGraph()
    previous = graph.add_node("Input", {"shape": [3, 64, 64]}, node_id="x")
    while len(graph) < n_nodes:
        for type_name, params in (
            ("Conv2d", {"out_channels": 16, "padding": "same"}),
            ("BatchNorm2d", {}),
            ("ReLU", {}),
        ):
            node = graph.add_node(type_name, params)
            graph.connect(previous, node)
            previous = node
    return graph


def time_ms(graph: ModelGraph, repeats: int = 15) -> float:
    analyze(graph)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        analyze(graph)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> dict:
    results = {}
    print(f"{'graph':<22}{'nodes':>7}{'analyze ms':>12}")
    for n in (50, 200, 1000):
        for name, make in (("residual MLP", residual_chain), ("conv stack", conv_stack)):
            graph = make(n)
            ms = time_ms(graph)
            results[f"{name} {n}"] = ms
            print(f"{name:<22}{len(graph):>7}{ms:>12.2f}")
    worst_200 = max(v for k, v in results.items() if k.endswith(" 200"))
    print(f"\n200 nodes: {worst_200:.1f} ms (target < 20 ms): {'OK' if worst_200 < 20 else 'MISSED'}")
    return results


if __name__ == "__main__":
    main()
