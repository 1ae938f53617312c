"""The wheel carries resources/, presets/ and ui/, and the package finds them there."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_data_and_finds_it_when_installed(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("dgx_pixels-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "dgx_pixels_app/_data/presets/palettes/db32.gpl",
        "dgx_pixels_app/_data/presets/new-sprite-sizes.toml",
        "dgx_pixels_app/_data/resources/icons/dgx-pixels.svg",
        "dgx_pixels_app/_data/ui/README.md",
    ):
        assert expected in names

    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    probe = (
        "from dgx_pixels_app.resources import data_dir, builtin_palettes\n"
        "print(data_dir('presets')); print(len(builtin_palettes()))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(target)!r}] + {sys.path!r}\n{probe}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    found, count = out.stdout.split()
    assert found.startswith(str(target)) and int(count) >= 5
