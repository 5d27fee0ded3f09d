#!/usr/bin/env bats
# releasekit prepare and rk-exec's prepare executors on real repositories:
# uv, pnpm, npm and cargo workspaces, lockfiles refreshed by the real tools,
# every byte compared; reruns, resets, and the SIGKILL matrix.

load test_helper
load prepare_helper

FIX="$RK_TOP/tests/fixtures/prepare"

setup_file() {
	prepare_env
	make_mono "$BATS_FILE_TMPDIR/mono"
}

setup() {
	setup_common
	prepare_env
	cp -a "$BATS_FILE_TMPDIR/mono" repo
	cd repo || return 1
}

# The release commit's content: its tree, message, parent; and the tags.
fingerprint() {
	git log -1 --format='%H %T %P%n%B' HEAD
	git for-each-ref --format='%(refname) %(objectname)' refs/tags
	git status --porcelain --untracked-files=all
}

@test "prepare: uv + pnpm + cargo: the release commit's diff is exactly the versions, ranges, lockfile entries and changelog sections" {
	run releasekit prepare
	assert_success
	assert_line --index 0 "ok      bump:cargo:acme-b  0.4.0: rs/crates/b/Cargo.toml"
	assert_line "ok      lockfile:pnpm:js  refreshed js/pnpm-lock.yaml"
	assert_line --regexp '^prepared: [0-9a-f]{7} chore\(release\): 6 packages$'
	git diff HEAD^ HEAD >actual.diff
	diff -u "$FIX/mono.diff" actual.diff
	rm actual.diff
	# the commit: message, one trailer per package, the time of SOURCE_DATE_EPOCH
	git log -1 --format=%B >msg
	diff -u "$FIX/mono.msg" msg
	rm msg
	[ "$(git log -1 --format=%ct)" = "$SOURCE_DATE_EPOCH" ]
	# nothing left behind: clean tree, no plan kept, nothing pinned
	[ -z "$(git status --porcelain --untracked-files=all)" ]
	[ ! -e .releasekit/prepare.plan ]
	[ ! -e .releasekit/prepare-written ]
	# the tools still accept what was written
	(cd py && uv lock --offline --locked -q)
	(cd js && pnpm install --lockfile-only --offline --frozen-lockfile --ignore-scripts >/dev/null)
	(cd rs && cargo metadata --format-version 1 --offline --locked >/dev/null)
}

@test "prepare: a rerun after success changes and commits nothing; rk-exec on the same plan finds everything done" {
	releasekit prepare --json >../events 2>/dev/null
	[ "$(jq -s '[.[] | select(.kind == "event" and .state == "succeeded")] | length' ../events)" = 19 ]
	head=$(git rev-parse HEAD)
	run releasekit prepare
	assert_success
	assert_output "nothing to prepare: HEAD is a release commit ('releasekit publish' publishes it)"
	[ "$(git rev-parse HEAD)" = "$head" ]
	# the same plan again (made on the commit before): every action asks the truth
	git checkout -q HEAD^
	piped releasekit plan --format json \| jq -c 'select(.kind == "action" and .phase == "prepare")' >../plan
	git checkout -q main
	run rk-exec ../plan
	assert_success
	printf '%s\n' "$output" >../events
	[ "$(jq -s '[.[] | select(.kind == "event" and .state == "succeeded")] | length' ../events)" = 19 ]
	run jq -r 'select(.kind == "event" and .state == "succeeded") | .note' ../events
	refute_output --regexp '(^|'$'\n'')(moved|refreshed|committed|[0-9])'
	assert_line "already done: HEAD $(git rev-parse --short=12 HEAD) is the release commit"
	assert_line "already done: rs/Cargo.lock is up to date"
	assert_line "already done: every range admits the new versions"
	[ "$(jq -s '[.[] | select(.kind == "event" and .state == "cached")] | length' ../events)" = 0 ]
	[ "$(git rev-parse HEAD)" = "$head" ]
	[ -z "$(git status --porcelain --untracked-files=all)" ]
}

