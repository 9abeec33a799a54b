#!/bin/sh
# The managers' questions through the command line on the bundled calls: query (overdue,
# owner, slipped, text, --said, every format), history of a deal and of an item (created,
# status and due changes with their quotes), health (table and JSON), and the error paths:
# an unknown deal in one line (exit 1), bad dates and flags in one line (exit 2).
. "$TOP/tests/cli/lib.sh"
db="$tmp/q.db"
export MAPKEEPER_DB="$db"

"$MK" deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind >/dev/null 2>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& "$MK" approve --all --deal Northwind --as lead >/dev/null 2>>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>>"$tmp/e" \
	&& "$MK" approve --all --deal Northwind --as manager >/dev/null 2>>"$tmp/e" \
	&& ok "a deal from the two demo calls" || bad "setup: $(cat "$tmp/e")"
"$MK" deal add Quiet --seller "Sam Patel" >/dev/null 2>&1

# ---- query ----
"$MK" query --overdue --as-of 2026-04-30 >"$tmp/o" 2>"$tmp/e"
[ $? -eq 0 ] && grep -q "^Northwind" "$tmp/o" && grep -q "days late" "$tmp/o" \
	&& ok "query --overdue finds late items" || bad "overdue: $(cat "$tmp/o" "$tmp/e")"
"$MK" query --overdue --as-of 2026-04-30 --format json >"$tmp/od.json" 2>"$tmp/e"
"$MK" query --overdue --as-of 2026-03-01 --format json >"$tmp/od0.json" 2>>"$tmp/e"
python3 - "$tmp/od.json" "$tmp/od0.json" <<'PY' && ok "query JSON: the item shape, only open items due before as-of" || bad "query json: $(head -c 600 "$tmp/od.json") $(cat "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
items = d["items"]
assert items, d
for i in items:
    assert set(i) == {"deal", "id", "action", "owner", "side", "due", "status", "revisions", "slipped"}, i
    assert i["status"] == "open" and i["due"] < "2026-04-30", i
    assert i["deal"] == "Northwind"
assert json.load(open(sys.argv[2])) == {"items": []}
PY
"$MK" query --overdue --as-of 2026-03-01 >"$tmp/o" 2>&1
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/o")" -eq 1 ] && grep -q "no plan items match" "$tmp/o" \
	&& ok "no rows: one friendly line" || bad "no rows: $(cat "$tmp/o")"

"$MK" query --owner leo --format json >"$tmp/o.json" 2>"$tmp/e"
python3 - "$tmp/o.json" <<'PY' && ok "query --owner matches a first name in any case" || bad "owner: $(cat "$tmp/o.json" "$tmp/e")"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert items and all(i["owner"] == "Leo Grant" for i in items), items
PY
"$MK" query --slipped --format json >"$tmp/s.json" 2>"$tmp/e"
python3 - "$tmp/s.json" <<'PY' && ok "query --slipped: items whose due moved" || bad "slipped: $(cat "$tmp/s.json" "$tmp/e")"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert items and all(i["slipped"] is True and i["revisions"] >= 1 for i in items), items
PY
"$MK" query --deal Northwind --side seller --status open --text "PRICING review" --format csv >"$tmp/c" 2>"$tmp/e"
[ "$(head -1 "$tmp/c")" = "deal,id,action,owner,side,due,status,revisions,slipped" ] && [ "$(wc -l <"$tmp/c")" -eq 2 ] \
	&& grep -q "^Northwind,[0-9]*,send an invite for a pricing review,Maya Brooks,seller,2026-03-20,open,0,no$" "$tmp/c" \
	&& ok "query CSV with every filter at once" || bad "csv: $(cat "$tmp/c" "$tmp/e")"
"$MK" query --text "ticket export" --format csv | grep -q '"send us last quarter'"'"'s ticket export"' \
	&& bad "csv quotes a field that needs none" || ok "CSV quotes only fields that need it"
