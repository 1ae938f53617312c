"""Layer ▸ Pixelize: live before/after preview, detected cell size, palette controls.

The background decision is the user's to override: Automatic, a colour picked from
the Before view (the Pick button, or Alt+click as in Aseprite) or None; the cells
taken as background are tinted in the After view.

The preview is computed on the task runner from a copy of the layer's pixels, so
dragging a control never blocks the window; only the latest request's result is shown.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.formats.palettes import PALETTE_FILTER, load_palette
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.gui.tasks import TaskRunner
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, PixelizeResult, pixelize
from dgx_pixels_app.resources import builtin_palettes

AUTO, COUNT, DOCUMENT, KEEP = "auto", "count", "document", "keep"
BG_AUTO, BG_PICKED, BG_NONE = "auto", "picked", "none"


class PixelizeDialog(QDialog):
    def __init__(
        self, source: np.ndarray, document_palette: Palette, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pixelize")
        self.resize(900, 560)
        self.source = source
        self.document_palette = document_palette
        self.result: PixelizeResult | None = None
        self.runner = TaskRunner(self, max_threads=1)
        self._generation = 0
        self._pending = False
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(120)
        self.debounce.timeout.connect(self.recompute)

        self.before = ImageView(placeholder="")
        self.before.set_image(source)
        self.after = ImageView(placeholder="Working…")
        previews = QHBoxLayout()
        for title, view in (("Before", self.before), ("After (nearest neighbour)", self.after)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(view)
            previews.addWidget(box, 1)

        controls = self._build_controls()
        previews.addWidget(controls)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(previews, 1)
        layout.addWidget(self.info)
        layout.addWidget(self.buttons)

        self._connect_controls()
        self._on_mode()
        self.debounce.stop()  # the first preview is computed now, not a second time after it
        self.recompute()

    def _build_controls(self) -> QWidget:
        self.auto_cell = QCheckBox("Detect")
        self.auto_cell.setChecked(True)
        self.cell = QDoubleSpinBox()
        self.cell.setRange(1.0, 512.0)
        self.cell.setDecimals(2)
        self.cell.setSuffix(" px")
        self.cell.setEnabled(False)
        cell_row = QHBoxLayout()
        cell_row.addWidget(self.auto_cell)
        cell_row.addWidget(self.cell, 1)
        self._build_grids()
        parts_row = self._build_parts_row()
        self.colors_mode = QComboBox()
        self.colors_mode.addItem("Automatic (merge near-duplicates)", AUTO)
        self.colors_mode.addItem("At most N colours", COUNT)
        self.colors_mode.addItem("Document palette", DOCUMENT)
        for name in builtin_palettes():
            self.colors_mode.addItem(f"Palette: {name}", name)
        self.colors_mode.addItem("Palette from file…", "file")
        self.colors_mode.addItem("Keep all colours", KEEP)
        self.count = QSpinBox()
        self.count.setRange(2, 256)
        self.count.setValue(16)
        self.dither = QCheckBox("Ordered dithering")
        self.background = QComboBox()
        self.background.addItem("Automatic", BG_AUTO)
        self.background.addItem("Picked colour", BG_PICKED)
        self.background.addItem("None (keep everything)", BG_NONE)
        self.picked: tuple[int, int, int] | None = None
        self.pick = QPushButton("Pick")
        self.pick.setCheckable(True)
        self.pick.setAutoDefault(False)  # Enter applies; it does not arm the eyedropper
        self.pick.toggled.connect(self._on_pick)
        self.pick.setToolTip(
            "Click the background in the Before view to pick its colour (or Alt+click it)"
        )
        self.swatch = QLabel()
        self.swatch.setFixedSize(22, 22)
        self.contiguous = QCheckBox("Contiguous (keep enclosed holes)")
        self.contiguous.setToolTip(
            "Only background connected to the image border is removed, as Aseprite's "
            "contiguous fill; off: holes showing the background (a key's ring) go too"
        )
        self.show_background = QCheckBox("Tint the cells taken as background")
        self.show_background.setChecked(True)
        background_row = QHBoxLayout()
        background_row.addWidget(self.background, 1)
        background_row.addWidget(self.swatch)
        background_row.addWidget(self.pick)
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setRange(0, 200)
        self.tolerance.setValue(24)
        self.cleanup = QCheckBox("Remove noise pixels (cells under 8 px)")
        self.cleanup.setChecked(True)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.file_palette: Palette | None = None

        form = QFormLayout()
        form.addRow("Cell size", cell_row)
        form.addRow(self.grids_label, self.grids)
        form.addRow("Sheet of", parts_row)
        form.addRow("Colours", self.colors_mode)
        form.addRow("Count", self.count)
        form.addRow("", self.dither)
        form.addRow("Background", background_row)
        form.addRow("Tolerance", self.tolerance)
        form.addRow("", self.contiguous)
        form.addRow("", self.show_background)
        form.addRow("", self.cleanup)
        controls = QWidget()
        controls.setLayout(form)
        controls.setMaximumWidth(380)
        return controls

    def _build_grids(self) -> None:
        self.grids = QComboBox()  # shown when another grid reads the picture about as well
        self.grids.setToolTip("Other grids this picture could be read at, with the share of "
                              "its detail each leaves inside the cells (lower explains more)")  # fmt: skip
        self.grids.hide()
        self.grids_label = QLabel("Also reads at")
        self.grids_label.hide()
        self.grids.activated.connect(self._on_grid_chosen)

    def _build_parts_row(self) -> QHBoxLayout:
        """A strip or sheet: the parts across and down (1 × 1: one picture)."""
        self.parts = []
        for way in ("across", "down"):
            box = QSpinBox()
            box.setRange(1, 64)
            box.setSuffix(f" {way}")
            box.setKeyboardTracking(False)  # 4 then 8 is "48" typed: read once, at the end
            box.setToolTip(f"Frames or tiles {way}: a strip or sheet is read part by part "
                           "for the cell, and the whole at their median (1 × 1: one picture)")  # fmt: skip
            self.parts.append(box)
        row = QHBoxLayout()
        row.addWidget(self.parts[0], 1)
        row.addWidget(QLabel("×"))
        row.addWidget(self.parts[1], 1)
        return row

    def _connect_controls(self) -> None:
        for signal in (
            self.auto_cell.toggled, self.cell.valueChanged, self.count.valueChanged, self.dither.toggled,
            self.background.currentIndexChanged, self.tolerance.valueChanged, self.cleanup.toggled,
            self.contiguous.toggled, self.parts[0].valueChanged, self.parts[1].valueChanged,
        ):  # fmt: skip
            signal.connect(self.schedule)
        self.show_background.toggled.connect(self._show_overlay)
        self.before.clicked.connect(self._picked_at)
        self.background.currentIndexChanged.connect(self._on_background)
        self.auto_cell.toggled.connect(self._on_auto_cell)
        self.colors_mode.currentIndexChanged.connect(self._on_mode)

    def _on_pick(self, armed: bool) -> None:
        """An eyedropper cursor over the Before view while Pick is armed."""
        if armed:
            self.before.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.before.unsetCursor()

    def _picked_at(self, x: int, y: int, modifiers) -> None:
        """The eyedropper: Pick, then a click on the Before view (or Alt+click)."""
        if not (self.pick.isChecked() or modifiers & Qt.KeyboardModifier.AltModifier):
            return
        # the median over about a cell: one pixel of a textured background is noisy
        h, w = self.source.shape[:2]
        cell = self.result.cell_size if self.result is not None else None
        r = max(2, int(min(cell) / 2)) if cell else 2
        patch = self.source[
            max(0, y - r) : min(h, y + r + 1), max(0, x - r) : min(w, x + r + 1), :3
        ]
        color = np.median(patch.reshape(-1, 3), axis=0).round().astype(int)
        self.set_picked(tuple(int(v) for v in color))

    def _show_swatch(self, color: tuple[int, int, int] | None) -> None:
        """The picked colour, or the one found automatically; empty when none."""
        if color is None:
            self.swatch.setStyleSheet("border: 1px dashed #888;")
            self.swatch.setToolTip("No background")
            return
        self.swatch.setStyleSheet(f"background: rgb{tuple(color)}; border: 1px solid #888;")
        self.swatch.setToolTip("#{:02x}{:02x}{:02x}".format(*color))

    def set_picked(self, color: tuple[int, int, int]) -> None:
        self.picked = color
        self.pick.setChecked(False)
        self._show_swatch(color)
        if self.background.currentData() != BG_PICKED:
            self.background.setCurrentIndex(self.background.findData(BG_PICKED))
        else:
            self.schedule()

    def _on_background(self) -> None:
        if self.background.currentData() == BG_PICKED and self.picked is None:
            self.pick.setChecked(True)
            self.info.setText("Click the background in the Before view to pick its colour.")

    def _show_overlay(self) -> None:
        result = self.result
        cells = result.background_cells if result is not None else None
        self.after.set_overlay(cells if self.show_background.isChecked() else None)

    def _on_mode(self) -> None:
        mode = self.colors_mode.currentData()
        if mode == "file":
            path, _ = QFileDialog.getOpenFileName(self, "Palette", "", PALETTE_FILTER)
            try:
                self.file_palette = load_palette(path) if path else None
            except DgxPixelsError as exc:
                self.info.setText(str(exc))
                self.file_palette = None
            if self.file_palette is None:
                self.colors_mode.setCurrentIndex(0)
                return
        self.count.setEnabled(mode == COUNT)
        self.dither.setEnabled(mode not in (AUTO, KEEP))
        self.schedule()

    def _on_auto_cell(self, on: bool) -> None:
        self.cell.setEnabled(not on)
        for box in self.parts:  # the layout only helps find the cell
            box.setEnabled(on)

    def _layout(self) -> tuple[int, int] | None:
        layout = (self.parts[0].value(), self.parts[1].value())
        return None if layout == (1, 1) or not self.auto_cell.isChecked() else layout

    def options(self) -> PixelizeOptions:
        mode = self.colors_mode.currentData()
        palette = None
        if mode == DOCUMENT:
            palette = self.document_palette
        elif mode == "file":
            palette = self.file_palette
        elif mode in builtin_palettes():
            palette = load_palette(builtin_palettes()[mode])
        return PixelizeOptions(
            cell=None if self.auto_cell.isChecked() else self.cell.value(),
            colors=self.count.value() if mode == COUNT else None,
            palette=palette,
            reduce_palette=mode != KEEP,
            dither=self.dither.isChecked() and self.dither.isEnabled(),
            remove_background=self.background.currentData() != BG_NONE
            and not (self.background.currentData() == BG_PICKED and self.picked is None),
            background_tolerance=self.tolerance.value(),
            background_color=self.picked if self.background.currentData() == BG_PICKED else None,
            contiguous=self.contiguous.isChecked(),
            cleanup=self.cleanup.isChecked(),
            layout=self._layout(),
        )

    def schedule(self) -> None:
        self.apply_button.setEnabled(False)  # the preview shown is for the old settings
        self.debounce.start()

    def recompute(self) -> None:
        if self.runner.busy:
            self._pending = True  # run again with the newest settings when this one ends
            return
        self._generation += 1
        generation = self._generation
        try:
            options = self.options()
        except DgxPixelsError as exc:
            self.info.setText(str(exc))
            return
        source = self.source
        self.apply_button.setEnabled(False)
        self.runner.submit(
            lambda: _with_candidates(source, options), lambda r: self._show(generation, *r),
            self._failed,
        )  # fmt: skip

    def _show_grids(self, close: list) -> None:
        self.grids.clear()
        for c in close:
            self.grids.addItem(f"{c.cell:.2f} px → {c.size[0]} × {c.size[1]}, "
                               f"{c.left:.1%} left inside", c.cell)  # fmt: skip
        if self.result is not None and self.result.grid is not None and close:
            chosen = self.result.grid.x.cell  # the nearest entry: the detected grid
            self.grids.setCurrentIndex(min(range(len(close)),
                                           key=lambda i: abs(close[i].cell - chosen)))  # fmt: skip
        self.grids.setVisible(bool(close))
        self.grids_label.setVisible(bool(close))

    def _on_grid_chosen(self, index: int) -> None:
        cell = self.grids.itemData(index)
        if cell is not None:
            self.auto_cell.setChecked(False)
            self.cell.setValue(cell)

    def _show(self, generation: int, result: PixelizeResult, close: list | None = None) -> None:
        if self._pending:
            self._pending = False
            self.recompute()
            return
        if generation != self._generation:
            return
        self.result = result
        if close is not None:  # only when the cell was detected: a chosen one stays chosen
            self._show_grids(close)
        self.after.set_image(result.image)
        self._show_overlay()
        h, w = result.image.shape[:2]
        if result.cell_size and self.auto_cell.isChecked():
            self.cell.blockSignals(True)
            self.cell.setValue(result.cell_size[0])
            self.cell.blockSignals(False)
        size = result.cell_size
        cell = f"cell {size[0]:.2f} × {size[1]:.2f} px" if size else ""
        picking = self.background.currentData() == BG_PICKED
        self._show_swatch(self.picked if picking else result.background)
        if result.background is None:
            bg = "no background removed"
        else:
            n = int(result.background_cells.sum()) if result.background_cells is not None else 0
            bg = "background #{:02x}{:02x}{:02x} removed".format(*result.background)
            bg += f" ({counted(n, 'cell')}, tinted)"
        notes = "".join(f"\n{note}" for note in result.notes)  # a layout the parts doubt
        colours = counted(len(result.palette), "colour")  # "1 colour", "16 colours"
        self.info.setText(f"{cell} → {w} × {h} sprite, {colours}, {bg}{notes}")
        self.apply_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self._pending = False
        self.info.setText(
            str(exc) if isinstance(exc, DgxPixelsError) else f"Pixelize failed: {exc}"
        )
        self.after.set_image(None)

    def done(self, result: int) -> None:  # noqa: D401 (Qt API)
        self.debounce.stop()
        self.runner.wait()
        super().done(result)


def _with_candidates(source, options: PixelizeOptions):
    """The result, and when the cell was detected, the grids close to it (or [])."""
    from dgx_pixels_app.pixelize.candidates import as_sprites, candidates, close_call

    result = pixelize(source, options)
    if options.cell is not None or result.grid is None:
        return result, None
    close = close_call(candidates(source, result.grid), result.grid.x.cell)
    return result, as_sprites(source, options, result, close)
