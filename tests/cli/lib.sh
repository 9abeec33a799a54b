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
