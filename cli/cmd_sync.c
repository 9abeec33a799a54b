/*
 * cmd_sync.c: `mapkeeper sync zoom|teams`: lists the calls recorded since the source's
 * cursor (or --since, or the last 30 days), downloads each transcript, finds its deal
 * (--deal, a --deal-map file, a deal's --buyer-domain among the attendees' e-mails, or a
 * deal named in the topic) and ingests it as `ingest` does. Invariant: the cursor moves
 * only after a run with no error; the store's sha256 check keeps a transcript from being
 * ingested twice, however many runs overlap.
 */
#include "cli.h"
#include "ingest/remote.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
	"mapkeeper sync zoom|teams [--since YYYY-MM-DD] [--deal NAME | --deal-map FILE] "
	"[--format text|json] [--db PATH] [--config FILE] [--rules DIR]";

#define SYNC_DEFAULT_DAYS 30

/* ---- configuration file: KEY=VALUE lines, the environment's names ------------ */

static char **config_field(struct remote_config *cfg, const char *key)
{
	static const struct { const char *name; size_t off; } keys[] = {
		{ "ZOOM_ACCOUNT_ID", offsetof(struct remote_config, zoom_account_id) },
		{ "ZOOM_CLIENT_ID", offsetof(struct remote_config, zoom_client_id) },
		{ "ZOOM_CLIENT_SECRET", offsetof(struct remote_config, zoom_client_secret) },
		{ "ZOOM_USER", offsetof(struct remote_config, zoom_user) },
		{ "MS_TENANT_ID", offsetof(struct remote_config, ms_tenant_id) },
		{ "MS_CLIENT_ID", offsetof(struct remote_config, ms_client_id) },
		{ "MS_CLIENT_SECRET", offsetof(struct remote_config, ms_client_secret) },
		{ "MS_USER_ID", offsetof(struct remote_config, ms_user_id) },
		{ "MAPKEEPER_ZOOM_API", offsetof(struct remote_config, zoom_api) },
		{ "MAPKEEPER_ZOOM_OAUTH", offsetof(struct remote_config, zoom_oauth) },
		{ "MAPKEEPER_GRAPH_API", offsetof(struct remote_config, graph_api) },
		{ "MAPKEEPER_MS_LOGIN", offsetof(struct remote_config, ms_login) },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i].name, key))
			return (char **)((char *)cfg + keys[i].off);
	return NULL;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Reads path over cfg; 1 (printed, one line, never a value) when it cannot be used. */
static int config_load(struct remote_config *cfg, const char *path)
{
	struct stat sb;
	char line[4096];
	long lineno = 0;
	int rc = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_error("sync: cannot open config '%s': %s", path, strerror(errno));
		return 1;
	}
	if (fstat(fileno(f), &sb)) {
		cli_error("sync: cannot read config '%s': %s", path, strerror(errno));
		fclose(f);
		return 1;
	}
	if (sb.st_mode & 077) {
		cli_error("sync: config '%s' is readable by group or others: refused (chmod 600 it)", path);
		fclose(f);
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		char *s = trim(line), *eq, **field;
		lineno++;
		if (!*s || *s == '#')
			continue;
		if (!(eq = strchr(s, '='))) {
			cli_error("sync: %s:%ld: not KEY=VALUE", path, lineno);
			rc = 1;
			break;
		}
		*eq = '\0';
		if (!(field = config_field(cfg, trim(s)))) {
			cli_error("sync: %s:%ld: unknown key '%s'", path, lineno, trim(s));
			rc = 1;
			break;
		}
		remote_config_set(field, trim(eq + 1));
	}
	memset(line, 0, sizeof line); /* may have held a secret */
	fclose(f);
	return rc;
}

/* ---- which deal a call belongs to --------------------------------------------- */

struct deal_rule {
	int is_topic;
	regex_t re;
	char *domain;
	char *deal;
};

struct deal_map {
	struct deal_rule *v;
	size_t n;
};

static void deal_map_release(struct deal_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].is_topic)
			regfree(&m->v[i].re);
		free(m->v[i].domain);
		free(m->v[i].deal);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* Lines `topic REGEX -> DEAL` and `domain example.com -> DEAL`; '#' starts a comment. */
