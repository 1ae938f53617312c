"""Prompt dock: what to generate. Builds a ``GenerationRequest`` on the UI thread
(asset kind and style presets come from presets/*.toml) and shows the running job's
progress, live preview and a Cancel button."""

from __future__ import annotations

import random

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.generation import SCHEDULERS, GenerationRequest
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.jobs.device_defaults import cpu_proposal
from dgx_pixels_app.jobs.requests import Choices, build_request, declared, kind_settings
from dgx_pixels_app.resources import generation_defaults, model_sizes, prompt_presets, speed_data


class _WheelGuard(QObject):
    """The wheel over a number or a list that was not clicked scrolls the fields instead
    of changing the value unseen (CFG went from 6 to 2 under a scrolling newcomer)."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self.scroll = scroll

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            QCoreApplication.sendEvent(self.scroll.viewport(), event)
            return True
        return False


class PromptPanel(QWidget):
    generateRequested = Signal(object, int)  # GenerationRequest, count
    img2imgRequested = Signal(object, int)
    inpaintRequested = Signal(object, int)
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        try:
            self.kinds, self.styles = prompt_presets()
            defaults, sizes = generation_defaults(), model_sizes()
        except DgxPixelsError:  # a damaged presets folder: the panel still opens
            self.kinds, self.styles = [], []
            blank = GenerationRequest("")  # the request type's own defaults
            defaults = {"steps": blank.steps, "cfg": blank.cfg, "scheduler": SCHEDULERS[0]}
            sizes = [(blank.width, blank.height)]
        self._build_fields(defaults, sizes)
        form = self._build_form()
        self.generate = QPushButton("Generate")
        self.generate.setToolTip("Generate sprites (Ctrl+Enter)")
        self.generate.clicked.connect(lambda: self._emit(self.generateRequested))
        self.from_frame = QPushButton("From Frame")
        self.from_frame.setToolTip("Image to image from the current frame (or the selection)")
        self.from_frame.clicked.connect(lambda: self._emit(self.img2imgRequested))
        self.inpaint = QPushButton("Inpaint Selection")
        self.inpaint.setToolTip("Repaint only the selected pixels (select with M)")
        self.inpaint.clicked.connect(lambda: self._emit(self.inpaintRequested))
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.cancelRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate, 2)
        buttons.addWidget(self.cancel, 1)
        more = QHBoxLayout()
        more.addWidget(self.from_frame)
        more.addWidget(self.inpaint)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("%v / %m steps")
        self.progress.hide()
        self.preview = ImageView(placeholder="")
        self.preview.setMinimumSize(64, 64)
        self.preview.setMaximumHeight(140)
        self.preview.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        # the fields scroll; Generate, Cancel, the progress and the live preview stay in
        # sight below them whatever the window's height
        self.fields = QScrollArea()
        self.fields.setWidget(QWidget())
        self.fields.widget().setLayout(form)
        self.fields.setWidgetResizable(True)
        self.fields.setFrameShape(QScrollArea.Shape.NoFrame)
        self.fields.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields.setMinimumHeight(48)  # it gives way to the preview, never the window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.fields, 1)
        layout.addLayout(buttons)
        layout.addLayout(more)
        layout.addWidget(self.progress)
        layout.addWidget(self.preview)
        layout.addWidget(self.status)
        self._wheel_guard = _WheelGuard(self.fields)
        inner = self.fields.widget()
        bar = self.fields.verticalScrollBar().sizeHint().width()
        self.fields.setMinimumWidth(inner.sizeHint().width() + bar + 4)  # no field cut off
        for field in inner.findChildren(QAbstractSpinBox) + inner.findChildren(QComboBox):
            field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            field.installEventFilter(self._wheel_guard)
        QShortcut(QKeySequence("Ctrl+Return"), self, lambda: self._emit(self.generateRequested),
                  context=Qt.ShortcutContext.WindowShortcut)  # fmt: skip
        self._apply_kind()
        self.set_model_loaded(False)

    def _build_fields(self, defaults: dict, sizes: list) -> None:
        self.kind = QComboBox()
        for kind in self.kinds:
            self.kind.addItem(kind["label"], kind["id"])
        self.kind.currentIndexChanged.connect(self._apply_kind)
        self.style = QComboBox()
        for style in self.styles:
            self.style.addItem(style["label"], style["id"])
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText("a knight with a blue cape")
        self.prompt.setMaximumHeight(70)
        self.negative = QPlainTextEdit()
        self.negative.setPlaceholderText("extra things to avoid")
        self.negative.setMaximumHeight(44)
        self.size = QComboBox()
        for w, h in sizes:
            self.add_size(w, h)
        self.steps = QSpinBox()
        self.steps.setRange(1, 150)
        self.steps.setValue(int(defaults["steps"]))
        self.cfg = QDoubleSpinBox()
        self.cfg.setRange(0.0, 30.0)
        self.cfg.setSingleStep(0.5)
        self.cfg.setValue(float(defaults["cfg"]))
        self.scheduler = QComboBox()
        self.scheduler.addItems(SCHEDULERS)
        self.scheduler.setCurrentText(defaults["scheduler"])
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.lock_seed = QCheckBox("Lock")
        self.lock_seed.setToolTip("Keep this seed; unticked, each generation draws a new one")
        self.count = QSpinBox()
        self.count.setRange(1, 16)
        self.count.setValue(4)
        self.strength = QDoubleSpinBox()
        self.strength.setRange(0.05, 1.0)
        self.strength.setSingleStep(0.05)
        self.strength.setValue(float(defaults.get("img2img_strength", 1.0)))
        self.strength.setToolTip("How much image-to-image and inpaint may change (1 = everything)")
        self.seamless = QComboBox()
        for label, axes in (
            ("Off", ""),
            ("Both (tiles)", "xy"),
            ("Horizontal", "x"),
            ("Vertical", "y"),
        ):
            self.seamless.addItem(label, axes)
        self.seamless.setToolTip(
            "Seamless: the image wraps around its edges so it tiles without a seam "
            "(circular padding in the model). The Tile kind turns it on."
        )

    def _build_form(self) -> QFormLayout:
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.lock_seed)
        form = QFormLayout()
        self.option_fields = option_fields()
        self._own_values: tuple | None = None  # steps and CFG while a recipe sets them
        form.addRow("Kind", self.kind)
        form.addRow("Style", self.style)
        form.addRow("Prompt", self.prompt)
        form.addRow("Negative", self.negative)
        form.addRow("Size", self.size)
        speed = self.option_fields.get("speed")
        if speed:  # above the fields it governs: steps, CFG, sampler
            form.addRow(speed[0].get("label", "Speed"), speed[1])
            speed[1].currentTextChanged.connect(self._speed_changed)
        form.addRow("Steps", self.steps)
        form.addRow("CFG", self.cfg)
        form.addRow("Sampler", self.scheduler)
        form.addRow("Seed", seed_row)
        form.addRow("Count", self.count)
        form.addRow("Strength", self.strength)
        form.addRow("Seamless", self.seamless)
        for name, (option, field) in self.option_fields.items():
            if name != "speed":
                form.addRow(option.get("label", name), field)
        return form

    def _speed_changed(self, speed: str) -> None:
        """A fast speed's recipe sets steps, CFG and sampler: their fields show its
        (greyed); back at quality they are the person's again."""
        recipe = _first_recipe(speed)
        if recipe is not None and self._own_values is None:
            self._own_values = (self.steps.value(), self.cfg.value())
        if recipe is not None:
            self.steps.setValue(recipe.steps)
            self.cfg.setValue(recipe.cfg)
        elif self._own_values is not None:
            self.steps.setValue(self._own_values[0])
            self.cfg.setValue(self._own_values[1])
            self._own_values = None
        tip = (f"Set by the distilled LoRA's recipe (e.g. {recipe.name}: {recipe.steps} steps, "
               f"CFG {recipe.cfg:g})") if recipe else ""  # fmt: skip
        for field in (self.steps, self.cfg, self.scheduler):
            field.setEnabled(recipe is None)
            field.setToolTip(tip)

    def _apply_kind(self) -> None:
        kind = self.current_kind()
        if kind:
            settings = kind_settings(kind["id"])
            index = self.size.findData(f"{settings['width']}x{settings['height']}")
            if index >= 0:
                self.size.setCurrentIndex(index)
            if self._own_values is not None:  # a recipe shows its own; these come back later
                self._own_values = (int(settings["steps"]), float(settings["cfg"]))
            else:
                self.steps.setValue(int(settings["steps"]))
                self.cfg.setValue(float(settings["cfg"]))
            self.scheduler.setCurrentText(settings["scheduler"])
        if hasattr(self, "seamless"):
            self.seamless.setCurrentIndex(
                self.seamless.findData("xy" if kind and kind["id"] == "tile" else "")
            )

    def add_size(self, width: int, height: int) -> int:
        """Offer a size (data "WxH"); returns its index."""
        key = f"{width}x{height}"
        index = self.size.findData(key)
        if index < 0:
            self.size.addItem(f"{width} × {height}", key)
            index = self.size.count() - 1
        return index

    def current_kind(self) -> dict | None:
        return next((k for k in self.kinds if k["id"] == self.kind.currentData()), None)

    def current_style(self) -> dict | None:
        return next((s for s in self.styles if s["id"] == self.style.currentData()), None)

    def set_model_loaded(self, loaded: bool, name: str = "") -> None:
        for button in (self.generate, self.from_frame, self.inpaint):
            button.setEnabled(loaded)
        self.generate.setToolTip(
            "Generate sprites (Ctrl+Enter)" if loaded else "Load a model first (Model menu)"
        )
        self.status.setText(f"Model: {name}" if loaded else "No model loaded: Model ▸ Load Model…")

    def set_busy(self, busy: bool) -> None:
        self.cancel.setEnabled(busy)
        self.progress.setVisible(busy)
        if not busy:  # the fields get their room back; the result is in the gallery
            self.preview.hide()
        if busy:  # until the first step: what is happening, not an empty bar
            self.progress.setRange(0, 0)
            self.progress.setFormat("preparing: encoding the prompt, reading guides…")
            self.progress.setValue(-1)

    def show_progress(self, step: int, total: int, preview) -> None:
        self.progress.setFormat("step %v / %m")
        self.progress.setRange(0, total)
        self.progress.setValue(step)
        if preview is not None:
            self.preview.show()
            self.preview.set_image(_rgba(preview))

    def propose_for_cpu(self) -> str:
        """On a CPU: the size, steps and count of presets/generation.toml [cpu] where the
        fields ask for more; returns what was changed and why ("" when nothing was)."""
        try:
            cpu = cpu_proposal()
        except DgxPixelsError:
            return ""
        width, height = (int(v) for v in self.size.currentData().split("x"))
        steps = self.steps.value()
        scale = min(1.0, cpu.size / max(width, height))
        new = tuple(max(64, round(v * scale / 8) * 8) for v in (width, height))
        new_steps = cpu.steps if steps > cpu.steps and self.steps.isEnabled() else steps
        if new == (width, height) and new_steps == steps:
            return ""
        self.size.setCurrentIndex(self.add_size(*new))
        self.steps.setValue(new_steps)
        self.count.setValue(min(self.count.value(), cpu.count))
        return cpu.describe((width, height, steps), (*new, new_steps)) + " Change them here."

    def request(self, draw_seed: bool = True) -> GenerationRequest:
        """The builder's request for what the fields say (checked later, by the job);
        unlocked, a new seed is drawn into the Seed field first (``draw_seed``)."""
        if draw_seed and not self.lock_seed.isChecked():
            self.seed.setValue(random.randint(0, 2**31 - 1))
        width, height = (int(v) for v in self.size.currentData().split("x"))
        choices = Choices(
            self.prompt.toPlainText(), kind=self.kind.currentData(), style=self.style.currentData(),
            negative=self.negative.toPlainText(), seed=self.seed.value(), steps=self.steps.value(),
            cfg=self.cfg.value(), width=width, height=height,
            scheduler=self.scheduler.currentText(), strength=self.strength.value(),
            seamless=self.seamless.currentData(), options=self.options(),
        )  # fmt: skip
        return build_request(choices, check=False)

    def options(self) -> dict:
        """The declared generation options, as their fields say."""
        return {name: field_value(field) for name, (_o, field) in self.option_fields.items()}

    def _emit(self, signal) -> None:
        if self.generate.isEnabled():
            signal.emit(self.request(), self.count.value())


