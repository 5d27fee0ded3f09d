#!/usr/bin/env bats
# lib/rk_backend.c and the backends (rk_be_uv.c, rk_be_npm.c, rk_be_cargo.c),
# lib/rk_spec.c: edits compared byte for byte with golden files under
# tests/fixtures/backend/, and the real tools reading the edited manifests.

load test_helper

FIX="$RK_TOP/tests/fixtures/backend"

setup() {
	local home=$HOME
	setup_common
	# cargo through rustup needs the real toolchains; its own home stays in the test
	export RUSTUP_HOME="${RUSTUP_HOME:-$home/.rustup}" CARGO_HOME="$BATS_TEST_TMPDIR/cargo-home"
	export UV_CACHE_DIR="$BATS_TEST_TMPDIR/uv-cache"
	export PATH="$RK_TOP/.venv/bin:$RK_TOP/.tools/node/node_modules/.bin:$PATH"
}

tb() {
	t_helper t-backend "$@"
}

# Copy a fixture's before/ tree to $T/$2.
fixture() {
	cp -r "$FIX/$1/before" "$T/$2"
}

@test "spec rewriting: every row of specs.txt" {
	local bad=0 syn spec v m exp got
	while IFS=$'\t' read -r syn spec v m exp; do
		[ "$syn" = "#" ] || [ "${syn#\#}" != "$syn" ] && continue
		[ "$spec" = "''" ] && spec=
		if got=$(tb spec "$syn" "$spec" "$v" "$m" 2>&1); then :; else
			[ "$exp" = "!" ] && got='!'
		fi
		if [ "$got" != "$exp" ]; then
			echo "$syn '$spec' $v $m: got '$got', expected '$exp'"
			bad=1
		fi
	done <"$FIX/specs.txt"
	[ "$bad" = 0 ]
	[ "$(grep -vc '^#' "$FIX/specs.txt")" -ge 60 ]
}

@test "spec satisfaction follows each tool's rules" {
	while read -r syn spec v exp; do
		run tb satisfies "$syn" "$spec" "$v"
		assert_success
		[ "$output" = "$exp" ] || { echo "$syn '$spec' $v: $output"; false; }
	done <<'EOT'
npm ^1.2.3 1.9.0 yes
npm ^1.2.3 2.0.0 no
npm ^1.2.3 1.3.0-rc.1 no
npm ^1.3.0-rc.1 1.3.0-rc.2 yes
npm ~1.2.3 1.2.9 yes
npm ~1.2.3 1.3.0 no
npm * 1.0.0-rc.1 no
npm 1.x 1.9.9 yes
npm <2 2.0.0-rc.1 no
cargo 0.3 0.3.9 yes
cargo 0.3 0.4.0 no
cargo ^0.0.3 0.0.4 no
cargo =1.2.3 1.2.3 yes
pep440 ~=0.3 0.9 yes
pep440 ~=0.3 1.0 no
pep440 ~=0.3.1 0.3.0 no
pep440 <0.4 0.4.0rc1 no
pep440 ==0.4.* 0.4.2 yes
pep440 ==1.0 1.0+local yes
pep440 !=1.0 1.0.0 no
EOT
	run tb satisfies npm '^a' 1.0.0
	assert_failure 3
	assert_output "t-backend: invalid version requirement '^a': expected a version"
}

@test "uv: [project].version and every dependency section, byte for byte (BOM, CRLF, comments, literal strings)" {
	fixture uv-static w
	run tb "$T/w" --eco python --manifest pyproject.toml read write 0.4.0 dep acme-core 0.4.0 widen read apply
	assert_success
	assert_output $'0.3.1\nchanged\n0.4.0'
	cmp "$T/w/pyproject.toml" "$FIX/uv-static/after/pyproject.toml"
}

@test "uv: hatch's [tool.hatch.version] path and setuptools' attr: are written in the module" {
	fixture uv-hatch h
	run tb "$T/h" --eco python --path pkg --manifest pkg/pyproject.toml read write 1.3.0 read apply
	assert_success
	assert_output $'1.2.3\n1.3.0'
	diff -r "$T/h" "$FIX/uv-hatch/after"
	fixture uv-setuptools s
	run tb "$T/s" --eco python --manifest pyproject.toml read write 2.1.0 apply
	assert_success
	assert_output "2.0.0"
	diff -r "$T/s" "$FIX/uv-setuptools/after"
}

