"""Getting the Numba kernels ready without making anyone wait. Numba is optional; its
compiled code is cached in the user's cache folder, so it is compiled once per machine
(about 25 s per dtype on a 2-core machine) and loaded in about a second afterwards.
`warm_up` does either in the background, compiling in a child process so that the
compiler never holds this process's GIL (a GUI would stutter for the whole compile).

Run `python -m graph_core.training.fast` to compile ahead of time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

DTYPES = {"float32": np.float32, "float64": np.float64}
COMPILE_TIMEOUT_S = 900
_SOURCES = ("kernels.py", "runner.py")  # the kernels and the signatures they are called with


@dataclass
class _State:
    kernels: ModuleType | None = None
    ready: set[str] = field(default_factory=set)  # dtype names loaded or compiled
    seconds: dict[str, float] = field(default_factory=dict)  # how long that took
    compiled: dict[str, bool] = field(default_factory=dict)  # compiled (True) or loaded from the cache
    error: str | None = None
    threads: dict[str, threading.Thread] = field(default_factory=dict)


_state = _State()
_lock = threading.RLock()


def cache_dir() -> Path:
    """Where compiled kernels are kept: the platform's per-user cache folder."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "neuroloom" / "numba"


def numba_available() -> bool:
    """Whether Numba is installed (without importing it)."""
    from importlib.util import find_spec

    return find_spec("numba") is not None


def dtype_name(dtype: object) -> str:
    return np.dtype(dtype).name


def _numba_cache_dir() -> Path:
    return Path(os.environ.get("NUMBA_CACHE_DIR") or cache_dir())


def _marker(name: str) -> Path:
    """A file that says: these kernels, this Numba, this dtype were compiled into the cache."""
    from importlib.metadata import version

    digest = hashlib.sha1()
    for source in _SOURCES:
        digest.update((Path(__file__).parent / source).read_bytes())
    digest.update(f"{version('numba')} {sys.version} {name}".encode())
    return _numba_cache_dir() / f"ready-{name}-{digest.hexdigest()[:16]}"


def configure_numba_cache() -> None:
    """Send Numba's cache to our folder (kernels.py calls this before defining its
    functions: Numba picks the folder when a function is decorated). A user's own
    NUMBA_CACHE_DIR wins; site-packages, Numba's default, is often read-only."""
    import numba

    if not os.environ.get("NUMBA_CACHE_DIR"):
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        numba.config.CACHE_DIR = str(folder)


def _import_kernels() -> ModuleType:
    if _state.kernels is not None:
        return _state.kernels
    from graph_core.training.fast import kernels

    _state.kernels = kernels
    return kernels


def _load_here(name: str) -> None:
    """Import the kernels and load (or compile) one dtype's signatures in this process."""
    from graph_core.training.fast.runner import compile_signatures

    started = time.perf_counter()
    marker = _marker(name)
    cached = marker.exists()
    compile_signatures(_import_kernels(), DTYPES[name])
    _state.seconds[name] = time.perf_counter() - started
    _state.compiled[name] = not cached
    _state.ready.add(name)
    if not cached:
        _write_marker(marker, name)


def is_cached(dtype: object = np.float32) -> bool:
    """Whether the kernels for `dtype` were compiled on this machine (loading them is
    then quick), without loading numba."""
    try:
        return _marker(dtype_name(dtype)).exists()
    except Exception:  # an unreadable cache folder: as if nothing were cached
        return False


def _write_marker(marker: Path, name: str) -> None:
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        for old in marker.parent.glob(f"ready-{name}-*"):  # markers of older kernels
            old.unlink(missing_ok=True)
        marker.touch()
    except OSError:
        pass  # a read-only cache: the next warm-up compiles in a child again, no harm


def load(dtype: object = np.float32, block: bool = True) -> ModuleType | None:
    """The kernels module, ready for `dtype`; None when Numba is missing or failed, or,
    with `block=False`, when they are not loaded yet (see `warm_up`)."""
    name = dtype_name(dtype)
    if name in _state.ready or _state.error is not None or not block:
        return _state.kernels if name in _state.ready else None
    with _lock:
        if not numba_available():
            return None
        if name not in _state.ready and _state.error is None:
            try:
                _load_here(name)
            except Exception as error:  # a broken Numba install must not break training
                _state.error = f"{type(error).__name__}: {error}"
    return _state.kernels if name in _state.ready else None


def _warm_up_one(name: str) -> None:
    try:
        if not _marker(name).exists():
            _compile_in_child(name)
    except Exception:
        pass  # no child process (a frozen app, say): compile here instead
    load(name, block=True)


def _compile_in_child(name: str) -> None:
    command = [sys.executable, "-m", "graph_core.training.fast", "--dtype", name]
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    subprocess.run(command, env=env, timeout=COMPILE_TIMEOUT_S, capture_output=True, check=True)


def warm_up(dtypes: tuple[str, ...] = ("float32",), background: bool = True) -> threading.Thread | None:
    """Get the kernels ready for `dtypes`: in a daemon thread by default (returned, or
    None when nothing is left to do), else right here."""
    if _state.error is not None or not numba_available():
        return None
    names = [dtype_name(d) for d in dtypes if dtype_name(d) not in _state.ready]
    if not names:
        return None
    if not background:
        for name in names:
            load(name, block=True)
        return None
    with _lock:
        key = ",".join(names)
        thread = _state.threads.get(key)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=lambda: [_warm_up_one(n) for n in names], daemon=True)
            thread.name = f"neuroloom-fast-warm-up-{key}"
            _state.threads[key] = thread
            thread.start()
        return thread


def status() -> dict[str, object]:
    """What a report shows: dtypes ready, seconds each took, compiled or loaded, error."""
    return {
        "numba": numba_available(),
        "ready": sorted(_state.ready),
        "seconds": dict(_state.seconds),
        "compiled": dict(_state.compiled),
        "error": _state.error,
        "cache_dir": str(_numba_cache_dir()),
    }


def unavailable_reason() -> str | None:
    """Why the kernels cannot run at all (no Numba, or it failed), or None."""
    if _state.error is not None:
        return f"the Numba kernels failed to build: {_state.error}"
    if not numba_available():
        return "Numba is not installed"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compile NeuroLoom's fast-path kernels into the user cache.")
    parser.add_argument("--dtype", action="append", choices=sorted(DTYPES), help="default: all")
    args = parser.parse_args(argv)
    for name in args.dtype or sorted(DTYPES):
        load(name, block=True)
        if _state.error:
            print(_state.error, file=sys.stderr)
            return 1
        how = "compiled" if _state.compiled[name] else "loaded from the cache"
        print(f"{name}: {how} in {_state.seconds[name]:.1f} s ({_numba_cache_dir()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
