#!/usr/bin/env bats
# A new user's first hour (issue 9): the first `make demo` on a machine
# without the -dev packages, the installed tree, the README and man-page
# examples, and the command-line conventions every tool shares.

load test_helper

# A machine before its bootstrap: pkg-config and python3-config know nothing
# until the (fake) bootstrap has run; then they answer as the real ones do.
fake_fresh_machine() {
	mkdir -p "$T/fake"
	cat >"$T/fake/bootstrap" <<EOT
#!/bin/sh
echo "fake bootstrap: the -dev packages are now installed" >&2
touch "$T/fake/installed"
EOT
	cat >"$T/fake/pkg-config" <<EOT
#!/bin/sh
[ -e "$T/fake/installed" ] || { echo "Package libgit2 was not found" >&2; exit 1; }
exec pkg-config "\$@"
EOT
	cat >"$T/fake/python3-config" <<EOT
#!/bin/sh
[ -e "$T/fake/installed" ] || exit 1
exec /usr/bin/python3-config "\$@"
EOT
	chmod +x "$T/fake/bootstrap" "$T/fake/pkg-config" "$T/fake/python3-config"
}

@test "first make demo: the flags are computed after the bootstrap has installed the packages" {
	fake_fresh_machine
	# A build directory of its own inside the tree (the tools find rules/,
	# share/ and scripts/commands/ relative to build-*/bin).
	B="build-first-hour.$$"
	rm -rf "${RK_TOP:?}/$B"
	# Plain `make` before any bootstrap: one clear line, not a link error.
	run make -s -C "$RK_TOP" B="$B" PKG_CONFIG="$T/fake/pkg-config" PYCONFIG="$T/fake/python3-config" all
	assert_failure
	assert_output --partial "run scripts/bootstrap"
	refute_output --partial "undefined reference"
	# `make demo`, the README's first command, on that machine: bootstrap,
	# then a build that links, then the demo.
	run make -s -C "$RK_TOP" B="$B" BOOTSTRAP="$T/fake/bootstrap" \
		PKG_CONFIG="$T/fake/pkg-config" PYCONFIG="$T/fake/python3-config" demo
	assert_success
	assert_line --index 0 "fake bootstrap: the -dev packages are now installed"
	refute_output --partial "undefined reference"
	assert_line "level 1: cargo:fastcli, npm:@acme/web-ui, python:acme-cli"
	run "$RK_TOP/$B/bin/rk-discover" --version
	assert_success
	rm -rf "${RK_TOP:?}/$B"
}

@test "make install: the venv rk-config needs is made, and a release plan runs from the prefix" {
	run make -s -C "$RK_TOP" install B="$RK_BUILD" PREFIX="$T/prefix"
	assert_success
	assert_output --partial "install-venv: made $T/prefix/lib/releasekit/venv (Python 3."
	[ -f "$T/prefix/lib/releasekit/venv/pyvenv.cfg" ]
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	cd "$T/acme"
	run env -u RK_VENV -u RK_RULES_DIR -u RK_SHARE_DIR -u RK_COMMANDS_DIR -u RK_SETUP \
		PATH="$T/prefix/bin:/usr/bin:/bin" releasekit plan
	assert_success
	assert_line --regexp '^python:acme-core +0\.3\.1 -> 0\.4\.0 +minor'
	# a second install finds the venv in place
	run make -s -C "$RK_TOP" install B="$RK_BUILD" PREFIX="$T/prefix"
	assert_success
	assert_output --partial "already has Python"
}

@test "scripts/demo: --keep prints the kept repository; no escape codes when stdout is not a terminal" {
	run --separate-stderr "$RK_TOP/scripts/demo" --keep
	assert_success
	refute_output --partial $'\033'
	kept=$(sed -n 's/^demo: repository kept in //p' <<<"$output")
	[ -n "$kept" ]
	[ -f "$kept/RELEASE.star" ]
	[ -d "$kept/.git" ]
	rm -rf "$(dirname "$kept")"
	# on a terminal the headings are bold, unless NO_COLOR is set
	command -v script >/dev/null || skip "script(1) is not installed"
	run script -qec "$RK_TOP/scripts/demo" /dev/null
	assert_success
	assert_output --partial $'\033[1m== graph'
	run env NO_COLOR=1 script -qec "$RK_TOP/scripts/demo" /dev/null
	assert_success
	refute_output --partial $'\033[1m'
}

# The tools every rk-* binary of the build has.
tools() { (cd "$RK_BUILD/bin" && ls rk-*); }

