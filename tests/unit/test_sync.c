/*
 * test_sync.c: the parsers of `mapkeeper sync`'s files and the sync library's pure parts,
 * without a network: the KEY=VALUE configuration (ingest/source.c: keys, trimming,
 * comments, line numbers, no value in a message, the file's mode), the deal map
 * (pipeline/dealmap.c: topic patterns in PCRE2, domains, first match wins, one-line
 * errors, the POSIX-only constructs refused with what to write), the meeting's local
 * start (pipeline/sync.c) and the call-source API's names.
 */
#include "ingest/remote.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum mk_err parse_config(struct remote_config *cfg, const char *text, struct mk_diag *d)
{
	remote_config_init(cfg);
	mk_diag_clear(d);
	return remote_config_parse(cfg, "mk.conf", text, strlen(text), d);
}

static void test_config_parse(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	CHECK(parse_config(&cfg, "# secrets\n\n  ZOOM_ACCOUNT_ID = acct-1 \nZOOM_CLIENT_SECRET=a=b\r\n"
				 "ZOOM_USER=ana@example.com\nMS_USER_ID=u1, u2\nMAPKEEPER_GRAPH_API=http://x\n",
			   &d) == MK_OK);
	CHECK_STR(cfg.zoom_account_id, "acct-1");
	CHECK_STR(cfg.zoom_client_secret, "a=b"); /* the first '=' splits; \r trimmed */
	CHECK_STR(cfg.zoom_user, "ana@example.com");
	CHECK_STR(cfg.ms_user_id, "u1, u2");
	CHECK_STR(cfg.graph_api, "http://x");
	CHECK_STR(cfg.zoom_api, REMOTE_ZOOM_API); /* untouched keys keep their defaults */
	remote_config_release(&cfg);

	CHECK(parse_config(&cfg, "ZOOM_CLIENT_ID=x", &d) == MK_OK); /* no final newline */
	CHECK_STR(cfg.zoom_client_id, "x");
	remote_config_release(&cfg);
	CHECK(parse_config(&cfg, "", &d) == MK_OK);
	remote_config_release(&cfg);

	CHECK(parse_config(&cfg, "# c\nZOOM_CLIENT_SECRET s3cret-XYZ\n", &d) == MK_EFORMAT);
	CHECK_STR(d.msg, "sync: mk.conf:2: not KEY=VALUE");
	remote_config_release(&cfg);
	CHECK(parse_config(&cfg, "\n\n ZOOM_SECRET = s3cret-XYZ\nbad\n", &d) == MK_EFORMAT);
	CHECK_STR(d.msg, "sync: mk.conf:3: unknown key 'ZOOM_SECRET'");
	CHECK(!strstr(d.msg, "s3cret"));
	remote_config_release(&cfg);
	CHECK(parse_config(&cfg, "zoom_user=me\n", &d) == MK_EFORMAT); /* names are exact */
	remote_config_release(&cfg);
}

/* A new file under /tmp holding text; its name into path (a mkstemp template). */
static void temp_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void test_config_load(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	char path[] = "/tmp/test_sync_confXXXXXX";
	temp_file(path, "MS_TENANT_ID=t1\n");
	remote_config_init(&cfg);
	chmod(path, 0640);
	mk_diag_clear(&d);
	CHECK(remote_config_load(&cfg, path, &d) == MK_EARG);
	CHECK(strstr(d.msg, "is readable by group or others: refused (chmod 600 it)") != NULL);
	CHECK(cfg.ms_tenant_id == NULL);
	chmod(path, 0600);
	CHECK(remote_config_load(&cfg, path, &d) == MK_OK);
	CHECK_STR(cfg.ms_tenant_id, "t1");
	unlink(path);
	mk_diag_clear(&d);
	CHECK(remote_config_load(&cfg, path, &d) == MK_EIO);
	CHECK(strstr(d.msg, "sync: cannot open config '") == d.msg);
	remote_config_release(&cfg);
}

