"""A restart gives back what the artist had: prompt fields, LoRAs with weights and on/off,
the model (offered, or loaded when they chose so), and the CLI's default model."""

from PySide6.QtCore import Qt

from dgx_pixels_app.gui.main_window import MainWindow
from dgx_pixels_app.settings import load_settings, update_settings
from tests.gui.conftest import FakePrompter


def open_window(qtbot):
    win = MainWindow(prompter=FakePrompter())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def close_window(win, qtbot):
    win.prompter.save_answer = "discard"
    win.close()


def test_a_restart_restores_prompt_loras_and_model(qtbot, tiny_model):
    first = open_window(qtbot)
    panel = first.prompt_panel
    panel.kind.setCurrentIndex(panel.kind.count() - 1)
    panel.prompt.setPlainText("a knight with a blue cape")
    panel.negative.setPlainText("blurry")
    panel.size.setCurrentIndex(panel.add_size(64, 96))
    panel.steps.setValue(7)
    panel.count.setValue(2)
    panel.seed.setValue(1234)
    panel.lock_seed.setChecked(True)
    first.lora_panel.add_lora(str(tiny_model[1]), 0.65)
    first.lora_panel.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    first.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: first.prompt_panel.generate.isEnabled(), timeout=60000)
    kind = panel.kind.currentData()
    close_window(first, qtbot)

    saved = load_settings()
    assert saved.last_model == str(tiny_model[0])
    assert saved.default_model == str(tiny_model[0])  # the CLI's default follows the app

    second = open_window(qtbot)
    try:
        again = second.prompt_panel
        assert again.kind.currentData() == kind
        assert again.prompt.toPlainText() == "a knight with a blue cape"
        assert again.negative.toPlainText() == "blurry"
        assert again.size.currentData() == "64x96"
        assert (again.steps.value(), again.count.value(), again.seed.value()) == (7, 2, 1234)
        assert again.lock_seed.isChecked()
        loras = second.lora_panel.loras()
        assert [(lr.path, round(lr.weight, 2), lr.enabled) for lr in loras] == [
            (str(tiny_model[1]), 0.65, False)
        ]
        assert second.memory.last_model() == str(tiny_model[0])
    finally:
        close_window(second, qtbot)


def test_a_default_model_the_user_chose_is_kept(qtbot, tiny_model, tmp_path):
    update_settings(lambda s: setattr(s, "default_model", str(tmp_path / "mine")))
    win = open_window(qtbot)
    win.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: win.prompt_panel.generate.isEnabled(), timeout=60000)
    win.memory.model_loaded(str(tiny_model[0]))
    close_window(win, qtbot)
    saved = load_settings()
    assert saved.default_model == str(tmp_path / "mine")
    assert saved.last_model == str(tiny_model[0])


def test_damaged_memory_leaves_the_defaults(qtbot, tmp_path):
    def damage(s):
        s.prompt_fields = {"kind": "gone", "size": "axb", "steps": "many", "seed": "-5e99"}
        s.loras = ["not json", '{"path": 3}', f'{{"path": "{tmp_path}/gone.safetensors"}}']

    update_settings(damage)
    win = open_window(qtbot)
    try:
        assert win.lora_panel.loras() == []
        assert win.prompt_panel.steps.value() >= 1
        assert "gone.safetensors" in win.statusBar().currentMessage()
    finally:
        close_window(win, qtbot)


def test_restored_fields_are_not_replaced_by_the_cpu_proposal(qtbot, tiny_model):
    update_settings(lambda s: setattr(s, "prompt_fields", {"size": "1024x1024", "steps": "25"}))
    win = open_window(qtbot)
    try:
        win.models.load_model(str(tiny_model[0]))
        qtbot.waitUntil(lambda: win.prompt_panel.generate.isEnabled(), timeout=60000)
        assert win.prompt_panel.steps.value() == 25  # the artist's own, kept
        assert win.prompt_panel.size.currentData() == "1024x1024"
    finally:
        close_window(win, qtbot)


def test_a_failed_load_does_not_make_the_next_one_the_artists(qtbot, tiny_model, tmp_path):
    win = open_window(qtbot)
    try:
        win.models.load_model(str(tmp_path / "missing.safetensors"))
        qtbot.waitUntil(lambda: bool(win.prompter.errors), timeout=20000)
        win.jobs.load_model(str(tiny_model[0]))  # as an agent's or a batch's load would
        qtbot.waitUntil(lambda: win.jobs.model is not None, timeout=60000)
        qtbot.wait(200)
        assert load_settings().default_model == ""
    finally:
        close_window(win, qtbot)


def test_hostile_memory_opens_at_once_and_leaves_it_out(qtbot, tmp_path):
    import time

    def damage(s):
        s.prompt_fields = {"prompt": "x" * 2_000_000, "size": "-8x-8", "count": "nan"}
        s.loras = ["[" * 5000 + "]" * 5000, '{"path": "/dev/null", "weight": NaN}']

    update_settings(damage)
    started = time.perf_counter()
    win = open_window(qtbot)
    try:
        assert time.perf_counter() - started < 20  # not minutes
        assert win.prompt_panel.prompt.toPlainText() == ""
        assert win.prompt_panel.size.findData("-8x-8") < 0
        assert win.lora_panel.loras() == []
    finally:
        close_window(win, qtbot)
