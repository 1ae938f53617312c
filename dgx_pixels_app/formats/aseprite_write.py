"""Write ``.aseprite`` files (Aseprite's published file specification).

RGBA or, for an indexed sprite, 8-bit palette indices; layers with their blend
mode, groups with their children's level; zlib cels cropped to their content,
and a linked cel (one image shown on several frames) as Aseprite's link to the
frame that holds the pixels; tags with colours; the palette; each cel's
generation metadata as JSON in its user-data chunk.
"""

from __future__ import annotations

import io
import os
import struct
import zlib

import numpy as np

from dgx_pixels_app.core.atomic import atomic_write_bytes
from dgx_pixels_app.core.blend import MODES
from dgx_pixels_app.core.document import MAX_DURATION_MS, Cel, Direction, Sprite
from dgx_pixels_app.core.indexed import can_save_indexed, to_indices, transparent_index
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats.binary import pack_string
from dgx_pixels_app.formats.pose_data import pose_text

HEADER_MAGIC = 0xA5E0
FRAME_MAGIC = 0xF1FA
CHUNK_LAYER = 0x2004
CHUNK_CEL = 0x2005
CHUNK_CEL_EXTRA = 0x2006
CHUNK_COLOR_PROFILE = 0x2007
CHUNK_TAGS = 0x2018
CHUNK_PALETTE = 0x2019
CHUNK_USER_DATA = 0x2020
_DIRECTION_CODES = {Direction.FORWARD: 0, Direction.REVERSE: 1, Direction.PINGPONG: 2}
# header flags: layer opacity is valid; groups are composited on their own first
HEADER_FLAGS = 1 | 2
LAYER_REFERENCE = 64  # Aseprite's reference layer: shown, never exported


def _chunk(kind: int, payload: bytes) -> bytes:
    return struct.pack("<IH", len(payload) + 6, kind) + payload


def _bbox(alpha: np.ndarray) -> tuple[int, int, int, int] | None:
    rows = np.flatnonzero(alpha.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(alpha.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1] + 1), int(rows[-1] + 1)


def _cel_chunks(layer_index: int, cel: Cel, sprite: Sprite, indexed: bool) -> list[bytes]:
    box = _bbox(cel.image[..., 3] > 0)
    if box is None and cel.generation is None:
        return []
    x0, y0, x1, y1 = box or (0, 0, 1, 1)
    crop = cel.image[y0:y1, x0:x1]
    if indexed:
        pixels = np.ascontiguousarray(to_indices(crop, sprite.palette))
    else:
        pixels = np.ascontiguousarray(crop)
    payload = struct.pack("<HhhBHh5x", layer_index, x0, y0, 255, 2, 0)
    payload += struct.pack("<HH", x1 - x0, y1 - y0) + zlib.compress(pixels.tobytes(), 6)
    chunks = [_chunk(CHUNK_CEL, payload)]
    if cel.generation is not None:
        text = pack_string(cel.generation.to_json())
        chunks.append(_chunk(CHUNK_USER_DATA, struct.pack("<I", 1) + text))
    return chunks


def _link_chunk(layer_index: int, source: tuple[int, int, int]) -> bytes:
    """A linked cel: the frame that holds the pixels, at the same place as there."""
    frame_index, x, y = source
    return _chunk(CHUNK_CEL, struct.pack("<HhhBHh5xH", layer_index, x, y, 255, 1, 0, frame_index))


def _palette_chunk(palette: Palette) -> bytes:
    payload = struct.pack("<III8x", len(palette), 0, len(palette) - 1)
    for color, name in zip(palette.colors, palette.names, strict=True):
        payload += struct.pack("<H4B", 1 if name else 0, *color)
        if name:
            payload += pack_string(name)
    return _chunk(CHUNK_PALETTE, payload)


def _reference_chunks(sprite: Sprite) -> list[bytes]:
    """The reference layer, below every other (layer 0)."""
    ref = sprite.reference
    flags = (1 if ref.visible else 0) | LAYER_REFERENCE
    payload = struct.pack("<HHHHHHB3x", flags, 0, 0, 0, 0, 0, ref.opacity)
    return [_chunk(CHUNK_LAYER, payload + pack_string("Reference"))]


def _reference_cel(sprite: Sprite, indexed: bool) -> list[bytes]:
    """Its image at its own size, with Aseprite's precise bounds (where it lies)."""
    image = sprite.reference.image
    h, w = image.shape[:2]
    x, y, bw, bh = sprite.reference.placed(sprite.width, sprite.height)
    pixels = to_indices(image, sprite.palette) if indexed else np.ascontiguousarray(image)
    cx, cy = (round(max(-32767.0, min(32767.0, v))) for v in (x, y))
    payload = struct.pack("<HhhBHh5xHH", 0, cx, cy, 255, 2, 0, w, h)
    fixed = (round(max(-32767.0, min(32767.0, v)) * 65536) for v in (x, y, bw, bh))
    bounds = struct.pack("<Iiiii16x", 1, *fixed)
    return [_chunk(CHUNK_CEL, payload + zlib.compress(pixels.tobytes(), 6)),
            _chunk(CHUNK_CEL_EXTRA, bounds)]  # fmt: skip


