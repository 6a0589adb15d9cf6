"""Run by `test_saving_under_kill`: saves a large project over and over, printing each
save's number once the save is complete, until it is killed.

    python -m tests.robustness.child_save_loop SOURCE TARGET LABEL [--slow-disk]

`--slow-disk` writes in 64 KB chunks with a short pause after each, as a slow or busy
disk does, so that more kills land while the temporary file is being written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from graph_core.project import load_project, save_project

CHUNK = 64 * 1024


def slow_disk() -> None:
    def write_bytes(self: Path, data: bytes) -> int:
        with open(self, "wb") as handle:
            for start in range(0, len(data), CHUNK):
                handle.write(data[start : start + CHUNK])
                handle.flush()
                time.sleep(0.005)
        return len(data)

    Path.write_bytes = write_bytes  # type: ignore[method-assign]


def main(source: str, target: str, label: str, slow: bool) -> None:
    project = load_project(source)
    if slow:
        slow_disk()
    print("ready", flush=True)
    count = 0
    while True:
        count += 1
        project.view["title"] = f"{label} save {count}"
        save_project(project, target)
        print(count, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], "--slow-disk" in sys.argv[4:])
