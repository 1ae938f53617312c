"""Every mutation of a sprite is a command with ``apply`` and ``revert``.

Pixel edits store only the dirty rectangle before and after, so a long session
of strokes stays small and each undo costs its rectangle. The GUI, the CLI and
tests all push the same commands onto a :class:`~dgx_pixels_app.core.history.History`.

This module holds the base (:class:`Command`, :class:`Group`) and the commands that
change pixels, cels, the palette and the canvas; those that change layers are in
``layer_commands``, frames, durations and tags in ``frame_commands``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from dgx_pixels_app.core.document import (
    Cel,
    Sprite,
)
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.indexed import check_palette, conform, remap
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
        """All or nothing: a step that fails takes back the steps before it."""
        done: list[Command] = []
        try:
            for command in self.commands:
                command.apply(sprite)
                done.append(command)
        except Exception:
            for command in reversed(done):
                command.revert(sprite)
            raise

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
            if sprite.indexed:
                pixels = conform(pixels, sprite.palette)
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
            if sprite.indexed:
                self.cel.image[...] = conform(self.cel.image, sprite.palette)
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
class SetPalette(Command):
    palette: Palette
    label: str = "Palette"
    _old: Palette | None = field(default=None, repr=False)

    _old_cels: dict | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        """On an indexed sprite the pixels keep their indices: a changed entry
        recolours every pixel that used it (undo restores the pixels)."""
        self._old = sprite.palette
        if sprite.indexed:
            check_palette(self.palette)
            if not any(c[3] == 0 for c in self.palette.colors):
                raise InvalidInputError(
                    "An indexed sprite's palette keeps a transparent entry (alpha 0)."
                )
            self._old_cels = (dict(sprite.cels), sprite.reference)
            sprite.cels = relink(sprite.cels, lambda im: remap(im, self._old, self.palette))
            if sprite.reference is not None:  # shown as the 8-bit file will keep it
                sprite.reference = replace(sprite.reference,
                                           image=conform(sprite.reference.image, self.palette))  # fmt: skip
        sprite.palette = self.palette.copy()
        sprite.events.emit(Change(ChangeKind.PALETTE))
        if self._old_cels is not None:
            sprite.events.emit(Change(ChangeKind.LAYERS))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        sprite.palette = self._old
        if self._old_cels is not None:
            sprite.cels, sprite.reference = self._old_cels
            sprite.events.emit(Change(ChangeKind.LAYERS))
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
    reference: object = "keep"  # the reference layer moved or scaled with the canvas
    _old: tuple | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        from dgx_pixels_app.core.limits import check_size

        check_size(self.width, self.height, what="Sprite")
        for cel in self.cels.values():
            if cel.image.shape != (self.height, self.width, 4):
                raise InvalidInputError("Every new cel must have the new canvas size.")
        self._old = (sprite.width, sprite.height, sprite.cels, sprite.reference)
        sprite.width, sprite.height = self.width, self.height
        sprite.cels = dict(self.cels)
        if self.reference != "keep":
            sprite.reference = self.reference
        if sprite.indexed:
            for cel in {id(c): c for c in self.cels.values()}.values():
                cel.image[...] = conform(cel.image, sprite.palette)
        sprite.events.emit(Change(ChangeKind.LAYERS))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        sprite.width, sprite.height, sprite.cels, sprite.reference = self._old
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
    if reference.flags.c_contiguous and after.flags.c_contiguous:  # one 32-bit test a pixel
        changed = reference.view(np.uint32)[..., 0] != after.view(np.uint32)[..., 0]
    else:
        changed = (reference != after).any(axis=2)
    rows = np.flatnonzero(changed.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(changed.any(axis=0))
    x0, x1, y0, y1 = int(cols[0]), int(cols[-1]) + 1, int(rows[0]), int(rows[-1]) + 1
    old = None if before is None else before[y0:y1, x0:x1].copy()
    return PatchPixels(layer_id, frame_id, x0, y0, old, after[y0:y1, x0:x1].copy(), label)


def relink(cels: dict[tuple[int, int], Cel], fn) -> dict[tuple[int, int], Cel]:
    """New cels with ``fn`` applied to each image once; linked cels stay linked."""
    done: dict[int, Cel] = {}
    out = {}
    for key, cel in cels.items():
        if id(cel) not in done:
            done[id(cel)] = Cel(fn(cel.image), cel.generation)
        out[key] = done[id(cel)]
    return out
