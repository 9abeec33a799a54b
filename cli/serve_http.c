/*
 * serve_http.c: the HTTP side of `mapkeeper serve`: gathers a request's body (capped at
 * SERVE_MAX_BODY), routes the pages' door (the login and what it uses open to everyone,
 * every other page behind a session) and sends every answer with the same safety headers
 * (JSON, text, a redirect, a file of web/). Knows no store call: /api/ goes to
 * serve_api.c, logging in and out to serve_session.c. See serve.h.
 */
#include "serve.h"

#include <microhttpd.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define JSON_TYPE "application/json; charset=utf-8"

static const char security_policy[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
				      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/* An answer over buf[0..len) (mode as libmicrohttpd takes it; a buffer to be freed is
 * freed here when there is no answer), or NULL. */
static struct MHD_Response *answer(void *buf, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, buf, mode);
	if (!r && mode == MHD_RESPMEM_MUST_FREE)
		free(buf);
	return r;
}

/* Queues r with status and lets it go. Every answer carries: no sniffing, no caching, no
 * framing, no referrer, and a content policy that lets a page load only its own scripts
 * and styles; the referrer goes to this server only. A JSON 401 names its scheme. */
static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, const char *type)
{
	enum MHD_Result ret;
	if (!r)
		return MHD_NO;
	if (type)
		MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", security_policy);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	if (status == MHD_HTTP_UNAUTHORIZED && type && !strcmp(type, JSON_TYPE))
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result serve_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	size_t len;
	json_decref(o);
	if (!s)
		abort();
	len = strlen(s);
	s[len++] = '\n'; /* replaces the NUL: the length is given */
	return queue(c, status, answer(s, len, MHD_RESPMEM_MUST_FREE), JSON_TYPE);
}

enum MHD_Result serve_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return serve_json(c, status, json_pack("{s:s}", "error", msg));
}

enum MHD_Result serve_store_error(struct MHD_Connection *c, enum mk_err err, const struct mk_diag *d)
{
	const char *msg = d->msg[0] ? d->msg : mk_strerror(err);
	if (err == MK_ENOTFOUND)
		return serve_error(c, MHD_HTTP_NOT_FOUND, msg);
	if (err == MK_EARG)
		return serve_error(c, strstr(msg, "already") ? MHD_HTTP_CONFLICT : MHD_HTTP_BAD_REQUEST, msg);
	return serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, msg);
}

enum MHD_Result serve_not_found(struct MHD_Connection *c, enum mk_err err, const struct mk_diag *d,
				const char *missing)
{
	return err == MK_ENOTFOUND ? serve_error(c, MHD_HTTP_NOT_FOUND, missing) : serve_store_error(c, err, d);
}

enum MHD_Result serve_use(struct MHD_Connection *c, const char *method)
{
	char msg[32];
	snprintf(msg, sizeof msg, "use %s", method);
	return serve_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, msg);
}

enum MHD_Result serve_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return queue(c, status, answer((void *)msg, strlen(msg), MHD_RESPMEM_MUST_COPY), "text/plain; charset=utf-8");
}

enum MHD_Result serve_redirect(struct MHD_Connection *c, const char *location, const char *cookie)
{
	struct MHD_Response *r = answer((void *)"", 0, MHD_RESPMEM_PERSISTENT);
	if (r) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
		if (cookie)
			MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	}
	return queue(c, MHD_HTTP_SEE_OTHER, r, NULL);
}

/* The type of a file the pages may use, by its ending; NULL for anything else. */
static const char *file_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" }, { ".png", "image/png" },
		{ ".svg", "image/svg+xml" }, { ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

/* A name of a file web/ may hold: letters, digits, '-', '_', '.', not starting with '.',
 * 100 bytes at most, of a type file_type knows. */
static int file_name_ok(const char *name)
{
	if (!*name || name[0] == '.' || strlen(name) > 100 || !file_type(name))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* Sends web/NAME. A name is one plain file name, so no request reaches outside the
 * folder; the resolved path is checked to lie in the folder as well (a symbolic link out
 * of it is refused). */
enum MHD_Result serve_file(struct server *sv, struct MHD_Connection *c, const char *name)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct stat sb;
	size_t wl = strlen(sv->web);
	FILE *f;
	char *buf;
	if (!file_name_ok(name) || snprintf(path, sizeof path, "%s/%s", sv->web, name) >= (int)sizeof path)
		return serve_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (!realpath(path, real) || strncmp(real, sv->web, wl) || real[wl] != '/' || stat(real, &sb) ||
	    !S_ISREG(sb.st_mode) || (size_t)sb.st_size > SERVE_MAX_FILE)
		return serve_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (!(f = fopen(real, "rb")))
		return serve_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (!(buf = malloc((size_t)sb.st_size + 1)))
		abort();
	if (fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fclose(f);
		free(buf);
		return serve_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the file\n");
	}
	fclose(f);
	return queue(c, MHD_HTTP_OK, answer(buf, (size_t)sb.st_size, MHD_RESPMEM_MUST_FREE), file_type(name));
}

const char *serve_arg(struct MHD_Connection *c, const char *key)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
	return v && *v ? v : NULL;
}

