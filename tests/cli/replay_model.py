#!/usr/bin/env python3
"""replay_model.py SEED CASES: replays against the straightforward path.

Each case is a small random database: accounts with kickoffs around a day,
events of every type (timed in several offsets, and bare dates), features
and milestones seen again, tickets opened, resolved and reopened, NPS
scores of both kinds. It is imported under UTC in full, and then read as
of a random day D in a random zone: `score` and `due` (JSON) from the full
database, where most accounts have events after D (the replay path), must
be byte for byte what a second database holding only the events whose
local date in that zone is on or before D answers (every account's
signals from its summary, folded event by event at import). Most cases
replace the default playbook's health rules with random ones naming any
metric, so that what a replay leaves out for a playbook (the types its
rules, milestones and follow-up do not read) is tested too. With
ONBOARD_TEST_PG (tests/cli/lib.sh) the full database is a PostgreSQL
one, which writes its summaries and tickets in bulk: the two engines
then answer against each other. Prints one "ok - " or "not ok - " line
per case."""
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
from zoneinfo import ZoneInfo

ONBOARD = os.environ.get("ONBOARD", "build/onboard")
WRAP = os.environ.get("WRAP", "").split()
DAY = dt.timedelta(days=1)
# West and east of UTC, half and quarter hours, summer time.
ZONES = ["UTC", "America/Los_Angeles", "Pacific/Pago_Pago", "Asia/Kathmandu",
         "Pacific/Kiritimati", "Europe/Berlin", "Australia/Adelaide"]
OFFSETS = ["Z", "+00:00", "-08:00", "+05:45", "+14:00", "-11:00", "+09:30"]
MILESTONES = ["access", "setup", "stakeholders", "first-value", "go-live"]
COUNTED = ["login", "response", "action_item_done", "action_item_missed",
           "meeting_attended", "meeting_rescheduled", "stakeholder_added",
           "note", "onboarding_call"]

METRICS = ["day", "logins", "logins_7d", "first_login_day",
           "days_since_login", "features", "responses", "unanswered_days",
           "unanswered_business_days", "action_items_done",
           "action_items_missed", "stakeholders", "meetings_attended",
           "meetings_rescheduled", "open_tickets", "oldest_open_ticket_days",
           "nps", "milestones_done", "milestones_overdue", "checkins_done",
           "checkins_overdue", "count.onboarding_call", "count.note",
           "count.login"]


def random_playbook(rng):
    """The default playbook with one dimension of random rules, its
    follow-up daily while tickets are open or not, and milestones done on
    other types; None (the default itself) for a third of the cases."""
    if rng.random() < 1 / 3:
        return None
    with open("playbooks/default.yaml") as f:
        text = f.read()
    head = text[:text.index("\nhealth:\n")]
    if rng.random() < 0.5:
        head = head.replace("daily_while_open_tickets: true",
                            "daily_while_open_tickets: false")
    for done_on in ("login", "stakeholder_added"):
        if rng.random() < 0.5:
            head = head.replace(f"done_on: {done_on}\n",
                                f"done_on: {rng.choice(COUNTED)}\n")

    def rules(status):
        return "".join(
            f"      - {{ when: {rng.choice(METRICS)} "
            f"{rng.choice(['<', '<=', '>', '>=', '==', '!='])} "
            f"{rng.randrange(0, 5)}, reason: {status} {i} }}\n"
            for i in range(rng.randrange(1, 4)))
    return (head + "\nhealth:\n  random:\n    red:\n" + rules("red") +
            "    yellow:\n" + rules("yellow"))


PG = os.environ.get("ONBOARD_TEST_PG", "")
PG_NAMES = []


def new_db(work, name):
    """A fresh database's --db value: a file in work, or a database of
    ONBOARD_TEST_PG's server (dropped by drop_dbs)."""
    if not PG:
        return os.path.join(work, f"{name}.db")
    db = f"r{os.getpid()}_{name}".replace("-", "_")
    subprocess.run(["psql", "-qAtX", PG, "-c", f"CREATE DATABASE {db}"],
                   check=True, capture_output=True)
    PG_NAMES.append(db)
    head, query = PG.split("?", 1)
    return f"{head.rsplit('/', 1)[0]}/{db}?{query}"