@test "prepare: git reset --hard, then a rerun redoes the work: the cache never stands in for the truth" {
	releasekit prepare >/dev/null
	fingerprint >../first
	git reset -q --hard HEAD^
	run releasekit prepare
	assert_success
	refute_output --partial "already done"
	fingerprint >../second
	diff -u ../first ../second
}

@test "prepare --dry-run prints the diff of every file it would write and changes nothing" {
	before=$(git rev-parse HEAD)
	run --separate-stderr releasekit prepare --dry-run
	assert_success
	printf '%s\n' "$output" >../dry.diff
	[ "$(git rev-parse HEAD)" = "$before" ]
	[ -z "$(git status --porcelain --untracked-files=all --ignored)" ]
	# exactly what the real run then commits
	diff -u "$FIX/mono.diff" ../dry.diff
}

@test "prepare --branch NAME makes the same commit on a new branch; --no-commit only writes; a dirty tree is refused" {
	releasekit prepare >/dev/null
	fingerprint >../on-main
	git reset -q --hard HEAD^
	run releasekit prepare --branch release/next
	assert_success
	assert_line --regexp '^prepared: [0-9a-f]{7} chore\(release\): 6 packages \(on release/next\)$'
	[ "$(git symbolic-ref HEAD)" = refs/heads/release/next ]
	[ "$(git rev-parse main)" = "$(git rev-parse release/next^)" ]
	fingerprint >../on-branch
	diff -u ../on-main ../on-branch
	git checkout -q main
	run releasekit prepare --no-commit
	assert_success
	assert_line "prepared (not committed): 15 files changed"
	[ "$(git rev-parse HEAD)" = "$(git rev-parse release/next^)" ]
	git add -A
	[ -z "$(git diff --cached release/next)" ]
	run --separate-stderr releasekit prepare
	assert_failure 1
	assert_equal "$stderr" "releasekit prepare: the work tree has uncommitted changes to tracked files: commit or stash them first"
	run --separate-stderr releasekit prepare --no-commit --branch x
	assert_failure 2
	run --separate-stderr releasekit prepare --tag --no-commit
	assert_failure 2
	assert_equal "$stderr" "releasekit prepare: --tag needs the release commit (drop --no-commit)"
}

@test "prepare --message: the commit's message, the trailers always added" {
	run releasekit prepare --message $'release: the lot\n\nSee the changelogs.'
	assert_success
	git log -1 --format=%B >../msg
	{
		printf 'release: the lot\n\nSee the changelogs.\n\n'
		sed -n '/^Release-Kit-Release/p' "$FIX/mono.msg"
		echo
	} >../want
	diff -u ../want ../msg
}

@test "prepare --tag tags the release commit for the application; the publish plan of the commit is its trailers" {
	run releasekit prepare --tag
	assert_success
	assert_line "ok      tag:python:acme-app  tagged $(git rev-parse --short=12 HEAD)"
	[ "$(git rev-parse acme-app-v1.0.1)" = "$(git rev-parse HEAD)" ]
	run git tag --points-at HEAD
	assert_output acme-app-v1.0.1
	# from the release commit, rk-plan plans the publish phase of exactly those releases
	releasekit plan --format json >../pub
	validate_records ../pub
	run jq -r 'select(.kind == "release") | "\(.ecosystem):\(.name) \(.current) -> \(.next) \(.bump) \(.tag)"' ../pub
	# (the application is already tagged: its current version is the tag's)
	assert_output "cargo:acme-b 0.3.0 -> 0.4.0 minor acme-b-v0.4.0
npm:@acme/ui 1.4.0 -> 2.0.0 major @acme/ui-v2.0.0
python:acme-core 0.3.0 -> 0.4.0 minor acme-core-v0.4.0
cargo:acme-a 0.1.0 -> 0.1.1 patch acme-a-v0.1.1
npm:@acme/web 2.1.0 -> 2.1.1 patch @acme/web-v2.1.1
python:acme-app 1.0.1 -> 1.0.1 none acme-app-v1.0.1"
	jq -e -s --arg h "$(git rev-parse HEAD)" '[.[] | select(.kind == "action")] |
		all(.phase == "publish") and
		(map(select(.type == "tag")) | length == 6 and all(.params.target == $h)) and
		(map(select(.id == "pin:npm:@acme/web")) | .[0].params.deps == [{"name":"@acme/ui","ecosystem":"npm","version":"2.0.0"}])' ../pub
	# with a change in the work tree it is a new release again
	echo more >>rs/crates/a/src/lib.rs
	(set -o pipefail; releasekit discover | rk-graph >../graph.ndjson)
	run --separate-stderr rk-plan --no-actions <../graph.ndjson
	assert_success
	assert_equal "$stderr" "rk-plan: warning: HEAD is a release commit, but the work tree differs from it (rs/crates/a/src/lib.rs): planning a new release"
}

