"""The headless `neuroloom` command."""

import json
import subprocess
import sys

import pytest

from graph_core.cli import main
from graph_core.project import EXAMPLES_DIR


def test_validate_prints_shapes_parameters_and_totals(capsys):
    assert main(["validate", str(EXAMPLES_DIR / "cnn_digits.nlproj")]) == 0
    out = capsys.readouterr().out
    assert "conv1" in out and "[N, 16, 8, 8]" in out and "160" in out
    assert "6,090 trainable parameters" in out and out.rstrip().endswith("valid")


def test_validate_exits_1_for_an_invalid_graph(tmp_path, capsys):
    doc = json.loads((EXAMPLES_DIR / "mlp_xor.nlproj").read_text())
    doc["graph"]["nodes"][1]["type"] = "Conv2d"
    doc["graph"]["nodes"][1]["params"] = {}
    path = tmp_path / "bad.nlproj"
    path.write_text(json.dumps(doc))
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "error: hidden: Conv2d needs an image-like" in captured.err
    assert "invalid: 1 error(s)" in captured.out


def test_validate_exits_2_with_the_reason_when_the_file_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "x.nlproj"
    path.write_text("{")
    assert main(["validate", str(path)]) == 2
    assert "is not valid JSON" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.nlproj")]) == 2


def test_help_documents_every_command():
    result = subprocess.run(
        [sys.executable, "-m", "graph_core.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("gui", "validate"):
        assert command in result.stdout


def _project_copy(tmp_path, name="mlp_xor", **changes):
    doc = json.loads((EXAMPLES_DIR / f"{name}.nlproj").read_text())
    for section, values in changes.items():
        doc[section].update(values)
    path = tmp_path / f"{name}_{len(list(tmp_path.iterdir()))}.nlproj"
    path.write_text(json.dumps(doc))
    return path


def test_train_writes_weights_history_and_test_metrics(tmp_path, capsys):
    from safetensors.torch import load_file

    out = tmp_path / "run"
    assert (
        main(["train", str(EXAMPLES_DIR / "mlp_xor.nlproj"), "--epochs", "5", "--out", str(out), "--threads", "1"]) == 0
    )
    assert {p.name for p in out.iterdir()} == {"weights.safetensors", "history.csv", "history.json", "metrics.json"}
    assert set(load_file(out / "weights.safetensors")) == {"hidden.weight", "hidden.bias", "out.weight", "out.bias"}
    history = json.loads((out / "history.json").read_text())["epochs"]
    assert [row["epoch"] for row in history] == [1, 2, 3, 4, 5]
    assert "accuracy" in json.loads((out / "metrics.json").read_text())
    captured = capsys.readouterr()
    assert "completed: 5 epochs" in captured.out and "epoch 5/5" in captured.err


def test_train_takes_the_fast_path_when_asked_and_ends_where_the_eager_path_does(tmp_path, capsys):
    """--fast on: the compiled path for a small chain (the same losses to rounding);
    --fast off: eager. The summary says which one trained."""
    runs = {}
    for choice in ("on", "off"):
        out = tmp_path / choice
        argv = ["train", str(EXAMPLES_DIR / "mlp_xor.nlproj"), "--epochs", "5", "--out", str(out), "--fast", choice]
        assert main([*argv, "--threads", "1", "--quiet"]) == 0
        runs[choice] = json.loads((out / "history.json").read_text())["epochs"]
        assert ("(fast path)" if choice == "on" else "(eager)") in capsys.readouterr().out
    for fast, eager in zip(runs["on"], runs["off"]):
        assert fast["train_loss"] == pytest.approx(eager["train_loss"], abs=1e-5)


def test_train_refuses_bad_input_with_exit_2_and_a_reason(tmp_path, capsys):
    cases = [
        (
            _project_copy(tmp_path, data={"dataset": "spiral3"}),
            "training.loss: CrossEntropyLoss needs one output per class (3)",
        ),
        (
            _project_copy(tmp_path, data={"dataset": "digits"}),
            "expects samples of shape [2] but the data set 'digits' gives [64]",
        ),
        (tmp_path / "missing.nlproj", "cannot read"),
    ]
    for path, expected in cases:
        assert main(["train", str(path), "--epochs", "1", "--out", str(tmp_path / "o")]) == 2
        assert expected in capsys.readouterr().err
    assert main(["train", str(EXAMPLES_DIR / "mlp_xor.nlproj"), "--epochs", "0"]) == 2
    assert "training.epochs" in capsys.readouterr().err


def test_train_on_cuda_without_a_gpu_is_refused_clearly(tmp_path, capsys):
    import torch

    if torch.cuda.is_available():
        return
    assert main(["train", str(EXAMPLES_DIR / "mlp_xor.nlproj"), "--device", "cuda", "--out", str(tmp_path)]) == 2
    assert "no CUDA GPU is available" in capsys.readouterr().err
