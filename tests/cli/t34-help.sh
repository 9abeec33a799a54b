#!/bin/sh
# Help and the command line's manners: --help and -h on every command and verb (stdout,
# exit 0), `help CMD [VERB]` shows that command's usage, a mistyped command, verb or
# option gets one line with "did you mean" and exit 2, and --format takes "text" and
# "table" alike everywhere, with one line listing the accepted values otherwise.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/none.db"

# one_line FILE: FILE holds exactly one line
one_line() { [ "$(wc -l <"$1")" -eq 1 ]; }

"$MK" help --commands >"$tmp/cmds" 2>"$tmp/e"
if [ $? -eq 0 ] && [ ! -s "$tmp/e" ] && grep -qx ingest "$tmp/cmds" && grep -qx "rules check" "$tmp/cmds" &&
	grep -qx "deal add" "$tmp/cmds" && grep -qx "sync zoom" "$tmp/cmds"; then
	ok "help --commands lists the commands and their verbs ($(wc -l <"$tmp/cmds") lines)"
else bad "help --commands: $(cat "$tmp/cmds" "$tmp/e")"; fi

# every command in the general help is in help --commands, and the other way round
"$MK" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort >"$tmp/listed"
grep -v ' ' "$tmp/cmds" | sort >"$tmp/plain"
if cmp -s "$tmp/listed" "$tmp/plain"; then ok "--help and help --commands list the same commands"
else bad "--help vs help --commands: $(diff "$tmp/listed" "$tmp/plain" | tr '\n' ' ')"; fi

# --help and -h on every command and verb: usage on stdout, nothing on stderr, exit 0;
# `help CMD [VERB]` prints the same
fails=""
while read -r line; do
	for h in --help -h; do
		# shellcheck disable=SC2086 # "deal add" is two words
		"$MK" $line $h >"$tmp/o" 2>"$tmp/e"
		rc=$?
		if [ $rc -ne 0 ] || [ -s "$tmp/e" ] || ! head -n 1 "$tmp/o" | grep -q '^usage: mapkeeper'; then
			fails="$fails [$line $h: rc=$rc $(head -c 200 "$tmp/e")]"
		fi
	done
	# shellcheck disable=SC2086
	"$MK" help $line >"$tmp/h" 2>"$tmp/e"
	rc=$?
	if [ "$line" != help ] && { [ $rc -ne 0 ] || [ -s "$tmp/e" ] || ! cmp -s "$tmp/o" "$tmp/h"; }; then
		fails="$fails [help $line: rc=$rc $(head -c 200 "$tmp/e")]"
	fi
done <"$tmp/cmds"
if [ -z "$fails" ]; then ok "--help, -h and help CMD on every command and verb: usage on stdout, exit 0"
else bad "help:$fails"; fi

"$MK" rules check --help >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 0 ] && grep -q '^usage: mapkeeper rules check' "$tmp/o" && [ ! -s "$tmp/e" ]; then
	ok "rules check --help prints its usage and exits 0"
else bad "rules check --help: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi

"$MK" help >"$tmp/o" 2>"$tmp/e"; rc=$?
"$MK" --help >"$tmp/g"
if [ $rc -eq 0 ] && cmp -s "$tmp/o" "$tmp/g" && grep -q '^commands:' "$tmp/o"; then
	ok "help alone is the general help, on stdout"
else bad "help alone: rc=$rc $(head -3 "$tmp/o") $(cat "$tmp/e")"; fi

"$MK" help ingest >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 0 ] && grep -q '^usage: mapkeeper ingest FILE' "$tmp/o" && ! grep -q '^commands:' "$tmp/o"; then
	ok "help ingest shows ingest's help, not the general one"
else bad "help ingest: rc=$rc $(head -3 "$tmp/o") $(cat "$tmp/e")"; fi

"$MK" help deal add >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 0 ] && grep -q '^usage: mapkeeper deal add NAME' "$tmp/o"; then ok "help deal add shows deal's help"
else bad "help deal add: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi

# expect_err NAME WANT ARGS...: exit 2, nothing on stdout, exactly the line WANT on stderr
expect_err() {
	_name=$1 _want=$2
	shift 2
	"$MK" "$@" >"$tmp/o" 2>"$tmp/e"
	_rc=$?
	if [ $_rc -eq 2 ] && [ ! -s "$tmp/o" ] && [ "$(cat "$tmp/e")" = "$_want" ]; then ok "$_name"
	else bad "$_name: rc=$_rc out=$(head -c 200 "$tmp/o") err=$(cat "$tmp/e") (want: $_want)"; fi
}

