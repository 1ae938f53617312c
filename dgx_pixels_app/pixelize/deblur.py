"""Cell colours of small cells, with the upscale's blur taken back out.

When a cell is only 4-7 pixels wide, the blur SDXL's decoder (or a resize, or JPEG)
leaves reaches the cell's centre, so even the cell's interior is a mix of its own
colour and its neighbours'. On a known grid that mix is linear and separable: with a
Gaussian blur of width ``sigma``, the mean of a cell's interior samples is a weighted
sum of the true colours of the cells around it, the weights being how much of each
blurred cell falls on the sample points. Per axis that is a small banded matrix, so
the true colours come back from two linear solves (rows, then columns).

``sigma`` is not known. Each candidate is judged by how well the colours it gives
predict what was *not* used to find them: the samples next to the cell boundaries,
where the blur shows most. Too little sigma leaves the mix in; too much over-sharpens
and mispredicts the boundaries.

Lightness and colour are solved apart (in JPEG's YCbCr). A JPEG usually stores
colour at half resolution (4:2:0), so colour is blurred more than lightness: a one-
pixel detail keeps its lightness but bleeds its hue into its neighbours. The colour
planes' sigma is chosen the same way among the lightness sigma widened by a little
(CHROMA_EXTRA; widening it further over-sharpens noise), so an image with colour at
full resolution (a PNG) keeps the lightness sigma.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.pixelize.cuts import Grid, sample_pixels

INNER = np.linspace(0.25, 0.75, 5)  # where each cell is read (share of its width)
OUTER = np.array([0.05, 0.95])  # where the candidate sigmas are checked
SIGMAS = (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1)  # in image pixels
CHROMA_EXTRA = (0.0, 0.6, 0.9, 1.2)  # colour's blur beyond lightness's, added in quadrature
# RGB -> YCbCr (JPEG's, without the offset) and back
TO_YCC = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])
FROM_YCC = np.linalg.inv(TO_YCC)


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (error under 1.5e-7): numpy has no erf."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t  # fmt: skip
    return sign * (1.0 - poly * np.exp(-x * x))


def _mixing(cuts: np.ndarray, pixels: np.ndarray, sigma: float) -> np.ndarray:
    """(cells, cells): row p = how much of each blurred cell the mean of cell p's
    sample ``pixels`` sees (only cells within four sigmas reach it). The edge cells
    run on past the image, as a blur that extends the border sees them."""
    n, samples = pixels.shape
    cell = max(float(cuts[-1] - cuts[0]) / n, 1e-6)
    reach = int(np.ceil(4 * sigma / cell)) + 1
    offsets = np.arange(-reach, reach + 1)
    cols = np.arange(n)[:, None] + offsets[None, :]  # (n, k) the cells near cell p
    valid = (cols >= 0) & (cols < n)
    index = np.clip(cols, 0, n - 1)
    left, right = cuts[:-1].copy(), cuts[1:].copy()
    left[0], right[-1] = -1e6, 1e6
    centres = (pixels + 0.5)[:, :, None]  # (n, samples, 1)
    scale = 1.0 / (sigma * np.sqrt(2.0))
    seen = 0.5 * (
        _erf((right[index][:, None, :] - centres) * scale)
        - _erf((left[index][:, None, :] - centres) * scale)
    ).mean(axis=1)  # (n, k)
    out = np.zeros((n, n))
    rows = np.broadcast_to(np.arange(n)[:, None], cols.shape)
    out[rows[valid], cols[valid]] = seen[valid]
    return out


def _means(rgb: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """(rows, cols, 3) mean of each cell's sample pixels."""
    patch = rgb[ys[:, None, :, None], xs[None, :, None, :]].astype(np.float32)
    return patch.mean(axis=(2, 3), dtype=np.float64)


def _apply(rows: np.ndarray, cols: np.ndarray, cells: np.ndarray) -> np.ndarray:
    ny, nx, c = cells.shape
    out = rows @ cells.reshape(ny, nx * c)
    out = out.reshape(-1, nx, c).transpose(0, 2, 1) @ cols.T
    return out.transpose(0, 2, 1)


