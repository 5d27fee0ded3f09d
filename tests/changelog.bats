#!/usr/bin/env bats
# Changelog compare links on every forge the release knows (issue 17): the
# public hosts, self-hosted Gitea/Forgejo, GitLab and GitHub Enterprise
# named by forge(name, host) in RELEASE.star or recognised from a CI job's
# environment, each under its own host and in its own URL shapes.

load test_helper

setup() {
	setup_common
	unset GITHUB_SERVER_URL GITHUB_API_URL GITEA_ACTIONS FORGEJO_ACTIONS CI_SERVER_URL CI_API_V4_URL
}

tb() { t_helper t-backend "$@"; }

@test "changelog links: self-hosted forges named by forge(name, host) get their own host and shapes; a record for another host or name none gives none" {
	while read -r url prev tag cfg exp; do
		run tb "$BATS_TEST_TMPDIR" forge-cfg "$url" "$prev" "$tag" "$cfg"
		assert_success
		[ "$output" = "$exp" ] || fail "$url $cfg: $output"
	done <<'EOT'
https://code.quokka-forge.test/acme/mono.git v1.0.0 v1.1.0 {"name":"gitea","host":"code.quokka-forge.test"} https://code.quokka-forge.test/acme/mono/compare/v1.0.0...v1.1.0
git@code.quokka-forge.test:acme/mono.git - core-v1.0.0 {"name":"gitea","host":"code.quokka-forge.test"} https://code.quokka-forge.test/acme/mono/releases/tag/core-v1.0.0
http://127.0.0.1:3000/rk/mono.git a-v1 a-v2 {"name":"gitea"} http://127.0.0.1:3000/rk/mono/compare/a-v1...a-v2
https://CODE.Quokka-Forge.test:8443/acme/mono v1 v2 {"name":"gitea","host":"code.quokka-forge.test"} https://code.quokka-forge.test:8443/acme/mono/compare/v1...v2
ssh://git@git.wombat.test:2222/grp/sub/proj.git v1 v2 {"name":"gitlab","host":"git.wombat.test"} https://git.wombat.test/grp/sub/proj/-/compare/v1...v2
https://git.wombat.test/grp/proj - v2 {"name":"gitlab","host":"git.wombat.test"} https://git.wombat.test/grp/proj/-/tags/v2
https://user:secret@ghe.numbat.test/acme/mono.git v1 v2 {"name":"github","host":"ghe.numbat.test"} https://ghe.numbat.test/acme/mono/compare/v1...v2
git@ghe.numbat.test:acme/mono.git - v2 {"name":"github"} https://ghe.numbat.test/acme/mono/releases/tag/v2
https://ghe.numbat.test/a/b/c.git v1 v2 {"name":"github"} none
https://other.numbat.test/acme/mono.git v1 v2 {"name":"gitea","host":"code.quokka-forge.test"} none
https://github.com/acme/mono.git v1 v2 {"name":"gitea","host":"code.quokka-forge.test"} https://github.com/acme/mono/compare/v1...v2
https://github.com/acme/mono.git v1 v2 {"name":"none"} none
EOT
	# the default of forge(): a record with nulls, as rk-config writes it
	run tb "$BATS_TEST_TMPDIR" forge-cfg https://code.quokka-forge.test/acme/mono v1 v2 '{"name":"gitea","api":null,"token":null,"host":null}'
	assert_success
	assert_output https://code.quokka-forge.test/acme/mono/compare/v1...v2
}

