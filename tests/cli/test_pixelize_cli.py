import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from tests.formats.test_images import png_header_only
from tests.pixelize.test_pixelize import sprite, upscale


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dgx_pixels_app", "pixelize", *map(str, args)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_default_is_automatic_true_resolution_rgba(tmp_path):
    art = sprite(seed=21)
    Image.fromarray(upscale(art, 1024 / 24, blur=1.0, noise=3, jpeg=85)).save(tmp_path / "sdxl.png")
    result = run(tmp_path / "sdxl.png", "-o", tmp_path / "sprite.png")
    assert result.returncode == 0, result.stderr
    out = np.asarray(Image.open(tmp_path / "sprite.png"))
    assert out.shape == art.shape  # one output pixel per art pixel, RGBA
    assert set(np.unique(out[..., 3])) == {0, 255}
    assert "24x20 sprite" in result.stdout


def test_options_palette_keep_background_scale(tmp_path):
    art = sprite(seed=22)
    Image.fromarray(upscale(art, 16)).save(tmp_path / "in.png")
    result = run(
        tmp_path / "in.png",
        "-o",
        tmp_path / "out.png",
        "--palette",
        "pico-8",
        "--keep-background",
        "--scale",
        "2",
        "--no-cleanup",
    )
    assert result.returncode == 0, result.stderr
    out = np.asarray(Image.open(tmp_path / "out.png").convert("RGBA"))
    assert out.shape[:2] == (40, 48) and (out[..., 3] == 255).all()
    pico = {(0, 0, 0), (29, 43, 83), (126, 37, 83), (0, 135, 81), (171, 82, 54), (95, 87, 79), (194, 195, 199),
            (255, 241, 232), (255, 0, 77), (255, 163, 0), (255, 236, 39), (0, 228, 54), (41, 173, 255),
            (131, 118, 156), (255, 119, 168), (255, 204, 170)}  # fmt: skip
    assert {tuple(c) for c in out[..., :3].reshape(-1, 3)} <= pico


def make_bad(tmp_path, kind):
    path = tmp_path / f"{kind}.png"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "one-pixel":
        Image.new("RGBA", (1, 1)).save(path)
    elif kind == "huge-header":
        path.write_bytes(png_header_only(30000, 30000))
    elif kind == "not-an-image":
        path.write_text("hello, I am text")
    elif kind == "missing":
        pass
    return path


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("empty", "empty"),
        ("one-pixel", "too small"),
        ("huge-header", "too large"),
        ("not-an-image", "not an image"),
        ("missing", "does not exist"),
    ],
)
def test_bad_inputs_exit_2_with_a_clear_message(tmp_path, kind, words):
    result = run(make_bad(tmp_path, kind), "-o", tmp_path / "out.png")
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.png").exists()


def test_bad_options_exit_2(tmp_path):
    Image.fromarray(upscale(sprite(), 8)).save(tmp_path / "in.png")
    for args, words in (
        (["--colors", "0"], "--colors"),
        (["--cell", "0.5"], "--cell"),
        (["--palette", "no-such-palette"], "No palette"),
        (["-o", tmp_path / "out.jpg"], ".png"),
    ):
        extra = [] if "-o" in args else ["-o", tmp_path / "out.png"]
        result = run(tmp_path / "in.png", *extra, *args)
        assert result.returncode == 2, args
        assert words in result.stderr


