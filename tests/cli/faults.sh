# Faults: an import killed at random moments, writers and readers at once,
# a full disk, a read-only database, hostile input. ONBOARD_SLOW_TESTS=1
# (CI sets it) makes the runs longer.
. tests/cli/lib.sh

slow=${ONBOARD_SLOW_TESTS:-0}
run init -q
awk 'BEGIN { print "id,name,tier,kickoff,csm"
	for (i = 0; i < 500; i++)
		printf "a%03d,Account %d,%s,2026-11-%02d,csm%d\n", i, i,
			(i % 3 == 0 ? "high" : i % 3 == 1 ? "mid" : "low"),
			1 + i % 20, i % 7 }' >"$T/accounts.csv"
run account import "$T/accounts.csv" -q
expect "500 accounts" 0 "" ""

# events FILE N TAG: N distinct events, their ids tagged.
events() {
	awk -v n="$2" -v tag="$3" 'BEGIN { print "account,type,at,value,id"
		split("login feature_used response ticket_opened nps action_item_done", t, " ")
		for (i = 0; i < n; i++) {
			k = t[1 + i % 6]
			v = k == "feature_used" ? "f" (i % 9) : k == "ticket_opened" ? "T" i : k == "nps" ? i % 11 : ""
			printf "a%03d,%s,2026-11-%02dT%02d:%02d:00Z,%s,%s-%d\n",
				i % 500, k, 1 + i % 20, i % 24, i % 60, v, tag, i
		} }' >"$1"
}
count() { ONBOARD_DB=$1 dbq "SELECT count(*) FROM event"; }
# PostgreSQL has no integrity_check of its own files: there the checks
# are the counts and the summaries.
integrity() {
	if [ -n "$PG" ]; then echo ok; else sqlite3 "$1" "PRAGMA integrity_check"; fi
}
# Every event is in its account's summary, and nothing more.
summed() {
	if [ -n "$PG" ]; then
		ONBOARD_DB=$1 dbq "SELECT coalesce(sum(split_part(c, ':', 2)::bigint), 0) FROM signal, unnest(string_to_array(counts, ',')) c WHERE counts <> ''"
		return
	fi
	sqlite3 "$1" "SELECT coalesce(sum(value), 0) FROM (SELECT CAST(substr(c.value, instr(c.value, ':') + 1) AS INTEGER) AS value FROM signal, json_each('[\"' || replace(counts, ',', '\",\"') || '\"]') c WHERE counts <> '')"
}
# killable: the database an import is killed on, holding what
# $ONBOARD_DB holds: a copy of the file, or on PostgreSQL the database
# itself, the rows to import tagged anew (so that each try adds them).
killable() {
	if [ -n "$PG" ]; then
		killed=$ONBOARD_DB
		events "$T/big.csv" "$rows" "big$1"
	else
		killed=$T/killed.db
		cp "$ONBOARD_DB" "$killed"
	fi
	before=$(count "$killed")
}

# 1. SIGKILL: the database stays whole and holds all of an import or none.
rows=$([ "$slow" = 1 ] && echo 200000 || echo 60000)
events "$T/big.csv" "$rows" big
before=$(count "$ONBOARD_DB")
# Each kill hits a fresh copy of the database, at a random moment within
# the time one whole import takes here.
if [ -z "$PG" ]; then
	sqlite3 "$ONBOARD_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	cp "$ONBOARD_DB" "$T/timed.db"
	timed=$T/timed.db
else
	timed=$(new_db timed)
	"$ONBOARD" --db "$timed" init -q
	"$ONBOARD" --db "$timed" account import "$T/accounts.csv" -q
fi
t0=$(date +%s%N)
"$ONBOARD" --db "$timed" import -q "$T/big.csv"
span=$((($(date +%s%N) - t0) / 1000000)) # ms
kills=0 whole=0 tries=0
while [ "$kills" -lt 20 ] && [ "$tries" -lt 60 ]; do
	tries=$((tries + 1))
	killable "$tries"
	"$ONBOARD" --db "$killed" import -q "$T/big.csv" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$tries" -v ms="$span" 'BEGIN { srand(s); printf "%.3f", rand() * ms / 1000 }')"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	n=$(count "$killed")
	[ "$(integrity "$killed")" = ok ] || { echo "not ok - integrity after kill $tries"; failed=$((failed + 1)); }
	if [ "$n" = "$before" ] || [ "$n" = "$((before + rows))" ]; then
		whole=$((whole + 1))
	fi
	[ "$(summed "$killed")" = "$n" ] || { echo "not ok - summaries after kill $tries"; failed=$((failed + 1)); }
