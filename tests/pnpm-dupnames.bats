#!/usr/bin/env bats
# pnpm allows two workspace members with one name (issue 11): rk-discover keeps
# both, identified by path; edges go where pnpm links them; rk-graph keeps two
# nodes and refuses a bare ambiguous name; rk-plan refuses shared tags.

load test_helper

PNPM="$RK_TOP/.tools/node/node_modules/.bin/pnpm"

# w PATH: write stdin to PATH (directories created).
w() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

# A pnpm workspace: web 1.4.0 in apps/web, web 2.1.0 in packages/web, and
# dependents with workspace:^2, workspace:^1, workspace:* and link:.
fixture() {
	git init -q .
	printf 'packages:\n  - "packages/*"\n  - "apps/*"\n' >pnpm-workspace.yaml
	echo '{"name": "root", "private": true}' >package.json
	echo '{"name": "web", "version": "1.4.0"}' | w apps/web/package.json
	echo '{"name": "web", "version": "2.1.0"}' | w packages/web/package.json
	printf '{"name": "site", "version": "1.0.0",\n "dependencies": {"web": "workspace:^2"}}\n' |
		w apps/site/package.json
	printf '{"name": "old", "version": "1.0.0",\n "dependencies": {"web": "workspace:^1"}}\n' |
		w apps/old/package.json
	printf '{"name": "any", "version": "1.0.0",\n "dependencies": {"web": "workspace:*"},\n "devDependencies": {"web2": "link:../../apps/web"}}\n' |
		w apps/any/package.json
}

