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

from dgx_pixels_app.pixelize.background_parts import (
    STEP_FLOOR,
    _bg_like,
    flat_areas,
    halo,
    holes,
    is_key,
    paper_patch,
    paper_texture,
    pockets,
    shading,
    specks,
)
from dgx_pixels_app.pixelize.palette import _weighted, distance
from dgx_pixels_app.pixelize.regions import (
    components,
    label,
    neighbour_pairs,
    ring,
    ring_mask,
)
from dgx_pixels_app.pixelize.room import art_to_the_edges
from dgx_pixels_app.pixelize.stats import median, percentile

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
# With room of another colour left outside the grid (room.py), a ring around the whole
# grid that reaches a second cell inward at at most this share of its cells (a quarter
# of the ring is one cell deep), and holds inside nothing or one field filling at least
# SOLID_FIELD of its box, is the art's frame (see framed_in_room), not a background.
ROOM_FRAME = 0.75
SOLID_FIELD = 0.85
STEPPED_SHARE = 0.2  # a background whose neighbours step clearly this often is art
STEPPED_PAIRS = 20  # ... judged on at least this many neighbouring pairs


@dataclass
class Background:
    mask: np.ndarray  # (rows, cols) bool: the cells taken as background
    color: tuple[int, int, int]
    # the ring found was kept as the art's frame, in room of another colour (ROOM_FRAME):
    # nothing is removed, and ``color`` is the ring's (a person may pick it after all)
    framed: bool = False


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


