"""Readable PyTorch code: a folder with `model.py` (the network as an `nn.Module`),
`weights.safetensors`, and, when the project's data and training settings are known,
`train.py` and `data.safetensors` (and `generate.py` for a language model). Verified by importing `model.py` in a fresh Python
process that cannot import NeuroLoom, so the folder provably stands alone."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file
from safetensors.torch import save as safetensors_bytes

from graph_core.codegen import generate_code
from graph_core.codegen_train import TrainScriptError, generate_train_script
from graph_core.export.core import ExportSource, compare_runs, run_in_fresh_python, verification_batches, write_file
from graph_core.export.diffusion_export import verify_sample_script, write_sample_script
from graph_core.export.language_export import verify_generate_script, write_generate_script
from graph_core.export.torch_formats import safetensors_data

MODEL_FILE, TRAIN_FILE, WEIGHTS_FILE, DATA_FILE = "model.py", "train.py", "weights.safetensors", "data.safetensors"

# Runs in the fresh process: NeuroLoom is made unimportable, so model.py must stand alone.
_CHECK_SCRIPT = """
import sys
sys.modules["graph_core"] = None
folder, inputs_path, outputs_path = sys.argv[1:4]
sys.path.insert(0, folder)
import torch
from safetensors.torch import load_file, load_model, save_file
from model import Model

model = Model()
load_model(model, folder + "/weights.safetensors", strict=True)
model.eval()
inputs = load_file(inputs_path)
results = {}
batch = 0
while f"b{batch}_i0" in inputs:
    args = []
    while f"b{batch}_i{len(args)}" in inputs:
        args.append(inputs[f"b{batch}_i{len(args)}"])
    with torch.no_grad():
        out = model(*args)
    for i, tensor in enumerate(out if isinstance(out, (tuple, list)) else [out]):
        results[f"b{batch}_o{i}"] = tensor.contiguous()
    batch += 1
save_file(results, outputs_path)
"""


def write_code(source: ExportSource, folder: Path, notes: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    model, _ = source.prepared()
    header = f"{source.title or source.name}: a network designed in NeuroLoom."
    written = [folder / MODEL_FILE, folder / WEIGHTS_FILE]
    write_file(written[0], generate_code(source.graph, class_name="Model", header=header).encode())
    write_file(written[1], safetensors_data(model, {"neuroloom.model": source.name}))
    script = _train_script(source, notes)
    if script is not None:
        write_file(folder / TRAIN_FILE, script.encode())
        write_file(folder / DATA_FILE, data_file_bytes(source.bundle))
        written += [folder / TRAIN_FILE, folder / DATA_FILE]
    written += write_generate_script(source, folder, notes)  # language models: generate.py
    written += write_sample_script(source, folder, notes)  # diffusion models: sample.py
    return written


def _train_script(source: ExportSource, notes: list[str]) -> str | None:
    """train.py's source, or None with a note saying why it was left out."""
    if source.bundle is None or source.training is None:
        notes.append("train.py was not written: the project's data or training settings are not available")
        return None
    try:
        return generate_train_script(source.graph, source.training, source.bundle, source.title)
    except TrainScriptError as error:
        notes.append(f"train.py was not written: {error}")
        return None


def data_file_bytes(bundle) -> bytes:
    """The train / validation / test splits as one safetensors file."""
    tensors = {
        f"{axis}_{split}": getattr(bundle, f"{axis}_{split}").contiguous()
        for split in ("train", "val", "test")
        for axis in ("x", "y")
    }
    metadata = {
        "name": str(bundle.name),
        "task": str(bundle.task),
        "num_classes": json.dumps(bundle.num_classes),
        "class_names": json.dumps(bundle.class_names),
    }
    tokenizer = getattr(bundle, "tokenizer", None)
    if tokenizer is not None:  # token ids mean nothing without their characters
        metadata["tokenizer"] = json.dumps(tokenizer.to_dict(), ensure_ascii=False)
    return safetensors_bytes(tensors, metadata=metadata)


def verify_code(source: ExportSource, folder: Path) -> float:
    batches = verification_batches(source.prepared()[1])
    answers = iter(run_in_fresh_process(folder, batches))
    difference = compare_runs(source, lambda batch: next(answers))
    verify_generate_script(source, folder)  # raises when generate.py writes other text
    # sample.py's points from the same seed as the app's sampler's (diffusion models)
    return max(difference, verify_sample_script(source, folder))


def run_in_fresh_process(folder: Path, batches: list[tuple[torch.Tensor, ...]]) -> list[list[torch.Tensor]]:
    """Outputs of `Model` from `folder`/model.py with its weights, computed by a new
    Python (isolated mode: no user site, no PYTHONPATH) for each batch of inputs."""
    with tempfile.TemporaryDirectory(prefix="neuroloom-verify-") as scratch:
        inputs_path, outputs_path = Path(scratch) / "inputs.safetensors", Path(scratch) / "outputs.safetensors"
        # Copies: safetensors refuses tensors that share memory (a batch and its first sample).
        tensors = {f"b{b}_i{i}": t.clone() for b, batch in enumerate(batches) for i, t in enumerate(batch)}
        inputs_path.write_bytes(safetensors_bytes(tensors))
        run_in_fresh_python(_CHECK_SCRIPT, [str(folder.resolve()), str(inputs_path), str(outputs_path)], "model.py")
        outputs = load_file(str(outputs_path))
    return [_outputs_of(outputs, b) for b in range(len(batches))]


def _outputs_of(outputs: dict[str, torch.Tensor], batch: int) -> list[torch.Tensor]:
    found = []
    while f"b{batch}_o{len(found)}" in outputs:
        found.append(outputs[f"b{batch}_o{len(found)}"])
    return found
