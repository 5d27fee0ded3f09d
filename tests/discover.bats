#!/usr/bin/env bats
# rk-discover: workspaces, packages, edges, errors, config records.

load test_helper

setup() {
	local home=$HOME
	setup_common
	# cargo through rustup needs the real toolchain directories
	export RUSTUP_HOME="${RUSTUP_HOME:-$home/.rustup}" CARGO_HOME="${CARGO_HOME:-$home/.cargo}"
}

# w PATH: write stdin to PATH (directories created).
w() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

# disc [ARGS]: run rk-discover on $T without stdin into out.ndjson, check the schema.
disc() {
	rk-discover --no-stdin --root . "$@" >out.ndjson
	validate_records out.ndjson
}

# brief: one line per package: eco:name version manager path publishable
brief() {
	jq -r 'select(.kind=="package") | "\(.ecosystem):\(.name) \(.version) \(.manager) \(.path) \(.publishable)"' out.ndjson
}

# edges: one line per edge: eco:name -> eco:dep spec type [group] [marker] [cross]
edges() {
	jq -r 'select(.kind=="package") | . as $p | .deps[] |
	  "\($p.ecosystem):\($p.name) -> \(.ecosystem):\(.name) \(.spec|if .=="" then "*" else . end) \(.type)" +
	  (if .group then " group=\(.group)" else "" end) +
	  (if .marker then " marker=\(.marker)" else "" end) + (if .cross then " cross" else "" end)' out.ndjson
}

uv_fixture() {
	w pyproject.toml <<'EOT'
[project]
name = "root-app"
version = "1.0.0"
dependencies = ["Acme_Core[fast] >=1.0 ; python_version >= '3.9'", "requests>=2"]

[tool.uv.sources]
acme-core = { workspace = true }

[tool.uv.workspace]
members = ["packages/*", "tools/**"]
exclude = ["packages/scratch"]
EOT
	w packages/core/pyproject.toml <<'EOT'
[project]
name = "acme.core"
version = "1.2.0"
description = "Core"
dependencies = []
EOT
	w packages/cli/pyproject.toml <<'EOT'
[project]
name = "ACME-cli"
dynamic = ["version"]
dependencies = ["acme_core (>=1.1)"]

[project.optional-dependencies]
tui = ["acme-widgets"]

[dependency-groups]
test = ["acme-testkit", {include-group = "lint"}]
lint = ["ruff"]

[build-system]
requires = ["hatchling", "acme-buildtool"]
build-backend = "hatchling.build"
EOT
	w packages/scratch/pyproject.toml <<'EOT'
[project]
name = "scratch"
version = "0.0.1"
EOT
	w tools/deep/widgets/pyproject.toml <<'EOT'
[project]
name = "acme_widgets"
version = "0.3.0"
classifiers = ["Private :: Do Not Upload"]
EOT
	w tools/testkit/pyproject.toml <<'EOT'
[project]
name = "acme-testkit"
version = "0.1.0"
EOT
	w tools/buildtool/pyproject.toml <<'EOT'
[project]
name = "acme-buildtool"
version = "0.1.0"
EOT
	w tools/nopkg/pyproject.toml <<'EOT'
[tool.black]
line-length = 100
EOT
}

@test "uv workspace: members and exclude globs, PEP 503 names, typed edges, dynamic version" {
	uv_fixture
	disc
	cat >expected <<'EOT'
python:ACME-cli null uv packages/cli true
python:acme-buildtool 0.1.0 uv tools/buildtool false
python:acme-testkit 0.1.0 uv tools/testkit false
python:acme.core 1.2.0 uv packages/core false
python:acme_widgets 0.3.0 uv tools/deep/widgets false
python:root-app 1.0.0 uv . false
EOT
	brief >actual
	diff -u expected actual
	cat >expected <<'EOT'
python:ACME-cli -> python:acme.core >=1.1 normal
python:ACME-cli -> python:acme_widgets * optional group=tui
python:ACME-cli -> python:acme-testkit * dev group=test
python:ACME-cli -> python:acme-buildtool * build
python:root-app -> python:acme.core >=1.0 normal marker=python_version >= '3.9'
EOT
	edges >actual
	diff -u expected actual
	run jq -r 'select(.name=="ACME-cli") | "\(.version_source) \(.workspace)"' out.ndjson
	assert_output "dynamic ."
	run jq -r 'select(.name=="acme.core") | "\(.version_source) \(.description)"' out.ndjson
	assert_output "static Core"
}

