#!/bin/sh
# The JSON API of `mapkeeper serve`, with curl: the bearer token, deals, plan and
# proposals, approve (twice: 409), reject with a reason, edit then approve, a bad id,
# a body over 64 KiB, query, and names and quotes that must come back unchanged.
# The server runs on a free loopback port and is stopped on exit.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/serve.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT
if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP curl is not installed"
	exit 0
fi

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" &&
	"$MK" deal add "Acme Corp" --seller "Maya Brooks" >/dev/null 2>>"$tmp/e" &&
	printf 'Maya Brooks: I will send the <script>alert("x")</script> security review & pricing by Friday.\nLeo Grant: Great.\n' >"$tmp/x.txt" &&
	"$MK" ingest "$tmp/x.txt" --deal "Acme Corp" --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& ok "a database from the demo call" || bad "setup: $(cat "$tmp/e")"

serve_start MAPKEEPER_TOKEN=t0ken-for-tests && ok "serve prints its URL with the chosen port" || { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 1; }
grep -q t0ken-for-tests "$tmp/serve.out" && bad "the token from the environment is echoed" || ok "a given token is not echoed"

base="http://127.0.0.1:$port/api"
# req METHOD PATH [curl args...]: body in $tmp/b, status on stdout
req() {
	m=$1 p=$2
	shift 2
	curl -s -o "$tmp/b" -w '%{http_code}' -X "$m" -H "Authorization: Bearer t0ken-for-tests" "$@" "$base$p"
}
js() { python3 -c "import json,sys; d=json.load(open('$tmp/b')); $1"; }

[ "$(curl -s -o "$tmp/b" -w '%{http_code}' "$base/deals")" = 401 ] && js 'assert d["error"]' \
	&& ok "no token: 401 with a JSON error" || bad "no token: $(cat "$tmp/b")"
[ "$(curl -s -o "$tmp/b" -w '%{http_code}' -H 'Authorization: Bearer t0ken-for-testz' "$base/deals")" = 401 ] \
	&& ok "a wrong token: 401" || bad "wrong token: $(cat "$tmp/b")"
curl -s -D "$tmp/h" -o /dev/null -H "Authorization: Bearer t0ken-for-tests" "$base/deals"
grep -qi '^content-type: application/json; charset=utf-8' "$tmp/h" && grep -qi '^x-content-type-options: nosniff' "$tmp/h" &&
	! grep -qi '^access-control' "$tmp/h" && ok "JSON headers, nosniff, no CORS" || bad "headers: $(cat "$tmp/h")"

[ "$(req GET /deals)" = 200 ] && js '
n = {x["name"]: x for x in d["deals"]}
assert set(n) == {"Northwind", "Acme Corp"}, n
assert n["Northwind"]["health"]["open_risks"] == 0 and n["Northwind"]["health"]["stakeholders_named"] == 0' \
	&& ok "GET deals with health (no risk or person on the plan before approval)" || bad "deals: $(cat "$tmp/b")"

[ "$(req GET /deals/Northwind/proposals)" = 200 ] && js '
ps = d["proposals"]
adds = [p for p in ps if p["kind"] == "add_item"]
assert len(adds) >= 3
for p in ps:
    for k in ("id", "kind", "item_id", "action", "owner", "side", "due", "old_due", "evidence"):
        assert k in p, k
print(adds[0]["id"], adds[1]["id"], adds[2]["id"])' >"$tmp/ids" && ok "GET proposals has the review shape" \
	|| bad "proposals: $(cat "$tmp/b")"
read a1 a2 a3 <"$tmp/ids"

[ "$(req GET /deals/Northwind/plan)" = 200 ] && js 'assert d["deal"] == "Northwind" and d["items"] == d["stakeholders"] == d["risks"] == []' \
	&& ok "GET plan: empty before approval" || bad "plan: $(cat "$tmp/b")"
[ "$(req GET /deals/Nowhere/plan)" = 404 ] && ok "an unknown deal: 404" || bad "unknown deal: $(cat "$tmp/b")"

