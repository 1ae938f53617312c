"""Room the grid leaves outside it: a band of one flat colour along every side.

A flat sprite (a flag, a sign, a tile) that SDXL draws with less than half a cell of
room around has that room left out of the grid as partial cells. The art's own
outermost ring is then the picture's border, and the background search would take
the art's frame (and any field of its colour joined to it) for the background. The
band says what the background is: when no cell on the grid's border is its colour,
the background search asks whether what it found is a frame (background.py).
"""

from __future__ import annotations

import math

import numpy as np

from dgx_pixels_app.pixelize.cuts import Grid
from dgx_pixels_app.pixelize.palette import _weighted, distance
from dgx_pixels_app.pixelize.stats import median

ROOM_MIN = 3  # px: a band this wide on every side (its inner pixel is not read)
FLAT_SHARE = 0.9  # of a band's pixels within FLAT (or the tolerance) of its median colour
FLAT = 16.0  # single pixels carry JPEG's grain: flatness is judged at least this loosely
SAMPLES = 64  # rows and columns read per band, evenly


def room_color(rgba: np.ndarray, grid: Grid, tolerance: float) -> np.ndarray | None:
    """The weighted colour (3,) of the opaque, flat band of one colour the grid leaves
    along all four sides of ``rgba`` (h, w, 4), or None."""
    h, w = rgba.shape[:2]
    left, top = math.floor(grid.x.cuts[0]) - 1, math.floor(grid.y.cuts[0]) - 1
    right, bottom = math.ceil(grid.x.cuts[-1]) + 1, math.ceil(grid.y.cuts[-1]) + 1
    if min(left, w - right, top, h - bottom) < max(ROOM_MIN - 1, 1):
        return None
    colours = []
    for band in (rgba[:, :left], rgba[:, right:], rgba[:top], rgba[bottom:]):
        band = band[:: max(1, band.shape[0] // SAMPLES), :: max(1, band.shape[1] // SAMPLES)]
        if (band[..., 3] < 255).any():
            return None  # transparent room is the background's own business
        pixels = _weighted(band[..., :3].reshape(-1, 3))
        middle = median(pixels, axis=0)
        if not float((distance(pixels, middle) <= max(tolerance, FLAT)).mean()) >= FLAT_SHARE:
            return None
        colours.append(middle)
    colours = np.array(colours, np.float32)
    together = median(colours, axis=0)
    return together if float(distance(colours, together).max()) <= tolerance else None


def art_to_the_edges(ring_cells: np.ndarray, room: np.ndarray, tolerance: float) -> bool:
    """Whether no cell of the grid's border (weighted colours, (n, 3)) is near the
    room's colour: the art reaches the grid's edges, inside its room."""
    return not (distance(ring_cells, room[None, :]) <= tolerance).any()
