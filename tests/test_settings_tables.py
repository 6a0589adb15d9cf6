"""The project's settings tables (which drive files and controls) agree with the
engine's own definitions, so a value the GUI offers is one the engine accepts."""

from dataclasses import fields

from graph_core.data import DATASETS, FEATURES
from graph_core.settings import DATA_FIELDS, DATASET_NAMES, FEATURE_NAMES, TRAINING_FIELDS, defaults
from graph_core.training.config import (
    DEVICE_NAMES,
    LOSS_NAMES,
    MODE_NAMES,
    OPTIMIZER_NAMES,
    SCHEDULE_NAMES,
    TrainingConfig,
)


def test_training_table_matches_training_config():
    table = {f.name: f for f in TRAINING_FIELDS}
    assert set(table) == {f.name for f in fields(TrainingConfig)}
    assert defaults(TRAINING_FIELDS) == TrainingConfig().to_dict()
    assert set(table["loss"].choices) == set(LOSS_NAMES)
    assert set(table["optimizer"].choices) == set(OPTIMIZER_NAMES)
    assert set(table["schedule"].choices) == set(SCHEDULE_NAMES)
    assert set(table["device"].choices) == set(DEVICE_NAMES)
    assert set(table["mode"].choices) == set(MODE_NAMES)


def test_data_table_matches_the_data_sets():
    assert set(DATASET_NAMES) == set(DATASETS)
    assert tuple(FEATURE_NAMES) == tuple(FEATURES)
    assert {f.name for f in DATA_FIELDS} >= {"dataset", "samples", "noise", "seed", "split", "features"}
