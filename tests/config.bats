#!/usr/bin/env bats
# rk-config: RELEASE.star evaluation, loads, validation, secrets, modes,
# and `releasekit generate`.
load test_helper

FIX="$BATS_TEST_DIRNAME/fixtures/config"

# star FILE: write stdin to FILE (creating directories).
star() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

# rules: the rule of every record on stdin, one per line.
rules() {
	jq -r '.rule'
}

# must_fail_with CODE LINE ARGS...: rk-config exits CODE, prints exactly
# LINE on stderr and nothing on stdout.
must_fail_with() {
	local code=$1 line=$2
	shift 2
	run --separate-stderr rk-config "$@"
	assert_equal "$status" "$code"
	assert_equal "$stderr" "$line"
	assert_equal "$output" ""
}

@test "config: --help, --version and usage errors" {
	run rk-config --help
	assert_success
	assert_line --partial "usage: rk-config [-C DIR] [-f FILE] [--config-mode MODE]"
	run rk-config --version
	assert_output "rk-config 0.1.0"
	run rk-config --config-mode=sideways
	assert_equal "$status" 2
	assert_line --index 0 "rk-config: --config-mode must be central, hybrid, decentralized or auto, not 'sideways'"
	run rk-config --update
	assert_equal "$status" 2
	assert_line --index 0 "rk-config: --update and --group-by need --generate"
	run rk-config extra
	assert_equal "$status" 2
	run rk-config -C /nonexistent
	assert_equal "$status" 2
}

@test "config: every builtin becomes one record, defaults filled, valid against the schema" {
	star RELEASE.star <<'EOF'
uv_workspace(name = "py", root = "python")
cargo_workspace(name = "rs", root = "rust", members = ["crates/*"])
pnpm_workspace(name = "ts", packages = ["packages/*"])
npm_workspace(name = "js", root = "js")
uv_package(name = "a", group = "core", cross_deps = ["x"])
cargo_package(name = "b", group = "core")
pnpm_package(name = "c", group = "core", skip = True)
npm_package(name = "d", group = "core", pin_strategy = "exact")
release_group(name = "core", packages = ["a", "b", "c", "d"])
release_train(name = "main", groups = ["core"], telemetry = ["log"], signing = ["sigstore"])
federation(name = "other", git = "https://git.example/other.git", groups = ["core"])
vcs("git")
forge("gitea")
hook(name = "notify", events = ["published"], handler = ["echo", "hi"])
middleware(name = "timer", priority = 5, wrap_build = ["time"])
action(name = "docs", inputs = ["docs/**"], outputs = ["site/"], command = "make docs", timeout = 60)
signer("sigstore")
sbom(["spdx", "cyclonedx"])
announce(channel = "slack", template = "{name} {version}")
distribute(target = "homebrew", tap = "acme/tap", formula = "acme")
telemetry_sink(name = "log", type = "file", path = "events.jsonl")
report(["html", "json"])
branch_channel(branch = "next", channel = "beta", prerelease = "beta")
bump_file(path = "VERSION", pattern = "^(.*)$")
platform_matrix(os = ["linux"], arch = ["x86_64", "aarch64"], exclude = [{"os": "linux", "arch": "aarch64"}])
config(mode = "central")
EOF
	run --separate-stderr rk-config
	assert_success
	assert_equal "$stderr" ""
	echo "$output" >out.ndjson
	rules <out.ndjson >actual
	cat >expected <<'EOF'
uv_workspace
cargo_workspace
pnpm_workspace
npm_workspace
uv_package
cargo_package
pnpm_package
npm_package
release_group
release_train
federation
vcs
forge
hook
middleware
action
signer
sbom
announce
distribute
telemetry_sink
report
branch_channel
bump_file
platform_matrix
config
EOF
	diff -u expected actual
	validate_records out.ndjson
	# Exact records for a few rules.
	sed -n 1p out.ndjson >actual
	echo '{"kind":"config","rule":"uv_workspace","name":"py","root":"python","members":[],"exclude":[],"registry_url":null,"index_url":null,"token":null,"ecosystem":"python","manager":"uv","location":"RELEASE.star:1:1"}' >expected
	diff -u expected actual
	sed -n 5p out.ndjson >actual
	echo '{"kind":"config","rule":"uv_package","name":"a","group":"core","skip":false,"cross_deps":["x"],"pin_strategy":null,"platforms":[],"bump_files":[],"build_backend":null,"label":null,"tag_format":null,"extra_paths":[],"smoke_test":true,"smoke_module":null,"registry_url":null,"index_url":null,"token":null,"ecosystem":"python","manager":"uv","location":"RELEASE.star:5:1"}' >expected
	diff -u expected actual
	sed -n 16p out.ndjson >actual
	echo '{"kind":"config","rule":"action","name":"docs","inputs":["docs/**"],"outputs":["site/"],"command":["/bin/sh","-c","make docs"],"timeout":60,"location":"RELEASE.star:16:1"}' >expected
	diff -u expected actual
	sed -n 12p out.ndjson >actual
	echo '{"kind":"config","rule":"vcs","name":"git","location":"RELEASE.star:12:1"}' >expected
	diff -u expected actual
}

@test "config: release_train carries every key of the design's list, with defaults" {
	echo 'release_train()' | star RELEASE.star
	run rk-config
	assert_success
	echo "$output" | jq -r 'keys_unsorted | join(" ")' >actual
	echo "kind rule name groups jobs pin_strategy smoke_test_delay max_retries retry_backoff lock_timeout publish_rate channel prerelease_token versioning interactive create_release release_draft release_artifacts release_notes tag_format dashboard dashboard_port ai_resolve ai_model reports report_dir report_title telemetry telemetry_labels commit_back commit_back_branch commit_back_message approval approval_timeout approval_reviewers nightly_channel nightly_tag nightly_version version_strategy plans_dir signing sbom major_on_zero order_edges propagate changelog_exclude disable_actions bootstrap_commit smoke_test remote_cache commit_message location" >expected
	diff -u expected actual
	echo "$output" | jq -c '[.name, .tag_format, .versioning, .version_strategy, .jobs, .max_retries, .channel, .plans_dir, .major_on_zero]' >actual
	echo '["default","{name}-v{version}","independent","conventional-commits",4,3,"latest",".releasekit/plans",false]' >expected
	diff -u expected actual
}

