"""Screenshots of the live training views fed with real runs of the engine (spiral, the
digits CNN, a sine fit), light and dark, saved to tests/screenshots/views_*.png for
people to look at; the assertions check that each picture has its content."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget
from test_training_views import FakeController

from app.canvas import CanvasView
from app.document import Document
from app.theme import DARK, LIGHT, apply_theme
from app.training.views import DataPreview, TrainingViews
from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.project import EXAMPLES_DIR, load_project, project_from_dict
from graph_core.training import EpochEvent, StepEvent, Trainer, TrainingConfig
from graph_core.training.snapshot import SnapshotOptions, misclassified_examples, take_snapshot

SHOTS = Path(__file__).parent / "screenshots"
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
VIEWS_SIZE = (1300, 440)  # about the live-views dock under a 1080p window's canvas


@dataclass
class RecordedRun:
    """A real training run, recorded as the controller would pass it on."""

    info: dict
    events: list = field(default_factory=list)
    snapshot: Any = None
    result: Any = None
    model: Any = None


def record(project, bundle, label: str, run_id: int, **training) -> RecordedRun:
    settings = dict(project.training) | {"device": "cpu"} | training
    config = TrainingConfig.from_dict(settings)
    model = compile_graph(project.graph, seed=0)
    events: list = []
    threads = torch.get_num_threads()
    try:
        # One thread: tiny networks train fastest so, and steadily on a busy machine.
        trainer = Trainer(model, bundle, config, on_event=events.append, num_threads=1)
        finished = trainer.run()
    finally:
        torch.set_num_threads(threads)  # the setting is process-wide
    info = {
        "run_id": run_id,
        "label": label,
        "task": bundle.task,
        "num_classes": bundle.num_classes,
        "class_names": bundle.class_names,
        "kind": bundle.kind,
        "device": "cpu",
        "epochs": config.epochs,
        "steps_per_epoch": trainer.steps_per_epoch,
    }
    snapshot = take_snapshot(model, bundle, SnapshotOptions(loss=config.loss), epoch=finished.epoch, step=finished.step)
    result = SimpleNamespace(
        run_id=run_id,
        reason=finished.reason,
        epoch=finished.epoch,
        step=finished.step,
        test=finished.test,
        message=finished.message,
        misclassified=misclassified_examples(model, bundle),
    )
    return RecordedRun(info, events, snapshot, result, model)


def replay(controller: FakeController, run: RecordedRun) -> None:
    """Emit a recorded run the way the controller batches it: steps, then the epoch."""
    controller.runStarted.emit(run.info)
    rows = []
    for event in run.events:
        if isinstance(event, StepEvent):
            rows.append((event.step, event.train_loss, event.lr))
        elif isinstance(event, EpochEvent):
            controller.stepsReady.emit(rows)
            rows = []
            controller.epochEnded.emit(event)
    controller.snapshotReady.emit(run.snapshot)
    controller.runFinished.emit(run.result)


@pytest.fixture(scope="module")
def spiral_runs():
    project = load_project(EXAMPLES_DIR / "mlp_spiral.nlproj")
    bundle = load_dataset(project.data)
    # Plain SGD creeps; Adam with bigger batches untangles the spiral within 300 epochs.
    slow = record(project, bundle, "SGD lr 0.1", 1, optimizer="SGD", lr=0.1, batch_size=32, epochs=150)
    fast = record(project, bundle, "Adam lr 0.03 · batch 128", 2, lr=0.03, batch_size=128, epochs=300)
    return project, bundle, [slow, fast]


@pytest.fixture(scope="module")
def digits_run():
    project = load_project(EXAMPLES_DIR / "cnn_digits.nlproj")
    bundle = load_dataset(project.data)
    return project, bundle, record(project, bundle, "Adam lr 0.003", 1, epochs=4)


@pytest.fixture(scope="module")
def sine_run():
    doc = json.loads((EXAMPLES_DIR / "mlp_spiral.nlproj").read_text("utf-8"))
    nodes = doc["graph"]["nodes"]
    nodes[0]["params"]["shape"] = [1]
    nodes[1]["params"]["out_features"] = nodes[3]["params"]["out_features"] = 24
    nodes[5]["params"]["out_features"] = 1
    doc["data"] = {"dataset": "sine", "samples": 400, "noise": 0.1, "seed": 0}
    doc["training"] |= {"loss": "MSELoss", "lr": 0.01, "batch_size": 32, "epochs": 80}
    project = project_from_dict(doc)
    bundle = load_dataset(project.data)
    return project, bundle, record(project, bundle, "Adam lr 0.01", 1)


@pytest.fixture
def themed(qapp):
    """Apply a theme to the app for one test; light again afterwards."""
    applied = []

    def apply(theme):
        apply_theme(qapp, theme)
        applied.append(theme)

    yield apply
    if applied:
        apply_theme(qapp, LIGHT)


def show_views(qtbot, controller, canvas=None, size=VIEWS_SIZE) -> TrainingViews:
    views = TrainingViews(controller, canvas)
    qtbot.addWidget(views)
    views.resize(*size)
    views.show()
    qtbot.waitExposed(views)
    return views


def show_canvas(qtbot, project, theme) -> CanvasView:
    canvas = CanvasView(Document.from_project(project))
    qtbot.addWidget(canvas)
    canvas.set_theme(theme.canvas)
    canvas.resize(1500, 400)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.fit_all()
    return canvas


def save(widget: QWidget, name: str) -> QImage:
    QApplication.processEvents()
    image = widget.grab().toImage()
    SHOTS.mkdir(exist_ok=True)
    assert image.save(str(SHOTS / name))
    return image


def assert_has_content(image: QImage, background: str, at: tuple[int, int] | None = None) -> None:
    colours = {image.pixel(x, y) for x in range(0, image.width(), 6) for y in range(0, image.height(), 6)}
    assert len(colours) > 60  # plots, text and pictures, not an empty panel
    if at is not None:
        assert abs(image.pixelColor(*at).lightness() - QColor(background).lightness()) < 30


@THEMES
def test_screenshot_of_spiral_training_with_two_runs_overlaid(qtbot, themed, spiral_runs, theme):
    themed(theme)
    project, bundle, runs = spiral_runs
    controller = FakeController()
    canvas = show_canvas(qtbot, project, theme)
    views = show_views(qtbot, controller, canvas)
    controller.dataReady.emit(bundle)
    for run in runs:
        replay(controller, run)
    views.flush()
    views.curves.show_readout(240.0)
    assert [run.current for run in views.curves.runs] == [False, True]
    assert views.boundary.image.image is not None
    image = save(views, f"views_spiral_{theme.name}.png")
    assert_has_content(image, theme.list_bg)
    assert views.metrics.cards["Accuracy"].text().endswith("%")
    shot = save(canvas, f"views_spiral_canvas_{theme.name}.png")
    assert_has_content(shot, theme.canvas_bg, at=(3, 3))
    assert canvas.scene().node_item("fc1")._preview is not None
    controller.deleteLater()


@THEMES
def test_screenshot_of_the_digits_cnn_metrics_and_feature_maps(qtbot, themed, digits_run, theme):
    themed(theme)
    project, bundle, run = digits_run
    controller = FakeController()
    canvas = show_canvas(qtbot, project, theme)
    views = show_views(qtbot, controller, canvas)
    controller.dataReady.emit(bundle)
    replay(controller, run)
    views.flush()
    assert views.boundary.isHidden()  # images have no plane: the curves take the width
    save(views, f"views_digits_curves_{theme.name}.png")
    views.show_page("metrics")
    image = save(views, f"views_digits_metrics_{theme.name}.png")
    assert_has_content(image, theme.list_bg)
    assert len(views.metrics.count_items) == 100
    assert views.metrics.examples_grid.count() == len(run.result.misclassified)
    canvas.set_zoom(1.0)  # nine nodes fitted are small: show the first layers at full size
    canvas.center_on_node("relu1")
    shot = save(canvas, f"views_digits_canvas_{theme.name}.png")
    assert_has_content(shot, theme.canvas_bg, at=(3, 3))
    assert set(views.previews.images) >= {"conv1", "pool2", "out"}
    controller.deleteLater()


@THEMES
def test_screenshot_of_a_sine_curve_fit(qtbot, themed, sine_run, theme):
    themed(theme)
    project, bundle, run = sine_run
    controller = FakeController()
    controller.bundle, controller.model = bundle, run.model
    canvas = show_canvas(qtbot, project, theme)
    views = show_views(qtbot, controller, canvas)
    controller.dataReady.emit(bundle)
    replay(controller, run)
    views.flush()
    x, y = views.boundary.prediction.getOriginalDataset()
    assert len(x) == run.snapshot.boundary.shape[0]
    image = save(views, f"views_sine_{theme.name}.png")
    assert_has_content(image, theme.list_bg)
    views.show_page("metrics")
    save(views, f"views_sine_metrics_{theme.name}.png")
    assert len(views.metrics.scatter.data) == len(bundle.x_test)
    save(canvas, f"views_sine_canvas_{theme.name}.png")
    controller.deleteLater()


@THEMES
def test_screenshot_of_data_previews(qtbot, themed, theme):
    themed(theme)
    strip = QWidget()
    qtbot.addWidget(strip)
    row = QHBoxLayout(strip)
    configs = [
        {"dataset": "spiral"},
        {"dataset": "blobs4"},
        {"dataset": "digits", "layout": "image"},
        {"dataset": "sine_forecast"},
    ]
    previews = []
    for config in configs:
        preview = DataPreview()
        preview.set_bundle(load_dataset(config))
        row.addWidget(preview)
        previews.append(preview)
    strip.resize(1400, 300)
    strip.show()
    qtbot.waitExposed(strip)
    image = save(strip, f"views_data_preview_{theme.name}.png")
    assert_has_content(image, theme.panel)
    assert [p.mode for p in previews] == ["points", "points", "images", "sequence"]
