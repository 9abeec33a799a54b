/*
 * suggest.c: "did you mean": the nearest of a few known words to a mistyped one, and the
 * one-line report of an option getopt_long refused, for every command. Owns no state;
 * prints only the report. A suggestion is made only when the words are close enough to
 * be a typo: a wrong word never gets a confident-sounding but unrelated answer.
 */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NEAR_MAX_LEN 64     /* longer words are never typos of a command or an option */

/* Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute,
 * swap two neighbours), letters compared without case. */
static size_t near_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d[NEAR_MAX_LEN + 1][NEAR_MAX_LEN + 1];   /* a distance is at most 64 */
	if (la > NEAR_MAX_LEN || lb > NEAR_MAX_LEN)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned char)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			unsigned best = d[i - 1][j - 1] + (unsigned)(ca != cb);
			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)best;
		}
	return d[la][lb];
}

void cli_near_init(struct cli_near *n, const char *word)
{
	n->word = word;
	n->best = NULL;
	n->dist = (size_t)-1;
}

void cli_near_add(struct cli_near *n, const char *cand)
{
	size_t len = strlen(n->word), dist, most;
	if (!cand || !*cand || !len)
		return;
	most = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	dist = near_distance(n->word, cand);
	/* the start of a longer word ("hist" for "history") is as good as one typo */
	if (dist > 1 && len >= 3 && len < strlen(cand) && !strncasecmp(cand, n->word, len))
		dist = 1;
	if (dist <= most && dist < strlen(cand) && dist < n->dist) {
		n->best = cand;
		n->dist = dist;
	}
}

const char *cli_near_best(const struct cli_near *n)
{
	return n->best;
}

/* The long option ARG ("--name" or "--name=value") names: exact, else the one it begins;
 * *nmatch counts the options it begins (2 or more: ambiguous). */
static const struct option *long_lookup(const struct option *longopts, const char *name, size_t len,
					size_t *nmatch)
{
	const struct option *hit = NULL;
	*nmatch = 0;
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (strlen(o->name) == len) {
			*nmatch = 1;
			return o;
		}
		hit = o;
		(*nmatch)++;
	}
	return hit;
}

int cli_unknown_option(const char *cmd, const char *arg, const struct option *longopts)
{
	char name[NEAR_MAX_LEN + 1];
	const char *p = arg + strspn(arg, "-");
	size_t len = strcspn(p, "=");
	struct cli_near near;
	if (len > NEAR_MAX_LEN)
		len = NEAR_MAX_LEN;
	memcpy(name, p, len);
	name[len] = '\0';
	cli_near_init(&near, name);
	for (const struct option *o = longopts; o && o->name; o++)
		cli_near_add(&near, o->name);
	if (cli_near_best(&near))
		cli_error("%s: unknown option '%.*s'; did you mean '--%s'?", cmd, (int)strcspn(arg, "="), arg,
			  cli_near_best(&near));
	else
		cli_error("%s: unknown option '%.*s' (see 'mapkeeper %s --help')", cmd, (int)strcspn(arg, "="),
			  arg, cmd);
	return CLI_USAGE;
}

int cli_bad_option(const char *cmd, char **argv, const char *shortopts, const struct option *longopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const char *cluster;
	if (!strncmp(arg, "--", 2) && arg[2]) {
		const char *name = arg + 2;
		size_t len = strcspn(name, "="), nmatch;
		const struct option *o = long_lookup(longopts, name, len, &nmatch);
		if (nmatch > 1) {
			char list[256];
			size_t used = 0;
			list[0] = '\0';
			for (const struct option *q = longopts; q->name; q++)
				if (!strncmp(q->name, name, len) && used < sizeof list)
					used += (size_t)snprintf(list + used, sizeof list - used, "%s--%s",
								 used ? ", " : "", q->name);
			cli_error("%s: option '--%.*s' is ambiguous (%s)", cmd, (int)len, name, list);
			return CLI_USAGE;
		}
		/* optopt 0: an unknown long option; else the option it was, when it is this one */
		if (!o && !optopt)
			return cli_unknown_option(cmd, arg, longopts);
		if (o && optopt == o->val) {
			if (name[len] == '=' && o->has_arg == no_argument)
				cli_error("%s: option '--%s' takes no value", cmd, o->name);
			else
				cli_error("%s: option '--%s' needs a value", cmd, o->name);
			return CLI_USAGE;
		}
	}
	if (optopt > 0 && optopt < 128 && isgraph(optopt)) {
		const char *s = strchr(shortopts, optopt);
		if (s && s[1] == ':') {
			cli_error("%s: option '-%c' needs a value", cmd, optopt);
			return CLI_USAGE;
		}
		/* "-deal" for "--deal": the cluster is argv[optind] while getopt is inside it */
		cluster = argv[optind] && argv[optind][0] == '-' && argv[optind][1] != '-' &&
					  strchr(argv[optind] + 1, optopt)
				  ? argv[optind]
				  : arg;
		if (cluster[0] == '-' && cluster[1] != '-' && strlen(cluster) > 3) {
			size_t nmatch;
			const struct option *o = long_lookup(longopts, cluster + 1, strcspn(cluster + 1, "="),
							     &nmatch);
			if (o && nmatch == 1) {
				cli_error("%s: unknown option '%.*s'; did you mean '--%s'?", cmd,
					  (int)strcspn(cluster, "="), cluster, o->name);
				return CLI_USAGE;
			}
		}
		cli_error("%s: unknown option '-%c' (see 'mapkeeper %s --help')", cmd, optopt, cmd);
		return CLI_USAGE;
	}
	return cli_unknown_option(cmd, arg, longopts);
}
