"""Models: load, unload, find, download, compare, train a LoRA, engine switches, and the
status bar's model and memory labels. The back end is reached only through the job
client (model state arrives as its events)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from dgx_pixels_app.core.words import counted
from dgx_pixels_app.engine.discovery import find_checkpoints
from dgx_pixels_app.engine.settings import EngineSettings
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.job_client import JobClient
from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.jobs.job import WarmUp


class ModelController(QObject):
    def __init__(self, *, jobs: JobClient, documents: DocumentController, prompter: Prompter,
                 prompt: PromptPanel, loras: LoraPanel, model_label: QLabel,
                 memory_label: QLabel, status: Callable[[str, int], None],
                 show_error: Callable[[str], None], add_result_layer: Callable,
                 remember: Callable[[str, bool], None], parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.jobs, self.documents, self.prompter = jobs, documents, prompter
        self.prompt, self.loras = prompt, loras
        self.model_label, self.memory_label = model_label, memory_label
        self.status, self.show_error, self.add_result_layer = status, show_error, add_result_layer
        self.remember = remember  # the model the artist loaded: offered next start
        self.window = parent  # the parent of the dialogs this opens
        self.discovered: list = []
        self._warm_up_after_load = False
        self._remember_load = True
        # once per settings: a restored session's fields are the artist's own choice
        self._cpu_proposed = bool(documents.settings.prompt_fields)
        self.train_dialog = None
        self._before_training: str | None = None

    @property
    def settings(self):
        return self.documents.settings

    def choose_model(self, folder: bool) -> None:
        path = self.prompter.model_path(folder)
        if path:
            self.load_model(path)

    def load_model(self, path: str, remember: bool = True) -> None:
        """The artist's load (``remember``: offered next start and the CLI's default;
        not for the tiny test model)."""
        self.model_label.setText(f"Loading {Path(path).name}…")
        self._warm_up_after_load = True  # this load's, not a batch's or an agent's
        self._remember_load = remember
        self.jobs.load_model(path)

    def unload_model(self) -> None:
        """Freed on the job queue's thread, after the jobs already queued: the window
        never waits on the engine."""
        self.model_label.setText("Unloading…")
        self.prompt.set_model_loaded(False)
        self.jobs.unload_model()

    def on_unloaded(self) -> None:
        self.model_label.setText("No model")
        self.update_memory()

    def on_loaded(self, model) -> None:
        name = model.path.name
        self.model_label.setText(f"{name} · loaded in {model.load_seconds:.1f} s · {model.device}")
        self.model_label.setToolTip(f"{model.path}\nLoad time: from the request to a model "
                                    "ready to generate (reading, building, moving to the "
                                    "device); the Metrics dock gives the same figure.")  # fmt: skip
        self.prompt.set_model_loaded(True, name)
        self.update_memory()
        if self._warm_up_after_load:  # the artist's load, not an agent's or training's
            self.remember(str(model.path), self._remember_load)
            if model.device == "cpu" and not self._cpu_proposed:
                self._cpu_proposed = True  # once: after that the fields are the artist's
                proposal = self.prompt.propose_for_cpu()
                if proposal:
                    self.status(proposal, 20000)
        if self._warm_up_after_load and "compile_unet" in self.settings.engine_switches:
            self.warm_up()
        self._warm_up_after_load = False

    def warm_up(self) -> None:
        """With the compile switch on, one image at the Prompt panel's size right after
        loading: it compiles on the jobs thread, so the artist's first image is fast."""
        request = replace(self.prompt.request(draw_seed=False), steps=1, loras=self.loras.loras())
        if request.prompt.strip() == "":
            request = replace(request, prompt="warm-up")
        self.jobs.submit(request, 1, place=WarmUp())
        self.status(f"Compiling the UNet for {request.width}×{request.height}… (once per "
                    "model and size; cached for the next start)", 60000)  # fmt: skip

    def on_failed(self, message: str) -> None:
        self._warm_up_after_load = False  # the next load (an agent's…) is not the artist's
        loaded = self.jobs.model
        self.model_label.setText(loaded.path.name if loaded else "No model")
        self.show_error(message)

    def update_memory(self) -> None:
        used = self.jobs.memory if self.jobs.model is not None else 0
        self.memory_label.setText(f"{used / 2**30:.1f} GiB in use" if used else "")

    def toggle_engine(self, on: bool, name: str) -> None:
        """Saved in the settings and sent to the back end as a job (it owns the engine)."""
        switches = [n for n in self.settings.engine_switches if n != name] + ([name] if on else [])

        def change(settings) -> None:
            settings.engine_switches = switches

        self.documents.update_settings(change)
        self.jobs.configure(EngineSettings.from_settings(self.settings))
        self.status("Applies when the next model is loaded", 5000)

    # -- finding models ------------------------------------------------------------------
    def fill_models(self, menu: QMenu) -> None:
        menu.clear()
        rescan = QAction("Rescan", menu)
        rescan.triggered.connect(lambda _checked=False: self.scan_models())
        menu.addAction(rescan)
        menu.addSeparator()
        if not self.discovered:
            menu.addAction("(none found yet: Rescan, or add a models folder)").setEnabled(False)
        for entry in self.discovered[:40]:
            action = QAction(f"{entry.name}  [{entry.source}]", menu)
            action.triggered.connect(lambda _c=False, p=str(entry.path): self.load_model(p))
            menu.addAction(action)

    def scan_models(self, then: Callable[[list], None] | None = None,
                    failed: Callable[[], None] | None = None) -> None:  # fmt: skip
        folders = list(self.settings.model_folders)

        def done(found) -> None:
            self.discovered = found
            self.status(f"Found {counted(len(found), 'model')}", 5000)
            if then is not None:
                then(found)

        def error(exc: BaseException) -> None:
            if failed is not None:
                failed()
            self.documents.report_failure(exc)

        self.documents.runner.submit(lambda: find_checkpoints(folders), done, error)

    def add_models_folder(self, then: Callable[[list], None] | None = None) -> bool:
        """True when a folder was added (and a scan started, ``then`` given its finds)."""
        folder = self.prompter.models_folder()
        if not folder or folder in self.settings.model_folders:
            return False
        self.documents.update_settings(
            lambda s: s.model_folders.append(folder) if folder not in s.model_folders else None
        )
        self.scan_models(then)
        return True

    def download_model(self) -> None:
        from dgx_pixels_app.gui.download_dialog import DownloadDialog

        dialog = DownloadDialog(self.window)
        if dialog.exec() and dialog.downloaded:
            self.load_model(dialog.downloaded)

    # -- training and comparing ------------------------------------------------------------
    def train_lora(self) -> None:
        from dgx_pixels_app.gui.train_dialog import TrainDialog

        loaded = self.jobs.model
        path = str(loaded.path) if loaded else None
        dialog = TrainDialog(path or self.settings.default_model or None, path, parent=self.window)
        dialog.trained.connect(lambda lora: self.loras.add_lora(lora, 1.0))
        dialog.busy.connect(self.on_training_busy)
        self.train_dialog = dialog
        dialog.show()

    def on_training_busy(self, busy: bool) -> None:
        """Training and generation share the GPU: the model steps aside while training."""
        if busy and self.jobs.model is not None:
            self._before_training = str(self.jobs.model.path)
            self.unload_model()
        elif not busy and self._before_training:
            self.load_model(self._before_training)
            self._before_training = None

    def compare(self) -> None:
        from dgx_pixels_app.gui.compare_dialog import CompareDialog

        if self.jobs.model is None:
            self.show_error("Load a model first: the comparison starts from it.")
            return
        dialog = CompareDialog(self.jobs, self.prompt.request(), self.loras.loras(), self.window)
        dialog.exec()
        if dialog.winner is not None:
            self.add_result_layer(dialog.winner, True)
