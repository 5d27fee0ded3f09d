#!/usr/bin/env bats
# RELEASE.star's overrides of where and how to publish (lib/rk_pubcfg.c):
# rk-plan writes them into the publish, poll, smoke_test and verify params,
# and a release against the real local registries follows them, with the
# tokens of its secret()s, which never show.

load test_helper
load registries_helper
load publish_helper
load faultproxy

setup_file() { registries_start; }
teardown_file() { registries_stop; }
setup() {
	setup_common
	registries_env
}
teardown() { stop_faultproxies; }

# params ID: the params of action ID in plan.json, without the package's own fields
params() {
	jq -c --arg id "$1" 'select(.kind == "action" and .id == $id) | .params |
		del(.manager, .path, .manifest, .workspace, .dist, .version, .smoke_test, .module)' plan.json
}

@test "pubcfg: each override reaches the publish/poll/smoke_test/verify params; the package rule beats the workspace's; train publish_rate and channel" {
	make_mono repo pa
	cd repo
	sed -i '/^uv_workspace\|^cargo_workspace/d' RELEASE.star
	cat >>RELEASE.star <<'EOT'
uv_workspace(name = "py", root = "py", members = ["packages/*"], registry_url = "http://ws.example/legacy/",
             index_url = "http://ws.example/simple/", token = secret("PA_PY_WS"))
uv_package(name = "pa-cli", registry_url = "http://pkg.example/legacy/", token = secret("PA_PY_CLI"))
pnpm_package(name = "@pa/web-ui", registry_url = "http://npm.example/", dist_tag = "beta", token = secret("PA_NPM"))
cargo_workspace(name = "rs", root = "rs", members = ["crates/*"], registry = "other",
                index_url = "sparse+http://idx.example/", token = secret("PA_CARGO"))
cargo_package(name = "pa-fastcli", registry_url = "http://api.example", registry = "third")
release_train(publish_rate = 4, channel = "rc")
EOT
	git commit -qam "chore: registries"
	run --separate-stderr releasekit plan --format json
	assert_success
	printf '%s\n' "$output" >plan.json
	validate_records plan.json
	# python: the workspace's index_url and token; the package's registry_url and token win
	[ "$(params publish:python:pa-core)" = '{"registry_url":"http://ws.example/legacy/","index_url":"http://ws.example/simple/","channel":"rc","token_env":"PA_PY_WS","rate":4}' ] ||
		fail "$(params publish:python:pa-core)"
	[ "$(params publish:python:pa-cli)" = '{"registry_url":"http://pkg.example/legacy/","index_url":"http://ws.example/simple/","channel":"rc","token_env":"PA_PY_CLI","rate":4}' ] ||
		fail "$(params publish:python:pa-cli)"
	# poll, smoke_test and verify ask the same registry, never get the token or the rate
	for t in poll smoke_test verify; do
		[ "$(params $t:python:pa-cli)" = '{"registry_url":"http://pkg.example/legacy/","index_url":"http://ws.example/simple/","channel":"rc"}' ] ||
			fail "$t: $(params $t:python:pa-cli)"
	done
	# npm: dist_tag and registry_url of the package rule; none for its sibling
	[ "$(params publish:npm:@pa/web-ui)" = '{"registry_url":"http://npm.example/","tag":"beta","channel":"rc","token_env":"PA_NPM","rate":4}' ] ||
		fail "$(params publish:npm:@pa/web-ui)"
	[ "$(params poll:npm:@pa/web-ui)" = '{"registry_url":"http://npm.example/","tag":"beta","channel":"rc"}' ]
	[ "$(params publish:npm:@pa/web-core)" = '{"channel":"rc","rate":4}' ]
	# cargo: the workspace's registry name, index and token; the package's registry and API URL win
	[ "$(params publish:cargo:pa-fast)" = '{"index_url":"sparse+http://idx.example/","registry":"other","channel":"rc","token_env":"PA_CARGO","rate":4}' ] ||
		fail "$(params publish:cargo:pa-fast)"
	[ "$(params publish:cargo:pa-fastcli)" = '{"registry_url":"http://api.example","index_url":"sparse+http://idx.example/","registry":"third","channel":"rc","token_env":"PA_CARGO","rate":4}' ] ||
		fail "$(params publish:cargo:pa-fastcli)"
	# the build is not where an override goes
	[ "$(params build:cargo:pa-fast)" = '{}' ]
}

