"""Sheets of repeated items on a regular pitch (icons, tiles, frames) are read at the
cell, not at a multiple of it lined up with the pitch (issue: a 108×60 sheet came back
17×9). Kept apart from tuning: the sheets are drawn here, degraded as SDXL output is."""

import sys
from pathlib import Path

import numpy as np
import pytest

from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from tests.pixelize.test_pixelize import sprite, upscale

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from degrade import degrade  # noqa: E402
from sheet_eval import sheet  # noqa: E402  (the evaluation's sheets: seeds under 20 are "tune")


@pytest.mark.parametrize("seed", [4, 5, 9, 12])
def test_a_sheet_of_icons_is_read_at_the_cell_not_the_pitch(seed):
    art, _layout = sheet(seed)
    out = pixelize(degrade(art, seed), PixelizeOptions()).image
    assert abs(out.shape[1] - art.shape[1]) <= 1 and abs(out.shape[0] - art.shape[0]) <= 1


def test_a_strip_of_one_sprite_with_small_changes_gives_frames_of_its_size():
    from dgx_pixels_app.jobs.frames import cut_strip

    base = sprite(16, 16, 3)
    frames = []
    for i in range(4):
        frame = base.copy()
        frame[4 + i, 6:9] = (250, 250, 250, 255)  # a small change each frame
        frames.append(frame)
    image = upscale(np.concatenate(frames, axis=1), 9.6, blur=0.8, noise=2, seed=3)
    art = pixelize(image, PixelizeOptions()).image
    assert art.shape[:2] == (16, 64)
    cut = cut_strip(art, 4)
    assert all(f.shape[:2] == (16, 16) for f in cut)
    assert ((cut[2][..., 3] > 0) == (frames[2][..., 3] > 0)).mean() > 0.97


def test_a_close_call_shows_a_coarser_grid_as_good_or_a_finer_one_much_better():
    from dgx_pixels_app.pixelize.candidates import Candidate, close_call

    def c(cell, left):
        return Candidate(cell, (int(100 / cell), int(100 / cell)), left)

    assert close_call([c(5, 0.004), c(10, 0.004), c(20, 0.3)], 10) == []  # finer as good
    assert [x.cell for x in close_call([c(5, 0.004), c(10, 0.02)], 10)] == [5, 10]
    assert [x.cell for x in close_call([c(10, 0.004), c(20, 0.005)], 10)] == [10, 20]
    assert close_call([c(10, 0.004)], 7) == []


def test_a_known_layout_reads_each_part_for_the_cell_even_when_the_whole_would_fool_it(
    monkeypatch,
):
    from dgx_pixels_app.pixelize import grid, lattice

    # the whole-picture safeguards off: the check, strokes and one edge per cut
    monkeypatch.setattr(grid, "finer_if_too_coarse", lambda image, found, at, low: found)
    monkeypatch.setattr(grid, "thinnest_stroke", lambda edged, faint=False: np.inf)
    monkeypatch.setattr(grid, "stroke_period", lambda edged, period: period)
    monkeypatch.setattr(lattice, "STROKE_APART", np.inf)
    art, (cols, rows) = sheet(5)  # the sheet that collapsed 6x (see above)
    image = degrade(art, 5)
    fooled = pixelize(image, PixelizeOptions()).image
    assert fooled.shape[1] < art.shape[1] // 3  # without the check, the pitch wins
    known = pixelize(image, PixelizeOptions(layout=(cols, rows))).image
    assert abs(known.shape[1] - art.shape[1]) <= 1 and abs(known.shape[0] - art.shape[0]) <= 1


@pytest.mark.parametrize("text", ["4", "0x1", "1x1", "65x1", "4x1x2", "-4x1"])
def test_a_bad_layout_is_one_error_line(tmp_path, capsys, text):
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import write_png

    write_png(tmp_path / "in.png", upscale(sprite(seed=1), 6.0))
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png"),
                 f"--layout={text}"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--layout" in err[0]
    assert not (tmp_path / "o.png").exists()


