"""What the lessons and lenses watch during a run, measured on the training thread between
batches (the model is never touched while an optimizer steps): the diagnosis, the
timeline's checkpoints, and frames for the autoencoder and GAN views. Results reach the
GUI thread through the signals of a `RunObservers` that lives there.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

FRAME_INTERVAL_S = 0.15  # the GAN and autoencoder views: at most ~7 frames a second
LANGUAGE_FRAME_INTERVAL_S = 0.5  # the GPT view regenerates text from each: twice a second
LANGUAGE_MODES = ("language_model", "masked_language_model")
TIMELINE_INTERVAL_S = 0.5  # the slider's list of epochs: twice a second is plenty
TIMELINE_MAX_BYTES = 32 * 2**20
TIMELINE_RECORDS_PER_S = 20  # checkpoints kept per second of a fast run, at most (then spaced out)
PROBE_SAMPLES = 256  # inputs for the dead-unit check
GAN_POINTS = 300
DIFFUSION_POINTS = 300
# Sampling costs a forward pass per step (100 by default): frames at most once a second,
# and at most this share of the training time.
DIFFUSION_FRAME_INTERVAL_S = 1.0
DIFFUSION_FRAME_SHARE = 0.1
CRITIC_GRID = 40
AE_IMAGES = 8
AE_CODES = 400
BATCH_SAMPLES = 128  # the loss lens marks this many validation samples


@dataclass(frozen=True, eq=False)
class GANFrame:
    """Real and generated points, the discriminator's belief D(x) over the plane
    (row i is y from the bottom), and the energy distance between the clouds."""

    epoch: int
    real: np.ndarray
    generated: np.ndarray
    critic: np.ndarray | None
    domain: tuple[float, float, float, float]
    distance: float | None


@dataclass(frozen=True, eq=False)
class DiffusionFrame:
    """A diffusion model's state: real points, the forward process dissolving them into
    noise and the sampler walking noise back to new points, each (T + 1, n, 2) with
    index k after k noising steps (0: data or finished samples, T: pure noise); the
    real points' part of the plane (x0, x1, y0, y1), the share of the data's variance left at each k (`signal`, 1 at k = 0)
    and the energy distance between samples and real points. `reverse` is None for a
    preview without a network."""

    epoch: int
    real: np.ndarray
    forward: np.ndarray
    reverse: np.ndarray | None
    domain: tuple[float, float, float, float]
    distance: float | None
    schedule: str
    signal: np.ndarray


@dataclass(frozen=True, eq=False)
class LossBatch:
    """The network's raw outputs on a batch and its targets, for the loss lens."""

    epoch: int
    outputs: np.ndarray
    targets: np.ndarray
    task: str  # "classification" or "regression"


@dataclass(frozen=True, eq=False)
class AutoencoderFrame:
    """A few inputs beside their reconstructions (as images), the code of many test
    samples with their classes, and the mean squared reconstruction error."""

    epoch: int
    inputs: np.ndarray
    outputs: np.ndarray
    codes: np.ndarray
    labels: np.ndarray | None
    error: float


@dataclass(frozen=True, eq=False)
class LanguageFrame:
    """A language model's weights at `epoch` as a copy of the network of its own (CPU,
    eval mode: the trainer never touches it, so the GUI may run it at any time), with
    the tokenizer that decodes its outputs and its context length."""

    epoch: int
    model: Any
    tokenizer: Any
    context: int
    dataset: str
    mode: str = "language_model"  # or "masked_language_model": it fills in hidden characters


# ---- frames, from a model and its data (live on the training thread, or a checkpoint) ----


def _eval(module, *inputs):
    import torch

    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            return module(*inputs)
    finally:
        module.train(was_training)


def _device_dtype(model) -> tuple[Any, Any]:
    parameter = next(model.parameters(), None)
    if parameter is None:
        import torch

        return torch.device("cpu"), torch.float32
    return parameter.device, parameter.dtype


def plane_domain(points: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = (high - low) * margin + 1e-6
    return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1])


