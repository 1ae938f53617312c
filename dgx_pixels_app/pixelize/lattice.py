"""Where a lattice of cuts meets the clear edges of an edge profile: how much of the edge
strength a period explains, and the narrowest stroke that bounds the cell."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.pixelize.jpeg_seams import without_jpeg_seams
from dgx_pixels_app.pixelize.stats import median, percentile

CLEAR = 0.35  # an edge is clear at this share of the way from the median to the strongest
STROKE_APART = 3.0  # edges this far apart are two edges, not one blurred edge's peaks
# A stroke (the gap between two neighbouring strong edges) bounds the cell:
STROKE_STRENGTH = 0.4  # edges at least this share of the axis's strongest bound the cell
STROKE_MIN = 8.0  # ... apart at least this (small cells' edges are noisy: no bound there)
STROKE_OVER_FLOOR = 4.0  # ... and this multiple of the profile's median (noise, JPEG seams)
STROKE_EDGES = 12  # ... on an axis with at most this many strong edges
STROKE_SLACK = 1.2  # ... to this multiple of the gap between two, and 2 px (blur, drift)
# Strokes that agree measure the cell (stroke_period):
STROKE_ONE_CELL = 1.25  # strokes up to this multiple of the thinnest (and 1.5 px) are one
# cell wide each, drift apart: their mean is the cell (the thinnest alone is biased low)
STROKE_AGREE = (0.02, 1.5)  # strokes this close (share, px) to the thinnest are one width;
STROKE_AGREE_EACH = 0.06  # a period wider than their mean by the share above plus this
# share over the number of strokes (two: 5 %, four: 3.5 %) is not the cell
STROKE_NUDGE = 0.05  # the strokes' mean, nudged up to this share either way (drift and
# blur move each stroke's width by a pixel; a lattice over 40 cells needs 0.5 % to fit)
STROKE_NUDGE_STEPS = 41
AS_WELL = 0.02  # a lattice explains the edges as well when its fit is at most this lower
# Fainter strokes count too, for measuring the cell (a lattice must agree), on axes with
# at most STROKE_EDGES clear edges (faint_edges):
STROKE_FAINT = 0.1  # edges at least this share of the axis's strongest (a dark frame on
# a dark background beside a bright field: 0.14)
STROKE_SPREAD = 10.0  # ... and this many times the profile's spread over its median
PROMINENCE = 0.5  # ... rising from the valleys beside them by this share of their height
STROKE_FAINT_MIN = 16.0  # ... apart at least this: one-cell strokes under 8 px go unseen,
# and two of them side by side would pass for one cell
# The cells counted between edges (gap_period):
GAPS_TO_COUNT = 3  # at least this many gaps between clear edges
GAP_OF_A_CELL = 0.6  # ... each at least this share of the period (less: a blurred edge)
GAP_SPAN = 0.1  # periods this close (a share) to the one found are tried
GAP_STEPS = 401  # ... this many, evenly
GAP_DRIFT = 0.04  # a cut wanders this share of a cell from one cell to the next
GAP_DRIFT_MAX = 0.2  # ... and a gap's two ends at most this share of a cell in all
# Other counts a person is offered (other_counts):
OTHERS_SPAN = 0.15  # periods this close (a share) to the one found
OTHERS_FIT = 2.0  # ... whose misfit is at most this multiple of the best's
OTHERS_APART = 0.02  # ... and that differ from the one chosen by this share at least


def smoothed(profile: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The profile without JPEG's seams, smoothed over three boundaries, with its median
    (the noise floor) and its strongest edges' level (the 99.5th percentile)."""
    smooth = np.convolve(without_jpeg_seams(profile), np.array([0.25, 0.5, 0.25]), mode="same")
    return smooth, float(median(smooth)), percentile(smooth, 99.5)


