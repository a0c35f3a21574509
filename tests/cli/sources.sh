# onboard import --from | map check | user list: analytics exports in.
. tests/cli/lib.sh

F=tests/fixtures/sources
M=playbooks/maps
run init -q
run account add acme --name Acme --tier high --kickoff 2026-11-01 -q
run account add globex --name Globex --tier mid --kickoff 2026-11-01 -q
count() { dbq "SELECT count(*) FROM event"; }
events() {
	dbq "SELECT a.ext_id, t.name, e.at, e.value, e.ext_id
		FROM event e JOIN account a ON a.id = e.account
		JOIN event_type t ON t.id = e.type ORDER BY e.at, a.ext_id"
}

# map check
run map check $M/segment.yaml $M/mixpanel.yaml $M/amplitude.yaml
expect "the bundled maps" 0 "$M/segment.yaml: ok (segment map: 11 event names, 2 account paths, unmapped skipped, unknown accounts skipped)
$M/mixpanel.yaml: ok (mixpanel map: 8 event names, 1 account path, unmapped skipped, unknown accounts skipped)
$M/amplitude.yaml: ok (amplitude map: 8 event names, 2 account paths, unmapped skipped, unknown accounts skipped)" ""
printf 'source: segmnt\naccount: [context.groupId, ""]\nevents:\n  A: Login\n  B: { type: nps }\n  C: { type: login, valu: x }\n  D: [1]\n  E: { value: properties.x }\nunmapped: maybe\nunknown_accounts: no\nextra: 1\n' >"$T/bad.yaml"
run map check "$T/bad.yaml"
expect "every map error, with its line and column" 65 "" \
"$T/bad.yaml:1:9: error: source: expected segment, mixpanel or amplitude
$T/bad.yaml:2:28: error: account: '' is not a path (expected names joined by '.', like properties.account_id)
$T/bad.yaml:4:6: error: events: 'A' maps to 'Login', which is not an event type (expected a known type or a custom one of a-z, 0-9 and _, at most 64, starting with a letter)
$T/bad.yaml:5:6: error: events: 'B' maps to nps, which needs a value: give {type: nps, value: PATH} with the path of the score
$T/bad.yaml:6:21: error: events: unknown key 'valu' (expected type, value)
$T/bad.yaml:7:6: error: events: expected an event type or {type, value}, found a list
$T/bad.yaml:8:6: error: events: missing 'type'
$T/bad.yaml:9:11: error: unmapped: expected skip or custom
$T/bad.yaml:10:19: error: unknown_accounts: expected skip or error
$T/bad.yaml:11:1: error: map: unknown key 'extra' (expected source, account, events, unmapped, unknown_accounts)"
printf 'source: mixpanel\naccount: properties..x\nevents: {}\n' >"$T/m2.yaml"
run map check "$T/m2.yaml"
expect "a path with an empty step; no event mapped" 65 "" \
"$T/m2.yaml:1:1: error: map: no event is mapped: give 'events', or 'unmapped: custom', or every line is skipped
$T/m2.yaml:2:10: error: account: 'properties..x' is not a path (expected names joined by '.', like properties.account_id)"
printf 'source: amplitude\nevents:\n  a: login\n  a: nps\n' >"$T/m3.yaml"
run map check "$T/m3.yaml"
expect "a missing account, a repeated event name" 65 "" \
"$T/m3.yaml:1:1: error: map: missing 'account'
$T/m3.yaml:4:3: error: events: duplicate key 'a' (first on line 3)
$T/m3.yaml:4:6: error: events: 'a' maps to nps, which needs a value: give {type: nps, value: PATH} with the path of the score"
printf 'a: &a [*a]\n' >"$T/m4.yaml"
run map check "$T/m4.yaml"
expect_has "the playbook's YAML limits: aliases" 65 stderr "$T/m4.yaml:1:"
: >"$T/empty.yaml"
run map check "$T/empty.yaml"
expect "an empty map" 65 "" "$T/empty.yaml:1:1: error: empty map: expected a mapping with 'source', 'account' and 'events'"
run map check "$T/nothere.yaml"
expect_has "a missing map" 66 stderr "nothere.yaml"
run map check
expect_has "no map" 2 stderr "no map file given"

