#!/usr/bin/env bats
# rk-poll and the poll, smoke_test and verify executors against the real
# local registries (pypiserver, verdaccio, cargo-http-registry), with the
# fault proxy standing in for a CDN that answers "not yet". Packages go in
# with the ecosystems' own clients (uv publish, npm publish, cargo publish).

load test_helper
load registries_helper
load faultproxy
load publish_helper

setup_file() { registries_start; }
teardown_file() { registries_stop; }
setup() {
	setup_common
	registries_env
	DIST="$T/.releasekit/dist"
}
teardown() { stop_faultproxies; }

# py_pkg NAME VERSION [INIT_BODY]: a hatchling project built with uv into
# the dist dir the build executor uses.
py_pkg() {
	local name=$1 ver=$2 body=${3:-ANSWER = 42} mod=${1//-/_}
	mkdir -p "src-$name-$ver/src/$mod"
	printf '[project]\nname = "%s"\nversion = "%s"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' \
		"$name" "$ver" >"src-$name-$ver/pyproject.toml"
	printf '%s\n' "$body" >"src-$name-$ver/src/$mod/__init__.py"
	uv build -q --directory "src-$name-$ver" --out-dir "$DIST/python/$name-$ver"
}
py_publish() { uv publish -q "$DIST/python/$1-$2/"*; }

# npm_pkg NAME VERSION [INDEX_JS] [PACKAGE_JSON_EXTRA]: npm pack into the dist dir.
npm_pkg() {
	local name=$1 ver=$2 js=${3:-module.exports = 42;} extra=${4:-'{"main":"index.js"}'} d
	d="src-${name//\//_}-$ver"
	mkdir -p "$d" "$DIST/npm/${name//\//+}-$ver"
	jq -cn --arg n "$name" --arg v "$ver" --argjson x "$extra" '{name:$n,version:$v} + $x' >"$d/package.json"
	printf '%s\n' "$js" >"$d/index.js"
	(cd "$d" && npm pack -q --pack-destination "$DIST/npm/${name//\//+}-$ver" >/dev/null)
}
npm_publish() { npm publish -q ${3:+--tag "$3"} "$DIST/npm/${1//\//+}-$2/"*.tgz >/dev/null; }

# cargo_pkg NAME VERSION [LIB_RS]: cargo package into the dist dir.
cargo_pkg() {
	local name=$1 ver=$2 lib=${3:-pub fn answer() -> u32 { 42 \}}
	mkdir -p "src-$name-$ver/src" "$DIST/cargo/$name-$ver"
	printf '[package]\nname = "%s"\nversion = "%s"\nedition = "2021"\ndescription = "t"\nlicense = "MIT"\n' \
		"$name" "$ver" >"src-$name-$ver/Cargo.toml"
	printf '%s\n' "$lib" >"src-$name-$ver/src/lib.rs"
	(cd "src-$name-$ver" && cargo package -q --allow-dirty --no-verify)
	cp "src-$name-$ver/target/package/$name-$ver.crate" "$DIST/cargo/$name-$ver/"
}
cargo_publish() {
	cargo publish -q --registry local --allow-dirty --no-verify --manifest-path "src-$1-$2/Cargo.toml"
}

# rel ECO NAME VERSION [CHANNEL]: a release record as rk-plan writes it.
rel() {
	jq -cn --arg e "$1" --arg n "$2" --arg v "$3" --arg c "${4:-latest}" \
		'{kind:"release",name:$n,ecosystem:$e,current:null,next:$v,bump:"minor",reasons:[],tag:($n+"-v"+$v),channel:$c}'
}

avail() { jq -c 'select(.kind=="availability")' "$@"; }
FAST=(--initial 0.05 --max-delay 0.2)

@test "poll: --help, usage errors, bad input" {
	run rk-poll --help
	assert_success
	assert_output --partial 'usage: rk-poll'
	run rk-poll --deadline soon
	assert_failure 2
	assert_line --index 0 "rk-poll: --deadline: expected seconds (a number >= 0), got 'soon'"
	run rk-poll --smoke-cmd true
	assert_failure 2
	run --separate-stderr rk-poll <<<'{"kind":"release","name":"x"}'
	assert_failure 3
	assert_equal "$stderr" 'rk-poll: <stdin>:1:1: ecosystem: missing (required)'
	run --separate-stderr rk-poll <<<'not json'
	assert_failure 3
	# a registry nobody configured: one clear line, an error record
	unset RK_CARGO_INDEX CARGO_REGISTRIES_LOCAL_INDEX
	rel cargo nothing 1.0.0 >in
	run --separate-stderr rk-poll --once in
	assert_failure 1
	assert_equal "$stderr" "rk-poll: cargo:nothing: no cargo registry configured (--cargo-index, RK_CARGO_INDEX or CARGO_REGISTRIES_LOCAL_INDEX)"
}

@test "poll: passes records through; the PEP 691 page lists the built files' sha256 (python)" {
	py_pkg rkp-ok 0.1.0
	py_publish rkp-ok 0.1.0
	{
		echo '{"kind":"package","name":"other","version":"1.0.0","ecosystem":"npm","manager":"npm","path":"o","manifest":"o/package.json","publishable":true,"deps":[]}'
		rel python rkp-ok 0.1.0
	} >in
	run --separate-stderr rk-poll --once in
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	assert_line --index 0 "$(head -1 in)"
	assert_line --index 1 "$(sed -n 2p in)"
	[ "$(avail out | jq -c '[.state, .digest_checked, .attempts, (.files | length)]')" = '["available",true,1,2]' ]
	whl=$(cd "$DIST/python/rkp-ok-0.1.0" && ls ./*.whl)
	[ "$(avail out | jq -r --arg f "${whl#./}" '.files[] | select(.file==$f) | .listed')" = \
		"$(sha256sum "$DIST/python/rkp-ok-0.1.0/${whl#./}" | cut -d' ' -f1)" ]
	# without built artifacts the version alone is checked
	rm -rf "$DIST"
	run --separate-stderr rk-poll --once in
	assert_success
	[ "$(echo "$output" | avail | jq -c '[.state, .digest_checked, (.files | length)]')" = '["available",false,2]' ]
}

@test "poll: --wait succeeds after a delayed publish (the proxy answers 'not yet' 3 times)" {
	py_pkg rkp-late 1.0.0
	py_publish rkp-late 1.0.0
	start_faultproxy pypi "$RK_PYPI_URL" \
		--fault '{"path":"^/simple/rkp-late/","fault":"notyet","version":"1.0.0","count":3}'
	rel python rkp-late 1.0.0 >in
	run --separate-stderr rk-poll --wait "${FAST[@]}" --deadline 60 --pypi "$FP_URL/simple/" in
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	run jq -r 'select(.kind=="event") | "\(.attempt) \(.state)"' out
	assert_output "$(printf '1 retrying\n2 retrying\n3 retrying\n4 succeeded')"
	jq -s -e '[.[] | select(.kind=="event" and .state=="retrying") | .reason] | length == 3 and all(test("^http://127.0.0.1:[0-9]+/simple/rkp-late/: rkp_late-1.0.0[^ ]* not listed yet$"))' out >/dev/null
	[ "$(avail out | jq -c '[.state, .attempts]')" = '["available",4]' ]
	# the registry saw exactly those 4 polls, each asking for PEP 691 JSON, each
	# defeating caches with a query of its own and Cache-Control: no-cache
	[ "$(fp_count '.path == "/simple/rkp-late/"')" = 4 ]
	[ "$(jq -r '.query' "$FP_LOG" | sort -u | wc -l)" = 4 ]
	[ "$(jq -r '.accept | startswith("application/vnd.pypi.simple.v1+json")' "$FP_LOG" | sort -u)" = true ]
	[ "$(jq -r '.cache_control' "$FP_LOG" | sort -u)" = no-cache ]
	# elapsed grows and the backoff delays stay under the cap (200 ms)
	jq -s -e '[.[] | select(.kind=="event")] | (map(.elapsed_ms) | . == sort) and all(.[]; (.retry_in_ms // 0) <= 200)' out >/dev/null
}

@test "poll: npm: the install-v1 packument, the integrity and the channel's dist-tag must move" {
	npm_pkg @rkp/tagged 1.0.0
	npm_publish @rkp/tagged 1.0.0
	npm_pkg @rkp/tagged 2.0.0
	npm_publish @rkp/tagged 2.0.0 next
	start_faultproxy npm "$RK_NPM_URL"
	rel npm @rkp/tagged 2.0.0 latest >in
	# published under "next": for the latest channel it is not there yet
	run --separate-stderr rk-poll --once --npm "$FP_URL" in
	assert_failure 1
	[ "$(echo "$output" | avail | jq -r .state)" = missing ]
	assert_equal "$stderr" "rk-poll: npm:@rkp/tagged 2.0.0: $FP_URL/@rkp%2ftagged: dist-tag latest is 1.0.0, not yet 2.0.0"
	[ "$(jq -r .accept "$FP_LOG")" = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' ]
	rel npm @rkp/tagged 2.0.0 next >in
	run --separate-stderr rk-poll --once --npm "$FP_URL" in
	assert_success
	printf '%s\n' "$output" >out
	[ "$(avail out | jq -r '.files[0].listed')" = \
		"sha512-$(openssl dgst -sha512 -binary "$DIST"/npm/@rkp+tagged-2.0.0/*.tgz | base64 -w0)" ]
}

@test "poll: a version that never shows up times out with a clear message" {
	npm_pkg rkp-never 1.0.0
	npm_publish rkp-never 1.0.0
	start_faultproxy npm "$RK_NPM_URL" --fault '{"path":"^/rkp-never$","fault":"notyet","version":"1.0.0"}'
	rel npm rkp-never 1.0.0 >in
	run --separate-stderr rk-poll --wait "${FAST[@]}" --seed 7 --deadline 1 --npm "$FP_URL" in
	assert_failure 1
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(avail out | jq -r .state)" = timeout ]
	n=$(avail out | jq -r .attempts)
	[ "$n" -ge 2 ]
	[[ "$stderr" =~ ^"rk-poll: npm:rkp-never 1.0.0: npm:rkp-never 1.0.0 not available after "[0-9.]+"s ($n attempts): $FP_URL/rkp-never: version 1.0.0 not listed yet"$ ]]
	[ "$(jq -r 'select(.kind=="event") | .state' out | tail -1)" = failed ]
	[ "$(fp_count true)" = "$n" ]
}

@test "poll: a 429 waits its Retry-After, a 503 and a reset are retried" {
	cargo_pkg rkp-busy 0.1.0
	cargo_publish rkp-busy 0.1.0
	# a sparse view of the git index, served over HTTP behind the proxy
	mkdir sparse
	"$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/fileserver" "$RK_CARGO_INDEX" "$T/sparse.port" &
	FS_PID=$!
	for _ in $(seq 100); do [ -s sparse.port ] && break; sleep 0.05; done
	start_faultproxy cargo "http://127.0.0.1:$(cat sparse.port)" \
		--fault '{"path":"/rkp-busy$","fault":"429","retry_after":1,"count":1}' \
		--fault '{"path":"/rkp-busy$","fault":"503","count":1}' \
		--fault '{"path":"/rkp-busy$","fault":"reset","count":1}'
	rel cargo rkp-busy 0.1.0 >in
	run --separate-stderr rk-poll --wait "${FAST[@]}" --deadline 60 --cargo-index "sparse+$FP_URL/" in
	kill "$FS_PID"
	assert_success
	printf '%s\n' "$output" >out
	run jq -r 'select(.kind=="event") | "\(.attempt) \(.state) \(.retry_in_ms)"' out
	assert_line --index 0 '1 retrying 1000'
	assert_line --index 3 '4 succeeded null'
	[ "$(avail out | jq -r .url)" = "$FP_URL/rk/p-/rkp-busy" ]
	[ "$(jq -r 'select(.kind=="event" and .attempt==2) | .reason' out)" = "$FP_URL/rk/p-/rkp-busy: HTTP 503" ]
	# the wait after the 429 is measured by the proxy: at least the Retry-After
	jq -s -e '.[1].t - .[0].t >= 1' "$FP_LOG" >/dev/null
}

@test "poll: a listed digest that differs from the built artifact is a mismatch naming both" {
	py_pkg rkp-mis 0.2.0
	py_publish rkp-mis 0.2.0
	cargo_pkg rkp-mis 0.2.0
	cargo_publish rkp-mis 0.2.0
	# the artifacts in the dist dir are rebuilt with other bytes
	rm -rf "$DIST"
	py_pkg rkp-mis 0.2.0 'ANSWER = 43'
	cargo_pkg rkp-mis 0.2.0 'pub fn other() {}'
	{ rel python rkp-mis 0.2.0; rel cargo rkp-mis 0.2.0; } >in
	run --separate-stderr rk-poll --wait "${FAST[@]}" --deadline 30 in
	assert_failure 1
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(avail out | jq -c '[.ecosystem, .state, .attempts]' | tr '\n' ' ')" = '["python","mismatch",1] ["cargo","mismatch",1] ' ]
	whl=$(basename "$DIST"/python/rkp-mis-0.2.0/*.whl)
	built=$(sha256sum "$DIST/python/rkp-mis-0.2.0/$whl" | cut -d' ' -f1)
	listed=$(sha256sum "$RK_REGISTRIES_DIR/pypi/packages/$whl" | cut -d' ' -f1)
	[ "$built" != "$listed" ]
	echo "$stderr" | grep -qF "rk-poll: python:rkp-mis 0.2.0: ${RK_PYPI_SIMPLE}rkp-mis/: $whl is listed with sha256 $listed, the built file has $built"
	cb=$(sha256sum "$DIST/cargo/rkp-mis-0.2.0/rkp-mis-0.2.0.crate" | cut -d' ' -f1)
	cl=$(jq -r .cksum "$RK_CARGO_INDEX/rk/p-/rkp-mis")
	echo "$stderr" | grep -qF "rk-poll: cargo:rkp-mis 0.2.0: $RK_CARGO_INDEX:rk/p-/rkp-mis: version 0.2.0 is listed with cksum $cl, the built crate rkp-mis-0.2.0.crate has $cb"
}

@test "verify: a file altered on the registry's disk is caught (npm, cargo), naming both digests" {
	npm_pkg rkp-alt 1.0.0
	npm_publish rkp-alt 1.0.0
	cargo_pkg rkp-alt 1.0.0
	cargo_publish rkp-alt 1.0.0
	{ rel npm rkp-alt 1.0.0; rel cargo rkp-alt 1.0.0; } >in
	run --separate-stderr rk-poll --once --verify in
	assert_success
	[ "$(echo "$output" | avail | jq -c '[.state, .verified]' | tr '\n' ' ')" = '["available",true] ["available",true] ' ]
	# someone changes the stored files behind the registries' backs
	printf 'x' >>"$RK_REGISTRIES_DIR/npm/storage/rkp-alt/rkp-alt-1.0.0.tgz"
	printf 'x' >>"$RK_CARGO_INDEX/rkp-alt-1.0.0.crate"
	nb=$(sha256sum "$DIST/npm/rkp-alt-1.0.0/rkp-alt-1.0.0.tgz" | cut -d' ' -f1)
	ns=$(sha256sum "$RK_REGISTRIES_DIR/npm/storage/rkp-alt/rkp-alt-1.0.0.tgz" | cut -d' ' -f1)
	cb=$(sha256sum "$DIST/cargo/rkp-alt-1.0.0/rkp-alt-1.0.0.crate" | cut -d' ' -f1)
	cs=$(sha256sum "$RK_CARGO_INDEX/rkp-alt-1.0.0.crate" | cut -d' ' -f1)
	# the listings still look right: polling alone does not see it
	run --separate-stderr rk-poll --once in
	assert_success
	run --separate-stderr rk-poll --once --verify in
	assert_failure 1
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(avail out | jq -c '[.state, .verified]' | tr '\n' ' ')" = '["mismatch",false] ["mismatch",false] ' ]
	[ "$(avail out | jq -r '.files[0].served' | tr '\n' ' ')" = "$ns $cs " ]
	echo "$stderr" | grep -qF "rk-poll: npm:rkp-alt 1.0.0: verify: ${RK_NPM_URL}rkp-alt/-/rkp-alt-1.0.0.tgz: the registry serves sha256 $ns, the built artifact has sha256 $nb"
	echo "$stderr" | grep -qF "rk-poll: cargo:rkp-alt 1.0.0: verify: ${RK_CARGO_API}/api/v1/crates/rkp-alt/1.0.0/download: the registry serves sha256 $cs, the built artifact has sha256 $cb"
}

@test "smoke: good python, npm (CommonJS and ESM) and cargo packages install and load" {
	py_pkg rkp-good 1.0.0
	py_publish rkp-good 1.0.0
	npm_pkg rkp-cjs 1.0.0
	npm_publish rkp-cjs 1.0.0
	npm_pkg @rkp/esm 1.0.0 'export default 42;' '{"type":"module","exports":{"import":"./index.js"}}'
	npm_publish @rkp/esm 1.0.0
	cargo_pkg rkp-good 1.0.0
	cargo_publish rkp-good 1.0.0
	{ rel python rkp-good 1.0.0; rel npm rkp-cjs 1.0.0; rel npm @rkp/esm 1.0.0; rel cargo rkp-good 1.0.0; } >in
	mkdir tmp
	TMPDIR="$T/tmp" run --separate-stderr rk-poll --once --smoke in
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(avail out | jq -r '"\(.name) \(.smoke.state)"' | tr '\n' ',')" = 'rkp-good passed,rkp-cjs passed,@rkp/esm passed,rkp-good passed,' ]
	[ "$(avail out | jq -r 'select(.ecosystem=="python") | .smoke.check')" = 'uv pip install rkp-good==1.0.0; import (its top-level modules)' ]
	# the scratch directories are gone
	[ -z "$(ls -A tmp)" ]
}

@test "smoke: a package whose import raises fails, with the traceback's last lines" {
	py_pkg rkp-bad 1.0.0 'raise RuntimeError("broken on import")'
	py_publish rkp-bad 1.0.0
	npm_pkg rkp-bad 1.0.0 'throw new Error("broken on require");'
	npm_publish rkp-bad 1.0.0
	cargo_pkg rkp-bad 1.0.0 'pub fn f() -> u32 { "not a number" }'
	cargo_publish rkp-bad 1.0.0
	{ rel python rkp-bad 1.0.0; rel npm rkp-bad 1.0.0; rel cargo rkp-bad 1.0.0; } >in
	run --separate-stderr rk-poll --once --smoke in
	assert_failure 1
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(avail out | jq -r '"\(.state) \(.smoke.state)"' | sort -u)" = 'available failed' ]
	avail out | jq -r 'select(.ecosystem=="python") | .smoke.reason' | grep -q '^import (top-level modules): exited 1: .*RuntimeError: broken on import'
	avail out | jq -r 'select(.ecosystem=="npm") | .smoke.reason' | grep -q '^node require/import: exited 1: .*broken on require'
	avail out | jq -r 'select(.ecosystem=="cargo") | .smoke.reason' | grep -q '^cargo build: exited 101: .*could not compile .rkp-bad.'
	echo "$stderr" | grep -q "^rk-poll: python:rkp-bad 1.0.0: smoke test failed: import (top-level modules): exited 1: "
	# a configured command replaces the check; a timeout bounds it
	run --separate-stderr rk-poll --once --smoke --smoke-cmd 'test "$RK_SMOKE_NAME@$RK_SMOKE_VERSION" = rkp-bad@1.0.0' in
	assert_success
	run --separate-stderr rk-poll --once --smoke --smoke-timeout 8 --smoke-cmd 'sleep 60' <(rel npm rkp-bad 1.0.0)
	assert_failure 1
	echo "$output" | avail | jq -r .smoke.reason | grep -Eq '^(smoke_test command|npm install): timed out after' ||
		fail "$output"
}

# act TYPE ECO NAME VERSION DEPS [PARAMS]: an action record for rk-exec.
act() {
	jq -cn --arg t "$1" --arg e "$2" --arg n "$3" --arg v "$4" --argjson d "$5" --argjson p "${6:-{\}}" \
		'{kind:"action",id:($t+":"+$e+":"+$n),type:$t,package:$n,ecosystem:$e,version:$v,deps:$d,key:("0"*64),phase:"publish",params:$p}'
}

@test "exec: poll, verify and smoke_test executors run in rk-exec; smoke_test = False skips" {
	make_git_repo .
	py_pkg rkp-exe 3.0.0
	start_faultproxy pypi "$RK_PYPI_URL" \
		--fault '{"path":"^/simple/rkp-exe/","fault":"notyet","version":"3.0.0","count":2}'
	py_publish rkp-exe 3.0.0
	p=$(jq -cn --arg r "$FP_URL/simple/" '{index_url:$r, initial_s:0.05, max_delay_s:0.2, deadline_s:60}')
	{
		act poll python rkp-exe 3.0.0 '[]' "$p"
		act verify python rkp-exe 3.0.0 '["poll:python:rkp-exe"]' "$p"
		act smoke_test python rkp-exe 3.0.0 '["verify:python:rkp-exe"]' \
			"$(jq -c '. + {smoke_test:"python -c \"import rkp_exe; assert rkp_exe.ANSWER == 42\""}' <<<"$p")"
		jq -c '.id = "smoke_test:python:off" | .params.smoke_test = false' <(act smoke_test python rkp-exe 3.0.0 '[]')
	} >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	ev() { jq -r --arg a "$1" 'select(.kind=="event" and .action==$a and .state=="succeeded") | .note' out; }
	[ "$(ev poll:python:rkp-exe)" = "available after 3 attempts ($(ev poll:python:rkp-exe | sed 's/.*(\(.*s\)).*/\1/')), digests match" ]
	[ "$(ev verify:python:rkp-exe)" = '2 files served as built' ]
	[[ "$(ev smoke_test:python:rkp-exe)" == 'smoke test passed ('*'s)' ]]
	[ "$(ev smoke_test:python:off)" = 'skipped: smoke_test = False' ]
	# the poll's attempts are event records in its log (stdout, in the CAS)
	d=$(jq -r 'select(.kind=="event" and .action=="poll:python:rkp-exe" and .state=="succeeded") | .stdout_digest' out)
	run jq -r '"\(.attempt) \(.state)"' "$RK_CACHE_DIR/cas/${d:0:2}/$d"
	assert_output "$(printf '1 retrying\n2 retrying\n3 succeeded')"
	# a smoke test that fails fails the action, not retried, with its reason
	act smoke_test python rkp-exe 3.0.0 '[]' "$(jq -c '. + {smoke_test:"python -c \"raise SystemExit(7)\""}' <<<"$p")" >plan2
	run --separate-stderr rk-exec plan2
	assert_failure 1
	printf '%s\n' "$output" >out2
	[ "$(jq -r 'select(.kind=="event") | .state' out2 | tr '\n' ' ')" = 'queued started failed ' ]
	jq -r 'select(.state=="failed") | .stderr_tail' out2 | grep -q 'smoke test of python:rkp-exe 3.0.0 failed: smoke_test command: exited 7'
}

@test "poll: alone after another tool's publish: releasekit plan --format json | rk-poll --wait --verify" {
	make_git_repo repo
	cd repo
	printf '[project]\nname = "rkp-planned"\nversion = "0.1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >pyproject.toml
	mkdir -p src/rkp_planned web
	echo 'X = 1' >src/rkp_planned/__init__.py
	echo '{"name":"rkp-planned-web","version":"1.0.0","main":"index.js"}' >web/package.json
	echo 'module.exports = 1;' >web/index.js
	echo '{"name":"root","private":true,"workspaces":["web"]}' >package.json
	git add -A
	git commit -q -m "feat: first"
	run --separate-stderr releasekit plan --format json
	assert_success
	printf '%s\n' "$output" >../plan.ndjson
	# the private root package is not published: rk-poll skips it
	[ "$(jq -r 'select(.kind=="release") | "\(.ecosystem):\(.name) \(.next) \(.publish)"' ../plan.ndjson | sort | tr '\n' ,)" = \
		'npm:rkp-planned-web 1.0.0 true,npm:root 0.1.0 false,python:rkp-planned 0.1.0 true,' ]
	# (untagged packages are first releases at their manifests' versions)
	# another tool publishes those versions (no artifacts of ours in .releasekit/dist)
	uv build -q --out-dir ../pydist
	uv publish -q ../pydist/*
	(cd web && npm publish -q >/dev/null)
	git checkout -q -- . && git clean -fdq
	run --separate-stderr bash -o pipefail -c 'releasekit plan --format json | rk-poll --wait --verify --deadline 60'
	assert_success
	printf '%s\n' "$output" >../out
	validate_records ../out
	# every input record passed through, then the poll's records
	jq -c 'select(.kind!="event" and .kind!="availability")' ../out >../passed
	diff <(jq -c "{kind,name,id}" ../plan.ndjson) <(jq -c "{kind,name,id}" ../passed)
	[ "$(jq -r 'select(.kind=="availability") | "\(.name) \(.state) \(.verified) \(.digest_checked)"' ../out | sort | tr '\n' ,)" = \
		'rkp-planned available true false,rkp-planned-web available true false,' ]
}

@test "release: every dependent's publish starts after its dependencies' poll succeeded; every poll, smoke test and verify passes" {
	make_mono repo rkw
	git init -q --bare origin.git
	git -C repo remote add origin "$T/origin.git"
	cd repo
	run --separate-stderr releasekit release
	assert_success
	ev=.releasekit/publish.events
	validate_records "$ev"
	# every poll, smoke_test and verify of the six packages succeeded
	for t in poll smoke_test verify; do
		[ "$(jq -r --arg t "$t" 'select(.kind=="event" and .type==$t and .state=="succeeded") | .action' "$ev" | sort -u | wc -l)" = 6 ] ||
			fail "$t: $(jq -c --arg t "$t" 'select(.kind=="event" and .type==$t)' "$ev")"
	done
	# the plan's edges from poll to publish: each one held (RFC 3339 UTC times compare as strings)
	jq -s -e --slurpfile plan .releasekit/publish.plan '
		(map(select(.kind=="event" and .state=="succeeded")) | map({(.action): .time}) | add) as $done |
		(map(select(.kind=="event" and .state=="started")) | map({(.action): .time}) | add) as $start |
		[$plan[] | select(.kind=="action" and .type=="publish") | . as $a |
			$a.deps[] | select(startswith("poll:")) | {dep: ., publish: $a.id}] as $edges |
		($edges | length) >= 4 and
		all($edges[]; $done[.dep] != null and $start[.publish] != null and $done[.dep] <= $start[.publish])' \
		"$ev" >/dev/null || fail "$(jq -c 'select(.kind=="action" and .type=="publish") | {id, deps}' .releasekit/publish.plan)"
}
