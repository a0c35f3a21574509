#!/bin/sh
# make bench: onboard against SPEC.md section 6, on generated data (see
# bench/gen.c), on this machine. Prints a table and writes
# bench/results.md. RUNS (default 5) runs each, the median quoted; the
# 10,000,000-event database is built once. The runs of each pair whose
# ratio matters alternate, so a noisy spell of a shared machine falls on
# both sides.
#
#   import   1,000,000 CSV events into a database of 100,000 accounts,
#            beside the sqlite3 shell's .import of the same file into a
#            table keyed the same way (its identity: account, type, at,
#            value), in the same run
#   exports  the same 1,000,000 events as JSON Lines, a Segment archive
#            (gzip), a Mixpanel raw export and an Amplitude zip of gzip
#            members (bench/exports.py; 3 users per account), each
#            imported into a fresh copy of the same database; the
#            exports' bar is read against the JSON Lines with the ids
#            the exports carry (their events' identity), the ratio
#            without them beside it
#   due      100,000 active accounts, with 1,000,000 and 10,000,000 events:
#            as generated (no check-in done: the worst case, about 470,000
#            rows listed) and with 85% of opened check-ins done
#   score    every active account
#   report   the week of 2026-11-20
#   replays  due, score and report as of 2026-09-22, the middle of the
#            history, with 85% of opened check-ins done: most accounts
#            have events after the day asked
#   backtest every account labelled (a third churned), as of day 7
#   diff     playbook diff of the default with the mid-week window moved
#   playbooks the same three as of both days with every other bundled
#            playbook and a stress playbook naming every metric
#   pg       team mode (SPEC section 9) on a throwaway local server
#            (tests/pg-server.sh: a Unix socket, fsync off): the 1M import
#            beside psql's \copy of the same CSV (its one repeated key
#            left out: COPY stops at it) into a table keyed the same way;
#            due, report, score, a replay and the backtest on the 1M
#            database with 85% done, copied in with db copy, and copied
#            back: every answer compared
#   send     10,000 low-touch accounts on day 2, each with its automated
#            e-mail check-in due and red (no login): 10,000 messages and 50
#            CSM alerts of 200 accounts each; --dry-run to /dev/null, and
#            --maildir into a fresh Maildir on a fresh copy each run
# Peak memory is /usr/bin/time's maximum resident set. BENCH_ONLY=send,
# import (the 1M imports) or pg (after one whole run) runs that part alone
# and prints its rows (results.md is left).
set -eu
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
ONBOARD=$PWD/$BUILD/onboard
DIR=$PWD/$BUILD/bench
TODAY=2026-11-20
# The middle of the history: kickoffs and events run from 2026-07-24.
MIDDLE=2026-09-22
mkdir -p "$DIR"
cd "$DIR"

say() { printf '%s\n' "$*" >&2; }

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o gen "$OLDPWD/bench/gen.c" -lm

# measure CMD...: "seconds kilobytes" of one run, its output discarded.
measure() {
	/usr/bin/time -f '%e %M' -o time.out "$@" >/dev/null 2>run.err ||
		{ cat run.err >&2; exit 1; }
	cat time.out
}

# median "S K" lines: the median seconds and the largest memory.
median() {
	sort -n | awk '{ s[NR] = $1; if ($2 > m) m = $2 }
		END { printf "%.2f %d\n", s[int((NR + 1) / 2)], m }'
}

fresh_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	"$ONBOARD" --db "$1" init -q
	"$ONBOARD" --db "$1" account import accounts.csv -q
}

