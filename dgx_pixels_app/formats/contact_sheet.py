"""A contact sheet: every sprite of a batch on one PNG, enlarged with nearest
neighbour on a checkerboard, each with its name underneath."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MAX_TILES = 400  # beyond this the sheet shows the first 400 (it is an overview)


def _checker(size: int, cell: int = 8) -> np.ndarray:
    ys, xs = np.indices((size, size)) // cell
    light = ((ys + xs) % 2 == 0)[..., None]
    return np.where(light, np.array([70, 70, 76, 255]), np.array([56, 56, 62, 255])).astype(
        np.uint8
    )


def contact_sheet(
    entries: list[tuple[str, np.ndarray]], tile: int = 128, columns: int | None = None
) -> np.ndarray:
    """An RGBA sheet of ``(label, rgba)`` entries, ``tile`` px per sprite."""
    entries = entries[:MAX_TILES]
    count = max(1, len(entries))
    columns = columns or min(8, max(1, math.ceil(math.sqrt(count))))
    rows = math.ceil(count / columns)
    label_h, gap = 16, 8
    cell_w, cell_h = tile + gap, tile + label_h + gap
    sheet = Image.new("RGBA", (columns * cell_w + gap, rows * cell_h + gap), (32, 32, 36, 255))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    background = Image.fromarray(_checker(tile), "RGBA")
    for n, (label, rgba) in enumerate(entries):
        x, y = gap + (n % columns) * cell_w, gap + (n // columns) * cell_h
        h, w = rgba.shape[:2]
        scale = max(1, tile // max(w, h)) if max(w, h) <= tile else tile / max(w, h)
        size = (max(1, int(w * scale)), max(1, int(h * scale)))
        sprite = Image.fromarray(np.ascontiguousarray(rgba), "RGBA").resize(
            size, Image.Resampling.NEAREST
        )
        sheet.paste(background, (x, y))
        sheet.alpha_composite(sprite, (x + (tile - size[0]) // 2, y + (tile - size[1]) // 2))
        text = label if len(label) <= 20 else label[:19] + "…"
        draw.text((x, y + tile + 2), text, fill=(220, 220, 220, 255), font=font)
    return np.array(sheet)
