#!/usr/bin/env bats
# rk-plan: versions from tags, commits and plan files; channels; changelog
# text; the action DAG and its cache keys. Every test builds a real git
# repository in $T/repo and feeds hand-written package records.

load test_helper
load plan_helper

tag() {
	git -C repo tag "$@"
}

plan() {
	rk-plan -C repo --date 20261126 --no-actions "$@" <in.ndjson
}

versions() {
	piped plan "$@" \| jq -r 'select(.kind == "release") | "\(.name) \(.current) -> \(.next) \(.bump)"'
}

short() {
	git -C repo rev-parse --short=7 "$1"
}

@test "each commit kind: feat minor, fix/perf patch, ! and both footers major, others nothing" {
	for p in a b c d e f g h i j; do pkg $p npm pk/$p 1.0.0; done
	init
	for p in a b c d e f g h i j; do tag $p-v1.0.0; done
	change pk/a "feat: a feature"
	change pk/b "fix(core): a fix"
	change pk/c "perf: faster"
	change pk/d "chore: tidy"
	change pk/e "docs: words"
	change pk/f "refactor(api)!: new API"
	change pk/g "$(printf 'fix: x\n\nBody.\n\nBREAKING CHANGE: the old API is gone')"
	change pk/h "$(printf 'fix: y\n\nBREAKING-CHANGE: gone too')"
	change pk/i "Update some things"
	change pk/j "$(printf 'fix: z\n\nThis mentions BREAKING CHANGE: mid-line, which is no footer')"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.1.0 minor
b 1.0.0 -> 1.0.1 patch
c 1.0.0 -> 1.0.1 patch
f 1.0.0 -> 2.0.0 major
g 1.0.0 -> 2.0.0 major
h 1.0.0 -> 2.0.0 major
j 1.0.0 -> 1.0.1 patch"
	run piped rk-plan -C repo --date 20261126 --no-actions --all \| jq -r 'select(.kind == "release" and .bump == "none") | "\(.name) \(.next) \(.commits) \(.non_conventional)"' <in.ndjson
	assert_success
	assert_output "d 1.0.0 1 0
e 1.0.0 1 0
i 1.0.0 1 1"
}

@test "reasons carry commit ids, subjects, types, scopes, breaking and PR numbers" {
	pkg a npm pk/a 1.0.0
	init
	tag a-v1.0.0
	change pk/a "feat(ui): dark mode (#42)"
	change pk/a "fix!: drop IE"
	plan >out.ndjson
	validate_records out.ndjson
	run jq -c 'select(.kind == "release") | .reasons' out.ndjson
	assert_output "[{\"commit\":\"$(short HEAD)\",\"sha\":\"$(git -C repo rev-parse HEAD)\",\"subject\":\"drop IE\",\"type\":\"fix\",\"breaking\":true,\"bump\":\"major\"},{\"commit\":\"$(short HEAD~)\",\"sha\":\"$(git -C repo rev-parse HEAD~)\",\"subject\":\"dark mode (#42)\",\"type\":\"feat\",\"scope\":\"ui\",\"breaking\":false,\"pr\":42,\"bump\":\"minor\"}]"
	run jq -r 'select(.kind == "release") | "\(.tag) \(.previous_tag) \(.channel) \(.prerelease) \(.publish) \(.date)"' out.ndjson
	assert_output "a-v2.0.0 a-v1.0.0 latest false true 2026-11-26"
}

@test "a breaking change on 0.x bumps minor unless major_on_zero" {
	pkg z npm pk/z 0.3.0
	init
	tag z-v0.3.0
	change pk/z "feat!: rework"
	run --separate-stderr versions
	assert_success
	assert_output "z 0.3.0 -> 0.4.0 minor"
	echo '{"kind":"config","rule":"release_train","major_on_zero":true}' >>in.ndjson
	run --separate-stderr versions
	assert_success
	assert_output "z 0.3.0 -> 1.0.0 major"
}

@test "reverts cancel what they revert; a revert of released work is a patch; revert of a revert restores" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 1.0.0
	pkg c npm pk/c 1.0.0
	init
	change pk/b "fix: old fix"
	git -C repo tag a-v1.0.0
	git -C repo tag b-v1.0.0
	git -C repo tag c-v1.0.0
	change pk/a "feat: short-lived"
	git -C repo revert --no-edit HEAD >/dev/null
	git -C repo revert --no-edit "b-v1.0.0" >/dev/null
	change pk/c "feat: back and forth"
	git -C repo revert --no-edit HEAD >/dev/null
	git -C repo revert --no-edit HEAD >/dev/null
	run --separate-stderr versions
	assert_success
	assert_output "b 1.0.0 -> 1.0.1 patch
c 1.0.0 -> 1.1.0 minor"
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -r 'select(.name == "b" and .kind == "release") | .reasons[0].type, .changelog' <in.ndjson
	assert_success
	assert_output "revert
## [1.0.1] - 2026-11-26

### Reverts

- fix: old fix ($(short HEAD~3))"
}

@test "dependents get the propagate bump with the reason; dev dependencies do not" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 2.0.0 "[$(dep a npm)]"
	pkg c npm pk/c 3.0.0 "[$(dep a npm dev)]"
	pkg d npm pk/d 4.0.0 "[$(dep b npm)]"
	init
	for p in a-v1.0.0 b-v2.0.0 c-v3.0.0 d-v4.0.0; do tag $p; done
	change pk/a "feat: new"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.1.0 minor
b 2.0.0 -> 2.0.1 patch
d 4.0.0 -> 4.0.1 patch"
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -c 'select(.name == "d" and .kind == "release") | .reasons' <in.ndjson
	assert_success
	assert_output '[{"dependency":"b","ecosystem":"npm","version":"2.0.1","bump":"patch"}]'
	echo '{"kind":"config","rule":"release_train","propagate":"minor"}' >>in.ndjson
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.1.0 minor
b 2.0.0 -> 2.1.0 minor
d 4.0.0 -> 4.1.0 minor"
	echo '{"kind":"config","rule":"release_train","propagate":"none"}' >>in.ndjson
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.1.0 minor"
}

