"""``generate-tileset``: N seamless tile variations → tile PNGs, a sheet with Aseprite
JSON, a Tiled ``.tsx``, a manifest (seed and seam score per tile) and, on request,
the sheet and a tilemap snippet in a Bevy game.

Every tile is pixelized on a grid of whole cells (``size`` cells across the model's
image), so it wraps; all tiles share one palette (``--palette``, or the first
tile's) so the variations match. The job runs on any back end through the queue.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.confine import make_folder
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.generation import MAX_SEED, LoraRef
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.engine import hashes
from dgx_pixels_app.engine.backend import ModelInfo, Task
from dgx_pixels_app.formats.deploy import guard, remember
from dgx_pixels_app.formats.frames import sprite_from_frames
from dgx_pixels_app.formats.images import write_png
from dgx_pixels_app.formats.sheet import SheetOptions, build_sheet
from dgx_pixels_app.formats.sheet_json import write_sheet_files
from dgx_pixels_app.formats.tiled import write_tileset
from dgx_pixels_app.jobs.batch import check_output
from dgx_pixels_app.jobs.items import slug
from dgx_pixels_app.jobs.job import ImageResult, Job
from dgx_pixels_app.jobs.manifest import NAME, Manifest
from dgx_pixels_app.jobs.requests import Choices, build_request, kind_settings, speed_loras
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from dgx_pixels_app.pixelize.seam import seam_score

TILE_SIZES = range(8, 129)


@dataclass
class TilesetOptions:
    prompt: str
    model: str
    size: int = 32
    variations: int = 8
    seamless: str = "xy"  # "" for plain (non-tiling) tiles
    palette: str | Palette | None = None  # a name, a file, or one already read
    output: Path | None = None  # default ./tileset-<slug>/
    style: str | None = None
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    scheduler: str | None = None  # default: the tile kind's
    loras: list[LoraRef] = field(default_factory=list)
    resolution: int | None = None  # the model's image size (default: the tile kind's)
    padding: int = 0
    extrude: int = 0
    columns: int | None = None
    remove_background: bool = False
    bevy: str | None = None  # a Bevy project folder
    overwrite: bool = False  # replace files DGX-Pixels did not write (output folder, Bevy project)
    name: str | None = None
    options: dict = field(default_factory=dict)  # declared generation options

    def folder(self) -> Path:
        return Path(self.output) if self.output else Path(f"tileset-{slug(self.prompt)}")

    def stem(self) -> str:
        """The files' name: the given one made safe (or refused), else from the prompt."""
        return safe_name(self.name) if self.name is not None else slug(self.prompt)

    def targets(self) -> list[Path]:
        """Every file the tileset writes into its folder."""
        folder, name = self.folder(), self.stem()
        return [*(folder / f"{name}-{i:02d}.png" for i in range(self.variations)),
                *(folder / f"{name}{suffix}" for suffix in (".png", ".json", ".tsx")),
                folder / NAME]  # fmt: skip


def check_tile_size(size: int) -> None:
    if size not in TILE_SIZES or size % 4:
        raise InvalidInputError(
            f"Tile size must be a multiple of 4 from 8 to 128 px (8, 16, 24, 32, 48, 64…), not {size}."
        )


def prepare_tileset(options: TilesetOptions) -> Job:
    """The tileset job; validates everything first and writes nothing."""
    check_tile_size(options.size)
    if not 1 <= options.variations <= 64:
        raise OptionError("variations", f"must be 1 to 64, not {options.variations}")
    if options.bevy:
        from dgx_pixels_app.formats.bevy import check_bevy_export

        check_bevy_export(options.bevy, options.stem(), "tilesets", overwrite=options.overwrite)
    folder = options.folder()
    check_output(folder)
    guard(folder, options.targets(), options.overwrite)  # nothing hand-made is lost
    palette = None
    if options.palette:
        from dgx_pixels_app.formats.palettes import find_palette

        palette = find_palette(options.palette)
    side = options.resolution or int(kind_settings("tile")["width"])
    step = math.lcm(options.size, 8)  # whole cells, and a size the model takes
    side = max(step * math.ceil(64 / step), round(side / step) * step)
    base = options.seed if options.seed is not None else random.randint(0, MAX_SEED)
    tasks, entries = [], []
    name = options.stem()
    found = speed_loras(options.options)
    for i in range(options.variations):
        request = build_request(Choices(
            options.prompt, kind="tile", style=options.style, model=options.model,
            loras=list(options.loras), seed=(base + i) % (MAX_SEED + 1), steps=options.steps,
            cfg=options.cfg, resolution=side, scheduler=options.scheduler,
            seamless=options.seamless, options=options.options, speed_loras=found,
        ))  # fmt: skip
        tasks.append(Task(i, request))
        entries.append({"index": i, "item": name, "file": f"{name}-{i:02d}.png",
                        "status": "pending", "size": options.size, "request": request.to_dict()})  # fmt: skip
    plan = {"kind": "tileset", "prompt": options.prompt, "size": options.size,
            "variations": options.variations, "seamless": options.seamless, "seed": options.seed}  # fmt: skip
    target = TilesetFolder(folder, Manifest(folder / NAME, plan, entries), options, palette)
    return Job(tasks, target=target, model=options.model, label=f"tileset {name}", previews=False)


