# Forge fakes for the forge tests: `load forge_helper` after test_helper.
#
# fake_start KIND OWNER/REPO TOKEN: starts tests/helpers/forgefake (GitHub,
#   GitLab or Bitbucket, see its --help) for this test; sets FAKE_URL.
# fake_state: its state (JSON) on stdout.
# fake_fault JSON: POST /_fake/fault.
# release_act ID TAG NOTES FORGE_JSON DIST...: a built-in release action
#   (RK_ACT_TYPE=draft: a draft action; RK_ACT_SECTIONS=JSON: params.sections
#   instead of NOTES, which is then left out when empty).

fake_start() {
	local kind=$1 repo=$2 token=$3 pf="$BATS_TEST_TMPDIR/fake.port" i
	rm -f "$pf"
	"$RK_TOP/.venv/bin/python" "$RK_TOP/tests/helpers/forgefake" --kind "$kind" --repo "$repo" \
		--token "$token" --port-file "$pf" 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/fake.pid"
	for i in $(seq 1 200); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	FAKE_URL="http://127.0.0.1:$(cat "$pf")"
	export FAKE_URL
}

fake_stop() {
	[ -f "$BATS_TEST_TMPDIR/fake.pid" ] && kill "$(cat "$BATS_TEST_TMPDIR/fake.pid")" 2>/dev/null
	rm -f "$BATS_TEST_TMPDIR/fake.pid"
}

fake_state() { curl -sf "$FAKE_URL/_fake/state"; }
fake_fault() { curl -sf -X POST -d "$1" "$FAKE_URL/_fake/fault" >/dev/null; }

release_act() {
	local id=$1 tag=$2 notes=$3 forge=$4
	shift 4
	jq -cn --arg id "$id" --arg tag "$tag" --arg notes "$notes" --argjson forge "$forge" \
		--arg key "$(printf '%s' "$id$tag" | sha256sum | cut -c1-64)" \
		--arg type "${RK_ACT_TYPE:-release}" --argjson sections "${RK_ACT_SECTIONS:-null}" \
		'{kind:"action",id:$id,type:$type,deps:[],key:$key,phase:"publish",tag:$tag,
		  params:({tag:$tag,notes:$notes,remote:"origin",forge:$forge,dists:$ARGS.positional}
		          + if $sections then {sections:$sections} else {} end
		          | if $notes == "" then del(.notes) else . end)}' \
		--args "$@"
}
