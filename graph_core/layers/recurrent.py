"""Recurrent layers: RNN, LSTM and GRU over [time, features] sequences (batch first)."""

from __future__ import annotations

from graph_core.layers._helpers import join_args, kwargs, need_rank
from graph_core.specs import LayerSpec, ParamSpec

_GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _params(name: str) -> tuple[ParamSpec, ...]:
    params = [
        ParamSpec("hidden_size", "int", 32, "size of the hidden state", min=1, max=65536, key=True),
        ParamSpec("num_layers", "int", 1, "recurrent layers stacked on each other", min=1, max=64),
        ParamSpec("bidirectional", "bool", False, "also read the sequence backwards"),
        ParamSpec("dropout", "float", 0.0, "dropout between stacked layers", min=0.0, max=0.99),
        ParamSpec("bias", "bool", True, "learnable biases"),
    ]
    if name == "RNN":
        params.insert(
            2, ParamSpec("nonlinearity", "choice", "tanh", "activation of the hidden state", choices=("tanh", "relu"))
        )
    params.append(
        ParamSpec(
            "output",
            "choice",
            "last",
            "'sequence': every step's output [T, H]; 'last': the final state [H]",
            choices=("last", "sequence"),
            key=True,
        )
    )
    return tuple(params)


def _infer(name: str):
    def infer(shapes, p):
        need_rank(
            shapes[0], (2,), "a sequence [time, features]; add a Reshape or Unflatten before it for flat data", name
        )
        width = p["hidden_size"] * (2 if p["bidirectional"] else 1)
        if p["output"] == "last":
            return (width,)
        return (shapes[0][0], width)

    return infer


def _check(shapes, p):
    if p["dropout"] > 0 and p["num_layers"] == 1:
        return "dropout only acts between stacked layers: it has no effect with num_layers 1"
    return None


def _count(name: str):
    def count(shapes, p):
        gates, hidden = _GATES[name], p["hidden_size"]
        directions = 2 if p["bidirectional"] else 1
        total = 0
        for layer in range(p["num_layers"]):
            width_in = shapes[0][-1] if layer == 0 else hidden * directions
            per_direction = gates * hidden * (width_in + hidden)
            if p["bias"]:
                per_direction += 2 * gates * hidden
            total += per_direction * directions
        return total

    return count


def _source(name: str):
    def source(shapes, p):
        names = ["num_layers"] + (["nonlinearity"] if name == "RNN" else []) + ["bias", "dropout", "bidirectional"]
        defaults = {"num_layers": 1, "nonlinearity": "tanh", "bias": True, "dropout": 0.0, "bidirectional": False}
        head = f"{shapes[0][-1]}, {p['hidden_size']}"
        return f"nn.{name}({join_args(head, kwargs(p, names, defaults), 'batch_first=True')})"

    return source


def _emit(name: str):
    def emit(out, ins, attr, p):
        if p["output"] == "sequence":
            return [f"{out}, _ = self.{attr}({ins[0]})"]
        if not p["bidirectional"]:
            return [f"{out} = self.{attr}({ins[0]})[0][:, -1]"]
        state = "(h, _)" if name == "LSTM" else "h"
        return [
            f"_, {state} = self.{attr}({ins[0]})",
            f"{out} = torch.cat([h[-2], h[-1]], dim=-1)  # last layer, both directions",
        ]

    return emit


def _spec(name: str, summary: str, explanation: str) -> LayerSpec:
    return LayerSpec(
        type=name,
        category="Recurrent",
        summary=summary,
        explanation=explanation + " Input [time, features]; input_size is taken from the input. NeuroLoom always "
        "uses batch_first=True, and its 'output' setting (not a torch argument) picks the "
        "whole output sequence or the final step.",
        params=_params(name),
        infer=_infer(name),
        emit=_emit(name),
        module_source=_source(name),
        count_params=_count(name),
        torch_class=f"nn.{name}",
        check=_check,
        extra_params=("output",),
    )


RNN = _spec(
    "RNN",
    "Reads a sequence step by step, carrying a hidden state.",
    "A simple recurrent network updates its hidden state from the previous state and the "
    "current input at every step. It can model order and short-range memory, but its "
    "gradients vanish or explode over long sequences.",
)
LSTM = _spec(
    "LSTM",
    "A recurrent layer with gates that keep long-term memory.",
    "The long short-term memory cell adds a cell state with input, forget and output "
    "gates, so information and gradients can flow across many steps. The classic choice "
    "for forecasting and sequence classification.",
)
GRU = _spec(
    "GRU",
    "A lighter gated recurrent layer.",
    "The gated recurrent unit merges the LSTM's gates into update and reset gates: fewer weights, often just as good.",
)

SPECS = [RNN, LSTM, GRU]