@test "uv workspace: cross-check with uv lock (names, versions, paths, edges)" {
	command -v uv >/dev/null || skip "uv not installed"
	w pyproject.toml <<'EOT'
[project]
name = "root-app"
version = "1.0.0"
requires-python = ">=3.9"
dependencies = ["Acme_B"]

[tool.uv.sources]
acme-b = { workspace = true }

[tool.uv.workspace]
members = ["packages/*"]
exclude = ["packages/c"]
EOT
	w packages/a/pyproject.toml <<'EOT'
[project]
name = "acme.a"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = []
EOT
	w packages/b/pyproject.toml <<'EOT'
[project]
name = "Acme_B"
version = "0.2.0"
requires-python = ">=3.9"
dependencies = ["acme-a>=0.1"]
[tool.uv.sources]
acme-a = { workspace = true }
EOT
	w packages/c/pyproject.toml <<'EOT'
[project]
name = "c-excluded"
version = "9.9.9"
EOT
	UV_CACHE_DIR="$BATS_TEST_TMPDIR/uvcache" uv lock --offline -q
	"$RK_TOP/.venv/bin/python" - >expected <<'EOT'
import tomllib
lock = tomllib.load(open("uv.lock", "rb"))
for p in sorted(lock["package"], key=lambda p: p["name"]):
    src = p["source"]
    path = src.get("editable") or src.get("virtual") or src.get("directory")
    deps = ",".join(sorted(d["name"] for d in p.get("dependencies", [])))
    print(p["name"], p["version"], path, deps)
EOT
	disc
	jq -r 'select(.kind=="package") | [.name, .version, .path, ([.deps[].name] | sort | join(","))] | join(" ")' out.ndjson |
		"$RK_TOP/.venv/bin/python" -c '
import re, sys
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
rows = []
for line in sys.stdin:
    name, ver, path, deps = (line.rstrip("\n").split(" ") + [""])[:4]
    rows.append((norm(name), ver, path, ",".join(sorted(norm(d) for d in deps.split(",") if d))))
for r in sorted(rows):
    print(*r)' >actual
	diff -u expected actual
}

@test "pnpm workspace: globs with ! exclusions, workspace: protocol, typed edges, private" {
	w pnpm-workspace.yaml <<'EOT'
# comment
packages:
  - "packages/*"
  - 'apps/**'
  - "!**/fixtures/**"
  - "!packages/old"
EOT
	w package.json <<'EOT'
{"name": "monorepo", "private": true, "workspaces": ["ignored/*"], "devDependencies": {"@acme/tool": "workspace:*"}}
EOT
	w packages/core/package.json <<'EOT'
{"name": "@acme/core", "version": "1.0.0", "description": "Core"}
EOT
	w packages/ui/package.json <<'EOT'
{
  "name": "@acme/ui",
  "version": "2.0.0",
  "dependencies": {"@acme/core": "workspace:^", "react": "^18"},
  "peerDependencies": {"@acme/theme": "workspace:~"},
  "optionalDependencies": {"@acme/icons": "1.2.3"},
  "devDependencies": {"@acme/tool": "workspace:1.0.0", "alias": "npm:@acme/core@1"}
}
EOT
	w packages/old/package.json <<'EOT'
{"name": "@acme/old", "version": "0.0.1"}
EOT
	w packages/ui/test/fixtures/pkg/package.json <<'EOT'
{"name": "@acme/fixture", "version": "0.0.1"}
EOT
	w apps/web/theme/package.json <<'EOT'
{"name": "@acme/theme", "version": "3.0.0"}
EOT
	w apps/icons/package.json <<'EOT'
{"name": "@acme/icons", "version": "1.2.3"}
EOT
	w apps/tool/package.json <<'EOT'
{"name": "@acme/tool", "version": "1.0.0", "private": true}
EOT
	disc
	cat >expected <<'EOT'
npm:@acme/core 1.0.0 pnpm packages/core true
npm:@acme/icons 1.2.3 pnpm apps/icons true
npm:@acme/theme 3.0.0 pnpm apps/web/theme true
npm:@acme/tool 1.0.0 pnpm apps/tool false
npm:@acme/ui 2.0.0 pnpm packages/ui true
npm:monorepo null pnpm . false
EOT
	brief >actual
	diff -u expected actual
	cat >expected <<'EOT'
npm:@acme/ui -> npm:@acme/core workspace:^ normal
npm:@acme/ui -> npm:@acme/tool workspace:1.0.0 dev
npm:@acme/ui -> npm:@acme/theme workspace:~ peer
npm:monorepo -> npm:@acme/tool workspace:* dev
EOT
	edges >actual
	diff -u expected actual
	run jq -r 'select(.name=="@acme/tool") | "\(.private) \(.workspace)"' out.ndjson
	assert_output "true ."
	if command -v pnpm >/dev/null; then
		pnpm ls -r --depth -1 --json >pnpm.json
		jq -r --arg top "$PWD" '.[] | "\(.name) \(.path | ltrimstr($top) | ltrimstr("/") | if .=="" then "." else . end)"' pnpm.json | sort >expected
		jq -r 'select(.kind=="package") | "\(.name) \(.path)"' out.ndjson | sort >actual
		diff -u expected actual
	fi
}

@test "npm workspaces (array) and yarn workspaces ({packages}, yarn.lock)" {
	mkdir npm yarn
	w npm/package.json <<'EOT'
{"name": "npm-root", "private": true, "workspaces": ["libs/*"]}
EOT
	w npm/libs/a/package.json <<'EOT'
{"name": "a", "version": "1.0.0", "dependencies": {"b": "^1.0.0"}}
EOT
	w npm/libs/b/package.json <<'EOT'
{"name": "b", "version": "1.1.0"}
EOT
	w yarn/package.json <<'EOT'
{"name": "yarn-root", "private": true, "workspaces": {"packages": ["pkgs/*"], "nohoist": []}}
EOT
	touch yarn/yarn.lock
	w yarn/pkgs/c/package.json <<'EOT'
{"name": "c", "version": "0.1.0", "devDependencies": {"a": "*"}}
EOT
	disc
	cat >expected <<'EOT'
npm:a 1.0.0 npm npm/libs/a true
npm:b 1.1.0 npm npm/libs/b true
npm:c 0.1.0 yarn yarn/pkgs/c true
npm:npm-root null npm npm false
npm:yarn-root null yarn yarn false
EOT
	brief >actual
	diff -u expected actual
	cat >expected <<'EOT'
npm:a -> npm:b ^1.0.0 normal
npm:c -> npm:a * dev
EOT
	edges >actual
	diff -u expected actual
}

