#!/usr/bin/env bats
# lib/rk_version: SemVer 2.0.0 and PEP 440 through tests/helpers/t-version.c.

load test_helper

tv() {
	t_helper t-version "$@"
}

# table SCHEME CMD...: read "input<TAB>expected" lines on stdin, run
# `t-version SCHEME CMD... input` for each, and diff expected with actual
# (stdout, or "error: <stderr>" on failure).
table() {
	local scheme=$1 in exp out err
	shift
	: >"$T/expected"
	: >"$T/actual"
	while IFS=$'\t' read -r in exp; do
		[ -n "$in" ] || continue
		printf '%s\t%s\n' "$in" "$exp" >>"$T/expected"
		if out=$(tv "$scheme" "$@" "$in" 2>"$T/stderr"); then
			printf '%s\t%s\n' "$in" "$out" >>"$T/actual"
		else
			printf '%s\terror: %s\n' "$in" "$(cat "$T/stderr")" >>"$T/actual"
		fi
	done
	diff -u "$T/expected" "$T/actual"
}

# --- SemVer ------------------------------------------------------------------

@test "semver: the spec's precedence example chain (section 11)" {
	chain="1.0.0-alpha 1.0.0-alpha.1 1.0.0-alpha.beta 1.0.0-beta 1.0.0-beta.2 1.0.0-beta.11 1.0.0-rc.1 1.0.0"
	printf '%s\n' $chain >expected
	# reversed, then rotated, as input
	printf '%s\n' $chain | tac >in1
	printf '%s\n' 1.0.0-beta.2 1.0.0 1.0.0-alpha.beta 1.0.0-rc.1 1.0.0-alpha.1 1.0.0-beta.11 1.0.0-alpha 1.0.0-beta >in2
	tv semver sort <in1 >out1
	tv semver sort <in2 >out2
	diff -u expected out1
	diff -u expected out2
	# every adjacent pair both ways
	set -- $chain
	while [ $# -ge 2 ]; do
		run tv semver compare "$1" "$2"
		assert_output "<"
		run tv semver compare "$2" "$1"
		assert_output ">"
		shift
	done
	# 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1 (section 11.2)
	printf '%s\n' 2.1.1 2.0.0 1.0.0 2.1.0 | tv semver sort >out3
	printf '%s\n' 1.0.0 2.0.0 2.1.0 2.1.1 >expected3
	diff -u expected3 out3
}

@test "semver: semver.org's valid examples parse and format unchanged" {
	cat >valid <<'EOF'
0.0.4
1.2.3
10.20.30
1.1.2-prerelease+meta
1.1.2+meta
1.1.2+meta-valid
1.0.0-alpha
1.0.0-beta
1.0.0-alpha.beta
1.0.0-alpha.beta.1
1.0.0-alpha.1
1.0.0-alpha0.valid
1.0.0-alpha.0valid
1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay
1.0.0-rc.1+build.1
2.0.0-rc.1+build.123
1.2.3-beta
10.2.3-DEV-SNAPSHOT
1.2.3-SNAPSHOT-123
1.0.0
2.0.0
1.1.7
2.0.0+build.1848
2.0.1-alpha.1227
1.0.0-alpha+beta
1.2.3----RC-SNAPSHOT.12.9.1--.12+788
1.2.3----R-S.12.9.1--.12+meta
1.2.3----RC-SNAPSHOT.12.9.1--.12
1.0.0+0.build.1-rc.10000aaa-kk-0.1
1.0.0-0A.is.legal
EOF
	# shellcheck disable=SC2046
	tv semver parse $(cat valid) >out
	diff -u valid out
}

@test "semver: semver.org's invalid examples are rejected" {
	cat >invalid <<'EOF'
1
1.2
1.2.3-0123
1.2.3-0123.0123
1.1.2+.123
+invalid
-invalid
-invalid+invalid
-invalid.01
alpha
alpha.beta
alpha.beta.1
alpha.1
alpha+beta
alpha_beta
alpha.
alpha..
beta
1.0.0-alpha_beta
-alpha.
1.0.0-alpha..
1.0.0-alpha..1
1.0.0-alpha...1
1.0.0-alpha....1
1.0.0-alpha.....1
1.0.0-alpha......1
1.0.0-alpha.......1
01.1.1
1.01.1
1.1.01
1.2.3.DEV
1.2-SNAPSHOT
1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788
1.2-RC-SNAPSHOT
-1.0.3-gamma+b7718
+justmeta
9.8.7+meta+meta
9.8.7-whatever+meta+meta
99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1--------------------------------..12
EOF
	while read -r v; do
		run tv semver parse "$v"
		[ "$status" -eq 3 ] || {
			echo "accepted: $v -> $output"
			return 1
		}
		[[ "$output" == "t-version: <input>: invalid SemVer version '"* ]] || {
			echo "bad message for $v: $output"
			return 1
		}
	done <invalid
}

@test "semver: error messages say what is wrong" {
	table semver parse <<'EOF'
01.2.3	error: t-version: <input>: invalid SemVer version '01.2.3': numeric identifier has a leading zero
1.02.3	error: t-version: <input>: invalid SemVer version '1.02.3': numeric identifier has a leading zero
1.2.3-rc.01	error: t-version: <input>: invalid SemVer version '1.2.3-rc.01': numeric identifier has a leading zero
1.2	error: t-version: <input>: invalid SemVer version '1.2': expected '.' after minor version, got end of input
1.2.	error: t-version: <input>: invalid SemVer version '1.2.': expected patch version number, got end of input
1.2.x	error: t-version: <input>: invalid SemVer version '1.2.x': expected patch version number, got 'x'
v1.2.3	error: t-version: <input>: invalid SemVer version 'v1.2.3': leading 'v' is not part of a version
1.2.3-	error: t-version: <input>: invalid SemVer version '1.2.3-': empty pre-release identifier
1.2.3-a..b	error: t-version: <input>: invalid SemVer version '1.2.3-a..b': empty pre-release identifier
1.2.3+	error: t-version: <input>: invalid SemVer version '1.2.3+': empty build metadata identifier
1.2.3-a_b	error: t-version: <input>: invalid SemVer version '1.2.3-a_b': invalid character '_' in pre-release
1.2.3+a+b	error: t-version: <input>: invalid SemVer version '1.2.3+a+b': invalid character '+' in build metadata
1.2.3.4	error: t-version: <input>: invalid SemVer version '1.2.3.4': unexpected '.' after patch version (expected '-', '+' or the end)
 1.2.3	error: t-version: <input>: invalid SemVer version ' 1.2.3': expected major version number, got ' '
1.2.3 	error: t-version: <input>: invalid SemVer version '1.2.3 ': unexpected ' ' after patch version (expected '-', '+' or the end)
18446744073709551616.0.0	error: t-version: <input>: invalid SemVer version '18446744073709551616.0.0': major version number too large (the limit is 18446744073709551615)
0.0.99999999999999999999999	error: t-version: <input>: invalid SemVer version '0.0.99999999999999999999999': patch version number too large (the limit is 18446744073709551615)
18446744073709551615.0.0	18446744073709551615.0.0
EOF
	run tv semver parse ""
	assert_failure 3
	assert_output "t-version: <input>: invalid SemVer version '': empty version"
}

@test "semver: build metadata is kept but ignored for precedence; leading zeros allowed in it" {
	run tv semver parse 1.0.0-alpha+001 1.0.0+20130313144700 1.0.0-beta+exp.sha.5114f85
	assert_success
	assert_output $'1.0.0-alpha+001\n1.0.0+20130313144700\n1.0.0-beta+exp.sha.5114f85'
	run tv semver compare 1.0.0+a 1.0.0+b
	assert_output "="
	run tv semver compare 1.0.0-rc.1+x 1.0.0-rc.1
	assert_output "="
	run tv semver compare 1.0.0+zzz 1.0.1+aaa
	assert_output "<"
}

@test "semver: precedence details (numeric < alphanumeric, ASCII order, big identifiers)" {
	cat >cases <<'EOF'
1.0.0-1 1.0.0-a <
1.0.0-9 1.0.0-10 <
1.0.0-a 1.0.0-B >
1.0.0-alpha 1.0.0-alpha.0 <
1.0.0-alpha.a 1.0.0-alpha.1 >
1.0.0-0 1.0.0 <
0.9.9 1.0.0-0 <
1.0.0-99999999999999999999999 1.0.0-99999999999999999999998 >
1.0.0-99999999999999999999999 1.0.0-100000000000000000000000 <
1.0.0-99999999999999999999999 1.0.0-a <
1.0.0-rc.1 1.0.0-rc.1 =
18446744073709551615.0.0 18446744073709551614.99.99 >
1.0.0--- 1.0.0--a <
EOF
	while read -r a b want; do
		run tv semver compare "$a" "$b"
		[ "$output" = "$want" ] || {
			echo "$a vs $b: got '$output', want '$want'"
			return 1
		}
	done <cases
}

@test "semver: fields and pre-release kinds" {
	run tv semver fields 1.2.4-rc.7+build.5
	assert_success
	assert_output "scheme=semver
epoch=0
release=1,2,4
pre_kind=rc
pre_num=7
pre=rc.7
post=(none)
dev=(none)
meta=build.5
prerelease=yes"
	for pair in "1.0.0-alpha:alpha:0" "1.0.0-beta.3:beta:3" "1.0.0-dev.1:dev:1" \
		"1.0.0-rc.1.2:other:0" "1.0.0-rcx.1:other:0" "1.0.0-0.3.7:other:0" \
		"1.0.0-rc.99999999999999999999:other:0" "1.0.0:none:0"; do
		IFS=: read -r v kind num <<<"$pair"
		run tv semver fields "$v"
		assert_line "pre_kind=$kind"
		assert_line "pre_num=$num"
	done
}

@test "semver: bumps" {
	table semver bump major <<'EOF'
1.2.3	2.0.0
1.2.3-rc.1	2.0.0
2.0.0-rc.1	2.0.0
0.0.1+build	1.0.0
18446744073709551615.0.0	error: t-version: <input>: cannot bump SemVer version '18446744073709551615.0.0' (major): a number would exceed 18446744073709551615
EOF
	table semver bump minor <<'EOF'
1.2.3	1.3.0
1.2.4-rc.1	1.3.0
1.3.0-rc.1	1.3.0
EOF
	table semver bump patch <<'EOF'
1.2.3	1.2.4
1.2.4-rc.1	1.2.4
1.2.3+build.5	1.2.4
EOF
	table semver bump alpha <<'EOF'
1.2.3	1.2.4-alpha.1
1.2.4-alpha.1	1.2.4-alpha.2
1.2.4-alpha	1.2.4-alpha.1
1.2.4-rc.1	error: t-version: <input>: cannot bump SemVer version '1.2.4-rc.1' (alpha): '1.2.4-alpha.1' would not be higher
1.2.4-zeta.1	error: t-version: <input>: cannot bump SemVer version '1.2.4-zeta.1' (alpha): '1.2.4-alpha.1' would not be higher
EOF
	table semver bump beta <<'EOF'
1.2.3	1.2.4-beta.1
1.2.4-alpha.3	1.2.4-beta.1
1.2.4-beta.9	1.2.4-beta.10
EOF
	table semver bump rc <<'EOF'
1.2.3	1.2.4-rc.1
1.2.4-rc.1	1.2.4-rc.2
1.2.4-beta.2	1.2.4-rc.1
1.2.4-rc	1.2.4-rc.1
1.2.4-nightly.5	1.2.4-rc.1
1.2.4-rc.18446744073709551615	error: t-version: <input>: cannot bump SemVer version '1.2.4-rc.18446744073709551615' (rc): a number would exceed 18446744073709551615
EOF
	table semver bump dev <<'EOF'
1.2.3	1.2.4-dev.1
1.2.4-dev.1	1.2.4-dev.2
EOF
	table semver bump release <<'EOF'
1.2.4-rc.2	1.2.4
1.2.4-alpha.1+b	1.2.4
1.2.4	error: t-version: <input>: cannot bump SemVer version '1.2.4' (release): not a pre-release
EOF
	run tv semver bump post 1.2.3
	assert_failure 3
	assert_output "t-version: <input>: cannot bump SemVer version '1.2.3' (post): SemVer has no post-releases"
}

@test "semver: pre-release bumps with a level, channel versions" {
	table semver bump-pre minor rc <<'EOF'
1.2.3	1.3.0-rc.1
1.2.4-rc.1	1.3.0-rc.1
1.3.0-rc.1	1.3.0-rc.2
1.3.0-beta.4	1.3.0-rc.1
EOF
	table semver bump-pre major alpha <<'EOF'
1.2.3	2.0.0-alpha.1
2.0.0-alpha.1	2.0.0-alpha.2
2.1.0-alpha.1	3.0.0-alpha.1
EOF
	table semver prerelease nightly 20261126 <<'EOF'
1.2.4	1.2.4-nightly.20261126
1.2.4-rc.1+build	1.2.4-nightly.20261126
EOF
	table semver prerelease pr.42 7 <<'EOF'
1.2.4	1.2.4-pr.42.7
EOF
	table semver prerelease rc 3 <<'EOF'
1.2.4	1.2.4-rc.3
EOF
	run tv semver fields 1.2.4-rc.3
	assert_line pre_kind=rc
	table semver prerelease 01 3 <<'EOF'
1.2.4	error: t-version: <input>: invalid SemVer pre-release label '01': numeric identifier has a leading zero
EOF
	table semver prerelease a_b 3 <<'EOF'
1.2.4	error: t-version: <input>: invalid SemVer pre-release label 'a_b': invalid character '_' in pre-release
EOF
	table semver prerelease nightly. 3 <<'EOF'
1.2.4	error: t-version: <input>: invalid SemVer pre-release label 'nightly.': empty pre-release identifier
EOF
}

# --- PEP 440 ----------------------------------------------------------------

@test "pep440: the spec's ordering example" {
	cat >expected <<'EOF'
1.dev0
1.0.dev456
1.0a1
1.0a2.dev456
1.0a12.dev456
1.0a12
1.0b1.dev456
1.0b2
1.0b2.post345.dev456
1.0b2.post345
1.0rc1.dev456
1.0rc1
1.0
1.0+abc.5
1.0+abc.7
1.0+5
1.0.post456.dev34
1.0.post456
1.0.15
1.1.dev1
EOF
	tac expected | tv pep440 sort >out1
	diff -u expected out1
	# interleaved
	awk 'NR % 2 == 0' expected >in2
	awk 'NR % 2 == 1' expected | tac >>in2
	tv pep440 sort <in2 >out2
	diff -u expected out2
	# strictly increasing, pairwise
	mapfile -t vs <expected
	for ((i = 0; i + 1 < ${#vs[@]}; i++)); do
		run tv pep440 compare "${vs[i]}" "${vs[i + 1]}"
		[ "$output" = "<" ] || {
			echo "${vs[i]} vs ${vs[i + 1]}: $output"
			return 1
		}
	done
}

@test "pep440: normalisation" {
	table pep440 parse <<'EOF'
1.0	1.0
v1.0	1.0
V1.0	1.0
  1.0  	1.0
1.0-ALPHA.1	1.0a1
1.0ALPHA1	1.0a1
1.0.alpha1	1.0a1
1.0-a_1	1.0a1
1.0a	1.0a0
1.0BETA	1.0b0
1.0b2	1.0b2
1.0c1	1.0rc1
1.0RC1	1.0rc1
1.0pre1	1.0rc1
1.0-preview-2	1.0rc2
1.0-1	1.0.post1
1.0_post_1	1.0.post1
1.0.POST	1.0.post0
1.0-r4	1.0.post4
1.0rev	1.0.post0
1.0.post-1	1.0.post1
1.0.dev	1.0.dev0
1.0-DEV-3	1.0.dev3
1.0a1-1	1.0a1.post1
1.0-1.dev1	1.0.post1.dev1
1.0a1.post.dev	1.0a1.post0.dev0
1.0a..dev1	1.0a0.dev1
1.0.a.-1	1.0a0.post1
1!1.0	1!1.0
0!1.0	1.0
007!01.002.0003	7!1.2.3
1.0+ABC-01_x	1.0+abc.1.x
1.0+ubuntu-1	1.0+ubuntu.1
1.0+0001	1.0+1
1.0+0	1.0+0
2012.04	2012.4
1.0.0.0.0	1.0.0.0.0
EOF
}

@test "pep440: invalid versions and messages" {
	table pep440 parse <<'EOF'
1.0.	error: t-version: <input>: invalid PEP 440 version '1.0.': unexpected '.' after '1.0'
1.0x	error: t-version: <input>: invalid PEP 440 version '1.0x': unexpected 'x' after '1.0'
1.0+	error: t-version: <input>: invalid PEP 440 version '1.0+': expected a local version segment at end of input
1.0+a..b	error: t-version: <input>: invalid PEP 440 version '1.0+a..b': expected a local version segment at '.'
1.0_1	error: t-version: <input>: invalid PEP 440 version '1.0_1': unexpected '_' after '1.0'
1.0a-.1	error: t-version: <input>: invalid PEP 440 version '1.0a-.1': unexpected '.' after '1.0a-'
1.0-	error: t-version: <input>: invalid PEP 440 version '1.0-': unexpected '-' after '1.0'
a1.0	error: t-version: <input>: invalid PEP 440 version 'a1.0': expected a release number, got 'a'
vv1.0	error: t-version: <input>: invalid PEP 440 version 'vv1.0': expected a release number, got 'v'
1!	error: t-version: <input>: invalid PEP 440 version '1!': expected a release number after the epoch, got end of input
1.0 extra	error: t-version: <input>: invalid PEP 440 version '1.0 extra': unexpected ' ' after '1.0'
18446744073709551616	error: t-version: <input>: invalid PEP 440 version '18446744073709551616': release segment too large (the limit is 18446744073709551615)
99999999999999999999!1	error: t-version: <input>: invalid PEP 440 version '99999999999999999999!1': epoch too large (the limit is 18446744073709551615)
1.0a99999999999999999999	error: t-version: <input>: invalid PEP 440 version '1.0a99999999999999999999': pre-release number too large (the limit is 18446744073709551615)
1.0.post99999999999999999999	error: t-version: <input>: invalid PEP 440 version '1.0.post99999999999999999999': post-release number too large (the limit is 18446744073709551615)
1.0-99999999999999999999	error: t-version: <input>: invalid PEP 440 version '1.0-99999999999999999999': post-release number too large (the limit is 18446744073709551615)
1.0.dev99999999999999999999	error: t-version: <input>: invalid PEP 440 version '1.0.dev99999999999999999999': dev-release number too large (the limit is 18446744073709551615)
EOF
	run tv pep440 parse "   "
	assert_failure 3
	assert_output "t-version: <input>: invalid PEP 440 version '   ': empty version"
	# local numeric segments compare as digit strings: no limit
	run tv pep440 compare 1.0+99999999999999999999999 1.0+99999999999999999999998
	assert_output ">"
}

@test "pep440: comparison rules" {
	cat >cases <<'EOF'
1.0 1.0.0 =
1 1.0.0.0 =
1.0.post0 1.0 >
1.0a0 1.0a =
1!0.1 2.0 >
1.0+local 1.0 >
1.0+abc 1.0+abc.0 <
1.0+1 1.0+z >
1.0+a 1.0+B <
1.0+01 1.0+1 =
1.0.dev1 1.0a1.dev1 <
1.0a1.dev1 1.0a1 <
1.0rc1.post1 1.0 <
1.0.post1.dev1 1.0.post1 <
1.0.post1.dev1 1.0 >
1.1.dev1 1.0.post99 >
1.0b2.post345.dev456 1.0b2.post345 <
EOF
	while read -r a b want; do
		run tv pep440 compare "$a" "$b"
		[ "$output" = "$want" ] || {
			echo "$a vs $b: got '$output', want '$want'"
			return 1
		}
	done <cases
}

@test "pep440: bumps" {
	table pep440 bump major <<'EOF'
1.2.3	2.0.0
1.2	2.0
1.0rc1	1.0
1!1.2.3+local	1!2.0.0
EOF
	table pep440 bump minor <<'EOF'
1.2.3	1.3.0
1	1.1
2024.1.0.7	2024.2.0
1.2.0rc1	1.2.0
EOF
	table pep440 bump patch <<'EOF'
1.2.3	1.2.4
1.2	1.2.1
1	1.0.1
1.2.3.4	1.2.4
1.2.3.post4	1.2.4
1.2.4rc1	1.2.4
1.2.3.4rc1	1.2.4
EOF
	table pep440 bump alpha <<'EOF'
1.2.3	1.2.4a1
1.2.4a1	1.2.4a2
1.2.4a1.dev2	1.2.4a1
1.2.4.dev3	1.2.4a1
1.2.4rc1	error: t-version: <input>: cannot bump PEP 440 version '1.2.4rc1' (alpha): '1.2.4a1' would not be higher
EOF
	table pep440 bump beta <<'EOF'
1.2.3	1.2.4b1
1.2.4a3	1.2.4b1
1.2.4.dev3	1.2.4b1
EOF
	table pep440 bump rc <<'EOF'
1.2.3	1.2.4rc1
1.2.4rc1	1.2.4rc2
1.2.4b2	1.2.4rc1
1.2.4rc2.post1	1.2.4rc3
EOF
	table pep440 bump dev <<'EOF'
1.2.3	1.2.4.dev1
1.2.4.dev1	1.2.4.dev2
1.2.4a1	1.2.4a2.dev1
1.2.4a2.dev1	1.2.4a2.dev2
EOF
	table pep440 bump post <<'EOF'
1.2.3	1.2.3.post1
1.2.3.post1	1.2.3.post2
1.2.4rc1	error: t-version: <input>: cannot bump PEP 440 version '1.2.4rc1' (post): not a release
EOF
	table pep440 bump release <<'EOF'
1.2.4rc2	1.2.4
1.2.4.dev3	1.2.4
1.2.4a1.post2.dev3+x	1.2.4
1.2.4	error: t-version: <input>: cannot bump PEP 440 version '1.2.4' (release): not a pre-release
EOF
}

@test "pep440: pre-release bumps with a level, channel versions" {
	table pep440 bump-pre minor alpha <<'EOF'
1.2.3	1.3.0a1
1.3.0a1	1.3.0a2
1.2.4a1	1.3.0a1
EOF
	table pep440 bump-pre major dev <<'EOF'
1.2.3	2.0.0.dev1
2.0.0.dev1	2.0.0.dev2
EOF
	table pep440 prerelease nightly 20261126 <<'EOF'
1.2.4	1.2.4.dev20261126
1!1.2.4rc1.post2+x	1!1.2.4.dev20261126
EOF
	table pep440 prerelease dev 5 <<'EOF'
1.2.4	1.2.4.dev5
EOF
	table pep440 prerelease ALPHA 7 <<'EOF'
1.2.4	1.2.4a7
EOF
	table pep440 prerelease preview 2 <<'EOF'
1.2.4	1.2.4rc2
EOF
	table pep440 prerelease post 2 <<'EOF'
1.2.4	1.2.4.post2
EOF
	table pep440 prerelease bad/label 2 <<'EOF'
1.2.4	error: t-version: <input>: invalid PEP 440 pre-release label 'bad/label': only letters, digits, '.', '-' and '_' are allowed
EOF
}

# --- hostile input ----------------------------------------------------------

@test "hostile: embedded NUL, unicode, control bytes" {
	printf '1.0.0\0junk' >nul
	run tv semver parse-stdin <nul
	assert_failure 3
	assert_output "t-version: <stdin>: invalid SemVer version '1.0.0\x00junk': unexpected byte \x00 after patch version (expected '-', '+' or the end)"
	printf '1.0\0' >nul2
	run tv pep440 parse-stdin <nul2
	assert_failure 3
	assert_output "t-version: <stdin>: invalid PEP 440 version '1.0\x00': unexpected byte \x00 after '1.0'"
	run tv semver parse "1.0.0-αβ"
	assert_failure 3
	assert_output "t-version: <input>: invalid SemVer version '1.0.0-\xce\xb1\xce\xb2': invalid character byte \xce in pre-release"
	run tv pep440 parse "１.0"
	assert_failure 3
	assert_output "t-version: <input>: invalid PEP 440 version '\xef\xbc\x91.0': expected a release number, got byte \xef"
	run tv semver parse $'1.0.0-a\nb'
	assert_failure 3
	assert_output "t-version: <input>: invalid SemVer version '1.0.0-a\x0ab': invalid character byte \x0a in pre-release"
	# a stdin line with NUL in sort reports its line
	printf '1.0.0\n1.0.1\0\n' >lines
	run tv semver sort <lines
	assert_failure 3
	assert_output "t-version: <stdin>:2: invalid SemVer version '1.0.1\x00': unexpected byte \x00 after patch version (expected '-', '+' or the end)"
}

@test "hostile: 10k-character inputs are handled and messages stay short" {
	long=$(printf 'a%.0s' $(seq 10000))
	run tv semver parse "1.0.0-$long"
	assert_success
	assert_output "1.0.0-$long"
	run tv semver parse "1.0.0-$long!"
	assert_failure 3
	assert_output "t-version: <input>: invalid SemVer version '1.0.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...(10007 bytes)': invalid character '!' in pre-release"
	digits=$(printf '9%.0s' $(seq 10000))
	run tv semver parse "$digits.0.0"
	assert_failure 3
	assert_output --partial "major version number too large"
	run tv semver compare "1.0.0-$digits" "1.0.0-${digits}8"
	assert_output "<"
	# 5000 release segments are valid PEP 440 and format back unchanged
	rel=$(seq 5000 | paste -sd.)
	run tv pep440 parse "$rel"
	assert_success
	assert_output "$rel"
	run tv pep440 compare "$rel" "$rel.0.0"
	assert_output "="
	run tv pep440 parse "1.0+$long"
	assert_success
	run tv pep440 parse "1.0$long"
	assert_failure 3
	[ "${#output}" -lt 200 ]
	run tv pep440 parse "${rel}x"
	assert_failure 3
	assert_output "t-version: <input>: invalid PEP 440 version '${rel:0:64}...($((${#rel} + 1)) bytes)': unexpected 'x' at byte $((${#rel} + 1))"
	dots=$(printf '.%.0s' $(seq 10000))
	run tv pep440 parse "1$dots"
	assert_failure 3
	run tv semver parse "$dots"
	assert_failure 3
}

# --- cross-checks against reference implementations --------------------------

@test "pep440: normalisation and order agree with packaging.version on generated versions" {
	py="$RK_TOP/.venv/bin/python"
	# packaging is pinned in scripts/bootstrap: its absence is a failure, not a skip
	"$py" - >gen <<'EOF'
import random
r = random.Random(440)
seps = ["", ".", "-", "_"]
def num():
    return str(r.choice([0, 1, 2, 9, 10, 11, 99, 100, 456, 2026, r.randrange(10**6)]))
def pad(n):
    return "0" * r.choice([0, 0, 0, 1, 2]) + n
out = set()
while len(out) < 600:
    s = ""
    if r.random() < 0.1: s += r.choice(["v", "V"])
    if r.random() < 0.1: s += num() + "!"
    s += ".".join(pad(num()) for _ in range(r.choice([1, 1, 2, 2, 3, 3, 3, 4, 5])))
    if r.random() < 0.5:
        s += r.choice(seps) + r.choice(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "A", "RC", "Beta"])
        if r.random() < 0.8: s += r.choice(seps) + num()
    if r.random() < 0.3:
        if r.random() < 0.3: s += "-" + num()
        else:
            s += r.choice(seps) + r.choice(["post", "rev", "r", "POST"])
            if r.random() < 0.8: s += r.choice(seps) + num()
    if r.random() < 0.3:
        s += r.choice(seps) + r.choice(["dev", "DEV"])
        if r.random() < 0.8: s += r.choice(seps) + num()
    if r.random() < 0.2:
        s += "+" + r.choice(seps[1:]).join(r.choice(["abc", "ubuntu", "1", "01", "z9", "Local", num()]) for _ in range(r.choice([1, 2, 3])))
    if r.random() < 0.05: s = " " + s + "\t"
    if r.random() < 0.08:  # damage it
        i = r.randrange(len(s) + 1)
        s = s[:i] + r.choice(["..", "x", "+", "!", "-", "_", "a.", "+-"]) + s[i:]
    out.add(s)
for s in sorted(out):
    print(s)
EOF
	"$py" - gen >expected <<'EOF'
import sys
from packaging.version import Version, InvalidVersion
for line in open(sys.argv[1]).read().split("\n")[:-1]:
    try:
        print(Version(line))
    except InvalidVersion:
        print("invalid")
EOF
	tv pep440 normalise <gen >actual
	diff -u expected actual
	# there must be both valid and invalid ones for this to mean something
	[ "$(grep -c invalid actual)" -gt 10 ]
	[ "$(grep -vc invalid actual)" -gt 400 ]
	# order: sort the valid ones (stable, same input order) both ways
	grep -v invalid actual | shuf --random-source=gen >valid
	"$py" -c '
import sys
from packaging.version import Version
vs = open(sys.argv[1]).read().split("\n")[:-1]
for v in sorted(vs, key=Version):
    print(v)' valid >sorted.expected
	tv pep440 sort <valid >sorted.actual
	diff -u sorted.expected sorted.actual
}

@test "semver: acceptance agrees with semver.org's regular expression on generated strings" {
	py="$RK_TOP/.venv/bin/python"
	"$py" - >gen <<'EOF'
import random
r = random.Random(200)
parts = ["0", "1", "01", "00", "10", "999", "a", "alpha", "beta", "rc", "-", "--", "x-y", "0a", "A1", "1a", "0-", "é", "_", " "]
def ids(n):
    return ".".join(r.choice(parts) for _ in range(n))
out = set()
while len(out) < 800:
    s = ".".join(r.choice(["0", "1", "2", "12", "0", "1", "01", "", "x"]) for _ in range(r.choice([2, 3, 3, 3, 3, 3, 3, 4])))
    if r.random() < 0.5: s += "-" + ids(r.choice([0, 1, 1, 2, 3]))
    if r.random() < 0.3: s += "+" + ids(r.choice([0, 1, 2]))
    if r.random() < 0.05: s += r.choice(["+", "-", "."])
    out.add(s)
for s in sorted(out):
    print(s)
EOF
	"$py" - gen >expected <<'EOF'
import re, sys
rx = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", re.ASCII)
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]:
    print(line if rx.match(line) else "invalid")
EOF
	tv semver normalise <gen >actual
	diff -u expected actual
	[ "$(grep -c invalid actual)" -gt 100 ]
	[ "$(grep -vc invalid actual)" -gt 50 ]
}

@test "t-version: usage errors exit 2" {
	run tv
	assert_failure 2
	run tv semver bump sideways 1.0.0
	assert_failure 2
	assert_output "t-version: unknown bump 'sideways'"
	run tv cargo parse 1.0.0
	assert_failure 2
}

@test "schemes of ecosystems" {
	run tv ecosystem python
	assert_output pep440
	run tv ecosystem npm
	assert_output semver
	run tv ecosystem cargo
	assert_output semver
	run tv ecosystem maven
	assert_failure 3
	assert_output "t-version: unknown ecosystem 'maven'"
}

@test "semver: order agrees with node-semver's compare on generated versions" {
	semver_js="$RK_TOP/.tools/node/node_modules/semver"
	# node-semver comes with the npm packages scripts/bootstrap installs
	[ -f "$semver_js/package.json" ]
	"$RK_TOP/.venv/bin/python" - >valid <<'EOF'
import random
r = random.Random(11)
ids = ["0", "1", "2", "9", "10", "11", "99", "100", "a", "b", "alpha", "beta", "rc", "dev", "A", "Z", "-", "x-1", "1a", "a1", "0a"]
out = set()
while len(out) < 500:
    s = ".".join(r.choice(["0", "1", "2", "10"]) for _ in range(3))
    if r.random() < 0.7:
        s += "-" + ".".join(r.choice(ids) for _ in range(r.choice([1, 1, 2, 2, 3, 4])))
    if r.random() < 0.2:
        s += "+" + r.choice(["b", "001", "sha.5114f85"])
    out.add(s)
l = sorted(out)
r.shuffle(l)
for s in l:
    print(s)
EOF
	SEMVER_JS="$semver_js" node -e '
const semver = require(process.env.SEMVER_JS);
const vs = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
for (const v of vs) if (!semver.valid(v)) throw new Error("node-semver rejects " + v);
vs.sort(semver.compare);
process.stdout.write(vs.join("\n") + "\n");' <valid >expected
	tv semver sort <valid >actual
	diff -u expected actual
}
