#!/usr/bin/env bats
# A field a reader needs and does not find (rk_record_need, lib/rk_record.c):
# every tool says it in the validator's words and at its position
# ("<stdin>:2:1: name: missing (required)"), exit 3, one line, nothing on
# stdout. Each tool needs only what it uses: a record with just those
# fields is read (records written by hand with jq have no more).

load test_helper

K=0000000000000000000000000000000000000000000000000000000000000000

# The table: TOOL|RECORD WITH ONLY THE NEEDED FIELDS|FIELD (jq path)|COLUMN|MESSAGE
# The record is fed on line 2, after a record of a kind no tool reads.
needs_table() {
	cat <<EOF
rk-graph|{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b"}]}|.name|1|name
rk-graph|{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b"}]}|.ecosystem|1|ecosystem
rk-graph|{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b"}]}|.deps[0].name|56|deps[0].name
rk-plan|{"kind":"package","name":"a","ecosystem":"npm","path":"a","deps":[{"name":"b"}]}|.name|1|name
rk-plan|{"kind":"package","name":"a","ecosystem":"npm","path":"a","deps":[{"name":"b"}]}|.ecosystem|1|ecosystem
rk-plan|{"kind":"package","name":"a","ecosystem":"npm","path":"a","deps":[{"name":"b"}]}|.path|1|path
rk-plan|{"kind":"package","name":"a","ecosystem":"npm","path":"a","deps":[{"name":"b"}]}|.deps[0].name|67|deps[0].name
rk-exec|{"kind":"action","id":"x","type":"command","key":"$K","deps":[]}|.id|1|id
rk-exec|{"kind":"action","id":"x","type":"command","key":"$K","deps":[]}|.type|1|type
rk-exec|{"kind":"action","id":"x","type":"command","key":"$K","deps":[]}|.key|1|key
rk-exec|{"kind":"action","id":"x","type":"command","key":"$K","deps":[]}|.deps|1|deps
rk-exec|{"kind":"config","rule":"hook","name":"h","events":["after:*"],"handler":["/bin/true"]}|.name|1|name
rk-exec|{"kind":"config","rule":"hook","name":"h","events":["after:*"],"handler":["/bin/true"]}|.events|1|events
rk-exec|{"kind":"config","rule":"hook","name":"h","events":["after:*"],"handler":["/bin/true"]}|.handler|1|handler
rk-discover|{"kind":"config","rule":"npm_package","name":"a"}|.name|1|name
rk-poll|{"kind":"release","ecosystem":"npm","name":"a","next":"1.0.0"}|.ecosystem|1|ecosystem
rk-poll|{"kind":"release","ecosystem":"npm","name":"a","next":"1.0.0"}|.name|1|name
rk-poll|{"kind":"release","ecosystem":"npm","name":"a","next":"1.0.0"}|.next|1|next
rk-report|{"kind":"event","action":"x","state":"started","time":"2026-12-01T00:00:00.000Z"}|.action|1|action
rk-report|{"kind":"event","action":"x","state":"started","time":"2026-12-01T00:00:00.000Z"}|.state|1|state
rk-report|{"kind":"event","action":"x","state":"started","time":"2026-12-01T00:00:00.000Z"}|.time|1|time
rk-report|{"kind":"action","id":"x"}|.id|1|id
rk-report|{"kind":"package","name":"a"}|.name|1|name
rk-report|{"kind":"release","name":"a"}|.name|1|name
EOF
}

# run_tool TOOL FILE: the tool as the table's rows run it (rk-poll never
# reaches a registry: port 1 on 127.0.0.1 refuses)
run_tool() {
	if [ "$1" = rk-plan ] || [ "$1" = rk-exec ]; then
		run --separate-stderr "$1" --repo repo "$2"
	elif [ "$1" = rk-discover ]; then # it reads standard input, under --root
		run --separate-stderr rk-discover --root repo - <"$2"
	elif [ "$1" = rk-poll ]; then
		run --separate-stderr rk-poll --once --npm http://127.0.0.1:1/ "$2"
	else
		run --separate-stderr "$1" "$2"
	fi
}

setup() {
	setup_common
	make_git_repo repo
	git_commit_all repo init
}

@test "each tool, each needed field removed in turn: exit 3, the validator's one line" {
	local tool rec path col field src n=0
	needs_table >table
	while IFS='|' read -r tool rec path col field; do
		{ echo '{"kind":"note"}' && jq -c "del($path)" <<<"$rec"; } >in.ndjson
		run_tool "$tool" in.ndjson
		[ "$status" -eq 3 ] || { echo "$tool without $path: status $status: $stderr"; false; }
		if [ "$tool" = rk-poll ]; then
			assert_output '{"kind":"note"}' # a filter: what came before is passed on
		else
			assert_output ""
		fi
		src=in.ndjson
		[ "$tool" = rk-discover ] && src="<stdin>"
		[ "$stderr" = "$tool: $src:2:$col: $field: missing (required)" ] ||
			{ echo "$tool without $path: $stderr"; false; }
		n=$((n + 1))
	done <table
	[ "$n" -eq 24 ]
}

@test "each tool reads a record with only the fields it needs" {
	local tool rec path col field
	needs_table >table
	sort -u -t'|' -k1,2 table >records # one row per tool and record
	while IFS='|' read -r tool rec path col field; do
		printf '%s\n%s\n' '{"kind":"note"}' "$rec" >in.ndjson
		run_tool "$tool" in.ndjson
		case $tool:$(jq -r .kind <<<"$rec") in
		rk-exec:config) # a hook with no action to hang on: nothing to do
			[ "$status" -eq 0 ] || { echo "$tool: status $status: $stderr"; false; }
			jq -se 'any(.[]; .kind == "summary" and .actions == 0)' <<<"$output" >/dev/null ;;
		rk-exec:*) # read and run: the type has no executor, so the work fails (1), not the input
			[ "$status" -eq 1 ] || { echo "$tool: status $status: $stderr"; false; }
			jq -se --arg r "no executor for action type 'command' yet" \
				'any(.[]; .kind == "event" and .action == "x" and .state == "failed" and .reason == $r)' \
				<<<"$output" >/dev/null || { echo "$output"; false; } ;;
		rk-poll:*) # read and polled: the registry refuses, the work fails (1), not the input
			[ "$status" -eq 1 ] || { echo "$tool: status $status: $stderr"; false; }
			echo "$output" | jq -e 'select(.kind == "availability")
				| .name == "a" and .ecosystem == "npm" and .version == "1.0.0" and .state == "error"' >/dev/null ;;
		rk-discover:*) # read: the rule then names a package the (empty) repository lacks
			[ "$status" -eq 3 ] || { echo "$tool: status $status: $stderr"; false; }
			[ "$stderr" = "rk-discover: <stdin>:2: npm_package: no npm package named 'a'" ] ;;
		rk-graph:*)
			[ "$status" -eq 0 ] || { echo "$tool: status $status: $stderr"; false; }
			echo "$output" | jq -e 'select(.kind == "package") | .name == "a" and .level == 0' >/dev/null ;;
		rk-plan:*)
			[ "$status" -eq 0 ] || { echo "$tool: status $status: $stderr"; false; }
			echo "$output" | jq -e 'select(.kind == "package") | .name == "a"' >/dev/null ;;
		rk-report:*)
			[ "$status" -eq 0 ] || { echo "$tool: $rec: status $status: $stderr"; false; } ;;
		esac
	done <records
}