def edges(profile: np.ndarray, share: float = CLEAR) -> tuple[np.ndarray, np.ndarray]:
    """Positions and strengths of the edges along one axis that reach ``share`` of the
    way from the profile's median to its strongest (0.35: the clear edges) and, for a
    lower share, stand clear of the noise (4 x the median)."""
    smooth, floor, top = smoothed(profile)
    strong = floor + share * (top - floor)
    if share < CLEAR:  # the faint ones: clear of the noise, and never fewer than the clear
        strong = min(max(strong, STROKE_OVER_FLOOR * floor), floor + CLEAR * (top - floor))
    inner = smooth[1:-1]
    peaks = np.flatnonzero((inner >= smooth[:-2]) & (inner > smooth[2:]) & (inner >= strong)) + 1
    return peaks + 1.0, smooth[peaks]


def faint_edges(profile: np.ndarray, clear: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and strengths of the edges that stand clear of the profile's own spread
    (STROKE_SPREAD spreads over its median) and reach STROKE_FAINT of its strongest,
    however far below the clear ones: a dark frame on a dark background beside a bright
    field is a seventh of the field's edge, and is still the only one-cell stroke.
    ``clear``: the clear edges' positions (see edges), always kept."""
    smooth = smoothed(profile)[0]
    level = median(profile)
    spread = median(np.abs(profile - level))
    strong = max(STROKE_FAINT * float(smooth.max(initial=0)), level + STROKE_SPREAD * spread)
    inner = smooth[1:-1]
    peaks = np.flatnonzero((inner >= smooth[:-2]) & (inner > smooth[2:]) & (inner >= strong)) + 1
    if peaks.size <= 4 * STROKE_EDGES:  # (more: too many to be a few strokes' edges)
        peaks = peaks[[_prominent(smooth, i, level) for i in peaks]]
        # a faint edge within STROKE_FAINT_MIN of a stronger one is its ringing (JPEG's,
        # 9 px inside a frame's edge, was read as the side of a stroke: 2x too fine)
        own = [i for i in peaks if i + 1.0 in clear or not _near_stronger(smooth, peaks, i)]
        peaks = np.array(own, dtype=np.int64)
    return peaks + 1.0, smooth[peaks]


def _near_stronger(smooth: np.ndarray, peaks: np.ndarray, i: int) -> bool:
    """Whether a stronger peak lies within STROKE_FAINT_MIN of the one at ``i``."""
    near = peaks[(np.abs(peaks - i) < STROKE_FAINT_MIN) & (peaks != i)]
    return bool((smooth[near] > smooth[i]).any())


def _prominent(smooth: np.ndarray, i: int, level: float) -> bool:
    """Whether the peak at ``i`` rises from the valleys on both sides (up to a higher
    value, or STROKE_FAINT_MIN px) by half its height over the level: a bump on the
    tail of a blurred strong edge does not, and was read as a stroke of its own."""
    height = float(smooth[i])
    valleys = []
    for step in (-1, 1):
        j, low = i + step, height
        while 0 <= j < len(smooth) and abs(j - i) <= STROKE_FAINT_MIN and smooth[j] <= height:
            low = min(low, float(smooth[j]))
            j += step
        valleys.append(low)
    return height - max(valleys) >= PROMINENCE * (height - level)


@dataclass(frozen=True)
class Edged:
    """A profile with its clear edges, and its faint ones, found once (periods are
    tried by the dozen)."""

    profile: np.ndarray
    positions: np.ndarray
    weights: np.ndarray
    faint: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, profile: np.ndarray) -> Edged:
        positions, weights = edges(profile)
        # faint edges are sought only where the clear ones are too few to pin the period
        none = (np.zeros(0), np.zeros(0))
        faint = faint_edges(profile, positions) if positions.size <= STROKE_EDGES else none
        return cls(profile, positions, weights, faint)


