"""A last check on the chosen grid: the cells must explain the picture.

A sheet of icons, tiles or frames on a regular pitch repeats at the scale of objects,
and the spectrum can prefer a multiple of the cell that lines up with that repeat.
Such a grid leaves whole shapes inside its cells: the variance left inside the cells
(their interiors, away from the blurred edges) is a clear share of the picture's
(0.05-0.10 on the sheets that collapsed; 0.000-0.015 on the pictures read right, small
blurred cells included). When it is, the divisors of the period are tried and the one
that leaves the least is taken if it halves what is left (by the period found, nudged
a per cent or three), the coarsest of its divisors that does about as well winning."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dgx_pixels_app.pixelize.jpeg_seams import BLOCKS

SUSPECT = 0.015  # share of the picture's variance left inside cells that means "too coarse"
DIVISORS = range(2, 9)
NUDGES = (0.0, -0.015, 0.015, -0.03, 0.03)
NEARLY = 1.5  # a divisor of the best leaving at most this multiple of what it leaves wins
NEARLY_OTHER = 1.2  # ... and any other divisor this multiple, if it is a neighbour:
NEIGHBOURS = 1.5  # the best's divisor at most this many times the other's (3 and 2)
MANY_CELLS = 48  # more cells than this across the short side: not a collapsed sheet
# Read without JPEG's seams (jpeg_seams.seams_only), a grid replaces the one at the
# seams' harmonic when it leaves inside its cells at most twice as much, or this share
AS_WELL_READ = 0.025
OFF_BLOCKS = 0.06  # ... and its cell this far (a share) from JPEG's blocks, harmonics, multiples
# A coarser grid explains a picture as well as a finer one when it leaves inside its
# cells at most this multiple of what the finer leaves (pale 8 px art on paper read at
# JPEG's harmonics: 0.1-1.3; 4 px art in 2 x 2 blocks with one-cell details, or a
# checker dither: 1.9-51)
COARSER_AS_WELL = 1.5
# A small sprite's own box reads its cell better than the whole wide picture (its few
# edges there diluted by the background's noise) when the box's grid leaves inside its
# cells at most 1 / this of what the whole picture's leaves: the whole picture's at its
# best of BOX_NUDGES (a reading 3.7 % off left 1.43 x what a wrong finer one left, 1.07 x
# nudged), the box's at the middle of BOX_STEADY (at its best of BOX_NUDGES, 4.24 px
# for a cloud of 3.96 px cells left 2.1 x less than the picture's 4.03 px, over the
# box's 13 rows of cells; at the middle, 1.1 x). Box readings that set a sprite right:
# 1.4-150 x at the middle; wrong ones 0.5-1.1 x.
BOX_BETTER = 1.4
BOX_NUDGES = (0.0, -0.03, -0.015, 0.015, 0.03)
BOX_STEADY = (0.0, -0.015, 0.015)
# A box reading that divides the picture's (a half, a third, within this share) is
# finer_if_too_coarse's question, and must halve what is left, as there: a grid's
# divisor always explains at least as much (three pale sprites of exactly 8 px cells
# whose boxes read 4 px left 1.6-2.0 x less; a box of 4 px art read 8 px, 3-27 x)
BOX_DIVISOR = 0.03
BOX_HALVES = 2.0


def integrals(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """plane_integrals of the picture's grey (the mean of its three channels), each
    pixel held within the range of its eight neighbours: a lone dot is no detail a
    finer lattice explains (it could only dodge it, in a cell's margin: one black
    pixel on a 12 x 12 house read it 48 x 48), while any shape of two pixels or more,
    a one-pixel line included, is left as it is."""
    grey = image[..., 0].astype(np.uint16) + image[..., 1] + image[..., 2]  # (three times)
    if min(grey.shape) >= 3:
        grey = np.clip(grey, *_neighbours_range(grey))
    return plane_integrals(grey / 3.0)


def _neighbours_range(plane: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least and the most of each pixel's eight neighbours (edges repeated)."""
    p = np.pad(plane, 1, mode="edge")
    sides = (p[1:-1, :-2], p[1:-1, 2:])  # left and right
    out = []
    for pick in (np.minimum, np.maximum):
        rows = pick(pick(p[:, :-2], p[:, 1:-1]), p[:, 2:])  # each row's three
        out.append(pick(pick(rows[:-2], rows[2:]), pick(*sides)))
    return out[0], out[1]


