# onboard playbook diff (SPEC section 10): what loading a playbook would
# change for the active accounts that follow the stored one of its name,
# as of today. Nothing is stored.
. tests/cli/lib.sh
export ONBOARD_TODAY=2026-11-05

cat >"$T/p.yaml" <<'YAML'
name: p
tiers:
  mid: { title: Mid, length_days: 30 }
checkins:
  - { id: c1, title: One, days: 1-2, channel: email }
  - { id: c2, title: Two, days: 3-4, channel: call }
  - { id: c3, title: Three, days: 5-7, channel: email, automated: [mid], template: "Subject: Hi\n\nHello" }
health:
  engagement:
    red:
      - { when: logins == 0, from_day: 2, reason: No login yet }
YAML
# c1 goes, c2 moves a day, c3 is called instead of mailed, c4 comes, and
# one login is no longer enough.
cat >"$T/p2.yaml" <<'YAML'
name: p
tiers:
  mid: { title: Mid, length_days: 30 }
checkins:
  - { id: c2, title: Two, days: 4-5, channel: call }
  - { id: c3, title: Three, days: 5-7, channel: call }
  - { id: c4, title: Four, days: 8-9, channel: call }
health:
  engagement:
    red:
      - { when: logins == 0, from_day: 2, reason: No login yet }
      - { when: logins < 2, from_day: 2, reason: Few logins }
YAML
run init -q
"$ONBOARD" playbook load "$T/p.yaml" -q
for a in a1:dana a2:lee a3:lee; do
	"$ONBOARD" account add "${a%%:*}" --name A --tier mid --kickoff 2026-11-01 \
		--playbook p --csm "${a##*:}" -q
done
"$ONBOARD" account add other --name O --tier mid --kickoff 2026-11-01 -q
"$ONBOARD" account set a3 --status paused --at 2026-11-03 -q
"$ONBOARD" log a1 login --at 2026-11-02 -q
before=$(dbq "SELECT source FROM playbook WHERE name = 'p'")

plan="  - c1 2026-11-02..2026-11-03 email
  ~ c2 2026-11-04..2026-11-05 -> 2026-11-05..2026-11-06
  ~ c3 email automated -> call
  + c4 2026-11-09..2026-11-10 call"
run playbook diff "$T/p2.yaml"
expect "the plan: each change kind, status changes with their reasons" 0 "a1
  ~ status green -> red: Few logins
$plan
a2
  ~ status red: No login yet -> red: No login yet; Few logins
$plan
2 accounts change: 2 check-ins added, 2 removed, 2 moved; 1 statuses change" ""
assert "nothing is stored" test \
	"$(dbq "SELECT source FROM playbook WHERE name = 'p'")" = "$before"

run playbook diff "$T/p2.yaml" --format json
j() { printf '%s' "$out" | jq -c "$1"; }
assert "json: only the accounts that change, active ones on that playbook" test "$(j '[.[].account]')" = '["a1","a2"]'
assert "json: status and reasons, from and to" test \
	"$(j '.[0] | [.status_from, .status_to, .reasons_from, .reasons_to]')" = '["green","red",[],["Few logins"]]'
assert "json: removed" test "$(j '.[0].checkins[0]')" = \
	'{"checkin":"c1","change":"removed","from":{"opens":"2026-11-02","closes":"2026-11-03","state":"overdue","channel":"email","automated":false},"to":null}'
assert "json: moved" test "$(j '.[0].checkins[1] | [.change, .from.opens, .to.opens, .to.closes, .to.state]')" = \
	'["moved","2026-11-04","2026-11-05","2026-11-06","due"]'
assert "json: changed" test "$(j '.[0].checkins[2] | [.change, .from.channel, .from.automated, .to.channel, .to.automated]')" = \
	'["changed","email",true,"call",false]'
assert "json: added" test "$(j '.[0].checkins[3] | [.change, .from, .to.opens]')" = '["added",null,"2026-11-09"]'

run playbook diff "$T/p2.yaml" --csm lee --exit-code
expect_has "--csm and --exit-code: a change exits 1" 1 stdout "1 account change: 1 check-ins added, 1 removed, 1 moved; 0 statuses change"
run playbook diff "$T/p.yaml" --exit-code
expect "an identical file changes nothing" 0 "0 accounts change: 0 check-ins added, 0 removed, 0 moved; 0 statuses change" ""
run playbook diff "$T/p.yaml" --format json
expect "... an empty JSON list" 0 "[]" ""
sed 's/^name: p$/name: q/' "$T/p2.yaml" >"$T/q.yaml"
run playbook diff "$T/q.yaml" --format json --exit-code
expect "a name no account's playbook has lists nothing" 0 "[]" ""

printf 'name: p\ntiers:\n  mid: { title: Mid, length_days: 30 }\ncheckins:\n  - { id: c1, days: 9-1 }\n' >"$T/bad.yaml"
run playbook diff "$T/bad.yaml"
expect_has "a file with errors: FILE:LINE:COLUMN, exit 65" 65 stderr "$T/bad.yaml:5:"
sed 's/^  mid: /  high: /' "$T/p2.yaml" >"$T/tierless.yaml"
run playbook diff "$T/tierless.yaml"
expect "a tier the accounts use, gone: as load says" 65 "" "onboard: $T/tierless.yaml: playbook 'p' no longer has tier 'mid', which 3 accounts use: move them first with 'onboard account set ID --tier'"
run playbook diff "$T/p2.yaml" --format csv
expect "csv is no plan" 2 "" "*"

run playbook load "$T/p2.yaml"
expect "load says what the replacement changes" 0 "" "onboard: replaced playbook 'p' from '$T/p2.yaml'
onboard: 2 accounts change: 2 check-ins added, 2 removed, 2 moved; 1 statuses change"

finish
