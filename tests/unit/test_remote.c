/*
 * test_remote.c: the Zoom and Microsoft Graph clients (ingest/zoom.c, teams.c, http.c)
 * against tests/fake/fake_api.py on 127.0.0.1: tokens cached and renewed, paging,
 * TRANSCRIPT files only, Zoom participants (paging, a 403 tolerated, UUIDs encoded twice),
 * retries on 429 and 500, malformed JSON, cut-short downloads, timeouts, size caps, wrong
 * credentials, the https-only rule, no secret in messages.
 */
#include "ingest/remote.h"
#include "tap.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ZOOM_SECRET "zoom-s3cret-XYZ"
#define MS_SECRET   "ms-s3cret-XYZ"
#define MS_USER     "ba321e0d-79ee-478d-8e28-85a19507f456"

static pid_t fake_pid = -1;
static int fake_port;

static int fake_start(void)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	fake_pid = fork();
	if (fake_pid < 0)
		return -1;
	if (fake_pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("python3", "python3", "tests/fake/fake_api.py", "--lifetime", "60", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	if (!f || fscanf(f, "%d", &fake_port) != 1)
		fake_port = 0;
	if (f)
		fclose(f);
	return fake_port > 0 ? 0 : -1;
}

static void fake_stop(void)
{
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
	}
}

/* A config pointed at scenario sc of the fake server, with fast retries. */
static void cfg_for(struct remote_config *cfg, const char *sc)
{
	char *s;
	remote_config_init(cfg);
	remote_config_set(&cfg->zoom_account_id, "acct-1");
	remote_config_set(&cfg->zoom_client_id, "zoom-client");
	remote_config_set(&cfg->zoom_client_secret, ZOOM_SECRET);
	remote_config_set(&cfg->ms_tenant_id, "tenant-1");
	remote_config_set(&cfg->ms_client_id, "ms-client");
	remote_config_set(&cfg->ms_client_secret, MS_SECRET);
	remote_config_set(&cfg->ms_user_id, MS_USER);
	s = mk_sprintf("http://127.0.0.1:%d/s/%s/zoom/v2", fake_port, sc);
	remote_config_set(&cfg->zoom_api, s);
	free(s);
	s = mk_sprintf("http://127.0.0.1:%d/s/%s/zoom/oauth/token", fake_port, sc);
	remote_config_set(&cfg->zoom_oauth, s);
	free(s);
	s = mk_sprintf("http://127.0.0.1:%d/s/%s/graph/v1.0", fake_port, sc);
	remote_config_set(&cfg->graph_api, s);
	free(s);
	s = mk_sprintf("http://127.0.0.1:%d/s/%s/ms/login", fake_port, sc);
	remote_config_set(&cfg->ms_login, s);
	free(s);
	cfg->net.timeout_s = 10;
	cfg->net.connect_timeout_s = 2;
	cfg->net.retries = 2;
	cfg->net.backoff_ms = 10;
	cfg->net.backoff_max_ms = 40;
}

/* One counter of the fake server's scenario sc (0 when absent). */
static long stat_of(const char *sc, const char *key)
{
	struct http_opts o;
	struct mk_buf b;
	struct mk_diag d;
	long status = 0, v = 0;
	char *url = mk_sprintf("http://127.0.0.1:%d/_stats", fake_port);
	struct http_req r = { .url = url, .max_bytes = 1 << 20 };
	http_opts_init(&o);
	mk_buf_init(&b);
	if (http_do(&o, &r, &status, &b, &d) == MK_OK && status == 200) {
		json_t *j = json_loads(b.s, 0, NULL);
		v = (long)json_integer_value(json_object_get(json_object_get(j, sc), key));
		json_decref(j);
	}
	mk_buf_release(&b);
	free(url);
	return v;
}

