"""Diffusion benchmark: what the diffusion view costs. Ancestral sampling of the example's noise predictor (100 steps) for 300 and 500 points, the forward process, a training step for scale, and the view's redraw per slider step (offscreen).

The live view asks for a frame (a whole sampling run) at most once a second and at most
10% of the training time (app/lessons/observers.py); this says how often that is.
Run: .venv/bin/python bench/bench_diffusion.py [--repeats N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import torch  # noqa: E402

from graph_core.data import load_dataset  # noqa: E402
from graph_core.project import EXAMPLES_DIR, load_project  # noqa: E402
from graph_core.training import TrainingConfig, make_mode  # noqa: E402
from graph_core.training.diffusion import forward_trajectory, noise_schedule, sample_trajectory  # noqa: E402


def timings(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(fastest, median) milliseconds of `repeats` runs after one warm-up run."""
    run()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return min(seconds) * 1000, statistics.median(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the app trains small models on 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    project = load_project(EXAMPLES_DIR / "diffusion_2d.nlproj")
    config = TrainingConfig.from_dict({**project.training, "device": "cpu"})
    mode = make_mode("diffusion")
    model = mode.build_model(project.graph, seed=0)
    bundle = load_dataset(project.data)
    mode.prepare(model, bundle, config, torch.device("cpu"))
    schedule = noise_schedule(config.diffusion_steps, config.noise_schedule)
    weights = sum(p.numel() for p in model.parameters())
    print(
        f"diffusion_2d: {weights:,} weights, {schedule.steps} steps ({schedule.kind}), {args.threads} torch thread(s)"
    )
    print()
    print("| what | fastest | median |")
    print("| --- | --- | --- |")
    rows = []
    for n in (300, 500):
        for keep in (True, False):
            what = f"sample {n} points, {schedule.steps} steps" + (", keeping every step" if keep else "")
            rows.append(
                (what, timings(lambda n=n, keep=keep: sample_trajectory(model, schedule, n, keep=keep), args.repeats))
            )
    real = bundle.x_train[:300]
    rows.append(("forward process of 300 points", timings(lambda: forward_trajectory(real, schedule), args.repeats)))
    batch = next(iter(mode.epoch_batches(torch.Generator().manual_seed(0), config.batch_size)))
    rows.append(
        (f"one training step (batch {config.batch_size})", timings(lambda: mode.train_step(batch), args.repeats * 5))
    )
    rows += view_rows(model, bundle, config, args.repeats)
    for what, (fastest, median) in rows:
        print(f"| {what} | {fastest:.2f} ms | {median:.2f} ms |")
    frame = rows[0][1][1]
    step = next(median for what, (_, median) in rows if what.startswith("one training step"))
    interval = max(1.0, frame / 1000 / 0.1)
    print()
    print(
        f"A live frame (300 points) costs about {frame / step:.0f} training steps; at most one every "
        f"{interval:.1f} s keeps it under 10% of the training time ({frame / 1000 / interval:.1%} here)."
    )


def view_rows(model, bundle, config, repeats: int) -> list[tuple[str, tuple[float, float]]]:
    """The view's cost on the GUI thread: a new frame, and one slider step."""
    from PySide6.QtWidgets import QApplication

    from app.lessons.diffusion_view import DiffusionView
    from app.lessons.lens_docks import _delete_plot_menus
    from app.lessons.observers import diffusion_frame

    app = QApplication.instance() or QApplication([])
    frame = diffusion_frame(model, bundle, config, 1)
    view = DiffusionView()
    view.resize(940, 560)
    view.show()
    app.processEvents()
    steps = iter(range(10**9))

    def new_frame() -> None:
        view.set_frame(frame)
        app.processEvents()

    def slider_step() -> None:
        view.show_step(next(steps) % 101)
        app.processEvents()

    rows = [
        ("view: show a new frame and repaint", timings(new_frame, repeats)),
        ("view: one slider step and repaint", timings(slider_step, repeats * 5)),
    ]
    view.hide()
    _delete_plot_menus(view)
    view.deleteLater()
    app.processEvents()
    return rows


if __name__ == "__main__":
    main()
