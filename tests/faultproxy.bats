#!/usr/bin/env bats
# The fault-injecting proxy (tests/helpers/faultproxy) that the registry
# tests put between the tools and the local registries.

load test_helper
load faultproxy

setup() {
	setup_common
	mkdir -p up/simple/demo up/api/x up/index/3/f
	printf 'hello upstream\n' >up/hello.txt
	cat >up/npmpkg <<'J'
{"name":"npmpkg","dist-tags":{"latest":"1.1.0","next":"1.1.0"},"versions":{"1.0.0":{"version":"1.0.0"},"1.1.0":{"version":"1.1.0"}},"time":{"1.0.0":"x","1.1.0":"y"}}
J
	cat >up/simple/demo/index.json <<'J'
{"meta":{"api-version":"1.1"},"name":"demo","versions":["1.0.0","1.1.0"],"files":[{"filename":"demo-1.0.0-py3-none-any.whl"},{"filename":"demo-1.1.0-py3-none-any.whl"},{"filename":"demo-1.1.0.tar.gz"}]}
J
	cat >up/simple/demo/index.html <<'H'
<!DOCTYPE html><html><body>
<a href="../../packages/demo-1.0.0-py3-none-any.whl#sha256=aa">demo-1.0.0-py3-none-any.whl</a><br>
<a href="../../packages/demo-1.1.0-py3-none-any.whl#sha256=bb">demo-1.1.0-py3-none-any.whl</a><br>
<a href="../../packages/demo-1.1.0.tar.gz#sha256=cc">demo-1.1.0.tar.gz</a><br>
</body></html>
H
	printf '%s\n' '{"name":"foo","vers":"0.1.0","cksum":"aa"}' '{"name":"foo","vers":"0.2.0","cksum":"bb"}' >up/index/3/f/foo
	rm -f up.port
	"$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/fileserver" "$T/up" "$T/up.port" &
	UP_PID=$!
	for _ in $(seq 200); do [ -s up.port ] && break; sleep 0.05; done
	UP_URL="http://127.0.0.1:$(cat up.port)"
}

teardown() {
	stop_faultproxies
	kill "$UP_PID" 2>/dev/null || true
	wait "$UP_PID" 2>/dev/null || true
}

@test "faultproxy: forwards requests and bodies, logs each one" {
	start_faultproxy p "$UP_URL"
	run curl -sS "$FP_URL/hello.txt"
	assert_success
	assert_output 'hello upstream'
	printf 'some body' >body
	run curl -sS -X PUT --data-binary @body "$FP_URL/api/x/put"
	assert_success
	[ "$(echo "$output" | jq -r .sha256)" = "$(sha256sum body | cut -d' ' -f1)" ]
	# the client's Host header reaches the upstream
	[ "$(echo "$output" | jq -r .host)" = "${FP_URL#http://}" ]
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/missing?x=1"
	assert_output 404
	[ "$(wc -l <"$FP_LOG")" = 3 ]
	run jq -c '[.n, .method, .path, .query, .rule, .status]' "$FP_LOG"
	assert_line --index 0 '[1,"GET","/hello.txt","",null,200]'
	assert_line --index 1 '[2,"PUT","/api/x/put","",null,200]'
	assert_line --index 2 '[3,"GET","/missing","x=1",null,404]'
}

@test "faultproxy: --rewrite-host sends the upstream's host" {
	start_faultproxy p "$UP_URL" --rewrite-host
	run curl -sS -X POST --data-binary x "$FP_URL/api/x"
	assert_success
	[ "$(echo "$output" | jq -r .host)" = "${UP_URL#http://}" ]
}

@test "faultproxy: 429 with Retry-After for the first N matching requests, then through" {
	start_faultproxy p "$UP_URL" --fault '{"path":"^/hello","fault":"429","retry_after":7,"count":2}'
	run curl -sS -D hdr -o body -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 429
	grep -qi '^Retry-After: 7' hdr
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 429
	run curl -sS "$FP_URL/hello.txt"
	assert_output 'hello upstream'
	# other paths are not touched
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/npmpkg"
	assert_output 200
	[ "$(fp_count '.fault == "429"')" = 2 ]
	[ "$(fp_count '.rule == null')" = 2 ]
}

@test "faultproxy: 503, any status, method filter and skip" {
	start_faultproxy p "$UP_URL" \
		--fault '{"path":"/api/","method":"PUT","fault":"503","skip":1,"count":1}' \
		--fault '{"path":"^/hello","fault":"status","status":500}'
	run curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary x "$FP_URL/api/x/1"
	assert_output 200
	run curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary x "$FP_URL/api/x/1"
	assert_output 503
	run curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary x "$FP_URL/api/x/1"
	assert_output 200
	run curl -sS -o /dev/null -w '%{http_code}' -X POST --data-binary x "$FP_URL/api/x/1"
	assert_output 200
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 500
	run jq -c '[.method, .rule, .status]' "$FP_LOG"
	assert_line --index 1 '["PUT",0,503]'
	assert_line --index 4 '["GET",1,500]'
}

