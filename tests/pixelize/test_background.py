"""The background decision on the cases issue 15 named: white parts of a sprite on a
near-white textured background, a small sprite filling its frame, art up to the
edges (a tile), and the user's own choice (a picked colour, or none)."""

import importlib.util
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from tests.pixelize.test_pixelize import upscale


def _own_art():
    """The drawings of bench/own_art.py (plain numpy), shared with the evaluation."""
    path = Path(__file__).resolve().parents[2] / "bench" / "own_art.py"
    spec = importlib.util.spec_from_file_location("own_art", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OWN_ART = _own_art()
# a white ghost with no outline: its white body meets the background directly
GHOST = OWN_ART.sprite("ghost")


def on_paper(art: np.ndarray, cell: float, seed: int = 0, base: float = 238) -> np.ndarray:
    """``art`` upscaled onto near-white paper: mottled, grainy, blurred, JPEG'd."""
    rng = np.random.default_rng(seed)
    clean = upscale(art, cell, bg=(0, 0, 0))
    h, w = clean.shape[:2]
    field = Image.fromarray((rng.normal(0, 1, (h, w)) * 40 + 128).clip(0, 255).astype(np.uint8))
    mottle = np.asarray(field.filter(ImageFilter.GaussianBlur(6))).astype(np.float32)
    mottle = (mottle - mottle.mean()) / mottle.std() * 2.5
    paper = base + mottle + rng.normal(0, 1.5, (h, w))
    xi = np.minimum((np.arange(w) / cell).astype(int), art.shape[1] - 1)
    yi = np.minimum((np.arange(h) / cell).astype(int), art.shape[0] - 1)
    alpha = art[yi[:, None], xi[None, :], 3:4] / 255.0
    rgb = clean[..., :3] * alpha + paper[..., None] * (1 - alpha)
    soft = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.8)
    )
    buffer = io.BytesIO()
    soft.save(buffer, "JPEG", quality=85)
    return np.asarray(Image.open(buffer).convert("RGBA"))


def test_white_parts_touching_a_near_white_textured_background_stay():
    for seed, base in ((1, 236), (2, 241)):
        result = pixelize(on_paper(GHOST, 64.0, seed, base))
        out = result.image
        assert out.shape == GHOST.shape
        assert np.array_equal(out[..., 3] > 0, GHOST[..., 3] > 0), seed
        body = GHOST[..., 3] > 0
        assert np.abs(out[body][:, :3].astype(int) - GHOST[body][:, :3]).max() <= 24
        assert result.background is not None and result.background_cells.sum() == (~body).sum()


def test_a_small_sprite_filling_its_frame_loses_its_background():
    # the background holds well under half of the border: the ghost touches three edges
    assert (
        np.concatenate([GHOST[0], GHOST[-1], GHOST[:, 0], GHOST[:, -1]])[:, 3] == 0
    ).mean() < 0.5
    out = pixelize(upscale(GHOST, 60.0, bg=(70, 150, 120), blur=1.0, noise=2, jpeg=85)).image
    assert np.array_equal(out[..., 3] > 0, GHOST[..., 3] > 0)


def test_a_tile_with_art_to_its_edges_keeps_every_cell():
    rng = np.random.default_rng(5)
    greens = np.array([[92, 168, 72, 255], [120, 196, 90, 255], [64, 130, 60, 255]], np.uint8)
    tile = greens[rng.choice(3, size=(16, 16), p=[0.7, 0.15, 0.15])]
    result = pixelize(upscale(tile, 40.0, blur=0.8, noise=2, jpeg=90))
    assert result.image.shape == tile.shape
    assert (result.image[..., 3] == 255).all() and result.background is None


