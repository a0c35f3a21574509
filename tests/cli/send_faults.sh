# onboard send killed with SIGKILL at random moments of a run of 50
# messages (3 times; 20 with ONBOARD_SLOW_TESTS=1, as CI runs it). After
# each kill: the database passes integrity_check, no message was
# delivered twice, and every message is queued, sending (the next run
# makes it unconfirmed), sent, deferred or unconfirmed: none lost, none
# sent without being delivered.
. tests/cli/lib.sh

export ONBOARD_SENDMAIL="$ROOT/tests/cli/fake-sendmail" FAKE_DIR="$T/mail"
unset FAKE_EXIT FAKE_STDERR FAKE_KILL_AT FAKE_SLEEP
out="" err=""
runs=3
[ -n "${ONBOARD_SLOW_TESTS:-}" ] && runs=20
sql() { sqlite3 "$ONBOARD_DB" "$@"; }
# Copies of the database file, and SQLite's integrity_check.
sqlite_only "send killed at random moments (database file copies)" ||
	{ finish; exit; }

cat >"$T/mailer.yaml" <<'EOF'
name: mailer
tiers: {low: {}}
delivery: {from: team@vendor.example}
checkins:
  - { id: welcome, days: 1-2, automated: [low],
      template: "Subject: Welcome\n\nHi {{account.contact}}\n" }
EOF
"$ONBOARD" init -q
"$ONBOARD" playbook load "$T/mailer.yaml" -q
"$ONBOARD" playbook default mailer -q
i=1
{
	echo id,name,tier,kickoff,contact,email
	while [ "$i" -le 50 ]; do
		echo "a$i,Account $i,low,2026-11-02,Contact $i,c$i@customer.example"
		i=$((i + 1))
	done
} >"$T/accounts.csv"
"$ONBOARD" account import "$T/accounts.csv" -q
cp "$T/onboard.db" "$T/pristine.db"

# A whole run, on a copy (each message ~20 ms).
export FAKE_SLEEP=0.02
cp "$T/pristine.db" "$T/whole.db"
FAKE_DIR="$T/whole.mail" "$ONBOARD" --db "$T/whole.db" --today 2026-11-03 send -q
assert "a whole run delivers 50" test "$(cat "$T/whole.mail/count")" = 50

# The invariants, after a kill or a run.
check() {
	_why=""
	[ "$(sql 'PRAGMA integrity_check')" = ok ] || _why="$_why integrity_check;"
	n=$(sql 'SELECT count(*) FROM outbox')
	# Queueing is one transaction: all 50 messages or none.
	[ "$n" = 0 ] || [ "$n" = 50 ] || _why="$_why $n messages queued;"
	bad=$(sql "SELECT count(*) FROM outbox WHERE state NOT IN
		('queued', 'sending', 'sent', 'deferred', 'unconfirmed')")
	[ "$bad" = 0 ] || _why="$_why $bad in another state;"
	dup=$(sort "$FAKE_DIR/log" 2>/dev/null | uniq -d | wc -l)
	[ "$dup" = 0 ] || _why="$_why $dup delivered twice;"
	sql "SELECT message_id FROM outbox WHERE state = 'sent'" >"$T/sent"
	lost=$(grep -cvxFf "$FAKE_DIR/log" "$T/sent" 2>/dev/null)
	[ -z "$(cat "$T/sent")" ] || [ "$lost" = 0 ] ||
		_why="$_why $lost sent but never delivered;"
	_result "$1"
}

# Each kill on a fresh copy: the run is killed while it delivers, then
# the copy's runs go on to the end.
to_the_end() {
	unset FAKE_SLEEP
	_i=0
	while [ "$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'deferred', 'sending')")" != 0 ] ||
		[ "$(sql 'SELECT count(*) FROM outbox')" = 0 ]; do
		"$ONBOARD" --today 2026-11-03 send -q 2>>"$T/runs.err"
		_i=$((_i + 1))
		[ "$_i" -lt 10 ] || break
	done
	export FAKE_SLEEP=0.02
}
out="" err=""
kills=0
unconfirmed=0
run_no=1
while [ "$run_no" -le "$runs" ]; do
	export ONBOARD_DB="$T/run$run_no.db" FAKE_DIR="$T/run$run_no.mail"
	cp "$T/pristine.db" "$ONBOARD_DB"
	: >"$T/runs.err"
	# A moment inside the run: while the k-th message is handed over,
	# some way into it (counted by the fake sendmail, not timed, so that
	# a loaded machine moves it nowhere); now and then a mail server
	# that defers everything.
	set -- $(awk -v s="$run_no" 'BEGIN { srand(s * 7919);
		printf "%d %.3f", 1 + int(rand() * 45), rand() * 0.02 }')
	k=$1 at=$2
	code=$(awk -v s="$run_no" 'BEGIN { srand(s); print rand() < 0.25 ? 75 : 0 }')
	FAKE_EXIT=$code "$ONBOARD" --today 2026-11-03 send -q 2>>"$T/runs.err" &
	pid=$!
	_w=0
	while [ "$(cat "$FAKE_DIR/count" 2>/dev/null || echo 0)" -lt "$k" ] &&
		kill -0 "$pid" 2>/dev/null && [ "$_w" -lt 6000 ]; do
		sleep 0.005
		_w=$((_w + 1))
	done
	sleep "$at"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	[ $? = 137 ] && kills=$((kills + 1))
	check "killed at message $k + ${at}s (run $run_no, sendmail exits $code)"
	to_the_end
	check "run $run_no, then runs to the end"
	_why=""
	[ "$(sql "SELECT count(*) FROM outbox WHERE state IN ('sent', 'unconfirmed')")" = 50 ] ||
		_why=" not all sent or unconfirmed: $(sql "SELECT group_concat(DISTINCT state) FROM outbox");"
	[ "$(grep -c 'is unconfirmed and will not be sent again' "$T/runs.err")" = \
		"$(sql "SELECT count(*) FROM outbox WHERE state = 'unconfirmed'")" ] ||
		_why="$_why unconfirmed ones not named;"
	[ "$(sql "SELECT count(*) || '|' || count(DISTINCT account) FROM checkin_action")" = \
		"$(sql "SELECT count(*) || '|' || count(*) FROM outbox WHERE state = 'sent'")" ] ||
		_why="$_why check-ins done do not match the messages sent;"
	_result "run $run_no: every message sent or unconfirmed (named), each sent one done once"
	unconfirmed=$((unconfirmed + $(sql "SELECT count(*) FROM outbox WHERE state = 'unconfirmed'")))
	run_no=$((run_no + 1))
done
assert "the kills landed inside runs ($kills of $runs, $unconfirmed unconfirmed)" \
	test "$kills" -ge $((runs * 3 / 4))

finish
