"""Sprite sheets: the JSON rectangles cut exactly the frames back out of the PNG."""

import json

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.core.document import Cel, Direction, Sprite, Tag
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.formats.frames import slice_grid
from dgx_pixels_app.formats.sheet import SheetOptions, build_sheet
from dgx_pixels_app.formats.sheet_import import read_sheet_json
from dgx_pixels_app.formats.sheet_json import dumps, sheet_json


def animated(frames=5, w=12, h=10) -> Sprite:
    sprite = Sprite.new(w, h, frames=frames)
    rng = np.random.default_rng(0)
    for i, frame in enumerate(sprite.frames):
        image = np.zeros((h, w, 4), np.uint8)
        x0, y0 = 1 + i % 4, 2 + i % 3
        image[y0 : y0 + 5, x0 : x0 + 4] = (*rng.integers(0, 256, 3), 255)
        image[y0 + 1, x0 + 1] = (255, 255, 255, 255)
        sprite.cels[(sprite.layers[0].id, frame.id)] = Cel(image)
        frame.duration_ms = 80 + 10 * i
    sprite.tags = [Tag("walk", 1, 3, Direction.PINGPONG, (10, 200, 30)), Tag("idle", 0, 0)]
    return sprite


def cut(sheet_image, entry):
    f = entry["frame"]
    return sheet_image[f["y"] : f["y"] + f["h"], f["x"] : f["x"] + f["w"]]


@pytest.mark.parametrize(
    "options",
    [
        SheetOptions(),
        SheetOptions(columns=2, padding=3, border=2),
        SheetOptions(layout="columns", columns=2, extrude=2, padding=1),
        SheetOptions(trim=True, padding=1, extrude=1),
        SheetOptions(layout="packed", trim=True, padding=2),
        SheetOptions(scale=3, columns=3, power_of_two=True),
    ],
)
def test_json_rectangles_cut_the_frames_back_out(tmp_path, options):
    sprite = animated()
    sheet = build_sheet(sprite, options)
    Image.fromarray(sheet.image).save(tmp_path / "s.png")
    data = json.loads(dumps(sheet_json(sheet, sprite, "s.png", "hero", scale=options.scale)))
    png = np.asarray(Image.open(tmp_path / "s.png").convert("RGBA"))
    assert data["meta"]["size"] == {"w": png.shape[1], "h": png.shape[0]}
    assert [t["name"] for t in data["meta"]["frameTags"]] == ["walk", "idle"]
    assert data["meta"]["frameTags"][0] == {
        "name": "walk",
        "from": 1,
        "to": 3,
        "direction": "pingpong",
        "color": "#0ac81eff",
    }
    entries = list(data["frames"].values())
    assert len(entries) == 5
    s = options.scale
    for i, entry in enumerate(entries):
        frame = sprite.composite(i)
        if s > 1:
            frame = np.repeat(np.repeat(frame, s, 0), s, 1)
        assert entry["sourceSize"] == {"w": frame.shape[1], "h": frame.shape[0]}
        src = entry["spriteSourceSize"]
        expected = frame[src["y"] : src["y"] + src["h"], src["x"] : src["x"] + src["w"]]
        assert np.array_equal(cut(png, entry), expected)
        assert entry["duration"] == 80 + 10 * i
        assert entry["trimmed"] == options.trim
    if options.extrude:  # the pixel just outside a rectangle repeats its edge
        f = entries[0]["frame"]
        assert np.array_equal(
            png[f["y"] - 1, f["x"] : f["x"] + f["w"]], png[f["y"], f["x"] : f["x"] + f["w"]]
        )
    if options.power_of_two:
        assert all(v & (v - 1) == 0 for v in png.shape[:2])


def test_merge_duplicates_and_tag_and_layer_selection():
    sprite = animated(4)
    sprite.cels[(sprite.layers[0].id, sprite.frames[3].id)] = Cel(sprite.cel_at(0, 1).image.copy())
    sheet = build_sheet(sprite, SheetOptions(merge_duplicates=True))
    assert sheet.frames[1].rect == sheet.frames[3].rect
    assert sheet.image.shape[1] == 3 * 12
    walk = build_sheet(animated(), SheetOptions(tag="walk"))
    assert [f.frame_index for f in walk.frames] == [1, 2, 3]
    assert [(t.name, t.start, t.end) for t in walk.tags] == [("walk", 0, 2)]
    with pytest.raises(InvalidInputError, match="No tag 'run'"):
        build_sheet(animated(), SheetOptions(tag="run"))
    with pytest.raises(InvalidInputError, match="No layer"):
        build_sheet(animated(), SheetOptions(layer="nope"))


def test_empty_document_and_bad_options_refused():
    with pytest.raises(InvalidInputError, match="empty"):
        build_sheet(Sprite.new(8, 8, frames=2))
    for bad in (
        SheetOptions(scale=9),
        SheetOptions(padding=-1),
        SheetOptions(layout="diagonal"),
        SheetOptions(columns=0),
    ):
        with pytest.raises(InvalidInputError):
            build_sheet(animated(), bad)


def test_aseprite_json_pair_imports_back(tmp_path):
    sprite = animated()
    sheet = build_sheet(sprite, SheetOptions(trim=True, layout="packed", padding=1))
    Image.fromarray(sheet.image).save(tmp_path / "hero.png")
    (tmp_path / "hero.json").write_text(
        dumps(sheet_json(sheet, sprite, "hero.png", "hero", form="array"))
    )
    back = read_sheet_json(tmp_path / "hero.json")
    assert (back.width, back.height, len(back.frames)) == (12, 10, 5)
    for i in range(5):
        assert np.array_equal(back.composite(i), sprite.composite(i))
    assert [f.duration_ms for f in back.frames] == [80, 90, 100, 110, 120]
    assert [(t.name, t.start, t.end, t.direction) for t in back.tags] == [
        ("walk", 1, 3, Direction.PINGPONG),
        ("idle", 0, 0, Direction.FORWARD),
    ]


def test_slicing_a_sheet_made_with_pillow():
    sheet = Image.new("RGBA", (3 * 16 + 2 * 2 + 1, 2 * 8 + 2 + 1), (0, 0, 0, 0))
    colors = [
        (255, 0, 0, 255),
        (0, 255, 0, 255),
        (0, 0, 255, 255),
        (255, 255, 0, 255),
        (0, 255, 255, 255),
    ]
    for k, color in enumerate(colors):
        col, row = k % 3, k // 3
        sheet.paste(Image.new("RGBA", (16, 8), color), (1 + col * 18, 1 + row * 10))
    array = np.asarray(sheet)
    frames = slice_grid(array, cell=(16, 8), padding=2, offset=(1, 1))
    assert len(frames) == 5  # the sixth cell is empty and skipped
    assert [tuple(f[0, 0]) for f in frames] == colors
    by_grid = slice_grid(array, grid=(3, 2), padding=2, offset=(1, 1))
    assert len(by_grid) == 5 and by_grid[0].shape == (8, 16, 4)
    with pytest.raises(InvalidInputError, match="do not divide"):
        slice_grid(array, cell=(15, 8), padding=2, offset=(1, 1))
    with pytest.raises(InvalidInputError, match="does not split"):
        slice_grid(array, grid=(4, 2), padding=2, offset=(1, 1))
