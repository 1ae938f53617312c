"""``generate-animation``: N frames of one character → frame PNGs, an ``.aseprite``
with the animation's tag and durations, a sheet with JSON, a GIF preview, a
manifest, and on request the sheet in a Bevy game.

Two methods, both through the job queue (any back end):

- **strip**: one wide image holding N poses, pixelized once (one grid, one
  palette) and cut into N frames;
- **chain**: the first frame from text, each next one image-to-image from the one
  before (same seed, the preset's action prompt and strength), every frame
  snapped to the first frame's palette.

Consistency is measured, not hoped for: the share of pixels that change between
consecutive frames, and how far each frame's bounding box drifts from the first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.confine import make_folder
from dgx_pixels_app.core.document import Direction, Tag
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.generation import MAX_SEED, GenerationRequest, LoraRef, validate
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.raster import resize_nearest
from dgx_pixels_app.jobs.frame_requests import next_request, strip_request
from dgx_pixels_app.jobs.frames import fit, keep_requests, opaque_box, snap_to_palette
from dgx_pixels_app.jobs.items import slug
from dgx_pixels_app.jobs.job import Job, PostSteps
from dgx_pixels_app.jobs.requests import Choices, build_request
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from dgx_pixels_app.resources import animation_presets, generation_defaults

METHODS = ("strip", "chain")
BROKEN_CHANGE = 0.6  # a frame that changes more than this share of pixels is flagged
BROKEN_DRIFT = 0.25  # … or whose box centre moves more than this share of the size


@dataclass
class AnimationOptions:
    prompt: str
    model: str
    frames: int | None = None  # default: the preset's
    type: str = "idle"
    size: int = 64
    method: str = "strip"
    palette: str | Palette | None = None  # a name, a file, or one already read
    output: Path | None = None
    name: str | None = None
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    scheduler: str | None = None  # default: the character kind's
    loras: list[LoraRef] = field(default_factory=list)
    resolution: int | None = None  # model px: the strip's height, one chain frame's side
    strength: float | None = None  # chain: default the preset's
    bevy: str | None = None
    overwrite: bool = False  # replace files DGX-Pixels did not write (output folder, Bevy project)
    options: dict = field(default_factory=dict)  # declared generation options

    def folder(self) -> Path:
        return Path(self.output) if self.output else Path(f"{self.type}-{slug(self.prompt)}")

    def stem(self) -> str:
        """The files' name: the given one made safe (or refused), else from the prompt."""
        return safe_name(self.name) if self.name is not None else slug(self.prompt)

    def targets(self, frames: int) -> list[Path]:
        """Every file the animation writes into its folder."""
        folder, name = self.folder(), self.stem()
        return [*(folder / f"{name}-{i}.png" for i in range(frames)), folder / f"{name}.aseprite",
                folder / f"{name}-sheet.png", folder / f"{name}-sheet.json", folder / f"{name}.gif",
                folder / "manifest.json"]  # fmt: skip


@dataclass
class FrameCheck:
    change: float  # share of pixels that differ from the previous frame (0 for the first)
    box: tuple[int, int, int, int] | None  # opaque bounding box x0, y0, x1, y1
    drift: float  # box centre distance from frame 0's, in pixels

    def broken(self, size: int) -> bool:
        return self.change > BROKEN_CHANGE or self.drift > BROKEN_DRIFT * size


def preset(type_id: str) -> dict:
    presets = animation_presets()
    for p in presets:
        if p["id"] == type_id:
            return p
    known = ", ".join(p["id"] for p in presets)
    raise InvalidInputError(f"Unknown animation type '{type_id}' (known: {known}).")


def check(options: AnimationOptions) -> dict:
    chosen = preset(options.type)
    frames = options.frames or int(chosen.get("frames", 4))
    if not 2 <= frames <= 16:
        raise OptionError("frames", f"must be 2 to 16, not {frames}")
    if options.method not in METHODS:
        raise OptionError("method", f"must be strip or chain, not '{options.method}'")
    if not 8 <= options.size <= 512 or options.size % 4:
        raise OptionError("size", f"must be a multiple of 4 from 8 to 512, not {options.size}")
    if options.method == "chain":
        _check_chain_steps(options, chosen)
    stem = options.stem()
    if options.bevy:
        from dgx_pixels_app.formats.bevy import check_bevy_export

        check_bevy_export(options.bevy, stem, "sprites", overwrite=options.overwrite)
    from dgx_pixels_app.formats.deploy import guard
    from dgx_pixels_app.jobs.batch import check_output

    check_output(options.folder())
    guard(options.folder(), options.targets(frames), options.overwrite)  # nothing hand-made lost
    return {**chosen, "frames": frames}


