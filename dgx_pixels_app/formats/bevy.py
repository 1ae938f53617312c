"""Export into a Bevy project: the sheet in ``assets/``, its layout, and the Rust to use it.

Every file is written atomically, so Bevy's asset watcher (hot reload) never reads
a half-written PNG. Names are sanitized and nothing is ever written outside the
project's ``assets/`` folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_bytes, atomic_write_text
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import FileAccessError, InvalidInputError
from dgx_pixels_app.formats import aseprite
from dgx_pixels_app.formats.images import encode_png
from dgx_pixels_app.formats.sheet import Sheet, SheetOptions, build_sheet
from dgx_pixels_app.formats.sheet_json import dumps, sheet_json

BEVY_VERSION = "0.19"  # the snippets use only API checked against Bevy 0.19.1's source
_NAME = re.compile(r"[^a-z0-9_-]+")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _literal(text: str, control: str) -> str:
    """A double-quoted literal of ``text``; other control characters as ``control``."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(control.format(ord(ch)))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def rust_string(text: str) -> str:
    """A Rust string literal holding exactly ``text`` (quotes, backslashes, newlines and
    other control characters escaped), so no name can break the generated code."""
    return _literal(text, "\\u{{{:x}}}")


def ron_string(text: str) -> str:
    """A RON string literal holding exactly ``text`` (RON writes \\uXXXX, Rust \\u{X})."""
    return _literal(text, "\\u{:04x}")


def safe_name(name: str) -> str:
    """A file name for the game: lower case letters, digits, '-' and '_'."""
    if not name or name.strip() in (".", "..") or "/" in name or "\\" in name or ".." in name:
        raise InvalidInputError(
            f"'{name}' cannot be an asset name: no folders, '..' or empty names."
        )
    cleaned = _NAME.sub("_", name.strip().lower()).strip("_")
    if not cleaned:
        raise InvalidInputError(f"'{name}' has no letters or digits to name an asset with.")
    return cleaned[:64]


def safe_subfolder(subfolder: str) -> Path:
    path = Path(subfolder)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts if part != "."):
        raise InvalidInputError(f"'{subfolder}' must be a folder inside assets/, without '..'.")
    return Path(*[safe_name(part) for part in path.parts if part != "."]) if path.parts else Path()


@dataclass
class BevyExport:
    image: Path
    json: Path
    layout: Path
    aseprite: Path | None
    asset_path: str  # what asset_server.load() takes
    snippet: str
    sheet: Sheet


def find_project(folder: str | Path) -> Path:
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise FileAccessError(f"'{root}' is not a folder.")
    if not (root / "Cargo.toml").is_file():
        raise InvalidInputError(f"'{root}' is not a Bevy project: it has no Cargo.toml.")
    return root.resolve()


def export_to_bevy(
    sprite: Sprite,
    project: str | Path,
    name: str,
    subfolder: str = "sprites",
    options: SheetOptions | None = None,
    include_aseprite: bool = False,
) -> BevyExport:
    root = find_project(project)
    stem = safe_name(name)
    folder_rel = safe_subfolder(subfolder)
    assets = root / "assets"
    target = (assets / folder_rel).resolve()
    if not target.is_relative_to(assets.resolve()):
        raise InvalidInputError(f"'{subfolder}' leads outside the project's assets folder.")
    # Bevy's from_grid needs one uniform grid in row order: no trim, packing or merging.
    options = replace(options or SheetOptions(), layout="rows", trim=False, merge_duplicates=False)
    sheet = build_sheet(sprite, options)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"Cannot create '{target}': {exc.strerror or exc}.") from exc
    asset_path = (folder_rel / f"{stem}.png").as_posix()
    png, data, ron = target / f"{stem}.png", target / f"{stem}.json", target / f"{stem}.layout.ron"
    atomic_write_bytes(png, encode_png(sheet.image))
    atomic_write_text(data, dumps(sheet_json(sheet, sprite, png.name, stem, scale=options.scale)))
    atomic_write_text(ron, layout_ron(sheet, asset_path))
    ase = None
    if include_aseprite:
        ase = target / f"{stem}.aseprite"
        aseprite.save(sprite, ase)
    return BevyExport(png, data, ron, ase, asset_path, rust_snippet(sheet, asset_path, stem), sheet)


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
        f"    frame_durations_ms: [{', '.join(str(f.duration_ms) for f in sheet.frames)}],",
        "    animations: {",
    ]
    for tag in _animations(sheet):
        durations = ", ".join(str(sheet.frames[i].duration_ms) for i in range(tag[1], tag[2] + 1))
        lines.append(
            f"        {ron_string(tag[0])}: (first: {tag[1]}, last: {tag[2]}, direction: {ron_string(tag[3])}, "
            f"frame_durations_ms: [{durations}]),"
        )
    lines += ["    },", ")", ""]
    return "\n".join(lines)