@test "uv: dynamic versions that cannot be written are refused with the file named" {
	mkdir p
	printf '[project]\nname = "x"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n' >p/pyproject.toml
	run tb "$T/p" --eco python --manifest pyproject.toml read
	assert_failure 1
	assert_output "t-backend: pyproject.toml: [tool.hatch.version] source 'vcs' is not a file: cannot set the version"
	printf '[project]\nname = "x"\ndynamic = ["version"]\n' >p/pyproject.toml
	run tb "$T/p" --eco python --manifest pyproject.toml write 1.0
	assert_failure 1
	assert_output --partial "t-backend: pyproject.toml: the version is dynamic and its source is not one releasekit can write"
	printf '[project]\nname = "x"\nversion = 3\n' >p/pyproject.toml
	run tb "$T/p" --eco python --manifest pyproject.toml read
	assert_failure 1
	assert_output "t-backend: pyproject.toml:3: project.version is not a string"
	printf '[project]\nname = "x"\nversion = "1\n' >p/pyproject.toml
	run tb "$T/p" --eco python --manifest pyproject.toml read
	assert_failure 1
	assert_output --regexp '^t-backend: pyproject.toml:3:[0-9]+: '
	printf '[project]\nname = "x"\ndynamic = ["version"]\n[tool.setuptools.dynamic]\nversion = {attr = "x.__version__"}\n' >p/pyproject.toml
	run tb "$T/p" --eco python --manifest pyproject.toml read
	assert_failure 1
	assert_output "t-backend: pyproject.toml: setuptools version attr 'x.__version__': no module file x.py or x/__init__.py"
}

@test "npm: version and the four dependency sections; workspace: left alone; BOM and CRLF kept" {
	fixture npm n
	run tb "$T/n" --eco npm --manifest package.json read write 1.5.0 dep @acme/core 2.0.0 widen dep @acme/util 1.2.5 widen apply
	assert_success
	assert_output $'1.4.0\nchanged\nunchanged'
	cmp "$T/n/package.json" "$FIX/npm/after/package.json"
	# a second run changes nothing
	run tb "$T/n" --eco npm --manifest package.json write 1.5.0 dep @acme/core 2.0.0 widen changed
	assert_output $'unchanged\n0'
}

@test "npm: errors name the file and line" {
	printf '{\n  "name": "x",\n  "version": 1\n}\n' >package.json
	run tb "$T" --eco npm --manifest package.json read
	assert_failure 1
	assert_output 't-backend: package.json:3: "version" is not a string'
	printf '{\n  "name": "x",\n  "dependencies": {"a": "!!"}\n}\n' >package.json
	run tb "$T" --eco npm --manifest package.json read
	assert_failure 1
	assert_output 't-backend: package.json: no "version"'
	printf '{\n  "version": "1.0.0",\n  "dependencies": {"a": "^a"}\n}\n' >package.json
	run tb "$T" --eco npm --manifest package.json dep a 2.0.0 widen
	assert_failure 1
	assert_output "t-backend: package.json:3: dependencies.a: invalid version requirement '^a': expected a version"
	printf '{"version": "1.0.0",}' >package.json
	run tb "$T" --eco npm --manifest package.json read
	assert_failure 1
	assert_output --regexp "^t-backend: package.json:1:[0-9]+: "
}

@test "cargo: inherited [workspace.package] version, inline/table/renamed/target dependencies, [workspace.dependencies]" {
	fixture cargo c
	run tb "$T/c" --eco cargo --path crates/a --manifest crates/a/Cargo.toml read write 0.4.0 \
		--path crates/b --manifest crates/b/Cargo.toml write 0.4.0 \
		--path crates/c --manifest crates/c/Cargo.toml dep acme-b 0.4.0 widen \
		--path crates/a --manifest crates/a/Cargo.toml dep acme-b 0.4.0 widen changed apply
	assert_success
	assert_output $'0.3.0\nchanged\nchanged\n3'
	diff -r "$T/c" "$FIX/cargo/after"
	# cargo itself reads the result
	if command -v cargo >/dev/null; then
		run cargo metadata --no-deps --format-version 1 --offline --manifest-path "$T/c/Cargo.toml"
		assert_success
		echo "$output" | jq -r '.packages[] | "\(.name) \(.version)"' | sort >got
		printf 'acme-a 0.4.0\nacme-b 0.4.0\nacme-c 0.1.0\n' | diff - got
		echo "$output" | jq -r '.packages[] | select(.name=="acme-c") | .dependencies[] | "\(.rename // .name) \(.req) \(.kind)"' | sort >got
		printf 'acme-b >=0.4, <0.5 null\nacme-b ^0.4 build\nbee =0.4.0 dev\n' | diff - got
	fi
}

