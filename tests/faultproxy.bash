# Fault-injecting proxy for tests: `load faultproxy` after test_helper.
# See tests/helpers/faultproxy for the rules it understands.
#
#   start_faultproxy NAME UPSTREAM_URL [faultproxy options...]
#       starts tests/helpers/faultproxy in front of UPSTREAM_URL, waits for its
#       port and sets FP_URL (http://127.0.0.1:PORT), FP_PID, FP_LOG (the NDJSON
#       request log) and FP_RULES (a rules file it rereads on change: write a
#       JSON array to it with fp_rules). NAME keeps several proxies apart
#       (their files are $BATS_TEST_TMPDIR/fp-NAME.*); the FP_* variables
#       describe the last one started.
#   fp_rules JSON_ARRAY       replace the rules of the last proxy (atomically)
#   fp_count [JQ_FILTER]      requests logged by the last proxy matching a jq
#                             select() condition, e.g. fp_count '.path|test("^/simple/")'
#   stop_faultproxies         stop every proxy this test started (call it
#                             from teardown)

FP_PIDS=()

start_faultproxy() {
	local name=$1 upstream=$2
	shift 2
	local base="$BATS_TEST_TMPDIR/fp-$name"
	FP_LOG="$base.log"
	FP_RULES="$base.rules"
	: >"$FP_LOG"
	[ -e "$FP_RULES" ] || echo '[]' >"$FP_RULES"
	rm -f "$base.port"
	"$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/faultproxy" --upstream "$upstream" \
		--port-file "$base.port" --log "$FP_LOG" --rules "$FP_RULES" "$@" \
		2>"$base.err" &
	FP_PID=$!
	FP_PIDS+=("$FP_PID")
	local i
	for i in $(seq 200); do
		[ -s "$base.port" ] && break
		kill -0 "$FP_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$base.port" ]; then
		cat "$base.err" >&2
		return 1
	fi
	FP_URL="http://127.0.0.1:$(cat "$base.port")"
}

fp_rules() {
	printf '%s\n' "$1" >"$FP_RULES.tmp" && mv "$FP_RULES.tmp" "$FP_RULES"
}

fp_count() {
	jq -s --argjson dummy 0 "[.[] | select(${1:-true})] | length" "$FP_LOG"
}

stop_faultproxies() {
	local p
	for p in "${FP_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${FP_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	FP_PIDS=()
}
