"""Model ▸ Batch Generate… in the window: the dialog driven with real key and mouse
events, the batch's images landing in the Results dock and on disk, its cost in the
Metrics dock and the status bar."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from dgx_pixels_app.gui.batch_dialog import BatchDialog, BatchSpec
from dgx_pixels_app.jobs.metrics import JobMetrics


def test_dialog_collects_the_items_and_options(qtbot, tmp_path):
    dialog = BatchDialog(str(tmp_path / "out"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.items, "iron sword")
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.items, "# not an item")
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.items, "wooden shield")
    dialog.count.setValue(3)
    assert dialog.summary.text() == "2 items → 6 images"
    dialog.style.setCurrentIndex(dialog.style.findData("16bit"))
    dialog.size.selectAll()
    qtbot.keyClicks(dialog.size, "32")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == BatchDialog.DialogCode.Accepted
    spec = dialog.spec()
    assert spec.items_text.splitlines() == ["iron sword", "# not an item", "wooden shield"]
    assert (spec.kind, spec.style, spec.size, spec.count) == ("item", "16bit", 32, 3)
    assert spec.seed is None and spec.steps is None and spec.output == str(tmp_path / "out")


def test_batch_from_the_window_lands_in_results_on_disk_and_in_metrics(
    window, qtbot, tiny_model, tmp_path
):
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.jobs.model is not None, timeout=60000)
    out = tmp_path / "batch"
    window.prompter.batch_answer = BatchSpec(
        items_text="slime\nbat\n", items_file="", output=str(out), size=16, steps=2,
        seed=4, resolution=64,
    )  # fmt: skip
    window.batch_action.trigger()
    qtbot.waitUntil(lambda: window.results_panel.list.count() == 2, timeout=60000)
    qtbot.waitUntil(lambda: (out / "index.png").exists(), timeout=30000)
    assert sorted(p.name for p in out.glob("*.png")) == ["bat.png", "index.png", "slime.png"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["done"] == 2
    # the model load's own row may come first: wait for the batch's row to be the newest
    qtbot.waitUntil(
        lambda: (
            bool(window.metrics_panel.metrics)
            and window.metrics_panel.metrics[0].label == "batch batch"
        ),
        timeout=10000,
    )
    newest = window.metrics_panel.metrics[0]
    assert newest.label == "batch batch" and newest.images == 2
    assert window.metrics_panel.table.item(0, 2).text() == "2"
    assert "2 images" in window.speed_label.text()
    assert [r.seed for r in (i.request for i in window.results_panel.items)] == [5, 4]


def test_batch_needs_a_model_and_reports_bad_lists(window, qtbot, tiny_model, tmp_path):
    window.batch_action.trigger()
    assert "Load a model first" in window.prompter.errors[-1]
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.jobs.model is not None, timeout=60000)
    window.prompter.batch_answer = BatchSpec(
        items_text="sword\n", items_file="", output=str(tmp_path / "o"), style="vaporwave"
    )
    window.batch_action.trigger()
    qtbot.waitUntil(lambda: len(window.prompter.errors) == 2, timeout=10000)
    assert "unknown style 'vaporwave'" in window.prompter.errors[-1]
    assert not (tmp_path / "o").exists()


def test_metrics_dock_shows_the_log_at_start(qtbot, tmp_path, isolated_home):
    from dgx_pixels_app.gui.main_window import MainWindow
    from dgx_pixels_app.jobs.metrics import MetricsLog
    from tests.gui.conftest import FakePrompter

    MetricsLog().append(JobMetrics(7, "batch items", "ray", "finished", images=12,
                                   seconds_per_image=1.5, it_per_second=20.0))  # fmt: skip
    win = MainWindow(prompter=FakePrompter())
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.metrics_panel.table.rowCount() == 1, timeout=10000)
    row = [win.metrics_panel.table.item(0, c).text() for c in range(4)]
    assert row == ["batch items", "finished", "12", "1.50"]
    win.prompter.save_answer = "discard"
    win.close()