@test "cargo: pins for the build; a path-only dependency gets a version (not in dev-dependencies)" {
	fixture cargo c
	printf '\n[dependencies.other]\npath = "../b"\npackage = "acme-b"\n\n[dev-dependencies]\nacme-b = { path = "../b" }\n' >>"$T/c/crates/a/Cargo.toml"
	sed -i 's|^acme-b = { workspace = true }$|acme-b2 = { package = "acme-b", path = "../b" }|' "$T/c/crates/a/Cargo.toml"
	cp "$T/c/crates/a/Cargo.toml" a.before
	# widening leaves path-only entries alone
	run tb "$T/c" --eco cargo --path crates/a --manifest crates/a/Cargo.toml dep acme-b 0.4.0 widen changed
	assert_output $'unchanged\n0'
	run tb "$T/c" --eco cargo --path crates/c --manifest crates/c/Cargo.toml dep acme-b 0.3.0 exact \
		--path crates/a --manifest crates/a/Cargo.toml dep acme-b 0.3.0 caret apply
	assert_success
	assert_output $'changed\nchanged'
	grep -q '^version = "=0.3.0"$' "$T/c/crates/c/Cargo.toml"
	grep -q 'version = "=0.3.0" }$' "$T/c/crates/c/Cargo.toml"
	grep -q '^acme-b = { version = "=0.3.0", path = "../b" }$' "$T/c/crates/c/Cargo.toml"
	diff a.before "$T/c/crates/a/Cargo.toml" >d || true
	cat d
	[ "$(grep -c '^>' d)" = 2 ]
	grep -q '^> acme-b2 = { package = "acme-b", path = "../b", version = "^0.3.0" }$' d
	grep -q '^> version = "^0.3.0"$' d
	sed -n '/^\[dependencies.other\]$/,/^$/p' "$T/c/crates/a/Cargo.toml" | grep -qx 'version = "^0.3.0"'
	grep -qx 'acme-b = { path = "../b" }' "$T/c/crates/a/Cargo.toml"
	if command -v cargo >/dev/null; then
		run cargo metadata --no-deps --format-version 1 --offline --manifest-path "$T/c/Cargo.toml"
		assert_success
		echo "$output" | jq -r '.packages[] | select(.name=="acme-a") | .dependencies[] | "\(.rename // .name) \(.req) \(.kind)"' | sort >got
		printf 'acme-b * dev\nacme-b2 ^0.3.0 null\nother ^0.3.0 null\n' | diff - got
	fi
	# a workspace = true entry is pinned in the root's [workspace.dependencies]
	fixture cargo w
	run tb "$T/w" --eco cargo --path crates/a --manifest crates/a/Cargo.toml dep acme-b 0.3.0 exact apply
	assert_output changed
	grep -qx 'acme-b = { path = "crates/b", version = "=0.3.0" }' "$T/w/Cargo.toml"
}

@test "python pins: exact, compatible and caret, inserted where a requirement had no specifier" {
	printf '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["acme-core", "acme-core[x] ; os_name == \x27nt\x27", "Acme.Core>=0.1"]\n' >pyproject.toml
	run tb "$T" --eco python --manifest pyproject.toml dep acme-core 0.4.0 exact apply
	assert_success
	assert_output changed
	assert_equal "$(sed -n 4p pyproject.toml)" "dependencies = [\"acme-core==0.4.0\", \"acme-core[x]==0.4.0 ; os_name == 'nt'\", \"Acme.Core==0.4.0\"]"
	run tb "$T" --eco python --manifest pyproject.toml dep acme-core 0.4.0 caret apply
	assert_success
	assert_equal "$(sed -n 4p pyproject.toml)" "dependencies = [\"acme-core>=0.4.0,<0.5\", \"acme-core[x]>=0.4.0,<0.5 ; os_name == 'nt'\", \"Acme.Core>=0.4.0,<0.5\"]"
	run tb "$T" --eco python --manifest pyproject.toml dep acme-core 0.4.0 compat dep acme-core 0.4.0 compat apply
	assert_success
	assert_output $'changed\nunchanged'
	assert_equal "$(sed -n 4p pyproject.toml)" "dependencies = [\"acme-core~=0.4.0\", \"acme-core[x]~=0.4.0 ; os_name == 'nt'\", \"Acme.Core~=0.4.0\"]"
}

@test "bump_file: a regular expression's group names the version; first match only; CRLF kept" {
	printf '1.2.3\r\n' >VERSION
	printf '# v\n__version__ = "1.2.3"\nOTHER = "1.2.3"\n' >init.py
	run tb "$T" bump-read VERSION '^(.*)$' bump-write VERSION '^(.*)$' 1.3.0 \
		bump-read init.py '__version__ = "([^"]+)"' bump-write init.py '__version__ = "([^"]+)"' 1.3.0 \
		bump-read init.py '__version__ = "([^"]+)"' apply
	assert_success
	assert_output $'1.2.3\n1.2.3\n1.3.0'
	printf '1.3.0\r\n' | cmp - VERSION
	printf '# v\n__version__ = "1.3.0"\nOTHER = "1.2.3"\n' | cmp - init.py
	run tb "$T" bump-read init.py 'nothing (here)'
	assert_failure 1
	assert_output "t-backend: init.py: bump_file pattern 'nothing (here)' matches nothing"
	run tb "$T" bump-read init.py '(['
	assert_failure 1
	assert_output --partial "t-backend: init.py: bad bump_file pattern '(['"
	run tb "$T" bump-read missing '(.*)'
	assert_failure 1
	assert_output "t-backend: missing: No such file or directory"
}

@test "edit set: mode kept, atomic write leaves no temporary, non-regular files refused" {
	printf '{"version": "1.0.0"}\n' >package.json
	chmod 0751 package.json
	run tb "$T" --eco npm --manifest package.json write 2.0.0 apply
	assert_success
	[ "$(stat -c %a package.json)" = 751 ]
	printf '{"version": "2.0.0"}\n' | cmp - package.json
	[ "$(ls -A | wc -l)" = 1 ]
	mkdir d
	run tb "$T" --eco npm --manifest d read
	assert_failure 1
	assert_output "t-backend: d: not a regular file"
	ln -s package.json link.json
	run tb "$T" --eco npm --manifest link.json read
	assert_failure 1
	assert_output "t-backend: link.json: not a regular file"
	run tb "$T" --eco npm --manifest ../x/package.json read
	assert_failure 1
	assert_output "t-backend: ../x/package.json: path is outside the repository"
}

