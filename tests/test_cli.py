"""The headless `neuroloom` command."""

import json
import subprocess
import sys

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