def lattice_fit(profiles: tuple[Edged, ...], period: float) -> float:
    """Share of the edge strength that lies on the lattice of this period (each axis
    with its own phase): the cell grid explains nearly all edges, a repeat of the
    content (a row of lamps, a tileset's tiles) only some."""
    hit = total = 0.0
    for edged in profiles:
        profile, positions, weights = edged.profile, edged.positions, edged.weights
        if positions.size == 0:
            continue
        # the lattice's phase from the edges themselves (their weighted circular mean),
        # or from the whole profile, whichever explains more of them
        angle = 2 * np.pi * positions / period
        mean = np.angle(np.sum(weights * np.exp(1j * angle)))
        best = 0.0
        for phase in (phase_of(profile, 1.0 / period), (mean / (2 * np.pi) * period) % period):
            best = max(best, _on_lattice(positions, weights, period, phase))
        hit += best
        total += float(weights.sum())
    return hit / total if total else 1.0


def _stroke_gaps(profiles: tuple[Edged, ...], faint: bool = False) -> np.ndarray:
    """The gaps between strong neighbouring edges, on axes with few strong edges. Faint:
    between the faint edges (faint_edges: clear of the profile's own spread, not of a
    multiple of its median, which the noise of a flat picture raises)."""
    gaps = []
    for edged in profiles:
        if faint:  # (on an axis with many clear edges, none: they pin the period)
            strong = edged.faint[0]
        else:
            level = median(edged.profile)
            clear = max(STROKE_STRENGTH * edged.weights.max(initial=0), STROKE_OVER_FLOOR * level)
            strong = edged.positions[edged.weights >= clear]
        if strong.size > STROKE_EDGES:
            continue  # edges enough to pin the period
        apart = np.diff(strong)
        gaps.extend(apart[apart >= (STROKE_FAINT_MIN if faint else STROKE_MIN)])
    return np.array(gaps, dtype=np.float64)


def thinnest_stroke(profiles: tuple[Edged, ...], faint: bool = False) -> float:
    """The narrowest gap between two strong neighbouring edges (inf when none): a stroke
    or band is at least one cell wide, so no cell is wider. On art of a few flat shapes
    the edges are too few to pin the period (any multiple of the cell lines up with
    them); the thin details still say how big a cell is."""
    return float(_stroke_gaps(profiles, faint).min(initial=np.inf))


def one_cell_strokes(profiles: tuple[Edged, ...]) -> np.ndarray:
    """The widths of the thinnest strokes, faint or strong, and those up to 1.25 x as
    wide (and 1.5 px): each is one cell wide, give or take the drift."""
    # the faint strokes, and the strong ones too narrow to be counted among them
    strong = _stroke_gaps(profiles)
    gaps = np.concatenate([_stroke_gaps(profiles, faint=True), strong[strong < STROKE_FAINT_MIN]])
    if gaps.size == 0:
        return gaps
    return gaps[gaps <= gaps.min() * STROKE_ONE_CELL + STROKE_AGREE[1]]


def stroke_period(profiles: tuple[Edged, ...], period: float) -> float:
    """The cell measured on the thin strokes, when two or more are about one width (up
    to 1.25 x the thinnest) and the period found is wider than they are: a flag's frame
    or stripe is one cell wide on each side, and their mean width averages the drift
    out (the thinnest alone is the drift's narrowest cell), where the spectrum of a few
    edges is broad and a lattice's slack lets a period 5-15 % off through. The strokes'
    period (nudged) is taken when its lattice explains the edges as well."""
    thin = one_cell_strokes(profiles)
    if thin.size < 2:
        return period
    width = float(thin.mean())
    # the mean of more strokes is nearer the cell: a period that much wider is not it
    if period <= width * (1 + STROKE_AGREE[0] + STROKE_AGREE_EACH / thin.size):
        return period
    fit = lattice_fit(profiles, period)
    tried = [(lattice_fit(profiles, width * (1 + d)), -abs(d), width * (1 + d))
             for d in np.linspace(-STROKE_NUDGE, STROKE_NUDGE, STROKE_NUDGE_STEPS)]  # fmt: skip
    best = max(tried)
    return best[2] if best[0] >= fit - AS_WELL else period


