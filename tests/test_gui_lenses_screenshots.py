"""Screenshots of the start page, a lesson with its side panel and every lens dock, in
English and in Simplified Chinese, saved to tests/screenshots/ to be looked at. Without a
CJK font the Chinese ones show empty boxes; the test still writes them (CI has no font)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from PySide6.QtGui import QFontDatabase

from app import i18n
from app.lenses import LENSES
from graph_core.training.diagnosis import Diagnostician
from graph_core.training.events import DivergedEvent

SHOTS = Path(__file__).parent / "screenshots"
READY_TIMEOUT = 120_000
RUN_TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def has_cjk_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def save(widget, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / name
    assert widget.grab().save(str(path))
    return path


@pytest.mark.parametrize("language", ["en", "zh"])
def test_screenshots_of_the_start_page_a_lesson_and_every_lens(make_main_window, qtbot, language):
    window = make_main_window()
    window.resize(1440, 900)
    window.training.warm_up()
    qtbot.waitUntil(lambda: window.training.is_ready and window.training_views is not None, timeout=READY_TIMEOUT)
    lessons = window.lessons
    try:
        lessons.set_language("zh_CN" if language == "zh" else "en", remember=False)
        lessons.show_start_page()
        qtbot.wait(50)
        assert save(window, f"lesson_start_{language}.png").stat().st_size > 20_000

        lessons.open_lesson("neuron")
        window.document.project.training.update({"device": "cpu", "epochs": 25})
        lessons.lenses.open_lens("timeline")
        with qtbot.waitSignal(window.training.runFinished, timeout=RUN_TIMEOUT):
            window.actions["training_train"].trigger()
        window.training_views.flush()
        lessons.panel.go_to(2)
        window.views_dock.raise_()
        qtbot.wait(50)
        save(window, f"lesson_neuron_{language}.png")

        lessons.lenses._on_findings(Diagnostician().feed(DivergedEvent(4, 80, "The loss became NaN at step 80.")))
        assert lessons.lenses.find_lr()
        qtbot.waitUntil(lambda: lessons.lenses._sweep is None, timeout=RUN_TIMEOUT)
        window.show_node("neuron")
        for key in LENSES:
            dock = lessons.lenses.open_lens(key)
            dock.setFloating(True)  # a lens on its own, at a size that shows all of it
            dock.resize(920, 560)
            qtbot.wait(60)
            lessons.retranslator.apply(dock)
            assert save(dock, f"lenses_{key}_{language}.png").stat().st_size > 10_000
            dock.setFloating(False)
        if language == "zh":
            assert i18n.has_cjk(lessons.panel.title.text())
            if not has_cjk_font():
                pytest.skip("no CJK font here: the Chinese screenshots show boxes (install fonts-noto-cjk to see them)")
    finally:
        lessons.set_language("en", remember=False)
        lessons.lenses.stop()
        assert window.training.shutdown(30_000)
