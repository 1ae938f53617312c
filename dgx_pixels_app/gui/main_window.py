"""The main window: builds the widgets and menus and wires them together.

It holds no document logic: the controller opens and saves, the core history
undoes, the panels edit through commands.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QWidget,
)

from dgx_pixels_app import APP_NAME, __version__
from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.engine.info import PACKAGES, package_version
from dgx_pixels_app.engine.settings import SWITCHES
from dgx_pixels_app.gui.agent_access import AgentAccess
from dgx_pixels_app.gui.animation_actions import AnimationActions
from dgx_pixels_app.gui.batch_actions import BatchActions
from dgx_pixels_app.gui.canvas import CanvasView
from dgx_pixels_app.gui.canvas_area import CanvasArea
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.export_actions import ExportActions
from dgx_pixels_app.gui.generation_actions import GenerationActions
from dgx_pixels_app.gui.job_client import JobClient, backend_for
from dgx_pixels_app.gui.layers_panel import LayersPanel
from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.metrics_panel import MetricsPanel
from dgx_pixels_app.gui.palette_panel import PalettePanel
from dgx_pixels_app.gui.playback import PlaybackController
from dgx_pixels_app.gui.preview_panel import PreviewPanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.gui.results_panel import ResultsPanel
from dgx_pixels_app.gui.timeline import Timeline
from dgx_pixels_app.gui.toolbar import ToolBar
from dgx_pixels_app.pixelize.apply import pixelize_layer_command


class _Scrolling(QScrollArea):
    """A tall panel in a scroll area: what appears in it (the live preview while
    generating) scrolls inside the dock instead of pushing the window taller. It asks
    for the panel's natural size, so the dock opens with everything in view."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(panel.sizeHint().width() + 16)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = self.widget().sizeHint()
        return QSize(hint.width() + 16, hint.height())


