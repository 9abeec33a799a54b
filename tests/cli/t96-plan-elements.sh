#!/bin/sh
# The whole plan from the command line (issue 14): the hand setters (goal, go-live,
# criterion, depend, meeting, stance, item edit --phase), the plan worked backward in all
# four formats (goal and go-live on top, the slack, items by phase with late / held up /
# critical marks, criteria, stakeholders with stance, dependencies, the next meeting, the
# acknowledgement), health's new columns, sorts and filters, query's filters, and review,
# edit and approve of each new proposal kind from a call. Every bad input: one line, exit 2
# (usage) or 1 (refused). Dates are in 2027 and 2025 so "late" does not depend on today.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/plan.db"
unset USER LOGNAME 2>/dev/null || true

# one_line CODE NAME CMD...: exits CODE with exactly one "mapkeeper: " line on stderr (or,
# for a usage error, one "usage: " line) and nothing on stdout
one_line() {
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e"
	got=$?
	[ "$got" -eq "$want" ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -qE '^(mapkeeper|usage): ' "$tmp/e" && [ ! -s "$tmp/o" ] \
		&& ok "$name" || bad "$name: exit $got: $(cat "$tmp/o" "$tmp/e")"
}
# pj PYTHON: runs the check on plan Acme --format json ($tmp/p.json)
pj() {
	"$MK" plan Acme --format json >"$tmp/p.json" 2>"$tmp/e" || { echo "plan json: $(cat "$tmp/e")"; return 1; }
	python3 -c "import json, sys
p = json.load(open(sys.argv[1]))
$1" "$tmp/p.json"
}

# a call that names two stakeholders, so the plan has people to give a stance
cat >"$tmp/acme-1.vtt" <<'VTT'
WEBVTT

00:00:01.000 --> 00:00:06.000
<v Maya Brooks>Thanks for joining, let's walk through the rollout.</v>

00:00:07.000 --> 00:00:14.000
<v Leo Grant>The decision sits with Farah Khan, she's our CFO.</v>
VTT
"$MK" deal add Acme --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest "$tmp/acme-1.vtt" --deal Acme --date 2025-06-02 >/dev/null 2>>"$tmp/e" &&
	"$MK" approve --all --deal Acme --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" item add Acme --action "Sign the mutual NDA" --owner "Leo Grant" --side buyer --due 2027-02-01 >/dev/null 2>>"$tmp/e" &&
	"$MK" item add Acme --action "Security review of the platform" --owner "Tariq Aziz" --side buyer --due 2027-01-20 >/dev/null 2>>"$tmp/e" &&
	"$MK" item add Acme --action "Send the ticket export" --owner "Nina Patel" --side buyer --due 2025-01-05 >/dev/null 2>>"$tmp/e" &&
	"$MK" item add Acme --action "Build the ROI model" --owner "Maya Brooks" --side seller --due 2027-01-10 >/dev/null 2>>"$tmp/e" &&
	"$MK" item add Acme --action "Countersign the order form" --owner "Maya Brooks" --side seller --due 2027-02-15 >/dev/null 2>>"$tmp/e" \
	&& ok "setup: a deal with a stakeholder and five items" || bad "setup: $(cat "$tmp/e")"
person=$("$MK" plan Acme --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['stakeholders'][0]['id'])" 2>/dev/null)
[ -n "$person" ] && ok "the plan JSON gives each stakeholder an id" || bad "no stakeholder id"

# ---- the hand setters ----
"$MK" goal Acme "Cut onboarding from three weeks to one" --as rep >"$tmp/o" 2>"$tmp/e" &&
	grep -q "^goal of 'Acme' set: Cut onboarding from three weeks to one" "$tmp/o" &&
	pj 'assert p["goal"] == "Cut onboarding from three weeks to one", p["goal"]' \
	&& ok "goal DEAL TEXT sets the goal" || bad "goal: $(cat "$tmp/o" "$tmp/e")"
"$MK" go-live Acme 2027-03-01 --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "live by 2027-03-01" "$tmp/o" &&
	pj 'assert p["go_live"] == {"date": "2027-03-01", "kind": "live"}, p["go_live"]' \
	&& ok "go-live DEAL DATE: live by" || bad "go-live: $(cat "$tmp/o" "$tmp/e")"
"$MK" criterion add Acme "95% of tickets routed without a touch" --as rep >"$tmp/o" 2>"$tmp/e" &&
	"$MK" criterion add Acme --text "Onboarding in five days" --as rep >>"$tmp/o" 2>>"$tmp/e" &&
	pj 'assert [c["text"] for c in p["criteria"]] == ["95% of tickets routed without a touch", "Onboarding in five days"], p["criteria"]' \
	&& ok "criterion add DEAL TEXT (and --text)" || bad "criterion add: $(cat "$tmp/o" "$tmp/e")"
crit=$(sed -n 's/^added criterion #\([0-9]*\) .*Onboarding.*/\1/p' "$tmp/o")
"$MK" criterion remove "$crit" --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "^removed criterion #$crit" "$tmp/o" &&
	pj 'assert [c["text"] for c in p["criteria"]] == ["95% of tickets routed without a touch"], p["criteria"]' \
	&& ok "criterion remove ID" || bad "criterion remove: $(cat "$tmp/o" "$tmp/e")"
# items: 1 NDA (2027-02-01), 2 security review (2027-01-20), 3 ticket export (2025: late),
# 4 ROI model (2027-01-10), 5 countersign (2027-02-15); 2 waits on 1, 5 on 2, 4 on 3
"$MK" depend 2 --on 1 --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "item #2 waits on item #1" "$tmp/o" &&
	"$MK" depend 5 --on 2 --as rep >>"$tmp/o" 2>>"$tmp/e" &&
	"$MK" depend 4 --depends-on 3 --as rep >>"$tmp/o" 2>>"$tmp/e" &&
	pj '
d = [(x["item_id"], x["depends_on_id"], x["waiting"], x["on"]) for x in p["dependencies"]]
assert d == [(2, 1, "Security review of the platform", "Sign the mutual NDA"), (5, 2, "Countersign the order form", "Security review of the platform"), (4, 3, "Build the ROI model", "Send the ticket export")], d' \
	&& ok "depend ITEM --on ITEM (and --depends-on)" || bad "depend: $(cat "$tmp/o" "$tmp/e")"
"$MK" meeting Acme 2027-01-14 --time 10:00 --who "Farah Khan" --purpose "walk through pricing" --as rep >"$tmp/o" 2>"$tmp/e" &&
	grep -q "2027-01-14 at 10:00 with Farah Khan: walk through pricing" "$tmp/o" &&
	pj 'assert p["next_meeting"] == {"date": "2027-01-14", "time": "10:00", "who": "Farah Khan", "purpose": "walk through pricing"}, p["next_meeting"]' \
	&& ok "meeting DEAL DATE --time --who --purpose" || bad "meeting: $(cat "$tmp/o" "$tmp/e")"
"$MK" stance "$person" champion --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "champion" "$tmp/o" &&
	pj 'assert p["stakeholders"][0]["stance"] == "champion" and p["stakeholders"][0]["met"] is False, p["stakeholders"]' \
	&& ok "stance PERSON STANCE (and met: not yet)" || bad "stance: $(cat "$tmp/o" "$tmp/e")"
"$MK" item edit 4 --phase business_case --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "phase business_case" "$tmp/o" &&
	pj 'i = [x for x in p["items"] if x["id"] == 4][0]; assert (i["phase"], i["phase_title"]) == ("business_case", "Business case and approval"), i' \
	&& ok "item edit --phase" || bad "item edit --phase: $(cat "$tmp/o" "$tmp/e")"

# ---- the plan worked backward ----
pj '
it = {i["id"]: i for i in p["items"]}
b = p["backward"]
assert b["go_live"] == "2027-03-01" and b["end"] == "2027-02-15" and b["slack_days"] == 14, b
assert b["cycle"] is False and b["path"] == [1, 2, 5], b
assert it[2]["finish"] == "2027-02-01", it[2]          # waits on the NDA, which ends later
assert it[1]["critical"] and it[2]["critical"] and it[5]["critical"] and not it[4]["critical"], it
assert it[3]["late"] and not it[1]["late"], it
assert it[4]["held_by"] == 3 and it[2]["held_by"] is None, it
assert not any(i["past_go_live"] for i in p["items"]), it
for k in ("goal", "go_live", "criteria", "dependencies", "next_meeting", "acknowledged", "version", "backward"):
    assert k in p, k
assert p["acknowledged"] is None and p["version"] > 0, p
for s in p["stakeholders"]:
    assert set(s) >= {"id", "name", "role", "side", "stance", "met"}, s
' >"$tmp/o" 2>&1 && ok "plan JSON: backward, slack 14 days, finish, critical, late, held_by" || bad "plan json backward: $(cat "$tmp/o")"
"$MK" plan Acme >"$tmp/t" 2>"$tmp/e"
grep -q "^Goal: Cut onboarding from three weeks to one" "$tmp/t" && grep -q "^Go-live: live by 2027-03-01" "$tmp/t" &&
	grep -q "^Slack: 14 days of slack before go-live 2027-03-01" "$tmp/t" &&
	grep -q "^Procurement and legal" "$tmp/t" && grep -q "^Business case and approval" "$tmp/t" &&
	grep -q "Send the ticket export  (late)" "$tmp/t" && grep -q "Build the ROI model  (held up by #3)" "$tmp/t" &&
	grep -q "Sign the mutual NDA.*(critical)" "$tmp/t" &&
	grep -q "^Success criteria" "$tmp/t" && grep -q "95% of tickets routed without a touch" "$tmp/t" &&
	grep -q "Farah Khan, CFO (buyer): champion, not met yet" "$tmp/t" &&
	grep -q "#2 Security review of the platform waits on #1 Sign the mutual NDA" "$tmp/t" &&
	grep -q "^Next meeting: 2027-01-14 at 10:00 with Farah Khan: walk through pricing" "$tmp/t" &&
	grep -q "^Buyer acknowledged: never" "$tmp/t" \
	&& ok "plan text: goal, go-live, slack, phases, marks, criteria, stance, dependencies, next meeting, ack" \
	|| bad "plan text: $(cat "$tmp/t" "$tmp/e")"
"$MK" plan Acme --format md >"$tmp/m" 2>"$tmp/e"
grep -q "^# Mutual action plan: Acme" "$tmp/m" && grep -q '^\*\*Goal:\*\* Cut onboarding' "$tmp/m" &&
	grep -q '^\*\*Go-live:\*\* live by 2027-03-01' "$tmp/m" && grep -q '^\*\*Slack:\*\* 14 days of slack' "$tmp/m" &&
	grep -q "^## Procurement and legal" "$tmp/m" && grep -q "^| 4 | Build the ROI model | Maya Brooks | seller | 2027-01-10 | open | .*held up by #3" "$tmp/m" &&
	grep -q "^## Success criteria" "$tmp/m" && grep -q "^- Farah Khan, CFO (buyer): champion, not met yet" "$tmp/m" &&
	grep -q "^- #2 Security review of the platform waits on #1 Sign the mutual NDA" "$tmp/m" &&
	grep -q "^2027-01-14 at 10:00 with Farah Khan: walk through pricing" "$tmp/m" && grep -q "^Not acknowledged yet." "$tmp/m" \
	&& ok "plan md: the same, as a document" || bad "plan md: $(cat "$tmp/m" "$tmp/e")"
"$MK" plan Acme --format csv >"$tmp/c" 2>"$tmp/e"
[ "$(head -n 1 "$tmp/c")" = "id,side,owner,action,due,status,revisions,slipped,phase,finish,critical,held_by" ] &&
	grep -q "^2,buyer,Tariq Aziz,Security review of the platform,2027-01-20,open,0,no,procurement,2027-02-01,yes,$" "$tmp/c" &&
	grep -q "^4,seller,Maya Brooks,Build the ROI model,2027-01-10,open,[0-9]*,no,business_case,2027-01-10,no,3$" "$tmp/c" \
	&& ok "plan csv: phase, finish, critical, held_by at the end" || bad "plan csv: $(cat "$tmp/c" "$tmp/e")"
"$MK" go-live Acme 2027-01-15 --signed --as rep >/dev/null 2>"$tmp/e" &&
	"$MK" plan Acme >"$tmp/t" 2>>"$tmp/e" && grep -q "^Go-live: signed by 2027-01-15" "$tmp/t" &&
	grep -q "^Slack: critical path ends 31 days after go-live 2027-01-15" "$tmp/t" &&
	grep -q "Sign the mutual NDA.*(past go-live)" "$tmp/t" && ! grep -q "Build the ROI model.*(past go-live)" "$tmp/t" &&
	pj 'assert p["go_live"]["kind"] == "signed" and p["backward"]["slack_days"] == -31, p["backward"]' \
	&& ok "go-live --signed before the path ends: past go-live by 31 days" || bad "past go-live: $(cat "$tmp/t" "$tmp/e")"

# ---- health: the new columns, --sort and the filters ----
"$MK" deal add Beta --seller "Maya Brooks" >/dev/null 2>&1 &&
	"$MK" item add Beta --action "Pilot readout" --due 2027-01-05 >/dev/null 2>&1 &&
	"$MK" go-live Beta 2027-06-30 >/dev/null 2>&1 && "$MK" meeting Beta 2027-01-04 >/dev/null 2>&1
"$MK" health --as-of 2026-12-01 >"$tmp/h" 2>"$tmp/e"
grep -q "^deal  go-live      slack  items .* last ack    criteria  pending  next meeting  next step$" "$tmp/h" &&
	grep -q "^Acme  2027-01-15    -31d      5 .* never              1        0  2027-01-14    " "$tmp/h" &&
	grep -q "^Beta  2027-06-30   +176d      1 .* never              0        0  2027-01-04    " "$tmp/h" \
	&& ok "health: go-live, slack, last ack, criteria columns" || bad "health table: $(cat "$tmp/h" "$tmp/e")"
"$MK" health --as-of 2026-12-01 --format json >"$tmp/hj" 2>"$tmp/e" && python3 - "$tmp/hj" <<'PY' && ok "health JSON: go_live, slack_days, acknowledged_at, criteria" || bad "health json: $(cat "$tmp/hj" "$tmp/e")"
import json, sys
d = {x["deal"]: x for x in json.load(open(sys.argv[1]))["deals"]}
a, b = d["Acme"], d["Beta"]
assert (a["go_live"], a["slack_days"], a["acknowledged_at"], a["criteria"]) == ("2027-01-15", -31, None, 1), a
assert (b["go_live"], b["slack_days"], b["criteria"]) == ("2027-06-30", 176, 0), b
PY
order() { "$MK" health --as-of 2026-12-01 "$@" --format json | python3 -c "import json,sys; print(' '.join(x['deal'] for x in json.load(sys.stdin)['deals']))"; }
[ "$(order --sort slack)" = "Acme Beta" ] && [ "$(order --sort go-live)" = "Acme Beta" ] &&
	[ "$(order --sort criteria)" = "Beta Acme" ] && [ "$(order --sort next-meeting)" = "Beta Acme" ] &&
	[ "$(order --sort ack)" = "Acme Beta" ] && [ "$(order --sort name)" = "Acme Beta" ] \
	&& ok "health --sort slack, go-live, criteria, next-meeting, ack, name" || bad "sort: $(order --sort criteria) / $(order --sort next-meeting)"
[ "$(order --past-go-live)" = "Acme" ] && [ "$(order --no-ack)" = "Acme Beta" ] && [ "$(order --no-next-meeting)" = "" ] \
	&& ok "health --past-go-live, --no-ack, --no-next-meeting" || bad "filters: $(order --past-go-live) / $(order --no-ack)"
"$MK" health --as-of 2026-12-01 --past-go-live >"$tmp/h" && grep -q "^Acme " "$tmp/h" && ! grep -q "^Beta " "$tmp/h" \
	&& ok "health --past-go-live as a table" || bad "past table: $(cat "$tmp/h")"
one_line 2 "health --sort: an unknown key, with the nearest" "$MK" health --sort slak
grep -q "did you mean 'slack'" "$tmp/e" && ok "health --sort suggests the nearest key" || bad "sort suggestion: $(cat "$tmp/e")"

# ---- bad input: one line each ----
one_line 2 "goal: no text" "$MK" goal Acme
one_line 2 "goal: an empty text" "$MK" goal Acme "  "
one_line 1 "goal: an unknown deal" "$MK" goal Nowhere "x"
one_line 2 "go-live: not a date" "$MK" go-live Acme someday
one_line 2 "go-live: --signed with --clear" "$MK" go-live Acme --clear --signed
one_line 1 "go-live: an unknown deal" "$MK" go-live Nowhere 2027-01-01
one_line 2 "criterion: an unknown verb" "$MK" criterion frob Acme
one_line 2 "criterion add: an empty text" "$MK" criterion add Acme ""
one_line 2 "criterion remove: not a number" "$MK" criterion remove abc
one_line 1 "criterion remove: no such criterion" "$MK" criterion remove 999
one_line 1 "criterion remove: removed already" "$MK" criterion remove "$crit"
one_line 2 "depend: no --on" "$MK" depend 1
one_line 2 "depend: on itself" "$MK" depend 1 --on 1
one_line 2 "depend: not an item number" "$MK" depend 1 --on x
one_line 1 "depend: an unknown item" "$MK" depend 1 --on 999
one_line 1 "depend remove: no such dependency" "$MK" depend remove 999
one_line 2 "meeting: a bad time" "$MK" meeting Acme 2027-01-14 --time 25:00
one_line 2 "meeting: --clear with --time" "$MK" meeting Acme --clear --time 10:00
one_line 2 "meeting: not a date" "$MK" meeting Acme whenever
one_line 1 "meeting: an unknown deal" "$MK" meeting Nowhere 2027-01-14
one_line 2 "stance: an unknown stance" "$MK" stance "$person" angry
one_line 2 "stance: not a person number" "$MK" stance Farah champion
one_line 1 "stance: no such person" "$MK" stance 999 champion
one_line 2 "item edit: an unknown phase" "$MK" item edit 4 --phase legal
one_line 2 "item done: --phase does not go with it" "$MK" item done 4 --phase proof
"$MK" meeting Acme --clear --as rep >"$tmp/o" 2>"$tmp/e" && grep -q "none scheduled" "$tmp/o" &&
	"$MK" plan Acme | grep -q "^Next meeting: none scheduled" && "$MK" goal Acme --clear >/dev/null &&
	pj 'assert p["next_meeting"] is None and p["goal"] is None, p' \
	&& ok "meeting --clear and goal --clear" || bad "clear: $(cat "$tmp/o" "$tmp/e")"
"$MK" undo --as rep >"$tmp/o" 2>"$tmp/e" && pj 'assert p["goal"] == "Cut onboarding from three weeks to one", p["goal"]' \
	&& ok "undo puts the goal back" || bad "undo goal: $(cat "$tmp/o" "$tmp/e")"

# ---- query: items of deals with no next meeting, or past go-live ----
qdeals() { "$MK" query "$@" --format json | python3 -c "import json,sys; print(' '.join(sorted({x['deal'] for x in json.load(sys.stdin)['items']})))"; }
"$MK" deal add Gamma --seller "Maya Brooks" >/dev/null 2>&1 && "$MK" item add Gamma --action "Kickoff" --due 2027-02-01 >/dev/null 2>&1
[ "$(qdeals --no-next-meeting --as-of 2026-12-01)" = "Acme Gamma" ] && [ "$(qdeals --past-go-live)" = "Acme" ] &&
	[ "$(qdeals --past-go-live --deal Beta)" = "" ] && [ "$(qdeals --no-next-meeting --as-of 2027-01-10 --deal Beta)" = "Beta" ] \
	&& ok "query --no-next-meeting and --past-go-live (with --deal and --as-of)" \
	|| bad "query filters: $(qdeals --no-next-meeting --as-of 2026-12-01) / $(qdeals --past-go-live)"
one_line 2 "query: --past-go-live does not go with --said" "$MK" query --past-go-live --said budget
one_line 2 "query: --no-next-meeting does not go with --said" "$MK" query --no-next-meeting --said budget

# ---- review, edit and approve of each new kind, from a call ----
cat >"$tmp/calls-1.vtt" <<'VTT'
WEBVTT

00:00:01.000 --> 00:00:06.000
<v Maya Brooks>Thanks for joining, let's plan the rollout together.</v>

00:00:07.000 --> 00:00:13.000
<v Leo Grant>Our goal with this is that no claim sits in a mailbox overnight.</v>

00:00:14.000 --> 00:00:20.000
<v Leo Grant>And we need to be live by March 1st, that's our renewal date.</v>

00:00:21.000 --> 00:00:27.000
<v Leo Grant>If ninety percent of claims route themselves we'd call it a success.</v>

00:00:28.000 --> 00:00:34.000
<v Leo Grant>Dana Ortiz, our VP of operations, owns the rollout. Dana's been pushing for this internally.</v>

00:00:35.000 --> 00:00:41.000
<v Tariq Aziz>Security can't start the review until the NDA is signed.</v>

00:00:42.000 --> 00:00:48.000
<v Maya Brooks>Let's get the CFO on a call Thursday at ten to walk through pricing.</v>

00:00:49.000 --> 00:00:51.000
<v Leo Grant>Thursday works for us.</v>
VTT
"$MK" deal add Calls --seller "Maya Brooks" >/dev/null 2>&1
"$MK" ingest "$tmp/calls-1.vtt" --deal Calls --date 2026-09-01 >/dev/null 2>"$tmp/e"
"$MK" review --deal Calls >"$tmp/r" 2>>"$tmp/e"
"$MK" review --deal Calls --format json >"$tmp/r.json" 2>>"$tmp/e"
grep -q 'set_goal .*set goal: "no claim sits in a mailbox overnight"' "$tmp/r" &&
	grep -q "set_go_live .*set go-live: live by 2027-03-01" "$tmp/r" &&
	grep -q 'add_criterion .*add criterion: "ninety percent of claims route themselves"' "$tmp/r" &&
	grep -q "add_dependency .*add dependency: .* waits on .*NDA" "$tmp/r" &&
	grep -q "set_next_meeting .*set next meeting: 2026-09-03 at 10:00 with the CFO: walk through pricing" "$tmp/r" &&
	grep -q "set_stance .*set stance: Dana Ortiz.* -> champion" "$tmp/r" \
	&& ok "review shows the six new kinds in words" || bad "review: $(cat "$tmp/r" "$tmp/e")"
eval "$(python3 - "$tmp/r.json" <<'PY'
import json, sys
ps = json.load(open(sys.argv[1]))["proposals"]
ids = {}
for p in ps:
    assert "time" in p and "depends_on_id" in p, p
    ids.setdefault(p["kind"], p["id"])
for k in ("add_item", "set_goal", "set_go_live", "add_criterion", "add_dependency", "set_next_meeting", "set_stance"):
    print("%s=%s" % (k, ids.get(k, 0)))
PY
)"
[ "${set_stance:-0}" -gt 0 ] && [ "${add_dependency:-0}" -gt 0 ] && ok "review JSON: each kind, with time and depends_on_id" \
	|| bad "review json: $(head -c 1500 "$tmp/r.json")"
