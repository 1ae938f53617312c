"""The selection (any shape, a mask) and what can be done to selected pixels:
move, flip, rotate, copy, cut and paste. Qt-free; results are whole cel images from
which the caller makes one undoable patch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.core import raster
from dgx_pixels_app.core.errors import OptionError


@dataclass
class Selection:
    mask: np.ndarray  # (h, w) bool, the sprite's size

    @classmethod
    def rect(cls, x: int, y: int, w: int, h: int, width: int, height: int) -> Selection:
        mask = np.zeros((height, width), bool)
        mask[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)] = True
        return cls(mask)

    @property
    def bbox(self) -> tuple[int, int, int, int] | None:
        return raster.bbox(self.mask)

    @property
    def is_rect(self) -> bool:
        box = self.bbox
        return box is not None and int(self.mask.sum()) == box[2] * box[3]

    @property
    def empty(self) -> bool:
        return not self.mask.any()

    def __eq__(self, other: object) -> bool:  # tuples compare with the bounding box
        if isinstance(other, tuple):
            return self.bbox == other
        return isinstance(other, Selection) and np.array_equal(self.mask, other.mask)


def move(image: np.ndarray, mask: np.ndarray, dx: int, dy: int) -> tuple[np.ndarray, np.ndarray]:
    """Lift the selected pixels and put them down (dx, dy) away; returns (image, new mask)."""
    h, w = mask.shape
    lifted = np.where(mask[..., None], image, 0).astype(np.uint8)
    out = image.copy()
    out[mask] = 0
    new_mask = np.zeros_like(mask)
    src_y0, src_y1 = max(0, -dy), min(h, h - dy)
    src_x0, src_x1 = max(0, -dx), min(w, w - dx)
    if src_y0 < src_y1 and src_x0 < src_x1:
        region = mask[src_y0:src_y1, src_x0:src_x1]
        new_mask[src_y0 + dy : src_y1 + dy, src_x0 + dx : src_x1 + dx] = region
        target = out[src_y0 + dy : src_y1 + dy, src_x0 + dx : src_x1 + dx]
        target[region] = lifted[src_y0:src_y1, src_x0:src_x1][region]
    return out, new_mask


def _region(mask: np.ndarray | None, image: np.ndarray):
    if mask is None or not mask.any():
        h, w = image.shape[:2]
        return (0, 0, w, h), np.ones((h, w), bool)
    x, y, w, h = raster.bbox(mask)
    return (x, y, w, h), mask[y : y + h, x : x + w]


def flip(
    image: np.ndarray, mask: np.ndarray | None, horizontal: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Mirror the selection (or the whole layer) in place within its bounding box."""
    (x, y, w, h), local = _region(mask, image)
    out = image.copy()
    block = out[y : y + h, x : x + w]
    axis = 1 if horizontal else 0
    flipped, flipped_mask = (
        np.flip(np.where(local[..., None], block, 0), axis),
        np.flip(local, axis),
    )
    block[local] = 0
    block[flipped_mask] = flipped[flipped_mask]
    if mask is None:
        return out, None
    new_mask = np.zeros_like(mask)
    new_mask[y : y + h, x : x + w] = flipped_mask
    return out, new_mask


