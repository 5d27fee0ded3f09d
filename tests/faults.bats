#!/usr/bin/env bats
# rk-exec (and the tools' input files) under faults and attacks: nothing
# written outside the repository, nothing run twice, no secret out, no hang
# (issue 12; one test or more per item).

load test_helper

setup() {
	setup_common
	make_git_repo repo
	cd repo || return 1
	REPO=$PWD
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
	FX="$RK_TOP/tests/fixtures"
}

teardown() {
	local p
	for p in ${KILL_PIDS:-}; do
		kill -9 "$p" 2>/dev/null || true
	done
	if [ -n "${SRV_PID:-}" ]; then
		kill "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || true
	fi
	if [ -n "${MNT:-}" ]; then
		umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
	fi
}

K() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# sh_act ID SCRIPT [EXTRA_JSON]: a command action running sh -c SCRIPT.
sh_act() {
	jq -cn --arg id "$1" --arg s "$2" --arg key "$(K "$1")" --argjson extra "${3:-{\}}" \
		'{kind:"action",id:$id,type:"command",deps:[],key:$key,argv:["sh","-c",$s]} + $extra'
}

ev() { jq -c --arg id "$2" --arg st "$3" 'select(.kind=="event" and .action==$id and .state==$st)' "$1"; }
states() { jq -r --arg id "$2" 'select(.kind=="event" and .action==$id) | .state' "$1" | tr '\n' ' ' | sed 's/ $//'; }

# put_blob TEXT: store TEXT in the local CAS; prints its digest.
put_blob() {
	local h
	h=$(printf '%s' "$1" | sha256sum | cut -c1-64)
	mkdir -p "$RK_CACHE_DIR/cas/${h:0:2}"
	printf '%s' "$1" >"$RK_CACHE_DIR/cas/${h:0:2}/$h"
	echo "$h"
}

# put_ac KEY ARGS...: a forged AC entry (tests/fixtures/ac-entry.py ARGS).
put_ac() {
	local k=$1
	shift
	mkdir -p "$RK_CACHE_DIR/ac/${k:0:2}"
	python3 "$FX/ac-entry.py" "$@" >"$RK_CACHE_DIR/ac/${k:0:2}/$k"
}

# start_server DIR: the hostile cache server; sets SRV_PID and SRV_URL.
start_server() {
	mkdir -p "$1"
	python3 "$FX/hostile-cache-server.py" "$1" >"$BATS_TEST_TMPDIR/port" &
	SRV_PID=$!
	for _ in $(seq 100); do
		[ -s "$BATS_TEST_TMPDIR/port" ] && break
		sleep 0.05
	done
	SRV_URL="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")"
}

