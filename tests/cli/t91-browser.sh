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
# hold HTML.
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
	mk ingest "$tmp/xss.txt" --deal "$xss_deal" --date 2026-03-03 \
	&& ok "a database: the demo calls, and a deal whose name and call hold HTML" || { bad "setup: $(cat "$tmp/e")"; exit 0; }

SERVE_ARGS="--db $db"
serve_start MAPKEEPER_TOKEN=$token && ok "serve prints its URL" \
	|| { bad "serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; exit 0; }

# The browser checks, one TAP line each, numbered on here. A hung browser is cut off.
to=""
command -v timeout >/dev/null 2>&1 && to="timeout -k 10 300"
BASE_URL=$base TOKEN=$token XSS_DEAL=$xss_deal SCREENSHOTS=${SCREENSHOTS:-} \
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

serve_stop
[ "$serve_rc" -eq 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$tmp/serve.err" && ok "serve stops cleanly on SIGTERM" \
	|| bad "serve stop (exit $serve_rc): $(head -c 2000 "$tmp/serve.err")"
