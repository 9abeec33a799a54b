/*
 * util.h: the allocation wrapper, a growable byte buffer and small string helpers
 * shared by every stage of libmapkeeper. Internal: cli/ never includes it.
 * The allocators never return NULL: out of memory aborts (redis zmalloc style), so
 * callers need no NULL checks. A struct mk_buf is always NUL-terminated once used.
 */
#ifndef MK_UTIL_H
#define MK_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *mk_malloc(size_t n);
void *mk_calloc(size_t n, size_t size);
void *mk_realloc(void *p, size_t n);
/* Grows an array to hold at least want elements; *cap is updated. */
void *mk_grow(void *p, size_t *cap, size_t want, size_t elem);
char *mk_strdup(const char *s);
char *mk_strndup(const char *s, size_t n);
char *mk_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct mk_buf {
	char *s;
	size_t len, cap;
};

void mk_buf_init(struct mk_buf *b);
void mk_buf_release(struct mk_buf *b);
/* Hands the string to the caller and leaves b empty. */
char *mk_buf_detach(struct mk_buf *b);
void mk_buf_add(struct mk_buf *b, const char *s, size_t n);
void mk_buf_adds(struct mk_buf *b, const char *s);
void mk_buf_addc(struct mk_buf *b, char c);
void mk_buf_addf(struct mk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mk_buf_vaddf(struct mk_buf *b, const char *fmt, va_list ap);
void mk_buf_reset(struct mk_buf *b);

/* Returns 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates); else 0 and *bad = offset. */
int mk_utf8_valid(const char *s, size_t n, size_t *bad);

/* ASCII case-insensitive comparison helpers. */
int mk_strieq(const char *a, const char *b);
int mk_strnieq(const char *a, const char *b, size_t n);

/* Is s one of the NULL-terminated list (exactly)? */
int mk_in_list(const char *s, const char *const *list);
/* Is s[0..n) one of the NULL-terminated list, ASCII case-insensitively? */
int mk_in_listn(const char *s, size_t n, const char *const *list);

/* SHA-256 of data as 64 lower-case hex digits plus NUL. */
void mk_sha256_hex(const void *data, size_t len, char out[65]);

#endif
