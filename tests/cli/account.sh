# onboard account add|import|list|show|set
. tests/cli/lib.sh

run init -q
run account add acme --name "Acme Corp" --tier mid --kickoff 2026-11-02 \
	--csm dana --contact "Jo Park" --email jo@acme.example
expect "add" 0 "" \
	"onboard: added account 'acme' (mid, kickoff 2026-11-02, playbook 'saas-default')"
run account add acme --name Again --tier mid --kickoff 2026-11-02
expect "a taken id" 65 "" "onboard: account 'acme' already exists"
run account add beta --name Beta --tier vip --kickoff 2026-11-02
expect "an unknown tier" 65 "" \
	"onboard: unknown tier 'vip' for playbook 'saas-default' (tiers: high, mid, low)"
run account add beta --name Beta --tier mid --kickoff 2026-11-31
expect "a bad kickoff date" 65 "" \
	"onboard: bad kickoff '2026-11-31': expected a date YYYY-MM-DD"
run account add beta --name Beta --tier mid --kickoff 2026-11-02 --email nope
expect "a bad e-mail" 65 "" \
	"onboard: bad email 'nope': expected an address like name@example.com"
run account add beta --name Beta --tier mid --kickoff 2026-11-02 --playbook x
expect "an unknown playbook" 65 "" "onboard: unknown playbook 'x'"
run account add "be ta" --name Beta --tier mid --kickoff 2026-11-02
expect "a bad id" 65 "" \
	"onboard: bad account id 'be ta': expected letters, digits and . _ : @ - (starting with a letter or digit)"
run account add beta --tier mid --kickoff 2026-11-02
expect "a missing --name" 2 "" "onboard: --name is required
usage: onboard account add ID --name NAME --tier TIER --kickoff DATE [--csm C]
                           [--contact P] [--email E] [--playbook P]
                           [--opt-out yes|no]"
run account add beta --name "$(printf 'Bad\tname')" --tier mid --kickoff 2026-11-02
expect_has "control characters in a name" 65 stderr "without control characters"
run account add beta --name Beta --tier mid --kickoff 2026-11-02 --status paused
expect_has "new accounts start active" 2 stderr "unknown option '--status'"
run account list --format json
assert "failed adds wrote nothing" test "$(printf '%s' "$out" | jq length)" = 1

# Names full of quotes, commas and SQL come back byte for byte.
nasty="Robert'); DROP TABLE account;-- \"Bobby\", Tables & Co"
run account add bobby --name "$nasty" --tier high --kickoff 2026-10-30 \
	--contact "O'Brien, \"Pat\""
expect "a hostile name" 0 "" \
	"onboard: added account 'bobby' (high, kickoff 2026-10-30, playbook 'saas-default')"
run account list --format json --today 2026-11-05
expect "list, json" 0 \
'[
{"id":"acme","name":"Acme Corp","tier":"mid","kickoff":"2026-11-02","csm":"dana","contact":"Jo Park","email":"jo@acme.example","playbook":"saas-default","status":"active","status_since":null,"day":3,"opt_out":false},
{"id":"bobby","name":"Robert'"'"'); DROP TABLE account;-- \"Bobby\", Tables & Co","tier":"high","kickoff":"2026-10-30","csm":null,"contact":"O'"'"'Brien, \"Pat\"","email":null,"playbook":"saas-default","status":"active","status_since":null,"day":6,"opt_out":false}
]' ""
assert "jq reads the name back" test \
	"$(printf '%s' "$out" | jq -r '.[1].name')" = "$nasty"
run account list --format csv --today 2026-11-05
expect "list, csv (RFC 4180 quoting)" 0 \
'id,name,tier,kickoff,csm,contact,email,playbook,status,status_since,day,opt_out
acme,Acme Corp,mid,2026-11-02,dana,Jo Park,jo@acme.example,saas-default,active,,3,false
bobby,"Robert'"'"'); DROP TABLE account;-- ""Bobby"", Tables & Co",high,2026-10-30,,"O'"'"'Brien, ""Pat""",,saas-default,active,,6,false' ""
run account list --today 2026-11-05
expect "list, table" 0 \
"ID     NAME                      TIER  KICKOFF     CSM   STATUS  DAY
acme   Acme Corp                 mid   2026-11-02  dana  active    3
bobby  Robert'); DROP TABLE ac…  high  2026-10-30        active    6" ""
run account list --csm dana --format csv
expect_has "filter by csm" 0 stdout "acme,"
assert "only dana's" test "$(printf '%s\n' "$out" | wc -l)" = 2
run account list --tier high --format json
assert "filter by tier" test "$(printf '%s' "$out" | jq -r '.[].id')" = bobby
run account list --status churned
expect "an empty list is success" 0 "" "onboard: no accounts match"
run account list --status gone
expect "a bad status filter" 65 "" \
	"onboard: bad status 'gone': expected active, paused, completed or churned"
