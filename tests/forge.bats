#!/usr/bin/env bats
# Forge releases (issue 17) against the fakes of GitHub, GitLab and
# Bitbucket (tests/helpers/forgefake: their documented REST calls): the
# release executor finds the tag's release, creates a draft, uploads the
# artifacts and SHA256SUMS, promotes it; reruns change nothing; a SIGKILL
# between uploads is finished by a rerun; rate limits are waited out; the
# token never shows. The real Gitea: tests/gitea.bats.

load test_helper
load forge_helper

TOKEN=rk-canary-token-5f3e9a1c77

setup() {
	setup_common
	make_git_repo repo
	cd repo || return 1
	printf '.releasekit/\n' >.gitignore
	git add .gitignore
	git commit -q -m init
	mkdir -p .releasekit/dist/python/a-1.0.0 .releasekit/dist/npm/b-2.0.0
	printf 'wheel bytes\n' >.releasekit/dist/python/a-1.0.0/a-1.0.0-py3-none-any.whl
	printf 'sdist bytes, longer\n' >.releasekit/dist/python/a-1.0.0/a-1.0.0.tar.gz
	printf 'npm tarball\n' >.releasekit/dist/npm/b-2.0.0/b-2.0.0.tgz
}

teardown() { fake_stop; }

# the token appears nowhere: outputs, events, logs, the cache, the work tree
no_canary() {
	! grep -rl "$TOKEN" "$BATS_TEST_TMPDIR" --exclude=fake.pid 2>/dev/null | grep -v '/fake\.' ||
		fail "the token leaked: $(grep -rl "$TOKEN" "$BATS_TEST_TMPDIR")"
}

sums() { (cd "$1" && sha256sum -- *) ; }

@test "forge: github: draft created, artifacts and SHA256SUMS uploaded, promoted; a rerun changes nothing" {
	git remote add origin https://github.com/rk/mono.git
	fake_start github rk/mono "$TOKEN"
	export GITHUB_TOKEN=$TOKEN
	release_act release:python:a a-v1.0.0 $'## 1.0.0\n\n- feat: a' "{\"name\":\"github\",\"api\":\"$FAKE_URL\"}" \
		.releasekit/dist/python/a-1.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n%s\n' "$output" "$stderr" >out
	jq -e -s 'map(select(.kind=="event" and .action=="release:python:a" and .state=="succeeded"))[0].note ==
		"github release a-v1.0.0: created as a draft, 3 assets uploaded (3 there), published"' out
	run fake_state
	assert_success
	echo "$output" >state
	jq -e '.releases | length == 1' state
	jq -e '.releases[0] | .tag_name == "a-v1.0.0" and .name == "a-v1.0.0" and .draft == false and
		.body == "## 1.0.0\n\n- feat: a"' state
	jq -r '.releases[0].assets[].name' state | sort >names
	printf '%s\n' SHA256SUMS a-1.0.0-py3-none-any.whl a-1.0.0.tar.gz >want
	diff want names
	# each asset's bytes as uploaded; SHA256SUMS lists the artifacts
	for f in a-1.0.0-py3-none-any.whl a-1.0.0.tar.gz; do
		jq -e --arg n "$f" --arg h "$(sha256sum <.releasekit/dist/python/a-1.0.0/$f | cut -c1-64)" \
			'.releases[0].assets[] | select(.name == $n) | .sha256 == $h' state
	done
	diff <(sums .releasekit/dist/python/a-1.0.0) .releasekit/dist/release/a-v1.0.0/SHA256SUMS
	# the calls: list, create (draft), 3 uploads, promote
	jq -r '.requests[] | .method + " " + (.path | sub("\\?.*"; ""))' state >calls
	cat >want <<EOT
GET /repos/rk/mono/releases
POST /repos/rk/mono/releases
POST /uploads/repos/rk/mono/releases/1001/assets
POST /uploads/repos/rk/mono/releases/1001/assets
POST /uploads/repos/rk/mono/releases/1001/assets
PATCH /repos/rk/mono/releases/1001
EOT
	diff want calls
	# again: asked, nothing changed
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out2
	jq -e -s 'map(select(.kind=="event" and .action=="release:python:a" and .state=="succeeded"))[0].note ==
		"already done: github release a-v1.0.0 with 3 assets"' out2
	run fake_state
	assert_success
	echo "$output" | jq -e '(.releases | length == 1) and (.releases[0].assets | length == 3) and
		([.requests[] | select(.method != "GET")] | length == 5)'
	no_canary
}

