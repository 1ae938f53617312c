"""Median, percentile and unique colours without numpy's first-call cost.

``np.median``, ``np.percentile`` and ``np.unique`` (without counts) import
``numpy.ma`` on their first call, to check for masked arrays: 12-25 ms of a
command whose whole budget is 0.25 s. Pixelize never has NaNs or masked arrays,
so these do the same reductions on ``np.partition`` and ``np.sort`` directly,
with numpy's result types (the mean of the middle values, float64 for integer
input), its default linear interpolation and its sorted order.
"""

from __future__ import annotations

import numpy as np


def median(a: np.ndarray, axis: int | None = None) -> np.ndarray:
    a = np.asarray(a)
    if axis is None:
        a, axis = a.ravel(), 0
    n = a.shape[axis]
    if n == 0:
        return np.mean(a, axis=axis)  # nan with numpy's warning, as np.median
    middle = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    part = np.partition(a, middle, axis=axis)
    return np.mean(np.take(part, middle, axis=axis), axis=axis)


def percentile(a: np.ndarray, q: float) -> float:
    """The ``q``-th percentile of all of ``a`` (numpy's "linear" method)."""
    flat = np.asarray(a, dtype=np.float64).ravel()
    if flat.size == 0:
        raise ValueError("percentile of an empty array")
    index = q / 100 * (flat.size - 1)
    low = int(np.floor(index))
    high = min(low + 1, flat.size - 1)
    part = np.partition(flat, [low, high])
    t = index - low
    below, above = part[low], part[high]
    # numpy's lerp: from the nearer end, so q = 100 gives the maximum exactly
    return float(above - (above - below) * (1 - t) if t >= 0.5 else below + (above - below) * t)


def unique_colors(rgb: np.ndarray) -> np.ndarray:
    """The distinct rows of an ``(n, 3)`` uint8 array, sorted as ``np.unique(axis=0)``."""
    rgb = np.asarray(rgb, dtype=np.uint8).reshape(-1, 3)
    keys = np.sort(rgb[:, 0].astype(np.uint32) << 16 | rgb[:, 1].astype(np.uint32) << 8 | rgb[:, 2])
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if keys.size else keys
    return np.stack([keys >> 16, keys >> 8 & 255, keys & 255], axis=1).astype(np.uint8)
