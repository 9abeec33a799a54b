#!/bin/sh
# The CRMs through the JSON API (issue 15): GET deals/NAME/crm (each CRM's link, last push
# and pull, the items' tasks), POST deals/NAME/crm/CRM/link (by id, by name, off), push and
# pull. Bad bodies get 400 with a one-line JSON error, an unknown deal or CRM 404, the wrong
# method 405, a session's write without its CSRF token 403, a run while another holds the
# CRM's lock 409, a CRM that is down 502; no reply holds a secret. Push and pull run against
# tests/fake/fake_salesforce.py. The server runs on a free loopback port.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/serve.db"
unset MAPKEEPER_CONFIG SF_DOMAIN SF_CLIENT_ID SF_CLIENT_SECRET SF_USERNAME SF_JWT_KEY_FILE SF_LOGIN_URL \
	HUBSPOT_TOKEN MAPKEEPER_HUBSPOT_API MAPKEEPER_HUBSPOT_APP HUBSPOT_PORTAL_ID 2>/dev/null
fake_pid=""
trap 'serve_stop; [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for need in curl python3 sqlite3; do
	if ! command -v "$need" >/dev/null 2>&1; then
		ok "# SKIP $need is not installed"
		exit 0
	fi
done

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" &&
	"$MK" approve --all --deal Northwind >/dev/null 2>>"$tmp/e" &&
	"$MK" deal add Acme --seller "Maya Brooks" >/dev/null 2>>"$tmp/e" \
	&& ok "a database from the demo call, approved" || bad "setup: $(cat "$tmp/e")"

api_token=t0ken-for-tests
# every reply is kept in $tmp/all: none may hold a secret
req() { _s=$(api_req "$@"); cat "$tmp/b" >>"$tmp/all"; echo "$_s"; }
js() { api_js "$1"; }
err() { api_err "$1"; }

# ---- with no CRM configured ----
serve_start MAPKEEPER_TOKEN=t0ken-for-tests || { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 1; }

[ "$(req GET /deals/Northwind/crm)" = 200 ] && js '
assert d["deal"] == "Northwind", d
for c, t in (("salesforce", "Salesforce"), ("hubspot", "HubSpot")):
    x = d[c]
    assert x["crm"] == c and x["title"] == t, x
    assert x["linked"] is False and x["remote_id"] is None and x["url"] is None, x
    assert x["last_push"] is None and x["last_pull"] is None, x
    assert len(x["items"]) >= 3, x["items"]
    for i in x["items"]:
        assert i["item"] > 0 and i["action"] and i["gone"] is False and i["state"] == "new", i
        assert i["remote_id"] is None and i["url"] is None and i["pushed_at"] is None and i["pulled_at"] is None, i' \
	&& ok "GET crm: both CRMs, not linked, never pushed or pulled, every item new" || bad "crm: $(cat "$tmp/b")"
[ "$(req GET /deals/Nowhere/crm)" = 404 ] && err "no such deal" &&
	[ "$(req POST /deals/Nowhere/crm/salesforce/push)" = 404 ] && err "no such deal" \
	&& ok "an unknown deal: 404" || bad "crm 404: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/crm/pipedrive/push)" = 404 ] && err "no such CRM" &&
	[ "$(req POST /deals/Northwind/crm/salesforce/sync)" = 404 ] && err "no such endpoint" \
	&& ok "an unknown CRM or action: 404" || bad "crm unknown: $(cat "$tmp/b")"
[ "$(req POST /deals/Northwind/crm)" = 405 ] && err "use GET" &&
	[ "$(req GET /deals/Northwind/crm/salesforce/push)" = 405 ] && err "use POST" &&
	[ "$(req DELETE /deals/Northwind/crm/hubspot/link)" = 405 ] && err "use POST" \
	&& ok "the wrong method: 405" || bad "crm 405: $(cat "$tmp/b")"

# ---- link: the body ----
link() { req POST "/deals/Northwind/crm/salesforce/link" -d "$1"; }
[ "$(link '{"id": 7}')" = 400 ] && err "id must be a string" &&
	[ "$(link '{"id": ""}')" = 400 ] && err "id cannot be empty" &&
	[ "$(link '{"id": "006 x"}')" = 400 ] && err "letters, digits" &&
	[ "$(link "{\"id\": \"$(printf '0%.0s' $(seq 1 65))\"}")" = 400 ] && err "at most 64" &&
	[ "$(link '{"off": "yes"}')" = 400 ] && err "off must be true or false" &&
	[ "$(link '{"id": "006A", "off": true}')" = 400 ] && err "not both" &&
	[ "$(link 'id=006A')" = 400 ] && err "not a JSON object" \
	&& ok "link: an id not a string, empty, with a space or too long; off not a bool; both; no JSON: 400" \
	|| bad "link body: $(cat "$tmp/b")"
[ "$(link '{"off": true}')" = 200 ] && js 'assert d["salesforce"]["linked"] is False and d["deal"] == "Northwind", d' \
	&& ok "link off when not linked: 200, still not linked" || bad "link off: $(cat "$tmp/b")"
s=$(link '{"id": "006000000000001AAA"}')
case "$s" in 4??) err "" && ok "link by id with no Salesforce configured: $s with one line" ;;
*) bad "link unconfigured: $s $(cat "$tmp/b")" ;; esac
s=$(req POST /deals/Northwind/crm/hubspot/push)
case "$s" in 4??) err "" && ok "push with no link and no HubSpot configured: $s with one line" ;;
*) bad "push unconfigured: $s $(cat "$tmp/b")" ;; esac