expect_err "a mistyped command: did you mean" \
	"mapkeeper: unknown command 'ingset'; did you mean 'ingest'?" ingset demo/northwind-call-01.vtt
expect_err "the start of a command: did you mean" \
	"mapkeeper: unknown command 'hist'; did you mean 'history'?" hist Northwind
expect_err "an unknown command nothing is near: no guess" \
	"mapkeeper: unknown command 'xyzzy' (see 'mapkeeper --help')" xyzzy
expect_err "help with a mistyped command: an error with a suggestion" \
	"mapkeeper: help: unknown command 'dael'; did you mean 'deal'?" help dael
expect_err "help with a mistyped verb: an error with a suggestion" \
	"mapkeeper: help: 'deal' has no verb 'ad'; did you mean 'add'?" help deal ad
"$MK" help --commands extra >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 2 ] && [ ! -s "$tmp/o" ] && grep -q '^usage: mapkeeper help' "$tmp/e"; then ok "help --commands takes nothing after it"
else bad "help --commands extra: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi
expect_err "a mistyped option of help" \
	"mapkeeper: help: unknown option '--comands'; did you mean '--commands'?" help --comands
expect_err "a mistyped option before the command" \
	"mapkeeper: unknown option '--hepl'; did you mean '--help'?" --hepl
expect_err "a mistyped long option: did you mean" \
	"mapkeeper: ingest: unknown option '--dael'; did you mean '--deal'?" ingest demo/northwind-call-01.vtt --dael Northwind
expect_err "--opt=value mistyped: the option is named without its value" \
	"mapkeeper: plan: unknown option '--fromat'; did you mean '--format'?" plan Northwind --fromat=json
expect_err "an ambiguous start of an option lists the candidates" \
	"mapkeeper: ingest: option '--d' is ambiguous (--deal, --date, --date-from-name, --db)" ingest x.vtt --d Northwind
expect_err "an option without its value" \
	"mapkeeper: ingest: option '--deal' needs a value" ingest x.vtt --deal
expect_err "a short option without its value" \
	"mapkeeper: ingest: option '-j' needs a value" ingest x.vtt --deal N -j
expect_err "a value given to a flag" \
	"mapkeeper: review: option '--help' takes no value" review --help=yes
expect_err "a long option written with one dash" \
	"mapkeeper: review: unknown option '-deal'; did you mean '--deal'?" review -deal Northwind
expect_err "an unknown short option" \
	"mapkeeper: review: unknown option '-z' (see 'mapkeeper review --help')" review -z
expect_err "an option nothing is near: no guess" \
	"mapkeeper: health: unknown option '--zzqx' (see 'mapkeeper health --help')" health --zzqx
expect_err "transcript (read by hand) suggests too" \
	"mapkeeper: transcript: unknown option '--fromat'; did you mean '--format'?" transcript --fromat json x.vtt
expect_err "a mistyped verb of rules" \
	"mapkeeper: rules: unknown verb 'chek'; did you mean 'check'?" rules chek

