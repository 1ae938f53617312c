"""Every reader of user files, fed damaged copies of valid files (truncation, byte flips,
huge sizes in headers, inserted and duplicated chunks): it opens the file or raises the
app's own error with a message — no other exception, no hang.

    bash packaging/bootstrap.sh test tests/fuzz                              # ~200 per reader
    bash packaging/bootstrap.sh test tests/fuzz --hypothesis-profile=long    # thousands
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from dgx_pixels_app.core.document import Direction, Sprite, Tag
from dgx_pixels_app.core.errors import DgxPixelsError
from tests.helpers import random_cel

MAX_SECONDS = 5.0  # one read of a small damaged file; more is a hang
HUGE = [b"\xff\xff\xff\xff", b"\xff\xff\xff\x7f", b"\x00\x00\x01\x00", b"\xff\xff", b"\x00\x80"]


@st.composite
def damage(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for op in draw(
        st.lists(st.sampled_from(["flip", "cut", "huge", "insert", "dup"]), min_size=1, max_size=4)
    ):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        if op == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            out = out[:at]
        elif op == "huge":
            value = draw(st.sampled_from(HUGE))
            out[at : at + len(value)] = value
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            length = draw(st.integers(1, 256))
            out[at:at] = out[at : at + length]
    return bytes(out)


def _sprite() -> Sprite:
    sprite = Sprite.new(12, 10, layers=2, frames=3)
    for layer in sprite.layers:
        for i, frame in enumerate(sprite.frames):
            sprite.cels[(layer.id, frame.id)] = random_cel(sprite, i)
    sprite.tags = [Tag("walk", 0, 2, Direction.PINGPONG)]
    return sprite


def _image_bytes(kind: str) -> bytes:
    rng = np.random.default_rng(3)
    frames = [
        Image.fromarray(rng.integers(0, 255, (10, 12, 4), dtype=np.uint8), "RGBA") for _ in range(3)
    ]
    out = io.BytesIO()
    if kind == "gif":
        frames[0].save(
            out,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=[70, 80, 90],
            loop=0,
        )
    elif kind == "apng":
        frames[0].save(
            out, format="PNG", save_all=True, append_images=frames[1:], duration=[70, 80, 90]
        )
    elif kind == "jpeg":
        frames[0].convert("RGB").save(out, format="JPEG")
    else:
        frames[0].save(out, format={"png": "PNG", "webp": "WEBP", "bmp": "BMP"}[kind])
    return out.getvalue()


def _samples(folder: Path) -> dict[str, tuple[str, bytes]]:
    """name -> (file name to write, valid bytes)."""
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.sheet import SheetOptions
    from dgx_pixels_app.formats.sheet_json import write_sheet_files

    aseprite.save(_sprite(), folder / "a.aseprite")
    write_sheet_files(_sprite(), SheetOptions(columns=2), folder / "sheet.png")
    from safetensors.numpy import save

    tensors = {"lora_unet_down_blocks_0_attn.lora_down.weight": np.ones((4, 8), np.float32),
               "lora_unet_down_blocks_0_attn.lora_up.weight": np.ones((8, 4), np.float32)}  # fmt: skip
    return {
        "aseprite": ("x.aseprite", (folder / "a.aseprite").read_bytes()),
        **{
            kind: (f"x.{kind if kind != 'apng' else 'png'}", _image_bytes(kind))
            for kind in ("png", "gif", "apng", "jpeg", "webp", "bmp")
        },  # fmt: skip
        "sheet-json": ("sheet.json", (folder / "sheet.json").read_bytes()),
        "gpl": (
            "x.gpl",
            b"GIMP Palette\nName: t\nColumns: 4\n#\n  0   0   0\tblack\n255 255 255\twhite\n",
        ),
        "hex": ("x.hex", b"000000\nffffff\nff004d\n"),
        "pal": ("x.pal", b"JASC-PAL\r\n0100\r\n2\r\n0 0 0\r\n255 255 255\r\n"),
        "toml": (
            "x.toml",
            b'[[kind]]\nid = "item"\nlabel = "Item"\nprompt = "{subject}"\nwidth = 1024\n',
        ),
        "safetensors": ("x.safetensors", save(tensors, metadata={"ss_network_dim": "4"})),
        "items-csv": ("items.csv", b'name,prompt,count\nsword,"iron sword, shiny",2\n,potion,\n'),
        "items-json": ("items.json", json.dumps([{"prompt": "a", "count": 2}, "b"]).encode()),
        "manifest": (
            "manifest.json",
            json.dumps(
                {
                    "schema": "dgx-pixels/batch@1",
                    "plan": {},
                    "images": [{"file": "a.png", "index": 0, "status": "done"}],
                }
            ).encode(),
        ),  # fmt: skip
    }


def _reader(name: str):
    from dgx_pixels_app.engine.safety import safetensors_header
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.formats.palettes import load_palette
    from dgx_pixels_app.jobs.items import read_items
    from dgx_pixels_app.jobs.manifest import Manifest
    from dgx_pixels_app.resources import load_toml

    if name in ("gpl", "hex", "pal"):
        return load_palette
    return {"toml": load_toml, "safetensors": safetensors_header, "items-csv": read_items,
            "items-json": read_items, "manifest": Manifest.load}.get(name, open_document)  # fmt: skip


FOLDER = Path(__import__("tempfile").mkdtemp(prefix="dgx-fuzz-"))
SAMPLES = _samples(FOLDER)


def _check(name: str, data: bytes) -> None:
    file_name, _ = SAMPLES[name]
    path = FOLDER / name / file_name
    path.parent.mkdir(exist_ok=True)
    if name == "sheet-json":
        (path.parent / "sheet.png").write_bytes((FOLDER / "sheet.png").read_bytes())
    path.write_bytes(data)
    start = time.perf_counter()
    try:
        _reader(name)(Path(path))
    except DgxPixelsError as exc:
        assert str(exc), "an error without a message"
    assert time.perf_counter() - start < MAX_SECONDS


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_valid_samples_open(name):
    _check(name, SAMPLES[name][1])


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_damaged_files_open_or_say_why(name):
    @given(damage(SAMPLES[name][1]))
    def run(data):
        _check(name, data)

    run()


@given(damage(SAMPLES["png"][1]))
def test_damaged_sheet_image_behind_valid_json(data):
    (FOLDER / "sheet-png").mkdir(exist_ok=True)
    (FOLDER / "sheet-png" / "sheet.json").write_bytes(SAMPLES["sheet-json"][1])
    (FOLDER / "sheet-png" / "sheet.png").write_bytes(data)
    from dgx_pixels_app.formats.documents import open_document

    with contextlib.suppress(DgxPixelsError):
        open_document(FOLDER / "sheet-png" / "sheet.json")


@given(st.binary(max_size=512))
def test_damaged_settings_fall_back_to_defaults(data):
    from dgx_pixels_app.settings import Settings, load_settings, settings_path

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    assert isinstance(load_settings(), Settings)
