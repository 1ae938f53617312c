"""Commands for pose layers: add one from a template, move a joint (one command per
drag), and the skeleton a frame shows."""

from __future__ import annotations

from dataclasses import dataclass

from dgx_pixels_app.core.commands import Command
from dgx_pixels_app.core.document import Layer, Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.layer_commands import InsertLayer
from dgx_pixels_app.core.pose import JOINTS, Point


def pose_layer_command(sprite: Sprite, name: str, skeletons: list[list[Point]]) -> InsertLayer:
    """A pose layer on top holding ``skeletons`` frame after frame (repeated when the
    sprite has more frames than the template)."""
    if not skeletons:
        raise InvalidInputError("A pose layer needs at least one skeleton.")
    poses = {f.id: list(skeletons[i % len(skeletons)]) for i, f in enumerate(sprite.frames)}
    layer = Layer(name, pose=poses)
    return InsertLayer(len(sprite.layers), layer, label="New Pose Layer")


def pose_at(sprite: Sprite, frame_index: int) -> tuple[Layer, list[Point]] | None:
    """The topmost visible pose layer's skeleton on a frame, or None."""
    frame_id = sprite.frames[frame_index].id
    for layer in reversed(sprite.layers):
        if layer.pose is not None and layer.visible and layer.pose.get(frame_id):
            return layer, layer.pose[frame_id]
    return None


@dataclass
class SetPose(Command):
    """A frame's skeleton on a pose layer, before and after (a joint's whole drag)."""

    layer_id: int
    frame_id: int
    before: list
    after: list
    label: str = "Move Joint"

    def apply(self, sprite: Sprite) -> None:
        self._set(sprite, self.after)

    def revert(self, sprite: Sprite) -> None:
        self._set(sprite, self.before)

    def _set(self, sprite: Sprite, points: list) -> None:
        layer = sprite.layer(self.layer_id)
        if layer.pose is None:
            raise InvalidInputError(f"'{layer.name}' is not a pose layer.")
        if len(points) != len(JOINTS):
            raise InvalidInputError(f"A skeleton has {len(JOINTS)} points, not {len(points)}.")
        layer.pose[self.frame_id] = list(points)
        sprite.events.emit(Change(ChangeKind.LAYERS, self.layer_id, self.frame_id))