# send: the database once, then RUNS of each way.
send_bench() {
	say "send: 10,000 due automated e-mails, $RUNS runs each"
	rm -f mail.db mail.db-wal mail.db-shm
	"$ONBOARD" --db mail.db init -q
	awk 'BEGIN { print "id,name,tier,kickoff,csm,contact,email"
		for (i = 0; i < 10000; i++)
			printf "mail-%05d,Account %d,low,2026-11-18,csm-%02d,Contact %d,contact%d@example.com\n", i, i, i % 50, i, i }' >mail.csv
	"$ONBOARD" --db mail.db account import mail.csv -q
	for c in $(seq -w 0 49); do
		"$ONBOARD" --db mail.db csm set "csm-$c" --email "csm-$c@example.com" -q
	done
	: >dry.txt
	: >md.txt
	# A Maildir per run, removed after the last: ext4 skips the inodes
	# freed in the last minute, and looking past 10,000 of them made a
	# run after a removal three times as slow.
	rm -rf Maildir-*
	for i in $(seq 1 "$RUNS"); do
		measure "$ONBOARD" --db mail.db --today "$TODAY" send --dry-run -q >>dry.txt
		cp mail.db mail-run.db
		rm -rf mail-run.db-wal mail-run.db-shm
		measure "$ONBOARD" --db mail-run.db --today "$TODAY" send -q \
			--maildir "$DIR/Maildir-$i" >>md.txt
	done
	sent=$(ls Maildir-1/new | wc -l)
	rm -rf Maildir-*
	dry=$(median <dry.txt)
	maildir=$(median <md.txt)
}
send_rows() {
	echo "| send --dry-run (10,000 + 50 alerts) | 10,000 accounts | $(s "$dry") | $(m "$dry") | < 2 s | $(bar "$(s "$dry")" 2 '<') |"
	echo "| send --maildir ($sent messages) | 10,000 accounts | $(s "$maildir") | $(m "$maildir") | < 2 s | $(bar "$(s "$maildir")" 2 '<') |"
}
s() { echo "$1" | cut -d' ' -f1; }
m() { echo "$1" | cut -d' ' -f2 | awk '{ printf "%.1f", $1 / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
bar() { awk -v v="$1" -v lim="$2" -v op="$3" 'BEGIN {
	ok = op == "<" ? v < lim : v >= lim; print ok ? "yes" : "NO" }'; }

# pg: the PostgreSQL part, on a server of its own, removed at the end.
pg_bench() {
	pg_rows=""
	pgdir=$(mktemp -d /tmp/onboard-pgbench.XXXXXX)
	if ! uri=$(sh "$OLDPWD/tests/pg-server.sh" start "$pgdir" 2>pg.err); then
		say "PostgreSQL part skipped: $(tail -1 pg.err)"
		pg_rows="| PostgreSQL | | skipped: $(tail -1 pg.err) | | | |"
		return
	fi
	trap 'sh "$OLDPWD/tests/pg-server.sh" stop "$pgdir"' EXIT
	pgdb() { # NAME: a new database's URI
		psql -qAtX "$uri" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1
		printf '%s\n' "$uri" | sed "s|:///[^?]*?|:///$1?|"
	}
	awk -F, 'NR == 1 || !seen[$1 FS $2 FS $3 FS $4]++' events-1m.csv >events-1m-unique.csv
	say "PostgreSQL import, $RUNS runs each: onboard and psql \\copy"
	: >pgimp.txt
	: >pgcopy.txt
	for i in $(seq 1 "$RUNS"); do
		db=$(pgdb imp)
		"$ONBOARD" --db "$db" init -q
		"$ONBOARD" --db "$db" account import accounts.csv -q
		measure "$ONBOARD" --db "$db" import -q events-1m.csv >>pgimp.txt
		db=$(pgdb plain)
		psql -qAtX "$db" -c 'CREATE TABLE event (account text COLLATE "C" NOT NULL,
			type text COLLATE "C" NOT NULL, at text COLLATE "C" NOT NULL,
			value text COLLATE "C" NOT NULL,
			PRIMARY KEY (account, type, at, value))'
		measure psql -qAtX "$db" -c "\\copy event FROM 'events-1m-unique.csv' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL (value))" >>pgcopy.txt
	done
	pgimport=$(median <pgimp.txt)
	pgcopy=$(median <pgcopy.txt)
	say "PostgreSQL due and report, $RUNS runs each"
	db=$(pgdb due)
	"$ONBOARD" --db "$db" init -q
	measure "$ONBOARD" --db "$db" db copy db-1m-done.db "$db" >pgdbcopy.txt
	pgdbcopy=$(cat pgdbcopy.txt)
	: >pgdue.txt
	: >pgreport.txt
	: >pgscore.txt
	: >pgmiddle.txt
	: >pgbacktest.txt
	for i in $(seq 1 "$RUNS"); do
		measure "$ONBOARD" --db "$db" --today "$TODAY" due --format csv >>pgdue.txt
		measure "$ONBOARD" --db "$db" --today "$TODAY" report --format json >>pgreport.txt
		measure "$ONBOARD" --db "$db" --today "$TODAY" score --format json >>pgscore.txt
		measure "$ONBOARD" --db "$db" --today "$MIDDLE" due --format csv >>pgmiddle.txt
		measure "$ONBOARD" --db "$db" --today "$TODAY" backtest --labels labels.csv --format json >>pgbacktest.txt
	done
	pgdue=$(median <pgdue.txt)
	pgreport=$(median <pgreport.txt)
	pgscore=$(median <pgscore.txt)
	pgmiddle=$(median <pgmiddle.txt)
	pgbacktest=$(median <pgbacktest.txt)
	rm -f back.db back.db-wal back.db-shm
	"$ONBOARD" --db back.db init -q
	"$ONBOARD" --db back.db db copy "$db" back.db -q
	same=yes
	for day in $TODAY $MIDDLE; do
		for cmd in "due --format csv" "score --format json" "report --format json"; do
			for d in db-1m-done.db "$db" back.db; do
				# shellcheck disable=SC2086
				"$ONBOARD" --db "$d" --today "$day" $cmd | md5sum
			done | uniq | wc -l | grep -qx 1 || same=NO
		done
	done
	pgvs=$(ratio "$(s "$pgimport")" "$(s "$pgcopy")")
	pg_rows="| PostgreSQL: onboard import | 1M events | $(s "$pgimport") | $(m "$pgimport") | <= 1.5x psql \\copy | $(bar 1.5 "$pgvs" '>=') ${pgvs}x |
| PostgreSQL: psql \\copy, same keys | 1M events | $(s "$pgcopy") | $(m "$pgcopy") | | |
| PostgreSQL: db copy from SQLite | 1M events, 85% done | $(s "$pgdbcopy") | $(m "$pgdbcopy") | | |
| PostgreSQL: due | 1M events, 85% done | $(s "$pgdue") | $(m "$pgdue") | < 1 s | $(bar "$(s "$pgdue")" 1 '<') |
| PostgreSQL: report, a week | 1M events, 85% done | $(s "$pgreport") | $(m "$pgreport") | < 3 s | $(bar "$(s "$pgreport")" 3 '<') |
| PostgreSQL: score | 1M events, 85% done | $(s "$pgscore") | $(m "$pgscore") | | |
| PostgreSQL: due as of $MIDDLE | 1M events, 85% done | $(s "$pgmiddle") | $(m "$pgmiddle") | | |
| PostgreSQL: backtest, 100,000 labelled | 1M events, 85% done | $(s "$pgbacktest") | $(m "$pgbacktest") | | |
| SQLite -> PostgreSQL -> SQLite: due, score, report as of $TODAY and $MIDDLE the same | 1M events | | | identical | $same |"
}

