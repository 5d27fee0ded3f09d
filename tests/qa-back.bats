#!/usr/bin/env bats
# Bugs found by using rk-plan, rk-exec and the porcelain as a demanding new
# user: each test pins one fix (or one documented behaviour checked against
# the man pages).

load test_helper
load plan_helper

# action ids of one package, in output order
ids_of() {
	jq -r --arg p "$1" 'select(.kind == "action" and .package == $p) | .id' | tr '\n' ' '
}

# ---- rk-plan ----

@test "rk-plan: smoke_test = false on a release_group or the release_train drops smoke_test" {
	pkg a npm a 1.0.0
	pkg b npm b 1.0.0
	init
	change a "feat: x"
	change b "feat: y"
	echo '{"kind":"config","rule":"release_group","name":"g","packages":["a"],"smoke_test":false}' >>in.ndjson
	rk-plan -C repo --date 20261126 <in.ndjson >out.ndjson
	grep -v '"kind":"config"' out.ndjson >records.ndjson
	validate_records records.ndjson
	run ids_of a <out.ndjson
	assert_output "bump:npm:a changelog:npm:a draft:npm:a pin:npm:a build:npm:a unpin:npm:a sign:npm:a publish:npm:a poll:npm:a verify:npm:a tag:npm:a release:npm:a "
	run jq -r 'select(.id == "verify:npm:a") | .deps[]' out.ndjson
	assert_output "poll:npm:a"
	run ids_of b <out.ndjson
	assert_output --partial "poll:npm:b smoke_test:npm:b verify:npm:b"
	# rk-config writes smoke_test = true on every group: the train's false still wins
	sed -i 's/"smoke_test":false/"smoke_test":true/' in.ndjson
	echo '{"kind":"config","rule":"release_train","smoke_test":false}' >>in.ndjson
	run sh -c 'rk-plan -C repo --date 20261126 <in.ndjson | jq -r "select(.type == \"smoke_test\") | .id"'
	assert_success
	assert_output ""
	echo '{"kind":"config","rule":"release_group","name":"h","packages":["b"],"smoke_test":"no"}' >>in.ndjson
	run -3 rk-plan -C repo --date 20261126 <in.ndjson
	assert_output "rk-plan: <stdin>:5: release_group: 'smoke_test' must be true or false"
}

@test "rk-plan: the release_train's nightly_version template makes the nightly versions" {
	pkg a npm pk/a 1.2.3
	pkg b python pk/b 1.2.3
	init
	git -C repo tag a-v1.2.3
	git -C repo tag b-v1.2.3
	change pk/a "fix: x"
	change pk/b "fix: x"
	nightly() {
		rk-plan -C repo --date 20261126 --nightly --no-actions <in.ndjson |
			jq -r 'select(.kind == "release") | "\(.name) \(.next) \(.tag) \(.prerelease)"'
	}
	# rk-config's default: PEP 440 spelling; SemVer packages keep theirs
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}.dev{date}"}' >>in.ndjson
	run nightly
	assert_output "a 1.2.4-nightly.20261126.3 a-v1.2.4-nightly.20261126.3 true
b 1.2.4.dev20261126000003 b-v1.2.4.dev20261126000003 true"
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}-dev.{date}"}' >>in.ndjson
	run nightly
	assert_output "a 1.2.4-dev.20261126 a-v1.2.4-dev.20261126 true
