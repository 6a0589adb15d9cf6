"""What the app remembers between runs (window layout, theme, recent files, snapping),
stored with QSettings. Tests pass their own ini file so they never touch the user's.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORGANIZATION = "NeuroLoom"
APPLICATION = "NeuroLoom"
MAX_RECENT = 10


class AppSettings:
    """Typed access to the app's QSettings; every value has a default."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)

    @classmethod
    def at(cls, path: str | os.PathLike) -> AppSettings:
        """Settings kept in the ini file `path` (for tests and portable setups)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def sync(self) -> None:
        self._s.sync()

    # ----- appearance ---------------------------------------------------------------
    @property
    def theme(self) -> str:
        return str(self._s.value("appearance/theme", "light"))

    @theme.setter
    def theme(self, name: str) -> None:
        self._s.setValue("appearance/theme", name)

    @property
    def language(self) -> str:
        """The interface language ("en", "zh_CN"): app.i18n checks it is one it knows."""
        return str(self._s.value("appearance/language", "en"))

    @language.setter
    def language(self, code: str) -> None:
        self._s.setValue("appearance/language", code)

    @property
    def snap_to_grid(self) -> bool:
        return _as_bool(self._s.value("canvas/snap_to_grid", True))

    @snap_to_grid.setter
    def snap_to_grid(self, on: bool) -> None:
        self._s.setValue("canvas/snap_to_grid", bool(on))

    # ----- window layout --------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        return _as_bytes(self._s.value("window/geometry"))

    def window_state(self) -> QByteArray | None:
        return _as_bytes(self._s.value("window/state"))

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    # ----- files ----------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._s.value("files/recent", [])
        if isinstance(value, str):  # QSettings gives a bare string for a one-item list
            value = [value]
        return [str(v) for v in value or []][:MAX_RECENT]

    def add_recent_file(self, path: str | os.PathLike) -> list[str]:
        """Put `path` first in the recent list (once); returns the new list."""
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self.recent_files() if p != path]
        self._s.setValue("files/recent", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def remove_recent_file(self, path: str) -> None:
        self._s.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def clear_recent_files(self) -> None:
        self._s.setValue("files/recent", [])

    @property
    def last_directory(self) -> str:
        return str(self._s.value("files/last_directory", str(Path.home())))

    @last_directory.setter
    def last_directory(self, path: str) -> None:
        self._s.setValue("files/last_directory", path)


def default_data_dir() -> Path:
    """The per-user folder for data the app writes itself (recovery copies)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".neuroloom")


def _as_bool(value: object) -> bool:
    if isinstance(value, str):  # ini files hand booleans back as "true"/"false"
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def _as_bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, (bytes, bytearray)) and value:
        return QByteArray(bytes(value))
    return None
