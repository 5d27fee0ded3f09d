# releasekit-setup.sh: what every scripts/commands/* script shares (sourced,
# git-sh-setup style; installed as PREFIX/libexec/releasekit/releasekit-setup.sh).
#
#   . "$RK_SETUP"
#   rk_options SHORT LONG "$@"    normalize the arguments with getopt(1)
#   set -- "${RK_ARGS[@]}"        (bundles split, abbreviations expanded,
#                                 operands after "--"); a bad option is one
#                                 line naming the user's command, exit 2
#   rk_die CODE MSG               "releasekit CMD: MSG" on stderr, exit CODE
#   rk_usage_error MSG            rk_die 2 (an unknown option adds
#                                 "(see 'releasekit CMD --help')")
#   rk_cd DIR                     -C DIR: run as if started in DIR
#   rk_take_C "$@"                for a command that passes its arguments on
#                                 as they are (cache): every -C DIR / -CDIR
#                                 done (rk_cd) and removed; the rest in RK_ARGS
#   rk_root                       the default root: the git work tree's top
#                                 level, else the current directory
#   rk_git_root                   cd to the git work tree's top level (the
#                                 commands that write: prepare, publish), or
#                                 exit 1 "not a git repository"; sets RK_ROOT
#   rk_takes_arg OPT LONG         does --OPT take an argument in spec LONG
#                                 (to pass a tool's options on: `*) if
#                                 rk_takes_arg "$1" "$RK_PLAN_LONG"; ...`)
#   rk_show_events JSON           rk-exec's events (stdin) as one line per
#                                 finished action ("ok", "FAILED",
#                                 "skipped" + note or reason), or as they
#                                 are when JSON is 1 (prepare, publish)
#
# The option specs of the tools a command passes options to (one copy,
# here; tests/first-hour.bats checks them against each tool's --help):
#   RK_DISCOVER_SHORT/LONG  rk-discover's, which every discovering command takes
#   RK_GRAPH_LONG           rk-graph's
#   RK_PLAN_LONG            rk-plan's
#   RK_EXEC_SHORT/LONG      the rk-exec options publish and release pass on
#                           (-j/--jobs, --limit)
# $RK_USAGE_NAME ("releasekit CMD", set by the releasekit wrapper) also names
# the command in the tools' own usage errors.

: "${RK_USAGE_NAME:=releasekit ${RK_COMMAND:-$(basename "$0")}}"
export RK_USAGE_NAME

RK_DISCOVER_SHORT="kC:"
RK_DISCOVER_LONG="keep-going,root:,no-stdin"
RK_GRAPH_LONG="format:,levels,include-dev,edges:,strict,deps:,rdeps:,depth:,path:,group:,ecosystem:"
RK_PLAN_LONG="repo:,channel:,prerelease:,nightly,snapshot,branch:,date:,plans-dir:,all,no-actions,stats"
RK_EXEC_SHORT="j:"
RK_EXEC_LONG="jobs:,limit:"

rk_die() {
	local code=$1
	shift
	echo "$RK_USAGE_NAME: $*" >&2
	exit "$code"
}

rk_usage_error() {
	rk_die 2 "$@"
}

rk_options() {
	local short=$1 long=$2 out err rc=0
	shift 2
	err=$(mktemp)
	out=$(getopt -n "$RK_USAGE_NAME" -s bash -o "h$short" -l "help,$long" -- "$@" 2>"$err") || rc=$?
	if [ "$rc" != 0 ]; then
		local msg
		msg=$(head -n 1 "$err" | sed -e "s/^$RK_USAGE_NAME: //" \
			-e "s/^unrecognized option '\(.*\)'$/unknown option '\1'/" \
			-e "s/^invalid option -- '\(.\)'$/unknown option '-\1'/" \
			-e "s/^option requires an argument -- '\(.\)'$/option '-\1' needs an argument/" \
			-e "s/^option '\(.*\)' requires an argument$/option '\1' needs an argument/")
		rm -f "$err"
		rk_usage_error "$msg (see '$RK_USAGE_NAME --help')"
	fi
	rm -f "$err"
	eval "RK_ARGS=($out)"
}

rk_cd() {
	[ -n "$1" ] && cd "$1" 2>/dev/null || rk_usage_error "$1: no such directory"
}

rk_root() {
	git rev-parse --show-toplevel 2>/dev/null || pwd
}

rk_take_C() {
	RK_ARGS=()
	while [ $# -gt 0 ]; do
		case "$1" in
		-C) [ $# -ge 2 ] || rk_usage_error "option '-C' needs an argument"; rk_cd "$2"; shift ;;
		-C?*) rk_cd "${1#-C}" ;;
		*) RK_ARGS+=("$1") ;;
		esac
		shift
	done
}

rk_git_root() {
	local top
	top=$(git rev-parse --show-toplevel 2>/dev/null) || rk_die 1 "$(pwd): not a git repository"
	cd "$top"
	RK_ROOT=$top
}

rk_takes_arg() {
	[[ ",$2," == *",${1#--}:,"* ]]
}

rk_show_events() {
	if [ "$1" = 1 ]; then
		cat
		return
	fi
	jq -r --unbuffered '
		select(.kind == "event" and (.state == "succeeded" or .state == "failed" or .state == "skipped" or .state == "cached")) |
		(if .state == "succeeded" or .state == "cached" then "ok     " elif .state == "failed" then "FAILED " else "skipped" end)
		+ " " + .action
		+ (if .note then "  " + .note elif .reason then "  " + .reason elif .state == "cached" then "  (cached)" else "" end)'
}
