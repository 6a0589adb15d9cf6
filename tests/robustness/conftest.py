"""Shared machinery of the robustness suites: a scale for case counts, memory and thread
readings, and `figures`, which records what each test tried so `bench/robustness.py`
can write the report.

`NEUROLOOM_ROBUST_SCALE` (default 1) multiplies the number of cases; CI runs scale 1.
`NEUROLOOM_ROBUST_RECORD` names a JSON-lines file each test appends its figures to.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SCALE = float(os.environ.get("NEUROLOOM_ROBUST_SCALE", "1"))
RECORD = os.environ.get("NEUROLOOM_ROBUST_RECORD")
REPO = Path(__file__).resolve().parents[2]


def scaled(count: int, minimum: int = 1) -> int:
    """`count` cases at scale 1, proportionally more (or fewer) at other scales."""
    return max(minimum, round(count * SCALE))


def rss_mb() -> float | None:
    """Resident memory of this process now (Linux), in MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


QT_POOL_THREAD = "Thread (pooled)"


def os_thread_count() -> int | None:
    """Threads the operating system counts for this process (Linux): Qt's and torch's
    too, which `threading.active_count()` does not see; less the threads of Qt's own
    pools (Qt scales and converts large images on them), which come and go with the
    drawing and expire after 30 s idle: they would pass for a leak of ours or hide one.
    Our threads have other names (a QThread's object name, "python")."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return None
    count = 0
    for task in tasks:
        try:
            name = Path(f"/proc/self/task/{task}/comm").read_text().strip()
        except OSError:
            continue  # the thread ended meanwhile
        count += name != QT_POOL_THREAD
    return count


def wait_for(condition, timeout_s: float = 60.0, every_s: float = 0.05) -> bool:
    """Poll `condition` until it holds (True) or `timeout_s` passes (False): for tests
    without a Qt event loop to wait in."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every_s)
    return True


def slope(values: list[float], xs: list[float] | None = None) -> float:
    """Least-squares growth of a series per unit of `xs` (default: per sample)."""
    n = len(values)
    if n < 2:
        return 0.0
    xs = list(range(n)) if xs is None else xs
    mean_x, mean_y = sum(xs) / n, sum(values) / n
    num = sum((x - mean_x) * (v - mean_y) for x, v in zip(xs, values))
    den = sum((x - mean_x) ** 2 for x in xs)
    return num / den if den else 0.0


class DestroyedCounter:
    """Counts the Qt objects destroyed among those it watches, at the moment Qt destroys
    them, in whichever thread does it (a direct connection: a queued one would only be
    heard later, and not at all from an object deleted twice)."""

    def __init__(self) -> None:
        self.made = 0
        self.count = 0
        self._lock = threading.Lock()

    def watch(self, obj) -> None:
        from PySide6.QtCore import Qt

        self.made += 1
        obj.destroyed.connect(self._on_destroyed, Qt.ConnectionType.DirectConnection)

    def _on_destroyed(self, *_args) -> None:
        with self._lock:
            self.count += 1

    def count_class(self, monkeypatch, module, name: str) -> type:
        """Replace the class `module.name` with a subclass whose objects are watched;
        returns the class replaced."""
        base = getattr(module, name)
        counter = self

        def __init__(self, *args, **kwargs):  # noqa: N807
            base.__init__(self, *args, **kwargs)
            counter.watch(self)

        monkeypatch.setattr(module, name, type(name, (base,), {"__init__": __init__}))
        return base


def live_qobjects(cls: type) -> int:
    """Python wrappers of `cls` whose Qt object still exists (matched by type: isinstance
    on every object trips torch's deprecation warnings)."""
    import gc

    from shiboken6 import isValid

    return sum(issubclass(type(o), cls) and isValid(o) for o in gc.get_objects())


@dataclass
class Figures:
    """What one test tried: cases, faults injected, and named figures for the report."""

    suite: str
    test: str
    doc: str
    cases: int = 0
    faults: int = 0
    values: dict = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def case(self, faults: int = 0) -> None:
        self.cases += 1
        self.faults += faults

    def note(self, **values) -> None:
        self.values.update(values)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def figures(request):
    """Collects the test's figures and appends them to NEUROLOOM_ROBUST_RECORD."""
    doc = (request.function.__doc__ or "").strip().split("\n\n")[0]
    record = Figures(
        getattr(request.module, "SUITE", request.module.__name__), request.node.name, " ".join(doc.split())
    )
    yield record
    if not RECORD:
        return
    report = getattr(request.node, "rep_call", None)
    outcome = report.outcome if report is not None else "error"
    line = {
        "suite": record.suite,
        "test": record.test,
        "doc": record.doc,
        "cases": record.cases,
        "faults": record.faults,
        "outcome": outcome,
        "seconds": round(time.perf_counter() - record.started, 2),
        "scale": SCALE,
        "values": record.values,
    }
    with open(RECORD, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, default=str) + "\n")
