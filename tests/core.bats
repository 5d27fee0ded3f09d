#!/usr/bin/env bats
# lib core: rk_buf, rk_sha256, rk_msg (tests/helpers/t-core.c).

load test_helper

@test "sha256 of buffers matches the FIPS 180-2 vectors" {
	run t_helper t-core sha256-buf "abc"
	assert_output "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	run t_helper t-core sha256-buf ""
	assert_output "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	run t_helper t-core sha256-buf "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
	assert_output "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
}

@test "sha256 of a file and of stdin agree with sha256sum, for a 5 MB binary file" {
	head -c 5000000 /dev/urandom >big.bin
	want=$(sha256sum big.bin | cut -d' ' -f1)
	run t_helper t-core sha256-file big.bin
	assert_output "$want"
	run t_helper t-core sha256-stdin <big.bin
	assert_output "$want"
}

@test "sha256 of a missing file is an error naming it" {
	run t_helper t-core sha256-file nope
	assert_failure 1
	assert_output "t-core: nope: No such file or directory"
}

@test "tree digest: independent of creation order and mtimes, skips .git" {
	mkdir -p a/sub b/sub
	echo one >a/x; echo two >a/sub/y
	echo two >b/sub/y; echo one >b/x
	touch -d '2001-01-01' b/x
	mkdir -p b/.git && echo junk >b/.git/HEAD
	da=$(t_helper t-core sha256-tree a)
	db=$(t_helper t-core sha256-tree b)
	[ "${#da}" -eq 64 ]
	[ "$da" = "$db" ]
}

@test "tree digest: changes with content, names, the executable bit and symlinks" {
	mkdir -p a && echo one >a/x
	d0=$(t_helper t-core sha256-tree a)
	echo One >a/x
	d1=$(t_helper t-core sha256-tree a)
	[ "$d0" != "$d1" ]
	echo one >a/x
	[ "$(t_helper t-core sha256-tree a)" = "$d0" ]
	chmod +x a/x
	d2=$(t_helper t-core sha256-tree a)
	[ "$d2" != "$d0" ]
	chmod -x a/x
	mv a/x a/y
	[ "$(t_helper t-core sha256-tree a)" != "$d0" ]
	mv a/y a/x
	ln -s x a/link
	[ "$(t_helper t-core sha256-tree a)" != "$d0" ]
	rm a/link
	[ "$(t_helper t-core sha256-tree a)" = "$d0" ]
}

@test "getline: lines of any length, a last line without newline, empty lines" {
	{ printf 'ab\n\n'; head -c 3000000 /dev/zero | tr '\0' 'x'; printf '\nlast'; } >in.txt
	run t_helper t-core getline <in.txt
	assert_success
	assert_output $'2:1\n0:1\n3000000:1\n4:0'
}

@test "rk_buf_addf grows past its first allocation" {
	run t_helper t-core addf 100000
	assert_output "100004 [] 42"
}

@test "atomic write replaces the file and leaves no temporary behind" {
	echo old >f
	run t_helper t-core atomic f "new content"
	assert_success
	[ "$(cat f)" = "new content" ]
	[ "$(ls)" = "f" ]
	run t_helper t-core atomic no/such/dir/f "x"
	assert_failure 1
	assert_output "t-core: no/such/dir/f: No such file or directory"
}

@test "messages: one line, source:line:col, newlines folded" {
	run --separate-stderr t_helper t-core err in.json 3 7 "bad thing"
	[ "$stderr" = "t-core: in.json:3:7: bad thing" ]
	run --separate-stderr t_helper t-core err in.json 3 0 "bad"
	[ "$stderr" = "t-core: in.json:3: bad" ]
	run --separate-stderr t_helper t-core die 3 $'two\nlines'
	[ "$status" -eq 3 ]
	[ "$stderr" = "t-core: two lines" ]
}

@test "a closed stdout pipe ends a tool quietly" {
	# rk-x --help into a closed pipe: no 'write error' message, no crash.
	run bash -c 'rk-graph --help | true; echo "${PIPESTATUS[0]}"'
	assert_output "0"
}
