# onboard db copy and db check (SPEC section 9): a whole database into
# an empty one, the other engine's on the PostgreSQL half (SQLite ->
# PostgreSQL -> SQLite), every answer the same after; a target that is
# not empty refused, nothing written; summaries checked against events.
. tests/cli/lib.sh

export ONBOARD_SENDMAIL="$ROOT/tests/cli/fake-sendmail" FAKE_DIR="$T/mail"
q() { "$ONBOARD" "$@" -q; }

# The demo's data, and what a team adds to it: done check-ins, statuses
# with dates, the CSM directory, users linked by an export, an outbox.
src=$T/source.db
q --db "$src" init
q --db "$src" account import "$ROOT/demo/accounts.csv"
q --db "$src" import "$ROOT/demo/events.csv"
q --db "$src" import --from segment --map "$ROOT/playbooks/maps/segment.yaml" \
	"$ROOT/demo/segment.jsonl"
q --db "$src" done contoso first-check --at 2026-11-04 --channel email
q --db "$src" snooze adatum mid-week --until 2026-11-24 --today 2026-11-20
q --db "$src" account set tailspin --status paused --at 2026-11-12
q --db "$src" csm set dana --email dana@example.com --full-name "Dana Reyes"
q --db "$src" log contoso demo_booked --at 2026-11-18T10:00:00Z
"$ONBOARD" --db "$src" send --today 2026-11-20 -q >/dev/null 2>&1

# answers DB: what every reading command says, on a few mornings.
answers() {
	for day in 2026-11-05 2026-11-12 2026-11-20; do
		for cmd in "due --format csv" "score --format json" \
			"report --format json" "escalations --format csv"; do
			"$ONBOARD" --db "$1" --today "$day" $cmd 2>&1
		done
	done
	for cmd in "account list --format csv" "outbox list --format csv" \
		"user list --format csv" "csm list --format csv" \
		"playbook list --format csv" "account show contoso --format json"; do
		"$ONBOARD" --db "$1" --today 2026-11-20 $cmd 2>&1
	done
}
answers "$src" >"$T/source.answers"
assert "the answers are answers" test "$(grep -c contoso "$T/source.answers")" -ge 10

# There and back: onto $ONBOARD_DB's engine, and back into a file.
q init
run db copy "$src" "$ONBOARD_DB"
expect "copied" 0 "" \
	"onboard: copied '$src' to '$ONBOARD_DB': 1 playbooks, 9 accounts, 75 events, 9 check-in actions, 8 messages, 2 user links"
answers "$ONBOARD_DB" >"$T/copy.answers"
assert "the copy answers as the source" cmp -s "$T/source.answers" "$T/copy.answers"
back=$T/back.db
q --db "$back" init
run db copy "$ONBOARD_DB" "$back"
expect_has "and back" 0 stderr "onboard: copied '$ONBOARD_DB' to '$back': "
answers "$back" >"$T/back.answers"
assert "back again, the same answers" cmp -s "$T/source.answers" "$T/back.answers"
run db check
expect "db check on the copy" 0 \
	"database '$ONBOARD_DB': schema version 9, 8 accounts with events, 75 events
every account's summary agrees with its events" ""

# The copy goes on as the source would: new ids after the copied ones.
run account add fresh --name Fresh --tier low --kickoff 2026-11-20 -q
expect "an account added after the copy" 0 "" ""
run log fresh second_new_type --at 2026-11-20T09:00:00Z -q
expect "a new event type after the copy" 0 "" ""
assert "its id after the copied ones" \
	test "$(dbq "SELECT id FROM event_type WHERE name = 'second_new_type'")" = 15

# A target that is not empty: refused, nothing written.
n=$(dbq "SELECT count(*) FROM event")
run db copy "$src" "$ONBOARD_DB"
expect "a target with data: refused" 1 "" \
	"onboard: database '$ONBOARD_DB' is not empty (10 accounts, 76 events, 8 messages): db copy fills a database that only 'onboard init' has written
onboard: nothing written"
assert "and left as it was" test "$(dbq "SELECT count(*) FROM event")" = "$n"
run db copy "$src" "$T/none.db"
expect "a target that does not exist" 66 "" \
	"onboard: no database at '$T/none.db' (run 'onboard init' to create it)"
run db copy "$src"
expect_has "one database: usage" 2 stderr "onboard: expected FROM and TO, two databases"

# The bench's data (bench/gen.c: 100,000 accounts, 1M events, 85% of
# the check-ins done) there and back, every answer the same as of the
# bench's two days: on the PostgreSQL half, with ONBOARD_SLOW_TESTS=1
# (CI sets it).
if [ -n "$PG" ] && [ -n "${ONBOARD_SLOW_TESTS:-}" ]; then
	cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$T/gen" "$ROOT/bench/gen.c" -lm
	"$T/gen" accounts 100000 1 >"$T/big-accounts.csv"
	"$T/gen" events 100000 1000000 1 >"$T/big-events.csv"
	"$T/gen" done 100000 85 3 >"$T/big-done.csv"
	big=$T/big.db
	q --db "$big" init
	q --db "$big" account import "$T/big-accounts.csv"
	q --db "$big" import "$T/big-events.csv"
	# The check-ins done, as the bench loads them (a team's weeks of
	# 'onboard done').
	sqlite3 "$big" ".import --csv $T/big-done.csv done_import"
	sqlite3 "$big" "INSERT INTO checkin_action (account, checkin, action, day,
			recorded_at)
		SELECT a.id, d.checkin, 'done', d.day, '2026-11-20T00:00:00Z'
		FROM done_import d JOIN account a ON a.ext_id = d.account;
		DROP TABLE done_import;"
	bigpg=$(new_db big)
	q --db "$bigpg" init
	q db copy "$big" "$bigpg"
	q --db "$T/big-back.db" init
	q db copy "$bigpg" "$T/big-back.db"
	same=yes
	for day in 2026-11-20 2026-09-22; do
		for cmd in "due --format csv" "score --format json" "report --format json"; do
			for d in "$big" "$bigpg" "$T/big-back.db"; do
				# shellcheck disable=SC2086
				"$ONBOARD" --db "$d" --today "$day" $cmd | md5sum
			done | uniq | wc -l | grep -qx 1 || same="$same, not $cmd as of $day"
		done
	done
	assert "1M events SQLite -> PostgreSQL -> SQLite: due, score, report the same ($same)" \
		test "$same" = yes
fi

# db check finds a summary out of step with the events.
dbq "UPDATE signal SET counts = '1:999' WHERE account = (SELECT id FROM account WHERE ext_id = 'contoso')" >/dev/null
run db check
expect "a summary that disagrees: exit 1, named" 1 \
	"database '$ONBOARD_DB': schema version 9, 9 accounts with events, 76 events
summary disagrees with the events: contoso" \
	"onboard: database '$ONBOARD_DB': 1 accounts' summaries disagree with their events"

finish
