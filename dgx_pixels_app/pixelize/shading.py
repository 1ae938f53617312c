"""Slow shading across the image: a smooth (quadratic) function of cell position.

SDXL lights a picture unevenly: the same colour reads a little darker in one corner
than in another, by up to about 15 levels. The background finder fits a quadratic to
the background's cells, and takes what a quadratic cannot follow (a wave of light)
from the background cells nearby (box_mean).
"""

from __future__ import annotations

import functools

import numpy as np

FIT_POINTS = 2000  # cells a field is fitted on, at most (plenty for six terms)


@functools.lru_cache(maxsize=8)
def quadratic_basis(h: int, w: int) -> np.ndarray:
    """(h, w, 6): 1, x, y, x², xy, y² with x and y from -0.5 to 0.5 across the cells
    (read only: one array per size, as the background fits it a dozen times)."""
    yy, xx = np.mgrid[0:h, 0:w]
    x, y = xx / max(1, w - 1) - 0.5, yy / max(1, h - 1) - 0.5
    basis = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], -1)
    basis.flags.writeable = False
    return basis


def fit(values: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """The least-squares quadratic field through ``values`` (h, w, c) on the ``mask``
    cells, everywhere (h, w, c); None when too few cells carry it."""
    basis = quadratic_basis(*mask.shape)
    if mask.sum() < 3 * basis.shape[-1]:
        return None
    ys, xs = np.nonzero(mask)
    stride = max(1, len(ys) // FIT_POINTS)
    ys, xs = ys[::stride], xs[::stride]
    a, b = basis[ys, xs], values[ys, xs]
    coef = np.linalg.solve(a.T @ a + 1e-6 * np.eye(a.shape[1]), a.T @ b)
    return basis @ coef


def box_mean(values: np.ndarray, weight: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``values`` (h, w, c) over the ``weight`` cells (h, w; 0 or 1) in the
    (2 radius + 1)² square around each cell; 0 where the square has none of them."""
    h, w = weight.shape
    v = np.concatenate([values * weight[..., None], weight[..., None]], axis=-1)
    s = np.zeros((h + 1, w + 1, v.shape[-1]))
    s[1:, 1:] = v.cumsum(0).cumsum(1)
    y0 = np.clip(np.arange(h) - radius, 0, h)
    y1 = np.clip(np.arange(h) + radius + 1, 0, h)
    x0 = np.clip(np.arange(w) - radius, 0, w)
    x1 = np.clip(np.arange(w) + radius + 1, 0, w)
    total = s[y1][:, x1] - s[y0][:, x1] - s[y1][:, x0] + s[y0][:, x0]  # (h, w, c + 1) window sums
    count = total[..., -1:]
    return np.where(count > 0, total[..., :-1] / np.maximum(count, 1), 0.0)


def local_field(values: np.ndarray, mask: np.ndarray, radius: int) -> np.ndarray:
    """The background's colour everywhere (h, w, c): the quadratic through the ``mask``
    cells plus the mean of what it misses among those within ``radius`` cells (their
    mean where too few cells carry a quadratic)."""
    field = fit(values, mask)
    if field is None:
        return np.broadcast_to(values[mask].mean(0), values.shape).copy()
    return field + box_mean(values - field, mask.astype(np.float64), radius)
