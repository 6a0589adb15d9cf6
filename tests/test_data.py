"""Built-in data sets, splits, batching and the project file's `data` section."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from graph_core.data import (
    DATASETS,
    DEFAULTS,
    DataBundle,
    DataImportError,
    TensorBatcher,
    load_dataset,
    split_indices,
)
from graph_core.data.split import check_ratios
from graph_core.data.synthetic import FEATURES, PlaneFeatures

# The drawn set is the user's own drawing, like a file: see tests/test_diffusion.py.
BUILT_IN = [name for name, info in DATASETS.items() if not info.from_file and name != "drawn"]
GENERATED = [name for name in BUILT_IN if "samples" in DATASETS[name].settings]
POINT_SETS = [name for name in BUILT_IN if DATASETS[name].kind == "points2d"]


def all_x(b: DataBundle) -> torch.Tensor:
    return torch.cat([b.x_train, b.x_val, b.x_test])


def all_y(b: DataBundle) -> torch.Tensor:
    return torch.cat([b.y_train, b.y_val, b.y_test])


def all_points(b: DataBundle) -> torch.Tensor:
    return torch.cat([b.points_train, b.points_val, b.points_test])


# --- every data set ---------------------------------------------------------------


# Text sets give token ids and targets at every position: see tests/test_tiny_gpt.py.
@pytest.mark.parametrize("name", [name for name in BUILT_IN if DATASETS[name].kind != "text"])
def test_every_built_in_data_set_has_the_shapes_and_dtypes_its_kind_promises(name):
    info = DATASETS[name]
    b = load_dataset({"dataset": name, "samples": 200})
    assert (b.name, b.task, b.kind) == (name, info.task, info.kind)
    assert len(all_x(b)) == (1797 if name == "digits" else 200)
    assert b.x_train.dtype == torch.float32
    assert torch.isfinite(all_x(b)).all()
    expected_input = {
        "points2d": (2,),
        "curve1d": (1,),
        "image": (64,),
        "sequence": (DEFAULTS["window"] if name == "sine_forecast" else DEFAULTS["seq_len"], 1),
    }[info.kind]
    assert b.input_shape == expected_input
    if b.task == "classification":
        assert b.y_train.dtype == torch.int64 and b.y_train.dim() == 1
        assert b.num_classes == len(b.class_names) >= 2
        assert set(all_y(b).tolist()) == set(range(b.num_classes))
    else:
        assert b.y_train.dtype == torch.float32 and b.target_shape == (1,)
        assert b.num_classes is None


@pytest.mark.parametrize("name", POINT_SETS)
def test_point_sets_lie_in_the_playground_box_and_inputs_are_scaled(name):
    b = load_dataset({"dataset": name, "noise": 0.5, "samples": 400})
    points = all_points(b)
    assert b.domain == ((-6.0, 6.0), (-6.0, 6.0))
    # Gaussian blobs may stray a little past the box at maximum noise, as in the playground.
    assert points.abs().max() < 12
    assert (points.abs() <= 6).float().mean() > 0.95
    assert torch.allclose(all_x(b), points / 6)


@pytest.mark.parametrize("name", GENERATED)
def test_same_seed_gives_identical_data_and_another_seed_different_data(name):
    first = load_dataset({"dataset": name, "seed": 7})
    again = load_dataset({"dataset": name, "seed": 7})
    other = load_dataset({"dataset": name, "seed": 8})
    assert torch.equal(first.x_train, again.x_train) and torch.equal(first.y_test, again.y_test)
    assert not torch.equal(first.x_train, other.x_train)


def test_digits_split_follows_the_seed():
    first = load_dataset({"dataset": "digits", "seed": 1})
    again = load_dataset({"dataset": "digits", "seed": 1})
    other = load_dataset({"dataset": "digits", "seed": 2})
    assert torch.equal(first.x_train, again.x_train)
    assert not torch.equal(first.x_train, other.x_train)


# --- playground parity ------------------------------------------------------------


def test_circle_without_noise_puts_the_inner_disc_in_the_positive_class():
    b = load_dataset({"dataset": "circle", "noise": 0.0})
    radius = all_points(b).norm(dim=1)
    assert torch.equal(all_y(b), (radius < 2.5).long())
    assert b.class_names == ["negative", "positive"]


def test_xor_without_noise_labels_by_quadrant_and_keeps_off_the_axes():
    b = load_dataset({"dataset": "xor", "noise": 0.0})
    p = all_points(b)
    assert torch.equal(all_y(b), (p[:, 0] * p[:, 1] >= 0).long())
    assert p.abs().min() >= 0.3


def test_noise_flips_some_circle_labels_as_in_the_playground():
    b = load_dataset({"dataset": "circle", "noise": 0.5, "samples": 1000})
    inside = (all_points(b).norm(dim=1) < 2.5).long()
    assert (all_y(b) != inside).any()


def test_plane_target_is_x_plus_y_over_ten_without_noise():
    b = load_dataset({"dataset": "plane", "noise": 0.0})
    p = all_points(b)
    assert torch.allclose(all_y(b)[:, 0], p.sum(dim=1) / 10, atol=1e-6)


def test_multi_gaussian_peaks_at_its_bump_centres():
    b = load_dataset({"dataset": "multi_gaussian", "noise": 0.0, "samples": 4000})
    p, y = all_points(b), all_y(b)[:, 0]
    near_up = (p - torch.tensor([-4.0, 2.5])).norm(dim=1) < 0.3
    near_down = (p - torch.tensor([0.0, 2.5])).norm(dim=1) < 0.3
    assert near_up.any() and near_down.any()
    assert (y[near_up] > 0.8).all() and (y[near_down] < -0.8).all()
    assert y.abs().max() <= 1


def test_multiclass_point_sets_share_samples_evenly_between_classes():
    for name, classes in (("spiral3", 3), ("blobs4", 4)):
        b = load_dataset({"dataset": name, "samples": 600})
        assert torch.bincount(all_y(b)).tolist() == [600 // classes] * classes


# --- input features ---------------------------------------------------------------


def test_chosen_features_become_input_columns_in_the_chosen_order():
    names = ["x1*x2", "sin(x1)", "x2^2"]
    b = load_dataset({"dataset": "spiral", "features": names})
    p = b.points_train
    expected = torch.stack([p[:, 0] * p[:, 1] / 36, torch.sin(p[:, 0]), (p[:, 1] / 6) ** 2], dim=1)
    assert b.feature_names == names
    assert b.input_shape == (3,)
    assert torch.allclose(b.x_train, expected, atol=1e-6)


def test_featurize_maps_grid_points_exactly_like_the_data():
    b = load_dataset({"dataset": "circle", "features": list(FEATURES)})
    assert torch.equal(b.featurize(b.points_val), b.x_val)
    grid = torch.cartesian_prod(torch.linspace(-6, 6, 5), torch.linspace(-6, 6, 5))
    inputs = b.featurize(grid)
    assert inputs.shape == (25, 7) and inputs.abs().max() <= 1.0 + 1e-6


def test_unknown_feature_is_refused_with_the_known_names():
    with pytest.raises(DataImportError, match=r"data.features: unknown 'x3'.*sin\(x1\)"):
        load_dataset({"dataset": "xor", "features": ["x1", "x3"]})
    with pytest.raises(DataImportError, match="at least one"):
        PlaneFeatures([])


# --- curve, sequences, digits ---------------------------------------------------------


def test_sine_targets_are_the_sine_of_x_without_noise():
    b = load_dataset({"dataset": "sine", "noise": 0.0})
    x = all_x(b)
    assert x.min() >= -math.pi and x.max() <= math.pi
    assert torch.allclose(all_y(b), torch.sin(x), atol=1e-6)


def test_sine_forecast_target_continues_the_wave_in_the_window():
    b = load_dataset({"dataset": "sine_forecast", "noise": 0.0, "window": 12})
    s, y = all_x(b)[:, :, 0].double(), all_y(b)[:, 0].double()
    assert b.input_shape == (12, 1)
    # A pure sinusoid obeys s[t+1] = 2cos(w) s[t] - s[t-1]; fit 2cos(w) from the window.
    prev_next, mid = s[:, 2:] + s[:, :-2], s[:, 1:-1]
    two_cos = (prev_next * mid).sum(1) / (mid * mid).sum(1)
    predicted = two_cos * s[:, -1] - s[:, -2]
    assert torch.allclose(predicted, y, atol=1e-4)


def test_parity_label_says_whether_the_count_of_ones_is_odd():
    b = load_dataset({"dataset": "parity", "seq_len": 6})
    bits = all_x(b)[:, :, 0]
    assert b.input_shape == (6, 1)
    assert set(bits.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(all_y(b), bits.sum(1).long() % 2)


def test_pattern_label_says_whether_the_run_1_2_3_occurs_and_classes_are_balanced():
    b = load_dataset({"dataset": "pattern", "tokens": True, "seq_len": 15, "samples": 400})
    ids, y = all_x(b), all_y(b)
    found = ((ids[:, :-2] == 1) & (ids[:, 1:-1] == 2) & (ids[:, 2:] == 3)).any(1)
    assert torch.equal(y, found.long())
    assert torch.bincount(y).tolist() == [200, 200]


def test_token_form_gives_int64_ids_below_the_vocabulary_size():
    for name, vocab in (("parity", 2), ("pattern", 4)):
        b = load_dataset({"dataset": name, "tokens": True, "seq_len": 9})
        assert b.x_train.dtype == torch.int64 and b.input_dtype == "int64"
        assert b.input_shape == (9,)
        assert b.vocab_size == vocab
        assert 0 <= all_x(b).min() and all_x(b).max() < vocab


def test_pattern_needs_room_for_its_three_tokens():
    with pytest.raises(DataImportError, match="seq_len must be at least 3"):
        load_dataset({"dataset": "pattern", "seq_len": 2})


def test_digits_come_flat_or_as_one_channel_images_of_the_same_pixels():
    flat = load_dataset({"dataset": "digits", "layout": "flat"})
    image = load_dataset({"dataset": "digits", "layout": "image"})
    assert flat.input_shape == (64,) and image.input_shape == (1, 8, 8)
    assert flat.image_shape == image.image_shape == (1, 8, 8)
    assert torch.equal(image.x_test.reshape(-1, 64), flat.x_test)
    assert all_x(flat).min() == 0 and all_x(flat).max() == 1
    assert flat.class_names == [str(d) for d in range(10)]


# --- splits -------------------------------------------------------------------------


def test_split_is_disjoint_covers_everything_and_follows_the_ratios():
    train, val, test = split_indices(1000, [0.6, 0.3, 0.1], seed=3)
    assert (len(train), len(val), len(test)) == (600, 300, 100)
    together = np.concatenate([train, val, test])
    assert np.array_equal(np.sort(together), np.arange(1000))


def test_bundle_splits_have_the_configured_sizes():
    b = load_dataset({"dataset": "moons", "samples": 200, "split": [0.5, 0.25, 0.25]})
    assert (len(b.x_train), len(b.x_val), len(b.x_test)) == (100, 50, 50)
    assert len(b.points_train) == 100


def test_stratified_split_keeps_class_proportions_in_every_part():
    labels = np.repeat([0, 1, 2], [500, 300, 200])
    for part in split_indices(1000, [0.7, 0.15, 0.15], seed=0, labels=labels):
        share = np.bincount(labels[part], minlength=3) / len(part)
        assert np.allclose(share, [0.5, 0.3, 0.2], atol=0.01)


def test_a_zero_test_share_gives_an_empty_test_set_with_the_right_shape():
    b = load_dataset({"dataset": "spiral", "samples": 100, "split": [0.8, 0.2, 0.0]})
    assert b.x_test.shape == (0, 2) and len(b.x_train) == 80


@pytest.mark.parametrize(
    ("ratios", "message"),
    [
        ([0.5, 0.3, 0.1], "add up to 1"),
        ([0.0, 0.5, 0.5], "training share"),
        ([1.2, -0.1, -0.1], "cannot be negative"),
        ([0.8, 0.2], "three ratios"),
        ([0.7, "a", 0.3], "must be numbers"),
    ],
)
def test_bad_split_ratios_are_refused_with_a_clear_message(ratios, message):
    with pytest.raises(ValueError, match=message):
        check_ratios(ratios)


# --- batching -----------------------------------------------------------------------


def test_batcher_visits_every_sample_once_per_epoch_in_slices():
    x = torch.arange(10.0).unsqueeze(1)
    batches = list(TensorBatcher(x, torch.arange(10), 4, generator=torch.Generator().manual_seed(0)))
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    xs = torch.cat([xb for xb, _ in batches])[:, 0]
    ys = torch.cat([yb for _, yb in batches])
    assert sorted(ys.tolist()) == list(range(10))
    assert torch.equal(xs.long(), ys)  # x and y stay paired


def test_batcher_is_deterministic_by_generator_and_reshuffles_each_epoch():
    def orders(seed, epochs=2):
        batcher = TensorBatcher(torch.zeros(50, 1), torch.arange(50), 50, generator=torch.Generator().manual_seed(seed))
        return [next(iter(batcher))[1].tolist() for _ in range(epochs)]

    assert orders(1) == orders(1)
    assert orders(1) != orders(2)
    first_epoch, second_epoch = orders(1)
    assert first_epoch != second_epoch


def test_batcher_without_shuffle_keeps_order_and_can_drop_the_last_batch():
    batcher = TensorBatcher(torch.zeros(10, 3), torch.arange(10), 3, shuffle=False, drop_last=True)
    assert len(batcher) == 3
    assert [yb.tolist() for _, yb in batcher] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


def test_batcher_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        TensorBatcher(torch.zeros(5, 1), torch.zeros(4), 2)


# --- the project's data section ------------------------------------------------------


def test_missing_settings_take_the_defaults():
    b = load_dataset({"dataset": "spiral"})
    assert len(all_x(b)) == 500
    assert (len(b.x_train), len(b.x_val), len(b.x_test)) == (350, 75, 75)
    assert torch.equal(b.x_train, load_dataset({"dataset": "spiral", "seed": 0, "noise": 0.1}).x_train)


def test_unknown_data_set_lists_the_known_ones():
    with pytest.raises(DataImportError, match=r"unknown data set 'spirals'; known: circle, xor.*csv, image_folder"):
        load_dataset({"dataset": "spirals"})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"sample": 100}, r"data\.sample: unknown setting"),
        ({"samples": "many"}, r"data\.samples: must be a whole number"),
        ({"samples": True}, r"data\.samples: must be a whole number"),
        ({"noise": 1.5}, r"data\.noise: must be a number between 0 and 1"),
        ({"seed": -1}, r"data\.seed"),
        ({"split": [0.5, 0.5, 0.5]}, r"data\.split: .*add up to 1"),
        ({"tokens": "yes"}, r"data\.tokens: must be true or false"),
        ({"features": "x1"}, r"data\.features: must be a list"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(config, message):
    with pytest.raises(DataImportError, match=message):
        load_dataset({"dataset": "xor", **config})


def test_registry_settings_are_all_known_data_keys():
    known = set(DEFAULTS) | {"csv", "image_folder", "text_file"}
    for info in DATASETS.values():
        assert set(info.settings) <= known, info.name
        assert info.title and info.description


def test_csv_data_section_reads_a_path_relative_to_the_project(tmp_path):
    (tmp_path / "iris.csv").write_text("a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n1,1,x\n2,2,y\n")
    config = {"dataset": "csv", "csv": {"path": "iris.csv", "target": "kind"}, "split": [0.5, 0.5, 0]}
    b = load_dataset(config, base_dir=tmp_path)
    assert b.task == "classification" and b.class_names == ["x", "y"]
    with pytest.raises(DataImportError, match=r"data\.csv\.colour: unknown setting"):
        load_dataset({**config, "csv": {**config["csv"], "colour": 1}}, base_dir=tmp_path)
