"""The Rust a game pastes in: a complete Bevy app for a sheet or a tileset, and the
string literals every name goes through (no tag or file name can break the code)."""

from __future__ import annotations

from dgx_pixels_app.formats.sheet import Sheet

BEVY_VERSION = "0.19"  # the snippets use only API checked against Bevy 0.19.1's source
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


def animations(sheet: Sheet) -> list[tuple[str, int, int, str, list[int]]]:
    """(tag, first atlas index, last atlas index, direction, each frame's ms). A sheet
    with a row per tag numbers its atlas by rows, not by frames."""
    spans = [(t.name, t.start, t.end, str(t.direction)) for t in sheet.tags] or [
        ("all", 0, len(sheet.frames) - 1, "forward")
    ]
    atlas = (sheet.grid or {}).get("atlas") or list(range(len(sheet.frames)))
    return [(name, atlas[a], atlas[b], direction,
             [sheet.frames[i].duration_ms for i in range(a, b + 1)])
            for name, a, b, direction in spans]  # fmt: skip


def cell_durations(sheet: Sheet) -> list[int]:
    """Each atlas cell's duration (0 for an empty cell of a row per tag)."""
    atlas = (sheet.grid or {}).get("atlas")
    if not atlas:
        return [f.duration_ms for f in sheet.frames]
    out = [0] * (sheet.grid["columns"] * sheet.grid["rows"])
    for frame, index in zip(sheet.frames, atlas, strict=True):
        out[index] = frame.duration_ms
    return out


_SPRITE_ANIMATION = """#[derive(Component)]
struct SpriteAnimation {
    first: usize,
    last: usize,
    direction: &'static str,
    durations_ms: &'static [u64],
    step: isize,
}

impl SpriteAnimation {
    fn named(tag: &str) -> Self {
        let (_, first, last, direction, durations_ms) = *ANIMATIONS
            .iter()
            .find(|animation| animation.0 == tag)
            .expect("no such tag in this sheet");
        let step = if direction == "reverse" { -1 } else { 1 };
        Self { first, last, direction, durations_ms, step }
    }

    fn start(&self) -> usize {
        if self.direction == "reverse" { self.last } else { self.first }
    }
}

#[derive(Component, Deref, DerefMut)]
struct AnimationTimer(Timer);

"""

_ANIMATE_SPRITES = """fn animate_sprites(
    time: Res<Time>,
    mut query: Query<(&mut SpriteAnimation, &mut AnimationTimer, &mut Sprite)>,
) {
    for (mut animation, mut timer, mut sprite) in &mut query {
        timer.tick(time.delta());
        if !timer.just_finished() {
            continue;
        }
        let Some(atlas) = &mut sprite.texture_atlas else {
            continue;
        };
        let (first, last) = (animation.first as isize, animation.last as isize);
        let mut next = atlas.index as isize + animation.step;
        if next < first || next > last {
            if animation.direction == "pingpong" && first != last {
                animation.step = -animation.step;
                next = atlas.index as isize + animation.step;
            } else {
                next = if animation.step > 0 { first } else { last };
            }
        }
        atlas.index = next as usize;
        let ms = animation.durations_ms[atlas.index - animation.first];
        timer.set_duration(Duration::from_millis(ms));
    }
}
"""


def rust_snippet(sheet: Sheet, asset_path: str, stem: str) -> str:
    """A complete Bevy app that shows the sheet and plays its first animation,
    with a table of every tag so any of them can be played the same way."""
    grid = sheet.grid
    assert grid is not None
    (tw, th), (px, py), (ox, oy) = grid["tile_size"], grid["padding"], grid["offset"]
    padding = "None" if (px, py) == (0, 0) else f"Some(UVec2::new({px}, {py}))"
    offset = "None" if (ox, oy) == (0, 0) else f"Some(UVec2::new({ox}, {oy}))"
    table = "\n".join(
        f"    ({rust_string(name)}, {a}, {b}, {rust_string(direction)}, &[{', '.join(map(str, ms))}]),"
        for name, a, b, direction, ms in animations(sheet)
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

{_SPRITE_ANIMATION}fn setup(
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

{_ANIMATE_SPRITES}"""


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


def direction_snippet(rows: list[tuple[str, str]], columns: int) -> str:
    """Rust: the sheet's rows by action and direction (row r's frames start at atlas
    index r × COLUMNS), and the tag to play for an action facing a direction."""
    table = "\n".join(f"    ({rust_string(action)}, {rust_string(direction)}, {i}),"
                      for i, (action, direction) in enumerate(rows))  # fmt: skip
    return f"""
/// The character sheet: one row per (action, direction); row r starts at atlas index r * COLUMNS.
#[allow(dead_code)]
const COLUMNS: usize = {columns};
#[allow(dead_code)]
const ROWS: &[(&str, &str, usize)] = &[
{table}
];

/// The animation for `action` facing `direction` ("walk", "east"), as in ANIMATIONS.
#[allow(dead_code)]
fn character_animation(action: &str, direction: &str) -> SpriteAnimation {{
    let tag = format!("{{}}_{{}}", action, direction.replace('-', "_"));
    SpriteAnimation::named(&tag)
}}
"""
