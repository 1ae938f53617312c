import pytest

from dgx_pixels_app.core.atomic import atomic_open, atomic_write_bytes
from dgx_pixels_app.core.errors import FileAccessError


def test_crash_during_write_keeps_previous_file(tmp_path):
    target = tmp_path / "sprite.aseprite"
    atomic_write_bytes(target, b"old contents")

    class Crash(Exception):
        pass

    with pytest.raises(Crash), atomic_open(target) as stream:
        stream.write(b"half of the new")
        raise Crash
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["sprite.aseprite"]  # no temp left over


def test_missing_folder_and_read_only_folder_give_clear_errors(tmp_path):
    with pytest.raises(FileAccessError, match="does not exist"):
        atomic_write_bytes(tmp_path / "nope" / "a.png", b"x")
    a_file = tmp_path / "file.txt"
    a_file.write_text("not a folder")
    with pytest.raises(FileAccessError):
        atomic_write_bytes(a_file / "a.png", b"x")
