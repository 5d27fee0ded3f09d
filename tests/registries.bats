#!/usr/bin/env bats
# scripts/registries: pypiserver, verdaccio and cargo-http-registry on
# 127.0.0.1, and the ecosystems' own tools publishing to and installing from
# them through what `scripts/registries env` prints.

load test_helper
load registries_helper

setup_file() { registries_start; }
teardown_file() { registries_stop; }
setup() {
	setup_common
	registries_env
}

@test "registries: usage errors exit 2, --help exits 0" {
	run "$RK_TOP/scripts/registries"
	assert_failure 2
	run "$RK_TOP/scripts/registries" bogus
	assert_failure 2
	run "$RK_TOP/scripts/registries" --help
	assert_success
	assert_output --partial "scripts/registries start [DIR]"
}

@test "registries: env points every tool at 127.0.0.1 ports; status answers" {
	run "$RK_TOP/scripts/registries" env "$RK_REGISTRIES_DIR"
	assert_success
	for v in RK_PYPI_URL UV_DEFAULT_INDEX UV_PUBLISH_URL UV_PUBLISH_TOKEN PIP_INDEX_URL \
		RK_NPM_URL NPM_TOKEN npm_config_registry npm_config_userconfig \
		RK_CARGO_API CARGO_REGISTRIES_LOCAL_INDEX CARGO_REGISTRIES_LOCAL_TOKEN; do
		echo "$output" | grep -q "^export $v='" || fail "no $v in: $output"
	done
	echo "$output" | grep -E "^export (RK_PYPI_URL|RK_NPM_URL|RK_CARGO_API)=" |
		grep -vqE "='http://127\.0\.0\.1:[0-9]+/?'$" && fail "a URL not on 127.0.0.1: $output"
	run "$RK_TOP/scripts/registries" status "$RK_REGISTRIES_DIR"
	assert_success
	run "$RK_TOP/scripts/registries" status "$BATS_TEST_TMPDIR/none"
	assert_failure 1
	assert_output --partial "pypi is not running"
}

@test "registries: pypi: uv build + uv publish with the token, a second upload is a 409, uv pip install" {
	mkdir -p p/src/rk_reg_py
	printf '[project]\nname = "rk-reg-py"\nversion = "0.1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >p/pyproject.toml
	echo 'ANSWER = 42' >p/src/rk_reg_py/__init__.py
	run uv build --directory p -q
	assert_success
	# a wrong token is refused: pypiserver checks it
	run env UV_PUBLISH_TOKEN=wrong uv publish --directory p -q
	assert_failure
	run uv publish --directory p
	assert_success
	run curl -sf "${RK_PYPI_SIMPLE}rk-reg-py/"
	assert_success
	sum=$(sha256sum p/dist/rk_reg_py-0.1.0-py2.py3-none-any.whl | cut -d' ' -f1)
	assert_output --partial "rk_reg_py-0.1.0-py2.py3-none-any.whl#sha256=$sum"
	# the same file again: pypiserver answers 409 Conflict
	run curl -s -o /dev/null -w '%{http_code}' -u "__token__:$UV_PUBLISH_TOKEN" \
		-F ':action=file_upload' -F name=rk-reg-py -F version=0.1.0 \
		-F "content=@p/dist/rk_reg_py-0.1.0-py2.py3-none-any.whl" "$RK_PYPI_URL"
	assert_output 409
	run uv venv -q v
	assert_success
	run uv pip install -q --python v/bin/python rk-reg-py==0.1.0
	assert_success
	run v/bin/python -c 'import rk_reg_py; print(rk_reg_py.ANSWER)'
	assert_success
	assert_output 42
}

@test "registries: npm: npm and pnpm publish with the token, republish refused, npm install" {
	mkdir -p a b
	echo '{"name":"@rk/reg-a","version":"1.0.0","main":"index.js"}' >a/package.json
	echo 'module.exports = "a";' >a/index.js
	echo '{"name":"rk-reg-b","version":"2.0.0","main":"index.js","dependencies":{"@rk/reg-a":"1.0.0"}}' >b/package.json
	echo 'module.exports = require("@rk/reg-a") + "b";' >b/index.js
	# without the token verdaccio refuses
	run env NPM_TOKEN=wrong npm publish ./a
	assert_failure
	run npm publish ./a
	assert_success
	run npm publish ./a
	assert_failure
	# verdaccio's words differ by the npm that asks (403 or 409)
	echo "$output" | grep -qE "cannot publish over the previously published versions|this package is already present" ||
		fail "$output"
	(cd b && pnpm publish --no-git-checks) || fail "pnpm publish"
	run curl -sf "${RK_NPM_URL}@rk%2freg-a"
	assert_success
	echo "$output" | jq -e '."dist-tags".latest == "1.0.0" and .versions."1.0.0".dist.integrity' >/dev/null
	mkdir u && cd u && echo '{"name":"u","private":true}' >package.json
	run npm install -q rk-reg-b@2.0.0
	assert_success
	run node -e 'console.log(require("rk-reg-b"))'
	assert_success
	assert_output ab
}

@test "registries: cargo: cargo publish to the git index, duplicate refused, cargo install" {
	for c in rkreglib rkregbin; do
		mkdir -p $c/src
	done
	printf '[package]\nname = "rkreglib"\nversion = "0.3.0"\nedition = "2021"\ndescription = "t"\nlicense = "MIT"\n' >rkreglib/Cargo.toml
	echo 'pub fn word() -> &'"'"'static str { "lib" }' >rkreglib/src/lib.rs
	printf '[package]\nname = "rkregbin"\nversion = "0.3.0"\nedition = "2021"\ndescription = "t"\nlicense = "MIT"\n[dependencies]\nrkreglib = { version = "0.3.0", registry = "local" }\n' >rkregbin/Cargo.toml
	echo 'fn main() { println!("{}", rkreglib::word()); }' >rkregbin/src/main.rs
	run cargo publish -q --registry local --allow-dirty --manifest-path rkreglib/Cargo.toml
	assert_success
	run cat "$RK_CARGO_INDEX/rk/re/rkreglib"
	assert_success
	echo "$output" | jq -e '.name == "rkreglib" and .vers == "0.3.0" and (.cksum | length) == 64' >/dev/null
	run cargo publish -q --registry local --allow-dirty --manifest-path rkreglib/Cargo.toml
	assert_failure
	assert_output --partial "already exists"
	run cargo publish -q --registry local --allow-dirty --manifest-path rkregbin/Cargo.toml
	assert_success
	run cargo install -q --registry local rkregbin --root inst
	assert_success
	run inst/bin/rkregbin
	assert_success
	assert_output lib
}

@test "registries: stop ends the servers; start again in the same DIR keeps the data" {
	d="$BATS_TEST_TMPDIR/own"
	run "$RK_TOP/scripts/registries" start "$d"
	assert_success
	pids=$(cat "$d"/*.pid)
	eval "$("$RK_TOP/scripts/registries" env "$d")"
	mkdir -p q && echo '{"name":"rk-keep","version":"1.0.0"}' >q/package.json
	run npm publish ./q
	assert_success
	run "$RK_TOP/scripts/registries" stop "$d"
	assert_success
	for p in $pids; do
		run kill -0 "$p"
		assert_failure
	done
	run "$RK_TOP/scripts/registries" status "$d"
	assert_failure
	run "$RK_TOP/scripts/registries" start "$d"
	assert_success
	eval "$("$RK_TOP/scripts/registries" env "$d")"
	run curl -sf "${RK_NPM_URL}rk-keep"
	assert_success
	run "$RK_TOP/scripts/registries" stop "$d"
	assert_success
}
