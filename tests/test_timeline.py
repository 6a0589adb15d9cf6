"""User stories for the training timeline: weights kept every few epochs under a memory
cap, so any earlier epoch's network and curves can be shown again."""

from __future__ import annotations

import pytest
import torch

from graph_core.compiler import compile_graph
from graph_core.data import load_dataset
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.training import EpochEvent, Trainer, TrainingConfig
from graph_core.training.boundary import decision_grid
from graph_core.training.timeline import Timeline, state_bytes

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def record_run(timeline: Timeline, epochs: int = 20):
    project = load_project(EXAMPLES_DIR / "mlp_xor.nlproj")
    model = compile_graph(project.graph, seed=0)
    data = load_dataset(project.data)
    snapshots = {0: {k: v.clone() for k, v in model.state_dict().items()}}
    timeline.record(0, model)

    def on_event(event):
        if isinstance(event, EpochEvent):
            timeline.record(event.epoch, model, event)
            snapshots[event.epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    config = TrainingConfig.from_dict({**project.training, "device": "cpu", "epochs": epochs})
    Trainer(model, data, config, on_event=on_event, step_event_every=0).run()
    return model, data, snapshots


def test_restoring_an_epoch_brings_back_its_weights_and_its_decision_boundary():
    timeline = Timeline(every=5)
    model, data, snapshots = record_run(timeline)
    assert timeline.epochs == [0, 5, 10, 15, 20]
    final_grid = decision_grid(model, data, resolution=20).values
    assert timeline.restore_into(model, 10) == 10
    for name, value in model.state_dict().items():
        assert torch.equal(value, snapshots[10][name])
    earlier_grid = decision_grid(model, data, resolution=20).values
    assert not (earlier_grid == final_grid).all()
    timeline.restore_into(model, 20)
    assert (decision_grid(model, data, resolution=20).values == final_grid).all()


def test_an_epoch_between_checkpoints_shows_the_one_before():
    timeline = Timeline(every=5)
    model, _, snapshots = record_run(timeline, epochs=12)
    assert timeline.epochs == [0, 5, 10, 12]  # the latest is kept even when not due
    assert timeline.nearest(9) == 5 and timeline.nearest(100) == 12
    assert timeline.restore_into(model, 7) == 5
    assert all(torch.equal(v, snapshots[5][k]) for k, v in model.state_dict().items())


def test_the_history_replays_the_curves_as_they_were():
    timeline = Timeline(every=5)
    record_run(timeline, epochs=10)
    assert [e.epoch for e in timeline.history] == list(range(1, 11))
    assert [e.epoch for e in timeline.history_until(4)] == [1, 2, 3, 4]


def test_the_memory_cap_thins_checkpoints_evenly_and_keeps_the_latest():
    model = torch.nn.Linear(100, 100)
    one = state_bytes(model.state_dict())
    timeline = Timeline(every=1, max_bytes=10 * one)
    for epoch in range(0, 41):
        with torch.no_grad():
            model.weight.fill_(epoch)
        timeline.record(epoch, model)
    assert timeline.nbytes <= 10 * one
    assert timeline.epochs[0] == 0 and timeline.epochs[-1] == 40
    gaps = {b - a for a, b in zip(timeline.epochs, timeline.epochs[1:])}
    assert gaps == {timeline.every}
    timeline.restore_into(model, 17)
    assert model.weight[0, 0].item() == timeline.nearest(17)


def test_checkpoints_are_copies_on_the_cpu():
    model = torch.nn.Linear(2, 2)
    timeline = Timeline()
    timeline.record(1, model)
    with torch.no_grad():
        model.weight.add_(1.0)
    assert not torch.equal(timeline.state(1)["weight"], model.weight)
    assert timeline.state(1)["weight"].device.type == "cpu"


def test_an_empty_timeline_says_so():
    with pytest.raises(LookupError, match="no checkpoints"):
        Timeline().nearest(3)


def test_the_running_byte_total_matches_what_is_kept_through_thinning_and_restarts():
    model = torch.nn.Linear(3, 2)
    one = state_bytes(model.state_dict())
    assert one > 8 * 4  # the per-tensor overhead is counted, not only the data
    timeline = Timeline(every=3, max_bytes=7 * one)
    for epoch in [*range(0, 60), *range(20, 45)]:  # a run, then a restart from epoch 20
        timeline.record(epoch, model)
        with timeline._lock:
            kept = sum(state_bytes(s) for s in timeline._states.values())
        assert timeline.nbytes == kept <= 7 * one
        assert timeline.epochs == sorted(timeline.epochs) and timeline.epochs[-1] == max(timeline.epochs)
    timeline.clear()
    assert timeline.nbytes == 0 and len(timeline) == 0


def test_more_due_checkpoints_a_second_than_allowed_space_the_kept_ones_out(monkeypatch):
    """A fast run: every epoch is due at first; past `max_per_second` in one second,
    `every` doubles and the checkpoints no longer due go, as the memory cap does."""
    import graph_core.training.timeline as timeline_module

    monkeypatch.setattr(timeline_module.time, "monotonic", lambda: 100.0)  # all within one second
    model = torch.nn.Linear(2, 2)
    timeline = Timeline(every=1, max_per_second=4)
    for epoch in range(0, 41):
        timeline.record(epoch, model)
    assert timeline.every > 1
    assert timeline.epochs[0] == 0 and timeline.epochs[-1] == 40
    assert all(epoch % timeline.every == 0 for epoch in timeline.epochs[:-1])
    assert len(timeline) <= 4 + 2  # the due ones of the current window, the first and the latest
    unlimited = Timeline(every=1)
    for epoch in range(0, 41):
        unlimited.record(epoch, model)
    assert unlimited.every == 1 and len(unlimited) == 41
