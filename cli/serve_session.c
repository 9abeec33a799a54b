/*
 * serve_session.c: who a request of `mapkeeper serve` comes from: the bearer token, the
 * sessions (a table of SERVE_SESSIONS slots of random ids, each with a CSRF token, a name
 * and an end), logging in (the token in a form or the URL serve prints; wrong tokens
 * slow every login down) and out, and landing back on the page asked for. Secrets are
 * compared in constant time. The form fields and the cookie are read by util/form.c
 * (mapkeeper.h, "HTTP forms and cookies"). See serve.h.
 */
#include "serve.h"

#include <microhttpd.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SESSION_COOKIE "mk_session"

int serve_random_token(char *out, size_t outlen)
{
	unsigned char b[16];
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(b, 1, sizeof b, f) != sizeof b) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	for (size_t i = 0; i < sizeof b && 2 * i + 2 < outlen; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 1;
}

int serve_same_secret(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	unsigned char diff = 0;
	for (size_t i = 0; i < al; i++)
		diff |= (unsigned char)(a[i] ^ (i < bl ? b[i] : 0));
	return diff == 0 && al == bl;
}

int serve_bearer(const struct server *sv, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h)
		return 0;
	return !strncmp(h, "Bearer ", 7) && serve_same_secret(sv->token, h + 7) ? 1 : -1;
}

struct session *serve_session_of(struct server *sv, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	char id[sizeof sv->sessions[0].id];
	time_t now = time(NULL);
	struct session *found = NULL;
	if (mk_cookie_get(h, SESSION_COOKIE, id, sizeof id) != 1 || strlen(id) != 32)
		return NULL;
	for (size_t i = 0; i < SERVE_SESSIONS; i++) {
		struct session *s = &sv->sessions[i];
		if (s->id[0] && s->expires <= now)
			memset(s, 0, sizeof *s);
		if (s->id[0] && serve_same_secret(s->id, id))
			found = s;
	}
	return found;
}

/* A new session in a free slot (or the one ending soonest): NULL when no random bits. */
static struct session *session_new(struct server *sv)
{
	struct session *s = &sv->sessions[0];
	for (size_t i = 0; i < SERVE_SESSIONS; i++) {
		if (!sv->sessions[i].id[0]) {
			s = &sv->sessions[i];
			break;
		}
		if (sv->sessions[i].expires < s->expires)
			s = &sv->sessions[i];
	}
	memset(s, 0, sizeof *s);
	if (!serve_random_token(s->id, sizeof s->id) || !serve_random_token(s->csrf, sizeof s->csrf)) {
		memset(s, 0, sizeof *s);
		return NULL;
	}
	s->expires = time(NULL) + SERVE_SESSION_SECONDS;
	return s;
}

/* A browser that sends Sec-Fetch-Site (a header pages cannot set) must say same-origin;
 * its Origin may then be "null" (Chromium sends that under some referrer policies).
 * Otherwise an Origin, when there is one, must be http://HOST with this request's Host. */
int serve_same_origin(struct MHD_Connection *c)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin"))
		return 0;
	if (!origin || (site && !strcmp(origin, "null")))
		return 1;
	return host && !strncmp(origin, "http://", 7) && !strcmp(origin + 7, host);
}

/* Who decides in session s: the name given at login (printable characters, 64 at most)
 * with " (web)", or "web" without one. */
static void session_name(struct session *s, const char *name)
{
	if (mk_form_text(name, 64, s->who, sizeof s->who))
		strcat(s->who, " (web)");
	else
		strcpy(s->who, "web");
}

/* A cookie holding session s (or clearing it when s is NULL). */
static void session_cookie(const struct session *s, char *out, size_t outlen)
{
	if (s)
		snprintf(out, outlen, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", s->id,
			 SERVE_SESSION_SECONDS);
	else
		snprintf(out, outlen, SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* ---- signing in lands back where the session ended ---- */

/* A place to go after signing in: a path of this site ("/deal?name=X"), never another
 * site's ("//evil", "/\evil", "https://..."), printable ASCII, under 1 KiB. */
static int next_ok(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1024)
		return 0;
	for (const char *q = next; *q; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f || *q == '\\')
			return 0;
	return 1;
}

struct next_url {
	char buf[1200];
	size_t len;
	int over;
};

/* Adds s to u (percent-encoded unless plain when encode); over once it does not fit. */
static void next_add(struct next_url *u, const char *s, int encode)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s && !u->over; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = !encode || isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~';
		if (u->len + 4 >= sizeof u->buf) {
			u->over = 1;
			return;
		}
		if (plain) {
			u->buf[u->len++] = (char)ch;
		} else {
			u->buf[u->len++] = '%';
			u->buf[u->len++] = hex[ch >> 4];
			u->buf[u->len++] = hex[ch & 15];
		}
	}
	u->buf[u->len] = '\0';
}

