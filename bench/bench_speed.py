"""Training speed of small networks, measured side by side in one run: the eager
Trainer, the options for a lean loop (issue 9) and the fast path, against TensorFlow
Playground's headless speed and scikit-learn's MLPClassifier. One torch thread;
medians of alternating rounds; wall clock and CPU time (steadier on a shared machine).

Run: python -m bench.bench_speed [--quick | --full] [--with-compile] [--gpu-only]
(--gpu-only: just the section that times the Trainer on a CUDA GPU, eager and with
CUDA graphs, against the CPU.)
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from bench.bench_trainer import (  # noqa: E402
    PeerRace,
    Timing,
    digits,
    digits_cnn,
    digits_mlp,
    spiral_250,
    timed,
    tiny_mlp,
)
from graph_core.data import DataBundle  # noqa: E402
from graph_core.training import StepEvent, Trainer, TrainingConfig  # noqa: E402
from graph_core.training.fast import compiler  # noqa: E402

# TensorFlow Playground's own network trains this many epochs/s headless on this machine
# class (issue 9); the goal is a quarter of it.
PLAYGROUND_EPOCHS_PER_S = 3465
TARGET_SHARE = 0.25
PLAYGROUND_LR = 0.03


@dataclass(frozen=True)
class Settings:
    rounds: int  # alternating rounds per comparison
    seconds: float  # rough length of one timed run of one option
    sklearn_rounds: int
    cold_compile: bool  # also time a compile into an empty cache (tens of seconds)


QUICK = Settings(rounds=3, seconds=0.25, sklearn_rounds=3, cold_compile=False)
FULL = Settings(rounds=7, seconds=0.6, sklearn_rounds=5, cold_compile=True)


# ---- the playground network and the ways to train it -------------------------------------------


def playground_net(hidden: tuple[int, ...] = (4, 2)) -> nn.Module:
    """The playground's network: tanh hidden layers and a tanh output unit."""
    torch.manual_seed(0)
    model = tiny_mlp((2, *hidden, 1))
    model.add_module("out_act", nn.Tanh())
    return model


def playground_config(epochs: int) -> TrainingConfig:
    # Squared error on -1/+1 targets through a tanh output, as the playground trains.
    return TrainingConfig(loss="MSELoss", optimizer="SGD", lr=PLAYGROUND_LR, batch_size=10, epochs=epochs, device="cpu")


def signed_targets(bundle: DataBundle) -> torch.Tensor:
    return (bundle.y_train.float() * 2 - 1).unsqueeze(1)


Option = Callable[[nn.Module, DataBundle, int], object]  # trains a copy for n epochs


def trainer_option(fast: str, every: int) -> Option:
    def run(model: nn.Module, bundle: DataBundle, epochs: int) -> Trainer:
        events: list = []
        trainer = Trainer(
            copy.deepcopy(model), bundle, playground_config(epochs), events.append, fast=fast, step_event_every=every
        )
        finished = trainer.run()
        if finished.reason != "completed" or (fast == "on") != trainer.uses_fast_path:
            raise RuntimeError(f"{finished.reason}: {finished.message or trainer.fast_reason}")
        return trainer

    return run


def bare_option(**optimizer_options) -> Option:
    """A careful hand-written loop: data resident, one gather per epoch, views per batch."""

    def run(model: nn.Module, bundle: DataBundle, epochs: int) -> None:
        model = copy.deepcopy(model)
        params = list(model.parameters())
        optimizer = torch.optim.SGD(params, lr=PLAYGROUND_LR, **optimizer_options)
        x, t, generator = bundle.x_train, signed_targets(bundle), torch.Generator().manual_seed(0)
        for _ in range(epochs):
            order = torch.randperm(len(x), generator=generator)
            xs, ts = x[order], t[order]
            for i in range(0, len(x), 10):
                for p in params:
                    p.grad = None
                F.mse_loss(model(xs[i : i + 10]), ts[i : i + 10]).backward()
                optimizer.step()

    return run


