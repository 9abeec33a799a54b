/*
 * test_crm_salesforce.c: the Salesforce backend (crm/salesforce.c, sf_parse.c, sf_jwt.c):
 * its pure readers (token reply, error array, query page, Task record, describe, upsert
 * reply), SOQL literals, the JWT assertion (signed with a key made here, verified here),
 * the key file's permission rule; then every member of crm_salesforce against
 * tests/fake/fake_salesforce.py on 127.0.0.1: both token flows, renewal on a 401, paging,
 * retries on 500 and 429, upsert by External ID (create then update), the missing field,
 * deleted and archived Tasks, owners from Contacts, NextStep and health, error lines.
 */
#include "crm/sf.h"
#include "tap.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECRET   "sf-s3cret-XYZ"
#define CLIENT   "3MVG9fake.client.id"
#define USERNAME "mk-integration@acme.example"
#define ACME     "006000000000001AAA"
#define GLOBEX   "006000000000002AAA"

static struct mk_buf mkbuf(const char *s)
{
	struct mk_buf b;
	mk_buf_init(&b);
	mk_buf_adds(&b, s);
	return b;
}

/* Every message: one line, no secret, no token. */
static void check_msg(const struct mk_diag *d)
{
	CHECK(d->msg[0] != '\0');
	CHECK(!strchr(d->msg, '\n'));
	CHECK(!strstr(d->msg, SECRET));
	CHECK(!strstr(d->msg, "tok-"));
	CHECK(!strncmp(d->msg, "salesforce: ", 12));
}

/* ---- pure readers -------------------------------------------------------------- */

