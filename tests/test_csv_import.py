"""A user brings their own CSV file: columns by name, classes from text, clear errors."""

from __future__ import annotations

import pytest
import torch

from graph_core.data import DataImportError, import_csv

FRUIT = """weight,colour_score,diameter,fruit
150,0.8,7.1,apple
120,0.3,6.0,pear
160,0.9,7.5,apple
110,0.2,5.8,pear
130,0.5,6.5,banana
140,0.6,6.8,banana
155,0.85,7.3,apple
115,0.25,5.9,pear
135,0.55,6.6,banana
145,0.65,6.9,banana
"""


def write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def all_rows(b, part: str = "x") -> torch.Tensor:
    return torch.cat([getattr(b, f"{part}_{s}") for s in ("train", "val", "test")])


def test_text_target_becomes_sorted_classes(tmp_path):
    b = import_csv(write(tmp_path, FRUIT), target="fruit", standardize=False)
    assert b.task == "classification" and b.kind == "tabular" and b.name == "data"
    assert b.class_names == ["apple", "banana", "pear"]
    assert b.num_classes == 3
    assert b.feature_names == ["weight", "colour_score", "diameter"]
    # Each row keeps its own label: apples are the heavy ones, pears the light ones.
    x, y = all_rows(b), all_rows(b, "y")
    assert set(y[x[:, 0] >= 150].tolist()) == {0}
    assert set(y[x[:, 0] <= 120].tolist()) == {2}


def test_chosen_features_come_in_the_chosen_order(tmp_path):
    b = import_csv(write(tmp_path, FRUIT), target="fruit", features=["diameter", "weight"], standardize=False)
    assert b.feature_names == ["diameter", "weight"]
    assert b.input_shape == (2,)
    assert (all_rows(b)[:, 1] > 100).all()


def test_fractional_target_is_regression_with_a_column_of_targets(tmp_path):
    b = import_csv(write(tmp_path, FRUIT), target="colour_score", features=["weight"], standardize=False)
    assert b.task == "regression" and b.num_classes is None
    assert b.y_train.dtype == torch.float32 and b.target_shape == (1,)
    assert sorted(all_rows(b, "y")[:, 0].tolist())[0] == pytest.approx(0.2)


def test_few_whole_numbers_are_classes_sorted_as_numbers(tmp_path):
    rows = "".join(f"{i},{c}\n" for i, c in enumerate([2, 10, 2, 10, 3, 3, 2, 10, 3, 2]))
    b = import_csv(write(tmp_path, "x,grade\n" + rows), target="grade")
    assert b.task == "classification"
    assert b.class_names == ["2", "3", "10"]


def test_task_can_be_forced_to_regression_for_whole_numbers(tmp_path):
    rows = "".join(f"{i},{i % 3}\n" for i in range(12))
    b = import_csv(write(tmp_path, "x,level\n" + rows), target="level", task="regression")
    assert b.task == "regression"


def test_standardization_uses_the_training_split_only(tmp_path):
    path = write(tmp_path, FRUIT)
    raw = import_csv(path, target="fruit", standardize=False, seed=4)
    scaled = import_csv(path, target="fruit", standardize=True, seed=4)
    mean, std = raw.x_train.mean(0), raw.x_train.std(0, correction=0)
    assert torch.allclose(scaled.x_train.mean(0), torch.zeros(3), atol=1e-5)
    assert torch.allclose(scaled.x_val, (raw.x_val - mean) / std, atol=1e-5)
    assert torch.allclose(scaled.x_test, (raw.x_test - mean) / std, atol=1e-5)


def test_byte_order_mark_semicolons_and_decimal_commas_are_understood(tmp_path):
    text = "\ufeffheight;label\n1,5;a\n2,5;b\n1,0;a\n3,0;b\n"
    b = import_csv(write(tmp_path, text), target="label", standardize=False, split=[0.5, 0.5, 0])
    assert b.feature_names == ["height"]
    assert sorted(all_rows(b)[:, 0].tolist()) == [1.0, 1.5, 2.5, 3.0]


