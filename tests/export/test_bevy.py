"""Bevy export: the layout numbers describe the written sheet; nothing escapes assets/."""

import re
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.core.errors import FileAccessError, InvalidInputError
from dgx_pixels_app.formats.bevy import export_to_bevy, safe_name
from dgx_pixels_app.formats.sheet import SheetOptions
from tests.export.test_sheet import animated


@pytest.fixture
def game(tmp_path):
    root = tmp_path / "my_game"
    (root / "assets").mkdir(parents=True)
    (root / "Cargo.toml").write_text('[package]\nname = "my_game"\n')
    return root


def from_grid_rects(tile, columns, rows, padding, offset):
    """What Bevy's TextureAtlasLayout::from_grid computes (row-major)."""
    rects = []
    for row in range(rows):
        for col in range(columns):
            x = offset[0] + col * (tile[0] + padding[0])
            y = offset[1] + row * (tile[1] + padding[1])
            rects.append((x, y, tile[0], tile[1]))
    return rects


def parse_ron(text):
    def nums(key):
        return tuple(
            int(v) for v in re.search(rf"{key}: (?:Some\()?\((\d+), (\d+)\)", text).groups()
        )  # noqa: E731

    return {
        "tile": nums("tile_size"),
        "columns": int(re.search(r"columns: (\d+)", text).group(1)),
        "rows": int(re.search(r"rows: (\d+)", text).group(1)),
        "padding": nums("padding") if "padding: Some" in text else (0, 0),
        "offset": nums("offset") if "offset: Some" in text else (0, 0),
    }


def test_layout_numbers_describe_the_written_sheet(game):
    sprite = animated()
    result = export_to_bevy(
        sprite, game, "Hero Knight!", options=SheetOptions(columns=2, padding=2, extrude=1, scale=2)
    )
    assert result.image == game / "assets" / "sprites" / "hero_knight.png"
    assert result.asset_path == "sprites/hero_knight.png"
    png = np.asarray(Image.open(result.image).convert("RGBA"))
    layout = parse_ron(result.layout.read_text())
    assert layout["tile"] == (24, 20) and layout["columns"] == 2 and layout["rows"] == 3
    assert layout["padding"] == (4, 4) and layout["offset"] == (1, 1)
    rects = from_grid_rects(
        layout["tile"], layout["columns"], layout["rows"], layout["padding"], layout["offset"]
    )
    for i in range(5):
        x, y, w, h = rects[i]
        expected = np.repeat(np.repeat(sprite.composite(i), 2, 0), 2, 1)
        assert np.array_equal(png[y : y + h, x : x + w], expected)
    ron = result.layout.read_text()
    assert (
        '"walk": (first: 1, last: 3, direction: "pingpong", frame_durations_ms: [90, 100, 110])'
        in ron
    )
    assert (
        "TextureAtlasLayout::from_grid(UVec2::new(24, 20), 2, 3, Some(UVec2::new(4, 4)), Some(UVec2::new(1, 1)))"
        in result.snippet
    )
    assert (
        "ImagePlugin::default_nearest()" in result.snippet
        and '("walk", 1, 3, "pingpong", &[90, 100, 110])' in result.snippet
    )
    assert result.json.exists()


