# onboard log | import | done: events and completions in.
. tests/cli/lib.sh

run init -q
run account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
run account add beta --name Beta --tier high --kickoff 2026-11-02 -q
count() { dbq "SELECT count(*) FROM event"; }

# log
run log acme login --at 2026-11-03T09:15:00Z
expect "log" 0 "" "onboard: logged login for 'acme' at 2026-11-03T09:15:00Z"
run log acme login --at 2026-11-03T16:15:00+07:00
expect "the same instant again adds nothing" 0 "" \
	"onboard: already had login for 'acme' at 2026-11-03T09:15:00Z"
run log acme nps --at 2026-11-04 --value 9
expect "a bare date" 0 "" "onboard: logged nps for 'acme' at 2026-11-04"
run log acme login
expect_has "--at defaults to now" 0 stderr "onboard: logged login for 'acme' at 2"
run log nobody login --at 2026-11-03
expect "log: unknown account" 65 "" "onboard: unknown account 'nobody'"
run log acme Login --at 2026-11-03
expect_has "log: bad type" 65 stderr "onboard: bad event type 'Login'"
run log acme login --at 2026-11-03T25:00:00Z
expect "log: bad time" 65 "" \
	"onboard: bad time '2026-11-03T25:00:00Z': no such time of day"
run log acme login --at 2026-11-03T09:00:00
expect "log: a time without a zone" 65 "" \
	"onboard: bad time '2026-11-03T09:00:00': expected a time zone: Z or an offset like +07:00"
run log acme nps --value 11 --at 2026-11-03
expect "log: nps out of range" 65 "" \
	"onboard: nps value '11': expected a whole number from 0 to 10"
run log acme ticket_opened --at 2026-11-03
expect "log: a ticket needs its reference" 65 "" \
	"onboard: ticket_opened events need a ticket reference as value"
run log acme milestone --value launch --at 2026-11-03
expect "log: a milestone of the playbook" 65 "" \
	"onboard: unknown milestone 'launch' for playbook 'saas-default'"
run log acme feature_used --at 2026-11-03 --value "$(head -c 1025 /dev/zero | tr '\0' x)"
expect "log: a value over 1024 bytes" 65 "" \
	"onboard: value of 1025 bytes: at most 1024 allowed"
run log acme login extra
expect_has "log: too many arguments" 2 stderr "expected an account id and an event type"
assert "failed logs wrote nothing" test "$(count)" = 3

# An NPS score is a number: "010" is 10, the same event as "10", and
# the greater of two at the same time is the latest, in either path.
run log beta nps --at 2026-11-05T10:00:00Z --value 010 -q
run log beta nps --at 2026-11-05T10:00:00Z --value 10
expect "nps: 010 is 10" 0 "" \
	"onboard: already had nps for 'beta' at 2026-11-05T10:00:00Z"
run log beta nps --at 2026-11-05T10:00:00Z --value 9 -q
nps_of() {
	run score beta --today "$1" --format json
	printf '%s' "$out" | jq '.[0].metrics.nps'
}
assert "nps: the greater score at the same instant" test "$(nps_of 2026-11-06)" = 10
run log beta nps --at 2026-11-07 --value 08 -q
assert "nps: the latest, from the events" test "$(nps_of 2026-11-06)" = 10
assert "nps: the latest, from the summary" test "$(nps_of 2026-11-08)" = 8
run log acme demo_booked --at 2026-11-05 --value "Friday 10:00"
expect "a custom type" 0 "" "onboard: logged demo_booked for 'acme' at 2026-11-05"
assert "custom types are remembered" \
	test "$(dbq "SELECT id FROM event_type WHERE name = 'demo_booked'")" = 14

# import: CSV
printf '\357\273\277at,type,account,value,id\r\n' >"$T/e.csv"
printf '2026-11-05T10:00:00Z,feature_used,acme,"reports, weekly",\r\n' >>"$T/e.csv"
printf '2026-11-05T11:00:00Z,note,acme,"said ""soon""\nthen left",\r\n' >>"$T/e.csv"
printf '2026-11-06,login,beta,,ext-1\r\n' >>"$T/e.csv"
printf '2026-11-07,login,beta,,ext-1\r\n' >>"$T/e.csv"
printf '2026-11-06T08:00:00Z,response,acme,,\r\n' >>"$T/e.csv"
printf '2026-11-06T08:00:00Z,response,acme,,\r\n' >>"$T/e.csv"
run import "$T/e.csv"
expect "import: quoting, CRLF, a BOM, duplicates by id and by content" 0 "" \
	"onboard: $T/e.csv: 6 rows read, 4 added, 2 duplicates, 0 invalid"
