"""Settings survive damage (a corrupt file gives defaults, not a crash), hold their
secret for the user only, and no writer ever undoes another's change."""

import os
import subprocess
import sys
import textwrap

from dgx_pixels_app import settings as app_settings


def test_corrupt_or_wrong_typed_settings_fall_back_to_defaults():
    path = app_settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert app_settings.load_settings() == app_settings.Settings()
    path.write_text('{"recent_files": "not-a-list", "autosave_seconds": 10, "unknown": 1}')
    loaded = app_settings.load_settings()
    assert loaded.recent_files == [] and loaded.autosave_seconds == 10


def test_recent_files_are_unique_and_bounded(tmp_path):
    s = app_settings.Settings()
    for i in range(15):
        s.add_recent(tmp_path / f"{i % 12}.aseprite")
    assert len(s.recent_files) == app_settings.MAX_RECENT
    assert s.recent_files[0].endswith("2.aseprite") and len(set(s.recent_files)) == len(
        s.recent_files
    )
    app_settings.update_settings(lambda fresh: setattr(fresh, "recent_files", s.recent_files))
    assert app_settings.load_settings().recent_files == s.recent_files


def test_the_settings_are_for_the_user_only_and_old_ones_are_mended():
    app_settings.update_settings(lambda s: setattr(s, "mcp_token", "secret"))
    folder, path = app_settings.config_dir(), app_settings.settings_path()
    assert folder.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600
    os.chmod(folder, 0o755)  # as earlier versions left them
    os.chmod(path, 0o644)
    assert app_settings.load_settings().mcp_token == "secret"  # every start reads them
    assert folder.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600


WRITER = textwrap.dedent("""
    import sys
    from dgx_pixels_app.settings import update_settings
    for i in range(40):
        update_settings(lambda s: s.model_folders.append(f"{sys.argv[1]}-{i}"))
""")


def test_writers_in_other_processes_never_undo_each_other(tmp_path):
    """Each change is applied to what the file holds at that moment, under a lock:
    two processes adding 40 entries each at the same time leave all 80."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [subprocess.Popen([sys.executable, str(script), name]) for name in ("a", "b")]
    assert [p.wait(120) for p in procs] == [0, 0]
    folders = app_settings.load_settings().model_folders
    assert sorted(folders) == sorted(f"{n}-{i}" for n in "ab" for i in range(40))


def test_a_stale_copy_is_never_written_back():
    """A view read before another writer's change (the app's, with no token yet) saves
    its own change without undoing the other's (the token that every agent uses)."""
    view = app_settings.load_settings()
    from dgx_pixels_app.mcp.http import get_token

    token = get_token()
    view.add_recent("/tmp/hero.aseprite")
    app_settings.update_settings(lambda s: s.add_recent("/tmp/hero.aseprite"))
    saved = app_settings.load_settings()
    assert saved.mcp_token == token and saved.recent_files == view.recent_files
    assert get_token() == token and get_token(new=True) != token


def test_a_damaged_backend_setting_is_one_clear_line(tmp_path, capsys):
    from dgx_pixels_app.cli import main
    from dgx_pixels_app.settings import update_settings

    update_settings(lambda s: setattr(s, "backend", "slurm://everywhere"))
    (tmp_path / "items.txt").write_text("sword\n")
    code = main(["batch", str(tmp_path / "items.txt"), "-o", str(tmp_path / "out"),
                 "--model", str(tmp_path)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "The backend setting in" in err and "slurm://everywhere" in err
    assert not (tmp_path / "out").exists()


def test_a_deeply_nested_settings_file_gives_the_defaults():
    path = app_settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[" * 100000 + "]" * 100000)
    assert app_settings.load_settings() == app_settings.Settings()