int serve_id(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	if (!len || len > 18)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v > 0;
}

int serve_path_id(const char *p, const char **slash, int64_t *out)
{
	*slash = strchr(p, '/');
	return serve_id(p, *slash ? (size_t)(*slash - p) : strlen(p), out);
}

json_t *serve_body(struct MHD_Connection *c, const struct request *rq)
{
	json_error_t je;
	json_t *o;
	if (!rq->len)
		return json_object();
	o = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		serve_error(c, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");
		return NULL;
	}
	return o;
}

const char *serve_member(json_t *o, const char *key, int null_ok, int *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return NULL;
	if (json_is_null(v) && null_ok)
		return "";
	if (!json_is_string(v))
		*bad = 1;
	return json_string_value(v);
}

/* The pages behind a session (GET or HEAD): their files, or 404. */
static enum MHD_Result page(struct server *sv, struct MHD_Connection *c, const char *url)
{
	if (!strcmp(url, "/"))
		return serve_file(sv, c, "index.html");
	if (!strcmp(url, "/deal"))
		return serve_file(sv, c, "deal.html");
	if (!strcmp(url, "/search"))
		return serve_file(sv, c, "search.html");
	if (!strncmp(url, "/static/", 8))
		return serve_file(sv, c, url + 8);
	return serve_text(c, MHD_HTTP_NOT_FOUND, "no such page\n");
}

/* Routes one whole request (its body gathered). url is already percent-decoded. */
static enum MHD_Result route(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			     const struct request *rq)
{
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	struct session *ses;
	enum MHD_Result ret;
	if (serve_crm_resumed(sv, c, &ret)) /* a CRM run is over: its answer */
		return ret;
	if (!strncmp(url, "/api/", 5))
		return serve_api(sv, c, url, method, rq);
	if (!strncmp(url, "/share/", 7)) /* the buyer's links: serve_share.c */
		return serve_share(sv, c, url, method, rq);
	if (rq->too_big)
		return serve_text(c, 413, "the request body is over 64 KiB\n");
	/* the doors open to everyone: the login page and what it uses */
	if (!strcmp(url, "/login"))
		return serve_login(sv, c, method, rq);
	if (!strcmp(url, "/static/app.css") || !strcmp(url, "/static/login.js"))
		return get ? serve_file(sv, c, url + 8) : serve_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET\n");
	if (!strcmp(url, "/favicon.ico")) /* browsers ask; there is none */
		return serve_text(c, MHD_HTTP_NO_CONTENT, "");
	/* everything else needs a session */
	if (!(ses = serve_session_of(sv, c)))
		return get ? serve_to_login(c, url) : serve_text(c, MHD_HTTP_UNAUTHORIZED, "log in first\n");
	if (!strcmp(url, "/logout"))
		return serve_logout(c, ses, method, rq);
	if (!get)
		return serve_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET\n");
	return page(sv, c, url);
}

enum MHD_Result serve_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			     const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct request *rq = *con_cls;
	const char *cl;
	(void)version;
	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			abort();
		*con_cls = rq;
		/* a declared length over the cap is refused before its body is read */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > SERVE_MAX_BODY) {
			rq->too_big = 1;
			return route(cls, c, url, method, rq);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_big && rq->len + *upload_size <= SERVE_MAX_BODY) {
			if (!(rq->body = realloc(rq->body, rq->len + *upload_size)))
				abort();
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
		} else {
			rq->too_big = 1; /* keep reading, keep nothing */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return route(cls, c, url, method, rq);
}

void serve_request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct request *rq = *con_cls;
	(void)t;
	if (cls)
		serve_crm_drop(cls, c); /* a CRM run's answer its client left before */
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}