# usage
run import --from segment "$F/segment.jsonl"
expect_has "--from without --map" 2 stderr "onboard: --from needs --map MAP.yaml"
run import --from heap --map $M/segment.yaml "$F/segment.jsonl"
expect_has "an unknown source" 2 stderr "onboard: unknown source 'heap' (expected segment, mixpanel or amplitude)"
run import --from mixpanel --map $M/segment.yaml "$F/segment.jsonl"
expect "--from must be the map's source" 65 "" "onboard: --from mixpanel, but map '$M/segment.yaml' is for segment"
run import --from segment --map "$T/bad.yaml" "$F/segment.jsonl"
expect_has "a bad map is refused before anything is read" 65 stderr "$T/bad.yaml:1:9: error:"
assert "nothing written" test "$(count)" = 0

# Segment: tracks by context.groupId, a group call linking u-bob to
# globex, identify/page/alias counted, an unmapped name, an unknown
# account, an anonymous track (no user, no group).
run import --from segment --map $M/segment.yaml "$F/segment.jsonl"
expect "segment" 0 "" "onboard: $F/segment.jsonl: 12 rows read, 5 added, 0 duplicates, 0 invalid, 6 skipped (1 unmapped, 2 unknown account, 3 other calls), 1 linked"
assert "segment: the events, with messageId as their id" test "$(events)" = "acme|login|1793610726992000||ajs-f8ca1e4de5024d9430b3928bd8ac6b96
acme|feature_used|1793700000400000|pipeline|ajs-2a0c1d7e5b3f4e0b9d6c8a7f1e2d3c4b
globex|login|1793777400000000||node-track-0002
acme|ticket_opened|1793869200000000|4711|ajs-ticket-01
globex|nps|1793880000000000|9|node-track-0003"
run user list
expect "user list" 0 "USER   ACCOUNT  LINKED AT
u-ann  acme     2026-11-02T09:12:06Z
u-bob  globex   2026-11-02T08:00:00Z" ""
run user list --account globex --format json
expect "user list --account, JSON" 0 '[
{"user":"u-bob","account":"globex","linked_at":"2026-11-02T08:00:00Z"}
]' ""
run user list --format csv
expect "user list, CSV" 0 "user,account,linked_at
u-ann,acme,2026-11-02T09:12:06Z
u-bob,globex,2026-11-02T08:00:00Z" ""
run import --from segment --map $M/segment.yaml "$F/segment.jsonl"
expect "segment: a re-import adds nothing" 0 "" "onboard: $F/segment.jsonl: 12 rows read, 0 added, 5 duplicates, 0 invalid, 6 skipped (1 unmapped, 2 unknown account, 3 other calls), 1 linked"
gzip -c "$F/segment.jsonl" >"$T/segment.json.gz"
run import --from segment --map $M/segment.yaml "$T/segment.json.gz"
expect "segment: gzip, the same lines" 0 "" "onboard: $T/segment.json.gz: 12 rows read, 0 added, 5 duplicates, 0 invalid, 6 skipped (1 unmapped, 2 unknown account, 3 other calls), 1 linked"
run_in "$T/segment.json.gz" import --from segment --map $M/segment.yaml -
expect "segment: gzip on stdin, told by its magic" 0 "" "onboard: (stdin): 12 rows read, 0 added, 5 duplicates, 0 invalid, 6 skipped (1 unmapped, 2 unknown account, 3 other calls), 1 linked"

# unknown_accounts: error, and unmapped: custom
sed 's/unknown_accounts: skip/unknown_accounts: error/; s/unmapped: skip/unmapped: custom/' $M/segment.yaml >"$T/strict.yaml"
before=$(count)
run import --from segment --map "$T/strict.yaml" "$F/segment.jsonl"
expect "unknown accounts as errors: nothing written" 65 "" "$F/segment.jsonl:9: error: unknown account 'initech'
$F/segment.jsonl:10: error: no account: no account path has a value
onboard: $F/segment.jsonl: 12 rows read, 0 added, 0 duplicates, 2 invalid, 3 skipped (0 unmapped, 0 unknown account, 3 other calls), 1 linked
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"
assert "unknown accounts as errors: nothing written" test "$(count)" = "$before"
run import --from segment --map "$T/strict.yaml" --skip-invalid "$F/segment.jsonl"
expect_has "--skip-invalid: the unmapped name as a custom type" 0 stderr "12 rows read, 1 added, 5 duplicates, 2 invalid, 3 skipped"
assert "invite_sent, the custom type" test \
	"$(dbq "SELECT count(*) FROM event e JOIN event_type t ON t.id = e.type WHERE t.name = 'invite_sent'")" = 1

