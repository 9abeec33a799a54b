#!/bin/sh
# approve is all or nothing and scoped (issue 11, point 3), and the decisions say what they
# did (point 12): --all needs --deal, or --all-deals (the count per deal; a y/N question on
# a terminal, --yes without one); an id of another deal than --deal is refused; a proposal
# that cannot be approved as it stands is named with what to do before anything changes;
# news about a pending item approves the item first, and rejecting the item withdraws the
# news; review names each proposal's deal; approve, reject and edit answer in JSON with
# --format json; who decided is never "unknown" when $USER is unset.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/a.db"
cp demo/northwind-call-01.vtt "$tmp/northwind-call-01-2026-03-03.vtt"
cp demo/northwind-call-02.vtt "$tmp/northwind-call-02-2026-03-10.vtt"
c1="$tmp/northwind-call-01-2026-03-03.vtt"
c2="$tmp/northwind-call-02-2026-03-10.vtt"
"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>&1
"$MK" deal add Acme --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest "$c1" --deal Northwind >/dev/null 2>"$tmp/e" &&
	"$MK" ingest tests/cases/extract/accept.vtt --deal Acme --date 2026-03-05 >/dev/null 2>>"$tmp/e" ||
	bad "setup: $(cat "$tmp/e")"
pending() { "$MK" review --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['proposals']))"; }
all=$(pending)
acme_id=$("$MK" review --deal Acme --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['proposals'][0]['id'])")
nw_ids=$("$MK" review --deal Northwind --format json | python3 -c "import json,sys; print(' '.join(str(p['id']) for p in json.load(sys.stdin)['proposals']))")

# review names the deal of each proposal
"$MK" review >"$tmp/r.txt" 2>"$tmp/e"
"$MK" review --format json >"$tmp/r.json"
grep -q "^deal Acme: [0-9]* pending$" "$tmp/r.txt" && grep -q "^deal Northwind: [0-9]* pending$" "$tmp/r.txt" &&
	python3 -c "
import json, sys
ps = json.load(open(sys.argv[1]))['proposals']
assert {p['deal'] for p in ps} == {'Acme', 'Northwind'}, ps
" "$tmp/r.json" && ok "review without --deal names each proposal's deal (text and JSON)" || bad "review deals: $(head -5 "$tmp/r.txt")"

# scope
"$MK" approve --all >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q -- "--deal" "$tmp/e" && grep -q -- "--all-deals" "$tmp/e" &&
	[ ! -s "$tmp/o" ] && [ "$(pending)" -eq "$all" ] && ok "approve --all without --deal: refused in one line, nothing approved" \
	|| bad "approve --all: rc $rc $(cat "$tmp/o" "$tmp/e")"
"$MK" approve "$acme_id" --deal Northwind >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "proposal $acme_id is of deal \"Acme\", not \"Northwind\"" "$tmp/e" &&
	[ "$(pending)" -eq "$all" ] && ok "an id of another deal than --deal is refused" || bad "other deal: rc $rc $(cat "$tmp/e")"
set -- $nw_ids
"$MK" approve "$1" "$acme_id" --deal Northwind >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "of deal \"Acme\"" "$tmp/e" && grep -q "nothing approved" "$tmp/e" && [ "$(pending)" -eq "$all" ] &&
	ok "one id of another deal among several: nothing approved" || bad "mixed ids: rc $rc $(cat "$tmp/e")"
"$MK" approve --all-deals </dev/null >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q -- "--yes" "$tmp/e" && grep -q "Acme [0-9]" "$tmp/e" &&
	grep -q "Northwind [0-9]" "$tmp/e" && [ "$(pending)" -eq "$all" ] &&
	ok "approve --all-deals without a terminal needs --yes, and names the count per deal" || bad "all-deals no tty: rc $rc $(cat "$tmp/e")"
"$MK" approve --all-deals --deal Acme >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] \
	&& ok "--all-deals with --deal is refused" || bad "all-deals + deal: $(cat "$tmp/e")"

# on a terminal: the count per deal, then y/N (no: nothing)
ask() { # answer: runs approve --all-deals on a pty, answering
	python3 - "$MK" "$1" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "approve", "--all-deals", "--as", "pty"])
out = b""
end = time.time() + 10
while b"[y/N]" not in out and time.time() < end:
    try:
        out += os.read(fd, 4096)
    except OSError:
        break
os.write(fd, sys.argv[2].encode() + b"\n")
while time.time() < end:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, st = os.waitpid(pid, 0)
print(out.decode(errors="replace"))
print("rc=%d" % os.waitstatus_to_exitcode(st))
PY
}
ask n >"$tmp/pty" 2>&1
grep -q "pending proposals of 2 deals: .*Acme [0-9]" "$tmp/pty" && grep -q "rc=1" "$tmp/pty" && [ "$(pending)" -eq "$all" ] &&
	ok "--all-deals on a terminal: the count per deal, 'n' approves nothing" || bad "ask n: $(cat "$tmp/pty")"

