/*
 * http.c: one GET/POST call over libcurl for the remote clients (zoom.c, teams.c).
 * Owns timeouts, the body cap, TLS verification, the https-only rule (plain http
 * only to loopback hosts), retries with capped exponential backoff and Retry-After.
 * Does not parse any API's replies. Invariant: messages name the service and the
 * problem, never a credential; curl never prints.
 */
#include "ingest/http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static int http_init_rc;

static void http_global_init(void)
{
	http_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void http_opts_init(struct http_opts *o)
{
	o->service = "remote";
	o->connect_timeout_s = 10;
	o->timeout_s = 60;
	o->retries = 3;
	o->backoff_ms = 500;
	o->backoff_max_ms = 8000;
	o->retry_after_max_s = 60;
}

void http_size_text(size_t n, char *out, size_t outlen)
{
	size_t mib = 1024u * 1024u;
	if (n >= mib && n % mib == 0)
		snprintf(out, outlen, "%zu MiB", n / mib);
	else
		snprintf(out, outlen, "%zu bytes", n);
}

char *http_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	if (!e)
		abort(); /* only fails on out of memory, like mk_malloc */
	char *r = mk_strdup(e);
	curl_free(e);
	return r;
}

int http_host_is_loopback(const char *host)
{
	char buf[64];
	size_t n = strlen(host);
	if (mk_strieq(host, "localhost"))
		return 1;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		struct in6_addr a6;
		if (n - 2 >= sizeof buf)
			return 0;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1 && !memcmp(&a6, &in6addr_loopback, sizeof a6);
	}
	struct in_addr a4;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return 0;
}

/* Splits url into scheme and host with curl's own parser (the one that will be used). */
static int url_parts(const char *url, char **scheme, char **host)
{
	CURLU *u = curl_url();
	int ok = 0;
	*scheme = *host = NULL;
	if (!u)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK)
		ok = 1;
	curl_url_cleanup(u);
	return ok;
}

enum mk_err http_check_url(const char *service, const char *url, struct mk_diag *diag)
{
	char *scheme = NULL, *host = NULL;
	enum mk_err err = MK_OK;
	pthread_once(&http_once, http_global_init);
	if (!url || !url_parts(url, &scheme, &host)) {
		mk_diag_set(diag, "", 0, "%s: not a valid URL", service);
		err = MK_ENET;
		goto out;
	}
	if (mk_strieq(scheme, "https"))
		goto out;
	if (mk_strieq(scheme, "http")) {
		if (!http_host_is_loopback(host)) {
			mk_diag_set(diag, "", 0, "%s: plain http is only allowed to loopback addresses",
				    service);
			err = MK_ENET;
		}
		goto out;
	}
	mk_diag_set(diag, "", 0, "%s: only https URLs are allowed", service);
	err = MK_ENET;
out:
	curl_free(scheme);
	curl_free(host);
	return err;
}

struct sink {
	struct mk_buf *b;
	size_t max;
	int too_big;
	long retry_after;   /* seconds, -1 when not given */
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;
	if (n > s->max || s->b->len + n > s->max) {
		s->too_big = 1;
		return 0; /* aborts the transfer */
	}
	mk_buf_add(s->b, p, n);
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";
	if (n > sizeof name - 1 && mk_strnieq(p, name, sizeof name - 1)) {
		size_t i = sizeof name - 1;
		long v = 0;
		int digits = 0;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		while (i < n && p[i] >= '0' && p[i] <= '9' && v < 100000) {
			v = v * 10 + (p[i] - '0');
			i++;
			digits++;
		}
		if (digits)
			s->retry_after = v;
	}
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static long backoff_for(const struct http_opts *o, int attempt)
{
	long ms = o->backoff_ms > 0 ? o->backoff_ms : 0;
	for (int i = 0; i < attempt && ms < o->backoff_max_ms; i++)
		ms *= 2;
	return ms > o->backoff_max_ms ? o->backoff_max_ms : ms;
}

static int retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return 1;
	default:
		return 0;
	}
}

