#!/usr/bin/env bats
# The one record validator (lib/rk_record.c): every tool that reads records
# checks them against the schemas compiled in from share/schemas, with one
# located line and exit 3.

load test_helper

# A valid package record with FIELD=JSON replaced (jq, so the JSON is exact).
pkg() {
	jq -cn --argjson v "$2" '{kind:"package",name:"a",version:"1.0.0",ecosystem:"python",
		manager:"uv",path:"a",manifest:"a/pyproject.toml",publishable:true,deps:[]} | .[$ARGS.positional[0]] = $v' \
		--args "$1"
}

bad_records() {
	pkg name '"a\u0000b"' >nul-name.ndjson
	pkg name '"a\nb"' >newline-name.ndjson
	pkg deps '[{"name":"b","ecosystem":"python","spec":"","type":"weird"}]' >weird-dep.ndjson
	pkg publishable '"yes"' >publishable-yes.ndjson
	pkg kind '"package\u0000x"' >nul-kind.ndjson
}

# what each bad record's one line says (after "TOOL: FILE:1:COL: ")
want() {
	case $1 in
	nul-name) echo 'name: contains a NUL byte (\u0000)' ;;
	newline-name) echo 'name: "a\nb" does not match the pattern "^[^\n\r]+$"' ;;
	weird-dep) echo 'deps[0].type: expected one of normal, dev, build, optional, peer, found "weird"' ;;
	publishable-yes) echo 'publishable: expected boolean, found "yes"' ;;
	nul-kind) echo 'kind: contains a NUL byte (\u0000)' ;;
	esac
}

# check_reader TOOL ARGS...: each bad record on stdin: exit 3, one line, no stdout
check_reader() {
	local f
	bad_records
	for f in nul-name newline-name weird-dep publishable-yes nul-kind; do
		run --separate-stderr "$@" <"$f.ndjson"
		[ "$status" -eq 3 ] || { echo "$f: status $status: $stderr"; false; }
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ] || { echo "$f: $stderr"; false; }
		[[ "$stderr" =~ ^$1:\ \<stdin\>:1:[0-9]+:\ (.*)$ ]] || { echo "$f: $stderr"; false; }
		[ "${BASH_REMATCH[1]}" = "$(want "$f")" ] || {
			echo "$f: want $(want "$f")"
			echo "$f: got  ${BASH_REMATCH[1]}"
			false
		}
	done
}

@test "the compiled-in schemas are share/schemas (regenerated) and use only interpreted keywords" {
	run "$RK_TOP/scripts/gen-record-schemas" --check
	assert_success
	run t_helper t-record selfcheck
	assert_success
	local want
	want=$(cd "$RK_TOP/share/schemas" && ls *.schema.json | sed 's/\.schema\.json$//')
	assert_output "$want"
}

