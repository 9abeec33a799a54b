# lib.sh: what every command-line test script shares. Sourced, not run: numbered TAP
# lines (ok/bad), a scratch folder $tmp removed on exit, the repository as the cwd.
set -u
cd "$TOP" || exit 1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# serve_start [env VAR=...]: `$MK serve` on a free loopback port, output in $tmp/serve.out
# and $tmp/serve.err; sets serve_pid, port and base (http://127.0.0.1:PORT). Extra serve
# flags go in $SERVE_ARGS. 1 when it did not start within 5 s. serve_stop stops it and
# sets serve_rc to its exit status; call it from the EXIT trap too.
serve_pid=""
serve_rc=0
serve_start() {
	: >"$tmp/serve.out"
	env "$@" "$MK" serve --listen 127.0.0.1:0 ${SERVE_ARGS:-} >"$tmp/serve.out" 2>"$tmp/serve.err" &
	serve_pid=$!
	port=""
	_i=0
	while [ $_i -lt 50 ] && [ -z "$port" ]; do
		port=$(sed -n '1s|^mapkeeper: serving http://127\.0\.0\.1:\([0-9][0-9]*\)/ .*$|\1|p' "$tmp/serve.out")
		[ -n "$port" ] || sleep 0.1
		_i=$((_i + 1))
	done
	base="http://127.0.0.1:$port"
	[ -n "$port" ]
}
serve_stop() {
	if [ -n "$serve_pid" ]; then
		kill "$serve_pid" 2>/dev/null
		wait "$serve_pid" 2>/dev/null
		serve_rc=$?
		serve_pid=""
	fi
}

# api_req METHOD PATH [CURL ARGS]: the JSON API at $base/api with "Bearer $api_token"; the
# status printed, the body in $tmp/b. api_js CODE: python3 over that body as d. api_err TEXT:
# the body is {"error": "one line"} holding TEXT, and nothing else.
api_token=""
api_req() {
	_m=$1 _p=$2
	shift 2
	curl -s -o "$tmp/b" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $api_token" "$@" "$base/api$_p"
}
api_js() { python3 -c "import json,sys; d=json.load(open('$tmp/b')); $1"; }
api_err() {
	python3 -c "import json; d=json.load(open('$tmp/b')); assert list(d) == ['error'] and d['error'] and '\n' not in d['error'], d; assert '$1' in d['error'], d" 2>/dev/null
}

# browser_ready: 0 when the browser checks can run (chromium, node and sqlite3 there, and
# tests/browser's playwright-core, installed by npm ci when missing); else a SKIP line (or a
# failure line when npm ci failed) and 1. browser_run SCRIPT [VAR=VALUE...]: node
# tests/browser/SCRIPT with those variables (5 minutes at most), its TAP lines relayed as this
# script's, a failure line when it exited non-zero.
browser_ready() {
	for _need in /usr/bin/chromium node sqlite3; do
		if ! command -v "$_need" >/dev/null 2>&1; then
			ok "# SKIP the browser checks need $_need (t91-browser.sh installs chromium as root)"
			return 1
		fi
	done
	[ -d tests/browser/node_modules/playwright-core ] && return 0
	npm ci --prefix tests/browser --no-audit --no-fund >"$tmp/npm" 2>&1 && return 0
	bad "npm ci in tests/browser failed: $(grep -v '^npm warn' "$tmp/npm" | tail -n 3 | tr '\n' ' ')"
	return 1
}
browser_run() {
	_script=$1
	shift
	_to=""
	command -v timeout >/dev/null 2>&1 && _to="timeout -k 10 300"
	env "$@" $_to node "tests/browser/$_script" >"$tmp/browser.out" 2>"$tmp/browser.err"
	_rc=$?
	while IFS= read -r _line; do
		case "$_line" in
		"ok - "*) ok "${_line#ok - }" ;;
		"not ok - "*) bad "${_line#not ok - }" ;;
		"#"*) echo "$_line" ;;
		*) echo "# $_line" ;;
		esac
	done <"$tmp/browser.out"
	[ "$_rc" -eq 0 ] || bad "$_script exited $_rc: $(tail -n 5 "$tmp/browser.err" | tr '\n' ' ')"
}

