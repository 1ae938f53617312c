"""The gradient tool's fill: a linear ramp from one colour to another along a dragged
line, dithered with an ordered (Bayer) matrix so that only the two colours appear,
as pixel art does it — or blended smoothly when asked."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.errors import OptionError

DITHERS = ("bayer4", "bayer2", "bayer8", "none")


def bayer(n: int) -> np.ndarray:
    """The n×n Bayer threshold matrix (n a power of two), values in (0, 1)."""
    matrix = np.zeros((1, 1))
    while matrix.shape[0] < n:
        m = matrix * 4
        matrix = np.block([[m, m + 2], [m + 3, m + 1]])
    return (matrix + 0.5) / (n * n)


def ramp(width: int, height: int, start: tuple[float, float], end: tuple[float, float]
         ) -> np.ndarray:  # fmt: skip
    """t in [0, 1] per pixel: where each pixel centre projects on start→end (0 before the
    start, 1 past the end); a zero-length line gives 1 everywhere."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64) + 0.5  # pixel centres
    dx, dy = end[0] - start[0], end[1] - start[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return np.ones((height, width))
    t = ((xs - start[0]) * dx + (ys - start[1]) * dy) / length2
    return np.clip(t, 0.0, 1.0)


def gradient(width: int, height: int, start, end, first, second, dither: str = "bayer4"
             ) -> np.ndarray:  # fmt: skip
    """An RGBA image of the gradient from ``first`` (at ``start``) to ``second``."""
    if dither not in DITHERS:
        raise OptionError("dither", f"must be one of {', '.join(DITHERS)}, not '{dither}'")
    t = ramp(width, height, start, end)
    a, b = np.asarray(first, np.float64), np.asarray(second, np.float64)
    if dither == "none":
        return np.clip(a + (b - a) * t[..., None] + 0.5, 0, 255).astype(np.uint8)
    n = int(dither.removeprefix("bayer"))
    threshold = np.tile(bayer(n), (height // n + 1, width // n + 1))[:height, :width]
    pick = t > threshold
    out = np.empty((height, width, 4), np.uint8)
    out[...] = np.asarray(first, np.uint8)
    out[pick] = np.asarray(second, np.uint8)
    return out
