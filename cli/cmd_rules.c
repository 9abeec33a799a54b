/*
 * cmd_rules.c: `mapkeeper rules check [DIR]`: compiles every rule and runs every
 * example, printing each failure as file:line: message; exit 1 when any fails.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "mapkeeper rules check [DIR]";

static void report(void *ctx, const char *file, long line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s:%ld: %s\n", file, line, msg);
}

int cmd_rules(int argc, char **argv)
{
	struct mk_rules *rs = NULL;
	struct mk_diag diag;
	char *dir;
	size_t fails, nex = 0;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s\n", usage);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "check") || argc > 3)
		return cli_usage(usage);
	mk_diag_clear(&diag);
	dir = argc == 3 ? strdup(argv[2]) : mk_rules_default_dir();
	if (!dir)
		abort();
	if (mk_rules_load(&rs, dir, &diag) != MK_OK) {
		cli_diag(&diag, MK_ERULE);
		free(dir);
		return 1;
	}
	fails = mk_rules_check(rs, report, NULL, &nex);
	printf("%s: %zu rules, %zu examples, %zu failed\n", dir, mk_rules_count(rs), nex, fails);
	mk_rules_free(rs);
	free(dir);
	return fails ? 1 : 0;
}