b 1.2.4.dev20261126 b-v1.2.4.dev20261126 true"
	# a template only one scheme can spell is an error at the record
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}-nightly.{date}"}' >>in.ndjson
	run --separate-stderr nightly
	assert_equal "$stderr" "rk-plan: <stdin>:5: release_train: nightly_version '{version}-nightly.{date}' gives '1.2.4-nightly.20261126' for package 'b', not a PEP 440 pre-release"
	# ... and so is one that is not a pre-release (it would outrank 1.2.4)
	sed -i '$d' in.ndjson
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}+{date}","location":"RELEASE.star:7:1"}' >>in.ndjson
	run -3 rk-plan -C repo --date 20261126 --nightly <in.ndjson
	assert_output "rk-plan: RELEASE.star:7:1: release_train: nightly_version '{version}+{date}' gives '1.2.4+20261126' for package 'a', not a SemVer pre-release"
	sed -i '$d' in.ndjson
	echo '{"kind":"config","rule":"release_train","nightly_version":"{name}.dev{date}"}' >>in.ndjson
	run -3 rk-plan -C repo --date 20261126 <in.ndjson
	assert_output "rk-plan: <stdin>:5: release_train: nightly_version '{name}.dev{date}': unknown placeholder (expected {version}, {date} and {n})"
	sed -i '$d' in.ndjson
	echo '{"kind":"config","rule":"release_train","nightly_version":"nightly{date}"}' >>in.ndjson
	run -3 rk-plan -C repo --date 20261126 <in.ndjson
	assert_output "rk-plan: <stdin>:5: release_train: nightly_version 'nightly{date}' needs {version} exactly once"
}

@test "rk-plan: a cycle through action ids in action() rules writes nothing" {
	pkg a npm a 1.0.0
	init
	change a "feat: x"
	echo '{"kind":"config","rule":"action","name":"loop","inputs":["publish:npm:a"],"outputs":["build:npm:a"],"command":["true"]}' >>in.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <in.ndjson
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" "rk-plan: <stdin>:2: action 'loop': dependency cycle: build:npm:a -> loop -> publish:npm:a -> sign:npm:a -> unpin:npm:a -> build:npm:a"
	# without the cycle it is placed between the two
	sed -i 's/"build:npm:a"/"tag:npm:a"/' in.ndjson
	run sh -c 'rk-plan -C repo --date 20261126 <in.ndjson | jq -r "select(.kind == \"action\" and (.id == \"loop\" or .id == \"tag:npm:a\")) | \"\(.id) <- \(.deps | join(\" \"))\""'
	assert_output "loop <- publish:npm:a
tag:npm:a <- verify:npm:a loop"
}

@test "every tool: a long option without its argument, or with one it does not take, is named" {
	for t in "rk-plan --repo" "rk-exec --repo" "rk-graph --format"; do
		run --separate-stderr $t
		assert_failure 2
		assert_output ""
		assert_equal "${stderr_lines[0]}" "${t% *}: option '${t#* }' needs an argument"
	done
	run --separate-stderr rk-plan --all=yes
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "rk-plan: option '--all' takes no argument"
	run --separate-stderr rk-exec -j
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "rk-exec: option '-j' needs an argument"
	run --separate-stderr rk-exec -q
	assert_equal "${stderr_lines[0]}" "rk-exec: unknown option '-q' (see 'rk-exec --help')"
}

@test "rk-plan: a shallow clone fails with one line saying how to fetch the history" {
	pkg a npm a 1.0.0
	init
	git -C repo tag a-v1.0.0
	change a "feat: x"
	change a "fix: y"
	git clone -q --depth 1 "file://$T/repo" shallow
	run --separate-stderr rk-plan -C shallow --date 20261126 <in.ndjson
	assert_failure 1
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^rk-plan: git: a shallow clone lacks the history to plan from \(.*\); fetch it with 'git fetch --unshallow --tags'$"
	git -C shallow fetch -q --unshallow --tags
	run sh -c 'rk-plan -C shallow --date 20261126 --no-actions <in.ndjson | jq -r "select(.kind == \"release\") | .next"'
	assert_output "1.1.0"
}