/* Every message: one line, no secret, no token. */
static void check_msg(const struct mk_diag *d)
{
	CHECK(d->msg[0] != '\0');
	CHECK(!strchr(d->msg, '\n'));
	CHECK(!strstr(d->msg, ZOOM_SECRET));
	CHECK(!strstr(d->msg, MS_SECRET));
	CHECK(!strstr(d->msg, "-token-"));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_loopback_rule(void)
{
	struct mk_diag d;
	CHECK(http_host_is_loopback("127.0.0.1"));
	CHECK(http_host_is_loopback("127.9.8.7"));
	CHECK(http_host_is_loopback("localhost"));
	CHECK(http_host_is_loopback("[::1]"));
	CHECK(!http_host_is_loopback("128.0.0.1"));
	CHECK(!http_host_is_loopback("[::2]"));
	CHECK(!http_host_is_loopback("example.com"));
	CHECK(http_check_url("zoom", "https://api.zoom.us/v2", &d) == MK_OK);
	CHECK(http_check_url("zoom", "http://127.0.0.1:9/x", &d) == MK_OK);
	CHECK(http_check_url("zoom", "http://[::1]:9/x", &d) == MK_OK);
	mk_diag_clear(&d);
	CHECK(http_check_url("zoom", "ftp://127.0.0.1/x", &d) == MK_ENET);
	check_msg(&d);

	/* a non-loopback http URL is refused before any connection */
	struct remote_config cfg;
	struct mk_source_calls calls;
	cfg_for(&cfg, "ok");
	remote_config_set(&cfg.ms_login, "http://192.0.2.1/login");
	remote_calls_init(&calls);
	mk_diag_clear(&d);
	double t0 = now_s();
	CHECK(teams_list(&cfg, NULL, NULL, &calls, &d) == MK_ENET);
	CHECK(now_s() - t0 < 0.5);
	CHECK_STR(d.msg, "graph: plain http is only allowed to loopback addresses");
	check_msg(&d);
	remote_config_set(&cfg.zoom_oauth, "http://zoom.example/oauth/token");
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_ENET);
	CHECK_STR(d.msg, "zoom: plain http is only allowed to loopback addresses");
	check_msg(&d);
	CHECK(calls.n == 0);
	remote_calls_release(&calls);
	remote_config_release(&cfg);
}

static void test_env(void)
{
	struct remote_config cfg;
	setenv("ZOOM_ACCOUNT_ID", "a1", 1);
	setenv("ZOOM_CLIENT_ID", "c1", 1);
	setenv("ZOOM_CLIENT_SECRET", "s1", 1);
	setenv("MS_TENANT_ID", "t2", 1);
	setenv("MS_CLIENT_ID", "c2", 1);
	setenv("MS_CLIENT_SECRET", "s2", 1);
	setenv("MS_USER_ID", "u2", 1);
	setenv("MAPKEEPER_GRAPH_API", "http://127.0.0.1:1/graph", 1);
	unsetenv("MAPKEEPER_ZOOM_API");
	setenv("MAPKEEPER_ZOOM_OAUTH", "", 1);
	remote_config_from_env(&cfg);
	CHECK_STR(cfg.zoom_account_id, "a1");
	CHECK_STR(cfg.zoom_client_id, "c1");
	CHECK_STR(cfg.zoom_client_secret, "s1");
	CHECK_STR(cfg.ms_tenant_id, "t2");
	CHECK_STR(cfg.ms_client_id, "c2");
	CHECK_STR(cfg.ms_client_secret, "s2");
	CHECK_STR(cfg.ms_user_id, "u2");
	CHECK_STR(cfg.graph_api, "http://127.0.0.1:1/graph");
	CHECK_STR(cfg.zoom_api, "https://api.zoom.us/v2");
	CHECK_STR(cfg.zoom_oauth, "https://zoom.us/oauth/token");
	CHECK_STR(cfg.ms_login, "https://login.microsoftonline.com");
	CHECK(cfg.net.connect_timeout_s == 10 && cfg.net.timeout_s == 60);
	CHECK(cfg.max_json_bytes == 8u * 1024u * 1024u);
	remote_config_release(&cfg);
	remote_config_release(&cfg); /* a zeroed value is fine */
}

