"""Playback: a timer walks the core Player's order with each frame's own duration,
showing frames in the canvas, the timeline and the preview."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.playback import Player, find_tag


class PlaybackController(QObject):
    frameShown = Signal(int)
    stopped = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = None
        self.player: Player | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        self.shown: list[int] = []  # what played, for tests and diagnostics

    @property
    def playing(self) -> bool:
        return self.player is not None

    def start(self, session, tag_name: str | None, loop: bool = True, speed: float = 1.0) -> None:
        self.stop()
        if session is None:
            return
        try:
            tag = find_tag(session.sprite, tag_name)
        except DgxPixelsError:
            tag = None
        self.session = session
        self.player = Player(session.sprite, tag, loop, speed)
        self.shown = []
        self._due = time.monotonic()
        self._show(self.player.frame)

    def stop(self) -> None:
        was = self.player is not None
        self.timer.stop()
        self.player = None
        if was:
            self.stopped.emit()

    def _show(self, index: int) -> None:
        """Show a frame; the next one is due a frame duration after this one was due, so
        the time spent drawing does not stretch the animation."""
        self.session.frame_index = index
        self.shown.append(index)
        self.frameShown.emit(index)
        now = time.monotonic()
        self._due = max(self._due + self.player.delay_ms() / 1000, now)
        self.timer.start(max(0, round((self._due - now) * 1000)))

    def _tick(self) -> None:
        if self.player is None:
            return
        if len(self.session.sprite.frames) != len(self.player.sprite.frames):
            self.stop()
            return
        index = self.player.advance()
        if self.player.finished:
            self.stop()
            return
        self._show(index)