def drop_plateaus(
    wrgb: np.ndarray, mask: np.ndarray, core: np.ndarray, typical_step: float
) -> np.ndarray:
    """Give back to the sprite the flat areas the fill took across a faint edge.

    The background is smooth: fitted (robustly, from the cells of its own colour)
    its shading explains every background cell. A white belly reached through a
    faint step is a plateau off that shading: flat inside, and meeting the
    background with a step clearly larger than the background's own steps. An area
    at the picture's edge, touching nothing but background, and small, is the
    paper's own (a darker corner, a blotch): see paper_patch.
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
    deferred = []
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
            if paper_patch(cells, mask):
                deferred.append(cells)
            else:
                out[ys, xs] = False
    for cells in deferred:  # (beside a plateau given back, it is the sprite's after all)
        if not paper_patch(cells, out):
            out[cells[:, 0], cells[:, 1]] = False
    return out


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
    inside = float((mask | _bg_like(wrgb, mask))[2:-2, 2:-2].mean())
    return deeper(mask) < THIN_RING and inside > FRAME_INSIDE


def framed_in_room(mask: np.ndarray) -> bool:
    """Whether what was found, inside room of another colour, is the art's frame: a
    ring around the whole grid, one cell deep along at least a quarter of it, holding
    inside nothing or one solid field of its colour (a flag's). Paper around a sprite
    that comes within a cell of two sides holds an L or a U of paper inside."""
    if border_share(mask) < FRAME_SHARE or deeper(mask) > ROOM_FRAME:
        return False
    inner = mask[1:-1, 1:-1]
    if not inner.any():
        return True
    ys, xs = np.nonzero(inner)
    return float(inner[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].mean()) >= SOLID_FIELD


def deeper(mask: np.ndarray) -> float:
    """The share of the mask's border cells (corners aside) whose inward neighbour is
    in the mask too: 0 for a ring one cell deep, 1 for room around a subject."""
    if mask.shape[0] < 3 or mask.shape[1] < 3:
        return 1.0
    outer = np.concatenate([mask[0, 1:-1], mask[-1, 1:-1], mask[1:-1, 0], mask[1:-1, -1]])
    inward = np.concatenate([mask[1, 1:-1], mask[-2, 1:-1], mask[1:-1, 1], mask[1:-1, -2]])
    return float(inward[outer].mean()) if outer.any() else 0.0


def find_background(
    rgb: np.ndarray,
    tolerance: float = 24.0,
    color: tuple[int, int, int] | None = None,
    contiguous: bool = False,
    small_cells: bool = False,
    sharp: np.ndarray | None = None,
    texture: np.ndarray | None = None,
    room: np.ndarray | None = None,
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
    flat art from textured paper of its colour (see paper_texture). ``room``: the
    colour of the flat band the grid leaves outside it (room.room_color); when no
    border cell is near it and what was found is the art's frame (framed_in_room), the
    art fills the grid: the result removes nothing and says so (``framed``).
    """
    h, w = rgb.shape[:2]
    wrgb = _weighted(rgb.reshape(-1, 3)).reshape(h, w, 3)
    in_room = color is None and room is not None and art_to_the_edges(ring(wrgb), room, tolerance)
    start = _seeds(wrgb, color, tolerance)
    if start is None:
        return None
    seeds, to_target = start
    step = _background_step(wrgb, seeds, tolerance)
    mask = _grow(wrgb, seeds, to_target, tolerance, step)
    limit = None
    if texture is not None and color is None:
        limit = paper_texture(texture, mask, mask & (to_target <= SEED_RADIUS))
    flat = flat_areas(texture, mask, limit) if limit is not None else np.zeros_like(mask)
    mask &= ~flat
    mask |= pockets(wrgb, mask)
    if not contiguous:
        wsharp = None if sharp is None else _weighted(sharp.reshape(-1, 3)).reshape(h, w, 3)
        textured = None if limit is None else texture > limit
        colour = median(rgb[mask], axis=0) if mask.any() else np.zeros(3)
        mask |= holes(wrgb, mask, wsharp, textured, is_key(colour))
    if small_cells:  # after the holes, so their fringe goes too
        # a fringe two cells deep: the second pass takes what the first uncovered
        for _ in range(2):
            mask |= halo(wrgb, mask, tolerance)
    mask |= specks(wrgb, mask, tolerance)
    mask &= ~flat
    if mask.all() or (color is None and _not_a_background(wrgb, mask)):
        return None
    found = tuple(int(v) for v in median(rgb[mask], axis=0))
    if in_room and framed_in_room(mask):  # the art's frame, in its room: nothing goes
        return Background(np.zeros_like(mask), found, framed=True)  # type: ignore[arg-type]
    return Background(mask, found)  # type: ignore[arg-type]


def _seeds(wrgb: np.ndarray, color, tolerance: float):
    """(the border cells the fill starts from, every cell's distance to the background
    colour), or None: the most common border colour, or near the user's pick."""
    h, w = wrgb.shape[:2]
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
    return seeds, to_target


def _grow(wrgb, seeds, to_target, tolerance: float, step: float) -> np.ndarray:
    """The fill from the seeds, crossing steps up to ``step``."""
    near = to_target <= 2.5 * tolerance
    mask = fill(wrgb, seeds, near, step)
    # the sprite may cut the background into separate parts along the border, and a
    # gradient may carry a part away from the seed colour: seed the border cells the
    # background's own smooth shading (fitted on what was found) predicts, and refill
    border = ring_mask(*wrgb.shape[:2])
    for _ in range(2):
        predicted, spread = shading(wrgb, mask)
        off = distance(wrgb, predicted)
        more = border & ~mask & near & (off <= max(SEED_RADIUS, 3.0 * spread, step))
        if not more.any():
            break
        mask = fill(wrgb, mask | more, near, step)
    return drop_plateaus(wrgb, mask, to_target <= SEED_RADIUS, step / STEP_SCALE)


def _not_a_background(wrgb: np.ndarray, mask: np.ndarray) -> bool:
    """What was found surrounds no subject: too little border, art cut by the border
    into many pieces or running off two sides, a frame of the art's own, or steps."""
    share = border_share(mask)
    if share < MIN_SHARE:
        return True
    if cut_pieces(mask) > max(2.0, PIECES_PER_SHARE * share) or full_sides(mask) >= 2:
        return True
    return framed_art(wrgb, mask) or stepped(wrgb, mask)
