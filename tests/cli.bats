#!/usr/bin/env bats
# The command-line contract every tool shares (design.md section 3).

load test_helper

TOOLS="rk-config rk-discover rk-graph rk-plan rk-exec rk-poll rk-report"

@test "every tool: --help prints usage on stdout and exits 0" {
	for t in $TOOLS; do
		run --separate-stderr "$t" --help
		assert_success
		assert_line --index 0 --regexp "^usage: $t "
		[ -z "$stderr" ]
	done
}

@test "every tool: -h is --help" {
	for t in $TOOLS; do
		run --separate-stderr "$t" -h
		assert_success
		assert_line --index 0 --regexp "^usage: $t "
	done
}

@test "every tool: --version prints 'rk-x VERSION'" {
	for t in $TOOLS; do
		run --separate-stderr "$t" --version
		assert_success
		assert_output --regexp "^$t [0-9]+\.[0-9]+\.[0-9]+$"
	done
}

@test "every tool: a bad option gives one error line naming the tool and its --help, exit 2" {
	for t in $TOOLS; do
		run --separate-stderr "$t" --no-such-option
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "$stderr" = "$t: unknown option '--no-such-option' (see '$t --help')" ]
	done
}

@test "every tool has a man page that mandoc accepts" {
	for t in $TOOLS releasekit; do
		[ -f "$RK_TOP/man/$t.1" ]
		run mandoc -T lint -W warning "$RK_TOP/man/$t.1"
		assert_success
		assert_output ""
	done
}

@test "releasekit: --help lists the commands, --version, unknown command exits 2" {
	run releasekit --help
	assert_success
	assert_line --partial "discover"
	assert_line --partial "graph"
	run releasekit --version
	assert_success
	assert_output --regexp '^releasekit [0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr releasekit frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
	run --separate-stderr releasekit
	[ "$status" -eq 2 ]
}

@test "releasekit COMMAND --help is routed to the command" {
	run releasekit graph --help
	assert_success
	assert_line --index 0 --partial "usage: releasekit graph"
}

@test "releasekit(1) documents every command, and every command answers --help" {
	for f in "$RK_TOP"/scripts/commands/*; do
		c=$(basename "$f")
		grep -q "^\.It Cm $c\b" "$RK_TOP/man/releasekit.1" || { echo "releasekit(1) lacks '$c'"; return 1; }
		run releasekit "$c" --help
		assert_success
		assert_line --index 0 --partial "usage: releasekit $c"
	done
}


@test "porcelain: every command sources releasekit-setup.sh and re-implements none of it" {
	for f in "$RK_TOP"/scripts/commands/*; do
		c=${f##*/}
		grep -qx '\. "\$RK_SETUP"' "$f" || fail "$c: does not source \$RK_SETUP"
		# its own die/usage-error helpers, option loops over raw arguments,
		# the root lookup or messages naming the command by hand
		! grep -nE '^(die|usage_error|rk_[a-z_]+)\(\)' "$f" || fail "$c: defines a helper releasekit-setup.sh has"
		! grep -n 'rev-parse --show-toplevel' "$f" || fail "$c: looks the root up itself (rk_root, rk_git_root)"
		! grep -nE 'echo "releasekit [a-z]+: ' "$f" || fail "$c: writes its own error line (rk_die, rk_usage_error)"
		# options are normalized by rk_options (getopt), except cache,
		# whose subcommands' options go to rk-exec as they are (rk_take_C)
		grep -qE '^rk_options |^rk_take_C ' "$f" || fail "$c: parses its arguments by hand"
	done
	# the prepare/publish/release options that go on to another tool
	run --separate-stderr releasekit publish -j
	assert_failure 2
	assert_equal "$stderr" "releasekit publish: option '-j' needs an argument (see 'releasekit publish --help')"
	run --separate-stderr releasekit prepare --all
	assert_failure 2
	assert_equal "$stderr" "releasekit prepare: --all is not an option of prepare"
	run --separate-stderr releasekit release --tag
	assert_failure 2
	assert_equal "$stderr" "releasekit release: --tag is an option of prepare (run 'releasekit prepare --tag')"
	run --separate-stderr releasekit prepare -C "$T/nope"
	assert_failure 2
	assert_equal "$stderr" "releasekit prepare: $T/nope: no such directory"
	run --separate-stderr releasekit publish
	assert_failure 1
	assert_equal "$stderr" "releasekit publish: $T: not a git repository"
	run --separate-stderr releasekit logs
	assert_failure 2
	assert_equal "$stderr" "releasekit logs: expected ACTION [EVENTS] (see 'releasekit logs --help')"
}

# ---- found using the tools as a new user would: each pins one fixed bug ----

@test "NDJSON readers: pretty-printed JSON gets a hint (jq -c)" {
	printf '{\n  "kind": "package"\n}\n' >pretty.json
	run --separate-stderr rk-graph pretty.json
	assert_failure 3
	[ "$stderr" = "rk-graph: pretty.json:1:2: expected a string key or '}', found end of input (a record is one line: pretty-printed JSON? use jq -c)" ]
	run --separate-stderr rk-discover --root . <pretty.json
	assert_failure 3
	[ "$stderr" = "rk-discover: <stdin>:1:2: expected a string key or '}', found end of input (a record is one line: pretty-printed JSON? use jq -c)" ]
	# a record cut short on its one line gets no such hint
	printf '{"kind":\n' >cut.json
	run --separate-stderr rk-graph cut.json
	assert_failure 3
	[ "$stderr" = "rk-graph: cut.json:1:9: expected a value after ':', found end of input" ]
}

@test "every tool: a long option without its argument, or with one it does not take, is named" {
	for t in "rk-plan --repo" "rk-exec --repo" "rk-graph --format"; do
		run --separate-stderr $t
		assert_failure 2
		assert_output ""
		assert_equal "${stderr_lines[0]}" "${t% *}: option '${t#* }' needs an argument"
	done
	run --separate-stderr rk-plan --all=yes
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "rk-plan: option '--all' takes no argument"
	run --separate-stderr rk-exec -j
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "rk-exec: option '-j' needs an argument"
	run --separate-stderr rk-exec -q
	assert_equal "${stderr_lines[0]}" "rk-exec: unknown option '-q' (see 'rk-exec --help')"
}

@test "rk-plan, rk-exec, rk-graph: an input file that cannot be opened is a usage error, exit 2" {
	for t in rk-plan rk-exec rk-graph; do
		run --separate-stderr "$t" "$T/missing.ndjson"
		assert_failure 2
		assert_output ""
		assert_equal "$stderr" "$t: cannot open $T/missing.ndjson: No such file or directory"
	done
}

@test "every tool: --help and --list-options name the same options (one table each)" {
	opt='(-[a-zA-Z]|--[a-z][a-z0-9-]*)'
	for t in $TOOLS; do
		run --separate-stderr "$t" --help
		assert_success
		shown=$(printf '%s\n' "$output" | { grep -oE -- "^ +$opt(, $opt)*" || true; } |
			sed -E 's/^ +//; s/, /\n/g' | sort -u)
		run --separate-stderr "$t" --list-options
		assert_success
		listed=$(printf '%s\n' "$output" | sed 's/=$//' | grep -vx -- --list-options | sort -u)
		[ -n "$listed" ] && [ "$listed" = "$shown" ] ||
			fail "$t: --list-options: $(echo $listed); --help: $(echo $shown)"
	done
}
