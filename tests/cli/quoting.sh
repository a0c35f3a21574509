# No input drives the terminal through a message: what users and their
# files give is echoed with controls, C1 controls, bidi overrides and
# bytes that are no UTF-8 made visible, in every class of message.
. tests/cli/lib.sh

# A title set, the screen cleared, a C1 CSI, a right-to-left override
# and a byte that is no UTF-8, between two letters.
H=$(printf 'x\033]0;pwned\007\033[2J\302\233\342\200\256\377y')
SHOWN='x\033]0;pwned\a\033[2J\302\233\342\200\256\377y'

# harmless NAME: stderr is UTF-8 with nothing a terminal would act on.
harmless() {
	assert "$1: nothing on stderr drives a terminal" python3 -c '
import sys
try:
    text = open(sys.argv[1], "rb").read().decode("utf-8")
except UnicodeDecodeError:
    sys.exit(1)
def acts(c):
    o = ord(c)
    return (o < 32 and c != "\n") or 0x7f <= o <= 0x9f or \
        0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069
sys.exit(1 if any(acts(c) for c in text) else 0)' "$T/stderr"
}

run init -q
run account add acme --name Acme --tier high --kickoff 2026-11-01 -q

run "$H"
expect "usage: an unknown command, shown" 2 "" \
	"onboard: unknown command '$SHOWN' (see 'onboard --help')"
harmless "usage: an unknown command"

run --today "$H" due
expect_has "a global option's value, shown" 65 stderr "'$SHOWN'"
harmless "a global option's value"

run due --csm "$H" --format "$H"
harmless "a command's option value"

run import "$T/$H.csv"
expect_has "a missing file's name, shown" 66 stderr "$SHOWN.csv"
harmless "a missing file's name"

run account show "$H"
expect_has "account show: the id, shown" 65 stderr "$SHOWN"
harmless "account show"

run log "$H" login
harmless "log: the account id"

printf 'account,type,at\n%s,login,2026-11-02T09:00:00Z\nacme,%s,2026-11-02T09:00:00Z\nacme,login,%s\n' \
	"$H" "$H" "$H" >"$T/events.csv"
run import "$T/events.csv"
expect_has "import: an unknown account, shown with its line" 65 stderr \
	"$T/events.csv:2: error:"
harmless "import: CSV cells"

printf '{"account":"acme","type":"login","at":"2026-11-02T09:00:00Z","id":"%s"}\n{"account":"%s","type":"login","at":"2026-11-02T09:00:00Z"}\n' \
	"$H" "$H" >"$T/events.jsonl"
run import "$T/events.jsonl"
harmless "import: JSON Lines values and bad UTF-8"

printf 'id,name,tier,kickoff\nb1,%s,high,2026-11-01\n%s,B2,high,2026-11-01\n' "$H" "$H" \
	>"$T/accounts.csv"
run account import "$T/accounts.csv"
expect_has "account import: a cell, with its line" 65 stderr "$T/accounts.csv:2: error:"
harmless "account import"

printf 'name: p\ntiers:\n  "%s": {}\ncheckins:\n  - { id: "%s", days: 1 }\n' "$H" "$H" \
	>"$T/playbook.yaml"
run playbook check "$T/playbook.yaml"
expect_has "playbook check: FILE:LINE:COLUMN, the value shown" 65 stderr \
	"$T/playbook.yaml:"
harmless "playbook check"

printf 'source: segment\naccount: context.groupId\nevents:\n  A: "%s"\n' "$H" >"$T/map.yaml"
run map check "$T/map.yaml"
expect_has "map check: the line and column" 65 stderr "$T/map.yaml:4:"
harmless "map check"

run csm set "$H" --email "$H"
harmless "csm set"

run done acme "$H"
expect_has "done: an unknown check-in, shown" 65 stderr "$SHOWN"
harmless "done"

run render acme "$H"
harmless "render"

# What a message holds that is text stays as it is: UTF-8 letters too.
run account show "Zoë-€"
expect "UTF-8 text is shown as it is" 65 "" "onboard: unknown account 'Zoë-€'"
finish
