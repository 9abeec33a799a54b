#!/bin/sh
# The plan, call by call, through the command line: a deal, ingest, review (text and
# JSON), approve, reject (never proposed again), edit, the plan in every format, and
# the same transcript ingested twice changing nothing.
. "$TOP/tests/cli/lib.sh"
db="$tmp/plan.db"
export MAPKEEPER_DB="$db"
c1=demo/northwind-call-01.vtt
c2=demo/northwind-call-02.vtt

"$MK" deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind >"$tmp/o" 2>"$tmp/e" \
	&& ok "deal add" || bad "deal add: $(cat "$tmp/e")"
"$MK" deal add Northwind --seller "Maya Brooks" >"$tmp/o" 2>"$tmp/e"
[ $? -ne 0 ] && grep -q "Northwind" "$tmp/e" && [ "$(wc -l <"$tmp/e")" -eq 1 ] \
	&& ok "a second deal of the same name is refused in one line" || bad "duplicate deal: $(cat "$tmp/e")"
"$MK" deal list | grep -q "^Northwind" && ok "deal list" || bad "deal list"

"$MK" ingest "$c1" --deal Northwind --date 2026-03-03 >"$tmp/o" 2>"$tmp/e" \
	&& grep -q "proposals to review" "$tmp/o" && ok "ingest call 1" || bad "ingest 1: $(cat "$tmp/o" "$tmp/e")"
cp "$c1" "$tmp/renamed.vtt"
"$MK" ingest "$tmp/renamed.vtt" --deal Northwind >"$tmp/o" 2>"$tmp/e"
grep -q "already ingested" "$tmp/o" && ok "the same transcript under another name changes nothing" \
	|| bad "re-ingest: $(cat "$tmp/o" "$tmp/e")"

"$MK" review --deal Northwind --format json >"$tmp/r.json" 2>"$tmp/e"
python3 - "$tmp/r.json" >"$tmp/ids" <<'PY' && ok "review JSON has proposals with evidence" || bad "review json: $(cat "$tmp/e")"
import json, sys
d = json.load(open(sys.argv[1]))
ps = d["proposals"]
assert ps, "no proposals"
for p in ps:
    for k in ("id", "kind", "item_id", "action", "owner", "side", "due", "old_due", "evidence"):
        assert k in p, k
    for k in ("meeting", "speaker", "start", "quote"):
        assert k in p["evidence"], k
adds = [p for p in ps if p["kind"] == "add_item"]
assert len(adds) >= 4, len(adds)
print(adds[0]["id"], adds[1]["id"])
PY
first=$(cut -d' ' -f1 "$tmp/ids"); second=$(cut -d' ' -f2 "$tmp/ids")
"$MK" reject "$first" --reason "not ours" --as tester >/dev/null 2>"$tmp/e" && ok "reject" || bad "reject: $(cat "$tmp/e")"
"$MK" reject "$first" >/dev/null 2>"$tmp/e"
[ $? -ne 0 ] && grep -q "already" "$tmp/e" && ok "deciding twice is refused" || bad "decide twice: $(cat "$tmp/e")"
"$MK" edit "$second" --due 2026-04-01 --owner "Dana Test" >/dev/null 2>"$tmp/e" && ok "edit" || bad "edit: $(cat "$tmp/e")"
"$MK" edit "$second" --due someday >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] && ok "a bad --due is a usage error" || bad "edit bad due"
"$MK" approve --all --deal Northwind --as tester >"$tmp/o" 2>"$tmp/e" && ok "approve --all" || bad "approve: $(cat "$tmp/e")"
"$MK" review --deal Northwind | grep -q "nothing to review" && ok "nothing pending after approve --all" || bad "still pending"

"$MK" ingest "$c2" --deal Northwind --date 2026-03-10 >"$tmp/o" 2>"$tmp/e" && ok "ingest call 2" || bad "ingest 2: $(cat "$tmp/e")"
"$MK" review --deal Northwind --format json >"$tmp/r2.json"
python3 - "$tmp/r2.json" "$tmp/r.json" <<'PY' && ok "call 2 updates the plan's items and re-proposes nothing rejected" || bad "call 2 proposals: $(cat "$tmp/r2.json" | head -c 600)"
import json, sys
ps = json.load(open(sys.argv[1]))["proposals"]
kinds = [p["kind"] for p in ps]
assert any(k in ("update_due", "mark_done", "mark_blocked") for k in kinds), kinds
old = json.load(open(sys.argv[2]))["proposals"]
old_quotes = {(p["evidence"]["start"], p["evidence"]["quote"]) for p in old}
assert not any((p["evidence"]["start"], p["evidence"]["quote"]) in old_quotes and p["evidence"]["meeting"] == old[0]["evidence"]["meeting"] for p in ps)
PY
"$MK" approve --all --deal Northwind >/dev/null 2>&1
"$MK" plan Northwind --format json >"$tmp/p.json" 2>"$tmp/e"
python3 - "$tmp/p.json" <<'PY' && ok "the plan: no duplicate items, an edit kept, statuses moved" || bad "plan json: $(head -c 800 "$tmp/p.json") $(cat "$tmp/e")"
import json, sys
p = json.load(open(sys.argv[1]))
items = p["items"]
keys = [(i["owner"], i["action"].lower()) for i in items]
assert len(keys) == len(set(keys)), keys
assert any(i["owner"] == "Dana Test" and i["due"] == "2026-04-01" for i in items), items
assert any(i["status"] != "open" or i["revisions"] > 0 for i in items), items
for k in ("deal", "items", "stakeholders", "risks"):
    assert k in p