if [ "${BENCH_ONLY:-}" = send ]; then
	send_bench
	send_rows
	exit 0
fi
if [ "${BENCH_ONLY:-}" = pg ]; then
	[ -s db-1m-done.db ] || { say "BENCH_ONLY=pg needs a whole make bench first"; exit 1; }
	pg_bench
	printf '%s\n' "$pg_rows"
	exit 0
fi

import_rows() {
	echo "| onboard import | 1M events | $(s "$import") | $(m "$import") | < 3 s | $(bar "$(s "$import")" 3 '<') |"
	echo "| sqlite3 .import, same keys | 1M events | $(s "$sqlimport") | $(m "$sqlimport") | | |"
	echo "| import speed-up over .import | | $(ratio "$(s "$sqlimport")" "$(s "$import")")x | | >= 3x | $(bar "$(ratio "$(s "$sqlimport")" "$(s "$import")")" 3 '>=') |"
}

import_rows_exports() {
	echo "| import, JSON Lines | 1M events | $(s "$jsonl") | $(m "$jsonl") | >= 70% of CSV's events/s | $(ratio "$(s "$import")" "$(s "$jsonl")") $(bar "$(ratio "$(s "$import")" "$(s "$jsonl")")" 0.7 '>=') |"
	echo "| import, JSON Lines with the exports' ids | 1M events | $(s "$jsonlids") | $(m "$jsonlids") | | |"
	for src in segment mixpanel amplitude; do
		eval "v=\$$src"
		echo "| import --from $src | 1M events, 300,000 users | $(s "$v") | $(m "$v") | >= 60% of JSON Lines' events/s, the same ids | $(ratio "$(s "$jsonlids")" "$(s "$v")") $(bar "$(ratio "$(s "$jsonlids")" "$(s "$v")")" 0.6 '>=') (without ids: $(ratio "$(s "$jsonl")" "$(s "$v")")) |"
	done
}

