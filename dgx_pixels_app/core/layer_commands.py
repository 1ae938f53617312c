"""Commands that change a sprite's layers: insert, remove, properties, order, duplicate, merge."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from dgx_pixels_app.core.blend import check_mode
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
    """Delete a layer; a group goes with everything inside it."""

    layer_id: int
    label: str = "Delete Layer"
    _undo: list | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        start = sprite.layer_index(self.layer_id)
        end = sprite.group_end(start)
        rest = sprite.layers[:start] + sprite.layers[end:]
        if not any(not layer.group for layer in rest):
            raise InvalidInputError("A sprite needs at least one layer.")
        self._undo = []
        for index in range(end - 1, start - 1, -1):
            layer = sprite.layers[index]
            cels = {fid: c for (lid, fid), c in sprite.cels.items() if lid == layer.id}
            undo = InsertLayer(index, layer, cels)
            undo.revert(sprite)
            self._undo.append(undo)

    def revert(self, sprite: Sprite) -> None:
        assert self._undo is not None
        for undo in reversed(self._undo):
            undo.apply(sprite)

    @property
    def nbytes(self) -> int:
        return sum(u.nbytes for u in self._undo) if self._undo else 64


_PROPERTIES = ("name", "visible", "locked", "opacity", "blend")


@dataclass
class SetLayerProperties(Command):
    layer_id: int
    name: str | None = None
    visible: bool | None = None
    locked: bool | None = None
    opacity: int | None = None
    blend: str | None = None
    label: str = "Layer Properties"
    _old: Layer | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        layer = sprite.layer(self.layer_id)
        self._old = replace(layer)
        if self.opacity is not None and not 0 <= self.opacity <= 255:
            raise InvalidInputError("Layer opacity must be between 0 and 255.")
        if self.blend is not None:
            self.blend = check_mode(self.blend)
        for name in _PROPERTIES:
            value = getattr(self, name)
            if value is not None:
                setattr(layer, name, value)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))

    def revert(self, sprite: Sprite) -> None:
        layer = sprite.layer(self.layer_id)
        assert self._old is not None
        for name in _PROPERTIES:
            setattr(layer, name, getattr(self._old, name))
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))


@dataclass
class MoveLayer(Command):
    """Move a layer (a group with everything in it) so that it lands at ``to_index``;
    it joins the group it lands in."""

    layer_id: int
    to_index: int
    label: str = "Move Layer"
    level: int | None = None  # where it may go either way: inside the group below or not
    _old: list | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        if not 0 <= self.to_index < len(sprite.layers):
            raise InvalidInputError(f"Layer position {self.to_index} is out of range.")
        start = sprite.layer_index(self.layer_id)
        end = sprite.group_end(start)
        self._old = [(layer, layer.level) for layer in sprite.layers]
        block = sprite.layers[start:end]
        rest = sprite.layers[:start] + sprite.layers[end:]
        at = min(self.to_index, len(rest))
        below = rest[at - 1] if at > 0 else None
        deepest = 0 if below is None else below.level + (1 if below.group else 0)
        above = rest[at] if at < len(rest) else None  # must not be left outside any group
        shallowest = 0 if above is None else max(0, above.level - (1 if block[0].group else 0))
        wanted = deepest if self.level is None else self.level
        level = max(shallowest, min(deepest, wanted))
        shift = level - block[0].level
        for layer in block:
            layer.level += shift
        sprite.layers = rest[:at] + block + rest[at:]
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        for layer, level in self._old:
            layer.level = level
        sprite.layers = [layer for layer, _level in self._old]
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id))


def duplicate_layer_command(sprite: Sprite, layer_id: int) -> InsertLayer:
    index = sprite.layer_index(layer_id)
    source = sprite.layers[index]
    if source.group:
        raise InvalidInputError(f"'{source.name}' is a group: duplicate the layers inside it.")
    layer = Layer(f"{source.name} copy", source.visible, False, source.opacity,
                  blend=source.blend, level=source.level)  # fmt: skip
    copies: dict[int, Cel] = {}  # linked cels stay linked in the copy
    cels = {}
    for (lid, fid), cel in sprite.cels.items():
        if lid == layer_id:
            if id(cel) not in copies:
                copies[id(cel)] = Cel(cel.image.copy(), copy.deepcopy(cel.generation))
            cels[fid] = copies[id(cel)]
    return InsertLayer(index + 1, layer, cels, label="Duplicate Layer")


def merge_down_command(sprite: Sprite, layer_id: int) -> Group:
    """Composite a layer (with its opacity) onto the one below, frame by frame."""
    index = sprite.layer_index(layer_id)
    if index == 0:
        raise InvalidInputError("There is no layer below to merge into.")
    top, below = sprite.layers[index], sprite.layers[index - 1]
    if top.group or below.group or top.level != below.level:
        raise InvalidInputError("Merge Down joins two layers side by side, not groups.")
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
        probe.layers = [Layer("b"), Layer("t", opacity=top.opacity, blend=top.blend)]
        if lower is not None:
            probe.cels[(probe.layers[0].id, probe.frames[0].id)] = Cel(lower.image)
        probe.cels[(probe.layers[1].id, probe.frames[0].id)] = Cel(upper.image)
        merged = probe.composite(0)
        commands.append(
            SetCel(below.id, frame.id, Cel(merged, lower.generation if lower else upper.generation))
        )
    commands.append(RemoveLayer(layer_id))
    return Group(commands, label="Merge Down")
