#!/usr/bin/env bats
# lib/rk_npmpack (our own npm packer) against the real tools: for each
# fixture package, our tarball and the one `npm pack` / `pnpm pack` makes
# hold the same files (path by path, byte by byte, package.json included)
# with the same modes; what the packer does not handle is said, never
# packed wrongly.

load test_helper

setup() {
	setup_common
	export PATH="$RK_TOP/.tools/node/node_modules/.bin:$PATH"
	export npm_config_cache="$BATS_TEST_TMPDIR/npm-cache" npm_config_update_notifier=false
}

w() { # w FILE [CONTENT]: write a fixture file (dirs made)
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "${2:-$1}" >"$1"
}

# compare TOOL DIR: our tarball vs the tool's, file by file
compare() {
	local tool=$1 dir=$2 ours="$BATS_TEST_TMPDIR/ours" theirs="$BATS_TEST_TMPDIR/theirs"
	rm -rf "$ours" "$theirs"
	mkdir -p "$ours/x" "$theirs/x"
	run t_helper t-npmpack pack "$tool" "$dir" "$ours" ${3:+"$3"}
	assert_success
	[ -f "$ours/$output" ]
	local name=$output
	run bash -c "cd '$dir' && $tool pack --pack-destination '$theirs' >/dev/null 2>&1"
	assert_success
	[ -f "$theirs/$name" ] || { ls "$theirs"; false; }
	# names and modes
	run bash -c "tar -tvzf '$ours/$name' | awk '{print \$1, \$6}' | sort"
	assert_success
	local a=$output
	run bash -c "tar -tvzf '$theirs/$name' | awk '{print \$1, \$6}' | sort"
	assert_success
	assert_equal "$a" "$output"
	# every byte
	tar -xzf "$ours/$name" -C "$ours/x"
	tar -xzf "$theirs/$name" -C "$theirs/x"
	run diff -r "$ours/x" "$theirs/x"
	assert_success
	echo "$a" >"$BATS_TEST_TMPDIR/list" # for the caller's extra checks
}

# compare, then the listing in $output
compared() {
	compare "$@"
	run cat "$BATS_TEST_TMPDIR/list"
}

# the fixture of the first tests: files globs, negations, a nested
# .npmignore, README/LICENCE/COPYING variants, a bin, a nested package.json
make_files_fixture() {
	mkdir -p "$1" && cd "$1"
	cat >package.json <<'EOF'
{
  "name": "@fx/files",
  "version": "1.0.0",
  "main": "./lib/index.js",
  "bin": {"fx": "./bin/fx.js"},
  "files": ["lib", "!lib/**/*.test.js", "docs/*.md", "types/index.d.ts", "Extra/", "assets/*"],
  "license": "MIT"
}
EOF
	w lib/index.js
	w lib/util/a.js
	w lib/util/a.test.js
	w lib/util/.npmignore "secret.js"
	w lib/util/secret.js
	w lib/util/README.md
	w lib/nested/package.json '{"name":"nested","files":["nothing"]}'
	w lib/nested/x.js
	w lib/.DS_Store
	w lib/x.orig
	w lib/.npmrc
	w docs/a.md
	w docs/b.txt
	w docs/deep/c.md
	w types/index.d.ts
	w types/other.d.ts
	w extra/e.js
	w assets/img/logo.svg
	w assets/top.css
	w bin/fx.js
	w README.markdown
	w LICENCE
	w COPYING.txt
	w readme~
	w test/t.js
	w .eslintrc.json
	w .gitignore "lib"
	cd - >/dev/null
}

@test "npmpack: files with globs, negations, directories, nested .npmignore, README variants and a bin, as npm packs them" {
	make_files_fixture "$T/p"
	chmod +x "$T/p/bin/fx.js"
	compared npm "$T/p"
	# the cases the fixture is for
	assert_line --partial ' package/lib/util/a.js'
	refute_line --partial 'a.test.js'
	refute_line --partial 'secret.js'
	assert_line --partial ' package/docs/a.md'
	refute_line --partial 'docs/deep/c.md'
	refute_line --partial 'docs/b.txt'
	assert_line --partial ' package/lib/nested/x.js'
	assert_line --partial ' package/COPYING.txt'
	refute_line --partial 'readme~'
	refute_line --partial '.npmrc'
	refute_line --partial 'x.orig'
	assert_line '-rwxr-xr-x package/bin/fx.js'
}

