#!/usr/bin/env bats
# rk-exec's progress display: live on a terminal (a pseudo-terminal made by
# script(1)), plain lines otherwise, colours only on a terminal and never with
# NO_COLOR; stdout keeps the NDJSON when it is a pipe. Also: failed events
# carry the tails of stdout and stderr, and `releasekit logs` prints an
# action's output from the cache.

load test_helper

setup() {
	setup_common
	unset RK_PROGRESS NO_COLOR
	export TERM=xterm
	make_git_repo repo
	cd repo || return 1
	n=0
	{
		act build:python:a build a '[]' 'sleep 0.6; echo built a'
		act publish:python:a publish a '["build:python:a"]' 'if [ "$RK_ATTEMPT" = 1 ]; then echo "429 from the registry" >&2; printf "retryable=true\nretry_after=0.5\n" >"$RK_RESULT_FILE"; exit 1; fi; echo published a'
		act build:python:b build b '[]' 'sleep 0.3; echo compiling b; echo "src/b.py:7: syntax error" >&2; exit 2'
		act publish:python:b publish b '["build:python:b"]' 'echo never'
	} >plan
}

# act ID TYPE PACKAGE DEPS SCRIPT: a command action running sh -c SCRIPT.
act() {
	n=$((n + 1))
	jq -cn --arg id "$1" --arg t "$2" --arg p "$3" --argjson deps "$4" --arg s "$5" \
		--arg key "$(printf '%s%s' "$1" "$BATS_TEST_NAME" | sha256sum | cut -c1-64)" \
		'{kind:"action",id:$id,type:$t,package:$p,deps:$deps,key:$key,argv:["sh","-c",$s]}'
}

# on_tty CMD: run CMD (a shell line) with stdin, stdout and stderr on a pseudo-terminal.
on_tty() {
	script -qefc "$1" /dev/null </dev/null
}

