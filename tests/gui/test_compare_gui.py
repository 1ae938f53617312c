import numpy as np

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.gui.compare_dialog import CompareDialog


def test_compare_two_lora_configs_side_by_side_and_pick(window, qtbot, tiny_model):
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.prompt_panel.generate.isEnabled(), timeout=60000)
    request = GenerationRequest("a knight", seed=3, steps=2, width=64, height=64)
    dialog = CompareDialog(window.jobs, request, [], window)
    qtbot.addWidget(dialog)
    dialog.loras[1].setText(f"{tiny_model[1]}:1.0")
    dialog.run()
    qtbot.waitUntil(lambda: len(dialog.items) == 2, timeout=60000)
    a, b = dialog.items[0], dialog.items[1]
    assert a.request.seed == b.request.seed == 3
    assert not np.array_equal(a.image, b.image)  # the LoRA made a difference
    assert "LoRAs: none" in dialog.labels[0].text() and "test-lora" in dialog.labels[1].text()
    dialog.picks[1].setChecked(True)
    dialog._use()
    assert dialog.winner is b
