"""The generated train.py runs unchanged under torchrun: two CPU processes (gloo) train
with DistributedDataParallel, both ranks take part, and only rank 0 saves the weights."""

import importlib.util
import subprocess
import sys

from safetensors.torch import load_file, load_model

from graph_core.export import export, source_from_project
from graph_core.project import EXAMPLES_DIR, load_project


def test_train_py_under_torchrun_with_two_cpu_processes(tmp_path):
    project = load_project(EXAMPLES_DIR / "mlp_xor.nlproj")
    folder = tmp_path / "code"
    assert export(source_from_project(project), "code", folder, verify=False).ok
    out = tmp_path / "weights" / "trained.safetensors"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    command += ["train.py", "--epochs", "1", "--device", "cpu", "--out", str(out)]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for rank in (0, 1):
        assert f"[rank {rank} of 2] training on cpu: 140 samples per epoch" in result.stdout
        # 280 training samples, 140 per process, 8 per process and step (batch size 16 in all).
        assert f"[rank {rank} of 2] done after 18 steps" in result.stdout
    assert result.stdout.count("epoch 1/1") == 1 and result.stdout.count("saved ") == 1  # rank 0 only
    assert sorted(p.name for p in out.parent.iterdir()) == ["trained.safetensors"]  # no temporary file left
    tensors = load_file(out)
    assert set(tensors) == {"hidden.weight", "hidden.bias", "out.weight", "out.bias"}
    spec = importlib.util.spec_from_file_location("torchrun_model", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing, unexpected = load_model(module.Model(), out)
    assert not missing and not unexpected