# ---- a session: CSRF ----
curl -s -o /dev/null -D "$tmp/h" -X POST --data-urlencode token=t0ken-for-tests --data-urlencode 'name=Maya Brooks' "$base/login"
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(mk_session=[0-9a-f]*\).*/\1/p' "$tmp/h")
curl -s -o "$tmp/b" -H "Cookie: $cookie" "$base/api/session"
csrf=$(js 'print(d["csrf"])')
s=$(curl -s -o "$tmp/b" -w '%{http_code}' -H "Cookie: $cookie" "$base/api/deals/Northwind/crm")
[ "$s" = 200 ] && js 'assert "salesforce" in d' && ok "a session reads crm" || bad "session GET: $s $(cat "$tmp/b")"
for what in link push pull; do
	s=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "Cookie: $cookie" -d '{"off": true}' "$base/api/deals/Northwind/crm/salesforce/$what")
	[ "$s" = 403 ] && err "X-CSRF-Token" && ok "a session's $what without the CSRF token: 403" || bad "no csrf $what: $s $(cat "$tmp/b")"
done
s=$(curl -s -o "$tmp/b" -w '%{http_code}' -X POST -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H "Origin: $base" \
	-d '{"off": true}' "$base/api/deals/Northwind/crm/salesforce/link")
[ "$s" = 200 ] && ok "a session's link with its CSRF token: 200" || bad "csrf link: $s $(cat "$tmp/b")"
serve_stop

# ---- against a fake Salesforce org ----
python3 tests/fake/fake_salesforce.py --lifetime 600 >"$tmp/port" 2>"$tmp/fake.err" &
fake_pid=$!
i=0
while [ $i -lt 50 ] && ! [ -s "$tmp/port" ]; do sleep 0.1; i=$((i + 1)); done
fport=$(head -n 1 "$tmp/port")
[ -n "$fport" ] || { bad "the fake Salesforce did not start: $(cat "$tmp/fake.err")"; echo "1..$n"; exit 1; }
fake="http://127.0.0.1:$fport"
fakepost() { curl -s -o "$tmp/f" -w '%{http_code}' -X POST -d "$2" "$fake/_fake/$1"; }
fakepost seed '{"opportunities": [{"Id": "006000000000009AAA", "Name": "Northwind"}]}' >/dev/null
"$MK" deal add Initech --seller "Maya Brooks" >/dev/null 2>&1
serve_start MAPKEEPER_TOKEN=t0ken-for-tests SF_DOMAIN="$fake" SF_CLIENT_ID=3MVG9fake.client.id \
	SF_CLIENT_SECRET=sf-s3cret-XYZ || { bad "serve did not start: $(cat "$tmp/serve.err")"; echo "1..$n"; exit 1; }

[ "$(req POST /deals/Northwind/crm/salesforce/link -d '{"id": null}')" = 200 ] && js "
x = d['salesforce']
assert x['linked'] is True and x['remote_id'] == '006000000000009AAA', x
assert x['url'] == '$fake/lightning/r/Opportunity/006000000000009AAA/view', x
assert d['hubspot']['linked'] is False, d" \
	&& ok "link by name: the Opportunity named like the deal, with its address" || bad "link by name: $(cat "$tmp/b")"
[ "$(req POST /deals/Acme/crm/salesforce/link -d '{"id": "006000000000099AAA"}')" = 404 ] && err "006000000000099AAA" \
	&& ok "link an id the org does not have: 404 naming it" || bad "link unknown id: $(cat "$tmp/b")"
[ "$(req POST /deals/Initech/crm/salesforce/link -d '{}')" = 400 ] && err "006000000000003AAA" \
	&& ok "link by a name two Opportunities have: 400 listing their ids" || bad "link ambiguous: $(cat "$tmp/b")"
[ "$(req POST /deals/Acme/crm/salesforce/push)" -ge 400 ] && err "" \
	&& ok "push a deal not linked: refused in one line" || bad "push unlinked: $(cat "$tmp/b")"

