"""Settings survive damage: a corrupt settings file gives defaults, not a crash."""

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
    app_settings.save_settings(s)
    assert app_settings.load_settings().recent_files == s.recent_files
