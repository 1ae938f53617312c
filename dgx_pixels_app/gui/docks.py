"""The window's docks: where each panel sits at first, and their sizes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QScrollArea, QWidget


def build_docks(w) -> None:
    def add(title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, w)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        w.addDockWidget(area, dock)
        w.docks[title] = dock

    # the bottom docks (timeline, results) span the window's whole width
    w.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
    w.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
    add("Prompt", w.prompt_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
    add("LoRAs", w.lora_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
    guides = QScrollArea()  # its tables scroll: the tab keeps the LoRAs dock's height
    guides.setWidget(w.guides_panel)
    guides.setWidgetResizable(True)
    guides.setFrameShape(QScrollArea.Shape.NoFrame)
    guides.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    add("Guides", guides, Qt.DockWidgetArea.LeftDockWidgetArea)
    w.tabifyDockWidget(w.docks["LoRAs"], w.docks["Guides"])
    w.docks["LoRAs"].raise_()
    w.docks["Guides"].visibilityChanged.connect(lambda visible: _guides_shown(w, visible))
    add("Layers", w.layers_panel, Qt.DockWidgetArea.RightDockWidgetArea)
    add("Palette", w.palette_panel, Qt.DockWidgetArea.RightDockWidgetArea)
    add("Timeline", w.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
    add("Preview", w.preview_panel, Qt.DockWidgetArea.RightDockWidgetArea)
    add("Results", w.results_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    add("Metrics", w.metrics_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    w.tabifyDockWidget(w.docks["Results"], w.docks["Metrics"])
    w.docks["Results"].raise_()


def _guides_shown(w, visible: bool) -> None:
    """The Guides tab, when picked, gets room for both its lists (the Prompt dock
    above it scrolls)."""
    prompt, guides = w.docks["Prompt"], w.docks["Guides"]
    if visible and guides.height() < 300 and not guides.isFloating():
        total = prompt.height() + guides.height()
        w.resizeDocks([prompt, guides], [max(240, total - 300), 300], Qt.Orientation.Vertical)


def default_dock_sizes(w) -> None:
    """First start: the Prompt dock gets the room (its Generate button in view), the
    LoRAs list and the bottom docks stay compact."""
    docks = w.docks
    w.resizeDocks([docks["Prompt"], docks["LoRAs"]], [560, 140], Qt.Orientation.Vertical)
    w.resizeDocks([docks["Timeline"], docks["Results"]], [240, 240], Qt.Orientation.Vertical)
