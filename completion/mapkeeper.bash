# bash completion for mapkeeper(1): commands, verbs, flags, the values a flag lists
# (--format text|json, --side buyer|seller...), files and folders, deal names.
#
# `make install` puts it in share/bash-completion/completions/mapkeeper; to try it from
# the repository: `. completion/mapkeeper.bash`. It asks the binary being completed
# (`mapkeeper help --commands` and `mapkeeper COMMAND --help`), so new commands and flags
# complete without touching this file. Deal names come from `mapkeeper deal list` only
# when the database is there (--db, $MAPKEEPER_DB or ./mapkeeper.db): completing never
# creates one.

declare -gA _mapkeeper_help_cache 2>/dev/null

# _mapkeeper_help MK [CMD]: CMD's --help text (no CMD: `help --commands`), cached.
_mapkeeper_help() {
	local key="$1|${2:-}"
	if [[ -z ${_mapkeeper_help_cache[$key]+set} ]]; then
		if [[ -n ${2:-} ]]; then
			_mapkeeper_help_cache[$key]=$("$1" "$2" --help 2>/dev/null)
		else
			_mapkeeper_help_cache[$key]=$("$1" help --commands 2>/dev/null)
		fi
	fi
	printf '%s\n' "${_mapkeeper_help_cache[$key]}"
}

# _mapkeeper_deals MK DB: the deal names, one a line, when the database exists.
_mapkeeper_deals() {
	local db=${2:-${MAPKEEPER_DB:-mapkeeper.db}}
	[[ -f $db ]] || return 0
	"$1" deal list --db "$db" --format json 2>/dev/null |
		sed -n 's/^ *"name": "\(.*\)",\{0,1\}$/\1/p' | sed 's/\\"/"/g; s/\\\\/\\/g'
}

# _mapkeeper_reply WORD...: the words that begin with $cur, quoted for the shell.
_mapkeeper_reply() {
	local w
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$w")")
	done
}

_mapkeeper() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" mk=${COMP_WORDS[0]} cmd="" verb="" db=""
	local help="" valopts="" i w skip=0 opt
	local -a pos=() words=()
	COMPREPLY=()
	mk=${mk/#\~/$HOME}
	# bash splits "--format=js" at '=': the option is two words back
	if [[ $cur == = ]]; then
		cur=""
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	elif ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif ((COMP_CWORD > 0)); then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ $w == = ]] && continue
		if ((skip)); then
			skip=0
			continue
		fi
		case $w in
		-*)
			if [[ -n $cmd && " $valopts " == *" $w "* ]]; then
				skip=1
				if [[ $w == --db ]]; then
					db=${COMP_WORDS[i + 1]}
					[[ $db == = ]] && db=${COMP_WORDS[i + 2]}
				fi
			fi
			;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$w
				help=$(_mapkeeper_help "$mk" "$cmd")
				# the options followed by a value in the usage: "--deal NAME", "-j N"
				valopts=$(grep -oE -- '(^|[[ ])--?[a-z][a-z-]* [^][ |-]' <<<"$help" |
					sed -E 's/^[[ ]//; s/ .*//' | sort -u | tr '\n' ' ')
			else
				pos+=("$w")
			fi
			;;
		esac
	done
	db=${db/#\~/$HOME}

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			_mapkeeper_reply --help --version
		else
			mapfile -t words < <(_mapkeeper_help "$mk" | grep -v ' ')
			_mapkeeper_reply "${words[@]}"
		fi
		return 0
	fi

	# the value of an option
	if [[ $prev == -* && " $valopts " == *" $prev "* ]]; then
		opt=$(grep -oE -- "$prev [^][ ]+" <<<"$help" | head -n 1)
		opt=${opt#* }
		case $prev in
		--deal) mapfile -t words < <(_mapkeeper_deals "$mk" "$db"); _mapkeeper_reply "${words[@]}" ;;
		*)
			case $opt in
			PATH | FILE) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
			DIR) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
			*[a-z]\|[a-z]*) IFS='|' read -r -a words <<<"$opt"; _mapkeeper_reply "${words[@]}" ;;
			esac
			;;
		esac
		return 0
	fi

	if [[ $cur == -* ]]; then
		mapfile -t words < <(grep -oE -- '(^|[[ ])--?[a-zA-Z][a-z-]*' <<<"$help" | sed -E 's/^[[ ]//' | sort -u)
		_mapkeeper_reply "${words[@]}" --help
		return 0
	fi

	# positional words: a verb, then what the usage names after it
	mapfile -t words < <(_mapkeeper_help "$mk" | sed -n "s/^$cmd \\([^ ]*\\)\$/\\1/p")
	if [[ $cmd == help ]]; then
		if ((${#pos[@]} == 0)); then
			mapfile -t words < <(_mapkeeper_help "$mk" | grep -v ' ')
		else
			mapfile -t words < <(_mapkeeper_help "$mk" | sed -n "s/^${pos[0]} \\([^ ]*\\)\$/\\1/p")
			((${#pos[@]} == 1)) || words=()
		fi
		_mapkeeper_reply "${words[@]}"
		return 0
	fi
	# share: a verb, or the deal to share
	if [[ $cmd == share ]] && ((${#pos[@]} == 0)); then
		mapfile -t -O ${#words[@]} words < <(_mapkeeper_deals "$mk" "$db")
	fi
	if ((${#words[@]})); then
		if ((${#pos[@]} == 0)); then
			_mapkeeper_reply "${words[@]}"
			return 0
		fi
		verb=${pos[0]}
		pos=("${pos[@]:1}")
	fi
	# `crm push|pull CRM`: the CRMs
	if [[ $cmd == crm && ($verb == push || $verb == pull) ]] && ((${#pos[@]} == 0)); then
		_mapkeeper_reply salesforce hubspot
		return 0
	fi
	# `stance PERSON STANCE`: the stances
	if [[ $cmd == stance ]] && ((${#pos[@]} == 1)); then
		_mapkeeper_reply champion supporter neutral skeptic blocker
		return 0
	fi
	local head="mapkeeper $cmd${verb:+ $verb}"
	if [[ $cmd == deal && -n $verb && $verb != add && $verb != list && ${#pos[@]} -eq 0 ]] ||
		grep -qE -- "$head \\[?DEAL" <<<"$help" && ((${#pos[@]} == 0)); then
		mapfile -t words < <(_mapkeeper_deals "$mk" "$db")
		_mapkeeper_reply "${words[@]}"
	elif grep -qE -- "$head \\[?FILE" <<<"$help"; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
	return 0
}

complete -F _mapkeeper mapkeeper
