"""Timeline, tags, playback, onion skin, palette snap, GIF export and AI frames in the window."""

from dataclasses import replace

from PIL import Image

from dgx_pixels_app.core.document import Direction, Tag
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.gui.canvas_paint import onion_images
from dgx_pixels_app.jobs.frame_requests import plan_frames
from dgx_pixels_app.jobs.job import AsFrames, Job
from tests.export.test_sheet import animated


def open_animated(window, frames=5):
    sprite = animated(frames)
    window.documents.set_session(Session(sprite))
    return sprite


def test_timeline_shows_layers_by_frames_and_edits_are_undoable(window, qtbot):
    sprite = open_animated(window)
    timeline = window.timeline
    assert (timeline.table.rowCount(), timeline.table.columnCount()) == (1, 5)
    assert timeline.table.horizontalHeaderItem(2).text() == "3\n100ms"
    ids = [f.id for f in sprite.frames]
    timeline.add_frame()
    assert len(sprite.frames) == 6 and window.session.frame_index == 1
    timeline.duplicate_frame()
    assert len(sprite.frames) == 7
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert [f.id for f in sprite.frames] == ids
    timeline.table.horizontalHeader().moveSection(0, 2)  # drag frame 1 to position 3
    assert [f.id for f in sprite.frames][:3] == [ids[1], ids[2], ids[0]]
    window.undo_action.trigger()
    assert [f.id for f in sprite.frames] == ids
    timeline.table.clearSelection()
    for column in (1, 3):
        timeline.table.item(0, column).setSelected(True)
    timeline.duration.setValue(250)
    timeline.set_duration()
    assert [f.duration_ms for f in sprite.frames] == [80, 250, 100, 250, 120]
    timeline.table.clearSelection()
    timeline.table.item(0, 4).setSelected(True)
    timeline.delete_frames()
    assert len(sprite.frames) == 4
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert [f.duration_ms for f in sprite.frames] == [80, 90, 100, 110, 120]


def test_tags_create_edit_delete(window, qtbot):
    sprite = open_animated(window)
    timeline = window.timeline
    timeline.ask_tag = lambda tag, count: Tag("run", 2, 4, Direction.PINGPONG, tag.color)
    timeline.new_tag()
    assert [t.name for t in sprite.tags] == ["walk", "idle", "run"]
    assert "Tag: run" in [
        timeline.tag_choice.itemText(i) for i in range(timeline.tag_choice.count())
    ]
    window.session.frame_index = 4
    timeline.ask_tag = lambda tag, count: Tag(
        "dash", tag.start, tag.end, Direction.REVERSE, tag.color
    )
    timeline.edit_tag()
    assert sprite.tags[2].name == "dash" and sprite.tags[2].direction == Direction.REVERSE
    timeline.delete_tag()
    assert [t.name for t in sprite.tags] == ["walk", "idle"]
    window.undo_action.trigger()
    assert sprite.tags[2].name == "dash"


def test_playback_follows_tag_direction_and_durations(window, qtbot):
    sprite = open_animated(window, 6)
    for frame in sprite.frames:
        frame.duration_ms = 20
    timeline = window.timeline
    timeline.tag_choice.setCurrentIndex(
        timeline.tag_choice.findData("walk")
    )  # frames 1-3, ping-pong
    timeline.play.setChecked(True)
    qtbot.waitUntil(lambda: len(window.playback.shown) >= 8, timeout=5000)
    timeline.play.setChecked(False)
    assert window.playback.shown[:8] == [1, 2, 3, 2, 1, 2, 3, 2]
    assert not window.playback.playing
    assert window.timeline.table.currentColumn() == window.session.frame_index


def test_onion_skin_tints_neighbours(window, qtbot):
    open_animated(window)
    window.session.frame_index = 2
    timeline = window.timeline
    timeline.onion_frames.setValue(1)
    timeline.onion.setChecked(True)
    images = onion_images(window.canvas)
    assert len(images) == 2
    timeline.onion_frames.setValue(2)
    assert len(onion_images(window.canvas)) == 4
    timeline.onion.setChecked(False)
    assert onion_images(window.canvas) == []


def test_snap_frames_to_palette_and_export_gif(window, qtbot, tmp_path):
    from dgx_pixels_app.core.palette import Palette

    sprite = open_animated(window)
    sprite.palette = Palette([(0, 0, 0), (255, 255, 255), (255, 0, 0)])
    window.snap_action.trigger()
    for i in range(5):
        colors = {tuple(c) for c in sprite.composite(i)[sprite.composite(i)[..., 3] > 0][:, :3]}
        assert colors <= {(0, 0, 0), (255, 255, 255), (255, 0, 0)}
    window.undo_action.trigger()
    window.prompter.animation_answer = str(tmp_path / "anim.gif")
    window.export_anim_action.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "anim.gif").exists(), timeout=5000)
    assert Image.open(tmp_path / "anim.gif").n_frames == 5


def test_frame_plans_from_presets():
    base = GenerationRequest("knight", seed=7, steps=4, width=1024, height=1024)
    preset = {
        "strip": "{subject}, {frames} frames",
        "action": "{subject} walking",
        "duration_ms": 90,
    }
    strip = plan_frames("strip", "a frog", preset, base, 6, 0.4)
    assert (
        strip.request.prompt == "a frog, 6 frames"
        and strip.request.width == 1536
        and strip.count == 6
    )
    nxt = plan_frames("next", "a frog", preset, base, 1, 0.4)
    assert nxt.request.seed == 7 and nxt.request.strength == 0.4 and "walking" in nxt.request.prompt


def test_ai_strip_and_next_frame_add_frames(window, qtbot, tiny_model):
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    sprite = open_animated(window, 2)
    base = GenerationRequest("a frog", seed=3, steps=2, width=64, height=64)
    preset = {"strip": "{subject} x{frames}", "action": "{subject} next", "duration_ms": 90}
    strip = plan_frames("strip", "a frog", preset, base, 3, 0.5)
    strip = replace(strip, request=replace(strip.request, width=192, height=64))
    assert strip.request.prompt == "a frog x3" and strip.post.frames == 3
    window.jobs.submit_job(Job.single(strip.request, 1, post=strip.post, place=AsFrames(strip)))
    qtbot.waitUntil(lambda: len(sprite.frames) == 5, timeout=60000)
    assert [f.duration_ms for f in sprite.frames[1:4]] == [90, 90, 90]
    assert all(sprite.composite(i).shape == (10, 12, 4) for i in range(5))
    nxt = plan_frames("next", "a frog", preset, base, 1, 0.5)
    window.session.frame_index = 0
    from dgx_pixels_app.jobs.placement import img2img_source

    image, sized = img2img_source(sprite, 0, None, nxt.request)
    window.jobs.submit(sized, 1, init_image=image, place=AsFrames(nxt))
    qtbot.waitUntil(lambda: len(sprite.frames) == 6, timeout=60000)
    assert sprite.cel_at(0, 1).generation.mode == "img2img"
    window.undo_action.trigger()
    assert len(sprite.frames) == 5


def test_undoing_the_frame_in_view_steps_back_to_one_that_is(window, qtbot):
    window.documents.new_document(8, 8)
    session = window.session
    window.timeline.add_frame()
    session.frame_index = 1  # the new frame, in view
    window.canvas.refresh()
    window.undo()  # the frame goes: the view must not reach past the end
    assert session.frame_index == 0 and len(session.sprite.frames) == 1
    window.canvas.repaint()
