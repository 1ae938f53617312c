"""Apply a pixelize result to a document as one undoable command."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.commands import Command, Group, ReplaceCanvas, SetPalette
from dgx_pixels_app.core.document import Cel, Sprite
from dgx_pixels_app.core.palette import Palette


def _nearest(image: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = image.shape[:2]
    ys = (np.arange(height) * h // height).clip(0, h - 1)
    xs = (np.arange(width) * w // width).clip(0, w - 1)
    return image[ys[:, None], xs[None, :]]


def pixelize_layer_command(
    sprite: Sprite,
    layer_id: int,
    frame_id: int,
    result: np.ndarray,
    palette: np.ndarray | None = None,
) -> Command:
    """The canvas takes the result's size; the pixelized cel gets the result and
    every other cel is resampled nearest-neighbour onto the new grid, so layers
    drawn over the generated image stay where they were."""
    height, width = result.shape[:2]
    cels = {}
    for key, cel in sprite.cels.items():
        if key == (layer_id, frame_id):
            cels[key] = Cel(result.copy(), cel.generation)
        else:
            cels[key] = Cel(
                np.ascontiguousarray(_nearest(cel.image, width, height)), cel.generation
            )
    if (layer_id, frame_id) not in cels:
        cels[(layer_id, frame_id)] = Cel(result.copy())
    canvas = ReplaceCanvas(width, height, cels, label="Pixelize")
    if palette is None or not len(palette):
        return canvas
    colors = [(int(r), int(g), int(b), 255) for r, g, b in palette]
    return Group([canvas, SetPalette(Palette(colors, name="Pixelized"))], label="Pixelize")
