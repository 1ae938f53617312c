"""The tools that list, read and export: models, LoRAs, presets, pixelize, inspect and
export into a Bevy game. Every path an agent names is confined by ``ToolBase``."""

from __future__ import annotations

import asyncio

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.jobs.targets import unique_path
from dgx_pixels_app.mcp.base import ToolBase, kept, result
from dgx_pixels_app.mcp.limits import Cell, Colors, Name, OptionalPath, PathText, check_range


class FileTools(ToolBase):
    async def list_models(self):
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

    async def list_loras(self):
        from dgx_pixels_app.engine.discovery import find_loras

        found = await asyncio.to_thread(find_loras, None, self.roots.writable)
        return result(
            {"loras": [{"name": m.name, "path": str(m.path), "source": m.source} for m in found]}
        )

    async def list_presets(self):
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

    async def pixelize_image(
        self, path: PathText, output: OptionalPath = None, colors: Colors = None,
        palette: OptionalPath = None, cell: Cell = None, keep_background: bool = False,
        overwrite: bool = False,
    ):  # fmt: skip
        from dgx_pixels_app.formats.deploy import guard, remember
        from dgx_pixels_app.formats.images import read_rgba, write_png
        from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize

        source = self.roots.read(path, "image")
        check_range("colors", colors)
        if cell is not None and (isinstance(cell, bool) or not 1 <= cell <= 512):
            raise InvalidInputError(f"cell must be 1 to 512 px, not {cell!r}.")
        if output is None:  # beside the source, under a name not taken yet
            target = unique_path(source.parent, f"{source.stem}-pixel")
        else:
            target = self.roots.write(output)
        if target.suffix.lower() != ".png":
            raise InvalidInputError("output must be a .png file.")
        guard(target.parent, [target], bool(overwrite))  # never a hand-made file, unasked
        chosen = self._palette(palette)

        def work():
            image = read_rgba(source)
            out = pixelize(image, PixelizeOptions(cell=cell, colors=colors, palette=chosen,
                                                  remove_background=not keep_background))  # fmt: skip
            replaced = guard(target.parent, [target], bool(overwrite), keep=True)
            write_png(target, out.image)
            remember(target.parent, [target])
            return out, replaced

        out, replaced = await asyncio.to_thread(work)
        h, w = out.image.shape[:2]
        data = {"file": str(target), "width": w, "height": h, "colors": len(out.palette),
                "cell": list(out.cell_size) if out.cell_size else None,
                "background_removed": out.background is not None,
                "replaced": kept(replaced)}  # fmt: skip
        return result(data, out.image)

    async def inspect_sprite(self, path: PathText):
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
        self, source: PathText, project: PathText, name: Name = None,
        subfolder: PathText = "sprites", overwrite: bool = False,
    ):  # fmt: skip
        from dgx_pixels_app.formats.bevy import check_bevy_export
        from dgx_pixels_app.formats.documents import open_document

        path = self.roots.read(source, "sprite")
        root = self.roots.project(project)
        asset = name if name is not None else path.stem  # made safe (or refused) on the way
        check_bevy_export(root, asset, subfolder, True, bool(overwrite))
        sprite = await asyncio.to_thread(open_document, path)
        return await self._deploy(sprite, root, asset, subfolder, bool(overwrite))
