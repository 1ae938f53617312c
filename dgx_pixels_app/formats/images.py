"""Plain images (PNG and what Pillow reads) in and out of sprites.

Sizes are checked from the header before any pixel is decoded, so a hostile
30000 x 30000 PNG is refused without allocating it.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:  # the document model is imported where a sprite is made, not at start-up
    from dgx_pixels_app.core.document import Sprite

from dgx_pixels_app.core.atomic import atomic_write_bytes
from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.core.files import read_bytes
from dgx_pixels_app.core.limits import MAX_FILE_BYTES, check_size
from dgx_pixels_app.core.palette import Palette

# What Pillow's decoders raise on damaged data besides OSError: a corrupt GIF can raise
# IndexError from n_frames, a truncated chunk struct.error or EOFError, a bad header
# TypeError, KeyError or ZeroDivisionError. All of them mean "corrupt file" to a user.
DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, IndexError, EOFError, struct.error, KeyError, TypeError,
    ZeroDivisionError, OverflowError, RuntimeError,
)  # fmt: skip


def read_rgba(path: str | os.PathLike[str]) -> np.ndarray:
    """Decode an image file to a ``(h, w, 4)`` uint8 array, refusing oversize headers."""
    path = Path(path)
    data = read_bytes(path, MAX_FILE_BYTES, "image")
    return decode_rgba(data, name=path.name)


@contextlib.contextmanager
def bounded_image(data: bytes, name: str, what: str = "Image") -> Iterator[Image.Image]:
    """Pillow's image for ``data``, its size checked before any pixel is decoded (a
    decompression bomb is refused); any decoder failure inside the block is a
    FileFormatError naming the file. The one bounded decode every reader goes through."""
    if not data:
        raise FileFormatError(f"'{name}' is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            check_size(*image.size, what=f"{what} '{name}'", from_file=True)
            yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileFormatError(f"'{name}' is too large: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise FileFormatError(f"'{name}' is not an image DGX-Pixels can read.") from exc
    except DECODE_ERRORS as exc:
        raise FileFormatError(
            f"'{name}' is corrupt or truncated ({exc or type(exc).__name__})."
        ) from exc


def decode_rgba(data: bytes, name: str = "image") -> np.ndarray:
    with bounded_image(data, name) as image:
        image.load()
        return np.array(image.convert("RGBA"), dtype=np.uint8)


def encode_png(rgba: np.ndarray, text: dict[str, str] | None = None) -> bytes:
    """PNG bytes; ``text`` becomes iTXt chunks (e.g. A1111's ``parameters``)."""
    out = io.BytesIO()
    info = None
    if text:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        for key, value in text.items():
            info.add_itxt(key, value)
    Image.fromarray(np.ascontiguousarray(rgba), "RGBA").save(
        out, format="PNG", optimize=False, pnginfo=info
    )
    return out.getvalue()


def write_png(
    path: str | os.PathLike[str], rgba: np.ndarray, text: dict[str, str] | None = None
) -> None:
    atomic_write_bytes(path, encode_png(rgba, text))


def png_text(path: str | os.PathLike[str]) -> dict[str, str]:
    """The text chunks of a PNG (tEXt, zTXt, iTXt)."""
    data = read_bytes(Path(path), MAX_FILE_BYTES, "image")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return {k: str(v) for k, v in getattr(image, "text", {}).items()}
    except DECODE_ERRORS as exc:
        raise FileFormatError(f"'{Path(path).name}' is not a readable PNG ({exc}).") from exc


def sprite_from_image(path: str | os.PathLike[str]) -> Sprite:
    """Open a PNG (or another still image) as a one-layer, one-frame sprite."""
    rgba = read_rgba(path)
    from dgx_pixels_app.core.document import Cel, Sprite

    sprite = Sprite.new(rgba.shape[1], rgba.shape[0], palette=palette_of(rgba))
    sprite.layers[0].name = Path(path).stem or "Layer 1"
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(rgba)
    return sprite


def palette_of(rgba: np.ndarray, limit: int = 256) -> Palette:
    """The image's own colours as its palette (as Aseprite does), if there are few."""
    opaque = rgba[rgba[..., 3] > 0][:, :3]
    colors = np.unique(opaque, axis=0) if opaque.size else np.zeros((0, 3), np.uint8)
    if len(colors) > limit:
        return Palette()
    return Palette([(*map(int, c), 255) for c in colors])


def save_frame_png(sprite: Sprite, path: str | os.PathLike[str], frame_index: int = 0) -> None:
    """Save As PNG writes the composited visible layers of one frame."""
    write_png(path, sprite.composite(frame_index))