def gan_frame(model, bundle, epoch: int, distance: float | None = None, samples: np.ndarray | None = None) -> GANFrame:
    """The GAN's state: `samples` (from `GANMode.sample` during a run) or drawn here from
    the generator with the same fixed noise, and the discriminator over the plane."""
    import torch

    from graph_core.training.gan import SAMPLE_SEED

    device, dtype = _device_dtype(model)
    real = bundle.x_train[:GAN_POINTS].float().numpy()
    if samples is None:
        noise = torch.randn(GAN_POINTS, *model.latent_shape, generator=torch.Generator().manual_seed(SAMPLE_SEED))
        samples = _eval(model.generator, noise.to(device=device, dtype=dtype)).float().cpu().numpy()
    domain = plane_domain(real)
    critic = None
    if real.shape[1] == 2:
        xs = np.linspace(domain[0], domain[1], CRITIC_GRID)
        ys = np.linspace(domain[2], domain[3], CRITIC_GRID)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        logits = _eval(model.discriminator, torch.as_tensor(grid, device=device, dtype=dtype))
        critic = torch.sigmoid(logits.float()).cpu().numpy().reshape(CRITIC_GRID, CRITIC_GRID)
    return GANFrame(epoch, real, np.asarray(samples)[:GAN_POINTS], critic, domain, distance)


def diffusion_frame(model, bundle, training, epoch: int, forward: np.ndarray | None = None) -> DiffusionFrame:
    """Frames for the diffusion view from the model (live between batches, or a
    checkpoint): DIFFUSION_POINTS samples drawn from fixed noise step by step, beside the
    forward process of as many real points (`forward`, when already made for this run).
    `training` is the run's TrainingConfig; without a `model` only the forward process
    is drawn. Only the first two numbers of a sample are drawn."""
    import torch

    from graph_core.training.diffusion import SAMPLE_SEED, forward_trajectory, noise_schedule, sample_trajectory
    from graph_core.training.gan import energy_distance

    schedule = noise_schedule(training.diffusion_steps, training.noise_schedule)
    real = bundle.x_train[:DIFFUSION_POINTS].float()
    if forward is None:
        forward = _plane_view(forward_trajectory(real, schedule, SAMPLE_SEED).numpy())
    reverse, distance = None, None
    if model is not None:
        path = sample_trajectory(model, schedule, len(real), SAMPLE_SEED)
        distance = energy_distance(path[0], real) if torch.isfinite(path[0]).all() else None
        reverse = _plane_view(path.numpy())
    points = _plane_view(real.numpy()[None])[0]
    signal = np.concatenate([[1.0], schedule.alpha_bars.numpy()])
    return DiffusionFrame(epoch, points, forward, reverse, plane_domain(points), distance, schedule.kind, signal)


def _plane_view(path: np.ndarray) -> np.ndarray:
    """(steps, n, ...) as (steps, n, 2): the first two numbers of each sample (a second
    of zeros for one-number samples)."""
    flat = path.reshape(path.shape[0], path.shape[1], -1).astype(np.float32)
    if flat.shape[2] == 1:
        flat = np.concatenate([flat, np.zeros_like(flat)], axis=2)
    return np.ascontiguousarray(flat[:, :, :2])


def loss_batch(model, bundle, epoch: int) -> LossBatch:
    x = bundle.x_val if len(bundle.x_val) else bundle.x_train
    y = bundle.y_val if len(bundle.x_val) else bundle.y_train
    device, dtype = _device_dtype(model)
    x = x[:BATCH_SAMPLES]
    x = x.to(device=device, dtype=dtype) if x.is_floating_point() else x.to(device)
    outputs = _eval(model, x).float().cpu().numpy()
    return LossBatch(epoch, outputs, y[:BATCH_SAMPLES].numpy(), bundle.task)


def language_frame(model, bundle, epoch: int, mode: str = "language_model") -> LanguageFrame:
    """A private copy of the language model for the GPT view (a 20k-weight model
    copies in a few milliseconds)."""
    copy_of = copy.deepcopy(model).to("cpu").eval()
    for parameter in copy_of.parameters():
        parameter.requires_grad_(False)
    return LanguageFrame(epoch, copy_of, bundle.tokenizer, int(bundle.x_train.shape[1]), bundle.name, mode)


def code_module(model):
    """(name, module) of the narrowest Linear layer before the last one: the code of an
    autoencoder. None when the model has no such layer."""
    from torch import nn

    linears = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    if len(linears) < 2:
        return None
    return min(linears[:-1], key=lambda pair: pair[1].out_features)