def test_the_users_picked_colour_or_none_decides():
    image = on_paper(GHOST, 64.0, seed=3)
    # "None": nothing is removed, and nothing is reported as background
    kept = pixelize(image, PixelizeOptions(remove_background=False))
    assert (kept.image[..., 3] == 255).all() and kept.background_cells is None
    # a picked colour: the paper's, read from one textured pixel in a corner
    paper = tuple(int(v) for v in image[5, 5, :3])
    picked = pixelize(image, PixelizeOptions(background_color=paper))
    assert np.array_equal(picked.image[..., 3] > 0, GHOST[..., 3] > 0)
    assert picked.background_cells.shape == picked.image.shape[:2]
    assert np.array_equal(picked.background_cells, picked.image[..., 3] == 0)
    # a colour that is nowhere in the image removes nothing
    red = pixelize(image, PixelizeOptions(background_color=(200, 40, 50)))
    assert red.background is None and (red.image[..., 3] == 255).all()


KEY = OWN_ART.sprite("key")  # a 16x6 key of one-pixel lines around a hole


def test_one_pixel_lines_at_large_cells_keep_their_size_and_hole():
    """A 16x6 key of one-pixel lines filling 1000 px: the cell is not taken at half its
    size (edges pair up at one cell), and the ring's inside is transparent."""
    for seed, cell in ((1, 60.5), (2, 62.0)):
        image = upscale(KEY, cell, bg=(200, 160, 110), blur=1.0, noise=3, jpeg=85, seed=seed)
        out = pixelize(image).image
        assert out.shape == KEY.shape, (seed, out.shape)
        assert np.array_equal(out[..., 3] > 0, KEY[..., 3] > 0)


def test_cells_on_the_jpeg_block_grid_are_not_taken_for_jpeg():
    """64 px cells are a multiple of JPEG's 8 px blocks: the blocks' faint edges and
    the cells' edges share positions, and the cell must still be found at 64."""
    rng = np.random.default_rng(7)
    greens = np.array([[92, 168, 72, 255], [120, 196, 90, 255], [64, 130, 60, 255]], np.uint8)
    tile = greens[rng.choice(3, size=(16, 16), p=[0.7, 0.15, 0.15])]
    result = pixelize(upscale(tile, 64.0, blur=1.0, noise=2, jpeg=80))
    assert result.cell_size is not None and abs(result.cell_size[0] - 64) < 1
    assert (result.image[..., 3] == 255).all()
    assert np.abs(result.image.astype(int) - tile).max() <= 8  # every cell its own colour


