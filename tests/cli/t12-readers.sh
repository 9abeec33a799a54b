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
"$MK" ingest "$cases/md-bold-colon.md" "$cases/md-bold-clock.md" --deal Halvorsen --date 2026-03-10 --date-from-name >"$tmp/o" 2>"$tmp/e" &&
	[ "$(grep -c 'proposals to review' "$tmp/o")" -eq 2 ] && ok "ingest stores Markdown calls" ||
	bad "markdown ingest: $(cat "$tmp/o" "$tmp/e")"

# ---- Teams .docx transcripts ----
"$MK" extract "$cases/teams-docx.docx" --format text >"$tmp/o" 2>"$tmp/e" &&
	grep -q "(teams-docx), meeting 2026-03-10" "$tmp/o" &&
	grep -q "^\[00:00:41\] commitment  Dana Whitfield (unknown): send the revised order form; due 2026-03-13" "$tmp/o" &&
	ok "extract reads a Teams .docx, its speakers, times and the date in its header" ||
	bad "docx extract: $(cat "$tmp/o" "$tmp/e")"
"$MK" deal add Whitfield --seller "Dana Whitfield" >/dev/null 2>&1
"$MK" ingest "$cases/teams-docx.docx" --deal Whitfield >"$tmp/o" 2>"$tmp/e" &&
	grep -q "meeting 2026-03-10, 2 commitments" "$tmp/o" && ok "ingest stores a .docx call, dated by its header" ||
	bad "docx ingest: $(cat "$tmp/o" "$tmp/e")"
python3 "$cases/mkdocx.py" stored "$tmp/stored.docx"
"$MK" ingest "$tmp/stored.docx" --deal Whitfield >"$tmp/o" 2>"$tmp/e"
grep -q "already ingested" "$tmp/o" && ok "the same .docx zipped otherwise is the same call (identity over its text)" ||
	bad "re-zipped docx stored again: $(cat "$tmp/o" "$tmp/e")"
python3 "$cases/mkdocx.py" bomb "$tmp/bomb.docx"
"$MK" ingest "$tmp/bomb.docx" --deal Whitfield >"$tmp/o" 2>"$tmp/e"
[ $? -eq 1 ] && [ "$(cat "$tmp/e")" = "mapkeeper: $tmp/bomb.docx: word/document.xml is larger than 64 MiB uncompressed" ] &&
	ok "ingest refuses a zip bomb in one line" || bad "bomb: $(cat "$tmp/o" "$tmp/e")"

# ---- a call not in English: one warning line, exit 0, no findings ----
for c in de-call.vtt:German fr-call.txt:French es-call.srt:Spanish ja-call.vtt:Japanese; do
	f=$cases/lang-${c%%:*} l=${c#*:}
	"$MK" extract "$f" --date 2026-03-03 >"$tmp/o" 2>"$tmp/e"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/e")" = "mapkeeper: $f: the call looks $l, not English; no findings" ] &&
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not any(d[k] for k in ("commitments","stakeholders","risks","updates","dates"))' "$tmp/o"; then
		ok "extract: the $l call says so in one line, exit 0, no findings"
	else
		bad "extract $l: exit $rc: $(cat "$tmp/e") $(head -c 300 "$tmp/o")"
	fi
done
"$MK" deal add Weber --seller "Jonas Weber" >/dev/null 2>&1
"$MK" ingest "$cases/lang-de-call.vtt" --deal Weber --date 2026-03-03 >"$tmp/o" 2>"$tmp/e"
rc=$?
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/e")" = "mapkeeper: $cases/lang-de-call.vtt: the call looks German, not English; no findings" ] &&
	grep -q "0 commitments, 0 stakeholders, 0 risks, 0 updates -> 0 proposals" "$tmp/o" &&
	ok "ingest: the German call is stored with no proposals and one warning line" ||
	bad "ingest German: exit $rc: $(cat "$tmp/o" "$tmp/e")"
"$MK" ingest "$cases/lang-de-call.vtt" --deal Weber --date 2026-03-03 >"$tmp/o" 2>&1
grep -q "already ingested" "$tmp/o" && ok "the German call was stored" || bad "German call not stored: $(cat "$tmp/o")"
"$MK" ingest -j 2 "$cases/lang-fr-call.txt" "$cases/md-list.md" --deal Weber --date 2026-03-04 --date-from-name >"$tmp/o" 2>"$tmp/e"
[ "$(grep -c . "$tmp/e")" -eq 1 ] && grep -q "lang-fr-call.txt: the call looks French" "$tmp/e" &&
	[ "$(grep -c "proposals to review" "$tmp/o")" -eq 2 ] &&
	ok "ingest -j: only the French call is warned about" || bad "ingest -j lang: $(cat "$tmp/o" "$tmp/e")"

# ---- no English call of the shared corpus or samples is taken for another language ----
if [ -d "${SHARED:-}/corpus/dev" ]; then
	set --
	for f in "$SHARED"/corpus/dev/*/*.vtt "$SHARED"/corpus/real-gold/*/*.vtt "$SHARED"/corpus/real-silver/*.vtt \
		"$SHARED"/samples/*/*.vtt; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	"$MK" extract "$@" --date 2026-03-03 --format text >/dev/null 2>"$tmp/foreign"
	rc=$?
	[ "$rc" -eq 0 ] && [ "$#" -ge 40 ] && [ ! -s "$tmp/foreign" ] &&
		ok "none of the $# English calls in ../shared is taken for another language" ||
		bad "shared calls taken as foreign (exit $rc, $# read): $(cat "$tmp/foreign")"
else
	ok "# SKIP ../shared is absent: the English corpus check needs ../shared/corpus"
fi

echo "1..$n"
