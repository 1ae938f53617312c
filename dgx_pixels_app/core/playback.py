"""Animation playback order and timing, Qt-free: the GUI's timer, the GIF/APNG
writers and the exporters all ask this module what plays next."""

from __future__ import annotations

from dgx_pixels_app.core.document import Direction, Sprite, Tag
from dgx_pixels_app.core.errors import InvalidInputError


def find_tag(sprite: Sprite, name: str | None) -> Tag | None:
    if name is None:
        return None
    for tag in sprite.tags:
        if tag.name == name:
            return tag
    names = ", ".join(t.name for t in sprite.tags) or "none"
    raise InvalidInputError(f"No tag '{name}' in this sprite (tags: {names}).")


def sequence(sprite: Sprite, tag: Tag | None = None) -> list[int]:
    """Frame indices of one loop: the whole sprite forward, or a tag in its direction.
    Ping-pong plays there and back without repeating the end frames (Aseprite's way)."""
    start, end = (tag.start, tag.end) if tag else (0, len(sprite.frames) - 1)
    frames = list(range(start, end + 1))
    direction = tag.direction if tag else Direction.FORWARD
    if direction == Direction.REVERSE:
        return frames[::-1]
    if direction == Direction.PINGPONG:
        return frames + frames[-2:0:-1]
    return frames


class Player:
    """Steps through a sequence; ``advance`` returns the next frame index to show."""

    def __init__(
        self, sprite: Sprite, tag: Tag | None = None, loop: bool = True, speed: float = 1.0
    ) -> None:
        self.sprite = sprite
        self.order = sequence(sprite, tag)
        self.loop = loop
        self.speed = speed
        self.position = 0
        self.finished = False

    @property
    def frame(self) -> int:
        return self.order[self.position]

    def delay_ms(self) -> int:
        """How long the current frame stays on screen."""
        return max(1, int(self.sprite.frames[self.frame].duration_ms / self.speed))

    def advance(self) -> int:
        if self.position + 1 < len(self.order):
            self.position += 1
        elif self.loop:
            self.position = 0
        else:
            self.finished = True
        return self.frame
