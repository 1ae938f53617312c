"""Open and save by file extension: the one place front ends ask."""

from __future__ import annotations

import os
from pathlib import Path

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.formats import aseprite, images

PROJECT_EXTENSIONS = (".aseprite", ".ase")
IMAGE_EXTENSIONS = (".png", ".gif", ".apng", ".bmp", ".jpg", ".jpeg", ".webp")
OPEN_FILTER = (
    "Sprites (*.aseprite *.ase *.png *.gif *.apng *.bmp *.jpg *.jpeg *.webp *.json);;"
    "Aseprite sheet data (*.json)"
)


def _is_animated_png(path: str | os.PathLike[str]) -> bool:
    """An APNG has an acTL chunk before its first IDAT (read from the header only)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    idat = head.find(b"IDAT")
    actl = head.find(b"acTL")
    return actl != -1 and (idat == -1 or actl < idat)


def open_document(path: str | os.PathLike[str]) -> Sprite:
    """Open by extension; GIF and animated PNG give one frame per animation frame,
    an Aseprite sheet ``.json`` gives its frames back from the PNG it names."""
    suffix = Path(path).suffix.lower()
    if suffix in PROJECT_EXTENSIONS:
        return aseprite.load(path)
    if suffix == ".json":
        from dgx_pixels_app.formats.sheet_import import read_sheet_json

        return read_sheet_json(path)
    if suffix in (".gif", ".apng") or (suffix == ".png" and _is_animated_png(path)):
        from dgx_pixels_app.formats.frames import read_animation

        return read_animation(path)
    if suffix in IMAGE_EXTENSIONS:
        return images.sprite_from_image(path)
    raise FileFormatError(
        f"Cannot open '{Path(path).name}': DGX-Pixels opens .aseprite, .ase and image files "
        "(PNG, GIF, BMP, JPEG, WebP)."
    )


def save_document(sprite: Sprite, path: str | os.PathLike[str], frame_index: int = 0) -> None:
    """``.aseprite``/``.ase`` keep everything; ``.png`` writes the composited frame."""
    suffix = Path(path).suffix.lower()
    if suffix in PROJECT_EXTENSIONS:
        aseprite.save(sprite, path)
    elif suffix == ".png":
        images.save_frame_png(sprite, path, frame_index)
    else:
        raise FileFormatError(
            f"Cannot save as '{Path(path).name}': choose .aseprite (keeps layers, frames and "
            "tags) or .png (the current frame, flattened)."
        )


def is_lossless(path: str | os.PathLike[str]) -> bool:
    """Whether saving to ``path`` keeps every layer, frame and tag."""
    return Path(path).suffix.lower() in PROJECT_EXTENSIONS