# Lines a reader refuses.
{
	printf '%s\n' '{"type":"track","event":"Signed In","userId":"u-ann","messageId":"x1","timestamp":"2026-11-06T09:00:00Z"}'
	printf '%s\n' '{"type":"screen","userId":"u-ann"}'
	printf '%s\n' '{"type":"trak","event":"Signed In","userId":"u-ann"}'
	printf '%s\n' '{"event":"Signed In","userId":"u-ann"}'
	printf '%s\n' '{"type":"track","userId":"u-ann","timestamp":"2026-11-06T09:00:00Z"}'
	printf '%s\n' '{"type":"track","event":"Signed In","userId":"u-ann"}'
	printf '%s\n' '{"type":"track","event":"NPS Submitted","userId":"u-ann","timestamp":"2026-11-06T09:00:00Z","properties":{"score":11}}'
	printf '%s\n' '{"type":"track","event":"NPS Submitted","userId":"u-ann","timestamp":"2026-11-06T09:00:00Z","properties":{}}'
	printf '%s\n' '{"type":"track","event":"Signed In","userId":{"id":1},"timestamp":"2026-11-06T09:00:00Z"}'
	printf '%s\n' '[1]'
	printf '%s\n' '{"type":"track",'
	printf '%s\n' '{"type":"track","event":"Signed In","userId":"u-ann","timestamp":"2026-11-06T09:00:00Z","userId":"u-bob"}'
} >"$T/lines.jsonl"
before=$(count)
run import --from segment --map $M/segment.yaml "$T/lines.jsonl"
expect "segment: every bad line named" 65 "" "$T/lines.jsonl:3: error: unknown Segment call 'trak' (expected track, group, identify, page, screen or alias)
$T/lines.jsonl:4: error: missing 'type' (the Segment call)
$T/lines.jsonl:5: error: missing 'event' (the event name)
$T/lines.jsonl:6: error: missing at (the event's time)
$T/lines.jsonl:7: error: nps value '11': expected a whole number from 0 to 10
$T/lines.jsonl:8: error: nps events need a score from 0 to 10 as value
$T/lines.jsonl:9: error: 'userId' is an object, not text or a number
$T/lines.jsonl:10: error: expected a JSON object, found a list
$T/lines.jsonl:11: error: malformed JSON at column 17: the line ends before the value is complete
onboard: $T/lines.jsonl: 12 rows read, 0 added, 0 duplicates, 9 invalid, 1 skipped (0 unmapped, 0 unknown account, 1 other calls), 0 linked
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"
assert "bad lines: nothing written" test "$(count)" = "$before"

# Mixpanel: seconds and milliseconds, $insert_id, a one-element list,
# a score as text, a user's link where no account is named.
run import --from mixpanel --map $M/mixpanel.yaml "$F/mixpanel.jsonl"
expect "mixpanel" 0 "" "onboard: $F/mixpanel.jsonl: 5 rows read, 4 added, 0 duplicates, 0 invalid, 1 skipped (1 unmapped, 0 unknown account, 0 other calls)"
assert "mixpanel: the events" test "$(dbq "SELECT a.ext_id, t.name, e.at, e.value FROM event e JOIN account a ON a.id = e.account JOIN event_type t ON t.id = e.type WHERE e.ext_id IN ('5d958f87542a9f8ae1a5a1e3b2c4d5e6', 'c1a7f0e9b8d7c6b5a4f3e2d1c0b9a8f7', '0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'ffeeddccbbaa99887766554433221100') ORDER BY e.at")" = "acme|login|1793610000000000|
acme|feature_used|1793700000123000|funnel
acme|nps|1793782800000000|8
acme|login|1793786400000000|"

# Amplitude: a zip of hourly gzip files, its nulls and "EMPTY".
run import --from amplitude --map $M/amplitude.yaml "$F/amplitude.zip"
expect "amplitude" 0 "" "onboard: $F/amplitude.zip: 5 rows read, 4 added, 0 duplicates, 0 invalid, 1 skipped (0 unmapped, 1 unknown account, 0 other calls)"
assert "amplitude: \$insert_id, else uuid" test "$(dbq "SELECT e.at, e.ext_id, e.value FROM event e WHERE e.ext_id LIKE '7f3c%' OR e.ext_id LIKE 'b5f1%' ORDER BY e.at")" = "1793610000123000|7f3c1e2a-0001|
1793700900000000|b5f1a0c2-6a3e-11ee-8c99-0242ac120003|cohort
1793779200000000|7f3c1e2a-0004|
1793880000000000|7f3c1e2a-0005|10"
run import --from amplitude --map $M/amplitude.yaml "$F/amplitude.zip"
expect_has "amplitude: a re-import adds nothing" 0 stderr "5 rows read, 0 added, 4 duplicates"

# A bad line in the middle of a zip's second member: named by member
# and its own line number; nothing written.
/usr/bin/python3 - "$F/amplitude.zip" "$T/bad.zip" <<'PY'
import gzip, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
    for info in z.infolist():
        lines = gzip.decompress(z.read(info)).decode().splitlines()
        if info.filename.endswith("7#0.json.gz"):
            lines.insert(1, '{"event_type":"Login","event_time":"2026-13-01 00:00:00","user_id":"u-ann","groups":{"company":["acme"]}}')
        out.writestr(info, gzip.compress(("\n".join(lines) + "\n").encode()))
PY
before=$(count)
run import --from amplitude --map $M/amplitude.yaml "$T/bad.zip"
expect "amplitude: a bad line inside a member" 65 "" "$T/bad.zip(187520/187520_2026-11-04_7#0.json.gz):2: error: bad time '2026-13-01 00:00:00Z': no such date
onboard: $T/bad.zip: 6 rows read, 0 added, 0 duplicates, 1 invalid, 1 skipped (0 unmapped, 1 unknown account, 0 other calls)
onboard: nothing written: fix the rows above, or give --skip-invalid to import the valid ones"
assert "amplitude: nothing written" test "$(count)" = "$before"

# gzip: a bad line in the middle, and a file cut short.
{ head -n 5 "$F/segment.jsonl"; printf '{"type":"track","event":"Signed In"\n'; tail -n +6 "$F/segment.jsonl"; } | gzip -c >"$T/mid.json.gz"
run import --from segment --map $M/segment.yaml "$T/mid.json.gz"
expect_has "gzip: a bad line in the middle" 65 stderr "$T/mid.json.gz:6: error: malformed JSON"
size=$(wc -c <"$T/segment.json.gz")
head -c $((size - 6)) "$T/segment.json.gz" >"$T/cut.json.gz"
run import --from segment --map $M/segment.yaml "$T/cut.json.gz"
expect_has "gzip: a truncated file is an error" 65 stderr "$T/cut.json.gz:"
assert "gzip: nothing written" test "$(count)" = "$before"
head -c 40 "$T/segment.json.gz" >"$T/cut2.json.gz"
run import --from segment --map $M/segment.yaml "$T/cut2.json.gz"
expect_has "gzip: cut in its first block" 65 stderr "$T/cut2.json.gz"
gzip -c "$F/../../../playbooks/maps/segment.yaml" >/dev/null

# Links past one batch of the store's queue (65,536 events) and past the
# import's cache of users (16,384): 20,000 users linked by group calls,
# 50,000 events to push them out, a user moving to another account, then
# an event of every user without an account, each taking its link.
printf 'source: segment\naccount: context.groupId\nevents:\n  Signed In: login\n' >"$T/many.yaml"
awk 'BEGIN {
	for (i = 0; i < 20000; i++)
		printf "{\"type\":\"group\",\"userId\":\"u%d\",\"groupId\":\"%s\",\"messageId\":\"g%d\",\"timestamp\":\"2026-11-02T08:00:00Z\"}\n", i, i % 2 ? "globex" : "acme", i
	for (i = 0; i < 50000; i++)
		printf "{\"type\":\"track\",\"event\":\"Signed In\",\"userId\":\"filler\",\"context\":{\"groupId\":\"acme\"},\"messageId\":\"f%d\",\"timestamp\":\"2026-11-03T08:%02d:%02dZ\"}\n", i, i / 60 % 60, i % 60
	printf "{\"type\":\"group\",\"userId\":\"u1\",\"groupId\":\"acme\",\"messageId\":\"moved\",\"timestamp\":\"2026-11-04T08:00:00Z\"}\n"
	for (i = 0; i < 20000; i++)
		printf "{\"type\":\"track\",\"event\":\"Signed In\",\"userId\":\"u%d\",\"messageId\":\"t%d\",\"timestamp\":\"2026-11-05T09:00:00Z\"}\n", i, i
}' >"$T/many.jsonl"
run --db "$T/many.db" init -q
run --db "$T/many.db" account add acme --name Acme --tier high --kickoff 2026-11-01 -q
run --db "$T/many.db" account add globex --name Globex --tier mid --kickoff 2026-11-01 -q
run --db "$T/many.db" import --from segment --map "$T/many.yaml" "$T/many.jsonl"
expect "links past a batch and the user cache" 0 "" "onboard: $T/many.jsonl: 90001 rows read, 70000 added, 0 duplicates, 0 invalid, 0 skipped (0 unmapped, 0 unknown account, 0 other calls), 20001 linked"
many() { sqlite3 "$T/many.db" "$1"; }
assert "every user's event on its account" test "$(many "SELECT a.ext_id, count(*) FROM event e JOIN account a ON a.id = e.account GROUP BY 1 ORDER BY 1")" = "acme|60001
globex|9999"
assert "every user linked once" test "$(many "SELECT count(*), count(DISTINCT user_id) FROM user_link")" = "20001|20001"
links() {
	many "SELECT u.user_id, a.ext_id, strftime('%Y-%m-%dT%H:%M:%SZ',
		u.linked_at / 1000000, 'unixepoch') FROM user_link u JOIN account a
		ON a.id = u.account WHERE u.user_id IN ('u0', 'u1', 'u3')
		ORDER BY 1"
}
want="u0|acme|2026-11-02T08:00:00Z
u1|acme|2026-11-04T08:00:00Z
u3|globex|2026-11-02T08:00:00Z"
assert "the moved user on its new account since the move, the others since their group call" test "$(links)" = "$want"
run --db "$T/many.db" import --from segment --map "$T/many.yaml" "$T/many.jsonl"
expect "links past a batch: a re-import adds nothing" 0 "" "onboard: $T/many.jsonl: 90001 rows read, 0 added, 70000 duplicates, 0 invalid, 0 skipped (0 unmapped, 0 unknown account, 0 other calls), 20001 linked"
assert "a re-import keeps the links' dates" test "$(links)" = "$want"

