"""Aseprite-compatible sheet data (``--format json-hash`` / ``json-array``).

The same field names Aseprite writes, so engines and tools that read Aseprite's
export (Phaser, Godot importers, libGDX, TexturePacker readers…) read ours.
"""

from __future__ import annotations

import json

from dgx_pixels_app import __version__
from dgx_pixels_app.core.document import Direction, Sprite
from dgx_pixels_app.formats.sheet import Sheet

_DIRECTIONS = {
    Direction.FORWARD: "forward",
    Direction.REVERSE: "reverse",
    Direction.PINGPONG: "pingpong",
}


def _rect(x: int, y: int, w: int, h: int) -> dict:
    return {"x": x, "y": y, "w": w, "h": h}


def sheet_json(
    sheet: Sheet, sprite: Sprite, image_name: str, title: str, form: str = "hash", scale: int = 1
) -> dict:
    entries = []
    for i, frame in enumerate(sheet.frames):
        entry = {
            "frame": _rect(*frame.rect),
            "rotated": False,
            "trimmed": frame.trimmed,
            "spriteSourceSize": _rect(*frame.source_rect),
            "sourceSize": {"w": frame.source_size[0], "h": frame.source_size[1]},
            "duration": frame.duration_ms,
        }
        entries.append(
            (f"{title} {frame.frame_index if len(sheet.frames) > 1 or i else 0}.aseprite", entry)
        )
    frames: dict | list
    if form == "array":
        frames = [{"filename": name, **entry} for name, entry in entries]
    else:
        frames = dict(entries)
    h, w = sheet.image.shape[:2]
    meta = {
        "app": "https://github.com/dgx-pixels/dgx-pixels",
        "version": __version__,
        "image": image_name,
        "format": "RGBA8888",
        "size": {"w": w, "h": h},
        "scale": str(scale),
        "frameTags": [
            {
                "name": tag.name,
                "from": tag.start,
                "to": tag.end,
                "direction": _DIRECTIONS[tag.direction],
                "color": "#{:02x}{:02x}{:02x}ff".format(*tag.color),
            }
            for tag in sheet.tags
        ],
        "layers": [
            {"name": layer.name, "opacity": layer.opacity, "blendMode": "normal"}
            for layer in sprite.layers
        ],
        "slices": [],
    }
    return {"frames": frames, "meta": meta}


def dumps(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_sheet_files(
    sprite: Sprite, options, png_path, form: str = "hash", title: str | None = None
):
    """Write ``NAME.png`` and ``NAME.json`` beside it (both atomically); returns the sheet."""
    from pathlib import Path

    from dgx_pixels_app.core.atomic import atomic_write_text
    from dgx_pixels_app.formats.images import write_png
    from dgx_pixels_app.formats.sheet import build_sheet

    png_path = Path(png_path)
    sheet = build_sheet(sprite, options)
    write_png(png_path, sheet.image)
    data = sheet_json(sheet, sprite, png_path.name, title or png_path.stem, form, options.scale)
    atomic_write_text(png_path.with_suffix(".json"), dumps(data))
    return sheet
