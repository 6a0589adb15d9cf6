"""The diffusion part of the code export: `sample.py` beside model.py (the project's noise
schedule with a DDPM sampling loop), checked in a fresh Python process that cannot import
NeuroLoom: from the same seed it must draw the samples the app's model draws."""

from __future__ import annotations

import tempfile
from pathlib import Path

from graph_core.codegen_sample import SampleScriptError, generate_sample_script
from graph_core.export.core import ExportSource, max_abs_diff, run_in_fresh_python, write_file

SAMPLE_FILE = "sample.py"
CHECK_SAMPLES, CHECK_SEED = 64, 7

# Runs in the fresh process: NeuroLoom is made unimportable, sample.py must stand alone.
_CHECK_SCRIPT = """
import sys
sys.modules["graph_core"] = None
folder, n, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, folder)
from safetensors.torch import load_model, save_file
import sample
from model import Model

model = Model()
load_model(model, folder + "/weights.safetensors", strict=True)
save_file({"samples": sample.sample(model, n, seed).contiguous()}, out)
"""


def is_diffusion(source: ExportSource) -> bool:
    return (source.training or {}).get("mode") == "diffusion"


def write_sample_script(source: ExportSource, folder: Path, notes: list[str]) -> list[Path]:
    """sample.py for a diffusion project (else nothing), or a note saying why it was
    left out."""
    if not is_diffusion(source):
        return []
    columns = list(getattr(source.bundle, "feature_names", None) or [])
    try:
        script = generate_sample_script(source.graph, source.training, columns, source.title)
    except SampleScriptError as error:
        notes.append(f"sample.py was not written: {error}")
        return []
    path = folder / SAMPLE_FILE
    write_file(path, script.encode())
    return [path]


def verify_sample_script(source: ExportSource, folder: Path) -> float:
    """Draw CHECK_SAMPLES samples with sample.py in a fresh process and with the app's
    sampler from the same seed; return the largest difference (0.0 without sample.py).
    Raises RuntimeError when sample.py fails to run."""
    from safetensors.torch import load_file

    from graph_core.training.diffusion import diffusion_inputs, sample_trajectory, schedule_of

    if not (folder / SAMPLE_FILE).exists() or not is_diffusion(source):
        return 0.0
    model, _ = source.prepared()
    if getattr(model, "diffusion", None) is None:  # compiled by the export, not by the mode
        model.diffusion = diffusion_inputs(source.graph)
    expected = sample_trajectory(model, schedule_of(source.training), CHECK_SAMPLES, CHECK_SEED, keep=False)
    with tempfile.TemporaryDirectory(prefix="neuroloom-verify-") as scratch:
        out = Path(scratch) / "samples.safetensors"
        args = [str(folder.resolve()), str(CHECK_SAMPLES), str(CHECK_SEED), str(out)]
        run_in_fresh_python(_CHECK_SCRIPT, args, "sample.py")
        drawn = load_file(str(out))["samples"]
    return max_abs_diff([expected.float()], [drawn])