@test "npmpack: the same package as pnpm packs it" {
	make_files_fixture "$T/p"
	# npm-packlist 5 (pnpm) reads a root .gitignore even with "files": said, not guessed
	run t_helper t-npmpack pack pnpm "$T/p" "$T"
	assert_failure 1
	assert_output 'not handled: pnpm: "files" with a root .npmignore/.gitignore'
	rm "$T/p/.gitignore"
	# and patterns in "files" (pnpm globs them itself)
	run t_helper t-npmpack pack pnpm "$T/p" "$T"
	assert_failure 1
	assert_output --partial 'not handled: pnpm: "files" entry'
	jq '.files = ["lib", "docs/a.md", "types/index.d.ts", "extra/", "assets", ".eslintrc.json"]' "$T/p/package.json" >"$T/pj"
	mv "$T/pj" "$T/p/package.json"
	compared pnpm "$T/p"
	assert_line --partial ' package/lib/util/README.md'
	assert_line --partial ' package/assets/img/logo.svg'
	assert_line --partial ' package/.eslintrc.json'
	assert_line '-rwxr-xr-x package/bin/fx.js'
}

@test "npmpack: .npmignore rules (negations, anchored, directory, globstar) over .gitignore, the default exclusions, both tools" {
	mkdir -p "$T/p" && cd "$T/p"
	cat >package.json <<'EOF'
{"name": "ign", "version": "0.1.0", "description": "x", "bin": "cli.js"}
EOF
	cat >.npmignore <<'EOF'
# comments and blank lines

*.map
!keep.map
/build
test/
**/fixtures/**
docs/*.txt
!docs/keep.txt
*.LOG
sub2/*.js
EOF
	w sub2/a.js
	w sub2/b.js
	w sub2/.npmignore "!a.js"
	w .gitignore "src"
	w src/a.js
	w src/a.js.map
	w src/keep.map
	w build/out.js
	w sub/build/out.js
	w test/t.js
	w sub/test/t.js
	w sub/fixtures/f/x.json
	w docs/a.txt
	w docs/keep.txt
	w docs/a.md
	w debug.log
	w npm-debug.log
	w .DS_Store
	w ._junk
	w .npmrc
	w package-lock.json
	w yarn.lock
	w pnpm-lock.yaml
	w node_modules/dep/index.js
	w sub/node_modules/dep/index.js
	w .git/config
	w sub/.gitignore "ignored-by-git.js"
	w sub/ignored-by-git.js
	w sub/.npmignore "!*.map"
	w sub/z.js.map
	w cli.js
	w Readme.md
	w license.txt
	for tool in npm pnpm; do
		compared "$tool" "$T/p"
		assert_line --partial ' package/src/a.js'
		refute_line --partial 'a.js.map'
		assert_line --partial ' package/src/keep.map'
		refute_line --partial ' package/build/'
		assert_line --partial ' package/sub/build/out.js'
		refute_line --partial ' package/test/t.js'
		# "test/" names sub/test too for npm-packlist 10 (ignore-walk 8's
		# relative rules), not for npm-packlist 5 (pnpm)
		if [ "$tool" = npm ]; then
			refute_line --partial 'sub/test/t.js'
		else
			assert_line --partial ' package/sub/test/t.js'
		fi
		refute_line --partial 'fixtures'
		assert_line --partial ' package/docs/keep.txt'
		refute_line --partial 'docs/a.txt'
		refute_line --partial ' package/node_modules'
		assert_line --partial ' package/sub/node_modules/dep/index.js' # only the root's is left out
		refute_line --partial 'lock'
		refute_line --partial 'debug.log'
		assert_line --partial ' package/sub/ignored-by-git.js'
		# a directory's own .npmignore re-includes what its parent's excluded
		assert_line --partial ' package/sub2/a.js'
		refute_line --partial 'sub2/b.js'
	done
}

@test "npmpack: only a .gitignore, in the root and below" {
	mkdir -p "$T/p" && cd "$T/p"
	echo '{"name": "gi", "version": "2.0.0", "main": "dist/main.js"}' >package.json
	printf 'dist\n*.tmp\n' >.gitignore
	w dist/main.js
	w dist/other.js
	w a.tmp
	w lib/b.js
	w lib/.gitignore "*.gen.js"
	w lib/c.gen.js
	for tool in npm pnpm; do
		compared "$tool" "$T/p"
		assert_line --partial ' package/dist/main.js'
		# "dist" ignores the directory, "main" walks it again, and its other
		# files match neither "dist" (matchBase: the base name) nor "!/dist/main.js"
		assert_line --partial ' package/dist/other.js'
		refute_line --partial 'c.gen.js'
	done
}

@test "npmpack: pnpm's manifest: workspace: ranges, publishConfig, scripts and packageManager as pnpm publishes them" {
	mkdir -p "$T/ws/packages/core" "$T/ws/packages/web" && cd "$T/ws"
	echo '{"name": "root", "private": true}' >package.json
	printf 'packages:\n  - "packages/*"\n' >pnpm-workspace.yaml
	echo 'root licence' >LICENSE
	cat >packages/core/package.json <<'EOF'
{"name": "@ws/core", "version": "1.4.2", "main": "index.js", "license": "MIT"}
EOF
	w packages/core/index.js
	cat >packages/web/package.json <<'EOF'
{
  "name": "@ws/web",
  "version": "2.0.0",
  "packageManager": "pnpm@10.0.0",
  "scripts": {"test": "node t.js", "postpublish": "echo done", "build": "tsc"},
  "main": "src/index.js",
  "types": "src/index.d.ts",
  "dependencies": {"@ws/core": "workspace:^", "left-pad": "^1.3.0"},
  "devDependencies": {"@ws/core": "workspace:*"},
  "optionalDependencies": {"@ws/core": "workspace:~"},
  "peerDependencies": {"@ws/core": "workspace:^1.4.0"},
  "publishConfig": {"main": "dist/index.js", "types": "dist/index.d.ts", "access": "public",
                    "bin": {"web": "dist/cli.js"}},
  "pnpm": {"overrides": {}},
  "keywords": [],
  "count": 3,
  "unicode": "é ✓ \u0001"
}
EOF
	w packages/web/src/index.js
	w packages/web/dist/index.js
	w packages/web/dist/index.d.ts
	w packages/web/dist/cli.js
	# link the workspace package as pnpm install does (left-pad is not needed to pack)
	mkdir -p packages/web/node_modules/@ws
	ln -s ../../../core packages/web/node_modules/@ws/core
	compared pnpm "$T/ws/packages/web" "$T/ws"
	assert_line '-rw-r--r-- package/LICENSE'
	assert_line '-rwxr-xr-x package/dist/cli.js'
	run tar -xOzf "$BATS_TEST_TMPDIR/ours/ws-web-2.0.0.tgz" package/package.json
	assert_success
	echo "$output" | jq -e '
		.dependencies["@ws/core"] == "^1.4.2" and .devDependencies["@ws/core"] == "1.4.2" and
		.optionalDependencies["@ws/core"] == "~1.4.2" and .peerDependencies["@ws/core"] == "^1.4.0" and
		.main == "dist/index.js" and .bin.web == "dist/cli.js" and .publishConfig == {access: "public"} and
		(.scripts | keys) == ["build", "test"] and (has("packageManager") | not) and (has("pnpm") | not)'
}

@test "npmpack: what it does not handle is said, and what needs a tool is left to the tool" {
	mkdir -p "$T/p" && cd "$T/p"
	w index.js
	for pj in '{"name":"a","version":"1.0.0","scripts":{"prepack":"x"}}|a prepack script' \
		'{"name":"a","version":"1.0.0","scripts":{"prepare":"x"}}|a prepare script' \
		'{"name":"a","version":"1.0.0","bundleDependencies":["x"]}|bundleDependencies' \
		'{"name":"a","version":"1.0.0","files":["{a,b}.js"]}|pattern '"'"'!{a,b}.js'"'"': braces' \
		'{"name":"a","version":"1.5"}|' \
		'{"name":"a","version":"1.0.0","n":1.5}|package.json: the number 1.5 (JSON.stringify may write it otherwise)'; do
		echo "${pj%%|*}" >package.json
		run t_helper t-npmpack list npm "$T/p"
		if [ -n "${pj#*|}" ]; then
			assert_failure 1
			assert_output "not handled: ${pj#*|}"
		else
			assert_success
		fi
	done
	echo '{"name":"a","version":"1.0.0","dependencies":{"x":"catalog:"}}' >package.json
	run t_helper t-npmpack list pnpm "$T/p"
	assert_failure 1
	assert_output 'not handled: dependency x: catalog:'
	echo '{"name":"a","version":"1.0.0","dependencies":{"x":"workspace:*"}}' >package.json
	run t_helper t-npmpack list pnpm "$T/p"
	assert_failure 1
	assert_output --partial 'not handled: workspace dependency x: no '
	echo '[1]' >package.json
	run t_helper t-npmpack list npm "$T/p"
	assert_failure 3
	assert_output --partial 'package.json:1:1: not a JSON object'
}

# build_plan NAME DIR: a build action record for a pnpm workspace package
build_plan() {
	jq -nc --arg n "$1" --arg d "$2" '{kind: "action", id: ("build:npm:" + $n), type: "build",
		package: $n, ecosystem: "npm", version: "1.0.0", deps: [],
		params: {manager: "pnpm", path: $d, manifest: ($d + "/package.json"), workspace: "."}}' |
		jq -c --arg k "$(echo "$1$2" | sha256sum | cut -c1-64)" '.key = $k'
}

@test "npmpack: rk-exec's npm build packs in-process, and leaves a package with a prepack script to pnpm pack, saying so" {
	make_git_repo "$T/r"
	cd "$T/r"
	echo '{"name": "root", "private": true}' >package.json
	printf 'packages:\n  - "p/*"\n' >pnpm-workspace.yaml
	mkdir -p p/plain p/scripted
	echo '{"name": "plain", "version": "1.0.0", "main": "index.js"}' >p/plain/package.json
	w p/plain/index.js
	cat >p/scripted/package.json <<'EOF2'
{"name": "scripted", "version": "1.0.0", "files": ["gen.js"],
 "scripts": {"prepack": "node -e \"require('fs').writeFileSync('gen.js', 'made by prepack')\""}}
EOF2
	{ build_plan plain p/plain; build_plan scripted p/scripted; } >plan
	run --separate-stderr rk-exec plan
	assert_success
	echo "$output" >out
	run jq -r 'select(.kind == "event" and .state == "succeeded") | .action + ": " + .note' out
	assert_success
	assert_line 'build:npm:plain: built 1 file into .releasekit/dist/npm/plain-1.0.0 (packed in-process as pnpm pack would)'
	assert_line 'build:npm:scripted: built 1 file into .releasekit/dist/npm/scripted-1.0.0 (pnpm pack: a prepack script)'
	run tar -xzOf .releasekit/dist/npm/scripted-1.0.0/scripted-1.0.0.tgz package/gen.js
	assert_success
	assert_output 'made by prepack'
	run tar -tzf .releasekit/dist/npm/plain-1.0.0/plain-1.0.0.tgz
	assert_success
	assert_output $'package/index.js\npackage/package.json'
}

@test "targz: a member of npm's, our own and long-named (pax, GNU) tarballs, as tar -xzOf prints it" {
	mkdir -p "$T/p/lib" && cd "$T/p"
	echo '{"name": "@tz/a", "version": "1.0.0", "files": ["lib"]}' >package.json
	long=lib/$(printf 'd%.0s' $(seq 1 120))/$(printf 'f%.0s' $(seq 1 110)).js
	mkdir -p "$(dirname "$long")"
	echo deep >"$long"
	printf 'x\0y' >lib/bin.dat
	mkdir -p "$T/npm" "$T/ours"
	run npm pack --pack-destination "$T/npm"
	assert_success
	tar --format=pax -czf "$T/pax.tgz" package.json "$long"
	tar --format=gnu -czf "$T/gnu.tgz" package.json "$long"
	# a name that no ustar header holds: our packer leaves it to npm (pax)
	run t_helper t-npmpack pack npm "$T/p" "$T/ours"
	assert_failure 1
	assert_output "not handled: $long: too long for a ustar header"
	for m in package/package.json "package/$long" package/lib/bin.dat; do
		t_helper t-targz "$T/npm/tz-a-1.0.0.tgz" "$m" >"$T/got"
		tar -xzOf "$T/npm/tz-a-1.0.0.tgz" "$m" >"$T/want"
		cmp "$T/got" "$T/want"
	done
	rm -r "$(dirname "$long")"
	run t_helper t-npmpack pack npm "$T/p" "$T/ours"
	assert_success
	for m in package/package.json package/lib/bin.dat; do
		t_helper t-targz "$T/ours/tz-a-1.0.0.tgz" "$m" >"$T/got"
		tar -xzOf "$T/ours/tz-a-1.0.0.tgz" "$m" >"$T/want"
		cmp "$T/got" "$T/want"
	done
	for a in "$T/pax.tgz" "$T/gnu.tgz"; do
		run t_helper t-targz "$a" "$long"
		assert_success
		assert_output deep
	done
	run t_helper t-targz "$T/pax.tgz" nope
	assert_failure 3
	assert_output "t-targz: $T/pax.tgz: no member 'nope' in the archive"
	head -c 100 "$T/pax.tgz" >"$T/cut.tgz"
	run t_helper t-targz "$T/cut.tgz" package.json
	assert_failure 3
	assert_output --partial 'not a gzip-compressed tar archive, or cut short'
}
