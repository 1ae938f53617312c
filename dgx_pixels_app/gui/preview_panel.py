"""Preview dock: the current (or playing) frame fitted to the dock (whole scales only) or
at 1x, 2x or 4x, as the game shows it, or tiled 3x3 to judge a seamless tile. It follows edits as they happen."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.gui.observer import SessionObserver

REFRESH_MS = 50  # edits are coalesced: at most 20 preview updates a second


class PreviewPanel(SessionObserver, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = None
        self.index: int | None = None
        self.scale = QComboBox()
        self.scale.addItem("Fit", 0)  # the largest whole scale that fits (the 3×3 when tiled)
        for n in (1, 2, 4):
            self.scale.addItem(f"{n}×", n)
        self.tiled = QCheckBox("Tiled 3×3")
        self.tiled.setToolTip("Show the frame repeated 3×3, to check that a tile is seamless")
        self.view = ImageView()
        self.view.setMinimumSize(96, 96)
        self.scale.currentIndexChanged.connect(self._on_scale)
        self.tiled.toggled.connect(lambda _on: self.show_frame(self.index))
        self.scale.setCurrentIndex(0)
        self._on_scale()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(lambda: self.show_frame(self.index))
        row = QHBoxLayout()
        row.addWidget(self.scale, 1)
        row.addWidget(self.tiled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)

    def _on_scale(self) -> None:
        self.view.fixed_scale = self.scale.currentData() or None
        self.view.update()

    def rebuild(self) -> None:
        self.show_frame(self.session.frame_index if self.session else None)

    def _on_change(self, change: Change) -> None:
        """Any edit of the frame shown (pixels, layers, size) refreshes it, coalesced."""
        if self.session is None or change.kind in (ChangeKind.PALETTE, ChangeKind.TAGS):
            return
        if self.index is not None and not self._timer.isActive():
            self._timer.start()

    def show_frame(self, index: int | None) -> None:
        self.index = index
        if self.session is None or index is None or index >= len(self.session.sprite.frames):
            self.view.set_image(None)
            return
        image = self.session.composites.get(index).copy()
        if self.tiled.isChecked():
            image = np.tile(image, (3, 3, 1))
        self.view.set_image(image)
