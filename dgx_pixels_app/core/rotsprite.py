"""Rotation by any angle that keeps pixel-art edges (RotSprite, Xenowhirl's method):
upscale 8× with Scale2x three times (edges become smooth diagonals, no new colours),
rotate the big image with nearest neighbour, and sample it back at the original size.
No colour appears that the sprite did not have; 90° steps are exact."""

from __future__ import annotations

import math

import numpy as np

from dgx_pixels_app.core import raster
from dgx_pixels_app.core.errors import OptionError


def _corners(p: np.ndarray, y: np.ndarray | slice, x: np.ndarray | slice):
    """Scale2x's four corner colours for the pixels at (y, x) of the edge-padded packed
    image ``p`` (whose pixel (y, x) is at p[y + 1, x + 1])."""
    if isinstance(y, slice):
        e, a, b = p[1:-1, 1:-1], p[:-2, 1:-1], p[1:-1, 2:]
        c, d = p[1:-1, :-2], p[2:, 1:-1]
    else:
        e, a, b = p[y + 1, x + 1], p[y, x + 1], p[y + 1, x + 2]
        c, d = p[y + 1, x], p[y + 2, x + 1]
    ca, ab, dc, bd = c == a, a == b, d == c, b == d
    return (np.where(ca & ~dc & ~ab, a, e), np.where(ab & ~ca & ~bd, b, e),
            np.where(dc & ~bd & ~ca, c, e), np.where(bd & ~ab & ~dc, d, e))  # fmt: skip


def _scale2x_packed(packed: np.ndarray) -> np.ndarray:
    e0, e1, e2, e3 = _corners(np.pad(packed, 1, mode="edge"), slice(None), slice(None))
    h, w = packed.shape
    out = np.empty((h * 2, w * 2), packed.dtype)
    out[0::2, 0::2], out[0::2, 1::2], out[1::2, 0::2], out[1::2, 1::2] = e0, e1, e2, e3
    return out


def _pack(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(image).view(np.uint32)[..., 0]


def scale2x(image: np.ndarray) -> np.ndarray:
    """EPX/Scale2x on whole RGBA pixels: each pixel becomes 2×2, corners taking a
    neighbour's colour where two neighbours agree (an edge), else its own."""
    big = _scale2x_packed(_pack(image))
    return big[..., None].view(np.uint8)


def _at_8x(quad: np.ndarray, sy: np.ndarray, sx: np.ndarray) -> np.ndarray:
    """The third Scale2x, only where it is sampled: the 8× pixel (sy, sx) from the 4×
    image ``quad``."""
    corners = _corners(np.pad(quad, 1, mode="edge"), sy // 2, sx // 2)
    which = (sy % 2) * 2 + (sx % 2)
    return np.choose(which, corners)


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """``image`` turned ``degrees`` clockwise about its centre, same size (corners that
    leave the canvas are cut, as Aseprite's rotate of a layer)."""
    if not -360 <= degrees <= 360:  # NaN fails too
        raise OptionError("angle", f"must be -360 to 360 degrees, not {degrees}")
    turns = degrees / 90
    if turns == round(turns):  # exact for the right angles (and no work for 0)
        k = int(round(turns)) % 4
        h, w = image.shape[:2]
        if k in (0, 2) or h == w:
            return np.rot90(image, -k).copy()
    h, w = image.shape[:2]
    box = raster.bbox(image[..., 3] > 0)
    if box is None:
        return np.zeros_like(image)
    # only the content and 2 clear pixels round it can change: Scale2x there, not everywhere
    x0, y0 = max(0, box[0] - 2), max(0, box[1] - 2)
    x1, y1 = min(w, box[0] + box[2] + 2), min(h, box[1] + box[3] + 2)
    quad = _scale2x_packed(_scale2x_packed(_pack(image[y0:y1, x0:x1])))  # 4×; 8× is sampled
    theta = math.radians(degrees)
    cos, sin = math.cos(theta), math.sin(theta)
    # each output pixel's centre, at 8×, mapped back into the big image (inverse rotation)
    ox0, oy0, ox1, oy1 = _reach((x0, y0, x1, y1), w, h, cos, sin)
    ys, xs = np.mgrid[oy0:oy1, ox0:ox1]  # only the output pixels the content can reach
    cx, cy = (xs + 0.5) * 8 - w * 4, (ys + 0.5) * 8 - h * 4
    sx = np.floor(cos * cx + sin * cy + w * 4).astype(np.int64)
    sy = np.floor(-sin * cx + cos * cy + h * 4).astype(np.int64)
    sx, sy = sx - x0 * 8, sy - y0 * 8  # into the cropped part
    inside = (sx >= 0) & (sx < (x1 - x0) * 8) & (sy >= 0) & (sy < (y1 - y0) * 8)
    out = np.zeros(image.shape[:2], np.uint32)
    region = out[oy0:oy1, ox0:ox1]
    region[inside] = _at_8x(quad, sy[inside], sx[inside])
    return out[..., None].view(np.uint8)


def _reach(crop, w: int, h: int, cos: float, sin: float) -> tuple[int, int, int, int]:
    """The output pixels (x0, y0, x1, y1) whose samples can fall in ``crop`` (source
    pixels): the turned crop's bounding box, a pixel wider, within the image."""
    x0, y0, x1, y1 = crop
    xs, ys = [], []
    for px, py in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        u, v = px * 8 - w * 4, py * 8 - h * 4
        xs.append((cos * u - sin * v + w * 4) / 8)
        ys.append((sin * u + cos * v + h * 4) / 8)
    return (max(0, math.floor(min(xs)) - 1), max(0, math.floor(min(ys)) - 1),
            min(w, math.ceil(max(xs)) + 1), min(h, math.ceil(max(ys)) + 1))  # fmt: skip