@test "config: the design's section 14 example evaluates" {
	cp "$FIX/seed14.star" RELEASE.star
	SLACK_RELEASE_WEBHOOK=https://hooks.example/T0 run --separate-stderr rk-config
	assert_success
	echo "$output" >out.ndjson
	validate_records out.ndjson
	jq -r '[.rule, (.name // "-"), .location] | join(" ")' out.ndjson >actual
	cat >expected <<'EOF'
vcs git RELEASE.star:14:1
forge github RELEASE.star:15:1
uv_workspace dotprompt-py RELEASE.star:21:1
pnpm_workspace dotprompt-ts RELEASE.star:27:1
uv_package dotpromptz-handlebars RELEASE.star:37:1
uv_package dotpromptz RELEASE.star:43:1
pnpm_package dotprompt RELEASE.star:56:1
pnpm_package promptly RELEASE.star:57:1
pnpm_package dotprompt-monaco RELEASE.star:60:5
pnpm_package dotprompt-codemirror RELEASE.star:60:5
pnpm_package dotprompt-jetbrains RELEASE.star:60:5
pnpm_package dotprompt-vscode RELEASE.star:60:5
release_group foundation RELEASE.star:70:1
release_group core RELEASE.star:71:1
release_group core-ts RELEASE.star:72:1
release_group editors RELEASE.star:73:1
signer sigstore RELEASE.star:82:1
signer checksums RELEASE.star:83:1
sbom - RELEASE.star:84:1
telemetry_sink ci_log RELEASE.star:90:1
announce - RELEASE.star:96:1
report - RELEASE.star:105:1
release_train default RELEASE.star:111:1
EOF
	diff -u expected actual
	jq -c 'select(.rule == "release_group" and .name == "editors") | .packages' out.ndjson >actual
	echo '["dotprompt-monaco","dotprompt-codemirror","dotprompt-jetbrains","dotprompt-vscode"]' >expected
	diff -u expected actual
	jq -r 'select(.rule == "announce") | .webhook' out.ndjson >actual
	echo 'https://hooks.example/T0' >expected
	diff -u expected actual
	jq -c 'select(.rule == "release_train") | [.groups, .release_draft, .tag_format, .commit_back, .telemetry, .smoke_test_delay]' out.ndjson >actual
	echo '[["foundation","core","core-ts","editors"],true,"{name}/v{version}","pr",["ci_log"],30]' >expected
	diff -u expected actual
}

@test "config: locations are the call's line and column, also in loops and after statements" {
	star RELEASE.star <<'EOF'
x = 1;  vcs("git")
for n in ["a", "b"]:
    uv_package(
        name = n,
    )
def pkg(n):
  cargo_package(name = n)
pkg("c")
p = npm_package
p(name = "d")
EOF
	run rk-config
	assert_success
	echo "$output" | jq -r '.location' >actual
	printf '%s\n' RELEASE.star:1:9 RELEASE.star:3:5 RELEASE.star:3:5 RELEASE.star:7:3 RELEASE.star:10:1 >expected
	diff -u expected actual
}

@test "config: loads: bundled rules, workspace labels, nested loads" {
	star RELEASE.star <<'EOF'
load("@releasekit//rules/uv.star", "uv_workspace", "uv_package")
load("@releasekit//rules/cargo.star", "cargo_package")
load("@releasekit//rules/pnpm.star", "pnpm_package")
load("@releasekit//rules/npm.star", "npm_package")
load("@releasekit//rules/train.star", "release_train", "release_group")
load("@releasekit//rules/federation.star", "federation")
load("//tools/release:defs.star", "py_packages")
load("//tools/release/defs.star", "GROUP")
uv_workspace(name = "py")
py_packages(["a", "b"])
release_group(name = GROUP, packages = ["a", "b"])
EOF
	star tools/release/defs.star <<'EOF'
load("//tools/release:names.star", "GROUP")
def py_packages(names):
    for n in names:
        uv_package(name = n, group = GROUP)
EOF
	echo 'GROUP = "core"' | star tools/release/names.star
	run --separate-stderr rk-config
	assert_success
	echo "$output" | jq -r '[.rule, .name, .location] | join(" ")' >actual
	cat >expected <<'EOF'
uv_workspace py RELEASE.star:9:1
uv_package a tools/release/defs.star:4:9
uv_package b tools/release/defs.star:4:9
release_group core RELEASE.star:11:1
EOF
	diff -u expected actual
}

@test "config: loads: missing files, missing symbols, bad labels and cycles are errors at the load" {
	echo 'load("//nope.star", "x")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: cannot load //nope.star: nope.star: No such file or directory"
	printf '\nload("@releasekit//rules/gradle.star", "x")\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:2:1: cannot load @releasekit//rules/gradle.star: No such file or directory (bundled rules are uv.star, cargo.star, pnpm.star, npm.star, train.star, federation.star)"
	echo 'load("@releasekit//rules/uv.star", "cargo_package")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:36: Module has no symbol \`cargo_package\`"
	echo 'load("//../outside.star", "x")' | star RELEASE.star
	must_fail_with 3 'rk-config: RELEASE.star:1:1: unsupported load label "//../outside.star" (use "//path/to:file.star" or "@releasekit//rules/NAME.star")'
	echo 'load("defs.star", "x")' | star RELEASE.star
	must_fail_with 3 'rk-config: RELEASE.star:1:1: unsupported load label "defs.star" (use "//path/to:file.star" or "@releasekit//rules/NAME.star")'
	echo 'load("//a.star", "x")' | star RELEASE.star
	printf 'load("//b.star", "y")\nx = 1\n' | star a.star
	printf '# b\n  \nload("//a.star", "x")\ny = 2\n' | star b.star
	must_fail_with 3 "rk-config: b.star:3:1: load cycle: a.star -> b.star -> a.star"
	echo 'load("//RELEASE.star", "x")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: load cycle: RELEASE.star -> RELEASE.star"
}