# The native import reads gzip too.
printf 'account,type,at\nacme,login,2026-11-09T09:00:00Z\n' | gzip -c >"$T/native.csv.gz"
run import "$T/native.csv.gz"
expect "native CSV, gzip" 0 "" "onboard: $T/native.csv.gz: 1 rows read, 1 added, 0 duplicates, 0 invalid"

# Replay: events from an export answer as of a day exactly as the same
# events imported natively.
run --db "$T/native.db" init -q
run --db "$T/native.db" account add acme --name Acme --tier high --kickoff 2026-11-01 -q
run --db "$T/native.db" account add globex --name Globex --tier mid --kickoff 2026-11-01 -q
if [ -n "$PG" ]; then
	at="to_char(to_timestamp(e.at / 1e6) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
else
	at="strftime('%Y-%m-%dT%H:%M:%fZ', e.at / 1e6, 'unixepoch')"
fi
dbq "SELECT a.ext_id || ',' || t.name || ',' || $at || ',' || e.value || ',' || e.ext_id FROM event e JOIN account a ON a.id = e.account JOIN event_type t ON t.id = e.type" >"$T/rows.csv"
{ echo "account,type,at,value,id"; cat "$T/rows.csv"; } >"$T/native.csv"
run --db "$T/native.db" import "$T/native.csv"
expect_has "the export's events, natively" 0 stderr "0 invalid"
for day in 2026-11-03 2026-11-05 2026-11-08; do
	run --today $day score --format json
	a=$out
	run --db "$T/native.db" --today $day score --format json
	assert "replay as of $day: score as native events" test "$a" = "$out"
	run --today $day due --format csv
	a=$out
	run --db "$T/native.db" --today $day due --format csv
	assert "replay as of $day: due as native events" test "$a" = "$out"
done

finish
