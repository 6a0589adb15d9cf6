"""Recognise the networks the fast path can train: a chain of Linear layers, each
followed by at most one elementwise activation, read from a compiled graph (by tracing
its generated forward) or from an `nn.Sequential`. Anything else is a reason, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from graph_core.nn_extra import Step
from graph_core.training.transfer import node_id_of

# Activation name -> the modules and functions that compute it.
_ACTIVATION_MODULES: dict[type[nn.Module], str] = {
    nn.Identity: "Identity",
    nn.Tanh: "Tanh",
    nn.ReLU: "ReLU",
    nn.Sigmoid: "Sigmoid",
    nn.LeakyReLU: "LeakyReLU",
    nn.ELU: "ELU",
    Step: "Step",
}
_ACTIVATION_FUNCTIONS = {
    torch.tanh: "Tanh",
    torch.sigmoid: "Sigmoid",
    torch.relu: "ReLU",
    F.relu: "ReLU",
    F.tanh: "Tanh",
    F.sigmoid: "Sigmoid",
}
ACTIVATIONS = ("Identity", "Tanh", "ReLU", "Sigmoid", "LeakyReLU", "Step", "ELU")


@dataclass(frozen=True)
class ChainLayer:
    """One Linear layer and the activation applied to its output."""

    node_id: str
    linear: nn.Linear
    activation: str = "Identity"
    activation_param: float = 0.0  # LeakyReLU's negative slope, ELU's alpha


@dataclass(frozen=True)
class MLPChain:
    """Input (flattened when `flatten` is set) -> layers[0] -> ... -> output."""

    layers: tuple[ChainLayer, ...]
    flatten: bool = False

    @property
    def parameters(self) -> list[nn.Parameter]:
        return [p for layer in self.layers for p in layer.linear.parameters()]


class Unsupported(Exception):
    """Why a network is not a plain chain; the message is for a status line."""


def mlp_chain(model: nn.Module) -> MLPChain | str:
    """The model as a Linear/activation chain, or the reason it is not one."""
    try:
        ops = _sequential_ops(model) if type(model) is nn.Sequential else _traced_ops(model)
        chain = _fold(ops, model)
        _check_parameters(model, chain)
        _check_no_hooks(model)
        return chain
    except Unsupported as reason:
        return str(reason)


def _traced_ops(model: nn.Module) -> list[tuple[str, object, str]]:
    """Ops of a compiled graph's generated forward. Only compiled graphs are traced: a
    hand-written forward may branch or count calls, which a trace would not keep."""
    from graph_core.compiler import CompiledModel

    if not isinstance(model, CompiledModel):
        raise Unsupported(f"{type(model).__name__} is not a compiled graph or nn.Sequential")
    if len(model.input_ids) != 1 or len(model.output_ids) != 1:
        raise Unsupported("the network has several inputs or outputs")
    try:
        graph = torch.fx.symbolic_trace(model).graph
    except Exception as error:  # a layer fx cannot trace is simply not a chain
        raise Unsupported(f"forward could not be traced: {error}") from None
    ops = []
    previous = None
    for node in graph.nodes:
        if node.op == "placeholder":
            previous = node
            continue
        if node.op == "output":
            if node.args[0] is not previous:
                raise Unsupported("the output is not the last layer")
            break
        if len(node.users) != 1 or list(node.all_input_nodes) != [previous]:
            raise Unsupported("the network branches or merges")
        ops.append(_traced_op(model, node))
        previous = node
    return ops


def _traced_op(model: nn.Module, node: torch.fx.Node) -> tuple[str, object, str]:
    if node.op == "call_module":
        return _module_op(model.get_submodule(node.target), node_id_of(str(node.target), model))
    if node.op == "call_function" and node.target in _ACTIVATION_FUNCTIONS and not node.kwargs.get("inplace"):
        return ("activation", (_ACTIVATION_FUNCTIONS[node.target], 0.0), str(node.name))
    if node.op == "call_function" and node.target is torch.flatten and _flattens_samples(node):
        return ("flatten", None, str(node.name))
    raise Unsupported(f"{node.name} ({node.target}) is not a Linear layer or a supported activation")


def _flattens_samples(node: torch.fx.Node) -> bool:
    """torch.flatten(x, 1, -1): each sample becomes one row, as nn.Flatten() does."""
    args = list(node.args[1:]) + [node.kwargs.get(k) for k in ("start_dim", "end_dim") if k in node.kwargs]
    start, end = (args + [0, -1])[:2] if args else (0, -1)
    return start == 1 and end == -1


def _sequential_ops(model: nn.Sequential) -> list[tuple[str, object, str]]:
    return [_module_op(module, name) for name, module in model.named_children()]


def _module_op(module: nn.Module, name: str) -> tuple[str, object, str]:
    if type(module) is nn.Linear:
        return ("linear", module, name)
    kind = _ACTIVATION_MODULES.get(type(module))
    if kind == "LeakyReLU":
        return ("activation", (kind, float(module.negative_slope)), name)
    if kind == "ELU":
        return ("activation", (kind, float(module.alpha)), name)
    if kind is not None:
        return ("activation", (kind, 0.0), name)
    if type(module) is nn.Flatten and module.start_dim == 1 and module.end_dim == -1:
        return ("flatten", None, name)
    raise Unsupported(f"{name} ({type(module).__name__}) is not a Linear layer or an elementwise activation")


def _fold(ops: list[tuple[str, object, str]], model: nn.Module) -> MLPChain:
    flatten = bool(ops) and ops[0][0] == "flatten"
    if flatten:
        ops = ops[1:]
    layers: list[ChainLayer] = []
    for kind, payload, name in ops:
        if kind == "linear":
            layers.append(ChainLayer(name, payload))
            continue
        if kind == "flatten":
            raise Unsupported(f"{name}: Flatten is supported only before the first layer")
        if not layers:
            raise Unsupported(f"{name}: an activation before the first Linear layer")
        previous = layers[-1]
        if previous.activation != "Identity":
            raise Unsupported(f"{name}: two activations in a row")
        activation, param = payload
        layers[-1] = ChainLayer(previous.node_id, previous.linear, activation, param)
    if not layers:
        raise Unsupported("the network has no Linear layer")
    return MLPChain(tuple(layers), flatten)


def _check_parameters(model: nn.Module, chain: MLPChain) -> None:
    owned = {id(p) for p in chain.parameters}
    params = list(model.parameters())
    if len({id(p) for p in params}) != len(params) or len(owned) != len(chain.parameters):
        raise Unsupported("the network shares weights between layers")
    if any(id(p) not in owned for p in params):
        raise Unsupported("the network has parameters outside its Linear layers")
    if any(len(list(m.buffers())) for m in model.modules()):
        raise Unsupported("the network has buffers (running statistics)")
    for p in params:
        if not p.requires_grad:
            raise Unsupported("some weights are frozen")
        if p.dtype not in (torch.float32, torch.float64) or p.device.type != "cpu" or not p.is_contiguous():
            raise Unsupported("the fast path trains contiguous float32/float64 weights on the CPU")
    if len({p.dtype for p in params}) != 1:
        raise Unsupported("the layers mix dtypes")


def _check_no_hooks(model: nn.Module) -> None:
    """Hooks, or a forward replaced on an instance, would see nothing of a step that
    never calls the modules."""
    from torch.nn.modules import module as module_globals

    global_hooks = ("_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks")
    if any(getattr(module_globals, name, None) for name in global_hooks):
        raise Unsupported("global module hooks are registered")
    for module in model.modules():
        if "forward" in vars(module):
            raise Unsupported("the network's forward was replaced")
        hooks = (module._forward_hooks, module._forward_pre_hooks, module._backward_hooks)
        if any(hooks) or getattr(module, "_backward_pre_hooks", None):
            raise Unsupported("the network has hooks")
