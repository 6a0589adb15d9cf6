"""Every example project learns: its training loss falls within a few epochs."""

import pytest

from graph_core.data import load_dataset
from graph_core.project import list_examples, load_project
from graph_core.training import EpochEvent, Trainer, TrainingConfig, make_mode

EXAMPLES = [e for e in list_examples() if load_project(e.path).training["mode"] != "gan"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_the_training_loss_of_every_example_falls(example):
    project = load_project(example.path)
    config = TrainingConfig.from_dict({**project.training, "epochs": 4, "device": "cpu"})
    data = load_dataset({**project.data, "samples": min(project.data["samples"], 400)})
    mode = make_mode(config.mode)
    losses = []
    trainer = Trainer(
        mode.build_model(project.graph, config.seed),
        data,
        config,
        on_event=lambda e: losses.append(e.train_loss) if isinstance(e, EpochEvent) else None,
        mode=mode,
        step_event_every=0,
        fast="off",
    )
    finished = trainer.run()
    assert finished.reason == "completed", finished.message
    assert losses[-1] < losses[0], (example.name, losses)
