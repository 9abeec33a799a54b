/*
 * sync.c: "sync a source" (`mapkeeper sync zoom|teams`) as a library feature: lists the
 * calls recorded since the source's cursor (or a given day, or the last 30 days), finds
 * each call's deal (a fixed deal, a deal map, a deal's buyer domain among the attendees,
 * a deal named in the topic), fetches it and ingests it through mk_call_ingest with its
 * start in the meeting's own time zone. Does not print. Invariant: the cursor moves only
 * after a run with no error; the store's sha256 check keeps a transcript from being
 * ingested twice, however many runs overlap. Read mapkeeper.h "call sources and sync".
 */
#include "ingest/remote.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SYNC_DEFAULT_DAYS 30

struct mk_sync {
	struct mk_sync_opts o;
	struct mk_source *src;
	struct mk_deal_map *map;
	struct mk_deal *deals;
	size_t ndeals;
	struct mk_rules *rs;
};

enum mk_err mk_sync_open(const struct mk_sync_opts *o, struct mk_sync **out, struct mk_diag *diag)
{
	struct mk_sync *s = mk_calloc(1, sizeof *s);
	enum mk_err err;
	s->o = *o;
	if ((err = mk_source_open(o->source, o->config, &s->src, diag)) == MK_OK && o->deal_map)
		err = mk_deal_map_load(o->deal_map, &s->map, diag);
	if (err) {
		mk_sync_close(s);
		s = NULL;
	}
	*out = s;
	return err;
}

void mk_sync_close(struct mk_sync *s)
{
	if (!s)
		return;
	mk_source_close(s->src);
	mk_deal_map_free(s->map);
	for (size_t i = 0; i < s->ndeals; i++)
		mk_deal_release(&s->deals[i]);
	free(s->deals);
	mk_rules_free(s->rs);
	free(s);
}

void mk_sync_result_release(struct mk_sync_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].external_id);
		free(r->v[i].start);
		free(r->v[i].deal);
		free(r->v[i].status);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* ---- which deal a call belongs to --------------------------------------------- */

static int attends(const struct mk_source_call *c, const char *domain)
{
	for (size_t k = 0; k < c->nattendees; k++) {
		const char *at = c->attendees[k] ? strrchr(c->attendees[k], '@') : NULL;
		if (at && !strcasecmp(at + 1, domain))
			return 1;
	}
	return 0;
}

/*
 * The deal's name for a call, or NULL: the fixed deal; else the map's first matching line;
 * else the first deal (by name) whose buyer_domain is an attendee's e-mail domain; else a
 * deal named in the topic. A seller's domain alone never matches: sellers attend every call.
 */
static const char *deal_for(const struct mk_sync *s, const struct mk_source_call *c)
{
	if (s->o.deal)
		return s->o.deal;
	if (mk_deal_map_size(s->map))
		return mk_deal_map_match(s->map, c);
	for (size_t i = 0; i < s->ndeals; i++)
		if (s->deals[i].buyer_domain && s->deals[i].buyer_domain[0] && attends(c, s->deals[i].buyer_domain))
			return s->deals[i].name;
	for (size_t i = 0; c->topic && i < s->ndeals; i++)
		if (s->deals[i].name[0] && strcasestr(c->topic, s->deals[i].name))
			return s->deals[i].name;
	return NULL;
}

/* ---- the meeting's own time --------------------------------------------------- */

/* n digits at *p; advances on success */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 1;
}

/* "YYYY-MM-DDTHH:MM[:SS]..." as seconds since the epoch, UTC; 0 when not readable. */
static int utc_seconds(const char *start, time_t *when)
{
	const char *p = start;
	struct tm tm;
	int y, mo, d, h, mi, se = 0;
	if (!(digits(&p, 4, &y) && *p++ == '-' && digits(&p, 2, &mo) && *p++ == '-' && digits(&p, 2, &d) &&
	      *p++ == 'T' && digits(&p, 2, &h) && *p++ == ':' && digits(&p, 2, &mi)))
		return 0;
	if (*p == ':' && (p++, !digits(&p, 2, &se)))
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*when = timegm(&tm);
	return 1;
}

/* when in zone (TZ set for the call, then put back). */
static void zone_time(time_t when, const char *zone, struct tm *lt)
{
	const char *env = getenv("TZ");
	char *old_tz = env ? mk_strdup(env) : NULL;
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&when, lt);
	if (old_tz)
		setenv("TZ", old_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old_tz);
}

char *mk_local_start(const char *start, const char *zone)
{
	struct tm lt;
	time_t when;
	char out[96];
	long off;
	if (!start || !zone || !*zone || !strchr(start, 'Z') || !utc_seconds(start, &when))
		return NULL;
	zone_time(when, zone, &lt);
	off = lt.tm_gmtoff / 60;
	if (off < -24 * 60 || off > 24 * 60)
		return NULL;
	snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", lt.tm_year + 1900, lt.tm_mon + 1,
		 lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec, off < 0 ? '-' : '+', (int)(labs(off) / 60),
		 (int)(labs(off) % 60));
	return mk_strdup(out);
}

/* ---- one call ------------------------------------------------------------------ */

