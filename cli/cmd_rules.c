/*
 * cmd_rules.c: `mapkeeper rules check [DIR]`: compiles every rule and runs every
 * example, printing each failure as file:line: message; exit 1 when any fails.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper rules check [DIR]\n"
	"\n"
	"Compiles every rule of DIR (default: $MAPKEEPER_RULES, else the rules folder beside\n"
	"the binary or in its share/mapkeeper) and runs every example; exit 1 when any fails.";

static void report(void *ctx, const char *file, long line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s:%ld: %s\n", file, line, msg);
}

/* Not "check": one line, with the verb it is near. */
static int unknown_verb(const char *verb)
{
	struct cli_near near;

	cli_near_init(&near, verb);
	cli_near_add(&near, "check");
	if (cli_near_best(&near))
		cli_error("rules: unknown verb '%s'; did you mean 'check'?", verb);
	else
		cli_error("rules: unknown verb '%s' (rules check [DIR])", verb);
	return CLI_USAGE;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_OPT_END,
	};
	struct mk_rules *rs = NULL;
	struct mk_diag diag;
	char *dir;
	size_t fails, nex = 0;
	struct cli_opts o = { 0 };

	if (cli_getopt("rules", argc, argv, "h", longopts, usage, &o) < 0)
		return o.rc;
	if (optind >= argc || optind + 2 < argc)
		return cli_usage(usage);
	if (strcmp(argv[optind], "check"))
		return unknown_verb(argv[optind]);
	mk_diag_clear(&diag);
	dir = optind + 2 == argc ? strdup(argv[optind + 1]) : mk_rules_default_dir();
	if (!dir)
		abort();
	if (mk_rules_load(&rs, dir, &diag) != MK_OK) {
		cli_diag(&diag, MK_ERULE);
		free(dir);
		return CLI_FAILED;
	}
	fails = mk_rules_check(rs, report, NULL, &nex);
	printf("%s: %zu rules, %zu examples, %zu failed\n", dir, mk_rules_count(rs), nex, fails);
	mk_rules_free(rs);
	free(dir);
	return fails ? CLI_FAILED : CLI_OK;
}
