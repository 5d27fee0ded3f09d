#!/usr/bin/env bats
# rk-exec: the action-DAG executor.

load test_helper

setup() {
	setup_common
	make_git_repo repo
	cd repo || return 1
	REPO=$PWD
	KEYSALT=""
}

teardown() {
	if [ -n "${BR_PID:-}" ]; then
		kill "$BR_PID" 2>/dev/null || true
		wait "$BR_PID" 2>/dev/null || true
	fi
	# bad_server's
	if [ -n "${SRV_PID:-}" ]; then
		kill "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || true
	fi
}

# K TEXT: a cache key (sha256 hex) derived from TEXT and $KEYSALT.
K() { printf '%s%s' "$1" "$KEYSALT" | sha256sum | cut -c1-64; }

# act ID DEPS_JSON ARGV_JSON [EXTRA_JSON]: an action record of type command.
act() {
	jq -cn --arg id "$1" --argjson deps "$2" --argjson argv "$3" --arg key "$(K "$1")" \
		--argjson extra "${4:-{\}}" \
		'{kind:"action",id:$id,type:"command",deps:$deps,key:$key,argv:$argv} + $extra'
}

# sh_act ID DEPS_JSON SCRIPT [EXTRA_JSON]: a command action running sh -c SCRIPT.
sh_act() {
	act "$1" "$2" "$(jq -cn --arg s "$3" '["sh","-c",$s]')" "${4:-{\}}"
}

# ev FILE ID STATE: the event records of action ID in STATE.
ev() { jq -c --arg id "$2" --arg st "$3" 'select(.kind=="event" and .action==$id and .state==$st)' "$1"; }
# states FILE ID: the states of action ID, space-separated.
states() { jq -r --arg id "$2" 'select(.kind=="event" and .action==$id) | .state' "$1" | tr '\n' ' ' | sed 's/ $//'; }
summary() { jq -c 'select(.kind=="summary") | del(.duration_ms)' "$1"; }

# gone PID: wait (up to 5 s) until PID is gone or a zombie; fail if it lives on.
gone() {
	local st
	for _ in $(seq 100); do
		st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
		[ "$st" = Z ] && return 0
		sleep 0.05
	done
	return 1
}

@test "exec: runs in dependency order, passes other records through first and in order" {
	{
		echo '{"kind":"package","name":"p1","version":"1.0.0","ecosystem":"python","manager":"uv","path":"p1","manifest":"p1/pyproject.toml","publishable":true,"deps":[]}'
		sh_act c '["b"]' 'echo c >>log'
		sh_act a '[]' 'echo a >>log'
		echo '{"kind":"package","name":"p2","version":"2.0.0","ecosystem":"npm","manager":"pnpm","path":"p2","manifest":"p2/package.json","publishable":false,"deps":[ ]}'
		sh_act b '["a"]' 'echo b >>log'
		sh_act d '["a"]' 'echo d >>log'
		sh_act e '["b","d"]' 'echo e >>log'
	} >plan
	run --separate-stderr rk-exec -j 1 plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	# pass-through: unchanged, in order, before the events
	[ "$(sed -n 1p out)" = '{"kind":"package","name":"p1","version":"1.0.0","ecosystem":"python","manager":"uv","path":"p1","manifest":"p1/pyproject.toml","publishable":true,"deps":[]}' ]
	[ "$(sed -n 2p out)" = '{"kind":"package","name":"p2","version":"2.0.0","ecosystem":"npm","manager":"pnpm","path":"p2","manifest":"p2/package.json","publishable":false,"deps":[ ]}' ]
	# one job: the ready action with the longest chain of dependents first
	# (b and d: 2, then c and e: 1), ties in input order
	printf 'a\nb\nd\nc\ne\n' >expected
	cmp expected log
	for id in a b c d e; do
		[ "$(states out $id)" = "queued started succeeded" ]
	done
	[ "$(summary out)" = '{"kind":"summary","actions":5,"succeeded":5,"cached":0,"failed":0,"skipped":0,"retries":0,"exit_code":0}' ]
	# stdout/stderr are in the CAS, never on the terminal
	[ -z "$stderr" ]
}

@test "exec: the ready action with the longest chain of dependents starts first" {
	{
		sh_act leaf '[]' 'echo leaf >>log'
		sh_act head '[]' 'echo head >>log'
		sh_act mid '["head"]' 'echo mid >>log'
		sh_act tail '["mid"]' 'echo tail >>log'
	} >plan
	run --separate-stderr rk-exec -j 1 plan
	assert_success
	printf 'head\nmid\nleaf\ntail\n' >expected
	cmp expected log
}

@test "exec: events carry digests of stdout and stderr stored in the CAS" {
	sh_act a '[]' 'echo out-a; echo err-a >&2' >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	d=$(ev out a succeeded | jq -r .stdout_digest)
	e=$(ev out a succeeded | jq -r .stderr_digest)
	[ "$(cat "$RK_CACHE_DIR/cas/${d:0:2}/$d")" = out-a ]
	[ "$(cat "$RK_CACHE_DIR/cas/${e:0:2}/$e")" = err-a ]
	[ "$(ev out a succeeded | jq -c '[.attempt, .exit_code, .stdout_size, .stderr_size]')" = '[1,0,6,6]' ]
}

# max_overlap FILE: the largest number of intervals ("start end" lines, ns) open at once.
max_overlap() {
	awk '{print $1, 1; print $2, -1}' "$1" | sort -k1,1n -k2,2n |
		awk '{c += $2; if (c > m) m = c} END {print m}'
}

