"""Import a user's CSV file as a `DataBundle`: columns chosen by header name.

Every problem a user can fix in the file is a `DataImportError` that names the file,
the row as a spreadsheet numbers it (header = row 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from graph_core.data.bundle import DataBundle, DataImportError
from graph_core.data.split import DEFAULT_SPLIT, make_bundle

TaskChoice = Literal["auto", "classification", "regression"]

# An integer-valued target with at most this many distinct values counts as classes.
MAX_AUTO_CLASSES = 20
# Beyond this many distinct values a "classification" target is surely a mistake.
MAX_CLASSES = 1000
# Beyond these a file is surely not a table to train on here; both are checked before
# the expensive parts (reading, parsing every cell).
MAX_CSV_BYTES = 256 * 2**20
MAX_COLUMNS = 10_000
_DELIMITERS = (",", ";", "\t")
# Excel's "Unicode text" export is UTF-16 with a byte-order mark; UTF-32's marks start
# like UTF-16's, so they are looked for first.
_BOMS = (
    ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16"),
)


def bom_encoding(raw: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte-order mark at the start of `raw` names
    (UTF-32 first: its little-endian mark begins with UTF-16's), or None."""
    return next((name for boms, name in _BOMS if raw.startswith(boms)), None)


@dataclass
class _Table:
    """The parsed file: header names and data rows with their spreadsheet row numbers."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    decimal_comma: bool
    _index: dict[str, int] = field(init=False, repr=False)  # column name -> position

    def cell_error(self, row: int, column: str, problem: str) -> DataImportError:
        return DataImportError(f'{self.name}, row {row}, column "{column}": {problem}')

    def __post_init__(self) -> None:
        self._index = {column: i for i, column in enumerate(self.header)}

    def column(self, name: str) -> list[str]:
        index = self._index[name]
        return [cells[index] for _, cells in self.rows]


def import_csv(
    path: str | Path,
    *,
    target: str,
    features: Sequence[str] | None = None,
    task: TaskChoice = "auto",
    standardize: bool = True,
    split: Sequence[float] = DEFAULT_SPLIT,
    seed: int = 0,
) -> DataBundle:
    """Read a CSV file with a header row into a split, optionally standardized, bundle.

    `features` defaults to every column but the target. With `task="auto"` the target
    is a class label when it is not numeric or holds a few whole numbers, else a value
    to regress. Standardization uses the training split's mean and spread only.
    """
    if task not in ("auto", "classification", "regression"):
        raise DataImportError(f'task must be "auto", "classification" or "regression", got {task!r}')
    table = _parse(Path(path))
    features = _choose_columns(table, target, features)
    x = torch.from_numpy(np.stack([_numbers(table, f) for f in features], axis=1).astype(np.float32))
    bundle = _with_target(table, target, task, x, split=split, seed=seed, feature_names=features)
    if standardize:
        _standardize(bundle)
    return bundle


# --- reading the file ---------------------------------------------------------------


def _read_text(path: Path) -> str:
    if not path.exists():
        raise DataImportError(f"CSV file not found: {path}")
    if path.is_dir():
        raise DataImportError(f"{path} is a folder, not a CSV file")
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DataImportError(
                f"{path.name} is {size / 2**20:,.0f} MB; CSV imports are limited to {MAX_CSV_BYTES // 2**20} MB "
                "(the data is held in memory while training)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DataImportError(f"cannot read {path}: {exc.strerror or exc}") from exc
    encoding = bom_encoding(raw) or "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        raise DataImportError(
            f"{path.name} is not UTF-8 text (byte 0x{bad:02x} at offset {exc.start}); "
            'save it as "CSV UTF-8" and import it again'
        ) from None
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise DataImportError(
            f"{path.name}, row {row}: holds NUL characters, so it is not plain text: UTF-16 or UTF-32 without a "
            'byte-order mark, or not a CSV file at all; save it as "CSV UTF-8" and import it again'
        )
    return text


def _delimiter(text: str) -> str:
    """The delimiter used most in the first line: comma, semicolon or tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","


def _parse(path: Path) -> _Table:
    text = _read_text(path)
    if not text.strip():
        raise DataImportError(f"{path.name} is empty")
    delimiter = _delimiter(text)
    records = _records(path.name, text, delimiter)
    if not records:
        raise DataImportError(f"{path.name} is empty")
    header_row, header = records[0]
    # Spreadsheets leave trailing separators; the header row has some name, so this stops.
    while not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise DataImportError(
            f"{path.name}, row {header_row}: the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are supported"
        )
    _check_header(path.name, header_row, header)
    rows = [(number, _fit_to_header(path.name, number, cells, header)) for number, cells in records[1:]]
    if not rows:
        raise DataImportError(f"{path.name} has a header but no data rows")
    # With ";" between cells, "1,5" is the European way of writing 1.5.
    return _Table(path.name, header, rows, decimal_comma=delimiter == ";")


