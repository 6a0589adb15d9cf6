"""The questions the main window asks, as plain functions. The window holds them as
attributes, so tests replace them with answers instead of running modal dialogs.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.recovery import RecoveryInfo

PROJECT_FILTER = "NeuroLoom projects (*.nlproj);;All files (*)"


def ask_save_changes(parent: QWidget, name: str) -> str:
    """'save', 'discard' or 'cancel' for a document with unsaved changes."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to “{name}”?")
    box.setInformativeText("Your changes will be lost if you don't save them.")
    box.setStandardButtons(
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def show_error(parent: QWidget, title: str, message: str) -> None:
    """Tell the user what went wrong; the first line is the summary, the rest details."""
    summary, _, details = message.partition("\n")
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(summary)
    if details:
        box.setInformativeText(details)
    box.exec()


def ask_restore(parent: QWidget, info: RecoveryInfo) -> bool:
    """Offer a recovery copy left by a session that ended unexpectedly."""
    where = html.escape(info.original) if info.original else "a project that was never saved"
    answer = QMessageBox.question(
        parent,
        "Restore unsaved work?",
        f"NeuroLoom did not close properly last time. A recovery copy of <b>{html.escape(info.title)}</b> "
        f"({where}) has changes that were not saved.<br><br>Restore it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_open_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", directory, PROJECT_FILTER)
    return path or None


def ask_save_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save project as", suggested, PROJECT_FILTER)
    return path or None
