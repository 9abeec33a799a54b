#!/bin/sh
# `mapkeeper crm push|pull hubspot` and `deal link --hubspot` through the binary against
# tests/fake/fake_hubspot.py (search pages of 2): a link by id, by name, ambiguous, unknown;
# a push creates each item's task on the deal (subject, body with the key, due timestamp,
# status) and the deal's next step; a second push writes nothing; a task completed and
# re-dated in HubSpot comes back as proposals that, approved, push as updates; a create whose
# reply was lost (found by its key even before HubSpot's search index has it), a kill -9
# mid-push and two pushes at once leave each task once; 429 and 500 are retried; a task
# deleted in HubSpot is reported and not made again; a missing scope and a refused token are
# one line naming the fix; the token is in no output.
. "$TOP/tests/cli/lib.sh"
python3 tests/fake/fake_hubspot.py --lifetime 600 --page-size 2 >"$tmp/port" 2>/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(head -n 1 "$tmp/port")
[ -n "$port" ] || { bad "cannot start the fake HubSpot"; exit 1; }

TOKEN=pat-na1-fake-0000-token
export HUBSPOT_TOKEN=$TOKEN MAPKEEPER_HUBSPOT_API="http://127.0.0.1:$port" HUBSPOT_PORTAL_ID=4455
export MAPKEEPER_DB="$tmp/hs.db"
unset MAPKEEPER_CONFIG HUBSPOT_NEXT_STEP_PROPERTY MAPKEEPER_HUBSPOT_APP 2>/dev/null

