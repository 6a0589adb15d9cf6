"""The few torch modules NeuroLoom adds to `torch.nn`: a step (Heaviside) unit,
positional encodings, the diffusion time-step embedding and Fourier features.
Generated standalone code copies their source, so keep them self-contained (only
`math`, `torch` and `nn`).
"""

import math

import torch
from torch import nn


class StepFunction(torch.autograd.Function):
    """Heaviside forward, straight-through (identity) gradient backward."""

    @staticmethod
    def forward(ctx, x):
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Step(nn.Module):
    """The perceptron's threshold unit: 1 where the input is positive, else 0."""

    def forward(self, x):
        return StepFunction.apply(x)


class PositionalEncoding(nn.Module):
    """Adds position information to a (batch, time, features) sequence.

    Sinusoidal (fixed, as in "Attention Is All You Need") or learned per position.
    """

    def __init__(self, d_model: int, max_len: int = 512, learned: bool = False, dropout: float = 0.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        if learned:
            self.weight = nn.Parameter(torch.randn(max_len, d_model) * 0.02)
            return
        position = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(position * div)
        table[:, 1::2] = torch.cos(position * div[: d_model // 2])
        self.register_buffer("weight", table, persistent=False)

    def forward(self, x):
        return self.dropout(x + self.weight[: x.shape[1]])


class TimeEmbedding(nn.Module):
    """A diffusion time step (one number per sample, shape (batch, 1)) as the sines and
    cosines of dim // 2 frequencies, from 1 down to 1 / max_period: the Transformer's
    positional encoding applied to t, so nearby steps get similar vectors."""

    def __init__(self, dim: int, max_period: float = 10000.0):
        super().__init__()
        self.dim, self.max_period = dim, max_period
        half = dim // 2
        frequencies = torch.exp(-math.log(max_period) * torch.arange(half) / half)
        self.register_buffer("frequencies", frequencies, persistent=False)

    def forward(self, t):
        angles = t.to(self.frequencies.dtype) * self.frequencies
        return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


class FourierFeatures(nn.Module):
    """Each input value v as sin and cos of scale * v times dim // 2 frequencies, from 1
    down to 1 / max_period: (batch, ..., F) becomes (batch, ..., F * dim). Waves of many
    widths let a small network draw sharp shapes in a low-dimensional space."""

    def __init__(self, dim: int, scale: float = 25.0, max_period: float = 10000.0):
        super().__init__()
        self.dim, self.scale, self.max_period = dim, scale, max_period
        half = dim // 2
        frequencies = scale * torch.exp(-math.log(max_period) * torch.arange(half) / half)
        self.register_buffer("frequencies", frequencies, persistent=False)

    def forward(self, x):
        angles = x.to(self.frequencies.dtype).unsqueeze(-1) * self.frequencies
        return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1).flatten(-2)


def causal_mask(length: int, device: torch.device) -> torch.Tensor:
    """An additive mask that hides later positions from earlier ones."""
    return torch.triu(torch.full((length, length), float("-inf"), device=device), diagonal=1)


EXTRA_MODULES = {
    "Step": Step,
    "PositionalEncoding": PositionalEncoding,
    "TimeEmbedding": TimeEmbedding,
    "FourierFeatures": FourierFeatures,
}