@test "rk-discover keeps both members named alike, each with an id; edges go where pnpm links them" {
	fixture
	run --separate-stderr rk-discover --no-stdin --root .
	assert_success
	echo "$output" >out.ndjson
	validate_records out.ndjson
	[ "$(jq -r 'select(.name=="web") | "\(.id) \(.path) \(.version)"' out.ndjson)" = "npm:web@apps/web apps/web 1.4.0
npm:web@packages/web packages/web 2.1.0" ]
	# only packages that share a name get an id
	[ "$(jq -r 'select(.id) | .name' out.ndjson | sort -u)" = web ]
	echo "$stderr" | grep -qxF "rk-discover: warning: packages/web/package.json: npm package 'web' has the same name as apps/web/package.json (pnpm allows it): both are kept, as npm:web@apps/web and npm:web@packages/web"
	# site: workspace:^2, only 2.1.0 satisfies and pnpm links it: no warning
	! echo "$stderr" | grep -q "apps/site"
	# old: workspace:^1, pnpm 10 links the highest version all the same: said
	echo "$stderr" | grep -qxF "rk-discover: warning: apps/old/package.json:2: dependency 'web' (workspace:^1) is ambiguous: npm:web@apps/web 1.4.0, npm:web@packages/web 2.1.0; 1 satisfy the range; taking npm:web@packages/web (the highest version, as pnpm links; then the first path)"
	echo "$stderr" | grep -qF "apps/any/package.json:2: dependency 'web' (workspace:*) is ambiguous"
	run jq -r 'select(.kind=="package") | . as $p | .deps[] | "\($p.name) \(.name)@\(.path) \(.type)"' out.ndjson
	assert_success
	[ "$output" = "any web@packages/web normal
any web@apps/web dev
old web@packages/web normal
site web@packages/web normal" ]

	# The same as pnpm itself links them.
	run "$PNPM" install --offline --silent
	assert_success
	run "$PNPM" ls -r --json --depth 0
	assert_success
	echo "$output" | jq -r --arg top "$PWD/" '.[] | (.path | ltrimstr($top)) as $p |
		((.dependencies // {}) | to_entries[] | "\($p) \(.value.path | ltrimstr($top)) normal"),
		((.devDependencies // {}) | to_entries[] | "\($p) \(.value.path | ltrimstr($top)) dev")' |
		sort >pnpm.txt
	jq -r 'select(.kind=="package") | . as $p | .deps[] | "\($p.path) \(.path) \(.type)"' out.ndjson |
		sort >rk.txt
	diff -u pnpm.txt rk.txt
}

@test "the version picks the member when pnpm's highest-version choice is the one that satisfies" {
	fixture
	# swap: now workspace:^2 names apps/web
	echo '{"name": "web", "version": "2.0.0"}' >apps/web/package.json
	echo '{"name": "web", "version": "1.0.0"}' >packages/web/package.json
	run --separate-stderr rk-discover --no-stdin --root .
	assert_success
	[ "$(echo "$output" | jq -r 'select(.name=="site") | .deps[0].path')" = apps/web ]
	! echo "$stderr" | grep -q "apps/site"
	# equal versions: the path that sorts first, and a warning
	echo '{"name": "web", "version": "2.0.0"}' >packages/web/package.json
	run --separate-stderr rk-discover --no-stdin --root .
	assert_success
	[ "$(echo "$output" | jq -r 'select(.name=="site") | .deps[0].path')" = apps/web ]
	echo "$stderr" | grep -qF "apps/site/package.json:2: dependency 'web' (workspace:^2) is ambiguous: npm:web@apps/web 2.0.0, npm:web@packages/web 2.0.0; 2 satisfy the range; taking npm:web@apps/web"
}

@test "config rules name a shared name as name@path; a bare one is an error listing them" {
	fixture
	echo '{"kind":"config","rule":"pnpm_package","location":"RELEASE.star:1:1","name":"web@apps/web","label":"web-app"}' >cfg
	run --separate-stderr rk-discover --root . <cfg
	assert_success
	[ "$(echo "$output" | jq -r 'select(.kind=="package" and .label) | .id')" = npm:web@apps/web ]
	echo '{"kind":"config","rule":"pnpm_package","location":"RELEASE.star:1:1","name":"web","label":"x"}' >cfg
	run --separate-stderr rk-discover --root . <cfg
	[ "$status" -eq 3 ]
	assert_output ""
	[ "$(echo "$stderr" | tail -n 1)" = "rk-discover: RELEASE.star:1:1: pnpm_package: 'web' names several npm packages (npm:web@apps/web, npm:web@packages/web); write name@path" ]
}

@test "npm workspaces still refuse two members with one name" {
	echo '{"private": true, "workspaces": ["a/*"]}' >package.json
	echo '{"name": "web", "version": "1.0.0"}' | w a/x/package.json
	echo '{"name": "web", "version": "2.0.0"}' | w a/y/package.json
	run --separate-stderr rk-discover --no-stdin --root .
	[ "$status" -eq 3 ]
	[[ $stderr == *"duplicate npm package 'web' (also in a/x/package.json)"* ]]
}

@test "rk-discover | rk-graph --levels: two nodes; a bare ambiguous name fails listing the candidates" {
	fixture
	run rk-discover --no-stdin --root .
	assert_success
	echo "$output" | grep '^{' >pkgs.ndjson
	run rk-graph --levels pkgs.ndjson
	assert_success
	[ "$output" = "level 0: npm:root, npm:web@apps/web, npm:web@packages/web
level 1: npm:any, npm:old, npm:site" ]
	run --separate-stderr rk-graph --rdeps web pkgs.ndjson
	[ "$status" -eq 2 ]
	assert_output ""
	[ "$stderr" = "rk-graph: --rdeps: 'web' names several packages: npm:web@apps/web, npm:web@packages/web; name one as ECOSYSTEM:NAME@PATH or by its path" ]
	run --separate-stderr rk-graph --rdeps npm:web pkgs.ndjson
	[ "$status" -eq 2 ]
	for q in npm:web@packages/web web@packages/web packages/web; do
		run rk-graph --rdeps "$q" pkgs.ndjson
		assert_success
		[ "$(echo "$output" | jq -r '"\(.path) \(.depth)"' | sort | tr '\n' ' ')" = "apps/any 1 apps/old 1 apps/site 1 packages/web 0 " ]
	done
	run rk-graph --rdeps npm:web@apps/web --edges all pkgs.ndjson
	assert_success
	[ "$(echo "$output" | jq -r .path | sort | tr '\n' ' ')" = "apps/any apps/web " ]
	# unambiguous bare names keep working
	run rk-graph --deps site pkgs.ndjson
	assert_success
	[ "$(echo "$output" | jq -r .path | tr '\n' ' ')" = "apps/site packages/web " ]
	run rk-graph --format json pkgs.ndjson
	assert_success
	[ "$(echo "$output" | jq -c '[.nodes[].id]')" = '["npm:root","npm:web@apps/web","npm:web@packages/web","npm:any","npm:old","npm:site"]' ]
	# a dependency on the shared name without its path cannot be placed
	jq -c 'del(.deps[].path)' pkgs.ndjson >nopath.ndjson
	run --separate-stderr rk-graph --levels nopath.ndjson
	[ "$status" -eq 3 ]
	[[ $stderr == *'npm:any depends on npm:web, a name several packages have (npm:web@apps/web, npm:web@packages/web): the dependency needs their "path"' ]]
	# the same name at the same path is still a duplicate
	head -n 1 pkgs.ndjson >twice.ndjson
	head -n 1 pkgs.ndjson >>twice.ndjson
	run --separate-stderr rk-graph twice.ndjson
	[ "$status" -eq 3 ]
	[[ $stderr == *"duplicate package npm:any"* ]]
}

@test "releasekit plan: two packages with one name cannot share one tag; with labels, each is released under its id" {
	fixture
	git add -A
	git -c user.name=t -c user.email=t@example.com commit -qm "feat: start"
	run --separate-stderr releasekit plan
	[ "$status" -eq 3 ]
	assert_output ""
	[[ $stderr == *"rk-plan: <stdin>:"*": packages npm:web@apps/web and npm:web@packages/web share a name and would share the tags of the tag format '{name}-v{version}': give each a label and use {label}, e.g. pnpm_package(name = \"web@packages/web\", label = \"...\") with release_train(tag_format = \"{label}-v{version}\"), or a tag_format per package" ]]
	w RELEASE.star <<'EOT'
pnpm_package(name = "web@apps/web", label = "web-app")
pnpm_package(name = "web@packages/web", label = "web-lib")
release_train(tag_format = "{label}-v{version}")
EOT
	run --separate-stderr releasekit plan --format json
	assert_success
	echo "$output" >plan.ndjson
	validate_records plan.ndjson
	# releases carry the id only where the name is shared; tags differ by label
	run jq -r 'select(.kind=="release") | "\(.id // "-") \(.name) \(.tag)"' plan.ndjson
	assert_success
	assert_line "npm:web@apps/web web web-app-v1.4.0"
	assert_line "npm:web@packages/web web web-lib-v2.1.0"
	assert_line "- site site-v1.0.0"
	# action ids: the id where the name is shared, unchanged elsewhere
	run jq -r 'select(.kind=="action") | .id' plan.ndjson
	assert_success
	assert_line bump:npm:web@apps/web
	assert_line bump:npm:web@packages/web
	assert_line publish:npm:web@packages/web
	assert_line tag:npm:web@apps/web
	assert_line bump:npm:site
	refute_line bump:npm:web
	[ "$(jq -r 'select(.kind=="action") | .id' plan.ndjson | sort | uniq -d)" = "" ]
}

@test "cross_deps name a shared name as ecosystem:name@path; bare, it is an error" {
	fixture
	echo '{"kind":"config","rule":"pnpm_package","location":"RELEASE.star:1:1","name":"root","cross_deps":["npm:web@apps/web"]}' >cfg
	run --separate-stderr rk-discover --root . <cfg
	assert_success
	[ "$(echo "$output" | jq -c 'select(.kind=="package" and .name=="root") | .deps')" = '[{"name":"web","ecosystem":"npm","path":"apps/web","spec":"","type":"normal","cross":true}]' ]
	for c in web npm:web; do
		echo "{\"kind\":\"config\",\"rule\":\"pnpm_package\",\"location\":\"RELEASE.star:1:1\",\"name\":\"root\",\"cross_deps\":[\"$c\"]}" >cfg
		run --separate-stderr rk-discover --root . <cfg
		[ "$status" -eq 3 ]
		assert_output ""
		[[ $(echo "$stderr" | tail -n 1) == "rk-discover: RELEASE.star:1:1: pnpm_package 'root': cross_deps '$c' names several packages"*"; write ecosystem:name@path" ]]
	done
}

@test "releasekit generate names packages that share a name as name@path, and rk-discover takes them" {
	fixture
	run --separate-stderr releasekit generate
	assert_success
	echo "$output" >RELEASE.star
	grep -qxF 'pnpm_package(name = "web@apps/web", group = "apps")' RELEASE.star
	grep -qxF 'pnpm_package(name = "web@packages/web", group = "packages")' RELEASE.star
	run --separate-stderr releasekit discover
	assert_success
	[ "$(echo "$output" | jq -r 'select(.kind=="package" and .name=="web") | "\(.id) \(.group)"')" = "npm:web@apps/web apps
npm:web@packages/web packages" ]
	# rk-plan knows name@path in release groups; it refuses the shared tags
	git add -A
	git -c user.name=t -c user.email=t@example.com commit -qm "feat: start"
	run --separate-stderr releasekit plan
	[ "$status" -eq 3 ]
	[[ $stderr == *"rk-plan: <stdin>:"*": packages npm:web@apps/web and npm:web@packages/web share a name and would share the tags"* ]]
}