@test "fixed versioning: one version for the whole train" {
	pkg a npm pk/a 1.2.0
	pkg b python pk/b 1.4.0
	pkg c cargo pk/c 1.3.0
	echo '{"kind":"config","rule":"release_train","versioning":"fixed","tag_format":"v{version}"}' >>in.ndjson
	init
	tag v1.4.0
	change pk/a "feat: x"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.4.0 -> 1.5.0 minor
b 1.4.0 -> 1.5.0 minor
c 1.4.0 -> 1.5.0 minor"
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -c 'select(.name == "b" and .kind == "release") | [.reasons, .tag]' <in.ndjson
	assert_success
	assert_output '[[{"group":"fixed","bump":"minor"}],"v1.5.0"]'
	# one tag v1.5.0: one tag and one release action, waiting for every package
	run piped rk-plan -C repo --date 20261126 \| jq -r 'select(.kind == "action" and (.type == "tag" or .type == "release" or .type == "changelog")) | "\(.id) <- \(.deps | join(" "))"' <in.ndjson
	assert_success
	assert_output "changelog:npm:a <- bump:cargo:c
changelog:python:b <- changelog:npm:a
changelog:cargo:c <- changelog:python:b
tag:npm:a <- verify:npm:a verify:python:b verify:cargo:c
release:npm:a <- push:tags"
}

@test "per-group versioning: lockstep within a group, independent outside" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 2.0.0
	pkg c npm pk/c 3.0.0
	pkg d npm pk/d 0.1.0 "[]" '"group":"tools"'
	pkg e npm pk/e 0.2.0 "[]" '"group":"tools"'
	echo '{"kind":"config","rule":"release_train","versioning":"per-group"}' >>in.ndjson
	echo '{"kind":"config","rule":"release_group","name":"core","packages":["a","npm:b"]}' >>in.ndjson
	init
	for p in a-v1.0.0 b-v2.0.0 c-v3.0.0 d-v0.1.0 e-v0.2.0; do tag $p; done
	change pk/a "fix: x"
	change pk/c "fix: y"
	change pk/d "feat: z"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 2.0.1 patch
b 2.0.0 -> 2.0.1 patch
c 3.0.0 -> 3.0.1 patch
d 0.1.0 -> 0.3.0 minor
e 0.2.0 -> 0.3.0 minor"
	# e depends on c (patch) and is raised by d's group (minor): both reasons, once each
	sed 's/\("name":"e".*"deps":\)\[\]/\1[{"name":"c","ecosystem":"npm","spec":"","type":"normal"}]/' in.ndjson >in2.ndjson
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -c 'select(.kind == "release" and .name == "e") | .reasons' <in2.ndjson
	assert_success
	assert_output '[{"dependency":"c","ecosystem":"npm","version":"3.0.1","bump":"patch"},{"group":"tools","bump":"minor"}]'
}

@test "independent versioning is the default" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 2.0.0
	echo '{"kind":"config","rule":"release_group","name":"core","packages":["a","b"]}' >>in.ndjson
	init
	tag a-v1.0.0
	tag b-v2.0.0
	change pk/a "fix: x"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.0.1 patch"
}

@test "plan files: front matter bumps packages, the summary goes into the changelog" {
	pkg a npm pk/a 1.0.0
	pkg b python pk/b 1.0.0
	pkg c npm pk/c 1.0.0
	mkdir -p repo/.releasekit/plans
	printf -- '---\n"a": minor\nb: patch\n---\n\nAdd streaming.\nSecond line.\n' >repo/.releasekit/plans/streaming.md
	printf -- "---\n'npm:c': major\n---\n" >repo/.releasekit/plans/c-major.md
	echo "not a plan" >repo/.releasekit/plans/README.md
	init
	tag a-v1.0.0
	tag b-v1.0.0
	tag c-v1.0.0
	change pk/a "fix: small"
	plan >out.ndjson
	validate_records out.ndjson
	run jq -r 'select(.kind == "release") | "\(.name) \(.next) \(.bump) \(.plan_files | join(","))"' out.ndjson
	assert_output "a 1.1.0 minor .releasekit/plans/streaming.md
b 1.0.1 patch .releasekit/plans/streaming.md
c 2.0.0 major .releasekit/plans/c-major.md"
	run jq -r 'select(.name == "a" and .kind == "release") | .changelog' out.ndjson
	assert_output "## [1.1.0] - 2026-11-26

### Features

- Add streaming.
  Second line.

### Bug Fixes

- small ($(short HEAD))"
	mkdir -p repo/changes
	mv repo/.releasekit/plans/c-major.md repo/changes/
	run --separate-stderr versions --plans-dir changes
	assert_success
	assert_output "a 1.0.0 -> 1.0.1 patch
c 1.0.0 -> 2.0.0 major"
	echo '{"kind":"config","rule":"release_train","plans_dir":"changes"}' >>in.ndjson
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.0.1 patch
c 1.0.0 -> 2.0.0 major"
}

@test "plan files: malformed front matter and unknown packages are errors with file:line" {
	echo '{"kind":"config","rule":"release_train","tag_format":"{ecosystem}-{name}-v{version}"}' >in.ndjson
	pkg a npm pk/a 1.0.0
	pkg a python py/a 1.0.0
	init
	mkdir -p repo/.releasekit/plans
	printf -- '---\n"npm:a": minor\nbroken line\n---\n' >repo/.releasekit/plans/bad.md
	run --separate-stderr plan
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bad.md:3: expected 'PACKAGE: BUMP'"
	printf -- '---\n"npm:a": huge\n---\n' >repo/.releasekit/plans/bad.md
	run --separate-stderr plan
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bad.md:2: unknown bump 'huge' (expected major, minor, patch or none)"
	printf -- '---\nnpm:a: minor\n' >repo/.releasekit/plans/bad.md
	run --separate-stderr plan
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bad.md:2: front matter not closed by '---'"
	printf -- 'npm:a: minor\n' >repo/.releasekit/plans/bad.md
	run --separate-stderr plan
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bad.md:1: expected '---' on the first line (front matter)"
	printf -- '---\nnpm:a: minor\n"nope": patch\n---\n' >repo/.releasekit/plans/bad.md
	run --separate-stderr plan
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bad.md:3: unknown package 'nope'"
	printf -- '---\na: patch\n---\n' >repo/.releasekit/plans/bad.md
	run --separate-stderr plan
	assert_failure 3
	assert_equal "$stderr" "rk-plan: .releasekit/plans/bad.md:2: package 'a' is ambiguous: write ecosystem:name"
	assert_equal "$output" ""
}

