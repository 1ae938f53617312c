"""A pose layer's skeletons as the text of its ``.aseprite`` layer user data:
``{"schema": "dgx-pixels/pose@1", "frames": [[[x, y] | null × 18] | null, …]}`` by
frame index. Aseprite shows the layer (empty) and keeps the text; a damaged text
reads back as a pose layer without skeletons, never as an unreadable file."""

from __future__ import annotations

import json
import math

POSE_SCHEMA = "dgx-pixels/pose@1"


def pose_text(pose: dict, frame_ids: list[int]) -> str:
    frames = [pose.get(fid) for fid in frame_ids]
    data = [[list(p) if p else None for p in s] if s else None for s in frames]
    return json.dumps({"schema": POSE_SCHEMA, "frames": data}, separators=(",", ":"))


def read_pose_text(text: str, frames: int) -> list:
    """Skeletons by frame index (None where a frame has none or its data is damaged)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # damaged, or nested past the parser's depth
        return [None] * frames
    raw = data.get("frames") if isinstance(data, dict) else None
    raw = raw if isinstance(raw, list) else []
    return [_skeleton(raw[i]) if i < len(raw) else None for i in range(frames)]


def _skeleton(value):
    if not isinstance(value, list) or len(value) != 18:
        return None
    out = []
    for point in value:
        if point is None:
            out.append(None)
        elif (isinstance(point, list) and len(point) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool)
                      and math.isfinite(v) and -1 <= v <= 2 for v in point)):  # fmt: skip
            out.append((float(point[0]), float(point[1])))
        else:
            return None
    return out