@test "pubcfg: a token that is not a secret() and an override a rule does not take are refused, naming the line" {
	make_mono repo pe
	cd repo
	cp RELEASE.star ../orig.star
	echo 'uv_package(name = "pe-cli", token = "pe-plain-canary-55aa")' >>RELEASE.star
	git commit -qam "chore: token"
	run --separate-stderr releasekit plan --format json
	assert_failure 3
	[ -z "$output" ]
	[ "$stderr" = "rk-plan: RELEASE.star:9:1: uv_package 'pe-cli': token must be secret(\"NAME\"), never the token itself" ] ||
		fail "$stderr"
	# npm has no index, python no registry name, cargo no dist-tag
	for bad in 'npm_package(name = "x", index_url = "http://i/")' 'uv_package(name = "pe-cli", registry = "r")' \
		'cargo_workspace(name = "rs", root = "rs", dist_tag = "beta")'; do
		cp ../orig.star RELEASE.star
		echo "$bad" >>RELEASE.star
		run --separate-stderr rk-config
		assert_failure 3
		[[ "$stderr" == "rk-config: RELEASE.star:9:1: "*"got an unexpected keyword argument"* ]] || fail "$stderr"
	done
	# a secret whose variable is not set fails the publish: no other token is tried
	cp ../orig.star RELEASE.star
	echo 'uv_package(name = "pe-core", token = secret("PE_UNSET_SECRET"))' >>RELEASE.star
	git commit -qam "chore: secret"
	releasekit plan --format json >plan.json
	jq -c 'select(.kind == "action" and .package == "pe-core" and (.type == "build" or .type == "publish")) |
		if .type == "publish" then .deps = ["build:python:pe-core"] else .deps = [] end' plan.json >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	jq -r 'select(.action == "publish:python:pe-core" and .state == "failed") | .reason' <<<"$output" |
		grep -qF "the token is secret(\"PE_UNSET_SECRET\"), but PE_UNSET_SECRET is not set" || fail "$output"
	[ "$(ls "$RK_REGISTRIES_DIR/pypi/packages" | grep -c '^pe_')" = 0 ]
}

