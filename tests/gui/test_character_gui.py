"""The pose layer and Generate Character in the window: a walk template's skeleton
over the frame, a joint dragged with the mouse and undone; a character generated from
the open sprite landing as a new sprite with its tags and a pose layer."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint, Qt

from dgx_pixels_app.core.document import Cel, Sprite
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.gui.character_dialog import CharacterDialog, PoseLayerDialog
from dgx_pixels_app.jobs.poses import templates
from dgx_pixels_app.settings import update_settings


def _choose(dialog, template="walk", direction="east"):
    dialog.template.setCurrentIndex(dialog.template.findData(template))
    dialog.direction.setCurrentText(direction)
    return 1


def test_a_walk_pose_layer_and_a_joint_dragged_and_undone(window, qtbot, monkeypatch):
    monkeypatch.setattr(PoseLayerDialog, "exec", _choose)
    window.documents.new_document(48, 48)
    window.pose_layer_action.trigger()
    sprite, session = window.session.sprite, window.session
    assert len(sprite.frames) == 8  # a frame for every template frame
    layer = sprite.layers[-1]
    assert layer.name == "Pose: walk east" and session.layer is layer
    items = window.layers_panel.list
    assert any("Pose: walk east" in items.item(i).text() for i in range(items.count()))
    walk = templates()["walk"].skeletons("east")
    assert layer.pose[sprite.frames[0].id] == walk[0]
    canvas = window.canvas
    overlay = canvas.poses
    target = canvas._sprite_rect()
    wrist = overlay._screen(target, walk[0][4]).toPoint()
    before = canvas.grab().toImage()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=wrist)
    qtbot.mouseMove(canvas, wrist + QPoint(30, -40))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=wrist + QPoint(30, -40))
    moved = layer.pose[sprite.frames[0].id][4]
    assert moved != walk[0][4] and moved[0] > walk[0][4][0]
    assert all(layer.pose[sprite.frames[0].id][i] == walk[0][i] for i in range(18) if i != 4)
    assert not sprite.composite(0)[..., 3].any()  # dragging never painted pixels
    assert canvas.grab().toImage() != before  # the skeleton on screen moved with it
    window.undo_action.trigger()
    assert layer.pose[sprite.frames[0].id] == walk[0]
    window.undo_action.trigger()  # the pose layer and its frames, as one step
    assert len(sprite.frames) == 1 and sprite.layers[-1].pose is None


def test_generate_character_from_the_open_sprite(window, qtbot, tiny_model, monkeypatch, tmp_path):
    update_settings(lambda s: s.model_folders.append(str(tiny_model[0])))

    def choose(dialog):
        dialog.directions.setCurrentIndex(dialog.directions.findData(2))
        for tid, box in dialog.actions.items():
            box.setChecked(tid == "idle")
        dialog.size.setValue(32)
        return 1

    monkeypatch.setattr(CharacterDialog, "exec", choose)
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    sprite = Sprite.new(32, 32)
    hero = np.zeros((32, 32, 4), np.uint8)
    hero[4:30, 10:22] = (200, 50, 50, 255)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(hero)
    window.documents.set_session(Session(sprite))
    panel = window.prompt_panel  # the character samples as the Prompt panel says
    panel.size.setCurrentIndex(panel.add_size(64, 64))
    panel.steps.setValue(2)
    window.session.history.mark_dirty()  # unsaved work: "Save" saves it, and it goes on
    window.prompter.save_answer, window.prompter.save_as_answer = (
        "save",
        str(tmp_path / "mine.aseprite"),
    )
    busy = []
    window.jobs.busyChanged.connect(busy.append)
    first = window.session
    window.generate_character_action.trigger()
    qtbot.waitUntil(lambda: window.session is not first or bool(window.prompter.errors),
                    timeout=120000)  # fmt: skip
    assert not window.prompter.errors
    assert (tmp_path / "mine.aseprite").is_file()  # the work it replaced was saved first
    assert True in busy  # its jobs showed as the app's: progress, and Cancel enabled
    sprite = window.session.sprite
    assert [t.name for t in sprite.tags] == ["idle_east", "idle_west"]
    assert len(sprite.frames) == 2 * len(templates()["idle"].frames)
    assert sprite.layers[-1].pose is not None and len(sprite.layers[-1].pose) == len(sprite.frames)
    cel = sprite.cel_at(0, 0)
    assert cel.generation.references and cel.generation.controls[0].pose == "idle/east/0/chibi/side"
    from dgx_pixels_app.formats import aseprite
    from tests.helpers import read_with_ase_parser

    aseprite.save(sprite, tmp_path / "hero.aseprite")  # what File ▸ Save writes
    parsed = read_with_ase_parser(tmp_path / "hero.aseprite")
    n = len(templates()["idle"].frames)
    assert [(t["name"], t["from"], t["to"]) for t in parsed["tags"]] == [
        ("idle_east", 0, n - 1), ("idle_west", n, 2 * n - 1)]  # fmt: skip
    assert [f["duration"] for f in parsed["frames"]] == [
        f.duration_ms for f in templates()["idle"].frames
    ] * 2


def test_guides_dock_reference_and_pose_layer_control(window, qtbot, tiny_model, tmp_path):
    from dgx_pixels_app.core.pose_commands import pose_layer_command
    from dgx_pixels_app.formats.images import write_png
    from dgx_pixels_app.gui.guides_panel import POSE

    update_settings(lambda s: s.model_folders.append(str(tiny_model[0])))
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    window.documents.new_document(32, 32)
    sprite = window.session.sprite
    window.session.history.push(
        pose_layer_command(sprite, "Pose", templates()["run"].skeletons("east"))
    )
    hero = tmp_path / "hero.png"
    write_png(hero, np.full((16, 16, 4), 200, np.uint8))
    panel = window.guides_panel
    panel.add_reference(str(hero), 0.9)
    panel.add_control("pose", POSE, 0.8, 0.0, 0.5)
    prompt = window.prompt_panel
    prompt.size.setCurrentIndex(prompt.add_size(64, 64))
    prompt.steps.setValue(2)
    prompt.count.setValue(1)
    prompt.prompt.setPlainText("a knight")
    before = len(window.results_panel.items)
    qtbot.mouseClick(prompt.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.results_panel.items) > before or bool(window.prompter.errors),
                    timeout=60000)  # fmt: skip
    assert not window.prompter.errors
    request = window.results_panel.items[0].request
    assert request.references[0].path == str(hero) and request.references[0].weight == 0.9
    control = request.controls[0]
    assert (control.type, control.strength, control.end) == ("pose", 0.8, 0.5)
    run = templates()["run"].skeletons("east")[0]  # the skeleton itself: it can be redone
    assert control.pose == "points:" + json.dumps([list(p) if p else None for p in run])
    assert control.sha256 and control.model.endswith("controlnet-openpose-sdxl")
    window.session.layer_index = 0
    panel.add_control("depth", "layer:Layer 1")  # an empty layer: said plainly, nothing runs
    qtbot.mouseClick(prompt.generate, Qt.MouseButton.LeftButton)
    assert "is empty on this frame" in window.prompter.errors[-1]
    window.session.layer_index = len(sprite.layers) - 1  # the pose layer: no pixels to use
    panel._control_layer()
    assert "That is the pose layer" in window.prompter.errors[-1]
    window.documents.new_document(16, 16)  # another sprite: the old one's layers go
    assert panel.controls.rowCount() == 1 and panel.references.rowCount() == 1