"$MK" query --due-from 2026-03-10 --due-to 2026-03-17 --format json >"$tmp/r.json"
python3 - "$tmp/r.json" <<'PY' && ok "query --due-from/--due-to" || bad "range: $(cat "$tmp/r.json")"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert items and all("2026-03-10" <= i["due"] <= "2026-03-17" for i in items), items
PY

# ---- what was said ----
"$MK" query --said budget --deal Northwind >"$tmp/o" 2>"$tmp/e"
[ $? -eq 0 ] && grep -q "Leo Grant: And honestly this wasn't in the budget" "$tmp/o" && grep -q "00:00:29" "$tmp/o" \
	&& ok "query --said budget finds Leo Grant's line" || bad "said: $(cat "$tmp/o" "$tmp/e")"
"$MK" query --said budget --format json >"$tmp/w.json" 2>"$tmp/e"
python3 - "$tmp/w.json" <<'PY' && ok "said JSON shape" || bad "said json: $(cat "$tmp/w.json" "$tmp/e")"
import json, sys
said = json.load(open(sys.argv[1]))["said"]
assert len(said) >= 1, said
s = said[0]
assert set(s) == {"deal", "meeting", "start", "speaker", "text"}, s
assert s["speaker"] == "Leo Grant" and s["start"] == "00:00:29" and s["meeting"] == "northwind-call-01.vtt", s
assert "budget" in s["text"]
PY
"$MK" query --said budget --owner Maya --format json | python3 -c 'import json,sys; assert json.load(sys.stdin) == {"said": []}' \
	&& ok "--said with --owner filters by speaker" || bad "said owner"
"$MK" query --said "budget" --owner leo --format csv >"$tmp/c"
[ "$(head -1 "$tmp/c")" = "deal,meeting,start,speaker,text" ] && grep -q '^Northwind,northwind-call-01.vtt,00:00:29,Leo Grant,"And honestly' "$tmp/c" \
	&& ok "said CSV" || bad "said csv: $(cat "$tmp/c")"
"$MK" query --said "zebra crossing" >"$tmp/o" 2>&1
[ $? -eq 0 ] && [ "$(wc -l <"$tmp/o")" -eq 1 ] && ok "nothing said: one friendly line" || bad "said none: $(cat "$tmp/o")"

# ---- history ----
"$MK" history Northwind >"$tmp/h" 2>"$tmp/e"
[ $? -eq 0 ] && grep -q "created, due" "$tmp/h" && grep -q "status open -> done" "$tmp/h" \
	&& grep -q "due 2026-03-04 -> 2026-03-16" "$tmp/h" && grep -q "decided by manager" "$tmp/h" \
	&& grep -q 'northwind-call-02.vtt 00:00:11 Nina Patel: "I'"'"'ll send it over Monday, for real."' "$tmp/h" \
	&& ok "history of the deal: created, status and due changes with quotes" || bad "history: $(cat "$tmp/h" "$tmp/e")"
"$MK" history Northwind --format json >"$tmp/h.json" 2>"$tmp/e"
python3 - "$tmp/h.json" >"$tmp/slip" <<'PY' && ok "history JSON: oldest first, every change caused by a quote" || bad "history json: $(head -c 800 "$tmp/h.json") $(cat "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["deal"] == "Northwind" and d["item"] is None
revs = d["revisions"]
fields = [r["field"] for r in revs]
assert "created" in fields and "status" in fields and "due" in fields, fields
assert fields.index("created") < fields.index("due")
assert [r["at"] for r in revs] == sorted(r["at"] for r in revs)
for r in revs:
    assert set(r) >= {"deal", "item_id", "action", "field", "old_value", "new_value", "at", "by", "evidence"}, r
    ev = r["evidence"]
    assert ev and set(ev) == {"meeting", "start", "speaker", "quote"} and ev["quote"], r
