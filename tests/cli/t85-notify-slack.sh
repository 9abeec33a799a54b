#!/bin/sh
# `mapkeeper notify slack` and `ingest --notify slack` through the binary against
# tests/fake/fake_slack.py: one message per new call with its counts by kind and its three
# most confident proposals (checked against `review`), the review link only with
# MAPKEEPER_URL, nothing the second time; the digest (overdue buyer items and deals with no
# next step, checked against `query` and `health`), once a day unless --force; the webhook
# and the bot token (the webhook wins); each refusal of Slack in one line with exit 1 and
# the call kept for the next run; 429 with Retry-After; the escaping of < > & in what Slack
# received; the webhook URL and the token never in any output.
. "$TOP/tests/cli/lib.sh"
if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP curl is not installed (it reads the fake Slack's counts)"
	exit 0
fi
python3 tests/fake/fake_slack.py --lifetime 600 >"$tmp/port" 2>/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(head -n 1 "$tmp/port")
[ -n "$port" ] || { bad "cannot start the fake Slack"; exit 1; }

HOOK=services/T0FAKE/B0FAKE/whSECRETabc123
TOKEN=xoxb-fake-T0KEN-s3cret
ACME='Acme > Beta *Corp*'
unset SLACK_WEBHOOK_URL SLACK_BOT_TOKEN SLACK_CHANNEL MAPKEEPER_SLACK_API MAPKEEPER_URL MAPKEEPER_CONFIG
webhook() { # SCENARIO
	unset SLACK_BOT_TOKEN SLACK_CHANNEL MAPKEEPER_SLACK_API
	export SLACK_WEBHOOK_URL="http://127.0.0.1:$port/s/$1/$HOOK"
}
bot() { # SCENARIO [CHANNEL]
	unset SLACK_WEBHOOK_URL
	export SLACK_BOT_TOKEN=$TOKEN SLACK_CHANNEL="${2:-C0DEALS}" MAPKEEPER_SLACK_API="http://127.0.0.1:$port/s/$1/api"
}
# fake SCENARIO [FIELD]: how many messages the fake took in the scenario (or requests)
fake() {
	curl -sf "http://127.0.0.1:$port/_fake/count/$1/${2:-messages}" || echo "?"
}
dump() { # SCENARIO FILE: what the fake holds of the scenario, as JSON
	curl -sf "http://127.0.0.1:$port/_fake/state/$1" >"$2"
}
secretless() { # FILE...: neither secret in any of them
	! cat "$@" | grep -q -e whSECRETabc123 -e "$TOKEN"
}

# two calls of our own: Acme's quotes hold < > &, its deal name > and *
cat >"$tmp/acme-2026-03-03.txt" <<'EOF'
[00:00:02] Maya Brooks: Thanks for joining today.
[00:01:05] Dana Reyes: I will send the <script>alert(1)</script> & security questionnaire by Friday.
[00:01:30] Maya Brooks: Great, and I will send the order form by Monday.
[00:02:40] Dana Reyes: Budget is tight this year, honestly.
EOF
cat >"$tmp/acme-2026-03-10.txt" <<'EOF'
[00:00:03] Maya Brooks: Good to see you again.
[00:00:40] Dana Reyes: I'll get the signed NDA back to you by Wednesday.
EOF
cat >"$tmp/acme-2026-03-17.txt" <<'EOF'
[00:00:05] Maya Brooks: Quick one today.
[00:00:20] Dana Reyes: I will book the kickoff with our IT lead by Thursday.
EOF
cat >"$tmp/acme-2026-03-24.txt" <<'EOF'
[00:00:05] Maya Brooks: Thanks all.
[00:00:30] Dana Reyes: I will confirm the pilot users by Friday.
EOF
export MAPKEEPER_DB="$tmp/n.db"
"$MK" deal add "$ACME" --seller "Maya Brooks" >/dev/null 2>&1
"$MK" deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind >/dev/null 2>&1

# ---- one message per call, with its counts and its top three --------------------------
webhook ok
MAPKEEPER_URL=http://mk.example.test:8080/ "$MK" ingest "$tmp/acme-2026-03-03.txt" --deal "$ACME" --notify slack \
	>"$tmp/o1" 2>"$tmp/e1"
rc=$?
[ $rc -eq 0 ] && grep -q '^slack: announced 1 call$' "$tmp/o1" && [ ! -s "$tmp/e1" ] && [ "$(fake ok)" = 1 ] \
	&& ok "ingest --notify slack announces the call in one message" || bad "ingest notify: rc=$rc $(cat "$tmp/o1" "$tmp/e1")"
MAPKEEPER_URL=http://mk.example.test:8080 "$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 \
	--notify slack --format json >"$tmp/o2" 2>"$tmp/e2"
rc=$?
[ $rc -eq 0 ] && [ "$(fake ok)" = 2 ] && python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["notify"]; assert n["calls"] == 1 and n["sent"], n' "$tmp/o2" \
	&& ok "ingest --format json says what was announced (notify.calls)" || bad "ingest json: rc=$rc $(cat "$tmp/o2" "$tmp/e2")"
"$MK" review --format json >"$tmp/review.json" 2>&1
dump ok "$tmp/ok.json"
python3 - "$tmp/ok.json" "$tmp/review.json" <<'PY' && ok "each message: the deal, the call, the counts by kind, the top three by confidence with quote and speaker" || bad "messages vs review: $(head -c 1500 "$tmp/ok.json")"
import json, sys
msgs = [m["payload"] for m in json.load(open(sys.argv[1]))["messages"]]
props = json.load(open(sys.argv[2]))["proposals"]
words = {"add_item": ("new item", "new items"), "add_risk": ("risk", "risks"), "add_stakeholder": ("stakeholder", "stakeholders"),
         "set_next_meeting": ("next meeting", "next meetings"), "set_goal": ("goal", "goals")}
order = ["add_item", "update_due", "mark_done", "mark_blocked", "mark_dropped", "add_stakeholder", "add_risk", "set_goal",
         "set_go_live", "add_criterion", "add_dependency", "set_next_meeting", "set_stance"]
esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
assert len(msgs) == 2, len(msgs)
for m, call in zip(msgs, ["acme-2026-03-03.txt", "northwind-call-01.vtt"]):
    mine = [p for p in props if p["evidence"]["meeting"] == call]
    b = m["blocks"]
    assert b[0]["type"] == "header" and b[0]["text"]["type"] == "plain_text", b[0]
    assert b[0]["text"]["text"] == esc("%s: %d proposals to review" % (mine[0]["deal"], len(mine))), b[0]
    assert b[1]["text"]["text"].startswith("Call " + call), b[1]
    counts = {}
    for p in mine:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    want = " \u00b7 ".join("%d %s" % (counts[k], words[k][counts[k] != 1]) for k in order if k in counts)
    assert b[2]["type"] == "context" and b[2]["elements"][0]["text"] == want, (b[2], want)
    top = sorted(mine, key=lambda p: (-p["confidence"], p["id"]))[:3]
    for blk, p in zip(b[3:6], top):
        t = blk["text"]["text"]
        assert blk["type"] == "section" and blk["text"]["type"] == "plain_text", blk
        assert ('"%s" - %s at ' % (esc(p["evidence"]["quote"]), esc(p["evidence"]["speaker"]))) in t, (t, p)
    assert m["text"].startswith(esc(mine[0]["deal"]) + ": %d proposals to review from call %s" % (len(mine), call)), m["text"]
PY
python3 - "$tmp/ok.json" <<'PY' && ok "with MAPKEEPER_URL: a link to the deal's review page, the name URL-escaped" || bad "link: $(head -c 1500 "$tmp/ok.json")"
import json, sys
msgs = [m["payload"] for m in json.load(open(sys.argv[1]))["messages"]]
links = [b["text"]["text"] for b in msgs[0]["blocks"] if b.get("text", {}).get("type") == "mrkdwn"] if msgs else []
assert links == ["<http://mk.example.test:8080/deal?name=Acme%20%3E%20Beta%20%2ACorp%2A#proposals-section|Review the proposals in mapkeeper>"], links
assert msgs[1]["blocks"][-1]["text"]["text"].startswith("<http://mk.example.test:8080/deal?name=Northwind#"), msgs[1]["blocks"][-1]
PY
python3 - "$tmp/ok.json" <<'PY' && ok "Slack got & < > escaped in the quote, the deal name and the fallback; * stays in plain_text" || bad "escaping: $(head -c 1500 "$tmp/ok.json")"
import json, sys
m = json.load(open(sys.argv[1]))["messages"][0]["payload"]
raw = json.dumps(m)
assert "<script>" not in raw and "Beta *Corp*: " in raw and "Acme > " not in raw, raw
assert m["blocks"][0]["text"]["text"] == "Acme &gt; Beta *Corp*: 3 proposals to review", m["blocks"][0]
quotes = [b["text"]["text"] for b in m["blocks"][3:6]]
assert any('"I will send the &lt;script&gt;alert(1)&lt;/script&gt; &amp; security questionnaire by Friday." - Dana Reyes at 1:05' in q for q in quotes), quotes
assert m["text"].startswith("Acme &gt; Beta *Corp*: 3 proposals"), m["text"]
assert all(b["text"]["type"] == "plain_text" for b in m["blocks"] if b["type"] != "context" and "Beta *Corp*" in b["text"]["text"])
PY

"$MK" notify slack >"$tmp/o3" 2>"$tmp/e3"
rc=$?
[ $rc -eq 0 ] && grep -q '^slack: no new call to announce$' "$tmp/o3" && [ "$(fake ok)" = 2 ] \
	&& ok "notify slack again sends nothing" || bad "again: rc=$rc $(cat "$tmp/o3" "$tmp/e3")"
"$MK" ingest "$tmp/acme-2026-03-10.txt" --deal "$ACME" >/dev/null 2>&1
"$MK" notify slack --format json >"$tmp/o4" 2>"$tmp/e4"
rc=$?
dump ok "$tmp/ok.json"
[ $rc -eq 0 ] && [ "$(fake ok)" = 3 ] && python3 - "$tmp/ok.json" "$tmp/o4" <<'PY' && ok "without MAPKEEPER_URL no link; --format json counts the call" || bad "no link: rc=$rc $(cat "$tmp/o4" "$tmp/e4")"
import json, sys
m = json.load(open(sys.argv[1]))["messages"][2]["payload"]
assert not any(b.get("text", {}).get("type") == "mrkdwn" for b in m["blocks"]) and "http" not in json.dumps(m), m
o = json.load(open(sys.argv[2]))
assert o["channel"] == "slack" and o["what"] == "calls" and o["calls"] == 1 and o["messages"] == 1, o
PY

# ---- the digest -----------------------------------------------------------------------
"$MK" approve --all --deal Northwind >/dev/null 2>&1
"$MK" notify slack --digest --today 2026-03-20 >"$tmp/d1" 2>"$tmp/de1"
rc=$?
"$MK" query --side buyer --overdue --as-of 2026-03-20 --format json >"$tmp/q.json" 2>&1
"$MK" health --no-next-step --as-of 2026-03-20 --format json >"$tmp/h.json" 2>&1
dump ok "$tmp/ok.json"
[ $rc -eq 0 ] && python3 - "$tmp/ok.json" "$tmp/q.json" "$tmp/h.json" "$tmp/d1" <<'PY' && ok "the digest: every overdue buyer item (as query) and every deal with no next step (as health), one message" || bad "digest: rc=$rc $(cat "$tmp/d1" "$tmp/de1") $(head -c 1200 "$tmp/ok.json")"
import json, sys
m = json.load(open(sys.argv[1]))["messages"][-1]["payload"]
q = json.load(open(sys.argv[2]))
rows = q["items"] if isinstance(q, dict) else q
h = json.load(open(sys.argv[3]))
deals = h["deals"] if isinstance(h, dict) else h
esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
assert rows and deals, (rows, deals)
texts = "\n".join(b.get("text", {}).get("text", "") or b.get("elements", [{}])[0].get("text", "") for b in m["blocks"])
assert m["blocks"][0]["text"]["text"] == "mapkeeper digest, 2026-03-20", m["blocks"][0]
for r in rows:
    assert esc(r["action"]) in texts, (r["action"], texts)
for d in deals:
    assert "\u2022 " + esc(d["deal"]) + ":" in texts, (d, texts)
line = "slack: sent the digest of 2026-03-20: %d overdue buyer item%s, %d deal%s with no next step\n" % (
    len(rows), "" if len(rows) == 1 else "s", len(deals), "" if len(deals) == 1 else "s")
assert open(sys.argv[4]).read() == line, (open(sys.argv[4]).read(), line)
assert m["text"] == "mapkeeper digest, 2026-03-20: %d buyer items overdue, %d deal%s with no next step" % (
    len(rows), len(deals), "" if len(deals) == 1 else "s"), m["text"]
PY
was=$(fake ok)
"$MK" notify slack --digest --today 2026-03-20 >"$tmp/d2" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'the digest of 2026-03-20 went out already today' "$tmp/d2" && [ "$(fake ok)" = "$was" ] \
	&& ok "a second digest the same day is skipped" || bad "digest twice: rc=$rc $(cat "$tmp/d2")"
"$MK" notify slack --digest --force --today 2026-03-20 --format json >"$tmp/d3" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(fake ok)" = $((was + 1)) ] && grep -q '"skipped": false' "$tmp/d3" && grep -q '"day": "2026-03-20"' "$tmp/d3" \
	&& ok "--force sends it again" || bad "force: rc=$rc $(cat "$tmp/d3")"
"$MK" notify slack --digest --today 2026-03-21 >"$tmp/d4" 2>&1
[ $? -eq 0 ] && [ "$(fake ok)" = $((was + 2)) ] && ok "the next day's digest goes out" || bad "next day: $(cat "$tmp/d4")"

# ---- the bot token; the webhook wins ---------------------------------------------------
bot bot '#deals'
"$MK" ingest "$tmp/acme-2026-03-17.txt" --deal "$ACME" --notify slack >"$tmp/b1" 2>"$tmp/be1"
rc=$?
dump bot "$tmp/bot.json"
[ $rc -eq 0 ] && [ "$(fake bot)" = 1 ] && python3 - "$tmp/bot.json" "$TOKEN" <<'PY' && ok "SLACK_BOT_TOKEN and SLACK_CHANNEL: chat.postMessage with the bearer token and the channel" || bad "bot: rc=$rc $(cat "$tmp/b1" "$tmp/be1") $(head -c 800 "$tmp/bot.json")"
import json, sys
st = json.load(open(sys.argv[1]))
m = st["messages"][0]
assert m["via"] == "bot" and m["payload"]["channel"] == "#deals" and m["payload"]["blocks"], m
assert st["auth"] == ["Bearer " + sys.argv[2]], st["auth"]
PY
export SLACK_WEBHOOK_URL="http://127.0.0.1:$port/s/both/$HOOK" MAPKEEPER_SLACK_API="http://127.0.0.1:$port/s/bothbot/api"
"$MK" notify slack --digest --force --today 2026-03-21 >"$tmp/b2" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(fake both)" = 1 ] && [ "$(fake bothbot requests)" = 0 ] \
	&& ok "with both set, the webhook wins" || bad "both: rc=$rc $(cat "$tmp/b2")"

# ---- Slack's refusals: one line each, exit 1, nothing marked ---------------------------
refused() { # SCENARIO "WORDS": the digest refused in one line holding WORDS
	"$MK" notify slack --digest --force --today 2026-03-22 >"$tmp/r.out" 2>"$tmp/r.err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/r.err")" -eq 1 ] && grep -qF -- "$2" "$tmp/r.err" && [ ! -s "$tmp/r.out" ] \
		&& secretless "$tmp/r.out" "$tmp/r.err"; then
		ok "$3: $(cat "$tmp/r.err")"
	else
		bad "$3: rc=$rc $(cat "$tmp/r.out" "$tmp/r.err")"
	fi
}
for sc in invalid_blocks invalid_payload; do webhook $sc; refused $sc "($sc): a mapkeeper bug" "webhook $sc"; done
webhook action_prohibited; refused x "may not post to its channel (action_prohibited): ask a workspace admin" "webhook 403 action_prohibited"
webhook no_service; refused x "the webhook is gone (no_service): make a new incoming webhook and set SLACK_WEBHOOK_URL" "webhook 404 no_service"
webhook channel_not_found; refused x "channel is gone (channel_not_found): make a webhook for an existing channel" "webhook 404 channel_not_found"
webhook channel_is_archived; refused x "archived (channel_is_archived): unarchive it" "webhook 410 channel_is_archived"
webhook 500; refused x "slack: Slack failed (HTTP 500); what was not sent goes on the next run" "webhook 500, not retried"
[ "$(fake 500 requests)" = 1 ] && ok "a 500 is not posted again (Slack may have taken it)" || bad "500 requests: $(fake 500 requests)"
bot invalid_auth; refused x "the bot token was refused (invalid_auth): check SLACK_BOT_TOKEN" "bot invalid_auth"
bot not_in_channel; refused x "the app is not in channel 'C0DEALS' (not_in_channel): invite the app to the channel" "bot not_in_channel"
bot channel_not_found; refused x "no channel 'C0DEALS' (channel_not_found): check SLACK_CHANNEL" "bot channel_not_found"
bot missing_scope; refused x "lacks a scope (missing_scope): add chat:write" "bot missing_scope"
bot ok C0NOWHERE; refused x "no channel 'C0NOWHERE' (channel_not_found)" "bot: a channel Slack does not know"
bot ratelimited; refused x "slack: Slack is rate limiting the app (HTTP 429) after 4 tries: try again in a minute" "bot 429 every time"
bot 500; refused x "slack: Slack failed (HTTP 500)" "bot 500"
bot ok
SLACK_BOT_TOKEN=xoxb-wrong-token "$MK" notify slack --digest --force --today 2026-03-22 >"$tmp/r.out" 2>"$tmp/r.err"
[ $? -eq 1 ] && grep -q "invalid_auth" "$tmp/r.err" && ! grep -q "xoxb-wrong-token" "$tmp/r.err" \
	&& ok "a wrong token: invalid_auth, and the token is not said" || bad "wrong token: $(cat "$tmp/r.out" "$tmp/r.err")"
