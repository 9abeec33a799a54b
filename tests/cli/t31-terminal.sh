#!/bin/sh
# Terminal output (issue 11, point 11): whatever path a text came in by (a deal name on
# the command line, an edit through the JSON API, a speaker in a transcript), no control
# character (C0 but newline and tab, DEL, C1) and no bidirectional control (U+202E...)
# reaches standard output or standard error raw: text shows the "\uXXXX" stand-in, JSON
# stays valid and gives the original text back, CSV stays parseable.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/t.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT

# raw FILE...: 0 when a file holds ESC, CR, DEL, a C1 control or a bidi control
raw() {
	python3 - "$@" <<'PY'
import re, sys
bad = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
hit = [f for f in sys.argv[1:] if bad.search(open(f, "rb").read().decode("utf-8", "replace"))]
sys.exit(0 if hit else 1)
PY
}

evil=$(printf 'Acme\033[2J\rX\342\200\256Corp')
"$MK" deal add "$evil" --seller "Maya Brooks" >"$tmp/o" 2>"$tmp/e" || bad "deal add: $(cat "$tmp/e")"
"$MK" deal list >>"$tmp/o" 2>>"$tmp/e"
"$MK" deal show "${evil}x" >>"$tmp/o" 2>>"$tmp/e"
! raw "$tmp/o" "$tmp/e" && grep -q 'Acme\\u001b\[2J\\u000dX\\u202eCorp' "$tmp/o" && grep -q 'Acme\\u001b' "$tmp/e" \
	&& ok "a deal name with ESC, CR and U+202E: deal add, list and an error show stand-ins, nothing raw" \
	|| bad "deal name: $(od -c "$tmp/o" "$tmp/e" | head -20)"
"$MK" deal list --format json >"$tmp/j" 2>"$tmp/e"
! raw "$tmp/j" && python3 - "$tmp/j" "$evil" <<'PY' && ok "deal list JSON: valid, \\u escapes, the same name back" || bad "deal json: $(cat "$tmp/j")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["deals"][0]["name"] == sys.argv[2], d
PY

# a call, then an edit through the API carrying ESC, CR and U+202E, approved
"$MK" ingest demo/northwind-call-01.vtt --deal "$evil" --date 2026-03-03 >/dev/null 2>"$tmp/e" || bad "ingest: $(cat "$tmp/e")"
if command -v curl >/dev/null 2>&1; then
	id=$("$MK" review --deal "$evil" --format json | python3 -c 'import json,sys; print([p["id"] for p in json.load(sys.stdin)["proposals"] if p["kind"] == "add_item"][0])')
	serve_start MAPKEEPER_TOKEN=t0ken-for-terminal || bad "serve: $(cat "$tmp/serve.err")"
	printf '{"action": "send the deck\\u001b]0;pwned\\u0007\\r\\u202eevil"}' >"$tmp/body"
	code=$(curl -s -o "$tmp/b" -w '%{http_code}' -X PATCH -H "Authorization: Bearer t0ken-for-terminal" \
		--data-binary @"$tmp/body" "$base/api/proposals/$id")
	serve_stop
	[ "$code" = 200 ] && ok "an API edit stores an action with ESC, BEL, CR and U+202E" || bad "PATCH: $code $(cat "$tmp/b")"
	"$MK" review --deal "$evil" >"$tmp/r" 2>&1
	"$MK" approve "$id" --as "$(printf 'rep\033[1m')" >>"$tmp/r" 2>&1
	"$MK" plan "$evil" >"$tmp/p" 2>&1
	"$MK" plan "$evil" --format md >>"$tmp/p" 2>&1
	"$MK" history "$evil" >"$tmp/h" 2>&1
	"$MK" query --text deck >"$tmp/q" 2>&1
	"$MK" health >>"$tmp/q" 2>&1
	! raw "$tmp/r" "$tmp/p" "$tmp/h" "$tmp/q" && grep -q 'deck\\u001b\]0;pwned\\u0007\\u000d\\u202eevil' "$tmp/p" \
		&& grep -q 'pwned\\u0007' "$tmp/h" && grep -q 'pwned' "$tmp/q" \
		&& ok "review, approve, plan (table, md), history, query, health: stand-ins, nothing raw" \
		|| bad "API text in the terminal: $(od -c "$tmp/p" | head -30)"
	"$MK" plan "$evil" --format json >"$tmp/pj" 2>&1
	"$MK" plan "$evil" --format csv >"$tmp/pc" 2>&1
	! raw "$tmp/pj" "$tmp/pc" && python3 - "$tmp/pj" "$tmp/pc" <<'PY' && ok "plan JSON gives the text back; CSV parses, one row per item" || bad "json/csv: $(cat "$tmp/pj" "$tmp/pc")"
import csv, json, sys
p = json.load(open(sys.argv[1]))
acts = [i["action"] for i in p["items"]]
assert "send the deck\x1b]0;pwned\x07\r\u202eevil" in acts, acts
rows = list(csv.reader(open(sys.argv[2], newline="")))
assert len(rows) == len(p["items"]) + 1, rows
assert any("pwned" in c for r in rows for c in r), rows
PY
else
	ok "# SKIP curl is not installed (the API edit)"
	ok "# SKIP curl is not installed"
	ok "# SKIP curl is not installed"
fi

# a speaker name and a quote with a right-to-left override, read from a transcript
printf 'Maya\342\200\256 Brooks: I will send the \302\233pricing by Friday.\nLeo Grant: Great.\n' >"$tmp/rtl.txt"
"$MK" transcript "$tmp/rtl.txt" --format text >"$tmp/t" 2>&1
"$MK" extract "$tmp/rtl.txt" --date 2026-03-03 --format text >>"$tmp/t" 2>&1
"$MK" extract "$tmp/rtl.txt" --date 2026-03-03 >"$tmp/x" 2>&1
! raw "$tmp/t" "$tmp/x" && grep -q 'Maya\\u202e Brooks' "$tmp/t" && python3 - "$tmp/x" <<'PY' \
	&& ok "a speaker with U+202E: transcript and extract text show it escaped; extract JSON gives it back" \
	|| bad "transcript rtl: $(cat "$tmp/t" "$tmp/x")"
import json, sys
x = json.load(open(sys.argv[1]))
assert "Maya\u202e Brooks" in [s["name"] for s in x["speakers"]], x["speakers"]
PY
echo "1..$n"
