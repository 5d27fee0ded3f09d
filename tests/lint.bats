#!/usr/bin/env bats
# The source and test checks `make lint` runs: scripts/checksrc (the C
# source rules) and scripts/check-test-pipes (tests that would hide a
# tool's status), and test_helper's piped, which keeps that status.

load test_helper

@test "checksrc: the tree passes; each rule catches its violation" {
	cd "$RK_TOP"
	run scripts/checksrc
	assert_success
	assert_output ""
	cd "$T"
	mkdir -p lib cmd/rk-x
	# a header with code after its guard, one without a guard
	printf '#ifndef A_H\n#define A_H\nint a(void);\n#endif\nint b(void);\n' >lib/rk_a.h
	printf '/* no guard */\nint c(void);\nint d(void);\nint e(void);\n' >lib/rk_c.h
	# a lib/ .c without a header; an assignment in an if; exit and stdout
	cat >lib/rk_b.c <<'EOT'
#include "rk_common.h"
int rk_b(int x)
{
	int y;

	if ((y = x + 1) > 2)
		exit(1);
	while ((y = y - 1) > 0) /* allowed: the read-loop idiom */
		;
	fprintf(stdout, "%d\n", y);
	fprintf(stderr, "fine\n");
	return y;
}
EOT
	# a shared file of a tool without a header; a file-local one is fine
	printf 'int x_shared(void)\n{\n\treturn 1;\n}\n' >cmd/rk-x/shared.c
	printf 'static int local(void)\n{\n\treturn 1;\n}\n' >cmd/rk-x/local.c
	run --separate-stderr "$RK_TOP/scripts/checksrc" lib/rk_a.h lib/rk_c.h lib/rk_b.c cmd/rk-x/shared.c cmd/rk-x/local.c
	assert_failure 1
	assert_output "lib/rk_a.h:5: guard: code after the include guard's #endif (move it inside, or into its own header)
lib/rk_c.h:2: guard: a header starts with its include guard (#ifndef X / #define X)
lib/rk_b.c:1: header: no header: add lib/rk_b.h (or include the family's header right after rk_common.h)
lib/rk_b.c:6: assign: assignment inside an if condition: assign first, then test
lib/rk_b.c:7: lib: exit() in lib/: return an error (struct rk_err) and let the tool exit or print
lib/rk_b.c:10: lib: fprintf() in lib/: return an error (struct rk_err) and let the tool exit or print
cmd/rk-x/shared.c:1: header: no header: add cmd/rk-x/shared.h (or include the family's header right after rk_common.h)"
	assert_equal "$stderr" "checksrc: 7 finding(s); the rules are in scripts/checksrc's header"
}

@test "check-test-pipes: the tests pass; a tool upstream of a pipe is found, in run strings and through helpers" {
	cd "$RK_TOP"
	run scripts/check-test-pipes tests/*.bats tests/*.bash
	assert_success
	cd "$T"
	cat >t.bats <<'EOT'
plan() {
	rk-plan -C repo <in.ndjson
}
versions() {
	piped plan \| jq -r .next
}
EOT
	# (printf: bats would take the line for one of this file's tests)
	printf '@%s "rk-plan | jq in a title is no pipe" {\n' test >>t.bats
	cat >>t.bats <<'EOT'
	run sh -c "rk-plan -C repo <in.ndjson | jq -r .next"
	run bash -c 'rk-discover |
		rk-graph'
	rk-exec plan | while read -r l; do :; done
	x=$(plan | jq .)
	run versions
	run piped rk-plan -C repo \| jq -r 'select(.a | .b)' <in.ndjson
	run bash -c 'set -o pipefail; rk-config | rk-discover'
	run bash -c 'rk-graph | true; echo "${PIPESTATUS[0]}"'
	rk-plan <in >out || true
	echo "rk-plan | jq"
	run rk-plan < <(releasekit discover)
}
EOT
	cat >expected <<'EOT'
t.bats:8: run sh -c "rk-plan -C repo <in.ndjson | jq -r .next"
t.bats:9: run bash -c 'rk-discover | rk-graph'
t.bats:11: rk-exec plan | while read -r l; do :; done
t.bats:12: x=$(plan | jq .)
t.bats:19: run rk-plan < <(releasekit discover)
EOT
	run --separate-stderr "$RK_TOP/scripts/check-test-pipes" t.bats
	assert_failure 1
	assert_output "$(cat expected)"
	assert_equal "$stderr" "check-test-pipes: a tool's status is lost upstream of a pipe: run it, assert its status, then filter (tests/test_helper.bash: piped)"
}

@test "piped: the tool's status (a crash, valgrind's 99) is the result; its output reaches the filters only on success" {
	tool() { printf 'a\nb\n'; return "$1"; }
	run piped tool 0 \| grep b \| tr b c
	assert_success
	assert_output c
	run piped tool 99 \| grep -c .
	assert_failure 99
	assert_output ""
	run piped tool 3 \| true
	assert_failure 3
	run piped tool 0
	assert_failure 2
	assert_output --partial "usage: piped TOOL"
}
