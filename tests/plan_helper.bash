# Fixture helpers for the rk-plan tests (tests/plan.bats):
# `load plan_helper` after `load test_helper`. Each test builds a real git
# repository in $T/repo and hand-written package records in in.ndjson.

setup() {
	setup_common
	make_git_repo repo
	: >in.ndjson
	n=0
}

# pkg NAME ECOSYSTEM PATH VERSION [DEPS-JSON [EXTRA-JSON]]: add a package record
pkg() {
	local mgr man
	case $2 in
	python) mgr=uv man=pyproject.toml ;;
	npm) mgr=pnpm man=package.json ;;
	cargo) mgr=cargo man=Cargo.toml ;;
	esac
	mkdir -p "repo/$3"
	[ -f "repo/$3/$man" ] || echo "name = $1" >"repo/$3/$man"
	printf '{"kind":"package","name":"%s","version":"%s","ecosystem":"%s","manager":"%s","path":"%s","manifest":"%s/%s","publishable":true,"deps":%s%s}\n' \
		"$1" "$4" "$2" "$mgr" "$3" "$3" "$man" "${5:-[]}" "${6:+,$6}" >>in.ndjson
}

# dep NAME ECOSYSTEM [TYPE [SPEC]]: a deps[] item; SPEC defaults to a
# requirement no release satisfies ("=0.0.0", python "==0.0.0"), so that a
# released dependency moves it (rk-plan plans ranges only where one must move)
dep() {
	local spec
	spec=${4-$([ "$2" = python ] && echo '==0.0.0' || echo '=0.0.0')}
	printf '{"name":"%s","ecosystem":"%s","spec":"%s","type":"%s"}' "$1" "$2" "$spec" "${3:-normal}"
}

# change PATH MESSAGE: change a file under repo/PATH and commit
change() {
	n=$((n + 1))
	mkdir -p "repo/$1"
	echo "$n" >>"repo/$1/file.txt"
	git -C repo add -A
	git -C repo commit -q -m "$2"
}

# init: commit everything as the initial import
init() {
	git -C repo add -A
	git -C repo commit -q -m "chore: initial import"
}
