# onboard send, the outbox and the CSM directory (SPEC section 7): what
# goes out, as real mail software reads it (Python's email package), and
# what happens when delivery fails, stops or runs twice.
. tests/cli/lib.sh

export ONBOARD_SENDMAIL="$ROOT/tests/cli/fake-sendmail" FAKE_DIR="$T/mail"
unset FAKE_EXIT FAKE_STDERR FAKE_KILL_AT FAKE_SLEEP
out="" err=""
mailcheck() { /usr/bin/python3 "$ROOT/tests/cli/mailcheck.py" "$@"; }
sql() { dbq "$@"; }
delivered() { cat "$FAKE_DIR/count" 2>/dev/null || echo 0; }

cat >"$T/mailer.yaml" <<'EOF'
name: mailer
tiers:
  low: { title: Low-touch, length_days: 30 }
  high: { title: High-touch }
delivery:
  from: "Équipe Onboarding <team@vendor.example>"
checkins:
  - id: welcome
    title: Welcome aboard
    days: 1-2
    channel: email
    automated: [low]
    template: |
      Subject: Bienvenue, {{account.name}} : votre première semaine

      Hi {{account.contact}},

      Day {{day}} of your onboarding.
      From here on, reply to this e-mail with anything.
      .
      {{account.csm}}
  - id: plain
    title: Plain title as subject
    days: 3-4
    tiers: [low]
    automated: [low]
    template: |
      A body without a subject line.
  - id: in-app-tip
    days: 1-2
    tiers: [low]
    channel: in-app
    automated: [low]
  - id: kickoff-call
    days: 1-5
    channel: call
health:
  engagement:
    red:
      - { when: logins == 0, from_day: 3, reason: No login since kickoff }
      - { when: days_since_login >= 3, reason: No login for three days }
escalate:
  - { when: logins == 0, from_day: 5, reason: "No login in the first days" }
EOF

run init
run playbook load "$T/mailer.yaml"
expect "a playbook with a delivery section loads" 0 "" "*"
run playbook default mailer
run account add acme --name "Acme Corp" --tier low --kickoff 2026-11-02 \
	--csm dana --contact "Jo Park" --email jo@acme.example
expect "an account to mail" 0 "" "*"

# --- the CSM directory ------------------------------------------------------

run csm set dana --email dana@vendor.example --full-name "Dana Ørsted"
expect "csm set" 0 "" "onboard: CSM 'dana': Dana Ørsted, dana@vendor.example"
run csm set lee --email "not an address"
expect "csm set: a bad e-mail is invalid data" 65 "" \
	"onboard: bad email 'not an address': expected an address like name@example.com"
run csm set "" --email a@b.example
expect "csm set: an empty name" 65 "" \
	"onboard: bad CSM name '': expected some text"
run csm set
expect_has "csm set: no name" 2 stderr "expected one CSM name"
run csm set sam
run csm list --format csv
expect "csm list: the directory and the accounts' CSMs" 0 \
"csm,full_name,email,accounts
dana,Dana Ørsted,dana@vendor.example,1
sam,,,0" ""
run csm set sam --full-name "Sam Lee" --email sam@vendor.example
run csm set sam --email ""
run csm list --format json
assert "csm set: an empty value clears, others stay" test \
	"$(printf '%s' "$out" | jq -c '.[1]')" = \
	'{"csm":"sam","full_name":"Sam Lee","email":null,"accounts":0}'
run csm list
expect "csm list: a table" 0 \
"CSM   NAME         E-MAIL               ACCOUNTS
dana  Dana Ørsted  dana@vendor.example         1
sam   Sam Lee                                  0" ""

# --- delivery: in the playbook ---------------------------------------------

printf 'name: x\ntiers: {low: {}}\ncheckins: []\ndelivery:\n  from: team at vendor\n  reply_to: [csm]\n  cc: a@b.example\n' >"$T/bad.yaml"
run playbook check "$T/bad.yaml"
expect "playbook check: delivery errors with their positions" 65 "" \
"$T/bad.yaml:5:9: error: delivery.from: bad address 'team at vendor': expected an address like name@example.com or Name <name@example.com>
$T/bad.yaml:6:13: error: delivery.reply_to: expected an address, found a list
$T/bad.yaml:7:3: error: delivery: unknown key 'cc' (expected from, reply_to)"

# --- opt-out ----------------------------------------------------------------

