#!/usr/bin/env bats
# Forge releases and the release pull request against a real Gitea (issue
# 17): .tools/gitea/gitea (scripts/bootstrap builds it from the Go module
# proxy), started once for the file on 127.0.0.1 (tests/gitea_helper.bash).

load test_helper
load gitea_helper
load forge_helper
load registries_helper
load publish_helper

setup_file() {
	gitea_start
	registries_start
}
teardown_file() {
	gitea_stop
	registries_stop
}
setup() {
	setup_common
	gitea_env
	registries_env
}

# gmono NAME PREFIX: the three-ecosystem fixture (publish_helper) with forge(name =
# "gitea") and origin = the Gitea repository rk/NAME, main pushed
gmono() {
	url=$(gitea_repo "$1")
	make_mono repo "$2"
	printf 'forge(name = "gitea")\n' >>repo/RELEASE.star
	git -C repo commit -q -am "chore: forge"
	# released once already (tags at the manifests' versions), then a
	# feature in each package: this release is a minor bump of each
	(cd repo && set -o pipefail && rk-discover --no-stdin | jq -r 'select(.kind == "package") | "\(.name)-v\(.version)"' |
		while read -r t; do git tag "$t"; done)
	echo '# next' >>"repo/py/packages/core/src/${2}_core/__init__.py"
	echo '# next' >>"repo/py/packages/cli/src/${2}_cli/__init__.py"
	echo '// next' >>repo/js/web-core/index.js
	echo '// next' >>repo/js/web-ui/index.js
	echo '// next' >>repo/rs/crates/fast/src/lib.rs
	echo '// next' >>repo/rs/crates/fastcli/src/main.rs
	git -C repo commit -q -am "feat: next"
	git -C repo remote add origin "$url"
	cd repo
	push_main
	gitea_wait_pushed "$1"
}

# gtrain NAME PREFIX: two npm packages, @PREFIX/a and @PREFIX/b (no
# workspace), released in lockstep under one tag v{version} (a release
# train with versioning fixed), forge(name = "gitea"), origin = rk/NAME;
# released once (v1.0.0), then a feature in a and a fix in b
gtrain() {
	url=$(gitea_repo "$1")
	make_git_repo repo
	mkdir -p repo/js/a repo/js/b
	for p in a b; do
		echo "{\"name\":\"@$2/$p\",\"version\":\"1.0.0\",\"main\":\"index.js\"}" >"repo/js/$p/package.json"
		echo "module.exports = \"$p\";" >"repo/js/$p/index.js"
	done
	printf 'release_train(versioning = "fixed", tag_format = "v{version}")\nforge(name = "gitea")\n' >repo/RELEASE.star
	printf '.releasekit/\n' >repo/.gitignore
	git -C repo add -A
	git -C repo commit -q -m "feat: initial"
	git -C repo tag v1.0.0
	echo '// more' >>repo/js/a/index.js
	git -C repo commit -q -am "feat(a): more in a"
	echo '// fixed' >>repo/js/b/index.js
	git -C repo commit -q -am "fix(b): a fix in b"
	git -C repo remote add origin "$url"
	cd repo
	push_main
	git -c http.extraHeader="Authorization: token $GITEA_TOKEN" push -q origin v1.0.0
	gitea_wait_pushed "$1"
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
	gitea_wait_tag exec1 a-v1.0.0
	mkdir -p .releasekit/dist/python/a-1.0.0 .releasekit/dist/npm/b-2.0.0
	head -c 300000 /dev/urandom >.releasekit/dist/python/a-1.0.0/a-1.0.0.tar.gz
	printf 'wheel\n' >.releasekit/dist/python/a-1.0.0/a-1.0.0-py3-none-any.whl
	printf 'tgz\n' >.releasekit/dist/npm/b-2.0.0/b-2.0.0.tgz
	release_act rel a-v1.0.0 $'## 1.0.0\n\n- feat: one' '{"name":"gitea"}' \
		.releasekit/dist/python/a-1.0.0 .releasekit/dist/npm/b-2.0.0 >plan
	RK_TEST_KILL_AT=rel:uploaded run --separate-stderr rk-exec plan
	[ "$status" -eq 137 ] || fail "status $status: $output $stderr"
	run gitea_api GET /repos/rk/exec1/releases
	echo "$output" | jq -e 'length == 1 and .[0].draft == true and (.[0].assets | length == 1)' || fail "$output"
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state == "succeeded"))[0].note ==
		"gitea release a-v1.0.0: 3 assets uploaded (4 there), published"' || fail "$output"
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
	[ "$(echo "$output" | jq -S 'sort_by(.id) | map(del(.assets[].download_count) | .assets |= sort_by(.id))')" = "$(jq -S 'sort_by(.id) | map(del(.assets[].download_count) | .assets |= sort_by(.id))' rels)" ]
	no_canary
}

