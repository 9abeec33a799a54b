#!/bin/sh
# `mapkeeper sync zoom|teams` through the binary against tests/fake/fake_api.py: a first
# sync ingests every transcript, a second one at once nothing, two in parallel each
# transcript once; --deal-map by topic, "no deal", a deal's --buyer-domain among a Zoom
# meeting's participants (a seller's domain alone matching nothing), the config file's
# mode, and a refused secret reported in one line that does not hold it.
. "$TOP/tests/cli/lib.sh"
python3 tests/fake/fake_api.py --lifetime 600 >"$tmp/port" 2>/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(head -n 1 "$tmp/port")
[ -n "$port" ] || { bad "cannot start the fake server"; exit 1; }

scenario() { # SCENARIO: point every service at it
	base="http://127.0.0.1:$port/s/$1"
	export MAPKEEPER_ZOOM_API="$base/zoom/v2" MAPKEEPER_ZOOM_OAUTH="$base/zoom/oauth/token"
	export MAPKEEPER_GRAPH_API="$base/graph/v1.0" MAPKEEPER_MS_LOGIN="$base/ms/login"
}
creds() {
	export ZOOM_ACCOUNT_ID=acct-1 ZOOM_CLIENT_ID=zoom-client ZOOM_CLIENT_SECRET=zoom-s3cret-XYZ
	export MS_TENANT_ID=tenant-1 MS_CLIENT_ID=ms-client MS_CLIENT_SECRET=ms-s3cret-XYZ
	export MS_USER_ID=ba321e0d-79ee-478d-8e28-85a19507f456
}
newdb() { # NAME: a fresh database with the deals Northwind and Acme
	export MAPKEEPER_DB="$tmp/$1.db"
	"$MK" deal add Northwind --seller "Ana Lima" >/dev/null 2>&1
	"$MK" deal add Acme --seller "Ana Lima" >/dev/null 2>&1
}
count() { # FILE KEY: a number of the JSON result
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null
}
creds
scenario pages

newdb one
"$MK" sync zoom --deal Northwind --format json >"$tmp/o1" 2>"$tmp/e"
[ $? -eq 0 ] && [ "$(count "$tmp/o1" fetched)" = 3 ] && [ "$(count "$tmp/o1" ingested)" = 3 ] \
	&& ok "sync zoom --deal ingests the three transcripts" || bad "first sync: $(cat "$tmp/o1" "$tmp/e")"
python3 - "$tmp/o1" <<'PY' && ok "each meeting has source, external_id, start, deal and status" || bad "meetings: $(cat "$tmp/o1")"
import json, sys
m = json.load(open(sys.argv[1]))["meetings"]
assert len(m) == 3
for x in m:
    assert x["source"] == "zoom" and x["external_id"].startswith("uuid-") and x["deal"] == "Northwind", x
    assert x["start"].endswith("Z") and x["status"] == "ingested", x
PY
python3 - "$MAPKEEPER_DB" <<'PY' && ok "a Zoom start in UTC is stored in the meeting's own time zone" || bad "local start: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select start from meetings').fetchall())" "$MAPKEEPER_DB")"
import sqlite3, sys
starts = [r[0] for r in sqlite3.connect(sys.argv[1]).execute("select start from meetings where path like 'zoom:%'")]
assert starts and all(s.endswith("T10:00:00-05:00") for s in starts), starts
PY
"$MK" review --deal Northwind --format json >"$tmp/r" 2>&1
grep -q '"meeting": "zoom:684033' "$tmp/r" && grep -q '"due": "2024-01-12"' "$tmp/r" \
	&& ok "proposals name the call zoom:<meeting id>; dates resolve on its start" || bad "review: $(head -c 600 "$tmp/r")"
"$MK" sync zoom --deal Northwind --format json >"$tmp/o2" 2>"$tmp/e"
[ $? -eq 0 ] && [ "$(count "$tmp/o2" ingested)" = 0 ] && [ "$(count "$tmp/o2" skipped)" = 3 ] \
	&& grep -q '"already ingested"' "$tmp/o2" && ok "a second sync at once ingests nothing" \
	|| bad "second sync: $(cat "$tmp/o2" "$tmp/e")"
"$MK" sync teams --deal Northwind --format json >"$tmp/o3" 2>"$tmp/e"
[ $? -eq 0 ] && [ "$(count "$tmp/o3" ingested)" = 6 ] && grep -q '"teams"' "$tmp/o3" \
	&& ok "sync teams ingests its transcripts" || bad "teams: $(cat "$tmp/o3" "$tmp/e")"
"$MK" sync zoom --deal Northwind --since 2026-06-01 --format json >"$tmp/o5" 2>"$tmp/e"
[ $? -eq 0 ] && [ "$(count "$tmp/o5" fetched)" = 3 ] \
	&& ok "a range longer than Zoom's month is read in windows, each meeting once" \
	|| bad "zoom windows: $(cat "$tmp/o5" "$tmp/e")"
MS_USER_ID="ba321e0d-79ee-478d-8e28-85a19507f456, 7f1c2d3e-0000-4000-8000-000000000001" \
	"$MK" sync teams --deal Northwind --since 2024-01-01 --format json >"$tmp/o4" 2>"$tmp/e"
[ $? -eq 0 ] && [ "$(count "$tmp/o4" fetched)" = 12 ] && [ "$(count "$tmp/o4" ingested)" = 0 ] \
	&& ok "MS_USER_ID with two organizers lists both; what was stored stays stored" \
	|| bad "two organizers: $(cat "$tmp/o4" "$tmp/e")"

