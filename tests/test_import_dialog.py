"""User stories for File > Import: weights load into the network node by node (with a
report, and refusals that say why), and a PyTorch module becomes a new network, but
only after the user confirms that its code may run."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from app.dialogs.import_dialog import ImportModuleDialog, ImportWeightsDialog, parse_input_shapes
from graph_core.compiler import compile_graph

READY_TIMEOUT = 120_000
REFERENCE_NETS = Path(__file__).resolve().parent.parent / "bench" / "reference_nets.py"


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


@pytest.fixture
def window(open_example):
    """A shown window with the XOR example, training ready; its threads joined after."""
    return open_example("mlp_xor")


def weights_dialog(qtbot, window) -> ImportWeightsDialog:
    dialog = ImportWeightsDialog(window)
    dialog.show()
    return dialog


def rows(dialog) -> list[list[str]]:
    table = dialog.table
    return [[table.topLevelItem(i).text(c) for c in range(1, 4)] for i in range(table.topLevelItemCount())]


def other_weights(window, seed: int = 7) -> tuple[torch.nn.Module, dict[str, torch.Tensor]]:
    """The same network with other weights, as another tool might have trained it."""
    model = compile_graph(window.document.graph, seed=seed).eval()
    return model, {k: v.clone() for k, v in model.state_dict().items()}


# ----- weights ---------------------------------------------------------------------------------------
def test_imported_weights_become_the_networks_and_the_report_lists_every_node(window, qtbot, tmp_path):
    source, state = other_weights(window)
    save_file(state, tmp_path / "trained.safetensors")
    dialog = weights_dialog(qtbot, window)

    report = dialog.load(tmp_path / "trained.safetensors")

    assert report.complete and report.applied
    controller = window.training
    assert controller.has_model() and controller.state == "idle"
    x = torch.randn(16, 2)
    with torch.no_grad():
        assert torch.allclose(controller.model.eval()(x), source(x))
    nodes = [row[0] for row in rows(dialog)]
    assert nodes == ["hidden", "out"] and all(row[1] == "loaded" for row in rows(dialog))
    assert rows(dialog)[0][2] == "weight 4×2 · bias 4"
    assert dialog.summary.text().startswith("✓ Loaded all 2 nodes with weights from trained.safetensors")
    assert "Continue Training" in dialog.next_steps.text()
    assert window.actions["training_continue"].isEnabled()


def test_a_file_that_fits_in_part_loads_the_nodes_that_fit_and_names_the_rest(window, qtbot, tmp_path):
    _, state = other_weights(window)
    state["out.weight"] = torch.zeros(3, 4)
    state["extra.bias"] = torch.zeros(4)
    torch.save(state, tmp_path / "partial.pt")
    dialog = weights_dialog(qtbot, window)

    report = dialog.load(tmp_path / "partial.pt")

    assert report.matched == ["hidden"] and report.skipped == ["out"]
    assert rows(dialog) == [
        ["hidden", "loaded", "weight 4×2 · bias 4"],
        ["out", "not loaded", "weight: file [3, 4], network [2, 4]"],
        ["—", "in the file only", "extra.bias"],
    ]
    assert dialog.summary.text() == "Loaded 1 of 2 nodes from partial.pt (state dict); the others keep fresh weights."
    assert dialog.summary.property("role") == "warning"


class Payload:
    """What a malicious checkpoint smuggles in: unpickling it would call `touch`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_pickle_with_code_is_refused_and_never_run(window, qtbot, tmp_path):
    marker = tmp_path / "ran"
    torch.save({"hidden.weight": torch.zeros(4, 2), "payload": Payload(marker)}, tmp_path / "evil.pt")
    dialog = weights_dialog(qtbot, window)

    assert dialog.load(tmp_path / "evil.pt") is None

    assert not marker.exists()
    assert dialog.summary.text().startswith("evil.pt: refused: the file holds Python objects")
    assert dialog.summary.property("role") == "error" and dialog.table.topLevelItemCount() == 0
    assert not window.training.has_model()