@test "channels: pre-releases in each scheme's spelling, counters continue from tags" {
	pkg a npm pk/a 1.2.3
	pkg b python pk/b 1.2.3
	init
	tag a-v1.2.3
	tag b-v1.2.3
	change pk/a "fix: x"
	change pk/b "feat: y"
	run --separate-stderr versions --channel rc
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-rc.1 patch
b 1.2.3 -> 1.3.0rc1 minor"
	run --separate-stderr versions --channel beta
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-beta.1 patch
b 1.2.3 -> 1.3.0b1 minor"
	run --separate-stderr versions --channel alpha
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-alpha.1 patch
b 1.2.3 -> 1.3.0a1 minor"
	run --separate-stderr versions --channel canary
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-canary.1 patch
b 1.2.3 -> 1.3.0.dev1 minor"
	run --separate-stderr versions --channel experiments
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-experiments.1 patch
b 1.2.3 -> 1.3.0.dev1 minor"
	run --separate-stderr versions --prerelease pr.7
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-pr.7.1 patch
b 1.2.3 -> 1.3.0.dev1 minor"
	tag a-v1.2.4-rc.1
	tag a-v1.2.4-rc.2
	tag b-v1.3.0rc1
	# nothing new since the last pre-release tags: nothing to release on rc
	run --separate-stderr versions --channel rc
	assert_success
	assert_output ""
	change pk/a "fix: z"
	run --separate-stderr versions --channel rc
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-rc.3 patch"
	# latest promotes everything since the last stable release
	run --separate-stderr versions
	assert_success
	assert_output "a 1.2.3 -> 1.2.4 patch
b 1.2.3 -> 1.3.0 minor"
	run --separate-stderr versions --channel next
	assert_success
	assert_output "a 1.2.3 -> 1.2.4 patch
b 1.2.3 -> 1.3.0 minor"
	echo '{"kind":"config","rule":"release_train","channel":"experiments","prerelease_token":"exp"}' >>in.ndjson
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -r 'select(.kind == "release") | "\(.next) \(.channel) \(.prerelease)"' <in.ndjson
	assert_success
	assert_output "1.2.4-exp.1 experiments true"
}

@test "branch_channel maps the current branch to a channel" {
	pkg a npm pk/a 1.2.3
	echo '{"kind":"config","rule":"branch_channel","branch":"release/*","channel":"beta","prerelease":true}' >>in.ndjson
	echo '{"kind":"config","rule":"branch_channel","branch":"next","channel":"next","prerelease":false}' >>in.ndjson
	echo '{"kind":"config","rule":"branch_channel","branch":"preview","channel":"preview","prerelease":"pre"}' >>in.ndjson
	init
	tag a-v1.2.3
	change pk/a "fix: x"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.2.3 -> 1.2.4 patch"
	git -C repo checkout -q -b release/1.x
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -r 'select(.kind == "release") | "\(.next) \(.channel)"' <in.ndjson
	assert_success
	assert_output "1.2.4-beta.1 beta"
	run --separate-stderr versions --branch next
	assert_success
	assert_output "a 1.2.3 -> 1.2.4 patch"
	run --separate-stderr versions --branch preview
	assert_success
	assert_output "a 1.2.3 -> 1.2.4-pre.1 patch"
	run --separate-stderr versions --branch main
	assert_success
	assert_output "a 1.2.3 -> 1.2.4 patch"
}

@test "nightly versions are date-stamped from --date or SOURCE_DATE_EPOCH" {
	pkg a npm pk/a 1.2.3
	pkg b python pk/b 1.2.3
	pkg c cargo pk/c 0.1.0
	init
	tag a-v1.2.3
	tag b-v1.2.3
	change pk/a "fix: x"
	change pk/b "fix: x"
	change pk/c "feat: untagged"
	run --separate-stderr versions --nightly
	assert_success
	# the date, then HEAD's commit count: unique per commit
	assert_output "a 1.2.3 -> 1.2.4-nightly.20261126.4 patch
b 1.2.3 -> 1.2.4.dev20261126000004 patch
c 0.1.0 -> 0.1.0-nightly.20261126.4 minor"
	SOURCE_DATE_EPOCH=1798675200 run piped rk-plan -C repo --channel nightly --no-actions \| jq -r 'select(.kind == "release") | "\(.next) \(.date) \(.channel)"' <in.ndjson
	assert_success
	assert_output "1.2.4-nightly.20261231.4 2026-12-31 nightly
1.2.4.dev20261231000004 2026-12-31 nightly
0.1.0-nightly.20261231.4 2026-12-31 nightly"
	run --separate-stderr rk-plan --date 2026-11-26 <in.ndjson
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "rk-plan: --date: expected YYYYMMDD, not '2026-11-26'"
}

@test "snapshot versions are never published: no publish, poll or tag actions" {
	pkg a npm pk/a 1.2.3
	pkg b python pk/b 1.2.3
	init
	tag a-v1.2.3
	tag b-v1.2.3
	change pk/a "fix: x"
	change pk/b "fix: x"
	rk-plan -C repo --date 20261126 --snapshot <in.ndjson >out.ndjson
	validate_records out.ndjson
	run jq -r 'select(.kind == "release") | "\(.next) \(.publish) \(.prerelease)"' out.ndjson
	assert_output "1.2.4-snapshot.20261126 false true
1.2.4.dev20261126+snapshot false true"
	run jq -r 'select(.kind == "action") | .id' out.ndjson
	assert_output "bump:npm:a
bump:python:b
pin:npm:a
build:npm:a
unpin:npm:a
pin:python:b
build:python:b
unpin:python:b"
}

