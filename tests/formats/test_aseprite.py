"""The native format: lossless round trip, an independent reader, hostile files."""

import struct
import zlib

import numpy as np
import pytest

from dgx_pixels_app.core.document import Direction, Sprite, Tag
from dgx_pixels_app.core.errors import FileAccessError, FileFormatError
from dgx_pixels_app.core.generation import GenerationRequest, LoraRef
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.layer_commands import SetLayerProperties
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats import aseprite
from tests.helpers import TOOLS, cel_pixels, random_cel, read_with_ase_parser


def rich_sprite() -> Sprite:
    sprite = Sprite.new(
        24, 16, layers=3, frames=3, palette=Palette([(1, 2, 3), (250, 128, 0, 200)], ["ink", ""])
    )
    for li, layer in enumerate(sprite.layers):
        for fi, frame in enumerate(sprite.frames):
            if (li, fi) != (1, 1):  # one empty cel
                sprite.cels[(layer.id, frame.id)] = random_cel(sprite, seed=li * 10 + fi)
    sprite.layers[0].name = "Background ✓"
    sprite.layers[1].opacity = 77
    sprite.layers[1].locked = True
    sprite.layers[2].visible = False
    for frame, ms in zip(sprite.frames, (100, 150, 65535), strict=True):
        frame.duration_ms = ms
    sprite.tags = [
        Tag("idle", 0, 0, Direction.FORWARD, (255, 0, 0)),
        Tag("walk", 1, 2, Direction.PINGPONG, (0, 200, 50)),
        Tag("back", 0, 2, Direction.REVERSE, (1, 2, 3)),
    ]
    sprite.cel_at(0, 0).generation = GenerationRequest(
        prompt="pixel art knight",
        negative_prompt="blurry",
        seed=1234,
        model="sdxl-base",
        loras=[LoraRef("/loras/pixel.safetensors", 0.8), LoraRef("x.safetensors", 0.5, False)],
        steps=4,
        cfg=6.5,
        width=1024,
        height=1024,
        extra={"future_field": [1, 2]},
    )
    return sprite


def assert_same(a: Sprite, b: Sprite) -> None:
    assert (a.width, a.height) == (b.width, b.height)
    assert [(la.name, la.visible, la.locked, la.opacity) for la in a.layers] == [
        (lb.name, lb.visible, lb.locked, lb.opacity) for lb in b.layers
    ]
    assert [f.duration_ms for f in a.frames] == [f.duration_ms for f in b.frames]
    assert [(t.name, t.start, t.end, t.direction, tuple(t.color)) for t in a.tags] == [
        (t.name, t.start, t.end, t.direction, tuple(t.color)) for t in b.tags
    ]
    assert a.palette.colors == b.palette.colors and a.palette.names == b.palette.names
    for li in range(len(a.layers)):
        for fi in range(len(a.frames)):
            ca, cb = a.cel_at(li, fi), b.cel_at(li, fi)
            assert (ca is None) == (cb is None), (li, fi)
            if ca is not None:
                assert np.array_equal(ca.image, cb.image), (li, fi)
                assert ca.generation == cb.generation


def test_round_trip_is_lossless(tmp_path):
    sprite = rich_sprite()
    path = tmp_path / "knight.aseprite"
    aseprite.save(sprite, path)
    again = aseprite.load(path)
    assert_same(sprite, again)
    assert again.cel_at(0, 0).generation.extra == {"future_field": [1, 2]}
    aseprite.save(again, tmp_path / "second.aseprite")
    assert (tmp_path / "second.aseprite").read_bytes() == path.read_bytes()


def test_independent_reader_sees_our_layers_frames_tags_palette_and_pixels(tmp_path):
    sprite = rich_sprite()
    path = tmp_path / "knight.aseprite"
    aseprite.save(sprite, path)
    parsed = read_with_ase_parser(path)
    assert (parsed["width"], parsed["height"], parsed["colorDepth"]) == (24, 16, 32)
    assert parsed["numFrames"] == 3
    assert [f["duration"] for f in parsed["frames"]] == [100, 150, 65535]
    assert [
        (la["name"], la["opacity"], la["flags"]["visible"], la["flags"]["editable"])
        for la in parsed["layers"]
    ] == [
        ("Background ✓", 255, True, True),
        ("Layer 2", 77, True, False),
        ("Layer 3", 255, False, True),
    ]
    assert [
        (t["name"], t["from"], t["to"], t["direction"], t["color"]) for t in parsed["tags"]
    ] == [
        ("idle", 0, 0, "Forward", "ff0000"),
        ("walk", 1, 2, "Ping-pong", "00c832"),
        ("back", 0, 2, "Reverse", "010203"),
    ]
    assert parsed["palette"] == [[1, 2, 3, 255], [250, 128, 0, 200]]
    for fi, frame in enumerate(parsed["frames"]):
        layers_seen = set()
        for cel in frame["cels"]:
            layers_seen.add(cel["layer"])
            ours = sprite.cel_at(cel["layer"], fi).image
            canvas = np.zeros_like(ours)
            canvas[cel["y"] : cel["y"] + cel["h"], cel["x"] : cel["x"] + cel["w"]] = cel_pixels(cel)
            assert np.array_equal(canvas, ours)
        expected = {li for li in range(3) if sprite.cel_at(li, fi) is not None}
        assert layers_seen == expected


