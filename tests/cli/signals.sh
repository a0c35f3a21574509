# Health day by day: one account per dimension of the default playbook
# walks its first two weeks (--today each day); then replaying: events
# logged later never change the answer for an earlier day.
. tests/cli/lib.sh

run init -q
# The default playbook with a holiday inside the unanswered window.
sed 's/^day_count: calendar$/day_count: calendar\nholidays: [2026-11-11]/' \
	"$ROOT/playbooks/default.yaml" >"$T/default.yaml"
run playbook load "$T/default.yaml" -q
expect "the playbook with a holiday" 0 "" ""

for a in eng com talk tech; do
	run account add $a --name "$a" --tier mid --kickoff 2026-11-02 -q
done

# Keeps the other dimensions green: logins, two features, milestones.
steady() {
	cat <<CSV
$1,login,2026-11-03T09:00:00Z,
$1,login,2026-11-03T10:00:00Z,
$1,login,2026-11-03T11:00:00Z,
$1,feature_used,2026-11-03,reports
$1,feature_used,2026-11-03,alerts
$1,stakeholder_added,2026-11-06,CFO
$1,milestone,2026-11-06,setup
$1,login,2026-11-08T09:00:00Z,
$1,login,2026-11-13T09:00:00Z,
CSV
}

{
	echo "account,type,at,value"
	# engagement: late first login, light use, then silence
	echo "eng,login,2026-11-05T10:00:00Z,"
	echo "eng,feature_used,2026-11-06,reports"
	echo "eng,login,2026-11-07T09:00:00Z,"
	echo "eng,login,2026-11-07T15:00:00Z,"
	echo "eng,feature_used,2026-11-08,dashboards"
	echo "eng,stakeholder_added,2026-11-06,CFO"
	echo "eng,milestone,2026-11-06,setup"
	# commitment: missed items, rescheduled meetings, a late milestone
	steady com | grep -v setup
	echo "com,meeting_rescheduled,2026-11-04,"
	echo "com,action_item_missed,2026-11-05,SSO setup"
	echo "com,meeting_rescheduled,2026-11-06,"
	echo "com,action_item_missed,2026-11-12,data export"
	# communication: silence over a weekend and a holiday, then NPS
	steady talk
	echo "talk,response,2026-11-13T16:00:00Z,"
	echo "talk,nps,2026-11-16,6"
	# technical issues: a ticket open too long, one solved the same day
	steady tech
	echo "tech,ticket_opened,2026-11-05T09:00:00Z,T-1"
	echo "tech,ticket_resolved,2026-11-09T12:00:00Z,T-1"
	echo "tech,ticket_opened,2026-11-10T09:00:00Z,T-2"
	echo "tech,ticket_resolved,2026-11-10T17:00:00Z,T-2"
	echo "tech,demo_booked,2026-11-04,"
	echo "tech,demo_booked,2026-11-11,"
} >"$T/events.csv"
run import "$T/events.csv" -q
expect "the scenario's events" 0 "" ""
run done talk first-check --at 2026-11-04 -q
run done talk end-of-week --at 2026-11-13 -q

# walk ACCOUNT: reads "DATE STATUS|REASONS" lines and checks each day.
walk() {
	while IFS=' ' read -r date want; do
		[ -n "$date" ] || continue
		run score "$1" --today "$date" --format json
		got=$(printf '%s' "$out" |
			jq -r '.[0] | "\(.status)|\(.reasons | join("; "))"')
		_why=""
		[ "$rc" = 0 ] || _why=" exit $rc;"
		[ "$got" = "$want" ] || _why="$_why got '$got', want '$want'"
		_result "$1 on $date"
	done
}

walk eng <<'DAYS'
2026-11-02 green|
2026-11-03 green|
2026-11-04 red|No login since kickoff
2026-11-05 yellow|Light usage: few logins, few features tried
2026-11-06 yellow|Light usage: few logins, few features tried
2026-11-07 green|
2026-11-08 green|
2026-11-09 green|
2026-11-10 green|
2026-11-11 green|
2026-11-12 green|
2026-11-13 green|
2026-11-14 red|No login for a week
2026-11-15 red|No login for a week
2026-11-16 red|No login for a week
DAYS