@test "tag formats: {name}@{version}, {name}/v{version}, {ecosystem}/{name}/{version}, {label}" {
	pkg a npm pk/a 0.0.1
	pkg b npm pk/b 0.0.1 "[]" '"tag_format":"{name}/v{version}"'
	pkg c python pk/c 0.0.1 "[]" '"tag_format":"{ecosystem}/{name}/{version}"'
	pkg d cargo pk/d 0.0.1 "[]" '"label":"dee","tag_format":"{label}-{version}"'
	echo '{"kind":"config","rule":"release_train","tag_format":"{name}@{version}"}' >>in.ndjson
	init
	tag a@1.9.0
	tag a@1.10.0
	tag a@1.2.0
	tag a-v9.9.9
	tag b/v2.0.0
	tag b/v2.0.0-rc.1
	tag python/c/1.0rc1
	tag python/c/1.0
	tag python/c/1.0.post1
	tag python/c/not-a-version
	tag dee-3.0.0
	for p in a b c d; do change pk/$p "fix: x"; done
	piped plan \| grep -v '"kind":"config"' >out.ndjson
	validate_records out.ndjson
	run jq -r 'select(.kind == "release") | "\(.name) \(.current) \(.next) \(.previous_tag) \(.tag)"' out.ndjson
	assert_output "a 1.10.0 1.10.1 a@1.10.0 a@1.10.1
b 2.0.0 2.0.1 b/v2.0.0 b/v2.0.1
c 1.0.post1 1.0.1 python/c/1.0.post1 python/c/1.0.1
d 3.0.0 3.0.1 dee-3.0.0 dee-3.0.1"
}

@test "tags at the release commit stop the history; an untagged package is a first release at its manifest version" {
	pkg a npm pk/a 0.4.0
	pkg b npm pk/b 0.4.0
	init
	change pk/a "feat: before the tag"
	tag a-v1.0.0
	change pk/b "fix: untagged"
	change pk/a "fix: after the tag"
	plan >out.ndjson
	run jq -r 'select(.kind == "release") | "\(.name) \(.current) \(.next) \(.previous_tag) \(.commits)"' out.ndjson
	assert_output "a 1.0.0 1.0.1 a-v1.0.0 1
b 0.4.0 0.4.0 null 2"
}

@test "bad tag_format: one error line naming the record, exit 3" {
	pkg a npm pk/a 1.0.0
	init
	for f in '{name}-v' '{nam}-{version}' '{name} v{version}' '{version}-{version}' '{name-{version}'; do
		printf '{"kind":"config","rule":"release_train","tag_format":"%s"}\n' "$f" >cfg.ndjson
		cat in.ndjson >>cfg.ndjson
		run --separate-stderr rk-plan -C repo --no-actions <cfg.ndjson
		assert_failure 3
		echo "$stderr" >>errors
	done
	run cat errors
	assert_output "rk-plan: <stdin>:1: bad tag_format '{name}-v': no {version}
rk-plan: <stdin>:1: bad tag_format '{nam}-{version}': unknown placeholder '{nam}'
rk-plan: <stdin>:1: bad tag_format '{name} v{version}': not a valid git tag name
rk-plan: <stdin>:1: bad tag_format '{version}-{version}': {version} appears more than once
rk-plan: <stdin>:1: bad tag_format '{name-{version}': unbalanced '{'"
}

@test "bad records and config: exact error lines, exit 3" {
	echo x >repo/README
	init
	echo '{"kind":"package","name":"a","ecosystem":"npm","version":"1.0.0"}' >bad.ndjson
	run --separate-stderr rk-plan -C repo <bad.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: <stdin>:1:1: path: missing (required)"
	pkg a npm pk/a not.a.version
	run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: <stdin>:1: package 'a': invalid SemVer version 'not.a.version': expected major version number, got 'n'"
	: >in.ndjson
	pkg a npm pk/a 1.0.0
	echo '{"kind":"config","rule":"release_train","versioning":"sometimes"}' >>in.ndjson
	run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 3
	assert_equal "$stderr" 'rk-plan: <stdin>:2:54: versioning: expected one of independent, fixed, per-group, found "sometimes"'
	echo '{"kind":"package"' >bad.ndjson
	run --separate-stderr rk-plan -C repo <bad.ndjson
	assert_failure 3
	assert_output ""
}

@test "records it does not own pass through unchanged and in order; nothing to do exits 0" {
	pkg a npm pk/a 1.0.0
	init
	tag a-v1.0.0
	{ echo '{"kind":"note","text":"first"}'; cat in.ndjson; echo '{"kind":"config","rule":"announce","channel":"webhook","url":"http://127.0.0.1:9/hook","x":[1, 2]}'; } >mixed.ndjson
	run rk-plan -C repo <mixed.ndjson
	assert_success
	assert_output "$(cat mixed.ndjson)"
}

@test "extra paths and nested packages: longest path prefix wins" {
	pkg root npm . 1.0.0
	pkg a npm pk/a 1.0.0 "[]" '"extra_paths":["shared/proto"]'
	pkg b npm pk/b 1.0.0
	echo '{"kind":"config","rule":"extra_paths","package":"b","paths":["shared/proto","Makefile.common"]}' >>in.ndjson
	init
	for p in root a b; do tag $p-v1.0.0; done
	change shared/proto "fix: proto"
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.0.1 patch
b 1.0.0 -> 1.0.1 patch"
	tag a-v1.0.1
	tag b-v1.0.1
	change docs "fix: root docs"
	run --separate-stderr versions
	assert_success
	assert_output "root 1.0.0 -> 1.0.1 patch"
	tag root-v1.0.1
	echo x >repo/Makefile.common
	git -C repo add -A
	git -C repo commit -q -m "fix: common make rules"
	run --separate-stderr versions
	assert_success
	assert_output "b 1.0.1 -> 1.0.2 patch"
}

