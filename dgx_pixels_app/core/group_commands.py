"""Layer groups and linked cels, as commands.

A group (Aseprite's "group layer") holds the layers after it in the list with a
deeper ``level``; it is flattened first and then laid with its own opacity and
blend mode. A linked cel is one image shown on several frames of a layer (the
same ``Cel`` object under each key): drawing on one frame draws on all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dgx_pixels_app.core.commands import Command
from dgx_pixels_app.core.document import Cel, Layer, Reference, Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.indexed import conform
from dgx_pixels_app.core.limits import check_size


@dataclass
class GroupLayer(Command):
    """Put a layer (a group with its contents) into a new group in its place."""

    layer_id: int
    name: str = "Group"
    label: str = "Group Layer"
    group: Layer | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        start = sprite.layer_index(self.layer_id)
        end = sprite.group_end(start)
        if self.group is None:
            self.group = Layer(self.name, group=True, level=sprite.layers[start].level)
        for layer in sprite.layers[start:end]:
            layer.level += 1
        sprite.layers.insert(start, self.group)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.group.id))

    def revert(self, sprite: Sprite) -> None:
        assert self.group is not None
        start = sprite.layer_index(self.group.id)
        end = sprite.group_end(start)
        for layer in sprite.layers[start + 1 : end]:
            layer.level -= 1
        sprite.layers.pop(start)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))


@dataclass
class Ungroup(Command):
    """Dissolve a group: its layers stay where they are, one level up."""

    group_id: int
    label: str = "Ungroup"
    _undo: tuple | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        start = sprite.layer_index(self.group_id)
        group = sprite.layers[start]
        if not group.group:
            raise InvalidInputError(f"'{group.name}' is not a group.")
        children = sprite.layers[start + 1 : sprite.group_end(start)]
        for layer in children:
            layer.level -= 1
        self._undo = (start, group, children)
        sprite.layers.pop(start)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.group_id))

    def revert(self, sprite: Sprite) -> None:
        assert self._undo is not None
        start, group, children = self._undo
        for layer in children:
            layer.level += 1
        sprite.layers.insert(start, group)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.group_id))


def group_layer_command(sprite: Sprite, layer_id: int) -> GroupLayer:
    taken = {layer.name for layer in sprite.layers}
    number = sum(1 for layer in sprite.layers if layer.group) + 1
    while f"Group {number}" in taken:
        number += 1
    return GroupLayer(layer_id, f"Group {number}")


@dataclass
class LinkCels(Command):
    """Show the first frame's cel of a layer on the other frames given too."""

    layer_id: int
    frame_ids: list[int]
    label: str = "Link Cels"
    _old: dict | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        layer = sprite.layer(self.layer_id)
        if layer.group:
            raise InvalidInputError(f"'{layer.name}' is a group: its cels are its layers'.")
        if layer.locked:
            raise InvalidInputError(f"Layer '{layer.name}' is locked.")
        if len(self.frame_ids) < 2:
            raise InvalidInputError("Pick two frames or more to link.")
        frames = sorted(self.frame_ids, key=sprite.frame_index)
        source = sprite.cel(self.layer_id, frames[0])
        if source is None:
            raise InvalidInputError("The first frame's cel is empty: there is nothing to link.")
        self._old = {f: sprite.cel(self.layer_id, f) for f in frames}
        for frame_id in frames[1:]:
            sprite.cels[(self.layer_id, frame_id)] = source
            sprite.events.emit(Change(ChangeKind.PIXELS, self.layer_id, frame_id))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        for frame_id, cel in self._old.items():
            if cel is None:
                sprite.cels.pop((self.layer_id, frame_id), None)
            else:
                sprite.cels[(self.layer_id, frame_id)] = cel
            sprite.events.emit(Change(ChangeKind.PIXELS, self.layer_id, frame_id))


@dataclass
class UnlinkCel(Command):
    """Give one frame its own copy of a linked cel."""

    layer_id: int
    frame_id: int
    label: str = "Unlink Cel"
    _old: Cel | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if len(sprite.linked(self.layer_id, self.frame_id)) < 2:
            raise InvalidInputError("This cel is not linked to another frame.")
        self._old = sprite.cels[(self.layer_id, self.frame_id)]
        copy = Cel(self._old.image.copy(), self._old.generation)
        sprite.cels[(self.layer_id, self.frame_id)] = copy
        sprite.events.emit(Change(ChangeKind.PIXELS, self.layer_id, self.frame_id))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        sprite.cels[(self.layer_id, self.frame_id)] = self._old
        sprite.events.emit(Change(ChangeKind.PIXELS, self.layer_id, self.frame_id))


@dataclass
class SetReference(Command):
    """Set, change or clear (None) the sprite's reference layer."""

    reference: Reference | None
    label: str = "Reference Layer"
    _old: Reference | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if self.reference is not None:
            image = self.reference.image
            if image.ndim != 3 or image.shape[2] != 4 or image.dtype.name != "uint8":
                raise InvalidInputError("A reference is an RGBA image.")
            check_size(image.shape[1], image.shape[0], what="Reference image")
            if not 0 <= self.reference.opacity <= 255:
                raise InvalidInputError("A reference's opacity is 0 to 255.")
        self._old = sprite.reference
        if self.reference is not None and sprite.indexed:  # an 8-bit file holds no others
            self.reference = replace(self.reference,
                                     image=conform(self.reference.image, sprite.palette))  # fmt: skip
        sprite.reference = self.reference
        sprite.events.emit(Change(ChangeKind.LAYERS))

    def revert(self, sprite: Sprite) -> None:
        sprite.reference = self._old
        sprite.events.emit(Change(ChangeKind.LAYERS))
