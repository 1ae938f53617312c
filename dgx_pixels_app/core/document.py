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


@dataclass
class Frame:
    duration_ms: int = 100
    id: int = field(default_factory=new_id)


@dataclass
class Cel:
    image: np.ndarray
    generation: GenerationRequest | None = None


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

    # -- rendering ----------------------------------------------------------
    def composite(
        self, frame_index: int, rect: tuple[int, int, int, int] | None = None
    ) -> np.ndarray:
        """The visible layers of one frame blended bottom to top (straight RGBA).

        ``rect`` (x, y, w, h) limits the work to a region, so a stroke's repaint
        costs its dirty rectangle rather than the canvas.
        """
        x, y, w, h = rect if rect is not None else (0, 0, self.width, self.height)
        frame_id = self.frames[frame_index].id
        out_rgb = np.zeros((h, w, 3), dtype=np.float32)
        out_a = np.zeros((h, w, 1), dtype=np.float32)
        first = True
        for layer in self.layers:
            cel = self.cels.get((layer.id, frame_id))
            if cel is None or not layer.visible or layer.opacity == 0:
                continue
            src = cel.image[y : y + h, x : x + w]
            if first and layer.opacity == 255:
                out_rgb[:] = src[..., :3]
                out_a[:] = src[..., 3:4] * (1.0 / 255.0)
                first = False
                continue
            first = False
            a = src[..., 3:4] * (layer.opacity / (255.0 * 255.0))
            keep = out_a * (1.0 - a)
            new_a = a + keep
            with np.errstate(invalid="ignore", divide="ignore"):
                out_rgb = np.where(new_a > 0, (src[..., :3] * a + out_rgb * keep) / new_a, 0.0)
            out_a = new_a
        result = np.empty((h, w, 4), dtype=np.uint8)
        result[..., :3] = np.clip(out_rgb + 0.5, 0, 255)
        result[..., 3:4] = np.clip(out_a * 255.0 + 0.5, 0, 255)
        result[result[..., 3] == 0] = 0
        return result

    # -- snapshots ----------------------------------------------------------
    def snapshot(self) -> Sprite:
        """A deep copy without listeners: what a worker thread may read safely."""
        clone = Sprite(self.width, self.height, self.palette.copy())
        clone.layers = [copy.copy(layer) for layer in self.layers]
        clone.frames = [copy.copy(frame) for frame in self.frames]
        clone.tags = [copy.copy(tag) for tag in self.tags]
        clone.cels = {
            key: Cel(cel.image.copy(), copy.deepcopy(cel.generation))
            for key, cel in self.cels.items()
        }
        return clone