static void test_token(void)
{
	struct remote_token tok = { NULL, 0 };
	struct mk_diag d;
	char *inst = NULL;
	struct mk_buf b = mkbuf("{\"access_token\":\"00D!tok-1\",\"instance_url\":\"https://acme.my.salesforce.com\","
				"\"token_type\":\"Bearer\",\"issued_at\":\"1\"}");
	CHECK(sf_parse_token(&b, 200, 0, &tok, &inst, &d) == MK_OK);
	CHECK_STR(tok.value, "00D!tok-1");
	CHECK_STR(inst, "https://acme.my.salesforce.com");
	free(inst);
	mk_buf_release(&b);

	b = mkbuf("{\"access_token\":\"t\",\"instance_url\":\"http://evil.example\"}");
	mk_diag_clear(&d);
	CHECK(sf_parse_token(&b, 200, 0, &tok, &inst, &d) == MK_ENET && !inst);
	CHECK_STR(d.msg, "salesforce: plain http is only allowed to loopback addresses");
	mk_buf_release(&b);

	b = mkbuf("{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}");
	mk_diag_clear(&d);
	CHECK(sf_parse_token(&b, 400, 0, &tok, &inst, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: the token was refused (HTTP 400, invalid_client: invalid client credentials): "
			 "check SF_CLIENT_ID and SF_CLIENT_SECRET (the External Client App's consumer key and secret)");
	check_msg(&d);
	mk_buf_release(&b);

	b = mkbuf("{\"error\":\"invalid_grant\",\"error_description\":\"user hasn't approved\\nthis consumer\"}");
	mk_diag_clear(&d);
	CHECK(sf_parse_token(&b, 400, 1, &tok, &inst, &d) == MK_ENET);
	CHECK(strstr(d.msg, "invalid_grant: user hasn't approved this consumer"));
	CHECK(strstr(d.msg, "check SF_USERNAME"));
	check_msg(&d);
	mk_buf_release(&b);

	b = mkbuf("{\"error\":\"invalid_grant\",\"error_description\":\"no client credentials user enabled\"}");
	CHECK(sf_parse_token(&b, 400, 0, &tok, &inst, &d) == MK_ENET);
	CHECK(strstr(d.msg, "enable the client credentials flow on the External Client App and set its Run As user"));
	mk_buf_release(&b);

	b = mkbuf("<html>down</html>");
	CHECK(sf_parse_token(&b, 503, 0, &tok, &inst, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: token request failed (HTTP 503): check SF_DOMAIN");
	mk_buf_release(&b);
	b = mkbuf("{\"token_type\":\"Bearer\"}");
	CHECK(sf_parse_token(&b, 200, 0, &tok, &inst, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: token response has no access_token");
	CHECK_STR(tok.value, "00D!tok-1"); /* a failed reply leaves the token */
	mk_buf_release(&b);
	remote_config_set(&tok.value, NULL);
}

/* sf_parse_error's code and line for one reply. */
static enum mk_err error_of(const char *body, long status, struct mk_diag *d)
{
	struct mk_buf b = mkbuf(body);
	mk_diag_clear(d);
	enum mk_err err = sf_parse_error(&b, status, "upsert of Task mk-a-1", d);
	mk_buf_release(&b);
	check_msg(d);
	return err;
}

static void test_errors(void)
{
	struct mk_diag d;
	CHECK(error_of("[{\"message\":\"The requested resource does not exist\",\"errorCode\":\"NOT_FOUND\"}]", 404,
		       &d) == MK_ENOTFOUND);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1: not found (NOT_FOUND)");
	CHECK(error_of("[{\"message\":\"entity is deleted\",\"errorCode\":\"ENTITY_IS_DELETED\",\"fields\":[]}]", 400,
		       &d) == MK_ENOTFOUND);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1: deleted in Salesforce (ENTITY_IS_DELETED)");
	CHECK(error_of("[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]",
		       403, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: the org's daily API request limit is used up (REQUEST_LIMIT_EXCEEDED): "
			 "try again once it resets, or raise it");
	CHECK(error_of("[{\"message\":\"x\",\"errorCode\":\"INSUFFICIENT_ACCESS_OR_READONLY\",\"fields\":[\"WhoId\"]}]",
		       400, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1: permission denied (INSUFFICIENT_ACCESS_OR_READONLY): "
			 "give the app's user access to Tasks and Opportunities and the field WhoId");
	CHECK(error_of("[{\"message\":\"No such column 'Foo__c'\",\"errorCode\":\"INVALID_FIELD\"}]", 400, &d) ==
	      MK_EARG);
	CHECK(strstr(d.msg, "INVALID_FIELD: No such column 'Foo__c'"));
	CHECK(error_of("[{\"message\":\"Need a\\nreal subject\\r\",\"errorCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}]",
		       400, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1: a validation rule of the org refused it: Need a real "
			 "subject  (FIELD_CUSTOM_VALIDATION_EXCEPTION)");
	CHECK(error_of("[{\"message\":\"Id: bad\",\"errorCode\":\"MALFORMED_ID\"}]", 400, &d) == MK_EARG);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1: malformed id (MALFORMED_ID: Id: bad)");
	CHECK(error_of("[{\"message\":\"boom\",\"errorCode\":\"UNKNOWN_EXCEPTION\"}]", 500, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1: UNKNOWN_EXCEPTION: boom (HTTP 500)");
	CHECK(error_of("not json", 502, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: upsert of Task mk-a-1 failed (HTTP 502)");
	CHECK(error_of("", 404, &d) == MK_ENOTFOUND);
	CHECK(error_of("[]", 400, &d) == MK_ENET);
	/* a long message is cut: the line stays short */
	char big[2000];
	snprintf(big, sizeof big, "[{\"errorCode\":\"X\",\"message\":\"%0*d\"}]", 1500, 7);
	error_of(big, 400, &d);
	CHECK(strlen(d.msg) < 260);
}

static void test_query_page(void)
{
	struct mk_diag d;
	json_t *recs = NULL;
	char *next = NULL;
	struct mk_buf b = mkbuf("{\"totalSize\":3,\"done\":false,\"nextRecordsUrl\":\"/services/data/v62.0/query/"
				"01gD0000002HU6KIAW-2000\",\"records\":[{\"Id\":\"a\"},{\"Id\":\"b\"}]}");
	CHECK(sf_parse_query(&b, &recs, &next, &d) == MK_OK);
	CHECK(json_array_size(recs) == 2);
	CHECK_STR(next, "/services/data/v62.0/query/01gD0000002HU6KIAW-2000");
	json_decref(recs);
	free(next);
	mk_buf_release(&b);

	const char *bad[] = { "https://evil.example/services/data/v62.0/query/x-1", "/services/data/../../x",
			      "/services/data//evil.example/x", "/other/x", "/services/data/v62.0/query/x?y=1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *s = mk_sprintf("{\"done\":false,\"nextRecordsUrl\":\"%s\",\"records\":[]}", bad[i]);
		b = mkbuf(s);
		mk_diag_clear(&d);
		CHECK(sf_parse_query(&b, &recs, &next, &d) == MK_ENET && !recs && !next);
		CHECK_STR(d.msg, "salesforce: query response's nextRecordsUrl is not under /services/data/");
		mk_buf_release(&b);
		free(s);
	}
	b = mkbuf("{\"done\":true,\"nextRecordsUrl\":\"/services/data/v62.0/query/x-1\",\"records\":[]}");
	CHECK(sf_parse_query(&b, &recs, &next, &d) == MK_OK && !next && json_array_size(recs) == 0);
	json_decref(recs);
	mk_buf_release(&b);
	b = mkbuf("[{\"errorCode\":\"X\"}]");
	CHECK(sf_parse_query(&b, &recs, &next, &d) == MK_ENET);
	CHECK_STR(d.msg, "salesforce: query response has no records");
	mk_buf_release(&b);
}

static void test_task_record(void)
{
	struct crm_task t;
	json_t *j = json_loads("{\"Id\":\"00T1\",\"Mapkeeper_Id__c\":\"mk-a-1\",\"Subject\":\"Send the DPA\","
			       "\"ActivityDate\":\"2025-03-14\",\"Status\":\"Waiting on someone else\",\"IsClosed\":false,"
			       "\"WhoId\":null,\"LastModifiedDate\":\"2025-03-01T10:00:00.000+0000\"}", 0, NULL);
	sf_task_from_json(j, "Mapkeeper_Id__c", &t);
	CHECK_STR(t.id, "00T1");
	CHECK_STR(t.key, "mk-a-1");
	CHECK_STR(t.st.subject, "Send the DPA");
	CHECK_STR(t.st.due, "2025-03-14");
	CHECK_STR(t.st.status, "Waiting on someone else");
	CHECK(!t.st.owner && t.waiting && !t.done);
	CHECK_STR(t.modified, "2025-03-01T10:00:00.000+0000");
	crm_task_release(&t);
	json_decref(j);
	j = json_loads("{\"Id\":\"00T2\",\"Status\":\"Completed\",\"IsClosed\":true,\"WhoId\":\"003x\","
		       "\"ActivityDate\":null}", 0, NULL);
	sf_task_from_json(j, "Other__c", &t);
	CHECK(t.done && !t.waiting && !t.key && !t.st.due);
	CHECK_STR(t.st.owner, "003x");
	crm_task_release(&t);
	json_decref(j);
}

static void test_describe_and_upsert(void)
{
	struct mk_diag d;
	int ex = 0, ext = 0, created = 0;
	char *id = NULL;
	struct mk_buf b = mkbuf("{\"fields\":[{\"name\":\"Subject\",\"externalId\":false},{\"name\":\"Mapkeeper_Id__c\","
				"\"externalId\":true},{\"name\":\"Plain__c\",\"externalId\":false}]}");
	CHECK(sf_parse_describe(&b, "Mapkeeper_Id__c", &ex, &ext, &d) == MK_OK && ex && ext);
	CHECK(sf_parse_describe(&b, "Plain__c", &ex, &ext, &d) == MK_OK && ex && !ext);
	CHECK(sf_parse_describe(&b, "mapkeeper_id__c", &ex, &ext, &d) == MK_OK && !ex && !ext);
	mk_buf_release(&b);
	b = mkbuf("{\"name\":\"Task\"}");
	CHECK(sf_parse_describe(&b, "X", &ex, &ext, &d) == MK_ENET);
	mk_buf_release(&b);

	b = mkbuf("{\"id\":\"00T9\",\"success\":true,\"errors\":[],\"created\":true}");
	CHECK(sf_parse_upsert(&b, 201, &id, &created, &d) == MK_OK && created);
	CHECK_STR(id, "00T9");
	free(id);
	mk_buf_release(&b);
	b = mkbuf("{\"id\":\"00T9\",\"success\":true,\"errors\":[],\"created\":false}");
	CHECK(sf_parse_upsert(&b, 200, &id, &created, &d) == MK_OK && !created);
	CHECK_STR(id, "00T9");
	free(id);
	mk_buf_release(&b);
	b = mkbuf("");
	CHECK(sf_parse_upsert(&b, 204, &id, &created, &d) == MK_OK && !id && !created);
	mk_buf_release(&b);
	b = mkbuf("{\"success\":false,\"errors\":[{\"errorCode\":\"ENTITY_IS_DELETED\",\"message\":\"gone\"}]}");
	CHECK(sf_parse_upsert(&b, 200, &id, &created, &d) == MK_ENOTFOUND && !id);
	mk_buf_release(&b);
}

static void test_soql_and_cut(void)
{
	char *s = sf_soql_escape("O'Brien \\ \"Big\"\nDeal");
	CHECK_STR(s, "O\\'Brien \\\\ \\\"Big\\\"\\nDeal");
	free(s);
	s = sf_soql_escape("' OR Name != '");
	CHECK_STR(s, "\\' OR Name != \\'");
	free(s);
	s = sf_cut_chars("h\xc3\xa9llo", 2);
	CHECK_STR(s, "h\xc3\xa9");
	free(s);
	s = sf_cut_chars("abc", 255);
	CHECK_STR(s, "abc");
	free(s);
}

/* ---- the JWT --------------------------------------------------------------------- */

static char *pem_of(EVP_PKEY *k, int pub)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	if (pub)
		PEM_write_bio_PUBKEY(bio, k);
	else
		PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	long n = BIO_get_mem_data(bio, &data);
	out = mk_strndup(data, (size_t)n);
	BIO_free(bio);
	return out;
}

/* base64url (no padding) decoded; *n its length. */
static unsigned char *unb64url(const char *s, size_t len, size_t *n)
{
	struct mk_buf b;
	mk_buf_init(&b);
	for (size_t i = 0; i < len; i++)
		mk_buf_addc(&b, s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i]);
	while (b.len % 4)
		mk_buf_addc(&b, '=');
	unsigned char *out = mk_malloc(b.len);
	int r = EVP_DecodeBlock(out, (unsigned char *)b.s, (int)b.len);
	*n = r < 0 ? 0 : (size_t)r - (len % 4 == 2 ? 2 : len % 4 == 3 ? 1 : 0);
	mk_buf_release(&b);
	return out;
}

static int verify(EVP_PKEY *k, const char *data, size_t n, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
		 EVP_DigestVerify(md, sig, siglen, (const unsigned char *)data, n) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

static EVP_PKEY *rsa_key;

static void test_jwt(void)
{
	struct mk_diag d;
	char *pem = pem_of(rsa_key, 0), *jwt = NULL;
	time_t now = 1700000000;
	CHECK(sf_jwt_sign(pem, strlen(pem), CLIENT, USERNAME, "https://login.salesforce.com", now, &jwt, &d) == MK_OK);
	char *dot1 = jwt ? strchr(jwt, '.') : NULL, *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	CHECK(dot1 && dot2 && !strchr(dot2 + 1, '.') && !strchr(jwt, '='));
	if (dot1 && dot2) {
		size_t n;
		unsigned char *h = unb64url(jwt, (size_t)(dot1 - jwt), &n);
		CHECK(n == 15 && !memcmp(h, "{\"alg\":\"RS256\"}", 15));
		free(h);
		unsigned char *c = unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1), &n);
		json_t *claims = json_loadb((char *)c, n, 0, NULL);
		CHECK_STR(json_string_value(json_object_get(claims, "iss")), CLIENT);
		CHECK_STR(json_string_value(json_object_get(claims, "sub")), USERNAME);
		CHECK_STR(json_string_value(json_object_get(claims, "aud")), "https://login.salesforce.com");
		CHECK(json_integer_value(json_object_get(claims, "exp")) == now + 180);
		json_decref(claims);
		free(c);
		unsigned char *sig = unb64url(dot2 + 1, strlen(dot2 + 1), &n);
		CHECK(n == 256);
		CHECK(verify(rsa_key, jwt, (size_t)(dot2 - jwt), sig, n));
		CHECK(!verify(rsa_key, jwt, (size_t)(dot2 - jwt) - 1, sig, n)); /* the check can fail */
		free(sig);
	}
	free(jwt);
	/* not a key; a key that is not RSA */
	mk_diag_clear(&d);
	CHECK(sf_jwt_sign("nope", 4, CLIENT, USERNAME, "a", now, &jwt, &d) == MK_EARG && !jwt);
	CHECK_STR(d.msg, "salesforce: SF_JWT_KEY_FILE is not a PEM RSA private key (unencrypted)");
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	char *ecpem = pem_of(ec, 0);
	CHECK(sf_jwt_sign(ecpem, strlen(ecpem), CLIENT, USERNAME, "a", now, &jwt, &d) == MK_EARG && !jwt);
	free(ecpem);
	EVP_PKEY_free(ec);
	free(pem);

	struct mk_buf b;
	mk_buf_init(&b);
	sf_base64url((const unsigned char *)"\xfb\xff", 2, &b);
	CHECK_STR(b.s, "-_8");
	mk_buf_release(&b);
}

static char keyfile[64], pubfile[64];

static void write_file(const char *path, const char *s, int mode)
{
	FILE *f = fopen(path, "w");
	fputs(s, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static void test_key_file(void)
{
	struct mk_diag d;
	struct mk_buf pem;
	mk_buf_init(&pem);
	chmod(keyfile, 0640);
	CHECK(sf_jwt_key_load(keyfile, &pem, &d) == MK_EARG);
	CHECK(strstr(d.msg, "is readable by group or others: refused (chmod 600 it)"));
	chmod(keyfile, 0600);
	mk_buf_reset(&pem);
	CHECK(sf_jwt_key_load(keyfile, &pem, &d) == MK_OK && strstr(pem.s, "PRIVATE KEY"));
	mk_buf_reset(&pem);
	CHECK(sf_jwt_key_load("/nonexistent/key.pem", &pem, &d) == MK_EIO);
	mk_buf_release(&pem);
}

/* ---- against the fake org ----------------------------------------------------------- */

static pid_t fake_pid[2] = { -1, -1 };
static int fake_port[2];

static int fake_start(int i, const char *const *argv)
{
	int fd[2];
	if (pipe(fd) || (fake_pid[i] = fork()) < 0)
		return -1;
	if (fake_pid[i] == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp("python3", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	if (!f || fscanf(f, "%d", &fake_port[i]) != 1)
		fake_port[i] = 0;
	if (f)
		fclose(f);
	return fake_port[i] > 0 ? 0 : -1;
}

static void fake_stop(void)
{
	for (int i = 0; i < 2; i++)
		if (fake_pid[i] > 0) {
			kill(fake_pid[i], SIGTERM);
			waitpid(fake_pid[i], NULL, 0);
		}
}

/* A control request to fake i; the reply's JSON (or NULL). */
static json_t *ctl(int i, const char *path, const char *body)
{
	struct http_opts o;
	struct mk_buf b;
	struct mk_diag d;
	long status = 0;
	json_t *j = NULL;
	char *url = mk_sprintf("http://127.0.0.1:%d/_fake/%s", fake_port[i], path);
	struct http_req r = { .method = body ? "POST" : "GET", .url = url, .body = body,
			      .content_type = "application/json", .max_bytes = 1 << 22 };
	http_opts_init(&o);
	mk_buf_init(&b);
	if (http_do(&o, &r, &status, &b, &d) == MK_OK && status == 200)
		j = json_loads(b.s, 0, NULL);
	mk_buf_release(&b);
	free(url);
	return j;
}

static long count_of(int i, const char *key)
{
	json_t *j = ctl(i, "state", NULL);
	long v = (long)json_integer_value(json_object_get(json_object_get(j, "counts"), key));
	json_decref(j);
	return v;
}

static void cfg_for(struct remote_config *cfg, int i)
{
	char *s = mk_sprintf("http://127.0.0.1:%d", fake_port[i]);
	remote_config_init(cfg);
	remote_config_set(&cfg->sf_domain, s);
	remote_config_set(&cfg->sf_client_id, CLIENT);
	remote_config_set(&cfg->sf_client_secret, SECRET);
	free(s);
	cfg->net.timeout_s = 10;
	cfg->net.connect_timeout_s = 2;
	cfg->net.retries = 2;
	cfg->net.backoff_ms = 10;
	cfg->net.backoff_max_ms = 40;
}

static void test_open(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	remote_config_init(&cfg);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG && !ctx);
	CHECK_STR(d.msg, "salesforce: credentials missing: set SF_CLIENT_ID, SF_DOMAIN and SF_CLIENT_SECRET (or "
			 "SF_USERNAME and SF_JWT_KEY_FILE for the JWT bearer flow)");
	remote_config_set(&cfg.sf_client_id, CLIENT);
	remote_config_set(&cfg.sf_domain, "https://acme.my.salesforce.com");
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG);
	CHECK_STR(d.msg, "salesforce: credentials missing: set SF_CLIENT_SECRET (or SF_USERNAME and SF_JWT_KEY_FILE "
			 "for the JWT bearer flow)");
	remote_config_set(&cfg.sf_client_secret, SECRET);
	remote_config_set(&cfg.sf_domain, "http://acme.my.salesforce.com");
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG);
	remote_config_set(&cfg.sf_domain, "https://acme.my.salesforce.com/");
	remote_config_set(&cfg.sf_external_id, "Id__c' OR 1=1");
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG);
	check_msg(&d);
	remote_config_set(&cfg.sf_external_id, "Mapkeeper_Id__c");
	remote_config_set(&cfg.sf_api_version, "v62");
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG);
	CHECK_STR(d.msg, "salesforce: SF_API_VERSION 'v62' is not a version like 62.0");
	remote_config_set(&cfg.sf_api_version, "62.0");
	remote_config_set(&cfg.sf_username, USERNAME);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG);
	CHECK_STR(d.msg, "salesforce: SF_USERNAME is set but not SF_JWT_KEY_FILE: set both for the JWT bearer flow");
	remote_config_set(&cfg.sf_username, NULL);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK && ctx);
	crm_salesforce.close(ctx);

	char *u = crm_salesforce.record_url(&cfg, "task", "00T000000000001AAA");
	CHECK_STR(u, "https://acme.my.salesforce.com/lightning/r/Task/00T000000000001AAA/view");
	free(u);
	u = crm_salesforce.record_url(&cfg, "deal", ACME);
	CHECK_STR(u, "https://acme.my.salesforce.com/lightning/r/Opportunity/006000000000001AAA/view");
	free(u);
	CHECK(!crm_salesforce.record_url(&cfg, "deal", "../x"));
	CHECK_STR(crm_salesforce.status_of(MK_STATUS_OPEN), "Not Started");
	CHECK_STR(crm_salesforce.status_of(MK_STATUS_DONE), "Completed");
	CHECK_STR(crm_salesforce.status_of(MK_STATUS_BLOCKED), "Waiting on someone else");
	CHECK_STR(crm_salesforce.status_of(MK_STATUS_DROPPED), "Deferred");
	remote_config_release(&cfg);
}

static void test_deals(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	char *name = NULL, **ids = NULL;
	size_t n = 0;
	cfg_for(&cfg, 0);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_OK);
	CHECK_STR(name, "Acme Rollout");
	free(name);
	CHECK(cfg.sf_instance && strstr(cfg.sf_instance, "127.0.0.1"));
	mk_diag_clear(&d);
	CHECK(crm_salesforce.deal_get(ctx, "006000000000099AAA", &name, &d) == MK_ENOTFOUND && !name);
	CHECK_STR(d.msg, "salesforce: no Opportunity 006000000000099AAA (check the id)");
	CHECK(crm_salesforce.deal_get(ctx, "006/../x", &name, &d) == MK_EARG);
	check_msg(&d);
	/* the fake pages one record at a time: two pages */
	long pages = count_of(0, "pages");
	CHECK(crm_salesforce.deal_find(ctx, "initech", &ids, &n, &d) == MK_OK && n == 2);
	CHECK(count_of(0, "pages") == pages + 2);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	CHECK(crm_salesforce.deal_find(ctx, "O'Brien \\ Co' OR Name != '", &ids, &n, &d) == MK_OK && n == 0);
	free(ids);
	CHECK(crm_salesforce.deal_find(ctx, "Acme Rollout", &ids, &n, &d) == MK_OK && n == 1);
	CHECK(n == 1 && !strcmp(ids[0], ACME));
	free(ids[0]);
	free(ids);
	CHECK(count_of(0, "token") == 1); /* one token for the whole run */
	crm_salesforce.close(ctx);
	remote_config_release(&cfg);
}

static struct mk_crm_item item_of(int64_t id, const char *key, const char *owner, enum mk_side side)
{
	struct mk_crm_item it;
	memset(&it, 0, sizeof it);
	it.item.id = id;
	it.item.action = (char *)"Send the security questionnaire";
	it.item.owner = (char *)owner;
	it.item.side = side;
	it.key = (char *)key;
	return it;
}

static json_t *task_in_fake(int i, const char *key)
{
	json_t *s = ctl(i, "state", NULL), *t, *out = NULL;
	size_t k;
	json_array_foreach(json_object_get(s, "tasks"), k, t) {
		const char *v = json_string_value(json_object_get(t, "Mapkeeper_Id__c"));
		if (v && !strcmp(v, key) && !json_is_true(json_object_get(t, "IsDeleted")))
			out = json_incref(t);
	}
	json_decref(s);
	return out;
}

static void test_tasks(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	char *id = NULL, *id2 = NULL, *mod = NULL, *who;
	struct crm_task *tv = NULL;
	size_t n = 0;
	cfg_for(&cfg, 0);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);

	struct mk_crm_item it = item_of(7, "mk-test-7", "dana whitfield", MK_SIDE_BUYER);
	who = crm_salesforce.owner_of(ctx, ACME, &it);
	CHECK_STR(who, "003000000000001AAA");
	struct mk_crm_item it2 = item_of(8, "mk-test-8", "Someone Else", MK_SIDE_BUYER);
	it2.owner_email = (char *)"FARAH@acme.example";
	char *who2 = crm_salesforce.owner_of(ctx, ACME, &it2);
	CHECK_STR(who2, "003000000000002AAA");
	struct mk_crm_item seller = item_of(9, "mk-test-9", "Dana Whitfield", MK_SIDE_SELLER);
	CHECK(!crm_salesforce.owner_of(ctx, ACME, &seller));
	CHECK(!crm_salesforce.owner_of(ctx, GLOBEX, &it)); /* another Account's people */

	struct crm_want w = { &it, ACME, { (char *)"Send the security questionnaire", (char *)"2025-03-14",
					   (char *)"Not Started", who }, "\"I'll send it\" - Dana at 1:02 on call" };
	CHECK(crm_salesforce.upsert(ctx, &w, &id, &mod, &d) == MK_OK && id);
	CHECK(count_of(0, "task_created") == 1);
	json_t *t = task_in_fake(0, "mk-test-7");
	CHECK_STR(json_string_value(json_object_get(t, "WhatId")), ACME);
	CHECK_STR(json_string_value(json_object_get(t, "WhoId")), "003000000000001AAA");
	CHECK_STR(json_string_value(json_object_get(t, "ActivityDate")), "2025-03-14");
	CHECK_STR(json_string_value(json_object_get(t, "Status")), "Not Started");
	CHECK(strstr(json_string_value(json_object_get(t, "Description")), "I'll send it"));
	json_decref(t);
	/* again, done and undated: the same Task, updated */
	w.st.status = (char *)"Completed";
	w.st.due = NULL;
	CHECK(crm_salesforce.upsert(ctx, &w, &id2, &mod, &d) == MK_OK);
	CHECK(id && id2 && !strcmp(id, id2));
	CHECK(count_of(0, "task_created") == 1 && count_of(0, "task_updated") == 1);
	t = task_in_fake(0, "mk-test-7");
	CHECK(json_is_null(json_object_get(t, "ActivityDate")));
	CHECK(json_is_true(json_object_get(t, "IsClosed")));
	json_decref(t);
	free(id2);
	id2 = NULL;
	struct crm_want w2 = { &it2, ACME, { (char *)"Review the DPA", NULL, (char *)"Not Started", who2 }, "x" };
	CHECK(crm_salesforce.upsert(ctx, &w2, &id2, &mod, &d) == MK_OK && id2);

	free(id2);
	id2 = NULL;
	CHECK(crm_salesforce.find_by_key(ctx, ACME, "mk-test-7", &mod, &d) == MK_OK && mod && !strcmp(mod, id));
	free(mod);
	CHECK(crm_salesforce.find_by_key(ctx, ACME, "mk-none-1", &mod, &d) == MK_OK && !mod);

	/* both listed (two pages), done read; archived still listed; deleted not */
	CHECK(crm_salesforce.tasks(ctx, ACME, NULL, 0, &tv, &n, &d) == MK_OK && n == 2);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(tv[i].id, id))
			CHECK(tv[i].done && !strcmp(tv[i].key, "mk-test-7") && !tv[i].st.due);
		crm_task_release(&tv[i]);
	}
	free(tv);
	json_decref(ctl(0, "task/archive", "{\"key\":\"mk-test-7\"}"));
	json_decref(ctl(0, "task/delete", "{\"key\":\"mk-test-8\"}"));
	CHECK(crm_salesforce.tasks(ctx, ACME, NULL, 0, &tv, &n, &d) == MK_OK && n == 1);
	CHECK(n == 1 && !strcmp(tv[0].id, id));
	for (size_t i = 0; i < n; i++)
		crm_task_release(&tv[i]);
	free(tv);
	CHECK(crm_salesforce.tasks(ctx, GLOBEX, NULL, 0, &tv, &n, &d) == MK_OK && n == 0);
	free(tv);

	/* a subject longer than Salesforce's 255 characters is cut on a character boundary */
	char longsub[700];
	size_t at = 0;
	for (int i = 0; i < 300; i++) {
		memcpy(longsub + at, "\xc3\xa9", 2); /* e-acute: 2 bytes, 1 character */
		at += 2;
	}
	longsub[at] = '\0';
	struct mk_crm_item it3 = item_of(10, "mk-test-10", NULL, MK_SIDE_SELLER);
	struct crm_want w3 = { &it3, GLOBEX, { longsub, NULL, (char *)"Not Started", NULL }, "d" };
	char *id3 = NULL;
	CHECK(crm_salesforce.upsert(ctx, &w3, &id3, &mod, &d) == MK_OK && id3);
	t = task_in_fake(0, "mk-test-10");
	const char *sub = json_string_value(json_object_get(t, "Subject"));
	CHECK(sub && strlen(sub) == 510 && !strncmp(sub, longsub, 510));
	json_decref(t);
	free(id3);

	/* a validation rule's refusal is one line */
	w.st.subject = (char *)"FAIL VALIDATION";
	mk_diag_clear(&d);
	CHECK(crm_salesforce.upsert(ctx, &w, &id2, &mod, &d) == MK_ENET);
	CHECK(strstr(d.msg, "a validation rule of the org refused it: Tasks need a real subject"));
	check_msg(&d);
	free(id);
	free(id2);
	free(who);
	free(who2);
	crm_salesforce.close(ctx);
	remote_config_release(&cfg);
}

static void test_next_step(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	json_t *s, *o;
	cfg_for(&cfg, 0);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	CHECK(crm_salesforce.next_step(ctx, GLOBEX, "Dana: send the DPA (due 2025-03-14)", "50% done, 1 overdue, 0 slipped",
				       &d) == MK_OK);
	s = ctl(0, "state", NULL);
	o = json_object_get(json_object_get(s, "opportunities"), GLOBEX);
	CHECK_STR(json_string_value(json_object_get(o, "NextStep")), "Dana: send the DPA (due 2025-03-14)");
	CHECK_STR(json_string_value(json_object_get(o, "Mapkeeper_Plan_Health__c")), "50% done, 1 overdue, 0 slipped");
	json_decref(s);
	crm_salesforce.close(ctx);
	/* an org without the health field: NextStep alone */
	json_decref(ctl(0, "config", "{\"no_health\": true}"));
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	CHECK(crm_salesforce.next_step(ctx, ACME, "Farah: sign", "10% done, 0 overdue, 0 slipped", &d) == MK_OK);
	s = ctl(0, "state", NULL);
	o = json_object_get(json_object_get(s, "opportunities"), ACME);
	CHECK_STR(json_string_value(json_object_get(o, "NextStep")), "Farah: sign");
	CHECK(!json_object_get(o, "Mapkeeper_Plan_Health__c"));
	json_decref(s);
	CHECK(crm_salesforce.next_step(ctx, "006000000000099AAA", "x", NULL, &d) == MK_ENOTFOUND);
	check_msg(&d);
	json_decref(ctl(0, "config", "{\"no_health\": false}"));
	crm_salesforce.close(ctx);
	remote_config_release(&cfg);
}

static void test_faults(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	char *name = NULL, *id = NULL, *mod = NULL;
	cfg_for(&cfg, 0);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_OK);
	free(name);
	/* a token that died: renewed once */
	long tokens = count_of(0, "token");
	json_decref(ctl(0, "expire", "{}"));
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_OK);
	CHECK_STR(name, "Acme Rollout");
	free(name);
	CHECK(count_of(0, "token") == tokens + 1);
	/* a token refused again after its renewal: one line, no loop */
	json_decref(ctl(0, "config", "{\"refuse_tokens\": true}"));
	tokens = count_of(0, "token");
	mk_diag_clear(&d);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_ENET && !name);
	CHECK_STR(d.msg, "salesforce: access token refused (HTTP 401, INVALID_SESSION_ID) after renewal: check the "
			 "app's OAuth scopes (api)");
	CHECK(count_of(0, "token") == tokens + 1);
	json_decref(ctl(0, "config", "{\"refuse_tokens\": false}"));
	/* two 500s, then a 429 with Retry-After: retried */
	json_decref(ctl(0, "fail", "{\"count\": 2, \"status\": 500}"));
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_OK);
	free(name);
	json_decref(ctl(0, "fail", "{\"count\": 1, \"status\": 429, \"retry_after\": 1}"));
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_OK);
	free(name);
	/* the daily limit */
	json_decref(ctl(0, "fail", "{\"count\": 1, \"status\": 403, \"errorCode\": \"REQUEST_LIMIT_EXCEEDED\", "
				   "\"message\": \"TotalRequests Limit exceeded.\"}"));
	mk_diag_clear(&d);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_ENET);
	CHECK(strstr(d.msg, "REQUEST_LIMIT_EXCEEDED"));
	check_msg(&d);
	crm_salesforce.close(ctx);

	/* no External ID field: the one line, and no Task written */
	json_decref(ctl(0, "config", "{\"no_external_id\": true}"));
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	struct mk_crm_item it = item_of(5, "mk-test-5", NULL, MK_SIDE_BUYER);
	struct crm_want w = { &it, ACME, { (char *)"x", NULL, (char *)"Not Started", NULL }, "d" };
	mk_diag_clear(&d);
	long writes = count_of(0, "writes");
	CHECK(crm_salesforce.upsert(ctx, &w, &id, &mod, &d) == MK_EARG && !id);
	CHECK_STR(d.msg, "salesforce: the Task field Mapkeeper_Id__c does not exist or is not an External ID: create "
			 "it (docs/crm.md)");
	CHECK(count_of(0, "writes") == writes);
	crm_salesforce.close(ctx);
	json_decref(ctl(0, "config", "{\"no_external_id\": false, \"not_external\": true}"));
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	struct crm_task *tv = NULL;
	size_t n = 0;
	CHECK(crm_salesforce.tasks(ctx, ACME, NULL, 0, &tv, &n, &d) == MK_EARG);
	CHECK(strstr(d.msg, "does not exist or is not an External ID"));
	crm_salesforce.close(ctx);
	json_decref(ctl(0, "config", "{\"not_external\": false}"));

	/* a wrong secret: one line that names what to check, never the secret */
	remote_config_set(&cfg.sf_client_secret, "wrong-" SECRET);
	remote_config_set(&cfg.sf_token.value, NULL);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	mk_diag_clear(&d);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_ENET);
	CHECK(strstr(d.msg, "invalid_client") && strstr(d.msg, "check SF_CLIENT_ID and SF_CLIENT_SECRET"));
	check_msg(&d);
	crm_salesforce.close(ctx);
	remote_config_release(&cfg);
}