def _solve(rows: np.ndarray, cols: np.ndarray, seen: np.ndarray) -> np.ndarray:
    ny, nx, c = seen.shape
    out = np.linalg.solve(rows, seen.reshape(ny, nx * c)).reshape(ny, nx, c)
    out = np.linalg.solve(cols, out.transpose(1, 0, 2).reshape(nx, ny * c))
    return out.reshape(nx, ny, c).transpose(1, 0, 2)


def _best(
    grid: Grid, inner: tuple, outer: tuple, seen: np.ndarray, check: np.ndarray, sigmas
) -> tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray]] | None:
    """The sigma whose solution of ``seen`` best predicts ``check``, that solution, and
    the (rows, cols) mixing of the cells' interiors it solved."""
    best: tuple[float, float, np.ndarray, tuple[np.ndarray, np.ndarray]] | None = None
    for sigma in sigmas:
        mixing = _mixing(grid.y.cuts, inner[0], sigma), _mixing(grid.x.cuts, inner[1], sigma)
        try:
            cells = _solve(*mixing, seen)
        except np.linalg.LinAlgError:
            continue
        predicted = _apply(
            _mixing(grid.y.cuts, outer[0], sigma), _mixing(grid.x.cuts, outer[1], sigma), cells
        )
        error = float(np.abs(predicted - check).mean())
        if best is None or error < best[0]:
            best = (error, sigma, cells, mixing)
    return None if best is None else best[1:]


@dataclass(frozen=True)
class Blur:
    """What deblurred_cells found: the blur widths, the cells' colours with the blur
    solved out (YCbCr, unrounded), and the (rows, cols) mixing matrices A that blurred
    them, for lightness and for colour."""

    sigma: float  # lightness's blur, in image pixels
    chroma_sigma: float  # colour's
    solution: np.ndarray  # (rows, cols, 3) YCbCr
    mixing: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

    @functools.cached_property
    def gram(self) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """For lightness and for colour, the products A^T A of the rows' and columns'
        mixing: for cell colours C the squared misfit to what the image shows is the
        sum over channels of (C* - C)^T (Gy (x) Gx) (C* - C). Computed when first
        asked for (only palette_fit does)."""
        light, colour = ((a.T @ a, b.T @ b) for a, b in self.mixing)
        return light, colour


def deblurred_cells(image: np.ndarray, grid: Grid) -> tuple[np.ndarray, Blur | None]:
    """The (rows, cols, 3) uint8 cell colours of ``image``'s RGB with the blur solved
    out, and the blur found (None when no candidate could be solved)."""
    h, w = image.shape[:2]
    rgb = image[..., :3]
    inner = sample_pixels(grid.y.cuts, h, INNER), sample_pixels(grid.x.cuts, w, INNER)
    outer = sample_pixels(grid.y.cuts, h, OUTER), sample_pixels(grid.x.cuts, w, OUTER)
    seen = _means(rgb, *inner)
    check = _means(rgb, *outer) @ TO_YCC.T
    ycc = seen @ TO_YCC.T
    light = _best(grid, inner, outer, ycc[..., :1], check[..., :1], SIGMAS)
    if light is None:
        return np.clip(seen, 0, 255).round().astype(np.uint8), None
    sigma = light[0]
    widened = [float(np.hypot(sigma, extra)) for extra in CHROMA_EXTRA]
    colour = _best(grid, inner, outer, ycc[..., 1:], check[..., 1:], widened)
    if colour is None:  # the colour planes as they are, blurred like lightness
        colour = (sigma, ycc[..., 1:], light[2])
    solution = np.concatenate([light[1], colour[1]], axis=-1)
    out = np.clip(solution @ FROM_YCC.T, 0, 255).round().astype(np.uint8)
    return out, Blur(sigma, colour[0], solution, (light[2], colour[2]))
