"""Generation from the window: progress, results, layers with provenance, inpaint, cancel,
while the UI thread keeps processing events."""

import numpy as np
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.session import Session


def load(window, qtbot, tiny_model):
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    assert "loaded in" in window.model_label.text()


def small(window, size=64, steps=3, count=2):
    panel = window.prompt_panel
    panel.size.setCurrentIndex(panel.add_size(size, size))
    panel.steps.setValue(steps)
    panel.count.setValue(count)
    panel.prompt.setPlainText("a knight")


def test_generate_shows_progress_and_results_while_ui_runs(window, qtbot, tiny_model):
    load(window, qtbot, tiny_model)
    small(window, size=256, steps=4)
    progress = []
    window.jobs.jobProgress.connect(
        lambda _id, step, total, preview: progress.append((step, total))
    )
    ticks, gaps, clock = [], [], QElapsedTimer()
    clock.start()

    def tick():
        gaps.append(clock.restart())
        ticks.append(1)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    qtbot.mouseClick(window.prompt_panel.generate, Qt.MouseButton.LeftButton)
    assert window.prompt_panel.cancel.isEnabled()
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 2, timeout=60000)
    timer.stop()
    assert progress[-1] == (4, 4) and len(progress) >= 4
    assert len(ticks) > 5  # the event loop kept running during the job
    assert window.results_panel.items[0].image.shape == (256, 256, 4)
    assert "it/s" in window.speed_label.text()
    assert "a knight" in window.results_panel.list.item(0).toolTip()
    assert not window.prompt_panel.cancel.isEnabled()


def test_result_becomes_a_layer_with_its_generation_metadata(window, qtbot, tiny_model):
    load(window, qtbot, tiny_model)
    window.documents.new_document(32, 32)
    small(window, count=1)
    window.prompt_panel.lock_seed.setChecked(True)
    window.prompt_panel.seed.setValue(1234)
    window.lora_panel.add_lora(str(tiny_model[1]), 0.7)
    qtbot.mouseClick(window.prompt_panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 1, timeout=60000)
    window.results_panel.pixelize.setChecked(False)
    window.results_panel.list.setCurrentRow(0)
    window.results_panel._add()
    sprite = window.session.sprite
    qtbot.waitUntil(lambda: len(sprite.layers) == 2, timeout=10000)
    cel = sprite.cel(sprite.layers[1].id, sprite.frames[0].id)
    assert cel.generation.seed == 1234 and "a knight" in cel.generation.prompt
    assert cel.generation.loras[0].weight == 0.7 and cel.generation.loras[0].path == str(
        tiny_model[1]
    )
    assert cel.image.shape == (32, 32, 4) and cel.image[..., 3].all()
    window.undo_action.trigger()
    assert len(sprite.layers) == 1


def test_inpaint_selection_only_fills_the_selection(window, qtbot, tiny_model):
    load(window, qtbot, tiny_model)
    sprite = Sprite.new(16, 16)
    window.documents.set_session(Session(sprite))
    canvas = window.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_pos(4, 5))
    qtbot.mouseMove(canvas, canvas.widget_pos(9, 10))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_pos(9, 10))
    assert window.session.selection == (4, 5, 6, 6)
    small(window, count=1)
    window.prompt_panel.size.setCurrentIndex(window.prompt_panel.add_size(512, 512))
    qtbot.mouseClick(window.prompt_panel.inpaint, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 1, timeout=60000)
    assert window.results_panel.items[0].request.mode == "inpaint"
    window.results_panel._add()
    qtbot.waitUntil(lambda: len(sprite.layers) == 2, timeout=10000)
    alpha = sprite.cel(sprite.layers[1].id, sprite.frames[0].id).image[..., 3] > 0
    expected = np.zeros((16, 16), bool)
    expected[5:11, 4:10] = True
    assert np.array_equal(alpha, expected)


def test_inpaint_without_selection_explains(window, qtbot, tiny_model):
    load(window, qtbot, tiny_model)
    window.documents.new_document(16, 16)
    small(window, count=1)
    qtbot.mouseClick(window.prompt_panel.inpaint, Qt.MouseButton.LeftButton)
    assert "press M" in window.prompter.errors[-1]


def test_cancel_a_running_job(window, qtbot, tiny_model):
    load(window, qtbot, tiny_model)
    small(window, size=256, steps=60, count=1)
    cancelled = []
    window.jobs.jobCancelled.connect(lambda job, text: cancelled.append(text))
    window.jobs.jobProgress.connect(lambda *_: window.prompt_panel.cancel.click())
    qtbot.mouseClick(window.prompt_panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(cancelled), timeout=60000)
    assert "Cancelled after" in cancelled[0]
    assert window.results_panel.list.count() == 0


