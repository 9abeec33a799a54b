#!/bin/sh
# `mapkeeper health`'s columns for a manager: pending (proposals waiting for review: a
# deal with a call not yet reviewed must not read as a quiet one), next step (the open item
# due soonest on or after --as-of, the first by number on its day; done and blocked items
# are no next step; "! none" and a closing line when there is none), next meeting (the one
# a call set, once approved: "none" while it is only proposed, and again once it is past);
# --no-next-step and --no-next-meeting list just those deals; the same fields in
# `health --format json`.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/h.db"

"$MK" deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind >/dev/null 2>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& "$MK" deal add Quiet --seller "Sam Patel" >/dev/null 2>>"$tmp/e" \
	&& ok "a deal with a call not reviewed, and a deal with nothing" || bad "setup: $(cat "$tmp/e")"

# health JSON of one deal: the value of a field
hj() {
	"$MK" health "$1" --as-of "$2" --format json | python3 -c '
import json, sys
[h] = json.load(sys.stdin)["deals"]
print(json.dumps(h[sys.argv[1]]))' "$3"
}
pending=$("$MK" review --deal Northwind --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["proposals"]))')
[ "$pending" -gt 5 ] && [ "$(hj Northwind 2026-03-04 pending)" = "$pending" ] && [ "$(hj Northwind 2026-03-04 items)" = 0 ] \
	&& ok "pending: the $pending proposals waiting, while the plan has no item yet" || bad "pending: $pending vs $(hj Northwind 2026-03-04 pending)"
"$MK" health --as-of 2026-03-04 >"$tmp/o" 2>"$tmp/e"
[ $? -eq 0 ] && grep -q "pending  next meeting  next step$" "$tmp/o" \
	&& grep -q "^Northwind .* $pending  none          ! none$" "$tmp/o" \
	&& ok "table: the pending count, next meeting none, no next step yet" || bad "table: $(cat "$tmp/o" "$tmp/e")"

"$MK" approve --all --deal Northwind --as lead >/dev/null 2>"$tmp/e" || bad "approve: $(cat "$tmp/e")"
# call 1: "I'll send an invite for a pricing review on the twentieth"
[ "$(hj Northwind 2026-03-04 next_meeting)" = '"2026-03-20"' ] && ok "next meeting: the one call 1 set, once approved" \
	|| bad "next meeting after call 1: $(hj Northwind 2026-03-04 next_meeting)"
"$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>"$tmp/e" \
	|| bad "second call: $(cat "$tmp/e")"
p2=$("$MK" review --deal Northwind --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["proposals"]))')
[ "$(hj Northwind 2026-03-04 pending)" = "$p2" ] && [ "$p2" -gt 0 ] && ok "approving counts down; a new call counts up ($p2)" || bad "pending after: $p2"
[ "$(hj Northwind 2026-03-04 next_meeting)" = '"2026-03-20"' ] && ok "next meeting: call 2's new one is only proposed yet" \
	|| bad "next meeting while call 2 is pending: $(hj Northwind 2026-03-04 next_meeting)"
"$MK" approve --all --deal Northwind --as manager >/dev/null 2>"$tmp/e" || bad "approve: $(cat "$tmp/e")"
[ "$(hj Northwind 2026-03-04 pending)" = 0 ] && ok "nothing waiting: pending 0" || bad "pending not 0"

# The plan now: #1 ROI model (due 03-05), #4 blocked (03-06), #2 walk Farah through the ROI
# model done (03-10) and #8 update the plan (03-10), #3 ticket export (slipped to 03-16),
# #5 turn the questionnaire around (03-17),
# #6 pricing review (03-20), #7 sign (03-31). Call 2 moved the next meeting to Thursday
# 03-12 at ten.
"$MK" health Northwind --as-of 2026-03-05 --format json >"$tmp/h.json" 2>"$tmp/e"
python3 - "$tmp/h.json" <<'PY' && ok "next step: done and blocked items skipped, the first by number on the day; next meeting: call 2's" || bad "next step: $(cat "$tmp/h.json" "$tmp/e")"
import json, sys
[h] = json.load(open(sys.argv[1]))["deals"]
assert h["next_step"] == "2026-03-05" and h["next_step_action"] == "put together an ROI model using your ticket volumes and send it over", h
assert h["next_meeting"] == "2026-03-12" and h["pending"] == 0, h
for k in ("pending", "next_step", "next_step_action", "next_meeting"):
    assert k in h, k
PY
[ "$(hj Northwind 2026-03-12 next_step)" = '"2026-03-16"' ] \
	&& [ "$(hj Northwind 2026-03-12 next_step_action)" = '"send us last quarter'"'"'s ticket export"' ] \
	&& ok "next step after the slip: the moved date" || bad "after slip: $(hj Northwind 2026-03-12 next_step)"
[ "$(hj Northwind 2026-03-17 next_step)" = '"2026-03-17"' ] && ok "an item due on the day is the next step" || bad "on the day"
[ "$(hj Northwind 2026-04-01 next_step)" = null ] && [ "$(hj Northwind 2026-04-01 next_step_action)" = null ] \
	&& ok "nothing due from as-of on: null" || bad "none: $(hj Northwind 2026-04-01 next_step)"

"$MK" health --as-of 2026-03-12 >"$tmp/o" 2>"$tmp/e"
grep -q "^Northwind .*  0  2026-03-12    2026-03-16 send us last quarter's ticket export\(\.\.\.\)\{0,1\}$" "$tmp/o" \
	&& grep -q "^Quiet .*  0  none          ! none$" "$tmp/o" \
	&& grep -q "^1 deal has no next step (no open item due on or after 2026-03-12): 'mapkeeper health --no-next-step' lists it$" "$tmp/o" \
	&& ok "table: the next meeting and the next step with its date, a warning for the deal with none" || bad "table: $(cat "$tmp/o" "$tmp/e")"
"$MK" health --as-of 2026-03-12 --no-next-step >"$tmp/o" 2>"$tmp/e"
grep -q "^Quiet " "$tmp/o" && ! grep -q "^Northwind" "$tmp/o" && ok "--no-next-step lists just those deals" || bad "filter: $(cat "$tmp/o" "$tmp/e")"
"$MK" health --as-of 2026-04-01 --no-next-step --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [h["deal"] for h in d["deals"]] == ["Northwind", "Quiet"], d' && ok "--no-next-step in JSON, later: both deals" || bad "filter json"
"$MK" health Northwind --as-of 2026-03-12 --no-next-step >"$tmp/o" 2>&1
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/o")" -eq 1 ] && grep -q "^every deal has what was asked for as of 2026-03-12$" "$tmp/o" \
	&& ok "no deal left by the filter: one line" || bad "filter empty: $(cat "$tmp/o")"
"$MK" health --as-of 2026-03-12 --no-next-meeting --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [h["deal"] for h in d["deals"]] == ["Quiet"], d' && ok "--no-next-meeting: the deal whose calls set none" || bad "no next meeting"
"$MK" health --as-of 2026-03-13 --no-next-meeting --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [h["deal"] for h in d["deals"]] == ["Northwind", "Quiet"], d
assert d["deals"][0]["next_meeting"] is None, d' && ok "--no-next-meeting the day after 03-12: a past meeting is none" || bad "past meeting"
"$MK" health --help | grep -q -- "--no-next-step" && ok "--help names the filters" || bad "help"

echo "1..$n"
