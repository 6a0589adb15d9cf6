"""Activation functions: the non-linearities between layers."""

from __future__ import annotations

from graph_core.layers._helpers import call, kwargs, norm_dim, same_shape
from graph_core.specs import LayerSpec, ParamSpec


def _activation(
    name, summary, explanation, params=(), torch_defaults=None, torch_class=True, check_dim=False, functional=None
):
    """`functional` (a format string over the input `x` and the params) makes forward
    call the function directly: no submodule, as a person would write it by hand."""
    names = [p.name for p in params]

    def source(shapes, p):
        module = f"nn.{name}" if torch_class else name
        return f"{module}({kwargs(p, names, torch_defaults)})"

    def emit_functional(out, ins, attr, p):
        return [f"{out} = " + functional.format(x=ins[0], **p)]

    def infer(shapes, p):
        if check_dim:
            norm_dim(p["dim"], len(shapes[0]), name)
        return same_shape(shapes, p)

    return LayerSpec(
        type=name,
        category="Activations",
        summary=summary,
        explanation=explanation,
        params=tuple(params),
        infer=infer,
        emit=emit_functional if functional else call,
        module_source=None if functional else source,
        torch_class=f"nn.{name}" if torch_class else None,
    )


SPECS = [
    _activation(
        "ReLU",
        "max(0, x): passes positives, zeroes negatives.",
        "The rectified linear unit is the default activation of modern networks: cheap, "
        "and its gradient does not shrink for positive inputs. Units whose inputs stay "
        "negative stop learning ('dead ReLUs'); LeakyReLU avoids that.",
    ),
    _activation(
        "LeakyReLU",
        "Like ReLU, but negatives keep a small slope.",
        "LeakyReLU returns x for positive x and negative_slope·x otherwise, so no unit can "
        "die completely: a little gradient always flows.",
        (ParamSpec("negative_slope", "float", 0.01, "slope for negative inputs", min=0.0, max=1.0, key=True),),
        {"negative_slope": 0.01},
    ),
    _activation(
        "ELU",
        "Smooth ReLU that saturates to -alpha for large negatives.",
        "The exponential linear unit is x for positive x and alpha·(exp(x) - 1) otherwise: "
        "smooth at zero and with mean activations closer to zero than ReLU.",
        (ParamSpec("alpha", "float", 1.0, "value approached for large negative inputs", min=0.0, max=100.0),),
        {"alpha": 1.0},
    ),
    _activation(
        "GELU",
        "Smooth gate used in Transformers: x times the chance that x is large.",
        "The Gaussian error linear unit weights each input by the standard normal "
        "cumulative probability of that input. It is the activation of BERT and GPT.",
        (ParamSpec("approximate", "choice", "none", "exact or tanh approximation", choices=("none", "tanh")),),
        {"approximate": "none"},
    ),
    _activation(
        "SiLU",
        "x · sigmoid(x), also called swish.",
        "SiLU multiplies each input by its own sigmoid: smooth, non-monotonic near zero, "
        "and a strong default in deep convolutional networks.",
        functional="nn.functional.silu({x})",
    ),
    _activation(
        "Sigmoid",
        "Squashes any number into (0, 1).",
        "The logistic sigmoid 1/(1+exp(-x)) turns a score into a probability. As a hidden "
        "activation it saturates: for large |x| its gradient vanishes, which slows deep "
        "networks down.",
        functional="torch.sigmoid({x})",
    ),
    _activation(
        "Tanh",
        "Squashes any number into (-1, 1), centred on zero.",
        "The hyperbolic tangent is a zero-centred sigmoid. It is TensorFlow Playground's "
        "default activation; like the sigmoid it saturates for large inputs.",
        functional="torch.tanh({x})",
    ),
    _activation(
        "Softmax",
        "Turns scores into probabilities that sum to 1.",
        "Softmax exponentiates each score and divides by the sum along dim. Use it to read "
        "class probabilities; for training with CrossEntropyLoss leave it out, because that "
        "loss applies it itself.",
        (ParamSpec("dim", "dim", -1, "dimension whose values sum to 1"),),
        check_dim=True,
        functional="torch.softmax({x}, dim={dim})",
    ),
    _activation(
        "LogSoftmax",
        "The logarithm of softmax, numerically stable.",
        "LogSoftmax gives log-probabilities. Pair it with NLLLoss; together they equal CrossEntropyLoss on raw scores.",
        (ParamSpec("dim", "dim", -1, "dimension to normalize over"),),
        check_dim=True,
        functional="torch.log_softmax({x}, dim={dim})",
    ),
    _activation(
        "Softplus",
        "A smooth version of ReLU: log(1 + exp(x)).",
        "Softplus is always positive and smooth everywhere; useful where an output must be "
        "positive, such as a standard deviation.",
        (
            ParamSpec("beta", "float", 1.0, "sharpness of the curve", min=0.001, max=1000.0),
            ParamSpec("threshold", "float", 20.0, "above beta·x = threshold, return x", min=0.0),
        ),
        {"beta": 1.0, "threshold": 20.0},
    ),
    _activation(
        "Step",
        "The perceptron's threshold: 1 if x > 0, else 0.",
        "The Heaviside step function of Rosenblatt's perceptron. Its true gradient is zero "
        "everywhere, so NeuroLoom passes the gradient straight through (the "
        "straight-through estimator) to let it train at all. NeuroLoom's own node type.",
        torch_class=False,
    ),
]
