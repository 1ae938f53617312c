"""A request's references and controls made ready to run: their models chosen, their
images read, checked and turned into what a ControlNet reads, before any model loads.

Control images come from a file (a control map as it is, or a sprite with a
transparent background that is turned into one: its edges for line art and canny,
its silhouette for scribble and depth, itself over white for tile), from a pose
template (``@walk/east/3``), or from pixels the caller already has (a layer of the
open sprite). Every image is bounded on reading; every problem is one clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.control import ControlRef, ReferenceRef, pixel_hash
from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.core.pose import DIRECTIONS, SHAPES
from dgx_pixels_app.core.raster import resize_nearest
from dgx_pixels_app.engine.backend import GuideImages
from dgx_pixels_app.engine.control_models import (
    choose_controlnets,
    choose_ip_adapter,
    find_controlnets,
    find_ip_adapters,
)

CLIP_SIDE = 224  # the image encoders' input: a small sprite is enlarged to it, pixel-sharp
Reader = Callable[[str], np.ndarray]  # path -> RGBA


def read_image(path: str) -> np.ndarray:
    from dgx_pixels_app.formats.images import read_rgba

    try:
        return read_rgba(path)
    except DgxPixelsError as exc:
        raise InvalidInputError(str(exc)) from exc


def find_models() -> tuple[list, list]:
    """The ControlNets and IP-Adapters in the models folders (once for many requests)."""
    return find_controlnets(), find_ip_adapters()


def prepare(request: GenerationRequest, read: Reader = read_image,
            pixels: dict[str, np.ndarray] | None = None,
            found: tuple[list, list] | None = None) -> tuple[GenerationRequest, GuideImages]:  # fmt: skip
    """The request with its models and pixel hashes set, and the pixels themselves.
    ``pixels``: images by name the caller has (``layer:Line art``), read before files;
    ``found``: :func:`find_models`' answer (default: the folders are searched)."""
    pixels = pixels or {}
    if not request.references and not request.controls:
        return request, GuideImages()
    controlnets, adapters = found or (
        find_controlnets() if request.controls else [],
        find_ip_adapters() if request.references else [],
    )
    refs, ref_images = _references(request.references, read, pixels, adapters)
    controls, control_images = _controls(request, read, pixels, controlnets)
    return replace(request, references=refs, controls=controls), GuideImages(
        ref_images, control_images
    )


def _source(path: str, read: Reader, pixels: dict) -> np.ndarray:
    return pixels[path] if path in pixels else read(path)


def _references(refs: list[ReferenceRef], read: Reader, pixels: dict, adapters: list):
    if not refs:
        return [], []
    adapter = choose_ip_adapter(adapters)
    out, images = [], []
    for ref in refs:
        source = _source(ref.path, read, pixels)
        images.append(_enlarge(source))
        out.append(replace(ref, sha256=pixel_hash(source), adapter=str(adapter.path),
                           encoder=str(adapter.encoder)))  # fmt: skip
    return out, images