[ -s accounts.csv ] || ./gen accounts 100000 1 >accounts.csv
[ -s events-1m.csv ] || ./gen events 100000 1000000 1 >events-1m.csv
[ -s events-10m.csv ] || { say "generating 10,000,000 events..."; ./gen events 100000 10000000 2 >events-10m.csv; }
[ -s done.csv ] || ./gen done 100000 85 3 >done.csv
[ -s labels.csv ] || ./gen labels 100000 4 >labels.csv

say "base database: 100,000 accounts"
fresh_db base.db

import_runs() { # NAME ARGS...: RUNS imports into fresh copies
	name=$1
	shift
	: >"$name.txt"
	for i in $(seq 1 "$RUNS"); do
		cp base.db src.db
		rm -f src.db-wal src.db-shm
		measure "$ONBOARD" --db src.db import -q "$@" >>"$name.txt"
	done
	median <"$name.txt"
}

# The imports: the CSV beside the sqlite3 shell's .import, then JSON Lines
# and the exports; leaves imp.db, the CSV's last database.
import_bench() {
	say "import, $RUNS runs each: onboard and sqlite3 .import"
	: >imp.txt
	: >sql.txt
	for i in $(seq 1 "$RUNS"); do
		cp base.db imp.db
		rm -f imp.db-wal imp.db-shm
		measure "$ONBOARD" --db imp.db import -q events-1m.csv >>imp.txt
		rm -f sql.db sql.db-wal sql.db-shm
		sqlite3 sql.db "PRAGMA journal_mode = WAL;
			CREATE TABLE event (account TEXT NOT NULL, type TEXT NOT NULL,
			at TEXT NOT NULL, value TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (account, type, at, value)) STRICT, WITHOUT ROWID;" >/dev/null
		measure sqlite3 sql.db ".import --csv --skip 1 events-1m.csv event" >>sql.txt
	done
	import=$(median <imp.txt)
	sqlimport=$(median <sql.txt)

	# The same events as JSON Lines and as each analytics export
	# (bench/exports.py), each into a fresh copy of the base database.
	[ -s events-1m-ids.jsonl ] || { say "writing the exports (bench/exports.py)..."; python3 "$OLDPWD/bench/exports.py" events-1m.csv; }
	say "import of JSON Lines and the exports, $RUNS runs each"
	jsonl=$(import_runs jsonl events-1m.jsonl)
	jsonlids=$(import_runs jsonlids events-1m-ids.jsonl)
	segment=$(import_runs segment --from segment --map map-segment.yaml segment-1m.json.gz)
	mixpanel=$(import_runs mixpanel --from mixpanel --map map-mixpanel.yaml mixpanel-1m.jsonl)
	amplitude=$(import_runs amplitude --from amplitude --map map-amplitude.yaml amplitude-1m.zip)
}

if [ "${BENCH_ONLY:-}" = import ]; then
	import_bench
	import_rows
	import_rows_exports
	exit 0
fi
import_bench
mv imp.db db-1m.db

if [ ! -s db-10m.db ] || [ events-10m.csv -nt db-10m.db ]; then
	say "building the 10,000,000-event database (once)"
	cp base.db db-10m.db
	rm -f db-10m.db-wal db-10m.db-shm
	measure "$ONBOARD" --db db-10m.db import -q events-10m.csv >imp10.txt
fi
import10=$(cat imp10.txt 2>/dev/null || echo "- -")

