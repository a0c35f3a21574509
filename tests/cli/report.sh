# onboard report: md, csv, json and html; deterministic for past weeks;
# the html drawn by a real browser (chromium) must not be blank.
. tests/cli/lib.sh

run init -q
"$ONBOARD" account add a1 --name "Alpha | One" --tier mid --kickoff 2026-11-02 --csm dana -q
"$ONBOARD" account add a2 --name "Beta <Two> & Co" --tier high --kickoff 2026-11-02 --csm dana -q
"$ONBOARD" account add a3 --name Gamma --tier low --kickoff 2026-11-11 --csm lee -q
"$ONBOARD" account add a4 --name Delta --tier mid --kickoff 2026-10-01 -q
cat >"$T/e.csv" <<'CSV'
account,type,at,value
a1,login,2026-11-03T09:00:00Z,
a1,login,2026-11-04T09:00:00Z,
a1,login,2026-11-05T09:00:00Z,
a1,feature_used,2026-11-04,reports
a1,feature_used,2026-11-05,alerts
a1,milestone,2026-11-06,setup
a1,stakeholder_added,2026-11-06,CFO
a1,login,2026-11-10T09:00:00Z,
a1,milestone,2026-11-12,first-value
a1,login,2026-11-14T09:00:00Z,
a2,login,2026-11-05T09:00:00Z,
a2,action_item_missed,2026-11-10,
a2,action_item_missed,2026-11-12,
a3,login,2026-11-12T09:00:00Z,
a4,login,2026-10-02T09:00:00Z,
a4,milestone,2026-10-03,setup
a4,milestone,2026-10-10,first-value
CSV
run import "$T/e.csv" -q
"$ONBOARD" done a1 first-check --at 2026-11-03 -q
"$ONBOARD" done a1 end-of-week --at 2026-11-09 -q
"$ONBOARD" log a1 response --at 2026-11-09T12:00:00Z -q
"$ONBOARD" done a2 end-of-week --at 2026-11-10 -q

run report --week 2026-W46 --today 2026-11-20 --format json
expect "json" 0 "*" ""
j() { printf '%s' "$out" | jq -c "$1"; }
assert "json: every SPEC field" test "$(j 'keys_unsorted')" = \
	'["week","from","to","accounts","health","checkins","milestones","kpis","by_csm","red","movements","escalations"]'
assert "the week" test "$(j '[.week, .from, .to]')" = '["2026-W46","2026-11-09","2026-11-15"]'
assert "accounts: a4's onboarding ended on 10-31, a3 began" test \
	"$(j '.accounts')" = '{"active":3,"new":1,"completed":0}'
# Reviewed: a1 waited for an answer over the weekend (yellow on 11-08),
# answered on 11-09 (green); a2 went quiet and missed two items (red);
# a3 began this week with light use (yellow); a4's onboarding ended in
# October (not active; with two milestones never done).
assert "health now and at the end of last week" test \
	"$(j '.health')" = '{"green":1,"yellow":1,"red":1,"previous":{"green":0,"yellow":2,"red":0}}'
assert "check-ins that closed in the week" test \
	"$(j '.checkins')" = '{"scheduled":3,"done_on_time":1,"done_late":1,"overdue":1,"on_time_rate":0.3333}'
assert "milestones" test "$(j '.milestones')" = '{"achieved":2,"overdue":2}'
assert "KPIs" test "$(j '.kpis')" = \
	'{"median_first_login_day":1,"median_days_to_first_value":9.5,"completion_rate":0}'
assert "by CSM, none last" test "$(j '[.by_csm[] | [.csm, .accounts, .green, .yellow, .red, .overdue, .on_time_rate]]')" = \
	'[["dana",2,1,0,1,3,0.5],["lee",1,0,1,0,1,0]]'
assert "red accounts with reasons" test "$(j '[.red[] | [.account, .reasons]]')" = \
	'[["a2",["No login for a week","Missed two or more action items","Two or more milestones overdue"]]]'
assert "red and escalated accounts, whole" test "$(j '[.red, .escalations]')" = \
	'[[{"account":"a2","name":"Beta <Two> & Co","csm":"dana","reasons":["No login for a week","Missed two or more action items","Two or more milestones overdue"]}],[{"account":"a2","name":"Beta <Two> & Co","csm":"dana","reasons":["Repeatedly missed action items"]}]]'
assert "movements" test "$(j '.movements')" = \
	'[{"account":"a1","from":"yellow","to":"green"},{"account":"a2","from":"yellow","to":"red"}]'

