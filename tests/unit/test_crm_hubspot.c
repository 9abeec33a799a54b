/*
 * test_crm_hubspot.c: the HubSpot backend's pure parts (crm/hubspot.h): the one-line errors
 * of HubSpot's error replies (401, 403 MISSING_SCOPES, 400 VALIDATION_ERROR, 404, 409, 5xx,
 * bodies that are not JSON), a search page of tasks (ids, keys, due days, statuses, paging),
 * the key in a body, the due timestamp sent and read back, and the backend's configuration
 * checks, status values and record links; then the backend itself against
 * tests/fake/fake_hubspot.py on 127.0.0.1 (deals, owners, tasks created, updated, found by
 * key, listed over pages, a lost reply, 429 and 500 retried, a missing scope, a refused token,
 * next step and health). The engine over it is tests/cli/t84-crm-hubspot.sh's.
 */
#include "crm/hubspot.h"
#include "tap.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void line_of(long status, const char *body, const char *scope, char *out, size_t n)
{
	hs_error_line(status, body, body ? strlen(body) : 0, scope, out, n);
}

static void test_error_401(void)
{
	char l[512];
	line_of(401, "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\","
		     "\"category\":\"INVALID_AUTHENTICATION\"}", NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: the access token was refused (HTTP 401): check HUBSPOT_TOKEN");
}

static void test_error_scopes(void)
{
	char l[512];
	line_of(403, "{\"status\":\"error\",\"message\":\"This app hasn't been granted all required scopes to make "
		     "this call.\",\"errors\":[{\"message\":\"One or more of the following scopes are required.\","
		     "\"context\":{\"requiredGranularScopes\":[\"crm.objects.deals.read\",\"crm.objects.deals.write\"]}}],"
		     "\"category\":\"MISSING_SCOPES\"}", "x.y", l, sizeof l);
	CHECK_STR(l, "hubspot: the private app lacks a scope (HTTP 403): give it crm.objects.deals.read or "
		     "crm.objects.deals.write");
	line_of(403, "{\"errors\":[{\"message\":\"All of the following scopes are required.\",\"context\":"
		     "{\"requiredGranularScopes\":[\"a.read\",\"b.read\",\"c.read\"]}}],\"category\":\"MISSING_SCOPES\"}",
		NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: the private app lacks a scope (HTTP 403): give it a.read, b.read and c.read");
	line_of(403, "{\"status\":\"error\",\"message\":\"scopes\",\"category\":\"MISSING_SCOPES\"}",
		"crm.objects.owners.read", l, sizeof l);
	CHECK_STR(l, "hubspot: the private app lacks a scope (HTTP 403): give it crm.objects.owners.read");
	line_of(403, NULL, "crm.objects.contacts.write", l, sizeof l);
	CHECK_STR(l, "hubspot: the private app lacks a scope (HTTP 403): give it crm.objects.contacts.write");
	line_of(403, "{\"message\":\"This portal is locked\",\"category\":\"FORBIDDEN\"}", "s", l, sizeof l);
	CHECK_STR(l, "hubspot: permission denied (HTTP 403): This portal is locked");
}

static void test_error_others(void)
{
	char l[512];
	line_of(400, "{\"status\":\"error\",\"message\":\"Property values were not valid: [...]\",\"category\":"
		     "\"VALIDATION_ERROR\",\"errors\":[{\"message\":\"NOTSTARTED was not one of the allowed options\","
		     "\"code\":\"INVALID_OPTION\"}]}", NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: a value was refused (HTTP 400): NOTSTARTED was not one of the allowed options");
	line_of(404, "{\"status\":\"error\",\"message\":\"resource not found\",\"category\":\"OBJECT_NOT_FOUND\"}",
		NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: not found (HTTP 404): resource not found");
	line_of(409, "{\"message\":\"Contact already exists\",\"category\":\"CONFLICT\"}", NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: conflict (HTTP 409): Contact already exists");
	line_of(502, "<html>bad gateway</html>", NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: server error (HTTP 502)");
	line_of(429, "{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\"}", NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: rate limited (HTTP 429): try again later");
	line_of(418, "{\"message\":\"line one\\nline two\"}", NULL, l, sizeof l);
	CHECK_STR(l, "hubspot: request failed (HTTP 418): line one line two");
}

static void test_error_long(void)
{
	char l[512], body[1200];
	strcpy(body, "{\"message\":\"");
	for (int i = 0; i < 150; i++)
		strcat(body, "\xc3\xa9"); /* 300 bytes of two-byte letters */
	strcat(body, "\"}");
	line_of(409, body, NULL, l, sizeof l);
	const char *m = strstr(l, "(HTTP 409): ");
	CHECK(m != NULL);
	if (m) {
		m += strlen("(HTTP 409): ");
		CHECK(strlen(m) == 200 + 3);
		CHECK(!strcmp(m + 200, "..."));
		CHECK((unsigned char)m[199] == 0xa9); /* cut after a whole letter */
	}
}

static const char PAGE[] =
	"{\"total\":4,\"results\":["
	"{\"id\":\"501\",\"properties\":{\"hs_task_subject\":\"Send the proposal\",\"hs_task_body\":"
	"\"&quot;I will send it&quot; - Ana at 0:03 on call (2026-01-02)<br>mapkeeper item #7 (key mk-ab12-7)\","
	"\"hs_timestamp\":\"2026-12-10T12:00:00Z\",\"hs_task_status\":\"COMPLETED\",\"hubspot_owner_id\":\"41\","
	"\"hs_lastmodifieddate\":\"2026-12-01T10:00:00.123Z\"},\"createdAt\":\"x\",\"archived\":false},"
	"{\"id\":502,\"properties\":{\"hs_task_subject\":\"Loop in legal\",\"hs_task_body\":"
	"\"Added by hand in mapkeeper.<br>mapkeeper item #8 (key mk-ab12-8)<br>" HS_NO_DUE "\","
	"\"hs_timestamp\":\"2026-12-03T00:00:00.000Z\",\"hs_task_status\":\"WAITING\",\"hubspot_owner_id\":null},"
	"\"updatedAt\":\"2026-12-02T00:00:00Z\"},"
	"{\"properties\":{\"hs_task_subject\":\"no id\"}},"
	"{\"id\":\"503\",\"properties\":{\"hs_task_subject\":\"A user's own task\",\"hs_task_body\":null,"
	"\"hs_timestamp\":\"1765368000000\",\"hs_task_status\":\"NOT_STARTED\"}}"
	"],\"paging\":{\"next\":{\"after\":\"3\",\"link\":\"?after=3\"}}}";

static void test_page(void)
{
	struct hs_tasks t = { 0 };
	struct mk_diag d;
	char *after = NULL;
	CHECK(hs_parse_tasks(PAGE, strlen(PAGE), &t, &after, &d) == MK_OK);
	CHECK_STR(after, "3");
	CHECK(t.n == 3);
	if (t.n == 3) {
		CHECK_STR(t.v[0].id, "501");
		CHECK_STR(t.v[0].key, "mk-ab12-7");
		CHECK_STR(t.v[0].st.subject, "Send the proposal");
		CHECK_STR(t.v[0].st.due, "2026-12-10");
		CHECK_STR(t.v[0].st.status, "COMPLETED");
		CHECK_STR(t.v[0].st.owner, "41");
		CHECK_STR(t.v[0].modified, "2026-12-01T10:00:00.123Z");
		CHECK(t.v[0].done && !t.v[0].waiting);
		CHECK_STR(t.v[1].id, "502");
		CHECK_STR(t.v[1].key, "mk-ab12-8");
		CHECK(t.v[1].st.due == NULL); /* the day it was pushed is no due date */
		CHECK(t.v[1].st.owner == NULL);
		CHECK(!t.v[1].done && t.v[1].waiting);
		CHECK_STR(t.v[1].modified, "2026-12-02T00:00:00Z");
		CHECK_STR(t.v[2].id, "503");
		CHECK(t.v[2].key == NULL);
		CHECK_STR(t.v[2].st.due, "2025-12-10"); /* epoch milliseconds */
	}
	free(after);
	/* the last page, appended to the same list */
	const char *last = "{\"results\":[{\"id\":\"9\",\"properties\":{}}]}";
	CHECK(hs_parse_tasks(last, strlen(last), &t, &after, &d) == MK_OK);
	CHECK(after == NULL && t.n == 4);
	hs_tasks_release(&t);
	CHECK(t.n == 0 && t.v == NULL);
	CHECK(hs_parse_tasks("<html>", 6, &t, &after, &d) == MK_ENET);
	CHECK_STR(d.msg, "hubspot: response is not JSON");
	CHECK(hs_parse_tasks("[1,2]", 5, &t, NULL, &d) == MK_ENET);
	CHECK(hs_parse_tasks("{\"results\":{\"id\":1}}", 20, &t, NULL, &d) == MK_OK && t.n == 0);
}

static void test_assoc(void)
{
	static const char page[] = "{\"results\":[{\"toObjectId\":9000001,\"associationTypes\":[{\"category\":"
				   "\"HUBSPOT_DEFINED\",\"typeId\":216,\"label\":null}]},{\"toObjectId\":\"9000002\"},"
				   "{\"toObjectId\":null},{}],\"paging\":{\"next\":{\"after\":\"MjAw\"}}}";
	struct mk_diag d;
	char **ids = NULL, *after = NULL;
	size_t n = 0;
	CHECK(hs_parse_assoc(page, strlen(page), &ids, &n, &after, &d) == MK_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(ids[0], "9000001");
		CHECK_STR(ids[1], "9000002");
	}
	CHECK_STR(after, "MjAw");
	free(after);
	CHECK(hs_parse_assoc("{\"results\":[{\"toObjectId\":3}]}", 30, &ids, &n, &after, &d) == MK_OK);
	CHECK(n == 3 && after == NULL);
	CHECK(hs_parse_assoc("nope", 4, &ids, &n, &after, &d) == MK_ENET && n == 3 && after == NULL);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static void test_key(void)
{
	char *k;
	CHECK_STR(k = hs_body_key("x (key mk-a1-12) y"), "mk-a1-12");
	free(k);
	CHECK_STR(k = hs_body_key("(key nope) then (key mk-zz-3)"), "mk-zz-3");
	free(k);
	CHECK(hs_body_key("(key mk-a1-12") == NULL);
	CHECK(hs_body_key("(key mk-) ") == NULL);
	CHECK(hs_body_key("(key mk-a b)") == NULL);
	CHECK(hs_body_key("mk-a1-12") == NULL);
	CHECK(hs_body_key(NULL) == NULL);
}

static void test_due(void)
{
	char d[11];
	CHECK(hs_due_of("2026-03-05T12:00:00Z", NULL, d) && !strcmp(d, "2026-03-05"));
	CHECK(hs_due_of("2026-03-05T16:30:00.000Z", "", d) && !strcmp(d, "2026-03-05"));
	/* midnight alone is a due date; with our no-due line it is not */
	CHECK(hs_due_of("2026-03-05T00:00:00Z", "x", d) && !strcmp(d, "2026-03-05"));
	CHECK(!hs_due_of("2026-03-05T00:00:00Z", "x<br>" HS_NO_DUE, d));
	/* re-dated in HubSpot (a time of day): a due date again */
	CHECK(hs_due_of("2026-03-09T08:00:00Z", HS_NO_DUE, d) && !strcmp(d, "2026-03-09"));
	CHECK(!hs_due_of("", NULL, d));
	CHECK(!hs_due_of(NULL, NULL, d));
	CHECK(!hs_due_of("soon", NULL, d));
	CHECK(!hs_due_of("2026-02-30T12:00:00Z", NULL, d));
	CHECK(hs_due_of("1772668800000", NULL, d) && !strcmp(d, "2026-03-05"));
	CHECK(!hs_due_of("1772668800000", HS_NO_DUE, d));
}

static void test_sent(void)
{
	char *ts = hs_timestamp_of("2026-03-05", 0), *body;
	char d[11];
	CHECK_STR(ts, "2026-03-05T12:00:00Z");
	free(ts);
	ts = hs_timestamp_of(NULL, 1772700000); /* 2026-03-05 08:40 UTC */
	CHECK_STR(ts, "2026-03-05T00:00:00Z");
	body = hs_body_of("\"A & B <c>\" - Ana\nmapkeeper item #1 (key mk-x-1)", 0);
	CHECK_STR(body, "\"A &amp; B &lt;c&gt;\" - Ana<br>mapkeeper item #1 (key mk-x-1)<br>" HS_NO_DUE);
	CHECK(!hs_due_of(ts, body, d)); /* what push sends for no due date reads back as none */
	char *k = hs_body_key(body);
	CHECK_STR(k, "mk-x-1");
	free(k);
	free(ts);
	free(body);
	body = hs_body_of("Added by hand in mapkeeper.\r\nmapkeeper item #2 (key mk-x-2)", 1);
	CHECK_STR(body, "Added by hand in mapkeeper.<br>mapkeeper item #2 (key mk-x-2)");
	free(body);
	body = hs_body_of(NULL, 0);
	CHECK_STR(body, HS_NO_DUE);
	free(body);
}

static void test_backend(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	char *u;
	remote_config_init(&cfg);
	CHECK(crm_hubspot.crm == MK_CRM_HUBSPOT);
	CHECK(crm_hubspot.open(&cfg, &ctx, &d) == MK_EARG && ctx == NULL);
	CHECK(strstr(d.msg, "HUBSPOT_TOKEN") != NULL);
	remote_config_set(&cfg.hs_token, "pat-na1-SECRET");
	remote_config_set(&cfg.hs_api, "http://api.example.com");
	CHECK(crm_hubspot.open(&cfg, &ctx, &d) == MK_EARG);
	CHECK(strstr(d.msg, "loopback") != NULL && !strstr(d.msg, "SECRET"));
	remote_config_set(&cfg.hs_api, "http://127.0.0.1:9/");
	CHECK(crm_hubspot.open(&cfg, &ctx, &d) == MK_OK && ctx != NULL);
	crm_hubspot.close(ctx);
	CHECK_STR(crm_hubspot.status_of(MK_STATUS_OPEN), "NOT_STARTED");
	CHECK_STR(crm_hubspot.status_of(MK_STATUS_DONE), "COMPLETED");
	CHECK_STR(crm_hubspot.status_of(MK_STATUS_BLOCKED), "WAITING");
	CHECK_STR(crm_hubspot.status_of(MK_STATUS_DROPPED), "DEFERRED");
	CHECK(crm_hubspot.record_url(&cfg, "deal", "123") == NULL); /* no portal id */
	remote_config_set(&cfg.hs_portal_id, "4455");
	CHECK_STR(u = crm_hubspot.record_url(&cfg, "deal", "123"), "https://app.hubspot.com/contacts/4455/record/0-3/123");
	free(u);
	remote_config_set(&cfg.hs_app, "https://app-eu1.hubspot.com/");
	CHECK_STR(u = crm_hubspot.record_url(&cfg, "task", "987"), "https://app-eu1.hubspot.com/contacts/4455/record/0-27/987");
	free(u);
	CHECK(crm_hubspot.record_url(&cfg, "contact", "1") == NULL);
	remote_config_release(&cfg);
}

/* ---- the backend against the fake portal --------------------------------------------- */

#define TOKEN "pat-na1-fake-0000-token"

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
		execlp("python3", "python3", "tests/fake/fake_hubspot.py", "--lifetime", "120", "--page-size", "2",
		       (char *)NULL);
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

/* METHOD /_fake/what with body: the reply as JSON (NULL when none). */
static json_t *fake(const char *method, const char *what, const char *body)
{
	struct http_opts o;
	struct mk_buf b;
	struct mk_diag d;
	long status = 0;
	json_t *j = NULL;
	char *url = mk_sprintf("http://127.0.0.1:%d/_fake/%s", fake_port, what);
	struct http_req r = { .method = method, .url = url, .body = body,
			      .content_type = body ? "application/json" : NULL, .max_bytes = 1 << 22 };
	http_opts_init(&o);
	mk_buf_init(&b);
	if (http_do(&o, &r, &status, &b, &d) == MK_OK && status == 200)
		j = json_loads(b.s, 0, NULL);
	mk_buf_release(&b);
	free(url);
	return j;
}

static void fake_do(const char *what, const char *body)
{
	json_decref(fake("POST", what, body));
}

/* The fake's count of requests "METHOD /path/{id}". */
static long fake_count(const char *key)
{
	json_t *j = fake("GET", "state", NULL);
	long v = (long)json_integer_value(json_object_get(json_object_get(j, "counts"), key));
	json_decref(j);
	return v;
}

/* A property of task id in the fake (a new string, or NULL). */
static char *fake_task_prop(const char *id, const char *prop)
{
	json_t *j = fake("GET", "state", NULL);
	json_t *t = json_object_get(json_object_get(j, "tasks"), id);
	char *v = remote_json_str(json_object_get(t, "properties"), prop);
	if (!strcmp(prop, "deals") && json_array_size(json_object_get(t, "deals")) == 1)
		v = mk_strdup(json_string_value(json_array_get(json_object_get(t, "deals"), 0)));
	json_decref(j);
	return v;
}

static void cfg_fake(struct remote_config *cfg)
{
	char *api = mk_sprintf("http://127.0.0.1:%d", fake_port);
	remote_config_init(cfg);
	remote_config_set(&cfg->hs_token, TOKEN);
	remote_config_set(&cfg->hs_api, api);
	cfg->net.retries = 2;
	cfg->net.backoff_ms = 10;
	cfg->net.backoff_max_ms = 40;
	free(api);
}

static void check_line(const struct mk_diag *d)
{
	CHECK(d->msg[0] && !strchr(d->msg, '\n') && !strstr(d->msg, TOKEN));
}

static void test_fake_deals(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *c = NULL;
	char *name = NULL, **ids = NULL;
	size_t n = 0;
	cfg_fake(&cfg);
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);
	CHECK(crm_hubspot.deal_get(c, "1001", &name, &d) == MK_OK);
	CHECK_STR(name, "Northwind");
	free(name);
	CHECK(crm_hubspot.deal_get(c, "999", &name, &d) == MK_ENOTFOUND && name == NULL);
	CHECK_STR(d.msg, "hubspot: no deal 999 (check the id)");
	CHECK(crm_hubspot.deal_find(c, "acme", &ids, &n, &d) == MK_OK && n == 2);
	if (n == 2)
		CHECK(!strcmp(ids[0], "1002") && !strcmp(ids[1], "1003"));
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	CHECK(crm_hubspot.deal_find(c, "Nobody", &ids, &n, &d) == MK_OK && n == 0);
	free(ids);
	crm_hubspot.close(c);
	remote_config_release(&cfg);
}

static void item_of(struct mk_crm_item *it, int64_t id, char *key)
{
	memset(it, 0, sizeof *it);
	it->item.id = id;
	it->item.side = MK_SIDE_SELLER;
	it->owner_email = "ana@routewise.example";
	it->key = key;
}

static void test_fake_owner(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	struct mk_crm_item it;
	void *c = NULL;
	char *o;
	cfg_fake(&cfg);
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);
	item_of(&it, 1, "mk-t-1");
	long before = fake_count("GET /crm/v3/owners");
	CHECK_STR(o = crm_hubspot.owner_of(c, "1001", &it), "41");
	free(o);
	CHECK_STR(o = crm_hubspot.owner_of(c, "1001", &it), "41");
	free(o);
	CHECK(fake_count("GET /crm/v3/owners") == before + 1); /* asked once a run */
	it.owner_email = "nobody@routewise.example";
	CHECK(crm_hubspot.owner_of(c, "1001", &it) == NULL);
	it.owner_email = "ana@routewise.example";
	it.item.side = MK_SIDE_BUYER;
	CHECK(crm_hubspot.owner_of(c, "1001", &it) == NULL);
	crm_hubspot.close(c);
	remote_config_release(&cfg);
}

/* Creates item id's task on deal: its id (a new string) or NULL. */
static char *create(void *c, int64_t id, const char *deal, const char *due, struct mk_diag *d)
{
	struct mk_crm_item it;
	char key[32], desc[96], subject[32], *rid = NULL, *mod = NULL;
	snprintf(key, sizeof key, "mk-t-%lld", (long long)id);
	snprintf(desc, sizeof desc, "Added by hand in mapkeeper.\nmapkeeper item #%lld (key %s)", (long long)id, key);
	snprintf(subject, sizeof subject, "Action %lld", (long long)id);
	item_of(&it, id, key);
	struct crm_want w = { .it = &it, .deal_id = deal, .st = { subject, (char *)due, "NOT_STARTED", "41" },
			      .description = desc };
	if (crm_hubspot.upsert(c, &w, &rid, &mod, d) != MK_OK)
		return NULL;
	CHECK(mod != NULL);
	free(mod);
	return rid;
}

static void test_fake_tasks(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	struct mk_crm_item it;
	void *c = NULL;
	char *id1, *id2, *id3, *other, *v, *rid = NULL, *mod = NULL;
	cfg_fake(&cfg);
	fake_do("reset", NULL);
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);
	id1 = create(c, 1, "1001", "2026-12-10", &d);
	id2 = create(c, 2, "1001", NULL, &d);
	id3 = create(c, 12, "1001", "2026-12-11", &d);
	other = create(c, 4, "1004", "2026-12-12", &d); /* on another deal */
	CHECK(id1 && id2 && id3 && other);
	if (!id1 || !id2 || !id3 || !other)
		goto out;
	CHECK_STR(v = fake_task_prop(id1, "hs_timestamp"), "2026-12-10T12:00:00Z");
	free(v);
	CHECK_STR(v = fake_task_prop(id1, "hs_task_type"), "TODO");
	free(v);
	CHECK_STR(v = fake_task_prop(id1, "hubspot_owner_id"), "41");
	free(v);
	CHECK_STR(v = fake_task_prop(id1, "deals"), "1001");
	free(v);
	CHECK(v = fake_task_prop(id2, "hs_task_body"));
	CHECK(v && strstr(v, "(key mk-t-2)") && strstr(v, HS_NO_DUE));
	free(v);

	/* find_by_key: the whole key only (mk-t-1 is not mk-t-12) */
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-1", &rid, &d) == MK_OK);
	CHECK_STR(rid, id1);
	free(rid);
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-99", &rid, &d) == MK_OK && rid == NULL);
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-4", &rid, &d) == MK_OK && rid == NULL);
	/* a search that does not find the key as a token: the deal's tasks are read for it */
	fake_do("tokens", "{\"on\":false}");
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-12", &rid, &d) == MK_OK);
	CHECK_STR(rid, id3);
	free(rid);
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-4", &rid, &d) == MK_OK && rid == NULL);
	fake_do("tokens", "{\"on\":true}");
	/* a search index that has not caught up yet: the deal's associations, every page, by id */
	fake_do("lag", "{\"seconds\":60}");
	long assoc = fake_count("GET /crm/v4/objects/deals/{id}/associations/tasks");
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-2", &rid, &d) == MK_OK);
	CHECK_STR(rid, id2);
	free(rid);
	CHECK(fake_count("GET /crm/v4/objects/deals/{id}/associations/tasks") == assoc + 2); /* 3 tasks, 2 a page */
	fake_do("lag", "{\"seconds\":0}");

	/* tasks: every page (2 a page), plus an item's task on another deal, read by id */
	struct mk_crm_item items[3];
	item_of(&items[0], 1, "mk-t-1");
	items[0].remote_id = id1;
	item_of(&items[1], 4, "mk-t-4");
	items[1].remote_id = other;
	item_of(&items[2], 5, "mk-t-5");
	items[2].remote_id = "8999999"; /* deleted long ago */
	struct hs_tasks got = { 0 };
	long reads = fake_count("POST /crm/v3/objects/tasks/batch/read");
	CHECK(crm_hubspot.tasks(c, "1001", items, 3, &got.v, &got.n, &d) == MK_OK);
	CHECK(got.n == 4);
	CHECK(fake_count("POST /crm/v3/objects/tasks/batch/read") == reads + 1);
	for (size_t i = 0; i < got.n; i++) {
		CHECK(strcmp(got.v[i].id, "8999999") != 0);
		if (!strcmp(got.v[i].id, id2))
			CHECK(got.v[i].st.due == NULL && !strcmp(got.v[i].key, "mk-t-2"));
		if (!strcmp(got.v[i].id, id3))
			CHECK(!strcmp(got.v[i].st.due, "2026-12-11") && !strcmp(got.v[i].st.status, "NOT_STARTED"));
	}
	hs_tasks_release(&got);

	/* a user completes and re-dates a task: the list says so */
	char *ctl = mk_sprintf("task/%s", id3);
	fake_do(ctl, "{\"properties\":{\"hs_task_status\":\"COMPLETED\",\"hs_timestamp\":\"2026-12-20T08:00:00Z\"}}");
	CHECK(crm_hubspot.tasks(c, "1001", items, 1, &got.v, &got.n, &d) == MK_OK);
	for (size_t i = 0; i < got.n; i++)
		if (!strcmp(got.v[i].id, id3))
			CHECK(got.v[i].done && !strcmp(got.v[i].st.due, "2026-12-20"));
	hs_tasks_release(&got);

	/* update, then a task deleted in HubSpot: MK_ENOTFOUND */
	item_of(&it, 12, "mk-t-12");
	it.remote_id = id3;
	struct crm_want w = { .it = &it, .deal_id = "1001", .st = { "Action 12 (new words)", "2026-12-21", "WAITING", NULL },
			      .description = "x\nmapkeeper item #12 (key mk-t-12)" };
	CHECK(crm_hubspot.upsert(c, &w, &rid, &mod, &d) == MK_OK);
	CHECK_STR(rid, id3);
	free(rid);
	free(mod);
	CHECK_STR(v = fake_task_prop(id3, "hs_task_subject"), "Action 12 (new words)");
	free(v);
	CHECK_STR(v = fake_task_prop(id3, "hubspot_owner_id"), "41"); /* no owner now: left as it was */
	free(v);
	/* a gone item's closing: the status alone; the body (its key) and date stay */
	struct crm_want gone = { .it = &it, .deal_id = "1001", .st = { "Action 12 (new words)", NULL, "DEFERRED", NULL } };
	CHECK(crm_hubspot.upsert(c, &gone, &rid, &mod, &d) == MK_OK);
	free(rid);
	free(mod);
	CHECK_STR(v = fake_task_prop(id3, "hs_task_status"), "DEFERRED");
	free(v);
	CHECK_STR(v = fake_task_prop(id3, "hs_timestamp"), "2026-12-21T12:00:00Z");
	free(v);
	CHECK((v = fake_task_prop(id3, "hs_task_body")) && strstr(v, "(key mk-t-12)"));
	free(v);
	json_decref(fake("DELETE", ctl, NULL));
	CHECK(crm_hubspot.upsert(c, &w, &rid, &mod, &d) == MK_ENOTFOUND && rid == NULL);
	check_line(&d);
	free(ctl);
out:
	free(id1);
	free(id2);
	free(id3);
	free(other);
	crm_hubspot.close(c);
	remote_config_release(&cfg);
}

static void test_fake_faults(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *c = NULL;
	char *id, *rid = NULL;
	cfg_fake(&cfg);
	fake_do("reset", NULL);
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);

	/* the create's reply is lost: not repeated; the task is there and found by its key */
	fake_do("lost", "{\"count\":1}");
	CHECK(create(c, 7, "1001", "2026-12-10", &d) == NULL);
	CHECK(strstr(d.msg, "HTTP 500") && strstr(d.msg, "the next push looks for it"));
	check_line(&d);
	CHECK(fake_count("POST /crm/v3/objects/tasks") == 1);
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-7", &rid, &d) == MK_OK && rid != NULL);
	free(rid);

	/* the connection drops after the create: not repeated either */
	fake_do("lost", "{\"count\":1,\"cut\":true}");
	CHECK(create(c, 11, "1001", NULL, &d) == NULL);
	CHECK(strstr(d.msg, "cut short") && strstr(d.msg, "the next push looks for it"));
	check_line(&d);
	CHECK(fake_count("POST /crm/v3/objects/tasks") == 2);
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-11", &rid, &d) == MK_OK && rid != NULL);
	free(rid);

	/* 429 with Retry-After and 500 on a search: retried */
	fake_do("fault", "{\"status\":429,\"count\":1,\"retry_after\":1,\"match\":\"POST /crm/v3/objects/tasks\"}");
	CHECK((id = create(c, 8, "1001", NULL, &d)) != NULL);
	free(id);
	CHECK(fake_count("POST /crm/v3/objects/tasks") == 4);
	fake_do("fault", "{\"status\":500,\"count\":1,\"match\":\"POST /crm/v3/objects/tasks/search\"}");
	CHECK(crm_hubspot.find_by_key(c, "1001", "mk-t-8", &rid, &d) == MK_OK && rid != NULL);
	free(rid);
	/* 500 on a create: not repeated */
	fake_do("fault", "{\"status\":503,\"count\":3,\"match\":\"POST /crm/v3/objects/tasks\"}");
	long creates = fake_count("POST /crm/v3/objects/tasks");
	CHECK(create(c, 9, "1001", NULL, &d) == NULL);
	CHECK(fake_count("POST /crm/v3/objects/tasks") == creates + 1);
	fake_do("fault", "{\"status\":503,\"count\":0,\"match\":\"\"}");
	fake_do("reset", NULL);

	/* rate limited past the retries: one line */
	fake_do("fault", "{\"status\":429,\"count\":9,\"retry_after\":0,\"match\":\"GET\"}");
	char *name = NULL;
	CHECK(crm_hubspot.deal_get(c, "1001", &name, &d) == MK_ENET && name == NULL);
	CHECK(strstr(d.msg, "429") != NULL);
	check_line(&d);
	fake_do("reset", NULL);

	/* a scope taken away: named */
	fake_do("scopes", "{\"remove\":[\"crm.objects.contacts.write\"]}");
	CHECK(create(c, 10, "1001", NULL, &d) == NULL);
	CHECK_STR(d.msg, "hubspot: the private app lacks a scope (HTTP 403): give it crm.objects.contacts.write");
	fake_do("scopes", "{\"all\":true}");
	crm_hubspot.close(c);

	/* a refused token */
	remote_config_set(&cfg.hs_token, "pat-na1-wrong-SECRET");
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);
	CHECK(crm_hubspot.deal_get(c, "1001", &name, &d) == MK_ENET);
	CHECK_STR(d.msg, "hubspot: the access token was refused (HTTP 401): check HUBSPOT_TOKEN");
	crm_hubspot.close(c);
	remote_config_release(&cfg);
}

static void test_fake_next_step(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *c = NULL;
	cfg_fake(&cfg);
	fake_do("reset", NULL);
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);
	CHECK(crm_hubspot.next_step(c, "1001", "Ana: send the proposal (due 2026-12-10)", "0% done, 0 overdue, 0 slipped",
				    &d) == MK_OK);
	json_t *j = fake("GET", "state", NULL), *deal = json_object_get(json_object_get(j, "deals"), "1001");
	CHECK_STR(json_string_value(json_object_get(deal, "hs_next_step")), "Ana: send the proposal (due 2026-12-10)");
	CHECK(json_object_get(deal, "mapkeeper_plan_health") == NULL); /* the portal lacks it */
	json_decref(j);
	CHECK(crm_hubspot.next_step(c, "999", "x", NULL, &d) == MK_ENOTFOUND);
	CHECK_STR(d.msg, "hubspot: no deal 999 (check the id)");
	crm_hubspot.close(c);

	fake_do("health", "{\"on\":true}");
	CHECK(crm_hubspot.open(&cfg, &c, &d) == MK_OK);
	CHECK(crm_hubspot.next_step(c, "1001", NULL, "50% done, 1 overdue, 0 slipped", &d) == MK_OK);
	CHECK(crm_hubspot.next_step(c, "1002", NULL, "0% done, 0 overdue, 0 slipped", &d) == MK_OK);
	CHECK(fake_count("GET /crm/v3/properties/deals/mapkeeper_plan_health") == 2); /* once a run */
	j = fake("GET", "state", NULL);
	deal = json_object_get(json_object_get(j, "deals"), "1001");
	CHECK_STR(json_string_value(json_object_get(deal, "mapkeeper_plan_health")), "50% done, 1 overdue, 0 slipped");
	CHECK_STR(json_string_value(json_object_get(deal, "hs_next_step")), "Ana: send the proposal (due 2026-12-10)");
	json_decref(j);
	crm_hubspot.close(c);
	remote_config_release(&cfg);
}

int main(void)
{
	RUN(test_error_401);
	RUN(test_error_scopes);
	RUN(test_error_others);
	RUN(test_error_long);
	RUN(test_page);
	RUN(test_assoc);
	RUN(test_key);
	RUN(test_due);
	RUN(test_sent);
	RUN(test_backend);
	if (fake_start() != 0) {
		printf("not ok %d - cannot start tests/fake/fake_hubspot.py\n", ++tap_n);
		tap_failed++;
		fake_stop();
		return tap_done();
	}
	RUN(test_fake_deals);
	RUN(test_fake_owner);
	RUN(test_fake_tasks);
	RUN(test_fake_faults);
	RUN(test_fake_next_step);
	fake_stop();
	return tap_done();
}