# ctl post|delete WHAT [JSON]: the fake's /_fake/ control; check PYTHON: an assertion over its
# state (deals, tasks: the live tasks by id, counts, tasks_of(deal), keys(): key -> task ids)
cat >"$tmp/ctl.py" <<'PY'
import json, re, sys, urllib.request
port, verb, what = sys.argv[1], sys.argv[2], sys.argv[3]
base = "http://127.0.0.1:%s/_fake/" % port
if verb in ("post", "delete"):
    data = (sys.argv[4] if len(sys.argv) > 4 else "{}").encode()
    req = urllib.request.Request(base + what, data=data, method=verb.upper(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
    sys.exit(0)
S = json.load(urllib.request.urlopen(base + "state"))
deals, counts = S["deals"], S["counts"]
tasks = {k: v for k, v in S["tasks"].items() if not v["archived"]}
def tasks_of(deal):
    return {k: v["properties"] for k, v in tasks.items() if deal in v["deals"]}
def keys():
    out = {}
    for k, v in tasks.items():
        m = re.search(r"\(key (mk-[A-Za-z0-9_-]+)\)", v["properties"].get("hs_task_body") or "")
        if m:
            out.setdefault(m.group(1), []).append(k)
    return out
def by_subject(s):
    return [k for k, v in tasks.items() if v["properties"].get("hs_task_subject") == s]
if not eval("(" + what + ")"):
    print(json.dumps({"tasks": tasks, "deals": deals, "counts": counts})[:3000])
    sys.exit(1)
PY
ctl() { python3 "$tmp/ctl.py" "$port" "$@"; }
check() { python3 "$tmp/ctl.py" "$port" check "$1"; }
num() { # FILE KEY: a count of the run's JSON (its top-level "KEY": N line)
	sed -n "s/^  \"$2\": \([0-9][0-9]*\),\{0,1\}\$/\1/p" "$1"
}
push() { # OUT [ARGS]: crm push hubspot --format json into $tmp/OUT.out (.err)
	_o=$1
	shift
	"$MK" crm push hubspot --format json "$@" >"$tmp/$_o.out" 2>"$tmp/$_o.err"
}
pull() {
	_o=$1
	shift
	"$MK" crm pull hubspot --format json "$@" >"$tmp/$_o.out" 2>"$tmp/$_o.err"
}
one_line() { [ "$(wc -l <"$1")" -eq 1 ]; }

"$MK" deal add Northwind --seller "Ana Lima" >/dev/null 2>&1
"$MK" deal add Acme --seller "Ana Lima" >/dev/null 2>&1
"$MK" deal add Globex --seller "Ana Lima" >/dev/null 2>&1
"$MK" deal add Initech --seller "Ana Lima" >/dev/null 2>&1
"$MK" item add Northwind --action "Send the proposal" --owner "Ana Lima" --side seller --due 2026-12-10 >/dev/null
"$MK" item add Northwind --action "Loop in legal" --owner "Raj Rao" --side buyer >/dev/null
"$MK" item add Northwind --action "Share the security review" --owner "Ana Lima" --side seller \
	--due 2026-12-15 >/dev/null

# ---- deal link --------------------------------------------------------------------------
"$MK" deal link Northwind --hubspot 1001 >"$tmp/l1.out" 2>"$tmp/l1.err"
[ $? -eq 0 ] && grep -q "https://app.hubspot.com/contacts/4455/record/0-3/1001" "$tmp/l1.out" \
	&& ok "deal link --hubspot ID checks the deal and links it (with its link in HubSpot)" \
	|| bad "link by id: $(cat "$tmp/l1.out" "$tmp/l1.err")"
"$MK" deal link Globex --hubspot 999 >"$tmp/l2.out" 2>"$tmp/l2.err"
rc=$?
[ $rc -ne 0 ] && grep -q "hubspot: no deal 999 (check the id)" "$tmp/l2.err" && one_line "$tmp/l2.err" \
	&& ok "an unknown deal id: one line, exit $rc" || bad "unknown id ($rc): $(cat "$tmp/l2.out" "$tmp/l2.err")"
"$MK" deal link Acme --hubspot >"$tmp/l3.out" 2>"$tmp/l3.err"
rc=$?
[ $rc -ne 0 ] && grep -q 1002 "$tmp/l3.err" && grep -q 1003 "$tmp/l3.err" && one_line "$tmp/l3.err" \
	&& ok "by name, two deals named Acme (any case): one line naming both ids" \
	|| bad "ambiguous ($rc): $(cat "$tmp/l3.out" "$tmp/l3.err")"
"$MK" deal link Globex --hubspot >"$tmp/l4.out" 2>"$tmp/l4.err"
[ $? -eq 0 ] && grep -q 1004 "$tmp/l4.out" && ok "by name: the one deal named Globex" \
	|| bad "by name: $(cat "$tmp/l4.out" "$tmp/l4.err")"
"$MK" deal link Initech --hubspot >"$tmp/l5.out" 2>"$tmp/l5.err"
rc=$?
[ $rc -ne 0 ] && grep -q "hubspot: no deal is named 'Initech'" "$tmp/l5.err" && one_line "$tmp/l5.err" \
	&& ok "by name, no such deal in HubSpot: one line" || bad "none ($rc): $(cat "$tmp/l5.out" "$tmp/l5.err")"
"$MK" deal link Globex --hubspot --off >/dev/null 2>&1

# ---- push -------------------------------------------------------------------------------
push p1 --deal Northwind
[ $? -eq 0 ] && [ "$(num "$tmp/p1.out" created)" = 3 ] && [ "$(num "$tmp/p1.out" errors)" = 0 ] \
	&& ok "the first push creates the three tasks" || bad "push 1: $(cat "$tmp/p1.out" "$tmp/p1.err")"
check 'len(tasks_of("1001")) == 3 and all(len(v) == 1 for v in keys().values()) and len(keys()) == 3' \
	&& ok "three tasks on deal 1001, each with its key" || bad "tasks after push 1"
check '[tasks[i]["properties"]["hs_timestamp"] for i in by_subject("Send the proposal")] == ["2026-12-10T12:00:00Z"]
and all(p["hs_task_status"] == "NOT_STARTED" and p["hs_task_type"] == "TODO" for p in tasks_of("1001").values())
and [tasks[i]["properties"]["hs_timestamp"][10:] for i in by_subject("Loop in legal")] == ["T00:00:00Z"]
and all("mapkeeper item #" in p["hs_task_body"] for p in tasks_of("1001").values())' \
	&& ok "subject, body with the key, due at 12:00 UTC (none: the day pushed), NOT_STARTED, TODO" \
	|| bad "task properties"
check 'deals["1001"].get("hs_next_step") == "Raj Rao: Loop in legal" and "mapkeeper_plan_health" not in deals["1001"]' \
	&& ok "the deal's next step is the first open item; no health property: none written" || bad "next step"
"$MK" crm status Northwind --format json >"$tmp/st.out" 2>"$tmp/st.err"
[ "$(grep -c 'https://app.hubspot.com/contacts/4455/record/0-27/900000[123]' "$tmp/st.out")" -ge 3 ] \
	&& ok "crm status links each task in HubSpot" || bad "status: $(head -c 900 "$tmp/st.out") $(cat "$tmp/st.err")"
grep -q '"run_id"' "$tmp/p1.out" && grep -q '"lines"' "$tmp/p1.out" && ok "the run's JSON has run_id and lines" \
	|| bad "json: $(cat "$tmp/p1.out")"

writes() { python3 -c 'import json,sys,urllib.request
c = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_fake/state" % sys.argv[1]))["counts"]
print(sum(v for k, v in c.items() if k in ("POST /crm/v3/objects/tasks", "PATCH /crm/v3/objects/tasks/{id}")))' "$port"; }
w1=$(writes)
push p2 --deal Northwind
rc=$?
w2=$(writes)
[ $rc -eq 0 ] && [ "$(num "$tmp/p2.out" created)" = 0 ] && [ "$(num "$tmp/p2.out" updated)" = 0 ] \
	&& [ "$(num "$tmp/p2.out" unchanged)" = 3 ] && [ "$w1" = "$w2" ] \
	&& ok "a second push at once writes nothing (3 unchanged, no task request)" \
	|| bad "push 2 ($w1 -> $w2): $(cat "$tmp/p2.out" "$tmp/p2.err")"

# ---- changed in HubSpot, pulled, approved, pushed ------------------------------------------
t_prop=$(python3 -c 'import json,sys,urllib.request
t = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_fake/state" % sys.argv[1]))["tasks"]
print(" ".join(k for s in ("Send the proposal", "Share the security review") for k, v in t.items()
               if v["properties"]["hs_task_subject"] == s))' "$port")
set -- $t_prop
t_send=$1 t_review=$2
ctl post "task/$t_send" '{"properties":{"hs_task_status":"COMPLETED"}}'
ctl post "task/$t_review" '{"properties":{"hs_timestamp":"2026-12-22T09:30:00Z"}}'
pull q1 --deal Northwind
[ $? -eq 0 ] && [ "$(num "$tmp/q1.out" proposed)" = 2 ] && grep -q "proposed mark_done" "$tmp/q1.out" \
	&& grep -q "proposed update_due" "$tmp/q1.out" && ok "pull: completed and re-dated tasks become two proposals" \
	|| bad "pull: $(cat "$tmp/q1.out" "$tmp/q1.err")"
pull q2 --deal Northwind
[ $? -eq 0 ] && [ "$(num "$tmp/q2.out" proposed)" = 0 ] && ok "a second pull proposes nothing again" \
	|| bad "pull 2: $(cat "$tmp/q2.out" "$tmp/q2.err")"
"$MK" review --deal Northwind --format json >"$tmp/r.out" 2>&1
grep -q "HubSpot" "$tmp/r.out" && grep -q '"2026-12-22"' "$tmp/r.out" \
	&& ok "review shows them, from HubSpot, with the new date" || bad "review: $(head -c 800 "$tmp/r.out")"
"$MK" approve --all --deal Northwind --yes >/dev/null 2>&1
"$MK" plan Northwind --format json >"$tmp/plan.out" 2>&1
python3 - "$tmp/plan.out" <<'PY' && ok "approved: the item is done and the other re-dated" || bad "plan: $(head -c 600 "$tmp/plan.out")"
import json, sys
items = {i["action"]: i for i in json.load(open(sys.argv[1]))["items"]}
assert items["Send the proposal"]["status"] == "done", items
assert items["Share the security review"]["due"] == "2026-12-22", items
PY
ctl post health '{"on":true}'
push p3 --deal Northwind
[ $? -eq 0 ] && [ "$(num "$tmp/p3.out" created)" = 0 ] && [ "$(num "$tmp/p3.out" errors)" = 0 ] \
	&& [ "$(num "$tmp/p3.out" updated)" = 2 ] \
	&& check 'len(tasks) == 3 and all(len(v) == 1 for v in keys().values())' \
	&& check 'tasks["'"$t_send"'"]["properties"]["hs_task_status"] == "COMPLETED"' \
	&& check 'tasks["'"$t_review"'"]["properties"]["hs_timestamp"] == "2026-12-22T12:00:00Z"' \
	&& check 'deals["1001"]["mapkeeper_plan_health"] == "33% done, 0 overdue, 1 slipped"' \
	&& ok "the push after review: two updates, no new task, no duplicate; the health property written" \
	|| bad "push 3: $(cat "$tmp/p3.out" "$tmp/p3.err")"
push p4 --deal Northwind
[ "$(num "$tmp/p4.out" created)" = 0 ] && [ "$(num "$tmp/p4.out" updated)" = 0 ] \
	&& ok "and the next push is unchanged" || bad "push 4: $(cat "$tmp/p4.out" "$tmp/p4.err")"

# ---- a lost reply, retries ----------------------------------------------------------------
"$MK" item add Northwind --action "Book the onsite" --owner "Ana Lima" --side seller --due 2026-12-18 >/dev/null
ctl post lost '{"count":1}'
push p5 --deal Northwind
rc=$?
check 'len(by_subject("Book the onsite")) == 1' && [ "$(num "$tmp/p5.out" errors)" = 1 ] && [ $rc -eq 1 ] \
	&& ok "a create whose reply is lost: an error line (exit 1), the task exists once" \
	|| bad "lost ($rc): $(cat "$tmp/p5.out" "$tmp/p5.err")"
ctl post lag '{"seconds":120}'
push p6 --deal Northwind
rc=$?
ctl post lag '{"seconds":0}'
[ $rc -eq 0 ] && check 'len(by_subject("Book the onsite")) == 1 and len(tasks) == 4' \
	&& check 'counts.get("GET /crm/v4/objects/deals/{id}/associations/tasks", 0) >= 1' \
	&& ok "the next push, before HubSpot's search sees the task, finds it by its key: still one task" \
	|| bad "after lost: $(cat "$tmp/p6.out" "$tmp/p6.err")"

"$MK" item edit 3 --action "Share the security review and the DPA" >/dev/null 2>&1
ctl post fault '{"status":429,"count":1,"retry_after":1,"match":"PATCH /crm/v3/objects/tasks"}'
ctl post fault '{"status":500,"count":1,"match":"POST /crm/v3/objects/tasks/search"}'
push p7 --deal Northwind
[ $? -eq 0 ] && [ "$(num "$tmp/p7.out" updated)" = 1 ] && [ "$(num "$tmp/p7.out" errors)" = 0 ] \
	&& check 'len(by_subject("Share the security review and the DPA")) == 1' \
	&& ok "429 (Retry-After) and 500 are retried: the update goes through" \
	|| bad "retries: $(cat "$tmp/p7.out" "$tmp/p7.err")"

# ---- kill -9 mid-push, then two pushes at once ---------------------------------------------
for a in one two three four five six; do
	"$MK" item add Northwind --action "Step $a" --owner "Ana Lima" --side seller --due 2026-12-20 >/dev/null
done
ctl post delay '{"ms":250}'
"$MK" crm push hubspot --deal Northwind >/dev/null 2>&1 &
pk=$!
python3 - "$port" "$pk" <<'PY' # kill -9 once its first task is made (five more to go)
import json, os, sys, time, urllib.request
for _ in range(600):
    t = json.load(urllib.request.urlopen("http://127.0.0.1:%s/_fake/state" % sys.argv[1]))["tasks"]
    if any(v["properties"]["hs_task_subject"].startswith("Step ") for v in t.values()):
        break
    time.sleep(0.05)
os.kill(int(sys.argv[2]), 9)
PY
wait $pk 2>/dev/null
ctl post delay '{"ms":0}'
made=$(python3 "$tmp/ctl.py" "$port" check 'print(len([k for k in tasks if tasks[k]["properties"]["hs_task_subject"].startswith("Step ")])) or True')
push p8 --deal Northwind
[ $? -eq 0 ] && [ "$made" -ge 1 ] && [ "$made" -le 5 ] \
	&& check 'len(tasks) == 10 and all(len(v) == 1 for v in keys().values()) and len(keys()) == 10' \
	&& ok "kill -9 after $made of six creates, then a push: each item's task once" \
	|| bad "after kill ($made made): $(cat "$tmp/p8.out" "$tmp/p8.err")"

for a in seven eight nine; do
	"$MK" item add Northwind --action "Step $a" --owner "Ana Lima" --side seller >/dev/null
done
ctl post delay '{"ms":100}'
push c1 --deal Northwind --wait 60 &
pa=$!
push c2 --deal Northwind --wait 60 &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
ctl post delay '{"ms":0}'
[ $ra -eq 0 ] && [ $rb -eq 0 ] && check 'len(tasks) == 13 and all(len(v) == 1 for v in keys().values())' \
	&& [ $(($(num "$tmp/c1.out" created) + $(num "$tmp/c2.out" created))) -eq 3 ] \
	&& ok "two pushes at once: one waits for the other, three tasks made once" \
	|| bad "concurrent ($ra $rb): $(cat "$tmp/c1.out" "$tmp/c1.err" "$tmp/c2.out" "$tmp/c2.err")"

# ---- deleted in HubSpot ---------------------------------------------------------------------
gone=$(python3 "$tmp/ctl.py" "$port" check 'print(by_subject("Step seven")[0]) or True')
ctl delete "task/$gone"
"$MK" item edit 11 --due 2026-12-30 >/dev/null 2>&1
push p9 --deal Northwind
[ "$(num "$tmp/p9.out" deleted)" = 1 ] && grep -q '"deleted in CRM"' "$tmp/p9.out" \
	&& check 'by_subject("Step seven") == []' && ok "a task deleted in HubSpot is reported, not made again" \
	|| bad "deleted: $(cat "$tmp/p9.out" "$tmp/p9.err")"
push p10 --deal Northwind
check 'by_subject("Step seven") == [] and len(tasks) == 12' && [ "$(num "$tmp/p10.out" created)" = 0 ] \
	&& ok "nor on the next push" || bad "deleted 2: $(cat "$tmp/p10.out" "$tmp/p10.err")"

# ---- what to fix, in one line ----------------------------------------------------------------
"$MK" item edit 12 --due 2026-12-31 >/dev/null 2>&1
ctl post scopes '{"remove":["crm.objects.contacts.write"]}'
push p11 --deal Northwind
rc=$?
[ $rc -ne 0 ] && grep -q "crm.objects.contacts.write" "$tmp/p11.out" "$tmp/p11.err" \
	&& ok "a missing scope: the push fails (exit $rc) naming crm.objects.contacts.write" \
	|| bad "scope ($rc): $(cat "$tmp/p11.out" "$tmp/p11.err")"
ctl post scopes '{"all":true}'
HUBSPOT_TOKEN=pat-na1-wrong-SECRET-42 "$MK" crm push hubspot --deal Northwind >"$tmp/p12.out" 2>"$tmp/p12.err"
rc=$?
[ $rc -ne 0 ] && grep -q "check HUBSPOT_TOKEN" "$tmp/p12.err" && one_line "$tmp/p12.err" \
	&& ! grep -q "SECRET-42" "$tmp/p12.out" "$tmp/p12.err" \
	&& ok "a refused token: one line saying to check HUBSPOT_TOKEN, without it" \
	|| bad "401 ($rc): $(cat "$tmp/p12.out" "$tmp/p12.err")"
HUBSPOT_TOKEN= "$MK" crm push hubspot --deal Northwind >"$tmp/p13.out" 2>"$tmp/p13.err"
rc=$?
[ $rc -ne 0 ] && grep -q "HUBSPOT_TOKEN" "$tmp/p13.err" && one_line "$tmp/p13.err" \
	&& ok "no token: one line naming HUBSPOT_TOKEN" || bad "no token ($rc): $(cat "$tmp/p13.out" "$tmp/p13.err")"
MAPKEEPER_HUBSPOT_API=http://hubspot.example.com "$MK" crm push hubspot --deal Northwind >"$tmp/p14.out" 2>"$tmp/p14.err"
rc=$?
[ $rc -ne 0 ] && grep -q "loopback" "$tmp/p14.err" && ok "plain http elsewhere than loopback is refused" \
	|| bad "http ($rc): $(cat "$tmp/p14.out" "$tmp/p14.err")"

if grep -l "$TOKEN" "$tmp"/*.out "$tmp"/*.err >/dev/null 2>&1; then
	bad "the token is in $(grep -l "$TOKEN" "$tmp"/*.out "$tmp"/*.err | tr '\n' ' ')"
else
	ok "the token is in no output"
fi
echo "1..$n"