@test "rk-plan: commit messages in another encoding are converted; invalid bytes are replaced" {
	pkg a npm a 1.0.0
	init
	printf 'fix: caf\351 latin1\n' >msg1
	change a "feat: x"
	echo 1 >>repo/a/g && git -C repo add -A
	git -C repo -c i18n.commitEncoding=ISO-8859-1 commit -q -F "$T/msg1"
	# git commit would re-encode invalid bytes: write the object itself
	echo 2 >>repo/a/g && git -C repo add -A
	tree=$(git -C repo write-tree)
	printf 'tree %s\nparent %s\nauthor A <a@b> 1700000000 +0000\ncommitter A <a@b> 1700000000 +0000\n\nfix: raw \377 byte\n' \
		"$tree" "$(git -C repo rev-parse HEAD)" >obj
	git -C repo update-ref HEAD "$(git -C repo hash-object -t commit -w --literally "$T/obj")"
	echo 3 >>repo/a/g && git -C repo add -A
	git -C repo commit -q --allow-empty-message -m ""
	rk-plan -C repo --date 20261126 --no-actions <in.ndjson >out.ndjson
	validate_records out.ndjson
	run jq -r 'select(.kind == "release") | "\(.non_conventional) \(.reasons | map(.subject) | join("|"))"' out.ndjson
	assert_output "1 raw � byte|café latin1|x|initial import"
}

@test "rk-plan: plan files may start with a byte order mark and carry YAML comments" {
	pkg a npm a 1.0.0
	pkg b npm b 1.0.0
	init
	git -C repo tag a-v1.0.0
	git -C repo tag b-v1.0.0
	mkdir -p repo/.releasekit/plans
	printf '\357\273\277---\na: minor # new API\n# b is next\n"b": patch\t# fix\n---\n\nSummary.\n' >repo/.releasekit/plans/bom.md
	run sh -c 'rk-plan -C repo --date 20261126 --no-actions <in.ndjson | jq -r "select(.kind == \"release\") | \"\(.name) \(.next) \(.plan_files[0])\""'
	assert_output "a 1.1.0 .releasekit/plans/bom.md
b 1.0.1 .releasekit/plans/bom.md"
	# a '#' that does not follow a blank is no comment
	printf -- '---\na: minor#x\n---\n' >repo/.releasekit/plans/bom.md
	run --separate-stderr rk-plan -C repo --date 20261126 <in.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bom.md:2: unknown bump 'minor#x' (expected major, minor, patch or none)"
}

@test "rk-plan: a plans dir that is a file is an error; a missing or empty one is no plan" {
	pkg a npm a 1.0.0
	init
	git -C repo tag a-v1.0.0
	change a "fix: x"
	touch repo/notes
	run --separate-stderr rk-plan -C repo --plans-dir notes <in.ndjson
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "rk-plan: --plans-dir notes: not a directory"
	echo '{"kind":"config","rule":"release_train","plans_dir":"notes"}' >>in.ndjson
	run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: <stdin>:2: release_train: plans_dir 'notes' is not a directory"
	run --separate-stderr rk-plan -C repo --plans-dir "$T/repo/notes" <in.ndjson
	assert_failure 2
	assert_equal "$stderr" "rk-plan: --plans-dir $T/repo/notes: not inside the repository (relative, without '..')"
	mkdir repo/empty
	for d in empty missing; do
		run sh -c "rk-plan -C repo --plans-dir $d --no-actions <in.ndjson | jq -r 'select(.kind == \"release\") | .next'"
		assert_output "1.0.1"
	done
}

@test "rk-plan: package and extra paths outside the repository are errors, not silently unchanged" {
	pkg a npm a 1.0.0
	init
	for p in /abs ../x a/../../x; do
		printf '{"kind":"package","name":"b","ecosystem":"npm","path":"%s","version":"1.0.0"}\n' "$p" >bad.ndjson
		run --separate-stderr rk-plan -C repo <bad.ndjson
		assert_failure 3
		assert_output ""
		assert_equal "$stderr" "rk-plan: <stdin>:1: package 'b': path '$p' is not inside the repository (relative, without '..')"
	done
	cp in.ndjson ok.ndjson
	echo '{"kind":"config","rule":"extra_paths","package":"a","paths":["docs","../shared"]}' >>in.ndjson
	run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: <stdin>:2: package 'a': path '../shared' is not inside the repository (relative, without '..')"
	# ./a, a/ and a//b are fine
	printf '{"kind":"package","name":"b","ecosystem":"npm","path":"./b/","version":"1.0.0"}\n' >>ok.ndjson
	change b "feat: b"
	run sh -c 'rk-plan -C repo --no-actions <ok.ndjson | jq -r "select(.kind == \"release\") | .name + \" \" + .next"'
	assert_output "b 1.0.0" # untagged: a first release at its manifest version
}