@test "every tool: -C DIR runs as if started in DIR, and all agree on the default root" {
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	mkdir "$T/elsewhere"
	cd "$T/acme/python"
	# from a subdirectory: rk-config and rk-discover both take the top level
	run --separate-stderr bash -c 'set -o pipefail; rk-config | rk-discover'
	assert_success
	[ "$(jq -r 'select(.kind=="package") | .name' <<<"$output" | wc -l)" -eq 7 ]
	# -C from anywhere: the same records
	cd "$T/elsewhere"
	run --separate-stderr bash -c 'set -o pipefail; rk-config -C ../acme/python | rk-discover -C ../acme/python'
	assert_success
	[ "$(jq -r 'select(.kind=="package") | .name' <<<"$output" | wc -l)" -eq 7 ]
	(set -o pipefail; rk-config -C ../acme | rk-discover -C ../acme >"$T/packages.ndjson")
	cp "$T/packages.ndjson" "$T/acme/p.ndjson"
	run rk-graph -C ../acme --levels p.ndjson
	assert_success
	assert_line "level 1: cargo:fastcli, npm:@acme/web-ui, python:acme-cli"
	run --separate-stderr rk-plan -C ../acme --no-actions p.ndjson
	assert_success
	echo "$output" | jq -e -s 'map(select(.kind=="release" and .name=="acme-core"))[0].next == "0.4.0"'
	run rk-exec -C ../acme --cache-stats
	assert_success
	for t in $(tools); do
		run --separate-stderr "$t" -C "$T/no-such-dir" --help
		assert_failure 2
		[ "$stderr" = "$t: -C $T/no-such-dir: No such file or directory (see '$t --help')" ]
	done
	# every porcelain command takes -C
	for c in discover graph plan version changelog generate cache; do
		run --separate-stderr releasekit "$c" -C ../acme
		assert_success
		[ -n "$output" ]
	done
	run releasekit graph -C ../acme/python --rdeps cargo:fastcore
	assert_success
	assert_output "$(printf 'level 0: cargo:fastcore\nlevel 1: cargo:fastcli, python:acme-cli')"
}

@test "porcelain: options reach the tools unparsed twice (bundles, abbreviations, -k)" {
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	cd "$T/acme"
	printf '[project\nname = "broken"\n' >python/packages/broken.toml
	mkdir python/packages/broken && mv python/packages/broken.toml python/packages/broken/pyproject.toml
	git add -A && git commit -qm "chore: a broken manifest"
	run --separate-stderr releasekit discover
	assert_failure 3
	# -k, bundled with -C, reaches rk-discover; rk-config reads the same tree
	cd /
	run --separate-stderr releasekit discover -kC "$T/acme"
	assert_success
	assert_line --partial '"name":"acme-core"'
	assert_line --partial '"rule":"uv_package"'
	# an abbreviation of --root: both tools read rust/
	run --separate-stderr releasekit discover -C "$T/acme" --ro rust
	assert_success
	refute_line --partial '"rule":"uv_package"'
	[ "$(jq -r 'select(.kind=="package") | .name' <<<"$output" | sort | tr '\n' ' ')" = "fastcli fastcore " ]
	# -k through plan, version, changelog, graph and generate
	for c in plan version changelog graph generate; do
		run --separate-stderr releasekit "$c" -C "$T/acme" -k
		assert_success
		[ -n "$output" ]
		run --separate-stderr releasekit "$c" -C "$T/acme"
		assert_failure 3
	done
}

@test "porcelain: an unknown option is one line naming the command the user typed, exit 2" {
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	cd "$T/acme"
	for c in discover graph plan version changelog generate prepare publish release logs; do
		run --separate-stderr releasekit "$c" --frobnicate
		assert_failure 2
		[ -z "$output" ]
		[ "$stderr" = "releasekit $c: unknown option '--frobnicate' (see 'releasekit $c --help')" ]
		run --separate-stderr releasekit "$c" -Z
		assert_failure 2
		[ "$stderr" = "releasekit $c: unknown option '-Z' (see 'releasekit $c --help')" ]
	done
	run --separate-stderr releasekit cache --prune
	assert_failure 2
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_equal "${stderr_lines[0]}" "releasekit cache: unknown option '--prune' (the subcommands are stats, prune and path; see 'releasekit cache --help')"
	# the tools' own usage errors name the porcelain command too
	run --separate-stderr releasekit plan --date yesterday
	assert_failure 2
	[ "$stderr" = "releasekit plan: --date: expected YYYYMMDD, not 'yesterday'" ]
	run --separate-stderr releasekit graph --format bogus
	assert_failure 2
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "releasekit graph: --format: "* ]]
	run --separate-stderr releasekit --frobnicate
	assert_failure 2
	[ "$stderr" = "releasekit: unknown option '--frobnicate' (see 'releasekit --help')" ]
}