static struct mk_deal_map *parse_map(const char *text, struct mk_diag *d)
{
	struct mk_deal_map *m = NULL;
	mk_diag_clear(d);
	if (mk_deal_map_parse("deals.map", text, strlen(text), &m, d) != MK_OK)
		return NULL;
	return m;
}

static const char *route(const struct mk_deal_map *m, const char *topic, const char *mail)
{
	struct mk_source_call c;
	char *attendees[1] = { (char *)mail };
	memset(&c, 0, sizeof c);
	c.topic = (char *)topic;
	c.attendees = mail ? attendees : NULL;
	c.nattendees = mail ? 1 : 0;
	return mk_deal_map_match(m, &c);
}

static void test_deal_map(void)
{
	struct mk_diag d;
	struct mk_deal_map *m = parse_map("# which deal\n\ntopic deal CALL 10$ -> Acme\n"
					  "domain @Example.org -> Acme Corp\n"
					  "topic ^weekly [[:alpha:]]+ sync\\b -> Weekly\n"
					  "topic call 2[0-9] -> Northwind\n"
					  "topic a->b -> Arrow\n",
					  &d);
	CHECK(m != NULL);
	CHECK(mk_deal_map_size(m) == 5);
	CHECK_STR(route(m, "Deal call 10", NULL), "Acme");               /* any case */
	CHECK(route(m, "Deal call 10 again", NULL) == NULL);              /* $ anchors */
	CHECK_STR(route(m, "Call 20 with them", NULL), "Northwind");
	CHECK_STR(route(m, "Call 20", "bo@EXAMPLE.ORG"), "Acme Corp");    /* the first line wins */
	CHECK_STR(route(m, NULL, "x@y@example.org"), "Acme Corp");        /* the last '@' */
	CHECK_STR(route(m, "WEEKLY Pricing SYNC", NULL), "Weekly");
	CHECK(route(m, "weekly pricing syncs", NULL) == NULL);            /* \b */
	CHECK_STR(route(m, "a->b", NULL), "Arrow");                       /* the last "->" */
	CHECK(route(m, "\xff\xfe call 21", NULL) != NULL);                /* bad UTF-8 is no error */
	CHECK(route(m, NULL, NULL) == NULL);
	CHECK(route(m, "Café ünïcode", "a@example.com") == NULL);
	mk_deal_map_free(m);

	m = parse_map("topic ÉTÉ -> Summer\n", &d);
	CHECK_STR(route(m, "notes from été", NULL), "Summer"); /* caseless beyond ASCII */
	mk_deal_map_free(m);

	m = parse_map("# nothing\n", &d);
	CHECK(m != NULL && mk_deal_map_size(m) == 0);
	mk_deal_map_free(m);
	mk_deal_map_free(NULL);
}

static void map_error(const char *text, const char *msg)
{
	struct mk_diag d;
	struct mk_deal_map *m = parse_map(text, &d);
	CHECK(m == NULL);
	CHECK_STR(d.msg, msg);
	CHECK(!strchr(d.msg, '\n'));
}

static void test_deal_map_errors(void)
{
	map_error("\nnope\n", "sync: deals.map:2: expected 'topic REGEX -> DEAL' or 'domain NAME -> DEAL'");
	map_error("topic abc\n", "sync: deals.map:1: no '-> DEAL'");
	map_error("domain  -> X\n", "sync: deals.map:1: empty pattern or deal");
	map_error("topic x ->\n", "sync: deals.map:1: empty pattern or deal");
	map_error("topic a( -> X\n", "sync: deals.map:1: bad regex 'a(': missing closing parenthesis at offset 2");
	map_error("topic \\<acme\\> -> X\n", "sync: deals.map:1: bad regex '\\<acme\\>': deal maps use PCRE2 now: "
					      "use \\b for a word boundary instead of \\< and \\>");
	map_error("topic \\`acme -> X\n", "sync: deals.map:1: bad regex '\\`acme': deal maps use PCRE2 now: "
					   "use \\A and \\z for the start and end instead of \\` and \\'");
	map_error("topic ab{,3} -> X\n", "sync: deals.map:1: bad regex 'ab{,3}': deal maps use PCRE2 now: "
					  "write {0,N} instead of {,N}");
	map_error("topic [[.space.]] -> X\n",
		  "sync: deals.map:1: bad regex '[[.space.]]': POSIX collating elements are not supported at offset 1");

	/* what only looks like those is fine */
	struct mk_diag d;
	struct mk_deal_map *m = parse_map("topic \\\\<b> -> X\ntopic [<>{,] -> Y\ntopic a\\{,3} -> Z\n", &d);
	CHECK(m != NULL && mk_deal_map_size(m) == 3);
	CHECK_STR(route(m, "x\\<b> y", NULL), "X");
	CHECK_STR(route(m, "{", NULL), "Y");
	mk_deal_map_free(m);
}

