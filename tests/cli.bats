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
