#!/bin/sh
# `mapkeeper crm push|pull salesforce` and `deal link --salesforce` through the binary
# against tests/fake/fake_salesforce.py: linking by id, by name, an ambiguous name and an
# unknown id refused in one line; a push makes each item's Task once (WhatId, WhoId from the
# Account's Contacts, Subject, ActivityDate, Status, Description) and sets NextStep and the
# health field; a second push changes nothing; a Task completed and re-dated in Salesforce
# comes back as proposals, approved, then pushed without duplicates; 500s and 429s retried;
# a push killed with -9 and run again, and two pushes at once, make each Task exactly once;
# a Task deleted in Salesforce is reported and never re-created; an org without the External
# ID field gets its one-line error; the JWT bearer flow; no secret or token in any output.
. "$TOP/tests/cli/lib.sh"
python3 tests/fake/fake_salesforce.py --lifetime 900 --page-size 2 >"$tmp/port" 2>"$tmp/fake.err" &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(head -n 1 "$tmp/port")
[ -n "$port" ] || { bad "cannot start the fake org: $(cat "$tmp/fake.err")"; echo "1..$n"; exit 1; }
base="http://127.0.0.1:$port"
ACME=006000000000001AAA
GLOBEX=006000000000002AAA
SECRET=sf-s3cret-XYZ
unset MAPKEEPER_CONFIG SF_USERNAME SF_JWT_KEY_FILE SF_LOGIN_URL SF_API_VERSION SF_EXTERNAL_ID_FIELD \
	SF_HEALTH_FIELD 2>/dev/null || true
export SF_DOMAIN="$base" SF_CLIENT_ID=3MVG9fake.client.id SF_CLIENT_SECRET=$SECRET
export MAPKEEPER_DB="$tmp/crm.db"

# fake PATH [JSON]: a control request to the fake org (POST with JSON); its reply on stdout
fake() {
	if [ -n "${2:-}" ]; then
		curl -s -f -X POST -H 'Content-Type: application/json' -d "$2" "$base/_fake/$1"
	else
		curl -s -f "$base/_fake/$1"
	fi
}
counter() { fake "count?name=$1"; }            # NAME: one of the fake's counters
live() { fake "count?what=$1"; }               # OPPORTUNITY: how many live Tasks it has
key_of() { fake "key?subject=$(printf %s "$1" | sed 's/ /%20/g')"; } # SUBJECT: its External ID
# check NAME PYTHON: runs PYTHON with S (the fake's state, read by the same python), R (the
# last result, $tmp/o) and R2 ($tmp/o2) loaded; ok when it exits 0 (one python start: they
# are slow on a loaded machine)
check() {
	name=$1
	python3 - "$base/_fake/state" "$tmp/o" "$tmp/o2" "$2" <<'PY' >"$tmp/why" 2>&1 && ok "$name" || bad "$name: $(tail -n 4 "$tmp/why") $(head -c 1500 "$tmp/o") $(head -c 400 "$tmp/e" 2>/dev/null)"
import json, sys, urllib.request
S = json.loads(urllib.request.urlopen(sys.argv[1], timeout=10).read())
def load(p):
    try:
        return json.load(open(p))
    except Exception:
        return None
R, R2 = load(sys.argv[2]), load(sys.argv[3])
EXT = "Mapkeeper_Id__c"
live = [t for t in S["tasks"] if not t["IsDeleted"]]
def tasks_of(opp):
    return [t for t in live if t["WhatId"] == opp]
exec(sys.argv[4])
PY
}
push() { "$MK" crm push salesforce --format json "$@" >"$tmp/o" 2>"$tmp/e"; }
pull() { "$MK" crm pull salesforce --format json "$@" >"$tmp/o" 2>"$tmp/e"; }
all_out="$tmp/all-output"
: >"$all_out"
keep() { cat "$tmp/o" "$tmp/e" >>"$all_out" 2>/dev/null; }

