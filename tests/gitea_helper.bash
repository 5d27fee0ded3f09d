# A real Gitea for a bats file (issue 17): `load gitea_helper` after
# test_helper, then
#
#   setup_file()    { gitea_start; }
#   teardown_file() { gitea_stop; }
#
# gitea_start runs .tools/gitea/gitea (scripts/bootstrap builds it) on
# 127.0.0.1 at an ephemeral port with a scratch work directory and sqlite
# (INSTALL_LOCK, offline, no mail, no SSH, no actions), creates the admin
# user "rk" and a token, and exports
#   GITEA_URL     http://127.0.0.1:PORT
#   GITEA_TOKEN   the admin's token (all scopes)
# gitea_repo NAME creates the repository rk/NAME (empty; default branch
# main) and prints its clone URL (no credentials in it).
# gitea_api METHOD PATH [JSON]: curl the API with the token (prints the body).

GITEA_BIN="$RK_TOP/.tools/gitea/gitea"

gitea_start() {
	local d="$BATS_FILE_TMPDIR/gitea" port i
	[ -x "$GITEA_BIN" ] || {
		echo "gitea is not built: run scripts/bootstrap" >&2
		return 1
	}
	mkdir -p "$d/custom/conf" "$d/log"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	cat >"$d/custom/conf/app.ini" <<EOT
APP_NAME = rk-test
RUN_MODE = prod
RUN_USER = $(id -un)
WORK_PATH = $d
I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true

[database]
DB_TYPE = sqlite3
PATH = $d/gitea.db

[repository]
ROOT = $d/repos
DEFAULT_BRANCH = main

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = $port
ROOT_URL = http://127.0.0.1:$port/
DOMAIN = 127.0.0.1
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
APP_DATA_PATH = $d/data
STATIC_ROOT_PATH = $RK_TOP/.tools/gitea/src

[security]
INSTALL_LOCK = true
SECRET_KEY = rk-test-secret-key-not-secret
INTERNAL_TOKEN = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE3MDAwMDAwMDB9.rk-test-internal-token-0123456789
PASSWORD_HASH_ALGO = pbkdf2_hi

[oauth2]
ENABLED = false

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false

[mailer]
ENABLED = false

[actions]
ENABLED = false

[cron]
ENABLED = false

[indexer]
REPO_INDEXER_ENABLED = false

[log]
MODE = file
LEVEL = Warn
ROOT_PATH = $d/log

[api]
DEFAULT_PAGING_NUM = 50
MAX_RESPONSE_ITEMS = 100
EOT
	GITEA_WORK_DIR="$d" GITEA_CUSTOM="$d/custom" "$GITEA_BIN" web \
		--config "$d/custom/conf/app.ini" --work-path "$d" >"$d/log/stdout" 2>&1 3>&- &
	echo $! >"$d/pid"
	for i in $(seq 1 600); do
		curl -sf "http://127.0.0.1:$port/api/v1/version" >/dev/null 2>&1 && break
		if ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
			cat "$d/log/stdout" >&2
			return 1
		fi
		sleep 0.2
	done
	curl -sf "http://127.0.0.1:$port/api/v1/version" >/dev/null || {
		tail -20 "$d/log/stdout" >&2
		return 1
	}
	"$GITEA_BIN" admin user create --config "$d/custom/conf/app.ini" --work-path "$d" \
		--username rk --password 'rk-test-password-1' --email rk@example.com --admin \
		--must-change-password=false >/dev/null || return 1
	GITEA_TOKEN=$("$GITEA_BIN" admin user generate-access-token --config "$d/custom/conf/app.ini" \
		--work-path "$d" --username rk --token-name rk-test --scopes all --raw 2>/dev/null | tail -n1) || return 1
	# the CLI logs its root warning on stdout too: the token is the last line
	export GITEA_URL="http://127.0.0.1:$port" GITEA_TOKEN
	echo "$GITEA_URL" >"$d/url"
	echo "$GITEA_TOKEN" >"$d/token"
}

gitea_stop() {
	local d="$BATS_FILE_TMPDIR/gitea"
	if [ -f "$d/pid" ]; then
		kill "$(cat "$d/pid")" 2>/dev/null || true
		rm -f "$d/pid"
	fi
}

# In setup(): the URL and token of the file's Gitea.
gitea_env() {
	local d="$BATS_FILE_TMPDIR/gitea"
	GITEA_URL=$(cat "$d/url") GITEA_TOKEN=$(cat "$d/token")
	export GITEA_URL GITEA_TOKEN
}

gitea_api() {
	local m=$1 p=$2 body=${3:-}
	if [ -n "$body" ]; then
		curl -sS -X "$m" -H "Authorization: token $GITEA_TOKEN" -H 'Content-Type: application/json' \
			-d "$body" "$GITEA_URL/api/v1$p"
	else
		curl -sS -X "$m" -H "Authorization: token $GITEA_TOKEN" "$GITEA_URL/api/v1$p"
	fi
}

# gitea_wait_pushed NAME: until Gitea has processed the first push (not "empty")
gitea_wait_pushed() {
	local i
	for i in $(seq 1 300); do
		gitea_api GET "/repos/rk/$1" | jq -e '.empty == false' >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# gitea_wait_tag REPO TAG: until Gitea has synced a pushed tag into its
# database (its page of that tag's release answers, 404 before). Gitea does that in a queue after the
# push, and the sync publishes a draft release of that tag (IsDraft =
# false): a test that makes a draft of a tag it has just pushed waits first.
gitea_wait_tag() {
	local i
	for i in $(seq 1 300); do
		curl -sf -o /dev/null "$GITEA_URL/rk/$1/releases/tag/$2" && return 0
		sleep 0.1
	done
	echo "gitea_wait_tag: tag $2 of rk/$1 not synced" >&2
	return 1
}

# gitea_merge REPO N: fast-forward pull request N of rk/REPO into its base.
# Gitea checks a pull request's mergeability in a queue after each push and
# answers 405 "try again later" until then: retried until merged (30 s).
gitea_merge() {
	local i code
	for i in $(seq 1 150); do
		code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: token $GITEA_TOKEN" \
			-H 'Content-Type: application/json' -d '{"Do":"fast-forward-only"}' \
			"$GITEA_URL/api/v1/repos/rk/$1/pulls/$2/merge")
		[ "$code" = 200 ] && return 0
		gitea_api GET "/repos/rk/$1/pulls/$2" | jq -e '.merged == true' >/dev/null && return 0
		sleep 0.2
	done
	echo "gitea_merge: pull request $2 of rk/$1 not merged (last answer $code)" >&2
	return 1
}

gitea_repo() {
	gitea_api POST /user/repos "{\"name\":\"$1\",\"default_branch\":\"main\",\"private\":false}" |
		jq -e -r .clone_url >/dev/null || return 1
	echo "$GITEA_URL/rk/$1.git"
}
