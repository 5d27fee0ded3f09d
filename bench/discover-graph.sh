#!/usr/bin/env bash
# bench/discover-graph.sh: rk-discover (| rk-graph) against the floor of
# reading every manifest once, at 1k and 10k packages (and 50k with --big).
#
#   bench/discover-graph.sh [--big] [--runs R] [--sizes "1000 10000"]
#
# For each size it generates a monorepo with scripts/gen-monorepo (seed 1;
# cached in $BENCH_DIR, default ${TMPDIR:-/tmp}/rk-bench), warms the page
# cache, then takes the best of R runs (default 3) of:
#   floor     find (same pruning as rk-discover) + cat of every manifest
#   discover  rk-discover --no-stdin > /dev/null
#   pipeline  rk-discover --no-stdin | rk-graph > /dev/null
#             (only when rk-graph is implemented: it accepts an empty stream)
# and prints wall seconds, the ratio to the floor and the peak RSS of each
# tool (GNU time's %M). The target at 10k packages: ratio <= 2, RSS < 100 MB.
# Tools are taken from $RK_BUILD/bin (default build/bin of this tree).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${RK_BUILD:-$top/build}/bin
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/rk-bench}
sizes="1000 10000"
runs=3
while [ $# -gt 0 ]; do
	case $1 in
	--big) sizes="$sizes 50000" ;;
	--runs) runs=$2; shift ;;
	--sizes) sizes=$2; shift ;;
	-h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "discover-graph.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$bin/rk-discover" ] || { echo "discover-graph.sh: build first (make)" >&2; exit 1; }
graph=0
if "$bin/rk-graph" </dev/null >/dev/null 2>&1; then graph=1; fi

now() { date +%s.%N; }
# best TIME_CMD: best wall time of $runs runs of the command string
best() {
	local b="" t0 t1 t i
	for ((i = 0; i < runs; i++)); do
		t0=$(now)
		bash -c "$1"
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	printf '%.3f' "$b"
}
rss() { # peak RSS in MB of one run of "$@", stdout discarded
	local f
	f=$(mktemp)
	/usr/bin/time -f %M -o "$f" "$@" >/dev/null
	echo "scale=1; $(tail -n1 "$f") / 1024" | bc -l
	rm -f "$f"
}

floor_cmd='find . \( -name ".*" -o -name node_modules -o -name target -o -name __pycache__ \) ! -name . -prune -o -type f \( -name pyproject.toml -o -name package.json -o -name Cargo.toml -o -name pnpm-workspace.yaml -o -name pnpm-lock.yaml -o -name yarn.lock \) -print0 | xargs -0 cat >/dev/null'

printf '%-8s %-9s %9s %8s %7s %9s %8s %8s\n' packages manifests floor_s disc_s ratio disc_MB pipe_s ratio
for n in $sizes; do
	repo=$dir/mono-$n
	if [ ! -f "$repo/.done" ]; then
		rm -rf "$repo"
		"$top/scripts/gen-monorepo" --seed 1 "$n" "$repo" >/dev/null
		touch "$repo/.done"
	fi
	cd "$repo"
	nman=$(bash -c "${floor_cmd%%|*}" | tr -cd '\0' | wc -c)
	bash -c "$floor_cmd"
	"$bin/rk-discover" --no-stdin >/dev/null
	floor=$(best "$floor_cmd")
	disc=$(best "'$bin/rk-discover' --no-stdin >/dev/null")
	mb=$(rss "$bin/rk-discover" --no-stdin </dev/null)
	ratio=$(printf '%.2f' "$(echo "$disc / $floor" | bc -l)")
	if [ "$graph" = 1 ]; then
		pipe=$(best "'$bin/rk-discover' --no-stdin | '$bin/rk-graph' >/dev/null")
		pratio=$(printf '%.2f' "$(echo "$pipe / $floor" | bc -l)")
		gmb=$("$bin/rk-discover" --no-stdin >"$dir/records-$n.ndjson"; rss "$bin/rk-graph" <"$dir/records-$n.ndjson")
		pipe="$pipe (graph ${gmb} MB)"
	else
		pipe=-
		pratio="- (rk-graph not implemented)"
	fi
	printf '%-8s %-9s %9s %8s %7s %9s %8s %8s\n' "$n" "$nman" "$floor" "$disc" "$ratio" "$mb" "$pipe" "$pratio"
done
