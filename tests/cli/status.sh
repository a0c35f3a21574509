# Status history (SPEC section 10): every change is kept with the date it
# took effect, and a day in the past is answered with the status of that
# day: scheduled, scored and listed as it was then.
. tests/cli/lib.sh

since() { # ACCOUNT TODAY: "status,status_since" as of TODAY
	"$ONBOARD" account list --format csv --today "$2" |
		awk -F, -v a="$1" '$1 == a { print $9 "," $10 }'
}

run init -q
"$ONBOARD" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
"$ONBOARD" account add bolt --name Bolt --tier mid --kickoff 2026-11-02 -q
assert "a new account: its status from its start" test "$(since acme 2026-11-20)" = "active,"

run account set acme --status paused --at 2026-11-10
expect "paused from a date" 0 "" "onboard: updated account 'acme'"
assert "the day before: active" test "$(since acme 2026-11-09)" = "active,"
assert "that day: paused since then" test "$(since acme 2026-11-10)" = "paused,2026-11-10"
run account show acme --today 2026-11-12 --format json
assert "account show says since when" test \
	"$(printf '%s' "$out" | jq -c '.[0] | [.status, .status_since]')" = '["paused","2026-11-10"]'
run account show acme --today 2026-11-12
expect_has "and in its table" 0 stdout "status    paused since 2026-11-10"

# Only active accounts are scheduled and scored, as of the day asked.
run due --today 2026-11-09 --format json
assert "due before the pause lists it" test \
	"$(printf '%s' "$out" | jq -r '[.[].account] | unique | join(" ")')" = "acme bolt"
run due --today 2026-11-12 --format json
assert "due after it does not" test \
	"$(printf '%s' "$out" | jq -r '[.[].account] | unique | join(" ")')" = "bolt"
run score --today 2026-11-09 --format csv
assert "score before the pause scores it" test "$(printf '%s' "$out" | cut -d, -f1 | tail -n +2 | tr '\n' ' ')" = "acme bolt "
run account list --status paused --today 2026-11-09 --format csv
assert "--status filters by the status of the day" test "$(printf '%s' "$out" | tail -n +2)" = ""

run account set acme --status paused --at 2026-11-15 -q
expect "the same status again changes nothing" 0 "" ""
assert "its date stays" test "$(since acme 2026-11-20)" = "paused,2026-11-10"

"$ONBOARD" account set acme --status active --at 2026-11-20 -q
"$ONBOARD" account set acme --status churned --at 2026-11-12 -q
assert "a change between two: before it" test "$(since acme 2026-11-11)" = "paused,2026-11-10"
assert "a change between two: on it" test "$(since acme 2026-11-13)" = "churned,2026-11-12"
assert "a change between two: the latest still holds" test "$(since acme 2026-11-25)" = "active,2026-11-20"
assert "the history kept, every change with its date" test \
	"$(dbq "SELECT since || ':' || status FROM account_status ORDER BY since" | tr '\n' ' ' | sed 's/ $//')" = \
	":active 2026-11-10:paused 2026-11-12:churned 2026-11-20:active"

run account set acme --at 2026-11-12
expect "--at without --status" 2 "" "onboard: --at needs --status
usage: onboard account set ID [--name N] [--tier T] [--kickoff D] [--csm C]
                           [--contact P] [--email E] [--playbook P] [--status S]
                           [--at DATE] [--opt-out yes|no]"
run account set acme --status paused --at 2026-13-01
expect "a bad --at" 65 "" "onboard: bad status date '2026-13-01': expected a date YYYY-MM-DD"
run account add cato --name Cato --tier mid --kickoff 2026-11-02 --at 2026-11-01
expect "add takes no --at" 2 "" "*"

# account import: a status_since column.
printf 'id,name,tier,kickoff,status,status_since\ncato,Cato,mid,2026-11-02,churned,2026-11-15\nbolt,Bolt,mid,2026-11-02,completed,2026-11-18\n' >"$T/a.csv"
run account import "$T/a.csv" -q
expect "import with status dates" 0 "" ""
assert "a new account churned on a date was active before" test "$(since cato 2026-11-14)" = "active,"
assert "and churned from it" test "$(since cato 2026-11-16)" = "churned,2026-11-15"
assert "an account's change, dated" test "$(since bolt 2026-11-19)" = "completed,2026-11-18"
printf 'id,name,tier,kickoff,status\ndino,Dino,mid,2026-11-02,paused\n' >"$T/b.csv"
"$ONBOARD" account import "$T/b.csv" -q
assert "a new account given a status alone: from its start" test "$(since dino 2026-11-03)" = "paused,"
before=$(dbq "SELECT count(*) FROM account_status")
printf 'id,name,tier,kickoff,status,status_since\nbolt,Bolt,mid,2026-11-02,paused,2026-11-19\nacme,Acme,mid,2026-11-02,,2026-11-19\n' >"$T/c.csv"
run account import "$T/c.csv"
expect "a status date without a status" 65 "" "$T/c.csv:3: error: a status date '2026-11-19' needs a status
onboard: $T/c.csv: 2 rows read, 1 invalid: nothing written"
assert "a failed import records no change" test \
	"$(dbq "SELECT count(*) FROM account_status")" = "$before"
assert "nor moves a status" test "$(since bolt 2026-11-25)" = "completed,2026-11-18"

finish