def drop_dbs():
    for db in PG_NAMES:
        subprocess.run(["psql", "-qAtX", PG, "-c",
                        f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
                       capture_output=True)


def onboard(db, *args, tz="UTC"):
    env = dict(os.environ, ONBOARD_DB=db, TZ=tz, LC_ALL="C")
    env.pop("ONBOARD_TODAY", None)
    run = subprocess.run(WRAP + [ONBOARD, *args], env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"onboard {' '.join(args)}: exit "
                           f"{run.returncode}: {run.stderr}")
    return run.stdout


def instant(rng, day):
    """A time on or near a day, in one of OFFSETS; sometimes a local
    midnight or the minute before one."""
    off = rng.choice(OFFSETS)
    minute = rng.choice([0, 1439, rng.randrange(1440)])
    t = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return t.strftime("%Y-%m-%dT%H:%M:00") + off


def local_date(at, zone):
    if "T" not in at:
        return dt.date.fromisoformat(at)
    when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return when.astimezone(ZoneInfo(zone)).date()


def events_of(rng, account, kickoff):
    out = []

    def when(span):
        day = kickoff + rng.randrange(-1, span) * DAY
        return day.isoformat() if rng.random() < 0.3 else instant(rng, day)

    for _ in range(rng.randrange(0, 25)):
        kind = rng.random()
        if kind < 0.45:
            out.append((rng.choice(COUNTED), when(20), ""))
        elif kind < 0.6:
            out.append(("feature_used", when(20),
                        rng.choice(["api", "reports", "sso", "export"])))
        elif kind < 0.7:
            out.append(("milestone", when(20), rng.choice(MILESTONES)))
        elif kind < 0.8:
            out.append(("nps", when(20), str(rng.randrange(11))))
        else:
            ref = f"T-{rng.randrange(4)}"
            out.append(("ticket_opened", when(20), ref))
            if rng.random() < 0.7:
                out.append(("ticket_resolved", when(20), ref))
    return [(account, *e) for e in out]


def csv_of(events):
    return "account,type,at,value\n" + "".join(
        f"{a},{t},{at},{v}\n" for a, t, at, v in events)


def one_case(rng, work, n):
    start = dt.date(2026, 9, 1) + rng.randrange(60) * DAY
    accounts, events = [], []
    for i in range(rng.randrange(2, 7)):
        kickoff = start + rng.randrange(-10, 10) * DAY
        tier = rng.choice(["high", "mid", "low"])
        accounts.append(f"a{i},A{i},{tier},{kickoff},csm{i % 2},,\n")
        events += events_of(rng, f"a{i}", kickoff)
    zone = rng.choice(ZONES)
    as_of = start + rng.randrange(-3, 12) * DAY
    playbook = random_playbook(rng)
    full, cut = new_db(work, f"{n}-full"), os.path.join(work, f"{n}-cut.db")
    acc = os.path.join(work, "accounts.csv")
    with open(acc, "w") as f:
        f.write("id,name,tier,kickoff,csm,contact,email\n" + "".join(accounts))
    for db, evs in ((full, events),
                    (cut, [e for e in events
                           if local_date(e[2], zone) <= as_of])):
        onboard(db, "init", "-q")
        if playbook:
            path = os.path.join(work, "playbook.yaml")
            with open(path, "w") as f:
                f.write(playbook)
            onboard(db, "playbook", "load", path, "-q")
        onboard(db, "account", "import", acc, "-q")
        path = os.path.join(work, "events.csv")
        with open(path, "w") as f:
            f.write(csv_of(evs))
        onboard(db, "import", path, "-q")
    problems = []
    for cmd in (["score", "--format", "json"], ["due", "--format", "json"],
                ["due", "--format", "csv"], ["report", "--format", "json"]):
        args = ["--today", as_of.isoformat(), *cmd]
        want, got = onboard(cut, *args, tz=zone), onboard(full, *args, tz=zone)
        if want != got:
            problems.append(f"{' '.join(cmd)} in {zone} as of {as_of}:\n"
                            f"    want {want[:600]}\n    got  {got[:600]}")
    name = f"{len(events)} events, {zone}, {as_of}"
    if playbook and problems:
        problems.append("health:" + playbook.split("\nhealth:", 1)[1])
    if problems:
        problems.append("events:\n    " + csv_of(events).replace("\n", "\n    "))
    return name, problems


def run_cases(what, one_case):
    """Runs argv's CASES cases of one_case(rng, work, n) -> (name,
    problems), seeded from argv's SEED; an "ok" line for each."""
    seed, cases = int(sys.argv[1]), int(sys.argv[2])
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        for n in range(cases):
            name, problems = one_case(random.Random(seed * 1000 + n), work, n)
            if problems:
                failed += 1
                print(f"not ok - {what} case {n} ({name})")
                for p in problems:
                    print(f"  {p}")
            else:
                print(f"ok - {what} case {n} ({name})")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(run_cases("replay", one_case))
    finally:
        drop_dbs()
