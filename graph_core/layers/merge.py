"""Nodes that join several tensors: residual additions, concatenation, products."""

from __future__ import annotations

from graph_core.layers._helpers import fmt_shape, norm_dim
from graph_core.specs import MANY_IN, LayerSpec, ParamSpec, ShapeError


def _equal_infer(name: str):
    def infer(shapes, p):
        first = tuple(shapes[0])
        for other in shapes[1:]:
            if tuple(other) != first:
                listed = " and ".join(fmt_shape(tuple(s)) for s in shapes)
                raise ShapeError(f"{name}: inputs {listed} differ; all inputs must have the same shape")
        return first

    return infer


def _concat_infer(shapes, p):
    first = tuple(shapes[0])
    axis = norm_dim(p["dim"], len(first), "Concat")
    for other in shapes[1:]:
        other = tuple(other)
        if len(other) != len(first) or any(a != b for i, (a, b) in enumerate(zip(first, other)) if i != axis):
            listed = " and ".join(fmt_shape(tuple(s)) for s in shapes)
            raise ShapeError(f"Concat: inputs {listed} must match in every dimension except dim {p['dim']}")
    total = sum(tuple(s)[axis] for s in shapes)
    return (*first[:axis], total, *first[axis + 1 :])


ADD = LayerSpec(
    type="Add",
    category="Merge",
    summary="Adds its inputs element by element: the residual connection.",
    explanation=(
        "Add sums two or more tensors of the same shape. Adding a block's input to its "
        "output (a skip or residual connection) lets gradients bypass the block, which is "
        "what makes very deep networks (ResNets, Transformers) trainable. NeuroLoom's own "
        "node type: it becomes a + b in the generated code."
    ),
    inputs=MANY_IN,
    infer=_equal_infer("Add"),
    emit=lambda out, ins, attr, p: [f"{out} = " + " + ".join(ins)],
    min_inputs=2,
)

MULTIPLY = LayerSpec(
    type="Multiply",
    category="Merge",
    summary="Multiplies its inputs element by element (gating).",
    explanation=(
        "Multiply takes the element-wise product of two or more tensors of the same shape. "
        "With a sigmoid on one branch it becomes a learned gate, as inside an LSTM. "
        "NeuroLoom's own node type."
    ),
    inputs=MANY_IN,
    infer=_equal_infer("Multiply"),
    emit=lambda out, ins, attr, p: [f"{out} = " + " * ".join(ins)],
    min_inputs=2,
)

CONCAT = LayerSpec(
    type="Concat",
    category="Merge",
    summary="Joins its inputs side by side along one dimension.",
    explanation=(
        "Concat places two or more tensors next to each other along dim (-1: the features; "
        "1: the channels of images). All other dimensions must agree. Inputs are joined in "
        "the order they were connected. NeuroLoom's own node type: it becomes torch.cat."
    ),
    params=(ParamSpec("dim", "dim", -1, "dimension to join along (-1 = last)", key=True),),
    inputs=MANY_IN,
    infer=_concat_infer,
    emit=lambda out, ins, attr, p: [f"{out} = torch.cat([{', '.join(ins)}], dim={p['dim']})"],
    min_inputs=2,
)

SPECS = [ADD, CONCAT, MULTIPLY]