assert "the quoted value keeps its comma" test \
	"$(dbq "SELECT value FROM event WHERE type = 2")" = "reports, weekly"
assert "and its quotes and line break" test \
	"$(dbq "SELECT value FROM event WHERE type = 13")" = \
	"$(printf 'said "soon"\nthen left')"
run import "$T/e.csv"
expect "import again: nothing added" 0 "" \
	"onboard: $T/e.csv: 6 rows read, 0 added, 6 duplicates, 0 invalid"
cp "$T/e.csv" "$T/e2.csv"
before=$(count)
run import "$T/e.csv" "$T/e2.csv"
expect "duplicates across files" 0 "" \
	"onboard: $T/e.csv: 6 rows read, 0 added, 6 duplicates, 0 invalid
onboard: $T/e2.csv: 6 rows read, 0 added, 6 duplicates, 0 invalid
onboard: total: 12 rows read, 0 added, 12 duplicates, 0 invalid"

cat >"$T/bad.csv" <<'CSV'
account,type,at,value
acme,login,2026-11-08T09:00:00Z,
acme,login,2026-11-08,
nobody,login,2026-11-08,
acme,login,2026-11-31,
acme,nps,2026-11-08,ten
acme,login
acme,login,"2026-11-08
acme,login,2026-11-09,
CSV
run import "$T/bad.csv"
expect "import: a bad row in the middle, nothing written" 65 "" \
"$T/bad.csv:4: error: unknown account 'nobody'
$T/bad.csv:5: error: bad time '2026-11-31': no such date
$T/bad.csv:6: error: nps value 'ten': expected a whole number from 0 to 10
$T/bad.csv:7: error: expected 4 fields as in the header, found 2
$T/bad.csv:8: error: unterminated quoted field
onboard: $T/bad.csv: 7 rows read, 0 added, 0 duplicates, 5 invalid
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"
assert "nothing written" test "$(count)" = "$before"
run import --skip-invalid "$T/bad.csv" -q
expect_has "--skip-invalid stores the valid rows" 0 stderr \
	"$T/bad.csv:4: error: unknown account 'nobody'"
assert "the two valid rows" test "$(count)" = "$((before + 2))"

printf 'type,at,value\nlogin,2026-11-08,\n' >"$T/noacct.csv"
run import "$T/noacct.csv"
expect_has "a header without account" 65 stderr \
	"$T/noacct.csv:1: error: the header has no 'account' column"
: >"$T/empty.csv"
run import "$T/empty.csv"
expect_has "an empty file" 65 stderr \
	"$T/empty.csv:1: error: empty file: expected a header row naming the columns"
printf 'account,type,at\nacme,login,2026-11-08\377\n' >"$T/utf8.csv"
run import "$T/utf8.csv"
expect_has "invalid UTF-8" 65 stderr "$T/utf8.csv:2: error: invalid UTF-8"
{ printf 'account,type,at,value\nacme,note,2026-11-08,'; head -c 10485760 /dev/zero | tr '\0' x; printf '\nacme,login,2026-11-09,\n'; } >"$T/long.csv"
run import "$T/long.csv"
expect_has "a 10 MB line" 65 stderr \
	"$T/long.csv:2: error: record longer than 1048576 bytes"
run import "$T/nope.csv"
expect "a missing file" 66 "" "onboard: cannot open '$T/nope.csv': No such file or directory"
run import "$T/e.csv" "$T/nope.csv"
expect "a missing second file: nothing read" 66 "" \
	"onboard: cannot open '$T/nope.csv': No such file or directory"
run import "$T/events.txt"
expect_has "an unknown extension" 2 stderr "cannot tell the format of '$T/events.txt'"
run_in "$T/e.csv" import -
expect_has "stdin needs --format" 2 stderr "give --format csv or jsonl"
run_in "$T/e.csv" import - --format csv
expect "stdin" 0 "" \
	"onboard: (stdin): 6 rows read, 0 added, 6 duplicates, 0 invalid"

