"""A colour ramp across a tile at large cells, unevenly lit as SDXL lights it: every
shade stays its own colour and nothing of the tile is taken for a background."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from dgx_pixels_app.pixelize.pipeline import pixelize

# five blues, each 6/6/18 levels from the next: finer than the merge distance that
# small, noisy cells need
RAMP = np.array([[30, 30, 90], [36, 36, 108], [42, 42, 126], [48, 48, 144], [54, 54, 162]])


def banded_tile(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """16 x 16 art of diagonal bands of the ramp, and its upscale: 40-43 px cells, a
    wave of shading (+-10 levels), blur and noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:16, 0:16]
    shade = ((xx + yy) // 3 + (xx * 7 + yy * 3) % 5 // 4) % 5
    art = np.dstack([RAMP[shade], np.full((16, 16), 255)]).astype(np.uint8)
    cell = 40 + seed
    big = np.kron(art[..., :3], np.ones((cell, cell, 1), np.uint8)).astype(np.float64)
    h, w = big.shape[:2]
    y, x = np.mgrid[0:h, 0:w]
    big += 10 * np.sin(x / w * 3 + y / h * 2 + seed)[..., None]
    image = Image.fromarray(np.clip(big, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(1)
    )
    noisy = np.asarray(image).astype(np.float64) + rng.normal(0, 2, (h, w, 3))
    return art, np.asarray(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).convert("RGBA"))


def _key(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0].astype(np.int64) << 16 | rgb[..., 1].astype(np.int64) << 8 | rgb[..., 2]


def test_a_ramp_keeps_its_shades_and_the_tile_keeps_every_cell():
    all_shades = 0
    for seed in range(4):
        art, image = banded_tile(seed)
        out = pixelize(image).image
        assert out.shape == art.shape
        assert (out[..., 3] == 255).all(), seed  # before: half the tile was "background"
        wrong = np.abs(out[..., :3].astype(int) - art[..., :3]).max(-1) > 24
        assert wrong.sum() <= 10, seed  # 135-155 of 256 cells before
        # each shade's cells mostly come out as a colour of their own
        majority = set()
        for shade in np.unique(_key(art[..., :3])):
            values, counts = np.unique(
                _key(out[..., :3])[_key(art[..., :3]) == shade], return_counts=True
            )
            majority.add(int(values[np.argmax(counts)]))
        all_shades += len(majority) == len(RAMP)  # 2-4 shades were left before
        assert len(np.unique(_key(out[..., :3]))) <= 8  # not a palette of noise
    assert all_shades >= 3
