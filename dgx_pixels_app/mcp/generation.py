"""The tools that generate: sprites, animations, tilesets, and the one-shot deploy.

Each checks every argument against ``limits`` and confines every path before any
work; the work runs as jobs on the shared queue (progress out, cancel in).
"""

from __future__ import annotations

import asyncio

from mcp.server.mcpserver import Context

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.jobs.job import ForAgent, Job, PostSteps
from dgx_pixels_app.jobs.requests import check_options
from dgx_pixels_app.jobs.targets import PngFolder
from dgx_pixels_app.mcp.base import ToolBase, kept, result
from dgx_pixels_app.mcp.bridge import run_job, run_worker
from dgx_pixels_app.mcp.limits import (
    METHODS,
    SEAMLESS,
    AnimationType,
    Count,
    Frames,
    Kind,
    Method,
    Name,
    OptionalAnimation,
    OptionalPath,
    Options,
    Prompt,
    Seamless,
    Seed,
    Size,
    Steps,
    Style,
    TileSize,
    Variations,
    animation_ids,
    check_choice,
    check_prompt,
    check_range,
    kind_ids,
    style_ids,
)


class GenerationTools(ToolBase):
    def _place(self, tool: str, into_document: bool = False) -> ForAgent:
        return ForAgent(tool, bool(into_document and self.config.into_app))

    def _check_common(self, size, seed, steps, size_range: str = "size") -> None:
        check_range(size_range, size, "size")
        check_range("seed", seed)
        check_range("steps", steps)

    async def _sprites(self, prompt: str, kind: str, style, size: int, palette, seed, loras,
                       count: int, steps, place: ForAgent, ctx: Context | None,
                       target: PngFolder | None = None, options: dict | None = None,
                       guides: tuple[list, list] = ([], [])):  # fmt: skip
        """Generate and pixelize ``count`` sprites, delivered to ``target``; returns the
        job's result. ``palette``, ``loras`` and ``guides`` (references, controls) are
        already confined to the roots."""
        from dgx_pixels_app.jobs.guides import prepare
        from dgx_pixels_app.jobs.requests import Choices, build_request
        from dgx_pixels_app.pixelize.pipeline import PixelizeOptions

        request = build_request(Choices(
            prompt, kind=kind, style=style, seed=seed, loras=loras or [],
            steps=steps or self.config.steps, resolution=self.config.resolution,
            options=options or {}, references=guides[0], controls=guides[1],
        ), count)  # fmt: skip
        request, pixels = await asyncio.to_thread(prepare, request)  # images read, models found
        post = PostSteps(options=PixelizeOptions(palette=palette), size=size)
        job = Job.single(request, count, guides=pixels, post=post, model=self._model(),
                         label=f"agent: {prompt[:40]}", previews=False, place=place,
                         target=target)  # fmt: skip
        done = await run_job(self.queue, job, await self._progress(ctx))
        if not done.items:
            raise InvalidInputError(
                done.failures[0][1] if done.failures else "Nothing was generated."
            )
        return done

    def _check_sprite(self, prompt, kind, style, size, seed, steps, count) -> str:
        prompt = check_prompt(prompt)
        check_choice("kind", kind, kind_ids())
        check_choice("style", style, style_ids(), optional=True)
        self._check_common(size, seed, steps)
        check_range("count", count)
        return prompt

    async def generate_sprite(
        self, prompt: Prompt, kind: Kind = "item", style: Style = None, size: Size = 64,
        palette: OptionalPath = None, seed: Seed = None, loras: list[str] | None = None,
        count: Count = 1, steps: Steps = None, output: OptionalPath = None, name: Name = None,
        into_document: bool = False, options: Options = None,
        references: list[str] | None = None, controls: list[str] | None = None,
        ctx: Context | None = None,
    ):  # fmt: skip
        prompt = self._check_sprite(prompt, kind, style, size, seed, steps, count)
        stem = self._stem(name, prompt)
        folder = self._folder(output, "sprites")
        chosen, refs = self._palette(palette), self._loras(loras)  # read through the roots
        guides = self._guides(references, controls)
        place = self._place("generate_sprite", into_document)
        target = PngFolder(folder, name=lambda item: f"{stem}-{item.request.seed}")
        done = await self._sprites(prompt, kind, style, size, chosen, seed, refs, count,
                                   steps, place, ctx, target, options, guides)  # fmt: skip
        sprites = [
            {"file": str(path), "seed": item.request.seed, "width": int(item.art.shape[1]),
             "height": int(item.art.shape[0]), "prompt": item.request.prompt,
             "seconds": round(item.seconds, 2)}
            for path, item in target.written
        ]  # fmt: skip
        return result({"sprites": sprites, "model": self._model()}, done.items[0].art)

    async def generate_animation(
        self, prompt: Prompt, type: AnimationType = "idle", frames: Frames = None,
        size: Size = 64, method: Method = "strip", palette: OptionalPath = None,
        seed: Seed = None, steps: Steps = None, output: OptionalPath = None, name: Name = None,
        overwrite: bool = False, options: Options = None, ctx: Context | None = None,
    ):  # fmt: skip
        from dgx_pixels_app.formats.images import read_rgba
        from dgx_pixels_app.jobs.animation import AnimationOptions

        prompt = check_prompt(prompt)
        check_choice("type", type, animation_ids())
        check_choice("method", method, METHODS)
        check_range("frames", frames)
        self._check_common(size, seed, steps)
        stem = self._stem(name, prompt)
        folder = self._folder(output, f"{type}-{stem}")
        plan = AnimationOptions(
            prompt=prompt, model=self._model(), frames=frames, type=type, size=size, method=method,
            palette=self._palette(palette), output=folder, name=stem, seed=seed,
            steps=steps or self.config.steps, resolution=self.config.resolution,
            overwrite=bool(overwrite), options=check_options(options),
        )  # fmt: skip
        files = await self._animate(plan, ctx)
        data = {
            "folder": str(files.folder), "frames": [str(p) for p in files.frames],
            "aseprite": str(files.aseprite), "sheet": str(files.sheet), "json": str(files.json),
            "gif": str(files.gif), "manifest": str(files.manifest),
            "replaced": kept(files.replaced),
            "consistency": [{"frame": i, "changed": round(c.change, 3), "drift_px": round(c.drift, 2),
                             "broken": c.broken(size)} for i, c in enumerate(files.checks)],
        }  # fmt: skip
        return result(data, read_rgba(files.sheet))

    async def _animate(self, options, ctx: Context | None, write: bool = True):
        """The frames (and with ``write`` their files), on a worker thread whose jobs go
        through the shared queue; cancelling the call stops them."""
        from dgx_pixels_app.engine import hashes
        from dgx_pixels_app.jobs.animation import check, generate_frames, write_animation

        check(options)

        def work(run):
            made = generate_frames(run, options)
            if not write:
                return made
            return write_animation(options, *made, hashes.sha256(options.model))

        return await run_worker(self.queue, work, ctx, "generating frames")

    async def generate_tileset(
        self, prompt: Prompt, size: TileSize = 32, variations: Variations = 4,
        seamless: Seamless = "xy", palette: OptionalPath = None, seed: Seed = None,
        steps: Steps = None, output: OptionalPath = None, name: Name = None,
        overwrite: bool = False, options: Options = None, ctx: Context | None = None,
    ):  # fmt: skip
        from dgx_pixels_app.formats.images import read_rgba
        from dgx_pixels_app.jobs.tileset import TilesetOptions, prepare_tileset

        prompt = check_prompt(prompt)
        self._check_common(size, seed, steps, "tile_size")
        check_range("variations", variations)
        check_choice("seamless", seamless, SEAMLESS)
        stem = self._stem(name, prompt)
        folder = self._folder(output, f"tileset-{stem}")
        plan = TilesetOptions(
            prompt=prompt, model=self._model(), size=size, variations=variations, seamless=seamless,
            palette=self._palette(palette), output=folder, seed=seed,
            steps=steps or self.config.steps, resolution=self.config.resolution, name=stem,
            overwrite=bool(overwrite), options=check_options(options),
        )  # fmt: skip
        job = await asyncio.to_thread(prepare_tileset, plan)
        job.place = self._place("generate_tileset")
        await run_job(self.queue, job, await self._progress(ctx))
        target = job.target
        tiles = [{"file": str(target.output / e["file"]), "seed": e.get("seed"), "seam": e.get("seam"),
                  "seamless": e.get("seamless"), "error": e.get("error")}
                 for e in target.manifest.images]  # fmt: skip
        sheet = next((p for p in target.files if p.suffix == ".png" and p.stem == stem), None)
        data = {"tiles": tiles, "files": [str(p) for p in target.files], "folder": str(folder),
                "replaced": kept(target.replaced)}  # fmt: skip
        return result(data, read_rgba(sheet) if sheet else None)

    async def generate_and_deploy(
        self, prompt: Prompt, bevy_project: str, kind: Kind = "character",
        animation: OptionalAnimation = None, frames: Frames = None, size: Size = 64,
        name: Name = None, seed: Seed = None, steps: Steps = None, overwrite: bool = False,
        options: Options = None, ctx: Context | None = None,
    ):  # fmt: skip
        from dgx_pixels_app.formats.bevy import check_bevy_export
        from dgx_pixels_app.formats.frames import sprite_from_frames
        from dgx_pixels_app.jobs.animation import AnimationOptions, animation_sprite
        from dgx_pixels_app.jobs.items import slug

        prompt = self._check_sprite(prompt, kind, None, size, seed, steps, 1)
        check_choice("animation", animation, animation_ids(), optional=True)
        check_range("frames", frames)
        root = self.roots.project(bevy_project)
        asset = self._stem(name, prompt) if name is not None else slug(prompt).replace("-", "_")
        check_bevy_export(root, asset, "sprites", True, bool(overwrite))  # before generating
        chosen_options = check_options(options)
        if animation:
            plan = AnimationOptions(
                prompt=prompt, model=self._model(), frames=frames, type=animation, size=size,
                output=root / "assets" / "sprites", name=asset, seed=seed,
                steps=steps or self.config.steps, resolution=self.config.resolution,
                options=chosen_options,
            )  # fmt: skip
            images, requests, chosen = await self._animate(plan, ctx, write=False)
            sprite = animation_sprite(images, chosen, requests)
            extra = {"animation": animation, "frame_count": len(images)}
        else:
            place = self._place("generate_and_deploy")
            done = await self._sprites(prompt, kind, None, size, None, seed, None, 1, steps,
                                       place, ctx, options=chosen_options)  # fmt: skip
            item = done.items[0]
            sprite = sprite_from_frames([item.art], layer_name=asset)
            extra = {"seed": item.request.seed}
        return await self._deploy(sprite, root, asset, "sprites", bool(overwrite), extra)