@test "pin and unpin: the build's exact pins, the original bytes back after; a killed pin is undone by the next run" {
	releasekit prepare >/dev/null
	cp js/packages/web/package.json ../web.json
	cp rs/crates/a/Cargo.toml ../a.toml
	piped releasekit plan --format json \| jq -c 'select(.kind == "action" and (.type == "pin" or .type == "unpin")) | .deps = []' >../pins
	jq -c 'select(.type == "pin")' ../pins >../pin-only
	run rk-exec -j 1 ../pin-only
	assert_success
	printf '%s\n' "$output" >../ev
	jq -e -s 'map(select(.kind == "event" and .state == "succeeded" and .action == "pin:npm:@acme/web")) | .[0].note == "pinned (exact): js/packages/web/package.json"' ../ev
	grep -q '"@acme/ui": "2.0.0"' js/packages/web/package.json
	grep -q '^acme-b = { path = "../b", version = "=0.4.0" }$' rs/crates/a/Cargo.toml
	[ -n "$(ls .releasekit/journal)" ]
	jq -c 'select(.type == "unpin")' ../pins >../unpin-only
	run rk-exec ../unpin-only
	assert_success
	cmp ../web.json js/packages/web/package.json
	cmp ../a.toml rs/crates/a/Cargo.toml
	[ -z "$(git status --porcelain)" ]
	# killed right after pin wrote (unpin never ran): any next run restores first
	RK_TEST_KILL_AT=pin:npm:@acme/web:end run rk-exec -j 1 ../pin-only
	[ "$status" -eq 137 ]
	! cmp -s ../web.json js/packages/web/package.json
	echo '{"kind":"note"}' >../empty
	run --separate-stderr rk-exec ../empty
	assert_success
	# (the killed run's lock is stale: taken over with a warning too)
	[[ "$stderr" == *"rk-exec: warning: restored the files of 2 pin journals a killed run left in $PWD/.releasekit/journal" ]]
	cmp ../web.json js/packages/web/package.json
	cmp ../a.toml rs/crates/a/Cargo.toml
	# killed between the journal and the file, and inside the file write
	for at in pin:npm:@acme/web:journal pin:cargo:acme-a:start; do
		RK_TEST_KILL_AT=$at run rk-exec -j 1 ../pin-only
		[ "$status" -eq 137 ]
		rk-exec ../unpin-only >/dev/null
		cmp ../web.json js/packages/web/package.json
		cmp ../a.toml rs/crates/a/Cargo.toml
	done
	RK_TEST_KILL_WRITE=2 run rk-exec -j 1 ../pin-only
	assert_failure 1
	rk-exec ../empty >/dev/null 2>&1
	cmp ../web.json js/packages/web/package.json
	cmp ../a.toml rs/crates/a/Cargo.toml
	[ -z "$(git status --porcelain)" ]
}

