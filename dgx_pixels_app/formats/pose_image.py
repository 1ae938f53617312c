"""A skeleton drawn the way OpenPose ControlNets were trained to read it: coloured
limbs (OpenPose's 18 limb colours, at 60% as its renderer blends them) and joints on
black, scaled to any image size. Also the figure's box inside a sprite frame."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from dgx_pixels_app.core.pose import LIMBS, Point

# OpenPose's colours, in its order (joints; limb i takes colour i)
COLORS = ((255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
          (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
          (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170),
          (255, 0, 85))  # fmt: skip


def render_pose(points: list[Point], width: int, height: int, box=None) -> np.ndarray:
    """The skeleton as an RGB control image. ``box`` (x0, y0, x1, y1 in 0..1) places
    the unit square (default: the whole image, kept square and centred)."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    side = min(width, height)
    x0, y0, x1, y1 = box or ((width - side) / 2 / width, (height - side) / 2 / height,
                             (width + side) / 2 / width, (height + side) / 2 / height)  # fmt: skip

    def at(p):
        return (x0 + p[0] * (x1 - x0)) * width, (y0 + p[1] * (y1 - y0)) * height

    stick = max(1, round(side / 128))
    for i, (a, b) in enumerate(LIMBS):
        if points[a] is None or points[b] is None:
            continue
        color = tuple(int(c * 0.6) for c in COLORS[i])
        draw.line([at(points[a]), at(points[b])], fill=color, width=stick * 2)
    radius = max(1, round(side / 256))
    for i, p in enumerate(points):
        if p is not None:
            x, y = at(p)
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=COLORS[i])
    return np.asarray(image, dtype=np.uint8).copy()


def render_sheet(skeletons: list[list[Point]], size: int) -> np.ndarray:
    """Skeletons side by side (a preview strip of a template's frames)."""
    return np.concatenate([render_pose(s, size, size) for s in skeletons], axis=1)
