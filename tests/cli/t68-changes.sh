#!/bin/sh
# `mapkeeper changes`: what changed on the plans across deals in a period, on the two demo
# calls (03-03 and 03-10, approved today) and a second deal: by meeting date (the default:
# only the changes the calls of the period caused) and by decision date; --until, --deal;
# every row with the deal, the item, old -> new, who decided and the words (meeting,
# speaker, time, quote); stakeholders, risks and the plan's elements (goal, go-live, next
# meeting) once approved, never a pending or rejected proposal; words for dates ("last
# monday"); table, JSON and CSV; the errors in one line.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/c.db"
today=$(date +%F)

"$MK" deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind >/dev/null 2>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& "$MK" approve --all --deal Northwind --as lead >/dev/null 2>>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>>"$tmp/e" \
	&& "$MK" approve --all --deal Northwind --as manager >/dev/null 2>>"$tmp/e" \
	&& "$MK" deal add Acme --seller "Sam Patel" >/dev/null 2>>"$tmp/e" \
	&& printf 'Sam Patel: I will send the pricing proposal by Friday.\nDana Reyes: Honestly this was not in the budget for this year, so our CFO will want a business case.\nDana Reyes: The decision sits with Omar Li, he is our CFO.\n' >"$tmp/acme-2026-03-12.txt" \
	&& "$MK" ingest "$tmp/acme-2026-03-12.txt" --deal Acme --date 2026-03-12 >/dev/null 2>>"$tmp/e" \
	&& ok "two deals from the demo calls and a call of our own" || bad "setup: $(cat "$tmp/e")"
# Acme's proposals: the item and Omar Li approved; the risk and the CFO without a name rejected
"$MK" review --deal Acme --format json >"$tmp/acme.json"
python3 - "$tmp/acme.json" >"$tmp/ids" <<'PY' || bad "acme proposals: $(cat "$tmp/acme.json")"
import json, sys
ps = json.load(open(sys.argv[1]))["proposals"]
adds = [p["id"] for p in ps if p["kind"] == "add_item" or p.get("name") == "Omar Li"]
rest = [p["id"] for p in ps if p["id"] not in adds]
assert len(adds) == 2 and any(p["kind"] == "add_risk" for p in ps if p["id"] in rest), ps
assert adds and rest, ps
print(" ".join(map(str, adds)))
print(" ".join(map(str, rest)))
PY
"$MK" approve $(sed -n 1p "$tmp/ids") --as sam >/dev/null 2>"$tmp/e" && "$MK" reject $(sed -n 2p "$tmp/ids") --as sam >/dev/null 2>>"$tmp/e" \
	|| bad "acme decisions: $(cat "$tmp/e")"

# ---- by meeting date ----
"$MK" changes --since 2026-03-05 --format json >"$tmp/m.json" 2>"$tmp/e"
python3 - "$tmp/m.json" <<'PY' && ok "by meeting: only what the calls from 03-05 caused, each row with its words" || bad "by meeting: $(head -c 1500 "$tmp/m.json") $(cat "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["since"] == "2026-03-05" and d["until"] is None and d["by"] == "meeting" and d["deal"] is None, d
rows = d["changes"]
keys = {"deal", "item_id", "action", "field", "old", "new", "at", "by", "meeting", "meeting_start",
        "speaker", "start_ms", "quote"}
for r in rows:
    assert set(r) == keys, r
    assert r["meeting_start"] >= "2026-03-05", r
    assert r["quote"] and r["speaker"] and isinstance(r["start_ms"], int), r