# ---- a plan: call 1's items approved, one more by hand with a buyer owner the org knows ----
{ "$MK" deal add "Acme Rollout" --seller "Maya Brooks" &&
	"$MK" deal add "Globex Pilot" --seller "Maya Brooks" &&
	"$MK" deal add Initech --seller "Maya Brooks" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal "Acme Rollout" --date 2026-03-03 &&
	"$MK" approve --all --deal "Acme Rollout" --as rep &&
	"$MK" item add "Acme Rollout" --action "Send the security questionnaire" --owner "dana whitfield" \
		--side buyer --due 2026-03-20 --as rep; } >"$tmp/o" 2>"$tmp/e" \
	&& ok "setup: three deals, Acme Rollout's plan" || bad "setup: $(cat "$tmp/o" "$tmp/e")"
nitems=$("$MK" item list "Acme Rollout" --format json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = d["items"] if isinstance(d, dict) else d
print(len(items))' 2>/dev/null)
[ "${nitems:-0}" -ge 2 ] && ok "the plan has $nitems items" || bad "item list: $nitems"

# ---- deal link ----
"$MK" deal link "Acme Rollout" --salesforce $ACME >"$tmp/o" 2>"$tmp/e" && keep \
	&& ok "deal link by id" || bad "link by id: $(cat "$tmp/o" "$tmp/e")"
"$MK" deal link "Globex Pilot" --salesforce >"$tmp/o" 2>"$tmp/e" && keep && grep -q $GLOBEX "$tmp/o" \
	&& ok "deal link by name finds the Opportunity named like the deal" || bad "link by name: $(cat "$tmp/o" "$tmp/e")"
"$MK" deal link Initech --salesforce >"$tmp/o" 2>"$tmp/e"
rc=$?
keep
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "2 Opportunities are named 'Initech'" "$tmp/e" \
	&& grep -q 006000000000003AAA "$tmp/e" && grep -q 006000000000004AAA "$tmp/e" \
	&& ok "an ambiguous name: one line naming both ids" || bad "ambiguous: exit $rc: $(cat "$tmp/o" "$tmp/e")"
"$MK" deal link Initech --salesforce 006000000000099AAA >"$tmp/o" 2>"$tmp/e"
rc=$?
keep
if [ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "no Opportunity 006000000000099AAA (check the id)" "$tmp/e"; then
	ok "an unknown id: one line"
else
	bad "unknown id: exit $rc: $(cat "$tmp/o" "$tmp/e")"
fi

# ---- the first push ----
push --deal "Acme Rollout"
rc=$?
keep
check "push makes one Task per item with WhatId, Subject, ActivityDate, Status, Description" "
assert $rc == 0, $rc
assert R['crm'] == 'salesforce' and R['created'] == $nitems and R['errors'] == 0, R
ts = tasks_of('$ACME')
assert len(ts) == $nitems, len(ts)
assert len({t[EXT] for t in ts}) == $nitems
for t in ts:
    assert t[EXT].startswith('mk-') and t['Subject'] and t['Status'] == 'Not Started', t
    assert 'mapkeeper item #' in t['Description'], t
q = [t for t in ts if t['Subject'] == 'Send the security questionnaire'][0]
assert q['ActivityDate'] == '2026-03-20' and q['WhoId'] == '003000000000001AAA', q
assert q['Description'].startswith('Added by hand in mapkeeper.'), q
assert any(t['Description'].startswith('\"') for t in ts), 'a quoted item'
"
check "push sets the Opportunity's NextStep and plan health" "
o = S['opportunities']['$ACME']
assert o['NextStep'] and len(o['NextStep']) <= 255, o
assert o.get('Mapkeeper_Plan_Health__c', '').endswith('slipped'), o
"
writes=$(counter writes)
push --deal "Acme Rollout"
rc=$?
keep
check "a second push sends nothing that changes the org" "
assert $rc == 0 and R['created'] == 0 and R['updated'] == 0 and R['unchanged'] == $nitems, R
assert S['counts'].get('writes', 0) == $writes, S['counts']
"

# ---- changes made in Salesforce come back as proposals ----
k1=$(key_of "Send the security questionnaire")
k2=$(key_of "send an invite for a pricing review")
fake task "{\"key\": \"$k1\", \"set\": {\"Status\": \"Completed\"}}" >/dev/null
fake task "{\"key\": \"$k2\", \"set\": {\"ActivityDate\": \"2026-04-30\"}}" >/dev/null
k3=$(key_of "turn the questionnaire around")
k4=$(key_of "walk Farah Khan through the ROI model")
fake task "{\"key\": \"$k3\", \"set\": {\"Status\": \"Waiting on someone else\"}}" >/dev/null
fake task "{\"key\": \"$k4\", \"set\": {\"Subject\": \"Walk Farah through the ROI model (v2)\"}}" >/dev/null
pull --deal "Acme Rollout"
rc=$?
keep
check "pull: completed proposes mark_done, re-dated update_due, waiting mark_blocked; a new subject is a line" "
assert $rc == 0 and R['proposed'] == 3, R
whats = sorted(l['what'] for l in R['lines'] if l['what'].startswith('proposed'))
assert whats == ['proposed mark_blocked', 'proposed mark_done', 'proposed update_due'], whats
assert [l for l in R['lines'] if l['what'] == 'edited in CRM'], R['lines']
"
pull --deal "Acme Rollout"
cp "$tmp/o" "$tmp/o2"
check "a second pull proposes nothing again" "assert R2['proposed'] == 0, R2"
"$MK" review --deal "Acme Rollout" --format json >"$tmp/o" 2>"$tmp/e"
ids=$(python3 - "$tmp/o" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
props = d["proposals"] if isinstance(d, dict) else d
print(" ".join(str(p["id"]) for p in props if p.get("kind") in ("mark_done", "update_due")))
PY
)
[ -n "$ids" ] && grep -q "Salesforce" "$tmp/o" && ok "review lists them, from Salesforce ($ids)" \
	|| bad "review: $(head -c 800 "$tmp/o")"
"$MK" approve $ids --deal "Acme Rollout" --as rep >"$tmp/o" 2>"$tmp/e" && ok "approve them" \
	|| bad "approve: $(cat "$tmp/o" "$tmp/e")"
created=$(counter task_created)
push --deal "Acme Rollout"
rc=$?
keep
check "push after approval: no duplicates, the done Task stays Completed, the new date kept" "
assert $rc == 0 and R['created'] == 0 and R['errors'] == 0, R
assert S['counts']['task_created'] == $created, S['counts']
ts = tasks_of('$ACME')
assert len(ts) == $nitems
by = {t[EXT]: t for t in ts}
assert by['$k1']['Status'] == 'Completed' and by['$k2']['ActivityDate'] == '2026-04-30', (by['$k1'], by['$k2'])
"

# ---- 500s and 429s are retried ----
"$MK" item add "Acme Rollout" --action "Share the rollout timeline" --due 2026-05-04 --as rep >/dev/null 2>&1
fake fail '{"count": 2, "status": 500, "method": "PATCH"}' >/dev/null
push --deal "Acme Rollout"
rc=$?
keep
check "two 500s on the upsert: retried, the Task made once" "
assert $rc == 0 and R['created'] == 1 and R['errors'] == 0, R
assert len([t for t in live if t['Subject'] == 'Share the rollout timeline']) == 1
"
"$MK" item add "Acme Rollout" --action "Confirm the SSO owner" --as rep >/dev/null 2>&1
fake fail '{"count": 1, "status": 429, "retry_after": 1}' >/dev/null
push --deal "Acme Rollout"
rc=$?
keep
check "a 429 with Retry-After: waited, retried" "
assert $rc == 0 and R['created'] == 1, R
assert S['counts']['faults'] >= 3, S['counts']
"

# ---- a push killed with -9 while an upsert is in flight, then run again: each Task once ----
for a in "Sign the MSA" "Name the project lead" "Book the kickoff" "Send the W-9"; do
	"$MK" item add "Globex Pilot" --action "$a" --owner "Farah Khan" --side buyer --as rep >/dev/null 2>&1
done
fake config '{"delay_ms": 800, "delay_method": "PATCH"}' >/dev/null
"$MK" crm push salesforce --deal "Globex Pilot" >"$tmp/k.out" 2>&1 &
pk=$!
i=0
while [ $i -lt 100 ] && [ "$(live $GLOBEX)" -lt 1 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 $pk 2>/dev/null
wait $pk 2>/dev/null
sleep 1 # the upsert the fake was holding lands after its client died
fake config '{"delay_ms": 0, "delay_method": null}' >/dev/null
cp "$tmp/k.out" "$tmp/o"
check "the killed push had made some of the four Tasks" "
n = len(tasks_of('$GLOBEX'))
assert 1 <= n < 4, n
"
push --deal "Globex Pilot" --wait 10
rc=$?
keep
check "push again: each item's Task exactly once" "
assert $rc == 0 and R['errors'] == 0, (R, $rc)
ts = tasks_of('$GLOBEX')
assert len(ts) == 4 and len({t[EXT] for t in ts}) == 4, [t['Subject'] for t in ts]
assert len([t for t in S['tasks'] if t['WhatId'] == '$GLOBEX']) == 4
"

# ---- two pushes at once ----
for a in "Draft the SOW" "Send the pricing sheet" "Schedule the security review"; do
	"$MK" item add "Acme Rollout" --action "$a" --as rep >/dev/null 2>&1
done
fake config '{"delay_ms": 300, "delay_method": "PATCH"}' >/dev/null
"$MK" crm push salesforce --wait 60 --format json >"$tmp/pa" 2>"$tmp/ea" &
a=$!
"$MK" crm push salesforce --wait 60 --format json >"$tmp/pb" 2>"$tmp/eb" &
b=$!
wait $a
ra=$?
wait $b
rb=$?
fake config '{"delay_ms": 0, "delay_method": null}' >/dev/null
cat "$tmp/pa" "$tmp/ea" "$tmp/pb" "$tmp/eb" >>"$all_out"
cp "$tmp/pa" "$tmp/o"
cp "$tmp/pb" "$tmp/o2"
check "two pushes at once: both finish, no duplicate Task" "
assert $ra == 0 and $rb == 0, ($ra, $rb)
assert R['created'] + R2['created'] == 3, (R, R2)
keys = [t[EXT] for t in live]
assert len(keys) == len(set(keys)), keys
"

# ---- Tasks deleted in Salesforce: reported by pull and by push, never re-created ----
item_of() { # ACTION: the item's id on Acme Rollout's plan
	"$MK" item list "Acme Rollout" | awk -v a="$1" 'NR > 1 && index($0, a) { print $1; exit }'
}
kd=$(key_of "Confirm the SSO owner")
ke=$(key_of "Draft the SOW")
fake task/delete "{\"key\": \"$kd\"}" >/dev/null
pull --deal "Acme Rollout"
rc=$?
keep
check "pull reports the deleted Task" "
assert $rc == 0, $rc
assert [l for l in R['lines'] if l['what'] == 'deleted in CRM'], R['lines']
"
fake task/delete "{\"key\": \"$ke\"}" >/dev/null
"$MK" item edit "$(item_of "Confirm the SSO owner")" --due 2026-06-01 --as rep >/dev/null 2>&1
"$MK" item edit "$(item_of "Draft the SOW")" --due 2026-06-02 --as rep >/dev/null 2>&1
created=$(counter task_created)
push --deal "Acme Rollout"
rc=$?
keep
check "push reports the other one and re-creates neither, edited or not" "
assert $rc == 0, $rc
assert S['counts']['task_created'] == $created, S['counts']
assert not [t for t in live if t[EXT] in ('$kd', '$ke')], 'recreated'
assert [l for l in R['lines'] if l['what'] == 'deleted in CRM'], R['lines']
"
push --deal "Acme Rollout"
check "and again: still not re-created" "
assert S['counts']['task_created'] == $created, S['counts']
"

# ---- an org without the External ID field ----
fake config '{"no_external_id": true}' >/dev/null
"$MK" item add "Acme Rollout" --action "Send the data sheet" --as rep >/dev/null 2>&1
push --deal "Acme Rollout"
rc=$?
keep
fake config '{"no_external_id": false}' >/dev/null
[ $rc -ne 0 ] && grep -q "salesforce: the Task field Mapkeeper_Id__c does not exist or is not an External ID: create it (docs/crm.md)" "$tmp/o" "$tmp/e" \
	&& ok "no External ID field: the one-line error, exit $rc" || bad "no field: exit $rc: $(cat "$tmp/o" "$tmp/e")"

# ---- the configuration from a chmod-600 file, as sync's ----
printf 'SF_DOMAIN=%s\nSF_CLIENT_ID=3MVG9fake.client.id\nSF_CLIENT_SECRET=%s\nSF_API_VERSION=61.0\n' "$base" "$SECRET" \
	>"$tmp/mk.conf"
chmod 644 "$tmp/mk.conf"
env -u SF_DOMAIN -u SF_CLIENT_ID -u SF_CLIENT_SECRET "$MK" crm pull salesforce --config "$tmp/mk.conf" >"$tmp/o" 2>"$tmp/e"
rc=$?
keep
[ $rc -ne 0 ] && grep -q "is readable by group or others: refused (chmod 600 it)" "$tmp/e" \
	&& ok "a config file others may read is refused" || bad "config mode: exit $rc: $(cat "$tmp/o" "$tmp/e")"
chmod 600 "$tmp/mk.conf"
env -u SF_DOMAIN -u SF_CLIENT_ID -u SF_CLIENT_SECRET "$MK" crm pull salesforce --config "$tmp/mk.conf" \
	--format json >"$tmp/o" 2>"$tmp/e"
rc=$?
keep
[ $rc -eq 0 ] && [ "$(counter v61.0)" -gt 0 ] && ok "SF_* from the config file (API version 61.0): pull runs" \
	|| bad "config file: exit $rc: $(cat "$tmp/o" "$tmp/e")"

# ---- refused credentials; the JWT bearer flow ----
SF_CLIENT_SECRET=wrong-$SECRET "$MK" crm push salesforce >"$tmp/o" 2>"$tmp/e"
rc=$?
keep
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "invalid_client" "$tmp/e" \
	&& grep -q "check SF_CLIENT_ID and SF_CLIENT_SECRET" "$tmp/e" \
	&& ok "a wrong secret: one line that says what to check" || bad "wrong secret: exit $rc: $(cat "$tmp/o" "$tmp/e")"
if openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/key.pem" 2>/dev/null &&
	openssl pkey -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem" 2>/dev/null; then
	python3 tests/fake/fake_salesforce.py --lifetime 300 --pubkey "$tmp/pub.pem" >"$tmp/port2" 2>/dev/null &
	fake2=$!
	i=0
	while [ ! -s "$tmp/port2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	chmod 644 "$tmp/key.pem"
	SF_DOMAIN=http://127.0.0.1:$(head -n 1 "$tmp/port2") SF_CLIENT_SECRET= SF_USERNAME=mk-integration@acme.example \
		SF_JWT_KEY_FILE="$tmp/key.pem" "$MK" deal link Initech --salesforce 006000000000003AAA >"$tmp/o" 2>"$tmp/e"
	rc=$?
	[ $rc -ne 0 ] && grep -q "readable by group or others: refused (chmod 600 it)" "$tmp/e" \
		&& ok "JWT: a key file others may read is refused" || bad "key mode: exit $rc: $(cat "$tmp/o" "$tmp/e")"
	chmod 600 "$tmp/key.pem"
	SF_DOMAIN=http://127.0.0.1:$(head -n 1 "$tmp/port2") SF_CLIENT_SECRET= SF_USERNAME=mk-integration@acme.example \
		SF_JWT_KEY_FILE="$tmp/key.pem" "$MK" deal link Initech --salesforce 006000000000003AAA >"$tmp/o" 2>"$tmp/e"
	rc=$?
	keep
	[ $rc -eq 0 ] && ok "JWT bearer flow: a signed assertion gets the token (the fake verifies the signature)" \
		|| bad "jwt: exit $rc: $(cat "$tmp/o" "$tmp/e")"
	kill $fake2 2>/dev/null
else
	ok "# SKIP openssl cannot make a key"
fi

# ---- no secret or token anywhere ----
if grep -q -e "$SECRET" -e "00DFAKE!tok" -e "PRIVATE KEY" "$all_out"; then
	bad "a secret or token in the output: $(grep -e "$SECRET" -e "00DFAKE!tok" "$all_out" | head -n 3)"
else
	ok "no secret or token in any output ($(wc -l <"$all_out") lines)"
fi
echo "1..$n"
