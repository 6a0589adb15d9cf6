"""The lessons as a learner meets them, without a window: complete lessons whose
projects train; the autoencoder learns to rebuild digits, the GAN's points move onto
the data, and the diagnosis speaks up on the overfitting lesson and not on a healthy one."""

from __future__ import annotations

import pytest
import torch

from app.lessons.catalogue import LessonError, load_lessons, parse_lesson
from app.lessons.observers import RunWatch, autoencoder_frame, gan_frame
from graph_core.data import load_dataset
from graph_core.project import EXAMPLES_DIR, load_project
from graph_core.training import Trainer, TrainingConfig, make_mode
from graph_core.training.diagnosis import LESSONS
from graph_core.training.gan import energy_distance

LESSON_PROJECTS = sorted({name for lesson in load_lessons() for name in lesson.projects()})


pytestmark = pytest.mark.usefixtures("one_torch_thread")


class Hub:
    """Stands in for RunObservers: records what a RunWatch emits."""

    def __init__(self) -> None:
        self.findings, self.gan, self.autoencoder, self.batches, self.timelines = [], [], [], [], []
        self.findingsReady = _Signal(self.findings.extend)
        self.ganFrame = _Signal(self.gan.append)
        self.autoencoderFrame = _Signal(self.autoencoder.append)
        self.lossBatch = _Signal(self.batches.append)
        self.timelineChanged = _Signal(self.timelines.append)
        self.runWatched = _Signal(lambda watch: None)


class _Signal:
    def __init__(self, slot) -> None:
        self.emit = slot


def train_watched(project_name: str, **training) -> tuple[Hub, RunWatch, Trainer]:
    """Train a shipped project with a RunWatch listening, as the app's worker does."""
    project = load_project(EXAMPLES_DIR / project_name)
    config = TrainingConfig.from_dict({**project.training, "device": "cpu", **training})
    bundle = load_dataset(project.data)
    model = make_mode(config.mode).build_model(project.graph, seed=config.seed)
    trainer = Trainer(model, bundle, config, validate_every=1, step_event_every=0)
    hub = Hub()
    watch = RunWatch(hub, trainer, bundle)
    watch._next_frame = float("inf")  # frames only where the test asks (start and end)
    trainer.on_event = watch
    trainer.run()
    return hub, watch, trainer


def test_the_lessons_begin_with_the_twelve_concepts_of_the_introduction_in_order():
    lessons = load_lessons()
    # The diagnosis points at these by key; later lessons (diffusion, a tiny GPT) follow them.
    assert [lesson.key for lesson in lessons][: len(LESSONS)] == list(LESSONS)
    assert len({lesson.key for lesson in lessons}) == len(lessons)
    for lesson in lessons:
        assert 3 <= len(lesson.steps) <= 6
        assert all(":" in step.target for step in lesson.steps)
        for name in lesson.projects():
            load_project(EXAMPLES_DIR / name)  # raises when a project is broken


def test_a_lesson_file_with_too_few_steps_is_refused_with_its_place():
    raw = {"key": "x", "project": "p.nlproj", "title": {"en": "X"}, "summary": {"en": "s"}, "steps": []}
    with pytest.raises(LessonError, match="3 to 6 steps"):
        parse_lesson(raw, "x.json")


@pytest.mark.parametrize("name", LESSON_PROJECTS)
def test_each_lesson_project_trains_a_few_steps(name):
    project = load_project(EXAMPLES_DIR / name)
    config = TrainingConfig.from_dict({**project.training, "device": "cpu", "epochs": 1})
    data = load_dataset({**project.data, "samples": min(project.data.get("samples", 200), 200)})
    model = make_mode(config.mode).build_model(project.graph, seed=0)
    trainer = Trainer(model, data, config, step_event_every=0)
    finished = trainer.run()
    assert finished.reason == "completed" and trainer.global_step > 0
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_the_autoencoder_learns_to_rebuild_digits():
    project = load_project(EXAMPLES_DIR / "autoencoder_digits.nlproj")
    config = TrainingConfig.from_dict({**project.training, "device": "cpu", "epochs": 25})
    bundle = load_dataset(project.data)
    model = make_mode(config.mode).build_model(project.graph, seed=0)
    before = autoencoder_frame(model, bundle, 0)
    Trainer(model, bundle, config, step_event_every=0).run()
    after = autoencoder_frame(model, bundle, 25)
    assert after.error < 0.6 * before.error
    assert after.codes.shape[1] == 2 and after.inputs.shape[1:] == (8, 8) == after.outputs.shape[1:]
    assert after.labels is not None and len(set(after.labels.tolist())) == 10


def test_gan_training_moves_the_generated_points_toward_the_data():
    hub, watch, trainer = train_watched("gan_2d.nlproj", epochs=40)
    first, last = hub.gan[0], hub.gan[-1]
    assert first.epoch == 0 and last.epoch == 40
    distance = [e.extra["energy_distance"] for e in trainer.history]
    assert distance[-1] < 0.3 * distance[0]
    # The frames the view draws: the generated cloud ends up much nearer the real one.
    start = energy_distance(torch.tensor(first.generated), torch.tensor(first.real))
    end = energy_distance(torch.tensor(last.generated), torch.tensor(last.real))
    assert end < 0.3 * start
    assert last.critic is not None and last.critic.shape == (40, 40)


def test_the_diagnosis_warns_of_overfitting_in_the_overfitting_lesson():
    hub, watch, _ = train_watched("lesson_overfitting.nlproj")
    codes = [finding.code for finding in hub.findings]
    assert "overfitting" in codes
    assert hub.findings[codes.index("overfitting")].concept.lesson == "overfitting"


def test_the_diagnosis_stays_quiet_on_the_neuron_lesson_and_names_vanishing_gradients_in_the_deep_one():
    quiet, _, _ = train_watched("lesson_neuron.nlproj", epochs=30)
    assert quiet.findings == []
    deep, _, _ = train_watched("lesson_deep.nlproj", epochs=8)
    vanishing = [f for f in deep.findings if f.code == "vanishing_gradients"]
    assert vanishing and "fc1" in vanishing[0].node_ids


def test_the_timeline_keeps_checkpoints_and_replays_an_earlier_epoch():
    hub, watch, trainer = train_watched("lesson_neuron.nlproj", epochs=6)
    assert watch.timeline.epochs == list(range(7))
    epoch, replica = watch.replay(2)
    assert epoch == 2
    state = watch.timeline.state(2)
    assert torch.equal(replica.state_dict()["neuron.weight"], state["neuron.weight"])
    assert not torch.equal(state["neuron.weight"], trainer.model.state_dict()["neuron.weight"])
    assert hub.batches and hub.batches[-1].outputs.shape[1] == 1


def test_gan_frames_come_from_a_checkpoint_as_well():
    hub, watch, _ = train_watched("gan_2d.nlproj", epochs=2)
    epoch, replica = watch.replay(1)
    frame = gan_frame(replica, watch.bundle, epoch)
    assert frame.generated.shape == (300, 2) and frame.epoch == 1
