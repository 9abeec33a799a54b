#!/bin/sh
# undo and call from the command line, on the demo deal: undo --list shows decisions with
# ids; undo reverses the last one or one by id (an approved add removes its item, an
# approved change restores the old value, a rejection is pending again, a hand edit comes
# back), each recorded in history; undoing twice, or an add a later decision depends on, is
# refused in one line naming what to do. call list shows the calls; call remove takes its
# pending proposals and its lines away, keeps what was approved (marked "from a removed
# call" in plan and history), and the same file can be ingested again. Health follows.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/plan.db"

one_line() {
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e"
	got=$?
	[ "$got" -eq "$want" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q '^mapkeeper: ' "$tmp/e" \
		&& ok "$name" || bad "$name: exit $got: $(cat "$tmp/o" "$tmp/e")"
}
# pending FILTER: the ids of the pending proposals (review --format json) for which the
# python expression FILTER, on proposal p, is true, in order
pending() {
	"$MK" review --deal Northwind --format json | python3 -c "import json,sys
print(' '.join(str(p['id']) for p in json.load(sys.stdin)['proposals'] if $1))"
}
health() { "$MK" health Northwind --as-of 2026-03-12 --format json | python3 -c "import json,sys; h=json.load(sys.stdin)['deals'][0]; print(h['items'], h['open_items'], h['slipped'])"; }

# call 1's six items: the first five approved (items #1 to #5), the pricing-review invite
# rejected; then call 2, whose news is about those items
"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e"
invite=$(pending "p['kind'] == 'add_item' and p['action'] == 'send an invite for a pricing review'")
five=$(pending "p['kind'] == 'add_item' and p['id'] != ${invite:-0}")
# shellcheck disable=SC2086
[ -n "$invite" ] && [ "$(echo $five | wc -w)" -eq 5 ] &&
	"$MK" approve $five --as rep >/dev/null 2>>"$tmp/e" && "$MK" reject "$invite" --reason "not said" --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>>"$tmp/e" \
	&& ok "setup: two calls, five approved, one rejected" || bad "setup: invite '$invite', five '$five': $(cat "$tmp/e")"
# call 2's news on the approved items: the export moves (item #3), an ROI-model item is done
due_id=$(pending "p['kind'] == 'update_due' and p['item_id'] == 3")
done_id=$(pending "p['kind'] == 'mark_done'")
done_item=$("$MK" review --deal Northwind --format json | python3 -c "import json,sys
print(' '.join(str(p['item_id']) for p in json.load(sys.stdin)['proposals'] if p['kind'] == 'mark_done'))")
one_line 1 "nothing to undo in an empty deal" "$MK" undo --deal Nowhere

# decision 7 moves item #3, decision 8 marks the ROI-model item done
"$MK" approve "$due_id" "$done_id" --as rep >/dev/null 2>"$tmp/e" || bad "approve the updates '$due_id' '$done_id': $(cat "$tmp/e")"
[ "$(health)" = "5 4 1" ] && ok "health after the updates: 5 items, 4 open, 1 slipped" || bad "health: $(health)"
"$MK" undo --list --deal Northwind >"$tmp/l" 2>"$tmp/e" && [ "$(sed -n 2p "$tmp/l" | awk '{print $1, $5}')" = "8 approve" ] &&
	grep -q "reject .*add_item \"send an invite for a pricing review\"" "$tmp/l" \
	&& ok "undo --list: newest first, with ids, kinds and what" || bad "list: $(cat "$tmp/l" "$tmp/e")"

# the last decision: mark_done of the ROI-model item -> open again
"$MK" undo --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "^undid decision 8 (approve of 'Northwind': mark_done" "$tmp/o" &&
	"$MK" plan Northwind --format json | python3 -c '
import json, sys
i = {x["id"]: x for x in json.load(sys.stdin)["items"]}
assert i[int(sys.argv[1])]["status"] == "open", i' "$done_item" && "$MK" review --deal Northwind | grep -q "^#$done_id .*mark_done" \
	&& ok "undo: the last approval is reversed and its proposal is pending again" || bad "undo last: $(cat "$tmp/o" "$tmp/e")"
one_line 1 "undo twice is refused" "$MK" undo 8
grep -q "undone already" "$tmp/e" || bad "twice: $(cat "$tmp/e")"
# an update_due approval: the old date, no slip
"$MK" undo 7 --as rep >/dev/null 2>"$tmp/e" && "$MK" plan Northwind --format json | python3 -c '
import json, sys
i = {x["id"]: x for x in json.load(sys.stdin)["items"]}
assert i[3]["due"] == "2026-03-04" and not i[3]["slipped"], i[3]' && [ "$(health)" = "5 5 0" ] \
	&& ok "undo of a moved date: the old date, not slipped, health follows" || bad "undo due: $(cat "$tmp/e") $(health)"
# the add of item 3 cannot go while its update is pending
one_line 1 "undo of an add with a pending update on it is refused" "$MK" undo 3
grep -q "pending proposal $due_id is about item #3: reject it first" "$tmp/e" || bad "message: $(cat "$tmp/e")"
# a rejection undone: pending again
"$MK" undo 6 --as rep >/dev/null 2>"$tmp/e" && "$MK" review --deal Northwind | grep -q "^#$invite " \
	&& ok "undo of a rejection: the proposal is pending again" || bad "undo reject: $(cat "$tmp/e")"
# a hand edit, and an add a later hand edit depends on
"$MK" item add Northwind --action "Book the onsite" --as rep >/dev/null && "$MK" item edit 6 --owner Leo --as rep >/dev/null
one_line 1 "undo of a hand add changed later is refused, naming the later decision" "$MK" undo 12
grep -q "changed later by decision 13: undo that first" "$tmp/e" || bad "message: $(cat "$tmp/e")"
"$MK" undo 13 --as rep >/dev/null && "$MK" undo 12 --as rep >/dev/null 2>"$tmp/e" && [ "$(health)" = "5 5 0" ] &&
	! "$MK" plan Northwind | grep -q "Book the onsite" \
	&& ok "undo the edit, then the add: the item is gone" || bad "hand undo: $(cat "$tmp/e")"
"$MK" history Northwind >"$tmp/h"
[ "$(grep -c "decision [0-9]*: undo of decision" "$tmp/h")" -eq 5 ] && grep -q "undo of decision 8: approve mark_done.*(by rep)" "$tmp/h" \
	&& ok "history: every undo, with who" || bad "history: $(cat "$tmp/h")"
one_line 2 "undo: not a decision id" "$MK" undo seven
one_line 1 "undo: no such decision" "$MK" undo 999
one_line 1 "undo: an undo is not undone" "$MK" undo 14

# ---- calls ----
# call 1's pending proposals, as review shows them (its people, risks, the invite again, ...)
c1_pending=$(pending "p['evidence']['meeting'] == 'northwind-call-01.vtt'" | wc -w)
"$MK" call list Northwind >"$tmp/c" 2>"$tmp/e" && [ "$(wc -l <"$tmp/c")" -eq 3 ] && [ "$c1_pending" -gt 0 ] &&
	grep -q "^1 .*2026-03-03 .* $c1_pending *northwind-call-01.vtt" "$tmp/c" && grep -q "northwind-call-02.vtt" "$tmp/c" \
	&& ok "call list: id, start, ingested, pending, label" || bad "call list: $(cat "$tmp/c" "$tmp/e")"
"$MK" call list Northwind --format json | python3 -c '
import json, sys
c = json.load(sys.stdin)["calls"]
assert [x["id"] for x in c] == [1, 2] and set(c[0]) == {"id", "label", "start", "ingested_at", "proposals_pending"}' \
	&& ok "call list --format json" || bad "call list json"
"$MK" query --said "ticket volumes" --deal Northwind | grep -q "northwind-call-01" || bad "search before"
"$MK" call remove 1 --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "removed call 1 (northwind-call-01.vtt) and its $c1_pending pending proposals" "$tmp/o" \
	&& ok "call remove: it and its pending proposals" || bad "call remove: $(cat "$tmp/o" "$tmp/e")"
! "$MK" review --deal Northwind | grep -q "northwind-call-01" && ok "its pending proposals are gone" || bad "pending left"
! "$MK" query --said "ticket volumes" --deal Northwind | grep -q "northwind-call-01" && ok "its lines left the search index" \
	|| bad "search: $("$MK" query --said "ticket volumes" --deal Northwind)"
"$MK" plan Northwind | grep -q "put together an ROI model.*(from a removed call)" &&
	"$MK" history "#1" | grep -q "northwind-call-01.vtt (from a removed call)" && [ "$(health)" = "5 5 0" ] \
	&& ok "what was approved from it stays, marked in plan and history" || bad "marks: $("$MK" plan Northwind)"
one_line 1 "call remove twice is refused" "$MK" call remove 1
one_line 2 "call remove: not an id" "$MK" call remove first
one_line 1 "call list: an unknown deal" "$MK" call list Nowhere
"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >"$tmp/o" 2>"$tmp/e" &&
	! grep -q "already" "$tmp/o" && [ "$("$MK" call list Northwind | wc -l)" -eq 3 ] &&
	"$MK" query --said "ticket volumes" --deal Northwind | grep -q "northwind-call-01" \
	&& ok "the same file can be ingested again" || bad "re-ingest: $(cat "$tmp/o" "$tmp/e")"
# a call removed while a later call's news about its items is still pending: the news
# is withdrawn (its item will never be), nothing fails on the link between them
# what must stay: call 2's proposals not tied to an item call 1 proposed (neither news about
# it, item_proposal_id, nor a dependency on it, depends_on_proposal_id)
stays() {
	"$MK" review --deal T --format json --db "$tmp/tied.db" | python3 -c "import json,sys
ps = json.load(sys.stdin)['proposals']
c1 = {p['id'] for p in ps if p['evidence']['meeting'] == 'northwind-call-01.vtt'}
print(' '.join(str(p['id']) for p in ps if p['id'] not in c1 and p.get('item_proposal_id') not in c1
	and p.get('depends_on_proposal_id') not in c1))"
}
left() {
	"$MK" review --deal T --format json --db "$tmp/tied.db" | python3 -c "import json,sys
print(' '.join(str(p['id']) for p in json.load(sys.stdin)['proposals']))"
}
"$MK" deal add T --seller "Maya Brooks" --db "$tmp/tied.db" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal T --date 2026-03-03 --db "$tmp/tied.db" >/dev/null 2>>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-02.vtt --deal T --date 2026-03-10 --db "$tmp/tied.db" >/dev/null 2>>"$tmp/e" &&
	want=$(stays) && [ "$want" != "$(left)" ] &&
	"$MK" call remove 1 --db "$tmp/tied.db" >"$tmp/o" 2>>"$tmp/e" &&
	"$MK" review --deal T --db "$tmp/tied.db" >"$tmp/r" 2>>"$tmp/e" && grep -q "^deal T: $(echo $want | wc -w) pending" "$tmp/r" &&
	[ "$(left)" = "$want" ] && ! grep -q "update_due\|mark_\|(pending)" "$tmp/r" &&
	"$MK" undo --list --db "$tmp/tied.db" | grep -q "reject .*update_due" \
	&& ok "call remove: a later call's news tied to its pending items is withdrawn" \
	|| bad "tied news: $(cat "$tmp/o" "$tmp/e" "$tmp/r")"
echo "1..$n"