def _records(name: str, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with their row numbers as a spreadsheet shows them."""
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        # One row per record, blank rows included, so the numbers match a spreadsheet's.
        for number, cells in enumerate(reader, start=1):
            cells = [c.strip() for c in cells]
            if any(cells):
                records.append((number, cells))
    except csv.Error as exc:
        raise DataImportError(f"{name}, row {number + 1}: cannot be read as CSV ({exc})") from None
    return records


def _check_header(name: str, row: int, header: list[str]) -> None:
    if all(_to_float(cell, decimal_comma=False) is not None for cell in header):
        raise DataImportError(
            f"{name}, row {row}: the first row holds numbers, not column names; add a header row that names each column"
        )
    for i, column in enumerate(header, start=1):
        if not column:
            raise DataImportError(f"{name}, row {row}: column {i} has no name in the header")
    duplicates = sorted(c for c, n in Counter(header).items() if n > 1)
    if duplicates:
        raise DataImportError(f"{name}, row {row}: the header names columns twice: {', '.join(duplicates)}")


def _fit_to_header(name: str, row: int, cells: list[str], header: list[str]) -> list[str]:
    # Spreadsheets often leave trailing empty cells; only real extra or missing cells count.
    while len(cells) > len(header) and not cells[-1]:
        cells.pop()
    if len(cells) != len(header):
        raise DataImportError(f"{name}, row {row}: has {len(cells)} cells but the header has {len(header)} columns")
    return cells


# --- columns and values -------------------------------------------------------------


def _choose_columns(table: _Table, target: str, features: Sequence[str] | None) -> list[str]:
    names = set(table.header)
    for column in [target, *(features or [])]:
        if column not in names:
            available = ", ".join(f'"{c}"' for c in table.header[:50]) + (", ..." if len(table.header) > 50 else "")
            raise DataImportError(f'{table.name} has no column "{column}"; available columns: {available}')
    if features is None:
        features = [c for c in table.header if c != target]
    features = list(features)
    if target in features:
        raise DataImportError(f'column "{target}" is the target, so it cannot also be a feature')
    if not features:
        raise DataImportError(f"{table.name}: choose at least one feature column besides the target")
    if len(set(features)) != len(features):
        raise DataImportError(f"feature columns are repeated: {', '.join(features)}")
    return features


def _to_float(cell: str, *, decimal_comma: bool) -> float | None:
    """The cell's finite number, or None."""
    if decimal_comma and "," in cell and "." not in cell:
        cell = cell.replace(",", ".")
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers(table: _Table, column: str) -> np.ndarray:
    """A column as float64, or an error naming the first cell that is not a number."""
    cells = table.column(column)
    values = [_to_float(c, decimal_comma=table.decimal_comma) for c in cells]
    for (row, _), cell, value in zip(table.rows, cells, values, strict=True):
        if value is None:
            raise table.cell_error(row, column, _why_not_a_number(cell))
    return np.asarray(values, dtype=np.float64)


def _why_not_a_number(cell: str) -> str:
    if not cell:
        return "the cell is empty"
    if cell.lower() in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        return f'"{cell}" is not a finite number'
    return f'"{cell}" is not a number'


def _with_target(table: _Table, target: str, task: TaskChoice, x: torch.Tensor, **common: object) -> DataBundle:
    cells = table.column(target)
    for (row, _), cell in zip(table.rows, cells, strict=True):
        if not cell:
            raise table.cell_error(row, target, "the target cell is empty")
    values = [_to_float(c, decimal_comma=table.decimal_comma) for c in cells]
    numeric = all(v is not None for v in values)
    if task == "auto":
        task = "classification" if not numeric or _few_whole_numbers(values) else "regression"
    name = Path(table.name).stem
    if task == "regression":
        y = torch.from_numpy(_numbers(table, target).astype(np.float32)).unsqueeze(1)
        return make_bundle(name, "regression", "tabular", x, y, **common)
    labels, class_names = _classes(target, cells, values if numeric else None)
    return make_bundle(
        name,
        "classification",
        "tabular",
        x,
        torch.from_numpy(labels),
        num_classes=len(class_names),
        class_names=class_names,
        **common,
    )


def _few_whole_numbers(values: list[float | None]) -> bool:
    distinct = set(values)
    # A column of mostly unique whole numbers (ages, prices) is a quantity, not a class.
    limit = min(MAX_AUTO_CLASSES, max(2, len(values) // 2))
    return len(distinct) <= limit and all(float(v).is_integer() for v in distinct)


def _classes(target: str, cells: list[str], values: list[float | None] | None) -> tuple[np.ndarray, list[str]]:
    """Class indices and sorted class names; numbers sort as numbers ("2" before "10")."""
    keys: list[float | str] = values if values is not None else cells  # type: ignore[assignment]
    distinct = sorted(set(keys))
    if len(distinct) < 2:
        raise DataImportError(f'column "{target}" has only one value ({cells[0]!r}); a class target needs two or more')
    if len(distinct) > MAX_CLASSES:
        raise DataImportError(
            f'column "{target}" has {len(distinct)} distinct values, too many classes; did you mean task "regression"?'
        )
    index = {key: i for i, key in enumerate(distinct)}
    labels = np.array([index[k] for k in keys], dtype=np.int64)
    names = [_class_name(k) for k in distinct]
    return labels, names


def _class_name(key: float | str) -> str:
    if isinstance(key, str):
        return key
    return str(int(key)) if key.is_integer() else f"{key:g}"


def _standardize(bundle: DataBundle) -> None:
    """Scale features to mean 0, std 1 with the training split's statistics only."""
    mean = bundle.x_train.mean(dim=0)
    std = bundle.x_train.std(dim=0, correction=0)
    std = torch.where(std > 0, std, torch.ones_like(std))  # a constant column stays at 0
    bundle.x_train = (bundle.x_train - mean) / std
    bundle.x_val = (bundle.x_val - mean) / std
    bundle.x_test = (bundle.x_test - mean) / std