def gap_period(profiles: tuple[Edged, ...], period: float) -> float:
    """The period within 10 % of ``period`` under which the gaps between the clear edges
    of few-edge axes are the nearest to whole numbers of cells (the least squared misfit,
    in cells). A flag's few edges let a lattice's slack through 5-10 % off, and one-cell
    strokes measure the cell only to a pixel; the long gaps together count the cells."""
    gaps = _gaps_to_count(profiles, period)
    if gaps.size < GAPS_TO_COUNT:
        return period
    tried = period * np.linspace(1 - GAP_SPAN, 1 + GAP_SPAN, GAP_STEPS)
    return float(tried[int(np.argmin(_misfit(gaps, tried)))])


def _gaps_to_count(profiles: tuple[Edged, ...], period: float) -> np.ndarray:
    gaps = _stroke_gaps(profiles, faint=True)
    return gaps[gaps >= GAP_OF_A_CELL * period]


def _misfit(gaps: np.ndarray, tried: np.ndarray) -> np.ndarray:
    """For each period tried, how far the gaps are from whole numbers of cells."""
    cells = np.maximum(1.0, np.round(gaps[None, :] / tried[:, None]))
    # a gap of n cells is off by a pixel, and by the drift: a few per cent a cell, never
    # more than about a fifth of a cell (cuts wander about the lattice, not away)
    spread = 1.0 / tried[:, None] + np.minimum(GAP_DRIFT * cells, GAP_DRIFT_MAX)
    off = (gaps[None, :] - cells * tried[:, None]) / tried[:, None]
    return ((off / spread) ** 2).sum(axis=1)


def other_counts(profiles: tuple[Edged, ...], period: float, chosen: float) -> tuple[float, ...]:
    """Other periods, within 15 % of ``period``, under which the gaps between a few-edge
    picture's edges come near whole numbers of cells about as well as the best (at most
    twice its misfit), at least 2 % from ``chosen``: the counts drift leaves open (a
    frame's cell at the art's edge is drawn up to a tenth off), for a person to pick."""
    gaps = _gaps_to_count(profiles, period)
    if gaps.size < GAPS_TO_COUNT:
        return ()
    tried = period * np.linspace(1 - OTHERS_SPAN, 1 + OTHERS_SPAN, GAP_STEPS)
    misfit = _misfit(gaps, tried)
    low = np.flatnonzero((misfit[1:-1] <= misfit[:-2]) & (misfit[1:-1] < misfit[2:])) + 1
    low = low[(misfit[low] <= OTHERS_FIT * misfit.min() + 1e-9)]
    low = low[np.abs(tried[low] / chosen - 1) >= OTHERS_APART]
    best = low[np.argsort(misfit[low], kind="stable")][:2]
    return tuple(float(tried[i]) for i in best)


def _on_lattice(positions: np.ndarray, weights: np.ndarray, period: float, phase: float) -> float:
    """The edge strength a lattice explains. Each cut explains one edge: two clear edges
    a few pixels apart at the same cut (both sides of a one-pixel stroke, which a coarse
    lattice's slack can straddle) count only the stronger."""
    offset = positions - phase
    index = np.round(offset / period)
    distance = np.abs(offset - index * period)
    # a pixel of slack (edges fall on whole pixels), but never so much that a fine
    # lattice is near every pixel: 2 px then counts only its own boundaries
    near = distance <= min(max(1.0, 0.2 * period), 0.3 * period)
    if not near.any():
        return 0.0
    index, pos, weight = index[near], positions[near], weights[near]
    total = float(weight.sum())
    for k in set(index[np.flatnonzero(np.diff(index) == 0)].tolist()):  # np.unique: numpy.ma
        at = index == k
        if np.ptp(pos[at]) >= STROKE_APART:
            total -= float(weight[at].sum() - weight[at].max())
    return total


def phase_of(profile: np.ndarray, frequency: float) -> float:
    """Where the cuts fall for this frequency: profile index i is the boundary at i + 1."""
    w = profile - profile.mean()
    coords = np.arange(len(w)) + 1.0
    z = np.sum(w * np.exp(-2j * np.pi * frequency * coords))
    period = 1.0 / frequency
    return float((-np.angle(z) / (2 * np.pi * frequency)) % period)