def test_pixelize_imports_neither_torch_nor_qt(tmp_path):
    Image.fromarray(upscale(sprite(), 8)).save(tmp_path / "in.png")
    probe = (
        "import sys\nfrom dgx_pixels_app.cli import main\n"
        f"rc = main(['pixelize', {str(tmp_path / 'in.png')!r}, '-o', {str(tmp_path / 'o.png')!r}, '-q'])\n"
        "print('RC', rc, [m for m in ('torch', 'PySide6', 'diffusers') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "RC 0 []" in out.stdout, out.stderr


def test_background_colour_option(tmp_path):
    from tests.pixelize.test_background import GHOST, on_paper

    image = on_paper(GHOST, 32.0, seed=6)
    Image.fromarray(image).save(tmp_path / "ghost.png")
    paper = "#{:02x}{:02x}{:02x}".format(
        *np.median(image[:32, :32, :3].reshape(-1, 3), 0).astype(int)
    )
    result = run(tmp_path / "ghost.png", "-o", tmp_path / "out.png", "--background", paper)
    assert result.returncode == 0, result.stderr
    out = np.asarray(Image.open(tmp_path / "out.png"))
    assert np.array_equal(out[..., 3] > 0, GHOST[..., 3] > 0)
    assert f"({(GHOST[..., 3] == 0).sum()} cells)" in result.stdout
    bad = run(tmp_path / "ghost.png", "-o", tmp_path / "bad.png", "--background", "paper")
    assert bad.returncode != 0 and "#f4f1ea" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.png").exists()


def test_several_inputs_go_to_a_folder_and_a_bad_one_is_skipped(tmp_path):
    arts = [sprite(seed=s) for s in (31, 32)]
    for n, art in enumerate(arts):
        Image.fromarray(upscale(art, 20, blur=0.8, noise=2)).save(tmp_path / f"item{n}.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    inputs = [tmp_path / "item0.png", tmp_path / "broken.png", tmp_path / "item1.png"]
    result = run(*inputs, "-o", tmp_path / "sprites")
    assert result.returncode == 2  # one failed: the exit status says so
    assert "broken.png" in result.stderr and "Traceback" not in result.stderr
    for n, art in enumerate(arts):  # ... and the others were still written
        out = np.asarray(Image.open(tmp_path / "sprites" / f"item{n}.png"))
        assert out.shape == art.shape
    assert sorted(p.name for p in (tmp_path / "sprites").iterdir()) == ["item0.png", "item1.png"]
    assert "2 of 3 images" in result.stdout


def test_several_inputs_refuse_a_png_output_and_clashing_names(tmp_path):
    Image.fromarray(upscale(sprite(seed=33), 16)).save(tmp_path / "a.png")
    (tmp_path / "sub").mkdir()
    Image.fromarray(upscale(sprite(seed=34), 16)).save(tmp_path / "sub" / "a.png")
    result = run(tmp_path / "a.png", tmp_path / "sub" / "a.png", "-o", tmp_path / "out.png")
    assert result.returncode == 2 and "folder" in result.stderr
    result = run(tmp_path / "a.png", tmp_path / "sub" / "a.png", "-o", tmp_path / "out")
    assert result.returncode == 2 and "both be written" in result.stderr
    assert not (tmp_path / "out" / "a.png").exists()


def test_a_folder_given_as_an_image_is_named_plainly(tmp_path):
    (tmp_path / "renders").mkdir()
    result = run(tmp_path / "renders", "-o", tmp_path / "out.png")
    assert result.returncode == 2
    assert "is a folder, not an image." in result.stderr and "Cannot read" not in result.stderr


def test_a_close_grid_is_said_with_the_cell_to_ask_for(tmp_path, capsys, monkeypatch):
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import write_png
    from dgx_pixels_app.pixelize import candidates as module
    from dgx_pixels_app.pixelize.candidates import Candidate
    from tests.pixelize.test_pixelize import sprite, upscale

    write_png(tmp_path / "in.png", upscale(sprite(seed=31), 12.5, blur=0.8))
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "a.png")]) == 0
    assert "note:" not in capsys.readouterr().err  # an ordinary sprite: nothing to say

    def offered(image, grid):
        return [
            Candidate(grid.x.cell / 2, (48, 40), 0.004),
            Candidate(grid.x.cell, grid.size, 0.02),
        ]

    monkeypatch.setattr(module, "candidates", offered)
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "b.png")]) == 0
    err = capsys.readouterr().err
    assert "reads about as well at 6.2" in err and "→ 48x40" in err and "--cell 6.2" in err


def test_another_count_of_a_few_edges_cells_is_said_with_its_cell(tmp_path, capsys):
    """A flag in narrow room reads 29 x 25 where drift leaves its 31 x 27 as likely: the
    command says so, with the sprite that cell gives and the --cell to ask for."""
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import write_png
    from tests.pixelize.test_faint_frames import narrow_room_flag

    _art, image = narrow_room_flag()
    write_png(tmp_path / "in.png", image)
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png")]) == 0
    err = capsys.readouterr().err
    assert "reads about as well at 31.2" in err and "→ 31x27" in err, err


def test_a_one_colour_sprite_is_said_in_the_singular(tmp_path, capsys):
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import write_png

    art = np.zeros((16, 16, 4), np.uint8)
    art[4:12, 4:12] = (200, 40, 40, 255)
    write_png(tmp_path / "in.png", upscale(art, 12.0, bg=(240, 240, 240)))
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png")]) == 0
    out = capsys.readouterr().out
    assert " px, 1 colour, background removed (" in out and " cells) (" in out, out


def test_small_cells_on_a_large_picture_are_offered_too(tmp_path, capsys):
    """An egg of 7.9 px cells in a 1024 px frame read at JPEG's 4 px: the command offers
    8 px. Cells under 6 px on a picture of 512 px or more were left out of the offers
    (judged every other pixel), the chosen one too, and nothing was ever said at SDXL's
    usual 4-5 px."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from wide_frame_eval import in_wide_frame

    from dgx_pixels_app.cli import main
    from dgx_pixels_app.formats.images import write_png
    from tests.pixelize.test_background import OWN_ART

    write_png(tmp_path / "in.png", in_wide_frame(OWN_ART.sprite("egg"), 130, 14))
    assert main(["pixelize", str(tmp_path / "in.png"), "-o", str(tmp_path / "o.png")]) == 0
    err = capsys.readouterr().err
    assert "read at 4.00 px; it reads about as well at 8.00 px" in err, err


def test_small_cells_around_a_flat_middle_are_offered_nothing():
    """Cells under 6 px are judged in the sprite's box or the picture's middle: where
    the middle is flat (art around the picture's edges only) every grid left nothing
    there, and 8 and 12 px were offered as reading 4 px art as well."""
    import numpy as np

    from dgx_pixels_app.pixelize.candidates import candidates, close_call
    from dgx_pixels_app.pixelize.grid import detect_grid

    art = np.random.default_rng(0).integers(0, 255, (256, 256, 3)).astype(np.uint8)
    art[40:216, 40:216] = 128
    image = np.kron(art, np.ones((4, 4, 1), np.uint8))
    image = np.concatenate([image, np.full((1024, 1024, 1), 255, np.uint8)], -1)
    grid = detect_grid(image)
    assert abs(grid.x.cell - 4.0) < 0.01
    assert close_call(candidates(image, grid), grid.x.cell) == []