run account set acme --opt-out maybe
expect "opt-out: yes or no" 65 "" "onboard: bad opt-out 'maybe': expected yes or no"
run account set acme --opt-out yes
run account show acme --today 2026-11-03
expect_has "account show says so" 0 stdout "e-mail    opted out: no automated e-mail"
run account list --format csv
expect_has "account list has opt_out" 0 stdout "low,2026-11-02,dana,Jo Park,jo@acme.example,mailer,active,"
assert "account list: opt_out true" test "$(printf '%s' "$out" | tail -1 | cut -d, -f12)" = true
run send --today 2026-11-03 --no-alerts
expect "an opted-out account is not mailed" 0 "" \
	"onboard: 0 sent, 0 deferred, 0 failed, 0 unconfirmed, 1 not sent (no e-mail or opted out), 0 alerts"
run account set acme --opt-out no
run account show acme --format json
assert "opt_out false again" test "$(printf '%s' "$out" | jq '.[0].opt_out')" = false

# --- a playbook without delivery.from ---------------------------------------

sed '/^delivery:/,/^  from:/d' "$T/mailer.yaml" >"$T/nofrom.yaml"
cp "$T/onboard.db" "$T/keep.db"
run playbook load "$T/nofrom.yaml"
run send --today 2026-11-03
expect "send: no delivery.from is exit 65 naming the playbook" 65 "" \
	"onboard: playbook 'mailer' has no delivery.from: add a 'delivery:' section with the address its e-mail comes from ('acme' is due check-in 'welcome' by e-mail)"
assert "and nothing is queued or sent" test "$(sql 'SELECT count(*) FROM outbox')/$(delivered)" = 0/0
run send --today 2026-11-03 --dry-run
expect_has "a dry run too" 65 stderr "has no delivery.from"
run playbook load "$T/mailer.yaml"

# --- a dry run --------------------------------------------------------------

run send --today 2026-11-03 --dry-run
expect_has "dry run: a summary" 0 stderr \
	"onboard: dry run: 1 check-ins and 0 alerts would be queued, 0 not sent (no e-mail or opted out); nothing written"
printf '%s\n' "$out" >"$T/dry.mbox"
mailcheck --mbox "$T/dry.mbox" >"$T/dry.txt"
assert "dry run: an mbox a parser reads" test $? = 0
assert "dry run: one message" grep -qx "messages: 1" "$T/dry.txt"
assert "dry run: the From_ line names the envelope sender" \
	grep -q "^envelope: team@vendor.example " "$T/dry.txt"
assert "dry run: no line but the From_ lines starts with 'From '" \
	test "$(grep -c '^From ' "$T/dry.mbox")" = 1
assert "dry run: nothing written" test "$(sql 'SELECT count(*) FROM outbox')/$(delivered)" = 0/0

# --- a send -----------------------------------------------------------------

run send --today 2026-11-03
expect "send: one message" 0 "" \
	"onboard: 1 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
assert "sendmail got -oi -t -f FROM, no shell" test \
	"$(cat "$FAKE_DIR/1.args" | tr '\n' ' ')" = "-oi -t -f team@vendor.example "
mailcheck "$FAKE_DIR/1.msg" >"$T/1.txt"
assert "the message parses without defects" test $? = 0
has() { grep -qxF "$1" "$T/1.txt"; }
assert "From, its name decoded" has "From: Équipe Onboarding <team@vendor.example>"
assert "To: contact <email>" has "To: Jo Park <jo@acme.example>"
assert "Reply-To: the CSM from the directory" has "Reply-To: Dana Ørsted <dana@vendor.example>"
assert "the subject decoded from RFC 2047" has \
	"Subject: Bienvenue, Acme Corp : votre première semaine"
assert "MIME-Version" has "MIME-Version: 1.0"
assert "Content-Type, as SPEC writes it" \
	grep -qx "Content-Type: text/plain; charset=UTF-8" "$FAKE_DIR/1.msg"
assert "a transfer encoding" grep -q "^Content-Transfer-Encoding: " "$T/1.txt"
assert "the Message-ID: account, check-in, window" has \
	"Message-ID: <onboard.acme.welcome.20261103@vendor.example>"
assert "X-Onboard-Account" has "X-Onboard-Account: acme"
assert "X-Onboard-Checkin" has "X-Onboard-Checkin: welcome"
assert "one Date" test "$(grep -c '^Date: ' "$T/1.txt")" = 1
assert "headers are ASCII" has "header bytes ascii: True"
assert "LF line ends" has "crlf: False"
assert "header lines within 78" test "$(sed -n 's/^longest header line: //p' "$T/1.txt")" -le 78
assert "the body without the subject line" test \
	"$(sed -n '/^body:$/,/^end of body$/p' "$T/1.txt")" = "body:
Hi Jo Park,

Day 1 of your onboarding.
From here on, reply to this e-mail with anything.
.
Dana Ørsted
end of body"
run outbox --format json
assert "outbox: sent, one attempt" test \
	"$(printf '%s' "$out" | jq -c '.[0] | [.id, .kind, .account, .csm, .checkin, .opens, .recipient, .state, .attempts, .error]')" = \
	'[1,"checkin","acme","dana","welcome","2026-11-03","jo@acme.example","sent",1,null]'
assert "outbox: every field of SPEC" test \
	"$(printf '%s' "$out" | jq -c '.[0] | keys_unsorted')" = \
	'["id","kind","account","csm","checkin","opens","recipient","subject","state","attempts","message_id","queued_at","sent_at","error"]'
run due --today 2026-11-03 --format csv
assert "the check-in is done: due no longer lists it" test \
	"$(printf '%s\n' "$out" | grep -c ',welcome,')" = 0
run account show acme --today 2026-11-03
expect_has "done on the day, by e-mail" 0 stdout "welcome       1-2   2026-11-03  2026-11-04  done 2026-11-03"
assert "the note names the Message-ID" test \
	"$(sql "SELECT channel, note FROM checkin_action WHERE checkin = 'welcome'")" = \
	"email|sent by onboard send as <onboard.acme.welcome.20261103@vendor.example>"
run send --today 2026-11-03
expect "a second send sends nothing" 0 "" \
	"onboard: 0 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
run send --today 2026-11-04
assert "nor the next day" test "$(delivered)" = 1

# A check-in without a Subject: line takes its title; in-app ones are not
# mailed.
run send --today 2026-11-05 --no-alerts
mailcheck "$FAKE_DIR/2.msg" >"$T/2.txt"
assert "no Subject: line: the title" grep -qx "Subject: Plain title as subject" "$T/2.txt"
assert "an in-app check-in is not mailed" test "$(sql "SELECT count(*) FROM outbox WHERE checkin = 'in-app-tip'")" = 0

# --- each scenario below on a database of its own ----------------------------

# fresh NAME N: a new database with N low-touch accounts a1..aN of CSM
# dana (in the directory), kickoff 2026-11-02, and a fresh fake sendmail.
fresh() {
	ONBOARD_DB=$(new_db "$1")
	export ONBOARD_DB FAKE_DIR="$T/$1.mail"
	"$ONBOARD" init -q
	"$ONBOARD" playbook load "$T/mailer.yaml" -q
	"$ONBOARD" playbook default mailer -q
	"$ONBOARD" csm set dana --email dana@vendor.example -q
	i=1
	while [ "$i" -le "$2" ]; do
		printf 'a%d,Account %d,low,2026-11-02,dana,Contact %d,c%d@customer.example\n' \
			"$i" "$i" "$i" "$i"
		i=$((i + 1))
	done | { echo id,name,tier,kickoff,csm,contact,email; cat; } >"$T/$1.csv"
	"$ONBOARD" account import "$T/$1.csv" -q
}
sql() { dbq "$@"; }
states() { dbq_join ' ' "SELECT state || ':' || attempts FROM outbox ORDER BY id"; }

# Bad input with a precise answer, and nothing written.
fresh badinput 2
run send --maildir ""
expect_has "send --maildir with no directory: usage" 2 stderr "onboard: --maildir needs a directory"
run outbox retry
expect_has "outbox retry without ids: usage" 2 stderr "expected message ids"
run csm list extra
expect_has "csm list takes no argument" 2 stderr "unexpected argument 'extra'"
run csm set dana --full-name "$(printf 'Dana\033]0;x\007')"
expect_has "a full name with control characters" 65 stderr "bad full name"
printf 'id,opt_out\na1,yes\n' >"$T/optout.csv"
run account import "$T/optout.csv"
run account list --format csv
assert "account import: an opt_out column" test \
	"$(printf '%s\n' "$out" | grep '^a1,' | cut -d, -f12)" = true
printf 'id,opt_out\na1,no\na2,maybe\n' >"$T/optout-bad.csv"
run account import "$T/optout-bad.csv"
expect_has "account import: a bad opt_out is its line's error" 65 stderr \
	"$T/optout-bad.csv:3: error: bad opt-out 'maybe': expected yes or no"
run account list --format csv
assert "and nothing is written" test \
	"$(printf '%s\n' "$out" | grep '^a1,' | cut -d, -f12)" = true

# An automated e-mail check-in without a template: named once, not sent.
cat >"$T/notemplate.yaml" <<'EOF'
name: notemplate
tiers: {low: {}}
delivery: {from: team@vendor.example}
checkins:
  - { id: bare, days: 1-2, automated: [low], channel: email }