static int deal_map_load(struct deal_map *m, const char *path)
{
	char line[4096];
	long lineno = 0;
	int rc = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_error("sync: cannot open deal map '%s': %s", path, strerror(errno));
		return 1;
	}
	while (!rc && fgets(line, sizeof line, f)) {
		char *s = trim(line), *arrow, *pat, *deal;
		struct deal_rule r;
		lineno++;
		if (!*s || *s == '#')
			continue;
		memset(&r, 0, sizeof r);
		arrow = NULL;
		for (char *p = strstr(s, "->"); p; p = strstr(p + 2, "->"))
			arrow = p;
		if (!strncmp(s, "topic ", 6))
			r.is_topic = 1;
		else if (strncmp(s, "domain ", 7)) {
			cli_error("sync: %s:%ld: expected 'topic REGEX -> DEAL' or 'domain NAME -> DEAL'", path,
				  lineno);
			rc = 1;
			break;
		}
		if (!arrow) {
			cli_error("sync: %s:%ld: no '-> DEAL'", path, lineno);
			rc = 1;
			break;
		}
		*arrow = '\0';
		pat = trim(s + (r.is_topic ? 6 : 7));
		deal = trim(arrow + 2);
		if (!*pat || !*deal) {
			cli_error("sync: %s:%ld: empty pattern or deal", path, lineno);
			rc = 1;
			break;
		}
		if (r.is_topic) {
			int e = regcomp(&r.re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB);
			if (e) {
				char why[256];
				regerror(e, &r.re, why, sizeof why);
				cli_error("sync: %s:%ld: bad regex '%s': %s", path, lineno, pat, why);
				rc = 1;
				break;
			}
		} else {
			r.domain = strdup(pat[0] == '@' ? pat + 1 : pat);
		}
		r.deal = strdup(deal);
		if (!r.deal || (!r.is_topic && !r.domain))
			abort();
		m->v = realloc(m->v, (m->n + 1) * sizeof *m->v);
		if (!m->v)
			abort();
		m->v[m->n++] = r;
	}
	fclose(f);
	return rc;
}

static const char *email_domain(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at ? at + 1 : NULL;
}

/*
 * The deal's name for a call, or NULL: --deal; else the map file's first matching line;
 * else the first deal (by name) whose buyer_domain is an attendee's e-mail domain; else a
 * deal named in the topic. A seller's domain alone never matches: sellers attend every call.
 */
