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
the room's width, unless the room is a whole cell wide (where the reading is right),
nearly one, where the frame's lattice fits too (then the ring inside the band, one colour
all round and as wide as the cell read otherwise, is the frame, and the band room:
_room_around), or 1/2 or 1/3 of one, the same picture as a double border, read at the
finer cell (nothing lost; the other offered). A plain field in its frame has no edges
inside and needs none (_plain_field)."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.lattice import Edged, edges, one_cell_strokes
from dgx_pixels_app.pixelize.stats import median

FRAME_AGREE = 0.15  # the sides agree to this share of their median width, and 2 px
NEAR_BAND = (0.04, 0.5)  # the cell is the band's mean width within this share and px
FAINT = 0.12  # every edge this strong (see lattice.edges) must lie on the lattice ...
ON_CUT = (1.5, 0.12)  # ... within this many px or this share of the cell, the larger
ON_CUT_LOOSE = 0.16  # ... or this share, where no count fits so (the drift's 10 % and blur)
FRAME_SQUARE = 0.03  # the two axes' cells differ by at most this share (square pixels)
MIN_FRAME = 10.0  # px: finer art has edges enough to pin its cell (and blur is a cell)
MIN_CELLS = 8  # a framed sprite has at least this many cells along its longer side
MAX_EDGES = 64  # an axis with more edges of its own than this pins its period itself
EVIDENCE = 1  # edges inside the band that the lattice must put on cuts
UNDER_STROKES = (1.07, 1.5)  # the thinnest strokes (two or more) wider than the cell
# found by a share in this range are one cell each, not two: the band is room narrower
# than a cell (SDXL's), and the frame is the stroke inside it
FRAME_COARSER = 1.03  # a cell read otherwise this much coarser than a frame's gives way
FINER_EVIDENCE = 6  # ... and one finer only on this many edges inside the band (a
# staircase flag's 7; room of 1.5 cells around a double-bordered panel fitted on 4)
FRAME_FRACTION = 0.1  # ... when no whole fraction of it, within this share (_found_stands)
RING_AGREE = 0.06  # a plain ring inside the band, on three sides or four, as wide as the
# cell read otherwise within this share, is the frame: the band is room ...
RING_WHOLE = 0.1  # ... unless this near (a share) twice or three times the band's width
LOOSE_COARSER = 2.5  # a cell read this many times the band lets a plain field in and
# the lattice fit loosely (see framed_periods)
STRAYS = 1  # a plain field inside the band shows at most this many edges (noise's): a
# dark tile's texture within 32 levels of its mean showed 58, and it is no plain field
PLAIN_STEP = 6.0  # levels: a part of the picture is one colour when of the steps between
PLAIN_OUTLIERS = 0.02  # its squares' mean colours at most this share is larger (see _plain)


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


def _misfit(positions: np.ndarray, period: float, band: float, length: int) -> float | None:
    """Root mean square distance of the edges from the lattice anchored at the border,
    as a share of the period (the mean of a frame's sides drawn 22 and 25 px wide by the
    drift says its cell; the mean distance took any cell between them alike, and a plain
    flag came back 41 cells wide for 44); None when any edge is off it (a lattice of the
    padding's width fits a few clear edges by chance, rarely all the faint ones too).
    Given the ``band``, its own edges may be off by as much as the sides' widths may
    disagree (FRAME_AGREE): a drifting grid draws the frame's cell 10 % off on either
    side (a flag's 20 and 25 px)."""
    if positions.size == 0:
        return 0.0
    off = positions / period
    distance = np.abs(off - np.round(off))
    near = (positions < 1.5 * band) | (positions > length - 1.5 * band)
    share = ON_CUT_LOOSE if band else ON_CUT[1]
    limit = np.where(near, FRAME_AGREE * period + 2.0, max(ON_CUT[0], share * period))
    if np.any(distance * period > limit):
        return None
    return float(np.sqrt(np.mean(distance**2)))


def _inside(own: list[np.ndarray], lengths: tuple[int, int], band: float) -> int:
    """How many edges lie well inside the band along the borders: the band's own edges
    fit a lattice of about its width whatever the picture (room around a sprite does),
    so only edges further in can tell a frame from room."""
    return sum(int(np.sum((pos > 1.5 * band) & (pos < n - 1.5 * band)))
               for pos, n in zip(own, lengths, strict=True))  # fmt: skip


