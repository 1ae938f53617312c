"""Headers that claim 2³¹ pixels (or more) are refused before anything is allocated."""

from __future__ import annotations

import io
import resource
import struct

import pytest
from PIL import Image

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.formats.documents import open_document
from tests.formats.test_images import png_header_only


def _gif(width: int, height: int) -> bytes:
    small = io.BytesIO()
    Image.new("P", (4, 4)).save(small, format="GIF")
    data = bytearray(small.getvalue())
    data[6:10] = struct.pack("<HH", width, height)  # the logical screen
    return bytes(data)


def _bmp(width: int, height: int) -> bytes:
    small = io.BytesIO()
    Image.new("RGB", (4, 4)).save(small, format="BMP")
    data = bytearray(small.getvalue())
    data[18:26] = struct.pack("<ii", width, height)
    return bytes(data)


def _aseprite(width: int, height: int, tmp_path) -> bytes:
    from dgx_pixels_app.core.document import Sprite
    from dgx_pixels_app.formats import aseprite

    aseprite.save(Sprite.new(4, 4), tmp_path / "small.aseprite")
    data = bytearray((tmp_path / "small.aseprite").read_bytes())
    data[8:12] = struct.pack("<HH", width, height)  # header: frames, width, height at 6, 8, 10
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("huge.png", lambda t: png_header_only(65535, 65535)),
        ("huge.png", lambda t: png_header_only(2**31 - 1, 2)),
        ("huge.gif", lambda t: _gif(65535, 65535)),
        ("huge.bmp", lambda t: _bmp(60000, 60000)),
        ("huge.aseprite", lambda t: _aseprite(65535, 65535, t)),
    ],
)
def test_giant_headers_are_refused_before_allocating(tmp_path, name, build):
    path = tmp_path / name
    path.write_bytes(build(tmp_path))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DgxPixelsError) as refused:
        open_document(path)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 64, f"{grown_mib:.0f} MiB allocated for a file that was refused"
    assert str(refused.value)
