"""Remove the background: the border-connected region of the background colour.

Only pixels reachable from the image border through background-coloured pixels
become transparent, so a character's enclosed areas of the same colour (the white
of an eye, a gap between arm and body that is closed off) stay.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from dgx_pixels_app.pixelize.palette import _weighted


def background_color(rgb: np.ndarray) -> np.ndarray:
    """The most common colour on the image border."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    colors, counts = np.unique(border.reshape(-1, 3), axis=0, return_counts=True)
    return colors[np.argmax(counts)]


def background_mask(
    rgb: np.ndarray,
    tolerance: float = 24.0,
    color: np.ndarray | None = None,
    reach: float | None = None,
) -> np.ndarray:
    """True where the border-connected background is (4-connected).

    The fill steps between neighbours that differ by at most ``tolerance`` and never
    strays further than ``reach`` (default 2.5 x tolerance) from the background
    colour, so a soft shading gradient across the background is followed while a
    sprite's outline stops it.
    """
    h, w = rgb.shape[:2]
    color = background_color(rgb) if color is None else np.asarray(color)
    reach = 2.5 * tolerance if reach is None else reach
    wrgb = _weighted(rgb.reshape(-1, 3)).reshape(h, w, 3)
    diff = wrgb - _weighted(color.reshape(1, 3)).reshape(1, 1, 3)
    near = np.sqrt((diff * diff).sum(-1)) <= reach
    seed = np.sqrt((diff * diff).sum(-1)) <= tolerance
    step_x = np.sqrt(((wrgb[:, 1:] - wrgb[:, :-1]) ** 2).sum(-1)) <= tolerance  # (h, w-1)
    step_y = np.sqrt(((wrgb[1:] - wrgb[:-1]) ** 2).sum(-1)) <= tolerance  # (h-1, w)
    mask = np.zeros((h, w), dtype=bool)
    queue: deque[tuple[int, int]] = deque()
    border = [(y, x) for y in range(h) for x in (0, w - 1)] + [
        (y, x) for x in range(w) for y in (0, h - 1)
    ]
    for y, x in border:
        if seed[y, x] and not mask[y, x]:
            mask[y, x] = True
            queue.append((y, x))
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
