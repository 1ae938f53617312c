"""Animation operations shared by the GUI, the CLI and scripts (Qt-free): snapping
frames to the palette, and turning generated images into frames."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.commands import Command, Group, SetCel
from dgx_pixels_app.core.document import Cel, Frame, Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.frame_commands import InsertFrame
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.raster import resize_nearest
from dgx_pixels_app.pixelize.palette import nearest


def snap_to_palette(image: np.ndarray, palette: Palette) -> np.ndarray:
    colors = palette.as_array()[:, :3]
    out = image.copy()
    opaque = out[..., 3] > 0
    if opaque.any():
        index = nearest(out[opaque][:, :3].astype(np.float32), colors.astype(np.float32))
        out[opaque, :3] = colors[index]
    return out


def snap_frames_command(sprite: Sprite, frame_indices: list[int] | None = None) -> Group:
    """Every cel of these frames (default: all) mapped to the nearest palette colour."""
    if not len(sprite.palette):
        raise InvalidInputError(
            "The sprite has no palette to snap to: load or pick one in the Palette dock."
        )
    frames = [
        sprite.frames[i].id
        for i in (frame_indices if frame_indices is not None else range(len(sprite.frames)))
    ]
    commands: list[Command] = []
    for (layer_id, frame_id), cel in sprite.cels.items():
        if frame_id in frames:
            snapped = snap_to_palette(cel.image, sprite.palette)
            if not np.array_equal(snapped, cel.image):
                commands.append(SetCel(layer_id, frame_id, Cel(snapped, cel.generation)))
    return Group(commands, label="Snap Frames to Palette")


def fit(art: np.ndarray, width: int, height: int) -> np.ndarray:
    """Centre ``art`` on a transparent canvas, shrinking it (nearest) if it is larger."""
    h, w = art.shape[:2]
    if w > width or h > height:
        scale = min(width / w, height / h)
        art = resize_nearest(art, max(1, int(w * scale)), max(1, int(h * scale)))
        h, w = art.shape[:2]
    canvas = np.zeros((height, width, 4), np.uint8)
    x, y = (width - w) // 2, (height - h) // 2
    canvas[y : y + h, x : x + w] = art
    return canvas


def cut_strip(art: np.ndarray, count: int) -> list[np.ndarray]:
    """A strip cut into ``count`` equal frames, left to right."""
    if not 1 <= count <= 64:
        raise InvalidInputError("A strip holds 1 to 64 frames.")
    bounds = np.linspace(0, art.shape[1], count + 1).round().astype(int)
    return [art[:, bounds[i] : bounds[i + 1]].copy() for i in range(count)]


def opaque_box(art: np.ndarray) -> tuple[int, int, int, int] | None:
    """The opaque pixels' bounding box (x0, y0, x1, y1), or None if there are none."""
    opaque = art[..., 3] > 0
    if not opaque.any():
        return None
    rows, cols = np.flatnonzero(opaque.any(axis=1)), np.flatnonzero(opaque.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def crop_to_content(art: np.ndarray) -> np.ndarray:
    """The opaque pixels' bounding box (the whole image if none or all are)."""
    box = opaque_box(art)
    if box is None:
        return art
    x0, y0, x1, y1 = box
    return art[y0:y1, x0:x1]


def add_frames_command(
    sprite: Sprite, layer_id: int, after_index: int, images: list[np.ndarray], duration_ms: int,
    generation: GenerationRequest | None = None,
) -> Group:  # fmt: skip
    """New frames after ``after_index``, each with one cel on ``layer_id`` (fitted to the sprite)."""
    commands: list[Command] = []
    for offset, image in enumerate(images, start=1):
        fitted = (
            image
            if image.shape[:2] == (sprite.height, sprite.width)
            else fit(image, sprite.width, sprite.height)
        )
        commands.append(
            InsertFrame(
                after_index + offset,
                Frame(duration_ms),
                {layer_id: Cel(fitted, generation)},
                label="Add Frame",
            )
        )
    return Group(commands, label=f"Add {len(images)} Frame{'s' if len(images) != 1 else ''}")


def keep_requests(sprite, requests) -> None:
    """Each frame's cel on the first layer keeps the request that made it (its user
    data in the .aseprite): any frame can be made again."""
    layer = sprite.layers[0].id
    for frame, request in zip(sprite.frames, requests, strict=True):
        cel = sprite.cels.get((layer, frame.id))
        if cel is not None:
            sprite.cels[(layer, frame.id)] = Cel(cel.image, request)
