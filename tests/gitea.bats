#!/usr/bin/env bats
# Forge releases and the release pull request against a real Gitea (issue
# 17): .tools/gitea/gitea (scripts/bootstrap builds it from the Go module
# proxy), started once for the file on 127.0.0.1 (tests/gitea_helper.bash).

load test_helper
load gitea_helper
load forge_helper

setup_file() { gitea_start; }
teardown_file() { gitea_stop; }
setup() {
	setup_common
	gitea_env
}

# the token appears in no output, event, log, cache entry or file of the test
no_canary() {
	if grep -rlF "$GITEA_TOKEN" "$BATS_TEST_TMPDIR" 2>/dev/null; then
		fail "the token leaked"
	fi
}

# push_main: push the current branch to origin with the token (the test's own git)
push_main() {
	git -c http.extraHeader="Authorization: token $GITEA_TOKEN" push -q "${@:---force}" origin HEAD:main
}

@test "gitea: release executor: draft, assets, SHA256SUMS, promote; SIGKILL between uploads and a rerun leave one release with every asset once" {
	url=$(gitea_repo exec1)
	make_git_repo repo
	cd repo
	printf '.releasekit/\n' >.gitignore
	git add .gitignore
	git commit -q -m init
	git tag a-v1.0.0
	git remote add origin "$url"
	push_main
	git -c http.extraHeader="Authorization: token $GITEA_TOKEN" push -q origin a-v1.0.0
	gitea_wait_pushed exec1
	mkdir -p .releasekit/dist/python/a-1.0.0 .releasekit/dist/npm/b-2.0.0
	head -c 300000 /dev/urandom >.releasekit/dist/python/a-1.0.0/a-1.0.0.tar.gz
	printf 'wheel\n' >.releasekit/dist/python/a-1.0.0/a-1.0.0-py3-none-any.whl
	printf 'tgz\n' >.releasekit/dist/npm/b-2.0.0/b-2.0.0.tgz
	release_act rel a-v1.0.0 $'## 1.0.0\n\n- feat: one' '{"name":"gitea"}' \
		.releasekit/dist/python/a-1.0.0 .releasekit/dist/npm/b-2.0.0 >plan
	RK_TEST_KILL_AT=rel:uploaded run --separate-stderr rk-exec plan
	[ "$status" -eq 137 ] || fail "status $status: $output $stderr"
	run gitea_api GET /repos/rk/exec1/releases
	echo "$output" | jq -e 'length == 1 and .[0].draft == true and (.[0].assets | length == 1)'
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state == "succeeded"))[0].note ==
		"gitea release a-v1.0.0: 3 assets uploaded (4 there), published"'
	run gitea_api GET /repos/rk/exec1/releases
	echo "$output" >rels
	jq -e 'length == 1 and .[0].draft == false and .[0].tag_name == "a-v1.0.0" and .[0].body == "## 1.0.0\n\n- feat: one"' rels
	[ "$(jq -r '.[0].assets[].name' rels | sort | tr '\n' ' ')" = "SHA256SUMS a-1.0.0-py3-none-any.whl a-1.0.0.tar.gz b-2.0.0.tgz " ]
	# every asset's bytes, as Gitea serves them
	for n in a-1.0.0.tar.gz b-2.0.0.tgz SHA256SUMS; do
		u=$(jq -r --arg n "$n" '.[0].assets[] | select(.name == $n) | .browser_download_url' rels)
		curl -sf -o "../$n" "$u"
	done
	cmp ../a-1.0.0.tar.gz .releasekit/dist/python/a-1.0.0/a-1.0.0.tar.gz
	cmp ../b-2.0.0.tgz .releasekit/dist/npm/b-2.0.0/b-2.0.0.tgz
	grep -q "  a-1.0.0.tar.gz$" ../SHA256SUMS
	(cd .releasekit/dist/python/a-1.0.0 && grep -v b-2.0.0 ../../../../../SHA256SUMS | sha256sum -c --quiet)
	# again: nothing changes
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state == "succeeded"))[0].note == "already done: gitea release a-v1.0.0 with 4 assets"'
	run gitea_api GET /repos/rk/exec1/releases
	[ "$(echo "$output" | jq -S 'map(del(.assets[].download_count))')" = "$(jq -S 'map(del(.assets[].download_count))' rels)" ]
	no_canary
}
