#!/usr/bin/env bash
# bench/plan.sh: rk-plan on a large synthetic history against the floor of
# `git for-each-ref refs/tags` + `git log --name-only` over the same commits.
#
# usage: bench/plan.sh [PACKAGES COMMITS TAGS]     (default 1000 100000 10000)
#
# The repository is generated once by scripts/gen-history into
# $RK_BENCH_DIR (default /tmp/rk-bench-plan-P-C-T) and repacked the way a
# clone is. Each side runs $RUNS times (default 3); the best wall-clock and
# CPU (user+sys) times are compared. rk-plan runs in full (actions, cache
# keys, working tree status scan included). Prints the ratios; the target
# is <= 1.5. On a shared, loaded machine the wall-clock ratio is noise
# (other processes); the CPU ratio is the measure, and the load average is
# printed next to it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
P=${1:-1000} C=${2:-100000} N=${3:-10000}
dir=${RK_BENCH_DIR:-/tmp/rk-bench-plan-$P-$C-$N}
runs=${RUNS:-3}
plan=${RK_PLAN:-$top/build/bin/rk-plan}

if [ ! -f "$dir/packages.ndjson" ]; then
	echo "generating $P packages, $C commits, $N tags in $dir ..." >&2
	rm -rf "$dir"
	mkdir -p "$dir"
	"$top/scripts/gen-history" --packages "$P" --commits "$C" --tags "$N" "$dir/repo" \
		>"$dir/packages.ndjson.tmp"
	git -C "$dir/repo" repack -adq --window=10 --depth=50
	mv "$dir/packages.ndjson.tmp" "$dir/packages.ndjson"
fi
cd "$dir/repo"

# best of $runs: prints "wall cpu" in seconds
best() {
	local bw=999999 bc=999999 i out w c tf
	tf=$(mktemp)
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -o "$tf" -f "%e %U %S" "$@" >/dev/null 2>&1
		out=$(tail -1 "$tf")
		w=$(echo "$out" | awk '{print $1}')
		c=$(echo "$out" | awk '{print $2 + $3}')
		bw=$(awk -v a="$bw" -v b="$w" 'BEGIN{print (b < a) ? b : a}')
		bc=$(awk -v a="$bc" -v b="$c" 'BEGIN{print (b < a) ? b : a}')
	done
	rm -f "$tf"
	echo "$bw $bc"
}

floor=$(best sh -c 'git for-each-ref refs/tags >/dev/null && git log --name-only HEAD >/dev/null')
ours=$(best sh -c "'$plan' --date 20261126 <'$dir/packages.ndjson' >/dev/null")
stats=$("$plan" --no-actions --stats --date 20261126 <"$dir/packages.ndjson" 2>&1 >/dev/null | sed 's/^rk-plan: //')
released=$("$plan" --no-actions --date 20261126 <"$dir/packages.ndjson" | grep -c '"kind":"release"')
echo "repository: $P packages, $(git rev-list --count HEAD) commits, $(git tag | wc -l) tags"
echo "rk-plan $stats; $released releases"
set -- $floor $ours
echo "floor (for-each-ref + log --name-only): wall ${1}s cpu ${2}s"
echo "rk-plan (full plan with actions):        wall ${3}s cpu ${4}s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
awk -v fw="$1" -v fc="$2" -v w="$3" -v c="$4" \
	'BEGIN{printf "ratio: wall %.2fx, cpu %.2fx (target <= 1.5x)\n", w / fw, c / fc}'