run account list --status churned --format json
expect "empty json" 0 "[]" ""

# Tables fit an 80-column terminal whatever the data.
run account add "$(printf 'x%.0s' $(seq 1 100))" --name "$(printf 'Long name %.0s' $(seq 1 20))" \
	--tier low --kickoff 2026-11-02 --csm "$(printf 'csm%.0s' $(seq 1 30))" -q
run account list
assert "account list fits 80 columns" \
	test "$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 wc -L)" -le 80
run account set "$(printf 'x%.0s' $(seq 1 100))" --status churned -q

# set
run account set acme --tier high --csm "" --status paused
expect "set" 0 "" "onboard: updated account 'acme'"
run account list --format json
assert "set changed tier, cleared csm, paused" test \
	"$(printf '%s' "$out" | jq -c '.[0] | [.tier, .csm, .status]')" = \
	'["high",null,"paused"]'
run account set acme --tier vip
expect "set: unknown tier" 65 "" \
	"onboard: unknown tier 'vip' for playbook 'saas-default' (tiers: high, mid, low)"
run account set acme --status gone
expect "set: bad status" 65 "" \
	"onboard: bad status 'gone': expected active, paused, completed or churned"
run account set nobody --tier high
expect "set: unknown account" 65 "" "onboard: unknown account 'nobody'"
run account set acme
expect_has "set: nothing to change" 2 stderr "nothing to change"
run playbook load "$ROOT/playbooks/segments.yaml" -q
run account set acme --playbook segments
expect "set: a playbook without the tier" 65 "" \
	"onboard: unknown tier 'high' for playbook 'segments' (tiers: enterprise, smb)"
run account set acme --playbook segments --tier enterprise
expect "set: playbook and tier together" 0 "" "onboard: updated account 'acme'"
run account list --format json
assert "after the failed sets, one change" test \
	"$(printf '%s' "$out" | jq -c '.[0] | [.tier, .playbook, .status]')" = \
	'["enterprise","segments","paused"]'

# show
run account show bobby --today 2026-11-05
expect "show" 0 \
"bobby: Robert'); DROP TABLE account;-- \"Bobby\", Tables & Co
  tier      high (High-touch), playbook saas-default
  kickoff   2026-10-30 (day 6 on 2026-11-05)
  contact   O'Brien, \"Pat\"
  status    active
  health    red: No login since kickoff
    engagement      red      No login since kickoff
    commitment      yellow   A milestone is overdue
    communication   green
    technical       green

check-ins
CHECK-IN     DAYS  OPENS       CLOSES      STATE           CHANNEL  AUTO
first-check  1-2   2026-10-31  2026-11-01  overdue 4 days  email    no
mid-week     3-4   2026-11-02  2026-11-03  overdue 2 days  call     no
end-of-week  5-7   2026-11-04  2026-11-06  due             call     no
day-14       14    2026-11-13  2026-11-13  upcoming        call     no
day-30       30    2026-11-29  2026-11-29  upcoming        meeting  no
follow-up    8     2026-11-07  2026-11-07  upcoming        call     no

milestones: 0 done, 1 overdue (0%)
MILESTONE     TITLE                       DUE         STATE
access        Everyone can log in         2026-11-01  overdue
setup         Initial configuration done  2026-11-06  open
stakeholders  Key stakeholders connected  2026-11-06  open
first-value   First report generated      2026-11-13  open
go-live       Live in production          2026-11-29  open

metrics
  day                             6    logins                          0
  logins_7d                       0    first_login_day                 -
  days_since_login                -    features                        0
  responses                       0    unanswered_days                 0
  unanswered_business_days        0    action_items_done               0
  action_items_missed             0    stakeholders                    0
  meetings_attended               0    meetings_rescheduled            0
  open_tickets                    0    oldest_open_ticket_days         -
  nps                             -    milestones_done                 0
  milestones_overdue              1    checkins_done                   0
  checkins_overdue                2" ""
run account show nobody
expect "show: unknown account" 65 "" "onboard: unknown account 'nobody'"
run account show bobby --format csv
expect_has "show: table or json" 2 stderr "unknown format 'csv' for account show (expected table or json)"
run account show bobby --format json --today 2026-11-05
assert "show, json: the timeline for scripts" test \
	"$(printf '%s' "$out" | jq -c '.[0] | [.id, .health, .day, [.checkins[] | "\(.checkin):\(.state)"], [.milestones[].state], .metrics.checkins_overdue]')" = \
	'["bobby","red",6,["first-check:overdue","mid-week:overdue","end-of-week:due","day-14:upcoming","day-30:upcoming","follow-up:upcoming"],["overdue","open","open","open","open"],2]'