# waitfor FILE: until FILE exists (a hang guard, not a timing assertion).
waitfor() {
	for _ in $(seq 400); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# ---- 1. files written outside the repository from a cache ----

@test "faults 1: output paths outside the repository are refused on input, exit 3" {
	for p in '../x' '/etc/x' 'a/../../x' 'a//b' './a' 'a/' '..'; do
		sh_act a 'true' "$(jq -cn --arg p "$p" '{outputs:[$p]}')" >plan
		run --separate-stderr rk-exec plan
		[ "$status" -eq 3 ]
		[ "$stderr" = "rk-exec: plan:1: action 'a': \"outputs\": '$p' is not a relative path inside the repository (no '..', '.', empty or leading '/' components)" ]
		[ -z "$output" ]
	done
}

@test "faults 1: a cached entry naming ../ or an absolute path writes nothing outside" {
	h=$(put_blob "pwned")
	for p in '../outside' "$BATS_TEST_TMPDIR/abs" 'sub/../../outside2'; do
		put_ac "$(K a)" --file "$p" "$h" 5
		sh_act a 'echo ran >ran' >plan
		run --separate-stderr rk-exec plan
		assert_success
		# refused: ignored, the action runs
		[ "$(states <(echo "$output") a)" = "queued started succeeded" ]
		[[ "$stderr" == *"action 'a': an output path outside the repository in cache entry ac/"*" ignored"* ]]
		rm -f ran "$RK_CACHE_DIR"/ac/*/*
	done
	[ ! -e ../outside ] && [ ! -e "$BATS_TEST_TMPDIR/abs" ] && [ ! -e ../outside2 ]
}

@test "faults 1: restore never follows a symbolic link, inside the repository or out" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" dir
	ln -s "$BATS_TEST_TMPDIR/elsewhere/f" file
	h=$(put_blob "pwned")
	for p in dir/x file; do
		put_ac "$(K a)" --file "$p" "$h" 5
		sh_act a 'true' >plan
		run --separate-stderr rk-exec plan
		assert_success
		[[ "$stderr" == *"cannot restore output $p: a symbolic link is in the way (not followed)"* ]]
		[ "$(states <(echo "$output") a)" = "queued started succeeded" ]
		rm -f "$RK_CACHE_DIR"/ac/*/*
	done
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	[ -L dir ] && [ -L file ]
}

@test "faults 1: a declared output behind a symbolic link is not stored" {
	echo secret-outside >"$BATS_TEST_TMPDIR/outside"
	ln -s "$BATS_TEST_TMPDIR/outside" out.txt
	sh_act a 'true' '{"outputs":["out.txt"]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[[ "$stderr" == *"output out.txt not stored: a symbolic link is in its path"* ]]
	! grep -rq secret-outside "$RK_CACHE_DIR"
}

@test "faults 1: a remote cache's entry is untrusted input: ../ paths are refused" {
	start_server "$BATS_TEST_TMPDIR/srv"
	h=$(printf pwned | sha256sum | cut -c1-64)
	mkdir -p "$BATS_TEST_TMPDIR/srv/ac" "$BATS_TEST_TMPDIR/srv/cas"
	printf pwned >"$BATS_TEST_TMPDIR/srv/cas/$h"
	python3 "$FX/ac-entry.py" --file ../remote-pwned "$h" 5 >"$BATS_TEST_TMPDIR/srv/ac/$(K a)"
	sh_act a 'true' >plan
	run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
	assert_success
	[[ "$stderr" == *"unavailable (GET /ac: an output path outside the repository): using the local cache only"* ]]
	[ "$(states <(echo "$output") a)" = "queued started succeeded" ]
	[ ! -e ../remote-pwned ]
}

# ---- 2. an action run twice at once after SIGKILL ----

@test "faults 2: after SIGKILL of rk-exec its command dies; a rerun refuses while an orphan's group lives" {
	# (the rerun at the end finds "ran" and ends at once)
	sh_act a '[ -e ran ] && exit 0; touch ran; echo $$ >child; (trap "" TERM HUP; exec sleep 300) & echo $! >grandchild; wait' >plan
	rk-exec plan >out 2>err &
	pid=$!
	KILL_PIDS="$pid"
	waitfor grandchild
	KILL_PIDS="$pid $(cat grandchild)"
	kill -9 "$pid"
	wait "$pid" || true
	# the direct child dies with rk-exec (PR_SET_PDEATHSIG) ...
	for _ in $(seq 100); do kill -0 "$(cat child)" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$(cat child)" 2>/dev/null
	# ... the grandchild lives on in the recorded process group
	kill -0 "$(cat grandchild)"
	[ -e .releasekit.lock ]
	jq -e --argjson g "$(cat child)" '.pgids == [$g]' .releasekit.lock
	run --separate-stderr rk-exec plan
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"another release is running in $REPO: pid $pid on host"*"(gone, but the commands it started still run in process groups $(cat child))"* ]]
	[ -z "$output" ]
	kill -9 "$(cat grandchild)"
	for _ in $(seq 100); do kill -0 "$(cat grandchild)" 2>/dev/null || break; sleep 0.05; done
	run --separate-stderr rk-exec plan
	assert_success
	[[ "$stderr" == *"removing stale lock of pid $pid"* ]]
	[ ! -e .releasekit.lock ]
}

# ---- 3. a write error orphans nothing ----

@test "faults 3: a stdout write error (not EPIPE) stops the run, releases the lock, exits 1" {
	sh_act a 'touch ran' >plan
	run --separate-stderr sh -c 'rk-exec plan >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "rk-exec: write error on stdout: No space left on device" ]
	[ ! -e .releasekit.lock ]
	[ -z "$(ls -A "$TMPDIR")" ]
	[ -z "$(ls -A "$RK_CACHE_DIR/tmp")" ]
}

@test "faults 3: a scratch directory that cannot be created: one line naming it, lock released" {
	sh_act a 'touch ran' >plan
	TMPDIR=/nonexistent/dir run --separate-stderr rk-exec plan
	[ "$status" -eq 1 ]
	[ "$stderr" = "rk-exec: cannot create a scratch directory in /nonexistent/dir: No such file or directory" ]
	[ ! -e .releasekit.lock ]
	[ ! -e ran ]
}

