#!/bin/sh
# Fixing the plan by hand from the command line: item add (dates as YYYY-MM-DD or words),
# item edit (--due none clears), done/drop/block/reopen with a note, item list, each in
# history with who and when; a proposal's edit before approval in history too; refusals in
# one line (an empty action, a bad side or date, an unknown item, nothing to change);
# deal rename (a taken name refused) and deal remove (--yes needed without a terminal).
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/plan.db"
unset USER LOGNAME 2>/dev/null || true

# one_line CODE NAME CMD...: exits CODE with exactly one "mapkeeper: " line on stderr
one_line() {
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e"
	got=$?
	[ "$got" -eq "$want" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q '^mapkeeper: ' "$tmp/e" \
		&& ok "$name" || bad "$name: exit $got: $(cat "$tmp/o" "$tmp/e")"
}

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" deal add Acme --seller "Maya Brooks" >/dev/null 2>>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& ok "setup" || bad "setup: $(cat "$tmp/e")"

# ---- item add ----
"$MK" item add Northwind --action "Book the onsite visit" --owner "Leo Grant" --side buyer --due 2026-03-20 \
	--as rep >"$tmp/o" 2>"$tmp/e" && grep -q "^added item #1 of 'Northwind' (decision 1): Book the onsite visit" "$tmp/o" &&
	grep -q "owner Leo Grant, side buyer, due 2026-03-20, status open" "$tmp/o" \
	&& ok "item add: the item and its decision" || bad "item add: $(cat "$tmp/o" "$tmp/e")"
"$MK" item add Northwind --action "Send the order form" --due "next friday" --as rep --format json >"$tmp/j" 2>"$tmp/e" &&
	python3 - "$tmp/j" <<'PY' && ok "item add: a date in words, resolved against today; JSON" || bad "item add json: $(cat "$tmp/j" "$tmp/e")"
import json, sys, datetime
d = json.load(open(sys.argv[1]))
i = d["item"]
assert i["action"] == "Send the order form" and i["side"] == "unknown" and i["owner"] is None, i
due = datetime.date.fromisoformat(i["due"])
assert due.weekday() == 4 and 0 < (due - datetime.date.today()).days <= 14, due
assert d["decision"] == 2
PY
one_line 2 "item add: an empty action is refused" "$MK" item add Northwind --action "  "
one_line 2 "item add: no action is refused" "$MK" item add Northwind --owner Leo
one_line 2 "item add: a bad side" "$MK" item add Northwind --action X --side both
one_line 2 "item add: a bad date" "$MK" item add Northwind --action X --due "the thirty-third of never"
one_line 1 "item add: an unknown deal" "$MK" item add Nowhere --action X
one_line 2 "item: an unknown verb" "$MK" item frobnicate 1
one_line 2 "item: an unknown option" "$MK" item add Northwind --action X --colour red
[ "$("$MK" item list Northwind | wc -l)" -eq 3 ] && ok "refusals changed nothing" || bad "list: $("$MK" item list Northwind)"

# ---- item edit and status ----
"$MK" item edit 1 --owner "Farah Khan" --due none --as rep >"$tmp/o" 2>"$tmp/e" &&
	grep -q "owner Farah Khan, side buyer, due -, status open" "$tmp/o" \
	&& ok "item edit: owner changed, due cleared" || bad "edit: $(cat "$tmp/o" "$tmp/e")"
one_line 2 "item edit: nothing given" "$MK" item edit 1
one_line 2 "item edit: an empty action" "$MK" item edit 1 --action ""
one_line 1 "item edit: an unknown item" "$MK" item edit 999 --owner X
one_line 2 "item edit: not an item number" "$MK" item edit abc --owner X
one_line 1 "item edit: the same values: nothing to change" "$MK" item edit 1 --owner "Farah Khan"
"$MK" item done 1 --note "booked for the 20th" --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "status done" "$tmp/o" &&
	"$MK" item block 1 --as rep >/dev/null && "$MK" item drop 1 --as rep >/dev/null &&
	"$MK" item reopen 1 --as rep >"$tmp/o" && grep -q "status open" "$tmp/o" \
	&& ok "done, block, drop, reopen" || bad "status: $(cat "$tmp/o" "$tmp/e")"
one_line 2 "item done takes only --note" "$MK" item done 1 --owner X
"$MK" item list Northwind --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
i = [x for x in d["items"] if x["id"] == 1][0]
assert i["owner"] == "Farah Khan" and i["due"] is None and i["status"] == "open" and i["revisions"] == 6, i' \
	&& ok "item list --format json: the item as changed, six revisions" || bad "list json"

# ---- history: who, when, the note, the decision; a proposal edit before approval ----
"$MK" edit 2 --due 2026-03-11 --as rep >/dev/null 2>"$tmp/e" && "$MK" approve 2 --as rep >/dev/null 2>>"$tmp/e" \
	|| bad "edit and approve: $(cat "$tmp/e")"
"$MK" history Northwind >"$tmp/h" 2>"$tmp/e"
grep -q "created, due 2026-03-20  (by hand, decision 1, by rep)" "$tmp/h" &&
	grep -q "owner Leo Grant -> Farah Khan  (by hand, decision 3, by rep)" "$tmp/h" &&
	grep -q "due 2026-03-20 -> not set  (by hand, decision 3, by rep)" "$tmp/h" &&
	grep -q "status open -> done  (by hand, decision 4, by rep)" "$tmp/h" &&
	grep -q "note: booked for the 20th" "$tmp/h" &&
	grep -q "proposal 2 edited before the decision: due 2026-03-10 -> 2026-03-11  (by rep)" "$tmp/h" \
	&& ok "history: hand edits with decision, who and note; the proposal's edit" || bad "history: $(cat "$tmp/h" "$tmp/e")"
! grep -q "decided by unknown\|by unknown" "$tmp/h" && ok "history: nobody is unknown" || bad "unknown: $(grep unknown "$tmp/h")"
"$MK" history "#1" --format json | python3 -c '
import json, sys
v = json.load(sys.stdin)["revisions"]
hand = [r for r in v if r["source"] == "hand"]
assert len(hand) == 7 and all(r["by"] == "rep" and r["decision"] for r in hand), v
assert [r["note"] for r in hand if r["note"]] == ["booked for the 20th"]' \
	&& ok "history JSON: source, decision and note" || bad "history json: $("$MK" history "#1" --format json)"

# ---- deal rename and remove ----
one_line 1 "deal rename: a taken name is refused" "$MK" deal rename Northwind Acme
one_line 2 "deal rename: an empty name is refused" "$MK" deal rename Northwind " "
one_line 1 "deal rename: an unknown deal" "$MK" deal rename Nowhere Elsewhere
"$MK" deal rename Northwind "Northwind Traders" --as rep >"$tmp/o" 2>"$tmp/e" &&
	"$MK" plan "Northwind Traders" | grep -q "Book the onsite visit" && ! "$MK" plan Northwind >/dev/null 2>&1 &&
	"$MK" history "Northwind Traders" | grep -q 'renamed "Northwind" to "Northwind Traders"  (by rep)' \
	&& ok "deal rename: the plan and its history follow; the rename is in history" || bad "rename: $(cat "$tmp/o" "$tmp/e")"
one_line 2 "deal remove: no terminal and no --yes: refused" "$MK" deal remove "Northwind Traders"
"$MK" deal list | grep -q "^Northwind Traders" && ok "a refused remove removes nothing" || bad "removed anyway"
if command -v script >/dev/null 2>&1; then
	echo n | script -qec "$MK deal remove 'Northwind Traders'" /dev/null >"$tmp/o" 2>&1
	grep -q "remove deal 'Northwind Traders' with 1 call and 3 plan items" "$tmp/o" && grep -q "not confirmed" "$tmp/o" &&
		"$MK" deal list | grep -q "^Northwind Traders" \
		&& ok "deal remove on a terminal asks; no is no" || bad "confirm: $(cat "$tmp/o")"
else
	ok "# SKIP script(1) is not installed: the terminal confirmation is not tried"
fi
"$MK" deal remove "Northwind Traders" --yes >"$tmp/o" 2>"$tmp/e" && ! "$MK" deal list | grep -q Northwind &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Acme --date 2026-03-03 >"$tmp/o" 2>"$tmp/e" &&
	grep -q "12 proposals to review" "$tmp/o" \
	&& ok "deal remove --yes: gone, and its call can be ingested into another deal" || bad "remove: $(cat "$tmp/o" "$tmp/e")"
echo "1..$n"
