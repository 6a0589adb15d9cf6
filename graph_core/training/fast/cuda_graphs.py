"""Optional CUDA-graph capture of one eager training step, for small networks on a GPU.

There a 2-4-2-1 step is some forty kernel launches of a few microseconds each, so the
GPU loses to the CPU on launch overhead alone; a captured graph replays them in one
launch. The fast path stays on the CPU, and CUDA runs keep the eager path; this helper
is what a CUDA run of a small network would use. Untested here: the development
machines have no GPU (`bench_speed` times it wherever CUDA is present).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def capture_train_step(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    x_example: torch.Tensor,
    target_example: torch.Tensor,
    warmup_steps: int = 3,
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A function that trains one batch by replaying a captured graph; it returns the
    batch loss (a device tensor, no sync).

    Every batch must have the example's shape (train the last, smaller batch eagerly or
    drop it). The warm-up steps train on the example batch, as capture requires; Adam
    needs `capturable=True` or `fused=True`. After capture the optimizer's learning
    rate is baked in: rebuild the step when a schedule changes it.
    """
    if not torch.cuda.is_available():
        raise RuntimeError("CUDA graphs need a CUDA device")
    static_x, static_target = x_example.clone(), target_example.clone()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up on a side stream, as capture requires
        for _ in range(warmup_steps):
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(static_x), static_target).backward()
            optimizer.step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    optimizer.zero_grad(set_to_none=True)
    with torch.cuda.graph(graph):
        static_loss = loss_fn(model(static_x), static_target)
        static_loss.backward()
        optimizer.step()

    def step(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        static_x.copy_(x)
        static_target.copy_(target)
        graph.replay()
        return static_loss.detach()

    return step