@test "changelog text: sections, scopes, short ids, PRs, excluded types, breaking kept" {
	pkg a npm pk/a 1.0.0 "[$(dep lib npm)]"
	pkg lib npm pk/lib 1.0.0
	init
	tag a-v1.0.0
	tag lib-v1.0.0
	change pk/lib "fix: lib fix"
	change pk/a "feat(core): streaming (#42)"
	change pk/a "fix: crash on empty input"
	change pk/a "perf: faster parser"
	change pk/a "chore: tidy up"
	change pk/a "docs: better README"
	change pk/a "$(printf 'ci!: new runners\n\nBREAKING CHANGE: Node 18 is no longer supported')"
	change pk/a "style: spacing"
	change pk/a "build(deps): bump x"
	change pk/a "custom: something else"
	change pk/a "Merge branch 'x'"
	plan >out.ndjson
	run jq -r 'select(.name == "a" and .kind == "release") | .changelog' out.ndjson
	assert_output "## [2.0.0] - 2026-11-26

### Breaking Changes

- new runners: Node 18 is no longer supported ($(short HEAD~4))

### Features

- **core:** streaming (#42) ($(short HEAD~9))

### Bug Fixes

- crash on empty input ($(short HEAD~8))

### Performance

- faster parser ($(short HEAD~7))

### Documentation

- better README ($(short HEAD~5))

### Other Changes

- something else ($(short HEAD~1))

### Dependencies

- lib 1.0.1"
	echo '{"kind":"config","rule":"release_train","changelog_exclude":["docs","perf","custom"]}' >>in.ndjson
	plan >out.ndjson
	run jq -r 'select(.name == "a" and .kind == "release") | .changelog' out.ndjson
	assert_output "## [2.0.0] - 2026-11-26

### Breaking Changes

- new runners: Node 18 is no longer supported ($(short HEAD~4))

### Features

- **core:** streaming (#42) ($(short HEAD~9))

### Bug Fixes

- crash on empty input ($(short HEAD~8))

### Build System

- **deps:** bump x ($(short HEAD~2))

### Styles

- spacing ($(short HEAD~3))

### Chores

- tidy up ($(short HEAD~6))

### Dependencies

- lib 1.0.1"
}

@test "the action DAG: chain per package, a dependent's publish waits for its dependencies' poll" {
	pkg a npm pk/a 1.0.0
	pkg b python pk/b 1.0.0 "[$(dep a npm)]"
	pkg c cargo pk/c 1.0.0 "[$(dep a npm dev)]"
	init
	tag a-v1.0.0
	tag b-v1.0.0
	tag c-v1.0.0
	change pk/a "fix: x"
	change pk/c "fix: y"
	rk-plan -C repo --date 20261126 <in.ndjson >out.ndjson
	validate_records out.ndjson
	run jq -r 'select(.kind == "action") | "\(.id) <- \(.deps | join(" "))"' out.ndjson
	# prepare: one serial chain (ranges: b's normal and c's dev dependency
	# on a), then publish per package
	assert_output "bump:npm:a <- 
bump:python:b <- bump:npm:a
bump:cargo:c <- bump:python:b
ranges:python:b <- bump:cargo:c
ranges:cargo:c <- ranges:python:b
changelog:npm:a <- ranges:cargo:c
changelog:python:b <- changelog:npm:a
changelog:cargo:c <- changelog:python:b
commit:release <- changelog:cargo:c
draft:npm:a <- commit:release
pin:npm:a <- draft:npm:a
build:npm:a <- pin:npm:a
unpin:npm:a <- build:npm:a
sign:npm:a <- unpin:npm:a
publish:npm:a <- sign:npm:a
poll:npm:a <- publish:npm:a
smoke_test:npm:a <- poll:npm:a
verify:npm:a <- smoke_test:npm:a
tag:npm:a <- verify:npm:a
draft:python:b <- commit:release
pin:python:b <- draft:python:b
build:python:b <- pin:python:b
unpin:python:b <- build:python:b
sign:python:b <- unpin:python:b
publish:python:b <- sign:python:b poll:npm:a
poll:python:b <- publish:python:b
smoke_test:python:b <- poll:python:b
verify:python:b <- smoke_test:python:b
tag:python:b <- verify:python:b
draft:cargo:c <- commit:release
pin:cargo:c <- draft:cargo:c
build:cargo:c <- pin:cargo:c
unpin:cargo:c <- build:cargo:c
sign:cargo:c <- unpin:cargo:c
publish:cargo:c <- sign:cargo:c
poll:cargo:c <- publish:cargo:c
smoke_test:cargo:c <- poll:cargo:c
verify:cargo:c <- smoke_test:cargo:c
tag:cargo:c <- verify:cargo:c
push:tags <- tag:npm:a tag:python:b tag:cargo:c
release:npm:a <- push:tags
release:python:b <- push:tags
release:cargo:c <- push:tags"
	jq -e -s 'map(select(.kind == "action")) | all(.phase == (if (.type | IN("bump","ranges","lockfile","changelog","commit")) then "prepare" else "publish" end))' out.ndjson
	# the draft before anything is built; the release (promotion) after the tags' push
	jq -e -s 'map(select(.id == "draft:npm:a"))[0] | .tag == "a-v1.0.1" and .params.sections[0].name == "a" and (.params | has("dists") | not)' out.ndjson
	jq -e -s 'map(select(.id == "release:npm:a"))[0].params.dists == [".releasekit/dist/npm/a-1.0.1"]' out.ndjson
	# disabled steps leave the chain; poll disabled: the edge goes to publish
	echo '{"kind":"config","rule":"release_train","disable_actions":["sign","poll","smoke_test","verify","unpin","ranges","push"]}' >>in.ndjson
	run piped rk-plan -C repo --date 20261126 \| jq -r 'select(.kind == "action" and .package != "c") | "\(.id) <- \(.deps | join(" "))"' <in.ndjson
	assert_success
	assert_output "bump:npm:a <- 
bump:python:b <- bump:npm:a
changelog:npm:a <- bump:cargo:c
changelog:python:b <- changelog:npm:a
commit:release <- changelog:cargo:c
draft:npm:a <- commit:release
pin:npm:a <- draft:npm:a
build:npm:a <- pin:npm:a
publish:npm:a <- build:npm:a
tag:npm:a <- publish:npm:a
draft:python:b <- commit:release
pin:python:b <- draft:python:b
build:python:b <- pin:python:b
publish:python:b <- build:python:b publish:npm:a
tag:python:b <- publish:python:b
release:npm:a <- tag:npm:a
release:python:b <- tag:python:b"
}

@test "unpublishable packages are released without build and registry steps" {
	pkg a npm pk/a 1.0.0
	sed -i 's/"publishable":true/"publishable":false/' in.ndjson
	init
	tag a-v1.0.0
	change pk/a "fix: x"
	run piped rk-plan -C repo --date 20261126 \| jq -r 'select(.kind == "action") | .id' <in.ndjson
	assert_success
	assert_output "bump:npm:a
changelog:npm:a
commit:release
draft:npm:a
tag:npm:a
push:tags
release:npm:a"
}

@test "action() rules become command actions placed by their inputs and outputs" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 1.0.0
	echo '{"kind":"config","rule":"action","name":"docs","inputs":["build","docs/conf.py"],"outputs":["publish","site/"],"command":["make","-C","{path}","docs","VERSION={version}"],"timeout":120}' >>in.ndjson
	echo '{"kind":"config","rule":"action","name":"announce","inputs":["release:npm:a","release:npm:b"],"outputs":[],"command":["./announce.sh"]}' >>in.ndjson
	init
	tag a-v1.0.0
	tag b-v1.0.0
	change pk/a "fix: x"
	change pk/b "feat: y"
	piped rk-plan -C repo --date 20261126 \| grep -v '"kind":"config"' <in.ndjson >out.ndjson
	validate_records out.ndjson
	run jq -c 'select(.kind == "action" and (.id | startswith("docs:npm:a") or startswith("publish:npm:a") or startswith("announce")))' out.ndjson
	assert_line --index 0 --regexp '^\{"kind":"action","id":"docs:npm:a","type":"command","phase":"publish","package":"a","ecosystem":"npm","version":"1.0.1","deps":\["build:npm:a"\],"key":"[0-9a-f]{64}","name":"docs","argv":\["make","-C","pk/a","docs","VERSION=1.0.1"\],"env":\{"RK_ECOSYSTEM":"npm","RK_PACKAGE":"a","RK_PATH":"pk/a","RK_TAG":"a-v1.0.1","RK_VERSION":"1.0.1"\},"cwd":"pk/a","timeout_s":120,"outputs":\["publish","site/"\]\}$'
	assert_line --index 1 --regexp '^\{"kind":"action","id":"publish:npm:a","type":"publish",.*"deps":\["sign:npm:a","docs:npm:a"\]'
	assert_line --index 2 --regexp '^\{"kind":"action","id":"announce","type":"command","phase":"publish","deps":\["release:npm:a","release:npm:b"\],"key":"[0-9a-f]{64}","name":"announce","argv":\["./announce.sh"\],"env":\{\},"cwd":".","timeout_s":0,"outputs":\[\]\}$'
	# the file input is part of the key
	k1=$(jq -r 'select(.id == "docs:npm:a") | .key' out.ndjson)
	mkdir -p repo/docs && echo "x = 1" >repo/docs/conf.py
	k2=$(piped rk-plan -C repo --date 20261126 \| jq -r 'select(.id == "docs:npm:a") | .key' <in.ndjson)
	[ "$k1" != "$k2" ]
	echo '{"kind":"config","rule":"action","name":"bad","inputs":["publish"],"outputs":["build"],"command":["x"]}' >>in.ndjson
	run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: <stdin>:5: action 'bad': output 'build' does not come after input 'publish'"
}

@test "cache keys are stable and change exactly with their inputs" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 1.0.0 "[$(dep a npm)]"
	init
	tag a-v1.0.0
	tag b-v1.0.0
	change pk/a "fix: x"
	change pk/b "fix: y"
	keys() { piped rk-plan -C repo --date 20261126 \| jq -r 'select(.kind == "action") | "\(.id) \(.key)"' \| sort <"${1:-in.ndjson}"; }
	# changed OLD NEW: the packages whose keys differ, and how many keys
	changed() { join "$1" "$2" | awk '$2 != $3 {print $1}' | cut -d: -f2- | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' '; }
	keys >k1
	keys >k2
	cmp k1 k2
	# a: 13 actions, b: 14 (with ranges), commit:release and push:tags
	[ "$(wc -l <k1)" -eq 29 ]
	[ "$(cut -d' ' -f2 k1 | sort -u | wc -l)" -eq 29 ]
	# an uncommitted change in a: a's keys change, b's do not (a's version is the same)
	echo "local edit" >>repo/pk/a/file.txt
	keys >k3
	run changed k1 k3
	assert_output "npm:a=13 "
	git -C repo checkout -q -- pk/a/file.txt
	keys >k4
	cmp k1 k4
	# an untracked file counts too
	echo new >repo/pk/b/new.txt
	keys >k5
	run changed k1 k5
	assert_output "npm:b=14 "
	rm repo/pk/b/new.txt
	# a's next version changes: a's keys, and b's through its pinned manifest
	# and ranges; the commit's (its parent, message) and push's (the tags)
	change pk/a "feat: z"
	keys >k6
	run changed k1 k6
	assert_output "npm:a=13 npm:b=14 release=1 tags=1 "
	git -C repo reset -q --hard HEAD~
	keys >k7
	cmp k1 k7
	# config: every key
	{ cat in.ndjson; echo '{"kind":"config","rule":"release_train","name":"train"}'; } >cfg.ndjson
	keys cfg.ndjson >k8
	run changed k1 k8
	assert_output "npm:a=13 npm:b=14 release=1 tags=1 "
	# b's manifest text: only b's keys
	echo "more" >>repo/pk/b/package.json
	git -C repo commit -q -am "chore: manifest"
	keys >k9
	run changed k1 k9
	assert_output "npm:b=14 release=1 "
}

