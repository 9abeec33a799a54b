#!/bin/sh
# The CRMs (issue 15) in `mapkeeper serve`'s deal page, in headless Chromium
# (tests/browser/crm.mjs, playwright-core from npm, as t91 installs it): a deal linked to a
# Salesforce Opportunity with one item pushed as a task (put in the store as a push leaves
# them) shows its Salesforce panel with the record's link, the last push's time, result and
# counts, and the item's link to its task; Push pushes the plan to tests/fake/fake_salesforce.py
# and shows what it did; the HubSpot panel, not linked, offers to link by id or by name and
# shows the server's one-line refusal; no text from the store becomes markup. Needs chromium,
# node and sqlite3. The server and the fake run on free loopback ports.
. "$TOP/tests/cli/lib.sh"
db="$tmp/crm.db"
token=t0ken-for-the-crm
fake_pid=""
trap 'serve_stop; [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
unset MAPKEEPER_CONFIG HUBSPOT_TOKEN HUBSPOT_PORTAL_ID SF_CLIENT_ID SF_CLIENT_SECRET SF_USERNAME 2>/dev/null

browser_ready || exit 0
urls=1

mk() { MAPKEEPER_DB="$db" "$MK" "$@" >/dev/null 2>>"$tmp/e"; }
# Northwind: the demo call approved, linked to Opportunity 006000000000001AAA, its first item
# pushed as task 00T000000000001AAA, one push recorded (its message holds markup).
mk deal add Northwind --seller "Maya Brooks" &&
	mk ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 &&
	mk approve --all --deal Northwind &&
	item=$(sqlite3 "$db" "SELECT min(p.id) FROM plan_items p JOIN deals d ON d.id = p.deal_id WHERE d.name = 'Northwind'" 2>>"$tmp/e") &&
	[ -n "$item" ] &&
	sqlite3 "$db" "INSERT INTO crm_links (deal_id, crm, remote_id, linked_at, linked_by)
			SELECT id, 'salesforce', '006000000000001AAA', '2026-03-04T10:00:00Z', 'test' FROM deals WHERE name = 'Northwind';
		INSERT INTO crm_items (item_id, crm, deal_id, key, state, remote_id, pushed_hash, subject, pushed_at)
			SELECT $item, 'salesforce', id, 'mk-test-$item', 'synced', '00T000000000001AAA', 'x', 'first item',
				'2026-03-04T10:15:02Z' FROM deals WHERE name = 'Northwind';
		INSERT INTO crm_runs (crm, kind, deal_id, started_at, finished_at, result, message, created, updated, unchanged, errors)
			SELECT 'salesforce', 'push', id, '2026-03-04T10:15:00Z', '2026-03-04T10:15:03Z', 'partial',
				'<b id=\"inj\">salesforce: one task refused</b>', 1, 0, 2, 1 FROM deals WHERE name = 'Northwind';" 2>>"$tmp/e" \
	&& ok "a database: Northwind linked to Salesforce, item #$item pushed, one push recorded" \
	|| { bad "setup: $(cat "$tmp/e")"; exit 0; }

# The Salesforce org: tests/fake/fake_salesforce.py (it has Opportunity 006000000000001AAA)
# when this build has the backend; Push from the page then pushes the plan there.
org=https://acme.my.salesforce.com
if [ "$urls" = 1 ]; then
	python3 tests/fake/fake_salesforce.py --lifetime 600 >"$tmp/port" 2>"$tmp/fake.err" &
	fake_pid=$!
	i=0
	while [ $i -lt 50 ] && ! [ -s "$tmp/port" ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$tmp/port" ] || { bad "the fake Salesforce did not start: $(cat "$tmp/fake.err")"; exit 0; }
	org="http://127.0.0.1:$(head -n 1 "$tmp/port")"
fi
SERVE_ARGS="--db $db"
serve_start MAPKEEPER_TOKEN=$token SF_DOMAIN="$org" SF_CLIENT_ID=3MVG9fake.client.id SF_CLIENT_SECRET=sf-s3cret-XYZ \
	&& ok "serve prints its URL" || { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 0; }

browser_run crm.mjs BASE_URL="$base" TOKEN=$token DEAL=Northwind ITEM="$item" URLS=$urls ORG="$org" SCREENSHOTS="${SCREENSHOTS:-}"

serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly on SIGTERM" \
	|| bad "serve stop (exit $serve_rc): $(head -c 2000 "$tmp/serve.err")"
echo "1..$n"
