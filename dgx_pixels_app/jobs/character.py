"""``generate-character``: one character in every direction and action, from a reference.

Every frame is conditioned on the same reference image (IP-Adapter) and seed, with
its own pose from the action's template (an OpenPose ControlNet) seen from its
direction; optionally each frame starts from the one before (image-to-image). All
frames are pixelized to one palette (the reference's own when it is pixel art) and
fitted to the sprite size. Files: jobs.character_files. Every input is checked, and
the models for the controls found, before the base model loads.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.control import ControlRef, ReferenceRef, check_references
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.generation import MAX_SEED, GenerationRequest, LoraRef
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.pose import SHAPES, check_direction, directions_for
from dgx_pixels_app.engine.backend import Task
from dgx_pixels_app.jobs.frames import fit
from dgx_pixels_app.jobs.guides import find_models, find_template, prepare, read_image
from dgx_pixels_app.jobs.items import slug
from dgx_pixels_app.jobs.job import Job
from dgx_pixels_app.jobs.requests import Choices, build_request
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from dgx_pixels_app.resources import control_data

VIEWS = ("side", "top-down")
PIXEL_ART_COLOURS = 48  # a reference with at most this many colours gives its palette


@dataclass
class CharacterOptions:
    reference: str
    model: str
    reference_image: np.ndarray | None = None  # pixels the caller has (the open sprite's frame)
    prompt: str = "character"
    directions: int = 4
    facing: list[str] | None = None  # these directions instead (generate-animation's one)
    actions: list[str] = field(default_factory=lambda: ["idle", "walk"])
    size: int = 48
    shape: str | None = None  # tall or chibi (default: chibi at 32 px and below)
    view: str | None = None  # side or top-down (default: side for 1-2 directions)
    weight: float = 0.7  # the reference's
    pose_strength: float = 1.0
    pose_end: float = 1.0  # the pose acts over the steps 0..pose_end
    chain: bool = False  # each frame of a row starts from the one before
    chain_strength: float = 0.75
    palette: str | Palette | None = None
    output: str | Path | None = None
    name: str | None = None
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    scheduler: str | None = None
    loras: list[LoraRef] = field(default_factory=list)
    resolution: int | None = None
    options: dict = field(default_factory=dict)
    bevy: str | None = None
    overwrite: bool = False
    write: bool = True  # files in ``folder()`` (the app opens the frames as a sprite instead)

    def stem(self) -> str:
        return safe_name(self.name) if self.name is not None else slug(self.prompt)

    def folder(self) -> Path:
        return Path(self.output) if self.output else Path(f"character-{self.stem()}")


@dataclass
class Row:
    """One tag: an action seen from one direction."""

    action: str
    direction: str
    skeletons: int  # frames
    durations: list[int]
    loop: bool

    @property
    def tag(self) -> str:
        return f"{self.action}_{self.direction.replace('-', '_')}"


@dataclass
class Plan:
    options: CharacterOptions
    rows: list[Row]
    shape: str
    view: str
    reference: np.ndarray
    seed: int
    palette: Palette | None = None  # the one every frame was snapped to (after generating)

    @property
    def frames(self) -> int:
        return sum(r.skeletons for r in self.rows)


def plan(options: CharacterOptions) -> Plan:
    """Every check that needs no model: directions, actions, size, shape, the
    reference image, the output folder and the Bevy project."""
    directions = directions_for(options.directions) if not options.facing else options.facing
    for direction in directions:
        check_direction(direction)
    if not options.actions:
        raise OptionError("actions", "name at least one action (idle, walk, …)")
    if not options.prompt.strip() or len(options.prompt) > 2000:
        raise OptionError("prompt", "must be 1 to 2000 characters")
    if not 8 <= options.size <= 512 or options.size % 4:
        raise OptionError("size", f"must be a multiple of 4 from 8 to 512, not {options.size}")
    shape = options.shape or ("chibi" if options.size <= 32 else "tall")
    side_only = set(directions) <= {"east", "west"}
    view = options.view or ("side" if side_only else "top-down")
    if shape not in SHAPES or view not in VIEWS:
        raise InvalidInputError(f"Shape is tall or chibi and view side or top-down, not "
                                f"{shape} / {view}.")  # fmt: skip
    check_references([ReferenceRef(options.reference, options.weight)])
    rows = []
    for action in dict.fromkeys(options.actions):
        template = find_template(action)
        durations = [f.duration_ms for f in template.frames]
        for direction in directions:
            rows.append(Row(action, direction, len(durations), durations, template.loop))
    if sum(r.skeletons for r in rows) > 512:
        raise InvalidInputError("At most 512 frames in one character: fewer actions or directions.")
    ref = options.reference_image
    reference = ref if ref is not None else read_image(options.reference)
    if not reference[..., 3].any():
        raise InvalidInputError(f"The reference '{Path(options.reference).name}' is empty.")
    from dgx_pixels_app.jobs.character_files import check_outputs

    if options.write:
        check_outputs(options, [r.tag for r in rows])
    seed = options.seed if options.seed is not None else random.randint(0, MAX_SEED)
    return Plan(options, rows, shape, view, reference, seed)


def requests_for(p: Plan) -> list[tuple[Row, int, GenerationRequest, object]]:
    """(row, frame, request, guide pixels) for every frame, models chosen: a missing
    ControlNet or IP-Adapter is an error here, before the base model loads."""
    o = p.options
    words = control_data().get("directions", {})
    found = find_models()
    out = []
    for row in p.rows:
        subject = ", ".join(w for w in (o.prompt, words.get(row.direction, "")) if w)
        base = build_request(Choices(
            subject, kind="character", model=o.model, loras=list(o.loras), seed=p.seed,
            steps=o.steps, cfg=o.cfg, width=o.resolution, height=o.resolution,
            scheduler=o.scheduler, options=o.options,
            references=[ReferenceRef(o.reference, o.weight)],
        ))  # fmt: skip
        for i in range(row.skeletons):
            pose = f"{row.action}/{row.direction}/{i}/{p.shape}/{p.view}"
            control = ControlRef("pose", strength=o.pose_strength, end=o.pose_end, pose=pose)
            request = replace(base, controls=[control])
            request, guides = prepare(request, pixels={o.reference: p.reference}, found=found)
            out.append((row, i, request, guides))
    return out


def generate(run, p: Plan, frames_in=None, progress=None, place=None):
    """Every frame at the sprite size and the request behind each. ``run(job)`` runs a
    job to its end (``JobQueue.run`` or a runner on a shared queue); ``frames_in``:
    :func:`requests_for`'s answer if the caller has it."""
    o = p.options
    frames_in = frames_in if frames_in is not None else requests_for(p)
    if o.write:
        from dgx_pixels_app.jobs.character_files import make_output

        make_output(o)
    raws: list[np.ndarray] = []
    requests: list[GenerationRequest] = []
    if not o.chain:
        tasks = [Task(k, r, guides=g) for k, (_, _, r, g) in enumerate(frames_in)]
        result = run(Job(tasks, model=o.model, label="character", previews=False, place=place))
        _check_complete(result, len(tasks))
        raws = [item.raw for item in sorted(result.items, key=lambda item: item.index)]
        requests = [item.request for item in sorted(result.items, key=lambda item: item.index)]
    else:
        for k, (_row, i, request, guides) in enumerate(frames_in):
            source = raws[-1] if i > 0 else None
            if source is not None:
                request = replace(request, strength=o.chain_strength)
            job = Job([Task(k, request, init_image=source, guides=guides)], model=o.model,
                      label=f"character frame {k + 1}", previews=False, place=place)  # fmt: skip
            result = run(job)
            _check_complete(result, 1)
            raws.append(result.items[0].raw)
            requests.append(result.items[0].request)
            if progress:
                progress(k + 1, len(frames_in))
    palette = p.palette = _shared_palette(p, raws[0])
    frames = [fit(pixelize(raw, PixelizeOptions(palette=palette)).image, o.size, o.size)
              for raw in raws]  # fmt: skip
    return frames, requests


def _check_complete(result, expected: int) -> None:
    if len(result.items) != expected:
        message = result.failures[0][1] if result.failures else "Some frames were not generated."
        raise InvalidInputError(message)


def _shared_palette(p: Plan, first_raw: np.ndarray) -> Palette:
    """The palette every frame snaps to: one the user named, else the reference's own
    colours when it is pixel art, else the first frame's after pixelizing."""
    if p.options.palette is not None:
        from dgx_pixels_app.formats.palettes import find_palette

        return find_palette(p.options.palette)
    ref = p.reference
    colours = np.unique(ref[ref[..., 3] >= 128][:, :3], axis=0)
    if 2 <= len(colours) <= PIXEL_ART_COLOURS:
        return Palette([(*map(int, c), 255) for c in colours])
    art = pixelize(first_raw, PixelizeOptions()).image
    colours = np.unique(art[art[..., 3] > 0][:, :3], axis=0)
    return Palette([(*map(int, c), 255) for c in colours[:256]])
