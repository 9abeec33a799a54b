#!/bin/sh
# Fixing the plan by hand through the JSON API: add an item (201), change it (PATCH, due
# null clears), done/drop/block/reopen with a note, the decisions with their ids, undo (the
# last one, one by id, twice: 409), deal rename (a taken name: 409) and remove, a deal's
# calls and removing one; bad bodies get 400 with a JSON error; a session writes with its
# CSRF token and history names who logged in. The server runs on a free loopback port.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/serve.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT
if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP curl is not installed"
	exit 0
fi

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" &&
	"$MK" deal add Acme --seller "Maya Brooks" >/dev/null 2>>"$tmp/e" \
	&& ok "a database from the demo call" || bad "setup: $(cat "$tmp/e")"

serve_start MAPKEEPER_TOKEN=t0ken-for-tests || { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 1; }
api="$base/api"
req() {
	m=$1 p=$2
	shift 2
	curl -s -o "$tmp/b" -w '%{http_code}' -X "$m" -H "Authorization: Bearer t0ken-for-tests" "$@" "$api$p"
}
js() { python3 -c "import json,sys; d=json.load(open('$tmp/b')); $1"; }

# ---- items ----
[ "$(req POST /deals/Northwind/items -d '{"action": "Book the onsite visit", "owner": "Leo Grant", "side": "buyer", "due": "2026-03-20"}')" = 201 ] &&
	js 'i = d["item"]; assert i["action"] == "Book the onsite visit" and i["owner"] == "Leo Grant" and i["side"] == "buyer" and i["due"] == "2026-03-20" and i["status"] == "open" and i["deal"] == "Northwind"; assert d["decision"] > 0; print(i["id"])' >"$tmp/id" \
	&& ok "POST items: 201 with the item" || bad "add: $(cat "$tmp/b")"
item=$(cat "$tmp/id")
[ "$(req POST /deals/Northwind/items -d '{"action": "   "}')" = 400 ] && js 'assert "empty" in d["error"]' \
	&& ok "an empty action: 400" || bad "empty action: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/items -d '{"owner": "Leo"}')" = 400 ] && js 'assert "action" in d["error"]' \
	&& ok "no action: 400" || bad "no action: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/items -d '{"action": "x", "side": "both"}')" = 400 ] \
	&& [ "$(req POST /deals/Northwind/items -d '{"action": "x", "due": "someday soonish"}')" = 400 ] \
	&& [ "$(req POST /deals/Northwind/items -d '{"action": 7}')" = 400 ] \
	&& [ "$(req POST /deals/Northwind/items -d 'not json')" = 400 ] && js 'assert d["error"]' \
	&& ok "a bad side, date, type or body: 400" || bad "bad fields: $(cat "$tmp/b")"
[ "$(req POST /deals/Nowhere/items -d '{"action": "x"}')" = 404 ] && ok "an unknown deal: 404" || bad "unknown deal: $(cat "$tmp/b")"

[ "$(req PATCH "/items/$item" -d '{"owner": "Farah Khan", "due": null}')" = 200 ] &&
	js 'i = d["item"]; assert i["owner"] == "Farah Khan" and i["due"] is None, i' \
	&& ok "PATCH items: owner changed, due null clears it" || bad "patch: $(cat "$tmp/b")"
[ "$(req PATCH "/items/$item" -d '{}')" = 400 ] && ok "PATCH with nothing to change: 400" || bad "empty patch: $(cat "$tmp/b")"
[ "$(req PATCH /items/99999 -d '{"owner": "X"}')" = 404 ] && ok "PATCH an unknown item: 404" || bad "patch 404: $(cat "$tmp/b")"
[ "$(req POST "/items/$item/done" -d '{"note": "booked for the 20th"}')" = 200 ] && js 'assert d["item"]["status"] == "done"' \
	&& [ "$(req POST "/items/$item/block")" = 200 ] && js 'assert d["item"]["status"] == "blocked"' \
	&& [ "$(req POST "/items/$item/drop")" = 200 ] && js 'assert d["item"]["status"] == "dropped"' \
	&& [ "$(req POST "/items/$item/reopen")" = 200 ] && js 'assert d["item"]["status"] == "open"' \
	&& ok "done, block, drop, reopen" || bad "status: $(cat "$tmp/b")"
[ "$(req POST "/items/$item/reopen")" = 400 ] && js 'assert "nothing to change" in d["error"]' \
	&& ok "reopen an open item: 400, nothing to change" || bad "reopen twice: $(cat "$tmp/b")"
[ "$(req POST "/items/$item/done" -d '{"owner": "X"}')" = 400 ] && ok "a field with done: 400" || bad "done with field: $(cat "$tmp/b")"
[ "$(req GET "/items/$item/done")" = 405 ] && ok "GET on a write: 405" || bad "405: $(cat "$tmp/b")"

# ---- decisions and undo ----
[ "$(req GET '/decisions?deal=Northwind&limit=3')" = 200 ] && js '
v = d["decisions"]
assert len(v) == 3, v
for x in v:
    for k in ("id", "kind", "deal", "proposal_id", "item_id", "by", "at", "summary"):
        assert k in x, k
