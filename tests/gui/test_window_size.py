"""The window keeps its size when generation starts: the progress bar and the live
preview take space that was kept for them, they do not push the window taller."""

from PySide6.QtCore import Qt


def test_generation_does_not_resize_the_window(window, qtbot, tiny_model):
    window.resize(1100, 560)
    qtbot.wait(50)
    window.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    before = window.size()
    dock_before = window.docks["Prompt"].size()
    panel = window.prompt_panel
    panel.size.setCurrentIndex(panel.add_size(128, 128))
    panel.steps.setValue(6)
    panel.count.setValue(1)
    panel.prompt.setPlainText("a knight")
    qtbot.mouseClick(panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.preview.isVisible(), timeout=30000)
    assert panel.progress.isVisible()
    assert window.size() == before
    assert window.docks["Prompt"].size() == dock_before
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 1, timeout=30000)
    assert window.size() == before