def test_bad_model_path_shows_error_and_app_keeps_running(window, qtbot, tmp_path):
    (tmp_path / "evil.ckpt").write_bytes(b"pickle")
    window.models.load_model(str(tmp_path / "evil.ckpt"))
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=10000)
    assert "pickle" in window.prompter.errors[-1]
    assert not window.prompt_panel.generate.isEnabled()


def test_unload_runs_on_the_queue_not_the_window(window, qtbot, tiny_model):
    load(window, qtbot, tiny_model)
    window.models.unload_model()
    assert window.model_label.text() == "Unloading…"  # the window did not wait for it
    qtbot.waitUntil(lambda: window.model_label.text() == "No model", timeout=10000)
    assert window.jobs.model is None
    assert not window.prompt_panel.generate.isEnabled()


def test_declared_options_have_a_row_and_reach_the_request(window, qtbot):
    from PySide6.QtWidgets import QSpinBox

    panel = window.prompt_panel
    field = panel.findChild(QSpinBox, "option_clip_skip")
    assert field is not None and field.maximum() == 4 and "text encoders" in field.toolTip()
    field.setValue(2)
    panel.prompt.setPlainText("a frog")
    assert panel.request().clip_skip == 2


def test_turbo_speed_from_the_panel_makes_the_engines_turbo_image(window, qtbot, tiny_model):
    """Speed ▸ turbo: steps, CFG and sampler are the recipe's (their fields say so, greyed),
    the job finds the Lightning LoRA in the LoRA folder, and the image is the engine's."""
    from PySide6.QtWidgets import QComboBox

    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.jobs.requests import Choices, build_request
    from dgx_pixels_app.settings import models_dir

    (models_dir() / "loras").mkdir(parents=True, exist_ok=True)
    lora = models_dir() / "loras" / "sdxl_lightning_4step_lora.safetensors"
    lora.write_bytes(tiny_model[1].read_bytes())
    load(window, qtbot, tiny_model)
    small(window, count=1)
    panel = window.prompt_panel
    panel.lock_seed.setChecked(True)
    panel.seed.setValue(5)
    speed = panel.findChild(QComboBox, "option_speed")
    speed.setCurrentText("turbo")
    assert not panel.steps.isEnabled() and "recipe" in panel.cfg.toolTip()
    assert (panel.steps.value(), panel.cfg.value()) == (4, 0.0)  # what will run
    qtbot.mouseClick(panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 1, timeout=60000)
    item = window.results_panel.items[0]
    assert (item.request.recipe, item.request.steps) == ("lightning-4step", 4)
    engine = Engine()  # a fresh one: the same weights the app loaded
    engine.load(tiny_model[0])
    expected = engine.generate(build_request(Choices(
        "a knight", kind=panel.kind.currentData(), style=panel.style.currentData(), seed=5,
        width=64, height=64, options={"speed": "turbo"}))).images[0]  # fmt: skip
    assert np.array_equal(item.image, expected)
    speed.setCurrentText("quality")
    assert panel.steps.isEnabled() and panel.steps.value() == 3  # the person's again


def test_with_compile_on_loading_warms_up_on_the_jobs_thread(window, qtbot, tiny_model,
                                                            monkeypatch):  # fmt: skip
    """Compile switched on: right after the load a one-step image at the panel's size
    runs (nothing reaches Results) and the status bar says what it did."""
    from dgx_pixels_app.engine import speedups

    compiled = []
    monkeypatch.setattr(speedups, "compile_unet", lambda unet: compiled.append(unet))
    window.models.toggle_engine(True, "compile_unet")
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    small(window, size=128, count=4)
    window.prompt_panel.seed.setValue(7)
    images = []
    window.jobs.jobFinished.connect(lambda job, result: images.append(len(result.items)))
    load(window, qtbot, tiny_model)
    qtbot.waitUntil(lambda: any("UNet compiled for 128×128" in m for m in messages), timeout=60000)
    assert any("Compiling the UNet for 128×128" in m for m in messages)
    assert compiled and window.results_panel.list.count() == 0
    assert images[-1] == 1  # one image, not Count's four
    assert window.prompt_panel.seed.value() == 7  # no seed drawn for it


def test_turbo_without_a_distilled_lora_says_which_to_get(window, qtbot, tiny_model):
    from PySide6.QtWidgets import QComboBox

    load(window, qtbot, tiny_model)
    small(window, count=1)
    window.prompt_panel.findChild(QComboBox, "option_speed").setCurrentText("turbo")
    qtbot.mouseClick(window.prompt_panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=30000)
    assert "needs a distilled LoRA" in window.prompter.errors[-1]
    assert "sdxl_lightning_4step_lora.safetensors" in window.prompter.errors[-1]
    assert window.prompt_panel.generate.isEnabled()  # and the app goes on
