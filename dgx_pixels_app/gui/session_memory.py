"""What the window remembers from one start to the next: the Prompt dock's fields, the
LoRAs dock (paths, weights, on/off) and the last model loaded, which also becomes the
command line's and the agents' default unless the user chose another.

Kept in the settings file (its one owner), written through the window's
``update_settings`` (on the task runner: the UI thread never waits on the disk).
A value that no longer fits (a kind removed from the presets, a LoRA file gone) is
left at the panel's default and said once in the status bar.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QPlainTextEdit, QWidget

from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel, field_value

SAVE_DELAY_MS = 800  # a burst of changes (a weight dragged) is written once
MAX_TEXT = 8000  # a restored prompt longer than this is left out (a hand-edited file…)
MAX_SIDE = 4096


def prompt_state(panel: PromptPanel) -> dict[str, str]:
    state = {
        "kind": panel.kind.currentData() or "", "style": panel.style.currentData() or "",
        "prompt": panel.prompt.toPlainText(), "negative": panel.negative.toPlainText(),
        "size": panel.size.currentData() or "", "steps": str(panel.steps.value()),
        "cfg": str(panel.cfg.value()), "scheduler": panel.scheduler.currentText(),
        "seed": str(panel.seed.value()), "lock_seed": "1" if panel.lock_seed.isChecked() else "",
        "count": str(panel.count.value()), "strength": str(panel.strength.value()),
        "seamless": panel.seamless.currentData() or "",
    }  # fmt: skip
    for name, (_option, field) in panel.option_fields.items():
        value = field_value(field)
        state[f"option:{name}"] = ("1" if value else "") if isinstance(value, bool) else str(value)
    return state


def restore_prompt(panel: PromptPanel, state: dict[str, str]) -> None:
    """Kind first (it sets size, steps, CFG and sampler), then the speed option (its
    recipe sets steps and CFG), then every field whose saved value still fits."""
    _combo_data(panel.kind, state.get("kind"))
    options = panel.option_fields
    if "speed" in options:
        _set_field(options["speed"][1], state.get("option:speed"))
    _combo_data(panel.style, state.get("style"))
    for field, key in ((panel.prompt, "prompt"), (panel.negative, "negative")):
        text = state.get(key, "")
        if isinstance(text, str) and len(text) <= MAX_TEXT:
            field.setPlainText(text)
    try:
        width, height = (int(v) for v in str(state.get("size", "")).split("x"))
    except ValueError:
        width = height = 0
    if 64 <= width <= MAX_SIDE and 64 <= height <= MAX_SIDE and not (width % 8 or height % 8):
        panel.size.setCurrentIndex(panel.add_size(width, height))
    for name in ("steps", "cfg", "seed", "count", "strength"):
        _set_number(getattr(panel, name), state.get(name))
    if state.get("scheduler") and panel.scheduler.findText(state["scheduler"]) >= 0:
        panel.scheduler.setCurrentText(state["scheduler"])
    panel.lock_seed.setChecked(bool(state.get("lock_seed")))
    _combo_data(panel.seamless, state.get("seamless"))
    for name, (_option, field) in options.items():
        if name != "speed":
            _set_field(field, state.get(f"option:{name}"))


def _combo_data(combo: QComboBox, data: str | None) -> None:
    index = combo.findData(data) if data is not None else -1
    if index >= 0:
        combo.setCurrentIndex(index)


def _set_number(field, text: str | None) -> None:
    if not text:
        return
    try:
        value = min(max(float(text), field.minimum()), field.maximum())  # inf: clamped
    except (ValueError, OverflowError):
        return
    if value == value:  # NaN is left out
        field.setValue(int(value) if isinstance(field.value(), int) else value)


def _set_field(field: QWidget, text: str | None) -> None:
    if text is None:
        return
    if isinstance(field, QCheckBox):
        field.setChecked(bool(text))
    elif isinstance(field, QComboBox):
        if field.findText(text) >= 0:
            field.setCurrentText(text)
    else:
        _set_number(field, text)


def lora_state(panel: LoraPanel) -> list[str]:
    return [
        json.dumps({"path": lora.path, "weight": lora.weight, "enabled": lora.enabled})
        for lora in panel.loras()
    ]


def restore_loras(panel: LoraPanel, entries: list[str]) -> list[str]:
    """Puts the saved LoRAs back; returns the names of those whose file is gone."""
    missing = []
    for entry in entries:
        try:
            data = json.loads(entry)
            path, weight = str(data["path"]), float(data.get("weight", 1.0))
        except (ValueError, TypeError, KeyError, RecursionError):
            continue
        if weight != weight or len(path) > MAX_TEXT:  # NaN, or no path anyone typed
            continue
        if not Path(path).is_file():
            missing.append(Path(path).name)
            continue
        panel.add_lora(path, max(-2.0, min(2.0, weight)))
        if not data.get("enabled", True):
            panel.table.item(panel.table.rowCount() - 1, 0).setCheckState(Qt.CheckState.Unchecked)
    return missing


def watch_fields(panel: PromptPanel, slot: Callable[[], None]) -> None:
    """``slot`` after any change of the Prompt dock's fields."""
    inner = panel.fields.widget()
    for field in inner.findChildren(QPlainTextEdit):
        field.textChanged.connect(slot)
    for field in inner.findChildren(QComboBox):
        field.currentIndexChanged.connect(slot)
    for field in inner.findChildren(QAbstractSpinBox):
        field.editingFinished.connect(slot)
        field.valueChanged.connect(slot)
    for field in inner.findChildren(QCheckBox):
        field.toggled.connect(slot)


class SessionMemory(QObject):
    """Restores the panels at start and writes them back after a change settles."""

    def __init__(self, *, settings, update_settings: Callable, prompt: PromptPanel,
                 loras: LoraPanel, status: Callable[[str, int], None],
                 parent: QObject) -> None:  # fmt: skip
        super().__init__(parent)
        self.settings, self.update_settings = settings, update_settings
        self.prompt, self.loras, self.status = prompt, loras, status
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)

    def restore(self) -> None:
        restore_prompt(self.prompt, dict(self.settings.prompt_fields))
        missing = restore_loras(self.loras, list(self.settings.loras))
        if missing:
            self.status(f"LoRA files no longer found: {', '.join(missing)}", 10000)
        self.loras.lorasChanged.connect(self.later)
        watch_fields(self.prompt, self.later)  # a crash or a kill loses a second at most

    def later(self) -> None:
        self._timer.start()

    def save(self) -> None:
        self._timer.stop()
        self._latest = (prompt_state(self.prompt), lora_state(self.loras))

        def change(settings) -> None:  # the newest state when it runs: never an older one
            settings.prompt_fields, settings.loras = self._latest

        self.update_settings(change)

    def model_loaded(self, path: str, as_default: bool = True) -> None:
        """The model offered next start; with ``as_default`` (not the tiny test model) also
        the CLI's and the agents' default, unless the default is one the user chose (it
        differs from the model the app loaded before)."""

        def change(settings) -> None:
            # the default follows the app while it is the one the app set (or none)
            if as_default and settings.default_model in ("", settings.app_default):
                settings.default_model = settings.app_default = path
            settings.last_model = path

        self.update_settings(change)

    def last_model(self) -> str | None:
        path = self.settings.last_model
        return path if path and Path(path).exists() else None
