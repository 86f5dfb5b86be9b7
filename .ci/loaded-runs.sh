#!/bin/bash
# Issue #21's proof: five full suite runs in a row of ONE commit, each from a fresh clone, with a CPU hog (a busy
# loop, one of the two cores) beside them. Stops at the first failing run; one line per run in results.txt.
# Usage: bash .ci/loaded-runs.sh <commit> [work folder, default /tmp/loaded-runs]   (about 90 minutes on 2 cores)
set -u
COMMIT=$1
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
WORK=${2:-/tmp/loaded-runs}
mkdir -p "$WORK" && cd "$WORK"
( while :; do :; done ) &
HOG=$!
trap 'kill $HOG' EXIT
for i in 1 2 3 4 5; do
  rm -rf clone && git clone -q "$REPO" clone && git -C clone checkout -q "$COMMIT"
  commit=$(git -C clone rev-parse --short HEAD)
  start=$(date +%s)
  (cd clone && bash .ci/run) > "log$i.txt" 2>&1
  rc=$?
  end=$(date +%s)
  echo "run $i commit $commit rc $rc seconds $((end-start)) finished $(date -u +%H:%M) load $(cut -d' ' -f1-3 /proc/loadavg) $(grep -E '^tests:' "log$i.txt" | tail -1)" >> results.txt
  [ $rc -eq 0 ] || break
done
