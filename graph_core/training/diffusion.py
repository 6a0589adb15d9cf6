"""Denoising diffusion (DDPM, Ho et al. 2020): data are blurred into Gaussian noise over
T small steps, and a network learns to predict the noise that was added, given the noisy
sample and its step. Run backwards from pure noise, the predictions walk new samples
onto the data. The noise predictor is an ordinary graph with two Inputs (the noisy
sample and the time step, usually through a `TimeEmbedding`) and one output.

Time steps are counted from 0: `alpha_bars[i]` is the share of the signal left after
i + 1 noising steps, and in trajectories index k holds the points after k steps (0: data,
T: noise), for the forward process and the sampler alike.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.nn import functional as F

from graph_core.layers._helpers import fmt_shape
from graph_core.noise_predictor import DiffusionInputs, diffusion_diagnostics, diffusion_inputs
from graph_core.training.config import NOISE_SCHEDULE_NAMES, TrainingConfig
from graph_core.training.metrics import Metrics, model_device, model_dtype, regression_metrics
from graph_core.training.modes import SPLITS, TrainingMode, TrainingSetupError
from graph_core.training.optimizers import gradient_weight_decay, is_weight, make_optimizer, trainable_parameters

if TYPE_CHECKING:
    from graph_core.data.bundle import DataBundle
    from graph_core.graph import ModelGraph

__all__ = [
    "DiffusionInputs",
    "DiffusionMode",
    "NoiseSchedule",
    "add_noise",
    "diffusion_diagnostics",
    "diffusion_inputs",
    "forward_trajectory",
    "noise_schedule",
    "points_csv",
    "predict_noise",
    "sample_trajectory",
    "schedule_of",
    "setup_problem",
]

# The noise a diffusion model predicts is compared with what was added by these losses.
LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "MSELoss": F.mse_loss,
    "L1Loss": F.l1_loss,
    "SmoothL1Loss": F.smooth_l1_loss,
}
# DDPM's linear schedule runs from 1e-4 to 0.02 over 1,000 steps; with fewer steps each
# one must add more noise to end at the same place, so both ends scale with 1000 / T.
LINEAR_START, LINEAR_END, LINEAR_REFERENCE_STEPS = 1e-4, 0.02, 1000
COSINE_OFFSET = 0.008  # Nichol & Dhariwal's s: keeps the first steps from adding too little
MAX_BETA = 0.999
SAMPLE_SEED = 1234  # fixed noise for live frames, so successive frames show the same points
VALIDATION_SEED = 4321  # fixed steps and noise per split: validation losses stay comparable
DISTANCE_SAMPLES = 256
# Measuring the samples' distance runs the whole sampler (a forward pass per step): it
# is measured when validating, but then at most this share of the wall time.
DISTANCE_SHARE = 0.05


# ---- the noise schedule ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NoiseSchedule:
    """How much noise each of the `steps` steps adds (`betas`, float64 on the CPU) and
    what follows from it: `alpha_bars[i]`, the share of the signal's variance left after
    step i, falls from nearly 1 to nearly 0."""

    kind: str
    betas: torch.Tensor

    @property
    def steps(self) -> int:
        return int(self.betas.shape[0])

    @property
    def alphas(self) -> torch.Tensor:
        return 1.0 - self.betas

    @property
    def alpha_bars(self) -> torch.Tensor:
        return torch.cumprod(self.alphas, dim=0)

    @property
    def posterior_variances(self) -> torch.Tensor:
        """Variance of x_{i-1} given x_i and the data (DDPM's beta-tilde); 0 at step 0."""
        alpha_bars = self.alpha_bars
        previous = torch.cat([torch.ones(1, dtype=alpha_bars.dtype), alpha_bars[:-1]])
        return self.betas * (1.0 - previous) / (1.0 - alpha_bars)


def noise_schedule(steps: int, kind: str = "linear") -> NoiseSchedule:
    """The `kind` ("linear" or "cosine") schedule over `steps` steps."""
    if kind not in NOISE_SCHEDULE_NAMES:
        raise ValueError(f"training.noise_schedule: unknown value {kind!r}; choose one of linear, cosine")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"training.diffusion_steps: must be a whole number >= 2, got {steps!r}")
    betas = _linear_betas(steps) if kind == "linear" else _cosine_betas(steps)
    return NoiseSchedule(kind, betas)


