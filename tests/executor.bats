#!/usr/bin/env bats
# rk-exec's built-in executors: the --run-action child, the result file's
# output= and note= lines, and the cache policy by type (effects are never
# answered from the cache).

load test_helper

setup() {
	setup_common
	make_git_repo repo
	cd repo || return 1
	git commit -q --allow-empty -m init
}

K() { printf '%s' "$1" | sha256sum | cut -c1-64; }
ev() { jq -c --arg id "$2" --arg st "$3" 'select(.kind=="event" and .action==$id and .state==$st)' "$1"; }
states() { jq -r --arg id "$2" 'select(.kind=="event" and .action==$id) | .state' "$1" | tr '\n' ' ' | sed 's/ $//'; }

# tag_act ID TAG [TARGET]: a built-in tag action (no argv).
tag_act() {
	jq -cn --arg id "$1" --arg tag "$2" --arg target "${3:-}" --arg key "$(K "$1")" \
		'{kind:"action",id:$id,type:"tag",deps:[],key:$key,phase:"publish",
		  params:({tag:$tag} + (if $target == "" then {} else {target:$target} end))}'
}

@test "executor: a built-in tag action runs as rk-exec --run-action; a rerun finds it done, never cached" {
	tag_act tag:python:a a-v1.0.0 >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	[ "$(states out tag:python:a)" = "queued started succeeded" ]
	[ "$(git rev-parse a-v1.0.0)" = "$(git rev-parse HEAD)" ]
	ev out tag:python:a succeeded | jq -e --arg h "$(git rev-parse --short=12 HEAD)" '.note == "tagged " + $h'
	# the same key again: the ref is asked, not the cache
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out2
	[ "$(states out2 tag:python:a)" = "queued started succeeded" ]
	ev out2 tag:python:a succeeded | jq -e '.note | startswith("already done: a-v1.0.0 points at ")'
	# the tag elsewhere: a clear failure, the tag left alone
	git commit -q --allow-empty -m second
	run --separate-stderr rk-exec plan
	assert_failure 1
	printf '%s\n' "$output" >out3
	ev out3 tag:python:a failed | jq -e --arg old "$(git rev-parse HEAD^)" --arg new "$(git rev-parse HEAD)" \
		'.reason == "tag a-v1.0.0 already exists and points at \($old), not at \($new) (delete it or release another version)"'
	[ "$(git rev-parse a-v1.0.0)" = "$(git rev-parse HEAD^)" ]
	# a failing built-in is not retried unless it says so: one attempt
	[ "$(ev out3 tag:python:a started | wc -l)" = 1 ]
}

@test "executor: the tag's target param, an annotated tag, and a bad tag name" {
	git commit -q --allow-empty -m second
	jq -cn --arg key "$(K t)" --arg target "$(git rev-parse HEAD^)" \
		'{kind:"action",id:"t",type:"tag",deps:[],key:$key,params:{tag:"v2",target:$target,message:"Release v2"}}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(git rev-parse 'v2^{commit}')" = "$(git rev-parse HEAD^)" ]
	[ "$(git cat-file -t v2)" = tag ]
	[ "$(git tag -l --format='%(contents:subject)' v2)" = "Release v2" ]
	tag_act bad 'no..dots' >plan2
	run --separate-stderr rk-exec plan2
	assert_failure 1
	printf '%s\n' "$output" >out
	ev out bad failed | jq -e --arg r "action 'bad': 'no..dots' is not a valid tag name" '.reason == $r'
}

@test "executor: a command's result file: output= files go to the CAS and come back on a hit; note= into the event" {
	# type build (cacheable): looked up in the cache
	jq -cn --arg key "$(K b)" '{kind:"action",id:"b",type:"build",deps:[],key:$key,
		argv:["sh","-c","mkdir -p dist && echo built >dist/a.whl && echo output=dist/a.whl >>\"$RK_RESULT_FILE\" && echo note=fresh >>\"$RK_RESULT_FILE\" && echo ran >>../log"]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	validate_records out
	ev out b succeeded | jq -e --arg d "$(sha256sum dist/a.whl | cut -c1-64)" \
		'.note == "fresh" and .outputs == [{path:"dist/a.whl",digest:$d,size:6}]'
	rm -rf dist
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out2
	[ "$(states out2 b)" = "cached" ]
	[ "$(cat dist/a.whl)" = built ]
	[ "$(wc -l <../log)" = 1 ]
}

@test "executor: an action of an effect type is never answered from the cache, argv or not" {
	jq -cn --arg key "$(K bump)" '{kind:"action",id:"bump:x",type:"bump",deps:[],key:$key,
		argv:["sh","-c","echo ran >>../log"]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	run --separate-stderr rk-exec plan
	assert_success
	printf '%s\n' "$output" >out
	[ "$(states out bump:x)" = "queued started succeeded" ]
	[ "$(wc -l <../log)" = 2 ]
	# command actions still are
	jq -cn --arg key "$(K cmd)" '{kind:"action",id:"c",type:"command",deps:[],key:$key,
		argv:["sh","-c","echo ran >>../log2"]}' >plan2
	rk-exec plan2 >/dev/null
	run --separate-stderr rk-exec plan2
	assert_success
	printf '%s\n' "$output" >out2
	[ "$(states out2 c)" = "cached" ]
}

@test "executor: output= outside the repository is refused with a warning" {
	jq -cn --arg key "$(K o)" '{kind:"action",id:"o",type:"build",deps:[],key:$key,
		argv:["sh","-c","echo x >../outside && echo output=../outside >>\"$RK_RESULT_FILE\""]}' >plan
	run --separate-stderr rk-exec plan
	assert_success
	[ "$stderr" = "rk-exec: warning: action 'o': output ../outside not stored: not inside the repository" ]
	printf '%s\n' "$output" >out
	ev out o succeeded | jq -e '.outputs == null'
}

@test "executor: a type without an executor still fails clearly; --run-action checks its file" {
	jq -cn --arg key "$(K s)" '{kind:"action",id:"s",type:"frobnicate",deps:[],key:$key}' >plan
	run --separate-stderr rk-exec plan
	assert_failure 1
	printf '%s\n' "$output" >out
	ev out s failed | jq -e --arg r "no executor for action type 'frobnicate' yet" '.reason == $r'
	run --separate-stderr rk-exec --run-action plan
	assert_failure 3
	[ "$stderr" = "rk-exec: plan:1: action 's': no executor for action type 'frobnicate'" ]
	echo '{"kind":"action","id":"t","type":"tag","params":[1]}' >bad
	run --separate-stderr rk-exec --run-action bad
	assert_failure 3
	[ "$stderr" = "rk-exec: bad:1: action 't': \"params\" must be an object" ]
	echo '{"kind":"action","id":"t",' >bad
	run --separate-stderr rk-exec --run-action bad
	assert_failure 3
	[[ "$stderr" == "rk-exec: bad:2:1: expected "* ]]
	run --separate-stderr rk-exec --run-action missing
	assert_failure 3
	[ "$stderr" = "rk-exec: missing: No such file or directory" ]
}

@test "executor: RK_TEST_KILL_AT kills rk-exec inside the executor; a rerun finishes the work" {
	tag_act tag:python:a a-v1.0.0 >plan
	RK_TEST_KILL_AT=tag:python:a:write run --separate-stderr rk-exec plan
	[ "$status" -eq 137 ]
	run git tag
	[ -z "$output" ]
	# the lock the killed run left is stale (its pid is gone): taken over
	run --separate-stderr rk-exec plan
	assert_success
	[ "$(git rev-parse a-v1.0.0)" = "$(git rev-parse HEAD)" ]
}
