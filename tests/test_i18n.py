"""Languages: every text a user sees in Simplified Chinese when they choose it, every
layer, loss, optimizer and lesson explained in Chinese, and English back on request."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtWidgets import QGraphicsView, QMenu, QWidget

from app import i18n
from app.lessons.catalogue import load_lessons
from graph_core.project import list_examples

EXAMPLES = {example.name: example for example in list_examples()}
READY_TIMEOUT = 120_000


@pytest.fixture
def english_after():
    """Whatever a test switched to, the next test starts in English."""
    yield
    i18n.install_language("en")


@pytest.fixture
def ready_window(make_main_window, qtbot, english_after):
    """A window with the XOR example open and training ready (its panels built)."""
    window = make_main_window()
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
    return [(where, text) for where, text in found if text]


def untranslated(window) -> list[str]:
    allowed = set(window.document.graph.node_ids()) | {window.display_name}
    code = {id(window.code_view)} | {id(child) for child in window.code_view.findChildren(QWidget)}
    problems = []
    for where, text in visible_texts(window):
        words = i18n.english_words(text, allowed)
        if words:
            problems.append(f"{where}: {text[:90]!r} ({', '.join(words[:4])})")
    del code
    return sorted(set(problems))


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
    window.lessons.language_actions["zh_CN"].trigger()
    assert [action.text() for action in window.menuBar().actions()][:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"]
    assert window.training_dock.windowTitle() == "训练"
    assert window.actions["training_train"].text() == "训练(&T)"
    assert i18n.stored_language(window.settings) == "zh_CN"
    window.lessons.language_actions["en"].trigger()
    assert [action.text() for action in window.menuBar().actions()] == menus
    assert window.training_dock.windowTitle() == "Training"


def test_no_visible_string_lacks_a_translation_in_chinese(ready_window, qtbot):
    window = ready_window
    lessons = window.lessons
    for key in ("activations", "losses", "optimizers", "lr_finder", "diagnosis", "timeline"):
        lessons.lenses.open_lens(key)
    lessons.open_lesson("perceptron_mlp")
    window.show_node("out")
    lessons.show_start_page()
    lessons.set_language("zh_CN", remember=False)
    qtbot.wait(50)
    problems = untranslated(window)
    assert problems == [], "\n".join(problems)