def test_non_numeric_cell_is_reported_with_spreadsheet_row_and_column(tmp_path):
    lines = FRUIT.splitlines()
    lines[3] = "abc,0.9,7.5,apple"  # the 4th line: row 4 in a spreadsheet
    with pytest.raises(DataImportError) as error:
        import_csv(write(tmp_path, "\n".join(lines)), target="fruit")
    assert str(error.value) == 'data.csv, row 4, column "weight": "abc" is not a number'


def test_blank_lines_count_as_rows_like_a_spreadsheet_shows_them(tmp_path):
    text = "a,b,y\n1,2,p\n\n3,,q\n"
    with pytest.raises(DataImportError, match=r'row 4, column "b": the cell is empty'):
        import_csv(write(tmp_path, text), target="y")


def test_not_a_finite_number_is_reported(tmp_path):
    with pytest.raises(DataImportError, match=r'row 3, column "a": "NaN" is not a finite number'):
        import_csv(write(tmp_path, "a,y\n1,p\nNaN,q\n"), target="y")


def test_text_target_cannot_be_forced_to_regression(tmp_path):
    with pytest.raises(DataImportError, match=r'row 2, column "fruit": "apple" is not a number'):
        import_csv(write(tmp_path, FRUIT), target="fruit", task="regression")


def test_empty_target_cell_is_reported(tmp_path):
    with pytest.raises(DataImportError, match=r'row 3, column "y": the target cell is empty'):
        import_csv(write(tmp_path, "a,y\n1,p\n2,\n3,q\n"), target="y")


def test_ragged_row_is_reported_with_its_cell_count(tmp_path):
    with pytest.raises(DataImportError, match=r"data.csv, row 3: has 2 cells but the header has 3 columns"):
        import_csv(write(tmp_path, "a,b,y\n1,2,p\n3,q\n"), target="y")


def test_trailing_empty_cells_from_spreadsheets_are_tolerated(tmp_path):
    b = import_csv(write(tmp_path, "a,y,,\n1,p,,\n2,q,,\n3,p\n4,q,,\n"), target="y", split=[0.5, 0.5, 0])
    assert len(all_rows(b)) == 4


def test_unknown_column_lists_the_available_ones(tmp_path):
    path = write(tmp_path, FRUIT)
    with pytest.raises(DataImportError, match=r'no column "kind"; available columns: "weight", "colour_score"'):
        import_csv(path, target="kind")
    with pytest.raises(DataImportError, match=r'no column "height"'):
        import_csv(path, target="fruit", features=["weight", "height"])


def test_target_cannot_also_be_a_feature(tmp_path):
    with pytest.raises(DataImportError, match="cannot also be a feature"):
        import_csv(write(tmp_path, FRUIT), target="fruit", features=["weight", "fruit"])


def test_missing_file_is_reported_with_its_path(tmp_path):
    with pytest.raises(DataImportError, match=r"CSV file not found: .*nowhere\.csv"):
        import_csv(tmp_path / "nowhere.csv", target="y")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "data.csv is empty"),
        ("\n \n", "data.csv is empty"),
        ("a,b,y\n", "has a header but no data rows"),
        ("1,2,3\n4,5,6\n", "row 1: the first row holds numbers, not column names"),
        ("a,,y\n1,2,p\n", "column 2 has no name"),
        ("a,a,y\n1,2,p\n", "names columns twice: a"),
        ("a,y\n1,p\n2,p\n", 'column "y" has only one value'),
    ],
)
def test_malformed_files_are_refused_with_a_reason(tmp_path, text, message):
    with pytest.raises(DataImportError, match=message):
        import_csv(write(tmp_path, text), target="y")


def test_non_utf8_bytes_are_reported_with_a_way_out(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,y\ncaf\u00e9,1\n".encode("latin-1"))
    with pytest.raises(DataImportError, match=r'latin.csv is not UTF-8 text \(byte 0xe9 .*"CSV UTF-8"'):
        import_csv(path, target="y")


def test_utf16_export_from_excel_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("a\ty\n1\tp\n2\tq\n3\tp\n4\tq\n".encode("utf-16"))
    b = import_csv(path, target="y", split=[0.5, 0.5, 0])
    assert b.class_names == ["p", "q"] and b.feature_names == ["a"]