@test "exec: --jobs bounds concurrency and --limit bounds a type" {
	for i in 1 2 3 4 5 6; do
		sh_act "t$i" '[]' 's=$(date +%s%N); sleep 0.3; echo "$s $(date +%s%N)" >>iv'
	done >plan
	run --separate-stderr rk-exec -j 2 plan
	assert_success
	[ "$(wc -l <iv)" = 6 ]
	[ "$(max_overlap iv)" = 2 ]

	rm -f iv
	for i in 1 2 3 4; do
		sh_act "p$i" '[]' 's=$(date +%s%N); sleep 0.2; echo "$s $(date +%s%N)" >>iv' '{"type":"publish"}'
		sh_act "q$i" '[]' 's=$(date +%s%N); sleep 0.2; echo "$s $(date +%s%N)" >>iv2' '{"resource":"registry:x"}'
	done >plan2
	run --separate-stderr rk-exec -j 8 --limit publish=1 --limit registry:x=2 plan2
	assert_success
	[ "$(max_overlap iv)" = 1 ]
	[ "$(max_overlap iv2)" = 2 ]
}

@test "exec: no level barriers: a dependent starts while an unrelated slow action runs" {
	# slow succeeds only if b runs while it is running (up to 10 s)
	{
		sh_act a '[]' 'true'
		sh_act slow '[]' 'for i in $(seq 200); do [ -f b-ran ] && exit 0; sleep 0.05; done; exit 1'
		sh_act b '["a"]' 'touch b-ran'
	} >plan
	run --separate-stderr rk-exec -j 4 plan
	assert_success
	printf '%s\n' "$output" >out
	[ "$(states out slow)" = "queued started succeeded" ]
}