@test "gitea: a Gitea Actions job is recognised from its environment (GITEA_ACTIONS, GITHUB_SERVER_URL, GITHUB_API_URL) with no forge() in the config" {
	url=$(gitea_repo ci1)
	make_git_repo repo
	cd repo
	printf '.releasekit/\n' >.gitignore
	git add .gitignore
	git commit -q -m init
	git tag c-v1.0.0
	git remote add origin "$url"
	push_main
	git -c http.extraHeader="Authorization: token $GITEA_TOKEN" push -q origin c-v1.0.0
	gitea_wait_pushed ci1
	gitea_wait_tag ci1 c-v1.0.0
	mkdir -p .releasekit/dist/npm/c-1.0.0
	printf 'tgz\n' >.releasekit/dist/npm/c-1.0.0/c-1.0.0.tgz
	release_act rel c-v1.0.0 'notes' null .releasekit/dist/npm/c-1.0.0 >plan
	# outside the job: 127.0.0.1 is no known forge
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state == "succeeded"))[0].note | startswith("skipped: origin is not a known forge")'
	GITEA_ACTIONS=true GITHUB_SERVER_URL=$GITEA_URL/ GITHUB_API_URL=$GITEA_URL/api/v1 run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state == "succeeded"))[0].note == "gitea release c-v1.0.0: created as a draft, 2 assets uploaded (2 there), published"' || fail "$output"
	run gitea_api GET /repos/rk/ci1/releases
	echo "$output" | jq -e 'length == 1 and .[0].draft == false and (.[0].assets | length == 2)'
	no_canary
}

@test "gitea: releasekit release of a three-ecosystem monorepo: one release per tag, notes = changelog sections, artifacts and checksums; a rerun changes nothing" {
	gmono mono1 gt1
	run releasekit release
	assert_success
	echo "$output" >../out
	grep -q '^ok      push:tags  pushed' ../out || fail "$output"
	run gitea_api GET "/repos/rk/mono1/releases?limit=50"
	echo "$output" >../rels
	ntags=$(git tag --points-at HEAD | wc -l)
	[ "$(jq length ../rels)" = "$ntags" ] || fail "$(jq -r '.[].tag_name' ../rels) vs $(git tag)"
	jq -e 'all(.[]; .draft == false)' ../rels || fail "$(jq -c '.[] | [.tag_name, .draft, (.assets | length)]' ../rels) $(cat ../out)"
	# every built package's artifacts and the checksums; the private root package has none
	jq -e 'all(.[] | select(.tag_name | startswith("gt1-mono") | not);
		(.assets | length >= 2) and any(.assets[]; .name == "SHA256SUMS"))' ../rels
	jq -e '.[] | select(.tag_name == "gt1-fast-v0.3.0") | [.assets[].name] | sort == ["SHA256SUMS", "gt1-fast-0.3.0.crate"]' ../rels
	# the notes are the changelog sections the release wrote
	jq -e '.[] | select(.tag_name == "gt1-core-v0.2.0") | .body | length > 0' ../rels
	body=$(jq -r '.[] | select(.tag_name == "gt1-core-v0.2.0") | .body' ../rels)
	grep -qF -- "$(printf '%s\n' "$body" | sed -n 3p)" py/packages/core/CHANGELOG.md
	# again: nothing changes on the forge
	run releasekit release
	assert_success
	echo "$output" | grep -q '^ok      release:python:gt1-core  already done: gitea release gt1-core-v0.2.0' || fail "$output"
	run gitea_api GET "/repos/rk/mono1/releases?limit=50"
	# (created_at and published_at are Gitea's: it resets them to the tag's
	# commit time when it syncs the pushed tags, in its own time)
	norm='sort_by(.id) | map(del(.created_at, .published_at, .assets[].download_count) | .assets |= sort_by(.id))'
	diff <(jq -S "$norm" ../rels) <(echo "$output" | jq -S "$norm")
	no_canary
}

