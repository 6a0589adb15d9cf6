"""Compiled graphs against the same networks written by hand: forward+backward time at
batch 10 and 1000, alternating in one run, medians. Target ratio (compiled / hand) <= 1.03.

Run: python -m bench.bench_compiler [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from bench.reference_nets import REFERENCES
from graph_core.compiler import compile_graph


def step_time(model: torch.nn.Module, x: torch.Tensor, iters: int) -> float:
    start = time.perf_counter()
    for _ in range(iters):
        model.zero_grad(set_to_none=True)
        model(x).sum().backward()
    return (time.perf_counter() - start) / iters


def main(rounds: int = 7) -> dict[str, float]:
    torch.set_num_threads(1)
    results = {}
    print(f"{'network':<14}{'batch':>6}{'hand ms':>10}{'compiled ms':>13}{'ratio':>8}")
    for ref in REFERENCES:
        for batch in (10, 1000):
            torch.manual_seed(0)
            hand = ref.make_module()
            compiled = compile_graph(ref.make_graph())
            compiled.load_state_dict(hand.state_dict())
            x = torch.randn(batch, *ref.input_shape)
            iters = 200 if batch == 10 else 8
            step_time(hand, x, 3), step_time(compiled, x, 3)
            hand_t, comp_t = [], []
            for _ in range(rounds):  # alternate so load on the machine hits both alike
                hand_t.append(step_time(hand, x, iters))
                comp_t.append(step_time(compiled, x, iters))
            h, c = statistics.median(hand_t), statistics.median(comp_t)
            results[f"{ref.name}@{batch}"] = c / h
            print(f"{ref.name:<14}{batch:>6}{h * 1e3:>10.3f}{c * 1e3:>13.3f}{c / h:>8.3f}")
    worst = max(results.values())
    print(f"\nworst ratio {worst:.3f}, median {statistics.median(results.values()):.3f} (target <= 1.03)")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    main(parser.parse_args().rounds)
