"""Data sets for NeuroLoom: the registry of built-in sets and `load_dataset`, which
turns a project file's `data` section into a split `DataBundle`.

Pure Python and torch; no Qt. See synthetic.py, digits.py, csv_import.py and images.py
for the loaders themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_core.data.batching import TensorBatcher
from graph_core.data.bundle import DataBundle, DataImportError, Kind
from graph_core.data.csv_import import import_csv
from graph_core.data.digits import make_digits
from graph_core.data.images import import_image_folder
from graph_core.data.split import check_ratios, split_indices
from graph_core.data.synthetic import (
    FEATURES,
    make_drawn,
    make_points2d,
    make_sequence_task,
    make_sine,
    make_sine_forecast,
)
from graph_core.data.text import CharTokenizer, import_text_file, make_corpus_dataset
from graph_core.settings import (
    CSV_FIELDS,
    DATA_FIELDS,
    IMAGE_FOLDER_FIELDS,
    TEXT_FILE_FIELDS,
    check_section,
    complete,
    defaults,
)

__all__ = [
    "DATASETS",
    "DEFAULTS",
    "CharTokenizer",
    "FEATURES",
    "DataBundle",
    "DataImportError",
    "DatasetInfo",
    "TensorBatcher",
    "import_csv",
    "import_image_folder",
    "import_text_file",
    "load_dataset",
    "split_indices",
]


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of the data-set menu: what it is and which `data` settings it reads."""

    name: str
    title: str
    description: str
    task: str  # "classification", "regression", or "either" for the user's own files
    kind: Kind
    settings: tuple[str, ...]
    from_file: bool = False


_POINTS = ("samples", "noise", "seed", "split", "features")
_SEQUENCE = ("samples", "seed", "split", "seq_len", "tokens")
_TEXT = ("samples", "seed", "split", "context")


_INFOS = [
    DatasetInfo("circle", "Circle", "A disc of one class inside a ring of the other.", "classification", "points2d", _POINTS),
    DatasetInfo("xor", "XOR", "Opposite quadrants share a class: not linearly separable.", "classification", "points2d", _POINTS),
    DatasetInfo("gaussian", "Two Gaussians", "Two Gaussian blobs, one per class.", "classification", "points2d", _POINTS),
    DatasetInfo("spiral", "Spiral", "Two interleaved spiral arms: the hardest playground set.", "classification", "points2d", _POINTS),
    DatasetInfo("moons", "Moons", "Two interlocking half circles.", "classification", "points2d", _POINTS),
    DatasetInfo("rings", "Two rings", "Two concentric circles, one class each.", "classification", "points2d", _POINTS),
    DatasetInfo("drawn", "Your drawing", "A shape you draw with the mouse: points for a generative model to imitate.", "classification", "points2d", ("points", *_POINTS)),
    DatasetInfo("spiral3", "Spiral, 3 arms", "Three interleaved spiral arms, three classes.", "classification", "points2d", _POINTS),
    DatasetInfo("blobs4", "Four blobs", "Four Gaussian blobs, one class each.", "classification", "points2d", _POINTS),
    DatasetInfo("plane", "Plane", "Regression: the target rises linearly across the plane.", "regression", "points2d", _POINTS),
    DatasetInfo("multi_gaussian", "Multi Gaussian", "Regression: six bumps, up or down.", "regression", "points2d", _POINTS),
    DatasetInfo("sine", "Sine curve", "Curve fitting: y = sin(x) with noise, x in [-pi, pi].", "regression", "curve1d", ("samples", "noise", "seed", "split")),
    DatasetInfo("digits", "Digits 8x8", "1,797 handwritten digits from scikit-learn, 10 classes.", "classification", "image", ("seed", "split", "layout")),
    DatasetInfo("sine_forecast", "Sine forecast", "A window of a noisy sine wave in, the next value out.", "regression", "sequence", ("samples", "noise", "seed", "split", "window")),
    DatasetInfo("parity", "Parity", "A sequence of bits in: is the number of ones odd?", "classification", "sequence", _SEQUENCE),
    DatasetInfo("pattern", "Pattern", "A sequence of tokens 0-3 in: does the run 1, 2, 3 occur?", "classification", "sequence", _SEQUENCE),
    DatasetInfo("arithmetic", "Arithmetic text", "Lines of sums like 12+35=47, one character at a time: text for a tiny GPT.", "classification", "text", _TEXT),
    DatasetInfo("grammar", "Grammar text", "Sentences of a small grammar (the small cat sees a dog.): text for a tiny GPT.", "classification", "text", _TEXT),
    DatasetInfo("csv", "CSV file", "Your own table: choose the feature and target columns.", "either", "tabular", ("seed", "split", "csv"), from_file=True),
    DatasetInfo("image_folder", "Image folder", "Your own images, one sub-folder per class.", "classification", "image", ("seed", "split", "image_folder"), from_file=True),
    DatasetInfo("text_file", "Text file", "Your own plain text, for a language model to continue.", "classification", "text", (*_TEXT, "text_file"), from_file=True),
]  # fmt: skip
DATASETS: dict[str, DatasetInfo] = {info.name: info for info in _INFOS}

