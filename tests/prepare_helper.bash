# Fixtures for tests/prepare.bats: real git repositories with uv, pnpm, npm
# and cargo workspaces, their lockfiles made by the real tools.

# The tools: uv from .venv, pnpm from .tools/node; their state in the test.
prepare_env() {
	local home=$HOME
	export RUSTUP_HOME="${RUSTUP_HOME:-$home/.rustup}" CARGO_HOME="$BATS_FILE_TMPDIR/cargo-home"
	export UV_CACHE_DIR="$BATS_FILE_TMPDIR/uv-cache" UV_PYTHON_DOWNLOADS=never
	export npm_config_store_dir="$BATS_FILE_TMPDIR/pnpm-store" npm_config_cache="$BATS_FILE_TMPDIR/npm-cache"
	export npm_config_update_notifier=false
	export PATH="$RK_TOP/.venv/bin:$RK_TOP/.tools/node/node_modules/.bin:$PATH"
	# reproducible: the release date, and the release commit's time
	export SOURCE_DATE_EPOCH=1796083200 # 2026-12-01
}

# commit_at N MESSAGE: commit everything at a fixed time (N minutes in).
commit_at() {
	git add -A
	GIT_AUTHOR_DATE="2026-11-20T10:$1:00Z" GIT_COMMITTER_DATE="2026-11-20T10:$1:00Z" \
		GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL=author@example.com \
		GIT_COMMITTER_NAME="Test Author" GIT_COMMITTER_EMAIL=author@example.com \
		git commit -q -m "$2"
}

# make_mono DIR: a uv, a pnpm and a cargo workspace, each with an internal
# dependency and a lockfile; every package tagged, then one feat commit in
# each of acme-core, @acme/ui (breaking) and acme-b. acme-app is an
# application (not published).
make_mono() {
	local d=$1
	make_git_repo "$d"
	(
		cd "$d" || exit 1
		mkdir -p py/core/src/acme_core py/app/src/acme_app
		printf '[project]\nname = "py-root"\nversion = "0.0.0"\nrequires-python = ">=3.9"\n\n[tool.uv]\npackage = false\n\n[tool.uv.workspace]\nmembers = ["core", "app"]\n\n[tool.uv.sources]\nacme-core = { workspace = true }\nacme-app = { workspace = true }\n' >py/pyproject.toml
		printf '# acme-core\n[project]\nname = "acme-core"\nversion = "0.3.0"  # the version\nrequires-python = ">=3.9"\ndependencies = []\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >py/core/pyproject.toml
		printf '[project]\nname = "acme-app"\nversion = "1.0.0"\nrequires-python = ">=3.9"\nclassifiers = ["Private :: Do Not Upload"]\ndependencies = [\n    "acme-core>=0.3,<0.4",\n]\n\n[tool.uv.sources]\nacme-core = { workspace = true }\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >py/app/pyproject.toml
		touch py/core/src/acme_core/__init__.py py/app/src/acme_app/__init__.py
		printf '# Changelog\r\n\r\nAll notable changes.\r\n\r\n## [0.3.0] - 2026-01-01\r\n\r\n- first\r\n' >py/core/CHANGELOG.md
		mkdir -p js/packages/ui js/packages/web
		printf '{\n  "name": "js-root",\n  "private": true,\n  "version": "0.0.0"\n}\n' >js/package.json
		printf 'packages:\n  - "packages/*"\n' >js/pnpm-workspace.yaml
		printf 'link-workspace-packages=true\n' >js/.npmrc
		printf '{\n  "name": "@acme/ui",\n  "version": "1.4.0",\n  "main": "index.js"\n}\n' >js/packages/ui/package.json
		printf '{\n    "name": "@acme/web",\n    "version": "2.1.0",\n    "dependencies": {\n        "@acme/ui": "^1.4.0"\n    }\n}\n' >js/packages/web/package.json
		echo 'module.exports = 1;' >js/packages/ui/index.js
		mkdir -p rs/crates/b/src rs/crates/a/src
		printf '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n' >rs/Cargo.toml
		printf '[package]\nname = "acme-b"\nversion = "0.3.0"\nedition = "2021"\n' >rs/crates/b/Cargo.toml
		printf '[package]\nname = "acme-a"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nacme-b = { path = "../b", version = "0.3" }\n' >rs/crates/a/Cargo.toml
		touch rs/crates/a/src/lib.rs rs/crates/b/src/lib.rs
		(cd py && uv lock --offline -q) || exit 1
		(cd js && pnpm install --lockfile-only --offline --ignore-scripts >/dev/null) || exit 1
		(cd rs && cargo generate-lockfile --offline -q) || exit 1
		commit_at 00 "chore: init"
		for t in acme-core-v0.3.0 acme-app-v1.0.0 @acme/ui-v1.4.0 @acme/web-v2.1.0 acme-b-v0.3.0 acme-a-v0.1.0; do
			git tag "$t"
		done
		echo x >py/core/src/acme_core/x.py && commit_at 01 "feat(core): streaming"
		echo x >js/packages/ui/x.js && commit_at 02 "feat!: new ui api"
		echo x >rs/crates/b/src/x.rs && commit_at 03 "feat: faster b"
	)
}

# make_npm DIR: an npm workspace (package-lock.json) with an internal dependency.
make_npm() {
	local d=$1
	make_git_repo "$d"
	(
		cd "$d" || exit 1
		mkdir -p packages/core packages/cli
		printf '{\n  "name": "root",\n  "private": true,\n  "version": "0.0.0",\n  "workspaces": ["packages/*"]\n}\n' >package.json
		printf '{\n  "name": "@n/core",\n  "version": "1.2.3"\n}\n' >packages/core/package.json
		printf '{\n  "name": "@n/cli",\n  "version": "0.9.0",\n  "dependencies": {\n    "@n/core": "~1.2.0"\n  }\n}\n' >packages/cli/package.json
		npm install --package-lock-only --offline --ignore-scripts >/dev/null 2>&1 || exit 1
		commit_at 00 "chore: init"
		git tag @n/core-v1.2.3 && git tag @n/cli-v0.9.0
		echo x >packages/core/x.js && commit_at 01 "feat: more core"
	)
}
