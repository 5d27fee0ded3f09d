#!/usr/bin/env bats
# The record contract: schemas are valid, the man page is made from them,
# and the validator catches what it must.

load test_helper

@test "every schema is a valid draft 2020-12 schema with a description on each property" {
	run "$RK_TOP/.venv/bin/python" - "$RK_TOP/share/schemas" <<'EOF2'
import json, os, sys
import jsonschema
d = sys.argv[1]
bad = 0
for f in sorted(os.listdir(d)):
    if not f.endswith(".schema.json"):
        continue
    s = json.load(open(os.path.join(d, f)))
    jsonschema.Draft202012Validator.check_schema(s)
    kind = f[:-len(".schema.json")]
    if s.get("properties", {}).get("kind", {}).get("const") != kind:
        print(f"{f}: kind const is not {kind!r}"); bad += 1
    for name, p in s.get("properties", {}).items():
        if name != "kind" and not p.get("description"):
            print(f"{f}: property {name!r} has no description"); bad += 1
sys.exit(1 if bad else 0)
EOF2
	assert_success
	assert_output ""
}

@test "releasekit-records(5) is up to date with the schemas and mandoc-clean" {
	run "$RK_TOP/scripts/gen-records-man" --check
	assert_success
	run mandoc -T lint -W warning "$RK_TOP/man/releasekit-records.5"
	assert_success
	assert_output ""
}

@test "validate-records: accepts a good record, names line and field of a bad one" {
	printf '%s\n' '{"kind":"event","action":"a","state":"started","time":"2026-11-26T10:00:00.000Z"}' >good.ndjson
	run validate_records good.ndjson
	assert_success
	printf '%s\n' '{"kind":"event","action":"a","state":"started","time":"2026-11-26T10:00:00.000Z"}' \
		'{"kind":"event","action":"a","state":"exploded","time":"2026-11-26T10:00:00.000Z"}' \
		'{"action":"a","kind":"event","state":"started","time":"2026-11-26T10:00:00.000Z"}' \
		'{"kind":"mystery"}' >bad.ndjson
	run validate_records bad.ndjson
	assert_failure
	assert_line --partial "bad.ndjson:2: kind event: state: 'exploded' is not one of"
	assert_line "bad.ndjson:3: 'kind' is not the first key"
	assert_line "bad.ndjson:4: no schema for kind 'mystery'"
}

@test "validate-records: an empty stream is not a pass" {
	: >empty.ndjson
	run validate_records empty.ndjson
	assert_failure
}
