/*
 * dealmap.c: a deal map (`mapkeeper sync --deal-map FILE`): which deal a synced call
 * belongs to, by a PCRE2 pattern on its topic (the rules' dialect, any case) or an
 * attendee's e-mail domain; the first matching line wins. Does not read the store or
 * the network. Invariant: every pattern is compiled once, at load (JIT when it helps);
 * a bad line is one message naming the file and line and what to change, including the
 * POSIX-regex constructs that mean something else in PCRE2 (docs/sync.md).
 */
#include "ingest/remote.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEAL_MAP_MAX_BYTES (4u * 1024u * 1024u)

struct deal_rule {
	pcre2_code *re;             /* a topic line; NULL: a domain line */
	char *domain;
	char *deal;
};

struct mk_deal_map {
	struct deal_rule *v;
	size_t n, cap;
};

void mk_deal_map_free(struct mk_deal_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		pcre2_code_free(m->v[i].re);
		free(m->v[i].domain);
		free(m->v[i].deal);
	}
	free(m->v);
	free(m);
}

size_t mk_deal_map_size(const struct mk_deal_map *m)
{
	return m ? m->n : 0;
}

/*
 * What a pattern written for POSIX extended regex (the dialect deal maps had) must change
 * to mean the same in PCRE2, or NULL. GNU's word and buffer anchors are literal
 * characters in PCRE2, and "{,N}" is literal text in PCRE2 10.42.
 */
static const char *posix_only(const char *pat)
{
	int in_class = 0;
	for (const char *p = pat; *p; p++) {
		if (in_class) {
			if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
				const char *end = strchr(p + 2, ']');
				p = end ? end : p + strlen(p) - 1;
			} else if (*p == ']') {
				in_class = 0;
			}
			continue;
		}
		if (*p == '[') {
			in_class = 1;
			p += p[1] == '^';
			p += p[1] == ']'; /* a leading ']' is a member */
		} else if (*p == '\\' && p[1]) {
			if (p[1] == '<' || p[1] == '>')
				return "use \\b for a word boundary instead of \\< and \\>";
			if (p[1] == '`' || p[1] == '\'')
				return "use \\A and \\z for the start and end instead of \\` and \\'";
			p++;
		} else if (*p == '{' && p[1] == ',') {
			return "write {0,N} instead of {,N}";
		}
	}
	return NULL;
}

static enum mk_err compile_topic(struct deal_rule *r, const char *pat, const char *name, long lineno,
				 struct mk_diag *diag)
{
	const char *posix = posix_only(pat);
	int code;
	PCRE2_SIZE off;
	if (posix) {
		mk_diag_set(diag, "", 0, "sync: %s:%ld: bad regex '%s': deal maps use PCRE2 now: %s", name, lineno,
			    pat, posix);
		return MK_EFORMAT;
	}
	r->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
			      PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
	if (!r->re) {
		PCRE2_UCHAR why[256];
		pcre2_get_error_message(code, why, sizeof why);
		mk_diag_set(diag, "", 0, "sync: %s:%ld: bad regex '%s': %s at offset %zu", name, lineno, pat,
			    (const char *)why, (size_t)off);
		return MK_EFORMAT;
	}
	pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	return MK_OK;
}

/* One line (trimmed, not empty, no comment): `topic PATTERN -> DEAL` or `domain NAME -> DEAL`. */
static enum mk_err map_line(void *ctx, char *s, const char *name, long lineno, struct mk_diag *diag)
{
	struct mk_deal_map *m = ctx;
	struct deal_rule r = { NULL, NULL, NULL };
	char *arrow = NULL, *pat, *deal;
	int topic = !strncmp(s, "topic ", 6);
	for (char *p = strstr(s, "->"); p; p = strstr(p + 2, "->"))
		arrow = p;
	if (!topic && strncmp(s, "domain ", 7)) {
		mk_diag_set(diag, "", 0, "sync: %s:%ld: expected 'topic REGEX -> DEAL' or 'domain NAME -> DEAL'",
			    name, lineno);
		return MK_EFORMAT;
	}
	if (!arrow) {
		mk_diag_set(diag, "", 0, "sync: %s:%ld: no '-> DEAL'", name, lineno);
		return MK_EFORMAT;
	}
	*arrow = '\0';
	pat = remote_trim(s + (topic ? 6 : 7));
	deal = remote_trim(arrow + 2);
	if (!*pat || !*deal) {
		mk_diag_set(diag, "", 0, "sync: %s:%ld: empty pattern or deal", name, lineno);
		return MK_EFORMAT;
	}
	if (topic && compile_topic(&r, pat, name, lineno, diag) != MK_OK)
		return MK_EFORMAT;
	if (!topic)
		r.domain = mk_strdup(pat[0] == '@' ? pat + 1 : pat);
	r.deal = mk_strdup(deal);
	m->v = mk_grow(m->v, &m->cap, m->n + 1, sizeof *m->v);
	m->v[m->n++] = r;
	return MK_OK;
}

enum mk_err mk_deal_map_parse(const char *name, const char *text, size_t len, struct mk_deal_map **out,
			      struct mk_diag *diag)
{
	struct mk_deal_map *m = mk_calloc(1, sizeof *m);
	enum mk_err err = remote_lines(text, len, map_line, m, name, diag);
	if (err) {
		mk_deal_map_free(m);
		m = NULL;
	}
	*out = m;
	return err;
}

enum mk_err mk_deal_map_load(const char *path, struct mk_deal_map **out, struct mk_diag *diag)
{
	struct mk_buf text;
	enum mk_err err;
	FILE *f = fopen(path, "r");
	*out = NULL;
	if (!f) {
		mk_diag_set(diag, "", 0, "sync: cannot open deal map '%s': %s", path, strerror(errno));
		return MK_EIO;
	}
	mk_buf_init(&text);
	if ((err = remote_read_all(f, DEAL_MAP_MAX_BYTES, &text)) == MK_ETOOBIG)
		mk_diag_set(diag, "", 0, "sync: deal map '%s' is larger than 4 MiB", path);
	else if (err)
		mk_diag_set(diag, "", 0, "sync: cannot read deal map '%s': %s", path, strerror(errno));
	else
		err = mk_deal_map_parse(path, text.s, text.len, out, diag);
	mk_buf_release(&text);
	fclose(f);
	return err;
}

static const char *email_domain(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at ? at + 1 : NULL;
}

static int topic_matches(const pcre2_code *re, const char *topic)
{
	pcre2_match_data *md;
	int rc;
	if (!topic)
		return 0;
	md = pcre2_match_data_create(1, NULL);
	if (!md)
		abort(); /* out of memory, as mk_malloc */
	rc = pcre2_match(re, (PCRE2_SPTR)topic, strlen(topic), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

const char *mk_deal_map_match(const struct mk_deal_map *m, const struct mk_source_call *c)
{
	for (size_t i = 0; m && i < m->n; i++) {
		const struct deal_rule *r = &m->v[i];
		if (r->re) {
			if (topic_matches(r->re, c->topic))
				return r->deal;
			continue;
		}
		for (size_t k = 0; k < c->nattendees; k++) {
			const char *d = email_domain(c->attendees[k]);
			if (d && !strcasecmp(d, r->domain))
				return r->deal;
		}
	}
	return NULL;
}