# import: JSON Lines
cat >"$T/e.jsonl" <<'JSONL'
{"account":"acme","type":"nps","at":"2026-11-09T10:00:00Z","value":7}
{"account":"beta","type":"login","at":"2026-11-09","id":42}
{"account":"acme","type":"feature_used","at":"2026-11-09","value":"exports \"csv\"","id":null}
JSONL
run import "$T/e.jsonl"
expect "jsonl" 0 "" "onboard: $T/e.jsonl: 3 rows read, 3 added, 0 duplicates, 0 invalid"
assert "a number value becomes text" test \
	"$(dbq "SELECT value FROM event WHERE type = 12 AND value = '7'")" = 7
cat >"$T/bad.jsonl" <<'JSONL'
{"account":"acme","type":"login","at":"2026-11-10"}

{"account":"acme","type":"login","at":"2026-11-10","colour":"red"}
{"account":"acme","type":"login","at":"2026-11-10","at":"2026-11-11"}
["acme","login"]
{"account":"acme","type":"login","at":2026}
{"account":"acme","type":"login",
{"account":"acme","type":"login","at":"2026-11-10","value":{"a":1}}
JSONL
printf '{"account":"acme","type":"login","at":"2026-11-1\377"}\n' >>"$T/bad.jsonl"
run import "$T/bad.jsonl"
expect "jsonl: every bad line" 65 "" \
"$T/bad.jsonl:2: error: empty line
$T/bad.jsonl:3: error: unknown key 'colour'
$T/bad.jsonl:4: error: repeated key 'at'
$T/bad.jsonl:5: error: expected a JSON object, found a list
$T/bad.jsonl:6: error: 'at' must be text, not a number
$T/bad.jsonl:7: error: malformed JSON at column 34: the line ends before the value is complete
$T/bad.jsonl:8: error: 'value' must be text or a number, not an object
$T/bad.jsonl:9: error: invalid UTF-8
onboard: $T/bad.jsonl: 9 rows read, 0 added, 0 duplicates, 8 invalid
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"

before_checks=$(count)
# Every row check of the import, each with its line.
printf 'account,type,at\n,login,2026-11-03\nacme,,2026-11-03\nacme,Login,2026-11-03\nacme,login,\n' >"$T/rows.csv"
run import "$T/rows.csv"
expect "import: missing and bad fields" 65 "" \
"$T/rows.csv:2: error: missing account
$T/rows.csv:3: error: missing type
$T/rows.csv:4: error: bad event type 'Login': expected a known type or a custom one of a-z, 0-9 and _ (at most 64, starting with a letter)
$T/rows.csv:5: error: missing at (the event's time)
onboard: $T/rows.csv: 4 rows read, 0 added, 0 duplicates, 4 invalid
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"
printf 'account,type,at,id\nacme,login,2026-11-03,%s\n' "$(head -c 129 /dev/zero | tr '\0' i)" >"$T/id.csv"
run import "$T/id.csv"
expect_has "import: an id over 128 bytes" 65 stderr "$T/id.csv:2: error: id longer than 128 bytes"
printf '%s\n' '{"account":"acme","type":"note","at":"2026-11-03","value":"\udcff"}' \
	'{"account":"acme","type":"login","at":"2026-11-03","id":"\ud800"}' >"$T/utf.jsonl"
run import "$T/utf.jsonl"
# Lone surrogates: JSON that names no character, refused by the parser.
expect_has "import: JSON escapes that are not UTF-8" 65 stderr "$T/utf.jsonl:1: error: malformed JSON at column 66: invalid Unicode escape
$T/utf.jsonl:2: error: malformed JSON at column 64: invalid Unicode escape"
{ printf '{"account":"acme","type":"note","at":"2026-11-03","value":"'
  head -c 1100000 /dev/zero | tr '\0' x; printf '"}\n'; } >"$T/long.jsonl"
run import "$T/long.jsonl"
expect_has "import: a JSON line over 1 MiB" 65 stderr "$T/long.jsonl:1: error: line longer than 1048576 bytes"
printf 'account,type,at,value\nacme,ticket_opened,2026-11-03,\nacme,note,2026-11-03,%s\n' "$(head -c 1025 /dev/zero | tr '\0' v)" >"$T/values.csv"
run import "$T/values.csv"
expect_has "import: the value checks of log" 65 stderr "$T/values.csv:2: error: ticket_opened events need a ticket reference as value
$T/values.csv:3: error: value of 1025 bytes: at most 1024 allowed"
run import
expect_has "import: no file" 2 stderr "onboard: no file given ('-' reads standard input)"
run import "$T/x.xml" --format xml
expect_has "import: an unknown format" 2 stderr "onboard: unknown format 'xml' (expected csv or jsonl)"
assert "none of them wrote" test "$(count)" = "$before_checks"

# done
run done acme first-check --at 2026-11-03 --channel email --note "All logged in"
expect "done" 0 "" "onboard: done: first-check for 'acme' on 2026-11-03"
run done acme first-check --at 2026-11-04
expect "done twice" 65 "" \
	"onboard: check-in 'first-check' of 'acme' was already done on 2026-11-03"
run done acme end-of-week --at 2026-11-06
expect "done before the window opens" 65 "" \
	"onboard: check-in 'end-of-week' of 'acme' opens on 2026-11-07"
run done acme progress-digest --at 2026-11-20
expect "done: a check-in of another tier" 65 "" \
	"onboard: unknown check-in 'progress-digest' for 'acme' (mid tier of playbook 'saas-default')"
run done acme first-check --channel fax
expect "done: bad channel" 65 "" \
	"onboard: bad --channel 'fax': expected email, call, in-app or meeting"
run done acme day-14 --at 2026-02-30
expect "done: bad date" 65 "" "onboard: bad --at '2026-02-30': expected a date YYYY-MM-DD"
run done nobody first-check
expect "done: unknown account" 65 "" "onboard: unknown account 'nobody'"
run done acme end-of-week --at 2026-11-07 --note "$(printf 'a\001b')"
expect "done: a note with a control character" 65 "" \
	"onboard: bad --note: expected text without control characters"
run skip acme day-14 --reason "$(printf 'a\tb\033')" --today 2026-11-20
expect "skip: a reason with a control character" 65 "" \
	"onboard: bad --reason: expected text without control characters"
run snooze acme day-14
expect_has "snooze needs --until" 2 stderr "onboard: --until is required"
run done acme follow-up --at 2026-11-12
expect "follow-ups may be done again and again" 0 "" \
	"onboard: done: follow-up for 'acme' on 2026-11-12"
run done acme follow-up --at 2026-11-19 -q
expect "a second follow-up" 0 "" ""
assert "three completions recorded" test \
	"$(dbq "SELECT count(*) FROM checkin_action WHERE action = 'done'")" = 3
# An import naming more accounts than the lookups it makes one by one
# (512) reads them all at once: the answers must not change.
{
	echo id,name,tier,kickoff
	for i in $(seq 1 600); do echo "bulk-$i,Bulk $i,low,2026-11-02"; done
} >"$T/many.csv"
run account import "$T/many.csv" -q
{
	echo account,type,at
	for i in $(seq 1 600); do echo "bulk-$i,login,2026-11-03T10:00:00Z"; done
	echo "acme,login,2026-11-05T10:00:00Z"
	echo "ghost,login,2026-11-05T10:00:00Z"
	echo "bulk-600,login,2026-11-05T11:00:00Z"
} >"$T/many-events.csv"
before=$(count)
run import "$T/many-events.csv"
expect "many accounts: an unknown one after the scan" 65 "" \
"$T/many-events.csv:603: error: unknown account 'ghost'
onboard: $T/many-events.csv: 603 rows read, 0 added, 0 duplicates, 1 invalid
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"
assert "many accounts: nothing written" test "$(count)" = "$before"
run import "$T/many-events.csv" --skip-invalid -q
expect "many accounts: the valid rows" 0 "" \
	"$T/many-events.csv:603: error: unknown account 'ghost'"
assert "many accounts: 602 events added" test "$(count)" = "$((before + 602))"
assert "many accounts: each event on its account" test \
	"$(dbq "SELECT count(DISTINCT e.account) FROM event e JOIN account a ON a.id = e.account WHERE a.ext_id LIKE 'bulk-%'")" = 600
# New events go in bulk when they cannot be stored already (later than
# the account's stored events, or its first), the rest row by row: both
# must count and keep exactly what one row at a time would.
run account add stored --name Stored --tier mid --kickoff 2026-11-02 -q
run account add fresh --name Fresh --tier mid --kickoff 2026-11-02 -q
cat >"$T/stored.csv" <<'CSV'
account,type,at,value,id
stored,login,2026-11-03T09:00:00Z,,
stored,nps,2026-11-04,9,
stored,response,2026-11-05T10:00:00Z,,r-1
CSV
run import "$T/stored.csv" -q
# Rows 2, 3, 6, 8, 10 and 12 are new; 11 loses to 12 (an earlier event
# with its id comes first, as row by row in key order).
cat >"$T/mixed.csv" <<'CSV'
account,type,at,value,id
stored,login,2026-11-03T09:00:00Z,,
stored,login,2026-11-03T09:30:00Z,,
stored,login,2026-11-06T08:00:00Z,,
stored,login,2026-11-06T08:00:00Z,,
stored,nps,2026-11-04,9,
stored,nps,2026-11-05,7,
stored,response,2026-11-07T10:00:00Z,,r-1
stored,response,2026-11-07T11:00:00Z,,r-2
stored,response,2026-11-07T12:00:00Z,,r-2
fresh,login,2026-11-03T09:00:00Z,,
fresh,feature_used,2026-11-03T10:00:00Z,api,x-1
fresh,feature_used,2026-11-03T09:00:00Z,api,x-1
fresh,login,2026-11-03T09:00:00Z,,
CSV
run import "$T/mixed.csv"
expect "bulk and row by row: the counts" 0 "" \
	"onboard: $T/mixed.csv: 13 rows read, 6 added, 7 duplicates, 0 invalid"
events_of() {
	dbq "SELECT t.name, e.at, e.bare, e.value, e.ext_id FROM event e JOIN event_type t ON t.id = e.type JOIN account a ON a.id = e.account WHERE a.ext_id = '$1' ORDER BY e.type, e.at" | tr '\n' ' '
}
assert "bulk and row by row: the stored account's events" test \
	"$(events_of stored)" = "login|1793696400000000|0|| login|1793698200000000|0|| login|1793952000000000|0|| response|1793872800000000|0||r-1 response|1794049200000000|0||r-2 nps|1793750400000000|1|9| nps|1793836800000000|1|7| "
assert "bulk and row by row: the first account's events" test \
	"$(events_of fresh)" = "login|1793696400000000|0|| feature_used|1793696400000000|0|api|x-1 "
assert "bulk and row by row: signals count every event once" test \
	"$(dbq "SELECT s.counts, s.features FROM signal s JOIN account a ON a.id = s.account WHERE a.ext_id IN ('stored', 'fresh') ORDER BY a.ext_id" | tr '\n' ' ')" = "1:1,2:1|1 1:3,3:2,12:2|0 "
run import "$T/mixed.csv"
expect "bulk and row by row: again, nothing added" 0 "" \
	"onboard: $T/mixed.csv: 13 rows read, 0 added, 13 duplicates, 0 invalid"
# Features are distinct values, whichever way their events were written.
cat >"$T/features.csv" <<'CSV'
account,type,at,value
fresh,feature_used,2026-11-02T08:00:00Z,api
fresh,feature_used,2026-11-08T08:00:00Z,api
fresh,feature_used,2026-11-08T09:00:00Z,sso
fresh,feature_used,2026-11-08T10:00:00Z,sso
CSV
run import "$T/features.csv" -q
assert "features: two distinct values after four more events" test \
	"$(dbq "SELECT s.counts, s.features FROM signal s JOIN account a ON a.id = s.account WHERE a.ext_id = 'fresh'")" = "1:1,2:5|2"
# Repeats in different batches (131,072 events each) of one import.
run account add big --name Big --tier mid --kickoff 2026-11-02 -q
awk 'BEGIN {
	print "account,type,at,value,id"
	print "big,feature_used,2026-01-01T00:00:00Z,api,big-1"
	for (i = 0; i < 140000; i++)
		printf "big,login,2026-01-%02dT%02d:%02d:%02dZ,,\n", 2 + int(i / 86400), int(i / 3600) % 24, int(i / 60) % 60, i % 60
	print "big,login,2026-01-02T00:00:00Z,,"
	print "big,feature_used,2026-06-01T00:00:00Z,api,big-1"
}' >"$T/big.csv"
before=$(count)
run import "$T/big.csv"
expect "repeats across batches: duplicates" 0 "" \
	"onboard: $T/big.csv: 140003 rows read, 140001 added, 2 duplicates, 0 invalid"
assert "repeats across batches: the events" test "$(count)" = "$((before + 140001))"
assert "repeats across batches: the signals" test \
	"$(dbq "SELECT s.counts, s.features FROM signal s JOIN account a ON a.id = s.account WHERE a.ext_id = 'big'")" = "1:140000,2:1|1"
# The signal row says what is stored; when it lies, the import stops
# instead of counting a stored event as added.
dbq "DELETE FROM signal WHERE account = (SELECT id FROM account WHERE ext_id = 'fresh')"
before=$(count)
run import "$T/mixed.csv"
expect "signals out of step with the events: an error, nothing written" 1 "" \
"onboard: database '$ONBOARD_DB': 2 of 2 events taken as new were stored already: the signals are out of step with the events
onboard: nothing written"
assert "signals out of step: nothing written" test "$(count)" = "$before"
# A long import shows its progress on a terminal (here redrawn every
# 4,096 rows: ONBOARD_PROGRESS_MS=0), erased before the summary; never
# in a pipe or a file, nor with -q.
awk 'BEGIN { print "account,type,at,id"
	for (i = 0; i < 20000; i++) printf "beta,login,2026-11-03T09:00:00Z,p%d\n", i }' >"$T/long.csv"
