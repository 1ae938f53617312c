"""A style dataset from a folder of reference sprites, prepared the pixel-art way.

Images (PNG, JPEG, WebP, and the first frame of ``.aseprite``) with optional
same-name ``.txt`` captions. Small sprites are scaled up by a whole number with
nearest neighbour (never blurred) to fit an aspect-ratio bucket of about
``resolution``² pixels, and placed on a flat background colour — never cropped, so
no sprite loses its feet. Unreadable images are skipped and listed; the summary
says what will be trained on before any GPU time is spent.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.errors import DgxPixelsError, FileFormatError, InvalidInputError
from dgx_pixels_app.core.words import counted

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".aseprite", ".ase")
MIN_SIDE = 8
MIN_IMAGES = 1
BACKGROUND = (255, 255, 255)


@dataclass
class Item:
    path: Path
    image: np.ndarray  # RGB uint8 at the bucket's size
    caption: str
    original_size: tuple[
        int, int
    ]  # (height, width) of the sprite as placed, for SDXL's micro-conditioning
    crop: tuple[int, int]  # (top, left): where the sprite sits in the bucket
    bucket: tuple[int, int]  # (height, width)


@dataclass
class Dataset:
    items: list[Item]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    captions_found: int = 0

    def buckets(self) -> Counter:
        return Counter(item.bucket for item in self.items)

    def tag_frequency(self) -> dict[str, int]:
        tags: Counter = Counter()
        for item in self.items:
            tags.update(t.strip() for t in item.caption.split(",") if t.strip())
        return dict(tags.most_common())

    def summary(self) -> str:
        lines = [
            f"{counted(len(self.items), 'image')} to train on, {self.captions_found} with a caption file"
        ]
        for (h, w), n in sorted(self.buckets().items()):
            lines.append(f"  bucket {w}x{h}: {n}")
        for name, why in self.skipped:
            lines.append(f"  skipped {name}: {why}")
        return "\n".join(lines)


def buckets_for(resolution: int) -> list[tuple[int, int]]:
    """(height, width) buckets of about resolution² pixels, sides multiples of 64."""
    area = resolution * resolution
    out = set()
    for w in range(max(64, resolution // 2), resolution * 2 + 1, 64):
        h = int(area / w) // 64 * 64
        if h >= 64 and 0.25 <= w / h <= 4:
            out.add((h, w))
            out.add((w, h))
    return sorted(out)


def _read(path: Path) -> np.ndarray:
    if path.suffix.lower() in (".aseprite", ".ase"):
        from dgx_pixels_app.formats import aseprite

        return aseprite.load(path).composite(0)
    from dgx_pixels_app.formats.images import read_rgba

    return read_rgba(path)


def place(rgba: np.ndarray, resolution: int, background=BACKGROUND):
    """(RGB image at its bucket, bucket, placed size, (top, left))."""
    h, w = rgba.shape[:2]
    aspect = w / h
    bucket = min(buckets_for(resolution), key=lambda b: abs(math.log((b[1] / b[0]) / aspect)))
    bh, bw = bucket
    factor = max(1, min(bh // h, bw // w))
    if h * factor > bh or w * factor > bw:  # larger than the bucket: shrink (nearest)
        from dgx_pixels_app.core.raster import resize_nearest

        scale = min(bh / h, bw / w)
        rgba = resize_nearest(rgba, max(1, int(w * scale)), max(1, int(h * scale)))
    else:
        rgba = np.repeat(np.repeat(rgba, factor, axis=0), factor, axis=1)
    ph, pw = rgba.shape[:2]
    alpha = rgba[..., 3:4].astype(np.float32) / 255
    rgb = (
        (rgba[..., :3] * alpha + np.array(background, np.float32) * (1 - alpha))
        .round()
        .astype(np.uint8)
    )
    canvas = np.empty((bh, bw, 3), np.uint8)
    canvas[:] = background
    top, left = (bh - ph) // 2, (bw - pw) // 2
    canvas[top : top + ph, left : left + pw] = rgb
    return canvas, bucket, (ph, pw), (top, left)


def load_dataset(folder: str | Path, resolution: int = 1024, template: str = "pixel art, {caption}",
                 trigger: str = "") -> Dataset:  # fmt: skip
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InvalidInputError(f"The dataset '{folder}' is not a folder.")
    if "{caption}" not in template:
        raise InvalidInputError("The caption template must contain {caption}.")
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )
    if not files:
        raise InvalidInputError(
            f"'{folder}' holds no images: put PNG, JPEG, WebP or .aseprite references there."
        )
    dataset = Dataset([])
    for path in files:
        try:
            rgba = _read(path)
        except DgxPixelsError as exc:
            dataset.skipped.append((path.name, str(exc)))
            continue
        if min(rgba.shape[:2]) < MIN_SIDE:
            dataset.skipped.append((path.name, f"smaller than {MIN_SIDE} px"))
            continue
        if not (rgba[..., 3] > 0).any():
            dataset.skipped.append((path.name, "fully transparent"))
            continue
        caption_file = path.with_suffix(".txt")
        caption = ""
        if caption_file.is_file():
            try:
                caption = caption_file.read_bytes().decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise FileFormatError(
                    f"The caption '{caption_file.name}' is not UTF-8 text: save it as UTF-8."
                ) from exc
            dataset.captions_found += 1
        text = template.replace(
            "{caption}", caption or path.stem.replace("_", " ").replace("-", " ")
        )
        if trigger and trigger not in text:
            text = f"{trigger}, {text}"
        image, bucket, placed, crop = place(rgba, resolution)
        dataset.items.append(Item(path, image, text.strip(", "), placed, crop, bucket))
    if len(dataset.items) < MIN_IMAGES:
        reasons = "; ".join(f"{n}: {w}" for n, w in dataset.skipped[:5])
        raise InvalidInputError(f"No usable image in '{folder}' ({reasons}).")
    return dataset
