"""Moving images between the sprite and the model's resolution, and back.

Generation works at ~1024 px, the sprite at its true size. These functions make the
model's source images from the sprite (nearest-neighbour, so pixel art stays pixel
art) and turn results into layers that fit the sprite. Qt-free.
"""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.document import Cel, Layer, Sprite
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.core.layer_commands import InsertLayer
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.raster import resize_nearest
from dgx_pixels_app.pixelize.pipeline import pixelize


def model_size(width: int, height: int, target: int = 1024) -> tuple[int, int]:
    """A size near ``target`` px for the model with the sprite's aspect, multiples of 8."""
    scale = target / max(width, height)
    return max(64, int(round(width * scale / 8)) * 8), max(64, int(round(height * scale / 8)) * 8)


def img2img_source(
    sprite: Sprite, frame_index: int, selection, request: GenerationRequest
) -> tuple[np.ndarray, GenerationRequest]:
    """The frame (or the selected part) scaled up for the model, and the request sized to it."""
    image = sprite.composite(frame_index)
    if selection is not None and selection.bbox is not None:
        x, y, w, h = selection.bbox
        image = image[y : y + h, x : x + w]
    width, height = model_size(image.shape[1], image.shape[0], max(request.width, request.height))
    from dataclasses import replace

    return resize_nearest(image, width, height), replace(request, width=width, height=height)


def inpaint_source(sprite: Sprite, frame_index: int, selection, request: GenerationRequest):
    """(image, mask, request): the whole frame scaled up, True where the selection is."""
    from dataclasses import replace

    width, height = model_size(sprite.width, sprite.height, max(request.width, request.height))
    image = resize_nearest(sprite.composite(frame_index), width, height)
    mask = resize_nearest(selection.mask, width, height)
    return image, mask, replace(request, width=width, height=height)


def layer_image(
    result: np.ndarray,
    sprite: Sprite,
    request: GenerationRequest,
    selection,
    do_pixelize: bool,
    palette: Palette | None = None,
) -> np.ndarray:
    """A sprite-sized RGBA image to put on a new layer."""
    canvas = sprite.blank()
    if request.mode == "inpaint" and selection is not None:
        small = resize_nearest(result, sprite.width, sprite.height)
        canvas[selection.mask] = small[selection.mask]
        return canvas
    art = _to_art(result, do_pixelize, palette)
    if request.mode == "img2img" and selection is not None and selection.bbox is not None:
        x, y, w, h = selection.bbox
        canvas[y : y + h, x : x + w] = resize_nearest(art, w, h)
        return canvas
    h, w = art.shape[:2]
    if w > sprite.width or h > sprite.height:
        scale = min(sprite.width / w, sprite.height / h)
        art = resize_nearest(art, max(1, int(w * scale)), max(1, int(h * scale)))
        h, w = art.shape[:2]
    x, y = (sprite.width - w) // 2, (sprite.height - h) // 2
    canvas[y : y + h, x : x + w] = art
    return canvas


def _to_art(result: np.ndarray, do_pixelize: bool, palette: Palette | None) -> np.ndarray:
    if not do_pixelize:
        return result
    from dgx_pixels_app.pixelize.pipeline import PixelizeOptions

    return pixelize(result, PixelizeOptions(palette=palette)).image


def add_layer_command(
    sprite: Sprite, above_index: int, frame_id: int, image: np.ndarray, request: GenerationRequest
) -> InsertLayer:
    layer = Layer(f"Gen {request.seed}")
    return InsertLayer(
        above_index + 1, layer, {frame_id: Cel(image, request)}, label="Add Generated Layer"
    )


def sprite_from_result(result: np.ndarray, request: GenerationRequest, do_pixelize: bool) -> Sprite:
    art = _to_art(result, do_pixelize, None)
    from dgx_pixels_app.formats.images import palette_of

    sprite = Sprite.new(art.shape[1], art.shape[0], palette=palette_of(art))
    sprite.layers[0].name = f"Gen {request.seed}"
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(
        np.ascontiguousarray(art), request
    )
    return sprite
