#!/bin/sh
# The buyer's share links: `mapkeeper share DEAL|list|revoke|risk` (the URL and its token
# printed once, only the token's SHA-256 in the database, bad input refused in one line),
# then serve's /share/TOKEN with curl: the page's headers and no cookie, the buyer's plan
# (no proposals, quotes or unshared risks), ack and comment (a comment that moves a date
# comes back as a proposal), 400 for bad JSON, 413 for a body over 64 KiB, 404 for an
# unknown, revoked or expired link and another deal's item, the rep's /api/ refusing the
# token, a write from another site refused, and the rate limit per token and per address
# (429). The servers run on free loopback ports and are stopped on exit.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/share.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT
unset MAPKEEPER_URL

mk() { "$MK" "$@" 2>>"$tmp/e"; }
mk deal add Northwind --seller "Maya Brooks" >/dev/null &&
	mk ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null &&
	mk approve --all --deal Northwind >/dev/null && mk deal add Globex --seller "Maya Brooks" >/dev/null &&
	mk item add Globex --action "sign the order form" --owner "Ann Lee" --side buyer >/dev/null \
	&& ok "a database: Northwind's first call approved, Globex with one item" || bad "setup: $(cat "$tmp/e")"

# ---- the command ----------------------------------------------------------------------
mk share Northwind >"$tmp/o"
tok=$(sed -n 's|^http://127\.0\.0\.1:8080/share/\([0-9a-f]\{64\}\)$|\1|p' "$tmp/o")
[ -n "$tok" ] && grep -q "^share link 1 for 'Northwind', live until 20" "$tmp/o" \
	&& ok "share DEAL prints the link (default base URL) with a 64-hex token" || bad "share: $(cat "$tmp/o" "$tmp/e")"
hash=$(printf %s "$tok" | sha256sum | cut -c1-64)
if command -v sqlite3 >/dev/null 2>&1; then
	[ "$(sqlite3 "$MAPKEEPER_DB" "SELECT count(*) FROM share_links WHERE token_sha256 = '$hash'")" = 1 ] &&
		! sqlite3 "$MAPKEEPER_DB" .dump | grep -q "$tok" && ok "the database holds the token's SHA-256, never the token" \
		|| bad "token stored: $(sqlite3 "$MAPKEEPER_DB" 'SELECT * FROM share_links')"
else
	ok "# SKIP the token's hash in the database: needs sqlite3"
fi
MAPKEEPER_URL=https://plans.example.com/ mk share Northwind --days 3 --format json >"$tmp/o" &&
	python3 -c "
import json, re; d = json.load(open('$tmp/o'))
assert d['id'] == 2 and d['deal'] == 'Northwind', d
assert re.fullmatch(r'https://plans\.example\.com/share/[0-9a-f]{64}', d['url']) and d['url'].endswith(d['token']), d
assert d['expires_at'] > d['expires_at'][:4]" && ok "share --format json, \$MAPKEEPER_URL's trailing '/' dropped" \
	|| bad "share json: $(cat "$tmp/o" "$tmp/e")"
mk share Northwind --base-url http://10.0.0.5:9000 >"$tmp/o" && grep -q '^http://10\.0\.0\.5:9000/share/[0-9a-f]\{64\}$' "$tmp/o" \
	&& ok "--base-url wins" || bad "base url: $(cat "$tmp/o")"
mk share list Northwind >"$tmp/o" && [ "$(grep -c ' live ' "$tmp/o")" = 3 ] && ! grep -q "$tok" "$tmp/o" \
	&& ok "share list: three live links, no token" || bad "list: $(cat "$tmp/o")"
mk share revoke 3 >"$tmp/o" && grep -q 'revoked' "$tmp/o" && mk share list Northwind --format json >"$tmp/o" &&
	python3 -c "
import json; d = json.load(open('$tmp/o'))
s = {x['id']: x['state'] for x in d['links']}
assert s == {1: 'live', 2: 'live', 3: 'revoked'}, s" && ok "share revoke: the link is listed revoked" || bad "revoke: $(cat "$tmp/o" "$tmp/e")"

