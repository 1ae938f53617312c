"""The cells' frequency from the edge profiles' spectrum: its strongest peak, past
JPEG's 8-pixel blocks and their harmonics (and a cell a few per cent off the blocks,
whose peak hides under theirs), subharmonics (one-pixel lines, symmetric
shapes) and a period of the content (a row of lamp posts), each judged by how well
its lattice explains the clear edges (lattice.lattice_fit)."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.pixelize.jpeg_seams import block_of, seam_ratio
from dgx_pixels_app.pixelize.lattice import AS_WELL, lattice_fit

MIN_CELL = 2.0
RESCUE_MIN_CELL = 3.5  # the content-period rescue never picks cells smaller than this
SAME_PEAK = 0.05  # periods this close are one spectrum peak
# a lattice that explains the edges clearly better than the peak's: 0.15 more of them,
# or this share when the peak's already explains over 0.83 (a cell of 5.2 px explained
# all of a tank's edges where JPEG's 2.7 px harmonic explained 0.86, never 1.01), and
# always more than the peak's by AS_WELL (where the peak's explains them all, none is)
CLEARLY_MOST = 0.98
_SHARES = np.linspace(-0.05, 0.05, 41)
NEAR_BLOCK = _SHARES[np.abs(_SHARES) > 0.0101]  # periods this near 8 px, off it, are tried
NEAR_EDGES = 8  # ... on pictures of at least this many clear edges
# ... whose largest cell (from the picture's size and its thinnest strokes) is at most
# this (a sprite of large cells, strokes 50 px wide, has a few edges some lattice near
# 8 px fits by chance: a tank's 17 x 18 read 113 x 120)
NEAR_MAX_CELL = 24.0
NUDGES = (0.0, -0.005, 0.005, -0.01, 0.01, -0.015, 0.015)  # a peak's period, nudged


def spectrum(profile: np.ndarray, size: int) -> np.ndarray:
    w = profile - profile.mean()
    power = np.abs(np.fft.rfft(w, size))
    total = power.max()
    return power / total if total > 0 else power


def _peak_frequency(power: np.ndarray, size: int, lo: float, hi: float) -> float | None:
    """The frequency (cycles per pixel) of the highest peak between ``lo`` and ``hi``."""
    freqs = np.fft.rfftfreq(size)
    valid = (freqs >= lo) & (freqs <= hi)
    if not valid.any():
        return None
    masked = np.where(valid, power, 0.0)
    if masked.max() <= 1e-6:
        return None  # no periodic edges at all: a flat image
    k = int(np.argmax(masked))
    shift = 0.0
    if 0 < k < len(power) - 1:
        a, b, c = masked[k - 1], masked[k], masked[k + 1]
        den = a - 2 * b + c
        if den != 0 and a > 0 and c > 0:
            shift = 0.5 * (a - c) / den
    return (k + shift) / size


def _avoid_jpeg_blocks(power: np.ndarray, size: int, f: float, lowest: float, profiles=()) -> float:
    """JPEG compresses in 8x8 blocks, which leaves edges every 8 pixels (and a spectrum
    peak at 8 px and its harmonics, 4 and 2.7 px), and its colour in 2x2 blocks (2 px).
    When the peak sits on such a block grid and its lattice does not explain the edges
    (for 8 px: or the seams are faint), and another peak exists, the other one is the
    art: clear in the spectrum, or explaining the edges clearly better. A real art
    grid of exactly 8 px explains nearly all edges. First, a cell a few per cent off
    8 px is sought (_near_the_blocks): its peak merges with the blocks'."""
    period = 1.0 / f
    block = block_of(period)
    if block is None:
        return f
    fit = lattice_fit(profiles, period) if profiles else 1.0
    clearly = max(0.9, min(fit + 0.15, CLEARLY_MOST), fit + AS_WELL)  # clearly better
    if lowest >= 1.0 / NEAR_MAX_CELL:  # (the picture or its strokes allow no large cell)
        near = _near_the_blocks(profiles, clearly, 1.0 / lowest)
        if near is not None:
            return 1.0 / near
    if fit >= 0.9 and (block < 8 or any(seam_ratio(p.profile) >= 0.4 for p in profiles)):
        return f  # the harmonics (and chroma's 2 px) must explain the edges on their own
    masked = power.copy()
    freqs = np.arange(len(power)) / size
    for seam in (1 / 16, 1 / 8, 2 / 8, 3 / 8, 4 / 8):
        masked[np.abs(freqs - seam) < seam * 0.03 + 2.0 / size] = 0
    other = _peak_frequency(masked, size, lowest, 1.0 / MIN_CELL)
    if other is None or (block == 8.0 and abs(other / f - 1) < SAME_PEAK):
        return f  # the mask's edge on the peak's own shoulder: an art cell of about 8 px
    # the strongest other peak whose lattice explains the edges (a repeat of the content,
    # a cloud's bumps, may be stronger in the spectrum than small blurred cells)
    k = np.arange(1, len(masked) - 1)
    peaks = k[(masked[k] > masked[k - 1]) & (masked[k] >= masked[k + 1])]
    peaks = peaks[(peaks / size >= lowest) & (peaks / size <= 1.0 / RESCUE_MIN_CELL)]
    for peak in peaks[np.argsort(masked[peaks])[::-1][:16]]:
        if masked[peak] < 0.1 * masked.max():
            break
        candidate = _peak_frequency(masked, size, peak / size * 0.99, peak / size * 1.01)
        if not candidate:
            continue
        # a blurred peak may sit a little off the cells' period: try its neighbourhood
        fits = [(lattice_fit(profiles, (1.0 / candidate) * (1 + d)), d) for d in NUDGES]
        best_fit, nudge = max(fits)
        if best_fit >= clearly:
            return candidate / (1 + nudge)
    other_fit = lattice_fit(profiles, 1.0 / other) if profiles else 1.0
    if _power_near(masked, size, other) >= 0.25 * _power_near(power, size, f) and (
        other_fit >= fit - 0.1  # clear in the spectrum, and not a lattice off the edges
    ):
        return other
    if profiles and other_fit >= clearly:
        return other
    return f


