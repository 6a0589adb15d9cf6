"""A user brings a folder of images, one sub-folder per class."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from graph_core.data import DataImportError, import_image_folder, load_dataset
from graph_core.data.images import MAX_IMAGE_PIXELS


def save(path, color, size=(16, 12), mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


@pytest.fixture
def shapes_folder(tmp_path):
    """Two classes of differently sized images: dark squares and bright reds."""
    root = tmp_path / "shapes"
    for i in range(4):
        save(root / "red" / f"r{i}.png", (220, 10, 10), size=(20 + i, 15))
        save(root / "dark" / f"d{i}.jpg", (5, 5, 5), size=(9, 30 + i))
    return root


def all_x(b):
    return torch.cat([b.x_train, b.x_val, b.x_test])


def all_y(b):
    return torch.cat([b.y_train, b.y_val, b.y_test])


def test_folder_of_class_folders_becomes_resized_images_with_sorted_class_names(shapes_folder):
    b = import_image_folder(shapes_folder, size=(12, 10), mode="RGB", split=[0.5, 0.25, 0.25])
    assert b.task == "classification" and b.kind == "image" and b.name == "shapes"
    assert b.class_names == ["dark", "red"]
    assert b.input_shape == (3, 12, 10) == b.image_shape
    x, y = all_x(b), all_y(b)
    assert x.dtype == torch.float32 and len(x) == 8
    assert 0 <= x.min() and x.max() <= 1
    # Red images are red in channel 0 only; dark ones are dark everywhere.
    red = x[y == 1]
    assert (red[:, 0] > 0.8).all() and (red[:, 1] < 0.1).all()
    assert (x[y == 0] < 0.1).all()


def test_greyscale_mode_gives_one_channel(shapes_folder):
    b = import_image_folder(shapes_folder, size=(8, 8), mode="L")
    assert b.input_shape == (1, 8, 8)


def test_transparent_pixels_are_laid_over_white(tmp_path):
    save(tmp_path / "icons" / "a" / "clear.png", (0, 0, 0, 0), mode="RGBA")
    save(tmp_path / "icons" / "b" / "solid.png", (0, 0, 0, 255), mode="RGBA")
    b = import_image_folder(tmp_path / "icons", size=(4, 4), split=[0.5, 0.5, 0])
    x, y = all_x(b), all_y(b)
    assert torch.allclose(x[y == 0], torch.ones(1, 1, 4, 4))
    assert torch.allclose(x[y == 1], torch.zeros(1, 1, 4, 4))


def test_sixteen_bit_greyscale_keeps_its_shades(tmp_path):
    root = tmp_path / "scans"
    for name, level in (("low", 16384), ("high", 49152)):
        (root / name).mkdir(parents=True)
        Image.fromarray(np.full((6, 6), level, dtype=np.uint16)).save(root / name / "scan.png")
    b = import_image_folder(root, size=(6, 6), split=[0.5, 0.5, 0])
    x, y = all_x(b), all_y(b)
    assert x[y == 1].mean() == pytest.approx(0.25, abs=0.01)  # "low", not clipped to white
    assert x[y == 0].mean() == pytest.approx(0.75, abs=0.01)


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(DataImportError, match="image folder not found"):
        import_image_folder(tmp_path / "nowhere")


def test_a_single_class_is_not_enough(tmp_path):
    save(tmp_path / "only" / "cats" / "c.png", (1, 2, 3))
    with pytest.raises(DataImportError, match=r"at least two classes \(found only 'cats'\)"):
        import_image_folder(tmp_path / "only")


def test_class_folder_without_images_is_named(shapes_folder):
    (shapes_folder / "empty").mkdir()
    (shapes_folder / "empty" / "notes.txt").write_text("no pictures here")
    with pytest.raises(DataImportError, match=r'class folder "empty" has no images'):
        import_image_folder(shapes_folder)


def test_unreadable_image_is_named(shapes_folder):
    (shapes_folder / "red" / "broken.png").write_bytes(b"this is not a png")
    with pytest.raises(DataImportError, match=r"red/broken.png: cannot be read as an image"):
        import_image_folder(shapes_folder)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size but holds (almost) no pixel data, like a crafted bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "side",
    [
        int(MAX_IMAGE_PIXELS**0.5) + 100,  # above our limit, below Pillow's own
        10_000,  # above Pillow's warning limit
        20_000,  # above Pillow's error limit
    ],
)
def test_decompression_bomb_is_refused_before_decoding(shapes_folder, side):
    (shapes_folder / "red" / "bomb.png").write_bytes(png_header(side, side))
    with pytest.raises(DataImportError, match=r"red/bomb.png: refused.*pixels"):
        import_image_folder(shapes_folder)


def test_bad_size_and_mode_are_refused(shapes_folder):
    with pytest.raises(DataImportError, match=r"image size must be \[height, width\]"):
        import_image_folder(shapes_folder, size=(0, 28))
    with pytest.raises(DataImportError, match='must be "L"'):
        import_image_folder(shapes_folder, mode="CMYK")


def test_image_folder_data_section_reads_a_path_relative_to_the_project(shapes_folder):
    config = {"dataset": "image_folder", "image_folder": {"path": "shapes", "size": 6, "mode": "RGB"}}
    b = load_dataset(config, base_dir=shapes_folder.parent)
    assert b.input_shape == (3, 6, 6) and b.class_names == ["dark", "red"]
