"""Find the background on the grid of cell colours, and decide whether there is one.

SDXL paints a sprite on a soft background: a colour that drifts slowly (gradients,
vignettes, mottled paper) with no edges on the art grid, while the sprite's cells
are flat and meet their neighbours with a step. So the fill works cell to cell:

1. The candidate colour is the one most border cells are close to (or the colour
   the user picked with the eyedropper).
2. How much the background itself steps from cell to cell is measured on the
   border, where it surely is; the fill from the border then crosses only steps
   that small (never more than the tolerance). A white belly next to a near-white
   background steps more than the background does, so it stays, even when the
   colours are only a few units apart.
3. The filled region is a background only if what it surrounds looks like a
   subject: art cut by the image border in many separate places (a tile, a
   scene, a tileset) has no background.

Only cells reachable from the border become transparent, so enclosed areas of the
background colour (the white of an eye, a closed gap) stay, unless they are at least
MIN_HOLE cells (a key's ring) or the background is a colourful key colour (any size).

On textured paper (large cells: each cell's inside is measured, cells.cell_texture)
flatness decides what colour cannot: an area of the fill whose cells are flat like
the art's, beside the sprite, is the art's own (a pale shadow the paper's colour),
and a small enclosed area as textured as the paper is paper seen through the art.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.pixelize.palette import _weighted, distance, norm2
from dgx_pixels_app.pixelize.regions import (
    components,
    label,
    neighbour_pairs,
    ring,
    ring_mask,
    touching,
)
from dgx_pixels_app.pixelize.shading import box_mean, fit
from dgx_pixels_app.pixelize.stats import median, percentile

STEP_FLOOR = 5.0  # the fill always crosses steps this small (noise, JPEG)
STEP_SCALE = 4.0  # ... and up to this multiple of the background's typical step
CORNER_VOTE = 0.1  # an image corner is worth this share of the border cells
SEED_RADIUS = 8.0  # border cells this close to the candidate colour start the fill
MIN_SHARE = 0.15  # a background holds at least this share of the border cells
# Art the border cuts into more pieces than this is a tile or a scene (grass, bricks,
# a portrait), not a subject on a background; the more border the background holds,
# the more pieces a sheet of sprites may leave at the edges.
PIECES_PER_SHARE = 10.0
# Art that covers this share of two whole sides of the image runs on past the frame
# (a scene, a banded backdrop): a subject leaves room around it on at least three sides.
FULL_SIDE = 0.95
# A ring around the whole image (this share of the border) that reaches a second
# cell inward at under THIN_RING of its cells, while its colour covers more than
# FRAME_INSIDE of the inside, is the art's own frame (see framed_art).
FRAME_SHARE = 0.9
THIN_RING = 0.2
FRAME_INSIDE = 0.05
HALO = 0.75  # a fringe cell lies within this share of the tolerance of the background
BLEND = 0.4  # ... or is mostly background mixed with a sprite cell beside it
OFF_SHARE = 0.1  # ... allowing this share of the contrast off the line (JPEG colour error)
LOCAL_SHARE = 0.15  # the background nearby: within this share of the image
# A speck of the background (a blot of darker paper) has at most SPECK_SHARE of the
# cells, and SPECK_MIN to SPECK_MAX of them: a blot of mottle is a few cells across
SPECK_SHARE = 0.002
SPECK_MIN = 3
SPECK_MAX = 12
MIN_HOLE = 4  # enclosed background smaller than this (an eye's white) stays
# Paper whose cells vary inside at least this much (cells.cell_texture), and this many
# times as much as the art's, is textured: FLAT_MIN flat cells together on it are art.
TEXTURED = 1.1
PAPER_RATIO = 1.6
PAPER_SHARE = 0.3  # ... when at least this share of the background's cells is textured
FLAT_MIN = 4
STEPPED_SHARE = 0.2  # a background whose neighbours step clearly this often is art
STEPPED_PAIRS = 20  # ... judged on at least this many neighbouring pairs
KEY_CHROMA = 60  # a background this colourful (max - min of RGB) is a key colour


@dataclass
class Background:
    mask: np.ndarray  # (rows, cols) bool: the cells taken as background
    color: tuple[int, int, int]


def stepped(wrgb: np.ndarray, mask: np.ndarray) -> bool:
    """Whether the found area steps like art rather than drifting like a background:
    many neighbouring cells in it differ clearly (twice a clear step over its own
    small differences), as the bands of a ramp across a tile do. SDXL's backgrounds,
    paper included, step so at under 5 % of neighbours; a banded tile at half."""
    a, b = neighbour_pairs(mask)
    flat = wrgb.reshape(-1, 3)
    d = distance(flat[a], flat[b])
    if d.size < STEPPED_PAIRS:
        return False
    clear = max(STEP_FLOOR, 3.0 * percentile(d, 25))
    return float((d > 2 * clear).mean()) > STEPPED_SHARE


def border_share(mask: np.ndarray) -> float:
    edges = ring(mask)
    return float(edges.mean()) if edges.size else 0.0


def candidate_color(wrgb: np.ndarray, radius: float) -> np.ndarray:
    """The weighted colour of the tight cluster of border cells with the most votes:
    one per border cell (up to three near a corner) and a tenth of the border per
    image corner it holds. A subject is framed with background in the corners, so a
    white sprite filling much of the border does not outvote a white background,
    while in a tile the commonest colour still wins over one that holds corners."""
    border = ring(wrgb)
    n = len(border)
    h, w = wrgb.shape[:2]
    corners = np.array([0, w - 1, w - 1 + h - 1, 2 * (w - 1) + h - 1])
    pos = np.arange(n)
    gap = np.abs(pos[:, None] - np.append(corners, n)[None, :]).min(1) / max(1.0, min(h, w) / 4)
    weight = 1 + 2 * np.clip(1 - gap, 0, 1)
    step = max(1, n // 512)
    sample = border[::step]
    d = distance(sample[:, None], sample[None, :])
    corner_hits = np.zeros(len(sample))
    for c in corners[corners < n]:
        corner_hits += distance(sample, border[c]) <= radius
    votes = (d <= radius).astype(np.float32) @ weight[::step] * step
    score = corner_hits * CORNER_VOTE * n + votes
    best = int(np.argmax(score))
    near = distance(border, sample[best]) <= radius
    return median(border[near], axis=0)


def _background_step(wrgb: np.ndarray, seeds: np.ndarray, tolerance: float) -> float:
    """The largest step the fill may cross: a multiple of how much neighbouring
    background cells typically differ along the border."""
    loop, inside = ring(wrgb), ring(seeds)
    pair = inside & np.roll(inside, -1)
    if pair.sum() < 4:
        return tolerance
    steps = distance(loop, np.roll(loop, -1, axis=0))[pair]
    return float(np.clip(STEP_SCALE * median(steps), STEP_FLOOR, tolerance))


def fill(wrgb: np.ndarray, seeds: np.ndarray, near: np.ndarray, step: float) -> np.ndarray:
    """Cells reachable from ``seeds`` through ``near`` cells, one step <= ``step`` at a time."""
    h, w = near.shape
    step_x = distance(wrgb[:, 1:], wrgb[:, :-1]) <= step  # (h, w-1)
    step_y = distance(wrgb[1:], wrgb[:-1]) <= step  # (h-1, w)
    mask = seeds & near
    queue: deque[tuple[int, int]] = deque(zip(*np.nonzero(mask), strict=True))
    while queue:
        y, x = queue.popleft()
        if x > 0 and not mask[y, x - 1] and near[y, x - 1] and step_x[y, x - 1]:
            mask[y, x - 1] = True
            queue.append((y, x - 1))
        if x < w - 1 and not mask[y, x + 1] and near[y, x + 1] and step_x[y, x]:
            mask[y, x + 1] = True
            queue.append((y, x + 1))
        if y > 0 and not mask[y - 1, x] and near[y - 1, x] and step_y[y - 1, x]:
            mask[y - 1, x] = True
            queue.append((y - 1, x))
        if y < h - 1 and not mask[y + 1, x] and near[y + 1, x] and step_y[y, x]:
            mask[y + 1, x] = True
            queue.append((y + 1, x))
    return mask


def shading(wrgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, float]:
    """The background's colour everywhere as a smooth (quadratic) function of position,
    fitted on the ``mask`` cells, and the typical distance of those cells from it."""
    predicted = fit(wrgb, mask)
    if predicted is None:
        centre = median(wrgb[mask], axis=0) if mask.any() else wrgb.reshape(-1, 3).mean(0)
        return np.broadcast_to(centre, wrgb.shape), 0.0
    spread = float(median(distance(wrgb[mask], predicted[mask])))
    return predicted, spread


def drop_plateaus(
    wrgb: np.ndarray, mask: np.ndarray, core: np.ndarray, typical_step: float
) -> np.ndarray:
    """Give back to the sprite the flat areas the fill took across a faint edge.

    The background is smooth: fitted (robustly, from the cells of its own colour)
    its shading explains every background cell. A white belly reached through a
    faint step is a plateau off that shading: flat inside, and meeting the
    background with a step clearly larger than the background's own steps.
    """
    keep = mask & core
    if keep.sum() < 12:
        return mask
    for _ in range(3):
        predicted, spread = shading(wrgb, keep)
        off = distance(wrgb, predicted)
        keep = mask & (off <= max(STEP_FLOOR, 3.0 * spread))
    outliers = mask & ~keep
    if not outliers.any():
        return mask
    h, w = mask.shape
    out = mask.copy()
    edge = max(STEP_FLOOR, 2.0 * typical_step)
    for cells in components(outliers, wrgb, edge):
        if len(cells) < 2:
            continue
        ys, xs = cells[:, 0], cells[:, 1]
        steps = []
        for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            ny, nx = ys + dy, xs + dx
            ok = (ny >= 0) & (ny < h) & (nx >= 0) & (nx < w)
            ny, nx = ny[ok], nx[ok]
            next_to = keep[ny, nx]
            steps.append(distance(wrgb[ny, nx][next_to], wrgb[ys[ok], xs[ok]][next_to]))
        steps = np.concatenate(steps)
        if steps.size and median(steps) >= edge:
            out[ys, xs] = False
    return out


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
    close = (to_background <= HALO * tolerance) | blend
    # the sprite's own cells: neither background nor fringe candidates themselves
    sprite = np.pad(~mask & ~close, 1, constant_values=False)
    nearest_inner = np.full(mask.shape, np.inf)
    for dy, dx in shifts:
        d = distance(wrgb, around(padded, dy, dx))
        nearest_inner = np.where(
            around(sprite, dy, dx), np.minimum(nearest_inner, d), nearest_inner
        )
    return ~mask & touching(mask) & ((close & (to_background < nearest_inner)) | mixed)


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


def cut_pieces(mask: np.ndarray) -> int:
    """How many separate pieces of the non-background touch the image border."""
    labels, _ = label(~mask)
    touching = ring(labels)
    return int(np.count_nonzero(np.bincount(touching[touching > 0])))


def full_sides(mask: np.ndarray) -> int:
    """How many sides of the image the non-background covers almost whole."""
    sides = (mask[0], mask[-1], mask[:, 0], mask[:, -1])
    return sum(float((~side).mean()) >= FULL_SIDE for side in sides)


def framed_art(wrgb: np.ndarray, mask: np.ndarray) -> bool:
    """A ring one cell deep around the whole image whose colour recurs inside: the
    art's own frame (a bevelled wall tile), not a background. A sprite with a margin
    of one cell has that ring and (next to) nothing of its colour inside."""
    h, w = mask.shape
    if h < 5 or w < 5 or border_share(mask) < FRAME_SHARE:
        return False
    outer = np.concatenate([mask[0, 1:-1], mask[-1, 1:-1], mask[1:-1, 0], mask[1:-1, -1]])
    inward = np.concatenate([mask[1, 1:-1], mask[-2, 1:-1], mask[1:-1, 1], mask[1:-1, -2]])
    deeper = float(inward[outer].mean()) if outer.any() else 0.0
    inside = float((mask | _bg_like(wrgb, mask))[2:-2, 2:-2].mean())
    return deeper < THIN_RING and inside > FRAME_INSIDE


def find_background(
    rgb: np.ndarray,
    tolerance: float = 24.0,
    color: tuple[int, int, int] | None = None,
    contiguous: bool = False,
    small_cells: bool = False,
    sharp: np.ndarray | None = None,
    texture: np.ndarray | None = None,
) -> Background | None:
    """The background of the cell image ``rgb`` (rows, cols, 3), or None.

    With ``color`` (the user's pick) the decision is theirs: every border-connected
    cell near that colour is background, or, when none touches the border, every
    cell near it. ``contiguous`` keeps enclosed areas of the background's colour
    (Aseprite's contiguous fill); by default a hole of MIN_HOLE cells or more whose
    colour the background's shading predicts (the ring of a key, the gap between
    an arm and the body) is background too. ``small_cells``: the upscale's blur
    reached the cells' centres, so the sprite's edge cells may be blends (see halo).
    ``texture``: how much each cell varies inside (cells.cell_texture), for telling
    flat art from textured paper of its colour (see paper_texture).
    """
    h, w = rgb.shape[:2]
    wrgb = _weighted(rgb.reshape(-1, 3)).reshape(h, w, 3)
    if color is not None:
        target = _weighted(np.asarray(color, np.uint8).reshape(1, 3))[0]
    else:
        target = candidate_color(wrgb, SEED_RADIUS)
    to_target = distance(wrgb, target)
    seeds = ring_mask(h, w)
    radius = min(SEED_RADIUS, tolerance)
    if color is not None and not (seeds & (to_target <= radius)).any():
        # the pick may sit a little off the cells' colours: widen to the tolerance, and
        # to enclosed areas when no border cell is near it
        radius = tolerance
        if not (seeds & (to_target <= radius)).any():
            seeds[:] = True
    seeds &= to_target <= radius
    if not seeds.any():
        return None
    if color is not None:  # centre on the cells the pick found, as the automatic case is
        target = median(wrgb[seeds], axis=0)
        to_target = distance(wrgb, target)
        seeds |= (to_target <= radius) & ring_mask(h, w)
    step = _background_step(wrgb, seeds, tolerance)
    near = to_target <= 2.5 * tolerance
    mask = fill(wrgb, seeds, near, step)
    # the sprite may cut the background into separate parts along the border, and a
    # gradient may carry a part away from the seed colour: seed the border cells the
    # background's own smooth shading (fitted on what was found) predicts, and refill
    border = ring_mask(h, w)
    for _ in range(2):
        predicted, spread = shading(wrgb, mask)
        off = distance(wrgb, predicted)
        more = border & ~mask & near & (off <= max(SEED_RADIUS, 3.0 * spread, step))
        if not more.any():
            break
        mask = fill(wrgb, mask | more, near, step)
    mask = drop_plateaus(wrgb, mask, to_target <= SEED_RADIUS, step / STEP_SCALE)
    flat = np.zeros_like(mask)
    limit = None
    if texture is not None and color is None:
        limit = paper_texture(texture, mask, mask & (to_target <= SEED_RADIUS))
    if limit is not None:
        flat = flat_areas(texture, mask, limit)
        mask &= ~flat
    mask |= pockets(wrgb, mask)
    if not contiguous:
        wsharp = None if sharp is None else _weighted(sharp.reshape(-1, 3)).reshape(h, w, 3)
        textured = None if limit is None else texture > limit
        colour = median(rgb[mask], axis=0) if mask.any() else np.zeros(3)
        key = is_key(colour)
        mask |= holes(wrgb, mask, wsharp, textured, key)
    if small_cells:  # after the holes, so their fringe goes too
        # a fringe two cells deep: the second pass takes what the first uncovered
        for _ in range(2):
            mask |= halo(wrgb, mask, tolerance)
    mask |= specks(wrgb, mask, tolerance)
    mask &= ~flat
    if mask.all():
        return None
    if color is None:
        share = border_share(mask)
        if share < MIN_SHARE:
            return None
        if cut_pieces(mask) > max(2.0, PIECES_PER_SHARE * share) or full_sides(mask) >= 2:
            return None
        if framed_art(wrgb, mask) or stepped(wrgb, mask):
            return None
    found = tuple(int(v) for v in median(rgb[mask], axis=0))
    return Background(mask, found)  # type: ignore[arg-type]
