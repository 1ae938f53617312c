"""One colour per grid cell, read from the cell's interior.

The outer ring of each cell is blurred into its neighbours, so only the inner part
is sampled: a fixed lattice of points inside each cell (vectorized for every cell at
once) reduced by the per-channel median, or by the mode of the lattice colours.
Cells under 8 pixels have the blur reaching even their interior (``small``): the
pipeline reads their colours again with the blur solved out (deblur.py).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.pixelize.cuts import Grid, sample_pixels
from dgx_pixels_app.pixelize.stats import median

SAMPLES = 5  # lattice points per axis inside each cell
INSET = 0.25  # fraction of the cell ignored on each side
# Cells this small have the upscale's blur (and JPEG's) reaching their centres: their
# colours are read with the blur solved out.
DEBLUR_BELOW = 8.0
TEXTURE_CELL = 16.0  # cells at least this large are checked for texture (cell_texture)
TEXTURE_BLOCK = 4  # ... on blocks of this many pixels a side


def small(grid: Grid) -> bool:
    """Whether the grid's cells are small enough for blur to reach their centres."""
    return min(grid.x.cell, grid.y.cell) < DEBLUR_BELOW


def sample_cells(image: np.ndarray, grid: Grid, method: str = "median") -> np.ndarray:
    """The (rows, cols, channels) image of cell colours, as sampled (small cells'
    colours are then read again with the blur solved out: deblurred_cells)."""
    h, w = image.shape[:2]
    lattice = np.linspace(INSET, 1 - INSET, SAMPLES)
    xs = sample_pixels(grid.x.cuts, w, lattice)  # (nx, S)
    ys = sample_pixels(grid.y.cuts, h, lattice)  # (ny, S)
    # patch[ny, nx, Sy, Sx, C]
    patch = image[ys[:, None, :, None], xs[None, :, None, :]]
    ny, nx = ys.shape[0], xs.shape[0]
    flat = patch.reshape(ny, nx, SAMPLES * SAMPLES, image.shape[2])
    if method == "median":
        return median(flat, axis=2).round().astype(np.uint8)
    if method == "mean":
        return flat.mean(axis=2).round().astype(np.uint8)
    if method == "mode":
        return _mode(flat)
    raise InvalidInputError(f"Unknown cell colour method '{method}' (median, mean or mode).")


def _mode(flat: np.ndarray) -> np.ndarray:
    """Most frequent colour per cell after coarse binning; ties go to the median."""
    ny, nx, n, c = flat.shape
    binned = (flat.astype(np.int32) >> 3).reshape(ny * nx, n, c)
    keys = np.zeros(binned.shape[:2], dtype=np.int64)
    for ch in range(c):
        keys = keys * 32 + binned[..., ch]
    sorted_keys = np.sort(keys, axis=1)
    # run lengths of equal keys, per cell
    best = np.empty(ny * nx, dtype=np.int64)
    for i in range(ny * nx):
        values, counts = np.unique(sorted_keys[i], return_counts=True)
        best[i] = values[np.argmax(counts)]
    chosen = keys == best[:, None]
    members = flat.reshape(ny * nx, n, c).astype(np.float32)
    weights = chosen[..., None].astype(np.float32)
    out = (members * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1)
    return out.round().astype(np.uint8).reshape(ny, nx, c)


def cell_texture(image: np.ndarray, grid: Grid) -> np.ndarray | None:
    """(rows, cols) how much each cell's interior varies at the scale of a few pixels
    (the standard deviation of its lightness, 4x4 pixel blocks averaged first so noise
    and grain drop out), or None for cells too small to tell. A flat area of the art
    varies by its noise only; mottled paper varies more."""
    if min(grid.x.cell, grid.y.cell) < TEXTURE_CELL:
        return None
    light = Image.fromarray(np.ascontiguousarray(image)).convert("L")  # RGBA: no copy
    blocks = np.asarray(light.reduce(TEXTURE_BLOCK), np.float32)
    h, w = blocks.shape
    lattice = np.linspace(0.2, 0.8, 7)
    xs = sample_pixels(grid.x.cuts / TEXTURE_BLOCK, w, lattice)
    ys = sample_pixels(grid.y.cuts / TEXTURE_BLOCK, h, lattice)
    return blocks[ys[:, None, :, None], xs[None, :, None, :]].std(axis=(2, 3))
