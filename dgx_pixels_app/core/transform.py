"""Free transform of a selection (Aseprite's Edit ▸ Transform, Ctrl+T): the selected
pixels lifted, scaled with nearest neighbour (a negative scale flips), turned with
RotSprite, moved, and put back — no colour the sprite did not have. The same
transform applies to one cel or to the same area of every frame."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.core import raster, rotsprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.limits import MAX_SIDE


@dataclass(frozen=True)
class Transform:
    dx: float = 0.0  # the box's centre moves by this many pixels
    dy: float = 0.0
    sx: float = 1.0  # scale; negative flips
    sy: float = 1.0
    angle: float = 0.0  # degrees clockwise

    @property
    def identity(self) -> bool:
        return self == Transform()


def check(t: Transform) -> None:
    for name in ("dx", "dy", "sx", "sy", "angle"):
        value = getattr(t, name)
        try:
            finite = not isinstance(value, bool) and math.isfinite(float(value))
        except (TypeError, ValueError):
            finite = False
        if not finite:
            raise InvalidInputError(
                f"The transform's {name} must be a finite number, not {value!r}."
            )
    if max(abs(t.sx), abs(t.sy)) > MAX_SIDE or max(abs(t.dx), abs(t.dy)) > 4 * MAX_SIDE:
        raise InvalidInputError(f"The transform goes past DGX-Pixels' limit of {MAX_SIDE} pixels "
                                "a side: scale or move it less.")  # fmt: skip


def scaled_size(box: tuple[int, int, int, int], t: Transform) -> tuple[int, int]:
    """The lifted piece's size after scaling (at least 1 × 1)."""
    check(t)
    w, h = max(1, round(box[2] * abs(t.sx))), max(1, round(box[3] * abs(t.sy)))
    if w > MAX_SIDE or h > MAX_SIDE:
        raise InvalidInputError(
            f"Scaled to {w}×{h} the selection would pass DGX-Pixels' limit of {MAX_SIDE} pixels "
            "a side: scale it less."
        )
    return w, h


def _piece(image: np.ndarray, mask: np.ndarray, box, t: Transform) -> np.ndarray:
    """The selected pixels, scaled, flipped and turned, on a square big enough to turn in."""
    x, y, w, h = box
    piece = np.where(mask[y : y + h, x : x + w, None], image[y : y + h, x : x + w], 0)
    nw, nh = scaled_size(box, t)
    piece = piece[(np.arange(nh) * h // nh)[:, None], (np.arange(nw) * w // nw)[None, :]]
    if t.sx < 0:
        piece = piece[:, ::-1]
    if t.sy < 0:
        piece = piece[::-1]
    if t.angle % 360:
        side = math.ceil(math.hypot(nw, nh)) + 2
        square = np.zeros((side, side, 4), np.uint8)
        ox, oy = (side - nw) // 2, (side - nh) // 2
        square[oy : oy + nh, ox : ox + nw] = piece
        piece = rotsprite.rotate(square, t.angle)
    return piece.astype(np.uint8)


def apply(image: np.ndarray, mask: np.ndarray, t: Transform) -> tuple[np.ndarray, np.ndarray]:
    """``image`` with the selected pixels transformed, and the selection where they
    landed. Parts that leave the canvas are cut."""
    box = raster.bbox(mask)
    if box is None:
        raise InvalidInputError("Nothing is selected to transform.")
    piece = _piece(image, mask, box, t)
    out = image.copy()
    out[mask] = 0
    height, width = mask.shape
    cx, cy = box[0] + box[2] / 2 + t.dx, box[1] + box[3] / 2 + t.dy
    ph, pw = piece.shape[:2]
    x0, y0 = int(round(cx - pw / 2)), int(round(cy - ph / 2))
    sx0, sy0 = max(0, -x0), max(0, -y0)
    sx1, sy1 = min(pw, width - x0), min(ph, height - y0)
    new_mask = np.zeros_like(mask)
    if sx0 < sx1 and sy0 < sy1:
        part = piece[sy0:sy1, sx0:sx1]
        on = part[..., 3] > 0
        region = (slice(y0 + sy0, y0 + sy1), slice(x0 + sx0, x0 + sx1))
        out[region][on] = part[on]
        new_mask[region] = on
    return out, new_mask
