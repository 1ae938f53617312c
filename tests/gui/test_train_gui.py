"""Model ▸ Train LoRA…: the dialog starts the trainer in its own process, shows the loss
and the samples, and the finished LoRA appears in the LoRA dock; the loaded model steps
aside while training and comes back after."""

from pathlib import Path

from PySide6.QtCore import Qt

from tests.training.test_training import make_dataset


def test_train_from_the_window(window, qtbot, tiny_model, tmp_path):
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.jobs.model is not None, timeout=60000)
    folder = make_dataset(tmp_path / "refs")
    window.train_action.trigger()
    dialog = window.models.train_dialog
    assert "is unloaded while training" in dialog.memory.text()
    dialog.folder.setText(str(folder))
    dialog._show_folder()
    assert dialog.thumbs.count() == 4 and "1 caption file" in dialog.summary.text()
    assert dialog.output.text().endswith("refs-style.safetensors")
    for spin, value in ((dialog.steps, 6), (dialog.rank, 2), (dialog.batch, 1), (dialog.resolution, 128),
                        (dialog.sample_every, 3)):  # fmt: skip
        spin.setValue(value)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.jobs.model is None, timeout=10000)  # stepped aside
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=240000)
    assert dialog.plot.steps == [1, 2, 3, 4, 5, 6] and dialog.progress.value() == 6
    assert len(dialog.plot.raw) == len(dialog.plot.smoothed) == 6
    assert dialog.sample._data is not None  # a sample image was shown
    assert [lora.path for lora in window.lora_panel.loras()] == [dialog.output.text()]
    qtbot.waitUntil(lambda: window.jobs.model is not None, timeout=60000)  # and back
    first = dialog.output.text()
    log = first.replace(".safetensors", ".train.jsonl")
    finished_log = Path(log).read_text()

    # a second run: asked about the first one's files, a clean slate, nothing replaced
    asked = []
    dialog.ask_earlier_run = lambda name, files: asked.append(files) or "rename"
    dialog.steps.setValue(2)
    dialog.sample_every.setValue(0)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert asked and "refs-style.safetensors" in asked[0] and "refs-style.train.jsonl" in asked[0]
    assert dialog.output.text().endswith("refs-style-2.safetensors")
    assert dialog.plot.steps == [] and dialog.progress.value() == 0 and dialog.sample._data is None
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=240000)
    assert Path(log).read_text() == finished_log  # the first run's loss log is kept
    assert dialog.plot.steps == [1, 2]

    dialog.ask_earlier_run = lambda name, files: "cancel"
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert dialog.state == "done"  # nothing started
    dialog.close()
