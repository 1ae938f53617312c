"""Poses as data: OpenPose's 18-point skeleton, posed by joint angles and seen from any
of eight directions.

A pose template (presets/poses/*.toml) is a list of frames, each a few joint angles
of a side view facing east (hips, knees, shoulders, elbows, a lean, a bob) and a
duration. Forward kinematics with the bone lengths of a body shape ("tall" or
"chibi" proportions, so a 24 px sprite's big head is not a stick figure's) gives 3D
joints; a direction turns them about the vertical axis and looks at them from the
side (the platformer view) or slightly from above (the top-down view), hiding what
faces away (the nose and eyes from behind). The result is 18 points in the unit
square, in OpenPose order, None where hidden. Plain numpy: rendering is formats'.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from dgx_pixels_app.core.errors import InvalidInputError

# OpenPose/COCO-18 order
JOINTS = ("nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow",
          "l_wrist", "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye",
          "l_eye", "r_ear", "l_ear")  # fmt: skip
LIMBS = ((1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11),
         (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17))  # fmt: skip
DIRECTIONS = {"east": 0, "south-east": 45, "south": 90, "south-west": 135, "west": 180,
              "north-west": 225, "north": 270, "north-east": 315}  # fmt: skip
DIRECTION_SETS = {  # rows of a character sheet, in the order top-down games use
    1: ("east",),
    2: ("east", "west"),
    4: ("south", "west", "east", "north"),
    8: ("south", "south-west", "west", "north-west", "north", "north-east", "east", "south-east"),
}
ANGLES = ("r_hip", "r_knee", "l_hip", "l_knee", "r_shoulder", "r_elbow", "l_shoulder",
          "l_elbow", "r_raise", "l_raise", "lean", "head")  # fmt: skip
OFFSETS = ("bob", "lift", "shift")  # shares of the height: down/up, off the ground, forward

# Heights and lengths as shares of the figure's height.
SHAPES = {
    "tall": {"hip": 0.50, "thigh": 0.23, "shin": 0.23, "neck": 0.83, "shoulder": 0.11,
             "pelvis": 0.07, "upper_arm": 0.17, "forearm": 0.17, "head": 1.0},
    "chibi": {"hip": 0.34, "thigh": 0.15, "shin": 0.15, "neck": 0.58, "shoulder": 0.12,
              "pelvis": 0.07, "upper_arm": 0.12, "forearm": 0.11, "head": 2.2},
}  # fmt: skip
FACE = {
    0: (0.035, 0.075, 0.0),
    14: (0.03, 0.09, 0.028),
    15: (0.03, 0.09, -0.028),
    16: (0.0, 0.085, 0.055),
    17: (0.0, 0.085, -0.055),
}  # forward, up, right of the neck
TOP_DOWN_TILT = 0.3  # how much depth shows as height in a top-down view

Point = tuple[float, float] | None


@dataclass
class PoseFrame:
    angles: dict[str, float] = field(default_factory=dict)  # degrees
    offsets: dict[str, float] = field(default_factory=dict)
    duration_ms: int = 100


@dataclass
class PoseTemplate:
    id: str
    label: str
    frames: list[PoseFrame]
    loop: bool = True
    points: dict[str, list[list[Point]]] = field(default_factory=dict)  # saved 2D skeletons

    def skeletons(
        self, direction: str, shape: str = "tall", view: str = "side"
    ) -> list[list[Point]]:
        """Every frame's 18 points seen from ``direction``."""
        check_direction(direction)
        if self.points:  # a template saved from an edited pose: its own direction only
            if direction not in self.points:
                raise InvalidInputError(
                    f"The pose '{self.id}' was saved facing {', '.join(self.points)}, not {direction}."
                )
            return [list(frame) for frame in self.points[direction]]
        return [project(joints3d(f, shape), direction, view) for f in self.frames]


def check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise InvalidInputError(
            f"'{direction}' is not a direction (the directions: {', '.join(DIRECTIONS)})."
        )


def directions_for(count: int) -> tuple[str, ...]:
    if count not in DIRECTION_SETS:
        raise InvalidInputError(f"Directions must be 1, 2, 4 or 8, not {count}.")
    return DIRECTION_SETS[count]


def joints3d(frame: PoseFrame, shape: str = "tall") -> list[tuple[float, float, float]]:
    """(forward, up, right) of each joint for ``frame``, facing east, feet at height 0."""
    if shape not in SHAPES:
        raise InvalidInputError(f"Body shape must be {' or '.join(SHAPES)}, not '{shape}'.")
    s, a, o = SHAPES[shape], frame.angles, frame.offsets
    deg = {k: math.radians(float(a.get(k, 0.0))) for k in ANGLES}
    base = (o.get("shift", 0.0), s["hip"] - o.get("bob", 0.0) + o.get("lift", 0.0))
    torso = s["neck"] - s["hip"]
    neck = (base[0] + torso * math.sin(deg["lean"]), base[1] + torso * math.cos(deg["lean"]), 0.0)
    out: list = [None] * 18
    out[1] = neck
    for side, sign, (hip_i, knee_i, ankle_i) in (("r", 1, (8, 9, 10)), ("l", -1, (11, 12, 13))):
        hip = (base[0], base[1], sign * s["pelvis"])
        out[hip_i] = hip
        out[knee_i] = _bone(hip, deg[f"{side}_hip"], s["thigh"])
        out[ankle_i] = _bone(out[knee_i], deg[f"{side}_hip"] - deg[f"{side}_knee"], s["shin"])
    for side, sign, (sh_i, el_i, wr_i) in (("r", 1, (2, 3, 4)), ("l", -1, (5, 6, 7))):
        shoulder = (neck[0], neck[1] - 0.02, sign * s["shoulder"])
        out[sh_i] = shoulder
        raise_ = deg[f"{side}_raise"] * sign
        out[el_i] = _bone(shoulder, deg[f"{side}_shoulder"], s["upper_arm"], raise_)
        bend = deg[f"{side}_shoulder"] + deg[f"{side}_elbow"]
        out[wr_i] = _bone(out[el_i], bend, s["forearm"], raise_)
    head = deg["head"] + deg["lean"] * 0.5
    for index, (fwd, up, right) in FACE.items():
        fwd, up, right = fwd * s["head"], up * s["head"], right * s["head"]
        out[index] = (neck[0] + fwd * math.cos(head) + up * math.sin(head),
                      neck[1] + up * math.cos(head) - fwd * math.sin(head), right)  # fmt: skip
    return out


