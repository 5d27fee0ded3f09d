#!/usr/bin/env bash
# bench/publish-429.sh: the same 30 npm packages as bench/publish.sh (5
# levels of 6, shuffled names; its gen, plan and check_order functions are
# taken from that file, so both benchmarks publish the same packages),
# published to a fresh local verdaccio through tests/helpers/faultproxy,
# which answers the first upload (PUT) with 429 and "Retry-After: 3", by:
#
#   releasekit  rk-exec on the publish DAG (build -> publish -> poll)
#   lerna       `lerna publish from-package --yes` (lerna 8)
#   changesets  `changeset publish` (@changesets/cli 2)
#   pnpm        `pnpm -r publish --no-git-checks`
#
# The peers are installed from npm into .tools/<name> on the first run (as
# bench/publish.sh does for lerna). For each it prints whether the release
# completed (exit 0 and all 30 versions served), how long it waited after
# the 429 before asking again (from the proxy's request log) against the
# Retry-After, and how many dependency edges were published out of order
# (a dependency's version time after its dependent's, from the packuments).
#
#   bench/publish-429.sh [-j JOBS] [TOOL...]   (default: all four)
# Not part of `make check`. Uses $B/bin (B=build; run `make` first).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
if [ "${1:-}" = "-j" ]; then
	jobs=$2
	shift 2
fi
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(releasekit lerna changesets pnpm)
RA=3
export PATH="$top/${B:-build}/bin:$top/.venv/bin:$top/.tools/node/bin:$top/.tools/node/node_modules/.bin:$PATH"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rk-bench-429.XXXXXX")
fp_pid=
cleanup() {
	[ -z "$fp_pid" ] || kill "$fp_pid" 2>/dev/null || true
	for t in "${tools[@]}"; do
		"$top/scripts/registries" stop "$tmp/reg-$t" 2>/dev/null || true
	done
	[ -n "${RK_BENCH_KEEP:-}" ] && echo "bench: kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

# gen DIR, plan, check_order URL DIR: bench/publish.sh's own definitions
eval "$(sed -n '/^gen() {/,/^}/p; /^plan() {/,/^}/p; /^check_order() {/,/^}/p' "$top/bench/publish.sh")"
for f in gen plan check_order; do
	declare -F "$f" >/dev/null || { echo "bench: bench/publish.sh has no $f()" >&2; exit 1; }
done

# install NAME PACKAGE BIN: the peer's executable, installed once into .tools/NAME
install() {
	local dir="$top/.tools/$1"
	if [ ! -x "$dir/node_modules/.bin/$3" ]; then
		echo "bench: installing $2 into .tools/$1 (once)" >&2
		mkdir -p "$dir"
		(cd "$dir" && echo '{"private":true}' >package.json &&
			npm install --no-audit --no-fund --loglevel=error "$2" >/dev/null)
	fi
	echo "$dir/node_modules/.bin/$3"
}
for t in "${tools[@]}"; do
	case $t in
	releasekit | pnpm) ;;
	lerna) lerna=$(install lerna lerna@8 lerna) ;;
	changesets) changeset=$(install changesets @changesets/cli@2 changeset) ;;
	*) echo "bench: unknown tool '$t' (releasekit, lerna, changesets, pnpm)" >&2; exit 2 ;;
	esac
done

now() { date +%s.%N; }

