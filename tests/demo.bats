#!/usr/bin/env bats
# The README's first command: the demo on the bundled example monorepo.

load test_helper

# rustup's toolchains stay where they are when a test moves HOME.
: "${RUSTUP_HOME:=$HOME/.rustup}"
export RUSTUP_HOME

@test "demo: discovers, graphs, plans and releases the example monorepo to local registries, then installs it" {
	run "$RK_TOP/scripts/demo"
	assert_success
	assert_line "cargo:fastcore 0.5.0 rust/crates/fastcore"
	assert_line "python:acme-core 0.3.1 python/packages/acme-core"
	assert_line "level 0: cargo:fastcore, npm:@acme/web-core, npm:acme-monorepo, python:acme-core"
	assert_line "level 1: cargo:fastcli, npm:@acme/web-ui, python:acme-cli"
	assert_line --regexp '^python:acme-core +0\.3\.1 -> 0\.4\.0 +minor +feat\(core\): streaming responses$'
	assert_line --regexp '^npm:@acme/web-ui +1\.1\.2 -> 1\.1\.3 +patch +fix\(ui\): escape labels \(#42\)$'
	assert_line "- **core:** streaming responses ($(printf '%s' "$output" | grep -o 'streaming responses ([0-9a-f]*)' | head -1 | grep -o '[0-9a-f]\{7,\}'))"
	refute_line --partial "npm:@acme/web-core 1.4.0 ->"
	# prepare: the dry run's diff, the release commit and its diff, then nothing to do
	assert_line "ok      bump:python:acme-core  0.4.0: python/packages/acme-core/pyproject.toml"
	assert_line --regexp '^prepared: [0-9a-f]{7} chore\(release\): 5 packages$'
	assert_line "Release-Kit-Release: python:acme-core 0.4.0"
	assert_line "+version = \"0.4.0\""
	assert_line "nothing to prepare: HEAD is a release commit ('releasekit publish' publishes it)"
	# the release, for real, to the local registries
	assert_line --regexp '^ok +commit:release +committed [0-9a-f]+'
	assert_line --regexp '^ok +publish:python:acme-core +uploaded 2 files to http://127\.0\.0\.1:[0-9]+/$'
	assert_line --regexp '^ok +publish:npm:@acme/web-ui +uploaded 1 file to http://127\.0\.0\.1:[0-9]+/$'
	assert_line --regexp '^ok +publish:cargo:fastcli +uploaded 1 file to http://127\.0\.0\.1:[0-9]+$'
	assert_line --regexp '^ok +publish:cargo:fastcore +already published$'
	assert_line --regexp '^ok +push:tags +pushed 5 tags to origin'
	assert_line "acme-cli imports acme_core"
	assert_line "@acme/web-ui loads"
	assert_line "3"
	assert_line "fastcli-v0.5.1"
	refute_line --regexp '^FAILED'
}
