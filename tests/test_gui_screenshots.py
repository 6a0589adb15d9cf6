"""Screenshots of the whole window with the launch example, light and dark, for people
to look at (tests/screenshots/); the test checks they were drawn at the promised size."""

from pathlib import Path

import pytest

from app.main import DEFAULT_EXAMPLE
from graph_core.project import list_examples

SCREENSHOTS = Path(__file__).parent / "screenshots"
SIZE = (1400, 900)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_main_window(make_main_window, app_settings, qtbot, theme):
    app_settings.theme = theme
    window = make_main_window(settings=app_settings, show=False)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    window.open_example(next(e for e in list_examples() if e.name == DEFAULT_EXAMPLE))
    window.show_node("fc2")
    window.canvas.fit_all()
    qtbot.waitUntil(lambda: "class Model" in window.code_view.text(), timeout=60_000)
    qtbot.waitUntil(lambda: window.inspector.node_id == "fc2")
    SCREENSHOTS.mkdir(exist_ok=True)
    image = window.grab().toImage()
    path = SCREENSHOTS / f"main_window_{theme}.png"
    assert image.save(str(path))
    assert (image.width(), image.height()) == SIZE
    colours = {image.pixel(x, y) for x in range(0, SIZE[0], 37) for y in range(0, SIZE[1], 23)}
    assert len(colours) > 20  # drawn, not a blank frame