due = [r for r in revs if r["field"] == "due"][0]
assert due["old_value"] == "2026-03-04" and due["new_value"] == "2026-03-16" and due["by"] == "manager"
assert due["evidence"]["meeting"] == "northwind-call-02.vtt"
print(due["item_id"])
PY
slip=$(cat "$tmp/slip")
"$MK" history "#$slip" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [r["field"] for r in d["revisions"]] == ["created", "due"], d
assert d["item"] == int(sys.argv[1])' "$slip" && ok "history of one item (#N)" || bad "item history"
"$MK" history "$slip" | grep -q "^History of item #$slip" && ok "history of one item (N)" || bad "item history text"
"$MK" history Quiet >"$tmp/o" 2>&1; [ $? -eq 0 ] && [ "$(wc -l <"$tmp/o")" -eq 1 ] && ok "no history: one friendly line" || bad "quiet: $(cat "$tmp/o")"
"$MK" history Quiet --format json | python3 -c 'import json,sys; assert json.load(sys.stdin)["revisions"] == []' \
	&& ok "no history: an empty array" || bad "quiet json"

# ---- health ----
"$MK" health --as-of 2026-04-30 >"$tmp/o" 2>"$tmp/e"
[ $? -eq 0 ] && grep -q "^Northwind .* 51 days ago" "$tmp/o" && grep -q "^Quiet .* never" "$tmp/o" \
	&& ok "health table" || bad "health: $(cat "$tmp/o" "$tmp/e")"
"$MK" health Northwind --as-of 2026-04-30 --format json >"$tmp/hh.json" 2>"$tmp/e"
python3 - "$tmp/hh.json" <<'PY' && ok "health JSON numbers" || bad "health json: $(cat "$tmp/hh.json" "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["as_of"] == "2026-04-30"
[h] = d["deals"]
assert h["deal"] == "Northwind"
assert h["items"] >= 6 and 0 < h["buyer_items"] < h["items"], h
assert abs(h["buyer_share"] - h["buyer_items"] / h["items"]) < 0.01, h
assert h["overdue"] >= 1 and h["slipped"] >= 1 and h["open_risks"] >= 1, h
assert h["days_since_change"] == 51, h
assert h["stakeholders_named"] >= 1 and 0 <= h["stakeholders_met"] <= h["stakeholders_named"], h
PY

# ---- errors ----
one_line() { # expected-exit description command...
	want=$1; what=$2; shift 2
	"$@" >/dev/null 2>"$tmp/e"; got=$?
	[ "$got" -eq "$want" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && ok "$what" || bad "$what: exit $got, $(cat "$tmp/e")"
}
one_line 1 "query: unknown deal" "$MK" query --deal Nowhere
grep -q "no deal 'Nowhere'" "$tmp/e" && ok "the unknown deal is named" || bad "message: $(cat "$tmp/e")"
one_line 1 "query --said: unknown deal" "$MK" query --said budget --deal Nowhere
one_line 1 "history: unknown deal" "$MK" history Nowhere
one_line 1 "history: unknown item" "$MK" history 99999
one_line 1 "health: unknown deal" "$MK" health Nowhere
one_line 2 "query: a bad --as-of" "$MK" query --overdue --as-of 2026-13-40
one_line 2 "query: a bad --due-from" "$MK" query --due-from tomorrow
one_line 2 "query: a bad --side" "$MK" query --side both
one_line 2 "query: a bad --status" "$MK" query --status late
one_line 2 "query: a bad --limit" "$MK" query --limit -3
one_line 2 "query: an unknown flag" "$MK" query --bogus
one_line 2 "query: a bad format" "$MK" query --format xml
one_line 2 "query: an item filter with --said" "$MK" query --said budget --overdue
one_line 2 "query: --said with no word" "$MK" query --said "?!"
one_line 2 "history: no argument" "$MK" history
one_line 2 "history: a bad format" "$MK" history Northwind --format csv
one_line 2 "health: a bad --as-of" "$MK" health --as-of 30/04/2026
one_line 2 "health: two deals" "$MK" health Northwind Quiet
