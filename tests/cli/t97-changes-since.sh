#!/bin/sh
# `plan DEAL --changes-since last-call|DATE` (issue 14): the refreshed plan to e-mail the
# buyer after a call, with what changed marked: done, slipped (old -> new date), blocked,
# new items, a goal or go-live changed by hand; in md (only shareable risks) and text. The
# plain plan is unchanged by it; bad values and a deal without a call are one line.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/plan.db"
unset USER LOGNAME 2>/dev/null || true

one_line() {
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e"
	got=$?
	[ "$got" -eq "$want" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -qE '^(mapkeeper|usage): ' "$tmp/e" && [ ! -s "$tmp/o" ] \
		&& ok "$name" || bad "$name: exit $got: $(cat "$tmp/o" "$tmp/e")"
}

"$MK" deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" &&
	"$MK" approve --all --deal Northwind --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>>"$tmp/e" &&
	"$MK" approve --all --deal Northwind --as rep >/dev/null 2>>"$tmp/e" \
	&& ok "setup: two calls ingested and approved" || bad "setup: $(cat "$tmp/e")"

# the item numbers of the three pieces of news of call 2
"$MK" plan Northwind --format json >"$tmp/p.json"
eval "$(python3 - "$tmp/p.json" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))["items"]
def find(word):
    return [i["id"] for i in items if word in i["action"].lower()][0]
print("roi=%d export=%d quest=%d" % (find("roi"), find("export"), find("questionnaire")))
PY
)"
[ -n "${roi:-}" ] && ok "the plan has the ROI model (#$roi), the export (#$export) and the questionnaire (#$quest)" \
	|| bad "items not found: $(cat "$tmp/p.json")"

"$MK" plan Northwind --changes-since last-call --format md >"$tmp/m" 2>"$tmp/e"
grep -q "^## What changed" "$tmp/m" &&
	grep -q "^- Done: #$roi .*ROI model" "$tmp/m" &&
	grep -q "^- Slipped: #$export .*: 2026-03-04 -> 2026-03-16" "$tmp/m" &&
	grep -q "^- Blocked: #$quest .*questionnaire" "$tmp/m" &&
	! grep -q "^- New: #$roi " "$tmp/m" && ! grep -q "^- New: #$export " "$tmp/m" \
	&& ok "md since the last call: done, slipped with old and new date, blocked; nothing of call 1 as new" \
	|| bad "changes md: $(cat "$tmp/m" "$tmp/e")"
grep -q "^| $roi | .* | done | \*\*done\*\*" "$tmp/m" && grep -q "^| $export | .*\*\*slipped from 2026-03-04\*\*" "$tmp/m" &&
	grep -q "^| $quest | .* | blocked | \*\*blocked\*\*" "$tmp/m" \
	&& ok "md since the last call: each changed item marked in its row" || bad "row marks: $(cat "$tmp/m")"
"$MK" plan Northwind --format md >"$tmp/plain" 2>"$tmp/e"
grep -q "Helpwise" "$tmp/plain" && ! grep -q "Helpwise" "$tmp/m" && ! grep -q "What changed" "$tmp/plain" &&
	! grep -q '\*\*done\*\*' "$tmp/plain" \
	&& ok "the e-mail leaves out the internal risk the plain md shows, and the plain md marks nothing" \
	|| bad "risk / plain: $(cat "$tmp/plain")"

"$MK" plan Northwind --changes-since 2026-03-03 --format md >"$tmp/m2" 2>"$tmp/e"
grep -q "^- New: #$roi .*ROI model, due 2026-03-10" "$tmp/m2" && grep -q "^- Slipped: #$export " "$tmp/m2" &&
	grep -q "^| $roi | .*\*\*new, done\*\*" "$tmp/m2" \
	&& ok "since a day: the items call 1 added are new" || bad "since date: $(cat "$tmp/m2" "$tmp/e")"
"$MK" plan Northwind --changes-since 2026-04-01 --format md >"$tmp/m3" 2>"$tmp/e"
grep -q "^Nothing changed." "$tmp/m3" && ok "since a later day: nothing changed" || bad "nothing: $(cat "$tmp/m3" "$tmp/e")"

"$MK" plan Northwind --changes-since last-call >"$tmp/t" 2>"$tmp/e"
grep -q "^What changed since the last call (northwind-call-02.vtt, 2026-03-10)" "$tmp/t" &&
	grep -q "^  Slipped: #$export .*: 2026-03-04 -> 2026-03-16" "$tmp/t" && grep -q "\[slipped from 2026-03-04\]" "$tmp/t" &&
	grep -q "\[done\]" "$tmp/t" && grep -q "\[blocked\]" "$tmp/t" \
	&& ok "text since the last call: the list and the marks" || bad "changes text: $(cat "$tmp/t" "$tmp/e")"

# a hand change after the call is news too
"$MK" goal Northwind "Answer every ticket within two hours" --as rep >/dev/null 2>"$tmp/e" &&
	"$MK" go-live Northwind 2026-06-30 --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" plan Northwind --changes-since last-call --format md >"$tmp/m4" 2>>"$tmp/e" &&
	grep -q "^- Goal: Answer every ticket within two hours" "$tmp/m4" && grep -q "^- Go-live: .*2026-06-30" "$tmp/m4" &&
	grep -q '^\*\*Goal:\*\* Answer every ticket within two hours' "$tmp/m4" \
	&& ok "a goal and go-live set by hand after the call are listed" || bad "hand changes: $(cat "$tmp/m4" "$tmp/e")"

# refusals
one_line 2 "--changes-since: not a day" "$MK" plan Northwind --changes-since yesterday --format md
one_line 2 "--changes-since: not with json" "$MK" plan Northwind --changes-since last-call --format json
one_line 2 "--changes-since: not with csv" "$MK" plan Northwind --changes-since 2026-03-01 --format csv
one_line 1 "--changes-since: an unknown deal" "$MK" plan Nowhere --changes-since last-call
"$MK" deal add Empty --seller "Maya Brooks" >/dev/null 2>&1
one_line 1 "--changes-since last-call: a deal without a call" "$MK" plan Empty --changes-since last-call --format md
"$MK" plan Empty --changes-since 2026-01-01 >"$tmp/o" 2>"$tmp/e" && grep -q "^  nothing" "$tmp/o" \
	&& ok "a deal without a call, since a day: nothing" || bad "empty since day: $(cat "$tmp/o" "$tmp/e")"

echo "1..$n"
