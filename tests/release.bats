#!/usr/bin/env bats
# releasekit publish and releasekit release: a whole release of a uv +
# pnpm + cargo monorepo with cross-ecosystem edges to the local registries,
# tags pushed to a bare origin; reruns; exit 4 when some packages fail.

load test_helper
load registries_helper
load publish_helper

setup_file() { registries_start; }
teardown_file() { registries_stop; }
setup() {
	setup_common
	registries_env
}

# mono P: the fixture with a bare origin, in ./repo
mono() {
	make_mono repo "$1"
	git init -q --bare origin.git
	git -C repo remote add origin "$T/origin.git"
	cd repo
}

@test "releasekit publish --help; publish refuses a commit that is not a release commit" {
	run releasekit publish --help
	assert_success
	assert_output --partial "usage: releasekit publish"
	run releasekit release --help
	assert_success
	run releasekit publish --bogus-option-x
	assert_failure
	mono tr0
	run releasekit publish
	assert_failure 1
	assert_output --partial "HEAD is not a release commit"
}

@test "releasekit release: prepare, then build, publish, poll, smoke-test, verify, tag and push every package; a rerun uploads nothing" {
	mono tr1
	# (no release tags yet: every package is a first release at its
	# manifest's version)
	run releasekit release
	assert_success
	echo "$output" >../out
	grep -q '^ok      commit:release' ../out
	for id in publish:python:tr1-core publish:python:tr1-cli publish:npm:@tr1/web-core \
		publish:npm:@tr1/web-ui publish:cargo:tr1-fast publish:cargo:tr1-fastcli; do
		grep -q "^ok      $id  uploaded " ../out || fail "$id: $(grep " $id " ../out)"
	done
	grep -q '^ok      push:tags  pushed 7 tags to origin' ../out
	# the tags are on origin, at the release commit
	[ "$(git -C ../origin.git rev-parse refs/tags/tr1-core-v0.1.0)" = "$(git rev-parse HEAD)" ]
	[ "$(git -C ../origin.git rev-parse 'refs/tags/@tr1/web-ui-v1.0.0')" = "$(git rev-parse HEAD)" ]
	# the registries serve the new versions; the tree is clean (unpinned)
	run curl -sf "${RK_NPM_URL}@tr1%2fweb-ui"
	echo "$output" | jq -e '."dist-tags".latest == "1.0.0" and (.versions."1.0.0".dependencies."@tr1/web-core" == "^1.0.0")' >/dev/null ||
		fail "$output"
	run git -C "$RK_CARGO_INDEX" show HEAD:tr/1-/tr1-fastcli
	assert_success
	echo "$output" | jq -s -e 'map(select(.vers == "0.2.0")) | length == 1 and .[0].deps[0].req == "=0.2.0"' >/dev/null
	[ -z "$(git status --porcelain)" ]
	# a dependent's publish started after its dependency's poll succeeded
	jq -s -e '
		(map(select(.kind == "event" and .action == "poll:python:tr1-core" and .state == "succeeded")) | .[0].time) as $p |
		(map(select(.kind == "event" and .action == "publish:python:tr1-cli" and .state == "started")) | .[0].time) as $s |
		$p <= $s' .releasekit/publish.events >/dev/null
	# again: nothing to prepare, every upload asked and skipped, tags already there
	run releasekit release
	assert_success
	echo "$output" >../out2
	grep -q "nothing to prepare" ../out2
	for id in publish:python:tr1-core publish:npm:@tr1/web-ui publish:cargo:tr1-fastcli; do
		grep -q "^ok      $id  already published" ../out2 || fail "$id: $(cat ../out2)"
	done
	grep -q '^ok      push:tags  already done: 7 tags on origin' ../out2
}

@test "releasekit publish: one registry down: the others are released, exit 4; fixed, a rerun finishes it" {
	mono tr2
	run releasekit prepare
	assert_success
	port=$("$RK_TOP/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	# web-ui publishes to a registry that is not there (publishConfig); the tree must stay the release commit
	printf 'registry=%s\n' "http://127.0.0.1:$port/" >js/web-ui/.npmrc
	printf '@tr2:registry=http://127.0.0.1:%s/\n' "$port" >>js/web-ui/.npmrc
	run env RK_HTTP_MAX_ATTEMPTS=2 RK_HTTP_BACKOFF_BASE=0.1 releasekit publish
	assert_failure 4
	assert_output --partial "FAILED  publish:npm:@tr2/web-ui"
	assert_output --partial "ok      publish:npm:@tr2/web-core  uploaded"
	assert_output --partial "ok      tag:python:tr2-cli"
	rm js/web-ui/.npmrc
	run releasekit publish
	assert_success
	assert_output --partial "ok      publish:npm:@tr2/web-ui  uploaded"
	assert_output --partial "ok      publish:npm:@tr2/web-core  already published"
	[ "$(git -C ../origin.git rev-parse 'refs/tags/@tr2/web-ui-v1.0.0')" = "$(git rev-parse HEAD)" ]
}
