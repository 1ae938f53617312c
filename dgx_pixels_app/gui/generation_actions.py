"""The window's model and generation actions. A mixin of MainWindow."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.session import Session
from dgx_pixels_app.engine.discovery import find_checkpoints
from dgx_pixels_app.engine.settings import EngineSettings
from dgx_pixels_app.jobs.job import AsFrames, ForAgent, ToResults
from dgx_pixels_app.jobs.placement import (
    add_layer_command,
    img2img_source,
    inpaint_source,
    layer_image,
    sprite_from_result,
)


class GenerationActions:
    # -- models and generation -------------------------------------------------------
    def choose_model(self, folder: bool) -> None:
        path = self.prompter.model_path(folder)
        if path:
            self.load_model(path)

    def load_model(self, path: str) -> None:
        self.model_label.setText(f"Loading {Path(path).name}…")
        self.jobs.load_model(path)

    def unload_model(self) -> None:
        """Freed on the job queue's thread, after the jobs already queued: the window
        never waits on the engine."""
        self.model_label.setText("Unloading…")
        self.prompt_panel.set_model_loaded(False)
        self.jobs.unload_model()

    def _on_model_unloaded(self) -> None:
        self.model_label.setText("No model")
        self._update_memory()

    def _toggle_engine(self, attr: str) -> None:
        """Saved in the settings and sent to the back end as a job (it owns the engine)."""
        switches = [name for name, action in self.engine_toggles.items() if action.isChecked()]

        def change(settings) -> None:
            settings.engine_switches = switches

        self.documents.update_settings(change)
        self.jobs.configure(EngineSettings.switched(switches))
        self.statusBar().showMessage("Applies when the next model is loaded", 5000)

    def _on_model_loaded(self, model) -> None:
        name = model.path.name
        self.model_label.setText(f"{name} · loaded in {model.load_seconds:.1f} s · {model.device}")
        self.prompt_panel.set_model_loaded(True, name)
        self._update_memory()

    def _on_model_failed(self, message: str) -> None:
        loaded = self.jobs.model
        self.model_label.setText(loaded.path.name if loaded else "No model")
        self.show_error(message)

    def _update_memory(self) -> None:
        used = self.jobs.memory
        self.memory_label.setText(f"{used / 2**30:.1f} GiB in use" if used else "")

    def _request(self, request):
        request.loras = self.lora_panel.loras()
        return request

    def generate(self, request, count: int) -> None:
        self.jobs.submit(self._request(request), count, place=ToResults())

    def generate_from_frame(self, request, count: int) -> None:
        session = self.session
        if session is None:
            self.show_error(
                "Open or create a sprite first: image-to-image starts from its current frame."
            )
            return
        image, sized = img2img_source(
            session.sprite, session.frame_index, session.selection, self._request(request)
        )
        self.jobs.submit(sized, count, init_image=image, place=ToResults(session.selection))

    def inpaint_selection(self, request, count: int) -> None:
        session = self.session
        if session is None or session.selection is None:
            self.show_error("Select the pixels to repaint first: press M and drag on the canvas.")
            return
        image, mask, sized = inpaint_source(
            session.sprite, session.frame_index, session.selection, self._request(request)
        )
        self.jobs.submit(sized, count, init_image=image, mask=mask,
                         place=ToResults(session.selection))  # fmt: skip

    def _on_job_finished(self, job, result) -> None:
        place = job.place
        if isinstance(place, ForAgent):  # an agent's images arrived one by one
            return
        if job.target is not None:  # a batch: its images arrived one by one
            done = len(result.items)
            self.statusBar().showMessage(
                f"Batch done: {done} image(s), {len(result.failures)} failed → {job.target.output}",
                10000,
            )
            return
        if not result.items:
            return
        if isinstance(place, AsFrames):
            self._place_frames(place.plan, result)
            return
        selection = place.selection if isinstance(place, ToResults) else None
        self.results_panel.add_results(result.images, result.requests, selection)
        self.statusBar().showMessage(
            f"{len(result.images)} new result(s): double-click one to add it as a layer", 8000
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

        def done(image) -> None:
            if self.session is not session or (sprite.width, sprite.height) != image.shape[1::-1]:
                self.show_error("The sprite changed size meanwhile; add the result again.")
                return
            command = add_layer_command(
                sprite, session.layer_index, session.frame.id, image, item.request
            )
            session.history.push(command)
            session.layer_index = sprite.layers.index(command.layer)
            self.layers_panel.rebuild()

        self.documents.runner.submit(work, done, self.documents.report_failure)

    def open_result(self, item, do_pixelize: bool) -> None:
        if not self._confirm_discard():
            return

        def done(sprite) -> None:
            self.documents.set_session(Session(sprite))
            self.session.history.mark_dirty()

        self.documents.runner.submit(
            lambda: sprite_from_result(item.image, item.request, do_pixelize),
            done,
            self.documents.report_failure,
        )

    def _fill_models(self) -> None:
        self.models_menu.clear()
        self._action("Rescan", self._scan_models, None, self.models_menu)
        self.models_menu.addSeparator()
        if not self.discovered_models:
            self.models_menu.addAction(
                "(none found yet: Rescan, or add a models folder)"
            ).setEnabled(False)
        for entry in self.discovered_models[:40]:
            self._action(
                f"{entry.name}  [{entry.source}]",
                lambda _c=False, p=str(entry.path): self.load_model(p),
                None,
                self.models_menu,
            )

    def _scan_models(self) -> None:
        folders = list(self.settings.model_folders)

        def done(found) -> None:
            self.discovered_models = found
            self.statusBar().showMessage(f"Found {len(found)} models", 5000)

        self.documents.runner.submit(
            lambda: find_checkpoints(folders), done, self.documents.report_failure
        )

    def add_models_folder(self) -> None:
        folder = self.prompter.models_folder()
        if folder and folder not in self.settings.model_folders:
            self.documents.update_settings(
                lambda s: s.model_folders.append(folder) if folder not in s.model_folders else None
            )
            self._scan_models()

    def download_model(self) -> None:
        from dgx_pixels_app.gui.download_dialog import DownloadDialog

        dialog = DownloadDialog(self)
        if dialog.exec() and dialog.downloaded:
            self.load_model(dialog.downloaded)

    def train_lora(self) -> None:
        from dgx_pixels_app.gui.train_dialog import TrainDialog

        loaded = self.jobs.model
        path = str(loaded.path) if loaded else None
        dialog = TrainDialog(path or self.settings.default_model or None, path, parent=self)
        dialog.trained.connect(lambda lora: self.lora_panel.add_lora(lora, 1.0))
        dialog.busy.connect(self._on_training_busy)
        self.train_dialog = dialog
        dialog.show()

    def _on_training_busy(self, busy: bool) -> None:
        """Training and generation share the GPU: the model steps aside while training."""
        if busy and self.jobs.model is not None:
            self._model_before_training = str(self.jobs.model.path)
            self.unload_model()
        elif not busy and getattr(self, "_model_before_training", None):
            self.load_model(self._model_before_training)
            self._model_before_training = None

    def compare(self) -> None:
        from dgx_pixels_app.gui.compare_dialog import CompareDialog

        if self.jobs.model is None:
            self.show_error("Load a model first: the comparison starts from it.")
            return
        dialog = CompareDialog(
            self.jobs, self.prompt_panel.request(), self.lora_panel.loras(), self
        )
        dialog.exec()
        if dialog.winner is not None:
            self.add_result_layer(dialog.winner, True)
