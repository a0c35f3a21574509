#!/usr/bin/env python3
"""schedule_model.py SEED PLAYBOOKS DAYS: a randomised comparison of
`onboard due` against a model of SPEC.md's scheduler written from the
spec, not from the code: random playbooks (calendar or business days,
weekends, holidays, windows, tiers, follow-ups), accounts with random
kickoffs, and done, skip and snooze actions stored in random order; then
`due --format json` as of several days, check-in by check-in. Prints one
"ok - " or "not ok - " line per playbook, with the first differences."""
import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

ONBOARD = os.environ.get("ONBOARD", "build/onboard")
WRAP = os.environ.get("WRAP", "").split()
DAY = dt.timedelta(days=1)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def onboard(db, *args, stdin=None):
    env = dict(os.environ, ONBOARD_DB=db, TZ="UTC")
    env.pop("ONBOARD_TODAY", None)
    run = subprocess.run(WRAP + [ONBOARD, *args], env=env, input=stdin,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"onboard {' '.join(args)}: exit {run.returncode}: {run.stderr}")
    return run.stdout


class Playbook:
    def __init__(self, rng, start):
        self.business = rng.random() < 0.5
        self.weekend = rng.choice([["sat", "sun"], ["fri", "sat"], ["sun"]])
        self.holidays = sorted({start + rng.randrange(120) * DAY
                                for _ in range(rng.randrange(6))})
        self.tiers = {"high": rng.randrange(20, 60), "low": rng.randrange(10, 40)}
        self.checkins = []
        for i in range(rng.randrange(2, 7)):
            a = rng.randrange(0, 20)
            b = a + rng.randrange(0, 6)
            tiers = rng.choice([["high"], ["low"], ["high", "low"]])
            self.checkins.append((f"c{i}", a, b, tiers))
        self.follow_up = None
        if rng.random() < 0.7:
            from_day = rng.randrange(0, 15)
            self.follow_up = {"from_day": from_day,
                              "until_day": rng.choice([None, from_day + rng.randrange(0, 40)]),
                              "every": rng.randrange(1, 8)}

    def yaml(self):
        out = ["name: model",
               f"day_count: {'business' if self.business else 'calendar'}",
               f"weekend: [{', '.join(self.weekend)}]",
               f"holidays: [{', '.join(d.isoformat() for d in self.holidays)}]",
               "tiers:"]
        out += [f"  {t}: {{length_days: {n}}}" for t, n in self.tiers.items()]
        out.append("checkins:")
        for cid, a, b, tiers in self.checkins:
            out.append(f"  - {{id: {cid}, days: {a}-{b}, tiers: [{', '.join(tiers)}], channel: email}}")
        if self.follow_up:
            f = self.follow_up
            out.append("follow_up:")
            out.append(f"  from_day: {f['from_day']}")
            if f["until_day"] is not None:
                out.append(f"  until_day: {f['until_day']}")
            e = f["every"]
            out.append(f"  every_days: {{green: {e}, yellow: {e}, red: {e}}}")
        return "\n".join(out) + "\n"

    # SPEC section 1: day N of a window, counted in business days when
    # the playbook says so; day 0 is the kickoff date.
    def window_day(self, kickoff, n):
        if not self.business:
            return kickoff + n * DAY
        d, counted = kickoff, 0
        while counted < n:
            d += DAY
            if WEEKDAYS[d.weekday()] not in self.weekend and d not in self.holidays:
                counted += 1
        return d


def due_model(pb, tier, kickoff, actions, today):
    """The due and overdue check-ins of one account as of today:
    {checkin: (opens, closes, state, days_overdue)}."""
    seen = [a for a in actions if a[2] <= today]  # (order, checkin, day, kind, until)
    seen.sort(key=lambda a: (a[2], a[0]))
    out = {}
    for cid, a, b, tiers in pb.checkins:
        if tier not in tiers:
            continue
        mine = [x for x in seen if x[1] == cid]
        if any(x[3] in ("done", "skipped") for x in mine):
            continue  # completed once, for good
        snoozes = [x for x in mine if x[3] == "snoozed"]
        snoozed = bool(snoozes) and snoozes[-1][4] > today
        opens, closes = pb.window_day(kickoff, a), pb.window_day(kickoff, b)
        if today < opens or snoozed:
            continue
        if today <= closes:
            out[cid] = (opens, closes, "due", 0)
        else:
            out[cid] = (opens, closes, "overdue", (today - closes).days)
    f = pb.follow_up
    if f:
        # The next follow-up counts from the latest completion (any
        # check-in done, or a follow-up skipped); a snooze holds for the
        # follow-up it was made for, until that one is completed or a
        # later completion brings the next.
        base, snoozed = kickoff, False
        for _, cid, day, kind, until in seen:
            completes = kind == "done" or (cid == "follow-up" and kind == "skipped")
            if completes and (cid == "follow-up" or day > base):
                snoozed = False
            if completes and day > base:
                base = day
            if cid == "follow-up" and kind == "snoozed" and day >= base:
                snoozed = until > today
        until_day = f["until_day"] if f["until_day"] is not None else pb.tiers[tier]
        date = max(base + f["every"] * DAY, kickoff + f["from_day"] * DAY)
        if date <= kickoff + until_day * DAY and today >= date and not snoozed:
            out["follow-up"] = (date, date, "due" if today == date else "overdue",
                                (today - date).days)
    return out


