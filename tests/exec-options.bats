#!/usr/bin/env bats
# rk-exec's options come from one table (cmd/rk-exec/options.c, lib/rk_cliopt):
# the help text, the getopt options (--list-options) and the dispatch.

load test_helper

@test "exec options: every option in --help is in --list-options and the other way round" {
	run rk-exec --help
	assert_success
	help=$output
	run rk-exec --list-options
	assert_success
	listed=$(printf '%s\n' "${lines[@]}" | sed 's/=$//' | grep -v -- --list-options | sort -u)
	shown=$(printf '%s\n' "$help" | grep -oE -- '^ +(-[a-zA-Z], )?--?[a-zA-Z][a-z-]*' |
		sed -E 's/^ +//; s/, /\n/' | sort -u)
	[ "$listed" = "$shown" ] || fail "listed: $listed; shown: $shown"
}

@test "exec options: help rows are aligned, continuation lines under the text" {
	run rk-exec --help
	assert_success
	assert_line "  -j, --jobs N              run at most N actions at once (default: CPUs)"
	assert_line "      --cache-dir DIR       the cache (default \$RK_CACHE_DIR, else"
	assert_line "                            \${XDG_CACHE_HOME:-\$HOME/.cache}/releasekit)"
	assert_line "  -C DIR                    run as if started in DIR"
}

@test "exec options: values go where the table says, errors name the option" {
	make_git_repo repo
	cd repo || return 1
	run --separate-stderr rk-exec --jobs 0
	assert_failure 2
	[ "$stderr" = "rk-exec: --jobs: expected a whole number from 1 to 100000, got '0'" ]
	run --separate-stderr rk-exec --backoff-max-ms 0
	assert_failure 2
	[ "$stderr" = "rk-exec: --backoff-max-ms: expected a whole number from 1 to 86400000, got '0'" ]
	run --separate-stderr rk-exec --kill-grace 0
	assert_failure 2
	[ "$stderr" = "rk-exec: --kill-grace: expected seconds, got '0'" ]
	run --separate-stderr rk-exec --lock-timeout 0 --fail-fast --continue-on-error -j 2 --progress none </dev/null
	assert_success
	[ "$(jq -r .kind <<<"$output")" = summary ]
}
