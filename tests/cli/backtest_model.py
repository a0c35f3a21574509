#!/usr/bin/env python3
"""backtest_model.py SEED CASES: a backtest agrees with score, account by
account. Each case is a small random database (replay_model.py's events)
whose accounts churn, complete or stay active on random dates, some of
them after today; then `backtest --day N` must count, band by band and
reason by reason, exactly what `score ID --today KICKOFF+N` says of each
account with a known outcome, and its lead times what `score` says day by
day. Prints one "ok - " or "not ok - " line per
case."""
import datetime as dt
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay_model import DAY, csv_of, events_of, onboard, run_cases  # noqa: E402


def one_case(rng, work, n):
    db = os.path.join(work, f"{n}.db")
    today = dt.date(2026, 11, 20)
    day = rng.choice([0, 2, 5, 7, 14])
    onboard(db, "init", "-q")
    accounts, events, outcomes = [], [], {}
    for i in range(rng.randrange(3, 9)):
        kickoff = dt.date(2026, 9, 1) + rng.randrange(60) * DAY
        accounts.append((f"a{i}", kickoff))
        events += events_of(rng, f"a{i}", kickoff)
    path = os.path.join(work, "accounts.csv")
    with open(path, "w") as f:
        f.write("id,name,tier,kickoff\n" + "".join(
            f"{a},{a},{rng.choice(['high', 'mid', 'low'])},{k}\n"
            for a, k in accounts))
    onboard(db, "account", "import", path, "-q")
    path = os.path.join(work, "events.csv")
    with open(path, "w") as f:
        f.write(csv_of(events))
    onboard(db, "import", path, "-q")
    for a, kickoff in accounts:
        status = rng.choice(["active", "churned", "completed", "paused"])
        at = kickoff + rng.randrange(1, 90) * DAY
        if status != "active":
            onboard(db, "account", "set", a, "--status", status, "--at",
                    at.isoformat(), "-q")
        if status in ("churned", "completed") and at <= today:
            outcomes[a] = (status == "churned", kickoff, at)
    env_today = ["--today", today.isoformat()]
    got = json.loads(onboard(db, *env_today, "backtest", "--day", str(day),
                             "--format", "json"))
    bands, reasons = {}, {}
    for a, (churned, kickoff, _) in outcomes.items():
        score = json.loads(onboard(db, "score", a, "--today",
                                   (kickoff + day * DAY).isoformat(),
                                   "--format", "json"))[0]
        b = bands.setdefault(score["status"], [0, 0])
        b[0] += 1
        b[1] += churned
        for r in set(score["reasons"]):
            x = reasons.setdefault(r, [0, 0])
            x[0 if churned else 1] += 1
    want_bands = {s: bands.get(s, [0, 0]) for s in ("red", "yellow", "green")}
    got_bands = {b["status"]: [b["accounts"], b["churned"]] for b in got["bands"]}
    got_reasons = {r["reason"]: [r["churned"], r["retained"]] for r in got["reasons"]}
    churned = sum(c for c, _, _ in outcomes.values())
    problems = []
    if got_bands != want_bands:
        problems.append(f"bands {got_bands}, score says {want_bands}")
    if got_reasons != reasons:
        problems.append(f"reasons {got_reasons}, score says {reasons}")
    if got["accounts"] != {"churned": churned,
                           "retained": len(outcomes) - churned,
                           "censored": len(accounts) - len(outcomes)}:
        problems.append(f"accounts {got['accounts']}")
    # The lead times: each churned account's first red day from kickoff
    # through its churn date, by score.
    leads = []
    for a, (c, kickoff, at) in outcomes.items():
        d = kickoff
        while c and d <= at:
            s = json.loads(onboard(db, "score", a, "--today", d.isoformat(),
                                   "--format", "json"))[0]["status"]
            if s == "red":
                leads.append((at - d).days)
                break
            d += DAY
    want = None
    if leads:
        leads.sort()
        want = {k: percentile(leads, p)
                for k, p in (("median", 50), ("p25", 25), ("p75", 75))}
    got_leads = got["lead_time_days"]
    if (want is None) != (got_leads is None) or (
            want and any(abs(want[k] - got_leads[k]) > 1e-9 for k in want)):
        problems.append(f"lead times {got_leads}, score says {want} ({leads})")
    return f"{len(accounts)} accounts, day {day}", problems


def percentile(sorted_values, p):
    """Linear between the closest ranks, as the guide says."""
    rank = p / 100 * (len(sorted_values) - 1)
    lo = int(rank)
    if lo + 1 >= len(sorted_values):
        return float(sorted_values[lo])
    return sorted_values[lo] + (rank - lo) * (sorted_values[lo + 1] - sorted_values[lo])


if __name__ == "__main__":
    sys.exit(run_cases("backtest", one_case))