def rotate90(
    image: np.ndarray, mask: np.ndarray | None, clockwise: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Rotate the selection (or the layer) a quarter turn about its centre, clipped to the canvas."""
    H, W = image.shape[:2]
    (x, y, w, h), local = _region(mask, image)
    k = -1 if clockwise else 1
    block = np.where(local[..., None], image[y : y + h, x : x + w], 0)
    rotated, rotated_mask = np.rot90(block, k), np.rot90(local, k)
    out = image.copy()
    out[y : y + h, x : x + w][local] = 0
    cx, cy = x + w / 2, y + h / 2
    nx, ny = int(round(cx - h / 2)), int(round(cy - w / 2))
    new_mask = np.zeros((H, W), bool)
    for j in range(rotated.shape[0]):
        for i in np.flatnonzero(rotated_mask[j]):
            tx, ty = nx + i, ny + j
            if 0 <= tx < W and 0 <= ty < H:
                out[ty, tx] = rotated[j, i]
                new_mask[ty, tx] = True
    return out, (new_mask if mask is not None else None)


def copy(image: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The selected pixels cropped to their bounding box (unselected ones transparent)."""
    (x, y, w, h), local = _region(mask, image)
    return np.where(local[..., None], image[y : y + h, x : x + w], 0).astype(np.uint8)


def paste(image: np.ndarray, clip: np.ndarray, x: int, y: int) -> tuple[np.ndarray, np.ndarray]:
    """Put ``clip`` at (x, y); its transparent pixels leave the layer as it was."""
    H, W = image.shape[:2]
    out = image.copy()
    mask = np.zeros((H, W), bool)
    h, w = clip.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 < x1 and y0 < y1:
        part = clip[y0 - y : y1 - y, x0 - x : x1 - x]
        opaque = part[..., 3] > 0
        out[y0:y1, x0:x1][opaque] = part[opaque]
        mask[y0:y1, x0:x1] = opaque
    return out, mask


# -- Select menu (Aseprite's Select ▸ Inverse, Modify, Color Range) -------------------
def _shift_any(mask: np.ndarray, reach: int) -> np.ndarray:
    """Every pixel within ``reach`` (Chebyshev: squares, as Aseprite) of the mask."""
    from numpy.lib.stride_tricks import sliding_window_view

    padded = np.pad(mask, reach)
    window = sliding_window_view(padded, (2 * reach + 1, 2 * reach + 1))
    return window.any(axis=(2, 3))


def inverse(selection: Selection | None, width: int, height: int) -> Selection | None:
    """Everything but the selection (no selection: everything); None when that is empty."""
    mask = np.ones((height, width), bool) if selection is None else ~selection.mask
    return Selection(mask) if mask.any() else None


def expand(selection: Selection, by: int) -> Selection:
    """Grown by ``by`` pixels (1–100) on every side, clipped to the sprite."""
    _check_by(by)
    return Selection(_shift_any(selection.mask, by))


def contract(selection: Selection, by: int) -> Selection | None:
    """Shrunk by ``by`` pixels (1–100); None when nothing is left."""
    _check_by(by)
    mask = ~_shift_any(~selection.mask, by)
    return Selection(mask) if mask.any() else None


def border(selection: Selection, by: int) -> Selection | None:
    """A band ``by`` pixels wide along the inside of the selection's edge."""
    inner = contract(selection, by)
    mask = selection.mask & ~(inner.mask if inner is not None else False)
    return Selection(mask) if mask.any() else None


def color_range(image: np.ndarray, rgba, tolerance: int = 0) -> Selection | None:
    """Every pixel of the cel within ``tolerance`` of ``rgba`` (not only touching ones)."""
    if not 0 <= tolerance <= 255:
        raise OptionError("tolerance", f"must be 0 to 255, not {tolerance}")
    target = np.asarray(rgba, dtype=np.int16)[:4]
    mask = (np.abs(image.astype(np.int16) - target) <= tolerance).all(axis=2)
    return Selection(mask) if mask.any() else None


def _check_by(by: int) -> None:
    if not 1 <= by <= 100:
        raise OptionError("pixels", f"must be 1 to 100, not {by}")


def ellipse(a: tuple[int, int], b: tuple[int, int], width: int, height: int) -> Selection:
    """The elliptical marquee: the filled ellipse inside the box a–b (clipped)."""
    mask = np.zeros((height, width), bool)
    ys, xs = raster.shape_coords("ellipse", a, b, width, height, filled=True)
    mask[ys, xs] = True
    return Selection(mask)


def lasso(points: list[tuple[int, int]], width: int, height: int) -> Selection:
    """The lasso: the polygon through ``points`` (pixel centres), its edge included."""
    from PIL import Image, ImageDraw

    image = Image.new("1", (width, height), 0)
    draw = ImageDraw.Draw(image)
    if len(points) >= 3:
        draw.polygon(points, fill=1, outline=1)
    else:
        draw.line(points, fill=1)
    return Selection(np.array(image, dtype=bool))