newdb par
"$MK" sync zoom --deal Northwind --format json >"$tmp/pa" 2>"$tmp/ea" &
a=$!
"$MK" sync zoom --deal Northwind --format json >"$tmp/pb" 2>"$tmp/eb" &
b=$!
wait $a; ra=$?; wait $b; rb=$?
sum=$(( $(count "$tmp/pa" ingested) + $(count "$tmp/pb" ingested) ))
[ $ra -eq 0 ] && [ $rb -eq 0 ] && [ $sum -eq 3 ] && ok "two syncs in parallel ingest each transcript once" \
	|| bad "parallel ($ra $rb, $sum): $(cat "$tmp/pa" "$tmp/ea" "$tmp/pb" "$tmp/eb")"
"$MK" sync zoom --deal Northwind --since 2024-01-01 --format json >"$tmp/pc" 2>&1
[ "$(count "$tmp/pc" ingested)" = 0 ] && ok "after them, nothing is new" || bad "after parallel: $(cat "$tmp/pc")"

newdb map
cat >"$tmp/deals.map" <<'MAP'
# which deal a call belongs to
topic deal CALL 10$ -> Acme
domain example.org -> Acme
topic call 2[0-9] -> Northwind
MAP
"$MK" sync zoom --deal-map "$tmp/deals.map" --format json >"$tmp/o4" 2>"$tmp/e"
python3 - "$tmp/o4" <<'PY' && ok "--deal-map by topic; an unmatched meeting is \"no deal\"" || bad "deal map: $(cat "$tmp/o4" "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
st = {m["external_id"]: (m.get("deal"), m["status"]) for m in d["meetings"]}
assert st["uuid-10=="] == ("Acme", "ingested"), st
assert st["uuid-20=="] == ("Northwind", "ingested"), st
assert st["uuid-30=="][1] == "no deal", st
assert d["ingested"] == 2 and d["skipped"] == 1, d
PY

printf 'topic call 2[0-9] -> Northwind\ntopic \\<deal\\> -> Acme\n' >"$tmp/posix.map"
"$MK" sync zoom --deal-map "$tmp/posix.map" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && [ ! -s "$tmp/o" ] \
	&& grep -q "posix.map:2: bad regex '.<deal.>': deal maps use PCRE2 now: use .b for a word boundary" "$tmp/e" \
	&& ok "a deal map's POSIX-only \\< \\> is refused in one line saying what to write" \
	|| bad "posix map: $(cat "$tmp/o" "$tmp/e")"

newdb buyer
"$MK" deal add Aardvark --seller "Nadia Petrova" --seller-domain routewise.io \
	--buyer-domain aardvark.example >/dev/null 2>&1
"$MK" deal add "Harbor Pine" --seller "Ana Lima" --buyer-domain HarborPine.com >/dev/null 2>&1
"$MK" deal show "Harbor Pine" --format json >"$tmp/ds" 2>&1
grep -q '"buyer_domain": "HarborPine.com"' "$tmp/ds" && ok "deal add --buyer-domain is stored and shown" \
	|| bad "deal show: $(cat "$tmp/ds")"
"$MK" sync zoom --format json >"$tmp/o5" 2>"$tmp/e"
python3 - "$tmp/o5" <<'PY' && ok "a participant's e-mail domain routes a call to the deal with that --buyer-domain" || bad "buyer domain: $(cat "$tmp/o5" "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
st = {m["external_id"]: (m.get("deal"), m["status"]) for m in d["meetings"]}
assert st["uuid-10=="] == ("Harbor Pine", "ingested"), st  # not Aardvark: a seller's domain alone
assert st["uuid-30=="] == ("Harbor Pine", "ingested"), st
assert st["uuid-20=="][1] == "no deal", st                  # its participants answer 403
PY

newdb conf
unset ZOOM_ACCOUNT_ID ZOOM_CLIENT_ID ZOOM_CLIENT_SECRET
printf 'ZOOM_ACCOUNT_ID=acct-1\nZOOM_CLIENT_ID=zoom-client\nZOOM_CLIENT_SECRET=zoom-s3cret-XYZ\n' >"$tmp/mk.conf"
chmod 644 "$tmp/mk.conf"
"$MK" sync zoom --deal Northwind --config "$tmp/mk.conf" >"$tmp/o" 2>"$tmp/e"
[ $? -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "mk.conf" "$tmp/e" && ! grep -q "s3cret" "$tmp/e" \
	&& ok "a config file others can read is refused in one line" || bad "0644 config: $(cat "$tmp/o" "$tmp/e")"
chmod 600 "$tmp/mk.conf"
MAPKEEPER_CONFIG="$tmp/mk.conf" "$MK" sync zoom --deal Northwind --format json >"$tmp/o" 2>"$tmp/e"
[ $? -eq 0 ] && [ "$(count "$tmp/o" ingested)" = 3 ] && ok "a 0600 config file (\$MAPKEEPER_CONFIG) is used" \
	|| bad "0600 config: $(cat "$tmp/o" "$tmp/e")"

creds
export ZOOM_CLIENT_SECRET=wrong-s3cret-ABC
"$MK" sync zoom --deal Northwind >"$tmp/o" 2>"$tmp/e"
[ $? -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "authentication failed" "$tmp/e" \
	&& ! grep -q "s3cret" "$tmp/e" "$tmp/o" && ok "wrong credentials: one line, no secret in it" \
	|| bad "wrong credentials: $(cat "$tmp/o" "$tmp/e")"
kill $fake 2>/dev/null
echo "1..$n"