# each bad input: one line, the exit code, nothing written
expect() { # CODE PATTERN ARGS...: exits CODE with one line matching PATTERN on stderr
	want=$1 pat=$2
	shift 2
	"$MK" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = "$want" ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -e "$pat" "$tmp/err" && [ ! -s "$tmp/out" ] \
		&& ok "$*: exit $want, one line" || bad "$*: exit $rc: $(cat "$tmp/out" "$tmp/err")"
}
expect 1 "revoked already" share revoke 3
expect 1 "no share link 99" share revoke 99
expect 2 "not a link id" share revoke x
expect 1 "no deal 'Nowhere'" share Nowhere
expect 2 "1 to 365" share Northwind --days 0
expect 2 "1 to 365" share Northwind --days 12x
expect 2 "base URL" share Northwind --base-url ftp://x
expect 2 "one more argument" share list
expect 2 "unknown action 'lst'" share lst Northwind
expect 2 "--off is for" share Northwind --off
expect 2 "are for 'share DEAL'" share list Northwind --days 3
expect 1 "no risk 999" share risk 999
expect 2 "usage" share
[ "$(mk share list Northwind --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["links"]))')" = 3 ] \
	&& ok "no bad input made a link" || bad "links after bad input: $(mk share list Northwind)"
"$MK" help share list >"$tmp/o" && grep -q '^usage: mapkeeper share DEAL' "$tmp/o" && "$MK" help --commands | grep -qx 'share revoke' \
	&& ok "help share list; help --commands lists share's verbs" || bad "help: $(cat "$tmp/o")"
rid=$(mk plan Northwind --format json | python3 -c 'import json,sys; r = json.load(sys.stdin)["risks"]; print(r[0]["id"], r[1]["id"])')
set -- $rid
shared_risk=$1 hidden_risk=$2
mk share risk "$shared_risk" >"$tmp/o" && grep -q "shows on the buyer's page" "$tmp/o" && mk share risk "$hidden_risk" >/dev/null &&
	mk share risk "$hidden_risk" --off >"$tmp/o" && grep -q 'hidden' "$tmp/o" \
	&& ok "share risk RISK-ID [--off]" || bad "risk: $(cat "$tmp/o" "$tmp/e")"

if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP the share pages: curl is not installed"
	exit 0
fi

