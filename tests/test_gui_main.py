"""Launching the app: the built-in example or the given project, a broken project
reported once the window is up, and a fast first paint without torch."""

import os
import subprocess
import sys
import time
from pathlib import Path

from app.main import BENCH_ENV, DEFAULT_EXAMPLE, open_initial
from graph_core.project import list_examples

ROOT = Path(__file__).resolve().parent.parent


def test_launch_without_a_project_opens_the_default_example(make_main_window):
    window = make_main_window()
    assert open_initial(window, None) == []
    title = next(e.title for e in list_examples() if e.name == DEFAULT_EXAMPLE)
    assert window.windowTitle().startswith(title) and len(window.document.graph)


def test_launch_with_a_project_opens_it(make_main_window, tmp_path):
    window = make_main_window()
    window.add_layer("Input")
    window.ask_save_path = lambda suggested: str(tmp_path / "mine.nlproj")
    window.save()
    again = make_main_window()
    assert open_initial(again, str(tmp_path / "mine.nlproj")) == []
    assert again.document.path == tmp_path / "mine.nlproj"


def test_launch_with_a_broken_project_falls_back_and_holds_the_error(make_main_window, tmp_path):
    broken = tmp_path / "broken.nlproj"
    broken.write_text("nonsense", "utf-8")
    window = make_main_window()
    held = open_initial(window, str(broken))
    assert len(held) == 1 and "broken.nlproj" in held[0][1]
    assert window.errors == []  # shown after the window appears, not before
    assert len(window.document.graph) > 0


def test_the_app_process_paints_its_window_without_importing_torch(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        BENCH_ENV: repr(time.monotonic()),
    }
    command = [sys.executable, "-c", "import sys; from app.main import main; sys.exit(main([]))"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("first_paint_s="))
    assert "torch_loaded=False" in line
    assert float(line.split()[0].removeprefix("first_paint_s=")) < 10  # generous: CI machines vary
