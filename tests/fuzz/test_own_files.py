"""Every reader of a file DGX-Pixels writes for itself, fed well-formed JSON of the wrong
shape as well as damaged bytes (a file from another version, edited by hand, or cut by a
full disk): the metrics log, the batch manifest, the training checkpoint, the recovery
copy and its note, the settings and the token in them, the hashes cache and the deploy
record. Each gives defaults, skips what it cannot use or raises the app's own error —
and what it hands on works (a metrics line's summary, a token that is a string)."""

from __future__ import annotations

import contextlib
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dgx_pixels_app.core.errors import DgxPixelsError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64) | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def shaped(keys: list[str]) -> st.SearchStrategy:
    """Objects with the right keys and any values (or not an object at all)."""
    return st.fixed_dictionaries({}, optional={k: JSON for k in keys}) | JSON


METRIC_KEYS = ["job", "label", "backend", "status", "images", "failed", "load_seconds", "seconds",
               "seconds_per_image", "it_per_second", "peak_memory_bytes", "queue_wait_seconds",
               "model", "finished_at"]  # fmt: skip


@given(st.lists(shaped(METRIC_KEYS).map(json.dumps) | st.text(max_size=40), max_size=8))
def test_the_metrics_log(tmp_path_factory, lines):
    from dgx_pixels_app.jobs.metrics import MetricsLog

    path = tmp_path_factory.mktemp("metrics") / "metrics.jsonl"
    path.write_text("\n".join(lines).replace("\x00", ""), encoding="utf-8", errors="replace")
    for metrics in MetricsLog(path).recent():
        assert isinstance(metrics.summary(), str)  # what the Metrics dock shows


ENTRIES = st.lists(st.fixed_dictionaries(
    {"file": st.from_regex(r"[a-z0-9-]{1,10}\.png", fullmatch=True)},
    optional={k: JSON for k in ("status", "index", "seed", "item", "request", "error", "seam")}),
    max_size=4)  # fmt: skip


@given(shaped(["schema", "plan", "images", "model", "backend", "created"])
       | st.fixed_dictionaries({"images": ENTRIES}, optional={"plan": JSON, "model": JSON}))  # fmt: skip
def test_the_batch_manifest(tmp_path_factory, data):
    from dgx_pixels_app.jobs.manifest import Manifest

    path = tmp_path_factory.mktemp("manifest") / "manifest.json"
    if isinstance(data, dict):
        data["schema"] = "dgx-pixels/batch@1"
    path.write_text(json.dumps(data))
    try:
        manifest = Manifest.load(path)
    except DgxPixelsError:
        return
    manifest.counts()  # what --resume and the summary use


@given(st.binary(max_size=64), st.integers(0, 10_000), st.sampled_from(["cut", "flip", "insert"]))
def test_the_training_checkpoint(tmp_path_factory, junk, at, how):
    import io

    import torch

    from dgx_pixels_app.training.files import read_checkpoint

    stream = io.BytesIO()
    torch.save({"step": 4, "lora": {"unet": {"a": torch.ones(3, 5)}}, "optimizer": {},
                "generator": torch.Generator().get_state()}, stream)  # fmt: skip
    data = bytearray(stream.getvalue())
    at %= len(data)
    if how == "cut":
        data = data[:at]
    elif how == "flip":
        data[at : at + len(junk)] = junk[: len(data) - at]
    else:
        data[at:at] = junk
    path = tmp_path_factory.mktemp("ckpt") / "style.checkpoint.pt"
    path.write_bytes(bytes(data))
    try:
        state = read_checkpoint(path)
    except DgxPixelsError as exc:
        assert str(exc)
        return
    assert isinstance(state["step"], int)


@given(shaped(["original", "saved_at", "pid"]), st.binary(max_size=200))
def test_the_recovery_copy_and_its_note(tmp_path_factory, meta, damage):
    from dgx_pixels_app.core.document import Sprite
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.formats.recovery import RecoveryStore

    folder = tmp_path_factory.mktemp("recovery")
    data = aseprite.to_bytes(Sprite.new(4, 4))
    (folder / "k.aseprite").write_bytes(data[: len(damage) * 4] + damage if damage else data)
    (folder / "k.json").write_text(json.dumps(meta))
    for entry in RecoveryStore(folder).pending():  # what the next start offers
        assert isinstance(entry.original, str) and isinstance(entry.saved_at, float)
        with contextlib.suppress(DgxPixelsError):
            open_document(entry.sprite_path)


SETTING_KEYS = ["recent_files", "model_folders", "new_sprite_width", "new_sprite_height",
                "autosave_seconds", "default_palette", "bevy_projects", "default_model",
                "mcp_token", "mcp_port", "agent_roots", "last_model", "load_last_model",
                "prompt_fields", "loras", "hub_endpoint", "app_default"]  # fmt: skip


@given(shaped(SETTING_KEYS))
def test_the_settings_and_the_token(data):
    from dgx_pixels_app.mcp.http import get_token
    from dgx_pixels_app.settings import load_settings, settings_path, update_settings

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    settings = load_settings()
    assert all(isinstance(p, str) for p in settings.recent_files)
    token = get_token()
    assert isinstance(token, str) and len(token) >= 32
    update_settings(lambda s: s.add_recent("/tmp/a.aseprite"))  # a change on top of it works
    assert get_token() == token


@given(JSON)
def test_the_hashes_cache(tmp_path_factory, data):
    from dgx_pixels_app.engine import hashes

    hashes._cache_path().parent.mkdir(parents=True, exist_ok=True)
    hashes._cache_path().write_text(json.dumps(data))
    model = tmp_path_factory.mktemp("model") / "m.safetensors"
    model.write_bytes(b"weights")
    import hashlib

    assert hashes.sha256(model) == hashlib.sha256(b"weights").hexdigest()


@given(
    shaped(["schema", "files"])
    | st.fixed_dictionaries({"files": st.dictionaries(st.text(max_size=30), JSON)})
)
def test_the_deploy_record(tmp_path_factory, data):
    from dgx_pixels_app.formats.bevy import export_to_bevy
    from dgx_pixels_app.formats.deploy import DeployConflict, read_record
    from tests.reliability.scenarios import sprite

    game = tmp_path_factory.mktemp("game")
    (game / "Cargo.toml").write_text("[package]\n")
    (game / ".dgx-pixels").mkdir()
    (game / ".dgx-pixels" / "deployed.json").write_text(json.dumps(data))
    record = read_record(game)
    assert all(isinstance(k, str) and all(isinstance(h, str) for h in v) for k, v in record.items())
    export_to_bevy(sprite(1, size=8, frames=1), game, "hero")  # nothing there: it writes
    (game / "assets" / "sprites" / "hero.png").write_bytes(np.zeros(4, np.uint8).tobytes())
    try:
        export_to_bevy(sprite(2, size=8, frames=1), game, "hero")
        raise AssertionError("a changed file was replaced without asking")
    except DeployConflict:
        pass
