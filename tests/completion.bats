#!/usr/bin/env bats
# Shell completions: generated from the tools' option tables (--list-options)
# and the porcelain's commands, installed by `make install`, loaded in bash,
# zsh (a real interactive zsh on a pseudo-terminal, through zsh/zpty) and
# fish, completing options, commands and package names from discovery.

load test_helper

setup() {
	setup_common
	make -s -C "$RK_TOP" install B="$RK_BUILD" DESTDIR="$T/root" PREFIX=/opt/rk >/dev/null
	R="$T/root/opt/rk/share"
	# the example monorepo: packages fastcore, fastcli, acme-core, ...
	mkdir -p "$T/acme"
	cp -R "$RK_TOP/share/example/." "$T/acme/"
	cd "$T/acme" || return 1
	git init -q -b main
}

# bash_complete WORD...: the completions bash offers for the last word.
bash_complete() {
	bash --norc -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_rk_complete
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$R/bash-completion/completions/releasekit" "$@"
}

@test "completion: make install puts bash, zsh and fish completions in place" {
	[ -f "$R/bash-completion/completions/releasekit" ]
	for t in rk-config rk-discover rk-graph rk-plan rk-exec rk-poll rk-report; do
		[ "$(readlink "$R/bash-completion/completions/$t")" = releasekit ]
		[ -f "$R/fish/vendor_completions.d/$t.fish" ]
	done
	[ -f "$R/fish/vendor_completions.d/releasekit.fish" ]
	# and the CI files next to the schemas
	[ -f "$R/releasekit/ci/github-release.yml" ] && [ -f "$R/releasekit/ci/gitlab-release.yml" ]
	run head -n 1 "$R/zsh/site-functions/_releasekit"
	assert_output '#compdef releasekit rk-config rk-discover rk-graph rk-plan rk-exec rk-poll rk-report'
}

@test "completion: every tool lists the options of its tables, and its --help shows each" {
	for t in rk-config rk-discover rk-graph rk-plan rk-exec rk-poll rk-report; do
		run "$t" --list-options
		assert_success
		assert_line -- --help
		assert_line -- --version
		help=$("$t" --help)
		for o in "${lines[@]}"; do
			o=${o%=}
			[ "$o" = --list-options ] && continue
			[[ "$help" == *"$o"[\ ,=$'\n']* ]] || fail "$t: $o is in the option table but not in --help"
		done
	done
	run rk-report --list-options
	assert_line -- -f=
	assert_line -- --format=
	assert_line -- --pass-through
}

@test "completion: bash completes commands, options and package names" {
	run bash_complete releasekit gr
	assert_success
	assert_output graph
	run bash_complete releasekit ""
	assert_line logs
	assert_line plan
	run bash_complete rk-report --for
	assert_output --format
	run bash_complete rk-exec --prog
	assert_output --progress
	run bash_complete releasekit graph --de
	assert_output $'--deps\n--depth'
	run bash_complete rk-graph --deps fast
	assert_success
	assert_output $'fastcli\nfastcore'
	run bash_complete releasekit graph --rdeps acme-c
	assert_output $'acme-cli\nacme-core'
	run bash_complete rk-graph --path fastcore ""
	assert_line fastcli
	assert_line @acme/web-ui
	# bash-completion's loader finds the file under each tool's name
	run bash --norc -c 'source "$1"; complete -p rk-graph releasekit' _ "$R/bash-completion/completions/rk-graph"
	assert_line 'complete -F _rk_complete rk-graph'
}

# zsh_complete LINE: type LINE and TAB in an interactive zsh with the
# installed completions; print the line as the terminal shows it.
zsh_complete() {
	cat >"$BATS_TEST_TMPDIR/zt.zsh" <<'EOF'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
acc=""
drain() { local chunk t=$1; while (( t-- > 0 )); do while zpty -r -t z chunk; do acc+=$chunk; done; sleep 0.1; done }
drain 10
acc=""
zpty -w -n z "$2"$'\t'
drain 30
print -r -- "${acc//$'\e'\[[0-9;?]#[a-zA-Z]/}"
zpty -d z
EOF
	timeout 60 zsh -f "$BATS_TEST_TMPDIR/zt.zsh" "$R/zsh/site-functions" "$1" | tr -d '\r\b'
}

@test "completion: zsh loads the completions and completes a package name" {
	command -v zsh >/dev/null || fail "zsh is not installed (scripts/bootstrap installs it)"
	run zsh -f -c "fpath=($R/zsh/site-functions \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \$_comps[rk-graph] \$_comps[releasekit]"
	assert_success
	assert_output '_releasekit _releasekit'
	run zsh_complete 'rk-graph --deps fastco'
	assert_output --partial 'rk-graph --deps fastcore'
	run zsh_complete 'releasekit graph --rdeps @acme/web-c'
	assert_output --partial 'releasekit graph --rdeps @acme/web-core'
	run zsh_complete 'releasekit gra'
	assert_output --partial 'releasekit graph'
	run zsh_complete 'rk-report --pass-th'
	assert_output --partial 'rk-report --pass-through'
}

@test "completion: fish completes options and package names" {
	command -v fish >/dev/null || fail "fish is not installed (scripts/bootstrap installs it)"
	run fish --no-config -c "source $R/fish/vendor_completions.d/rk-graph.fish; complete -C 'rk-graph --deps fast'"
	assert_success
	assert_line fastcli
	assert_line fastcore
	run fish --no-config -c "source $R/fish/vendor_completions.d/releasekit.fish; complete -C 'releasekit lo'"
	assert_output --regexp '^logs	print an action'
}
