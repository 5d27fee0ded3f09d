#!/usr/bin/env bats
# make install DESTDIR=... produces a working, relocatable tree.

load test_helper

@test "make install: tools, wrapper, commands, rules, schemas and man pages in place and working" {
	make -s -C "$RK_TOP" install B="$RK_BUILD" DESTDIR="$T/root" PREFIX=/opt/rk >/dev/null
	r="$T/root/opt/rk"
	for t in rk-config rk-discover rk-graph rk-plan rk-exec rk-poll rk-report releasekit; do
		[ -x "$r/bin/$t" ]
	done
	[ -f "$r/share/man/man1/releasekit.1" ]
	[ -f "$r/share/man/man5/releasekit-records.5" ]
	[ -f "$r/share/releasekit/schemas/package.schema.json" ]
	[ -d "$r/share/releasekit/rules" ]
	[ -f "$r/libexec/releasekit/commands/graph" ]
	run "$r/bin/rk-graph" --version
	assert_success
	assert_output --regexp '^rk-graph [0-9.]+$'
	# The wrapper finds its commands relative to itself, not in the source tree.
	run env -u RK_COMMANDS_DIR PATH="/usr/bin:/bin" "$r/bin/releasekit" --help
	assert_success
	assert_line --partial "graph"
	run env PATH="/usr/bin:/bin" "$r/bin/releasekit" graph --help
	assert_success
	assert_line --index 0 --partial "usage: releasekit graph"
}