nw = [r for r in rows if r["deal"] == "Northwind"]
assert all(r["meeting"] == "northwind-call-02.vtt" and r["by"] == "manager" for r in nw), nw
fields = sorted((r["field"], r["old"], r["new"]) for r in nw)
assert ("due", "2026-03-04", "2026-03-16") in fields, fields
assert ("status", "open", "done") in fields and ("status", "open", "blocked") in fields, fields
added = [r for r in nw if r["field"] == "added"]
assert {r["action"] for r in added} == {"sign the contract (if security clears it)", "update the plan and send it round"}, added
# call 2's plan elements, once approved: the goal, the go-live, the next meeting moved
el = {r["field"]: (r["old"], r["new"]) for r in nw if r["item_id"] is None}
assert el.get("goal") == (None, "no customer waits more than a day for a first answer"), el
assert el.get("go_live") == (None, "2026-06-01 (live)"), el
assert el.get("next_meeting", ("", ""))[0] == "2026-03-20: a pricing review" and el["next_meeting"][1].startswith("2026-03-12 10:00"), el
slip = [r for r in nw if r["field"] == "due"][0]
assert slip["speaker"] == "Nina Patel" and slip["quote"] == "I'll send it over Monday, for real.", slip
assert slip["start_ms"] == 11800 and isinstance(slip["item_id"], int), slip
# Acme: the approved item and stakeholder; a rejected risk or stakeholder is not a change
acme = [r for r in rows if r["deal"] == "Acme"]
assert [(r["field"], r["new"]) for r in acme] == [("added", "2026-03-13"), ("stakeholder", "Omar Li (CFO)")], acme
assert all(r["by"] == "sam" and r["meeting"] == "acme-2026-03-12.txt" for r in acme), acme
assert all(r["meeting_start"].startswith("2026-03-12") for r in acme), acme
# oldest first by the call's date
starts = [r["meeting_start"][:10] for r in rows]
assert starts == sorted(starts), starts
PY

"$MK" changes --since 2026-03-01 --until 2026-03-05 --format json >"$tmp/u.json" 2>"$tmp/e"
python3 - "$tmp/u.json" <<'PY' && ok "--until: the first call's items, stakeholders, risks and next meeting, once approved" || bad "until: $(head -c 1500 "$tmp/u.json") $(cat "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["until"] == "2026-03-05"
rows = d["changes"]
assert rows and all(r["meeting"] == "northwind-call-01.vtt" and r["by"] == "lead" for r in rows), rows
fields = {r["field"] for r in rows}
assert fields == {"added", "stakeholder", "risk", "next_meeting"}, fields
# the call's next meeting ("an invite for a pricing review on the twentieth"): a change of
# the deal map, not of an item
[m] = [r for r in rows if r["field"] == "next_meeting"]
assert (m["old"], m["new"]) == (None, "2026-03-20: a pricing review") and m["item_id"] is None, m
assert m["speaker"] == "Maya Brooks" and "pricing review on the twentieth" in m["quote"], m
people = {r["new"] for r in rows if r["field"] == "stakeholder"}
assert "Farah Khan (CFO)" in people, people
for r in rows:
    if r["field"] in ("stakeholder", "risk", "next_meeting"):
        assert r["item_id"] is None and r["action"] is None and r["quote"], r
risks = [r["new"] for r in rows if r["field"] == "risk"]
assert any(x.startswith("budget: ") for x in risks), risks
PY

"$MK" changes --since 2026-03-01 --deal Acme --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["deal"] == "Acme" and d["changes"] and {r["deal"] for r in d["changes"]} == {"Acme"}, d' \
	&& ok "--deal: one deal's changes" || bad "--deal"

# ---- by decision date: everything was approved today ----
"$MK" changes --since "$today" --by decision --format json >"$tmp/d.json" 2>"$tmp/e"
"$MK" changes --since 2026-03-01 --format json >"$tmp/all.json" 2>>"$tmp/e"
python3 - "$tmp/d.json" "$tmp/all.json" "$today" <<'PY' && ok "by decision: the calls of March were all decided today" || bad "by decision: $(head -c 800 "$tmp/d.json") $(cat "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
a = json.load(open(sys.argv[2]))
assert d["by"] == "decision"
assert d["changes"] and all(r["at"].startswith(sys.argv[3]) for r in d["changes"]), d
key = lambda r: (r["deal"], r["item_id"] or 0, r["field"], r["old"] or "", r["new"] or "")
assert sorted(map(key, d["changes"])) == sorted(map(key, a["changes"]))
PY
"$MK" changes --since 2026-03-01 --until 2026-03-31 --by decision --format json | python3 -c '
import json, sys; assert json.load(sys.stdin)["changes"] == []' \
	&& ok "by decision, March: nothing (decided later)" || bad "by decision in March"

