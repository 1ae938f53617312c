"""Reduce the cell colours to a small, clean palette.

Three ways: automatic (merge colours closer than a perceptual threshold, most
frequent first, so the artist's real colours survive and near-duplicates vanish),
a fixed count (Pillow's median cut refined by k-means), or snapping to a given
palette (presets, ``.gpl``/``.hex`` files). Optional ordered (Bayer) dithering.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.pixelize.stats import median, unique_colors

AUTO_THRESHOLD = 18.0  # in the weighted RGB distance below; tuned with bench/pixelize_eval.py
MAX_COLORS = 256

_BAYER4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]]) / 16.0 - 0.5


def _weighted(rgb: np.ndarray) -> np.ndarray:
    """RGB scaled so Euclidean distance follows perceived difference (redmean-like)."""
    return rgb.astype(np.float32) * np.array([0.8, 1.0, 0.6], dtype=np.float32)


def norm2(d: np.ndarray) -> np.ndarray:
    """Squared length of (..., 3) vectors: the sum numpy's ``.sum(-1)`` gives, bit for
    bit, in a third of the time (numpy is slow to reduce a last axis of three)."""
    return d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1] + d[..., 2] * d[..., 2]


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between (..., 3) colours (weighted ones: see _weighted)."""
    return np.sqrt(norm2(a - b))


def nearest(colors: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour for each colour (both (n, 3) uint8)."""
    a, b = _weighted(colors), _weighted(palette)
    d = (a * a).sum(1)[:, None] - 2 * a @ b.T + (b * b).sum(1)[None, :]
    return np.argmin(d, axis=1)


def auto_palette(rgb: np.ndarray, threshold: float = AUTO_THRESHOLD) -> np.ndarray:
    """Merge near-duplicate colours, most frequent first; each cluster becomes the
    count-weighted mean of its members (noise and JPEG average out)."""
    colors, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    colors, counts = colors[order], counts[order]
    wc = _weighted(colors)
    centres: list[int] = []
    assign = np.full(len(colors), -1)
    for i in range(len(colors)):
        if assign[i] >= 0:
            continue
        centres.append(i)
        d = distance(wc, wc[i])
        assign[(assign < 0) & (d <= threshold)] = len(centres) - 1
    weights = counts.astype(np.float64)[:, None]
    sums = np.zeros((len(centres), 3))
    np.add.at(sums, assign, colors.astype(np.float64) * weights)
    totals = np.bincount(assign, weights=counts, minlength=len(centres))[:, None]
    palette = unique_colors((sums / totals).round().astype(np.uint8))
    if len(palette) > MAX_COLORS:
        palette = fixed_palette(rgb, MAX_COLORS)
    return palette


def fixed_palette(rgb: np.ndarray, count: int) -> np.ndarray:
    if not 1 <= count <= MAX_COLORS:
        raise InvalidInputError(f"A palette has 1 to {MAX_COLORS} colours, not {count}.")
    flat = np.ascontiguousarray(rgb.reshape(1, -1, 3))
    image = Image.fromarray(flat, "RGB")
    unique = len(unique_colors(flat))
    quantized = image.quantize(colors=min(count, unique), method=Image.Quantize.MEDIANCUT, kmeans=3)
    pal = np.array(quantized.getpalette()[: 3 * min(count, unique)], dtype=np.uint8).reshape(-1, 3)
    return unique_colors(pal)


def apply_palette(rgb: np.ndarray, palette: np.ndarray, dither: bool = False) -> np.ndarray:
    """Map every pixel to its nearest palette colour, optionally with Bayer dithering."""
    h, w = rgb.shape[:2]
    source = rgb.astype(np.float32)
    if dither and len(palette) > 1:
        spread = _palette_spread(palette)
        threshold = np.tile(_BAYER4, (h // 4 + 1, w // 4 + 1))[:h, :w]
        source = np.clip(source + threshold[..., None] * spread, 0, 255)
    index = nearest(source.reshape(-1, 3).astype(np.float32), palette.astype(np.float32))
    return palette[index].reshape(h, w, 3)


def _palette_spread(palette: np.ndarray) -> float:
    """Typical distance between neighbouring palette colours: the dither amplitude."""
    p = palette.astype(np.float32)
    d = distance(p[:, None], p[None, :])
    d[d == 0] = np.inf
    return float(median(d.min(axis=1)))
