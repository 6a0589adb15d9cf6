"""Files in the main window: save and open, broken files, unsaved-changes questions, the
title's modified mark, recent files, and crash recovery."""

import json
import os
import shutil

import pytest

from app.recovery import RecoveryStore
from app.settings import MAX_RECENT
from graph_core.project import load_project


@pytest.fixture
def window(make_main_window):
    window = make_main_window()
    window.actions["new"].trigger()
    return window


def add_nodes(window, *types: str) -> list[str]:
    return [window.add_layer(type_name) for type_name in types]


def save_to(window, path) -> bool:
    window.ask_save_path = lambda suggested: str(path)
    return window.save_as()


def test_save_writes_the_project_and_clears_the_modified_mark(window, tmp_path):
    add_nodes(window, "Input", "Linear")
    assert window.isWindowModified()
    assert save_to(window, tmp_path / "net.nlproj")
    assert not window.isWindowModified()
    assert window.windowTitle() == "net.nlproj[*] — NeuroLoom"
    assert [n.type for n in load_project(tmp_path / "net.nlproj").graph.nodes()] == ["Input", "Linear"]


def test_save_as_adds_the_project_suffix(window, tmp_path):
    add_nodes(window, "Input")
    save_to(window, tmp_path / "plain")
    assert (tmp_path / "plain.nlproj").exists()


def test_cancelling_the_save_dialog_saves_nothing(window, tmp_path):
    add_nodes(window, "Input")
    assert not window.save()
    assert window.document.dirty


def test_title_shows_the_modified_mark_after_an_edit(window):
    assert window.windowTitle() == "Untitled[*] — NeuroLoom" and not window.isWindowModified()
    add_nodes(window, "ReLU")
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert not window.isWindowModified()


def test_opening_a_corrupt_file_keeps_the_document_and_reports_what_and_where(window, tmp_path):
    ids = add_nodes(window, "Input", "Linear")
    broken = tmp_path / "broken.nlproj"
    broken.write_text('{"format": "neuroloom-project", "version": 1, "graph": {"nodes": [', "utf-8")
    assert not window.open_file(broken)
    assert window.document.graph.node_ids() == ids and window.document.path is None
    assert "broken.nlproj" in window.errors[0] and "not valid JSON" in window.errors[0] and "line 1" in window.errors[0]


def test_opening_a_file_with_a_bad_parameter_names_its_place(window, tmp_path):
    doc = {
        "format": "neuroloom-project",
        "version": 1,
        "graph": {
            "nodes": [
                {"id": "x", "type": "Input", "params": {"shape": [2]}},
                {"id": "fc", "type": "Linear", "params": {"out_features": -3}},
            ],
            "edges": [{"src": "x", "dst": "fc"}],
        },
    }
    path = tmp_path / "bad.nlproj"
    path.write_text(json.dumps(doc), "utf-8")
    assert not window.open_file(path)
    assert "graph.nodes[1].params.out_features" in window.errors[0]
    assert len(window.document.graph) == 0


def test_opening_a_foreign_file_says_it_is_not_a_project(window, tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"editor.fontSize": 14}', "utf-8")
    assert not window.open_file(path)
    assert "not a NeuroLoom project" in window.errors[0]


def test_open_dialog_opens_the_chosen_file(window, tmp_path):
    add_nodes(window, "Input")
    save_to(window, tmp_path / "a.nlproj")
    window.actions["new"].trigger()
    window.ask_open_path = lambda: str(tmp_path / "a.nlproj")
    window.actions["open"].trigger()
    assert window.document.path.name == "a.nlproj" and len(window.document.graph) == 1


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(window):
    add_nodes(window, "Input")
    asked = []
    window.confirm_discard = lambda name: asked.append(name) or "cancel"
    assert not window.close()
    assert asked == ["Untitled"] and window.isVisible()


def test_closing_with_unsaved_changes_can_save_first(window, tmp_path):
    add_nodes(window, "Input")
    window.confirm_discard = lambda name: "save"
    window.ask_save_path = lambda suggested: str(tmp_path / "kept.nlproj")
    assert window.close()
    assert load_project(tmp_path / "kept.nlproj").graph.node_ids() == window.document.graph.node_ids()


def test_closing_a_saved_document_does_not_ask(window, tmp_path):
    add_nodes(window, "Input")
    save_to(window, tmp_path / "n.nlproj")
    window.confirm_discard = lambda name: pytest.fail("asked about a saved document")
    assert window.close()


def test_opening_with_unsaved_changes_asks_first(window, tmp_path):
    add_nodes(window, "Input")
    save_to(window, tmp_path / "first.nlproj")
    add_nodes(window, "Linear")
    window.confirm_discard = lambda name: "cancel"
    assert not window.open_file(tmp_path / "first.nlproj")
    assert len(window.document.graph) == 2
    window.confirm_discard = lambda name: "discard"
    assert window.open_file(tmp_path / "first.nlproj")
    assert len(window.document.graph) == 1


def test_new_with_unsaved_changes_asks_first(window):
    add_nodes(window, "Input")
    window.confirm_discard = lambda name: "cancel"
    window.actions["new"].trigger()
    assert len(window.document.graph) == 1


