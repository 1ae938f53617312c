"""The requests behind animation frames, for every front end: a strip of N poses in
one wide image, the next frame from the one before (image-to-image, same seed), or N
variations. ``generate-animation``, agents and Animation ▸ Generate Frames all plan
their frames here, so a strip has one size and one prompt wherever it is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.jobs.job import PostSteps
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions

MAX_STRIP_HEIGHT = 512  # model px: a strip is half the model's side, at most this
MAX_STRIP_WIDTH = 2048
MODES = ("strip", "next", "variations")


def strip_request(
    base: GenerationRequest, preset: dict, subject: str, frames: int
) -> GenerationRequest:
    """One wide image with a pose per ~¼ of the model's side (at most 2048 px wide)."""
    prompt = preset["strip"].replace("{subject}", subject).replace("{frames}", str(frames))
    height = min(base.height // 2, MAX_STRIP_HEIGHT) // 8 * 8 or 64
    width = min(MAX_STRIP_WIDTH, max(base.width // 2, (frames * height // 2) // 8 * 8))
    return replace(base, prompt=prompt, width=max(64, width), height=max(64, height),
                   mode="txt2img")  # fmt: skip


def next_request(
    base: GenerationRequest, preset: dict, subject: str, strength: float
) -> GenerationRequest:
    """The next frame: the preset's action prompt, the same seed, image-to-image."""
    return replace(base, prompt=preset["action"].replace("{subject}", subject), strength=strength)


@dataclass
class FramesPlan:
    mode: str  # "strip", "next" or "variations"
    request: GenerationRequest
    count: int
    duration_ms: int
    post: PostSteps | None = None  # a strip is pixelized once and cut into its frames


def plan_frames(
    mode: str, subject: str, preset: dict, base: GenerationRequest, count: int, strength: float
) -> FramesPlan:
    count = max(1, count)
    duration = int(preset.get("duration_ms", 100))
    if mode == "strip":
        post = PostSteps(options=PixelizeOptions(), frames=count)
        return FramesPlan(mode, strip_request(base, preset, subject, count), count, duration, post)
    if mode == "next":
        return FramesPlan(mode, next_request(base, preset, subject, strength), 1, duration)
    return FramesPlan(mode, base, count, duration)
