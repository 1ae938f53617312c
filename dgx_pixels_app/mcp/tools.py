"""The MCP tools: typed arguments, structured results, errors a person can act on.

Every tool validates its arguments against the limits below (stated in its
description, so an agent knows them), confines paths to the server's roots, and
runs generation as jobs on the shared queue. A problem is raised as a
``ToolError`` with the app's own message; the server keeps serving.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, TextContent

from dgx_pixels_app import __version__
from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.core.generation import GenerationRequest, parse_lora
from dgx_pixels_app.engine.engine import CancelToken
from dgx_pixels_app.jobs.items import slug
from dgx_pixels_app.jobs.job import Job, PostSteps
from dgx_pixels_app.jobs.queue import JobQueue
from dgx_pixels_app.mcp.bridge import blocking_runner, run_job
from dgx_pixels_app.mcp.confine import Roots

MAX_PROMPT = 1000  # characters
MAX_SIZE = 256  # sprite px
MAX_COUNT = 8
MAX_STEPS = 60
MAX_VARIATIONS = 16
PREVIEW_PX = 256  # the image shown to the agent is at most this big
LIMITS = (
    f"Limits: prompt up to {MAX_PROMPT} characters, size 8-{MAX_SIZE} px, count 1-{MAX_COUNT}, "
    f"steps 1-{MAX_STEPS}, frames 2-16, variations 1-{MAX_VARIATIONS}. Paths are relative to the "
    "first allowed root (or absolute inside an allowed root); '..' and links that leave the roots "
    "are refused."
)


@dataclass
class ServerConfig:
    roots: Roots
    model: str | None = None  # the SDXL model generation uses
    resolution: int = 1024  # the model's image size for sprites
    steps: int | None = None  # default: the kind's
    output: str = "dgx-pixels"  # default output folder, inside the first root
    into_app: bool = False  # running inside the app: results may go into the open document
    defaults: dict[str, Any] = field(default_factory=dict)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(message)


def _check_prompt(prompt: str) -> str:
    _check(isinstance(prompt, str) and prompt.strip() != "", "The prompt is empty.")
    _check(
        len(prompt) <= MAX_PROMPT, f"The prompt is {len(prompt)} characters; at most {MAX_PROMPT}."
    )
    return prompt.strip()


def _check_common(size: int, seed: int | None, steps: int | None, size_max: int = MAX_SIZE) -> None:
    _check(8 <= size <= size_max, f"size must be 8 to {size_max} px, not {size}.")
    _check(seed is None or 0 <= seed <= 2**32 - 1, "seed must be 0 to 4294967295.")
    _check(
        steps is None or 1 <= steps <= MAX_STEPS, f"steps must be 1 to {MAX_STEPS}, not {steps}."
    )


def _png_b64(rgba: np.ndarray) -> str:
    from dgx_pixels_app.core.raster import resize_nearest
    from dgx_pixels_app.formats.images import encode_png

    h, w = rgba.shape[:2]
    scale = max(1, PREVIEW_PX // max(w, h))
    if max(w, h) > PREVIEW_PX:
        ratio = PREVIEW_PX / max(w, h)
        rgba = resize_nearest(rgba, max(1, int(w * ratio)), max(1, int(h * ratio)))
    elif scale > 1:
        rgba = np.repeat(np.repeat(rgba, scale, axis=0), scale, axis=1)
    return base64.b64encode(encode_png(rgba)).decode()


def result(data: dict, image: np.ndarray | None = None) -> CallToolResult:
    content: list = [TextContent(type="text", text=json.dumps(data, indent=1))]
    if image is not None:
        content.append(ImageContent(type="image", data=_png_b64(image), mime_type="image/png"))
    return CallToolResult(content=content, structured_content=data)


def _unique(folder: Path, stem: str, suffix: str = ".png") -> Path:
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


class Tools:
    """The tool implementations, bound to a queue, a configuration and the roots."""

    def __init__(self, queue: JobQueue, config: ServerConfig) -> None:
        self.queue = queue
        self.config = config
        self.roots = config.roots

    # -- helpers --------------------------------------------------------------------
    def _model(self) -> str:
        if not self.config.model:
            raise InvalidInputError(
                "No model: start the server with --model PATH (an SDXL folder or .safetensors)."
            )
        return self.config.model

    def _folder(self, output: str | None, fallback: str) -> Path:
        folder = self.roots.write(output or f"{self.config.output}/{fallback}", "output")
        _check(
            not folder.exists() or folder.is_dir(),
            f"The output '{output}' is a file, not a folder.",
        )
        return folder

    def _loras(self, loras: list[str] | None):
        refs = []
        for text in loras or []:
            ref = parse_lora(text)
            ref.path = str(self.roots.read(ref.path, "LoRA"))
            refs.append(ref)
        return refs

    def _tag(self, tool: str, into_document: bool = False) -> dict:
        return {"agent": tool, "into_document": bool(into_document and self.config.into_app)}

    @staticmethod
    async def _progress(ctx: Context | None):
        if ctx is None:
            return None

        async def report(done: float, total: float, message: str) -> None:
            await ctx.report_progress(done, total, message)

        return report

    # -- listing ---------------------------------------------------------------------
    async def list_models(self) -> CallToolResult:
        from dgx_pixels_app.engine.discovery import find_checkpoints

        found = await asyncio.to_thread(find_checkpoints)
        loaded = self.queue.backend.model
        return result(
            {
                "default": self.config.model,
                "loaded": str(loaded.path) if loaded else None,
                "models": [
                    {"name": m.name, "path": str(m.path), "source": m.source, "kind": m.kind}
                    for m in found
                ],  # fmt: skip
            }
        )

    async def list_loras(self) -> CallToolResult:
        from dgx_pixels_app.engine.discovery import find_loras

        found = await asyncio.to_thread(find_loras, None, self.roots.writable)
        return result(
            {"loras": [{"name": m.name, "path": str(m.path), "source": m.source} for m in found]}
        )

    async def list_presets(self) -> CallToolResult:
        from dgx_pixels_app.resources import animation_presets, builtin_palettes, prompt_presets

        kinds, styles = prompt_presets()
        return result(
            {
                "kinds": [
                    {"id": k["id"], "label": k["label"], "size": [k.get("width"), k.get("height")]}
                    for k in kinds
                ],  # fmt: skip
                "styles": [{"id": s["id"], "label": s["label"]} for s in styles],
                "animations": [
                    {
                        "id": a["id"],
                        "label": a["label"],
                        "frames": a.get("frames"),
                        "duration_ms": a.get("duration_ms"),
                    }
                    for a in animation_presets()
                ],  # fmt: skip
                "palettes": sorted(builtin_palettes()),
            }
        )

    # -- generation ------------------------------------------------------------------
    async def _sprites(
        self, prompt: str, kind: str, style: str | None, size: int, palette: str | None,
        seed: int | None, loras: list[str] | None, count: int, steps: int | None, tag: dict,
        ctx: Context | None,
    ):  # fmt: skip
        """Generate and pixelize ``count`` sprites; returns the job's result (no files)."""
        from dgx_pixels_app.engine.engine import validate
        from dgx_pixels_app.pixelize.pipeline import PixelizeOptions
        from dgx_pixels_app.resources import compose_prompt, find_preset, prompt_presets

        prompt = _check_prompt(prompt)
        _check_common(size, seed, steps)
        _check(1 <= count <= MAX_COUNT, f"count must be 1 to {MAX_COUNT}, not {count}.")
        kinds, styles = prompt_presets()
        kind_preset = find_preset(kinds, kind, "kind")
        style_preset = find_preset(styles, style, "style")
        full, negative = compose_prompt(prompt, kind_preset, style_preset)
        chosen = self._palette(palette)
        side = self.config.resolution
        request = GenerationRequest(
            prompt=full, negative_prompt=negative, seed=seed, loras=self._loras(loras),
            steps=steps or self.config.steps or int((kind_preset or {}).get("steps", 25)),
            cfg=float((kind_preset or {}).get("cfg", 6.0)), width=side, height=side,
            scheduler="euler", extra={"subject": prompt},
        )  # fmt: skip
        validate(request, count)
        post = PostSteps(options=PixelizeOptions(palette=chosen), size=size)
        job = Job.single(request, count, post=post, model=self._model(),
                         label=f"agent: {prompt[:40]}", previews=False, tag=tag)  # fmt: skip
        done = await run_job(self.queue, job, await self._progress(ctx))
        if not done.items:
            raise InvalidInputError(
                done.failures[0][1] if done.failures else "Nothing was generated."
            )
        return done

    def _palette(self, palette: str | None):
        if not palette:
            return None
        from dgx_pixels_app.formats.palettes import find_palette
        from dgx_pixels_app.resources import builtin_palettes

        if palette.lower() in builtin_palettes():
            return find_palette(palette)
        return find_palette(str(self.roots.read(palette, "palette")))

    async def generate_sprite(
        self, prompt: str, kind: str = "item", style: str | None = None, size: int = 64,
        palette: str | None = None, seed: int | None = None, loras: list[str] | None = None,
        count: int = 1, steps: int | None = None, output: str | None = None,
        name: str | None = None, into_document: bool = False, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        from dgx_pixels_app.formats.images import write_png

        folder = self._folder(output, "sprites")
        tag = self._tag("generate_sprite", into_document)
        done = await self._sprites(
            prompt, kind, style, size, palette, seed, loras, count, steps, tag, ctx
        )
        folder.mkdir(parents=True, exist_ok=True)
        sprites = []
        for item in done.items:
            path = _unique(folder, f"{slug(name or prompt)}-{item.request.seed}")
            write_png(path, item.art, {"parameters": item.request.a1111_parameters(),
                                       "dgx-pixels": item.request.to_json()})  # fmt: skip
            sprites.append({"file": str(path), "seed": item.request.seed, "width": int(item.art.shape[1]),
                            "height": int(item.art.shape[0]), "prompt": item.request.prompt,
                            "seconds": round(item.seconds, 2)})  # fmt: skip
        return result({"sprites": sprites, "model": self._model()}, done.items[0].art)

    async def generate_animation(
        self, prompt: str, type: str = "idle", frames: int | None = None, size: int = 64,
        method: str = "strip", palette: str | None = None, seed: int | None = None,
        steps: int | None = None, output: str | None = None, name: str | None = None,
        ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        from dgx_pixels_app.jobs.animation import AnimationOptions

        prompt = _check_prompt(prompt)
        _check_common(size, seed, steps)
        folder = self._folder(output, f"{type}-{slug(name or prompt)}")
        options = AnimationOptions(
            prompt=prompt, model=self._model(), frames=frames, type=type, size=size, method=method,
            palette=palette, output=folder, name=name, seed=seed, steps=steps or self.config.steps,
            resolution=self.config.resolution,
        )  # fmt: skip
        files = await self._animate(options, ctx)
        data = {
            "folder": str(files.folder), "frames": [str(p) for p in files.frames],
            "aseprite": str(files.aseprite), "sheet": str(files.sheet), "json": str(files.json),
            "gif": str(files.gif), "manifest": str(files.manifest),
            "consistency": [{"frame": i, "changed": round(c.change, 3), "drift_px": round(c.drift, 2),
                             "broken": c.broken(size)} for i, c in enumerate(files.checks)],
        }  # fmt: skip
        from dgx_pixels_app.formats.images import read_rgba

        return result(data, read_rgba(files.sheet))

    async def _animate(self, options, ctx: Context | None, bevy: str | None = None):
        from dgx_pixels_app.engine import hashes
        from dgx_pixels_app.jobs.animation import check, generate_frames, write_animation

        check(options)
        cancel = CancelToken()
        run = blocking_runner(self.queue, cancel)

        def work():
            frames, requests, chosen = generate_frames(run, options)
            return write_animation(options, frames, requests, chosen, hashes.sha256(options.model))

        task = asyncio.ensure_future(asyncio.to_thread(work))
        if ctx is not None:
            await ctx.report_progress(0, 1, "generating frames")
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            cancel.cancel()  # the worker stops at the next step; files are written atomically
            raise

    async def generate_tileset(
        self, prompt: str, size: int = 32, variations: int = 4, seamless: str = "xy",
        palette: str | None = None, seed: int | None = None, steps: int | None = None,
        output: str | None = None, name: str | None = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        from dgx_pixels_app.formats.images import read_rgba
        from dgx_pixels_app.jobs.tileset import TilesetOptions, prepare_tileset

        prompt = _check_prompt(prompt)
        _check_common(size, seed, steps, 128)
        _check(1 <= variations <= MAX_VARIATIONS, f"variations must be 1 to {MAX_VARIATIONS}.")
        _check(seamless in ("", "x", "y", "xy"), "seamless must be '', 'x', 'y' or 'xy'.")
        folder = self._folder(output, f"tileset-{slug(name or prompt)}")
        options = TilesetOptions(
            prompt=prompt, model=self._model(), size=size, variations=variations, seamless=seamless,
            palette=palette, output=folder, seed=seed, steps=steps or self.config.steps,
            resolution=self.config.resolution, name=name,
        )  # fmt: skip
        job = await asyncio.to_thread(prepare_tileset, options)
        job.tag = self._tag("generate_tileset")
        await run_job(self.queue, job, await self._progress(ctx))
        target = job.target
        tiles = [{"file": str(target.output / e["file"]), "seed": e.get("seed"), "seam": e.get("seam"),
                  "seamless": e.get("seamless"), "error": e.get("error")}
                 for e in target.manifest.images]  # fmt: skip
        sheet = next(
            (p for p in target.files if p.suffix == ".png" and p.stem == (name or slug(prompt))),
            None,
        )
        data = {"tiles": tiles, "files": [str(p) for p in target.files], "folder": str(folder)}
        return result(data, read_rgba(sheet) if sheet else None)

    # -- files ---------------------------------------------------------------------------
    async def pixelize_image(
        self, path: str, output: str | None = None, colors: int | None = None,
        palette: str | None = None, cell: float | None = None, keep_background: bool = False,
    ) -> CallToolResult:  # fmt: skip
        from dgx_pixels_app.formats.images import read_rgba, write_png
        from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize

        source = self.roots.read(path, "image")
        _check(colors is None or 1 <= colors <= 256, "colors must be 1 to 256.")
        _check(cell is None or 1 <= cell <= 512, "cell must be 1 to 512 px.")
        target = self.roots.write(output or str(source.with_name(f"{source.stem}-pixel.png")))
        _check(target.suffix.lower() == ".png", "The output must be a .png file.")
        chosen = self._palette(palette)

        def work():
            image = read_rgba(source)
            out = pixelize(image, PixelizeOptions(cell=cell, colors=colors, palette=chosen,
                                                  remove_background=not keep_background))  # fmt: skip
            write_png(target, out.image)
            return out

        out = await asyncio.to_thread(work)
        h, w = out.image.shape[:2]
        data = {"file": str(target), "width": w, "height": h, "colors": len(out.palette),
                "cell": list(out.cell_size) if out.cell_size else None,
                "background_removed": out.background is not None}  # fmt: skip
        return result(data, out.image)

    async def inspect_sprite(self, path: str) -> CallToolResult:
        from dgx_pixels_app.formats.documents import open_document

        source = self.roots.read(path, "sprite")
        sprite = await asyncio.to_thread(open_document, source)
        data = {
            "file": str(source),
            "width": sprite.width,
            "height": sprite.height,
            "layers": [la.name for la in sprite.layers],
            "frames": [f.duration_ms for f in sprite.frames],
            "tags": [
                {"name": t.name, "from": t.start, "to": t.end, "direction": str(t.direction)}
                for t in sprite.tags
            ],  # fmt: skip
            "palette_colors": len(sprite.palette),
        }
        return result(data, sprite.composite(0))

    async def export_to_bevy(
        self, source: str, project: str, name: str | None = None, subfolder: str = "sprites"
    ) -> CallToolResult:
        from dgx_pixels_app.formats.documents import open_document

        path = self.roots.read(source, "sprite")
        root = self.roots.project(project)
        sprite = await asyncio.to_thread(open_document, path)
        return await self._deploy(sprite, root, name or path.stem, subfolder)

    async def _deploy(
        self, sprite, root: Path, name: str, subfolder: str, extra: dict | None = None
    ):
        from dgx_pixels_app.formats.bevy import export_to_bevy
        from dgx_pixels_app.formats.sheet import SheetOptions

        export = await asyncio.to_thread(
            export_to_bevy, sprite, root, name, subfolder, SheetOptions(), True
        )
        data = {
            **(extra or {}), "project": str(root), "asset_path": export.asset_path,
            "files": [str(p) for p in (export.image, export.json, export.layout, export.aseprite) if p],
            "layout_ron": export.layout.read_text(encoding="utf-8"), "snippet": export.snippet,
            "frames": len(export.sheet.frames),
        }  # fmt: skip
        return result(data, export.sheet.image)

    async def generate_and_deploy(
        self, prompt: str, bevy_project: str, kind: str = "character", animation: str | None = None,
        frames: int | None = None, size: int = 64, name: str | None = None, seed: int | None = None,
        steps: int | None = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        from dgx_pixels_app.formats.frames import sprite_from_frames
        from dgx_pixels_app.jobs.animation import (  # noqa: I001
            AnimationOptions,
            animation_sprite,
            generate_frames,
        )

        prompt = _check_prompt(prompt)
        _check_common(size, seed, steps)
        root = self.roots.project(bevy_project)
        asset = slug(name or prompt).replace("-", "_")
        if animation:
            options = AnimationOptions(
                prompt=prompt, model=self._model(), frames=frames, type=animation, size=size,
                output=root / "assets" / "sprites", name=asset, seed=seed,
                steps=steps or self.config.steps, resolution=self.config.resolution,
            )  # fmt: skip
            from dgx_pixels_app.jobs.animation import check

            check(options)
            cancel = CancelToken()
            run = blocking_runner(self.queue, cancel)
            task = asyncio.ensure_future(asyncio.to_thread(generate_frames, run, options))
            try:
                images, requests, chosen = await asyncio.shield(task)
            except asyncio.CancelledError:
                cancel.cancel()
                raise
            sprite = animation_sprite(images, chosen, requests)
            extra = {"animation": animation, "frame_count": len(images)}
        else:
            tag = self._tag("generate_and_deploy")
            done = await self._sprites(
                prompt, kind, None, size, None, seed, None, 1, steps, tag, ctx
            )
            item = done.items[0]
            sprite = sprite_from_frames([item.art], layer_name=asset)
            extra = {"seed": item.request.seed}
        return await self._deploy(sprite, root, asset, "sprites", extra)


TOOLS = (
    ("list_models", "The SDXL models this machine has (and the one loaded)."),
    ("list_loras", "LoRA files in the models folders and the allowed roots."),
    ("list_presets", "Asset kinds, styles, animation types and built-in palettes."),
    ("generate_sprite", "Generate pixel-art sprites from a prompt: pixelized PNGs (transparent "
     "background, size×size px) with their generation parameters; returns the files, their seeds "
     "and a preview image. kind: character, item, tile, ui-icon, effect. loras: 'FILE[:WEIGHT]'."),
    ("generate_animation", "Generate an animated sprite (type: idle, walk, attack; method strip or "
     "chain): frame PNGs, an .aseprite with a tag, a sheet + JSON, a GIF; returns the files, a "
     "consistency report per frame and the sheet as an image."),
    ("generate_tileset", "Generate seamless tile variations: tile PNGs, a sheet + JSON and a Tiled "
     ".tsx; returns each tile's seed and seam score and the sheet as an image."),
    ("pixelize_image", "Turn an image into true pixel art (grid, palette, background); writes a PNG."),
    ("inspect_sprite", "Size, layers, frames, durations and tags of a sprite file."),
    ("export_to_bevy", "Export a sprite or animation file into a Bevy project's assets/ (sheet, "
     "JSON, layout RON, .aseprite) and return the Rust snippet that uses it."),
    ("generate_and_deploy", "One shot: prompt + Bevy project → the sprite (or, with animation, the "
     "animated sprite) generated and exported into the game's assets/, plus the Rust to use it."),
)  # fmt: skip


def build_server(queue: JobQueue, config: ServerConfig) -> MCPServer:
    from dgx_pixels_app.mcp.guard import reject_unknown_arguments

    tools = Tools(queue, config)
    server = MCPServer(
        "dgx-pixels", version=__version__,
        instructions="Make pixel-art sprites, animations and tiles with SDXL on this machine and "
        f"deploy them into Bevy games. Writes only inside: {config.roots.describe()}.",
        middleware=[reject_unknown_arguments], log_level="WARNING",
    )  # fmt: skip
    import inspect

    from dgx_pixels_app.mcp.guard import KNOWN

    for name, description in TOOLS:
        method = getattr(tools, name)
        KNOWN[name] = {p for p in inspect.signature(method).parameters if p != "ctx"}
        server.add_tool(_wrap(method), name=name, description=f"{description} {LIMITS}")
    server._dgx_tools = tools  # for the in-app bridge and tests
    return server


def _wrap(method):
    """App errors become tool errors with the app's message (never a dead server)."""
    import functools

    @functools.wraps(method)
    async def call(*args, **kwargs):
        try:
            return await method(*args, **kwargs)
        except DgxPixelsError as exc:
            raise ToolError(str(exc)) from exc
        except OSError as exc:
            raise ToolError(f"File error: {exc.strerror or exc}.") from exc

    return call