@test "config: validation errors name the call's location, exit 3, write nothing" {
	printf 'vcs("git")\nfor n in ["a"]:\n    uv_package(name = n, gruop = "x")\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:3:5: uv_package() got an unexpected keyword argument 'gruop' (did you mean 'group'?)"
	echo 'uv_package(name = "a", colour = "x")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() got an unexpected keyword argument 'colour'"
	echo 'uv_package(name = 1)' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() name must be a string, not int"
	echo 'uv_package(name = "a", cross_deps = ["b", 2])' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() cross_deps must be a list of strings, not a list containing int"
	echo 'release_train(jobs = "4")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: release_train() jobs must be an int, not string"
	echo 'release_train(versioning = "lockstep")' | star RELEASE.star
	must_fail_with 3 'rk-config: RELEASE.star:1:1: release_train() versioning must be one of "independent", "fixed" or "per-group" (got "lockstep")'
	echo 'release_train(max_retries = -1)' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: release_train() max_retries must not be negative (got -1)"
	echo 'release_train(publish_rate = -0.5)' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: release_train() publish_rate must be a finite number not below 0"
	echo 'uv_package(name = "")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() name must not be empty"
	echo 'uv_package(group = "g")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() missing required argument 'name'"
	echo 'uv_package("a", name = "b")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() got multiple values for argument 'name'"
	echo 'vcs("git", "x")' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: vcs() takes at most 1 positional argument (2 given)"
}

@test "config: references to undefined groups and packages are errors" {
	printf 'release_group(name = "core")\n\nrelease_train(groups = ["core", "editor"])\nrelease_group(name = "editors")\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:3:1: release_train() groups: no release_group named 'editor' (did you mean 'editors'?)"
	# a group names discovered packages: no package rule is needed for each (rk-plan checks them)
	printf 'uv_package(name = "a")\nrelease_group(name = "core", packages = ["a", "zzz"])\n' | star RELEASE.star
	run rk-config
	assert_success
	printf 'uv_package(name = "a", group = "cor")\nrelease_group(name = "core", packages = ["a"])\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: uv_package() group: no release_group named 'cor' (did you mean 'core'?)"
	printf 'release_train(telemetry = ["log"])\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: release_train() telemetry: no telemetry_sink named 'log'"
	printf 'uv_package(name = "a")\n  \nuv_package(name = "a")\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:3:1: uv_package 'a' is already declared at RELEASE.star:1:1"
	printf 'vcs("git")\nvcs("hg")\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:2:1: vcs() may be called only once (first called at RELEASE.star:1:1)"
	# Without declared packages a group's packages are not checked; qualified names work.
	printf 'release_group(name = "g", packages = ["anything"])\n' | star RELEASE.star
	run rk-config
	assert_success
	printf 'cargo_package(name = "f")\nuv_package(name = "f")\nrelease_group(name = "g", packages = ["cargo:f", "python:f", "f*"])\n' | star RELEASE.star
	run rk-config
	assert_success
}

@test "config: Starlark syntax and runtime errors carry Starlark's spans" {
	printf 'vcs("git")\nuv_package(name = "a",\n' | star RELEASE.star
	run --separate-stderr rk-config
	assert_equal "$status" 3
	assert_equal "$output" ""
	[[ $stderr == 'rk-config: RELEASE.star:3:1: Parse error: unexpected new line here, expected one of "("'* ]]
	printf 'vcs("git")\nx = )\n' | star RELEASE.star
	run --separate-stderr rk-config
	assert_equal "$status" 3
	[[ $stderr == "rk-config: RELEASE.star:2:5: Parse error: unexpected symbol ')' here"* ]]
	printf 'x = 1\n\ny = undefined_thing + 1\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:3:5: Variable \`undefined_thing\` not found"
	printf '\nfail("no release today")\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:2:1: fail: no release today"
	# An error in a loaded file is reported in that file.
	echo 'load("//lib.star", "x")' | star RELEASE.star
	printf '\n\nx = 1 + "a"\n' | star lib.star
	run --separate-stderr rk-config
	assert_equal "$status" 3
	[[ $stderr == "rk-config: lib.star:3:5: "* ]]
}

@test "config: hermetic: no print, no file or clock access from Starlark" {
	echo 'print("hello")' | star RELEASE.star
	run --separate-stderr rk-config
	assert_equal "$status" 3
	assert_equal "$output" ""
	[[ $stderr == "rk-config: RELEASE.star:1:1: Variable \`print\` not found"* ]]
	echo 'x = open("/etc/passwd")' | star RELEASE.star
	run --separate-stderr rk-config
	assert_equal "$status" 3
	[[ $stderr == "rk-config: RELEASE.star:1:5: Variable \`open\` not found"* ]]
	echo 'x = time.now()' | star RELEASE.star
	run --separate-stderr rk-config
	assert_equal "$status" 3
	[[ $stderr == "rk-config: RELEASE.star:1:5: Variable \`time\` not found"* ]]
}

