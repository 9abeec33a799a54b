/*
 * alloc.c: the one allocation wrapper and struct mk_buf. Out of memory prints one
 * line and aborts: no caller handles NULL. Does nothing else.
 */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "mapkeeper: out of memory allocating %zu bytes\n", n);
	abort();
}

void *mk_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *mk_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *mk_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *mk_grow(void *p, size_t *cap, size_t want, size_t elem)
{
	size_t c = *cap;
	if (want <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < want) {
		if (c > ((size_t)-1) / 2 / elem)
			oom(want * elem);
		c *= 2;
	}
	*cap = c;
	return mk_realloc(p, c * elem);
}

char *mk_strdup(const char *s)
{
	return mk_strndup(s, strlen(s));
}

char *mk_strndup(const char *s, size_t n)
{
	char *p = mk_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mk_sprintf(const char *fmt, ...)
{
	struct mk_buf b;
	va_list ap;
	mk_buf_init(&b);
	va_start(ap, fmt);
	mk_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (!b.s)
		return mk_strdup("");
	return mk_buf_detach(&b);
}

void mk_buf_init(struct mk_buf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void mk_buf_release(struct mk_buf *b)
{
	if (!b)
		return;
	free(b->s);
	mk_buf_init(b);
}

char *mk_buf_detach(struct mk_buf *b)
{
	char *s = b->s ? b->s : mk_strdup("");
	mk_buf_init(b);
	return s;
}

void mk_buf_reset(struct mk_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void mk_buf_add(struct mk_buf *b, const char *s, size_t n)
{
	b->s = mk_grow(b->s, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void mk_buf_adds(struct mk_buf *b, const char *s)
{
	mk_buf_add(b, s, strlen(s));
}

void mk_buf_addc(struct mk_buf *b, char c)
{
	mk_buf_add(b, &c, 1);
}

void mk_buf_vaddf(struct mk_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	b->s = mk_grow(b->s, &b->cap, b->len + (size_t)n + 1, 1);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void mk_buf_addf(struct mk_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mk_buf_vaddf(b, fmt, ap);
	va_end(ap);
}
