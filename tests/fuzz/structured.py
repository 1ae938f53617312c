"""Structure-aware damage: mutations that keep a file's framing valid (PNG chunk CRCs
recomputed, zlib streams re-compressed, ``.aseprite`` chunk, frame and file sizes
kept consistent) so they get past the checksums and reach the decoders' real logic
— where random byte flips almost never arrive (1 damaged PNG in 200 got past the
CRC check before)."""

from __future__ import annotations

import struct
import zlib

from hypothesis import strategies as st

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VALUES = [0, 1, 2, 3, 7, 8, 15, 16, 31, 255, 256, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]


# -- PNG and APNG ---------------------------------------------------------------------
def png_chunks(data: bytes) -> list[list]:
    chunks, at = [], len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks.append([kind, data[at + 8 : at + 8 + length]])
        at += 12 + length
    return chunks


def png_build(chunks: list[list]) -> bytes:
    out = bytearray(PNG_SIGNATURE)
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return bytes(out)


def _flip(draw, body: bytes, most: int = 4) -> bytes:
    if not body:
        return body
    out = bytearray(body)
    for _ in range(draw(st.integers(1, most))):
        at = draw(st.integers(0, len(out) - 1))
        out[at] = draw(st.sampled_from([0, 1, 0x7F, 0x80, 0xFF, out[at] ^ 0x01, out[at] ^ 0x10]))
    return bytes(out)


def _put(draw, body: bytes) -> bytes:
    """A meaningful integer (0, 1, 255, 0xFFFF, 2³¹…) at a field-sized place."""
    if len(body) < 4:
        return _flip(draw, body)
    size = draw(st.sampled_from([1, 2, 4]))
    at = draw(st.integers(0, len(body) - size))
    value = draw(st.sampled_from(VALUES)) & ((1 << (8 * size)) - 1)
    return (
        body[:at]
        + value.to_bytes(size, draw(st.sampled_from(["little", "big"])))
        + body[at + size :]
    )


def _image_stream(draw, chunks: list[list]) -> None:
    """Damage the pixels themselves: the IDAT stream (or an fdAT's) decompressed, changed,
    re-compressed — filter bytes, truncation, extra rows."""
    kinds = [i for i, c in enumerate(chunks) if c[0] in (b"IDAT", b"fdAT")]
    if not kinds:
        return
    i = draw(st.sampled_from(kinds))
    prefix = chunks[i][1][:4] if chunks[i][0] == b"fdAT" else b""
    if chunks[i][0] == b"IDAT":
        ids = [j for j in kinds if chunks[j][0] == b"IDAT"]
        stream = b"".join(chunks[j][1] for j in ids)
        for j in reversed(ids[1:]):
            del chunks[j]
        i = ids[0]
    else:
        stream = chunks[i][1][4:]
    try:
        raw = zlib.decompress(stream)
    except zlib.error:
        return
    op = draw(st.sampled_from(["flip", "cut", "grow"]))
    if op == "flip":
        raw = _flip(draw, raw, 8)
    elif op == "cut":
        raw = raw[: draw(st.integers(0, len(raw)))]
    else:
        raw += raw[: draw(st.integers(1, 64))]
    chunks[i][1] = prefix + zlib.compress(raw)


@st.composite
def png_damage(draw, data: bytes) -> bytes:
    chunks = png_chunks(data)
    for op in draw(st.lists(st.sampled_from(["pixels", "field", "flip", "drop", "dup", "swap"]),
                            min_size=1, max_size=3)):  # fmt: skip
        i = draw(st.integers(0, len(chunks) - 1))
        if op == "pixels":
            _image_stream(draw, chunks)
        elif op == "field":  # IHDR sizes, depth, colour type; acTL/fcTL counts, offsets, delays
            chunks[i][1] = _put(draw, chunks[i][1])
        elif op == "flip":
            chunks[i][1] = _flip(draw, chunks[i][1])
        elif op == "drop" and chunks[i][0] not in (b"IHDR", b"IEND"):
            del chunks[i]
        elif op == "dup":
            chunks.insert(i, list(chunks[i]))
        elif op == "swap" and 0 < i < len(chunks) - 1:
            chunks[i], chunks[i + 1] = chunks[i + 1], chunks[i]
    return png_build(chunks)


