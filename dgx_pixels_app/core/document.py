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
    # A pose layer: no pixels, a skeleton per frame (frame id -> OpenPose's 18 points in
    # the canvas's unit square, None where hidden), drawn over the canvas and used as
    # a pose control. None: an ordinary layer.
    pose: dict[int, list] | None = None


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
        out = np.zeros((h, w, 4), dtype=np.uint8)
        for layer in self.layers:
            cel = self.cels.get((layer.id, frame_id))
            if cel is None or not layer.visible or layer.opacity == 0:
                continue
            src = cel.image[y : y + h, x : x + w]
            alpha = src[..., 3]
            if layer.opacity == 255:
                # pixel art is mostly fully opaque or fully clear: copy those, blend the rest
                opaque = alpha == 255
                out[opaque] = src[opaque]
                partial = (alpha > 0) & ~opaque
            else:
                partial = alpha > 0
            if partial.any():
                _blend(out, src, partial, layer.opacity)
        out[out[..., 3] == 0] = 0
        return out

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


def _blend(out: np.ndarray, src: np.ndarray, where: np.ndarray, opacity: int) -> None:
    """Straight-alpha "over" of ``src`` (scaled by ``opacity``) onto ``out``, in place."""
    s = src[where].astype(np.float32)
    d = out[where].astype(np.float32)
    a = s[:, 3:4] * (opacity / (255.0 * 255.0))
    keep = d[:, 3:4] / 255.0 * (1.0 - a)
    new_a = a + keep
    rgb = np.where(new_a > 0, (s[:, :3] * a + d[:, :3] * keep) / np.maximum(new_a, 1e-12), 0.0)
    result = np.empty_like(s)
    result[:, :3] = rgb
    result[:, 3:4] = new_a * 255.0
    out[where] = np.clip(result + 0.5, 0, 255).astype(np.uint8)
