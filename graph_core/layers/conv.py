"""Convolution, pooling and upsampling for signals [C, L] and images [C, H, W]."""

from __future__ import annotations

from graph_core.layers._helpers import arg, call, conv_len, join_args, kwargs, need_rank, pair, single
from graph_core.specs import LayerSpec, ParamSpec, ShapeError

_IMAGE = "an image-like [channels, height, width] input; add an Unflatten or Reshape before it for flat data"
_SIGNAL = "a [channels, length] input"


def _conv_params(dims: int, transpose: bool = False) -> tuple[ParamSpec, ...]:
    words = () if transpose else ("same", "valid")
    params = [
        ParamSpec("out_channels", "int", 8, "number of filters (output channels)", min=1, max=65536, key=True),
        ParamSpec("kernel_size", "size", 3, "size of each filter", min=1, max=1024, dims=dims, key=True),
        ParamSpec("stride", "size", 1, "step between filter positions", min=1, max=1024, dims=dims),
        ParamSpec(
            "padding",
            "size",
            0,
            "zeros added at each border ('same' keeps the size)",
            min=0,
            max=1024,
            dims=dims,
            words=words,
        ),
    ]
    if transpose:
        params.append(
            ParamSpec(
                "output_padding", "size", 0, "extra size added to one side of the output", min=0, max=1024, dims=dims
            )
        )
    params.append(ParamSpec("dilation", "size", 1, "spacing between filter taps", min=1, max=1024, dims=dims))
    if not transpose:
        params.append(ParamSpec("groups", "int", 1, "split channels into independent groups", min=1, max=65536))
    params.append(ParamSpec("bias", "bool", True, "add a learnable bias per output channel"))
    return tuple(params)


def _sizes(value, dims: int) -> tuple[int, ...]:
    return pair(value) if dims == 2 else (single(value),)


def _conv_infer(dims: int, name: str):
    def infer(shapes, p):
        shape = shapes[0]
        need_rank(shape, (dims + 1,), _IMAGE if dims == 2 else _SIGNAL, name)
        channels, spatial = shape[0], shape[1:]
        if channels % p["groups"] or p["out_channels"] % p["groups"]:
            raise ShapeError(
                f"{name}: groups ({p['groups']}) must divide the {channels} input and {p['out_channels']} output channels"
            )
        kernel, stride, dilation = (_sizes(p[k], dims) for k in ("kernel_size", "stride", "dilation"))
        if p["padding"] == "same":
            if any(s != 1 for s in stride):
                raise ShapeError(f"{name}: padding 'same' needs stride 1")
            return (p["out_channels"], *spatial)
        padding = (0,) * dims if p["padding"] == "valid" else _sizes(p["padding"], dims)
        out = tuple(conv_len(n, k, s, pd, d) for n, k, s, pd, d in zip(spatial, kernel, stride, padding, dilation))
        if any(o < 1 for o in out):
            raise ShapeError(
                f"{name}: a {_fmt_k(kernel)} kernel does not fit a {_fmt_k(spatial)} input (output would be {_fmt_k(out)})"
            )
        return (p["out_channels"], *out)

    return infer


def _fmt_k(sizes) -> str:
    return "x".join(str(s) for s in sizes)


def _conv_count(dims: int, transpose: bool = False):
    def count(shapes, p):
        kernel = 1
        for k in _sizes(p["kernel_size"], dims):
            kernel *= k
        groups = p.get("groups", 1)
        weights = shapes[0][0] * p["out_channels"] // groups * kernel
        return weights + (p["out_channels"] if p["bias"] else 0)

    return count


_CONV_DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True, "output_padding": 0}


def _conv_source(name: str, names: list[str]):
    def source(shapes, p):
        head = f"{shapes[0][0]}, {p['out_channels']}, kernel_size={arg(p['kernel_size'])}"
        return f"nn.{name}({join_args(head, kwargs(p, names, _CONV_DEFAULTS))})"

    return source