def _enlarge(image: np.ndarray) -> np.ndarray:
    """The reference as the image encoder should see it: square (padded with
    transparency, which reads as white, so the encoder's centre crop cuts nothing off a
    tall sprite), and a small sprite enlarged by a whole factor (sharp pixels, not the
    encoder's bicubic blur)."""
    if image.ndim == 3 and image.shape[2] == 3:
        image = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    h, w = image.shape[:2]
    side = max(h, w)
    square = np.zeros((side, side, 4), np.uint8)
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = image
    factor = max(1, -(-CLIP_SIDE // side))
    return resize_nearest(square, side * factor, side * factor) if factor > 1 else square


def _controls(request: GenerationRequest, read: Reader, pixels: dict, controlnets: list):
    controls = request.controls
    if not controls:
        return [], []
    models = choose_controlnets([c.type for c in controls], controlnets)
    out, images = [], []
    for control, model in zip(controls, models, strict=True):
        if control.pose:
            image = pose_image(control.pose, request.width, request.height)
        else:
            image = control_image(control, _source(control.image, read, pixels),
                                  request.width, request.height)  # fmt: skip
        images.append(image)
        out.append(replace(control, sha256=pixel_hash(image), model=str(model.path)))
    return out, images


def parse_pose(text: str) -> tuple[str, str, int, str, str]:
    """``TEMPLATE[/DIRECTION[/FRAME[/SHAPE[/VIEW]]]]``: walk/east/3/chibi/top-down."""
    parts = text.strip().strip("@").split("/")
    if not 1 <= len(parts) <= 5 or not parts[0]:
        raise InvalidInputError(
            f"Pose '{text}': write TEMPLATE[/DIRECTION[/FRAME[/SHAPE[/VIEW]]]], e.g. walk/east/3."
        )
    template, direction, frame, shape, view = (
        parts + ["east", "0", "tall", "side"][len(parts) - 1 :]
    )
    if not (frame.isascii() and frame.isdigit() and len(frame) <= 4):
        raise InvalidInputError(f"Pose '{text}': the frame is a number from 0.")
    if direction not in DIRECTIONS or shape not in SHAPES or view not in ("side", "top-down"):
        raise InvalidInputError(
            f"Pose '{text}': directions {', '.join(DIRECTIONS)}; shapes "
            f"{' or '.join(SHAPES)}; views side or top-down."
        )
    return template, direction, int(frame), shape, view


def skeleton_points(text: str) -> list:
    """The 18 points of a ``points:`` pose (a pose layer's skeleton, kept in full in the
    request so the image can be made again)."""
    import json

    from dgx_pixels_app.formats.pose_data import read_pose_text

    try:
        points = json.loads(text[len("points:") :])
    except ValueError:
        points = None
    skeleton = read_pose_text(json.dumps({"frames": [points]}), 1)[0]
    if skeleton is None:
        raise InvalidInputError("A pose's points are 18 [x, y] pairs (or null), in the frame.")
    return skeleton


def find_template(name: str):
    from dgx_pixels_app.jobs.poses import templates

    known = templates()
    if name not in known:
        raise InvalidInputError(
            f"There is no pose template '{name}' (the templates: {', '.join(sorted(known))})."
        )
    return known[name]


def pose_image(text: str, width: int, height: int) -> np.ndarray:
    """The control image of a template's frame (or of a skeleton's own points, as a
    pose layer gives them: ``points:[[x, y] | null × 18]``) at the image's size."""
    from dgx_pixels_app.formats.pose_image import render_pose

    if text.startswith("points:"):
        return render_pose(skeleton_points(text), width, height)
    name, direction, frame, shape, view = parse_pose(text)
    skeletons = find_template(name).skeletons(direction, shape, view)
    if frame >= len(skeletons):
        raise InvalidInputError(f"The pose '{name}' has {len(skeletons)} frames (0 to "
                                f"{len(skeletons) - 1}), not frame {frame}.")  # fmt: skip
    return render_pose(skeletons[frame], width, height)


def control_image(control: ControlRef, rgba: np.ndarray, width: int, height: int) -> np.ndarray:
    """What the ControlNet reads (RGB, ``width``×``height``) from an image: a sprite
    with transparency is converted for the control's type, an opaque image is a
    control map already and only scaled (its proportions must match)."""
    sprite = rgba.shape[2] == 4 and (rgba[..., 3] < 255).any()
    if not sprite:
        return _scaled_map(control, rgba[..., :3], width, height)
    if control.type == "pose":
        raise InvalidInputError(
            f"'{Path(control.image).name}' is a sprite, not a skeleton: pose detectors fail on "
            "2D art. Use a pose template (pose=@walk/east/0) or a skeleton image."
        )
    placed = _place(rgba, width, height)
    alpha = placed[..., 3] >= 128
    if control.type in ("lineart", "canny"):
        return _white_on_black(_edges(placed) & alpha)
    if control.type in ("scribble", "depth"):
        return _white_on_black(alpha)
    over_white = placed[..., :3] * (placed[..., 3:4] / 255) + 255 * (1 - placed[..., 3:4] / 255)
    return over_white.astype(np.uint8)  # tile


def _scaled_map(control: ControlRef, rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    if abs(w / h - width / height) > 0.02:
        raise InvalidInputError(
            f"The {control.type} control image '{Path(control.image).name}' is {w}×{h}; the "
            f"image is {width}×{height}. Crop it to the same proportions (or pick a size "
            "that matches)."
        )
    if (w, h) == (width, height):
        return np.ascontiguousarray(rgb)
    from PIL import Image

    resample = Image.Resampling.NEAREST if w < width else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(rgb).resize((width, height), resample), dtype=np.uint8)


def _place(sprite: np.ndarray, width: int, height: int) -> np.ndarray:
    """The sprite enlarged by a whole factor (or shrunk) to fill the image, centred."""
    from dgx_pixels_app.jobs.frames import fit

    h, w = sprite.shape[:2]
    factor = max(1, min(width // w, height // h))
    return fit(resize_nearest(sprite, w * factor, h * factor), width, height)


def _edges(image: np.ndarray) -> np.ndarray:
    """Pixels whose colour or opacity differs from a neighbour's (a sprite's outline
    and the lines between its colour areas)."""
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)), mode="edge")
    centre = padded[1:-1, 1:-1]
    edge = np.zeros(image.shape[:2], bool)
    for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0)):
        shifted = padded[1 + dy : padded.shape[0] - 1 + dy, 1 + dx : padded.shape[1] - 1 + dx]
        edge |= np.abs(centre.astype(np.int16) - shifted).max(axis=2) > 24
    return edge


def _white_on_black(mask: np.ndarray) -> np.ndarray:
    return np.repeat(np.where(mask, 255, 0).astype(np.uint8)[..., None], 3, axis=2)


def resolve_guides(tasks: list) -> list:
    """Tasks whose references and controls have no pixels yet, made ready (the models
    folders searched once for all of them); the others as they are."""
    waiting = {id(t) for t in tasks if (t.request.references or t.request.controls)
               and t.guides is None}  # fmt: skip
    if not waiting:
        return list(tasks)
    found = find_models()
    out = []
    for task in tasks:
        if id(task) in waiting:
            request, guides = prepare(task.request, pixels=task.sources, found=found)
            task = replace(task, request=request, guides=guides, sources=None)
        out.append(task)
    return out
