"""One training step of a supervised (or reconstruction) mode captured as a CUDA graph
and replayed per batch, for small networks on a GPU.

There a 2-4-2-1 step is some forty kernel launches of a few microseconds each, so the
GPU loses to the CPU on launch overhead alone; a captured graph replays them in one
launch. The `Trainer` uses `GraphedStep` on CUDA (`Trainer(cuda_graphs=...)`); the
fast path stays on the CPU.

Capturing leaves no trace: the warm-up steps torch needs before a capture (and the
capture itself) train on the example batch, so every weight, buffer and optimizer
statistic is put back afterwards, and statistics the warm-up created are zeroed, which
is what a fresh optimizer starts from. The run then sees exactly the batches and
updates an eager run would, to the last bit where the kernels are the same.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

from graph_core.training.optimizers import trainable_parameters

WARMUP_STEPS = 3
# Optimizers a graph can hold: their whole state lives in device tensors. Adagrad keeps
# its step count on the CPU (no capturable mode), so a replay would not advance it.
CAPTURABLE = ("SGD", "Adam", "AdamW", "RMSprop")

Run = Callable[[], torch.Tensor]

# Why captures are off for the rest of the process, after one failed inside the capture:
# torch leaves its allocators set up for a capture then, and `_undo_failed_capture` can
# only mend what this torch lets it.
_failed_capture: str | None = None


def capture_problem(mode: Any) -> str | None:
    """Why `mode`'s step cannot be captured faithfully, or None (checked before trying)."""
    if _failed_capture is not None:
        return _failed_capture
    for optimizer in mode.optimizers():
        name = type(optimizer).__name__
        if name not in CAPTURABLE:
            return f"{name} keeps part of its state on the CPU, which a CUDA graph cannot update"
        for group in optimizer.param_groups:
            if name == "SGD" and group.get("momentum") and group.get("dampening"):
                # A fresh buffer starts as the first gradient; a zeroed one would damp it.
                return "SGD with dampening starts its momentum unlike a captured step would"
            if group.get("differentiable") or torch.is_tensor(group.get("lr")):
                return f"{name} with a tensor learning rate or differentiable steps"
    return None


class GraphedStep:
    """`mode.train_step` for batches shaped like one example batch, as one replayed
    CUDA graph (other shapes, such as an epoch's last smaller batch, train eagerly:
    the same math).

    Build it with `capture` from a prepared mode; `step(batch)` then trains one batch
    and returns its loss as a device tensor that the next step overwrites (read or add
    it before then). The graph holds the addresses of the weights, gradients, buffers
    and optimizer state: whoever replaces any of them (clears or loads optimizer state,
    changes the learning rate, which the graph has baked in) must `release` it and
    capture again. Copies into the existing tensors (`copy_`) are fine.
    """

    def __init__(
        self,
        mode: Any,
        graph: Any,
        static_batch: tuple[torch.Tensor, ...],
        static_loss: torch.Tensor,
        capturable_before: list[list[bool | None]],
    ) -> None:
        self._mode = mode
        self._graph = graph
        self._static_batch = static_batch
        self._static_loss = static_loss
        self._params = trainable_parameters(mode.modules().values())
        # The gradients the graph writes: `.grad` of every parameter points at them after
        # a replay, so gradient norms read the last batch's, as on the eager path.
        self._static_grads = [p.grad for p in self._params]
        self._grads_elsewhere = False
        self._capturable_before = capturable_before
        self._shapes = [(t.shape, t.dtype) for t in static_batch]

    @classmethod
    def capture(cls, mode: Any, example_batch: Sequence[torch.Tensor], warmup_steps: int = WARMUP_STEPS) -> GraphedStep:
        """Capture `mode.train_step` on batches shaped like `example_batch`.

        Raises when the step cannot be captured (an optimizer with CPU state, a host
        sync in the network or loss, no CUDA); everything is then as it was before.
        """
        problem = capture_problem(mode)
        if problem:
            raise ValueError(problem)
        if not isinstance(example_batch, (tuple, list)) or not all(torch.is_tensor(t) for t in example_batch):
            raise TypeError(f"a graphed step needs a batch of tensors, got {type(example_batch).__name__}")
        optimizers = mode.optimizers()
        saved = _Saved(mode)
        capturable_before = _capturable_flags(optimizers)
        try:
            _make_capturable(optimizers)
            static_batch = tuple(t.detach().clone() for t in example_batch)
            with _same_random_numbers(static_batch[0].device):

                def run() -> torch.Tensor:
                    return mode.train_step(static_batch)

                _warm_up(run, warmup_steps)
                graph, static_loss = _capture(run)
        except BaseException:
            saved.restore(forget_new_state=True)
            _restore_capturable(optimizers, capturable_before)
            raise
        saved.restore(forget_new_state=False)
        return cls(mode, graph, static_batch, static_loss, capturable_before)

    def fits(self, batch: Sequence[torch.Tensor]) -> bool:
        """Whether `batch` has the captured shapes (and dtypes)."""
        shapes = self._shapes
        return len(batch) == len(shapes) and all(
            t.shape == shape and t.dtype == dtype for t, (shape, dtype) in zip(batch, shapes)
        )

    def step(self, batch: Sequence[torch.Tensor]) -> torch.Tensor:
        """Train one batch; its loss, on the device (no sync)."""
        if not self.fits(batch):
            self._grads_elsewhere = True  # the eager step gives the parameters new gradients
            return self._mode.train_step(batch)
        if self._grads_elsewhere:
            for p, grad in zip(self._params, self._static_grads):
                p.grad = grad
            self._grads_elsewhere = False
        for static, t in zip(self._static_batch, batch):
            static.copy_(t)
        self._replay()
        return self._static_loss

    def _replay(self) -> None:
        self._graph.replay()

    def release(self) -> None:
        """Forget the graph (its memory goes back once nothing else holds it) and put
        the optimizers' `capturable` flags back, so saved or later state is plain."""
        _restore_capturable(self._mode.optimizers(), self._capturable_before)
        reset = getattr(self._graph, "reset", None)
        if reset is not None:
            reset()
        self._graph = None

    def plain_state_dicts(self, states: list[dict]) -> list[dict]:
        """`optimizer.state_dict()`s as the optimizers would give them uncaptured: the
        `capturable` flag (which a CPU run cannot use) as it was. Changed in place."""
        for state, flags in zip(states, self._capturable_before):
            for group, flag in zip(state["param_groups"], flags):
                if flag is not None:
                    group["capturable"] = flag
        return states