@test "edit set: the unified diff applies with git apply and gives the same bytes (CRLF, BOM, new and deleted files)" {
	fixture uv-static u
	cp -r "$FIX/uv-static/before" u.orig
	printf 'plan\n' >"$T/u/plan.md"
	printf 'plan\n' >"$T/u.orig/plan.md"
	run tb "$T/u" --eco python --manifest pyproject.toml write 0.4.0 dep acme-core 0.4.0 widen \
		create CHANGELOG.md $'# Changelog\n\n## 0.4.0\n' delete plan.md create nested/none.txt 'x' delete plan.md diff
	assert_success
	printf '%s\n' "$output" >patch.diff
	grep -q '^new file mode 100644$' patch.diff
	grep -q '^deleted file mode 100644$' patch.diff
	grep -q '^\\ No newline at end of file$' patch.diff
	# the diff touches only the lines that changed
	[ "$(grep -c '^-[^-]' patch.diff)" = 6 ]
	cd u.orig
	git init -q .
	run git apply --check ../patch.diff
	assert_success
	git apply ../patch.diff
	cd ..
	cp -r "$FIX/uv-static/after/pyproject.toml" expected.toml
	cmp u.orig/pyproject.toml expected.toml
	printf '# Changelog\n\n## 0.4.0\n' | cmp - u.orig/CHANGELOG.md
	[ ! -e u.orig/plan.md ]
	printf 'x' | cmp - u.orig/nested/none.txt
	# the disk is untouched by diff
	cmp "$T/u/pyproject.toml" "$FIX/uv-static/before/pyproject.toml"
	[ -e "$T/u/plan.md" ]
}

@test "edit set: a long file's diff has separate hunks with three lines of context, like git diff" {
	seq 1 200 >before.txt
	sed -e 's/^50$/fifty/' -e 's/^150$/150 changed/' -e '/^100$/d' before.txt >after.txt
	cp before.txt f.txt
	run tb "$T" create f.txt "$(cat after.txt)"$'\n' diff
	assert_success
	printf '%s\n' "$output" | tail -n +4 >ours
	git diff --no-index before.txt after.txt | tail -n +5 >theirs || true
	diff ours theirs
}

# A three-ecosystem tree for the pin journal tests.
pin_tree() {
	mkdir -p "$1"
	cp -r "$FIX/cargo/before/." "$1/"
	cp "$FIX/npm/before/package.json" "$1/package.json"
	cp "$FIX/uv-static/before/pyproject.toml" "$1/pyproject.toml"
}

# Pin all three (4 files change): python's acme-core, npm's @acme/core, cargo's acme-b.
pin_ops=(--eco python --manifest pyproject.toml dep acme-core 0.4.0 exact
	--eco npm --manifest package.json dep @acme/core 2.0.0 exact
	--eco cargo --path crates/c --manifest crates/c/Cargo.toml dep acme-b 0.4.0 exact
	--path crates/a --manifest crates/a/Cargo.toml dep acme-b 0.4.0 exact)

@test "pin journal: recorded before the writes, restored byte for byte, .releasekit ignored by git" {
	pin_tree r
	cp -r r orig
	git -C r init -q
	run tb "$T/r" "${pin_ops[@]}" journal-record pin:all apply
	assert_success
	[ "$(cat r/.releasekit/.gitignore)" = "$(printf '/*\n!/plans/')" ]
	[ -z "$(git -C r status --porcelain --ignored=no -- .releasekit)" ]
	! diff -r -x .releasekit -x .git r orig >/dev/null
	grep -q '"@acme/core": "2.0.0"' r/package.json
	run tb "$T/r" journal-restore pin:all journal-restore pin:all
	assert_success
	assert_output $'restored 4\nno journal'
	diff -r -x .releasekit -x .git r orig
	[ -z "$(ls r/.releasekit/journal)" ]
}

@test "pin journal: SIGKILL before each write, then restore-all gives the original bytes" {
	local k
	pin_tree orig
	for k in 1 2 3 4 5; do
		rm -rf r
		cp -r orig r
		RK_TEST_KILL_WRITE=$k run tb "$T/r" "${pin_ops[@]}" journal-record pin:all apply
		[ "$status" -eq 137 ] || { echo "kill at $k: status $status"; false; }
		run tb "$T/r" journal-restore-all
		assert_success
		if [ "$k" = 1 ]; then assert_output "journals 0"; else assert_output "journals 1"; fi
		diff -r -x .releasekit r orig
	done
	# past the last write the pin completes
	rm -rf r
	cp -r orig r
	RK_TEST_KILL_WRITE=6 run tb "$T/r" "${pin_ops[@]}" journal-record pin:all apply
	assert_success
}

@test "pin journal: SIGKILL inside a restore, then the next restore finishes it" {
	local k
	pin_tree orig
	for k in 1 2 3 4; do
		rm -rf r
		cp -r orig r
		run tb "$T/r" "${pin_ops[@]}" journal-record pin:all apply
		assert_success
		RK_TEST_KILL_WRITE=$k run tb "$T/r" journal-restore pin:all
		[ "$status" -eq 137 ]
		! diff -r -x .releasekit r orig >/dev/null
		run tb "$T/r" journal-restore-all
		assert_success
		assert_output "journals 1"
		diff -r -x .releasekit r orig
	done
}