# Business-day windows skip weekends and holidays.
run playbook load "$ROOT/playbooks/professional-services.yaml" -q
run account add svc --name Services --tier project --kickoff 2026-12-22 \
	--playbook professional-services -q
run account show svc --today 2026-12-22
expect_has "business days skip the holidays" 0 stdout \
"kickoff         1-3    2026-12-23  2026-12-29  upcoming"

# import: upsert from CSV, all or nothing.
printf '\357\273\277id,name,tier,kickoff,csm,email\r\n' >"$T/accounts.csv"
printf 'acme,"Acme, ""the"" Corp",,,lee,\r\n' >>"$T/accounts.csv"
printf 'gamma,Gamma,low,2026-11-10,dana,ops@gamma.example\r\n' >>"$T/accounts.csv"
printf 'delta,"Delta, Division",mid,2026-11-11,,\r\n' >>"$T/accounts.csv"
run account import "$T/accounts.csv"
expect "import: add and update" 0 "" \
	"onboard: $T/accounts.csv: 3 rows read, 2 added, 1 updated"
run account list --format json
assert "import updated only the given cells" test \
	"$(printf '%s' "$out" | jq -c '.[] | select(.id=="acme") | [.name, .tier, .csm, .email]')" = \
	'["Acme, \"the\" Corp","enterprise","lee",null]'
assert "import kept the comma in a quoted name" test \
	"$(printf '%s' "$out" | jq -r '.[] | select(.id=="delta") | .name')" = \
	"Delta, Division"
run account import "$T/accounts.csv" -q
expect "import again: same result" 0 "" ""

cat >"$T/bad.csv" <<'CSV'
id,name,tier,kickoff
eps,Epsilon,low,2026-11-12
zeta,Zeta,vip,2026-11-12
eta,"Eta",low,2026-13-01
theta,Theta,low
eps,Again,low,2026-11-12
iota,Io"ta,low,2026-11-12
kappa,Kappa,low,2026-11-12
CSV
run account import "$T/bad.csv"
expect "import: every bad row, nothing written" 65 "" \
"$T/bad.csv:3: error: unknown tier 'vip' for playbook 'saas-default' (tiers: high, mid, low)
$T/bad.csv:4: error: bad kickoff '2026-13-01': expected a date YYYY-MM-DD
$T/bad.csv:5: error: expected 4 fields as in the header, found 3
$T/bad.csv:6: error: account 'eps' appears twice in the file (first on line 2)
$T/bad.csv:7: error: quote in an unquoted field (quote the whole field and write \"\" for a quote)
onboard: $T/bad.csv: 7 rows read, 5 invalid: nothing written"
run account list --format json
assert "the failed import wrote nothing" test \
	"$(printf '%s' "$out" | jq -r '[.[].id] | join(" ")')" = \
	"acme bobby delta gamma svc $(printf 'x%.0s' $(seq 1 100))"

printf 'id,name,colour\n' >"$T/cols.csv"
run account import "$T/cols.csv"
expect "import: an unknown column" 65 "" \
	"$T/cols.csv:1: error: unknown column 'colour' (expected id, name, tier, kickoff, csm, contact, email, playbook, status, status_since, opt_out)"
printf 'name,tier\nX,low\n' >"$T/noid.csv"
run account import "$T/noid.csv"
expect "import: no id column" 65 "" \
	"$T/noid.csv:1: error: the header has no 'id' column"
: >"$T/empty.csv"
run account import "$T/empty.csv"
expect "import: an empty file" 65 "" \
	"$T/empty.csv:1: error: empty file: expected a header row naming the columns"
printf 'id,name,tier,kickoff\nnew1,New,low,2026-11-20\n\n' >"$T/blank.csv"
run account import "$T/blank.csv"
expect_has "import: a blank line" 65 stderr "$T/blank.csv:3: error: empty line"
printf 'id,name\nnew2,Brand new\n' >"$T/partial.csv"
run account import "$T/partial.csv"
expect_has "import: a new account needs its fields" 65 stderr \
	"$T/partial.csv:2: error: a new account needs a tier"
run account import "$T/missing.csv"
expect "import: a missing file" 66 "" \
	"onboard: cannot open '$T/missing.csv': No such file or directory"
printf 'id,name\ngamma,"Two\nlines"\n' >"$T/newline.csv"
run account import "$T/newline.csv"
expect_has "import: a line break in a name" 65 stderr \
	"$T/newline.csv:2: error: bad name 'Two"
printf 'id,tier\ngamma,mid\n' >"$T/stdin.csv"
run_in "$T/stdin.csv" account import -
expect "import from stdin" 0 "" \
	"onboard: (stdin): 1 rows read, 0 added, 1 updated"
finish