# ---- the torch calls (module functions, so a test can stand in for them without a GPU) --------


def _warm_up(run: Run, steps: int) -> None:
    """`steps` eager steps on a side stream, as torch asks before a capture (cuBLAS
    handles, autograd's streams and optimizer state are made there). The last must not
    wait for the GPU: such a step cannot be captured, and it is better refused here
    than in a capture, which fails messily."""
    if not torch.cuda.is_available():
        raise RuntimeError("CUDA graphs need a CUDA device")
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    try:
        with torch.cuda.stream(side):
            for index in range(steps):
                if index < steps - 1:
                    run()  # first calls may sync once (library handles, lazy state)
                    continue
                with _host_syncs_refused():
                    run()
    finally:  # also before a failed warm-up's state is put back
        torch.cuda.current_stream().wait_stream(side)


@contextlib.contextmanager
def _host_syncs_refused() -> Iterator[None]:
    """Raise after the block when it waited for the GPU (`.item()`, `.cpu()`, a Python
    `if` on a tensor, ops whose output size depends on the data).

    torch's sync debug mode is process-wide; "warn" (not "error") leaves other threads
    working, at worst a sync of theirs is counted here and this run stays eager.
    """
    before = torch.cuda.get_sync_debug_mode()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            yield
        finally:
            torch.cuda.set_sync_debug_mode(before)
    syncs = [w for w in caught if "synchronizing" in str(w.message).lower()]
    if syncs:
        where = f"{syncs[0].filename}:{syncs[0].lineno}"
        raise RuntimeError(f"the training step waits for the GPU (a synchronizing operation at {where})")


def _capture(run: Run) -> tuple[Any, torch.Tensor]:
    # thread_local: a GUI thread touching the GPU during the capture is not an error.
    graph = torch.cuda.CUDAGraph()
    pool = torch.cuda.graph_pool_handle()  # known here, to be released after a failure
    stream = torch.cuda.current_stream()
    try:
        with torch.cuda.graph(graph, pool=pool, capture_error_mode="thread_local"):
            loss = run()
    except BaseException as error:
        # When ending a broken capture raises, torch.cuda.graph skips switching back to
        # the caller's stream: the eager steps that follow must not run on its own.
        torch.cuda.set_stream(stream)
        _undo_failed_capture(graph, pool, error)
        raise
    return graph, loss


