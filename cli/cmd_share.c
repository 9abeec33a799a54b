/*
 * cmd_share.c: `mapkeeper share DEAL` makes a read-only link for the buyer (the URL with its
 * secret token, printed once: the store keeps only the token's SHA-256); `share list DEAL`
 * shows a deal's links (live, expired, revoked; acks and comments through each); `share
 * revoke ID` ends one; `share risk RISK-ID [--off]` shows a risk on the buyer's page (or
 * hides it again). `mapkeeper serve` answers the links (cli/serve_share.c).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHARE_DEFAULT_URL "http://127.0.0.1:8080"
#define SHARE_DEFAULT_DAYS 30

static const char usage[] =
	"mapkeeper share DEAL [--days N] [--base-url URL] [--as WHO] [--db PATH] [--format text|json]\n"
	"       mapkeeper share list DEAL [--db PATH] [--format text|json]\n"
	"       mapkeeper share revoke ID [--as WHO] [--db PATH]\n"
	"       mapkeeper share risk RISK-ID [--off] [--db PATH]\n"
	"\n"
	"share DEAL makes a read-only link to the deal's plan for the buyer, live --days days\n"
	"(1-365, default 30), and prints it once: the link holds a secret token that is not\n"
	"kept (only its SHA-256 is). `mapkeeper serve` answers it at --base-url (default\n"
	"$MAPKEEPER_URL, else " SHARE_DEFAULT_URL "). On the page the buyer sees the items,\n"
	"people, goal and dates, and only the risks marked with `share risk` (the ids are in\n"
	"`plan DEAL --format json`); no proposals, notes or quotes. The buyer can agree to the\n"
	"plan as it stands and comment on an item; both go into history, and a comment that\n"
	"changes something (a date, done) comes back as a proposal to review.\n"
	"share list DEAL: the deal's links. share revoke ID: the link stops working now.\n"
	"share risk RISK-ID: the risk shows on the buyer's page; --off hides it again.";

/* The base URL: given, else $MAPKEEPER_URL, else the default; http(s)://..., without a
 * trailing '/'. NULL and one line when it is not one. */
static char *share_base_url(const char *given)
{
	const char *u = given ? given : getenv("MAPKEEPER_URL");
	size_t len;
	char *out;

	if (!u || !*u)
		u = SHARE_DEFAULT_URL;
	if ((strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) || strpbrk(u, " \t\r\n\"'<>") ||
	    strlen(u) > 1000) {
		cli_error("share: the base URL '%s' is not http://HOST[:PORT] or https://...", u);
		return NULL;
	}
	if (!(out = strdup(u)))
		abort();
	len = strlen(out);
	while (len > 8 && out[len - 1] == '/')
		out[--len] = '\0';
	return out;
}

/* The link of id, as listed (for its expiry); 0 when it is not there. */
static int share_find(struct mk_store *st, const char *deal, int64_t id, char *until, size_t len)
{
	struct mk_share *v = NULL;
	struct mk_diag d;
	size_t n = 0;
	int found = 0;

	mk_diag_clear(&d);
	if (mk_store_share_list(st, deal, &v, &n, &d) == MK_OK)
		for (size_t i = 0; i < n; i++)
			if (v[i].id == id && v[i].expires_at) {
				snprintf(until, len, "%s", v[i].expires_at);
				found = 1;
			}
	mk_shares_free(v, n);
	return found;
}

/* share DEAL: a new link, printed once. */
static int share_create(struct mk_store *st, const char *deal, int days, const char *base, const char *as,
			const char *fmt)
{
	char token[65], until[40] = "", url[1200];
	struct mk_diag d;
	enum mk_err err;
	int64_t id = 0;

	mk_diag_clear(&d);
	if ((err = mk_store_share_create(st, deal, days, cli_who(as), token, &id, &d)))
		return cli_store_failed(err, &d, deal);
	share_find(st, deal, id, until, sizeof until);
	snprintf(url, sizeof url, "%s/share/%s", base, token);
	if (!strcmp(fmt, "json"))
		cli_json_print(json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "deal", deal, "url", url,
					 "token", token, "expires_at", until));
	else
		printf("share link %lld for '%s', live until %s (shown once; 'mapkeeper share revoke %lld' "
		       "ends it):\n%s\n",
		       (long long)id, deal, until, (long long)id, url);
	memset(token, 0, sizeof token);
	memset(url, 0, sizeof url);
	return CLI_OK;
}

/* "live", "revoked" or "expired" (now: db_now's form). */
static const char *share_state(const struct mk_share *s, const char *now)
{
	if (s->revoked_at)
		return "revoked";
	return s->expires_at && strcmp(s->expires_at, now) > 0 ? "live" : "expired";
}