walk com <<'DAYS'
2026-11-02 green|
2026-11-03 green|
2026-11-04 green|
2026-11-05 yellow|Missed an action item
2026-11-06 yellow|Missed an action item; Meetings keep being rescheduled
2026-11-07 yellow|Missed an action item; Meetings keep being rescheduled
2026-11-08 yellow|Missed an action item; Meetings keep being rescheduled
2026-11-09 yellow|Missed an action item; Meetings keep being rescheduled
2026-11-10 yellow|Missed an action item; A milestone is overdue; Meetings keep being rescheduled
2026-11-11 yellow|Missed an action item; A milestone is overdue; Meetings keep being rescheduled
2026-11-12 red|Missed two or more action items
2026-11-13 red|Missed two or more action items
2026-11-14 red|Missed two or more action items
2026-11-15 red|Missed two or more action items
2026-11-16 red|Missed two or more action items
DAYS

# first-check done Wed 11-04; business days after it: Thu 1, Fri 2,
# (weekend), Mon 3, Tue 4, (Wed 11-11 holiday), Thu 5.
walk talk <<'DAYS'
2026-11-02 green|
2026-11-03 green|
2026-11-04 green|
2026-11-05 green|
2026-11-06 yellow|Slow to reply (2+ business days)
2026-11-07 yellow|Slow to reply (2+ business days)
2026-11-08 yellow|Slow to reply (2+ business days)
2026-11-09 yellow|Slow to reply (2+ business days)
2026-11-10 yellow|Slow to reply (2+ business days)
2026-11-11 yellow|Slow to reply (2+ business days)
2026-11-12 red|Unresponsive 5+ business days
2026-11-13 green|
2026-11-14 green|
2026-11-15 green|
2026-11-16 red|NPS says detractor
DAYS

walk tech <<'DAYS'
2026-11-02 green|
2026-11-03 green|
2026-11-04 green|
2026-11-05 yellow|A support ticket is open
2026-11-06 yellow|A support ticket is open
2026-11-07 yellow|A support ticket is open
2026-11-08 red|A support ticket open 3+ days
2026-11-09 green|
2026-11-10 green|
2026-11-11 green|
2026-11-12 green|
2026-11-13 green|
2026-11-14 green|
2026-11-15 green|
2026-11-16 green|
DAYS

# The metrics behind them.
metrics() {
	run score "$1" --today "$2" --format json
	printf '%s' "$out" | jq -c ".[0].metrics | [$3]"
}
assert "unanswered over a weekend and a holiday" test \
	"$(metrics talk 2026-11-12 '.unanswered_days, .unanswered_business_days')" = "[8,5]"
assert "answered: nothing waiting" test \
	"$(metrics talk 2026-11-13 '.unanswered_days, .unanswered_business_days, .responses')" = "[0,0,1]"
assert "tickets" test \
	"$(metrics tech 2026-11-08 '.open_tickets, .oldest_open_ticket_days')" = "[1,3]"
assert "no open ticket: no age" test \
	"$(metrics tech 2026-11-10 '.open_tickets, .oldest_open_ticket_days')" = "[0,null]"
assert "a custom event type" test \
	"$(metrics tech 2026-11-16 '."count.demo_booked"')" = "[2]"
assert "custom counts as of the day" test \
	"$(metrics tech 2026-11-05 '."count.demo_booked"')" = "[1]"
assert "logins" test \
	"$(metrics eng 2026-11-09 '.logins, .logins_7d, .first_login_day, .days_since_login, .features')" = "[3,3,3,2,2]"
assert "logins a week later" test \
	"$(metrics eng 2026-11-14 '.logins, .logins_7d, .days_since_login')" = "[3,0,7]"
assert "before any login" test \
	"$(metrics eng 2026-11-04 '.logins, .first_login_day, .days_since_login')" = "[0,null,null]"
assert "NPS" test "$(metrics talk 2026-11-16 '.nps')" = "[6]"
assert "milestones" test \
	"$(metrics com 2026-11-10 '.milestones_done, .milestones_overdue, .day')" = "[2,1,8]"
# Red today, so mid-touch's mid-week check-in applies, and is overdue.
assert "check-ins" test \
	"$(metrics talk 2026-11-16 '.checkins_done, .checkins_overdue')" = "[2,1]"
assert "check-ins while green" test \
	"$(metrics talk 2026-11-15 '.checkins_done, .checkins_overdue')" = "[2,0]"

run escalations --today 2026-11-12 --format csv
expect "escalations" 0 "account,name,csm,status,reasons
com,com,,red,Repeatedly missed action items
talk,talk,,red,Unresponsive 5+ business days" ""
run score --today 2026-11-08 --format csv
expect "score: every active account, a status column per dimension" 0 \
"account,as_of,day,status,reasons,engagement,commitment,communication,technical
com,2026-11-08,6,yellow,Missed an action item; Meetings keep being rescheduled,green,yellow,green,green
eng,2026-11-08,6,green,,green,green,green,green
talk,2026-11-08,6,yellow,Slow to reply (2+ business days),green,green,yellow,green
tech,2026-11-08,6,red,A support ticket open 3+ days,green,green,green,red" ""
run score talk nobody
expect "score: an unknown account" 65 "" "onboard: unknown account 'nobody'"
run score talk nobody --format json
expect "score: an unknown account, nothing on stdout" 65 "" "onboard: unknown account 'nobody'"

