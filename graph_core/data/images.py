"""Import a folder of images, one sub-folder per class, as a `DataBundle`.

Images are resized with Pillow to one size, greyscale ("L") or colour ("RGB"), and
scaled to [0, 1]. Unreadable files and decompression bombs are refused by name.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from PIL import Image, ImageOps

from graph_core.data.bundle import DataBundle, DataImportError
from graph_core.data.split import DEFAULT_SPLIT, make_bundle

ImageMode = Literal["L", "RGB"]
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
# Larger than any camera photo a person would sort into class folders (64 megapixels),
# far smaller than what a crafted file can claim. Checked from the header, before decoding.
MAX_IMAGE_PIXELS = 64_000_000
MAX_SIDE = 1024
_WHITE = (255, 255, 255, 255)


def import_image_folder(
    path: str | Path,
    *,
    size: Sequence[int] = (28, 28),
    mode: ImageMode = "L",
    split: Sequence[float] = DEFAULT_SPLIT,
    seed: int = 0,
) -> DataBundle:
    """Load `path/<class>/<image>` files as x (N, C, H, W) float32 in [0, 1] and y class ids.

    `size` is (height, width) as in torch; class names are the sub-folder names, sorted.
    Transparent pixels are laid over white.
    """
    height, width = _check_size(size)
    if mode not in ("L", "RGB"):
        raise DataImportError(f'image mode must be "L" (greyscale) or "RGB", got {mode!r}')
    root = Path(path)
    classes = _class_folders(root)
    images, labels = [], []
    for label, folder in enumerate(classes):
        for file in _image_files(folder):
            images.append(_load_image(file, root, (width, height), mode))
            labels.append(label)
    channels = 1 if mode == "L" else 3
    return make_bundle(
        root.name,
        "classification",
        "image",
        torch.from_numpy(np.stack(images)),
        torch.tensor(labels, dtype=torch.int64),
        split=split,
        seed=seed,
        num_classes=len(classes),
        class_names=[c.name for c in classes],
        image_shape=(channels, height, width),
    )


def _check_size(size: Sequence[int]) -> tuple[int, int]:
    if len(size) != 2 or not all(isinstance(s, int) and 1 <= s <= MAX_SIDE for s in size):
        raise DataImportError(f"image size must be [height, width] with sides from 1 to {MAX_SIDE}, got {list(size)}")
    return size[0], size[1]


def _class_folders(root: Path) -> list[Path]:
    if not root.exists():
        raise DataImportError(f"image folder not found: {root}")
    if not root.is_dir():
        raise DataImportError(f"{root} is a file; choose the folder that holds one sub-folder per class")
    classes = sorted(
        (d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")),
        key=lambda d: d.name,
    )
    if len(classes) < 2:
        found = f"only {classes[0].name!r}" if classes else "none"
        raise DataImportError(
            f"{root} needs one sub-folder per class and at least two classes (found {found}); "
            "put each class's images in a folder named after the class"
        )
    return classes


def _image_files(folder: Path) -> list[Path]:
    # Hidden files include macOS's "._name.png" companions, which are not images.
    files = sorted(
        f
        for f in folder.iterdir()
        if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS and not f.name.startswith(".")
    )
    if not files:
        raise DataImportError(f'class folder "{folder.name}" has no images (looked for {", ".join(IMAGE_EXTENSIONS)})')
    return files


def _load_image(file: Path, root: Path, size: tuple[int, int], mode: ImageMode) -> np.ndarray:
    """One image as float32 (C, H, W) in [0, 1]; `size` is Pillow's (width, height)."""
    name = file.relative_to(root).as_posix()
    try:
        # Pillow only warns between its limit and twice it; make that a refusal too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as img:
                _check_pixels(name, img.size)
                img.draft(mode, size)  # JPEG decodes straight to a smaller size: much faster
                pixels = _prepare(img, mode).resize(size, Image.Resampling.BILINEAR)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataImportError(f"{name}: refused, the image claims more than {MAX_IMAGE_PIXELS:,} pixels") from None
    except DataImportError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Pillow's decoders raise many kinds of error for a broken file; all mean the same
        # thing to the user.
        raise DataImportError(f"{name}: cannot be read as an image ({exc})") from None
    array = np.asarray(pixels, dtype=np.float32) / 255.0
    return array[None] if mode == "L" else array.transpose(2, 0, 1).copy()


def _check_pixels(name: str, size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise DataImportError(
            f"{name}: refused, {width}x{height} pixels is more than the limit of "
            f"{MAX_IMAGE_PIXELS:,} (a possible decompression bomb)"
        )


def _prepare(img: Image.Image, mode: ImageMode) -> Image.Image:
    """Orientation from EXIF, transparency over white, 16-bit grey to 8-bit, then `mode`."""
    img = ImageOps.exif_transpose(img)
    if img.mode.startswith("I"):
        # Pillow's own conversion clips 16-bit values at 255, turning the image white.
        grey = np.clip(np.asarray(img, dtype=np.float32) / 257.0, 0, 255).astype(np.uint8)
        img = Image.fromarray(grey)
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        img = Image.alpha_composite(Image.new("RGBA", img.size, _WHITE), img.convert("RGBA"))
    return img.convert(mode)