def dataloader_option(model: nn.Module, bundle: DataBundle, epochs: int) -> None:
    """The textbook loop: a DataLoader collates every batch from single samples."""
    from torch.utils.data import DataLoader, TensorDataset

    model = copy.deepcopy(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=PLAYGROUND_LR)
    generator = torch.Generator().manual_seed(0)
    loader = DataLoader(TensorDataset(bundle.x_train, signed_targets(bundle)), 10, shuffle=True, generator=generator)
    for _ in range(epochs):
        for x, t in loader:
            optimizer.zero_grad(set_to_none=True)
            F.mse_loss(model(x), t).backward()
            optimizer.step()


def threads_option(threads: int, option: Option) -> Option:
    def run(model: nn.Module, bundle: DataBundle, epochs: int) -> object:
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return option(model, bundle, epochs)
        finally:
            torch.set_num_threads(before)

    return run


def _layers(model: nn.Module) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(m.weight, m.bias) for m in model.modules() if isinstance(m, nn.Linear)]


def functional_option(model: nn.Module, bundle: DataBundle, epochs: int) -> None:
    """Fewer Python-level ops: F.linear on the raw tensors, autograd.grad, one foreach update."""
    layers = [(w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()) for w, b in _layers(model)]
    params = [p for pair in layers for p in pair]
    x, t, generator = bundle.x_train, signed_targets(bundle), torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        xs, ts = x[order], t[order]
        for i in range(0, len(x), 10):
            h = xs[i : i + 10]
            for w, b in layers:
                h = torch.tanh(F.linear(h, w, b))
            grads = torch.autograd.grad(F.mse_loss(h, ts[i : i + 10]), params)
            with torch.no_grad():
                torch._foreach_add_(params, grads, alpha=-PLAYGROUND_LR)


