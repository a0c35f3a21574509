#!/bin/sh
# make demo: a fresh database under the build directory, the bundled demo
# accounts and their events, a few check-ins done, and what a CSM and a
# team lead see. The date is fixed so the demo reads the same on any day:
# ONBOARD_TODAY=2026-11-20, a Friday.
set -eu
BUILD=${BUILD:-build}
onboard="$BUILD/onboard"
export ONBOARD_DB="$BUILD/demo/onboard.db" ONBOARD_TODAY=2026-11-20
rm -rf "$BUILD/demo"

step() { printf '\n$ onboard %s\n' "$*"; "$onboard" "$@"; }
quiet() { "$onboard" "$@" -q; }

step init
step account import demo/accounts.csv
step import demo/events.csv
# Their product usage as Segment archives it: gzip JSON Lines, read
# through the bundled map; the group call links Carl to Contoso.
gzip -c demo/segment.jsonl >"$BUILD/demo/segment-2026-11-19.json.gz"
step import --from segment --map playbooks/maps/segment.yaml \
	"$BUILD/demo/segment-2026-11-19.json.gz"
step user list
# What the CSMs did so far.
quiet done northwind first-check --at 2026-11-17 --channel email
quiet done contoso first-check --at 2026-11-04 --channel email
quiet done contoso mid-week --at 2026-11-06 --channel call
quiet done contoso end-of-week --at 2026-11-09 --channel call
quiet done contoso day-14 --at 2026-11-17 --channel email
quiet done adatum first-check --at 2026-11-11
quiet done adatum end-of-week --at 2026-11-16 --channel call
quiet done tailspin first-check --at 2026-10-28
quiet done tailspin end-of-week --at 2026-11-02 --channel call
quiet done tailspin day-14 --at 2026-11-10 --channel email
quiet done litware first-check --at 2026-11-06
quiet done proseware first-check --at 2026-10-25
quiet done proseware progress-digest --at 2026-11-07
quiet done woodgrove first-check --at 2026-10-23
quiet done woodgrove mid-week --at 2026-10-26 --channel call
quiet done woodgrove end-of-week --at 2026-10-29 --channel call
quiet done woodgrove day-14 --at 2026-11-05 --channel call

# The CSM directory: where their alerts go, and the Reply-To of their
# accounts' automated e-mail. Sam has no address yet: his are held.
quiet csm set dana --email dana@example.com --full-name "Dana Reyes"
quiet csm set lee --email lee@example.com --full-name "Lee Park"

step due --csm dana
step due
step account show contoso
step escalations
step report
# Last quarter's accounts, with how their onboarding ended: did the
# playbook's day-7 status see the churn coming?
step account import demo/cohort.csv
step import demo/cohort-events.csv
step backtest
# A change to try before loading it: the mid-week check-in a day later.
sed 's/^    days: 3-4$/    days: 4-5/' playbooks/default.yaml >"$BUILD/demo/later-mid-week.yaml"
step playbook diff "$BUILD/demo/later-mid-week.yaml"
# 06:00 in cron: what the automated e-mail and the alerts would be, then
# a real send, into a Maildir here rather than to the local MTA.
step send --dry-run
step send --maildir "$BUILD/demo/Maildir"
step outbox
printf '\n$ ls %s/demo/Maildir/new\n' "$BUILD"
ls "$BUILD/demo/Maildir/new"
printf '\nThe demo database is %s; try:\n  ONBOARD_DB=%s ONBOARD_TODAY=2026-11-20 %s score --format json\n' \
	"$ONBOARD_DB" "$ONBOARD_DB" "$onboard"
