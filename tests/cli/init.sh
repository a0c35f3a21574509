# onboard init: create, migrate, load the default playbook once; refuse
# files that are not ours; a locked database is exit 75.
. tests/cli/lib.sh
# SQLite's files, their journal and migrations, on either run:
# tests/cli/pg.sh has PostgreSQL's init.
export ONBOARD_DB="$T/onboard.db"

run init
expect "init creates the database" 0 "" \
	"onboard: created database '$T/onboard.db' (schema version 9)
onboard: loaded the bundled playbook 'saas-default' as the default"
run init
expect "init is idempotent" 0 "" \
	"onboard: up to date: database '$T/onboard.db' (schema version 9)"
run playbook list --format csv
expect_has "the default playbook is loaded once" 0 stdout \
	"saas-default,true,"
assert "one playbook" test "$(printf '%s\n' "$out" | wc -l)" = 2
assert "WAL journal" \
	test "$(sqlite3 "$T/onboard.db" 'PRAGMA journal_mode')" = wal
assert "schema version 9" \
	test "$(sqlite3 "$T/onboard.db" 'PRAGMA user_version')" = 9

# The schema in the database is schema.sql, as the binary embeds it.
sqlite3 "$T/fresh.db" <"$ROOT/schema.sql"
assert "the schema is schema.sql" test \
	"$(sqlite3 "$T/onboard.db" 'SELECT sql FROM sqlite_schema ORDER BY name')" = \
	"$(sqlite3 "$T/fresh.db" 'SELECT sql FROM sqlite_schema ORDER BY name')"