@test "commit: refuses a HEAD that moved and staged changes; consumed plan files are deleted in the commit" {
	mkdir -p .releasekit/plans
	printf -- '---\n"acme-a": minor\n---\n\nA planned change.\n' >.releasekit/plans/a.md
	git add -f .releasekit/plans/a.md
	commit_at 04 "chore: plan"
	piped releasekit plan --format json \| jq -c 'select(.kind == "action" and .phase == "prepare")' >../plan
	jq -e -s 'map(select(.id == "commit:release"))[0].params.delete == [".releasekit/plans/a.md"]' ../plan
	# staged changes are not swept in
	echo staged >>rs/crates/a/src/lib.rs
	git add rs/crates/a/src/lib.rs
	run rk-exec ../plan
	assert_failure 1
	printf '%s\n' "$output" >../ev
	jq -e -s 'map(select(.kind == "event" and .state == "failed"))[0].reason == "the index has staged changes (rs/crates/a/src/lib.rs): commit or unstage them first"' ../ev
	git reset -q --hard HEAD
	# HEAD moved since the plan
	git commit -q --allow-empty -m unrelated
	run rk-exec ../plan
	assert_failure 1
	printf '%s\n' "$output" >../ev
	jq -e -s --arg p "$(git rev-parse --short=12 HEAD^)" --arg n "$(git rev-parse --short=12 HEAD)" \
		'map(select(.kind == "event" and .state == "failed"))[0].reason == "HEAD moved since the plan was made (planned on \($p), now \($n)): plan again"' ../ev
	git reset -q --hard HEAD^
	run rk-exec ../plan
	assert_success
	[ ! -e .releasekit/plans/a.md ]
	run git show --name-status --format= HEAD
	assert_line "D	.releasekit/plans/a.md"
	grep -q "^- A planned change.$" rs/crates/a/CHANGELOG.md
	[ "$(grep -c '^version = "0.2.0"' rs/crates/a/Cargo.toml)" = 1 ]
}

@test "prepare: an npm workspace (package-lock.json)" {
	cd ..
	make_npm n
	cd n
	run releasekit prepare
	assert_success
	git diff HEAD^ HEAD -- packages package-lock.json ':!*CHANGELOG.md' >../actual
	diff -u "$FIX/npm.diff" ../actual
	[ -z "$(git status --porcelain --untracked-files=all)" ]
	npm install --package-lock-only --offline --ignore-scripts >/dev/null 2>&1
	[ -z "$(git status --porcelain)" ]
}

# kill_and_rerun WHAT: a prepare killed as WHAT says (KILL_AT=id:point or
# WRITE=n), then rerun; prints the result's fingerprint.
kill_and_rerun() {
	local dir=$BATS_TEST_TMPDIR/k.$RANDOM
	cp -a "$BATS_FILE_TMPDIR/mono" "$dir"
	(
		cd "$dir" || exit 1
		st=0
		case $1 in
		KILL_AT=*) RK_TEST_KILL_AT=${1#KILL_AT=} releasekit prepare --tag >../killed.out 2>&1 || st=$? ;;
		WRITE=*) RK_TEST_KILL_WRITE=${1#WRITE=} releasekit prepare --tag >../killed.out 2>&1 || st=$? ;;
		esac
		echo "killed: $st" >&2
		releasekit prepare --tag >../rerun.out 2>&1 || { cat ../rerun.out >&2; exit 1; }
		fingerprint
		# no section twice
		for f in $(git ls-files '*CHANGELOG.md'); do
			[ "$(grep -c '^## \[' "$f")" = "$(grep '^## \[' "$f" | sort -u | wc -l)" ] || echo "twice: $f"
		done
	)
	rm -rf "$dir"
}

