"""Run every benchmark in bench/ and write bench/README.md: each benchmark with its
latest figures and the machine they were measured on.

Each benchmark runs in a process of its own (so no benchmark sees another's threads,
imports or warmed-up kernels) under a time budget. Any `bench_*.py` added later is
picked up and run without arguments.
Run: python -m bench.make_report [--quick] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import ast
import datetime
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
README = BENCH / "README.md"
OUTPUT_LIMIT = 12_000  # characters of a benchmark's output kept in the report
PACKAGES = ("torch", "numpy", "numba", "scikit-learn", "PySide6-Essentials", "pyqtgraph", "onnxruntime")


@dataclass(frozen=True)
class Benchmark:
    """How to run one benchmark module: arguments for --quick and for a full report."""

    name: str
    quick: tuple[str, ...] = ()
    full: tuple[str, ...] = ()
    budget_s: int = 600

    def command(self, quick: bool) -> list[str]:
        return [sys.executable, "-m", f"bench.{self.name}", *(self.quick if quick else self.full)]


KNOWN = {
    b.name: b
    for b in (
        Benchmark("bench_shapes", budget_s=300),
        Benchmark("bench_compiler", quick=("--rounds", "3"), budget_s=600),
        Benchmark("bench_trainer", quick=("--quick",), full=("--full",), budget_s=1200),
        Benchmark("bench_canvas", quick=("--repeats", "15"), budget_s=600),
        Benchmark("bench_startup", quick=("--runs", "3"), budget_s=600),
        Benchmark("bench_export", budget_s=900),
        Benchmark("bench_speed", quick=("--quick",), full=("--full", "--with-compile"), budget_s=2400),
        Benchmark("bench_responsiveness", quick=("--quick",), budget_s=1200),
        Benchmark("bench_live", quick=("--quick",), budget_s=600),
    )
}


@dataclass(frozen=True)
class Result:
    benchmark: Benchmark
    command: list[str]
    status: str  # "ok", "exit N" or "timed out after N s"
    seconds: float
    output: str


def discover() -> list[Benchmark]:
    """The known benchmarks in their order, then any other bench_*.py."""
    present = sorted(path.stem for path in BENCH.glob("bench_*.py"))
    ordered = [name for name in KNOWN if name in present] + [name for name in present if name not in KNOWN]
    return [KNOWN.get(name, Benchmark(name)) for name in ordered]


def run(benchmark: Benchmark, quick: bool) -> Result:
    command = benchmark.command(quick)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"), "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=benchmark.budget_s, check=False
        )
        status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
        output = done.stdout if done.returncode == 0 else done.stdout + "\n" + _tail(done.stderr, 30)
    except subprocess.TimeoutExpired as timeout:
        status = f"timed out after {benchmark.budget_s} s"
        output = _text(timeout.stdout)
    return Result(benchmark, command, status, time.perf_counter() - started, output.strip())


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value or ""


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def summary_of(name: str) -> str:
    """The first sentence of a benchmark's module docstring (read, not imported)."""
    source = (BENCH / f"{name}.py").read_text()
    doc = ast.get_docstring(ast.parse(source)) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    return first.split(". ")[0].rstrip(".") + "."


# ---- the machine ----------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    rows = [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} logical cores"),
        ("Memory", _memory()),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", sys.version.split()[0]),
    ]
    rows += [(package, _version(package)) for package in PACKAGES]
    rows.append(("GPU", _gpu()))
    return rows


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _gpu() -> str:
    code = "import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'none (CPU only)')"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def _load() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


# ---- the report ----------------------------------------------------------------------------------


def render(results: list[Result], quick: bool, load_before: str, started: datetime.datetime) -> str:
    mode = "--quick" if quick else "full"
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python -m bench.make_report{' --quick' if quick else ''}` ({mode} settings) on "
        f"{started:%Y-%m-%d %H:%M} UTC. Do not edit by hand: run the command again.",
        "Every benchmark ran in a process of its own, one after another, under a time budget.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *[f"| {key} | {value} |" for key, value in machine()],
        f"| Load average (1 / 5 / 15 min) | before: {load_before}; after: {_load()} |",
        "",
        "Timings on a shared machine vary with its load: read the ratios measured side by side in",
        "one run (each benchmark prints them) rather than absolute times across runs.",
        "",
        "## Summary",
        "",
        "| benchmark | measures | status | took |",
        "| --- | --- | --- | --- |",
        *[
            f"| [{r.benchmark.name}](#{r.benchmark.name}) | {summary_of(r.benchmark.name)} | {r.status} | "
            f"{r.seconds:.0f} s |"
            for r in results
        ],  # fmt: skip
    ]
    for r in results:
        output = r.output if len(r.output) <= OUTPUT_LIMIT else "...\n" + r.output[-OUTPUT_LIMIT:]
        command = " ".join(["python", *r.command[1:]])
        lines += ["", f"## {r.benchmark.name}", "", summary_of(r.benchmark.name), ""]
        lines += [f"`{command}`: {r.status}, {r.seconds:.0f} s", "", "```", output or "(no output)", "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="each benchmark's quick settings")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (e.g. bench_speed)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from graph_core.fileio import atomic_write_text

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = _load()
    results = []
    for benchmark in discover():
        if args.only and benchmark.name not in args.only:
            continue
        print(f"{benchmark.name} ...", flush=True)
        result = run(benchmark, args.quick)
        print(f"  {result.status} in {result.seconds:.0f} s", flush=True)
        results.append(result)
    atomic_write_text(README, render(results, args.quick, load_before, started))
    print(f"wrote {README.relative_to(ROOT)}")
    return 0 if all(r.status == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
