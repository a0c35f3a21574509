#!/bin/sh
# make demo: a fresh database under the build directory, the bundled demo
# accounts, and what a CSM sees. The date is fixed so the demo reads the
# same on any day: ONBOARD_TODAY=2026-11-20, a Friday.
set -eu
BUILD=${BUILD:-build}
onboard="$BUILD/onboard"
export ONBOARD_DB="$BUILD/demo/onboard.db" ONBOARD_TODAY=2026-11-20
rm -rf "$BUILD/demo"

step() { printf '\n$ onboard %s\n' "$*"; "$onboard" "$@"; }

step init
step account import demo/accounts.csv
step account list
step account show northwind
step playbook show saas-default
printf '\nThe demo database is %s; try: ONBOARD_DB=%s %s account list --format json\n' \
	"$ONBOARD_DB" "$ONBOARD_DB" "$onboard"