@test "progress: on a terminal the display is redrawn in place and ends with the summary" {
	run on_tty "rk-exec -j 2 plan"
	assert_failure 1
	printf '%s' "$output" >tty.out
	# redrawn: cursor up and clear below, many times; the cursor shown again at the end
	[ "$(grep -o $'\e\\[[0-9]*A\e\\[J' tty.out | wc -l)" -ge 3 ]
	grep -q $'\e\\[?25h' tty.out
	# colours on a terminal
	grep -q $'\e\\[32m' tty.out
	# the states people need: running with elapsed time, a retry wait, the failure with its tail
	text=$(sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g' tty.out)
	grep -Eq 'build [0-9]+\.[0-9]s' <<<"$text"
	grep -Eq '^retry: publish:python:a attempt 1: 429 from the registry \(exited 1\); waiting 0\.[0-9]s$' <<<"$text"
	grep -Eq '^  . a +publish: 429 from the registry \(exited 1\); retry 2 in 0\.[0-9]s +\[1/2\]$' <<<"$text"
	grep -q '^error: build:python:b failed: exited 2$' <<<"$text"
	grep -q '^    stderr | src/b.py:7: syntax error$' <<<"$text"
	# the final view: every package, then the summary as the last line
	last=$(printf '%s\n' "$text" | grep -v '^$' | tail -n 1)
	[[ "$last" =~ ^Finished:\ 2\ succeeded,\ 0\ cached,\ 1\ failed,\ 1\ skipped,\ 1\ retries\ in\ [0-9.]+s$ ]]
	printf '%s\n' "$text" | grep -Eq '^  . a +done +\[2/2\]$'
	printf '%s\n' "$text" | grep -Eq '^  . b +build failed: exited 2 +\[0/2\]$'
	# a terminal stdout gets the display, not the NDJSON
	! grep -q '"kind":"event"' tty.out
}

@test "progress: packages are shown by dependency level when package records give it" {
	{
		echo '{"kind":"package","name":"b","version":"1.0.0","ecosystem":"python","manager":"uv","path":"b","manifest":"b/pyproject.toml","publishable":true,"deps":[],"level":0}'
		echo '{"kind":"package","name":"a","version":"1.0.0","ecosystem":"python","manager":"uv","path":"a","manifest":"a/pyproject.toml","publishable":true,"deps":[{"name":"b","ecosystem":"python","spec":">=1","type":"normal"}],"level":1}'
		cat plan
	} >plan2
	run on_tty "NO_COLOR=1 rk-exec -j 2 plan2 >/dev/null"
	text=$(printf '%s' "$output" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g')
	# the final view: level 0 (b) before level 1 (a)
	run bash -c 'printf "%s\n" "$1" | grep -E "^  . [ab] " | tail -n 2' _ "$text"
	assert_line --index 0 --regexp '^  . b +L0  build failed: exited 2'
	assert_line --index 1 --regexp '^  . a +L1  done'
}

@test "progress: NO_COLOR on a terminal gives no colour codes" {
	run on_tty "NO_COLOR=1 rk-exec -j 2 plan"
	assert_failure 1
	printf '%s' "$output" >tty.out
	! grep -q $'\e\\[[0-9;]*m' tty.out
	grep -q 'Finished: 2 succeeded' tty.out
}

@test "progress: stdout stays NDJSON when it is a pipe, with the display on the terminal" {
	run on_tty "bash -c 'set -o pipefail; rk-exec -j 2 plan | cat >events.ndjson'"
	assert_failure 1 # the plan has a failing action (the summary below)
	grep -q 'Finished: 2 succeeded' <<<"$output"
	! grep -q '"kind"' <<<"$output"
	validate_records events.ndjson
	run jq -r 'select(.kind == "summary") | [.succeeded, .failed, .skipped, .retries, .exit_code] | @tsv' events.ndjson
	assert_output $'2\t1\t1\t1\t1'
}

@test "progress: a stderr that is not a terminal gets plain lines without escape codes" {
	run --separate-stderr rk-exec -j 2 plan
	assert_failure 1
	[[ "$stderr" != *$'\e'* ]]
	[[ "$stderr" =~ \]\ build:python:a\ started ]]
	[[ "$stderr" =~ \]\ build:python:a\ succeeded\ in\ [0-9.]+s ]]
	[[ "$stderr" =~ \]\ publish:python:a\ retrying\ in\ [0-9.]+s:\ 429\ from\ the\ registry\ \(exited\ 1\)\;\ retry\ in\ 0\.5s ]]
	[[ "$stderr" =~ \]\ publish:python:a\ started\ \(attempt\ 2\) ]]
	[[ "$stderr" =~ \]\ build:python:b\ failed\ in\ [0-9.]+s:\ exited\ 2 ]]
	[[ "$stderr" == *$'\n    stdout | compiling b\n    stderr | src/b.py:7: syntax error\n'* ]]
	[[ "$stderr" =~ \]\ publish:python:b\ skipped:\ dependency\ \'build:python:b\'\ failed ]]
	[[ "${stderr_lines[-1]}" =~ \]\ Finished:\ 2\ succeeded,\ 0\ cached,\ 1\ failed,\ 1\ skipped,\ 1\ retries\ in ]]
	# queued is not a line of its own
	[[ "$stderr" != *queued* ]]
	# stdout is the NDJSON
	printf '%s\n' "$output" >events.ndjson
	validate_records events.ndjson
	# --progress none (or RK_PROGRESS=none) is quiet
	run --separate-stderr rk-exec --progress none plan
	[ -z "$stderr" ]
	RK_PROGRESS=none run --separate-stderr rk-exec plan
	[ -z "$stderr" ]
	# even forced live mode writes no colour with NO_COLOR
	NO_COLOR=1 run --separate-stderr rk-exec --progress live --no-cache plan
	! grep -q $'\e\\[[0-9;]*m' <<<"$stderr"
	grep -q 'Finished: 2 succeeded' <<<"$stderr"
}

@test "progress: bad --progress and RK_PROGRESS values are usage errors" {
	run --separate-stderr rk-exec --progress fancy plan
	assert_failure 2
	[ "${stderr_lines[0]}" = "rk-exec: --progress: expected auto, live, plain or none, got 'fancy'" ]
	RK_PROGRESS=fancy run --separate-stderr rk-exec plan
	assert_failure 2
	[ "$stderr" = "rk-exec: RK_PROGRESS: expected auto, live, plain or none, got 'fancy'" ]
}

@test "exec: a failed event carries the tails of stdout and stderr" {
	run --separate-stderr rk-exec --progress none plan
	assert_failure 1
	printf '%s\n' "$output" >events.ndjson
	run jq -c 'select(.kind == "event" and .state == "failed") | [.action, .stdout_tail, .stderr_tail]' events.ndjson
	assert_output '["build:python:b","compiling b\n","src/b.py:7: syntax error\n"]'
	run jq -c 'select(.kind == "event" and .state == "retrying") | [.action, .stdout_tail, .stderr_tail]' events.ndjson
	assert_output '["publish:python:a",null,"429 from the registry\n"]'
}

