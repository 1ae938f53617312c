"""Deploying into a game never destroys an artist's file: what DGX-Pixels wrote (and
nobody changed since) is replaced freely; a hand-made file is refused, or with
overwrite kept under .dgx-pixels/replaced/ and listed — in the library, the CLI and
the app (the MCP side is in tests/mcp)."""

from __future__ import annotations

import json

import pytest

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.bevy import export_to_bevy
from dgx_pixels_app.formats.deploy import RECORD, DeployConflict
from tests.export.test_bevy import game  # noqa: F401 (fixture)
from tests.export.test_sheet import animated

HAND_MADE = b"\x89PNG hand-made by the artist"


def test_our_own_files_are_replaced_freely(game):  # noqa: F811
    first = export_to_bevy(animated(), game, "hero", include_aseprite=True)
    assert {p.name for p in first.deployed.created} == {
        "hero.png", "hero.json", "hero.layout.ron", "hero.aseprite"
    }  # fmt: skip
    again = export_to_bevy(animated(), game, "hero", include_aseprite=True)
    assert len(again.deployed.updated) == 4 and not again.deployed.replaced
    record = json.loads((game / RECORD).read_text())["files"]
    assert set(record) == {
        f"assets/sprites/hero{s}" for s in (".png", ".json", ".layout.ron", ".aseprite")
    }
    assert not (game / ".dgx-pixels" / "replaced").exists()


@pytest.mark.parametrize("which", ["hero.png", "hero.json", "hero.layout.ron", "hero.aseprite"])
def test_a_hand_made_file_is_refused_and_kept(game, which):  # noqa: F811
    folder = game / "assets" / "sprites"
    folder.mkdir(parents=True)
    (folder / which).write_bytes(HAND_MADE)
    with pytest.raises(DeployConflict, match=f"assets/sprites/{which}") as refused:
        export_to_bevy(animated(), game, "hero", include_aseprite=True)
    assert "nothing was written" in str(refused.value)
    assert sorted(p.name for p in folder.iterdir()) == [which]  # nothing else written either
    assert (folder / which).read_bytes() == HAND_MADE
    done = export_to_bevy(animated(), game, "hero", include_aseprite=True, overwrite=True)
    ((replaced, kept),) = done.deployed.replaced
    assert replaced == folder / which and kept.read_bytes() == HAND_MADE
    assert kept.is_relative_to(game / ".dgx-pixels" / "replaced")
    assert (folder / which).read_bytes() != HAND_MADE


def test_a_file_edited_after_export_counts_as_hand_made(game):  # noqa: F811
    export_to_bevy(animated(), game, "hero")
    sheet = game / "assets" / "sprites" / "hero.json"
    sheet.write_text(sheet.read_text().replace('"duration"', '"duration" '))  # touched by hand
    with pytest.raises(DeployConflict, match="hero.json"):
        export_to_bevy(animated(), game, "hero")
    (game / RECORD).write_text("{ damaged")  # a damaged record makes us more careful, not less
    with pytest.raises(DeployConflict, match="hero.png"):
        export_to_bevy(animated(), game, "hero")


def test_the_cli_refuses_then_replaces_with_overwrite_and_says_where(game, tmp_path, capsys):  # noqa: F811
    from dgx_pixels_app.formats import aseprite

    aseprite.save(animated(), tmp_path / "hero.aseprite")
    player = game / "assets" / "sprites" / "hero.png"
    player.parent.mkdir(parents=True)
    player.write_bytes(HAND_MADE)
    args = ["export", str(tmp_path / "hero.aseprite"), "--bevy", str(game)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert (
        "assets/sprites/hero.png (in " in err
        and "was not written by DGX-Pixels" in err
        and "--overwrite" in err
    )
    assert player.read_bytes() == HAND_MADE
    assert main([*args, "--overwrite"]) == 0
    out = capsys.readouterr().out
    kept = next(line for line in out.splitlines() if line.startswith("replaced"))
    assert str(player) in kept and ".dgx-pixels/replaced/" in kept
    assert (game / kept.split("kept at ")[1].rstrip(")")).read_bytes() == HAND_MADE


def test_a_folder_or_a_dangling_link_at_a_target_is_refused_before_anything(game):  # noqa: F811
    folder = game / "assets" / "sprites"
    (folder / "hero.json").mkdir(parents=True)
    (folder / "hero.layout.ron").symlink_to(game / "nowhere")
    for overwrite in (False, True):
        with pytest.raises(Exception, match="a folder or a link to nothing") as refused:
            export_to_bevy(animated(), game, "hero", overwrite=overwrite)
        assert not isinstance(refused.value, DeployConflict)
    assert sorted(p.name for p in folder.iterdir()) == ["hero.json", "hero.layout.ron"]
    assert not (game / ".dgx-pixels").exists()


def test_overwrite_covers_only_the_files_the_person_was_shown(game):  # noqa: F811
    folder = game / "assets" / "sprites"
    folder.mkdir(parents=True)
    (folder / "hero.png").write_bytes(HAND_MADE)
    shown = frozenset({folder / "hero.png"})
    (folder / "hero.json").write_text("{}")  # appeared after the question
    with pytest.raises(DeployConflict, match="hero.json") as refused:
        export_to_bevy(animated(), game, "hero", overwrite=shown)
    assert "hero.png" not in str(refused.value)
    assert (folder / "hero.png").read_bytes() == HAND_MADE


def test_two_deploys_at_once_keep_both_records(game):  # noqa: F811
    import threading

    from dgx_pixels_app.formats.deploy import read_record

    names = [f"hero{i}" for i in range(6)]
    threads = [threading.Thread(target=export_to_bevy, args=(animated(), game, n)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    record = read_record(game)
    assert all(f"assets/sprites/{n}.png" in record for n in names), sorted(record)
