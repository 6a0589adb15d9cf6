"""The test suite's own safety net: a Qt test that leaves a window alive fails."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

LEAKY_TESTS = textwrap.dedent(
    """
    from PySide6.QtWidgets import QLabel

    kept = []

    def test_leaks_a_window(qtbot):
        label = QLabel("left open")
        label.setObjectName("leaky")
        label.show()
        kept.append(label)

    def test_registers_its_window(qtbot):
        label = QLabel("closed by qtbot")
        qtbot.addWidget(label)
        label.show()
    """
)


def test_a_test_that_leaks_a_top_level_widget_fails(tmp_path):
    conftest = Path(__file__).with_name("conftest.py")
    (tmp_path / "conftest.py").write_text(conftest.read_text())
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "leaked top-level widgets: QLabel('leaky')" in result.stdout
    assert "2 passed, 1 error" in result.stdout
