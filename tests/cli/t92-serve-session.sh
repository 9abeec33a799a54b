#!/bin/sh
# The pages' door of `mapkeeper serve`, with curl: login with the token (form and the
# printed URL), the session cookie's attributes, pages and static files only with a
# session, a write by cookie needs the CSRF token and our origin, logins rate-limited,
# logout ends the session, static files cannot leave their folder (.., encoded ..,
# dot files, a symbolic link out, unknown types), and the headers every answer carries.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/serve.db"
trap 'serve_stop; rm -rf "$tmp"' EXIT
if ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP curl is not installed"
	exit 0
fi
"$MK" deal add Northwind --seller "Maya Brooks" >/dev/null 2>"$tmp/e" &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03 >/dev/null 2>>"$tmp/e" \
	&& ok "a database from the demo call" || bad "setup: $(cat "$tmp/e")"

# a pages folder of our own, with things that must not be served
mkdir -p "$tmp/web" "$tmp/outside"
for f in index.html login.html deal.html search.html app.js app.css login.js; do echo "page $f" >"$tmp/web/$f"; done
echo "secret" >"$tmp/outside/secret.html"
echo "hidden" >"$tmp/web/.hidden.html"
echo "notes" >"$tmp/web/notes.txt"
ln -s "$tmp/outside/secret.html" "$tmp/web/link.html"

SERVE_ARGS="--web $tmp/web"
# get PATH [curl args]: status on stdout, body in $tmp/b, headers in $tmp/h
get() {
	p=$1
	shift
	curl -s -o "$tmp/b" -D "$tmp/h" -w '%{http_code}' "$@" "$base$p"
}
hdr() { sed -n "s/^$1: //Ip" "$tmp/h" | tr -d '\r'; }

serve_start MAPKEEPER_TOKEN= && ok "serve starts without a token" || { bad "no start: $(cat "$tmp/serve.err")"; exit 1; }
url=$(sed -n 's|^mapkeeper: log in at \(http://.*/login?token=[0-9a-f]\{32\}\)$|\1|p' "$tmp/serve.out")
[ -n "$url" ] && ok "a generated token comes with the login URL" || bad "login URL: $(cat "$tmp/serve.out")"
[ "$(curl -s -o /dev/null -D "$tmp/h" -w '%{http_code}' "$url")" = 303 ] && [ "$(hdr location)" = / ] &&
	hdr set-cookie | grep -q '^mk_session=[0-9a-f]\{32\}; Path=/; HttpOnly; SameSite=Strict' \
	&& ok "the printed URL logs in: 303 to / with an HttpOnly SameSite=Strict cookie" || bad "login URL: $(cat "$tmp/h")"
serve_stop

serve_start MAPKEEPER_TOKEN=s3cret-t0ken || { bad "no start: $(cat "$tmp/serve.err")"; exit 1; }
grep -q 's3cret' "$tmp/serve.out" && bad "the configured token is printed" || ok "a configured token is not printed"
[ "$(get /)" = 303 ] && [ "$(hdr location)" = /login ] && ok "a page without a session: 303 to /login" \
	|| bad "no session: $(cat "$tmp/h")"
[ "$(get /static/app.js)" = 303 ] && [ "$(get /deal?name=Northwind)" = 303 ] && [ "$(get /search)" = 303 ] \
	&& ok "scripts and the other pages need a session too" || bad "static without session: $(cat "$tmp/h")"
[ "$(get /login)" = 200 ] && grep -q 'page login.html' "$tmp/b" && [ "$(get /static/app.css)" = 200 ] &&
	[ "$(get /static/login.js)" = 200 ] && ok "the login page and its style and script are open" \
	|| bad "login page: $(cat "$tmp/b")"
hdr content-security-policy | grep -q "default-src 'none'; script-src 'self'" && [ "$(hdr x-frame-options)" = DENY ] &&
	[ "$(hdr x-content-type-options)" = nosniff ] && [ "$(hdr referrer-policy)" = same-origin ] &&
	hdr content-type | grep -q '^text/javascript' && ok "CSP, no framing, nosniff, referrer only to us; types by ending" \
	|| bad "headers: $(cat "$tmp/h")"

[ "$(get /login -d token=wrong)" = 303 ] && [ "$(hdr location)" = "/login?error=1" ] && ! grep -qi '^set-cookie' "$tmp/h" \
	&& ok "a wrong token: back to the login page, no cookie" || bad "wrong token: $(cat "$tmp/h")"