# ---- rk-exec ----

# xact ID DEPS_JSON SCRIPT [EXTRA_JSON]: a command action running sh -c SCRIPT
xact() {
	jq -cn --arg id "$1" --argjson deps "$2" --arg s "$3" \
		--arg key "$(printf '%s%s' "$1" "${KEYSALT:-}" | sha256sum | cut -c1-64)" \
		--argjson extra "${4:-{\}}" \
		'{kind:"action",id:$id,type:"command",deps:$deps,key:$key,argv:["sh","-c",$s]} + $extra'
}

@test "rk-exec: bad input writes nothing, not even the records before it" {
	cd repo
	k=$(printf '%064d' 0)
	while IFS='|' read -r rec msg; do
		printf '{"kind":"package","name":"p"}\n%s\n' "$rec" >in
		run --separate-stderr rk-exec in
		assert_failure 3
		assert_output ""
		assert_equal "$stderr" "rk-exec: in:2: $msg"
	done <<EOT
{"kind":"action","id":"x","type":"command","deps":[1],"key":"$k","argv":["true"]}|action 'x': "deps" must be an array of action ids
{"kind":"action","id":"x","type":"command","deps":[],"key":"$k","argv":["true"],"timeout_s":-1}|action 'x': "timeout_s" must be a non-negative number
{"kind":"action","id":"x","type":"command","deps":[],"key":"$k","argv":["true"],"env":{"A":1}}|action 'x': "env" must map variable names (no '=') to strings
{"kind":"action","id":"x","type":"command","deps":[],"key":"$k","argv":["true"],"max_retries":-3}|action 'x': "max_retries" must be an integer from 0 to 100
{"kind":"action","id":"","type":"command","deps":[],"key":"$k","argv":["true"]}|action: "id" must be a non-empty string
{"kind":"action","id":"x","type":"command","deps":["x"],"key":"$k","argv":["true"]}|action 'x' depends on itself
EOT
	{ echo '{"kind":"x"}'; xact a '["c"]' true; xact b '["a"]' true; xact c '["b"]' true; } >cyc
	run --separate-stderr rk-exec <cyc
	assert_failure 3
	assert_output ""
	# a good input passes the records through before the first event
	{ echo '{"kind":"x"}'; xact a '[]' true; echo '{"kind":"y"}'; } >good
	run --separate-stderr rk-exec good
	assert_success
	assert_line --index 0 '{"kind":"x"}'
	assert_line --index 1 '{"kind":"y"}'
}

@test "rk-exec: a cache directory that cannot be made is named in the one error line" {
	cd repo
	touch "$BATS_TEST_TMPDIR/file"
	xact a '[]' true >plan
	run --separate-stderr rk-exec --cache-dir "$BATS_TEST_TMPDIR/file" plan
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "rk-exec: cannot open the cache $BATS_TEST_TMPDIR/file: Not a directory"
	RK_CACHE_DIR="$BATS_TEST_TMPDIR/file/sub" run --separate-stderr rk-exec plan
	assert_failure 1
	assert_equal "$stderr" "rk-exec: cannot open the cache $BATS_TEST_TMPDIR/file/sub: Not a directory"
	run --separate-stderr env -u RK_CACHE_DIR -u XDG_CACHE_HOME -u HOME rk-exec --cache-stats
	assert_failure 1
	assert_equal "$stderr" "rk-exec: no cache directory: set RK_CACHE_DIR, XDG_CACHE_HOME or HOME"
	run --separate-stderr releasekit cache stats --cache-dir "$BATS_TEST_TMPDIR/file"
	assert_failure 1
	assert_equal "$stderr" "rk-exec: cannot open the cache $BATS_TEST_TMPDIR/file: Not a directory"
}

