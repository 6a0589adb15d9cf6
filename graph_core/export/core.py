"""The pieces every export format shares: what is exported (`ExportSource`), what came
of it (`ExportReport`), a format's description (`ExportFormat`) and the registry the
Export dialog and `neuroloom export` list formats from."""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import math
import os
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from graph_core.fileio import atomic_write_bytes
from graph_core.graph import ModelGraph

TOLERANCE = 1e-5  # max abs difference allowed between the file and the in-app model (float32)
SAMPLE_BATCH = 8
ONNX_HINT = 'pip install "neuroloom[onnx]"'
FRESH_PROCESS_TIMEOUT = 300  # seconds for an exported script checked in a new Python


def write_file(path: str | Path, data: bytes) -> None:
    """Write atomically (temporary file + rename), then make the file readable by others
    like any file a user saves: the temporary file was created private (0600)."""
    atomic_write_bytes(path, data)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o644)


class ExportError(ValueError):
    """An export that cannot be made as asked; the message is for the user."""


@dataclass
class ExportSource:
    """What to export: a trained model, the graph it was compiled from and, for the code
    export, the project's data and training settings.

    The model is copied (on the CPU, in eval mode) when first needed, so exporting never
    changes the app's model; a source is a snapshot: make a new one after more training.
    `graph` may be None for a plain `nn.Module` (then `sample_inputs` are required and
    the code export is unavailable).
    """

    model: nn.Module
    graph: ModelGraph | None = None
    name: str = "model"
    bundle: Any = None  # graph_core.data.DataBundle: samples for verification, data for train.py
    training: dict | None = None  # the project's `training` section
    title: str = ""
    sample_inputs: tuple[torch.Tensor, ...] | None = None
    notes: list[str] = field(default_factory=list)  # problems met while building the source
    cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)  # work shared by formats
    _prepared: tuple[nn.Module, tuple[torch.Tensor, ...]] | None = field(default=None, init=False, repr=False)

    def prepared(self) -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
        """(a CPU eval-mode copy of the model, sample inputs), made once per source."""
        if self._prepared is None:
            model = copy.deepcopy(self.model).cpu().eval()
            inputs = self.sample_inputs or sample_inputs(self.graph, model, self.bundle)
            self._prepared = (model, tuple(t.cpu() for t in inputs))
        return self._prepared

    @property
    def input_names(self) -> list[str]:
        model = self.prepared()[0]
        ids = getattr(model, "input_ids", None)
        return list(ids) if ids else [f"input{i}" for i in range(len(self.prepared()[1]))]

    @property
    def output_names(self) -> list[str] | None:
        return list(getattr(self.prepared()[0], "output_ids", None) or []) or None


def run_in_fresh_python(script: str, args: Sequence[str], what: str) -> str:
    """Run `script` (Python source) in a new, isolated Python (`-I -B`: no user site, no
    PYTHONPATH, no bytecode written) with `args`; its standard output. A failure raises
    RuntimeError naming `what` (the exported file under test) and the last error line."""
    command = [sys.executable, "-I", "-B", "-c", script, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=FRESH_PROCESS_TIMEOUT)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise RuntimeError(f"{what} failed in a fresh Python process: {lines[-1] if lines else result.returncode}")
    return result.stdout


def sample_inputs(graph: ModelGraph | None, model: nn.Module, bundle: Any = None) -> tuple[torch.Tensor, ...]:
    """A batch of inputs for verification: the first test samples of the project's data
    when they fit the single input, else seeded random values of the right shape."""
    if graph is None:
        raise ExportError("sample inputs are needed to verify an export of a module without a graph")
    ids = list(getattr(model, "input_ids", None) or graph.input_nodes())
    real = _bundle_samples(graph, ids, bundle)
    if real is not None:
        return (real,)
    generator = torch.Generator().manual_seed(0)
    return tuple(_random_input(graph, node_id, generator) for node_id in ids)


def _bundle_samples(graph: ModelGraph, ids: list[str], bundle: Any) -> torch.Tensor | None:
    if bundle is None or len(ids) != 1:
        return None
    params = graph.node(ids[0]).params
    dtype = torch.int64 if params["dtype"] == "int64" else torch.float32
    for split in ("x_test", "x_val", "x_train"):
        x = getattr(bundle, split)
        if len(x) >= 2 and tuple(x.shape[1:]) == tuple(params["shape"]) and x.dtype == dtype:
            return x[:SAMPLE_BATCH].clone()
    return None


