# Ten mornings of the cron recipe of doc/GUIDE.md: the nightly import, then
# `onboard send`, then the due list. Every automated check-in of a
# low-touch account goes out once, on the first morning of its window;
# the CSM gets one alert, the morning the account turns red.
. tests/cli/lib.sh

export ONBOARD_SENDMAIL="$ROOT/tests/cli/fake-sendmail" FAKE_DIR="$T/mail"
unset FAKE_EXIT FAKE_STDERR FAKE_KILL_AT FAKE_SLEEP
out="" err=""
sql() { dbq "$@"; }

cat >"$T/cadence.yaml" <<'EOF'
name: cadence
tiers:
  low: { title: Low-touch, length_days: 30 }
delivery:
  from: Onboarding <onboarding@vendor.example>
checkins:
  - { id: welcome, days: 1-2, automated: [low],
      template: "Subject: Welcome, {{account.name}}\n\nHi {{account.contact}}\n" }
  - { id: setup, days: 3-4, automated: [low],
      template: "Subject: Three setup steps\n\nDay {{day}}\n" }
  - { id: week-one, days: 5-7, automated: [low],
      template: "Subject: Your first week\n\nDay {{day}}\n" }
  - { id: day-nine, days: 9, automated: [low],
      template: "Subject: Day nine\n\nDay {{day}}\n" }
  - { id: review-call, days: 5-10, channel: call }
health:
  engagement:
    red:
      - { when: logins == 0, from_day: 3, reason: No login since kickoff }
EOF
"$ONBOARD" init -q
"$ONBOARD" playbook load "$T/cadence.yaml" -q
"$ONBOARD" playbook default cadence -q
"$ONBOARD" csm set dana --email dana@vendor.example --full-name "Dana Ortiz" -q
printf 'id,name,tier,kickoff,csm,contact,email
busy,Busy Co,low,2026-11-02,dana,Bo,bo@busy.example
quiet,Quiet Co,low,2026-11-02,dana,Qi,qi@quiet.example
nomail,No Mail Co,low,2026-11-02,dana,,
' >"$T/accounts.csv"
"$ONBOARD" account import "$T/accounts.csv" -q

mkdir -p "$T/inbox"
statuses=""
day=3
while [ "$day" -le 12 ]; do
	today=$(printf '2026-11-%02d' "$day")
	night=$(printf '2026-11-%02dT22:00:00Z' $((day - 1)))
	# 02:15, the night's export: busy logs in every day, quiet never.
	printf 'account,type,at\nbusy,login,%s\n' "$night" >"$T/inbox/$day.csv"
	"$ONBOARD" --today "$today" import "$T/inbox/$day.csv" -q
	# 06:00, send; 07:30, the CSM's morning list.
	"$ONBOARD" --today "$today" send -q
	statuses="$statuses $?"
	"$ONBOARD" --today "$today" due --manual --format csv >"$T/due-$day.csv"
	day=$((day + 1))
done

assert "every morning's send exits 0" test "$statuses" = " 0 0 0 0 0 0 0 0 0 0"
assert "eight check-in messages and one alert, none twice" test \
	"$(wc -l <"$FAKE_DIR/log")/$(sort "$FAKE_DIR/log" | uniq -d | wc -l)" = 9/0
assert "each went on the first morning of its window, and counts as done" test \
	"$(dbq_join ', ' "SELECT a.ext_id || ' ' || c.checkin || ' ' || c.day
		FROM checkin_action c JOIN account a ON a.id = c.account
		ORDER BY c.account, c.day")" = \
	"busy welcome 2026-11-03, busy setup 2026-11-05, busy week-one 2026-11-07, busy day-nine 2026-11-11, quiet welcome 2026-11-03, quiet setup 2026-11-05, quiet week-one 2026-11-07, quiet day-nine 2026-11-11"
assert "with the window's day in each Message-ID" test \
	"$(grep -c '^<onboard\.\(busy\|quiet\)\.[a-z-]*\.202611\(03\|05\|07\|11\)@vendor\.example>$' "$FAKE_DIR/log")" = 8
assert "the account without an e-mail got none" test \
	"$(grep -c nomail "$FAKE_DIR/log")" = 0
assert "one alert" test "$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 1
alert=$(grep -l '^X-Onboard-Alert: dana' "$FAKE_DIR"/*.msg)
assert "the alert was the fifth message, on day 3 after two setup e-mails" test \
	"$(basename "$alert")" = 5.msg
assert "it names quiet alone" test \
	"$(grep -c '^quiet: Quiet Co$' "$alert")/$(grep -c '^busy: ' "$alert")" = 1/0
assert "the due list kept only the manual check-in" test \
	"$(cut -d, -f5 "$T/due-10.csv" | sort -u | tr '\n' ' ')" = "checkin review-call "

finish
