"""Undo/redo over core commands, with a clean mark and a memory budget.

One history per open document. The GUI binds its Undo/Redo actions to this object
rather than keeping a parallel QUndoStack, so the CLI, scripts and the MCP server
get exactly the same undo semantics and the dirty flag lives with the model.
"""

from __future__ import annotations

from collections.abc import Callable

from dgx_pixels_app.core.commands import Command
from dgx_pixels_app.core.document import Sprite

DEFAULT_BUDGET_BYTES = 512 * 1024 * 1024


class History:
    def __init__(self, sprite: Sprite, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.sprite = sprite
        self.budget_bytes = budget_bytes
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._clean: int | None = 0  # len(_undo) at the last save; None if unreachable
        self._listeners: list[Callable[[], None]] = []

    # -- observing ----------------------------------------------------------
    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- editing ------------------------------------------------------------
    def push(self, command: Command) -> None:
        """Apply ``command`` and record it. If applying raises, nothing is recorded."""
        command.apply(self.sprite)
        self._undo.append(command)
        if self._redo:
            self._redo.clear()
            if self._clean is not None and self._clean >= len(self._undo):
                self._clean = None
        self._trim()
        self._changed()

    def undo(self) -> bool:
        if not self._undo:
            return False
        command = self._undo.pop()
        command.revert(self.sprite)
        self._redo.append(command)
        self._changed()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        command = self._redo.pop()
        command.apply(self.sprite)
        self._undo.append(command)
        self._changed()
        return True

    def _trim(self) -> None:
        total = sum(c.nbytes for c in self._undo)
        dropped = 0
        while self._undo and total > self.budget_bytes and len(self._undo) > 1:
            total -= self._undo.pop(0).nbytes
            dropped += 1
        if dropped and self._clean is not None:
            self._clean -= dropped
            if self._clean < 0:
                self._clean = None

    # -- state --------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    @property
    def is_dirty(self) -> bool:
        return self._clean != len(self._undo)

    @property
    def position(self) -> int:
        """Where the history stands; pass to ``mark_clean`` when a snapshot is saved."""
        return len(self._undo)

    def mark_clean(self, at: int | None = None) -> None:
        """The document as it was at ``at`` (default: now) is what is on disk.

        A save runs in the background from a snapshot; edits made meanwhile keep
        the document dirty because the mark refers to the snapshot's position.
        """
        self._clean = len(self._undo) if at is None else at
        self._changed()

    def mark_dirty(self) -> None:
        """For changes made outside the history (a recovered file, say)."""
        self._clean = None
        self._changed()

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self._undo) + sum(c.nbytes for c in self._redo)
