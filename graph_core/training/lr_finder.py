"""The learning-rate finder: train a copy of the network for a short while, raising the
learning rate exponentially at every step, and read a good rate off where the loss
falls fastest (Leslie Smith's range test, as fastai popularised it).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from graph_core.data.bundle import DataBundle
from graph_core.training.config import TrainingConfig
from graph_core.training.metrics import model_device
from graph_core.training.modes import TrainingMode, make_mode

# Batch losses are noisy. While sweeping, a running average (this weight, a lag of about
# 10 steps) watches for the explosion; the curve returned is a centred moving average
# (WINDOW steps), which does not lag: with 100 steps over six decades, fastai's running
# average (0.98) lags the raw losses by up to three decades of rate.
SMOOTHING = 0.9
WINDOW = 9
DIVERGE_FACTOR = 4.0  # stop once the running average is this many times its best
SKIP_START = 0.1  # share of the first steps ignored when reading the curve (still settling)
CLEAR_DROP = 0.1  # a fall of the loss by this share is a descent; less may be noise


@dataclass(frozen=True, eq=False)
class LRFinderResult:
    """The sweep: the rate of each step, the smoothed loss and the raw batch loss.

    `suggestion` is the rate to use (see `find_lr`), or None when the sweep was too
    short to say; `steepest` and `min_over_10` are the two readings it is chosen from.
    """

    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggestion: float | None
    steepest: float | None
    min_over_10: float | None
    stopped_early: bool


def sweep_rates(start: float, end: float, steps: int) -> np.ndarray:
    """`steps` rates from `start` to `end`, evenly spaced on a log scale."""
    if not 0 < start < end:
        raise ValueError(f"the sweep needs 0 < start < end, got {start:g} and {end:g}")
    if steps < 2:
        raise ValueError(f"the sweep needs at least 2 steps, got {steps}")
    return np.geomspace(start, end, steps)


def find_lr(
    model: nn.Module,
    data: DataBundle,
    config: TrainingConfig,
    *,
    start: float = 1e-5,
    end: float = 10.0,
    steps: int = 100,
    mode: TrainingMode | None = None,
    on_step: Callable[[int, float, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> LRFinderResult:
    """Sweep the learning rate from `start` to `end` over `steps` batches on a copy of
    `model` (whose weights, like the global random state, are left as they were).

    The sweep stops early when the loss explodes (a NaN, or `DIVERGE_FACTOR` times its
    best). The suggestion is the steepest descent of the smoothed loss, kept between a
    hundredth and a tenth of the rate where the loss bottomed out: the steepest point
    is where the network learns fastest, and the bound keeps a noisy slope from
    suggesting a rate that is already unstable. Without a clear descent it is a tenth
    of the rate at the lowest loss. The range reaches 10 because small networks on
    2-D data learn little in 100 steps below a rate of 0.1. `on_step(i, lr, smoothed loss)` reports
    progress (with a running average, which lags); `should_stop()` returning True ends
    the sweep (a Cancel button).
    """
    rates = sweep_rates(start, end, steps)
    trial = copy.deepcopy(model)
    mode = mode if mode is not None else make_mode(config.mode)
    device = model_device(trial)
    with torch.random.fork_rng(devices=[device.index or 0] if device.type == "cuda" else []):
        torch.manual_seed(config.seed)
        mode.prepare(trial, data, config, device)
        raw, stopped = _sweep(mode, rates, config, on_step, should_stop)
    del trial
    raw_losses = np.array(raw)
    return _result(rates[: len(raw)], smooth(raw_losses), raw_losses, stopped)


def _batches(mode: TrainingMode, generator: torch.Generator, batch_size: int) -> Iterator[Any]:
    """Batches forever: the sweep may be longer than an epoch."""
    while True:
        yield from mode.epoch_batches(generator, batch_size)


def _sweep(
    mode: TrainingMode,
    rates: np.ndarray,
    config: TrainingConfig,
    on_step: Callable[[int, float, float], None] | None,
    should_stop: Callable[[], bool] | None,
) -> tuple[list[float], bool]:
    generator = torch.Generator().manual_seed(config.seed)
    batches = _batches(mode, generator, config.batch_size)
    average, best = 0.0, math.inf
    raw: list[float] = []
    for i, rate in enumerate(rates):
        if should_stop is not None and should_stop():
            return raw, True
        _set_rate(mode, float(rate))
        loss = float(mode.train_step(next(batches)))
        if not math.isfinite(loss):
            return raw, True
        average = SMOOTHING * average + (1 - SMOOTHING) * loss
        value = average / (1 - SMOOTHING ** (i + 1))  # bias correction: the average starts at 0
        raw.append(loss)
        if on_step is not None:
            on_step(i, float(rate), value)
        best = min(best, value)
        if value > DIVERGE_FACTOR * best:
            return raw, True
    return raw, False


def smooth(values: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Centred moving average; the window shrinks near the ends so nothing shifts."""
    values = np.asarray(values, dtype=np.float64)
    half = window // 2
    sums = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(len(values))
    low, high = np.maximum(index - half, 0), np.minimum(index + half + 1, len(values))
    return (sums[high] - sums[low]) / (high - low)


def _set_rate(mode: TrainingMode, rate: float) -> None:
    for optimizer in mode.optimizers():
        for group in optimizer.param_groups:
            group["lr"] = rate


def _result(lrs: np.ndarray, losses: np.ndarray, raw: np.ndarray, stopped: bool) -> LRFinderResult:
    steepest, min_over_10 = suggest_lr(lrs, losses)
    suggestion = min_over_10
    if steepest is not None and min_over_10 is not None:
        suggestion = float(np.clip(steepest, min_over_10 / 10, min_over_10))
    return LRFinderResult(lrs, losses, raw, suggestion, steepest, min_over_10, stopped)


def suggest_lr(lrs: np.ndarray, losses: np.ndarray) -> tuple[float | None, float | None]:
    """(rate of the steepest descent before the minimum, a tenth of the rate at the
    minimum) of a smoothed sweep. The first steps are left out (the average is still
    settling); `steepest` is None when the loss never clearly fell, and both are None
    with fewer than 5 points."""
    if len(losses) < 5:
        return None, None
    first = int(len(losses) * SKIP_START)
    lowest = first + int(np.argmin(losses[first:]))
    min_over_10 = float(lrs[lowest] / 10)
    if lowest - first < 2 or losses[first] - losses[lowest] < CLEAR_DROP * abs(losses[first]):
        return None, min_over_10
    window = slice(first, lowest + 1)
    slopes = np.gradient(losses[window], np.log10(lrs[window]))
    return float(lrs[window][int(np.argmin(slopes))]), min_over_10
