#!/usr/bin/env bats
# rk-plan reads config records with rk-config's own rule table
# (rk_cfg_record_check) after the record validator (rk_record, from the
# schema rk-config's table generates): what rk-config refuses, rk-plan
# refuses too, with one line naming the record and exit 3; what rk-config
# writes, rk-plan reads.

load test_helper
load plan_helper

tag() {
	git -C repo tag "$@"
}

# refused JSON: rk-plan on a package and that config record: exit 3, one
# line (the expected one), nothing on stdout
refused() {
	local record=$1 message=$2
	: >in.ndjson
	pkg a npm pk/a 1.0.0
	echo "$record" >>in.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <in.ndjson
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" "$message"
}

@test "versioning values rk-config rejects (lockstep, per_group, a strategy in version_strategy) are refused" {
	pkg a npm pk/a 1.0.0
	init
	refused '{"kind":"config","rule":"release_train","versioning":"lockstep"}' \
		'rk-plan: <stdin>:2:54: versioning: expected one of independent, fixed, per-group, found "lockstep"'
	refused '{"kind":"config","rule":"release_train","versioning":"per_group"}' \
		'rk-plan: <stdin>:2:54: versioning: expected one of independent, fixed, per-group, found "per_group"'
	refused '{"kind":"config","rule":"release_train","version_strategy":"per-group"}' \
		'rk-plan: <stdin>:2:60: version_strategy: expected one of conventional-commits, plans, found "per-group"'
	refused '{"kind":"config","rule":"release_group","name":"g","packages":["a"],"versioning":"lockstep"}' \
		'rk-plan: <stdin>:2:82: versioning: expected one of independent, fixed or null, found "lockstep"'
	# a location (as rk-config writes it) is where the error points
	refused '{"kind":"config","rule":"release_train","versioning":"lockstep","location":"RELEASE.star:3:1"}' \
		'rk-plan: RELEASE.star:3:1: versioning: expected one of independent, fixed, per-group, found "lockstep"'
}

@test "types, required fields and list items are checked as rk-config checks them; rules about packages too" {
	pkg a npm pk/a 1.0.0
	init
	refused '{"kind":"config","rule":"release_train","jobs":"4"}' \
		'rk-plan: <stdin>:2:48: jobs: expected integer, found "4"'
	refused '{"kind":"config","rule":"release_train","order_edges":["normal","sideways"]}' \
		'rk-plan: <stdin>:2:65: order_edges[1]: expected one of normal, build, peer, optional, dev, all, found "sideways"'
	refused '{"kind":"config","rule":"branch_channel","branch":"main"}' \
		"rk-plan: <stdin>:2: branch_channel() missing required argument 'channel'"
	refused '{"kind":"config","rule":"action","name":"x","command":[]}' \
		'rk-plan: <stdin>:2:55: command: must not be empty'
	refused '{"kind":"config","rule":"uv_package","name":"a","bump_files":["x",1]}' \
		'rk-plan: <stdin>:2:67: bump_files[1]: expected string, found 1'
	refused '{"kind":"config","rule":"forge","name":"github","token":{"secret":1}}' \
		'rk-plan: <stdin>:2:67: token.secret: expected string, found 1'
}

@test "what rk-config writes for versioning = \"per-group\" is read: each group in lockstep" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 2.0.0
	pkg c npm pk/c 3.0.0
	cat >repo/RELEASE.star <<'EOF'
release_group(name = "core", packages = ["a", "b"])
release_train(name = "default", versioning = "per-group")
EOF
	init
	for p in a-v1.0.0 b-v2.0.0 c-v3.0.0; do tag $p; done
	change pk/a "fix: x"
	change pk/c "fix: y"
	run --separate-stderr rk-config -C repo
	assert_success
	echo "$output" >>in.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 --no-actions <in.ndjson
	assert_success
	echo "$output" | jq -r 'select(.kind == "release") | "\(.name) \(.next)"' >actual
	printf 'a 2.0.1\nb 2.0.1\nc 3.0.1\n' >expected
	diff -u expected actual
}

@test "rk-graph checks the release_train record it reads the same way" {
	printf '%s\n' '{"kind":"config","rule":"release_train","versioning":"lockstep"}' \
		'{"kind":"package","name":"a","ecosystem":"npm","path":"a"}' >g.ndjson
	run --separate-stderr rk-graph g.ndjson
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" 'rk-graph: g.ndjson:1:54: versioning: expected one of independent, fixed, per-group, found "lockstep"'
	sed -i 's/"lockstep"/"per-group"/' g.ndjson
	run --separate-stderr rk-graph --levels g.ndjson
	assert_success
	assert_output "level 0: npm:a"
}

@test "order_edges = [] (rk-config's default) means normal, build and peer, as for rk-graph" {
	pkg a npm pk/a 1.0.0 "[$(dep b npm)]"
	pkg b npm pk/b 1.0.0
	init
	change pk/a "fix: a"
	change pk/b "fix: b"
	echo '{"kind":"config","rule":"release_train","order_edges":[]}' >>in.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <in.ndjson
	assert_success
	echo "$output" | jq -c 'select(.id == "publish:npm:a") | .deps' >actual
	echo '["sign:npm:a","poll:npm:b"]' >expected
	diff -u expected actual
	# a list names the types: an optional-only list leaves the normal edge out
	echo '{"kind":"config","rule":"release_train","order_edges":["optional"]}' >>in.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <in.ndjson
	assert_success
	echo "$output" | jq -c 'select(.id == "publish:npm:a") | .deps' >actual
	echo '["sign:npm:a"]' >expected
	diff -u expected actual
}
