"""The welcome view's three ways in, driven by clicks: models already here (scan, load),
the recommended set from a local server that speaks the hub's file API (a LoRA into the
dock; a base whose bytes do not match its SHA-256 refused), and the tiny test model."""

import shutil

import pytest
from PySide6.QtCore import Qt

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.settings import update_settings
from tests.hub_server import HubServer


def click(qtbot, button):
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_empty_window_opens_on_the_welcome_view(window):
    assert window.central.currentWidget() is window.welcome
    window.documents.new_document(16, 16)
    assert window.central.currentWidget() is window.canvas_area
    window.welcome_action.trigger()  # Help ▸ Getting Started, with a sprite open
    assert window.central.currentWidget() is window.welcome
    assert window.welcome.back.isVisible()


def test_getting_started_comes_back_to_the_sprite(window, qtbot):
    window.documents.new_document(16, 16)
    window.welcome_action.trigger()
    click(qtbot, window.welcome.back)
    assert window.central.currentWidget() is window.canvas_area


def test_models_already_here_are_found_and_loaded(window, qtbot, tiny_model, tmp_path):
    folder = tmp_path / "ComfyUI" / "models" / "checkpoints"
    shutil.copytree(tiny_model[0], folder / "tiny")
    window.documents.update_settings(lambda s: s.model_folders.append(str(folder.parent)))
    view = window.welcome
    click(qtbot, view.scan)
    qtbot.waitUntil(lambda: view.found.count() > 0, timeout=20000)
    assert "tiny" in view.found.item(0).text() and "Found 1" in view.found_note.text()
    click(qtbot, view.load_found)
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    # the settings file is written on the task runner: soon, not at once
    qtbot.waitUntil(lambda: app_settings.load_settings().last_model == str(folder / "tiny"),
                    timeout=10000)  # fmt: skip


@pytest.fixture
def online(monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


def pick(view, *ids):
    root = view.table.invisibleRootItem()
    for i in range(root.childCount()):
        item = root.child(i)
        wanted = item.data(0, Qt.ItemDataRole.UserRole) in ids
        item.setCheckState(0, Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


def test_the_recommended_set_downloads_into_the_loras_dock(window, qtbot, online):
    view = window.welcome
    entries = {e.id: e for e in view.entries}
    lora, base = entries["pixel-art-xl"], entries["sdxl-base"]
    files = {(lora.repo, lora.file): b"L" * 300_000, (base.repo, base.file): b"B" * 200_000}
    with HubServer(files) as hub:
        window.documents.update_settings(lambda s: setattr(s, "hub_endpoint", hub.endpoint))
        pick(view, lora.id)
        assert "1 file, about 171 MB" in view.total.text()
        click(qtbot, view.download)
        qtbot.waitUntil(lambda: not window.first_run.runner.busy, timeout=20000)
        assert "Downloaded and checked: Pixel Art XL" in view.fetch_note.text()
        loras = window.lora_panel.loras()
        assert [lr.path.rsplit("/", 1)[-1] for lr in loras] == ["pixel-art-xl.safetensors"]

        # the base from a mirror (its own ETag): the bytes are not the published SHA-256's,
        # so the file is deleted, never loaded
        hub.etag = '"mirror-etag"'
        pick(view, base.id)
        click(qtbot, view.download)
        qtbot.waitUntil(lambda: not window.first_run.runner.busy, timeout=20000)
    assert "does not match its published SHA-256" in view.fetch_note.text()
    assert window.prompter.errors == []  # said on the page, not in a popup as well
    assert not list(app_settings.models_dir().rglob(base.file))
    assert not window.prompt_panel.generate.isEnabled()  # nothing was loaded


def test_a_cancelled_download_says_it_resumes(window, qtbot, online):
    view = window.welcome
    lora = next(e for e in view.entries if e.id == "pixel-art-xl")
    with HubServer({(lora.repo, lora.file): b"L" * (4 << 20)}) as hub:
        hub.slow = 0.3
        window.documents.update_settings(lambda s: setattr(s, "hub_endpoint", hub.endpoint))
        pick(view, lora.id)
        click(qtbot, view.download)
        qtbot.waitUntil(lambda: view.cancel.isVisible(), timeout=5000)
        click(qtbot, view.cancel)
        qtbot.waitUntil(lambda: not window.first_run.runner.busy, timeout=20000)
    assert "resume" in view.fetch_note.text()
    assert window.prompter.errors == []  # a cancel is not an error


def test_try_it_now_makes_and_loads_the_test_model(window, qtbot):
    click(qtbot, window.welcome.try_button)
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=120000)
    panel = window.prompt_panel
    assert panel.size.currentData() == "128x128" and panel.steps.value() == 4
    assert window.session is not None and window.session.sprite.width == 64
    assert window.central.currentWidget() is window.canvas_area
    assert (app_settings.models_dir() / "tiny-test-model" / "model_index.json").is_file()
    qtbot.waitUntil(lambda: app_settings.load_settings().last_model.endswith("tiny-test-model"),
                    timeout=10000)  # offered next start (written on the task runner)  # fmt: skip
    assert app_settings.load_settings().default_model == ""  # random weights: never a default


def test_the_last_model_is_offered_or_loaded_at_start(qtbot, tiny_model):
    from dgx_pixels_app.gui.main_window import MainWindow
    from tests.gui.conftest import FakePrompter

    update_settings(lambda s: setattr(s, "last_model", str(tiny_model[0])))
    win = MainWindow(prompter=FakePrompter())
    qtbot.addWidget(win)
    win.show()
    win.first_run.start()
    assert win.welcome.load_last.isVisible() and "tiny" in win.welcome.last_label.text()
    assert win.jobs.model is None  # offered, not loaded
    click(qtbot, win.welcome.always)
    qtbot.waitUntil(lambda: app_settings.load_settings().load_last_model, timeout=5000)
    click(qtbot, win.welcome.load_last)
    qtbot.waitUntil(lambda: win.prompt_panel.generate.isEnabled(), timeout=60000)
    win.close()


def test_on_a_cpu_the_fields_propose_small_and_say_why(window, qtbot, tiny_model):
    panel = window.prompt_panel
    panel.size.setCurrentIndex(panel.add_size(1024, 1024))
    panel.steps.setValue(25)
    panel.count.setValue(4)
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: panel.generate.isEnabled(), timeout=60000)
    assert (panel.size.currentData(), panel.steps.value(), panel.count.value()) == ("512x512", 8, 1)
    assert any("On the CPU" in m and "1024×1024 at 25" in m for m in messages)
    panel.steps.setValue(20)  # the artist's choice after that stands on the next load
    window.models.load_model(str(tiny_model[0]))
    qtbot.wait(300)
    assert panel.steps.value() == 20


def test_rescan_from_the_menu_and_an_empty_training_start_are_said_not_crashes(
    window, qtbot, tmp_path
):
    from PySide6.QtWidgets import QMenu

    menu = QMenu()
    window.models.fill_models(menu)
    rescan = next(a for a in menu.actions() if a.text() == "Rescan")
    rescan.trigger()  # Qt passes checked=False: never taken for a callback
    qtbot.waitUntil(lambda: "Found" in window.statusBar().currentMessage(), timeout=10000)
    window.train_action.trigger()
    dialog = window.models.train_dialog
    dialog.folder.setText("")
    dialog.output.setText("")
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert "reference sprites" in dialog.status.text() and dialog.process is None
    dialog.folder.setText(str(tmp_path))
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert ".safetensors" in dialog.status.text() and dialog.process is None
    dialog.close()