EOF
fresh notemplate 2
"$ONBOARD" playbook load "$T/notemplate.yaml" -q
for a in a1 a2; do "$ONBOARD" account set "$a" --playbook notemplate -q; done
run send --today 2026-11-03
expect "no template: named once, counted as not sent" 0 "" \
"onboard: not sent: check-in 'bare' of playbook 'notemplate' is automated by e-mail but has no template
onboard: 0 sent, 0 deferred, 0 failed, 0 unconfirmed, 2 not sent (no e-mail or opted out), 0 alerts"

# Temporary failures: deferred and tried again by the next send, up to
# five attempts in all.
fresh temp 1
FAKE_EXIT=75 FAKE_STDERR="451 4.3.0 mail server busy" run send --today 2026-11-03
expect "exit 75 (temporary): deferred, exit 75" 75 "" \
"onboard: message 1 (check-in 'welcome' of 'a1' to c1@customer.example) deferred, attempt 1 of 5: 451 4.3.0 mail server busy
onboard: 0 sent, 1 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
FAKE_EXIT=71 run send --today 2026-11-03
expect_has "exit 71 is temporary too; with no stderr, the status says why" 75 stderr \
	"deferred, attempt 2 of 5: '$ONBOARD_SENDMAIL' exited with status 71"
FAKE_EXIT=75 run send --today 2026-11-03
FAKE_EXIT=75 run send --today 2026-11-04
assert "four attempts so far" test "$(states)" = "deferred:4"
run due --today 2026-11-04 --format csv
expect_has "a deferred check-in stays due meanwhile" 0 stdout "a1,Account 1,low,dana,welcome,"
FAKE_EXIT=75 FAKE_STDERR="451 still busy" run send --today 2026-11-04
expect "the fifth temporary failure: failed, exit 1" 1 "" \
"onboard: message 1 (check-in 'welcome' of 'a1' to c1@customer.example) failed after 5 attempts: 451 still busy
onboard: 0 sent, 0 deferred, 1 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
assert "five deliveries tried" test "$(delivered)/$(states)" = "5/failed:5"
run send --today 2026-11-04
expect "a failed message is not tried again" 0 "" "*"
run due --today 2026-11-04 --format csv
expect_has "and its check-in stays in due, for a person" 0 stdout "a1,Account 1,low,dana,welcome,"
run outbox --state failed --format csv
expect_has "outbox --state failed, with the error" 0 stdout ",failed,5,<onboard.a1.welcome.20261103@vendor.example>,"
expect_has "the error kept" 0 stdout ",451 still busy"
run outbox retry 1
expect "outbox retry: queued again, attempts kept" 0 "" \
	"onboard: 1 message queued again for the next 'onboard send'"
assert "queued:5" test "$(states)" = "queued:5"
run send --today 2026-11-04
expect_has "a retried message goes" 0 stderr "onboard: 1 sent,"
assert "sent:6" test "$(states)" = "sent:6"

# Permanent failures: failed at once, with the program's first stderr line.
fresh perm 2
FAKE_EXIT=67 FAKE_STDERR="$(printf 'c1@customer.example... User unknown\nsecond line')" run send --today 2026-11-03
expect "another exit status: failed, exit 1" 1 "" \
"onboard: message 1 (check-in 'welcome' of 'a1' to c1@customer.example) failed: c1@customer.example... User unknown
onboard: message 2 (check-in 'welcome' of 'a2' to c2@customer.example) failed: c1@customer.example... User unknown
onboard: 0 sent, 0 deferred, 2 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
ONBOARD_SENDMAIL="$T/no/such/sendmail -x" run outbox retry 1 2
ONBOARD_SENDMAIL="$T/no/such/sendmail -x" run send --today 2026-11-03
expect_has "a missing program: failed" 1 stderr \
	"failed: cannot run '$T/no/such/sendmail': No such file or directory"
run outbox retry 1 5
expect "retry: an unknown id changes nothing" 65 "" "onboard: no message 5 in the outbox"
run outbox cancel 1 x
expect "cancel: a bad id" 65 "" "onboard: bad message id 'x': expected a number from 'onboard outbox'"
run outbox cancel 1 2
expect "outbox cancel" 0 "" "onboard: 2 messages cancelled"
assert "cancelled, the error kept" test \
	"$(sql "SELECT state, error FROM outbox WHERE id = 1")" = \
	"cancelled|cannot run '$T/no/such/sendmail': No such file or directory"