@test "faultproxy: connection reset and hang" {
	start_faultproxy p "$UP_URL" --fault '{"path":"^/hello","fault":"reset","count":1}' \
		--fault '{"path":"^/npmpkg","fault":"hang","seconds":30}'
	run curl -sS "$FP_URL/hello.txt"
	assert_failure 56
	assert_output --partial 'reset'
	run curl -sS "$FP_URL/hello.txt"
	assert_success
	run curl -sS --max-time 1 "$FP_URL/npmpkg"
	assert_failure 28
	run jq -c '[.path, .fault, .status]' "$FP_LOG"
	assert_line --index 0 '["/hello.txt","reset",null]'
	assert_line --index 2 '["/npmpkg","hang",null]'
}

@test "faultproxy: a slow body arrives whole, too slowly for a short timeout" {
	head -c 300 /dev/zero | tr '\0' a >up/big.txt
	start_faultproxy p "$UP_URL" --fault '{"path":"^/big","fault":"slow","chunk":10,"delay":0.2}'
	# 30 chunks, 0.2 s apart: at least 6 s, whatever the machine's speed
	run curl -sS --max-time 1 -o /dev/null "$FP_URL/big.txt"
	assert_failure 28
	fp_rules '[{"path":"^/big","fault":"slow","chunk":100,"delay":0.01}]'
	run curl -sS "$FP_URL/big.txt"
	assert_success
	[ "$output" = "$(cat up/big.txt)" ]
}

@test "faultproxy: not yet hides a version from an npm packument and moves its dist-tags back" {
	start_faultproxy p "$UP_URL" --fault '{"path":"^/npmpkg$","fault":"notyet","version":"1.1.0","count":2}'
	for i in 1 2; do
		run curl -sS "$FP_URL/npmpkg"
		assert_success
		[ "$(echo "$output" | jq -c '[(.versions|keys), .["dist-tags"], (.time|keys)]')" = \
			'[["1.0.0"],{"latest":"1.0.0","next":"1.0.0"},["1.0.0"]]' ]
	done
	run curl -sS "$FP_URL/npmpkg"
	[ "$(echo "$output" | jq -c '[(.versions|keys), .["dist-tags"].latest]')" = '[["1.0.0","1.1.0"],"1.1.0"]' ]
	[ "$(fp_count '.fault == "notyet" and .status == 200')" = 2 ]
}

@test "faultproxy: not yet hides a version's files from PEP 691 JSON and PEP 503 HTML pages" {
	start_faultproxy p "$UP_URL" --fault '{"path":"^/simple/","fault":"notyet","version":"1.1.0","count":2}'
	run curl -sS "$FP_URL/simple/demo/index.json"
	assert_success
	[ "$(echo "$output" | jq -c '[.versions, [.files[].filename]]')" = '[["1.0.0"],["demo-1.0.0-py3-none-any.whl"]]' ]
	run curl -sS "$FP_URL/simple/demo/index.html"
	assert_success
	assert_output --partial 'demo-1.0.0-py3-none-any.whl</a>'
	refute_output --partial '1.1.0'
	assert_output --partial '</body></html>'
	run curl -sS "$FP_URL/simple/demo/index.html"
	assert_output --partial 'demo-1.1.0.tar.gz</a>'
}

@test "faultproxy: not yet drops a version's line from a cargo index file" {
	start_faultproxy p "$UP_URL" --fault '{"path":"^/index/","fault":"notyet","version":"0.2.0","count":1}'
	run curl -sS "$FP_URL/index/3/f/foo"
	assert_success
	assert_output '{"name":"foo","vers":"0.1.0","cksum":"aa"}'
	run curl -sS "$FP_URL/index/3/f/foo"
	assert_line --index 1 '{"name":"foo","vers":"0.2.0","cksum":"bb"}'
}

@test "faultproxy: not yet without a version answers 404, then the real answer" {
	start_faultproxy p "$UP_URL" --fault '{"path":"^/hello","fault":"notyet","count":3}'
	for i in 1 2 3; do
		run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
		assert_output 404
	done
	run curl -sS "$FP_URL/hello.txt"
	assert_output 'hello upstream'
	[ "$(fp_count '.status == 404')" = 3 ]
}

@test "faultproxy: the rules file is read again when it changes; counters restart" {
	start_faultproxy p "$UP_URL"
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 200
	fp_rules '[{"path":"^/hello","fault":"503","count":1}]'
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 503
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 200
	# a broken file keeps the rules in force, with one line on stderr
	printf 'not json' >"$FP_RULES"
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 200
	grep -q 'keeping the previous rules' "$BATS_TEST_TMPDIR/fp-p.err"
	fp_rules '[{"path":"^/hello","fault":"503","count":1}]'
	run curl -sS -o /dev/null -w '%{http_code}' "$FP_URL/hello.txt"
	assert_output 503
}

@test "faultproxy: bad options and rules are refused at start" {
	run "$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/faultproxy" --upstream ftp://x --port-file p
	assert_failure 2
	assert_output --partial 'an http://host:port URL'
	run "$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/faultproxy" --upstream "$UP_URL" --port-file p \
		--fault '{"fault":"explode"}'
	assert_failure 2
	assert_output --partial 'a rule is an object with a fault in'
	echo '{"fault":"503"}' >rules
	run "$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/faultproxy" --upstream "$UP_URL" --port-file p --rules rules
	assert_failure
	assert_output --partial 'not a JSON array'
	assert_file_not_exists p
}
