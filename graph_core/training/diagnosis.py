"""Training diagnosis: plain-language warnings read from a run's events (loss curves,
gradient norms) and from the network's activations, each tied to the nodes concerned
and to the concept behind it, so the app can explain what is happening and why.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from graph_core.training.events import DivergedEvent, EpochEvent, StartedEvent, TrainingEvent
from graph_core.training.metrics import model_device, model_dtype
from graph_core.training.transfer import node_id_of

Severity = Literal["info", "warning", "error"]

# The lessons a finding points to (the keys the Lessons menu uses).
LESSONS = (
    "neuron",
    "perceptron_mlp",
    "activations",
    "losses",
    "optimizers",
    "overfitting",
    "normalization_residual",
    "cnn",
    "recurrent",
    "attention",
    "autoencoder",
    "gan",
)


@dataclass(frozen=True)
class Concept:
    """The idea behind a finding: a title, a short explanation and the lesson to open."""

    title: str
    explanation: str
    lesson: str


@dataclass(frozen=True)
class Diagnosis:
    """One finding: `code` names its kind, `node_ids` the nodes it is about (empty for
    the whole network), `epoch` when it was seen."""

    code: str
    severity: Severity
    message: str
    node_ids: tuple[str, ...]
    concept: Concept
    epoch: int | None = None


CONCEPTS: dict[str, Concept] = {
    "overfitting": Concept(
        "Overfitting",
        "A network with enough capacity can memorise its training samples, noise included. "
        "Its training loss keeps falling, but on samples it has never seen (the validation "
        "set) it gets worse: it has stopped learning the pattern and started learning the "
        "noise. Remedies: more data, a smaller network, L2 or L1 penalties, dropout, or "
        "early stopping at the epoch with the lowest validation loss.",
        "overfitting",
    ),
    "vanishing_gradients": Concept(
        "Vanishing gradients",
        "Backpropagation multiplies the gradient by each layer's derivative on its way "
        "back. Sigmoid and tanh have derivatives below 1 (at most 0.25 for sigmoid), so "
        "through many layers the gradient shrinks towards zero and the first layers "
        "barely learn. ReLU-like activations, careful initialisation, batch normalization "
        "and residual connections keep it flowing.",
        "normalization_residual",
    ),
    "exploding_gradients": Concept(
        "Exploding gradients",
        "When each layer multiplies the gradient by more than 1, it grows exponentially "
        "with depth and one step throws the weights far away. A smaller learning rate, "
        "gradient clipping, normalization layers or a better initialisation tame it.",
        "optimizers",
    ),
    "dead_relu": Concept(
        "Dead ReLU units",
        "A ReLU outputs zero for every negative input, and its gradient there is zero too. "
        "A unit whose input is negative for every sample never changes again: it is dead. "
        "A too large learning rate or a strongly negative bias causes it; LeakyReLU or ELU "
        "keep a small slope for negatives, so their units cannot die.",
        "activations",
    ),
    "lr_too_high": Concept(
        "A learning rate that is too large",
        "The learning rate is the size of each step downhill. Too large, and each step "
        "overshoots the valley it aims for and lands higher on the other side: the loss "
        "rises and can grow without bound. Lower the rate (the learning-rate finder "
        "suggests one), or use a schedule that starts small.",
        "optimizers",
    ),
}


@dataclass(frozen=True)
class Thresholds:
    """When a finding fires. Patience counts epochs (validation measurements for
    overfitting), so one noisy epoch never raises an alarm."""

    # Measured on the playground examples (XOR, circle, spiral; 150 epochs, two seeds):
    # 10% over 5 measurements also fired on the spiral's passing bumps; 30% over 8 did
    # not, and still caught three runs built to overfit by epoch 22-31.
    overfit_patience: int = 8
    overfit_rise: float = 0.30  # validation loss this far above its best, on average...
    overfit_train_drop: float = 0.10  # ...while the training loss fell this far since
    overfit_min_measurements: int = 8
    # Changes this small against the first loss are noise, however large in ratio: a
    # loss of 0.001 that doubles is still a solved problem.
    noise_floor: float = 0.02
    vanishing_ratio: float = 1e-3  # a node's gradient norm against the largest one
    gradient_patience: int = 3
    exploding_norm: float = 1e3
    dead_share: float = 0.5  # share of a ReLU node's units that never fire
    dead_every: int = 5  # epochs between activation checks
    rising_epochs: int = 3  # epochs of rising training loss...
    rising_factor: float = 1.5  # ...ending this far above its lowest


def dead_unit_shares(model: nn.Module, x: torch.Tensor) -> dict[str, float]:
    """For each ReLU node of `model`, the share of its units that output zero for every
    sample of `x` (a unit is one output value: a feature, or a pixel of a channel).

    Measured with forward hooks in eval mode without gradients; the model's mode is
    restored. Keys are node ids (the module's top-level name).
    """
    shares: dict[str, float] = {}
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, nn.ReLU):
            handles.append(module.register_forward_hook(_recorder(node_id_of(name), shares)))
    if not handles:
        return {}
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(_on_model(model, x))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return shares


def _recorder(node_id: str, shares: dict[str, float]):
    def record(module: nn.Module, inputs, output: torch.Tensor) -> None:
        flat = output.reshape(output.shape[0], -1)
        shares[node_id] = float((flat <= 0).all(dim=0).float().mean())

    return record


def _on_model(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    if x.is_floating_point():
        return x.to(device=model_device(model), dtype=model_dtype(model))
    return x.to(model_device(model))


class Diagnostician:
    """Watches a run and says, in plain words, what is going wrong.

    Feed it every event (`feed` returns the findings that are new); each kind of
    finding is reported once per node, so a panel can append what it returns. With a
    `model` and a `probe` batch of inputs it also measures dead ReLU units every few
    epochs: feed it from the trainer's `on_event` (the training thread, between steps)
    so the measurement never races an optimizer step.
    """

    def __init__(
        self,
        model: nn.Module | None = None,
        probe: torch.Tensor | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.model = model
        self.probe = probe
        self.t = thresholds or Thresholds()
        self.findings: list[Diagnosis] = []
        self.reset()

    def reset(self) -> None:
        """Forget the run (a new run starts); findings already reported stay reported
        until this is called."""
        self.findings = []
        self._reported: set[tuple[str, str]] = set()
        self._val: list[tuple[int, float, float]] = []  # (epoch, train loss, val loss)
        self._train: deque[float] = deque(maxlen=self.t.rising_epochs + 1)
        self._lowest_train = math.inf
        self._first_train: float | None = None
        self._small: dict[str, int] = {}
        self._dead: dict[str, int] = {}
        self._large: dict[str, int] = {}
        self._adversarial = False

    def feed(self, event: TrainingEvent) -> list[Diagnosis]:
        """Take one training event; return the findings it brought that are new."""
        if isinstance(event, StartedEvent) and event.epoch == 0:
            self.reset()
            return []
        if isinstance(event, DivergedEvent):
            return self._new([self._diverged(event)])
        if not isinstance(event, EpochEvent):
            return []
        # A GAN's losses rise and fall as the two players take turns: no curve rules.
        self._adversarial = self._adversarial or "generator_loss" in event.extra
        found = [] if self._adversarial else self._loss_findings(event)
        found += self._gradient_findings(event)
        if self._dead_check_due(event.epoch):
            found += self._persistent_dead_units(event.epoch)
        return self._new(found)

    def feed_all(self, events: Iterable[TrainingEvent]) -> list[Diagnosis]:
        return [finding for event in events for finding in self.feed(event)]

    def _new(self, found: list[Diagnosis]) -> list[Diagnosis]:
        fresh = []
        for finding in found:
            keys = {(finding.code, node) for node in finding.node_ids or ("",)}
            if keys <= self._reported:
                continue
            self._reported |= keys
            fresh.append(finding)
        self.findings.extend(fresh)
        return fresh

    # ---- loss curves -------------------------------------------------------------------

    def _loss_findings(self, event: EpochEvent) -> list[Diagnosis]:
        found = []
        if event.val_loss is not None and math.isfinite(event.val_loss):
            self._val.append((event.epoch, event.train_loss, event.val_loss))
            overfit = self._overfitting(event.epoch)
            if overfit:
                found.append(overfit)
        rising = self._rising_loss(event)
        if rising:
            found.append(rising)
        return found

    def _overfitting(self, epoch: int) -> Diagnosis | None:
        """Validation loss clearly above its best over the last `overfit_patience`
        measurements (on average and at every one), while the training loss fell."""
        t = self.t
        if len(self._val) < max(t.overfit_min_measurements, t.overfit_patience + 2):
            return None
        earlier, recent = self._val[: -t.overfit_patience], self._val[-t.overfit_patience :]
        best_epoch, best_train, best_val = min(earlier, key=lambda row: row[2])
        recent_val = sum(v for _, _, v in recent) / len(recent)
        lowest_recent = min(v for _, _, v in recent)
        recent_train = sum(tr for _, tr, _ in recent) / len(recent)
        if recent_val < best_val * (1 + t.overfit_rise) or lowest_recent < best_val * (1 + t.overfit_rise / 2):
            return None
        if recent_train > best_train * (1 - t.overfit_train_drop):
            return None  # the training loss is not falling either: not memorising
        if lowest_recent - best_val < t.noise_floor * self._val[0][2]:
            return None  # a spike it recovers from, or a rise too small to matter
        _, train_now, val_now = self._val[-1]
        message = (
            f"Overfitting has begun: the validation loss rose from {best_val:.3g} (epoch {best_epoch}) to "
            f"{val_now:.3g} while the training loss kept falling ({best_train:.3g} to {train_now:.3g}). The network "
            f"is memorising its training samples. The best weights were those of epoch {best_epoch}; more data, "
            "L2, dropout or early stopping help."
        )
        return Diagnosis("overfitting", "warning", message, (), CONCEPTS["overfitting"], epoch)

    def _rising_loss(self, event: EpochEvent) -> Diagnosis | None:
        loss = event.train_loss
        self._train.append(loss)
        self._first_train = loss if self._first_train is None else self._first_train
        self._lowest_train = min(self._lowest_train, loss)
        history = list(self._train)
        if len(history) <= self.t.rising_epochs:
            return None
        climbing = all(b > a for a, b in zip(history, history[1:]))
        if not climbing or loss < self.t.rising_factor * self._lowest_train:
            return None
        # A spike near the bottom is noise; giving back a quarter of the progress made
        # (or climbing from the very start) is not.
        if loss - self._lowest_train < 0.25 * (self._first_train - self._lowest_train):
            return None
        message = (
            f"The training loss has risen for {self.t.rising_epochs} epochs in a row, to {loss:.3g} from a low of "
            f"{self._lowest_train:.3g}. A learning rate of {event.lr:g} is probably too large: each step overshoots. "
            "Try a rate several times smaller."
        )
        return Diagnosis("lr_too_high", "warning", message, (), CONCEPTS["lr_too_high"], event.epoch)

    def _diverged(self, event: DivergedEvent) -> Diagnosis:
        message = f"The loss diverged. {event.message}"
        return Diagnosis("lr_too_high", "error", message, (), CONCEPTS["lr_too_high"], event.epoch)

    # ---- gradients ---------------------------------------------------------------------

    def _gradient_findings(self, event: EpochEvent) -> list[Diagnosis]:
        norms = event.grad_norms
        if not norms:
            return []
        found = []
        exploding = self._streak(self._large, norms, lambda v: not math.isfinite(v) or v > self.t.exploding_norm)
        if exploding:
            values = ", ".join(f"{n} ({norms[n]:.3g})" for n in exploding)
            message = (
                f"Exploding gradients at {values}: one step moves these weights a long way. Lower the learning "
                "rate or turn on gradient clipping."
            )
            found.append(
                Diagnosis(
                    "exploding_gradients", "warning", message, exploding, CONCEPTS["exploding_gradients"], event.epoch
                )
            )
        # Beside an exploding node every other one looks small: no vanishing verdict then.
        vanishing = None if exploding else self._vanishing(event)
        if vanishing:
            found.append(vanishing)
        return found

    def _vanishing(self, event: EpochEvent) -> Diagnosis | None:
        norms = {n: v for n, v in event.grad_norms.items() if math.isfinite(v)}
        largest = max(norms.values(), default=0.0)
        if largest <= 0 or event.train_loss < 1e-3:  # a solved problem has small gradients everywhere
            self._small.clear()
            return None
        tiny = self._streak(self._small, norms, lambda v: v < self.t.vanishing_ratio * largest)
        if not tiny:
            return None
        values = ", ".join(f"{n} ({norms[n]:.2g})" for n in tiny)
        message = (
            f"Vanishing gradients at {values}: more than {1 / self.t.vanishing_ratio:,.0f} times smaller than the "
            f"largest ({largest:.2g}), so these layers barely learn. ReLU activations, batch normalization or "
            "residual connections keep the gradient flowing."
        )
        return Diagnosis("vanishing_gradients", "warning", message, tiny, CONCEPTS["vanishing_gradients"], event.epoch)

    def _streak(self, counts: dict[str, int], norms: dict[str, float], bad) -> tuple[str, ...]:
        """Nodes for which `bad(norm)` has held `gradient_patience` epochs running."""
        for node, value in norms.items():
            counts[node] = counts.get(node, 0) + 1 if bad(value) else 0
        return tuple(node for node in norms if counts[node] >= self.t.gradient_patience)

    # ---- activations -------------------------------------------------------------------

    def _dead_check_due(self, epoch: int) -> bool:
        return self.model is not None and self.probe is not None and (epoch == 1 or epoch % self.t.dead_every == 0)

    def _persistent_dead_units(self, epoch: int) -> list[Diagnosis]:
        # Units silent at one check may wake as earlier layers change; two checks running
        # (several epochs apart) mean they have stopped learning.
        shares = dead_unit_shares(self.model, self.probe)
        for node, share in shares.items():
            self._dead[node] = self._dead.get(node, 0) + 1 if share >= self.t.dead_share else 0
        persistent = {node: shares[node] for node, count in self._dead.items() if count >= 2}
        return self._dead_finding(persistent, epoch)

    def dead_units(self, epoch: int | None = None) -> list[Diagnosis]:
        """Measure the ReLU nodes now (needs `model` and `probe`); a finding names the
        nodes where at least `dead_share` of the units never fire."""
        if self.model is None or self.probe is None:
            return []
        return self._dead_finding(dead_unit_shares(self.model, self.probe), epoch)

    def _dead_finding(self, shares: dict[str, float], epoch: int | None) -> list[Diagnosis]:
        dead = tuple(node for node, share in shares.items() if share >= self.t.dead_share)
        if not dead:
            return []
        values = ", ".join(f"{node} ({shares[node]:.0%})" for node in dead)
        message = (
            f"Dead ReLU units at {values}: these units output zero for every sample, so no gradient reaches "
            "them and they have stopped learning. A smaller learning rate or LeakyReLU helps."
        )
        return [Diagnosis("dead_relu", "warning", message, dead, CONCEPTS["dead_relu"], epoch)]
