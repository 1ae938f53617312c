"""Custom brushes (Aseprite's Edit ▸ New Brush): the selected pixels become a stamp
that the pencil lays along its stroke, in the brush's own colours or, as a shape,
in the current colour."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.core import raster
from dgx_pixels_app.core.errors import InvalidInputError


@dataclass
class Brush:
    pixels: np.ndarray  # (h, w, 4) RGBA; alpha 0 is not part of the brush

    @property
    def size(self) -> tuple[int, int]:
        return self.pixels.shape[1], self.pixels.shape[0]


def from_selection(image: np.ndarray, mask: np.ndarray | None) -> Brush:
    """The selected pixels (their bounding box, clear outside the selection)."""
    if mask is None or not mask.any():
        raise InvalidInputError("Select the pixels for the brush first (a marquee, the lasso or "
                                "the magic wand).")  # fmt: skip
    x, y, w, h = raster.bbox(mask)
    pixels = np.where(mask[y : y + h, x : x + w, None], image[y : y + h, x : x + w], 0)
    if not pixels[..., 3].any():
        raise InvalidInputError("The selection is empty here: the brush would paint nothing.")
    return Brush(pixels.astype(np.uint8))


def check_fits(brush: Brush, width: int, height: int) -> None:
    bw, bh = brush.size
    if bw > width or bh > height:
        raise InvalidInputError(
            f"The {bw}×{bh} brush is larger than the {width}×{height} canvas: make a smaller "
            "one (Edit ▸ New Brush) or clear it (Edit ▸ Clear Brush)."
        )


def stamp(target: np.ndarray, brush: Brush, points, color=None, allowed=None,
          flip: tuple[bool, bool] = (False, False)) -> tuple[int, int, int, int] | None:  # fmt: skip
    """Lay ``brush`` centred on each (x, y) of ``points`` into ``target`` in place, in its
    own colours or all in ``color``; only where ``allowed`` (a mask) when given. Returns
    the box touched (x, y, w, h), or None."""
    pixels = brush.pixels[:, ::-1] if flip[0] else brush.pixels
    pixels = pixels[::-1] if flip[1] else pixels
    if color is not None:
        rgba = np.append(np.asarray(color, np.uint8).ravel(), 255)[:4]
        pixels = np.where(pixels[..., 3:4] > 0, rgba, 0).astype(np.uint8)
    on = pixels[..., 3] > 0
    bh, bw = on.shape
    height, width = target.shape[:2]
    box = None
    for px, py in points:
        x0, y0 = int(px) - bw // 2, int(py) - bh // 2
        sx0, sy0 = max(0, -x0), max(0, -y0)
        sx1, sy1 = min(bw, width - x0), min(bh, height - y0)
        if sx0 >= sx1 or sy0 >= sy1:
            continue
        where = on[sy0:sy1, sx0:sx1]
        region = (slice(y0 + sy0, y0 + sy1), slice(x0 + sx0, x0 + sx1))
        if allowed is not None:
            where = where & allowed[region]
        target[region][where] = pixels[sy0:sy1, sx0:sx1][where]
        box = raster.union_box(box, (x0 + sx0, y0 + sy0, sx1 - sx0, sy1 - sy0))
    return box


def stamp_mirrored(target: np.ndarray, brush: Brush, points, color, allowed,
                   mirror: tuple[bool, bool], axis: tuple) -> tuple | None:  # fmt: skip
    """``stamp`` at the points and at their mirror images across the symmetry axes
    (the brush flipped with them), as mirror drawing does for the round brush."""
    height, width = target.shape[:2]
    ax = axis[0] if axis[0] is not None and 0 <= axis[0] <= width else width / 2
    ay = axis[1] if axis[1] is not None and 0 <= axis[1] <= height else height / 2
    box = None
    for flip_x in (False, True) if mirror[0] else (False,):
        for flip_y in (False, True) if mirror[1] else (False,):
            where = [(int(round(2 * ax)) - 1 - x if flip_x else x,
                      int(round(2 * ay)) - 1 - y if flip_y else y) for x, y in points]  # fmt: skip
            box = raster.union_box(box, stamp(target, brush, where, color, allowed,
                                              (flip_x, flip_y)))  # fmt: skip
    return box