# ---- the table and CSV ----
"$MK" changes --since 2026-03-05 >"$tmp/t" 2>"$tmp/e"
[ $? -eq 0 ] && grep -q "^2026-03-10  Northwind  #[0-9]* send us last quarter's ticket export" "$tmp/t" \
	&& grep -q "  due 2026-03-04 -> 2026-03-16 (slipped)  (decided by manager on $today)" "$tmp/t" \
	&& grep -q '  northwind-call-02.vtt 00:00:11 Nina Patel: "I'"'"'ll send it over Monday, for real."' "$tmp/t" \
	&& grep -q "status open -> blocked" "$tmp/t" && grep -q "^2026-03-12  Acme  #[0-9]* " "$tmp/t" \
	&& ! grep -q "northwind-call-01" "$tmp/t" \
	&& ok "table: date, deal, item, old -> new, who decided, the words" || bad "table: $(cat "$tmp/t" "$tmp/e")"
"$MK" changes --since 2026-03-01 --until 2026-03-05 | grep -q "stakeholder added: Farah Khan (CFO)" \
	&& ok "table: a stakeholder added" || bad "table stakeholder"
"$MK" changes --since 2026-03-05 --format csv >"$tmp/c" 2>"$tmp/e"
[ "$(head -1 "$tmp/c")" = "date,deal,item_id,action,field,old,new,at,by,meeting,meeting_start,speaker,start,quote" ] \
	&& grep -q "^2026-03-10,Northwind,[0-9]*,send us last quarter's ticket export,due,2026-03-04,2026-03-16,${today}T[0-9:]*Z,manager,northwind-call-02.vtt,2026-03-10,Nina Patel,00:00:11,\"I'll send it over Monday, for real.\"$" "$tmp/c" \
	&& [ "$(wc -l <"$tmp/c")" -eq "$(($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["changes"]))' "$tmp/m.json") + 1))" ] \
	&& ok "CSV: a header and one line per change" || bad "csv: $(cat "$tmp/c" "$tmp/e")"
"$MK" changes --since 2026-06-01 >"$tmp/o" 2>&1
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/o")" -eq 1 ] && grep -q "^no changes from 2026-06-01" "$tmp/o" \
	&& ok "no changes: one friendly line" || bad "none: $(cat "$tmp/o")"

# ---- words for dates ----
lm=$("$MK" when "last monday")
"$MK" changes --since "last monday" --format json | python3 -c '
import json, sys; d = json.load(sys.stdin); assert d["since"] == sys.argv[1], d' "$lm" \
	&& ok "--since \"last monday\" resolves against today ($lm)" || bad "last monday"
"$MK" changes --since "last month" --until "last month" --format json | python3 -c '
import json, sys; d = json.load(sys.stdin); assert d["since"][8:] == "01" and d["since"][:7] == d["until"][:7] and d["until"] >= d["since"], d' \
	&& ok "a period: --since its first day, --until its last" || bad "last month"

# ---- errors: one line, exit 2 (usage) or 1 (no such deal) ----
one_line() {
	want=$1 what=$2
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	[ $rc -eq "$want" ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "^mapkeeper: \|^usage: mapkeeper changes " "$tmp/e" \
		&& ok "$what: exit $want, one line" || bad "$what: exit $rc: $(cat "$tmp/o" "$tmp/e")"
}
one_line 2 "no --since" "$MK" changes
one_line 2 "a --since that is no date" "$MK" changes --since soonish
one_line 2 "a --since after today" "$MK" changes --since "next friday"
one_line 2 "--until before --since" "$MK" changes --since 2026-03-05 --until 2026-03-01
one_line 2 "an unknown --by" "$MK" changes --since 2026-03-05 --by call
one_line 2 "an unknown format" "$MK" changes --since 2026-03-05 --format xml
one_line 2 "an unknown flag" "$MK" changes --since 2026-03-05 --dael Acme
one_line 2 "a stray argument" "$MK" changes Acme --since 2026-03-05
one_line 1 "an unknown deal" "$MK" changes --since 2026-03-05 --deal Nowhere
"$MK" changes --help | grep -q "^usage: mapkeeper changes --since DATE" && ok "--help" || bad "help"

echo "1..$n"
