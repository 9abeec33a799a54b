#!/bin/sh
# The whole plan through the JSON API (issue 14): the goal, go-live (with the slack worked
# backward), criteria and dependencies added and removed, the next meeting, a stakeholder's
# stance, an item's phase; the deals' health with them; the plan as Markdown for the buyer
# (plan.md, since a day or the last call); proposals of the new kinds edited, approved and
# rejected. Every bad body gets 400 with a one-line JSON error, an id of another deal 404,
# a session's write without its CSRF token 403. The server runs on a free loopback port.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/serve.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT
if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP curl is not installed"
	exit 0
fi

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" &&
	"$MK" approve --all --deal Northwind >/dev/null 2>>"$tmp/e" &&
	"$MK" deal add Acme --seller "Maya Brooks" >/dev/null 2>>"$tmp/e" \
	&& ok "a database from the demo call, approved" || bad "setup: $(cat "$tmp/e")"

serve_start MAPKEEPER_TOKEN=t0ken-for-tests || { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 1; }
api="$base/api"
req() {
	m=$1 p=$2
	shift 2
	curl -s -o "$tmp/b" -w '%{http_code}' -X "$m" -H "Authorization: Bearer t0ken-for-tests" "$@" "$api$p"
}
js() { python3 -c "import json,sys; d=json.load(open('$tmp/b')); $1"; }
# A 400 (or the status given) with {"error": "one line"} and nothing else.
err() {
	python3 -c "import json; d=json.load(open('$tmp/b')); assert list(d) == ['error'] and d['error'] and '\n' not in d['error'], d; assert '$1' in d['error'], d" 2>/dev/null
}

[ "$(req GET /deals/Northwind/plan)" = 200 ] && js '
it = d["items"]
assert len(it) >= 3, it
for i in it:
    assert i["phase"] and i["phase_title"], i
assert d["stakeholders"] and all("id" in s and "stance" in s and "met" in s for s in d["stakeholders"]), d["stakeholders"]
print(it[0]["id"], it[1]["id"], it[2]["id"], d["stakeholders"][0]["id"])' >"$tmp/ids" \
	&& ok "GET plan: items with phases, stakeholders with id, stance and met" || bad "plan: $(cat "$tmp/b")"
read -r i1 i2 i3 person <"$tmp/ids"

# ---- goal and go-live ----
[ "$(req POST /deals/Northwind/goal -d '{"goal": "cut onboarding from three weeks to one"}')" = 200 ] &&
	js 'assert d["plan"]["goal"] == "cut onboarding from three weeks to one", d["plan"]["goal"]' &&
	[ "$(req GET /deals/Northwind/plan)" = 200 ] && js 'assert d["goal"] == "cut onboarding from three weeks to one"' \
	&& ok "POST goal: on the plan" || bad "goal: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/goal -d '{"goal": 7}')" = 400 ] && err "goal" &&
	[ "$(req POST /deals/Northwind/goal -d '{}')" = 400 ] && err "goal" &&
	[ "$(req POST /deals/Northwind/goal -d 'goal=x')" = 400 ] && js 'assert d["error"]' \
	&& ok "a goal that is not a string, missing or no JSON: 400" || bad "bad goal: $(cat "$tmp/b")"
[ "$(req POST /deals/Nowhere/goal -d '{"goal": "x"}')" = 404 ] && err "no such deal" \
	&& ok "an unknown deal's goal: 404" || bad "goal 404: $(cat "$tmp/b")"
[ "$(req GET /deals/Northwind/goal)" = 405 ] && ok "GET on the goal: 405" || bad "goal 405: $(cat "$tmp/b")"

[ "$(req POST /deals/Northwind/go-live -d '{"date": "2026-03-10", "kind": "signed"}')" = 200 ] &&
	js 'p = d["plan"]; assert p["go_live"] == {"date": "2026-03-10", "kind": "signed"}, p["go_live"]; b = p["backward"]; assert b["go_live"] == "2026-03-10", b' \
	&& ok "POST go-live: the date and kind, worked backward from" || bad "go-live: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/go-live -d '{"date": "next spring"}')" = 400 ] && err "date" &&
	[ "$(req POST /deals/Northwind/go-live -d '{"date": "2026-06-30", "kind": "soon"}')" = 400 ] && err "kind" &&
	[ "$(req POST /deals/Northwind/go-live -d '{"kind": "live"}')" = 400 ] && err "date" \
	&& ok "a bad go-live date or kind: 400" || bad "bad go-live: $(cat "$tmp/b")"

