#!/bin/sh
# bench/ndjson.sh - rk_json's NDJSON reader against floors in the same run.
#
#   bench/ndjson.sh [RECORDS]      (default 200000 package records, ~68 MB)
#
# Prints CPU seconds and MB/s for: cat (the I/O floor), t-json kinds (read + parse every
# record), t-json pass (read, parse, write unchanged), t-json parse (plus the
# canonical form), jq -c . (a mature reader/writer), and the ratio to jq. Needs python3 and jq; run after `make`.
set -eu
n=${1:-200000}
top=$(cd "$(dirname "$0")/.." && pwd)
tj=${RK_BUILD:-$top/build}/tests/t-json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$n" >"$tmp/in.ndjson" <<'EOF'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"kind": "package", "name": "pkg%d" % i, "version": "1.%d.0" % i,
                      "ecosystem": "python", "path": "py/packages/pkg%d" % i,
                      "publishable": True, "note": "caf\u00e9 \"q\" \\ \n",
                      "deps": [{"name": "dep%d" % j, "ecosystem": "python", "spec": ">=0.1",
                                "type": "normal"} for j in range(3)]},
                     separators=(",", ":")))
EOF

secs() {
	# seconds (user + sys) of "$@" reading the input
	/usr/bin/time -f '%U %S' -o "$tmp/t" "$@" <"$tmp/in.ndjson" >/dev/null
	awk '{ printf "%.2f", $1 + $2 }' "$tmp/t"
}

size=$(wc -c <"$tmp/in.ndjson")
cat_s=$(secs cat)
kinds_s=$(secs "$tj" kinds)
pass_s=$(secs "$tj" pass)
canon_s=$(secs "$tj" parse)
jq_s=$(secs jq -c .)
echo "input: $n records, $size bytes"
for row in "cat $cat_s" "t-json-kinds $kinds_s" "t-json-pass $pass_s" "t-json-canonical $canon_s" "jq-c $jq_s"; do
	set -- $row
	awk -v name="$1" -v s="$2" -v b="$size" -v j="$jq_s" 'BEGIN {
		t = s < 0.01 ? 0.01 : s
		printf "%-18s %6.2f s  %8.1f MB/s  %5.2fx jq\n", name, s, b / t / 1e6, s / j }'
done