[ "$(req POST "/proposals/$a1/approve")" = 200 ] && js 'assert d["status"] == "approved"' \
	&& ok "approve: 200" || bad "approve: $(cat "$tmp/b")"
[ "$(req POST "/proposals/$a1/approve")" = 409 ] && js 'assert "already" in d["error"]' \
	&& ok "approve again: 409" || bad "approve twice: $(cat "$tmp/b")"
[ "$(req POST "/proposals/$a2/reject" -d '{"reason": "not what was said"}')" = 200 ] && js 'assert d["status"] == "rejected"' \
	&& ok "reject with a reason" || bad "reject: $(cat "$tmp/b")"
[ "$(req PATCH "/proposals/$a3" -d '{"due": "2026-04-30", "owner": "Farah Khan"}')" = 200 ] &&
	js 'assert d["due"] == "2026-04-30" and d["owner"] == "Farah Khan" and d["status"] == "pending"' \
	&& ok "PATCH due and owner" || bad "patch: $(cat "$tmp/b")"
req POST "/proposals/$a3/approve" >/dev/null
[ "$(req GET /deals/Northwind/plan)" = 200 ] && js '
it = {x["owner"]: x for x in d["items"]}
assert it["Farah Khan"]["due"] == "2026-04-30", it
assert len(d["items"]) == 2' && ok "the edited proposal is on the plan" || bad "plan after: $(cat "$tmp/b")"
[ "$(req PATCH "/proposals/$a3" -d '{"due": "2026-05-01"}')" = 409 ] && ok "editing a decided proposal: 409" \
	|| bad "patch decided: $(cat "$tmp/b")"
[ "$(req PATCH "/proposals/$a3" -d 'not json')" = 400 ] && ok "a body that is not JSON: 400" || bad "bad body: $(cat "$tmp/b")"

req GET /deals/Northwind/plan >/dev/null && nr=$(js 'print(len(d["risks"]))')
req GET /deals/Northwind/proposals >/dev/null && rid=$(js 'print([p["id"] for p in d["proposals"] if p["kind"] == "add_risk"][0])')
[ "$(req POST "/proposals/$rid/approve")" = 200 ] && [ "$(req GET /deals/Northwind/plan)" = 200 ] &&
	js "assert len(d['risks']) == $nr + 1, d['risks']" && [ "$(req GET /deals)" = 200 ] &&
	js "assert [x for x in d['deals'] if x['name'] == 'Northwind'][0]['health']['open_risks'] == $nr + 1" \
	&& ok "approving a risk puts it on the plan and in the health" || bad "approve risk: $(cat "$tmp/b")"
req GET /deals >/dev/null && nn=$(js 'print([x for x in d["deals"] if x["name"] == "Northwind"][0]["health"]["stakeholders_named"])')
req GET /deals/Northwind/proposals >/dev/null && sid=$(js 'print([p["id"] for p in d["proposals"] if p["kind"] == "add_stakeholder"][0])') &&
	sname=$(js "print([p['name'] for p in d['proposals'] if p['id'] == $sid][0])")
[ "$(req POST "/proposals/$sid/reject")" = 200 ] && [ "$(req GET /deals/Northwind/plan)" = 200 ] &&
	js "assert '$sname' not in [x['name'] for x in d['stakeholders']], d['stakeholders']" && [ "$(req GET /deals)" = 200 ] &&
	js "assert [x for x in d['deals'] if x['name'] == 'Northwind'][0]['health']['stakeholders_named'] == $nn" \
	&& ok "a rejected stakeholder never reaches the plan or the health" || bad "reject stakeholder: $(cat "$tmp/b")"
[ "$(req POST /proposals/999999/approve)" = 404 ] && [ "$(req POST /proposals/abc/approve)" = 404 ] \
	&& ok "a bad id: 404" || bad "bad id: $(cat "$tmp/b")"
