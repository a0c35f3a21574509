# onboard due, done, skip and snooze: three tiers of the default playbook
# over their first 35 days, the list checked day by day against
# tests/cli/due.golden (reviewed by hand: see the comments below).
. tests/cli/lib.sh

run init -q
for a in hi:high mi:mid lo:low zz:mid; do
	"$ONBOARD" account add "${a%%:*}" --name "Acct ${a%%:*}" \
		--tier "${a##*:}" --kickoff 2026-11-02 --csm dana -q
done
"$ONBOARD" account add other --name Other --tier high --kickoff 2026-11-02 \
	--csm lee -q
run account set zz --status paused --at 2026-11-02 -q
expect "a paused account" 0 "" ""

day() { date -u -d "2026-11-02 + $1 days" +%F; }
{
	echo "account,type,at,value"
	# Logins every four days keep engagement green; milestones on time.
	for a in hi mi lo zz other; do
		for d in 0 4 8 12 16 20 24 28 32; do
			[ "$a" = mi ] && [ "$d" = 0 ] && continue
			echo "$a,login,$(day "$d")T09:00:00Z,"
		done
		echo "$a,milestone,2026-11-05,setup"
		echo "$a,milestone,2026-11-12,first-value"
		echo "$a,milestone,2026-12-01,go-live"
		echo "$a,stakeholder_added,2026-11-05,CFO"
	done
	for a in hi lo zz other; do
		echo "$a,login,2026-11-02T10:00:00Z,"
		echo "$a,login,2026-11-02T11:00:00Z,"
		echo "$a,feature_used,2026-11-02,reports"
		echo "$a,feature_used,2026-11-02,alerts"
	done
	# mi: no login until day 4 (red), light use on day 4 (yellow),
	# green from day 5: its mid-week check-in comes and goes.
	echo "mi,login,2026-11-07T10:00:00Z,"
	echo "mi,login,2026-11-07T11:00:00Z,"
	echo "mi,feature_used,2026-11-07,reports"
	echo "mi,feature_used,2026-11-07,alerts"
	# lo: a ticket open two days: follow-ups go daily.
	echo "lo,ticket_opened,2026-11-17T09:00:00Z,T-7"
	echo "lo,ticket_resolved,2026-11-19T17:00:00Z,T-7"
} >"$T/events.csv"
run import "$T/events.csv" -q
expect "the scenario's events" 0 "" ""

# What the CSMs did, each on its day (responses keep them green).
"$ONBOARD" done hi first-check --at 2026-11-03 -q
"$ONBOARD" log hi response --at 2026-11-04T10:00:00Z -q
"$ONBOARD" done hi mid-week --at 2026-11-05 -q
"$ONBOARD" log hi response --at 2026-11-05T15:00:00Z -q
"$ONBOARD" snooze hi end-of-week --until 2026-11-10 --today 2026-11-07 -q
"$ONBOARD" done hi end-of-week --at 2026-11-10 -q
"$ONBOARD" log hi response --at 2026-11-10T15:00:00Z -q
"$ONBOARD" done mi first-check --at 2026-11-04 --channel email -q
"$ONBOARD" log mi response --at 2026-11-04T12:00:00Z -q
"$ONBOARD" skip mi day-14 --reason "merged into the review" --today 2026-11-16 -q
"$ONBOARD" done lo first-check --at 2026-11-03 -q
"$ONBOARD" log lo response --at 2026-11-03T12:00:00Z -q
"$ONBOARD" done lo follow-up --at 2026-11-17 -q
"$ONBOARD" log lo response --at 2026-11-17T12:00:00Z -q
"$ONBOARD" done other first-check --at 2026-11-03 -q
run done other first-check --at 2026-11-03
expect "a check-in done twice is one record" 65 "" \
	"onboard: check-in 'first-check' of 'other' was already done on 2026-11-03"

# The listing of dana's accounts, day by day. Reviewed: mi's mid-week is
# due with status red (call) then yellow, and gone once mi is green;
# hi's end-of-week is snoozed until the day it is done; mi's day-14 is
# skipped; lo's follow-ups go daily while its ticket is open (yellow),
# then 14 days on; follow-ups start 14 days after the latest completion;
# the paused account never shows; automated check-ins are listed too.
listing() {
	for d in $(seq 0 35); do
		"$ONBOARD" due --csm dana --today "$(day "$d")" --format json |
			jq -r --arg d "$(day "$d")" '.[] | "\($d) \(.account) \(.checkin) \(.state) \(.days_overdue) \(.channel) \(.automated) \(.status)"'
	done
}
listing >"$T/listing"
assert "35 days of due lists as reviewed" \
	diff -u "$ROOT/tests/cli/due.golden" "$T/listing"

