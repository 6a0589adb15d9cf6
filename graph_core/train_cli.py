"""`neuroloom train`: train a project's network on its data without the app, with a
progress line, and write weights, metrics history and test metrics to a folder."""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DIFFUSION_SAMPLES = 500


class _Refused(Exception):
    """A problem with the input, reported as one message and exit status 2."""


def add_train_parser(commands) -> None:
    train = commands.add_parser(
        "train",
        help="train a project's network headless and save the results",
        description="Train the project's network on its data. Writes weights.safetensors, history.csv, "
        "history.json and metrics.json to the output folder. Exit status: 0 trained, 1 training "
        "diverged or failed, 2 bad project, settings or files.",
    )
    train.add_argument("project", help="the .nlproj file")
    train.add_argument("--epochs", type=int, help="override the project's number of epochs")
    train.add_argument("--device", choices=("auto", "cpu", "cuda"), help="where to train (default: the project's)")
    train.add_argument("--seed", type=int, help="override the project's seed")
    train.add_argument("--out", help="output folder (default: runs/<project name>)")
    train.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    train.add_argument("--quiet", action="store_true", help="print only the final summary")
    train.add_argument(
        "--fast",
        choices=("auto", "on", "off"),
        default="auto",
        help="the compiled fast path for small Linear/activation networks: auto (default) takes it when its "
        "kernels are compiled on this machine (the app compiles them once, in the background), on compiles "
        "them if needed (once, ~10-30 s), off never",
    )
    train.add_argument(
        "--cuda-graphs",
        choices=("auto", "on", "off"),
        default="auto",
        help="on a CUDA GPU, replay each training step as one captured CUDA graph instead of launching its "
        "kernels one by one (supervised and reconstruction training with a constant learning rate): auto "
        "(default) for networks up to 1,000,000 parameters, where launches cost more than the work, on for "
        "any size, off never. Same losses as without",
    )


def run_train(args) -> int:
    try:
        job = _prepare(args)
    except _Refused as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _train(job, args)


@dataclass
class _Job:
    name: str
    trainer: object
    out: Path


def _prepare(args) -> _Job:
    from graph_core.project import ProjectError, load_project
    from graph_core.shapes import analyze

    path = Path(args.project)
    try:
        project = load_project(path)
    except ProjectError as error:
        raise _Refused(f"cannot read {path}:\n{error}") from None
    analysis = analyze(project.graph)
    if not analysis.ok:
        problems = "\n".join(f"  {d}" for d in analysis.errors)
        raise _Refused(f"{path.name}: the network has errors:\n{problems}")
    overrides = {
        k: v for k, v in (("epochs", args.epochs), ("device", args.device), ("seed", args.seed)) if v is not None
    }
    if args.threads is not None and args.threads < 1:
        raise _Refused("--threads: must be at least 1")
    cuda_graphs = getattr(args, "cuda_graphs", "auto")
    trainer = _make_trainer(project, path.parent, overrides, args.threads, _fast_choice(args.fast), cuda_graphs)
    out = Path(args.out) if args.out else Path("runs") / path.stem
    return _Job(path.stem, trainer, out)


def _fast_choice(choice: str) -> str:
    """ "auto" waits for the fast path's kernels when they are compiled already (loading
    them from the cache takes ~1 s; a tiny network then trains 10-20x faster), and
    leaves a network the fast path cannot train to the eager path either way."""
    if choice != "auto":
        return choice
    try:
        from graph_core.training.fast.compiler import is_cached
    except ImportError:
        return "auto"
    return "on" if is_cached() else "auto"


def _make_trainer(
    project, base_dir: Path, overrides: dict, threads: int | None, fast: str = "auto", cuda_graphs: str = "auto"
):
    import torch

    from graph_core.data import DataImportError, load_dataset
    from graph_core.plan import CompileError
    from graph_core.training import Trainer, TrainingConfig, TrainingSetupError, make_mode

    try:
        config = TrainingConfig.from_dict({**project.training, **overrides})
    except (TypeError, ValueError) as error:
        raise _Refused(str(error)) from None
    if config.device == "cuda" and not torch.cuda.is_available():
        raise _Refused("--device cuda: no CUDA GPU is available here (torch.cuda.is_available() is False)")
    try:
        data = load_dataset(project.data, base_dir=base_dir)
    except DataImportError as error:
        raise _Refused(str(error)) from None
    mode = make_mode(config.mode)
    try:
        model = mode.build_model(project.graph, config.seed)
    except (CompileError, TrainingSetupError) as error:
        raise _Refused(str(error)) from None
    problem = _input_problem(project.graph, model, data) if config.mode not in ("gan", "diffusion") else None
    if config.mode == "diffusion":  # two Inputs, the noisy sample and its time step: the mode checks them
        problem = mode.check(model, data, config)
    if problem:
        raise _Refused(problem)
    if config.mode in ("supervised", "language_model", "masked_language_model"):
        shape = _output_shape(project.graph, model)
        message = mode.problem(shape, data, config)  # supervised: check_loss_compatibility
        if message:
            raise _Refused(f"training.loss: {message}" if config.mode == "supervised" else message)
    return Trainer(
        model, data, config, mode=mode, num_threads=threads, step_event_every=0, fast=fast, cuda_graphs=cuda_graphs
    )


def _input_problem(graph, model, data) -> str | None:
    from graph_core.layers._helpers import fmt_shape

    if len(model.input_ids) != 1:
        return f"the network has {len(model.input_ids)} inputs; training on a data set needs exactly one"
    node = graph.node(model.input_ids[0])
    expected = tuple(node.params["shape"])
    if expected != data.input_shape:
        return (
            f"Input {node.id} expects samples of shape {fmt_shape(expected)} but the data set "
            f"'{data.name}' gives {fmt_shape(data.input_shape)}; change the Input's shape"
        )
    return None


