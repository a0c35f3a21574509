# onboard backtest (SPEC section 10) on a cohort built by construction,
# every figure worked out by hand below from the default playbook's rules:
# on day 7 an account without a login is red ("No login since kickoff"),
# one with a single login yellow ("Light usage"), one with three green.
. tests/cli/lib.sh
export ONBOARD_TODAY=2026-11-05

run init -q
{
	echo "id,name,tier,kickoff"
	for a in r1 r2 r3 y1 y2 y3 g1 g2 g3 c1 c2; do
		echo "$a,$a,mid,2026-10-01"
	done
} >"$T/accounts.csv"
"$ONBOARD" account import "$T/accounts.csv" -q
{
	echo "account,type,at"
	for a in y1 y2 y3; do echo "$a,login,2026-10-02"; done
	for a in g1 g2 g3; do
		echo "$a,login,2026-10-02"
		echo "$a,login,2026-10-05"
		echo "$a,login,2026-10-07"
	done
} >"$T/events.csv"
"$ONBOARD" import "$T/events.csv" -q
for x in r1:churned:2026-10-20 r2:churned:2026-10-25 r3:completed:2026-10-31 \
	y1:churned:2026-10-30 y2:completed:2026-10-31 y3:completed:2026-10-31 \
	g1:churned:2026-10-28 g2:completed:2026-10-31 g3:completed:2026-10-31 \
	c2:churned:2026-11-10; do
	IFS=: read -r a s d <<EOF
$x
EOF
	"$ONBOARD" account set "$a" --status "$s" --at "$d" -q
done

# Churned r1 r2 y1 g1 (4); retained r3 y2 y3 g2 g3 (5); censored: c1 (no
# outcome) and c2 (churned after today). Base rate 4/9.
run backtest --format json
expect "the backtest runs" 0 "*" ""
j() { printf '%s' "$out" | jq -c "$1"; }
assert "day and playbook" test "$(j '[.day, .playbook]')" = '[7,null]'
assert "outcomes, censored counted" test "$(j .accounts)" = '{"churned":4,"retained":5,"censored":2}'
assert "bands: red 2 of 3, yellow 1 of 3, green 1 of 3" test "$(j .bands)" = \
	'[{"status":"red","accounts":3,"churned":2,"churn_rate":0.666667},{"status":"yellow","accounts":3,"churned":1,"churn_rate":0.333333},{"status":"green","accounts":3,"churned":1,"churn_rate":0.333333}]'
# Red or yellow flags r1 r2 y1 (churned) and r3 y2 y3; misses g1. Lift:
# 0.5 / (4/9) = 1.125. Red alone: r1 r2 and r3; lift (2/3) / (4/9) = 1.5.
assert "cut-off red or yellow" test "$(j .cutoffs.red_or_yellow)" = \
	'{"tp":3,"fp":3,"fn":1,"tn":2,"recall":0.75,"precision":0.5,"false_alarm_rate":0.6,"lift":1.125}'
assert "cut-off red" test "$(j .cutoffs.red)" = \
	'{"tp":2,"fp":1,"fn":2,"tn":4,"recall":0.5,"precision":0.666667,"false_alarm_rate":0.2,"lift":1.5}'
# First red days: r1 and r2 on 10-03 (day 2, no login), y1 on 10-09 and
# g1 on 10-09 (day 8: setup and stakeholders overdue). Leads 17, 22, 21,
# 19: sorted 17 19 21 22, median 20, p25 18.5, p75 21.25.
assert "lead time" test "$(j .lead_time_days)" = '{"median":20,"p25":18.5,"p75":21.25}'
assert "reasons by lift" test "$(j .reasons)" = \
	'[{"reason":"No login since kickoff","churned":2,"retained":1,"precision":0.666667,"lift":1.5},{"reason":"Light usage: few logins, few features tried","churned":1,"retained":2,"precision":0.333333,"lift":0.75}]'

