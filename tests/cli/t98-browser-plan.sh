#!/bin/sh
# The whole plan (issue 14) in `mapkeeper serve`'s pages, in headless Chromium
# (tests/browser/plan.mjs, playwright-core from npm, as t91 installs it): the goal, go-live
# and slack, next meeting and acknowledgement at the top of a deal; items by phase; criteria,
# dependencies and stakeholders with stance; each edited by hand; proposals of the new kinds
# edited and approved; the plan copied for the buyer; the deals page's new columns and
# filters. Needs chromium, node and sqlite3 (the new kinds' proposals are put in the store as
# a call's would be). SCREENSHOTS=dir saves plan.png there. The server runs on a free
# loopback port and is stopped on exit.
. "$TOP/tests/cli/lib.sh"
db="$tmp/plan.db"
token=t0ken-for-the-plan
chromium=/usr/bin/chromium
trap 'serve_stop; rm -rf "$tmp"' EXIT

for need in "$chromium" node sqlite3; do
	if ! command -v "$need" >/dev/null 2>&1; then
		ok "# SKIP the plan's browser checks need $need (t91-browser.sh installs chromium as root)"
		exit 0
	fi
done
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	if ! npm ci --prefix tests/browser --no-audit --no-fund >"$tmp/npm" 2>&1; then
		bad "npm ci in tests/browser failed: $(grep -v '^npm warn' "$tmp/npm" | tail -n 3 | tr '\n' ' ')"
		exit 0
	fi
fi

mk() { MAPKEEPER_DB="$db" "$MK" "$@" >/dev/null 2>>"$tmp/e"; }
# Northwind: the first demo call, approved, and go-live, stance, next meeting and dependency
# proposals as a call would bring them. Globex: the same call (a word changed) approved, no next meeting.
mk deal add Northwind --seller "Maya Brooks" &&
	mk ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 &&
	mk approve --all --deal Northwind &&
	mk deal add Globex --seller "Maya Brooks" &&
	sed 's/Morning all/Hello all/' demo/northwind-call-01.vtt >"$tmp/globex.vtt" &&
	mk ingest "$tmp/globex.vtt" --deal Globex --date 2026-03-03 &&
	mk approve --all --deal Globex &&
	sqlite3 "$db" "INSERT INTO proposals (deal_id, meeting_id, kind, side, due, name, role, category, text,
		confidence, ev_speaker, ev_start_ms, ev_end_ms, ev_quote, key, created_at)
		SELECT d.id, (SELECT max(id) FROM meetings WHERE deal_id = d.id), k.kind, 'buyer', k.due, k.name, k.role,
			k.category, k.text, 0.8, 'Leo Grant', 60000, 64000, k.quote, 'test:' || k.kind, '2026-03-03T10:00:00Z'
		FROM deals d, (SELECT 'set_go_live' AS kind, '2026-06-30' AS due, NULL AS name, NULL AS role,
			'live' AS category, 'by the end of June' AS text, 'We need to be live by the end of June.' AS quote
			UNION ALL SELECT 'set_stance', NULL, 'Farah Khan', 'CFO', 'skeptic', NULL,
			'Farah is not convinced the ROI is there yet.'
			UNION ALL SELECT 'set_next_meeting', '2099-04-02', 'Dana', NULL, NULL, 'pricing',
			'Let us get Dana on a call on April 2nd about pricing.'
			UNION ALL SELECT 'add_dependency', NULL, NULL, NULL, NULL, 'the ROI model',
			'The pricing review waits on the ROI model.') k
		WHERE d.name = 'Northwind'" 2>>"$tmp/e" \
	&& sqlite3 "$db" "UPDATE proposals SET action = 'the pricing review' WHERE key = 'test:add_dependency'" 2>>"$tmp/e" \
	&& ok "a database: two deals from the demo call, proposals of four new kinds pending" \
	|| { bad "setup: $(cat "$tmp/e")"; exit 0; }

SERVE_ARGS="--db $db"
serve_start MAPKEEPER_TOKEN=$token && ok "serve prints its URL" \
	|| { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 0; }

to=""
command -v timeout >/dev/null 2>&1 && to="timeout -k 10 300"
BASE_URL=$base TOKEN=$token DEAL=Northwind OTHER_DEAL=Globex SCREENSHOTS=${SCREENSHOTS:-} \
	$to node tests/browser/plan.mjs >"$tmp/plan" 2>"$tmp/plan.err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) bad "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/plan"
[ "$rc" -eq 0 ] || bad "plan.mjs exited $rc: $(tail -n 5 "$tmp/plan.err" | tr '\n' ' ')"

serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly on SIGTERM" \
	|| bad "serve stop (exit $serve_rc): $(head -c 2000 "$tmp/serve.err")"
echo "1..$n"