cargo_fixture() {
	w Cargo.toml <<'EOT'
[workspace]
resolver = "2"
members = ["crates/*", "tools/gen"]
exclude = ["crates/experimental"]

[workspace.package]
version = "0.7.0"
description = "Shared description"
publish = false

[workspace.dependencies]
acme_core = { path = "crates/core", version = "0.7" }
serde = "1"
EOT
	w crates/core/Cargo.toml <<'EOT'
[package]
name = "acme_core"
version.workspace = true
description.workspace = true
publish = true
EOT
	w crates/cli/Cargo.toml <<'EOT'
[package]
name = "acme-cli"
version = "1.0.0"
edition = "2021"

[dependencies]
acme_core = { workspace = true }
serde = { workspace = true }
help = { package = "helper", path = "../../helper", version = "0.1" }

[dev-dependencies]
acme-gen = { path = "../../tools/gen" }

[build-dependencies]
acme_core = { workspace = true }

[target.'cfg(unix)'.dependencies]
acme_core = { workspace = true, optional = true }
EOT
	w crates/experimental/Cargo.toml <<'EOT'
[package]
name = "experimental"
version = "0.0.1"
EOT
	w tools/gen/Cargo.toml <<'EOT'
[package]
name = "acme-gen"
version.workspace = true
publish.workspace = true
EOT
	w helper/Cargo.toml <<'EOT'
[package]
name = "helper"
version = "0.1.0"
EOT
	for d in crates/core crates/cli crates/experimental tools/gen helper; do w $d/src/lib.rs </dev/null; done
}

@test "cargo workspace: globs, exclude, path and workspace deps, inheritance, typed edges, publish" {
	cargo_fixture
	disc
	cat >expected <<'EOT'
cargo:acme-cli 1.0.0 cargo crates/cli true
cargo:acme-gen 0.7.0 cargo tools/gen false
cargo:acme_core 0.7.0 cargo crates/core true
cargo:helper 0.1.0 cargo helper true
EOT
	brief >actual
	diff -u expected actual
	cat >expected <<'EOT'
cargo:acme-cli -> cargo:acme_core 0.7 normal
cargo:acme-cli -> cargo:helper 0.1 normal
cargo:acme-cli -> cargo:acme-gen * dev
cargo:acme-cli -> cargo:acme_core 0.7 build
cargo:acme-cli -> cargo:acme_core 0.7 optional
EOT
	edges >actual
	diff -u expected actual
	run jq -r 'select(.name=="acme_core") | "\(.version_source) \(.description) \(.workspace)"' out.ndjson
	assert_output "workspace Shared description ."
	# helper is a member only as a path dependency inside the workspace directory
	run jq -r 'select(.name=="helper") | .workspace' out.ndjson
	assert_output "."
}

@test "cargo workspace: cross-check with cargo metadata --no-deps" {
	command -v cargo >/dev/null || skip "cargo not installed"
	cargo_fixture
	cargo metadata --no-deps --format-version 1 --offline >meta.json
	jq -r --arg top "$PWD" '.packages[] | . as $p | "\(.name) \(.version) \(.manifest_path | ltrimstr($top + "/")) \(.publish != [])", (.dependencies[] | select(.path) | "  \($p.name) -> \(.name) \(.kind // "normal")")' meta.json | sort -u >expected
	disc
	jq -r '"\(.name) \(.version) \(.manifest) \(.publishable)", (. as $p | .deps[] | "  \($p.name) -> \(.name) \(.type | if . == "optional" then "normal" else . end)")' out.ndjson | sort -u >actual
	diff -u expected actual
}

@test "standalone packages of every kind, lock files pick the npm manager" {
	w py/pyproject.toml <<'EOT'
[project]
name = "solo-py"
version = "0.1.0"
EOT
	w js/package.json <<'EOT'
{"name": "solo-js", "version": "0.2.0", "dependencies": {"solo-js2": "^1"}}
EOT
	w js/pnpm-lock.yaml </dev/null
	w js2/package.json <<'EOT'
{"name": "solo-js2", "version": "1.0.0"}
EOT
	w rs/Cargo.toml <<'EOT'
[package]
name = "solo-rs"
version = "0.3.0"
EOT
	w rs2/Cargo.toml <<'EOT'
[package]
name = "solo-rs2"
EOT
	disc
	cat >expected <<'EOT'
cargo:solo-rs 0.3.0 cargo rs true
cargo:solo-rs2 0.0.0 cargo rs2 false
npm:solo-js 0.2.0 pnpm js true
npm:solo-js2 1.0.0 npm js2 true
python:solo-py 0.1.0 uv py false
EOT
	brief >actual
	diff -u expected actual
	run jq -r 'select(.kind=="package") | "\(.name) \(.workspace) \(.version_source)"' out.ndjson
	assert_output - <<'EOT'
solo-rs null static
solo-rs2 null default
solo-js null static
solo-js2 null static
solo-py null static
EOT
	edges >actual
	echo "npm:solo-js -> npm:solo-js2 ^1 normal" >expected
	diff -u expected actual
}

