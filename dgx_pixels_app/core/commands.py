"""Every mutation of a sprite is a command with ``apply`` and ``revert``.

Pixel edits store only the dirty rectangle before and after, so a long session
of strokes stays small and each undo costs its rectangle. The GUI, the CLI and
tests all push the same commands onto a :class:`~dgx_pixels_app.core.history.History`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

import numpy as np

from dgx_pixels_app.core.document import (
    MAX_DURATION_MS,
    MIN_DURATION_MS,
    Cel,
    Frame,
    Layer,
    Sprite,
    Tag,
)
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.palette import Palette


class Command:
    label = "Edit"

    def apply(self, sprite: Sprite) -> None:
        raise NotImplementedError

    def revert(self, sprite: Sprite) -> None:
        raise NotImplementedError

    @property
    def nbytes(self) -> int:
        """Memory this command keeps alive in the history."""
        return 64


@dataclass
class Group(Command):
    """Several commands undone and redone as one step."""

    commands: list[Command]
    label: str = "Edit"

    def apply(self, sprite: Sprite) -> None:
        for command in self.commands:
            command.apply(sprite)

    def revert(self, sprite: Sprite) -> None:
        for command in reversed(self.commands):
            command.revert(sprite)

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.commands)


@dataclass
class PatchPixels(Command):
    """Replace a rectangle of one cel; ``before is None`` means the cel was empty."""

    layer_id: int
    frame_id: int
    x: int
    y: int
    before: np.ndarray | None
    after: np.ndarray
    label: str = "Draw"

    @classmethod
    def build(
        cls,
        sprite: Sprite,
        layer_id: int,
        frame_id: int,
        x: int,
        y: int,
        after: np.ndarray,
        label: str = "Draw",
    ) -> PatchPixels:
        h, w = after.shape[:2]
        if (
            x < 0
            or y < 0
            or x + w > sprite.width
            or y + h > sprite.height
            or after.shape[2:] != (4,)
        ):
            raise InvalidInputError(
                f"A {w}x{h} patch at ({x}, {y}) does not fit the {sprite.width}x{sprite.height} sprite."
            )
        cel = sprite.cel(layer_id, frame_id)
        before = None if cel is None else cel.image[y : y + h, x : x + w].copy()
        return cls(layer_id, frame_id, x, y, before, after.astype(np.uint8, copy=True), label)

    def _write(self, sprite: Sprite, pixels: np.ndarray | None) -> None:
        key = (self.layer_id, self.frame_id)
        h, w = self.after.shape[:2]
        if pixels is None:
            sprite.cels.pop(key, None)
        else:
            cel = sprite.cels.get(key)
            if cel is None:
                cel = sprite.cels[key] = Cel(sprite.blank())
            cel.image[self.y : self.y + h, self.x : self.x + w] = pixels
        sprite.events.emit(
            Change(ChangeKind.PIXELS, self.layer_id, self.frame_id, (self.x, self.y, w, h))
        )

    def apply(self, sprite: Sprite) -> None:
        self._write(sprite, self.after)

    def revert(self, sprite: Sprite) -> None:
        self._write(sprite, self.before)

    @property
    def nbytes(self) -> int:
        return self.after.nbytes * (1 if self.before is None else 2)


def set_pixel(
    sprite: Sprite, layer_id: int, frame_id: int, x: int, y: int, rgba: tuple[int, int, int, int]
) -> PatchPixels:
    """The command that paints one pixel (used by tests and scripts)."""
    return PatchPixels.build(
        sprite, layer_id, frame_id, x, y, np.array([[rgba]], dtype=np.uint8), label="Pencil"
    )


@dataclass
class SetCel(Command):
    """Put a whole cel (or ``None`` to clear it), e.g. a generated image with its metadata."""

    layer_id: int
    frame_id: int
    cel: Cel | None
    label: str = "Set Cel"
    _old: Cel | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        key = (self.layer_id, self.frame_id)
        self._old = sprite.cels.get(key)
        if self.cel is None:
            sprite.cels.pop(key, None)
        else:
            if self.cel.image.shape != (sprite.height, sprite.width, 4):
                raise InvalidInputError("A cel's image must cover the whole sprite.")
            sprite.cels[key] = self.cel
        sprite.events.emit(Change(ChangeKind.PIXELS, self.layer_id, self.frame_id))

    def revert(self, sprite: Sprite) -> None:
        key = (self.layer_id, self.frame_id)
        if self._old is None:
            sprite.cels.pop(key, None)
        else:
            sprite.cels[key] = self._old
        sprite.events.emit(Change(ChangeKind.PIXELS, self.layer_id, self.frame_id))

    @property
    def nbytes(self) -> int:
        return sum(c.image.nbytes for c in (self.cel, self._old) if c is not None)


@dataclass
class InsertLayer(Command):
    index: int
    layer: Layer
    cels: dict[int, Cel] = field(default_factory=dict)  # frame id -> cel
    label: str = "New Layer"

    def apply(self, sprite: Sprite) -> None:
        if not 0 <= self.index <= len(sprite.layers):
            raise InvalidInputError(f"Layer position {self.index} is out of range.")
        sprite.layers.insert(self.index, self.layer)
        for frame_id, cel in self.cels.items():
            sprite.cels[(self.layer.id, frame_id)] = cel
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer.id))

    def revert(self, sprite: Sprite) -> None:
        sprite.layers.remove(self.layer)
        for frame_id in self.cels:
            sprite.cels.pop((self.layer.id, frame_id), None)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer.id))

    @property
    def nbytes(self) -> int:
        return sum(c.image.nbytes for c in self.cels.values())


@dataclass
class RemoveLayer(Command):
    layer_id: int
    label: str = "Delete Layer"
    _undo: InsertLayer | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if len(sprite.layers) <= 1:
            raise InvalidInputError("A sprite needs at least one layer.")
        index = sprite.layer_index(self.layer_id)
        layer = sprite.layers[index]
        cels = {fid: c for (lid, fid), c in sprite.cels.items() if lid == self.layer_id}
        self._undo = InsertLayer(index, layer, cels)
        self._undo.revert(sprite)

    def revert(self, sprite: Sprite) -> None:
        assert self._undo is not None
        self._undo.apply(sprite)

    @property
    def nbytes(self) -> int:
        return self._undo.nbytes if self._undo else 64


@dataclass
class SetLayerProperties(Command):
    layer_id: int
    name: str | None = None
    visible: bool | None = None
    locked: bool | None = None
    opacity: int | None = None
    label: str = "Layer Properties"
    _old: Layer | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        layer = sprite.layer(self.layer_id)
        self._old = replace(layer)
        if self.opacity is not None and not 0 <= self.opacity <= 255:
            raise InvalidInputError("Layer opacity must be between 0 and 255.")
        for name in ("name", "visible", "locked", "opacity"):
            value = getattr(self, name)
            if value is not None:
                setattr(layer, name, value)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))

    def revert(self, sprite: Sprite) -> None:
        layer = sprite.layer(self.layer_id)
        assert self._old is not None
        for name in ("name", "visible", "locked", "opacity"):
            setattr(layer, name, getattr(self._old, name))
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))


@dataclass
class MoveLayer(Command):
    layer_id: int
    to_index: int
    label: str = "Move Layer"
    _from: int = field(default=0, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if not 0 <= self.to_index < len(sprite.layers):
            raise InvalidInputError(f"Layer position {self.to_index} is out of range.")
        self._from = sprite.layer_index(self.layer_id)
        sprite.layers.insert(self.to_index, sprite.layers.pop(self._from))
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))

    def revert(self, sprite: Sprite) -> None:
        sprite.layers.insert(self._from, sprite.layers.pop(sprite.layer_index(self.layer_id)))
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))


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
class SetPalette(Command):
    palette: Palette
    label: str = "Palette"
    _old: Palette | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        self._old = sprite.palette
        sprite.palette = self.palette.copy()
        sprite.events.emit(Change(ChangeKind.PALETTE))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        sprite.palette = self._old
        sprite.events.emit(Change(ChangeKind.PALETTE))


@dataclass
class ReplaceCanvas(Command):
    """Change the sprite's size and swap in new cels for it (pixelize, resize, crop).

    ``cels`` maps (layer id, frame id) to the new cels; every cel not listed is
    dropped. Undo restores the old size and cels exactly.
    """

    width: int
    height: int
    cels: dict[tuple[int, int], Cel]
    label: str = "Resize Canvas"
    _old: tuple | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        from dgx_pixels_app.core.limits import check_size

        check_size(self.width, self.height, what="Sprite")
        for cel in self.cels.values():
            if cel.image.shape != (self.height, self.width, 4):
                raise InvalidInputError("Every new cel must have the new canvas size.")
        self._old = (sprite.width, sprite.height, sprite.cels)
        sprite.width, sprite.height = self.width, self.height
        sprite.cels = dict(self.cels)
        sprite.events.emit(Change(ChangeKind.LAYERS))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        sprite.width, sprite.height, sprite.cels = self._old
        sprite.events.emit(Change(ChangeKind.LAYERS))

    @property
    def nbytes(self) -> int:
        old = self._old[2].values() if self._old else []
        return sum(c.image.nbytes for c in self.cels.values()) + sum(c.image.nbytes for c in old)


def patch_between(
    sprite: Sprite,
    layer_id: int,
    frame_id: int,
    before: np.ndarray | None,
    after: np.ndarray,
    label: str,
) -> PatchPixels | None:
    """One PatchPixels covering exactly what differs between two whole-cel images
    (``before is None``: the cel was empty). None when nothing changed."""
    reference = before if before is not None else np.zeros_like(after)
    changed = (reference != after).any(axis=2)
    rows = np.flatnonzero(changed.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(changed.any(axis=0))
    x0, x1, y0, y1 = int(cols[0]), int(cols[-1]) + 1, int(rows[0]), int(rows[-1]) + 1
    old = None if before is None else before[y0:y1, x0:x1].copy()
    return PatchPixels(layer_id, frame_id, x0, y0, old, after[y0:y1, x0:x1].copy(), label)


def duplicate_layer_command(sprite: Sprite, layer_id: int) -> InsertLayer:
    index = sprite.layer_index(layer_id)
    source = sprite.layers[index]
    layer = Layer(f"{source.name} copy", source.visible, False, source.opacity)
    cels = {
        fid: Cel(cel.image.copy(), copy.deepcopy(cel.generation))
        for (lid, fid), cel in sprite.cels.items()
        if lid == layer_id
    }
    return InsertLayer(index + 1, layer, cels, label="Duplicate Layer")


def merge_down_command(sprite: Sprite, layer_id: int) -> Group:
    """Composite a layer (with its opacity) onto the one below, frame by frame."""
    index = sprite.layer_index(layer_id)
    if index == 0:
        raise InvalidInputError("There is no layer below to merge into.")
    top, below = sprite.layers[index], sprite.layers[index - 1]
    if below.locked:
        raise InvalidInputError(f"Layer '{below.name}' is locked.")
    commands: list[Command] = []
    for frame in sprite.frames:
        upper = sprite.cel(top.id, frame.id)
        if upper is None or not top.visible:
            continue
        lower = sprite.cel(below.id, frame.id)
        probe = Sprite(sprite.width, sprite.height)
        probe.frames = [Frame()]
        probe.layers = [Layer("b", True, False, 255), Layer("t", True, False, top.opacity)]
        if lower is not None:
            probe.cels[(probe.layers[0].id, probe.frames[0].id)] = Cel(lower.image)
        probe.cels[(probe.layers[1].id, probe.frames[0].id)] = Cel(upper.image)
        merged = probe.composite(0)
        commands.append(
            SetCel(below.id, frame.id, Cel(merged, lower.generation if lower else upper.generation))
        )
    commands.append(RemoveLayer(layer_id))
    return Group(commands, label="Merge Down")


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