# Replaying: the answer for a day never changes with later events. The
# first pass reads today's summaries, the second (after events dated
# later) recomputes from the events: they must agree, day by day.
answers() {
	for day in 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
		"$ONBOARD" score --today 2026-11-$day --format json ||
			echo "score failed on 2026-11-$day"
	done
}
answers >"$T/before"
assert "every day answered" test "$(grep -c '"account"' "$T/before")" -gt 0 -a \
	"$(grep -c 'score failed' "$T/before")" = 0
{
	echo "account,type,at,value"
	for a in eng com talk tech; do
		echo "$a,login,2026-11-25T09:00:00Z,"
		echo "$a,nps,2026-11-26,10"
		echo "$a,response,2026-11-27,"
		echo "$a,ticket_opened,2026-11-27,T-9"
		echo "$a,feature_used,2026-11-28,exports"
		echo "$a,milestone,2026-11-28,first-value"
		echo "$a,demo_booked,2026-11-29,"
	done
} >"$T/later.csv"
run import "$T/later.csv" -q
expect "events dated later" 0 "" ""
answers >"$T/after"
assert "earlier days answer as before" cmp -s "$T/before" "$T/after"
# Every account is read in one pass in rowid order, which is not the
# ids' here (eng was added first): each answers as when named alone.
for day in 2026-11-05 2026-11-12 2026-11-26 2026-11-30; do
	"$ONBOARD" score --today $day --format json | jq -c '.[]' >"$T/all"
	for a in com eng talk tech; do
		"$ONBOARD" score $a --today $day --format json | jq -c '.[]'
	done >"$T/each"
	assert "score of every account as of $day: as each alone" \
		cmp -s "$T/all" "$T/each"
done
run score eng --today 2026-11-29 --format json
assert "and the later day sees them" test \
	"$(printf '%s' "$out" | jq -c '.[0].metrics | [.logins, .nps, .features, ."count.demo_booked"]')" = \
	"[4,10,3,1]"

# logins_7d in a rule: due, which reads only the metrics the playbook
# names, sees it as score does.
sed -e 's/^name: saas-default$/name: weekly/' \
	-e '0,/^    yellow:$/s//    yellow:\n      - { when: logins_7d < 2, from_day: 5, reason: Quiet week }/' \
	"$ROOT/playbooks/default.yaml" >"$T/weekly.yaml"
run playbook load "$T/weekly.yaml" -q
run account add wk --name wk --tier mid --kickoff 2026-11-02 --playbook weekly -q
{
	echo "account,type,at,value"
	steady wk
	echo "wk,stakeholder_added,2026-11-06,CTO"
} >"$T/wk.csv"
run import "$T/wk.csv" -q
expect "an account on a playbook with logins_7d" 0 "" ""
run score wk --today 2026-11-09 --format csv
expect "score: four logins this week" 0 "account,as_of,day,status,reasons,engagement,commitment,communication,technical
wk,2026-11-09,7,green,,green,green,green,green" ""
run score wk --today 2026-11-15 --format csv
expect "score: one login this week" 0 "account,as_of,day,status,reasons,engagement,commitment,communication,technical
wk,2026-11-15,13,yellow,Quiet week,yellow,green,green,green" ""
run due --today 2026-11-15 --format json
assert "due: the same status" test \
	"$(printf '%s' "$out" | jq -c '[.[] | select(.account == "wk") | .status] | unique')" = '["yellow"]'

# Time zones: an event's date is its instant in local time.
run log eng response --at 2026-11-20T20:00:00-10:00 -q
TZ=UTC run score eng --today 2026-11-20 --format json
assert "UTC: the response falls on the 21st" test \
	"$(printf '%s' "$out" | jq '.[0].metrics.responses')" = 0
TZ=Pacific/Honolulu run score eng --today 2026-11-20 --format json
assert "Honolulu: on the 20th" test \
	"$(printf '%s' "$out" | jq '.[0].metrics.responses')" = 1
