/*
 * fuzz_config.c: libFuzzer target for the sync configuration file's parser
 * (remote_config_parse in ingest/source.c, through ingest/remote.h): any bytes as a
 * KEY=VALUE file. It must succeed, or fail with MK_EFORMAT and one line naming the file
 * and line that holds no value of the file (a secret must never reach a message); every
 * key it set is a real C string without blanks around it. Leaks are findings.
 * Seeds: corpus/fuzz_config/ (files as docs/sync.md shows them, and broken ones).
 */
#include "fuzz_json_check.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const char *v)
{
	size_t n;
	if (!v)
		return;
	n = strlen(v);
	FUZZ_ASSERT(!n || (v[0] != ' ' && v[0] != '\t' && v[n - 1] != ' ' && v[n - 1] != '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct remote_config cfg;
	struct mk_diag d;
	enum mk_err err;

	remote_config_init(&cfg);
	mk_diag_clear(&d);
	err = remote_config_parse(&cfg, "fuzz.conf", (const char *)data, size, &d);
	if (err) {
		FUZZ_ASSERT(err == MK_EFORMAT);
		FUZZ_ASSERT(strncmp(d.msg, "sync: fuzz.conf:", 16) == 0);
		FUZZ_ASSERT(!strchr(d.msg, '\n'));
		/* "not KEY=VALUE" holds nothing of the line; "unknown key 'K'" holds K only */
		FUZZ_ASSERT(strstr(d.msg, ": not KEY=VALUE") || strstr(d.msg, ": unknown key '"));
	}
	char *fields[] = { cfg.zoom_account_id, cfg.zoom_client_id, cfg.zoom_client_secret, cfg.zoom_user,
			   cfg.ms_tenant_id, cfg.ms_client_id, cfg.ms_client_secret, cfg.ms_user_id,
			   cfg.zoom_api, cfg.zoom_oauth, cfg.graph_api, cfg.ms_login };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		check_value(fields[i]);
	remote_config_release(&cfg);
	return 0;
}
