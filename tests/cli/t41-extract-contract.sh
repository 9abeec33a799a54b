#!/bin/sh
# mapkeeper extract: the JSON contract (../shared/docs/extraction-contract.md), the text
# format, standard input, and bad input: one line on stderr, non-zero exit, empty stdout.
. "$TOP/tests/cli/lib.sh"
call=demo/northwind-call-01.vtt

"$MK" extract "$call" --date 2026-03-03T10:00:00-05:00 --seller "Maya Brooks" --seller-org Deskflow \
	--buyer-org Northwind --format json >"$tmp/out.json" 2>"$tmp/err"
if python3 - "$tmp/out.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
for k in ("source", "meeting", "speakers", "commitments", "stakeholders", "risks", "updates", "dates"):
    assert k in d, k
assert set(("path", "format", "sha256")) <= set(d["source"]) and len(d["source"]["sha256"]) == 64
assert d["meeting"] == {"start": "2026-03-03T10:00:00-05:00", "date_source": "flag"}, d["meeting"]
ts = re.compile(r"^\d\d:\d\d:\d\d\.\d\d\d$")
def ev(e):
    assert set(("speaker", "start", "end", "quote")) <= set(e) and ts.match(e["start"]) and ts.match(e["end"])
for s in d["speakers"]:
    assert s["side"] in ("buyer", "seller", "unknown") and isinstance(s["utterances"], int)
assert {s["name"]: s["side"] for s in d["speakers"]}["Maya Brooks"] == "seller"
assert d["commitments"], "no commitments"
for c in d["commitments"]:
    for k in ("owner", "side", "action", "due", "due_text", "confidence", "rule", "evidence"):
        assert k in c, k
    assert c["due"] is None or re.match(r"^\d{4}-\d\d-\d\d$", c["due"])
    assert c["side"] in ("buyer", "seller", "unknown")
    ev(c["evidence"])
for r in d["risks"]:
    assert r["category"] in ("budget", "timeline", "competition", "paper_process", "stakeholder", "technical", "priority")
    ev(r["evidence"])
for s in d["stakeholders"]:
    ev(s["evidence"])
for u in d["updates"]:
    assert u["change"] in ("done", "new_due", "blocked", "dropped")
for x in d["dates"]:
    assert "text" in x and "value" in x
PY
then ok "JSON has every field of the contract"; else bad "JSON contract: $(head -3 "$tmp/err")"; fi

"$MK" extract - --date 2026-03-03 <"$call" >"$tmp/stdin.json" 2>"$tmp/err"
if [ $? -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['source']['path']=='-' and d['commitments']" "$tmp/stdin.json"; then
	ok "'-' reads standard input"; else bad "stdin: $(cat "$tmp/err")"; fi

"$MK" extract "$call" --date 2026-03-03 --format text >"$tmp/out.txt" 2>"$tmp/err"
if grep -q '^\[00:00:37\] commitment  Maya Brooks' "$tmp/out.txt"; then ok "text format: one line per finding with time and speaker"
else bad "text format: $(head -3 "$tmp/out.txt")"; fi

"$MK" extract "$call" >"$tmp/today.json" 2>/dev/null
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['meeting']['date_source']=='today'" "$tmp/today.json"; then
	ok "without --date the meeting is today and says so"; else bad "date_source today"; fi

expect_fail() { # description, expected stderr substring, expected rc (1 or 2), args...
	desc=$1; want=$2; wantrc=$3; shift 3
	"$MK" extract "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
	lines=$(wc -l <"$tmp/e")
	if [ $rc -eq "$wantrc" ] && [ ! -s "$tmp/o" ] && grep -q -- "$want" "$tmp/e" && [ "$lines" -eq 1 ]; then ok "$desc"
	else bad "$desc: rc=$rc stdout=$(head -c 80 "$tmp/o") stderr=$(cat "$tmp/e")"; fi
}
expect_fail "a missing file is named" "mapkeeper: nope.vtt" 1 nope.vtt
printf '\000\001\002binary' >"$tmp/bin.vtt"
expect_fail "binary input is refused" "bin.vtt" 1 "$tmp/bin.vtt"
: >"$tmp/empty.vtt"
expect_fail "an empty file is refused" "empty.vtt" 1 "$tmp/empty.vtt"
expect_fail "a bad --date is a usage error" "cannot read --date 'tomorrowish'" 2 "$call" --date tomorrowish
expect_fail "an unknown format is a usage error" "unknown format 'xml'" 2 "$call" --format xml
expect_fail "an unknown option is a usage error" "unknown option '--sellr'; did you mean '--seller'?" 2 "$call" --sellr x
mkdir -p "$tmp/rules"
printf 'rule a\nkind: commitment\npattern: (x\nexample: x\n' >"$tmp/rules/a.rules"
expect_fail "a broken rule stops extract with file:line" "a.rules:3: cannot compile pattern" 1 "$call" --rules "$tmp/rules"