@test "releasekit plan, version and changelog porcelain" {
	pkg a npm pk/a 1.0.0
	pkg b python pk/b 0.5.0 "[$(dep a npm)]"
	pkg c cargo pk/c 2.0.0
	init
	tag a-v1.0.0
	tag b-v0.5.0
	tag c-v2.0.0
	change pk/a "feat(api): streaming (#42)"
	change pk/a "chore: x"
	cd repo
	run releasekit plan --input ../in.ndjson --date 20261126
	assert_success
	assert_output "PACKAGE   CURRENT -> NEXT  BUMP   WHY
npm:a     1.0.0 -> 1.1.0   minor  feat(api): streaming (#42) (+1 more)
python:b  0.5.0 -> 0.5.1   patch  dependency a 1.1.0"
	run releasekit version --input ../in.ndjson
	assert_output "npm:a 1.1.0
python:b 0.5.1"
	run releasekit changelog --input ../in.ndjson --date 20261126
	assert_output "# npm:a

## [1.1.0] - 2026-11-26

### Features

- **api:** streaming (#42) ($(git rev-parse --short=7 HEAD~))

# python:b

## [0.5.1] - 2026-11-26

### Dependencies

- a 1.1.0"
	releasekit plan --input ../in.ndjson --format json >../out.ndjson
	validate_records ../out.ndjson
	[ "$(jq -s 'map(select(.kind == "action")) | length' ../out.ndjson)" -eq 29 ]
	run releasekit plan --input ../in.ndjson --channel rc --date 20261126 --format yaml
	assert_failure 2
	assert_output "releasekit plan: unknown format 'yaml' (expected table or json)"
	run releasekit plan --input ../in.ndjson --all --date 20261126
	assert_line --index 3 "cargo:c   2.0.0 -> 2.0.0   none   unchanged"
}

@test "not a git repository: exit 1 with one error line" {
	pkg a npm pk/a 1.0.0
	mkdir -p norepo
	run --separate-stderr env GIT_CEILING_DIRECTORIES="$T" rk-plan -C "$T/norepo" <in.ndjson
	assert_failure 1
	[[ "$stderr" == "rk-plan: git: could not find repository"* ]]
}

@test "merge histories: what the tag cannot reach counts, what it reaches does not" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 1.0.0
	init
	git -C repo checkout -q -b feature
	change pk/a "feat: on the branch, older than the tag"
	git -C repo checkout -q main
	change pk/b "fix: on main"
	tag a-v1.0.0
	tag b-v1.0.0
	git -C repo merge -q --no-ff -m "Merge branch 'feature'" feature
	run --separate-stderr versions
	assert_success
	assert_output "a 1.0.0 -> 1.1.0 minor"
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -r 'select(.kind == "release") | "\(.commits) \(.non_conventional)"' <in.ndjson
	assert_success
	assert_output "2 1"
	# merged before the tag: nothing new
	git -C repo tag a-v1.1.0
	run --separate-stderr versions
	assert_success
	assert_output ""
}

@test "bootstrap_commit: untagged packages count only commits after it" {
	pkg a npm pk/a 0.1.0
	pkg b npm pk/b 0.1.0
	init
	change pk/a "feat: old history"
	change pk/b "feat: old history"
	git -C repo tag start
	change pk/b "fix: new"
	echo '{"kind":"config","rule":"release_train","bootstrap_commit":"start"}' >>in.ndjson
	run --separate-stderr versions
	assert_success
	assert_output "b 0.1.0 -> 0.1.1 patch"
	echo '{"kind":"config","rule":"release_train","bootstrap_commit":"nope"}' >>in.ndjson
	run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: <stdin>:4: release_train: bootstrap_commit 'nope' is not a commit"
}

@test "a repository without commits: nothing to release; --all lists the manifest versions" {
	pkg a npm pk/a 1.0.0
	run --separate-stderr rk-plan -C repo --all --no-actions <in.ndjson
	assert_success
	assert_equal "$stderr" ""
	run piped rk-plan -C repo --all --no-actions \| jq -r 'select(.kind == "release") | "\(.current) \(.next) \(.bump) \(.previous_tag)"' <in.ndjson
	assert_success
	assert_output "1.0.0 1.0.0 none null"
	run rk-plan -C repo <in.ndjson
	assert_output "$(cat in.ndjson)"
}

@test "rk-config records: errors cite their RELEASE.star location; group versioning; create_release" {
	pkg a npm pk/a 1.0.0
	pkg b npm pk/b 1.2.0
	pkg c npm pk/c 3.0.0
	init
	for p in a-v1.0.0 b-v1.2.0 c-v3.0.0; do tag $p; done
	change pk/a "feat: x"
	change pk/c "fix: y"
	{
		cat in.ndjson
		echo '{"kind":"config","rule":"release_train","name":"default","version_strategy":"conventional-commits","create_release":false,"location":"RELEASE.star:21:1"}'
		echo '{"kind":"config","rule":"release_group","name":"core","packages":["a","b"],"versioning":"fixed","location":"RELEASE.star:18:1"}'
	} >cfg.ndjson
	run piped rk-plan -C repo --date 20261126 \| jq -r 'select(.kind == "release") | "\(.name) \(.next)"' <cfg.ndjson
	assert_success
	assert_output "a 1.3.0
b 1.3.0
c 3.0.1"
	run piped rk-plan -C repo --date 20261126 \| jq -r 'select(.kind == "action" and .type == "release") | .id' <cfg.ndjson
	assert_success
	assert_output ""
	echo '{"kind":"config","rule":"release_train","tag_format":"{name}","location":"RELEASE.star:30:5"}' >>cfg.ndjson
	run --separate-stderr rk-plan -C repo <cfg.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: RELEASE.star:30:5: bad tag_format '{name}': no {version}"
	echo '{"kind":"config","rule":"release_group","name":"x","packages":["nope"],"location":"RELEASE.star:9:1"}' >bad.ndjson
	cat in.ndjson >>bad.ndjson
	run --separate-stderr rk-plan -C repo <bad.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: RELEASE.star:9:1: release_group 'x': unknown package 'nope'"
}

@test "rk-config records: bump_file rules give the patterns of the files a package rule's bump_files list" {
	pkg a npm pk/a 1.0.0
	init
	tag a-v1.0.0
	change pk/a "feat: x"
	bf='{"kind":"config","rule":"bump_file","path":"pk/a/version.txt","pattern":"v(.*)","location":"RELEASE.star:4:1"}'
	rule='{"kind":"config","rule":"pnpm_package","name":"a","bump_files":["pk/a/version.txt"],"ecosystem":"npm","manager":"pnpm","location":"RELEASE.star:5:1"}'
	# a bump_file no package lists: a warning naming its location
	{ cat in.ndjson; echo "$bf"; } >cfg.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <cfg.ndjson
	assert_success
	assert_equal "$stderr" "rk-plan: warning: RELEASE.star:4:1: bump_file 'pk/a/version.txt' is in no package's bump_files: it is not bumped"
	echo "$output" | jq -e -s 'map(select(.kind == "action" and (.params.bump_files // null) != null)) | length == 0'
	# listed by the package's rule: the bump action writes it
	{ cat in.ndjson; echo "$bf"; echo "$rule"; } >cfg.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <cfg.ndjson
	assert_success
	[ -z "$stderr" ]
	[ "$(echo "$output" | jq -c 'select(.id == "bump:npm:a") | .params.bump_files')" = '[{"path":"pk/a/version.txt","pattern":"v(.*)"}]' ]
	# listed without a bump_file rule: bad input at the package rule
	{ cat in.ndjson; echo "$rule"; } >cfg.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <cfg.ndjson
	assert_failure 3
	assert_equal "$stderr" "rk-plan: RELEASE.star:5:1: package 'a': bump_files: 'pk/a/version.txt' has no bump_file(path = \"pk/a/version.txt\", pattern = ...) rule saying how to write its version"
}

@test "rk-config records: a package rule's smoke_test (a command, or False) and smoke_module reach its smoke_test action" {
	pkg a python pk/a 1.0.0
	pkg b npm pk/b 1.0.0
	pkg c cargo pk/c 1.0.0
	init
	tag a-v1.0.0
	tag b-v1.0.0
	tag c-v1.0.0
	change pk/a "feat: a"
	change pk/b "feat: b"
	change pk/c "feat: c"
	{
		cat in.ndjson
		echo '{"kind":"config","rule":"uv_package","name":"a","smoke_test":true,"smoke_module":"a_mod","ecosystem":"python","manager":"uv","location":"RELEASE.star:2:1"}'
		echo '{"kind":"config","rule":"pnpm_package","name":"b","smoke_test":"node -e 1","smoke_module":null,"ecosystem":"npm","manager":"pnpm","location":"RELEASE.star:3:1"}'
		echo '{"kind":"config","rule":"cargo_package","name":"c","smoke_test":false,"ecosystem":"cargo","manager":"cargo","location":"RELEASE.star:4:1"}'
	} >cfg.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 <cfg.ndjson
	assert_success
	printf '%s\n' "$output" >plan
	[ "$(jq -c 'select(.id == "smoke_test:python:a") | .params.module' plan)" = '"a_mod"' ]
	[ "$(jq -c 'select(.id == "smoke_test:python:a") | .params.smoke_test' plan)" = 'null' ]
	[ "$(jq -c 'select(.id == "smoke_test:npm:b") | .params.smoke_test' plan)" = '"node -e 1"' ]
	[ "$(jq -c 'select(.id == "smoke_test:cargo:c")' plan)" = '' ]
	[ "$(jq -c 'select(.id == "verify:cargo:c") | .deps' plan)" = '["poll:cargo:c"]' ]
}

# ---- found using the tools as a new user would: each pins one fixed bug ----

# action ids of one package, in output order
ids_of() {
	jq -r --arg p "$1" 'select(.kind == "action" and .package == $p) | .id' | tr '\n' ' '
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
	run piped rk-plan -C repo --date 20261126 \| jq -r "select(.type == \"smoke_test\") | .id" <in.ndjson
	assert_success
	assert_output ""
	echo '{"kind":"config","rule":"release_group","name":"h","packages":["b"],"smoke_test":"no"}' >>in.ndjson
	run -3 rk-plan -C repo --date 20261126 <in.ndjson
	assert_output 'rk-plan: <stdin>:5:82: smoke_test: expected boolean, found "no"'
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
		piped rk-plan -C repo --date 20261126 --nightly --no-actions \| \
			jq -r 'select(.kind == "release") | "\(.name) \(.next) \(.tag) \(.prerelease)"' <in.ndjson
	}
	# rk-config's default: PEP 440 spelling; SemVer packages keep theirs
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}.dev{date}"}' >>in.ndjson
	run nightly
	assert_success
	assert_output "a 1.2.4-nightly.20261126.3 a-v1.2.4-nightly.20261126.3 true