def _ring(own: list[np.ndarray]) -> tuple[float, list[tuple[int, int]]] | None:
    """The width of the ring just inside the band (from the first edge in to the next,
    on each side) when three sides or four agree on it as a frame's do, and those sides
    (axis, 0 for the start or -1 for the end)."""
    sides = [(float(pos[1] - pos[0] if end == 0 else pos[-1] - pos[-2]), (axis, end))
             for axis, pos in enumerate(own) if pos.size >= 4 for end in (0, -1)]  # fmt: skip
    for width, _ in sorted(sides):
        agree = [(d, side) for d, side in sides if abs(d - width) <= FRAME_AGREE * width + 2.0]
        if len(agree) >= 3:
            return float(np.mean([d for d, _ in agree])), [side for _, side in agree]
    return None


def _plain(parts: list[np.ndarray], block: int) -> bool:
    """Whether these parts of the picture are each one colour, shading aside: of the
    steps between neighbouring ``block`` px squares' mean colours (noise and JPEG's
    grain average out, a gentle light's gradient is a small step each; a low-contrast
    tile's cells are not), at most PLAIN_OUTLIERS are over PLAIN_STEP on a channel. A
    frame's ring inside a band of room, a tenth of what lies inside the band, is a line
    of such steps all round."""
    steps = [_steps(p[..., :3], block) for p in parts if min(p.shape[:2]) >= 2 * block]
    if not steps:
        return False
    return float(np.concatenate(steps).mean()) <= PLAIN_OUTLIERS