def _output_shape(graph, model) -> tuple[int, ...]:
    from graph_core.shapes import analyze

    return analyze(graph).nodes[model.output_ids[0]].shape


def _train(job: _Job, args) -> int:
    from graph_core.training import EpochEvent, FinishedEvent
    from graph_core.training.checkpoint import save_history, save_metrics, save_weights

    trainer = job.trainer
    progress = _Progress(sys.stderr, quiet=args.quiet)

    def on_event(event) -> None:
        if isinstance(event, EpochEvent):
            progress.epoch(event)

    trainer.on_event = on_event
    try:
        finished: FinishedEvent = trainer.run()
    except KeyboardInterrupt:
        trainer.stop()
        finished = FinishedEvent("stopped", trainer.epoch, trainer.global_step, 0.0, message="interrupted")
    progress.done()
    job.out.mkdir(parents=True, exist_ok=True)
    save_weights(trainer.model, job.out / "weights.safetensors", {"project": job.name})
    save_history(trainer.history, job.out / "history.csv", job.out / "history.json")
    if finished.test is not None:
        save_metrics(finished.test, job.out / "metrics.json")
    _summary(finished, job.out, _path_of(trainer))
    if trainer.config.mode in ("language_model", "masked_language_model") and finished.reason != "error":
        _language_model_extras(trainer, job.out)
    if trainer.config.mode == "diffusion" and finished.reason != "error":
        _diffusion_extras(trainer, job.out)
    return EXIT_OK if finished.reason in ("completed", "stopped") else EXIT_FAILED


def _path_of(trainer) -> str:
    """How the run trained, for the summary: on CUDA, why not with CUDA graphs."""
    if getattr(trainer, "uses_fast_path", False):
        return "fast path"
    if getattr(trainer, "uses_cuda_graphs", False):
        return "CUDA graphs"
    device = getattr(trainer, "device", None)
    reason = getattr(trainer, "cuda_graphs_reason", None)
    if device is not None and device.type == "cuda" and reason:
        return f"eager: {reason}"
    return "eager"


class _Progress:
    """One line redrawn in place on a terminal; a line every tenth of the run otherwise."""

    def __init__(self, stream: TextIO, quiet: bool):
        self.stream, self.quiet = stream, quiet
        self.tty = stream.isatty()
        self.last_line = 0.0

    def epoch(self, event) -> None:
        if self.quiet:
            return
        width = 24
        filled = int(width * event.epoch / max(event.epochs, 1))
        bar = "#" * filled + "-" * (width - filled)
        parts = [f"[{bar}] epoch {event.epoch}/{event.epochs}", f"loss {event.train_loss:.4f}"]
        if event.val_loss is not None:
            parts.append(f"val {event.val_loss:.4f}")
        if event.accuracy is not None:
            parts.append(f"acc {event.accuracy:.1%}")
        parts.append(f"ETA {_duration(event.eta)}")
        line = "  ".join(parts)
        if self.tty:
            columns = shutil.get_terminal_size().columns
            self.stream.write("\r" + line[: columns - 1].ljust(columns - 1))
            self.stream.flush()
        elif event.epoch == event.epochs or event.epoch % max(1, event.epochs // 10) == 0:
            self.stream.write(line + "\n")
        self.last_line = time.monotonic()

    def done(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\n")


def _language_model_extras(trainer, out: Path) -> None:
    """A language model's vocabulary goes beside its weights (ids mean nothing without
    it), and a greedy sample (or, for a masked model, a filled-in line) shows what it
    learned."""
    from graph_core.data.text import corpus_prompt
    from graph_core.fileio import atomic_write_text
    from graph_core.training.language import fill_blanks, generate

    tokenizer = trainer.data.tokenizer
    atomic_write_text(out / "tokenizer.json", json.dumps(tokenizer.to_dict(), ensure_ascii=False) + "\n")
    context = int(trainer.data.x_train.shape[1])
    blanks = corpus_prompt(trainer.data.name, masked=True)
    if trainer.config.mode == "masked_language_model":
        filled = fill_blanks(trainer.model, tokenizer, blanks, context=context).text if blanks else ""
        shown = f"; {blanks!r} filled in: {filled!r}" if blanks else ""
        print(f"wrote {out}/tokenizer.json (the mask is id {tokenizer.vocab_size}){shown}")
        return
    prompt = corpus_prompt(trainer.data.name)
    sample = generate(
        trainer.model, tokenizer, prompt, context=int(trainer.data.x_train.shape[1]), temperature=0, max_new_tokens=60
    )
    print(f"wrote {out}/tokenizer.json; a greedy sample: {(prompt + sample.text)!r}")


def _diffusion_extras(trainer, out: Path) -> None:
    """A diffusion model's samples go beside its weights: the points it generates."""
    from graph_core.fileio import atomic_write_text
    from graph_core.training.diffusion import points_csv

    samples = trainer.mode.sample(DIFFUSION_SAMPLES)
    atomic_write_text(out / "samples.csv", points_csv(samples, trainer.data.feature_names))
    print(f"wrote {out}/samples.csv: {len(samples)} points generated from noise by the trained model")


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _summary(finished, out: Path, path: str = "") -> None:
    print(
        f"{finished.reason}: {finished.epoch} epochs, {finished.step} steps in {finished.elapsed:.1f} s"
        + (f" ({path})" if path else "")
    )
    if finished.message:
        print(finished.message)
    if finished.test is not None:
        values = {k: v for k, v in finished.test.to_dict().items() if k not in ("confusion", "per_class_accuracy")}
        print("test: " + json.dumps(values))
    print(f"wrote {out}/weights.safetensors, history.csv, history.json" + (", metrics.json" if finished.test else ""))
