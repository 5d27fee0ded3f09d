#!/usr/bin/env bash
# bench/exec.sh: rk-exec's scheduler against its floors (not a test).
#
#   bench/exec.sh [SEED]        (after `make`; uses build/bin/rk-exec)
#
# 1. Makespan: a seeded random DAG of 500 `sleep` actions with known
#    durations (50-400 ms, each node depending on up to 3 earlier ones), run
#    with --jobs 500. Printed as makespan / critical path (the lower bound
#    no scheduler can beat); target <= 1.05.
# 2. Overhead: 500 independent `true` actions with --jobs 1 against the
#    floor of spawning `true` 500 times one after the other (xargs -P 1,
#    which forks and execs each); the difference
#    per action is rk-exec's cost (scheduling, events, CAS and AC writes
#    with fsync); target < 1 ms.
# 3. Cached rerun: the DAG of (1) again on the warm cache: nothing runs;
#    target < 0.5 s.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
exe="$top/build/bin/rk-exec"
seed=${1:-42}
[ -x "$exe" ] || { echo "bench/exec.sh: build first (make)" >&2; exit 2; }
work=$(mktemp -d ${BENCH_TMPDIR:+-p "$BENCH_TMPDIR"})
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo/.git"
cd "$work/repo"
export RK_CACHE_DIR="$work/cache"

now() { date +%s%N; }

# The DAG: "id dur_ms dep dep ..." lines, then records and the critical path.
awk -v seed="$seed" -v n=500 'BEGIN {
	srand(seed);
	for (i = 0; i < n; i++) {
		d = 50 + int(rand() * 351);
		line = i " " d;
		k = int(rand() * 4);
		for (j = 0; j < k && i > 0; j++) line = line " " int(rand() * i);
		print line;
	}
}' >dag.txt
awk -v salt="$seed-$(now)" '{
	deps = "";
	for (j = 3; j <= NF; j++) if (index(" " seen[$1] " ", " " $j " ") == 0) {
		seen[$1] = seen[$1] " " $j;
		deps = deps (deps == "" ? "" : ",") "\"n" $j "\"";
	}
	cmd = "printf %s \"" salt "-" $1 "\" | sha256sum";
	cmd | getline key; close(cmd); key = substr(key, 1, 64);
	printf "{\"kind\":\"action\",\"id\":\"n%d\",\"type\":\"command\",\"deps\":[%s],\"key\":\"%s\",\"argv\":[\"sleep\",\"%.3f\"]}\n", $1, deps, key, $2 / 1000;
}' dag.txt >dag.ndjson
cp_ms=$(awk '{ c = $2; for (j = 3; j <= NF; j++) if (cp[$j] + $2 > c) c = cp[$j] + $2; cp[$1] = c; if (c > m) m = c } END { print m }' dag.txt)

t0=$(now)
"$exe" --jobs 500 dag.ndjson >events1
t1=$(now)
make_ms=$(( (t1 - t0) / 1000000 ))
ok=$(grep -c '"state":"succeeded"' events1 || true)
echo "makespan: ${make_ms} ms, critical path ${cp_ms} ms, ratio $(awk -v a="$make_ms" -v b="$cp_ms" 'BEGIN { printf "%.3f", a / b }') (target <= 1.05; $ok/500 succeeded)"

t0=$(now)
"$exe" --jobs 500 dag.ndjson >events2
t1=$(now)
cached=$(grep -c '"state":"cached"' events2 || true)
started=$(grep -c '"state":"started"' events2 || true)
echo "cached rerun: $(( (t1 - t0) / 1000000 )) ms, $cached/500 cached, $started started (target < 500 ms, 0 started)"

for i in $(seq 0 499); do
	printf '{"kind":"action","id":"t%d","type":"command","deps":[],"key":"%s","argv":["true"]}\n' \
		"$i" "$(printf 't%s-%s' "$i" "$seed" | sha256sum | cut -c1-64)"
done >true.ndjson
tb=$(type -P true)
# the floor: spawning and reaping `true` 500 times, one after the other
t0=$(now)
seq 500 | xargs -n 1 -P 1 "$tb"
t1=$(now)
floor_us=$(( (t1 - t0) / 1000 ))
t0=$(now)
"$exe" --jobs 1 --no-cache true.ndjson >events3
t1=$(now)
rk_us=$(( (t1 - t0) / 1000 ))
echo "overhead: rk-exec ${rk_us} us vs xargs floor ${floor_us} us for 500 'true': $(awk -v a="$rk_us" -v b="$floor_us" 'BEGIN { printf "%.3f", (a - b) / 500 / 1000 }') ms per action (target < 1 ms)"