# ---- serve: the page and its API --------------------------------------------------------
serve_start MAPKEEPER_TOKEN=rep-token MAPKEEPER_SHARE_RATE=1000 || { bad "serve did not start: $(cat "$tmp/serve.err")"; exit 0; }
req() { # METHOD PATH [curl args]: body in $tmp/b, status on stdout
	m=$1 p=$2
	shift 2
	curl -s -o "$tmp/b" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
js() { python3 -c "import json,sys; d=json.load(open('$tmp/b')); $1"; }
S=/share/$tok

curl -s -D "$tmp/h" -o "$tmp/b" "$base$S"
grep -q '^HTTP/1.1 200' "$tmp/h" && grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$tmp/h" &&
	grep -qi '^x-frame-options: DENY' "$tmp/h" && grep -qi '^x-content-type-options: nosniff' "$tmp/h" &&
	grep -qi '^cache-control: no-store' "$tmp/h" && ! grep -qi '^set-cookie' "$tmp/h" && grep -q 'share.js' "$tmp/b" \
	&& ok "the page: 200, strict headers, no cookie" || bad "page: $(cat "$tmp/h")"
[ "$(req GET /share/static/share.js)" = 200 ] && [ "$(req GET /share/static/share.css)" = 200 ] &&
	[ "$(req GET /share/static/app.js)" = 404 ] && [ "$(req GET /share/static/../deal.html)" = 404 ] \
	&& ok "the page's own files, and no other" || bad "static: $(cat "$tmp/b")"
[ "$(req GET "$S/api/plan")" = 200 ] && js "
assert d['deal'] == 'Northwind' and isinstance(d['version'], int), d
assert len(d['items']) >= 5 and all(set(i) == {'id', 'action', 'owner', 'side', 'due', 'status', 'phase', 'phase_title'} for i in d['items']), d['items'][0]
assert 'proposals' not in d and 'said' not in json.dumps(d) and 'evidence' not in json.dumps(d)
assert all('stance' not in p for p in d['people'])" && ok "GET plan: the items without quotes, no proposals, no stances" \
	|| bad "plan: $(cat "$tmp/b")"
mk plan Northwind --format json >"$tmp/rp"
js "
r = {x['id']: x['text'] for x in json.load(open('$tmp/rp'))['risks']}
assert [x['text'] for x in d['risks']] == [r[$shared_risk]], d['risks']" \
	&& ok "the buyer's plan holds the one risk marked shareable, not the others" || bad "risks shown: $(cat "$tmp/b")"
item=$(js "print([i['id'] for i in d['items'] if i['action'] == 'send the questionnaire'][0])")
version=$(js "print(d['version'])")
gitem=$(mk plan Globex --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

[ "$(req POST "$S/api/ack" -d "{\"name\": \"Leo Grant\", \"version\": $version}")" = 200 ] && js 'assert d["acknowledged"] is True' \
	&& ok "POST ack with the version shown: 200" || bad "ack: $(cat "$tmp/b")"
[ "$(req POST "$S/api/ack" -d "{\"name\": \"Leo Grant\", \"version\": $((version + 7))}")" = 409 ] &&
	js "assert 'plan changed since this page was loaded' in d['error'] and d['version'] == $version" \
	&& ok "ack of another version: 409, the version now" || bad "stale ack: $(cat "$tmp/b")"
[ "$(req POST "$S/api/comment" -d "{\"item\": $item, \"name\": \"Tariq Aziz\", \"version\": $version,
	\"text\": \"That slipped, we will send it on March 30.\"}")" = 200 ] && js 'assert d["comment"] >= 1 and d["proposals"] == 1, d' &&
	mk review --deal Northwind >"$tmp/o" && grep -q "update_due .*send the questionnaire" "$tmp/o" &&
	grep -q 'buyer comment via share link.*Tariq Aziz: "About send the questionnaire: That slipped' "$tmp/o" \
	&& ok "a comment that moves a date: stored, and a proposal for the rep with it as evidence" || bad "comment: $(cat "$tmp/b" "$tmp/o")"
[ "$(req POST "$S/api/comment" -d "{\"name\": \"Leo Grant\", \"text\": \"Looks right to us.\", \"version\": $version}")" = 200 ] &&
	js 'assert d["item"] == 0 and d["proposals"] == 0, d' && ok "a comment on the whole plan, nothing to propose" || bad "plan comment: $(cat "$tmp/b")"
mk share list Northwind --format json | python3 -c "
import json,sys; l = json.load(sys.stdin)['links'][0]
assert l['acks'] == 1 and l['comments'] == 2, l" && ok "share list counts the ack and the comments" || bad "counts: $(mk share list Northwind)"

mk history Northwind --format json | python3 -c "
import json,sys; r = [x for x in json.load(sys.stdin)['revisions'] if x.get('source') == 'buyer']
f = sorted(x['field'] for x in r)
assert f == ['buyer ack', 'buyer comment', 'buyer comment'], f
assert any(x['field'] == 'buyer ack' and x['by'] == 'Leo Grant' and 'version $version' in x['new_value'] for x in r), r" \
	&& ok "the ack and the comments are in the deal's history, with the plan version" || bad "history: $(mk history Northwind | tail)"
[ "$(req GET "$S/api/plan")" = 200 ] && js "assert d['acknowledged']['by'] == 'Leo Grant', d['acknowledged']" \
	&& ok "the buyer's plan says who agreed" || bad "acknowledged: $(cat "$tmp/b")"

[ "$(req POST "$S/api/comment" -d '{"item": 1, "name": ')" = 400 ] && js 'assert d["error"] == "the body is not a JSON object"' &&
	[ "$(wc -l <"$tmp/b")" -le 3 ] && ok "bad JSON: 400 with a one-line error" || bad "bad json: $(cat "$tmp/b")"
[ "$(req POST "$S/api/comment" -d "{\"item\": \"x\", \"name\": \"a\", \"text\": \"b\", \"version\": 0}")" = 400 ] &&
	[ "$(req POST "$S/api/comment" -d '{"item": 1, "name": "a", "text": "b"}')" = 400 ] &&
	[ "$(req POST "$S/api/ack" -d "{\"name\": \" \", \"version\": $version}")" = 400 ] && js 'assert "name is empty" in d["error"]' &&
	[ "$(req POST "$S/api/ack" -d "{\"name\": 7, \"version\": $version}")" = 400 ] \
	&& ok "a wrong item, no version, an empty name, a name not a string: 400" || bad "bad fields: $(cat "$tmp/b")"
head -c 102400 /dev/zero | tr '\0' x >"$tmp/big"
[ "$(req POST "$S/api/comment" -H 'Expect: 100-continue' --data-binary @"$tmp/big")" = 413 ] && js 'assert "64 KiB" in d["error"]' \
	&& ok "a 100 KiB body: 413" || bad "big body: $(cat "$tmp/b")"
[ "$(req POST "$S/api/comment" -d "{\"item\": $gitem, \"name\": \"a\", \"text\": \"b\", \"version\": $version}")" = 404 ] \
	&& ok "another deal's item: 404" || bad "other deal's item: $(cat "$tmp/b")"
[ "$(req GET "$S/api/plan" -X POST)" = 405 ] && [ "$(req GET "$S/api/ack")" = 405 ] && [ "$(req GET "$S/api/deals")" = 404 ] &&
	[ "$(req GET "$S/other")" = 404 ] && ok "wrong methods 405, other routes under the link 404" || bad "routes: $(cat "$tmp/b")"
[ "$(req POST "$S/api/ack" -H 'Origin: http://evil.example' -d "{\"name\": \"x\", \"version\": $version}")" = 403 ] \
	&& ok "a write from another site: 403" || bad "origin: $(cat "$tmp/b")"
[ "$(req GET /api/deals -H "Authorization: Bearer $tok")" = 401 ] && [ "$(req GET /api/deals/Northwind/plan -H "Authorization: Bearer $tok")" = 401 ] &&
	[ "$(req GET "/deal?name=Northwind" -H "Cookie: mk_session=$tok")" = 303 ] \
	&& ok "the rep's API and pages refuse the token" || bad "token on rep routes: $(cat "$tmp/b")"
[ "$(req GET /api/deals -H 'Authorization: Bearer rep-token')" = 200 ] && [ "$(req GET "/share/$(printf %064d 0)")" = 404 ] &&
	[ "$(req GET "/share/$(printf %064d 0)/api/plan")" = 404 ] && js 'assert d["error"] == "no such share link"' \
	&& ok "an unknown token: 404 (page and API)" || bad "unknown: $(cat "$tmp/b")"
revoked=$(mk share Northwind | sed -n 's|.*/share/||p')
mk share revoke 4 >/dev/null
[ "$(req GET "/share/$revoked")" = 404 ] && [ "$(req GET "/share/$revoked/api/plan")" = 404 ] && js 'assert d["error"] == "no such share link"' &&
	[ "$(req POST "/share/$revoked/api/ack" -d '{"name": "x", "version": 0}')" = 404 ] \
	&& ok "a revoked link: 404, the same answer" || bad "revoked: $(cat "$tmp/b")"
if command -v sqlite3 >/dev/null 2>&1; then
	expired=$(mk share Northwind --days 1 | sed -n 's|.*/share/||p')
	sqlite3 "$MAPKEEPER_DB" "UPDATE share_links SET expires_at = '2020-01-01T00:00:00Z' WHERE id = 5"
	[ "$(req GET "/share/$expired/api/plan")" = 404 ] && js 'assert d["error"] == "no such share link"' && [ "$(req GET "/share/$expired")" = 404 ] \
		&& ok "an expired link: 404, the same answer" || bad "expired: $(cat "$tmp/b")"
else
	ok "# SKIP an expired link: needs sqlite3"
fi
serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly" || bad "stop: $(cat "$tmp/serve.err")"

# ---- the rate limit: 5 a minute, per token and per address -----------------------------
other=$(mk share Globex | sed -n 's|.*/share/||p')
serve_start MAPKEEPER_TOKEN=rep-token MAPKEEPER_SHARE_RATE=5 || { bad "serve did not start: $(cat "$tmp/serve.err")"; exit 0; }
codes=""
for i in 1 2 3 4 5 6; do codes="$codes $(req GET "$S/api/plan")"; done
[ "$codes" = " 200 200 200 200 200 429" ] && js 'assert "too many requests" in d["error"]' \
	&& ok "the 6th request in a minute: 429" || bad "rate: $codes $(cat "$tmp/b")"
if curl -s -o /dev/null --interface 127.0.0.2 "$base/share/static/share.css" 2>/dev/null; then
	[ "$(req GET "$S/api/plan" --interface 127.0.0.2)" = 429 ] && [ "$(req GET "/share/$other/api/plan" --interface 127.0.0.2)" = 200 ] &&
		[ "$(req GET "/share/$other/api/plan")" = 429 ] \
		&& ok "the limit is per token (from another address too) and per address (with another token too)" \
		|| bad "rate per token and address: $(cat "$tmp/b")"
else
	ok "# SKIP the limit per address: cannot send from 127.0.0.2"
fi
[ "$(req GET /api/deals -H 'Authorization: Bearer rep-token')" = 200 ] && ok "the rep's API is not limited by the share links" \
	|| bad "rep api: $(cat "$tmp/b")"
