#!/bin/sh
# The review pages of `mapkeeper serve` in headless Chromium (tests/browser/review.mjs,
# playwright-core from npm): login and the session cookie, the deals and their health,
# approve / edit / reject proposals, an item's history, a <script> quote shown as text,
# CSRF on writes, search, logout. Installs Chromium (Debian's package, as root) and
# playwright-core (npm ci) when missing. SCREENSHOTS=dir also saves full-page PNGs there.
# The server runs on a free loopback port and is stopped on exit.
. "$TOP/tests/cli/lib.sh"
db="$tmp/web.db"
token=t0ken-for-the-browser
xss_deal='Acme & Co <b>x</b>'
long_deal=$(printf '%03000d' 0 | tr 0 L)
spare_deal=Initech
chromium=/usr/bin/chromium
trap 'serve_stop; rm -rf "$tmp"' EXIT

# Chromium: Debian's package; installed here when we may.
if [ ! -x "$chromium" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	apt-get install -y -q --no-install-recommends chromium >"$tmp/apt" 2>&1 ||
		{ apt-get update -q >>"$tmp/apt" 2>&1 &&
			apt-get install -y -q --no-install-recommends chromium >>"$tmp/apt" 2>&1; }
fi
if [ ! -x "$chromium" ]; then
	why="not installed"
	[ "$(id -u)" = 0 ] || why="not installed, and only root may apt-get install chromium"
	[ -f "$tmp/apt" ] && why="apt-get install chromium failed: $(tail -n 2 "$tmp/apt" | tr '\n' ' ')"
	bad "browser checks need $chromium: $why"
	exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	bad "browser checks need node (20 or later) and npm: $(command -v node || echo no node) $(command -v npm || echo no npm)"
	exit 0
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	if ! npm ci --prefix tests/browser --no-audit --no-fund >"$tmp/npm" 2>&1; then
		bad "npm ci in tests/browser failed: $(grep -v '^npm warn' "$tmp/npm" | tail -n 3 | tr '\n' ' ')"
		exit 0
	fi
fi

mk() { MAPKEEPER_DB="$db" "$MK" "$@" >/dev/null 2>>"$tmp/e"; }
# Northwind: the first demo call, all pending. Globex: the same call (one word changed,
# as a file is ingested once) approved, then the second call, which moves a due date. The third deal's name and call
# hold HTML. The fourth has a 3,000-letter name (the layout must wrap it). Initech: the first call
# again, to be removed, and the deal renamed and removed.
mk deal add Northwind --seller "Maya Brooks" &&
	mk ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 &&
	mk deal add Globex --seller "Maya Brooks" &&
	sed 's/Morning all/Hello all/' demo/northwind-call-01.vtt >"$tmp/globex-call-01.vtt" &&
	mk ingest "$tmp/globex-call-01.vtt" --deal Globex --date 2026-03-03 &&
	mk approve --all --deal Globex &&
	mk ingest demo/northwind-call-02.vtt --deal Globex --date 2026-03-10 &&
	mk deal add "$xss_deal" --seller "Maya Brooks" &&
	printf '%s\n' 'Maya Brooks: I will send the <script>window.__xss=1</script> security review with "quotes" & &amp; entities by Friday.' \
		'Leo Grant: Great, thanks.' >"$tmp/xss.txt" &&
	mk ingest "$tmp/xss.txt" --deal "$xss_deal" --date 2026-03-03 &&
	mk deal add "$long_deal" --seller "Maya Brooks" &&
	mk deal add "$spare_deal" --seller "Maya Brooks" &&
	sed 's/Morning all/Hi everyone/' demo/northwind-call-01.vtt >"$tmp/initech-call-01.vtt" &&
	mk ingest "$tmp/initech-call-01.vtt" --deal "$spare_deal" --date 2026-03-04 \
	&& ok "a database: the demo calls, a deal whose name and call hold HTML, one with a 3,000-letter name" \
	|| { bad "setup: $(cat "$tmp/e")"; exit 0; }

SERVE_ARGS="--db $db"
serve_start MAPKEEPER_TOKEN=$token && ok "serve prints its URL" \
	|| { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 0; }

# The browser checks, one TAP line each, numbered on here. A hung browser is cut off.
to=""
command -v timeout >/dev/null 2>&1 && to="timeout -k 10 300"
BASE_URL=$base TOKEN=$token XSS_DEAL=$xss_deal LONG_DEAL=$long_deal SPARE_DEAL=$spare_deal SCREENSHOTS=${SCREENSHOTS:-} \
	$to node tests/browser/review.mjs >"$tmp/review" 2>"$tmp/review.err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) bad "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/review"
[ "$rc" -eq 0 ] || bad "review.mjs exited $rc: $(tail -n 5 "$tmp/review.err" | tr '\n' ' ')"

# approve-all is all or nothing: a proposal that cannot be approved (its action emptied
# behind the store's back) stops the lot, and the ones before it stay pending.
if command -v sqlite3 >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
	mk deal add Umbrella --seller "Maya Brooks" &&
		sed 's/Morning all/Good day all/' demo/northwind-call-01.vtt >"$tmp/umbrella.vtt" &&
		mk ingest "$tmp/umbrella.vtt" --deal Umbrella --date 2026-03-05 &&
		sqlite3 "$db" "UPDATE proposals SET action = '' WHERE id = (SELECT max(p.id) FROM proposals p JOIN deals d
			ON d.id = p.deal_id WHERE d.name = 'Umbrella' AND p.kind = 'add_item')" || bad "setup of Umbrella: $(cat "$tmp/e")"
	n=$(curl -s -H "Authorization: Bearer $token" "$base/api/deals/Umbrella/proposals" | grep -c '"kind"')
	code=$(curl -s -o "$tmp/all" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" -d "{\"count\": $n}" \
		"$base/api/deals/Umbrella/approve-all")
	left=$(curl -s -H "Authorization: Bearer $token" "$base/api/deals/Umbrella/proposals" | grep -c '"kind"')
	items=$(curl -s -H "Authorization: Bearer $token" "$base/api/deals/Umbrella/plan" | grep -c '"action"')
	[ "$n" -gt 3 ] && [ "$code" = 400 ] && grep -q 'nothing was approved: .*has no action' "$tmp/all" && [ "$left" = "$n" ] &&
		[ "$items" = 0 ] && ok "approve-all stops at a proposal with no action and approves none ($n pending)" \
		|| bad "approve-all, all or nothing: $code $(cat "$tmp/all"), $left of $n pending, $items items"
else
	ok "# SKIP approve-all all or nothing: needs sqlite3 and curl"
fi

serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly on SIGTERM" \
	|| bad "serve stop (exit $serve_rc): $(head -c 2000 "$tmp/serve.err")"
