"""Results dock: a gallery of every generated image this session, newest first — a
large preview of the selected one with its settings, and actions on it: add to the
sprite as a layer or a frame (pixelized by default), open as a sprite, pixelize with
the dialog, reuse its seed, copy its parameters, delete; and save them all as a folder
(the batch manifest format). Arrow keys move the selection; Enter adds as a layer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.gui.thumbnails import thumbnail

THUMB = 104
MAX_RESULTS = 64  # older results are dropped so memory stays bounded


@dataclass
class ResultItem:
    image: np.ndarray
    request: GenerationRequest
    selection: object = None  # the part of the sprite an image-to-image or inpaint was for


def describe(request: GenerationRequest) -> str:
    loras = (
        ", ".join(
            f"{lr.path.rsplit('/', 1)[-1]}×{lr.weight:g}" for lr in request.loras if lr.enabled
        )
        or "none"
    )
    return (
        f"{request.extra.get('subject') or request.prompt}\nseed {request.seed} · {request.steps} steps · "
        f"CFG {request.cfg:g} · {request.scheduler or 'euler'} · {request.width}×{request.height} · {request.mode}\n"
        f"LoRAs: {loras}"
    )


class _Gallery(QListWidget):
    """The thumbnails: Enter and Delete act on the selection while it has the focus (the
    window's Return shortcut, Play, waits elsewhere)."""

    entered = Signal()
    deleted = Signal()
    KEYS = {Qt.Key.Key_Return: "entered", Qt.Key.Key_Enter: "entered",
            Qt.Key.Key_Delete: "deleted"}  # fmt: skip

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self.KEYS:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        name = self.KEYS.get(event.key())
        if name is None:
            super().keyPressEvent(event)
        else:
            getattr(self, name).emit()


class ResultsPanel(QWidget):
    addAsLayer = Signal(object, bool)  # ResultItem, pixelize?
    openAsSprite = Signal(object, bool)
    addAsFrame = Signal(object, bool)
    pixelizeRequested = Signal(object)  # ResultItem: the Pixelize dialog on it
    useSeed = Signal(int)
    saveRequested = Signal(list)  # every ResultItem, newest first

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[ResultItem] = []
        self.list = _Gallery()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 14, THUMB + 24))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setUniformItemSizes(True)
        self.list.setStyleSheet("QListView::item:selected { border: 3px solid palette(highlight);"
                                " background: palette(highlight); }")  # fmt: skip
        self.list.setToolTip("Newest first. Arrows move, Enter adds as a layer, Delete removes")
        self.list.itemDoubleClicked.connect(lambda _item: self._add())
        self.list.currentRowChanged.connect(self._show_current)
        self.preview = ImageView(placeholder="No results yet")
        self.preview.setMinimumSize(96, 64)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.heading = QLabel()
        self.pixelize = QCheckBox("Pixelize")
        self.pixelize.setChecked(True)
        self.pixelize.setToolTip(
            "Turn the result into true pixel art when it goes into the document"
        )
        self.buttons = self._build_buttons()
        self._layout()
        self.list.entered.connect(self._add)
        self.list.deleted.connect(self.delete_current)
        self._show_current(-1)

    def _build_buttons(self) -> dict[str, QPushButton]:
        actions = {
            "Add as Layer": self._add,
            "Add as Frame": lambda: self._emit(self.addAsFrame, True),
            "Open as Sprite": self._open,
            "Pixelize…": lambda: self._emit(self.pixelizeRequested),
            "Use Seed": lambda: self.current() and self.useSeed.emit(self.current().request.seed),
            "Copy Parameters": self.copy_parameters,
            "Delete": self.delete_current,
            "Save All…": lambda: self.items and self.saveRequested.emit(list(self.items)),
        }
        tips = {
            "Add as Frame": "A new frame after the current one, snapped to the sprite's palette",
            "Open as Sprite": "A new sprite from this result (asks before the current one goes)",
            "Pixelize…": "The Pixelize dialog on this result: grid, colours, background",
            "Use Seed": "Put this result's seed in the Prompt dock and lock it",
            "Copy Parameters": "A1111-style parameters text, for other tools or a note",
            "Save All…": "Every result as PNGs with their settings and a manifest.json",
        }
        buttons = {}
        for text, slot in actions.items():
            button = QPushButton(text)
            button.clicked.connect(slot)
            button.setToolTip(tips.get(text, ""))
            buttons[text] = button
        return buttons

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.setSpacing(3)
        for i, text in enumerate(self.buttons):
            grid.addWidget(self.buttons[text], i // 2, i % 2)
        side_widget = QWidget()
        side = QVBoxLayout(side_widget)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.info, 1)
        side.addWidget(self.pixelize)
        side.addLayout(grid)
        side_scroll = QScrollArea()  # a short dock scrolls these, never grows the window
        side_scroll.setWidget(side_widget)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setMinimumWidth(side_widget.sizeHint().width() + 14)
        middle = QVBoxLayout()
        middle.addWidget(self.heading)
        middle.addWidget(self.list, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(self.preview, 2)
        row.addLayout(middle, 4)
        row.addWidget(side_scroll, 3)

    # -- contents -------------------------------------------------------------------------
    def add_results(
        self, images: list[np.ndarray], requests: list[GenerationRequest], selection=None
    ) -> None:
        for image, request in zip(images, requests, strict=True):
            result = ResultItem(image, request, selection)
            self.items.insert(0, result)
            item = QListWidgetItem(QIcon(thumbnail(image, THUMB)), f"seed {request.seed}")
            item.setToolTip(describe(request))
            self.list.insertItem(0, item)
        while len(self.items) > MAX_RESULTS:
            self.items.pop()
            self.list.takeItem(self.list.count() - 1)
        self.list.setCurrentRow(0)
        self._show_current(0)

    def current(self) -> ResultItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_current(self, _row: int) -> None:
        item = self.current()
        self.preview.set_image(item.image if item is not None else None)
        self.info.setText(describe(item.request) if item is not None else "")
        for button in self.buttons.values():
            button.setEnabled(item is not None)
        count = len(self.items)
        self.heading.setText(
            f"{count} result{'s' * (count != 1)} this session, newest first" if count
            else "Results appear here, newest first"
        )  # fmt: skip

    # -- actions --------------------------------------------------------------------------
    def _emit(self, signal, with_pixelize: bool = False) -> None:
        item = self.current()
        if item is not None:
            signal.emit(*((item, self.pixelize.isChecked()) if with_pixelize else (item,)))

    def _add(self) -> None:
        self._emit(self.addAsLayer, True)

    def _open(self) -> None:
        self._emit(self.openAsSprite, True)

    def copy_parameters(self) -> None:
        item = self.current()
        if item is not None:
            QGuiApplication.clipboard().setText(item.request.a1111_parameters())

    def delete_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self.list.takeItem(row)
            self.list.setCurrentRow(min(row, len(self.items) - 1))
            self._show_current(self.list.currentRow())

    def clear(self) -> None:
        self.items.clear()
        self.list.clear()
        self._show_current(-1)
