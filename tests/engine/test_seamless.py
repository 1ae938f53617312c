"""Seamless generation on the tiny model. Its random weights draw noise, so "looks
seamless" cannot be judged by eye; what circular padding guarantees can be checked
exactly: the UNet and the VAE become functions on a torus, so shifting the starting
latents around the wrap shifts the image by the same amount (8 px per latent px),
with nothing different at the border."""

import numpy as np
import pytest
import torch

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.generation import GenerationRequest, LoraRef
from dgx_pixels_app.engine.seamless import seamless
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from dgx_pixels_app.pixelize.seam import seam_score


def render(pipe, latents, axes):
    with seamless((pipe.unet, pipe.vae), axes), torch.inference_mode():
        return pipe(prompt="stone floor tile", latents=latents, num_inference_steps=3,
                    guidance_scale=5.0, width=128, height=128, output_type="np").images[0]  # fmt: skip


def wrap_error(pipe, axes, shift=(4, 4)):
    latents = torch.randn(1, 4, 16, 16, generator=torch.Generator().manual_seed(0))
    a = render(pipe, latents, axes)
    b = render(pipe, torch.roll(latents, shifts=shift, dims=(2, 3)), axes)
    return float(np.abs(np.roll(a, (shift[0] * 8, shift[1] * 8), axis=(0, 1)) - b).max())


def test_circular_padding_makes_the_image_a_torus(engine):
    pipe = engine.model.pipe
    assert wrap_error(pipe, "xy") < 1e-4  # the wrap is as continuous as the inside
    assert wrap_error(pipe, "") > 0.05  # zero padding: the border is an edge
    assert wrap_error(pipe, "x", shift=(0, 4)) < 1e-4  # x alone wraps horizontally…
    assert wrap_error(pipe, "x", shift=(4, 0)) > 0.05  # …but not vertically


def test_with_a_lora_active_too(engine, tiny_model):
    engine.loras.apply([LoraRef(str(tiny_model[1]), 1.0)])
    try:
        assert wrap_error(engine.model.pipe, "xy") < 1e-4
    finally:
        engine.loras.apply([])


def req(**kw):
    return GenerationRequest(**{"prompt": "stone floor", "seed": 5, "steps": 3, "width": 128,
                                "height": 128, **kw})  # fmt: skip


def test_padding_is_restored_after_a_seamless_job(engine):
    before = engine.generate(req()).images[0]
    tiled = engine.generate(req(seamless="xy"))
    assert not np.array_equal(tiled.images[0], before)
    assert tiled.requests[0].seamless == "xy"
    assert np.array_equal(engine.generate(req()).images[0], before)
    convs = [m for m in engine.model.pipe.unet.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all("_conv_forward" not in m.__dict__ for m in convs)


def test_image_to_image_can_be_seamless(engine):
    source = np.zeros((128, 128, 4), np.uint8)
    source[..., 3] = 255
    out = engine.generate(req(seamless="xy", strength=0.5), init_image=source)
    assert out.images[0].shape == (128, 128, 4) and out.requests[0].mode == "img2img"


def test_bad_axes_are_refused(engine):
    with pytest.raises(InvalidInputError, match="seamless must be x, y or xy"):
        engine.generate(req(seamless="z"))


def test_pixelized_tile_has_whole_cells_and_a_seam_score():
    rng = np.random.default_rng(1)
    art = rng.integers(0, 4, (16, 16))  # a 16x16 tile of 4 colours that wraps by construction
    colors = np.array([[40, 40, 50], [90, 90, 100], [140, 130, 120], [200, 200, 190]], np.uint8)
    big = np.repeat(np.repeat(colors[art], 21, axis=0), 21, axis=1)[
        :330, :330
    ]  # 330/16 = 20.6 px cells
    rgba = np.dstack([big, np.full(big.shape[:2], 255, np.uint8)])
    tile = pixelize(rgba, PixelizeOptions(cell=330 / 16, tile=True, remove_background=False)).image
    assert tile.shape == (16, 16, 4) and (tile[..., 3] == 255).all()
    assert seam_score(tile).score < 1.5
    cut = np.concatenate(
        [np.zeros((16, 8, 4), np.uint8), np.full((16, 8, 4), 255, np.uint8)], axis=1
    )
    assert not seam_score(cut).seamless  # a hard edge at the wrap is flagged
