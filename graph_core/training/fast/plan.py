"""Whether a prepared training run can take the fast path: the network, loss, optimizer,
data and device are checked once, and the answer is a `FastPlan` or the reason (in
words) why the run stays on the eager path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from graph_core.training.config import TrainingConfig
from graph_core.training.fast import compiler
from graph_core.training.fast.network import MLPChain, mlp_chain
from graph_core.training.fast.runner import LOSS_CODES, FastRunner, OptimizerSettings
from graph_core.training.modes import ReconstructionMode, SupervisedMode, TrainingMode
from graph_core.training.optimizers import gradient_weight_decay

# "auto" leaves bigger networks to torch: there arithmetic, not per-step overhead, sets
# the pace, and torch spreads it over all its threads where the fast path uses one.
# "on" takes any network that fits.
AUTO_MAX_PARAMETERS = 1_000_000
NOT_LOADED = "the fast path's kernels are not loaded yet (graph_core.training.fast.warm_up())"


@dataclass(frozen=True)
class FastPlan:
    """Everything a `FastRunner` is built from, checked."""

    chain: MLPChain
    x: torch.Tensor
    target: torch.Tensor
    loss: str
    optimizer: torch.optim.Optimizer
    settings: OptimizerSettings
    batch_size: int

    @property
    def dtype(self) -> type:
        return np.float64 if self.chain.parameters[0].dtype == torch.float64 else np.float32

    def runner(self, block: bool = True) -> FastRunner | None:
        """A runner, or None when the kernels cannot run, or (with `block=False`) are
        not loaded in this process yet."""
        kernels = compiler.load(self.dtype, block=block)
        if kernels is None:
            return None
        return FastRunner(
            kernels, self.chain, self.x, self.target, self.loss, self.optimizer, self.settings, self.batch_size
        )


def plan_fast_training(
    mode: TrainingMode, config: TrainingConfig, device: torch.device, *, auto: bool = True
) -> FastPlan | str:
    """A `FastPlan` for a prepared `mode`, or why it cannot have one."""
    reason = compiler.unavailable_reason()
    if reason:
        return reason
    if device.type != "cpu":
        # On a GPU a small network's cost is kernel launches; see cuda_graphs.py.
        return f"the fast path runs on the CPU; {device.type} keeps the eager path"
    if type(mode) not in (SupervisedMode, ReconstructionMode):
        return f"the fast path trains supervised and reconstruction modes, not {mode.name}"
    model = mode.modules()["model"]
    # "auto" never waits for kernels, so it need not look further when none are loaded.
    if auto and compiler.load(_dtype_of(model), block=False) is None:
        return NOT_LOADED
    chain = mlp_chain(model)
    if isinstance(chain, str):
        return chain
    if auto and sum(p.numel() for p in chain.parameters) > AUTO_MAX_PARAMETERS:
        return f"networks over {AUTO_MAX_PARAMETERS:,} weights train faster on torch's threads"
    problem = _loss_problem(mode) or _data_problem(mode, chain)
    if problem:
        return problem
    settings = _optimizer_settings(mode.optimizers(), chain, config)
    if isinstance(settings, str):
        return settings
    train = mode.splits["train"]
    return FastPlan(chain, train.x, train.target, mode.loss.name, mode.optimizers()[0], settings, config.batch_size)


def _dtype_of(model: torch.nn.Module) -> type:
    dtype = next((p.dtype for p in model.parameters()), torch.float32)
    return np.float64 if dtype == torch.float64 else np.float32


def _loss_problem(mode: SupervisedMode) -> str | None:
    loss = mode.loss
    if loss.name not in LOSS_CODES:
        return f"the fast path has no {loss.name}"
    criterion = loss.criterion
    if getattr(criterion, "reduction", "mean") != "mean":
        return "the fast path averages the loss over the batch"
    if getattr(criterion, "weight", None) is not None or getattr(criterion, "pos_weight", None) is not None:
        return "the fast path has no class weights"
    if getattr(criterion, "label_smoothing", 0.0) or getattr(criterion, "beta", 1.0) != 1.0:
        return f"the fast path computes the plain {loss.name}"
    if loss.name == "CrossEntropyLoss" and loss.target_kind != "index":
        return "CrossEntropyLoss on the fast path takes class indices"
    return None


def _data_problem(mode: SupervisedMode, chain: MLPChain) -> str | None:
    train = mode.splits["train"]
    n = len(train)
    first, last = chain.layers[0].linear, chain.layers[-1].linear
    if n == 0:
        return "there is no training data"
    if not train.x.is_floating_point() or train.x.dtype != first.weight.dtype:
        return "the fast path takes float inputs of the network's dtype"
    if train.x.ndim != 2 and not chain.flatten:
        return "the inputs are not flat vectors"
    if math.prod(train.x.shape[1:]) != first.in_features:
        return "the inputs do not fit the first layer"
    expected = n if mode.loss.name == "CrossEntropyLoss" else n * last.out_features
    if train.target.numel() != expected:
        return "the targets do not fit the last layer"
    return None


def _optimizer_settings(
    optimizers: list[torch.optim.Optimizer], chain: MLPChain, config: TrainingConfig
) -> OptimizerSettings | str:
    if len(optimizers) != 1 or len(optimizers[0].param_groups) != 1:
        return "the fast path takes one optimizer with one parameter group"
    optimizer = optimizers[0]
    group = optimizer.param_groups[0]
    if {id(p) for p in group["params"]} != {id(p) for p in chain.parameters}:
        return "the optimizer does not train exactly the network's weights"
    if group.get("weight_decay") or group.get("maximize") or group.get("differentiable"):
        return "the optimizer's own weight decay or maximize is not on the fast path"
    penalties = {"l1": config.l1, "l2": gradient_weight_decay(config), "grad_clip": config.grad_clip}
    if type(optimizer) is torch.optim.SGD:
        if group["dampening"]:
            return "the fast path has no SGD dampening"
        kind = "SGD_NESTEROV" if group["nesterov"] else ("SGD_MOMENTUM" if group["momentum"] else "SGD")
        return OptimizerSettings(kind, momentum=float(group["momentum"]), **penalties)
    if type(optimizer) is torch.optim.Adam:
        if group["amsgrad"] or group.get("capturable") or group.get("decoupled_weight_decay"):
            return "the fast path has plain Adam only (no AMSGrad)"
        betas = (float(group["betas"][0]), float(group["betas"][1]))
        return OptimizerSettings("Adam", betas=betas, eps=float(group["eps"]), **penalties)
    return f"the fast path has SGD and Adam, not {type(optimizer).__name__}"