# all or nothing: an item with no action is named with what to do, nothing is approved
noact=$(python3 - "$MAPKEEPER_DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
d = c.execute("SELECT id FROM deals WHERE name = 'Northwind'").fetchone()[0]
i = c.execute("SELECT max(id) FROM proposals WHERE deal_id = ? AND kind = 'add_item'", (d,)).fetchone()[0]
c.execute("UPDATE proposals SET action = '' WHERE id = ?", (i,))
c.commit()
print(i)
PY
)
"$MK" approve --all --deal Northwind >"$tmp/o" 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "proposal $noact has no action: give it one with: mapkeeper edit $noact --action \"...\"" "$tmp/e" &&
	[ ! -s "$tmp/o" ] && [ "$(pending)" -eq "$all" ] && "$MK" plan Northwind | grep -q "no items yet" &&
	ok "approve --all with an item that has no action: named with the edit to make, nothing approved" \
	|| bad "no action: rc $rc $(cat "$tmp/o" "$tmp/e")"
"$MK" edit "$noact" --action "send the pilot plan" --format json >"$tmp/o" 2>"$tmp/e" && python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['edited']['id'] == $noact and d['edited']['action'] == 'send the pilot plan' and d['edited']['deal'] == 'Northwind', d
assert d['changes'] == [{'field': 'action', 'old': '', 'new': 'send the pilot plan'}], d['changes']
" "$tmp/o" && ok "edit --format json: the proposal and what changed" || bad "edit json: $(cat "$tmp/o" "$tmp/e")"
nnw=$("$MK" review --deal Northwind --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['proposals']))")
"$MK" approve --all --deal Northwind --format json --as lead >"$tmp/o" 2>"$tmp/e" && python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d['approved']) == $nnw and all(p['status'] == 'approved' and p['deal'] == 'Northwind' for p in d['approved']), d
" "$tmp/o" && [ "$(pending)" -eq $((all - nnw)) ] && ok "then approve --all --deal: every one, in JSON" \
	|| bad "approve all json: $(cat "$tmp/e") $(head -c 300 "$tmp/o")"

# --all-deals --yes: every deal's; the count per deal in the answer
"$MK" approve --all-deals --yes --as lead >"$tmp/o" 2>"$tmp/e" && grep -q "^approved [0-9]* proposals\{0,1\} (Acme [0-9]*)$" "$tmp/o" &&
	[ "$(pending)" -eq 0 ] && ok "approve --all-deals --yes approves every deal's, with the count per deal" \
	|| bad "all-deals yes: $(cat "$tmp/o" "$tmp/e")"
"$MK" approve --all --deal Acme >"$tmp/o" 2>&1 && grep -q "nothing to approve" "$tmp/o" && ok "nothing left to approve" \
	|| bad "nothing: $(cat "$tmp/o")"

