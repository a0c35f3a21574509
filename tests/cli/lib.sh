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
# new_db NAME: a new database's --db value: $T/NAME.db, or on PostgreSQL a
# new database of the server's, dropped at the end.
new_db() {
	if [ -z "$PG" ]; then
		echo "$T/$1.db"
		return
	fi
	psql -qAtX "$ONBOARD_TEST_PG" -c "CREATE DATABASE ${PG}_$1" >/dev/null ||
		return 1
	echo "${PG}_$1" >>"$T/databases"
	printf '%s\n' "$ONBOARD_TEST_PG" | sed "s|:///[^?]*?|:///${PG}_$1?|"
}
drop_dbs() {
	[ -f "$T/databases" ] || return 0
	while read -r _db; do
		psql -qAtX "$ONBOARD_TEST_PG" \
			-c "DROP DATABASE IF EXISTS $_db WITH (FORCE)" >/dev/null
	done <"$T/databases"
}
if [ -n "${ONBOARD_TEST_PG:-}" ]; then
	PG="t$(basename "$0" .sh | tr -c 'a-z0-9\n' _)_$$"
	trap '[ -n "${KEEP:-}" ] || { drop_dbs; rm -rf "$T"; }' EXIT
	ONBOARD_DB=$(new_db main) || exit 1
	export ONBOARD_DB
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

# dbq SQL: runs SQL on $ONBOARD_DB, SQLite's or PostgreSQL's, rows one a
# line, columns between |, NULL as nothing (sqlite3's own format).
dbq() {
	if [ "${ONBOARD_DB#postgres}" != "$ONBOARD_DB" ]; then
		psql -qAtX -F '|' -v ON_ERROR_STOP=1 "$ONBOARD_DB" -c "$1"
	else
		sqlite3 "$ONBOARD_DB" "$1"
	fi
}

# dbq_join SEP SQL: the rows of dbq joined by SEP, on one line.
dbq_join() {
	dbq "$2" | awk -v sep="$1" '{ printf "%s%s", (NR > 1 ? sep : ""), $0 }'
}

# sqlite_only: true when the script runs on SQLite, where a test reads or
# damages the database file itself; on PostgreSQL it says the tests it
# skips, so a skip is never silent.
sqlite_only() {
	[ -z "$PG" ] && return 0
	echo "# skipped on PostgreSQL: $1"
	return 1
}

# in_browser FILE.html W,H: a real browser (chromium, headless) draws the
# page: some ink, and the red and green of its charts.
in_browser() {
	if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ]; then
		echo "not ok - chromium is not installed (apt-get install chromium)"
		failed=$((failed + 1))
		return
	fi
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$T/chromium" --window-size="$2" \
		--screenshot="$1.png" "file://$1" >"$T/chromium.log" 2>&1
	read -r _w _h _ink _red _green <<EOF
$(/usr/bin/python3 "$ROOT/tests/cli/pngstat.py" "$1.png" 2>&1)
EOF
	assert "chromium renders $(basename "$1") (${_w}x${_h}, ${_ink}% ink)" \
		awk -v i="$_ink" 'BEGIN { exit !(i > 2) }'
	assert "its charts are drawn (red $_red, green $_green pixels)" \
		test "$_red" -gt 100 -a "$_green" -gt 100
}

finish() {
	echo "# $(basename "$0"): $passed passed, $failed failed"
	[ "$failed" = 0 ]
}