def _animations(sheet: Sheet) -> list[tuple[str, int, int, str]]:
    if sheet.tags:
        return [(t.name, t.start, t.end, str(t.direction)) for t in sheet.tags]
    return [("all", 0, len(sheet.frames) - 1, "forward")]


def rust_snippet(sheet: Sheet, asset_path: str, stem: str) -> str:
    """A complete Bevy app that shows the sheet and plays its first animation,
    with a table of every tag so any of them can be played the same way."""
    grid = sheet.grid
    assert grid is not None
    (tw, th), (px, py), (ox, oy) = grid["tile_size"], grid["padding"], grid["offset"]
    padding = "None" if (px, py) == (0, 0) else f"Some(UVec2::new({px}, {py}))"
    offset = "None" if (ox, oy) == (0, 0) else f"Some(UVec2::new({ox}, {oy}))"
    table = "\n".join(
        f"    ({rust_string(name)}, {a}, {b}, {rust_string(direction)}, &[{', '.join(str(sheet.frames[i].duration_ms) for i in range(a, b + 1))}]),"
        for name, a, b, direction in _animations(sheet)
    )
    return f"""// Bevy {BEVY_VERSION} (API checked against Bevy 0.19.1): "{stem}" exported by DGX-Pixels. Paste into src/main.rs, then `cargo run`.
use std::time::Duration;

use bevy::prelude::*;

/// (tag, first frame, last frame, direction, per-frame durations in ms)
const ANIMATIONS: &[(&str, usize, usize, &str, &[u64])] = &[
{table}
];

fn main() {{
    App::new()
        .add_plugins(DefaultPlugins.set(ImagePlugin::default_nearest())) // crisp pixels
        .add_systems(Startup, setup)
        .add_systems(Update, animate_sprites)
        .run();
}}

#[derive(Component)]
struct SpriteAnimation {{
    first: usize,
    last: usize,
    direction: &'static str,
    durations_ms: &'static [u64],
    step: isize,
}}

impl SpriteAnimation {{
    fn named(tag: &str) -> Self {{
        let (_, first, last, direction, durations_ms) = *ANIMATIONS
            .iter()
            .find(|animation| animation.0 == tag)
            .expect("no such tag in this sheet");
        let step = if direction == "reverse" {{ -1 }} else {{ 1 }};
        Self {{ first, last, direction, durations_ms, step }}
    }}

    fn start(&self) -> usize {{
        if self.direction == "reverse" {{ self.last }} else {{ self.first }}
    }}
}}

#[derive(Component, Deref, DerefMut)]
struct AnimationTimer(Timer);

fn setup(
    mut commands: Commands,
    asset_server: Res<AssetServer>,
    mut layouts: ResMut<Assets<TextureAtlasLayout>>,
) {{
    let texture = asset_server.load({rust_string(asset_path)});
    let layout = TextureAtlasLayout::from_grid(UVec2::new({tw}, {th}), {grid["columns"]}, {grid["rows"]}, {padding}, {offset});
    let layout = layouts.add(layout);
    let animation = SpriteAnimation::named(ANIMATIONS[0].0);
    let index = animation.start();
    let first_ms = animation.durations_ms[index - animation.first];
    commands.spawn(Camera2d);
    commands.spawn((
        Sprite::from_atlas_image(texture, TextureAtlas {{ layout, index }}),
        Transform::from_scale(Vec3::splat(4.0)),
        AnimationTimer(Timer::new(Duration::from_millis(first_ms), TimerMode::Repeating)),
        animation,
    ));
}}

fn animate_sprites(
    time: Res<Time>,
    mut query: Query<(&mut SpriteAnimation, &mut AnimationTimer, &mut Sprite)>,
) {{
    for (mut animation, mut timer, mut sprite) in &mut query {{
        timer.tick(time.delta());
        if !timer.just_finished() {{
            continue;
        }}
        let Some(atlas) = &mut sprite.texture_atlas else {{
            continue;
        }};
        let (first, last) = (animation.first as isize, animation.last as isize);
        let mut next = atlas.index as isize + animation.step;
        if next < first || next > last {{
            if animation.direction == "pingpong" && first != last {{
                animation.step = -animation.step;
                next = atlas.index as isize + animation.step;
            }} else {{
                next = if animation.step > 0 {{ first }} else {{ last }};
            }}
        }}
        atlas.index = next as usize;
        let ms = animation.durations_ms[atlas.index - animation.first];
        timer.set_duration(Duration::from_millis(ms));
    }}
}}
"""