def test_a_small_sprite_at_five_pixel_cells_in_a_large_frame():
    """Kind 3 of issue 15: ~5 px cells, the sprite in the middle of a wide margin. The
    sprite comes out whole: no cell short, no fringe of background around it."""
    frame = np.zeros((3 * 16, 3 * 16, 4), np.uint8)
    frame[16:32, 16:32] = GHOST
    image = upscale(frame, 5.3, bg=(90, 170, 140), blur=0.8, noise=2, jpeg=90, seed=3)
    out = pixelize(image).image
    ys, xs = np.nonzero(out[..., 3])
    sprite = out[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    assert sprite.shape == GHOST.shape
    assert np.array_equal(sprite[..., 3] > 0, GHOST[..., 3] > 0)


def test_run_based_labels_match_a_flood_fill():
    from dgx_pixels_app.pixelize.regions import components, label

    rng = np.random.default_rng(11)
    for _ in range(100):
        mask = rng.random((int(rng.integers(1, 14)), int(rng.integers(1, 17)))) < 0.55
        for diagonal in (False, True):
            labels, n = label(mask, diagonal)
            found = components(mask, diagonal=diagonal)
            assert n == len(found)
            for cells in found:  # each flood-filled piece is exactly one label
                ids = set(labels[cells[:, 0], cells[:, 1]].tolist())
                assert len(ids) == 1 and 0 not in ids
                assert (labels == ids.pop()).sum() == len(cells)


def test_no_fringe_of_blended_background_around_a_small_cell_sprite():
    """At ~4.6 px cells the blur and JPEG's halved colour resolution mix a saturated
    background into the cells beside the sprite's outline. Those cells are mostly
    background (on the line from it to the outline, near its end) and go with it: the
    sprite keeps its size and its outline, with no teal ring around it."""
    for name in ("mushroom", "egg"):
        art = OWN_ART.sprite(name)
        frame = np.zeros((3 * art.shape[0], 3 * art.shape[1], 4), np.uint8)
        frame[art.shape[0] : 2 * art.shape[0], art.shape[1] : 2 * art.shape[1]] = art
        for seed in range(3):
            image = upscale(frame, 4.6, bg=(33, 211, 119), blur=1.2, noise=3, jpeg=80, seed=seed)
            out = pixelize(image).image
            ys, xs = np.nonzero(out[..., 3])
            sprite = out[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
            assert sprite.shape == art.shape, (name, seed)
            assert ((sprite[..., 3] > 0) != (art[..., 3] > 0)).sum() <= 3, (name, seed)


def test_a_tile_with_its_own_one_cell_frame_is_not_a_sprite_on_a_background():
    """A bevelled wall tile: a one-cell dark frame all around, a light bevel inside
    it, and the frame's dark colour again among the stones. The frame is the art's,
    not a background: every cell stays. A sprite with a one-cell margin (nothing of
    that colour inside) still loses its margin."""
    rng = np.random.default_rng(11)
    dark, stone, light = (18, 17, 44, 255), (60, 58, 140, 255), (96, 94, 190, 255)
    inside = rng.choice(3, (12, 12), p=[0.5, 0.2, 0.3])
    tile = np.array([stone, light, dark], np.uint8)[np.pad(inside, 1, constant_values=1)]
    tile = np.pad(tile, ((1, 1), (1, 1), (0, 0)), mode="constant")
    tile[[0, -1], :] = dark
    tile[:, [0, -1]] = dark
    result = pixelize(upscale(tile, 32.0, blur=0.8, noise=2, jpeg=90))
    assert result.image.shape == tile.shape
    assert (result.image[..., 3] == 255).all() and result.background is None

    letter = OWN_ART.sprite("letter")
    assert (letter[[0, -1], :, 3] == 0).all() and (letter[:, [0, -1], 3] == 0).all()
    out = pixelize(upscale(letter, 50.0, bg=(200, 90, 60), blur=1.0, noise=2, jpeg=85)).image
    assert np.array_equal(out[..., 3] > 0, letter[..., 3] > 0)


def mottled(art: np.ndarray, cell: float, paper: tuple, seed: int, blur: float = 1.0):
    """``art`` drawn on mottled paper of colour ``paper`` and blurred as one picture
    (sprite and paper alike, as a VAE decodes them), then JPEG'd."""
    rng = np.random.default_rng(seed)
    h, w = int(art.shape[0] * cell), int(art.shape[1] * cell)
    field = Image.fromarray((rng.normal(0, 1, (h, w)) * 40 + 128).clip(0, 255).astype(np.uint8))
    blobs = np.asarray(field.filter(ImageFilter.GaussianBlur(6))).astype(np.float32)
    blobs = (blobs - blobs.mean()) / blobs.std() * 2.5 + rng.normal(0, 1.5, (h, w))
    yi = (np.arange(h) / cell).astype(int)
    xi = (np.arange(w) / cell).astype(int)
    up = art[yi[:, None], xi[None, :]].astype(np.float32)
    alpha = up[..., 3:4] / 255.0
    rgb = up[..., :3] * alpha + (np.array(paper, np.float32) + blobs[..., None]) * (1 - alpha)
    rgb += rng.normal(0, 2, rgb.shape)  # the sensor-like noise on everything
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(blur)).save(buffer, "JPEG", quality=88)
    return np.asarray(Image.open(buffer).convert("RGBA"))


def test_a_flat_part_the_colour_of_textured_paper_stays():
    """The ghost's pale shadow (222, 226, 232; 42 cells) on mottled paper of that very
    colour: no colour step tells them apart (all of it went with the paper), but the
    paper's cells vary inside and the shadow's are flat. At least two thirds of the
    shadow stay (what goes: its one- and two-cell bits between the feet, and cells
    at the limit), and all of the paper goes."""
    body = GHOST[..., 3] > 0
    shadow = (GHOST[..., :3] == (222, 226, 232)).all(-1)
    for seed in range(3):
        out = pixelize(mottled(GHOST, 56.0, (222, 226, 232), seed)).image
        assert out.shape == GHOST.shape
        kept = out[..., 3] > 0
        assert kept[~body].sum() == 0, seed  # no paper kept
        assert kept[shadow].sum() >= 28, (seed, kept[shadow].sum())  # was 0
        assert kept[body & ~shadow].all(), seed


def test_small_holes_of_textured_paper_go_but_a_flat_eye_white_stays():
    """Paper seen through a one-cell gap between an outline's lines is textured like
    the rest of the paper: transparent. An enclosed white cell of the art (an eye's
    white) is flat: it stays."""
    ink, white = (30, 30, 40, 255), (236, 236, 236, 255)
    art = np.zeros((10, 12, 4), np.uint8)
    art[2:8, 2:10] = ink
    art[4, 4] = 0  # a one-cell gap in the ink: paper shows through
    art[4:6, 7] = white  # two cells of flat white, the paper's colour
    for seed in range(3):
        out = pixelize(mottled(art, 48.0, (236, 236, 236), seed)).image
        assert out.shape == art.shape, seed
        assert np.array_equal(out[..., 3] > 0, art[..., 3] > 0), seed


def test_a_speck_of_a_key_colour_inside_the_sprite_is_see_through():
    """On a colourful background (a key colour, like a green screen) the art has none of
    that colour: a one-cell gap of it inside the sprite is background seen through, as
    in a colour-keyed sheet. On a pale, greyish background the same speck may be the
    art's own (a highlight, an eye's white) and stays."""
    ink = (30, 30, 40, 255)
    for bg, see_through in (((33, 211, 119), True), ((200, 200, 210), False)):
        art = np.zeros((10, 12, 4), np.uint8)
        art[2:8, 2:10] = ink
        art[4, 5] = (*bg, 255)  # one enclosed cell of the background's colour
        for seed in range(2):
            out = pixelize(upscale(art, 40.0, bg=bg, blur=1.0, noise=2, jpeg=88, seed=seed)).image
            assert out.shape == art.shape
            assert (out[4, 5, 3] == 0) == see_through, (bg, seed)
            assert (out[2:8, 2:10, 3] > 0).sum() == 47 + (not see_through)


def test_a_hole_on_an_unevenly_lit_background_is_see_through():
    """SDXL lights its background unevenly, and not as a smooth bowl: here waves of
    shading across the image. The hole inside a ring (a key's, a chain link's) is
    background seen through; the shading there is read from the background nearby."""
    ink, bg = (40, 30, 20, 255), np.array([220, 94, 165], np.float64)
    art = np.zeros((14, 20, 4), np.uint8)
    art[3:12, 5:16] = ink
    art[5:10, 7:14] = 0  # a 5 x 7 hole
    big = np.kron(art, np.ones((40, 40, 1), np.uint8)).astype(np.float64)
    h, w = big.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    alpha = big[..., 3:] / 255

    def kept_in_hole(frequency: float, phase: float) -> int:
        wave = 12 * np.sin(xx / w * frequency + yy / h * 2 + phase)[..., None]
        rgb = big[..., :3] * alpha + bg * (1 - alpha) + wave
        image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
        out = pixelize(np.asarray(image.filter(ImageFilter.GaussianBlur(1)).convert("RGBA"))).image
        assert out.shape == art.shape
        assert (out[..., 3] > 0)[art[..., 3] > 0].all()  # the ring itself stays whole
        return int((out[5:10, 7:14, 3] > 0).sum())

    assert kept_in_hole(5, 1.5) == 0  # 4 of its 35 cells were kept before
    for frequency, phase in ((4.5, 1), (5, 0.5), (5.5, 0.5), (5.5, 1)):
        assert kept_in_hole(frequency, phase) <= 17  # 10-25 were kept before


def test_a_three_cell_speck_of_darker_paper_goes_but_a_red_sparkle_stays():
    """Mottled paper can leave a few cells a shade darker, alone in a corner: paper,
    not art. A sparkle of the sprite's own colour, just as alone, stays."""
    art = np.zeros((40, 40, 4), np.uint8)
    gh, gw = GHOST.shape[:2]
    art[10 : 10 + gh, 12 : 12 + gw] = GHOST
    art[34, 3] = art[35, 3] = art[35, 4] = (200, 30, 40, 255)  # three red cells, alone
    cell = 6
    for seed in range(3):
        image = on_paper(art, float(cell), seed=seed).copy()
        rgb = image[..., :3].astype(int)
        y, x = 37 * cell, 36 * cell  # an L of three cells, 15 levels darker
        rgb[y : y + cell, x : x + 2 * cell] -= 15
        rgb[y + cell : y + 2 * cell, x : x + cell] -= 15
        image[..., :3] = np.clip(rgb, 0, 255).astype(np.uint8)
        out = pixelize(image).image
        assert out.shape == art.shape
        assert not (out[37:39, 36:38, 3] > 0).any(), seed  # all three were kept before
        assert (out[34:36, 3:5, 3] > 0).sum() == 3, seed


def test_a_blot_of_darker_paper_goes_on_a_large_grid_but_a_lone_detail_stays():
    """On a large grid a blot of darker mottle is a few cells across: up to 0.2 % of
    the cells (at most 12) alone and within the paper's shading are paper (here 7 of
    5184: 5-7 of them were kept before). A red detail as large and as alone stays."""
    blot = np.array([[0, 1, 1], [1, 1, 1], [1, 1, 0]], bool)  # seven cells
    size = 72
    art = np.zeros((size, size, 4), np.uint8)
    gh, gw = GHOST.shape[:2]
    art[7 : 7 + gh, 7 : 7 + gw] = GHOST
    art[size - 5 : size - 2, 2:5][blot] = (200, 30, 40, 255)  # a red detail, alone
    cell = 6
    for seed in range(2):
        image = on_paper(art, float(cell), seed=seed).copy()
        rgb = image[..., :3].astype(int)
        y, x = (size - 4) * cell, (size - 5) * cell
        darker = np.kron(blot, np.ones((cell, cell), bool))
        rgb[y : y + 3 * cell, x : x + 3 * cell][darker] -= 12
        image[..., :3] = np.clip(rgb, 0, 255).astype(np.uint8)
        out = pixelize(image).image
        assert out.shape == art.shape, seed
        kept = int((out[size - 4 : size - 1, size - 5 : size - 2, 3] > 0).sum())
        assert kept == 0, (seed, kept)
        assert (out[size - 5 : size - 2, 2:5, 3] > 0).sum() == 7, seed


def test_a_pale_sprite_on_paper_keeps_its_pale_body_to_its_edge():
    """A cream egg and a white sheep on near-white paper at ~5 px cells: their pale
    bodies are within the fringe's reach of the paper's colour, but they reach deep
    into the sprite, beside the rest of it, so none of their edge cells is taken for
    the blended fringe a small-cell sprite wears (it ate two cells deep). (The white
    ghost has no other colour beside its body; on one of these papers its top row is
    lost in the paper's mottle to the eye as well.)"""
    for name in ("egg", "sheep"):
        art = OWN_ART.sprite(name)
        h, w = art.shape[:2]
        frame = np.zeros((2 * h, 2 * w, 4), np.uint8)
        frame[h // 2 : h // 2 + h, w // 2 : w // 2 + w] = art
        for seed in range(4):
            out = pixelize(on_paper(frame, 5.1, seed, 238 + seed)).image
            ys, xs = np.nonzero(out[..., 3])
            sprite = out[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
            assert sprite.shape == art.shape, (name, seed, sprite.shape)
            wrong = ((sprite[..., 3] > 0) != (art[..., 3] > 0)).sum()
            assert wrong <= 0.1 * h * w, (name, seed, wrong)
