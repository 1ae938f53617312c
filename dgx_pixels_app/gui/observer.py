"""The one way a view follows the open document: subscribe to its sprite's changes."""

from __future__ import annotations

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change
from dgx_pixels_app.core.session import Session


class SessionObserver:
    """Mixin for widgets: ``set_session`` moves the subscription and calls ``rebuild``;
    subclasses implement ``_on_change(change)`` and ``rebuild()``."""

    session: Session | None = None

    def set_session(self, session: Session | None) -> None:
        if self.session is not None:
            self.session.sprite.events.disconnect(self._on_change)
        self.session = session
        if session is not None:
            session.sprite.events.connect(self._on_change)
        self.rebuild()

    def _push(self, command) -> bool:
        """Apply a command through the history; a refused one is shown, not raised
        (the view's ``errorRaised`` signal), and the view is redrawn from the model."""
        try:
            self.session.history.push(command)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
            self.rebuild()
            return False
        return True

    def _on_change(self, change: Change) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def rebuild(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