static enum MHD_Result next_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct next_url *u = cls;
	(void)kind;
	next_add(u, strchr(u->buf, '?') ? "&" : "?", 0);
	next_add(u, key, 1);
	next_add(u, "=", 0);
	next_add(u, value ? value : "", 1);
	return MHD_YES;
}

/* The login page's address for a page asked for without a session: /login?next=PAGE
 * (the page with its query, encoded), or /login for the deals page or one too long. */
enum MHD_Result serve_to_login(struct MHD_Connection *c, const char *url)
{
	struct next_url page, to;
	memset(&page, 0, sizeof page);
	memset(&to, 0, sizeof to);
	next_add(&page, url, 0);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, next_arg, &page);
	if (page.over || !strcmp(page.buf, "/") || !next_ok(page.buf))
		return serve_redirect(c, "/login", NULL);
	next_add(&to, "/login?next=", 0);
	next_add(&to, page.buf, 1);
	return serve_redirect(c, to.over ? "/login" : to.buf, NULL);
}

/* Checks a token given to the login page: a new session and a cookie for it on success.
 * Wrong tokens are counted; past SERVE_LOGIN_FAILS in a minute every login waits for
 * the minute to end, so the token cannot be guessed quickly. */
static enum MHD_Result login(struct server *sv, struct MHD_Connection *c, const char *token, const char *name,
			     const char *next)
{
	char cookie[160];
	struct session *s;
	time_t now = time(NULL);
	if (now - sv->fail_window >= 60)
		sv->fail_window = now, sv->fails = 0;
	if (sv->fails >= SERVE_LOGIN_FAILS)
		return serve_text(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many wrong tokens: try again in a minute\n");
	if (!token || !serve_same_secret(sv->token, token)) {
		struct next_url to;
		sv->fails++;
		memset(&to, 0, sizeof to);
		next_add(&to, "/login?error=1", 0);
		if (next_ok(next)) {
			next_add(&to, "&next=", 0);
			next_add(&to, next, 1);
		}
		return serve_redirect(c, to.over ? "/login?error=1" : to.buf, NULL);
	}
	if (!(s = session_new(sv)))
		return serve_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read /dev/urandom\n");
	session_name(s, name);
	session_cookie(s, cookie, sizeof cookie);
	return serve_redirect(c, next_ok(next) ? next : "/", cookie);
}

/* The value of form field key of the request's body, or NULL. */
static const char *field(const struct request *rq, const char *key, char *out, size_t outlen)
{
	return mk_form_field(rq->body, rq->len, key, out, outlen) == 1 ? out : NULL;
}

enum MHD_Result serve_login(struct server *sv, struct MHD_Connection *c, const char *method,
			    const struct request *rq)
{
	const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
	if (!strcmp(method, "POST")) {
		char token[256], name[256], next[1100];
		if (!serve_same_origin(c))
			return serve_text(c, MHD_HTTP_FORBIDDEN, "a login from another site\n");
		return login(sv, c, field(rq, "token", token, sizeof token), field(rq, "name", name, sizeof name),
			     field(rq, "next", next, sizeof next));
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return serve_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET or POST\n");
	if (t) /* the login URL serve prints */
		return login(sv, c, t, NULL, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "next"));
	return serve_file(sv, c, "login.html");
}

enum MHD_Result serve_logout(struct MHD_Connection *c, struct session *s, const char *method,
			     const struct request *rq)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	char csrf[256], cookie[160];
	if (strcmp(method, "POST"))
		return serve_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST\n");
	if (!serve_same_origin(c) || !((h && serve_same_secret(s->csrf, h)) ||
				       (field(rq, "csrf", csrf, sizeof csrf) && serve_same_secret(s->csrf, csrf))))
		return serve_text(c, MHD_HTTP_FORBIDDEN, "a log out needs the page's CSRF token\n");
	memset(s, 0, sizeof *s);
	session_cookie(NULL, cookie, sizeof cookie);
	return serve_redirect(c, "/login", cookie);
}
