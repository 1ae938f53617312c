#!/usr/bin/env bash
# DGX-Pixels installer and launcher: the two commands of the README.
#
#   bash packaging/bootstrap.sh run [FILE]   install what is missing, then open the app
#   bash packaging/bootstrap.sh test [ARGS]  install what is missing, then ruff + the whole suite
#   bash packaging/bootstrap.sh install      install only
#
# Idempotent: a second run reinstalls nothing unless pyproject.toml (or this file)
# changed. Everything goes into ./.venv (override with DGX_PIXELS_VENV).
#
# torch is installed first and pinned, so that nothing later pulls another build:
#   - with an NVIDIA driver (nvidia-smi works; e.g. the DGX-Spark): the CUDA 13 build
#     from PyTorch's index (DGX_PIXELS_TORCH_INDEX, default .../whl/cu130);
#   - otherwise the CPU build torch==2.13.0 (DGX_PIXELS_TORCH_SPEC to change it;
#     set DGX_PIXELS_TORCH_INDEX=https://download.pytorch.org/whl/cpu on machines
#     where plain PyPI would hand out a CUDA build).
# See packaging/DGX-SPARK.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-run}"
[ $# -gt 0 ] && shift

VENV="${DGX_PIXELS_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
PY="$VENV/bin/python"

say() { printf '\033[1m[dgx-pixels]\033[0m %s\n' "$*" >&2; }

system_libraries() {
  # Qt needs these even offscreen; install them when we can, say what is missing otherwise.
  # The list is read once into a variable: `ldconfig -p | grep -q` under pipefail fails
  # at random (grep exits at the first match, ldconfig dies of SIGPIPE) and would report
  # installed libraries as missing.
  local missing=() found
  found="$(ldconfig -p 2>/dev/null || true)"
  for lib in libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3 libxkbcommon-x11.so.0 \
      libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-shape.so.0 libxcb-render-util.so.0 \
      libxcb-image.so.0; do
    [[ "$found" == *"$lib"* ]] || missing+=("$lib")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local pkgs="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0"
  say "Qt needs system libraries that are missing: ${missing[*]}"
  if ! apt_install $pkgs; then
    say "install them with: sudo apt-get install $pkgs"
  fi
}

apt_install() {
  # As root with apt-get: install the packages, and say so plainly if that fails (offline,
  # a broken mirror) instead of ending the script; otherwise return 1.
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
  say "installing with apt-get: $*"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; then
    return 0
  fi
  say "apt-get could not install $* (offline, or a package source is down); going on without them"
  return 1
}

install_python() {
  local want
  want="$(cat pyproject.toml packaging/bootstrap.sh | sha256sum | cut -c1-16)"
  [ -x "$PY" ] || { say "creating $VENV"; "$PYTHON" -m venv "$VENV"; }
  if [ "$(cat "$VENV/.dgx-pixels-stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  "$PY" -m pip install -q --upgrade pip 2>/dev/null || true
  if ! "$PY" -c "import torch" 2>/dev/null; then
    if command -v nvidia-smi >/dev/null && nvidia-smi >/dev/null 2>&1 && [ -z "${DGX_PIXELS_CPU:-}" ]; then
      local index="${DGX_PIXELS_TORCH_INDEX:-https://download.pytorch.org/whl/cu130}"
      say "NVIDIA driver found: installing the CUDA build of torch from $index"
      "$PY" -m pip install -q "${DGX_PIXELS_TORCH_SPEC:-torch}" --index-url "$index"
    else
      local spec="${DGX_PIXELS_TORCH_SPEC:-torch==2.13.0}"
      say "no NVIDIA driver: installing the CPU build ($spec)"
      if [ -n "${DGX_PIXELS_TORCH_INDEX:-}" ]; then
        "$PY" -m pip install -q "$spec" --index-url "$DGX_PIXELS_TORCH_INDEX"
      else
        "$PY" -m pip install -q "$spec"
      fi
    fi
  fi
  say "installing DGX-Pixels and its dependencies (with the Ray back end and test tools)"
  "$PY" -m pip install -q -e ".[test,cluster]"
  echo "$want" > "$VENV/.dgx-pixels-stamp"
}

install_test_tools() {
  # An independent .aseprite reader (npm ase-parser) that tests check our files with, and
  # strace, which the crash tests use to kill a save at its exact system calls.
  command -v strace >/dev/null || apt_install strace ||
    say "strace is missing: the tests that kill at exact system calls will be skipped"
  if ! command -v npm >/dev/null && ! apt_install nodejs npm; then
    say "npm is missing: tests that use the independent .aseprite reader will be skipped"
    return 0
  fi
  if [ ! -d tests/tools/node_modules/ase-parser ]; then
    (cd tests/tools && npm ci --no-audit --no-fund --silent)
  fi
}

case "$mode" in
  install)
    system_libraries
    install_python
    ;;
  check-libraries)
    system_libraries
    ;;
  run)
    system_libraries
    install_python
    exec "$VENV/bin/dgx-pixels" "$@"
    ;;
  test)
    system_libraries
    install_python
    install_test_tools
    export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/lint-imports" --no-cache
    # two workers, a test file each at a time (a file's fixtures stay in one process):
    # the suite's wall time falls by a quarter on two cores; DGX_PIXELS_TEST_WORKERS=0 runs it in one
    exec "$PY" -m pytest -n "${DGX_PIXELS_TEST_WORKERS:-2}" --dist loadfile "$@"
    ;;
  *)
    echo "usage: bash packaging/bootstrap.sh [run [FILE] | test [PYTEST ARGS] | install | check-libraries]" >&2
    exit 2
    ;;
esac
