# Fixtures for the publish tests: `load publish_helper` (after test_helper
# and registries_helper).
#
# make_mono DIR [PREFIX]: a git repository with three workspaces whose packages
# depend on each other across ecosystems (by cross_deps in RELEASE.star):
# (P = PREFIX, default rkp; the registries are shared by a file's tests, so
# each test takes its own prefix):
#   python (uv workspace py/):  P-core 0.1.0, P-cli 0.1.0 -> P-core
#   npm (pnpm workspace .):     @P/web-core 1.0.0, @P/web-ui 1.0.0 -> @P/web-core
#                               (workspace:^; pnpm install --offline is run)
#   cargo (workspace rs/):      P-fast 0.2.0, P-fastcli 0.2.0 -> P-fast
#                               (publish = ["local"], the registry of scripts/registries)
#   cross (RELEASE.star):       @P/web-core -> P-core, P-fast -> P-core
make_mono() {
	local d=$1 P=${2:-rkp}
	make_git_repo "$d"
	mkdir -p "$d/py/packages/core/src/${P}_core" "$d/py/packages/cli/src/${P}_cli" \
		"$d/js/web-core" "$d/js/web-ui" "$d/rs/crates/fast/src" "$d/rs/crates/fastcli/src"
	cat >"$d/py/pyproject.toml" <<EOT
[tool.uv.workspace]
members = ["packages/*"]
EOT
	cat >"$d/py/packages/core/pyproject.toml" <<EOT
[project]
name = "${P}-core"
version = "0.1.0"
requires-python = ">=3.9"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	echo 'VALUE = "core"' >"$d/py/packages/core/src/${P}_core/__init__.py"
	cat >"$d/py/packages/cli/pyproject.toml" <<EOT
[project]
name = "${P}-cli"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = ["${P}-core>=0.1.0"]

[tool.uv.sources]
${P}-core = { workspace = true }

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
EOT
	echo "from ${P}_core import VALUE" >"$d/py/packages/cli/src/${P}_cli/__init__.py"
	echo "{\"name\":\"${P}-mono\",\"version\":\"0.0.0\",\"private\":true}" >"$d/package.json"
	printf 'packages:\n  - "js/*"\n' >"$d/pnpm-workspace.yaml"
	cat >"$d/js/web-core/package.json" <<EOT
{
  "name": "@${P}/web-core",
  "version": "1.0.0",
  "main": "index.js"
}
EOT
	echo 'module.exports = "web-core";' >"$d/js/web-core/index.js"
	cat >"$d/js/web-ui/package.json" <<EOT
{
  "name": "@${P}/web-ui",
  "version": "1.0.0",
  "main": "index.js",
  "dependencies": {
    "@${P}/web-core": "workspace:^"
  }
}
EOT
	echo "module.exports = require(\"@${P}/web-core\") + \"+ui\";" >"$d/js/web-ui/index.js"
	cat >"$d/rs/Cargo.toml" <<EOT
[workspace]
members = ["crates/*"]
resolver = "2"
EOT
	cat >"$d/rs/crates/fast/Cargo.toml" <<EOT
[package]
name = "${P}-fast"
version = "0.2.0"
edition = "2021"
description = "fast"
license = "MIT"
publish = ["local"]
EOT
	echo 'pub fn word() -> &'"'"'static str { "fast" }' >"$d/rs/crates/fast/src/lib.rs"
	cat >"$d/rs/crates/fastcli/Cargo.toml" <<EOT
[package]
name = "${P}-fastcli"
version = "0.2.0"
edition = "2021"
description = "fast cli"
license = "MIT"
publish = ["local"]

[dependencies]
${P}-fast = { path = "../fast", version = "0.2.0", registry = "local" }
EOT
	echo "fn main() { println!(\"{}\", ${P}_fast::word()); }" >"$d/rs/crates/fastcli/src/main.rs"
	cat >"$d/RELEASE.star" <<EOT
load("@releasekit//rules/uv.star", "uv_workspace", "uv_package")
load("@releasekit//rules/pnpm.star", "pnpm_workspace", "pnpm_package")
load("@releasekit//rules/cargo.star", "cargo_workspace", "cargo_package")
uv_workspace(name = "py", root = "py", members = ["packages/*"])
pnpm_workspace(name = "js", root = ".", packages = ["js/*"])
cargo_workspace(name = "rs", root = "rs", members = ["crates/*"])
pnpm_package(name = "@${P}/web-core", cross_deps = ["python:${P}-core"])
cargo_package(name = "${P}-fast", cross_deps = ["python:${P}-core"])
EOT
	printf '.releasekit/\nnode_modules/\ntarget/\ndist/\n' >"$d/.gitignore"
	(cd "$d" && pnpm install --offline >/dev/null 2>&1) || return 1
	git -C "$d" add -A
	git -C "$d" commit -q -m "feat: initial"
}

# pub_plan [EXTRA_PARAMS_JSON]: build -> publish actions for every
# publishable package rk-discover finds in the current directory (one
# line each, on stdout), with params as rk-plan writes them; a package's
# publish waits for its internal dependencies' publish. EXTRA_PARAMS_JSON
# is merged into every publish action's params (e.g. {"rate":2}).
pub_plan() {
	local extra=${1:-"{}"} packages
	packages=$(rk-discover) || return
	jq -c --argjson extra "$extra" '
		select(.kind == "package" and .publishable and .version != null) |
		(.ecosystem + ":" + .name) as $k |
		{p: {manager, path, manifest, workspace}} as $base |
		({kind: "action", id: ("build:" + $k), type: "build", package: .name,
		  ecosystem: .ecosystem, version: .version, deps: [], phase: "publish",
		  key: "", params: $base.p},
		 {kind: "action", id: ("publish:" + $k), type: "publish", package: .name,
		  ecosystem: .ecosystem, version: .version, phase: "publish",
		  deps: (["build:" + $k] + [.deps[] | select(.type == "normal") | "publish:" + .ecosystem + ":" + .name]),
		  key: "", params: ($base.p + $extra)})' <<<"$packages" |
		while IFS= read -r l; do
			jq -c --arg k "$(printf '%s' "$l" | sha256sum | cut -c1-64)" '.key = $k' <<<"$l"
		done
}
