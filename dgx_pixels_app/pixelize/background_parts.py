"""What the background takes beyond its fill, and what it leaves.

The fill (background.py) stops at steps; then: the fringe of blended cells round a
sprite drawn small (halo), specks and enclosed holes of the background's colour
(specks, holes, pockets), and on textured paper the flat areas that are art
(paper_texture, flat_areas).
"""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.palette import distance, norm2
from dgx_pixels_app.pixelize.regions import (
    label,
    ring_mask,
    touching,
)
from dgx_pixels_app.pixelize.shading import box_mean, fit
from dgx_pixels_app.pixelize.stats import median

STEP_FLOOR = 5.0  # the fill always crosses steps this small (noise, JPEG)
HALO = 0.75  # a fringe cell lies within this share of the tolerance of the background
BLEND = 0.4  # ... or is mostly background mixed with a sprite cell beside it
OFF_SHARE = 0.1  # ... allowing this share of the contrast off the line (JPEG colour error)
PLATEAU_DEPTH = 2  # ... and is never part of an area near its colour reaching deeper in
LOCAL_SHARE = 0.15  # the background nearby: within this share of the image
# A speck of the background (a blot of darker paper) has at most SPECK_SHARE of the
# cells, and SPECK_MIN to SPECK_MAX of them: a blot of mottle is a few cells across
SPECK_SHARE = 0.002
SPECK_MIN = 3
SPECK_MAX = 12
MIN_HOLE = 4  # enclosed background smaller than this (an eye's white) stays
# a plateau at the picture's edge touching only background, of at most this share of
# the cells, is paper (0.2-0.7 % seen: a vignette's corner, a blotch)
PAPER_PATCH = 0.01
# Paper whose cells vary inside at least this much (cells.cell_texture), and this many
# times as much as the art's, is textured: FLAT_MIN flat cells together on it are art.
TEXTURED = 1.1
PAPER_RATIO = 1.6
PAPER_SHARE = 0.3  # ... when at least this share of the background's cells is textured
FLAT_MIN = 4
KEY_CHROMA = 60  # a background this colourful (max - min of RGB) is a key colour