def _undo_failed_capture(graph: Any, pool: Any, error: BaseException) -> None:
    """A capture that broke leaves the caching allocator allocating into the graph's
    pool (torch's capture_end raises before it ends that), and later `empty_cache()`
    calls then fail. End and release the pool (private torch calls, where this torch
    has them), and capture no more in this process."""
    global _failed_capture
    first = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
    _failed_capture = f"a CUDA graph capture failed earlier in this process ({first}); training stays eager"
    device = torch.cuda.current_device()
    try:
        torch._C._cuda_endAllocateToPool(device, pool)
    except RuntimeError:  # torch ended it itself (the capture ended; the step raised)
        return
    except AttributeError:  # another torch: nothing to mend it with
        return
    with contextlib.suppress(Exception):
        graph.reset()  # forgets the capture's random-number bookkeeping
    with contextlib.suppress(Exception):
        torch._C._cuda_releasePool(device, pool)


@contextlib.contextmanager
def _same_random_numbers(device: torch.device) -> Iterator[None]:
    """The random state as it was before the warm-up: dropout in the run draws what it
    would have drawn eagerly (a replay reads the generator's state when it starts)."""
    if device.type != "cuda":
        with torch.random.fork_rng(devices=[]):
            yield
        return
    index = device.index if device.index is not None else torch.cuda.current_device()
    with torch.random.fork_rng(devices=[index], device_type="cuda"):
        yield


# ---- state ---------------------------------------------------------------------------------------


def _capturable_flags(optimizers: list[torch.optim.Optimizer]) -> list[list[bool | None]]:
    """Each param group's `capturable` flag (None: the optimizer has none, as SGD)."""
    return [[group.get("capturable") for group in o.param_groups] for o in optimizers]


def _make_capturable(optimizers: list[torch.optim.Optimizer]) -> None:
    """Set `capturable` where an optimizer has it (Adam, AdamW, RMSprop): their step
    counts then live on the device, where a replay advances them."""
    for optimizer in optimizers:
        groups = [group for group in optimizer.param_groups if "capturable" in group]
        if not groups:
            continue
        for group in groups:
            group["capturable"] = True
        # Eager steps (warm-up, an epoch's last smaller batch) are expected: no warning.
        optimizer._warned_capturable_if_run_uncaptured = True
        for p, state in optimizer.state.items():
            step = state.get("step")
            if torch.is_tensor(step) and step.device != p.device:  # loaded from a CPU run
                state["step"] = step.to(device=p.device, dtype=torch.float32)


def _restore_capturable(optimizers: list[torch.optim.Optimizer], before: list[list[bool | None]]) -> None:
    for optimizer, flags in zip(optimizers, before):
        for group, flag in zip(optimizer.param_groups, flags):
            if flag is not None:
                group["capturable"] = flag


class _Saved:
    """Copies of every weight, buffer, gradient reference and optimizer state tensor,
    put back in place after the warm-up and capture."""

    def __init__(self, mode: Any) -> None:
        modules: list[nn.Module] = list(mode.modules().values())
        self.optimizers: list[torch.optim.Optimizer] = mode.optimizers()
        self.tensors = [(t, t.detach().clone()) for m in modules for t in m.state_dict().values()]
        self.params = trainable_parameters(modules)
        self.grads = [p.grad for p in self.params]
        self.state: dict[tuple[int, int, str], torch.Tensor] = {}
        self.had_state: list[set[int]] = []
        for index, optimizer in enumerate(self.optimizers):
            self.had_state.append({id(p) for p, state in optimizer.state.items() if state})
            for p, state in optimizer.state.items():
                for key, value in state.items():
                    if torch.is_tensor(value):
                        self.state[index, id(p), key] = value.detach().clone()
                    elif value is not None:
                        raise ValueError(f"{type(optimizer).__name__} keeps {key!r} outside tensors")

    def restore(self, forget_new_state: bool) -> None:
        """Weights, buffers and optimizer state as saved. State the warm-up created is
        zeroed (what a fresh optimizer starts from) or, after a failed capture, dropped.
        """
        with torch.no_grad():
            for live, saved in self.tensors:
                live.copy_(saved)
            for index, optimizer in enumerate(self.optimizers):
                for p in list(optimizer.state):
                    state = optimizer.state[p]
                    if forget_new_state and id(p) not in self.had_state[index]:
                        del optimizer.state[p]
                        continue
                    for key in list(state):
                        value = state[key]
                        if not torch.is_tensor(value):
                            continue
                        saved = self.state.get((index, id(p), key))
                        if saved is not None:
                            value.copy_(saved)
                        elif forget_new_state:
                            del state[key]
                        else:
                            value.zero_()
        if forget_new_state:
            for p, grad in zip(self.params, self.grads):
                p.grad = grad
