#!/usr/bin/env bats
# rk-graph: levels, order, cycles, renderings, queries, errors (rk-graph(1)).

load test_helper

F="$RK_TOP/tests/fixtures/graph"

# pkg NAME ECO [DEP...]: a package record; DEP is eco:name[:type].
pkg() {
	local name=$1 eco=$2 deps="" d sep=""
	shift 2
	for d in "$@"; do
		local de=${d%%:*} rest=${d#*:} dn dt=normal
		dn=${rest%%:*}
		[ "$rest" != "$dn" ] && dt=${rest#*:}
		deps="$deps$sep{\"name\":\"$dn\",\"ecosystem\":\"$de\",\"spec\":\"\",\"type\":\"$dt\"}"
		sep=,
	done
	printf '{"kind":"package","name":"%s","version":"1.0.0","ecosystem":"%s","manager":"%s","path":"p/%s","manifest":"p/%s/m","publishable":true,"deps":[%s]}\n' \
		"$name" "$eco" "$(case $eco in python) echo uv ;; npm) echo pnpm ;; *) echo cargo ;; esac)" \
		"$name" "$name" "$deps"
}

# summary FILE: "eco:name level order" per package record, in stream order.
summary() {
	jq -r 'select(.kind == "package") | "\(.ecosystem):\(.name) \(.level) \(.order)\(if .depth != null then " d\(.depth)" else "" end)"' "$@"
}

@test "levels and order: hand-written graph, order sorted by (level, ecosystem, name)" {
	{
		pkg app npm npm:lib npm:util
		pkg lib npm npm:util cargo:core
		pkg util npm
		pkg core cargo
		pkg zeta python
		pkg tool python npm:app
	} >in.ndjson
	run rk-graph in.ndjson
	assert_success
	summary <<<"$output" >actual
	cat >expected <<'EOF'
npm:app 2 4
npm:lib 1 3
npm:util 0 1
cargo:core 0 0
python:zeta 0 2
python:tool 3 5
EOF
	diff -u expected actual
	# The same answer whatever the input order.
	tac in.ndjson >rev.ndjson
	piped rk-graph \| summary \| sort <rev.ndjson >a2
	sort actual >a1
	diff -u a1 a2
}

@test "default output: every record in order, packages with level and order; valid records" {
	run rk-graph <"$F/packages.ndjson"
	assert_success
	diff -u "$F/expected.records" <(echo "$output")
	# Everything but level/order is untouched, other kinds verbatim.
	diff -u "$F/packages.ndjson" <(jq -c 'del(.level, .order)' <<<"$output")
	jq -c 'select(.kind == "package")' <<<"$output" >pkgs.ndjson
	validate_records pkgs.ndjson
	# Idempotent: existing level/order are replaced, not duplicated.
	rk-graph <<<"$output" >again
	diff -u "$F/expected.records" again
}

@test "empty input and input without packages: passed through, exit 0" {
	run rk-graph </dev/null
	assert_success
	assert_output ""
	printf '%s\n' '{"kind":"a"}' '' '{"kind":"b","x":[1,2]}' >in
	run rk-graph in
	assert_success
	assert_output $'{"kind":"a"}\n{"kind":"b","x":[1,2]}'
	run rk-graph --levels in
	assert_success
	assert_output ""
}

@test "normal, build and peer edges order by default; optional and dev with --edges or --include-dev" {
	{
		pkg a python python:b:dev
		pkg b python python:c:build
		pkg c python python:d:optional
		pkg d python python:e:peer
		pkg e python
	} >in.ndjson
	run rk-graph --levels in.ndjson
	assert_success
	assert_output - <<'EOF'
level 0: python:a, python:c, python:e
level 1: python:b, python:d
EOF
	run rk-graph --levels --include-dev in.ndjson
	assert_success
	assert_output - <<'EOF'
level 0: python:c, python:e
level 1: python:b, python:d
level 2: python:a
EOF
	run rk-graph --levels --edges normal,build,peer,optional in.ndjson
	assert_success
	assert_output - <<'EOF'
level 0: python:a, python:e
level 1: python:d
level 2: python:c
level 3: python:b
EOF
	for e in all normal,build,peer,optional,dev; do
		run rk-graph --levels --edges $e in.ndjson
		assert_success
		assert_output - <<'EOF'
level 0: python:e
level 1: python:d
level 2: python:c
level 3: python:b
level 4: python:a
EOF
	done
	run --separate-stderr rk-graph --edges normal,bogus in.ndjson
	assert_failure 2
	[[ "$stderr" == "rk-graph: --edges: unknown dependency type 'bogus' (expected normal, build, peer, optional, dev or all)"* ]]
	# A dev-only cycle is no cycle; with --include-dev it is.
	{
		pkg x cargo cargo:y
		pkg y cargo cargo:x:dev
	} >dev.ndjson
	run rk-graph --levels dev.ndjson
	assert_success
	assert_output $'level 0: cargo:y\nlevel 1: cargo:x'
	run --separate-stderr rk-graph --include-dev dev.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[ "$stderr" = "rk-graph: cycle: cargo:x -(normal, p/x/m)-> cargo:y -(dev, p/y/m)-> cargo:x" ]
}

@test "a package listing one dependency twice keeps the strongest edge type" {
	{
		pkg a npm npm:b:dev npm:b:peer npm:c:dev
		pkg b npm
		pkg c npm
	} >in.ndjson
	run rk-graph --format json --include-dev in.ndjson
	assert_success
	run jq -c '.edges' <<<"$output"
	assert_output '[{"from":"npm:a","to":"npm:b","type":"peer"},{"from":"npm:a","to":"npm:c","type":"dev"}]'
}

@test "cycles: self-loop, exit 3, one exact line, nothing on stdout" {
	{
		pkg ok npm
		pkg a npm npm:a
	} >in.ndjson
	run --separate-stderr rk-graph in.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[ "$stderr" = "rk-graph: cycle: npm:a -(normal, p/a/m)-> npm:a" ]
}

@test "cycles: a 2-cycle and a 3-cycle as two components, in (ecosystem, name) order" {
	{
		pkg zz python python:yy
		pkg yy python python:zz
		pkg m cargo cargo:n
		pkg n cargo cargo:o
		pkg o cargo cargo:m
		pkg free cargo cargo:m
	} >in.ndjson
	run --separate-stderr rk-graph --levels in.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "rk-graph: cycle: cargo:m -(normal, p/m/m)-> cargo:n -(normal, p/n/m)-> cargo:o -(normal, p/o/m)-> cargo:m" ]
	[ "${stderr_lines[1]}" = "rk-graph: cycle: python:yy -(normal, p/yy/m)-> python:zz -(normal, p/zz/m)-> python:yy" ]
}

@test "cycles: the shortest cycle through the first package, the rest of the component named" {
	{
		pkg a npm npm:c npm:b
		pkg b npm npm:a npm:d
		pkg c npm npm:d
		pkg d npm npm:a
	} >in.ndjson
	run --separate-stderr rk-graph in.ndjson
	[ "$status" -eq 3 ]
	[ "$stderr" = "rk-graph: cycle: npm:a -(normal, p/a/m)-> npm:b -(normal, p/b/m)-> npm:a (same cycle group: npm:c, npm:d)" ]
}

@test "renderings: every format matches its expected file" {
	# optional edges shown (dashed) when they count
	for f in levels dot mermaid d2 ascii json; do
		rk-graph --edges normal,build,peer,optional --format "$f" <"$F/packages.ndjson" >"out.$f"
		diff -u "$F/expected.$f" "out.$f"
	done
	rk-graph --edges normal,build,peer,optional --levels "$F/packages.ndjson" >out.l
	diff -u "$F/expected.levels" out.l
	validate_records out.json
}

@test "renderings: quoting of odd names (quotes, backslash, # < > & \`, tab, UTF-8)" {
	for f in levels dot mermaid d2 ascii json; do
		rk-graph --format "$f" <"$F/quoting.ndjson" >"out.$f"
		diff -u "$F/quoting.$f" "out.$f"
	done
	# The JSON rendering round-trips the names exactly.
	jq -r '.nodes[].name' out.json | sort >names
	jq -r '.name' "$F/quoting.ndjson" | sort >want
	diff -u want names
}

@test "dot output is accepted by Graphviz and keeps every node and edge" {
	command -v dot >/dev/null || skip "graphviz not installed (scripts/bootstrap installs it)"
	for fx in packages quoting; do
		rk-graph --format dot <"$F/$fx.ndjson" >g.dot
		dot -Tsvg g.dot >g.svg
		grep -q '<svg' g.svg
		# Graphviz's own view of the graph: node and edge counts.
		dot -Tplain g.dot >g.plain
		nodes=$(piped rk-graph --format json \| jq '.nodes | length' <"$F/$fx.ndjson")
		edges=$(piped rk-graph --format json \| jq '.edges | length' <"$F/$fx.ndjson")
		[ "$(grep -c '^node ' g.plain)" -eq "$nodes" ]
		[ "$(grep -c '^edge ' g.plain)" -eq "$edges" ]
	done
	# Node names survive quoting: Graphviz reports npm:@scope/x as it is.
	piped rk-graph --format dot \| dot -Tplain \| grep -q '^node "npm:@scope/x" ' <"$F/packages.ndjson"
}

@test "mermaid and d2: every edge endpoint is a declared node, ids unique, quotes balanced" {
	gen=$RK_TOP/tests/helpers/gen-packages
	"$gen" 300 7 >big.ndjson
	for input in "$F/packages.ndjson" "$F/quoting.ndjson" big.ndjson; do
		rk-graph --format mermaid <"$input" >m
		head -1 m | grep -qx 'flowchart BT'
		grep -E '^    n[0-9]+\["[^"]*"\]$' m | sed 's/\[.*//; s/^ *//' | sort >decl
		[ "$(wc -l <decl)" -eq "$(sort -u decl | wc -l)" ]
		[ "$(wc -l <decl)" -eq "$(jq -s '[.[] | select(.kind == "package")] | length' "$input")" ]
		grep -E '^    n[0-9]+ ' m | grep -v '\[' | awk '{ print $1; print $NF }' | sort -u >used
		comm -23 used decl >undeclared
		[ ! -s undeclared ]
		# Every line is a header, a comment, a node or an edge.
		! grep -vE '^(flowchart BT|    %% level [0-9]+|    n[0-9]+\["[^"]*"\]|    n[0-9]+ (-->|-\.->)(\|[a-z]+\|)? n[0-9]+)$' m

		rk-graph --format d2 <"$input" >d
		head -1 d | grep -qx 'direction: up'
		# Keys are quoted strings: "..." with \" and \\ escapes.
		key='"([^"\\]|\\.)*"'
		! grep -vE "^(direction: up|# level [0-9]+|$key|$key -> $key(: [a-z]+( \{style.stroke-dash: 3\})?)?)$" d
		grep -E "^$key$" d | sort >decl
		grep -E "^$key -> " d | sed -E "s/^($key) -> ($key).*/\1\n\3/" | sort -u >used
		comm -23 used decl >undeclared
		[ ! -s undeclared ]
	done
}

@test "ascii: one frame, a section per level, every package once, all lines equally wide" {
	rk-graph --format ascii <"$RK_TOP/tests/fixtures/graph/packages.ndjson" >a
	head -1 a | grep -q '^┌─ level 0 ─*┐$'
	tail -1 a | grep -q '^└─*┘$'
	[ "$(grep -c '^├─ level' a)" -eq 2 ]
	# Equal display width (code points) on every line.
	[ "$(python3 -c 'import sys; print(len({len(l.rstrip("\n")) for l in open("a", encoding="utf-8")}))')" -eq 1 ]
	[ "$(grep -cE '^│ [a-z]+:' a)" -eq 8 ]
}

@test "queries: --deps PKG (transitive, with depth; bare name; --depth)" {
	run rk-graph --deps genkit-plugin.vertex_ai "$F/packages.ndjson"
	assert_success
	summary <<<"$output" >actual
	cat >expected <<'EOF'
python:genkit 1 2 d1
python:dotpromptz 0 1 d2
cargo:core 0 0 d2
python:genkit-plugin.vertex_ai 2 3 d0
EOF
	diff -u expected actual
	# Other kinds still pass through, in order.
	[ "$(jq -r 'select(.kind != "package") | .kind' <<<"$output" | tr '\n' ' ')" = "config note " ]
	# PEP 503: any spelling of a Python name finds it.
	run rk-graph --deps Genkit_Plugin.Vertex-AI --depth 1 --levels "$F/packages.ndjson"
	assert_success
	assert_output $'level 0: python:genkit\nlevel 1: python:genkit-plugin.vertex_ai'
	run rk-graph --deps python:genkit --depth 0 --levels "$F/packages.ndjson"
	assert_output 'level 0: python:genkit'
}

@test "queries: --rdeps PKG with and without --depth, qualified names" {
	run rk-graph --rdeps cargo:core --levels "$F/packages.ndjson"
	assert_success
	assert_output - <<'EOF'
level 0: cargo:core
level 1: npm:@scope/x, python:genkit
level 2: npm:@scope/ui, python:genkit-plugin.vertex_ai
EOF
	run rk-graph --rdeps cargo:core --depth 1 "$F/packages.ndjson"
	assert_success
	summary <<<"$output" >actual
	printf '%s\n' 'python:genkit 1 2 d1' 'cargo:core 0 0 d0' 'npm:@scope/x 1 1 d1' >expected
	diff -u expected actual
	run rk-graph --rdeps npm:@scope/x --format dot "$F/packages.ndjson"
	assert_success
	assert_line --partial '"npm:@scope/ui" -> "npm:@scope/x";'
}

@test "queries: --path A B (a shortest path; exit 1 when none)" {
	run rk-graph --path genkit-plugin.vertex_ai cargo:core "$F/packages.ndjson"
	assert_success
	summary <<<"$output" >actual
	printf '%s\n' 'python:genkit 1 1 d1' 'cargo:core 0 0 d2' 'python:genkit-plugin.vertex_ai 2 2 d0' >expected
	diff -u expected actual
	run rk-graph --path @scope/ui cargo:core --levels "$F/packages.ndjson"
	assert_output $'level 0: cargo:core\nlevel 1: npm:@scope/x\nlevel 2: npm:@scope/ui'
	# The file may come first; --path=A B works too.
	run rk-graph "$F/packages.ndjson" --path=@scope/ui cargo:core --levels
	assert_output $'level 0: cargo:core\nlevel 1: npm:@scope/x\nlevel 2: npm:@scope/ui'
	run --separate-stderr rk-graph --path cargo:core npm:@scope/ui "$F/packages.ndjson"
	[ "$status" -eq 1 ]
	assert_output ""
	[ "$stderr" = "rk-graph: no dependency path from cargo:core to npm:@scope/ui" ]
	# Shortest, ties broken by name: a -> b -> d rather than a -> c -> d or a -> x -> y -> d.
	{
		pkg a npm npm:x npm:c npm:b
		pkg b npm npm:d
		pkg c npm npm:d
		pkg x npm npm:y
		pkg y npm npm:d
		pkg d npm
	} >in.ndjson
	run rk-graph --path a d --format json in.ndjson
	assert_success
	[ "$(jq -c '[.nodes[].id]' <<<"$output")" = '["npm:d","npm:b","npm:a"]' ]
}

@test "queries: --group and --ecosystem select, compose, and keep other records" {
	run rk-graph --group web "$F/packages.ndjson"
	assert_success
	summary <<<"$output" >actual
	printf '%s\n' 'npm:@scope/x 0 0' 'npm:@scope/ui 1 1' >expected
	diff -u expected actual
	[ "$(jq -r 'select(.kind != "package") | .kind' <<<"$output" | tr '\n' ' ')" = "config note " ]
	run rk-graph --ecosystem python --levels "$F/packages.ndjson"
	assert_output $'level 0: python:core, python:dotpromptz\nlevel 1: python:genkit\nlevel 2: python:genkit-plugin.vertex_ai'
	# The same as filtering the input with jq first.
	jq -c 'select(.ecosystem == "python")' "$F/packages.ndjson" | rk-graph --levels >viajq
	diff -u <(echo "$output") viajq
	run rk-graph --ecosystem npm --group web --rdeps npm:@scope/x --levels "$F/packages.ndjson"
	assert_output $'level 0: npm:@scope/x\nlevel 1: npm:@scope/ui'
	run --separate-stderr rk-graph --group nope "$F/packages.ndjson"
	assert_success
	[ "$stderr" = "rk-graph: warning: no package in group 'nope'" ]
	[ "$(jq -r .kind <<<"$output" | tr '\n' ' ')" = "config note " ]
}

@test "queries: ambiguous and unknown package names are usage errors (exit 2)" {
	run --separate-stderr rk-graph --deps core "$F/packages.ndjson"
	[ "$status" -eq 2 ]
	assert_output ""
	[ "$stderr" = "rk-graph: --deps: 'core' is ambiguous: cargo:core, python:core" ]
	run --separate-stderr rk-graph --path genkit core "$F/packages.ndjson"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-graph: --path: 'core' is ambiguous: cargo:core, python:core" ]
	run --separate-stderr rk-graph --rdeps nosuch "$F/packages.ndjson"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-graph: --rdeps: no package 'nosuch' in the input" ]
	run --separate-stderr rk-graph --rdeps cargo:genkit "$F/packages.ndjson"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-graph: --rdeps: no package cargo:genkit in the input" ]
}

@test "options: bad values and combinations are usage errors (exit 2)" {
	local cases=(
		"--format svg|rk-graph: --format: expected records, levels, dot, mermaid, d2, ascii or json, got 'svg'"
		"--ecosystem go|rk-graph: --ecosystem: expected python, npm or cargo, got 'go'"
		"--deps a --rdeps b|rk-graph: --deps, --rdeps and --path exclude each other"
		"--depth 2|rk-graph: --depth needs --deps or --rdeps"
		"--deps a --depth -1|rk-graph: --depth: expected a whole number from 0 to 1000000000, got '-1'"
		"--path a|rk-graph: --path needs two packages: --path A B"
	)
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr rk-graph ${c%%|*} </dev/null
		[ "$status" -eq 2 ]
		[ "$stderr" = "${c#*|}" ]
	done
	run --separate-stderr rk-graph no-such-file
	[ "$status" -eq 2 ]
	[ "$stderr" = "rk-graph: cannot open no-such-file: No such file or directory" ]
}

@test "dependencies outside the input are ignored; --strict makes them an error" {
	pkg a npm npm:b npm:gone >in.ndjson
	pkg b npm >>in.ndjson
	run rk-graph --levels in.ndjson
	assert_success
	assert_output $'level 0: npm:b\nlevel 1: npm:a'
	run --separate-stderr rk-graph --strict <in.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[ "$stderr" = "rk-graph: <stdin>:1:199: npm:a depends on npm:gone, which is not in the input" ]
}

@test "malformed records: exit 3 with source:line:col, nothing on stdout" {
	local cases=(
		'{"kind":"package","name":"a","ecosystem":"npm"|<stdin>:2:47: expected'
		'{"kind":"package","ecosystem":"npm"}|<stdin>:2:1: name: missing (required)'
		'{"kind":"package","name":"","ecosystem":"npm"}|<stdin>:2:26: name: must not be empty'
		'{"kind":"package","name":"a"}|<stdin>:2:1: ecosystem: missing (required)'
		'{"kind":"package","name":"a","ecosystem":"go"}|<stdin>:2:42: ecosystem: expected one of python, npm, cargo, found "go"'
		'{"kind":"package","name":"a","ecosystem":"npm","group":3}|<stdin>:2:56: group: expected string or null, found 3'
		'{"kind":"package","name":"a","ecosystem":"npm","deps":{}}|<stdin>:2:55: deps: expected array, found an object'
		'{"kind":"package","name":"a","ecosystem":"npm","deps":["b"]}|<stdin>:2:56: deps[0]: expected object, found "b"'
		'{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b"},{"type":"dev"}]}|<stdin>:2:69: deps[1].name: missing (required)'
		'{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b","ecosystem":"pypi"}]}|<stdin>:2:80: deps[0].ecosystem: expected one of python, npm, cargo, found "pypi"'
		'{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b","type":"test"}]}|<stdin>:2:75: deps[0].type: expected one of normal, dev, build, optional, peer, found "test"'
		'{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b","cross":1}]}|<stdin>:2:76: deps[0].cross: expected boolean, found 1'
		'[1]|<stdin>:2:'
	)
	for c in "${cases[@]}"; do
		printf '%s\n%s\n' '{"kind":"note"}' "${c%%|*}" >in
		run --separate-stderr rk-graph <in
		[ "$status" -eq 3 ]
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ "$stderr" == "rk-graph: ${c#*|}"* ]] || {
			echo "want: rk-graph: ${c#*|}"
			echo "got:  $stderr"
			false
		}
	done
	# A named file is the source.
	printf '%s\n' '{"kind":"package","name":"a","ecosystem":"go"}' >bad.ndjson
	run --separate-stderr rk-graph bad.ndjson
	[ "$status" -eq 3 ]
	[ "$stderr" = 'rk-graph: bad.ndjson:1:42: ecosystem: expected one of python, npm, cargo, found "go"' ]
}

