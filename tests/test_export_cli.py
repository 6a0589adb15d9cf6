"""`neuroloom export`: writes the chosen format (or all), prints the verification, and
exits 0 verified, 1 verification failed, 2 bad input with a message naming the problem."""

import argparse
import dataclasses

import pytest
import torch
from safetensors.torch import load_file, save_file

from graph_core.compiler import compile_graph
from graph_core.export import core as export_core
from graph_core.export import get_format
from graph_core.export_cli import add_export_parser, run_export
from graph_core.graph import ModelGraph
from graph_core.project import EXAMPLES_DIR, load_project, save_project

PROJECT = str(EXAMPLES_DIR / "mlp_xor.nlproj")


def neuroloom_export(*argv):
    """What `neuroloom export ...` does once cli.py wires the parser in."""
    parser = argparse.ArgumentParser(prog="neuroloom")
    add_export_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", *map(str, argv)])
    return args.run(args)


@pytest.fixture
def weights(tmp_path):
    model = compile_graph(load_project(PROJECT).graph, seed=3)
    path = tmp_path / "trained.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)
    return path


def test_export_one_format_prints_the_verification(weights, tmp_path, capsys):
    out = tmp_path / "xor.pt"
    assert run_export_args(PROJECT, weights, "pt", out) == 0
    printed = capsys.readouterr().out
    assert "passed: verified with torch: max abs diff 0: ok" in printed
    state = torch.load(out, weights_only=True)
    torch.testing.assert_close(state["hidden.weight"], compile_graph(load_project(PROJECT).graph, seed=3).hidden.weight)


def run_export_args(project, weights, fmt, out):
    return neuroloom_export(project, "--weights", weights, "--format", fmt, "--out", out)


def test_export_all_writes_every_format_into_a_folder(weights, tmp_path, capsys):
    import app.picture  # noqa: F401  (registers the app's SVG/PNG formats: "all" still means the command's)

    assert neuroloom_export(PROJECT, "--weights", weights, "-f", "all", "-o", tmp_path / "out", "--no-verify") == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["mlp_xor.onnx", "mlp_xor.pt", "mlp_xor.pt2", "mlp_xor.safetensors", "mlp_xor_code"]
    printed = capsys.readouterr().out
    assert printed.count("unverified: written (not verified)") == 5


def test_bad_input_exits_2_naming_the_problem(weights, tmp_path, capsys):
    other = compile_graph(load_project(EXAMPLES_DIR / "mlp_spiral.nlproj").graph)
    save_file({k: v.contiguous() for k, v in other.state_dict().items()}, tmp_path / "spiral.safetensors")
    data = weights.read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[: len(data) // 2])
    cases = [
        ((PROJECT, tmp_path / "spiral.safetensors"), "do not fit this network"),
        ((PROJECT, tmp_path / "cut.safetensors"), "cut.safetensors: the file is truncated"),
        ((tmp_path / "none.nlproj", weights), "none.nlproj: cannot be read"),
    ]
    for (project, weights_file), message in cases:
        assert run_export_args(project, weights_file, "safetensors", tmp_path / "x.safetensors") == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "x.safetensors").exists()


def test_a_missing_optional_package_exits_2_with_the_install_hint(weights, tmp_path, capsys, monkeypatch):
    onnx = get_format("onnx")
    monkeypatch.setitem(export_core._FORMATS, "onnx", dataclasses.replace(onnx, requires=("no_such_package_xyz",)))
    assert run_export_args(PROJECT, weights, "onnx", tmp_path / "m.onnx") == 2
    assert 'pip install "neuroloom[onnx]"' in capsys.readouterr().err


def test_failed_verification_exits_1(weights, tmp_path, capsys, monkeypatch):
    pt = get_format("pt")
    monkeypatch.setitem(export_core._FORMATS, "pt", dataclasses.replace(pt, verify=lambda source, path: 0.5))
    assert run_export_args(PROJECT, weights, "pt", tmp_path / "m.pt") == 1
    captured = capsys.readouterr()
    assert "max abs diff 0.5: FAILED" in captured.err and "1 of 1 export(s) failed: pt" in captured.out


def test_without_weights_the_untrained_network_is_exported_with_a_note(tmp_path, capsys):
    assert neuroloom_export(PROJECT, "--format", "safetensors", "--out", tmp_path) == 0
    assert "note: no weights given" in capsys.readouterr().out
    assert (tmp_path / "mlp_xor.safetensors").exists()


def test_run_export_is_the_parsers_handler():
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", PROJECT, "-f", "code", "-o", "out"])
    assert args.run is run_export and args.weights is None and not args.no_verify


def two_network_project(tmp_path):
    project = load_project(PROJECT)
    graph = ModelGraph()
    for role, width in (("generator", 3), ("critic", 2)):
        graph.add_node("Input", {"shape": [width]}, node_id=f"{role}_in", role=role)
        graph.add_node("Linear", {"out_features": 2}, node_id=f"{role}_fc", role=role)
        graph.connect(f"{role}_in", f"{role}_fc")
    project.graph = graph
    path = tmp_path / "two.nlproj"
    save_project(project, path)
    return path


def test_one_network_of_a_multi_network_project_exports_by_role(tmp_path, capsys):
    path = two_network_project(tmp_path)
    assert neuroloom_export(path, "-f", "safetensors", "-o", tmp_path, "--role", "generator") == 0
    assert sorted(load_file(tmp_path / "two_generator.safetensors")) == ["generator_fc.bias", "generator_fc.weight"]
    assert neuroloom_export(path, "-f", "pt", "-o", tmp_path / "x.pt", "--role", "critics") == 2
    assert "no network (role) called 'critics'; roles: generator, critic" in capsys.readouterr().err
    assert neuroloom_export(path, "-f", "pt", "-o", tmp_path / "both.pt") == 0
    assert "the project holds several networks (generator, critic)" in capsys.readouterr().out
