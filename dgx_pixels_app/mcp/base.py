"""What every tool shares: the server's configuration, the confinement of every path
an agent names, the job runner, and results an agent can read and see."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ImageContent, TextContent

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.generation import parse_lora
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.jobs.items import slug
from dgx_pixels_app.jobs.queue import JobQueue
from dgx_pixels_app.mcp.confine import Roots

PREVIEW_PX = 256  # the image shown to the agent is at most this big


@dataclass
class ServerConfig:
    roots: Roots
    model: str | None = None  # the SDXL model generation uses
    resolution: int | None = None  # the model's image size for sprites (default: the kind's)
    steps: int | None = None  # default: the kind's
    output: str = "dgx-pixels"  # default output folder, inside the first root
    into_app: bool = False  # running inside the app: results may go into the open document
    defaults: dict[str, Any] = field(default_factory=dict)


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


def kept(pairs) -> list[dict]:
    """The files a call replaced, and where each old one was kept."""
    return [{"file": str(path), "kept_at": str(copy)} for path, copy in pairs]


class ToolBase:
    """Bound to a queue, a configuration and the roots; every path goes through here."""

    def __init__(self, queue: JobQueue, config: ServerConfig) -> None:
        self.queue = queue
        self.config = config
        self.roots = config.roots

    def _model(self) -> str:
        if not self.config.model:
            raise InvalidInputError(
                "No model: load one in the app (Model ▸ Load Model…), and agents use it."
                if self.config.into_app
                else "No model: start the server with --model PATH (an SDXL folder or .safetensors)."
            )
        return self.config.model

    def _stem(self, name: str | None, prompt: str) -> str:
        """A file name from ``name`` (made safe, or refused) or from the prompt."""
        return safe_name(name) if name is not None else slug(prompt)

    def _folder(self, output: str | None, fallback: str) -> Path:
        """The folder an agent named, or a new one (never one already holding files)."""
        if output is None:
            base = self.roots.write(f"{self.config.output}/{fallback}", "output")
            folder, n = base, 1
            while folder.exists():
                n += 1
                folder = base.with_name(f"{base.name}-{n}")
            return folder
        folder = self.roots.write(output, "output")
        if folder.exists() and not folder.is_dir():
            raise InvalidInputError(f"The output '{output}' is a file, not a folder.")
        return folder

    def _loras(self, loras: list[str] | None):
        if loras is not None and not isinstance(loras, list):
            raise InvalidInputError("loras must be a list of 'FILE[:WEIGHT]' texts.")
        refs = []
        for text in loras or []:
            if not isinstance(text, str):
                raise InvalidInputError("loras must be a list of 'FILE[:WEIGHT]' texts.")
            ref = parse_lora(text)
            ref.path = str(self.roots.read(ref.path, "LoRA"))
            refs.append(ref)
        return refs

    def _guides(self, references, controls) -> tuple[list, list]:
        """References ('FILE[:WEIGHT][:style]') and controls ('TYPE=FILE[:STRENGTH[:A-B]]'
        or 'pose=@walk/east/0') with every image path confined to the roots."""
        from dgx_pixels_app.core.control import parse_control, parse_reference

        for name, value in (("references", references), ("controls", controls)):
            if value is not None and (not isinstance(value, list) or len(value) > 4
                                      or not all(isinstance(v, str) for v in value)):  # fmt: skip
                raise InvalidInputError(f"{name} must be a list of at most 4 texts.")
        refs = [parse_reference(text) for text in references or []]
        for ref in refs:
            ref.path = str(self.roots.read(ref.path, "reference image"))
        parsed = [parse_control(text) for text in controls or []]
        for control in parsed:
            if control.image:
                control.image = str(self.roots.read(control.image, "control image"))
        return refs, parsed

    def _palette(self, palette: str | None):
        """A built-in palette by name, or a palette file inside the roots, read here."""
        if not palette:
            return None
        from dgx_pixels_app.formats.palettes import find_palette
        from dgx_pixels_app.resources import builtin_palettes

        if palette.lower() in builtin_palettes():
            return find_palette(palette.lower())
        return find_palette(str(self.roots.read(palette, "palette")))

    @staticmethod
    async def _progress(ctx: Context | None):
        if ctx is None:
            return None

        async def report(done: float, total: float, message: str) -> None:
            await ctx.report_progress(done, total, message)

        return report

    async def _deploy(self, sprite, root: Path, name: str, subfolder: str, overwrite: bool,
                      extra: dict | None = None) -> CallToolResult:  # fmt: skip
        """Export into the game (never replacing a file DGX-Pixels did not write, unless
        ``overwrite``: then the old one is kept, and the result lists it)."""
        import asyncio

        from dgx_pixels_app.formats.bevy import export_to_bevy
        from dgx_pixels_app.formats.sheet import SheetOptions

        export = await asyncio.to_thread(
            export_to_bevy, sprite, root, name, subfolder, SheetOptions(), True, overwrite
        )
        files = [p for p in (export.image, export.json, export.layout, export.aseprite) if p]
        data = {
            **(extra or {}), "project": str(root), "asset_path": export.asset_path,
            "files": [str(p) for p in files],
            "replaced": kept(export.deployed.replaced),
            "updated": [str(p) for p in export.deployed.updated],
            "layout_ron": export.layout.read_text(encoding="utf-8"), "snippet": export.snippet,
            "frames": len(export.sheet.frames),
            "version_note": export.version_note or None,  # the game asks for another Bevy
        }  # fmt: skip
        return result(data, export.sheet.image)
