/* test_term.c: the terminal filter of util/term.c: which characters are neutralised, what
 * stays, and UTF-8 sequences split across writes (byte by byte gives what one write gives). */
#include "util/term.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes the pieces through one filter into a temporary file; returns what came out. */
static char *filtered(const char *const *pieces, size_t n, const size_t *lens)
{
	FILE *f = tmpfile();
	struct term_out o;
	static char out[4096];
	size_t got;
	if (!f)
		abort();
	memset(&o, 0, sizeof o);
	o.fd = fileno(f);
	for (size_t i = 0; i < n; i++)
		term_out_write(&o, pieces[i], lens ? lens[i] : strlen(pieces[i]));
	term_out_end(&o);
	rewind(f);
	got = fread(out, 1, sizeof out - 1, f);
	out[got] = '\0';
	fclose(f);
	return o.err ? NULL : out;
}

static char *one(const char *s)
{
	return filtered(&s, 1, NULL);
}

static void test_controls(void)
{
	CHECK_STR(one("a\033[2Jb\rc\x7f" "d\x01"), "a\\u001b[2Jb\\u000dc\\u007fd\\u0001");
	CHECK_STR(one("line\n\tindented\n"), "line\n\tindented\n");
	CHECK_STR(one("\xc2\x9b" "31m \xc2\x85"), "\\u009b31m \\u0085");
}

static void test_bidi(void)
{
	CHECK_STR(one("x\xe2\x80\xae" "y\xe2\x81\xa6z\xe2\x80\x8f\xd8\x9c"), "x\\u202ey\\u2066z\\u200f\\u061c");
	/* ordinary UTF-8 stays: é, an em dash, a CJK letter, an emoji, U+2028 is not touched */
	CHECK_STR(one("caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5 \xf0\x9f\x99\x82"), "caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5 \xf0\x9f\x99\x82");
}

static void test_invalid(void)
{
	CHECK_STR(one("a\xff" "b\xc0\xaf" "c"), "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c");
	/* an unfinished sequence at the very end */
	CHECK_STR(one("a\xe2\x80"), "a\xef\xbf\xbd\xef\xbf\xbd");
	/* a surrogate encoded in UTF-8 is not UTF-8 */
	CHECK_STR(one("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_split(void)
{
	const char *s = "Maya\xe2\x80\xae Brooks: caf\xc3\xa9 \xf0\x9f\x99\x82 \033[1m\xc2\x9b\n";
	const char *pieces[64];
	size_t lens[64], n = strlen(s);
	char whole[512];
	snprintf(whole, sizeof whole, "%s", one(s));
	for (size_t i = 0; i < n; i++) {
		pieces[i] = s + i;
		lens[i] = 1;
	}
	CHECK_STR(filtered(pieces, n, lens), whole);
	/* cut inside the bidi control and inside the emoji */
	{
		const char *p2[] = { "Maya\xe2", "\x80", "\xae Brooks: caf\xc3\xa9 \xf0\x9f", "\x99\x82 \033[1m\xc2", "\x9b\n" };
		CHECK_STR(filtered(p2, 5, NULL), whole);
	}
	CHECK(strstr(whole, "Maya\\u202e Brooks") != NULL);
}

static void test_write_error(void)
{
	struct term_out o;
	memset(&o, 0, sizeof o);
	o.fd = -1;
	term_out_write(&o, "x", 1);
	CHECK(o.err != 0);
}

int main(void)
{
	RUN(test_controls);
	RUN(test_bidi);
	RUN(test_invalid);
	RUN(test_split);
	RUN(test_write_error);
	return tap_done();
}