b 1.2.4.dev20261126000003 b-v1.2.4.dev20261126000003 true"
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}-dev.{date}"}' >>in.ndjson
	run nightly
	assert_success
	assert_output "a 1.2.4-dev.20261126 a-v1.2.4-dev.20261126 true
b 1.2.4.dev20261126 b-v1.2.4.dev20261126 true"
	# a template only one scheme can spell is an error at the record
	echo '{"kind":"config","rule":"release_train","nightly_version":"{version}-nightly.{date}"}' >>in.ndjson
	run --separate-stderr nightly
	assert_failure 3
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
	run piped rk-plan -C repo --date 20261126 \| jq -r "select(.kind == \"action\" and (.id == \"loop\" or .id == \"tag:npm:a\")) | \"\(.id) <- \(.deps | join(\" \"))\"" <in.ndjson
	assert_success
	assert_output "loop <- publish:npm:a
tag:npm:a <- verify:npm:a loop"
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
	run piped rk-plan -C shallow --date 20261126 --no-actions \| jq -r "select(.kind == \"release\") | .next" <in.ndjson
	assert_success
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
	run piped rk-plan -C repo --date 20261126 --no-actions \| jq -r "select(.kind == \"release\") | \"\(.name) \(.next) \(.plan_files[0])\"" <in.ndjson
	assert_success
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
		run piped rk-plan -C repo --plans-dir $d --no-actions \| jq -r 'select(.kind == "release") | .next' <in.ndjson
		assert_success
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
	run piped rk-plan -C repo --no-actions \| jq -r "select(.kind == \"release\") | .name + \" \" + .next" <ok.ndjson
	assert_success
	assert_output "b 1.0.0" # untagged: a first release at its manifest version
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
	run piped rk-plan -C repo --date 20240229 --no-actions \| jq -r "select(.kind == \"release\") | .date" <in.ndjson
	assert_success
	assert_output 2024-02-29
	SOURCE_DATE_EPOCH=99999999999999999 run --separate-stderr rk-plan -C repo <in.ndjson
	assert_failure 2
	assert_equal "$stderr" "rk-plan: SOURCE_DATE_EPOCH: not a number of seconds: '99999999999999999'"
	SOURCE_DATE_EPOCH=253402300799 run piped rk-plan -C repo --no-actions \| jq -r "select(.kind == \"release\") | .date" <in.ndjson
	assert_success
	assert_output 9999-12-31
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
	run piped releasekit discover \| jq -r 'select(.kind == "config") | .rule' \| sort -u \| tr "\n" " "
	assert_success
	assert_output --partial "release_group"
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

@test "rk-plan: the release_train's nightly_channel is a nightly channel" {
	pkg a npm a 1.2.3
	init
	git -C repo tag a-v1.2.3
	change a "fix: x"
	echo '{"kind":"config","rule":"release_train","nightly_channel":"edge"}' >>in.ndjson
	echo '{"kind":"config","rule":"branch_channel","branch":"main","channel":"edge"}' >>in.ndjson
	for opt in "--channel edge" ""; do
		run piped rk-plan -C repo --date 20261126 --no-actions $opt \| jq -r 'select(.kind == "release") | "\(.next) \(.channel) \(.prerelease)"' <in.ndjson
		assert_success
		assert_output "1.2.4-nightly.20261126.2 edge true"
	done
}
