# bash completion for onboard(1): commands, options, account ids, check-in
# ids of an account, playbooks, tiers, CSMs. Installed by make install into
# share/bash-completion/completions/onboard.

# Runs onboard with the --db of the command line being completed.
_onboard_run()
{
	local i db=()
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--db) db=(--db "${COMP_WORDS[i + 1]}") ;;
		--db=*) db=("${COMP_WORDS[i]}") ;;
		esac
	done
	"${COMP_WORDS[0]}" "${db[@]}" "$@" 2>/dev/null
}

# Account ids never hold a comma: the first CSV column is safe to cut.
_onboard_accounts() { _onboard_run account list --format csv | tail -n +2 | cut -d, -f1; }
_onboard_checkins() { _onboard_run account show "$1" --format json | grep -o '"checkin":"[^"]*"' | cut -d'"' -f4; }
_onboard_playbooks() { _onboard_run playbook list --format csv | tail -n +2 | cut -d, -f1; }
_onboard_tiers() { _onboard_run playbook show --format csv | tail -n +2 | cut -d, -f1 | sort -u; }
_onboard_csms() { _onboard_run csm list --format json | grep -o '"csm":"[^"]*"' | cut -d'"' -f4 | sort -u; }

_onboard()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local globals="--db --today --format -q --quiet -h --help --version"
	local commands="init playbook account csm log import map user db due done skip snooze score escalations backtest report calendar render send outbox"
	local types="login feature_used response action_item_done action_item_missed meeting_attended meeting_rescheduled stakeholder_added ticket_opened ticket_resolved milestone nps note"
	local i cmd="" sub="" args=()
	COMPREPLY=()

	# The command, its subcommand and the positional arguments so far.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--db | --today | --format | --csm | --tier | --status | --name | \
			--kickoff | --contact | --email | --playbook | --at | \
			--value | --id | --channel | --note | --reason | --until | \
			--week | --days | -o | --output | --full-name | \
			--opt-out | --account | --limit | --maildir | --state | \
			--from | --map | --day | --labels)
			((i++))
			continue
			;;
		-*) continue ;;
		esac
		if [[ -z $cmd ]]; then
			cmd=${COMP_WORDS[i]}
		elif [[ ($cmd == playbook || $cmd == account || $cmd == csm ||
			$cmd == outbox || $cmd == map || $cmd == user ||
			$cmd == db) &&
			-z $sub ]]; then
			sub=${COMP_WORDS[i]}
		else
			args+=("${COMP_WORDS[i]}")
		fi
	done

	case $prev in
	--db | -o | --output | --map)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--from)
		COMPREPLY=($(compgen -W "segment mixpanel amplitude" -- "$cur"))
		return
		;;
	--maildir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--opt-out)
		COMPREPLY=($(compgen -W "yes no" -- "$cur"))
		return
		;;
	--state)
		COMPREPLY=($(compgen -W "queued sending sent deferred failed unconfirmed cancelled" -- "$cur"))
		return
		;;
	--account)
		COMPREPLY=($(compgen -W "$(_onboard_accounts)" -- "$cur"))
		return
		;;
	--format)
		COMPREPLY=($(compgen -W "table json csv md html jsonl" -- "$cur"))
		return
		;;
	--status)
		COMPREPLY=($(compgen -W "active paused completed churned" -- "$cur"))
		return
		;;
	--channel)
		COMPREPLY=($(compgen -W "email call in-app meeting" -- "$cur"))
		return
		;;
	--playbook)
		# backtest reads a file; the others name a stored playbook.
		if [[ $cmd == backtest ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_onboard_playbooks)" -- "$cur"))
		fi
		return
		;;
	--labels)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--tier)
		COMPREPLY=($(compgen -W "$(_onboard_tiers)" -- "$cur"))
		return
		;;
	--csm)
		# A CSM's name may hold spaces: one name a line.
		local IFS=$'\n'
		COMPREPLY=($(compgen -W "$(_onboard_csms)" -- "$cur"))
		return
		;;
	--today | --at | --until | --kickoff | --week | --days | --name | \
		--contact | --email | --value | --id | --note | --reason | \
		--full-name | --limit)
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	local opts=""
	case $cmd in
	playbook)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "check load diff list show default" -- "$cur"))
			return
		fi
		case $sub in
		diff)
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "--csm --exit-code" -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			;;
		check | load) COMPREPLY=($(compgen -f -- "$cur")) ;;
		show | default) COMPREPLY=($(compgen -W "$(_onboard_playbooks)" -- "$cur")) ;;
		esac
		return
		;;
	account)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "add import list show set" -- "$cur"))
			return
		fi
		case $sub in
		add) opts="--name --tier --kickoff --csm --contact --email --playbook --opt-out" ;;
		set) opts="--name --tier --kickoff --csm --contact --email --playbook --status --at --opt-out" ;;
		list) opts="--csm --tier --status" ;;
		import)
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
		elif [[ ($sub == show || $sub == set) && ${#args[@]} -eq 0 ]]; then
			COMPREPLY=($(compgen -W "$(_onboard_accounts)" -- "$cur"))
		fi
		return
		;;
	csm)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "set list" -- "$cur"))
		elif [[ $sub == set && $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--email --full-name $globals" -- "$cur"))
		elif [[ $sub == set && ${#args[@]} -eq 0 ]]; then
			local IFS=$'\n'
			COMPREPLY=($(compgen -W "$(_onboard_csms)" -- "$cur"))
		fi
		return
		;;
	outbox)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--state --account $globals" -- "$cur"))
		elif [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "retry cancel" -- "$cur"))
		fi
		return
		;;
	send) opts="--csm --account --limit --maildir --no-alerts --dry-run" ;;
	log) opts="--at --value --id" ;;
	import) opts="--format --from --map --skip-invalid" ;;
	map)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "check" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
		;;
	db)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "check copy" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		elif [[ $sub == copy ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
		;;
	user)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "list" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--account $globals" -- "$cur"))
		fi
		return
		;;
	due) opts="--csm --tier --overdue --automated --manual" ;;
	done) opts="--channel --note --at" ;;
	skip) opts="--reason" ;;
	snooze) opts="--until" ;;
	score | escalations) opts="--csm" ;;
	backtest) opts="--day --labels --playbook" ;;
	report) opts="--week --csm -o --output" ;;
	calendar) opts="--csm --days -o --output" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
		return
	fi
	case $cmd in
	import) COMPREPLY=($(compgen -f -- "$cur")) ;;
	score) COMPREPLY=($(compgen -W "$(_onboard_accounts)" -- "$cur")) ;;
	log)
		if ((${#args[@]} == 0)); then
			COMPREPLY=($(compgen -W "$(_onboard_accounts)" -- "$cur"))
		elif ((${#args[@]} == 1)); then
			COMPREPLY=($(compgen -W "$types" -- "$cur"))
		fi
		;;
	done | skip | snooze | render)
		if ((${#args[@]} == 0)); then
			COMPREPLY=($(compgen -W "$(_onboard_accounts)" -- "$cur"))
		elif ((${#args[@]} == 1)); then
			COMPREPLY=($(compgen -W "$(_onboard_checkins "${args[0]}")" -- "$cur"))
		fi
		;;
	esac
}

complete -F _onboard onboard