# every command: its longest long option with two letters swapped gets "did you mean" it
fails=""
for c in $(cat "$tmp/listed"); do
	[ "$c" = help ] && continue
	opt=$("$MK" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | awk '{ print length, $0 }' | sort -rn | head -n 1 | cut -d' ' -f2)
	[ -n "$opt" ] || opt=--help
	name=${opt#--}
	typo=--$(printf '%s' "$name" | sed 's/^\(.\)\(.\)\(.\)/\1\3\2/')
	# two equal letters swapped change nothing ("all-deals"): swap the next two instead
	[ "$typo" != "$opt" ] || typo=--$(printf '%s' "$name" | sed 's/^\(..\)\(.\)\(.\)/\1\3\2/')
	"$MK" "$c" "$typo" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	want="mapkeeper: $c: unknown option '$typo'; did you mean '$opt'?"
	if [ $rc -ne 2 ] || [ "$(cat "$tmp/e")" != "$want" ]; then
		fails="$fails [$c $typo: rc=$rc $(cat "$tmp/e")]"
	fi
done
if [ -z "$fails" ]; then ok "every command reports a mistyped option in one line with the nearest (exit 2)"
else bad "mistyped options:$fails"; fi

# --format: "table" and "text" are one format, named "text" in every usage
fails=""
for c in $(cat "$tmp/listed"); do
	if "$MK" "$c" --help | grep -qE -- '--format [a-z|]*table|--format [a-z|]*\|table'; then fails="$fails $c"; fi
done
if [ -z "$fails" ]; then ok "no usage names --format table: the human-readable format is 'text' everywhere"
else bad "usage still says table:$fails"; fi

db="$tmp/f.db"
"$MK" deal add Northwind --seller "Maya Brooks" --db "$db" >/dev/null 2>&1
"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 --db "$db" >/dev/null 2>&1
fails=""
# same_format LABEL ARGS...: --format text and --format table print the same
same_format() {
	_label=$1
	shift
	"$@" --format text >"$tmp/t1" 2>"$tmp/e1"
	_r1=$?
	"$@" --format table >"$tmp/t2" 2>"$tmp/e2"
	_r2=$?
	if [ $_r1 -ne 0 ] || [ $_r2 -ne 0 ] || ! cmp -s "$tmp/t1" "$tmp/t2" || [ ! -s "$tmp/t1" ]; then
		fails="$fails [$_label: rc=$_r1/$_r2 $(head -c 200 "$tmp/e1" "$tmp/e2")]"
	fi
}
same_format plan "$MK" plan Northwind --db "$db"
same_format query "$MK" query --deal Northwind --db "$db"
same_format health "$MK" health Northwind --as-of 2026-03-10 --db "$db"
same_format review "$MK" review --deal Northwind --db "$db"
same_format history "$MK" history Northwind --db "$db"
same_format deal "$MK" deal list --db "$db"
same_format when "$MK" when "next friday" --ref 2026-03-03
same_format extract "$MK" extract demo/northwind-call-01.vtt --seller "Maya Brooks" --date 2026-03-03
same_format transcript "$MK" transcript demo/northwind-call-01.vtt
same_format item "$MK" item list Northwind --db "$db"
same_format call "$MK" call list Northwind --db "$db"
same_format changes "$MK" changes --since 2026-01-01 --db "$db"
"$MK" approve --all --deal Northwind --db "$db" >/dev/null 2>&1
same_format undo "$MK" undo --list --db "$db"
# the deciding commands know "table" too (nothing left to decide: they fail on the id, not the format)
for c in "approve 999" "reject 999" "edit 999 --owner Nina"; do
	# shellcheck disable=SC2086
	"$MK" $c --format table --db "$db" >"$tmp/t1" 2>"$tmp/e1"
	if grep -q "unknown format" "$tmp/e1"; then fails="$fails [$c: $(cat "$tmp/e1")]"; fi
done
if [ -z "$fails" ]; then ok "--format table and --format text print the same, in every command"
else bad "table vs text:$fails"; fi

# a wrong value: one line naming the accepted ones, as the usage names them; exit 2
fails=""
bad_format() { # CMD ARGS...: the command with --format xml
	_c=$1
	shift
	_acc=$("$MK" "$_c" --help | grep -oE -- '--format [a-z|]+' | head -n 1 | sed 's/--format //')
	_list=$(printf '%s' "$_acc" | sed 's/|\([a-z]*\)$/ or \1/; s/|/, /g')
	"$MK" "$_c" "$@" --format xml --db "$tmp/never.db" >"$tmp/o" 2>"$tmp/e"
	_rc=$?
	if [ $_rc -ne 2 ] || [ "$(cat "$tmp/e")" != "mapkeeper: $_c: unknown format 'xml' ($_list)" ] || [ -s "$tmp/o" ]; then
		fails="$fails [$_c: rc=$_rc $(cat "$tmp/e") want ($_list)]"
	fi
}
bad_format plan Northwind
bad_format query
bad_format health
bad_format review
bad_format history Northwind
bad_format deal list
bad_format ingest demo/northwind-call-01.vtt --deal Northwind
bad_format sync zoom
bad_format approve 1
bad_format reject 1
bad_format edit 1 --owner Nina
bad_format undo
bad_format item list Northwind
bad_format call list Northwind
bad_format changes --since 2026-01-01
"$MK" when today --format xml >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && [ "$(cat "$tmp/e")" = "mapkeeper: when: unknown format 'xml' (text or json)" ] || fails="$fails [when: $(cat "$tmp/e")]"
"$MK" extract demo/northwind-call-01.vtt --format xml >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && [ "$(cat "$tmp/e")" = "mapkeeper: extract: unknown format 'xml' (json or text)" ] || fails="$fails [extract: $(cat "$tmp/e")]"
"$MK" transcript demo/northwind-call-01.vtt --format xml >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && [ "$(cat "$tmp/e")" = "mapkeeper: transcript: unknown format 'xml' (json or text)" ] || fails="$fails [transcript: $(cat "$tmp/e")]"
if [ -z "$fails" ]; then ok "a wrong --format is one line listing the accepted values (exit 2)"
else bad "wrong format:$fails"; fi
[ ! -e "$tmp/never.db" ] && ok "a wrong --format creates no database" || bad "a wrong --format created $tmp/never.db"

echo "1..$n"
