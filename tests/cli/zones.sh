# A bare date is that day, in every time zone (SPEC section 1): events
# are ordered by local date, then timed ones before those given as a
# date on the same date. The latest NPS, on the summaries' path (as of a
# day after every event) and on the events' (as of a day before some).
. tests/cli/lib.sh

nps() { # ZONE TODAY: acme's NPS as of TODAY, read in ZONE
	TZ=$1 "$ONBOARD" score acme --today "$2" --format json | jq '.[0].metrics.nps'
}

tickets() { # ZONE TODAY: acme's open tickets and the oldest one's age
	TZ=$1 "$ONBOARD" score acme --today "$2" --format json |
		jq -r '.[0].metrics | "\(.open_tickets) \(.oldest_open_ticket_days)"'
}

# SPEC's example, west of UTC: 00:54Z on the 28th is the evening of the
# 27th in Los Angeles, and the score and the resolution given on the 28th
# are the later ones.
TZ=America/Los_Angeles "$ONBOARD" init -q
TZ=America/Los_Angeles "$ONBOARD" account add acme --name Acme --tier mid --kickoff 2026-10-23 -q
TZ=America/Los_Angeles "$ONBOARD" log acme nps --value 3 --at 2026-10-28T00:54:00Z -q
TZ=America/Los_Angeles "$ONBOARD" log acme nps --value 10 --at 2026-10-28 -q
TZ=America/Los_Angeles "$ONBOARD" log acme ticket_opened --value T-3 --at 2026-10-28T00:54:00Z -q
TZ=America/Los_Angeles "$ONBOARD" log acme ticket_resolved --value T-3 --at 2026-10-28 -q
assert "west of UTC: the dated score is the later" test "$(nps America/Los_Angeles 2026-11-05)" = 10
assert "west of UTC: the ticket resolved on its date is closed" test "$(tickets America/Los_Angeles 2026-11-05)" = "0 null"
assert "the same, read in UTC" test "$(tickets UTC 2026-11-05)" = "0 null"

# A ticket opened on a date and resolved at a time: 23:30Z on the 28th is
# the 28th in UTC (before the date's opening: still open, 8 days on) and
# the 29th in Tokyo (after it: closed). The same as of a day before a
# later event, read from the events.
TZ=UTC "$ONBOARD" log acme ticket_opened --value T-4 --at 2026-10-28 -q
TZ=UTC "$ONBOARD" log acme ticket_resolved --value T-4 --at 2026-10-28T23:30:00Z -q
assert "opened on a date, resolved that evening in UTC: open" test "$(tickets UTC 2026-11-05)" = "1 8"
assert "the same in Tokyo, the next morning: closed" test "$(tickets Asia/Tokyo 2026-11-05)" = "0 null"
TZ=UTC "$ONBOARD" log acme login --at 2026-11-10T09:00:00Z -q
assert "as of an earlier day, in UTC: open" test "$(tickets UTC 2026-11-05)" = "1 8"
assert "as of an earlier day, in Tokyo: closed" test "$(tickets Asia/Tokyo 2026-11-05)" = "0 null"
# Reopened at a time after its resolution: open again everywhere.
TZ=UTC "$ONBOARD" log acme ticket_opened --value T-4 --at 2026-10-30T10:00:00Z -q
assert "reopened after its resolution: open in Tokyo too" test "$(tickets Asia/Tokyo 2026-11-12)" = "1 13"

# Imported under UTC, read in three zones: 20:00Z on the 5th is the 5th
# in UTC and in Los Angeles (before that day's date), the 6th in Tokyo
# (after it).
rm -f "$T/onboard.db"
TZ=UTC "$ONBOARD" init -q
TZ=UTC "$ONBOARD" account add acme --name Acme --tier mid --kickoff 2026-11-02 -q
TZ=UTC "$ONBOARD" log acme nps --value 3 --at 2026-11-05T20:00:00Z -q
TZ=UTC "$ONBOARD" log acme nps --value 10 --at 2026-11-05 -q
assert "read in UTC: the dated score, later on the same date" test "$(nps UTC 2026-11-20)" = 10
assert "read in Los Angeles: the same" test "$(nps America/Los_Angeles 2026-11-20)" = 10
assert "read in Tokyo: the timed score, on the next date" test "$(nps Asia/Tokyo 2026-11-20)" = 3
# East of UTC, the timed score of the same local date comes first.
TZ=Asia/Tokyo "$ONBOARD" log acme nps --value 7 --at 2026-11-07T10:00:00+09:00 -q
TZ=Asia/Tokyo "$ONBOARD" log acme nps --value 5 --at 2026-11-07 -q
assert "east of UTC: the dated score after that date's times" test "$(nps Asia/Tokyo 2026-11-20)" = 5

# The same as of a day before later events: read from the events.
TZ=UTC "$ONBOARD" log acme login --at 2026-11-10T09:00:00Z -q
assert "as of an earlier day, in UTC" test "$(nps UTC 2026-11-06)" = 10
# 10:00 in Tokyo on the 7th is the evening of the 6th in Los Angeles.
assert "as of an earlier day, in Los Angeles" test "$(nps America/Los_Angeles 2026-11-06)" = 7
assert "as of an earlier day, in Tokyo" test "$(nps Asia/Tokyo 2026-11-06)" = 3
assert "as of the day of the later pair, in Tokyo" test "$(nps Asia/Tokyo 2026-11-07)" = 5
# score of every account reads the summaries in a stream: the same.
assert "the stream's NPS, in Tokyo" test \
	"$(TZ=Asia/Tokyo "$ONBOARD" score --today 2026-11-20 --format json | jq '.[0].metrics.nps')" = 5

# The first of a kind: a milestone reached at 00:54Z on the 28th and
# again given as the 28th. In Los Angeles the first is the 27th, day 4
# after a kickoff on the 23rd; in UTC the 28th, day 5.
rm -f "$T/onboard.db"
TZ=UTC "$ONBOARD" init -q
TZ=UTC "$ONBOARD" account add acme --name Acme --tier mid --kickoff 2026-10-23 -q
TZ=UTC "$ONBOARD" log acme milestone --value first-value --at 2026-10-28 -q
TZ=UTC "$ONBOARD" log acme milestone --value first-value --at 2026-10-28T00:54:00Z -q
ttfv() {
	TZ=$1 "$ONBOARD" report --today 2026-10-30 --format json | jq '.kpis.median_days_to_first_value'
}
assert "the first of two, in Los Angeles: the timed one, the evening before" test "$(ttfv America/Los_Angeles)" = 4
assert "the first of two, in UTC: that date" test "$(ttfv UTC)" = 5

finish
