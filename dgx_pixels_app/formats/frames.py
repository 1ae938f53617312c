"""Build sprites from loose frames: PNG files, GIF/APNG animations, sheets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import ImageSequence

from dgx_pixels_app.core.document import MAX_DURATION_MS, Cel, Direction, Sprite, Tag
from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError
from dgx_pixels_app.core.files import read_bytes
from dgx_pixels_app.core.limits import MAX_FILE_BYTES, MAX_FRAMES, MAX_PIXELS
from dgx_pixels_app.formats.images import bounded_image, palette_of, read_rgba

MAX_ANIMATION_PIXELS = 4 * MAX_PIXELS  # all frames together (1 GiB of RGBA at most)

DIRECTIONS = {
    "forward": Direction.FORWARD,
    "reverse": Direction.REVERSE,
    "pingpong": Direction.PINGPONG,
}


def sprite_from_frames(
    images: list[np.ndarray],
    durations: list[int] | None = None,
    tags: list[Tag] | None = None,
    layer_name: str = "Layer 1",
) -> Sprite:
    """One layer, one frame per image; every image must have the same size."""
    if not images:
        raise InvalidInputError("No frames given.")
    if len(images) > MAX_FRAMES:
        raise InvalidInputError(f"At most {MAX_FRAMES} frames.")
    h, w = images[0].shape[:2]
    for i, image in enumerate(images):
        if image.shape[:2] != (h, w):
            raise InvalidInputError(
                f"Frame {i} is {image.shape[1]}x{image.shape[0]} but frame 0 is {w}x{h}: all frames must have the same size."
            )
    durations = durations or [100] * len(images)
    if len(durations) != len(images):
        raise InvalidInputError(f"{len(durations)} durations given for {len(images)} frames.")
    for d in durations:
        if not 1 <= d <= MAX_DURATION_MS:
            raise InvalidInputError(f"A frame lasts 1 to {MAX_DURATION_MS} ms, not {d}.")
    sprite = Sprite.new(
        w,
        h,
        frames=len(images),
        palette=palette_of(np.concatenate([im.reshape(-1, 4) for im in images])[None]),
    )
    sprite.layers[0].name = layer_name
    for frame, image, duration in zip(sprite.frames, images, durations, strict=True):
        frame.duration_ms = int(duration)
        if image[..., 3].any():
            sprite.cels[(sprite.layers[0].id, frame.id)] = Cel(
                np.ascontiguousarray(image, dtype=np.uint8)
            )
    for tag in tags or []:
        if not 0 <= tag.start <= tag.end < len(images):
            raise InvalidInputError(
                f"Tag '{tag.name}' covers frames {tag.start}-{tag.end}, but there are frames 0-{len(images) - 1}."
            )
    sprite.tags = list(tags or [])
    return sprite


def parse_tag(text: str) -> Tag:
    """``NAME:FROM-TO[:forward|reverse|pingpong]`` (frames numbered from 0)."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0]:
        raise InvalidInputError(f"Tag '{text}' must look like walk:0-3 or walk:0-3:pingpong.")
    try:
        start, end = (int(v) for v in parts[1].split("-"))
    except ValueError as exc:
        raise InvalidInputError(f"Tag '{text}': the frame range must look like 0-3.") from exc
    direction = parts[2].lower().replace("-", "") if len(parts) == 3 else "forward"
    if direction not in DIRECTIONS:
        raise InvalidInputError(f"Tag '{text}': direction must be forward, reverse or pingpong.")
    if start > end or start < 0:
        raise InvalidInputError(
            f"Tag '{text}': the range must go from a lower frame to a higher one."
        )
    return Tag(parts[0], start, end, DIRECTIONS[direction])


def parse_durations(text: str, count: int) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise InvalidInputError(
            f"Durations '{text}' must be whole milliseconds separated by commas."
        ) from exc
    if len(values) == 1:
        values *= count
    if len(values) != count:
        raise InvalidInputError(f"{len(values)} durations given for {count} frames.")
    return values


def sprite_from_pngs(
    paths: list[str | os.PathLike[str]],
    durations: list[int] | None = None,
    tags: list[Tag] | None = None,
) -> Sprite:
    return sprite_from_frames([read_rgba(p) for p in paths], durations, tags, Path(paths[0]).stem)


def read_animation(path: str | os.PathLike[str]) -> Sprite:
    """GIF or APNG (or a still image) as a sprite with one frame per animation frame."""
    path = Path(path)
    data = read_bytes(path, MAX_FILE_BYTES, "animation")
    with bounded_image(data, path.name, "Animation") as image:
        count = getattr(image, "n_frames", 1)
        if count > MAX_FRAMES:
            raise FileFormatError(
                f"'{path.name}' has {count} frames; at most {MAX_FRAMES} are supported."
            )
        if count * image.size[0] * image.size[1] > MAX_ANIMATION_PIXELS:
            raise FileFormatError(
                f"'{path.name}' holds {count} frames of {image.size[0]}x{image.size[1]}: too large to open."
            )
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frames.append(np.array(frame.convert("RGBA")))
            durations.append(int(frame.info.get("duration", 100)) or 100)
    return sprite_from_frames(
        frames, [min(max(d, 1), MAX_DURATION_MS) for d in durations], layer_name=path.stem
    )


def slice_grid(
    sheet: np.ndarray,
    cell: tuple[int, int] | None = None,
    grid: tuple[int, int] | None = None,
    padding: int = 0,
    offset: tuple[int, int] = (0, 0),
    skip_empty: bool = True,
) -> list[np.ndarray]:
    """Cut a sheet into frames, row by row: by cell size (w, h) or by (columns, rows)."""
    h, w = sheet.shape[:2]
    ox, oy = offset
    if padding < 0 or ox < 0 or oy < 0:
        raise InvalidInputError("Padding and offset cannot be negative.")
    usable_w, usable_h = w - ox, h - oy
    if grid is not None:
        cols, rows = grid
        if cols < 1 or rows < 1:
            raise InvalidInputError("Columns and rows must be at least 1.")
        cw, ch = (usable_w - (cols - 1) * padding) / cols, (usable_h - (rows - 1) * padding) / rows
        if cw != int(cw) or ch != int(ch) or cw < 1 or ch < 1:
            raise InvalidInputError(
                f"A {w}x{h} sheet does not split into {cols} x {rows} cells with padding {padding} and offset {ox},{oy}."
            )
        cw, ch = int(cw), int(ch)
    elif cell is not None:
        cw, ch = cell
        if cw < 1 or ch < 1:
            raise InvalidInputError("Cells must be at least 1x1 pixel.")
        if (usable_w + padding) % (cw + padding) or (usable_h + padding) % (ch + padding):
            raise InvalidInputError(
                f"{cw}x{ch} cells with padding {padding} and offset {ox},{oy} do not divide the {w}x{h} sheet."
            )
        cols, rows = (usable_w + padding) // (cw + padding), (usable_h + padding) // (ch + padding)
    else:
        raise InvalidInputError("Give a cell size or a number of columns and rows.")
    frames = []
    for row in range(rows):
        for col in range(cols):
            x, y = ox + col * (cw + padding), oy + row * (ch + padding)
            frame = sheet[y : y + ch, x : x + cw].copy()
            if skip_empty and not frame[..., 3].any():
                continue
            frames.append(frame)
    if not frames:
        raise InvalidInputError("Every cell of the sheet is empty.")
    return frames
