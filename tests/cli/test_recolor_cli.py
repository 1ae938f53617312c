"""``dgx-pixels recolor``: hue-shifted and mapped variants of every layer and frame, read
back from the written .aseprite; bad input one line, exit 2, nothing written."""

import pytest

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats import aseprite
from dgx_pixels_app.formats.documents import open_document
from tests.core.test_sprite_ops import knight


@pytest.fixture
def slime(tmp_path):
    sprite, _ = knight()
    path = tmp_path / "slime.aseprite"
    aseprite.save(sprite, path)
    return path


def test_hue_shifts_and_a_mapping_make_variants(slime, tmp_path, capsys):
    out = tmp_path / "variants"
    assert main(["recolor", str(slime), "--hue-shift", "120,240",
                 "--map", "#c81e1e=#1e1ec8", "-o", str(out)]) == 0  # fmt: skip
    names = sorted(p.name for p in out.glob("*.aseprite"))
    assert names == ["slime-hue120.aseprite", "slime-hue240.aseprite", "slime-map1.aseprite"]
    mapped = open_document(out / "slime-map1.aseprite")
    assert len(mapped.frames) == 2
    for cel in mapped.cels.values():
        assert (cel.image[3, 3] == (30, 30, 200, 255)).all()
    green = open_document(out / "slime-hue120.aseprite")
    pixel = next(iter(green.cels.values())).image[3, 3]
    assert pixel[1] > pixel[0] and pixel[1] > pixel[2]  # red shifted 120° is green
    # a second run: its own files are replaced, nothing hand-made is
    assert main(["recolor", str(slime), "--hue-shift", "120", "-o", str(out)]) == 0
    (out / "slime-hue240.aseprite").write_bytes(b"mine")
    assert main(["recolor", str(slime), "--hue-shift", "240", "-o", str(out)]) == 2
    assert (out / "slime-hue240.aseprite").read_bytes() == b"mine"


@pytest.mark.parametrize(("argv", "message"), [
    ([], "--hue-shift"), (["--hue-shift", "abc"], "--hue-shift"),
    (["--hue-shift", "9999"], "--hue-shift"), (["--hue-shift", ",".join(["10"] * 40)], "--hue-shift"),
    (["--map", "red=blue"], "colour mapping"), (["--map", "#123456=#654321"], "has no #123456"),
])  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(slime, tmp_path, capsys, argv, message):
    out = tmp_path / "none"
    assert main(["recolor", str(slime), *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not out.exists() or not list(out.iterdir())


def test_an_indexed_sprite_gets_palette_swaps_that_stay_indexed_and_linked(tmp_path):
    from tests.formats.test_aseprite_structure import indexed_sprite
    from tests.helpers import read_with_ase_parser

    sprite = indexed_sprite()
    source = tmp_path / "gem.aseprite"
    aseprite.save(sprite, source)
    assert main(["recolor", str(source), "--hue-shift", "120", "-o", str(tmp_path / "v")]) == 0
    variant = aseprite.load(tmp_path / "v" / "gem-hue120.aseprite")
    assert variant.indexed
    assert variant.palette.colors[1:] == [(0, 200, 0, 255), (200, 0, 0, 255), (0, 255, 255, 255)]
    assert variant.composite(0)[1, :2].tolist() == [[0, 200, 0, 255], [200, 0, 0, 255]]
    parsed = read_with_ase_parser(tmp_path / "v" / "gem-hue120.aseprite")
    assert parsed["colorDepth"] == 8
