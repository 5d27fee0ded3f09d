#!/usr/bin/env bash
# bench/config.sh: rk-config's cost on a generated 1,000-package RELEASE.star,
# as ratios against a floor measured in the same run:
#   floor = /usr/bin/python3 -c pass  (bare interpreter start)  +  cat of the file
#
#   bench/config.sh [N_PACKAGES] [RUNS]      (defaults 1000, 10)
# Uses $B/bin/rk-config (B=build; run `make` first). Prints wall and CPU
# milliseconds per run; on a busy machine the CPU figures are the steadier.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
runs=${2:-10}
rk="$top/${B:-build}/bin/rk-config"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1,000 package records in a chain of 10 levels, as rk-discover writes them.
for ((i = 0; i < n; i++)); do
	dep=""
	if ((i >= 100)); then
		dep="{\"name\":\"pkg-$((i - 100))\",\"ecosystem\":\"python\",\"spec\":\"\",\"type\":\"normal\"}"
	fi
	printf '{"kind":"package","name":"pkg-%d","version":"1.0.0","ecosystem":"python","manager":"uv","path":"py/p%d/pkg-%d","manifest":"py/p%d/pkg-%d/pyproject.toml","publishable":true,"deps":[%s]}\n' \
		"$i" $((i % 10)) "$i" $((i % 10)) "$i" "$dep"
done >"$tmp/packages.ndjson"
mkdir -p "$tmp/ws" "$tmp/small"
"$rk" --generate -C "$tmp/ws" <"$tmp/packages.ndjson" >"$tmp/ws/RELEASE.star"
echo 'vcs("git")' >"$tmp/small/RELEASE.star"

ms() { # ms CMD...: average wall milliseconds of RUNS runs
	local t0 t1
	t0=$(date +%s%N)
	for ((r = 0; r < runs; r++)); do "$@" >/dev/null; done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / runs / 1000000))
}

cpu() { # cpu CMD...: average user+sys CPU milliseconds of RUNS runs (robust on a busy machine)
	local line u s
	line=$( (for ((r = 0; r < runs; r++)); do "$@" >/dev/null; done; times) | tail -1)
	# "0m0.120s 0m0.030s" (children's user and system time)
	u=$(echo "$line" | awk '{print $1}' | sed 's/m/ /;s/s//' | awk '{print $1 * 60000 + $2 * 1000}')
	s=$(echo "$line" | awk '{print $2}' | sed 's/m/ /;s/s//' | awk '{print $1 * 60000 + $2 * 1000}')
	echo $(((${u%.*} + ${s%.*}) / runs))
}

records=$("$rk" -C "$tmp/ws" | wc -l)
gen=$(ms "$rk" --generate -C "$tmp/ws" <"$tmp/packages.ndjson")
py=$(ms /usr/bin/python3 -c pass)
cat_ms=$(ms cat "$tmp/ws/RELEASE.star")
start=$(ms "$rk" -C "$tmp/small")
big=$(ms "$rk" -C "$tmp/ws")
floor=$((py + cat_ms))
((floor > 0)) || floor=1
cfloor=$(($(cpu /usr/bin/python3 -c pass) + $(cpu cat "$tmp/ws/RELEASE.star")))
((cfloor > 0)) || cfloor=1
cstart=$(cpu "$rk" -C "$tmp/small")
cbig=$(cpu "$rk" -C "$tmp/ws")
echo "rk-config bench: $n packages, $(wc -l <"$tmp/ws/RELEASE.star") lines of RELEASE.star, $records records, $runs runs each"
printf '  %-44s %6d ms\n' "floor: python3 -c pass + cat RELEASE.star" "$floor"
printf '  %-44s %6d ms  (%.1fx floor)\n' "rk-config, one-line RELEASE.star (start-up)" "$start" "$(echo "$start / $floor" | bc -l)"
printf '  %-44s %6d ms  (%.1fx floor)\n' "rk-config, $n-package RELEASE.star" "$big" "$(echo "$big / $floor" | bc -l)"
printf '  %-44s %6d ms\n' "rk-config --generate ($n package records)" "$gen"
echo "CPU time (user+sys), the same runs:"
printf '  %-44s %6d ms\n' "floor" "$cfloor"
printf '  %-44s %6d ms  (%.1fx floor)\n' "rk-config start-up" "$cstart" "$(echo "$cstart / $cfloor" | bc -l)"
printf '  %-44s %6d ms  (%.1fx floor)\n' "rk-config, $n-package RELEASE.star" "$cbig" "$(echo "$cbig / $cfloor" | bc -l)"