def _bone(start, angle: float, length: float, outward: float = 0.0):
    """A bone from ``start``: ``angle`` from straight down (forward positive), tilted
    ``outward`` to the side (right positive)."""
    down = length * math.cos(outward)
    return (start[0] + down * math.sin(angle), start[1] - down * math.cos(angle),
            start[2] + length * math.sin(outward))  # fmt: skip


def project(joints, direction: str, view: str = "side", margin: float = 0.08) -> list[Point]:
    """18 points in the unit square (x right, y down) of the figure seen from
    ``direction``: the figure's height fills the square less the margins, feet low."""
    theta = math.radians(DIRECTIONS[direction])
    cos, sin = math.cos(theta), math.sin(theta)
    tilt = TOP_DOWN_TILT if view == "top-down" else 0.0
    scale = 1 - 2 * margin
    neck_depth = joints[1][0] * sin + joints[1][2] * cos
    out: list[Point] = []
    for i, (fwd, up, right) in enumerate(joints):
        depth = fwd * sin + right * cos  # toward the viewer
        if i in FACE and depth < neck_depth - 0.005:
            out.append(None)  # the face seen from behind, the far eye and ear
            continue
        x = fwd * cos - right * sin
        y = up - tilt * depth
        out.append((0.5 + x * scale, 1 - margin - y * scale))
    return out


def parse_template(data: dict, where: str) -> PoseTemplate:
    """A template as read from TOML or JSON, every value checked: a damaged one names
    its file and what is wrong (FileFormatError)."""
    from dgx_pixels_app.core.errors import FileFormatError

    def bad(what: str) -> FileFormatError:
        return FileFormatError(f"{where}: {what}.")

    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        raise bad("a pose template needs an id")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", data["id"]):
        raise bad("a pose template's id is letters, digits, '-' and '_' (up to 64)")
    default = _duration(data.get("duration_ms", 100), bad)
    frames_raw = data.get("frame", [])
    points_raw = data.get("points", {})
    if not isinstance(frames_raw, list) or not isinstance(points_raw, dict):
        raise bad("'frame' is a list of frames and 'points' a table of directions")
    if not 1 <= len(frames_raw) <= 64:
        raise bad(f"a pose template has 1 to 64 frames, not {len(frames_raw)}")
    frames = [_frame(f, default, bad) for f in frames_raw]
    points = {d: _points(p, len(frames), bad) for d, p in points_raw.items()}
    for direction in points:
        if direction not in DIRECTIONS:
            raise bad(f"'{direction}' is not a direction")
    label = data.get("label", data["id"])
    return PoseTemplate(data["id"], str(label), frames, bool(data.get("loop", True)), points)


def _frame(raw, default: int, bad) -> PoseFrame:
    if not isinstance(raw, dict):
        raise bad("a frame is a table")
    angles, offsets = raw.get("angles", {}), raw.get("offsets", {})
    if not isinstance(angles, dict) or not isinstance(offsets, dict):
        raise bad("a frame's angles and offsets are tables")
    for name, value in angles.items():
        if name not in ANGLES:
            raise bad(f"'{name}' is not a joint angle (the angles: {', '.join(ANGLES)})")
        if not _finite(value) or abs(value) > 360:
            raise bad(f"the angle {name} must be -360 to 360 degrees, not {value!r}")
    for name, value in offsets.items():
        if name not in OFFSETS:
            raise bad(f"'{name}' is not an offset (the offsets: {', '.join(OFFSETS)})")
        if not _finite(value) or abs(value) > 1:
            raise bad(f"the offset {name} must be -1 to 1, not {value!r}")
    duration = _duration(raw.get("duration_ms", default), bad)
    return PoseFrame(dict(angles), dict(offsets), duration)


def _points(raw, frames: int, bad) -> list[list[Point]]:
    if not isinstance(raw, list) or len(raw) != frames:
        raise bad(f"saved points need one skeleton per frame ({frames})")
    out = []
    for skeleton in raw:
        if not isinstance(skeleton, list) or len(skeleton) != 18:
            raise bad("a saved skeleton has 18 points")
        row: list[Point] = []
        for point in skeleton:
            if point in (None, [], False):
                row.append(None)
                continue
            if (not isinstance(point, list) or len(point) != 2
                    or not all(_finite(v) and -1 <= v <= 2 for v in point)):  # fmt: skip
                raise bad("a saved point is [x, y] in the frame (0 to 1), or [] when hidden")
            row.append((float(point[0]), float(point[1])))
        out.append(row)
    return out


def _duration(value, bad) -> int:
    if type(value) is not int or not 10 <= value <= 10_000:
        raise bad(f"a duration is 10 to 10000 ms, not {value!r}")
    return value


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