def _steps(rgb: np.ndarray, block: int) -> np.ndarray:
    """For each pair of neighbouring whole ``block`` px squares of ``rgb``, whether
    their mean colours differ by more than PLAIN_STEP on a channel."""
    h, w = (rgb.shape[0] // block) * block, (rgb.shape[1] // block) * block
    squares = rgb[:h, :w].astype(np.float32).reshape(h // block, block, w // block, block, 3)
    means = squares.mean(axis=(1, 3))
    across = np.abs(np.diff(means, axis=1)).max(axis=-1).ravel()
    down = np.abs(np.diff(means, axis=0)).max(axis=-1).ravel()
    return np.concatenate([across, down]) > PLAIN_STEP


def _ring_parts(image: np.ndarray, own: list[np.ndarray], width: float, sides) -> list:
    """The ring's strips on ``sides``, a quarter of its width in from their edges."""
    q = int(np.ceil(width / 4))
    (x0, x1), (y0, y1) = ((int(pos[0]) + q, int(pos[-1]) - q) for pos in own)
    parts = []
    for axis, end in sides:
        lo = int(own[axis][0] if end == 0 else own[axis][-2]) + q
        hi = int(own[axis][1] if end == 0 else own[axis][-1]) - q
        parts.append(image[y0:y1, lo:hi] if axis == 0 else image[lo:hi, x0:x1])
    return parts


def _room_around(image, own: list[np.ndarray], band: float, found: float | None) -> bool:
    """Whether the band is room around a frame (SDXL's, of no particular width) rather
    than a frame: the ring inside it is one colour all round, as wide as the cell read
    otherwise and wider than the band, by no whole multiple. Anchored at the border, a
    lattice of the band's width also fits such a flag's few edges a few per cent finer
    where the room is nearly a whole cell. Where the ring is twice or three times the
    band, room of 1/2 or 1/3 of a cell and a panel's double border (a frame of one cell,
    a plain ring of two or three) are the same picture: the finer reading stands."""
    ring = _ring(own)
    if found is None or image is None or ring is None:
        return False
    width, sides = ring
    if width <= band or abs(width / found - 1) > RING_AGREE:
        return False
    whole = round(width / band)  # (a ring of 2 or 3 cells inside a frame of one: a panel's
    if whole >= 2 and abs(width / band / whole - 1) <= RING_WHOLE:  # double border, or
        return False  # room of 1/2 or 1/3 of a cell: the finer reading loses nothing)
    return _plain(_ring_parts(image, own, width, sides), max(2, int(width / 4)))


def _plain_field(image, own: list[np.ndarray], band: float) -> bool:
    """Whether inside the band is one plain field (a flag of one colour in its frame):
    no edges inside to tell frame from room, and none needed; any found there are noise."""
    if image is None:
        return False
    q = int(np.ceil(band / 2))
    (x0, x1), (y0, y1) = ((int(pos[0]) + q, int(pos[-1]) - q) for pos in own)
    return x1 > x0 and y1 > y0 and _plain([image[y0:y1, x0:x1]], max(2, int(band / 2)))


def _closest(own: list[np.ndarray], band: float, lengths, loose: bool):
    """(misfit, cell along x, cell along y) of the counts near the band's width whose
    lattices put every edge on a cut, the closest; None when none does."""
    (w, h), best = lengths, None
    for n in _counts(band, w):
        px = w / n
        for m in set(_counts(band, h)) & {round(h / px) - 1, round(h / px), round(h / px) + 1}:
            py = h / m
            if abs(px / py - 1) > FRAME_SQUARE:
                continue
            fx, fy = (_misfit(pos, cell, band if loose else 0.0, length)
                      for pos, cell, length in zip(own, (px, py), lengths, strict=True))  # fmt: skip
            if fx is None or fy is None:
                continue
            # square art pixels: a cell that differs between the axes counts against
            score = fx + fy + 5 * abs(np.log(px / py))
            if best is None or score < best[0]:
                best = (score, px, py)
    return best


def _found_stands(cell: float, found: float | None, inside: int, strokes: np.ndarray) -> bool:
    """Whether ``found``, the cell read otherwise, stands against the frame's ``cell``:
    when about the same (within FRAME_COARSER), or finer with fewer than FINER_EVIDENCE
    edges ``inside`` the band, as a whole fraction of it (a frame of two cells), or
    with one of the one-cell ``strokes`` thinner than the frame's cell or none measured
    (under 16 px: room of 1.5 cells of 10 px around a double border fitted the frame's
    lattice, 0.67x). A finer cell gives way otherwise: a staircase flag's steps read
    18.7 px, its frame 22.8 (the frame would be 1.2 cells); and a coarser one always (a
    frame is at least one cell wide)."""
    if found is None:
        return False
    ratio = cell / found  # (over 1: the cell found is finer than the frame's)
    if ratio < 1 / FRAME_COARSER:
        return False
    whole = round(ratio) >= 2 and abs(ratio / round(ratio) - 1) <= FRAME_FRACTION
    thinner = strokes.size == 0 or strokes.min() < cell / FRAME_COARSER
    return ratio <= FRAME_COARSER or inside < FINER_EVIDENCE or whole or thinner


def framed_periods(
    edged: tuple[Edged, Edged], image=None, found: float | None = None
) -> tuple[float, float] | None:
    """(cell along x, cell along y) of art framed to the edges of ``image``: whole
    numbers of cells near the frame's width whose lattices, anchored at the borders, put
    every edge on a cut; of those, the one closest to them. None when the picture has no
    frame or no such lattice, or the band is room around a frame as wide as ``found``,
    the cell read otherwise (_room_around), or ``found`` stands (_found_stands). A
    plain field in its frame needs no edges inside; ``image`` may be None (then it is
    not looked at) given ``edged``'s sizes."""
    w, h = (len(e.profile) + 1 for e in edged)
    band = frame_width(edged, w, h)
    if band is None:
        return None
    own = [_own_edges(edges(e.profile, FAINT), band) for e in edged]
    if own[0] is None or own[1] is None:
        return None
    # (a faint ripple a few pixels from the border, under half the band in, is no edge of
    # the art's: the band itself says where the first one is)
    own = [
        pos[(pos >= band / 2) & (pos <= n - band / 2)] for pos, n in zip(own, (w, h), strict=True)
    ]
    if any(pos.size < 2 for pos in own):
        return None  # (a frame has its inner side on both axes, faint or not)
    # a plain field needs no edges inside; where the cell read otherwise is far coarser
    # than the band (a handful of cells across: 6 x 9 for 30 x 44), the lattice may fit
    # loosely, and where it is not, that reading stands unless the edges fit tightly
    # (room of 0.5 or 1.5 cells around a panel fitted loosely: 2x, 0.67x)
    coarse = found is None or found >= LOOSE_COARSER * band
    inside = _inside(own, (w, h), band)
    if inside <= STRAYS and _plain_field(image, own, band):
        own = [pos[[0, -1]] for pos in own]  # (the rest is noise, JPEG's or the drift's)
    elif inside < EVIDENCE:
        return None
    if _room_around(image, own, band, found):
        return None
    # the band's edges held to the lattice as the rest first, more loosely only where no
    # count fits so (loose at once, a flag's stripes and frame fit 41 cells for 44 too)
    best = _closest(own, band, (w, h), False)
    if best is None and coarse:
        best = _closest(own, band, (w, h), True)
    if best is None:
        return None
    strokes = one_cell_strokes(edged)
    if _found_stands(max(best[1], best[2]), found, inside, strokes) or (
        strokes.size >= 2
        and UNDER_STROKES[0] < strokes.mean() / max(best[1], best[2]) < UNDER_STROKES[1]
    ):
        return None
    return best[1], best[2]