unset SLACK_BOT_TOKEN SLACK_CHANNEL MAPKEEPER_SLACK_API SLACK_WEBHOOK_URL
"$MK" notify slack >"$tmp/r.out" 2>"$tmp/r.err"
[ $? -eq 1 ] && [ "$(cat "$tmp/r.err")" = "mapkeeper: slack: set SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL" ] \
	&& ok "neither a webhook nor a token: one line saying what to set" || bad "unset: $(cat "$tmp/r.out" "$tmp/r.err")"
SLACK_WEBHOOK_URL="https://127.0.0.1:1/services/whSECRETabc123" "$MK" notify slack --digest --force >"$tmp/r.out" 2>"$tmp/r.err"
[ $? -eq 1 ] && [ "$(wc -l <"$tmp/r.err")" -eq 1 ] && grep -q '^mapkeeper: slack: ' "$tmp/r.err" && secretless "$tmp/r.out" "$tmp/r.err" \
	&& ok "an unreachable webhook: one line, without its URL" || bad "unreachable: $(cat "$tmp/r.out" "$tmp/r.err")"
SLACK_WEBHOOK_URL="http://hooks.example.com/services/whSECRETabc123" "$MK" notify slack --digest --force >"$tmp/r.out" 2>"$tmp/r.err"
[ $? -eq 1 ] && grep -q 'slack: plain http is only allowed to loopback' "$tmp/r.err" && secretless "$tmp/r.err" \
	&& ok "plain http to a host that is not loopback is refused" || bad "http: $(cat "$tmp/r.out" "$tmp/r.err")"

