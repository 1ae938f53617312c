"""Export into a Bevy project: the sheet in ``assets/``, its layout, and the Rust to use it.

Every file is written atomically, so Bevy's asset watcher (hot reload) never reads
a half-written PNG. Names are sanitized and nothing is ever written outside the
project's ``assets/`` folder. A file there that DGX-Pixels did not write is never
replaced silently (``formats/deploy.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from dgx_pixels_app.core.confine import make_folder
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import FileAccessError, InvalidInputError
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.formats import aseprite
from dgx_pixels_app.formats.bevy_snippets import (
    animations,
    cell_durations,
    ron_string,
    rust_snippet,
)
from dgx_pixels_app.formats.bevy_version import version_note
from dgx_pixels_app.formats.deploy import (
    DeployConflict,
    Deployed,
    Overwrite,
    check_targets,
    conflicts,
    deploy,
)
from dgx_pixels_app.formats.images import encode_png
from dgx_pixels_app.formats.sheet import Sheet, SheetOptions, build_sheet
from dgx_pixels_app.formats.sheet_json import dumps, sheet_json


def safe_subfolder(subfolder: str) -> Path:
    path = Path(subfolder)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts if part != "."):
        raise InvalidInputError(f"'{subfolder}' must be a folder inside assets/, without '..'.")
    parts = [safe_name(part, "folder name") for part in path.parts if part != "."]
    return Path(*parts) if parts else Path()


@dataclass
class BevyExport:
    image: Path
    json: Path
    layout: Path
    aseprite: Path | None
    asset_path: str  # what asset_server.load() takes
    snippet: str
    sheet: Sheet
    deployed: Deployed = field(default_factory=Deployed)
    version_note: str = ""  # the game's Cargo.toml asks for another Bevy: what to change


def find_project(folder: str | Path) -> Path:
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise FileAccessError(f"'{root}' is not a folder.")
    if not (root / "Cargo.toml").is_file():
        raise InvalidInputError(f"'{root}' is not a Bevy project: it has no Cargo.toml.")
    return root.resolve()


@dataclass
class BevyTargets:
    root: Path
    folder: Path  # inside root/assets
    stem: str
    asset_path: str

    def files(self, include_aseprite: bool) -> list[Path]:
        suffixes = [".png", ".json", ".layout.ron"] + ([".aseprite"] if include_aseprite else [])
        return [self.folder / f"{self.stem}{suffix}" for suffix in suffixes]


def bevy_targets(project: str | Path, name: str, subfolder: str = "sprites") -> BevyTargets:
    """Where an export of ``name`` goes; refuses names and folders that leave assets/."""
    root = find_project(project)
    stem = safe_name(name, "asset name")
    folder_rel = safe_subfolder(subfolder)
    assets = root / "assets"
    target = (assets / folder_rel).resolve()
    if not assets.resolve().is_relative_to(root) or not target.is_relative_to(assets.resolve()):
        raise InvalidInputError(  # before anything there is read or named
            f"The project's assets folder (or '{subfolder}' in it) leads outside the project."
        )
    return BevyTargets(root, target, stem, (folder_rel / f"{stem}.png").as_posix())


def check_bevy_export(project, name: str, subfolder: str = "sprites",
                      include_aseprite: bool = False, overwrite: Overwrite = False) -> None:  # fmt: skip
    """Before any work (a model load, a generation): may the export write there, and
    would it replace files that DGX-Pixels did not write? Raises (DeployConflict for
    the latter) unless ``overwrite`` covers them."""
    targets = bevy_targets(project, name, subfolder)
    place = targets.folder
    while place != targets.root and not place.exists():
        place = place.parent
    if not place.is_dir():  # assets/ or its sprites/ is a file: said before any work
        raise InvalidInputError(f"'{place}' is a file: the export needs a folder there.")
    files = targets.files(include_aseprite)
    check_targets(targets.root, files)
    hand_made = conflicts(targets.root, files)
    refused = [p for p in hand_made if not (overwrite is True or p in (overwrite or ()))]
    if refused:
        raise DeployConflict(targets.root, refused)


def export_to_bevy(
    sprite: Sprite,
    project: str | Path,
    name: str,
    subfolder: str = "sprites",
    options: SheetOptions | None = None,
    include_aseprite: bool = False,
    overwrite: Overwrite = False,
) -> BevyExport:
    """The sheet, its JSON and layout (and the ``.aseprite``) into the game's assets/.
    A file there that DGX-Pixels did not write is replaced only with ``overwrite`` (its
    old version kept, see formats/deploy.py); otherwise :class:`DeployConflict`."""
    targets = bevy_targets(project, name, subfolder)
    stem, asset_path = targets.stem, targets.asset_path
    # Bevy's from_grid needs one uniform grid in row order: no trim, packing or merging.
    layout = "tags" if options and options.layout == "tags" else "rows"  # a row per tag stays
    options = replace(options or SheetOptions(), layout=layout, trim=False, merge_duplicates=False)
    sheet = build_sheet(sprite, options)
    try:
        make_folder(targets.folder)
    except OSError as exc:
        raise FileAccessError(f"Cannot create '{targets.folder}': {exc.strerror or exc}.") from exc
    png, data, ron, ase = targets.files(True)
    files = {
        png: encode_png(sheet.image),
        data: dumps(sheet_json(sheet, sprite, png.name, stem, scale=options.scale)).encode(),
        ron: layout_ron(sheet, asset_path).encode(),
    }
    if include_aseprite:
        files[ase] = aseprite.to_bytes(sprite)
    deployed = deploy(targets.root, files, overwrite)
    try:
        note = version_note(targets.root)
    except Exception:  # noqa: BLE001 (a note never fails an export whose files are written)
        note = ""
    snippet = rust_snippet(sheet, asset_path, stem)
    if note:
        snippet = "".join(f"// NOTE: {line}\n" for line in _wrap(note)) + snippet
    return BevyExport(png, data, ron, ase if include_aseprite else None, asset_path,
                      snippet, sheet, deployed, note)  # fmt: skip


def _wrap(text: str, width: int = 92) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def layout_ron(sheet: Sheet, asset_path: str) -> str:
    """The numbers ``TextureAtlasLayout::from_grid`` takes, plus the animations."""
    grid = sheet.grid
    assert grid is not None
    (tw, th), (px, py), (ox, oy) = grid["tile_size"], grid["padding"], grid["offset"]
    lines = [
        "// Written by DGX-Pixels: TextureAtlasLayout::from_grid(tile_size, columns, rows, padding, offset)",
        "(",
        f"    image: {ron_string(asset_path)},",
        f"    tile_size: ({tw}, {th}),",
        f"    columns: {grid['columns']},",
        f"    rows: {grid['rows']},",
        f"    padding: {'None' if (px, py) == (0, 0) else f'Some(({px}, {py}))'},",
        f"    offset: {'None' if (ox, oy) == (0, 0) else f'Some(({ox}, {oy}))'},",
        f"    frame_durations_ms: [{', '.join(map(str, cell_durations(sheet)))}],",
        "    animations: {",
    ]
    for tag in animations(sheet):
        durations = ", ".join(map(str, tag[4]))
        lines.append(
            f"        {ron_string(tag[0])}: (first: {tag[1]}, last: {tag[2]}, direction: {ron_string(tag[3])}, "
            f"frame_durations_ms: [{durations}]),"
        )
    lines += ["    },", ")", ""]
    return "\n".join(lines)
