"""``dgx-pixels edit``: the Sprite menu from the command line, one operation a call,
read back by the independent parser; every bad value one error line and exit 2, and
nothing written."""

import numpy as np
import pytest

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats import aseprite
from tests.helpers import read_with_ase_parser
from tests.mcp.test_mcp_edit import _knight


def test_outline_canvas_and_indexed_in_three_calls(tmp_path, capsys):
    _knight(tmp_path)
    src, one, two, three = (tmp_path / n for n in ("knight.aseprite", "1.aseprite",
                                                   "2.aseprite", "3.aseprite"))  # fmt: skip
    assert main(["edit", str(src), "outline", "--shade", "--diagonal", "-o", str(one)]) == 0
    assert "outline: 2 cels changed" in capsys.readouterr().out
    assert tuple(aseprite.load(one).composite(0)[3, 7]) == (120, 18, 18, 255)  # 60 % of red
    assert main(["edit", str(one), "canvas-size", "--left", "8", "--top", "8", "--right", "8",
                 "--bottom", "8", "-o", str(two)]) == 0  # fmt: skip
    assert "16×16 → 32×32" in capsys.readouterr().out
    assert main(["edit", str(two), "indexed", "--reduce", "sprite", "-o", str(three)]) == 0
    parsed = read_with_ase_parser(three)
    assert parsed["colorDepth"] == 8 and (parsed["width"], parsed["height"]) == (32, 32)
    back = aseprite.load(three)
    assert np.array_equal(back.composite(0), aseprite.load(two).composite(0))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hue-saturation", "--hue", "500"], "--hue must be -180 to 180"),
        (["outline", "--color", "red"], "--color is a colour as '#rrggbb'"),
        (["outline", "--layer", "Cape"], "--layer names no layer of the sprite (it has 'Body')"),
        (["outline", "--frame", "9"], "--frame must be 1 to 2"),
        (["replace-color"], "needs a 'from' and a 'to' colour"),
        (["sprite-size", "--percent", "0"], "--percent must be 1 to 3200"),
        (["canvas-size", "--left", "-16"], "is empty"),
        (["rotate", "--angle", "nan"], "--angle must be -360 to 360"),
        (["canvas-size", "--anchor", "middle"], "--anchor must be one of"),
        (["sprite-size", "--width", "9000"], "--width must be 1 to 8192"),
    ],
)
def test_bad_values_are_one_line_and_exit_2(tmp_path, capsys, args, message):
    _knight(tmp_path)
    out = tmp_path / "out.aseprite"
    assert main(["edit", str(tmp_path / "knight.aseprite"), *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dgx-pixels: error:") and message in err[0]
    assert not out.exists()


def test_never_over_a_hand_made_file_unless_asked(tmp_path, capsys):
    _knight(tmp_path)
    mine = tmp_path / "mine.aseprite"
    mine.write_bytes(b"hand made")
    assert main(["edit", str(tmp_path / "knight.aseprite"), "trim", "-o", str(mine)]) == 2
    assert mine.read_bytes() == b"hand made" and "--overwrite" in capsys.readouterr().err
    assert main(["edit", str(tmp_path / "knight.aseprite"), "trim", "-o", str(mine),
                 "--overwrite"]) == 0  # fmt: skip
    assert aseprite.load(mine).width == 4


def test_an_output_folder_that_cannot_be_made_is_one_error_line(tmp_path, capsys):
    _knight(tmp_path)
    (tmp_path / "afile").write_text("not a folder")
    for output in (tmp_path / "afile" / "x.aseprite", "/proc/x.aseprite"):
        assert main(["edit", str(tmp_path / "knight.aseprite"), "trim", "-o", str(output)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("dgx-pixels: error:"), err
    for args, message in ((["trim", "--hue", "50"], "--hue does nothing for trim"),
                          (["canvas-size", "--width", "40", "--layer", "Body"],
                           "--layer does nothing for canvas-size")):  # fmt: skip
        assert main(["edit", str(tmp_path / "knight.aseprite"), *args, "-o",
                     str(tmp_path / "o.aseprite")]) == 2  # fmt: skip
        assert message in capsys.readouterr().err
