"""Export and import: sprite sheets (PNG + JSON), a Bevy project's assets, Ctrl+E to
repeat the last export, and sheets sliced into frames. The work runs off the UI thread;
files DGX-Pixels did not write are replaced only when the person says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStatusBar, QWidget

from dgx_pixels_app.core.session import Session
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.formats.deploy import DeployConflict, rel
from dgx_pixels_app.formats.frames import slice_grid, sprite_from_frames
from dgx_pixels_app.formats.images import read_rgba
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.export_dialog import ExportSpec
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.jobs.export import run_export


class ExportController(QObject):
    def __init__(self, *, documents: DocumentController, prompter: Prompter,
                 status_bar: QStatusBar, confirm_discard: Callable[[], bool],
                 parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.documents, self.prompter, self.status_bar = documents, prompter, status_bar
        self.confirm_discard = confirm_discard

    @property
    def session(self) -> Session | None:
        return self.documents.session

    def _default_export(self, bevy: bool = False) -> ExportSpec:
        """This document's game folder (or, for a new one, the last game exported to)."""
        session, projects = self.session, self.documents.settings.bevy_projects
        key = str(session.path) if session.path else ""
        project = projects.get(key, "") if key else ""
        stem = session.path.stem if session.path else "sprite"
        if bevy:
            return ExportSpec("bevy", path=project or projects.get("", ""), name=stem)
        return ExportSpec("bevy" if project else "sheet", path=project, name=stem)

    def export_bevy(self) -> None:
        """File ▸ Export to Bevy: its own dialog, the game folder remembered per document."""
        session = self.session
        if session is None:
            return
        last = session.last_export
        spec = last if last is not None and last.kind == "bevy" else self._default_export(True)
        chosen = self.prompter.export(session.sprite.snapshot(), spec, bevy_only=True)
        if chosen is not None:
            self._run_export(chosen)

    def export_sheet(self) -> None:
        session = self.session
        if session is None:
            return
        spec = self.prompter.export(
            session.sprite.snapshot(), session.last_export or self._default_export()
        )
        if spec is not None:
            self._run_export(spec)

    def repeat_export(self) -> None:
        if self.session is None:
            return
        if self.session.last_export is None:
            self.export_sheet()
        else:
            self._run_export(self.session.last_export)

    def _run_export(self, spec: ExportSpec) -> None:
        session = self.session
        session.last_export = replace(spec, overwrite=False)  # Ctrl+E asks again if need be
        if spec.kind == "bevy":  # this document's game, and the last one for new documents
            keys, folder = {"", str(session.path or "")}, spec.path
            self.documents.update_settings(
                lambda s: s.bevy_projects.update(dict.fromkeys(keys, folder)))  # fmt: skip
        snapshot = session.sprite.snapshot()

        def done(result) -> None:
            message, bevy = result
            if bevy is not None and bevy.version_note:
                message += " — the game asks for another Bevy: see the snippet"
            self.status_bar.showMessage(message, 10000)
            if bevy is not None:
                self.prompter.show_snippet(f"Exported to assets/{bevy.asset_path} — Bevy snippet",
                                           bevy.snippet)  # fmt: skip

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DeployConflict) and not spec.overwrite:
                self.status_bar.clearMessage()
                if self.prompter.ask_replace([rel(exc.project, p) for p in exc.files]):
                    # only what was shown: a file made meanwhile is asked about again
                    self._run_export(replace(spec, overwrite=frozenset(exc.files)))
                return
            self.documents.report_failure(exc)

        self.status_bar.showMessage("Exporting…")
        self.documents.runner.submit(lambda: run_export(snapshot, spec), done, failed)

    def import_sheet(self) -> None:
        choice = self.prompter.import_sheet()
        if choice is None or not self.confirm_discard():
            return

        def work():
            frames = slice_grid(
                read_rgba(choice.path), choice.cell, choice.grid, choice.padding, choice.offset
            )
            return sprite_from_frames(
                frames, [choice.duration_ms] * len(frames), layer_name=Path(choice.path).stem
            )

        def done(sprite) -> None:
            self.documents.set_session(Session(sprite))
            self.session.history.mark_dirty()
            self.status_bar.showMessage(
                f"Imported {counted(len(sprite.frames), 'frame')} of {sprite.width}×{sprite.height}",
                8000,
            )

        self.documents.runner.submit(work, done, self.documents.report_failure)
