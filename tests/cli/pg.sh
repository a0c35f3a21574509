# Team mode (SPEC section 9), what only PostgreSQL has: a schema made in
# a database, passwords never shown, a connection refused or lost, a
# writer's lock that does not clear, byte order as on SQLite. On a server
# of its own (it stops it mid-import), so only in the PostgreSQL half of
# the tests.
. tests/cli/lib.sh

if [ -z "$PG" ]; then
	echo "# skipped on SQLite: PostgreSQL's own behaviour"
	finish
	exit
fi

S=$(mktemp -d "${TMPDIR:-/tmp}/onboard-pgown.XXXXXX")
URI=$(sh "$ROOT/tests/pg-server.sh" start "$S") || exit 1
trap 'sh "$ROOT/tests/pg-server.sh" stop "$S"; drop_dbs; rm -rf "$T"' EXIT
HOST=${URI#*host=}
HOST=${HOST%%&*}
export ONBOARD_DB="$URI"
psql_own() { psql -qAtX -v ON_ERROR_STOP=1 "$URI" "$@"; }

run init
expect "init makes the schema in the database" 0 "" \
	"onboard: created database '$URI' (schema version 9)
onboard: loaded the bundled playbook 'saas-default' as the default"
run init
expect "init again: up to date" 0 "" \
	"onboard: up to date: database '$URI' (schema version 9)"
assert "the version is in the database" \
	test "$(psql_own -c 'SELECT version FROM onboard_schema')" = 9
psql_own -c 'UPDATE onboard_schema SET version = 99'
run account list
expect "a newer schema is refused" 1 "" \
	"onboard: database '$URI' has schema version 99, newer than this onboard knows (9): upgrade onboard"
# Version 8 was PostgreSQL's first; 9 changed SQLite's files alone.
psql_own -c 'UPDATE onboard_schema SET version = 8'
run account list
expect "a version 8 schema is migrated" 0 "" "onboard: no accounts match"
assert "to version 9" \
	test "$(psql_own -c 'SELECT version FROM onboard_schema')" = 9
psql_own -c 'UPDATE onboard_schema SET version = 7'
run account list
expect "a schema older than PostgreSQL's first is refused" 1 "" \
	"onboard: database '$URI' has schema version 7, which this onboard cannot migrate"
psql_own -c 'UPDATE onboard_schema SET version = 9'

# Byte order, as SQLite sorts: not a locale's.
for id in b B a-b a.b A_b a Z 10 9; do
	"$ONBOARD" account add "$id" --name "$id" --tier low --kickoff 2026-11-02 -q
	"$ONBOARD" --db "$T/order.db" init -q 2>/dev/null
	"$ONBOARD" --db "$T/order.db" account add "$id" --name "$id" --tier low \
		--kickoff 2026-11-02 -q
done
run account list --format csv
pg_list=$out
run --db "$T/order.db" account list --format csv
assert "accounts in byte order, as on SQLite" test "$pg_list" = "$out"
assert "that order" test "$(printf '%s\n' "$pg_list" | sed 1d | cut -d, -f1 | tr '\n' ' ')" = \
	"10 9 A_b B Z a a-b a.b b "

# Passwords: never printed, from libpq's own places.
psql_own -c "CREATE ROLE pwuser LOGIN PASSWORD 'right-horse'"
psql_own -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO pwuser"
hba=$S/data/pg_hba.conf
{ echo "local all pwuser scram-sha-256"; cat "$hba"; } >"$T/hba"
cat "$T/hba" >"$hba"
psql_own -c 'SELECT pg_reload_conf()' >/dev/null
sleep 0.5
wrong="postgresql://pwuser:wrong-staple@/onboard_test?host=$HOST"
run --db "$wrong" account list
expect_has "a wrong password: exit 1" 1 stderr \
	"onboard: cannot connect to database 'postgresql://pwuser:***@/onboard_test?host=$HOST': "
assert "the password is not shown" test -z "$(printf '%s' "$err" | grep -e wrong-staple)"
run --db "postgresql:///onboard_test?host=$HOST&user=pwuser&password=wrong-staple" account list
expect_has "a password parameter, masked" 1 stderr \
	"'postgresql:///onboard_test?host=$HOST&user=pwuser&password=***'"
assert "and not shown" test -z "$(printf '%s' "$err" | grep -e wrong-staple)"
run --db "postgresql:///onboard_test?host=$HOST&user=pwuser" account list
expect_has "no password at all: exit 1" 1 stderr "onboard: cannot connect to database"
printf '*:*:*:pwuser:right-horse\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
PGPASSFILE=$T/pgpass run --db "postgresql:///onboard_test?host=$HOST&user=pwuser" score --format csv
expect_has "the password from PGPASSFILE" 0 stdout "account,"

# The README's team set-up, as written there: a role with a password and
# its own database, the password in ~/.pgpass, init, an SQLite file
# moved over and checked.
psql_own -c "CREATE ROLE team LOGIN PASSWORD 'team-secret'"
psql_own -c "CREATE DATABASE teamdb OWNER team"
{ echo "local all team scram-sha-256"; cat "$hba"; } >"$T/hba"
cat "$T/hba" >"$hba"
psql_own -c 'SELECT pg_reload_conf()' >/dev/null
sleep 0.5
mkdir -p "$T/home"
echo '*:*:teamdb:team:team-secret' >>"$T/home/.pgpass"
chmod 600 "$T/home/.pgpass"
team="postgresql://team@/teamdb?host=$HOST"
HOME=$T/home run --db "$team" init
expect "README: init with the password from ~/.pgpass" 0 "" \
	"onboard: created database '$team' (schema version 9)
onboard: loaded the bundled playbook 'saas-default' as the default"
"$ONBOARD" --db "$T/file.db" init -q
"$ONBOARD" --db "$T/file.db" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
"$ONBOARD" --db "$T/file.db" log acme login --at 2026-11-03T09:00:00Z -q
HOME=$T/home run db copy "$T/file.db" "$team"
expect_has "README: an SQLite file moved over" 0 stderr "1 accounts, 1 events"
HOME=$T/home run --db "$team" db check
expect_has "README: and checked" 0 stdout "every account's summary agrees with its events"
HOME=$T/home run --db "$team" --today 2026-11-04 due --format csv
team_due=$out
run --db "$T/file.db" --today 2026-11-04 due --format csv
assert "README: the same due list as the file's" test "$team_due" = "$out"

# A connection refused: try again later.
run --db "postgresql:///onboard_test?host=$T/nowhere&user=onboard" due
expect_has "no server: exit 75" 75 stderr \
	"onboard: cannot connect to database 'postgresql:///onboard_test?host=$T/nowhere&user=onboard', try again: "

# A writer holding the lock past the busy timeout: exit 75, nothing written
# (held long enough for a slow start under valgrind, and 5 s of waiting).
n=$(psql_own -c 'SELECT count(*) FROM event')
psql_own -c "BEGIN; SELECT pg_advisory_xact_lock(7957879661633); SELECT pg_sleep(12); COMMIT" >/dev/null &
holder=$!
sleep 1
run log a login --at 2026-11-03T09:00:00Z
expect "a lock that does not clear in 5 s: exit 75" 75 "" \
	"onboard: database '$URI' is busy: still locked after 5 seconds, try again"
wait "$holder"
assert "and nothing written" test "$(psql_own -c 'SELECT count(*) FROM event')" = "$n"

# The server gone mid-import (or, on a slow start, before it connected):
# exit 75, nothing written. A million rows outlast the second.
awk 'BEGIN { print "account,type,at,id"
	for (i = 0; i < 1000000; i++) printf "a,login,2026-11-03T09:00:00Z,lost%d\n", i }' >"$T/big.csv"
"$ONBOARD" import "$T/big.csv" >"$T/stdout" 2>"$T/stderr" &
importer=$!
sleep 1
sh "$ROOT/tests/pg-server.sh" halt "$S"
wait "$importer"
rc=$? out=$(cat "$T/stdout") err=$(cat "$T/stderr")
expect_has "the server stopped mid-import: exit 75" 75 stderr "try again"
sh "$ROOT/tests/pg-server.sh" restart "$S"
assert "nothing of it written" test "$(psql_own -c 'SELECT count(*) FROM event')" = "$n"

finish