# ---- a failure keeps the call for the next run ------------------------------------------
webhook no_service
"$MK" ingest "$tmp/acme-2026-03-24.txt" --deal "$ACME" --notify slack >"$tmp/i.out" 2>"$tmp/i.err"
rc=$?
"$MK" call list "$ACME" --format json >"$tmp/calls.json" 2>&1
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/i.err")" -eq 1 ] && grep -q 'no_service' "$tmp/i.err" \
	&& grep -q 'acme-2026-03-24.txt: meeting' "$tmp/i.out" && grep -q 'acme-2026-03-24.txt' "$tmp/calls.json" \
	&& ok "ingest --notify slack refused: one line, exit 1, the call stays stored" || bad "ingest refused: rc=$rc $(cat "$tmp/i.out" "$tmp/i.err")"
"$MK" ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10 >/dev/null 2>&1
webhook second500
"$MK" notify slack >"$tmp/p.out" 2>"$tmp/p.err"
rc=$?
[ $rc -eq 1 ] && grep -q '^slack: announced 1 call; the others wait for the next run$' "$tmp/p.out" \
	&& [ "$(wc -l <"$tmp/p.err")" -eq 1 ] && [ "$(fake second500)" = 1 ] \
	&& ok "a failure half way: what was sent is said, exit 1" || bad "half way: rc=$rc $(cat "$tmp/p.out" "$tmp/p.err")"