@test "prepare: SIGKILL at every action boundary and inside each kind of write; the rerun matches an uninterrupted run byte for byte" {
	releasekit prepare --tag >/dev/null
	fingerprint >../expected
	for f in $(git ls-files '*CHANGELOG.md'); do
		[ "$(grep -c '^## \[' "$f")" = "$(grep '^## \[' "$f" | sort -u | wc -l)" ]
	done
	cases=()
	for id in bump:cargo:acme-b bump:python:acme-app ranges:npm:@acme/web lockfile:uv:py lockfile:pnpm:js \
		changelog:python:acme-core changelog:npm:@acme/web commit:release tag:python:acme-app; do
		cases+=("KILL_AT=$id:start" "KILL_AT=$id:end")
	done
	cases+=("KILL_AT=commit:release:objects" "KILL_AT=commit:release:ref" "KILL_AT=tag:python:acme-app:write")
	# inside a write: the n-th file write of any executor (each child counts its own)
	cases+=(WRITE=1)
	for c in "${cases[@]}"; do
		kill_and_rerun "$c" >../got 2>../why
		grep -q "killed: [^0]" ../why || { echo "$c: the first run was not killed"; cat ../why; false; }
		diff -u ../expected ../got || { echo "after $c"; false; }
	done
	# one tag, on the release commit
	[ "$(git tag --points-at HEAD)" = acme-app-v1.0.1 ]
}

@test "prepare: release_train commit_message from RELEASE.star is the commit's message, the trailers always added; --message wins" {
	cat >RELEASE.star <<'EOT'
load("@releasekit//rules/train.star", "release_train")
release_train(commit_message = "release: from the config\n\nBody line.")
EOT
	commit_at 04 "chore: config"
	releasekit plan --format json >../plan
	jq -e -s 'map(select(.id == "commit:release"))[0].params.message == "release: from the config\n\nBody line."' ../plan
	run releasekit prepare
	assert_success
	assert_line --regexp '^prepared: [0-9a-f]{7} release: from the config$'
	git log -1 --format=%B >../msg
	{
		printf 'release: from the config\n\nBody line.\n\n'
		sed -n '/^Release-Kit-Release/p' "$FIX/mono.msg"
		echo
	} >../want
	diff -u ../want ../msg
	# the command line's --message overrides the config
	git reset -q --hard HEAD^
	run releasekit prepare --message 'release: from the command line'
	assert_success
	[ "$(git log -1 --format=%s)" = "release: from the command line" ]
	[ "$(git log -1 --format=%B | grep -c '^Release-Kit-Release: ')" = 6 ]
}

@test "tag: the annotated tag's tagger is the commit's committer (GIT_COMMITTER_* over git config), at SOURCE_DATE_EPOCH" {
	git config user.name "Config Person"
	git config user.email config@example.com
	GIT_COMMITTER_NAME="Release Bot" GIT_COMMITTER_EMAIL=bot@example.com run releasekit prepare
	assert_success
	[ "$(git log -1 --format='%cn <%ce>')" = "Release Bot <bot@example.com>" ]
	# an annotated tag (the tag action given a message) on the release commit
	jq -cn --arg t "$(git rev-parse HEAD)" --arg k "$(printf x | sha256sum | cut -c1-64)" \
		'{kind:"action",id:"tag:x",type:"tag",deps:[],key:$k,phase:"publish",
		params:{tag:"x-v1",target:$t,message:"Release x 1"}}' >../tag
	GIT_COMMITTER_NAME="Release Bot" GIT_COMMITTER_EMAIL=bot@example.com run rk-exec ../tag
	assert_success
	[ "$(git cat-file -t x-v1)" = tag ]
	[ "$(git tag -l --format='%(taggername) %(taggeremail) %(taggerdate:unix)' x-v1)" = "Release Bot <bot@example.com> $SOURCE_DATE_EPOCH" ]
	# without the environment: git config's identity for both
	jq -c '.params.tag = "y-v1" | .id = "tag:y"' ../tag >../tag2
	run env -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL rk-exec ../tag2
	assert_success
	[ "$(git tag -l --format='%(taggername) %(taggeremail)' y-v1)" = "Config Person <config@example.com>" ]
}

