"""Adversarial training: a generator turns noise into samples, a discriminator tells
them from real data, and the two take turns. Both networks live on one canvas as the
roles "generator" and "discriminator"; each compiles on its own (see `subgraph`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from graph_core.compiler import CompileError
from graph_core.data.batching import TensorBatcher
from graph_core.data.bundle import DataBundle
from graph_core.graph import ModelGraph
from graph_core.layers._helpers import fmt_shape
from graph_core.shapes import Diagnostic, analyze
from graph_core.subgraph import compile_role, role_diagnostics, role_nodes, subgraph
from graph_core.training.config import TrainingConfig
from graph_core.training.metrics import Metrics, model_device, model_dtype
from graph_core.training.modes import SPLITS, TrainingMode, TrainingSetupError
from graph_core.training.optimizers import make_optimizer, trainable_parameters

GENERATOR, DISCRIMINATOR = "generator", "discriminator"
ROLES = (GENERATOR, DISCRIMINATOR)
# DCGAN's betas: the usual 0.9 lets momentum carry a player past the moving target the
# other player makes of the loss; 0.5 keeps the alternating game steadier.
ADAM_BETAS = (0.5, 0.999)
# The R1 penalty (Mescheder et al., 2018) on the discriminator's gradient at real
# samples: without it, two small networks on 2-D data circle around the answer for
# hundreds of epochs; with it they settle (measured: distance down 10-30x in 10 epochs
# on every seed tried, against 0.8-2.7x on some seeds without).
R1_GAMMA = 1.0
SAMPLE_SEED = 1234  # fixed noise for `sample`, so live frames show the same points moving
DISTANCE_SAMPLES = 512


class GANModel(nn.Module):
    """A generator and a discriminator trained together; calling it generates.

    `latent_shape` is the shape of one noise sample (the generator's Input).
    """

    def __init__(self, generator: nn.Module, discriminator: nn.Module, latent_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_shape = tuple(latent_shape)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.generator(z)

    @classmethod
    def from_graph(cls, graph: ModelGraph, seed: int | None = None) -> GANModel:
        """Compile the graph's generator and discriminator roles. Raises CompileError."""
        problems = [d for d in gan_diagnostics(graph) if d.severity == "error"]
        if problems:
            raise CompileError(problems)
        generator = compile_role(graph, GENERATOR, seed)
        discriminator = compile_role(graph, DISCRIMINATOR, seed)
        latent = graph.node(generator.input_ids[0]).params["shape"]
        return cls(generator, discriminator, tuple(latent))


def gan_diagnostics(graph: ModelGraph) -> list[Diagnostic]:
    """What keeps `graph` from being a GAN: missing or invalid roles, and networks that
    do not fit together (the generator must make what the discriminator reads)."""
    problems = role_diagnostics(graph, ROLES)
    if any(d.severity == "error" for d in problems):
        return problems
    shapes = {}
    for role in ROLES:
        part = subgraph(graph, role)
        inputs, outputs = part.input_nodes(), part.output_nodes()
        if len(inputs) != 1 or len(outputs) != 1:
            problems.append(
                Diagnostic(f"the {role} needs exactly one Input and one output", role_nodes(graph, role)[0])
            )
            return problems
        info = analyze(part).nodes
        shapes[role] = (tuple(part.node(inputs[0]).params["shape"]), info[outputs[0]].shape, outputs[0])
    made, read = shapes[GENERATOR][1], shapes[DISCRIMINATOR][0]
    if made != read:
        problems.append(
            Diagnostic(
                f"the generator makes samples of shape {fmt_shape(made)} but the discriminator reads "
                f"{fmt_shape(read)}; they must match",
                shapes[GENERATOR][2],
                code="gan_shape",
            )
        )
    if shapes[DISCRIMINATOR][1] not in ((1,), ()):
        problems.append(
            Diagnostic(
                f"the discriminator must output one score per sample [N, 1], not {fmt_shape(shapes[DISCRIMINATOR][1])}",
                shapes[DISCRIMINATOR][2],
                code="gan_shape",
            )
        )
    return problems


def energy_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """The energy distance between two point clouds: 2E|a-b| - E|a-a'| - E|b-b'|.

    Zero when both come from the same distribution, larger the further apart they are;
    it needs no density estimate, so it suits a few hundred 2-D points.
    """
    a, b = a.reshape(len(a), -1).double(), b.reshape(len(b), -1).double()
    cross = torch.cdist(a, b).mean()
    within_a = torch.cdist(a, a).sum() / max(len(a) * (len(a) - 1), 1)
    within_b = torch.cdist(b, b).sum() / max(len(b) * (len(b) - 1), 1)
    return float(2 * cross - within_a - within_b)


class _LossPair:
    """Running sums of the two players' losses on the device, read (and reset) rarely."""

    def __init__(self, device: torch.device) -> None:
        self._sums = torch.zeros(2, device=device)
        self._count = 0

    def add(self, d_loss: torch.Tensor, g_loss: torch.Tensor) -> None:
        self._sums += torch.stack([d_loss.float(), g_loss.float()])
        self._count += 1

    def take(self) -> dict[str, float]:
        if not self._count:
            return {}
        d_loss, g_loss = (self._sums / self._count).tolist()
        self._sums.zero_()
        self._count = 0
        return {"discriminator_loss": d_loss, "generator_loss": g_loss}


class GANMode(TrainingMode):
    """Alternating steps: the discriminator learns real (1) from generated (0), then the
    generator learns to make the discriminator say 1 (the non-saturating loss, whose
    gradient stays strong while the generator is still bad).

    `train_loss` in events is the generator's loss; `extra` holds both players' losses
    (the discriminator's without its R1 penalty, `r1_gamma`; 0 turns it off), and each
    epoch's `extra["energy_distance"]` measures how far generated samples are from the
    validation data (lower is better). Labels in the data are ignored.
    """

    name = "gan"

    def __init__(self, r1_gamma: float = R1_GAMMA) -> None:
        self.r1_gamma = r1_gamma
        self.generator: nn.Module | None = None
        self.discriminator: nn.Module | None = None
        self.latent_shape: tuple[int, ...] = ()
        self.real: dict[str, torch.Tensor] = {}
        self._optimizers: list[torch.optim.Optimizer] = []
        self._g_params: list[nn.Parameter] = []
        self._d_params: list[nn.Parameter] = []
        self._grad_clip = 0.0
        self._step_losses: _LossPair | None = None
        self._epoch_losses: _LossPair | None = None

    def build_model(self, graph: ModelGraph, seed: int | None = None) -> GANModel:
        return GANModel.from_graph(graph, seed)

    # ---- setup -------------------------------------------------------------------------

    def check(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig) -> str | None:
        if not isinstance(model, GANModel):
            return "the GAN mode trains a generator and a discriminator: mark each network's nodes with its role"
        if not bundle.x_train.is_floating_point():
            return "a GAN needs float data to imitate, but this data set's inputs are integer token ids"
        made = self._generated_shape(model)
        if made != bundle.input_shape:
            return (
                f"the generator makes samples of shape {fmt_shape(made)} but the data set '{bundle.name}' has "
                f"samples of shape {fmt_shape(bundle.input_shape)}; change the generator's last layer"
            )
        scores = _probe(model.discriminator, bundle.x_train[:2].to(model_device(model), model_dtype(model)))
        if tuple(scores.shape[1:]) not in ((1,), ()):
            return f"the discriminator must output one score per sample [N, 1], not {fmt_shape(scores.shape[1:])}"
        return None

    def _generated_shape(self, model: GANModel) -> tuple[int, ...]:
        z = torch.zeros(2, *model.latent_shape, device=model_device(model), dtype=model_dtype(model))
        return tuple(_probe(model.generator, z).shape[1:])

    def prepare(self, model: nn.Module, bundle: DataBundle, config: TrainingConfig, device: torch.device) -> None:
        message = self.check(model, bundle, config)
        if message:
            raise TrainingSetupError(message)
        self.generator, self.discriminator = model.generator, model.discriminator
        self.latent_shape = model.latent_shape
        dtype = model_dtype(model)
        self.real = {name: getattr(bundle, f"x_{name}").to(device=device, dtype=dtype) for name in SPLITS}
        self._g_params = trainable_parameters([self.generator])
        self._d_params = trainable_parameters([self.discriminator])
        if not self._g_params or not self._d_params:
            raise TrainingSetupError("both the generator and the discriminator need layers with weights")
        self._optimizers = [self._optimizer(config, self._d_params), self._optimizer(config, self._g_params)]
        self._grad_clip = config.grad_clip
        self._step_losses, self._epoch_losses = _LossPair(device), _LossPair(device)

    @staticmethod
    def _optimizer(config: TrainingConfig, params: list[nn.Parameter]) -> torch.optim.Optimizer:
        optimizer = make_optimizer(config.optimizer, params, config)
        if config.optimizer in ("Adam", "AdamW"):
            for group in optimizer.param_groups:
                group["betas"] = ADAM_BETAS
        return optimizer

    # ---- training ----------------------------------------------------------------------

    @property
    def train_size(self) -> int:
        return len(self.real["train"])

    def epoch_batches(self, generator: torch.Generator, batch_size: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(real samples, noise) batches; the noise holds one draw for the
        discriminator's step and one for the generator's, per real sample."""
        real = self.real["train"]
        # Drawn on the CPU from the trainer's generator: the same noise on every device,
        # and resumed runs continue the same sequence.
        noise = torch.randn(len(real), 2, *self.latent_shape, generator=generator)
        noise = noise.to(device=real.device, dtype=real.dtype)
        return iter(TensorBatcher(real, noise, batch_size, generator=generator))

    def train_step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        real, noise = batch
        d_loss = self._discriminator_step(real, noise[:, 0])
        g_loss = self._generator_step(noise[:, 1])
        self._step_losses.add(d_loss, g_loss)
        self._epoch_losses.add(d_loss, g_loss)
        return g_loss

    def _discriminator_step(self, real: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        for p in self._d_params:
            p.grad = None
        with torch.no_grad():
            fake = self.generator(z)
        if self.r1_gamma:
            real = real.detach().requires_grad_(True)
        real_logits, fake_logits = self.discriminator(real), self.discriminator(fake)
        loss = _bce(real_logits, 1.0) + _bce(fake_logits, 0.0)
        (loss + self._r1_penalty(real, real_logits)).backward()
        self._clip(self._d_params)
        self._optimizers[0].step()
        return loss.detach()

    def _r1_penalty(self, real: torch.Tensor, logits: torch.Tensor) -> torch.Tensor | float:
        """gamma/2 * E|grad_x D(x)|^2 at real x: keeps the discriminator flat where the
        data is, so it stops pushing once the generator has got there."""
        if not self.r1_gamma:
            return 0.0
        (grad,) = torch.autograd.grad(logits.sum(), real, create_graph=True)
        return self.r1_gamma / 2 * grad.pow(2).reshape(len(grad), -1).sum(dim=1).mean()

    def _generator_step(self, z: torch.Tensor) -> torch.Tensor:
        loss = _bce(self.discriminator(self.generator(z)), 1.0)
        # Gradients for the generator only: the discriminator keeps the gradients of its
        # own step, which are the ones the epoch's gradient norms should report.
        grads = torch.autograd.grad(loss, self._g_params, allow_unused=True)
        for p, grad in zip(self._g_params, grads):
            p.grad = grad
        self._clip(self._g_params)
        self._optimizers[1].step()
        return loss.detach()

    def _clip(self, params: list[nn.Parameter]) -> None:
        if self._grad_clip:
            torch.nn.utils.clip_grad_norm_(params, self._grad_clip)

    # ---- measuring ---------------------------------------------------------------------

    def validation_scores(self) -> tuple[float | None, float | None]:
        # A GAN has no held-out loss worth comparing; the distance in epoch_extras is its score.
        return None, None

    def evaluate(self, split: str) -> Metrics | None:
        return None

    def step_extras(self) -> dict[str, float]:
        return self._step_losses.take() if self._step_losses is not None else {}

    def epoch_extras(self) -> dict[str, float]:
        if self._epoch_losses is None:
            return {}
        extras = self._epoch_losses.take()
        reference = self.real["val"] if len(self.real["val"]) else self.real["train"]
        generated = self.generate(DISTANCE_SAMPLES, seed=SAMPLE_SEED)
        extras["energy_distance"] = energy_distance(generated, reference[:DISTANCE_SAMPLES])
        return extras

    def generate(self, n: int, seed: int = SAMPLE_SEED) -> torch.Tensor:
        """`n` generated samples from fixed noise (`seed`), in eval mode, on the device."""
        noise = torch.randn(n, *self.latent_shape, generator=torch.Generator().manual_seed(seed))
        device, dtype = model_device(self.generator), model_dtype(self.generator)
        return _probe(self.generator, noise.to(device=device, dtype=dtype))

    def sample(self, n: int, seed: int = SAMPLE_SEED) -> np.ndarray:
        """`n` generated samples as a NumPy array (n, 2) for 2-D data. The same `seed`
        gives the same noise, so successive frames show the same points moving.

        It switches the generator to eval mode for the moment, so during a run call it
        from the trainer's `on_event` (between steps), as for decision grids.
        """
        return self.generate(n, seed).detach().float().cpu().numpy()

    def modules(self) -> dict[str, nn.Module]:
        if self.generator is None:
            return {}
        return {GENERATOR: self.generator, DISCRIMINATOR: self.discriminator}

    def optimizers(self) -> list[torch.optim.Optimizer]:
        return list(self._optimizers)


def _bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def _probe(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """`module(x)` in eval mode without gradients; the module's mode is restored."""
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            return module(x)
    finally:
        module.train(was_training)
