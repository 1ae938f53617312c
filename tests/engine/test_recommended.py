"""The recommended set: its data, and fetching it from a local server that speaks the
hub's file API — whole, cancelled then resumed, cut off mid-way, and refused when the
bytes do not match their SHA-256."""

import hashlib
import os
from dataclasses import replace

import pytest

from dgx_pixels_app.core.errors import CancelledError, FileFormatError, ModelError
from dgx_pixels_app.engine.recommended import fetch, recommended_set
from tests.hub_server import HubServer

SIZE = 24 << 20  # several of the hub client's 10 MiB chunks


@pytest.fixture
def online(monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


@pytest.fixture(scope="module")
def blob():
    return os.urandom(SIZE)


def entry_for(blob, sha=""):
    base = recommended_set()[1]  # the pixel-art LoRA: its sha256 comes from the hub
    return replace(base, repo="pixel/art", file="art.safetensors", size=len(blob), sha256=sha)


def test_the_shipped_set_names_a_base_and_shows_sizes_and_licences():
    entries = recommended_set()
    assert [e.role for e in entries].count("base") == 1
    for e in entries:
        assert e.size > 1 << 20 and e.licence and e.licence_url.startswith("https://")
        assert e.file.endswith(".safetensors")


def test_a_damaged_set_says_which_entry(tmp_path):
    bad = tmp_path / "set.toml"
    bad.write_text('[[models]]\nid = "x"\nrole = "base"\n')
    with pytest.raises(FileFormatError, match="entry 1"):
        recommended_set(bad)
    bad.write_text(bad.read_text() + 'name="n"\nabout="a"\nrepo="a/b"\nfile="f.ckpt"\n'
                   'licence="l"\nlicence_url="u"\n')  # fmt: skip
    with pytest.raises(FileFormatError, match="safetensors"):
        recommended_set(bad)


def test_fetch_downloads_and_checks(tmp_path, online, blob):
    entry = entry_for(blob)
    seen = []
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        path = fetch(entry, tmp_path, endpoint=hub.endpoint, progress=lambda *a: seen.append(a))
    assert path.read_bytes() == blob
    assert path.parent == tmp_path / "pixel--art"
    assert any(what == entry.name and total == SIZE for what, _d, total in seen)


def test_a_cancelled_download_resumes_from_its_partial_file(tmp_path, online, blob):
    entry = entry_for(blob, hashlib.sha256(blob).hexdigest())
    done = []
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        with pytest.raises(CancelledError, match="resume"):
            fetch(entry, tmp_path, endpoint=hub.endpoint,
                  progress=lambda _w, d, _t: done.append(d), cancel=lambda: bool(done))  # fmt: skip
        assert not (tmp_path / "pixel--art" / "art.safetensors").exists()
        path = fetch(entry, tmp_path, endpoint=hub.endpoint)
        ranges = [r for method, _p, r in hub.requests if method == "GET"]
    assert path.read_bytes() == blob
    assert ranges[0] == "" and ranges[-1].startswith("bytes=") and ranges[-1] != "bytes=0-"


def test_a_dropped_connection_is_resumed(tmp_path, online, blob):
    entry = entry_for(blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.drop_after = 5 << 20
        path = fetch(entry, tmp_path, endpoint=hub.endpoint)
        ranges = [r for method, _p, r in hub.requests if method == "GET"]
    assert path.read_bytes() == blob
    assert len(ranges) >= 2 and ranges[-1].startswith("bytes=")


@pytest.mark.parametrize("published", [True, False])
def test_bytes_that_do_not_match_are_deleted(tmp_path, online, blob, published):
    entry = entry_for(blob, hashlib.sha256(blob).hexdigest() if published else "")
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.served[(entry.repo, entry.file)] = bytes(reversed(blob))  # same size, other bytes
        with pytest.raises(ModelError, match="SHA-256.*deleted"):
            fetch(entry, tmp_path, endpoint=hub.endpoint)
    assert not list((tmp_path / "pixel--art").glob("*.safetensors"))


def test_a_missing_file_and_no_server_are_errors_for_people(tmp_path, online, blob):
    entry = entry_for(blob)
    with (
        HubServer({}) as hub,
        pytest.raises(
            ModelError, match="Could not download Pixel Art.*no art.safetensors in pixel/art"
        ),
    ):
        fetch(entry, tmp_path, endpoint=hub.endpoint)
    with pytest.raises(ModelError, match="offline|connect"):
        fetch(entry, tmp_path, endpoint="http://127.0.0.1:9")


def test_offline_mode_is_named(tmp_path, blob):
    with pytest.raises(ModelError, match="HF_HUB_OFFLINE"):
        fetch(entry_for(blob), tmp_path, endpoint="http://127.0.0.1:9")


def part_of(tmp_path, n, blob):
    folder = tmp_path / "pixel--art"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "art.safetensors.part").write_bytes(blob[:n])
    return folder / "art.safetensors.part"


def gets(hub):
    return [r for method, _p, r in hub.requests if method == "GET"]


def test_a_passing_server_error_keeps_the_part_and_retries(tmp_path, online, blob):
    entry = entry_for(blob)
    part_of(tmp_path, 10 << 20, blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.fail_next = [503]
        path = fetch(entry, tmp_path, endpoint=hub.endpoint)
        assert gets(hub) == ["bytes=10485760-", "bytes=10485760-"]  # kept, asked again
    assert path.read_bytes() == blob


def test_a_complete_part_is_checked_without_a_download_and_a_too_long_one_restarts(
    tmp_path, online, blob
):
    entry = entry_for(blob)
    part_of(tmp_path, SIZE, blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        assert fetch(entry, tmp_path, endpoint=hub.endpoint).read_bytes() == blob
        assert gets(hub) == []
    (tmp_path / "pixel--art" / "art.safetensors").unlink()
    part_of(tmp_path, SIZE, blob + b"junk")  # longer than the file
    (tmp_path / "pixel--art" / "art.safetensors.part").write_bytes(blob + b"junk")
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        assert fetch(entry, tmp_path, endpoint=hub.endpoint).read_bytes() == blob
        assert gets(hub) == [""]


def test_a_server_that_ignores_the_range_starts_the_file_over(tmp_path, online, blob):
    entry = entry_for(blob)
    part_of(tmp_path, 3 << 20, blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.ignore_range = True
        assert fetch(entry, tmp_path, endpoint=hub.endpoint).read_bytes() == blob


def test_no_sha256_anywhere_or_a_changed_one_is_refused_before_any_byte(tmp_path, online, blob):
    entry = entry_for(blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.etag = '"abc123"'  # a mirror's own ETag, not a SHA-256
        with pytest.raises(ModelError, match="neither this list nor the server gives a SHA-256"):
            fetch(entry, tmp_path, endpoint=hub.endpoint)
        hub.etag = None
        pinned = replace(entry, sha256="0" * 64)  # the list names another file than the hub's
        with pytest.raises(ModelError, match="no longer the file this list names"):
            fetch(pinned, tmp_path, endpoint=hub.endpoint)
        assert gets(hub) == []


def test_free_space_counts_only_what_is_left(tmp_path, online, blob, monkeypatch):
    import shutil
    from collections import namedtuple

    entry = entry_for(blob)
    part_of(tmp_path, SIZE - (1 << 20), blob)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(0, 0, (2 << 20) + (256 << 20)))
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        assert fetch(entry, tmp_path, endpoint=hub.endpoint).read_bytes() == blob
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(0, 0, 1 << 20))
    files = {(entry.repo, "other.safetensors"): blob}
    with HubServer(files) as hub, pytest.raises(ModelError, match="GB free"):
        fetch(replace(entry, file="other.safetensors"), tmp_path, endpoint=hub.endpoint)


def test_a_server_error_is_not_called_offline(tmp_path, online, blob):
    entry = entry_for(blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.fail_next = [418]  # not a passing one: said at once
        with pytest.raises(ModelError) as caught:
            fetch(entry, tmp_path, endpoint=hub.endpoint)
    assert "418" in str(caught.value) and "offline" not in str(caught.value)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("size", '"170 MB"', "size is a whole number"), ("default", '"false"', "default is true"),
    ("repo", '"../x/y"', "repo is owner/name"), ("file", '"a/../../b.safetensors"', "plain"),
    ("sha256", '"' + "z" * 64 + '"', "64 hex"), ("sha256", '"' + "a" * 64 + '\\n"', "64 hex"),
    ("repo", '"a/b\\n"', "repo is owner/name"), ("size", "99999999999999999999", "whole number"),
])  # fmt: skip
def test_hostile_entries_are_named(tmp_path, field, value, message):
    good = {"id": '"x"', "role": '"base"', "name": '"n"', "about": '"a"', "repo": '"a/b"',
            "file": '"f.safetensors"', "licence": '"l"', "licence_url": '"u"'}  # fmt: skip
    good[field] = value
    path = tmp_path / "set.toml"
    path.write_text("[[models]]\n" + "".join(f"{k} = {v}\n" for k, v in good.items()))
    with pytest.raises(FileFormatError, match=message):
        recommended_set(path)


def test_a_server_that_streams_on_past_the_length_stops_there(tmp_path, online, blob):
    entry = entry_for(blob)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        hub.served[(entry.repo, entry.file)] = blob + b"x" * (8 << 20)  # more than announced
        path = fetch(entry, tmp_path, endpoint=hub.endpoint)
    assert path.stat().st_size == SIZE and path.read_bytes() == blob


def test_a_folder_where_the_file_goes_is_said_before_any_byte(tmp_path, online, blob):
    entry = entry_for(blob)
    (tmp_path / "pixel--art" / "art.safetensors").mkdir(parents=True)
    with HubServer({(entry.repo, entry.file): blob}) as hub:
        with pytest.raises(ModelError, match="in the way"):
            fetch(entry, tmp_path, endpoint=hub.endpoint)
        assert gets(hub) == []


def test_an_entry_made_by_a_caller_is_confined_too(tmp_path, online, blob):
    with pytest.raises(FileFormatError, match="plain"):
        fetch(replace(entry_for(blob), file="../../x.safetensors"), tmp_path, endpoint="http://x")
