"""Crash recovery: a copy of each open document is written (atomically) every few edits
and every so many seconds to a per-user folder, removed on a clean save or close, and
offered back on the next start when the app did not get to remove it.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid

from graph_core.fileio import atomic_write_text, process_alive, remove_orphans
from graph_core.project import Project, ProjectError, project_from_dict, project_to_dict

RECOVERY_FORMAT = "neuroloom-recovery"
_instance_numbers = itertools.count(1)
# Recovery files of this process whose owners are still open; any other file with our
# pid is left over from an owner that went away without cleaning up.
_live_files: set[str] = set()


@dataclass(frozen=True)
class RecoveryInfo:
    """A recovery copy left behind by a session that did not end cleanly."""

    file: Path
    original: str | None  # the project's own file; None for a never-saved document
    title: str
    saved_at: float

    def load(self) -> Project:
        """The recovered project. Raises ProjectError when the copy is unreadable."""
        try:
            doc = json.loads(self.file.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise ProjectError([f"cannot be read: {error}"], self.file) from None
        return project_from_dict(doc.get("project"), self.file)


class RecoveryStore:
    """The folder of recovery copies."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)

    def new_file(self) -> Path:
        return self.directory / f"recovery-{os.getpid()}-{next(_instance_numbers)}.json"

    def write(self, file: Path, project: Project, original: str | None, title: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": RECOVERY_FORMAT,
            "pid": os.getpid(),
            "original": original,
            "title": title,
            "saved_at": time.time(),
            "project": project_to_dict(project),
        }
        atomic_write_text(file, json.dumps(doc))

    def pending(self) -> list[RecoveryInfo]:
        """Copies whose owner is gone and that are newer than their saved file, newest
        first. Stale copies (the file was saved later) are deleted on the way, and so are
        half-written copies of sessions killed while writing one."""
        remove_orphans(self.directory)
        found = []
        for file in self.directory.glob("recovery-*.json"):
            info = _read_info(file)
            if info is None or _owner_alive(file):
                continue
            if _saved_file_is_newer(info):
                remove_quietly(file)
                continue
            found.append(info)
        return sorted(found, key=lambda info: info.saved_at, reverse=True)


class Autosaver(QObject):
    """Keeps a recovery copy of one document: after `every_edits` edits, and on a timer
    while there are unsaved edits; removes it once the document is saved or closed."""

    def __init__(
        self, document, store: RecoveryStore, interval_ms: int = 30_000, every_edits: int = 5, title=None
    ) -> None:
        super().__init__(document)
        self._document = document
        self._store = store
        self._every_edits = every_edits
        self._title = title or (lambda: "Untitled")
        self._file = store.new_file()
        self._edits_since_copy = 0
        _live_files.add(str(self._file))
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer)
        self._timer.start()
        document.undo_stack.indexChanged.connect(self._on_edit)
        document.dirtyChanged.connect(self._on_dirty_changed)

    @property
    def file(self) -> Path:
        return self._file

    @property
    def store(self) -> RecoveryStore:
        return self._store

    def save_copy(self) -> None:
        """Write the recovery copy now."""
        original = str(self._document.path) if self._document.path else None
        self._store.write(self._file, self._document.to_project(), original, self._title())
        self._edits_since_copy = 0

    def discard(self) -> None:
        """Remove the copy: the document was saved, or closed on purpose."""
        self._edits_since_copy = 0
        remove_quietly(self._file)

    def close(self) -> None:
        """The document is going away cleanly: stop, and leave nothing behind."""
        if not self._timer.isActive():
            return  # closed already
        self._timer.stop()
        self._document.undo_stack.indexChanged.disconnect(self._on_edit)
        self._document.dirtyChanged.disconnect(self._on_dirty_changed)
        self.discard()
        _live_files.discard(str(self._file))

    def _on_edit(self, _index: int) -> None:
        if not isValid(self._document.undo_stack):
            return  # the stack clears itself while the document is being destroyed
        if not self._document.dirty:
            return  # undone back to the saved state: nothing to recover
        self._edits_since_copy += 1
        if self._edits_since_copy >= self._every_edits:
            self.save_copy()

    def _on_timer(self) -> None:
        if self._document.dirty and self._edits_since_copy:
            self.save_copy()

    def _on_dirty_changed(self, dirty: bool) -> None:
        if not dirty:
            self.discard()


def remove_quietly(file: Path) -> None:
    try:
        file.unlink()
    except FileNotFoundError:
        pass


def _read_info(file: Path) -> RecoveryInfo | None:
    try:
        doc = json.loads(file.read_text("utf-8"))
        if doc.get("format") != RECOVERY_FORMAT:
            return None
        return RecoveryInfo(file, doc.get("original"), str(doc.get("title", "Untitled")), float(doc["saved_at"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _owner_alive(file: Path) -> bool:
    """Whether the window that writes `file` is still open (here or in another run)."""
    pid = _pid_of(file)
    if pid == os.getpid():
        return str(file) in _live_files
    return pid is not None and process_alive(pid)


def _pid_of(file: Path) -> int | None:
    parts = file.stem.split("-")
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return None


def _saved_file_is_newer(info: RecoveryInfo) -> bool:
    if not info.original:
        return False
    try:
        return Path(info.original).stat().st_mtime >= info.saved_at
    except OSError:
        return False  # the saved file is gone: the copy is all that is left