/* A failure before the request can have reached the server: safe to repeat even a create. */
static int unsent(CURLcode rc)
{
	return rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT;
}

static void net_message(const struct http_opts *o, CURLcode rc, const char *errbuf,
			struct mk_diag *diag)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		mk_diag_set(diag, "", 0, "%s: timed out after %ld s", o->service, o->timeout_s);
		break;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		mk_diag_set(diag, "", 0, "%s: the response was cut short: %s", o->service, why);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		mk_diag_set(diag, "", 0, "%s: cannot connect: %s", o->service, why);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
		mk_diag_set(diag, "", 0, "%s: TLS failed: %s", o->service, why);
		break;
	default:
		mk_diag_set(diag, "", 0, "%s: request failed: %s", o->service, why);
		break;
	}
}

enum mk_err http_do(const struct http_opts *o, const struct http_req *r, long *status,
		    struct mk_buf *body, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	CURL *h = NULL;
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE];
	char *scheme = NULL, *host = NULL;
	struct sink sink = { body, r->max_bytes, 0, -1 };
	int post = r->method && strcmp(r->method, "GET") != 0;

	*status = 0;
	if ((err = http_check_url(o->service, r->url, diag)) != MK_OK)
		goto out;
	if (!http_init_rc || !(h = curl_easy_init())) {
		mk_diag_set(diag, "", 0, "%s: cannot start libcurl", o->service);
		err = MK_ENET;
		goto out;
	}
	url_parts(r->url, &scheme, &host);
	int loopback = host && http_host_is_loopback(host);

	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "mapkeeper");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, loopback ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, loopback ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_s);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_bytes);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
	if (post) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		if (strcmp(r->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	if (r->content_type) {
		char *line = mk_sprintf("Content-Type: %s", r->content_type);
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	if (r->accept) {
		char *line = mk_sprintf("Accept: %s", r->accept);
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	for (size_t i = 0; r->headers && r->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, r->headers[i]);
	if (hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (r->bearer) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, r->bearer);
	} else if (r->user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, r->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, r->pass ? r->pass : "");
	}

	for (int attempt = 0;; attempt++) {
		errbuf[0] = '\0';
		mk_buf_reset(body);
		sink.too_big = 0;
		sink.retry_after = -1;
		CURLcode rc = curl_easy_perform(h);
		if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
			char sz[32];
			http_size_text(r->max_bytes, sz, sizeof sz);
			mk_diag_set(diag, "", 0, "%s: response larger than %s", o->service, sz);
			err = MK_ENET;
			goto out;
		}
		if (rc == CURLE_OK) {
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
			int again = *status == 429 || (*status >= 500 && !r->once);
			if (!again)
				break;
			if (attempt >= o->retries) {
				if (*status == 429)
					mk_diag_set(diag, "", 0, "%s: rate limited (HTTP 429) after %d attempts",
						    o->service, attempt + 1);
				else
					mk_diag_set(diag, "", 0, "%s: server error (HTTP %ld) after %d attempts",
						    o->service, *status, attempt + 1);
				err = MK_ENET;
				goto out;
			}
			long wait = backoff_for(o, attempt);
			if (*status == 429 && sink.retry_after >= 0)
				wait = (sink.retry_after < o->retry_after_max_s ? sink.retry_after
										: o->retry_after_max_s) * 1000;
			sleep_ms(wait);
			continue;
		}
		if (!retryable(rc) || (r->once && !unsent(rc)) || attempt >= o->retries) {
			net_message(o, rc, errbuf, diag);
			err = MK_ENET;
			goto out;
		}
		sleep_ms(backoff_for(o, attempt));
	}
	if (!body->s)
		mk_buf_add(body, "", 0);
out:
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	curl_free(scheme);
	curl_free(host);
	return err;
}