def test_saved_and_opened_files_become_recent_newest_first(window, tmp_path, app_settings):
    for name in ("one", "two"):
        add_nodes(window, "Input")
        save_to(window, tmp_path / f"{name}.nlproj")
    window.open_file(tmp_path / "one.nlproj")
    recent = window.settings.recent_files()
    assert recent[:2] == [str(tmp_path / "one.nlproj"), str(tmp_path / "two.nlproj")]
    window.refresh_recent_menu()
    tips = [a.statusTip() for a in window.recent_menu.actions() if a.statusTip()]
    assert tips[:2] == recent[:2]


def test_recent_menu_opens_its_file(window, tmp_path):
    add_nodes(window, "Input", "ReLU")
    save_to(window, tmp_path / "r.nlproj")
    window.actions["new"].trigger()
    window.refresh_recent_menu()
    window.recent_menu.actions()[0].trigger()
    assert window.document.path == tmp_path / "r.nlproj" and len(window.document.graph) == 2


def test_recent_files_keep_at_most_ten(app_settings, tmp_path):
    for index in range(MAX_RECENT + 3):
        app_settings.add_recent_file(tmp_path / f"{index}.nlproj")
    recent = app_settings.recent_files()
    assert len(recent) == MAX_RECENT and recent[0].endswith(f"{MAX_RECENT + 2}.nlproj")


def test_an_edit_writes_a_recovery_copy_that_save_removes(make_main_window, tmp_path, recovery_dir):
    window = make_main_window(recovery_dir=recovery_dir, autosave_edits=2)
    window.actions["new"].trigger()
    add_nodes(window, "Input", "Linear")
    assert window.recovery.file.exists()
    save_to(window, tmp_path / "saved.nlproj")
    assert not window.recovery.file.exists()


def test_the_timer_writes_a_recovery_copy(make_main_window, recovery_dir, qtbot):
    window = make_main_window(recovery_dir=recovery_dir, autosave_ms=50, autosave_edits=100)
    window.actions["new"].trigger()
    add_nodes(window, "Input")
    qtbot.waitUntil(window.recovery.file.exists)


def crash(window, keep) -> None:
    """Close `window` but put its recovery copy back, as if the process had died
    before it could clean up."""
    shutil.copy(window.recovery.file, keep)
    window.close()
    shutil.copy(keep, window.recovery.file)


def test_after_a_crash_the_next_start_offers_the_recovery_copy(make_main_window, tmp_path, recovery_dir):
    first = make_main_window(recovery_dir=recovery_dir, autosave_edits=1)
    first.actions["new"].trigger()
    ids = add_nodes(first, "Input", "Linear")
    crash(first, tmp_path / "copy.json")

    second = make_main_window(recovery_dir=recovery_dir)
    offered = []
    second.confirm_restore = lambda info: offered.append(info) or True
    assert second.offer_recovery()
    assert offered[0].title == "Untitled"
    assert second.document.graph.node_ids() == ids and second.document.dirty
    assert not offered[0].file.exists()
    assert not make_main_window(recovery_dir=recovery_dir).offer_recovery()  # offered once only


def test_declining_the_recovery_copy_removes_it(make_main_window, tmp_path, recovery_dir):
    first = make_main_window(recovery_dir=recovery_dir, autosave_edits=1)
    first.actions["new"].trigger()
    add_nodes(first, "Input")
    crash(first, tmp_path / "copy.json")
    second = make_main_window(recovery_dir=recovery_dir)
    assert not second.offer_recovery()
    assert len(second.document.graph) == 0 and not list(recovery_dir.glob("recovery-*"))


def test_a_recovery_copy_older_than_its_saved_file_is_not_offered(make_main_window, tmp_path, recovery_dir):
    first = make_main_window(recovery_dir=recovery_dir, autosave_edits=1)
    first.actions["new"].trigger()
    add_nodes(first, "Input")
    save_to(first, tmp_path / "p.nlproj")
    add_nodes(first, "ReLU")
    crash(first, tmp_path / "copy.json")
    later = first.recovery.file.stat().st_mtime + 60
    os.utime(tmp_path / "p.nlproj", (later, later))  # saved again after the copy was made
    assert RecoveryStore(recovery_dir).pending() == []


def test_a_live_window_copy_is_not_offered_to_another_window(make_main_window, recovery_dir):
    first = make_main_window(recovery_dir=recovery_dir, autosave_edits=1)
    first.actions["new"].trigger()
    add_nodes(first, "Input")
    assert first.recovery.file.exists()
    assert RecoveryStore(recovery_dir).pending() == []


def test_a_recent_file_that_is_gone_is_reported_and_dropped(window, tmp_path):
    add_nodes(window, "Input")
    save_to(window, tmp_path / "gone.nlproj")
    (tmp_path / "gone.nlproj").unlink()
    assert not window.open_file(tmp_path / "gone.nlproj")
    assert "cannot be read" in window.errors[0]
    assert str(tmp_path / "gone.nlproj") not in window.settings.recent_files()
