"""Small cells (4-7 px) blurred into each other: their colours come back when the blur
is solved out on the grid, where reading the cell's interior alone gets many wrong."""

import numpy as np

from dgx_pixels_app.pixelize.cells import sample_cells
from dgx_pixels_app.pixelize.deblur import deblurred_cells
from dgx_pixels_app.pixelize.grid import detect_grid
from dgx_pixels_app.pixelize.pipeline import pixelize
from tests.pixelize.test_pixelize import upscale


def shaded_sprite(seed: int = 5) -> np.ndarray:
    """A 40x40 opaque sprite in 12 colours where most pixels differ from their
    neighbours: the detail blur ruins first."""
    rng = np.random.default_rng(seed)
    colours = rng.integers(0, 256, (12, 3))
    art = np.zeros((40, 40, 4), np.uint8)
    art[..., :3] = colours[rng.integers(0, 12, (40, 40))]
    art[..., 3] = 255
    return art


def wrong_share(cells: np.ndarray, art: np.ndarray) -> float:
    return float((np.abs(cells[..., :3].astype(int) - art[..., :3]).max(-1) > 24).mean())


def test_blurred_small_cells_get_their_own_colours_back():
    art = shaded_sprite()
    image = upscale(art, 4.6, blur=1.4, noise=3, seed=1)
    grid = detect_grid(image)
    assert grid.size == (40, 40)
    plain = wrong_share(sample_cells(image, grid), art)
    solved, blur = deblurred_cells(image, grid)
    assert plain > 0.15  # the interior alone is too mixed: the test can tell
    assert wrong_share(solved, art) < 0.02
    assert 0.9 <= blur.sigma <= 1.8  # near the blur that was applied


def test_pixelize_uses_it_and_leaves_sharp_small_cells_alone():
    art = shaded_sprite(7)
    blurred = upscale(art, 5.2, blur=1.2, noise=3, seed=2)
    sharp = upscale(art, 5.2, seed=2)  # nearest-neighbour, no blur: nothing to undo
    for image in (blurred, sharp):
        out = pixelize(image).image
        assert out.shape[:2] == (40, 40)
        assert wrong_share(out, art) < 0.02


def test_jpeg_half_resolution_colour_is_solved_out_too():
    """JPEG keeps colour at half resolution (4:2:0): a one-pixel detail keeps its
    lightness but spreads its hue. Colour gets its own, wider blur; a PNG of the same
    art (colour at full resolution) keeps the lightness's blur and its colours."""
    import io

    from PIL import Image

    art = shaded_sprite(9)
    blurred = upscale(art, 4.6, blur=1.0, noise=2, seed=3)
    for subsampling in (2, 0):  # 4:2:0 (read as RGB alone: 20 % wrong), then 4:4:4
        buffer = io.BytesIO()
        Image.fromarray(blurred[..., :3]).save(buffer, "JPEG", quality=92, subsampling=subsampling)
        image = np.asarray(Image.open(buffer).convert("RGBA"))
        grid = detect_grid(image)
        assert grid.size == (40, 40)
        assert wrong_share(deblurred_cells(image, grid)[0], art) < 0.02, subsampling
    grid = detect_grid(blurred)
    assert wrong_share(deblurred_cells(blurred, grid)[0], art) < 0.02
