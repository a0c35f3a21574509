# onboard playbook check|load|list|show|default
. tests/cli/lib.sh

run playbook check "$ROOT"/playbooks/*.yaml
expect "the bundled playbooks pass" 0 \
"$ROOT/playbooks/default.yaml: ok (playbook 'saas-default': 3 tiers, 7 check-ins, 5 milestones)
$ROOT/playbooks/professional-services.yaml: ok (playbook 'professional-services': 2 tiers, 6 check-ins, 5 milestones)
$ROOT/playbooks/segments.yaml: ok (playbook 'segments': 2 tiers, 8 check-ins, 7 milestones)" ""

cat >"$T/bad.yaml" <<'YAML'
name: bad
tiers:
  high: { title: High }
checkins:
  - id: a
    days: 4-2
    tiers: [high, vip]
  - id: a
    days: 3
    template: "Hello {{account.first_name}}"
health:
  engagement:
    red:
      - { when: logins < 1, reason: No login }
      - { when: logins_total < 1, reason: typo }
YAML
run playbook check "$T/bad.yaml"
expect "every error, as FILE:LINE:COLUMN" 65 "" \
"$T/bad.yaml:6:11: error: days: reversed window '4-2': it closes before it opens
$T/bad.yaml:7:19: error: tiers: unknown tier 'vip' (tiers: high)
$T/bad.yaml:8:9: error: check-in id: duplicate id 'a'
$T/bad.yaml:10:22: error: template: unknown placeholder '{{account.first_name}}' (known: account.id, account.name, account.contact, account.email, account.csm, account.tier, checkin.id, checkin.title, checkin.opens, checkin.closes, checkin.channel, day, status, reasons, progress, metric.NAME)
$T/bad.yaml:15:17: error: when: unknown metric 'logins_total' (known: day, logins, logins_7d, first_login_day, days_since_login, features, responses, unanswered_days, unanswered_business_days, action_items_done, action_items_missed, stakeholders, meetings_attended, meetings_rescheduled, open_tickets, oldest_open_ticket_days, nps, milestones_done, milestones_overdue, checkins_done, checkins_overdue, count.TYPE for a custom event type)"

run playbook check "$T/nope.yaml"
expect "a missing file" 66 "" \
	"onboard: cannot open '$T/nope.yaml': No such file or directory"
run playbook check "$T/bad.yaml" "$T/nope.yaml" "$ROOT/playbooks/default.yaml"
expect_has "several files: 66 outranks 65, the good one is still checked" \
	66 stdout "default.yaml: ok"
run playbook check -q "$ROOT/playbooks/default.yaml"
expect "quiet success" 0 "" ""
run playbook check
expect_has "no file" 2 stderr "no playbook file given"
printf 'name: x\0\n' >"$T/nul.yaml"
run playbook check "$T/nul.yaml"
expect "a NUL byte" 65 "" "$T/nul.yaml:1:1: error: NUL byte in the playbook"
head -c 1100000 /dev/zero | tr '\0' '#' >"$T/big.yaml"
run playbook check "$T/big.yaml"
expect "a file over the size cap" 65 "" \
	"$T/big.yaml:1:1: error: '$T/big.yaml' is larger than the limit of 1048576 bytes"
run playbook check "$T"
expect_has "a directory is unreadable" 66 stderr "cannot read '$T'"

# load: validates, stores, the first becomes the default.
run playbook load "$T/bad.yaml"
expect_has "an invalid playbook is not loaded" 65 stderr "error:"
assert "and no database was created" test ! -e "$T/onboard.db"
run playbook load "$ROOT/playbooks/segments.yaml"
expect "load creates the database" 0 "" \
	"onboard: loaded playbook 'segments' from '$ROOT/playbooks/segments.yaml'"
run init -q
run playbook load "$ROOT/playbooks/segments.yaml"
expect "load again replaces" 0 "" \
	"onboard: replaced playbook 'segments' from '$ROOT/playbooks/segments.yaml'"
run playbook list --format json
stamp=$(printf '%s' "$out" | jq -r '.[0].loaded_at')
expect "list: the first loaded is the default; init added none" 0 \
'[
{"name":"segments","default":true,"description":"Enterprise (8 weeks, dedicated CSM) and SMB (2 weeks, email-first)","tiers":["enterprise","smb"],"checkins":8,"accounts":0,"loaded_at":"'"$stamp"'","origin":"'"$ROOT"'/playbooks/segments.yaml"}
]' ""
assert "loaded_at: an RFC 3339 instant, UTC" \
	expr "$stamp" : "20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$"

run playbook load "$ROOT/playbooks/default.yaml" -q
run playbook default saas-default
expect "default" 0 "" "onboard: 'saas-default' is now the default playbook"
run playbook default nope
expect "default: unknown name" 65 "" "onboard: unknown playbook 'nope'"
run playbook list --format csv
expect "list, csv" 0 "*" ""
assert "csv: header" test "$(printf '%s\n' "$out" | head -1)" = \
	"name,default,description,tiers,checkins,accounts,loaded_at,origin"
assert "csv: the default moved" test \
	"$(printf '%s\n' "$out" | cut -d, -f1,2 | tail -2 | tr '\n' ' ')" = \
	"saas-default,true segments,false "
run playbook list
expect_has "list, table" 0 stdout "NAME"
assert "playbook list fits 80 columns" \
	test "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 80

run playbook show segments --format json
expect "show, json parses" 0 "*" ""
assert "show: one row per tier and check-in" \
	test "$(printf '%s' "$out" | jq length)" = 13
assert "show: setup reminder carries its condition" test \
	"$(printf '%s' "$out" | jq -r '.[] | select(.checkin=="setup-reminder" and .tier=="smb") | .condition')" = \
	"setup not done"
assert "show: status channels" test \
	"$(printf '%s' "$out" | jq -r '.[] | select(.checkin=="first-check" and .tier=="smb") | "\(.channel) \(.automated)"')" = \
	"green:email yellow:call red:call true"
run playbook show
expect_has "show the default, as a table per tier" 0 stdout "mid: Mid-touch, 30 days
CHECK-IN     DAYS  CHANNEL            AUTO  CONDITION
first-check  1-2   email              yes
mid-week     3-4   email/call/call    no    status yellow|red"
run playbook show nope
expect "show: unknown playbook" 65 "" "onboard: unknown playbook 'nope'"

# Replacing a playbook may not strand accounts on a tier it drops.
run account add acme --name Acme --tier low --kickoff 2026-11-02 -q
sed 's/^  low: .*//; s/tiers: \[low\]/tiers: [mid]/; s/automated: \[mid, low\]/automated: [mid]/; s/automated: \[low\]/automated: [mid]/' \
	"$ROOT/playbooks/default.yaml" >"$T/nolow.yaml"
