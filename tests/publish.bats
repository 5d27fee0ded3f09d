#!/usr/bin/env bats
# The build and publish executors against the real local registries
# (scripts/registries: pypiserver, verdaccio, cargo-http-registry), checked
# from the registries' side.

load test_helper
load registries_helper
load publish_helper

setup_file() { registries_start; }
teardown_file() { registries_stop; }
setup() {
	setup_common
	registries_env
}

states() { jq -r --arg id "$2" 'select(.kind=="event" and .action==$id) | .state' "$1" | tr '\n' ' ' | sed 's/ $//'; }
note() { jq -r --arg id "$2" 'select(.kind=="event" and .action==$id and .state=="succeeded") | .note' "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
sri() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# check_served P: every artifact in dist is served by its registry with
# the same digest; the npm dist-tag points at the version; the cargo
# index lists the version with the .crate's sha256.
check_served() {
	local P=$1 f
	for n in core cli; do
		for f in .releasekit/dist/python/$P-$n-0.1.0/*; do
			run curl -sf "${RK_PYPI_SIMPLE}$P-$n/"
			assert_success
			assert_output --partial "$(basename "$f")#sha256=$(sha "$f")"
			run curl -sf "${RK_PYPI_URL}packages/$(basename "$f")"
			assert_success
			[ "$(curl -sf "${RK_PYPI_URL}packages/$(basename "$f")" | sha256sum | cut -d' ' -f1)" = "$(sha "$f")" ]
		done
	done
	for n in web-core web-ui; do
		f=$(echo .releasekit/dist/npm/@$P+$n-1.0.0/*.tgz)
		run curl -sf "${RK_NPM_URL}@$P%2f$n"
		assert_success
		echo "$output" | jq -e --arg i "$(sri "$f")" \
			'."dist-tags".latest == "1.0.0" and .versions."1.0.0".dist.integrity == $i' >/dev/null ||
			fail "npm @$P/$n: $output"
		[ "$(curl -sf "$(echo "$output" | jq -r '.versions."1.0.0".dist.tarball')" | sha256sum | cut -d' ' -f1)" = "$(sha "$f")" ]
	done
	for n in fast fastcli; do
		f=.releasekit/dist/cargo/$P-$n-0.2.0/$P-$n-0.2.0.crate
		run git -C "$RK_CARGO_INDEX" show "HEAD:$(echo "$P-$n" | cut -c1-2)/$(echo "$P-$n" | cut -c3-4)/$P-$n"
		assert_success
		[ "$(echo "$output" | jq -r 'select(.vers=="0.2.0") | .cksum')" = "$(sha "$f")" ]
		[ "$(echo "$output" | jq -s 'map(select(.vers=="0.2.0")) | length')" = 1 ]
	done
}

@test "publish: a uv + pnpm + cargo monorepo to the three registries; served bytes match; installable; a rerun uploads nothing" {
	make_mono repo ta
	cd repo
	pub_plan >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	for id in publish:python:ta-core publish:python:ta-cli publish:npm:@ta/web-core \
		publish:npm:@ta/web-ui publish:cargo:ta-fast publish:cargo:ta-fastcli; do
		[ "$(states out $id)" = "queued started succeeded" ] || fail "$id: $(states out $id)"
		note out $id | grep -q "^uploaded " || fail "$id: $(note out $id)"
	done
	[ "$(note out publish:python:ta-core)" = "uploaded 2 files to $RK_PYPI_URL" ]
	check_served ta
	# the npm tarballs were packed in-process (rk_npmpack), and the pnpm
	# tarball carries the resolved range, not workspace:
	[ "$(note out build:npm:@ta/web-ui)" = "built 1 file into .releasekit/dist/npm/@ta+web-ui-1.0.0 (packed in-process as pnpm pack would)" ]
	tar -xzOf .releasekit/dist/npm/@ta+web-ui-1.0.0/*.tgz package/package.json |
		jq -e '.dependencies."@ta/web-core" == "^1.0.0"' >/dev/null
	# installable with each ecosystem's own tool
	uv venv -q v
	run uv pip install -q --python v/bin/python ta-cli==0.1.0
	assert_success
	run v/bin/python -c 'import ta_cli; print(ta_cli.VALUE)'
	assert_output core
	mkdir u && (cd u && echo '{"name":"u","private":true}' >package.json && npm install -q @ta/web-ui@1.0.0) ||
		fail "npm install"
	run node -e 'console.log(require("./u/node_modules/@ta/web-ui"))'
	assert_output "web-core+ui"
	run cargo install -q --registry local ta-fastcli --version 0.2.0 --root inst
	assert_success
	run inst/bin/ta-fastcli
	assert_output fast
	# a rerun: builds from the cache, every publish asks the registry and uploads nothing
	before=$(ls "$RK_REGISTRIES_DIR/pypi/packages" | wc -l)
	commits=$(git -C "$RK_CARGO_INDEX" rev-list --count HEAD)
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out2
	for id in publish:python:ta-core publish:python:ta-cli publish:npm:@ta/web-core \
		publish:npm:@ta/web-ui publish:cargo:ta-fast publish:cargo:ta-fastcli; do
		[ "$(note out2 $id)" = "already published" ] || fail "$id: $(note out2 $id)"
	done
	states out2 build:python:ta-core | grep -qw cached
	[ "$(ls "$RK_REGISTRIES_DIR/pypi/packages" | wc -l)" = "$before" ]
	[ "$(git -C "$RK_CARGO_INDEX" rev-list --count HEAD)" = "$commits" ]
	check_served ta
}

@test "build: artifacts hold the manifests' internal versions as built (wheel METADATA, tarball package.json, .crate Cargo.toml)" {
	make_mono repo tbb
	cd repo
	# the specifiers as pin writes them for a build (exact)
	sed -i 's/"tbb-core>=0.1.0"/"tbb-core==0.1.0"/' py/packages/cli/pyproject.toml
	sed -i 's/"workspace:\^"/"1.0.0"/' js/web-ui/package.json
	sed -i 's/version = "0.2.0", registry/version = "=0.2.0", registry/' rs/crates/fastcli/Cargo.toml
	piped pub_plan \| jq -c 'select(.type == "build")' >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	[ "$(note out build:python:tbb-cli)" = "built 2 files into .releasekit/dist/python/tbb-cli-0.1.0" ]
	# the outputs are named in the event by digest (restored from the CAS on a hit)
	jq -e 'select(.action=="build:python:tbb-cli" and .state=="succeeded") | .outputs | length == 2' out >/dev/null ||
		jq -c 'select(.action=="build:python:tbb-cli" and .state=="succeeded")' out
	run "$RK_TOP/.venv/bin/python" -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("tbb_cli-0.1.0.dist-info/METADATA").decode())' \
		.releasekit/dist/python/tbb-cli-0.1.0/*.whl
	assert_success
	assert_output --partial "Requires-Dist: tbb-core==0.1.0"
	tar -xzOf .releasekit/dist/python/tbb-cli-0.1.0/tbb_cli-0.1.0.tar.gz tbb_cli-0.1.0/PKG-INFO | grep -q "Requires-Dist: tbb-core==0.1.0"
	run tar -xzOf .releasekit/dist/npm/@tbb+web-ui-1.0.0/tbb-web-ui-1.0.0.tgz package/package.json
	assert_success
	echo "$output" | jq -e '.version == "1.0.0" and .dependencies."@tbb/web-core" == "1.0.0"' >/dev/null
	run tar -xzOf .releasekit/dist/cargo/tbb-fastcli-0.2.0/tbb-fastcli-0.2.0.crate tbb-fastcli-0.2.0/Cargo.toml
	assert_success
	assert_output --partial 'version = "=0.2.0"'
}

@test "publish: other bytes under a published version fail, naming both digests; nothing is uploaded" {
	make_mono repo tc
	cd repo
	piped pub_plan \| jq -c 'select(.package == "tc-core" or .package == "@tc/web-core" or .package == "tc-fast")' >plan
	run --separate-stderr rk-exec plan
	assert_success
	old_whl=$(sha .releasekit/dist/python/tc-core-0.1.0/*.whl)
	old_crate=$(sha .releasekit/dist/cargo/tc-fast-0.2.0/tc-fast-0.2.0.crate)
	# the same versions with other sources (a new cache key for each build)
	echo 'VALUE = "changed"' >py/packages/core/src/tc_core/__init__.py
	echo 'module.exports = "changed";' >js/web-core/index.js
	echo 'pub fn word() -> &'"'"'static str { "changed" }' >rs/crates/fast/src/lib.rs
	jq -c 'if .type == "build" then .key = ("1" + .key[1:]) else . end' plan >plan2
	run --separate-stderr rk-exec plan2
	assert_failure 1
	printf '%s\n' "$output" >out
	new_whl=$(sha .releasekit/dist/python/tc-core-0.1.0/*.whl)
	jq -r 'select(.action=="publish:python:tc-core" and .state=="failed") | .reason' out >reason
	grep -q "tc-core 0.1.0 is already published with other bytes: the registry has sha256:$old_whl" reason || fail "$(cat reason)"
	grep -q "$new_whl" reason
	jq -r 'select(.action=="publish:cargo:tc-fast" and .state=="failed") | .reason' out >reason
	grep -q "cksum $old_crate" reason || fail "$(cat reason)"
	grep -q "$(sha .releasekit/dist/cargo/tc-fast-0.2.0/tc-fast-0.2.0.crate)" reason
	jq -r 'select(.action=="publish:npm:@tc/web-core" and .state=="failed") | .reason' out | grep -q "already published with other bytes"
	# the registries still serve the first bytes
	run curl -sf "${RK_PYPI_SIMPLE}tc-core/"
	assert_output --partial "#sha256=$old_whl"
	refute_output --partial "#sha256=$new_whl"
}

@test "publish: SIGKILL before and after each upload; a rerun publishes each version exactly once" {
	make_mono repo td
	cd repo
	pub_plan >plan
	# one package at a time, dependencies first, so that each kill point is reached
	for id in python:td-core python:td-cli npm:@td/web-core npm:@td/web-ui cargo:td-fast cargo:td-fastcli; do
		jq -c --arg id "$id" 'select(.id == "build:" + $id or .id == "publish:" + $id) | .deps |= map(select(startswith("build:")))' plan >one
		run --separate-stderr env RK_TEST_KILL_AT="publish:$id:upload" rk-exec one
		[ "$status" -ne 0 ] || fail "publish:$id:upload: rk-exec was not killed"
		run --separate-stderr env RK_TEST_KILL_AT="publish:$id:uploaded" rk-exec one
		[ "$status" -ne 0 ] || fail "publish:$id:uploaded: rk-exec was not killed"
		run --separate-stderr rk-exec one
		assert_success
		printf '%s\n' "$output" >out
		# killed after the registry took the (first) file: the rerun finds it there
		case $id in
		python:*) [ "$(note out "publish:$id")" = "uploaded 1 file to $RK_PYPI_URL (1 already published)" ] ;;
		*) [ "$(note out "publish:$id")" = "already published" ] ;;
		esac || fail "publish:$id: $(note out "publish:$id")"
	done
	run --separate-stderr rk-exec plan
	assert_success
	check_served td
	# verdaccio: one version each; pypiserver: one file each
	for n in web-core web-ui; do
		[ "$(curl -sf "${RK_NPM_URL}@td%2f$n" | jq '.versions | length')" = 1 ]
	done
	[ "$(ls "$RK_REGISTRIES_DIR/pypi/packages" | grep -c '^td_')" = 4 ]
}

@test "publish: tokens come from each ecosystem's config and never show; a wrong token fails with a clear message" {
	make_mono repo te
	cd repo
	# npm: the token from the user .npmrc only (no NPM_TOKEN)
	tok=$NPM_TOKEN
	unset NPM_TOKEN
	printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$RK_NPM_URL" \
		"$(cat "$RK_REGISTRIES_DIR/npm/port")" "$tok" >"$BATS_TEST_TMPDIR/npmrc"
	export npm_config_userconfig="$BATS_TEST_TMPDIR/npmrc"
	# python: [[tool.uv.index]] publish-url in the workspace root; the token from a secret's variable
	unset UV_PUBLISH_URL
	printf '\n[[tool.uv.index]]\nname = "local"\nurl = "%s"\npublish-url = "%s"\n' \
		"$RK_PYPI_SIMPLE" "$RK_PYPI_URL" >>py/pyproject.toml
	export MY_PYPI_SECRET=$UV_PUBLISH_TOKEN
	unset UV_PUBLISH_TOKEN
	git add -A && git commit -q -m "chore: registries"
	piped pub_plan \| jq -c 'if .ecosystem == "python" and .type == "publish" then .params.token_env = "MY_PYPI_SECRET" else . end' >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n%s\n' "$output" "$stderr" >all
	check_served te
	# the tokens appear nowhere rk-exec wrote: events, logs in the cache, .releasekit
	for t in "$tok" "$MY_PYPI_SECRET"; do
		run grep -rlF "$t" all "$RK_CACHE_DIR" .releasekit
		assert_failure 1
	done
	# a wrong token: the registry refuses, the message says so without the token
	echo 'VALUE = 2' >>py/packages/core/src/te_core/__init__.py
	sed -i 's/^version = "0.1.0"/version = "0.1.1"/' py/packages/core/pyproject.toml
	export MY_PYPI_SECRET=canary-9f8e7d6c5b4a
	rk-discover >/dev/null
	piped pub_plan \| jq -c 'select(.package == "te-core") | if .type == "publish" then .params.token_env = "MY_PYPI_SECRET" else . end' >plan2
	run --separate-stderr rk-exec plan2
	assert_failure 1
	printf '%s\n%s\n' "$output" "$stderr" >all2
	jq -r 'select(.action=="publish:python:te-core" and .state=="failed") | .reason' all2 | grep -q "HTTP 403.*check the upload token" ||
		jq -r 'select(.action=="publish:python:te-core" and .state=="failed") | .reason' all2 | grep -q "HTTP 401"
	run grep -rlF canary-9f8e7d6c5b4a all2 "$RK_CACHE_DIR" .releasekit
	assert_failure 1
}

@test "publish: through the fault proxy: 429 waits exactly Retry-After, 503 and resets are retried, each version published once" {
	make_mono repo tf
	cd repo
	fp() { # fp NAME UPSTREAM RULES: start a faultproxy, its URL in $NAME_URL
		"$RK_TOP/tests/helpers/faultproxy" --upstream "$2" --port-file "$BATS_TEST_TMPDIR/$1.port" \
			--log "$BATS_TEST_TMPDIR/$1.log" --rules "$BATS_TEST_TMPDIR/$1.rules" 3>&- &
		echo $! >"$BATS_TEST_TMPDIR/$1.pid"
		printf '%s' "$3" >"$BATS_TEST_TMPDIR/$1.rules"
		for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/$1.port" ] && break; sleep 0.1; done
		printf -v "${1}_URL" 'http://127.0.0.1:%s' "$(cat "$BATS_TEST_TMPDIR/$1.port")"
	}
	fp pypi "${RK_PYPI_URL%/}" '[{"path":"^/$","method":"POST","count":1,"fault":"429","retry_after":2},
		{"path":"^/$","method":"POST","count":1,"fault":"503"},
		{"path":"^/$","method":"POST","count":1,"fault":"reset"},
		{"path":"^/simple/","count":1,"fault":"429","retry_after":1}]'
	fp npm "${RK_NPM_URL%/}" '[{"path":"^/@tf","method":"PUT","count":1,"fault":"429","retry_after":3},
		{"path":"^/@tf","method":"PUT","count":1,"fault":"reset"},
		{"path":"^/@tf","method":"GET","count":1,"fault":"503"}]'
	fp cargo "$RK_CARGO_API" '[{"path":"^/api/v1/crates/new","method":"PUT","count":1,"fault":"429","retry_after":2},
		{"path":"^/api/v1/crates/new","method":"PUT","count":1,"fault":"503"}]'
	piped pub_plan "$(jq -cn --arg p "$pypi_URL/" --arg s "$pypi_URL/simple/" --arg n "$npm_URL/" --arg c "$cargo_URL" \
		'{py: {registry_url: $p, index_url: $s}, npm: {registry_url: $n}, cargo: {registry_url: $c}}')" \| \
		jq -c 'if .type == "publish" then .params = (.params + .params[{"python":"py","npm":"npm","cargo":"cargo"}[.ecosystem]] | del(.py, .npm, .cargo)) else . end' >plan
	run --separate-stderr env RK_HTTP_BACKOFF_BASE=0.2 rk-exec plan
	kill "$(cat "$BATS_TEST_TMPDIR/pypi.pid")" "$(cat "$BATS_TEST_TMPDIR/npm.pid")" "$(cat "$BATS_TEST_TMPDIR/cargo.pid")"
	assert_success
	printf '%s\n' "$output" >out
	check_served tf
	[ "$(curl -sf "${RK_NPM_URL}@tf%2fweb-core" | jq '.versions | length')" = 1 ]
	# every fault was met, and after each 429 the next request to the same
	# path came no sooner than its Retry-After
	for n in pypi npm cargo; do
		log="$BATS_TEST_TMPDIR/$n.log"
		[ "$(jq -s 'map(select(.rule != null)) | length' "$log")" -ge 2 ] || fail "$n: $(cat "$log")"
		[ "$(jq -s 'map(select(.status == 429)) | length' "$log")" -ge 1 ] || fail "$n: no 429: $(cat "$log")"
		jq -s -e --slurpfile rules "$BATS_TEST_TMPDIR/$n.rules" '
			[ . as $all | $all[] | select(.status == 429) | . as $f |
			  $rules[0][$f.rule].retry_after as $ra |
			  ($all | map(select(.n > $f.n and .path == $f.path and .method == $f.method)) | first) as $next |
			  $ra > 0 and $next != null and ($next.t - $f.t) >= $ra ] | all' "$log" >/dev/null || fail "$n: $(cat "$log")"
	done
	# the waits as rk-exec logged them: exactly the Retry-After values
	jq -r 'select(.kind=="event" and .state=="succeeded" and .stderr_digest != null) | .stderr_digest' out >digests
	cat "$RK_CACHE_DIR"/cas/*/* 2>/dev/null | grep -a "retry-after, Retry-After" >waits || true
	grep -q "waiting 2.000 s (retry-after, Retry-After) after HTTP 429 from POST $pypi_URL/" waits || fail "$(cat waits)"
	grep -q "waiting 3.000 s (retry-after, Retry-After) after HTTP 429 from PUT $npm_URL/@tf%2fweb-" waits || fail "$(cat waits)"
	grep -q "waiting 2.000 s (retry-after, Retry-After) after HTTP 429 from PUT $cargo_URL/api/v1/crates/new" waits || fail "$(cat waits)"
}

@test "publish: publish_rate spaces the uploads to one registry; --limit publish=1 runs one at a time" {
	make_mono repo tg
	cd repo
	"$RK_TOP/tests/helpers/faultproxy" --upstream "${RK_PYPI_URL%/}" --port-file "$BATS_TEST_TMPDIR/p.port" \
		--log "$BATS_TEST_TMPDIR/p.log" 3>&- &
	pid=$!
	for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/p.port" ] && break; sleep 0.1; done
	url="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/p.port")"
	piped pub_plan "$(jq -cn --arg p "$url/" --arg s "$url/simple/" '{rate: 2, registry_url: $p, index_url: $s}')" \| \
		jq -c 'select(.ecosystem == "python")' >plan
	run --separate-stderr rk-exec -j 4 --limit publish=1 plan
	kill $pid
	assert_success
	printf '%s\n' "$output" >out
	# four files, 0.5 s apart (rk-exec takes the slots 0.5 s apart; the
	# proxy sees each request a connection's latency later: 0.05 s of slack)
	jq -s -e '[.[] | select(.method == "POST")] | length == 4 and
		([range(1; length) as $i | (.[$i].t - .[$i - 1].t) >= 0.45] | all) and
		(.[3].t - .[0].t) >= 1.45' "$BATS_TEST_TMPDIR/p.log" >/dev/null ||
		fail "$(cat "$BATS_TEST_TMPDIR/p.log")"
	# one publish at a time: the second starts after the first ended
	jq -s -e '[.[] | select(.kind == "event" and (.action | startswith("publish:")) and (.state == "started" or .state == "succeeded"))] |
		.[0].state == "started" and .[1].state == "succeeded" and .[2].state == "started" and .[3].state == "succeeded"' out >/dev/null
}
