#!/usr/bin/env bash
# A two-node Ray cluster on loopback (token auth on), a batch across both nodes, and the
# second node's raylet killed mid-batch; every item must still be done. Repeats RUNS times.
#
#   bash bench/ray_kill_node.sh [RUNS] [MODEL]
#
# Needs the cluster extra (Ray) and a model (default: builds the tiny test model).
set -u
RUNS=${1:-10}
VENV=${VENV:-$(cd "$(dirname "$0")/.." && pwd)/.venv}
RAY=$VENV/bin/ray
APP=$VENV/bin/dgx-pixels
WORK=$(mktemp -d)
MODEL=${2:-$WORK/tiny}
PORT=${PORT:-6390}
[ -d "$MODEL" ] || "$APP" make-test-model "$MODEL" >/dev/null 2>&1
for i in $(seq 1 12); do echo "item $i"; done > "$WORK/items.txt"
"$RAY" stop --force >/dev/null 2>&1
"$RAY" start --head --port="$PORT" --num-cpus=1 --include-dashboard=false --disable-usage-stats >/dev/null 2>&1
start_second() { RAY_AUTH_MODE=token "$RAY" start --address=127.0.0.1:"$PORT" --num-cpus=1 --disable-usage-stats >/dev/null 2>&1; }
passed=0
for run in $(seq 1 "$RUNS"); do
  start_second
  sleep 2
  second=$(pgrep -n -f "raylet.*node_manager_port")  # the newest raylet: the second node's
  out=$WORK/out-$run
  "$APP" batch "$WORK/items.txt" -o "$out" --model "$MODEL" --steps 6 --resolution 256 --size 16 \
      --seed 1 --backend ray:127.0.0.1:"$PORT" --workers 2 >"$WORK/log-$run.txt" 2>&1 &
  batch=$!
  for _ in $(seq 1 600); do  # kill once three images are done
    done_n=$(ls "$out"/*.png 2>/dev/null | grep -vc index.png)
    [ "$done_n" -ge 3 ] && break
    sleep 0.1
  done
  kill -9 "$second" 2>/dev/null
  wait "$batch"; rc=$?
  made=$(ls "$out"/*.png 2>/dev/null | grep -vc index.png)
  workers=$(grep -o '"worker": "[^"]*"' "$out/manifest.json" | sort -u | wc -l)
  echo "run $run: exit $rc, $made/12 images, $workers workers, second node killed at $done_n done"
  [ "$rc" = 0 ] && [ "$made" = 12 ] && passed=$((passed + 1))
  "$RAY" stop --force >/dev/null 2>&1
  "$RAY" start --head --port="$PORT" --num-cpus=1 --include-dashboard=false --disable-usage-stats >/dev/null 2>&1
done
"$RAY" stop --force >/dev/null 2>&1
echo "$passed of $RUNS runs finished every item (logs in $WORK)"
