"""Characters and poses in the app: a pose layer from a template (its joints dragged on
the canvas), a pose saved as a template, and Animation ▸ Generate Character…, whose
frames open as a new sprite with a tag per action and direction and a pose layer
showing the skeleton each frame was made with. The work runs on a worker thread whose
jobs go through the app's queue; the UI thread never waits."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QWidget

from dgx_pixels_app.core.commands import Group
from dgx_pixels_app.core.document import Frame
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.frame_commands import InsertFrame
from dgx_pixels_app.core.pose import DIRECTIONS
from dgx_pixels_app.core.pose_commands import pose_layer_command
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.jobs.job import AsCharacter


class CharacterController(QObject):
    def __init__(self, *, documents, jobs, layers, canvas, prompt, loras,
                 status: Callable[[str, int], None],
                 show_error: Callable[[str], None], confirm_discard: Callable[[], bool],
                 confirm_later: Callable[[], bool], parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.documents, self.jobs, self.layers, self.canvas = documents, jobs, layers, canvas
        self.prompt, self.loras = prompt, loras  # the Prompt panel's sampling settings
        self.status, self.show_error, self.confirm_discard = status, show_error, confirm_discard
        self.confirm_later = confirm_later
        self.window = parent

    @property
    def session(self) -> Session | None:
        return self.documents.session

    # -- pose layers ------------------------------------------------------------
    def add_pose_layer(self) -> None:
        from dgx_pixels_app.gui.character_dialog import PoseLayerDialog

        session = self.session
        if session is None:
            self.show_error("Open or create a sprite first: the pose layer goes over its frames.")
            return
        sprite = session.sprite
        dialog = PoseLayerDialog(min(sprite.width, sprite.height), self.window)
        if not dialog.exec():
            return
        try:
            skeletons, durations = dialog.skeletons(), dialog.durations()
        except DgxPixelsError as exc:  # a saved pose asked for a direction it lacks
            self.show_error(str(exc))
            return
        template, direction = dialog.choice()[:2]
        commands = []
        missing = len(skeletons) - len(sprite.frames)
        if dialog.add_frames.isChecked() and missing > 0:  # empty frames, the template's timing
            start = len(sprite.frames)
            commands = [InsertFrame(start + i, Frame(durations[start + i]), {}, label="Add Frame")
                        for i in range(missing)]  # fmt: skip
            for command in commands:
                command.apply(sprite)  # the pose layer below sees the new frames
        layer_command = pose_layer_command(sprite, f"Pose: {template} {direction}", skeletons)
        for command in reversed(commands):
            command.revert(sprite)
        session.history.push(Group([*commands, layer_command], label="Add Pose Layer"))
        session.layer_index = sprite.layers.index(layer_command.layer)
        self.layers.rebuild()
        self.canvas.refresh()
        self.status("Pose layer added: drag its joints on the canvas (Ctrl+Z undoes a drag)", 8000)

    def save_pose_template(self) -> None:
        from dgx_pixels_app.jobs.poses import save_template

        session = self.session
        layer = session.layer if session else None
        if layer is None or layer.pose is None:
            self.show_error("Pick a pose layer in the Layers panel first.")
            return
        frames, direction, what = _pose_frames(session, layer)
        if not frames:
            self.show_error("The pose layer has no skeleton to save on these frames.")
            return
        name, ok = QInputDialog.getText(
            self.window, "Save Pose as Template",
            f"Saves {what}: {counted(len(frames), 'frame')}, facing {direction}.\nTemplate name:",
        )  # fmt: skip
        if not ok or not name.strip():
            return
        try:
            path = save_template(name.strip(), direction, [layer.pose[f.id] for f in frames],
                                 [f.duration_ms for f in frames])  # fmt: skip
        except DgxPixelsError as exc:
            self.show_error(str(exc))
            return
        self.status(
            f"Saved the pose '{path.stem}' ({counted(len(frames), 'frame')}, facing {direction})",
            8000,
        )

    # -- characters ---------------------------------------------------------------
    def generate_character(self) -> None:
        from dgx_pixels_app.gui.character_dialog import CharacterDialog

        if self.jobs.model is None:
            self.show_error("Load a model first (Model ▸ Load Model…).")
            return
        session = self.session
        dialog = CharacterDialog(session is not None, self.window)
        if not dialog.exec() or not self.confirm_later():  # it opens in this window
            return
        options = self._options(dialog, session)
        if options is None:
            return
        save_as = dialog.save_as.text().strip() or None
        self.status("Generating the character… (Cancel stops it)", 0)
        work = _character_work(options, save_as, self.jobs, self.jobs.cancel_token())
        self.documents.runner.submit(work, self._opened, self._failed)

    def _options(self, dialog, session):
        from dgx_pixels_app.jobs.character import CharacterOptions

        frame = None
        if dialog.use_frame.isChecked() and session is not None:
            frame = session.sprite.composite(session.frame_index)  # a snapshot, now
        elif not dialog.reference.text().strip():
            self.show_error("Choose a reference image, or use the open sprite's frame.")
            return None
        sampling = self.prompt.request()  # steps, CFG, sampler, model size, seed, speed
        return CharacterOptions(
            reference=dialog.reference.text().strip() if frame is None else "current frame",
            reference_image=frame, model=str(self.jobs.model.path),
            prompt=dialog.prompt.text().strip() or "character",
            directions=dialog.directions.currentData(), actions=dialog.chosen_actions(),
            size=dialog.size.value(), shape=dialog.shape_value(), seed=sampling.seed,
            steps=sampling.steps, cfg=sampling.cfg, scheduler=sampling.scheduler,
            resolution=min(sampling.width, sampling.height), loras=self.loras.loras(),
            options=self.prompt.options(), write=False,
        )  # fmt: skip

    def _opened(self, made) -> None:
        sprite, message = made
        if self.documents.dirty and not self.confirm_discard():
            self._keep_aside(sprite)  # edited meanwhile and kept: the character is not lost
            return
        self.status(message, 10000)
        self.documents.set_session(Session(sprite))
        self.session.history.mark_dirty()

    def _keep_aside(self, sprite) -> None:
        import time

        from dgx_pixels_app import settings as app_settings
        from dgx_pixels_app.formats import aseprite

        path = (
            app_settings.data_dir()
            / "characters"
            / f"unsaved-{time.strftime('%Y%m%d-%H%M%S')}.aseprite"
        )

        def save():
            path.parent.mkdir(parents=True, exist_ok=True)
            aseprite.save(sprite, path)
            return path

        self.documents.runner.submit(
            save, lambda p: self.show_error(f"The character was kept in {p} (File ▸ Open)."),
            self.documents.report_failure,
        )  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        self.status("", 0)
        self.documents.report_failure(exc)


def _character_work(options, save_as, jobs, cancel):
    """The worker's part: plan, generate through the queue, assemble the sprite."""

    def work():
        from dgx_pixels_app.jobs.character import generate, plan, requests_for
        from dgx_pixels_app.jobs.character_files import character_sprite, figures
        from dgx_pixels_app.mcp.bridge import blocking_runner

        if save_as:
            from dgx_pixels_app.jobs.characters import check_new

            check_new(save_as)  # before any work
        chosen = plan(options)
        run = blocking_runner(jobs.queue, cancel, submit=jobs.submit_job)  # progress, Cancel
        frames, requests = generate(run, chosen, requests_for(chosen),
                                    place=AsCharacter(options.prompt))  # fmt: skip
        sprite = character_sprite(frames, chosen.rows, requests)
        skeletons = [_pose_of(r) for r in requests]
        pose = pose_layer_command(sprite, "Pose", skeletons)
        pose.apply(sprite)
        flagged = sum(f.flagged for f in figures(frames, chosen.rows, chosen.reference))
        note = f", {counted(flagged, 'frame')} to check" if flagged else ""
        if save_as:
            from dgx_pixels_app.jobs.characters import keep

            try:  # the sprite opens whatever happens to the saving
                note += f"; kept as '{keep(save_as, chosen, '').name}'"
            except DgxPixelsError as exc:
                note += f"; not kept: {exc}"
        return (
            sprite,
            f"Character: {counted(len(frames), 'frame')} in {counted(len(chosen.rows), 'tag')}{note}",
        )

    return work


def _pose_of(request):
    from dgx_pixels_app.jobs.guides import find_template, parse_pose

    name, direction, frame, shape, view = parse_pose(request.controls[0].pose)
    return find_template(name).skeletons(direction, shape, view)[frame]


def _pose_frames(session, layer):
    """The frames a saved pose takes: the current frame's tag (walk_east: its direction
    from the name), else every frame with a skeleton; and what to call that."""
    sprite, index = session.sprite, session.frame_index
    tag = next((t for t in sprite.tags if t.start <= index <= t.end), None)
    frames = sprite.frames[tag.start : tag.end + 1] if tag else sprite.frames
    frames = [f for f in frames if layer.pose.get(f.id)]
    names = sorted(DIRECTIONS, key=len, reverse=True)
    label = tag.name if tag else layer.name
    direction = next((d for d in names if re.search(rf"{d.replace('-', '[-_]')}$", label)), "east")
    return frames, direction, f"the tag '{tag.name}'" if tag else "every frame of the pose layer"