@test "rk-exec: a corrupt CAS blob or AC entry is a miss with a warning, never a false hit, and heals" {
	cd repo
	xact a '[]' 'echo hello; mkdir -p dist; echo bin >dist/o.bin' '{"outputs":["dist/o.bin"]}' >plan
	rk-exec plan >/dev/null
	hello=$(echo hello | sha256sum | cut -c1-64)
	bin=$(echo bin | sha256sum | cut -c1-64)
	key=$(jq -r .key plan)
	blob="$RK_CACHE_DIR/cas/${hello:0:2}/$hello"
	# same size, other bytes
	chmod u+w "$blob" && echo hellx >"$blob"
	run --separate-stderr rk-exec plan
	assert_success
	assert_equal "$stderr" "rk-exec: warning: action 'a': corrupt cache blob cas/${hello:0:2}/$hello removed"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state' | tr '\n' ' ')" = "queued started succeeded " ]
	[ "$(cat "$blob")" = hello ]
	run --separate-stderr rk-exec plan
	assert_equal "$stderr" ""
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state')" = cached ]
	# an output blob: restored content is never wrong
	blob="$RK_CACHE_DIR/cas/${bin:0:2}/$bin"
	chmod u+w "$blob" && printf 'bi' >"$blob"
	rm dist/o.bin
	run --separate-stderr rk-exec plan
	assert_success
	assert_equal "$stderr" "rk-exec: warning: action 'a': corrupt cache blob cas/${bin:0:2}/$bin removed"
	[ "$(cat dist/o.bin)" = bin ]
	# AC entries: truncated, then text
	ac="$RK_CACHE_DIR/ac/${key:0:2}/$key"
	for bad in truncate text; do
		chmod u+w "$ac"
		if [ $bad = truncate ]; then head -c 20 "$ac" >t && cat t >"$ac"; else echo garbage >"$ac"; fi
		run --separate-stderr rk-exec plan
		assert_success
		assert_equal "$stderr" "rk-exec: warning: action 'a': corrupt cache entry ac/${key:0:2}/$key ignored"
		[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event" and .state == "succeeded") | .action')" = a ]
	done
	run --separate-stderr rk-exec plan
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state')" = cached ]
}

# bad_server MODE: start tests/fixtures/bad-cache-server.py; sets SRV_URL, SRV_PID
bad_server() {
	local port="$BATS_TEST_TMPDIR/port.$1"
	mkdir -p "$BATS_TEST_TMPDIR/srv"
	python3 "$RK_TOP/tests/fixtures/bad-cache-server.py" "$1" "$BATS_TEST_TMPDIR/srv" >"$port.tmp" &
	SRV_PID=$!
	for _ in $(seq 200); do
		grep -q '^[0-9][0-9]*$' "$port.tmp" 2>/dev/null && break
		sleep 0.05
	done
	SRV_URL="http://127.0.0.1:$(cat "$port.tmp")"
}

teardown() {
	if [ -n "${SRV_PID:-}" ]; then
		kill "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || true
	fi
}

@test "rk-exec: a remote cache answering 500 or garbage degrades to local with one warning" {
	cd repo
	{ xact a '[]' 'echo a'; xact b '[]' 'echo b'; xact c '[]' 'echo c'; } >plan
	for mode in 500 garbage; do
		bad_server $mode
		rm -rf "$RK_CACHE_DIR"
		run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
		assert_success
		case $mode in
		500) why="GET /ac: HTTP 500" ;;
		garbage) why="GET /ac: not an ActionResult" ;;
		esac
		assert_equal "$stderr" "rk-exec: warning: remote cache $SRV_URL unavailable ($why): using the local cache only"
		[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "summary") | [.succeeded, .remote_cache.hits, .remote_cache.available]')" = '[3,0,false]' ]
		kill "$SRV_PID" && wait "$SRV_PID" 2>/dev/null || true
		SRV_PID=
	done
}