[ "$(req GET "/proposals/$a1/approve")" = 405 ] && ok "a wrong method: 405" || bad "method: $(cat "$tmp/b")"
head -c 102400 /dev/zero | tr '\0' x >"$tmp/big"
# serve refuses a declared length over 64 KiB before reading the body; with "Expect:
# 100-continue" curl waits for that answer instead of racing it with the upload (sent
# whole, the upload could meet the closed connection first under load: no status at all)
[ "$(req POST "/proposals/$a2/reject" -H 'Expect: 100-continue' --data-binary @"$tmp/big")" = 413 ] && ok "a 100 KiB body: 413" \
	|| bad "big body: $(cat "$tmp/b")"

[ "$(req GET "/query?owner=Farah&status=open")" = 200 ] && js '
assert [x["owner"] for x in d["items"]] == ["Farah Khan"], d
assert d["items"][0]["deal"] == "Northwind"' && ok "query JSON by owner" || bad "query: $(cat "$tmp/b")"
[ "$(req GET "/query?said=pricing")" = 200 ] && js 'assert "Acme Corp" in [x["deal"] for x in d["said"]]' \
	&& ok "query said=" || bad "said: $(cat "$tmp/b")"
[ "$(req GET "/query?limit=1")" = 200 ] && js 'assert len(d["items"]) == 1 and d["more"] >= 1, d; print(d["items"][0]["id"])' >"$tmp/first" &&
	[ "$(req GET "/query?limit=1&offset=1")" = 200 ] && js "assert len(d['items']) == 1 and d['items'][0]['id'] != $(cat "$tmp/first"), d" &&
	[ "$(req GET "/query?limit=0")" = 400 ] && [ "$(req GET "/query?limit=501")" = 400 ] && [ "$(req GET "/query?offset=x")" = 400 ] \
	&& ok "query pages: limit, offset, the count of the rest; bad ones 400" || bad "paging: $(cat "$tmp/b")"
[ "$(req GET "/query?side=middle")" = 400 ] && ok "a bad query value: 400" || bad "bad query: $(cat "$tmp/b")"

[ "$(req GET "/deals/Northwind/history?item=1")" = 200 ] && js '
r = d["revisions"]
assert d["deal"] == "Northwind" and d["item"] == 1 and r[0]["field"] == "created", d
assert r[0]["evidence"]["quote"] and r[0]["evidence"]["speaker"], r[0]' \
	&& ok "GET history of an item, with the quote behind it" || bad "history: $(cat "$tmp/b")"
[ "$(req GET "/deals/Acme%20Corp/history?item=1")" = 404 ] && [ "$(req GET "/deals/Northwind/history?item=x")" = 400 ] \
	&& ok "history: another deal's item 404, a bad item 400" || bad "history errors: $(cat "$tmp/b")"
[ "$(req GET "/query?due_from=2026-04-30&due_to=2026-04-30")" = 200 ] && js '
assert [x["due"] for x in d["items"]] == ["2026-04-30"], d' \
	&& [ "$(req GET "/query?due_to=2026-13-01")" = 400 ] && ok "query by a due range; a bad date 400" \
	|| bad "due range: $(cat "$tmp/b")"

[ "$(req GET "/deals/Acme%20Corp/proposals")" = 200 ] && js '
assert d["deal"] == "Acme Corp"
q = [p["evidence"]["quote"] for p in d["proposals"]]
assert any("<script>alert(\"x\")</script> security review & pricing" in x for x in q), q' &&
	grep -q '<script>alert(\\"x\\")</script>' "$tmp/b" \
	&& ok "a name with a space and a script in a quote come back as JSON strings" || bad "escaping: $(cat "$tmp/b")"

p=$serve_pid
serve_stop
[ "$serve_rc" -eq 0 ] && [ -z "$(sed -n 3p "$tmp/serve.out")" ] && ! kill -0 "$p" 2>/dev/null && ok "serve stops on SIGTERM" \
	|| bad "stop: $(cat "$tmp/serve.err")"
