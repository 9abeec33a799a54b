#!/bin/sh
# `mapkeeper crm push|pull|status` and `deal link` through the binary, with no network:
# usage errors (exit 2, one line), `deal link` refusing a bad id, an unknown deal and a
# wrong mix of flags, --off, `crm status` on a database with no links and with one, missing
# credentials named in one line, and a config file others may read refused.
. "$TOP/tests/cli/lib.sh"
unset SF_DOMAIN SF_CLIENT_ID SF_CLIENT_SECRET SF_USERNAME SF_JWT_KEY_FILE SF_LOGIN_URL HUBSPOT_TOKEN \
	HUBSPOT_PORTAL_ID MAPKEEPER_CONFIG MAPKEEPER_HUBSPOT_API 2>/dev/null
export MAPKEEPER_DB="$tmp/crm.db"
"$MK" deal add Acme --seller "Ana Lima" >/dev/null 2>&1
"$MK" deal add Bravo --seller "Ana Lima" >/dev/null 2>&1

# usage ARGS...: exit 2 and exactly one line on standard error, nothing on standard output
usage() {
	"$MK" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ]
}
# fails ARGS...: exit 1 and exactly one line on standard error
fails() {
	"$MK" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
}

usage crm && ok "crm alone: usage" || bad "crm: rc=$rc $(cat "$tmp/err")"
usage crm push && ok "crm push without a CRM: usage" || bad "crm push: rc=$rc $(cat "$tmp/err")"
usage crm push zoho && grep -q "unknown CRM 'zoho' (salesforce or hubspot)" "$tmp/err" \
	&& ok "an unknown CRM is named" || bad "crm push zoho: rc=$rc $(cat "$tmp/err")"
usage crm frob salesforce && grep -q "unknown action 'frob'" "$tmp/err" \
	&& ok "an unknown action is named" || bad "crm frob: rc=$rc $(cat "$tmp/err")"
usage crm push salesforce --wait soon && grep -q -- "--wait wants seconds" "$tmp/err" \
	&& ok "--wait wants seconds" || bad "--wait soon: rc=$rc $(cat "$tmp/err")"
usage crm pull hubspot --recreate 3 && grep -q -- "--recreate is for crm push" "$tmp/err" \
	&& ok "--recreate is for push only" || bad "pull --recreate: rc=$rc $(cat "$tmp/err")"
usage crm push hubspot --recreate abc && grep -q -- "--recreate wants an item id" "$tmp/err" \
	&& ok "--recreate wants an item id" || bad "--recreate abc: rc=$rc $(cat "$tmp/err")"
usage crm push hubspot --format xml && grep -q "unknown format 'xml'" "$tmp/err" \
	&& ok "--format text|json only" || bad "--format xml: rc=$rc $(cat "$tmp/err")"
usage crm status --deal Acme && ok "crm status takes DEAL, not --deal" || bad "status --deal: rc=$rc $(cat "$tmp/err")"
usage crm push salesforce --bogus && ok "an unknown option: usage" || bad "--bogus: rc=$rc $(cat "$tmp/err")"
"$MK" crm --help >"$tmp/out" 2>&1 && grep -q "^usage: mapkeeper crm push|pull salesforce|hubspot" "$tmp/out" \
	&& ok "crm --help prints the usage" || bad "crm --help: $(cat "$tmp/out")"
"$MK" help --commands >"$tmp/out" 2>&1 && grep -qx "crm push" "$tmp/out" && grep -qx "crm status" "$tmp/out" \
	&& grep -qx "deal link" "$tmp/out" && ok "help --commands lists crm's verbs and deal link" \
	|| bad "help --commands: $(grep -E 'crm|deal' "$tmp/out")"

usage deal link Acme && grep -q "give one CRM" "$tmp/err" && ok "deal link without a CRM: usage" \
	|| bad "deal link Acme: rc=$rc $(cat "$tmp/err")"
usage deal link Acme --salesforce --hubspot && ok "deal link with two CRMs: usage" \
	|| bad "two CRMs: rc=$rc $(cat "$tmp/err")"
usage deal link Acme --salesforce 006A --off && grep -q -- "--off takes no id" "$tmp/err" \
	&& ok "deal link --off with an id: usage" || bad "--off ID: rc=$rc $(cat "$tmp/err")"
usage deal link --salesforce && ok "deal link without a deal: usage" || bad "no deal: rc=$rc $(cat "$tmp/err")"
fails deal link Acme --salesforce 'bad id!' && grep -q "'bad id!' is not a Salesforce id" "$tmp/err" \
	&& ok "deal link refuses a bad id" || bad "bad id: rc=$rc $(cat "$tmp/err")"
fails deal link Nobody --hubspot 123 && grep -q "no deal 'Nobody'" "$tmp/err" \
	&& ok "deal link names an unknown deal" || bad "unknown deal: rc=$rc $(cat "$tmp/err")"