run report --week 2026-W46 --today 2026-11-20
expect_has "markdown" 0 stdout "# Onboarding report 2026-W46

2026-11-09 to 2026-11-15, as of 2026-11-15."
expect_has "markdown escapes a | in a cell" 0 stdout "- **a2** (Beta <Two> & Co, dana)"
expect_has "markdown: red accounts and escalations" 0 stdout "## Red accounts

- **a2** (Beta <Two> & Co, dana): No login for a week; Missed two or more action items; Two or more milestones overdue

## Open escalations

- **a2**: Repeatedly missed action items"
run report --week 2026-W46 --today 2026-11-20 --csm lee --format json
assert "--csm" test "$(j '[.accounts.active, (.by_csm | length)]')" = "[1,1]"

run report --week 2026-W46 --today 2026-11-20 --format csv
assert "csv: one row per account" test "$(printf '%s\n' "$out" | wc -l)" = 5
assert "csv: header" test "$(printf '%s\n' "$out" | head -1)" = \
	"week,account,name,csm,tier,kickoff,day,in_progress,new,completed,status,previous_status,checkins_scheduled,checkins_done_on_time,checkins_done_late,checkins_overdue,milestones_achieved,milestones_overdue,first_login_day,days_to_first_value,reasons,escalate"
assert "csv: a row" test "$(printf '%s\n' "$out" | grep '^2026-W46,a1,')" = \
	"2026-W46,a1,Alpha | One,dana,mid,2026-11-02,13,true,false,false,green,yellow,1,1,0,0,1,0,1,10,,false"

# A past week answers the same whenever it is asked, and whatever came after.
for f in md csv json html; do
	"$ONBOARD" report --week 2026-W46 --today 2026-11-16 --format $f >"$T/w46a.$f"
done
"$ONBOARD" log a3 nps --value 2 --at 2026-11-18 -q
"$ONBOARD" log a1 ticket_opened --value T-1 --at 2026-11-17 -q
"$ONBOARD" done a2 day-14 --at 2026-11-17 -q
for f in md csv json html; do
	"$ONBOARD" report --week 2026-W46 --today 2026-12-24 --format $f >"$T/w46b.$f"
	assert "a past week, $f, written" test -s "$T/w46a.$f"
	assert "a past week, $f, the same later" cmp -s "$T/w46a.$f" "$T/w46b.$f"
done

run report --week 2026-W46 --today 2026-11-20 --format html -o "$T/report.html"
expect "html to a file" 0 "" ""
assert "html is self-contained" test -z \
	"$(grep -Eo '(src|href)=|@import|url\(' "$T/report.html")"
assert "html escapes names" grep -q 'Beta &lt;Two&gt; &amp; Co' "$T/report.html"
tr -d '\n' <"$T/report.html" >"$T/report.line"
assert "html: red accounts and escalations" grep -qF \
	'<h2>Red accounts</h2><ul><li><strong>a2</strong> (Beta &lt;Two&gt; &amp; Co, dana): No login for a week; Missed two or more action items; Two or more milestones overdue</li></ul><h2>Open escalations</h2><ul><li><strong>a2</strong>: Repeatedly missed action items</li></ul>' "$T/report.line"
assert "html has two charts" test "$(grep -o '<svg' "$T/report.html" | wc -l)" = 2
in_browser "$T/report.html" 1000,1400

run report --week 2026-W99
expect "a bad week" 65 "" "onboard: bad --week '2026-W99': expected an ISO week like 2026-W47"
run report --week 2027-W10 --today 2026-11-20
expect "a week that has not begun" 65 "" "onboard: that week starts on 2027-03-08, after today"
run report --format pdf
expect_has "an unknown format" 2 stderr "unknown format 'pdf' (expected md, csv, json or html)"
run report --today 2026-11-18 --format json
assert "default: the week with today" test "$(j '[.week, .from]')" = '["2026-W47","2026-11-16"]'
# -o writes through a temporary file renamed into place: a failure
# leaves neither.
mkdir "$T/taken.md"
run report --week 2026-W46 --today 2026-11-20 -o "$T/taken.md"
expect "-o onto a directory" 1 "" "onboard: cannot write '$T/taken.md': Is a directory"
assert "no temporary file left" test "$(ls "$T" | grep -c 'taken.md.tmp')" = 0
run report --week 2026-W46 --today 2026-11-20 -o "$T/report.md"
expect "-o a file" 0 "" ""
assert "-o writes what stdout would" test "$(head -1 "$T/report.md")" = "# Onboarding report 2026-W46"
finish
