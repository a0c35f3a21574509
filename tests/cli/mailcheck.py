"""Reads messages with Python's email package, as mail software would, and
prints what the tests compare, one "name: value" line each:

  mailcheck.py FILE...     for each message: its defects, every header
                           decoded, line lengths, the body decoded
  mailcheck.py --mbox F    the number of messages in an mbox and each one's
                           Message-ID, with the same checks
Exits 1 when a message has a defect or a line over 998 bytes.
"""
import email
import email.policy
import mailbox
import sys

status = 0


def check(raw, name):
    global status
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    nl = b"\n"
    lines = raw.split(nl)
    longest = max(len(l) for l in lines)
    head = raw.split(nl + nl, 1)[0]
    ascii_head = all(b < 128 for b in head)
    crlf = b"\r" in raw
    print(f"message: {name}")
    print(f"defects: {len(msg.defects)}")
    print(f"longest line: {longest}")
    print(f"longest header line: {max(len(l) for l in head.split(nl))}")
    print(f"header bytes ascii: {ascii_head}")
    print(f"crlf: {crlf}")
    for key in msg.keys():
        value = msg[key]
        if value.defects:
            print(f"header defects {key}: {len(value.defects)}")
            status = 1
        print(f"{key}: {value}")
    for key in ("To", "From", "Reply-To"):
        if msg[key] is not None:
            print(f"{key} addresses: " + ", ".join(
                a.addr_spec for a in msg[key].addresses))
            print(f"{key} names: " + ", ".join(
                a.display_name for a in msg[key].addresses))
    body = msg.get_content()
    print("body:")
    sys.stdout.write(body)
    print("end of body")
    if msg.defects or longest > 998:
        status = 1


if sys.argv[1] == "--mbox":
    box = mailbox.mbox(sys.argv[2], create=False)
    keys = list(box.keys())
    print(f"messages: {len(keys)}")
    for k in keys:
        m = box.get_message(k)
        print(f"envelope: {m.get_from()}")
        check(box.get_bytes(k), m["Message-ID"])
else:
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            check(f.read(), path)
sys.exit(status)