@test "duplicate packages: same ecosystem and normalised name is an error; across ecosystems fine" {
	printf '%s\n' '{"kind":"package","name":"Acme_Core","ecosystem":"python"}' \
		'{"kind":"package","name":"acme.core","ecosystem":"cargo"}' \
		'{"kind":"package","name":"acme.core","ecosystem":"python"}' >in
	run --separate-stderr rk-graph in
	[ "$status" -eq 3 ]
	assert_output ""
	[ "$stderr" = "rk-graph: in:3: duplicate package python:acme.core (already defined at in:1 as 'Acme_Core')" ]
}

@test "several input files are read as one stream; '-' is stdin" {
	head -4 "$F/packages.ndjson" >one
	tail -n +5 "$F/packages.ndjson" >two
	run rk-graph one - <two
	assert_success
	diff -u "$F/expected.records" <(echo "$output")
}

@test "generated graph of 3000 packages: levels and order are right (checked independently)" {
	"$RK_TOP/tests/helpers/gen-packages" 3000 42 >big.ndjson
	rk-graph big.ndjson >out.ndjson
	validate_records out.ndjson
	"$RK_TOP/.venv/bin/python" - out.ndjson <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
key = lambda r: (r["ecosystem"], r["name"])
by = {(r["ecosystem"], r["name"]): r for r in recs}
for r in recs:
    deps = [by[(d["ecosystem"], d["name"])] for d in r["deps"] if d["type"] != "dev"]
    want = 1 + max(d["level"] for d in deps) if deps else 0
    assert r["level"] == want, (r["name"], r["level"], want)
ordered = sorted(recs, key=lambda r: (r["level"], key(r)))
assert [r["order"] for r in ordered] == list(range(len(recs)))
print("ok", len(recs))
EOF
	# Input order does not matter.
	tac big.ndjson | rk-graph --format json >rev.json
	rk-graph --format json big.ndjson >fwd.json
	cmp rev.json fwd.json
}

@test "releasekit graph: --help, and rendering via the wrapper's pipeline" {
	run releasekit graph --help
	assert_success
	assert_line --index 0 "usage: releasekit graph [-C DIR] [-k] [--root DIR] [rk-graph options]"
}

# ---- found using the tools as a new user would: each pins one fixed bug ----

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