def _first_recipe(speed: str):
    """The recipe a speed prefers first (what its fields show), None for quality."""
    try:
        data = speed_data()
    except DgxPixelsError:
        return None
    ids = data.prefer.get(speed) or ()
    return data.recipes[ids[0]] if ids else None


def option_fields() -> dict[str, tuple[dict, QWidget]]:
    """A field for each declared generation option (presets/request-options.toml)."""
    try:
        options = declared()
    except DgxPixelsError:  # a damaged presets folder: the panel opens without them
        return {}
    fields = {}
    for name, option in options.items():
        if option["type"] == "bool":
            field = QCheckBox()
            field.setChecked(bool(option.get("default", False)))
        elif option["type"] == "choice":
            field = QComboBox()
            field.addItems(option["choices"])
            field.setCurrentText(str(option.get("default", option["choices"][0])))
        else:
            field = QSpinBox() if option["type"] == "int" else QDoubleSpinBox()
            field.setRange(option.get("min", -1e9), option.get("max", 1e9))
            field.setValue(option.get("default", 0))
        field.setToolTip(option.get("help", ""))
        field.setObjectName(f"option_{name}")
        fields[name] = (option, field)
    return fields


def field_value(field: QWidget):
    if isinstance(field, QComboBox):
        return field.currentText()
    return field.isChecked() if isinstance(field, QCheckBox) else field.value()


def _rgba(rgb):
    import numpy as np

    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
