#!/usr/bin/env bats
# The one tree walk (lib/rk_walk.c): rk-discover's manifests and rk-config's
# per-package RELEASE.star files come from the same walk, with the same
# skipped directories and .gitignore.

load test_helper

# pkg DIR: a python package with a RELEASE.star in DIR
pkg() {
	mkdir -p "$1"
	printf '[project]\nname = "%s"\nversion = "1.0.0"\n' "$(basename "$1")-$RANDOM" >"$1/pyproject.toml"
	echo '# package settings' >"$1/RELEASE.star"
}

make_tree() {
	make_git_repo repo
	cd repo
	pkg a
	pkg deep/er/b
	pkg venv/c # a directory named venv is walked by both (rk-config skipped it once)
	pkg ignored/d
	pkg sub/gen/e
	pkg node_modules/f
	pkg target/g
	pkg lib/__pycache__/h
	pkg .hidden/i
	pkg .git/j
	printf 'ignored/\n' >.gitignore
	printf '*\n' >sub/gen/.gitignore # a nested .gitignore
	ln -s .. a/up                    # symbolic link loops
	ln -s . deep/self
	ln -s ../a deep/er/alias         # a link to a package is not followed
	cd ..
}

@test "rk-discover and rk-config's file search see the same packages on one walk" {
	make_tree
	run rk-discover --root repo --no-stdin
	assert_success
	printf '%s\n' "$output" >packages.ndjson
	run jq -r .path packages.ndjson
	assert_success
	printf '%s\n' "$output" | sort >discover.dirs
	run t_helper t-walk cfgfiles repo RELEASE.star
	assert_success
	printf '%s\n' "$output" | sed 's|/RELEASE.star$||' | sort >config.dirs
	run cat discover.dirs
	assert_output - <<'EOT'
a
deep/er/b
venv/c
EOT
	run diff discover.dirs config.dirs
	assert_success
}

@test "the walk: skipped directories, ignored files, links not followed, root files" {
	make_tree
	echo '# root' >repo/RELEASE.star
	printf 'a/pyproject.toml\n' >repo/.git/info/exclude
	ln -s ../a/pyproject.toml repo/deep/pyproject.toml
	run t_helper t-walk files repo pyproject.toml RELEASE.star
	assert_success
	assert_output - <<'EOT'
./RELEASE.star
a/RELEASE.star
deep/er/b/RELEASE.star
deep/er/b/pyproject.toml
deep/pyproject.toml
venv/c/RELEASE.star
venv/c/pyproject.toml
EOT
	# outside a git repository nothing is ignored but the named directories
	rm -rf repo/.git
	run t_helper t-walk files repo pyproject.toml
	assert_success
	assert_output - <<'EOT'
a/pyproject.toml
deep/er/b/pyproject.toml
deep/pyproject.toml
ignored/d/pyproject.toml
sub/gen/e/pyproject.toml
venv/c/pyproject.toml
EOT
}