def one_playbook(rng, days_asked, tmp):
    start = dt.date(2026, 1, 1) + rng.randrange(300) * DAY
    pb = Playbook(rng, start)
    db = os.path.join(tmp, "model.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    onboard(db, "init", "-q")
    path = os.path.join(tmp, "model.yaml")
    with open(path, "w") as fh:
        fh.write(pb.yaml())
    onboard(db, "playbook", "load", path, "-q")
    onboard(db, "playbook", "default", "model", "-q")
    accounts, busy = {}, {}
    rows = ["id,name,tier,kickoff"]
    for i in range(40):
        tier = rng.choice(list(pb.tiers))
        kickoff = start + rng.randrange(40) * DAY
        accounts[f"a{i:02d}"] = (tier, kickoff)
        # A few days with many actions: several on one day are what
        # orders them (and what found a fault).
        busy[f"a{i:02d}"] = rng.sample(range(45), 5)
        rows.append(f"a{i:02d},A{i},{tier},{kickoff.isoformat()}")
    onboard(db, "account", "import", "-", "-q", stdin="\n".join(rows) + "\n")
    # Actions, as the commands store them, in an order of their own.
    con = sqlite3.connect(db)
    rowid = dict(con.execute("SELECT ext_id, id FROM account"))
    actions = {a: [] for a in accounts}
    order = 0
    for _ in range(320):
        acct = rng.choice(list(accounts))
        tier, kickoff = accounts[acct]
        ids = [c[0] for c in pb.checkins if tier in c[3]] + ["follow-up"]
        cid = rng.choice(ids)
        kind = rng.choice(["done", "done", "skipped", "snoozed"])
        day = kickoff + rng.choice(busy[acct]) * DAY
        until = day + rng.randrange(1, 10) * DAY if kind == "snoozed" else None
        order += 1
        actions[acct].append((order, cid, day, kind, until))
        con.execute("INSERT INTO checkin_action (id, account, checkin, action, day,"
                    " until_day, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (order, rowid[acct], cid, kind, day.isoformat(),
                     until.isoformat() if until else None, "2026-01-01T00:00:00Z"))
    con.commit()
    con.close()
    problems, listed = [], 0
    for _ in range(days_asked):
        today = start + rng.randrange(90) * DAY
        got = {}
        for row in json.loads(onboard(db, "due", "--today", today.isoformat(),
                                      "--format", "json")):
            got[(row["account"], row["checkin"])] = (
                dt.date.fromisoformat(row["opens"]), dt.date.fromisoformat(row["closes"]),
                row["state"], row["days_overdue"])
        want = {}
        for acct, (tier, kickoff) in accounts.items():
            for cid, v in due_model(pb, tier, kickoff, actions[acct], today).items():
                want[(acct, cid)] = v
        listed += len(want)
        for key in sorted(set(got) | set(want)):
            if got.get(key) != want.get(key):
                problems.append(f"as of {today}: {key[0]} {key[1]}: onboard "
                                f"{got.get(key)}, model {want.get(key)}")
    return pb, problems, listed


def main():
    seed, playbooks, days_asked = (int(x) for x in sys.argv[1:4])
    rng = random.Random(seed)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(playbooks):
            pb, problems, listed = one_playbook(rng, days_asked, tmp)
            name = (f"model, seed {seed}, playbook {i} ("
                    f"{'business' if pb.business else 'calendar'} days, "
                    f"{len(pb.checkins)} check-ins, "
                    f"{'a follow-up' if pb.follow_up else 'no follow-up'}): "
                    f"40 accounts as of {days_asked} days, {listed} listed")
            if problems:
                failed += 1
                print(f"not ok - {name}: {len(problems)} differences")
                for p in problems[:5]:
                    print(f"  {p}")
                print("  playbook:\n    " + pb.yaml().replace("\n", "\n    "))
            else:
                print(f"ok - {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