[ "$(get /login -d token=s3cret-t0ken -H 'Origin: http://evil.example')" = 403 ] && ! grep -qi '^set-cookie' "$tmp/h" \
	&& ok "a login posted from another site: 403" || bad "cross-site login: $(cat "$tmp/h")"
# signing in lands back on the page asked for: a path of this site only
[ "$(get '/deal?name=A%20B&x=1')" = 303 ] && [ "$(hdr location)" = '/login?next=%2Fdeal%3Fname%3DA%2520B%26x%3D1' ] \
	&& ok "a page without a session: 303 to /login?next=THE-PAGE" || bad "next: $(cat "$tmp/h")"
[ "$(get /login --data-urlencode token=wrong --data-urlencode 'next=/deal?name=A%20B')" = 303 ] &&
	[ "$(hdr location)" = '/login?error=1&next=%2Fdeal%3Fname%3DA%2520B' ] \
	&& ok "a wrong token keeps next" || bad "wrong token with next: $(cat "$tmp/h")"
[ "$(get /login --data-urlencode token=s3cret-t0ken --data-urlencode 'next=/deal?name=A%20B')" = 303 ] &&
	[ "$(hdr location)" = '/deal?name=A%20B' ] && [ "$(get '/login?token=s3cret-t0ken&next=/search%3Fowner%3DNina')" = 303 ] &&
	[ "$(hdr location)" = '/search?owner=Nina' ] \
	&& ok "signing in with next= (form or URL) lands on that page" || bad "login with next: $(cat "$tmp/h")"
for nx in //evil.example/x 'https://evil.example/' '/\evil.example' '/deal?name=a b' 'deal'; do
	[ "$(get /login --data-urlencode token=s3cret-t0ken --data-urlencode "next=$nx")" = 303 ] && [ "$(hdr location)" = / ] ||
		bad "next=$nx is another site's or not a path, yet: $(hdr location)"
done
ok "next= that is not a path of this site lands on /"
[ "$(get /login --data-urlencode token=s3cret-t0ken --data-urlencode 'name=Maya Brooks')" = 303 ] && [ "$(hdr location)" = / ] || bad "login: $(cat "$tmp/h")"
cookie=$(hdr set-cookie | sed 's/;.*//')
case "$cookie" in mk_session=????????????????????????????????) ok "the token logs in: a session cookie" ;;
*) bad "cookie: $cookie" ;; esac
C="Cookie: $cookie"
[ "$(get / -H "$C")" = 200 ] && grep -q 'page index.html' "$tmp/b" && [ "$(get '/deal?name=Northwind' -H "$C")" = 200 ] &&
	grep -q 'page deal.html' "$tmp/b" && [ "$(get /search -H "$C")" = 200 ] && [ "$(get /static/app.js -H "$C")" = 200 ] \
	&& ok "with the cookie: the pages and their script" || bad "pages: $(cat "$tmp/b")"

# static files stay in their folder
for p in /static/../outside/secret.html /static/..%2Foutside%2Fsecret.html /static/%2e%2e/%2e%2e/etc/passwd \
	/static/.hidden.html /static/link.html /static/notes.txt /static/ /static/nothere.js; do
	s=$(get "$p" -H "$C" --path-as-is)
	if [ "$s" = 200 ] || grep -q 'secret\|hidden\|notes\|root:' "$tmp/b"; then
		bad "static $p: $s $(cat "$tmp/b")"
		esc=1
	fi
done
[ -z "${esc:-}" ] && ok "no request leaves the folder (.., encoded .., dot files, a link out, other types)"

