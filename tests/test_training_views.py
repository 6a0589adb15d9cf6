"""User stories for the live training views: a fake controller emits the real
controller's signals, and the curves, the boundary, the canvas previews, the metrics
and the data preview show what arrived."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from app.canvas import CanvasView
from app.commands import AddNodeCommand, ConnectCommand
from app.document import Document
from app.theme import DARK, LIGHT, apply_theme
from app.training.views import BoundaryView, CurvesView, DataPreview, MetricsView, PreviewPainter, TrainingViews
from app.training.views.curves import EPOCHS, ERROR_RATE, STEPS
from app.training.views.previews import (
    PREVIEW_SIZE,
    feature_map_image,
    histogram_image,
    preview_size,
    tile_layout,
    unit_curves_image,
    unit_grid_image,
)
from app.training.views.style import BLUE, ORANGE, class_color, plot_colors
from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.training.events import EpochEvent, FinishedEvent
from graph_core.training.metrics import classification_metrics, regression_metrics
from graph_core.training.snapshot import Misclassified, Snapshot, SnapshotOptions, take_snapshot


# ---- a fake controller and small builders ------------------------------------------------------
class FakeController(QObject):
    """Emits what `app.training.controller.TrainingController` emits, nothing more."""

    runStarted = Signal(object)
    stepsReady = Signal(object)
    epochEnded = Signal(object)
    snapshotReady = Signal(object)
    dataReady = Signal(object)
    runFinished = Signal(object)
    metricsReady = Signal(object)
    dataFailed = Signal(str)
    projectReplaced = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.bundle = None
        self.model = None
        self.trainer = None
        self.metric_requests = 0

    def request_metrics(self) -> None:
        self.metric_requests += 1


@pytest.fixture
def controller():
    fake = FakeController()
    yield fake
    fake.deleteLater()


@pytest.fixture(scope="module")
def spiral():
    return load_dataset({"dataset": "spiral"})


@pytest.fixture(scope="module")
def digits():
    return load_dataset({"dataset": "digits", "layout": "image"})


@pytest.fixture(scope="module")
def forecast():
    return load_dataset({"dataset": "sine_forecast"})


def run_info(run_id: int = 1, label: str = "Adam lr 0.01", task: str = "classification", **extra) -> dict:
    info = {"run_id": run_id, "label": label, "task": task, "num_classes": 2, "class_names": ["negative", "positive"]}
    return info | {"kind": "points2d", "device": "cpu", "steps_per_epoch": 10, "epochs": 20} | extra


def epoch_event(epoch: int, steps_per_epoch: int = 10, val: float | None = 0.5, accuracy: float | None = 0.8):
    loss = 1.0 / (epoch + 1)
    return EpochEvent(
        epoch=epoch,
        epochs=20,
        step=epoch * steps_per_epoch,
        train_loss=loss,
        val_loss=val,
        accuracy=accuracy,
        error_rate=None if accuracy is None else 1 - accuracy,
        lr=0.01,
        grad_norms={},
        samples_per_sec=1000.0,
        elapsed=1.0,
        eta=1.0,
    )


def step_rows(first: int, count: int, lr: float = 0.01) -> list[tuple[int, float, float]]:
    return [(step, 1.0 / step, lr) for step in range(first, first + count)]


def train_epochs(controller: FakeController, epochs: int, steps_per_epoch: int = 10) -> None:
    for epoch in range(1, epochs + 1):
        controller.stepsReady.emit(step_rows((epoch - 1) * steps_per_epoch + 1, steps_per_epoch))
        controller.epochEnded.emit(epoch_event(epoch, steps_per_epoch))


def curve_length(curve) -> int:
    x, _ = curve.getOriginalDataset()
    return 0 if x is None else len(x)


def make_views(qtbot, controller, canvas=None) -> TrainingViews:
    views = TrainingViews(controller, canvas)
    qtbot.addWidget(views)
    return views


def small_document() -> Document:
    doc = Document.new()
    nodes = [
        ("Input", "x", {"shape": [2]}),
        ("Linear", "fc", {"out_features": 4}),
        ("Tanh", "act", {}),
        ("Linear", "out", {"out_features": 2}),
    ]
    for type_name, node_id, params in nodes:
        doc.try_push(AddNodeCommand(doc.graph, type_name, (0, 0), params, node_id))
    for src, dst in [("x", "fc"), ("fc", "act"), ("act", "out")]:
        doc.try_push(ConnectCommand(doc.graph, src, dst))
    return doc


def canvas_for(qtbot, doc: Document) -> CanvasView:
    canvas = CanvasView(doc)
    qtbot.addWidget(canvas)
    return canvas


def mean_color(image: QImage) -> QColor:
    small = image.scaled(1, 1)
    return small.pixelColor(0, 0)


# ---- curves ------------------------------------------------------------------------------------------------
def test_steps_and_epochs_from_the_controller_fill_the_curves(qtbot, controller):
    views = make_views(qtbot, controller)
    controller.runStarted.emit(run_info())
    train_epochs(controller, 3)
    views.flush()
    run = views.curves.current_run
    assert run.label == "Adam lr 0.01"
    assert curve_length(run.curves["raw"]) == 30
    assert curve_length(run.curves["train"]) == 3
    assert curve_length(run.curves["val"]) == 3
    assert curve_length(run.curves["metric"]) == 3
    x, y = run.curves["metric"].getOriginalDataset()
    assert np.allclose(y, 80.0)  # accuracy in percent
    x, _ = run.curves["raw"].getOriginalDataset()
    assert x[-1] == pytest.approx(3.0)  # step 30 of 10 per epoch is the end of epoch 3


def test_a_burst_of_signals_is_drawn_by_the_redraw_timer(qtbot, controller):
    views = make_views(qtbot, controller)
    controller.runStarted.emit(run_info())
    train_epochs(controller, 5)
    raw = views.curves.current_run.curves["raw"]
    qtbot.waitUntil(lambda: curve_length(raw) == 50, timeout=2000)


def test_epochs_without_validation_leave_gaps_out_of_the_validation_curve(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info())
    for epoch in range(1, 5):
        curves.add_epoch(epoch_event(epoch, val=0.4 if epoch % 2 else None))
    curves.redraw()
    run = curves.current_run
    assert curve_length(run.curves["train"]) == 4
    assert curve_length(run.curves["val"]) == 2


def test_a_new_run_keeps_the_last_one_overlaid_in_a_muted_colour(qtbot, controller):
    views = make_views(qtbot, controller)
    controller.runStarted.emit(run_info(1, "SGD lr 0.1"))
    train_epochs(controller, 2)
    controller.runStarted.emit(run_info(2, "Adam lr 0.01"))
    train_epochs(controller, 1)
    views.flush()
    curves = views.curves
    first, second = curves.runs
    assert (first.label, second.label) == ("SGD lr 0.1", "Adam lr 0.01")
    assert not first.current and second.current
    assert curve_length(first.curves["train"]) == 2  # the old run's data stays
    assert curve_length(second.curves["train"]) == 1
    old_pen, new_pen = first.curves["train"].opts["pen"], second.curves["train"].opts["pen"]
    assert old_pen.color().alpha() < 255 and old_pen.widthF() < new_pen.widthF()
    assert old_pen.color().rgb() != new_pen.color().rgb()  # each run has its own hue
    assert not first.curves["raw"].isVisible()  # kept runs show their epoch curves only
    labels = [label.text for _, label in curves.legend.items]
    assert labels == ["SGD lr 0.1", "Adam lr 0.01", "validation"]


def test_without_keep_runs_a_new_run_replaces_the_old_one(qtbot, controller):
    views = make_views(qtbot, controller)
    controller.runStarted.emit(run_info(1))
    train_epochs(controller, 2)
    views.curves.keep_runs_box.setChecked(False)
    controller.runStarted.emit(run_info(2))
    views.flush()
    assert [run.run_id for run in views.curves.runs] == ["2"]
    assert len(views.curves.loss_plot.listDataItems()) == 3  # raw, train and validation of one run


def test_opening_another_project_drops_every_run_kept_ones_too(qtbot, controller):
    views = make_views(qtbot, controller)
    assert views.curves.keep_runs_box.isChecked()
    for run_id in (1, 2):
        controller.runStarted.emit(run_info(run_id))
        train_epochs(controller, 2)
    views.flush()
    assert len(views.curves.runs) == 2
    controller.projectReplaced.emit()
    assert views.curves.runs == [] and views.curves.loss_plot.listDataItems() == []
    assert [label.text for _, label in views.curves.legend.items] == []
    controller.runStarted.emit(run_info(3))  # the new project's first run starts afresh
    train_epochs(controller, 1)
    views.flush()
    assert [run.run_id for run in views.curves.runs] == ["3"]


def test_unticking_keep_runs_hides_earlier_runs_and_ticking_shows_them(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info(1))
    curves.add_epoch(epoch_event(1))
    curves.start_run(run_info(2))
    curves.set_keep_runs(False)
    assert not curves.runs[0].curves["train"].isVisible()
    curves.set_keep_runs(True)
    assert curves.runs[0].curves["train"].isVisible()


def test_clear_forgets_earlier_runs_and_empties_the_current_one(qtbot, controller):
    views = make_views(qtbot, controller)
    controller.runStarted.emit(run_info(1))
    train_epochs(controller, 2)
    controller.runStarted.emit(run_info(2))
    train_epochs(controller, 2)
    views.curves.clear_button.click()
    assert len(views.curves.runs) == 1
    assert curve_length(views.curves.current_run.curves["train"]) == 0
    controller.epochEnded.emit(epoch_event(3))  # training goes on into the same run
    views.flush()
    assert curve_length(views.curves.current_run.curves["train"]) == 1


def test_the_same_run_id_continues_the_run(qtbot, controller):
    views = make_views(qtbot, controller)
    controller.runStarted.emit(run_info(7))
    train_epochs(controller, 2)
    controller.runStarted.emit(run_info(7, "Adam lr 0.01 · edited"))
    views.flush()
    assert len(views.curves.runs) == 1
    assert views.curves.current_run.label == "Adam lr 0.01 · edited"
    assert curve_length(views.curves.current_run.curves["train"]) == 2


def test_log_scale_toggles_the_loss_axis(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info())
    curves.add_steps(step_rows(1, 100))
    curves.redraw()
    raw = curves.current_run.curves["raw"]
    curves.log_scale_box.setChecked(True)
    assert curves.loss_plot.getAxis("left").logMode
    _, shown = raw.getData()
    assert shown.min() < 0  # 1/step drawn as log10: negative
    (_, _), (y0, y1) = curves.loss_plot.getViewBox().viewRange()
    assert y0 <= np.log10(1 / 100) and y1 >= 0  # the range was refit in log units
    curves.log_scale_box.setChecked(False)
    assert not curves.loss_plot.getAxis("left").logMode
    assert raw.getData()[1].min() > 0


def test_the_x_axis_switches_between_epochs_and_steps(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info(steps_per_epoch=20))
    curves.add_steps(step_rows(1, 40))
    curves.add_epoch(epoch_event(2, steps_per_epoch=20))
    curves.redraw()
    run = curves.current_run
    assert run.curves["raw"].getOriginalDataset()[0][-1] == pytest.approx(2.0)
    curves.set_x_axis(STEPS)
    assert run.curves["raw"].getOriginalDataset()[0][-1] == 40
    assert run.curves["train"].getOriginalDataset()[0][-1] == 40
    assert curves.lr_plot.getAxis("bottom").labelText == "step"
    curves.set_x_axis(EPOCHS)
    assert run.curves["train"].getOriginalDataset()[0][-1] == 2


def test_steps_wait_for_the_epoch_length_when_the_run_did_not_say_it(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info(steps_per_epoch=None))
    curves.add_steps(step_rows(1, 5))
    curves.redraw()
    assert curve_length(curves.current_run.curves["raw"]) == 0  # epochs unknown yet
    curves.add_epoch(epoch_event(1, steps_per_epoch=5))
    curves.redraw()
    assert curve_length(curves.current_run.curves["raw"]) == 5


def test_hovering_reads_out_the_values_under_the_crosshair(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info())
    for epoch in (1, 2, 3):
        curves.add_steps(step_rows((epoch - 1) * 10 + 1, 10))
        curves.add_epoch(epoch_event(epoch))
    curves.redraw()
    text = curves.show_readout(2.02)
    assert "Adam lr 0.01" in text and "epoch 2" in text
    assert "loss 0.3333" in text and "val 0.5" in text and "accuracy 80.0%" in text
    assert "step 20" in text and "lr 0.01" in text
    assert all(line.isVisible() for line in curves._cross)
    curves.hide_readout()
    assert not any(line.isVisible() for line in curves._cross)


def test_the_error_rate_can_replace_accuracy(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info())
    curves.add_epoch(epoch_event(1, accuracy=0.9))
    curves.redraw()
    curves.metric_box.setCurrentIndex(curves.metric_box.findData(ERROR_RATE))
    _, y = curves.current_run.curves["metric"].getOriginalDataset()
    assert y[0] == pytest.approx(10.0)
    assert "error rate" in curves.metric_plot.getAxis("left").labelText


def test_a_regression_run_has_no_accuracy_plot(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info(task="regression"))
    curves.add_epoch(epoch_event(1, accuracy=None))
    curves.redraw()
    assert curves.metric_widget.isHidden() and curves.metric_box.isHidden()


def test_the_learning_rate_is_kept_as_its_corners(qtbot):
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.start_run(run_info())
    curves.add_steps(step_rows(1, 500, lr=0.1))
    curves.add_steps(step_rows(501, 500, lr=0.05))
    curves.redraw()
    x, y = curves.current_run.curves["lr"].getOriginalDataset()
    assert list(y) == [0.1, 0.1, 0.05, 0.05]  # a step schedule: four points, not 1,000
    assert list(x) == pytest.approx([0.1, 50.0, 50.1, 100.0])


def test_long_runs_stay_cheap_to_update(qtbot):
    """20,000 steps in 500 updates: the curves are made once and fed with setData, the
    drawn points are clipped and downsampled to about the plot's width, and the axes
    move in a few big steps instead of on every update (which would re-lay them out)."""
    curves = CurvesView()
    qtbot.addWidget(curves)
    curves.resize(800, 500)
    curves.show()
    qtbot.waitExposed(curves)
    curves.start_run(run_info(steps_per_epoch=100, epochs=200))
    run = curves.current_run
    items_before = list(curves.loss_plot.listDataItems())
    range_changes = []
    curves.loss_plot.getViewBox().sigXRangeChanged.connect(lambda *args: range_changes.append(1))
    curves.loss_plot.getViewBox().sigYRangeChanged.connect(lambda *args: range_changes.append(1))
    rng = np.random.default_rng(0)
    for update in range(500):
        first = update * 40 + 1
        rows = [
            (s, 0.7 * np.exp(-s / 5000) * (1 + 0.3 * rng.standard_normal()) + 0.02, 0.01)
            for s in range(first, first + 40)
        ]
        curves.add_steps(rows)
        if update % 5 == 4:
            curves.add_epoch(epoch_event((update + 1) // 5, steps_per_epoch=40))
        curves.redraw()
    assert curves.loss_plot.listDataItems() == items_before  # no curve was added
    assert run.curves["raw"] is items_before[0]
    assert curve_length(run.curves["raw"]) == 20_000
    shown_x, _ = run.curves["raw"].getData()
    width = curves.loss_plot.getViewBox().width()
    assert len(shown_x) <= 3 * width  # downsampled: ~2 points a pixel, not 20,000
    assert run.curves["raw"].opts["clipToView"] and run.curves["raw"].opts["autoDownsample"]
    assert len(range_changes) < 25  # out of 500 updates


# ---- boundary ------------------------------------------------------------------------------------------
def plane_snapshot(values: np.ndarray, kind: str = "probability", domain=((-6.0, 6.0), (-6.0, 6.0))) -> Snapshot:
    return Snapshot(epoch=1, step=10, boundary=values, boundary_kind=kind, domain=domain)


def test_the_decision_boundary_is_an_image_over_the_domain_under_the_points(qtbot, spiral):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_bundle(spiral)
    assert view.train_points.data.size == len(spiral.points_train)
    assert view.test_points.data.size == len(spiral.points_test)
    xs = np.linspace(-6, 6, 60)
    probability = np.tile((xs > 0).astype(np.float32), (60, 1))  # class 1 on the right half
    view.set_snapshot(plane_snapshot(probability))
    image = view.image.image
    assert image.shape[:2] == (240, 240) and image.shape[2] == 4  # 60x60 smoothed 4x
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert (rect.left(), rect.top(), rect.width(), rect.height()) == pytest.approx((-6, -6, 12, 12))
    left, right = QColor(*image[120, 10, :3]), QColor(*image[120, 230, :3])
    assert left.red() > left.blue() and right.blue() > right.red()  # orange left, blue right
    assert view.title.text() == "DECISION BOUNDARY"


def test_the_test_points_can_be_hidden(qtbot, spiral):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_bundle(spiral)
    view.show_test_box.setChecked(False)
    assert not view.test_points.isVisible() and view.train_points.isVisible()
    view.show_test_box.setChecked(True)
    assert view.test_points.isVisible()


def test_several_classes_are_painted_in_their_colours_paler_where_unsure(qtbot):
    bundle = load_dataset({"dataset": "spiral3"})
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_bundle(bundle)
    classes = np.full((40, 40), 2.0, dtype=np.float32)
    confidence = np.full((40, 40), 0.99, dtype=np.float32)
    confidence[:, :20] = 0.34  # a guess among three
    view.set_snapshot(plane_snapshot(np.stack([classes, confidence], axis=-1), "class"))
    image = view.image.image
    sure, unsure = QColor(*image[100, 200, :3]), QColor(*image[100, 10, :3])
    green = class_color(2)
    assert sure.green() > sure.red() and sure.green() > sure.blue()
    assert abs(unsure.hue() - green.hue()) > 30 or unsure.saturation() < 40  # near neutral


def test_a_regression_surface_uses_the_diverging_colours(qtbot):
    bundle = load_dataset({"dataset": "plane"})
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_bundle(bundle)
    values = np.tile(np.linspace(-1, 1, 50, dtype=np.float32), (50, 1))
    view.set_snapshot(plane_snapshot(values, "value"))
    image = view.image.image
    low, high = QColor(*image[100, 2, :3]), QColor(*image[100, -3, :3])
    assert low.hue() == pytest.approx(QColor(ORANGE).hue(), abs=15)
    assert high.hue() == pytest.approx(QColor(BLUE).hue(), abs=15)
    assert view.title.text() == "REGRESSION SURFACE"


def test_curve_data_shows_the_networks_prediction_over_the_samples(qtbot):
    bundle = load_dataset({"dataset": "sine"})
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_bundle(bundle)
    assert view.train_points.data.size == len(bundle.x_train)
    prediction = np.sin(np.linspace(-np.pi, np.pi, 60)).astype(np.float32)
    view.set_snapshot(Snapshot(1, 5, boundary=prediction, boundary_kind="curve", domain=bundle.domain))
    x, y = view.prediction.getOriginalDataset()
    assert len(x) == 60 and x[0] == pytest.approx(-np.pi) and x[-1] == pytest.approx(np.pi)
    assert np.allclose(y, prediction)
    assert view.title.text() == "FITTED CURVE" and view.prediction.isVisible() is True


def test_data_without_a_plane_gets_a_note_and_the_curves_take_the_width(qtbot, controller, digits):
    views = make_views(qtbot, controller)
    controller.dataReady.emit(digits)
    assert views.boundary.pages.currentWidget() is views.boundary.note
    assert "images" in views.boundary.note.text()
    assert views.boundary.isHidden()
    controller.dataReady.emit(load_dataset({"dataset": "xor"}))
    assert not views.boundary.isHidden()


def test_a_gan_or_diffusion_run_on_the_plane_gets_no_class_boundary(qtbot, controller):
    """Their networks draw points (their own view shows them): a boundary between the
    data's classes would tell the learner something the network never computed."""
    views = make_views(qtbot, controller)
    moons = load_dataset({"dataset": "moons"})
    controller.dataReady.emit(moons)
    assert not views.boundary.isHidden()
    for mode in ("diffusion", "gan"):
        controller.runStarted.emit({"run_id": 1, "label": mode, "kind": "points2d", "mode": mode})
        assert views.boundary.isHidden()
    controller.runStarted.emit({"run_id": 2, "label": "Adam", "kind": "points2d", "mode": "supervised"})
    assert not views.boundary.isHidden()
    controller.document = SimpleNamespace(project=SimpleNamespace(training={"mode": "diffusion"}))
    controller.dataReady.emit(moons)  # before any run: the project's mode decides
    assert views.boundary.isHidden()


