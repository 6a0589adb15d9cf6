"""The typed tables behind a project's `data`, `training` and `view` sections: one
table per section drives defaults, validation with places, and the GUI's controls
(as TensorFlow Playground's state table does)."""

from __future__ import annotations

import json
from typing import Any

from graph_core.specs import ParamSpec

DATASET_NAMES = (
    "circle", "xor", "gaussian", "spiral", "moons", "spiral3", "blobs4", "rings", "drawn",
    "plane", "multi_gaussian", "sine",
    "digits", "sine_forecast", "parity", "pattern",
    "arithmetic", "grammar",
    "csv", "image_folder", "text_file",
)  # fmt: skip
FEATURE_NAMES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
LOSSES = ("CrossEntropyLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "BCEWithLogitsLoss", "NLLLoss", "MultiMarginLoss")
OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")
SCHEDULES = ("constant", "step", "exponential", "cosine")
MODES = ("supervised", "reconstruction", "gan", "language_model", "masked_language_model", "diffusion")
NOISE_SCHEDULES = ("linear", "cosine")

CSV_FIELDS = (
    ParamSpec("path", "str", "", "the CSV file (relative paths are relative to the project file)"),
    ParamSpec("target", "str", "", "the column to predict"),
    ParamSpec("features", "strs", None, "feature columns (empty: every other column)", nullable=True),
    ParamSpec(
        "task",
        "choice",
        "auto",
        "classification, regression, or decide from the target",
        choices=("auto", "classification", "regression"),
    ),
    ParamSpec("standardize", "bool", True, "scale each feature to mean 0 and variance 1"),
)

IMAGE_FOLDER_FIELDS = (
    ParamSpec("path", "str", "", "a folder with one sub-folder of images per class"),
    ParamSpec("size", "size", [28, 28], "images are resized to this height and width", min=1, max=1024),
    ParamSpec("mode", "choice", "L", "L for greyscale, RGB for colour", choices=("L", "RGB")),
)

TEXT_FILE_FIELDS = (
    ParamSpec("path", "str", "", "a plain-text file, UTF-8 (relative paths are relative to the project file)"),
)

DATA_FIELDS = (
    ParamSpec("dataset", "str", "spiral", "which data to learn from", choices=DATASET_NAMES),
    ParamSpec("samples", "int", 500, "how many samples to generate", min=10, max=1_000_000),
    ParamSpec("noise", "float", 0.1, "how much the samples are jittered (0 to 1)", min=0.0, max=1.0),
    ParamSpec("seed", "int", 0, "random seed for generating and splitting", min=0, max=2**31 - 1),
    ParamSpec("split", "floats", [0.7, 0.15, 0.15], "train, validation and test fractions", min=0.0, max=1.0, dims=3),
    ParamSpec("features", "strs", ["x1", "x2"], "input features for 2-D data", choices=FEATURE_NAMES),
    ParamSpec("points", "points", (), "the shape you drew: [x, y] points in the plane (-6 to 6)", min=-6.0, max=6.0),
    ParamSpec("layout", "choice", "flat", "digits as flat vectors [64] or images [1, 8, 8]", choices=("flat", "image")),
    ParamSpec("window", "int", 16, "input window length for forecasting", min=1, max=1000),
    ParamSpec("seq_len", "int", 12, "sequence length for sequence classification", min=1, max=1000),
    ParamSpec("tokens", "bool", False, "give sequences as integer token ids (for Embedding)"),
    ParamSpec("context", "int", 32, "characters a language model reads at once (its context length)", min=2, max=4096),
    ParamSpec("csv", "section", None, "CSV import settings", nullable=True),
    ParamSpec("image_folder", "section", None, "image folder import settings", nullable=True),
    ParamSpec("text_file", "section", None, "plain-text file import settings", nullable=True),
)

TRAINING_FIELDS = (
    ParamSpec("mode", "choice", "supervised", "what the network learns to produce", choices=MODES),
    ParamSpec("loss", "choice", "CrossEntropyLoss", "what training minimizes", choices=LOSSES),
    ParamSpec("optimizer", "choice", "Adam", "how weights are updated", choices=OPTIMIZERS),
    ParamSpec("lr", "float", 0.01, "learning rate", min=1e-8, max=10.0),
    ParamSpec("momentum", "float", 0.0, "SGD / RMSprop momentum", min=0.0, max=0.999),
    ParamSpec("nesterov", "bool", False, "Nesterov momentum (SGD)"),
    ParamSpec("weight_decay", "float", 0.0, "L2 penalty strength", min=0.0, max=10.0),
    ParamSpec("l1", "float", 0.0, "L1 penalty strength", min=0.0, max=10.0),
    ParamSpec("grad_clip", "float", 0.0, "clip the gradient norm to this (0 = off)", min=0.0, max=1e6),
    ParamSpec("schedule", "choice", "constant", "how the learning rate changes", choices=SCHEDULES),
    ParamSpec("warmup_epochs", "int", 0, "epochs of linear warm-up first", min=0, max=100_000),
    ParamSpec("step_size", "int", 50, "epochs between step decays", min=1, max=100_000),
    ParamSpec("gamma", "float", 0.5, "decay factor for step / exponential schedules", min=0.0, max=1.0),
    ParamSpec("batch_size", "int", 32, "samples per step", min=1, max=1_000_000),
    ParamSpec("epochs", "int", 200, "passes over the training data", min=1, max=1_000_000),
    ParamSpec("seed", "int", 0, "random seed for weights and shuffling", min=0, max=2**31 - 1),
    ParamSpec("device", "choice", "auto", "where to train", choices=("auto", "cpu", "cuda")),
    ParamSpec("diffusion_steps", "int", 100, "noise levels from data to pure noise (diffusion)", min=2, max=4000),
    ParamSpec(
        "noise_schedule",
        "choice",
        "linear",
        "how fast noise is added over the steps (diffusion)",
        choices=NOISE_SCHEDULES,
    ),
)

VIEW_FIELDS = (
    ParamSpec("zoom", "float", 1.0, "canvas zoom", min=0.01, max=100.0),
    ParamSpec("center", "floats", [0.0, 0.0], "canvas centre", min=-1e9, max=1e9, dims=2),
    ParamSpec("description", "str", "", "what this project is about (shown in the Examples menu)"),
    ParamSpec("title", "str", "", "a short title"),
)

SECTIONS = {"csv": CSV_FIELDS, "image_folder": IMAGE_FOLDER_FIELDS, "text_file": TEXT_FILE_FIELDS}


def defaults(fields: tuple[ParamSpec, ...]) -> dict[str, Any]:
    return {f.name: f.normalize(f.default) for f in fields}


def key_place(place: str, key: str) -> str:
    """`place.key`, or `place["key"]` when the key is not a plain name (a file may hold
    any key, and `graph. nodes` would hide the space that makes it unknown)."""
    if key.isidentifier() and key.isascii():
        return f"{place}.{key}" if place else key
    return f"{place}[{json.dumps(key)}]"


def check_section(fields: tuple[ParamSpec, ...], value: Any, place: str) -> list[str]:
    """Problems with one section as `place.key: message` lines (unknown keys too)."""
    if not isinstance(value, dict):
        return [f"{place}: must be an object"]
    problems = []
    known = {f.name: f for f in fields}
    for key, item in value.items():
        field = known.get(key)
        if field is None:
            problems.append(f"{key_place(place, key)}: unknown setting (known: {', '.join(known)})")
        elif field.kind == "section":
            if item is not None:
                problems.extend(check_section(SECTIONS[key], item, f"{place}.{key}"))
        else:
            problem = field.check(item)
            if problem:
                problems.append(f"{place}.{key}: {problem}")
    if "split" in value and not problems and "split" in known:
        split = value["split"]
        if abs(sum(split) - 1.0) > 1e-6 or split[0] <= 0:
            problems.append(f"{place}.split: fractions must add up to 1 with a training share above 0")
    return problems


def complete(fields: tuple[ParamSpec, ...], value: dict) -> dict:
    """The section with every missing key at its default."""
    merged = defaults(fields)
    merged.update(value)
    return merged