# ---- 4. a success during Ctrl-C is kept ----

@test "faults 4: a command that exits 0 within the grace period after SIGINT is recorded and cached" {
	sh_act a 'trap "echo done >done; exit 0" TERM; touch started; sleep 300 & wait' >plan
	rk-exec --kill-grace 30 plan >out 2>err &
	pid=$!
	KILL_PIDS=$pid
	waitfor started
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	[ -e done ]
	[ "$(states out a)" = "queued started succeeded" ]
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(states <(echo "$output") a)" = "cached" ]
}

# ---- 5. a failed result is never a hit ----

@test "faults 5: an AC entry with a non-zero exit code is a miss, and the action runs" {
	put_ac "$(K a)" --exit 3
	sh_act a 'touch ran' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[[ "$stderr" == *"action 'a': cache entry ac/"*" records exit code 3: ignored"* ]]
	[ "$(states <(echo "$output") a)" = "queued started succeeded" ]
	[ -e ran ]
}

# ---- 6. secrets ----

@test "faults 6: a canary secret appears nowhere: events, stderr, hooks, warnings, cache, scratch, remote" {
	CANARY=canary-7f3a9e1c5b2d4f60a8e7d6c5b4a39281
	export DEPLOY_TOKEN=$CANARY
	start_server "$BATS_TEST_TMPDIR/srv"
	cat >hook.sh <<-'EOS'
		#!/bin/sh
		echo "hook sees $DEPLOY_TOKEN"
		exit 1
	EOS
	chmod +x hook.sh
	{
		echo '{"kind":"config","rule":"hook","name":"h","events":["after:command","before:build"],"handler":["./hook.sh"]}'
		sh_act ok 'echo "out $DEPLOY_TOKEN"; echo "err $DEPLOY_TOKEN" >&2'
		# the secret straddles the 2,000-byte cut of the tail
		sh_act bad 'printf "%s" "$DEPLOY_TOKEN" >&2; head -c 1985 /dev/zero | tr "\\0" x >&2; exit 1' '{"max_retries":0}'
		sh_act envsecret 'echo "v=$PASSWORDISH" >&2; exit 1' '{"max_retries":0,"env":{"PASSWORDISH":"hunter2-canary-env"}}'
		jq -cn --arg k "$(K b)" '{kind:"action",id:"b",type:"build",deps:[],key:$k,argv:["true"]}'
	} >plan
	run --separate-stderr rk-exec --remote-cache "http://user:pw-canary-9d8c7b@${SRV_URL#http://}" plan
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" >out
	printf '%s\n' "$stderr" >err
	# masked, not dropped
	ev out bad failed | jq -e '.stderr_tail | startswith("***xxxx")'
	ev out envsecret failed | jq -e '.stderr_tail == "v=***\n"'
	ev out b failed | jq -e '.reason == "before-hook '\''h'\'' failed: exited 1: hook sees ***"'
	grep -q "after-hook 'h' for action 'ok' failed: exited 1: hook sees \*\*\*" err
	# the logs in the cache and on the remote are the masked ones
	run rk-exec --remote-cache "${SRV_URL}" --cache-stats
	ls "$BATS_TEST_TMPDIR/srv/cas" | grep -q .
	for part in "$CANARY" "${CANARY:0:12}" "${CANARY: -12}" hunter2-canary-env pw-canary-9d8c7b; do
		! grep -rqF -- "$part" out err "$RK_CACHE_DIR" "$TMPDIR" "$BATS_TEST_TMPDIR/srv"
	done
	# a bad URL with credentials is shown masked
	run --separate-stderr rk-exec --remote-cache "ftp://user:pw-canary-9d8c7b@host/" plan
	[[ "$stderr" == *"remote cache URL must start with http:// or https://: 'ftp://***@host/'"* ]]
	[[ "$stderr$output" != *pw-canary* ]]
}

# ---- 7. FIFOs and devices ----

