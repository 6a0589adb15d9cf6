"""Startup benchmark: seconds from launching the app in a fresh Python process to the
main window's first paint (with the built-in example), over several runs; prints each
run and the median. Usage: python bench/bench_startup.py [--runs 7] [--entry cli|main]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_ENV = "NEUROLOOM_BENCH_STARTED"  # app.main reads it (not imported here: keep it cold)
TARGET_S = 1.0  # issue 9: a drawn window in under 1 s (issue 4 asked for 2)
ENTRIES = {
    "cli": [sys.executable, "-m", "graph_core.cli", "gui"],  # what `neuroloom` runs
    "main": [sys.executable, "-c", "import sys; from app.main import main; sys.exit(main([]))"],
}


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()  # one system-wide clock: the child subtracts it from its own
    result = subprocess.run(
        command, cwd=ROOT, env={**env, BENCH_ENV: repr(started)}, capture_output=True, text=True, timeout=120
    )
    for line in result.stdout.splitlines():
        if line.startswith("first_paint_s="):
            seconds, _, rest = line.removeprefix("first_paint_s=").partition(" ")
            return float(seconds), rest
    raise RuntimeError(f"no timing from the app (exit {result.returncode}):\n{result.stdout}\n{result.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--entry", choices=sorted(ENTRIES), default="cli")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # Private settings and data folders: the user's window layout and recovery
        # copies stay untouched, and every run starts like a first launch.
        env = {**os.environ, "XDG_CONFIG_HOME": f"{home}/config", "XDG_DATA_HOME": f"{home}/data"}
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        times = []
        for index in range(args.runs):
            seconds, notes = run_once(ENTRIES[args.entry], env)
            times.append(seconds)
            print(f"run {index + 1}: {seconds:.3f} s to first paint ({notes})")
    median = statistics.median(times)
    verdict = "ok" if median < TARGET_S else "SLOWER THAN TARGET"
    print(
        f"startup ({args.entry}, {args.runs} runs): median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"
    )
    print(f"target < {TARGET_S:.1f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