def _layer_chunks(sprite: Sprite) -> list[bytes]:
    chunks = _reference_chunks(sprite) if sprite.reference is not None else []
    for layer in sprite.layers:
        flags = (1 if layer.visible else 0) | (0 if layer.locked else 2)
        payload = struct.pack(
            "<HHHHHHB3x", flags, 1 if layer.group else 0, layer.level, 0, 0,
            MODES.get(layer.blend, 0), layer.opacity,
        )  # fmt: skip
        chunks.append(_chunk(CHUNK_LAYER, payload + pack_string(layer.name)))
        if layer.pose is not None:  # a pose layer's skeletons: the layer's user data
            text = pack_string(pose_text(layer.pose, [f.id for f in sprite.frames]))
            chunks.append(_chunk(CHUNK_USER_DATA, struct.pack("<I", 1) + text))
    return chunks


def _first_frame_chunks(sprite: Sprite) -> list[bytes]:
    chunks = [_chunk(CHUNK_COLOR_PROFILE, struct.pack("<HHI8x", 1, 0, 0))]
    if len(sprite.palette):
        chunks.append(_palette_chunk(sprite.palette))
    chunks.extend(_layer_chunks(sprite))
    if sprite.tags:
        payload = struct.pack("<H8x", len(sprite.tags))
        for tag in sprite.tags:
            payload += struct.pack(
                "<HHBH6x3Bx", tag.start, tag.end, _DIRECTION_CODES[tag.direction], 0, *tag.color
            )
            payload += pack_string(tag.name)
        chunks.append(_chunk(CHUNK_TAGS, payload))
        for tag in sprite.tags:  # Aseprite 1.3 keeps tag colours in user data
            chunks.append(_chunk(CHUNK_USER_DATA, struct.pack("<I4B", 2, *tag.color, 255)))
    return chunks


def _frame_cels(
    sprite: Sprite, frame_index: int, written: dict[int, tuple], indexed: bool
) -> list[bytes]:
    """One frame's cels; ``written`` maps a cel already written (by identity) to the
    frame and place that hold it, so a linked cel becomes a link."""
    chunks: list[bytes] = []
    frame = sprite.frames[frame_index]
    first = 0 if sprite.reference is None else 1  # the reference layer is layer 0
    if first and frame_index == 0:
        chunks.extend(_reference_cel(sprite, indexed))
    for layer_index, layer in enumerate(sprite.layers, start=first):
        cel = sprite.cels.get((layer.id, frame.id))
        if cel is None or layer.group:
            continue
        if id(cel) in written:
            chunks.append(_link_chunk(layer_index, written[id(cel)]))
            continue
        cel_chunks = _cel_chunks(layer_index, cel, sprite, indexed)
        if cel_chunks:
            x, y = struct.unpack_from("<hh", cel_chunks[0], 8)
            written[id(cel)] = (frame_index, x, y)
        chunks.extend(cel_chunks)
    return chunks


def to_bytes(sprite: Sprite) -> bytes:
    """Encode ``sprite`` as an ``.aseprite`` file (8-bit when indexed and its palette
    fits a file: a clear entry and at most 256; otherwise RGBA, never losing a pixel)."""
    out = io.BytesIO()
    written: dict[int, tuple] = {}
    indexed = sprite.indexed and can_save_indexed(sprite.palette)
    for index, frame in enumerate(sprite.frames):
        chunks = _first_frame_chunks(sprite) if index == 0 else []
        chunks.extend(_frame_cels(sprite, index, written, indexed))
        body = b"".join(chunks)
        duration = min(max(frame.duration_ms, 1), MAX_DURATION_MS)
        header = struct.pack(
            "<IHHH2xI", 16 + len(body), FRAME_MAGIC, min(len(chunks), 0xFFFF), duration, len(chunks)
        )
        out.write(header + body)
    frames = out.getvalue()
    n_colors = len(sprite.palette) if 0 < len(sprite.palette) <= 256 else 0
    depth = 8 if indexed else 32
    transparent = transparent_index(sprite.palette) if indexed else 0
    header = struct.pack(
        "<IHHHHHIHIIB3xHBBhhHH84x",
        128 + len(frames), HEADER_MAGIC, len(sprite.frames), sprite.width, sprite.height,
        depth, HEADER_FLAGS, 100, 0, 0, transparent, n_colors, 1, 1, 0, 0, 16, 16,
    )  # fmt: skip
    assert len(header) == 128
    return header + frames


def save(sprite: Sprite, path: str | os.PathLike[str]) -> None:
    """Write atomically: the previous file survives a crash mid-save."""
    atomic_write_bytes(path, to_bytes(sprite))