# news about a pending item: approving it approves the item first; rejecting an item
# withdraws its news (a database of its own: a transcript is stored once)
export MAPKEEPER_DB="$tmp/tied.db"
"$MK" deal add Tied --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest -j 2 "$c1" "$c2" --deal Tied >/dev/null 2>"$tmp/e" || bad "ingest both: $(cat "$tmp/e")"
"$MK" review --deal Tied --format json >"$tmp/t.json"
set -- $(python3 -c "
import json, sys
ps = json.load(open(sys.argv[1]))['proposals']
k = {p['kind']: p for p in ps if p.get('item_proposal_id')}
q = k['mark_blocked']['item_proposal_id']
# everything pending that rejecting the questionnaire's item must withdraw: the news about
# it (mark_blocked, a dependency of it) and a dependency on it, from call 2
tied = sorted(p['id'] for p in ps if q in (p.get('item_proposal_id'), p.get('depends_on_proposal_id')))
print(k['mark_done']['id'], k['mark_done']['item_proposal_id'], k['mark_blocked']['id'], q, ','.join(map(str, tied)))
" "$tmp/t.json")
done_id=$1 roi=$2 blocked_id=$3 quest=$4 quest_tied=$5
"$MK" approve "$done_id" --deal Tied >"$tmp/o" 2>"$tmp/e" && grep -q "approved 2 proposals" "$tmp/o" &&
	grep -q "#$roi approved first: it adds the item #$done_id changes" "$tmp/o" &&
	"$MK" plan Tied --format json | python3 -c "
import json, sys
it = json.load(sys.stdin)['items']
assert len(it) == 1 and it[0]['status'] == 'done', it
" && ok "approving news about a pending item approves the item first" || bad "tied approve: $(cat "$tmp/o" "$tmp/e")"
"$MK" reject "$quest" --reason "not ours" --format json >"$tmp/o" 2>"$tmp/e" && python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
w = sorted(p['id'] for p in d['withdrawn'])
assert [p['id'] for p in d['rejected']] == [$quest] and w == [$quest_tied] and $blocked_id in w, d
assert {p['kind'] for p in d['withdrawn']} == {'mark_blocked', 'add_dependency'}, d
assert all(p['status'] == 'rejected' for p in d['withdrawn']), d
" "$tmp/o" && "$MK" review --deal Tied --format json | python3 -c "
import json, sys
left = {p['id'] for p in json.load(sys.stdin)['proposals']}
assert not left & {$quest, $quest_tied}, left
" &&
	ok "rejecting an item withdraws the news about it (reject --format json names it)" || bad "withdraw: $(cat "$tmp/o" "$tmp/e")"
"$MK" approve "$blocked_id" >"$tmp/o" 2>"$tmp/e"; [ $? -eq 1 ] && grep -q "already rejected" "$tmp/e" \
	&& ok "withdrawn news cannot be approved" || bad "approve withdrawn: $(cat "$tmp/e")"


# who decided, without $USER: $LOGNAME, then the passwd entry, never "unknown"
export MAPKEEPER_DB="$tmp/who.db"
"$MK" deal add Who --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest "$c1" "$c2" --deal Who >/dev/null 2>&1
ids=$("$MK" review --deal Who --format json | python3 -c "import json,sys; print(' '.join(str(p['id']) for p in json.load(sys.stdin)['proposals'] if p.get('item_proposal_id')))")
set -- $ids
env -u USER LOGNAME=loggy "$MK" approve "$1" --deal Who >/dev/null 2>"$tmp/e" &&
	env -u USER -u LOGNAME "$MK" approve "$2" --deal Who >/dev/null 2>>"$tmp/e" &&
	"$MK" history Who >"$tmp/h" && grep -q "decided by loggy" "$tmp/h" && grep -q "decided by $(id -un)" "$tmp/h" &&
	! grep -q "decided by unknown" "$tmp/h" && ok "who decided: \$USER, else \$LOGNAME, else the passwd entry" \
	|| bad "who: $(cat "$tmp/e" "$tmp/h")"

for c in approve reject edit; do
	"$MK" $c 1 $([ $c = edit ] && echo --owner x) --format xml >/dev/null 2>"$tmp/e"
	rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/e")" -ne 1 ]; then
		bad "$c --format xml: rc $rc $(cat "$tmp/e")"
		fmtbad=1
	fi
done
[ -z "${fmtbad:-}" ] && ok "approve, reject and edit: an unknown --format is one line, exit 2"

# on a terminal, 'y' approves them all
export MAPKEEPER_DB="$tmp/yes.db"
"$MK" deal add Yes --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest tests/cases/extract/accept.vtt --deal Yes --date 2026-03-05 >/dev/null 2>&1
n_yes=$(pending)
ask y >"$tmp/pty" 2>&1
[ "$n_yes" -gt 0 ] && grep -q "rc=0" "$tmp/pty" && grep -q "approved $n_yes proposal" "$tmp/pty" && [ "$(pending)" -eq 0 ] &&
	ok "--all-deals on a terminal: 'y' approves them all" || bad "ask y: $(cat "$tmp/pty")"

# people and risks reach the plan only when approved, in every output; a rejected one never
export MAPKEEPER_DB="$tmp/map.db"
"$MK" deal add Map --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest "$c1" --deal Map --date 2026-03-03 >/dev/null 2>&1
show() { # every output that shows people and risks, into $tmp/show
	{ "$MK" plan Map; "$MK" plan Map --format md; "$MK" plan Map --format json; "$MK" health Map --as-of 2026-03-31; } >"$tmp/show" 2>&1
}
show
! grep -q "Farah Khan\|Tariq Aziz\|Helpwise\|Stakeholders" "$tmp/show" && grep -q " 0/0 *0 " "$tmp/show" &&
	ok "before approval: no stakeholder or risk in plan (table, md, json) or health" || bad "before: $(cat "$tmp/show")"
tariq=$("$MK" review --deal Map --format json | python3 -c "import json,sys; print([p['id'] for p in json.load(sys.stdin)['proposals'] if p['kind'] == 'add_stakeholder' and p['name'] == 'Tariq Aziz'][0])")
"$MK" reject "$tariq" >/dev/null 2>&1 && "$MK" approve --all --deal Map >/dev/null 2>&1
show
[ "$(grep -c "Farah Khan, CFO" "$tmp/show")" -eq 2 ] && grep -q '"name": "Farah Khan"' "$tmp/show" &&
	[ "$(grep -c "Helpwise" "$tmp/show")" -eq 3 ] && ! grep -q "Tariq Aziz, infosec\|\"name\": \"Tariq Aziz\"" "$tmp/show" &&
	grep -q " 0/1 *3 " "$tmp/show" && ok "approved: on the plan in every output and in health; the rejected one never" \
	|| bad "after: $(cat "$tmp/show")"
