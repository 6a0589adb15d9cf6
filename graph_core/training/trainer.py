"""The `Trainer`: a blocking training loop that any thread can run, reporting through
`on_event` and controlled from other threads by `stop`, `pause`, `resume` and `step`.

The mode object makes batches and steps optimizers; the trainer owns the loop, events,
divergence handling, learning-rate schedule, checkpoints and the device.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from graph_core.data.bundle import DataBundle
from graph_core.training import checkpoint
from graph_core.training.config import TrainingConfig
from graph_core.training.events import (
    DivergedEvent,
    EpochEvent,
    ErrorEvent,
    FinishedEvent,
    FinishReason,
    PausedEvent,
    StartedEvent,
    StepEvent,
    TrainingEvent,
)
from graph_core.training.metrics import Metrics
from graph_core.training.modes import (
    ReconstructionMode,
    SupervisedMode,
    TrainingMode,
    TrainingSetupError,
    make_mode,
)
from graph_core.training.optimizers import trainable_parameters
from graph_core.training.schedules import Schedule
from graph_core.training.transfer import node_id_of

log = logging.getLogger(__name__)

EventCallback = Callable[[TrainingEvent], None]
# Automatic validation keeps its cost near this share of training time: with 15% of
# the data held out, measuring it after every short epoch would cost 5-10% of the run.
VALIDATION_SHARE = 0.01
MAX_SECONDS_WITHOUT_VALIDATION = 10.0
TRAINING_STATE_FILE = "training_state.pt"
# "auto" captures CUDA graphs for networks up to this many trainable parameters: there a
# step is a few dozen tiny kernels and launching them costs more than running them.
CUDA_GRAPHS_MAX_PARAMETERS = 1_000_000


def resolve_device(name: str) -> torch.device:
    """`auto` is CUDA when available, else the CPU; `cuda` without CUDA is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainingSetupError("training.device: CUDA is not available on this machine; use auto or cpu")
    return torch.device(name)


class _LossMeter:
    """Running sum of batch losses. Eager: a float, synced each batch (someone listens
    to every step). Lazy: a device tensor, synced only when read, so the loop never
    waits for the device between batches."""

    def __init__(self, device: torch.device, eager: bool) -> None:
        self.eager = eager
        self._value = 0.0
        self._sum = None if eager else torch.zeros((), device=device)

    def add(self, loss: torch.Tensor) -> None:
        if self.eager:
            self._value += loss.item()
        else:
            self._sum += loss.float()

    def add_value(self, loss_sum: float) -> None:
        """Add a sum of batch losses already in hand (the fast path's); eager meters only."""
        self._value += loss_sum

    def total(self) -> float:
        return self._value if self.eager else self._sum.item()


