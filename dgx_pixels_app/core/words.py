"""Words in messages: "1 frame", "2 frames", never "1 frames" or "frame(s)"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