@test "pin journal: recording again keeps the first originals; a damaged journal is an error" {
	pin_tree r
	cp -r r orig
	run tb "$T/r" --eco npm --manifest package.json dep @acme/core 2.0.0 exact journal-record k apply
	assert_success
	# pinned again (to another version) under the same key: the journal still holds the original
	run tb "$T/r" --eco npm --manifest package.json dep @acme/core 2.0.0 caret journal-record k apply
	assert_success
	grep -q '"@acme/core": "^2.0.0"' r/package.json
	run tb "$T/r" journal-restore k
	assert_output "restored 1"
	diff -r -x .releasekit r orig
	mkdir -p r/.releasekit/journal
	printf 'releasekit-journal 1\nk\nF 644 0 999 package.json\nshort\n' >r/.releasekit/journal/bad.journal
	run tb "$T/r" journal-restore-all
	assert_failure 1
	assert_output "t-backend: .releasekit/journal/bad.journal:3: bad journal entry"
}

# Run the backend's lockfile command for the workspace at $T/$1 (eco, manager).
relock() {
	local dir=$1 eco=$2 mgr=$3 cmd
	run tb "$T/$dir" --eco "$eco" --manager "$mgr" --path . lock-cmd
	assert_success
	mapfile -t cmd <<<"$output"
	[ "${cmd[0]}" = . ]
	(cd "$T/$dir" && "${cmd[@]:2}") >relock.log 2>&1 || { cat relock.log; false; }
	echo "${cmd[1]}"
}