@test "faults 7: FIFOs and devices as input files are refused at once, never read" {
	mkfifo fifo
	ln -s /dev/zero zero
	run --separate-stderr timeout 20 rk-exec fifo
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-exec: cannot open fifo: not a regular file" ]
	run --separate-stderr timeout 20 rk-exec zero
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-exec: cannot open zero: not a regular file" ]
	run --separate-stderr timeout 20 rk-plan fifo
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-plan: cannot open fifo: not a regular file" ]
	run --separate-stderr timeout 20 rk-graph zero
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-graph: cannot open zero: not a regular file" ]
}

@test "faults 7: restoring onto a FIFO or a directory does not hang or clobber" {
	h=$(put_blob "content")
	mkfifo f
	mkdir d
	for p in f d; do
		put_ac "$(K a)" --file "$p" "$h" 7
		sh_act a 'true' >plan
		run --separate-stderr timeout 20 rk-exec plan
		assert_success
		[ "$(states <(echo "$output") a)" = "queued started succeeded" ]
		rm -f "$RK_CACHE_DIR"/ac/*/*
	done
	[[ "$stderr" == *"cannot restore output d: Is a directory"* ]]
	[ -p f ] && [ -d d ]
}

@test "faults 13: an output that is a directory is named as one, not a stale errno" {
	mkdir -p dist
	sh_act a 'true' '{"outputs":["dist"]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[[ "$stderr" == *"action 'a': output dist not stored: Is a directory"* ]]
}

# ---- 9. a hostile remote cache ----

@test "faults 9: a huge remote body is cut off at the cap, streamed, and the run goes on" {
	start_server "$BATS_TEST_TMPDIR/srv"
	mkdir -p "$BATS_TEST_TMPDIR/srv/ac" "$BATS_TEST_TMPDIR/srv/cas"
	# an AC entry larger than the AC cap (announced, then not announced)
	for how in "" nolength; do
		echo "5000000 $how" >"$BATS_TEST_TMPDIR/srv/ac/$(K a).huge"
		sh_act a 'touch ran' >plan
		RK_REMOTE_MAX_AC=100000 run --separate-stderr rk-exec --no-cache --remote-cache "$SRV_URL" plan
		assert_success
		[ "$(states <(echo "$output") a)" = "queued started succeeded" ]
		RK_REMOTE_MAX_AC=100000 run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
		assert_success
		rm -f "$RK_CACHE_DIR"/ac/*/*
	done
	rm -f "$BATS_TEST_TMPDIR/srv/ac/$(K a).huge"
	# a blob of 50 MB where 1 MB is allowed: refused, never held in memory
	h=$(printf big | sha256sum | cut -c1-64)
	python3 "$FX/ac-entry.py" --file out.bin "$h" 3 >"$BATS_TEST_TMPDIR/srv/ac/$(K c)"
	echo "50000000 nolength" >"$BATS_TEST_TMPDIR/srv/cas/$h.huge"
	sh_act c 'printf big >out.bin' '{"outputs":["out.bin"]}' >plan
	RK_REMOTE_MAX_BLOB=1000000 run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
	assert_success
	[[ "$stderr" == *"unavailable (GET /cas: body larger than 1000000 bytes): using the local cache only"* ]]
	[ "$(states <(echo "$output") c)" = "queued started succeeded" ]
	[ -z "$(ls -A "$RK_CACHE_DIR/tmp")" ]
}

# ---- 10. a read-only or full cache ----

# mount_cache SIZE: a tmpfs of SIZE as the cache (needs mount rights).
mount_cache() {
	MNT="$BATS_TEST_TMPDIR/cachemnt"
	mkdir -p "$MNT"
	mount -t tmpfs -o "size=$1" tmpfs "$MNT" 2>/dev/null || skip "cannot mount a tmpfs here"
	export RK_CACHE_DIR="$MNT"
}

@test "faults 10: a read-only cache: a warm run is all cached, a cold one runs without caching" {
	mount_cache 4m
	sh_act a 'echo a' '{"outputs":["a.txt"]}' >plan
	sh_act a 'echo a; echo A >a.txt' '{"outputs":["a.txt"]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	rm a.txt
	mount -o remount,ro "$MNT"
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(states <(echo "$output") a)" = "cached" ]
	[ "$(cat a.txt)" = A ]
	[ ! -e .releasekit.lock ]
	sh_act b 'echo b' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[ "$stderr" = "rk-exec: warning: cannot write to the cache $MNT (Read-only file system): running without caching" ]
	[ "$(states <(echo "$output") b)" = "queued started succeeded" ]
	[ ! -e .releasekit.lock ]
}

