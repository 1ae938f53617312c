"""Canvas Size, Sprite Size and Trim (Aseprite's Sprite menu): every cel of every frame
moved, cropped, padded or scaled at once, as one undoable command. Sizes are checked
against the app's limits before anything is built."""

from __future__ import annotations

from dataclasses import replace as dataclass_replace

import numpy as np

from dgx_pixels_app.core.commands import ReplaceCanvas, relink
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.limits import check_size

ANCHORS = {  # where the old image sits in the new canvas: (x, y) as fractions
    "top-left": (0, 0), "top": (0.5, 0), "top-right": (1, 0),
    "left": (0, 0.5), "center": (0.5, 0.5), "right": (1, 0.5),
    "bottom-left": (0, 1), "bottom": (0.5, 1), "bottom-right": (1, 1),
}  # fmt: skip


def canvas_size_command(sprite: Sprite, width: int, height: int, anchor: str = "center",
                        offset: tuple[int, int] | None = None) -> ReplaceCanvas:  # fmt: skip
    """A ``width`` × ``height`` canvas with the old image at ``anchor`` (or at ``offset``,
    the old top-left corner's place in the new canvas); pixels outside are cut off."""
    check_size(width, height, what="Canvas")
    if offset is None:
        if anchor not in ANCHORS:
            raise OptionError("anchor", f"must be one of {', '.join(ANCHORS)}, not '{anchor}'")
        fx, fy = ANCHORS[anchor]
        offset = (round((width - sprite.width) * fx), round((height - sprite.height) * fy))
    dx, dy = offset

    def moved(source: np.ndarray) -> np.ndarray:
        image = np.zeros((height, width, 4), np.uint8)
        _paste(image, source, dx, dy)
        return image

    return ReplaceCanvas(width, height, relink(sprite.cels, moved), label="Canvas Size",
                         reference=_moved_reference(sprite, width, height, dx, dy))  # fmt: skip


def _paste(target: np.ndarray, source: np.ndarray, dx: int, dy: int) -> None:
    h, w = source.shape[:2]
    x0, y0 = max(0, dx), max(0, dy)
    x1, y1 = min(target.shape[1], dx + w), min(target.shape[0], dy + h)
    if x1 > x0 and y1 > y0:
        target[y0:y1, x0:x1] = source[y0 - dy : y1 - dy, x0 - dx : x1 - dx]


def sprite_size_command(sprite: Sprite, width: int, height: int) -> ReplaceCanvas:
    """Every cel scaled to ``width`` × ``height`` with nearest neighbour (no new colours;
    whole multiples keep the pixel grid exactly)."""
    check_size(width, height, what="Sprite")
    rows = (np.arange(height) * sprite.height // height).astype(np.intp)
    cols = (np.arange(width) * sprite.width // width).astype(np.intp)
    cels = relink(sprite.cels, lambda image: np.ascontiguousarray(image[rows][:, cols]))
    return ReplaceCanvas(width, height, cels, label="Sprite Size",
                         reference=_scaled_reference(sprite, width, height))  # fmt: skip


def _moved_reference(sprite: Sprite, width: int, height: int, dx: int, dy: int):
    """The reference layer stays over the same pixels when the canvas grows or shrinks."""
    ref = sprite.reference
    if ref is None:
        return None
    x, y, w, h = ref.bounds or (0, 0, sprite.width, sprite.height)
    return dataclass_replace(ref, bounds=(x + dx, y + dy, w, h))


def _scaled_reference(sprite: Sprite, width: int, height: int):
    ref = sprite.reference
    if ref is None:
        return None
    x, y, w, h = ref.bounds or (0, 0, sprite.width, sprite.height)
    fx, fy = width / sprite.width, height / sprite.height
    return dataclass_replace(ref, bounds=(x * fx, y * fy, w * fx, h * fy))


def content_box(sprite: Sprite) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around every non-transparent pixel of every cel, or None."""
    seen = np.zeros((sprite.height, sprite.width), bool)
    for cel in sprite.cels.values():
        seen |= cel.image[..., 3] > 0
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def trim_command(sprite: Sprite) -> ReplaceCanvas | None:
    """The canvas cut to the content of all frames and layers; None when there is
    nothing to cut. An empty sprite cannot be trimmed (said)."""
    box = content_box(sprite)
    if box is None:
        raise InvalidInputError("Nothing to trim: every cel is transparent.")
    x0, y0, x1, y1 = box
    if (x0, y0, x1, y1) == (0, 0, sprite.width, sprite.height):
        return None
    command = canvas_size_command(sprite, x1 - x0, y1 - y0, offset=(-x0, -y0))
    command.label = "Trim"
    return command
