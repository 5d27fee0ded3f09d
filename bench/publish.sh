#!/usr/bin/env bash
# bench/publish.sh: publishing 30 npm packages (5 levels of 6, shuffled
# names, each depending on 1-3 packages of the levels below) to a local
# verdaccio (scripts/registries), two ways, on the same packages:
#
#   releasekit  rk-exec on the publish DAG: build (in-process npm packer) ->
#               publish -> poll per package, a dependent's publish waiting
#               for its dependencies' poll. Run twice, on one registry (two
#               scopes of the same 30 packages):
#               - with -j 30, one worker per package, so that nothing but the
#                 dependencies holds an action back: the wall time against
#                 the critical path (the slowest chain of actions, each at its
#                 own measured duration, from the events); target <= 1.1x;
#               - with -j JOBS (default: the CPUs), against its floor: no
#                 schedule beats the critical path, nor the total work spread
#                 evenly over the workers.
#   lerna       `lerna publish from-package --yes` (lerna 8, installed from
#               npm into .tools/lerna on the first run) to a fresh verdaccio.
#               Prints our time (-j 30) over lerna's.
#
# Then checks, from each run's registry, that every package is published and
# that no dependent was published before one of its dependencies (the
# packument's "time" of each version), and prints the work per action type.
#
# Measured 2026-12-01 on the shared 2-core machine (one run each, noisy):
#   build = one `pnpm pack` per package, -j 2: 45.85 s, 13.0x the critical
#     path, 1.60x lerna. In-process packer (rk_npmpack): 25.67 s, 0.63x
#     lerna. JWT tokens in scripts/registries: -j 2: 6.98 s (1.09x the
#     floor); -j 8: 1.67x the critical path, 0.49x lerna.
#   -j 30, quiet machine: 0.79 s, critical path 0.67 s (1.19x): the loop
#     recorded every ended command before starting what they made ready, and
#     synced scratch files and the cache on its own thread. Now it starts a
#     dependent as soon as its dependency is recorded, writes the attempt's
#     input unsynced, leaves the outputs' fsync to the cache writer's batch
#     and rewrites the lock's process groups once a pass: load 2 to 3:
#     1.05x, 1.06x, 1.06x the critical path, 0.34x to 0.46x lerna; quiet
#     machine (load 0.0): 1.07x, 1.06x, 1.06x, 0.34x to 0.55x lerna; -j 2:
#     1.04x its floor (work / 2: on two CPUs the critical path measured
#     under -j 30 is long because every action then waits for a CPU).
#   No edge out of order, either tool.
#
#   bench/publish.sh [-j JOBS]        (default: the number of CPUs)
# Uses $B/bin (B=build; run `make` first). Times are wall seconds of one run
# each; on a shared machine run it twice. BENCH_KEEP=1 keeps the scratch
# directory (events, plan, logs) and says where.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
[ "${1:-}" = "-j" ] && jobs=$2
export PATH="$top/${B:-build}/bin:$top/.venv/bin:$top/.tools/node/node_modules/.bin:$PATH"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rk-bench-publish.XXXXXX")
cleanup() {
	"$top/scripts/registries" stop "$tmp/reg-rk" 2>/dev/null || true
	"$top/scripts/registries" stop "$tmp/reg-lerna" 2>/dev/null || true
	if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

lerna="$top/.tools/lerna/node_modules/.bin/lerna"
if [ ! -x "$lerna" ]; then
	echo "bench: installing lerna 8 into .tools/lerna (once)" >&2
	mkdir -p "$top/.tools/lerna"
	(cd "$top/.tools/lerna" && echo '{"private":true}' >package.json &&
		npm install --no-audit --no-fund --loglevel=error lerna@8 >/dev/null)
fi

# --- the 30 packages --------------------------------------------------------
gen() { # gen DIR [SCOPE]
	local d=$1
	mkdir -p "$d"
	python3 - "$d" "${2:-bench}" <<'EOT'
import json, os, random, sys
d, scope = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
names = ["@%s/%s-%d" % (scope, w, i) for i, w in enumerate(
    rnd.sample(["alder", "birch", "cedar", "dogwood", "elm", "fir", "ginkgo", "hazel", "ivy",
                "juniper", "kapok", "larch", "maple", "nutmeg", "oak", "palm", "quince", "rowan",
                "spruce", "teak", "ulmus", "viburnum", "willow", "xylosma", "yew", "zelkova",
                "acacia", "banyan", "cypress", "daphne"], 30))]
rnd.shuffle(names)
levels = [names[i * 6:(i + 1) * 6] for i in range(5)]
for lv, group in enumerate(levels):
    for n in group:
        deps = {}
        if lv:
            below = [m for g in levels[:lv] for m in g]
            for m in rnd.sample(below, rnd.randint(1, 3)):
                deps[m] = "^1.0.0"
        short = n.split("/")[1]
        p = os.path.join(d, "packages", short)
        os.makedirs(p)
        pj = {"name": n, "version": "1.0.0", "main": "index.js", "license": "MIT"}
        if deps:
            pj["dependencies"] = deps
        json.dump(pj, open(os.path.join(p, "package.json"), "w"), indent=2)
        open(os.path.join(p, "index.js"), "w").write("module.exports = %r;\n" % n)
json.dump({"name": "bench-root", "version": "0.0.0", "private": True}, open(os.path.join(d, "package.json"), "w"))
# linked: pnpm (and so rk-discover) links the ranges to the workspace packages
open(os.path.join(d, "pnpm-workspace.yaml"), "w").write('packages:\n  - "packages/*"\nlinkWorkspacePackages: true\n')
json.dump({"version": "independent", "npmClient": "npm", "packages": ["packages/*"],
           "$schema": "node_modules/lerna/schemas/lerna-schema.json"},
          open(os.path.join(d, "lerna.json"), "w"), indent=2)
EOT
	git -C "$d" init -q -b main
	git -C "$d" -c user.name=b -c user.email=b@b add -A
	git -C "$d" -c user.name=b -c user.email=b@b commit -q -m "feat: bench"
}

# the publish DAG of every publishable package, as rk-plan shapes it
plan() {
	rk-discover | jq -c -s '
		[.[] | select(.kind == "package" and .publishable)] as $p |
		$p[] | ("npm:" + .name) as $k |
		{manager, path, manifest, workspace} as $b |
		({kind: "action", id: ("build:" + $k), type: "build", package: .name, ecosystem: "npm",
		  version: .version, deps: [], params: $b},
		 {kind: "action", id: ("publish:" + $k), type: "publish", package: .name, ecosystem: "npm",
		  version: .version, deps: (["build:" + $k] + [.deps[] | "poll:npm:" + .name]), params: $b},
		 {kind: "action", id: ("poll:" + $k), type: "poll", package: .name, ecosystem: "npm",
		  version: .version, deps: ["publish:" + $k], params: $b})' |
		while IFS= read -r l; do
			jq -c --arg k "$(printf '%s' "$l" | sha256sum | cut -c1-64)" '.key = $k' <<<"$l"
		done
}

# in-order check from a registry: every dependency's version time <= its dependent's
check_order() { # check_order REGISTRY_URL DIR
	local url=$1 d=$2 bad=0 n dep tn td
	for pj in "$d"/packages/*/package.json; do
		n=$(jq -r .name "$pj")
		tn=$(curl -sf "$url${n/\//%2f}" | jq -r '.time."1.0.0"') || { echo "  missing: $n"; bad=$((bad + 1)); continue; }
		for dep in $(jq -r '.dependencies // {} | keys[]' "$pj"); do
			td=$(curl -sf "$url${dep/\//%2f}" | jq -r '.time."1.0.0"')
			[[ "$td" < "$tn" || "$td" == "$tn" ]] || { echo "  out of order: $dep after $n"; bad=$((bad + 1)); }
		done
	done
	echo "$bad"
}

now() { date +%s.%N; }

# --- releasekit ---------------------------------------------------------------
"$top/scripts/registries" start "$tmp/reg-rk" 2>/dev/null
rk_run() { # rk_run JOBS TAG SCOPE: $tmp/TAG.{plan,events,time,order}
	gen "$tmp/$2" "$3"
	(
		eval "$("$top/scripts/registries" env "$tmp/reg-rk")"
		cd "$tmp/$2"
		export RK_CACHE_DIR="$tmp/cache-$2" npm_config_cache="$tmp/npm-cache-$2"
		pnpm install --offline --silent >/dev/null 2>&1 || true
		plan >"$tmp/$2.plan"
		t0=$(now)
		rk-exec -j "$1" "$tmp/$2.plan" >"$tmp/$2.events"
		t1=$(now)
		echo "$t0 $t1" >"$tmp/$2.time"
		check_order "$RK_NPM_URL" "$tmp/$2" | tail -1 >"$tmp/$2.order"
	)
}
wall() { read -r t0 t1 <"$tmp/$1.time" && echo "$t1 - $t0" | bc -l; }
# the critical path: longest chain by measured durations
crit() {
	jq -s '
	(map(select(.kind == "event" and .state == "succeeded")) | map({key: .action, value: (.duration_ms / 1000)}) | from_entries) as $d |
	(map(select(.kind == "action")) ) as $a |
	reduce ($a | length | range(.)) as $_ ({};
		reduce $a[] as $x (.; .[$x.id] = ($d[$x.id] // 0) + ([$x.deps[] as $p | .[$p] // 0] | max // 0))) |
	[.[]] | max' "$tmp/$1.plan" "$tmp/$1.events"
}
work() { jq -s '[.[] | select(.kind == "event" and .state == "succeeded") | .duration_ms] | add / 1000' "$tmp/$1.events"; }
rk_run 30 rk bench
rk_run "$jobs" rkj benchj
rk_s=$(wall rk)
crit_s=$(crit rk)
rkj_s=$(wall rkj)
critj_s=$(crit rkj)
workj_s=$(work rkj)

# --- lerna --------------------------------------------------------------------
gen "$tmp/lerna"
"$top/scripts/registries" start "$tmp/reg-lerna" 2>/dev/null
(
	eval "$("$top/scripts/registries" env "$tmp/reg-lerna")"
	cd "$tmp/lerna"
	export npm_config_cache="$tmp/npm-cache-lerna"
	t0=$(now)
	"$lerna" publish from-package --yes --no-git-reset --registry "$RK_NPM_URL" >"$tmp/lerna.log" 2>&1 ||
		{ echo "bench: lerna failed (see below)" >&2; tail -20 "$tmp/lerna.log" >&2; exit 1; }
	t1=$(now)
	echo "$t0 $t1" >"$tmp/lerna.time"
	check_order "$RK_NPM_URL" "$tmp/lerna" | tail -1 >"$tmp/lerna.order"
)
read -r t0 t1 <"$tmp/lerna.time"
lerna_s=$(echo "$t1 - $t0" | bc -l)

# the floor with JOBS workers: no schedule beats the critical path, nor the
# total work spread evenly over the workers
floor_s=$(echo "f = $workj_s / $jobs; if (f > $critj_s) f else $critj_s" | bc -l)
printf 'publish 30 npm packages (5 levels) to verdaccio\n'
printf '  releasekit -j 30 (build + publish + poll)  %6.2f s   critical path %6.2f s   ratio %.2fx (target <= 1.1x)\n' \
	"$rk_s" "$crit_s" "$(echo "$rk_s / $crit_s" | bc -l)"
printf '  releasekit -j %-2s                          %6.2f s   floor max(critical path, work / jobs) %6.2f s   ratio %.2fx\n' \
	"$jobs" "$rkj_s" "$floor_s" "$(echo "$rkj_s / $floor_s" | bc -l)"
printf '  lerna publish from-package                 %6.2f s\n' "$lerna_s"
printf '  releasekit -j 30 / lerna                   %.2fx\n' "$(echo "$rk_s / $lerna_s" | bc -l)"
# where the work goes: per action type, total and mean of the measured durations
jq -rs '[.[] | select(.kind == "event" and .state == "succeeded")] | group_by(.action | split(":")[0])[] |
	"  work (-j 30): \(.[0].action | split(":")[0]) \(length) actions, total \(map(.duration_ms) | add / 1000 * 100 | round / 100) s, mean \(map(.duration_ms) | add / length | round) ms"' "$tmp/rk.events"
printf '  edges out of order: releasekit %s and %s, lerna %s\n' "$(cat "$tmp/rk.order")" "$(cat "$tmp/rkj.order")" "$(cat "$tmp/lerna.order")"