static void test_deal_map_load(void)
{
	struct mk_deal_map *m = NULL;
	struct mk_diag d;
	char path[] = "/tmp/test_sync_mapXXXXXX";
	temp_file(path, "topic acme -> Acme\n");
	mk_diag_clear(&d);
	CHECK(mk_deal_map_load(path, &m, &d) == MK_OK);
	CHECK_STR(route(m, "ACME kickoff", NULL), "Acme");
	mk_deal_map_free(m);
	unlink(path);
	CHECK(mk_deal_map_load(path, &m, &d) == MK_EIO && m == NULL);
	CHECK(strstr(d.msg, "sync: cannot open deal map '") == d.msg);
}

static void test_local_start(void)
{
	char *s = mk_local_start("2024-01-10T15:00:00Z", "America/New_York");
	CHECK_STR(s, "2024-01-10T10:00:00-05:00");
	free(s);
	s = mk_local_start("2024-07-01T23:30Z", "Asia/Kolkata");
	CHECK_STR(s, "2024-07-02T05:00:00+05:30");
	free(s);
	CHECK(mk_local_start("2024-01-10T15:00:00", "America/New_York") == NULL); /* not UTC */
	CHECK(mk_local_start("2024-01-10T15:00:00Z", "") == NULL);
	CHECK(mk_local_start(NULL, "UTC") == NULL);
	CHECK(mk_local_start("Z2024-01-10", "UTC") == NULL);
	setenv("TZ", "Europe/Paris", 1);
	s = mk_local_start("2024-01-10T15:00:00Z", "UTC");
	CHECK_STR(s, "2024-01-10T15:00:00+00:00");
	free(s);
	CHECK_STR(getenv("TZ"), "Europe/Paris"); /* put back */
	unsetenv("TZ");
}

static void test_sources(void)
{
	struct mk_source *src = NULL;
	struct mk_diag d;
	CHECK(mk_source_known("zoom") && mk_source_known("teams"));
	CHECK(!mk_source_known("Zoom") && !mk_source_known("") && !mk_source_known(NULL));
	mk_diag_clear(&d);
	CHECK(mk_source_open("webex", NULL, &src, &d) == MK_EARG && src == NULL);
	CHECK_STR(d.msg, "sync: unknown source 'webex' (zoom or teams)");
	unsetenv("MAPKEEPER_CONFIG");
	CHECK(mk_source_open("teams", NULL, &src, &d) == MK_OK && src != NULL);
	mk_source_close(src);
	CHECK(mk_source_open("zoom", "/nonexistent/mk.conf", &src, &d) == MK_EIO && src == NULL);
	mk_source_close(NULL);
	CHECK(remote_day_ok("2024-02-29") && !remote_day_ok("2023-02-29"));
	CHECK(!remote_day_ok("2024-02-01T00:00") && !remote_day_ok("2024-2-1") && !remote_day_ok(NULL));
}

int main(void)
{
	RUN(test_config_parse);
	RUN(test_config_load);
	RUN(test_deal_map);
	RUN(test_deal_map_errors);
	RUN(test_deal_map_load);
	RUN(test_local_start);
	RUN(test_sources);
	return tap_done();
}
