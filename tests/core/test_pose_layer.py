"""Pose layers: templates become a layer of skeletons, a joint's drag is one undoable
command, and the skeletons survive the .aseprite round trip (read back by ours; the
independent parser still reads the file)."""

from __future__ import annotations

import pytest

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.core.pose_commands import SetPose, pose_at, pose_layer_command
from dgx_pixels_app.formats import aseprite
from dgx_pixels_app.jobs.poses import save_template, templates
from tests.helpers import read_with_ase_parser


def _walk_sprite():
    sprite = Sprite.new(48, 48, frames=8)
    skeletons = templates()["walk"].skeletons("east")
    history = History(sprite)
    history.push(pose_layer_command(sprite, "Pose: walk east", skeletons))
    return sprite, history, skeletons


def test_a_walk_template_becomes_a_pose_layer_and_a_drag_undoes(tmp_path):
    sprite, history, skeletons = _walk_sprite()
    layer, shown = pose_at(sprite, 3)
    assert shown == skeletons[3] and layer.name == "Pose: walk east"
    frame = sprite.frames[3].id
    moved = list(shown)
    moved[4] = (0.9, 0.2)  # the right wrist, dragged
    history.push(SetPose(layer.id, frame, list(shown), moved))
    assert pose_at(sprite, 3)[1][4] == (0.9, 0.2)
    history.undo()
    assert pose_at(sprite, 3)[1] == skeletons[3]
    history.redo()
    path = tmp_path / "walk.aseprite"
    aseprite.save(sprite, path)
    back = aseprite.load(path)
    assert pose_at(back, 3)[1][4] == (0.9, 0.2)
    assert pose_at(back, 5)[1] == skeletons[5]
    assert [layer["name"] for layer in read_with_ase_parser(path)["layers"]][-1] == (
        "Pose: walk east"
    )
    history.undo()
    history.undo()  # the layer itself
    assert pose_at(sprite, 3) is None


def test_damaged_pose_text_reads_as_a_layer_without_skeletons(tmp_path):
    sprite, _history, _ = _walk_sprite()
    data = aseprite.to_bytes(sprite)
    damaged = data.replace(b'"frames":[[[', b'"frames":[[{')  # same length: only the text
    assert damaged != data and len(damaged) == len(data)
    back = aseprite.from_bytes(damaged)
    assert back.layers[-1].pose == {} and pose_at(back, 0) is None


def test_a_pose_saved_as_a_template_is_used_like_a_built_in_one(isolated_home):
    sprite, _history, skeletons = _walk_sprite()
    layer = sprite.layers[-1]
    mine = [layer.pose[f.id] for f in sprite.frames[:4]]
    save_template("my stride", "east", mine, [90, 90, 90, 120])
    saved = templates()[safe_name("my stride")]
    assert saved.skeletons("east")[2] == skeletons[2]
    assert [f.duration_ms for f in saved.frames] == [90, 90, 90, 120]
    with pytest.raises(InvalidInputError, match="saved facing east, not west"):
        saved.skeletons("west")
    with pytest.raises(InvalidInputError, match="exists"):
        save_template("my stride", "east", mine, [90] * 4)
    with pytest.raises(InvalidInputError, match="looks like a path"):
        save_template("../../evil", "east", mine, [90] * 4)


def test_a_guided_request_reads_back_from_json_png_and_aseprite(tmp_path):
    """References and controls are provenance: they survive every file they are kept in."""
    import numpy as np

    from dgx_pixels_app.core.control import ControlRef, ReferenceRef
    from dgx_pixels_app.core.document import Cel
    from dgx_pixels_app.core.errors import FileFormatError
    from dgx_pixels_app.core.generation import GenerationRequest

    request = GenerationRequest(
        "knight", seed=3, references=[ReferenceRef("hero.png", 0.8, True, "ab" * 32, "a", "e")],
        controls=[ControlRef("pose", "", 0.7, 0.0, 0.5, "walk/east/3", "cd" * 32, "/m/cn")],
    )  # fmt: skip
    assert GenerationRequest.from_json(request.to_json()) == request
    sprite = Sprite.new(8, 8)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(
        np.full((8, 8, 4), 255, np.uint8), request
    )
    aseprite.save(sprite, tmp_path / "a.aseprite")
    assert aseprite.load(tmp_path / "a.aseprite").cel_at(0, 0).generation == request
    for damaged in (
        {"references": [{"path": 3}]},
        {"controls": [{"type": "pose", "strength": "x"}]},
        {"controls": [{"type": "pose", "end": float("nan")}]},
        {"references": "x"},
    ):
        with pytest.raises(FileFormatError):
            GenerationRequest.from_dict({"prompt": "k", **damaged})
