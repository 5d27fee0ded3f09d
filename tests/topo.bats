#!/usr/bin/env bats
# lib/rk_topo: the one topological sort / cycle finder (tests/helpers/t-topo.c).

load test_helper

@test "topo dfs: dependencies first, roots and edges in their order" {
	run t_helper t-topo dfs 5 <<-EOF
	0 2
	0 1
	1 3
	4 0
	EOF
	assert_success
	assert_output "order: 2 3 1 0 4"
}

@test "topo dfs: the first cycle found, from its entry to the back edge" {
	run t_helper t-topo dfs 5 <<-EOF
	0 1
	1 2
	2 3
	3 1
	EOF
	assert_failure 1
	assert_output "cycle: 1 2 3"
}

@test "topo dfs: a self edge is a cycle of one" {
	printf '0 1\n1 1\n' >edges
	run t_helper t-topo dfs 2 <edges
	assert_failure 1
	assert_output "cycle: 1"
}

@test "topo dfs: ignoring cycles still lists every node once" {
	printf '0 1\n1 2\n2 0\n3 0\n' >edges
	run t_helper t-topo dfs-ignore 4 <edges
	assert_success
	assert_output "order: 2 1 0 3"
}

@test "topo dfs: a mask and skipped edges leave their nodes and edges out" {
	printf '0 1\n1 2\n2 0\n0 -\n3 0\n' >edges
	# node 2 is out: the cycle through it is gone, and it is not listed
	run t_helper t-topo dfs 4 1101 <edges
	assert_success
	assert_output "order: 1 0 3"
}

@test "topo levels: Kahn's levels, ordered by level then by the caller's key" {
	printf '0 1\n0 2\n1 3\n2 3\n4 3\n' >edges
	run t_helper t-topo levels 5 <edges
	assert_success
	assert_output - <<-EOF
	0 2
	1 1
	2 1
	3 0
	4 1
	seq: 3 1 2 4 0
	EOF
	run t_helper t-topo levels 5 4,3,2,1,0 <edges
	assert_success
	assert_line "seq: 3 4 2 1 0"
}

@test "topo levels: nodes on or behind a cycle have no level" {
	printf '0 1\n1 0\n2 0\n' >edges
	run t_helper t-topo levels 4 <edges
	assert_success
	assert_output - <<-EOF
	0 -1
	1 -1
	2 -1
	3 0
	seq: 3
	EOF
}

@test "topo scc: components in a topological order, cycles grouped" {
	printf '0 1\n1 2\n2 1\n2 3\n4 4\n' >edges
	run t_helper t-topo scc 5 <edges
	assert_success
	assert_output - <<-EOF
	3
	2 1
	0
	4
	EOF
}

@test "topo: a 300,000-long chain, in order, levelled, and as one cycle (no recursion)" {
	run t_helper t-topo chain 300000
	assert_success
	assert_output "ok 300000"
}