[ "$(req POST /deals/Northwind/crm/salesforce/push)" = 200 ] && js '
assert sorted(d) == sorted(["crm", "deals", "created", "updated", "unchanged", "proposed", "deleted", "errors", "run_id", "lines"]), list(d)
assert d["crm"] == "salesforce" and d["errors"] == 0 and d["created"] >= 3 and d["run_id"] > 0, d
made = [l for l in d["lines"] if l["what"] == "created"]
assert len(made) == d["created"] and all(l["deal"] == "Northwind" and l["item"] and l["remote_id"] for l in made), d["lines"]
print(d["created"])' >"$tmp/made" \
	&& ok "POST push: every item created as a task, as crm push --format json" || bad "push: $(cat "$tmp/b")"
made=$(cat "$tmp/made")
[ "$(req GET /deals/Northwind/crm)" = 200 ] && js "
x = d['salesforce']
r = x['last_push']
assert r['result'] == 'ok' and r['created'] == $made and r['errors'] == 0 and r['finished_at'] and r['message'] is None, r
assert r['run_id'] > 0 and r['started_at'] <= r['finished_at'], r
assert x['last_pull'] is None, x
assert len(x['items']) == $made, x['items']
for t in x['items']:
    assert t['state'] == 'synced' and t['remote_id'] and t['pushed_at'], t
    assert t['url'] == '$fake/lightning/r/Task/%s/view' % t['remote_id'], t
print(x['items'][0]['remote_id'])" >"$tmp/task" \
	&& ok "GET crm after the push: the last push ok with its counts, each item's task with its address" \
	|| bad "crm after push: $(cat "$tmp/b")"
task=$(cat "$tmp/task")
[ "$(req POST /deals/Northwind/crm/salesforce/push)" = 200 ] && js "assert d['created'] == 0 and d['unchanged'] == $made, d" \
	&& ok "push again: every item unchanged" || bad "push again: $(cat "$tmp/b")"

fakepost task "{\"id\": \"$task\", \"set\": {\"Status\": \"Completed\"}}" >/dev/null
[ "$(req POST /deals/Northwind/crm/salesforce/pull)" = 200 ] &&
	js "assert d['proposed'] == 1 and [l for l in d['lines'] if l['what'] == 'proposed mark_done' and l['remote_id'] == '$task'], d" &&
	[ "$(req GET /deals/Northwind/proposals)" = 200 ] && js "assert [p for p in d['proposals'] if p['kind'] == 'mark_done'], d" &&
	[ "$(req GET /deals/Northwind/crm)" = 200 ] && js "r = d['salesforce']['last_pull']; assert r['result'] == 'ok' and r['proposed'] == 1, r" \
	&& ok "POST pull: the task completed in Salesforce is a mark_done proposal; the last pull shows it" \
	|| bad "pull: $(cat "$tmp/b")"

# another run holds the lock (a live process on this host): the push waits 5 s, then 409;
# meanwhile the server answers others at once
sqlite3 "$MAPKEEPER_DB" "INSERT INTO crm_locks (crm, pid, host, at) VALUES ('salesforce', $$, '$(hostname)', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
curl -s -o "$tmp/held" -w '%{http_code}' -X POST -H "Authorization: Bearer t0ken-for-tests" \
	"$base/api/deals/Northwind/crm/salesforce/push" >"$tmp/held.status" &
held=$!
sleep 1
t0=$(date +%s)
s=$(req GET /deals/Northwind/crm)
t1=$(date +%s)
[ "$s" = 200 ] && [ $((t1 - t0)) -le 1 ] && ok "a GET while a push waits: answered at once" || bad "GET during a run: $s in $((t1 - t0)) s"
wait "$held"
cp "$tmp/held" "$tmp/b"
[ "$(cat "$tmp/held.status")" = 409 ] && err "another salesforce push or pull is running" \
	&& ok "a push while another run holds the lock: 409 in one line" || bad "lock: $(cat "$tmp/held.status") $(cat "$tmp/b")"
sqlite3 "$MAPKEEPER_DB" "DELETE FROM crm_locks"

# the org is down: 502
kill "$fake_pid" 2>/dev/null
wait "$fake_pid" 2>/dev/null
fake_pid=""
[ "$(req POST /deals/Northwind/crm/salesforce/push)" = 502 ] && err "" \
	&& ok "push with the org down: 502 in one line" || bad "org down: $(cat "$tmp/b")"
! grep -q 'sf-s3cret-XYZ\|00DFAKE!tok' "$tmp/all" && ok "no reply holds the client secret or a token" \
	|| bad "a secret in a reply: $(grep -o '.\{40\}sf-s3cret.\{20\}' "$tmp/all" | head -n 1)"

serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly on SIGTERM" \
	|| bad "serve stop (exit $serve_rc): $(head -c 2000 "$tmp/serve.err")"
echo "1..$n"