@test "config: env() reads the environment; secret() is a reference whose value never appears" {
	canary="canary-7f3a9c-do-not-print"
	export RK_TEST_TOKEN="$canary" RK_TEST_URL="https://hooks.example/x"
	star RELEASE.star <<'EOF'
announce(channel = "slack", webhook = env("RK_TEST_URL"), token = secret("RK_TEST_TOKEN"))
telemetry_sink(name = "otel", type = "otlp", endpoint = secret("RK_TEST_TOKEN"),
               headers = {"Authorization": secret("RK_TEST_TOKEN")})
announce(channel = "webhook", template = env("RK_TEST_UNSET", "fallback"))
announce(channel = "discord", template = env("RK_TEST_UNSET"))
EOF
	rk-config >out.ndjson 2>err.txt
	validate_records out.ndjson
	jq -c '[.webhook, .token, .endpoint, .headers, .template]' out.ndjson >actual
	cat >expected <<'EOF'
["https://hooks.example/x",{"secret":"RK_TEST_TOKEN"},null,null,null]
[null,null,{"secret":"RK_TEST_TOKEN"},{"Authorization":{"secret":"RK_TEST_TOKEN"}},null]
[null,null,null,null,"fallback"]
[null,null,null,null,null]
EOF
	diff -u expected actual
	# Misuse is an error that does not print the value either.
	echo 'announce(channel = "slack", template = secret("RK_TEST_TOKEN"))' | star bad.star
	run rk-config -f bad.star
	assert_equal "$status" 3
	assert_output "rk-config: bad.star:1:1: announce() template must be a string, not secret"
	echo 'x = "Bearer " + secret("RK_TEST_TOKEN")' | star bad2.star
	run --separate-stderr rk-config -f bad2.star
	assert_equal "$status" 3
	assert_equal "$output" ""
	echo "$stderr" >err2.txt
	[[ $stderr == "rk-config: bad2.star:1:5: "* ]]
	# Generated files too.
	printf '%s\n' '{"kind":"package","name":"a","version":"1.0.0","ecosystem":"python","manager":"uv","path":"a","manifest":"a/pyproject.toml","publishable":true,"deps":[]}' |
		rk-config --generate --update >gen.txt 2>&1 || true
	run grep -rl -- "$canary" "$T"
	assert_failure
	assert_output ""
}

@test "config: the venv is found from RK_VENV; PYTHONPATH and PYTHONHOME do not matter" {
	echo 'vcs("git")' | star RELEASE.star
	PYTHONPATH=/nonexistent PYTHONHOME=/nonexistent PYTHONSTARTUP=/nonexistent run rk-config
	assert_success
	assert_output '{"kind":"config","rule":"vcs","name":"git","location":"RELEASE.star:1:1"}'
	RK_VENV="$RK_TOP/.venv" run rk-config
	assert_success
	mkdir empty
	RK_VENV="$T/empty" run --separate-stderr rk-config
	assert_equal "$status" 1
	assert_equal "$stderr" "rk-config: cannot read $T/empty/pyvenv.cfg: No such file or directory (set RK_VENV to a venv with starlark-pyo3; see rk-config(1))"
}

# A workspace with per-package RELEASE.star files.
make_pkgs() {
	star py/a/pyproject.toml <<'EOF'
[project]
name = "pkg-a"
version = "1.0.0"
EOF
	star js/b/package.json <<'EOF'
{"name": "@acme/b", "version": "1.0.0"}
EOF
	echo 'uv_package(name = "pkg-a", group = "leaf", skip = True)' | star py/a/RELEASE.star
	echo 'npm_package(name = "@acme/b", group = "leaf")' | star js/b/RELEASE.star
	# Not a package directory of ours: skipped by the walk.
	echo 'fail("never")' | star node_modules/x/RELEASE.star
	echo 'fail("never")' | star .hidden/RELEASE.star
}

@test "config: modes: central, hybrid and decentralized are detected; --config-mode forces" {
	make_pkgs
	# decentralized: per-package files only
	run --separate-stderr rk-config
	assert_success
	echo "$output" | jq -r '[.rule, .name, .location] | join(" ")' >actual
	printf '%s\n' "npm_package @acme/b js/b/RELEASE.star:1:1" "uv_package pkg-a py/a/RELEASE.star:1:1" >expected
	diff -u expected actual
	echo "$output" | validate_records
	# hybrid: root plus per-package files; a package's own file overrides the root
	star RELEASE.star <<'EOF'
uv_package(name = "pkg-a", group = "leaf")
release_group(name = "leaf", packages = ["pkg-a", "npm:*"])
EOF
	run --separate-stderr rk-config
	assert_success
	echo "$output" | jq -r '[.rule, .name, .skip, .location] | join(" ")' >actual
	printf '%s\n' "release_group leaf  RELEASE.star:2:1" "npm_package @acme/b false js/b/RELEASE.star:1:1" "uv_package pkg-a true py/a/RELEASE.star:1:1" >expected
	diff -u expected actual
	# central: forced, or by config(mode = "central") in the root
	run rk-config --config-mode central
	assert_success
	echo "$output" | jq -r '[.rule, .name] | join(" ")' >actual
	printf '%s\n' "uv_package pkg-a" "release_group leaf" >expected
	diff -u expected actual
	echo 'config(mode = "central")' >>RELEASE.star
	run rk-config
	assert_success
	echo "$output" | jq -r '.rule' >actual
	printf '%s\n' uv_package release_group config >expected
	diff -u expected actual
	# decentralized forced: the root file is ignored
	run rk-config --config-mode decentralized
	assert_success
	echo "$output" | jq -r '.name' >actual
	printf '%s\n' "@acme/b" "pkg-a" >expected
	diff -u expected actual
	rm RELEASE.star
	must_fail_with 3 "rk-config: ./RELEASE.star: no such file (--config-mode central needs it)" --config-mode central
	rm py/a/RELEASE.star js/b/RELEASE.star
	must_fail_with 3 "rk-config: no RELEASE.star in . or its package directories"
}

@test "config: a per-package RELEASE.star may configure only its own package" {
	make_pkgs
	echo 'uv_package(name = "other")' | star py/a/RELEASE.star
	must_fail_with 3 "rk-config: py/a/RELEASE.star:1:1: py/a/RELEASE.star may only configure its own package 'pkg-a', not 'other'"
	# Also through a loaded file: the error is at the call.
	printf 'load("//tools:defs.star", "pkg")\npkg("other")\n' | star py/a/RELEASE.star
	printf 'def pkg(n):\n    uv_package(name = n)\n' | star tools/defs.star
	must_fail_with 3 "rk-config: tools/defs.star:2:5: py/a/RELEASE.star may only configure its own package 'pkg-a', not 'other'"
	printf '\nrelease_group(name = "g")\n' | star py/a/RELEASE.star
	must_fail_with 3 "rk-config: py/a/RELEASE.star:2:1: release_group() is not allowed in a per-package RELEASE.star (only the package's own rule and bump_file)"
	# A directory without a manifest is not a package directory: ignored.
	echo 'fail("never")' | star docs/RELEASE.star
	echo 'uv_package(name = "pkg-a")' | star py/a/RELEASE.star
	run rk-config
	assert_success
	echo "$output" | jq -r '.location' >actual
	printf '%s\n' js/b/RELEASE.star:1:1 py/a/RELEASE.star:1:1 >expected
	diff -u expected actual
	printf '[tool.uv.workspace]\nmembers = ["*"]\n' >docs/pyproject.toml
	must_fail_with 3 "rk-config: docs/RELEASE.star: the manifest in docs declares no package name"
}

