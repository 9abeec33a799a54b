/*
 * cli.h: the mapkeeper command's subcommands and the little they share.
 *
 * To add a command: write cli/cmd_NAME.c holding a usage string and
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is the command's name; parse options,
 * call the library through mapkeeper.h, free, return an exit code), declare it below
 * and add one line to commands[] in cli/main.c. Exit codes: 0 success, 1 bad input or
 * a failed operation, 2 a usage error.
 */
#ifndef MK_CLI_H
#define MK_CLI_H

#include "mapkeeper.h"

int cmd_transcript(int argc, char **argv);
int cmd_when(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_rules(int argc, char **argv);

/* "mapkeeper: <message>" on standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a diagnostic (file:line: msg) on standard error, falling back to mk_strerror(err). */
void cli_diag(const struct mk_diag *d, enum mk_err err);
/* Prints the usage's first line on one line of standard error and returns 2. After a
 * cli_error() about a bad option, return 2 without it: one line per mistake. */
int cli_usage(const char *usage);

#endif