def test_parts_that_disagree_on_the_cell_say_so(tmp_path, capsys):
    """Never a silent guess with a layout either: when the parts read at clearly
    different cells, the result says so, and the command prints it."""
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import write_png

    fine = upscale(sprite(32, 32, seed=2), 8.0, blur=0.6, noise=2, seed=2)
    coarse = upscale(sprite(16, 16, seed=3), 16.0, blur=0.6, noise=2, seed=3)
    image = np.concatenate([fine, coarse], axis=1)  # 512x256: two halves, two cells
    result = pixelize(image, PixelizeOptions(layout=(4, 1)))
    assert len(result.notes) == 1 and "4 x 1" in result.notes[0]
    strip = upscale(np.concatenate([sprite(16, 16, s) for s in range(4)], axis=1), 8.0, seed=1)
    assert pixelize(strip, PixelizeOptions(layout=(4, 1))).notes == ()

    write_png(tmp_path / "in.png", image)
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png"),
                 "--layout", "4x1"]) == 0  # fmt: skip
    assert "note: o.png: The parts of the 4 x 1 sheet read at cells" in capsys.readouterr().err


def test_a_layout_of_parts_too_small_to_read_is_said_and_the_picture_read_whole(tmp_path, capsys):
    """A 40 x 40 sheet of a 96 px picture: 2 px parts. The picture is read whole, at
    once, and the command says why (a 64 x 64 layout used to give a wrong preview after
    seconds of work)."""
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import read_rgba, write_png

    art = sprite(seed=1)
    write_png(tmp_path / "in.png", upscale(art, 4.0))
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png"),
                 "--layout", "40x40"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "2x2 px, are too small to find a grid in" in err and "read whole" in err
    assert read_rgba(tmp_path / "o.png").shape[:2] == art.shape[:2]


def hazard_frame(w: int = 40, h: int = 20, band: int = 3, stripe: int = 10) -> np.ndarray:
    """A UI selection frame: a band of diagonal red and yellow stripes that step one
    pixel a row, around a black field (a repeat of the content at five cells)."""
    art = np.zeros((h, w, 4), np.uint8)
    art[..., 3] = 255
    y, x = np.mgrid[0:h, 0:w]
    red = ((x + y) // (stripe // 2)) % 2 == 0
    art[..., :3] = np.where(red[..., None], (230, 20, 20), (250, 240, 0))
    art[(x >= band) & (x < w - band) & (y >= band) & (y < h - band), :3] = 0
    return art


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_frame_of_diagonal_stripes_is_read_at_the_cell_not_the_stripe(seed):
    """The stripes repeat every five cells and the field inside is flat, so a grid at
    the stripes' pitch leaves little of the picture's detail inside its cells (2 %); the
    check that the cells explain the picture now looks at that much (it looked from 3 %:
    a lbreakout2 frame came back 9x5 for 40x20)."""
    from pixelize_wide_eval import light_background

    art = hazard_frame()
    out = pixelize(light_background(art, seed), PixelizeOptions(remove_background=False)).image
    assert abs(out.shape[1] - art.shape[1]) <= 1 and abs(out.shape[0] - art.shape[0]) <= 1


@pytest.mark.parametrize(("name", "seed", "light"), [("bottle", 501, True), ("grass", 502, False)])
def test_the_grid_check_takes_the_coarser_of_two_divisors_that_explain_as_much(name, seed, light):
    """A period of about two cells: a third of it leaves a little less inside its cells
    than a half (smaller cells always do), which is no reason to take it (a bottle at
    6 px cells read at 4 px: 1.5x too big)."""
    from own_art import sprite as own_sprite
    from pixelize_wide_eval import framed, opaque_part, small, small_light

    art = own_sprite(name)
    target, _box = framed(art, seed)
    out = pixelize((small_light if light else small)(target, seed), PixelizeOptions()).image
    got, want = opaque_part(out).shape, opaque_part(target).shape
    assert abs(got[1] - want[1]) <= 1 and abs(got[0] - want[0]) <= 1