@test "rk-exec: a remote CAS blob that does not match its digest is never used; uploads send no Expect" {
	cd repo
	xact a '[]' 'echo hello' >plan
	bad_server dir
	run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
	assert_success
	assert_equal "$stderr" ""
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "summary") | .remote_cache.uploads')" = 2 ]
	grep -qi '^content-length' "$BATS_TEST_TMPDIR/srv/put-headers"
	run grep -ci '^expect' "$BATS_TEST_TMPDIR/srv/put-headers"
	assert_output 0
	# the remote's copy of the stdout blob goes bad; a fresh local cache asks it
	hello=$(echo hello | sha256sum | cut -c1-64)
	echo hellx >"$BATS_TEST_TMPDIR/srv/cas/$hello"
	rm -rf "$RK_CACHE_DIR"
	run --separate-stderr rk-exec --remote-cache "$SRV_URL" plan
	assert_success
	assert_equal "$stderr" "rk-exec: warning: remote cache $SRV_URL unavailable (GET /cas: content does not match its digest): using the local cache only"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event") | .state' | tr '\n' ' ')" = "queued started succeeded " ]
	[ ! -e "$RK_CACHE_DIR/cas/${hello:0:2}/$hello" ] || [ "$(cat "$RK_CACHE_DIR/cas/${hello:0:2}/$hello")" = hello ]
}

@test "rk-exec: a garbage lock file is named as such, and broken once 10 s old" {
	cd repo
	xact a '[]' true >plan
	echo garbage >.releasekit.lock
	run --separate-stderr rk-exec plan
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "rk-exec: another release is running in $PWD: an unreadable lock (broken once 10 s old) holds .releasekit.lock (waited 0s; see --lock-timeout)"
	touch -d '1 minute ago' .releasekit.lock
	run --separate-stderr rk-exec plan
	assert_success
	assert_file_not_exists .releasekit.lock
}

@test "rk-exec: events reach the reader as they happen" {
	cd repo
	xact a '[]' 'for i in $(seq 200); do [ -e go ] && exit 0; sleep 0.05; done; exit 1' '{"max_retries":0}' >plan
	# the reader lets the action finish only once it has seen it start
	rk-exec plan | while read -r l; do
		echo "$l" >>seen
		case $l in *'"state":"started"'*) touch go ;; esac
	done
	[ "$(jq -r .state seen 2>/dev/null | grep -v null | tr '\n' ' ')" = "queued started succeeded " ]
}

@test "rk-exec: a reader that goes away stops the run like SIGTERM: commands ended, lock released, quietly" {
	cd repo
	{
		xact a '[]' 'touch a-started; sleep 1'
		xact b '["a"]' 'touch ran-b'
		xact c '[]' 'echo $$ >c.pid; exec sleep 30'
	} >plan
	run --separate-stderr bash -c 'set -o pipefail; rk-exec -j 2 plan | { read -r l; while [ ! -e a-started ] || [ ! -e c.pid ]; do sleep 0.05; done; }'
	assert_failure 141
	assert_equal "$stderr" ""
	assert_file_not_exists ran-b
	assert_file_not_exists .releasekit.lock
	run kill -0 "$(cat c.pid)"
	assert_failure
	# and a rerun resumes: a is cached
	head -2 plan >plan2
	run --separate-stderr rk-exec plan2
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "event" and .action == "a") | .state')" = cached ]
}