@test "exec: a failure skips its transitive dependents; independent work finishes (default)" {
	{
		sh_act a '[]' 'echo boom >&2; exit 3'
		sh_act b '["a"]' 'touch ran-b'
		sh_act c '["b"]' 'touch ran-c'
		sh_act x '[]' 'sleep 0.2; touch ran-x'
	} >plan
	run --separate-stderr rk-exec -j 2 plan
	assert_failure 1
	printf '%s\n' "$output" >out
	validate_records out
	assert_file_not_exists ran-b
	assert_file_not_exists ran-c
	assert_file_exists ran-x
	[ "$(ev out a failed | jq -c '[.exit_code, .reason, .stderr_tail]')" = '[3,"exited 3","boom\n"]' ]
	[ "$(ev out b skipped | jq -c '[.reason, .cause]')" = '["dependency '\''a'\'' failed","a"]' ]
	[ "$(ev out c skipped | jq -c '[.reason, .cause]')" = '["dependency '\''a'\'' failed","a"]' ]
	[ "$(states out x)" = "queued started succeeded" ]
	[ "$(summary out)" = '{"kind":"summary","actions":4,"succeeded":1,"cached":0,"failed":1,"skipped":2,"retries":0,"exit_code":1}' ]
}

@test "exec: --fail-fast starts nothing new after the first failure" {
	{
		sh_act a '[]' 'exit 1'
		sh_act y '[]' 'touch ran-y'
		sh_act z '[]' 'touch ran-z'
	} >plan
	run --separate-stderr rk-exec -j 1 --fail-fast plan
	assert_failure 1
	printf '%s\n' "$output" >out
	assert_file_not_exists ran-y
	assert_file_not_exists ran-z
	[ "$(ev out y skipped | jq -r .reason)" = fail-fast ]
	[ "$(ev out z skipped | jq -r .reason)" = fail-fast ]
	# the same plan, continue-on-error: y and z run
	run --separate-stderr rk-exec -j 1 --continue-on-error plan
	assert_failure 1
	assert_file_exists ran-y
	assert_file_exists ran-z
}

@test "exec: retryable failures (exit 75) retry with capped exponential backoff" {
	# fails with EX_TEMPFAIL twice, then succeeds
	sh_act flaky '[]' 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n >n; [ $n -ge 3 ] || exit 75' >plan
	run --separate-stderr rk-exec --retries 3 --backoff-base-ms 40 --backoff-max-ms 60 --seed 7 plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(states out flaky)" = "queued started retrying started retrying started succeeded" ]
	[ "$(ev out flaky retrying | jq -c '[.attempt, .exit_code, .reason]' | tr '\n' ' ')" = '[1,75,"exited 75"] [2,75,"exited 75"] ' ]
	# full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]
	r1=$(ev out flaky retrying | jq -s '.[0].retry_in_ms')
	r2=$(ev out flaky retrying | jq -s '.[1].retry_in_ms')
	[ "$r1" -ge 0 ] && [ "$r1" -le 40 ]
	[ "$r2" -ge 0 ] && [ "$r2" -le 60 ]
	[ "$(ev out flaky succeeded | jq .attempt)" = 3 ]
	[ "$(summary out | jq .retries)" = 2 ]
}

@test "exec: retries stop at max_retries; other exit codes are not retried" {
	{
		sh_act always '[]' 'exit 75' '{"max_retries":1}'
		sh_act hard '[]' 'exit 1'
		sh_act custom '[]' 'n=$(cat m 2>/dev/null || echo 0); echo $((n+1)) >m; [ $n -ge 1 ] || exit 9' '{"retryable_exit_codes":[9]}'
	} >plan
	RK_EXEC_BACKOFF_SCALE=0 run --separate-stderr rk-exec --retries 5 plan
	assert_failure 1
	printf '%s\n' "$output" >out
	[ "$(states out always)" = "queued started retrying started failed" ]
	[ "$(ev out always failed | jq .attempt)" = 2 ]
	[ "$(states out hard)" = "queued started failed" ]
	[ "$(states out custom)" = "queued started retrying started succeeded" ]
}

@test "exec: retry_after from \$RK_RESULT_FILE overrides the backoff" {
	sh_act ra '[]' 'date +%s%N >>t; if [ ! -f once ]; then touch once; printf "retryable=true\nretry_after=2\n" >"$RK_RESULT_FILE"; exit 1; fi' >plan
	RK_EXEC_BACKOFF_SCALE=0.25 run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	[ "$(ev out ra retrying | jq -c '[.retry_in_ms, .exit_code]')" = '[500,1]' ]
	# the second attempt came no sooner than the hint (loose lower bound)
	gap=$(( ($(sed -n 2p t) - $(sed -n 1p t)) / 1000000 ))
	[ "$gap" -ge 450 ]
	# retryable=false wins over exit 75
	sh_act nr '[]' 'echo retryable=false >"$RK_RESULT_FILE"; exit 75' >plan2
	run --separate-stderr rk-exec plan2
	assert_failure 1
	[ "$(printf '%s\n' "$output" | states /dev/stdin nr)" = "queued started failed" ]
}

@test "exec: a timeout kills the action's process group and is retryable" {
	sh_act slow '[]' 'sleep 30 & echo $! >child; wait' '{"timeout_s":0.3,"max_retries":0}' >plan
	run --separate-stderr rk-exec --kill-grace 0.5 plan
	assert_failure 1
	printf '%s\n' "$output" >out
	[ "$(ev out slow failed | jq -c '[.timed_out, .reason, .signal]')" = '[true,"timed out after 0.3s","SIGTERM"]' ]
	gone "$(cat child)"
}

@test "exec: cache hits skip the work; the key decides; --no-cache reruns" {
	sh_act a '[]' 'echo run >>runs; echo hello' >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out1
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out2
	validate_records out2
	[ "$(wc -l <runs)" = 1 ]
	[ "$(states out2 a)" = cached ]
	[ "$(ev out2 a cached | jq -r .stdout_digest)" = "$(ev out1 a succeeded | jq -r .stdout_digest)" ]
	[ "$(ev out2 a cached | jq -r .key)" = "$(K a)" ]
	[ "$(summary out2)" = '{"kind":"summary","actions":1,"succeeded":0,"cached":1,"failed":0,"skipped":0,"retries":0,"exit_code":0}' ]
	# another key: a miss
	KEYSALT=v2
	sh_act a '[]' 'echo run >>runs; echo hello' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(wc -l <runs)" = 2 ]
	run --separate-stderr rk-exec --no-cache plan
	assert_success
	[ "$(wc -l <runs)" = 3 ]
	printf '%s\n' "$output" >out3
	[ "$(states out3 a)" = "queued started succeeded" ]
}

@test "exec: failures are not cached; a cached dependency unblocks its dependents" {
	{
		sh_act a '[]' 'echo run-a >>runs'
		sh_act b '["a"]' 'echo run-b >>runs; [ -f fixed ]'
	} >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	touch fixed
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	[ "$(states out a)" = cached ]
	[ "$(states out b)" = "queued started succeeded" ]
	printf 'run-a\nrun-b\nrun-b\n' >expected
	cmp expected runs
}

@test "exec: a cache hit unblocked by another hit leaves a dependent waiting for its other dependencies" {
	# b becomes a hit when a (a hit) is done; c also waits for m, whose key
	# (and c's) changes with $1
	twoway() {
		sh_act a '[]' 'true'
		sh_act b '["a"]' 'true'
		KEYSALT=$1 sh_act m '[]' 'sleep 1; echo done >m'
		KEYSALT=$1 sh_act c '["b","m"]' 'cat m'
	}
	twoway 1 >plan1
	run --separate-stderr rk-exec plan1
	assert_success
	rm m
	twoway 2 >plan2
	run --separate-stderr rk-exec plan2
	assert_success
	run jq -r 'select(.kind=="event") | "\(.action) \(.state)"' <<<"$output"
	assert_success
	assert_line "a cached"
	assert_line "b cached"
	# c is queued only after m succeeded
	[ "$(grep -E '^[mc] ' <<<"$output" | tr '\n' ,)" = "m queued,m started,m succeeded,c queued,c started,c succeeded," ]
}

@test "exec: declared outputs are stored and restored from the cache" {
	sh_act gen '[]' 'mkdir -p dist; echo artifact >dist/a.txt; echo run >>runs' '{"outputs":["dist/a.txt"]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	dg=$(ev out gen succeeded | jq -r '.outputs[0].digest')
	[ "$dg" = "$(sha256sum dist/a.txt | cut -c1-64)" ]
	rm -rf dist
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(cat dist/a.txt)" = artifact ]
	[ "$(wc -l <runs)" = 1 ]
}

@test "exec: two executors sharing one cache at once never corrupt it" {
	mkdir -p ../r2 && make_git_repo ../r2
	for i in $(seq 1 40); do
		sh_act "a$i" '[]' "echo out-$i; head -c 3000 /dev/urandom | od -An | head -50"
	done >plan
	cp plan ../r2/plan
	rk-exec -j 4 plan >o1 &
	p1=$!
	(cd ../r2 && rk-exec -j 4 plan >o2) &
	p2=$!
	wait $p1
	wait $p2
	validate_records o1
	validate_records ../r2/o2
	# no partial files anywhere, every blob matches its name
	run find "$RK_CACHE_DIR" -name '*.tmp.*'
	assert_output ''
	for f in "$RK_CACHE_DIR"/cas/*/*; do
		[ "$(sha256sum <"$f" | cut -c1-64)" = "$(basename "$f")" ]
	done
	# every AC entry is complete: a third run is all cached
	mkdir -p ../r3 && make_git_repo ../r3 && cp plan ../r3/plan
	cd ../r3
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >o3
	[ "$(summary o3 | jq .cached)" = 40 ]
}

@test "exec: the repository lock: contention names the holder, --lock-timeout waits" {
	sh_act a '[]' 'true' >plan
	host=$(hostname)
	sleep 60 &
	holder=$!
	printf '{"pid":%d,"host":"%s","started":"2026-01-02T03:04:05.678Z","tool":"rk-exec"}\n' "$holder" "$host" >.releasekit.lock
	run --separate-stderr rk-exec --lock-timeout 0 plan
	assert_failure 1
	[ "$stderr" = "rk-exec: another release is running in $REPO: pid $holder on host $host since 2026-01-02T03:04:05.678Z holds .releasekit.lock (waited 0s; see --lock-timeout)" ]
	[ -z "$output" ]
	# released while we wait
	(sleep 0.4; rm -f .releasekit.lock) &
	run --separate-stderr rk-exec --lock-timeout 10 plan
	assert_success
	kill "$holder"
	assert_file_not_exists .releasekit.lock
}

@test "exec: a stale lock of a dead process on this host is broken; other hosts' are not" {
	sh_act a '[]' 'true' >plan
	sh -c 'exit 0' &
	dead=$!
	wait $dead
	printf '{"pid":%d,"host":"%s","started":"2026-01-02T03:04:05.678Z"}\n' "$dead" "$(hostname)" >.releasekit.lock
	run --separate-stderr rk-exec plan
	assert_success
	[ "$stderr" = "rk-exec: warning: removing stale lock of pid $dead on host $(hostname) (since 2026-01-02T03:04:05.678Z): the process is gone" ]
	assert_file_not_exists .releasekit.lock
	printf '{"pid":%d,"host":"elsewhere","started":"2026-01-02T03:04:05.678Z"}\n' "$dead" >.releasekit.lock
	run --separate-stderr rk-exec plan
	assert_failure 1
	assert_file_exists .releasekit.lock
}

@test "exec: SIGINT stops the run, kills running commands, releases the lock; a rerun resumes" {
	{
		sh_act a '[]' 'echo a >>runs'
		sh_act b '["a"]' 'echo b >>runs'
		sh_act c '["b"]' 'echo c >>runs; [ -f fast ] && exit 0; sleep 60 & echo $! >sleeper; touch in-c; wait'
		sh_act d '["c"]' 'echo d >>runs'
	} >plan
	rk-exec plan >out 2>err &
	pid=$!
	for _ in $(seq 100); do [ -f in-c ] && break; sleep 0.05; done
	assert_file_exists in-c
	kill -INT $pid
	st=0
	wait $pid || st=$?
	assert_equal "$st" 130
	validate_records out
	[ "$(states out a)" = "queued started succeeded" ]
	[ "$(ev out c failed | jq -r .reason)" = interrupted ]
	[ "$(ev out d skipped | jq -r .reason)" = interrupted ]
	[ "$(summary out | jq -c '[.interrupted, .exit_code]')" = '["SIGINT",130]' ]
	assert_file_not_exists .releasekit.lock
	gone "$(cat sleeper)"
	# resume: a and b come from the cache
	touch fast
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out2
	[ "$(states out2 a)" = cached ]
	[ "$(states out2 b)" = cached ]
	[ "$(states out2 c)" = "queued started succeeded" ]
	[ "$(states out2 d)" = "queued started succeeded" ]
	printf 'a\nb\nc\nc\nd\n' >expected
	cmp expected runs
}

@test "exec: SIGTERM exits 143" {
	sh_act s '[]' 'touch in-s; sleep 60' >plan
	rk-exec plan >out 2>err &
	pid=$!
	for _ in $(seq 100); do [ -f in-s ] && break; sleep 0.05; done
	kill -TERM $pid
	st=0
	wait $pid || st=$?
	assert_equal "$st" 143
	[ "$(summary out | jq -c '[.interrupted, .exit_code]')" = '["SIGTERM",143]' ]
}

@test "exec: hooks run with the event on stdin; a failing before-hook fails the action" {
	cat >hook.sh <<'EOF'
#!/bin/sh
cat >>"hook-$RK_HOOK_EVENT.log"
EOF
	chmod +x hook.sh
	{
		echo '{"kind":"config","rule":"hook","name":"log","events":["before:command","after:command","on_failure"],"handler":["./hook.sh"]}'
		sh_act ok '[]' 'true'
		sh_act bad '[]' 'exit 4'
	} >plan
	run --separate-stderr rk-exec -j 1 plan
	assert_failure 1
	printf '%s\n' "$output" >out
	# the config record passes through
	[ "$(head -1 out | jq -r .rule)" = hook ]
	[ "$(jq -r '[.action, .state] | join(":")' hook-before:command.log | tr '\n' ' ')" = "ok:started bad:started " ]
	[ "$(jq -r '[.action, .state] | join(":")' hook-after:command.log)" = ok:succeeded ]
	[ "$(jq -r '[.action, .state, .exit_code] | join(":")' hook-on_failure.log)" = bad:failed:4 ]

	# a failing before-hook (argv form) fails the action; the command never runs
	{
		echo '{"kind":"config","rule":"hook","name":"gate","events":["before:publish"],"handler":["sh","-c","echo denied >&2; exit 2"]}'
		sh_act pub '[]' 'touch published' '{"type":"publish"}'
		sh_act other '[]' 'touch other'
	} >plan2
	KEYSALT=2
	run --separate-stderr rk-exec plan2
	assert_failure 1
	printf '%s\n' "$output" >out2
	assert_file_not_exists published
	assert_file_exists other
	[ "$(ev out2 pub failed | jq -r .reason)" = "before-hook 'gate' failed: exited 2: denied" ]
}

@test "exec: a built-in action without what its executor needs fails plainly; a missing program fails cleanly" {
	{
		jq -cn --arg k "$(K b)" '{kind:"action",id:"b",type:"build",deps:[],key:$k}'
		act m '[]' '["no-such-program-rk"]'
	} >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(ev out b failed | jq -r .reason)" = "action 'b': needs \"package\", \"ecosystem\" and \"version\"" ]
	[ "$(ev out m failed | jq -r .reason)" = "cannot run 'no-such-program-rk': No such file or directory" ]
}

@test "exec: env values are never echoed; the stderr tail masks them" {
	sh_act s '[]' 'echo "token is $TOKEN" >&2; exit 1' '{"env":{"TOKEN":"s3cr3t-value"}}' >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	refute_output --partial s3cr3t-value
	[[ "$stderr" != *s3cr3t-value* ]]
	printf '%s\n' "$output" >out
	[ "$(ev out s failed | jq -r .stderr_tail)" = "token is ***" ]
}

@test "exec: argv with spaces and quotes reaches the program verbatim; cwd and env apply" {
	mkdir -p sub
	act q '[]' '["sh","-c","printf \"%s|\" \"$@\" >args; pwd >where; echo $FOO >foo","sh","a b","\"q\"","$(x)"]' '{"cwd":"sub","env":{"FOO":"bar"}}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(cat sub/args)" = 'a b|"q"|$(x)|' ]
	[ "$(cat sub/where)" = "$REPO/sub" ]
	[ "$(cat sub/foo)" = bar ]
}

@test "exec: malformed input: exact error lines, exit 3" {
	printf '%s\n' "$(sh_act a '[]' true)" "$(sh_act a '[]' true)" >dup
	run --separate-stderr rk-exec dup
	assert_failure 3
	[ "$stderr" = "rk-exec: dup:2: duplicate action id 'a' (first on line 1)" ]

	sh_act a '["zz"]' true >unk
	run --separate-stderr rk-exec <unk
	assert_failure 3
	[ "$stderr" = "rk-exec: <stdin>:1: action 'a': unknown dependency 'zz'" ]

	{ echo '{"kind":"x"}'; sh_act a '["c"]' true; sh_act b '["a"]' true; sh_act c '["b"]' true; } >cyc
	run --separate-stderr rk-exec <cyc
	assert_failure 3
	[ "$stderr" = "rk-exec: <stdin>:4: dependency cycle: a -> c -> b -> a" ]
	[ -z "$output" ] || [ "$output" = '{"kind":"x"}' ]

	echo '{"kind":"action","id":"a","type":"command","deps":[],"key":"abc"}' >badkey
	run --separate-stderr rk-exec <badkey
	assert_failure 3
	[ "$stderr" = 'rk-exec: <stdin>:1:60: key: "abc" does not match the pattern "^[0-9a-f]{64}$"' ]

	act a '[]' '[]' >badargv
	run --separate-stderr rk-exec <badargv
	assert_failure 3
	[[ "$stderr" == "rk-exec: <stdin>:1:"*": argv: must not be empty" ]]

	printf '{"kind":"action","id":"a","type":"command","deps":"b","key":"%s"}\n' "$(K a)" >baddeps
	run --separate-stderr rk-exec <baddeps
	assert_failure 3
	[ "$stderr" = 'rk-exec: <stdin>:1:51: deps: expected array, found "b"' ]

	printf '{"kind":"config","rule":"hook","name":"h","events":["before:x"],"handler":7}\n' >badhook
	run --separate-stderr rk-exec <badhook
	assert_failure 3
	[ "$stderr" = "rk-exec: <stdin>:1:75: handler: expected array, found 7" ]

	printf '{"kind":"a"}\n{"kind":\n' >badjson
	run --separate-stderr rk-exec <badjson
	assert_failure 3
	[[ "$stderr" == "rk-exec: <stdin>:2:"* ]]
	assert_file_not_exists .releasekit.lock

	run --separate-stderr rk-exec --jobs 0
	assert_failure 2
	run --separate-stderr rk-exec --limit publish
	assert_failure 2
}

@test "exec: --cache-stats and --cache-prune; releasekit cache" {
	sh_act a '[]' 'echo hello' >plan
	rk-exec plan >/dev/null
	run --separate-stderr rk-exec --cache-stats
	assert_success
	assert_line --index 0 "cache: $RK_CACHE_DIR"
	assert_line --index 1 'cas: 2 blobs, 6 bytes'
	assert_line --index 2 --regexp '^ac: 1 entries, [0-9]+ bytes$'
	run releasekit cache stats
	assert_success
	assert_line --index 1 'cas: 2 blobs, 6 bytes'
	run releasekit cache prune --max-age 1d
	assert_success
	assert_line --index 0 'pruned 0 entries, 0 bytes'
	run releasekit cache prune --max-size 0
	assert_success
	# all but the empty blob: the total is then 0 bytes
	assert_line --index 0 'pruned 2 entries, 76 bytes'
	assert_line --index 1 "cache: $RK_CACHE_DIR"
	assert_line --index 2 'cas: 1 blobs, 0 bytes'
	assert_line --index 3 'ac: 0 entries, 0 bytes'
	run releasekit cache --help
	assert_success
	assert_output --partial 'usage: releasekit cache'
	run --separate-stderr rk-exec --cache-prune
	assert_failure 2
	run --separate-stderr rk-exec --cache-prune --max-age 3x
	assert_failure 2
}

# start_bazel_remote DIR: a bazel-remote on 127.0.0.1 with an ephemeral port;
# sets BR_PID and BR_URL. AC validation stays on (the default).
start_bazel_remote() {
	command -v bazel-remote >/dev/null || skip "bazel-remote not installed (scripts/bootstrap)"
	bazel-remote --dir "$1" --max_size 1 --http_address 127.0.0.1:0 --grpc_address none \
		>"$1.log" 2>&1 &
	BR_PID=$!
	local port=
	for _ in $(seq 100); do
		port=$(ss -ltnpH 2>/dev/null | grep "pid=$BR_PID," | awk '{print $4}' | sed 's/.*://' | head -1)
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || { cat "$1.log"; return 1; }
	BR_URL="http://127.0.0.1:$port"
}

@test "exec: two local caches share work through a real bazel-remote" {
	start_bazel_remote "$BATS_TEST_TMPDIR/remote"
	{
		sh_act a '[]' 'echo run-a >>runs; echo out-a; echo err-a >&2'
		sh_act b '["a"]' 'echo run-b >>runs; mkdir -p dist; echo bin >dist/b.bin' '{"outputs":["dist/b.bin"]}'
	} >plan
	RK_CACHE_DIR="$BATS_TEST_TMPDIR/c1" run --separate-stderr rk-exec --remote-cache "$BR_URL" plan
	assert_success
	[ -z "$stderr" ]
	printf '%s\n' "$output" >out1
	validate_records out1
	[ "$(summary out1 | jq -c .remote_cache)" = '{"lookups":2,"hits":0,"uploads":5,"available":true}' ]

	# a second machine: another repository, an empty local cache
	mkdir -p ../m2 && make_git_repo ../m2 && cp plan ../m2/ && cd ../m2
	RK_CACHE_DIR="$BATS_TEST_TMPDIR/c2" run --separate-stderr rk-exec --remote-cache "$BR_URL" plan
	assert_success
	[ -z "$stderr" ]
	printf '%s\n' "$output" >out2
	assert_file_not_exists runs
	[ "$(states out2 a)" = cached ]
	[ "$(states out2 b)" = cached ]
	[ "$(ev out2 a cached | jq -r .stdout_digest)" = "$(ev ../repo/out1 a succeeded | jq -r .stdout_digest)" ]
	[ "$(cat dist/b.bin)" = bin ]
	d=$(ev out2 a cached | jq -r .stderr_digest)
	[ "$(cat "$BATS_TEST_TMPDIR/c2/cas/${d:0:2}/$d")" = err-a ]
	# the remote also validated the AC entries as ActionResult messages
	run curl -sf -o /dev/null -w '%{http_code}' "$BR_URL/ac/$(K a)"
	assert_output 200
}

@test "exec: a failing remote cache degrades to the local cache with one warning" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	{ sh_act a '[]' 'true'; sh_act b '[]' 'true'; } >plan
	run --separate-stderr rk-exec --remote-cache "http://user:pw@127.0.0.1:$port/" plan
	assert_success
	[[ "$stderr" == "rk-exec: warning: remote cache http://127.0.0.1:$port unavailable ("*"): using the local cache only" ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ]
	printf '%s\n' "$output" >out
	[ "$(summary out | jq -c '[.succeeded, .remote_cache.available]')" = '[2,false]' ]
}

@test "exec: the remote cache URL can come from a release_train config record" {
	start_bazel_remote "$BATS_TEST_TMPDIR/remote"
	{
		jq -cn --arg u "$BR_URL" '{kind:"config",rule:"release_train",name:"main",remote_cache:$u}'
		sh_act a '[]' 'echo hi'
	} >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	[ "$(summary out | jq -c .remote_cache.uploads)" = 2 ]
}

# ---- found using the tools as a new user would: each pins one fixed bug ----

# xact ID DEPS_JSON SCRIPT [EXTRA_JSON]: a command action running sh -c SCRIPT
xact() {
	jq -cn --arg id "$1" --argjson deps "$2" --arg s "$3" \
		--arg key "$(printf '%s%s' "$1" "${KEYSALT:-}" | sha256sum | cut -c1-64)" \
		--argjson extra "${4:-{\}}" \
		'{kind:"action",id:$id,type:"command",deps:$deps,key:$key,argv:["sh","-c",$s]} + $extra'
}

# bad_server MODE: start tests/fixtures/bad-cache-server.py; sets SRV_URL, SRV_PID
bad_server() {
	local port="$BATS_TEST_TMPDIR/port.$1"
	mkdir -p "$BATS_TEST_TMPDIR/srv"
	python3 "$RK_TOP/tests/fixtures/bad-cache-server.py" "$1" "$BATS_TEST_TMPDIR/srv" >"$port.tmp" &
	SRV_PID=$!
	for _ in $(seq 200); do
		grep -q '^[0-9][0-9]*$' "$port.tmp" 2>/dev/null && break
		sleep 0.05
	done
	SRV_URL="http://127.0.0.1:$(cat "$port.tmp")"
}

@test "rk-exec: bad input writes nothing, not even the records before it" {
	k=$(printf '%064d' 0)
	while IFS='|' read -r rec msg; do
		printf '{"kind":"package","name":"p"}\n%s\n' "$rec" >in
		run --separate-stderr rk-exec in
		assert_failure 3
		assert_output ""
		assert_equal "$stderr" "rk-exec: in:2$msg"
	done <<EOT
{"kind":"action","id":"x","type":"command","deps":[1],"key":"$k","argv":["true"]}|:52: deps[0]: expected string, found 1
{"kind":"action","id":"x","type":"command","deps":[],"key":"$k","argv":["true"],"timeout_s":-1}|:155: timeout_s: -1 is less than the minimum 0
{"kind":"action","id":"x","type":"command","deps":[],"key":"$k","argv":["true"],"env":{"A":1}}|: action 'x': "env" must map variable names (no '=') to strings
{"kind":"action","id":"x","type":"command","deps":[],"key":"$k","argv":["true"],"max_retries":-3}|:157: max_retries: -3 is less than the minimum 0
{"kind":"action","id":"","type":"command","deps":[],"key":"$k","argv":["true"]}|:23: id: must not be empty
{"kind":"action","id":"x","type":"command","deps":["x"],"key":"$k","argv":["true"]}|: action 'x' depends on itself
EOT
	{ echo '{"kind":"x"}'; xact a '["c"]' true; xact b '["a"]' true; xact c '["b"]' true; } >cyc
	run --separate-stderr rk-exec <cyc
	assert_failure 3
	assert_output ""
	# a good input passes the records through before the first event
	{ echo '{"kind":"x"}'; xact a '[]' true; echo '{"kind":"y"}'; } >good
	run --separate-stderr rk-exec good
	assert_success
	assert_line --index 0 '{"kind":"x"}'
	assert_line --index 1 '{"kind":"y"}'
}

@test "rk-exec: a cache directory that cannot be made is named in the one error line" {
	touch "$BATS_TEST_TMPDIR/file"
	xact a '[]' true >plan
	run --separate-stderr rk-exec --cache-dir "$BATS_TEST_TMPDIR/file" plan
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "rk-exec: cannot open the cache $BATS_TEST_TMPDIR/file: Not a directory"
	RK_CACHE_DIR="$BATS_TEST_TMPDIR/file/sub" run --separate-stderr rk-exec plan
	assert_failure 1
	assert_equal "$stderr" "rk-exec: cannot open the cache $BATS_TEST_TMPDIR/file/sub: Not a directory"
	run --separate-stderr env -u RK_CACHE_DIR -u XDG_CACHE_HOME -u HOME rk-exec --cache-stats
	assert_failure 1
	assert_equal "$stderr" "rk-exec: no cache directory: set RK_CACHE_DIR, XDG_CACHE_HOME or HOME"
	run --separate-stderr releasekit cache stats --cache-dir "$BATS_TEST_TMPDIR/file"
	assert_failure 1
	assert_equal "$stderr" "rk-exec: cannot open the cache $BATS_TEST_TMPDIR/file: Not a directory"
}

@test "rk-exec: a corrupt CAS blob or AC entry is a miss with a warning, never a false hit, and heals" {
	xact a '[]' 'echo hello; mkdir -p dist; echo bin >dist/o.bin' '{"outputs":["dist/o.bin"]}' >plan
	rk-exec plan >/dev/null
	hello=$(echo hello | sha256sum | cut -c1-64)
	bin=$(echo bin | sha256sum | cut -c1-64)
	key=$(jq -r .key plan)
	blob="$RK_CACHE_DIR/cas/${hello:0:2}/$hello"
	# same size, other bytes
	chmod u+w "$blob" && echo hellx >"$blob"
	run --separate-stderr rk-exec plan
	assert_success
	assert_equal "$stderr" "rk-exec: warning: action 'a': corrupt cache blob cas/${hello:0:2}/$hello removed"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state' | tr '\n' ' ')" = "queued started succeeded " ]
	[ "$(cat "$blob")" = hello ]
	run --separate-stderr rk-exec plan
	assert_equal "$stderr" ""
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state')" = cached ]
	# an output blob: restored content is never wrong
	blob="$RK_CACHE_DIR/cas/${bin:0:2}/$bin"
	chmod u+w "$blob" && printf 'bi' >"$blob"
	rm dist/o.bin
	run --separate-stderr rk-exec plan
	assert_success
	assert_equal "$stderr" "rk-exec: warning: action 'a': corrupt cache blob cas/${bin:0:2}/$bin removed"
	[ "$(cat dist/o.bin)" = bin ]
	# AC entries: truncated, then text
	ac="$RK_CACHE_DIR/ac/${key:0:2}/$key"
	for bad in truncate text; do
		chmod u+w "$ac"
		if [ $bad = truncate ]; then head -c 20 "$ac" >t && cat t >"$ac"; else echo garbage >"$ac"; fi
		run --separate-stderr rk-exec plan
		assert_success
		assert_equal "$stderr" "rk-exec: warning: action 'a': corrupt cache entry ac/${key:0:2}/$key ignored"
		[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event" and .state == "succeeded") | .action')" = a ]
	done
	run --separate-stderr rk-exec plan
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state')" = cached ]
}

@test "rk-exec: a remote cache answering 500 or garbage degrades to local with one warning" {
	{ xact a '[]' 'echo a'; xact b '[]' 'echo b'; xact c '[]' 'echo c'; } >plan
	for mode in 500 garbage; do
		bad_server $mode
		rm -rf "$RK_CACHE_DIR"
		run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
		assert_success
		case $mode in
		500) why="GET /ac: HTTP 500" ;;
		garbage) why="GET /ac: not an ActionResult" ;;
		esac
		assert_equal "$stderr" "rk-exec: warning: remote cache $SRV_URL unavailable ($why): using the local cache only"
		[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "summary") | [.succeeded, .remote_cache.hits, .remote_cache.available]')" = '[3,0,false]' ]
		kill "$SRV_PID" && wait "$SRV_PID" 2>/dev/null || true
		SRV_PID=
	done
}

@test "rk-exec: a remote CAS blob that does not match its digest is never used; uploads send no Expect" {
	xact a '[]' 'echo hello' >plan
	bad_server dir
	run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
	assert_success
	assert_equal "$stderr" ""
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "summary") | .remote_cache.uploads')" = 2 ]
	grep -qi '^content-length' "$BATS_TEST_TMPDIR/srv/put-headers"
	run grep -ci '^expect' "$BATS_TEST_TMPDIR/srv/put-headers"
	assert_output 0
	# the remote's copy of the stdout blob goes bad; a fresh local cache asks it
	hello=$(echo hello | sha256sum | cut -c1-64)
	echo hellx >"$BATS_TEST_TMPDIR/srv/cas/$hello"
	rm -rf "$RK_CACHE_DIR"
	run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
	assert_success
	assert_equal "$stderr" "rk-exec: warning: remote cache $SRV_URL unavailable (GET /cas: content does not match its digest): using the local cache only"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state' | tr '\n' ' ')" = "queued started succeeded " ]
	[ ! -e "$RK_CACHE_DIR/cas/${hello:0:2}/$hello" ] || [ "$(cat "$RK_CACHE_DIR/cas/${hello:0:2}/$hello")" = hello ]
}

@test "rk-exec: a garbage lock file is named as such, and broken once 10 s old" {
	xact a '[]' true >plan
	echo garbage >.releasekit.lock
	run --separate-stderr rk-exec plan
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "rk-exec: another release is running in $PWD: an unreadable lock (broken once 10 s old) holds .releasekit.lock (waited 0s; see --lock-timeout)"
	touch -d '1 minute ago' .releasekit.lock
	run --separate-stderr rk-exec plan
	assert_success
	assert_file_not_exists .releasekit.lock
}

@test "rk-exec: events reach the reader as they happen" {
	xact a '[]' 'for i in $(seq 200); do [ -e go ] && exit 0; sleep 0.05; done; exit 1' '{"max_retries":0}' >plan
	# the reader lets the action finish only once it has seen it start
	(set -o pipefail; rk-exec plan | while read -r l; do
		echo "$l" >>seen
		case $l in *'"state":"started"'*) touch go ;; esac
	done)
	[ "$(jq -r .state seen 2>/dev/null | grep -v null | tr '\n' ' ')" = "queued started succeeded " ]
}

@test "rk-exec: a reader that goes away stops the run like SIGTERM: commands ended, lock released, quietly" {
	{
		xact a '[]' 'touch a-started; sleep 1'
		xact b '["a"]' 'touch ran-b'
		xact c '[]' 'echo $$ >c.pid; exec sleep 30'
	} >plan
	run --separate-stderr bash -c 'set -o pipefail; rk-exec -j 2 plan | { read -r l; while [ ! -e a-started ] || [ ! -e c.pid ]; do sleep 0.05; done; }'
	assert_failure 141
	assert_equal "$stderr" ""
	assert_file_not_exists ran-b
	assert_file_not_exists .releasekit.lock
	run kill -0 "$(cat c.pid)"
	assert_failure
	# and a rerun resumes: a is cached
	head -2 plan >plan2
	run --separate-stderr rk-exec plan2
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event" and .action == "a") | .state')" = cached ]
}

@test "releasekit cache: prune's usage errors are its own; ages and sizes that overflow are refused" {
	run --separate-stderr releasekit cache prune
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "releasekit cache prune: needs --max-age or --max-size"
	run --separate-stderr releasekit cache prune --max-age 5w
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "releasekit cache prune: --max-age: expected e.g. 7d, 12h, 30m, got '5w'"
	for a in "--max-age 99999999999999999d" "--max-age 36501d" "--max-size 9999999999999G"; do
		run --separate-stderr rk-exec --cache-prune $a
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "rk-exec: ${a%% *}: expected e.g. $([ "${a%% *}" = --max-age ] && echo '7d, 12h, 30m' || echo '1G, 500M'), got '${a#* }'"
	done
	# no cache yet: stats and prune say so with zeros, exit 0
	run --separate-stderr releasekit cache prune --max-age 1d --max-size 4096G
	assert_success
	assert_line --index 0 "pruned 0 entries, 0 bytes"
	assert_line --index 2 "cas: 0 blobs, 0 bytes"
}

@test "rk-exec: NaN seconds and prune limits without --cache-prune are usage errors" {
	xact a '[]' true >plan
	for a in "--lock-timeout nan" "--kill-grace nan" "--kill-grace inf"; do
		run --separate-stderr rk-exec $a plan
		assert_failure 2
		assert_output ""
		assert_equal "${stderr_lines[0]}" "rk-exec: ${a% *}: expected seconds, got '${a#* }'"
	done
	for a in "--max-age 1d" "--cache-stats --max-size 1G"; do
		run --separate-stderr rk-exec $a plan
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "rk-exec: --max-age and --max-size go with --cache-prune"
	done
	[ ! -e "$RK_CACHE_DIR/ac" ]
}

@test "rk-exec: a command that ignores SIGTERM is killed after the grace, or at once on a second SIGINT" {
	xact s '[]' 'trap "" TERM INT; echo $$ >pid; while :; do sleep 0.05; done' '{"timeout_s":1,"max_retries":0}' >plan
	run --separate-stderr rk-exec --kill-grace 1 plan
	assert_failure 1
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "event" and .state == "failed") | [.reason, .signal, .timed_out]')" = '["timed out after 1s","SIGKILL",true]' ]
	run kill -0 "$(cat pid)"
	assert_failure
	rm pid
	xact s '[]' 'trap "" TERM INT; echo $$ >pid.tmp; mv pid.tmp pid; while :; do sleep 0.05; done' >plan
	rk-exec --kill-grace 600 plan >out 2>err &
	p=$!
	for _ in $(seq 100); do [ -f pid ] && break; sleep 0.05; done
	kill -INT $p
	sleep 0.2
	kill -INT $p
	st=0
	wait $p || st=$?
	assert_equal "$st" 130
	[ "$(jq -c 'select(.kind == "event" and .state == "failed") | [.reason, .signal]' out)" = '["interrupted","SIGKILL"]' ]
	run kill -0 "$(cat pid)"
	assert_failure
	assert_file_not_exists .releasekit.lock
}
