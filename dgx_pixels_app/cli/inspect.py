"""``dgx-pixels inspect FILE``: a sprite file's layers, frames and tags."""

from __future__ import annotations

import argparse
import json

from dgx_pixels_app.core.words import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="list a sprite file's layers, frames and tags")
    p.add_argument("file", help="an .aseprite or image file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--colors", action="store_true", help="also list the colours the cels use")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.formats.documents import open_document

    sprite = open_document(args.file)
    summary = {
        "width": sprite.width,
        "height": sprite.height,
        "layers": [
            {
                "name": la.name,
                "visible": la.visible,
                "locked": la.locked,
                "opacity": la.opacity,
                "blend": la.blend,
                "group": la.group,
                "level": la.level,
            }
            for la in sprite.layers
        ],
        "frames": [f.duration_ms for f in sprite.frames],
        "tags": [
            {"name": t.name, "from": t.start, "to": t.end, "direction": str(t.direction)}
            for t in sprite.tags
        ],
        "color_mode": "indexed" if sprite.indexed else "rgb",
        "linked_cels": len(sprite.cels) - len({id(c) for c in sprite.cels.values()}),
        "reference": None
        if sprite.reference is None
        else {
            "width": int(sprite.reference.image.shape[1]),
            "height": int(sprite.reference.image.shape[0]),
            "opacity": sprite.reference.opacity,
        },
        "palette_colors": len(sprite.palette),
        "generated_cels": sum(1 for cel in sprite.cels.values() if cel.generation is not None),
    }
    if args.colors:
        from dgx_pixels_app.jobs.recolor import colors_in

        summary["colors"] = ["#" + bytes(c).hex() for c in sorted(colors_in(sprite))]
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"{args.file}: {sprite.width}x{sprite.height}, {counted(len(sprite.frames), 'frame')} "
        f"({', '.join(f'{d} ms' for d in summary['frames'])}), "
        f"{counted(len(sprite.palette), 'colour')} in the palette, {summary['color_mode']}"
    )
    if args.colors:
        print("  colours used: " + " ".join(summary["colors"]))
    for layer in summary["layers"]:
        flags = [k for k in ("group", "visible", "locked") if layer[k]]
        blend = "" if layer["blend"] == "normal" else f" {layer['blend']}"
        print(
            f"  {'  ' * layer['level']}layer {layer['name']!r} opacity {layer['opacity']}"
            f"{blend} {' '.join(flags)}"
        )
    if (ref := summary["reference"]) is not None:
        print(f"  reference layer {ref['width']}x{ref['height']} at opacity {ref['opacity']}")
    for tag in summary["tags"]:
        print(f"  tag {tag['name']!r} frames {tag['from']}-{tag['to']} {tag['direction']}")
    return 0
