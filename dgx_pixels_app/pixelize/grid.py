"""Find the art-pixel grid of an upscaled image: cell size and cut positions per axis.

The edge-strength profile along an axis (colour change between neighbouring columns,
summed over rows) peaks at the cell boundaries. Its Fourier transform, zero-padded
for sub-pixel resolution, peaks at the grid's frequency; the phase gives where the
cuts fall. Each predicted cut is then moved to the strongest nearby edge, so cell
sizes that are non-integer or drift slowly across the image are followed (cuts.py).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.pixelize.cuts import (
    AxisGrid,
    Grid,
    axis_from_period,
    refine_cuts,
    with_edges,
    within,
)
from dgx_pixels_app.pixelize.frame import framed_periods
from dgx_pixels_app.pixelize.grid_check import (
    coarser_as_well,
    explains_better,
    finer_if_too_coarse,
    reads_as_well,
)
from dgx_pixels_app.pixelize.ink import ink_box
from dgx_pixels_app.pixelize.jpeg_seams import (
    block_of,
    seam_ratio,
    seams_only,
    without_block_pattern,
)
from dgx_pixels_app.pixelize.lattice import (
    AS_WELL,
    STROKE_SLACK,
    Edged,
    gap_period,
    lattice_fit,
    other_counts,
    phase_of,
    stroke_period,
    thinnest_stroke,
)
from dgx_pixels_app.pixelize.spectrum import MIN_CELL, frequency, spectrum
from dgx_pixels_app.pixelize.upscaled import coarser_if_upscaled

MIN_CELLS = 8  # a sprite has at least this many art pixels across its longer side
MIN_SHORT_CELLS = 4  # ... and this many across its shorter side (a key, a sword)
PAD_FACTOR = 16
COUNTED_APART = 0.01  # a count of the cells changes a period this much off (a share)
# a reading at JPEG's blocks where their seams rise this share of the way to the
# strongest edges (seam_ratio: pale art on paper 0.7-0.85; a grey tank on grass, whose
# own box reads its large shapes, 0.5-0.62) is checked against the sprite's own box
SEAMS_STRONG = 0.7
# ... at 8 or 4 px (at 2 and 2.7 px a faded sprite's box read twice its cell about as
# often as a pale sprite's box read its own: losing detail is the worse mistake)
INK_BLOCKS = (8.0, 4.0)
# A reading at a harmonic of the blocks (4 or 2.7 px) whose box reads the block itself
# (8 px art on the seams: every edge there, the harmonic's lattice fits them too) gives
# way to 8 px when that explains the box's edges as well
INK_HARMONICS = (4.0, 8.0 / 3.0)
BOX_EDGES = 8  # ... judged on at least this many clear edges of the box (a handful fit any)
SEAMS_CELL = 0.01  # a reading this close (a share) to 8 px is JPEG's block, cut at 8 exactly
# ... on a picture with JPEG's seams at all (seam_ratio; 0.036 and up on JPEG'd paper,
# 0.00 on a PNG, where 8.06 px cells cut at 8 came out a cell too many over 127)
SEAMS_SEEN = 0.025
INK_MIN_SIDE = 64  # ... on a picture at least this many pixels (8 blocks) on a side
INK_MULTIPLE = 0.03  # (a multiple of 8 px within this share of it: cells of 16, 24, 32)
INK_APART = 0.05  # ... and the box's cell, this far (a share) from it, is taken
# A small sprite in a wide frame (ink.ink_box, looked at this many pixels across: a
# quarter the work of rule 21's look) is read from its own box too (_by_the_box)
BOX_READ_AT = 256


def edge_profile(image: np.ndarray, axis: int, max_lines: int = 256) -> np.ndarray:
    """Colour change between neighbours along ``axis`` (1 = columns, 0 = rows),
    averaged over at most ``max_lines`` evenly spaced lines (plenty for a mean)."""
    lines = image.shape[1 - axis]
    step = max(1, lines // max_lines)
    data = image[::step, :, :3] if axis == 1 else image[:, ::step, :3]
    diff = np.abs(np.diff(data.astype(np.int16), axis=axis))
    # the same integer sums as over channels first, but along contiguous memory (numpy
    # is slow to reduce a middle axis of three-wide rows)
    if axis == 0:
        total = diff.reshape(diff.shape[0], -1).sum(axis=1, dtype=np.int64)
    else:
        total = diff.sum(axis=0, dtype=np.int64).sum(axis=-1)
    return total / diff.shape[1 - axis]


def _faint_stroke_bound(combined: np.ndarray, size: int, edged, period: float) -> float:
    """A stroke between fainter edges (a frame beside a field of a near colour) still
    bounds the cell: when the period found is wider, the spectrum's peak under that
    bound is the cell if its lattice explains the edges as well."""
    bound = STROKE_SLACK * thinnest_stroke(edged, faint=True) + 2.0
    if period <= bound or bound <= MIN_CELL + 1:
        return period
    f = frequency(combined, size, bound, edged)
    if f is None or lattice_fit(edged, 1.0 / f) < lattice_fit(edged, period) - AS_WELL:
        return period
    return 1.0 / f


def _framed(image: np.ndarray, edged, found: float | None) -> Grid | None:
    """The grid of art framed to the picture's edges (see frame.py), where the frame's
    cell replaces ``found``, the cell read otherwise (frame.framed_periods says when)."""
    px, py = (e.profile for e in edged)
    w, h = len(px) + 1, len(py) + 1
    periods = framed_periods(edged, image, found)
    if periods is None:
        return None
    axes = []
    for profile, period, length in ((px, periods[0], w), (py, periods[1], h)):
        cuts = with_edges(refine_cuts(profile, period, 0.0, length, period), period, length)
        if len(cuts) - 1 != round(length / period):  # drift took a cut away: evenly
            cuts = np.linspace(0.0, float(length), round(length / period) + 1)
        axes.append(AxisGrid(period, cuts))
    # (the cell read otherwise stays on offer: room of half a cell around a frame of one
    # is the same picture as a frame of one with a ring of two, read at the finer cell)
    return Grid(axes[0], axes[1], () if found is None else (found,))


def detect_grid(
    image: np.ndarray, cell: float | None = None, *, upscale_check: bool = True
) -> Grid:
    """The grid of ``image`` (h, w, c). ``cell`` forces a cell size on both axes.

    Art pixels are square, so both axes' spectra are added before the peak is picked:
    a periodic arrangement of objects along one axis (a row of lamp posts) cannot
    outvote the cell grid both axes share. The strongest peak may be a harmonic or
    JPEG's blocks or a period of the content (see spectrum.py). Each axis places its
    cuts, following its edges. A grid at a harmonic of JPEG's blocks that only its
    seams make (pale art on paper: they outnumber the art's few edges) gives way to
    the grid read with the seams left out (jpeg_seams.seams_only) when that explains
    the picture as well (grid_check.reads_as_well). A grid at JPEG's blocks on a picture
    mostly of paper may be the seams' too: the sprite's own box is read (_by_the_ink),
    and after a reading at their harmonics, the box's 8 px may be taken (_on_the_blocks).
    A small sprite in a wide frame is read from its own box too (_by_the_box).
    """
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise InvalidInputError(f"A grid is read from an RGB or RGBA picture, not {image.shape}.")
    h, w = image.shape[:2]
    if h < 2 or w < 2:
        raise InvalidInputError(f"A {w}x{h} image is too small to pixelize.")
    px, py = edge_profile(image, 1), edge_profile(image, 0)
    if cell is not None:
        if cell < 1:
            raise InvalidInputError(f"A cell must be at least 1 pixel, not {cell}.")
        return Grid(axis_from_period(px, float(cell), w), axis_from_period(py, float(cell), h))
    return _read(image, px, py, upscale_check, ink=upscale_check)


def _read(
    image: np.ndarray, px: np.ndarray, py: np.ndarray, upscale_check: bool, ink: bool
) -> Grid:
    """detect_grid's reading; ``ink``: a reading at JPEG's blocks, where their seams
    are nearly as strong as the picture's strongest edges, is checked against the
    sprite's own box (_by_the_ink); a reading of 8 px, where they are not, against the
    box's multiples of 8 px only (a pale sprite of 16 px cells: every edge on a seam);
    a reading at their harmonics (4, 2.7 px), against the box's 8 px (_on_the_blocks).
    A reading none of these changed is checked against a small sprite's own box (a
    sprite in a wide frame, _by_the_box).
    """
    found = _detect(image, px, py, upscale_check)
    if upscale_check and seams_only(px, py, found.x.cell):  # (no seams in cells' pictures)
        other = _detect(image, without_block_pattern(px), without_block_pattern(py), True)
        found = other if reads_as_well(image, other, found) else found
    block = block_of(found.x.cell)
    first = found
    if ink and block is not None and min(image.shape[:2]) >= INK_MIN_SIDE:
        seams = max(map(seam_ratio, (px, py)))
        rule_21 = block in INK_BLOCKS and (seams >= SEAMS_STRONG or block == 8.0)
        if rule_21 or (block in INK_HARMONICS and seams >= SEAMS_SEEN):
            found = _by_the_ink(image, px, py, found, seams)
    if ink and found is first and min(image.shape[:2]) >= INK_MIN_SIDE:
        found = _by_the_box(image, (px, py), found)
    return found


def _by_the_box(image: np.ndarray, profiles, found: Grid) -> Grid:
    """The cell read from the box of a small sprite in a wide frame (ink.ink_box), when
    apart from ``found`` and its grid explains the box clearly better (explains_better).
    In the whole picture the sprite's few edges are diluted by the background's noise
    and JPEG's, over a profile four to ten times as long as theirs: a 12 x 20 bottle at
    4 px read 7.6 px, an egg at 5 px read 22.5 px. The cuts follow the box's phase; the
    whole picture's reading is kept in the grid's ``others``. Any picture of INK_MIN_SIDE
    or more whose ink box is small enough (ink.ink_box) is read so, not only SDXL's."""
    box = ink_box(image, BOX_READ_AT)
    if box is None:
        return found
    crop = image[box]
    cx, cy = edge_profile(crop, 1), edge_profile(crop, 0)
    if sum(Edged.of(p).positions.size for p in (cx, cy)) < BOX_EDGES:
        return found  # (a blot of textured paper beside a flat white house: no sprite)
    cell = _read(crop, cx, cy, True, ink=False).x.cell
    if abs(cell / found.x.cell - 1) < INK_APART:
        return found
    ch, cw = crop.shape[:2]

    def grid_at(c: float) -> Grid:
        return Grid(axis_from_period(cx, c, cw), axis_from_period(cy, c, ch))

    if not explains_better(crop, grid_at, cell, than=within(found, box)):
        return found
    return _cut_at_the_box(image, profiles, (cx, cy), box, cell, (found.x.cell, *found.others))