def test_reads_an_indexed_file_made_by_aseprite():
    """ase-parser ships a file saved by Aseprite itself (indexed colour)."""
    path = TOOLS / "node_modules" / "ase-parser" / "indexed.aseprite"
    if not path.exists():
        pytest.skip("ase-parser not installed")
    sprite = aseprite.load(path)
    parsed = read_with_ase_parser(path)
    assert (sprite.width, sprite.height) == (parsed["width"], parsed["height"])
    assert [la.name for la in sprite.layers] == [la["name"] for la in parsed["layers"]]
    assert len(sprite.palette) == len(parsed["palette"])
    lut = np.array(parsed["palette"], dtype=np.uint8)
    seen_pixels = 0
    for cel in parsed["frames"][0]["cels"]:
        index = cel_pixels(cel, depth=8)[..., 0]
        y, x, h, w = cel["y"], cel["x"], cel["h"], cel["w"]
        ours = sprite.cel_at(cel["layer"], 0).image[y : y + h, x : x + w]
        opaque = index != 0  # index 0 is the transparent colour of this file
        assert np.array_equal(ours[..., 3] > 0, opaque)
        assert np.array_equal(ours[opaque][:, :3], lut[index][opaque][:, :3])
        seen_pixels += int(opaque.sum())
    assert seen_pixels > 1000


def test_opacity_and_visibility_survive_through_history(tmp_path):
    sprite = rich_sprite()
    history = History(sprite)
    history.push(SetLayerProperties(sprite.layers[0].id, opacity=10))
    aseprite.save(sprite, tmp_path / "a.aseprite")
    assert aseprite.load(tmp_path / "a.aseprite").layers[0].opacity == 10


def header(width=16, height=16, frames=1, magic=0xA5E0) -> bytes:
    return struct.pack(
        "<IHHHHHIH8xB3xHBBhhHH84x",
        0,
        magic,
        frames,
        width,
        height,
        32,
        1,
        100,
        0,
        0,
        1,
        1,
        0,
        0,
        16,
        16,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "too short"),
        (b"PNG" * 100, "not an Aseprite file"),
        (header(30000, 30000) + b"\0" * 64, "too large"),
        (header(0, 16) + b"\0" * 64, "empty"),
        (header(frames=0), "claims 0 frames"),
        (
            header() + struct.pack("<IHHH2xI", 1_000_000, 0xF1FA, 1, 100, 1),
            "frame header is corrupt",
        ),
    ],
)
def test_hostile_headers_are_refused_before_allocating(tmp_path, data, message):
    path = tmp_path / "bad.aseprite"
    path.write_bytes(data)
    with pytest.raises(FileFormatError, match=message):
        aseprite.load(path)


def test_truncated_and_corrupt_cels_are_refused(tmp_path):
    good = aseprite.to_bytes(rich_sprite())
    for cut in (200, len(good) // 2, len(good) - 3):
        (tmp_path / "cut.aseprite").write_bytes(good[:cut])
        with pytest.raises(FileFormatError):
            aseprite.load(tmp_path / "cut.aseprite")
    # a cel that claims 4000x4000 but inflates to a few bytes
    cel = struct.pack("<HhhBHh5xHH", 0, 0, 0, 255, 2, 0, 4000, 4000) + zlib.compress(b"\xff" * 16)
    layer = struct.pack("<HHHHHHB3xH", 3, 0, 0, 0, 0, 0, 255, 1) + b"L"
    chunks = [
        struct.pack("<IH", len(layer) + 6, 0x2004) + layer,
        struct.pack("<IH", len(cel) + 6, 0x2005) + cel,
    ]
    body = b"".join(chunks)
    frame = struct.pack("<IHHH2xI", 16 + len(body), 0xF1FA, 2, 100, 2) + body
    (tmp_path / "bomb.aseprite").write_bytes(header(4096, 4096) + frame)
    with pytest.raises(FileFormatError, match="truncated"):
        aseprite.load(tmp_path / "bomb.aseprite")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileAccessError, match="does not exist"):
        aseprite.load(tmp_path / "nope.aseprite")
    with pytest.raises(FileAccessError, match="folder"):
        aseprite.load(tmp_path)