run outbox retry 1
expect "a cancelled message is a person's decision: not retried" 65 "" \
	"onboard: message 1 is cancelled: only unconfirmed, failed or deferred messages can be retried"
run outbox --state nosuch
expect "outbox: a bad state" 65 "" \
	"onboard: bad state 'nosuch': expected queued, sending, sent, deferred, failed, unconfirmed or cancelled"
run outbox x
expect_has "outbox: an argument is a usage error" 2 stderr "unexpected argument 'x'"

# A run killed while delivering: the message it was sending is
# unconfirmed, named, and not sent again without a person.
fresh killed 3
FAKE_KILL_AT=2 run send --today 2026-11-03
assert "the run died with SIGKILL" test "$rc" = 137
assert "one sent, one sending, one queued" test "$(states)" = "sent:1 sending:1 queued:0"
run send --today 2026-11-03
expect "the next run: unconfirmed, named on stderr" 0 "" \
"onboard: message 2 (check-in 'welcome' of 'a2' to c2@customer.example) was being sent when a run stopped: it is unconfirmed and will not be sent again; see whether it arrived, then 'onboard outbox retry 2' or 'onboard outbox cancel 2'
onboard: 1 sent, 0 deferred, 0 failed, 1 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
assert "three deliveries: none twice" test \
	"$(sort "$FAKE_DIR/log" | uniq -d | wc -l)/$(delivered)" = 0/3
run send --today 2026-11-04
assert "unconfirmed stays" test "$(states)/$(delivered)" = "sent:1 unconfirmed:1 sent:1/3"
run due --today 2026-11-04 --format csv
expect_has "its check-in stays due" 0 stdout "a2,Account 2,low,dana,welcome,"
run outbox --state unconfirmed --format csv
expect_has "outbox --state unconfirmed" 0 stdout "2,checkin,a2,dana,welcome,2026-11-03,c2@customer.example,"

# --limit: the rest stay queued.
fresh limit 3
run send --today 2026-11-03 --limit 1
expect "--limit 1" 0 "" \
"onboard: 1 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts
onboard: 2 left queued past --limit"
assert "one sent, two queued" test "$(states)" = "sent:1 queued:0 queued:0"
run send --today 2026-11-03 --limit x
expect_has "a bad --limit" 2 stderr "bad --limit 'x'"
run send --today 2026-11-03 --account a3
assert "--account: that account's only" test "$(states)" = "sent:1 queued:0 sent:1"
run send --today 2026-11-03 --account nosuch
expect "--account: an unknown one" 65 "" "onboard: unknown account 'nosuch'"
run send --today 2026-11-03 --csm lee
assert "--csm: another CSM's accounts are left" test "$(states)" = "sent:1 queued:0 sent:1"
run send --today 2026-11-03 --csm dana
assert "--csm dana" test "$(states)" = "sent:1 sent:1 sent:1"

# A message queued, then its check-in done by a person before it went:
# not sent, cancelled, and said so.
fresh done 1
run send --today 2026-11-03 --limit 0
run done a1 welcome --today 2026-11-03 --channel call
run send --today 2026-11-03
expect "a check-in done meanwhile is not mailed" 0 "" \
"onboard: 0 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts
onboard: 1 cancelled: no longer due by e-mail (see 'onboard outbox --state cancelled')"
assert "cancelled with why" test "$(sql 'SELECT state, error FROM outbox')" = \
	"cancelled|not sent: as of 2026-11-03 the check-in is no longer due by e-mail to this account"
assert "nothing delivered" test "$(delivered)" = 0