def tilemap_snippet(
    sheet: Sheet, asset_path: str, stem: str, width: int = 16, height: int = 10
) -> str:
    """A complete Bevy app that lays the tileset out as a map of plain sprites (one
    ``Sprite`` per cell, its atlas index picked per cell so the variations mix)."""
    grid = sheet.grid
    assert grid is not None
    (tw, th), (px, py), (ox, oy) = grid["tile_size"], grid["padding"], grid["offset"]
    padding = "None" if (px, py) == (0, 0) else f"Some(UVec2::new({px}, {py}))"
    offset = "None" if (ox, oy) == (0, 0) else f"Some(UVec2::new({ox}, {oy}))"
    count = len(sheet.frames)
    return f"""// Bevy {BEVY_VERSION} (API checked against Bevy 0.19.1): tileset "{stem}" exported by DGX-Pixels. Paste into src/main.rs, then `cargo run`.
use bevy::prelude::*;

const TILE: UVec2 = UVec2::new({tw}, {th});
const TILE_COUNT: usize = {count};
const MAP_SIZE: (u32, u32) = ({width}, {height});

fn main() {{
    App::new()
        .add_plugins(DefaultPlugins.set(ImagePlugin::default_nearest())) // crisp pixels
        .add_systems(Startup, setup)
        .run();
}}

fn setup(
    mut commands: Commands,
    asset_server: Res<AssetServer>,
    mut layouts: ResMut<Assets<TextureAtlasLayout>>,
) {{
    let texture = asset_server.load({rust_string(asset_path)});
    let layout = layouts.add(TextureAtlasLayout::from_grid(TILE, {grid["columns"]}, {grid["rows"]}, {padding}, {offset}));
    commands.spawn((Camera2d, Transform::from_scale(Vec3::splat(0.5))));
    for y in 0..MAP_SIZE.1 {{
        for x in 0..MAP_SIZE.0 {{
            // any tile fits anywhere: they are seamless; mix the variations
            let index = ((x * 7 + y * 13 + x * y) as usize) % TILE_COUNT;
            let position = Vec3::new(
                (x as f32 - MAP_SIZE.0 as f32 / 2.0) * TILE.x as f32,
                (y as f32 - MAP_SIZE.1 as f32 / 2.0) * TILE.y as f32,
                0.0,
            );
            commands.spawn((
                Sprite::from_atlas_image(texture.clone(), TextureAtlas {{ layout: layout.clone(), index }}),
                Transform::from_translation(position),
            ));
        }}
    }}
}}
"""