def _by_the_ink(
    image: np.ndarray, px: np.ndarray, py: np.ndarray, found: Grid, seams: float
) -> Grid:
    """The cell read from the box of the picture's ink (ink.ink_box: a small pale
    sprite on paper, whose few faint edges the seams over all the paper outnumber),
    when that is off JPEG's blocks, apart from ``found``, and explains the box's edges
    better (0.06-0.47 more of them where it put the cell right; a cloud whose box read
    4.75 px for 3.78, as well as the 4 px found, was made worse), or is a multiple of
    8 px explaining them as well (cells of 16 or 24 px, every edge on a seam, fit 8
    px too). The cuts are then placed on the whole picture's edges. Where the box reads
    8 px itself, see _on_the_blocks. ``seams``: how strong JPEG's seams are (seam_ratio).
    """
    box = ink_box(image)
    if box is None:
        return found
    crop = image[box]
    cx, cy = edge_profile(crop, 1), edge_profile(crop, 0)
    cell = _read(crop, cx, cy, True, ink=False).x.cell
    if block_of(cell) == 8.0 and block_of(found.x.cell) in (8.0, *INK_HARMONICS):
        if seams < SEAMS_SEEN:
            return found
        return _on_the_blocks(image, (px, py), found, ((Edged.of(cx), Edged.of(cy)), box))
    if block_of(cell) is not None or abs(cell / found.x.cell - 1) < INK_APART:
        return found
    edged = (Edged.of(cx), Edged.of(cy))
    strong = seams >= SEAMS_STRONG and block_of(found.x.cell) in INK_BLOCKS
    multiple = block_of(found.x.cell) == 8.0 and _near_multiple(cell / found.x.cell)
    if not (strong or multiple):
        return found  # (where the seams are faint, only a multiple of 8 px is sought)
    if lattice_fit(edged, cell) < lattice_fit(edged, found.x.cell) + (
        -AS_WELL if multiple else AS_WELL
    ):
        return found
    h, w = image.shape[:2]
    # (the first reading stays on offer: the box's few edges pin its cell less well)
    others = (found.x.cell, *found.others)
    return Grid(axis_from_period(px, cell, w), axis_from_period(py, cell, h), others)


