"""Fuzzing that reaches the decoders: PNG, APNG and ``.aseprite`` files damaged inside
valid framing (see structured.py). Each opens or raises the app's own error, and a
good share of them must open — a fuzzer whose inputs never pass the checksum tests
nothing. The shares are printed (``-s``) and written to ``$DGX_FUZZ_REPORT`` if set.

    bash packaging/bootstrap.sh test tests/fuzz --hypothesis-profile=long -s
"""

from __future__ import annotations

import io
import json
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from PIL import Image

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.formats.documents import open_document
from tests.fuzz.structured import (
    ase_build,
    ase_damage,
    ase_frames,
    png_build,
    png_chunks,
    png_damage,
)

MAX_SECONDS = 5.0
# The least share of damaged inputs that must still open: they reached the decoder's
# logic, past every checksum. Measured (200 / 4,000 examples): PNG 41 / 35 %,
# APNG 39 / 21 %, .aseprite 57 / 43 %.
MIN_OPENED = {"png": 0.2, "apng": 0.1, "aseprite": 0.2}
STATS: dict[str, Counter] = {name: Counter() for name in MIN_OPENED}


def _png(animated: bool) -> bytes:
    rng = np.random.default_rng(5)
    frames = [Image.fromarray(rng.integers(0, 255, (9, 11, 4), dtype=np.uint8), "RGBA")
              for _ in range(3)]  # fmt: skip
    out = io.BytesIO()
    if animated:
        frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:],
                       duration=[70, 80, 90], disposal=[0, 1, 2], blend=[0, 1, 0])  # fmt: skip
    else:
        frames[0].save(out, format="PNG")
    return out.getvalue()


def _aseprite() -> bytes:
    from dgx_pixels_app.core.generation import GenerationRequest
    from dgx_pixels_app.formats import aseprite
    from tests.reliability.scenarios import sprite

    doc = sprite(4, size=12)
    layer, frame = doc.layers[0].id, doc.frames[0].id
    doc.cels[(layer, frame)].generation = GenerationRequest("a knight", seed=3)
    return aseprite.to_bytes(doc)


SAMPLES = {
    "png": (".png", _png(False)),
    "apng": (".png", _png(True)),
    "aseprite": (".aseprite", _aseprite()),
}
DAMAGE = {"png": png_damage, "apng": png_damage, "aseprite": ase_damage}


def test_the_mutators_rebuild_valid_files_exactly():
    assert png_build(png_chunks(SAMPLES["apng"][1])) == SAMPLES["apng"][1]
    assert ase_build(*ase_frames(SAMPLES["aseprite"][1])) == SAMPLES["aseprite"][1]


def _open(name: str, data: bytes, folder: Path) -> None:
    path = folder / f"x{SAMPLES[name][0]}"
    path.write_bytes(data)
    start = time.perf_counter()
    try:
        sprite = open_document(path)
        assert sprite.width > 0 and sprite.frames
        STATS[name]["opened"] += 1
    except DgxPixelsError as exc:
        assert str(exc), "an error without a message"
        STATS[name]["refused"] += 1
    assert time.perf_counter() - start < MAX_SECONDS


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_damage_inside_valid_framing_opens_or_says_why(name, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"fuzz-{name}")

    @given(DAMAGE[name](SAMPLES[name][1]))
    def run(data):
        _open(name, data, folder)

    run()
    counts = STATS[name]
    total = counts["opened"] + counts["refused"]
    share = counts["opened"] / max(1, total)
    print(f"\n{name}: {total} damaged files, {share:.0%} opened, {counts['refused']} refused "
          "with a message, 0 unhandled")  # fmt: skip
    if os.environ.get("DGX_FUZZ_REPORT"):
        report = Path(os.environ["DGX_FUZZ_REPORT"])
        data = json.loads(report.read_text()) if report.exists() else {}
        data[name] = {"examples": total, "opened": counts["opened"], "refused": counts["refused"]}
        report.write_text(json.dumps(data, indent=1))
    assert share >= MIN_OPENED[name], (
        f"only {share:.0%} of damaged {name} files got past the framing"
    )