def test_damaged_files_get_a_plain_message(window, qtbot, tmp_path):
    _, state = other_weights(window)
    save_file(state, tmp_path / "whole.safetensors")
    data = (tmp_path / "whole.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[: len(data) // 2])
    (tmp_path / "notes.txt").write_text("hello")
    dialog = weights_dialog(qtbot, window)

    assert dialog.load(tmp_path / "cut.safetensors") is None
    assert "the file is truncated" in dialog.summary.text()
    assert dialog.load(tmp_path / "notes.txt") is None
    assert "is not a weights file" in dialog.summary.text()


def test_weights_are_not_swapped_under_a_running_training(window, qtbot, tmp_path):
    _, state = other_weights(window)
    save_file(state, tmp_path / "w.safetensors")
    window.document.project.training["epochs"] = 100_000
    assert window.training.start()
    # Stopped only once it steps: a stop before the trainer's first batch would be lost.
    qtbot.waitUntil(lambda: window.training.trainer.global_step > 0, timeout=READY_TIMEOUT)
    dialog = weights_dialog(qtbot, window)

    assert dialog.load(tmp_path / "w.safetensors") is None
    assert "Training is running" in dialog.summary.text()
    window.training.stop()
    qtbot.waitUntil(lambda: not window.training.is_busy(), timeout=READY_TIMEOUT)


def test_file_import_weights_asks_for_a_file_first(make_main_window, qtbot, monkeypatch):
    window = make_main_window()
    asked = []
    monkeypatch.setattr(ImportWeightsDialog, "_ask_path", lambda self, start: asked.append(start))
    window.actions["import_weights"].trigger()
    assert len(asked) == 1  # and, as the user chose nothing, no dialog stays behind
    qtbot.waitUntil(lambda: window.findChild(ImportWeightsDialog) is None)


# ----- modules ------------------------------------------------------------------------------------------
def module_dialog(window, source: str, shapes: str, class_name: str = "") -> ImportModuleDialog:
    dialog = ImportModuleDialog(window)
    dialog.show()
    dialog.module_edit.setText(source)
    dialog.class_edit.setText(class_name)
    dialog.shapes_edit.setText(shapes)
    return dialog


def test_importing_a_module_opens_it_as_a_new_network_with_its_weights(window, qtbot):
    dialog = module_dialog(window, f"{REFERENCE_NETS}:MLP", "64")
    assert not dialog.import_button.isEnabled()  # not before the code is trusted
    dialog.trust_check.setChecked(True)
    assert dialog.import_button.isEnabled()

    result = dialog.run_import()

    assert result is not None and result.report.ok
    graph = window.document.graph
    assert window.windowTitle().startswith("MLP (imported)") and window.document.dirty
    assert window.document.path is None
    assert sorted(node.type for node in graph.nodes()) == sorted(node.type for node in result.graph.nodes())
    compiled = compile_graph(graph, seed=123).eval()
    compiled.load_state_dict(result.model.state_dict())
    x = torch.randn(5, 64)
    with torch.no_grad():
        assert torch.allclose(compiled(x), result.model(x), atol=1e-6)
        assert torch.allclose(window.training.model.eval()(x), result.model(x), atol=1e-6)
    assert dialog.summary.text().startswith("✓ Imported MLP:") and dialog.opened
    assert not dialog.open_button.isEnabled()
    assert "with the module's weights" in dialog.next_steps.text()


def test_without_the_confirmation_nothing_runs(window, qtbot, tmp_path):
    marker = tmp_path / "ran"
    module = tmp_path / "net.py"
    module.write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).touch()\n"
        "import torch\nclass Net(torch.nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = torch.nn.Linear(3, 2)\n"
        "    def forward(self, x):\n        return self.fc(x)\n"
    )
    dialog = module_dialog(window, str(module), "3", "Net")
    title = window.windowTitle()

    assert dialog.run_import() is None
    assert not marker.exists() and window.windowTitle() == title
    assert "Nothing was run" in dialog.summary.text()
    dialog.trust_check.setChecked(True)
    dialog.module_edit.setText(str(module) + " ")  # another file must be trusted anew
    assert not dialog.trust_check.isChecked() and not dialog.import_button.isEnabled()

    dialog.module_edit.setText(str(module))
    dialog.trust_check.setChecked(True)
    assert dialog.run_import() is not None and marker.exists()


