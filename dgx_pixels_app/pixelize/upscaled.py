"""A last check on a grid at JPEG's block size: is what it reads itself an upscale?

On a picture of a few large flat shapes (a silhouette, a flag whose only one-cell
detail is a dot) the handful of real edges is drowned by JPEG's 8-pixel seams, whose
lattice (or a harmonic: 4, 2.7 px) then passes for the cells: a 12x12 house came back
120x120. Read at that lattice, such a picture is the art upscaled again, in blocks of
about ten cells each. So the cells' colours are read as a picture of their own; when
its grid is blocks of three cells or more that explain it (almost nothing left inside
them) and the grid that many times coarser explains the picture, with no cell of it
holding a detail of its own (a lone dot), that is the cell. Real art at 8 px cells
reads as itself: its one-cell details fit no coarser blocks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dgx_pixels_app.pixelize.grid_check import SUSPECT, _integrals, _interiors

BLOCKS = (8.0, 4.0, 8.0 / 3.0, 2.0)  # JPEG's block and its harmonics (and chroma's 2 px)
MIN_REPEAT = 3.0  # the blocks of the cells' picture are at least this many cells
BLOCKY = 0.01  # ... and leave at most this share of its variance inside them
DETAIL = 0.1  # no cell of the coarser grid may hold this share of the picture's variance


def at_jpeg_block(cell: float) -> bool:
    return any(abs(cell - b) <= 0.02 * b for b in BLOCKS)


def cell_means(image: np.ndarray, grid) -> np.ndarray:
    """The mean colour of each cell of ``grid``, as an opaque RGBA picture."""
    xs = np.clip(np.round(grid.x.cuts).astype(int), 0, image.shape[1])
    ys = np.clip(np.round(grid.y.cuts).astype(int), 0, image.shape[0])
    pad = ((1, 0), (1, 0), (0, 0))
    table = np.pad(image[..., :3].astype(np.float64).cumsum(0).cumsum(1), pad)
    sums = table[ys[1:]][:, xs[1:]] - table[ys[:-1]][:, xs[1:]]
    sums += table[ys[:-1]][:, xs[:-1]] - table[ys[1:]][:, xs[:-1]]
    counts = np.outer(np.diff(ys), np.diff(xs)).astype(np.float64)[..., None]
    means = np.clip(sums / np.maximum(counts, 1.0), 0, 255).astype(np.uint8)
    return np.dstack([means, np.full(means.shape[:2], 255, np.uint8)])


def _left(image: np.ndarray, grid, step: int = 1) -> tuple[float, float]:
    """The share of the picture's colour variance ``grid`` leaves inside its cells, and
    the most any one cell leaves (per channel: two flat colours of one brightness are
    one grey; a lone dot inside a cell is a small share of the whole)."""
    x0, x1 = _interiors(grid.x.cuts / step, (image.shape[1] + step - 1) // step)
    y0, y1 = _interiors(grid.y.cuts / step, (image.shape[0] + step - 1) // step)
    counts = np.maximum(np.outer(y1 - y0, x1 - x0), 1).astype(np.float64)
    left = np.zeros(counts.shape)
    total = 0.0
    for channel in range(3):
        sums, squares, variance = _integrals(image[::step, ::step, [channel] * 3])
        box = [t[y1][:, x1] - t[y0][:, x1] - t[y1][:, x0] + t[y0][:, x0] for t in (sums, squares)]
        left += box[1] - box[0] ** 2 / counts
        total += variance
    if total < 1.0:
        return 0.0, 0.0
    return float(left.sum() / counts.sum() / total), float((left / counts).max() / total)


def coarser_if_upscaled(
    image: np.ndarray,
    grid,
    grid_at: Callable[[float], object],
    detect: Callable[[np.ndarray], object],
):
    """``grid``, or the grid of cells a whole number of times larger when ``grid`` sits
    at JPEG's block size and reads an upscale (see above). ``detect`` finds the grid of
    the cells' picture (pixelize.grid without this check)."""
    if not at_jpeg_block(grid.x.cell):
        return grid
    # read at the block itself: at a harmonic the seams stay in the cells' picture
    block = grid if grid.x.cell > BLOCKS[1] * 1.5 else grid_at(BLOCKS[0])
    cells = cell_means(image, block)
    if min(cells.shape[:2]) < 2 * MIN_REPEAT:
        return grid
    inner = detect(cells)
    repeat = (inner.x.cell + inner.y.cell) / 2
    if repeat < MIN_REPEAT or _left(cells, inner)[0] > BLOCKY:
        return grid
    coarse = grid_at(block.x.cell * repeat)
    step = 2 if min(image.shape[:2]) >= 512 else 1  # every other pixel: a quarter the work
    share, most = _left(image, coarse, step)
    return coarse if share <= SUSPECT and most <= DETAIL else grid
