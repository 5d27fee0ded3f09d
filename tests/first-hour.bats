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