# the API with the cookie
[ "$(get /api/deals -H "$C")" = 200 ] && ok "the API takes the session cookie" || bad "api by cookie: $(cat "$tmp/b")"
[ "$(get /api/session -H "$C")" = 200 ] && csrf=$(python3 -c "import json; print(json.load(open('$tmp/b'))['csrf'])") &&
	[ ${#csrf} = 32 ] && ok "GET /api/session gives the CSRF token" || bad "session: $(cat "$tmp/b")"
get /api/deals/Northwind/proposals -H "$C" >/dev/null
id=$(python3 -c "import json; print(json.load(open('$tmp/b'))['proposals'][0]['id'])")
[ "$(get "/api/proposals/$id/approve" -X POST -H "$C")" = 403 ] && ok "a write by cookie without the CSRF token: 403" \
	|| bad "no csrf: $(cat "$tmp/b")"
[ "$(get "/api/proposals/$id/approve" -X POST -H "$C" -H "X-CSRF-Token: 0123456789abcdef0123456789abcdef")" = 403 ] \
	&& ok "a wrong CSRF token: 403" || bad "wrong csrf: $(cat "$tmp/b")"
[ "$(get "/api/proposals/$id/approve" -X POST -H "$C" -H "X-CSRF-Token: $csrf" -H 'Origin: http://evil.example')" = 403 ] &&
	[ "$(get "/api/proposals/$id/approve" -X POST -H "$C" -H "X-CSRF-Token: $csrf" -H 'Sec-Fetch-Site: cross-site')" = 403 ] \
	&& ok "the right token from another origin: 403" || bad "origin: $(cat "$tmp/b")"
[ "$(get "/api/proposals/$id/approve" -X POST -H "$C" -H "X-CSRF-Token: $csrf" -H "Origin: $base")" = 200 ] \
	&& ok "cookie, CSRF token and our origin: the write goes through" || bad "csrf write: $(cat "$tmp/b")"
[ "$(get /api/deals/Northwind/history -H "$C")" = 200 ] && grep -q '"by": "Maya Brooks (web)"' "$tmp/b" \
	&& ok "the history says who decided: the name given at login" || bad "who: $(cat "$tmp/b")"
[ "$(get "/api/proposals/$id/approve" -X POST -H "$C" -H "X-CSRF-Token: $csrf" -H 'Origin: null')" = 403 ] \
	&& ok "Origin null without Sec-Fetch-Site: 403" || bad "origin null: $(cat "$tmp/b")"
[ "$(get "/api/proposals/$id/reject" -X POST -H "$C" -H "X-CSRF-Token: $csrf" -H 'Origin: null' -H 'Sec-Fetch-Site: same-origin')" = 409 ] \
	&& ok "Origin null with Sec-Fetch-Site: same-origin passes the check (then 409: decided)" || bad "origin null same-origin: $(cat "$tmp/b")"
[ "$(get /api/deals -H "$C" -H 'Authorization: Bearer nope')" = 401 ] && ok "a wrong bearer with a good cookie: 401" \
	|| bad "mixed auth: $(cat "$tmp/b")"
[ "$(get /api/session -H 'Authorization: Bearer s3cret-t0ken')" = 200 ] && grep -q '"csrf": null' "$tmp/b" &&
	[ "$(get /api/deals -H 'Cookie: mk_session=0123456789abcdef0123456789abcdef')" = 401 ] \
	&& ok "the bearer needs no CSRF token; a made-up session: 401" || bad "bearer session: $(cat "$tmp/b")"

# logout
[ "$(get /logout -X POST -H "$C")" = 403 ] && ok "a logout without the CSRF token: 403" || bad "logout no csrf: $(cat "$tmp/h")"
[ "$(get /logout -H "$C" -d "csrf=$csrf")" = 303 ] && [ "$(hdr location)" = /login ] &&
	hdr set-cookie | grep -q 'Max-Age=0' && [ "$(get /api/deals -H "$C")" = 401 ] && [ "$(get / -H "$C")" = 303 ] \
	&& ok "logout ends the session: the old cookie gets 401 and the login page" || bad "logout: $(cat "$tmp/h")"

# guessing the token: after 20 wrong tries in a minute, logins wait
i=0
while [ $i -lt 20 ]; do get /login -d token=guess$i >/dev/null; i=$((i + 1)); done
[ "$(get /login -d token=s3cret-t0ken)" = 429 ] && ok "after 20 wrong tokens in a minute, logins get 429" \
	|| bad "rate limit: $(cat "$tmp/h")"
[ "$(get /api/deals -H 'Authorization: Bearer s3cret-t0ken')" = 200 ] && ok "the API's bearer is not locked out by it" \
	|| bad "bearer after: $(cat "$tmp/b")"
serve_stop

"$MK" serve --listen 127.0.0.1:0 --web "$tmp/nothere" >/dev/null 2>"$tmp/e" &
p2=$!
i=0
while [ $i -lt 50 ] && kill -0 $p2 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $p2 2>/dev/null; then
	kill $p2
	bad "serve runs without its web folder"
else
	wait $p2
	[ $? -ne 0 ] && [ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "web folder" "$tmp/e" \
		&& ok "a missing web folder: one line, non-zero" || bad "no web: $(cat "$tmp/e")"
fi