@test "releasekit cache: prune's usage errors are its own; ages and sizes that overflow are refused" {
	run --separate-stderr releasekit cache prune
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "releasekit cache prune: needs --max-age or --max-size"
	run --separate-stderr releasekit cache prune --max-age 5w
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "releasekit cache prune: --max-age: expected e.g. 7d, 12h, 30m, got '5w'"
	for a in "--max-age 99999999999999999d" "--max-age 36501d" "--max-size 9999999999999G"; do
		run --separate-stderr rk-exec --cache-prune $a
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "rk-exec: ${a%% *}: expected e.g. $([ "${a%% *}" = --max-age ] && echo '7d, 12h, 30m' || echo '1G, 500M'), got '${a#* }'"
	done
	# no cache yet: stats and prune say so with zeros, exit 0
	run --separate-stderr releasekit cache prune --max-age 1d --max-size 4096G
	assert_success
	assert_line --index 0 "pruned 0 entries, 0 bytes"
	assert_line --index 2 "cas: 0 blobs, 0 bytes"
}

@test "rk-plan, rk-exec, rk-graph: an input file that cannot be opened is a usage error, exit 2" {
	for t in rk-plan rk-exec rk-graph; do
		run --separate-stderr "$t" "$T/missing.ndjson"
		assert_failure 2
		assert_output ""
		assert_equal "$stderr" "$t: cannot open $T/missing.ndjson: No such file or directory"
	done
}

@test "rk-plan: --date must be a real day; SOURCE_DATE_EPOCH beyond year 9999 is refused" {
	pkg a npm a 1.0.0
	init
	change a "fix: x"
	for d in 20261399 20260230 20250229 00000101; do
		run --separate-stderr rk-plan -C repo --date $d <in.ndjson
		assert_failure 2
		assert_output ""
		assert_equal "$stderr" "rk-plan: --date: no such day '$d'"
	done
	run sh -c 'rk-plan -C repo --date 20240229 --no-actions <in.ndjson | jq -r "select(.kind == \"release\") | .date"'
	assert_output 2024-02-29
	SOURCE_DATE_EPOCH=99999999999999999 run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 2
	assert_equal "$stderr" "rk-plan: SOURCE_DATE_EPOCH: not a number of seconds: '99999999999999999'"
	SOURCE_DATE_EPOCH=253402300799 run sh -c 'rk-plan -C repo --no-actions <in.ndjson | jq -r "select(.kind == \"release\") | .date"'
	assert_output 9999-12-31
}

# a real pnpm workspace with one package, for the porcelain
pnpm_repo() {
	mkdir -p repo/packages/web
	echo '{"name":"root","private":true}' >repo/package.json
	printf 'packages:\n  - "packages/*"\n' >repo/pnpm-workspace.yaml
	echo '{"name":"web","version":"1.0.0"}' >repo/packages/web/package.json
	git -C repo add -A
	git -C repo commit -q -m "chore: init"
	git -C repo tag web-v1.0.0
	git -C repo tag root-v0.0.0
	change packages/web "feat: streaming"
}

@test "releasekit plan -C DIR discovers the packages of DIR, not of the current directory" {
	pnpm_repo
	mkdir elsewhere && cd elsewhere
	make_git_repo other
	mkdir -p other/x && echo '{"name":"x","version":"9.0.0"}' >other/x/package.json
	cd other
	for opt in "-C ../../repo" "--repo=../../repo" "--repo ../../repo"; do
		run releasekit plan $opt --date 20261126
		assert_success
		assert_output "PACKAGE  CURRENT -> NEXT  BUMP   WHY
npm:web  1.0.0 -> 1.1.0   minor  feat: streaming"
	done
	run releasekit version -C ../../repo
	assert_output "npm:web 1.1.0"
	run --separate-stderr releasekit plan -C ../../nothere
	assert_failure 2
	assert_equal "$stderr" "releasekit plan: ../../nothere: no such directory"
}

@test "releasekit discover from a subdirectory uses the top level's RELEASE.star" {
	pnpm_repo
	cat >repo/RELEASE.star <<'EOT'
release_group(name = "web", packages = ["web"])
EOT
	git -C repo add -A && git -C repo commit -q -m "chore: config"
	cd repo/packages/web
	run sh -c 'releasekit discover | jq -r "select(.kind == \"config\") | .rule" | sort -u | tr "\n" " "'
	assert_output --partial "release_group"
}