# run_one TOOL: a fresh verdaccio behind a proxy that answers the first PUT 429
run_one() {
	local t=$1 d="$tmp/$t" reg="$tmp/reg-$t" rc=0 t0 t1
	gen "$d"
	# the plain ranges ("^1.0.0") name the workspace's packages for every
	# tool: pnpm (and so rk-discover) link them only with this setting
	echo 'link-workspace-packages=true' >"$d/.npmrc"
	git -C "$d" add .npmrc
	git -C "$d" -c user.name=b -c user.email=b@b commit -q -m "chore: link workspace packages"
	"$top/scripts/registries" start "$reg" >/dev/null 2>&1
	eval "$("$top/scripts/registries" env "$reg")"
	printf '[{"method": "PUT", "count": 1, "fault": "429", "retry_after": %s}]\n' "$RA" >"$tmp/$t.rules"
	rm -f "$tmp/$t.port"
	"$top/.venv/bin/python" "$top/tests/helpers/faultproxy" --upstream "${RK_NPM_URL%/}" \
		--port-file "$tmp/$t.port" --log "$tmp/$t.fplog" --rules "$tmp/$t.rules" 2>/dev/null &
	fp_pid=$!
	for _ in $(seq 100); do [ -s "$tmp/$t.port" ] && break; sleep 0.1; done
	local port url
	port=$(cat "$tmp/$t.port")
	url="http://127.0.0.1:$port/"
	# every tool reads the registry and its token from the npm configuration
	printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$url" "$port" "$NPM_TOKEN" >"$tmp/$t.npmrc"
	(
		cd "$d"
		export npm_config_userconfig="$tmp/$t.npmrc" npm_config_registry="$url"
		export RK_NPM_URL="$url" npm_config_cache="$tmp/npm-cache-$t" RK_CACHE_DIR="$tmp/cache-$t"
		t0=$(now)
		case $t in
		releasekit)
			pnpm install --offline --silent >/dev/null 2>&1 || true
			plan >"$tmp/plan"
			t0=$(now)
			rk-exec -j "$jobs" "$tmp/plan" >"$tmp/$t.log" 2>&1 || rc=$?
			;;
		lerna)
			"$lerna" publish from-package --yes --no-git-reset --registry "$url" >"$tmp/$t.log" 2>&1 || rc=$?
			;;
		changesets)
			mkdir -p .changeset
			echo '{"changelog": false, "commit": false, "access": "public", "baseBranch": "main", "updateInternalDependencies": "patch", "ignore": []}' >.changeset/config.json
			"$changeset" publish >"$tmp/$t.log" 2>&1 || rc=$?
			;;
		pnpm)
			pnpm -r publish --no-git-checks --registry "$url" >"$tmp/$t.log" 2>&1 || rc=$?
			;;
		esac
		t1=$(now)
		echo "$rc $t0 $t1" >"$tmp/$t.result"
	)
	kill "$fp_pid" 2>/dev/null || true
	wait "$fp_pid" 2>/dev/null || true
	fp_pid=
	local n=0 pj name
	for pj in "$d"/packages/*/package.json; do
		name=$(jq -r .name "$pj")
		curl -sf "${RK_NPM_URL}${name/\//%2f}" | jq -e '.versions."1.0.0"' >/dev/null && n=$((n + 1))
	done
	local order wait
	order=$(check_order "$RK_NPM_URL" "$d" | tail -1)
	# the wait: from the 429 to the next request for the same path
	wait=$(jq -s '(map(select(.status == 429)) | first) as $f |
		if $f == null then "no 429 met"
		else (map(select(.n > $f.n and .path == $f.path)) | first) as $n |
		     if $n == null then "never asked again" else ($n.t - $f.t) * 100 | round / 100 | tostring + " s" end
		end' -r "$tmp/$t.fplog")
	read -r rc t0 t1 <"$tmp/$t.result"
	local ok=no
	[ "$rc" = 0 ] && [ "$n" = 30 ] && ok=yes
	printf '  %-11s completed %-3s (exit %s, %2d/30 published)  %6.2f s   waited %s (Retry-After %s s)   edges out of order: %s\n' \
		"$t" "$ok" "$rc" "$n" "$(echo "$t1 - $t0" | bc -l)" "$wait" "$RA" "$order"
	"$top/scripts/registries" stop "$reg" >/dev/null 2>&1 || true
}

printf 'publish 30 npm packages (5 levels) to verdaccio; the first upload answered 429, Retry-After: %s\n' "$RA"
for t in "${tools[@]}"; do
	run_one "$t"
done
