"""Export: every format of a trained example is written, verified, reloaded by the test
on its own and compared with the in-app model; the dialog's format list and reports."""

import dataclasses
import importlib.util
import json
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file
from torch import nn

from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.export import ExportFormat, ExportSource, export, formats, get_format, source_from_project
from graph_core.export import core as export_core
from graph_core.graph import ModelGraph
from graph_core.importer import load_weights
from graph_core.project import EXAMPLES_DIR, load_project

EXAMPLES = ["mlp_spiral", "cnn_digits", "lstm_sine", "transformer_sequence", "residual_mlp"]
FORMATS = ["safetensors", "pt", "pt2", "onnx", "code"]


def train_briefly(model, bundle, steps=15):
    """A few Adam steps, so exported weights are trained ones, not the seeded start."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(steps):
        index = torch.randint(0, len(bundle.x_train), (32,), generator=generator)
        x, y = bundle.x_train[index], bundle.y_train[index]
        out = model(x)
        loss = F.cross_entropy(out, y) if bundle.task == "classification" else F.mse_loss(out, y.reshape(out.shape))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


_SOURCES = {}


def trained_source(name):
    """One trained ExportSource per example, shared by the format tests (pt2 and onnx
    share its torch.export program)."""
    if name not in _SOURCES:
        project = load_project(EXAMPLES_DIR / f"{name}.nlproj")
        model = compile_graph(project.graph, seed=0)
        initial = {k: v.clone() for k, v in model.state_dict().items()}
        train_briefly(model, load_dataset(project.data))
        assert any(not torch.equal(initial[k], v) for k, v in model.state_dict().items())
        _SOURCES[name] = source_from_project(project, model, name=name)
    return _SOURCES[name]


_EXPORTS = {}


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("exports")


def exported(name, fmt, folder):
    """Export a trained example once per test run; later tests read the same files."""
    if (name, fmt, folder) not in _EXPORTS:
        extension = get_format(fmt).extension
        target = folder / (f"{name}{extension}" if extension else f"{name}_code")
        _EXPORTS[name, fmt, folder] = (export(trained_source(name), fmt, target), target)
    return _EXPORTS[name, fmt, folder]


def inputs_for(source, batch):
    x = source.bundle.x_val[:batch]
    return x, source.model.eval()(x).detach()


def reload(fmt, path, source):
    """The exported file loaded by the test itself, as a user would, as a callable."""
    if fmt in ("safetensors", "pt"):
        state = load_file(path) if fmt == "safetensors" else torch.load(path, weights_only=True)
        model = compile_graph(source.graph, seed=123).eval()
        model.load_state_dict(state, strict=True)
        return model
    if fmt == "pt2":
        return torch.export.load(path).module()
    if fmt == "onnx":
        return onnx_runner(path)
    return import_model_py(path / "model.py", path / "weights.safetensors")


def onnx_runner(path):
    import onnx
    import onnxruntime

    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    assert proto.opset_import[0].version >= 18
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert not any(t.data_location == onnx.TensorProto.EXTERNAL for t in proto.graph.initializer)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: torch.from_numpy(session.run(None, {name: x.numpy()})[0])


def import_model_py(path, weights):
    spec = importlib.util.spec_from_file_location(f"exported_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.Model().eval()
    model.load_state_dict(load_file(weights), strict=True)
    return model


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_trained_example_exports_verifies_and_reloads_with_equal_outputs(name, fmt, export_dir):
    source = trained_source(name)
    report, target = exported(name, fmt, export_dir)
    assert report.status == "passed", report.message + "\n" + report.details
    assert report.max_abs_diff <= 1e-5 and report.verified and report.ok
    assert "max abs diff" in report.message and target.exists()
    x, expected = inputs_for(source, 5)  # another batch size than verification used
    with torch.no_grad():
        torch.testing.assert_close(reload(fmt, target, source)(x), expected, rtol=0, atol=1e-5)


def test_code_export_writes_model_train_weights_and_data(export_dir):
    report, folder = exported("mlp_spiral", "code", export_dir)
    names = sorted(p.name for p in report.files)
    assert names == ["data.safetensors", "model.py", "train.py", "weights.safetensors"]
    assert not (folder / "__pycache__").exists()  # verification leaves nothing behind
    source = (folder / "model.py").read_text()
    assert "class Model(nn.Module):" in source and "# node fc1" in source
    data = load_file(folder / "data.safetensors")
    assert set(data) == {f"{a}_{s}" for a in "xy" for s in ("train", "val", "test")}
    torch.testing.assert_close(data["x_test"], trained_source("mlp_spiral").bundle.x_test)
    assert "graph_core" not in (folder / "train.py").read_text()


def test_generated_train_py_trains_one_epoch_in_a_fresh_process(export_dir, tmp_path):
    _, folder = exported("mlp_spiral", "code", export_dir)
    out = tmp_path / "trained.safetensors"
    result = subprocess.run(
        [sys.executable, "train.py", "--epochs", "1", "--device", "cpu", "--out", str(out)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "epoch 1/1: train loss" in result.stdout and "validation loss" in result.stdout
    assert "[rank 0 of 1] done" in result.stdout
    model = import_model_py(folder / "model.py", out)
    assert model(torch.zeros(3, 4)).shape == (3, 2)


def test_train_py_reproduces_the_project_settings(tmp_path):
    project = load_project(EXAMPLES_DIR / "mlp_circle_l2.nlproj")
    project.training.update(optimizer="SGD", momentum=0.9, schedule="cosine", warmup_epochs=2, l1=0.001, grad_clip=1.0)
    report = export(source_from_project(project), "code", tmp_path, verify=False)
    script = (tmp_path / "train.py").read_text()
    for line in [
        "LOSS = nn.CrossEntropyLoss()",
        'OPTIMIZER = "SGD"',
        "LR = 0.02",
        "MOMENTUM = 0.9",
        "WEIGHT_DECAY = 0.001",
        "L1 = 0.001",
        "GRAD_CLIP = 1.0",
        'SCHEDULE = "cosine"',
        "WARMUP_EPOCHS = 2",
        "BATCH_SIZE = 16",
        "EPOCHS = 150",
        "SEED = 0",
    ]:
        assert line in script
    assert report.status == "unverified"
    compile(script, "train.py", "exec")


def test_code_export_without_data_leaves_train_py_out_and_says_why(tmp_path):
    project = load_project(EXAMPLES_DIR / "mlp_xor.nlproj")
    source = ExportSource(compile_graph(project.graph, seed=0), project.graph)
    report = export(source, "code", tmp_path, verify=False)
    assert report.ok and (tmp_path / "model.py").exists()
    assert not (tmp_path / "train.py").exists()
    assert any("train.py was not written" in note for note in report.notes)


def test_formats_list_what_the_export_dialog_shows():
    listed = {fmt.name: fmt for fmt in formats()}
    assert list(listed)[:5] == FORMATS
    for fmt in listed.values():
        assert fmt.title and fmt.description and isinstance(fmt.available(), bool)
    assert [listed[n].extension for n in FORMATS] == [".safetensors", ".pt", ".pt2", ".onnx", ""]
    assert listed["code"].writes_folder and not listed["onnx"].writes_folder
    assert listed["onnx"].install_hint == 'pip install "neuroloom[onnx]"'


def test_onnx_without_its_packages_reports_how_to_install_instead_of_failing(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    fmt = get_format("onnx")
    assert not fmt.available() and fmt.missing() == ["onnxruntime"]
    report = fmt.export(trained_source("mlp_spiral"), tmp_path / "m.onnx")
    assert report.status == "unavailable" and not report.ok
    assert 'pip install "neuroloom[onnx]"' in report.message
    assert not (tmp_path / "m.onnx").exists()


def test_a_file_whose_outputs_differ_fails_verification(tmp_path, monkeypatch):
    pt = get_format("pt")
    monkeypatch.setitem(export_core._FORMATS, "pt", dataclasses.replace(pt, verify=lambda source, path: 0.25))
    report = export(trained_source("mlp_spiral"), "pt", tmp_path / "m.pt")
    assert report.status == "failed" and not report.ok and report.max_abs_diff == 0.25
    assert "FAILED" in report.message


def test_an_export_that_cannot_be_written_is_reported_not_raised(tmp_path):
    (tmp_path / "file").write_text("x")
    report = export(trained_source("mlp_spiral"), "safetensors", tmp_path / "file" / "m.safetensors")
    assert report.status == "error" and "could not be written" in report.message and report.details


def test_a_picture_format_can_be_registered_by_the_app(tmp_path, monkeypatch):
    def write_svg(source, path, notes):
        path.write_text("<svg/>")
        return [path]

    svg = ExportFormat("svg", "Picture (SVG)", ".svg", "The canvas as a vector picture.", write_svg)
    monkeypatch.setitem(export_core._FORMATS, "svg", svg)
    report = export(trained_source("mlp_spiral"), "svg", tmp_path)
    assert report.ok and report.status == "unverified" and (tmp_path / "mlp_spiral.svg").read_text() == "<svg/>"
    assert "svg" in [fmt.name for fmt in formats()]


class TiedNet(nn.Module):
    """A language-model head that reuses the embedding matrix (tied weights)."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.head = nn.Linear(4, 10, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, tokens):
        return self.head(self.embed(tokens))