# Every band is the status score gives as of kickoff + 7.
tally=$(for a in r1 r2 r3 y1 y2 y3 g1 g2 g3; do
	"$ONBOARD" score "$a" --today 2026-10-08 --format json | jq -r '.[0].status'
done | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
assert "bands as score --today KICKOFF+7 says" test "$tally" = "green:3 red:3 yellow:3 "

run backtest
expect_has "the table's headline" 0 stdout "day 7: 3 of 4 churned accounts (75%) were red or yellow; precision 50%, 1.1x the base rate"
expect_has "its bands" 0 stdout "red            3        2         67%"
expect_has "its cut-offs" 0 stdout "red or yellow   3   3   1   2     75%        50%           60%  1.1x"
expect_has "its lead time" 0 stdout "lead time: red a median of 20 days before churning (p25 18.5, p75 21.25; 4 accounts)"
run backtest --format csv
expect "csv: a row per band" 0 "status,accounts,churned,churn_rate
red,3,2,0.666667
yellow,3,1,0.333333
green,3,1,0.333333" ""

# html: the same finding as a page, the bands drawn as bars.
"$ONBOARD" backtest --format html >"$T/backtest.html"
assert "html: exit 0" test $? = 0
assert "html is self-contained" test -z \
	"$(grep -Eo '(src|href)=|@import|url\(' "$T/backtest.html")"
assert "html: the headline" grep -qF "<p>day 7: 3 of 4 churned accounts (75%) were red or yellow; precision 50%, 1.1x the base rate.</p>" "$T/backtest.html"
assert "html: a bar per band, churned and retained" test \
	"$(grep -o '<title>[0-9]* [a-z]*</title>' "$T/backtest.html" | tr '\n' ' ')" = \
	"<title>2 churned</title> <title>1 retained</title> <title>1 churned</title> <title>2 retained</title> <title>1 churned</title> <title>2 retained</title> "
assert "html: the bands' table" grep -qF "<tr><td>red</td><td>3</td><td>2</td><td>67%</td></tr>" "$T/backtest.html"
assert "html: the cut-offs" grep -qF "<tr><td>red or yellow</td><td>3</td><td>3</td><td>1</td><td>2</td><td>75%</td><td>50%</td><td>60%</td><td>1.1x</td></tr>" "$T/backtest.html"
assert "html: the lead time" grep -qF "<p>lead time: red a median of 20 days before churning (p25 18.5, p75 21.25; 4 accounts).</p>" "$T/backtest.html"
in_browser "$T/backtest.html" 1000,1000
run backtest --format pdf
expect_has "an unknown format" 2 stderr "unknown format 'pdf' (expected table, json, csv or html)"

# --day 2: r1-r3 red already; the others are green (yellow from day 3).
run backtest --day 2 --format json
assert "--day 2" test "$(j '[.bands[] | [.accounts, .churned, .churn_rate]]')" = '[[3,2,0.666667],[0,0,null],[6,2,0.333333]]'
assert "--day 2: no yellow, so red or yellow is red" test "$(j '.cutoffs.red_or_yellow == .cutoffs.red')" = true

# Labels win over statuses: g3 churned after all, c1 retained.
printf 'account,outcome,date\ng3,churned,2026-10-29\nc1,retained,2026-10-31\n' >"$T/labels.csv"
run backtest --labels "$T/labels.csv" --format json
assert "--labels" test "$(j '[.accounts, [.bands[] | [.accounts, .churned]]]')" = \
	'[{"churned":5,"retained":5,"censored":1},[[4,2],[3,1],[3,2]]]'
printf 'account,outcome,date\nzz,churned,2026-10-29\ng3,lost,2026-10-29\ng2,retained,soon\ng1,churned,2026-10-29\ng1,retained,2026-10-29\n' >"$T/bad.csv"
run backtest --labels "$T/bad.csv"
expect "bad labels: each with its line" 65 "" "$T/bad.csv:2: error: unknown account 'zz'
$T/bad.csv:3: error: bad outcome 'lost': expected churned or retained
$T/bad.csv:4: error: bad date 'soon': expected a date YYYY-MM-DD
$T/bad.csv:6: error: account 'g1' is labelled twice"
printf 'account,result\n' >"$T/head.csv"
run backtest --labels "$T/head.csv"
expect "labels without the header" 65 "" "*"
run backtest --labels "$T/none.csv"
expect "labels missing" 66 "" "onboard: cannot open '$T/none.csv': No such file or directory"

# --playbook: every account scored with it; tiers it lacks are censored.
run backtest --playbook "$ROOT/playbooks/segments.yaml" --format json
assert "--playbook without the accounts' tier: all censored" test \
	"$(j '[.playbook, .accounts]')" = '["segments",{"churned":0,"retained":0,"censored":11}]'
assert "and no ratio divides by zero" test "$(j '[.cutoffs.red.recall, .cutoffs.red.lift, .lead_time_days]')" = '[null,null,null]'
sed 's/logins < 3, features < 2/logins < 4, features < 2/' "$ROOT/playbooks/default.yaml" >"$T/strict.yaml"
run backtest --playbook "$T/strict.yaml" --format json
assert "--playbook with a stricter rule: the green ones turn yellow" test \
	"$(j '[.bands[] | .accounts]')" = '[3,6,0]'
assert "the playbook is not stored" test \
	"$(dbq 'SELECT count(*) FROM playbook')" = 1
printf 'name: broken\ntiers: [\n' >"$T/broken.yaml"
run backtest --playbook "$T/broken.yaml"
expect_has "--playbook with errors: FILE:LINE:COLUMN" 65 stderr "$T/broken.yaml:"

run backtest --day 3661
expect "--day too large" 2 "" "*"
run backtest --day x
expect_has "--day not a number" 2 stderr "bad --day 'x': expected a whole number from 0 to 3660"

finish