# -- .aseprite --------------------------------------------------------------------------
def ase_frames(data: bytes) -> tuple[bytes, list[tuple[bytes, list[list]]]]:
    """(the 128-byte header, [(frame header, [[type, body], …]), …])."""
    header, frames, at = data[:128], [], 128
    while at + 16 <= len(data):
        size = struct.unpack("<I", data[at : at + 4])[0]
        frame_header, chunks, c = data[at : at + 16], [], at + 16
        while c + 6 <= at + size:
            length, kind = struct.unpack("<IH", data[c : c + 6])
            chunks.append([kind, data[c + 6 : c + length]])
            c += max(length, 6)
        frames.append((frame_header, chunks))
        at += max(size, 16)
    return header, frames


def ase_build(header: bytes, frames) -> bytes:
    out = bytearray()
    for frame_header, chunks in frames:
        body = b"".join(struct.pack("<IH", len(b) + 6, k) + b for k, b in chunks)
        count = min(len(chunks), 0xFFFF)
        out += struct.pack("<I", 16 + len(body)) + frame_header[4:6] + struct.pack("<H", count)
        out += frame_header[8:12] + struct.pack("<I", len(chunks)) + body
    return struct.pack("<I", 128 + len(out)) + header[4:] + bytes(out)


def _cel(draw, body: bytes) -> bytes:
    """A compressed cel's pixels changed and re-compressed, or its size fields changed."""
    if len(body) < 20 or struct.unpack("<H", body[7:9])[0] != 2:
        return _put(draw, body)
    head, stream = body[:20], body[20:]
    if draw(st.booleans()):
        return _put(draw, head) + stream
    try:
        pixels = zlib.decompress(stream)
    except zlib.error:
        return body
    pixels = (
        pixels[: draw(st.integers(0, len(pixels)))]
        if draw(st.booleans())
        else _flip(draw, pixels, 8)
    )
    return head + zlib.compress(pixels)


KINDS = [
    0x0004,
    0x0011,
    0x2004,
    0x2005,
    0x2006,
    0x2007,
    0x2016,
    0x2018,
    0x2019,
    0x2020,
    0x2022,
    0x2023,
]


@st.composite
def ase_damage(draw, data: bytes) -> bytes:
    header, frames = ase_frames(data)
    frames = [(h, [list(c) for c in chunks]) for h, chunks in frames]
    for op in draw(st.lists(st.sampled_from(["cel", "field", "header", "kind", "drop", "dup", "cut"]),
                            min_size=1, max_size=3)):  # fmt: skip
        _, chunks = frames[draw(st.integers(0, len(frames) - 1))]
        if op == "header":
            header = header[:4] + _put(draw, header[4:44]) + header[44:]
            continue
        if not chunks:
            continue
        i = draw(st.integers(0, len(chunks) - 1))
        if op == "cel":
            cels = [c for c in chunks if c[0] == 0x2005] or [chunks[i]]
            target = draw(st.sampled_from(cels))
            target[1] = _cel(draw, target[1])
        elif op == "field":  # layer flags, blend, opacity, name lengths; tag ranges…
            chunks[i][1] = _put(draw, chunks[i][1])
        elif op == "kind":
            chunks[i][0] = draw(st.sampled_from(KINDS))
        elif op == "drop":
            del chunks[i]
        elif op == "dup":
            chunks.insert(i, list(chunks[i]))
        else:  # the chunk's body cut short, its size still consistent
            chunks[i][1] = chunks[i][1][: draw(st.integers(0, len(chunks[i][1])))]
    return ase_build(header, frames)
