/*
 * lines.c: the line cursor every reader walks, and small byte-span helpers.
 * Does not allocate or copy: lines are spans of the caller's buffer.
 * Invariant: CRLF, LF and a lone CR each end exactly one line, so line numbers
 * agree between the readers and the whole-file checks in transcript.c.
 */
#include "ingest/ingest.h"

#include <string.h>

void lines_init(struct lines *l, const char *data, size_t len)
{
	l->p = data;
	l->end = data + len;
	l->no = 0;
}

/* Finds the end of the line starting at p and where the next one starts. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *cr = memchr(p, '\r', (size_t)((nl ? nl : end) - p));
	if (cr && cr + 1 == nl) {
		*next = nl + 1;
		return cr;
	}
	if (cr) {	/* a lone CR */
		*next = cr + 1;
		return cr;
	}
	if (nl) {
		*next = nl + 1;
		return nl;
	}
	*next = end;
	return end;
}

int lines_peek(const struct lines *l, const char **s, size_t *n)
{
	const char *next;
	if (l->p >= l->end)
		return 0;
	*s = l->p;
	*n = (size_t)(line_end(l->p, l->end, &next) - l->p);
	return 1;
}

int lines_next(struct lines *l, const char **s, size_t *n)
{
	const char *next;
	if (l->p >= l->end)
		return 0;
	*s = l->p;
	*n = (size_t)(line_end(l->p, l->end, &next) - l->p);
	l->p = next;
	l->no++;
	return 1;
}

long lines_number_at(const char *data, size_t len, size_t off)
{
	long no = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n')
			no++;
		else if (data[i] == '\r' && !(i + 1 < len && data[i + 1] == '\n'))
			no++;
	}
	return no;
}

static int is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

const char *span_trim(const char *s, size_t *n)
{
	size_t len = *n;
	while (len && is_blank_char(*s))
		s++, len--;
	while (len && is_blank_char(s[len - 1]))
		len--;
	*n = len;
	return s;
}

int span_blank(const char *s, size_t n)
{
	span_trim(s, &n);
	return n == 0;
}

int span_has(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}