done
assert "20 imports killed (in $tries tries)" test "$kills" -ge 20
assert "killed imports: all or nothing every time" test "$whole" = "$tries"
before=$(count "$ONBOARD_DB")
events "$T/big.csv" "$rows" big
run import -q "$T/big.csv"
expect "the import, let run" 0 "" ""
assert "all of it" test "$(count "$ONBOARD_DB")" = "$((before + rows))"
assert "summaries agree after it" test "$(summed "$ONBOARD_DB")" = "$(count "$ONBOARD_DB")"

# 2. Four importers and four readers on one database at once.
seconds=$([ "$slow" = 1 ] && echo 30 || echo 6)
mkdir -p "$T/conc"
for w in 1 2 3 4; do
	for k in 1 2 3 4 5 6; do
		events "$T/conc/w$w-$k.csv" 3000 "w$w-$k"
	done
done
end=$(($(date +%s) + seconds))
for w in 1 2 3 4; do
	(
		for k in 1 2 3 4 5 6; do
			[ "$(date +%s)" -lt "$end" ] || break
			"$ONBOARD" import -q "$T/conc/w$w-$k.csv" >/dev/null 2>"$T/conc/w$w-$k.err"
			echo "$k $?" >>"$T/conc/w$w.rc"
		done
	) &
done
for r in 1 2 3 4; do
	(
		while [ "$(date +%s)" -lt "$end" ]; do
			if [ $((r % 2)) = 0 ]; then
				"$ONBOARD" due --today 2026-11-20 --format csv >/dev/null 2>>"$T/conc/r$r.err"
			else
				"$ONBOARD" score --today 2026-11-20 --format csv >/dev/null 2>>"$T/conc/r$r.err"
			fi
			echo "$?" >>"$T/conc/r$r.rc"
		done
	) &
done
wait
assert "no failure but 75 (busy) among writers" test -z \
	"$(cat "$T"/conc/w*.rc | awk '$2 != 0 && $2 != 75')"
assert "readers all succeed" test -z "$(cat "$T"/conc/r*.rc | grep -v '^0$')"
assert "readers ran" test "$(cat "$T"/conc/r*.rc | wc -l)" -ge 4
bad=""
for f in "$T"/conc/w*.rc; do
	w=$(basename "$f" .rc)
	while read -r k rc; do
		n=$(dbq "SELECT count(*) FROM event WHERE ext_id LIKE '$w-$k-%'")
		[ "$rc" = 0 ] && [ "$n" != 3000 ] && bad="$bad $w-$k:$n"
		[ "$rc" = 75 ] && [ "$n" != 0 ] && bad="$bad $w-$k:$n(busy)"
	done <"$f"
done
assert "every import complete or absent$bad" test -z "$bad"
assert "integrity after the crowd" test "$(integrity "$ONBOARD_DB")" = ok
assert "summaries agree after the crowd" test "$(summed "$ONBOARD_DB")" = "$(count "$ONBOARD_DB")"

# 3. A full disk: a clear error, exit 1, nothing half-written. 4. A
# database the user may not write. Files of SQLite's.
if sqlite_only "a full disk, a file size limit, a read-only file"; then
# 3. A full disk: a clear error, exit 1, nothing half-written.
events "$T/more.csv" 40000 more
cp "$ONBOARD_DB" "$T/small.db"
rm -f "$T/small.db-wal" "$T/small.db-shm"
n=$(count "$T/small.db")
(
	ulimit -f 4096 # 2 MiB: the WAL outgrows it
	"$ONBOARD" --db "$T/small.db" import "$T/more.csv" >"$T/stdout" 2>"$T/stderr"
	echo $? >"$T/rc"
)
rc=$(cat "$T/rc") out=$(cat "$T/stdout") err=$(cat "$T/stderr")
expect_has "past a file size limit: exit 1" 1 stderr \
	"onboard: cannot write database '$T/small.db': "
expect_has "and says nothing was written" 1 stderr "onboard: nothing written"
assert "nothing half-written" test "$(count "$T/small.db")" = "$n"
assert "and whole" test "$(integrity "$T/small.db")" = ok
# The same when the write that fails is a batch written while the next
# is read (an import of more than 131,072 events).
events "$T/huge.csv" 140000 huge
# A row after the failed batch that would add an event type: no statement
# may run once SQLite has given the transaction up.
echo "a001,brand_new_type,2026-11-05T10:00:00Z,," >>"$T/huge.csv"
cp "$T/small.db" "$T/small2.db"
(
	ulimit -f 4096
	"$ONBOARD" --db "$T/small2.db" import "$T/huge.csv" >"$T/stdout" 2>"$T/stderr"
	echo $? >"$T/rc"
)
rc=$(cat "$T/rc") out=$(cat "$T/stdout") err=$(cat "$T/stderr")
expect_has "a failed batch behind the reading: exit 1" 1 stderr \
	"onboard: cannot write database '$T/small2.db': "