# A version 1 file with data moves to version 3 and keeps every row; its
# tables, columns and indexes are then those of a new file.
shape() {
	sqlite3 "$1" "SELECT name, type, ncol, wr, strict FROM pragma_table_list
		WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name;
	SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk
		FROM sqlite_schema m, pragma_table_xinfo(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid;
	SELECT m.name, l.name, l.\"unique\", l.partial, i.seqno, i.name
		FROM sqlite_schema m, pragma_index_list(m.name) l,
		pragma_index_info(l.name) i
		WHERE m.type = 'table' ORDER BY m.name, l.name, i.seqno;
	SELECT m.name, f.\"table\", f.\"from\", f.\"to\", f.on_delete
		FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq;"
}
sqlite3 "$T/v1.db" <"$ROOT/tests/fixtures/schema-v1.sql"
sqlite3 "$T/v1.db" "PRAGMA user_version = 1;
	INSERT INTO playbook VALUES (1, 'saas-default', '$(sed "s/'/''/g" "$ROOT/playbooks/default.yaml")', 'x', '2026-11-01T00:00:00Z', 1);
	INSERT INTO account VALUES (1, 'acme', 'Acme', 'mid', '2026-11-02', NULL, NULL, NULL, 1, 'active', 'x', 'x');
	INSERT INTO event VALUES (1, 1, 1793696400000000, 0, '', '');
	INSERT INTO event VALUES (1, 2, 1793696400000000, 0, 'reports', '');
	INSERT INTO event VALUES (1, 2, 1793782800000000, 0, 'reports', '');
	INSERT INTO event VALUES (1, 12, 1793782800000000, 0, '6', '');
	INSERT INTO event VALUES (1, 12, 1793869200000000, 0, '9', '');"
run --db "$T/v1.db" account list --format csv
expect_has "a version 1 file is migrated" 0 stdout "acme,Acme,mid"
assert "to version 9" test "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" = 9
assert "keeping its events" test "$(sqlite3 "$T/v1.db" 'SELECT count(*) FROM event')" = 5
assert "with signals built from them" test \
	"$(sqlite3 "$T/v1.db" 'SELECT account, counts, nps_value, features FROM signal')" = \
	"1|1:1,2:2,12:2|9|1"
assert "the migrated shape is schema.sql's" test "$(shape "$T/v1.db")" = "$(shape "$T/fresh.db")"

# What versions 4 to 9 added, taken away again: a file made by this
# binary becomes one of version 5, or 3.
to_v8() {
	sqlite3 "$1" "CREATE TABLE user_link_v8 (user_id TEXT PRIMARY KEY,
			account INTEGER NOT NULL REFERENCES account (id),
			linked_at INTEGER NOT NULL) STRICT;
		INSERT INTO user_link_v8 SELECT * FROM user_link;
		DROP TABLE user_link; ALTER TABLE user_link_v8 RENAME TO user_link;
		CREATE INDEX user_link_account ON user_link (account, user_id);
		PRAGMA user_version = 8;"
}
to_v7() {
	to_v8 "$1"
	sqlite3 "$1" "DROP TABLE account_status;
		ALTER TABLE account DROP COLUMN status_since; PRAGMA user_version = 7;"
}
to_v6() {
	to_v7 "$1"
	sqlite3 "$1" "ALTER TABLE signal DROP COLUMN first_at;
		ALTER TABLE signal DROP COLUMN first_day;
		ALTER TABLE signal_value DROP COLUMN first_at;
		ALTER TABLE signal_value DROP COLUMN first_day; PRAGMA user_version = 6;"
}
to_v5() {
	to_v6 "$1"
	sqlite3 "$1" "ALTER TABLE signal DROP COLUMN nps_day;
		ALTER TABLE signal DROP COLUMN nps_day_value;
		ALTER TABLE ticket_open DROP COLUMN resolved_at;
		ALTER TABLE ticket_open DROP COLUMN resolved_day; PRAGMA user_version = 5;"
}
to_v3() {
	to_v5 "$1"
	sqlite3 "$1" "DROP TABLE user_link; DROP TABLE alert_state; DROP TABLE outbox_account;
		DROP TABLE outbox; DROP TABLE csm;
		ALTER TABLE account DROP COLUMN opt_out; PRAGMA user_version = 3;"
}

# A version 2 file: its check-ins' index grows to cover the scheduler's
# reads, and an NPS score kept as written ("010", summed up as "01")
# becomes a number, its twin at the same instant goes, and the summary
# follows.
"$ONBOARD" --db "$T/v2.db" init -q
"$ONBOARD" --db "$T/v2.db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
to_v3 "$T/v2.db"
sqlite3 "$T/v2.db" "DROP INDEX checkin_action_account;
	CREATE INDEX checkin_action_account ON checkin_action (account, day);
	PRAGMA user_version = 2;
	INSERT INTO event VALUES (1, 12, 1793696400000000, 0, '10', '');
	INSERT INTO event VALUES (1, 12, 1793696400000000, 0, '010', '');
	INSERT INTO event VALUES (1, 12, 1793782800000000, 0, '007', '');
	INSERT INTO signal (account, last_at, counts, nps_at, nps_value, features)
		VALUES (1, 1793782800000000, '12:3', 1793782800000000, '00', 0);"
run --db "$T/v2.db" score acme --today 2026-11-20 --format json
assert "a version 2 file is migrated: nps 7" test \
	"$(printf '%s' "$out" | jq '.[0].metrics.nps')" = 7
assert "to version 9" test "$(sqlite3 "$T/v2.db" 'PRAGMA user_version')" = 9
assert "scores as numbers, one of the twins" test \
	"$(sqlite3 "$T/v2.db" "SELECT group_concat(value, ' ') FROM (SELECT value FROM event WHERE type = 12 ORDER BY at)")" = "10 7"
assert "the summary rebuilt" test \
	"$(sqlite3 "$T/v2.db" 'SELECT counts, nps_value FROM signal')" = "12:2|7"
assert "the v2 shape migrated is schema.sql's" test "$(shape "$T/v2.db")" = "$(shape "$T/fresh.db")"

# A version 4 file: no user links yet, and a link can be made once it
# is migrated.
"$ONBOARD" --db "$T/v4.db" init -q
to_v5 "$T/v4.db"
sqlite3 "$T/v4.db" "DROP TABLE user_link; PRAGMA user_version = 4;"
run --db "$T/v4.db" user list
expect "a version 4 file is migrated: no user links" 0 "" ""
assert "to version 9" test "$(sqlite3 "$T/v4.db" 'PRAGMA user_version')" = 9
assert "the v4 shape migrated is schema.sql's" test "$(shape "$T/v4.db")" = "$(shape "$T/fresh.db")"

# A version 5 file: its latest NPS was the latest by instant, a date
# counting as its midnight UTC; the timed and the dated ones are read
# again from the events, and the reader's zone picks.
"$ONBOARD" --db "$T/v5.db" init -q
"$ONBOARD" --db "$T/v5.db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
"$ONBOARD" --db "$T/v5.db" log acme nps --value 3 --at 2026-11-05T20:00:00Z -q
"$ONBOARD" --db "$T/v5.db" log acme nps --value 10 --at 2026-11-05 -q
"$ONBOARD" --db "$T/v5.db" log acme ticket_opened --value T-1 --at 2026-11-06T20:00:00Z -q
"$ONBOARD" --db "$T/v5.db" log acme ticket_resolved --value T-1 --at 2026-11-06 -q
to_v5 "$T/v5.db"
# What version 5 kept: the opening, its dated resolution being earlier.
sqlite3 "$T/v5.db" "INSERT INTO ticket_open VALUES (1, 'T-1', 1793995200000000, 0, '')"
sqlite3 "$T/v5.db" "UPDATE signal SET nps_at = 1793908800000000, nps_value = '3'"
run --db "$T/v5.db" score acme --today 2026-11-20 --format json
assert "a version 5 file is migrated: the dated NPS is that day's latest" test \
	"$(printf '%s' "$out" | jq '.[0].metrics.nps')" = 10
assert "to version 9" test "$(sqlite3 "$T/v5.db" 'PRAGMA user_version')" = 9
assert "the NPS of both kinds in the summary" test \
	"$(sqlite3 "$T/v5.db" 'SELECT nps_at, nps_value, nps_day, nps_day_value FROM signal')" = \
	"1793908800000000|3|20762|10"
run --db "$T/v5.db" score acme --today 2026-11-20 --format json
assert "a version 5 file is migrated: the ticket resolved on its date is closed" test \
	"$(printf '%s' "$out" | jq '.[0].metrics.open_tickets')" = 0
assert "the v5 shape migrated is schema.sql's" test "$(shape "$T/v5.db")" = "$(shape "$T/fresh.db")"

# A version 6 file: the first event of each account, and when each
# feature and milestone was first seen, are read from its events.
"$ONBOARD" --db "$T/v6.db" init -q
"$ONBOARD" --db "$T/v6.db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
"$ONBOARD" --db "$T/v6.db" log acme feature_used --value reports --at 2026-11-05T20:00:00Z -q
"$ONBOARD" --db "$T/v6.db" log acme feature_used --value reports --at 2026-11-03T20:00:00Z -q
"$ONBOARD" --db "$T/v6.db" log acme feature_used --value reports --at 2026-11-04 -q
"$ONBOARD" --db "$T/v6.db" log acme milestone --value access --at 2026-11-02 -q
to_v6 "$T/v6.db"
run --db "$T/v6.db" score acme --today 2026-11-03 --format json
assert "a version 6 file is migrated: one feature by the 3rd" test \
	"$(printf '%s' "$out" | jq '.[0].metrics.features')" = 1
assert "to version 9" test "$(sqlite3 "$T/v6.db" 'PRAGMA user_version')" = 9
assert "the account's first event of both kinds" test \
	"$(sqlite3 "$T/v6.db" 'SELECT first_at, first_day FROM signal')" = "1793736000000000|20759"
assert "each value's first sightings" test \
	"$(sqlite3 "$T/v6.db" 'SELECT type, value, first_at, first_day FROM signal_value ORDER BY type')" = \
	"2|reports|1793736000000000|20761
11|access||20759"
assert "the v6 shape migrated is schema.sql's" test "$(shape "$T/v6.db")" = "$(shape "$T/fresh.db")"

# A version 7 file: each account's status dates from its last update,
# and one not active was active before it.
"$ONBOARD" --db "$T/v7.db" init -q
"$ONBOARD" --db "$T/v7.db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
"$ONBOARD" --db "$T/v7.db" account add bolt --name Bolt --tier mid --kickoff 2026-11-02 -q
to_v7 "$T/v7.db"
sqlite3 "$T/v7.db" "UPDATE account SET status = 'paused', updated_at = '2026-11-10T09:00:00Z' WHERE ext_id = 'acme';
	UPDATE account SET updated_at = '2026-11-04T09:00:00Z' WHERE ext_id = 'bolt'"
run --db "$T/v7.db" account list --format csv --today 2026-11-20
assert "a version 7 file is migrated: statuses dated by the last update" test \
	"$(printf '%s' "$out" | cut -d, -f1,9,10)" = "id,status,status_since
acme,paused,2026-11-10
bolt,active,2026-11-04"
run --db "$T/v7.db" account list --format csv --today 2026-11-09
assert "the paused account was active before" test \
	"$(printf '%s' "$out" | cut -d, -f1,9,10 | sed -n 2p)" = "acme,active,"
assert "to version 9" test "$(sqlite3 "$T/v7.db" 'PRAGMA user_version')" = 9
assert "the v7 shape migrated is schema.sql's" test "$(shape "$T/v7.db")" = "$(shape "$T/fresh.db")"

# A version 8 file: its user links keep their accounts and dates, in a
# table without a foreign key clause or a rowid.
"$ONBOARD" --db "$T/v8.db" init -q
"$ONBOARD" --db "$T/v8.db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
printf '%s\n' '{"type":"group","userId":"u1","groupId":"acme","timestamp":"2026-11-03T10:00:00Z"}' \
	'{"type":"group","userId":"u2","groupId":"acme","timestamp":"2026-11-04T10:00:00Z"}' >"$T/links.json"
"$ONBOARD" --db "$T/v8.db" import -q --from segment --map "$ROOT/playbooks/maps/segment.yaml" "$T/links.json"
to_v8 "$T/v8.db"
assert "a version 8 file has the old links table" test \
	"$(sqlite3 "$T/v8.db" 'SELECT count(*) FROM pragma_foreign_key_list('"'user_link'"')')" = 1
run --db "$T/v8.db" user list --format csv
expect "a version 8 file is migrated: its links kept" 0 "user,account,linked_at
u1,acme,2026-11-03T10:00:00Z
u2,acme,2026-11-04T10:00:00Z" ""
assert "to version 9" test "$(sqlite3 "$T/v8.db" 'PRAGMA user_version')" = 9
assert "the v8 shape migrated is schema.sql's" test "$(shape "$T/v8.db")" = "$(shape "$T/fresh.db")"

# A version 3 file: its accounts may all be mailed, and it has an empty
# CSM directory and outbox.
"$ONBOARD" --db "$T/v3.db" init -q
"$ONBOARD" --db "$T/v3.db" account add acme --name Acme --tier low --kickoff 2026-11-02 -q
to_v3 "$T/v3.db"
run --db "$T/v3.db" account list --format json
assert "a version 3 file is migrated: no opt-out" test \
	"$(printf '%s' "$out" | jq -c '[.[0].id, .[0].opt_out]')" = '["acme",false]'
assert "to version 9" test "$(sqlite3 "$T/v3.db" 'PRAGMA user_version')" = 9
assert "the v3 shape migrated is schema.sql's" test "$(shape "$T/v3.db")" = "$(shape "$T/fresh.db")"

sqlite3 "$T/onboard.db" 'PRAGMA user_version = 99'
run account list
expect "a newer schema is refused" 1 "" \
	"onboard: database '$T/onboard.db' has schema version 99, newer than this onboard knows (9): upgrade onboard"

sqlite3 "$T/theirs.db" 'CREATE TABLE notes (x)'
run --db "$T/theirs.db" init
expect "another program's database is refused" 1 "" \
	"onboard: '$T/theirs.db' is an SQLite database, but not onboard's"
assert "and left alone" \
	test "$(sqlite3 "$T/theirs.db" 'SELECT count(*) FROM sqlite_schema')" = 1

echo "plain text, long enough to fill a database header ......................" >"$T/text.db"
run --db "$T/text.db" account list
expect "a file that is no database" 1 "" \
	"onboard: '$T/text.db' is not an onboard database or is damaged"

mkdir "$T/dir.db"
run --db "$T/dir.db" init
expect "a directory" 1 "" "onboard: database '$T/dir.db' is a directory"

# A writer that holds the lock past the 5 s busy timeout: exit 75. It
# holds it until the test is done with it (at most a minute), so that no
# slow machine or valgrind outlasts it.
run --db "$T/locked.db" init -q
(
	echo ".timeout 5000"
	echo "BEGIN IMMEDIATE;"
	echo "INSERT INTO event_type (name) VALUES ('lock');"
	i=0
	while [ ! -e "$T/release" ] && [ "$i" -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "ROLLBACK;"
) | sqlite3 "$T/locked.db" &
sleeper=$!
# Until it holds the lock: then sqlite3 alone cannot take it.
i=0
while sqlite3 "$T/locked.db" "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null &&
	[ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
run --db "$T/locked.db" account add acme --name Acme --tier mid \
	--kickoff 2026-11-02
expect "busy past the timeout" 75 "" \
	"onboard: database '$T/locked.db' is busy: still locked after 5 seconds, try again"
# Readers are not blocked by a writer (WAL).
run --db "$T/locked.db" account list --format json
expect "a reader during a write" 0 "[]" ""
touch "$T/release"
wait $sleeper
run --db "$T/locked.db" account list --format json
expect "nothing half-written" 0 "[]" ""
finish
