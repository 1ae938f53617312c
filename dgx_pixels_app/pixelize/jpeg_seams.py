"""JPEG's 8-pixel block seams in an edge profile: how strong they are, and the profile
without them (so a seam in a flat background is never taken for a cell edge)."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.stats import median, percentile

BLOCKS = (8.0, 4.0, 8.0 / 3.0, 2.0)  # JPEG's block and its harmonics (and chroma's 2 px)
ON_BLOCK = 0.02  # a period this close (a share) to one of them sits on the blocks
# A period at a harmonic of the blocks that keeps under this share of its spectrum's
# power once the seams are left out is the seams' own (pale art on paper: 0.03-0.26;
# real cells spread evenly keep 0.4+, but art drawn in blocks of cells on the seams as
# little as 0.26: grid_check.reads_as_well judges the reading that follows)
SEAMS_ONLY = 0.3
SEAM_BLOCKS = 16  # ... judged on pictures at least this many blocks across (on fewer, a
# small sprite's aligned 4 px cells kept 0.2)


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


def without_seam_lines(profile: np.ndarray) -> np.ndarray:
    """The profile with each 8-pixel seam no higher than its two neighbours' mean:
    the seams gone, an edge of the art spread over them kept."""
    out = profile.copy()
    at = np.arange(7, len(profile) - 1, 8)
    out[at] = np.minimum(out[at], (out[at - 1] + out[at + 1]) / 2)
    return out


def seams_only(px: np.ndarray, py: np.ndarray, period: float) -> bool:
    """Whether ``period``, at a harmonic of JPEG's blocks (4, 2.7 or 2 px), is the
    seams' own: the profiles' spectrum keeps under SEAMS_ONLY of its power there once
    the seams are left out. Art whose cells fall on the seams loses only the edges on
    them (a half of them at 4 px, a third at 2.7 px). A period of 8 px is left alone:
    all of a real 8-pixel grid's edges lie on the seams (see grid's JPEG checks)."""
    if block_of(period) not in BLOCKS[1:] or min(len(px), len(py)) + 1 < 8 * SEAM_BLOCKS:
        return False
    size = 1 << int(np.ceil(np.log2(max(len(px), len(py)) * 4)))
    k = round(size / period)
    near = slice(max(k - 2, 0), k + 3)

    def power(profiles) -> float:
        # (a period just under 2 px puts its bin past the spectrum's end: none there)
        return sum(
            float(np.abs(np.fft.rfft(p - p.mean(), size))[near].max(initial=0.0)) for p in profiles
        )

    raw = power((px, py))
    return raw > 0 and power((without_seam_lines(px), without_seam_lines(py))) < SEAMS_ONLY * raw


def without_block_pattern(profile: np.ndarray) -> np.ndarray:
    """The profile less what repeats every 8 pixels in most of it: the seams and the
    pattern JPEG leaves inside its blocks on a flat background (its DCT's quantised
    waves, at 4 and 2.7 px): each position's typical level against the whole
    profile's, and what is left on the seams."""
    if len(profile) < 32:
        return profile
    n = len(profile) // 8 * 8
    typical = median(profile[:n].reshape(-1, 8), axis=0) - median(profile)
    return without_seam_lines(np.maximum(profile - np.resize(typical, len(profile)), 0.0))