def _near_the_blocks(profiles, clearly: float, max_cell: float) -> float | None:
    """A cell a few per cent off JPEG's 8-pixel block (NEAR_BLOCK) whose lattice
    explains the edges ``clearly`` well (better than the peak's): its spectrum peak sits
    under the seams' (or their mask), and the seams' lattice, or a harmonic's, explains
    fewer (a dark scene of sparse details at 7.8 px was read at 3.9 or 2.6 px)."""
    if sum(edged.positions.size for edged in profiles) < NEAR_EDGES:
        return None  # (any lattice fits a handful of edges)
    tried = [8.0 * (1 + d) for d in NEAR_BLOCK if 8.0 * (1 + d) <= max_cell]
    if not tried:
        return None
    best = max((lattice_fit(profiles, p), -abs(p - 8.0), p) for p in tried)
    # (and better than 8 px's own: art at 8 px with drift fits 8.1 px about as well)
    return best[2] if best[0] >= max(clearly, lattice_fit(profiles, 8.0) + AS_WELL) else None


def _rescue_from_content_period(power: np.ndarray, size: int, f: float, profiles) -> float:
    """If the chosen period explains few edges, it is a period of the content, not of
    the cells: take the largest smaller period among the spectrum's peaks that
    explains nearly all of them. A period that explains most edges is replaced only
    by one that explains clearly more and is not its harmonic (a harmonic's lattice
    always fits at least as well)."""
    fit = lattice_fit(profiles, 1.0 / f)
    if fit >= 0.9:
        return f
    mostly = fit >= 0.7
    k = np.arange(1, len(power) - 1)
    peaks = k[
        (power[k] > power[k - 1])
        & (power[k] >= power[k + 1])
        & (k / size > f * 1.05)
        & (k / size <= 1.0 / MIN_CELL)
    ]
    candidates = sorted(
        peaks[np.argsort(power[peaks])[-20:]] / size
    )  # lowest frequency (largest period) first
    for candidate in candidates:
        candidate = _peak_frequency(power, size, candidate * 0.99, candidate * 1.01) or candidate
        ratio = candidate / f
        if mostly and round(ratio) >= 2 and abs(ratio - round(ratio)) < 0.08:
            continue
        if 1.0 / candidate < RESCUE_MIN_CELL:
            continue  # a lattice this fine is within a pixel of every edge: it proves nothing
        if lattice_fit(profiles, 1.0 / candidate) >= max(0.9, fit + 0.1):
            return candidate
    return f


def _largest_fitting_period(
    power: np.ndarray, size: int, f: float, lowest: float, profiles
) -> float:
    """The cell among the strongest peak f and its subharmonics f/k: the strongest
    peak is often a harmonic (one-pixel lines, symmetric shapes) or JPEG's 8-pixel
    blocks (a cell that is a multiple of 8). A candidate must explain nearly all
    clear edges with its lattice. If f does, the largest such period with at least
    half f's power is the cell; if f does not (JPEG), the strongest such period."""
    peak = _power_near(power, size, f)
    own_fit = lattice_fit(profiles, 1.0 / f)
    fits = own_fit >= 0.9
    need = max(0.9, own_fit - 0.02)
    best, best_power = f, (peak if fits else 0.0)
    for k in range(2, int(f / lowest) + 1):
        candidate = f / k
        strength = _power_near(power, size, candidate)
        if strength < (0.5 if fits else 0.15) * peak:
            continue
        candidate = _peak_frequency(power, size, candidate * 0.98, candidate * 1.02) or candidate
        if lattice_fit(profiles, 1.0 / candidate) < need:
            continue
        if fits:
            best = candidate  # the largest fitting period
        elif strength > best_power:
            best, best_power = candidate, strength
    return best


def _power_near(power: np.ndarray, size: int, f: float) -> float:
    k = f * size
    lo, hi = int(np.floor(k * 0.99)), int(np.ceil(k * 1.01)) + 1
    return float(power[max(lo, 0) : min(hi, len(power))].max(initial=0.0))


def frequency(combined: np.ndarray, size: int, max_cell: float, edged) -> float | None:
    """The cells' frequency from the spectrum's peak, past JPEG's blocks, harmonics and
    a repeat of the content (None: no periodic edges)."""
    f = _peak_frequency(combined, size, 1.0 / max_cell, 1.0 / MIN_CELL)
    if f is not None:
        f = _avoid_jpeg_blocks(combined, size, f, 1.0 / max_cell, edged)
        f = _largest_fitting_period(combined, size, f, 1.0 / max_cell, edged)
        f = _rescue_from_content_period(combined, size, f, edged)
    return f