webhook ok
was=$(fake ok)
"$MK" notify slack >"$tmp/p2.out" 2>&1
dump ok "$tmp/ok.json"
[ $? -eq 0 ] && grep -q '^slack: announced 1 call$' "$tmp/p2.out" && [ "$(fake ok)" = $((was + 1)) ] \
	&& python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["messages"][-1]["payload"]; assert "northwind-call-02.vtt" in m["blocks"][1]["text"]["text"], m' "$tmp/ok.json" \
	&& ok "the next run sends the call that was left" || bad "next run: $(cat "$tmp/p2.out")"

# ---- 429 with Retry-After: waited for, then sent ------------------------------------------
webhook 429
"$MK" ingest "$tmp/acme-2026-03-03.txt" --deal Northwind >/dev/null 2>&1  # the same file: nothing new
printf '[00:00:05] Maya Brooks: Hello.\n[00:00:10] Leo Grant: I will send the budget sheet by Friday.\n' >"$tmp/nw-2026-03-12.txt"
start=$(date +%s)
"$MK" ingest "$tmp/nw-2026-03-12.txt" --deal Northwind --notify slack >"$tmp/l.out" 2>"$tmp/l.err"
rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 0 ] && [ "$(fake 429 requests)" = 2 ] && [ "$(fake 429)" = 1 ] && [ $took -ge 1 ] \
	&& ok "429 with Retry-After: 1 is waited for and sent once (${took}s)" || bad "429: rc=$rc took=$took $(cat "$tmp/l.out" "$tmp/l.err")"

