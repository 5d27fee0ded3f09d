#!/usr/bin/env bats
# Releasing two pnpm members with one name (issue 11): releasekit prepare on
# a real git repository with a real pnpm lockfile bumps both, writes both
# changelogs and a trailer per package under its id; planning from that
# release commit publishes both.

load test_helper
load prepare_helper

setup() {
	setup_common
	prepare_env
}

# web 1.4.0 in apps/web, web 2.1.0 in packages/web, each with its own tag
# format; site depends on packages/web by a plain range (pnpm links it:
# link-workspace-packages). Tagged, then a feat in apps/web and a breaking
# change in packages/web.
fixture() {
	make_git_repo .
	printf 'packages:\n  - "packages/*"\n  - "apps/*"\n' >pnpm-workspace.yaml
	printf 'link-workspace-packages=true\n' >.npmrc
	printf '{\n  "name": "root",\n  "private": true\n}\n' >package.json
	mkdir -p apps/web packages/web apps/site
	printf '{\n  "name": "web",\n  "version": "1.4.0"\n}\n' >apps/web/package.json
	printf '{\n  "name": "web",\n  "version": "2.1.0"\n}\n' >packages/web/package.json
	printf '{\n  "name": "site",\n  "version": "1.0.0",\n  "dependencies": {\n    "web": "^2.1.0"\n  }\n}\n' >apps/site/package.json
	cat >RELEASE.star <<'EOT'
pnpm_package(name = "web@apps/web", tag_format = "app-web-v{version}")
pnpm_package(name = "web@packages/web", tag_format = "lib-web-v{version}")
EOT
	pnpm install --lockfile-only --offline --ignore-scripts >/dev/null
	commit_at 00 "chore: init"
	git tag app-web-v1.4.0
	git tag lib-web-v2.1.0
	git tag site-v1.0.0
	echo x >apps/web/x.js && commit_at 01 "feat: streaming"
	echo x >packages/web/x.js && commit_at 02 "feat!: new api"
}