@test "logs: releasekit logs ACTION prints an action's stdout and stderr from the cache" {
	rk-exec --progress none plan >events.ndjson || true
	run --separate-stderr releasekit logs build:python:b events.ndjson
	assert_success
	assert_output $'==> build:python:b: stdout (attempt 1) <==\ncompiling b\n==> build:python:b: stderr (attempt 1) <==\nsrc/b.py:7: syntax error'
	# every attempt of a retried action, from stdin
	run --separate-stderr releasekit logs publish:python:a <events.ndjson
	assert_success
	assert_output $'==> publish:python:a: stderr (attempt 1) <==\n429 from the registry\n==> publish:python:a: stdout (attempt 2) <==\npublished a'
	run --separate-stderr releasekit logs --stderr build:python:b events.ndjson
	assert_output 'src/b.py:7: syntax error'
	run --separate-stderr releasekit logs no:such events.ndjson
	assert_failure 1
	[ "$stderr" = "releasekit logs: no event of action 'no:such' with logs in events.ndjson" ]
	# a cached action: its logs come from its action cache entry
	rk-exec --progress none plan >events2.ndjson || true
	[ "$(jq -r 'select(.action == "build:python:a") | .state' events2.ndjson)" = cached ]
	run --separate-stderr releasekit logs build:python:a events2.ndjson
	assert_success
	assert_output $'==> build:python:a: stdout (cached) <==\nbuilt a'
	# a pruned log is an error
	rm -rf "$RK_CACHE_DIR/cas"
	run --separate-stderr releasekit logs build:python:b events.ndjson
	assert_failure 1
	[[ "$stderr" == "releasekit logs: build:python:b: stdout (attempt 1) is not in the cache "*" (pruned?)"* ]]
}

@test "progress: an executor's note says why (a retry wait, an effect already done); unknown records are ignored" {
	{
		echo '{"kind":"action","id":"publish:npm:x","type":"publish","package":"x","deps":[],"key":"0000000000000000000000000000000000000000000000000000000000000000"}'
		echo '{"kind":"action","id":"tag:npm:x","type":"tag","package":"x","deps":[],"key":"0000000000000000000000000000000000000000000000000000000000000000"}'
		echo '{"kind":"mystery","anything":[1,2]}'
		echo '{"kind":"event","action":"publish:npm:x","state":"started","time":"2026-12-01T00:00:00.000Z","attempt":1,"future":true}'
		echo '{"kind":"event","action":"publish:npm:x","state":"retrying","time":"2026-12-01T00:00:01.000Z","attempt":1,"duration_ms":1000,"reason":"exited 1","note":"429 from the registry","retry_in_ms":30000}'
		echo '{"kind":"event","action":"publish:npm:x","state":"started","time":"2026-12-01T00:00:31.000Z","attempt":2}'
		echo '{"kind":"event","action":"publish:npm:x","state":"succeeded","time":"2026-12-01T00:00:32.000Z","attempt":2,"duration_ms":1000}'
		echo '{"kind":"event","action":"tag:npm:x","state":"succeeded","time":"2026-12-01T00:00:33.000Z","attempt":1,"duration_ms":5,"note":"already done"}'
		echo '{"kind":"event","action":"unknown:action","state":"started","time":"2026-12-01T00:00:33.000Z"}'
		echo '{"kind":"summary","actions":2,"succeeded":2,"cached":0,"failed":0,"skipped":0,"retries":1,"duration_ms":33000}'
	} >stream
	run --separate-stderr t_helper t-progress plain <stream
	assert_success
	[[ "${stderr_lines[1]}" =~ \]\ publish:npm:x\ retrying\ in\ 1\.0s:\ 429\ from\ the\ registry\ \(exited\ 1\)\;\ retry\ in\ 30\.0s$ ]]
	[[ "${stderr_lines[4]}" =~ \]\ tag:npm:x\ succeeded\ in\ 0\.0s:\ already\ done$ ]]
	[[ "${stderr_lines[5]}" =~ \]\ Finished:\ 2\ succeeded,\ 0\ cached,\ 0\ failed,\ 0\ skipped,\ 1\ retries\ in\ 33\.0s$ ]]
	[ "${#stderr_lines[@]}" = 6 ]
}
