"""The window's animation actions: playback, onion skin, palette snap, GIF/APNG export
and AI-assisted frames. A mixin of MainWindow: it uses the window's widgets."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.formats.animation import save_animation
from dgx_pixels_app.jobs.frames import (
    add_frames_command,
    fit,
    snap_frames_command,
    snap_to_palette,
)
from dgx_pixels_app.jobs.job import AsFrames, Job, ToResults
from dgx_pixels_app.jobs.placement import img2img_source
from dgx_pixels_app.pixelize.pipeline import pixelize


class AnimationActions:
    # -- animation --------------------------------------------------------------------
    def _on_frame_selected(self, index: int) -> None:
        self.canvas.refresh()
        self.preview_panel.show_frame(index)

    def _on_frame_played(self, index: int) -> None:
        self.canvas.refresh()
        self.timeline.show_frame(index)
        self.preview_panel.show_frame(index)

    def _on_play_toggled(self, playing: bool) -> None:
        if playing:
            t = self.timeline
            self.playback.start(self.session, t.tag_choice.currentData(), t.loop.isChecked())
        else:
            self.playback.stop()

    def _on_onion(self) -> None:
        t = self.timeline
        self.canvas.onion_frames = t.onion_frames.value() if t.onion.isChecked() else 0
        self.canvas.onion_opacity = t.onion_opacity.value() / 100
        self.canvas.update()

    def _step_frame(self, step: int) -> None:
        if self.session is not None:
            self.session.frame_index = (self.session.frame_index + step) % len(
                self.session.sprite.frames
            )
            self.timeline.show_frame(self.session.frame_index)
            self._on_frame_selected(self.session.frame_index)

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
            lambda n: self.statusBar().showMessage(f"Saved {Path(path).name}: {n} frames", 8000),
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
        dialog = FramesDialog(self.prompt_panel.request(), self)
        if not dialog.exec():
            return
        plan = dialog.plan()
        request = self._request(plan.request)
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
            self._on_frame_selected(session.frame_index)
            self.timeline.show_frame(session.frame_index)

        self.documents.runner.submit(work, done, self.documents.report_failure)

    def _place_frames(self, plan, result) -> None:
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
            self.statusBar().showMessage(f"Added {len(frames)} frame(s)", 8000)

        self.documents.runner.submit(work, done, self.documents.report_failure)
