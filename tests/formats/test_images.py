import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.core.errors import FileAccessError, FileFormatError
from dgx_pixels_app.formats.documents import open_document, save_document
from dgx_pixels_app.formats.images import read_rgba


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size but whose pixel data is tiny."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 10))
        + chunk(b"IEND", b"")
    )


def test_png_opens_as_one_frame_sprite_and_saves_back(tmp_path):
    rgba = np.zeros((5, 7, 4), np.uint8)
    rgba[1, 2] = (10, 20, 30, 255)
    rgba[4, 6] = (200, 100, 50, 128)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "hero.png")
    sprite = open_document(tmp_path / "hero.png")
    assert (sprite.width, sprite.height, len(sprite.frames), len(sprite.layers)) == (7, 5, 1, 1)
    assert sprite.layers[0].name == "hero"
    save_document(sprite, tmp_path / "out.png")
    back = np.asarray(Image.open(tmp_path / "out.png").convert("RGBA"))
    assert np.array_equal(back, rgba)


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", FileFormatError, "empty"),
        (b"this is not an image at all", FileFormatError, "not an image"),
        (png_header_only(30000, 30000), FileFormatError, "too large"),
        (png_header_only(64, 64), FileFormatError, "corrupt or truncated"),
    ],
)
def test_bad_images_are_refused_cleanly(tmp_path, content, error, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        read_rgba(path)


def test_unknown_extension_and_missing_file(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(FileFormatError, match="opens .aseprite"):
        open_document(tmp_path / "notes.txt")
    with pytest.raises(FileAccessError):
        open_document(tmp_path / "missing.png")