def _random_input(graph: ModelGraph, node_id: str, generator: torch.Generator) -> torch.Tensor:
    params = graph.node(node_id).params
    shape = (SAMPLE_BATCH, *params["shape"])
    if params["dtype"] != "int64":
        return torch.randn(shape, generator=generator)
    # Token ids must stay below the smallest vocabulary they feed.
    sizes = [
        graph.node(e.dst).params["num_embeddings"]
        for e in graph.out_edges(node_id)
        if graph.node(e.dst).type == "Embedding"
    ]
    return torch.randint(0, min(sizes, default=2), shape, generator=generator)


def verification_batches(inputs: tuple[torch.Tensor, ...]) -> list[tuple[torch.Tensor, ...]]:
    """The sample batch and its first sample alone: a file that only works for the batch
    size it was traced with fails here."""
    return [inputs, tuple(t[:1] for t in inputs)]


def as_tensors(output: Any) -> list[torch.Tensor]:
    """A model's output (a tensor, a tuple or list of them) as a flat list."""
    if isinstance(output, torch.Tensor):
        return [output]
    if isinstance(output, (tuple, list)):
        return [t for item in output for t in as_tensors(item)]
    raise ExportError(f"the model returned a {type(output).__name__}; exports support tensors and tuples of tensors")


def max_abs_diff(expected: Sequence[Any], actual: Sequence[Any]) -> float:
    """The largest |expected - actual| over all outputs; inf when shapes or counts differ
    and NaN when any value is NaN (so a NaN never passes a tolerance check)."""
    if len(expected) != len(actual):
        return math.inf
    worst = 0.0
    for want, got in zip(expected, actual):
        want, got = torch.as_tensor(want).detach().cpu(), torch.as_tensor(got).detach().cpu()
        if want.shape != got.shape:
            return math.inf
        if want.numel() == 0:
            continue
        diff = (want.double() - got.double()).abs().max().item()
        if math.isnan(diff):
            return math.nan
        worst = max(worst, diff)
    return worst


def reference_outputs(model: nn.Module, inputs: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
    with torch.no_grad():
        return as_tensors(model(*inputs))


def compare_runs(source: ExportSource, run: Callable[[tuple[torch.Tensor, ...]], Sequence[Any]]) -> float:
    """Run the reloaded export (`run`) and the in-app model on every verification batch;
    return the largest difference."""
    model, inputs = source.prepared()
    worst = 0.0
    for batch in verification_batches(inputs):
        diff = max_abs_diff(reference_outputs(model, batch), list(run(batch)))
        if math.isnan(diff):
            return diff
        worst = max(worst, diff)
    return worst


# ----- reports ------------------------------------------------------------------------
STATUSES = ("passed", "failed", "error", "unavailable", "unverified")


@dataclass
class ExportReport:
    """What one export did. `status`: passed (written and verified), failed (written but
    outputs differ), error (could not be written or reloaded), unavailable (a package is
    missing; `message` says how to install it) or unverified (verification skipped)."""

    format: str
    path: Path
    status: str
    message: str
    files: list[Path] = field(default_factory=list)
    max_abs_diff: float | None = None
    tolerance: float = TOLERANCE
    runtime: str = ""  # what reloaded the file for verification
    notes: list[str] = field(default_factory=list)
    details: str = ""  # a traceback for errors, for a "details" button
    write_seconds: float = 0.0
    verify_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "unverified")

    @property
    def verified(self) -> bool:
        return self.status == "passed"

    def summary(self) -> str:
        """One line: format, path, verification and result."""
        return f"{self.format}: {self.path}: {self.message}"


def _diff_text(diff: float) -> str:
    return "nan" if math.isnan(diff) else "inf" if math.isinf(diff) else f"{diff:.3g}"


# ----- formats ------------------------------------------------------------------------
# (source, target, notes) -> files written; a writer appends what the user should know to notes.
Writer = Callable[[ExportSource, Path, list[str]], list[Path]]
Verifier = Callable[[ExportSource, Path], float]


