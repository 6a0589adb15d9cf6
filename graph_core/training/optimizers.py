"""Optimizers by name, with plain-language explanations.

Weight decay (L2) applies to weights only, not to biases or normalization scales, as
textbooks and TensorFlow Playground do; the L1 penalty follows the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from graph_core.training.config import TrainingConfig

OPTIMIZER_EXPLANATIONS: dict[str, str] = {
    "SGD": (
        "Stochastic gradient descent: after each batch, move every weight a small step "
        "(the learning rate) against its gradient. With momentum it keeps a running "
        "velocity, so steps that agree build up speed and zig-zags cancel out; Nesterov "
        "momentum looks ahead to where the velocity is taking it before measuring the "
        "gradient."
    ),
    "Adam": (
        "Adam keeps, for every weight, a running average of its gradients (momentum) "
        "and of their squares (how noisy it is), and divides one by the other. Each "
        "weight thus gets its own step size, which makes Adam work well with little "
        "tuning; it is the usual first choice."
    ),
    "AdamW": (
        "AdamW is Adam with weight decay done right: instead of adding L2 to the "
        "gradient (where Adam's per-weight scaling would weaken it), it shrinks every "
        "weight directly a little at each step. Prefer it over Adam when you use "
        "weight decay."
    ),
    "RMSprop": (
        "RMSprop divides each weight's step by a running average of the size of its "
        "recent gradients, so weights with large, noisy gradients take smaller steps "
        "and quiet ones take larger steps. Adam grew out of it by adding momentum."
    ),
    "Adagrad": (
        "Adagrad divides each weight's step by the square root of the sum of all its "
        "past squared gradients. Rarely updated weights keep large steps, frequently "
        "updated ones slow down; the steps only ever shrink, so long runs may stall."
    ),
}

# The fused kernels do a whole Adam step in one call; for small networks that halves
# the optimizer's fixed cost per batch, which is most of a tiny network's step time.
_FUSABLE = ("Adam", "AdamW", "Adagrad")


def trainable_parameters(modules: Iterable[nn.Module]) -> list[nn.Parameter]:
    """Every parameter that learns, once each (tied weights appear once), in order."""
    params: list[nn.Parameter] = []
    seen: set[int] = set()
    for module in modules:
        for p in module.parameters():
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                params.append(p)
    return params


def is_weight(p: torch.Tensor) -> bool:
    """Weights are matrices and kernels; biases and normalization scales are vectors."""
    return p.ndim >= 2


def gradient_weight_decay(config: TrainingConfig) -> float:
    """The L2 strength a mode adds to the weights' gradients itself (0 for AdamW).

    For SGD, Adam, RMSprop and Adagrad, weight decay *is* the gradient of an L2
    penalty, added to the gradient before the step. Adding it to the weights only,
    outside the optimizer, keeps one parameter group: every group costs the optimizer a
    kernel launch and bookkeeping per step, a fair share of a small network's step.
    AdamW decays weights directly (decoupled), so it keeps a group of its own.
    """
    return 0.0 if config.optimizer == "AdamW" else config.weight_decay


def _groups(name: str, params: list[nn.Parameter], config: TrainingConfig) -> list[dict]:
    if name == "AdamW" and config.weight_decay:
        weights = [p for p in params if is_weight(p)]
        others = [p for p in params if not is_weight(p)]
        groups = [{"params": weights, "weight_decay": config.weight_decay}, {"params": others, "weight_decay": 0.0}]
        return [g for g in groups if g["params"]]
    return [{"params": params, "weight_decay": 0.0}]


def _options(name: str, config: TrainingConfig) -> dict:
    if name == "SGD":
        return {"momentum": config.momentum, "nesterov": config.nesterov}
    if name == "RMSprop":
        return {"momentum": config.momentum}
    return {}


def _fused_ok(name: str, params: list[nn.Parameter]) -> bool:
    return (
        name in _FUSABLE
        and bool(params)
        and all(p.dtype in (torch.float32, torch.float64) and p.device.type in ("cpu", "cuda") for p in params)
    )


def make_optimizer(name: str, params: list[nn.Parameter], config: TrainingConfig) -> torch.optim.Optimizer:
    """Build the named optimizer over `params` with the config's rate and momentum.

    Weight decay is left to the caller (see `gradient_weight_decay`), except AdamW's.
    """
    if name not in OPTIMIZER_EXPLANATIONS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_EXPLANATIONS)}")
    if not params:
        raise ValueError("the network has no trainable parameters: add a layer with weights, such as Linear")
    cls = getattr(torch.optim, name)
    groups = _groups(name, params, config)
    options = {"lr": config.lr, **_options(name, config)}
    if _fused_ok(name, params):
        try:
            return cls(groups, fused=True, **options)
        except (RuntimeError, ValueError, TypeError):
            pass  # an older build or an unsupported dtype: the plain kernels are correct too
    return cls(groups, **options)
