"""The fast training path for small networks: a chain of Linear layers and elementwise
activations trained by Numba kernels, many steps per call, with the same losses, events
and controls as the eager `Trainer` (which selects it; see `Trainer(fast=...)`).
"""

from graph_core.training.fast.compiler import cache_dir, numba_available, status, warm_up
from graph_core.training.fast.network import ACTIVATIONS, ChainLayer, MLPChain, mlp_chain
from graph_core.training.fast.plan import FastPlan, plan_fast_training
from graph_core.training.fast.runner import FastRunner, OptimizerSettings

__all__ = [
    "ACTIVATIONS",
    "ChainLayer",
    "FastPlan",
    "FastRunner",
    "MLPChain",
    "OptimizerSettings",
    "cache_dir",
    "mlp_chain",
    "numba_available",
    "plan_fast_training",
    "status",
    "warm_up",
]