def _linear_betas(steps: int) -> torch.Tensor:
    scale = LINEAR_REFERENCE_STEPS / steps
    start, end = min(LINEAR_START * scale, MAX_BETA), min(LINEAR_END * scale, MAX_BETA)
    return torch.linspace(start, end, steps, dtype=torch.float64)


def _cosine_betas(steps: int) -> torch.Tensor:
    """Betas whose alpha-bar follows cos^2 (Improved DDPM): noise comes in more evenly,
    so fewer steps are spent on nearly clean or nearly pure-noise samples."""
    fraction = torch.arange(steps + 1, dtype=torch.float64) / steps
    f = torch.cos((fraction + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
    alpha_bars = f / f[0]
    return (1 - alpha_bars[1:] / alpha_bars[:-1]).clamp(max=MAX_BETA)


def add_noise(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: NoiseSchedule) -> torch.Tensor:
    """x_t drawn from q(x_t | x_0): sqrt(alpha_bar) * x0 + sqrt(1 - alpha_bar) * noise, for
    step indices `t` (one per sample)."""
    alpha_bars = schedule.alpha_bars.to(device=x0.device, dtype=x0.dtype)[t]
    shape = (len(x0),) + (1,) * (x0.dim() - 1)
    return alpha_bars.sqrt().reshape(shape) * x0 + (1 - alpha_bars).sqrt().reshape(shape) * noise


def forward_trajectory(x0: torch.Tensor, schedule: NoiseSchedule, seed: int = SAMPLE_SEED) -> torch.Tensor:
    """The forward process run step by step from `x0`: (T + 1, *x0.shape), index k after k
    steps, each x_k = sqrt(1 - beta) x_{k-1} + sqrt(beta) z with fresh noise z."""
    generator = torch.Generator().manual_seed(seed)
    path = torch.empty((schedule.steps + 1, *x0.shape), dtype=x0.dtype)
    path[0] = x = x0.detach().cpu()
    for k, beta in enumerate(schedule.betas.tolist(), start=1):
        z = torch.randn(x0.shape, generator=generator, dtype=x0.dtype)
        x = math.sqrt(1 - beta) * x + math.sqrt(beta) * z
        path[k] = x
    return path


# ---- the noise predictor ----------------------------------------------------------------------


def setup_problem(sample_shape: tuple[int, ...], bundle: DataBundle, config: TrainingConfig) -> str | None:
    """Why a noise predictor for samples of `sample_shape` cannot learn `bundle` with
    `config` (data, loss), or None. Needs no network, so the dock can ask early."""
    if not bundle.x_train.is_floating_point():
        return "diffusion needs float data to imitate, but this data set's inputs are integer token ids"
    if tuple(sample_shape) != bundle.input_shape:
        return (
            f"the noisy-sample Input has shape {fmt_shape(tuple(sample_shape))} but the data set '{bundle.name}' has "
            f"samples of shape {fmt_shape(bundle.input_shape)}; change the Input's shape"
        )
    if config.loss not in LOSSES:
        return (
            f"training.loss: a diffusion model learns to predict the added noise, a regression: choose MSELoss "
            f"(as DDPM does), L1Loss or SmoothL1Loss, not {config.loss}"
        )
    return None


def predict_noise(model: nn.Module, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """The network's noise prediction for samples `x` at step indices `t` (shape (N,))."""
    inputs: DiffusionInputs = model.diffusion
    steps = t.reshape(len(t), 1)
    steps = steps.long() if inputs.time_dtype == "int64" else steps.to(x.dtype)
    return model(*inputs.arguments(x, steps))


def sample_trajectory(
    model: nn.Module, schedule: NoiseSchedule, n: int, seed: int = SAMPLE_SEED, *, keep: bool = True
) -> torch.Tensor:
    """Ancestral DDPM sampling: `n` samples from pure noise, denoised step by step.

    Returns (T + 1, n, *sample_shape), float32 on the CPU, index k after k noising steps
    (T: the starting noise, 0: the finished samples), or only the finished samples
    (n, ...) when not `keep`. The noise comes from a CPU generator seeded with `seed`, drawn in a fixed
    order (the start, then one draw per step above 0), so the same seed gives the same
    samples on every device and in the exported sample.py. Runs in eval mode without
    gradients; the model's mode is restored.
    """
    inputs: DiffusionInputs = model.diffusion
    device, dtype = model_device(model), model_dtype(model)
    generator = torch.Generator().manual_seed(seed)
    shape = (n, *inputs.sample_shape)
    x = torch.randn(shape, generator=generator).to(device=device, dtype=dtype)
    path = torch.empty((schedule.steps + 1, *shape), dtype=torch.float32) if keep else None
    if keep:
        path[schedule.steps] = x.float().cpu()
    betas, alphas = schedule.betas.tolist(), schedule.alphas.tolist()
    alpha_bars, variances = schedule.alpha_bars.tolist(), schedule.posterior_variances.tolist()
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for i in reversed(range(schedule.steps)):
                t = torch.full((n,), i, device=device)
                eps = predict_noise(model, x, t)
                x = (x - betas[i] / math.sqrt(1 - alpha_bars[i]) * eps) / math.sqrt(alphas[i])
                if i > 0:
                    z = torch.randn(shape, generator=generator).to(device=device, dtype=dtype)
                    x = x + math.sqrt(variances[i]) * z
                if keep:
                    path[i] = x.float().cpu()
    finally:
        model.train(was_training)
    return path if keep else x.float().cpu()


# ---- the training mode -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _NoisedSplit:
    """One split with the steps and noise it is always measured with (fixed, so that
    validation losses of different epochs compare)."""

    x: torch.Tensor
    t: torch.Tensor
    noise: torch.Tensor

    def __len__(self) -> int:
        return int(self.x.shape[0])


class DiffusionMode(TrainingMode):
    """Each sample gets a random step t and fresh Gaussian noise; the network sees the
    noised sample and t and learns to predict the noise (epsilon-prediction, DDPM's
    simplified loss with `config.loss`, MSE by default). Labels are ignored.

    Validation and test losses use fixed steps and noise per split. When it validates,
    the mode also samples DISTANCE_SAMPLES points from fixed noise and reports their
    energy distance to the validation data as `extra["energy_distance"]` (lower is
    better), as the GAN mode does; sampling walks every step, so this happens at most
    DISTANCE_SHARE of the time (the first validation always measures).
    """

    name = "diffusion"

    def __init__(self) -> None:
        self.model: nn.Module | None = None
        self.schedule: NoiseSchedule | None = None
        self.splits: dict[str, _NoisedSplit] = {}
        self._loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.mse_loss
        self._signal: torch.Tensor | None = None  # sqrt(alpha_bar) per step, on the device
        self._noise_scale: torch.Tensor | None = None  # sqrt(1 - alpha_bar) per step
        self._optimizer: torch.optim.Optimizer | None = None
        self._params: list[nn.Parameter] = []
        self._weights: list[nn.Parameter] = []
        self._l1 = self._l2 = self._grad_clip = 0.0
        self._distance: float | None = None
        self._distance_due = 0.0  # perf_counter time of the next allowed measurement

    def build_model(self, graph: ModelGraph, seed: int | None = None) -> nn.Module:
        """The graph compiled, marked with which Input is the sample and which the time
        step (`model.diffusion`). Raises CompileError when it is no noise predictor."""
        from graph_core.compiler import compile_graph

        inputs = diffusion_inputs(graph)
        model = compile_graph(graph, seed)
        model.diffusion = inputs
        return model

    # ---- setup -------------------------------------------------------------------------

    def check(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig) -> str | None:
        inputs = getattr(model, "diffusion", None)
        if not isinstance(inputs, DiffusionInputs):
            return (
                "the diffusion mode trains a noise predictor with two Inputs, the noisy sample and its time step: "
                "build it with DiffusionMode.build_model"
            )
        problem = setup_problem(inputs.sample_shape, bundle, config)
        if problem:
            return problem
        device, dtype = model_device(model), model_dtype(model)
        x = bundle.x_train[:2].to(device=device, dtype=dtype)
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                made = tuple(predict_noise(model, x, torch.zeros(len(x), device=device)).shape[1:])
        finally:
            model.train(was_training)
        if made != bundle.input_shape:
            return f"the network predicts noise of shape {fmt_shape(made)}, not {fmt_shape(bundle.input_shape)}"
        return None

    def prepare(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig, device: torch.device) -> None:
        message = self.check(model, bundle, config)
        if message:
            raise TrainingSetupError(message)
        self.model = model
        self.schedule = noise_schedule(config.diffusion_steps, config.noise_schedule)
        dtype = model_dtype(model)
        alpha_bars = self.schedule.alpha_bars
        self._signal = alpha_bars.sqrt().to(device=device, dtype=dtype)
        self._noise_scale = (1 - alpha_bars).sqrt().to(device=device, dtype=dtype)
        self._loss = LOSSES[config.loss]
        generator = torch.Generator().manual_seed(VALIDATION_SEED)
        for name in SPLITS:
            x = getattr(bundle, f"x_{name}")
            t = torch.randint(0, self.schedule.steps, (len(x),), generator=generator)
            noise = torch.randn(x.shape, generator=generator)
            self.splits[name] = _NoisedSplit(*(v.to(device) for v in (x.to(dtype), t, noise.to(dtype))))
        self._params = trainable_parameters([model])
        if not self._params:
            raise TrainingSetupError(
                "the noise predictor has nothing to learn: add a layer with weights, such as Linear"
            )
        self._optimizer = make_optimizer(config.optimizer, self._params, config)
        self._weights = [p for p in self._params if is_weight(p)]
        self._l1, self._l2, self._grad_clip = config.l1, gradient_weight_decay(config), config.grad_clip
        self._distance, self._distance_due = None, 0.0

    # ---- training ----------------------------------------------------------------------

    @property
    def train_size(self) -> int:
        return len(self.splits["train"])

    def epoch_batches(self, generator: torch.Generator, batch_size: int) -> Iterator[tuple[torch.Tensor, ...]]:
        """(clean samples, steps, noise) batches. Steps and noise are drawn on the CPU
        from the trainer's generator: the same on every device, and resumed runs go on
        with the same sequence."""
        train = self.splits["train"]
        n = len(train)
        order = torch.randperm(n, generator=generator)
        steps = torch.randint(0, self.schedule.steps, (n,), generator=generator)
        noise = torch.randn(train.x.shape, generator=generator)
        device, dtype = train.x.device, train.x.dtype
        order, steps, noise = order.to(device), steps.to(device), noise.to(device=device, dtype=dtype)
        x = train.x[order]
        for start in range(0, n, batch_size):
            end = start + batch_size
            yield x[start:end], steps[start:end], noise[start:end]

    def noised(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        shape = (len(x0),) + (1,) * (x0.dim() - 1)
        return self._signal[t].reshape(shape) * x0 + self._noise_scale[t].reshape(shape) * noise

    def train_step(self, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        x0, t, noise = batch
        for p in self._params:
            p.grad = None
        loss = self._loss(predict_noise(self.model, self.noised(x0, t, noise), t), noise)
        self._backward(loss)
        self._optimizer.step()
        return loss.detach()

    def _backward(self, loss: torch.Tensor) -> None:
        """As the supervised mode does: L1 in the loss, clipping, then L2 on the gradients."""
        if self._l1 and self._weights:
            loss = loss + self._l1 * torch.stack([w.abs().sum() for w in self._weights]).sum()
        loss.backward()
        if self._grad_clip:
            torch.nn.utils.clip_grad_norm_(self._params, self._grad_clip)
        if self._l2:
            with torch.no_grad():
                decayed = [w for w in self._weights if w.grad is not None]
                torch._foreach_add_([w.grad for w in decayed], decayed, alpha=self._l2)

    # ---- measuring ---------------------------------------------------------------------

    def _predictions(self, split: _NoisedSplit) -> torch.Tensor:
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                return predict_noise(self.model, self.noised(split.x, split.t, split.noise), split.t)
        finally:
            self.model.train(was_training)

    def validation_scores(self) -> tuple[float | None, float | None]:
        from graph_core.training.gan import energy_distance

        val = self.splits["val"]
        if time.perf_counter() >= self._distance_due:
            started = time.perf_counter()
            reference = val if len(val) else self.splits["train"]
            samples = self.sample(DISTANCE_SAMPLES)
            self._distance = energy_distance(samples, reference.x[:DISTANCE_SAMPLES].cpu())
            self._distance_due = time.perf_counter() + (time.perf_counter() - started) / DISTANCE_SHARE
        if len(val) == 0:
            return None, None
        with torch.no_grad():
            return float(self._loss(self._predictions(val), val.noise)), None

    def evaluate(self, split: str) -> Metrics | None:
        data = self.splits.get(split)
        if data is None or len(data) == 0:
            return None
        predicted = self._predictions(data)
        with torch.no_grad():
            loss = float(self._loss(predicted, data.noise))
        return regression_metrics(predicted, data.noise, loss)

    def epoch_extras(self) -> dict[str, float]:
        if self._distance is None:
            return {}
        distance, self._distance = self._distance, None
        return {"energy_distance": distance}

    def sample(self, n: int, seed: int = SAMPLE_SEED) -> torch.Tensor:
        """`n` finished samples (CPU) from fixed noise, without keeping the trajectory."""
        return sample_trajectory(self.model, self.schedule, n, seed, keep=False)

    def trajectory(self, n: int, seed: int = SAMPLE_SEED) -> torch.Tensor:
        """`n` samples with every step on the way, (T + 1, n, ...): see `sample_trajectory`.
        Call it between batches (from the trainer's `on_event`), as for decision grids."""
        return sample_trajectory(self.model, self.schedule, n, seed)

    def modules(self) -> dict[str, nn.Module]:
        return {"model": self.model} if self.model is not None else {}

    def optimizers(self) -> list[torch.optim.Optimizer]:
        return [self._optimizer] if self._optimizer is not None else []


def schedule_of(config: TrainingConfig | dict[str, Any]) -> NoiseSchedule:
    """The noise schedule a project's training settings describe."""
    if isinstance(config, dict):
        config = TrainingConfig.from_dict(config)
    return noise_schedule(config.diffusion_steps, config.noise_schedule)


def points_csv(samples: torch.Tensor, names: list[str] | None = None) -> str:
    """Samples as CSV text: a header (`names` when they fit, else v0, v1, ...) and one
    row per sample, flattened, as the exported sample.py writes them."""
    flat = samples.detach().float().cpu().reshape(len(samples), -1)
    columns = list(names or [])
    if len(columns) != flat.shape[1]:
        columns = [f"v{i}" for i in range(flat.shape[1])]
    rows = [",".join(columns)] + [",".join(f"{v:.7g}" for v in row) for row in flat.tolist()]
    return "\n".join(rows) + "\n"
