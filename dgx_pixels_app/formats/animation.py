"""Animated GIF and APNG of the whole sprite or one tag, with transparency and the
frames' own durations. Pillow writes both; frames are composited visible layers."""

from __future__ import annotations

import io
import os

import numpy as np
from PIL import Image

from dgx_pixels_app.core.atomic import atomic_write_bytes
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.playback import find_tag, sequence


def frames_for(
    sprite: Sprite, tag_name: str | None, scale: int = 1
) -> tuple[list[np.ndarray], list[int]]:
    """One loop of the animation (a tag plays in its direction), as images and durations."""
    if not 1 <= scale <= 16:
        raise InvalidInputError("Scale must be between 1 and 16.")
    order = sequence(sprite, find_tag(sprite, tag_name))
    images, durations = [], []
    for index in order:
        image = sprite.composite(index)
        if scale > 1:
            image = np.repeat(np.repeat(image, scale, 0), scale, 1)
        images.append(image)
        durations.append(sprite.frames[index].duration_ms)
    return images, durations


def encode_gif(images: list[np.ndarray], durations: list[int]) -> bytes:
    """GIF keeps 1-bit transparency and 10 ms duration steps (durations are rounded)."""
    frames = []
    for rgba in images:
        alpha = rgba[..., 3] >= 128
        rgb = Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB")
        paletted = rgb.quantize(
            colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        indices = np.array(paletted, dtype=np.uint8)
        indices[~alpha] = 255
        palette = (paletted.getpalette() or [])[: 255 * 3]
        palette += [0] * (256 * 3 - len(palette))
        frame = Image.fromarray(indices, "P")
        frame.putpalette(palette)
        frame.info["transparency"] = 255
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(
        out, format="GIF", save_all=True, append_images=frames[1:], loop=0,
        duration=[max(10, int(d / 10 + 0.5) * 10) for d in durations],  # nearest 10 ms
        disposal=2, transparency=255, optimize=False,
    )  # fmt: skip
    return out.getvalue()


def encode_apng(images: list[np.ndarray], durations: list[int]) -> bytes:
    """APNG keeps full alpha and millisecond durations."""
    frames = [Image.fromarray(np.ascontiguousarray(rgba), "RGBA") for rgba in images]
    out = io.BytesIO()
    frames[0].save(
        out, format="PNG", save_all=True, append_images=frames[1:], duration=durations, loop=0,
        disposal=1, blend=0, default_image=False,
    )  # fmt: skip
    return out.getvalue()


def save_animation(
    sprite: Sprite, path: str | os.PathLike[str], kind: str, tag: str | None = None, scale: int = 1
) -> int:
    """Write a GIF or APNG atomically; returns the number of frames written."""
    images, durations = frames_for(sprite, tag, scale)
    data = encode_gif(images, durations) if kind == "gif" else encode_apng(images, durations)
    atomic_write_bytes(path, data)
    return len(images)
