"""Training-engine benchmarks, printed as ratios measured side by side in one run.

Trainer (all events on) against a bare PyTorch loop, scikit-learn's MLPClassifier against
the Trainer on digits, the playground network's epochs/s and the cost of grids.
Run: .venv/bin/python bench/bench_trainer.py [--quick | --full] [--threads N]
"""

from __future__ import annotations

import argparse
import copy
import gc
import math
import os
import statistics
import sys
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from graph_core.data import DataBundle, load_dataset  # noqa: E402
from graph_core.training import Trainer, TrainingConfig, decision_grid, node_grids  # noqa: E402

TARGET_RATIO = 0.95


@dataclass(frozen=True)
class Settings:
    rounds: int  # alternating bare/trainer pairs per overhead case
    epoch_scale: int  # multiplies each case's epochs
    sklearn_rounds: int
    grid_repeats: int


QUICK = Settings(rounds=7, epoch_scale=1, sklearn_rounds=3, grid_repeats=20)
FULL = Settings(rounds=21, epoch_scale=3, sklearn_rounds=7, grid_repeats=100)


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def timed(run: Callable[[], object]) -> Timing:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


# ---- models and data ------------------------------------------------------------------------


def tiny_mlp(sizes: tuple[int, ...] = (2, 4, 2, 1)) -> nn.Module:
    """Playground-style MLP: Linear + Tanh per hidden layer, children named like node ids."""
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for i, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
        last = i == len(sizes) - 1
        layers["out" if last else f"fc{i}"] = nn.Linear(a, b)
        if not last:
            layers[f"act{i}"] = nn.Tanh()
    return nn.Sequential(layers)


def digits_mlp(activation: type[nn.Module] = nn.Tanh) -> nn.Module:
    return nn.Sequential(OrderedDict(fc1=nn.Linear(64, 64), act1=activation(), out=nn.Linear(64, 10)))


def digits_cnn() -> nn.Module:
    return nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(1, 16, 3, padding=1),
            relu1=nn.ReLU(),
            pool1=nn.MaxPool2d(2),
            conv2=nn.Conv2d(16, 32, 3, padding=1),
            relu2=nn.ReLU(),
            pool2=nn.MaxPool2d(2),
            flat=nn.Flatten(),
            out=nn.Linear(32 * 2 * 2, 10),
        )
    )


def spiral_250() -> DataBundle:
    """The playground's spiral with 250 training points."""
    return load_dataset({"dataset": "spiral", "samples": 500, "split": [0.5, 0.25, 0.25], "seed": 0})


def digits(layout: str) -> DataBundle:
    return load_dataset({"dataset": "digits", "layout": layout, "seed": 0})