PY
"$MK" plan Northwind --format csv | head -1 | grep -q "^id,side,owner,action,due,status" && ok "plan csv" || bad "plan csv"
"$MK" plan Northwind --format md | grep -q "^# Mutual action plan: Northwind" && ok "plan markdown" || bad "plan md"
"$MK" plan Northwind | grep -q "Buyer side" && ok "plan table" || bad "plan table"
"$MK" plan Nowhere >/dev/null 2>"$tmp/e"; [ $? -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && ok "an unknown deal is one line" || bad "unknown deal: $(cat "$tmp/e")"
printf 'not a database, just text\n' >"$tmp/bad.db"
"$MK" deal list --db "$tmp/bad.db" >/dev/null 2>"$tmp/e"; [ $? -ne 0 ] && grep -q "bad.db" "$tmp/e" && ok "a file that is not a database is named" || bad "bad db: $(cat "$tmp/e")"

# review -i on a terminal: approve one, reject one with a reason, then quit
export MAPKEEPER_DB="$tmp/inter.db"
"$MK" deal add I --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest demo/northwind-call-01.vtt --deal I --date 2026-03-03 >/dev/null 2>&1
python3 - "$MK" >"$tmp/pty.out" 2>&1 <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "review", "-i", "--deal", "I", "--as", "pty"])
out = b""
def read_until(token, limit=10):
    global out
    end = time.time() + limit
    while token not in out and time.time() < end:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
for answer in (b"y\n", b"n\n", b"too vague\n", b"q\n"):
    read_until(b"]? " if answer != b"too vague\n" else b"reason")
    out = out.replace(b"]? ", b"]?_", 1) if answer != b"too vague\n" else out.replace(b"reason", b"REASON", 1)
    os.write(fd, answer)
os.waitpid(pid, 0)
print(out.decode(errors="replace"))
PY
"$MK" review --deal I --format json >"$tmp/ri.json"
python3 -c "
import json,sys
ps=json.load(open(sys.argv[1]))['proposals']
assert len(ps)==10, len(ps)  # 12 proposals of call 1 (its next meeting too), one approved, one rejected
" "$tmp/ri.json" && ok "review -i: y approves, n rejects with a reason, q stops" || bad "review -i: $(tail -5 "$tmp/pty.out")"
"$MK" review -i --deal I </dev/null >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] && grep -q "terminal" "$tmp/e" && ok "review -i without a terminal is refused" || bad "review -i no tty: $(cat "$tmp/e")"

# News on a later call finds the item it is about, through the store: "send them over"
# names nothing, the sentence that promised it ("the floor plans, I'll send them over")
# does, and a status line in other words ("went over to Ilse") marks that item done.
cat >"$tmp/fit1.vtt" <<'VTT'
WEBVTT

00:00:01.000 --> 00:00:05.900
<v Ilse Varga>We still need the second level drawings from you.</v>

00:00:07.000 --> 00:00:11.900
<v Tomas Reyes>Right, the floor plans, I'll send them over by Friday.</v>

00:00:13.000 --> 00:00:17.900
<v Tomas Reyes>And I'll book the site visit with your facilities team for next Tuesday.</v>
VTT
cat >"$tmp/fit2.vtt" <<'VTT'
WEBVTT

00:00:01.000 --> 00:00:05.900
<v Tomas Reyes>Quick update before we start.</v>

00:00:07.000 --> 00:00:11.900
<v Tomas Reyes>The floor plans went over to Ilse on Wednesday.</v>
VTT
"$MK" deal add Fitout --seller "Tomas Reyes" >/dev/null 2>&1
"$MK" ingest "$tmp/fit1.vtt" --deal Fitout --date 2026-05-11 >/dev/null 2>&1
"$MK" approve --all --deal Fitout >/dev/null 2>&1
"$MK" ingest "$tmp/fit2.vtt" --deal Fitout --date 2026-05-18 >/dev/null 2>&1
"$MK" review --deal Fitout --format json >"$tmp/fit.json"
python3 - "$tmp/fit.json" <<'PY' && ok "a status line in other words marks the item it is about done" || bad "update flow: $(cat "$tmp/fit.json")"
import json, sys
ps = json.load(open(sys.argv[1]))["proposals"]
assert [p["kind"] for p in ps] == ["mark_done"], ps
assert "send" in ps[0]["action"] and ps[0]["item_id"], ps
PY
