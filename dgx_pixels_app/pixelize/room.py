"""Room the grid leaves outside it: a band of one flat colour along every side.

A flat sprite (a flag, a sign, a tile) that SDXL draws with less than half a cell of
room around has that room left out of the grid as partial cells. The art's own
outermost ring is then the picture's border, and the background search would take
the art's frame (and any field of its colour joined to it) for the background. The
band says what the background is: when no cell on the grid's border is its colour,
the art runs to the grid's edges and nothing of it is background.
"""

from __future__ import annotations

import math

import numpy as np

from dgx_pixels_app.pixelize.grid import Grid
from dgx_pixels_app.pixelize.palette import _weighted, distance
from dgx_pixels_app.pixelize.stats import median

ROOM_MIN = 3  # px: a band this wide on every side (its inner pixel is not read)
FLAT_SHARE = 0.9  # of a band's pixels within the tolerance of its median colour
MAX_SAMPLES = 4096  # pixels read per band


def room_colors(rgb: np.ndarray, grid: Grid, tolerance: float) -> np.ndarray | None:
    """The weighted colours (4, 3) of the flat bands the grid leaves along the four
    sides of ``rgb`` (h, w, 3), or None when a side has no such band."""
    h, w = rgb.shape[:2]
    left, top = math.floor(grid.x.cuts[0]) - 1, math.floor(grid.y.cuts[0]) - 1
    right, bottom = math.ceil(grid.x.cuts[-1]) + 1, math.ceil(grid.y.cuts[-1]) + 1
    if min(left, w - right, top, h - bottom) < ROOM_MIN - 1:
        return None
    colours = []
    for band in (rgb[:, :left], rgb[:, right:], rgb[:top], rgb[bottom:]):
        pixels = band.reshape(-1, 3)
        pixels = _weighted(pixels[:: max(1, len(pixels) // MAX_SAMPLES)])
        middle = median(pixels, axis=0)
        if float((distance(pixels, middle) <= tolerance).mean()) < FLAT_SHARE:
            return None
        colours.append(middle)
    return np.array(colours, np.float32)


def art_to_the_edges(ring_cells: np.ndarray, room: np.ndarray, tolerance: float) -> bool:
    """Whether no cell of the grid's border (weighted colours, (n, 3)) is near the
    room's colour on any side: the art fills the grid, the room is its background."""
    near = distance(ring_cells[:, None, :], room[None, :, :]) <= tolerance
    return not near.any()