"$MK" edit "$set_goal" --text "no claim waits overnight" --as rep >/dev/null 2>"$tmp/e" &&
	"$MK" edit "$set_go_live" --due 2027-04-01 --kind signed --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" edit "$add_criterion" --text "90% of claims route themselves" --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" edit "$add_dependency" --waiting "security review" --as rep >/dev/null 2>>"$tmp/e" &&
	"$MK" edit "$set_next_meeting" --time 11:00 --who "Farah Khan" --as rep --format json >"$tmp/ej" 2>>"$tmp/e" &&
	"$MK" edit "$set_stance" --stance supporter --as rep >/dev/null 2>>"$tmp/e" &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
ch = {c['field']: (c['old'], c['new']) for c in d['changes']}
assert ch['time'] == ('10:00', '11:00') and ch['name'] == ('the CFO', 'Farah Khan'), ch
assert d['edited']['time'] == '11:00', d['edited']" "$tmp/ej" \
	&& ok "edit: --text, --due, --kind, --waiting, --time, --who, --stance on their kinds (JSON names the changes)" \
	|| bad "edit elements: $(cat "$tmp/e" "$tmp/ej")"
one_line 2 "edit: --time does not apply to set_goal" "$MK" edit "$set_goal" --time 10:00
grep -q "does not apply to a set_goal proposal (it takes --text)" "$tmp/e" && ok "edit: the one line names the flags the kind takes" || bad "edit msg: $(cat "$tmp/e")"
one_line 2 "edit: --owner does not apply to set_stance" "$MK" edit "$set_stance" --owner X
one_line 2 "edit: --text does not apply to add_item" "$MK" edit "$add_item" --text X
one_line 2 "edit: --kind is live or signed" "$MK" edit "$set_go_live" --kind maybe
one_line 2 "edit: --item wants a number" "$MK" edit "$add_dependency" --item abc
one_line 2 "edit: a bad --stance" "$MK" edit "$set_stance" --stance angry
"$MK" approve --all --deal Calls --as rep >"$tmp/o" 2>"$tmp/e" && "$MK" plan Calls --format json >"$tmp/p.json" 2>>"$tmp/e" &&
	python3 - "$tmp/p.json" <<'PY' && ok "approved: the edited goal, go-live, criterion, dependency, meeting and stance on the plan" || bad "approve elements: $(cat "$tmp/e" "$tmp/p.json" | head -c 3000)"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["goal"] == "no claim waits overnight", p["goal"]
assert p["go_live"] == {"date": "2027-04-01", "kind": "signed"}, p["go_live"]
assert [c["text"] for c in p["criteria"]] == ["90% of claims route themselves"], p["criteria"]
assert p["dependencies"][0]["waiting"] == "security review", p["dependencies"]
m = p["next_meeting"]
assert (m["date"], m["time"], m["who"]) == ("2026-09-03", "11:00", "Farah Khan"), m
assert [s["stance"] for s in p["stakeholders"] if s["name"] == "Dana Ortiz"] == ["supporter"], p["stakeholders"]
PY
"$MK" plan Calls >"$tmp/t" && grep -q "^Goal: no claim waits overnight" "$tmp/t" && grep -q "^Go-live: signed by 2027-04-01" "$tmp/t" &&
	grep -q "Dana Ortiz, VP of operations (buyer): supporter" "$tmp/t" && ok "plan text after the call" || bad "plan calls: $(cat "$tmp/t")"

echo "1..$n"
