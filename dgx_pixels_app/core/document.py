"""The sprite document: layers x frames = cels, plus palette and tags.

Plain data (dataclasses and numpy arrays) that views observe through
``sprite.events`` and that only commands mutate (see ``commands.py``). A cel's
pixels are one ``(height, width, 4)`` uint8 RGBA array covering the canvas; a
missing cel is an empty (transparent) one and costs nothing.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from dgx_pixels_app.core.blend import blend_over
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import EventHub
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.core.limits import check_size
from dgx_pixels_app.core.palette import Palette

_ids = itertools.count(1)


def new_id() -> int:
    """Identity for layers and frames that survives reordering."""
    return next(_ids)


@dataclass
class Layer:
    name: str
    visible: bool = True
    locked: bool = False
    opacity: int = 255
    id: int = field(default_factory=new_id)
    # A pose layer: no pixels, a skeleton per frame (frame id -> OpenPose's 18 points in
    # the canvas's unit square, None where hidden), drawn over the canvas and used as
    # a pose control. None: an ordinary layer.
    pose: dict[int, list] | None = None
    blend: str = "normal"  # a name from core.blend.MODES
    # Groups, as Aseprite keeps them: a group layer is followed (above it in this
    # bottom-to-top list) by its children, whose ``level`` is one deeper.
    group: bool = False
    level: int = 0


@dataclass
class Frame:
    duration_ms: int = 100
    id: int = field(default_factory=new_id)


@dataclass
class Cel:
    image: np.ndarray
    generation: GenerationRequest | None = None


@dataclass
class Reference:
    """Aseprite's reference layer: an image (any size, shown scaled to the canvas) to
    trace over, at its own opacity. Saved in the ``.aseprite``; never composited or
    exported."""

    image: np.ndarray  # (h, w, 4) RGBA, never changed in place
    opacity: int = 128
    bounds: tuple[float, float, float, float] | None = None  # x, y, w, h; None: the canvas
    visible: bool = True

    def placed(self, width: int, height: int) -> tuple[float, float, float, float]:
        return self.bounds if self.bounds is not None else (0.0, 0.0, float(width), float(height))


class Direction(StrEnum):
    FORWARD = "forward"
    REVERSE = "reverse"
    PINGPONG = "pingpong"


@dataclass
class Tag:
    name: str
    start: int
    end: int
    direction: Direction = Direction.FORWARD
    color: tuple[int, int, int] = (0, 0, 0)


MIN_DURATION_MS = 1
MAX_DURATION_MS = 65535


class Sprite:
    def __init__(self, width: int, height: int, palette: Palette | None = None) -> None:
        check_size(width, height, what="Sprite")
        self.width = width
        self.height = height
        self.palette = palette or Palette()
        self.layers: list[Layer] = []  # bottom to top
        self.frames: list[Frame] = []
        self.cels: dict[tuple[int, int], Cel] = {}  # (layer id, frame id)
        self.tags: list[Tag] = []
        self.indexed = False  # indexed colour mode: see core.indexed
        self.reference: Reference | None = None  # a tracing guide under the canvas
        self.events = EventHub()

    @classmethod
    def new(
        cls,
        width: int,
        height: int,
        *,
        layers: int = 1,
        frames: int = 1,
        palette: Palette | None = None,
    ) -> Sprite:
        sprite = cls(width, height, palette)
        sprite.layers = [Layer(f"Layer {i + 1}") for i in range(layers)]
        sprite.frames = [Frame() for _ in range(frames)]
        return sprite

    # -- lookup -------------------------------------------------------------
    def blank(self) -> np.ndarray:
        return np.zeros((self.height, self.width, 4), dtype=np.uint8)

    def layer(self, layer_id: int) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise InvalidInputError(f"No layer with id {layer_id}.")

    def layer_index(self, layer_id: int) -> int:
        return self.layers.index(self.layer(layer_id))

    def frame_index(self, frame_id: int) -> int:
        for i, frame in enumerate(self.frames):
            if frame.id == frame_id:
                return i
        raise InvalidInputError(f"No frame with id {frame_id}.")

    def cel(self, layer_id: int, frame_id: int) -> Cel | None:
        return self.cels.get((layer_id, frame_id))

    def cel_at(self, layer_index: int, frame_index: int) -> Cel | None:
        return self.cel(self.layers[layer_index].id, self.frames[frame_index].id)

    def group_end(self, index: int) -> int:
        """One past the last layer inside the group at ``index`` (``index + 1`` for a
        plain layer)."""
        level, end = self.layers[index].level, index + 1
        while end < len(self.layers) and self.layers[end].level > level:
            end += 1
        return end

    def parents(self, index: int) -> list[Layer]:
        """The groups that hold the layer at ``index``, innermost first."""
        found, level = [], self.layers[index].level
        for layer in reversed(self.layers[:index]):
            if layer.group and layer.level < level:
                found.append(layer)
                level = layer.level
        return found

    def display_order(self) -> list[int]:
        """Layer indices as a timeline lists them: top first, each group above its
        children (the list itself keeps a group below them, as Aseprite's file does)."""
        order: list[int] = []

        def siblings(start: int, stop: int) -> None:
            heads, index = [], start
            while index < stop:
                heads.append(index)
                index = self.group_end(index)
            for head in reversed(heads):
                order.append(head)
                if self.layers[head].group:
                    siblings(head + 1, self.group_end(head))

        siblings(0, len(self.layers))
        return order

    def shown(self, index: int) -> bool:
        """Visible, with every group around it visible."""
        return self.layers[index].visible and all(g.visible for g in self.parents(index))

    # -- rendering ----------------------------------------------------------
    def composite(
        self,
        frame_index: int,
        rect: tuple[int, int, int, int] | None = None,
        override: dict[int, np.ndarray] | None = None,
    ) -> np.ndarray:
        """The visible layers of one frame blended bottom to top (straight RGBA),
        each group flattened first and then laid with its own opacity and mode.

        ``rect`` (x, y, w, h) limits the work to a region, so a stroke's repaint
        costs its dirty rectangle rather than the canvas. ``override`` (layer id → a
        whole-canvas image) shows other pixels for some layers without changing the
        sprite (a transform's preview).
        """
        box = rect if rect is not None else (0, 0, self.width, self.height)
        out = np.zeros((box[3], box[2], 4), dtype=np.uint8)
        self._paint(out, 0, len(self.layers), self.frames[frame_index].id, box, override or {})
        out[out[..., 3] == 0] = 0
        return out

    def _paint(self, out: np.ndarray, start: int, stop: int, frame_id: int, box,
               override: dict) -> None:  # fmt: skip
        x, y, w, h = box
        index = start
        while index < stop:
            layer = self.layers[index]
            end = self.group_end(index)
            if layer.visible and layer.opacity > 0:
                if layer.group:
                    inner = np.zeros_like(out)
                    self._paint(inner, index + 1, end, frame_id, box, override)
                    _lay(out, inner, layer.opacity, layer.blend)
                elif (image := self._image(layer.id, frame_id, override)) is not None:
                    _lay(out, image[y : y + h, x : x + w], layer.opacity, layer.blend)
            index = end

    def _image(self, layer_id: int, frame_id: int, override: dict) -> np.ndarray | None:
        if layer_id in override:
            return override[layer_id]
        cel = self.cels.get((layer_id, frame_id))
        return None if cel is None else cel.image

    # -- snapshots ----------------------------------------------------------
    def snapshot(self) -> Sprite:
        """A deep copy without listeners: what a worker thread may read safely."""
        clone = Sprite(self.width, self.height, self.palette.copy())
        clone.layers = [copy.copy(layer) for layer in self.layers]
        clone.frames = [copy.copy(frame) for frame in self.frames]
        clone.tags = [copy.copy(tag) for tag in self.tags]
        clone.indexed = self.indexed
        clone.reference = copy.copy(self.reference)  # the image itself is never changed
        copies: dict[int, Cel] = {}  # linked cels stay linked in the copy
        for key, cel in self.cels.items():
            if id(cel) not in copies:
                copies[id(cel)] = Cel(cel.image.copy(), copy.deepcopy(cel.generation))
            clone.cels[key] = copies[id(cel)]
        return clone

    def unique_cels(self) -> list[Cel]:
        """Each cel once (a linked cel is one image under several keys)."""
        return list({id(cel): cel for cel in self.cels.values()}.values())

    def linked(self, layer_id: int, frame_id: int) -> list[int]:
        """The frames (ids, in order) whose cel on this layer is the same image as
        this one's, itself included; one frame when the cel is not linked."""
        cel = self.cels.get((layer_id, frame_id))
        if cel is None:
            return [frame_id]
        return [f.id for f in self.frames if self.cels.get((layer_id, f.id)) is cel]


def _lay(out: np.ndarray, src: np.ndarray, opacity: int, mode: str) -> None:
    alpha = src[..., 3]
    if opacity == 255 and mode == "normal":
        # pixel art is mostly fully opaque or fully clear: copy those, blend the rest
        opaque = alpha == 255
        out[opaque] = src[opaque]
        partial = (alpha > 0) & ~opaque
    else:
        partial = alpha > 0
    if partial.any():
        blend_over(out, src, partial, opacity, mode)
