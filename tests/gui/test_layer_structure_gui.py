"""Blend modes, groups, linked cels and indexed colour from the window: the layers
dock's blend box, Layer ▸ Group Layer, Animation ▸ Link Cels…, Sprite ▸ Indexed
Colour…, each one undo step; drawing by mouse follows the link and the palette."""

import numpy as np
from PySide6.QtCore import Qt

from dgx_pixels_app.core.commands import SetCel
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats import aseprite
from tests.helpers import read_with_ase_parser

RED, BLUE = (200, 30, 30, 255), (30, 30, 200, 255)


def sprite_with(window, frames=1, layers=1, palette=None):
    window.documents.new_document(8, 8)
    session = window.session
    for _ in range(layers - 1):
        window.layers_panel.add_layer()
    for _ in range(frames - 1):
        window.timeline.add_frame()
    image = np.zeros((8, 8, 4), np.uint8)
    image[2:6, 2:6] = RED
    session.history.push(SetCel(session.sprite.layers[0].id, session.sprite.frames[0].id,
                                Cel(image)))  # fmt: skip
    if palette:
        session.sprite.palette = Palette(palette)
    return session


def click_pixel(window, qtbot, x, y):
    """A pencil click on sprite pixel (x, y), as a person would make it."""
    from PySide6.QtCore import QPointF

    canvas = window.canvas
    canvas.set_zoom(8)
    canvas.offset = QPointF(10, 10)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_pos(x, y))


def test_the_blend_box_sets_the_mode_by_keys_and_undo_takes_it_back(window, qtbot):
    session = sprite_with(window, layers=2)
    box = window.layers_panel.blend
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # Normal → Multiply, as in Aseprite's list
    assert session.layer.blend == "multiply"
    assert "Multiply" in window.layers_panel.list.currentItem().toolTip()
    window.undo()
    assert session.layer.blend == "normal" and box.currentData() == "normal"


def test_group_layer_from_the_menu_shows_the_group_above_its_indented_layer(window, qtbot):
    session = sprite_with(window, layers=2)
    session.layer_index = 0
    window.layers_panel.rebuild()
    window.group_action.trigger()
    rows = [window.layers_panel.list.item(i).text() for i in range(3)]
    assert rows == ["Layer 2", "▾ Group 1", "    Layer 1"]
    assert session.layer.name == "Layer 1"  # still drawing where it was
    headers = [window.timeline.table.verticalHeaderItem(i).text() for i in range(3)]
    assert headers == ["Layer 2", "▾ Group 1", "  Layer 1"]
    window.layers_panel.list.setCurrentRow(1)  # the group: no drawing there
    assert session.layer.group
    window.layers_panel.duplicate_layer()
    assert "is a group" in window.prompter.errors[-1]
    window.ungroup_action.trigger()
    assert [la.name for la in session.sprite.layers] == ["Layer 1", "Layer 2"]
    window.undo()
    window.undo()
    assert not any(la.group for la in session.sprite.layers)


def test_link_cels_then_drawing_on_one_frame_draws_on_all(window, qtbot, tmp_path):
    session = sprite_with(window, frames=3)
    session.layer_index = 0
    window.prompter.touchup_answer = lambda d: {**d, "start": 1, "end": 3}
    window.link_action.trigger()
    layer = session.sprite.layers[0].id
    assert len(session.sprite.linked(layer, session.sprite.frames[0].id)) == 3
    item = window.timeline.table.item(0, 2)
    assert "Linked with frames 1, 2, 3" in item.toolTip()
    window.timeline.table.setCurrentCell(0, 2)  # frame 3
    assert session.frame_index == 2
    window.canvas.primary = BLUE
    click_pixel(window, qtbot, 0, 0)
    assert session.sprite.composite(2)[0, 0].tolist() == list(BLUE)
    assert window.session.composites.get(0)[0, 0].tolist() == list(BLUE)  # frame 1 too
    path = tmp_path / "linked.aseprite"
    aseprite.save(session.sprite, path)
    parsed = read_with_ase_parser(path)
    assert [c["type"] for f in parsed["frames"] for c in f["cels"]] == [2, 1, 1]
    session.frame_index = 1
    window.unlink_action.trigger()
    assert len(session.sprite.linked(layer, session.sprite.frames[0].id)) == 2
    window.prompter.touchup_answer = lambda d: {**d, "start": 1, "end": 1}
    window.link_action.trigger()
    assert "two frames" in window.prompter.errors[-1]


