"""Commands that change a sprite's frames and their timing: insert, remove, move,
duplicate, durations and tags."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from dgx_pixels_app.core.commands import Command
from dgx_pixels_app.core.document import (
    MAX_DURATION_MS,
    MIN_DURATION_MS,
    Cel,
    Frame,
    Sprite,
    Tag,
)
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.limits import MAX_FRAMES


@dataclass
class InsertFrame(Command):
    """Insert a frame; tags at or after ``index`` shift so they keep their frames."""

    index: int
    frame: Frame
    cels: dict[int, Cel] = field(default_factory=dict)  # layer id -> cel
    label: str = "New Frame"
    _tags: list[Tag] | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if not 0 <= self.index <= len(sprite.frames):
            raise InvalidInputError(f"Frame position {self.index} is out of range.")
        if len(sprite.frames) >= MAX_FRAMES:
            raise InvalidInputError(f"A sprite holds at most {MAX_FRAMES} frames.")
        self._tags = copy.deepcopy(sprite.tags)
        sprite.frames.insert(self.index, self.frame)
        for layer_id, cel in self.cels.items():
            sprite.cels[(layer_id, self.frame.id)] = cel
        for tag in sprite.tags:
            if tag.start >= self.index:
                tag.start += 1
            if tag.end >= self.index:
                tag.end += 1
        sprite.events.emit(Change(ChangeKind.FRAMES, frame_id=self.frame.id))

    def revert(self, sprite: Sprite) -> None:
        sprite.frames.remove(self.frame)
        for layer_id in self.cels:
            sprite.cels.pop((layer_id, self.frame.id), None)
        sprite.tags = self._tags or []
        sprite.events.emit(Change(ChangeKind.FRAMES, frame_id=self.frame.id))

    @property
    def nbytes(self) -> int:
        return sum(c.image.nbytes for c in self.cels.values())


@dataclass
class RemoveFrame(Command):
    frame_id: int
    label: str = "Delete Frame"
    _snapshot: tuple | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if len(sprite.frames) <= 1:
            raise InvalidInputError("A sprite needs at least one frame.")
        index = sprite.frame_index(self.frame_id)
        frame = sprite.frames.pop(index)
        cels = {lid: c for (lid, fid), c in sprite.cels.items() if fid == self.frame_id}
        for lid in cels:
            del sprite.cels[(lid, self.frame_id)]
        self._snapshot = (index, frame, cels, copy.deepcopy(sprite.tags))
        kept = []
        for tag in sprite.tags:
            if tag.start == tag.end == index:
                continue
            tag.start -= tag.start > index
            tag.end -= tag.end >= index
            kept.append(tag)
        sprite.tags = kept
        sprite.events.emit(Change(ChangeKind.FRAMES, frame_id=self.frame_id))

    def revert(self, sprite: Sprite) -> None:
        assert self._snapshot is not None
        index, frame, cels, tags = self._snapshot
        sprite.frames.insert(index, frame)
        for lid, cel in cels.items():
            sprite.cels[(lid, frame.id)] = cel
        sprite.tags = tags
        sprite.events.emit(Change(ChangeKind.FRAMES, frame_id=self.frame_id))


@dataclass
class SetFrameDurations(Command):
    frame_ids: list[int]
    duration_ms: int
    label: str = "Frame Duration"
    _old: dict[int, int] = field(default_factory=dict, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if not MIN_DURATION_MS <= self.duration_ms <= MAX_DURATION_MS:
            raise InvalidInputError(
                f"A frame lasts {MIN_DURATION_MS} to {MAX_DURATION_MS} ms, not {self.duration_ms}."
            )
        for fid in self.frame_ids:
            frame = sprite.frames[sprite.frame_index(fid)]
            self._old[fid] = frame.duration_ms
            frame.duration_ms = self.duration_ms
        sprite.events.emit(Change(ChangeKind.FRAMES))

    def revert(self, sprite: Sprite) -> None:
        for fid, duration in self._old.items():
            sprite.frames[sprite.frame_index(fid)].duration_ms = duration
        sprite.events.emit(Change(ChangeKind.FRAMES))


@dataclass
class SetTags(Command):
    """Replace the tag list (add, edit and delete of tags all go through here)."""

    tags: list[Tag]
    label: str = "Tags"
    _old: list[Tag] = field(default_factory=list, repr=False)

    def apply(self, sprite: Sprite) -> None:
        for tag in self.tags:
            if not 0 <= tag.start <= tag.end < len(sprite.frames):
                raise InvalidInputError(
                    f"Tag '{tag.name}' covers frames {tag.start}-{tag.end}, but the sprite "
                    f"has frames 0-{len(sprite.frames) - 1}."
                )
        self._old = sprite.tags
        sprite.tags = copy.deepcopy(self.tags)
        sprite.events.emit(Change(ChangeKind.TAGS))

    def revert(self, sprite: Sprite) -> None:
        sprite.tags = self._old
        sprite.events.emit(Change(ChangeKind.TAGS))


@dataclass
class MoveFrame(Command):
    """Reorder a frame (tags keep their frame numbers, as in Aseprite)."""

    frame_id: int
    to_index: int
    label: str = "Move Frame"
    _from: int = field(default=0, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if not 0 <= self.to_index < len(sprite.frames):
            raise InvalidInputError(f"Frame position {self.to_index} is out of range.")
        self._from = sprite.frame_index(self.frame_id)
        sprite.frames.insert(self.to_index, sprite.frames.pop(self._from))
        sprite.events.emit(Change(ChangeKind.FRAMES, frame_id=self.frame_id))

    def revert(self, sprite: Sprite) -> None:
        sprite.frames.insert(self._from, sprite.frames.pop(sprite.frame_index(self.frame_id)))
        sprite.events.emit(Change(ChangeKind.FRAMES, frame_id=self.frame_id))


def duplicate_frame_command(sprite: Sprite, frame_id: int) -> InsertFrame:
    index = sprite.frame_index(frame_id)
    source = sprite.frames[index]
    cels = {
        lid: Cel(cel.image.copy(), copy.deepcopy(cel.generation))
        for (lid, fid), cel in sprite.cels.items()
        if fid == frame_id
    }
    return InsertFrame(index + 1, Frame(source.duration_ms), cels, label="Duplicate Frame")
