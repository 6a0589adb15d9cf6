"""Languages: every text a user sees in Simplified Chinese when they choose it (widgets,
menus, actions, tooltips, dock titles, the canvas's painted texts, the undo history, the
lessons, the lenses and every message the core builds), every layer, loss, optimizer and
lesson explained in Chinese, Chinese characters drawn with the shipped font where no
system font has them, and English back on request."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QGraphicsView, QLabel, QMenu, QWidget

from app import i18n
from app.commands import AddNodeCommand, ConnectCommand, MoveNodesCommand, RemoveNodesCommand
from app.lessons.catalogue import load_lessons
from graph_core.project import list_examples
from graph_core.training.diagnosis import Diagnostician
from graph_core.training.events import DivergedEvent

EXAMPLES = {example.name: example for example in list_examples()}
READY_TIMEOUT = 120_000
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def english_after():
    """Whatever a test switched to, the next test starts in English."""
    yield
    i18n.install_language("en")


@pytest.fixture
def ready_window(make_main_window, qtbot, english_after):
    """A window with the XOR example open and training ready (its panels built)."""
    window = make_main_window()
    _ = window.lessons  # built now, not just after the first paint: its menus are part of the test
    window.open_example(EXAMPLES["mlp_xor"])
    window.training.warm_up()
    qtbot.waitUntil(lambda: window.training.is_ready and window.training_views is not None, timeout=READY_TIMEOUT)
    yield window
    window.lessons.set_language("en", remember=False)
    assert window.training.shutdown(30_000)


def visible_texts(window) -> list[tuple[str, str]]:
    """(where, text) of every text of the window a user can see or reach: widgets,
    actions, menus (including ones not open), item rows, plot labels."""
    found: list[tuple[str, str]] = []
    retranslator = window.lessons.retranslator
    for root in retranslator._roots():
        for obj in retranslator._walk(root):
            if isinstance(obj, QWidget) and not obj.isVisibleTo(obj.window()) and not isinstance(obj, QMenu):
                continue
            where = type(obj).__name__
            for name, getter, _ in i18n._texts(obj):
                found.append((f"{where}.{name}", getter()))
            if isinstance(obj, QWidget):
                found += [(f"{where} item", getter()) for getter, _ in i18n._items(obj)]
            if isinstance(obj, QGraphicsView):
                found += [(f"{where} plot", getter()) for getter, _ in i18n._graphics_texts(obj)]
                found += list(i18n.painted_texts(obj))  # node cards, edge labels, item tooltips
    return [(where, text) for where, text in found if text]


def untranslated(window) -> list[str]:
    """Visible texts with words a Chinese reader would not understand (names of nodes,
    layers, losses and optimizers, numbers, shapes and code are fine as they are)."""
    allowed = set(window.document.graph.node_ids()) | {window.display_name} | set(EDITED_IDS)
    problems = []
    for where, text in visible_texts(window):
        words = i18n.english_words(text, allowed)
        if words:
            problems.append(f"{where}: {text[:90]!r} ({', '.join(words[:4])})")
    return sorted(set(problems))


EDITED_IDS = ("extra", "lonely", "flat_conv")  # node names (in the history too), not words


def edit_the_network(window) -> None:
    """Edits of every kind, so the history holds their texts; a node left unconnected
    (a problem badge) and one whose shape does not fit (a shape error)."""
    document = window.document
    document.try_push(AddNodeCommand(document.graph, "Linear", (600.0, 0.0), node_id="extra"))
    document.try_push(ConnectCommand(document.graph, "out", "extra"))
    document.try_push(MoveNodesCommand(document.graph, {"extra": ((600.0, 0.0), (640.0, 40.0))}))
    document.try_push(RemoveNodesCommand(document.graph, ["extra"]))
    document.try_push(AddNodeCommand(document.graph, "Conv2d", (600.0, 200.0), node_id="lonely"))
    document.try_push(AddNodeCommand(document.graph, "Conv2d", (800.0, 200.0), node_id="flat_conv"))
    document.try_push(ConnectCommand(document.graph, "x", "flat_conv"))


def test_every_layer_loss_optimizer_and_data_set_has_a_chinese_explanation():
    from graph_core.data import DATASETS
    from graph_core.registry import all_specs
    from graph_core.training import LOSS_EXPLANATIONS, OPTIMIZER_EXPLANATIONS

    catalogue = i18n.load_catalogue("zh_CN")
    wanted = [("LayerSummary", s.type) for s in all_specs()] + [("LayerExplanation", s.type) for s in all_specs()]
    wanted += [("LossExplanation", name) for name in (*LOSS_EXPLANATIONS, "0-1")]
    wanted += [("OptimizerExplanation", name) for name in OPTIMIZER_EXPLANATIONS]
    wanted += [("DatasetTitle", name) for name in DATASETS] + [("DatasetDescription", name) for name in DATASETS]
    missing = [
        f"{context} {key}" for context, key in wanted if not i18n.has_cjk(catalogue.messages.get((context, key), ""))
    ]
    assert missing == []
    assert i18n.explanation("LayerExplanation", "Linear", "english", "zh_CN").startswith("Linear 层")


def test_every_lesson_has_chinese_texts():
    for lesson in load_lessons():
        texts = [lesson.title, lesson.summary, *(step.text for step in lesson.steps)]
        assert all(text.has("zh_CN") and i18n.has_cjk(text.get("zh_CN")) for text in texts), lesson.key


@pytest.mark.skipif(
    shutil.which("pyside6-lrelease") is None and not shutil.which(".venv/bin/pyside6-lrelease"), reason="no lrelease"
)
def test_the_catalogue_is_a_qt_linguist_file_lrelease_accepts(tmp_path):
    tool = shutil.which("pyside6-lrelease") or ".venv/bin/pyside6-lrelease"
    result = subprocess.run(
        [tool, str(i18n.catalogue_path("zh_CN")), "-qm", str(tmp_path / "zh.qm")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "0 unfinished" in result.stdout and (tmp_path / "zh.qm").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("3 nodes · 2 edges", "3 个节点 · 2 条边"),
        ("Save the project (Ctrl+S)", "保存项目 (Ctrl+S)"),
        ("Epoch 3/10 · step 54 · 797k samples/s", "第 3/10 轮 · 第 54 步 · 797k 样本/秒"),
        ("ABOUT LINEAR", "关于 LINEAR"),
        ("Number of output neurons", "输出神经元的个数"),
        ("<b>Train</b> (F5)", "<b>训练</b> (F5)"),
    ],
)
def test_finished_texts_are_translated_whole_by_template_or_part_by_part(english, chinese):
    assert i18n.translate_text(english, "zh_CN") == chinese


def test_the_qt_translator_answers_the_lenses_in_chinese(qapp, english_after):
    from PySide6.QtCore import QCoreApplication

    i18n.install_language("zh_CN")
    assert QCoreApplication.translate("LRFinderView", "Use this rate") == "使用这个学习率"
    i18n.install_language("en")
    assert QCoreApplication.translate("LRFinderView", "Use this rate") == "Use this rate"


def test_choosing_chinese_in_the_view_menu_changes_the_visible_texts_and_english_brings_them_back(ready_window, qtbot):
    window = ready_window
    menus = [action.text() for action in window.menuBar().actions()]
    tabs = window.training_views.tabs
    pages = [tabs.tabText(i) for i in range(tabs.count())]
    schedules = window.training_panel.settings_panel.editor("schedule").combo
    window.lessons.language_actions["zh_CN"].trigger()
    assert [action.text() for action in window.menuBar().actions()][:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"]
    assert window.training_dock.windowTitle() == "训练"
    assert window.actions["training_train"].text() == "训练(&T)"
    assert schedules.itemText(schedules.findData("step")) == "阶梯"  # a schedule, not a step on an axis
    assert i18n.stored_language(window.settings) == "zh_CN"
    window.lessons.language_actions["en"].trigger()
    assert [action.text() for action in window.menuBar().actions()] == menus
    assert window.training_dock.windowTitle() == "Training"
    assert [tabs.tabText(i) for i in range(tabs.count())] == pages  # 训练 is "Training" again, not "training"


DIVERGED = (
    "The loss became NaN during epoch 3 (step 41); training stopped and the weights from the end of epoch 2 "
    "were restored. Try a smaller learning rate (now 30) or gradient clipping."
)


def test_no_visible_string_lacks_a_translation_in_chinese(ready_window, qtbot):
    window = ready_window
    lessons = window.lessons
    for key in ("activations", "losses", "optimizers", "lr_finder", "diagnosis", "timeline"):
        lessons.lenses.open_lens(key)
    lessons.open_lesson("perceptron_mlp")
    lessons.set_language("zh_CN", remember=False)
    edit_the_network(window)  # edited in Chinese: the history and the badges follow at once
    lessons.lenses._on_findings(Diagnostician().feed(DivergedEvent(3, 41, DIVERGED)))
    window.show_node("lonely")
    lessons.show_start_page()
    qtbot.waitUntil(lambda: bool(window.document.analysis.diagnostics), timeout=10_000)
    window.grab()  # everything visible painted once, as the user sees it
    assert window.document.undo_stack.count() >= 6
    problems = untranslated(window)
    assert problems == [], "\n".join(problems)
    painted = [text for where, text in visible_texts(window) if "painted" in where]
    assert "输出特征数" in painted  # a node's parameter row, as the canvas paints it
    assert window.actions["undo"].text() == "撤销 连接 x → flat_conv"
    lessons.set_language("en", remember=False)
    assert window.actions["undo"].text() == "Undo Connect x → flat_conv"
    assert "out features" in [text for where, text in visible_texts(window) if "painted" in where]


def test_the_check_finds_an_untranslated_text_and_accepts_names_numbers_and_shapes(ready_window, qtbot):
    window = ready_window
    window.lessons.set_language("zh_CN", remember=False)
    assert untranslated(window) == []
    sneaky = QLabel("Gradient noise ahead", window.statusBar())  # no translation of this anywhere
    neutral = QLabel("ReLU · 3×3 · [N, 16, 28, 28] · lr 0.01 · fc1", window.statusBar())
    window.statusBar().addWidget(sneaky)
    window.statusBar().addWidget(neutral)
    sneaky.show()
    neutral.show()
    problems = untranslated(window)
    assert len(problems) == 1 and "Gradient noise ahead" in problems[0]
    item = window.canvas.scene().node_item("out")
    item._rows.append(("mystery knob", "3"))  # a painted row the catalogue does not know
    assert any("mystery knob" in problem for problem in untranslated(window))


# ---- messages the core builds at run time ----------------------------------------------------

CORE_MESSAGE_CALLS = {"ShapeError", "Diagnostic", "Diagnosis", "DivergedEvent"}
# Errors a user meets when a project file or a data source is refused, or a prompt or a
# generative task cannot be used: shown in the app as they are raised by these modules.
LOAD_ERROR_CALLS = {"ProjectError", "DataImportError", "TrainingSetupError", "ValueError"}
LOAD_ERROR_MODULES = ("project.py", "specs.py", "settings.py", "data/", "training/language.py", "training/diffusion.py")
INTERNAL_MODULES = ("data/batching.py",)  # checks of the core's own calls, never of a user's input


def core_message_templates() -> list[tuple[str, str]]:
    """(where, a sample) of every message the core writes for the user: the texts given
    to ShapeError, Diagnostic, Diagnosis and DivergedEvent, `message = ...` texts, and
    the parameter problems of `graph_core.specs`; in the project, settings, data and
    generation modules also the errors they raise, the problems they list and the
    texts they return; each placeholder filled with a number."""

    def sample(node, joined: bool = False) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
        if joined and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "one of " + ", ".join(...)
            left, right = sample(node.left, joined), sample(node.right, joined)
            return None if left is None and right is None else (left or "7") + (right or "7")
        if joined and isinstance(node, ast.IfExp):  # ... + (" (a hint)" if ... else "")
            return sample(node.body, joined) or ""
        return None

    def samples(node) -> list[str | None]:
        """The texts of a message, a list of messages or a sum of lists (`problems + [...]`)."""
        if isinstance(node, (ast.List, ast.Tuple)):
            return [sample(element, True) for element in node.elts]
        if isinstance(node, ast.ListComp):
            return [sample(node.elt, True)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and not isinstance(node.left, ast.Constant):
            if any(isinstance(side, (ast.List, ast.ListComp)) for side in (node.left, node.right)):
                return samples(node.left) + samples(node.right)
        return [sample(node, True)]

    def name_of(func) -> str | None:
        return getattr(func, "id", None) or getattr(func, "attr", None)

    def targets(node) -> list[str]:
        return [getattr(t, "id", "") for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]

    found = []
    for path in sorted((ROOT / "graph_core").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        where = path.relative_to(ROOT)
        place = where.as_posix().removeprefix("graph_core/")
        loading = place.startswith(LOAD_ERROR_MODULES) and not place.startswith(INTERNAL_MODULES)
        for node in ast.walk(tree):
            texts = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CORE_MESSAGE_CALLS:
                texts = [sample(arg) for arg in node.args[:3]]
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "message" for t in node.targets):
                texts = [sample(node.value)]
            elif isinstance(node, ast.Return) and (path.name == "specs.py" or loading):
                texts = samples(node.value) if node.value is not None else []
            elif loading and isinstance(node, ast.Call) and name_of(node.func) in LOAD_ERROR_CALLS:
                texts = [text for arg in node.args[:1] for text in samples(arg)]
            elif loading and isinstance(node, ast.Call) and name_of(node.func) in ("append", "cell_error"):
                texts = [sample(arg) for arg in node.args[-1:]]
            elif loading and isinstance(node, (ast.Assign, ast.AugAssign)) and "problems" in targets(node):
                texts = samples(node.value)
            # Pieces with no words ('{name}: {problem}', '>= {min}') are filled with messages checked here.
            found += [
                (f"{where}:{node.lineno}", text) for text in texts if text and " " in text and not i18n.is_neutral(text)
            ]
    return found


def test_every_message_the_core_builds_reads_in_chinese():
    templates = core_message_templates()
    assert len(templates) > 50  # the walk found the core's messages
    missing = []
    for where, text in templates:
        translated = i18n.translate_text(text, "zh_CN")
        if not translated or i18n.english_words(translated):
            missing.append(f"{where}: {text[:100]!r}")
    assert missing == [], "\n".join(missing)


# ---- the Chinese font -------------------------------------------------------------------------


def font_tool():
    spec = importlib.util.spec_from_file_location("make_cjk_font", ROOT / "tools" / "make_cjk_font.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_chinese_font_has_every_character_of_the_translation_and_the_lessons(qapp):
    from PySide6.QtGui import QRawFont

    font = QRawFont(str(i18n.CJK_FONT), 16)
    assert font.isValid() and font.familyName() == i18n.CJK_FAMILY
    # The Chinese characters and punctuation; the rest (→, ×, ✓) come with the interface font.
    chinese = {c for c in font_tool().used_characters() if i18n.has_cjk(c)}
    assert len(chinese) > 500
    missing = sorted(c for c in chinese if not font.supportsCharacter(ord(c)))
    assert not missing, f"the font lacks {''.join(missing)!r}: run python tools/make_cjk_font.py"
    assert (ROOT / "assets" / "fonts" / "LICENSE-Apache-2.0.txt").stat().st_size > 10_000


def test_chinese_is_drawn_with_the_shipped_font_on_a_machine_without_cjk_fonts(tmp_path):
    """In a process whose font configuration holds no font at all, Chinese is drawn as
    real glyphs (each character a different picture, not the same empty box)."""
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts.conf").write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{tmp_path / 'fonts'}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    script = textwrap.dedent(
        """
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QColor, QImage, QPainter
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from app import i18n

        def pictures(text):
            found = []
            for character in text:
                image = QImage(40, 40, QImage.Format.Format_ARGB32)
                image.fill(QColor("white"))
                painter = QPainter(image)
                painter.setPen(QColor("black"))
                painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, character)
                painter.end()
                found.append(bytes(image.constBits()))
            return found

        text = "训练神经网络"
        assert i18n.system_cjk_families() == [], i18n.system_cjk_families()
        assert len(set(pictures(text))) == 1  # no font: every character the same box (or nothing)
        i18n.install_language("zh_CN")
        drawn = pictures(text)
        assert len(set(drawn)) == len(text), "the characters are not drawn apart"
        print("drawn with", i18n.ensure_cjk_font())
        """
    )
    env = {
        **{k: v for k, v in __import__("os").environ.items() if not k.startswith("FONTCONFIG")},
        "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"drawn with {i18n.CJK_FAMILY}" in result.stdout
