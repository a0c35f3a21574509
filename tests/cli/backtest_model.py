#!/usr/bin/env python3
"""backtest_model.py SEED CASES: a backtest agrees with score, account by
account. Each case is a small random database (replay_model.py's events)
whose accounts churn, complete or stay active on random dates, some of
them after today; then `backtest --day N` must count, band by band and
reason by reason, exactly what `score ID --today KICKOFF+N` says of each
account with a known outcome. Prints one "ok - " or "not ok - " line per
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
            outcomes[a] = (status == "churned", kickoff)
    env_today = ["--today", today.isoformat()]
    got = json.loads(onboard(db, *env_today, "backtest", "--day", str(day),
                             "--format", "json"))
    bands, reasons = {}, {}
    for a, (churned, kickoff) in outcomes.items():
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
    churned = sum(c for c, _ in outcomes.values())
    problems = []
    if got_bands != want_bands:
        problems.append(f"bands {got_bands}, score says {want_bands}")
    if got_reasons != reasons:
        problems.append(f"reasons {got_reasons}, score says {reasons}")
    if got["accounts"] != {"churned": churned,
                           "retained": len(outcomes) - churned,
                           "censored": len(accounts) - len(outcomes)}:
        problems.append(f"accounts {got['accounts']}")
    return f"{len(accounts)} accounts, day {day}", problems


if __name__ == "__main__":
    sys.exit(run_cases("backtest", one_case))