# A wheel written by hand: NAME VERSION DIR.
wheel() {
	"$RK_TOP/.venv/bin/python" - "$@" <<'PY'
import base64, hashlib, sys, zipfile
name, ver, d = sys.argv[1:4]
files = {f"{name}/__init__.py": f'__version__ = "{ver}"\n',
         f"{name}-{ver}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {ver}\n",
         f"{name}-{ver}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
rec = "".join(f"{k},sha256={base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b'=').decode()},{len(v)}\n" for k, v in files.items())
files[f"{name}-{ver}.dist-info/RECORD"] = rec + f"{name}-{ver}.dist-info/RECORD,,\n"
with zipfile.ZipFile(f"{d}/{name}-{ver}-py3-none-any.whl", "w") as z:
    for k, v in files.items():
        z.writestr(k, v)
PY
}

@test "lockfile: uv lock --offline after a bump moves only the workspace's own entries" {
	command -v uv >/dev/null || skip "uv not installed"
	export UV_PYTHON_DOWNLOADS=never
	mkdir -p w/wheels w/core w/app
	wheel thirdparty 1.0.0 w/wheels
	cat >w/pyproject.toml <<'EOT'
[project]
name = "root"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = ["acme-app"]

[tool.uv.workspace]
members = ["core", "app"]

[tool.uv.sources]
acme-app = { workspace = true }

[tool.uv]
no-index = true
find-links = ["wheels"]
EOT
	printf '[project]\nname = "acme-core"\nversion = "0.3.0"\nrequires-python = ">=3.9"\ndependencies = ["thirdparty"]\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >w/core/pyproject.toml
	printf '[project]\nname = "acme-app"\nversion = "1.0.0"\nrequires-python = ">=3.9"\ndependencies = ["acme-core>=0.3,<0.4", "thirdparty"]\n[tool.uv.sources]\nacme-core = { workspace = true }\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >w/app/pyproject.toml
	(cd w && uv lock --offline -q)
	cp w/uv.lock old.lock
	wheel thirdparty 1.1.0 w/wheels # a newer third-party release appears
	run tb "$T/w" --eco python --path core --manifest core/pyproject.toml write 0.4.0 \
		--path app --manifest app/pyproject.toml dep acme-core 0.4.0 widen apply
	assert_success
	run relock w python uv
	assert_success
	assert_output uv.lock
	# exactly the member's version moved; thirdparty stays at 1.0.0
	run diff old.lock w/uv.lock
	assert_equal "$output" $'29c29\n< version = "0.3.0"\n---\n> version = "0.4.0"'
	grep -A1 '^name = "thirdparty"' w/uv.lock | grep -q 'version = "1.0.0"'
	# and uv itself still accepts the manifests: a fresh resolution would take 1.1.0
	(cd w && rm uv.lock && uv lock --offline -q)
	grep -A1 '^name = "thirdparty"' w/uv.lock | grep -q 'version = "1.1.0"'
}

@test "lockfile: cargo update --workspace --offline moves only the workspace's own entries" {
	command -v cargo >/dev/null || skip "cargo not installed"
	mkdir -p w/vendor/tp1/src w/.cargo w/crates/a/src w/crates/b/src
	printf '[package]\nname = "thirdparty"\nversion = "1.0.0"\nedition = "2021"\n' >w/vendor/tp1/Cargo.toml
	echo "{\"files\":{},\"package\":\"$(printf 1 | sha256sum | cut -c1-64)\"}" >w/vendor/tp1/.cargo-checksum.json
	printf '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "vendor"\n' >w/.cargo/config.toml
	printf '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n' >w/Cargo.toml
	printf '[package]\nname = "acme-a"\nversion = "0.3.0"\nedition = "2021"\n\n[dependencies]\nthirdparty = "1"\nacme-b = { path = "../b", version = "0.3" }\n' >w/crates/a/Cargo.toml
	printf '[package]\nname = "acme-b"\nversion = "0.3.0"\nedition = "2021"\n' >w/crates/b/Cargo.toml
	touch w/vendor/tp1/src/lib.rs w/crates/a/src/lib.rs w/crates/b/src/lib.rs
	(cd w && cargo generate-lockfile --offline -q)
	cp w/Cargo.lock old.lock
	cp -r w/vendor/tp1 w/vendor/tp2 # a newer third-party release appears
	sed -i 's/1.0.0/1.1.0/' w/vendor/tp2/Cargo.toml
	echo "{\"files\":{},\"package\":\"$(printf 2 | sha256sum | cut -c1-64)\"}" >w/vendor/tp2/.cargo-checksum.json
	run tb "$T/w" --eco cargo --path crates/b --manifest crates/b/Cargo.toml write 0.4.0 \
		--path crates/a --manifest crates/a/Cargo.toml dep acme-b 0.4.0 widen apply
	assert_success
	run relock w cargo cargo
	assert_success
	assert_output Cargo.lock
	run diff old.lock w/Cargo.lock
	assert_equal "$output" $'15c15\n< version = "0.3.0"\n---\n> version = "0.4.0"'
	(cd w && cargo metadata --format-version 1 --offline >/dev/null)
	(cd w && cargo generate-lockfile --offline -q)
	grep -A1 '^name = "thirdparty"' w/Cargo.lock | grep -q 'version = "1.1.0"'
}

# An npm-style workspace with a third-party tarball: DIR MANAGER.
js_workspace() {
	mkdir -p "$1/vendor/tp" "$1/packages/core" "$1/packages/app"
	echo '{"name": "thirdparty", "version": "1.0.0"}' >"$1/vendor/tp/package.json"
	(cd "$1/vendor/tp" && npm pack -q --pack-destination .. >/dev/null)
	if [ "$2" = pnpm ]; then
		echo '{"name": "root", "private": true, "version": "0.0.0"}' >"$1/package.json"
		printf 'packages:\n  - "packages/*"\n' >"$1/pnpm-workspace.yaml"
	else
		echo '{"name": "root", "private": true, "version": "0.0.0", "workspaces": ["packages/*"]}' >"$1/package.json"
	fi
	printf '{\n  "name": "@acme/core",\n  "version": "1.4.0",\n  "dependencies": {"thirdparty": "file:../../vendor/thirdparty-1.0.0.tgz"}\n}\n' >"$1/packages/core/package.json"
	printf '{\n  "name": "@acme/app",\n  "version": "1.0.0",\n  "dependencies": {"@acme/core": "%s^1.4.0", "thirdparty": "file:../../vendor/thirdparty-1.0.0.tgz"}\n}\n' "$([ "$2" = pnpm ] && echo workspace:)" >"$1/packages/app/package.json"
}

@test "lockfile: pnpm install --lockfile-only --offline after a major bump; the third-party entry stays" {
	command -v pnpm >/dev/null || skip "pnpm not installed"
	export npm_config_store_dir="$BATS_TEST_TMPDIR/pnpm-store" npm_config_update_notifier=false
	js_workspace w pnpm
	(cd w && pnpm install --lockfile-only --offline --ignore-scripts >/dev/null)
	cp w/pnpm-lock.yaml old.lock
	run tb "$T/w" --eco npm --manager pnpm --path packages/core --manifest packages/core/package.json write 2.0.0 apply
	assert_success
	# workspace: ranges are left to pnpm; the lockfile records the specifier as written
	run tb "$T/w" --eco npm --path packages/app --manifest packages/app/package.json dep @acme/core 2.0.0 widen
	assert_output unchanged
	sed -i 's/workspace:^1.4.0/workspace:^2.0.0/' w/packages/app/package.json
	run relock w npm pnpm
	assert_success
	assert_output pnpm-lock.yaml
	run diff old.lock w/pnpm-lock.yaml
	assert_equal "$output" $'14c14\n<         specifier: workspace:^1.4.0\n---\n>         specifier: workspace:^2.0.0'
}

@test "lockfile: npm install --package-lock-only --offline after a major bump; the third-party entry stays" {
	export npm_config_cache="$BATS_TEST_TMPDIR/npm-cache" npm_config_update_notifier=false
	js_workspace w npm
	(cd w && npm install --package-lock-only --offline --ignore-scripts >/dev/null 2>&1)
	cp w/package-lock.json old.lock
	run tb "$T/w" --eco npm --manager npm --path packages/core --manifest packages/core/package.json write 2.0.0 \
		--path packages/app --manifest packages/app/package.json dep @acme/core 2.0.0 widen apply
	assert_success
	assert_output changed
	run relock w npm npm
	assert_success
	assert_output package-lock.json
	run diff old.lock w/package-lock.json
	assert_equal "$output" $'31c31\n<         "@acme/core": "^1.4.0",\n---\n>         "@acme/core": "^2.0.0",\n37c37\n<       "version": "1.4.0",\n---\n>       "version": "2.0.0",'
	jq -e '.packages["node_modules/thirdparty"].version == "1.0.0"' w/package-lock.json
}

@test "lockfile: yarn is refused with a clear error" {
	run tb "$T" --eco npm --manager yarn --path web lock-cmd
	assert_failure 1
	assert_output "t-backend: web: lockfile refresh with yarn is not supported"
}

@test "changelog: section inserted newest first under the title, after [Unreleased], link with the others; golden files" {
	local C="$FIX/changelog"
	cp "$C/kac.before.md" CHANGELOG.md
	cp "$C/crlf.before.md" HISTORY.md
	cp "$C/title-only.before.md" t.md
	mkdir pkg
	run tb "$T" changelog CHANGELOG.md 1.3.0 "$C/section.md" https://github.com/acme/mono/compare/v1.2.0...v1.3.0 \
		changelog HISTORY.md 1.3.0 "$C/section.md" https://gitlab.com/g/p/-/compare/v1.2.0...v1.3.0 \
		changelog pkg/CHANGELOG.md 1.3.0 "$C/section.md" https://github.com/acme/mono/releases/tag/v1.3.0 \
		changelog t.md 1.3.0 "$C/section.md" - apply
	assert_success
	assert_output $'changed\nchanged\nchanged\nchanged'
	cmp CHANGELOG.md "$C/kac.after.md"
	cmp HISTORY.md "$C/crlf.after.md"
	cmp pkg/CHANGELOG.md "$C/created.after.md"
	cmp t.md "$C/title-only.after.md"
	# twice: no second section, no byte changes
	run tb "$T" changelog CHANGELOG.md 1.3.0 "$C/section.md" https://x changelog HISTORY.md 1.3.0 "$C/section.md" - \
		changelog pkg/CHANGELOG.md 1.3.0 "$C/section.md" - changelog t.md 1.3.0 "$C/section.md" - changed
	assert_success
	assert_output $'unchanged\nunchanged\nunchanged\nunchanged\n0'
	# "## v1.3.0" and "## 1.3.0 (date)" count as that version too; 1.3.0 is not 1.3.01
	printf '# C\n\n## v1.3.0\n' >a.md
	printf '# C\n\n## 1.3.0 (2026-01-01)\n' >b.md
	printf '# C\n\n## [1.3.01]\n' >c.md
	run tb "$T" changelog a.md 1.3.0 "$C/section.md" - changelog b.md 1.3.0 "$C/section.md" - changelog c.md 1.3.0 "$C/section.md" -
	assert_output $'unchanged\nunchanged\nchanged'
}

@test "changelog: a section without a heading is refused; the dry-run diff shows the new section" {
	printf 'no heading\n' >s.md
	run tb "$T" changelog CHANGELOG.md 1.0.0 s.md -
	assert_failure 1
	assert_output "t-backend: CHANGELOG.md: the section for 1.0.0 does not start with a '## ' heading"
	cp "$FIX/changelog/kac.before.md" CHANGELOG.md
	run tb "$T" changelog CHANGELOG.md 1.3.0 "$FIX/changelog/section.md" - diff
	assert_success
	assert_line "+## [1.3.0] - 2026-11-26"
	assert_line "+- no more crash (abc1234)"
	cmp CHANGELOG.md "$FIX/changelog/kac.before.md"
}

@test "forge compare links: github, gitlab (subgroups), bitbucket, from https/ssh/scp remotes; others none; credentials dropped" {
	while read -r url prev tag exp; do
		run tb "$T" forge "$url" "$prev" "$tag"
		assert_success
		[ "$output" = "$exp" ] || { echo "$url: $output"; false; }
	done <<'EOT'
https://github.com/acme/mono.git v1.0.0 v1.1.0 https://github.com/acme/mono/compare/v1.0.0...v1.1.0
git@github.com:acme/mono.git v1.0.0 v1.1.0 https://github.com/acme/mono/compare/v1.0.0...v1.1.0
ssh://git@gitlab.com:22/grp/sub/proj.git a-v1 a-v2 https://gitlab.com/grp/sub/proj/-/compare/a-v1...a-v2
https://user:secret@bitbucket.org/acme/mono/ v1 v2 https://bitbucket.org/acme/mono/branches/compare/v2%0Dv1
https://GitHub.com/acme/mono - v1.0.0 https://github.com/acme/mono/releases/tag/v1.0.0
https://gitlab.com/g/p - v1 https://gitlab.com/g/p/-/tags/v1
git@bitbucket.org:a/b.git - v1 https://bitbucket.org/a/b/src/v1
https://example.com/a/b v1 v2 none
git@github.com:a/b/c.git v1 v2 none
/srv/git/repo.git v1 v2 none
EOT
	make_git_repo r
	run tb "$T/r" forge-origin v1 v2
	assert_output none
	git -C r remote add origin git@github.com:acme/mono.git
	run tb "$T/r" forge-origin v1 v2
	assert_output https://github.com/acme/mono/compare/v1...v2
	# the executor's whole step: the link comes from origin
	printf '## [2.0.0] - 2026-12-01\n\n- x\n' >s.md
	run tb "$T/r" changelog-release pkg/CHANGELOG.md 2.0.0 "$T/s.md" core-v1.0.0 core-v2.0.0 diff
	assert_success
	assert_line "+[2.0.0]: https://github.com/acme/mono/compare/core-v1.0.0...core-v2.0.0"
	run tb "$T/r" changelog-release pkg/CHANGELOG.md 2.0.0 "$T/s.md" core-v1.0.0 core-v2.0.0 apply
	assert_failure 1
	assert_output $'changed\nt-backend: pkg/CHANGELOG.md: cannot write: No such file or directory'
	mkdir r/pkg
	run tb "$T/r" changelog-release pkg/CHANGELOG.md 2.0.0 "$T/s.md" core-v1.0.0 core-v2.0.0 apply
	assert_success
	printf '# Changelog\n\n## [2.0.0] - 2026-12-01\n\n- x\n\n[2.0.0]: https://github.com/acme/mono/compare/core-v1.0.0...core-v2.0.0\n' | cmp - r/pkg/CHANGELOG.md
}

@test "a generated three-ecosystem monorepo: bump every package, pin every edge, the real tools accept it, the journal restores it" {
	"$RK_TOP/scripts/gen-monorepo" --seed 5 12 m >/dev/null
	make_git_repo m
	git -C m add -A
	git -C m commit -qm init
	run rk-discover -C m --no-stdin
	assert_success
	echo "$output" >pkgs.ndjson
	# one t-backend run: every package's version to 1.0.0, then every internal edge pinned
	mapfile -t ops < <(jq -r '[
		"--eco", .ecosystem, "--manager", .manager, "--path", .path, "--manifest", .manifest,
		"--workspace", (.workspace // "."), "write", "1.0.0"] | .[]' pkgs.ndjson)
	mapfile -t pins < <(jq -r '. as $p | .deps[] | [
		"--eco", $p.ecosystem, "--manager", $p.manager, "--path", $p.path, "--manifest", $p.manifest,
		"--workspace", ($p.workspace // "."), "dep", .name, "1.0.0", "exact"] | .[]' pkgs.ndjson)
	[ "${#pins[@]}" -gt 0 ]
	run tb "$T/m" "${ops[@]}" journal-record pin:all apply
	assert_success
	run tb "$T/m" "${pins[@]}" journal-record pin:all apply
	assert_success
	# byte spans only: every changed line is replaced, none added or removed
	git -C m diff --numstat | awk '$1 != $2 { print; bad = 1 } END { exit bad }'
	run rk-discover -C m --no-stdin
	assert_success
	echo "$output" | jq -r '.version' | sort -u | diff - <(echo 1.0.0)
	echo "$output" | jq -r '.ecosystem as $e | .deps[] | "\($e) \(.spec)"' | sort -u >specs
	grep -qx 'python ==1.0.0' specs
	grep -qx 'cargo =1.0.0' specs
	! grep -v -e '^python ==1.0.0$' -e '^cargo =1.0.0$' -e '^npm workspace:' specs
	# the tools read what was written
	if command -v cargo >/dev/null; then
		(cd m/rs && cargo metadata --format-version 1 --offline --no-deps >/dev/null)
	fi
	if command -v uv >/dev/null; then
		(cd m/py && UV_PYTHON_DOWNLOADS=never uv lock --offline -q)
		grep -c '^version = "1.0.0"$' m/py/uv.lock
		rm m/py/uv.lock
	fi
	if command -v pnpm >/dev/null; then
		(cd m && npm_config_store_dir="$BATS_TEST_TMPDIR/store" pnpm install --lockfile-only --offline --ignore-scripts >/dev/null)
		rm m/pnpm-lock.yaml
	fi
	# unpin: every byte back, nothing left for git to see
	run tb "$T/m" journal-restore-all
	assert_success
	assert_output "journals 1"
	[ -z "$(git -C m status --porcelain)" ]
}

@test "edit set: a file changed on disk after it was read is not overwritten" {
	printf '{"version": "1.0.0"}\n' >package.json
	cat >same.sh <<'EOT'
#!/bin/sh
printf '{"version": "2.0.0"}\n' >"$1/package.json"
EOT
	chmod +x same.sh
	# written again with the new bytes already there: nothing to do, no error
	run tb "$T" --eco npm --manifest package.json write 2.0.0 run-hook "$T/same.sh" apply
	assert_success
	printf '{"version": "2.0.0"}\n' | cmp - package.json
	# the edit set reads, a hook changes the file behind its back, then it writes
	printf '{"version": "1.0.0"}\n' >package.json
	cat >race.sh <<'EOT'
#!/bin/sh
printf '{"version": "9.9.9"}\n' >"$1/package.json"
EOT
	chmod +x race.sh
	run tb "$T" --eco npm --manifest package.json write 2.0.0 run-hook "$T/race.sh" apply
	assert_failure 1
	assert_output "t-backend: package.json: changed on disk since it was read; not written"
	printf '{"version": "9.9.9"}\n' | cmp - package.json
}