# Package records as rk-discover writes them (hand-written until it lands;
# "workspace" is the directory of the package's workspace root).
packages() {
	cat <<'EOF'
{"kind":"package","name":"core","version":"1.0.0","ecosystem":"python","manager":"uv","path":"py/packages/core","manifest":"py/packages/core/pyproject.toml","publishable":true,"workspace":"py","deps":[]}
{"kind":"package","name":"plugin-x","version":"1.0.0","ecosystem":"python","manager":"uv","path":"py/plugins/x","manifest":"py/plugins/x/pyproject.toml","publishable":true,"workspace":"py","deps":[{"name":"core","ecosystem":"python","spec":">=1","type":"normal"}]}
{"kind":"package","name":"plugin-y","version":"1.0.0","ecosystem":"python","manager":"uv","path":"py/plugins/y","manifest":"py/plugins/y/pyproject.toml","publishable":false,"workspace":"py","deps":[{"name":"plugin-x","ecosystem":"python","spec":"","type":"normal"}]}
{"kind":"package","name":"@acme/web","version":"2.0.0","ecosystem":"npm","manager":"pnpm","path":"js/web","manifest":"js/web/package.json","publishable":true,"workspace":"js","deps":[]}
{"kind":"package","name":"fast","version":"0.1.0","ecosystem":"cargo","manager":"cargo","path":"rust/crates/fast","manifest":"rust/crates/fast/Cargo.toml","publishable":true,"workspace":"rust","deps":[]}
EOF
}

@test "generate: writes a well-formatted RELEASE.star grouped by workspace and directory, which evaluates back to the packages" {
	packages | rk-config --generate >RELEASE.star
	cat >expected <<'EOF'
# RELEASE.star -- releasekit configuration (Starlark).
#
# Generated by `releasekit generate`, then yours to customise outside the
# generated region. Re-run `releasekit generate --update` after adding or
# removing packages. Directives: `# releasekit:generate ignore [NAME]`,
# `# releasekit:generate group=GROUP [NAME]`. See rk-config(1).

# releasekit:generate begin
# Written by `releasekit generate`: `releasekit generate --update` rewrites
# everything up to the end marker. Edit outside this region.

uv_workspace(
    name = "uv",
    root = "py",
)

cargo_workspace(
    name = "cargo",
    root = "rust",
)

pnpm_workspace(
    name = "pnpm",
    root = "js",
)

# Group js
pnpm_package(name = "@acme/web", group = "js")

# Group py-packages
uv_package(name = "core", group = "py-packages")

# Group py-plugins
uv_package(name = "plugin-x", group = "py-plugins")
uv_package(name = "plugin-y", group = "py-plugins", skip = True)

# Group rust-crates
cargo_package(name = "fast", group = "rust-crates")

release_group(
    name = "js",
    packages = [
        "@acme/web",
    ],
)

release_group(
    name = "py-packages",
    packages = [
        "core",
    ],
)

release_group(
    name = "py-plugins",
    packages = [
        "plugin-x",
        "plugin-y",
    ],
)

release_group(
    name = "rust-crates",
    packages = [
        "fast",
    ],
)

release_train(
    name = "default",
    groups = [
        "js",
        "py-packages",
        "py-plugins",
        "rust-crates",
    ],
)
# releasekit:generate end
EOF
	diff -u expected RELEASE.star
	# Round trip: the same packages come back.
	rk-config >out.ndjson
	validate_records out.ndjson
	jq -r 'select(.rule | endswith("_package")) | "\(.ecosystem):\(.name)"' out.ndjson | sort >actual
	packages | jq -r '"\(.ecosystem):\(.name)"' | sort >expected
	diff -u expected actual
}

@test "generate: --group-by dir, directives, and --update keeps manual edits" {
	# A standalone package (no "workspace"): no workspace rules, so that
	# rk-discover is not restricted to the workspaces.
	{ packages; echo '{"kind":"package","name":"solo","version":"1.0.0","ecosystem":"cargo","manager":"cargo","path":"solo","manifest":"solo/Cargo.toml","publishable":true,"deps":[]}'; } |
		rk-config --generate >solo.star
	run grep -c '_workspace(' solo.star
	assert_output 0
	grep -Fx '# No workspace rules: some packages are standalone.' solo.star
	packages | rk-config --generate --group-by dir >gen.star
	grep -F 'uv_package(name = "plugin-x", group = "py-plugins")' gen.star
	grep -F 'uv_package(name = "core", group = "py-packages")' gen.star
	grep -F 'cargo_package(name = "fast", group = "rust-crates")' gen.star
	# A hand-edited file: manual rules and directives around the region.
	star RELEASE.star <<'EOF'
# my release config
vcs("git")

# releasekit:generate ignore
uv_package(name = "plugin-y", skip = True, group = "level-2")

# releasekit:generate group=level-0 fast

# releasekit:generate begin
stale content that --update replaces
# releasekit:generate end

release_group(name = "level-2", packages = ["plugin-y"])
EOF
	packages | rk-config --generate --update
	sed -n '1,8p' RELEASE.star >actual
	cat >expected <<'EOF'
# my release config
vcs("git")

# releasekit:generate ignore
uv_package(name = "plugin-y", skip = True, group = "level-2")

# releasekit:generate group=level-0 fast

EOF
	diff -u expected actual
	tail -n 2 RELEASE.star >actual
	printf '\nrelease_group(name = "level-2", packages = ["plugin-y"])\n' >expected
	diff -u expected actual
	run grep -c 'plugin-y' RELEASE.star
	assert_output 2
	run grep -c 'stale content' RELEASE.star
	assert_output 0
	grep -F 'cargo_package(name = "fast", group = "level-0")' RELEASE.star
	rk-config >out.ndjson
	jq -r 'select(.rule | endswith("_package")) | .name' out.ndjson | sort >actual
	packages | jq -r '.name' | sort >expected
	diff -u expected actual
	# A second update changes nothing.
	cp RELEASE.star before.star
	packages | rk-config --generate --update
	diff -u before.star RELEASE.star
	# Without markers the region is appended.
	printf 'vcs("git")\n' >RELEASE.star
	packages | rk-config --generate --update
	sed -n '1,3p' RELEASE.star >actual
	printf 'vcs("git")\n\n# releasekit:generate begin\n' >expected
	diff -u expected actual
	rk-config >/dev/null
	# Malformed records are errors with their line.
	run --separate-stderr rk-config --generate < <(printf '{"kind":"other"}\n{"kind":"package"}\n')
	assert_equal "$status" 3
	assert_equal "$stderr" "rk-config: <stdin>:2:1: name: missing (required)"
	run --separate-stderr rk-config --generate < <(printf '{"kind":"other"}\nnot json\n')
	assert_equal "$status" 3
	assert_equal "$stderr" "rk-config: <stdin>:2:1: invalid literal 'not'"
	# A bad directive is an error with its location.
	printf 'vcs("git")\n# releasekit:generate skip\n' >RELEASE.star
	run --separate-stderr rk-config --generate --update < <(packages)
	assert_equal "$status" 3
	assert_equal "$stderr" "rk-config: RELEASE.star:2:23: unknown releasekit:generate directive 'skip' (use 'ignore' or 'group=NAME')"
}

