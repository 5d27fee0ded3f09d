#!/usr/bin/env bats
# lib/rk_toml: TOML 1.0 conformance (toml-test), spans and in-place splicing,
# and what a user sees for broken files. Driver: tests/helpers/t-toml.c.

load test_helper

FIX="$RK_TOP/tests/fixtures/toml"

# toml-test cases we knowingly fail (README.md, "TOML conformance"). Empty.
TOML_TEST_SKIP=()

# expect_error CONTENT MESSAGE: CONTENT (printf format) in bad.toml must fail
# with exit 3 and exactly the one line "t-toml: bad.toml:MESSAGE".
expect_error() {
	printf "$1" >bad.toml
	run --separate-stderr t_helper t-toml check bad.toml
	assert_failure 3
	[ -z "$output" ]
	[ "$stderr" = "t-toml: bad.toml:$2" ] || {
		echo "input: $1"
		echo "want: t-toml: bad.toml:$2"
		echo "got:  $stderr"
		return 1
	}
}

# splice_expected FILE START END TEXT: FILE with bytes [START, END) replaced.
splice_expected() {
	head -c "$2" "$1"
	printf '%s' "$4"
	tail -c +"$(($3 + 1))" "$1"
}

# set_and_compare FILE PATH TEXT: t-toml set must change exactly the value's
# span and nothing else (cmp against head/tail of the original).
set_and_compare() {
	local file=$1 path=$2 text=$3
	run t_helper t-toml get "$file" "$path"
	assert_success
	local start end
	read -r _ start end _ <<<"${lines[0]}"
	t_helper t-toml set "$file" "$path" "$text" >set.out
	splice_expected "$file" "$start" "$end" "$text" >set.expected
	cmp set.expected set.out
	# and the file really changed, only there
	! cmp -s "$file" set.out
}

# The toml-test cases as files, once per run (-copy is quick but not free).
toml_test_cases() {
	local d="$BATS_RUN_TMPDIR/toml-test-cases"
	if [ ! -d "$d" ]; then
		toml-test -toml 1.0.0 -copy "$d.tmp.$$" >/dev/null
		mv "$d.tmp.$$" "$d" 2>/dev/null || rm -rf "$d.tmp.$$"
	fi
	echo "$d"
}

@test "toml-test: the official TOML 1.0.0 suite passes (decoder)" {
	local skip=()
	for s in "${TOML_TEST_SKIP[@]}"; do skip+=(-skip "$s"); done
	# a sanitizer report must not pass for the exit 1 an invalid case expects
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=99"
	# (one process per case: under VALGRIND=1 the next test covers valgrind)
	run toml-test -toml 1.0.0 -timeout 5s "${skip[@]}" -- "$RK_BUILD/tests/t-toml"
	echo "$output" | tail -5
	assert_success
	assert_line --regexp '^ *valid tests: [0-9]+ passed, +0 failed$'
	assert_line --regexp '^invalid tests: [0-9]+ passed, +0 failed$'
}

@test "toml-test: every case in one process: valid ones parse, invalid ones fail" {
	local d
	d=$(toml_test_cases)
	t_helper t-toml scan $(find "$d/valid" -name '*.toml' | sort) >valid.out
	t_helper t-toml scan $(find "$d/invalid" -name '*.toml' | sort) >invalid.out
	[ "$(grep -vc ': ok$' valid.out)" -eq 0 ] || grep -v ': ok$' valid.out
	[ "$(grep -c ': ok$' invalid.out)" -eq 0 ] || grep ': ok$' invalid.out
	[ "$(wc -l <valid.out)" -gt 150 ]
	[ "$(wc -l <invalid.out)" -gt 300 ]
	# every error names the file, line and column
	[ "$(grep -cvE '\.toml:[0-9]+:[0-9]+: ' invalid.out)" -eq 0 ]
}

@test "toml-test: every span of every valid case gives back its value and key" {
	local d
	d=$(toml_test_cases)
	run t_helper t-toml verify-spans $(find "$d/valid" -name '*.toml' | sort)
	assert_success
	[ "${#lines[@]}" -gt 150 ]
	refute_output --partial FAILED
}

@test "decode: a small document in toml-test's tagged JSON" {
	printf 'a = 1\n[t]\nb = "x\\ty"\nc = [1.5, true]\nd = 1979-05-27T07:32:00z\n"q.k" = {}\n' >in.toml
	run t_helper t-toml decode in.toml
	assert_success
	assert_output '{"a":{"type":"integer","value":"1"},"t":{"b":{"type":"string","value":"x\ty"},"c":[{"type":"float","value":"1.5"},{"type":"bool","value":"true"}],"d":{"type":"datetime","value":"1979-05-27T07:32:00Z"},"q.k":{}}}'
}

