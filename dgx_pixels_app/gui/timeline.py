"""The timeline under the canvas: layers × frames of cel thumbnails (as in Aseprite),
tags above the frames, and the frame, tag, playback and onion-skin controls.
Every change is a core command."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.document import MAX_DURATION_MS, Direction, Frame, Tag
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.frame_commands import (
    InsertFrame,
    MoveFrame,
    RemoveFrame,
    SetFrameDurations,
    SetTags,
    duplicate_frame_command,
)
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.gui.observer import SessionObserver
from dgx_pixels_app.gui.tag_widgets import TAG_COLORS, TagBar, run_tag_dialog
from dgx_pixels_app.gui.thumbnails import thumbnail

CELL = 30  # a frame cell: 3 layer rows in view at the default dock height
LINKED = QColor(60, 100, 150)  # the cells of a linked cel


def _cel_item(sprite, layer_id: int, frame_id: int, shared: set[int]) -> QTableWidgetItem:
    """A cel's thumbnail (a dot when empty), tinted when linked to other frames
    (``shared``: the ids of the cels under more than one key)."""
    cel = sprite.cel(layer_id, frame_id)
    item = QTableWidgetItem()
    if cel is not None and cel.image[..., 3].any():
        item.setIcon(QIcon(thumbnail(cel.image, CELL - 6)))
        item.setToolTip(cel.generation.prompt if cel.generation else "")
    else:
        item.setText("·")
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    links = sprite.linked(layer_id, frame_id) if id(cel) in shared else []
    if len(links) > 1:
        item.setBackground(LINKED)
        shown = ", ".join(str(sprite.frame_index(f) + 1) for f in links)
        item.setToolTip(f"Linked with frames {shown} (Animation ▸ Unlink Cel)")
    return item


class Timeline(SessionObserver, QWidget):
    frameSelected = Signal(int)
    layerSelected = Signal(int)
    errorRaised = Signal(str)
    playToggled = Signal(bool)
    onionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.ask_tag = lambda tag, count: run_tag_dialog(self, tag, count)  # replaceable in tests
        self.table = QTableWidget()
        self.table.setIconSize(QSize(CELL - 6, CELL - 6))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setDefaultSectionSize(CELL + 16)  # "1000ms" fits
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionsMovable(True)
        self.table.horizontalHeader().sectionMoved.connect(self._on_section_moved)
        self.table.verticalHeader().setDefaultSectionSize(CELL)
        self.table.currentCellChanged.connect(self._on_cell)
        self.table.horizontalScrollBar().valueChanged.connect(lambda _v: self.tag_bar.update())
        self.tag_bar = TagBar(self.table)

        self.play = QToolButton()
        self.play.setText("▶ Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Play / pause (Enter)")
        self.play.toggled.connect(self._on_play)
        self.loop = QCheckBox("Loop")
        self.loop.setChecked(True)
        self.tag_choice = QComboBox()
        self.tag_choice.setToolTip("Play the whole sprite or one tag")
        self.tag_choice.setMinimumContentsLength(8)
        self.tag_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.onion = QCheckBox("Onion skin")
        self.onion_frames = QSpinBox()
        self.onion_frames.setRange(1, 5)
        self.onion_frames.setValue(1)
        self.onion_frames.setToolTip("Frames before and after")
        self.onion_opacity = QSlider(Qt.Orientation.Horizontal)
        self.onion_opacity.setRange(5, 90)
        self.onion_opacity.setValue(35)
        self.onion_opacity.setMaximumWidth(70)
        self.onion_opacity.setToolTip("Onion skin opacity")
        for widget in (self.onion, self.onion_frames, self.onion_opacity):
            signal = getattr(widget, "toggled", None) or widget.valueChanged
            signal.connect(self.onionChanged)
        self.duration = QSpinBox()
        self.duration.setRange(1, MAX_DURATION_MS)
        self.duration.setSuffix(" ms")
        self.duration.setToolTip("Duration of the selected frames")
        set_duration = QToolButton()
        set_duration.setText("Set")
        set_duration.setToolTip("Give every selected frame this duration")
        set_duration.clicked.connect(self.set_duration)
        top = QHBoxLayout()
        for widget in (
            self.play,
            self.loop,
            self.tag_choice,
            self.onion,
            self.onion_frames,
            self.onion_opacity,
        ):
            top.addWidget(widget)
        top.addStretch(1)
        row = self._frame_buttons(set_duration)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.tag_bar)
        layout.addWidget(self.table, 1)
        self._updating = False
        self._order: list[int] = []  # layer indices by row: see Sprite.display_order

    def _frame_buttons(self, set_duration: QToolButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, tip, slot in (
            ("+", "New empty frame after the current one (Alt+N)", self.add_frame),
            ("Dup", "Duplicate the current frame", self.duplicate_frame),
            ("−", "Delete the selected frames", self.delete_frames),
            ("Tag", "New tag over the selected frames", self.new_tag),
            ("Edit Tag", "Edit the tag at the current frame", self.edit_tag),
            ("Untag", "Delete the tag at the current frame", self.delete_tag),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addWidget(self.duration)
        row.addWidget(set_duration)
        row.addStretch(1)
        return row

    # -- model --------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.FRAMES, ChangeKind.LAYERS, ChangeKind.TAGS):
            self.rebuild()
        elif change.kind == ChangeKind.PIXELS and self.session is not None:
            self._refresh_cells(change.layer_id, change.frame_id)

    def rebuild(self) -> None:
        self._updating = True
        session = self.session
        self.table.clear()
        current_tag = self.tag_choice.currentData()
        self.tag_choice.clear()
        self.tag_choice.addItem("All frames", None)
        if session is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self._updating = False
            return
        sprite = session.sprite
        for tag in sprite.tags:
            self.tag_choice.addItem(f"Tag: {tag.name}", tag.name)
        self.tag_choice.setCurrentIndex(max(0, self.tag_choice.findData(current_tag)))
        self.table.setRowCount(len(sprite.layers))
        self.table.setColumnCount(len(sprite.frames))
        self.table.setHorizontalHeaderLabels(
            [f"{i + 1}\n{f.duration_ms}ms" for i, f in enumerate(sprite.frames)]
        )
        self._order = sprite.display_order()
        self.table.setVerticalHeaderLabels(
            ["  " * sprite.layers[i].level + ("▾ " if sprite.layers[i].group else "")
             + sprite.layers[i].name for i in self._order]
        )  # fmt: skip
        self._refresh_cells(None, None)
        current = sprite.layer_index(session.layer.id)  # clamped
        self.table.setCurrentCell(self._order.index(current), session.frame_index)
        self.duration.setValue(session.frame.duration_ms)
        self.tag_bar.tags = list(sprite.tags)
        self.tag_bar.update()
        self._updating = False

    def _refresh_cells(self, layer_id, frame_id) -> None:
        sprite = self.session.sprite
        seen = Counter(id(cel) for cel in sprite.cels.values())  # once, not per cell
        shared = {key for key, count in seen.items() if count > 1}
        frames = None if frame_id is None else {frame_id}
        if layer_id is not None and frame_id is not None:  # a linked cel shows on each frame
            frames = set(sprite.linked(layer_id, frame_id))
        for fi, frame in enumerate(sprite.frames):
            if frames is not None and frame.id not in frames:
                continue
            for row, index in enumerate(self._order):
                layer = sprite.layers[index]
                if layer_id is not None and layer.id != layer_id:
                    continue
                self.table.setItem(row, fi, _cel_item(sprite, layer.id, frame.id, shared))

    def selected_frames(self) -> list[int]:
        columns = sorted({index.column() for index in self.table.selectedIndexes()})
        return columns or ([self.session.frame_index] if self.session else [])

    # -- selection ------------------------------------------------------------------------
    def _on_cell(self, row: int, column: int, *_args) -> None:
        if self._updating or self.session is None or row < 0 or column < 0:
            return
        self.session.layer_index = self._order[row]
        if column != self.session.frame_index:
            self.session.frame_index = column
            self.frameSelected.emit(column)
        self.duration.setValue(self.session.frame.duration_ms)
        self.layerSelected.emit(self.session.layer_index)

    def show_layer(self) -> None:
        """Follow the Layers dock's choice (without emitting it back)."""
        if self.session is None or not self._order:
            return
        self._updating = True
        current = self.session.sprite.layer_index(self.session.layer.id)
        self.table.setCurrentCell(self._order.index(current), self.session.frame_index)
        self._updating = False

    def show_frame(self, index: int) -> None:
        """Follow playback without emitting edits."""
        self._updating = True
        row = max(0, self.table.currentRow())
        self.table.setCurrentCell(row, index)
        self._updating = False

    def _on_section_moved(self, _logical: int, old_visual: int, new_visual: int) -> None:
        if self._updating or self.session is None:
            return
        frame_id = self.session.sprite.frames[old_visual].id
        self.session.frame_index = new_visual
        self._push(MoveFrame(frame_id, new_visual))

    def _on_play(self, playing: bool) -> None:
        self.play.setText("■ Pause" if playing else "▶ Play")
        self.playToggled.emit(playing)

    # -- edits ------------------------------------------------------------------------------

    def add_frame(self) -> None:
        if self.session is None:
            return
        index = self.session.frame_index + 1
        self.session.frame_index = index
        self._push(InsertFrame(index, Frame(self.session.sprite.frames[index - 1].duration_ms)))
        self.frameSelected.emit(self.session.frame_index)

    def duplicate_frame(self) -> None:
        if self.session is None:
            return
        frame_id = self.session.frame.id
        self.session.frame_index += 1
        self._push(duplicate_frame_command(self.session.sprite, frame_id))
        self.frameSelected.emit(self.session.frame_index)

    def delete_frames(self) -> None:
        if self.session is None:
            return
        sprite = self.session.sprite
        ids = [sprite.frames[i].id for i in self.selected_frames()]
        if len(ids) >= len(sprite.frames):
            self.errorRaised.emit("A sprite needs at least one frame.")
            return
        from dgx_pixels_app.core.commands import Group

        self.session.frame_index = max(0, min(self.selected_frames()) - 1)
        self._push(Group([RemoveFrame(fid) for fid in ids], label="Delete Frames"))
        self.frameSelected.emit(self.session.frame_index)

    def set_duration(self) -> None:
        if self.session is None:
            return
        sprite = self.session.sprite
        ids = [sprite.frames[i].id for i in self.selected_frames()]
        self._push(SetFrameDurations(ids, self.duration.value()))

    def _tag_at_current(self) -> int | None:
        index = self.session.frame_index
        for i, tag in enumerate(self.session.sprite.tags):
            if tag.start <= index <= tag.end:
                return i
        return None

    def new_tag(self) -> None:
        if self.session is None:
            return
        frames = self.selected_frames()
        tags = self.session.sprite.tags
        proposal = Tag(
            f"tag{len(tags) + 1}",
            min(frames),
            max(frames),
            Direction.FORWARD,
            TAG_COLORS[len(tags) % len(TAG_COLORS)],
        )
        tag = self.ask_tag(proposal, len(self.session.sprite.frames))
        if tag is not None:
            self._push(SetTags([*tags, tag]))

    def edit_tag(self) -> None:
        if self.session is None:
            return
        i = self._tag_at_current()
        if i is None:
            self.errorRaised.emit("No tag covers the current frame.")
            return
        tags = list(self.session.sprite.tags)
        tag = self.ask_tag(tags[i], len(self.session.sprite.frames))
        if tag is not None:
            tags[i] = tag
            self._push(SetTags(tags, label="Edit Tag"))

    def delete_tag(self) -> None:
        if self.session is None:
            return
        i = self._tag_at_current()
        if i is not None:
            tags = list(self.session.sprite.tags)
            del tags[i]
            self._push(SetTags(tags, label="Delete Tag"))