@test "forge: github: the draft action makes a draft naming the commit its tag will name; release promotes it; a published one is left alone; gitlab and bitbucket skip it" {
	git remote add origin https://github.com/rk/mono.git
	fake_start github rk/mono "$TOKEN"
	export GITHUB_TOKEN=$TOKEN
	forge="{\"name\":\"github\",\"api\":\"$FAKE_URL\"}"
	secs='[{"name":"a","version":"1.0.0","notes":"## [1.0.0] - 2026-11-26\n\n- feat: a\n","changelog":"CHANGELOG.md"}]'
	RK_ACT_TYPE=draft RK_ACT_SECTIONS=$secs release_act draft:python:a a-v1.0.0 '' "$forge" >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s --arg h "$(git rev-parse HEAD)" 'map(select(.state=="succeeded"))[0].note ==
		"github release a-v1.0.0 created as a draft (target \($h[:12]))"' || fail "$output"
	run fake_state
	echo "$output" >state
	jq -e --arg h "$(git rev-parse HEAD)" '(.releases | length == 1) and (.releases[0] | .draft and .target_commitish == $h and
		.body == "## [1.0.0] - 2026-11-26\n\n- feat: a\n" and (.assets | length == 0))' state
	# a rerun: the draft is there; other notes (a changed section) are updated
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "already done: github draft release a-v1.0.0"'
	RK_ACT_TYPE=draft RK_ACT_SECTIONS=${secs/feat: a/feat: a, reworded} release_act draft:python:a a-v1.0.0 '' "$forge" >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "github draft release a-v1.0.0: notes updated"'
	# release: the assets, then published; the same release
	RK_ACT_SECTIONS=${secs/feat: a/feat: a, reworded} release_act release:python:a a-v1.0.0 '' "$forge" .releasekit/dist/python/a-1.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "github release a-v1.0.0: 3 assets uploaded (3 there), published"' || fail "$output"
	# the draft action again (a rerun of the whole plan): a published release is left alone
	RK_ACT_TYPE=draft RK_ACT_SECTIONS=$secs release_act draft:python:a a-v1.0.0 '' "$forge" >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "already published: github release a-v1.0.0"'
	run fake_state
	echo "$output" | jq -e '(.releases | length == 1) and (.releases[0].draft | not) and (.releases[0].body | contains("reworded")) and
		([.requests[] | select(.method == "PATCH")] | length == 2)'
	# a release commit GitHub does not have yet (made here, pushed with the
	# tags): GitHub refuses the target; the draft is made without one
	curl -sf -X POST -d '{"shas":["0000000000000000000000000000000000000000"]}' "$FAKE_URL/_fake/commits" >/dev/null
	RK_ACT_TYPE=draft RK_ACT_SECTIONS=$secs release_act draft:python:a a-v2.0.0 '' "$forge" >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note ==
		"github release a-v2.0.0 created as a draft (the forge does not have its commit yet: the tag names it when pushed)"' || fail "$output"
	run fake_state
	echo "$output" | jq -e '(.releases | length == 2) and (.releases | map(select(.tag_name == "a-v2.0.0"))[0] | .draft and .target_commitish == "main")'
	fake_stop
	# GitLab has no drafts, Bitbucket only Downloads: skipped, nothing asked
	git remote set-url origin https://gitlab.com/grp/mono.git
	fake_start gitlab grp/mono "$TOKEN"
	export GITLAB_TOKEN=$TOKEN
	RK_ACT_TYPE=draft release_act d a-v1.0.0 n "{\"name\":\"gitlab\",\"api\":\"$FAKE_URL/api/v4\"}" >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note ==
		"skipped: gitlab has no draft releases (the release is created complete after verify and the tag'"'"'s push)"'
	run fake_state
	echo "$output" | jq -e '(.releases | length == 0) and (.requests | length == 0)'
	no_canary
}

