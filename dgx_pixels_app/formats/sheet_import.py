"""Import an Aseprite JSON + PNG pair (hash or array form) back into a sprite."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.document import Tag
from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.core.limits import check_size
from dgx_pixels_app.formats.frames import DIRECTIONS, sprite_from_frames
from dgx_pixels_app.formats.images import read_rgba

MAX_JSON_BYTES = 32 * 1024 * 1024


def _int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FileFormatError(f"{what} must be a whole number.")
    return value


def _rect(data: object, what: str) -> tuple[int, int, int, int]:
    if not isinstance(data, dict):
        raise FileFormatError(f"{what} is missing.")
    return tuple(_int(data.get(k), f"{what}.{k}") for k in ("x", "y", "w", "h"))  # type: ignore[return-value]


def read_sheet_json(path: str | os.PathLike[str]):
    path = Path(path)
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise FileFormatError(f"'{path.name}' is too large for sprite sheet data.")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileFormatError(f"'{path.name}' is not readable sprite sheet JSON ({exc}).") from exc
    if not isinstance(data, dict) or "frames" not in data or not isinstance(data.get("meta"), dict):
        raise FileFormatError(
            f"'{path.name}' is not Aseprite sheet JSON (needs 'frames' and 'meta')."
        )
    image_name = data["meta"].get("image")
    if (
        not isinstance(image_name, str)
        or not image_name
        or Path(image_name).is_absolute()
        or ".." in Path(image_name).parts
    ):
        raise FileFormatError(f"'{path.name}' names no usable image in meta.image.")
    image = path.parent / image_name
    try:  # beside the JSON, and no link leads it elsewhere (an agent may read only its roots)
        inside = image.resolve().is_relative_to(path.parent.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise FileFormatError(
            f"'{path.name}': meta.image '{image_name}' is not in the JSON's folder."
        )
    sheet = read_rgba(image)
    frames = data["frames"]
    entries = list(frames.values()) if isinstance(frames, dict) else frames
    if not isinstance(entries, list) or not entries:
        raise FileFormatError(f"'{path.name}' lists no frames.")
    images, durations = [], []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise FileFormatError(f"Frame {n} of '{path.name}' is not an object.")
        x, y, w, h = _rect(entry.get("frame"), f"frames[{n}].frame")
        size = entry.get("sourceSize") or {"w": w, "h": h}
        sw, sh = _int(size.get("w"), "sourceSize.w"), _int(size.get("h"), "sourceSize.h")
        check_size(sw, sh, what="Frame", from_file=True)
        sx, sy, _, _ = _rect(
            entry.get("spriteSourceSize") or {"x": 0, "y": 0, "w": w, "h": h}, "spriteSourceSize"
        )
        if x < 0 or y < 0 or x + w > sheet.shape[1] or y + h > sheet.shape[0]:
            raise FileFormatError(
                f"Frame {n}'s rectangle lies outside the {sheet.shape[1]}x{sheet.shape[0]} image."
            )
        if sx < 0 or sy < 0 or sx + w > sw or sy + h > sh:
            raise FileFormatError(f"Frame {n}'s spriteSourceSize lies outside its sourceSize.")
        if entry.get("rotated"):
            raise FileFormatError("Rotated frames are not supported.")
        image = np.zeros((sh, sw, 4), np.uint8)
        image[sy : sy + h, sx : sx + w] = sheet[y : y + h, x : x + w]
        images.append(image)
        durations.append(int(entry.get("duration", 100)) or 100)
    tags = []
    for tag in data["meta"].get("frameTags") or []:
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            color = str(tag.get("color", "#000000"))[1:7]
            try:
                rgb = tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))
            except ValueError:
                rgb = (0, 0, 0)
            tags.append(
                Tag(
                    tag["name"],
                    _int(tag.get("from"), "frameTags.from"),
                    _int(tag.get("to"), "frameTags.to"),
                    DIRECTIONS.get(
                        str(tag.get("direction", "forward")).replace("_", "").replace("-", ""),
                        DIRECTIONS["forward"],
                    ),
                    rgb,  # type: ignore[arg-type]
                )
            )
    return sprite_from_frames(images, durations, tags, path.stem)
