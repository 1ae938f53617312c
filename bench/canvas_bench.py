"""Canvas speed, offscreen: a full repaint of the view, and one step of a pencil stroke.

    QT_QPA_PLATFORM=offscreen python bench/canvas_bench.py

Sprites of 64², 256² and 1024² with 8 layers of random pixels, viewed at 8x in a
1200x900 widget. "repaint" is a synchronous full paint of the widget; "stroke step"
is one mouse move of a pencil stroke (tool work, partial recomposite, partial
repaint); "recomposite" is compositing the whole frame, for comparison. Target on a
2-core machine: full repaint of 256² x 8 layers at 8x <= 4 ms median, and a stroke
step that costs its dirty rectangle, not the document (flat across sizes).

Then frame changes and playback: "frame change" is the canvas showing another frame
(composite from the per-frame cache, once warm) against compositing it from scratch
(target <= 16 ms at 1024² x 8 layers); "playback" plays 6 frames of 100 ms for 3 s
through the canvas and the Preview dock and reports the achieved frame time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from dgx_pixels_app.core.document import Cel, Sprite  # noqa: E402
from dgx_pixels_app.core.session import Session  # noqa: E402
from dgx_pixels_app.gui.canvas import CanvasView  # noqa: E402
from dgx_pixels_app.gui.playback import PlaybackController  # noqa: E402
from dgx_pixels_app.gui.preview_panel import PreviewPanel  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def make(size: int, layers: int = 8, frames: int = 1) -> Session:
    rng = np.random.default_rng(size)
    sprite = Sprite.new(size, size, layers=layers, frames=frames)
    for frame in sprite.frames:
        for i, layer in enumerate(sprite.layers):
            image = rng.integers(0, 256, (size, size, 4), dtype=np.uint8)
            image[..., 3] = np.where(rng.random((size, size)) < 0.3, 255, 0)
            sprite.cels[(layer.id, frame.id)] = Cel(image)
            layer.opacity = 255 if i % 2 else 200
    return Session(sprite)


class _OldPlayback(PlaybackController):
    """The baseline: the next frame's timer starts after the frame was drawn."""

    def _show(self, index: int) -> None:
        self.session.frame_index = index
        self.shown.append(index)
        self.frameShown.emit(index)
        self.timer.start(self.player.delay_ms())


def frames_and_playback(app, canvas, baseline: bool) -> list[tuple]:
    """``baseline``: the behaviour before the per-frame cache (a full recomposite on
    every frame change, delays counted from the end of drawing)."""
    rows = []
    preview = PreviewPanel()
    playback = _OldPlayback() if baseline else PlaybackController()
    stamps: list[float] = []

    def shown(index: int) -> None:
        stamps.append(time.perf_counter())
        canvas.refresh()
        preview.show_frame(index)
        app.processEvents()

    playback.frameShown.connect(shown)
    for size in (256, 1024):
        session = make(size, frames=6)
        for frame in session.sprite.frames:
            frame.duration_ms = 100
        if baseline:
            session.composites.get = lambda i, s=session: s.sprite.composite(i)
        canvas.set_session(session)
        preview.set_session(session)
        scratch = median_ms(lambda s=session: s.sprite.composite(3), 5)
        for i in range(6):  # warm the cache once, as the first loop of playback does
            session.composites.get(i)

        counter = iter(range(10**6))

        def change(s=session, n=counter):
            s.frame_index = next(n) % 6
            canvas.refresh()

        cached = median_ms(change, 6 if baseline else 30)
        stamps.clear()
        playback.start(session, None, loop=True)
        end = time.perf_counter() + 3.0
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)
        playback.stop()
        gaps = np.diff(stamps) * 1000
        rows.append((size, scratch, cached, float(np.mean(gaps)), float(np.max(gaps))))
    return rows


def main() -> int:
    app = QApplication.instance() or QApplication([])
    canvas = CanvasView()
    canvas.resize(1200, 900)
    canvas.show()
    rows = []
    for size in (64, 256, 1024):
        session = make(size)
        canvas.set_session(session)
        canvas.set_zoom(8)
        canvas.offset = QPointF(-size * 4 + 600, -size * 4 + 450)  # centre of the sprite in view
        app.processEvents()
        for _ in range(5):  # warm caches (checkerboard and grid patterns, scaled image)
            canvas.repaint()
        repaint = median_ms(canvas.repaint, 60)
        composite = median_ms(lambda s=session: s.sprite.composite(0), 10)
        cx = size // 2
        canvas.tools.press(cx, cx, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        steps = iter(range(1, 10_000))

        def stroke_step(cx=cx, steps=steps):
            n = next(steps)
            canvas.tools.move(cx + n % 40, cx + (n // 40) % 40)
            app.processEvents()  # Qt paints just the damaged region

        stroke = median_ms(stroke_step, 60)
        canvas.tools.release()
        rows.append((size, repaint, stroke, composite))
    print(
        f"{'sprite':>8} {'layers':>6} {'zoom':>5} {'full repaint ms':>16} {'stroke step ms':>15} {'recomposite ms':>15}"
    )
    base = rows[0][2]
    for size, repaint, stroke, composite in rows:
        print(
            f"{size:>6}^2 {8:>6} {'8x':>5} {repaint:>16.2f} {stroke:>15.2f} {composite:>15.2f}   stroke vs 64^2: {stroke / base:.2f}x"
        )
    print()
    print(f"{'':>9}{'sprite':>8} {'from scratch ms':>16} {'frame change ms':>16} "
          f"{'playback ms/frame (100 requested)':>34} {'worst':>7}")  # fmt: skip
    for label, baseline in (("before", True), ("after", False)):
        for size, scratch, cached, mean, worst in frames_and_playback(app, canvas, baseline):
            print(
                f"{label:>9}{size:>6}^2 {scratch:>16.1f} {cached:>16.2f} {mean:>34.1f} {worst:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