run due --csm dana --today 2026-11-18
expect "the table, with its summary line" 0 \
"ACCOUNT  CHECK-IN         STATE       CHANNEL  AUTO  STATUS  REASONS         ESC
mi       end-of-week      9d overdue  call           green
lo       progress-digest  2d overdue  email    yes   yellow  A support tic…
hi       day-14           2d overdue  email          green
lo       follow-up        due         call           yellow  A support tic…
mi       follow-up        due         email          green
2 due, 3 overdue, 0 red accounts" ""
# On a terminal the table takes the terminal's width, and the reasons,
# rather than cut, go whole on a line under their row.
NO_COLOR=1 python3 "$ROOT/tests/cli/ptyrun.py" 80 "$ONBOARD" due --csm dana --today 2026-11-18 >"$T/tty80"
assert "a terminal, 80 columns: reasons under their rows" test "$(cat "$T/tty80")" = \
"ACCOUNT  CHECK-IN         STATE       CHANNEL  AUTO  STATUS  ESC
mi       end-of-week      9d overdue  call           green
lo       progress-digest  2d overdue  email    yes   yellow
    A support ticket is open
hi       day-14           2d overdue  email          green
lo       follow-up        due         call           yellow
    A support ticket is open
mi       follow-up        due         email          green
2 due, 3 overdue, 0 red accounts"
NO_COLOR=1 python3 "$ROOT/tests/cli/ptyrun.py" 120 "$ONBOARD" due --csm dana --today 2026-11-18 >"$T/tty120"
assert "a terminal wide enough: reasons whole in their column" test "$(sed -n 3p "$T/tty120")" = \
"lo       progress-digest  2d overdue  email    yes   yellow  A support ticket is open"
NO_COLOR=1 python3 "$ROOT/tests/cli/ptyrun.py" 80 env COLUMNS=120 "$ONBOARD" due --csm dana --today 2026-11-18 >"$T/tty-columns"
assert "COLUMNS wins over the terminal's size" cmp -s "$T/tty120" "$T/tty-columns"
run due --today 2026-11-18 --format json
assert "every SPEC field, in order" test \
	"$(printf '%s' "$out" | jq -c '.[0] | keys_unsorted')" = \
	'["account","name","tier","csm","checkin","title","opens","closes","state","days_overdue","channel","automated","status","reasons","escalate"]'
run due --today 2026-11-18 --format csv
assert "csv header" test "$(printf '%s\n' "$out" | head -1)" = \
	"account,name,tier,csm,checkin,title,opens,closes,state,days_overdue,channel,automated,status,reasons,escalate"
run due --csm dana --today 2026-11-18 --overdue --format json
assert "--overdue" test "$(printf '%s' "$out" | jq -r '[.[].state] | unique | join(" ")')" = overdue
run due --csm dana --today 2026-11-18 --automated --format json
assert "--automated" test "$(printf '%s' "$out" | jq -r '[.[].checkin] | join(" ")')" = "progress-digest"
run due --csm dana --today 2026-11-18 --manual --format json
assert "--manual" test "$(printf '%s' "$out" | jq -r '[.[] | select(.automated)] | length')" = 0
run due --today 2026-11-18 --tier high --format json
assert "--tier" test "$(printf '%s' "$out" | jq -r '[.[].account] | unique | join(" ")')" = "hi other"
run due --csm lee --today 2026-11-04 --format json
assert "--csm: lee's account, first-check done" test "$(printf '%s' "$out" | jq length)" = 0
run due --automated --manual
expect_has "--automated with --manual" 2 stderr "exclude each other"
run due --csm nobody
expect "nothing due is success" 0 "0 due, 0 overdue, 0 red accounts" ""
run due --csm nobody --format json
expect "nothing due, json" 0 "[]" ""

# done, skip and snooze refuse what cannot be.
run skip hi day-30 --reason later --today 2026-11-20
expect "skip before the window" 65 "" \
	"onboard: check-in 'day-30' of 'hi' opens on 2026-12-02"
run skip hi first-check --reason x --today 2026-11-20
expect "skip what is done" 65 "" \
	"onboard: check-in 'first-check' of 'hi' was already done on 2026-11-03"
run skip mi day-14 --reason again --today 2026-11-20
expect "skip twice" 65 "" \
	"onboard: check-in 'day-14' of 'mi' was already skipped on 2026-11-16"
run skip hi day-14 --today 2026-11-20
expect_has "skip needs a reason" 2 stderr "--reason is required"
run snooze hi day-14 --until 2026-11-20 --today 2026-11-20
expect "snooze to today" 65 "" "onboard: --until 2026-11-20 is not after today"
run snooze hi nope --until 2026-11-30 --today 2026-11-20
expect "snooze an unknown check-in" 65 "" \
	"onboard: unknown check-in 'nope' for 'hi' (high tier of playbook 'saas-default')"