/* "error: " and a diag as one line (no newlines), for a status. */
static char *error_status(const struct mk_diag *d, enum mk_err err)
{
	char buf[1200];
	if (d->msg[0])
		mk_diag_format(d, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "%s", mk_strerror(err));
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return mk_sprintf("error: %s", buf);
}

/* Fetches and ingests a call of deal dealname; its status, or NULL and *err. */
static const char *ingest_one(struct mk_sync *s, struct mk_store *st, const struct mk_source_call *c,
			      const char *dealname, enum mk_err *err, struct mk_diag *diag)
{
	struct mk_transcript t;
	struct mk_deal deal;
	struct mk_call_result r;
	char *local = NULL;
	const char *status = NULL;

	mk_transcript_init(&t);
	memset(&deal, 0, sizeof deal);
	if ((*err = mk_store_deal_get(st, dealname, &deal, diag)) || (*err = mk_source_fetch(s->src, c, &t, diag)))
		goto out;
	local = mk_local_start(c->start, c->timezone);
	*err = mk_call_ingest(st, s->rs, &deal, &t, local ? local : c->start, &r, diag);
	if (*err == MK_EDATE)
		mk_diag_set(diag, "", 0, "cannot read the meeting's start '%s'", c->start);
	else if (!*err)
		status = r.already ? "already ingested" : "ingested";
out:
	free(local);
	mk_deal_release(&deal);
	mk_transcript_release(&t);
	return status;
}

static void sync_one(struct mk_sync *s, struct mk_store *st, const struct mk_source_call *c,
		     struct mk_sync_result *res)
{
	struct mk_sync_meeting *m = &res->v[res->n++];
	struct mk_diag diag;
	enum mk_err err = MK_OK;
	const char *dealname = deal_for(s, c), *status = "no deal";

	mk_diag_clear(&diag);
	if (dealname)
		status = ingest_one(s, st, c, dealname, &err, &diag);
	m->status = status ? mk_strdup(status) : error_status(&diag, err);
	m->external_id = mk_strdup(c->external_id ? c->external_id : "");
	m->start = c->start ? mk_strdup(c->start) : NULL;
	m->deal = dealname ? mk_strdup(dealname) : NULL;
	if (status && !strcmp(status, "ingested"))
		res->ingested++;
	else
		res->skipped++;
	if (!status)
		res->errors++;
}

/* ---- a run ------------------------------------------------------------------------ */

/* The deal every call goes to must exist; without it and a map, every deal is read. */
static enum mk_err sync_deals(struct mk_sync *s, struct mk_store *st, struct mk_diag *diag)
{
	struct mk_deal deal;
	enum mk_err err = MK_OK;
	if (s->o.deal) {
		memset(&deal, 0, sizeof deal);
		err = mk_store_deal_get(st, s->o.deal, &deal, diag);
		mk_deal_release(&deal);
		if (err == MK_ENOTFOUND)
			mk_diag_set(diag, "", 0, "no deal '%s' (add it with: mapkeeper deal add '%s' --seller \"A,B\")",
				    s->o.deal, s->o.deal);
	} else if (!s->o.deal_map) {
		err = mk_store_deal_list(st, &s->deals, &s->ndeals, diag);
	}
	return err;
}

static void utc_day(time_t when, char *out, size_t outlen)
{
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}

/* The first day to list: since, else the cursor's day, else SYNC_DEFAULT_DAYS back. */
static enum mk_err sync_from(struct mk_sync *s, struct mk_store *st, char *from, size_t len,
			     struct mk_diag *diag)
{
	char *cursor = NULL;
	struct mk_date d;
	enum mk_err err = mk_store_cursor_get(st, s->o.source, &cursor, diag);
	if (err)
		return err;
	if (s->o.since)
		snprintf(from, len, "%s", s->o.since);
	else if (cursor && mk_date_parse(cursor, &d) == MK_OK)
		mk_date_format(d, from, len);
	else
		utc_day(time(NULL) - (time_t)SYNC_DEFAULT_DAYS * 86400, from, len);
	free(cursor);
	return MK_OK;
}

enum mk_err mk_sync_run(struct mk_sync *s, struct mk_store *st, struct mk_sync_result *out,
			struct mk_diag *diag)
{
	struct mk_source_calls calls;
	char from[16], to[16], *dir = NULL;
	enum mk_err err;

	memset(out, 0, sizeof *out);
	remote_calls_init(&calls);
	if ((err = sync_deals(s, st, diag)))
		goto out;
	dir = s->o.rules_dir ? mk_strdup(s->o.rules_dir) : mk_rules_default_dir();
	if ((err = mk_rules_load(&s->rs, dir, diag)) || (err = sync_from(s, st, from, sizeof from, diag)))
		goto out;
	utc_day(time(NULL), to, sizeof to);
	if ((err = mk_source_list(s->src, from, to, &calls, diag)))
		goto out;
	out->fetched = calls.n;
	out->v = mk_calloc(calls.n ? calls.n : 1, sizeof *out->v);
	for (size_t i = 0; i < calls.n; i++)
		sync_one(s, st, &calls.v[i], out);
	/* the next run starts on the day this one ended: what it sees again is skipped */
	if (!out->errors && (out->cursor_err = mk_store_cursor_set(st, s->o.source, to, diag)))
		out->errors++;
out:
	mk_source_calls_release(&calls);
	free(dir);
	return err;
}
