#!/usr/bin/env bats
# Found by using rk-config, rk-discover, rk-graph and the porcelain as a new
# user would: each test pins one fixed bug.

load test_helper

# w PATH: write stdin to PATH (directories created).
w() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

@test "rk-discover --root: a missing directory or a file is a usage error" {
	run rk-discover --no-stdin -C "$T/nope"
	assert_failure 2
	assert_line --index 0 "rk-discover: --root $T/nope: not a directory"
	touch file
	run rk-discover --no-stdin --root file
	assert_failure 2
	assert_line --index 0 "rk-discover: --root file: not a directory"
	run --separate-stderr rk-discover --no-stdin -C "$T/nope"
	assert_output ""
}
