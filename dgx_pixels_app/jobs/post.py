"""Post-steps: what a job does to each generated image before delivering it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from dgx_pixels_app.jobs.frames import crop_to_content, cut_strip, fit
from dgx_pixels_app.jobs.job import PostSteps
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize


def apply_post(raw: np.ndarray, post: PostSteps) -> tuple[np.ndarray, list[np.ndarray]]:
    """(the art, the frames it was cut into). Pixel art is never scaled up: a sprite
    smaller than ``size`` is centred on a transparent canvas; a larger one is shrunk
    with nearest neighbour."""
    options = post.options or PixelizeOptions()
    if post.frames > 1 and options.layout is None:  # a strip: its frames show the cell
        options = replace(options, layout=(post.frames, 1))
    art = pixelize(raw, options).image if post.pixelize else raw
    frames: list[np.ndarray] = []
    if post.frames > 1:
        frames = cut_strip(art, post.frames)
        if post.size:
            frames = [fit(frame, post.size, post.size) for frame in frames]
    if post.size:
        art = fit(crop_to_content(art), post.size, post.size)
    return art, frames
