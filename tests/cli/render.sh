# onboard render: a check-in's template, filled for an account.
. tests/cli/lib.sh

run init -q
run account add nw --name "Northwind Traders" --tier mid --kickoff 2026-11-02 \
	--csm "Dana Reyes" --contact Nora -q
run account add bare --name "Bare Co" --tier low --kickoff 2026-11-02 -q
run log nw login --at 2026-11-03T09:00:00Z -q

run render nw mid-week --today 2026-11-05
expect "a template, filled" 0 "Subject: Northwind Traders: how is the setup going?

Hi Nora,

You are on day 3 of onboarding. Where things stand on our
side: logins so far 1, features tried
0.

I would like to hear where the setup stands: the configuration,
the data you are bringing over, and the integrations. If something
is slower than we planned, we can adjust the plan together now
rather than at the end of the month.

Could we take 15 minutes this week? Pick any slot that suits you,
or reply with two times that work.

Dana Reyes" ""

run render nw end-of-week --today 2026-11-08
expect_has "status, reasons, progress" 0 stdout "Call notes for Northwind Traders (day 6, yellow)

Onboarding progress: 20% of milestones done.
Signals: Light usage: few logins, few features tried"

run render nw follow-up --today 2026-11-12
expect_has "the follow-up's template" 0 stdout "Day 10 of onboarding, 20% of the milestones done."

run render bare first-check --today 2026-11-03
expect_has "fallbacks: no contact" 0 stdout "Hi there,"
expect_has "fallbacks: no CSM" 0 stdout "The onboarding team"

cat >"$T/plain.yaml" <<'YAML'
name: plain
tiers: { one: {} }
checkins:
  - { id: call, days: 1-3, template: "NPS {{metric.nps}}, {{metric.count.demo}} demos, {{checkin.opens}}..{{checkin.closes}} by {{checkin.channel}}" }
  - { id: quiet, days: 2 }
YAML
run playbook load "$T/plain.yaml" -q
run account add p1 --name P --tier one --kickoff 2026-11-02 --playbook plain -q
run render p1 call --today 2026-11-02
expect "metrics without a value, custom counts, dates" 0 \
	"NPS n/a, 0 demos, 2026-11-03..2026-11-05 by email" ""
run render p1 quiet
expect "a check-in without a template" 65 "" \
	"onboard: check-in 'quiet' of playbook 'plain' has no template"
run render p1 nope
expect "an unknown check-in" 65 "" \
	"onboard: unknown check-in 'nope' for 'p1' (one tier of playbook 'plain')"
run render nobody call
expect "an unknown account" 65 "" "onboard: unknown account 'nobody'"
run render p1
expect_has "missing argument" 2 stderr "expected an account id and a check-in id"
finish
