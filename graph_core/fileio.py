"""Atomic file writing, the one way every file NeuroLoom writes reaches the disk: a
temporary file beside the target, flushed, then renamed over it, so a crash leaves
either the old file or the new one, never half of one.

A writer killed mid-write (SIGKILL, power cut) leaves its hidden temporary file,
`.<name>.<random>.<pid>.tmp`; the next write of the same file removes those whose
process is gone (`remove_orphans` does it for a whole folder)."""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """Call `write(temporary_path)`, flush it to disk, then move it onto `path`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{os.getpid()}.tmp", dir=target.parent)
    os.close(handle)
    try:
        os.chmod(temporary, _mode_for(target))  # mkstemp makes it private (0600)
        write(Path(temporary))
        _fsync(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    remove_orphans(target.parent, target.name)


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.(?P<pid>\d+)\.tmp$")
# Where a process cannot be asked whether it lives (Windows), a temporary file this old
# is surely abandoned.
_ORPHAN_AGE_S = 24 * 3600


def remove_orphans(folder: str | os.PathLike, name: str | None = None) -> int:
    """Remove temporary files that writers killed mid-write left in `folder` (only those
    for files called `name`, when given); returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None or (name is not None and match["name"] != name):
            continue
        if _writer_alive(int(match["pid"]), entry):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass  # gone already, or not ours to remove
    return removed


def _writer_alive(pid: int, entry: os.DirEntry) -> bool:
    if pid == os.getpid():
        return True  # another thread of ours may be writing it
    if os.name != "posix":
        try:
            return time.time() - entry.stat().st_mtime < _ORPHAN_AGE_S
        except OSError:
            return True
    return process_alive(pid)


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs (POSIX; elsewhere assume it does not)."""
    if os.name != "posix":
        return False  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0666 minus umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    atomic_write(path, lambda p: p.write_bytes(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
