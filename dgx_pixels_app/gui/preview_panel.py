"""Preview dock: the current (or playing) frame at 1x, 2x or 4x, as the game shows it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from dgx_pixels_app.gui.image_view import ImageView


class PreviewPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = None
        self.scale = QComboBox()
        for n in (1, 2, 4):
            self.scale.addItem(f"{n}×", n)
        self.view = ImageView()
        self.view.setMinimumSize(96, 96)
        self.scale.currentIndexChanged.connect(self._on_scale)
        self.scale.setCurrentIndex(1)
        self._on_scale()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scale)
        layout.addWidget(self.view, 1)

    def _on_scale(self) -> None:
        self.view.fixed_scale = self.scale.currentData()
        self.view.update()

    def set_session(self, session) -> None:
        self.session = session
        self.show_frame(session.frame_index if session else None)

    def show_frame(self, index: int | None) -> None:
        if self.session is None or index is None:
            self.view.set_image(None)
        else:
            self.view.set_image(self.session.sprite.composite(index))
