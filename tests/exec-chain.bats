#!/usr/bin/env bats
# rk-exec on deep DAGs: the order and the cycle check are iterative
# (lib/rk_topo), so a 300,000-long chain does not overflow the stack.

load test_helper

setup() {
	setup_common
	make_git_repo repo
	cd repo || return 1
}

# chain N [CLOSE]: N command actions, a0 waits for a1, ..., a(N-1) runs
# `false`, everything else `true`: the first action read is the deepest.
# CLOSE=1 adds the edge a(N-1) -> a0, making one cycle of all N.
chain() {
	awk -v n="$1" -v cyc="${2:-0}" 'BEGIN {
		for (i = 0; i < n; i++) {
			d = i < n - 1 ? "\"a" i + 1 "\"" : (cyc ? "\"a0\"" : "")
			printf "{\"kind\":\"action\",\"id\":\"a%d\",\"type\":\"command\",\"deps\":[%s],\"key\":\"%064x\",\"argv\":[\"%s\"]}\n",
				i, d, i, i < n - 1 ? "true" : "false"
		}
	}'
}

@test "exec: a 300,000-long chain is ordered without recursion: the root fails, every other action is skipped" {
	chain 300000 >plan
	run --separate-stderr rk-exec --no-cache --progress none plan
	assert_failure 1
	[ -z "$stderr" ]
	echo "$output" >out
	# queued, started, failed for the root; skipped for the others; the summary
	[ "$(wc -l <out)" -eq 300003 ]
	run jq -c 'select(.kind=="summary") | del(.duration_ms)' out
	assert_success
	assert_output '{"kind":"summary","actions":300000,"succeeded":0,"cached":0,"failed":1,"skipped":299999,"retries":0,"exit_code":1}'
	run jq -r 'select(.kind=="event" and .action=="a0") | .state' out
	assert_success
	assert_output "skipped"
}

@test "exec: a 300,000-long cycle is found without recursion and named from its first action (line: the latest of its actions)" {
	chain 300000 1 >plan
	run --separate-stderr rk-exec --no-cache --progress none plan
	assert_failure 3
	[ -z "$output" ]
	[ "${stderr:0:46}" = "rk-exec: plan:300000: dependency cycle: a0 -> " ]
	# one line, cut at the length of an error message (rk_err)
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *" -> a1 -> a2 -> a3 -> "* ]]
}