def test_names_that_climb_out_are_refused(game, tmp_path):
    for bad in ("../evil", "/etc/passwd", "..", "", "a/b", "...."):
        with pytest.raises(InvalidInputError):
            export_to_bevy(animated(), game, bad)
    for bad_folder in ("../outside", "/abs", "sprites/../../x"):
        with pytest.raises(InvalidInputError):
            export_to_bevy(animated(), game, "hero", subfolder=bad_folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_game"]
    assert safe_name("Hero Knight 2") == "hero_knight_2"


def test_not_a_bevy_project_and_unwritable_folder(tmp_path, game):
    with pytest.raises(InvalidInputError, match="Cargo.toml"):
        export_to_bevy(animated(), tmp_path, "hero")
    with pytest.raises(FileAccessError):
        export_to_bevy(animated(), tmp_path / "missing", "hero")
    (game / "assets" / "blocked").write_text("a file where a folder should be")
    with pytest.raises(FileAccessError):
        export_to_bevy(animated(), game, "hero", subfolder="blocked")


def test_hot_reload_never_sees_a_partial_file(game):
    """A watcher polling the folder only ever sees complete PNGs under the real name."""
    target = game / "assets" / "sprites" / "hero.png"
    export_to_bevy(animated(), game, "hero")
    seen_bad = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if target.exists():
                try:
                    with Image.open(target) as im:
                        im.load()
                except Exception as exc:  # a partial file would fail to decode
                    seen_bad.append(exc)
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for _ in range(30):
        export_to_bevy(animated(), game, "hero", options=SheetOptions(scale=4))
    stop.set()
    watcher.join()
    assert seen_bad == []
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_cli_bevy_export_prints_snippet(game, tmp_path):
    from dgx_pixels_app.formats import aseprite

    aseprite.save(animated(), tmp_path / "hero.aseprite")
    result = subprocess.run(
        [sys.executable, "-m", "dgx_pixels_app", "export", str(tmp_path / "hero.aseprite"), "--bevy", str(game), "--name", "hero", "--with-aseprite"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "TextureAtlasLayout::from_grid" in result.stdout
    assert (game / "assets" / "sprites" / "hero.aseprite").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "dgx_pixels_app", "export", str(tmp_path / "hero.aseprite"), "--bevy", str(game), "--name", "../x"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "looks like a path" in bad.stderr


HOSTILE = ['say "hi"', "back\\slash", "two\nlines", "tab\there", "ünïcode ✓", 'end"); panic!("']


def _sprite_with_tags(names):
    from dgx_pixels_app.core.document import Direction, Tag

    sprite = animated()
    sprite.tags = [Tag(name, 0, 1, Direction.FORWARD) for name in names]
    return sprite


def _ron_strings(text: str) -> list[str]:
    """The string literals of a RON text, unescaped as RON's grammar says."""
    out, i = [], 0
    while (i := text.find('"', i)) != -1:
        chars, i = [], i + 1
        while text[i] != '"':
            if text[i] == "\\":
                code = text[i + 1]
                if code == "u":
                    chars.append(chr(int(text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                chars.append({"n": "\n", "r": "\r", "t": "\t"}.get(code, code))
                i += 2
                continue
            assert text[i] not in "\n\r", "a raw newline inside a RON string"
            chars.append(text[i])
            i += 1
        out.append("".join(chars))
        i += 1
    return out


def test_hostile_tag_names_are_escaped_in_rust_and_ron(game, tmp_path):
    import shutil

    result = export_to_bevy(_sprite_with_tags(HOSTILE), game, "hero")
    assert "// Bevy 0.19 (API checked against Bevy 0.19.1)" in result.snippet.splitlines()[0]
    ron_strings = _ron_strings(result.layout.read_text())
    for name in HOSTILE:
        assert name in ron_strings
    rustc = shutil.which("rustc")
    if rustc is None:
        pytest.skip("rustc is not installed")
    table = result.snippet[
        result.snippet.index("const ANIMATIONS") : result.snippet.index("];") + 2
    ]
    program = tmp_path / "names.rs"
    program.write_text(table + '\nfn main() { for a in ANIMATIONS { print!("{}\\u{0}", a.0); } }\n')
    built = subprocess.run([rustc, "--edition", "2021", "-o", str(tmp_path / "names"), str(program)],
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert built.returncode == 0, built.stderr  # the generated Rust compiles…
    names = subprocess.run([str(tmp_path / "names")], capture_output=True, timeout=30).stdout
    assert names.decode().split("\0")[:-1] == HOSTILE  # …and holds exactly the names