@test "several workspaces in one repository; maturin: a python package that owns a crate" {
	w pnpm-workspace.yaml <<'EOT'
packages: ["packages/*"]
EOT
	w package.json <<'EOT'
{"name": "root", "private": true}
EOT
	w packages/web/package.json <<'EOT'
{"name": "web", "version": "1.0.0"}
EOT
	w python/pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["libs/*"]
EOT
	w python/libs/core/pyproject.toml <<'EOT'
[project]
name = "core"
version = "0.1.0"
dependencies = ["fast-ext>=2"]
EOT
	w python/libs/ext/pyproject.toml <<'EOT'
[project]
name = "fast-ext"
version = "2.0.0"
[build-system]
requires = ["maturin>=1,<2"]
build-backend = "maturin"
EOT
	w python/libs/ext/Cargo.toml <<'EOT'
[package]
name = "fast-ext-rs"
version = "2.0.0"
[lib]
crate-type = ["cdylib"]
EOT
	w rust/Cargo.toml <<'EOT'
[workspace]
members = ["bindings"]
EOT
	w rust/bindings/Cargo.toml <<'EOT'
[package]
name = "bindings"
version = "0.4.0"
EOT
	w rust/bindings/pyproject.toml <<'EOT'
[project]
name = "acme-bindings"
version = "0.4.0"
[build-system]
requires = ["maturin"]
build-backend = "maturin"
EOT
	disc
	cat >expected <<'EOT'
cargo:bindings 0.4.0 cargo rust/bindings true
npm:root null pnpm . false
npm:web 1.0.0 pnpm packages/web true
python:acme-bindings 0.4.0 uv rust/bindings true
python:core 0.1.0 uv python/libs/core false
python:fast-ext 2.0.0 uv python/libs/ext true
EOT
	brief >actual
	diff -u expected actual
	run jq -r 'select(.crate) | "\(.name) owns \(.crate)"' out.ndjson
	assert_output - <<'EOT'
acme-bindings owns bindings
fast-ext owns fast-ext-rs
EOT
	edges >actual
	echo "python:core -> python:fast-ext >=2 normal" >expected
	diff -u expected actual
}

@test "a duplicate name in one ecosystem is an error naming both manifests" {
	w pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["*"]
EOT
	w a/pyproject.toml <<'EOT'
[project]
name = "Acme_Core"
version = "1"
EOT
	w b/pyproject.toml <<'EOT'
# another one

[project]
name = "acme.core"
version = "2"
EOT
	w c/package.json <<'EOT'
{"name": "acme-core", "version": "1.0.0"}
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[ -z "$output" ]
	[ "$stderr" = "rk-discover: b/pyproject.toml:4:8: duplicate python package 'acme.core' (also in a/pyproject.toml)" ]
	run --separate-stderr rk-discover --no-stdin --root . --keep-going
	assert_success
	[ "${stderr_lines[0]}" = "rk-discover: b/pyproject.toml:4:8: duplicate python package 'acme.core' (also in a/pyproject.toml)" ]
	[ "${stderr_lines[1]}" = "rk-discover: warning: b/pyproject.toml: skipped (--keep-going)" ]
	[ "$(echo "$output" | jq -r .name | tr '\n' ' ')" = "acme-core Acme_Core " ]
}