static void test_jwt_flow(void)
{
	struct remote_config cfg;
	struct mk_diag d;
	void *ctx = NULL;
	char *name = NULL;
	cfg_for(&cfg, 1);
	remote_config_set(&cfg.sf_client_secret, NULL);
	remote_config_set(&cfg.sf_username, USERNAME);
	remote_config_set(&cfg.sf_jwt_key_file, keyfile);
	chmod(keyfile, 0644);
	mk_diag_clear(&d);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_EARG && !ctx);
	CHECK(strstr(d.msg, "readable by group or others"));
	chmod(keyfile, 0600);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_OK); /* the fake verifies the signature */
	CHECK_STR(name, "Acme Rollout");
	free(name);
	CHECK(count_of(1, "token") == 1 && count_of(1, "token_refused") == 0);
	crm_salesforce.close(ctx);
	/* another user: invalid_grant */
	remote_config_set(&cfg.sf_username, "someone@else.example");
	remote_config_set(&cfg.sf_token.value, NULL);
	CHECK(crm_salesforce.open(&cfg, &ctx, &d) == MK_OK);
	mk_diag_clear(&d);
	CHECK(crm_salesforce.deal_get(ctx, ACME, &name, &d) == MK_ENET);
	CHECK(strstr(d.msg, "invalid_grant") && strstr(d.msg, "check SF_USERNAME"));
	check_msg(&d);
	crm_salesforce.close(ctx);
	remote_config_release(&cfg);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	rsa_key = EVP_RSA_gen(2048);
	char *pem = pem_of(rsa_key, 0), *pub = pem_of(rsa_key, 1);
	snprintf(keyfile, sizeof keyfile, "/tmp/mk-sf-key-%d.pem", (int)getpid());
	snprintf(pubfile, sizeof pubfile, "/tmp/mk-sf-pub-%d.pem", (int)getpid());
	write_file(keyfile, pem, 0600);
	write_file(pubfile, pub, 0644);
	free(pem);
	free(pub);
	RUN(test_token);
	RUN(test_errors);
	RUN(test_query_page);
	RUN(test_task_record);
	RUN(test_describe_and_upsert);
	RUN(test_soql_and_cut);
	RUN(test_jwt);
	RUN(test_key_file);
	RUN(test_open);
	const char *a0[] = { "python3", "tests/fake/fake_salesforce.py", "--lifetime", "120", "--page-size", "1", NULL };
	const char *a1[] = { "python3", "tests/fake/fake_salesforce.py", "--lifetime", "120", "--pubkey", pubfile, NULL };
	if (fake_start(0, a0) || fake_start(1, a1)) {
		printf("not ok - cannot start tests/fake/fake_salesforce.py\n");
		fake_stop();
		return 1;
	}
	RUN(test_deals);
	RUN(test_tasks);
	RUN(test_next_step);
	RUN(test_faults);
	RUN(test_jwt_flow);
	fake_stop();
	unlink(keyfile);
	unlink(pubfile);
	EVP_PKEY_free(rsa_key);
	return tap_done();
}
