"""The main window: builds the widgets and menus and wires them together.

It holds no document logic: the controller opens and saves, the core history
undoes, the panels edit through commands.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QMessageBox, QWidget

from dgx_pixels_app import APP_NAME, __version__
from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.export_service import run_export
from dgx_pixels_app.formats.frames import slice_grid, sprite_from_frames
from dgx_pixels_app.formats.images import read_rgba
from dgx_pixels_app.gui.canvas import CanvasView
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.export_dialog import ExportSpec
from dgx_pixels_app.gui.frame_strip import FrameStrip
from dgx_pixels_app.gui.layers_panel import LayersPanel
from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.palette_panel import PalettePanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.info import PACKAGES, package_version
from dgx_pixels_app.pixelize.apply import pixelize_layer_command


class MainWindow(QMainWindow):
    def __init__(self, settings: app_settings.Settings | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings or app_settings.load_settings()
        self.prompter = Prompter(self)
        self.documents = DocumentController(self.settings, self)
        self._closing_after_save = False
        self.canvas = CanvasView()
        self.setCentralWidget(self.canvas)
        self.layers_panel = LayersPanel()
        self.palette_panel = PalettePanel()
        self.prompt_panel = PromptPanel()
        self.lora_panel = LoraPanel()
        self.frame_strip = FrameStrip()
        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("Prompt", self.prompt_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("LoRAs", self.lora_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("Layers", self.layers_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Palette", self.palette_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Frames", self.frame_strip, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.position_label = QLabel()
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.position_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self._build_menus()
        self._connect_signals()
        self._restore_layout()
        self.resize(1280, 800) if not self._restored else None
        self._update_title()

    # -- construction -------------------------------------------------------------
    def _add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[title] = dock

    def _action(self, text: str, slot, shortcut=None, menu: QMenu | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action(
            "&New…", self.new_sprite, QKeySequence.StandardKey.New, file_menu
        )
        self.open_action = self._action(
            "&Open…", self.open_file, QKeySequence.StandardKey.Open, file_menu
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.save_action = self._action(
            "&Save", self.save, QKeySequence.StandardKey.Save, file_menu
        )
        self.save_as_action = self._action("Save &As…", self.save_as, "Ctrl+Shift+S", file_menu)
        file_menu.addSeparator()
        self.import_sheet_action = self._action(
            "&Import Sprite Sheet…", self.import_sheet, None, file_menu
        )
        self.export_action = self._action(
            "&Export Sprite Sheet…", self.export_sheet, "Ctrl+Shift+E", file_menu
        )
        self.repeat_export_action = self._action(
            "Repeat &Last Export", self.repeat_export, "Ctrl+E", file_menu
        )
        file_menu.addSeparator()
        self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, file_menu)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(
            "&Undo", self.undo, QKeySequence.StandardKey.Undo, edit_menu
        )
        self.redo_action = self._action("&Redo", self.redo, "Ctrl+Y", edit_menu)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])

        layer_menu = bar.addMenu("&Layer")
        self.pixelize_action = self._action(
            "&Pixelize…", self.pixelize_layer, "Ctrl+Shift+P", layer_menu
        )
        self.pixelize_action.setToolTip("Turn SDXL-style pixel art into true pixel art")

        view_menu = bar.addMenu("&View")
        self._action("Zoom &In", lambda: self.canvas.set_zoom(self.canvas.zoom * 2), "+", view_menu)
        self._action(
            "Zoom &Out", lambda: self.canvas.set_zoom(self.canvas.zoom // 2), "-", view_menu
        )
        self._action("&Fit to Window", self.canvas.fit, "Shift+Z", view_menu)
        self._action("&Actual Size (100%)", lambda: self.canvas.set_zoom(1), "Ctrl+1", view_menu)
        self.grid_action = self._action("Pixel &Grid", self._toggle_grid, "Ctrl+'", view_menu)
        self.grid_action.setCheckable(True)
        self.grid_action.setChecked(self.canvas.show_grid)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())

        help_menu = bar.addMenu("&Help")
        self._action(f"&About {APP_NAME}", self.about, None, help_menu)

    def _connect_signals(self) -> None:
        docs = self.documents
        docs.sessionChanged.connect(self._on_session)
        docs.stateChanged.connect(self._update_title)
        docs.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        docs.error.connect(self.show_error)
        for panel in (self.canvas, self.layers_panel, self.frame_strip):
            panel.errorRaised.connect(self.show_error)
        self.canvas.hovered.connect(self._on_hover)
        self.canvas.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:g}%"))
        self.palette_panel.colorPicked.connect(self._on_color_picked)
        self.frame_strip.frameSelected.connect(lambda _i: self.canvas.refresh())
        self.prompt_panel.generateRequested.connect(
            lambda _r: self.show_error("Load a model first: Model ▸ Load Model…")
        )

    def _restore_layout(self) -> None:
        self._qsettings = QSettings(
            str(app_settings.config_dir() / "window.ini"), QSettings.Format.IniFormat
        )
        geometry = self._qsettings.value("geometry")
        state = self._qsettings.value("state")
        self._restored = bool(geometry and self.restoreGeometry(geometry))
        if state:
            self.restoreState(state)

    # -- document -----------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self.documents.session

    def _on_session(self, session: Session | None) -> None:
        for view in (self.canvas, self.layers_panel, self.palette_panel, self.frame_strip):
            view.set_session(session)
        self._update_title()

    def _update_title(self) -> None:
        session = self.session
        if session is None:
            self.setWindowTitle(APP_NAME)
        else:
            star = "*" if session.history.is_dirty else ""
            sprite = session.sprite
            self.setWindowTitle(
                f"{session.title}{star} ({sprite.width}×{sprite.height}) — {APP_NAME}"
            )
        history = session.history if session else None
        self.undo_action.setEnabled(bool(history and history.can_undo))
        self.redo_action.setEnabled(bool(history and history.can_redo))
        self.undo_action.setText(
            f"&Undo {history.undo_label}" if history and history.can_undo else "&Undo"
        )
        self.redo_action.setText(
            f"&Redo {history.redo_label}" if history and history.can_redo else "&Redo"
        )
        for action in (
            self.save_action, self.save_as_action, self.pixelize_action, self.export_action,
            self.repeat_export_action,
        ):  # fmt: skip
            action.setEnabled(session is not None)

    def new_sprite(self) -> None:
        if not self._confirm_discard():
            return
        size = self.prompter.new_sprite_size()
        if size:
            self.documents.new_document(*size)

    def open_file(self) -> None:
        folder = str(self.session.path.parent) if self.session and self.session.path else ""
        path = self.prompter.open_path(folder)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> None:
        if self._confirm_discard():
            self.documents.open_path(path)

    def save(self) -> None:
        if self.session is None:
            return
        if self.session.path is None:
            self.save_as()
        else:
            self.documents.save_to(self.session.path)

    def save_as(self) -> None:
        if self.session is None:
            return
        suggestion = str(self.session.path or Path.home() / "sprite.aseprite")
        path = self.prompter.save_path(suggestion)
        if path:
            self.documents.save_to(path)

    def undo(self) -> None:
        if self.session is not None:
            self.session.history.undo()

    def redo(self) -> None:
        if self.session is not None:
            self.session.history.redo()

    def pixelize_layer(self) -> None:
        session = self.session
        if session is None:
            return
        cel = session.sprite.cel(session.layer.id, session.frame.id)
        if cel is None or not cel.image[..., 3].any():
            self.show_error(
                f"Layer '{session.layer.name}' is empty in this frame: nothing to pixelize."
            )
            return
        result = self.prompter.pixelize(cel.image.copy(), session.sprite.palette)
        if result is not None:
            command = pixelize_layer_command(
                session.sprite, session.layer.id, session.frame.id, result.image, result.palette
            )
            try:
                session.history.push(command)
            except DgxPixelsError as exc:
                self.show_error(str(exc))
                return
            self.canvas.fit()
            self._update_title()

    # -- export and import ---------------------------------------------------------
    def _default_export(self) -> ExportSpec:
        session = self.session
        key = str(session.path) if session.path else ""
        project = self.settings.bevy_projects.get(key, "") if key else ""
        stem = session.path.stem if session.path else "sprite"
        return ExportSpec("bevy" if project else "sheet", path=project, name=stem)

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
        session.last_export = spec
        if spec.kind == "bevy" and session.path:
            self.settings.bevy_projects[str(session.path)] = spec.path
            self.documents._save_settings()
        snapshot = session.sprite.snapshot()

        def done(result) -> None:
            message, bevy = result
            self.statusBar().showMessage(message, 8000)
            if bevy is not None:
                self.prompter.show_snippet(f"Bevy snippet — {bevy.asset_path}", bevy.snippet)

        self.statusBar().showMessage("Exporting…")
        self.documents.runner.submit(
            lambda: run_export(snapshot, spec), done, self.documents._failed
        )

    def import_sheet(self) -> None:
        choice = self.prompter.import_sheet()
        if choice is None or not self._confirm_discard():
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
            self.statusBar().showMessage(
                f"Imported {len(sprite.frames)} frames of {sprite.width}×{sprite.height}", 8000
            )

        self.documents.runner.submit(work, done, self.documents._failed)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            self._action(path, lambda _c=False, p=path: self.open_path(p), None, self.recent_menu)
        if not self.settings.recent_files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _confirm_discard(self) -> bool:
        """True when the current document may be replaced (saved, discarded or clean)."""
        if not self.documents.dirty:
            return True
        answer = self.prompter.ask_save_changes(self.session.title)
        if answer == "discard":
            return True
        if answer == "save":
            self.save()
        return False

    # -- status and messages -----------------------------------------------------------
    def _on_hover(self, x: int, y: int, rgba) -> None:
        if rgba is None:
            self.position_label.setText(f"{x}, {y}")
        else:
            r, g, b, a = rgba
            self.position_label.setText(f"{x}, {y}   #{r:02x}{g:02x}{b:02x} α{a}")

    def _on_color_picked(self, color, primary: bool) -> None:
        if primary:
            self.canvas.primary = tuple(color)
        else:
            self.canvas.secondary = tuple(color)

    def _toggle_grid(self) -> None:
        self.canvas.show_grid = self.grid_action.isChecked()
        self.canvas.update()

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        self.prompter.error(message)

    def about(self) -> None:
        versions = "<br>".join(f"{name}: {package_version(name)}" for name in PACKAGES)
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Game sprites with Stable Diffusion XL: "
            f"generate, pixelize, edit, animate, export to Bevy.</p><p>{versions}</p>",
        )

    # -- start and close ---------------------------------------------------------------
    def offer_recovery(self) -> None:
        for entry in self.documents.pending_recoveries():
            if self.prompter.ask_recover(entry):
                self.documents.recover(entry)
                return
            self.documents.recovery.discard(entry.key)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.documents.dirty and not self._closing_after_save:
            answer = self.prompter.ask_save_changes(self.session.title)
            if answer == "cancel":
                event.ignore()
                return
            if answer == "save":
                event.ignore()
                self._save_then_close()
                return
        self._qsettings.setValue("geometry", self.saveGeometry())
        self._qsettings.setValue("state", self.saveState())
        self._qsettings.sync()
        self.documents.shutdown()
        event.accept()

    def _save_then_close(self) -> None:
        def close_now() -> None:
            self._closing_after_save = True
            QTimer.singleShot(0, self.close)

        if self.session.path is None:
            path = self.prompter.save_path(str(Path.home() / "sprite.aseprite"))
            if not path:
                return
            self.documents.save_to(path, close_now)
        else:
            self.documents.save_to(self.session.path, close_now)