def test_tied_weights_are_stored_once_and_load_back_tied(tmp_path):
    model = TiedNet()
    source = ExportSource(model, sample_inputs=(torch.randint(0, 10, (6, 3)),), name="tied")
    for fmt in ("safetensors", "pt"):
        assert export(source, fmt, tmp_path).verified
    with safe_open(tmp_path / "tied.safetensors", "pt") as handle:
        assert list(handle.keys()) == ["embed.weight"]
        assert json.loads(handle.metadata()["neuroloom.aliases"]) == {"head.weight": "embed.weight"}
    fresh = TiedNet()
    report = load_weights(fresh, tmp_path / "tied.safetensors")
    assert report.complete and fresh.head.weight is fresh.embed.weight
    torch.testing.assert_close(fresh.embed.weight, model.embed.weight)
    loaded = torch.load(tmp_path / "tied.pt", weights_only=True)
    assert loaded["head.weight"].data_ptr() == loaded["embed.weight"].data_ptr()


def test_a_layer_named_like_a_graph_module_attribute_still_exports(tmp_path):
    # The autoencoder's bottleneck node is called "code", a GraphModule attribute.
    project = load_project(EXAMPLES_DIR / "autoencoder_digits.nlproj")
    source = source_from_project(project)
    assert export(source, "pt2", tmp_path).verified


def test_several_inputs_and_outputs_export_with_their_node_names(tmp_path):
    graph = ModelGraph()
    graph.add_node("Input", {"shape": [4]}, node_id="a")
    graph.add_node("Input", {"shape": [3]}, node_id="b")
    graph.add_node("Linear", {"out_features": 5}, node_id="fa")
    graph.add_node("Linear", {"out_features": 5}, node_id="fb")
    graph.add_node("Concat", {"dim": -1}, node_id="cat")
    graph.add_node("Multiply", node_id="gate")
    for src, dst in [("a", "fa"), ("b", "fb"), ("fa", "cat"), ("fb", "cat"), ("fa", "gate"), ("fb", "gate")]:
        graph.connect(src, dst)
    graph.set_outputs(["cat", "gate"])
    source = ExportSource(compile_graph(graph, seed=0), graph, name="two")
    for fmt in ("pt2", "onnx"):
        assert export(source, fmt, tmp_path).verified
    import onnx

    proto = onnx.load(tmp_path / "two.onnx")
    assert [i.name for i in proto.graph.input] == ["a", "b"]
    assert [o.name for o in proto.graph.output] == ["cat", "gate"]
