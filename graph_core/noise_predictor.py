"""What makes a graph a diffusion model's noise predictor: two Inputs, the noisy sample
and its time step [1] (told apart by the TimeEmbedding the time step feeds), and one
output shaped like the sample. Torch-free, so `neuroloom validate` and the training
dock can check a diffusion project without loading torch; the training mode lives in
`graph_core.training.diffusion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_core.graph import ModelGraph
from graph_core.layers._helpers import fmt_shape
from graph_core.shapes import Diagnostic, analyze

if TYPE_CHECKING:
    import torch

TIME_LAYER = "TimeEmbedding"


@dataclass(frozen=True)
class DiffusionInputs:
    """Which argument of the compiled network is the noisy sample and which the time
    step (`order`: "sample" and "time" in the order forward() takes them)."""

    order: tuple[str, str]
    sample_id: str
    time_id: str
    sample_shape: tuple[int, ...]
    time_dtype: str  # "float32" or "int64"

    def arguments(self, x: torch.Tensor, t: torch.Tensor) -> list[torch.Tensor]:
        return [x if role == "sample" else t for role in self.order]


def diffusion_diagnostics(graph: ModelGraph) -> list[Diagnostic]:
    """What keeps `graph` from being a noise predictor: it needs two Inputs (the noisy
    sample and the time step [1], told apart by the TimeEmbedding the time step feeds)
    and one output shaped like the sample. Empty when the graph has other errors."""
    analysis = analyze(graph)
    if not analysis.ok:
        return []
    inputs = graph.input_nodes()
    if len(inputs) != 2:
        return [
            Diagnostic(
                f"a diffusion model's noise predictor reads two Inputs, the noisy sample and its time step [1]; "
                f"this network has {len(inputs)}",
                inputs[0] if inputs else None,
                code="diffusion_inputs",
            )
        ]
    found = _time_input(graph, inputs)
    if isinstance(found, Diagnostic):
        return [found]
    time_id, problems = found
    sample_id = next(node_id for node_id in inputs if node_id != time_id)
    problems += _input_problems(graph, analysis, sample_id, time_id)
    return problems


def _time_input(graph: ModelGraph, inputs: list[str]) -> tuple[str, list[Diagnostic]] | Diagnostic:
    embedded = [n for n in inputs if any(graph.node(e.dst).type == TIME_LAYER for e in graph.out_edges(n))]
    if len(embedded) == 1:
        return embedded[0], []
    if len(embedded) == 2:
        return Diagnostic(
            "both Inputs feed a TimeEmbedding; only the time step should (the noisy sample goes to the network)",
            embedded[1],
            code="diffusion_inputs",
        )
    single = [n for n in inputs if list(graph.node(n).params["shape"]) == [1]]
    if len(single) != 1:
        return Diagnostic(
            "cannot tell which Input is the time step: connect the time-step Input (shape [1]) to a TimeEmbedding",
            inputs[0],
            code="diffusion_inputs",
        )
    advice = Diagnostic(
        "reaches the network as a bare number; a TimeEmbedding in between helps it tell the noise levels apart",
        single[0],
        severity="warning",
        code="diffusion_time",
    )
    return single[0], [advice]


def _input_problems(graph: ModelGraph, analysis, sample_id: str, time_id: str) -> list[Diagnostic]:
    problems = []
    if list(graph.node(time_id).params["shape"]) != [1]:
        shape = fmt_shape(tuple(graph.node(time_id).params["shape"]))
        problems.append(
            Diagnostic(f"the time step is one number per sample: give this Input shape [1], not {shape}", time_id)
        )
    if graph.node(sample_id).params["dtype"] != "float32":
        problems.append(
            Diagnostic("the noisy sample is made of float values: set this Input's dtype to float32", sample_id)
        )
    outputs = graph.output_nodes()
    if len(outputs) != 1:
        problems.append(
            Diagnostic(
                f"the noise predictor needs exactly one output, the predicted noise; this network has {len(outputs)}",
                outputs[0] if outputs else None,
                code="diffusion_output",
            )
        )
        return problems
    ancestors = _ancestors(graph, outputs[0])
    for node_id, what in ((sample_id, "noisy sample"), (time_id, "time step")):
        if node_id not in ancestors:
            problems.append(
                Diagnostic(f"the {what} never reaches the output; connect it to the network", node_id, code="unused")
            )
    sample_shape = tuple(graph.node(sample_id).params["shape"])
    made = analysis.nodes[outputs[0]].shape
    if made != sample_shape:
        hint = f"; set out_features to {sample_shape[0]}" if len(sample_shape) == 1 else ""
        problems.append(
            Diagnostic(
                f"predicts noise of shape {fmt_shape(made)}, but the noise it must find is shaped like the sample "
                f"{fmt_shape(sample_shape)}{hint}",
                outputs[0],
                code="diffusion_output",
            )
        )
    return problems


def _ancestors(graph: ModelGraph, node_id: str) -> set[str]:
    seen, stack = set(), [node_id]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(graph.predecessors(current))
    return seen


def diffusion_inputs(graph: ModelGraph) -> DiffusionInputs:
    """The sample and time-step Inputs of a valid noise predictor; CompileError if none."""
    from graph_core.plan import CompileError

    problems = [d for d in diffusion_diagnostics(graph) if d.severity == "error"]
    if problems:
        raise CompileError(problems)
    inputs = graph.input_nodes()  # forward()'s arguments, in this order (both are used)
    time_id = _time_input(graph, inputs)[0]
    sample_id = next(n for n in inputs if n != time_id)
    return DiffusionInputs(
        tuple("time" if n == time_id else "sample" for n in inputs),
        sample_id,
        time_id,
        tuple(graph.node(sample_id).params["shape"]),
        graph.node(time_id).params["dtype"],
    )
