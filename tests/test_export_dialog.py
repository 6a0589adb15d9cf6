"""User stories for File > Export…: the dialog lists every format (unavailable ones say how
to install them), writes the checked ones off the GUI thread, and shows how each file
verified; exporting during training takes a snapshot and leaves training running."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from safetensors.torch import load_file

from app.commands import AddNodeCommand
from app.dialogs.export_dialog import ExportDialog
from graph_core.export import ExportFormat
from graph_core.export import core as export_core

READY_TIMEOUT = 120_000
EXPORT_TIMEOUT = 180_000
SCREENSHOTS = Path(__file__).parent / "screenshots"
MODEL_FORMATS = ["safetensors", "pt", "pt2", "onnx", "code"]


pytestmark = pytest.mark.usefixtures("torch_threads_restored")


@pytest.fixture
def open_example(open_example):
    """The shared factory (tests/conftest.py), whose export dialogs are shut down first."""
    dialogs = []
    open_example.dialogs = dialogs
    yield open_example
    for dialog in dialogs:
        assert dialog.shutdown()


def train(qtbot, window) -> None:
    with qtbot.waitSignal(window.training.runFinished, timeout=READY_TIMEOUT):
        window.training.start()
    qtbot.waitUntil(lambda: not window.training.is_busy(), timeout=READY_TIMEOUT)


def export_dialog(open_example, window, tmp_path) -> ExportDialog:
    dialog = ExportDialog(window)
    open_example.dialogs.append(dialog)
    dialog.set_destination(tmp_path, "xor")
    dialog.show()
    return dialog


def run_export(qtbot, dialog: ExportDialog, names: list[str]) -> list:
    dialog.set_checked(names)
    with qtbot.waitSignal(dialog.exportFinished, timeout=EXPORT_TIMEOUT) as finished:
        assert dialog.start_export()
        assert dialog.is_running and not dialog.export_button.isEnabled()
    return finished.args[0]


def result_rows(dialog: ExportDialog) -> dict[str, list[str]]:
    rows = {}
    for index in range(dialog.results.topLevelItemCount()):
        item = dialog.results.topLevelItem(index)
        rows[item.text(1)] = [item.text(column) for column in range(5)]
    return rows


def test_the_dialog_lists_every_format_with_its_file_and_what_verifies_it(open_example, tmp_path):
    window = open_example()
    dialog = export_dialog(open_example, window, tmp_path)
    names = [dialog.format_list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1) for i in range(7)]
    assert names == [*MODEL_FORMATS, "svg", "png"]
    assert dialog.format_item("safetensors").text(1) == "xor.safetensors"
    assert dialog.format_item("code").text(1) == "xor_code/"
    assert dialog.format_item("onnx").text(2) == "onnxruntime"
    assert dialog.verify_check.isChecked() and not dialog.verify_check.isEnabled()
    dialog.format_list.setCurrentItem(dialog.format_item("pt2"))
    assert "torch.export.load" in dialog.description.text()
    assert "untrained" in dialog.weights_label.text()


def test_a_format_whose_package_is_missing_is_disabled_and_says_how_to_install_it(open_example, tmp_path, monkeypatch):
    monkeypatch.setattr(ExportFormat, "missing", lambda self: ["onnxscript"] if self.name == "onnx" else [])
    window = open_example()
    dialog = export_dialog(open_example, window, tmp_path)
    onnx = dialog.format_item("onnx")
    assert not dialog.is_available("onnx") and dialog.is_available("pt2")
    assert onnx.text(2) == 'needs onnxscript: pip install "neuroloom[onnx]"'
    assert onnx.checkState(0) == Qt.CheckState.Unchecked
    dialog.set_checked(["onnx", "pt"])
    assert [fmt.name for fmt in dialog.checked_formats()] == ["pt"]


def test_exporting_a_trained_network_writes_every_format_and_shows_each_verification(open_example, qtbot, tmp_path):
    window = open_example("mlp_xor", epochs=30)
    train(qtbot, window)
    dialog = export_dialog(open_example, window, tmp_path)
    assert "weights of training run 1 (epoch 30 of 30)" in dialog.weights_label.text()

    reports = run_export(qtbot, dialog, [*MODEL_FORMATS, "svg", "png"])

    assert [r.format for r in reports] == [*MODEL_FORMATS, "svg", "png"]
    assert all(r.status == "passed" for r in reports), [r.message for r in reports]
    trained = {k: v.detach().cpu() for k, v in window.training.model.state_dict().items()}
    saved = load_file(tmp_path / "xor.safetensors")
    assert saved.keys() == trained.keys() and all(torch.equal(saved[k], trained[k]) for k in saved)
    assert (tmp_path / "xor_code" / "model.py").is_file() and (tmp_path / "xor.onnx").is_file()
    rows = result_rows(dialog)
    assert rows["safetensors weights"][2].startswith("Verified with torch")
    assert rows["safetensors weights"][3] == "0 ≤ 1e-05" and rows["safetensors weights"][4] == "xor.safetensors"
    assert rows["ONNX"][2].startswith("Verified with onnxruntime")
    assert rows["PyTorch code"][4] == "xor_code/ (4 files)"
    assert rows["Picture (SVG)"][3] == "—" and rows["Picture (SVG)"][2].startswith("Read back: SVG with 4 node groups")
    assert rows["Picture (PNG)"][2].startswith("Read back: ") and "px PNG" in rows["Picture (PNG)"][2]
    assert dialog.summary.text().startswith("✓ 7 exports written and verified")
    dialog.results.setCurrentItem(dialog.results.topLevelItem(2))
    dialog.details_button.setChecked(True)
    assert "verified with torch: max abs diff 0: ok" in dialog.details.toPlainText()
    assert dialog.open_button.isEnabled()

    dialog.details_button.setChecked(False)
    dialog.results.clearSelection()
    dialog.resize(880, 700)
    QApplication.processEvents()  # the layout settles before the picture is taken
    SCREENSHOTS.mkdir(exist_ok=True)
    image = dialog.grab().toImage()
    assert image.save(str(SCREENSHOTS / "export_dialog.png"))
    assert image.width() == 880 and not dialog.results.verticalScrollBar().isVisible()


def test_an_untrained_network_is_exported_and_the_report_says_so(open_example, qtbot, tmp_path):
    window = open_example()
    dialog = export_dialog(open_example, window, tmp_path)
    (report,) = run_export(qtbot, dialog, ["pt"])
    assert report.status == "passed"
    assert any("untrained" in note for note in report.notes)
    assert (tmp_path / "xor.pt").is_file()


def test_exporting_while_training_takes_a_snapshot_and_training_goes_on(open_example, qtbot, tmp_path):
    window = open_example("mlp_xor", epochs=100_000)
    controller = window.training
    controller.start()
    qtbot.waitUntil(lambda: controller.trainer is not None and controller.trainer.global_step > 20, timeout=60_000)
    dialog = export_dialog(open_example, window, tmp_path)
    assert "Training is running" in dialog.weights_label.text()

    (report,) = run_export(qtbot, dialog, ["safetensors"])

    assert report.status == "passed"  # the snapshot is verified against itself, not the moving original
    assert controller.state == "running"
    step = controller.trainer.global_step
    qtbot.waitUntil(lambda: controller.trainer.global_step > step, timeout=30_000)
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=30_000)


def test_a_failed_export_is_shown_with_its_traceback_and_the_others_still_run(
    open_example, qtbot, tmp_path, monkeypatch
):
    def explode(source, path, notes):
        raise RuntimeError("disk on fire")

    broken = ExportFormat("broken", "Broken format", ".bin", "Always fails.", explode)
    monkeypatch.setitem(export_core._FORMATS, "broken", broken)
    window = open_example()
    dialog = export_dialog(open_example, window, tmp_path)

    reports = run_export(qtbot, dialog, ["broken", "safetensors"])

    assert {r.format: r.status for r in reports} == {"broken": "error", "safetensors": "passed"}
    rows = result_rows(dialog)
    assert rows["Broken format"][2] == "Could not be written: RuntimeError: disk on fire"
    assert dialog.results.currentItem().text(1) == "Broken format"  # the problem is selected
    dialog.details_button.setChecked(True)
    assert dialog.details.isVisible()
    assert "Traceback" in dialog.details.toPlainText() and "disk on fire" in dialog.details.toPlainText()
    assert "1 failed" in dialog.summary.text()


def test_existing_files_are_replaced_only_when_the_user_agrees(open_example, qtbot, tmp_path):
    window = open_example()
    (tmp_path / "xor.pt").write_bytes(b"old")
    dialog = export_dialog(open_example, window, tmp_path)
    asked = []
    dialog.confirm_overwrite = lambda paths: asked.append(paths) or False
    dialog.set_checked(["pt"])
    assert not dialog.start_export()
    assert asked == [[tmp_path / "xor.pt"]] and (tmp_path / "xor.pt").read_bytes() == b"old"


def test_file_export_opens_the_dialog_with_ctrl_e(make_main_window, qtbot):
    window = make_main_window()
    action = window.actions["export"]
    assert action.shortcut().toString() == "Ctrl+E"
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Export…" in texts and "&Import" in texts
    action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: window.findChild(ExportDialog) is None)


def test_a_network_with_errors_exports_its_picture_but_says_why_not_its_model(open_example, qtbot, tmp_path):
    window = open_example()
    graph = window.document.graph
    assert window.document.try_push(AddNodeCommand(graph, "Linear", (0, 300), {"out_features": 3}, "loose")) is None
    out = tmp_path / "out"  # a folder of its own: nothing but the picture may land there
    dialog = export_dialog(open_example, window, out)

    reports = run_export(qtbot, dialog, ["pt", "png"])

    assert [r.status for r in reports] == ["error", "passed"]
    rows = result_rows(dialog)
    assert rows["PyTorch state dict"][2].startswith("The network cannot be exported: ")
    assert "loose" in reports[0].message and "Traceback" in reports[0].details
    assert sorted(p.name for p in out.iterdir()) == ["xor.png"]