# Only one send at a time: a second exits 75 at once.
fresh lock 1
FAKE_SLEEP=5 "$ONBOARD" send --today 2026-11-03 -q 2>"$T/first.err" &
first=$!
i=0
while [ ! -s "$FAKE_DIR/count" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
start=$(date +%s)
run send --today 2026-11-03
expect "a second send exits 75 at once" 75 "" \
	"onboard: another 'onboard send' is running on database '$ONBOARD_DB': try again later"
assert "without waiting for the first" test $(($(date +%s) - start)) -lt 4
wait "$first"
assert "the first finishes" test $? = 0
assert "and the message went once" test "$(delivered)/$(states)" = "1/sent:1"
run send --today 2026-11-03 --dry-run
expect_has "a dry run needs no lock and changes nothing" 0 stderr \
	"dry run: 0 check-ins and 0 alerts would be queued"

# Maildir: files in new/ only, each a message.
fresh maildir 3
run send --today 2026-11-03 --maildir "$T/Maildir/inbox"
expect_has "--maildir" 0 stderr "onboard: 3 sent,"
assert "three files in new/" test "$(ls "$T/Maildir/inbox/new" | wc -l)" = 3
assert "none in tmp/ or cur/" test \
	"$(find "$T/Maildir/inbox/tmp" "$T/Maildir/inbox/cur" -type f | wc -l)" = 0
assert "no dot-files, names unique per host" test \
	"$(ls -A "$T/Maildir/inbox/new" | grep -c '^[0-9]*\.M[0-9]*P[0-9]*Q[0-9]*\.')" = 3
mailcheck "$T/Maildir/inbox/new/"* >"$T/maildir.txt"
assert "each parses without defects" test $? = 0
assert "each to its account" test \
	"$(grep '^To addresses: ' "$T/maildir.txt" | sort | tr '\n' ' ')" = \
	"To addresses: c1@customer.example To addresses: c2@customer.example To addresses: c3@customer.example "
assert "the Maildir is private" test "$(stat -c %a "$T/Maildir/inbox")" = 700
assert "sent, done" test "$(states)/$(sql "SELECT count(*) FROM checkin_action WHERE action = 'done'")" = "sent:1 sent:1 sent:1/3"
touch "$T/notadir"
fresh maildir2 1
run send --today 2026-11-03 --maildir "$T/notadir/x"
expect_has "a Maildir that cannot be made: exit 1, nothing claimed" 1 stderr "cannot create directory '$T/notadir/x'"
assert "the message stays queued" test "$(states)" = "queued:0"

# No account field and no playbook text can add a header: names with
# quotes, commas, angle brackets and encoded-word look-alikes, a reason
# with a line break in the subject, an address changed behind onboard's
# back.
cat >"$T/hostile.yaml" <<'EOF'
name: hostile
tiers: {low: {}}
delivery: {from: "\"Team, \\\"Inc\\\"\" <team@vendor.example>"}
checkins:
  - id: hello
    days: 1-2
    automated: [low]
    template: |
      Subject: {{account.name}} / {{reasons}}
      Hi {{account.contact}}
health:
  engagement:
    red:
      - { when: logins == 0, reason: "Quiet\nBcc: evil@attacker.example" }
EOF
ONBOARD_DB=$(new_db hostile)
export ONBOARD_DB FAKE_DIR="$T/hostile.mail"
"$ONBOARD" init -q
run playbook load "$T/hostile.yaml"
expect "a hostile playbook loads" 0 "" "*"
run account add h1 --playbook hostile --tier low --kickoff 2026-11-02 \
	--name 'Evil "Corp" =?UTF-8?B?QmNjOiB4?= <x@y.example>, Ltd' \
	--contact 'Zoë "Boss", <hack@evil.example>' --email victim@customer.example
expect "hostile names are stored" 0 "" "*"
run account add h2 --playbook hostile --tier low --kickoff 2026-11-02 --name H2 \
	--email "$(printf 'x@y.example\nBcc: evil@attacker.example')"
expect_has "an address with a line break is refused" 65 stderr "bad email"
run account add h2 --playbook hostile --tier low --kickoff 2026-11-02 --name H2 \
	--email h2@customer.example
sql "UPDATE account SET email = 'h2@customer.example
Bcc: evil@attacker.example' WHERE ext_id = 'h2'"
run send --today 2026-11-03 --no-alerts
expect "an address mail software would refuse is not sent, its line break shown" 0 "" \
"onboard: not sent: 'h2' has the e-mail 'h2@customer.example\\nBcc: evil@attacker.example', which mail software would refuse
onboard: 1 sent, 0 deferred, 0 failed, 0 unconfirmed, 1 not sent (no e-mail or opted out), 0 alerts"
mailcheck "$FAKE_DIR/1.msg" >"$T/h.txt"
assert "the hostile message parses without defects" test $? = 0
assert "one recipient, the account's" grep -qx "To addresses: victim@customer.example" "$T/h.txt"
assert "the contact's name intact" grep -qxF 'To names: Zoë "Boss", <hack@evil.example>' "$T/h.txt"
assert "the sender's quoted name intact" grep -qxF 'From names: Team, "Inc"' "$T/h.txt"
assert "no Bcc anywhere in the headers" test \
	"$(sed '/^$/q' "$FAKE_DIR/1.msg" | grep -ci '^bcc')" = 0
assert "the subject ends where the template's line does" grep -qxF \
	'Subject: Evil "Corp" =?UTF-8?B?QmNjOiB4?= <x@y.example>, Ltd / Quiet' "$T/h.txt"
assert "what followed the break is body text" grep -qxF \
	'Bcc: evil@attacker.example' "$T/h.txt"
assert "no header but onboard's" test \
	"$(sed '/^$/q' "$FAKE_DIR/1.msg" | grep -v '^ ' | grep . | cut -d: -f1 | sort | tr '\n' ' ')" = \
	"Content-Transfer-Encoding Content-Type Date From MIME-Version Message-ID Subject To X-Onboard-Account X-Onboard-Checkin "

# --- CSM alerts -------------------------------------------------------------

# a1 logs in, a2 never does: red from day 3, escalating from day 5.
fresh alerts 2
"$ONBOARD" log a1 login --at 2026-11-02T10:00:00Z -q
for d in 05 08 10; do "$ONBOARD" log a1 login --at 2026-11-${d}T10:00:00Z -q; done
run send --today 2026-11-04
assert "day 2: no alert" test "$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 0
run send --today 2026-11-05
expect "day 3: a2 turns red: one alert" 0 "" \
	"onboard: 2 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 1 alerts"
mailcheck "$FAKE_DIR/$(delivered).msg" >"$T/alert.txt"
assert "the alert parses" test $? = 0
assert "to the CSM" grep -qx "To addresses: dana@vendor.example" "$T/alert.txt"
assert "its subject names the account" grep -qx "Subject: onboard: Account 2 needs you" "$T/alert.txt"
assert "the alert names the account, status and reasons" test \
	"$(sed -n '/^body:$/,/^end of body$/p' "$T/alert.txt")" = "body:
Hi dana,

As of 2026-11-05, one of your accounts needs you:

a2: Account 2
  status: red (No login since kickoff)

Your manual check-ins due today (2):
  a1                   kickoff-call         call     due by 2026-11-07
  a2                   kickoff-call         call     due by 2026-11-07

-- 
Sent by 'onboard send': each alert tells what changed since the last one.
'onboard account show ID' has an account's whole timeline.
end of body"
run outbox --format json
assert "an alert in the outbox: kind, csm, no account" test \
	"$(printf '%s' "$out" | jq -c '.[-1] | [.kind, .account, .csm, .checkin, .opens, .state]')" = \
	'["alert",null,"dana",null,null,"sent"]'
run outbox --account a2 --format csv
expect_has "outbox --account: the alerts naming it" 0 stdout ",alert,,dana,,,dana@vendor.example,"
run outbox --account a1 --format csv
assert "not the alerts of others" test "$(printf '%s\n' "$out" | grep -c ',alert,')" = 0
run send --today 2026-11-06
assert "day 4: still red, nothing new: no alert" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 1
run send --today 2026-11-07
assert "day 5: an escalation rule starts holding: a second alert" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 2
mailcheck "$FAKE_DIR/$(delivered).msg" >"$T/alert2.txt"
assert "it says why to escalate" grep -qx "  escalate: No login in the first days" "$T/alert2.txt"
run send --today 2026-11-08
assert "day 6: nothing new" test "$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 2
# a2 logs in on day 6: green; silent for three days: red again, and news.
"$ONBOARD" log a2 login --at 2026-11-08T09:00:00Z -q
run send --today 2026-11-09
assert "day 7: recovered, no alert" test "$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 2
run send --today 2026-11-11
assert "day 9: red again after recovering: alerted again" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 3
mailcheck "$FAKE_DIR/$(delivered).msg" >"$T/alert3.txt"
assert "the relapse and its reason" grep -qx "  status: red (No login for three days)" "$T/alert3.txt"

# A CSM without an e-mail: held and counted, sent once they have one.
fresh held 1
"$ONBOARD" account set a1 --csm lee -q
run send --today 2026-11-05
expect "held: counted in the summary" 0 "" \
"onboard: 2 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts
onboard: 1 alerts held (CSM without e-mail)"
run send --today 2026-11-05 --no-alerts
expect "--no-alerts: none held either" 0 "" \
	"onboard: 0 sent, 0 deferred, 0 failed, 0 unconfirmed, 0 not sent (no e-mail or opted out), 0 alerts"
"$ONBOARD" csm set lee --email lee@vendor.example -q
run send --today 2026-11-06
expect_has "the CSM has an e-mail now: the alert goes" 0 stderr ", 1 alerts"
mailcheck "$FAKE_DIR/$(delivered).msg" >"$T/held.txt"
assert "to them" grep -qx "To addresses: lee@vendor.example" "$T/held.txt"

# An alert still on its way holds back the next one for its accounts.
fresh pending 1
run send --today 2026-11-05 --limit 0
run send --today 2026-11-07 --limit 0
assert "one alert queued, not a second" test \
	"$(dbq_join , "SELECT state FROM outbox WHERE kind = 'alert'")" = queued
run send --today 2026-11-07
assert "alerts go after the check-ins" test \
	"$(dbq_join ' ' "SELECT kind FROM outbox WHERE state = 'sent' ORDER BY id DESC")" = "alert checkin checkin"


# An unconfirmed alert a person cancels (it had arrived): its news is
# told, and not sent again.
fresh alertcancel 1
run send --today 2026-11-04
FAKE_KILL_AT=3 run send --today 2026-11-05
assert "killed while sending the alert" test "$rc/$(sql "SELECT state FROM outbox WHERE kind = 'alert'")" = 137/sending
run send --today 2026-11-06
expect_has "the alert is unconfirmed" 0 stderr "message 3 (alert to dana@vendor.example) was being sent when a run stopped"
assert "while unconfirmed, no second alert" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 1
run outbox cancel 3
run send --today 2026-11-06
assert "cancelled: the same news is not alerted again" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 1
run send --today 2026-11-07
assert "news that is new (an escalation) still is" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 2

# A CSM address that fails for good: one failed alert, not one a day.
fresh alertfail 1
FAKE_EXIT=67 run send --today 2026-11-05
expect_has "the alert fails" 1 stderr "(alert to dana@vendor.example) failed"
run send --today 2026-11-06
assert "no second alert for the same news" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 1

# --no-alerts leaves alerts waiting where they are.
fresh noalerts 1
FAKE_EXIT=75 run send --today 2026-11-05
run send --today 2026-11-05 --no-alerts
assert "--no-alerts: a deferred alert stays deferred" test \
	"$(sql "SELECT state FROM outbox WHERE kind = 'alert'")" = deferred

# An escalation reason written as a folded YAML scalar (it ends in a line
# break) is the same news from one day to the next.
sed 's/reason: "No login in the first days" }/reason: "No login\\nin the first days\\n" }/' \
	"$T/mailer.yaml" >"$T/folded.yaml"
fresh folded 1
"$ONBOARD" playbook load "$T/folded.yaml" -q
for d in 07 08 09; do "$ONBOARD" send --today 2026-11-$d -q; done
assert "one alert for one escalation" test \
	"$(sql "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = 1

# A follow-up's day moves with the status: while an earlier follow-up's
# message is unconfirmed (it may have arrived), no other goes.
cat >"$T/follow.yaml" <<'EOF'
name: follow
tiers: {low: {}}
delivery: {from: team@vendor.example}
checkins: []
follow_up:
  from_day: 1
  every_days: {green: 6, yellow: 4, red: 4}
  automated: true
  channel: email
  template: "Subject: Checking in\n\nHi\n"
health:
  engagement:
    red:
      - { when: logins == 0, reason: No login }
EOF
fresh follow 1
"$ONBOARD" playbook load "$T/follow.yaml" -q
"$ONBOARD" account set a1 --playbook follow -q
FAKE_KILL_AT=1 run send --today 2026-11-06
assert "killed while sending the day-4 follow-up" test "$rc" = 137
"$ONBOARD" log a1 login --at 2026-11-06T10:00:00Z -q
run send --today 2026-11-08
expect_has "the green day-6 follow-up waits for the unconfirmed one" 0 stderr \
	"onboard: not sent: check-in 'follow-up' of 'a1' waits for unconfirmed message 1 ('onboard outbox retry' or 'cancel' it)"
assert "no other follow-up delivered" test "$(grep -c follow-up "$FAKE_DIR/log")" = 1
run outbox cancel 1
run done a1 follow-up --today 2026-11-08
run send --today 2026-11-14
assert "once a person has said, the next one goes" test \
	"$(dbq_join ', ' "SELECT state || ' ' || opens FROM outbox WHERE kind = 'checkin' ORDER BY id")" = \
	"cancelled 2026-11-06, sent 2026-11-14"

# One send at a time however the database's path is spelt.
# On PostgreSQL, two machines: two connections to one database.
fresh symlink 1
if [ -n "$PG" ]; then
	other=$ONBOARD_DB
else
	ln -s "$T/symlink.db" "$T/other-name.db"
	other=$T/other-name.db
fi
FAKE_SLEEP=5 "$ONBOARD" send --today 2026-11-03 -q &
first=$!
i=0
while [ ! -s "$FAKE_DIR/count" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run --db "$other" send --today 2026-11-03
expect_has "a second send at once exits 75" 75 stderr "another 'onboard send' is running"
wait "$first"

finish
