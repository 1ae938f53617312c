"""Find the art-pixel grid of an upscaled image: cell size and cut positions per axis.

The edge-strength profile along an axis (colour change between neighbouring columns,
summed over rows) peaks at the cell boundaries. Its Fourier transform, zero-padded
for sub-pixel resolution, peaks at the grid's frequency; the phase gives where the
cuts fall. Each predicted cut is then moved to the strongest nearby edge, so cell
sizes that are non-integer or drift slowly across the image are followed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError

MIN_CELL = 2.0
PAD_FACTOR = 16


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

    @property
    def size(self) -> tuple[int, int]:
        return self.x.cells, self.y.cells


def edge_profile(image: np.ndarray, axis: int) -> np.ndarray:
    """Colour change between neighbours along ``axis`` (1 = columns, 0 = rows)."""
    data = image.astype(np.float32)
    diff = np.abs(np.diff(data, axis=axis)).sum(axis=2)
    return diff.mean(axis=1 - axis)


def _dominant_period(profile: np.ndarray, max_cell: float) -> tuple[float, float]:
    """(period, phase) of the strongest periodic component of ``profile``."""
    n = len(profile)
    w = profile - profile.mean()
    size = 1 << int(np.ceil(np.log2(n * PAD_FACTOR)))
    spectrum = np.fft.rfft(w, size)
    freqs = np.fft.rfftfreq(size)
    valid = (freqs >= 1.0 / max_cell) & (freqs <= 1.0 / MIN_CELL)
    if not valid.any():
        return float(n), 0.0
    power = np.abs(spectrum)
    power[~valid] = 0
    k = int(np.argmax(power))
    if 0 < k < len(power) - 1 and power[k - 1] > 0 and power[k + 1] > 0:
        a, b, c = power[k - 1], power[k], power[k + 1]
        shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    else:
        shift = 0.0
    f = (k + shift) / size
    # profile index i is the boundary between pixels i and i+1, at coordinate i + 1
    coords = np.arange(n) + 1.0
    z = np.sum(w * np.exp(-2j * np.pi * f * coords))
    period = 1.0 / f
    phase = (-np.angle(z) / (2 * np.pi * f)) % period
    return float(period), float(phase)


def _refine_cuts(profile: np.ndarray, period: float, phase: float, length: int) -> np.ndarray:
    """Snap each predicted cut to the strongest edge near it, following slow drift."""
    smooth = np.convolve(profile, np.array([0.25, 0.5, 0.25]), mode="same")
    floor = np.median(smooth)
    strong = floor + 0.5 * (np.percentile(smooth, 95) - floor)
    cuts = []
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
        radius = max(1.0, 0.3 * period)
        lo = int(max(0, np.floor(predicted - radius - 1)))
        hi = int(min(len(smooth), np.ceil(predicted + radius)))
        window = smooth[lo:hi]
        cut = predicted
        if window.size and window.max() >= strong:
            i = int(np.argmax(window))
            # sub-pixel centre of the edge from its neighbours
            if 0 < i < window.size - 1:
                a, b, c = window[i - 1], window[i], window[i + 1]
                den = a - 2 * b + c
                i = i + (0.5 * (a - c) / den if den != 0 else 0.0)
            cut = lo + i + 1.0
            offset = 0.7 * offset + 0.3 * (cut - (phase + (k - 1) * period))
        cuts.append(cut)
    return np.array(cuts, dtype=np.float64)


def _with_edges(cuts: np.ndarray, period: float, length: int) -> np.ndarray:
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


def detect_axis(image: np.ndarray, axis: int, max_cell: float | None = None) -> AxisGrid:
    length = image.shape[axis]
    profile = edge_profile(image, axis)
    max_cell = max_cell or max(MIN_CELL + 1, length / 2)
    period, phase = _dominant_period(profile, max_cell)
    if period >= length / 1.5:
        return AxisGrid(float(length), np.array([0.0, float(length)]))
    cuts = _with_edges(_refine_cuts(profile, period, phase, length), period, length)
    return AxisGrid(period, cuts)


def uniform_axis(length: int, cell: float, phase: float = 0.0) -> AxisGrid:
    """A fixed grid (the user overrode the cell size)."""
    if cell < 1:
        raise InvalidInputError(f"A cell must be at least 1 pixel, not {cell}.")
    first = phase % cell
    cuts = np.arange(first, length + 1e-9, cell)
    return AxisGrid(cell, _with_edges(cuts, cell, length))


def detect_grid(image: np.ndarray, cell: float | None = None) -> Grid:
    """The grid of ``image`` (h, w, c). ``cell`` forces a cell size on both axes."""
    h, w = image.shape[:2]
    if h < 2 or w < 2:
        raise InvalidInputError(f"A {w}x{h} image is too small to pixelize.")
    if cell is not None:
        gx, gy = detect_axis(image, 1), detect_axis(image, 0)
        phase_x = gx.cuts[1] if gx.cells > 1 else 0.0
        phase_y = gy.cuts[1] if gy.cells > 1 else 0.0
        return Grid(uniform_axis(w, cell, phase_x), uniform_axis(h, cell, phase_y))
    gx, gy = detect_axis(image, 1), detect_axis(image, 0)
    # Art pixels are square: if one axis found nothing (a flat band), borrow the other's.
    if gx.cells == 1 and gy.cells > 1:
        gx = uniform_axis(w, gy.cell)
    elif gy.cells == 1 and gx.cells > 1:
        gy = uniform_axis(h, gx.cell)
    return Grid(gx, gy)