run playbook check -q "$T/nolow.yaml"
expect "the edited playbook is valid" 0 "" ""
run playbook load "$T/nolow.yaml"
expect "a reload that drops a used tier" 65 "" \
	"onboard: $T/nolow.yaml: playbook 'saas-default' no longer has tier 'low', which 1 account uses: move them first with 'onboard account set ID --tier'"
run playbook show --format csv
expect_has "the stored playbook is unchanged" 0 stdout "low,first-check"
# The table fits 80 columns: a long description wraps at its spaces, a
# follow-up range that cannot happen says so.
sed 's/^name: saas-default/name: wordy/; s/^description: .*/description: "'"$(printf 'word%.0s ' $(seq 1 40))"'end"/; s/^  until_day: .*//; s/^  from_day: .*/  from_day: 40/' \
	"$ROOT/playbooks/default.yaml" >"$T/wordy.yaml"
run playbook load -q "$T/wordy.yaml"
expect "a wordy playbook" 0 "" ""
run playbook show wordy
expect_has "no follow-ups past the tier's end" 0 stdout \
	"  follow-ups: none (they start on day 40, the tier ends on day 30)"
assert "every line within 80 columns" test "$(printf '%s\n' "$out" | awk 'length > 80' | wc -l)" = 0
assert "the description whole, over lines" test \
	"$(printf '%s\n' "$out" | sed -n '2,4p' | tr -s ' \n' ' ')" = " $(printf 'word%.0s ' $(seq 1 40))end "
finish
