"""The server: every tool registered with its description and limits, every call
confined to the roots, every app error answered as a tool error an agent can act on.
"""

from __future__ import annotations

import functools
import inspect
import logging

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from dgx_pixels_app import __version__
from dgx_pixels_app.core.confine import confined
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.jobs.queue import JobQueue
from dgx_pixels_app.mcp.base import ServerConfig
from dgx_pixels_app.mcp.characters import CharacterTools
from dgx_pixels_app.mcp.editing import EditTools
from dgx_pixels_app.mcp.files import FileTools
from dgx_pixels_app.mcp.generation import GenerationTools
from dgx_pixels_app.mcp.limits import MAX_PROMPT, RANGES

log = logging.getLogger(__name__)
LIMITS = (
    f"Limits: prompt up to {MAX_PROMPT} characters, size {RANGES['size'][0]}-{RANGES['size'][1]} px, "
    f"count 1-{RANGES['count'][1]}, steps 1-{RANGES['steps'][1]}, frames 2-16, "
    f"variations 1-{RANGES['variations'][1]} (also in the input schema). Paths are relative to "
    "the first allowed root (or absolute inside an allowed root); '..' and links that leave the "
    "roots are refused; names are plain names (no folders)."
)

TOOLS = (
    ("list_models", "The SDXL models this machine has (and the one loaded)."),
    ("list_loras", "LoRA files in the models folders and the allowed roots."),
    ("list_presets", "Asset kinds, styles, animation types and built-in palettes."),
    ("generate_sprite", "Generate pixel-art sprites from a prompt: pixelized PNGs (transparent "
     "background, size×size px) with their generation parameters; returns the files, their seeds "
     "and a preview image. kind: character, item, tile, ui-icon, effect. loras: 'FILE[:WEIGHT]'. "
     "references: images whose look the sprite takes, 'FILE[:WEIGHT][:style]'. controls: "
     "'TYPE=FILE[:STRENGTH[:START-END]]' (pose, lineart, canny, depth, tile, scribble; a sprite "
     "with transparency is turned into the control) or 'pose=@walk/east/0' (a pose template)."),
    ("generate_animation", "Generate an animated sprite (type: idle, walk, attack; method strip or "
     "chain): frame PNGs, an .aseprite with a tag, a sheet + JSON, a GIF; returns the files, a "
     "consistency report per frame and the sheet as an image."),
    ("generate_character", "One character in 1, 2, 4 or 8 directions and several actions (idle, "
     "walk, run, attack, jump, hurt, cast), every frame conditioned on the same reference image "
     "and seed with its pose from the action's template: an .aseprite with a tag per "
     "ACTION_DIRECTION (walk_east), a sheet with one row per tag + JSON, a GIF per tag and a "
     "manifest with per-frame consistency figures; with bevy_project, into its assets/ with Rust "
     "that finds a row by action and direction. save_as keeps the character (reference, palette, "
     "seed) so a later call with character: NAME adds actions to the same one."),
    ("generate_tileset", "Generate seamless tile variations: tile PNGs, a sheet + JSON and a Tiled "
     ".tsx; returns each tile's seed and seam score and the sheet as an image."),
    ("pixelize_image", "Turn an image into true pixel art (grid, palette, background); writes a PNG."),
    ("inspect_sprite", "Size, layers, frames, durations and tags of a sprite file."),
    ("edit_sprite", "Touch up a sprite file as the app's Sprite menu does and save it as a new "
     ".aseprite (output, or NAME-OPERATION.aseprite beside it): outline, replace-color, "
     "hue-saturation, brightness-contrast, rotate (RotSprite), canvas-size, sprite-size "
     "(nearest neighbour), trim, indexed, rgb; on every cel, or one layer (by name) and/or "
     "frame (1 = first). Returns what changed and the first frame as an image."),
    ("export_to_bevy", "Export a sprite or animation file into a Bevy project's assets/ (sheet, "
     "JSON, layout RON, .aseprite) and return the Rust snippet that uses it. A file there that "
     "DGX-Pixels did not write is never replaced unless overwrite is true (the old one is then "
     "kept, and listed under 'replaced')."),
    ("generate_and_deploy", "One shot: prompt + Bevy project → the sprite (or, with animation, the "
     "animated sprite) generated and exported into the game's assets/, plus the Rust to use it. "
     "Hand-made files are kept as export_to_bevy says."),
)  # fmt: skip


class Tools(GenerationTools, CharacterTools, FileTools, EditTools):
    """Every tool, bound to one queue, configuration and set of roots."""


def phrase(error: DgxPixelsError) -> str:
    """An app error as an agent reads it (arguments by their names, no CLI flags)."""
    from dgx_pixels_app.formats.deploy import DeployConflict

    if isinstance(error, DeployConflict):
        return error.phrased("overwrite: true")
    return str(error)


def build_server(queue: JobQueue, config: ServerConfig) -> MCPServer:
    from dgx_pixels_app.mcp.guard import KNOWN, reject_unknown_arguments

    tools = Tools(queue, config)
    server = MCPServer(
        "dgx-pixels", version=__version__,
        instructions="Make pixel-art sprites, animations and tiles with SDXL on this machine and "
        f"deploy them into Bevy games. Writes only inside: {config.roots.describe()}.",
        middleware=[reject_unknown_arguments], log_level="WARNING",
    )  # fmt: skip
    for name, description in TOOLS:
        method = getattr(tools, name)
        KNOWN[name] = {p for p in inspect.signature(method).parameters if p != "ctx"}
        server.add_tool(_wrap(method, config), name=name, description=f"{description} {LIMITS}")
    server._dgx_tools = tools  # for the in-app bridge and tests
    return server


def _wrap(method, config: ServerConfig):
    """Each call confined to the roots (every writer checks its final path), and app
    errors as tool errors with the app's message (never a dead server)."""

    @functools.wraps(method)
    async def call(*args, **kwargs):
        try:
            with confined(config.roots.writable):
                return await method(*args, **kwargs)
        except DgxPixelsError as exc:
            raise ToolError(phrase(exc)) from exc
        except OSError as exc:
            raise ToolError(f"File error: {exc.strerror or exc}.") from exc
        except Exception as exc:  # a bug: logged with its traceback, said as one, server goes on
            log.exception("tool %s failed", method.__name__)
            raise ToolError(
                f"DGX-Pixels hit a bug ({type(exc).__name__}: {exc}); the server goes on."
            ) from exc

    return call