# ---- sync --notify slack: the calls it fetched, announced ----------------------------------
python3 tests/fake/fake_api.py --lifetime 600 >"$tmp/zport" 2>/dev/null &
zoom=$!
trap 'kill $fake $zoom 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/zport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
zbase="http://127.0.0.1:$(head -n 1 "$tmp/zport")/s/ok"
webhook synced
ZOOM_ACCOUNT_ID=acct-1 ZOOM_CLIENT_ID=zoom-client ZOOM_CLIENT_SECRET=zoom-s3cret-XYZ \
	MAPKEEPER_ZOOM_API="$zbase/zoom/v2" MAPKEEPER_ZOOM_OAUTH="$zbase/zoom/oauth/token" \
	"$MK" sync zoom --deal Northwind --notify slack --format json >"$tmp/s.out" 2>"$tmp/s.err"
rc=$?
[ $rc -eq 0 ] && python3 - "$tmp/s.out" "$(fake synced)" <<'PY' && ok "sync --notify slack announces each call it ingested" || bad "sync notify: rc=$rc $(cat "$tmp/s.out" "$tmp/s.err")"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["ingested"] >= 1 and o["notify"]["calls"] == o["ingested"] == int(sys.argv[2]), (o, sys.argv[2])
PY

# ---- the config file, usage ------------------------------------------------------------
unset SLACK_WEBHOOK_URL
printf 'SLACK_WEBHOOK_URL=http://127.0.0.1:%s/s/conf/%s\n' "$port" "$HOOK" >"$tmp/slack.conf"
chmod 600 "$tmp/slack.conf"
"$MK" notify slack --digest --today 2026-03-23 --config "$tmp/slack.conf" >"$tmp/c.out" 2>&1
[ $? -eq 0 ] && [ "$(fake conf)" = 1 ] && ok "--config FILE gives the webhook" || bad "config: $(cat "$tmp/c.out")"
chmod 644 "$tmp/slack.conf"
"$MK" notify slack --config "$tmp/slack.conf" >"$tmp/c.out" 2>"$tmp/c.err"
[ $? -eq 1 ] && grep -q "^mapkeeper: slack: config '.*slack.conf' is readable by group or others: refused (chmod 600 it)$" "$tmp/c.err" \
	&& secretless "$tmp/c.err" && ok "a config file others may read is refused, its values unsaid" || bad "config mode: $(cat "$tmp/c.out" "$tmp/c.err")"