static const char *deal_for(const struct remote_call *c, const char *fixed, const struct deal_map *m,
			    const struct mk_deal *deals, size_t ndeals)
{
	if (fixed)
		return fixed;
	if (m->n) {
		for (size_t i = 0; i < m->n; i++) {
			const struct deal_rule *r = &m->v[i];
			if (r->is_topic) {
				if (c->topic && !regexec(&r->re, c->topic, 0, NULL, 0))
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
	for (size_t i = 0; i < ndeals; i++) {
		if (!deals[i].buyer_domain || !deals[i].buyer_domain[0])
			continue;
		for (size_t k = 0; k < c->nattendees; k++) {
			const char *d = email_domain(c->attendees[k]);
			if (d && !strcasecmp(d, deals[i].buyer_domain))
				return deals[i].name;
		}
	}
	for (size_t i = 0; c->topic && i < ndeals; i++)
		if (deals[i].name[0] && strcasestr(c->topic, deals[i].name))
			return deals[i].name;
	return NULL;
}

/* ---- one call ------------------------------------------------------------------ */

struct sync_run {
	const char *source;
	struct remote_config cfg;
	struct mk_store *st;
	struct mk_rules *rs;
	const char *fixed_deal;
	struct deal_map map;
	struct mk_deal *deals;
	size_t ndeals;
	json_t *meetings;
	size_t ingested, skipped, errors;
};

/* Turns a diag into one line (no newlines) for a status. */
static char *one_line(const struct mk_diag *d, enum mk_err err)
{
	char buf[1200];
	char *s;
	if (d->msg[0])
		mk_diag_format(d, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "%s", mk_strerror(err));
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	s = strdup(buf);
	if (!s)
		abort();
	return s;
}

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

/*
 * A UTC start ("2026-03-03T23:30:00Z") in the meeting's own time zone ("America/New_York")
 * as ISO 8601 with its offset, so that "tomorrow" resolves on the day people lived.
 * NULL when there is nothing to convert (no zone, not UTC, or not readable).
 */
static char *local_start(const char *start, const char *zone)
{
	const char *p = start;
	struct tm tm, lt;
	time_t when;
	char *old_tz = NULL, out[96];
	const char *env;
	int y, mo, d, h, mi, se = 0;
	long off;
	if (!start || !zone || !*zone || !strchr(start, 'Z'))
		return NULL;
	if (!(digits(&p, 4, &y) && *p++ == '-' && digits(&p, 2, &mo) && *p++ == '-' && digits(&p, 2, &d) &&
	      *p++ == 'T' && digits(&p, 2, &h) && *p++ == ':' && digits(&p, 2, &mi)))
		return NULL;
	if (*p == ':' && (p++, !digits(&p, 2, &se)))
		return NULL;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	when = timegm(&tm);
	env = getenv("TZ");
	if (env)
		old_tz = strdup(env);
	setenv("TZ", zone, 1);
	tzset();
	localtime_r(&when, &lt);
	if (old_tz)
		setenv("TZ", old_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old_tz);
	off = lt.tm_gmtoff / 60;
	if (off < -24 * 60 || off > 24 * 60)
		return NULL;
	snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", lt.tm_year + 1900, lt.tm_mon + 1,
		 lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec, off < 0 ? '-' : '+', (int)(labs(off) / 60),
		 (int)(labs(off) % 60));
	return strdup(out);
}

/*
 * Zoom answers a recordings search for about a month at most: a longer range is read in
 * windows of ZOOM_WINDOW_DAYS, oldest first, into one list.
 */
#define ZOOM_WINDOW_DAYS 30

/* Drops calls[from..] whose meeting was listed already (a meeting seen in two windows). */
static void drop_repeats(struct remote_calls *calls, size_t from)
{
	size_t k = from;
	for (size_t i = from; i < calls->n; i++) {
		int seen = 0;
		for (size_t j = 0; j < k && !seen; j++)
			seen = calls->v[j].external_id && calls->v[i].external_id &&
			       !strcmp(calls->v[j].external_id, calls->v[i].external_id);
		if (seen)
			remote_call_release(&calls->v[i]);
		else
			calls->v[k++] = calls->v[i];
	}
	calls->n = k;
}
static enum mk_err zoom_list_windows(struct remote_config *cfg, const char *from, const char *to,
				     struct remote_calls *calls, struct mk_diag *diag)
{
	struct mk_date a, b;
	enum mk_err err = MK_OK;
	if (mk_date_parse(from, &a) || mk_date_parse(to, &b))
		return zoom_list(cfg, from, to, calls, diag);
	for (;;) {
		struct mk_date end = mk_date_add_days(a, ZOOM_WINDOW_DAYS - 1);
		char f[16], t[16];
		int last = (end.y > b.y) || (end.y == b.y && (end.m > b.m || (end.m == b.m && end.d >= b.d)));
		if (last)
			end = b;
		mk_date_format(a, f, sizeof f);
		mk_date_format(end, t, sizeof t);
		size_t before = calls->n;
		if ((err = zoom_list(cfg, f, t, calls, diag)))
			return err;
		drop_repeats(calls, before);
		if (last)
			return MK_OK;
		a = mk_date_add_days(end, 1);
	}
}

/*
 * Teams: MS_USER_ID may name several organizers ("id1,id2"): their transcripts are listed
 * one organizer after another into one list (each call keeps its own download URL).
 */
static enum mk_err teams_list_users(struct remote_config *cfg, const char *from, const char *to,
				    struct remote_calls *calls, struct mk_diag *diag)
{
	char *all = cfg->ms_user_id ? mk_strdup(cfg->ms_user_id) : NULL, *save = NULL, *u;
	char *orig = cfg->ms_user_id ? mk_strdup(cfg->ms_user_id) : NULL;
	enum mk_err err = MK_OK;
	int any = 0;
	if (!all || !strchr(all, ','))
		goto one;
	for (u = strtok_r(all, ",", &save); u && !err; u = strtok_r(NULL, ",", &save)) {
		struct remote_calls part;
		char *id = trim(u);
		if (!*id)
			continue;
		any = 1;
		remote_config_set(&cfg->ms_user_id, id);
		remote_calls_init(&part);
		err = teams_list(cfg, from, to, &part, diag);
		for (size_t i = 0; !err && i < part.n; i++) {
			struct remote_call *c = remote_calls_push(calls);
			*c = part.v[i];            /* moved: part gives up its contents */
			remote_call_init(&part.v[i]);
		}
		remote_calls_release(&part);
	}
	remote_config_set(&cfg->ms_user_id, orig);
	if (any) {
		free(all);
		free(orig);
		return err;
	}
one:
	free(all);
	free(orig);
	return teams_list(cfg, from, to, calls, diag);
}

static void sync_one(struct sync_run *run, const struct remote_call *c)
{
	struct mk_transcript t;
	struct mk_buf body;
	struct mk_deal deal;
	struct mk_call_result r;
	struct mk_diag diag;
	const char *dealname, *status = NULL;
	char *label = NULL, *errline = NULL, *local = NULL;
	enum mk_err err;

	mk_transcript_init(&t);
	mk_buf_init(&body);
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&diag);
	dealname = deal_for(c, run->fixed_deal, &run->map, run->deals, run->ndeals);
	if (!dealname) {
		status = "no deal";
		goto done;
	}
	if ((err = mk_store_deal_get(run->st, dealname, &deal, &diag)))
		goto fail;
	err = !strcmp(run->source, "zoom") ? zoom_download(&run->cfg, c, &body, &diag)
					   : teams_download(&run->cfg, c, &body, &diag);
	if (err)
		goto fail;
	label = mk_sprintf("%s:%s", run->source,
			   !strcmp(run->source, "zoom") && c->meeting_id ? c->meeting_id : c->external_id);
	if ((err = mk_transcript_parse(&t, label, body.s ? body.s : "", body.len, &diag)))
		goto fail;
	local = local_start(c->start, c->timezone);
	if ((err = mk_call_ingest(run->st, run->rs, &deal, &t, local ? local : c->start, &r, &diag))) {
		if (err == MK_EDATE)
			mk_diag_set(&diag, "", 0, "cannot read the meeting's start '%s'", c->start);
		goto fail;
	}
	status = r.already ? "already ingested" : "ingested";
	goto done;
fail:
	{
		char *line = one_line(&diag, err);
		errline = mk_sprintf("error: %s", line);
		free(line);
		status = errline;
	}
done:
	if (!strcmp(status, "ingested"))
		run->ingested++;
	else
		run->skipped++;
	if (errline)
		run->errors++;
	json_array_append_new(run->meetings,
			      json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "source", run->source, "external_id",
					c->external_id ? c->external_id : "", "start", c->start, "deal",
					dealname, "status", status));
	free(errline);
	free(label);
	free(local);
	mk_deal_release(&deal);
	mk_buf_release(&body);
	mk_transcript_release(&t);
}

