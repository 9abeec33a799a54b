#!/bin/sh
# The buyer's page of a share link in headless Chromium (tests/browser/share.mjs,
# playwright-core from npm): the plan as the buyer sees it, agreeing to it, a comment on a
# step (which must come back to the rep as a proposal), and what the link must not reach:
# a risk not marked shareable, a revoked or an expired link, another deal, the rep's API.
# The server runs on a free loopback port and is stopped on exit.
. "$TOP/tests/cli/lib.sh"
db="$tmp/share.db"
chromium=/usr/bin/chromium
trap 'serve_stop; rm -rf "$tmp"' EXIT

# Chromium and playwright-core are what t91 installs (it runs first); missing, they are a failure.
for need in "$chromium" tests/browser/node_modules/playwright-core; do
	[ -e "$need" ] || { bad "browser checks need $need (tests/cli/t91-browser.sh installs it)"; exit 0; }
done
if ! command -v node >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1; then
	bad "browser checks need node and sqlite3: $(command -v node || echo no node) $(command -v sqlite3 || echo no sqlite3)"
	exit 0
fi

mk() { MAPKEEPER_DB="$db" "$MK" "$@" 2>>"$tmp/e"; }
xss_action='review the <img src=x onerror=window.__xss=1> terms & "quotes"'
link_token() { sed -n 's|^http.*/share/\([0-9a-f]\{64\}\)$|\1|p'; }
mk deal add Northwind --seller "Maya Brooks" >/dev/null &&
	mk ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null &&
	mk approve --all --deal Northwind >/dev/null &&
	mk item add Northwind --action "$xss_action" --owner "Leo Grant" --side buyer --due 2026-04-01 >/dev/null &&
	mk deal add Globex --seller "Maya Brooks" >/dev/null &&
	mk item add Globex --action "sign the order form" --owner "Ann Lee" --side buyer >/dev/null &&
	live=$(mk share Northwind | link_token) && revoked=$(mk share Northwind | link_token) &&
	expired=$(mk share Northwind | link_token) && mk share revoke 2 >/dev/null &&
	sqlite3 "$db" "UPDATE share_links SET expires_at = '2020-01-01T00:00:00Z' WHERE id = 3" &&
	mk plan Northwind --format json >"$tmp/plan" && mk plan Globex --format json >"$tmp/gplan" &&
	risks=$(python3 -c "import json; r = json.load(open('$tmp/plan'))['risks']; print(r[0]['id'])") &&
	mk share risk "$risks" >/dev/null && [ -n "$live" ] && [ -n "$expired" ] \
	&& ok "a database: Northwind approved (one risk shareable), Globex, a live, a revoked and an expired link" \
	|| { bad "setup: $(cat "$tmp/e")"; exit 0; }
hidden=$(python3 -c "import json; print(json.load(open('$tmp/plan'))['risks'][1]['text'])")
other_item=$(python3 -c "import json; print(json.load(open('$tmp/gplan'))['items'][0]['id'])")

SERVE_ARGS="--db $db"
serve_start MAPKEEPER_TOKEN=rep-token MAPKEEPER_SHARE_RATE=1000 && ok "serve prints its URL" \
	|| { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 0; }

to=""
command -v timeout >/dev/null 2>&1 && to="timeout -k 10 300"
BASE_URL=$base LIVE=$live REVOKED=$revoked EXPIRED=$expired OTHER_ITEM=$other_item HIDDEN_RISK=$hidden \
	ITEM_ACTION="send the questionnaire" XSS_ACTION=$xss_action REP_TOKEN=rep-token $to node tests/browser/share.mjs >"$tmp/share" 2>"$tmp/share.err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) bad "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/share"
[ "$rc" -eq 0 ] || bad "share.mjs exited $rc: $(tail -n 5 "$tmp/share.err" | tr '\n' ' ')"

# what the buyer sent reached the rep: the ack and the comment on the link and in the
# history, and the date the comment moved (approved in share.mjs) with its words as evidence
mk share list Northwind --format json >"$tmp/links" && python3 -c "
import json; l = {x['id']: x for x in json.load(open('$tmp/links'))['links']}
assert l[1]['acks'] == 1 and l[1]['comments'] == 1, l[1]" && mk history Northwind >"$tmp/history" && grep -q 'buyer comment .*That slipped, we will send it on March 30' "$tmp/history" &&
	grep -q 'due 2026-03-06 -> [0-9]*-03-30 .*decided by' "$tmp/history" &&
	grep -q 'buyer comment via share link .*Tariq Aziz: "About send the questionnaire: That slipped' "$tmp/history" \
	&& ok "the rep sees the ack, the comment, and the date it moved (approved from the comment)" \
	|| bad "after the buyer: $(cat "$tmp/links"; tail -n 20 "$tmp/history")"

serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly on SIGTERM" \
	|| bad "serve stop (exit $serve_rc): $(head -c 2000 "$tmp/serve.err")"
