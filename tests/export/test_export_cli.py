import json
import subprocess
import sys

import numpy as np
from PIL import Image

from dgx_pixels_app.formats import aseprite
from tests.export.test_sheet import animated
from tests.helpers import read_with_ase_parser


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dgx_pixels_app", "export", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sheet_from_aseprite_with_options(tmp_path):
    aseprite.save(animated(), tmp_path / "hero.aseprite")
    result = run(
        tmp_path / "hero.aseprite",
        "-o",
        tmp_path / "out.png",
        "--format",
        "sheet",
        "--columns",
        "2",
        "--padding",
        "1",
        "--extrude",
        "1",
        "--trim",
        "--tag",
        "walk",
        "--scale",
        "2",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    png = np.asarray(Image.open(tmp_path / "out.png").convert("RGBA"))
    assert len(data["frames"]) == 3 and data["meta"]["image"] == "out.png"
    assert data["meta"]["size"] == {"w": png.shape[1], "h": png.shape[0]}


def test_animated_aseprite_from_png_frames_read_by_independent_parser(tmp_path):
    sprite = animated(4)
    paths = []
    for i in range(4):
        path = tmp_path / f"f{i}.png"
        Image.fromarray(sprite.composite(i)).save(path)
        paths.append(path)
    out = tmp_path / "anim.aseprite"
    result = run(
        *paths,
        "-o",
        out,
        "--durations",
        "100,100,150,150",
        "--tag",
        "walk:0-3:pingpong",
        "--tag",
        "hit:2-2",
    )
    assert result.returncode == 0, result.stderr
    parsed = read_with_ase_parser(out)
    assert [f["duration"] for f in parsed["frames"]] == [100, 100, 150, 150]
    assert [(t["name"], t["from"], t["to"], t["direction"]) for t in parsed["tags"]] == [
        ("walk", 0, 3, "Ping-pong"),
        ("hit", 2, 2, "Forward"),
    ]
    back = aseprite.load(out)
    for i in range(4):
        assert np.array_equal(back.composite(i), sprite.composite(i))


def test_bad_sources_exit_2(tmp_path):
    (tmp_path / "bad.aseprite").write_bytes(b"nope" * 40)
    Image.new("RGBA", (8, 8)).save(tmp_path / "a.png")
    Image.new("RGBA", (9, 8)).save(tmp_path / "b.png")
    cases = [
        ([tmp_path / "bad.aseprite", "-o", tmp_path / "o.png"], "not an Aseprite file"),
        ([tmp_path / "missing.aseprite", "-o", tmp_path / "o.png"], "does not exist"),
        ([tmp_path / "a.png", tmp_path / "b.png", "-o", tmp_path / "o.aseprite"], "same size"),
        ([tmp_path / "a.png", "-o", tmp_path / "o.aseprite", "--tag", "x:0-5"], "frames 0-0"),
        ([tmp_path / "a.png", "-o", tmp_path / "o.png"], "empty"),
        ([tmp_path / "a.png", "-o", tmp_path / "o.txt"], "Cannot tell"),
    ]
    for args, words in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
