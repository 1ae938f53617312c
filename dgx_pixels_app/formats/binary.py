"""A bounds-checked little-endian reader: a truncated file is an error, never a crash."""

from __future__ import annotations

import struct

from dgx_pixels_app.core.errors import FileFormatError


class Reader:
    def __init__(self, data: bytes | memoryview, what: str = "file") -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.what = what

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise FileFormatError(
                f"The {self.what} is truncated or corrupt (needed {n} more bytes)."
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def skip(self, n: int) -> None:
        self.take(n)

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))

    def byte(self) -> int:
        return self.unpack("B")[0]

    def word(self) -> int:
        return self.unpack("H")[0]

    def short(self) -> int:
        return self.unpack("h")[0]

    def dword(self) -> int:
        return self.unpack("I")[0]

    def string(self) -> str:
        length = self.word()
        return bytes(self.take(length)).decode("utf-8", errors="replace")


def pack_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) > 0xFFFF:
        raise FileFormatError("A name or text is longer than the 65535 bytes the format allows.")
    return struct.pack("<H", len(raw)) + raw
