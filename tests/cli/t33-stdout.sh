#!/bin/sh
# Standard output that cannot be written (issue 11, point 12): every command that prints
# exits 1 with "mapkeeper: cannot write standard output: ..." when its output goes to
# /dev/full (a full disk), and a closed standard output is no silent success either.
# Also the progress line: only with --progress (or a terminal) and only on stderr.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/s.db"
if [ ! -w /dev/full ]; then
	ok "# SKIP no /dev/full on this system"
	echo "1..$n"
	exit 0
fi
"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" &&
	"$MK" approve --all --deal Northwind >/dev/null 2>>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>>"$tmp/e" \
	|| bad "setup: $(cat "$tmp/e")"
pending=$("$MK" review --deal Northwind --format json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)["proposals"]))')
set -- $pending
# a call of its own to remove (call remove)
"$MK" deal add Spare --seller "Maya Brooks" >/dev/null 2>>"$tmp/e" &&
	printf 'Maya Brooks: I will call you on Monday.\n' >"$tmp/spare.txt" &&
	"$MK" ingest "$tmp/spare.txt" --deal Spare --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	|| bad "setup: $(cat "$tmp/e")"
spare_call=$("$MK" call list Spare --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["calls"][0]["id"])')
cp demo/northwind-call-02.vtt "$tmp/copy-2026-03-17.vtt"
printf 'Maya Brooks: I will send the pricing by Friday.\n' >"$tmp/new.txt"

fails=""
count=0
# each line: a command whose output goes to /dev/full (words split on spaces)
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	count=$((count + 1))
	# shellcheck disable=SC2086
	"$MK" $cmd >/dev/full 2>"$tmp/e"
	rc=$?
	if [ $rc -ne 1 ] || ! tail -n 1 "$tmp/e" | grep -q "^mapkeeper: cannot write standard output: no space left on device$"; then
		fails="$fails [$cmd: rc $rc $(cat "$tmp/e")]"
	fi
done <<EOF
--help
--version
help
help plan
help deal add
help --commands
transcript demo/northwind-call-01.vtt
transcript demo/northwind-call-01.vtt --format text
extract demo/northwind-call-01.vtt
extract demo/northwind-call-01.vtt --format text
extract demo/northwind-call-01.vtt demo/northwind-call-02.vtt
when tomorrow --ref 2026-03-03
when tomorrow --ref 2026-03-03 --format json
rules check
deal add Other --seller X
deal list
deal list --format json
deal show Northwind
deal show Northwind --format json
ingest $tmp/copy-2026-03-17.vtt --deal Northwind
ingest $tmp/new.txt --deal Northwind --date 2026-03-20 --format json
review
review --deal Northwind --format json
edit $1 --owner Nina
edit $1 --owner Nina --format json
approve $1
approve $3 --format json
reject $2 --reason no
reject $4 --format json
approve --all --deal Northwind
plan Northwind
plan Northwind --format json
plan Northwind --format csv
plan Northwind --format md
query
query --overdue --as-of 2026-03-31 --format csv
query --said budget
query --said budget --format json
query --format json
history Northwind
history Northwind --format json
health
health --as-of 2026-03-31
health --format json
history 1
changes --since 2026-01-01
changes --since 2026-01-01 --format json
changes --since 2026-01-01 --format csv
item add Northwind --action ship --due 2026-04-01
item edit 1 --owner Nina
item done 1 --note done
item list Northwind
item list Northwind --format json
undo --list
undo --list --format json
undo
undo --format json
call list Northwind
call list Northwind --format json
call remove $spare_call
deal rename Spare Spare2
deal rename Spare2 Spare3 --format json
deal remove Spare3 --yes
EOF
[ -z "$fails" ] && ok "$count commands that print, to /dev/full: exit 1 and 'cannot write standard output'" \
	|| bad "to /dev/full:$fails"

# what they printed was nothing lost: the failed `deal add` still added (the write
# happened before), and a command that prints nothing still succeeds
"$MK" deal show Other >/dev/null 2>&1 && ok "the data was written; only the report could not be" || bad "deal add to /dev/full"
"$MK" plan Northwind >"$tmp/o" 2>"$tmp/e" && [ -s "$tmp/o" ] && [ ! -s "$tmp/e" ] \
	&& ok "the same commands to a file: exit 0, nothing on stderr" || bad "plan to a file: $(cat "$tmp/e")"

# a closed standard output
"$MK" plan Northwind >&- 2>"$tmp/e"
rc=$?
[ $rc -eq 1 ] && grep -q "cannot write standard output: bad file descriptor" "$tmp/e" \
	&& ok "a closed standard output: exit 1, one line" || bad "closed stdout: rc $rc $(cat "$tmp/e")"

# the progress line: --progress shows it on stderr, never on stdout; without it, none
cp demo/northwind-call-01.vtt "$tmp/a-2026-04-01.vtt"
printf '\n' >>"$tmp/a-2026-04-01.vtt"
cp demo/northwind-call-02.vtt "$tmp/b-2026-04-08.vtt"
printf '\n' >>"$tmp/b-2026-04-08.vtt"
"$MK" deal add P --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest "$tmp/a-2026-04-01.vtt" "$tmp/b-2026-04-08.vtt" --deal P --progress >"$tmp/o" 2>"$tmp/e"
rc=$?
tr '\r' '\n' <"$tmp/e" >"$tmp/e2"
[ $rc -eq 0 ] && grep -q "^mapkeeper: ingest: file 1 of 2: extracting .*a-2026-04-01.vtt" "$tmp/e2" \
	&& grep -q "^mapkeeper: ingest: file 2 of 2: storing .*b-2026-04-08.vtt" "$tmp/e2" \
	&& [ "$(tail -c 4 "$tmp/e" | od -An -c | tr -d ' ')" = '\r033[K' ] \
	&& ! grep -q "file 1 of 2" "$tmp/o" && [ "$(wc -l <"$tmp/o")" -eq 2 ] \
	&& ok "ingest --progress: 'file N of 2' on stderr, rewritten in place and cleared at the end; stdout unchanged" \
	|| bad "progress: rc $rc $(od -c "$tmp/e" | head) $(cat "$tmp/o")"
"$MK" extract "$tmp/a-2026-04-01.vtt" --progress >"$tmp/o" 2>"$tmp/e"
tr '\r' '\n' <"$tmp/e" | grep -q "extract: file 1 of 1: extracting" && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/o" \
	&& ok "extract --progress: on stderr; stdout stays JSON" || bad "extract progress: $(cat "$tmp/e")"
"$MK" extract "$tmp/a-2026-04-01.vtt" >/dev/null 2>"$tmp/e"
[ ! -s "$tmp/e" ] && ok "no --progress and stderr not a terminal: no progress line" || bad "unasked progress: $(cat "$tmp/e")"
echo "1..$n"
