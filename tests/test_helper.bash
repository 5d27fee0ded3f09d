# Common set-up for every bats file: `load test_helper` at the top.
#
# Provides:
#   bats-support / bats-assert / bats-file (Debian's packages)
#   $RK_TOP, $RK_BUILD     the source tree and build directory
#   $T                     a fresh per-test temporary directory (cd'ed into)
#   rk_valgrind wrappers   with RK_VALGRIND=1 every rk-* tool runs under valgrind
#   validate_records FILE  check every record against share/schemas (exit 1 on a mismatch)
#   make_git_repo DIR      git init with a fixed identity, for fixtures
#   t_helper NAME ARGS     run tests/helpers/NAME (a C driver of lib/)
#   piped TOOL ARGS \| FILTER [\| FILTER...]
#                          run TOOL, fail with its status unless it exits 0,
#                          then filter its stdout (never `rk-plan ... | jq`:
#                          bats has no pipefail; scripts/check-test-pipes,
#                          run by `make lint`, finds that pattern)

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

bats_require_minimum_version 1.5.0

: "${RK_TOP:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${RK_BUILD:=$RK_TOP/build}"
export RK_TOP RK_BUILD
# leaks inside system libraries (libgit2's remotes) under SANITIZE=address
export LSAN_OPTIONS="suppressions=$RK_TOP/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

_rk_valgrind_bin() {
	local d="$BATS_RUN_TMPDIR/valgrind-bin"
	if [ ! -d "$d" ]; then
		mkdir -p "$d.tmp.$$"
		for t in "$RK_BUILD"/bin/rk-*; do
			cat >"$d.tmp.$$/$(basename "$t")" <<EOT
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite "$t" "\$@"
EOT
			chmod +x "$d.tmp.$$/$(basename "$t")"
		done
		mv "$d.tmp.$$" "$d" 2>/dev/null || rm -rf "$d.tmp.$$"
	fi
	echo "$d"
}

setup_common() {
	T="$BATS_TEST_TMPDIR/work"
	mkdir -p "$T"
	cd "$T" || return 1
	export RK_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
	# rustup's toolchains (and cargo's registry cache) stay where they are
	# when a test moves HOME
	if [ -z "${RUSTUP_HOME:-}" ] && [ -d "$HOME/.rustup" ]; then
		export RUSTUP_HOME="$HOME/.rustup"
	fi
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	export GIT_CONFIG_NOSYSTEM=1
	export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.com"
	export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL="committer@example.com"
	export PATH="$RK_BUILD/bin:$PATH"
	# rk-exec writes progress lines to a stderr that is not a terminal;
	# tests/progress.bats tests them, the others read stderr for messages.
	export RK_PROGRESS=none
	if [ "${RK_VALGRIND:-}" = 1 ]; then
		PATH="$(_rk_valgrind_bin):$PATH"
	fi
}

# Default setup; a file with its own setup() calls setup_common itself.
setup() {
	setup_common
}

t_helper() {
	local name=$1
	shift
	if [ "${RK_VALGRIND:-}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			"$RK_BUILD/tests/$name" "$@"
	else
		"$RK_BUILD/tests/$name" "$@"
	fi
}

validate_records() {
	"$RK_TOP/.venv/bin/python" "$RK_TOP/scripts/validate-records" "$@"
}

make_git_repo() {
	local dir=$1
	mkdir -p "$dir"
	git -C "$dir" init -q -b main
	git -C "$dir" config user.name "Test Author"
	git -C "$dir" config user.email "author@example.com"
	git -C "$dir" config commit.gpgsign false
	git -C "$dir" config tag.gpgsign false
}

# commit DIR MESSAGE [DATE]: stage everything and commit.
git_commit_all() {
	local dir=$1 msg=$2
	git -C "$dir" add -A
	git -C "$dir" commit -q --allow-empty -m "$msg"
}

# piped TOOL ARGS \| FILTER ARGS [\| FILTER ARGS...]: run TOOL (stdin and
# stderr are the caller's) with its stdout in a file; when it exits non-zero
# return its status (valgrind's 99 under RK_VALGRIND=1 included) and print
# nothing (stderr is the tool's alone, for tests that compare it); else feed
# the file to the filters, a pipeline of their own.
# The `\|` arguments separate the stages (no shell pipe: the tool's status
# is checked before anything reads its output).
piped() {
	local -a tool=()
	while [ $# -gt 0 ] && [ "$1" != '|' ]; do
		tool+=("$1")
		shift
	done
	[ ${#tool[@]} -gt 0 ] && [ $# -gt 1 ] || {
		echo "piped: usage: piped TOOL ARGS \\| FILTER ARGS" >&2
		return 2
	}
	shift
	local out rc=0
	out=$(mktemp "$BATS_TEST_TMPDIR/piped.XXXXXX") || return
	"${tool[@]}" >"$out" || rc=$?
	if [ "$rc" -ne 0 ]; then
		rm -f "$out"
		return "$rc"
	fi
	_piped_filters "$@" <"$out"
	rc=$?
	rm -f "$out"
	return "$rc"
}

_piped_filters() {
	local -a stage=()
	while [ $# -gt 0 ] && [ "$1" != '|' ]; do
		stage+=("$1")
		shift
	done
	if [ $# -gt 0 ]; then
		shift
		"${stage[@]}" | _piped_filters "$@"
	else
		"${stage[@]}"
	fi
}
