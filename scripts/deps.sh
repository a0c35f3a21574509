#!/bin/sh
# Installs the Debian packages onboard builds and tests with, when they are
# missing. Without root or apt-get it prints the command to run instead.
set -u
need=""
pkgconf() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
pkgconf sqlite3 || need="$need libsqlite3-dev"
pkgconf yaml-0.1 || need="$need libyaml-dev"
# JSON Lines and the analytics exports: jansson parses, libarchive unpacks.
pkgconf jansson || need="$need libjansson-dev"
pkgconf libarchive || need="$need libarchive-dev"
pkgconf cmocka || need="$need libcmocka-dev"
command -v jq >/dev/null 2>&1 || need="$need jq"
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
# The calendar test reads the feed with a real iCalendar parser.
/usr/bin/python3 -c 'import icalendar' 2>/dev/null || need="$need python3-icalendar"
# The report test renders the HTML report in a real browser.
command -v chromium >/dev/null 2>&1 || need="$need chromium"
[ -z "$need" ] && exit 0

echo "onboard: missing packages:$need" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 && apt-get install -y -qq $need >&2 && exit 0
	echo "onboard: apt-get could not install:$need" >&2
	exit 1
fi
if command -v apt-get >/dev/null 2>&1; then
	echo "onboard: install them with: sudo apt-get install -y$need" >&2
else
	echo "onboard: install the equivalents of these Debian packages:$need" >&2
fi
exit 1