assert v[0]["kind"] == "item_edit" and v[0]["by"] == "api" and v[0]["deal"] == "Northwind", v[0]
assert v[0]["id"] > v[1]["id"]
print(v[0]["id"])' >"$tmp/last" && ok "GET decisions: newest first, with ids, who and what" || bad "decisions: $(cat "$tmp/b")"
last=$(cat "$tmp/last")
[ "$(req GET '/decisions?limit=zero')" = 400 ] && ok "a bad limit: 400" || bad "limit: $(cat "$tmp/b")"
[ "$(req POST /undo)" = 200 ] && js "assert d['undone']['id'] == $last and d['undone']['undone_by'] > $last" &&
	[ "$(req GET "/deals/Northwind/plan")" = 200 ] && js "assert [i for i in d['items'] if i['id'] == $item][0]['status'] == 'dropped'" \
	&& ok "POST undo: the last decision (reopen) is undone" || bad "undo: $(cat "$tmp/b")"
[ "$(req POST /undo -d "{\"decision\": $last}")" = 409 ] && js 'assert "undone already" in d["error"]' \
	&& ok "undo twice: 409" || bad "undo twice: $(cat "$tmp/b")"
[ "$(req POST /undo -d '{"decision": "one"}')" = 400 ] && [ "$(req POST /undo -d '{"decision": 99999}')" = 404 ] \
	&& ok "a bad or unknown decision: 400, 404" || bad "bad decision: $(cat "$tmp/b")"
add=$(req GET '/decisions?deal=Northwind&limit=50' >/dev/null; js 'print([x for x in d["decisions"] if x["kind"] == "item_add"][0]["id"])')
[ "$(req POST /undo -d "{\"decision\": $add}")" = 409 ] && js 'assert "undo that first" in d["error"]' \
	&& ok "undo of an add a later edit depends on: 409 naming it" || bad "dependent undo: $(cat "$tmp/b")"

# ---- calls ----
[ "$(req GET /deals/Northwind/calls)" = 200 ] && js '
c = d["calls"]
assert len(c) == 1 and c[0]["label"] == "northwind-call-01.vtt" and c[0]["proposals_pending"] > 0
for k in ("id", "label", "start", "ingested_at", "proposals_pending"):
    assert k in c[0], k
print(c[0]["id"])' >"$tmp/call" && ok "GET a deal's calls" || bad "calls: $(cat "$tmp/b")"
call=$(cat "$tmp/call")
[ "$(req DELETE "/calls/$call")" = 200 ] && js 'assert d["removed"]["proposals_pending"] > 0' &&
	[ "$(req GET /deals/Northwind/proposals)" = 200 ] && js 'assert d["proposals"] == []' &&
	[ "$(req GET /deals/Northwind/calls)" = 200 ] && js 'assert d["calls"] == []' \
	&& ok "DELETE a call: its pending proposals go" || bad "call remove: $(cat "$tmp/b")"
[ "$(req DELETE "/calls/$call")" = 409 ] && [ "$(req DELETE /calls/99999)" = 404 ] \
	&& ok "a removed or unknown call: 409, 404" || bad "call twice: $(cat "$tmp/b")"

# ---- deals ----
[ "$(req POST /deals/Northwind/rename -d '{"name": "Acme"}')" = 409 ] && js 'assert "exists already" in d["error"]' \
	&& ok "rename to a taken name: 409" || bad "rename taken: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/rename -d '{"name": ""}')" = 400 ] && ok "rename to nothing: 400" || bad "rename empty: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/rename -d '{"name": "Northwind Traders"}')" = 200 ] &&
	[ "$(req GET "/deals/Northwind%20Traders/plan")" = 200 ] && [ "$(req GET /deals/Northwind/plan)" = 404 ] \
	&& ok "rename: the plan is under the new name" || bad "rename: $(cat "$tmp/b")"
[ "$(req DELETE "/deals/Northwind%20Traders")" = 200 ] && [ "$(req GET /deals)" = 200 ] &&
	js 'assert [x["name"] for x in d["deals"]] == ["Acme"], d' \
	&& ok "DELETE a deal" || bad "deal remove: $(cat "$tmp/b")"
[ "$(req DELETE /deals/Nowhere)" = 404 ] && ok "DELETE an unknown deal: 404" || bad "remove unknown: $(cat "$tmp/b")"

# ---- a session: CSRF and the name given at login ----
curl -s -o /dev/null -D "$tmp/h" -X POST --data-urlencode token=t0ken-for-tests --data-urlencode 'name=Maya Brooks' "$base/login"
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(mk_session=[0-9a-f]*\).*/\1/p' "$tmp/h")
curl -s -o "$tmp/b" -H "Cookie: $cookie" "$api/session"
csrf=$(js 'print(d["csrf"])')
s=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "Cookie: $cookie" -d '{"action": "Send the MSA"}' "$api/deals/Acme/items")
[ "$s" = 403 ] && ok "a session write without the CSRF token: 403" || bad "no csrf: $s $(cat "$tmp/b")"
s=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H "Origin: $base" \
	-d '{"action": "Send the MSA"}' "$api/deals/Acme/items")
[ "$s" = 201 ] && "$MK" history Acme >"$tmp/h" && grep -q "by Maya Brooks (web)" "$tmp/h" \
	&& ok "a session's hand edit: history names who logged in" || bad "session add: $s $(cat "$tmp/b" "$tmp/h")"

serve_stop
[ "$serve_rc" -eq 0 ] || [ "$serve_rc" -eq 143 ] && ok "serve stops cleanly" || bad "serve exit $serve_rc: $(cat "$tmp/serve.err")"
echo "1..$n"
