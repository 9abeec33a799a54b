#!/bin/sh
# The meeting's date and the database file (issue 11, points 5 and 6).
# - ingest never dates a call "today" by default: a call with no --date and no date in
#   its name or content is refused with how to give one, and nothing is stored; one
#   --date for several files is refused unless --date-from-name, which lets each file's
#   own date win and dates only the others; extract keeps the contract's "today"
#   (date_source says so).
# - read commands never make a database: in a folder without one, each says so in one
#   line naming the path and `deal add`, exit 1, and no file appears; deal add makes it.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/d.db"
c1=demo/northwind-call-01.vtt
c2=demo/northwind-call-02.vtt
meetings() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from meetings').fetchone()[0])" "$MAPKEEPER_DB"; }

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" && ok "deal add makes the database" \
	|| bad "deal add: $(cat "$tmp/e")"

# no date anywhere: refused, one line naming the file and --date, nothing stored
"$MK" ingest "$c1" --deal Northwind >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "northwind-call-01.vtt: no meeting date" "$tmp/e" \
	&& grep -q -- "--date" "$tmp/e" && [ "$(meetings)" = 0 ] && [ ! -s "$tmp/o" ] \
	&& ok "a call with no date in --date, its name or its content is refused, nothing stored" \
	|| bad "undated call: rc $rc, $(meetings) meetings, $(cat "$tmp/o" "$tmp/e")"

# one --date for several files: refused before anything is read
"$MK" ingest "$c1" "$c2" --deal Northwind --date 2026-03-03 >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q -- "--date-from-name" "$tmp/e" && [ "$(meetings)" = 0 ] \
	&& ok "one --date for two files is refused (exit 2, one line naming --date-from-name)" \
	|| bad "--date for two files: rc $rc $(cat "$tmp/o" "$tmp/e")"

# the date in the name; --date-from-name: the file's own date wins, --date dates the rest
cp "$c2" "$tmp/northwind-2026-03-10.vtt"
"$MK" ingest "$c1" "$tmp/northwind-2026-03-10.vtt" --deal Northwind --date 2026-03-03 --date-from-name \
	>"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 0 ] && grep -q "northwind-call-01.vtt: meeting 2026-03-03," "$tmp/o" \
	&& grep -q "northwind-2026-03-10.vtt: meeting 2026-03-10," "$tmp/o" \
	&& ok "--date-from-name: the file named with 2026-03-10 keeps it, the undated one gets --date" \
	|| bad "--date-from-name: rc $rc $(cat "$tmp/o" "$tmp/e")"
"$MK" history Northwind --format json >"$tmp/h.json" 2>/dev/null
"$MK" query --said "ROI model" --deal Northwind >"$tmp/q" 2>"$tmp/e"
grep -q "(2026-03-10)" "$tmp/q" && ok "the stored meeting carries the date from the name" \
	|| bad "stored date: $(cat "$tmp/q" "$tmp/e")"

# a single file: --date still dates it, even over a date in its name
"$MK" deal add Other --seller "Maya Brooks" >/dev/null 2>&1
cp tests/cases/extract/accept.vtt "$tmp/other-2026-04-01.vtt"
"$MK" ingest "$tmp/other-2026-04-01.vtt" --deal Other --date 2026-04-02 >"$tmp/o" 2>"$tmp/e" \
	&& grep -q "meeting 2026-04-02," "$tmp/o" && ok "one file: --date dates it" || bad "one file --date: $(cat "$tmp/o" "$tmp/e")"

# extract keeps the contract: without --date, the file's date, else today, and says which
"$MK" extract "$c1" >"$tmp/x.json" 2>"$tmp/e" && "$MK" extract "$tmp/northwind-2026-03-10.vtt" >"$tmp/y.json" 2>>"$tmp/e" \
	&& python3 - "$tmp/x.json" "$tmp/y.json" <<'PY' && ok "extract: date_source today (undated) and file (dated name)" || bad "extract dates: $(cat "$tmp/e")"
import json, sys, datetime
x = json.load(open(sys.argv[1]))["meeting"]
y = json.load(open(sys.argv[2]))["meeting"]
assert x["date_source"] == "today" and x["start"] == datetime.date.today().isoformat(), x
assert y["date_source"] == "file" and y["start"] == "2026-03-10", y
PY

# read commands in a folder with no database: one line, exit 1, nothing made
mkdir "$tmp/empty"
unset MAPKEEPER_DB
fails=""
for args in "review" "review --deal Northwind" "plan Northwind" "query" "query --said budget" "history Northwind" \
	"health" "deal list" "deal show Northwind" "approve 1" "approve --all --deal Northwind" "reject 1" \
	"edit 1 --owner X" "serve --listen 127.0.0.1:0"; do
	# shellcheck disable=SC2086
	(cd "$tmp/empty" && timeout 10 "$MK" $args >"$tmp/o" 2>"$tmp/e")
	rc=$?
	if [ $rc -ne 1 ] || [ "$(wc -l <"$tmp/e")" -ne 1 ] || ! grep -q "no database at ./mapkeeper.db" "$tmp/e" \
		|| ! grep -q "mapkeeper deal add NAME --seller" "$tmp/e" || [ -s "$tmp/o" ] || [ -n "$(ls -A "$tmp/empty")" ]; then
		fails="$fails [$args: rc $rc $(cat "$tmp/o" "$tmp/e") $(ls -A "$tmp/empty")]"
		rm -f "$tmp/empty"/*
	fi
done
[ -z "$fails" ] && ok "14 read and decide commands without a database: one line naming ./mapkeeper.db and deal add, exit 1, no file made" \
	|| bad "without a database:$fails"

# --db and $MAPKEEPER_DB name the missing path
"$MK" plan Northwind --db "$tmp/empty/nope.db" >/dev/null 2>"$tmp/e"
rc=$?
MAPKEEPER_DB="$tmp/empty/env.db" "$MK" health >/dev/null 2>>"$tmp/e"
rc2=$?
[ $rc -eq 1 ] && [ $rc2 -eq 1 ] && grep -q "no database at $tmp/empty/nope.db" "$tmp/e" && grep -q "no database at $tmp/empty/env.db" "$tmp/e" \
	&& [ -z "$(ls -A "$tmp/empty")" ] && ok "--db and \$MAPKEEPER_DB: the missing path is named, nothing made" \
	|| bad "--db/env: $rc $rc2 $(cat "$tmp/e")"

# only the writers make one: deal add here, then reads work
(cd "$tmp/empty" && "$MK" deal add Fresh --seller "A B" >/dev/null 2>"$tmp/e" && "$MK" deal list >"$tmp/o" 2>>"$tmp/e") \
	&& [ -f "$tmp/empty/mapkeeper.db" ] && grep -q "^Fresh" "$tmp/o" && ok "deal add makes ./mapkeeper.db; deal list then reads it" \
	|| bad "deal add in an empty folder: $(cat "$tmp/e")"
echo "1..$n"
