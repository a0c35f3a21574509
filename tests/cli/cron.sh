# The cron jobs of doc/GUIDE.md, end to end: the nightly import, the morning due
# list mailed to each CSM, the Monday report to the leads.
. tests/cli/lib.sh

export ONBOARD ONBOARD_MAIL="$T/fake-mail" ONBOARD_MAIL_DOMAIN=example.com
# A mailer that files each message: TO, SUBJECT, then the body.
cat >"$T/fake-mail" <<'SH'
#!/bin/sh
[ "$1" = -s ] || exit 2
n=$(ls "$SPOOL" | wc -l)
{ echo "To: $3"; echo "Subject: $2"; echo; cat; } >"$SPOOL/$((n + 1))"
SH
chmod +x "$T/fake-mail"
export SPOOL="$T/spool"
mkdir -p "$SPOOL" "$T/inbox" "$T/reports"
export ONBOARD_REPORT_DIR="$T/reports"

run init -q
"$ONBOARD" account add acme --name "Acme Corp" --tier mid --kickoff 2026-11-02 --csm dana -q
"$ONBOARD" account add beta --name Beta --tier high --kickoff 2026-11-09 --csm lee@corp.example -q
"$ONBOARD" account add calm --name Calm --tier low --kickoff 2026-11-02 --csm sam -q
"$ONBOARD" done calm first-check --at 2026-11-03 -q

printf 'account,type,at,value\nacme,login,2026-11-03T09:00:00Z,\nbeta,login,2026-11-10T09:00:00Z,\n' >"$T/inbox/a.csv"
printf '{"account":"acme","type":"nps","at":"2026-11-12","value":9}\n' >"$T/inbox/b.jsonl"
printf 'account,type,at\nnobody,login,2026-11-12\n' >"$T/inbox/c.csv"
echo "not events" >"$T/inbox/notes.txt"
ONBOARD_TODAY=2026-11-13 "$ROOT/examples/onboard-nightly-import" "$T/inbox" >"$T/stdout" 2>"$T/stderr"
rc=$? out=$(cat "$T/stdout") err=$(cat "$T/stderr")
expect "nightly import: one bad file" 1 "" \
	"c.csv: import failed (exit 65), moved to $T/inbox/failed"
assert "good files are done" test -f "$T/inbox/done/a.csv" -a -f "$T/inbox/done/b.jsonl"
assert "the bad one failed" test -f "$T/inbox/failed/c.csv"
assert "other files stay" test -f "$T/inbox/notes.txt"
assert "the log says why" grep -q "c.csv:2: error: unknown account 'nobody'" "$T/inbox/import.log"
assert "the events are in" test \
	"$(dbq 'SELECT count(*) FROM event')" = 3

ONBOARD_TODAY=2026-11-16 "$ROOT/examples/onboard-morning-due" >"$T/stdout" 2>"$T/stderr"
rc=$? out=$(cat "$T/stdout") err=$(cat "$T/stderr")
expect "morning due" 0 "" ""
assert "a mail per CSM with something due" test "$(ls "$SPOOL" | wc -l)" = 3
assert "dana's list" grep -q "^acme " "$SPOOL/1"
assert "to dana at the domain" grep -q "^To: dana@example.com" "$SPOOL/1"
assert "a CSM field that is an address" grep -q "^To: lee@corp.example" "$SPOOL/2"
assert "the subject is the summary line" grep -q "^Subject: Onboarding: [0-9]* due, [0-9]* overdue" "$SPOOL/1"
assert "no colour in mail" test -z "$(grep -l "$(printf '\033')" "$SPOOL"/*)"

rm -f "$SPOOL"/*
ONBOARD_TODAY=2026-11-23 "$ROOT/examples/onboard-weekly-report" lead@example.com boss@example.com >"$T/stdout" 2>"$T/stderr"
rc=$? out=$(cat "$T/stdout") err=$(cat "$T/stderr")
expect "weekly report" 0 "" ""
assert "mailed to each lead" test "$(ls "$SPOOL" | wc -l)" = 2
assert "last week's report" grep -q "^Subject: Onboarding report 2026-W47" "$SPOOL/1"
assert "in Markdown" grep -q "^# Onboarding report 2026-W47" "$SPOOL/1"
assert "and its HTML kept" test -s "$T/reports/report-2026-W47.html"
finish
