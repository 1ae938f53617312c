"""Batch generation: a list of items → one job → pixelized PNGs, a manifest and a
contact sheet, resumable after a crash.

:func:`prepare_batch` checks everything a person gave (items, kind, style, size,
output folder) before anything is written, plans every image with an explicit
seed, and returns a :class:`~dgx_pixels_app.jobs.job.Job` whose target is a
:class:`BatchFolder`. Any front end (CLI, GUI, agents) submits that job to a
queue on any back end; the same plan gives the same images on each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.confine import make_folder
from dgx_pixels_app.core.errors import (
    DgxPixelsError,
    FileAccessError,
    InvalidInputError,
    OptionError,
)
from dgx_pixels_app.core.generation import (
    MAX_SEED,
    SCHEDULERS,
    GenerationRequest,
    LoraRef,
)
from dgx_pixels_app.core.names import unused_name
from dgx_pixels_app.engine import hashes
from dgx_pixels_app.engine.backend import ModelInfo, Task
from dgx_pixels_app.formats.contact_sheet import contact_sheet
from dgx_pixels_app.formats.images import read_rgba, write_png
from dgx_pixels_app.jobs.frames import crop_to_content, fit
from dgx_pixels_app.jobs.items import BatchItem, slug
from dgx_pixels_app.jobs.job import ImageResult, Job, PostSteps
from dgx_pixels_app.jobs.manifest import NAME, Manifest, check_same_plan
from dgx_pixels_app.jobs.requests import (
    Choices,
    build_request,
    check_options,
    declared,
    kind_settings,
    speed_loras,
)
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions

CONTACT_SHEET = "index.png"


@dataclass
class BatchOptions:
    output: Path
    model: str
    kind: str | None = "item"
    style: str | None = None
    size: int = 64
    count: int = 1
    seed: int | None = None
    steps: int | None = None  # default: the kind's
    cfg: float | None = None  # default: the kind's
    scheduler: str | None = None  # default: the kind's
    negative: str = ""
    loras: list[LoraRef] = field(default_factory=list)
    palette: str | None = None  # snap every sprite to this palette (name or file)
    resolution: int | None = None  # the model's image size (default: the kind's)
    items_sha256: str = ""
    options: dict = field(default_factory=dict)  # declared generation options

    def identity(self) -> dict:
        """What must match for ``--resume`` to continue this batch: as the requests will
        be (the kind's sampler when none is given, options other than their defaults), so
        the app, the command line and earlier versions agree on the same batch."""
        options = {k: v for k, v in check_options(self.options).items()
                   if v != declared()[k].get("default")}  # fmt: skip
        scheduler = self.scheduler or kind_settings(self.kind)["scheduler"]
        return {
            "items_sha256": self.items_sha256, "model": str(Path(self.model).expanduser().resolve()),
            "kind": self.kind, "style": self.style, "size": self.size, "count": self.count,
            "seed": self.seed, "steps": self.steps, "cfg": self.cfg, "scheduler": scheduler,
            "negative": self.negative, "palette": self.palette, "resolution": self.resolution,
            "loras": [[str(Path(lo.path).expanduser().resolve()), lo.weight] for lo in self.loras],
            **({"options": options} if options else {}),
        }  # fmt: skip


def check_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise InvalidInputError(f"The output '{output}' is a file, not a folder.")
    parent = output if output.exists() else output.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InvalidInputError(f"Cannot create the output folder '{output}'.")


def _plain(name: str, at: str) -> None:
    from dgx_pixels_app.core.names import safe_name

    try:
        safe_name(name)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{at}: {exc}" if at else str(exc)) from exc


def _unique(name: str, taken: set[str]) -> str:
    candidate = unused_name(name, taken)
    taken.add(candidate)
    return candidate


def plan_images(items: list[BatchItem], options: BatchOptions) -> list[dict]:
    """One manifest entry per image, every seed explicit. Raises on bad input."""
    base_seed = options.seed if options.seed is not None else random.randint(0, MAX_SEED)
    taken = {p.stem for p in options.output.glob("*.png")} if options.output.is_dir() else set()
    taken.add(Path(CONTACT_SHEET).stem)
    entries: list[dict] = []
    for item in items:  # an item's own values, said with its file and line
        check_options(item.options, item.at)
    found = speed_loras(options.options, *(item.options for item in items))
    for item in items:
        count = item.count or options.count
        if item.name:  # a name someone gave: one that looks like a path is refused
            _plain(item.name, item.at)
        name = _unique(slug(item.name or item.prompt), taken)
        for j in range(count):
            seed = (item.seed + j) if item.seed is not None else base_seed + len(entries)
            request = build_request(Choices(
                item.prompt, kind=item.kind or options.kind, style=item.style or options.style,
                negative=", ".join(n for n in (options.negative, item.negative or "") if n),
                model=options.model, loras=list(options.loras), seed=seed % (MAX_SEED + 1),
                steps=options.steps, cfg=options.cfg, resolution=options.resolution,
                scheduler=options.scheduler, where=item.at,
                options={**options.options, **item.options}, speed_loras=found,
            ))  # fmt: skip
            entries.append(
                {
                    "item": name, "index": len(entries), "subject": item.prompt,
                    "file": f"{name}.png" if count == 1 else f"{name}-{j + 1}.png",
                    "status": "pending", "size": item.size or options.size,
                    "request": request.to_dict(),
                }
            )  # fmt: skip
    return entries


def prepare_batch(items: list[BatchItem], options: BatchOptions, resume: bool = False) -> Job:
    """The batch job, ready to submit. Nothing is written here."""
    if not 8 <= options.size <= 512:
        raise OptionError("size", f"must be 8 to 512 pixels, not {options.size}")
    if not 1 <= options.count <= 64:
        raise OptionError("count", f"must be 1 to 64, not {options.count}")
    if options.scheduler is not None and options.scheduler not in SCHEDULERS:
        raise InvalidInputError(f"The sampler must be one of {', '.join(SCHEDULERS)}.")
    output = Path(options.output).expanduser()
    check_output(output)
    palette = None
    if options.palette:
        from dgx_pixels_app.formats.palettes import find_palette

        palette = find_palette(options.palette)
    identity = options.identity()
    manifest_path = output / NAME
    if manifest_path.exists():
        if not resume:
            raise InvalidInputError(
                f"'{output}' already holds a batch ({NAME}): resume it to finish it, or "
                "choose another output folder."
            )
        manifest = Manifest.load(manifest_path)
        check_same_plan(manifest, identity)
    else:
        manifest = Manifest(manifest_path, identity, plan_images(items, options))
    target = BatchFolder(output, manifest)
    tasks = [
        Task(entry["index"], GenerationRequest.from_dict(entry["request"]))
        for entry in manifest.images
        if not target.is_done(entry)
    ]
    post = PostSteps(pixelize=True, options=PixelizeOptions(palette=palette), size=None)
    return Job(tasks, post=post, target=target, model=options.model,
               label=f"batch {output.name}", previews=False)  # fmt: skip


class BatchFolder:
    """The files of a batch: PNGs with their parameters, the manifest, the contact sheet."""

    def __init__(self, output: Path, manifest: Manifest) -> None:
        self.output = output
        self.manifest = manifest
        self.by_index = {entry["index"]: entry for entry in manifest.images}
        self._lora_hashes: dict[str, str] = {}

    def is_done(self, entry: dict) -> bool:
        return entry.get("status") == "done" and (self.output / entry["file"]).is_file()

    @property
    def total(self) -> int:
        return len(self.manifest.images)

    def done_count(self) -> int:
        return sum(1 for entry in self.manifest.images if self.is_done(entry))

    def begin(self, job: Job, model: ModelInfo | None) -> None:
        try:
            make_folder(self.output)
        except OSError as exc:
            raise FileAccessError(f"Cannot create '{self.output}': {exc.strerror or exc}.") from exc
        for stale in self.output.glob(".*.tmp"):  # left by a write that was killed
            stale.unlink(missing_ok=True)
        self.manifest.backend = job.backend_name
        if model is not None and self.manifest.model.get("path") != str(model.path):
            self.manifest.model = {"path": str(model.path), "sha256": hashes.sha256(model.path)}
        for lora in {lo.path for e in self.manifest.images for lo in _loras(e)}:
            self._lora_hashes[lora] = hashes.sha256(lora)
        self.manifest.save()

    def write(self, image: ImageResult) -> None:
        entry = self.by_index[image.index]
        size = int(entry["size"])
        art = fit(crop_to_content(image.art), size, size)
        request = image.request
        model_hash = self.manifest.model.get("sha256", "")
        loras = [{"path": lo.path, "weight": lo.weight, "sha256": self._lora_hashes.get(lo.path, "")}
                 for lo in request.loras if lo.enabled]  # fmt: skip
        lora_hashes = {Path(lo["path"]).stem: lo["sha256"] for lo in loras if lo["sha256"]}
        text = {
            "parameters": request.a1111_parameters(model_hash, lora_hashes),
            "dgx-pixels": request.to_json(),
        }
        write_png(self.output / entry["file"], art, text)
        entry.update(
            status="done", error=None, prompt=request.prompt, negative=request.negative_prompt,
            seed=request.seed, model=request.model, model_sha256=model_hash, loras=loras,
            steps=request.steps, cfg=request.cfg, sampler=request.scheduler,
            width=request.width, height=request.height, seconds=round(image.seconds, 3),
            worker=image.worker, sprite_size=[int(art.shape[1]), int(art.shape[0])],
        )  # fmt: skip
        self.manifest.save()

    def fail(self, index: int, message: str) -> None:
        entry = self.by_index.get(index)
        if entry is not None:
            entry.update(status="failed", error=message)
            self.manifest.save()

    def finish(self, cancelled: bool) -> None:
        self.manifest.save()
        entries = []
        for entry in self.manifest.images:
            if self.is_done(entry):
                try:
                    entries.append(
                        (Path(entry["file"]).stem, read_rgba(self.output / entry["file"]))
                    )
                except DgxPixelsError:
                    continue
        if entries:
            write_png(self.output / CONTACT_SHEET, contact_sheet(entries))


def _loras(entry: dict) -> list[LoraRef]:
    return GenerationRequest.from_dict(entry["request"]).loras