def test_operations_without_a_layer_are_listed_by_name(window, qtbot, tmp_path):
    module = tmp_path / "odd.py"
    module.write_text(
        "import torch\nclass Odd(torch.nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = torch.nn.Linear(4, 4)\n"
        "    def forward(self, x):\n        return torch.cumsum(self.fc(x), dim=1)\n"
    )
    dialog = module_dialog(window, f"{module}:Odd", "4")
    dialog.trust_check.setChecked(True)

    result = dialog.run_import()

    assert result.report.unsupported
    listed = rows(dialog)
    assert any("cumsum" in " ".join(row) for row in listed)
    assert dialog.summary.text().startswith("Imported Odd in part: 1 operation has no NeuroLoom layer")


def test_unsaved_changes_are_asked_about_before_the_import_replaces_them(window, qtbot):
    window.document.mark_modified()
    window.confirm_discard = lambda name: "cancel"
    dialog = module_dialog(window, "bench.reference_nets:MLP", "64")
    dialog.trust_check.setChecked(True)

    assert dialog.run_import() is not None
    assert window.document.graph.node("hidden") and not dialog.opened  # the XOR network is still open
    assert dialog.open_button.isEnabled() and "Not opened" in dialog.next_steps.text()

    window.confirm_discard = lambda name: "discard"
    assert dialog.open_result()
    assert window.windowTitle().startswith("MLP (imported)")


def test_problems_with_the_module_are_shown_not_raised(window, qtbot, tmp_path):
    dialog = module_dialog(window, "bench.reference_nets:MLP", "65")
    dialog.trust_check.setChecked(True)
    assert dialog.run_import() is None
    assert "fails on inputs of the given shapes" in dialog.summary.text()
    dialog.shapes_edit.setText("64, a")
    assert dialog.run_import() is None
    assert dialog.summary.text() == "Input shapes: input 1: 'a' is not a size (sizes are whole numbers above 0)."


@pytest.mark.parametrize(
    ("text", "shapes", "dtypes"),
    [
        ("64", [(64,)], ["float32"]),
        ("1, 8, 8", [(1, 8, 8)], ["float32"]),
        ("1x28x28", [(1, 28, 28)], ["float32"]),
        ("(3, 32, 32)", [(3, 32, 32)], ["float32"]),
        ("64; 12 int64", [(64,), (12,)], ["float32", "int64"]),
    ],
)
def test_input_shapes_are_read_per_sample_without_the_batch(text, shapes, dtypes):
    assert parse_input_shapes(text) == (shapes, dtypes)


@pytest.mark.parametrize("text", ["", "0", "64;", "-3"])
def test_bad_input_shapes_say_what_is_wrong(text):
    with pytest.raises(ValueError):
        parse_input_shapes(text)


def test_the_import_menu_offers_weights_and_modules(make_main_window, qtbot):
    window = make_main_window()
    file_menu = window.menuBar().actions()[0].menu()
    import_menu = next(a.menu() for a in file_menu.actions() if a.text() == "&Import")
    assert [a.text() for a in import_menu.actions()] == ["&Weights…", "PyTorch &Module…"]
    window.actions["import_module"].trigger()
    dialog = window.findChild(ImportModuleDialog)
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    dialog.reject()
    qtbot.waitUntil(lambda: window.findChild(ImportModuleDialog) is None)
