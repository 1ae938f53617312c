"""The saves the crash harness kills: each prepares an "old" state in a folder and then
saves over it with the app's own writer. Deterministic (the clock and pid are fixed
where a file records them), so "old" and "new" are exact bytes to compare with.

Imported by the zygote (which runs ``prepare`` and, in a forked child, ``save``) and
by the tests (which run ``check``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def sprite(seed: int, size: int = 48, frames: int = 3):
    from dgx_pixels_app.core.document import Cel, Direction, Sprite, Tag

    doc = Sprite.new(size, size, layers=2, frames=frames)
    rng = np.random.default_rng(seed)
    for layer in doc.layers:
        for frame in doc.frames:
            image = rng.integers(0, 256, (size, size, 4), dtype=np.uint8)
            image[..., 3] = np.where(image[..., 3] > 100, 255, 0)
            image[image[..., 3] == 0] = 0
            doc.cels[(layer.id, frame.id)] = Cel(image)
    doc.tags = [Tag("walk", 0, frames - 1, Direction.PINGPONG)]
    return doc


@dataclass
class Scenario:
    name: str
    prepare: Callable[[Path], None]  # the old state (may be empty: a Save As)
    save: Callable[[Path], None]  # the writer under test, over the old state
    ignore: tuple[str, ...] = (".*.tmp",)  # leftovers a kill may leave (cleaned by the next save)
    volatile: tuple[str, ...] = ()  # files checked by ``check`` instead of byte for byte
    check: Callable[[Path], list[str]] = field(default=lambda folder: [])


def _save_document(seed: int, name: str):
    def save(folder: Path) -> None:
        from dgx_pixels_app.formats.documents import save_document

        save_document(sprite(seed), folder / name)

    return save


def _sheet(seed: int):
    def save(folder: Path) -> None:
        from dgx_pixels_app.formats.sheet import SheetOptions
        from dgx_pixels_app.formats.sheet_json import write_sheet_files

        write_sheet_files(sprite(seed), SheetOptions(columns=2), folder / "hero.png")

    return save


def _game(folder: Path) -> Path:
    game = folder / "game"
    (game / "assets").mkdir(parents=True, exist_ok=True)
    (game / "Cargo.toml").write_text("[package]\n")
    return game


def _bevy(seed: int, first: bool = False):
    def save(folder: Path) -> None:
        from dgx_pixels_app.formats.bevy import export_to_bevy

        game = _game(folder) if first else folder / "game"  # the project is there already
        export_to_bevy(sprite(seed), game, "hero", include_aseprite=True)

    return save


def _bevy_check(folder: Path) -> list[str]:
    """Every asset file there is one DGX-Pixels knows it wrote (else the next export
    would refuse it as hand-made)."""
    import hashlib

    from dgx_pixels_app.formats.deploy import read_record

    game = folder / "game"
    record = read_record(game)
    problems = []
    for path in sorted((game / "assets").rglob("hero*")):
        key = path.relative_to(game).as_posix()
        if hashlib.sha256(path.read_bytes()).hexdigest() not in record.get(key, []):
            problems.append(f"{key} is not in the deploy record")
    return problems


def _manifest(status: str):
    def save(folder: Path) -> None:
        from unittest import mock

        from dgx_pixels_app.jobs import manifest

        images = [{"index": i, "file": f"item-{i}.png", "status": "done" if i < 3 else status}
                  for i in range(8)]  # fmt: skip
        with mock.patch.object(manifest, "now", lambda: "2026-12-06T00:00:00+0000"):
            manifest.Manifest(folder / manifest.NAME, {"items": "abc"}, images, created="x").save()

    return save


def _tensors(seed: int, count: int, shape: tuple[int, int], prefix: str) -> dict:
    import torch

    rng = np.random.default_rng(seed)  # numpy: the same numbers in every process
    return {f"{prefix}{i}.lora_down.weight": torch.from_numpy(rng.standard_normal(shape, np.float32))
            for i in range(count)}  # fmt: skip


def _checkpoint(step: int):
    def save(folder: Path) -> None:
        import torch

        from dgx_pixels_app.training.files import write_checkpoint

        state = {"step": step, "generator": torch.Generator().manual_seed(step).get_state(),
                 "lora": {"unet": _tensors(step, 12, (16, 64), "layer")},
                 "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4, "params": []}]}}  # fmt: skip
        write_checkpoint(folder / "style.checkpoint.pt", state)

    return save


def _lora(seed: int):
    def save(folder: Path) -> None:
        from dgx_pixels_app.training.files import write_lora

        tensors = _tensors(seed, 16, (4, 64), "lora_unet_block")
        write_lora(
            folder / "style.safetensors", tensors, {"ss_network_dim": "4", "seed": str(seed)}
        )

    return save


def _recovery(seed: int):
    def save(folder: Path) -> None:
        from unittest import mock

        from dgx_pixels_app.formats import recovery

        with (
            mock.patch.object(recovery.time, "time", lambda: 1_800_000_000.0 + seed),
            mock.patch.object(recovery.os, "getpid", lambda: 4242),
        ):  # the copy says when and who
            recovery.RecoveryStore(folder / "recovery").write(
                "k3y", sprite(seed), "/w/hero.aseprite"
            )

    return save


def _settings(folders: int):
    def save(folder: Path) -> None:
        import os
        from unittest import mock

        from dgx_pixels_app.settings import update_settings

        with mock.patch.dict(os.environ, {"DGX_PIXELS_HOME": str(folder / "home")}):
            update_settings(
                lambda s: setattr(s, "model_folders", [f"/m/{i}" for i in range(folders)])
            )

    return save


def _empty(folder: Path) -> None:
    pass


@contextlib.contextmanager
def _in_place_open(path, mode=None):
    """What the harness must catch: a writer that truncates the file and writes into it."""
    with open(path, "wb") as stream:
        yield stream


def _non_atomic(folder: Path) -> None:
    from unittest import mock

    from dgx_pixels_app.core import atomic

    with mock.patch.object(atomic, "atomic_open", _in_place_open):
        _save_document(2, "hero.aseprite")(folder)


SCENARIOS = {s.name: s for s in [
    Scenario("save .aseprite", _save_document(1, "hero.aseprite"), _save_document(2, "hero.aseprite")),
    Scenario("save as .aseprite", _empty, _save_document(2, "new.aseprite")),
    Scenario("export PNG", _save_document(1, "hero.png"), _save_document(2, "hero.png")),
    Scenario("sheet + JSON", _sheet(1), _sheet(2)),
    Scenario("Bevy export", _bevy(1, first=True), _bevy(2), volatile=("game/.dgx-pixels/deployed.json",),
             ignore=(".*.tmp", ".lock"), check=_bevy_check),
    Scenario("batch manifest", _manifest("pending"), _manifest("done")),
    Scenario("training checkpoint", _checkpoint(100), _checkpoint(200)),
    Scenario("LoRA", _lora(1), _lora(2)),
    Scenario("recovery copy", _recovery(1), _recovery(2)),
    Scenario("settings", _settings(3), _settings(40), ignore=(".*.tmp", ".settings.lock")),
    Scenario("non-atomic writer (must be caught)", _save_document(1, "hero.aseprite"), _non_atomic),
]}  # fmt: skip