def plane_integrals(plane: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Integral images of one float plane and of its square, and its variance."""
    pad = ((1, 0), (1, 0))
    return (np.pad(plane.cumsum(0).cumsum(1), pad), np.pad((plane**2).cumsum(0).cumsum(1), pad),
            float(plane.var()))  # fmt: skip


def interiors(cuts: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Each cell without a quarter of it at each side: the blur of SDXL's soft edges and
    of small cells lies there; a shape inside a too-large cell does not."""
    edges = np.clip(np.round(cuts).astype(int), 0, length)
    starts, ends = edges[:-1], edges[1:]
    margin = (ends - starts) // 4
    return starts + margin, np.maximum(ends - margin, starts + margin)


def left_within(grid, sums: np.ndarray, squares: np.ndarray, step: int = 1) -> float:
    """Mean squared difference of each pixel from its cell's mean, over the cells'
    interiors (from integral images of the picture taken every ``step`` pixels)."""
    h, w = sums.shape[0] - 1, sums.shape[1] - 1
    x0, x1 = interiors(grid.x.cuts / step, w)
    y0, y1 = interiors(grid.y.cuts / step, h)

    def box(table: np.ndarray) -> np.ndarray:
        return (table[y1][:, x1] - table[y0][:, x1] - table[y1][:, x0]
                + table[y0][:, x0])  # fmt: skip

    counts = np.outer(y1 - y0, x1 - x0).astype(np.float64)
    s = box(sums)
    inside = counts.sum()
    return float((box(squares) - s * s / np.maximum(counts, 1)).sum() / max(inside, 1.0))


def finer_if_too_coarse(image: np.ndarray, grid, grid_at: Callable[[float], object],
                        min_cell: float):  # fmt: skip
    """``grid`` (a pixelize.grid.Grid), or the grid at a divisor of its period
    (``grid_at(cell)``) that explains the picture when it does not."""
    if min(grid.size) > MANY_CELLS:
        return grid  # a fine grid: reading a sheet's pitch gives a handful of cells
    step = 2 if min(image.shape[:2]) >= 512 else 1  # every other pixel: a quarter the work
    sums, squares, variance = integrals(image[::step, ::step])
    if variance < 1.0:
        return grid
    share = left_within(grid, sums, squares, step) / variance
    if share <= SUSPECT:
        return grid
    period = grid.x.cell

    def near(cell: float, found=None) -> tuple[float, object]:
        """The best grid about ``cell``: the found period is a multiple of the cell only
        roughly (drift, a few per cent off over many cells), and may itself be a little
        off, which leaves detail inside its cells that a divisor would take for more."""
        grids = [found or grid_at(cell)] + [grid_at(cell * (1 + d)) for d in NUDGES if d]
        return min(((left_within(g, sums, squares, step) / variance, g) for g in grids),
                   key=lambda t: t[0])  # fmt: skip

    tried: dict[int, tuple[float, object]] = {1: near(period, grid)}
    for k in DIVISORS:
        if period / k < max(min_cell, 3 * step):  # interiors of a pixel or two tell nothing
            break
        tried[k] = near(period / k)
    best = min(tried, key=lambda k: tried[k][0])
    for k in sorted(tried):  # the coarsest divisor that explains nearly as much as the best
        # (of the best's own divisors, half again as much or under the gate; of the others,
        # a fifth more: smaller cells always leave a little less, a third than a half)
        own = best % k == 0
        if not own and best > NEIGHBOURS * k:
            continue  # another reading altogether, not the next coarser one
        near_enough = (
            max(NEARLY * tried[best][0], SUSPECT) if own else NEARLY_OTHER * tried[best][0]
        )
        if k < best and tried[k][0] <= near_enough:
            best = k
            break
    # nothing explains the picture clearly better than the period found, nudged (1 % off,
    # a flat field's last cells lie astride its edge: its third was taken, 3x too fine)
    if best == 1 or tried[best][0] > 0.5 * tried[1][0]:
        return grid
    return tried[best][1]


def coarser_as_well(image: np.ndarray, coarse, fine) -> bool:
    """Whether the grid ``coarse`` leaves inside its cells' interiors at most
    COARSER_AS_WELL times what ``fine`` leaves: one-cell details of the finer grid and
    a dither lie inside the coarser grid's cells, and stay there. (Every pixel: taken
    every other one, a fine grid's cells of 4 px lose their margins and leave more.)"""
    left = left_shares(image, (coarse, fine), 1)
    return left is not None and left[0] <= COARSER_AS_WELL * left[1]


def explains_better(image: np.ndarray, grid_at: Callable[[float], object], cell: float,
                     than) -> bool:  # fmt: skip
    """Whether the grid of ``cell`` (``grid_at(cell)``) leaves inside its cells at most
    1 / BOX_BETTER of what the grid ``than`` leaves: ``than`` as it is (its own cuts:
    a large cell's phase is ill read from a part of the picture) or at its best of
    BOX_NUDGES (a period a few per cent off leaves more than it should; these, like
    ``cell``'s, by ``grid_at``, phased on ``image`` itself); ``cell`` at
    the middle of BOX_STEADY (a cell that explains the picture does so nudged a little;
    a phase that fits a few rows by chance does not); a divisor of ``than``'s period
    must leave at most 1 / BOX_HALVES."""
    grids = [grid_at(than.x.cell * (1 + d)) for d in BOX_NUDGES]
    left = left_shares(image, [than, *grids, *(grid_at(cell * (1 + d)) for d in BOX_STEADY)], 1)
    if left is None:
        return False
    n = len(BOX_NUDGES) + 1
    k = than.x.cell / cell
    factor = BOX_HALVES if round(k) >= 2 and abs(k / round(k) - 1) <= BOX_DIVISOR else BOX_BETTER
    return min(left[:n]) >= factor * sorted(left[n:])[len(BOX_STEADY) // 2]


def reads_as_well(image: np.ndarray, other, found) -> bool:
    """Whether ``other``, read from edge profiles without JPEG's seams, explains the
    picture about as well as ``found`` at the seams' harmonic: its cell off JPEG's
    blocks, their harmonics and first multiples (where taking the seams out took real
    cells' edges too: art in blocks of 2-4 cells on the seams), leaving inside its
    cells at most twice what ``found`` leaves, or AS_WELL_READ of the picture's
    variance (a pale picture's paper is all texture)."""
    if any(abs(other.x.cell / b - 1) < OFF_BLOCKS for b in (*BLOCKS, 16.0, 24.0, 32.0)):
        return False
    left = left_shares(image, (other, found), 2 if min(image.shape[:2]) >= 512 else 1)
    return left is not None and left[0] <= max(2.0 * left[1], AS_WELL_READ)


def left_shares(image: np.ndarray, grids, step: int) -> list[float] | None:
    """The share of the picture's variance each grid leaves inside its cells' interiors
    (the picture taken every ``step`` pixels), or None for a flat picture."""
    sums, squares, variance = integrals(image[::step, ::step])
    if variance < 1.0:
        return None
    return [left_within(g, sums, squares, step) / variance for g in grids]
