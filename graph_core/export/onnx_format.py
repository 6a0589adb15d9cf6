"""ONNX export with torch's dynamo exporter: one self-contained file (no external data),
opset 20, a dynamic batch axis named "batch", checked with `onnx.checker` and verified
with onnxruntime. onnx, onnxscript and onnxruntime are optional (`neuroloom[onnx]`)."""

from __future__ import annotations

from pathlib import Path

import torch

from graph_core.export.core import ExportSource, compare_runs, write_file
from graph_core.export.torch_formats import exported_program, quiet_export

OPSET = 20  # torch 2.13's default; onnxruntime 1.18+ runs it
REQUIRES = ("onnx", "onnxscript", "onnxruntime")


def onnx_program(source: ExportSource):
    """The ONNX program, made from the same `torch.export` program as the `.pt2` file."""
    names = source.input_names
    with quiet_export():
        program = torch.onnx.export(
            exported_program(source),
            dynamo=True,
            external_data=False,
            opset_version=OPSET,
            input_names=names,
            output_names=source.output_names,
            verbose=False,
        )
    # The exporter names the batch symbol after torch's internals (s77); call it "batch".
    renames = {}
    for value in program.model.graph.inputs:
        dim = value.shape[0] if value.shape is not None and len(value.shape) else None
        if dim is not None and not isinstance(dim, int) and dim.value is not None:
            renames[dim.value] = "batch"
    if renames:
        program.rename_axes(renames)
    return program


def write_onnx(source: ExportSource, path: Path, notes: list[str]) -> list[Path]:
    import onnx

    proto = onnx_program(source).model_proto
    onnx.checker.check_model(proto, full_check=True)
    write_file(path, proto.SerializeToString())
    notes.append(f"opset {OPSET}, dynamic batch axis 'batch'")
    return [path]


def verify_onnx(source: ExportSource, path: Path) -> float:
    import onnx
    import onnxruntime

    onnx.checker.check_model(str(path), full_check=True)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]

    def run(batch: tuple[torch.Tensor, ...]) -> list:
        return session.run(None, {name: t.numpy() for name, t in zip(names, batch)})

    return compare_runs(source, run)
