"""A character's files and its consistency figures.

One ``.aseprite`` with a tag per action and direction (``walk_east``) and the
templates' frame durations; a sheet with one row per tag and its Aseprite JSON; a GIF
per tag; the manifest with each frame's figures against the reference: palette
overlap (share of the frame's pixels in the reference's colours), silhouette height
and width drift (against the row's median), colour-histogram distance (0 same, 1
disjoint). A frame far off the rest is flagged. With a Bevy project, the sheet goes
into its assets with a snippet that finds a row by action and direction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.document import Direction, Tag
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.formats.bevy_snippets import direction_snippet
from dgx_pixels_app.jobs.frames import keep_requests, opaque_box

FLAG_OVERLAP = 0.5  # less of the frame in the reference's colours than this: flagged
FLAG_DRIFT = 0.25  # silhouette height off the row's median by more than this share
FLAG_DISTANCE = 0.35  # histogram distance above the frames' median by more than this


@dataclass
class FrameFigures:
    palette_overlap: float
    height_drift: float
    width_drift: float
    histogram_distance: float
    flagged: bool = False


@dataclass
class CharacterFiles:
    folder: Path
    aseprite: Path
    sheet: Path
    json: Path
    gifs: list[Path]
    manifest: Path
    figures: list[FrameFigures]
    bevy: object = None
    replaced: list = field(default_factory=list)


def targets(options, tags: list[str]) -> list[Path]:
    folder, name = options.folder(), options.stem()
    return [folder / f"{name}.aseprite", folder / f"{name}-sheet.png",
            folder / f"{name}-sheet.json", *(folder / f"{name}-{t}.gif" for t in tags),
            folder / "manifest.json"]  # fmt: skip


def check_outputs(options, tags: list[str]) -> None:
    """Every file may be written (nothing hand-made replaced unless the caller allows
    it) and the Bevy project taken: before any work."""
    from dgx_pixels_app.formats.deploy import guard
    from dgx_pixels_app.jobs.batch import check_output

    folder = options.folder()
    check_output(folder)
    guard(folder, targets(options, tags), options.overwrite)
    if options.bevy:
        from dgx_pixels_app.formats.bevy import check_bevy_export

        check_bevy_export(options.bevy, options.stem(), "sprites", overwrite=options.overwrite)


def make_output(options) -> None:
    """The output folder, made just before generating: one that cannot be made is said
    before the work, not after it."""
    from dgx_pixels_app.core.confine import make_folder
    from dgx_pixels_app.core.errors import FileAccessError

    folder = options.folder()
    try:
        make_folder(folder)
    except OSError as exc:
        raise FileAccessError(
            f"Cannot create the folder '{folder}': {exc.strerror or exc}."
        ) from exc


def figures(frames: list[np.ndarray], rows, reference: np.ndarray) -> list[FrameFigures]:
    ref_colours = _colours(reference)
    ref_hist = _histogram(reference)
    out, start = [], 0
    for row in rows:
        chunk = frames[start : start + row.skeletons]
        boxes = [opaque_box(f) for f in chunk]
        heights = [b[3] - b[1] for b in boxes if b] or [1]
        widths = [b[2] - b[0] for b in boxes if b] or [1]
        mh, mw = float(np.median(heights)), float(np.median(widths))
        for frame, box in zip(chunk, boxes, strict=True):
            h, w = (box[3] - box[1], box[2] - box[0]) if box else (0, 0)
            out.append(FrameFigures(_overlap(frame, ref_colours), abs(h / mh - 1), abs(w / mw - 1),
                                    _distance(_histogram(frame), ref_hist)))  # fmt: skip
        start += row.skeletons
    median = float(np.median([f.histogram_distance for f in out])) if out else 0.0
    for f in out:
        f.flagged = (f.palette_overlap < FLAG_OVERLAP or f.height_drift > FLAG_DRIFT
                     or f.histogram_distance > median + FLAG_DISTANCE)  # fmt: skip
    return out


def _bins(image: np.ndarray) -> np.ndarray:
    """Each opaque pixel's colour bin: 16 levels a channel (4096 bins, 16 apart)."""
    pixels = image[image[..., 3] >= 128][:, :3].astype(np.int32) // 16
    return pixels[:, 0] * 256 + pixels[:, 1] * 16 + pixels[:, 2]


def _colours(image: np.ndarray) -> np.ndarray:
    """The reference's colour bins and their neighbours (a colour within one level of
    one of its colours counts as its colour): a 4096-entry table, whatever the image."""
    table = np.zeros((16, 16, 16), bool)
    bins = np.unique(_bins(image))
    r, g, b = bins // 256, bins // 16 % 16, bins % 16
    for dr in (-1, 0, 1):
        for dg in (-1, 0, 1):
            for db in (-1, 0, 1):
                table[np.clip(r + dr, 0, 15), np.clip(g + dg, 0, 15), np.clip(b + db, 0, 15)] = True
    return table.reshape(-1)


