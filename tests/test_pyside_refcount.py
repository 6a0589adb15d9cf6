"""Regression guard for PySide6 6.12.0 on Python < 3.12, which lowers the reference
count of None on every void Qt call until the process aborts (see STACK-NOTES)."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_leak_references_to_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(10_000):
        label.setText(str(i))
    after = sys.getrefcount(None)
    assert after >= before - 100, f"None lost {before - after} references in 10,000 void Qt calls"
