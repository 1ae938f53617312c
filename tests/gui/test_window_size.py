"""The window keeps its size when generation starts: the progress bar and the live
preview take space that was kept for them, they do not push the window taller.

Sizes are sampled at every progress step, after the window has handled it (a fast
machine finishes a small job before a polling test sees the preview at all)."""

from PySide6.QtCore import Qt, QTimer


def test_generation_does_not_resize_the_window(window, qtbot, tiny_model):
    window.resize(1100, 560)
    qtbot.wait(50)
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    before = window.size()
    dock_before = window.docks["Prompt"].size()
    panel = window.prompt_panel
    panel.size.setCurrentIndex(panel.add_size(128, 128))
    panel.steps.setValue(6)
    panel.count.setValue(1)
    panel.prompt.setPlainText("a knight")
    seen = []

    def sample() -> None:
        seen.append((panel.preview.isVisible(), panel.progress.isVisible(), window.size(),
                     window.docks["Prompt"].size()))  # fmt: skip

    window.jobs.jobProgress.connect(lambda *_: QTimer.singleShot(0, sample))
    qtbot.mouseClick(panel.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 1, timeout=60000)
    qtbot.wait(50)
    assert seen and any(preview and progress for preview, progress, _, _ in seen), seen
    assert all(size == before and dock == dock_before for _, _, size, dock in seen), seen
    assert window.size() == before