@dataclass(frozen=True)
class ExportFormat:
    """One way to take a model away. `extension` is "" for formats that write a folder.
    `requires` lists the import names of optional packages; `available()` checks them."""

    name: str
    title: str
    extension: str
    description: str
    write: Writer
    verify: Verifier | None = None  # None: nothing to reload (e.g. a picture)
    runtime: str = "torch"
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    needs_graph: bool = False

    @property
    def writes_folder(self) -> bool:
        return self.extension == ""

    def missing(self) -> list[str]:
        """The required packages that are not installed."""
        return [name for name in self.requires if importlib.util.find_spec(name) is None]

    def available(self) -> bool:
        return not self.missing()

    def target(self, path: str | Path, stem: str = "model") -> Path:
        """Where the export goes: `path` itself, or `path/<stem><ext>` for a folder."""
        path = Path(path)
        if not self.writes_folder and path.is_dir():
            return path / f"{stem}{self.extension}"
        return path

    def export(
        self, source: ExportSource, path: str | Path, *, verify: bool = True, tolerance: float = TOLERANCE
    ) -> ExportReport:
        """Write the file(s), reload them in their own runtime and compare outputs.

        Never raises for problems with the model or the files: they come back as a
        report with status `error` (or `unavailable` when a package is missing)."""
        target = self.target(path, source.name)
        report = ExportReport(self.name, target, "error", "", tolerance=tolerance, runtime=self.runtime)
        report.notes = list(source.notes)
        missing = self.missing()
        if missing:
            report.status = "unavailable"
            report.message = f"needs {', '.join(missing)}: {self.install_hint}"
            return report
        if self.needs_graph and source.graph is None:
            report.message = f"{self.title} export needs the network's graph"
            return report
        if not self._write_into(report, source):
            return report
        if not verify or self.verify is None:
            report.status = "unverified"
            report.message = "written (not verified)" if self.verify else "written"
            return report
        self._verify_into(report, source)
        return report

    def _write_into(self, report: ExportReport, source: ExportSource) -> bool:
        start = time.perf_counter()
        try:
            report.path.parent.mkdir(parents=True, exist_ok=True)
            report.files = self.write(source, report.path, report.notes)
        except Exception as error:  # the dialog shows every failure, it never crashes
            _failed(report, "could not be written", error)
            return False
        report.write_seconds = time.perf_counter() - start
        return True

    def _verify_into(self, report: ExportReport, source: ExportSource) -> None:
        start = time.perf_counter()
        try:
            diff = self.verify(source, report.path)
        except Exception as error:
            _failed(report, f"was written but could not be reloaded with {self.runtime}", error)
            return
        report.verify_seconds = time.perf_counter() - start
        report.max_abs_diff = diff
        passed = diff <= report.tolerance  # False for NaN
        report.status = "passed" if passed else "failed"
        verdict = "ok" if passed else f"FAILED (tolerance {report.tolerance:g})"
        report.message = f"verified with {self.runtime}: max abs diff {_diff_text(diff)}: {verdict}"


def _failed(report: ExportReport, what: str, error: Exception) -> None:
    report.status = "error"
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()  # the ONNX exporter colours its messages
    text = plain.splitlines()[0] if plain else ""
    report.message = f"{what}: {type(error).__name__}" + (f": {text}" if text else "")
    report.details = "".join(traceback.format_exception(error))


_FORMATS: dict[str, ExportFormat] = {}


def register_format(fmt: ExportFormat, *, replace: bool = False) -> None:
    """Add a format to the list (the app registers its canvas pictures, "svg" and "png")."""
    if fmt.name in _FORMATS and not replace:
        raise ValueError(f"export format {fmt.name!r} is already registered")
    _FORMATS[fmt.name] = fmt


def formats() -> list[ExportFormat]:
    """Every registered format, in the order the dialog lists them."""
    return list(_FORMATS.values())


def get_format(name: str) -> ExportFormat:
    try:
        return _FORMATS[name]
    except KeyError:
        raise ExportError(f"unknown export format {name!r}; choose one of {', '.join(_FORMATS)}") from None
