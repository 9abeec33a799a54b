#!/bin/sh
# t12-readers.sh: the inputs people have, end to end through the command line:
# Microsoft Graph's unpadded cue times, content identity that ignores line endings and a
# BOM, Markdown transcripts, Teams .docx transcripts and calls not in English (a warning
# line, exit 0, no findings; ingest stores the call with no proposals).
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/r.db"
cases=tests/cases/transcript
c1=demo/northwind-call-01.vtt

# ---- identity: line endings and a BOM do not make another call ----
lf_sum=$(sha256sum "$c1" | cut -c1-64)
"$MK" transcript "$c1" | grep -q "\"sha256\": \"$lf_sum\"" &&
	ok "an LF file without BOM keeps the digest of its bytes (stored calls stay valid)" ||
	bad "LF digest changed"
printf '\357\273\277' >"$tmp/crlf.vtt"
sed 's/$/\r/' "$c1" >>"$tmp/crlf.vtt"
tr '\n' '\r' <"$c1" >"$tmp/cr.vtt"
"$MK" transcript "$tmp/crlf.vtt" | grep -q "\"sha256\": \"$lf_sum\"" &&
	"$MK" transcript "$tmp/cr.vtt" | grep -q "\"sha256\": \"$lf_sum\"" &&
	ok "BOM+CRLF and CR copies have the LF file's identity" || bad "CRLF identity differs"
"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" || bad "deal add: $(cat "$tmp/e")"
"$MK" ingest "$c1" --deal Northwind --date 2026-03-03 >"$tmp/o" 2>"$tmp/e" || bad "ingest: $(cat "$tmp/e")"
"$MK" ingest "$tmp/crlf.vtt" --deal Northwind --date 2026-03-03 >"$tmp/o" 2>"$tmp/e"
grep -q "already ingested" "$tmp/o" && ok "a CRLF copy of a stored call is not stored again" ||
	bad "CRLF copy stored again: $(cat "$tmp/o" "$tmp/e")"

# ---- Microsoft Graph's "0:0:0.0 --> 0:0:5.320" ----
"$MK" extract "$cases/teams-graph-short-stamps.vtt" --date 2026-03-03 --format text >"$tmp/o" 2>"$tmp/e" &&
	grep -q "^\[00:01:02\] commitment  Dana Whitfield" "$tmp/o" &&
	ok "extract reads Graph's unpadded cue times" || bad "graph stamps: $(cat "$tmp/o" "$tmp/e")"

# ---- Markdown transcripts ----
"$MK" extract "$cases/md-bold-colon.md" --format text >"$tmp/o" 2>"$tmp/e" &&
	grep -q "^# .*md-bold-colon.md (markdown), meeting 2026-03-10" "$tmp/o" &&
	grep -q "commitment  Dana Whitfield (unknown): send the revised quote" "$tmp/o" &&
	ok "extract reads a Markdown transcript, with the date its header gives" ||
	bad "markdown extract: $(cat "$tmp/o" "$tmp/e")"
"$MK" deal add Halvorsen --seller "Dana Whitfield" >/dev/null 2>&1
"$MK" ingest "$cases/md-bold-colon.md" "$cases/md-bold-clock.md" --deal Halvorsen --date 2026-03-10 >"$tmp/o" 2>"$tmp/e" &&
	[ "$(grep -c 'proposals to review' "$tmp/o")" -eq 2 ] && ok "ingest stores Markdown calls" ||
	bad "markdown ingest: $(cat "$tmp/o" "$tmp/e")"

echo "1..$n"
