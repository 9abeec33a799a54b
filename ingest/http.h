/*
 * http.h: one GET/POST call over libcurl for the remote clients (zoom.c, teams.c).
 * Owns timeouts, a hard cap on every response body, TLS verification (always on),
 * the https-only rule (plain http only to loopback hosts), retries with capped
 * exponential backoff on 5xx, 429 (honouring Retry-After) and network errors.
 * Does not know any API: it returns the final status and body. Invariant: no
 * credential (password, token) is ever put into a diag message.
 */
#ifndef MK_HTTP_H
#define MK_HTTP_H

#include "mapkeeper.h"
#include "util/util.h"

struct http_opts {
	const char *service;      /* names the service in messages: "zoom", "graph" */
	long connect_timeout_s;   /* default 10 */
	long timeout_s;           /* whole transfer; default 60 */
	int retries;              /* extra attempts after the first; default 3 */
	long backoff_ms;          /* first wait; doubles each retry; default 500 */
	long backoff_max_ms;      /* cap of one wait; default 8000 */
	long retry_after_max_s;   /* longest Retry-After honoured; default 60 */
};

/* Fills the defaults above (service "remote"). */
void http_opts_init(struct http_opts *o);

struct http_req {
	const char *method;       /* "GET" (NULL means GET), "POST", "PATCH", "PUT" or "DELETE" */
	const char *url;
	const char *body;         /* POST/PATCH/PUT body, or NULL */
	const char *content_type; /* of the body, or NULL */
	const char *accept;       /* Accept header, or NULL */
	const char *bearer;       /* Authorization: Bearer, or NULL */
	const char *user, *pass;  /* HTTP Basic, or NULL */
	size_t max_bytes;         /* hard cap of the response body */
	const char *const *headers; /* more header lines ("Name: value"), NULL-ended, or NULL */
	int once;                 /* not safe to repeat (a create): retried only when it cannot
				     have reached the server (429, no connection), never on 5xx
				     or a cut-short reply */
};

/*
 * MK_ENET (with "service: problem") when the URL is not https (or http to a
 * loopback host); MK_OK otherwise. Never connects.
 */
enum mk_err http_check_url(const char *service, const char *url, struct mk_diag *diag);

/* 1 when host (as in a URL, "[::1]" included) is localhost or a loopback address. */
int http_host_is_loopback(const char *host);

/*
 * Performs the request, retrying as described above. MK_OK means an HTTP reply
 * arrived (any status but 429 and 5xx, which are retried; with r->once a 5xx is
 * returned as it is): *status holds it and body the reply (NUL-terminated).
 * Otherwise MK_ENET with a one-line message.
 */
enum mk_err http_do(const struct http_opts *o, const struct http_req *r, long *status,
		    struct mk_buf *body, struct mk_diag *diag);

/* Renders a byte count as "8 MiB" when it is whole mebibytes, else "N bytes". */
void http_size_text(size_t n, char *out, size_t outlen);

/* curl_easy_escape into a new mk_malloc'd string. */
char *http_escape(const char *s);

#endif