def manual_step(layers: list[tuple[torch.Tensor, torch.Tensor]], x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """One SGD step of a tanh chain under squared error, backpropagated by hand."""
    acts = [x]
    for w, b in layers:
        acts.append(torch.tanh(torch.addmm(b, acts[-1], w.t())))
    diff = acts[-1] - t
    delta = diff * (2.0 / diff.numel())
    grads: list[torch.Tensor] = []
    for index in range(len(layers) - 1, -1, -1):
        delta = delta * (1 - acts[index + 1] * acts[index + 1])
        grads[:0] = [delta.t() @ acts[index], delta.sum(0)]
        if index:
            delta = delta @ layers[index][0]
    torch._foreach_add_([p for pair in layers for p in pair], grads, alpha=-PLAYGROUND_LR)
    return diff.square().mean()


def manual_option(step: Callable = manual_step, steps_per_call: int = 1) -> Option:
    def run(model: nn.Module, bundle: DataBundle, epochs: int) -> None:
        layers = [(w.detach().clone(), b.detach().clone()) for w, b in _layers(model)]
        x, t, generator = bundle.x_train, signed_targets(bundle), torch.Generator().manual_seed(0)
        for _ in range(epochs):
            order = torch.randperm(len(x), generator=generator)
            xs, ts = x[order], t[order]
            if steps_per_call > 1:
                step(layers, xs, ts)  # the whole epoch in one (compiled) call
                continue
            for i in range(0, len(x), 10):
                step(layers, xs[i : i + 10], ts[i : i + 10])

    return run


def manual_epoch(layers: list[tuple[torch.Tensor, torch.Tensor]], xs: torch.Tensor, ts: torch.Tensor) -> None:
    for i in range(0, 250, 10):
        manual_step(layers, xs[i : i + 10], ts[i : i + 10])


def runner_option(steps_per_call: int) -> Option:
    """The fast path's Numba kernels driven directly: one step or one epoch per call."""

    def run(model: nn.Module, bundle: DataBundle, epochs: int) -> None:
        trainer = Trainer(copy.deepcopy(model), bundle, playground_config(1), fast="on")
        trainer.prepare()
        runner, generator = trainer._fast_runner, torch.Generator().manual_seed(0)
        steps = trainer.steps_per_epoch
        lrs = np.full(steps, PLAYGROUND_LR)
        for _ in range(epochs):
            order = torch.randperm(len(bundle.x_train), generator=generator).numpy()
            for first in range(0, steps, steps_per_call):
                runner.run(order, first, lrs[first : first + steps_per_call])

    return run


# ---- measuring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    wall: float  # epochs per second
    cpu: float


def rates(options: dict[str, Option], model: nn.Module, bundle: DataBundle, settings: Settings) -> dict[str, Rate]:
    """Epochs/s of every option: sized to run ~settings.seconds, alternated, medians."""
    epochs = {}
    for name, option in options.items():
        option(model, bundle, 2)  # warm: kernels, allocator, first optimizer
        probe = timed(lambda option=option: option(model, bundle, 5)).wall / 5
        epochs[name] = max(3, min(20_000, int(settings.seconds / max(probe, 1e-6))))
    runs: dict[str, list[Timing]] = {name: [] for name in options}
    names = list(options)
    for round_index in range(settings.rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(timed(lambda name=name: options[name](model, bundle, epochs[name])))
    return {
        name: Rate(
            statistics.median(epochs[name] / t.wall for t in runs[name]),
            statistics.median(epochs[name] / max(t.cpu, 1e-9) for t in runs[name]),
        )
        for name in names
    }


def loss_agreement(model: nn.Module, bundle: DataBundle, epochs: int) -> float:
    """Largest difference between the eager and fast paths' per-step losses."""
    losses = {}
    for fast in ("off", "on"):
        events: list = []
        Trainer(copy.deepcopy(model), bundle, playground_config(epochs), events.append, fast=fast).run()
        losses[fast] = [e.train_loss for e in events if isinstance(e, StepEvent)]
    return max(abs(a - b) for a, b in zip(losses["off"], losses["on"], strict=True))


def print_rates(title: str, table: dict[str, Rate], baseline: str) -> None:
    print(f"\n{title}")
    print(f"{'option':58} {'epochs/s':>9} {'cpu ep/s':>9} {'x eager':>8} {'x playground':>13}")
    base = table[baseline].wall
    for name, rate in table.items():
        print(
            f"{name:58} {rate.wall:9.0f} {rate.cpu:9.0f} {rate.wall / base:8.1f} "
            f"{rate.wall / PLAYGROUND_EPOCHS_PER_S:13.3f}"
        )


def playground_options(with_compile: bool) -> dict[str, Option]:
    options: dict[str, Option] = {
        "Trainer, eager, every event (a StepEvent per batch)": trainer_option("off", 1),
        "Trainer, eager, epoch events only": trainer_option("off", 0),
        "eager loop with a DataLoader": dataloader_option,
        "bare eager loop, data resident": bare_option(),
        "bare eager loop, data resident, 2 torch threads": threads_option(2, bare_option()),
        "bare eager loop, foreach SGD": bare_option(foreach=True),
        "bare eager loop, fused SGD": bare_option(fused=True),
        "fewer Python ops (F.linear, autograd.grad, foreach update)": functional_option,
        "hand-written step without autograd (torch ops)": manual_option(),
        "Numba kernels, one step per call": runner_option(1),
        "Numba kernels, one epoch per call": runner_option(10_000),
        "Trainer, fast path, every event (a StepEvent per batch)": trainer_option("on", 1),
        "Trainer, fast path, epoch events only": trainer_option("on", 0),
    }
    if with_compile:
        options["torch.compile: hand-written step"] = manual_option(torch.compile(manual_step, fullgraph=True))
        options["torch.compile: whole epoch per call"] = manual_option(
            torch.compile(manual_epoch, fullgraph=True), steps_per_call=25
        )
    return options


def compile_costs(with_compile: bool, bundle: DataBundle) -> None:
    if not with_compile:
        return
    print("\ntorch.compile time (first call in this process; inductor on the CPU keeps an on-disk cache, so a")
    print("machine's very first compile takes longer: ~107 s for the step on this 2-core machine):")
    for name, function, per_call in (("hand-written step", manual_step, 1), ("whole epoch", manual_epoch, 25)):
        torch._dynamo.reset()
        option = manual_option(torch.compile(function, fullgraph=True), steps_per_call=per_call)
        print(f"  {name:20} {timed(lambda option=option: option(playground_net(), bundle, 1)).wall:7.1f} s")


# ---- digits ----------------------------------------------------------------------------------------


class DigitsRace(PeerRace):
    """scikit-learn's MLPClassifier on digits against the Trainer on the fast and the
    eager path: 64 hidden ReLU, Adam lr 1e-3, batch 200, sklearn's epoch count and
    split. sklearn's alpha (1e-4) is an L2 term it divides by the batch size, so the
    Trainer's weight decay is alpha / 200 on the weights only: the same penalty.
    sklearn runs with its BLAS threads as a user gets them, and on one thread."""

    def fit_sklearn_one_thread(self) -> None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            before = len(self.results["sklearn"])
            self.fit_sklearn()
        self.results.setdefault("sklearn 1 thread", []).append(self.results["sklearn"].pop(before))

    def fit_fast(self) -> None:
        self._fit("fast", "on")

    def fit_eager(self) -> None:
        self._fit("eager", "off")

    def _fit(self, name: str, fast: str) -> None:
        config = self._config(lr=1e-3, epochs=self.epochs)
        holder: list[Trainer] = []

        def train() -> None:
            trainer = Trainer(copy.deepcopy(self.initial), self.bundle, config, fast=fast, step_event_every=0)
            trainer.run()
            holder.append(trainer)

        seconds = timed(train).wall
        if (fast == "on") != holder[0].uses_fast_path:
            raise RuntimeError(f"digits MLP: fast path not as asked: {holder[0].fast_reason}")
        self._record(name, seconds, holder[0].test_metrics.accuracy, holder[0].epoch)

    def run(self, rounds: int) -> dict:
        self.fit_sklearn()  # learns sklearn's epoch count; later rounds repeat it exactly
        self.results.clear()
        contenders = [self.fit_sklearn, self.fit_sklearn_one_thread, self.fit_fast, self.fit_eager]
        for i in range(rounds):
            for fit in contenders if i % 2 == 0 else contenders[::-1]:
                fit()
        sklearn_times = [r[0] for r in self.results["sklearn"]]
        return {name: self._summary(runs, sklearn_times) for name, runs in self.results.items()}


def digits_report(rounds: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = DigitsRace().run(rounds)
    sk = fits["sklearn"]
    print("\nDigits MLP vs scikit-learn's MLPClassifier (64 hidden ReLU, Adam lr 1e-3, batch 200, L2 alpha 1e-4")
    print(f"as weight decay 5e-7 on weights, {sk.epochs} epochs = sklearn's, same split); medians of {rounds} rounds")
    print(f"{'':44} {'test acc':>8} {'fit s':>7} {'time / sklearn':>15}")
    rows = [
        ("sklearn MLPClassifier (default BLAS threads)", "sklearn"),
        ("sklearn MLPClassifier (one BLAS thread)", "sklearn 1 thread"),
        ("Trainer, fast path", "fast"),
        ("Trainer, eager path", "eager"),
    ]
    for label, key in rows:
        fit = fits[key]
        print(f"{label:44} {fit.accuracy:8.4f} {fit.seconds:7.3f} {fit.ratio:15.2f}")
    fast = fits["fast"]
    verdict = _verdict(fast.ratio <= 1.0 and fast.accuracy >= sk.accuracy)
    print(f"goal (fast path <= 1.0x sklearn's time, accuracy >= sklearn's): {verdict}")


def cnn_report(settings: Settings) -> None:
    bundle = digits("image")
    torch.manual_seed(0)
    model = digits_cnn()
    config = TrainingConfig(loss="CrossEntropyLoss", lr=0.01, batch_size=64, epochs=3, device="cpu")
    Trainer(copy.deepcopy(model), bundle, config, fast="auto").run()  # warm
    samples = []
    for _ in range(settings.rounds):
        trainer = Trainer(copy.deepcopy(model), bundle, config, fast="auto", step_event_every=0)
        seconds = timed(trainer.run).wall
        samples.append(config.epochs * len(bundle.x_train) / seconds)
    print(f"\nDigits CNN (2 conv, batch 64, Adam; eager: {trainer.fast_reason}):")
    print(f"  {statistics.median(samples):,.0f} training samples/s (median of {settings.rounds})")


# ---- compile cost, GPU -----------------------------------------------------------------------------


def kernel_costs(settings: Settings) -> None:
    status = compiler.status()
    how = "compiled" if status["compiled"].get("float32") else "loaded from the cache"
    print(f"\nFast-path kernels: {how} in {status['seconds']['float32']:.2f} s ({status['cache_dir']})")
    if not settings.cold_compile:
        print("  (--full also times a compile into an empty cache, in a child process)")
        return
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "graph_core.training.fast", "--dtype", "float32"]
        env = {**os.environ, "NUMBA_CACHE_DIR": folder}
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=Path(__file__).resolve().parents[1], check=True, capture_output=True)
        print(f"  cold compile into an empty cache (child process, float32): {time.perf_counter() - started:.1f} s")


@dataclass(frozen=True)
class GpuCase:
    """A network timed on the CPU and the GPU through the Trainer, as a user runs it."""

    title: str
    model: nn.Module  # initial weights; every run trains a copy
    bundle: DataBundle
    config: TrainingConfig  # the device is set per option
    per_sample: bool = False  # report samples/s instead of epochs/s


# (label, device, fast, cuda_graphs): the Trainer's ways to train a small network.
GPU_OPTIONS = (
    ("CPU, fast path", "cpu", "on", "off"),
    ("CPU, eager (1 thread)", "cpu", "off", "off"),
    ("CUDA, eager", "cuda", "off", "off"),
    ("CUDA, graphs", "cuda", "off", "on"),
)


def gpu_cases() -> list[GpuCase]:
    spiral = spiral_250()
    torch.manual_seed(0)
    digits_net = digits_mlp(nn.ReLU)
    digits_config = TrainingConfig(
        lr=1e-3, batch_size=PeerRace.batch, epochs=1, weight_decay=PeerRace.alpha / PeerRace.batch, device="cpu"
    )
    return [
        GpuCase(
            f"Playground default network (tanh [4, 2], spiral 250 points, batch 10, SGD {PLAYGROUND_LR})",
            playground_net(),
            spiral,
            playground_config(1),
        ),
        GpuCase(
            "[8, 8, 8, 8] tanh network, otherwise the same", playground_net((8, 8, 8, 8)), spiral, playground_config(1)
        ),
        GpuCase(
            "Digits MLP (64 hidden ReLU, Adam lr 1e-3, batch 200)",
            digits_net,
            digits("flat"),
            digits_config,
            per_sample=True,
        ),
    ]


def gpu_train(case: GpuCase, device: str, fast: str, graphs: str, epochs: int) -> Trainer:
    """One run of `epochs` through the Trainer (epoch events only), checked to be on the
    path asked for."""
    config = dataclasses.replace(case.config, device=device, epochs=epochs)
    trainer = Trainer(copy.deepcopy(case.model), case.bundle, config, fast=fast, cuda_graphs=graphs, step_event_every=0)
    finished = trainer.run()
    if finished.reason != "completed":
        raise RuntimeError(f"{case.title}: {finished.reason}: {finished.message}")
    if (fast == "on") != trainer.uses_fast_path:
        raise RuntimeError(f"{case.title}: not on the fast path: {trainer.fast_reason}")
    if (graphs == "on") != trainer.uses_cuda_graphs:
        raise RuntimeError(f"{case.title}: CUDA graphs not as asked: {trainer.cuda_graphs_reason}")
    return trainer


def gpu_rates(case: GpuCase, options: list[tuple[str, str, str, str]], seconds: float) -> dict[str, float]:
    """Epochs/s (samples/s for `per_sample`) per option: each run sized to ~`seconds`,
    one warm-up run each, then medians of 3 rounds in alternating order."""
    epochs: dict[str, int] = {}
    losses: dict[str, list[float]] = {}
    for label, device, fast, graphs in options:
        count = 2  # grown until a run is long enough that setup (and capture) hardly count
        while True:
            took = timed(lambda d=device, f=fast, g=graphs, n=count: gpu_train(case, d, f, g, n)).wall
            if took >= seconds / 4 or count >= 20_000:
                break
            count *= 4
        epochs[label] = max(2, min(20_000, int(count * seconds / max(took, 1e-6))))
        warm = gpu_train(case, device, fast, graphs, epochs[label])  # the warm-up run
        losses[label] = [e.train_loss for e in warm.history]
    times: dict[str, list[float]] = {label: [] for label in epochs}
    for round_index in range(3):
        order = options if round_index % 2 == 0 else options[::-1]
        for label, device, fast, graphs in order:
            run = lambda d=device, f=fast, g=graphs, n=epochs[label]: gpu_train(case, d, f, g, n)  # noqa: E731
            times[label].append(timed(run).wall)
    scale = len(case.bundle.x_train) if case.per_sample else 1
    table = {label: statistics.median(epochs[label] * scale / t for t in times[label]) for label in epochs}
    print_gpu_table(case, table)
    eager, graphed = losses["CUDA, eager"], losses["CUDA, graphs"]
    n = min(len(eager), len(graphed))
    diff = max(abs(a - b) for a, b in zip(eager[:n], graphed[:n], strict=True))
    print(f"  CUDA graphs vs CUDA eager, per-epoch train losses over {n} epochs: max |diff| {diff:.1e}")
    return table


def print_gpu_table(case: GpuCase, table: dict[str, float]) -> None:
    unit = "samples/s" if case.per_sample else "epochs/s"
    base = table["CPU, eager (1 thread)"]
    print(f"  {'option':28} {unit:>11} {'x CPU eager':>12}")
    for label, rate in table.items():
        print(f"  {label:28} {rate:11,.0f} {rate / base:12.2f}")
    graphed = table["CUDA, graphs"]
    best_cpu = max((label for label in table if label.startswith("CPU")), key=table.__getitem__)
    print(
        f"  CUDA graphs / CUDA eager: {graphed / table['CUDA, eager']:.2f}x; "
        f"CUDA graphs / best CPU ({best_cpu}): {graphed / table[best_cpu]:.2f}x"
    )


def gpu_report(settings: Settings) -> bool:
    """The Trainer on the GPU against the CPU for small networks: eager, where every
    step is dozens of kernel launches, and with one CUDA graph replayed per batch.
    False (after one line saying so) without CUDA."""
    if not torch.cuda.is_available():
        print(
            "\nGPU: no CUDA device here; the CUDA-graph comparison needs one (python -m bench.bench_speed --gpu-only)."
        )
        return False
    name = torch.cuda.get_device_name(0)
    print(f"\nGPU: {name}, torch {torch.__version__}, CUDA {torch.version.cuda}; the Trainer with epoch events only,")
    print("medians of 3 alternating runs after one warm-up run each; CPU on 1 torch thread")
    options = list(GPU_OPTIONS)
    if compiler.load() is None:
        print(f"  (no CPU fast path: {compiler.unavailable_reason()})")
        options = options[1:]
    seconds = max(1.0, 2 * settings.seconds)
    for case in gpu_cases():
        print(f"\n{case.title}")
        gpu_rates(case, options, seconds)
    return True


# ---- report ------------------------------------------------------------------------------------


def playground_report(settings: Settings, with_compile: bool) -> None:
    bundle = spiral_250()
    model = playground_net()
    table = rates(playground_options(with_compile), model, bundle, settings)
    print_rates(
        f"Playground default network (2 inputs, tanh [4, 2], tanh output, SGD lr {PLAYGROUND_LR}, batch 10, spiral,\n"
        f"250 training points, squared error on -1/+1); TF Playground headless: {PLAYGROUND_EPOCHS_PER_S} epochs/s",
        table,
        "Trainer, eager, epoch events only",
    )
    best = table["Trainer, fast path, epoch events only"]
    goal = TARGET_SHARE * PLAYGROUND_EPOCHS_PER_S
    print(
        f"goal: Trainer fast path >= {goal:.0f} epochs/s ({TARGET_SHARE}x the playground): wall {best.wall:.0f} "
        f"({_verdict(best.wall >= goal)}), CPU time {best.cpu:.0f} ({_verdict(best.cpu >= goal)}); load average {_load()}"
    )
    print("(a one-thread loop's wall rate equals its CPU-time rate on an idle core; on a shared machine the")
    print("CPU-time rate is the steadier figure)")
    print(f"fast vs eager per-step losses over 30 epochs, max |diff|: {loss_agreement(model, bundle, 30):.1e}")
    compile_costs(with_compile, bundle)

    wide = playground_net((8, 8, 8, 8))
    wide_options = {
        "Trainer, eager, epoch events only": trainer_option("off", 0),
        "bare eager loop, data resident": bare_option(),
        "hand-written step without autograd (torch ops)": manual_option(),
        "Numba kernels, one epoch per call": runner_option(10_000),
        "Trainer, fast path, every event (a StepEvent per batch)": trainer_option("on", 1),
        "Trainer, fast path, epoch events only": trainer_option("on", 0),
    }
    print_rates(
        "[8, 8, 8, 8] tanh network, otherwise the same",
        rates(wide_options, wide, bundle, settings),
        "Trainer, eager, epoch events only",
    )
    print(f"fast vs eager per-step losses over 30 epochs, max |diff|: {loss_agreement(wide, bundle, 30):.1e}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a few minutes (default)")
    size.add_argument("--full", action="store_true", help="more rounds, longer runs, a cold kernel compile")
    parser.add_argument("--with-compile", action="store_true", help="also torch.compile (minutes of compiling)")
    parser.add_argument("--gpu-only", action="store_true", help="only the CPU-vs-GPU section (CUDA graphs)")
    args = parser.parse_args(argv)
    settings = FULL if args.full else QUICK
    torch.set_num_threads(1)
    if args.gpu_only:
        started = time.perf_counter()
        if gpu_report(settings):
            print(f"\ntotal {time.perf_counter() - started:.0f} s")
        return
    started = time.perf_counter()
    print(
        f"NeuroLoom speed benchmark ({'--full' if args.full else '--quick'}): torch {torch.__version__}, "
        f"1 torch thread, Python {sys.version.split()[0]}, numba {_numba_version()}"
    )
    if compiler.load() is None:
        print(f"the fast path is unavailable: {compiler.unavailable_reason()}")
        return
    kernel_costs(settings)
    playground_report(settings, args.with_compile)
    digits_report(settings.sklearn_rounds)
    cnn_report(settings)
    gpu_report(settings)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def _numba_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("numba")
    except PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    main()