@test "generate: releasekit generate --help and releasekit --help list it" {
	run releasekit generate --help
	assert_success
	assert_line --index 0 "usage: releasekit generate [-C DIR] [--update] [--group-by dir] [-k] [--root DIR]"
	run releasekit --help
	assert_line --partial "generate"
}

@test "config: the committed schema is generated from the rule table" {
	"$RK_TOP/scripts/gen-config-schema" >schema.json
	diff -u "$RK_TOP/share/schemas/config.schema.json" schema.json
}

@test "compose: rk-config | rk-discover applies workspaces, groups, skips and cross_deps" {
	cp -R "$RK_TOP/share/example/." .
	make_git_repo .
	echo 'npm_package(name = "acme-monorepo", skip = True)' >>RELEASE.star
	rk-config >config.ndjson
	rk-discover -C . <config.ndjson >out.ndjson
	validate_records out.ndjson
	# The config records pass through first, unchanged.
	head -n "$(wc -l <config.ndjson)" out.ndjson | diff -u config.ndjson -
	jq -r 'select(.kind == "package") | [.ecosystem, .name, (.group // "-"), (.skip // false), .workspace, ([.deps[].name] | join(","))] | join(" ")' out.ndjson >actual
	cat >expected <<'EOF'
cargo fastcli apps false rust fastcore
cargo fastcore core false rust 
npm @acme/web-core core false . 
npm @acme/web-ui apps false . @acme/web-core
npm acme-monorepo - true . 
python acme-cli apps false python acme-core,fastcore
python acme-core core false python 
EOF
	diff -u expected actual
}

@test "compose: releasekit generate from rk-discover evaluates back to the same packages" {
	cp -R "$RK_TOP/share/example/." .
	rm RELEASE.star
	make_git_repo .
	rk-discover -C . >before.ndjson
	run --separate-stderr releasekit generate
	assert_success
	echo "$output" >RELEASE.star
	grep -Fx '    root = "python",' RELEASE.star
	grep -Fx 'uv_package(name = "acme-cli", group = "python-packages")' RELEASE.star
	(set -o pipefail; rk-config | rk-discover -C . >after.ndjson)
	validate_records after.ndjson
	jq -r 'select(.kind == "package") | "\(.ecosystem) \(.name) \(.path) \(.workspace)"' before.ndjson >expected
	jq -r 'select(.kind == "package") | "\(.ecosystem) \(.name) \(.path) \(.workspace)"' after.ndjson >actual
	diff -u expected actual
	jq -r 'select(.kind == "package") | "\(.name) \(.group)"' after.ndjson >actual
	cat >expected <<'EOF'
fastcli rust-crates
fastcore rust-crates
@acme/web-core packages
@acme/web-ui packages
acme-monorepo root
acme-cli python-packages
acme-core python-packages
EOF
	diff -u expected actual
	# --update after a manual edit keeps it.
	sed -i '1i vcs("git")' RELEASE.star
	run releasekit generate --update --group-by dir
	assert_success
	sed -n 1p RELEASE.star >actual
	echo 'vcs("git")' >expected
	diff -u expected actual
	grep -Fx 'uv_package(name = "acme-cli", group = "python-packages")' RELEASE.star
	(set -o pipefail; rk-config | rk-discover -C . >/dev/null)
	run releasekit generate --bogus
	assert_equal "$status" 2
}

@test "config: an installed rk-config finds the bundled rules and takes the venv from RK_VENV" {
	make -s -C "$RK_TOP" install B="$RK_BUILD" DESTDIR="$T/root" PREFIX=/opt/rk >/dev/null
	r="$T/root/opt/rk"
	[ -f "$r/share/releasekit/rules/uv.star" ]
	mkdir ws && cd ws
	printf 'load("@releasekit//rules/uv.star", "uv_package")\nuv_package(name = "a")\n' >RELEASE.star
	env -u RK_RULES_DIR RK_VENV="$RK_TOP/.venv" "$r/bin/rk-config" >out.ndjson
	jq -r '.location' out.ndjson >actual
	echo 'RELEASE.star:2:1' >expected
	diff -u expected actual
	# make install made the venv at PREFIX/lib/releasekit/venv: no RK_VENV needed
	run env -u RK_VENV -u RK_RULES_DIR "$r/bin/rk-config"
	assert_success
	# without it, the message says where it looked
	rm -rf "$r/lib/releasekit/venv"
	run env -u RK_VENV -u RK_RULES_DIR "$r/bin/rk-config"
	assert_equal "$status" 1
	assert_output "rk-config: cannot read $r/bin/../../.venv/pyvenv.cfg: No such file or directory (set RK_VENV to a venv with starlark-pyo3; see rk-config(1))"
}