fails deal link Nobody --hubspot --off && grep -q "no deal 'Nobody'" "$tmp/err" \
	&& ok "deal link --off names an unknown deal" || bad "unknown deal --off: rc=$rc $(cat "$tmp/err")"
"$MK" deal link Acme --hubspot --off >"$tmp/out" 2>"$tmp/err" && grep -q "deal 'Acme' was not linked to HubSpot" "$tmp/out" \
	&& ok "deal link --off on a deal not linked says so" || bad "--off not linked: $(cat "$tmp/out" "$tmp/err")"

"$MK" crm status >"$tmp/out" 2>"$tmp/err" && grep -q "^no deal is linked to a CRM" "$tmp/out" \
	&& ok "crm status with no links" || bad "status: $(cat "$tmp/out" "$tmp/err")"
"$MK" crm status --format json >"$tmp/out" 2>"$tmp/err" \
	&& python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == {"deals": []}' "$tmp/out" \
	&& ok "crm status --format json with no links: no deals" || bad "status json: $(cat "$tmp/out" "$tmp/err")"
fails crm status Nobody && grep -q "no deal 'Nobody'" "$tmp/err" && ok "crm status names an unknown deal" \
	|| bad "status Nobody: rc=$rc $(cat "$tmp/err")"
"$MK" crm push salesforce >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "SF_DOMAIN" "$tmp/err" && grep -q "SF_CLIENT_ID" "$tmp/err" \
	&& ok "crm push salesforce without credentials: one line naming them" || bad "no SF_*: rc=$rc $(cat "$tmp/err")"
"$MK" crm pull hubspot >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "HUBSPOT_TOKEN" "$tmp/err" \
	&& ok "crm pull hubspot without a token: one line naming it" || bad "no token: rc=$rc $(cat "$tmp/err")"
printf 'HUBSPOT_TOKEN=pat-na1-s3cret\n' >"$tmp/crm.conf"
chmod 644 "$tmp/crm.conf"
fails crm push hubspot --config "$tmp/crm.conf" && grep -q "is readable by group or others: refused (chmod 600 it)" "$tmp/err" \
	&& ! grep -q "s3cret" "$tmp/err" && grep -q "^mapkeeper: crm: config" "$tmp/err" \
	&& ok "a config file others may read is refused" || bad "config 644: rc=$rc $(cat "$tmp/err")"
fails deal link Acme --hubspot 123 --config "$tmp/crm.conf" && grep -q "refused (chmod 600 it)" "$tmp/err" \
	&& ok "deal link refuses that config too" || bad "link config 644: rc=$rc $(cat "$tmp/err")"
fails crm push hubspot --db "$tmp/none.db" && grep -q "no database at $tmp/none.db" "$tmp/err" && [ ! -e "$tmp/none.db" ] \
	&& ok "crm push never makes a database" || bad "no db: rc=$rc $(cat "$tmp/err")"

# a link as the store keeps it (made here without a CRM), then status and --off
python3 - "$MAPKEEPER_DB" <<'PY' || bad "cannot write the link"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO crm_links (deal_id, crm, remote_id, linked_at, linked_by) "
           "SELECT id, 'salesforce', '006A000001', '2026-01-01T00:00:00Z', 'test' FROM deals WHERE name = 'Acme'")
db.commit()
PY
"$MK" crm status >"$tmp/out" 2>"$tmp/err" && grep -q "^Acme$" "$tmp/out" && grep -q "^  salesforce: 006A000001" "$tmp/out" \
	&& grep -q "last push: never" "$tmp/out" && ! grep -q "^Bravo" "$tmp/out" \
	&& ok "crm status shows the linked deal, its record and no push yet" || bad "status linked: $(cat "$tmp/out" "$tmp/err")"
"$MK" crm status Acme --format json >"$tmp/out" 2>"$tmp/err" && python3 - "$tmp/out" <<'PY' \
	&& ok "crm status --format json: the deal, its CRM, record and runs" || bad "status json linked: $(cat "$tmp/out" "$tmp/err")"
import json, sys
d = json.load(open(sys.argv[1]))["deals"]
assert len(d) == 1 and d[0]["deal"] == "Acme", d
c = d[0]["crms"]
assert len(c) == 1 and c[0]["crm"] == "salesforce" and c[0]["remote_id"] == "006A000001", c
assert c[0]["last_push"] is None and c[0]["last_pull"] is None and c[0]["items"] == [], c
PY
"$MK" deal link Acme --salesforce --off >"$tmp/out" 2>"$tmp/err" && grep -q "unlinked deal 'Acme' from Salesforce" "$tmp/out" \
	&& "$MK" crm status Acme >"$tmp/out" 2>&1 && grep -q "^the deal is not linked to a CRM" "$tmp/out" \
	&& ok "deal link --off unlinks" || bad "--off: $(cat "$tmp/out" "$tmp/err")"
echo "1..$n"
