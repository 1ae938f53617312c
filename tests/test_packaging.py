"""The wheel carries resources/, presets/ and ui/, and the package finds them there."""

import os
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


BOOTSTRAP = Path(__file__).resolve().parents[1] / "packaging" / "bootstrap.sh"


def _fake_tools(folder: Path, ldconfig: str, apt_get: str = "exit 100") -> dict:
    folder.mkdir()
    for name, body in (("ldconfig", ldconfig), ("apt-get", apt_get)):
        (folder / name).write_text(f"#!/bin/bash\n{body}\n")
        (folder / name).chmod(0o755)
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}"}


def test_the_library_check_cannot_flake(tmp_path):
    """`ldconfig -p | grep -q` under pipefail once reported installed libraries as missing
    when grep left early; a long listing with every library first must always pass."""
    libs = " ".join(f"{n} (libc6,x86-64) => /usr/lib/{n}" for n in (
        "libEGL.so.1", "libGL.so.1", "libxkbcommon.so.0", "libfontconfig.so.1",
        "libdbus-1.so.3", "libxkbcommon-x11.so.0", "libxcb-cursor.so.0", "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1", "libxcb-shape.so.0", "libxcb-render-util.so.0", "libxcb-image.so.0"))  # fmt: skip
    env = _fake_tools(tmp_path / "bin", f'echo "{libs}"; seq 1 200000')
    code = [line for line in BOOTSTRAP.read_text().splitlines() if not line.strip().startswith("#")]
    assert not [line for line in code if "| grep -q" in line]
    for _ in range(20):
        run = subprocess.run(["bash", str(BOOTSTRAP), "check-libraries"], env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert run.returncode == 0 and "missing" not in run.stderr, run.stderr


def test_a_failing_apt_get_is_said_and_the_script_goes_on(tmp_path):
    env = _fake_tools(tmp_path / "bin", "true", "echo 'E: offline' >&2; exit 100")
    run = subprocess.run(["bash", str(BOOTSTRAP), "check-libraries"], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "missing: libEGL.so.1" in run.stderr
    assert "sudo apt-get install libegl1" in run.stderr
    if os.getuid() == 0:
        assert "apt-get could not install" in run.stderr
