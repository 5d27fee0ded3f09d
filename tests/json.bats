#!/usr/bin/env bats
# lib/rk_json: strict reader, writer, canonical form, NDJSON (tests/helpers/t-json.c).
#
# `t-json cases` reads one JSON text per line ("%HH" is the byte 0xHH) and
# prints "CASE<TAB>ok CANONICAL" or "CASE<TAB>error LINE:COL: MESSAGE"; it
# also checks that every canonical form re-parses to itself.

load test_helper

# run_cases FILE: run t-json cases on FILE, output as "CASE => RESULT" lines.
run_cases() {
	t_helper t-json cases <"$1" >cases.out
	sed 's/\t/ => /' cases.out
}

@test "records print in canonical form: sorted keys (nested), no spaces, re-escaped strings" {
	cat >in.ndjson <<'EOF'
{ "kind" : "package", "name":"genkit", "deps" : [ {"z":1, "a":{"y":true,"b":null}} ], "A": -1.50e+3 }
{"kind":"x","é":1,"e":2,"f":3,"\u00e8":4,"ab":5,"a":6,"":7}
{"kind":"esc","s":"\u0041\/\"\\\b\f\n\r\t\u0001\u001F\u00e9"}
EOF
	run t_helper t-json parse <in.ndjson
	assert_success
	assert_output - <<'EOF'
{"A":-1.50e+3,"deps":[{"a":{"b":null,"y":true},"z":1}],"kind":"package","name":"genkit"}
{"":7,"a":6,"ab":5,"e":2,"f":3,"kind":"x","è":4,"é":1}
{"kind":"esc","s":"A/\"\\\b\f\n\r\t\u0001\u001fé"}
EOF
}

@test "duplicate keys are kept in source order; get returns the first" {
	echo '{"kind":"d","b":1,"a":2,"b":3,"a":1}' >in.ndjson
	run t_helper t-json parse <in.ndjson
	assert_output '{"a":2,"a":1,"b":1,"b":3,"kind":"d"}'
	run t_helper t-json get b <in.ndjson
	assert_output 'number 1 int=1 double=1'
	run t_helper t-json children <in.ndjson
	assert_output - <<'EOF'
kind	"d"
b	1
a	2
b	3
a	1
EOF
}