assert "nothing half-written by it" test "$(count "$T/small2.db")" = "$n"
assert "no event type added after it" test \
	"$(sqlite3 "$T/small2.db" "SELECT count(*) FROM event_type WHERE name = 'brand_new_type'")" = 0
assert "and whole after it" test "$(integrity "$T/small2.db")" = ok
mkdir -p "$T/tiny"
if mount -t tmpfs -o size=600k tmpfs "$T/tiny" 2>/dev/null; then
	run --db "$T/tiny/onboard.db" init -q
	run --db "$T/tiny/onboard.db" account import "$T/accounts.csv" -q
	n=$(count "$T/tiny/onboard.db")
	run --db "$T/tiny/onboard.db" import "$T/more.csv"
	expect_has "a full file system: exit 1" 1 stderr "disk full"
	assert "nothing half-written there" test "$(count "$T/tiny/onboard.db")" = "$n"
	assert "and whole there" test "$(integrity "$T/tiny/onboard.db")" = ok
	umount "$T/tiny"
else
	echo "# no tmpfs here: the file size limit stands in for a full disk"
fi

# 4. A database the user may not write.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -p "$T/ro"
	cp "$ONBOARD_DB" "$T/ro/onboard.db"
	"$ONBOARD" --db "$T/ro/onboard.db" account list -q >/dev/null
	chmod 755 "$T" "$T/ro"
	chmod 644 "$T/ro/onboard.db"
	chmod 644 "$T/ro/onboard.db-shm" "$T/ro/onboard.db-wal" 2>/dev/null
	n=$(count "$T/ro/onboard.db")
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ONBOARD" --db "$T/ro/onboard.db" log a001 login >"$T/stdout" 2>"$T/stderr"
	rc=$? out=$(cat "$T/stdout") err=$(cat "$T/stderr")
	expect_has "a read-only database: exit 1, said so" 1 stderr "onboard: cannot write database '$T/ro/onboard.db': it is read-only"
	assert "it is unchanged" test "$(count "$T/ro/onboard.db")" = "$n"
	chmod 700 "$T"
fi

fi

# 5. Hostile input: never a crash, a hang or a wrong answer.
run account add far --name Far --tier mid --kickoff 9999-12-31 -q
expect "a kickoff on 9999-12-31" 0 "" ""
run account show far --today 9999-12-31
expect_has "its timeline, windows past the calendar" 0 stdout "first-check  1-2   -"
run due --today 9999-12-31 --format csv
expect_has "due on the last day" 0 stdout "account,name"
run score far --today 9999-12-31 --format json
expect_has "score on the last day" 0 stdout '"day":0'
run log far login --at 9999-12-31T23:59:59Z
expect "an event on the last second" 0 "" "onboard: logged login for 'far' at 9999-12-31T23:59:59Z"
run log far login --at 9999-12-31T23:59:59-01:00
expect "an instant past 9999" 65 "" \
	"onboard: bad time '9999-12-31T23:59:59-01:00': outside the years 0001 to 9999"
run --today 0000-01-01 due
expect "--today 0000-01-01" 65 "" "onboard: bad --today '0000-01-01': expected a date YYYY-MM-DD"
run account add old --name Old --tier mid --kickoff 0001-01-01 -q
run score old --today 0001-01-01 --format json
expect_has "kickoff on 0001-01-01" 0 stdout '"day":0'
head -c 100000000 /dev/zero | tr '\0' x | { printf 'account,type,at,value\na001,note,2026-11-20,'; cat; echo; } >"$T/huge.csv"
run import "$T/huge.csv"
expect_has "a 100 MB field" 65 stderr "record longer than 1048576 bytes"
{ printf 'name: '; head -c 100000000 /dev/zero | tr '\0' x; echo; } >"$T/huge.yaml"
run playbook check "$T/huge.yaml"
expect_has "a 100 MB playbook" 65 stderr "is larger than the limit of 1048576 bytes"
awk 'BEGIN { s = ""; for (i = 0; i < 10000; i++) s = s "["; printf "{\"account\":\"a001\",\"type\":\"note\",\"at\":\"2026-11-20\",\"value\":%s\n", s }' >"$T/deep.jsonl"
run import "$T/deep.jsonl"
expect_has "10,000-deep JSON" 65 stderr "$T/deep.jsonl:1: error: malformed JSON"
printf 'account,type,at\na001,login,2026-11-20\0\n' >"$T/nul.csv"
run import "$T/nul.csv"
expect_has "a NUL byte" 65 stderr "NUL byte in the data"
finish
