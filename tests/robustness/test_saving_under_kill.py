"""Saving while the process dies: a save killed with SIGKILL at any moment leaves the old
or the new complete file, never a broken one, and the temporary files of killed writers
are ignored and cleaned up by the next save; an app killed mid-session offers its last
autosaved network on the next start and restores exactly that.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_core.fileio import remove_orphans
from graph_core.project import load_project, save_project
from tests.robustness.conftest import REPO, scaled

SUITE = "Saving under SIGKILL"
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
CHAIN_LAYERS = 1000  # Linear + Tanh pairs: a 2001-node, ~0.5 MB project


def child_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    env.pop("NEUROLOOM_ROBUST_RECORD", None)
    return env


def spawn(module: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", f"tests.robustness.{module}", *args],
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_line(proc: subprocess.Popen, timeout: float) -> str:
    """The child's next output line, waiting at most `timeout` seconds."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        raise AssertionError(f"the child said nothing for {timeout} s")
    line = proc.stdout.readline()
    if not line:
        raise AssertionError(f"the child ended early: {proc.stderr.read()[-2000:]}")
    return line.rstrip("\n")


def kill(proc: subprocess.Popen) -> list[str]:
    """SIGKILL the child, reap it (a zombie still counts as alive) and return the rest
    of what it printed."""
    proc.send_signal(signal.SIGKILL)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return out.splitlines()


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def large_project_doc(layers: int) -> dict:
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [8]}, "pos": [0.0, 0.0]}]
    edges = []
    previous = "x"
    for i in range(layers):
        nodes.append({"id": f"fc{i}", "type": "Linear", "params": {"out_features": 8}, "pos": [i * 280.0, 0.0]})
        nodes.append({"id": f"act{i}", "type": "Tanh", "params": {}, "pos": [i * 280.0, 140.0]})
        edges += [{"src": previous, "dst": f"fc{i}"}, {"src": f"fc{i}", "dst": f"act{i}"}]
        previous = f"act{i}"
    return {
        "format": "neuroloom-project",
        "version": 1,
        "graph": {"nodes": nodes, "edges": edges, "outputs": [previous]},
        "view": {"title": "initial"},
    }


@pytest.fixture(scope="module")
def large_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.nlproj"
    path.write_text(json.dumps(large_project_doc(CHAIN_LAYERS)), "utf-8")
    return path


@pytest.mark.parametrize("disk", ["normal", "slow"])
def test_a_save_killed_at_any_moment_leaves_the_old_or_the_new_complete_file(disk, large_project, tmp_path, figures):
    """Child processes save a 2,001-node project in a loop and are SIGKILLed after a
    random delay; after every kill the file is a complete project holding the last
    finished save or the one in flight. `slow` writes in chunks, as a slow disk does,
    so more kills land mid-write."""
    rng = random.Random(f"kill-{disk}")
    target = tmp_path / "project.nlproj"
    project = load_project(large_project)
    started = time.perf_counter()
    save_project(project, target)
    period = max(time.perf_counter() - started, 0.02) * (3 if disk == "slow" else 1)  # a slow save: ~3x
    title = load_project(target).title
    mid_write = 0
    since_cleanup = 0  # killed children since one finished a save (and so cleaned up)
    kills = scaled(3)
    for child in range(1, kills + 1):
        before = {p.name for p in temporaries(tmp_path)}
        label = f"child {child}"
        proc = spawn(
            "child_save_loop", str(large_project), str(target), label, *(["--slow-disk"] if disk == "slow" else [])
        )
        assert read_line(proc, 60) == "ready"
        time.sleep(rng.uniform(0, 3 * period))  # the fault itself: a kill at a random moment
        printed = [line for line in kill(proc) if line.isdigit()]
        last = int(printed[-1]) if printed else 0
        allowed = {title if last == 0 else f"{label} save {last}", f"{label} save {last + 1}"}
        loaded = load_project(target)  # complete and valid, or this raises
        assert loaded.title in allowed, (loaded.title, allowed)
        assert len(loaded.graph) == 2 * CHAIN_LAYERS + 1 and len(loaded.graph.edges()) == 2 * CHAIN_LAYERS
        left = [p for p in temporaries(tmp_path) if p.name not in before]
        mid_write += bool(left)
        since_cleanup = 1 if loaded.title != title else since_cleanup + 1
        assert len(temporaries(tmp_path)) <= since_cleanup, "orphaned temporary files pile up"
        assert [p.name for p in tmp_path.glob("*.nlproj")] == ["project.nlproj"]  # hidden, other suffix
        title = loaded.title
        figures.case(faults=1)
    save_project(load_project(target), target)
    assert temporaries(tmp_path) == [], "the next save did not clean up after killed writers"
    figures.note(kills=kills, kills_mid_write=mid_write, save_seconds=round(period, 3))