# progress_db NAME: a database with the account the rows name.
progress_db() {
	db=$(new_db "$1")
	"$ONBOARD" --db "$db" init -q
	"$ONBOARD" --db "$db" account add beta --name Beta --tier mid \
		--kickoff 2026-11-01 -q
}
progress_db progress
ONBOARD_PROGRESS_MS=0 python3 "$ROOT/tests/cli/ptyrun.py" 80 "$ONBOARD" --db "$db" import "$T/long.csv" >"$T/tty"
assert "progress on a terminal: rows, rate and percent of the file" \
	grep -q "$(printf '\r\033\\[K')$T/long.csv: 16384 rows read, [0-9]* rows/s, [0-9]*%" "$T/tty"
assert "progress erased before the summary" test "$(tr '\r' '\n' <"$T/tty" | tail -1)" = \
	"$(printf '\033[K')onboard: $T/long.csv: 20000 rows read, 20000 added, 0 duplicates, 0 invalid"
ONBOARD_PROGRESS_MS=0 python3 "$ROOT/tests/cli/ptyrun.py" 80 "$ONBOARD" --db "$db" import -q "$T/long.csv" >"$T/tty-q"
assert "no progress with -q" test ! -s "$T/tty-q"
progress_db progress_file
ONBOARD_PROGRESS_MS=0 run --db "$db" import "$T/long.csv"
expect "no progress in a file" 0 "" "onboard: $T/long.csv: 20000 rows read, 20000 added, 0 duplicates, 0 invalid"
# First sightings of features: a later import moves an earlier one back,
# a timed and a dated one each (in one batch, in any order), and a value
# new in a batch keeps the earliest of both kinds it has.
db=$(new_db sightings)
"$ONBOARD" --db "$db" init -q
"$ONBOARD" --db "$db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
printf 'account,type,at,value\nacme,feature_used,2026-11-10T12:00:00Z,reports\n' >"$T/s1.csv"
printf '%s\n' account,type,at,value acme,feature_used,2026-11-08T00:00:00Z,reports \
	acme,feature_used,2026-11-06T12:00:00Z,reports acme,feature_used,2026-11-05,reports \
	acme,feature_used,2026-11-09T00:00:00Z,exports acme,feature_used,2026-11-07T01:00:00Z,exports \
	acme,feature_used,2026-11-07,exports acme,feature_used,2026-11-08,exports >"$T/s2.csv"
"$ONBOARD" --db "$db" import -q "$T/s1.csv"
"$ONBOARD" --db "$db" import -q "$T/s2.csv"
assert "each value's first sightings, both kinds, the earliest" test \
	"$(ONBOARD_DB=$db dbq "SELECT value, first_at, first_day FROM signal_value ORDER BY value")" = \
	"exports|1794013200000000|20764
reports|1793966400000000|20762"
for day in 2026-11-04:0 2026-11-05:1 2026-11-06:1 2026-11-07:2; do
	run --db "$db" score acme --today "${day%:*}" --format json
	assert "features as of ${day%:*}: ${day#*:}" test \
		"$(printf '%s' "$out" | jq '.[0].metrics.features')" = "${day#*:}"
done

finish