run snooze hi day-14 --until 2026-11-3O --today 2026-11-20
expect "snooze: bad date" 65 "" \
	"onboard: bad --until '2026-11-3O': expected a date YYYY-MM-DD"
run done hi follow-up --at 2026-11-20
expect "done: a follow-up before its day" 65 "" \
	"onboard: the next follow-up of 'hi' is on 2026-11-24"
run done zz first-check --at 2026-11-03
expect "done works on a paused account" 0 "" \
	"onboard: done: first-check for 'zz' on 2026-11-03"

# Replaying: events dated later never change an earlier day's list.
"$ONBOARD" log mi nps --value 2 --at 2026-12-10 -q
"$ONBOARD" log lo ticket_opened --value T-9 --at 2026-12-09 -q
"$ONBOARD" done hi day-14 --at 2026-12-09 -q
"$ONBOARD" log hi login --at 2026-12-09T08:00:00Z -q
listing >"$T/listing2"
assert "earlier days list as before" cmp -s "$T/listing" "$T/listing2"
# The order over a long book: overdue by up to 535 days (the sort goes
# by more than one byte of lateness), ties by id whatever the order the
# accounts were added in.
for a in old-b:2025-06-01 old-a:2025-06-01 mid-c:2026-03-15 \
	mid-a:2026-03-15 new-b:2026-11-10 new-a:2026-11-16; do
	"$ONBOARD" account add "${a%%:*}" --name "${a%%:*}" --tier high \
		--kickoff "${a##*:}" -q
done
run due --today 2026-11-20 --format json
expect_has "a long book" 0 stdout '"account":"old-a"'
assert "most overdue first, red first, then by id" test "$(printf '%s' "$out" |
	jq '[.[] | [-.days_overdue, ({"red":0,"yellow":1,"green":2}[.status]), .account]]
	    | . as $k | [range(1; length) | select($k[. - 1] > $k[.])] | length')" = 0
assert "535 days overdue at the top" test \
	"$(printf '%s' "$out" | jq -r '.[0] | "\(.account) \(.days_overdue)"')" = "old-a 535"
# Two faults a model of SPEC's scheduler found. A check-in of the script
# is completed once: a backdated done sees a schedule without the later
# completion, and must still be refused.
cat >"$T/faults.yaml" <<'EOF'
name: faults
tiers: {low: {}}
checkins:
  - { id: c1, days: 1-5 }
follow_up: { from_day: 2, every_days: 1 }
EOF
F="--db $T/faults.db"
"$ONBOARD" $F init -q
"$ONBOARD" $F playbook load "$T/faults.yaml" -q
"$ONBOARD" $F account add x --name X --tier low --kickoff 2026-01-01 -q
"$ONBOARD" $F account set x --playbook faults -q
run $F --today 2026-01-05 done x c1
expect "done on its day" 0 "" "onboard: done: c1 for 'x' on 2026-01-05"
run $F --today 2026-01-06 done x c1
expect "done twice" 65 "" "onboard: check-in 'c1' of 'x' was already done on 2026-01-05"
run $F --today 2026-01-06 done x c1 --at 2026-01-03
expect "done twice, backdated before the first" 65 "" "onboard: check-in 'c1' of 'x' was already done on 2026-01-05"
run $F --today 2026-01-06 skip x c1 --reason late
expect "skip what was done" 65 "" "onboard: check-in 'c1' of 'x' was already done on 2026-01-05"
run $F --today 2026-01-06 snooze x c1 --until 2026-01-09
expect "snooze what was done" 65 "" "onboard: check-in 'c1' of 'x' was already done on 2026-01-05"
assert "one completion stored" test "$(sqlite3 "$T/faults.db" "SELECT count(*) FROM checkin_action WHERE checkin = 'c1'")" = 1
# A snooze belongs to the follow-up it was made for: done on the day of
# the snooze, the next one is due on its day, as when the steps are a day
# apart.
run $F --today 2026-01-03 snooze x follow-up --until 2026-01-20
run $F --today 2026-01-03 done x follow-up
expect "the snoozed follow-up done on the snooze's day" 0 "" "onboard: done: follow-up for 'x' on 2026-01-03"
run $F --today 2026-01-04 due --format json
assert "the next follow-up is due, not snoozed" test "$(printf '%s' "$out" | jq -r '.[] | select(.checkin == "follow-up") | "\(.opens) \(.state)"')" = "2026-01-04 due"
run $F --today 2026-01-06 snooze x follow-up --until 2026-01-20
expect "snooze the next one" 0 "" "onboard: snoozed: follow-up for 'x' until 2026-01-20"
run $F --today 2026-01-07 due --format json
assert "a snooze of the current follow-up still holds" test "$(printf '%s' "$out" | jq '[.[] | select(.checkin == "follow-up")] | length')" = 0
finish
