"""Item lists as users write them: text, CSV, JSON, JSON Lines; every error names its line."""

import pytest

from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.jobs.items import read_items, slug


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_list_skips_blank_lines_and_comments(tmp_path):
    items = read_items(write(tmp_path, "items.txt", "# weapons\niron sword\n\n  \nwooden shield\n"))
    assert [i.prompt for i in items] == ["iron sword", "wooden shield"]
    assert items[1].at == "items.txt, line 5"


def test_csv_with_overrides_and_quoted_commas(tmp_path):
    path = write(
        tmp_path, "items.csv",
        'name,prompt,count,seed,size,kind,style\nsword,"iron sword, glowing",2,7,32,item,16bit\n'
        ",health potion,,,,,\n",
    )  # fmt: skip
    first, second = read_items(path)
    assert (first.name, first.prompt, first.count, first.seed, first.size) == (
        "sword", "iron sword, glowing", 2, 7, 32,
    )  # fmt: skip
    assert (first.kind, first.style) == ("item", "16bit")
    assert second.prompt == "health potion" and second.count is None and second.name == ""


def test_json_and_jsonl(tmp_path):
    items = read_items(
        write(tmp_path, "a.json", '{"items": ["bow", {"prompt": "axe", "count": 3}]}')
    )
    assert [(i.prompt, i.count) for i in items] == [("bow", None), ("axe", 3)]
    lines = read_items(write(tmp_path, "b.jsonl", '{"prompt": "gem"}\n\n"coin"\n'))
    assert [i.prompt for i in lines] == ["gem", "coin"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("empty.txt", "# only a comment\n\n", "holds no items"),
        ("bad.csv", "name,prompt\nsword,a,b\n", "bad.csv, line 2: 3 fields"),
        ("nohead.csv", "sword,a sword\n", "line 1: the header must name a 'prompt'"),
        ("count.csv", "prompt,count\nsword,many\n", "line 2: count must be a whole number"),
        ("bad.json", '[{"prompt": "a"},\n{"prompt": "b" \n', "bad.json, line 3: not valid JSON"),
        ("typo.json", '[{"prompt": "a"}, {"prmpt": "b"}]', "item 2: unknown field 'prmpt'"),
        ("bad.jsonl", '{"prompt": "a"}\n{"prompt": \n', "bad.jsonl, line 2: not valid JSON"),
        ("size.jsonl", '{"prompt": "a", "size": 4}\n', "line 1: size must be 8 to 512"),
        ("seed.csv", "prompt,seed\na,-3\n", "line 2: the seed must be"),
    ],
)
def test_bad_lists_say_which_line(tmp_path, name, text, message):
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(")):
        read_items(write(tmp_path, name, text))


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(DgxPixelsError, match="does not exist"):
        read_items(tmp_path / "nope.txt")
    path = tmp_path / "latin1.txt"
    path.write_bytes("épée\n".encode("latin-1"))
    with pytest.raises(DgxPixelsError, match="not UTF-8"):
        read_items(path)


def test_slug_names_are_file_safe():
    assert slug("Iron Sword (+2)!") == "iron-sword-2"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("龍") == "item"
