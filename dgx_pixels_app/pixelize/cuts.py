"""A grid's cuts: where each cell of a known period starts, following the picture's
edges (slow drift, non-integer sizes), and the grid they make."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.pixelize.lattice import CLEAR, phase_of, smoothed


@dataclass(frozen=True)
class AxisGrid:
    cell: float  # mean cell size in image pixels
    cuts: np.ndarray  # boundaries, float, from 0 to the image length, len = cells + 1

    @property
    def cells(self) -> int:
        return len(self.cuts) - 1


@dataclass(frozen=True)
class Grid:
    x: AxisGrid
    y: AxisGrid
    others: tuple[float, ...] = ()  # other cells the edges count about as well (drift)

    @property
    def size(self) -> tuple[int, int]:
        return self.x.cells, self.y.cells


def within(grid: Grid, box: tuple[slice, slice]) -> Grid:
    """``grid``'s cuts inside the picture's part ``box`` (rows, columns), in its
    coordinates, cut at its sides."""
    axes = []
    for axis, part in ((grid.x, box[1]), (grid.y, box[0])):
        length = float(part.stop - part.start)
        inner = axis.cuts - part.start
        inner = inner[(inner > 0) & (inner < length)]
        axes.append(AxisGrid(axis.cell, np.concatenate([[0.0], inner, [length]])))
    return Grid(axes[0], axes[1])


def sample_pixels(cuts: np.ndarray, length: int, at: np.ndarray) -> np.ndarray:
    """(cells, len(at)) integer pixel coordinates at the given shares of each cell."""
    lo, hi = cuts[:-1], cuts[1:]
    coords = lo[:, None] + (hi - lo)[:, None] * at[None, :]
    return np.clip(np.floor(coords), 0, length - 1).astype(np.intp)


def refine_cuts(
    profile: np.ndarray, period: float, phase: float, length: int, fill: float
) -> np.ndarray:
    """Snap each predicted cut to the strongest edge near it, following slow drift."""
    smooth, floor, top = smoothed(profile)
    # an edge counts when it is a fair share of the image's strongest edges: JPEG block
    # seams and noise in flat areas stay below that and leave the predicted cut alone
    strong = floor + CLEAR * (top - floor)
    cuts: list[float] = []
    flags: list[bool] = []
    offset = 0.0
    k0 = int(np.floor(-phase / period))
    k = k0
    while True:
        predicted = phase + k * period + offset
        if predicted > length + period:
            break
        k += 1
        if predicted <= 0.5 or predicted >= length - 0.5:
            continue
        # profile index i is the boundary at i + 1: boundaries within the radius only, so
        # two neighbouring cuts of small cells cannot both reach the edge between them
        radius = max(1.0, 0.25 * period)
        lo = int(max(0, np.ceil(predicted - radius) - 1))
        hi = int(min(len(smooth), np.floor(predicted + radius)))
        window = smooth[lo:hi]
        cut = predicted
        snapped = False
        if window.size and window.max() >= strong and window.max() > floor:  # not flat
            i = int(np.argmax(window))
            # sub-pixel centre of the edge from its neighbours
            if 0 < i < window.size - 1:
                a, b, c = window[i - 1], window[i], window[i + 1]
                den = a - 2 * b + c
                i = i + (0.5 * (a - c) / den if den != 0 else 0.0)
            cut = lo + i + 1.0
            snapped = True
            offset = 0.7 * offset + 0.3 * (cut - (phase + (k - 1) * period))
        cuts.append(cut)
        flags.append(snapped)
    return fill_unsnapped(np.array(cuts, dtype=np.float64), np.array(flags, dtype=bool), fill)


def fill_unsnapped(cuts: np.ndarray, snapped: np.ndarray, period: float) -> np.ndarray:
    """Cuts in flat areas (no edge to snap to) are placed from the nearest real edges:
    evenly between two of them, or a period at a time beyond the last one, so a
    transparent margin keeps whole cells even where the grid drifts."""
    if not snapped.any() or snapped.all():
        return cuts
    out = cuts.copy()
    idx = np.flatnonzero(snapped)
    first, last = idx[0], idx[-1]
    out[:first] = out[first] - period * np.arange(first, 0, -1)
    out[last + 1 :] = out[last] + period * np.arange(1, len(out) - last)
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        if b - a > 1:
            out[a : b + 1] = np.linspace(out[a], out[b], b - a + 1)
    return out


def with_edges(cuts: np.ndarray, period: float, length: int) -> np.ndarray:
    """Add the image borders; a partial cell narrower than half a cell is dropped."""
    cuts = np.sort(cuts[(cuts > 0) & (cuts < length)])
    merged = [c for i, c in enumerate(cuts) if i == 0 or c - cuts[i - 1] > 0.4 * period]
    inner = np.array(merged, dtype=np.float64)
    start, end = 0.0, float(length)
    if inner.size and inner[0] < 0.5 * period:
        start, inner = inner[0], inner[1:]
    if inner.size and length - inner[-1] < 0.5 * period:
        end, inner = inner[-1], inner[:-1]
    return np.concatenate([[start], inner, [end]])


def axis_from_period(
    profile: np.ndarray,
    period: float,
    length: int,
    fill: float | None = None,
    phase: float | None = None,
) -> AxisGrid:
    """The cuts of cells of ``period`` along an axis of ``length`` pixels, from its edge
    ``profile`` (at the profile's own phase unless ``phase`` is given)."""
    phase = phase_of(profile, 1.0 / period) if phase is None else phase
    cuts = with_edges(refine_cuts(profile, period, phase, length, fill or period), period, length)
    return AxisGrid(period, cuts)
