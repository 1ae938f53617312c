"""Post-steps: what a job does to each generated image before delivering it."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.jobs.frames import fit
from dgx_pixels_app.jobs.job import PostSteps
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize


def crop_to_content(art: np.ndarray) -> np.ndarray:
    """The bounding box of the opaque pixels (the whole image if none or all are)."""
    opaque = art[..., 3] > 0
    if not opaque.any() or opaque.all():
        return art
    rows, cols = np.flatnonzero(opaque.any(axis=1)), np.flatnonzero(opaque.any(axis=0))
    return art[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def apply_post(raw: np.ndarray, post: PostSteps) -> tuple[np.ndarray, list[np.ndarray]]:
    """(the art, the frames it was cut into). Pixel art is never scaled up: a sprite
    smaller than ``size`` is centred on a transparent canvas; a larger one is shrunk
    with nearest neighbour."""
    art = pixelize(raw, post.options or PixelizeOptions()).image if post.pixelize else raw
    frames: list[np.ndarray] = []
    if post.frames > 1:
        bounds = np.linspace(0, art.shape[1], post.frames + 1).round().astype(int)
        frames = [art[:, bounds[i] : bounds[i + 1]].copy() for i in range(post.frames)]
        if post.size:
            frames = [fit(frame, post.size, post.size) for frame in frames]
    if post.size:
        art = fit(crop_to_content(art), post.size, post.size)
    return art, frames