# The same with check-ins done: loaded with sqlite3 for speed (a CSM team
# would have run 'onboard done' for each over the weeks).
with_done() {
	cp "$1" "$2"
	rm -f "$2-wal" "$2-shm"
	# A new table takes its columns from the header.
	sqlite3 "$2" ".import --csv done.csv done_import"
	sqlite3 "$2" "INSERT INTO checkin_action (account, checkin, action, day,
			recorded_at)
		SELECT a.id, d.checkin, 'done', d.day, '2026-11-20T00:00:00Z'
		FROM done_import d JOIN account a ON a.ext_id = d.account;
		DROP TABLE done_import;"
}
with_done db-1m.db db-1m-done.db
with_done db-10m.db db-10m-done.db

# time_pair DB1 DB2 ARGS...: the median of RUNS runs of onboard ARGS on
# DB1 and on DB2, the runs alternating; prints "S K|S K".
time_pair() {
	a=$1
	b=$2
	shift 2
	: >cmd-a.txt
	: >cmd-b.txt
	for i in $(seq 1 "$RUNS"); do
		measure "$ONBOARD" --db "$a" --today "${ASOF:-$TODAY}" "$@" >>cmd-a.txt
		measure "$ONBOARD" --db "$b" --today "${ASOF:-$TODAY}" "$@" >>cmd-b.txt
	done
	echo "$(median <cmd-a.txt)|$(median <cmd-b.txt)"
}

