"""The grids a picture could be read at, for a person to choose from when the choice is
close: the detected cell, its multiples and its divisors, each with the share of the
picture's variance it leaves inside its cells (lower explains more)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.pixelize.grid import MIN_CELL, Grid, _axis_from_period, edge_profile
from dgx_pixels_app.pixelize.grid_check import integrals, left_within

RATIOS = (1 / 3, 1 / 2, 1.0, 2.0, 3.0)


@dataclass(frozen=True)
class Candidate:
    cell: float
    size: tuple[int, int]  # columns, rows
    left: float  # share of the variance left inside the cells


def candidates(image: np.ndarray, grid: Grid) -> list[Candidate]:
    """The detected grid's cell and its multiples and divisors, finest first."""
    h, w = image.shape[:2]
    px, py = edge_profile(image, 1), edge_profile(image, 0)
    step = 2 if min(h, w) >= 512 else 1
    sums, squares, variance = integrals(image[::step, ::step])
    out = []
    for ratio in RATIOS:
        cell = grid.x.cell * ratio
        if cell < max(MIN_CELL, 3 * step) or cell > min(h, w) / 4:
            continue
        g = grid if ratio == 1.0 else Grid(_axis_from_period(px, cell, w),
                                           _axis_from_period(py, cell, h))  # fmt: skip
        left = left_within(g, sums, squares, step) / variance if variance >= 1 else 0.0
        out.append(Candidate(float(cell), g.size, float(left)))
    return out


def close_call(found: list[Candidate], chosen: float) -> list[Candidate]:
    """The candidates worth showing, or none: a coarser grid that explains the picture
    about as well (within 50 %, or 1 % of its variance: the cell may be larger), or a
    finer one that explains it clearly better (under half: the cell may be smaller). A
    finer grid that does about as well proves nothing: a finer lattice always can."""
    picked = [c for c in found if abs(c.cell - chosen) < 1e-6]
    if not picked:
        return []
    left = picked[0].left
    coarser = [c for c in found if c.cell > chosen and c.left <= max(1.5 * left, left + 0.01)]
    finer = [c for c in found if c.cell < chosen and c.left < 0.5 * left and left > 0.01]
    return sorted([*finer, picked[0], *coarser], key=lambda c: c.cell) if coarser or finer else []