# Logins given as dates only, and a timed one, asked about between them:
# the span before the day comes from the summary and one step back.
run account add dates --name dates --tier mid --kickoff 2026-11-02 -q
printf 'account,type,at\ndates,login,2026-11-03\ndates,login,2026-11-05\ndates,login,2026-11-09\ndates,login,2026-11-04T22:00:00Z\n' >"$T/dates.csv"
run import "$T/dates.csv" -q
assert "date-only logins, as of a day between them" test \
	"$(metrics dates 2026-11-06 '.logins, .first_login_day, .days_since_login')" = "[3,1,1]"
assert "date-only logins, as of their first day" test \
	"$(metrics dates 2026-11-03 '.logins, .first_login_day, .days_since_login')" = "[1,1,0]"
assert "date-only logins, after them all" test \
	"$(metrics dates 2026-11-12 '.logins, .first_login_day, .days_since_login')" = "[4,1,3]"
# More types than one statement counts (16): twenty custom ones and
# logins, each with an event before the day asked and one after it, but
# custom_15 and custom_18 (one in each statement) with none after it.
run account add many --name many --tier mid --kickoff 2026-11-02 -q
{
	echo "account,type,at"
	for k in $(seq 1 20) x; do
		type=custom_$k
		[ "$k" = x ] && type=login
		echo "many,$type,2026-11-03T10:00:00Z"
		case $k in 15 | 18) ;; *) echo "many,$type,2026-11-08" ;; esac
	done
} >"$T/many.csv"
run import "$T/many.csv" -q
assert "21 types as of a day between their events" test \
	"$(metrics many 2026-11-05 '.logins, ."count.custom_1", ."count.custom_15", ."count.custom_16", ."count.custom_17", ."count.custom_18", ."count.custom_20"')" = "[1,1,1,1,1,1,1]"
assert "21 types after them all" test \
	"$(metrics many 2026-11-09 '.logins, ."count.custom_1", ."count.custom_15", ."count.custom_16", ."count.custom_17", ."count.custom_18", ."count.custom_20"')" = "[2,2,1,2,2,1,2]"
# A rule's logins_7d: due counts an account's logins in the week only as
# far as its playbook's rules tell counts apart (from 1 on for "< 1",
# from 4 on here), score every one; both give every account the same
# status, on every day, from the summary and in replays alike.
for cap in 1 4; do
	{
		echo "name: cap$cap"
		echo "tiers: { mid: {} }"
		echo "checkins:"
		echo "  - { id: touch, title: Touch, days: 0-60, channel: email }"
		echo "health:"
		echo "  usage:"
		echo "    red:"
		echo "      - { when: logins_7d < 1, from_day: 1, reason: No login }"
		if [ $cap = 4 ]; then
			echo "    yellow:"
			echo "      - { when: logins_7d <= 2, reason: Two or fewer }"
			echo "      - { when: logins_7d == 3, reason: Three }"
		fi
	} >"$T/cap$cap.yaml"
	run playbook load "$T/cap$cap.yaml" -q
	expect "a playbook comparing logins_7d with numbers up to $cap" 0 "" ""
	{
		echo "account,type,at"
		# Logins on days 1, 3, 5, 7, 9, ... from kickoff: a week holds 3 or 4.
		for d in 03 05 07 09 11 13 15 17; do
			echo "c$cap-odd,login,2026-11-${d}T09:00:00Z"
		done
		# Four in one day, then nothing.
		for h in 08 09 10 11; do
			echo "c$cap-burst,login,2026-11-06T$h:00:00Z"
		done
		# Dates and times mixed, one a day then two a day.
		echo "c$cap-mixed,login,2026-11-04"
		echo "c$cap-mixed,login,2026-11-05T23:30:00Z"
		echo "c$cap-mixed,login,2026-11-06"
		echo "c$cap-mixed,login,2026-11-06T08:00:00Z"
		echo "c$cap-mixed,login,2026-11-12"
		echo "c$cap-mixed,login,2026-11-12T08:00:00Z"
	} >"$T/cap$cap.csv"
	for a in odd burst mixed none; do
		run account add c$cap-$a --name "$a" --tier mid \
			--kickoff 2026-11-02 --playbook cap$cap -q
	done
	run import "$T/cap$cap.csv" -q
	for day in 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 20 25; do
		run score --today 2026-11-$day --format json
		want=$(printf '%s' "$out" | jq -c "[.[] | select(.account |
			startswith(\"c$cap-\")) | [.account, .status]] | sort")
		run due --today 2026-11-$day --format json
		got=$(printf '%s' "$out" | jq -c "[.[] | select(.account |
			startswith(\"c$cap-\")) | [.account, .status]] | unique")
		assert "cap $cap, as of 2026-11-$day: due's statuses are score's" \
			test "$got" = "$want"
	done
done
finish