chmod 600 "$tmp/slack.conf"
usage() { # WORDS ARGS...: exit 2 with one line holding WORDS
	w=$1
	shift
	"$MK" "$@" >"$tmp/u.out" 2>"$tmp/u.err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/u.err")" -eq 1 ] && grep -qF -- "$w" "$tmp/u.err" && [ ! -s "$tmp/u.out" ] \
		&& ok "usage: $*" || bad "usage $*: rc=$rc $(cat "$tmp/u.out" "$tmp/u.err")"
}
usage "--force goes with --digest" notify slack --force
usage "unknown channel 'teams'" notify teams
usage "cannot read --today '2026-3-1'" notify slack --digest --today 2026-3-1
usage "--notify takes slack, not 'email'" ingest "$tmp/acme-2026-03-03.txt" --deal Northwind --notify email
usage "--notify takes slack, not 'teams'" sync zoom --deal Northwind --notify teams
"$MK" notify slack --deal Nowhere --config "$tmp/slack.conf" >"$tmp/u.out" 2>"$tmp/u.err"
[ $? -eq 1 ] && grep -q "no deal 'Nowhere'" "$tmp/u.err" && ok "--deal of no deal: one line" || bad "no deal: $(cat "$tmp/u.err")"
outs=$(ls "$tmp"/* | grep -v -e '\.json$' -e '\.conf$' -e '\.txt$' -e '/port$' -e '\.db')
secretless $outs && ok "no output ever held the webhook URL or the token ($(echo $outs | wc -w) files)" \
	|| bad "a secret in the output: $(grep -l -e whSECRETabc123 -e "$TOKEN" $outs)"
exit 0
