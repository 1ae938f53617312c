"""The timeline's side of the window: frames shown and played, onion skin, snapping
frames to the palette, GIF/APNG export, and frames made by the model (a strip of poses,
the next frame, variations) placed into the sprite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.formats.animation import save_animation
from dgx_pixels_app.gui.canvas import CanvasView
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.job_client import JobClient
from dgx_pixels_app.gui.playback import PlaybackController
from dgx_pixels_app.gui.preview_panel import PreviewPanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.gui.timeline import Timeline
from dgx_pixels_app.jobs.frames import (
    add_frames_command,
    fit,
    snap_frames_command,
    snap_to_palette,
)
from dgx_pixels_app.jobs.job import AsFrames, Job, ToResults
from dgx_pixels_app.jobs.placement import img2img_source
from dgx_pixels_app.pixelize.pipeline import pixelize


class AnimationController(QObject):
    def __init__(self, *, documents: DocumentController, jobs: JobClient, canvas: CanvasView,
                 timeline: Timeline, preview: PreviewPanel, playback: PlaybackController,
                 prompt: PromptPanel, prompter: Prompter, with_loras: Callable,
                 open_result: Callable, status: Callable[[str, int], None],
                 show_error: Callable[[str], None], parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.documents, self.jobs, self.canvas, self.timeline = documents, jobs, canvas, timeline
        self.preview, self.playback, self.prompt, self.prompter = (
            preview,
            playback,
            prompt,
            prompter,
        )
        self.with_loras, self.open_result = with_loras, open_result
        self.status, self.show_error, self.window = status, show_error, parent

    @property
    def session(self) -> Session | None:
        return self.documents.session

    def on_frame_selected(self, index: int) -> None:
        self.canvas.refresh()
        self.preview.show_frame(index)

    def on_frame_played(self, index: int) -> None:
        self.canvas.refresh()
        self.timeline.show_frame(index)
        self.preview.show_frame(index)

    def on_play_toggled(self, playing: bool) -> None:
        if playing:
            t = self.timeline
            self.playback.start(self.session, t.tag_choice.currentData(), t.loop.isChecked())
        else:
            self.playback.stop()

    def on_onion(self) -> None:
        t = self.timeline
        self.canvas.onion_frames = t.onion_frames.value() if t.onion.isChecked() else 0
        self.canvas.onion_opacity = t.onion_opacity.value() / 100
        self.canvas.update()

    def step_frame(self, step: int) -> None:
        if self.session is not None:
            self.session.frame_index = (self.session.frame_index + step) % len(
                self.session.sprite.frames
            )
            self.timeline.show_frame(self.session.frame_index)
            self.on_frame_selected(self.session.frame_index)

    def snap_frames(self) -> None:
        session = self.session
        if session is None:
            return
        tag = self.timeline.tag_choice.currentData()
        try:
            frames = None
            if tag:
                t = next(t for t in session.sprite.tags if t.name == tag)
                frames = list(range(t.start, t.end + 1))
            session.history.push(snap_frames_command(session.sprite, frames))
        except DgxPixelsError as exc:
            self.show_error(str(exc))

    def export_animation(self) -> None:
        if self.session is None:
            return
        path = self.prompter.animation_path(
            str(self.session.path.with_suffix(".gif") if self.session.path else "animation.gif")
        )
        if not path:
            return
        kind = "apng" if path.lower().endswith((".png", ".apng")) else "gif"
        tag = self.timeline.tag_choice.currentData()
        snapshot = self.session.sprite.snapshot()
        self.documents.runner.submit(
            lambda: save_animation(snapshot, path, kind, tag),
            lambda n: self.status(f"Saved {Path(path).name}: {counted(n, 'frame')}", 8000),
            self.documents.report_failure,
        )

    def generate_frames(self) -> None:
        from dgx_pixels_app.gui.frames_dialog import FramesDialog

        if self.session is None:
            self.show_error("Open or create a sprite first: generated frames go into it.")
            return
        if self.jobs.model is None:
            self.show_error("Load a model first (Model ▸ Load Model…).")
            return
        dialog = FramesDialog(self.prompt.request(), self.window)
        if not dialog.exec():
            return
        plan = dialog.plan()
        request = self.with_loras(plan.request)
        session = self.session
        if plan.mode == "strip":  # pixelized once and cut into poses by the job
            self.jobs.submit_job(Job.single(request, 1, post=plan.post, place=AsFrames(plan),
                                            label="strip"))  # fmt: skip
        elif plan.mode == "next":
            image, sized = img2img_source(session.sprite, session.frame_index, None, request)
            self.jobs.submit(sized, 1, init_image=image, place=AsFrames(plan))
        else:  # variations land in Results: Add as Frame
            self.jobs.submit(request, plan.count, place=ToResults())

    def add_result_frame(self, item, do_pixelize: bool) -> None:
        session = self.session
        if session is None:
            self.open_result(item, do_pixelize)
            return
        sprite, palette = session.sprite.snapshot(), session.sprite.palette.copy()

        def work():
            art = (
                snap_to_palette(pixelize(item.image).image, palette)
                if do_pixelize and len(palette)
                else (pixelize(item.image).image if do_pixelize else item.image)
            )
            return fit(art, sprite.width, sprite.height)

        def done(image) -> None:
            command = add_frames_command(
                session.sprite,
                session.layer.id,
                session.frame_index,
                [image],
                session.frame.duration_ms,
                item.request,
            )
            session.history.push(command)
            session.frame_index += 1
            self.on_frame_selected(session.frame_index)
            self.timeline.show_frame(session.frame_index)

        self.documents.runner.submit(work, done, self.documents.report_failure)

    def place_frames(self, plan, result) -> None:
        """A strip's poses (cut by the job) or the next frame, into the sprite as frames."""
        session = self.session
        if session is None:
            return
        item = result.items[0]
        sprite, palette = session.sprite.snapshot(), session.sprite.palette.copy()

        def work():
            if plan.mode == "strip":
                frames = item.frames
            else:
                art = pixelize(item.raw).image
                frames = [snap_to_palette(art, palette) if len(palette) else art]
            return [fit(f, sprite.width, sprite.height) for f in frames]

        def done(frames) -> None:
            session.history.push(add_frames_command(
                session.sprite, session.layer.id, session.frame_index, frames,
                plan.duration_ms, item.request,
            ))  # fmt: skip
            self.status(f"Added {counted(len(frames), 'frame')}", 8000)

        self.documents.runner.submit(work, done, self.documents.report_failure)
