"""Core layers: fully connected, reshaping, dropout and identity."""

from __future__ import annotations

import math

from graph_core.layers._helpers import arg, call, fmt_shape, norm_dim, same_shape
from graph_core.specs import LayerSpec, ParamSpec, ShapeError


def _linear_infer(shapes, params):
    shape = shapes[0]
    if not shape:
        raise ShapeError("Linear needs at least one feature dimension")
    return (*shape[:-1], params["out_features"])


def _linear_count(shapes, params):
    f = shapes[0][-1]
    return f * params["out_features"] + (params["out_features"] if params["bias"] else 0)


def _linear_src(shapes, params):
    return f"nn.Linear({shapes[0][-1]}, {params['out_features']}" + (", bias=False)" if not params["bias"] else ")")


LINEAR = LayerSpec(
    type="Linear",
    category="Core",
    summary="Fully connected layer: every output is a weighted sum of all inputs plus a bias.",
    explanation=(
        "A Linear layer holds a weight for every (input, output) pair and one bias per "
        "output. Each output neuron computes w·x + b over the last dimension of its input. "
        "Stack Linear layers with activation functions between them to build a multi-layer "
        "perceptron; without activations, several Linear layers collapse into one. "
        "in_features is taken from the input."
    ),
    params=(
        ParamSpec("out_features", "int", 8, "number of output neurons", min=1, max=1_000_000, key=True),
        ParamSpec("bias", "bool", True, "add a learnable bias to each output"),
    ),
    infer=_linear_infer,
    emit=call,
    module_source=_linear_src,
    count_params=_linear_count,
    torch_class="nn.Linear",
)


def _flatten_infer(shapes, params):
    shape = shapes[0]
    rank = len(shape)
    if rank == 0:
        return shape
    start = norm_dim(params["start_dim"], rank, "Flatten")
    end = norm_dim(params["end_dim"], rank, "Flatten")
    if start > end:
        raise ShapeError(f"Flatten: start_dim {params['start_dim']} comes after end_dim {params['end_dim']}")
    return (*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])


FLATTEN = LayerSpec(
    type="Flatten",
    category="Core",
    summary="Turns an image or feature map into one long vector.",
    explanation=(
        "Flatten lays all values of each sample out in a row, e.g. [16, 4, 4] becomes "
        "[256]. Use it between convolutional layers and Linear layers. The batch "
        "dimension is never flattened."
    ),
    params=(
        ParamSpec("start_dim", "dim", 1, "first dimension to flatten (1 = first after the batch)"),
        ParamSpec("end_dim", "dim", -1, "last dimension to flatten (-1 = the last)"),
    ),
    infer=_flatten_infer,
    emit=lambda out, ins, attr, p: [f"{out} = torch.flatten({ins[0]}, {p['start_dim']}, {p['end_dim']})"],
    torch_class="nn.Flatten",
    in_dtype="any",
)


def _unflatten_infer(shapes, params):
    shape = shapes[0]
    index = norm_dim(params["dim"], len(shape), "Unflatten")
    sizes = tuple(params["unflattened_size"])
    if math.prod(sizes) != shape[index]:
        raise ShapeError(
            f"Unflatten: {fmt_shape(sizes)} holds {math.prod(sizes)} values but dim {params['dim']} has {shape[index]}"
        )
    return (*shape[:index], *sizes, *shape[index + 1 :])


UNFLATTEN = LayerSpec(
    type="Unflatten",
    category="Core",
    summary="Splits one dimension into several, e.g. [64] into [1, 8, 8].",
    explanation=(
        "Unflatten is the reverse of Flatten: it reshapes one dimension into the sizes "
        "you give, whose product must equal that dimension. Use it to turn a vector back "
        "into an image, for example in a decoder."
    ),
    params=(
        ParamSpec("dim", "dim", 1, "the dimension to split"),
        ParamSpec("unflattened_size", "ints", [1, 8, 8], "the new sizes", min=1, key=True),
    ),
    infer=_unflatten_infer,
    emit=call,
    module_source=lambda s, p: f"nn.Unflatten({p['dim']}, {arg(p['unflattened_size'])})",
    torch_class="nn.Unflatten",
    in_dtype="any",
)


def _reshape_infer(shapes, params):
    shape = shapes[0]
    total = math.prod(shape)
    target = list(params["shape"])
    known = math.prod(d for d in target if d != -1)
    if -1 in target:
        if known == 0 or total % known:
            raise ShapeError(f"Reshape: cannot fit {total} values into {fmt_shape(tuple(target))}")
        target[target.index(-1)] = total // known
    elif known != total:
        raise ShapeError(f"Reshape: {fmt_shape(shape)} has {total} values but {fmt_shape(tuple(target))} needs {known}")
    return tuple(target)


RESHAPE = LayerSpec(
    type="Reshape",
    category="Core",
    summary="Gives each sample a new shape with the same number of values.",
    explanation=(
        "Reshape rearranges the values of each sample into a new shape (the batch stays "
        "first). One size may be -1 to be worked out from the others. NeuroLoom's own node "
        "type: it becomes x.reshape(batch, *shape) in the generated code."
    ),
    params=(ParamSpec("shape", "shape", [-1], "new shape without the batch; one entry may be -1", min=-1, key=True),),
    infer=_reshape_infer,
    emit=lambda out, ins, attr, p: [
        f"{out} = {ins[0]}.reshape({ins[0]}.shape[0], {', '.join(str(d) for d in p['shape'])})"
    ],
    in_dtype="any",
)

DROPOUT = LayerSpec(
    type="Dropout",
    category="Core",
    summary="Randomly zeroes inputs while training, to fight overfitting.",
    explanation=(
        "During training, Dropout sets each value to zero with probability p and scales "
        "the rest by 1/(1-p), so the network cannot rely on any single neuron. At "
        "evaluation time it does nothing. A classic regularizer for networks that "
        "overfit."
    ),
    params=(ParamSpec("p", "float", 0.5, "probability of zeroing a value", min=0.0, max=0.99, key=True),),
    infer=same_shape,
    emit=call,
    module_source=lambda s, p: f"nn.Dropout(p={p['p']!r})",
    torch_class="nn.Dropout",
)

IDENTITY = LayerSpec(
    type="Identity",
    category="Core",
    summary="Passes its input through unchanged.",
    explanation="Identity returns its input as it is. Handy as a placeholder or a named tap point.",
    infer=same_shape,
    emit=call,
    module_source=lambda s, p: "nn.Identity()",
    torch_class="nn.Identity",
    in_dtype="any",
)

SPECS = [LINEAR, FLATTEN, UNFLATTEN, RESHAPE, DROPOUT, IDENTITY]