def _as_images(x: np.ndarray) -> np.ndarray:
    """(N, H, W) pictures of flat or channel-first samples (square ones for flat)."""
    if x.ndim == 4:
        return x[:, 0]
    if x.ndim == 3:
        return x
    side = int(round(math.sqrt(x.shape[1])))
    if side * side == x.shape[1]:
        return x.reshape(len(x), side, side)
    return x.reshape(len(x), 1, -1)


def autoencoder_frame(model, bundle, epoch: int) -> AutoencoderFrame:
    """Reconstructions of the first test images and the codes of up to AE_CODES of them."""
    import torch

    device, dtype = _device_dtype(model)
    split_x = bundle.x_test if len(bundle.x_test) else bundle.x_val if len(bundle.x_val) else bundle.x_train
    split_y = bundle.y_test if len(bundle.x_test) else bundle.y_val if len(bundle.x_val) else bundle.y_train
    x = split_x[:AE_CODES].to(device=device, dtype=dtype)
    found = code_module(model)
    captured: dict[str, Any] = {}
    handle = found[1].register_forward_hook(lambda m, i, o: captured.update(code=o)) if found else None
    try:
        output = _eval(model, x)
    finally:
        if handle is not None:
            handle.remove()
    error = float(torch.mean((output.float() - x.float()) ** 2))
    inputs = _as_images(x[:AE_IMAGES].float().cpu().numpy())
    outputs = _as_images(output[:AE_IMAGES].float().cpu().numpy())
    code = captured.get("code")
    codes = code.float().cpu().numpy().reshape(len(x), -1) if code is not None else np.zeros((len(x), 2))
    if codes.shape[1] == 1:
        codes = np.concatenate([codes, np.zeros_like(codes)], axis=1)
    labels = split_y[: len(x)].numpy() if split_y is not None and split_y.dtype != torch.float32 else None
    return AutoencoderFrame(epoch, inputs, outputs, codes[:, :2], labels, error)


# ---- one run ------------------------------------------------------------------------------