@test "strict rejections: exact line, column and reason for each class" {
	cat >cases.txt <<'EOF'
{"a":}
[1,]
{"a" 1}
{"a":1,}
{,}
{"a":1 "b":2}
[1 2]
[1}
{"a":1]
tru
nulll
[True]
NaN
01
-01
1.
.5
-
1e
1e+
+1
0x1F
1.5.3
"abc
"\x"
"\u12"
"\uD800"
"\uD800\u0041"
"\uDC00"
"a%01b"
"a%09b"
"a%00b"
{"a":1}x
{"a":1} {"b":2}
[1]]
1 2
%00
[1]%00

   
'single'
{a:1}
{"a":1
[
%EF%BB%BF{}
EOF
	run run_cases cases.txt
	assert_success
	assert_output - <<'EOF'
{"a":} => error 1:6: expected a value after ':', found '}'
[1,] => error 1:4: expected a value after ',', found ']'
{"a" 1} => error 1:6: expected ':' after object key, found '1'
{"a":1,} => error 1:8: expected a string key after ',', found '}'
{,} => error 1:2: expected a string key or '}', found ','
{"a":1 "b":2} => error 1:8: expected ',' or '}' after object member, found '"'
[1 2] => error 1:4: expected ',' or ']' after array element, found '2'
[1} => error 1:3: expected ',' or ']' after array element, found '}'
{"a":1] => error 1:7: expected ',' or '}' after object member, found ']'
tru => error 1:1: invalid literal 'tru'
nulll => error 1:1: invalid literal 'nulll'
[True] => error 1:2: invalid literal 'True'
NaN => error 1:1: invalid literal 'NaN'
01 => error 1:1: invalid number (leading zero)
-01 => error 1:1: invalid number (leading zero)
1. => error 1:3: invalid number (expected a digit after '.')
.5 => error 1:1: invalid number (expected a digit before '.')
- => error 1:2: invalid number (expected a digit after '-')
1e => error 1:3: invalid number (expected a digit in the exponent)
1e+ => error 1:4: invalid number (expected a digit in the exponent)
+1 => error 1:1: invalid number (leading '+')
0x1F => error 1:2: invalid character 'x' in number
1.5.3 => error 1:4: invalid character '.' in number
"abc => error 1:1: unterminated string
"\x" => error 1:2: invalid escape '\x' in string
"\u12" => error 1:2: invalid \u escape (expected 4 hex digits)
"\uD800" => error 1:2: lone surrogate \uD800 in string
"\uD800\u0041" => error 1:2: lone surrogate \uD800 in string
"\uDC00" => error 1:2: lone surrogate \uDC00 in string
"a%01b" => error 1:3: raw control character 0x01 in string (must be escaped)
"a%09b" => error 1:3: raw control character 0x09 in string (must be escaped)
"a%00b" => error 1:3: NUL byte in string
{"a":1}x => error 1:8: trailing characters after JSON value
{"a":1} {"b":2} => error 1:9: trailing characters after JSON value
[1]] => error 1:4: trailing characters after JSON value
1 2 => error 1:3: trailing characters after JSON value
%00 => error 1:1: expected a value, found NUL byte
[1]%00 => error 1:4: trailing characters after JSON value
 => error 1:1: expected a value, found end of input
    => error 1:4: expected a value, found end of input
'single' => error 1:1: expected a value, found '''
{a:1} => error 1:2: expected a string key or '}', found 'a'
{"a":1 => error 1:7: expected ',' or '}' after object member, found end of input
[ => error 1:2: expected a value or ']', found end of input
%EF%BB%BF{} => error 1:1: expected a value, found byte 0xEF
EOF
}

@test "invalid UTF-8 in strings: overlongs, surrogates, above U+10FFFF, truncated, stray bytes" {
	cat >cases.txt <<'EOF'
"%C0%80"
"%C1%BF"
"%E0%80%80"
"%E0%9F%BF"
"%F0%80%80%80"
"%F0%8F%BF%BF"
"%ED%A0%80"
"%ED%BF%BF"
"%F4%90%80%80"
"%F5%80%80%80"
"%FF"
"%80"
"ab%BF"
"%C3"
"%E2%82"
"%F0%9F%98"
"%C3%28"
"%E2%28%A1"
EOF
	run run_cases cases.txt
	assert_success
	assert_output - <<'EOF'
"%C0%80" => error 1:2: invalid UTF-8 byte 0xC0
"%C1%BF" => error 1:2: invalid UTF-8 byte 0xC1
"%E0%80%80" => error 1:2: invalid UTF-8: overlong encoding (0xE0 0x80)
"%E0%9F%BF" => error 1:2: invalid UTF-8: overlong encoding (0xE0 0x9F)
"%F0%80%80%80" => error 1:2: invalid UTF-8: overlong encoding (0xF0 0x80)
"%F0%8F%BF%BF" => error 1:2: invalid UTF-8: overlong encoding (0xF0 0x8F)
"%ED%A0%80" => error 1:2: invalid UTF-8: encoded surrogate (0xED 0xA0)
"%ED%BF%BF" => error 1:2: invalid UTF-8: encoded surrogate (0xED 0xBF)
"%F4%90%80%80" => error 1:2: invalid UTF-8: code point above U+10FFFF (0xF4 0x90)
"%F5%80%80%80" => error 1:2: invalid UTF-8 byte 0xF5
"%FF" => error 1:2: invalid UTF-8 byte 0xFF
"%80" => error 1:2: invalid UTF-8 byte 0x80
"ab%BF" => error 1:4: invalid UTF-8 byte 0xBF
"%C3" => error 1:2: truncated UTF-8 sequence (byte 0xC3 not followed by 1 continuation byte)
"%E2%82" => error 1:2: truncated UTF-8 sequence (byte 0xE2 not followed by 2 continuation bytes)
"%F0%9F%98" => error 1:2: truncated UTF-8 sequence (byte 0xF0 not followed by 3 continuation bytes)
"%C3%28" => error 1:2: truncated UTF-8 sequence (byte 0xC3 not followed by 1 continuation byte)
"%E2%28%A1" => error 1:2: truncated UTF-8 sequence (byte 0xE2 not followed by 2 continuation bytes)
EOF
	# The boundaries of every valid range are accepted and kept byte for byte.
	v='%C2%80%DF%BF%E0%A0%80%ED%9F%BF%EE%80%80%EF%BF%BF%F0%90%80%80%F4%8F%BF%BF'
	echo "\"$v\"" >valid.txt
	run_cases valid.txt >got
	printf '"%s" => ok "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"\n' "$v" >want
	cmp want got
}

@test "NDJSON errors name the source and the stream's line; blank lines count" {
	printf '{"kind":"a"}\n\n   \n{"kind":"b",\n' >in.ndjson
	run t_helper t-json parse records.ndjson <in.ndjson
	assert_failure 3
	assert_output - <<'EOF'
{"kind":"a"}
t-json: records.ndjson:4:13: expected a string key after ',', found end of input
EOF
	printf '{"kind":"a"}\n[1]\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output - <<'EOF'
{"kind":"a"}
t-json: <stdin>:2:1: record is not a JSON object
EOF
	}
	printf '\n  {"name":"x"}\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output 't-json: <stdin>:2:3: record has no string "kind"'
	}
	printf '{"name":"x", "kind": 7}\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output 't-json: <stdin>:1:22: record has no string "kind"'
	}
	printf '{"kind":"a"}\n{"kind":"b","s":"\xc0\xaf"}\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output - <<'EOF'
{"kind":"a"}
t-json: <stdin>:2:18: invalid UTF-8 byte 0xC0
EOF
	}
	printf '{"kind":"a","s":"x\0y"}\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output 't-json: <stdin>:1:19: NUL byte in string'
	}
	printf '{"kind":"a"}\0\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output 't-json: <stdin>:1:13: trailing characters after JSON value'
	}
	printf '{"kind":"a"}{"kind":"b"}\n' | {
		run t_helper t-json parse
		assert_failure 3
		assert_output 't-json: <stdin>:1:13: trailing characters after JSON value'
	}
}

@test "a read error is reported with the source and line" {
	run t_helper t-json parse dir <.
	assert_failure 3
	assert_output 't-json: dir:1: read error: Is a directory'
}

@test "errors in a multi-line document report line and column within it" {
	printf '{\n  "name": "x",\n  "version": 1.\n}\n' >package.json
	run t_helper t-json canon <package.json
	assert_failure 3
	assert_output 't-json: <stdin>:3:16: invalid number (expected a digit after '"'.'"')'
	printf '{\n  "a": [\n    1,\n    2,\n  ]\n}\n' | {
		run t_helper t-json canon
		assert_failure 3
		assert_output "t-json: <stdin>:5:3: expected a value after ',', found ']'"
	}
	printf '{"a":\n"multi\nline"}' | {
		run t_helper t-json canon
		assert_failure 3
		assert_output "t-json: <stdin>:2:7: raw control character 0x0A in string (must be escaped)"
	}
}

@test "blank lines skipped, CRLF and a last line without newline accepted, kinds and lines reported" {
	printf '\n{"kind":"a"}\r\n \t\r\n\n{"kind":"b","x":[]}\n{"kind":"c"}' >in.ndjson
	run t_helper t-json kinds <in.ndjson
	assert_success
	assert_output $'2 a\n5 b\n6 c'
	run t_helper t-json parse <in.ndjson
	assert_output $'{"kind":"a"}\n{"kind":"b","x":[]}\n{"kind":"c"}'
	printf '' | {
		run t_helper t-json parse
		assert_success
		assert_output ''
	}
	printf '\n\n  \n' | {
		run t_helper t-json parse
		assert_success
		assert_output ''
	}
}

@test "pass-through writes each record's line byte for byte, each ending in a newline" {
	printf '{ "kind" : "x",  "s":"\\u00e9\\/",\t"n": 1.0E+2 }\n\n{"kind":"y","u":"\xf0\x9f\x98\x80"}' >in.ndjson
	run t_helper t-json pass <in.ndjson
	assert_success
	printf '{ "kind" : "x",  "s":"\\u00e9\\/",\t"n": 1.0E+2 }\n{"kind":"y","u":"\xf0\x9f\x98\x80"}\n' >want
	t_helper t-json pass <in.ndjson >got
	cmp want got
}

@test "escapes: surrogate pairs become UTF-8, \\u0000 is kept with its true length" {
	echo '{"a":"\ud83d\ude00","b":"\uD834\uDD1E","c":"x\u0000y","d":"\u00e9\u20ac"}' >doc.json
	run t_helper t-json get a <doc.json
	assert_output 'string 4 😀'
	run t_helper t-json get b <doc.json
	assert_output 'string 4 𝄞'
	run t_helper t-json get d <doc.json
	assert_output 'string 5 é€'
	t_helper t-json get c <doc.json >got
	printf 'string 3 x\0y\n' >want
	cmp want got
	run t_helper t-json canon <doc.json
	assert_output '{"a":"😀","b":"𝄞","c":"x\u0000y","d":"é€"}'
}

@test "typed accessors: int range, fractions and exponents, doubles, booleans, absent values" {
	echo '{"max":9223372036854775807,"over":9223372036854775808,"min":-9223372036854775808,"under":-9223372036854775809,"f":1.0,"e":1e2,"neg0":-0,"big":1e400,"small":5e-324,"t":true,"f2":false,"n":null,"s":"1","o":{"x":{"y":[10,20,30]}}}' >doc.json
	run t_helper t-json get max <doc.json
	assert_output 'number 9223372036854775807 int=9223372036854775807 double=9.2233720368547758e+18'
	run t_helper t-json get over <doc.json
	assert_output 'number 9223372036854775808 int=- double=9.2233720368547758e+18'
	run t_helper t-json get min <doc.json
	assert_output 'number -9223372036854775808 int=-9223372036854775808 double=-9.2233720368547758e+18'
	run t_helper t-json get under <doc.json
	assert_output 'number -9223372036854775809 int=- double=-9.2233720368547758e+18'
	run t_helper t-json get f <doc.json
	assert_output 'number 1.0 int=- double=1'
	run t_helper t-json get e <doc.json
	assert_output 'number 1e2 int=- double=100'
	run t_helper t-json get neg0 <doc.json
	assert_output 'number -0 int=0 double=-0'
	run t_helper t-json get big <doc.json
	assert_output 'number 1e400 int=- double=-'
	run t_helper t-json get small <doc.json
	assert_output 'number 5e-324 int=- double=4.9406564584124654e-324'
	run t_helper t-json get t <doc.json
	assert_output 'true bool=1'
	run t_helper t-json get f2 <doc.json
	assert_output 'false bool=0'
	run t_helper t-json get n <doc.json
	assert_output 'null'
	run t_helper t-json get s <doc.json
	assert_output 'string 1 1'
	run t_helper t-json get o x y 2 <doc.json
	assert_output 'number 30 int=30 double=30'
	run t_helper t-json get o x y 3 <doc.json
	assert_output 'none'
	run t_helper t-json get missing deeper still <doc.json
	assert_output 'none'
	run t_helper t-json get s x <doc.json
	assert_output 'none'
	run t_helper t-json get o <doc.json
	assert_output 'object 1'
	run t_helper t-json children o x y <doc.json
	assert_output $'10\n20\n30'
	echo '[[],{},[[1]],{"a":{"b":[]}},"s"]' >arr.json
	run t_helper t-json children <arr.json
	assert_output $'[]\n{}\n[[1]]\n{"a":{"b":[]}}\n"s"'
	run t_helper t-json get <arr.json
	assert_output 'array 5'
	echo ' 42 ' | {
		run t_helper t-json get
		assert_output 'number 42 int=42 double=42'
	}
	echo '"top"' | {
		run t_helper t-json get
		assert_output 'string 3 top'
	}
}

@test "writer: commas, nesting, escaping, shorthands, null strings, raw values" {
	cat >script <<'EOF'
obj
kstr kind demo
key list
arr
int 1
int -9223372036854775808
str a"b\c/d
strhex 0001080c0a0d091f
strhex c3a9f09f9880
nullstr
bool 0
null
raw {"x":[1,2]}
obj
end_obj
arr
end_arr
end_arr
kint n 42
kbool ok 1
key empty
obj
end_obj
end_obj
emit
arr
str second
end_arr
EOF
	run t_helper t-json write <script
	assert_success
	assert_output - <<'EOF'
{"kind":"demo","list":[1,-9223372036854775808,"a\"b\\c/d","\u0000\u0001\b\f\n\r\t\u001f","é😀",null,false,null,{"x":[1,2]},{},[]],"n":42,"ok":true,"empty":{}}
["second"]
EOF
	t_helper t-json write <script | head -n 1 | t_helper t-json parse >/dev/null
}

@test "writer: containers nest to any depth, commas right at every level" {
	# 500 levels, each holding a number, then the nested array, then a string
	python3 -c '
for i in range(500): print("arr\nint %d" % i)
for i in range(500): print("str s\nend_arr")
print("emit")' >script
	run t_helper t-json write <script
	assert_success
	python3 -c '
print("".join("[%d," % i for i in range(500)) + "\"s\"" + "],\"s\"" * 499 + "]")' >expected
	assert_equal "$output" "$(cat expected)"
	printf '%s\n' "$output" | t_helper t-json canon >/dev/null
}

@test "writer: invalid UTF-8 becomes U+FFFD so the output is always valid JSON" {
	printf 'arr\nstrhex c0af\nstrhex 61ff62\nstrhex eda080\nstrhex e282\nstrhex f4908080\nend_arr\n' >script
	run t_helper t-json write <script
	assert_output '["��","a�b","���","��","����"]'
	# Linear in the input: a megabyte of random bytes, each bad byte replaced.
	head -c 1000000 /dev/urandom >garbage
	t_helper t-json quote <garbage >quoted
	t_helper t-json canon <quoted >/dev/null
}

@test "writer: doubles in the shortest form that reads back, non-finite as null" {
	printf 'arr\n' >script
	for d in 0.1 0.3 1 -0 100 1e21 1e20 0.000001 1.5e-7 123.456 -0.001 9007199254740993 1e-7 123456789012345678 5e-324 1.7976931348623157e308 3.141592653589793 2.5 -1.5e-300 nan inf -inf; do
		printf 'double %s\n' "$d" >>script
	done
	printf 'end_arr\n' >>script
	run t_helper t-json write <script
	assert_output '[0.1,0.3,1,-0,100,1e+21,100000000000000000000,0.000001,1.5e-7,123.456,-0.001,9007199254740992,1e-7,123456789012345680,5e-324,1.7976931348623157e+308,3.141592653589793,2.5,-1.5e-300,null,null,null]'
	t_helper t-json write <script | t_helper t-json canon >/dev/null
}

@test "a 10 MB line and a line of a million tokens parse, canonicalise and pass through" {
	python3 - <<'EOF'
import json
s = "".join(chr(32 + i % 90) for i in range(10_000_000))
with open("big.ndjson", "w") as f:
    f.write(json.dumps({"kind": "big", "s": s, "z": [1, 2], "a": "\u00e9"}, ensure_ascii=False))
    f.write("\n")
    f.write(json.dumps({"kind": "many", "xs": list(range(1_000_000))}, separators=(",", ":")))
    f.write("\n")
with open("want.ndjson", "w") as f:
    f.write(json.dumps({"kind": "big", "s": s, "z": [1, 2], "a": "\u00e9"}, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    f.write("\n")
    f.write(json.dumps({"kind": "many", "xs": list(range(1_000_000))}, sort_keys=True, separators=(",", ":")))
    f.write("\n")
EOF
	[ "$(wc -c <big.ndjson)" -gt 10000000 ]
	t_helper t-json parse <big.ndjson >got.ndjson
	cmp want.ndjson got.ndjson
	t_helper t-json pass <big.ndjson >passed.ndjson
	cmp big.ndjson passed.ndjson
	run t_helper t-json kinds <big.ndjson
	assert_output $'1 big\n2 many'
}

@test "random binary garbage is rejected with one diagnostic line, never a crash" {
	for i in 1 2 3 4 5; do
		head -c 4096 /dev/urandom >garbage
		run t_helper t-json parse <garbage
		assert_failure 3
		assert_line --index 0 --regexp '^t-json: <stdin>:[0-9]+:[0-9]+: '
		# Garbage may start with a valid record line, never more than one error line.
		[ "$(printf '%s\n' "$output" | grep -c '^t-json:')" -eq 1 ]
	done
}

@test "every truncation of a valid record is rejected at the end of input" {
	rec='{"kind":"t","a":[1,-2.5e+3,true,false,null,{"b":"\u00e9\ud83d\ude00 x"}],"c":{}}'
	for ((n = 1; n < ${#rec}; n++)); do
		printf '%s\n' "${rec:0:n}" >cut.ndjson
		run t_helper t-json parse <cut.ndjson
		assert_failure 3
		assert_output --regexp '^t-json: <stdin>:1:[0-9]+: [^:]'
	done
	printf '%s\n' "$rec" | {
		run t_helper t-json parse
		assert_success
	}
}

@test "nesting is limited to RK_JSON_MAX_DEPTH (1000) levels" {
	python3 -c 'print("[" * 1000 + "]" * 1000)' >ok.json
	python3 -c 'print("[" * 1001 + "]" * 1001)' >deep.json
	run t_helper t-json canon <ok.json
	assert_success
	run t_helper t-json canon <deep.json
	assert_failure 3
	assert_output 't-json: <stdin>:1:1001: nesting deeper than 1000 levels'
	python3 -c 'print("[" * 100000)' >deeper.json
	run t_helper t-json canon <deeper.json
	assert_failure 3
	assert_output 't-json: <stdin>:1:1001: nesting deeper than 1000 levels'
}

# A compact JSONTestSuite (github.com/nst/JSONTestSuite): y_ must be accepted,
# n_ rejected; written inline, "%HH" is a raw byte.
@test "JSONTestSuite y_ cases are accepted" {
	cat >y.txt <<'EOF'
[[]   ]
[""]
[]
["a"]
[false]
[null, 1, "1", {}]
[null]
[1%0A]
 [1]
[1,null,null,null,2]
[2] 
[123e65]
[0e+1]
[0e1]
[ 4]
[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]
[20e1]
[-0]
[-123]
[-1]
[1E22]
[1E-2]
[1E+2]
[123e45]
[123.456e78]
[1e-2]
[1e+2]
[123]
[123.456789]
[100000000000000000000]
{"asd":"sdf", "dfg":"fgh"}
{"asd":"sdf"}
{"a":"b","a":"c"}
{"a":"b","a":"b"}
{}
{"":0}
{"foo\u0000bar": 42}
{ "min": -1.0e+28, "max": 1.0e+28 }
{"x":[{"id": "xxxxxx"}], "id": "xxxxxx"}
{"a":[]}
{"title":"\u041f\u043e\u043b\u0442\u043e\u0440\u0430 \u0417\u0435\u043c\u043b\u0435\u043a\u043e\u043f\u0430" }
{%0A"a": "b"%0A}
["\u0060\u012a\u12AB"]
["\uD801\udc37"]
["\ud83d\ude39\ud83d\udc8d"]
["\"\\\/\b\f\n\r\t"]
["\\u0000"]
["\""]
["a/*b*/c/*d//e"]
["\\a"]
["\\n"]
["\u0012"]
["\uFFFF"]
["asd"]
[ "asd"]
["\uDBFF\uDFFF"]
["new\u00A0line"]
["%F4%8F%BF%BF"]
["%EF%BF%BF"]
["\u0000"]
["\u002c"]
["%CF%80"]
["%F0%9B%BF%BF"]
["asd "]
" "
["\uD834\uDd1e"]
["\u0821"]
["\u0123"]
["\u0061\u30af\u30EA\u30b9"]
["new\u000Aline"]
["%E2%8D%82%E3%88%B4%E2%8D%82"]
["\uA66D"]
["\u005C"]
["\u200B"]
["\u2064"]
["\uFDD0"]
["\uFFFE"]
["%E2%82%AC%F0%9D%84%9E"]
["a%7Fa"]
false
42
-0.1
null
"asd"
true
""
["a"]%0A
[true]
 [] 
%09[1]%0D%0A
EOF
	run run_cases y.txt
	assert_success
	refute_output --partial ' => error'
	[ "${#lines[@]}" -eq "$(wc -l <y.txt)" ]
	assert_line '["\"\\\/\b\f\n\r\t"] => ok ["\"\\/\b\f\n\r\t"]'
	assert_line '["\uD801\udc37"] => ok ["𐐷"]'
	assert_line '{"foo\u0000bar": 42} => ok {"foo\u0000bar":42}'
	assert_line '{"a":"b","a":"c"} => ok {"a":"b","a":"c"}'
	assert_line '["\u005C"] => ok ["\\"]'
}

@test "JSONTestSuite n_ cases are rejected" {
	cat >n.txt <<'EOF'
[1 true]
[a%E5]
["": 1]
[""],
[,1]
[1,,2]
["x",,]
["x"]]
["",]
["x"
[x
[3[4]]
[%FF]
[1:2]
[,]
[-]
[   , ""]
["a",%0A4%0A,1,
[1,]
[1,,]
["%0B"a"\f"]
[*]
[""
[1,
[1,%0A1%0A,1
[{}
["x", truth]
[++1234]
[+1]
[+Inf]
[-01]
[-1.0.]
[-2.]
[-NaN]
[.-1]
[.2e-3]
[0.1.2]
[0.3e+]
[0.3e]
[0.e1]
[0E+]
[0E]
[0e+]
[0e]
[1.0e+]
[1.0e-]
[1.0e]
[1 000.0]
[1eE2]
[2.e+3]
[2.e-3]
[2.e3]
[9.e+]
[Inf]
[NaN]
[%EF%BC%91]
[1+2]
[0x1]
[0x42]
[Infinity]
[0e+-1]
[-123.123foo]
[123%E5]
[1e1%E5]
[0%E5]
[-Infinity]
[-foo]
[- 1]
[-012]
[-.123]
[-1x]
[1ea]
[1.]
[012]
[.123]
[1.2a-3]
[1.8011670033376514H-308]
[1%00]
{[: "x"}
{"x", null}
{"x"::"b"}
{%F0%9F%87%A8%F0%9F%87%AD}
{"a":"a" 123}
{key: 'value'}
{"%B9":"0",}
{"a" b}
{:"b"}
{"a" "b"}
{"a":
{"a"
{1:1}
{9999E9999:1}
{null:null,null:null}
{"id":0,,,,,}
{'a':0}
{"id":0,}
{"a":"b"}/**/
{"a":"b"}/**//
{"a":"b"}//
{"a":"b"}/
{"a":"b",,"c":"d"}
{a: "b"}
{"a":"a
{ "foo" : "bar", "a" }
{"a":"b"}#
["\uD800\"]
["\uD800\u"]
["\uD800\u1"]
["\uD800\u1x"]
[%C3%A9]
["\%00"]
["\x00"]
["\\\"]
["\u00A"]
["\uD834\uDd"]
["\uD800\uD800\x"]
["\uqqqq"]
[\u0020"asd"]
[\n]
"\
["\%09"]
"\UA66D"
"""
["%01"]
"a%09b"
["new%0Aline"]
'single quote'
abc
<.>
[<null>]
[1]x
["asd]
a%C3%A5
[]%00
[%00]
%EF%BB%BF
[
{
]
}
2@
{}}
{"":
{"a":/*comment*/"b"}
{"a": true} "x"
['
[,
[{
["a
["a"
{,
{[
{]
{"a
{'a'
["\{["\{["\{["\{
%E9
*
{"a":"b"}#{}
[\u000A""]
[1
[ false, nul
[ true, fals
[ false, tru
{"asd":"asd"
%C3%A5
[%E2%81%A0]
[%0C]
nul
fals
tru
[True]
[nul]
[fals]
["\uDFAA"]
["\uD888\u1234"]
["%ED%A0%80"]
["%C0%AF"]
["%F4%BF%BF%BF"]
["%E0%FF"]
["%FC%80%80%80%80%80"]
["%F8%88%80%80%80"]
["%E6%97"]
["%81"]
EOF
	run run_cases n.txt
	assert_success
	refute_output --partial ' => ok'
	[ "${#lines[@]}" -eq "$(wc -l <n.txt)" ]
}