def _mix(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance of colours c from the segments a-b, and where along them (0 at a)."""
    ab = b - a
    ca = c - a
    dot = ca[..., 0] * ab[..., 0] + ca[..., 1] * ab[..., 1] + ca[..., 2] * ab[..., 2]
    t = np.clip(dot / np.maximum(norm2(ab), 1e-6), 0.0, 1.0)
    return np.sqrt(norm2(c - (a + t[..., None] * ab))), t


def halo(wrgb: np.ndarray, mask: np.ndarray, tolerance: float) -> np.ndarray:
    """Edge cells blur (and JPEG's halved colour resolution) mixed from the background
    and the sprite beside them, still close to the background and closer to it than
    to any sprite cell they touch: the fringe a small-cell sprite would otherwise
    wear. A light sprite cell next to a light background is closer to its own
    neighbours, and stays."""
    out = np.zeros_like(mask)
    if mask.sum() < 12 or mask.all():
        return out
    predicted, _ = shading(wrgb, mask)
    h, w = mask.shape
    padded = np.pad(wrgb, ((1, 1), (1, 1), (0, 0)), mode="edge")
    to_background = distance(wrgb, predicted)
    others = np.pad(~mask, 1, constant_values=False)
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]

    def around(a, dy, dx):
        return a[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]

    blend = np.zeros_like(mask)
    mixed = np.zeros_like(mask)
    for dy, dx in shifts:  # on the line from the background to a neighbour, nearer it
        neighbour, beside = around(padded, dy, dx), around(others, dy, dx)
        off, t = _mix(wrgb, predicted, neighbour)
        blend |= beside & (off <= 0.5 * tolerance) & (t <= 0.5)
        # JPEG's colour error grows with the contrast it smears
        slack = np.maximum(0.5 * tolerance, OFF_SHARE * distance(neighbour, predicted))
        mixed |= beside & (off <= slack) & (t <= BLEND)
    near = to_background <= HALO * tolerance
    close = (near | blend) & ~_pale_plateau(wrgb, mask, near, to_background)
    # the sprite's own cells: neither background nor fringe candidates themselves
    sprite = np.pad(~mask & ~close, 1, constant_values=False)
    nearest_inner = np.full(mask.shape, np.inf)
    for dy, dx in shifts:
        d = distance(wrgb, around(padded, dy, dx))
        nearest_inner = np.where(
            around(sprite, dy, dx), np.minimum(nearest_inner, d), nearest_inner
        )
    return ~mask & touching(mask) & ((close & (to_background < nearest_inner)) | mixed)


def _pale_plateau(
    wrgb: np.ndarray, mask: np.ndarray, close_to: np.ndarray, to_background: np.ndarray
) -> np.ndarray:
    """The sprite's own areas of a colour near the background's (a pale egg on paper):
    cells near its colour that reach more than a fringe's depth in from it, with all
    joined to them, beside the rest of the sprite (a blot of paper is not), and closer
    to its colour than to the background's. A fringe is one or two cells deep."""
    near = mask.copy()
    for _ in range(PLATEAU_DEPTH):
        near |= touching(near, diagonal=True)
    pale = close_to & ~mask
    deep = pale & ~near
    if not deep.any():
        return deep
    labels, count = label(pale)
    sprite = touching(~mask & ~close_to, diagonal=True)
    reach = np.bincount(labels[deep], minlength=count + 1) > 0
    beside = np.bincount(labels[pale & sprite], minlength=count + 1) > 0
    out = np.zeros_like(mask)
    for area in np.nonzero(reach & beside)[0]:
        cells = labels == area  # its blends with the paper still go
        own = distance(wrgb, median(wrgb[cells & deep], axis=0))
        out |= cells & (own < to_background)
    return out


def specks(wrgb: np.ndarray, mask: np.ndarray, tolerance: float) -> np.ndarray:
    """Lone specks of noise, JPEG or darker paper in the background: cells together
    touching nothing but background (diagonals too, so a sprite's corner pixel is never
    one), within ``tolerance`` of the background's shading (a speck of one or two
    cells: those of its cells that are; of up to speck_cells(): all of them). A detail
    attached to the sprite, or a sparkle of another colour, stays."""
    if mask.sum() < 12 or mask.all():
        return np.zeros_like(mask)
    predicted, _ = shading(wrgb, mask)
    close = distance(wrgb, predicted) <= tolerance
    labels, n = label(~mask, diagonal=True)
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    far = np.bincount(labels[~close].ravel(), minlength=n + 1)
    tiny = sizes <= 2
    whole = (sizes <= speck_cells(mask.size)) & (far == 0)
    tiny[0] = whole[0] = False
    return (tiny[labels] & close) | whole[labels]


def local_radius(shape: tuple[int, ...]) -> int:
    """How many cells away the background counts as nearby (LOCAL_SHARE)."""
    return max(2, int(LOCAL_SHARE * max(shape)))


def is_key(colour) -> bool:
    """Whether a background colour is a key colour (KEY_CHROMA): the art has none."""
    return float(max(colour)) - float(min(colour)) >= KEY_CHROMA


def speck_cells(cells: int) -> int:
    """The most cells a speck of the background has, on a grid of ``cells``."""
    return int(np.clip(round(SPECK_SHARE * cells), SPECK_MIN, SPECK_MAX))


def _bg_like(wrgb: np.ndarray, mask: np.ndarray, sharp: np.ndarray | None = None) -> np.ndarray:
    """Cells outside ``mask`` whose colour the background's fitted shading predicts
    (as read, or with the blur solved out of small cells: ``sharp``)."""
    predicted, spread = shading(wrgb, mask)
    limit = max(STEP_FLOOR, 3.0 * spread)
    # what the quadratic misses (a background's shading is no quadratic) is taken
    # from the background cells nearby; a cell like either is like the background
    radius = local_radius(mask.shape)
    local = predicted + box_mean(wrgb - predicted, mask.astype(np.float64), radius)
    like = np.zeros(mask.shape, bool)
    for guess in (predicted, local):
        like |= distance(wrgb, guess) <= limit
        if sharp is not None:
            like |= distance(sharp, guess) <= limit
    return ~mask & like


def holes(
    wrgb: np.ndarray,
    mask: np.ndarray,
    sharp: np.ndarray | None = None,
    paper: np.ndarray | None = None,
    key: bool = False,
) -> np.ndarray:
    """Enclosed areas that are background seen through the sprite: at least MIN_HOLE
    cells whose colour the background's fitted shading predicts closely (as read, or
    with the blur solved out of small cells: ``sharp``), or smaller ones whose every
    cell is textured like the paper (``paper``), or any size on a ``key`` colour (a
    colourful background the art does not use, as a green screen)."""
    if mask.sum() < 12 or mask.all():
        return np.zeros_like(mask)
    labels, n = label(_bg_like(wrgb, mask, sharp))
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    take = sizes >= MIN_HOLE
    if key:  # a key colour: the art has none of it, so any speck of it is see-through
        take |= sizes > 0
    if paper is not None:
        plain = np.bincount(labels[~paper].ravel(), minlength=n + 1)
        take |= plain == 0  # no cell of it is flat: paper, not an eye's white
    take[0] = False
    return take[labels]


def pockets(wrgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Small areas of the background's colour beside the background that the fill
    missed (JPEG rings next to an outline made the step too large): background."""
    if mask.sum() < 12 or mask.all():
        return np.zeros_like(mask)
    labels, n = label(_bg_like(wrgb, mask))
    beside = np.zeros(n + 1, bool)
    beside[labels[touching(mask) & (labels > 0)]] = True
    beside[0] = False
    return beside[labels]


def paper_texture(texture: np.ndarray, mask: np.ndarray, core: np.ndarray) -> float | None:
    """How much a cell may vary inside (cells.cell_texture) and still be flat art, when
    the background is textured paper: its cells (``core``, the fill's cells of the
    background's colour) vary clearly more than the art's (the cells outside the fill
    and away from it). None for a plain background."""
    art = ~(mask | touching(mask, diagonal=True))
    if core.sum() < 8 or art.sum() < 4:
        return None
    own = float(median(texture[art]))
    # a flat area of the art may lie among the background's colour (it is what is
    # looked for): the paper is the cells that vary clearly more than the art
    around = texture[core]
    textured = around >= PAPER_RATIO * own
    if textured.mean() < PAPER_SHARE:
        return None
    if float(median(around[textured])) < TEXTURED:
        return None
    paper = float(median(around))
    return float(np.sqrt(paper * own))  # halfway, on a ratio scale


def flat_areas(texture: np.ndarray, mask: np.ndarray, limit: float) -> np.ndarray:
    """Areas of the fill that are flat on textured paper: the art's own flat colour (a
    white belly, a pale shadow) the same colour as the paper around it. FLAT_MIN or
    more cells together that vary inside no more than ``limit`` (paper_texture),
    beside the sprite, are art."""
    flat = mask & (texture <= limit)
    labels, n = label(flat)
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    # a flat area of the art is part of the sprite: it touches a cell outside the fill
    attached = np.zeros(n + 1, bool)
    attached[labels[flat & touching(~mask)]] = True
    keep = (sizes >= FLAT_MIN) & attached
    keep[0] = False
    return keep[labels]


def shading(wrgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, float]:
    """The background's colour everywhere as a smooth (quadratic) function of position,
    fitted on the ``mask`` cells, and the typical distance of those cells from it."""
    predicted = fit(wrgb, mask)
    if predicted is None:
        centre = median(wrgb[mask], axis=0) if mask.any() else wrgb.reshape(-1, 3).mean(0)
        return np.broadcast_to(centre, wrgb.shape), 0.0
    spread = float(median(distance(wrgb[mask], predicted[mask])))
    return predicted, spread


def paper_patch(cells: np.ndarray, mask: np.ndarray) -> bool:
    """Whether a plateau the fill took (``cells``, (n, 2) of y, x) is the paper's own:
    at the picture's edge, no more than PAPER_PATCH of the cells, and touching nothing
    outside ``mask`` (the background). Mottled paper is darker or lighter than its
    fitted shading in patches (a vignette's corner, a light blotch: both seen), so
    which way it steps says nothing."""
    patch = np.zeros_like(mask)
    patch[cells[:, 0], cells[:, 1]] = True
    if len(cells) > PAPER_PATCH * mask.size or not (patch & ring_mask(*mask.shape)).any():
        return False
    return bool(mask[touching(patch)].all())
