"""``generate`` and ``benchmark`` on the tiny model, in process (the jobs pipeline)."""

import json

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.images import png_text, read_rgba
from dgx_pixels_app.settings import update_settings


def test_generate_writes_pixelized_pngs_with_parameters(tmp_path, tiny_model, capsys):
    out = tmp_path / "frog.png"
    code = main(["generate", "a frog knight", "--model", str(tiny_model[0]), "--steps", "2",
                 "--width", "64", "--height", "64", "--seed", "42", "--count", "2", "-o", str(out)])  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        str(tmp_path / "frog-1.png"),
        str(tmp_path / "frog-2.png"),
    ]
    assert "seed 42" in lines[0] and "seed 43" in lines[1]
    params = png_text(tmp_path / "frog-2.png")["parameters"]
    assert params.startswith("a frog knight\n") and "Seed: 43" in params
    assert read_rgba(tmp_path / "frog-1.png").shape[2] == 4


def test_generate_uses_the_default_model_from_the_settings(tmp_path, tiny_model, capsys):
    update_settings(lambda s: setattr(s, "default_model", str(tiny_model[0])))
    out = tmp_path / "raw.png"
    assert main(["generate", "x", "--steps", "1", "--width", "64", "--height", "64", "--raw",
                 "-o", str(out)]) == 0  # fmt: skip
    assert read_rgba(out).shape == (64, 64, 4)


def test_no_model_anywhere_says_how_to_get_one(tmp_path, capsys):
    assert main(["generate", "x", "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "No model given" in err and "--model PATH" in err


def test_benchmark_prints_the_performance_table(tiny_model, capsys):
    code = main(["benchmark", "--model", str(tiny_model[0]), "--size", "64", "--steps", "2",
                 "--batch", "3", "--lora", str(tiny_model[1]), "--json"])  # fmt: skip
    assert code == 0
    table = json.loads(capsys.readouterr().out)
    assert set(table) == {"model load", "device", "single image", "batch of 3", "LoRA switch"}
    assert table["batch of 3"].endswith("images/min") and table["LoRA switch"].endswith("ms")
    assert table["model load"].endswith(" s")


def test_generate_never_replaces_a_file_it_did_not_write(tmp_path, tiny_model, capsys, monkeypatch):
    fast = ["--model", str(tiny_model[0]), "--steps", "1", "--width", "64", "--height", "64"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "frog.png").write_bytes(b"the artist's frog")
    assert main(["generate", "frog", *fast]) == 0  # a name from the prompt: a new one
    assert (tmp_path / "frog.png").read_bytes() == b"the artist's frog"
    assert read_rgba(tmp_path / "frog-2.png").shape[2] == 4
    capsys.readouterr()
    assert main(["generate", "frog", *fast, "-o", "frog.png"]) == 2  # a name given: asked
    assert "--overwrite" in capsys.readouterr().err
    assert (tmp_path / "frog.png").read_bytes() == b"the artist's frog"
    assert main(["generate", "frog", *fast, "-o", "frog.png", "--overwrite"]) == 0
    kept = list((tmp_path / ".dgx-pixels" / "replaced").rglob("frog.png"))
    assert [p.read_bytes() for p in kept] == [b"the artist's frog"]
    assert main(["generate", "frog", *fast, "-o", "frog.png"]) == 0  # its own file: replaced


def test_long_commands_show_loading_then_a_bar_of_images(tmp_path, tiny_model, capsys):
    model = str(tiny_model[0])
    assert main(["generate", "gem", "--model", model, "--steps", "2", "--width", "64",
                 "--height", "64", "--count", "2", "-o", str(tmp_path / "g.png")]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "loading tiny" in err.lower() or "loading " in err
    assert "loaded " in err and "2/2 images" in err and "step 2/2" in err
    assert main(["generate-tileset", "--prompt", "grass", "--model", model, "--steps", "1", "--size", "16",
                 "--variations", "2", "--resolution", "64", "-o", str(tmp_path / "tiles")]) == 0  # fmt: skip
    assert "2/2 tiles" in capsys.readouterr().err
    assert main(["generate-animation", "--prompt", "slime", "--model", model, "--steps", "4",
                 "--frames", "2", "--method", "chain", "--size", "16", "--resolution", "64",
                 "-o", str(tmp_path / "anim")]) == 0  # fmt: skip
    assert "2/2 frames" in capsys.readouterr().err
    assert main(["generate", "gem", "--model", model, "--steps", "1", "--width", "64",
                 "--height", "64", "-q", "-o", str(tmp_path / "q.png")]) == 0  # fmt: skip
    assert "images" not in capsys.readouterr().err


def test_on_a_cpu_the_kind_defaults_give_way_and_say_why():
    import argparse

    from dgx_pixels_app.cli.common import cpu_defaults

    args = argparse.Namespace(steps=None, width=None, height=None, device="cpu", backend=None)
    note = cpu_defaults(args, "character")
    assert (args.steps, args.width, args.height) == (8, 512, 512)
    assert "On the CPU (no CUDA GPU): 512×512 at 8 steps instead of 1024×1024 at 25" in note
    fast = argparse.Namespace(steps=None, width=None, height=None, device="cpu", backend=None,
                              option_speed="turbo")  # fmt: skip
    assert "at 8 steps" not in cpu_defaults(fast, "character") and fast.steps is None
    given = argparse.Namespace(steps=30, width=None, height=None, device="cpu", backend=None)
    cpu_defaults(given, "character")
    assert (given.steps, given.width) == (30, None)  # what the person gave stands
    gpu = argparse.Namespace(steps=None, width=None, height=None, device="cuda", backend=None)
    cpu_defaults(gpu, "character")
    assert gpu.steps is None
    tiles = argparse.Namespace(steps=None, resolution=None, device="cpu", backend=None)
    cpu_defaults(tiles, "tile")
    assert tiles.steps == 8 and tiles.resolution <= 512


def test_the_cpu_note_comes_only_after_the_checks_pass(tmp_path, capsys):
    code = main(["generate", "gem", "--device", "cpu", "--model", str(tmp_path / "none"),
                 "--count", "0", "-o", str(tmp_path / "g.png")])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("dgx-pixels: error:")


def test_bad_devices_steps_and_strengths_are_one_line(tmp_path, capsys):
    model = str(tmp_path / "m")
    for argv in (["generate", "x", "--device", "nonsense"], ["generate", "x", "--device", "cuda:9"],
                 ["generate", "x", "--steps", "0"],
                 ["generate-animation", "--prompt", "x", "--method", "chain", "--strength", "inf",
                  "--steps", "8"]):  # fmt: skip
        code = main([*argv, "--model", model, "-o", str(tmp_path / "out.png" if argv[0] == "generate"
                                                        else tmp_path / "anim")])  # fmt: skip
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and err[0].startswith("dgx-pixels: error:"), (argv, err)
