# Global options, usage errors, exit codes, the database path.
. tests/cli/lib.sh

run --version
expect "--version" 0 "onboard 0.1.0" ""
run --help
expect_has "--help lists commands on stdout" 0 stdout "playbook check"
run
expect_has "no command is a usage error" 2 stderr "usage: onboard"
run frobnicate
expect "unknown command" 2 "" \
	"onboard: unknown command 'frobnicate' (see 'onboard --help')"
run --frob init
expect_has "unknown global option" 2 stderr "onboard: unknown option '--frob'"
run init --frob
expect "unknown command option" 2 "" "onboard: unknown option '--frob'
usage: onboard init"
run account add acme --name
expect_has "option without its value" 2 stderr "option '--name' needs a value"
# Options whose internal id is a letter are still named as typed.
for o in "score --csm" "due --tier" "report --week" "snooze a b --until"; do
	run $o
	expect_has "$o without its value" 2 stderr "option '${o##* }' needs a value"
done
run playbook
expect_has "a group without subcommand" 2 stderr "Subcommands:"
run playbook --help
expect_has "a group's help" 0 stdout "Subcommands:"
run playbook frob
expect_has "unknown subcommand" 2 stderr "unknown command 'playbook frob'"
run account add --help
expect_has "per-command help on stdout" 0 stdout \
	"usage: onboard account add ID --name NAME"
run account list -h
expect_has "-h per command" 0 stdout "--status STATUS"

# Commands other than init want a database.
run account list
if [ -n "$PG" ]; then
	expect "a database without onboard's tables" 66 "" \
		"onboard: database '$ONBOARD_DB' has no onboard tables (run 'onboard init' to create them)"
else
	expect "a missing database" 66 "" \
		"onboard: no database at '$T/onboard.db' (run 'onboard init' to create it)"
fi
assert "a read command creates nothing" test ! -e "$T/onboard.db"

run init -q
expect "init, quiet" 0 "" ""
run --today 2026-02-30 account list
expect "a bad --today" 65 "" \
	"onboard: bad --today '2026-02-30': expected a date YYYY-MM-DD"
ONBOARD_TODAY=yesterday run account list
expect "a bad ONBOARD_TODAY" 65 "" \
	"onboard: bad ONBOARD_TODAY 'yesterday': expected a date YYYY-MM-DD"
ONBOARD_TODAY=yesterday run account list --today 2026-11-10 --format csv
expect "--today wins over a bad ONBOARD_TODAY" 0 "id,name,tier,kickoff,csm,contact,email,playbook,status,status_since,day,opt_out" ""
ONBOARD_TODAY=yesterday run --today 2026-11-10 account list --format csv
expect "--today before the command wins too" 0 "id,name,tier,kickoff,csm,contact,email,playbook,status,status_since,day,opt_out" ""
ONBOARD_TODAY=yesterday run --version
expect_has "--version needs no date" 0 stdout "onboard "
run account list --format yaml
expect "an unknown format" 2 "" \
	"onboard: unknown format 'yaml' (expected table, json or csv)
usage: onboard account list [--csm C] [--tier T] [--status S]"
run account list --format json
expect "global options after the command" 0 "[]" ""

# --db beats ONBOARD_DB; XDG_DATA_HOME, then HOME, are the fallbacks.
run --db "$T/other.db" init -q
assert "--db names the file" test -f "$T/other.db"
(
	unset ONBOARD_DB
	XDG_DATA_HOME="$T/xdg" "$ONBOARD" init -q
	HOME="$T/home" "$ONBOARD" init -q
	XDG_DATA_HOME=relative HOME="$T/home2" "$ONBOARD" init -q
)
assert "XDG_DATA_HOME" test -f "$T/xdg/onboard/onboard.db"
assert "HOME fallback" test -f "$T/home/.local/share/onboard/onboard.db"
assert "a relative XDG_DATA_HOME is ignored" \
	test -f "$T/home2/.local/share/onboard/onboard.db"
assert "the database is 0600" \
	test "$(stat -c %a "$T/home/.local/share/onboard/onboard.db")" = 600
assert "its directory is 0700" \
	test "$(stat -c %a "$T/home/.local/share/onboard")" = 700
assert "created parents are 0700" \
	test "$(stat -c %a "$T/home/.local")" = 700

# A full disk on stdout is an error, not a silent success.
if [ -w /dev/full ]; then
	"$ONBOARD" playbook list >/dev/full 2>"$T/stderr"
	rc=$? out="" err=$(cat "$T/stderr")
	expect_has "a write error on stdout" 1 stderr "cannot write the output"
fi

# Help fits an 80-column terminal: the list, and every command's.
run --help
assert "onboard --help fits 80 columns" test "$(printf '%s\n' "$out" | awk 'length > 80' | wc -l)" = 0
wide=""
for c in $(printf '%s\n' "$out" | awk 'substr($0, 1, 2) == "  " && substr($0, 3, 1) ~ /[a-z]/ {
	n = substr($0, 3, 18); sub(/ +$/, "", n); gsub(/ /, "_", n); print n }'); do
	c=$(printf '%s' "$c" | tr _ ' ')
	# shellcheck disable=SC2086 # a group and its subcommand
	"$ONBOARD" $c --help | awk 'length > 80' | grep -q . && wide="$wide $c,"
done
assert "every command's --help fits 80 columns" test -z "$wide"
finish
