"""The welcome view's three ways in, carried out: scan for models already here, fetch
the recommended set (on a worker, with byte progress, cancel and resume), or make and
load the tiny test model; and the last model offered (or loaded) at start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError
from dgx_pixels_app.gui.tasks import TaskRunner
from dgx_pixels_app.gui.welcome import WelcomeView

TRY_SIZE, TRY_STEPS, TRY_COUNT = 128, 4, 2  # the tiny model's first pictures: a second each
TRY_SPRITE = 64
TRY_PROMPT = "a knight with a blue cape"


class _Bytes(QObject):
    progressed = Signal(str, int, int)


class FirstRunController(QObject):
    def __init__(self, *, view: WelcomeView, models, documents, prompt, loras,
                 status: Callable[[str, int], None], parent: QObject) -> None:  # fmt: skip
        super().__init__(parent)
        self.view, self.models, self.documents = view, models, documents
        self.prompt, self.loras, self.status = prompt, loras, status
        self.runner = TaskRunner(self, max_threads=1)
        self.bytes = _Bytes(self)
        self.bytes.progressed.connect(self._on_bytes)
        self._stop = threading.Event()
        view.scanRequested.connect(self.scan)
        view.addFolderRequested.connect(self.add_folder)
        view.loadRequested.connect(self.load)
        view.downloadRequested.connect(self.fetch)
        view.cancelRequested.connect(self._stop.set)
        view.tryRequested.connect(self.try_now)
        view.alwaysLoadChanged.connect(self._always)

    @property
    def settings(self):
        return self.documents.settings

    def start(self) -> None:
        """At start: the last model loaded at once if the artist chose so, else offered."""
        last = self.settings.last_model
        last = last if last and Path(last).exists() else None
        self.view.set_last_model(last, self.settings.load_last_model)
        if last and self.settings.load_last_model:
            self.load(last)

    # -- 1: models already here -----------------------------------------------------------
    def scan(self) -> None:
        self.view.scan.setEnabled(False)
        self.status("Looking for SDXL models…", 0)
        self.models.scan_models(self._found, lambda: self.view.scan.setEnabled(True))

    def _found(self, models) -> None:
        self.view.scan.setEnabled(True)
        self.view.set_found(models)

    def add_folder(self) -> None:
        self.models.add_models_folder(self._found)

    def load(self, path: str, remember: bool = True) -> None:
        if path:
            self.models.load_model(path, remember)
            self.status(f"Loading {Path(path).name}… (the window stays usable)", 15000)

    def model_loaded(self, model) -> None:
        """The welcome view's "Last time" follows what this session loaded."""
        last = self.settings.last_model
        if last:
            self.view.set_last_model(last, self.settings.load_last_model)
        if Path(model.path).name == "tiny-test-model":
            self.view.set_trying(False, "The test model is loaded: press Generate (Ctrl+Enter) "
                                        "in the Prompt dock.")  # fmt: skip

    def _always(self, on: bool) -> None:
        self.documents.update_settings(lambda s: setattr(s, "load_last_model", on))

    # -- 2: the recommended set -----------------------------------------------------------
    def fetch(self, ids: list[str]) -> None:
        from dgx_pixels_app.engine.recommended import fetch

        entries = [e for e in self.view.entries if e.id in ids]
        if not entries or self._busy_with("a download"):
            return
        self._stop.clear()
        folder, endpoint = app_settings.models_dir(), self.settings.hub_endpoint or None
        emit = self.bytes.progressed.emit

        def work() -> list[tuple]:
            """Each entry's file or its error: one failing never loses the others."""
            done = []
            for entry in entries:
                try:
                    done.append((entry, fetch(entry, folder, endpoint=endpoint, progress=emit,
                                              cancel=self._stop.is_set)))  # fmt: skip
                except CancelledError:
                    raise
                except DgxPixelsError as exc:
                    done.append((entry, exc))
                except Exception as exc:  # noqa: BLE001 (said, and the others go on)
                    done.append((entry, DgxPixelsError(f"{entry.name}: {exc}")))
            return done

        self.view.set_fetching(True, "Connecting…")
        self.runner.submit(work, self._fetched, self._fetch_failed)

    @Slot(str, int, int)
    def _on_bytes(self, what: str, done: int, total: int) -> None:
        self.view.show_bytes(what, done, total)

    def _busy_with(self, what: str) -> bool:
        """True (and said) while the other long task runs: one at a time."""
        if self.runner.busy:
            self.status(f"Wait for the task in progress (or cancel it) before {what}.", 8000)
        return self.runner.busy

    def _fetched(self, outcome: list) -> None:
        results = [(e, p) for e, p in outcome if not isinstance(p, BaseException)]
        errors = [str(p) for _e, p in outcome if isinstance(p, BaseException)]
        names = ", ".join(entry.name for entry, _p in results)
        text = f"Downloaded and checked: {names}." if results else ""
        hint = " Without a network: 3 · Try it now works offline." if errors else ""
        self.view.set_fetching(False, " ".join([text, *errors]).strip() + hint)
        present = {lora.path for lora in self.loras.loras()}
        for entry, path in results:
            if entry.role == "style" and str(path) not in present:
                self.loras.add_lora(str(path), 1.0)
        base = next((path for entry, path in results if entry.role == "base"), None)
        if base is not None:
            self.load(str(base))
        if any(entry.role == "speed" for entry, _p in results):
            self.status("Speed ▸ Turbo now uses the downloaded SDXL-Lightning LoRA", 10000)

    def _fetch_failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, DgxPixelsError) else f"Download failed: {exc}"
        self.view.set_fetching(False, text)  # said on the page, where the person looks

    # -- 3: the tiny test model -----------------------------------------------------------
    def try_now(self) -> None:
        from dgx_pixels_app.engine.tiny import make_test_model

        if self._busy_with("making the test model"):
            return
        folder = app_settings.models_dir() / "tiny-test-model"
        self.view.set_trying(True, "Making the test model…")

        def work():
            if (folder / "model_index.json").is_file():
                return folder
            return make_test_model(folder)[0]

        self.runner.submit(work, self._tiny_ready, self._tiny_failed)

    def _tiny_ready(self, folder) -> None:
        self.view.set_trying(False, f"Test model made in {folder}; loading it. Then press "
                                    "Generate (Ctrl+Enter) in the Prompt dock.")  # fmt: skip
        panel = self.prompt
        panel.size.setCurrentIndex(panel.add_size(TRY_SIZE, TRY_SIZE))
        panel.steps.setValue(TRY_STEPS)
        panel.count.setValue(TRY_COUNT)
        if not panel.prompt.toPlainText().strip():
            panel.prompt.setPlainText(TRY_PROMPT)
        self.load(str(folder), remember=False)  # random weights: never the CLI's default
        if self.documents.session is None:
            self.documents.new_document(TRY_SPRITE, TRY_SPRITE)

    def _tiny_failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, DgxPixelsError) else f"Could not make it: {exc}"
        self.view.set_trying(False, text)
        self.documents.error.emit(text)

    def shutdown(self) -> None:
        self._stop.set()
        self.runner.wait()
