"""Clean-up after palette reduction: orphan pixels that are noise, not detail.

A pixel none of whose 8 neighbours shares its colour, and whose colour is close to
the colour most of its neighbours share, is a leftover of noise or JPEG and takes
that colour. A single pixel of a clearly different colour (an eye, a highlight) is
detail and stays; so does one whose cell read squarely as its own palette colour
before the palette was applied (``raw``): a speck of a few-colour sprite's second
shade is drawn, not noise.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from dgx_pixels_app.pixelize.palette import _weighted

ORPHAN_DISTANCE = 60.0
SQUARELY = 0.25  # a cell this close to its palette colour (share of the gap) was that colour


def remove_orphans(
    rgba: np.ndarray, max_distance: float = ORPHAN_DISTANCE, raw: np.ndarray | None = None
) -> np.ndarray:
    out = rgba.copy()
    h, w = rgba.shape[:2]
    if h < 3 or w < 3:
        return out
    key = (
        (rgba[..., 0].astype(np.int64) << 24)
        | (rgba[..., 1].astype(np.int64) << 16)
        | (rgba[..., 2].astype(np.int64) << 8)
        | rgba[..., 3]
    )
    padded = np.pad(key, 1, mode="edge")
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]
    neighbours = np.stack(
        [padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in shifts], -1
    )
    alone = ~(neighbours == key[..., None]).any(-1)
    for y, x in zip(*np.nonzero(alone), strict=True):
        best, count = Counter(neighbours[y, x].tolist()).most_common(1)[0]
        if count < 5:
            continue
        rgba_best = np.array(
            [(best >> 24) & 255, (best >> 16) & 255, (best >> 8) & 255, best & 255]
        )
        if rgba_best[3] != rgba[y, x, 3]:
            continue
        d = _weighted(rgba[y, x, :3][None]) - _weighted(rgba_best[:3][None])
        apart = float(np.sqrt((d * d).sum()))
        if apart > max_distance:
            continue
        if raw is not None:
            own = _weighted(raw[y, x, :3][None]) - _weighted(rgba[y, x, :3][None])
            if float(np.sqrt((own * own).sum())) <= SQUARELY * apart:
                continue  # the cell itself was this colour, not a blend towards it
        out[y, x] = rgba_best
    return out