@test "the validator agrees with jsonschema on good and bad records of every kind" {
	# good records: the ones the schemas' own tests use, then each mutated
	cat >good.ndjson <<'EOF2'
{"kind":"package","name":"a","version":"1.0.0","ecosystem":"python","manager":"uv","path":"a","manifest":"a/pyproject.toml","publishable":true,"deps":[{"name":"b","ecosystem":"python","spec":">=1","type":"normal","line":3}]}
{"kind":"package","name":"b","version":null,"ecosystem":"npm","manager":"pnpm","path":"b","manifest":"b/package.json","publishable":false,"deps":[],"group":null,"level":0,"order":1}
{"kind":"event","action":"a","state":"started","time":"2026-11-26T10:00:00.000Z"}
{"kind":"config","rule":"uv_package","location":"RELEASE.star:1:1","name":"x","group":null,"skip":false,"cross_deps":[],"pin_strategy":null,"platforms":[],"bump_files":[],"build_backend":null,"label":null,"tag_format":null,"extra_paths":[],"smoke_test":true,"smoke_module":null,"ecosystem":"python","manager":"uv"}
{"kind":"action","id":"build:python:a","type":"build","deps":[],"key":"0000000000000000000000000000000000000000000000000000000000000000"}
EOF2
	jq -c '., (.name = 3), (.kind = "packag"), (.deps = [{"name":"b","ecosystem":"go","spec":"","type":"normal"}]),
		(.publishable = "yes"), (.level = -1), (.group = 4), (.key = "xyz"), (.time = "yesterday"),
		(.state = "exploded"), (.pin_strategy = "loose"), (.pin_strategy = "exact"), (.smoke_test = 1),
		(.ecosystem = "cargo"), (.deps = [{"name":"b\nc","ecosystem":"npm","spec":"","type":"dev"}]),
		(.id = ""), (.deps[0].line = 0)' good.ndjson >all.ndjson
	run jq -c 'del(.deps, .manifest)' good.ndjson
	assert_success
	echo "$output" >>all.ndjson
	run t_helper t-record check --required <all.ndjson
	assert_success
	sed 's/^\(ok\|bad\).*/\1/' <<<"$output" >c.verdicts
	run "$RK_TOP/.venv/bin/python" - "$RK_TOP/share/schemas" all.ndjson <<'EOF2'
import json, os, sys
import jsonschema
d = sys.argv[1]
for line in open(sys.argv[2]):
    r = json.loads(line)
    s = json.load(open(os.path.join(d, r["kind"] + ".schema.json"))) if os.path.exists(os.path.join(d, str(r["kind"]) + ".schema.json")) else {}
    ok = jsonschema.Draft202012Validator(s).is_valid(r)
    print("ok" if ok else "bad")
EOF2
	assert_success
	echo "$output" >py.verdicts
	run diff c.verdicts py.verdicts
	assert_success
	# both verdicts occur, so the comparison can fail
	grep -qx ok c.verdicts
	grep -qx bad c.verdicts
}

@test "without --required the readers' check skips missing fields, not wrong ones; other kinds pass" {
	printf '%s\n' '{"kind":"package","name":"a"}' '{"kind":"package","name":"a","ecosystem":"go"}' \
		'{"kind":"config","workspaces":[]}' '{"kind":"note","x":"a\u0000"}' \
		'{"kind":"note\u0000"}' >in.ndjson
	run t_helper t-record check <in.ndjson
	assert_success
	assert_output - <<'EOF2'
ok
bad: <stdin>:2:42: ecosystem: expected one of python, npm, cargo, found "go"
ok
ok
bad: <stdin>:5:9: kind: contains a NUL byte (\u0000)
EOF2
}

@test "rk-graph: each bad record is one line, exit 3, nothing on stdout" {
	check_reader rk-graph
}

@test "rk-plan: each bad record is one line, exit 3, nothing on stdout" {
	make_git_repo repo
	git_commit_all repo init
	check_reader rk-plan --repo repo
}

@test "rk-discover (config input): each bad record is one line, exit 3, nothing on stdout" {
	make_git_repo repo
	check_reader rk-discover --root repo -
}

@test "rk-exec (intake): each bad record is one line, exit 3, nothing on stdout" {
	make_git_repo repo
	git_commit_all repo init
	check_reader rk-exec --repo repo
}

@test "rk-poll: each bad record is one line, exit 3, nothing on stdout" {
	check_reader rk-poll --once
}

@test "rk-report: each bad record is one line, exit 3, nothing on stdout" {
	check_reader rk-report
}

@test "rk-config --generate: each bad record is one line, exit 3, nothing on stdout" {
	check_reader rk-config --generate
}

@test "a named input file is the source of the line" {
	pkg deps '[{"name":"b","ecosystem":"python","spec":"","type":"weird"}]' >in.ndjson
	run --separate-stderr rk-report in.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[[ "$stderr" == "rk-report: in.ndjson:1:"*": deps[0].type: expected one of"* ]]
}