@test "rk-report: a package and an action with only their needed fields are in the report" {
	printf '%s\n' '{"kind":"package","name":"a"}' '{"kind":"release","name":"a"}' \
		'{"kind":"action","id":"x"}' \
		'{"kind":"event","action":"x","state":"started","time":"2026-12-01T00:00:00.000Z"}' >in.ndjson
	run --separate-stderr rk-report --format json in.ndjson
	assert_success
	echo "$output" | jq -e '.packages == [{"name":"a","ecosystem":"","status":"planned","level":0,"actions":0,"cached":0,"failed":0,"skipped":0,"retries":0}] and .counts.actions == 1' >/dev/null
}

@test "a missing field of a deeper dependency is named by its index, at its column" {
	printf '%s\n' '{"kind":"package","name":"a","ecosystem":"npm","deps":[{"name":"b"},{"name":"c"},{"type":"dev"}]}' >in.ndjson
	run --separate-stderr rk-graph in.ndjson
	[ "$status" -eq 3 ]
	assert_output ""
	[ "$stderr" = "rk-graph: in.ndjson:1:82: deps[2].name: missing (required)" ]
	run --separate-stderr rk-graph <in.ndjson
	[ "$status" -eq 3 ]
	[ "$stderr" = "rk-graph: <stdin>:1:82: deps[2].name: missing (required)" ]
}

@test "rk_record_need: paths into objects and arrays; a config record's error at its location" {
	printf '%s\n' '{"kind":"x","name":"n","a":{"b":1},"l":[{"m":1}]}' '{"kind":"x","name":"n","a":{}}' \
		'{"kind":"x","name":"n"}' '{"kind":"x","name":"n","a":3,"l":"s"}' \
		'{"kind":"x","name":"n","l":[{"m":1},{}]}' \
		'{"kind":"config","rule":"hook","location":"RELEASE.star:7:3"}' >in.ndjson
	run t_helper t-record need
	assert_failure 2
	run t_helper t-record need name a.b 'l[].m' <in.ndjson
	assert_success
	assert_output - <<'EOF2'
ok
bad: <stdin>:2:28: a.b: missing (required)
ok
ok
bad: <stdin>:5:37: l[1].m: missing (required)
bad: RELEASE.star:7:3: name: missing (required)
EOF2
}