CONV1D = LayerSpec(
    type="Conv1d",
    category="Convolution & Pooling",
    summary="Slides learned filters along a sequence or signal.",
    explanation=(
        "A 1-D convolution slides each of out_channels filters along the length of a "
        "[channels, length] input and records how strongly each position matches. It "
        "finds local patterns in time series and audio with few weights. in_channels is "
        "taken from the input."
    ),
    params=_conv_params(1),
    infer=_conv_infer(1, "Conv1d"),
    emit=call,
    module_source=_conv_source("Conv1d", ["stride", "padding", "dilation", "groups", "bias"]),
    count_params=_conv_count(1),
    torch_class="nn.Conv1d",
)

CONV2D = LayerSpec(
    type="Conv2d",
    category="Convolution & Pooling",
    summary="Slides learned filters over an image to detect local patterns.",
    explanation=(
        "A 2-D convolution slides each of out_channels small filters (kernel_size) over "
        "a [channels, height, width] image and produces one feature map per filter. Early "
        "filters learn edges and blobs; deeper ones, parts of objects. Weights are shared "
        "across positions, so a CNN needs far fewer weights than a Linear layer on the same "
        "pixels. in_channels is taken from the input."
    ),
    params=_conv_params(2),
    infer=_conv_infer(2, "Conv2d"),
    emit=call,
    module_source=_conv_source("Conv2d", ["stride", "padding", "dilation", "groups", "bias"]),
    count_params=_conv_count(2),
    torch_class="nn.Conv2d",
)


def _convt_infer(shapes, p):
    shape = shapes[0]
    need_rank(shape, (3,), _IMAGE, "ConvTranspose2d")
    kernel, stride, padding, out_pad, dilation = (
        pair(p[k]) for k in ("kernel_size", "stride", "padding", "output_padding", "dilation")
    )
    if any(op >= max(s, d) for op, s, d in zip(out_pad, stride, dilation)):
        raise ShapeError("ConvTranspose2d: output_padding must be smaller than stride or dilation")
    out = tuple(
        (n - 1) * s - 2 * pd + d * (k - 1) + op + 1
        for n, k, s, pd, op, d in zip(shape[1:], kernel, stride, padding, out_pad, dilation)
    )
    if any(o < 1 for o in out):
        raise ShapeError(f"ConvTranspose2d: the output would be {_fmt_k(out)}; reduce padding")
    return (p["out_channels"], *out)


CONVTRANSPOSE2D = LayerSpec(
    type="ConvTranspose2d",
    category="Convolution & Pooling",
    summary="Learned upsampling: the reverse direction of a convolution.",
    explanation=(
        "A transposed convolution spreads each input value over a kernel-sized patch of "
        "the output, so with stride 2 it doubles the height and width. Decoders and GAN "
        "generators use it to grow images from small codes."
    ),
    params=_conv_params(2, transpose=True),
    infer=_convt_infer,
    emit=call,
    module_source=_conv_source("ConvTranspose2d", ["stride", "padding", "output_padding", "dilation", "bias"]),
    count_params=_conv_count(2, transpose=True),
    torch_class="nn.ConvTranspose2d",
)


def _pool_params(dims: int) -> tuple[ParamSpec, ...]:
    return (
        ParamSpec("kernel_size", "size", 2, "size of each pooling window", min=1, max=1024, dims=dims, key=True),
        ParamSpec(
            "stride",
            "size",
            None,
            "step between windows (empty = kernel_size)",
            min=1,
            max=1024,
            dims=dims,
            nullable=True,
        ),
        ParamSpec("padding", "size", 0, "padding at each border (at most half the kernel)", min=0, max=512, dims=dims),
    )


def _pool_infer(dims: int, name: str):
    def infer(shapes, p):
        shape = shapes[0]
        need_rank(shape, (dims + 1,), _IMAGE if dims == 2 else _SIGNAL, name)
        kernel = _sizes(p["kernel_size"], dims)
        stride = kernel if p["stride"] is None else _sizes(p["stride"], dims)
        padding = _sizes(p["padding"], dims)
        if any(2 * pd > k for pd, k in zip(padding, kernel)):
            raise ShapeError(f"{name}: padding must be at most half of kernel_size")
        out = tuple(conv_len(n, k, s, pd) for n, k, s, pd in zip(shape[1:], kernel, stride, padding))
        if any(o < 1 for o in out):
            raise ShapeError(f"{name}: a {_fmt_k(kernel)} window does not fit a {_fmt_k(shape[1:])} input")
        return (shape[0], *out)

    return infer