@test "gitea: the release pull request: opened, updated by the next run, closed when nothing is pending; publish after the merge releases what it said" {
	gmono mono2 gt2
	run releasekit prepare --branch release --pr
	assert_success
	echo "$output" | grep -q '^ok      release_pr  opened pull request #1 (release into main)' || fail "$output"
	run gitea_api GET "/repos/rk/mono2/pulls?state=open"
	echo "$output" >../prs
	jq -e 'length == 1 and .[0].head.ref == "release" and .[0].base.ref == "main"' ../prs
	jq -e '.[0].title | startswith("chore(release)")' ../prs
	jq -r '.[0].body' ../prs | grep -q '^| gt2-core | python | 0.1.0 | 0.2.0 | gt2-core-v0.2.0 |$'
	jq -r '.[0].body' ../prs | grep -q '^## Changelog$'
	# a new change on main: the next run rebuilds the branch and updates the same pull request
	git checkout -q main
	echo 'MORE = 1' >>py/packages/core/src/gt2_core/__init__.py
	git commit -q -am "feat: more core"
	push_main
	run releasekit prepare --branch release --pr
	assert_success
	echo "$output" | grep -q '^ok      release_pr  updated pull request #1 (branch force-pushed)' || fail "$output"
	run gitea_api GET "/repos/rk/mono2/pulls?state=all"
	echo "$output" | jq -e 'length == 1 and .[0].state == "open"'
	[ "$(gitea_api GET /repos/rk/mono2/branches/release | jq -r .commit.id)" = "$(git rev-parse release)" ]
	# merged (fast-forward: main's head is the release commit), then published from main
	gitea_merge mono2 1
	git checkout -q main
	git -c http.extraHeader="Authorization: token $GITEA_TOKEN" pull -q --ff-only origin main
	[ "$(git rev-parse HEAD)" = "$(git rev-parse release)" ]
	run releasekit publish
	assert_success
	run gitea_api GET "/repos/rk/mono2/releases?limit=50"
	echo "$output" | jq -e 'any(.[]; .tag_name == "gt2-core-v0.2.0" and .draft == false)'
	[ "$(echo "$output" | jq length)" = "$(git tag --points-at HEAD | wc -l)" ]
	# nothing pending: --pr closes an open release pull request
	echo 'x = 1' >>py/packages/core/src/gt2_core/__init__.py
	git commit -q -am "fix: core again"
	push_main
	run releasekit prepare --branch release --pr
	assert_success
	# released another way (a release commit made on main): nothing is pending
	git checkout -q main
	run releasekit prepare
	assert_success
	run releasekit prepare --branch release --pr
	assert_success
	echo "$output" | grep -q 'nothing to prepare: HEAD is a release commit' || fail "$output"
	echo "$output" | grep -q '^ok      release_pr  nothing pending: closed pull request #2' || fail "$output"
	run gitea_api GET "/repos/rk/mono2/pulls?state=open"
	echo "$output" | jq -e 'length == 0'
	no_canary
}

