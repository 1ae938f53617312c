import pytest

from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.formats.gpl import load_gpl, parse_gpl, save_gpl
from dgx_pixels_app.resources import builtin_palettes


def test_builtin_palettes_load():
    palettes = {name: load_gpl(path) for name, path in builtin_palettes().items()}
    assert len(palettes["db32"]) == 32 and len(palettes["pico-8"]) == 16
    assert len(palettes["gameboy"]) == 4
    assert palettes["pico-8"].colors[8] == (255, 0, 77, 255)


def test_written_palette_reads_back_identically(tmp_path):
    palette = parse_gpl("GIMP Palette\nName: Mine\n#\n  0   0   0 Black\n255 128 1\tOrange\n")
    save_gpl(palette, tmp_path / "mine.gpl")
    again = load_gpl(tmp_path / "mine.gpl")
    assert again.colors == palette.colors and again.name == "Mine"


@pytest.mark.parametrize(
    "text", ["", "JASC-PAL\n", "GIMP Palette\n300 0 0\n", "GIMP Palette\nred green blue\n"]
)
def test_malformed_palettes_are_refused(text):
    with pytest.raises(FileFormatError):
        parse_gpl(text, "bad.gpl")
