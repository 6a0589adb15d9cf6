"""Importing weights into a matching graph: a report node by node, and clear refusals
for files that are truncated, too large, of the wrong kind, or that would run code."""

import pickle
import zipfile

import pytest
import torch
from safetensors.torch import save_file

from graph_core.compiler import compile_graph
from graph_core.importer import WeightsFileError, load_weights, read_weights
from graph_core.project import EXAMPLES_DIR, load_project


def spiral_graph():
    return load_project(EXAMPLES_DIR / "mlp_spiral.nlproj").graph


@pytest.fixture
def trained(tmp_path):
    """A compiled spiral MLP with non-default weights, saved both ways."""
    model = compile_graph(spiral_graph(), seed=7)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, tmp_path / "w.safetensors")
    torch.save(state, tmp_path / "w.pt")
    return model


@pytest.mark.parametrize("name", ["w.safetensors", "w.pt"])
def test_weights_load_into_a_matching_graph_with_every_node_matched(trained, tmp_path, name):
    model = compile_graph(spiral_graph(), seed=0)
    report = load_weights(model, tmp_path / name)
    assert report.complete and report.applied
    assert report.matched == ["fc1", "fc2", "out"]
    assert report.kind == ("safetensors" if name.endswith("safetensors") else "state dict")
    x = torch.randn(4, 4)  # the spiral example has features x1, x2, sin(x1), sin(x2)
    torch.testing.assert_close(model(x), trained(x), rtol=0, atol=0)


def test_a_partly_matching_file_loads_only_whole_nodes_and_reports_the_rest(trained, tmp_path):
    graph = spiral_graph()
    graph.set_param("fc2", "out_features", 8)  # fc2 and out change shape
    graph.add_node("Linear", {"out_features": 3}, node_id="extra")
    graph.connect("out", "extra")
    model = compile_graph(graph, seed=0)
    before = model.fc2.weight.detach().clone()
    report = load_weights(model, tmp_path / "w.safetensors")
    assert not report.complete
    assert report.matched == ["fc1"]
    assert report.skipped == ["fc2", "out", "extra"]
    assert [m.name for m in report.mismatched] == ["fc2.weight", "fc2.bias", "out.weight"]
    assert report.missing == ["extra.weight", "extra.bias"]
    assert str(report.mismatched[0]) == "fc2.weight: the file has [16, 16], the network needs [8, 16]"
    torch.testing.assert_close(model.fc1.weight, trained.fc1.weight)
    torch.testing.assert_close(model.fc2.weight, before)  # a mismatched node keeps its weights
    assert "fc2.weight" in report.describe()


def test_unexpected_tensors_are_listed_and_a_dry_run_changes_nothing(trained, tmp_path):
    state = {**trained.state_dict(), "stray.weight": torch.zeros(2)}
    torch.save(state, tmp_path / "extra.pt")
    model = compile_graph(spiral_graph(), seed=0)
    before = model.fc1.weight.detach().clone()
    report = load_weights(model, tmp_path / "extra.pt", apply=False)
    assert report.unexpected == ["stray.weight"] and not report.applied
    torch.testing.assert_close(model.fc1.weight, before)


def test_data_parallel_prefixes_and_nested_checkpoints_are_understood(trained, tmp_path):
    nested = {"epoch": 3, "state_dict": {f"module.{k}": v for k, v in trained.state_dict().items()}}
    torch.save(nested, tmp_path / "ckpt.pt")
    report = load_weights(compile_graph(spiral_graph()), tmp_path / "ckpt.pt")
    assert report.complete
    assert any("'state_dict'" in note for note in report.notes)
    assert any("'module.'" in note for note in report.notes)


class RunsCode:
    """Unpickling this calls exec: what a malicious "weights" file does."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_a_pickle_that_would_run_code_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned.txt"
    torch.save({"fc1.weight": torch.zeros(2), "payload": RunsCode(marker)}, tmp_path / "evil.pt")
    (tmp_path / "evil.pkl").write_bytes(pickle.dumps({"w": RunsCode(marker)}, protocol=2))
    for name in ("evil.pt", "evil.pkl"):
        with pytest.raises(WeightsFileError, match="refused: the file holds Python objects") as error:
            read_weights(tmp_path / name)
        assert "exec" in str(error.value)
    assert not marker.exists()


def test_a_truncated_safetensors_file_is_refused_with_a_message(trained, tmp_path):
    data = (tmp_path / "w.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(
        WeightsFileError, match=r"cut.safetensors: the file is truncated: its tensors need [\d,]+ bytes"
    ):
        read_weights(tmp_path / "cut.safetensors")
    (tmp_path / "head.safetensors").write_bytes(data[:40])
    with pytest.raises(WeightsFileError, match="truncated: its header alone needs"):
        read_weights(tmp_path / "head.safetensors")


def test_a_truncated_state_dict_is_refused_with_a_message(trained, tmp_path):
    data = (tmp_path / "w.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(WeightsFileError, match="cut.pt: the file is truncated or damaged"):
        read_weights(tmp_path / "cut.pt")


def test_files_of_the_wrong_kind_or_size_are_refused_by_name(trained, tmp_path):
    (tmp_path / "empty.pt").write_bytes(b"")
    (tmp_path / "model.onnx").write_bytes(b"\x08\x08\x12\x07pytorch")
    with zipfile.ZipFile(tmp_path / "program.pt2", "w") as archive:
        archive.writestr("program/archive_format", "pt2")
    cases = {
        tmp_path / "missing.pt": "no such file",
        tmp_path: "is a folder",
        tmp_path / "empty.pt": "the file is empty",
        EXAMPLES_DIR / "mlp_xor.nlproj": "is a JSON text file (a NeuroLoom project?), not weights",
        tmp_path / "model.onnx": "is an ONNX model, not a weights file",
        tmp_path / "program.pt2": "is a torch.export program (.pt2), not a weights file",
    }
    for path, message in cases.items():
        with pytest.raises(WeightsFileError) as error:
            read_weights(path)
        assert message in str(error.value)
    with pytest.raises(WeightsFileError, match=r"too large \([\d.]+ KiB\); the limit is 1,000 bytes"):
        read_weights(tmp_path / "w.safetensors", max_bytes=1000)
    torch.save([1, 2, 3], tmp_path / "list.pt")
    with pytest.raises(WeightsFileError, match="holds a list, not a state dict"):
        read_weights(tmp_path / "list.pt")