@test "gitea: a lockstep train's one release has every package's section; a failed publish leaves a draft (made before the build), never a published release; the rerun promotes that same release" {
	gtrain train1 gtt
	good=$NPM_TOKEN
	# the registry refuses the uploads (a wrong token): the release stops after the draft
	NPM_TOKEN=not-the-registry-token run releasekit release
	assert_failure
	echo "$output" >../out1
	grep -q '^ok      draft:npm:@gtt/a  gitea release v1.1.0 created as a draft (target ' ../out1 || fail "$output"
	grep -q 'publish:npm:@gtt/' ../out1 || fail "$output"
	! grep -q '^ok      \(push:tags\|release:\)' ../out1 || fail "$output"
	run gitea_api GET "/repos/rk/train1/releases?limit=50"
	echo "$output" >../rels1
	jq -e 'length == 1 and .[0].tag_name == "v1.1.0" and .[0].name == "v1.1.0" and .[0].draft == true and (.[0].assets | length == 0)' ../rels1 ||
		fail "$(cat ../rels1)"
	# the notes: a heading per package of the train over its changelog section
	a=$(git rev-parse --short=7 HEAD~2) b=$(git rev-parse --short=7 HEAD~1)
	printf '## @gtt/a 1.1.0\n\n### Features\n\n- **a:** more in a (%s)\n\n## @gtt/b 1.1.0\n\n### Bug Fixes\n\n- **b:** a fix in b (%s)\n' "$a" "$b" >../want
	jq -j '.[0].body' ../rels1 >../body1
	diff ../want ../body1 || diff <(sed -e '$a\' ../want) <(sed -e '$a\' ../body1)
	# nothing was published under the tag: it is not on the forge
	run git -c http.extraHeader="Authorization: token $GITEA_TOKEN" ls-remote --tags origin v1.1.0
	assert_success
	[ -z "$output" ] || fail "$output"
	# fixed: the rerun finishes the same release (publish only: HEAD is the release commit)
	NPM_TOKEN=$good run releasekit release
	assert_success
	echo "$output" >../out2
	grep -q '^ok      draft:npm:@gtt/a  already done: gitea draft release v1.1.0' ../out2 || fail "$output"
	# (Gitea publishes a draft itself when it syncs the pushed tag, in its
	# own time: the release action may find it published already)
	grep -q '^ok      release:npm:@gtt/a  gitea release v1.1.0: 3 assets uploaded (3 there)\(, published\)\?$' ../out2 || fail "$output"
	run gitea_api GET "/repos/rk/train1/releases?limit=50"
	echo "$output" >../rels2
	jq -e --argjson id "$(jq '.[0].id' ../rels1)" 'length == 1 and .[0].id == $id and .[0].draft == false and .[0].tag_name == "v1.1.0"' ../rels2 ||
		fail "$(cat ../rels2)"
	[ "$(jq -r '.[0].body' ../rels2)" = "$(jq -r '.[0].body' ../rels1)" ]
	[ "$(jq -r '[.[0].assets[].name] | sort | join(" ")' ../rels2)" = "SHA256SUMS gtt-a-1.1.0.tgz gtt-b-1.1.0.tgz" ] || fail "$(jq -c '[.[0].assets[].name]' ../rels2)"
	# again: the published release is left alone by the draft action, nothing changes
	run releasekit release
	assert_success
	run releasekit publish
	assert_success
	echo "$output" | grep -q '^ok      draft:npm:@gtt/a  already published: gitea release v1.1.0' || fail "$output"
	no_canary
}

# gtrain_with NAME PREFIX SETTINGS: gtrain with more release_train settings
gtrain_with() {
	gtrain "$1" "$2"
	sed -i "s/^release_train(versioning = \"fixed\", /release_train($3, versioning = \"fixed\", /" RELEASE.star
	grep -q "release_train($3, " RELEASE.star
	git commit -q -am "chore: release settings"
	push_main
}

# release_ok OUT PATTERN...: releasekit release succeeds; its output (in OUT) has a line
# matching each grep PATTERN
release_ok() {
	local out=$1 pat
	shift
	run releasekit release
	assert_success
	echo "$output" >"$out"
	for pat in "$@"; do
		grep -q -- "$pat" "$out" || fail "no '$pat' in: $output"
	done
}

# gitea_rels REPO FILE: the releases of rk/REPO, as Gitea lists them, into FILE
gitea_rels() {
	run gitea_api GET "/repos/rk/$1/releases?limit=50"
	assert_success
	echo "$output" >"$2"
}

@test "gitea: release_train(release_draft = True): the release is left a draft with its notes and assets (Gitea's publish on the tag's sync undone); a rerun changes nothing; published by hand, it is left alone" {
	gtrain_with draft1 gtd 'release_draft = True'
	release_ok ../out1 '^ok      push:tags  pushed' \
		'^ok      release:npm:@gtd/a  gitea release v1.1.0: 3 assets uploaded (3 there), left a draft (release_draft; put back after the tag.s sync published it): publish it by hand$'
	# the server's side: one draft, the notes, every asset; the tag pushed
	gitea_rels draft1 ../rels1
	jq -e 'length == 1 and .[0].tag_name == "v1.1.0" and .[0].draft == true' ../rels1 || fail "$(cat ../rels1)"
	[ "$(jq -r '[.[0].assets[].name] | sort | join(" ")' ../rels1)" = "SHA256SUMS gtd-a-1.1.0.tgz gtd-b-1.1.0.tgz" ] || fail "$(cat ../rels1)"
	jq -r '.[0].body' ../rels1 | grep -q '^## @gtd/a 1.1.0$'
	run git -c http.extraHeader="Authorization: token $GITEA_TOKEN" ls-remote --tags origin v1.1.0
	assert_success
	[ -n "$output" ]
	# Gitea syncs no tag again: it stays a draft
	sleep 1
	run gitea_api GET "/repos/rk/draft1/releases?limit=50"
	echo "$output" | jq -e '.[0].draft == true'
	# again: nothing changes
	run releasekit publish
	assert_success
	echo "$output" | grep -q '^ok      release:npm:@gtd/a  already done: gitea release v1.1.0 with 3 assets, left a draft (release_draft): publish it by hand$' || fail "$output"
	run gitea_api GET "/repos/rk/draft1/releases?limit=50"
	echo "$output" | jq -e --argjson id "$(jq '.[0].id' ../rels1)" 'length == 1 and .[0].id == $id and .[0].draft == true'
	# the user publishes it: a rerun leaves it published
	run gitea_api PATCH "/repos/rk/draft1/releases/$(jq '.[0].id' ../rels1)" '{"draft":false}'
	echo "$output" | jq -e '.draft == false'
	run releasekit publish
	assert_success
	echo "$output" | grep -q '^ok      release:npm:@gtd/a  already done: gitea release v1.1.0 with 3 assets, published already (by hand: left alone)$' || fail "$output"
	run gitea_api GET "/repos/rk/draft1/releases?limit=50"
	echo "$output" | jq -e 'length == 1 and .[0].draft == false'
	no_canary
}

@test "gitea: release_train(create_release = False) plans no draft or release and Gitea has no release; release_artifacts = False publishes the notes with no asset" {
	gtrain_with norel1 gtn 'create_release = False'
	release_ok ../out1 '^ok      push:tags  pushed'
	! grep -q '^[a-z]* *\(draft\|release\):' ../out1 || fail "$output"
	run gitea_api GET "/repos/rk/norel1/releases?limit=50"
	echo "$output" | jq -e 'length == 0' || fail "$output"
	# the changelog's compare link is Gitea's own (its host, its shape), and Gitea serves it
	link=$(sed -n 's/^\[1\.1\.0\]: //p' js/a/CHANGELOG.md)
	[ "$link" = "$GITEA_URL/rk/norel1/compare/v1.0.0...v1.1.0" ] || fail "$(cat js/a/CHANGELOG.md)"
	curl -sf -o /dev/null "$link"
	gitea_wait_tag norel1 v1.1.0 # a first release's link: the tag's page, once Gitea has synced it
	! curl -sf -o /dev/null "$GITEA_URL/rk/norel1/compare/v0.0.9...v1.1.0" || fail "Gitea served a compare of a tag it has not"
	cd ..
	rm -rf repo
	gtrain_with noart1 gtna 'release_artifacts = False'
	release_ok ../out2 '^ok      release:npm:@gtna/a  gitea release v1.1.0: no assets (release_artifacts is False)\(, published\)\?$'
	gitea_rels noart1 ../rels2
	jq -e 'length == 1 and .[0].tag_name == "v1.1.0" and .[0].draft == false and (.[0].assets | length == 0)' ../rels2 || fail "$(cat ../rels2)"
	jq -r '.[0].body' ../rels2 | grep -q '^## @gtna/b 1.1.0$'
	[ ! -e .releasekit/dist/release/v1.1.0/SHA256SUMS ]
	no_canary
}
