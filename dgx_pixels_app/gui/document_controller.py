"""Opening, saving, autosave and crash recovery of the one open document.

Disk work runs on the task runner from snapshots taken on the UI thread, so the
window never waits on the disk and a save never reads a sprite being edited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.formats import gpl
from dgx_pixels_app.formats.documents import is_lossless, open_document, save_document
from dgx_pixels_app.formats.recovery import RecoveryStore
from dgx_pixels_app.gui.tasks import TaskRunner
from dgx_pixels_app.resources import builtin_palettes

log = logging.getLogger(__name__)


class DocumentController(QObject):
    sessionChanged = Signal(object)  # Session | None
    stateChanged = Signal()  # title, dirty flag or path changed
    message = Signal(str)  # status-bar text
    error = Signal(str)  # shown to the user in a dialog

    def __init__(self, settings: app_settings.Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session: Session | None = None
        self.runner = TaskRunner(self)
        self.recovery = RecoveryStore(app_settings.recovery_dir())
        self.recovery_key = RecoveryStore.new_key()
        self.saving = False
        self._autosaving = False
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(max(5, settings.autosave_seconds) * 1000)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

    # -- the session ----------------------------------------------------------
    def set_session(self, session: Session | None) -> None:
        self.recovery.discard(self.recovery_key)
        self.recovery_key = RecoveryStore.new_key()
        self.session = session
        if session is not None:
            session.history.on_change(self.stateChanged.emit)
        self.sessionChanged.emit(session)
        self.stateChanged.emit()

    def default_palette(self) -> Palette:
        path = builtin_palettes().get(self.settings.default_palette)
        try:
            return gpl.load_gpl(path) if path else Palette()
        except DgxPixelsError as exc:
            log.warning("default palette unreadable: %s", exc)
            return Palette()

    def new_document(self, width: int, height: int) -> None:
        self.set_session(Session(Sprite.new(width, height, palette=self.default_palette())))
        self.message.emit(f"New sprite {width}×{height}")

    @property
    def dirty(self) -> bool:
        return self.session is not None and self.session.history.is_dirty

    # -- open -------------------------------------------------------------------
    def open_path(self, path: str | Path, on_done: Callable[[], None] | None = None) -> None:
        path = Path(path)
        self.message.emit(f"Opening {path.name}…")

        def done(sprite: Sprite) -> None:
            self.set_session(Session(sprite, path if is_lossless(path) else None))
            if not is_lossless(path):
                self.session.history.mark_dirty()  # an image opened is a new project
            self.update_settings(lambda s: s.add_recent(path))
            self.message.emit(
                f"Opened {path.name}: {sprite.width}×{sprite.height}, "
                f"{len(sprite.layers)} layers, {len(sprite.frames)} frames"
            )
            if on_done:
                on_done()

        self.runner.submit(lambda: open_document(path), done, self.report_failure)

    # -- save -------------------------------------------------------------------
    def save_to(self, path: str | Path, on_done: Callable[[], None] | None = None) -> bool:
        """Save a snapshot in the background; returns False if a save is already running."""
        if self.session is None or self.saving:
            return False
        path = Path(path)
        session = self.session
        snapshot, position = session.sprite.snapshot(), session.history.position
        frame = session.frame_index
        self.saving = True
        self.message.emit(f"Saving {path.name}…")

        def done(_result: object) -> None:
            self.saving = False
            if is_lossless(path):
                session.path = path
                session.history.mark_clean(position)
                if not session.history.is_dirty:
                    self.recovery.discard(self.recovery_key)
            self.update_settings(lambda s: s.add_recent(path))
            self.message.emit(f"Saved {path}")
            self.stateChanged.emit()
            if on_done:
                on_done()

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.report_failure(exc)

        self.runner.submit(lambda: save_document(snapshot, path, frame), done, failed)
        return True

    # -- autosave and recovery ----------------------------------------------------
    def autosave(self) -> None:
        if not self.dirty or self._autosaving:
            return
        session = self.session
        snapshot = session.sprite.snapshot()
        original = str(session.path or "")
        key = self.recovery_key
        self._autosaving = True

        def done(_path: object) -> None:
            self._autosaving = False
            self.message.emit("Recovery copy saved")

        def failed(exc: BaseException) -> None:
            self._autosaving = False
            log.warning("autosave failed: %s", exc)
            self.message.emit(f"Autosave failed: {exc}")

        self.runner.submit(lambda: self.recovery.write(key, snapshot, original), done, failed)

    def pending_recoveries(self):
        return self.recovery.pending()

    def recover(self, entry) -> None:
        def done(sprite: Sprite) -> None:
            original = Path(entry.original) if entry.original else None
            self.set_session(
                Session(sprite, original if original and is_lossless(original) else None)
            )
            self.session.history.mark_dirty()
            self.recovery.discard(entry.key)
            self.message.emit("Recovered unsaved work: save it to keep it")

        self.runner.submit(lambda: open_document(entry.sprite_path), done, self.report_failure)

    def shutdown(self) -> None:
        """Clean exit: no recovery copy is needed any more."""
        self.autosave_timer.stop()
        self.runner.wait()
        self.recovery.discard(self.recovery_key)

    # -- helpers ------------------------------------------------------------------
    def report_failure(self, exc: BaseException) -> None:
        if isinstance(exc, DgxPixelsError):
            self.error.emit(str(exc))
        else:
            log.error("unexpected error: %s", getattr(exc, "__dgx_traceback__", exc))
            self.error.emit(f"Something went wrong: {exc}. Your document is unchanged.")
        self.message.emit("")

    def update_settings(self, change: Callable[[app_settings.Settings], None]) -> None:
        """Change a setting: at once in the window's view of them, and in the file on the
        task runner (the UI thread never waits on disk), applied to what the file holds
        then, so no other setting (the agents' token…) is ever written back stale."""
        change(self.settings)
        self.runner.submit(
            lambda: app_settings.update_settings(change),
            lambda _r: None,
            lambda exc: log.warning("settings not saved: %s", exc),
        )