class Trainer:
    """Train `model` on `data` with `config`, reporting to `on_event`.

    `run()` blocks until training completes, is stopped, diverges or fails, and returns
    the `FinishedEvent`; exceptions become `ErrorEvent`s, never escape. The model is
    moved to the chosen device in place. `step_event_every` sends a `StepEvent` every
    n batches (0: none); with a slow listener, raise it rather than drop events. On
    CUDA each step event waits for the device, so a GUI there should ask for fewer.
    `step_event_interval` (seconds, 0: none) also keeps step events at least that far
    apart (an epoch's last batch is always reported): each then reports the mean loss
    of all batches since the previous one. A view that draws 30 times a second needs
    no more. The batches between two possible events (`step_event_every`) still go in
    one call on the fast path.

    `validate_every` measures the validation split every n epochs. By default (None)
    the trainer measures as often as keeps validation near 1% of training time (every
    few epochs for tiny networks, whose epochs take milliseconds), and at least every
    10 s of training; always after the first and the last epoch. Epochs without a
    measurement report `val_loss`, `accuracy` and `error_rate` as None.

    `fast` chooses the fast path for small networks (`graph_core.training.fast`: a
    Linear/activation chain trained by compiled kernels, many steps per call, with the
    same batches, losses to rounding, events and controls). "auto" (default) takes it
    when the network and settings allow and the kernels are already loaded in this
    process (`graph_core.training.fast.warm_up()`, e.g. in the background at start-up):
    it never waits for them. "on" loads them, waiting (compiled once per machine, then
    cached); "off" never uses it. The choice is made once, in `prepare`;
    `uses_fast_path` tells it and `fast_reason` says why a run is not on it.

    `cuda_graphs` chooses, on a CUDA device, to replay one captured CUDA graph per batch
    instead of launching a step's kernels one by one (`fast.cuda_graphs.GraphedStep`):
    supervised and reconstruction training with a constant learning rate. "auto"
    (default) does it for networks up to `CUDA_GRAPHS_MAX_PARAMETERS` (launch-bound
    ones), "on" for any size, "off" never. The graph is captured at the first
    full-size batch and leaves no trace: the run sees the batches and updates an eager
    run would (an epoch's last smaller batch trains eagerly). A step that cannot be
    captured (one that reads values back from the GPU, say) leaves the run eager; one
    that breaks inside torch's capture leaves every later run of the process eager too.
    `uses_cuda_graphs` tells it and `cuda_graphs_reason` says why a run does not use them.

    `num_threads` calls `torch.set_num_threads` before training. It is process-wide,
    so the trainer leaves it alone unless asked: a GUI training small networks beside
    its own thread runs best with 1 (several threads on a busy 2-core machine made
    steps 10-20x slower), while a headless run on a big machine wants them all.

    The control methods are thread-safe and take effect before the next batch. Call
    `save_checkpoint` from `on_event` or when no run is in progress.
    """

    def __init__(
        self,
        model: nn.Module,
        data: DataBundle,
        config: TrainingConfig,
        on_event: EventCallback | None = None,
        mode: TrainingMode | None = None,
        *,
        num_threads: int | None = None,
        step_event_every: int = 1,
        step_event_interval: float = 0.0,
        validate_every: int | None = None,
        fast: str = "auto",
        cuda_graphs: str = "auto",
    ) -> None:
        if fast not in ("auto", "on", "off"):
            raise ValueError(f"fast: must be auto, on or off, got {fast!r}")
        if cuda_graphs not in ("auto", "on", "off"):
            raise ValueError(f"cuda_graphs: must be auto, on or off, got {cuda_graphs!r}")
        self.model = model
        self.data = data
        self.config = config
        self.mode = mode if mode is not None else make_mode(config.mode)
        self.on_event = on_event
        self.num_threads = num_threads
        self.step_event_every = step_event_every
        self.step_event_interval = step_event_interval
        self._next_step_event = 0.0  # perf_counter time before which no step event is due
        self.validate_every = validate_every
        self.fast = fast
        self.fast_reason: str | None = None
        self._fast_runner = None
        self.cuda_graphs = cuda_graphs
        self.cuda_graphs_reason: str | None = None
        self._graphs_planned = False  # whether full-size batches replay a CUDA graph
        self._graphed = None  # the captured GraphedStep, once the first full batch came
        self._validation_seconds: float | None = None
        self._train_seconds_since_validation = 0.0
        self.device: torch.device | None = None
        self.epoch = 0  # completed epochs
        self.global_step = 0
        self.history: list[EpochEvent] = []
        self.test_metrics: Metrics | None = None
        self.lr = config.lr
        self._control = threading.Condition()
        self._stop_requested = False
        self._paused = False
        self._step_credits = 0
        self._running = False
        self._prepared = False
        self._generator = torch.Generator()
        self._schedule: Schedule | None = None
        self._node_params: list[tuple[str, nn.Parameter]] = []
        self._snapshot: list[tuple[torch.Tensor, torch.Tensor]] = []
        self._paused_seconds = 0.0

    # ---- controls (any thread) -------------------------------------------------------

    def stop(self) -> None:
        """End the run in progress before its next batch (also while paused). Called
        before `run()` has started, the run ends before its first batch: a Stop pressed
        while the training thread is still starting is never lost."""
        with self._control:
            self._stop_requested = True
            self._control.notify_all()

    def pause(self) -> None:
        """Wait before the next batch until `resume`, `step` or `stop`.

        Called before `run`, the run starts paused (a Step button on a fresh run).
        """
        with self._control:
            self._paused = True

    def resume(self) -> None:
        with self._control:
            self._paused = False
            self._control.notify_all()

    def step(self) -> None:
        """While paused, train exactly one more batch (then stay paused)."""
        with self._control:
            if self._paused:
                self._step_credits += 1
                self._control.notify_all()

    @property
    def is_running(self) -> bool:
        return self._running

    @property
    def is_paused(self) -> bool:
        return self._paused

    # ---- setup -----------------------------------------------------------------------

    def check(self) -> str | None:
        """Why this network, data and config cannot train (a message), or None.

        Runs the network on two samples to learn its output shape; an exception there
        (a network that cannot run on this data) comes back as its message.
        """
        try:
            resolve_device(self.config.device)
            return self.mode.check(self.model, self.data, self.config)
        except Exception as error:
            return str(error) if isinstance(error, TrainingSetupError) else f"{type(error).__name__}: {error}"

    def prepare(self) -> None:
        """Choose the device, check the setup, seed, and build loss and optimizers.

        `run` does this on first use; call it early to surface setup errors as
        exceptions (`TrainingSetupError` for the ones a user can fix).
        """
        if self._prepared:
            return
        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        self.device = resolve_device(self.config.device)
        self.model.to(self.device)
        self._seed()
        self.mode.prepare(self.model, self.data, self.config, self.device)
        self._schedule = Schedule.from_config(self.config, self.steps_per_epoch)
        for optimizer in self.mode.optimizers():
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        self._node_params = [
            (node_id_of(name, module), p)
            for module in self.mode.modules().values()
            for name, p in module.named_parameters()
            if p.requires_grad
        ]
        self._snapshot = [(t, t.detach().clone()) for t in self._state_tensors()]
        self._plan_fast_path()
        self._plan_cuda_graphs()
        self._prepared = True

    def _plan_fast_path(self) -> None:
        """Choose the path once, here: a run is all eager or all fast, never a mix."""
        if self.fast == "off":
            self.fast_reason = "the fast path is off"
            return
        try:
            from graph_core.training.fast import plan_fast_training
        except ImportError as error:  # a partial install: the eager path always works
            self.fast_reason = f"the fast path cannot be imported: {error}"
            return
        plan = plan_fast_training(self.mode, self.config, self.device, auto=self.fast == "auto")
        if isinstance(plan, str):
            self.fast_reason = plan
            return
        self._fast_runner = plan.runner(block=self.fast == "on")
        if self._fast_runner is None:
            from graph_core.training.fast.compiler import unavailable_reason

            self.fast_reason = unavailable_reason() or "the fast path's kernels could not be loaded"

    @property
    def uses_fast_path(self) -> bool:
        """Whether epochs now run on the fast path."""
        return self._fast_runner is not None

    def _plan_cuda_graphs(self) -> None:
        self.cuda_graphs_reason = self._cuda_graphs_problem()
        self._graphs_planned = self.cuda_graphs_reason is None

    def _cuda_graphs_problem(self) -> str | None:
        if self.cuda_graphs == "off":
            return "CUDA graphs are off"
        if not _is_cuda(self.device):
            return f"CUDA graphs are for CUDA devices; this run trains on {self.device.type}"
        if type(self.mode) not in (SupervisedMode, ReconstructionMode):
            return f"CUDA graphs capture supervised and reconstruction training, not {self.mode.name}"
        if not self._schedule.is_constant:
            return "the learning rate changes during the run, and a captured step keeps the rate it was captured with"
        from graph_core.training.fast.cuda_graphs import capture_problem

        problem = capture_problem(self.mode)
        if problem:
            return problem
        count = sum(p.numel() for p in trainable_parameters(self.mode.modules().values()))
        if self.cuda_graphs == "auto" and count > CUDA_GRAPHS_MAX_PARAMETERS:
            return (
                f"the network has {count:,} trainable parameters; auto uses CUDA graphs up to "
                f"{CUDA_GRAPHS_MAX_PARAMETERS:,}, where launching kernels costs more than running them"
            )
        return None

    @property
    def uses_cuda_graphs(self) -> bool:
        """Whether full-size batches replay a captured CUDA graph (captured at the first)."""
        return self._graphs_planned

    def _train_step(self, batch) -> torch.Tensor:
        graphed = self._graphed
        if graphed is None and self._graphs_planned:
            graphed = self._capture_graph(batch)
        if graphed is not None:
            return graphed.step(batch)
        return self.mode.train_step(batch)

    def _capture_graph(self, batch):
        """Capture the step at a full-size batch (a smaller one trains eagerly and the
        next full one captures); a capture that fails leaves the run eager, saying why."""
        if len(batch[0]) != min(self.config.batch_size, self.mode.train_size):
            return None
        from graph_core.training.fast.cuda_graphs import GraphedStep

        try:
            self._graphed = GraphedStep.capture(self.mode, batch)
        except Exception as error:  # GraphedStep put everything back: train eagerly
            log.info("CUDA graph capture failed; training eagerly", exc_info=True)
            lines = str(error).strip().splitlines()
            detail = type(error).__name__ + (f": {lines[0][:200]}" if lines else "")
            asked = "CUDA graphs were asked for, but " if self.cuda_graphs == "on" else ""
            self.cuda_graphs_reason = f"{asked}the CUDA graph capture failed, so this run trains eagerly ({detail})"
            self._graphs_planned = False
        return self._graphed

    def _drop_graph(self) -> None:
        """Forget the captured step (the next full batch captures again): called
        whenever tensors it writes are replaced or the learning rate changes."""
        if self._graphed is not None:
            self._graphed.release()
            self._graphed = None

    def _seed(self) -> None:
        """The global seed covers dropout and other in-model randomness; shuffling has
        its own generator, so listeners drawing random numbers cannot change it."""
        seed = self.config.seed
        # Seeding only the generators in use: `torch.manual_seed` also queues seeds for
        # every accelerator kind, which costs more than a short run's whole setup.
        torch.random.default_generator.manual_seed(seed)
        if self.device.type == "cuda":
            torch.cuda.manual_seed_all(seed)
        self._generator.manual_seed(seed)

    @property
    def steps_per_epoch(self) -> int:
        return max(1, math.ceil(self.mode.train_size / self.config.batch_size))

    def _state_tensors(self) -> list[torch.Tensor]:
        return [t for module in self.mode.modules().values() for t in module.state_dict().values()]

    # ---- the run -----------------------------------------------------------------------

    def run(self) -> FinishedEvent:
        """Train until `config.epochs` are done (continuing from `self.epoch`)."""
        with self._control:
            if self._running:
                raise RuntimeError("this Trainer is already running")
            self._running = True
        self._started_at = time.perf_counter()
        self._paused_seconds = 0.0
        try:
            finished = self._run()
        except Exception as error:  # the training thread must survive anything
            finished = self._fail(error)
        finally:
            with self._control:
                self._running = False
                self._stop_requested = False
                self._paused = False
                self._step_credits = 0
        self._emit_safely(finished)
        return finished

    def _run(self) -> FinishedEvent:
        self.prepare()
        self._first_epoch = self.epoch
        self._emit(
            StartedEvent(str(self.device), self.epoch, self.config.epochs, self.steps_per_epoch, self.mode.train_size)
        )
        reason: FinishReason = "completed"
        while self.epoch < self.config.epochs and reason == "completed":
            runner = self._fast_runner
            reason = (self._train_epoch_fast(runner) if runner else self._train_epoch()) or "completed"
        self.test_metrics = self.mode.evaluate("test")
        return FinishedEvent(reason, self.epoch, self.global_step, self._elapsed(), self.test_metrics)

    def _fail(self, error: Exception) -> FinishedEvent:
        if isinstance(error, TrainingSetupError):
            message, trace = str(error), ""
        elif _is_out_of_memory(error):
            message, trace = self._out_of_memory(error), traceback.format_exc()
        else:
            message, trace = f"{type(error).__name__}: {error}", traceback.format_exc()
        self._emit_safely(ErrorEvent(message, trace))
        return FinishedEvent("error", self.epoch, self.global_step, self._elapsed(), None, message)

    def _out_of_memory(self, error: BaseException) -> str:
        """A step that ran out of memory may have updated some weights and not others:
        put back the last good ones and hand the cached memory back, so the next run
        (with a smaller batch) starts clean."""
        if self._prepared:
            self._restore_snapshot()
        on_gpu = self.device is not None and self.device.type == "cuda"
        if on_gpu:
            torch.cuda.empty_cache()
        restored = f"the weights from the end of epoch {self.epoch}" if self.epoch else "the initial weights"
        detail = str(error).strip().split("\n")[0][:160]
        return (
            f"Out of memory in epoch {self.epoch + 1} (step {self.global_step + 1}); training stopped and {restored} "
            f"were restored. Try a smaller batch size (now {self.config.batch_size}) or a smaller network"
            + (", or train on the CPU." if on_gpu else ".")
            + (f" ({detail})" if detail else "")
        )

    def _train_epoch(self) -> FinishReason | None:
        """One epoch; returns why training must end, or None to go on."""
        every = self.step_event_every if self.on_event is not None else 0
        meter = _LossMeter(self.device, eager=every == 1)
        size, batch_size = self.mode.train_size, self.config.batch_size
        window = _Window(self._active_time())
        epoch_start = window.start
        steps = 0
        for index, batch in enumerate(self.mode.epoch_batches(self._generator, batch_size)):
            single_step = False
            if self._stop_requested or self._paused:
                single_step = self._wait_while_paused()
                if single_step is None:
                    return "stopped"
            if not self._schedule.is_constant:
                self._set_lr(self._schedule.factor(self.epoch, index))
            meter.add(self._train_step(batch))
            steps += 1
            self.global_step += 1
            window.samples += min(batch_size, size - index * batch_size)
            if single_step or (every and steps % every == 0 and self._step_event_due(steps)):
                reason = self._report_steps(meter, steps, window)
                if reason:
                    return reason
        epoch_seconds = self._active_time() - epoch_start
        self._train_seconds_since_validation += epoch_seconds
        return self._finish_epoch(meter.total() / max(steps, 1), size / max(epoch_seconds, 1e-9))

    def _train_epoch_fast(self, runner) -> FinishReason | None:
        """`_train_epoch` on the fast path: the same batch order, events and controls;
        the steps up to the next event (or the runner's time slice, after which stop
        and pause are looked at) go in one call."""
        every = self.step_event_every if self.on_event is not None else 0
        meter = _LossMeter(self.device, eager=True)
        size, batch_size, total = self.mode.train_size, self.config.batch_size, self.steps_per_epoch
        window = _Window(self._active_time())
        epoch_start = window.start
        # The draw TensorBatcher makes, so the fast path sees the eager path's batches.
        order = torch.randperm(size, generator=self._generator).numpy()
        factors = self._epoch_lr_factors(total)
        index = 0
        while index < total:
            single_step = False
            if self._stop_requested or self._paused:
                single_step = self._wait_while_paused()
                if single_step is None:
                    return "stopped"
            # The steps up to the next possible event go in one call (as many as fit the
            # runner's time slice); the interval only decides whether that event is sent.
            cadence = every - index % every if every else total
            count = 1 if single_step else min(total - index, cadence, runner.max_steps)
            if factors is not None:
                self._set_lr(float(factors[index + count - 1]))
            lrs = self._fast_lrs(factors, index, count)
            meter.add_value(float(runner.run(order, index, lrs).sum()))
            self.global_step += count
            window.samples += min(batch_size * (index + count), size) - batch_size * index
            index += count
            if single_step or (every and index % every == 0 and self._step_event_due(index)):
                reason = self._report_steps(meter, index, window)
                if reason:
                    return reason
        epoch_seconds = self._active_time() - epoch_start
        self._train_seconds_since_validation += epoch_seconds
        return self._finish_epoch(meter.total() / max(index, 1), size / max(epoch_seconds, 1e-9))

    def _epoch_lr_factors(self, steps: int) -> np.ndarray | None:
        if self._schedule.is_constant:
            return None
        return np.array([self._schedule.factor(self.epoch, i) for i in range(steps)])

    def _fast_lrs(self, factors: np.ndarray | None, index: int, count: int) -> np.ndarray:
        group = self.mode.optimizers()[0].param_groups[0]
        if factors is None:
            return np.full(count, float(group["lr"]))
        return group["initial_lr"] * factors[index : index + count]

    def _wait_while_paused(self) -> bool | None:
        """Block while paused. None: stop; True: one single step granted; False: go on."""
        waited_from = time.perf_counter()
        announced = False
        try:
            while True:
                with self._control:
                    if self._stop_requested:
                        return None
                    if not self._paused:
                        return False
                    if self._step_credits:
                        self._step_credits -= 1
                        return True
                    if announced:
                        self._control.wait()
                        continue
                # Announce outside the lock: a listener may call resume() or stop().
                self._emit(PausedEvent(self.epoch + 1, self.global_step))
                announced = True
        finally:
            self._paused_seconds += time.perf_counter() - waited_from

    def _step_event_due(self, steps_done: int) -> bool:
        """Whether the interval since the last step event has passed; an epoch's last
        batch is always reported, so a curve of step losses has a point in every epoch
        and ends where the run did."""
        if not self.step_event_interval:
            return True
        if steps_done >= self.steps_per_epoch:
            return True
        now = time.perf_counter()
        if now < self._next_step_event:
            return False
        self._next_step_event = now + self.step_event_interval
        return True

    def _report_steps(self, meter: _LossMeter, steps: int, window: _Window) -> FinishReason | None:
        total = meter.total()
        if not math.isfinite(total):
            return self._diverge(total)
        now = self._active_time()
        loss = (total - window.loss_total) / max(steps - window.steps, 1)
        rate = window.samples / max(now - window.start, 1e-9)
        self._emit(StepEvent(self.epoch + 1, self.global_step, loss, self.lr, rate, self.mode.step_extras()))
        window.reset(now, total, steps)
        return None

    def _finish_epoch(self, train_loss: float, samples_per_sec: float) -> FinishReason | None:
        if not math.isfinite(train_loss):
            return self._diverge(train_loss)
        val_loss, accuracy = self._validate() if self._validation_due() else (None, None)
        grad_norms, weights_finite = self._grad_norms_and_health()
        if (val_loss is not None and not math.isfinite(val_loss)) or not weights_finite:
            return self._diverge(float("nan"))
        self.epoch += 1
        self._keep_snapshot()
        elapsed = self._elapsed()
        done = self.epoch - self._first_epoch
        event = EpochEvent(
            epoch=self.epoch,
            epochs=self.config.epochs,
            step=self.global_step,
            train_loss=train_loss,
            val_loss=val_loss,
            accuracy=accuracy,
            error_rate=None if accuracy is None else 1.0 - accuracy,
            lr=self.lr,
            grad_norms=grad_norms,
            samples_per_sec=samples_per_sec,
            elapsed=elapsed,
            eta=elapsed / done * (self.config.epochs - self.epoch),
            extra=self.mode.epoch_extras(),
        )
        self.history.append(event)
        self._emit(event)
        return None

    def _validation_due(self) -> bool:
        epoch = self.epoch + 1
        if epoch >= self.config.epochs:
            return True
        if self.validate_every:
            return epoch % self.validate_every == 0
        if self._validation_seconds is None:
            return True
        since = self._train_seconds_since_validation
        return since * VALIDATION_SHARE >= self._validation_seconds or since >= MAX_SECONDS_WITHOUT_VALIDATION

    def _validate(self) -> tuple[float | None, float | None]:
        started = time.perf_counter()
        scores = self.mode.validation_scores()
        self._validation_seconds = time.perf_counter() - started
        self._train_seconds_since_validation = 0.0
        return scores

    def _grad_norms_and_health(self) -> tuple[dict[str, float], bool]:
        """L2 gradient norm per node id (last batch) and whether all weights are finite,
        with a single device sync."""
        if self._fast_runner is not None:  # the same numbers from its buffers, 8x cheaper
            return self._fast_runner.grad_norms_and_health(self._node_params)
        with_grad = [(node, p.grad) for node, p in self._node_params if p.grad is not None]
        params = [p.detach() for _, p in self._node_params]
        if not params:
            return {}, True
        norms = torch._foreach_norm([g for _, g in with_grad] + params)
        values = torch.stack(norms).double().tolist()
        squares: dict[str, float] = {}
        for (node, _), norm in zip(with_grad, values, strict=False):
            squares[node] = squares.get(node, 0.0) + norm * norm
        weights_finite = all(math.isfinite(v) for v in values[len(with_grad) :])
        return {node: math.sqrt(s) for node, s in squares.items()}, weights_finite

    def _diverge(self, loss: float) -> FinishReason:
        self._restore_snapshot()
        what = "NaN" if math.isnan(loss) else "infinite"
        restored = f"the weights from the end of epoch {self.epoch}" if self.epoch else "the initial weights"
        message = (
            f"The loss became {what} during epoch {self.epoch + 1} (step {self.global_step}); training stopped "
            f"and {restored} were restored. Try a smaller learning rate (now {self.lr:g}) or gradient clipping."
        )
        self._emit(DivergedEvent(self.epoch + 1, self.global_step, message))
        return "diverged"

    def _keep_snapshot(self) -> None:
        if self._fast_runner is not None:  # one copy of its flat weights, not one per tensor
            self._fast_runner.keep_snapshot()
            return
        with torch.no_grad():
            for live, saved in self._snapshot:
                saved.copy_(live)

    def _restore_snapshot(self) -> None:
        if self._fast_runner is not None:
            self._fast_runner.restore_snapshot()
        else:
            with torch.no_grad():
                for live, saved in self._snapshot:
                    live.copy_(saved)
        # Optimizer statistics (Adam's averages, momentum) are poisoned too.
        self._drop_graph()  # it points at the statistics cleared here
        for optimizer in self.mode.optimizers():
            optimizer.state.clear()

    def _set_lr(self, factor: float) -> None:
        self._drop_graph()  # a captured step keeps its rate
        for optimizer in self.mode.optimizers():
            for group in optimizer.param_groups:
                group["lr"] = group["initial_lr"] * factor
        self.lr = self.config.lr * factor

    def _active_time(self) -> float:
        return time.perf_counter() - self._paused_seconds

    def _elapsed(self) -> float:
        return self._active_time() - self._started_at

    def _emit(self, event: TrainingEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _emit_safely(self, event: TrainingEvent) -> None:
        try:
            self._emit(event)
        except Exception:
            log.exception("the training event listener failed on %s", type(event).__name__)

    # ---- checkpoints ------------------------------------------------------------------

    def save_checkpoint(self, directory: str | Path) -> Path:
        """Write `<role>.safetensors` per network (`model.safetensors`), the training
        state, `history.csv`/`history.json` and `test_metrics.json` (when measured)."""
        self.prepare()
        folder = Path(directory)
        for role, module in self.mode.modules().items():
            checkpoint.save_weights(module, folder / f"{role}.safetensors", {"format": "neuroloom-weights"})
        checkpoint.save_training_state(folder / TRAINING_STATE_FILE, self._training_state())
        checkpoint.save_history(self.history, folder / "history.csv", folder / "history.json")
        if self.test_metrics is not None:
            checkpoint.save_metrics(self.test_metrics, folder / "test_metrics.json")
        return folder

    def load_checkpoint(self, directory: str | Path) -> None:
        """Restore weights, optimizer state, counters, shuffling and history. Every file is
        read and checked before anything changes: a missing, damaged or hostile one raises
        `checkpoint.CheckpointError` naming it, and the trainer stays as it was."""
        self.prepare()
        folder = Path(directory)
        state_file = folder / TRAINING_STATE_FILE
        state = checkpoint.load_training_state(state_file)
        history = folder / "history.json"
        past = checkpoint.load_history(history) if history.exists() else []
        optimizers = self.mode.optimizers()
        if len(state["optimizers"]) != len(optimizers):
            raise checkpoint.CheckpointError(
                f"{state_file}: holds {len(state['optimizers'])} optimizer state(s); this training has {len(optimizers)}"
            )
        self._drop_graph()  # loading replaces the optimizer state it points at
        before = [optimizer.state_dict() for optimizer in optimizers]
        try:
            for optimizer, saved in zip(optimizers, state["optimizers"], strict=True):
                optimizer.load_state_dict(saved)
            weights = [(module, folder / f"{role}.safetensors") for role, module in self.mode.modules().items()]
            checkpoint.load_weights_all(weights)  # all or nothing
        except Exception as error:  # torch rejects a saved optimizer state in many ways
            for optimizer, saved in zip(optimizers, before, strict=True):
                optimizer.load_state_dict(saved)
            if isinstance(error, checkpoint.CheckpointError):
                raise
            raise checkpoint.CheckpointError(f"{state_file}: the optimizer state does not fit this network") from None
        self.epoch, self.global_step = state["epoch"], state["global_step"]
        self._generator.set_state(state["generator"])
        self.history = past
        self._keep_snapshot()

    def _training_state(self) -> dict:
        return {
            "epoch": self.epoch,
            "global_step": self.global_step,
            "generator": self._generator.get_state(),
            "optimizers": self._optimizer_states(),
            "config": self.config.to_dict(),
        }

    def _optimizer_states(self) -> list[dict]:
        states = [optimizer.state_dict() for optimizer in self.mode.optimizers()]
        if self._graphed is not None:  # saved as an uncaptured run has it: loadable anywhere
            self._graphed.plain_state_dicts(states)
        return states


def _is_cuda(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_available()


def _is_out_of_memory(error: BaseException) -> bool:
    """A device's OutOfMemoryError, or the CPU allocator's failure (a RuntimeError)."""
    if isinstance(error, (torch.OutOfMemoryError, MemoryError)):
        return True
    return isinstance(error, RuntimeError) and "can't allocate memory" in str(error)


class _Window:
    """What happened since the last step event: start time, loss total, steps, samples."""

    def __init__(self, start: float) -> None:
        self.reset(start, 0.0, 0)

    def reset(self, start: float, loss_total: float, steps: int) -> None:
        self.start = start
        self.loss_total = loss_total
        self.steps = steps
        self.samples = 0
