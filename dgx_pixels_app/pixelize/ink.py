"""Where a small sprite lies on a plain background: the box of the pixels unlike their
surroundings (the "ink"). On a picture mostly of paper, JPEG's block seams and the
paper's texture outnumber a pale sprite's few edges, and the whole picture's edge
profiles read the cell at the blocks; the sprite's own box reads the sprite."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from dgx_pixels_app.pixelize.stats import median

READ_AT = 512  # the picture is looked at this many pixels across at most
SURROUND = 15  # the surroundings: a box this many pixels either way
INK_LEVEL = 12.0  # a pixel this far (in its most different channel) from them is ink
INK_OVER_NOISE = 6.0  # ... or this multiple of the picture's typical difference
INK_LINE = 2  # a row or column holds ink when it has at least this many such pixels
MARGIN = 0.1  # the box, grown by this share of its size either way
MARGIN_PX = 8
SMALL = 0.5  # ... is the sprite's when it covers at most this share of the picture
BLOCK = 8  # JPEG's block
SMALLEST = 24  # ... and is at least this many pixels on a side


def ink_box(image: np.ndarray, read_at: int = READ_AT) -> tuple[slice, slice] | None:
    """The (rows, columns) of the picture's ink with a margin, or None when the ink is
    most of the picture (nothing to leave out) or too little to read a grid from;
    looked at ``read_at`` pixels across at most."""
    h, w = image.shape[:2]
    step = -(-max(h, w) // read_at)  # (a box needs no more detail than this)
    rgb = _rgb8(image[::step, ::step])
    around = Image.fromarray(rgb).filter(ImageFilter.BoxBlur(max(2, SURROUND // step)))
    diff = np.abs(rgb.astype(np.int16) - np.asarray(around, np.int16)).max(axis=-1)
    level = max(INK_LEVEL, INK_OVER_NOISE * float(median(diff)))
    ink = diff > level
    rows = np.flatnonzero(ink.sum(axis=1) >= INK_LINE)
    cols = np.flatnonzero(ink.sum(axis=0) >= INK_LINE)
    if rows.size == 0 or cols.size == 0:
        return None
    top, bottom = rows[0] * step, (rows[-1] + 1) * step
    left, right = cols[0] * step, (cols[-1] + 1) * step
    grow_y = int(MARGIN * (bottom - top)) + MARGIN_PX
    grow_x = int(MARGIN * (right - left)) + MARGIN_PX
    top, bottom = max(0, top - grow_y), min(h, bottom + grow_y)
    left, right = max(0, left - grow_x), min(w, right + grow_x)
    if min(bottom - top, right - left) < SMALLEST:
        return None
    # the box starts on JPEG's block grid, where its seams stay (jpeg_seams: the
    # picture's own corner; a part cut from a sheet at another offset is read as if so)
    top, left = top // BLOCK * BLOCK, left // BLOCK * BLOCK
    if (bottom - top) * (right - left) > SMALL * h * w:
        return None
    return slice(top, bottom), slice(left, right)


def _rgb8(image: np.ndarray) -> np.ndarray:
    """The picture's colour as contiguous 8-bit RGB (a grey picture's one channel thrice,
    other number types clipped to 0-255), for Pillow."""
    if image.ndim == 2:
        image = image[..., None]
    rgb = image[..., :3]
    if rgb.shape[-1] < 3:
        rgb = np.repeat(rgb[..., :1], 3, axis=-1)
    if rgb.dtype != np.uint8:
        rgb = np.clip(np.nan_to_num(rgb.astype(np.float64)), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(rgb)