def test_only_temporary_files_of_dead_writers_are_removed(tmp_path, figures):
    """A live writer's temporary file (this process, or another running one) is left
    alone; a dead one's is removed, and files that only look similar are kept."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        dead_pid = int(dead.stdout)
        names = {
            "dead": f".p.nlproj.abcd1234.{dead_pid}.tmp",
            "live": f".p.nlproj.abcd1234.{sleeper.pid}.tmp",
            "ours": f".p.nlproj.abcd1234.{os.getpid()}.tmp",
            "other file's": f".q.nlproj.abcd1234.{dead_pid}.tmp",
            "user's": ".notes.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_text("partial")
        assert remove_orphans(tmp_path, "p.nlproj") == 1
        left = {p.name for p in temporaries(tmp_path)}
        assert left == {names[k] for k in ("live", "ours", "other file's", "user's")}
        figures.case(faults=1)
    finally:
        sleeper.kill()
        sleeper.wait()


def restored_outcomes(lines: list[str]) -> tuple[set, int]:
    """What the recovery folder may hold after the kill: the outcome of the last
    finished write or removal, or of the one in flight. None: no copy."""
    finished: object = None
    in_flight: list = []
    writes = 0
    for line in lines:
        kind, _, state = line.partition(" ")
        if kind == "writing":
            in_flight = [json.loads(state)]
        elif kind == "written":
            finished, in_flight, writes = json.loads(state), [], writes + 1
        elif kind == "discarding":
            in_flight = [None]
        elif kind == "discarded":
            finished, in_flight = None, []
    return {json.dumps(x, sort_keys=True) for x in [finished, *in_flight]}, writes


def test_a_killed_app_offers_its_last_autosave_and_restores_exactly_that(make_main_window, tmp_path, figures):
    """An app editing its network without pause (autosave every 3 edits and every
    100 ms) is SIGKILLed after 1-6 autosaves and a random delay; the next start offers
    the recovery copy and restores the graph autosaved last (or the one being written)."""
    rng = random.Random("autosave")
    rounds = scaled(1)
    for round_ in range(rounds):
        recovery = tmp_path / f"recovery{round_}"
        recovery.mkdir()
        proc = spawn("child_editing_app", str(recovery), str(tmp_path / f"settings{round_}.ini"), str(round_))
        lines = [read_line(proc, 60)]
        autosaves = rng.randint(1, 6)
        while sum(line.startswith("written") for line in lines) < autosaves:
            lines.append(read_line(proc, 60))
        time.sleep(rng.uniform(0, 0.1))  # the kill lands at a random moment of the editing
        lines += kill(proc)
        allowed, writes = restored_outcomes(lines)

        window = make_main_window(recovery_dir=recovery)
        offered: list = []
        window.confirm_restore = lambda info, offered=offered: offered.append(info) or True
        restored = window.offer_recovery()
        state = json.dumps(window.document.graph.to_dict(), sort_keys=True) if restored else json.dumps(None)
        assert restored == bool(offered)
        assert state in allowed, "the restored network is not the last autosaved one"
        assert not restored or window.document.dirty
        assert not [p for p in recovery.iterdir() if p.name.endswith(".tmp")], "a half-written copy was left"
        window.close()
        figures.case(faults=1)
        figures.values["autosaves_before_kill"] = figures.values.get("autosaves_before_kill", 0) + writes
        figures.values["restored"] = figures.values.get("restored", 0) + restored