static void test_zoom_list_and_download(void)
{
	struct remote_config cfg;
	struct mk_source_calls calls;
	struct mk_diag d;
	struct mk_buf b;
	cfg_for(&cfg, "ok");
	remote_calls_init(&calls);
	mk_buf_init(&b);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_OK);
	CHECK(calls.n == 1); /* of 2 meetings, 1 has a TRANSCRIPT (MP4 and CHAT skipped) */
	if (calls.n == 1) {
		struct mk_source_call *c = &calls.v[0];
		CHECK_STR(c->source, "zoom");
		CHECK_STR(c->external_id, "uuid-10==");
		CHECK_STR(c->meeting_id, "6840332000");
		CHECK_STR(c->topic, "Deal call 10");
		CHECK_STR(c->start, "2024-01-11T15:00:00Z");
		CHECK_STR(c->timezone, "America/New_York");
		CHECK(c->download_url && strstr(c->download_url, "/zoom/dl/10.vtt"));
		CHECK(c->nattendees == 2); /* the phone caller has no e-mail; a rejoin counts once */
		if (c->nattendees == 2) {
			CHECK_STR(c->attendees[0], "dale@harborpine.com");
			CHECK_STR(c->attendees[1], "nadia@routewise.io");
		}
		CHECK(c->nnames == 3);
		if (c->nnames == 3) {
			CHECK_STR(c->names[0], "Dale Hughes");
			CHECK_STR(c->names[1], "Phone caller");
			CHECK_STR(c->names[2], "Nadia Petrova");
		}
		CHECK(zoom_download(&cfg, c, &b, &d) == MK_OK);
		CHECK(b.s && !strncmp(b.s, "WEBVTT", 6) && strstr(b.s, "Ana Lima:"));
	}
	CHECK(stat_of("ok", "zoom_token") == 1); /* cached between calls */
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-1-1", "2024-01-31", &calls, &d) == MK_EARG);
	check_msg(&d);
	mk_buf_release(&b);
	remote_calls_release(&calls);
	remote_config_release(&cfg);
}

static void test_zoom_pages_and_renewal(void)
{
	struct remote_config cfg;
	struct mk_source_calls calls;
	struct mk_diag d;
	cfg_for(&cfg, "expire"); /* 3 pages; each token dies after 2 API calls */
	remote_calls_init(&calls);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_OK);
	CHECK(calls.n == 3);
	for (size_t i = 0; i < calls.n; i++)
		CHECK(strstr(calls.v[i].download_url, ".vtt") != NULL);
	if (calls.n == 3)
		CHECK_STR(calls.v[2].external_id, "uuid-30==");
	/* 3 pages and 3 participant lists: renewed after the 2nd and the 5th API call */
	CHECK(stat_of("expire", "zoom_token") == 3);
	CHECK(stat_of("expire", "api_401") == 2);
	remote_calls_release(&calls);
	remote_config_release(&cfg);
}

static void test_zoom_participants(void)
{
	struct remote_config cfg;
	struct mk_source_calls calls;
	struct mk_diag d;
	cfg_for(&cfg, "pages"); /* 2 pages of participants each; meeting 20 answers 403 */
	remote_calls_init(&calls);
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_OK);
	CHECK(calls.n == 3);
	if (calls.n == 3) {
		CHECK(calls.v[0].nattendees == 2 && calls.v[2].nattendees == 2);
		if (calls.v[2].nattendees == 2) {
			CHECK_STR(calls.v[2].attendees[0], "dale@harborpine.com");
			CHECK_STR(calls.v[2].attendees[1], "nadia@routewise.io"); /* from page 2 */
		}
		CHECK_STR(calls.v[1].external_id, "uuid-20==");
		CHECK(calls.v[1].nattendees == 0 && calls.v[1].nnames == 0); /* 403: kept going */
		CHECK_STR(calls.v[1].topic, "Deal call 20");
	}
	CHECK(stat_of("pages", "participants") == 5);
	remote_calls_release(&calls);
	remote_config_release(&cfg);

	cfg_for(&cfg, "slash"); /* uuid "/uu10//id==": its path segment is encoded twice */
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_OK);
	CHECK(calls.n == 1);
	if (calls.n == 1) {
		CHECK_STR(calls.v[0].external_id, "/uu10//id==");
		CHECK(calls.v[0].nattendees == 2);
	}
	CHECK(stat_of("slash", "participants") == 1);
	remote_calls_release(&calls);
	remote_config_release(&cfg);
}

