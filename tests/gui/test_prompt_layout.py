"""Generate in reach: at the first start's 1280×800 the Generate and Cancel buttons are
on screen without scrolling (the fields scroll above them), and the wheel over a field
that was not clicked scrolls the fields instead of changing a value unseen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def test_generate_is_in_view_at_1280_by_800(window, qtbot):
    window.resize(1280, 800)
    qtbot.wait(50)
    panel = window.prompt_panel
    for button in (panel.generate, panel.cancel, panel.from_frame, panel.inpaint):
        assert button.isVisible() and not button.visibleRegion().isEmpty()
        assert button.mapTo(window, QPoint(0, button.height())).y() <= window.height()
    assert panel.fields.verticalScrollBar().maximum() > 0  # the fields scroll instead


def test_the_wheel_over_an_unclicked_field_scrolls(window, qtbot):
    panel = window.prompt_panel
    window.resize(1280, 800)
    qtbot.wait(50)
    cfg, bar = panel.cfg, panel.fields.verticalScrollBar()
    before, scrolled = cfg.value(), bar.value()
    centre = QPointF(cfg.width() / 2, cfg.height() / 2)
    wheel = QWheelEvent(centre, cfg.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(cfg, wheel)
    assert cfg.value() == before and bar.value() > scrolled
    cfg.setFocus()
    QApplication.sendEvent(cfg, wheel)
    assert cfg.value() != before  # clicked into, it takes the wheel as before
