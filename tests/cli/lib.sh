# Shared by the command-level tests: each runs the built binary on a fresh
# database in a scratch directory and compares exit status, stdout and
# stderr. Every check prints "ok - NAME" or "not ok - NAME" and why.
set -u
ONBOARD=${ONBOARD:-$PWD/build/onboard}
# WRAP runs the binary under a tool, e.g. WRAP="valgrind --error-exitcode=99".
WRAP=${WRAP:-}
ROOT=$PWD
# KEEP=1 leaves the scratch directory for a look after a failure.
T=$(mktemp -d "${TMPDIR:-/tmp}/onboard-cli.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
export ONBOARD_DB="$T/onboard.db" TZ=UTC LC_ALL=C
# ONBOARD_TEST_PG (the URI of a throwaway server's database, from
# tests/pg-server.sh) runs the script on a PostgreSQL database of its own
# instead: $ONBOARD_DB is then its URI, dropped at the end. Other files a
# script names ($T/other.db) stay SQLite.
PG=""
if [ -n "${ONBOARD_TEST_PG:-}" ]; then
	PG="t$(basename "$0" .sh | tr -c 'a-z0-9\n' _)_$$"
	psql -qAtX "$ONBOARD_TEST_PG" -c "CREATE DATABASE $PG" >/dev/null ||
		exit 1
	export ONBOARD_DB=$(printf '%s\n' "$ONBOARD_TEST_PG" |
		sed "s|:///[^?]*?|:///$PG?|")
	trap '[ -n "${KEEP:-}" ] || rm -rf "$T"
psql -qAtX "$ONBOARD_TEST_PG" -c "DROP DATABASE $PG WITH (FORCE)" >/dev/null' EXIT
fi
unset ONBOARD_TODAY NO_COLOR XDG_DATA_HOME
passed=0
failed=0
out="" err="" rc=0

# run ARGS...: runs onboard with stdin from /dev/null; sets $rc, $out, $err.
run() {
	$WRAP "$ONBOARD" "$@" >"$T/stdout" 2>"$T/stderr" </dev/null
	rc=$?
	out=$(cat "$T/stdout")
	err=$(cat "$T/stderr")
}

# run_in FILE ARGS...: the same with stdin from FILE.
run_in() {
	_in=$1
	shift
	$WRAP "$ONBOARD" "$@" >"$T/stdout" 2>"$T/stderr" <"$_in"
	rc=$?
	out=$(cat "$T/stdout")
	err=$(cat "$T/stderr")
}

_result() {
	if [ -z "$_why" ]; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1:$_why"
		echo "  stdout: $out" | head -20
		echo "  stderr: $err" | head -20
	fi
}

# expect NAME EXIT STDOUT STDERR: exact comparison; '*' skips one.
expect() {
	_why=""
	[ "$rc" = "$2" ] || _why="$_why exit $rc, want $2;"
	[ "$3" = "*" ] || [ "$out" = "$3" ] ||
		_why="$_why stdout differs, want: $3;"
	[ "$4" = "*" ] || [ "$err" = "$4" ] ||
		_why="$_why stderr differs, want: $4;"
	_result "$1"
}

# expect_has NAME EXIT (stdout|stderr) TEXT: the stream contains TEXT.
expect_has() {
	_why=""
	[ "$rc" = "$2" ] || _why="$_why exit $rc, want $2;"
	if [ "$3" = stdout ]; then _s=$out; else _s=$err; fi
	case "$_s" in
	*"$4"*) ;;
	*) _why="$_why $3 lacks: $4;" ;;
	esac
	_result "$1"
}

# assert NAME COMMAND...: a shell condition.
assert() {
	_name=$1
	shift
	_why=""
	"$@" || _why=" condition failed: $*"
	_result "$_name"
}

# sqlite_only: true when the script runs on SQLite, where a test reads or
# damages the database file itself; on PostgreSQL it says the tests it
# skips, so a skip is never silent.
sqlite_only() {
	[ -z "$PG" ] && return 0
	echo "# skipped on PostgreSQL: $1"
	return 1
}

finish() {
	echo "# $(basename "$0"): $passed passed, $failed failed"
	[ "$failed" = 0 ]
}