class RunWatch:
    """Everything watched during one run, called with each event on the training thread.

    `mode` is the run's training mode name. It keeps a `Timeline` of checkpoints, a copy
    of the model to replay them into (made on the training thread, between batches),
    and feeds a `Diagnostician`."""

    def __init__(self, hub: RunObservers, trainer, bundle) -> None:
        from graph_core.training.diagnosis import Diagnostician
        from graph_core.training.timeline import Timeline

        self.hub = hub
        self.trainer = trainer
        self.bundle = bundle
        self.mode = trainer.config.mode
        supervised = self.mode == "supervised"
        probe = bundle.x_train[:PROBE_SAMPLES] if supervised else None
        self.doctor = Diagnostician(trainer.model if supervised else None, probe)
        self.timeline = Timeline(every=1, max_bytes=TIMELINE_MAX_BYTES, max_per_second=TIMELINE_RECORDS_PER_S)
        self._record_tokens = float(TIMELINE_RECORDS_PER_S)
        self._last_refill = time.perf_counter()
        self.replica = None
        self.diffusion_forward: np.ndarray | None = None  # the diffusion view's forward process, made once
        self._next_frame = 0.0
        self._next_timeline = 0.0
        self._next_batch = 0.0

    def __call__(self, event: Any) -> None:
        from graph_core.training.events import DivergedEvent, EpochEvent, FinishedEvent, PausedEvent, StartedEvent

        if isinstance(event, StartedEvent):
            self._started(event)
        elif isinstance(event, EpochEvent):
            self._epoch(event)
        elif isinstance(event, (PausedEvent, FinishedEvent)):
            if event.epoch not in self.timeline.epochs:  # where the run stopped: always kept
                self.timeline.record(event.epoch, self.trainer.model)
            self._frame(event.epoch, force=True)
            self._publish_timeline(force=True)
        if isinstance(event, (EpochEvent, DivergedEvent, StartedEvent)):
            found = self.doctor.feed(event)
            if found:
                self.hub.findingsReady.emit(found)

    def _started(self, event) -> None:
        model = self.trainer.model
        self.replica = copy.deepcopy(model)
        self.timeline.record(event.epoch, model)
        self.hub.runWatched.emit(self)
        self._frame(event.epoch, force=True)

    def _epoch(self, event) -> None:
        # Weights of epochs that are due, but no more often than the timeline keeps them
        # (a fast run has thousands of epochs a second: copying each would cost the run
        # more than the training, and the timeline would thin them out again).
        # A token bucket: a short run keeps every epoch, a long fast one ~20 a second.
        now = time.perf_counter()
        self._record_tokens = min(
            TIMELINE_RECORDS_PER_S, self._record_tokens + (now - self._last_refill) * TIMELINE_RECORDS_PER_S
        )
        self._last_refill = now
        if self.timeline.due(event.epoch) and self._record_tokens >= 1:
            self._record_tokens -= 1
            self.timeline.record(event.epoch, self.trainer.model, event)
        else:
            self.timeline.extend_history([event])
        self._publish_timeline()
        self._frame(event.epoch, distance=event.extra.get("energy_distance"))
        self._batch(event.epoch)

    def _batch(self, epoch: int) -> None:
        now = time.perf_counter()
        if self.mode != "supervised" or now < self._next_batch:
            return
        self._next_batch = now + TIMELINE_INTERVAL_S
        self.hub.lossBatch.emit(loss_batch(self.trainer.model, self.bundle, epoch))

    def _publish_timeline(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now >= self._next_timeline:
            self._next_timeline = now + TIMELINE_INTERVAL_S
            self.hub.timelineChanged.emit(self)

    def _frame(self, epoch: int, force: bool = False, distance: float | None = None) -> None:
        if self.mode == "diffusion":
            self._diffusion_frame(epoch, force)
            return
        if self.mode not in ("gan", "reconstruction", *LANGUAGE_MODES):
            return
        now = time.perf_counter()
        if not force and now < self._next_frame:
            return
        interval = LANGUAGE_FRAME_INTERVAL_S if self.mode in LANGUAGE_MODES else FRAME_INTERVAL_S
        self._next_frame = now + interval
        model = self.trainer.model
        if self.mode in LANGUAGE_MODES:
            self.hub.languageFrame.emit(language_frame(model, self.bundle, epoch, self.mode))
        elif self.mode == "gan":
            samples = self.trainer.mode.sample(GAN_POINTS) if self.trainer.mode.generator is not None else None
            self.hub.ganFrame.emit(gan_frame(model, self.bundle, epoch, distance, samples))
        else:
            self.hub.autoencoderFrame.emit(autoencoder_frame(model, self.bundle, epoch))

    def _diffusion_frame(self, epoch: int, force: bool) -> None:
        """Sampling walks every step of the chain: frames come at most once a second and
        take at most DIFFUSION_FRAME_SHARE of the run (the forward process is drawn once)."""
        now = time.perf_counter()
        if not force and now < self._next_frame:
            return
        started = time.thread_time()
        frame = diffusion_frame(self.trainer.model, self.bundle, self.trainer.config, epoch, self.diffusion_forward)
        self.diffusion_forward = frame.forward
        cost = time.thread_time() - started
        self._next_frame = time.perf_counter() + max(DIFFUSION_FRAME_INTERVAL_S, cost / DIFFUSION_FRAME_SHARE)
        self.hub.diffusionFrame.emit(frame)

    # ---- replay (GUI thread) ----------------------------------------------------------
    def replay(self, epoch: int):
        """The replica with the weights of the recorded epoch at or before `epoch`:
        (that epoch, the model), or None before any checkpoint."""
        if self.replica is None or not self.timeline.epochs:
            return None
        found = self.timeline.restore_into(self.replica, epoch)
        return found, self.replica


class RunObservers(QObject):
    """Lives on the GUI thread; `watch` makes a `RunWatch` for each run the training
    controller launches (its `run_observers` call it). Its signals carry what the
    watches measured: they are queued to slots of GUI objects, whatever thread emits them."""

    findingsReady = Signal(object)  # list[Diagnosis]
    timelineChanged = Signal(object)  # RunWatch
    runWatched = Signal(object)  # RunWatch, when its run starts
    ganFrame = Signal(object)  # GANFrame
    diffusionFrame = Signal(object)  # DiffusionFrame
    autoencoderFrame = Signal(object)  # AutoencoderFrame
    languageFrame = Signal(object)  # LanguageFrame
    lossBatch = Signal(object)  # LossBatch

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current: RunWatch | None = None

    def watch(self, trainer, bundle) -> RunWatch | None:
        """A watch for a run about to start (called on the GUI thread)."""
        try:
            self.current = RunWatch(self, trainer, bundle)
        except Exception:  # the views are extras: a run they cannot watch still trains
            log.exception("this run is not watched")
            self.current = None
        return self.current