def _on_the_blocks(image: np.ndarray, profiles, found: Grid, in_box) -> Grid:
    """The box (``in_box``: its edges and its slices) read JPEG's block: 8 px art, its
    every edge on a seam, whose harmonic (4 or 2.7 px) the whole picture read, when 8
    px explains the box as well (_blocks_explain); cut where the box's edges are (art
    drawn off the seams has the seams over the paper between its edges)."""
    edged, box = in_box
    harmonic = block_of(found.x.cell) != 8.0
    if harmonic and not _blocks_explain(image[box], edged, found.x.cell):
        return found
    others = (found.x.cell, *found.others) if harmonic else found.others
    # (JPEG's block is 8 px exactly: the box's few edges, and the whole picture's mix of
    # seams and art, read it a per cent or so off, and over the whole picture that
    # drifted the cuts off the art's lines; a cell rule 19 read 1-5 % off 8 px keeps it)
    exact = harmonic or abs(found.x.cell / 8.0 - 1) <= SEAMS_CELL
    cell = 8.0 if exact else found.x.cell
    return _cut_at_the_box(image, profiles, [e.profile for e in edged], box, cell, others)


def _cut_at_the_box(image: np.ndarray, profiles, own, box, cell: float, others) -> Grid:
    """The whole picture's grid of ``cell`` (its edge ``profiles``), phased where the
    box's own profiles (``own``) put the cuts, offset by where the box starts."""
    h, w = image.shape[:2]
    axes = [
        axis_from_period(profile, cell, length, phase=start + phase_of(mine, 1 / cell))
        for profile, mine, length, start in zip(
            profiles, own, (w, h), (box[1].start, box[0].start), strict=True
        )
    ]
    return Grid(axes[0], axes[1], others)


