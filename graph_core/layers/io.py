"""The graph's entry points: `Input` nodes (one per tensor the network receives)."""

from graph_core.layers._helpers import fmt_shape
from graph_core.specs import LayerSpec, ParamSpec, ShapeError


def _infer_input(shapes, params):
    shape = tuple(params["shape"])
    if params["dtype"] == "int64" and len(shape) != 1:
        raise ShapeError(f"Input: token ids have shape [T] (one id per position), not {fmt_shape(shape)}")
    return shape


INPUT = LayerSpec(
    type="Input",
    category="Input / Output",
    summary="Where data enters the network.",
    explanation=(
        "An Input node stands for one sample of your data, without the batch dimension: "
        "[2] for a point in the plane, [64] for a flat 8x8 image, [1, 8, 8] for a "
        "one-channel image, [T, F] for a sequence of T steps with F features each. "
        "Choose dtype int64 for token ids that feed an Embedding. A network may have "
        "several inputs (for example a time step beside the data). NeuroLoom's own node "
        "type: it has no torch.nn class; it becomes an argument of forward()."
    ),
    params=(
        ParamSpec("shape", "shape", [2], "size of one sample, without the batch", key=True),
        ParamSpec(
            "dtype", "choice", "float32", "float32 for features, int64 for token ids", choices=("float32", "int64")
        ),
    ),
    inputs=(),
    infer=_infer_input,
    emit=lambda out, ins, attr, params: [],
    out_dtype="input",
)

SPECS = [INPUT]