say "due, score, report: $RUNS runs each"
pair=$(time_pair db-1m.db db-10m.db due --format csv)
due1=${pair%|*} due10=${pair#*|}
pair=$(time_pair db-1m-done.db db-10m-done.db due --format csv)
dued1=${pair%|*} dued10=${pair#*|}
rows1=$("$ONBOARD" --db db-1m.db --today $TODAY due --format csv | tail -n +2 | wc -l)
rowsd1=$("$ONBOARD" --db db-1m-done.db --today $TODAY due --format csv | tail -n +2 | wc -l)
pair=$(time_pair db-1m.db db-10m.db score --format csv)
score1=${pair%|*} score10=${pair#*|}
pair=$(time_pair db-1m-done.db db-10m-done.db report --format json)
report1=${pair%|*} report10=${pair#*|}
# Replays: as of a day in the middle of the history, when most accounts
# have events after the day asked (SPEC section 6: the bars hold as of
# any day).
say "due, score, report as of $MIDDLE: $RUNS runs each"
pair=$(ASOF=$MIDDLE time_pair db-1m-done.db db-10m-done.db due --format csv)
duem1=${pair%|*} duem10=${pair#*|}
pair=$(ASOF=$MIDDLE time_pair db-1m-done.db db-10m-done.db score --format csv)
scorem1=${pair%|*} scorem10=${pair#*|}
pair=$(ASOF=$MIDDLE time_pair db-1m-done.db db-10m-done.db report --format json)
reportm1=${pair%|*} reportm10=${pair#*|}

# Backtests: every account labelled (bench/gen.c labels: a third
# churned), scored as of its day 7, lead times replayed day by day.
say "backtest, playbook diff: $RUNS runs each"
pair=$(time_pair db-1m-done.db db-10m-done.db backtest --labels labels.csv --format json)
backtest1=${pair%|*} backtest10=${pair#*|}
# The default playbook with one window moved: every account changes.
sed 's/^    days: 3-4$/    days: 4-5/' "$OLDPWD/playbooks/default.yaml" >moved.yaml
pair=$(time_pair db-1m-done.db db-10m-done.db playbook diff moved.yaml --format json)
diff1=${pair%|*} diff10=${pair#*|}

# The same with every bundled playbook and a stress playbook whose
# rules name every metric of SPEC section 2 (the default's, with one
# more dimension): each database's accounts moved over to the playbook,
# its tiers mapped from high, mid and low.
stress_playbook() {
	sed '/^health:$/r /dev/stdin' "$OLDPWD/playbooks/default.yaml" <<'YAML' |
  stress:
    red:
      - { when: day > 400, reason: Past any onboarding }
    yellow:
      - { when: logins_7d < 1, from_day: 7, reason: No login this week }
      - { when: first_login_day > 3, reason: Late first login }
      - { when: responses == 0, from_day: 5, reason: No response yet }
      - { when: unanswered_days >= 10, reason: Ten days unanswered }
      - { when: action_items_done == 0, from_day: 10, reason: No action item done }
      - { when: stakeholders == 0, from_day: 10, reason: No stakeholder }
      - { when: meetings_attended == 0, from_day: 14, reason: No meeting attended }
      - { when: milestones_done == 0, from_day: 14, reason: No milestone done }
      - { when: checkins_done == 0, from_day: 14, reason: No check-in done }
      - { when: checkins_overdue >= 2, reason: Check-ins overdue }
      - { when: count.demo_booked >= 5, reason: Many demos }
YAML
		sed 's/^name: saas-default/name: stress/' >stress.yaml
}
stress_playbook
on_playbook() { # FROM TO FILE NAME HIGH MID LOW
	cp "$1" "$2"
	rm -f "$2-wal" "$2-shm"
	"$ONBOARD" --db "$2" playbook load "$3" -q
	sqlite3 "$2" "UPDATE account SET
		playbook = (SELECT id FROM playbook WHERE name = '$4'),
		tier = CASE tier WHEN 'high' THEN '$5' WHEN 'mid' THEN '$6'
			ELSE '$7' END;"
}
: >playbooks.md
for pb in professional-services segments stress; do
	case $pb in
	professional-services) tiers="strategic project project" file=$OLDPWD/playbooks/$pb.yaml ;;
	segments) tiers="enterprise enterprise smb" file=$OLDPWD/playbooks/$pb.yaml ;;
	stress) tiers="high mid low" file=$DIR/stress.yaml ;;
	esac
	say "due, score, report with playbook $pb: $RUNS runs each"
	# shellcheck disable=SC2086
	on_playbook db-1m-done.db pb-1m.db "$file" $pb $tiers
	# shellcheck disable=SC2086
	on_playbook db-10m-done.db pb-10m.db "$file" $pb $tiers
	for day in $TODAY $MIDDLE; do
		for cmd in due score report; do
			format=csv
			[ $cmd = report ] && format=json
			pair=$(ASOF=$day time_pair pb-1m.db pb-10m.db $cmd --format $format)
			one=${pair%|*} ten=${pair#*|}
			case $cmd in
			due) lim="< 0.5 s" l=0.5 ;;
			report) lim="< 2 s" l=2 ;;
			*) lim="" l="" ;;
			esac
			met1="" met10="" metr=""
			if [ -n "$l" ]; then
				met1=$(bar "$(s "$one")" $l '<')
				met10=$(bar "$(s "$ten")" $l '<')
			fi
			r=$(ratio "$(s "$ten")" "$(s "$one")")
			[ $cmd = due ] && metr=$(bar 1.3 "$r" '>=')
			echo "| $cmd, $pb, as of $day | 1M events | $(s "$one") | $(m "$one") | $lim | $met1 |" >>playbooks.md
			echo "| $cmd, $pb, as of $day | 10M events | $(s "$ten") | $(m "$ten") | $lim | $met10 |" >>playbooks.md
			[ $cmd = due ] && echo "| $cmd, $pb, as of $day, 10M / 1M | | ${r}x | | <= 1.3x | $metr |" >>playbooks.md
		done
	done
	rm -f pb-1m.db pb-10m.db pb-1m.db-wal pb-10m.db-wal pb-1m.db-shm pb-10m.db-shm
done

send_bench
pg_bench

machine=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
cores=$(nproc)
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
{
	echo "# onboard benchmarks"
	echo
	echo "Measured by \`make bench\` on $(date -u +%F), $RUNS runs each (1M and"
	echo "10M alternating), the median quoted (peak memory: the largest). Machine: $machine,"
	echo "$cores cores, $mem, Linux $(uname -r), SQLite $(sqlite3 --version | cut -d' ' -f1)."
	echo "Data: bench/gen.c, 100,000 accounts (20% high, 40% mid, 40% low"
	echo "touch, kickoffs over 120 days), events mostly in week one; as of"
	echo "$TODAY."
	echo
	echo "| what | data | seconds | peak MiB | bar | met |"
	echo "|---|---|---:|---:|---|---|"
	import_rows
	echo "| onboard import (once) | 10M events | $(s "$import10") | $(m "$import10") | | |"
	import_rows_exports
	echo "| due, none done ($rows1 rows) | 1M events | $(s "$due1") | $(m "$due1") | < 0.5 s | $(bar "$(s "$due1")" 0.5 '<') |"
	echo "| due, none done | 10M events | $(s "$due10") | $(m "$due10") | < 0.5 s | $(bar "$(s "$due10")" 0.5 '<') |"
	echo "| due, 85% done ($rowsd1 rows) | 1M events | $(s "$dued1") | $(m "$dued1") | < 0.5 s | $(bar "$(s "$dued1")" 0.5 '<') |"
	echo "| due, 85% done | 10M events | $(s "$dued10") | $(m "$dued10") | < 0.5 s | $(bar "$(s "$dued10")" 0.5 '<') |"
	echo "| due 10M / 1M (85% done) | | $(ratio "$(s "$dued10")" "$(s "$dued1")")x | | <= 1.3x | $(bar 1.3 "$(ratio "$(s "$dued10")" "$(s "$dued1")")" '>=') |"
	echo "| score, every account | 1M events | $(s "$score1") | $(m "$score1") | | |"
	echo "| score, every account | 10M events | $(s "$score10") | $(m "$score10") | | |"
	echo "| report, a week | 1M events | $(s "$report1") | $(m "$report1") | < 2 s | $(bar "$(s "$report1")" 2 '<') |"
	echo "| report, a week | 10M events | $(s "$report10") | $(m "$report10") | < 2 s | $(bar "$(s "$report10")" 2 '<') |"
	echo "| due as of $MIDDLE (a replay) | 1M events | $(s "$duem1") | $(m "$duem1") | < 0.5 s | $(bar "$(s "$duem1")" 0.5 '<') |"
	echo "| due as of $MIDDLE | 10M events | $(s "$duem10") | $(m "$duem10") | < 0.5 s | $(bar "$(s "$duem10")" 0.5 '<') |"
	echo "| due as of $MIDDLE, 10M / 1M | | $(ratio "$(s "$duem10")" "$(s "$duem1")")x | | <= 1.3x | $(bar 1.3 "$(ratio "$(s "$duem10")" "$(s "$duem1")")" '>=') |"
	echo "| score as of $MIDDLE | 1M events | $(s "$scorem1") | $(m "$scorem1") | | |"
	echo "| score as of $MIDDLE | 10M events | $(s "$scorem10") | $(m "$scorem10") | | |"
	echo "| report, a week, as of $MIDDLE | 1M events | $(s "$reportm1") | $(m "$reportm1") | < 2 s | $(bar "$(s "$reportm1")" 2 '<') |"
	echo "| report, a week, as of $MIDDLE | 10M events | $(s "$reportm10") | $(m "$reportm10") | < 2 s | $(bar "$(s "$reportm10")" 2 '<') |"
	echo "| backtest, 100,000 labelled | 1M events | $(s "$backtest1") | $(m "$backtest1") | | |"
	echo "| backtest, 100,000 labelled | 10M events | $(s "$backtest10") | $(m "$backtest10") | < 3 s | $(bar "$(s "$backtest10")" 3 '<') |"
	echo "| backtest 10M / 1M | | $(ratio "$(s "$backtest10")" "$(s "$backtest1")")x | | <= 1.3x | $(bar 1.3 "$(ratio "$(s "$backtest10")" "$(s "$backtest1")")" '>=') |"
	echo "| playbook diff, one window moved | 100,000 accounts, 1M events | $(s "$diff1") | $(m "$diff1") | < 1 s | $(bar "$(s "$diff1")" 1 '<') |"
	echo "| playbook diff, one window moved | 100,000 accounts, 10M events | $(s "$diff10") | $(m "$diff10") | < 1 s | $(bar "$(s "$diff10")" 1 '<') |"
	cat playbooks.md
	send_rows
	printf '%s\n' "$pg_rows"
	echo
	echo "Peak memory bar: under 64 MiB for all of the above. PostgreSQL $(psql --version | awk '{ print $3 }'),"
	# printf: dash's echo would end the line at the \c of \copy
	printf '%s\n' "local, over a Unix socket, fsync off (as the \\copy it is measured against)."
} >results.md
cat results.md
cp results.md "$OLDPWD/bench/results.md"
