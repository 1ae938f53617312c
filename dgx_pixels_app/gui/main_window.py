"""The main window: builds the widgets and menus and wires them together.

It holds no document logic: the controller opens and saves, the core history
undoes, the panels edit through commands.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
)

from dgx_pixels_app import APP_NAME, __version__
from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.engine.info import PACKAGES, package_version
from dgx_pixels_app.gui.agent_access import AgentAccess
from dgx_pixels_app.gui.canvas import CanvasView
from dgx_pixels_app.gui.canvas_area import CanvasArea
from dgx_pixels_app.gui.docks import build_docks, default_dock_sizes
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.guides_panel import GuidesPanel
from dgx_pixels_app.gui.job_client import JobClient, backend_for
from dgx_pixels_app.gui.layers_panel import LayersPanel
from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.menus import build_menus
from dgx_pixels_app.gui.metrics_panel import MetricsPanel
from dgx_pixels_app.gui.palette_panel import PalettePanel
from dgx_pixels_app.gui.playback import PlaybackController
from dgx_pixels_app.gui.preview_panel import PreviewPanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.gui.results_panel import ResultsPanel
from dgx_pixels_app.gui.timeline import Timeline
from dgx_pixels_app.gui.toolbar import ToolBar
from dgx_pixels_app.gui.welcome import WelcomeView
from dgx_pixels_app.gui.wiring import connect_signals, make_controllers
from dgx_pixels_app.pixelize.apply import pixelize_layer_command


class MainWindow(QMainWindow):
    def __init__(
        self, settings: app_settings.Settings | None = None, prompter: Prompter | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings or app_settings.load_settings()
        self.prompter = prompter or Prompter(self)  # the dialogs that ask (tests answer)
        self.documents = DocumentController(self.settings, self)
        self._closing_after_save = False
        self.canvas = CanvasView()
        self.canvas_area = CanvasArea(self.canvas)
        self.welcome = WelcomeView(*_recommended(), str(app_settings.models_dir()))
        self.central = QStackedWidget()  # the welcome view until a sprite is open
        self.central.addWidget(self.welcome)
        self.central.addWidget(self.canvas_area)
        self.setCentralWidget(self.central)
        self.layers_panel = LayersPanel()
        self.palette_panel = PalettePanel()
        self.prompt_panel = PromptPanel()
        self.lora_panel = LoraPanel()
        self.guides_panel = GuidesPanel()
        self.timeline = Timeline()
        self.preview_panel = PreviewPanel()
        self.playback = PlaybackController(self)
        self.results_panel = ResultsPanel()
        self.metrics_panel = MetricsPanel()
        backend, backend_problem = backend_for(self.settings)
        self.jobs = JobClient(backend, parent=self)
        self.agent_access = AgentAccess(self)
        self.docks: dict[str, QDockWidget] = {}
        build_docks(self)
        self.position_label = QLabel()
        self.zoom_label = QLabel()
        self.model_label = QLabel("No model")
        self.speed_label = QLabel()
        self.memory_label = QLabel()
        self.agent_label = QLabel()
        for label in (self.agent_label, self.model_label, self.speed_label, self.memory_label):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().addPermanentWidget(self.position_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.toolbar = ToolBar(self.canvas.tools, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.toolbar.tile_grid.currentIndexChanged.connect(self._on_tile_grid)
        build_menus(self)  # its items run controller paths, resolved when triggered
        make_controllers(self)
        connect_signals(self)
        self.memory.restore()
        self._restore_layout()
        if not self._restored:
            self._first_size()
            default_dock_sizes(self)
        self._update_title()
        self.batches.load_metrics()
        if backend_problem:
            self.statusBar().showMessage(backend_problem, 15000)

    # -- construction -------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, menu: QMenu | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        return action

    def _first_size(self) -> None:
        """1280×800, or most of a large screen (1920×1080 and up) on the first start."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None and screen.width() >= 1600 and screen.height() >= 1000:
            self.resize(int(screen.width() * 0.9), int(screen.height() * 0.9))
        else:
            self.resize(1280, 800)

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
        self.playback.stop()
        self.show_welcome(session is None)  # first: the canvas fits in its real size
        self.canvas_area.layout().activate()
        for view in (
            self.canvas,
            self.layers_panel,
            self.palette_panel,
            self.timeline,
            self.preview_panel,
        ):
            view.set_session(session)
        self.guides_panel.set_session(session)
        self.welcome.set_document_open(session is not None)
        if session is None:
            self.position_label.clear()
        self._update_title()

    def show_welcome(self, shown: bool = True) -> None:
        """The welcome view (Help ▸ Getting Started); the canvas once a sprite is open."""
        shown = shown or self.session is None
        self.central.setCurrentWidget(self.welcome if shown else self.canvas_area)
        if not shown:
            self.canvas.setFocus()

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
            self.export_bevy_action, self.outline_action, self.replace_color_action,
            self.hue_action, self.brightness_action, self.canvas_size_action,
            self.sprite_size_action, self.trim_action,
            self.repeat_export_action, self.snap_action, self.export_anim_action,
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
        if self.canvas.transform.showing:  # undo first puts an unapplied transform back
            self.canvas.transform.cancel()
        elif self.session is not None:
            self.session.history.undo()

    def redo(self) -> None:
        if self.session is not None and not self.canvas.transform.showing:
            self.session.history.redo()

    def enter_key(self) -> None:
        if self.canvas.transform.showing:
            self.canvas.transform.commit()
        else:
            self.timeline.play.toggle()

    def _set_every_frame(self, on: bool) -> None:
        self.canvas.transform.every_frame = on

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

    def fill_recent(self, menu) -> None:
        menu.clear()
        for path in self.settings.recent_files:
            self._action(path, lambda _c=False, p=path: self.open_path(p), None, menu)
        if not self.settings.recent_files:
            menu.addAction("(none yet)").setEnabled(False)

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

    def _confirm_replace_later(self) -> bool:
        """For work that replaces the document when it ends (a character): the changes
        saved now if asked (the save finishes long before), discarded, or the work not
        started."""
        if not self.documents.dirty:
            return True
        answer = self.prompter.ask_save_changes(self.session.title)
        if answer == "save":
            self.save()
        return answer in ("save", "discard")

    # -- status and messages -----------------------------------------------------------
    def _on_hover(self, x: int, y: int, rgba) -> None:
        if self.session is None:  # no sprite: no coordinates
            self.position_label.clear()
        elif rgba is None:
            self.position_label.setText(f"{x}, {y}")
        else:
            r, g, b, a = rgba
            self.position_label.setText(f"{x}, {y}   #{r:02x}{g:02x}{b:02x} α{a}")

    def _on_color_picked(self, color, primary: bool) -> None:
        if primary:
            self.canvas.primary = tuple(color)
        else:
            self.canvas.secondary = tuple(color)

    def _on_tile_grid(self) -> None:
        self.canvas.tile_grid = self.toolbar.tile_grid.currentData()
        self.canvas.update()

    def _toggle_tile_mode(self) -> None:
        self.canvas.set_tile_mode(self.tile_mode_action.isChecked())

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
        self.memory.save()
        self.agent_access.stop()
        self.first_run.shutdown()
        self.jobs.shutdown()
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


def _recommended() -> tuple[list, str]:
    """The recommended set for the welcome view, and what is wrong with a damaged file."""
    from dgx_pixels_app.engine.recommended import recommended_set

    try:
        return recommended_set(), ""
    except DgxPixelsError as exc:
        return [], str(exc)
