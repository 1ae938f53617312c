#!/usr/bin/env bash
# Fetch the evaluation sprites: pixel art shipped in the pyxel wheel (MIT licence),
# drawn by people outside this project. Writes bench/out/assets/*.png.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out/dl out/assets
[ -f out/dl/pyxel-2.9.9-*.whl ] 2>/dev/null || python3 -m pip download -q --no-deps pyxel==2.9.9 -d out/dl
unzip -o -q -j out/dl/pyxel-2.9.9-*.whl 'pyxel/examples/assets/*.png' 'pyxel/LICENSE' -d out/assets
echo "assets in bench/out/assets"
