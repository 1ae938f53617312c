import pytest

from dgx_pixels_app.core.errors import FileAccessError, FileFormatError
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats.palettes import find_palette, load_palette, save_palette
from dgx_pixels_app.resources import builtin_palettes

PALETTE = Palette(
    [(0, 0, 0, 255), (255, 0, 77, 255), (41, 173, 255, 255), (10, 20, 30, 128)],
    ["Black", "Red", "", ""],
    "Mine",
)


@pytest.mark.parametrize("suffix", [".gpl", ".hex", ".pal"])
def test_files_we_write_read_back_identically(tmp_path, suffix):
    path = tmp_path / f"mine{suffix}"
    palette = (
        PALETTE
        if suffix == ".hex"
        else Palette([c[:3] for c in PALETTE.colors], PALETTE.names, "Mine")
    )
    save_palette(palette, path)
    again = load_palette(path)
    assert again.colors == palette.colors


def test_hand_written_gimp_palette_loads(tmp_path):
    path = tmp_path / "hand.gpl"
    path.write_text(
        "GIMP Palette\nName: Sunset\nColumns: 4\n# a comment\n"
        "255   0   0\tRed\n  0 255   0 Green\n0 0 255\n\n# trailing comment\n"
    )
    palette = load_palette(path)
    assert palette.name == "Sunset"
    assert palette.colors == [(255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255)]
    assert palette.names == ["Red", "Green", ""]


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("bad.gpl", "GIMP Palette\n12 34\n", "line 2"),
        ("bad.hex", "ff0000\nnot-a-colour\n", "line 2"),
        ("empty.hex", "\n\n", "no colours"),
        ("bad.pal", "JASC-PAL\n0100\n3\n0 0 0\n", "says 3 colours"),
        ("bad2.pal", "RIFF....", "not a JASC palette"),
        ("bad.gpl", "", "not a GIMP palette"),
    ],
)
def test_malformed_palette_files_get_a_clear_message(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(FileFormatError, match=words):
        load_palette(path)


def test_wrong_kind_and_missing(tmp_path):
    with pytest.raises(FileFormatError, match="not a palette file"):
        load_palette(tmp_path / "x.png")
    with pytest.raises(FileAccessError):
        load_palette(tmp_path / "missing.gpl")
    with pytest.raises(FileFormatError, match="No palette"):
        find_palette("no-such")


def test_all_builtins_present():
    names = set(builtin_palettes())
    assert {"pico-8", "db16", "db32", "endesga-32", "gameboy", "nes"} <= names
    assert len(load_palette(builtin_palettes()["nes"])) == 55