@test "pubcfg: a release uploads where RELEASE.star says, with its secret() tokens (which never show), and the npm dist_tag" {
	make_mono repo pb
	git init -q --bare origin.git
	git -C repo remote add origin "$T/origin.git"
	cd repo
	# the ecosystems' own configuration points straight at the registries;
	# RELEASE.star sends the uploads through proxies that log them
	start_faultproxy pyws "${RK_PYPI_URL%/}"
	pyws=$FP_URL pyws_log=$FP_LOG
	start_faultproxy pypkg "${RK_PYPI_URL%/}"
	pypkg=$FP_URL pypkg_log=$FP_LOG
	start_faultproxy npm "${RK_NPM_URL%/}"
	npmp=$FP_URL npm_log=$FP_LOG
	# cargo-http-registry takes any token: this proxy takes only the two canaries
	export PB_CARGO_SECRET=canary-cargo-secret-7d1e PB_OTHER=canary-cargo-other-93b2
	start_faultproxy cargo "$RK_CARGO_API"
	cargop=$FP_URL cargo_log=$FP_LOG
	fp_rules "$(jq -cn --arg a "$(printf %s "$PB_CARGO_SECRET" | sha256sum | cut -c1-64)" \
		--arg b "$(printf %s "$PB_OTHER" | sha256sum | cut -c1-64)" \
		'[{"path": "^/api/v1/crates/new", "fault": "auth", "sha256": [$a, $b]}]')"
	sed -i '/_workspace(\|^cargo_package/d' RELEASE.star
	cat >>RELEASE.star <<EOT
uv_workspace(name = "py", root = "py", members = ["packages/*"], registry_url = "$pyws/",
             index_url = "$pyws/simple/", token = secret("PB_PY_SECRET"))
uv_package(name = "pb-cli", registry_url = "$pypkg/")
pnpm_workspace(name = "js", root = ".", packages = ["js/*"], registry_url = "$npmp/", token = secret("PB_NPM_SECRET"))
pnpm_package(name = "@pb/web-ui", dist_tag = "beta")
cargo_workspace(name = "rs", root = "rs", members = ["crates/*"], registry_url = "$cargop")
cargo_package(name = "pb-fast", cross_deps = ["python:pb-core"], registry = "other")
cargo_package(name = "pb-fastcli", token = secret("PB_CARGO_SECRET"))
EOT
	git commit -qam "chore: registries"
	# the tokens only in the secrets' variables (and, for cargo's "other", its own)
	export PB_PY_SECRET=$UV_PUBLISH_TOKEN PB_NPM_SECRET=$NPM_TOKEN
	export CARGO_REGISTRIES_OTHER_INDEX=$CARGO_REGISTRIES_LOCAL_INDEX CARGO_REGISTRIES_OTHER_TOKEN=$PB_OTHER
	unset UV_PUBLISH_TOKEN NPM_TOKEN CARGO_REGISTRIES_LOCAL_TOKEN CARGO_REGISTRY_TOKEN
	printf 'registry=%s\n' "$RK_NPM_URL" >"$BATS_TEST_TMPDIR/npmrc"
	export npm_config_userconfig="$BATS_TEST_TMPDIR/npmrc"
	run --separate-stderr releasekit release
	printf '%s\n%s\n' "$output" "$stderr" >../all
	assert_success
	for id in publish:python:pb-core publish:python:pb-cli publish:npm:@pb/web-core \
		publish:npm:@pb/web-ui publish:cargo:pb-fast publish:cargo:pb-fastcli; do
		grep -q "^ok      $id  uploaded " ../all || fail "$id: $(cat ../all)"
	done
	# python: core's two files through the workspace's URL, cli's through its own; the index through the workspace's
	[ "$(jq -s '[.[] | select(.method == "POST" and .status >= 200 and .status < 300)] | length' "$pyws_log")" = 2 ]
	[ "$(jq -s '[.[] | select(.method == "POST" and .status >= 200 and .status < 300)] | length' "$pypkg_log")" = 2 ]
	[ "$(jq -s '[.[] | select(.method == "GET" and (.path | startswith("/simple/pb-cli/")))] | length > 0' "$pyws_log")" = true ]
	[ "$(ls "$RK_REGISTRIES_DIR/pypi/packages" | grep -c '^pb_')" = 4 ]
	# npm: both packuments through the proxy; web-ui under the dist-tag beta
	[ "$(jq -s '[.[] | select(.method == "PUT" and .status >= 200 and .status < 300)] | length' "$npm_log")" = 2 ] || fail "$(cat "$npm_log")"
	run curl -sf "${RK_NPM_URL}@pb%2fweb-ui"
	assert_success
	echo "$output" | jq -e '."dist-tags".beta == "1.0.0"' >/dev/null || fail "$output"
	run curl -sf "${RK_NPM_URL}@pb%2fweb-core"
	echo "$output" | jq -e '."dist-tags".latest == "1.0.0" and (."dist-tags".beta == null)' >/dev/null || fail "$output"
	# cargo: both crates through the proxy, each with an accepted token
	# (pb-fast: registry "other"'s; pb-fastcli: its secret's), none refused
	[ "$(jq -s '[.[] | select(.method == "PUT" and .status >= 200 and .status < 300)] | length' "$cargo_log")" = 2 ] || fail "$(cat "$cargo_log")"
	[ "$(jq -s '[.[] | select(.status == 401)] | length' "$cargo_log")" = 0 ]
	# the tokens appear nowhere: output, plan and events, the cache, the proxies' logs
	for t in "$PB_PY_SECRET" "$PB_NPM_SECRET" "$PB_CARGO_SECRET" "$PB_OTHER"; do
		[ -n "$t" ]
		run grep -rlF -- "$t" ../all .releasekit "$RK_CACHE_DIR" "$pyws_log" "$pypkg_log" "$npm_log" "$cargo_log"
		assert_failure 1
	done
}