@test "prepare: two members named web are bumped, ranged, changelogged and committed under their ids" {
	fixture
	run --separate-stderr releasekit prepare
	assert_success
	assert_line "ok      bump:npm:web@apps/web  1.5.0: apps/web/package.json"
	assert_line "ok      bump:npm:web@packages/web  3.0.0: packages/web/package.json"
	assert_line "ok      ranges:npm:site  moved: apps/site/package.json"
	assert_line "ok      lockfile:pnpm:.  refreshed pnpm-lock.yaml"
	assert_line "ok      changelog:npm:web@apps/web  1.5.0: apps/web/CHANGELOG.md"
	assert_line "ok      changelog:npm:web@packages/web  3.0.0: packages/web/CHANGELOG.md"
	assert_line --regexp '^prepared: [0-9a-f]{7} chore\(release\): web 1.5.0, web 3.0.0, site 1.0.1$'
	# both manifests, the dependent's range (to the member it links), the lockfile
	[ "$(jq -r .version apps/web/package.json)" = 1.5.0 ]
	[ "$(jq -r .version packages/web/package.json)" = 3.0.0 ]
	[ "$(jq -r .version apps/site/package.json)" = 1.0.1 ]
	[ "$(jq -r .dependencies.web apps/site/package.json)" = "^3.0.0" ]
	grep -A3 '^  apps/site:' pnpm-lock.yaml | grep -qxF '        specifier: ^3.0.0'
	# each changelog its own section
	grep -qxF '## [1.5.0] - 2026-12-01' apps/web/CHANGELOG.md
	grep -q '^- streaming ([0-9a-f]*)$' apps/web/CHANGELOG.md
	! grep -q 'new api' apps/web/CHANGELOG.md
	grep -qxF '## [3.0.0] - 2026-12-01' packages/web/CHANGELOG.md
	grep -q 'new api' packages/web/CHANGELOG.md
	! grep -q streaming packages/web/CHANGELOG.md
	grep -qxF -- '- web 3.0.0' apps/site/CHANGELOG.md
	# the trailers name the shared ones by id, the others as before
	run git log -1 --format='%(trailers:key=Release-Kit-Release,valueonly)'
	assert_success
	[ "$output" = "npm:web@apps/web 1.5.0
npm:web@packages/web 3.0.0
npm:site 1.0.1" ]
	[ -z "$(git status --porcelain --untracked-files=all)" ]

	# from the release commit: the publish phase of both, each with its tag
	run --separate-stderr releasekit plan --format json
	assert_success
	echo "$output" >plan.ndjson
	validate_records plan.ndjson
	run jq -r 'select(.kind=="release") | "\(.id // "-") \(.name) \(.next) \(.tag)"' plan.ndjson
	assert_success
	[ "$output" = "npm:web@apps/web web 1.5.0 app-web-v1.5.0
npm:web@packages/web web 3.0.0 lib-web-v3.0.0
- site 1.0.1 site-v1.0.1" ]
	[ "$(jq -r 'select(.kind=="action" and .phase=="prepare") | .id' plan.ndjson)" = "" ]
	# site's reason names the member it depends on
	[ "$(jq -c 'select(.kind=="release" and .name=="site") | [.reasons[] | select(.dependency) | .dependency_id]' plan.ndjson)" = '["npm:web@packages/web"]' ]
	run jq -r 'select(.kind=="action" and (.type=="publish" or .type=="tag" or .type=="build")) | "\(.id) \(.params.tag // .params.dist // .params.path)"' plan.ndjson
	assert_success
	assert_line "build:npm:web@apps/web .releasekit/dist/npm/web@apps+web-1.5.0"
	assert_line "build:npm:web@packages/web .releasekit/dist/npm/web@packages+web-3.0.0"
	assert_line "publish:npm:web@apps/web .releasekit/dist/npm/web@apps+web-1.5.0"
	assert_line "publish:npm:web@packages/web .releasekit/dist/npm/web@packages+web-3.0.0"
	assert_line "tag:npm:web@apps/web app-web-v1.5.0"
	assert_line "tag:npm:web@packages/web lib-web-v3.0.0"
	assert_line "tag:npm:site site-v1.0.1"
	# site's publish waits for the web it depends on, not the other
	run jq -r 'select(.id=="publish:npm:site") | .deps[]' plan.ndjson
	assert_success
	assert_line poll:npm:web@packages/web
	refute_line poll:npm:web@apps/web
	# the report keeps them apart
	run rk-report --format json plan.ndjson
	assert_success
	[ "$(echo "$output" | jq -r '.packages[] | "\(.name) \(.next) \(.tag)"')" = "site 1.0.1 site-v1.0.1
web@apps/web 1.5.0 app-web-v1.5.0
web@packages/web 3.0.0 lib-web-v3.0.0" ]
	# the two builds land in two directories (run alone: no registry here)
	jq -c 'select(.kind=="action" and .type=="build" and .package=="web") | .deps=[]' plan.ndjson >builds.ndjson
	run rk-exec builds.ndjson
	assert_success
	tar -xOzf .releasekit/dist/npm/web@apps+web-1.5.0/web-1.5.0.tgz package/package.json >a.json
	tar -xOzf .releasekit/dist/npm/web@packages+web-3.0.0/web-3.0.0.tgz package/package.json >b.json
	[ "$(jq -r .version a.json) $(jq -r .version b.json)" = "1.5.0 3.0.0" ]
	rm a.json b.json builds.ndjson plan.ndjson
	# a rerun finds the release commit
	run --separate-stderr releasekit prepare
	assert_success
	assert_output "nothing to prepare: HEAD is a release commit ('releasekit publish' publishes it)"
}

@test "rk-plan: a dependency on a shared name without its path is refused, naming the package" {
	fixture
	run --separate-stderr rk-discover --root . --no-stdin
	assert_success
	echo "$output" | jq -c 'if .name == "site" then del(.deps[].path) else . end' >pkgs.ndjson
	run --separate-stderr rk-plan --repo . pkgs.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[[ $stderr == *"package npm:site depends on npm:web, a name several packages have: the dependency needs their \"path\"" ]]
}
