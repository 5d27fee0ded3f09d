#!/usr/bin/env bats
# Uploads are streamed: publishing an artifact of incompressible bytes to
# each local registry (pypiserver, verdaccio: 100 MiB; cargo-http-registry,
# which refuses bodies over 20 MiB: 18 MiB) grows rk-exec's peak resident
# memory (its own and the publish child's, as wait4 reports them to
# /usr/bin/time) by far less than the artifact's size over publishing a
# 1 KiB one, and the registry serves the exact bytes.

load test_helper
load registries_helper

setup_file() { registries_start; }
teardown_file() { registries_stop; }
setup() {
	setup_common
	registries_env
	make_git_repo repo
	cd repo
}

# blob KIB: KIB KiB of random bytes in ./blob.bin
blob() { head -c $(($1 * 1024)) /dev/urandom >"$BATS_TEST_TMPDIR/blob.bin"; }

# publish_one ECOSYSTEM NAME VERSION MANAGER MANIFEST: a plan of one
# publish action for the artifact in .releasekit/dist/ECOSYSTEM/NAME-VERSION,
# run under /usr/bin/time; sets PEAK_KB (kilobytes)
publish_one() {
	local dist=".releasekit/dist/$1/$(echo "$2" | tr / +)-$3"
	jq -cn --arg k "$(printf '%s %s %s' "$1" "$2" "$3" | sha256sum | cut -c1-64)" \
		--arg eco "$1" --arg n "$2" --arg v "$3" --arg m "$4" --arg man "$5" --arg d "$dist" \
		'{kind: "action", id: ("publish:" + $eco + ":" + $n), type: "publish", package: $n,
		  ecosystem: $eco, version: $v, deps: [], phase: "publish", key: $k,
		  params: {manager: $m, path: ".", manifest: $man, dist: $d}}' >plan
	run --separate-stderr /usr/bin/time -v -o "$BATS_TEST_TMPDIR/time" rk-exec plan
	printf '%s\n' "$output" >events
	assert_success
	jq -s -e --arg id "publish:$1:$2" 'map(select(.action == $id and .state == "succeeded")) |
		length == 1 and (.[0].note | startswith("uploaded 1 file"))' events >/dev/null ||
		fail "$(cat events)"
	PEAK_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$BATS_TEST_TMPDIR/time")
	[ "$PEAK_KB" -gt 0 ]
}

# grows_little SMALL_KB BIG_KB ARTIFACT_KIB: the big upload's peak is at
# most a quarter of the artifact above the small one's
grows_little() {
	echo "peak RSS: ${1} KB with 1 KiB, ${2} KB with $3 KiB" >&3
	[ $(($2 - $1)) -lt $(($3 / 4)) ] || fail "peak RSS grew by $(($2 - $1)) KB for a $3 KiB artifact"
}

@test "publish-stream: PyPI: a 100 MiB sdist is uploaded with memory that does not grow with it" {
	printf '[project]\nname = "bigpy"\nversion = "1.0.0"\n' >pyproject.toml
	for v in 0.1.0:1 1.0.0:102400; do
		d=.releasekit/dist/python/bigpy-${v%:*}
		mkdir -p "$d"
		blob "${v#*:}"
		mv "$BATS_TEST_TMPDIR/blob.bin" "$d/bigpy-${v%:*}.tar.gz"
		publish_one python bigpy "${v%:*}" uv pyproject.toml
		peak[${#peak[@]}]=$PEAK_KB
	done
	grows_little "${peak[0]}" "${peak[1]}" 102400
	[ "$(curl -sf "${RK_PYPI_URL}packages/bigpy-1.0.0.tar.gz" | sha256sum | cut -c1-64)" = "$(sha256sum <"$d/bigpy-1.0.0.tar.gz" | cut -c1-64)" ]
}

@test "publish-stream: npm: a 100 MiB tarball goes base64-encoded into the packument with memory that does not grow with it" {
	echo '{"name": "@big/npm", "version": "1.0.0"}' >package.json
	for v in 0.1.0:1 1.0.0:102400; do
		rm -rf pk && mkdir -p pk/package
		echo "{\"name\": \"@big/npm\", \"version\": \"${v%:*}\"}" >pk/package/package.json
		blob "${v#*:}"
		mv "$BATS_TEST_TMPDIR/blob.bin" pk/package/blob.bin
		d=".releasekit/dist/npm/@big+npm-${v%:*}"
		mkdir -p "$d"
		tar -C pk -cf - package | gzip -1 >"$d/big-npm-${v%:*}.tgz"
		publish_one npm @big/npm "${v%:*}" npm package.json
		peak[${#peak[@]}]=$PEAK_KB
	done
	[ "$(stat -c %s "$d/big-npm-1.0.0.tgz")" -gt $((100 * 1024 * 1024)) ]
	grows_little "${peak[0]}" "${peak[1]}" 102400
	run curl -sf "${RK_NPM_URL}@big%2fnpm"
	assert_success
	url=$(echo "$output" | jq -r '.versions."1.0.0".dist.tarball')
	[ "$(curl -sf "$url" | sha256sum | cut -c1-64)" = "$(sha256sum <"$d/big-npm-1.0.0.tgz" | cut -c1-64)" ]
}

@test "publish-stream: cargo: an 18 MiB crate is PUT with memory that does not grow with it" {
	printf '[package]\nname = "bigcrate"\nversion = "1.0.0"\npublish = ["local"]\n' >Cargo.toml
	for v in 0.1.0:1 1.0.0:18432; do
		rm -rf ck && mkdir -p "ck/bigcrate-${v%:*}"
		printf '[package]\nname = "bigcrate"\nversion = "%s"\nedition = "2021"\n' "${v%:*}" >"ck/bigcrate-${v%:*}/Cargo.toml"
		blob "${v#*:}"
		mv "$BATS_TEST_TMPDIR/blob.bin" "ck/bigcrate-${v%:*}/blob.bin"
		d=.releasekit/dist/cargo/bigcrate-${v%:*}
		mkdir -p "$d"
		tar -C ck -cf - "bigcrate-${v%:*}" | gzip -1 >"$d/bigcrate-${v%:*}.crate"
		publish_one cargo bigcrate "${v%:*}" cargo Cargo.toml
		peak[${#peak[@]}]=$PEAK_KB
	done
	grows_little "${peak[0]}" "${peak[1]}" 18432
	run git -C "$RK_CARGO_INDEX" show HEAD:bi/gc/bigcrate
	assert_success
	[ "$(echo "$output" | jq -r 'select(.vers == "1.0.0") | .cksum')" = "$(sha256sum <"$d/bigcrate-1.0.0.crate" | cut -c1-64)" ]
}