@test "malformed manifests: file:line:col and exit 3; --keep-going warns and skips" {
	# inside workspaces (as members), a manifest that cannot be read is fatal
	w pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["*"]
EOT
	w package.json <<'EOT'
{"workspaces": ["*"]}
EOT
	w Cargo.toml <<'EOT'
[workspace]
members = ["bad-type"]
EOT
	w ok/pyproject.toml <<'EOT'
[project]
name = "ok"
version = "1.0.0"
EOT
	w bad-toml/pyproject.toml <<'EOT'
[project]
name = "bad"
version = 1.0.0
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[[ "$stderr" == "rk-discover: bad-toml/pyproject.toml:3:"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	rm -r bad-toml

	w bad-json/package.json <<'EOT'
{
  "name": "x",
  "version": "1.0.0"
  "private": true
}
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[[ "$stderr" == "rk-discover: bad-json/package.json:4:"* ]]
	rm -r bad-json

	w bad-yaml/pnpm-workspace.yaml <<'EOT'
packages:
  - "a
  - b
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[[ "$stderr" == "rk-discover: bad-yaml/pnpm-workspace.yaml:"* ]]
	rm -r bad-yaml

	w bad-req/pyproject.toml <<'EOT'
[project]
name = "bad-req"
version = "1"
dependencies = [
    "good>=1",
    "bad name>=1",
]
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[ "$stderr" = "rk-discover: bad-req/pyproject.toml:6:10: invalid requirement 'bad name>=1': expected a version specifier, '@' or ';'" ]

	w bad-type/Cargo.toml <<'EOT'
[package]
name = "bt"
version = "1.0.0"
publish = "nope"
EOT
	w bad-ws/package.json <<'EOT'
{"name": "w", "workspaces": "packages/*"}
EOT
	run --separate-stderr rk-discover --no-stdin --root . --keep-going
	assert_success
	cat >expected <<'EOT'
rk-discover: bad-req/pyproject.toml:6:10: invalid requirement 'bad name>=1': expected a version specifier, '@' or ';'
rk-discover: warning: bad-req/pyproject.toml: skipped (--keep-going)
rk-discover: bad-type/Cargo.toml:4:11: 'publish' must be a boolean or an array of registries
rk-discover: warning: bad-type/Cargo.toml: skipped (--keep-going)
rk-discover: bad-ws/package.json:1:29: 'workspaces' must be an array of strings
rk-discover: warning: bad-ws/package.json: skipped (--keep-going)
EOT
	printf '%s\n' "${stderr_lines[@]}" >actual
	diff -u expected actual
	[ "$(echo "$output" | jq -r .name)" = "ok" ]
}

@test "cargo: version.workspace = true outside a workspace is an error at the version" {
	w Cargo.toml <<'EOT'
[package]
name = "bi"
version.workspace = true
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[ "$stderr" = "rk-discover: Cargo.toml:3:1: version.workspace = true but the package is in no workspace" ]
}

example_config() {
	cat <<'EOT'
{"kind":"config","rule":"uv_workspace","location":"RELEASE.star:7:13","name":"acme-py","root":"python","members":["packages/*"]}
{"kind":"config","rule":"pnpm_workspace","location":"RELEASE.star:8:15","name":"acme-js","root":".","packages":["packages/*"]}
{"kind":"config","rule":"cargo_workspace","location":"RELEASE.star:9:16","name":"acme-rs","root":"rust","members":["crates/*"]}
{"kind":"note","text":"passed through"}
{"kind":"config","rule":"uv_package","location":"RELEASE.star:11:11","name":"Acme_Core","group":"core"}
{"kind":"config","rule":"uv_package","location":"RELEASE.star:12:11","name":"acme-cli","group":"apps","cross_deps":["cargo:fastcore","@acme/web-core"]}
{"kind":"config","rule":"pnpm_package","location":"RELEASE.star:13:13","name":"@acme/web-ui","publish":false}
{"kind":"config","rule":"cargo_package","location":"RELEASE.star:15:14","name":"fastcli","skip":true,"group":"apps"}
{"kind":"config","rule":"release_train","location":"RELEASE.star:20:1","name":"default"}
EOT
}

@test "config records: passed through first and in order; workspaces, group, skip, publish, cross_deps" {
	cp -R "$RK_TOP/share/example/." .
	# not in any configured workspace: ignored when config declares workspaces
	w standalone/pyproject.toml <<'EOT'
[project]
name = "standalone"
version = "1"
EOT
	example_config >config.ndjson
	rk-discover --root . <config.ndjson >all.ndjson
	head -n 9 all.ndjson >head.ndjson
	diff -u config.ndjson head.ndjson
	grep '"kind":"package"' all.ndjson >out.ndjson
	validate_records out.ndjson
	cat >expected <<'EOT'
cargo:fastcli 0.5.0 cargo rust/crates/fastcli false
cargo:fastcore 0.5.0 cargo rust/crates/fastcore true
npm:@acme/web-core 1.4.0 pnpm packages/web-core true
npm:@acme/web-ui 1.1.2 pnpm packages/web-ui false
npm:acme-monorepo 0.0.0 pnpm . false
python:acme-cli 0.2.0 uv python/packages/acme-cli true
python:acme-core 0.3.1 uv python/packages/acme-core true
EOT
	brief >actual
	diff -u expected actual
	run jq -r 'select(.group or .skip) | "\(.name) \(.group) \(.skip)"' out.ndjson
	assert_output - <<'EOT'
fastcli apps true
acme-cli apps null
acme-core core null
EOT
	edges >actual
	cat >expected <<'EOT'
cargo:fastcli -> cargo:fastcore 0.5.0 normal
npm:@acme/web-ui -> npm:@acme/web-core workspace:^ normal
python:acme-cli -> python:acme-core >=0.3.0 normal
python:acme-cli -> cargo:fastcore * normal cross
python:acme-cli -> npm:@acme/web-core * normal cross
EOT
	diff -u expected actual
}

@test "config records: a workspace rule without members takes the manifest's" {
	cp -R "$RK_TOP/share/example/." .
	echo '{"kind":"config","rule":"cargo_workspace","location":"RELEASE.star:1:1","name":"rs","root":"rust"}' |
		rk-discover --root . >out.ndjson
	run jq -r 'select(.kind=="package") | .name' out.ndjson
	assert_output - <<'EOT'
fastcli
fastcore
EOT
	# pnpm_workspace takes pnpm-workspace.yaml's packages, not a workspaces field
	jq '. + {workspaces: ["python/*"]}' package.json >p.json && mv p.json package.json
	echo '{"kind":"config","rule":"pnpm_workspace","location":"RELEASE.star:1:1","name":"js","root":"."}' |
		rk-discover --root . >out.ndjson
	run jq -r 'select(.kind=="package") | "\(.name) \(.manager)"' out.ndjson
	assert_output - <<'EOT'
@acme/web-core pnpm
@acme/web-ui pnpm
acme-monorepo pnpm
EOT
}

@test "config records: unknown packages and bad cross_deps are errors at the config location" {
	cp -R "$RK_TOP/share/example/." .
	run --separate-stderr rk-discover --root . <<'EOT'
{"kind":"config","rule":"uv_package","location":"RELEASE.star:11:1","name":"nope"}
EOT
	assert_failure 3
	[ "$stderr" = "rk-discover: RELEASE.star:11:1: uv_package: no python package named 'nope'" ]
	run --separate-stderr rk-discover --root . <<'EOT'
{"kind":"config","rule":"cargo_package","location":"RELEASE.star:4:2","name":"fastcore","cross_deps":["python:acme-nope"]}
EOT
	assert_failure 3
	[ "$stderr" = "rk-discover: RELEASE.star:4:2: cargo_package 'fastcore': cross_deps names no package: 'python:acme-nope'" ]
	run --separate-stderr rk-discover --root . <<'EOT'
{"kind":"config","rule":"npm_package","location":"RELEASE.star:5:3","name":"@acme/web-ui","skip":"yes"}
EOT
	assert_failure 3
	[ "$stderr" = 'rk-discover: RELEASE.star:5:3: skip: expected boolean, found "yes"' ]
	run --separate-stderr rk-discover --root . <<'EOT'
{"kind":"config","rule":"uv_package"
EOT
	assert_failure 3
	[[ "$stderr" == "rk-discover: <stdin>:1:"* ]]
	run --separate-stderr rk-discover --root . <<'EOT'
{"kind":"config","rule":"uv_workspace","location":"RELEASE.star:2:1","name":"py","root":"pyhton"}
EOT
	assert_failure 3
	[ "$stderr" = "rk-discover: RELEASE.star:2:1: workspace root 'pyhton' is not a directory" ]
}

@test "stdin: read unless --no-stdin; '-' reads it; the default root is the git top level" {
	cp -R "$RK_TOP/share/example/." .
	echo '{"kind":"note"}' | rk-discover --root . --no-stdin >out
	run grep -c note out
	assert_output 0
	echo '{"kind":"note"}' | rk-discover --root . - >out
	run head -n1 out
	assert_output '{"kind":"note"}'
	# outside a git repository: the current directory
	(cd python && rk-discover --no-stdin) >out
	run jq -r .path out
	assert_output - <<'EOT'
packages/acme-cli
packages/acme-core
EOT
	make_git_repo .
	(cd python/packages && rk-discover --no-stdin) >out
	[ "$(wc -l <out)" -eq 7 ]
	run rk-discover --no-stdin --root ./no-such-dir
	assert_failure 2
	assert_output "rk-discover: --root ./no-such-dir: No such file or directory"
	run rk-discover --no-stdin extra
	assert_failure 2
}

@test "gen-monorepo: deterministic, discovered in full, history with release tags" {
	"$RK_TOP/scripts/gen-monorepo" --seed 7 60 a
	"$RK_TOP/scripts/gen-monorepo" --seed 7 60 b
	diff -r a b
	(cd a && rk-discover --no-stdin --root .) >out.ndjson
	validate_records out.ndjson
	run jq -r .ecosystem out.ndjson
	[ "$(grep -c python <<<"$output")" -eq 20 ]
	[ "$(grep -c npm <<<"$output")" -eq 21 ] # 20 + the private root
	[ "$(grep -c cargo <<<"$output")" -eq 20 ]
	# every edge goes to an earlier package of its ecosystem: a DAG
	run jq -r '. as $p | .deps[] | "\($p.name) \(.name)"' out.ndjson
	[ -n "$output" ]
	while read -r from to; do
		[ "${to##*-}" -lt "${from##*-}" ]
	done <<<"$output"
	# the real tools accept the generated workspaces
	if command -v cargo >/dev/null; then
		run jq -r 'select(.ecosystem=="cargo") | .name' out.ndjson
		sort <<<"$output" >expected
		cargo metadata --no-deps --format-version 1 --offline --manifest-path a/rs/Cargo.toml |
			jq -r '.packages[].name' | sort >actual
		diff -u expected actual
	fi
	if command -v pnpm >/dev/null; then
		[ "$(cd a && pnpm ls -r --depth -1 --json | jq length)" -eq 21 ]
	fi
	"$RK_TOP/scripts/gen-monorepo" --seed 7 --history 50 --tags 5 30 h
	[ "$(git -C h rev-list --count HEAD)" -eq 56 ]
	[ "$(git -C h tag | wc -l)" -le 5 ]
	[ -z "$(git -C h status --porcelain)" ]
	# a tagged package's manifest holds its latest tagged version
	t=$(git -C h tag | sort -V | tail -n1)
	(cd h && rk-discover --no-stdin) >hout.ndjson
	name=${t%-v*} version=${t##*-v}
	run jq -r --arg n "$name" 'select(.name==$n) | .version' hout.ndjson
	assert_output "$version"
	git -C h log --format=%s | grep -Eq '^(feat|fix|perf|refactor|docs|chore)(\([^)]*\))?!?: '
	run "$RK_TOP/scripts/gen-monorepo" 5 a
	assert_failure 2
}

@test "man page EXAMPLES run" {
	cp -R "$RK_TOP/share/example/." .
	make_git_repo .
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$RK_TOP/man/rk-discover.1" |
		sed -n '/^\.Bd -literal/,/^\.Ed/p' | grep -v '^\.[BE]d' | sed 's/\\e/\\/g' | sed 's/^\$ //' >examples.sh
	[ -s examples.sh ]
	grep -q rk-discover examples.sh
	run bash -euo pipefail examples.sh
	assert_success
}

@test "globs: *, **, ?, [..], escapes, ./ and // ignored, whole-path matching" {
	run t_helper t-discover glob 'packages/*' packages/a packages/a/b packages ./packages/a packages//b/
	assert_output - <<'EOT'
match
no
no
match
match
EOT
	run t_helper t-discover glob '**/test/**' test x/test x/test/y/z xtest/y
	assert_output $'match\nmatch\nmatch\nno'
	run t_helper t-discover glob 'crates/[a-c]?x*' crates/abx crates/dbx crates/c1xyz crates/a/x
	assert_output $'match\nno\nmatch\nno'
	run t_helper t-discover glob 'a/[!b]*' a/c a/b a/bc
	assert_output $'match\nno\nno'
	run t_helper t-discover glob 'lit/\*' 'lit/*' lit/x
	assert_output $'match\nno'
	run t_helper t-discover normpath ./a//b/ a/../.. a/./b/../c .
	assert_output $'a/b\nerror\na/c\n.'
}

@test "PEP 508 requirements and PEP 503 names" {
	run t_helper t-discover pep508 'Acme_Core[fast, cli] >=1.0,<2 ; python_version >= "3.10"' \
		'x (>=1)' 'y@ https://a/b.whl ; os_name=="nt"' 'plain' 'bad name' '-x' 'a[' 'z;' 'q (>=1' ''
	assert_output - <<'EOT'
Acme_Core|fast,cli|>=1.0,<2|-|python_version >= "3.10"
x||>=1|-|-
y|||https://a/b.whl|os_name=="nt"
plain|||-|-
error 5: expected a version specifier, '@' or ';'
error 1: invalid project name
error 3: expected an extra name
error 3: expected a marker after ';'
error 3: unclosed '(' in version specifier
error 1: expected a project name
EOT
	run t_helper t-discover norm Acme_Core acme.core ACME--_core a
	assert_output $'acme-core\nacme-core\nacme-core\na'
}

@test "releasekit discover: runs rk-discover without reading stdin when there is no RELEASE.star" {
	cp -R "$RK_TOP/share/example/." .
	rm RELEASE.star
	make_git_repo .
	echo '{"kind":"note"}' | releasekit discover >out.ndjson
	validate_records out.ndjson
	[ "$(wc -l <out.ndjson)" -eq 7 ]
}

@test "workspace: protocol and uv workspace sources must name a member of the same workspace" {
	w pnpm-workspace.yaml <<'EOT'
packages: ["packages/*"]
EOT
	w packages/a/package.json <<'EOT'
{
  "name": "a",
  "version": "1.0.0",
  "dependencies": {
    "b": "workspace:^",
    "outside": "workspace:*"
  }
}
EOT
	w packages/b/package.json <<'EOT'
{"name": "b", "version": "1.0.0"}
EOT
	w other/package.json <<'EOT'
{"name": "outside", "version": "1.0.0"}
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[ "$stderr" = "rk-discover: packages/a/package.json:6:16: 'outside' uses the workspace: protocol but is no package of this workspace" ]
	run --separate-stderr rk-discover --no-stdin --root . -k
	assert_success
	[ "${stderr_lines[1]}" = "rk-discover: warning: packages/a/package.json: dependency 'outside' ignored (--keep-going)" ]
	rm -r packages other pnpm-workspace.yaml
	w py/pyproject.toml <<'EOT'
[tool.uv.workspace]
members = ["m/*"]
EOT
	w py/m/a/pyproject.toml <<'EOT'
[project]
name = "a"
version = "1"
dependencies = ["Not_A_Member>=1"]

[tool.uv.sources]
not-a-member = { workspace = true }
EOT
	run --separate-stderr rk-discover --no-stdin --root .
	assert_failure 3
	[ "$stderr" = "rk-discover: py/m/a/pyproject.toml:7:1: 'Not_A_Member' is a workspace source ({ workspace = true }) but no member of this workspace" ]
}

# ---- found using the tools as a new user would: each pins one fixed bug ----

# two uv packages under pkgs/, b depends on a, in a git repository
two_packages() {
	make_git_repo .
	w pkgs/a/pyproject.toml <<'EOT'
[project]
name = "a"
version = "1.0.0"
EOT
	w pkgs/b/pyproject.toml <<'EOT'
[project]
name = "b"
version = "2.0.0"
dependencies = ["a>=1"]
EOT
}

@test "rk-discover --root: a missing directory or a file is a usage error" {
	# one line each, not the whole usage (issue 12)
	run rk-discover --no-stdin -C "$T/nope"
	assert_failure 2
	assert_line --index 0 "rk-discover: -C $T/nope: No such file or directory (see 'rk-discover --help')"
	run rk-discover --no-stdin --root "$T/nope"
	assert_failure 2
	assert_output "rk-discover: --root $T/nope: No such file or directory"
	touch file
	run rk-discover --no-stdin --root file
	assert_failure 2
	assert_output "rk-discover: --root file: not a directory"
	run --separate-stderr rk-discover --no-stdin -C "$T/nope"
	assert_output ""
}

@test "releasekit discover: decentralized RELEASE.star files are applied" {
	two_packages
	echo 'uv_package(name = "a", group = "core")' >pkgs/a/RELEASE.star
	releasekit discover >out.ndjson
	validate_records out.ndjson
	jq -r 'select(.kind == "package") | "\(.name) \(.group)"' out.ndjson >actual
	printf 'a core\nb null\n' >expected
	diff -u expected actual
	[ "$(jq -r 'select(.kind == "config") | .location' out.ndjson)" = "pkgs/a/RELEASE.star:1:1" ]
}

@test "releasekit discover: from a subdirectory, the repository's configuration and root" {
	two_packages
	echo 'uv_package(name = "b", group = "apps")' >RELEASE.star
	cd pkgs/b
	releasekit discover >"$T/out.ndjson"
	cd "$T"
	jq -r 'select(.kind == "package") | "\(.name) \(.group) \(.path)"' out.ndjson >actual
	printf 'a null pkgs/a\nb apps pkgs/b\n' >expected
	diff -u expected actual
	# and --root chooses the tree rk-config reads too
	mkdir other && cp -r pkgs other/
	echo 'uv_package(name = "a", group = "other")' >other/RELEASE.star
	releasekit discover --root other >out.ndjson
	jq -r 'select(.kind == "package") | "\(.name) \(.group)"' out.ndjson >actual
	printf 'a other\nb null\n' >expected
	diff -u expected actual
}

@test "releasekit discover: a bad configuration prints nothing on stdout" {
	two_packages
	echo 'x = (' >RELEASE.star
	run --separate-stderr releasekit discover
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: RELEASE.star:2:1: Parse error: unexpected new line here, expected one of \"(\", \")\", \"+\", \"-\", \"...\", \"FLOAT\", \"FSTRING\", \"IDENTIFIER\", \"INTEGER\", \"STRING\", \"[\", \"lambda\", \"not\", \"{\" or \"~\"" ]
	run --separate-stderr releasekit graph
	assert_failure 3
	assert_output ""
}

@test "rk-discover: a \\u0000 in a manifest string is an error, not a name cut short" {
	# check FILE CONTENT EXPECTED-ERROR
	check() {
		rm -rf m && mkdir m && printf '%s' "$2" >"m/$1"
		run --separate-stderr rk-discover --no-stdin -C m
		assert_failure 3
		assert_output ""
		[ "$stderr" = "rk-discover: $3" ] || { echo "got: $stderr"; return 1; }
	}
	check Cargo.toml $'[package]\nname = "a\\u0000b"\nversion = "1.0.0"\n' \
		"Cargo.toml:2:8: 'name' must not contain a NUL character"
	check Cargo.toml $'[package]\nname = "ab"\nversion = "1.0.0\\u0000"\n' \
		"Cargo.toml:3:11: 'version' must not contain a NUL character"
	check pyproject.toml $'[project]\nname = "ab"\nversion = "1.0\\u0000.0"\n' \
		"pyproject.toml:3:11: 'version' must not contain a NUL character"
	check package.json '{"name":"a\u0000b","version":"1"}' \
		"package.json:1:9: 'name' must not contain a NUL character"
	check package.json '{"name":"a","version":"1\u0000x"}' \
		"package.json:1:23: 'version' must not contain a NUL character"
	check package.json $'{"name":"a","version":"1",\n "dependencies":{"b\\u0000c":"1"}}' \
		"package.json:2:18: dependency 'b' must not contain a NUL character"
}

@test "rk-discover: on a malformed manifest, stdin's records are not half passed through" {
	printf '[project\n' >pyproject.toml
	run --separate-stderr rk-discover <<<'{"kind":"note"}'
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-discover: pyproject.toml:1:9: expected ']' at the end of the table header, found end of line" ]
	# a bad record after good ones: nothing either
	rm pyproject.toml
	run --separate-stderr rk-discover < <(printf '{"kind":"note"}\ngarbage\n')
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-discover: <stdin>:2:1: invalid literal 'garbage'" ]
	# and on success they still come first, unchanged and in order
	printf '[project]\nname = "a"\nversion = "1"\n' >pyproject.toml
	printf '{"kind":"note","n":1}\n{"kind":"x"}\n' | rk-discover >out.ndjson
	run jq -c . out.ndjson
	assert_output - <<'EOT'
{"kind":"note","n":1}
{"kind":"x"}
{"kind":"package","name":"a","version":"1","ecosystem":"python","manager":"uv","path":".","manifest":"pyproject.toml","publishable":false,"version_source":"static","deps":[]}
EOT
}

@test "rk-discover: an absolute workspace root in config is outside the repository (was 'etc' is not a directory)" {
	mkdir -p etc
	run --separate-stderr rk-discover --root . \
		<<<'{"kind":"config","rule":"uv_workspace","name":"x","root":"/etc","location":"RELEASE.star:1:1"}'
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-discover: RELEASE.star:1:1: uv_workspace: root '/etc' is outside the repository" ]
}

@test "rk-discover: a FIFO named like a manifest is an error, not a hang" {
	mkdir -p a b
	echo '{"workspaces": ["*"]}' >package.json # (a member: its error is fatal)
	mkfifo a/package.json
	printf '[project]\nname = "b"\nversion = "1"\n' >b/pyproject.toml
	# timeout only guards against the old hang; no time is asserted
	run --separate-stderr timeout 60 rk-discover --no-stdin --root .
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-discover: a/package.json: cannot read: not a regular file" ]
	run --separate-stderr timeout 60 rk-discover --no-stdin --root . -k
	assert_success
	[ "$(jq -r .name <<<"$output")" = b ]
}

@test "rk-discover --help: lists exit 1, as rk-discover(1) does" {
	rk-discover --help >help.txt
	grep -q 'Exit: 0 ok, 1 output error, 2 usage, 3 malformed manifest' help.txt
	printf '[project]\nname = "a"\nversion = "1"\n' >pyproject.toml
	run bash -c "rk-discover --no-stdin --root . >/dev/full"
	assert_failure 1
	assert_output "rk-discover: write error on stdout: No space left on device"
}
