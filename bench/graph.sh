#!/usr/bin/env bash
# bench/graph.sh [N...]: rk-graph against the floor of reading its input.
#
# For each N (default 10000 50000) generates N package records with a seeded
# random DAG (tests/helpers/gen-packages), then measures, in the same run,
#   floor:    cat <FILE >/dev/null
#   records:  rk-graph <FILE >/dev/null          (records with level/order)
#   levels:   rk-graph --levels <FILE >/dev/null
# each the best of 3 by wall time and by CPU time (user + sys; the honest
# number on a loaded machine), and prints rk-graph's peak RSS. A measurement,
# not a test: nothing here fails on a slow machine.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${RK_BUILD:-$top/build}/bin
gen=$top/tests/helpers/gen-packages
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 10000 50000

# measure FILE CMD...: "wall cpu rss_kb", each the best of three runs.
measure() {
	local file=$1
	shift
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" <"$file" >/dev/null
		cat "$tmp/time"
	done | awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
		NR == 1 || $4 > m { m = $4 } END { printf "%.2f %.2f %d\n", w, c, m }'
}

printf '%9s %7s | %-20s | %-20s | %-20s\n' "" "" "floor (cat)" "rk-graph" "rk-graph --levels"
printf '%9s %7s | %9s %9s | %9s %9s | %9s %9s | %s\n' packages MB wall cpu wall cpu wall cpu "peak RSS"
for n in "$@"; do
	f=$tmp/p$n.ndjson
	"$gen" "$n" 1 >"$f"
	read -r fw fc _ < <(measure "$f" cat)
	read -r gw gc grss < <(measure "$f" "$bin/rk-graph")
	read -r lw lc _ < <(measure "$f" "$bin/rk-graph" --levels)
	printf '%9d %7.1f | %8ss %8ss | %8ss %8ss | %8ss %8ss | %.1f MB\n' "$n" \
		"$(awk -v b="$(wc -c <"$f")" 'BEGIN { print b / 1048576 }')" \
		"$fw" "$fc" "$gw" "$gc" "$lw" "$lc" "$(awk -v k="$grss" 'BEGIN { print k / 1024 }')"
done
echo "(time has 10 ms resolution; cat's floor rounds to 0.00 at these sizes)"