def _blocks_explain(crop: np.ndarray, edged, finer: float) -> bool:
    """Whether 8 px explains the box ``crop`` (its ``edged`` profiles) as well as the
    ``finer`` harmonic: on BOX_EDGES clear edges or more (a handful fit any lattice), the
    colour 8 px leaves inside its cells (grid_check.coarser_as_well). The edges alone
    cannot tell: 8 px's lattice fits the clear edges of 4 px art drawn mostly in 2 x 2
    blocks as well as 4 px's, its one-cell details or dither too faint to be clear edges,
    and where the colour passed, the lattice did too (1,600 pictures of our art at 4 and
    2.7 px)."""
    if sum(e.positions.size for e in edged) < BOX_EDGES:
        return False
    h, w = crop.shape[:2]

    def grid_at(cell: float) -> Grid:
        return Grid(axis_from_period(edged[0].profile, cell, w),
                    axis_from_period(edged[1].profile, cell, h))  # fmt: skip

    return coarser_as_well(crop, grid_at(8.0), grid_at(finer))


def _near_multiple(ratio: float) -> bool:
    """Whether ``ratio`` is 2, 3 or 4 within INK_MULTIPLE."""
    return any(abs(ratio / k - 1) <= INK_MULTIPLE for k in (2, 3, 4))


def _detect(image: np.ndarray, px: np.ndarray, py: np.ndarray, upscale_check: bool) -> Grid:
    """detect_grid from the picture's edge profiles."""
    h, w = image.shape[:2]
    size = 1 << int(np.ceil(np.log2(max(len(px), len(py)) * PAD_FACTOR)))
    sx, sy = spectrum(px, size), spectrum(py, size)
    largest = max(MIN_CELL + 1, min(min(w, h) / MIN_SHORT_CELLS, max(w, h) / MIN_CELLS))
    combined = sx + sy
    edged = (Edged.of(px), Edged.of(py))
    max_cell = min(largest, max(MIN_CELL + 1, STROKE_SLACK * thinnest_stroke(edged) + 2.0))
    f = frequency(combined, size, max_cell, edged)
    if f is None or 1.0 / f >= min(w, h) / 1.5:
        whole = Grid(AxisGrid(float(w), np.array([0.0, float(w)])),
                     AxisGrid(float(h), np.array([0.0, float(h)])))  # fmt: skip
        return _framed(image, edged, None) or whole
    # art pixels are square: both axes use the period they agree on, and each axis's
    # cuts then follow its own edges (drift, non-integer sizes); a per-axis period
    # from one noisy spectrum was off by a few per cent on small cells, which over a
    # wide flat margin came out a cell or more short
    period = _faint_stroke_bound(combined, size, edged, stroke_period(edged, 1.0 / f))

    def grid_at(cell: float) -> Grid:
        return Grid(axis_from_period(px, cell, w), axis_from_period(py, cell, h))

    found = finer_if_too_coarse(image, first := grid_at(period), grid_at, MIN_CELL)
    if upscale_check:  # (the cells' own picture is read without it)
        inner = partial(detect_grid, upscale_check=False)
        found = coarser_if_upscaled(image, found, grid_at, inner, largest)
    if found is first:  # the period is one cell: count the cells between edges
        counted = gap_period(edged, period)
        if abs(counted / period - 1) > COUNTED_APART and lattice_fit(edged, counted) >= (
            lattice_fit(edged, period) - AS_WELL
        ):
            found = grid_at(counted)
        found = replace(found, others=other_counts(edged, period, found.x.cell))
    return _framed(image, edged, found.x.cell) or found