@test "porcelain: every --format works or is refused with exit 2" {
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	cd "$T/acme"
	run --separate-stderr releasekit version --format table
	assert_success
	assert_line "python:acme-core 0.4.0"
	run --separate-stderr releasekit version --format json
	assert_success
	echo "$output" | jq -e -s 'length == 5 and (map(select(.name == "acme-core"))[0].next == "0.4.0")'
	run --separate-stderr releasekit changelog --format json
	assert_success
	echo "$output" | jq -e -s 'length == 5 and (map(select(.name == "acme-core"))[0].changelog | test("streaming responses"))'
	run --separate-stderr releasekit changelog --format markdown
	assert_success
	assert_line "# python:acme-core"
	run --separate-stderr releasekit plan --format json
	assert_success
	echo "$output" | jq -e -s 'map(select(.kind == "release")) | length == 5'
	for c in "plan" "version" "changelog" "graph"; do
		run --separate-stderr releasekit $c --format xml
		assert_failure 2
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "releasekit $c: "*"'xml'"* ]]
		[ -z "$output" ]
	done
}

@test "every --help lists the exit codes; the porcelain's option specs match the tools'" {
	for t in $(tools); do
		run "$t" --help
		assert_success
		# rk-poll and rk-report are placeholders until their issues land
		grep -q "^Not implemented yet" <<<"$output" && continue
		assert_output --regexp "Exit: 0 [a-z]"
		assert_output --partial "2 usage"
		assert_output --partial "-C DIR"
	done
	for c in discover graph plan version changelog generate cache; do
		run releasekit "$c" --help
		assert_success
		assert_output --partial "Exit: 0 ok"
		assert_output --partial "-C DIR"
	done
	run releasekit --help
	assert_success
	assert_output --partial "Exit: 0 ok"
	# every long option of rk-discover, rk-graph and rk-plan is in the spec
	# the porcelain normalizes with (scripts/releasekit-setup.sh)
	. "$RK_TOP/scripts/releasekit-setup.sh"
	for pair in "rk-discover:$RK_DISCOVER_LONG" "rk-graph:$RK_GRAPH_LONG" "rk-plan:$RK_PLAN_LONG"; do
		t=${pair%%:*} spec=,${pair#*:},
		for o in $("$t" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u); do
			case "$o" in --help | --version) continue ;; esac
			[[ "$spec" == *",${o#--},"* || "$spec" == *",${o#--}:,"* ]] || {
				echo "$t: $o is missing from scripts/releasekit-setup.sh" >&2
				return 1
			}
		done
	done
}

@test "a closed stdout: the filters end quietly with their status, rk-exec with 141, as the pages say" {
	"$RK_TOP/scripts/demo" --setup "$T/acme"
	cd "$T/acme"
	(set -o pipefail; rk-config | rk-discover >p.ndjson)
	for i in $(seq 2000); do cat p.ndjson; done | jq -c 'select(.kind=="package") | .name += "\(input_line_number)" | .deps = []' >big.ndjson
	run bash -c 'rk-graph big.ndjson | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_success
	assert_output "0"
	run bash -c 'rk-discover --no-stdin | true; echo "${PIPESTATUS[0]}"'
	assert_output "0"
	grep -q "closed stdout" <<<"$(rk-graph --help)"
	# rk-exec: its page says 141 (the run was stopped)
	for i in 1 2 3; do
		jq -nc --arg i "$i" '{kind:"action", id:("a" + $i), type:"command", deps:[], key:("\($i)" * 64), argv:["echo", $i]}'
	done >actions.ndjson
	run bash -c 'rk-exec actions.ndjson | true; echo "${PIPESTATUS[0]}"'
	assert_output "141"
	grep -q "exits 141" "$RK_TOP/man/rk-exec.1"
	grep -q "141 stdout" <<<"$(rk-exec --help)"
	for t in rk-config rk-discover rk-graph rk-plan; do
		grep -qi "closed" "$RK_TOP/man/$t.1" || {
			echo "man/$t.1 does not say what a closed stdout does" >&2
			return 1
		}
	done
}
