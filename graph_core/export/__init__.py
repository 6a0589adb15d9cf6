"""Export: the trained model leaves as real files, each verified right after it is
written by reloading it in its own runtime and comparing outputs with the app's model.

    source = source_from_project(project, model)        # or ExportSource(model, graph, ...)
    for fmt in formats():                               # what the Export dialog lists
        print(fmt.name, fmt.extension, fmt.available() or fmt.install_hint)
    report = get_format("onnx").export(source, "model.onnx")
    report.status, report.max_abs_diff                  # "passed", 1.2e-07

Formats: safetensors, pt (weights-only state dict), pt2 (torch.export; chosen over
TorchScript, see torch_formats), onnx (optional extra) and code (model.py, train.py,
weights, data). The app adds its canvas pictures with `register_format`.
"""

from __future__ import annotations

import re
from pathlib import Path

from graph_core.export.code_format import verify_code, write_code
from graph_core.export.core import (
    ONNX_HINT,
    TOLERANCE,
    ExportError,
    ExportFormat,
    ExportReport,
    ExportSource,
    formats,
    get_format,
    register_format,
    sample_inputs,
)
from graph_core.export.onnx_format import REQUIRES as ONNX_REQUIRES
from graph_core.export.onnx_format import verify_onnx, write_onnx
from graph_core.export.torch_formats import (
    verify_program,
    verify_safetensors,
    verify_state_dict,
    write_program,
    write_safetensors,
    write_state_dict,
)

__all__ = [
    "TOLERANCE",
    "ExportError",
    "ExportFormat",
    "ExportReport",
    "ExportSource",
    "default_name",
    "export",
    "export_all",
    "formats",
    "get_format",
    "register_format",
    "sample_inputs",
    "source_from_project",
]

BUILT_IN = (
    ExportFormat(
        "safetensors",
        "safetensors weights",
        ".safetensors",
        "The trained weights, named by node id (fc1.weight). Safe to load anywhere: "
        "the file holds only tensors, never code.",
        write_safetensors,
        verify_safetensors,
    ),
    ExportFormat(
        "pt",
        "PyTorch state dict",
        ".pt",
        "A torch.save state dict of tensors only; load it with torch.load(path, weights_only=True) "
        "into the exported model.py's Model.",
        write_state_dict,
        verify_state_dict,
    ),
    ExportFormat(
        "pt2",
        "torch.export program",
        ".pt2",
        "The network and its weights as a torch.export program with a dynamic batch size; "
        "load it with torch.export.load(path).module(), no Python source needed.",
        write_program,
        verify_program,
    ),
    ExportFormat(
        "onnx",
        "ONNX",
        ".onnx",
        "One ONNX file (opset 20, dynamic batch) for onnxruntime, TensorRT, OpenVINO, "
        "browsers and phones. Checked with onnx.checker.",
        write_onnx,
        verify_onnx,
        runtime="onnxruntime",
        requires=ONNX_REQUIRES,
        install_hint=ONNX_HINT,
    ),
    ExportFormat(
        "code",
        "PyTorch code",
        "",
        "A folder with model.py (the network as a readable nn.Module), weights.safetensors, "
        "and train.py with data.safetensors to train it again, alone or with torchrun; "
        "a language model also gets generate.py, which writes text with it, and a diffusion model "
        "sample.py, which draws new samples with it.",
        write_code,
        verify_code,
        runtime="a fresh Python process",
        needs_graph=True,
    ),
)
for _format in BUILT_IN:
    register_format(_format)


def export(source: ExportSource, format: str, path: str | Path, *, verify: bool = True) -> ExportReport:
    """Export `source` as the named format to `path` (a file, or a folder for code)."""
    return get_format(format).export(source, path, verify=verify)


def default_name(fmt: ExportFormat, stem: str) -> str:
    """The file (or folder) name a format gets inside an export folder."""
    return f"{stem}{fmt.extension}" if fmt.extension else f"{stem}_{fmt.name}"


def export_all(source: ExportSource, folder: str | Path, *, verify: bool = True) -> list[ExportReport]:
    """Every built-in format into `folder`; unavailable ones report how to install them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [fmt.export(source, folder / default_name(fmt, source.name), verify=verify) for fmt in BUILT_IN]


def source_from_project(
    project, model=None, *, weights=None, base_dir=None, name: str | None = None, role: str | None = None
) -> ExportSource:
    """An ExportSource for a loaded project: `model` (the app's trained model) or else
    the graph compiled and loaded with the `weights` file (safetensors or weights-only
    state dict). `role` exports one network of a project that holds several (a GAN's
    "generator"); by default the whole graph is one module. The project's data set is
    loaded for sample inputs and train.py; when it cannot be, the source carries a note
    and exports go on without it.

    Raises ExportError when the role is unknown, the graph does not compile or the
    weights do not fit."""
    from graph_core.data import DataImportError, load_dataset

    graph, notes = _graph_of(project, role)
    if model is None:
        model = _compiled_with_weights(graph, project.training.get("seed", 0), weights, notes)
    try:
        bundle = load_dataset(project.data, base_dir=base_dir)
    except (DataImportError, OSError) as error:
        bundle = None
        notes.append(f"the project's data could not be loaded ({error}); samples are random and train.py is left out")
    stem = _stem(name or project.title or "model") + (f"_{role}" if role else "")
    training = dict(project.training)
    return ExportSource(model, graph, stem, bundle=bundle, training=training, title=project.title, notes=notes)


def _graph_of(project, role: str | None) -> tuple:
    from graph_core.subgraph import subgraph

    roles = [r for r in project.graph.roles() if r is not None]
    if role is None:
        notes = [f"the project holds several networks ({', '.join(roles)}); all are exported as one module"]
        return project.graph, notes if len(roles) > 1 else []
    if role not in roles:
        known = ", ".join(roles) or "none: the project holds one network"
        raise ExportError(f"the project has no network (role) called {role!r}; roles: {known}")
    return subgraph(project.graph, role), []


def _compiled_with_weights(graph, seed: int, weights, notes: list[str]):
    from graph_core.compiler import CompileError, compile_graph
    from graph_core.importer import WeightsFileError, load_weights

    try:
        model = compile_graph(graph, seed=seed)
    except CompileError as error:
        raise ExportError(str(error)) from None
    if weights is None:
        notes.append("no weights given: the exported network is untrained (freshly initialized)")
        return model
    try:
        report = load_weights(model, weights)
    except WeightsFileError as error:
        raise ExportError(str(error)) from None
    if not report.complete:
        raise ExportError(f"the weights in {weights} do not fit this network:\n{report.describe()}")
    return model


def _stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "model"
