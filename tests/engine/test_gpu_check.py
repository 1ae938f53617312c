"""The one-command GPU check: on a CPU it stops at once with one line; its whole table
runs end to end (tiny model, CPU allowed, compile left to its own test)."""

from __future__ import annotations

import json

from dgx_pixels_app.cli import main
from dgx_pixels_app.engine import gpu_check


def test_on_a_cpu_it_says_it_needs_cuda_in_one_line(capsys):
    assert main(["benchmark", "--gpu"]) == 2
    out = capsys.readouterr()
    assert out.out.strip().count("\n") == 0
    assert "needs an NVIDIA GPU with CUDA" in out.out and "Nothing was measured" in out.out
    assert "Traceback" not in out.err


def test_its_arguments_are_checked_before_any_work(tmp_path, capsys):
    assert gpu_check.main(["--size", "100"]) == 2
    assert gpu_check.main(["--json", str(tmp_path / "no" / "x.json")]) == 2
    (tmp_path / "old.json").write_text("{}")
    assert gpu_check.main(["--json", str(tmp_path / "old.json")]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert (
        lines[0]
        == "dgx-pixels benchmark --gpu: --size must be a multiple of 8 from 64 to 2048, not 100."
    )
    assert "its folder does not exist" in lines[1] and "already there" in lines[2]
    assert (tmp_path / "old.json").read_text() == "{}"


def test_every_row_runs_end_to_end_on_the_tiny_model(tmp_path, capsys):
    out = tmp_path / "gpu.json"
    code = gpu_check.main(["--tiny", "--allow-cpu", "--size", "64", "--steps", "2",
                           "--skip", "compiled", "--folder", str(tmp_path), "--json", str(out)])  # fmt: skip
    assert code == 0
    table = json.loads(out.read_text())
    rows = {r["name"]: r for r in table["rows"]}
    for name in ("model load to a ready pipeline", "64² × 2 steps, one image",
                 "turbo: Lightning 4 steps, LoRA fused", "turbo: Lightning 4 steps, LoRA as adapter",
                 "LoRA switch, two resident adapters", "8 prompts batched, images/min",
                 "decode one 64² latent: tiny vs full VAE", "controls: 1 control (union)",
                 "controls: 2 controls (union)", "controls: IP-Adapter reference",
                 "controls: reference + pose", "controls: 1 control, ours vs bare diffusers"):  # fmt: skip
        assert rows[name]["ours"] > 0 and rows[name]["bare"] > 0, name
    assert "GB allocated" in rows["controls: resident with union + IP-Adapter"]["note"]
    assert "FP8 needs an NVIDIA GPU" in rows["fp8"]["note"]  # refused, and the table goes on
    assert "ratio" in capsys.readouterr().out
    assert not any(tmp_path.glob("tmp*")), "the random model was left behind"


def test_odd_table_file_names_are_one_line(tmp_path, capsys):
    for name in ("a" * 10000 + ".json", str(tmp_path / "bad\nname.json")):
        assert gpu_check.main(["--json", name]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert "cannot be used: File name too long" in lines[0]
    assert "control character" in lines[1]