@test "spans: fixtures' every value and key span is exact (LF and CRLF)" {
	for f in pyproject.toml Cargo.toml; do
		run t_helper t-toml verify-spans "$FIX/$f"
		assert_success
		assert_output --regexp '^ok: [0-9]+ values, [0-9]+ keys$'
		sed 's/$/\r/' "$FIX/$f" >crlf.toml
		run t_helper t-toml verify-spans crlf.toml
		assert_success
		assert_output --regexp '^ok: [0-9]+ values, [0-9]+ keys$'
	done
}

@test "get: value span, key span (offsets, line:col) and text" {
	run t_helper t-toml get "$FIX/pyproject.toml" project.version
	assert_success
	assert_output - <<'EOF'
value 225 232 8:11
key 215 222 8:1
"0.5.0"
EOF
	run t_helper t-toml get "$FIX/Cargo.toml" dependencies.rk-util.version
	assert_success
	assert_output - <<'EOF'
value 548 556 28:44
key 538 545 28:34
"=1.4.2"
EOF
	run t_helper t-toml get "$FIX/Cargo.toml" bin.1.name
	assert_success
	assert_line --index 2 '"rk-helper"'
	run t_helper t-toml get "$FIX/pyproject.toml" tool.uv.sources.dotpromptz
	assert_success
	assert_line --index 2 '{ workspace = true }'
	# a [header] table: its span is the header, its key span the last key part
	run t_helper t-toml get "$FIX/Cargo.toml" dependencies.tokio
	assert_success
	assert_line --index 2 '[dependencies.tokio]'
	assert_line --index 1 --regexp '^key [0-9]+ [0-9]+ 32:15$'
}

@test "get: columns count characters, not bytes" {
	printf '"é" = "ü"\n' >u.toml
	run t_helper t-toml get u.toml é
	assert_success
	assert_line --index 0 'value 7 11 1:7'
	assert_line --index 1 'key 0 4 1:1'
}

@test "set: a pyproject.toml version is rewritten in place, every other byte kept" {
	set_and_compare "$FIX/pyproject.toml" project.version '"0.6.0"'
	run t_helper t-toml get set.out project.version
	assert_line --index 2 '"0.6.0"'
	# the comment after the value survives
	grep -qx 'version = "0.6.0"          # bumped by releasekit' set.out
	set_and_compare "$FIX/pyproject.toml" project.dependencies.1 '"httpx >=0.28, <1"'
	set_and_compare "$FIX/pyproject.toml" project.dependencies.3 '"jsonschema>=4.2"'
	set_and_compare "$FIX/pyproject.toml" tool.uv.sources.dotpromptz.workspace 'false'
	set_and_compare "$FIX/pyproject.toml" tool.releasekit.publish.delay-s '2_000'
	set_and_compare "$FIX/pyproject.toml" project.optional-dependencies.google-cloud \
		'["genkit-plugin-google-cloud==0.6.0"]'
}

@test "set: Cargo.toml versions in tables, inline tables, dotted keys" {
	set_and_compare "$FIX/Cargo.toml" package.version '"1.5.0"'
	set_and_compare "$FIX/Cargo.toml" dependencies.rk-util.version '"=1.5.0"'
	set_and_compare "$FIX/Cargo.toml" dependencies.rk-macros.version '"1.5.0"'
	set_and_compare "$FIX/Cargo.toml" dependencies.tokio.version '"1.37"'
	set_and_compare "$FIX/Cargo.toml" workspace.dependencies.rk-util.version '"1.5.0"'
	set_and_compare "$FIX/Cargo.toml" workspace.members.1 '"crates/rk-proc"'
	set_and_compare "$FIX/Cargo.toml" package.description '"one line now"'
}

@test "set: CRLF files keep their CRLF line ends" {
	sed 's/$/\r/' "$FIX/Cargo.toml" >crlf.toml
	set_and_compare crlf.toml package.version '"2.0.0"'
	set_and_compare crlf.toml dependencies.serde.features.0 '"std"'
	[ "$(grep -c $'\r$' set.out)" -eq "$(wc -l <crlf.toml)" ]
}