@test "faults 10: a full cache: commands still run and fail or succeed on their own, one warning" {
	mount_cache 256k
	head -c 200000 /dev/zero >"$MNT/filler"
	sh_act ok 'head -c 300000 /dev/zero | tr "\\0" y' >plan
	sh_act bad 'echo "the real error" >&2; exit 2' '{"max_retries":0}' >>plan
	run --separate-stderr rk-exec plan
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" >out
	[ "$(states out ok)" = "queued started succeeded" ]
	ev out bad failed | jq -e '.exit_code == 2 and .stderr_tail == "the real error\n"'
	[[ "$stderr" == *"cannot write to the cache"*"No space left on device"* ]]
	[ ! -e .releasekit.lock ]
}

# ---- 11. SIGINT during a hook ----

@test "faults 11: SIGINT during a hook reaches the hook and stops the run" {
	cat >hook.sh <<-'EOS'
		#!/bin/sh
		trap 'echo term >"$RK_TEST_DIR/hook-term"; exit 1' TERM
		touch "$RK_TEST_DIR/hook-started"
		sleep 300 &
		wait
	EOS
	chmod +x hook.sh
	export RK_TEST_DIR=$PWD
	{
		echo '{"kind":"config","rule":"hook","name":"slow","events":["before:command"],"handler":["./hook.sh"]}'
		sh_act a 'touch ran'
	} >plan
	rk-exec plan >out 2>err &
	pid=$!
	KILL_PIDS=$pid
	waitfor hook-started
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	[ -e hook-term ]
	[ ! -e ran ]
	ev out a failed | jq -e '.reason == "before-hook '\''slow'\'' failed: interrupted"'
	[ ! -e .releasekit.lock ]
}

# ---- 12. memory bounded by output ----

@test "faults 12: a 200 MB stderr and a 100 MB output cost no memory in proportion" {
	command -v /usr/bin/time >/dev/null || skip "GNU time not installed"
	[ "${RK_VALGRIND:-}" = 1 ] && skip "memory is measured natively"
	sh_act a 'head -c 200000000 /dev/zero >&2; head -c 100000000 /dev/zero >big.bin; exit 1' '{"max_retries":0,"outputs":["big.bin"]}' >plan
	sh_act b 'head -c 100000000 /dev/zero >big2.bin' '{"outputs":["big2.bin"]}' >>plan
	run --separate-stderr /usr/bin/time -f 'maxrss=%M' rk-exec plan
	[ "$status" -eq 1 ]
	rss=$(echo "$stderr" | sed -n 's/^maxrss=//p')
	# kilobytes; the outputs alone are 300 MB
	[ "$rss" -lt 60000 ]
	run --separate-stderr /usr/bin/time -f 'maxrss=%M' rk-exec plan
	rm big2.bin
	run --separate-stderr /usr/bin/time -f 'maxrss=%M' rk-exec plan
	[ "$(cmp big2.bin <(head -c 100000000 /dev/zero) && echo same)" = same ]
	rss=$(echo "$stderr" | sed -n 's/^maxrss=//p')
	[ "$rss" -lt 60000 ]
}

@test "faults 12: a 20 MB NDJSON line of numbers is refused in bounded memory by every reader" {
	command -v /usr/bin/time >/dev/null || skip "GNU time not installed"
	[ "${RK_VALGRIND:-}" = 1 ] && skip "memory is measured natively"
	python3 -c "import sys; sys.stdout.write('{\"kind\":\"x\",\"a\":[' + '1,' * 10000000 + '1]}\n')" >big.ndjson
	for t in rk-exec rk-graph rk-plan; do
		run --separate-stderr /usr/bin/time -f 'maxrss=%M' "$t" big.ndjson
		[ "$status" -eq 3 ]
		[ "$(echo "$stderr" | head -1)" = "$t: big.ndjson:1:1: more than 2000000 JSON values in one record" ]
		rss=$(echo "$stderr" | sed -n 's/^maxrss=//p')
		# kilobytes: the line itself is 20 MB (it used to cost 31 times that)
		[ "$rss" -lt 120000 ]
	done
}

@test "faults 13: rk-discover and rk-config --root of a missing directory: one line, exit 2" {
	run --separate-stderr rk-discover --no-stdin --root missing
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-discover: --root missing: No such file or directory" ]
	run --separate-stderr rk-config --root missing
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-config: --root missing: No such file or directory" ]
}
