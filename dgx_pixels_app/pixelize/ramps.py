"""The automatic palette on large cells, where a colour ramp's steps are finer than
noise elsewhere.

Large cells are read precisely (each is the median of many pixels): two neighbouring
cells of one colour differ by a level or two, even where SDXL's shading has drifted
the colour across the picture. A pixel artist's ramp (five blues, each 12 levels
from the next) steps more than that between neighbours, but less than the merge
distance that small, noisy cells need. So on large cells:

1. Colours are merged only up to a distance below the art's finest clear steps
   between neighbouring cells (measured, not guessed): every ramp shade survives.
2. Two of those colours are then one colour when they are close (the usual merge
   distance) and seldom meet with a clear step (not twice, or at under a fifth of
   the places where they meet: noise): the same colour, lit differently in two
   places, or split across a soft gradient. Colours that meet with a step stay
   apart, so a ramp does not collapse into its neighbours.
"""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.palette import (
    AUTO_THRESHOLD,
    _weighted,
    auto_palette,
    distance,
    nearest,
)
from dgx_pixels_app.pixelize.regions import neighbour_pairs
from dgx_pixels_app.pixelize.stats import percentile, unique_colors

STEP_MIN = 4.0  # a step between neighbours is clear above this (weighted RGB) ...
NOISE_STEPS = 3.0  # ... or above this many times the typical same-colour difference
RAMP_SHARE = 0.05  # clear steps under the merge distance between this share of pairs
FINEST = 10  # the finest steps: this percentile of them ...
BELOW_FINEST = 0.8  # ... and the merge distance this share of it
MIN_PAIRS = 20
APART_MIN = 2  # two colours meet with a clear step at least this often ...
APART_SHARE = 0.2  # ... and at this share of where they meet, or are one colour


def ramp_palette(rgb: np.ndarray, opaque: np.ndarray) -> np.ndarray:
    """The palette for the (rows, cols, 3) cell colours ``rgb`` on the ``opaque``
    cells, keeping a ramp's shades (see the module's docstring)."""
    flat = rgb.reshape(-1, 3)
    wflat = _weighted(flat)
    a, b = neighbour_pairs(opaque)
    steps = distance(wflat[a], wflat[b])
    under = steps[steps < AUTO_THRESHOLD]
    if under.size < MIN_PAIRS:
        return auto_palette(rgb[opaque])
    clear = max(STEP_MIN, NOISE_STEPS * percentile(under, 25))
    ramp = steps[(steps > clear) & (steps < AUTO_THRESHOLD)]
    if ramp.size < RAMP_SHARE * steps.size:
        return auto_palette(rgb[opaque])
    fine = auto_palette(rgb[opaque], threshold=max(clear, BELOW_FINEST * percentile(ramp, FINEST)))
    return _join_unstepped(fine, flat, opaque.ravel(), a, b, steps > clear)


def _join_unstepped(
    palette: np.ndarray,
    flat: np.ndarray,
    opaque: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    stepped: np.ndarray,
) -> np.ndarray:
    """Join palette colours closer than the usual merge distance that do not meet with
    a clear step (``stepped``: between the neighbours ``a`` and ``b``), nearest pairs
    first; each group is its cells' mean colour."""
    n = len(palette)
    if n < 2:
        return palette
    label = np.full(len(flat), -1)
    label[opaque] = nearest(flat[opaque], palette)
    la, lb = label[a], label[b]
    wp = _weighted(palette)
    close = distance(wp[:, None], wp[None, :])
    # colours that meet with a clear step (not once by noise: at a fair share of the
    # places where they meet) are two colours
    meet = np.zeros((n, n))
    step = np.zeros((n, n))
    cross = la != lb
    np.add.at(meet, (la[cross], lb[cross]), 1)
    np.add.at(step, (la[cross & stepped], lb[cross & stepped]), 1)
    meet, step = meet + meet.T, step + step.T
    apart = (step >= APART_MIN) & (step >= APART_SHARE * meet)
    group = np.arange(n)
    members = [{i} for i in range(n)]
    pairs = zip(*np.nonzero(np.triu(close < AUTO_THRESHOLD, 1)), strict=True)
    for i, j in sorted(pairs, key=lambda p: close[p]):
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        joined = members[gi] | members[gj]
        ids = np.array(sorted(joined))
        if apart[np.ix_(ids, ids)].any() or close[np.ix_(ids, ids)].max() >= AUTO_THRESHOLD:
            continue
        members[gi], members[gj] = joined, set()
        group[ids] = gi
    # each group's colour: the mean of its cells as read
    inside = label[opaque]
    counts = np.bincount(inside, minlength=n).astype(np.float64)
    sums = np.stack(
        [np.bincount(inside, weights=flat[opaque][:, c], minlength=n) for c in range(3)], -1
    )
    groups = np.unique(group)
    total = np.zeros((len(groups), 3))
    weight = np.zeros(len(groups))
    slot = np.searchsorted(groups, group)
    np.add.at(total, slot, sums)
    np.add.at(weight, slot, counts)
    used = weight > 0
    return unique_colors((total[used] / weight[used, None]).round().astype(np.uint8))