@test "changelog links: CI jobs' servers (GitHub Enterprise, Gitea and Forgejo Actions, GitLab CI with a relative URL root) with no forge() record" {
	GITHUB_SERVER_URL=https://ghe.numbat.test GITHUB_API_URL=https://ghe.numbat.test/api/v3 \
		run tb "$BATS_TEST_TMPDIR" forge git@ghe.numbat.test:acme/mono.git v1 v2
	assert_success
	assert_output https://ghe.numbat.test/acme/mono/compare/v1...v2
	FORGEJO_ACTIONS=true GITHUB_SERVER_URL=https://code.quokka-forge.test/ \
		run tb "$BATS_TEST_TMPDIR" forge https://code.quokka-forge.test/acme/mono.git - v2
	assert_success
	assert_output https://code.quokka-forge.test/acme/mono/releases/tag/v2
	GITEA_ACTIONS=true GITHUB_SERVER_URL=http://127.0.0.1:3000 \
		run tb "$BATS_TEST_TMPDIR" forge http://127.0.0.1:3000/rk/mono.git v1 v2
	assert_success
	assert_output http://127.0.0.1:3000/rk/mono/compare/v1...v2
	# GitLab under https://host/gitlab: the web page keeps the root once; an ssh remote
	# (no root in its path) gets it too; the API port of the server is the web's
	for url in https://corp.wombat.test/gitlab/grp/sub/proj.git git@corp.wombat.test:grp/sub/proj.git; do
		CI_SERVER_URL=https://corp.wombat.test/gitlab CI_API_V4_URL=https://corp.wombat.test/gitlab/api/v4 \
			run tb "$BATS_TEST_TMPDIR" forge "$url" v1 v2
		assert_success
		assert_output https://corp.wombat.test/gitlab/grp/sub/proj/-/compare/v1...v2
	done
	CI_SERVER_URL=https://corp.wombat.test:8443 run tb "$BATS_TEST_TMPDIR" forge git@corp.wombat.test:grp/proj.git - v2
	assert_success
	assert_output https://corp.wombat.test:8443/grp/proj/-/tags/v2
	# outside the job: an unknown host has no link
	run tb "$BATS_TEST_TMPDIR" forge git@ghe.numbat.test:acme/mono.git v1 v2
	assert_success
	assert_output none
}

@test "changelog links: releasekit prepare writes the self-hosted forge's compare link that forge(name, host) in RELEASE.star names" {
	make_git_repo repo
	cd repo
	mkdir -p js/a
	echo '{"name":"a","version":"1.0.0","main":"index.js"}' >js/a/package.json
	echo 'module.exports = 1;' >js/a/index.js
	printf '.releasekit/\n' >.gitignore
	printf 'forge(name = "gitea", host = "code.quokka-forge.test")\n' >RELEASE.star
	git add -A
	git commit -q -m "feat: a"
	git tag a-v1.0.0
	echo '// more' >>js/a/index.js
	git commit -q -am "feat: more"
	git remote add origin git@code.quokka-forge.test:acme/mono.git
	run releasekit prepare
	assert_success
	grep -qx '\[1.1.0\]: https://code.quokka-forge.test/acme/mono/compare/a-v1.0.0...a-v1.1.0' js/a/CHANGELOG.md || fail "$(cat js/a/CHANGELOG.md)"
	# with the record for another host the remote is no known forge: no link
	git reset -q --hard HEAD~1
	printf 'forge(name = "gitea", host = "code.other.test")\n' >RELEASE.star
	git commit -q -am "chore: forge elsewhere"
	run releasekit prepare
	assert_success
	! grep -q '^\[1.1.0\]:' js/a/CHANGELOG.md || fail "$(cat js/a/CHANGELOG.md)"
	grep -q '^## \[1.1.0\]' js/a/CHANGELOG.md
}

@test "changelog sections as release notes: heading to the next release, code blocks kept, the file's trailing link references left out" {
	cat >CHANGELOG.md <<'EOF'
# Changelog

## [1.1.0] - 2026-12-01

### Features

- more (abc1234)

```
## [9.9.9] not a heading: inside a code block
[1.1.0]: not a reference either
```

## v1.0.0

- first

[1.1.0]: https://code.quokka-forge.test/acme/mono/compare/v1.0.0...v1.1.0
[1.0.0]: https://code.quokka-forge.test/acme/mono/releases/tag/v1.0.0
EOF
	run tb "$PWD" changelog-section CHANGELOG.md 1.1.0
	assert_success
	printf '## [1.1.0] - 2026-12-01\n\n### Features\n\n- more (abc1234)\n\n```\n## [9.9.9] not a heading: inside a code block\n[1.1.0]: not a reference either\n```\n' >want
	diff want <(printf '%s\n' "$output")
	run tb "$PWD" changelog-section CHANGELOG.md 1.0.0
	assert_success
	assert_output $'## v1.0.0\n\n- first'
	run tb "$PWD" changelog-section CHANGELOG.md 2.0.0
	assert_success
	assert_output ""
}
