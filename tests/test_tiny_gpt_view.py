"""The tiny GPT in the window: the GPT view writes text from the current weights off the
GUI thread and shows each head's attention for the prompt (the causal triangle, or the
full square when it may look ahead); the lesson trains the example in the app and the
view follows the run; a text file of one's own comes in through the data panel."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from test_tiny_gpt import trained_bert, trained_example

from app.lessons.gpt_view import GPTView
from app.lessons.observers import language_frame
from app.theme import DARK, LIGHT, apply_theme
from graph_core.data.text import CORPORA

SHOTS = Path(__file__).parent / "screenshots"
READY_TIMEOUT = 120_000
RUN_TIMEOUT = 60_000
ALPHABET = set(CORPORA["grammar"].alphabet)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def trained():
    """The example trained briefly (shared with test_tiny_gpt.py): (model, bundle)."""
    trainer, _ = trained_example()
    return trainer.model, trainer.data


@pytest.fixture
def view(qtbot):
    made = GPTView()
    qtbot.addWidget(made)
    made.resize(980, 720)
    made.show()
    qtbot.waitExposed(made)
    yield made
    assert made.shutdown()


def written(qtbot, view, after: int = 0):
    """Wait for a generation newer than request `after` to be shown."""
    qtbot.waitUntil(lambda: view.generation is not None and view._shown_request > after, timeout=20_000)
    assert view.wait_idle()
    return view.generation


def test_the_view_writes_from_the_weights_it_is_given_in_the_corpus_alphabet(qtbot, view, trained):
    model, bundle = trained
    assert not view.generate_button.isEnabled()  # nothing to write with before a run
    view.set_frame(language_frame(model, bundle, epoch=4))
    assert view.prompt.text() == "the small "  # the corpus's own prompt
    text = written(qtbot, view)
    assert len(text.text) == view.length.value() == 80 and set(text.text) <= ALPHABET
    assert view.output.toPlainText().startswith("the small ")
    assert "Epoch 4" in view.status.text() and "80 characters in" in view.status.text()
    # Greedy from the button: the same text every time.
    view.temperature.setValue(0.0)
    view.length.setValue(30)
    request = view._requests
    view.generate_button.click()
    first = written(qtbot, view, request).text
    request = view._requests
    view.generate_button.click()
    assert written(qtbot, view, request).text == first
    assert "greedy" in view.status.text()


def test_text_is_written_off_the_gui_thread(qtbot, view, trained, monkeypatch):
    import graph_core.training.language as language

    threads = []
    original = language.generate

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(language, "generate", recording)
    model, bundle = trained
    view.set_frame(language_frame(model, bundle, epoch=1))
    written(qtbot, view)
    assert threads and all(thread is not threading.main_thread() for thread in threads)


def test_each_head_shows_the_causal_triangle_and_looking_ahead_fills_the_square(qtbot, view, trained):
    model, bundle = trained
    view.live.setChecked(False)
    view.set_frame(language_frame(model, bundle, epoch=4))
    view.prompt.setText("the big dogs ")
    assert [view.layer.itemText(i) for i in range(view.layer.count())] == ["block1", "block2"]
    assert len(view.heatmaps) == 4
    size = len("the big dogs ")
    blank = view.heatmaps[0].image.image[0, -1].copy()  # above the diagonal: masked
    for heatmap in view.heatmaps:
        image = heatmap.image.image
        assert image.shape == (size, size, 4)
        upper = np.triu(np.ones((size, size), dtype=bool), k=1)
        assert (image[upper] == blank).all() and not (image[~upper] == blank).all(axis=-1).all()
    assert "causal" in view.attention_note.text()
    assert [label for _, label in view.heatmaps[0].getAxis("bottom")._tickLevels[0]][:4] == ["t", "h", "e", "␣"]
    view.layer.setCurrentIndex(1)
    assert "block2" in view.attention_note.text()
    view.look_ahead.setChecked(True)
    assert "Look-ahead" in view.attention_note.text()
    upper_cells = view.heatmaps[0].image.image[np.triu(np.ones((size, size), dtype=bool), k=1)]
    assert not (upper_cells == blank).all(axis=-1).all()
    view.look_ahead.setChecked(False)
    # A character the model never saw: said where, nothing drawn from it.
    view.prompt.setText("the Zebra")
    assert "character 'Z' (position 5) is not in the vocabulary" in view.attention_note.text()
    request = view._requests
    view.generate()
    qtbot.waitUntil(lambda: view._shown_request > request, timeout=20_000)
    assert "'Z'" in view.status.text() and view.status.property("role") == "error"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_gpt_view(qtbot, view, trained, theme):
    from PySide6.QtWidgets import QApplication

    model, bundle = trained
    apply_theme(QApplication.instance(), DARK if theme == "dark" else LIGHT)
    try:
        view.set_theme(DARK if theme == "dark" else LIGHT)
        view.live.setChecked(False)
        view.set_frame(language_frame(model, bundle, epoch=4))
        view.temperature.setValue(0.5)
        view.prompt.setText("the big dogs ")
        request = view._requests
        view.generate(seed=3)
        written(qtbot, view, request)
        qtbot.wait(50)
        SHOTS.mkdir(exist_ok=True)
        name = "gpt_view.png" if theme == "light" else "gpt_view_dark.png"
        assert view.grab().save(str(SHOTS / name))
        assert (SHOTS / name).stat().st_size > 20_000
    finally:
        apply_theme(QApplication.instance(), LIGHT)


def test_a_masked_model_fills_in_hidden_characters_as_one_types(qtbot, view, trained):
    from PySide6.QtWidgets import QApplication

    apply_theme(QApplication.instance(), LIGHT)
    bert, _ = trained_bert()
    view.set_frame(language_frame(bert.model, bert.data, 6, "masked_language_model"))
    assert view.title.text() == "Tiny BERT" and view.generate_button.text() == "Fill in"
    assert view.temperature.isHidden() and view.live.isHidden() and view.look_ahead.isHidden()
    assert view.prompt.text() == "the sm_ll dog_ chase _ cat."
    assert [position for position, _ in view.filling.guesses] == [6, 13, 21]
    view.prompt.setText("a b_g fox")  # filled in as one types: one forward pass
    assert view.filling.prompt == "a b_g fox" and "1 hidden character filled in" in view.status.text()
    size = len("a b_g fox")
    upper = np.triu(np.ones((size, size), dtype=bool), k=1)
    assert view.pattern.labels[3] == "_" and "bidirectional" in view.attention_note.text()
    assert not (view.heatmaps[0].image.image[upper] == view.heatmaps[0].image.image[0, -1]).all()
    view.prompt.setText("the sm_ll dog_ chase _ cat.")
    qtbot.wait(50)  # the heatmaps' layout settles
    SHOTS.mkdir(exist_ok=True)
    assert view.grab().save(str(SHOTS / "gpt_view_masked.png"))
    # Back to a GPT: the writing controls return.
    model, gpt_bundle = trained
    view.set_frame(language_frame(model, gpt_bundle, 4))
    assert view.title.text() == "Tiny GPT" and not view.temperature.isHidden() and not view.look_ahead.isHidden()
    written(qtbot, view)


def test_in_chinese_every_text_of_the_view_is_translated(qtbot, trained):
    from PySide6.QtWidgets import QApplication, QWidget

    from app import i18n

    model, bundle = trained
    apply_theme(QApplication.instance(), LIGHT)  # the app's look, whatever ran before
    i18n.install_language("zh_CN")
    try:
        view = GPTView()
        qtbot.addWidget(view)
        view.resize(980, 720)
        view.show()
        view.live.setChecked(False)
        view.set_frame(language_frame(model, bundle, epoch=4))
        assert view.wait_idle()
        retranslator = i18n.Retranslator(view)
        retranslator.set_language("zh_CN")
        retranslator.apply(view)
        qtbot.waitUntil(lambda: view.generation is not None, timeout=20_000)
        problems = []
        for obj in retranslator._walk(view):
            if isinstance(obj, QWidget) and not obj.isVisibleTo(view):
                continue
            for name, get, _ in i18n._texts(obj):
                if obj is view.output or obj is view.prompt:
                    continue  # the model's own English text
                words = i18n.english_words(get(), ["block1", "block2"])
                if words:
                    problems.append(f"{type(obj).__name__}.{name}: {get()[:60]!r} {words[:3]}")
        assert problems == []
        assert view.generate_button.text() == "生成" and "第 4 轮" in view.status.text()
        SHOTS.mkdir(exist_ok=True)
        assert view.grab().save(str(SHOTS / "gpt_view_zh.png"))
        assert view.shutdown()
    finally:
        i18n.install_language("en")


# ---- in the window -----------------------------------------------------------------------------------


@pytest.fixture
def window(make_main_window, qtbot):
    made = make_main_window()
    made.training.warm_up()
    qtbot.waitUntil(lambda: made.training.is_ready and made.training_views is not None, timeout=READY_TIMEOUT)
    yield made
    made.lessons.lenses.stop()
    assert made.training.shutdown(30_000)


def test_the_lesson_trains_the_tiny_gpt_in_the_app_and_the_view_follows(window, qtbot):
    window.resize(1440, 900)
    assert window.lessons.open_lesson("tiny_gpt")
    project = window.document.project
    project.data["samples"] = 300
    project.training.update({"device": "cpu", "epochs": 2})
    window.training.settings_changed()
    with qtbot.waitSignal(window.training.runFinished, timeout=RUN_TIMEOUT):
        window.actions["training_train"].trigger()
    hub = window.lessons.lenses
    view = hub.widgets["gpt"]
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.epoch == 2, timeout=20_000)
    assert hub.docks["gpt"].isVisible()
    # "Write again as it trains": the last weights write too (the live timer catches up).
    qtbot.waitUntil(lambda: view._generation_epoch == 2, timeout=10_000)
    assert view.wait_idle() and set(view.generation.text) <= ALPHABET
    epochs = window.training.trainer.history
    assert epochs[-1].accuracy is not None and epochs[-1].accuracy > 0.2  # next-character accuracy
    target = window.lessons.resolver.resolve("dock:gpt")
    assert target.widget is hub.docks["gpt"]
    window.lessons.panel.go_to(3)
    qtbot.wait(50)
    assert window.grab().save(str(SHOTS / "gpt_lesson.png"))


def test_a_text_file_of_their_own_comes_in_through_the_data_panel(window, qtbot, tmp_path):
    window.open_example(next(e for e in _examples() if e.name == "tiny_gpt"))
    qtbot.waitUntil(lambda: window.training.bundle is not None, timeout=RUN_TIMEOUT)
    path = tmp_path / "poem.txt"
    path.write_text("roses are red,\nviolets are blue,\nsugar is sweet,\nand so are you.\n" * 40, encoding="utf-8")
    panel = window.training_panel.data_panel
    panel.ask_text_path = lambda: str(path)
    panel.dataset.setCurrentIndex(panel.dataset.findData("text_file"))
    with qtbot.waitSignal(window.training.dataReady, timeout=RUN_TIMEOUT) as loaded:
        panel.dataset.activated.emit(panel.dataset.currentIndex())
    bundle = loaded.args[0]
    assert window.document.project.data["text_file"] == {"path": str(path)}
    assert bundle.kind == "text" and set(bundle.tokenizer.alphabet) == set("".join(path.read_text()))
    assert panel.path_label.text() == str(path) and not panel.rows["context"].isHidden()
    # The head still scores the example's 25 characters: named before training.
    vocab = bundle.tokenizer.vocab_size
    qtbot.waitUntil(lambda: f"out_features to {vocab}" in window.training_panel.check_label.text(), timeout=10_000)
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    panel.ask_text_path = lambda: str(binary)
    with qtbot.waitSignal(window.training.dataFailed, timeout=RUN_TIMEOUT) as failed:
        panel.choose_file("text_file")
    assert "photo.txt is not plain text" in failed.args[0]


def _examples():
    from graph_core.project import list_examples

    return list_examples()