def _check_chain_steps(options: AnimationOptions, chosen: dict) -> None:
    """Chained frames run steps × strength steps: too few denoise nothing. Said before
    any model loads (a speed's recipe sets its own steps)."""
    import math

    from dgx_pixels_app.jobs.requests import kind_settings

    if options.options.get("speed", "quality") != "quality":
        return
    default = generation_defaults()["chain_strength"]
    strength = options.strength if options.strength is not None else float(
        chosen.get("strength", default))  # fmt: skip
    steps = options.steps or int(kind_settings("character")["steps"])
    if not 0 < strength <= 1:  # inf, nan, 0 and past 1: said, never an overflow
        raise OptionError("strength", f"must be above 0 and at most 1, not {strength:g}")
    if int(steps * strength) < 1:
        raise OptionError("steps", f"{steps} at strength {strength:g} denoise nothing in the "
                          f"chained frames: use at least {math.ceil(1 / strength)}")  # fmt: skip


def _base_request(options: AnimationOptions, seed: int) -> GenerationRequest:
    """The character kind's request for the subject: every frame starts from it."""
    side = options.resolution
    return build_request(Choices(
        options.prompt, kind="character", model=options.model, loras=list(options.loras),
        seed=seed, steps=options.steps, cfg=options.cfg, width=side, height=side,
        scheduler=options.scheduler, options=options.options,
    ))  # fmt: skip


def generate_frames(run, options: AnimationOptions) -> tuple[list[np.ndarray], list, dict]:
    """(frames at ``size`` px, the request behind each, the preset). ``run(job)`` runs
    one job to its end (``JobQueue.run``, or a runner that waits on a shared queue)."""
    chosen = check(options)
    frames_n = chosen["frames"]
    palette = None
    if options.palette:
        from dgx_pixels_app.formats.palettes import find_palette

        palette = find_palette(options.palette)
    seed = options.seed if options.seed is not None else random.randint(0, MAX_SEED)
    base = _base_request(options, seed)
    size = options.size
    if options.method == "strip":
        request = strip_request(base, chosen, options.prompt, frames_n)
        validate(request)
        post = PostSteps(options=PixelizeOptions(palette=palette), frames=frames_n)
        result = run(Job.single(request, post=post, model=options.model,
                                      label=f"animation {options.type}", previews=False))  # fmt: skip
        if not result.items:
            raise InvalidInputError(
                result.failures[0][1] if result.failures else "Nothing was generated."
            )
        item = result.items[0]
        cut = [fit(frame, size, size) for frame in item.frames]
        return cut, [item.request] * frames_n, chosen
    default = generation_defaults()["chain_strength"]
    strength = (
        options.strength if options.strength is not None else float(chosen.get("strength", default))
    )
    frames: list[np.ndarray] = []
    requests: list[GenerationRequest] = []
    art_palette = palette
    source = None
    for i in range(frames_n):
        if i == 0:
            job = Job.single(base, model=options.model, label="animation frame 0", previews=False)
        else:
            request = next_request(base, chosen, options.prompt, strength)
            job = Job.single(request, init_image=source, model=options.model,
                             label=f"animation frame {i}", previews=False)  # fmt: skip
        result = run(job)
        if not result.items:
            raise InvalidInputError(
                result.failures[0][1] if result.failures else "Nothing was generated."
            )
        item = result.items[0]
        art = pixelize(item.raw, PixelizeOptions(palette=art_palette)).image
        if art_palette is not None and palette is None:
            art = snap_to_palette(art, art_palette)
        frame = fit(art, size, size)
        if art_palette is None:  # the first frame's colours as shown (after fitting)
            colors = np.unique(frame[frame[..., 3] > 0][:, :3], axis=0)
            art_palette = Palette([(*map(int, c), 255) for c in colors])
        frames.append(frame)
        requests.append(item.request)
        source = resize_nearest(frame, base.width, base.height)  # the next frame starts here
    return frames, requests, chosen