# ---- items' phases ----
[ "$(req PATCH "/items/$i1" -d '{"phase": "procurement"}')" = 200 ] && [ "$(req GET /deals/Northwind/plan)" = 200 ] &&
	js "i = [i for i in d['items'] if i['id'] == $i1][0]; assert i['phase'] == 'procurement' and i['phase_title'] == 'Procurement and legal', i" \
	&& ok "PATCH an item's phase" || bad "phase: $(cat "$tmp/b")"
[ "$(req PATCH "/items/$i1" -d '{"phase": "legal"}')" = 400 ] && err "phase is" &&
	[ "$(req PATCH "/items/$i1" -d '{"phase": 3}')" = 400 ] && err "phase" \
	&& ok "a phase that is none: 400" || bad "bad phase: $(cat "$tmp/b")"

# ---- criteria ----
[ "$(req POST /deals/Northwind/criteria -d '{"text": "95% of claims route without a touch"}')" = 201 ] &&
	js 'c = [x for x in d["plan"]["criteria"] if x["id"] == d["id"]]; assert c and c[0]["text"] == "95% of claims route without a touch", d; print(d["id"])' >"$tmp/crit" \
	&& ok "POST criteria: 201 with its id" || bad "criterion: $(cat "$tmp/b")"
crit=$(cat "$tmp/crit")
[ "$(req POST /deals/Northwind/criteria -d '{"text": "  "}')" = 400 ] && err "empty" &&
	[ "$(req POST /deals/Northwind/criteria -d '{"words": "x"}')" = 400 ] && err "text" \
	&& ok "an empty or missing criterion: 400" || bad "bad criterion: $(cat "$tmp/b")"
[ "$(req DELETE "/deals/Acme/criteria/$crit")" = 404 ] && err "no such criterion in this deal" \
	&& ok "another deal's criterion: 404" || bad "criterion of Acme: $(cat "$tmp/b")"
[ "$(req POST "/deals/Northwind/criteria/$crit")" = 405 ] && ok "POST on a criterion: 405" || bad "criterion 405: $(cat "$tmp/b")"