static void test_teams_list_and_download(void)
{
	struct remote_config cfg;
	struct mk_source_calls calls;
	struct mk_diag d;
	struct mk_buf b;
	cfg_for(&cfg, "pages");
	remote_calls_init(&calls);
	mk_buf_init(&b);
	CHECK(teams_list(&cfg, "2024-02-01", "2024-02-29", &calls, &d) == MK_OK);
	CHECK(calls.n == 6);
	if (calls.n == 6) {
		struct mk_source_call *c = &calls.v[0], *c1 = &calls.v[1];
		CHECK_STR(c->source, "teams");
		CHECK_STR(c->external_id, "MSMjMCMj10");
		CHECK_STR(c->meeting_id, "MSo1N2Y5/10==");
		CHECK_STR(c->topic, "Teams deal call 10");
		CHECK_STR(c->start, "2024-02-10T15:00:00Z");
		CHECK(c->nattendees == 2);
		if (c->nattendees == 2) {
			CHECK_STR(c->attendees[0], "seller@routewise.example");
			CHECK_STR(c->attendees[1], "buyer@northwind.example");
		}
		CHECK(c1->topic == NULL); /* its details are not readable: kept from the list */
		CHECK_STR(c1->start, "2024-02-11T16:00:00Z");
		CHECK_STR(calls.v[5].external_id, "MSMjMCMj31");
		CHECK(teams_download(&cfg, c, &b, &d) == MK_OK);
		CHECK(b.s && strstr(b.s, "<v Ana Lima>"));
	}
	CHECK(stat_of("pages", "ms_token") == 1);
	remote_calls_release(&calls);

	remote_config_release(&cfg);
	cfg_for(&cfg, "expire");
	cfg.teams_details = 0;
	remote_calls_init(&calls);
	CHECK(teams_list(&cfg, NULL, NULL, &calls, &d) == MK_OK);
	CHECK(calls.n == 6);
	CHECK(stat_of("expire", "ms_token") == 2);
	mk_buf_release(&b);
	remote_calls_release(&calls);
	remote_config_release(&cfg);
}

static void test_retries(void)
{
	struct remote_config cfg;
	struct mk_source_calls calls;
	struct mk_diag d;
	cfg_for(&cfg, "429");
	remote_calls_init(&calls);
	double t0 = now_s();
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_OK);
	CHECK(now_s() - t0 >= 0.9); /* Retry-After: 1 honoured */
	CHECK(calls.n == 1);
	CHECK(stat_of("429", "api") == 3); /* the recordings twice, the participants once */
	remote_calls_release(&calls);
	remote_config_release(&cfg);

	cfg_for(&cfg, "500");
	t0 = now_s();
	CHECK(teams_list(&cfg, NULL, NULL, &calls, &d) == MK_OK);
	CHECK(now_s() - t0 < 3);
	CHECK(calls.n == 2);
	remote_calls_release(&calls);
	remote_config_release(&cfg);
}

static void test_failures(void)
{
	struct remote_config cfg;
	struct mk_source_calls calls;
	struct mk_diag d;
	struct mk_buf b;
	remote_calls_init(&calls);
	mk_buf_init(&b);

	cfg_for(&cfg, "badjson");
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_ENET);
	CHECK_STR(d.msg, "zoom: response is not JSON");
	check_msg(&d);
	mk_diag_clear(&d);
	CHECK(teams_list(&cfg, NULL, NULL, &calls, &d) == MK_ENET);
	CHECK_STR(d.msg, "graph: response is not JSON");
	check_msg(&d);
	remote_config_release(&cfg);

	cfg_for(&cfg, "trunc");
	cfg.net.retries = 1;
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_OK);
	CHECK(calls.n == 1);
	mk_diag_clear(&d);
	if (calls.n == 1)
		CHECK(zoom_download(&cfg, &calls.v[0], &b, &d) == MK_ENET);
	CHECK(strstr(d.msg, "zoom: the response was cut short") == d.msg);
	check_msg(&d);
	remote_calls_release(&calls);
	remote_config_release(&cfg);

	cfg_for(&cfg, "slow");
	cfg.net.timeout_s = 1;
	cfg.net.retries = 0;
	mk_diag_clear(&d);
	double t0 = now_s();
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_ENET);
	CHECK(now_s() - t0 < 2.5);
	CHECK_STR(d.msg, "zoom: timed out after 1 s");
	check_msg(&d);
	remote_config_release(&cfg);

	cfg_for(&cfg, "big");
	cfg.max_json_bytes = 1024 * 1024;
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_ENET);
	CHECK_STR(d.msg, "zoom: response larger than 1 MiB");
	check_msg(&d);
	remote_config_release(&cfg);

	cfg_for(&cfg, "creds");
	remote_config_set(&cfg.zoom_client_secret, "wrong-" ZOOM_SECRET);
	remote_config_set(&cfg.ms_client_secret, "wrong-" MS_SECRET);
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_ENET);
	CHECK_STR(d.msg, "zoom: authentication failed (HTTP 401): check ZOOM_ACCOUNT_ID, "
		  "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET");
	check_msg(&d);
	mk_diag_clear(&d);
	CHECK(teams_list(&cfg, NULL, NULL, &calls, &d) == MK_ENET);
	CHECK_STR(d.msg, "graph: authentication failed (HTTP 401): check MS_TENANT_ID, "
		  "MS_CLIENT_ID and MS_CLIENT_SECRET");
	check_msg(&d);
	CHECK(stat_of("creds", "zoom_token_refused") == 1); /* a 401 is not retried */
	remote_config_set(&cfg.zoom_client_secret, NULL);
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_EARG);
	check_msg(&d);
	CHECK(calls.n == 0);
	remote_config_release(&cfg);

	/* nothing listening: a network error after the retries */
	cfg_for(&cfg, "ok");
	remote_config_set(&cfg.zoom_oauth, "http://127.0.0.1:1/oauth/token");
	mk_diag_clear(&d);
	CHECK(zoom_list(&cfg, "2024-01-01", "2024-01-31", &calls, &d) == MK_ENET);
	CHECK(strstr(d.msg, "zoom: cannot connect") == d.msg);
	check_msg(&d);
	remote_config_release(&cfg);

	mk_buf_release(&b);
	remote_calls_release(&calls);
}

