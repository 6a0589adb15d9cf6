"""graph_core is a library without Qt: it must import with PySide6 and pyqtgraph gone."""

import subprocess
import sys
import textwrap


def test_graph_core_imports_without_qt_or_pyqtgraph():
    script = textwrap.dedent(
        """
        import sys, pkgutil, importlib
        for name in ("PySide6", "pyqtgraph", "shiboken6"):
            sys.modules[name] = None  # makes any import of them fail
        import graph_core
        for module in pkgutil.walk_packages(graph_core.__path__, "graph_core."):
            importlib.import_module(module.name)
        assert not any(m.startswith(("PySide6.", "pyqtgraph.")) for m in sys.modules)
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_loading_a_project_and_generating_its_code_does_not_import_torch():
    # The CLI's validate, the code view and the app's first paint stay fast: torch loads lazily.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, graph_core.project, graph_core.codegen as c\n"
            "c.generate_code(graph_core.project.load_project(graph_core.project.EXAMPLES_DIR / 'transformer_sequence.nlproj').graph)\n"
            "print('torch' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False", result.stderr