# ---- issue 12: limits and unclear messages ----

@test "config: limits: time, memory and nesting each fail at RELEASE.star:LINE, exit 3" {
	printf 'def f():\n    n = 0\n    for i in range(2147483647):\n        for j in range(2147483647):\n            n += 1\n    return n\nf()\n' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:4:9: evaluation exceeded the time limit of 1 s (--max-time)" --max-time 1
	printf 'def f():\n    x = []\n    for i in range(100000000):\n        x.append("abcdefghijabcdefghij" + str(i))\n    return x\nf()\n' | star RELEASE.star
	run --separate-stderr rk-config --max-memory 100
	assert_equal "$status" 3
	# where the check fires: in the loop (line 3 or 4)
	[[ "$stderr" =~ ^"rk-config: RELEASE.star:"[34]":"[0-9]+": evaluation exceeded the memory limit of 100 MB (--max-memory)"$ ]]
	assert_equal "$output" ""
	python3 -c "print('x = ' + '[' * 3000 + ']' * 3000)" | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:105: brackets nested deeper than 100 levels (--max-depth)"
	# configurable for big monorepos: 150 levels pass with --max-depth 200
	python3 -c "print('x = ' + '[' * 150 + ']' * 150)" | star RELEASE.star
	run --separate-stderr rk-config --max-depth 200
	assert_success
	# in a loaded file too, named as such
	mkdir -p sub
	python3 -c "print('x = ' + '(' * 101 + '1' + ')' * 101)" | star sub/deep.star
	echo 'load("//sub:deep.star", "x")' | star RELEASE.star
	must_fail_with 3 "rk-config: sub/deep.star:1:105: brackets nested deeper than 100 levels (--max-depth)"
	run --separate-stderr rk-config --max-time 0
	assert_equal "$status" 2
}

@test "config: one huge allocation ends with one line and exit 3, not an abort" {
	printf 'x = 1\ny = [0] * (1 << 30)\n' | star RELEASE.star
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1" \
		run --separate-stderr rk-config
	assert_equal "$status" 3
	assert_equal "$output" ""
	# a sanitizer build has no data-size limit (its shadow memory): the
	# evaluator's own refusal comes first there, and its output stays visible
	case "$RK_BUILD" in
	*-asan | *-san)
		[[ "$(echo "$stderr" | tail -1)" == "rk-config: RELEASE.star: "* ]]
		;;
	*)
		assert_equal "$stderr" "rk-config: RELEASE.star: evaluation exceeded the memory limit of 2048 MB (--max-memory)"
		;;
	esac
}

@test "config: a RELEASE.star that is a directory, a FIFO, a symlink loop, or a FIFO load()ed" {
	mkdir RELEASE.star
	must_fail_with 3 "rk-config: ./RELEASE.star: Is a directory"
	rmdir RELEASE.star
	mkfifo RELEASE.star
	run --separate-stderr timeout 20 rk-config
	assert_equal "$status" 3
	assert_equal "$stderr" "rk-config: ./RELEASE.star: not a regular file"
	rm RELEASE.star
	ln -s RELEASE.star RELEASE.star
	must_fail_with 3 "rk-config: ./RELEASE.star: Too many levels of symbolic links"
	rm RELEASE.star
	mkfifo f.star
	echo 'load("//:f.star", "x")' | star RELEASE.star
	run --separate-stderr timeout 20 rk-config
	assert_equal "$status" 3
	assert_equal "$stderr" "rk-config: RELEASE.star:1:1: cannot load //:f.star: f.star: not a regular file"
}

@test "config: a byte order mark is accepted; an int beyond 64 bits is named as such" {
	printf '\xef\xbb\xbfrelease_train(name = "t")\n' | star RELEASE.star
	run --separate-stderr rk-config
	assert_success
	[ "$(echo "$output" | jq -r .name)" = t ]
	echo 'release_train(name = "t", jobs = 1 << 200)' | star RELEASE.star
	must_fail_with 3 "rk-config: RELEASE.star:1:1: release_train() jobs must be an int, and this int does not fit in 64 bits"
}

# ---- found using the tools as a new user would: each pins one fixed bug ----

# two uv packages under pkgs/, b depends on a, in a git repository
two_packages() {
	make_git_repo .
	star pkgs/a/pyproject.toml <<'EOT'
[project]
name = "a"
version = "1.0.0"
EOT
	star pkgs/b/pyproject.toml <<'EOT'
[project]
name = "b"
version = "2.0.0"
dependencies = ["a>=1"]
EOT
}

@test "rk-config --optional: no configuration file is no output and exit 0" {
	two_packages
	run --separate-stderr rk-config
	assert_failure 3
	assert_output ""
	# the default root: the git work tree's top level, as rk-discover's
	[ "$stderr" = "rk-config: no RELEASE.star in $(pwd -P) or its package directories" ]
	run --separate-stderr rk-config --optional
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	run --separate-stderr rk-config --optional --config-mode central
	assert_success
	assert_output ""
	# a package file exists: --optional changes nothing
	echo 'uv_package(name = "a", group = "core")' >pkgs/a/RELEASE.star
	rk-config --optional >with.ndjson
	rk-config >without.ndjson
	cmp with.ndjson without.ndjson
	[ "$(jq -r .location with.ndjson)" = "pkgs/a/RELEASE.star:1:1" ]
	# forced central: the root file is required, --optional or not
	run --separate-stderr rk-config --optional --config-mode hybrid
	assert_failure 3
	run rk-config --optional --generate </dev/null
	assert_failure 2
	assert_line --index 0 "rk-config: --optional does not go with --generate"
	run rk-config --help
	assert_success
	assert_output --partial '--optional'
}

@test "releasekit generate --update: from a subdirectory, the top-level RELEASE.star" {
	two_packages
	cd pkgs/b
	releasekit generate --update </dev/null
	cd "$T"
	[ ! -e pkgs/b/RELEASE.star ]
	grep -q '^uv_package(name = "a", group = "pkgs", skip = True)$' RELEASE.star
	rk-config >cfg.ndjson
	jq -r 'select(.rule == "uv_package") | "\(.name) \(.group)"' cfg.ndjson >actual
	printf 'a pkgs\nb pkgs\n' >expected
	diff -u expected actual
}

