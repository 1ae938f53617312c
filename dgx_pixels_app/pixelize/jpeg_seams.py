"""JPEG's 8-pixel block seams in an edge profile: how strong they are, and the profile
without them (so a seam in a flat background is never taken for a cell edge)."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.stats import median, percentile

BLOCKS = (8.0, 4.0, 8.0 / 3.0, 2.0)  # JPEG's block and its harmonics (and chroma's 2 px)
ON_BLOCK = 0.02  # a period this close (a share) to one of them sits on the blocks


def block_of(period: float) -> float | None:
    """The JPEG block size (or harmonic) ``period`` sits on, if any."""
    return next((b for b in BLOCKS if abs(period - b) <= ON_BLOCK * b), None)


def seam_ratio(profile: np.ndarray) -> float:
    """How strong the edges on the 8-pixel JPEG block grid are, against the image's
    strongest edges: JPEG seams are faint (0.02-0.3 seen); a real 8-pixel art grid is not (0.5+)."""
    if len(profile) < 32:
        return 1.0
    seams = np.zeros(len(profile), bool)
    seams[7::8] = True
    excess = float(median(profile[seams]) - median(profile[~seams]))
    spread = float(percentile(profile, 99.5) - median(profile))
    return excess / spread if spread > 0 else 1.0


def without_jpeg_seams(profile: np.ndarray) -> np.ndarray:
    """Subtract the typical extra edge JPEG leaves at its 8-pixel block boundaries, so a
    seam in a flat background is not mistaken for a cell edge."""
    if len(profile) < 32:
        return profile
    seams = np.zeros(len(profile), bool)
    seams[7::8] = True  # profile index i is the boundary at i + 1
    excess = float(median(profile[seams]) - median(profile[~seams]))
    if excess <= 0:
        return profile
    cleaned = profile.copy()
    cleaned[seams] = np.maximum(cleaned[seams] - excess, 0)
    return cleaned
