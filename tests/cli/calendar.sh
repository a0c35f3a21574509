# onboard calendar: RFC 5545, checked with a real parser (python3-icalendar).
. tests/cli/lib.sh

run init -q
run account add nw --name "Northwind, Traders; \"North\"" --tier mid \
	--kickoff 2026-11-02 --csm dana -q
run account add zh --name "Zürich Straße Ünïcödé" --tier high \
	--kickoff 2026-11-09 --csm dana -q
run account add other --name Other --tier low --kickoff 2026-11-02 --csm lee -q
run log nw login --at 2026-11-03T09:00:00Z -q

run calendar --csm dana --today 2026-11-05 -o "$T/dana.ics"
expect "calendar to a file" 0 "" ""
assert "CRLF line ends only" test \
	"$(tr -d '\r' <"$T/dana.ics" | wc -c)" -eq \
	"$(( $(wc -c <"$T/dana.ics") - $(wc -l <"$T/dana.ics") ))"
assert "no line over 75 octets" test \
	"$(tr -d '\r' <"$T/dana.ics" | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -le 75
assert "no temporary file left" test -z "$(ls "$T" | grep tmp)"

cat >"$T/check.py" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for ev in cal.walk('VEVENT'):
    print(ev['UID'], ev.decoded('DTSTART').isoformat(),
          ev.decoded('DTEND').isoformat(), '|', ev['SUMMARY'])
PY
if /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	run_py() { /usr/bin/python3 "$T/check.py" "$1" >"$T/stdout" 2>"$T/stderr"; rc=$?; out=$(cat "$T/stdout"); err=$(cat "$T/stderr"); }
	run_py "$T/dana.ics"
	expect "python3-icalendar reads it: open and upcoming check-ins" 0 \
"nw/first-check@onboard 2026-11-05 2026-11-06 | Overdue: Northwind, Traders; \"North\": Confirm a strong start (email)
nw/mid-week@onboard 2026-11-05 2026-11-07 | Northwind, Traders; \"North\": Validate progress and catch friction (call)
nw/end-of-week@onboard 2026-11-07 2026-11-10 | Northwind, Traders; \"North\": Close week one, plan week two (call)
nw/day-14@onboard 2026-11-16 2026-11-17 | Northwind, Traders; \"North\": Two-week progress review (call)
nw/follow-up/2026-11-10@onboard 2026-11-10 2026-11-11 | Northwind, Traders; \"North\": Follow-up (call)
zh/first-check@onboard 2026-11-10 2026-11-12 | Zürich Straße Ünïcödé: Confirm a strong start (email)
zh/mid-week@onboard 2026-11-12 2026-11-14 | Zürich Straße Ünïcödé: Validate progress and catch friction (email)
zh/end-of-week@onboard 2026-11-14 2026-11-17 | Zürich Straße Ünïcödé: Close week one, plan week two (call)" ""
	cat >"$T/desc.py" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
ev = [e for e in cal.walk('VEVENT') if e['UID'] == 'nw/first-check@onboard'][0]
print(ev['DESCRIPTION'])
PY
	/usr/bin/python3 "$T/desc.py" "$T/dana.ics" >"$T/desc"
	assert "the description unescapes: goals and channel" test "$(cat "$T/desc")" = \
"Check-in first-check for Northwind, Traders; \"North\" (nw), window 2026-11-03 to 2026-11-04.
Channel: email (automated).
Status: yellow: Light usage: few logins, few features tried.
Overdue by 1 day.
Goals:
- Everyone can log in (SSO, credentials, permissions)
- The welcome email and setup instructions arrived
- Kickoff action items have started
- The timeline still holds"
	"$ONBOARD" calendar --csm dana --today 2026-11-06 -o "$T/next.ics"
	/usr/bin/python3 "$T/check.py" "$T/next.ics" | cut -d' ' -f1 | sort >"$T/uids2"
	/usr/bin/python3 "$T/check.py" "$T/dana.ics" | cut -d' ' -f1 | sort >"$T/uids1"
	assert "both feeds hold events" test -s "$T/uids1" -a -s "$T/uids2"
	assert "UIDs stay the same a day later (an update, not a duplicate)" \
		test "$(comm -13 "$T/uids1" "$T/uids2" | wc -l)" = 0
else
	echo "not ok - python3-icalendar is not installed (apt-get install python3-icalendar)"
fi

run calendar --csm dana --today 2026-11-05 --days 3
expect_has "--days bounds what is upcoming" 0 stdout "UID:nw/end-of-week@onboard"
case "$out" in *"day-14"*) _why=" day-14 is 11 days away";; *) _why="";; esac
_result "--days 3 leaves day-14 out"
run calendar --today 2026-11-05
expect_has "every active account without --csm" 0 stdout "UID:other/"
run calendar --days 0
expect_has "bad --days" 2 stderr "bad --days '0': expected 1 to 366"
run calendar -o "$T/nodir/x.ics"
expect_has "an unwritable -o" 1 stderr "cannot write '$T/nodir/x.ics.tmp"
finish
