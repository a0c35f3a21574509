#!/bin/sh
# Runs every test: the cmocka unit tests in $BUILD/tests and the
# command-level scripts in tests/cli. With an argument, runs that one test
# alone (test_date, or tests/cli/account.sh). Ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
export BUILD
# ONBOARD: another build of the binary (CI passes its ThreadSanitizer one).
export ONBOARD="${ONBOARD:-$PWD/$BUILD/onboard}"
log=$(mktemp)
pgdir=""
trap 'rm -f "$log"; [ -z "$pgdir" ] || sh tests/pg-server.sh stop "$pgdir"' EXIT
passed=0
failed=0

unit() {
	CMOCKA_MESSAGE_OUTPUT=stdout "$1" >"$log" 2>&1
	status=$?
	p=$(grep -c '^\[       OK \]' "$log")
	f=$(grep -c '^\[  FAILED  \] test_' "$log")
	# A crash or a failure cmocka could not name still counts.
	if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	[ "$f" = 0 ] || { echo "== $1"; grep -v '^\[ RUN\|^\[       OK' "$log"; }
	passed=$((passed + p))
	failed=$((failed + f))
}

script() {
	sh "$1" >"$log" 2>&1
	status=$?
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	if [ "$status" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	[ "$f" = 0 ] || { echo "== $1${ONBOARD_TEST_PG:+ (PostgreSQL)}"; grep -v '^ok - ' "$log"; }
	passed=$((passed + p))
	failed=$((failed + f))
}

# The command tests again on PostgreSQL (SPEC section 9): on the server
# ONBOARD_TEST_PG names, else on a throwaway one started here and removed
# at the end, failed or not. Skipped, with one line saying why, when no
# server can be had here, or with PG=0. PG=only runs this half alone.
pg_half() {
	if [ "${PG:-1}" = 0 ]; then
		echo "# PostgreSQL half skipped: PG=0"
		return
	fi
	if [ -z "${ONBOARD_TEST_PG:-}" ]; then
		pgdir=$(mktemp -d "${TMPDIR:-/tmp}/onboard-pg.XXXXXX")
		ONBOARD_TEST_PG=$(sh tests/pg-server.sh start "$pgdir" 2>"$log")
		case $? in
		0) ;;
		3)
			echo "# PostgreSQL half skipped: $(sed 's/^pg-server: //' "$log")"
			return
			;;
		*)
			echo "== PostgreSQL: the throwaway server did not start"
			cat "$log"
			failed=$((failed + 1))
			return
			;;
		esac
	fi
	export ONBOARD_TEST_PG
	echo "# PostgreSQL: the store's unit tests and the command tests again"
	psql -qAtX "$ONBOARD_TEST_PG" -c "DROP DATABASE IF EXISTS onboard_unit" \
		-c "CREATE DATABASE onboard_unit" >/dev/null 2>&1
	ONBOARD_TEST_STORE=$(printf '%s\n' "$ONBOARD_TEST_PG" |
		sed 's|:///[^?]*?|:///onboard_unit?|') unit "$BUILD/tests/test_store"
	for t in tests/cli/*.sh; do
		[ "$(basename "$t")" = lib.sh ] || script "$t"
	done
}

if [ $# -gt 0 ]; then
	case "$1" in
	*.sh) script "$1" ;;
	*) unit "$BUILD/tests/$1" ;;
	esac
elif [ "${PG:-1}" = only ]; then
	pg_half
else
	for t in "$BUILD"/tests/test_*; do
		case "$t" in *.d) continue ;; esac
		unit "$t"
	done
	for t in tests/cli/*.sh; do
		[ "$(basename "$t")" = lib.sh ] || script "$t"
	done
	pg_half
	# The fuzzers, briefly, when clang is here (once: not again under
	# the sanitizer build or valgrind).
	if [ "$BUILD" = build ] && [ -z "${WRAP:-}" ] &&
		command -v clang >/dev/null 2>&1; then
		if make -s --no-print-directory fuzz-check >"$log" 2>&1; then
			passed=$((passed + 1))
		else
			echo "== fuzz"
			cat "$log"
			failed=$((failed + 1))
		fi
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
