#!/bin/sh
# Installs the Debian packages onboard needs, when they are missing:
# `deps.sh build` what building and running take (make demo), `deps.sh
# test` those and what the tests take (make check, make bench). Quiet:
# one line saying what it installs, apt-get's output in $BUILD/deps.log.
# Without root or apt-get it prints the command to run instead.
set -u
mode=${1:-test}
log=${BUILD:-build}/deps.log
need=""
pkgconf() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
command -v gzip >/dev/null 2>&1 || need="$need gzip"
pkgconf sqlite3 || need="$need libsqlite3-dev"
pkgconf yaml-0.1 || need="$need libyaml-dev"
# JSON Lines and the analytics exports: yajl parses, libarchive unpacks.
pkgconf yajl || need="$need libyajl-dev"
pkgconf libarchive || need="$need libarchive-dev"
# A team's shared database: PostgreSQL's client library.
pkgconf libpq || need="$need libpq-dev"
if [ "$mode" = test ]; then
	pkgconf cmocka || need="$need libcmocka-dev"
	command -v jq >/dev/null 2>&1 || need="$need jq"
	command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
	# The calendar test reads the feed with a real iCalendar parser.
	/usr/bin/python3 -c 'import icalendar' 2>/dev/null ||
		need="$need python3-icalendar"
	# The report test renders the HTML report in a real browser.
	command -v chromium >/dev/null 2>&1 || need="$need chromium"
	# The suite runs again on a throwaway PostgreSQL server.
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ||
		need="$need postgresql"
fi
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	mkdir -p "$(dirname "$log")"
	echo "onboard: installing$need (apt-get's output: $log)" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update && apt-get install -y $need; } >"$log" 2>&1 && exit 0
	echo "onboard: apt-get could not install:$need; the end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
echo "onboard: missing packages:$need" >&2
if command -v apt-get >/dev/null 2>&1; then
	echo "onboard: install them with: sudo apt-get install -y$need" >&2
else
	echo "onboard: install the equivalents of these Debian packages:$need" >&2
fi
exit 1