def consistency(frames: list[np.ndarray]) -> list[FrameCheck]:
    checks: list[FrameCheck] = []
    first_centre = None
    for i, frame in enumerate(frames):
        change = 0.0 if i == 0 else float((frame != frames[i - 1]).any(axis=2).mean())
        box, drift = opaque_box(frame), 0.0
        if box is not None:
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            first_centre = first_centre or centre
            drift = float(np.hypot(centre[0] - first_centre[0], centre[1] - first_centre[1]))
        checks.append(FrameCheck(change, box, drift))
    return checks


def animation_sprite(frames: list[np.ndarray], chosen: dict, requests: list[GenerationRequest]):
    from dgx_pixels_app.formats.frames import sprite_from_frames

    duration = int(chosen.get("duration_ms", 100))
    tag = Tag(
        chosen["id"],
        0,
        len(frames) - 1,
        Direction(chosen.get("direction", "forward")),
        color=(90, 130, 210),
    )  # a visible bar in the timeline (black hides its name)
    sprite = sprite_from_frames(frames, [duration] * len(frames), [tag], layer_name=chosen["label"])
    keep_requests(sprite, requests)
    return sprite


@dataclass
class AnimationFiles:
    folder: Path
    frames: list[Path]
    aseprite: Path
    sheet: Path
    json: Path
    gif: Path
    manifest: Path
    checks: list[FrameCheck]
    replaced: list = field(default_factory=list)  # (hand-made file, where it was kept)
    bevy: object = None  # BevyExport


def write_animation(
    options: AnimationOptions, frames, requests, chosen, model_sha256: str = ""
) -> AnimationFiles:
    """Every file of the animation, each written atomically."""
    import json

    from dgx_pixels_app.core.atomic import atomic_write_text
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.animation import save_animation
    from dgx_pixels_app.formats.deploy import guard, remember
    from dgx_pixels_app.formats.images import write_png
    from dgx_pixels_app.formats.sheet import SheetOptions
    from dgx_pixels_app.formats.sheet_json import write_sheet_files

    folder = options.folder()
    make_folder(folder)
    name = options.stem()
    targets = options.targets(len(frames))
    replaced = guard(folder, targets, options.overwrite, keep=True)
    sprite = animation_sprite(frames, chosen, requests)
    paths = []
    for i, (frame, request) in enumerate(zip(frames, requests, strict=True)):
        path = folder / f"{name}-{i}.png"
        write_png(path, frame, {"parameters": request.a1111_parameters(model_sha256),
                                "dgx-pixels": request.to_json()})  # fmt: skip
        paths.append(path)
    ase = folder / f"{name}.aseprite"
    aseprite.save(sprite, ase)
    sheet = folder / f"{name}-sheet.png"
    write_sheet_files(sprite, SheetOptions(), sheet, "hash", name)
    gif = folder / f"{name}.gif"
    save_animation(sprite, gif, "gif")
    checks = consistency(frames)
    manifest = folder / "manifest.json"
    data = {
        "schema": "dgx-pixels/animation@1", "name": name, "type": chosen["id"],
        "method": options.method, "size": options.size, "duration_ms": int(chosen.get("duration_ms", 100)),
        "model_sha256": model_sha256,
        "frames": [
            {"file": p.name, "seed": r.seed, "prompt": r.prompt, "mode": r.mode,
             "strength": r.strength, "change": round(c.change, 4), "box": c.box,
             "drift_px": round(c.drift, 2), "broken": c.broken(options.size)}
            for p, r, c in zip(paths, requests, checks, strict=True)
        ],
        "request": requests[0].to_dict(),
    }  # fmt: skip
    atomic_write_text(manifest, json.dumps(data, indent=1, ensure_ascii=False))
    remember(folder, targets)
    files = AnimationFiles(
        folder, paths, ase, sheet, sheet.with_suffix(".json"), gif, manifest, checks, replaced
    )
    if options.bevy:
        from dgx_pixels_app.formats.bevy import export_to_bevy

        files.bevy = export_to_bevy(sprite, options.bevy, name, "sprites", SheetOptions(),
                                    overwrite=options.overwrite)  # fmt: skip
    return files