def _overlap(frame: np.ndarray, colours: np.ndarray) -> float:
    bins = _bins(frame)
    return float(colours[bins].mean()) if len(bins) and colours.any() else 0.0


def _histogram(image: np.ndarray) -> np.ndarray:
    pixels = image[image[..., 3] >= 128][:, :3] // 64  # 4 levels a channel: 64 bins
    hist = np.bincount((pixels[:, 0] * 16 + pixels[:, 1] * 4 + pixels[:, 2]).astype(int),
                       minlength=64).astype(float)  # fmt: skip
    return hist / hist.sum() if hist.sum() else hist


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(0.5 * np.abs(a - b).sum())


def character_sprite(frames, rows, requests: list[GenerationRequest]):
    from dgx_pixels_app.formats.frames import sprite_from_frames

    tags, durations, start = [], [], 0
    for i, row in enumerate(rows):
        end = start + row.skeletons - 1
        hue = (60 + 40 * i) % 200
        tags.append(Tag(row.tag, start, end, Direction.FORWARD, color=(90, 130 + hue // 4, 210)))
        durations += row.durations
        start = end + 1
    sprite = sprite_from_frames(frames, durations, tags, layer_name="Character")
    keep_requests(sprite, requests)
    return sprite


def write_character(plan, frames, requests, model_sha256: str = "") -> CharacterFiles:
    """Every file, each written atomically; nothing hand-made replaced unless allowed."""
    from dgx_pixels_app.core.atomic import atomic_write_text
    from dgx_pixels_app.core.confine import make_folder
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.animation import save_animation
    from dgx_pixels_app.formats.deploy import guard, remember
    from dgx_pixels_app.formats.sheet import SheetOptions
    from dgx_pixels_app.formats.sheet_json import write_sheet_files

    o, rows = plan.options, plan.rows
    folder, name = o.folder(), o.stem()
    make_folder(folder)
    paths = targets(o, [r.tag for r in rows])
    replaced = guard(folder, paths, o.overwrite, keep=True)
    sprite = character_sprite(frames, rows, requests)
    ase, sheet = paths[0], paths[1]
    aseprite.save(sprite, ase)
    write_sheet_files(sprite, SheetOptions(layout="tags"), sheet, "hash", name)
    gifs = [folder / f"{name}-{row.tag}.gif" for row in rows]
    for row, gif in zip(rows, gifs, strict=True):
        save_animation(sprite, gif, "gif", tag=row.tag)
    checks = figures(frames, rows, plan.reference)
    manifest = folder / "manifest.json"
    atomic_write_text(manifest, json.dumps(_manifest(plan, requests, checks, model_sha256),
                                           indent=1, ensure_ascii=False))  # fmt: skip
    remember(folder, paths)
    files = CharacterFiles(folder, ase, sheet, sheet.with_suffix(".json"), gifs, manifest, checks,
                           replaced=replaced)  # fmt: skip
    if o.bevy:
        from dgx_pixels_app.formats.bevy import export_to_bevy

        files.bevy = export_to_bevy(sprite, o.bevy, name, "sprites", SheetOptions(layout="tags"),
                                    overwrite=o.overwrite)  # fmt: skip
        files.bevy.snippet += direction_snippet(
            [(r.action, r.direction) for r in rows], files.bevy.sheet.grid["columns"]
        )
    return files


def _manifest(plan, requests, checks, model_sha256: str) -> dict:
    o, out, k = plan.options, [], 0
    for r, row in enumerate(plan.rows):
        frames = []
        for i in range(row.skeletons):
            c, req = checks[k], requests[k]
            frames.append({
                "frame": k, "duration_ms": row.durations[i], "seed": req.seed,
                "pose": req.controls[0].pose if req.controls else "", "mode": req.mode,
                "started_from": k - 1 if req.mode == "img2img" else None,
                "strength": req.strength,
                "palette_overlap": round(c.palette_overlap, 3),
                "height_drift": round(c.height_drift, 3), "width_drift": round(c.width_drift, 3),
                "histogram_distance": round(c.histogram_distance, 3), "flagged": c.flagged,
            })  # fmt: skip
            k += 1
        out.append({"tag": row.tag, "action": row.action, "direction": row.direction, "row": r,
                    "loop": row.loop, "frames": frames})  # fmt: skip
    ref = requests[0].references[0] if requests and requests[0].references else None
    return {
        "schema": "dgx-pixels/character@1", "name": o.stem(), "prompt": o.prompt,
        "reference": {"path": str(Path(o.reference).resolve()), "sha256": ref.sha256 if ref else "",
                      "weight": o.weight},
        "directions": o.directions, "actions": list(dict.fromkeys(o.actions)), "size": o.size,
        "shape": plan.shape, "view": plan.view, "seed": plan.seed, "chain": o.chain,
        "model_sha256": model_sha256, "tags": out,
        "request": requests[0].to_dict() if requests else {},
    }  # fmt: skip