@test "forge: github: SIGKILL after the draft and after an upload; reruns finish one release with every asset once" {
	git remote add origin git@github.com:rk/mono.git
	fake_start github rk/mono "$TOKEN"
	export GITHUB_TOKEN=$TOKEN
	release_act rel a-v1.0.0 notes "{\"name\":\"github\",\"api\":\"$FAKE_URL\"}" \
		.releasekit/dist/python/a-1.0.0 .releasekit/dist/npm/b-2.0.0 >plan
	RK_TEST_KILL_AT=rel:created run --separate-stderr rk-exec plan
	[ "$status" -eq 137 ] || fail "status $status: $output $stderr"
	run fake_state
	echo "$output" | jq -e '(.releases | length == 1) and .releases[0].draft and (.releases[0].assets | length == 0)'
	RK_TEST_KILL_AT=rel:uploaded run --separate-stderr rk-exec plan
	[ "$status" -eq 137 ] || fail "status $status"
	run fake_state
	echo "$output" | jq -e '(.releases | length == 1) and .releases[0].draft and (.releases[0].assets | length == 1)'
	run --separate-stderr rk-exec plan
	assert_success
	run fake_state
	echo "$output" >state
	jq -e '(.releases | length == 1) and (.releases[0].draft == false)' state
	[ "$(jq -r '.releases[0].assets[].name' state | sort | uniq | wc -l)" = 4 ]
	[ "$(jq -r '.releases[0].assets | length' state)" = 4 ]
	no_canary
}

@test "forge: github: secondary (403 Retry-After) and primary (403 x-ratelimit-reset) limits are waited out" {
	git remote add origin https://github.com/rk/mono.git
	fake_start github rk/mono "$TOKEN"
	export GITHUB_TOKEN=$TOKEN
	release_act rel a-v1.0.0 notes "{\"name\":\"github\",\"api\":\"$FAKE_URL\"}" \
		.releasekit/dist/npm/b-2.0.0 >plan
	fake_fault '{"count":1,"kind":"secondary","seconds":1}'
	run --separate-stderr rk-exec plan
	assert_success
	ev1=$output
	jq -r 'select(.kind=="event" and .state=="failed" or .state=="retrying")' <<<"$output" | grep -q . && fail "$output"
	echo "$output" | jq -e -s 'map(select(.kind=="event" and .action=="rel" and .state=="succeeded")) | length == 1'
	run fake_state
	echo "$output" >state
	jq -e '.faults | length == 1' state
	# the wait was logged (the attempt's stderr, in the CAS) with the server's reason
	e=$(jq -r 'select(.kind=="event" and .state=="succeeded") | .stderr_digest' <<<"$ev1")
	grep -q "waiting 1.000 s (retry-after, Retry-After) after HTTP 403 from GET $FAKE_URL/repos/rk/mono/releases" \
		"$RK_CACHE_DIR/cas/${e:0:2}/$e"
	# primary: remaining 0 and a reset moment; the next request after it succeeds
	fake_fault '{"count":1,"kind":"primary","seconds":2}'
	run --separate-stderr rk-exec plan
	assert_success
	run fake_state
	echo "$output" | jq -e '(.faults | length == 2) and (.releases | length == 1)'
	# the retried request came after the reset moment (the fake's own clock)
	echo "$output" | jq -e '.faults[1] as $f | [.requests[] | select(.time > $f.time)] | length >= 1'
}

