#!/usr/bin/env bats
# lib/rk_proc: the subprocess runner (through tests/helpers/t-proc.c).

load test_helper

@test "proc: argv with spaces, quotes and shell syntax is passed verbatim, no shell" {
	run t_helper t-proc --out out -- printf '%s\n' 'a b' '"q" '\''s'\' '$(touch pwned)' '; echo x' '*'
	assert_success
	assert_output $'exited=1 code=0 signal=0 timed_out=0\nexited 0'
	printf '%s\n' 'a b' '"q" '\''s'\' '$(touch pwned)' '; echo x' '*' >expected
	cmp expected out
	assert_file_not_exists pwned
}

@test "proc: env replaces the environment; PATH lookup uses the parent's PATH" {
	run t_helper t-proc --out out --env 'FOO=bar baz' --env 'EMPTY=' -- env
	assert_success
	printf 'FOO=bar baz\nEMPTY=\n' >expected
	cmp expected out
}

@test "proc: cwd, and redirections relative to the parent's directory" {
	mkdir -p sub/dir
	run t_helper t-proc --cwd sub/dir --out out -- pwd
	assert_success
	echo "$T/sub/dir" >expected
	cmp expected out
	assert_file_not_exists sub/dir/out
}

@test "proc: stdin from a file, stdout and stderr to separate or shared files" {
	printf 'hello\n' >in
	run t_helper t-proc --in in --out o --err e -- sh -c 'cat; echo err >&2'
	assert_success
	[ "$(cat o)" = hello ]
	[ "$(cat e)" = err ]
	run t_helper t-proc --out both --err both -- sh -c 'echo one; echo two >&2; echo three'
	assert_success
	printf 'one\ntwo\nthree\n' >expected
	cmp expected both
	# no stdin given: /dev/null
	run t_helper t-proc --out o2 -- cat
	assert_success
	[ ! -s o2 ]
}

@test "proc: exit status" {
	run t_helper t-proc -- sh -c 'exit 7'
	assert_success
	assert_output $'exited=1 code=7 signal=0 timed_out=0\nexited 7'
}

@test "proc: death by signal; the child gets default SIGPIPE although the parent ignores it" {
	run t_helper t-proc -- sh -c 'kill -TERM $$'
	assert_success
	assert_output $'exited=0 code=0 signal=15 timed_out=0\nkilled by SIGTERM'
	run t_helper t-proc -- sh -c 'kill -PIPE $$; exit 0'
	assert_success
	assert_output $'exited=0 code=0 signal=13 timed_out=0\nkilled by SIGPIPE'
}

# alive PID: true while PID exists and is not a zombie.
alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

@test "proc: a timeout kills the whole process group, grandchildren that ignore SIGTERM too" {
	run --separate-stderr t_helper t-proc --timeout 0.3 --grace 0.2 -- sh -c 'trap "" TERM; sleep 60 & echo $! >gc.pid; wait'
	assert_success
	assert_line --index 0 'exited=0 code=0 signal=9 timed_out=1'
	assert_line --index 1 --regexp '^timed out after [0-9.]+s$'
	gc=$(cat gc.pid)
	for _ in $(seq 50); do alive "$gc" || break; sleep 0.1; done
	run alive "$gc"
	assert_failure
}

@test "proc: a timeout sends SIGTERM first" {
	run --separate-stderr t_helper t-proc --timeout 0.2 -- sh -c 'trap "echo got-term >term; exit 9" TERM; sleep 60 & wait'
	assert_success
	assert_line --index 0 'exited=1 code=9 signal=0 timed_out=1'
	[ "$(cat term)" = got-term ]
}

@test "proc: a missing program or cwd is ENOENT, not a result" {
	run t_helper t-proc -- no-such-program-rk
	assert_failure 1
	assert_output 'error: ENOENT'
	run t_helper t-proc -- ./no-such-file
	assert_failure 1
	assert_output 'error: ENOENT'
	run t_helper t-proc --cwd no-such-dir -- true
	assert_failure 1
	assert_output 'error: ENOENT'
}

@test "proc: rk_time_rfc3339 is RFC 3339 UTC with milliseconds" {
	run t_helper t-proc time
	assert_success
	assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
}