class MainWindow(QMainWindow, GenerationActions, BatchActions, AnimationActions, ExportActions):
    def __init__(self, settings: app_settings.Settings | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings or app_settings.load_settings()
        self.prompter = Prompter(self)
        self.documents = DocumentController(self.settings, self)
        self._closing_after_save = False
        self.canvas = CanvasView()
        self.canvas_area = CanvasArea(self.canvas)
        self.setCentralWidget(self.canvas_area)
        self.layers_panel = LayersPanel()
        self.palette_panel = PalettePanel()
        self.prompt_panel = PromptPanel()
        self.lora_panel = LoraPanel()
        self.timeline = Timeline()
        self.preview_panel = PreviewPanel()
        self.playback = PlaybackController(self)
        self.results_panel = ResultsPanel()
        self.metrics_panel = MetricsPanel()
        backend, backend_problem = backend_for(self.settings)
        self.jobs = JobClient(backend, parent=self)
        self.agent_access = AgentAccess(self)
        self.agent_window = None  # the Agent Access window, made when the server starts
        self.discovered_models: list = []
        self.docks: dict[str, QDockWidget] = {}
        # the bottom docks (timeline, results) span the window's whole width
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock(
            "Prompt", _Scrolling(self.prompt_panel), Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self._add_dock("LoRAs", self.lora_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("Layers", self.layers_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Palette", self.palette_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Timeline", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("Preview", self.preview_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Results", self.results_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("Metrics", self.metrics_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["Results"], self.docks["Metrics"])
        self.docks["Results"].raise_()
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
        self._build_menus()
        self._connect_signals()
        self._restore_layout()
        if not self._restored:
            self.resize(1280, 800)
            self._default_dock_sizes()
        self._update_title()
        self._load_metrics()
        if backend_problem:
            self.statusBar().showMessage(backend_problem, 15000)

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
        edit_menu.addSeparator()
        tools = self.canvas.tools
        self._action("Cu&t", tools.cut, QKeySequence.StandardKey.Cut, edit_menu)
        self._action("&Copy", tools.copy, QKeySequence.StandardKey.Copy, edit_menu)
        self._action("&Paste", tools.paste, QKeySequence.StandardKey.Paste, edit_menu)
        edit_menu.addSeparator()
        self._action(
            "Select &All", self.canvas.select_all, QKeySequence.StandardKey.SelectAll, edit_menu
        )
        self._action("&Deselect", lambda: self.canvas.set_selection(None), "Ctrl+D", edit_menu)
        edit_menu.addSeparator()
        self._action("Flip &Horizontal", lambda: tools.flip(True), "Shift+H", edit_menu)
        self._action("Flip &Vertical", lambda: tools.flip(False), "Shift+V", edit_menu)
        self._action("Rotate 90° &Clockwise", lambda: tools.rotate(True), "Ctrl+Alt+R", edit_menu)
        self._action(
            "Rotate 90° C&ounterclockwise",
            lambda: tools.rotate(False),
            "Ctrl+Alt+Shift+R",
            edit_menu,
        )

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
        self.tile_mode_action = self._action("&Tiled Mode", self._toggle_tile_mode, None, view_menu)
        self.tile_mode_action.setCheckable(True)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())

        model_menu = bar.addMenu("&Model")
        self.load_model_action = self._action(
            "&Load Model File…", lambda: self.choose_model(False), "Ctrl+Shift+M", model_menu
        )
        self._action("Load Model &Folder…", lambda: self.choose_model(True), None, model_menu)
        self.models_menu = model_menu.addMenu("Found &Models")
        self.models_menu.aboutToShow.connect(self._fill_models)
        self._action(
            "&Add Models Folder (ComfyUI, A1111)…", self.add_models_folder, None, model_menu
        )
        self._action("&Unload Model", self.unload_model, None, model_menu)
        model_menu.addSeparator()
        self._action("&Download from Hugging Face…", self.download_model, None, model_menu)
        self.compare_action = self._action(
            "&Compare Models and LoRAs…", self.compare, None, model_menu
        )
        self.batch_action = self._action(
            "&Batch Generate…", self.batch_generate, "Ctrl+Shift+B", model_menu
        )
        self.train_action = self._action("&Train LoRA…", self.train_lora, None, model_menu)
        self.agent_action = self._action(
            "Agent &Access (MCP)", self.toggle_agent_access, None, model_menu
        )
        self.agent_action.setCheckable(True)
        model_menu.addSeparator()
        self.engine_toggles = {}
        for attr, text in SWITCHES.items():
            action = self._action(
                text, lambda _c=False, a=attr: self._toggle_engine(a), None, model_menu
            )
            action.setCheckable(True)
            action.setChecked(attr in self.settings.engine_switches)
            self.engine_toggles[attr] = action

        anim_menu = bar.addMenu("&Animation")
        self.play_action = self._action(
            "&Play / Pause", lambda: self.timeline.play.toggle(), "Return", anim_menu
        )
        self._action("&New Frame", lambda: self.timeline.add_frame(), "Alt+N", anim_menu)
        self._action(
            "&Duplicate Frame", lambda: self.timeline.duplicate_frame(), "Alt+D", anim_menu
        )
        self._action("Previous Frame", lambda: self._step_frame(-1), ",", anim_menu)
        self._action("Next Frame", lambda: self._step_frame(1), ".", anim_menu)
        anim_menu.addSeparator()
        self.snap_action = self._action(
            "&Snap Frames to Palette", self.snap_frames, None, anim_menu
        )
        self.generate_frames_action = self._action(
            "&Generate Frames (AI)…", self.generate_frames, None, anim_menu
        )
        anim_menu.addSeparator()
        self.export_anim_action = self._action(
            "Export &GIF / APNG…", self.export_animation, None, anim_menu
        )

        help_menu = bar.addMenu("&Help")
        self._action(f"&About {APP_NAME}", self.about, None, help_menu)

    def _connect_signals(self) -> None:
        docs = self.documents
        docs.sessionChanged.connect(self._on_session)
        docs.stateChanged.connect(self._update_title)
        docs.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        docs.error.connect(self.show_error)
        self.palette_panel.primary_source = lambda: self.canvas.primary
        for panel in (self.canvas, self.layers_panel, self.timeline, self.palette_panel):
            panel.errorRaised.connect(self.show_error)
        self.canvas.hovered.connect(self._on_hover)
        self.canvas.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:g}%"))
        self.palette_panel.colorPicked.connect(self._on_color_picked)
        timeline = self.timeline
        timeline.frameSelected.connect(self._on_frame_selected)
        timeline.layerSelected.connect(lambda _i: self.layers_panel.rebuild())
        timeline.playToggled.connect(self._on_play_toggled)
        timeline.onionChanged.connect(self._on_onion)
        self.playback.frameShown.connect(self._on_frame_played)
        self.playback.stopped.connect(lambda: timeline.play.setChecked(False))
        self.results_panel.addAsFrame.connect(self.add_result_frame)
        prompt = self.prompt_panel
        prompt.generateRequested.connect(self.generate)
        prompt.img2imgRequested.connect(self.generate_from_frame)
        prompt.inpaintRequested.connect(self.inpaint_selection)
        prompt.cancelRequested.connect(self.jobs.cancel_all)
        self.jobs.modelLoaded.connect(self._on_model_loaded)
        self.jobs.modelFailed.connect(self._on_model_failed)
        self.jobs.modelUnloaded.connect(self._on_model_unloaded)
        self.jobs.stateChanged.connect(self._update_memory)
        self.jobs.jobProgress.connect(
            lambda _id, step, total, preview: prompt.show_progress(step, total, preview)
        )
        self.jobs.jobFinished.connect(self._on_job_finished)
        self.jobs.jobCancelled.connect(lambda _job, text: self.statusBar().showMessage(text, 5000))
        self.jobs.jobFailed.connect(lambda _job, text: self.show_error(text))
        self.jobs.imageReady.connect(self._on_image_ready)
        self.jobs.imageFailed.connect(self._on_image_failed)
        self.jobs.jobMetrics.connect(self._on_metrics)
        self.agent_access.started.connect(self._on_agent_started)
        self.agent_access.stopped.connect(self._on_agent_stopped)
        self.jobs.modelLoaded.connect(lambda model: self.agent_access.follow_model(str(model.path)))
        self.jobs.busyChanged.connect(prompt.set_busy)
        self.results_panel.addAsLayer.connect(self.add_result_layer)
        self.results_panel.openAsSprite.connect(self.open_result)

    def _default_dock_sizes(self) -> None:
        """First start: the Prompt dock gets the room (its Generate button in view), the
        LoRAs list and the bottom docks stay compact."""
        docks = self.docks
        self.resizeDocks([docks["Prompt"], docks["LoRAs"]], [560, 140], Qt.Orientation.Vertical)
        self.resizeDocks([docks["Timeline"], docks["Results"]], [170, 170], Qt.Orientation.Vertical)

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
        for view in (
            self.canvas,
            self.layers_panel,
            self.palette_panel,
            self.timeline,
            self.preview_panel,
        ):
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
        self.agent_access.stop()
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