def test_indexed_colour_asks_how_to_bring_in_stray_colours_and_keeps_drawing_on_it(window, qtbot):
    session = sprite_with(window, palette=[BLUE])
    window.prompter.choose_answer = None  # Cancel: nothing changes
    window.indexed_action.trigger()
    assert "1 colour of the sprite is not in the palette" in window.prompter.asked[-1]
    assert [k for k, _ in window.prompter.choices[-1]] == ["nearest", "add", "sprite"]
    assert not session.sprite.indexed
    window.prompter.choose_answer = "sprite"
    window.indexed_action.trigger()
    assert session.sprite.indexed
    assert session.sprite.palette.colors == [(0, 0, 0, 0), RED]
    assert "Indexed colour" in window.statusBar().currentMessage()
    window.canvas.primary = (250, 0, 90, 255)  # not in the palette: the pencil snaps it
    click_pixel(window, qtbot, 0, 0)
    assert session.sprite.composite(0)[0, 0].tolist() == list(RED)
    window.rgb_action.trigger()
    assert not session.sprite.indexed
    window.undo()
    assert session.sprite.indexed


def test_colour_variants_as_tagged_frames_in_one_undo_step(window, qtbot):
    session = sprite_with(window, frames=2)
    window.prompter.touchup_answer = lambda d: {**d, "hues": "120, 240", "place": "frames"}
    window.variants_action.trigger()
    qtbot.waitUntil(lambda: len(session.sprite.frames) == 6, timeout=10000)
    assert [(t.name, t.start, t.end) for t in session.sprite.tags] == [
        ("hue120", 2, 3), ("hue240", 4, 5)]  # fmt: skip
    assert session.sprite.composite(2)[3, 3].tolist() == [30, 200, 30, 255]  # red → green
    assert session.sprite.composite(4)[3, 3].tolist() == [30, 30, 200, 255]  # red → blue
    assert "4 frames added" in window.statusBar().currentMessage()
    assert session.frame_index == 2  # the first variant in view
    window.undo()
    assert len(session.sprite.frames) == 2 and not session.sprite.tags


def test_colour_variants_as_files_beside_the_sprite_never_over_a_hand_made_one(
    window, qtbot, tmp_path
):
    session = sprite_with(window)
    session.path = tmp_path / "slime.aseprite"
    aseprite.save(session.sprite, session.path)
    (tmp_path / "slime-map1.aseprite").write_bytes(b"made by hand")
    window.prompter.touchup_answer = lambda d: {**d, "hues": "", "mapping": "#c81e1e=#1e1ec8",
                                                "place": "files"}  # fmt: skip
    window.variants_action.trigger()
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=10000)
    assert "slime-map1.aseprite" in window.prompter.errors[-1]
    assert (tmp_path / "slime-map1.aseprite").read_bytes() == b"made by hand"
    window.prompter.touchup_answer = lambda d: {**d, "hues": "180", "place": "files"}
    window.variants_action.trigger()
    qtbot.waitUntil(lambda: "Wrote 1 variant" in window.statusBar().currentMessage(),
                    timeout=10000)  # fmt: skip
    made = aseprite.load(tmp_path / "slime-hue180.aseprite")
    assert made.composite(0)[3, 3].tolist() == [30, 200, 200, 255]
    assert read_with_ase_parser(tmp_path / "slime-hue180.aseprite")["numFrames"] == 1


def test_colour_variants_refuse_bad_input_and_indexed_frames(window, qtbot):
    session = sprite_with(window, palette=[RED])
    window.prompter.touchup_answer = lambda d: {**d, "hues": "red", "place": "frames"}
    window.variants_action.trigger()
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=10000)
    assert "degrees separated by commas" in window.prompter.errors[-1]
    window.prompter.choose_answer = "none"
    window.indexed_action.trigger()
    assert session.sprite.indexed
    window.prompter.touchup_answer = lambda d: {**d, "place": "frames"}
    window.variants_action.trigger()
    qtbot.waitUntil(lambda: "one palette" in window.prompter.errors[-1], timeout=10000)
    assert len(session.sprite.frames) == 1


def test_the_layers_dock_and_the_timeline_show_the_same_layer(window, qtbot):
    session = sprite_with(window, layers=3)
    panel, table = window.layers_panel, window.timeline.table
    rect = panel.list.visualItemRect(panel.list.item(2))  # the bottom row: Layer 1
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.layer.name == "Layer 1"
    assert table.verticalHeaderItem(table.currentRow()).text() == "Layer 1"