DEFAULTS: dict[str, Any] = {
    k: v for k, v in defaults(DATA_FIELDS).items() if k not in ("dataset", "csv", "image_folder", "text_file")
}
_SECTIONS = ("dataset", "csv", "image_folder", "text_file")


def load_dataset(config: Mapping[str, Any], *, base_dir: str | Path | None = None) -> DataBundle:
    """Build the data set a project's `data` section describes; missing keys take DEFAULTS.

    Relative file paths (csv.path, image_folder.path) are read from `base_dir`, usually
    the project file's folder. Bad settings raise DataImportError naming the key.
    """
    if not isinstance(config, Mapping):
        raise DataImportError(f"data: must be an object of settings, got {type(config).__name__}")
    unknown = sorted(set(config) - set(DEFAULTS) - set(_SECTIONS))
    if unknown:
        known = ", ".join([*_SECTIONS, *DEFAULTS])
        raise DataImportError(f"data.{unknown[0]}: unknown setting; known settings: {known}")
    name = config.get("dataset")
    if not isinstance(name, str) or name not in DATASETS:
        raise DataImportError(f"data.dataset: unknown data set {name!r}; known: {', '.join(DATASETS)}")
    settings = _read_settings(config)
    return _LOADERS[name](name, settings, config, Path(base_dir) if base_dir is not None else None)


# --- reading and checking settings --------------------------------------------------


def _read_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The project's data table (graph_core.settings) checks values; this adds the
    cross-field rule for split ratios."""
    problems = check_section(DATA_FIELDS, dict(config), "data")
    if problems:
        raise DataImportError(problems[0])
    c = {**DEFAULTS, **{k: v for k, v in config.items() if k in DEFAULTS}}
    try:
        c["split"] = check_ratios(c["split"])
    except ValueError as exc:
        raise DataImportError(f"data.split: {exc}") from None
    return c


def _section(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section = config.get(key)
    if not isinstance(section, Mapping):
        raise DataImportError(f"data.{key}: needs settings such as {{'path': ...}}, got {section!r}")
    if not isinstance(section.get("path"), str) or not section["path"]:
        raise DataImportError(f"data.{key}.path: must name a file or folder, got {section.get('path')!r}")
    return section


def _resolve(path: str, base_dir: Path | None) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() or base_dir is None else base_dir / p


# --- one loader per family: (name, settings, raw config, base dir) -> bundle ----------


def _points(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_points2d(
        name,
        samples=s["samples"],
        noise=s["noise"],
        seed=s["seed"],
        features=s["features"],
        split=s["split"],
    )


def _drawn(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_drawn(
        s["points"],
        samples=s["samples"],
        noise=s["noise"],
        seed=s["seed"],
        features=s["features"],
        split=s["split"],
    )


def _sine(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_sine(samples=s["samples"], noise=s["noise"], seed=s["seed"], split=s["split"])


def _forecast(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_sine_forecast(
        samples=s["samples"],
        noise=s["noise"],
        seed=s["seed"],
        window=s["window"],
        split=s["split"],
    )


def _sequence(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_sequence_task(
        name,
        samples=s["samples"],
        seed=s["seed"],
        seq_len=s["seq_len"],
        tokens=s["tokens"],
        split=s["split"],
    )


def _digits(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_digits(layout=s["layout"], seed=s["seed"], split=s["split"])


def _csv(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    section = complete(CSV_FIELDS, _section(config, "csv"))
    if not section["target"]:
        raise DataImportError("data.csv.target: name the column to predict")
    return import_csv(
        _resolve(section["path"], base),
        target=section["target"],
        features=section["features"],
        task=section["task"],
        standardize=section["standardize"],
        split=s["split"],
        seed=s["seed"],
    )


def _image_folder(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    section = complete(IMAGE_FOLDER_FIELDS, _section(config, "image_folder"))
    size = section["size"]
    return import_image_folder(
        _resolve(section["path"], base),
        size=[size, size] if isinstance(size, int) else size,
        mode=section["mode"],
        split=s["split"],
        seed=s["seed"],
    )


def _corpus(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    return make_corpus_dataset(name, samples=s["samples"], context=s["context"], seed=s["seed"], split=s["split"])


def _text_file(name: str, s: dict[str, Any], config: Mapping[str, Any], base: Path | None) -> DataBundle:
    section = complete(TEXT_FILE_FIELDS, _section(config, "text_file"))
    return import_text_file(
        _resolve(section["path"], base),
        samples=s["samples"],
        context=s["context"],
        seed=s["seed"],
        split=s["split"],
    )


_Loader = Callable[[str, dict[str, Any], Mapping[str, Any], "Path | None"], DataBundle]
_LOADERS: dict[str, _Loader] = {
    **{name: _points for name, info in DATASETS.items() if info.kind == "points2d"},
    "drawn": _drawn,
    "sine": _sine,
    "digits": _digits,
    "sine_forecast": _forecast,
    "parity": _sequence,
    "pattern": _sequence,
    "csv": _csv,
    "image_folder": _image_folder,
    "arithmetic": _corpus,
    "grammar": _corpus,
    "text_file": _text_file,
}
