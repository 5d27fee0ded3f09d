#!/usr/bin/env bats
# What real monorepos contain (issue 11): fixtures, examples, private roots,
# ignored paths, odd specifiers; typed edges and cycles; versions on real
# histories. Each test is a small fixture that reproduces one finding.

load test_helper

setup() {
	local home=$HOME
	setup_common
	export RUSTUP_HOME="${RUSTUP_HOME:-$home/.rustup}" CARGO_HOME="${CARGO_HOME:-$home/.cargo}"
}

# w PATH: write stdin to PATH (directories created).
w() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

# brief: eco:name version path publishable, one line per package record of out.ndjson
brief() {
	jq -r 'select(.kind=="package") | "\(.ecosystem):\(.name) \(.version) \(.path) \(.publishable)"' out.ndjson
}

# edges: eco:name -> eco:dep type, one line per edge of out.ndjson
edges() {
	jq -r 'select(.kind=="package") | . as $p | .deps[] | "\($p.ecosystem):\($p.name) -> \(.ecosystem):\(.name) \(.type)"' out.ndjson
}

# A uv workspace in py/ with two members.
uv_ws() {
	w py/pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["packages/*"]
EOT
	w py/packages/core/pyproject.toml <<'EOT'
[project]
name = "acme-core"
version = "1.0.0"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	w py/packages/plugin/pyproject.toml <<'EOT'
[project]
name = "acme-plugin"
version = "1.0.0"
dependencies = ["acme-core>=1", "black>=24"]

[tool.uv.sources]
acme-core = { workspace = true }

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
}

