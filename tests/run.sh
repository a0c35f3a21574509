#!/bin/sh
# Runs every test: the cmocka unit tests in $BUILD/tests and the
# command-level scripts in tests/cli. With an argument, runs that one test
# alone (test_date, or tests/cli/account.sh). Ends with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
export BUILD
export ONBOARD="$PWD/$BUILD/onboard"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
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
	[ "$f" = 0 ] || { echo "== $1"; grep -v '^ok - ' "$log"; }
	passed=$((passed + p))
	failed=$((failed + f))
}

if [ $# -gt 0 ]; then
	case "$1" in
	*.sh) script "$1" ;;
	*) unit "$BUILD/tests/$1" ;;
	esac
else
	for t in "$BUILD"/tests/test_*; do
		case "$t" in *.d) continue ;; esac
		unit "$t"
	done
	for t in tests/cli/*.sh; do
		[ "$(basename "$t")" = lib.sh ] || script "$t"
	done
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
