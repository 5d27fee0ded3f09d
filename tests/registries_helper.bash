# Local registries for a bats file: `load registries_helper` after
# `load test_helper`, then in the file
#
#   setup_file()    { registries_start; }
#   teardown_file() { registries_stop; }
#   setup()         { setup_common; registries_env; }
#
# registries_start starts pypiserver, verdaccio and cargo-http-registry
# (scripts/registries) once for the whole file, in $BATS_FILE_TMPDIR/registries;
# registries_env exports what points uv, pip, npm, pnpm and cargo at them
# (see `scripts/registries --help`) and gives cargo a CARGO_HOME of the test's
# own (so the `local` registry's index is fetched afresh).

# rustup's toolchains stay where they are when a test moves HOME.
: "${RUSTUP_HOME:=$HOME/.rustup}"
export RUSTUP_HOME

registries_start() {
	export RK_REGISTRIES_DIR="$BATS_FILE_TMPDIR/registries"
	"$RK_TOP/scripts/registries" start "$RK_REGISTRIES_DIR"
}

registries_stop() {
	"$RK_TOP/scripts/registries" stop "${RK_REGISTRIES_DIR:-$BATS_FILE_TMPDIR/registries}"
}

registries_env() {
	local envs
	envs=$("$RK_TOP/scripts/registries" env "$BATS_FILE_TMPDIR/registries") || return 1
	eval "$envs"
	export CARGO_HOME="$BATS_TEST_TMPDIR/cargo-home"
	mkdir -p "$CARGO_HOME"
	export UV_CACHE_DIR="$BATS_TEST_TMPDIR/uv-cache"
	export npm_config_cache="$BATS_TEST_TMPDIR/npm-cache"
}
