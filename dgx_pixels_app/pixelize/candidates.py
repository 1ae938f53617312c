"""The grids a picture could be read at, for a person to choose from when the choice is
close: the detected cell, its multiples and its divisors, each with the share of the
picture's variance it leaves inside its cells (lower explains more)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dgx_pixels_app.pixelize.cuts import Grid, axis_from_period, within
from dgx_pixels_app.pixelize.grid import BOX_READ_AT, MIN_CELL, edge_profile
from dgx_pixels_app.pixelize.grid_check import integrals, left_within
from dgx_pixels_app.pixelize.ink import ink_box
from dgx_pixels_app.pixelize.pipeline import pixelize

RATIOS = (1 / 3, 1 / 2, 1.0, 2.0, 3.0)
NEAR = 1.2  # a finer cell within this factor is another count, not a finer lattice
SAME_CELL = 0.01  # cells this close (a share) are one offer
WINDOW = 512  # small cells on a large picture are judged in a window this many px square


@dataclass(frozen=True)
class Candidate:
    cell: float
    size: tuple[int, int]  # columns, rows
    left: float  # share of the variance left inside the cells


def candidates(image: np.ndarray, grid: Grid) -> list[Candidate]:
    """The detected grid's cell, its multiples and divisors, and the other counts of the
    cells its edges allow (Grid.others), finest first."""
    h, w = image.shape[:2]
    px, py = edge_profile(image, 1), edge_profile(image, 0)
    region, step, (sums, squares, variance) = _judged_in(image, grid.x.cell)
    cells = [grid.x.cell]  # (the first reading a rule replaced may be a divisor too)
    for cell in [grid.x.cell * ratio for ratio in RATIOS] + list(grid.others):
        if all(abs(cell / other - 1) > SAME_CELL for other in cells):
            cells.append(cell)
    out = []
    for cell in sorted(cells):
        if cell < max(MIN_CELL, 3 * step) or cell > min(h, w) / 4:
            continue
        g = grid if cell == grid.x.cell else Grid(axis_from_period(px, cell, w),
                                                  axis_from_period(py, cell, h))  # fmt: skip
        part = g if region is None else within(g, region)
        left = left_within(part, sums, squares, step) / variance if variance >= 1 else 0.0
        out.append(Candidate(float(cell), g.size, float(left)))
    return out


def _judged_in(image: np.ndarray, cell: float):
    """(part of the picture or None for all of it, step, its integrals): every other
    pixel of a picture of 512 px or more, but cells under 6 px there every pixel in a
    window (_window), unless that is flat (art around the picture's edges only)."""
    h, w = image.shape[:2]
    step = 2 if min(h, w) >= 512 else 1
    if step == 2 and cell < 3 * step:
        region = _window(image)
        judged = integrals(image[region])
        if judged[2] >= 1.0:
            return region, 1, judged
    return None, step, integrals(image[::step, ::step])


def _window(image: np.ndarray) -> tuple[slice, slice]:
    """Where cells under 6 px of a picture of 512 px or more are judged, every pixel
    (taken every other one, as the whole picture is, their interiors tell nothing, and
    the chosen cell itself was left out: nothing was offered at SDXL's usual 4-5 px):
    the sprite's box (ink.ink_box), or the middle WINDOW px square, a quarter the work
    of the whole picture every pixel."""
    box = ink_box(image, BOX_READ_AT)
    if box is not None:
        return box
    h, w = image.shape[:2]
    top, left = max(0, (h - WINDOW) // 2), max(0, (w - WINDOW) // 2)
    return slice(top, top + WINDOW), slice(left, left + WINDOW)


def close_call(found: list[Candidate], chosen: float) -> list[Candidate]:
    """The candidates worth showing, or none: a coarser grid that explains the picture
    about as well (within 50 %, or 1 % of its variance: the cell may be larger), or a
    finer one that explains it clearly better (under half: the cell may be smaller). A
    finer grid that does about as well proves nothing (a finer lattice always can),
    unless it is within NEAR of the cell: another count of a few edges' cells."""
    picked = [c for c in found if abs(c.cell - chosen) < 1e-6]
    if not picked:
        return []
    left = picked[0].left
    as_well = max(1.5 * left, left + 0.01)
    coarser = [c for c in found if c.cell > chosen and c.left <= as_well]
    finer = [c for c in found if c.cell < chosen and (
        (c.left < 0.5 * left and left > 0.01) or (c.cell * NEAR > chosen and c.left <= as_well)
    )]  # fmt: skip
    return sorted([*finer, picked[0], *coarser], key=lambda c: c.cell) if coarser or finer else []


def as_sprites(source: np.ndarray, options, result, offered: list[Candidate]) -> list[Candidate]:
    """The offered grids, each with the size of the sprite a click on it gives (room and
    partial edge cells trimmed, as in ``result`` for the grid chosen), not its grid's
    cells: an offer of 33 x 29 that gave a 31 x 27 sprite read as a broken promise."""
    out = []
    for c in offered:
        if abs(c.cell - result.grid.x.cell) < 1e-6:
            image = result.image
        else:
            image = pixelize(source, replace(options, cell=c.cell, layout=None)).image
        out.append(replace(c, size=(image.shape[1], image.shape[0])))
    return out