def _pool_source(name: str):
    def source(shapes, p):
        return f"nn.{name}({join_args(arg(p['kernel_size']), kwargs(p, ['stride', 'padding'], {'stride': None, 'padding': 0}))})"

    return source


def _pool(name: str, dims: int, summary: str, explanation: str) -> LayerSpec:
    return LayerSpec(
        type=name,
        category="Convolution & Pooling",
        summary=summary,
        explanation=explanation,
        params=_pool_params(dims),
        infer=_pool_infer(dims, name),
        emit=call,
        module_source=_pool_source(name),
        torch_class=f"nn.{name}",
    )


MAXPOOL1D = _pool(
    "MaxPool1d",
    1,
    "Keeps the largest value in each window of a signal.",
    "Max pooling shrinks a [channels, length] signal by keeping the maximum of each "
    "window, making detections robust to small shifts.",
)
MAXPOOL2D = _pool(
    "MaxPool2d",
    2,
    "Keeps the largest value in each window of an image.",
    "Max pooling halves (with kernel 2) the height and width of each feature map by "
    "keeping the strongest response in each window. It adds tolerance to small shifts and "
    "cuts computation for the layers after it.",
)
AVGPOOL2D = _pool(
    "AvgPool2d",
    2,
    "Averages each window of an image.",
    "Average pooling shrinks each feature map by averaging each window: a smoother alternative to max pooling.",
)


def _adaptive_infer(shapes, p):
    need_rank(shapes[0], (3,), _IMAGE, "AdaptiveAvgPool2d")
    return (shapes[0][0], *pair(p["output_size"]))


ADAPTIVEAVGPOOL2D = LayerSpec(
    type="AdaptiveAvgPool2d",
    category="Convolution & Pooling",
    summary="Averages each feature map down to a fixed size.",
    explanation=(
        "Adaptive average pooling chooses its windows so the output has exactly "
        "output_size, whatever the input size. With output_size 1 it is global average "
        "pooling: one number per channel, a common head for CNN classifiers."
    ),
    params=(ParamSpec("output_size", "size", 1, "height and width of the output", min=1, max=4096, key=True),),
    infer=_adaptive_infer,
    emit=call,
    module_source=lambda s, p: f"nn.AdaptiveAvgPool2d({arg(p['output_size'])})",
    torch_class="nn.AdaptiveAvgPool2d",
)


def _upsample_infer(shapes, p):
    shape = shapes[0]
    need_rank(shape, (2, 3), "a [channels, length] or [channels, height, width] input", "Upsample")
    if p["mode"] == "bilinear" and len(shape) != 3:
        raise ShapeError("Upsample: mode 'bilinear' needs an image-like [channels, height, width] input")
    if p["mode"] == "linear" and len(shape) != 2:
        raise ShapeError("Upsample: mode 'linear' needs a [channels, length] input")
    out = tuple(int(n * p["scale_factor"]) for n in shape[1:])
    if any(o < 1 for o in out):
        raise ShapeError(f"Upsample: scale_factor {p['scale_factor']} shrinks {_fmt_k(shape[1:])} to nothing")
    return (shape[0], *out)


UPSAMPLE = LayerSpec(
    type="Upsample",
    category="Convolution & Pooling",
    summary="Enlarges feature maps by a scale factor, without weights.",
    explanation=(
        "Upsample makes each feature map scale_factor times larger by repeating (nearest) "
        "or interpolating (linear, bilinear) values. Followed by a convolution it is a "
        "smooth alternative to a transposed convolution."
    ),
    params=(
        ParamSpec("scale_factor", "float", 2.0, "how many times larger", min=0.1, max=64.0, key=True),
        ParamSpec(
            "mode", "choice", "nearest", "how new values are filled in", choices=("nearest", "linear", "bilinear")
        ),
    ),
    infer=_upsample_infer,
    emit=call,
    module_source=lambda s, p: f"nn.Upsample(scale_factor={p['scale_factor']!r}, mode={p['mode']!r})",
    torch_class="nn.Upsample",
)

SPECS = [CONV1D, CONV2D, CONVTRANSPOSE2D, MAXPOOL1D, MAXPOOL2D, AVGPOOL2D, ADAPTIVEAVGPOOL2D, UPSAMPLE]
