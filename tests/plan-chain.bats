#!/usr/bin/env bats
# Deep dependency graphs need no call stack: rk-plan orders a 300,000-long
# chain and rk-config --generate writes 100,000 packages (generated here,
# not fixture files). Sorting is lib/rk_topo (iterative); a recursive
# sort overflowed the stack on the chain (SIGSEGV, status 139).

load test_helper

@test "rk-plan: a 300,000-long dependency chain is ordered, dependencies first" {
	make_git_repo repo
	git_commit_all repo "feat: start"
	# p0 -> p1 -> ... -> p299999 (each depends on the next), under
	# pk/A/B/ (a few dozen entries per directory); --all: a release record
	# for each
	awk 'BEGIN { n = 300000
		for (i = 0; i < n; i++) {
			d = i + 1 < n ? sprintf("{\"name\":\"p%d\"}", i + 1) : ""
			printf "{\"kind\":\"package\",\"name\":\"p%d\",\"ecosystem\":\"npm\",\"path\":\"pk/%d/%d/p%d\",\"version\":\"1.0.0\",\"deps\":[%s]}\n", i, int(i / 4489), int(i / 67) % 67, i, d
		} }' >chain.ndjson
	run --separate-stderr rk-plan -C repo --date 20261126 --no-actions --all <chain.ndjson
	assert_success
	echo "$output" | jq -r 'select(.kind == "release") | .name' >order
	[ "$(wc -l <order)" -eq 300000 ]
	[ "$(head -n 1 order)" = p299999 ]
	[ "$(sed -n 2p order)" = p299998 ]
	[ "$(tail -n 1 order)" = p0 ]
}

@test "rk-config --generate: 100,000 packages in a chain" {
	awk 'BEGIN { n = 100000
		for (i = 0; i < n; i++) {
			d = i ? sprintf("{\"name\":\"p%d\"}", i - 1) : ""
			printf "{\"kind\":\"package\",\"name\":\"p%d\",\"ecosystem\":\"npm\",\"manager\":\"npm\",\"path\":\"pk/g%d/p%d\",\"workspace\":\".\",\"publishable\":true,\"deps\":[%s]}\n", i, i % 10, i, d
		} }' >pkgs.ndjson
	run --separate-stderr rk-config --generate --root . <pkgs.ndjson
	assert_success
	[ "$(echo "$output" | grep -c '^npm_package(name = ')" -eq 100000 ]
	[ "$(echo "$output" | grep -c '^release_group(')" -eq 10 ]
	echo "$output" | grep -qx '# releasekit:generate end'
}
