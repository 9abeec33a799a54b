/*
 * cmd_transcript.c: `mapkeeper transcript FILE [--format json|text]`: reads one
 * transcript (any format ingest/ knows; "-" = standard input) and prints what was
 * read: JSON (source + utterances, keys in a fixed order) or one line per utterance.
 * Prints nothing on standard output unless the whole file was read.
 */
#include "cli.h"

#include <jansson.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"mapkeeper transcript FILE [--format json|text]\n"
	"\n"
	"Reads a Zoom or Teams WebVTT, WebVTT, SRT or plain \"Name: text\" transcript\n"
	"(the format is found from the content; FILE '-' is standard input) and prints\n"
	"its utterances: JSON (the default) or text, one \"[HH:MM:SS] Name: text\" a line.";

/* Writes s as a JSON string (jansson does the escaping). */
static int put_json_string(FILE *out, const char *s)
{
	json_t *j = json_string(s);
	char *enc;
	int rc;
	if (!j)
		return -1;
	enc = json_dumps(j, JSON_ENCODE_ANY);
	json_decref(j);
	if (!enc)
		return -1;
	rc = fputs(enc, out) < 0 ? -1 : 0;
	free(enc);
	return rc;
}

static int put_field(FILE *out, const char *indent, const char *key, const char *val, int last)
{
	fprintf(out, "%s\"%s\": ", indent, key);
	if (put_json_string(out, val))
		return -1;
	fputs(last ? "\n" : ",\n", out);
	return 0;
}

static int print_json(FILE *out, const struct mk_transcript *t)
{
	char a[32], b[32];
	fputs("{\n  \"source\": {\n", out);
	if (put_field(out, "    ", "path", t->path, 0) ||
	    put_field(out, "    ", "format", mk_format_name(t->format), 0) ||
	    put_field(out, "    ", "sha256", t->sha256, !t->start) ||
	    (t->start && put_field(out, "    ", "start", t->start, 1)))
		return -1;
	fputs("  },\n  \"utterances\": [", out);
	for (size_t i = 0; i < t->n; i++) {
		const struct mk_utterance *u = &t->utt[i];
		mk_format_ms(u->start_ms, a, sizeof a);
		mk_format_ms(u->end_ms, b, sizeof b);
		fputs(i ? ",\n    {\n" : "\n    {\n", out);
		if (put_field(out, "      ", "speaker", u->speaker, 0) ||
		    put_field(out, "      ", "start", a, 0) ||
		    put_field(out, "      ", "end", b, 0) ||
		    put_field(out, "      ", "text", u->text, 1))
			return -1;
		fputs("    }", out);
	}
	fputs(t->n ? "\n  ]\n}\n" : "]\n}\n", out);
	return 0;
}

static void print_text(FILE *out, const struct mk_transcript *t)
{
	char a[32];
	for (size_t i = 0; i < t->n; i++) {
		const struct mk_utterance *u = &t->utt[i];
		mk_format_ms(u->start_ms, a, sizeof a);
		a[strcspn(a, ".")] = '\0';
		if (u->speaker[0])
			fprintf(out, "[%s] %s: %s\n", a, u->speaker, u->text);
		else
			fprintf(out, "[%s] %s\n", a, u->text);
	}
}

int cmd_transcript(int argc, char **argv)
{
	/* read by hand below (FILE may be "-"); this list is for the "did you mean" */
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *format = "json";
	struct mk_transcript t;
	struct mk_diag diag;
	enum mk_err err;
	int rc = CLI_FAILED, opts = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			printf("usage: %s\n", usage);
			return CLI_OK;
		} else if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && !strcmp(a, "--format")) {
			if (++i >= argc)
				return cli_usage(usage);
			format = argv[i];
		} else if (opts && !strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (opts && a[0] == '-' && a[1]) {
			return cli_unknown_option("transcript", a, longopts);
		} else if (!file) {
			file = a;
		} else {
			cli_error("transcript: only one FILE may be given");
			return CLI_USAGE;
		}
	}
	if (!file)
		return cli_usage(usage);
	if (!(format = cli_format("transcript", format, "json|text")))
		return CLI_USAGE;

	mk_transcript_init(&t);
	err = mk_transcript_read_file(&t, file, &diag);
	if (err) {
		cli_diag(&diag, err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		if (print_json(stdout, &t)) {
			cli_error("%s: cannot encode the transcript as JSON", file);
			goto out;
		}
	} else {
		print_text(stdout, &t);
	}
	rc = CLI_OK;
out:
	mk_transcript_release(&t);
	return rc;
}