@test "forge: gitlab: release with asset links (uploads), notes updated on a rerun after a change" {
	git remote add origin https://gitlab.com/grp/sub/mono.git
	fake_start gitlab grp/sub/mono "$TOKEN"
	export GITLAB_TOKEN=$TOKEN
	release_act rel a-v1.0.0 'notes one' "{\"name\":\"gitlab\",\"api\":\"$FAKE_URL/api/v4\"}" \
		.releasekit/dist/python/a-1.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note | startswith("gitlab release a-v1.0.0: created")'
	run fake_state
	echo "$output" >state
	jq -e '(.releases | length == 1) and .releases[0].body == "notes one" and (.releases[0].assets | length == 3)' state
	jq -e --arg u "$FAKE_URL/-/project/1/uploads/" '.releases[0].assets | all(.url | startswith($u))' state
	jq -e --arg h "$(sha256sum <.releasekit/dist/python/a-1.0.0/a-1.0.0.tar.gz | cut -c1-64)" \
		'.releases[0].assets[] | select(.name == "a-1.0.0.tar.gz") | .sha256 == $h' state
	# other notes: updated in place, nothing uploaded again
	release_act rel a-v1.0.0 'notes two' "{\"name\":\"gitlab\",\"api\":\"$FAKE_URL/api/v4\"}" \
		.releasekit/dist/python/a-1.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "gitlab release a-v1.0.0: notes updated, 0 assets uploaded (3 there)"'
	run fake_state
	echo "$output" | jq -e '(.releases | length == 1) and .releases[0].body == "notes two" and (.releases[0].assets | length == 3)'
	no_canary
}

@test "forge: bitbucket: artifacts and SHA256SUMS-TAG to Downloads; a rerun uploads nothing" {
	git remote add origin https://bitbucket.org/ws/mono.git
	fake_start bitbucket ws/mono "$TOKEN"
	export BITBUCKET_TOKEN=$TOKEN
	release_act rel b-v2.0.0 notes "{\"name\":\"bitbucket\",\"api\":\"$FAKE_URL/2.0\"}" \
		.releasekit/dist/npm/b-2.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	run fake_state
	echo "$output" | jq -e '[.releases[0].assets[].name] | sort == ["SHA256SUMS-b-v2.0.0", "b-2.0.0.tgz"]'
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "already done: bitbucket release b-v2.0.0 with 2 assets"'
	no_canary
}

@test "forge: self-hosted: forge(host = ...) from RELEASE.star names the kind of that host only; CI jobs (GitHub Enterprise Server, GitLab CI) are recognised from their environment" {
	fake_start gitlab grp/mono "$TOKEN"
	export GITLAB_TOKEN=$TOKEN
	# the record as rk-config writes it (git.example.com's API: the fake)
	printf 'forge(name = "gitlab", host = "git.example.com", api = "%s/api/v4")\n' "$FAKE_URL" >RELEASE.star
	run --separate-stderr rk-config
	assert_success
	forge=$(echo "$output" | jq -c 'select(.rule == "forge")')
	echo "$forge" | jq -e '.host == "git.example.com"'
	git remote add origin https://git.example.com/grp/mono.git
	release_act rel a-v1.0.0 'notes' "$forge" .releasekit/dist/npm/b-2.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "gitlab release a-v1.0.0: created, 2 assets uploaded (2 there)"' || fail "$output"
	run fake_state
	echo "$output" | jq -e '(.releases | length == 1) and .releases[0].tag_name == "a-v1.0.0"'
	# ssh remotes and other letter cases name the same host
	git remote set-url origin git@GIT.example.com:grp/mono.git
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note | startswith("already done: gitlab release a-v1.0.0")'
	# a remote on another host: the record is not its (an unknown host is no forge)
	git remote set-url origin https://git.example.org/grp/mono.git
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "skipped: origin is not a known forge (no release page to create)"'
	# GitLab CI on that host, no record: CI_SERVER_URL's host, CI_API_V4_URL, the job token
	git remote set-url origin https://gitlab-ci-token:x@gitlab.example.net/grp/mono.git
	unset GITLAB_TOKEN
	release_act rel a-v1.0.1 'notes' null .releasekit/dist/npm/b-2.0.0 >plan
	CI_SERVER_URL=https://gitlab.example.net CI_API_V4_URL=$FAKE_URL/api/v4 CI_JOB_TOKEN=$TOKEN \
		run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note | startswith("gitlab release a-v1.0.1: created")' || fail "$output"
	run fake_state
	echo "$output" | jq -e '(.releases | length == 2) and any(.requests[]; .path | startswith("/api/v4/projects/grp%2Fmono/releases"))'
	# not on that host: nothing
	CI_SERVER_URL=https://gitlab.example.com CI_API_V4_URL=$FAKE_URL/api/v4 CI_JOB_TOKEN=$TOKEN \
		run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note | startswith("skipped")'
	fake_stop
	# a GitHub Enterprise Server runner: GITHUB_SERVER_URL and GITHUB_API_URL
	fake_start github rk/mono "$TOKEN"
	git remote set-url origin git@ghe.example.com:rk/mono.git
	release_act rel a-v1.0.0 'notes' null .releasekit/dist/npm/b-2.0.0 >plan
	GITHUB_SERVER_URL=https://ghe.example.com GITHUB_API_URL=$FAKE_URL GITHUB_TOKEN=$TOKEN \
		run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "github release a-v1.0.0: created as a draft, 2 assets uploaded (2 there), published"' || fail "$output"
	run fake_state
	echo "$output" | jq -e '(.releases | length == 1) and (.releases[0].draft | not)'
	no_canary
}

