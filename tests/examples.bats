#!/usr/bin/env bats
# Every command of README.md's tour and of every man page's EXAMPLES runs as
# written, on the bundled example monorepo. The commands are read from the
# files themselves (tests/helpers/extract-examples: the lines after a "$ "
# prompt), so a new example is tested as soon as it is written.

load test_helper

# run_examples FILE: extract FILE's commands and run each, in order, in one
# fresh example repository (later commands may read what earlier ones wrote).
# A command fails the test when it exits non-zero (pipefail: any stage) or
# says "warning" or "error" on stderr.
run_examples() {
	local file=$1 where cmd n=0 list
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	cd "$T/acme"
	list="$T/examples.list"
	[[ "$file" == /* ]] || file="$RK_TOP/$file"
	"$RK_TOP/tests/helpers/extract-examples" "$file" >"$list"
	while IFS= read -r -d '' where && IFS= read -r -d '' cmd; do
		n=$((n + 1))
		if [[ "$where" == *" tested-in "* ]]; then
			# run by a test file of its own (it needs registries): that file
			# must hold the command word for word
			grep -qF -- "$cmd" "$RK_TOP/${where##* tested-in }" || {
				echo "$where: \$ $cmd: not found in ${where##* tested-in }" >&2
				return 1
			}
			continue
		fi
		run --separate-stderr bash -o pipefail -c "$cmd" </dev/null
		if [ "$status" -ne 0 ] || grep -qiE 'warning|error' <<<"$stderr"; then
			echo "$where: \$ $cmd" >&2
			echo "exit $status; stderr: $stderr" >&2
			echo "stdout: $output" >&2
			return 1
		fi
		[ -n "$output" ] || [[ "$cmd" == *">"* ]] || {
			echo "$where: \$ $cmd: printed nothing" >&2
			return 1
		}
	done <"$list"
	echo "$file: $n examples ran" >&3
	[ "$n" -gt 0 ]
}

@test "examples: README.md's tour" {
	run_examples README.md
}

@test "examples: every man page's EXAMPLES" {
	local m n=0
	for m in "$RK_TOP"/man/*.[0-9]; do
		grep -q '^\.Sh EXAMPLES' "$m" || continue
		run_examples "man/$(basename "$m")"
		n=$((n + 1))
		if [ "$(basename "$m")" = rk-graph.1 ]; then
			grep -q '<svg' python.svg
			head -1 graph.mmd | grep -qx 'flowchart BT'
		fi
		cd "$T" && rm -rf "$T/acme"
	done
	[ "$n" -ge 6 ]
}

@test "examples: an example marked tested-in must be in that test file word for word" {
	printf '# x\n\n<!-- tested-in: tests/poll.bats -->\n\n    $ rk-poll --frobnicate\n\nprose\n\n    $ rk-graph --levels\n' >"$T/README.md"
	run "$RK_TOP/tests/helpers/extract-examples" "$T/README.md"
	assert_success
	assert_output --partial "README.md:5 tested-in tests/poll.bats"
	assert_output --partial "README.md:9"
	refute_output --partial "README.md:9 tested-in"
	# a marked command that the named file lacks fails the examples test
	run run_examples "$T/README.md"
	assert_failure
	assert_output --partial "README.md:5 tested-in tests/poll.bats: \$ rk-poll --frobnicate: not found in tests/poll.bats"
}

@test "examples: a command without its prompt is refused, so it cannot go untested" {
	printf '# x\n\n    $ rk-graph --levels\n    rk-discover | rk-graph\n' >"$T/README.md"
	run "$RK_TOP/tests/helpers/extract-examples" "$T/README.md"
	assert_failure 3
	assert_output --partial "README.md:4: a command without its '\$ ' prompt"
	printf '.Sh EXAMPLES\n.Dl rk-graph --levels\n' >"$T/x.1"
	run "$RK_TOP/tests/helpers/extract-examples" "$T/x.1"
	assert_failure 3
	assert_output --partial "x.1:2:"
	# continuation lines and mdoc escapes
	printf '.Sh EXAMPLES\n.Bd -literal\n$ echo "\\e(a)" |\n    cat\nOUTPUT\n.Ed\n.Sh SEE ALSO\n.Dl rk-x\n' >"$T/y.1"
	"$RK_TOP/tests/helpers/extract-examples" "$T/y.1" >"$T/y.out"
	run tr '\0' '|' <"$T/y.out"
	assert_output "$T/y.1:3|echo \"\\(a)\" |"$'\n'"    cat|"
}