/* ---- the command ------------------------------------------------------------- */

static void utc_day(time_t when, char *out, size_t outlen)
{
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}

static void print_text(const struct sync_run *run, size_t fetched)
{
	size_t i;
	json_t *m;
	json_array_foreach(run->meetings, i, m) {
		const char *deal = json_string_value(json_object_get(m, "deal"));
		const char *start = json_string_value(json_object_get(m, "start"));
		printf("%s %s (%s) %s: %s\n", run->source,
		       json_string_value(json_object_get(m, "external_id")), start ? start : "no start",
		       deal ? deal : "-", json_string_value(json_object_get(m, "status")));
	}
	printf("%s: %zu fetched, %zu ingested, %zu skipped\n", run->source, fetched, run->ingested,
	       run->skipped);
}

int cmd_sync(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "deal", required_argument, NULL, 'D' },
		{ "deal-map", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "rules", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL, *mapfile = NULL, *fmt = "text", *db = NULL, *config = NULL;
	const char *rules_dir = NULL;
	struct sync_run run;
	struct remote_calls calls;
	struct mk_diag diag;
	struct mk_date d;
	char from[16], to[16];
	char *cursor = NULL, *dir = NULL;
	int ch, rc = 1;
	enum mk_err err;

	memset(&run, 0, sizeof run);
	remote_calls_init(&calls);
	mk_diag_clear(&diag);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': since = optarg; break;
		case 'D': run.fixed_deal = optarg; break;
		case 'm': mapfile = optarg; break;
		case 'f': fmt = optarg; break;
		case 'b': db = optarg; break;
		case 'c': config = optarg; break;
		case 'r': rules_dir = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("sync", argv, "h", longopts);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(usage);
	if (!strcmp(argv[optind], "zoom"))
		run.source = "zoom";
	else if (!strcmp(argv[optind], "teams"))
		run.source = "teams";
	else {
		cli_error("sync: unknown source '%s' (zoom or teams)", argv[optind]);
		return 2;
	}
	if (!(fmt = cli_format("sync", fmt, "text|json")))
		return 2;
	if (run.fixed_deal && mapfile) {
		cli_error("sync: --deal and --deal-map exclude each other");
		return 2;
	}
	if (since && (strlen(since) != 10 || mk_date_parse(since, &d))) {
		cli_error("sync: cannot read --since '%s' (YYYY-MM-DD)", since);
		return 2;
	}
	remote_config_from_env(&run.cfg);
	if (!config && getenv("MAPKEEPER_CONFIG") && *getenv("MAPKEEPER_CONFIG"))
		config = getenv("MAPKEEPER_CONFIG");
	if (config && config_load(&run.cfg, config))
		goto out;
	if (mapfile && deal_map_load(&run.map, mapfile))
		goto out;
	if (!(run.st = cli_store_create(db)))
		goto out;
	if (run.fixed_deal) {
		struct mk_deal deal;
		memset(&deal, 0, sizeof deal);
		err = mk_store_deal_get(run.st, run.fixed_deal, &deal, &diag);
		mk_deal_release(&deal);
		if (err == MK_ENOTFOUND) {
			cli_error("no deal '%s' (add it with: mapkeeper deal add '%s' --seller \"A,B\")",
				  run.fixed_deal, run.fixed_deal);
			goto out;
		}
		if (err) {
			cli_diag(&diag, err);
			goto out;
		}
	} else if (!mapfile && (err = mk_store_deal_list(run.st, &run.deals, &run.ndeals, &diag))) {
		cli_diag(&diag, err);
		goto out;
	}
	dir = rules_dir ? strdup(rules_dir) : mk_rules_default_dir();
	if ((err = mk_rules_load(&run.rs, dir, &diag))) {
		cli_diag(&diag, err);
		goto out;
	}
	if ((err = mk_store_cursor_get(run.st, run.source, &cursor, &diag))) {
		cli_diag(&diag, err);
		goto out;
	}
	utc_day(time(NULL), to, sizeof to);
	if (since)
		snprintf(from, sizeof from, "%s", since);
	else if (cursor && mk_date_parse(cursor, &d) == MK_OK)
		mk_date_format(d, from, sizeof from);
	else
		utc_day(time(NULL) - (time_t)SYNC_DEFAULT_DAYS * 86400, from, sizeof from);

	err = !strcmp(run.source, "zoom") ? zoom_list_windows(&run.cfg, from, to, &calls, &diag)
					  : teams_list_users(&run.cfg, from, to, &calls, &diag);
	if (err) {
		cli_diag(&diag, err);
		goto out;
	}
	run.meetings = json_array();
	for (size_t i = 0; i < calls.n; i++)
		sync_one(&run, &calls.v[i]);
	/* the next run starts on the day this one ended: what it sees again is skipped */
	if (!run.errors && (err = mk_store_cursor_set(run.st, run.source, to, &diag))) {
		cli_diag(&diag, err);
		run.errors++;
	}
	if (!strcmp(fmt, "json")) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:O}", "fetched", (json_int_t)calls.n, "ingested",
				      (json_int_t)run.ingested, "skipped", (json_int_t)run.skipped,
				      "meetings", run.meetings);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		print_text(&run, calls.n);
	}
	rc = run.errors ? 1 : 0;
out:
	json_decref(run.meetings);
	remote_calls_release(&calls);
	free(cursor);
	free(dir);
	mk_rules_free(run.rs);
	for (size_t i = 0; i < run.ndeals; i++)
		mk_deal_release(&run.deals[i]);
	free(run.deals);
	deal_map_release(&run.map);
	remote_config_release(&run.cfg);
	mk_store_close(run.st);
	return rc;
}