/* The call-source API (mk_source_*) as sync uses it: configured from the environment,
 * Zoom's range read in 30-day windows (each meeting once), two Teams organizers. */
static void test_source_api(void)
{
	struct mk_source *src = NULL;
	struct mk_source_calls calls;
	struct mk_transcript t;
	struct mk_diag d;
	char *base = mk_sprintf("http://127.0.0.1:%d/s/pages", fake_port);
	const char *vars[][2] = { { "MAPKEEPER_ZOOM_API", "/zoom/v2" }, { "MAPKEEPER_ZOOM_OAUTH", "/zoom/oauth/token" },
				  { "MAPKEEPER_GRAPH_API", "/graph/v1.0" }, { "MAPKEEPER_MS_LOGIN", "/ms/login" },
				  { "ZOOM_ACCOUNT_ID", "acct-1" }, { "ZOOM_CLIENT_ID", "zoom-client" },
				  { "MS_TENANT_ID", "tenant-1" }, { "MS_CLIENT_ID", "ms-client" } };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		char *v = vars[i][1][0] == '/' ? mk_sprintf("%s%s", base, vars[i][1]) : mk_strdup(vars[i][1]);
		setenv(vars[i][0], v, 1);
		free(v);
	}
	setenv("ZOOM_CLIENT_SECRET", ZOOM_SECRET, 1);
	setenv("MS_CLIENT_SECRET", MS_SECRET, 1);
	setenv("MS_USER_ID", MS_USER ", 7f1c2d3e-0000-4000-8000-000000000001", 1);
	unsetenv("MAPKEEPER_CONFIG");
	remote_calls_init(&calls);
	mk_diag_clear(&d);
	CHECK(mk_source_open("zoom", NULL, &src, &d) == MK_OK);
	CHECK(mk_source_list(src, "2024-01-01", "2024-04-30", &calls, &d) == MK_OK); /* 4 windows */
	CHECK(calls.n == 3);
	mk_transcript_init(&t);
	CHECK(calls.n && mk_source_fetch(src, &calls.v[0], &t, &d) == MK_OK);
	CHECK(t.n > 0 && t.path && !strncmp(t.path, "zoom:", 5) && calls.n &&
	      !strcmp(t.path + 5, calls.v[0].meeting_id));
	mk_transcript_release(&t);
	mk_source_calls_release(&calls);
	CHECK(mk_source_list(src, "2024-1-1", "2024-01-31", &calls, &d) == MK_EARG);
	mk_source_close(src);

	CHECK(mk_source_open("teams", NULL, &src, &d) == MK_OK);
	CHECK(mk_source_list(src, "2024-01-01", "2024-04-30", &calls, &d) == MK_OK);
	CHECK(calls.n == 12);
	mk_transcript_init(&t);
	CHECK(calls.n && mk_source_fetch(src, &calls.v[0], &t, &d) == MK_OK);
	CHECK(t.n > 0 && t.path && !strncmp(t.path, "teams:", 6));
	mk_transcript_release(&t);
	mk_source_calls_release(&calls);
	mk_source_close(src);
	free(base);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(test_loopback_rule);
	RUN(test_env);
	if (fake_start()) {
		printf("not ok - cannot start tests/fake/fake_api.py\n");
		fake_stop();
		return 1;
	}
	RUN(test_zoom_list_and_download);
	RUN(test_zoom_pages_and_renewal);
	RUN(test_zoom_participants);
	RUN(test_teams_list_and_download);
	RUN(test_retries);
	RUN(test_failures);
	RUN(test_source_api);
	fake_stop();
	return tap_done();
}
