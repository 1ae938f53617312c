"""Read and write Aseprite ``.aseprite``/``.ase`` files, our native project format.

Follows Aseprite's published file specification (docs/ase-file-specs.md in its
repository); the writer is ``aseprite_write``. Files open in Aseprite, LibreSprite
and bevy_aseprite_ultra and round-trip losslessly here: layers with blend modes
and groups, linked cels, indexed colour, tags, the palette and generation data.

We read RGBA, grayscale and indexed files from Aseprite; tilemap layers are
refused. Every size is checked before anything is allocated.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.blend import BY_CODE
from dgx_pixels_app.core.document import Cel, Direction, Frame, Layer, Reference, Sprite, Tag
from dgx_pixels_app.core.errors import DgxPixelsError, FileFormatError
from dgx_pixels_app.core.files import read_bytes
from dgx_pixels_app.core.generation import SCHEMA, GenerationRequest
from dgx_pixels_app.core.indexed import can_save_indexed
from dgx_pixels_app.core.limits import (
    MAX_FILE_BYTES,
    MAX_FRAMES,
    MAX_LAYERS,
    MAX_SIDE,
    check_size,
)
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats.aseprite_write import (
    CHUNK_CEL,
    CHUNK_CEL_EXTRA,
    CHUNK_LAYER,
    CHUNK_PALETTE,
    CHUNK_TAGS,
    CHUNK_USER_DATA,
    FRAME_MAGIC,
    HEADER_MAGIC,
    save,
    to_bytes,
)
from dgx_pixels_app.formats.binary import Reader
from dgx_pixels_app.formats.pose_data import POSE_SCHEMA, read_pose_text

__all__ = ["from_bytes", "load", "save", "to_bytes"]
CHUNK_OLD_PALETTE = 0x0004

_DIRECTIONS = {
    0: Direction.FORWARD,
    1: Direction.REVERSE,
    2: Direction.PINGPONG,
    3: Direction.PINGPONG,
}


# -- reading -------------------------------------------------------------------
class _State:
    def __init__(self, depth: int, width: int, height: int, transparent: int) -> None:
        self.depth = depth
        self.width = width
        self.height = height
        self.transparent = transparent
        self.layers: list[tuple[int, Layer, bool]] = []  # (type, layer, background)
        self.palette = Palette()
        self.old_palette: Palette | None = None
        self.tags: list[Tag] = []
        self.user_data_target: object = None
        self.tag_cursor = 0
        self.reference_layers: set[int] = set()


def load(path: str | os.PathLike[str]) -> Sprite:
    path = Path(path)
    data = read_bytes(path, MAX_FILE_BYTES, "sprite file")
    try:
        return from_bytes(data)
    except DgxPixelsError as exc:
        raise type(exc)(f"Cannot open '{path.name}': {exc}") from exc


def from_bytes(data: bytes) -> Sprite:
    r = Reader(data, "Aseprite file")
    if len(data) < 128:
        raise FileFormatError("the file is too short to be an Aseprite file.")
    (_size, magic, n_frames, width, height, depth, flags, speed) = r.unpack("IHHHHHIH")
    if magic != HEADER_MAGIC:
        raise FileFormatError("this is not an Aseprite file (wrong magic number).")
    r.skip(8)
    transparent = r.byte()
    r.skip(3 + 2 + 2 + 8 + 84)
    check_size(width, height, what="Sprite", from_file=True)
    if depth not in (8, 16, 32):
        raise FileFormatError(f"unsupported colour depth {depth} bits.")
    if not 1 <= n_frames <= MAX_FRAMES:
        raise FileFormatError(f"the file claims {n_frames} frames.")
    state = _State(depth, width, height, transparent)
    sprite = Sprite(width, height)
    sprite.indexed = depth == 8
    raw_cels: list[list[tuple]] = []
    for _ in range(n_frames):
        frame_start = r.pos
        frame_bytes, fmagic, old_count, duration = r.unpack("IHHH")
        r.skip(2)
        new_count = r.dword()
        if fmagic != FRAME_MAGIC or frame_bytes < 16 or frame_start + frame_bytes > len(data):
            raise FileFormatError("a frame header is corrupt or the file is truncated.")
        count = new_count or old_count
        frame = Frame(duration_ms=max(1, duration or speed or 100))
        sprite.frames.append(frame)
        cels: list[dict] = []
        frame_end = frame_start + frame_bytes
        for _ in range(count):
            chunk_size, kind = r.unpack("IH")
            if chunk_size < 6 or r.pos - 6 + chunk_size > frame_end:
                raise FileFormatError("a chunk's size runs past its frame.")
            body = Reader(r.take(chunk_size - 6), "Aseprite chunk")
            _read_chunk(kind, body, state, cels, flags)
        r.pos = frame_end
        raw_cels.append(cels)
    _assemble(sprite, state, raw_cels)
    return sprite


def _read_chunk(kind: int, body: Reader, state: _State, cels: list, header_flags: int) -> None:
    """One chunk of a frame, by its kind (unknown kinds are skipped)."""
    if kind == CHUNK_LAYER:
        _read_layer(body, state, header_flags)
    elif kind == CHUNK_CEL:
        _read_cel(body, state, cels)
    elif kind == CHUNK_PALETTE:
        _read_palette(body, state)
    elif kind == CHUNK_OLD_PALETTE:
        _read_old_palette(body, state)
    elif kind == CHUNK_TAGS:
        _read_tags(body, state)
    elif kind == CHUNK_USER_DATA:
        _read_user_data(body, state)
    elif kind == CHUNK_CEL_EXTRA and isinstance(state.user_data_target, dict):
        flags, *fixed = body.unpack("Iiiii")
        if flags & 1 and all(abs(v) < (MAX_SIDE << 17) for v in fixed) and fixed[2] > 0 < fixed[3]:
            state.user_data_target["bounds"] = tuple(v / 65536 for v in fixed)


def _read_layer(body: Reader, state: _State, header_flags: int) -> None:
    lflags, ltype, level, _w, _h, blend, opacity = body.unpack("HHHHHHB")
    body.skip(3)
    name = body.string()
    if ltype not in (0, 1):
        raise FileFormatError(f"layer '{name}' is a tilemap layer, which is not supported yet.")
    if len(state.layers) >= MAX_LAYERS:
        raise FileFormatError(f"the file has more than {MAX_LAYERS} layers.")
    kept = [la for i, (_t, la, _b) in enumerate(state.layers) if i not in state.reference_layers]
    before = kept[-1] if kept else None  # a reference layer holds no place in the nesting
    deepest = 0 if before is None else before.level + (1 if before.group else 0)
    group_valid = ltype == 0 or header_flags & 2
    layer = Layer(
        name=name,
        visible=bool(lflags & 1),
        locked=not lflags & 2,
        opacity=opacity if header_flags & 1 and group_valid else 255,
        blend=BY_CODE.get(blend, "normal") if group_valid else "normal",
        group=ltype == 1,
        level=min(level, deepest),  # a damaged level must not detach a layer
    )
    if lflags & 64 and ltype == 0:  # Aseprite's reference layer: the sprite's tracing guide
        state.reference_layers.add(len(state.layers))
        layer.level = 0
    state.layers.append((ltype, layer, bool(lflags & 8)))
    state.user_data_target = layer


def _read_cel(body: Reader, state: _State, cels: list) -> None:
    layer_index, x, y, opacity, cel_type = body.unpack("HhhBH")
    body.skip(7)
    if cel_type == 1:
        cels.append({"layer": layer_index, "x": x, "y": y, "opacity": opacity, "link": body.word()})
    elif cel_type in (0, 2):
        w, h = body.word(), body.word()
        check_size(w, h, what="Cel", from_file=True)
        expected = w * h * (state.depth // 8)
        rest = bytes(body.take(body.remaining()))
        pixels = rest if cel_type == 0 else _inflate(rest, expected)
        if len(pixels) < expected:
            raise FileFormatError("a cel's pixel data is truncated.")
        cels.append({"layer": layer_index, "x": x, "y": y, "opacity": opacity, "size": (w, h),
                     "pixels": pixels[:expected]})  # fmt: skip
    else:
        raise FileFormatError("tilemap cels are not supported yet.")
    state.user_data_target = cels[-1]


def _read_palette(body: Reader, state: _State) -> None:
    total, first, last = body.unpack("III")
    body.skip(8)
    if total > 65536 or last < first or last >= total:
        raise FileFormatError("the palette chunk is corrupt.")
    colors = list(state.palette.colors) + [(0, 0, 0, 255)] * (total - len(state.palette))
    names = list(state.palette.names) + [""] * (total - len(state.palette))
    for i in range(first, last + 1):
        eflags, *rgba = body.unpack("H4B")
        colors[i] = tuple(rgba)  # type: ignore[assignment]
        names[i] = body.string() if eflags & 1 else ""
    state.palette = Palette(colors[:total], names[:total])
    state.user_data_target = None


def _read_old_palette(body: Reader, state: _State) -> None:
    packets = body.word()
    colors: list = []
    for _ in range(packets):  # an old palette has at most 256 colours
        skip, n = body.byte(), body.byte() or 256
        colors.extend([(0, 0, 0, 255)] * skip)
        colors.extend((*body.unpack("3B"), 255) for _ in range(n))
        if len(colors) >= 256:
            break
    state.old_palette = Palette(colors[:65536])


def _read_tags(body: Reader, state: _State) -> None:
    count = body.word()
    body.skip(8)
    for _ in range(count):
        start, end, direction, _repeat = body.unpack("HHBH")
        body.skip(6)
        color = body.unpack("3B")
        body.skip(1)
        name = body.string()
        state.tags.append(
            Tag(name, start, end, _DIRECTIONS.get(direction, Direction.FORWARD), color)
        )
    state.user_data_target = "tags"
    state.tag_cursor = len(state.tags) - count


def _read_user_data(body: Reader, state: _State) -> None:
    uflags = body.dword()
    text = body.string() if uflags & 1 else None
    color = body.unpack("4B") if uflags & 2 else None
    target = state.user_data_target
    if target == "tags":
        if state.tag_cursor < len(state.tags) and color is not None:
            state.tags[state.tag_cursor].color = tuple(color[:3])  # type: ignore[assignment]
        state.tag_cursor += 1
    elif isinstance(target, Layer) and text and POSE_SCHEMA in text:
        target.pose = {"text": text}  # by frame index once the frames are known
    elif isinstance(target, dict) and text and SCHEMA in text:
        # foreign or damaged metadata must not make the picture unreadable
        with contextlib.suppress(FileFormatError):
            target["generation"] = GenerationRequest.from_json(text)


def _inflate(data: bytes, expected: int) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        out = decompressor.decompress(data, expected)
    except zlib.error as exc:
        raise FileFormatError(f"a cel's compressed pixels are corrupt ({exc}).") from exc
    return out


def _to_rgba(w: int, h: int, pixels: bytes, state: _State, background: bool) -> np.ndarray:
    if state.depth == 32:
        return np.frombuffer(pixels, dtype=np.uint8).reshape(h, w, 4).copy()
    if state.depth == 16:
        ga = np.frombuffer(pixels, dtype=np.uint8).reshape(h, w, 2)
        return np.dstack([ga[..., 0], ga[..., 0], ga[..., 0], ga[..., 1]])
    index = np.frombuffer(pixels, dtype=np.uint8).reshape(h, w)
    palette = state.palette if len(state.palette) else (state.old_palette or Palette())
    lut = np.zeros((256, 4), dtype=np.uint8)
    colors = palette.as_array()[:256]
    lut[: len(colors)] = colors
    if not background:
        lut[state.transparent] = 0
    return lut[index]


def _assemble(sprite: Sprite, state: _State, raw_cels: list[list[dict]]) -> None:
    """Turn the chunks read into document objects (image layers only, full-canvas cels)."""
    sprite.palette = state.palette if len(state.palette) else (state.old_palette or Palette())
    if sprite.indexed:
        _mark_transparent(sprite.palette, state)
        opacities = [e["opacity"] for cels in raw_cels for e in cels if "opacity" in e]
        # kept as indexed only where editing and saving again cannot lose a pixel
        sprite.indexed = can_save_indexed(sprite.palette) and all(o == 255 for o in opacities)
    sprite.layers = [la for i, (_t, la, _bg) in enumerate(state.layers)
                     if i not in state.reference_layers]  # fmt: skip
    if not any(not layer.group for layer in sprite.layers):
        raise FileFormatError("the file has no image layers.")
    n = len(sprite.frames)
    sprite.tags = [t for t in state.tags if 0 <= t.start <= t.end < n]
    for layer in sprite.layers:
        if layer.pose is not None:
            skeletons = read_pose_text(layer.pose.get("text", ""), n)
            layer.pose = {f.id: s for f, s in zip(sprite.frames, skeletons, strict=True) if s}
    images: dict[tuple[int, int], Cel] = {}
    for frame_index, cels in enumerate(raw_cels):
        for entry in cels:
            if entry["layer"] >= len(state.layers):
                raise FileFormatError("a cel refers to a layer that does not exist.")
            _type, layer, background = state.layers[entry["layer"]]
            if entry["layer"] in state.reference_layers:
                _reference(sprite, layer, entry, state)
                continue
            if layer.group:
                continue
            if "link" in entry:
                source = images.get((entry["layer"], entry["link"]))
                if source is None:
                    continue
                cel = source  # linked: the same image on both frames
            else:
                w, h = entry["size"]
                rgba = _to_rgba(w, h, entry["pixels"], state, background)
                if entry["opacity"] < 255:
                    scaled = rgba[..., 3].astype(np.uint16) * entry["opacity"] // 255
                    rgba[..., 3] = scaled.astype(np.uint8)
                cel = Cel(_place(rgba, entry["x"], entry["y"], sprite), entry.get("generation"))
            images[(entry["layer"], frame_index)] = cel
            sprite.cels[(layer.id, sprite.frames[frame_index].id)] = cel


def _place(rgba: np.ndarray, x: int, y: int, sprite: Sprite) -> np.ndarray:
    """Put a cel's pixels on a full-canvas image, clipping what lies outside."""
    canvas = sprite.blank()
    h, w = rgba.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, sprite.width), min(y + h, sprite.height)
    if x0 < x1 and y0 < y1:
        canvas[y0:y1, x0:x1] = rgba[y0 - y : y1 - y, x0 - x : x1 - x]
    return canvas


def _mark_transparent(palette: Palette, state: _State) -> None:
    """In an indexed file the transparent index is the mask colour of every layer but
    the background; give that entry alpha 0 so indexed edits keep it clear."""
    has_background = any(background for _t, _l, background in state.layers)
    clear = any(c[3] == 0 for c in palette.colors)
    if not clear and not has_background and state.transparent < len(palette):
        r, g, b, _a = palette.colors[state.transparent]
        palette.colors[state.transparent] = (r, g, b, 0)


def _reference(sprite: Sprite, layer: Layer, entry: dict, state: _State) -> None:
    """The first cel of a reference layer becomes the sprite's reference image."""
    if sprite.reference is None and "pixels" in entry:
        w, h = entry["size"]
        image = _to_rgba(w, h, entry["pixels"], state, False)
        bounds = entry.get("bounds", (float(entry["x"]), float(entry["y"]), float(w), float(h)))
        sprite.reference = Reference(image, layer.opacity, bounds, layer.visible)