# ---- the two loops -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    model: nn.Module  # initial weights; every run trains a fresh copy
    bundle: DataBundle
    loss: str
    batch_size: int
    epochs: int
    lr: float = 0.01

    @property
    def steps(self) -> int:
        return self.epochs * -(-len(self.bundle.x_train) // self.batch_size)


def bare_targets(case: Case) -> torch.Tensor:
    y = case.bundle.y_train
    return y.float().unsqueeze(1) if case.loss == "BCEWithLogitsLoss" else y


def bare_loop(case: Case, seed: int = 0, weight_decay: float = 0.0) -> None:
    """What a careful person writes by hand: shuffle, gather once, slice views, step."""
    model = copy.deepcopy(case.model)
    x, y = case.bundle.x_train, bare_targets(case)
    criterion = getattr(nn, case.loss)()
    params: list = list(model.parameters())
    if weight_decay:  # on weights only, as the Trainer and scikit-learn do
        weights = [p for p in params if p.ndim >= 2]
        biases = [p for p in params if p.ndim < 2]
        params = [{"params": weights, "weight_decay": weight_decay}, {"params": biases, "weight_decay": 0.0}]
    # The same optimizer the Trainer builds: the benchmark measures the engine, not Adam.
    optimizer = torch.optim.Adam(params, lr=case.lr, fused=True)
    generator = torch.Generator().manual_seed(seed)
    n, b = len(x), case.batch_size
    for _ in range(case.epochs):
        order = torch.randperm(n, generator=generator)
        xs, ys = x[order], y[order]
        for i in range(0, n, b):
            optimizer.zero_grad(set_to_none=True)
            criterion(model(xs[i : i + b]), ys[i : i + b]).backward()
            optimizer.step()


def trainer_run(case: Case, events: list | None = None) -> Trainer:
    """The Trainer with every event on: a step event per batch, an epoch event per epoch."""
    sink = [] if events is None else events
    config = TrainingConfig(
        loss=case.loss, lr=case.lr, batch_size=case.batch_size, epochs=case.epochs, device="cpu", seed=0
    )
    trainer = Trainer(copy.deepcopy(case.model), case.bundle, config, on_event=sink.append, step_event_every=1)
    finished = trainer.run()
    if finished.reason != "completed":
        raise RuntimeError(f"{case.name}: training ended with {finished.reason}: {finished.message}")
    return trainer


@dataclass(frozen=True)
class Overhead:
    case: Case
    bare: list[Timing]
    trainer: list[Timing]

    def ratio(self, attr: str) -> float:
        """Median over rounds of bare time / trainer time (= trainer steps/s as a share)."""
        return statistics.median(
            getattr(b, attr) / getattr(t, attr) for b, t in zip(self.bare, self.trainer, strict=True)
        )

    def ms_per_step(self, runs: list[Timing]) -> float:
        return statistics.median(t.wall for t in runs) / self.case.steps * 1000


def measure_overhead(case: Case, rounds: int) -> Overhead:
    bare_loop(case)  # warm both paths: first optimizer, kernels, allocator
    trainer_run(case)
    bare, trainer = [], []
    for i in range(rounds):
        # Alternate which goes first so drift in machine load falls on both.
        if i % 2 == 0:
            bare.append(timed(lambda: bare_loop(case)))
            trainer.append(timed(lambda: trainer_run(case)))
        else:
            trainer.append(timed(lambda: trainer_run(case)))
            bare.append(timed(lambda: bare_loop(case)))
    return Overhead(case, bare, trainer)


# ---- scikit-learn ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """One contender's median test accuracy, fit time, epochs and time ratio to sklearn."""

    accuracy: float
    seconds: float
    epochs: int
    ratio: float  # median over rounds of this fit's time / sklearn's time


class PeerRace:
    """scikit-learn's MLPClassifier on digits against the Trainer, side by side per round.

    Same network (64 hidden, relu), split, Adam, batch 200 and L2 (alpha 1e-4). The
    Trainer runs twice: with sklearn's settings (lr 1e-3, sklearn's epoch count), and
    at its own default rate (0.01) until its validation accuracy matches sklearn's, as
    a user who wants an equally good model would. A bare torch loop with sklearn's
    settings shows how much of any gap is torch's own and how much the engine's.
    """

    alpha, batch = 1e-4, 200

    def __init__(self) -> None:
        from sklearn.neural_network import MLPClassifier

        self.bundle = digits("flat")
        self.classifier = partial(
            MLPClassifier, (64,), solver="adam", batch_size=self.batch, learning_rate_init=1e-3, alpha=self.alpha
        )
        torch.manual_seed(0)
        self.initial = digits_mlp(nn.ReLU)
        # scikit-learn adds alpha/2 * |W|^2 / batch to the loss (weights only): decay alpha / batch.
        self.decay = self.alpha / self.batch
        self.epochs = 0
        self.sklearn_val_accuracy = 1.0
        self.results: dict[str, list[tuple[float, float, int]]] = {}

    def _record(self, name: str, seconds: float, accuracy: float, epochs: int) -> None:
        self.results.setdefault(name, []).append((seconds, accuracy, epochs))

    def fit_sklearn(self) -> None:
        from sklearn.exceptions import ConvergenceWarning

        b = self.bundle
        clf = self.classifier(random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            seconds = timed(lambda: clf.fit(b.x_train.numpy(), b.y_train.numpy())).wall
        self.epochs = clf.n_iter_
        self.sklearn_val_accuracy = clf.score(b.x_val.numpy(), b.y_val.numpy())
        self._record("sklearn", seconds, clf.score(b.x_test.numpy(), b.y_test.numpy()), clf.n_iter_)

    def fit_trainer_same(self) -> None:
        config = self._config(lr=1e-3, epochs=self.epochs)
        holder: list[Trainer] = []
        seconds = timed(lambda: holder.append(self._train(config))).wall
        self._record("same", seconds, holder[0].test_metrics.accuracy, holder[0].epoch)
        case = Case(
            "digits MLP vs sklearn", self.initial, self.bundle, "CrossEntropyLoss", self.batch, self.epochs, 1e-3
        )
        self._record("bare", timed(lambda: bare_loop(case, weight_decay=self.decay)).wall, float("nan"), self.epochs)

    def fit_trainer_to_match(self) -> None:
        config = self._config(lr=TrainingConfig().lr, epochs=200)
        holder: list[Trainer] = []
        seconds = timed(lambda: holder.append(self._train(config, stop_at=self.sklearn_val_accuracy))).wall
        self._record("match", seconds, holder[0].test_metrics.accuracy, holder[0].epoch)

    def _config(self, lr: float, epochs: int) -> TrainingConfig:
        return TrainingConfig(lr=lr, batch_size=self.batch, epochs=epochs, weight_decay=self.decay, device="cpu")

    def _train(self, config: TrainingConfig, stop_at: float | None = None) -> Trainer:
        trainer: Trainer

        def on_event(event: object) -> None:
            accuracy = getattr(event, "accuracy", None)
            if stop_at is not None and accuracy is not None and accuracy >= stop_at:
                trainer.stop()

        # Stopping on a target needs a validation score after every epoch.
        trainer = Trainer(
            copy.deepcopy(self.initial), self.bundle, config, on_event=on_event, validate_every=1 if stop_at else None
        )
        trainer.run()
        return trainer

    def run(self, rounds: int) -> dict[str, Fit]:
        contenders = [self.fit_sklearn, self.fit_trainer_same, self.fit_trainer_to_match]
        self._train(self._config(lr=1e-3, epochs=2))  # warm up torch's optimizer and kernels
        # Round 0 runs sklearn first, which tells the others its epoch count and score
        # (the same in every round: sklearn is seeded).
        for i in range(rounds):
            for fit in contenders if i % 2 == 0 else contenders[::-1]:
                fit()
        sklearn_times = [r[0] for r in self.results["sklearn"]]
        return {name: self._summary(runs, sklearn_times) for name, runs in self.results.items()}

    @staticmethod
    def _summary(runs: list[tuple[float, float, int]], sklearn_times: list[float]) -> Fit:
        median = statistics.median
        ratios = [seconds / base for (seconds, _, _), base in zip(runs, sklearn_times, strict=True)]
        return Fit(
            median(r[1] for r in runs), median(r[0] for r in runs), int(median(r[2] for r in runs)), median(ratios)
        )


# ---- grids -----------------------------------------------------------------------------------


def grid_costs(repeats: int) -> list[tuple[str, float]]:
    bundle = spiral_250()
    rows = []
    for sizes in ((2, 4, 2, 1), (2, 8, 8, 8, 8, 1)):
        model = tiny_mlp(sizes)
        nodes = [name for name, _ in model.named_children()]
        label = "-".join(map(str, sizes))
        for resolution in (100, 200):
            output = partial(decision_grid, model, bundle, resolution)
            every_node = partial(node_grids, model, bundle, nodes, resolution)
            rows.append((f"decision grid {label} {resolution}x{resolution}", _ms(output, repeats)))
            rows.append((f"every node's grid {label} {resolution}x{resolution}", _ms(every_node, repeats)))
    return rows


def _ms(run: Callable[[], object], repeats: int) -> float:
    run()
    return statistics.median(timed(run).wall for _ in range(repeats)) * 1000


# ---- report ----------------------------------------------------------------------------------


def overhead_cases(scale: int) -> list[Case]:
    torch.manual_seed(0)
    spiral = spiral_250()
    return [
        Case("tiny MLP 2-4-2-1 tanh, batch 10, 250 pts", tiny_mlp(), spiral, "BCEWithLogitsLoss", 10, 20 * scale),
        Case("digits MLP 64-64-10, batch 64", digits_mlp(), digits("flat"), "CrossEntropyLoss", 64, 15 * scale),
        Case("digits CNN 2 conv, batch 64", digits_cnn(), digits("image"), "CrossEntropyLoss", 64, 8 * scale),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="about a minute (default)")
    size.add_argument("--full", action="store_true", help="more rounds and epochs: steadier numbers")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    args = parser.parse_args(argv)
    settings = FULL if args.full else QUICK
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    print(
        f"NeuroLoom trainer benchmark ({'--full' if args.full else '--quick'}): torch {torch.__version__}, "
        f"{args.threads} thread(s), Python {sys.version.split()[0]}"
    )

    print(f"machine load average before: {_load()}")
    print("\nEngine overhead: the Trainer with all events (a StepEvent per batch, an EpochEvent per epoch,")
    print("validation on its automatic schedule, test metrics at the end; setup included) against a bare")
    print("hand-written loop; same model, data, batch and fused Adam. Medians of per-round ratios over")
    print(f"{settings.rounds} alternating rounds; ratio = bare time / Trainer time (target >= {TARGET_RATIO}).")
    print("wall: perf_counter; cpu: process_time (less sensitive to other processes on a shared machine).")
    print(f"{'case':42} {'steps':>6} {'bare ms/step':>13} {'Trainer ms/step':>16} {'ratio wall':>11} {'ratio cpu':>10}")
    results = []
    for case in overhead_cases(settings.epoch_scale):
        result = measure_overhead(case, settings.rounds)
        results.append(result)
        print(
            f"{case.name:42} {case.steps:6d} {result.ms_per_step(result.bare):13.3f} "
            f"{result.ms_per_step(result.trainer):16.3f} {result.ratio('wall'):11.3f} {result.ratio('cpu'):10.3f}"
        )

    tiny = results[0]
    wall = statistics.median(t.wall for t in tiny.trainer)
    print("\nPlayground default network (2-4-2-1 tanh, batch 10, spiral, 250 training points, Adam):")
    print(f"  Trainer with all events: {tiny.case.epochs / wall:7.1f} epochs/s ({tiny.case.steps / wall:7.0f} steps/s)")
    bare_wall = statistics.median(t.wall for t in tiny.bare)
    print(f"  bare loop:               {tiny.case.epochs / bare_wall:7.1f} epochs/s")

    fits = PeerRace().run(settings.sklearn_rounds)
    sk, same, bare, match = fits["sklearn"], fits["same"], fits["bare"], fits["match"]
    print("\nPeer: scikit-learn MLPClassifier on digits vs the Trainer: 64 hidden relu, Adam, batch 200,")
    print(f"L2 alpha 1e-4, same split; medians of {settings.sklearn_rounds} alternating rounds.")
    print(f"{'':44} {'test acc':>8} {'epochs':>6} {'fit s':>7} {'time / sklearn':>15}")
    rows = [
        ("sklearn MLPClassifier (lr 1e-3, own stop)", sk),
        ("Trainer, sklearn's settings and epochs", same),
        ("bare torch loop, sklearn's settings", bare),
        ("Trainer at lr 0.01 until val acc >= sklearn's", match),
    ]
    for label, fit in rows:
        accuracy = "" if math.isnan(fit.accuracy) else f"{fit.accuracy:.4f}"
        print(f"{label:44} {accuracy:>8} {fit.epochs:6d} {fit.seconds:7.3f} {fit.ratio:15.2f}")
    print("target: equal or better accuracy in no more time (time / sklearn <= 1)")

    print(f"\nGrid cost (median of {settings.grid_repeats}):")
    for label, ms in grid_costs(settings.grid_repeats):
        print(f"  {label:42} {ms:8.2f} ms")
    print(f"\ntotal {time.perf_counter() - started:.0f} s; machine load average after: {_load()}")


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
