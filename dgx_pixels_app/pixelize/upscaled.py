"""A last check on a grid at JPEG's block size: is what it reads itself an upscale?

On a picture of a few large flat shapes (a silhouette, a house) the handful of real
edges is drowned by JPEG's 8-pixel seams, whose lattice (or a harmonic: 4, 2.7 px)
then passes for the cells: a 12x12 house came back 120x120. Read at that lattice,
such a picture is the art upscaled again, in blocks of about ten cells each. So the
cells' colours are read as a picture of their own. The grid that many times coarser
is taken when all of these hold: the cells' picture is blocks of three cells or more
that explain it (almost nothing left inside them); no block holds a detail of its own
(a lone dot, a border of one-cell pieces); the coarser grid is within the sizes any
grid may have; and it explains the picture's colour. Real art at 8 px cells reads as
itself: its one-cell details fit no coarser blocks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dgx_pixels_app.pixelize.grid_check import SUSPECT, left_within, plane_integrals
from dgx_pixels_app.pixelize.jpeg_seams import BLOCKS, block_of

MIN_REPEAT = 3.0  # the blocks of the cells' picture are at least this many cells
BLOCKY = 0.01  # ... and leave at most this share of its variance inside their middles
# ... and inside any one block, a cell in from its sides, the cells' colours vary by at
# most this share of the cells' picture's variance (one cell of a colour far off in a
# block of 8 x 8: 0.15 or more; blends along a block's sides are left out)
DETAIL = 0.1


def at_jpeg_block(grid) -> bool:
    """Whether both axes' cells sit on JPEG's block size or one of its harmonics."""
    return block_of(grid.x.cell) is not None and block_of(grid.y.cell) is not None


def _starts(cuts: np.ndarray, length: int) -> np.ndarray:
    """The cuts on whole pixels, without empty cells."""
    edges = np.clip(np.round(cuts).astype(int), 0, length)
    return edges[np.r_[True, np.diff(edges) > 0]]


def cell_means(image: np.ndarray, grid) -> np.ndarray:
    """The mean colour of each cell of ``grid``, as an opaque RGBA picture."""
    xs = _starts(grid.x.cuts, image.shape[1])
    ys = _starts(grid.y.cuts, image.shape[0])
    rgb = image[ys[0] : ys[-1], xs[0] : xs[-1], :3]
    rows = np.add.reduceat(rgb, ys[:-1] - ys[0], axis=0, dtype=np.uint32)
    sums = np.add.reduceat(rows, xs[:-1] - xs[0], axis=1, dtype=np.uint32)
    counts = np.outer(np.diff(ys), np.diff(xs))[..., None]
    means = (sums / np.maximum(counts, 1)).astype(np.uint8)
    return np.dstack([means, np.full(means.shape[:2], 255, np.uint8)])


def _colour_share(image: np.ndarray, grid, step: int = 1) -> float:
    """The share of the picture's colour variance ``grid`` leaves inside its cells'
    middles (per channel: two flat colours of one brightness are one grey). A flat
    picture explains nothing (1.0)."""
    left = total = 0.0
    for channel in range(3):
        plane = image[::step, ::step, channel]
        sums, squares, variance = plane_integrals(plane.astype(np.float64))
        left += left_within(grid, sums, squares, step)
        total += variance
    return left / total if total >= 1.0 else 1.0


def _most_in_a_block(cells: np.ndarray, inner) -> float:
    """The most the cells' colours vary inside one block of ``inner`` (a cell in from
    its sides), as a share of the cells' picture's variance."""
    rgb = cells[..., :3].astype(np.float64)
    total = float(rgb.reshape(-1, 3).var(axis=0).sum())
    if total < 1.0:
        return 1.0
    most = 0.0
    for y0, y1 in _middles(inner.y.cuts, cells.shape[0]):
        for x0, x1 in _middles(inner.x.cuts, cells.shape[1]):
            block = rgb[y0:y1, x0:x1].reshape(-1, 3)
            most = max(most, float(block.var(axis=0).sum()) / total)
    return most


def _middles(cuts: np.ndarray, length: int) -> list[tuple[int, int]]:
    """Each block a cell in from its sides where it is four cells or more (the blends
    of the picture's edges lie along them), whole where it is narrower (a border of
    one-cell pieces the inner grid cut off as a block of its own, or left outside its
    first and last cut)."""
    edges = _starts(np.concatenate([[0.0], cuts, [float(length)]]), length)  # the ends too
    return [
        (a + 1, b - 1) if b - a >= 4 else (a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]


def coarser_if_upscaled(
    image: np.ndarray,
    grid,
    grid_at: Callable[[float], object],
    detect: Callable[[np.ndarray], object],
    max_cell: float,
):
    """``grid``, or the grid of cells a few times larger when ``grid`` sits at JPEG's
    block size and reads an upscale (see above). ``detect`` finds the grid of the
    cells' picture (pixelize.grid without this check); ``max_cell`` is the largest cell
    any grid of this picture may have."""
    if not at_jpeg_block(grid):
        return grid
    # read at the block itself: at a harmonic the seams stay in the cells' picture
    block = grid if grid.x.cell > (BLOCKS[0] + BLOCKS[1]) / 2 else grid_at(BLOCKS[0])
    # the cells' means from every pixel (from every other one, a hostile ramp's cells'
    # picture read blocks of 5.3 cells for 3.2); its variance from every other pixel
    cells = cell_means(image, block)
    if min(cells.shape[:2]) < 2 * MIN_REPEAT:
        return grid
    inner = detect(cells)
    repeat = (inner.x.cell + inner.y.cell) / 2
    if repeat < MIN_REPEAT or block.x.cell * repeat > max_cell:
        return grid
    if _colour_share(cells, inner) > BLOCKY or _most_in_a_block(cells, inner) > DETAIL:
        return grid
    coarse = grid_at(block.x.cell * repeat)
    step = 2 if min(image.shape[:2]) >= 512 else 1
    return coarse if _colour_share(image, coarse, step) <= SUSPECT else grid