@test "set-string: the value's quoting style is kept when it can hold the string" {
	printf "a = 'x' # literal\nb = \"y\"\nc = '''\nz'''\n" >s.toml
	run t_helper t-toml set-string s.toml a 1.1
	assert_success
	assert_output - <<'EOF'
a = '1.1' # literal
b = "y"
c = '''
z'''
EOF
	run t_helper t-toml set-string s.toml a "it's"
	assert_line --index 0 "a = \"it's\" # literal"
	run t_helper t-toml set-string s.toml b $'q"\\\x01\n\t'
	assert_line --index 1 'b = "q\"\\\u0001\n\t"'
	run t_helper t-toml set-string s.toml c w
	assert_line --index 2 "c = 'w'"
	# and on a real manifest, only the version's bytes change
	t_helper t-toml set-string "$FIX/Cargo.toml" package.version 1.5.0 >out.toml
	run t_helper t-toml get "$FIX/Cargo.toml" package.version
	read -r _ start end _ <<<"${lines[0]}"
	splice_expected "$FIX/Cargo.toml" "$start" "$end" '"1.5.0"' >expected.toml
	cmp expected.toml out.toml
}

@test "set: a text that breaks the file is caught when re-read" {
	run --separate-stderr t_helper t-toml set "$FIX/Cargo.toml" package.version '"1.5.0'
	assert_failure 3
	[ "$stderr" = "t-toml: <result>:3:11: unterminated string" ]
}

@test "errors: each kind of mistake is one line with file:line:col" {
	expect_error 'name = "a"\nname = "b"\n' "2:1: duplicate key 'name' (first defined at line 1)"
	expect_error '[a.b]\nx = 1\n\n[a.b]\n' "4:4: table 'a.b' already defined at line 1"
	expect_error '[project]\nname = "x"\n[project]\n' "3:2: table 'project' already defined at line 1"
	expect_error 'name = "abc\n' "1:8: unterminated string"
	expect_error 's = """\nabc\n' "1:5: unterminated string"
	expect_error "s = 'abc" "1:5: unterminated string"
	expect_error 's = "a\\qb"\n' "1:7: invalid escape '\\q'"
	expect_error 's = "\\uD800"\n' "1:6: invalid unicode escape '\\uD800' (not a scalar value)"
	expect_error 's = "\\u12"\n' "1:6: invalid unicode escape: '\\u' needs 4 hex digits"
	expect_error 'a = { b = 1 }\na.c = 2\n' "2:1: cannot add to inline table 'a' (defined at line 1)"
	expect_error 'a = { b = 1 }\n[a.c]\n' "2:2: cannot add to inline table 'a' (defined at line 1)"
	expect_error 'a = {b = 1,}\n' "1:12: trailing comma in inline table"
	expect_error 'a = {b = 1,\n c = 2}\n' "1:12: newline in inline table (they must be on one line)"
	expect_error 'n = 012\n' "1:5: invalid number '012' (leading zero)"
	expect_error 'n = 9223372036854775808\n' "1:5: integer '9223372036854775808' out of range"
	expect_error 'n = 1__0\n' "1:5: invalid number '1__0'"
	expect_error 'n = +0x1\n' "1:5: invalid number '+0x1' (no sign allowed before 0x)"
	expect_error 'f = 1.\n' "1:5: invalid float '1.'"
	expect_error 'f = 1e400\n' "1:5: float '1e400' out of range"
	expect_error 'd = 2023-02-29\n' "1:5: invalid date '2023-02-29' (out of range)"
	expect_error 't = 25:00:00\n' "1:5: invalid time '25:00:00' (out of range)"
	expect_error 't = 07:32\n' "1:5: invalid time (expected HH:MM:SS; seconds are required)"
	expect_error 'x = 1979-05-27T07:32:00+25:00\n' "1:5: invalid time offset '+25:00' (out of range)"
	expect_error 's = "a\001b"\n' "1:7: control character U+0001 in string"
	expect_error '# a \001 comment\n' "1:5: control character U+0001 in comment"
	expect_error 'a = 1\r\nb = 2\r' "2:6: carriage return without line feed"
	expect_error 'k = "\xff"\n' "1:6: invalid UTF-8 byte 0xFF"
	expect_error 'k = \n' "1:5: expected a value"
	expect_error 'key value\n' "1:5: expected '=' after key, found 'v'"
	expect_error 'k = hello\n' "1:5: invalid value 'hello' (strings need quotes)"
	expect_error '[[a]]\n[a]\n' "2:2: table 'a' already defined as an array of tables at line 1"
	expect_error 'a = []\n[[a]]\n' "2:3: cannot define array of tables 'a': already an array (line 1)"
	expect_error 'a = 1\n[a.b]\n' "2:2: cannot use 'a' as a table: already an integer (line 1)"
	expect_error '[fruit]\napple.color = "red"\n[fruit.apple]\n' "3:8: table 'fruit.apple' already defined at line 2"
	expect_error 'x = [1, 2\n' "1:5: unterminated array"
	expect_error 'x = [1 2]\n' "1:8: expected ',' or ']' in array, found '2'"
	expect_error 'a = 1 b = 2\n' "1:7: expected newline after value, found 'b'"
	expect_error '[a\n' "1:3: expected ']' at the end of the table header, found end of line"
	expect_error '= 1\n' "1:1: invalid character '=' in key"
	expect_error "x = '''abc''''''\n" "1:11: too many quotes at the end of a multi-line string"
	expect_error '"é" = 1\n"é" = 2\n' "2:1: duplicate key '\"é\"' (first defined at line 1)"
}