@test "forge: no token, a token written into the config, an unknown forge, a remote that is no forge" {
	git remote add origin https://github.com/rk/mono.git
	unset GITHUB_TOKEN
	release_act rel a-v1.0.0 n '{"name":"github","api":"http://127.0.0.1:9"}' .releasekit/dist/npm/b-2.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	echo "$output" | jq -e -s 'map(select(.state=="failed"))[0].reason == "github release: no token (set GITHUB_TOKEN)"'
	release_act rel a-v1.0.0 n "{\"name\":\"github\",\"token\":\"$TOKEN\"}" .releasekit/dist/npm/b-2.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	echo "$output" | jq -e -s 'map(select(.state=="failed"))[0].reason == "forge: token must be secret(\"NAME\"), never the token itself"'
	release_act rel a-v1.0.0 n '{"name":"sourcehut"}' .releasekit/dist/npm/b-2.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	echo "$output" | jq -e -s 'map(select(.state=="failed"))[0].reason == "forge: unknown name '"'"'sourcehut'"'"'"'
	git remote set-url origin https://example.org/rk/mono.git
	release_act rel a-v1.0.0 n null .releasekit/dist/npm/b-2.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" | jq -e -s 'map(select(.state=="succeeded"))[0].note == "skipped: origin is not a known forge (no release page to create)"'
}

# exec_note PLAN NOTE: rk-exec runs PLAN, succeeds, and its action's note is NOTE
exec_note() {
	run --separate-stderr rk-exec "$1"
	assert_success
	echo "$output" | jq -e -s --arg n "$2" 'map(select(.state == "succeeded"))[0].note == $n' >/dev/null ||
		fail "$output"
}

# fake_is JQ: the fake's state (releases, uploads, requests) satisfies JQ
fake_is() {
	run fake_state
	assert_success
	echo "$output" | jq -e "$1" >/dev/null || fail "$output"
}

# release_with JQ ID TAG NOTES FORGE DIST...: release_act's action, edited by JQ, into plan
release_with() {
	local edit=$1
	shift
	release_act "$@" >plan0
	jq -c "$edit" plan0 >plan
}

