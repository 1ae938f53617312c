#!/usr/bin/env bash
# Fetch the evaluation art from wheels on PyPI, drawn by people outside this project:
#   pyxel 2.9.9 (MIT): example assets;  pygame 2.6.1 (LGPL): example sprites;
#   arcade 3.3.3: Kenney's top-down tanks (CC0) and Luis Zuno's (ansimuz)
#   car and cyber-city layers (free to use and redistribute, see their licence files);
#   Debian's crawl-tiles-data 0.28 (Dungeon Crawl Stone Soup's tiles, CC0): item sprites
#   and floor/wall tiles, the second held-out set (needs apt-get, as on Debian/Ubuntu);
#   for bench/repeat_eval.py (sheets, strips, flat shapes, tall sprites), never tuned on:
#   Debian's angband-data 3.5.1 (Adam Bolt's 16x16 and the 8x8 tile sheets), mrrescue
#   1.02e (Mr. Rescue's sprites, strips and tiles, zlib/CC-BY-SA) and freeciv-data 3.0.6
#   (flags and the trident unit sheet, GPL).
# Writes bench/out/assets/**. Nothing here is shipped with DGX-Pixels.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out/dl out/assets/pygame out/assets/arcade
[ -f out/dl/pyxel-2.9.9-*.whl ] 2>/dev/null || python3 -m pip download -q --no-deps pyxel==2.9.9 -d out/dl
unzip -o -q -j out/dl/pyxel-2.9.9-*.whl 'pyxel/examples/assets/*.png' 'pyxel/LICENSE' -d out/assets
ls out/dl/pygame-2.6.1-*.whl >/dev/null 2>&1 \
  || python3 -m pip download -q --no-deps --only-binary=:all: pygame==2.6.1 -d out/dl
unzip -o -q -j out/dl/pygame-2.6.1-*.whl 'pygame/examples/data/chimp.png' 'pygame/examples/data/asprite.bmp' \
  'pygame/examples/data/city.png' 'pygame/examples/data/shot.gif' 'pygame/examples/data/liquid.bmp' \
  'pygame/examples/data/alien1.png' 'pygame/examples/data/alien2.png' 'pygame/examples/data/alien3.png' \
  'pygame/examples/data/bomb.gif' 'pygame/examples/data/player1.gif' 'pygame/examples/data/explosion1.gif' \
  'pygame/examples/data/danger.gif' 'pygame/examples/data/background.gif' 'pygame/examples/data/brick.png' \
  -d out/assets/pygame
[ -f out/dl/arcade-3.3.3-py3-none-any.whl ] || python3 -m pip download -q --no-deps arcade==3.3.3 -d out/dl
images=arcade/resources/assets/images
unzip -o -q -j out/dl/arcade-3.3.3-py3-none-any.whl "$images/License.txt" \
  "$images/topdown_tanks/tankBody_red.png" "$images/topdown_tanks/tankBody_bigRed.png" \
  "$images/topdown_tanks/tankBody_huge.png" "$images/miami_synth_parallax/car/car-idle.png" \
  "$images/cybercity_background/far-buildings.png" "$images/cybercity_background/public-license.txt" \
  -d out/assets/arcade
mkdir -p out/assets/crawl
if ! ls out/dl/crawl-tiles-data_*.deb >/dev/null 2>&1; then
  (cd out/dl && apt-get download crawl-tiles-data=2:0.28.0-1.1)
fi
rm -rf out/dl/crawl && dpkg-deb -x out/dl/crawl-tiles-data_*.deb out/dl/crawl
cp out/dl/crawl/usr/share/crawl/dat/tiles/{main,floor,wall}.png out/assets/crawl/
get() {  # a Debian package's files into out/dl/$1
  ls out/dl/"$1"_*.deb >/dev/null 2>&1 || (cd out/dl && apt-get download "$1=$2")
  rm -rf out/dl/"$1" && dpkg-deb -x out/dl/"$1"_*.deb out/dl/"$1"
}
mkdir -p out/assets/angband out/assets/mrrescue out/assets/freeciv/flags
get angband-data 1:3.5.1-2.5
cp out/dl/angband-data/usr/share/angband/xtra/graf/{8x8,16x16}.png out/assets/angband/
get mrrescue 1.02e-3
rm -rf out/dl/mr && mkdir out/dl/mr
unzip -o -q out/dl/mrrescue/usr/share/games/mrrescue/mrrescue.love 'data/*.png' -d out/dl/mr
cp out/dl/mr/data/*.png out/assets/mrrescue/
get freeciv-data 3.0.6-1+deb12u1
civ=out/dl/freeciv-data/usr/share/games/freeciv
cp "$civ"/trident/units.png out/assets/freeciv/
cp "$civ"/flags/*.png out/assets/freeciv/flags/
echo "assets in bench/out/assets"
