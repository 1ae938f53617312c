import numpy as np
import pytest

from dgx_pixels_app.core.commands import PatchPixels, set_pixel
from dgx_pixels_app.core.document import Direction, Frame, Layer, Sprite, Tag
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.events import ChangeKind
from dgx_pixels_app.core.frame_commands import InsertFrame, RemoveFrame, SetFrameDurations, SetTags
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.layer_commands import (
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    SetLayerProperties,
)

RED = (255, 0, 0, 255)


def make(width=8, height=8, layers=1, frames=1):
    sprite = Sprite.new(width, height, layers=layers, frames=frames)
    return sprite, History(sprite)


def pixel(sprite, x, y, layer=0, frame=0):
    cel = sprite.cel_at(layer, frame)
    return None if cel is None else tuple(int(v) for v in cel.image[y, x])


def test_pixel_undo_redo_and_empty_cel_costs_nothing():
    sprite, history = make()
    assert sprite.cels == {}
    history.push(set_pixel(sprite, sprite.layers[0].id, sprite.frames[0].id, 2, 3, RED))
    assert pixel(sprite, 2, 3) == RED
    assert history.is_dirty and history.undo_label == "Pencil"
    history.undo()
    assert sprite.cels == {}  # the cel the stroke created is gone again
    history.redo()
    assert pixel(sprite, 2, 3) == RED


def test_patch_stores_only_dirty_rectangle_and_long_sessions_stay_small():
    sprite, history = make(256, 256)
    lid, fid = sprite.layers[0].id, sprite.frames[0].id
    for i in range(1000):
        history.push(set_pixel(sprite, lid, fid, i % 256, (i * 7) % 256, (i % 256, 0, 0, 255)))
    assert history.nbytes < 1000 * 64  # 1,000 one-pixel strokes, not 1,000 canvases
    for _ in range(1000):
        history.undo()
    assert sprite.cels == {}


def test_patch_outside_canvas_refused_and_not_recorded():
    sprite, history = make()
    with pytest.raises(InvalidInputError):
        PatchPixels.build(
            sprite, sprite.layers[0].id, sprite.frames[0].id, 6, 6, np.zeros((4, 4, 4))
        )
    assert not history.can_undo


def test_layer_commands_round_trip():
    sprite, history = make(layers=2)
    first, second = sprite.layers
    history.push(set_pixel(sprite, first.id, sprite.frames[0].id, 0, 0, RED))
    history.push(InsertLayer(2, Layer("Top")))
    history.push(SetLayerProperties(first.id, name="Base", opacity=128, visible=False, locked=True))
    history.push(MoveLayer(first.id, 2))
    history.push(RemoveLayer(first.id))
    assert [layer.name for layer in sprite.layers] == ["Layer 2", "Top"]
    assert all(key[0] != first.id for key in sprite.cels)
    for _ in range(4):
        history.undo()
    assert [layer.name for layer in sprite.layers] == ["Layer 1", "Layer 2"]
    assert (first.name, first.opacity, first.visible, first.locked) == ("Layer 1", 255, True, False)
    assert pixel(sprite, 0, 0) == RED
    assert second in sprite.layers


def test_last_layer_and_last_frame_cannot_be_removed():
    sprite, history = make()
    with pytest.raises(InvalidInputError):
        history.push(RemoveLayer(sprite.layers[0].id))
    with pytest.raises(InvalidInputError):
        history.push(RemoveFrame(sprite.frames[0].id))
    assert not history.can_undo and len(sprite.layers) == 1 and len(sprite.frames) == 1


def test_frames_shift_tags_and_undo_restores_them():
    sprite, history = make(frames=4)
    history.push(SetTags([Tag("walk", 1, 3, Direction.PINGPONG)]))
    history.push(InsertFrame(0, Frame(50)))
    assert (sprite.tags[0].start, sprite.tags[0].end) == (2, 4)
    history.push(RemoveFrame(sprite.frames[3].id))
    assert (sprite.tags[0].start, sprite.tags[0].end) == (2, 3)
    history.undo()
    history.undo()
    assert (sprite.tags[0].start, sprite.tags[0].end) == (1, 3)
    assert len(sprite.frames) == 4


def test_durations_validated_and_undone():
    sprite, history = make(frames=3)
    ids = [f.id for f in sprite.frames[:2]]
    history.push(SetFrameDurations(ids, 250))
    assert [f.duration_ms for f in sprite.frames] == [250, 250, 100]
    history.undo()
    assert [f.duration_ms for f in sprite.frames] == [100, 100, 100]
    with pytest.raises(InvalidInputError):
        history.push(SetFrameDurations(ids, 0))


def test_tags_out_of_range_refused():
    sprite, history = make(frames=2)
    with pytest.raises(InvalidInputError, match="frames 0-1"):
        history.push(SetTags([Tag("bad", 0, 5)]))


def test_clean_mark_follows_save_position():
    sprite, history = make()
    lid, fid = sprite.layers[0].id, sprite.frames[0].id
    history.push(set_pixel(sprite, lid, fid, 0, 0, RED))
    saved_at = history.position
    history.push(set_pixel(sprite, lid, fid, 1, 0, RED))  # edited while the save ran
    history.mark_clean(saved_at)
    assert history.is_dirty
    history.undo()
    assert not history.is_dirty
    history.undo()
    history.push(set_pixel(sprite, lid, fid, 2, 0, RED))  # branch: saved state unreachable
    assert history.is_dirty


def test_budget_drops_oldest_steps():
    sprite, history = make(64, 64)
    history.budget_bytes = 64 * 64 * 4 * 3
    lid, fid = sprite.layers[0].id, sprite.frames[0].id
    for i in range(10):
        full = np.full((64, 64, 4), i, dtype=np.uint8)
        history.push(PatchPixels.build(sprite, lid, fid, 0, 0, full))
    assert history.nbytes <= history.budget_bytes
    assert sum(1 for _ in iter(history.undo, False)) < 10


def test_events_report_dirty_rectangle():
    sprite, history = make()
    seen = []
    sprite.events.connect(seen.append)
    history.push(set_pixel(sprite, sprite.layers[0].id, sprite.frames[0].id, 5, 6, RED))
    assert seen[-1].kind == ChangeKind.PIXELS and seen[-1].rect == (5, 6, 1, 1)