@test "prepare: .releasekit/.gitignore hides the state (journal, dist, plans of a run, prepare-written) but never the plan files" {
	releasekit prepare --no-commit >/dev/null
	[ -d .releasekit ]
	mkdir -p .releasekit/dist/python/x-1 .releasekit/journal .releasekit/rate
	touch .releasekit/prepare.plan .releasekit/publish.plan .releasekit/prepare-written \
		.releasekit/rate/pypi .releasekit/dist/python/x-1/x.whl
	mkdir -p .releasekit/plans
	printf -- '---\n"acme-a": minor\n---\n\nA planned change.\n' >.releasekit/plans/a.md
	run git status --porcelain --untracked-files=all -- .releasekit
	assert_success
	assert_output "?? .releasekit/plans/a.md"
	# git add needs no -f for a plan; the state stays out
	git add .releasekit
	run git diff --cached --name-only
	assert_output ".releasekit/plans/a.md"
	# and rk-plan reads it: acme-a gets its minor
	git reset -q
	git stash -q
	git add .releasekit/plans/a.md && commit_at 05 "chore: plan"
	(set -o pipefail; releasekit discover | rk-graph >../graph.ndjson)
	run rk-plan --no-actions <../graph.ndjson
	assert_success
	echo "$output" | jq -e -s 'map(select(.kind == "release" and .name == "acme-a"))[0].next == "0.2.0"'
	# an old .gitignore holding "*" is replaced by the next run
	rm -f .releasekit/prepare.plan .releasekit/publish.plan .releasekit/prepare-written
	printf '*\n' >.releasekit/.gitignore
	releasekit prepare --no-commit >/dev/null
	[ "$(cat .releasekit/.gitignore)" = "$(printf '/*\n!/plans/')" ]
}

@test "rk-plan: a ranges action only where a range must move (a range that admits the new version gets none)" {
	# @acme/web's range admits @acme/ui 2.0.0 already; acme-a's "0.3" does not admit acme-b 0.4.0
	sed -i 's|"@acme/ui": "^1.4.0"|"@acme/ui": ">=1.4.0"|' js/packages/web/package.json
	(cd js && pnpm install --lockfile-only --offline --ignore-scripts >/dev/null)
	commit_at 04 "chore: wider range"
	run --separate-stderr releasekit plan --format json
	assert_success
	printf '%s\n' "$output" >../plan
	run jq -r 'select(.kind == "action" and .type == "ranges") | "\(.id) \(.params.deps | map(.name) | join(","))"' ../plan
	assert_output "ranges:cargo:acme-a acme-b
ranges:python:acme-app acme-core"
	# @acme/web is still released (the dependency's bump propagates), pinned for its build
	jq -e -s 'map(select(.id == "bump:npm:@acme/web")) | length == 1' ../plan
	jq -e -s 'map(select(.id == "pin:npm:@acme/web"))[0].params.deps == [{"name":"@acme/ui","ecosystem":"npm","version":"2.0.0"}]' ../plan
	# and prepare leaves the range as written
	run releasekit prepare
	assert_success
	refute_output --partial "ranges:npm:@acme/web"
	grep -q '"@acme/ui": ">=1.4.0"' js/packages/web/package.json
	[ -z "$(git status --porcelain --untracked-files=all)" ]
}

@test "prepare: a package rule's bump_files are written with their bump_file patterns, in the release commit" {
	cd "$T"
	make_git_repo solo
	cd solo
	mkdir -p src/solo
	printf '[project]\nname = "solo"\nversion = "1.0.0"\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >pyproject.toml
	printf '# the version\n__version__ = "1.0.0"\n' >src/solo/__init__.py
	cat >RELEASE.star <<'EOS'
load("@releasekit//rules/uv.star", "uv_package")
uv_package(name = "solo", bump_files = ["src/solo/__init__.py"])
bump_file(path = "src/solo/__init__.py", pattern = "__version__ = \"(.*)\"")
EOS
	git add -A
	git commit -q -m "chore: init"
	git tag solo-v1.0.0
	echo 'X = 1' >>src/solo/__init__.py
	git commit -q -am "feat: x"
	run --separate-stderr releasekit prepare
	assert_success
	assert_line --index 0 "ok      bump:python:solo  1.1.0: pyproject.toml, src/solo/__init__.py"
	[ -z "$stderr" ]
	[ "$(git show HEAD:src/solo/__init__.py)" = "$(printf '# the version\n__version__ = "1.1.0"\nX = 1')" ]
	[ -z "$(git status --porcelain)" ]
}
