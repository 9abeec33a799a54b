#!/bin/sh
# The managers' questions in the JSON API: GET /api/changes (since, until, deal, by, limit
# and "more"; the shape of `changes --format json`; bad parameters 400, an unknown deal
# 404, no token 401, another method 405) and the health of GET /api/deals with pending,
# next_step, next_step_action and next_meeting. curl against a server on a free port.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/serve.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT
if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP curl is not installed"
	exit 0
fi
today=$(date +%F)

"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& "$MK" approve --all --deal Northwind --as lead >/dev/null 2>>"$tmp/e" \
	&& "$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>>"$tmp/e" \
	&& "$MK" deal add Quiet --seller "Sam Patel" >/dev/null 2>>"$tmp/e" \
	&& ok "a deal with one call approved and one waiting" || bad "setup: $(cat "$tmp/e")"

serve_start MAPKEEPER_TOKEN=t0ken-for-tests || { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 1; }
base="http://127.0.0.1:$port/api"
req() {
	m=$1 p=$2
	shift 2
	curl -s -o "$tmp/b" -w '%{http_code}' -X "$m" -H "Authorization: Bearer t0ken-for-tests" "$@" "$base$p"
}
js() { python3 -c "import json,sys; d=json.load(open('$tmp/b')); $1"; }

[ "$(req GET '/changes?since=2026-03-01')" = 200 ] && js '
rows = d["changes"]
assert d["more"] is False and rows, d
keys = {"deal", "item_id", "action", "field", "old", "new", "at", "by", "meeting", "meeting_start",
        "speaker", "start_ms", "quote"}
for r in rows:
    assert set(r) == keys, r
    assert r["deal"] == "Northwind" and r["by"] == "lead" and r["meeting"] == "northwind-call-01.vtt", r
fields = {r["field"] for r in rows}
# the items, people and risks of the call, and (issue 14) what it says of the whole plan
assert {"added", "stakeholder", "risk"} <= fields, fields
assert fields <= {"added", "stakeholder", "risk", "goal", "go_live", "criterion", "dependency", "next_meeting",
                  "stance"}, fields' \
	&& ok "GET changes: the approved call only, with the shape of the CLI" || bad "changes: $(cat "$tmp/b")"
"$MK" changes --since 2026-03-01 --format json >"$tmp/cli.json"
python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["changes"]
b = json.load(open(sys.argv[2]))["changes"]
assert a == b' "$tmp/b" "$tmp/cli.json" && ok "the API and the CLI give the same rows" || bad "api vs cli"

"$MK" approve --all --deal Northwind --as manager >/dev/null 2>&1
[ "$(req GET '/changes?since=2026-03-05&deal=Northwind')" = 200 ] && js '
rows = d["changes"]
assert rows and all(r["meeting"] == "northwind-call-02.vtt" and r["by"] == "manager" for r in rows), rows
slip = [r for r in rows if r["field"] == "due"]
assert slip and slip[0]["old"] == "2026-03-04" and slip[0]["new"] == "2026-03-16" and slip[0]["speaker"] == "Nina Patel", slip' \
	&& ok "since and deal: the second call's changes once approved" || bad "since/deal: $(cat "$tmp/b")"
[ "$(req GET '/changes?since=2026-03-01&until=2026-03-05')" = 200 ] \
	&& js 'assert d["changes"] and all(r["meeting"] == "northwind-call-01.vtt" for r in d["changes"]), d' \
	&& ok "until" || bad "until: $(cat "$tmp/b")"
[ "$(req GET "/changes?since=$today&by=decision")" = 200 ] && js 'assert len(d["changes"]) >= 10, d' \
	&& [ "$(req GET '/changes?since=2026-03-01&until=2026-03-31&by=decision')" = 200 ] && js 'assert d["changes"] == [], d' \
	&& ok "by=decision: dated by the approval" || bad "by decision: $(cat "$tmp/b")"
[ "$(req GET '/changes?since=2026-03-01&limit=2')" = 200 ] && js 'assert len(d["changes"]) == 2 and d["more"] is True, d' \
	&& ok "limit and more" || bad "limit: $(cat "$tmp/b")"

for q in "" "since=yesterday" "since=2026-03-01&until=2026-02-01" "since=2026-03-01&by=call" \
	"since=2026-03-01&limit=0" "since=2026-03-01&limit=100000" "since=2026-3-1"; do
	[ "$(req GET "/changes?$q")" = 400 ] && js 'assert d["error"]' || { bad "400 for '$q': $(cat "$tmp/b")"; continue; }
	ok "400 for '$q'"
done
[ "$(req GET '/changes?since=2026-03-01&deal=Nowhere')" = 404 ] && js 'assert d["error"] == "no such deal"' \
	&& ok "an unknown deal: 404" || bad "404: $(cat "$tmp/b")"
[ "$(req POST '/changes?since=2026-03-01')" = 405 ] && ok "POST: 405" || bad "405: $(cat "$tmp/b")"
[ "$(curl -s -o "$tmp/b" -w '%{http_code}' "$base/changes?since=2026-03-01")" = 401 ] && ok "no token: 401" || bad "401"

# ---- the deals' health (as of today): Quiet's call of today, its item approved, the rest waiting ----
printf 'Sam Patel: I will send the pricing proposal by Friday.\nDana Reyes: Honestly this was not in the budget for this year, so our CFO will want a business case.\n' >"$tmp/quiet.txt"
"$MK" ingest "$tmp/quiet.txt" --deal Quiet --date "$today" >/dev/null 2>"$tmp/e" || bad "quiet call: $(cat "$tmp/e")"
"$MK" review --deal Quiet --format json >"$tmp/q.json"
item=$(python3 -c 'import json,sys; print([p["id"] for p in json.load(open(sys.argv[1]))["proposals"] if p["kind"] == "add_item"][0])' "$tmp/q.json")
"$MK" approve "$item" --as sam >/dev/null 2>"$tmp/e" || bad "approve: $(cat "$tmp/e")"
pending=$("$MK" review --deal Quiet --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["proposals"]))')
[ "$(req GET /deals)" = 200 ] && js '
n = {x["name"]: x["health"] for x in d["deals"]}
for h in n.values():
    for k in ("pending", "next_step", "next_step_action", "next_meeting"):
        assert k in h, (k, h)
    assert h["next_meeting"] is None, h
q, nw = n["Quiet"], n["Northwind"]
assert '"$pending"' >= 1 and q["pending"] == '"$pending"', q
assert q["next_step"] >= "'"$today"'" and q["next_step_action"] == "send the pricing proposal", q
assert nw["pending"] == 0 and nw["next_step"] is None and nw["next_step_action"] is None, nw
' && ok "GET deals: pending ($pending), next step, next meeting in each health" || bad "deals: $(cat "$tmp/b")"

serve_stop
[ "$serve_rc" -eq 0 ] && ok "serve stops cleanly" || bad "serve exit $serve_rc: $(cat "$tmp/serve.err")"
echo "1..$n"
