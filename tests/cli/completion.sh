# Bash completion: commands, options, account ids, check-in ids.
. tests/cli/lib.sh

run init -q
run account add acme --name "Acme, Inc" --tier mid --kickoff 2026-11-02 --csm dana -q
run account add beta --name Beta --tier low --kickoff 2026-11-02 --csm "lee k" -q

# complete LINE: what bash would offer at the end of LINE.
complete_line() {
	bash -c '
		. "$1/completion/onboard.bash"
		read -ra COMP_WORDS <<<"$2"
		case $2 in *" ") COMP_WORDS+=("") ;; esac
		COMP_WORDS[0]=$3
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_onboard
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
	' _ "$ROOT" "$1" "$ONBOARD"
}

assert "commands" test "$(complete_line "onboard d")" = "db done due "
assert "db's subcommands" test "$(complete_line "onboard db ")" = "check copy "
assert "subcommands" test "$(complete_line "onboard account s")" = "set show "
assert "global options" test "$(complete_line "onboard --ver")" = "--version "
assert "command options" test "$(complete_line "onboard due --o")" = "--overdue "
assert "due options" test "$(complete_line "onboard due --m")" = "--manual "
assert "import --from: the sources" test "$(complete_line "onboard import --from ")" = "amplitude mixpanel segment "
assert "map's subcommand" test "$(complete_line "onboard map ")" = "check "
assert "user list --account" test "$(complete_line "onboard user list --a")" = "--account "
assert "account ids" test "$(complete_line "onboard --db $ONBOARD_DB account show ")" = "acme beta "
assert "account ids for done" test "$(complete_line "onboard done a")" = "acme "
assert "check-in ids of the account's tier" test \
	"$(complete_line "onboard done beta ")" = "first-check follow-up progress-digest thirty-day-survey "
assert "check-in ids after options" test \
	"$(complete_line "onboard skip --reason x acme mid")" = "mid-week "
assert "event types" test "$(complete_line "onboard log acme tick")" = "ticket_opened ticket_resolved "
assert "formats" test "$(complete_line "onboard report --format h")" = "html "
assert "statuses" test "$(complete_line "onboard account set acme --status p")" = "paused "
assert "playbooks" test "$(complete_line "onboard playbook show ")" = "saas-default "
assert "tiers" test "$(complete_line "onboard due --tier ")" = "high low mid "
assert "CSMs, spaces and all" test "$(complete_line "onboard due --csm ")" = "dana lee k "
assert "csm subcommands" test "$(complete_line "onboard csm ")" = "list set "
assert "csm set options" test "$(complete_line "onboard csm set dana --fu")" = "--full-name "
assert "send options" test "$(complete_line "onboard send --dr")" = "--dry-run "
assert "outbox subcommands" test "$(complete_line "onboard outbox r")" = "retry "
assert "outbox states" test "$(complete_line "onboard outbox --state un")" = "unconfirmed "
assert "opt-out" test "$(complete_line "onboard account set acme --opt-out y")" = "yes "
assert "--account takes account ids" test "$(complete_line "onboard send --account b")" = "beta "
finish