/* share list DEAL: every link of the deal, oldest first. */
static int share_list(struct mk_store *st, const char *deal, const char *fmt)
{
	struct mk_share *v = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	mk_diag_clear(&d);
	if ((err = mk_store_share_list(st, deal, &v, &n, &d)))
		return cli_store_failed(err, &d, deal);
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!strcmp(fmt, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:I}", "id",
							   (json_int_t)v[i].id, "state", share_state(&v[i], now),
							   "created_at", v[i].created_at, "created_by", v[i].created_by,
							   "expires_at", v[i].expires_at, "revoked_at", v[i].revoked_at,
							   "acks", (json_int_t)v[i].acks, "comments",
							   (json_int_t)v[i].comments));
		cli_json_print(json_pack("{s:s, s:o}", "deal", deal, "links", a));
	} else if (!n) {
		printf("no share links for '%s' yet (mapkeeper share '%s')\n", deal, deal);
	} else {
		printf("%-6s %-8s %-20s %-20s %-5s %-8s %s\n", "id", "state", "created", "expires", "acks", "comments",
		       "by");
		for (size_t i = 0; i < n; i++)
			printf("%-6lld %-8s %-20.20s %-20.20s %-5lld %-8lld %s\n", (long long)v[i].id,
			       share_state(&v[i], now), v[i].created_at ? v[i].created_at : "-",
			       v[i].expires_at ? v[i].expires_at : "-", (long long)v[i].acks, (long long)v[i].comments,
			       v[i].created_by ? v[i].created_by : "-");
	}
	mk_shares_free(v, n);
	return CLI_OK;
}

/* share revoke ID, share risk RISK-ID [--off]. */
static int share_change(struct mk_store *st, const char *verb, int64_t id, int off, const char *as)
{
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if (!strcmp(verb, "revoke"))
		err = mk_store_share_revoke(st, id, cli_who(as), &d);
	else
		err = mk_store_risk_shareable(st, id, !off, &d);
	if (err) {
		cli_diag(&d, err);
		return CLI_FAILED;
	}
	if (!strcmp(verb, "revoke"))
		printf("share link %lld revoked: it answers 404 from now on\n", (long long)id);
	else
		printf("risk %lld %s\n", (long long)id,
		       off ? "is hidden from the buyer's page" : "shows on the buyer's page");
	return CLI_OK;
}

/* --days N: 1 to 365; 0 and one line otherwise. */
static int share_days(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < 1 || v > 365) {
		cli_error("share: --days wants 1 to 365, not '%s'", s);
		return 0;
	}
	return (int)v;
}

int cmd_share(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ "base-url", required_argument, NULL, 'u' },
		{ "off", no_argument, NULL, 'o' },
		CLI_OPT_AS,
		CLI_OPT_DB,
		CLI_OPT_FORMAT,
		CLI_OPT_END,
	};
	struct cli_opts o = { .format = "text" };
	const char *fmt, *verb = NULL, *days_arg = NULL, *url_arg = NULL;
	char *base = NULL;
	struct mk_store *st;
	int ch, off = 0, days = SHARE_DEFAULT_DAYS, rc;
	int64_t id = 0;

	while ((ch = cli_getopt("share", argc, argv, "h", longopts, usage, &o)) > 0) {
		switch (ch) {
		case 'd': days_arg = optarg; break;
		case 'u': url_arg = optarg; break;
		case 'o': off = 1; break;
		}
	}
	if (ch < 0)
		return o.rc;
	if (!(fmt = cli_format("share", o.format, "text|json")))
		return CLI_USAGE;
	if (optind + 2 == argc)
		verb = argv[optind];
	else if (optind + 1 != argc)
		return cli_usage(usage);
	if (verb && strcmp(verb, "list") && strcmp(verb, "revoke") && strcmp(verb, "risk")) {
		cli_error("share: unknown action '%s' (list, revoke or risk; or share DEAL)", verb);
		return CLI_USAGE;
	}
	if (!verb && (!strcmp(argv[optind], "list") || !strcmp(argv[optind], "revoke") || !strcmp(argv[optind], "risk"))) {
		cli_error("share %s: one more argument is wanted (see 'mapkeeper share --help')", argv[optind]);
		return CLI_USAGE;
	}
	if (verb && strcmp(verb, "list") && !(id = cli_parse_id(argv[optind + 1]))) {
		cli_error("share %s: '%s' is not %s id", verb, argv[optind + 1], strcmp(verb, "risk") ? "a link" : "a risk");
		return CLI_USAGE;
	}
	if ((days_arg || url_arg) && verb) {
		cli_error("share %s: --days and --base-url are for 'share DEAL'", verb);
		return CLI_USAGE;
	}
	if (off && (!verb || strcmp(verb, "risk"))) {
		cli_error("share: --off is for 'share risk RISK-ID'");
		return CLI_USAGE;
	}
	if ((days_arg && !(days = share_days(days_arg))) || (!verb && !(base = share_base_url(url_arg))))
		return CLI_USAGE;
	if (!(st = cli_store_open(o.db))) {
		free(base);
		return CLI_FAILED;
	}
	if (!verb)
		rc = share_create(st, argv[optind], days, base, o.as, fmt);
	else if (!strcmp(verb, "list"))
		rc = share_list(st, argv[optind + 1], fmt);
	else
		rc = share_change(st, verb, id, off, o.as);
	mk_store_close(st);
	free(base);
	return rc;
}