# ---- dependencies ----
[ "$(req POST /deals/Northwind/dependencies -d "{\"item\": $i2, \"depends_on\": $i3}")" = 201 ] &&
	js "x = [x for x in d['plan']['dependencies'] if x['id'] == d['id']][0]; assert x['item_id'] == $i2 and x['depends_on_id'] == $i3, x; print(d['id'])" >"$tmp/dep" \
	&& ok "POST dependencies: item waits on item, 201" || bad "dependency: $(cat "$tmp/b")"
dep=$(cat "$tmp/dep")
[ "$(req POST /deals/Northwind/dependencies -d "{\"item\": $i2, \"depends_on\": $i2}")" = 400 ] && err "itself" &&
	[ "$(req POST /deals/Northwind/dependencies -d "{\"item\": \"$i2\", \"depends_on\": $i3}")" = 400 ] && err "item" &&
	[ "$(req POST /deals/Northwind/dependencies -d "{\"item\": $i2}")" = 400 ] && err "depends_on" \
	&& ok "an item on itself, a string id, a missing one: 400" || bad "bad dependency: $(cat "$tmp/b")"
[ "$(req POST /deals/Acme/dependencies -d "{\"item\": $i2, \"depends_on\": $i3}")" = 404 ] && err "no such item in this deal" &&
	[ "$(req POST /deals/Northwind/dependencies -d "{\"item\": $i2, \"depends_on\": 99999}")" = 404 ] \
	&& ok "items of another deal or none: 404" || bad "dependency 404: $(cat "$tmp/b")"

# ---- next meeting ----
[ "$(req POST /deals/Northwind/next-meeting -d '{"date": "2099-05-14", "time": "10:00", "who": "the CFO", "purpose": "walk through pricing"}')" = 200 ] &&
	js 'm = d["plan"]["next_meeting"]; assert m == {"date": "2099-05-14", "time": "10:00", "who": "the CFO", "purpose": "walk through pricing"}, m' \
	&& ok "POST next-meeting: date, time, who, what for" || bad "meeting: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/next-meeting -d '{"date": "2099-05-14", "time": "25:00"}')" = 400 ] && err "time" &&
	[ "$(req POST /deals/Northwind/next-meeting -d '{"date": "Thursday"}')" = 400 ] && err "date" &&
	[ "$(req POST /deals/Northwind/next-meeting -d '{"date": "2099-05-14", "who": ["a"]}')" = 400 ] && err "who" \
	&& ok "a bad time, date or who: 400" || bad "bad meeting: $(cat "$tmp/b")"

# ---- stance ----
[ "$(req POST "/deals/Northwind/people/$person/stance" -d '{"stance": "champion"}')" = 200 ] &&
	js "s = [s for s in d['plan']['stakeholders'] if s['id'] == $person][0]; assert s['stance'] == 'champion', s" \
	&& ok "POST a stakeholder's stance" || bad "stance: $(cat "$tmp/b")"
[ "$(req POST "/deals/Northwind/people/$person/stance" -d '{"stance": "fan"}')" = 400 ] && err "stance is" &&
	[ "$(req POST "/deals/Acme/people/$person/stance" -d '{"stance": "blocker"}')" = 404 ] && err "no such stakeholder" \
	&& ok "a stance that is none: 400; another deal's person: 404" || bad "bad stance: $(cat "$tmp/b")"

# ---- the deals' health ----
[ "$(req GET /deals)" = 200 ] && js '
h = [x for x in d["deals"] if x["name"] == "Northwind"][0]["health"]
assert h["go_live"] == "2026-03-10" and h["criteria"] == 1 and h["next_meeting"] == "2099-05-14", h
assert "slack_days" in h and h["acknowledged_at"] is None, h' \
	&& ok "GET deals: health with go-live, slack, next meeting, acknowledgement, criteria" || bad "health: $(cat "$tmp/b")"

# ---- query: deals with no next meeting, past go-live ----
[ "$(req GET '/query?no_next_meeting=1')" = 200 ] && js 'assert not [i for i in d["items"] if i["deal"] == "Northwind"], d' &&
	[ "$(req GET '/query?past_go_live=1')" = 200 ] && js 'assert {i["deal"] for i in d["items"]} == {"Northwind"}, d' &&
	[ "$(req GET '/query?past_go_live=maybe')" = 400 ] && err "past_go_live" \
	&& ok "GET query: no_next_meeting leaves out a deal with one, past_go_live keeps the deal past it" \
	|| bad "query filters: $(cat "$tmp/b")"

# ---- the plan as Markdown ----
[ "$(req GET /deals/Northwind/plan.md)" = 200 ] && cp "$tmp/b" "$tmp/md-all" && grep -q "cut onboarding from three weeks to one" "$tmp/b" &&
	grep -q "95% of claims route without a touch" "$tmp/b" && grep -q "2026-03-10" "$tmp/b" \
	&& ok "GET plan.md: the plan with its goal, go-live and criteria" || bad "plan.md: $(cat "$tmp/b")"
[ "$(req GET '/deals/Northwind/plan.md?since=2026-01-01')" = 200 ] && grep -qi "what changed" "$tmp/b" &&
	! grep -qi "what changed" "$tmp/md-all" && [ "$(req GET '/deals/Northwind/plan.md?since=last-call')" = 200 ] &&
	grep -qi "what changed" "$tmp/b" \
	&& ok "GET plan.md?since=DAY and since=last-call" || bad "plan.md since: $(cat "$tmp/b")"
[ "$(req GET '/deals/Northwind/plan.md?since=yesterday')" = 400 ] && err "since" &&
	[ "$(req GET '/deals/Acme/plan.md?since=last-call')" = 400 ] && err "no dated call" &&
	[ "$(req GET /deals/Nowhere/plan.md)" = 404 ] && err "no such deal" \
	&& ok "plan.md: a bad since, no call, no deal: 400, 400, 404" || bad "plan.md errors: $(cat "$tmp/b")"

# ---- removing ----
[ "$(req DELETE "/deals/Northwind/dependencies/$dep")" = 200 ] && js 'assert d["plan"]["dependencies"] == [], d' &&
	[ "$(req DELETE "/deals/Northwind/dependencies/$dep")" = 404 ] \
	&& ok "DELETE a dependency; again: 404" || bad "dependency remove: $(cat "$tmp/b")"
[ "$(req DELETE "/deals/Northwind/criteria/$crit")" = 200 ] && js 'assert d["plan"]["criteria"] == [], d' &&
	[ "$(req DELETE "/deals/Northwind/criteria/$crit")" = 404 ] \
	&& ok "DELETE a criterion; again: 404" || bad "criterion remove: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/goal -d '{"goal": null}')" = 200 ] && js 'assert d["plan"]["goal"] is None, d' &&
	[ "$(req POST /deals/Northwind/go-live -d '{"date": null}')" = 200 ] && js 'assert d["plan"]["go_live"] is None, d' \
	&& ok "null clears the goal and the go-live" || bad "clear: $(cat "$tmp/b")"
[ "$(req POST /undo)" = 200 ] && [ "$(req GET /deals/Northwind/plan)" = 200 ] && js 'assert d["go_live"]["date"] == "2026-03-10", d' \
	&& ok "a hand change of the plan is undone like the others" || bad "undo: $(cat "$tmp/b")"

# ---- proposals of the new kinds (put in the store as a call's would be) ----
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$MAPKEEPER_DB" "INSERT INTO proposals (deal_id, meeting_id, kind, side, due, name, category, text, time,
		confidence, ev_speaker, ev_start_ms, ev_end_ms, ev_quote, key, created_at)
		SELECT d.id, (SELECT max(id) FROM meetings WHERE deal_id = d.id), k.kind, 'buyer', k.due, k.name, k.category,
			k.text, k.time, 0.8, 'Leo Grant', 60000, 64000, k.quote, 'test:' || k.kind, '2026-03-03T10:00:00Z'
		FROM deals d, (SELECT 'set_go_live' AS kind, '2026-06-30' AS due, NULL AS name, 'live' AS category,
			'by the end of June' AS text, NULL AS time, 'We need to be live by the end of June.' AS quote
			UNION ALL SELECT 'add_criterion', NULL, NULL, NULL, 'the pilot routes 95% of claims', NULL,
			'If the pilot routes 95% of claims, that is a win.'
			UNION ALL SELECT 'set_next_meeting', '2099-04-02', 'Dana', NULL, 'pricing', '14:00',
			'Let us get Dana on a call on April 2nd at two about pricing.') k
		WHERE d.name = 'Northwind'" 2>"$tmp/e" || bad "setup of the proposals: $(cat "$tmp/e")"
	[ "$(req GET /deals/Northwind/proposals)" = 200 ] && js '
for p in d["proposals"]:
    if p["kind"] in ("set_go_live", "add_criterion", "set_next_meeting"):
        print(p["kind"], p["id"])' >"$tmp/props"
	gl=$(sed -n 's/^set_go_live //p' "$tmp/props")
	cr=$(sed -n 's/^add_criterion //p' "$tmp/props")
	nm=$(sed -n 's/^set_next_meeting //p' "$tmp/props")
	[ -n "$gl" ] && [ -n "$cr" ] && [ -n "$nm" ] && ok "the new kinds are pending proposals" || bad "proposals: $(cat "$tmp/b")"
	[ "$(req PATCH "/proposals/$gl" -d '{"due": "2026-07-15", "kind": "signed"}')" = 200 ] &&
		js 'assert d["due"] == "2026-07-15" and d["category"] == "signed" and d["status"] == "pending", d' \
		&& ok "PATCH a set_go_live proposal: due and kind" || bad "edit go-live: $(cat "$tmp/b")"
	[ "$(req PATCH "/proposals/$gl" -d '{"owner": "Leo"}')" = 400 ] && err "takes due, kind" &&
		[ "$(req PATCH "/proposals/$gl" -d '{"due": 5}')" = 400 ] && err "due" &&
		[ "$(req PATCH "/proposals/$gl" -d '{}')" = 400 ] && err "nothing to change" &&
		[ "$(req PATCH "/proposals/$gl" -d '{"due": "2026-07-20", "kind": "soon"}')" = 400 ] &&
		[ "$(req GET /deals/Northwind/proposals)" = 200 ] && js "p = [p for p in d['proposals'] if p['id'] == $gl][0]; assert p['due'] == '2026-07-15', p" \
		&& ok "a field the kind does not take, a bad value, nothing: 400, and nothing half-changed" \
		|| bad "bad element edit: $(cat "$tmp/b")"
	[ "$(req PATCH "/proposals/$nm" -d '{"time": "09:30", "who": "Dana Ortiz", "text": "pricing and terms"}')" = 200 ] &&
		js 'assert d["time"] == "09:30" and d["name"] == "Dana Ortiz" and d["text"] == "pricing and terms", d' \
		&& ok "PATCH a set_next_meeting proposal: time, who, what for" || bad "edit meeting: $(cat "$tmp/b")"
	[ "$(req POST "/proposals/$gl/approve")" = 200 ] && [ "$(req POST "/proposals/$nm/approve")" = 200 ] &&
		[ "$(req POST "/proposals/$cr/reject" -d '{"reason": "not agreed yet"}')" = 200 ] &&
		[ "$(req GET /deals/Northwind/plan)" = 200 ] &&
		js 'assert d["go_live"] == {"date": "2026-07-15", "kind": "signed"}, d["go_live"]; assert d["next_meeting"]["time"] == "09:30", d["next_meeting"]; assert d["criteria"] == [], d["criteria"]' \
		&& ok "approved as edited, the rejected criterion not on the plan" || bad "decide: $(cat "$tmp/b")"
else
	ok "# SKIP proposals of the new kinds: needs sqlite3"
fi

# ---- a session: CSRF ----
curl -s -o /dev/null -D "$tmp/h" -X POST --data-urlencode token=t0ken-for-tests --data-urlencode 'name=Maya Brooks' "$base/login"
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(mk_session=[0-9a-f]*\).*/\1/p' "$tmp/h")
curl -s -o "$tmp/b" -H "Cookie: $cookie" "$api/session"
csrf=$(js 'print(d["csrf"])')
s=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "Cookie: $cookie" -d '{"goal": "faster claims"}' "$api/deals/Northwind/goal")
s2=$(curl -s -o "$tmp/b2" -w '%{http_code}' -X POST -H "Cookie: $cookie" -H "X-CSRF-Token: 0000" -H "Origin: $base" \
	-d '{"stance": "blocker"}' "$api/deals/Northwind/people/$person/stance")
[ "$s" = 403 ] && [ "$s2" = 403 ] && err "X-CSRF-Token" && [ "$(req GET /deals/Northwind/plan)" = 200 ] &&
	js 'assert d["goal"] != "faster claims", d["goal"]' \
	&& ok "a session's plan write without (or with a wrong) CSRF token: 403, nothing written" || bad "no csrf: $s $s2 $(cat "$tmp/b")"
s=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H "Origin: $base" \
	-d '{"goal": "faster claims"}' "$api/deals/Northwind/goal")
[ "$s" = 200 ] && js 'assert d["plan"]["goal"] == "faster claims"' && [ "$(req GET '/decisions?deal=Northwind&limit=1')" = 200 ] &&
	js 'assert d["decisions"][0]["by"] == "Maya Brooks (web)", d' \
	&& ok "with its CSRF token: written, by the name given at login" || bad "session goal: $s $(cat "$tmp/b")"

serve_stop
[ "$serve_rc" -eq 0 ] || [ "$serve_rc" -eq 143 ] && ok "serve stops cleanly" || bad "serve exit $serve_rc: $(cat "$tmp/serve.err")"
echo "1..$n"
