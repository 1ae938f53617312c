"""Pixel art drawn for this project's evaluation (CC0): the cases public sets lack.

White and pale sprites without a dark outline where they meet the background (a
ghost, an egg, a cloud, wool, paper), tiny few-colour items with one-pixel lines
(a key, a sword) and an outlined control. Each is a character grid and a palette;
``.`` is transparent. ``TUNE`` may be looked at while tuning; ``HELD_OUT`` is only
ever scored.
"""

from __future__ import annotations

import numpy as np

WHITE, PALE = (250, 250, 250), (222, 226, 232)
OUTLINE = (34, 32, 52)

SPRITES: dict[str, tuple[dict[str, tuple[int, int, int]], str]] = {
    "ghost": (
        {"W": WHITE, "w": PALE, "k": OUTLINE},
        """
.....WWWWWW.....
...WWWWWWWWWW...
..WWWWWWWWWWWW..
.WWWWWWWWWWWWWW.
.WWWkkWWWWkkWWw.
.WWWkkWWWWkkWWw.
WWWWkkWWWWkkWWww
WWWWWWWWWWWWWWww
WWWWWWWkkWWWWWww
WWWWWWkkkkWWWWww
WWWWWWWkkWWWWwww
WWWWWWWWWWWWWwww
WWWWWWWWWWWWwwww
wWWWWWWWWWWwwwww
ww.wWWw.wWWw.www
w...ww...ww...ww
""",
    ),
    "snowman": (
        {"W": WHITE, "w": (206, 218, 236), "k": OUTLINE, "r": (200, 40, 50), "o": (240, 140, 40)},
        """
.....kkkkkk.....
.....kkkkkk.....
.....kkkkkk.....
....kkkkkkkk....
....rrrrrrrr....
...kkkkkkkkkk...
.....WWWWWW.....
....WWkWWkWW....
....WWWWWWoo....
....WWWWWWWw....
.....wWWWWw.....
....WWWWWWWW....
...WWWWkWWWWw...
..WWWWWWWWWWww..
..WWWWWkWWWWww..
..WWWWWWWWWWww..
...WWWWkWWWWw...
..WWWWWWWWWWWw..
.WWWWWWWWWWWWww.
.WWWWWWWWWWWWww.
.WWWWWWWWWWWWww.
.wWWWWWWWWWWwww.
..wwWWWWWWwwww..
....wwwwwwww....
""",
    ),
    "egg": (
        {"W": (248, 240, 222), "w": (226, 214, 190)},
        """
....WWWW....
...WWWWWW...
..WWWWWWWW..
..WWWWWWWWw.
.WWWWWWWWWw.
.WWWWWWWWWww
WWWWWWWWWWww
WWWWWWWWWWww
WWWWWWWWWwww
WWWWWWWWWwww
WWWWWWWWwwww
.WWWWWWwwww.
.wWWWWwwwww.
..wwwwwwww..
...wwwwww...
....wwww....
""",
    ),
    "heart": (
        {"k": OUTLINE, "R": (220, 40, 60), "W": WHITE},
        """
.kkk...kkk..
kRRRk.kRRRk.
kRWRRkRRRRk.
kRWRRRRRRRk.
kRRRRRRRRRk.
.kRRRRRRRk..
..kRRRRRk...
...kRRRk....
....kRk.....
.....k......
""",
    ),
    "key": (
        {"y": (236, 188, 48)},
        """
..yyy...........
.y...y..........
y.....yyyyyyyyyy
y.....y.....y.y.
.y...y......y.y.
..yyy...........
""",
    ),
    "sheep": (
        {"W": WHITE, "w": PALE, "k": OUTLINE},
        """
....WWWW..WWWW......
..WWWWWWWWWWWWWW....
.WWWWWWWWWWWWWWWW...
WWWWWWWWWWWWWWWWWW..
WWWWWWWWWWWWWWWWWkkk
WWWWWWWWWWWWWWWWkkkk
WWWWWWWWWWWWWWWWkWkk
wWWWWWWWWWWWWWWWkkkk
wWWWWWWWWWWWWWWWWkk.
wwWWWWWWWWWWWWWWWw..
.wwWWWWWWWWWWWWWww..
..wwwwwwwwwwwwwww...
...kk..kk...kk..kk..
...kk..kk...kk..kk..
...kk..kk...kk..kk..
...kk..kk...kk..kk..
""",
    ),
    "letter": (
        {"W": (252, 248, 236), "p": (214, 204, 184), "b": (70, 80, 120), "r": (190, 30, 40)},
        """
..............
.pppppppppppp.
.pWWWWWWWWWWp.
.pWbbbbbbWWWp.
.pWWWWWWWWWWp.
.pWbbbbbbbbWp.
.pWWWWWWWWWWp.
.pWbbbbbbbWWp.
.pWWWWWWWWWWp.
.pWbbbbbbbbWp.
.pWWWWWWWWWWp.
.pWbbbbbWWWWp.
.pWWWWWWWWWWp.
.pWWWWWWWrrWp.
.pWWWWWWrrrrp.
.pWWWWWWWrrWp.
.pppppppppppp.
..............
""",
    ),
    "cloud": (
        {"W": (255, 255, 255), "w": (200, 215, 235), "b": (150, 175, 215)},
        """
.........WWWW...........
.......WWWWWWWW.........
......WWWWWWWWWW.WWW....
...WWWWWWWWWWWWWWWWWWW..
..WWWWWWWWWWWWWWWWWWWWW.
.WWWWWWWWWWWWWWWWWWWWWWW
WWWWWWWWWWWWWWWWWWWWWWWW
WWWWWWWWWWWWWWWWWWWWWWWW
wWWWWWWWWWWWWWWWWWWWWWWw
.wwwWWWWWWWWWWWWWWWWwww.
..wwwwwwwwwwwwwwwwwwww..
....bbbbbbbbbbbbbbbb....
""",
    ),
    "bottle": (
        {"W": WHITE, "w": PALE, "k": (120, 90, 60), "b": (40, 90, 200), "B": (90, 150, 240)},
        """
....kkkk....
....kkkk....
....WWWW....
....WWWW....
...WWWWWW...
..WWWWWWWW..
..WWWWWWWw..
..WWWWWWWw..
..bbbbbbbb..
..bBBBBBBb..
..bBWWWWBb..
..bBWWWWBb..
..bBBBBBBb..
..bbbbbbbb..
..WWWWWWWw..
..WWWWWWWw..
..WWWWWWWw..
..WWWWWWww..
..wWWWWWww..
...wwwwww...
""",
    ),
    "mushroom": (
        {"k": OUTLINE, "r": (210, 50, 50), "W": WHITE, "w": PALE},
        """
.....kkkkkk.....
...kkrrrrWWkk...
..krrrrrrWWWrk..
.krWWrrrrrrrrrk.
.kWWWrrrrrWWrrk.
kWWWrrrrrWWWWrrk
krrrrrrrrWWWWrrk
krrrWWrrrrWWrrrk
.kkkkkkkkkkkkkk.
....kWWWWWwk....
....kWWWWWwk....
....kWkWWkwk....
....kWWWWWwk....
....kWWWWWwk....
.....kkkkkk.....
""",
    ),
    "sword": (
        {"k": OUTLINE, "g": (200, 206, 220), "y": (220, 170, 40)},
        """
.............kk.
............kgk.
...........kgk..
..........kgk...
.........kgk....
........kgk.....
.......kgk......
..kk..kgk.......
..kyk.kk........
...kyk..........
....kyk.........
...kykyk........
..kyk.kyk.......
.kyk...kk.......
.kk.............
""",
    ),
    "slime": (
        {"g": (120, 220, 110), "d": (60, 150, 70), "W": WHITE},
        """
.....gggggg.....
...gggggggggg...
..ggWWggggggggg.
.ggWWggggggggggd
.gggggggdggdgggd
gggggggggggggggd
ggggggggggggggdd
dgggggggggggggdd
ddggggggggggggdd
.dddddddddddddd.
""",
    ),
    "bricks": (
        {"r": (170, 74, 58), "R": (196, 100, 78), "m": (224, 210, 190)},
        """
RRRRRRRmRRRRRRRm
rrrrrrrmrrrrrrrm
rrrrrrrmrrrrrrrm
mmmmmmmmmmmmmmmm
RRRmRRRRRRRmRRRR
rrrmrrrrrrrmrrrr
rrrmrrrrrrrmrrrr
mmmmmmmmmmmmmmmm
RRRRRRRmRRRRRRRm
rrrrrrrmrrrrrrrm
rrrrrrrmrrrrrrrm
mmmmmmmmmmmmmmmm
RRRmRRRRRRRmRRRR
rrrmrrrrrrrmrrrr
rrrmrrrrrrrmrrrr
mmmmmmmmmmmmmmmm
""",
    ),
    "grass": (
        {"g": (92, 168, 72), "G": (120, 196, 90), "d": (64, 130, 60)},
        """
gggGgggggggdgggg
ggGGgggdggggggGg
gggggggddgggggGg
gdgggGgggggGgggg
gddggGGggggGGggd
ggggggggdgggggdd
gggGgggggggggggg
ggGGggdggGgggggg
gggggddggGGggdgg
gGggggggggggddgg
GGgggggGgggggggG
gggdggGGggdggggg
ggddgggggddggGgg
ggggggggggggGGgg
gGgggdgggGgggggg
GGggddggGGgggdgg
""",
    ),
}

TUNE = ["ghost", "snowman", "egg", "heart", "key", "bricks"]
HELD_OUT = ["sheep", "letter", "cloud", "bottle", "mushroom", "sword", "slime", "grass"]


def sprite(name: str) -> np.ndarray:
    """The sprite as an RGBA uint8 array (rows padded to the widest with transparency)."""
    palette, text = SPRITES[name]
    rows = [line for line in text.strip("\n").splitlines()]
    width = max(len(r) for r in rows)
    out = np.zeros((len(rows), width, 4), np.uint8)
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch != ".":
                out[y, x] = (*palette[ch], 255)
    return out