class TilesetFolder:
    """Tiles as they arrive; the sheet, JSON, .tsx and Bevy files when all are in."""

    def __init__(self, output: Path, manifest: Manifest, options: TilesetOptions,
                 palette: Palette | None) -> None:  # fmt: skip
        self.output, self.manifest, self.options = output, manifest, options
        self.palette = palette
        self.by_index = {e["index"]: e for e in manifest.images}
        self.tiles: dict[int, np.ndarray] = {}
        self.files: list[Path] = []
        self.replaced: list[tuple[Path, Path]] = []  # (hand-made file, where it was kept)
        self.bevy = None

    def begin(self, job: Job, model: ModelInfo | None) -> None:
        make_folder(self.output)
        self.replaced = guard(
            self.output, self.options.targets(), self.options.overwrite, keep=True
        )
        self.manifest.backend = job.backend_name
        if model is not None:
            self.manifest.model = {"path": str(model.path), "sha256": hashes.sha256(model.path)}
        self._save_manifest()

    def _save_manifest(self) -> None:
        self.manifest.save()
        remember(self.output, [self.manifest.path])

    def write(self, image: ImageResult) -> None:
        raw = image.raw
        options = PixelizeOptions(
            cell=raw.shape[1] / self.options.size, tile=True, palette=self.palette,
            remove_background=self.options.remove_background,
        )  # fmt: skip
        result = pixelize(raw, options)
        tile = result.image
        if self.palette is None and len(result.palette):  # the first tile sets the palette
            self.palette = Palette([(*map(int, c), 255) for c in result.palette])
        score = seam_score(tile)
        entry = self.by_index[image.index]
        path = self.output / entry["file"]
        write_png(path, tile, {"parameters": image.request.a1111_parameters(),
                               "dgx-pixels": image.request.to_json()})  # fmt: skip
        self.tiles[image.index] = tile
        self.files.append(path)
        remember(self.output, [path])
        entry.update(status="done", seed=image.request.seed, seconds=round(image.seconds, 3),
                     seam={"x": round(score.x, 3), "y": round(score.y, 3),
                           "score": round(score.score, 3)},
                     seamless=score.seamless, worker=image.worker)  # fmt: skip
        self._save_manifest()

    def fail(self, index: int, message: str) -> None:
        self.by_index[index].update(status="failed", error=message)
        self._save_manifest()

    def finish(self, cancelled: bool) -> None:
        self._save_manifest()
        if cancelled or not self.tiles:
            return
        order = sorted(self.tiles)
        sprite = sprite_from_frames([self.tiles[i] for i in order])
        name = self.options.stem()
        columns = self.options.columns or min(8, len(order))
        sheet_options = SheetOptions(layout="rows", columns=columns, padding=self.options.padding,
                                     extrude=self.options.extrude)  # fmt: skip
        sheet_path = self.output / f"{name}.png"
        write_sheet_files(sprite, sheet_options, sheet_path, "hash", name)
        sheet = build_sheet(sprite, sheet_options)
        props = [{"seed": int(self.by_index[i]["seed"]),
                  "seam_score": float(self.by_index[i]["seam"]["score"])} for i in order]  # fmt: skip
        write_tileset(self.output / f"{name}.tsx", sheet, sheet_path.name, name, props)
        self.files += [sheet_path, sheet_path.with_suffix(".json"), self.output / f"{name}.tsx"]
        remember(self.output, self.files[-3:])
        if self.options.bevy:
            from dgx_pixels_app.formats.bevy import export_to_bevy
            from dgx_pixels_app.formats.bevy_snippets import tilemap_snippet

            export = export_to_bevy(sprite, self.options.bevy, name, "tilesets", sheet_options,
                                    overwrite=self.options.overwrite)  # fmt: skip
            self.bevy = export
            self.bevy_snippet = tilemap_snippet(export.sheet, export.asset_path, name)