@test "forge: github: release_draft leaves the release a draft (assets uploaded, never promoted), a rerun changes nothing, one published by hand is left alone; release_artifacts = False uploads nothing and publishes the notes" {
	git remote add origin https://github.com/rk/mono.git
	fake_start github rk/mono "$TOKEN"
	export GITHUB_TOKEN=$TOKEN
	forge="{\"name\":\"github\",\"api\":\"$FAKE_URL\"}"
	release_with '.params.draft = true' release:python:a a-v1.0.0 $'## 1.0.0\n\n- feat: a' "$forge" .releasekit/dist/python/a-1.0.0
	exec_note plan "github release a-v1.0.0: created as a draft, 3 assets uploaded (3 there), left a draft (release_draft): publish it by hand"
	# the server's side: one draft with the notes and every asset; no promotion asked
	fake_is '(.releases | length == 1) and (.releases[0] | .draft == true and .body == "## 1.0.0\n\n- feat: a" and (.assets | length == 3))'
	fake_is '[.requests[] | select(.method == "PATCH")] | length == 0'
	# again: nothing changes, still a draft
	exec_note plan "already done: github release a-v1.0.0 with 3 assets, left a draft (release_draft): publish it by hand"
	fake_is '(.releases[0].draft == true) and ([.requests[] | select(.method != "GET")] | length == 4)'
	# the user publishes it by hand: a rerun leaves it published
	curl -sf -X PATCH -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d '{"draft":false}' "$FAKE_URL/repos/rk/mono/releases/1001" >/dev/null
	exec_note plan "already done: github release a-v1.0.0 with 3 assets, published already (by hand: left alone)"
	fake_is '(.releases | length == 1) and .releases[0].draft == false'
	# release_artifacts = False: the release is made and published with its notes, no asset
	release_with '.params.artifacts = false | del(.params.dists)' release:python:a a-v1.1.0 $'## 1.1.0\n\n- feat: b' "$forge" .releasekit/dist/python/a-1.0.0
	exec_note plan "github release a-v1.1.0: created as a draft, no assets (release_artifacts is False), published"
	fake_is '.releases[] | select(.tag_name == "a-v1.1.0") | .draft == false and .body == "## 1.1.0\n\n- feat: b" and (.assets | length == 0)'
	fake_is '[.requests[] | select(.path | startswith("/uploads"))] | length == 3'
	[ ! -e .releasekit/dist/release/a-v1.1.0 ]
	exec_note plan "already done: github release a-v1.1.0, no assets (release_artifacts is False)"
	no_canary
}

@test "forge: release_draft on a forge without drafts (GitLab) makes nothing public; release_artifacts = False on Bitbucket (Downloads only) uploads nothing" {
	git remote add origin https://example.invalid/x.git
	# kind, repository, the API root's path, the params' edit, the note
	while IFS='@' read -r kind repo api edit note; do
		git remote set-url origin "https://$kind.org/$repo.git"
		fake_start "$kind" "$repo" "$TOKEN"
		export GITLAB_TOKEN=$TOKEN BITBUCKET_TOKEN=$TOKEN
		release_with "$edit" rel a-v1.0.0 'notes' "{\"name\":\"$kind\",\"api\":\"$FAKE_URL$api\"}" .releasekit/dist/npm/b-2.0.0
		exec_note plan "$note"
		# nothing asked of the forge, nothing made
		fake_is '(.releases | length == 0) and (.uploads | length == 0) and (.requests | length == 0)'
		fake_stop
	done <<'EOT'
gitlab@grp/mono@/api/v4@.params.draft = true@skipped: gitlab has no draft releases and release_draft is True (nothing made public: make the release of a-v1.0.0 by hand)
bitbucket@ws/mono@/2.0@.params.artifacts = false | del(.params.dists)@skipped: bitbucket keeps only Downloads (no release pages) and release_artifacts is False
EOT
	# GitLab's draft action says so too, and asks nothing (nothing listens at its API)
	git remote set-url origin https://gitlab.com/grp/mono.git
	RK_ACT_TYPE=draft release_with '.params.draft = true' d a-v1.0.0 n '{"name":"gitlab","api":"http://127.0.0.1:9"}'
	exec_note plan "skipped: gitlab has no draft releases (and release_draft is True: release makes nothing public)"
	no_canary
}