@test "errors: a missing file is a work failure, not bad input" {
	run --separate-stderr t_helper t-toml check nope.toml
	assert_failure 1
	[ "$stderr" = "t-toml: nope.toml: No such file or directory" ]
}

@test "errors: binary garbage, NUL bytes, UTF-16 are rejected cleanly" {
	printf '\x00\x01\x02\xfe\xff garbage' >bin.toml
	run --separate-stderr t_helper t-toml check bin.toml
	assert_failure 3
	[ "$stderr" = "t-toml: bin.toml:1:1: NUL byte in input" ]
	printf '\xff\xfea\x00 \x00=\x00 \x001\x00\n\x00' >utf16.toml
	run --separate-stderr t_helper t-toml check utf16.toml
	assert_failure 3
	[ "$stderr" = "t-toml: utf16.toml:1:1: invalid UTF-8 byte 0xFF" ]
	# a compiled program: whatever it holds, one error line and exit 3
	run --separate-stderr t_helper t-toml check "$RK_BUILD/tests/t-toml"
	assert_failure 3
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" =~ ^t-toml:\ .*/t-toml:[0-9]+:[0-9]+:\  ]]
}

@test "errors: every truncation of a manifest parses or fails with file:line:col" {
	local f="$FIX/Cargo.toml" size cut
	size=$(wc -c <"$f")
	# (all cuts in one process: quick, and valgrind-friendly)
	for ((cut = 0; cut < size; cut += 3)); do
		head -c "$cut" "$f" >"cut-$cut.toml"
	done
	t_helper t-toml scan cut-*.toml >scan.out
	[ "$(wc -l <scan.out)" -eq "$(ls cut-*.toml | wc -l)" ]
	grep -vE '^cut-[0-9]+\.toml(: ok|:[0-9]+:[0-9]+: .+)$' scan.out && return 1
	# some cuts are whole TOML, most are not
	grep -q ': ok$' scan.out
	grep -q 'unterminated string$' scan.out
	# and the tool itself says it in one line, exit 3
	head -c 470 "$f" >cut.toml
	run --separate-stderr t_helper t-toml check cut.toml
	assert_failure 3
	[ "$stderr" = "t-toml: cut.toml:26:9: unterminated inline table" ]
}

@test "big input: 20000 [[package]] tables and a 50000-key table parse" {
	# (awk: shell loops are slow under bats)
	awk 'BEGIN {
		for (i = 0; i < 20000; i++) printf "[[package]]\nname = \"crate-%d\"\nversion = \"1.0.%d\"\n\n", i, i
		print "[workspace.dependencies]"
		for (i = 0; i < 50000; i++) printf "dep-%d = \"1.%d\"\n", i, i
	}' >lock.toml
	run t_helper t-toml get lock.toml package.19999.version
	assert_success
	assert_line --index 2 '"1.0.19999"'
	run t_helper t-toml get lock.toml workspace.dependencies.dep-49999
	assert_success
	assert_line --index 0 --regexp '^value [0-9]+ [0-9]+ 130001:13$'
	# and a duplicate among them is still found
	echo 'dep-123 = "x"' >>lock.toml
	run --separate-stderr t_helper t-toml check lock.toml
	assert_failure 3
	[ "$stderr" = "t-toml: lock.toml:130002:1: duplicate key 'workspace.dependencies.dep-123' (first defined at line 80125)" ]
}

@test "big input: deep nesting is an error, not a crash" {
	{
		printf 'a = '
		head -c 100000 /dev/zero | tr '\0' '['
	} >deep.toml
	run --separate-stderr t_helper t-toml check deep.toml
	assert_failure 3
	[ "$stderr" = "t-toml: deep.toml:1:261: arrays and inline tables nested too deeply" ]
	printf 'a = %s1%s\n' "$(head -c 200 /dev/zero | tr '\0' '[')" "$(head -c 200 /dev/zero | tr '\0' ']')" >ok.toml
	run t_helper t-toml check ok.toml
	assert_success
}