# ---- canvas previews ----------------------------------------------------------------------------------
@pytest.fixture
def plane_net():
    doc = small_document()
    bundle = load_dataset({"dataset": "xor"})
    model = compile_graph(doc.graph, seed=0)
    yield doc, bundle, model
    doc.deleteLater()


def test_snapshots_put_a_picture_on_every_node_of_the_canvas(qtbot, plane_net):
    doc, bundle, model = plane_net
    canvas = canvas_for(qtbot, doc)
    painter = PreviewPainter(canvas)
    snapshot = take_snapshot(model, bundle, SnapshotOptions(resolution=30))
    painter.apply(snapshot)
    scene = canvas.scene()
    # Pictures have the pixels the screen shows: at 100 % half the zoomed-in size.
    canvas.resetTransform()
    painter.apply(snapshot)
    for node_id in ("x", "fc", "act", "out"):
        preview = scene.node_item(node_id)._preview  # the node keeps the image it draws
        assert isinstance(preview, QImage) and (preview.width(), preview.height()) == preview_size(1.0)
        assert painter.images[node_id] is preview
    assert preview_size(1.0) == (PREVIEW_SIZE[0] // 2, PREVIEW_SIZE[1] // 2)
    canvas.scale(2.5, 2.5)
    painter.apply(snapshot)
    assert all(
        (scene.node_item(node_id)._preview.width(), scene.node_item(node_id)._preview.height()) == PREVIEW_SIZE
        for node_id in ("x", "fc", "act", "out")
    )
    # Edges into nodes with weights are styled by their size; others keep the theme.
    styled = {(e.edge.src, e.edge.dst) for e in scene.edge_items() if e._weight_pen is not None}
    assert styled == {("x", "fc"), ("act", "out")}
    painter.clear()
    assert all(scene.node_item(n)._preview is None for n in ("x", "fc", "act", "out"))
    assert all(e._weight_pen is None for e in scene.edge_items())


def test_the_toggles_take_previews_and_weights_off_and_back_on(qtbot, controller, plane_net):
    doc, bundle, model = plane_net
    canvas = canvas_for(qtbot, doc)
    views = make_views(qtbot, controller, canvas)
    controller.dataReady.emit(bundle)
    controller.snapshotReady.emit(take_snapshot(model, bundle, SnapshotOptions(resolution=20)))
    views.flush()
    fc, edge = canvas.scene().node_item("fc"), canvas.scene().edge_items()[0]
    assert fc._preview is not None
    views.edge_weights_box.setChecked(False)
    assert all(e._weight_pen is None for e in canvas.scene().edge_items()) and fc._preview is not None
    views.node_previews_box.setChecked(False)
    assert fc._preview is None
    views.node_previews_box.setChecked(True)
    views.edge_weights_box.setChecked(True)
    assert fc._preview is not None and any(e._weight_pen is not None for e in canvas.scene().edge_items())
    assert edge.scene() is canvas.scene()


def test_canvas_previews_are_throttled_while_the_boundary_keeps_up(qtbot, controller, plane_net):
    doc, bundle, model = plane_net
    canvas = canvas_for(qtbot, doc)
    views = make_views(qtbot, controller, canvas)
    controller.dataReady.emit(bundle)
    painted = []
    views.previews.apply = painted.append  # count what reaches the canvas
    # The canvas's turn comes when the test says (PREVIEW_MS is tens of milliseconds: on
    # a loaded machine the waits below may take longer than that).
    views._preview_timer.setInterval(60_000)
    first = take_snapshot(model, bundle, SnapshotOptions(resolution=20))
    controller.snapshotReady.emit(first)
    qtbot.waitUntil(lambda: painted == [first], timeout=2000)  # the first one at once
    later = [Snapshot(**{**first.__dict__, "step": step}) for step in (2, 3, 4)]
    for snapshot in later:
        controller.snapshotReady.emit(snapshot)
    qtbot.waitUntil(lambda: views.boundary.snapshot is later[-1], timeout=2000)
    assert painted == [first]  # the boundary is drawn, the canvas waits its turn
    views._preview_timer.start(1)  # its turn
    qtbot.waitUntil(lambda: len(painted) == 2, timeout=2000)
    assert painted[-1] is later[-1]  # and then gets only the newest


def test_unhealthy_gradients_are_marked_on_the_nodes_picture(qtbot, plane_net):
    doc, bundle, model = plane_net
    canvas = canvas_for(qtbot, doc)
    painter = PreviewPainter(canvas)
    healthy = take_snapshot(model, bundle, SnapshotOptions(resolution=20))
    painter.apply(healthy)
    plain = painter.images["fc"].copy()
    sick = Snapshot(
        **{
            **healthy.__dict__,
            "grad_health": {"fc": "vanishing", "out": "exploding"},
            "node_grids": {},
            "node_histograms": {},
        }
    )
    painter.apply(sick)
    marked = painter.images["fc"]
    warning = plot_colors().warning
    corner = marked.pixelColor(marked.width() - 30, 18)
    assert abs(corner.hue() - warning.hue()) < 12  # the tag in the top-right corner
    assert marked != plain
    assert painter.health == {"fc": "vanishing", "out": "exploding"}
    assert "x" not in painter.images  # no picture and healthy: nothing drawn


def test_nodes_missing_from_the_canvas_are_skipped(qtbot, plane_net):
    doc, bundle, model = plane_net
    canvas = canvas_for(qtbot, doc)
    painter = PreviewPainter(canvas)
    snapshot = take_snapshot(model, bundle, SnapshotOptions(resolution=20))
    grids = dict(snapshot.node_grids) | {"ghost": np.zeros((2, 20, 20), np.float32)}
    painter.apply(Snapshot(**{**snapshot.__dict__, "node_grids": grids}))
    assert "ghost" not in painter.images and "fc" in painter.images


def test_pictures_for_each_kind_of_node_output():
    colors = plot_colors()
    grids = np.random.default_rng(0).standard_normal((5, 30, 30)).astype(np.float32)
    maps = np.random.default_rng(1).random((8, 6, 6)).astype(np.float32)
    curves = np.sin(np.linspace(0, 6, 40))[None].repeat(3, axis=0)
    counts, edges = np.histogram(np.random.default_rng(2).standard_normal(500), bins=20)
    for image in (
        unit_grid_image(grids, colors),
        feature_map_image(maps, colors),
        unit_curves_image(curves, colors),
        histogram_image(counts, edges, colors),
    ):
        assert (image.width(), image.height()) == PREVIEW_SIZE
        colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
        assert len(colours) > 20


def test_tiles_are_laid_out_as_large_as_the_preview_allows():
    columns, rows, tile = tile_layout(16, 300, 140)
    assert columns * rows >= 16 and tile > 30
    assert tile_layout(2, 300, 140)[:2] == (2, 1)
    assert tile_layout(1, 300, 140)[2] == pytest.approx(140)


# ---- metrics ----------------------------------------------------------------------------------------------
def confusion_metrics():
    output = torch.tensor([[2.0, 0, 0], [2.0, 0, 0], [0, 2.0, 0], [0, 0, 2.0], [0, 2.0, 0], [0, 0, 2.0]])
    truth = torch.tensor([0, 0, 1, 2, 2, 2])
    return classification_metrics(output, truth, 3, loss=0.25)


def test_the_confusion_matrix_shows_counts_with_class_names(qtbot):
    view = MetricsView()
    qtbot.addWidget(view)
    view.set_class_names(["cat", "dog", "bird"])
    metrics = confusion_metrics()
    view.set_metrics(metrics, "after epoch 3")
    texts = [item.textItem.toPlainText() for item in view.count_items]
    assert texts == [str(int(c)) for c in metrics.confusion.reshape(-1)]
    assert texts == ["2", "0", "0", "0", "1", "0", "0", "1", "2"]
    ticks = view.confusion_plot.getAxis("left")._tickLevels[0]
    assert [name for _, name in ticks] == ["cat", "dog", "bird"]
    assert view.cards["Accuracy"].text() == "83.3%"
    assert view.cards["Loss"].text() == "0.25"
    assert view.status.text() == "after epoch 3"
    widths = list(view.per_class_bars.opts["width"])
    assert widths == pytest.approx([100.0, 100.0, 66.666], abs=0.01)
    image = view.confusion_image.image
    assert image.shape[:2] == (3, 3)


def test_misclassified_images_are_shown_with_true_and_predicted_classes(qtbot):
    view = MetricsView()
    qtbot.addWidget(view)
    images = np.random.default_rng(0).random((3, 8, 8)).astype(np.float32)
    view.set_result(
        SimpleNamespace(
            reason="completed",
            epoch=4,
            test=confusion_metrics(),
            message="",
            misclassified=Misclassified(
                np.arange(3), images, np.array([0, 1, 2]), np.array([1, 2, 0]), ["a", "b", "c"]
            ),
        )
    )
    assert view.examples_grid.count() == 3
    assert not view.examples_panel.isHidden()
    caption = view.examples_grid.itemAt(0).widget().findChildren(type(view.status))[1].text()
    assert "a" in caption and "b" in caption
    view.set_misclassified(None)
    assert view.examples_panel.isHidden()


def test_regression_metrics_show_errors_and_predicted_against_true(qtbot):
    view = MetricsView()
    qtbot.addWidget(view)
    truth = torch.linspace(-1, 1, 20).unsqueeze(1)
    view.set_result(FinishedEvent("completed", 10, 100, 1.0, regression_metrics(truth * 0.9, truth, loss=0.01)))
    assert set(view.cards) >= {"MAE", "RMSE", "R²"}
    assert view.regression_pages.currentWidget() is view.no_predictions
    view.set_predictions(truth.numpy(), truth.numpy() * 0.9)
    assert view.regression_pages.currentWidget() is view.prediction_plots
    assert sum(view.residuals.opts["y1"]) == 20
    assert len(view.scatter.data) == 20


def test_the_confusion_labels_are_reused_between_runs(qtbot):
    """Labels are pooled (making 100 at each run's end blocked the window): a 3-class
    matrix after a 10-class one shows 9 labels, with the new counts."""
    view = MetricsView()
    qtbot.addWidget(view)
    ten = classification_metrics(torch.eye(10).repeat(3, 1), torch.arange(10).repeat(3), 10, loss=0.1)
    view.set_metrics(ten)
    first = list(view.count_items)
    assert len(first) == 100 and all(item.isVisible() for item in first)
    view.set_metrics(confusion_metrics())
    assert view.count_items[:100] == first  # the same objects
    shown = [item.textItem.toPlainText() for item in view.count_items if item.isVisible()]
    assert shown == ["2", "0", "0", "0", "1", "0", "0", "1", "2"]


def test_measure_now_asks_the_controller_and_shows_the_answer(qtbot, controller):
    views = make_views(qtbot, controller)
    views.metrics.measure_button.click()
    assert controller.metric_requests == 1
    controller.metricsReady.emit(confusion_metrics())
    assert views.metrics.status.text() == "measured now"
    assert len(views.metrics.count_items) == 9


def test_a_finished_regression_run_shows_the_networks_test_predictions(qtbot, controller):
    bundle = load_dataset({"dataset": "sine"})
    controller.bundle = bundle
    controller.model = torch.nn.Linear(1, 1)
    views = make_views(qtbot, controller)
    controller.runFinished.emit(
        SimpleNamespace(
            reason="completed", epoch=2, test=regression_metrics(bundle.y_test, bundle.y_test), misclassified=None
        )
    )
    assert len(views.metrics.scatter.data) == len(bundle.x_test)


# ---- data preview -------------------------------------------------------------------------------------
def test_data_preview_scatters_2d_points_coloured_by_class(qtbot, spiral):
    preview = DataPreview()
    qtbot.addWidget(preview)
    preview.set_bundle(spiral)
    assert preview.mode == "points"
    assert preview.train_points.data.size == len(spiral.points_train)
    brushes = {spot.brush().color().name() for spot in preview.train_points.points()}
    assert brushes == {QColor(ORANGE).name(), QColor(BLUE).name()}
    assert "350 train" in preview.summary.text()


def test_data_preview_shows_digits_as_an_image_grid(qtbot, digits):
    preview = DataPreview()
    qtbot.addWidget(preview)
    preview.set_bundle(digits)
    assert preview.mode == "images"
    assert preview.image.isVisible()
    assert preview.mosaic.shape[1] > 8 * 10  # ten 8x8 digits a row, with gaps
    assert len(preview.tile_labels) == 40
    assert preview.tile_labels[0].textItem.toPlainText() == digits.class_names[int(digits.y_train[0])]


def test_data_preview_draws_sequences_as_lines_with_their_targets(qtbot, forecast):
    preview = DataPreview()
    qtbot.addWidget(preview)
    preview.set_bundle(forecast)
    assert preview.mode == "sequence"
    assert len(preview.lines) == 16  # 8 windows, each with a dotted link to its next value
    x, y = preview.lines[0].getOriginalDataset()
    assert len(x) == 16 and np.allclose(y, forecast.x_train[0, :, 0].numpy())
    assert preview.test_points.data.size == 8  # the next value of each window


def test_data_preview_handles_token_sequences_curves_and_tables(qtbot):
    preview = DataPreview()
    qtbot.addWidget(preview)
    preview.set_bundle(load_dataset({"dataset": "pattern", "tokens": True}))
    assert preview.mode == "sequence" and len(preview.lines) == 8
    preview.set_bundle(load_dataset({"dataset": "sine"}))
    assert preview.mode == "curve" and preview.train_points.data.size > 0
    table = load_dataset({"dataset": "digits"})
    table.kind = "tabular"
    preview.set_bundle(table)
    assert preview.mode == "tabular" and preview.train_points.data.size > 0


def test_data_preview_follows_the_controller(qtbot, controller, spiral):
    controller.bundle = spiral
    preview = DataPreview(controller)
    qtbot.addWidget(preview)
    assert preview.mode == "points"
    controller.dataFailed.emit("data.csv.path: no such file")
    assert preview.mode == "empty" and "no such file" in preview.message.text()


# ---- the whole widget ---------------------------------------------------------------------------------
def test_training_views_follow_a_whole_run(qtbot, controller, plane_net):
    doc, bundle, model = plane_net
    canvas = canvas_for(qtbot, doc)
    views = make_views(qtbot, controller, canvas)
    controller.dataReady.emit(bundle)
    controller.runStarted.emit(run_info(kind="points2d"))
    train_epochs(controller, 2)
    controller.snapshotReady.emit(take_snapshot(model, bundle, SnapshotOptions(resolution=20)))
    controller.runFinished.emit(
        SimpleNamespace(reason="completed", epoch=2, test=confusion_metrics(), misclassified=None)
    )
    assert curve_length(views.curves.current_run.curves["train"]) == 2  # drawn at the run's end
    assert views.boundary.image.image is not None
    assert canvas.scene().node_item("fc")._preview is not None
    assert len(views.metrics.count_items) == 9
    assert views.data_preview.mode == "points"


def test_views_follow_the_app_theme(qtbot, controller, spiral):
    views = make_views(qtbot, controller)
    controller.dataReady.emit(spiral)
    app = QApplication.instance()
    try:
        apply_theme(app, DARK)
        QApplication.processEvents()
        assert views.curves.colors.dark and views.boundary.colors.dark and views.metrics.colors.dark
        assert views.curves.loss_widget.backgroundBrush().color().name() == DARK.list_bg
    finally:
        apply_theme(app, LIGHT)
        QApplication.processEvents()
    assert not views.data_preview.colors.dark