@test "rk-exec: NaN seconds and prune limits without --cache-prune are usage errors" {
	cd repo
	xact a '[]' true >plan
	for a in "--lock-timeout nan" "--kill-grace nan" "--kill-grace inf"; do
		run --separate-stderr rk-exec $a plan
		assert_failure 2
		assert_output ""
		assert_equal "${stderr_lines[0]}" "rk-exec: ${a% *}: expected seconds, got '${a#* }'"
	done
	for a in "--max-age 1d" "--cache-stats --max-size 1G"; do
		run --separate-stderr rk-exec $a plan
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "rk-exec: --max-age and --max-size go with --cache-prune"
	done
	[ ! -e "$RK_CACHE_DIR/ac" ]
}

@test "rk-plan: a last release tag outside HEAD's history is warned about, not silently used as a stop" {
	pkg a npm a 1.0.0
	init
	change a "feat!: big"
	git -C repo tag a-v1.0.0
	git -C repo checkout -q -b release
	change a "fix: hotfix"
	git -C repo tag a-v1.0.1
	git -C repo checkout -q main
	change a "fix: main"
	run --separate-stderr rk-plan -C repo --date 20261126 --no-actions <in.ndjson
	assert_success
	assert_equal "$stderr" "rk-plan: warning: package 'a': tag a-v1.0.1 is not in the history of HEAD (a hotfix branch?): commits count since a-v1.0.0, the highest tag that is, and the next version goes above a-v1.0.1"
	# a tag in the history: no warning
	git -C repo tag -d a-v1.0.1 >/dev/null
	run --separate-stderr rk-plan -C repo --date 20261126 --no-actions <in.ndjson
	assert_equal "$stderr" ""
	[ "$(printf '%s\n' "$output" | jq -r 'select(.kind == "release") | .next')" = 1.0.1 ]
}

@test "rk-exec: a command that ignores SIGTERM is killed after the grace, or at once on a second SIGINT" {
	cd repo
	xact s '[]' 'trap "" TERM INT; echo $$ >pid; while :; do sleep 0.05; done' '{"timeout_s":1,"max_retries":0}' >plan
	run --separate-stderr rk-exec --kill-grace 1 plan
	assert_failure 1
	[ "$(printf '%s\n' "$output" | jq -c 'select(.kind == "event" and .state == "failed") | [.reason, .signal, .timed_out]')" = '["timed out after 1s","SIGKILL",true]' ]
	run kill -0 "$(cat pid)"
	assert_failure
	rm pid
	xact s '[]' 'trap "" TERM INT; echo $$ >pid.tmp; mv pid.tmp pid; while :; do sleep 0.05; done' >plan
	rk-exec --kill-grace 600 plan >out 2>err &
	p=$!
	for _ in $(seq 100); do [ -f pid ] && break; sleep 0.05; done
	kill -INT $p
	sleep 0.2
	kill -INT $p
	st=0
	wait $p || st=$?
	assert_equal "$st" 130
	[ "$(jq -c 'select(.kind == "event" and .state == "failed") | [.reason, .signal]' out)" = '["interrupted","SIGKILL"]' ]
	run kill -0 "$(cat pid)"
	assert_failure
	assert_file_not_exists .releasekit.lock
}

@test "rk-plan: the release_train's nightly_channel is a nightly channel" {
	pkg a npm a 1.2.3
	init
	git -C repo tag a-v1.2.3
	change a "fix: x"
	echo '{"kind":"config","rule":"release_train","nightly_channel":"edge"}' >>in.ndjson
	echo '{"kind":"config","rule":"branch_channel","branch":"main","channel":"edge"}' >>in.ndjson
	for opt in "--channel edge" ""; do
		run sh -c "rk-plan -C repo --date 20261126 --no-actions $opt <in.ndjson | jq -r 'select(.kind == \"release\") | \"\(.next) \(.channel) \(.prerelease)\"'"
		assert_output "1.2.4-nightly.20261126.2 edge true"
	done
}
