/*
 * test_crm_hubspot.c: the HubSpot backend's pure parts (crm/hubspot.h): the one-line errors
 * of HubSpot's error replies (401, 403 MISSING_SCOPES, 400 VALIDATION_ERROR, 404, 409, 5xx,
 * bodies that are not JSON), a search page of tasks (ids, keys, due days, statuses, paging),
 * the key in a body, the due timestamp sent and read back, and the backend's configuration
 * checks, status values and record links. No network (the CLI test t84 drives the fake).
 */
#include "crm/hubspot.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	RUN(test_error_401);
	RUN(test_error_scopes);
	RUN(test_error_others);
	RUN(test_error_long);
	RUN(test_page);
	RUN(test_key);
	RUN(test_due);
	RUN(test_sent);
	RUN(test_backend);
	return tap_done();
}
