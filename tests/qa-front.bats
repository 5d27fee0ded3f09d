#!/usr/bin/env bats
# Found by using rk-config, rk-discover, rk-graph and the porcelain as a new
# user would: each test pins one fixed bug.

load test_helper

# w PATH: write stdin to PATH (directories created).
w() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
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

@test "rk-config --optional: no configuration file is no output and exit 0" {
	two_packages
	run --separate-stderr rk-config
	assert_failure 3
	assert_output ""
	# the default root: the git work tree's top level, as rk-discover's
	[ "$stderr" = "rk-config: no RELEASE.star in $(pwd -P) or its package directories" ]
	run --separate-stderr rk-config --optional
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run --separate-stderr rk-config --optional --config-mode central
	assert_success
	assert_output ""
	# a package file exists: --optional changes nothing
	echo 'uv_package(name = "a", group = "core")' >pkgs/a/RELEASE.star
	rk-config --optional >with.ndjson
	rk-config >without.ndjson
	cmp with.ndjson without.ndjson
	[ "$(jq -r .location with.ndjson)" = "pkgs/a/RELEASE.star:1:1" ]
	# forced central: the root file is required, --optional or not
	run --separate-stderr rk-config --optional --config-mode hybrid
	assert_failure 3
	run rk-config --optional --generate </dev/null
	assert_failure 2
	assert_line --index 0 "rk-config: --optional does not go with --generate"
	rk-config --help | grep -q -- '--optional'
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

@test "releasekit generate --update: from a subdirectory, the top-level RELEASE.star" {
	two_packages
	cd pkgs/b
	releasekit generate --update </dev/null
	cd "$T"
	[ ! -e pkgs/b/RELEASE.star ]
	grep -q '^uv_package(name = "a", group = "pkgs", skip = True)$' RELEASE.star
	rk-config >cfg.ndjson
	jq -r 'select(.rule == "uv_package") | "\(.name) \(.group)"' cfg.ndjson >actual
	printf 'a pkgs\nb pkgs\n' >expected
	diff -u expected actual
}

@test "releasekit generate: does not read standard input" {
	two_packages
	# a CI step's stdin is often not a terminal; it is not package records
	echo 'not json' | releasekit generate >gen.star
	grep -q '^uv_package(name = "b", group = "pkgs", skip = True)$' gen.star
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

@test "rk-config: invalid UTF-8 and NUL bytes are reported at their line and column" {
	printf 'x = 1\ny = "\303\251\377"\n' >RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: RELEASE.star:2:7: not valid UTF-8" ]
	printf 'x = 1\n\000\n' >RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	[ "$stderr" = "rk-config: RELEASE.star:2:1: NUL byte in the file" ]
	# in a loaded file too
	mkdir lib
	printf 'x = 1\n\n  \303(\n' >lib/x.star
	echo 'load("//lib:x.star", "x")' >RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	[ "$stderr" = "rk-config: lib/x.star:3:3: not valid UTF-8" ]
}

@test "rk-graph: a directory or an unreadable input file is exit 2, as rk-graph(1) says" {
	mkdir dir
	run --separate-stderr rk-graph dir
	assert_failure 2
	assert_output ""
	[ "$stderr" = "rk-graph: cannot read dir: Is a directory" ]
	run --separate-stderr rk-graph <dir
	assert_failure 2
	[ "$stderr" = "rk-graph: cannot read <stdin>: Is a directory" ]
	# tests run as root, where chmod 000 does not stop reading: reading
	# /proc/self/mem at offset 0 fails with EIO for everyone
	run --separate-stderr rk-graph /proc/self/mem
	assert_failure 2
	[ "$stderr" = "rk-graph: cannot read /proc/self/mem: Input/output error" ]
	# bad records are still bad input
	echo bad >bad.ndjson
	run --separate-stderr rk-graph bad.ndjson
	assert_failure 3
	[ "$stderr" = "rk-graph: bad.ndjson:1:1: invalid literal 'bad'" ]
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

@test "rk-config --generate: an unknown ecosystem or manager is bad input (was written as npm_package)" {
	run --separate-stderr rk-config --generate \
		<<<'{"kind":"package","name":"a","ecosystem":"ruby","path":"x","manager":"gem"}'
	assert_failure 3
	assert_output ""
	[ "$stderr" = 'rk-config: <stdin>:1:42: ecosystem: expected one of python, npm, cargo, found "ruby"' ]
	run --separate-stderr rk-config --generate < <(printf '%s\n' \
		'{"kind":"package","name":"a","ecosystem":"npm","path":"x","manager":"npm"}' \
		'{"kind":"package","name":"b","ecosystem":"npm","path":"y","manager":"bun"}')
	assert_failure 3
	assert_output ""
	[ "$stderr" = 'rk-config: <stdin>:2:69: manager: expected one of uv, pnpm, npm, yarn, cargo, found "bun"' ]
}

@test "rk-config --generate --update: through a symlinked RELEASE.star, the target is updated and keeps its mode" {
	mkdir conf
	echo 'x = 1' >conf/RELEASE.star
	chmod 600 conf/RELEASE.star
	ln -s conf/RELEASE.star RELEASE.star
	rk-config --generate --update \
		<<<'{"kind":"package","name":"a","ecosystem":"python","path":"a","manager":"uv"}'
	[ -L RELEASE.star ]
	[ "$(readlink RELEASE.star)" = conf/RELEASE.star ]
	[ "$(stat -c %a conf/RELEASE.star)" = 600 ]
	[ "$(head -1 conf/RELEASE.star)" = "x = 1" ]
	grep -q '^uv_package(name = "a", group = "root")$' conf/RELEASE.star
	[ -z "$(ls conf | grep -v '^RELEASE.star$')" ] # no temporary left
}

@test "rk-config --generate --update: a begin marker without end is reported at its line" {
	printf 'y = 2\n\n# releasekit:generate begin\nx = 1\n' >RELEASE.star
	cp RELEASE.star before
	run --separate-stderr rk-config --generate --update </dev/null
	assert_failure 3
	[ "$stderr" = "rk-config: RELEASE.star:3:1: '# releasekit:generate begin' without '# releasekit:generate end'" ]
	cmp before RELEASE.star
}

@test "rk-config --generate: no package records at all (UBSan: qsort of NULL)" {
	rk-config --generate </dev/null >out.star
	grep -q '^# releasekit:generate end$' out.star
	run --separate-stderr rk-config -f out.star --config-mode central
	assert_success
	assert_output ""
}

@test "rk-config: a package file 40 directories deep is found, as rk-discover finds its package" {
	local d
	d=$(printf 'd%d/' $(seq 1 40))
	mkdir -p "$d"
	printf '[project]\nname = "deep"\nversion = "1"\n' >"${d}pyproject.toml"
	echo 'uv_package(name = "deep", group = "g")' >"${d}RELEASE.star"
	rk-config >cfg.ndjson
	[ "$(jq -r '"\(.name) \(.group) \(.location)"' cfg.ndjson)" = "deep g ${d}RELEASE.star:1:1" ]
	rk-discover --root . <cfg.ndjson | jq -r 'select(.kind == "package") | .group' >actual
	echo g >expected
	diff -u expected actual
}

@test "rk-discover: an absolute workspace root in config is outside the repository (was 'etc' is not a directory)" {
	mkdir -p etc
	run --separate-stderr rk-discover --root . \
		<<<'{"kind":"config","rule":"uv_workspace","name":"x","root":"/etc","location":"RELEASE.star:1:1"}'
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-discover: RELEASE.star:1:1: uv_workspace: root '/etc' is outside the repository" ]
}

@test "rk-config: a workspace load through a symbolic link leading outside the workspace is refused" {
	mkdir -p ws/lib outside
	echo 'VALUE = "from outside"' >outside/x.star
	ln -s "$T/outside/x.star" ws/lib/x.star
	ln -s ../../outside ws/lib/up
	printf 'load("//lib:x.star", "VALUE")\nuv_package(name = VALUE)\n' >ws/RELEASE.star
	run --separate-stderr rk-config -C ws
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: RELEASE.star:1:1: cannot load //lib:x.star: lib/x.star is a link to a file outside the workspace" ]
	printf 'load("//lib/up:x.star", "VALUE")\nuv_package(name = VALUE)\n' >ws/RELEASE.star
	run --separate-stderr rk-config -C ws
	assert_failure 3
	[ "$stderr" = "rk-config: RELEASE.star:1:1: cannot load //lib/up:x.star: lib/up/x.star is a link to a file outside the workspace" ]
	# a link that stays inside is fine
	rm ws/lib/x.star
	echo 'VALUE = "inside"' >ws/real.star
	ln -s ../real.star ws/lib/x.star
	printf 'load("//lib:x.star", "VALUE")\nuv_package(name = VALUE)\n' >ws/RELEASE.star
	[ "$(rk-config -C ws | jq -r .name)" = inside ]
}

@test "rk-graph: a \\u0000 in a package or dependency name is bad input (two names were one package)" {
	run --separate-stderr rk-graph < <(printf '%s\n' \
		'{"kind":"package","name":"a\u0000b","ecosystem":"python"}' \
		'{"kind":"package","name":"a\u0000c","ecosystem":"python"}')
	assert_failure 3
	assert_output ""
	[ "$stderr" = 'rk-graph: <stdin>:1:26: name: contains a NUL byte (\u0000)' ]
	run --separate-stderr rk-graph \
		<<<'{"kind":"package","name":"a","ecosystem":"python","deps":[{"name":"b\u0000"}]}'
	assert_failure 3
	[ "$stderr" = 'rk-graph: <stdin>:1:67: deps[0].name: contains a NUL byte (\u0000)' ]
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

@test "NDJSON readers: pretty-printed JSON gets a hint (jq -c)" {
	printf '{\n  "kind": "package"\n}\n' >pretty.json
	run --separate-stderr rk-graph pretty.json
	assert_failure 3
	[ "$stderr" = "rk-graph: pretty.json:1:2: expected a string key or '}', found end of input (a record is one line: pretty-printed JSON? use jq -c)" ]
	run --separate-stderr rk-discover --root . <pretty.json
	assert_failure 3
	[ "$stderr" = "rk-discover: <stdin>:1:2: expected a string key or '}', found end of input (a record is one line: pretty-printed JSON? use jq -c)" ]
	# a record cut short on its one line gets no such hint
	printf '{"kind":\n' >cut.json
	run --separate-stderr rk-graph cut.json
	assert_failure 3
	[ "$stderr" = "rk-graph: cut.json:1:9: expected a value after ':', found end of input" ]
}

@test "rk-config: a package file next to a malformed manifest names the manifest's line and column" {
	mkdir a
	printf '[project\n' >a/pyproject.toml
	echo 'uv_package(name = "a")' >a/RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: a/RELEASE.star: a/pyproject.toml:1:9: expected ']' at the end of the table header, found end of line" ]
}