@test "releasekit generate: does not read standard input" {
	two_packages
	# a CI step's stdin is often not a terminal; it is not package records
	echo 'not json' | releasekit generate >gen.star
	grep -q '^uv_package(name = "b", group = "pkgs", skip = True)$' gen.star
}

@test "rk-config: invalid UTF-8 and NUL bytes are reported at their line and column" {
	printf 'x = 1\ny = "\303\251\377"\n' >RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: RELEASE.star:2:7: not valid UTF-8" ]
	printf 'x = 1\n\000\n' >RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	[ "$stderr" = "rk-config: RELEASE.star:2:1: NUL byte in the file" ]
	# in a loaded file too
	mkdir lib
	printf 'x = 1\n\n  \303(\n' >lib/x.star
	echo 'load("//lib:x.star", "x")' >RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	[ "$stderr" = "rk-config: lib/x.star:3:3: not valid UTF-8" ]
}

@test "rk-config --generate: an unknown ecosystem or manager is bad input (was written as npm_package)" {
	run --separate-stderr rk-config --generate \
		<<<'{"kind":"package","name":"a","ecosystem":"ruby","path":"x","manager":"gem"}'
	assert_failure 3
	assert_output ""
	[ "$stderr" = 'rk-config: <stdin>:1:42: ecosystem: expected one of python, npm, cargo, found "ruby"' ]
	run --separate-stderr rk-config --generate < <(printf '%s\n' \
		'{"kind":"package","name":"a","ecosystem":"npm","path":"x","manager":"npm"}' \
		'{"kind":"package","name":"b","ecosystem":"npm","path":"y","manager":"bun"}')
	assert_failure 3
	assert_output ""
	[ "$stderr" = 'rk-config: <stdin>:2:69: manager: expected one of uv, pnpm, npm, yarn, cargo, found "bun"' ]
}

@test "rk-config --generate --update: through a symlinked RELEASE.star, the target is updated and keeps its mode" {
	mkdir conf
	echo 'x = 1' >conf/RELEASE.star
	chmod 600 conf/RELEASE.star
	ln -s conf/RELEASE.star RELEASE.star
	rk-config --generate --update \
		<<<'{"kind":"package","name":"a","ecosystem":"python","path":"a","manager":"uv"}'
	[ -L RELEASE.star ]
	[ "$(readlink RELEASE.star)" = conf/RELEASE.star ]
	[ "$(stat -c %a conf/RELEASE.star)" = 600 ]
	[ "$(head -1 conf/RELEASE.star)" = "x = 1" ]
	grep -q '^uv_package(name = "a", group = "root")$' conf/RELEASE.star
	[ -z "$(ls conf | grep -v '^RELEASE.star$')" ] # no temporary left
}

@test "rk-config --generate --update: a begin marker without end is reported at its line" {
	printf 'y = 2\n\n# releasekit:generate begin\nx = 1\n' >RELEASE.star
	cp RELEASE.star before
	run --separate-stderr rk-config --generate --update </dev/null
	assert_failure 3
	[ "$stderr" = "rk-config: RELEASE.star:3:1: '# releasekit:generate begin' without '# releasekit:generate end'" ]
	cmp before RELEASE.star
}

@test "rk-config --generate: no package records at all (UBSan: qsort of NULL)" {
	rk-config --generate </dev/null >out.star
	grep -q '^# releasekit:generate end$' out.star
	run --separate-stderr rk-config -f out.star --config-mode central
	assert_success
	assert_output ""
}

@test "rk-config: a package file 40 directories deep is found, as rk-discover finds its package" {
	local d
	d=$(printf 'd%d/' $(seq 1 40))
	mkdir -p "$d"
	printf '[project]\nname = "deep"\nversion = "1"\n' >"${d}pyproject.toml"
	echo 'uv_package(name = "deep", group = "g")' >"${d}RELEASE.star"
	rk-config >cfg.ndjson
	[ "$(jq -r '"\(.name) \(.group) \(.location)"' cfg.ndjson)" = "deep g ${d}RELEASE.star:1:1" ]
	piped rk-discover --root . \| jq -r 'select(.kind == "package") | .group' <cfg.ndjson >actual
	echo g >expected
	diff -u expected actual
}

@test "rk-config: a workspace load through a symbolic link leading outside the workspace is refused" {
	mkdir -p ws/lib outside
	echo 'VALUE = "from outside"' >outside/x.star
	ln -s "$T/outside/x.star" ws/lib/x.star
	ln -s ../../outside ws/lib/up
	printf 'load("//lib:x.star", "VALUE")\nuv_package(name = VALUE)\n' >ws/RELEASE.star
	run --separate-stderr rk-config -C ws
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: RELEASE.star:1:1: cannot load //lib:x.star: lib/x.star is a link to a file outside the workspace" ]
	printf 'load("//lib/up:x.star", "VALUE")\nuv_package(name = VALUE)\n' >ws/RELEASE.star
	run --separate-stderr rk-config -C ws
	assert_failure 3
	[ "$stderr" = "rk-config: RELEASE.star:1:1: cannot load //lib/up:x.star: lib/up/x.star is a link to a file outside the workspace" ]
	# a link that stays inside is fine
	rm ws/lib/x.star
	echo 'VALUE = "inside"' >ws/real.star
	ln -s ../real.star ws/lib/x.star
	printf 'load("//lib:x.star", "VALUE")\nuv_package(name = VALUE)\n' >ws/RELEASE.star
	name=$(piped rk-config -C ws \| jq -r .name)
	[ "$name" = inside ]
}

@test "rk-config: a package file next to a malformed manifest names the manifest's line and column" {
	mkdir a
	printf '[project\n' >a/pyproject.toml
	echo 'uv_package(name = "a")' >a/RELEASE.star
	run --separate-stderr rk-config
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rk-config: a/RELEASE.star: a/pyproject.toml:1:9: expected ']' at the end of the table header, found end of line" ]
}