@test "fixtures outside every workspace: invalid, duplicate or non-JSON manifests are warnings naming the files" {
	uv_ws
	# not listed by the workspace: ignored without a word
	w py/packages/core/tests/fixtures/x/pyproject.toml <<'EOT'
[project]
name = "not a valid name"
EOT
	# outside every workspace: warnings
	w tests/fixtures/bad-name/pyproject.toml <<'EOT'
[project]
name = "-bad-"
version = "1"
EOT
	w tests/fixtures/dup/pyproject.toml <<'EOT'
[project]
name = "acme_core"
version = "0.0.1"
EOT
	w examples/a/pyproject.toml <<'EOT'
[project]
name = "example"
version = "1"
EOT
	w examples/b/pyproject.toml <<'EOT'
[project]
name = "Example"
version = "2"
EOT
	w tests/fixtures/broken-json/package.json <<'EOT'
{"name": "broken", this is deliberately not JSON
EOT
	w tests/fixtures/black/pyproject.toml <<'EOT'
[project]
name = "black"
version = "0.0.0"
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_success
	printf '%s\n' "${stderr_lines[@]}" | sort >actual
	sort >expected <<'EOT'
rk-discover: tests/fixtures/bad-name/pyproject.toml:2:8: invalid project name '-bad-'
rk-discover: warning: tests/fixtures/bad-name/pyproject.toml: ignored: it is in no workspace and could not be read
rk-discover: tests/fixtures/broken-json/package.json:1:20: expected a string key after ',', found 't'
rk-discover: warning: tests/fixtures/broken-json/package.json: ignored: it is in no workspace and could not be read
rk-discover: warning: tests/fixtures/dup/pyproject.toml: ignored: python package 'acme_core' is in no workspace and workspace member py/packages/core/pyproject.toml has the same name
rk-discover: warning: examples/b/pyproject.toml: ignored: python package 'Example' is in no workspace and the package in examples/a/pyproject.toml has the same name
rk-discover: warning: examples/a/pyproject.toml: ignored: python package 'example' is in no workspace and examples/b/pyproject.toml has the same name
EOT
	diff -u expected actual
	echo "$output" >out.ndjson
	validate_records out.ndjson
	brief >actual
	cat >expected <<'EOT'
python:acme-core 1.0.0 py/packages/core true
python:acme-plugin 1.0.0 py/packages/plugin true
python:black 0.0.0 tests/fixtures/black false
EOT
	diff -u expected actual
	# a dependency on `black` (from the registry) is no edge to the fixture
	run edges
	assert_output "python:acme-plugin -> python:acme-core normal"
	# the whole pipeline goes through
	run rk-graph --levels <out.ndjson
	assert_success
}

@test "errors stay fatal inside workspaces and for the roots the config names" {
	uv_ws
	w py/packages/broken/pyproject.toml <<'EOT'
[project]
name = "-bad-"
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[ "$stderr" = "rk-discover: py/packages/broken/pyproject.toml:2:8: invalid project name '-bad-'" ]
	[ -z "$output" ]
	rm -r py/packages/broken
	# a root the config names is fatal even with no workspace table in it
	w tools/pyproject.toml <<'EOT'
[project
EOT
	echo '{"kind":"config","rule":"uv_workspace","location":"RELEASE.star:1:1","name":"t","root":"tools"}' >cfg.ndjson
	run --separate-stderr rk-discover --root . <cfg.ndjson
	assert_failure 3
	[[ "$stderr" == "rk-discover: tools/pyproject.toml:1:"* ]]
	[ -z "$output" ]
	# the repository's own root manifest is fatal too
	rm -r tools cfg.ndjson
	echo '{' >package.json
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[[ "$stderr" == "rk-discover: package.json:"* ]]
}

@test "paths ignored by git are not read" {
	make_git_repo .
	uv_ws
	printf 'build/\n*.generated\n/out\n' >.gitignore
	w build/lib/pyproject.toml <<'EOT'
[project
EOT
	w py/packages/core/x.generated/package.json <<'EOT'
{ not json
EOT
	w out/pyproject.toml <<'EOT'
[project]
name = "acme-core"
version = "9"
EOT
	# a nested .gitignore counts too
	printf 'vendored\n' >py/.gitignore
	w py/packages/vendored/pyproject.toml <<'EOT'
[project]
name = "-bad-"
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_success
	[ -z "$stderr" ]
	echo "$output" >out.ndjson
	run brief
	assert_output "python:acme-core 1.0.0 py/packages/core true
python:acme-plugin 1.0.0 py/packages/plugin true"
	# discovering from a subdirectory of the repository applies the same rules
	run --separate-stderr rk-discover --no-stdin --root py
	assert_success
	[ -z "$stderr" ]
}

@test "a private root package.json named like a member leaves the member reachable" {
	w package.json <<'EOT'
{"name": "genkit", "private": true, "workspaces": ["js/*"]}
EOT
	w js/genkit/package.json <<'EOT'
{"name": "genkit", "version": "1.2.0"}
EOT
	w js/plugin/package.json <<'EOT'
{"name": "@genkit/plugin", "version": "1.2.0", "dependencies": {"genkit": "^1.2.0"}}
EOT
	run rk-discover --no-stdin --root .
	assert_success
	echo "$output" >out.ndjson
	validate_records out.ndjson
	run brief
	assert_output "npm:@genkit/plugin 1.2.0 js/plugin true
npm:genkit 1.2.0 js/genkit true"
	run edges
	assert_output "npm:@genkit/plugin -> npm:genkit normal"
	# two members with one name stay an error
	w js/other/package.json <<'EOT'
{"name": "genkit", "version": "0.1.0"}
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[[ "$stderr" == *"duplicate npm package 'genkit'"* ]]
}

@test "uv: no [build-system], tool.uv.package = false or Private :: Do Not Upload is not publishable" {
	w pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["p/*"]
EOT
	w p/app/pyproject.toml <<'EOT'
[project]
name = "app"
version = "1"
EOT
	w p/forced/pyproject.toml <<'EOT'
[project]
name = "forced"
version = "1"
[tool.uv]
package = true
EOT
	w p/virtual/pyproject.toml <<'EOT'
[project]
name = "virtual"
version = "1"
[tool.uv]
package = false
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	w p/private/pyproject.toml <<'EOT'
[project]
name = "private"
version = "1"
classifiers = ["Private :: Do Not Upload"]
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	w p/lib/pyproject.toml <<'EOT'
[project]
name = "lib"
version = "1"
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	rk-discover --no-stdin --root . >out.ndjson
	run brief
	assert_output "python:app 1 p/app false
python:forced 1 p/forced true
python:lib 1 p/lib true
python:private 1 p/private false
python:virtual 1 p/virtual false"
}

@test "a UTF-8 byte order mark at the start of package.json is accepted" {
	printf '\xef\xbb\xbf{"name": "bom", "version": "1.0.0"}\n' >package.json
	run --separate-stderr rk-discover --no-stdin --root .
	assert_success
	[ "$(echo "$output" | jq -r .name)" = bom ]
	if command -v pnpm >/dev/null; then # pnpm reads it too
		run pnpm ls --depth -1 --json
		assert_success
		[ "$(echo "$output" | jq -r '.[0].name')" = bom ]
	fi
}

@test "file: and link: specifiers resolve by path; maturin manifest-path finds the crate" {
	w package.json <<'EOT'
{"private": true, "workspaces": ["packages/*", "vendor/*"]}
EOT
	w packages/app/package.json <<'EOT'
{"name": "app", "version": "1.0.0", "dependencies": {"util": "file:../../vendor/util2", "helper": "link:../helper", "gone": "file:../../../outside"}}
EOT
	w packages/helper/package.json <<'EOT'
{"name": "helper-renamed", "version": "1.0.0"}
EOT
	w vendor/util1/package.json <<'EOT'
{"name": "util", "version": "1.0.0"}
EOT
	w vendor/util2/package.json <<'EOT'
{"name": "util-two", "version": "2.0.0"}
EOT
	w py/pyproject.toml <<'EOT'
[project]
name = "fast"
version = "0.1.0"
[build-system]
requires = ["maturin>=1"]
build-backend = "maturin"
[tool.maturin]
manifest-path = "rust/Cargo.toml"
EOT
	w py/rust/Cargo.toml <<'EOT'
[package]
name = "fast-core"
version = "0.1.0"
EOT
	run rk-discover --no-stdin --root .
	assert_success
	echo "$output" >out.ndjson
	validate_records out.ndjson
	run edges
	assert_output "npm:app -> npm:util-two normal
npm:app -> npm:helper-renamed normal"
	run jq -r 'select(.ecosystem=="python") | .crate' out.ndjson
	assert_output fast-core
	# the python package owns the crate: no cargo package of its own
	run jq -r 'select(.ecosystem=="cargo") | .name' out.ndjson
	assert_output ""
}

@test "npm ranges: the semver satisfaction npm, pnpm and yarn use to link" {
	t_helper t-discover semver '^1.2.3' 1.2.3 1.9.0 2.0.0 1.2.2 1.3.0-rc.1 >actual
	t_helper t-discover semver '^0.2.3' 0.2.9 0.3.0 >>actual
	t_helper t-discover semver '~1.2' 1.2.9 1.3.0 >>actual
	t_helper t-discover semver '1.x || >=3.0.0-beta.1 <3.0.1' 1.5.0 2.0.0 3.0.0-beta.2 3.0.0 >>actual
	t_helper t-discover semver '1.2 - 2.3' 1.2.0 2.3.9 2.4.0 >>actual
	t_helper t-discover semver '*' 1.0.0 1.0.0-rc.1 >>actual
	t_helper t-discover semver '>= 1.2' 1.2.0 1.1.9 >>actual
	t_helper t-discover semver '<1.2' 1.1.9 1.2.0-rc.1 >>actual
	t_helper t-discover semver '^1.4.0-rc.1' 1.4.0-rc.3 1.4.0-beta.1 1.5.0-rc.1 >>actual
	t_helper t-discover semver 'latest' 1.0.0 >>actual
	tr '\n' ' ' <actual >got
	[ "$(cat got)" = "1 1 0 0 0 1 0 1 0 1 0 1 1 1 1 0 1 0 1 0 1 0 1 0 0 -1 " ]
	# node-semver itself agrees where it is installed
	local semver=/usr/lib/node_modules/npm/node_modules/semver
	if command -v node >/dev/null && [ -d "$semver" ]; then
		run node -e '
const s = require(process.argv[1]);
const cases = [["^1.2.3",["1.2.3","1.9.0","2.0.0","1.2.2","1.3.0-rc.1"]],["^0.2.3",["0.2.9","0.3.0"]],
["~1.2",["1.2.9","1.3.0"]],["1.x || >=3.0.0-beta.1 <3.0.1",["1.5.0","2.0.0","3.0.0-beta.2","3.0.0"]],
["1.2 - 2.3",["1.2.0","2.3.9","2.4.0"]],["*",["1.0.0","1.0.0-rc.1"]],[">= 1.2",["1.2.0","1.1.9"]],
["<1.2",["1.1.9","1.2.0-rc.1"]],["^1.4.0-rc.1",["1.4.0-rc.3","1.4.0-beta.1","1.5.0-rc.1"]]];
let out = "";
for (const [r, vs] of cases) for (const v of vs) out += (s.satisfies(v, r) ? 1 : 0) + " ";
console.log(out + "-1 ");' "$semver"
		assert_success
		assert_output "$(cat got)"
	fi
}

@test "pnpm links a plain range only with link-workspace-packages; npm and yarn when the range is satisfied" {
	w pnpm-workspace.yaml <<'EOT'
packages: ["p/*"]
EOT
	w p/core/package.json <<'EOT'
{"name": "core", "version": "2.0.0"}
EOT
	w p/a/package.json <<'EOT'
{"name": "a", "version": "1.0.0", "dependencies": {"core": "^2.0.0"}, "devDependencies": {"core": "workspace:*"}}
EOT
	rk-discover --no-stdin --root . >out.ndjson
	run edges
	assert_output "npm:a -> npm:core dev"
	printf 'packages: ["p/*"]\nlink-workspace-packages: true\n' >pnpm-workspace.yaml
	rk-discover --no-stdin --root . >out.ndjson
	run edges
	assert_output "npm:a -> npm:core normal
npm:a -> npm:core dev"
	# the .npmrc setting counts too (the YAML one wins)
	printf 'packages: ["p/*"]\n' >pnpm-workspace.yaml
	echo 'link-workspace-packages = true' >.npmrc
	rk-discover --no-stdin --root . >out.ndjson
	run edges
	assert_output "npm:a -> npm:core normal
npm:a -> npm:core dev"
	rm .npmrc pnpm-workspace.yaml
	# npm workspaces: linked when the workspace version satisfies the range
	w package.json <<'EOT'
{"private": true, "workspaces": ["p/*"]}
EOT
	w p/a/package.json <<'EOT'
{"name": "a", "version": "1.0.0", "dependencies": {"core": "^2.0.0"}}
EOT
	w p/b/package.json <<'EOT'
{"name": "b", "version": "1.0.0", "dependencies": {"core": "^1.0.0"}}
EOT
	rk-discover --no-stdin --root . >out.ndjson
	run edges
	assert_output "npm:a -> npm:core normal"
}

@test "cargo: nested workspaces and exclude, as cargo metadata reads them" {
	w Cargo.toml <<'EOT'
[workspace]
members = ["crates/*"]
exclude = ["crates/nested", "crates/fixture"]
EOT
	w crates/a/Cargo.toml <<'EOT'
[package]
name = "a"
version = "1.0.0"
EOT
	w crates/fixture/Cargo.toml <<'EOT'
[package]
name = "a"
version = "0.0.0"
EOT
	w crates/nested/Cargo.toml <<'EOT'
[workspace]
members = ["inner"]
EOT
	w crates/nested/inner/Cargo.toml <<'EOT'
[package]
name = "inner"
version = "0.3.0"
[dependencies]
a = { path = "../../a", version = "1" }
EOT
	for d in crates/a crates/fixture crates/nested/inner; do w $d/src/lib.rs </dev/null; done
	run rk-discover --no-stdin --root .
	assert_success
	echo "$output" >out.ndjson
	run jq -r '"\(.name) \(.path) \(.workspace)"' out.ndjson
	assert_output "a crates/a .
inner crates/nested/inner crates/nested"
	command -v cargo >/dev/null || return 0
	{
		cargo metadata --no-deps --format-version 1 --offline
		(cd crates/nested && cargo metadata --no-deps --format-version 1 --offline)
	} | jq -r --arg top "$PWD/" '.packages[] | "\(.name) \(.manifest_path | ltrimstr($top))"' | sort >expected
	jq -r '"\(.name) \(.manifest)"' out.ndjson | sort >actual
	diff -u expected actual
}

# A core package whose extras name plugins that depend on the core.
extras_cycle() {
	w pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["packages/*"]
EOT
	w packages/core/pyproject.toml <<'EOT'
[project]
name = "core"
version = "1.0.0"

[project.optional-dependencies]
google = ["plugin-google"]

[tool.uv.sources]
plugin-google = { workspace = true }

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	w packages/plugin/pyproject.toml <<'EOT'
[project]
name = "plugin-google"
version = "1.0.0"
dependencies = [
  "core>=1",
]

[tool.uv.sources]
core = { workspace = true }

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
}

@test "optional edges do not order: a core's extras naming its plugins is no cycle" {
	extras_cycle
	rk-discover --no-stdin --root . >out.ndjson
	run rk-graph --levels out.ndjson
	assert_success
	assert_output $'level 0: python:core\nlevel 1: python:plugin-google'
	# the pipe a new user types
	run bash -c 'set -o pipefail; rk-discover --no-stdin --root . | rk-graph --levels'
	assert_success
	assert_output $'level 0: python:core\nlevel 1: python:plugin-google'
	# the graph as uv sees it resolves too (extras do not make uv fail)
	if command -v uv >/dev/null; then
		UV_CACHE_DIR="$BATS_TEST_TMPDIR/uvcache" run uv lock --offline -q
		assert_success
	fi
}

@test "a cycle among chosen edge types lists each edge with its type and manifest line" {
	extras_cycle
	rk-discover --no-stdin --root . >out.ndjson
	run --separate-stderr rk-graph --edges all out.ndjson
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-graph: cycle: python:core -(optional, packages/core/pyproject.toml:6)-> python:plugin-google -(normal, packages/plugin/pyproject.toml:5)-> python:core" ]
	# the config chooses too; --edges overrides it
	{
		echo '{"kind":"config","rule":"release_train","location":"RELEASE.star:1:1","name":"default","order_edges":["normal","optional"]}'
		cat out.ndjson
	} >cfg.ndjson
	run --separate-stderr rk-graph --levels cfg.ndjson
	assert_failure 3
	[[ "$stderr" == "rk-graph: cycle: python:core -(optional, "* ]]
	run rk-graph --levels --edges normal cfg.ndjson
	assert_success
	# and it comes from RELEASE.star
	cat >RELEASE.star <<'EOT'
release_train(name = "default", order_edges = ["normal", "build", "peer", "optional"])
EOT
	run --separate-stderr bash -c 'set -o pipefail; rk-config | rk-discover --root . | rk-graph --levels'
	assert_failure 3
	[[ "$stderr" == *"rk-graph: cycle: python:core -(optional, packages/core/pyproject.toml:6)-> "* ]]
	cat >RELEASE.star <<'EOT'
release_train(name = "default", order_edges = ["normal", "sideways"])
EOT
	run --separate-stderr rk-config
	assert_failure 3
}

@test "npm: a peer and an optional dependency; cargo: an optional dependency; each edge typed" {
	w package.json <<'EOT'
{"private": true, "workspaces": ["p/*"]}
EOT
	w p/a/package.json <<'EOT'
{"name": "a", "version": "1.0.0",
 "optionalDependencies": {"b": "^1.0.0"}}
EOT
	w p/b/package.json <<'EOT'
{"name": "b", "version": "1.0.0",
 "peerDependencies": {"a": "^1.0.0"}}
EOT
	rk-discover --no-stdin --root . >out.ndjson
	run rk-graph --levels out.ndjson
	assert_success
	assert_output $'level 0: npm:a\nlevel 1: npm:b'
	run --separate-stderr rk-graph --edges peer,optional out.ndjson
	assert_failure 3
	[ "$stderr" = "rk-graph: cycle: npm:a -(optional, p/a/package.json:2)-> npm:b -(peer, p/b/package.json:2)-> npm:a" ]
}

# ---- versions on real histories ----

# rpkg NAME ECO PATH VERSION: a package record (as rk-discover writes it) into in.ndjson
rpkg() {
	local mgr=uv man=pyproject.toml
	case $2 in npm) mgr=pnpm man=package.json ;; cargo) mgr=cargo man=Cargo.toml ;; esac
	mkdir -p "repo/$3"
	[ -f "repo/$3/$man" ] || echo "$1" >"repo/$3/$man"
	printf '{"kind":"package","name":"%s","version":"%s","ecosystem":"%s","manager":"%s","path":"%s","manifest":"%s/%s","publishable":true,"deps":[]}\n' \
		"$1" "$4" "$2" "$mgr" "$3" "$3" "$man" >>in.ndjson
}

# commit PATH MESSAGE: change a file under repo/PATH and commit it
commit() {
	mkdir -p "repo/$1"
	echo "$RANDOM$RANDOM" >>"repo/$1/f"
	git -C repo add -A
	git -C repo commit -q -m "$2"
}

# vers: "name current -> next" per release record of rk-plan's output (fails
# when rk-plan does); its stderr in plan.err
vers() {
	rk-plan -C repo --date 20261130 --no-actions <in.ndjson >plan.out 2>plan.err || return
	jq -r 'select(.kind == "release") | "\(.name) \(.current) -> \(.next)"' plan.out
}

@test "one name in two ecosystems with a format without {ecosystem}: refused with a suggestion; a format resolves it" {
	make_git_repo repo
	rpkg acme npm js/acme 1.0.0
	rpkg acme python py/acme 1.0.0
	commit js/acme "feat: x"
	git -C repo tag acme-v1.0.0
	commit py/acme "fix: y"
	run --separate-stderr rk-plan -C repo --no-actions <in.ndjson
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-plan: <stdin>:2: packages npm:acme and python:acme would read each other's tags with the tag format '{name}-v{version}': use a format with {ecosystem} or {label}, e.g. release_train(tag_format = \"{ecosystem}/{name}-v{version}\"), or a tag_format per release_group or package" ]
	{
		echo '{"kind":"config","rule":"release_train","tag_format":"{ecosystem}/{name}-v{version}"}'
		cat in.ndjson
	} >cfg.ndjson
	mv cfg.ndjson in.ndjson
	git -C repo tag npm/acme-v1.0.0 acme-v1.0.0
	git -C repo tag python/acme-v1.0.0 acme-v1.0.0
	run vers
	assert_success
	assert_output "acme 1.0.0 -> 1.0.1"
	run jq -r 'select(.kind == "release") | "\(.ecosystem) \(.previous_tag) \(.tag)"' plan.out
	assert_output "python python/acme-v1.0.0 python/acme-v1.0.1"
}

@test "the longest package name claims a tag: acme-2-5 is acme-2's, not acme's 2.post5" {
	make_git_repo repo
	echo '{"kind":"config","rule":"release_train","tag_format":"{name}-{version}"}' >in.ndjson
	rpkg acme python acme 1.0.0
	rpkg acme-2 python acme2 5
	commit acme "chore: import"
	git -C repo tag acme-1.0.0
	git -C repo tag acme-2-5
	commit acme "fix: a"
	commit acme2 "fix: b"
	run vers
	assert_output "acme 1.0.0 -> 1.0.1
acme-2 5 -> 5.0.1"
	run jq -r 'select(.kind == "release") | .previous_tag' <<<"$(rk-plan -C repo --no-actions <in.ndjson)"
	assert_output $'acme-1.0.0\nacme-2-5'
}

@test "manifest above the last tag: the next version starts from it, with a warning; below: a warning" {
	make_git_repo repo
	rpkg a npm a 1.4.0
	rpkg b npm b 0.9.0
	commit a "chore: import"
	git -C repo tag a-v1.2.0
	git -C repo tag b-v1.0.0
	commit a "fix: a"
	commit b "fix: b"
	run vers
	assert_output "a 1.4.0 -> 1.4.1
b 1.0.0 -> 1.0.1"
	run cat plan.err
	assert_output "rk-plan: warning: package 'a': the manifest's version 1.4.0 is above the last release tag a-v1.2.0: the next version starts from 1.4.0
rk-plan: warning: package 'b': the manifest's version 0.9.0 is below the last release tag b-v1.0.0"
}

@test "a package without a release tag is a first release at its manifest version" {
	make_git_repo repo
	rpkg app npm apps/test-app 1.0.0
	rpkg lib npm lib 0.3.0
	commit apps/test-app "feat!: a breaking start"
	commit apps/test-app "feat: more"
	commit lib "chore: import"
	git -C repo tag lib-v0.3.0
	commit lib "feat: new"
	run vers
	assert_output "app 1.0.0 -> 1.0.0
lib 0.3.0 -> 0.4.0"
	run jq -r 'select(.kind == "release" and .name == "app") | "\(.tag) \(.previous_tag)"' <<<"$(rk-plan -C repo --no-actions <in.ndjson)"
	assert_output "app-v1.0.0 null"
}

@test "a higher tag on a hotfix branch: commits count since the highest tag in HEAD's history, the version goes above both" {
	make_git_repo repo
	rpkg a npm a 1.0.0
	commit a "chore: import"
	git -C repo tag a-v1.0.0
	commit a "feat: before the branch"
	git -C repo tag a-v1.1.0
	git -C repo checkout -q -b hotfix
	commit a "fix: hotfix"
	git -C repo tag a-v1.1.1
	git -C repo checkout -q main
	commit a "fix: on main"
	run vers
	assert_output "a 1.1.1 -> 1.1.2"
	run cat plan.err
	assert_output "rk-plan: warning: package 'a': tag a-v1.1.1 is not in the history of HEAD (a hotfix branch?): commits count since a-v1.1.0, the highest tag that is, and the next version goes above a-v1.1.1"
	run jq -r 'select(.kind == "release") | .commits' plan.out
	assert_output 1
}

@test "a matching tag on a tree or a blob is skipped with a warning" {
	make_git_repo repo
	rpkg a npm a 1.0.0
	commit a "chore: import"
	git -C repo tag a-v1.0.0
	git -C repo tag a-v9.0.0 "$(git -C repo rev-parse 'HEAD^{tree}')"
	git -C repo tag -a -m blob a-v8.0.0 "$(git -C repo rev-parse HEAD:a/f)"
	commit a "fix: x"
	run vers
	assert_output "a 1.0.0 -> 1.0.1"
	sort plan.err >actual
	cat >expected <<'EOT'
rk-plan: warning: tag a-v8.0.0 points at no commit (a tree or a blob): skipped
rk-plan: warning: tag a-v9.0.0 points at no commit (a tree or a blob): skipped
EOT
	diff -u expected actual
}

# ---- config and generation ----

# A small uv workspace in a git repository, discovered as it is.
gen_repo() {
	make_git_repo .
	uv_ws
	w py/plugins/google/pyproject.toml <<'EOT'
[project]
name = "plugin-google"
version = "1.0.0"
dependencies = ["acme-core"]
[tool.uv.sources]
acme-core = { workspace = true }
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	printf '[tool.uv.workspace]\nmembers = ["packages/*", "plugins/*"]\n' >py/pyproject.toml
	# the core's extras name the plugin: a cycle only through an optional edge
	cat >>py/packages/core/pyproject.toml <<'EOT'
[project.optional-dependencies]
google = ["plugin-google"]
EOT
	sed -i 's/^version = "1.0.0"$/version = "1.0.0"/' py/packages/core/pyproject.toml
}

@test "releasekit generate: nothing is written or printed when discovery fails; writes are atomic" {
	gen_repo
	run --separate-stderr releasekit generate
	assert_success
	echo "$output" >RELEASE.star
	echo '# a hand-written line' >>RELEASE.star
	cp RELEASE.star before.star
	# a member that cannot be read: discovery fails
	w py/packages/broken/pyproject.toml <<'EOT'
[project
EOT
	run --separate-stderr releasekit generate --update
	assert_failure 3
	assert_output ""
	[[ "$stderr" == *"py/packages/broken/pyproject.toml:1:"* ]]
	[[ "$stderr" == *"releasekit generate: discovery failed (exit 3): nothing written"* ]]
	cmp before.star RELEASE.star
	run --separate-stderr releasekit generate
	assert_failure 3
	assert_output ""
	rm -r py/packages/broken
	# no temporary file is left beside it
	run releasekit generate --update
	assert_success
	run ls -A
	refute_output --partial "RELEASE.star."
}

@test "generated groups follow workspaces and directories, never levels; they agree with rk-graph" {
	gen_repo
	run --separate-stderr releasekit generate
	assert_success
	echo "$output" >RELEASE.star
	refute_output --partial "level-"
	grep -Fx 'uv_package(name = "acme-core", group = "py-packages")' RELEASE.star
	grep -Fx 'uv_package(name = "plugin-google", group = "py-plugins")' RELEASE.star
	run --separate-stderr releasekit generate --group-by level
	assert_failure 2
	[[ "$stderr" == *"--group-by level is gone"* ]]
	# the pipeline goes through and orders the core first
	run --separate-stderr bash -c 'set -o pipefail; rk-config | rk-discover --root . | rk-graph --levels'
	assert_success
	assert_output $'level 0: python:acme-core\nlevel 1: python:acme-plugin, python:plugin-google'
}

@test "generate --update leaves a workspace rule written by hand alone" {
	gen_repo
	cat >RELEASE.star <<'EOT'
uv_workspace(
    name = "python",
    root = "py",
)
EOT
	run releasekit generate --update
	assert_success
	run grep -c '_workspace(' RELEASE.star
	assert_output 1
	run rk-config
	assert_success
	# a second update changes nothing
	cp RELEASE.star once.star
	run releasekit generate --update
	assert_success
	cmp once.star RELEASE.star
}

@test "a UTF-8 byte order mark at the start of RELEASE.star is accepted" {
	printf '\xef\xbb\xbfrelease_train(name = "bom")\n' >RELEASE.star
	run --separate-stderr rk-config
	assert_success
	[ "$(echo "$output" | jq -r .name)" = bom ]
	[ "$(echo "$output" | jq -r .location)" = RELEASE.star:1:1 ]
}

@test "release_group(packages = [...]) takes discovered packages without a package rule each" {
	gen_repo
	cat >RELEASE.star <<'EOT'
release_group(name = "plugins", packages = ["plugin-google", "acme-plugin"])
EOT
	run --separate-stderr bash -c 'set -o pipefail; rk-config | rk-discover --root . | rk-graph | rk-plan --no-actions --date 20261130'
	assert_success
	run jq -r 'select(.kind == "release") | "\(.name) \(.group // "-")"' <<<"$output"
	assert_output ""  # nothing committed yet: no release; the group is accepted
	git add -A && git commit -qm "feat: import"
	run --separate-stderr bash -c 'set -o pipefail; rk-config | rk-discover --root . | rk-graph | rk-plan --no-actions --date 20261130'
	assert_success
	echo "$output" | jq -r 'select(.kind == "release") | .name' | sort >actual
	printf '%s\n' acme-core acme-plugin plugin-google >expected
	diff -u expected actual
	# a name that is no package is reported by rk-plan, at the rule
	echo 'release_group(name = "more", packages = ["nope"])' >>RELEASE.star
	run --separate-stderr bash -c 'set -o pipefail; rk-config | rk-discover --root . | rk-graph | rk-plan --no-actions'
	assert_failure 3
	[[ "$stderr" == *"release_group 'more': unknown package 'nope'"* ]]
}

@test "every field rk-config(1) documents is settable in RELEASE.star" {
	local page="$RK_TOP/man/rk-config.1"
	# the ones found documented (by rk-plan(1), rk-exec(1)) but rejected
	for f in propagate changelog_exclude disable_actions bootstrap_commit smoke_test remote_cache extra_paths label tag_format; do
		grep -q "^\.It Fn [a-z_]* \".*\b$f\b" "$page" || {
			echo "not documented in rk-config(1): $f"
			return 1
		}
	done
	# one call per documented builtin, setting every documented field
	"$RK_TOP/.venv/bin/python" - "$page" "$RK_TOP/share/schemas/config.schema.json" >RELEASE.star <<'EOT'
import json, re, sys
page, schema = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
props = {}
for b in schema["allOf"]:
    props[b["if"]["properties"]["rule"]["const"]] = b["then"]["properties"]
refs = {"group": '"g"', "groups": '["g"]', "telemetry": '["t"]', "signing": '["s"]',
        "packages": '["p1"]', "package": '"p1"', "tag_format": '"{name}-v{version}"',
        "nightly_version": '"{version}.dev{date}"', "handler": '["true"]',
        "command": '["true"]', "wrap_build": '["true"]', "wrap_publish": '["true"]',
        "exclude": '[]', "disable_actions": '["smoke_test"]', "order_edges": '["normal", "optional"]',
        "root": '"."', "paths": '["docs"]', "extra_paths": '["docs"]', "bootstrap_commit": '"HEAD"',
        "remote_cache": '"http://127.0.0.1:9/"', "changelog_exclude": '["chore"]',
        "publish_rate": "1.5", "port": "8125", "dashboard_port": "8081"}
def value(name, p):
    if name in refs:
        return refs[name]
    for alt in p.get("anyOf", []):
        if "enum" in alt:
            return json.dumps(alt["enum"][-1])
        if alt.get("type") not in (None, "null"):
            return value(name, alt)
    if "enum" in p:
        return json.dumps(p["enum"][-1])
    if p.get("items", {}).get("enum"):
        return json.dumps([p["items"]["enum"][0]])
    t = p.get("type")
    t = [x for x in t if x != "null"][0] if isinstance(t, list) else t
    return {"string": '"x"', "boolean": "True", "integer": "2", "number": "2",
            "array": '["x"]', "object": '{"k": "v"}'}.get(t, '"x"')
order = ["release_group", "signer", "telemetry_sink"]
calls = []
seen = 0
for m in re.finditer(r'^\.It Fn (\w+) "?([^"\n]*)"?$', page, re.M):
    rule, fields = m.group(1), [f.rstrip("*") for f in m.group(2).split()]
    if rule in ("env", "secret"):
        continue
    args = []
    for f in fields:
        seen += 1
        assert f in props[rule], f"{rule}: {f} is documented but not in the schema"
        v = {"name": '"p1"' if rule.endswith("_package") else '"t"' if rule == "telemetry_sink" else '"s"' if rule == "signer" else '"g"' if rule == "release_group" else '"git"' if rule == "vcs" else '"github"' if rule == "forge" else '"central"' if rule == "config" else '"n"'}.get(f) or value(f, props[rule][f])
        if rule == "config" and f == "mode":
            v = '"central"'
        if rule.endswith("_package") and f == "name":
            v = '"p1"' if rule == "uv_package" else '"p-%s"' % rule.split("_")[0]
        if rule == "release_group" and f == "packages":
            v = '["p1"]'
        args.append(f"{f} = {v}")
    calls.append((order.index(rule) if rule in order else 9, f"{rule}({', '.join(args)})"))
for _, c in sorted(calls, key=lambda c: c[0]):
    print(c)
print(f"# {seen} fields", file=sys.stderr)
EOT
	run --separate-stderr rk-config
	if [ "$status" -ne 0 ]; then
		cat -n RELEASE.star
		echo "$stderr"
	fi
	assert_success
	echo "$output" >cfg.ndjson
	validate_records cfg.ndjson
	# each call's record carries the fields it set
	run jq -c 'select(.rule == "release_train") | [.propagate, .changelog_exclude, .disable_actions, .bootstrap_commit, .smoke_test, .remote_cache]' cfg.ndjson
	assert_output '["none",["chore"],["smoke_test"],"HEAD",true,"http://127.0.0.1:9/"]'
	run jq -r 'select(.rule == "release_group" or .rule == "uv_package") | "\(.rule) \(.tag_format) \(.label // "-") \(.extra_paths // "-")"' cfg.ndjson
	assert_output 'release_group {name}-v{version} - -
uv_package {name}-v{version} x ["docs"]'
}

@test "package-rule label, tag_format and extra_paths, group tag_format, propagate and disable_actions reach rk-plan" {
	gen_repo
	cat >RELEASE.star <<'EOT'
uv_package(name = "acme-core", label = "core", tag_format = "{label}@{version}", extra_paths = ["docs"])
release_group(name = "plugins", packages = ["plugin-google"], tag_format = "plugins/{name}/v{version}")
release_train(name = "default", groups = ["plugins"], propagate = "none", disable_actions = ["smoke_test"])
EOT
	mkdir docs && echo a >docs/guide.md
	git add -A && git commit -qm "chore: import"
	git tag core@1.0.0 && git tag plugins/plugin-google/v1.0.0 && git tag acme-plugin-v1.0.0
	echo b >>docs/guide.md
	git add -A && git commit -qm "fix: a documented bug"
	rk-config >cfg.ndjson
	rk-discover --root . <cfg.ndjson >pkgs.ndjson
	validate_records pkgs.ndjson
	run jq -c 'select(.kind == "package" and .name == "acme-core") | [.label, .tag_format, .extra_paths]' pkgs.ndjson
	assert_output '["core","{label}@{version}",["docs"]]'
	run --separate-stderr rk-plan --date 20261130 <pkgs.ndjson
	assert_success
	echo "$output" >plan.ndjson
	# the docs change counts for acme-core (extra path); propagate = none: no dependent follows
	run jq -r 'select(.kind == "release") | "\(.name) \(.next) \(.tag) \(.previous_tag)"' plan.ndjson
	assert_output "acme-core 1.0.1 core@1.0.1 core@1.0.0"
	run jq -r 'select(.kind == "action") | .type' plan.ndjson
	refute_output --partial smoke_test
	assert_output --partial publish
}

@test "reverts: a Refs footer with several ids cancels them all; a bare revert: header cancels its commit; reverting no-bump work bumps nothing" {
	make_git_repo repo
	rpkg a npm a 1.0.0
	rpkg b npm b 1.0.0
	rpkg c npm c 1.0.0
	commit a "chore: import"
	git -C repo tag a-v1.0.0 && git -C repo tag b-v1.0.0 && git -C repo tag c-v1.0.0
	commit a "feat: one"
	local one=$(git -C repo rev-parse HEAD)
	commit a "feat!: two"
	local two=$(git -C repo rev-parse --short HEAD)
	# the form of the Conventional Commits specification's own revert example
	commit a "$(printf 'revert: let us never again speak of the noodle incident\n\nRefs: %s, %s' "${one:0:7}" "$two")"
	commit b "feat: shiny"
	commit b "revert: feat: shiny"
	commit c "docs: a typo"
	git -C repo tag c-v1.0.1 # (released)
	commit c "revert: docs: a typo"
	run vers
	assert_success
	assert_output ""
	# without the revert, a's feat! would make 2.0.0
	git -C repo reset -q --hard HEAD~5
	run vers
	assert_output "a 1.0.0 -> 2.0.0"
}

@test "several BREAKING CHANGE footers all reach the changelog, each with the commit's subject" {
	make_git_repo repo
	rpkg a npm a 1.0.0
	commit a "chore: import"
	git -C repo tag a-v1.0.0
	commit a "$(printf 'feat(api): new client\n\nBody text.\n\nBREAKING CHANGE: connect() is gone\nBREAKING CHANGE: timeouts are in seconds\nReviewed-by: Z')"
	run vers
	assert_output "a 1.0.0 -> 2.0.0"
	run jq -r 'select(.kind == "release") | .changelog' plan.out
	assert_output --partial "### Breaking Changes

- **api:** new client: connect() is gone ($(git -C repo rev-parse --short=7 HEAD))
- **api:** new client: timeouts are in seconds ($(git -C repo rev-parse --short=7 HEAD))"
}

@test "a new pre-release continues the highest pre-release line of its channel" {
	make_git_repo repo
	rpkg a npm a 1.2.0
	rpkg b python b 1.2.0
	commit a "chore: import"
	git -C repo tag a-v1.2.0 && git -C repo tag b-v1.2.0
	# (a feat since 1.2.0 alone would start a new line: 1.3.0-rc.1)
	commit a "feat: big"
	commit b "feat: big"
	git -C repo tag a-v1.4.0-rc.3 && git -C repo tag b-v1.4.0rc3
	git -C repo tag a-v1.4.0-beta.7 # another channel's line does not count
	commit a "fix: small"
	commit b "fix: small"
	rk-plan -C repo --date 20261130 --no-actions --channel rc <in.ndjson >plan.out
	run jq -r 'select(.kind == "release") | "\(.name) \(.next)"' plan.out
	assert_output "a 1.4.0-rc.4
b 1.4.0rc4"
	# a higher line of another label is not this channel's
	git -C repo tag a-v1.5.0-alpha.1 a-v1.4.0-rc.3
	rk-plan -C repo --date 20261130 --no-actions --channel rc <in.ndjson >plan.out
	run jq -r 'select(.kind == "release" and .name == "a") | .next' plan.out
	assert_output "1.4.0-rc.4"
}

@test "two nightlies of one day differ; one commit always gets the same nightly" {
	make_git_repo repo
	rpkg a npm a 1.0.0
	rpkg b python b 1.0.0
	commit a "chore: import"
	git -C repo tag a-v1.0.0 && git -C repo tag b-v1.0.0
	commit a "fix: morning"
	commit b "fix: morning"
	nightly() {
		rk-plan -C repo --date 20261130 --nightly --no-actions <in.ndjson >plan.out || return
		jq -r 'select(.kind == "release") | .next' plan.out | tr '\n' ' '
	}
	run nightly
	assert_success
	local morning=$output
	assert_equal "$morning" "1.0.1-nightly.20261130.3 1.0.1.dev20261130000003 "
	run nightly
	assert_equal "$output" "$morning"
	commit a "fix: evening"
	run nightly
	assert_equal "$output" "1.0.1-nightly.20261130.4 1.0.1.dev20261130000004 "
	# a template makes them unique with {n}
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}-dev.{date}{n}"}' >>in.ndjson
	run nightly
	assert_equal "$output" "1.0.1-dev.202611304 1.0.1.dev202611304 "
}

@test "on the rc channel a dependent's changelog names the dependency's pre-release, not its last stable version" {
	make_git_repo repo
	printf '{"kind":"package","name":"a","version":"1.0.0","ecosystem":"npm","manager":"pnpm","path":"a","manifest":"a/package.json","publishable":true,"deps":[{"name":"lib","ecosystem":"npm","spec":"^1","type":"normal"}]}\n' >in.ndjson
	rpkg lib npm lib 1.0.0
	commit a "chore: import"
	commit lib "chore: import"
	git -C repo tag a-v1.0.0 && git -C repo tag lib-v1.0.0
	commit lib "feat: new"
	# released on the rc channel in the same run: its next version
	rk-plan -C repo --date 20261130 --no-actions --channel rc <in.ndjson >plan.out
	run jq -r 'select(.kind == "release" and .name == "a") | .changelog' plan.out
	assert_output --partial "- lib 1.1.0-rc.1"
	# released before (tagged), the dependent follows later: still the pre-release
	git -C repo tag lib-v1.1.0-rc.1
	commit a "chore: touch"
	rk-plan -C repo --date 20261130 --no-actions --channel rc <in.ndjson >plan.out
	run jq -r 'select(.kind == "release" and .name == "a") | .changelog' plan.out
	assert_output --partial "- lib 1.1.0-rc.1"
	refute_output --partial "- lib 1.0.0"
}

@test "rk-plan: a package cycle is named with each edge's type and manifest line; an optional edge does not order" {
	make_git_repo cyc
	cd cyc
	mkdir a b
	printf '[project]\nname = "pa"\nversion = "1.0.0"\ndependencies = ["pb"]\n' >a/pyproject.toml
	printf '[project]\nname = "pb"\nversion = "1.0.0"\ndependencies = ["pa"]\n' >b/pyproject.toml
	printf '[tool.uv.workspace]\nmembers = ["a", "b"]\n' >pyproject.toml
	git add -A
	git commit -q -m "feat: x"
	rk-discover >pkgs
	run --separate-stderr rk-plan pkgs
	assert_failure 3
	[ -z "$output" ]
	[ "$stderr" = "rk-plan: pkgs:1: package cycle: python:pa -(normal, a/pyproject.toml:4)-> python:pb -(normal, b/pyproject.toml:4)-> python:pa: no publish order exists (only normal, build and peer dependencies order a release; release_train(order_edges = ...) chooses others)" ]
	# the core's extras name the plugin that depends on the core: no cycle
	bs='[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
	printf "[project]\nname = \"pa\"\nversion = \"1.0.0\"\ndependencies = [\"pb\"]\n$bs" >a/pyproject.toml
	printf "[project]\nname = \"pb\"\nversion = \"1.0.0\"\n[project.optional-dependencies]\nx = [\"pa\"]\n$bs" >b/pyproject.toml
	git commit -q -am "fix: y"
	rk-discover >pkgs
	run --separate-stderr rk-plan pkgs
	assert_success
	printf '%s\n' "$output" >plan
	[ "$(jq -c 'select(.id == "publish:python:pb") | .deps' plan)" = '["sign:python:pb"]' ]
	[ "$(jq -c 'select(.id == "publish:python:pa") | .deps' plan)" = '["sign:python:pa","poll:python:pb"]' ]
}
