"""Commands that change a sprite's layers: insert, remove, properties, order, duplicate, merge."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from dgx_pixels_app.core.commands import Command, Group, SetCel
from dgx_pixels_app.core.document import (
    Cel,
    Frame,
    Layer,
    Sprite,
)
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import Change, ChangeKind


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
