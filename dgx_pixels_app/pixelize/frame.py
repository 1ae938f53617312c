"""Art framed to the picture's edges: a flag's, a card's or a UI panel's one-cell border
whose outer side is the image border.

Such art has few edges and they fit many periods: a flag's stripes line up with 2, 3 or
14 cells as well as with one. The frame is the one thin thing in it, but its outer side
shows no edge, so the stroke bound cannot see it. A frame is taken when the first clear
edge in from at least three sides lies at one distance, and a whole number of cells of
about that width along each axis, counted from the image border, puts every faint edge
on a cut, at least one of them further in than the band's own (which fit any lattice
of about the band's width). Room around a sprite (SDXL draws it of no particular width)
fails that test: the sprite's own edges fall off a lattice anchored at the border with
the room's width, unless the room is a whole cell wide (where the reading is right) or
about 1/2 or 1/3 of one (where the two readings are the same picture: it is read at the
finer cell, nothing lost)."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.lattice import Edged, edges, one_cell_strokes
from dgx_pixels_app.pixelize.stats import median

FRAME_AGREE = 0.15  # the sides agree to this share of their median width, and 2 px
NEAR_BAND = (0.04, 0.5)  # the cell is the band's mean width within this share and px
FAINT = 0.12  # every edge this strong (see lattice.edges) must lie on the lattice ...
ON_CUT = (1.5, 0.12)  # ... within this many px or this share of the cell, the larger
FRAME_SQUARE = 0.03  # the two axes' cells differ by at most this share (square pixels)
MIN_FRAME = 10.0  # px: finer art has edges enough to pin its cell (and blur is a cell)
MIN_CELLS = 8  # a framed sprite has at least this many cells along its longer side
MAX_EDGES = 64  # an axis with more edges of its own than this pins its period itself
EVIDENCE = 1  # edges inside the band that the lattice must put on cuts
UNDER_STROKES = (1.07, 1.5)  # the thinnest strokes (two or more) wider than the cell
# found by a share in this range are one cell each, not two: the band is room narrower
# than a cell (SDXL's), and the frame is the stroke inside it


def _band(edged: Edged, length: int) -> list[float]:
    """Distance from each border of this axis to the first edge in from it, clear or
    faint (a frame in a colour near the field beside it shows a faint inner side)."""
    positions = np.concatenate([edged.positions, edged.faint[0]])
    if positions.size == 0:
        return []
    return [float(positions.min()), float(length - positions.max())]


def frame_width(edged: tuple[Edged, Edged], w: int, h: int) -> float | None:
    """The band's width when at least three sides agree on it (None otherwise)."""
    sides = _band(edged[0], w) + _band(edged[1], h)
    if len(sides) < 3:
        return None
    middle = float(median(np.array(sides)))
    agree = [d for d in sides if abs(d - middle) <= FRAME_AGREE * middle + 2.0]
    if len(agree) < 3 or middle < MIN_FRAME or middle > max(w, h) / MIN_CELLS:
        return None
    return float(np.mean(agree))


def _counts(band: float, length: int) -> range:
    """Whole numbers of cells along an axis whose cell is within the band's tolerance."""
    slack = NEAR_BAND[0] * band + NEAR_BAND[1]
    return range(max(1, int(length / (band + slack))), int(length / max(band - slack, 1.0)) + 1)


def _own_edges(faint: tuple[np.ndarray, np.ndarray], band: float) -> np.ndarray | None:
    """The edges that are edges of their own: a blurred edge's shoulders and JPEG's
    ringing or seams beside it are not (edges are a cell apart, so only the strongest
    within half a cell counts)."""
    positions, weights = faint
    order = np.argsort(-weights, kind="stable")
    kept: list[float] = []
    for i in order:  # strongest first; few edges on the art this is for
        if all(abs(positions[i] - k) >= band / 2 for k in kept):
            kept.append(float(positions[i]))
        if len(kept) > MAX_EDGES:
            return None  # edges enough to pin the period: no frame rule
    return np.sort(np.array(kept, np.float64))


def _misfit(positions: np.ndarray, period: float) -> float | None:
    """Mean distance of the edges from the lattice anchored at the border, as a share
    of the period; None when any edge is off it (a lattice of the padding's width fits
    a few clear edges by chance, rarely all the faint ones too)."""
    if positions.size == 0:
        return 0.0
    off = positions / period
    distance = np.abs(off - np.round(off))
    if (distance * period).max() > max(ON_CUT[0], ON_CUT[1] * period):
        return None
    return float(distance.mean())


def _inside(own: list[np.ndarray], lengths: tuple[int, int], band: float) -> int:
    """How many edges lie well inside the band along the borders: the band's own edges
    fit a lattice of about its width whatever the picture (room around a sprite does),
    so only edges further in can tell a frame from room."""
    return sum(int(np.sum((pos > 1.5 * band) & (pos < n - 1.5 * band)))
               for pos, n in zip(own, lengths, strict=True))  # fmt: skip


def framed_periods(edged: tuple[Edged, Edged], w: int, h: int) -> tuple[float, float] | None:
    """(cell along x, cell along y) of art framed to the picture's edges: whole numbers
    of cells near the frame's width whose lattices, anchored at the borders, put every
    edge on a cut; of those, the one closest to them. None when the picture has no
    frame or no such lattice."""
    band = frame_width(edged, w, h)
    if band is None:
        return None
    own = [_own_edges(edges(e.profile, FAINT), band) for e in edged]
    if own[0] is None or own[1] is None or _inside(own, (w, h), band) < EVIDENCE:
        return None
    best = None
    for n in _counts(band, w):
        px = w / n
        for m in set(_counts(band, h)) & {round(h / px) - 1, round(h / px), round(h / px) + 1}:
            py = h / m
            if abs(px / py - 1) > FRAME_SQUARE:
                continue
            fx, fy = _misfit(own[0], px), _misfit(own[1], py)
            if fx is None or fy is None:
                continue
            # square art pixels: a cell that differs between the axes counts against
            score = fx + fy + 5 * abs(np.log(px / py))
            if best is None or score < best[0]:
                best = (score, px, py)
    strokes = one_cell_strokes(edged)
    if best is None or (
        strokes.size >= 2
        and UNDER_STROKES[0] < strokes.mean() / max(best[1], best[2]) < UNDER_STROKES[1]
    ):
        return None
    return best[1], best[2]
