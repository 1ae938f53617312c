"""Generation from the Prompt panel: text to image, from the frame, inpaint the
selection; and where results go (the Results dock, a new layer, a new sprite). Jobs
are submitted through the job client with a typed placement; this controller places
what comes back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.job_client import JobClient
from dgx_pixels_app.gui.layers_panel import LayersPanel
from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.results_panel import ResultsPanel
from dgx_pixels_app.jobs.job import AsCharacter, AsFrames, ForAgent, ToResults, WarmUp
from dgx_pixels_app.jobs.placement import (
    add_layer_command,
    img2img_source,
    inpaint_source,
    layer_image,
    sprite_from_result,
)


class GenerationController(QObject):
    def __init__(self, *, jobs: JobClient, documents: DocumentController, loras: LoraPanel,
                 guides, results: ResultsPanel, layers: LayersPanel, status: Callable[[str, int], None],
                 show_error: Callable[[str], None], confirm_discard: Callable[[], bool],
                 parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.jobs, self.documents, self.loras, self.guides = jobs, documents, loras, guides
        self.results, self.layers = results, layers
        self.status, self.show_error, self.confirm_discard = status, show_error, confirm_discard
        self.place_frames: Callable = lambda plan, result: None  # set by the animation side

    @property
    def session(self) -> Session | None:
        return self.documents.session

    def with_loras(self, request):
        request.loras = self.loras.loras()
        return request

    def guided(self, request):
        """The request with the Guides dock's references and controls, and the pixels
        of those that come from the sprite's layers (a snapshot, taken now)."""
        request.references, request.controls = self.guides.guides()
        return request, self.guides.snapshot(request.width, request.height)

    def generate(self, request, count: int) -> None:
        try:
            request, sources = self.guided(self.with_loras(request))
        except DgxPixelsError as exc:
            self.show_error(str(exc))
            return
        self.jobs.submit(request, count, place=ToResults(), sources=sources)

    def generate_from_frame(self, request, count: int) -> None:
        session = self.session
        if session is None:
            self.show_error(
                "Open or create a sprite first: image-to-image starts from its current frame."
            )
            return
        image, sized = img2img_source(
            session.sprite, session.frame_index, session.selection, self.with_loras(request)
        )
        try:
            sized, sources = self.guided(sized)
        except DgxPixelsError as exc:
            self.show_error(str(exc))
            return
        self.jobs.submit(sized, count, init_image=image, place=ToResults(session.selection),
                         sources=sources)  # fmt: skip

    def inpaint_selection(self, request, count: int) -> None:
        session = self.session
        if session is None or session.selection is None:
            self.show_error("Select the pixels to repaint first: press M and drag on the canvas.")
            return
        image, mask, sized = inpaint_source(
            session.sprite, session.frame_index, session.selection, self.with_loras(request)
        )
        try:
            sized, sources = self.guided(sized)
        except DgxPixelsError as exc:
            self.show_error(str(exc))
            return
        self.jobs.submit(sized, count, init_image=image, mask=mask,
                         place=ToResults(session.selection), sources=sources)  # fmt: skip

    def on_job_failed(self, job, message: str) -> None:
        """A failed job's message in a dialog; a warm-up's in the status bar (nobody
        asked for its images); a character's is said by the work that ran it."""
        if isinstance(job.place, AsCharacter):
            return
        if isinstance(job.place, WarmUp):
            self.status(f"The compile warm-up did not run: {message}", 10000)
        else:
            self.show_error(message)

    def on_job_finished(self, job, result) -> None:
        place = job.place
        if isinstance(place, ForAgent | AsCharacter):  # their callers place them
            return
        if isinstance(place, WarmUp):
            request = result.requests[0] if result.requests else None
            size = f" for {request.width}×{request.height}" if request else ""
            self.status(f"UNet compiled{size} in {result.seconds:.0f} s: the next images "
                        "are faster (cached for the next start)", 10000)  # fmt: skip
            return
        if job.target is not None:  # a batch: its images arrived one by one
            self.status(f"Batch done: {counted(len(result.items), 'image')}, {len(result.failures)} "
                        f"failed → {job.target.output}", 10000)  # fmt: skip
            return
        if not result.items:
            return
        if isinstance(place, AsFrames):
            self.place_frames(place.plan, result)
            return
        selection = place.selection if isinstance(place, ToResults) else None
        self.results.add_results(result.images, result.requests, selection)
        self.status(
            f"{counted(len(result.images), 'new result')}: Enter or double-click adds the selected one as a layer",
            8000,
        )

    def add_result_layer(self, item, do_pixelize: bool) -> None:
        session = self.session
        if session is None:
            self.open_result(item, do_pixelize)
            return
        sprite, selection = session.sprite, item.selection
        snapshot_sprite = sprite.snapshot()

        def work():
            return layer_image(item.image, snapshot_sprite, item.request, selection, do_pixelize)

        finish = self._busy("Pixelizing the result into a new layer…" if do_pixelize
                            else "Adding the result as a layer…")  # fmt: skip

        def done(image) -> None:
            finish()
            if self.session is not session or (sprite.width, sprite.height) != image.shape[1::-1]:
                self.show_error("The sprite changed size meanwhile; add the result again.")
                return
            command = add_layer_command(
                sprite, session.layer_index, session.frame.id, image, item.request
            )
            session.history.push(command)
            session.layer_index = sprite.layers.index(command.layer)
            self.layers.rebuild()
            self.status(f"Added layer '{command.layer.name}'", 4000)

        self.documents.runner.submit(
            work, done, lambda exc: (finish(), self.documents.report_failure(exc))
        )

    def open_result(self, item, do_pixelize: bool) -> None:
        if not self.confirm_discard():
            return

        finish = self._busy("Opening the result as a sprite…")

        def done(sprite) -> None:
            finish()
            self.documents.set_session(Session(sprite))
            self.session.history.mark_dirty()

        self.documents.runner.submit(
            lambda: sprite_from_result(item.image, item.request, do_pixelize),
            done,
            lambda exc: (finish(), self.documents.report_failure(exc)),
        )

    def _busy(self, text: str) -> Callable[[], None]:
        """A busy cursor and a status line while a worker task runs; call the result
        when it ends (once)."""
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.status(text, 0)
        ended = []

        def finish() -> None:
            if not ended:
                ended.append(True)
                QApplication.restoreOverrideCursor()
                self.status("", 1)

        return finish
