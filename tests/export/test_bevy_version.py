"""The game's Bevy (its Cargo.toml) against the snippet's: said with what to change,
never an error, and never a way for a hostile Cargo.toml to write code into the snippet."""

import os

import pytest

from dgx_pixels_app.formats.bevy import export_to_bevy
from dgx_pixels_app.formats.bevy_snippets import BEVY_VERSION
from dgx_pixels_app.formats.bevy_version import cargo_bevy, version_note


def game(tmp_path, cargo: str | bytes):
    root = tmp_path / "game"
    (root / "assets").mkdir(parents=True)
    data = cargo.encode() if isinstance(cargo, str) else cargo
    (root / "Cargo.toml").write_bytes(data)
    return root


@pytest.mark.parametrize(("cargo", "wanted"), [
    ('[dependencies]\nbevy = "0.16"\n', "0.16"),
    ('[dependencies]\nbevy = { version = "^0.15.3", features = ["wav"] }\n', "^0.15.3"),
    ('[dependencies]\nbevy = { workspace = true }\n[workspace.dependencies]\nbevy = "0.14"\n', "0.14"),
    ('[dependencies.bevy]\nversion = "=0.17.2"\ndefault-features = false\n', "=0.17.2"),
    ('[dependencies]\nbevy = { git = "https://github.com/bevyengine/bevy", rev = "abc" }\n', "git"),
    ("[target.'cfg(unix)'.dependencies]\nbevy = \"0.15\"\n", "0.15"),
    ('[package]\nname = "g"\n', ""),
])  # fmt: skip
def test_the_requirement_is_read(tmp_path, cargo, wanted):
    assert cargo_bevy(game(tmp_path, cargo)) == wanted


def test_a_mismatch_says_what_to_change_and_a_match_says_nothing(tmp_path):
    note = version_note(game(tmp_path, '[dependencies]\nbevy = "0.16"\n'))
    assert 'asks for bevy = "0.16"' in note and f'set bevy = "{BEVY_VERSION}"' in note
    assert "cargo update -p bevy" in note
    same = tmp_path / "same"
    same.mkdir()
    assert version_note(game(same, f'[dependencies]\nbevy = "{BEVY_VERSION}.1"\n')) == ""
    for unjudged in ("[package]\n", '[dependencies]\nbevy = { path = "../bevy" }\n',
                     '[dependencies]\nbevy = ">=0.18, <0.20"\n',
                     '[dependencies]\nbevy = { workspace = true }\n'):  # fmt: skip
        root = tmp_path / f"u{abs(hash(unjudged))}"
        root.mkdir()
        assert version_note(game(root, unjudged)) == ""  # said only when surely another


@pytest.mark.parametrize("cargo", [
    b"\x00\xff\xfe not toml", b"[dependencies\nbevy = ", b"bevy = 5\n[dependencies]\nbevy = 7\n",
    b"[dependencies]\nbevy = [1, 2]\n", b"x" * (2 << 20),
])  # fmt: skip
def test_damaged_or_odd_cargo_files_never_fail(tmp_path, cargo):
    root = game(tmp_path, cargo)
    assert isinstance(version_note(root), str)


def test_a_cargo_toml_that_is_not_a_file_is_not_read(tmp_path):
    root = tmp_path / "game"
    (root / "Cargo.toml").mkdir(parents=True)
    assert cargo_bevy(root) is None
    fifo = tmp_path / "fifo-game"
    fifo.mkdir()
    os.mkfifo(fifo / "Cargo.toml")  # would block a reader that opens it blindly
    assert cargo_bevy(fifo) is None


def test_a_hostile_version_cannot_write_code_into_the_snippet(tmp_path):
    root = game(tmp_path, '[dependencies]\nbevy = "0.16\\nfn evil() {}\\n"\n')
    from tests.export.test_sheet import animated

    result = export_to_bevy(animated(), root, "hero")
    assert result.version_note
    notes = [line for line in result.snippet.splitlines() if "evil" in line]
    assert notes and all(line.startswith("// NOTE: ") for line in notes)


@pytest.mark.parametrize("cargo", [
    "workspace = 5\n[dependencies]\nbevy = { workspace = true }\n",
    "target = 3\n", "[dependencies]\nbevy = 7\n", "x = " + "[" * 3000 + "]" * 3000 + "\n",
    '[dependencies]\nbevy = "0.16\\u001b[31m\\u2028\\r"\n',
])  # fmt: skip
def test_odd_cargo_files_never_fail_an_export_nor_bring_control_characters(tmp_path, cargo):
    from tests.export.test_sheet import animated

    result = export_to_bevy(animated(), game(tmp_path, cargo), "hero")
    assert result.image.is_file()
    assert not any(ch in result.snippet for ch in "\x1b\u2028\r")
