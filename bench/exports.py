#!/usr/bin/env python3
"""make bench: the bench's CSV events as JSON Lines and as the exports of
Segment (gzip), Mixpanel and Amplitude (a zip of gzip members), each line
shaped as the vendor documents it, the same events in every file. Three
users per account; the JSON Lines come twice, without ids and with
the ids the exports give (Mixpanel's $insert_id). Segment names the account as context.groupId,
Mixpanel as properties.company_id, Amplitude in groups.company. Also
writes the maps that read them (each type's name mapped to itself)."""
import calendar, csv, gzip, json, sys, zipfile

src = sys.argv[1]
TYPES = ["action_item_done", "action_item_missed", "demo_booked", "feature_used",
         "login", "meeting_attended", "meeting_rescheduled", "milestone", "nps",
         "response", "stakeholder_added", "ticket_opened", "ticket_resolved"]
for name, source, account, prefix in (
        ("segment", "segment", "context.groupId", "properties"),
        ("mixpanel", "mixpanel", "properties.company_id", "properties"),
        ("amplitude", "amplitude", "groups.company", "event_properties")):
    with open(f"map-{name}.yaml", "w") as m:
        m.write(f"source: {source}\naccount: {account}\nevents:\n")
        for t in TYPES:
            m.write(f"  {t}: {{ type: {t}, value: {prefix}.value }}\n")

def epoch(at):
    if len(at) == 10:
        at += "T00:00:00Z"
    return calendar.timegm((int(at[0:4]), int(at[5:7]), int(at[8:10]),
                            int(at[11:13]), int(at[14:16]), int(at[17:19])))

jsonl = open("events-1m.jsonl", "w")
jsonl_ids = open("events-1m-ids.jsonl", "w")
seg = gzip.open("segment-1m.json.gz", "wt", compresslevel=6)
mix = open("mixpanel-1m.jsonl", "w")
zf = zipfile.ZipFile("amplitude-1m.zip", "w", zipfile.ZIP_STORED)
amp, members = [], 0
def flush_amp():
    global amp, members
    zf.writestr(f"187520/187520_2026-11-01_{members}#0.json.gz",
                gzip.compress(("".join(amp)).encode(), 6))
    amp, members = [], members + 1

with open(src, newline="") as f:
    for i, row in enumerate(csv.DictReader(f)):
        acct, typ, at, value = row["account"], row["type"], row["at"], row["value"]
        user = f"u{i % 3}-{acct}"
        native = {"account": acct, "type": typ, "at": at}
        if value:
            native["value"] = value
        jsonl.write(json.dumps(native, separators=(",", ":")) + "\n")
        native["id"] = f"ins{i:012d}"
        jsonl_ids.write(json.dumps(native, separators=(",", ":")) + "\n")
        props = {"value": value} if value else {}
        ts = at if len(at) > 10 else at + "T00:00:00Z"
        seg.write(json.dumps({
            "anonymousId": f"anon-{i % 7919}", "context": {
                "groupId": acct, "library": {"name": "analytics-node",
                                             "version": "6.2.0"}},
            "event": typ, "messageId": f"node-{i:08d}", "properties": props,
            "receivedAt": ts, "timestamp": ts, "type": "track",
            "userId": user}, separators=(",", ":")) + "\n")
        mprops = {"time": epoch(at), "distinct_id": user,
                  "$insert_id": f"ins{i:012d}", "mp_lib": "node",
                  "company_id": acct}
        if value:
            mprops["value"] = value
        mix.write(json.dumps({"event": typ, "properties": mprops},
                             separators=(",", ":")) + "\n")
        amp.append(json.dumps({
            "$insert_id": f"ins{i:012d}", "uuid": None, "event_type": typ,
            "event_time": ts[:10] + " " + ts[11:19] + ".000000",
            "user_id": user, "device_id": None, "groups": {"company": [acct]},
            "event_properties": props, "user_properties": {}, "city": None,
            "country": "EMPTY", "revenue": None}, separators=(",", ":")) + "\n")
        if len(amp) == 42000:
            flush_amp()
if amp:
    flush_amp()
zf.close()
for f in (jsonl, jsonl_ids, seg, mix):
    f.close()
