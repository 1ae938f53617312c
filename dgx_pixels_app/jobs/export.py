"""Run an export described by an ExportSpec (called on a worker thread by the GUI)."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.formats.bevy import BevyExport, export_to_bevy
from dgx_pixels_app.formats.sheet_json import write_sheet_files


def run_export(sprite: Sprite, spec) -> tuple[str, BevyExport | None]:
    """Returns (a status message, the Bevy result if it was a Bevy export)."""
    if spec.kind == "bevy":
        result = export_to_bevy(sprite, spec.path, spec.name, spec.subfolder, spec.options,
                                spec.include_aseprite, getattr(spec, "overwrite", False))  # fmt: skip
        count = len(result.sheet.frames)
        message = f"Exported {count} frame{'s' if count != 1 else ''} to {result.image}"
        replaced = result.deployed.replaced
        if replaced:
            message += (f"; replaced {len(replaced)} hand-made file{'s' if len(replaced) != 1 else ''}"
                        f" (the old ones are in {replaced[0][1].parent})")  # fmt: skip
        return message, result
    path = Path(spec.path)
    sheet = write_sheet_files(sprite, spec.options, path, spec.json_form)
    h, w = sheet.image.shape[:2]
    return (
        f"Saved {path.name} ({w}×{h}, {counted(len(sheet.frames), 'frame')}) and {path.with_suffix('.json').name}",
        None,
    )
